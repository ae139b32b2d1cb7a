//! RSA backends for JS: the core's pure-Rust one, or the host's (`node:crypto`) through
//! callbacks the facade supplies.
//!
//! The host backend signs and verifies in JS; it delegates decryption to the pure-Rust
//! key, because Node ≥ 20 refuses PKCS#1 v1.5 private-key decryption. JS values are not
//! `Send`, so the backend keeps them in a per-thread table and holds only indices; a wasm
//! instance has one thread.

use crate::convert::{get, js_bytes};
use crate::error::{bad_argument, IntoJs, JsResult};
use js_sys::{Function, Uint8Array};
use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, OnceLock};
use unionpay_acp::crypto::portable::PortableBackend;
use unionpay_acp::crypto::{CryptoBackend, HashAlg, PrivateKeyOps, PublicKeyOps};
use unionpay_acp::pki::RsaPublicKey;
use unionpay_acp::{Error, ErrorCode, Result};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// An RSA implementation for keys, verifiers and clients.
#[wasm_bindgen]
pub struct Backend {
    pub(crate) inner: Arc<dyn CryptoBackend>,
}

#[wasm_bindgen]
impl Backend {
    /// The pure-Rust backend (RustCrypto `rsa`), compiled into the wasm module.
    pub fn portable() -> Backend {
        Backend {
            inner: Arc::new(PortableBackend),
        }
    }

    /// A backend over host callbacks: `loadPrivateKey(pkcs8Der) → sign(hash, msg) → Uint8Array`
    /// and `loadPublicKey(pkcs1Der) → verify(hash, msg, sig) → boolean`, `hash` being
    /// `256` (SHA-256) or `1` (SHA-1), RSASSA-PKCS1-v1_5.
    pub fn host(callbacks: JsValue) -> JsResult<Backend> {
        let function = |name: &str| {
            get(&callbacks, name)
                .dyn_into::<Function>()
                .map_err(|_| bad_argument(&format!("the host backend needs a function '{name}'")))
        };
        Ok(Backend {
            inner: Arc::new(HostBackend {
                load_private: JsHandle::new(function("loadPrivateKey").js()?),
                load_public: JsHandle::new(function("loadPublicKey").js()?),
            }),
        })
    }

    /// `rsa` (pure Rust) or `host`.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }
}

struct HostBackend {
    load_private: JsHandle,
    load_public: JsHandle,
}

impl fmt::Debug for HostBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostBackend")
    }
}

impl CryptoBackend for HostBackend {
    fn name(&self) -> &'static str {
        "host"
    }

    fn load_private_key(&self, pkcs8_der: &[u8]) -> Result<Arc<dyn PrivateKeyOps>> {
        let sign = self
            .load_private
            .call(&[js_bytes(pkcs8_der).into()])
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::KeyMalformed,
                    "the host crypto (node:crypto) did not accept the RSA private key",
                )
            })?;
        Ok(Arc::new(HostPrivateKey {
            sign: JsHandle::new(sign),
            pkcs8: Zeroizing::new(pkcs8_der.to_vec()),
            portable: OnceLock::new(),
        }))
    }

    fn load_public_key(&self, key: &RsaPublicKey) -> Result<Arc<dyn PublicKeyOps>> {
        let verify = self
            .load_public
            .call(&[js_bytes(key.pkcs1_der()).into()])
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::CertificateKeyUnsupported,
                    "the host crypto (node:crypto) did not accept the RSA public key",
                )
            })?;
        Ok(Arc::new(HostPublicKey(JsHandle::new(verify))))
    }
}

struct HostPrivateKey {
    sign: JsHandle,
    pkcs8: Zeroizing<Vec<u8>>,
    // Decryption is rare (returned card data): the pure-Rust key is parsed on first use.
    portable: OnceLock<Result<Arc<dyn PrivateKeyOps>>>,
}

impl PrivateKeyOps for HostPrivateKey {
    fn sign_pkcs1v15(&self, hash: HashAlg, msg: &[u8]) -> Result<Vec<u8>> {
        let name = hash_id(hash).ok_or_else(|| {
            Error::new(
                ErrorCode::UnsupportedSignMethod,
                "RSA with SM3 is not part of the protocol",
            )
        })?;
        self.sign
            .call(&[JsValue::from_f64(name), js_bytes(msg).into()])
            .and_then(|sig| sig.dyn_into::<Uint8Array>().ok())
            .map(|sig| sig.to_vec())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::CryptoBackend,
                    "RSA signing in the host crypto (node:crypto) failed",
                )
            })
    }

    fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.portable
            .get_or_init(|| PortableBackend.load_private_key(&self.pkcs8))
            .clone()?
            .decrypt_pkcs1v15(ciphertext)
    }
}

struct HostPublicKey(JsHandle);

impl PublicKeyOps for HostPublicKey {
    fn verify_pkcs1v15(&self, hash: HashAlg, msg: &[u8], sig: &[u8]) -> bool {
        let Some(name) = hash_id(hash) else {
            return false;
        };
        self.0
            .call(&[
                JsValue::from_f64(name),
                js_bytes(msg).into(),
                js_bytes(sig).into(),
            ])
            .is_some_and(|ok| ok.is_truthy())
    }
}

/// The digest as a number (cheaper to pass than a string): 256 or 1.
fn hash_id(hash: HashAlg) -> Option<f64> {
    match hash {
        HashAlg::Sha256 => Some(256.0),
        HashAlg::Sha1 => Some(1.0),
        HashAlg::Sm3 => None,
    }
}

thread_local! {
    static TABLE: RefCell<Table> = const { RefCell::new(Table { slots: Vec::new(), free: Vec::new() }) };
}

struct Table {
    slots: Vec<Option<Function>>,
    free: Vec<usize>,
}

/// A JS function kept in the per-thread table; removed when dropped.
struct JsHandle(usize);

impl JsHandle {
    fn new(f: Function) -> Self {
        TABLE.with(|t| {
            let mut t = t.borrow_mut();
            match t.free.pop() {
                Some(i) => {
                    if let Some(slot) = t.slots.get_mut(i) {
                        *slot = Some(f);
                    }
                    JsHandle(i)
                }
                None => {
                    t.slots.push(Some(f));
                    JsHandle(t.slots.len() - 1)
                }
            }
        })
    }

    /// Calls the function; `None` when it throws (the exception is not forwarded: its
    /// message could name key material).
    fn call(&self, args: &[JsValue]) -> Option<JsValue> {
        let f = TABLE.with(|t| t.borrow().slots.get(self.0).cloned().flatten())?;
        let result = match args {
            [a] => f.call1(&JsValue::NULL, a),
            [a, b] => f.call2(&JsValue::NULL, a, b),
            [a, b, c] => f.call3(&JsValue::NULL, a, b, c),
            _ => return None,
        };
        result.ok()
    }
}

impl Drop for JsHandle {
    fn drop(&mut self) {
        let _ = TABLE.try_with(|t| {
            let mut t = t.borrow_mut();
            if let Some(slot) = t.slots.get_mut(self.0) {
                *slot = None;
                t.free.push(self.0);
            }
        });
    }
}
