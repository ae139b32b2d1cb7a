//! What the host supplies to the sans-IO core: files, the clock, randomness, stdin.
#![allow(clippy::disallowed_methods)] // the CLI is the host: it owns files, the clock and stdin

use std::io::Read;
use unionpay_acp::{Error, Timestamp};

pub fn read_file(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

pub fn read_stdin() -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    Ok(buf)
}

#[allow(clippy::disallowed_methods)] // the CLI is the host: it owns the clock
pub fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Timestamp::from_unix_seconds(secs)
}

/// The OS random source, handed to the core.
pub fn os_random(dest: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(dest).map_err(|e| {
        Error::new(
            unionpay_acp::ErrorCode::RandomFailed,
            format!("getrandom failed: {e}"),
        )
    })
}
