//! Randomness is an argument: the host passes a [`RandomSource`].

use crate::error::{Error, ErrorCode, Result};

/// A source of cryptographically secure random bytes, supplied by the host
/// (e.g. `getrandom` in a binding, or [`FixedRandom`] in tests).
pub trait RandomSource {
    /// Fills `dest` with random bytes.
    fn fill(&mut self, dest: &mut [u8]) -> Result<()>;
}

impl<F: FnMut(&mut [u8]) -> Result<()>> RandomSource for F {
    fn fill(&mut self, dest: &mut [u8]) -> Result<()> {
        self(dest)
    }
}

/// A fixed byte stream, for reproducible tests and shared vectors; fails when exhausted.
#[derive(Clone, Debug)]
pub struct FixedRandom {
    bytes: Vec<u8>,
    pos: usize,
}

impl FixedRandom {
    /// A stream that yields `bytes` once, in order.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        FixedRandom {
            bytes: bytes.into(),
            pos: 0,
        }
    }
}

impl RandomSource for FixedRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<()> {
        let end = self.pos.saturating_add(dest.len());
        let src = self.bytes.get(self.pos..end).ok_or_else(|| {
            Error::new(
                ErrorCode::RandomFailed,
                "the fixed random stream is exhausted",
            )
        })?;
        dest.copy_from_slice(src);
        self.pos = end;
        Ok(())
    }
}
