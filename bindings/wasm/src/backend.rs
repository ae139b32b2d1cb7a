//! RSA for JS: the host's, through callbacks the facade supplies: `node:crypto` where it
//! exists, else the core's pure-Rust backend compiled as a separate wasm module
//! (`bindings/wasm-rsa`), loaded only then. This module has no RSA code of its own.
//!
//! The host does the RSA operations; the core keeps the padding of encryption and the
//! unpadding of decryption (Node ≥ 20 refuses PKCS#1 v1.5 private-key decryption, but
//! does the raw operation). JS values are not `Send`, so the backend keeps them in a
//! per-thread table and holds only indices; a wasm instance has one thread.

use crate::convert::{get, js_bytes};
use crate::error::{bad_argument, IntoJs, JsResult};
use js_sys::{Function, Uint8Array};
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use unionpay_acp::crypto::{
    unpad_pkcs1v15_encryption, CryptoBackend, HashAlg, PrivateKeyOps, PublicKeyOps,
};
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
    /// A backend over host callbacks, `hash` being `256` (SHA-256) or `1` (SHA-1):
    /// `loadPrivateKey(pkcs8Der)` → `{ sign(hash, msg) → Uint8Array (RSASSA-PKCS1-v1_5),
    /// decryptRaw(ciphertext) → Uint8Array (RSADP, no padding) }` and
    /// `loadPublicKey(pkcs1Der)` → `{ verify(hash, msg, sig) → boolean,
    /// encryptRaw(block) → Uint8Array (RSAEP, no padding) }`; optionally
    /// `digest(hash, data)` → Uint8Array, the host's hash of what keys sign and verify
    /// (without it the core hashes).
    pub fn host(callbacks: JsValue) -> JsResult<Backend> {
        let digest = get(&callbacks, "digest");
        let digest = if digest.is_undefined() {
            None
        } else {
            Some(Arc::new(JsHandle::new(
                function(&callbacks, "digest").js()?,
            )))
        };
        Ok(Backend {
            inner: Arc::new(HostBackend {
                load_private: JsHandle::new(function(&callbacks, "loadPrivateKey").js()?),
                load_public: JsHandle::new(function(&callbacks, "loadPublicKey").js()?),
                digest,
            }),
        })
    }
}

fn function(object: &JsValue, name: &str) -> Result<Function> {
    get(object, name)
        .dyn_into::<Function>()
        .map_err(|_| bad_argument(&format!("the host backend needs a function '{name}'")))
}

struct HostBackend {
    load_private: JsHandle,
    load_public: JsHandle,
    digest: Option<Arc<JsHandle>>,
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
        let rejected = || {
            Error::new(
                ErrorCode::KeyMalformed,
                "the host RSA backend did not accept the private key",
            )
        };
        let ops = self
            .load_private
            .call(&[js_bytes(pkcs8_der).into()])
            .ok_or_else(rejected)?;
        Ok(Arc::new(HostPrivateKey {
            sign: JsHandle::new(function(&ops, "sign").map_err(|_| rejected())?),
            decrypt_raw: JsHandle::new(function(&ops, "decryptRaw").map_err(|_| rejected())?),
            digest: self.digest.clone(),
        }))
    }

    fn load_public_key(&self, key: &RsaPublicKey) -> Result<Arc<dyn PublicKeyOps>> {
        let rejected = || {
            Error::new(
                ErrorCode::CertificateKeyUnsupported,
                "the host RSA backend did not accept the public key",
            )
        };
        let ops = self
            .load_public
            .call(&[js_bytes(key.pkcs1_der()).into()])
            .ok_or_else(rejected)?;
        Ok(Arc::new(HostPublicKey {
            verify: JsHandle::new(function(&ops, "verify").map_err(|_| rejected())?),
            encrypt_raw: JsHandle::new(function(&ops, "encryptRaw").map_err(|_| rejected())?),
            modulus_len: key.modulus().len(),
            digest: self.digest.clone(),
        }))
    }
}

