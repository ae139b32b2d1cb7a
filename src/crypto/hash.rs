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

    /// A digest computed piece by piece.
    pub(crate) fn hasher(self) -> Hasher {
        match self {
            HashAlg::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            HashAlg::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlg::Sm3 => Hasher::Sm3(sm3::Sm3::new()),
        }
    }
}

/// A digest being computed piece by piece (verification hashes the canonical string
/// without building it).
pub(crate) enum Hasher {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sm3(sm3::Sm3),
}

impl Hasher {
    /// Adds `data`.
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sm3(h) => h.update(data),
        }
    }

    /// The lowercase hex digest, on the stack.
    pub(crate) fn finish_hex(self) -> HexDigest {
        match self {
            Hasher::Sha1(h) => HexDigest::of(&h.finalize()),
            Hasher::Sha256(h) => HexDigest::of(&h.finalize()),
            Hasher::Sm3(h) => HexDigest::of(&h.finalize()),
        }
    }
}

/// A lowercase hex digest of at most 32 bytes, kept on the stack.
pub(crate) struct HexDigest {
    buf: [u8; 64],
    len: usize,
}

impl HexDigest {
    fn of(digest: &[u8]) -> Self {
        let mut buf = [0u8; 64];
        let mut len = 0;
        for (pair, &b) in buf.chunks_exact_mut(2).zip(digest) {
            pair.copy_from_slice(&[hex_byte(b >> 4), hex_byte(b & 0x0f)]);
            len += 2;
        }
        HexDigest { buf, len }
    }

    /// The hex digits.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// The hex digits as text.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

fn hex_byte(nibble: u8) -> u8 {
    match nibble & 0x0f {
        n @ 0..=9 => b'0' + n,
        n => b'a' + n - 10,
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

    #[test]
    fn piecewise_hex_digests_match_one_shot() {
        let data = b"accessType=0&bizType=000902&certId=68759663125";
        for alg in [HashAlg::Sha1, HashAlg::Sha256, HashAlg::Sm3] {
            let mut h = alg.hasher();
            for piece in data.chunks(7) {
                h.update(piece);
            }
            assert_eq!(h.finish_hex().as_str(), alg.hex_digest(data), "{alg:?}");
        }
    }
}
