//! What the host supplies: the clock and the OS random source (the core reads neither).

use unionpay_acp::{Error, ErrorCode, RandomSource};

/// The caller's `now`, or the host clock: the one place this binding reads the time (only
/// the merchant build verifies anything, so only it reads the clock).
#[cfg(feature = "merchant")]
#[allow(clippy::disallowed_methods)]
pub fn now_or(now: Option<std::time::SystemTime>) -> unionpay_acp::Timestamp {
    unionpay_acp::ffi::timestamp(now.unwrap_or_else(std::time::SystemTime::now))
}

/// The operating system's random source.
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, dest: &mut [u8]) -> unionpay_acp::Result<()> {
        getrandom::fill(dest)
            .map_err(|e| Error::new(ErrorCode::RandomFailed, format!("getrandom failed: {e}")))
    }
}
