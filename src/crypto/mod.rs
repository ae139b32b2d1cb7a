//! Hashes, randomness and the RSA backends.
//!
//! RSA private-key and verify operations go through a [`CryptoBackend`]: the pure-Rust
//! [`portable`] backend (the only one on wasm) or, with the `native` feature, the
//! constant-time AWS-LC backend. Hosts can plug their own (the JS binding hands RSA to
//! `node:crypto`). Card-data encryption stays in the core everywhere, because its
//! padding bytes come from the caller's RNG and must be reproducible in tests.

mod backend;
mod hash;
#[cfg(feature = "native")]
pub mod native;
mod pkcs1_encrypt;
pub mod portable;
mod random;

pub use backend::{default_backend, CryptoBackend, PrivateKeyOps, PublicKeyOps};
pub(crate) use hash::hex_digit;
pub use hash::{hex_lower, HashAlg};
pub use pkcs1_encrypt::{encrypt_pkcs1v15, max_plaintext_len};
pub use random::{FixedRandom, RandomSource};
