//! A minimal DER reader: tag-length-value with definite lengths only.
//!
//! Every read is bounds-checked and fails with the [`ErrorCode`] the reader was made
//! with, so a certificate parser reports `CertificateMalformed` and a PKCS#12 parser
//! `Pkcs12Malformed` from the same code. Lengths are accepted in non-minimal long form
//! (some real-world encoders write them) but the indefinite form (BER) is refused: none
//! of the UnionPay or OpenSSL files need it, and it would complicate every caller.

use crate::error::{Error, ErrorCode, Result};
use std::fmt::Write as _;

/// `INTEGER`
pub(crate) const INTEGER: u8 = 0x02;
/// `BIT STRING`
pub(crate) const BIT_STRING: u8 = 0x03;
/// `OCTET STRING`
pub(crate) const OCTET_STRING: u8 = 0x04;
/// `OBJECT IDENTIFIER`
pub(crate) const OID: u8 = 0x06;
/// `UTCTime`
pub(crate) const UTC_TIME: u8 = 0x17;
/// `GeneralizedTime`
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
/// `SEQUENCE`
pub(crate) const SEQUENCE: u8 = 0x30;
/// `SET`
pub(crate) const SET: u8 = 0x31;

/// The tag of a constructed context-specific `[n]` (explicit tagging).
pub(crate) const fn context(n: u8) -> u8 {
    0xA0 | n
}

/// One element: its tag, its contents, and its full encoding (tag and length included).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet.
    pub tag: u8,
    /// The contents octets.
    pub value: &'a [u8],
    /// The whole element as encoded, e.g. to hash the exact signed bytes.
    pub raw: &'a [u8],
}

/// Reads consecutive elements from a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    code: ErrorCode,
}

impl<'a> Reader<'a> {
    /// A reader over `data` whose failures carry `code`.
    pub fn new(data: &'a [u8], code: ErrorCode) -> Self {
        Reader { rest: data, code }
    }

    /// An error with this reader's code.
    pub fn error(&self, what: impl std::fmt::Display) -> Error {
        Error::new(self.code, format!("malformed DER: {what}"))
    }

    /// True when every element has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, without consuming it.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads the next element, whatever its tag.
    pub fn any(&mut self) -> Result<Tlv<'a>> {
        let (&tag, after_tag) = self
            .rest
            .split_first()
            .ok_or_else(|| self.error("unexpected end of data"))?;
        if tag & 0x1F == 0x1F {
            return Err(self.error("multi-byte tags are not supported"));
        }
        let (&first, after_len) = after_tag
            .split_first()
            .ok_or_else(|| self.error("missing length"))?;
        let (len, body) = if first < 0x80 {
            (usize::from(first), after_len)
        } else if first == 0x80 {
            return Err(self.error("indefinite length (BER) is not supported"));
        } else {
            let count = usize::from(first & 0x7F);
            if count > std::mem::size_of::<usize>().min(4) {
                return Err(self.error("length too large"));
            }
            let (len_bytes, body) = after_len
                .split_at_checked(count)
                .ok_or_else(|| self.error("truncated length"))?;
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            (len, body)
        };
        let (value, rest) = body
            .split_at_checked(len)
            .ok_or_else(|| self.error("length runs past the end of the data"))?;
        let header = self.rest.len() - body.len();
        let raw = self
            .rest
            .get(..header + len)
            .ok_or_else(|| self.error("length overflow"))?;
        self.rest = rest;
        Ok(Tlv { tag, value, raw })
    }

    /// Reads the next element and checks its tag.
    pub fn expect(&mut self, tag: u8) -> Result<Tlv<'a>> {
        let tlv = self.any()?;
        if tlv.tag != tag {
            return Err(self.error(format_args!(
                "expected tag 0x{tag:02x}, found 0x{:02x}",
                tlv.tag
            )));
        }
        Ok(tlv)
    }

    /// Reads the next element only if it has `tag`.
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(tag) {
            self.expect(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads an element with `tag` and returns a reader over its contents.
    pub fn nested(&mut self, tag: u8) -> Result<Reader<'a>> {
        let tlv = self.expect(tag)?;
        Ok(Reader::new(tlv.value, self.code))
    }

    /// Reads a `SEQUENCE` and returns a reader over its contents.
    pub fn sequence(&mut self) -> Result<Reader<'a>> {
        self.nested(SEQUENCE)
    }

    /// Reads an `INTEGER` that must fit a non-negative `u64`.
    pub fn small_uint(&mut self) -> Result<u64> {
        let tlv = self.expect(INTEGER)?;
        let negative = tlv.value.first().is_some_and(|b| b & 0x80 != 0);
        let magnitude = strip_leading_zeros(tlv.value);
        if tlv.value.is_empty() || negative || magnitude.len() > 8 {
            return Err(self.error("integer out of range"));
        }
        Ok(magnitude
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// Reads a `BIT STRING` that must be whole bytes, and returns those bytes.
    pub fn bit_string(&mut self) -> Result<&'a [u8]> {
        let tlv = self.expect(BIT_STRING)?;
        match tlv.value.split_first() {
            Some((0, bytes)) => Ok(bytes),
            _ => Err(self.error("BIT STRING with unused bits")),
        }
    }

    /// Reads an `AlgorithmIdentifier` and returns its encoded OID and parameters
    /// (`None` when absent).
    pub fn algorithm(&mut self) -> Result<(&'a [u8], Option<Tlv<'a>>)> {
        let mut seq = self.sequence()?;
        let oid = seq.expect(OID)?.value;
        let params = if seq.is_empty() {
            None
        } else {
            Some(seq.any()?)
        };
        seq.finish()?;
        Ok((oid, params))
    }

    /// Fails unless every element has been read.
    pub fn finish(&self) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(self.error("unexpected data after the last element"))
        }
    }
}

