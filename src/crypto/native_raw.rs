//! The raw RSA public operation (`m^e mod n`, no padding) through AWS-LC, for card-data
//! encryption on native targets. The core pads (PKCS#1 v1.5 type 2, with the host's
//! randomness, reproducible under the vectors' fixed randomness); aws-lc-rs only offers
//! encryption that pads by itself, hence this one call into `aws-lc-sys`.

use crate::error::{Error, ErrorCode, Result};
use std::ptr::NonNull;

/// An AWS-LC public key, used only for the raw operation.
pub(crate) struct RawPublicKey(NonNull<aws_lc_sys::RSA>);

// SAFETY: AWS-LC's RSA public operations may run concurrently on one RSA object (its
// lazily built Montgomery context is guarded by the object's own lock); the pointer is
// owned here and freed once, in `drop`.
unsafe impl Send for RawPublicKey {}
unsafe impl Sync for RawPublicKey {}

impl RawPublicKey {
    /// From a PKCS#1 `RSAPublicKey` DER.
    pub(crate) fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        // SAFETY: `der` is a valid slice for the duration of the call; AWS-LC copies what it
        // keeps and returns NULL on malformed input.
        let rsa = unsafe { aws_lc_sys::RSA_public_key_from_bytes(der.as_ptr(), der.len()) };
        NonNull::new(rsa).map(RawPublicKey).ok_or_else(|| {
            Error::new(
                ErrorCode::CryptoBackend,
                "AWS-LC refused the RSA public key for encryption",
            )
        })
    }

    /// `block^e mod n`; `block` is a whole padded block (as long as the modulus).
    pub(crate) fn encrypt(&self, block: &[u8]) -> Result<Vec<u8>> {
        // SAFETY: the RSA object is valid until drop.
        let size =
            usize::try_from(unsafe { aws_lc_sys::RSA_size(self.0.as_ptr()) }).unwrap_or_default();
        if block.len() != size {
            return Err(Error::new(
                ErrorCode::Bug,
                "the padded block is not as long as the modulus",
            ));
        }
        let mut out = vec![0u8; size];
        // SAFETY: `block` holds `size` bytes and `out` has room for `size`, as
        // RSA_NO_PADDING requires; the RSA object is valid.
        let written = unsafe {
            aws_lc_sys::RSA_public_encrypt(
                block.len(),
                block.as_ptr(),
                out.as_mut_ptr(),
                self.0.as_ptr(),
                aws_lc_sys::RSA_NO_PADDING,
            )
        };
        if usize::try_from(written).ok() != Some(size) {
            return Err(Error::new(
                ErrorCode::CryptoBackend,
                "AWS-LC's raw RSA public operation failed",
            ));
        }
        Ok(out)
    }
}

impl Drop for RawPublicKey {
    fn drop(&mut self) {
        // SAFETY: the pointer came from RSA_public_key_from_bytes and is freed only here.
        unsafe { aws_lc_sys::RSA_free(self.0.as_ptr()) }
    }
}
