//! RSAES-PKCS1-v1_5 encryption with padding drawn from the caller's RNG.
//!
//! The padding string PS is "the first k−3−|M| nonzero bytes of the random stream", so
//! every language fed the same stream produces the same ciphertext (shared vectors).

use super::random::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::pki::RsaPublicKey;
use rsa::traits::PublicKeyParts;
use rsa::BoxedUint;
use zeroize::Zeroizing;

/// The largest plaintext a key of this size can encrypt (k − 11 bytes).
pub fn max_plaintext_len(key: &RsaPublicKey) -> usize {
    key.modulus().len().saturating_sub(11)
}

/// Encrypts `plaintext` for `key`; returns the raw ciphertext (k bytes).
pub fn encrypt_pkcs1v15(
    key: &RsaPublicKey,
    plaintext: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>> {
    let k = key.modulus().len();
    if plaintext.len() > max_plaintext_len(key) {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            format!(
                "{} bytes is too long for a {}-byte RSA key (at most {})",
                plaintext.len(),
                k,
                max_plaintext_len(key)
            ),
        ));
    }
    let ps_len = k - 3 - plaintext.len();
    let mut em = Zeroizing::new(Vec::with_capacity(k));
    em.extend_from_slice(&[0x00, 0x02]);
    let mut chunk = [0u8; 64];
    while em.len() < 2 + ps_len {
        let want = (2 + ps_len - em.len()).min(chunk.len());
        let buf = chunk.get_mut(..want).unwrap_or_default();
        rng.fill(buf)?;
        em.extend(buf.iter().copied().filter(|&b| b != 0));
    }
    chunk.fill(0);
    em.truncate(2 + ps_len);
    em.push(0x00);
    em.extend_from_slice(plaintext);

    let public = rsa_public_key(key)?;
    let m = BoxedUint::from_be_slice(&em, public.n_bits_precision())
        .map_err(|_| Error::new(ErrorCode::Bug, "padded message does not fit the modulus"))?;
    let c = rsa::hazmat::rsa_encrypt(&public, &m).map_err(|e| {
        Error::new(
            ErrorCode::CryptoBackend,
            format!("RSA encryption failed: {e}"),
        )
    })?;
    let bytes = c.to_be_bytes();
    // Left-pad to k bytes: the integer may be shorter than the modulus.
    let mut out = vec![0u8; k.saturating_sub(bytes.len())];
    out.extend(bytes.iter().skip(bytes.len().saturating_sub(k)));
    Ok(out)
}

pub(crate) fn rsa_public_key(key: &RsaPublicKey) -> Result<rsa::PublicKey> {
    let bits = u32::try_from(key.modulus().len() * 8).unwrap_or(u32::MAX);
    let n = BoxedUint::from_be_slice(key.modulus(), bits)
        .map_err(|_| Error::new(ErrorCode::CertificateKeyUnsupported, "bad RSA modulus"))?;
    let e = BoxedUint::from_be_slice(key.exponent(), 64)
        .map_err(|_| Error::new(ErrorCode::CertificateKeyUnsupported, "bad RSA exponent"))?;
    rsa::PublicKey::new(n, e).map_err(|e| {
        Error::new(
            ErrorCode::CertificateKeyUnsupported,
            format!("unusable RSA public key: {e}"),
        )
    })
}
