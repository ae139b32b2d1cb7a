//! The RSA backend interface: what the core needs from a crypto library.

use super::HashAlg;
use crate::error::{Error, ErrorCode, Result};
use crate::pki::RsaPublicKey;
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

/// RSA operations the core delegates. Implementations must be constant-time for
/// private-key operations.
pub trait CryptoBackend: Send + Sync + fmt::Debug {
    /// A short name for diagnostics and benchmarks (`aws-lc`, `rsa`, `node:crypto`).
    fn name(&self) -> &'static str;

    /// Loads an RSA private key from PKCS#8 `PrivateKeyInfo` DER.
    fn load_private_key(&self, pkcs8_der: &[u8]) -> Result<Arc<dyn PrivateKeyOps>>;

    /// Prepares a public key for repeated RSASSA-PKCS1-v1_5 verification.
    fn load_public_key(&self, key: &RsaPublicKey) -> Result<Arc<dyn PublicKeyOps>>;
}

/// Operations with a loaded private key.
pub trait PrivateKeyOps: Send + Sync {
    /// RSASSA-PKCS1-v1_5 signature of `msg` hashed with `hash`.
    fn sign_pkcs1v15(&self, hash: HashAlg, msg: &[u8]) -> Result<Vec<u8>>;

    /// RSAES-PKCS1-v1_5 decryption. Some backends return pseudo-random bytes instead of
    /// an error for a bad ciphertext (implicit rejection): callers validate the plaintext.
    fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>>;

    /// The `hash` digest of `data`: what the core signs the hex of (spec §4.2). The core's
    /// own hash by default; a host backend may hand it to the host's (under wasm, Node's
    /// OpenSSL hashes a 2 KB message four times faster than the core's code compiled to
    /// wasm). The core decides what is hashed and what is done with the digest.
    fn digest(&self, hash: HashAlg, data: &[u8]) -> Result<Vec<u8>> {
        Ok(hash.digest(data))
    }
}

/// Operations with a loaded public key.
pub trait PublicKeyOps: Send + Sync {
    /// Whether `sig` is a valid RSASSA-PKCS1-v1_5 signature of `msg` hashed with `hash`.
    ///
    /// # Errors
    /// When the backend cannot give a verdict (a host callback that fails or answers
    /// anything but a boolean): never read as a valid signature.
    fn verify_pkcs1v15(&self, hash: HashAlg, msg: &[u8], sig: &[u8]) -> Result<bool>;

    /// The raw RSA public operation (RSAEP): `block`^e mod n, `block` being exactly as
    /// long as the modulus; returns as many bytes. The core pads (RSAES-PKCS1-v1_5 with
    /// the caller's randomness, see [`encrypt_pkcs1v15`](super::encrypt_pkcs1v15)).
    fn encrypt_raw(&self, block: &[u8]) -> Result<Vec<u8>>;

    /// The `hash` digest of `data`: what the core verifies the signature of the hex of
    /// (spec §4.2). As [`PrivateKeyOps::digest`]: the core's hash unless the backend is a
    /// host's with a faster one.
    fn digest(&self, hash: HashAlg, data: &[u8]) -> Result<Vec<u8>> {
        Ok(hash.digest(data))
    }

    /// Whether [`digest`](Self::digest) is the host's own. Without one the core hashes a
    /// received message's canonical string piece by piece, never building it; with one it
    /// builds the string once and hands it over whole.
    fn has_host_digest(&self) -> bool {
        false
    }
}

/// The default backend of this build: AWS-LC with the `native` feature, else pure Rust
/// with the `portable` feature, else [`NoBackend`].
pub fn default_backend() -> Arc<dyn CryptoBackend> {
    #[cfg(feature = "native")]
    {
        Arc::new(super::native::NativeBackend)
    }
    #[cfg(all(feature = "portable", not(feature = "native")))]
    {
        Arc::new(super::portable::PortableBackend)
    }
    #[cfg(not(feature = "portable"))]
    {
        Arc::new(NoBackend)
    }
}

/// The backend of a build with no RSA code (`--no-default-features`, as the JS binding
/// builds the core, giving RSA to the host): loading any key fails with
/// [`ErrorCode::CryptoBackend`], so a forgotten backend is a clear error, not a panic.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoBackend;

impl NoBackend {
    fn error() -> Error {
        Error::new(
            ErrorCode::CryptoBackend,
            "this build has no RSA implementation: give the client and keys a backend",
        )
    }
}

impl CryptoBackend for NoBackend {
    fn name(&self) -> &'static str {
        "none"
    }

    fn load_private_key(&self, _pkcs8_der: &[u8]) -> Result<Arc<dyn PrivateKeyOps>> {
        Err(Self::error())
    }

    fn load_public_key(&self, _key: &RsaPublicKey) -> Result<Arc<dyn PublicKeyOps>> {
        Err(Self::error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_backend_fails_every_key_with_a_typed_error() {
        let key = RsaPublicKey::from_pkcs1_der(&[0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03])
            .unwrap();
        assert_eq!(
            NoBackend.load_public_key(&key).err().map(|e| e.code()),
            Some(ErrorCode::CryptoBackend)
        );
        assert_eq!(
            NoBackend.load_private_key(&[]).err().map(|e| e.code()),
            Some(ErrorCode::CryptoBackend)
        );
    }
}
