//! What the host supplies: the clock and the OS random source (the core reads neither).

use std::time::SystemTime;
use unionpay_acp::ffi::timestamp;
use unionpay_acp::{Error, ErrorCode, RandomSource, Timestamp};

/// The caller's `now`, or the host clock: the one place this binding reads the time.
#[allow(clippy::disallowed_methods)]
pub fn now_or(now: Option<SystemTime>) -> Timestamp {
    timestamp(now.unwrap_or_else(SystemTime::now))
}

/// The operating system's random source.
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, dest: &mut [u8]) -> unionpay_acp::Result<()> {
        getrandom::fill(dest)
            .map_err(|e| Error::new(ErrorCode::RandomFailed, format!("getrandom failed: {e}")))
    }
}
