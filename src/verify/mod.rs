//! Verifying responses and notifications (spec §5).

mod cache;
mod chain;
mod policy;
mod trust;
mod verifier;

pub use policy::{MIN_RSA_BITS, MIN_RSA_BITS_LEGACY_500, TEST_IDENTITY, UNIONPAY_IDENTITY};
pub use trust::{CustomTrust, TrustProfile};
pub use verifier::Verifier;
