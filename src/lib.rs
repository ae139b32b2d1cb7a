//! # unionpay-acp
//!
//! A sans-IO client core for UnionPay online payments (全渠道, ACP message version 5.1.0,
//! and 5.0.0 for legacy verification), for the no-redirect / token product (银联无跳转支付).
//!
//! ```text
//!             host language (Node, Python, Kotlin, C, Rust)
//!    params ──► build_<api>(params, now, rng) ──► OutgoingRequest {url, body, ...}
//!                                                      │ host does the HTTP POST
//!    outcome ◄── handle_response(&request, body, now) ◄┘
//!    event   ◄── verify_notification(body, now)          (async POST to backUrl)
//! ```
//!
//! The core never opens a socket, reads a file, a clock or the OS random source:
//! time (`now`) and randomness (`rng`) are arguments, and state that must survive is
//! returned as a value for the host to keep.
//!
//! ```no_run
//! use unionpay_acp::client::{ClientConfig, ConsumeParams, Environment, Order, Outcome, Payer};
//! use unionpay_acp::card::CustomerInfo;
//! use unionpay_acp::crypto::default_backend;
//! use unionpay_acp::{Client, Credentials, MerchantKey, RandomSource, Timestamp, TrustProfile};
//!
//! fn pay(pfx: &[u8], now: Timestamp, rng: &mut dyn RandomSource,
//!        post: impl Fn(&str, &str) -> Vec<u8>) -> unionpay_acp::Result<()> {
//!     let key = MerchantKey::from_pkcs12(pfx, "000000", default_backend().as_ref())?;
//!     let config = ClientConfig::new("777290058110097", Credentials::Rsa(key),
//!                                    Environment::Test, TrustProfile::Test);
//!     let client = Client::new(config)?;
//!     let request = client.build_consume(&ConsumeParams {
//!         order: Order::New("20261125120000001".into()),
//!         txn_amt: 1000, // fen
//!         payer: Payer::Token("6235240000020757577".into()),
//!         back_url: "https://merchant.example/acp/notify".into(),
//!         customer_info: CustomerInfo { sms_code: Some("111111".into()), ..Default::default() },
//!         req_reserved: None,
//!     }, now, rng)?;
//!     let body = post(&request.url, &request.body); // the host does the HTTP
//!     match client.handle_response(&request, &body, now)? {
//!         Outcome::Accepted { query_at, .. } => println!("accepted; query at {query_at}"),
//!         other => println!("{}: {}", other.name(), other.decisive_code()),
//!     }
//!     Ok(())
//! }
//! ```
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]
#![warn(missing_docs)]

pub mod card;
pub mod client;
pub mod crypto;
pub mod error;
#[cfg(feature = "uniffi-card")]
pub mod ffi;
#[cfg(feature = "uniffi-card")]
uniffi::setup_scaffolding!("acp_core");
pub mod file;
pub mod form;
#[cfg(feature = "serde")]
pub mod json;
pub mod key;
pub mod pki;
pub mod secret;
pub mod sign;
pub mod time;
pub mod verify;

pub use client::{Client, ClientConfig, Environment, Outcome, OutgoingRequest};
pub use crypto::{CryptoBackend, FixedRandom, RandomSource};
pub use error::{Error, ErrorCode, ErrorKind, Result, VerifyFailure, VerifyStep};
pub use form::Fields;
pub use key::{EncryptionCert, MerchantKey};
#[cfg(feature = "gateway")]
pub use sign::{sign_as_gateway, sign_as_gateway_500};
pub use sign::{sign_fields, Credentials, SignMethod, SignedInfo, Version};
pub use time::Timestamp;
pub use verify::{CustomTrust, TrustProfile, Verifier};
