//! Encrypting a sensitive field for UnionPay.

use crate::crypto::{encrypt_pkcs1v15, RandomSource};
use crate::error::Result;
use crate::key::EncryptionCert;
use crate::secret::Pan;
use base64::Engine;

/// Encrypts `plaintext` (RSA PKCS#1 v1.5 to the encryption certificate, with the backend
/// the certificate was loaded with) and returns
/// base64 without line breaks, ready for `accNo`, `encryptedInfo` or `pin`.
pub fn encrypt_field(
    cert: &EncryptionCert,
    plaintext: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<String> {
    let key = cert.certificate().public_key()?;
    let ct = encrypt_pkcs1v15(cert.public_key_ops(), key, plaintext, rng)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(ct))
}

/// Encrypts a card number for `accNo`.
pub fn encrypt_pan(cert: &EncryptionCert, pan: &Pan, rng: &mut dyn RandomSource) -> Result<String> {
    encrypt_field(cert, pan.expose().as_bytes(), rng)
}
