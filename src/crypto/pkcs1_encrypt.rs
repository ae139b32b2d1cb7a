//! RSAES-PKCS1-v1_5 padding (RFC 8017 §7.2): the padding in the core, the RSA operation
//! in the backend.
//!
//! The padding string PS is "the first k−3−|M| nonzero bytes of the random stream", so
//! every language and backend fed the same stream produces the same ciphertext (shared
//! vectors).

use super::backend::PublicKeyOps;
use super::random::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::pki::RsaPublicKey;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater};
use zeroize::Zeroizing;

/// The largest plaintext a key of this size can encrypt (k − 11 bytes).
pub fn max_plaintext_len(key: &RsaPublicKey) -> usize {
    key.modulus().len().saturating_sub(11)
}

/// Encrypts `plaintext` for `key`, whose RSA operation `ops` performs (loaded from `key`
/// by a [`CryptoBackend`](super::CryptoBackend)); returns the raw ciphertext (k bytes).
pub fn encrypt_pkcs1v15(
    ops: &dyn PublicKeyOps,
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

    let c = ops.encrypt_raw(&em)?;
    if c.len() != k {
        return Err(Error::new(
            ErrorCode::CryptoBackend,
            format!(
                "the RSA backend returned {} bytes for a {k}-byte key",
                c.len()
            ),
        ));
    }
    Ok(c)
}

/// Removes RSAES-PKCS1-v1_5 padding from a decrypted block `em` (as long as the
/// modulus), for backends that only offer the raw RSA private operation.
///
/// Whether the padding is valid, and where the message starts, is computed without
/// branching on the secret bytes; only the final verdict and the message length are
/// revealed, as by any PKCS#1 v1.5 decryption that reports errors.
///
/// # Errors
/// [`ErrorCode::DecryptionFailed`] when the block is not type-2 padding with at least
/// eight padding bytes.
pub fn unpad_pkcs1v15_encryption(em: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let (Some(&b0), Some(&b1)) = (em.first(), em.get(1)) else {
        return Err(decryption_failed());
    };
    let mut valid = b0.ct_eq(&0) & b1.ct_eq(&2);
    let mut found = Choice::from(0);
    let mut separator = 0u32;
    for (i, &b) in em.iter().enumerate().skip(2) {
        let is_zero = b.ct_eq(&0);
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        separator.conditional_assign(&index, is_zero & !found);
        found |= is_zero;
    }
    // PS runs from index 2 to the separator: at least eight bytes.
    valid &= found & separator.ct_gt(&9);
    if !bool::from(valid) {
        return Err(decryption_failed());
    }
    let start = usize::try_from(separator)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    Ok(Zeroizing::new(em.get(start..).unwrap_or_default().to_vec()))
}

fn decryption_failed() -> Error {
    Error::new(
        ErrorCode::DecryptionFailed,
        "the ciphertext does not decrypt with the merchant key",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(ps_len: usize, msg: &[u8]) -> Vec<u8> {
        let mut em = vec![0x00, 0x02];
        em.extend(std::iter::repeat_n(0x5A, ps_len));
        em.push(0);
        em.extend_from_slice(msg);
        em
    }

    #[test]
    fn unpads_a_valid_block() {
        let em = block(8, b"6216261000000000018");
        assert_eq!(
            unpad_pkcs1v15_encryption(&em).unwrap().as_slice(),
            b"6216261000000000018"
        );
        // An empty message is valid padding.
        assert_eq!(unpad_pkcs1v15_encryption(&block(20, b"")).unwrap().len(), 0);
        // Zeros inside the message stay: only the first zero separates.
        assert_eq!(
            unpad_pkcs1v15_encryption(&block(9, &[0, 1, 0]))
                .unwrap()
                .as_slice(),
            &[0, 1, 0]
        );
    }

    #[test]
    fn refuses_bad_padding() {
        let bad = |em: &[u8]| unpad_pkcs1v15_encryption(em).err().map(|e| e.code());
        let fail = Some(ErrorCode::DecryptionFailed);
        // Seven padding bytes are too few.
        assert_eq!(bad(&block(7, b"x")), fail);
        // Wrong block type, wrong leading byte.
        let mut em = block(8, b"x");
        em[1] = 1;
        assert_eq!(bad(&em), fail);
        let mut em = block(8, b"x");
        em[0] = 1;
        assert_eq!(bad(&em), fail);
        // No separator.
        assert_eq!(bad(&[0x00, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), fail);
        // Too short to hold a header.
        assert_eq!(bad(&[0x00]), fail);
        assert_eq!(bad(&[]), fail);
    }
}
