//! The uniffi binding of `unionpay-acp`, shared by Python (`python/`), Kotlin
//! (`bindings/kotlin`) and Android (`bindings/android`).
//!
//! Every type that crosses is the core's (its features `uniffi` / `uniffi-card` derive
//! them, in the namespace `acp_core`); this crate adds only the objects that hold host
//! resources and the host parts, in one place each: the clock (`host::now_or`, used when
//! a caller passes no `now`) and the OS random source (`host::OsRandom`).
//!
//! Two builds:
//! - default (features `native` → `merchant`): the merchant back end's API — client,
//!   signing, verification, decryption, PKCS#12 — with AWS-LC;
//! - `--no-default-features`: card-data encryption only ([`EncryptionCert`],
//!   `CustomerInfo`, [`pin_block`]), for apps. Pure Rust (the core's `portable` RSA),
//!   so it cross-compiles for Android with nothing but a linker, and no API that holds or
//!   loads a merchant key exists in it.

mod card;
#[cfg(feature = "merchant")]
mod client;
mod host;
#[cfg(feature = "merchant")]
mod keys;
#[cfg(feature = "merchant")]
mod lowlevel;

pub use card::{pin_block, EncryptionCert};
#[cfg(feature = "merchant")]
pub use client::Client;
#[cfg(feature = "merchant")]
pub use keys::{Backend, Credentials, MerchantKey};
#[cfg(feature = "merchant")]
pub use lowlevel::Verifier;

/// The result of every fallible call: the core's one error.
pub(crate) type Result<T> = std::result::Result<T, unionpay_acp::ffi::AcpError>;

uniffi::setup_scaffolding!();