/// Drops leading zero bytes (an INTEGER's sign padding).
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// The dotted form of an encoded OBJECT IDENTIFIER, for messages and display.
pub(crate) fn oid_to_string(encoded: &[u8]) -> String {
    let mut out = String::new();
    let mut arc: u128 = 0;
    let mut first = true;
    for &b in encoded {
        arc = (arc << 7) | u128::from(b & 0x7F);
        if b & 0x80 != 0 {
            // Arcs beyond 128 bits only occur in hostile input; keep the text bounded.
            if arc > u128::MAX >> 8 {
                return format!("<invalid OID {}>", hex(encoded));
            }
            continue;
        }
        if first {
            let (top, second) = match arc {
                0..=39 => (0, arc),
                40..=79 => (1, arc - 40),
                _ => (2, arc - 80),
            };
            let _ = write!(out, "{top}.{second}");
            first = false;
        } else {
            let _ = write!(out, ".{arc}");
        }
        arc = 0;
    }
    if first || encoded.last().is_some_and(|b| b & 0x80 != 0) {
        return format!("<invalid OID {}>", hex(encoded));
    }
    out
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: ErrorCode = ErrorCode::CertificateMalformed;

    #[test]
    fn short_and_long_form_lengths() {
        let mut r = Reader::new(&[0x04, 0x02, 0xAA, 0xBB, 0x05, 0x00], CODE);
        let t = r.any().unwrap();
        assert_eq!((t.tag, t.value, t.raw.len()), (0x04, &[0xAA, 0xBB][..], 4));
        assert_eq!(r.any().unwrap().value, &[] as &[u8]);
        assert!(r.is_empty());

        let mut long = vec![0x04, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(7u8, 256));
        let t = Reader::new(&long, CODE).any().unwrap();
        assert_eq!((t.value.len(), t.raw.len()), (256, 260));

        // Non-minimal long form is tolerated.
        let t = Reader::new(&[0x04, 0x81, 0x01, 0x09], CODE).any().unwrap();
        assert_eq!(t.value, &[9]);
    }

    #[test]
    fn truncated_and_hostile_lengths_fail_cleanly() {
        let cases: &[&[u8]] = &[
            &[],
            &[0x30],
            &[0x30, 0x05, 0x01],
            &[0x30, 0x81],
            &[0x30, 0x82, 0x01],
            &[0x30, 0x80, 0x00, 0x00],
            &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00],
            &[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            &[0x1F, 0x81, 0x01, 0x00],
        ];
        for case in cases {
            let err = Reader::new(case, CODE).any().unwrap_err();
            assert_eq!(err.code(), CODE, "{case:02x?}");
        }
    }

    #[test]
    fn expect_optional_finish() {
        let data = [0x30, 0x03, 0x02, 0x01, 0x05];
        let mut r = Reader::new(&data, ErrorCode::Pkcs12Malformed);
        assert!(r.optional(0xA0).unwrap().is_none());
        let mut seq = r.sequence().unwrap();
        assert_eq!(seq.small_uint().unwrap(), 5);
        seq.finish().unwrap();
        r.finish().unwrap();
        let mut r = Reader::new(&data, ErrorCode::Pkcs12Malformed);
        let err = r.expect(INTEGER).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Pkcs12Malformed);
        assert!(Reader::new(&[0x02, 0x01, 0xFF], CODE).small_uint().is_err());
        assert!(Reader::new(&[0x02, 0x00], CODE).small_uint().is_err());
    }

    #[test]
    fn oids_render_dotted() {
        let rsa = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
        assert_eq!(oid_to_string(&rsa), "1.2.840.113549.1.1.1");
        assert_eq!(oid_to_string(&[0x55, 0x04, 0x03]), "2.5.4.3");
        assert!(oid_to_string(&[0x2A, 0x86]).starts_with("<invalid"));
        assert!(oid_to_string(&[]).starts_with("<invalid"));
        assert!(oid_to_string(&[0xFF; 40]).starts_with("<invalid"));
    }
}
