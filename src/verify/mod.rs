//! Verifying responses and notifications (spec §5).

mod cache;
mod chain;
mod trust;
mod verifier;

pub use trust::{CustomTrust, TrustProfile, TEST_IDENTITY, UNIONPAY_IDENTITY};
pub use verifier::Verifier;
