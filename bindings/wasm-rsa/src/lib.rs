//! The core's pure-Rust RSA backend (`unionpay_acp::crypto::portable`) as its own wasm
//! module, so that the main module (`bindings/wasm`) carries no RSA code: on Node the
//! npm package does RSA with `node:crypto` and never loads this one.
//!
//! It exposes exactly the operations the main module's host backend calls (see
//! `Backend.host` there): signing and raw decryption with a private key, verification and
//! raw encryption with a public key. Padding and unpadding stay in the main module.
//!
//! Key bytes and padded card data arrive as owned vectors and leave as JS arrays made
//! straight from zeroizing buffers, so none stays behind in this module's memory.
//!
//! A panic would kill the wasm instance, so the crate holds itself to the core's rules.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use js_sys::Uint8Array;
use unionpay_acp::crypto::portable::{PortablePrivateKey, PortablePublicKey};
use unionpay_acp::crypto::{HashAlg, PrivateKeyOps, PublicKeyOps};
use unionpay_acp::pki::RsaPublicKey as PublicKeyDer;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// A private key (PKCS#8), zeroized when freed.
#[wasm_bindgen]
pub struct RsaPrivateKey(PortablePrivateKey);

#[wasm_bindgen]
impl RsaPrivateKey {
    /// From PKCS#8 `PrivateKeyInfo` DER.
    #[wasm_bindgen(js_name = fromPkcs8)]
    pub fn from_pkcs8(der: Vec<u8>) -> Result<RsaPrivateKey, JsError> {
        let der = Zeroizing::new(der);
        PortablePrivateKey::from_pkcs8(&der)
            .map(RsaPrivateKey)
            .map_err(to_js)
    }

    /// RSASSA-PKCS1-v1_5 over `msg` hashed with SHA-256 (`hash` 256) or SHA-1 (`hash` 1).
    pub fn sign(&self, hash: u32, msg: &[u8]) -> Result<Vec<u8>, JsError> {
        self.0.sign_pkcs1v15(hash_alg(hash)?, msg).map_err(to_js)
    }

    /// The raw private operation (RSADP, blinded), without unpadding.
    #[wasm_bindgen(js_name = decryptRaw)]
    pub fn decrypt_raw(&self, ciphertext: &[u8]) -> Result<Uint8Array, JsError> {
        // The JS copy is the caller's to wipe; ours is zeroized on drop.
        self.0
            .decrypt_raw(ciphertext)
            .map(|m| Uint8Array::from(m.as_slice()))
            .map_err(to_js)
    }
}

/// A public key (PKCS#1 `RSAPublicKey`).
#[wasm_bindgen]
pub struct RsaPublicKey(PortablePublicKey);

#[wasm_bindgen]
impl RsaPublicKey {
    /// From PKCS#1 `RSAPublicKey` DER.
    #[wasm_bindgen(js_name = fromPkcs1)]
    pub fn from_pkcs1(der: &[u8]) -> Result<RsaPublicKey, JsError> {
        PublicKeyDer::from_pkcs1_der(der)
            .and_then(|key| PortablePublicKey::new(&key))
            .map(RsaPublicKey)
            .map_err(to_js)
    }

    /// Whether `sig` is an RSASSA-PKCS1-v1_5 signature of `msg` (`hash` as in `sign`).
    pub fn verify(&self, hash: u32, msg: &[u8], sig: &[u8]) -> bool {
        hash_alg(hash).is_ok_and(|h| self.0.verify_pkcs1v15(h, msg, sig) == Ok(true))
    }

    /// The raw public operation (RSAEP) on a block as long as the modulus.
    #[wasm_bindgen(js_name = encryptRaw)]
    pub fn encrypt_raw(&self, block: Vec<u8>) -> Result<Vec<u8>, JsError> {
        let block = Zeroizing::new(block);
        self.0.encrypt_raw(&block).map_err(to_js)
    }
}

fn hash_alg(id: u32) -> Result<HashAlg, JsError> {
    match id {
        256 => Ok(HashAlg::Sha256),
        1 => Ok(HashAlg::Sha1),
        _ => Err(JsError::new("hash must be 256 (SHA-256) or 1 (SHA-1)")),
    }
}

/// The main module reports its own typed error when a callback throws; the message here
/// is for a developer calling this module directly, and never carries key material.
fn to_js(e: unionpay_acp::Error) -> JsError {
    JsError::new(&format!("{} ({})", e.message(), e.code().code()))
}
