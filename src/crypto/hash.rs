//! The message digests the protocol uses.

use sha2::Digest;

/// A digest algorithm of the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-1 (5.0.0 signatures, UnionPay's certificate signatures).
    Sha1,
    /// SHA-256 (5.1.0, signMethod 11).
    Sha256,
    /// SM3 (signMethod 12).
    Sm3,
}

impl HashAlg {
    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha1 => sha1::Sha1::digest(data).to_vec(),
            HashAlg::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashAlg::Sm3 => sm3::Sm3::digest(data).to_vec(),
        }
    }

    /// The lowercase hex digest of `data`.
    pub fn hex_digest(self, data: &[u8]) -> String {
        hex_lower(&self.digest(data))
    }
}

/// Lowercase hex.
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(hex_digit(b >> 4, false));
        s.push(hex_digit(b & 0x0f, false));
    }
    s
}

/// The hex digit of a nibble (`0..=15`), lower or upper case.
pub(crate) fn hex_digit(nibble: u8, upper: bool) -> char {
    match (nibble & 0x0f, upper) {
        (n @ 0..=9, _) => char::from(b'0' + n),
        (n, false) => char::from(b'a' + n - 10),
        (n, true) => char::from(b'A' + n - 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            HashAlg::Sha256.hex_digest(b"88888888"),
            "615ed7fb1504b0c724a296d7a69e6c7b2f9ea2c57c1d8206c5afdf392ebdfd25"
        );
        assert_eq!(
            HashAlg::Sm3.hex_digest(b"88888888"),
            "ce63bbc0642e6805e0bf2be526df8fce7f29ae8cd7162ebafc826c8130810a30"
        );
        assert_eq!(
            HashAlg::Sha1.hex_digest(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
