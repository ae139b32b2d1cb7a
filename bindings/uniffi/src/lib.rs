//! The uniffi binding of `unionpay-acp`, shared by Python (`python/`) and Kotlin
//! (`bindings/kotlin`).
//!
//! Every type that crosses is the core's (its feature `uniffi` derives them, in the
//! namespace `acp_core`); this crate adds only the objects that hold host resources and
//! the host parts, in one place each: the clock ([`host::now_or`], used when a caller
//! passes no `now`) and the OS random source ([`host::OsRandom`]).

mod client;
mod host;
mod keys;
mod lowlevel;

pub use client::Client;
pub use keys::{Backend, Credentials, EncryptionCert, MerchantKey};
pub use lowlevel::Verifier;

/// The result of every fallible call: the core's one error.
pub(crate) type Result<T> = std::result::Result<T, unionpay_acp::ffi::AcpError>;

uniffi::setup_scaffolding!();
