//! The RSA backend interface: what the core needs from a crypto library.

use super::HashAlg;
use crate::error::Result;
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
}

/// Operations with a loaded public key.
pub trait PublicKeyOps: Send + Sync {
    /// Whether `sig` is a valid RSASSA-PKCS1-v1_5 signature of `msg` hashed with `hash`.
    fn verify_pkcs1v15(&self, hash: HashAlg, msg: &[u8], sig: &[u8]) -> bool;
}

/// The default backend of this build: AWS-LC with the `native` feature, else pure Rust.
pub fn default_backend() -> Arc<dyn CryptoBackend> {
    #[cfg(feature = "native")]
    {
        Arc::new(super::native::NativeBackend)
    }
    #[cfg(not(feature = "native"))]
    {
        Arc::new(super::portable::PortableBackend)
    }
}
