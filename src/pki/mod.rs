//! Keys and certificates: DER, PEM, X.509 and PKCS#12, in pure Rust.
//!
//! Bytes in, values out: nothing here reads files. Everything is written for hostile
//! input (a `signPubKeyCert` comes from the network), so every parser fails with an
//! error, never a panic.

pub mod cert;
mod decimal;
pub(crate) mod der;
pub mod extensions;
mod fields;
mod pbe;
pub mod pem;
pub mod pkcs12;
pub(crate) mod rsa_private;

pub use cert::{Certificate, RsaPublicKey, SignatureAlgorithm};
pub use extensions::{Extensions, KeyUsage};
pub use pem::{pem_blocks, pem_encode_crlf, PemBlock};
pub use pkcs12::{parse_pkcs12, Pkcs12Contents};
