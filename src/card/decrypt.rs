//! Decrypting what UnionPay encrypted to the merchant's signing certificate (spec §6.2).

use crate::error::{Error, ErrorCode, Result};
use crate::key::MerchantKey;
use base64::Engine;
use zeroize::Zeroizing;

/// Base64-decodes and decrypts with the merchant key; returns the raw plaintext.
pub fn decrypt_field(key: &MerchantKey, base64_value: &str) -> Result<Zeroizing<Vec<u8>>> {
    let ct = base64::engine::general_purpose::STANDARD
        .decode(base64_value.trim())
        .map_err(|_| {
            Error::new(
                ErrorCode::InvalidBase64,
                "the encrypted value is not valid base64",
            )
        })?;
    let modulus_len = key.certificate().public_key()?.modulus().len();
    if ct.len() != modulus_len {
        return Err(Error::new(
            ErrorCode::DecryptionFailed,
            format!(
                "the ciphertext has {} bytes; the merchant key needs {modulus_len}",
                ct.len()
            ),
        ));
    }
    key.ops().decrypt_pkcs1v15(&ct)
}

/// Decrypts a text value and checks it is printable ASCII/UTF-8 text. Backends with
/// implicit rejection return random bytes for a wrong key; this catches them.
pub fn decrypt_text(key: &MerchantKey, base64_value: &str) -> Result<Zeroizing<String>> {
    let bytes = decrypt_field(key, base64_value)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::new(
            ErrorCode::DecryptionFailed,
            "the decrypted value is not text: wrong merchant key?",
        )
    })?;
    if text.is_empty() || text.chars().any(|c| c.is_control()) {
        return Err(Error::new(
            ErrorCode::DecryptionFailed,
            "the decrypted value is not printable text: wrong merchant key?",
        ));
    }
    Ok(Zeroizing::new(text.to_owned()))
}
