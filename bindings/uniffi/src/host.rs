//! What the host supplies: the clock and the OS random source (the core reads neither).

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use unionpay_acp::{Error, ErrorCode, RandomSource, Timestamp};

/// The host clock, or the caller's `now`: the one place this binding reads the time.
#[allow(clippy::disallowed_methods)]
pub fn now_or(now: Option<SystemTime>) -> Timestamp {
    to_timestamp(now.unwrap_or_else(SystemTime::now))
}

/// A `SystemTime` as the core's whole-second timestamp (sub-seconds dropped).
pub fn to_timestamp(t: SystemTime) -> Timestamp {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => Timestamp::from_unix_seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        Err(e) => {
            let d = e.duration();
            let s = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            Timestamp::from_unix_seconds(if d.subsec_nanos() > 0 { -s - 1 } else { -s })
        }
    }
}

/// The core's timestamp as a `SystemTime` (Python `datetime`, Kotlin `Instant`).
pub fn to_system_time(t: Timestamp) -> SystemTime {
    let s = t.unix_seconds();
    let d = Duration::from_secs(s.unsigned_abs());
    let t = if s >= 0 {
        UNIX_EPOCH.checked_add(d)
    } else {
        UNIX_EPOCH.checked_sub(d)
    };
    t.unwrap_or(UNIX_EPOCH)
}

/// The operating system's random source.
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, dest: &mut [u8]) -> unionpay_acp::Result<()> {
        getrandom::fill(dest)
            .map_err(|e| Error::new(ErrorCode::RandomFailed, format!("getrandom failed: {e}")))
    }
}
