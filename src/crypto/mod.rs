//! Hashes, randomness and the RSA backends.
//!
//! Every RSA operation goes through a [`CryptoBackend`]: with the `portable` feature the
//! pure-Rust one, with `native` (the default) the constant-time AWS-LC one. Hosts can
//! plug their own: the JS binding builds the core with neither and hands RSA to
//! `node:crypto`, or to the pure-Rust backend compiled as a separate wasm module. The
//! PKCS#1 v1.5 encryption padding stays in the core everywhere, because its bytes come
//! from the caller's RNG and must be reproducible in tests; so does the decryption
//! unpadding for hosts that only offer the raw RSA operation.

mod backend;
mod hash;
#[cfg(feature = "native")]
pub mod native;
#[cfg(feature = "native")]
mod native_raw;
mod pkcs1_encrypt;
#[cfg(feature = "portable")]
pub mod portable;
mod random;

pub use backend::{default_backend, CryptoBackend, NoBackend, PrivateKeyOps, PublicKeyOps};
pub(crate) use hash::{hex_digit, HexDigest};
pub use hash::{hex_lower, HashAlg};
pub use pkcs1_encrypt::{encrypt_pkcs1v15, max_plaintext_len, unpad_pkcs1v15_encryption};
pub use random::{FixedRandom, RandomSource};
