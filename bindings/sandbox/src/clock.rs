//! The sandbox clock: real time plus an offset that tests move.
//!
//! Every business rule (clearing day, token validity, SMS expiry, payTimeout, the reveal of
//! a faulted transaction) reads this clock, so a test can jump to 22:59:59 Beijing time or
//! a year ahead without waiting. Notification retry delays are real time (see `notify`).
#![allow(clippy::disallowed_methods)] // the sandbox is a host: this module reads the OS clock

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use unionpay_acp::Timestamp;

/// A movable clock shared by the sandbox and its handle. Cloning shares the offset.
#[derive(Clone, Debug, Default)]
pub struct SandboxClock {
    offset: Arc<AtomicI64>,
}

impl SandboxClock {
    /// The real time (offset 0).
    pub fn real() -> Self {
        SandboxClock::default()
    }

    /// A clock that currently reads `now` and then runs at real speed.
    pub fn starting_at(now: Timestamp) -> Self {
        let clock = SandboxClock::default();
        clock.set_now(now);
        clock
    }

    /// The sandbox's current time.
    pub fn now(&self) -> Timestamp {
        real_now().plus_seconds(self.offset.load(Ordering::SeqCst))
    }

    /// Makes the clock read `now` from here on (it keeps running at real speed).
    pub fn set_now(&self, now: Timestamp) {
        self.offset.store(
            now.unix_seconds() - real_now().unix_seconds(),
            Ordering::SeqCst,
        );
    }

    /// Moves the clock by `seconds` (negative goes back).
    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::SeqCst);
    }

    /// The current offset from real time, in seconds.
    pub fn offset_seconds(&self) -> i64 {
        self.offset.load(Ordering::SeqCst)
    }
}

fn real_now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Timestamp::from_unix_seconds(secs)
}

/// A monotonic instant, for real-time delays (HTTP timeouts, notification retries).
pub(crate) fn instant_now() -> std::time::Instant {
    std::time::Instant::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_advance_move_the_clock() {
        let clock = SandboxClock::real();
        let target = Timestamp::from_unix_seconds(1_800_000_000);
        clock.set_now(target);
        let now = clock.now().unix_seconds();
        assert!((now - 1_800_000_000).abs() <= 1);
        clock.advance(3600);
        let later = clock.clone().now().unix_seconds();
        assert!((later - 1_800_003_600).abs() <= 1);
    }
}
