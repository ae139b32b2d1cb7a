//! The uniffi binding of `unionpay-acp`, shared by Python (`python/`) and Kotlin
//! (`bindings/kotlin`).
//!
//! It only converts types and maps errors: every function is a delegation to the core.
//! The host parts live here too, in one place each: the clock ([`host::now`], used when a
//! caller passes no `now`) and the OS random source ([`host::OsRandom`]).
//!
//! Field maps (`FieldMap`) cross the boundary as one JSON string, which the Python and
//! Kotlin converters (configured in `uniffi.toml`) turn into `dict[str, str]` and
//! `Map<String, String>`: one buffer instead of two per field keeps the binding as fast
//! as hand-written `cryptography` code (see `python/bench.py`).

mod client;
mod convert;
mod error;
mod host;
mod keys;
mod lowlevel;
mod response;

pub use client::{Client, ClientConfig, KeyUpdate, Notification, Outcome};
pub use convert::{FieldMap, OutgoingRequest, QueriedTxn, TokenPayData};
pub use error::{AcpError, ErrorInfo};
pub use keys::{Backend, Credentials, EncryptionCert, MerchantKey, Trust};
pub use lowlevel::Verifier;
pub use response::Response;

uniffi::setup_scaffolding!();