struct HostPrivateKey {
    sign: JsHandle,
    decrypt_raw: JsHandle,
    digest: Option<Arc<JsHandle>>,
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
                    "RSA signing in the host backend failed",
                )
            })
    }

    fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let js_em = self
            .decrypt_raw
            .call(&[js_bytes(ciphertext).into()])
            .and_then(|em| em.dyn_into::<Uint8Array>().ok())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::DecryptionFailed,
                    "the ciphertext does not decrypt with the merchant key",
                )
            })?;
        let em = Zeroizing::new(js_em.to_vec());
        // The padded plaintext (card data) must not wait in JS memory for the GC.
        wipe(&js_em);
        unpad_pkcs1v15_encryption(&em)
    }

    fn digest(&self, hash: HashAlg, data: &[u8]) -> Result<Vec<u8>> {
        host_digest(self.digest.as_deref(), hash, data)
    }
}

struct HostPublicKey {
    verify: JsHandle,
    encrypt_raw: JsHandle,
    modulus_len: usize,
    digest: Option<Arc<JsHandle>>,
}

impl PublicKeyOps for HostPublicKey {
    fn verify_pkcs1v15(&self, hash: HashAlg, msg: &[u8], sig: &[u8]) -> Result<bool> {
        let Some(name) = hash_id(hash) else {
            return Ok(false);
        };
        let verdict = self.verify.call(&[
            JsValue::from_f64(name),
            js_bytes(msg).into(),
            js_bytes(sig).into(),
        ]);
        // Only a boolean counts: a truthy object (a Promise from an async WebCrypto
        // verify, which resolves later and may resolve to false) is not a verdict.
        match verdict.as_ref().and_then(JsValue::as_bool) {
            Some(ok) => Ok(ok),
            None => Err(Error::new(
                ErrorCode::CryptoBackend,
                "the host backend's verify callback did not return true or false (it threw, or returned another value such as a Promise: verification must answer synchronously)",
            )),
        }
    }

    fn encrypt_raw(&self, block: &[u8]) -> Result<Vec<u8>> {
        let failed = || {
            Error::new(
                ErrorCode::CryptoBackend,
                "RSA encryption in the host backend failed",
            )
        };
        // The block is padded card data: wiped in JS memory once the host has used it.
        let js_block = js_bytes(block);
        let c = self
            .encrypt_raw
            .call(&[js_block.clone().into()])
            .and_then(|c| c.dyn_into::<Uint8Array>().ok());
        wipe(&js_block);
        let c = c.ok_or_else(failed)?.to_vec();
        if c.len() == self.modulus_len {
            Ok(c)
        } else {
            Err(failed())
        }
    }

    fn digest(&self, hash: HashAlg, data: &[u8]) -> Result<Vec<u8>> {
        host_digest(self.digest.as_deref(), hash, data)
    }

    fn has_host_digest(&self) -> bool {
        self.digest.is_some()
    }
}

/// Below this many bytes the core's hash is the faster one: a call into the host costs
/// about 2 µs, the core's SHA-256 in wasm about 4 ns a byte (measured on Node 20: a 600-byte
/// request is signed 1 µs faster with the core's hash, a 2 KB answer verified 5 µs faster
/// with the host's).
const HOST_DIGEST_MIN: usize = 1024;

/// The host's digest of a message keys sign or verify; the core's where the host gave no
/// `digest`, for short messages and for SM3 (no signature here uses it). Only what is as
/// long as the digest counts: anything else is the backend's failure, never a digest.
fn host_digest(host: Option<&JsHandle>, hash: HashAlg, data: &[u8]) -> Result<Vec<u8>> {
    let (Some(host), Some(id), true) = (host, hash_id(hash), data.len() >= HOST_DIGEST_MIN) else {
        return Ok(hash.digest(data));
    };
    let len = match hash {
        HashAlg::Sha1 => 20,
        _ => 32,
    };
    host.call(&[JsValue::from_f64(id), js_bytes(data).into()])
        .and_then(|d| d.dyn_into::<Uint8Array>().ok())
        .map(|d| d.to_vec())
        .filter(|d| d.len() == len)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::CryptoBackend,
                "the host backend's digest callback failed or did not return a digest",
            )
        })
}

/// Overwrites a JS byte array with zeros.
fn wipe(bytes: &Uint8Array) {
    bytes.fill(0, 0, bytes.length());
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
