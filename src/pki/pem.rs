//! PEM text (RFC 7468): `-----BEGIN X-----`, base64, `-----END X-----`.
//!
//! UnionPay certificates arrive with CRLF or LF line endings, inside larger strings
//! (a `signPubKeyCert` field), and sometimes without a final newline; all of that is
//! accepted. Anything inside a block other than base64 and whitespace is refused, which
//! also refuses the RFC 1421 encrypted-key headers this library cannot decrypt.

use crate::error::{Error, ErrorCode, Result};
use base64::Engine as _;
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

const BEGIN: &[u8] = b"-----BEGIN ";
const DASHES: &[u8] = b"-----";

/// One PEM block: its label (`CERTIFICATE`, `PRIVATE KEY`, …) and decoded contents.
///
/// The contents are wiped from memory when the block is dropped, since private keys
/// travel in PEM too.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct PemBlock {
    /// The label between `BEGIN ` and the closing dashes, e.g. `CERTIFICATE`.
    pub label: String,
    /// The base64-decoded contents (usually DER).
    pub der: Vec<u8>,
}

impl fmt::Debug for PemBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the contents: the block may hold a private key.
        f.debug_struct("PemBlock")
            .field("label", &self.label)
            .field("der_len", &self.der.len())
            .finish()
    }
}

fn malformed(what: impl fmt::Display) -> Error {
    Error::new(ErrorCode::PemMalformed, format!("PEM: {what}"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every `-----BEGIN X-----` … `-----END X-----` block in `text`, in order.
///
/// Text around and between blocks is ignored; whitespace (including CR) inside the
/// base64 is ignored.
///
/// # Errors
/// [`ErrorCode::PemMalformed`] when there is no block at all, or a block has no
/// matching END line, a bad label, non-base64 contents or is empty.
pub fn pem_blocks(text: &[u8]) -> Result<Vec<PemBlock>> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(pos) = find(rest, BEGIN) {
        let after_begin = rest.get(pos + BEGIN.len()..).unwrap_or_default();
        let label_len =
            find(after_begin, DASHES).ok_or_else(|| malformed("BEGIN line is not closed"))?;
        let label_bytes = after_begin.get(..label_len).unwrap_or_default();
        if label_bytes.is_empty() || !label_bytes.iter().all(|&b| (0x20..0x7F).contains(&b)) {
            return Err(malformed("bad label on BEGIN line"));
        }
        let label = String::from_utf8_lossy(label_bytes).into_owned();
        let body_and_rest = after_begin
            .get(label_len + DASHES.len()..)
            .unwrap_or_default();
        let end_line = format!("-----END {label}-----");
        let body_len = find(body_and_rest, end_line.as_bytes())
            .ok_or_else(|| malformed(format_args!("no '{end_line}' line")))?;
        let body = body_and_rest.get(..body_len).unwrap_or_default();
        let mut der =
            decode_body(body).map_err(|e| malformed(format_args!("block '{label}': {e}")))?;
        // Moving the Vec out hands its wiping over to PemBlock's drop.
        let der = std::mem::take(&mut *der);
        blocks.push(PemBlock { label, der });
        rest = body_and_rest
            .get(body_len + end_line.len()..)
            .unwrap_or_default();
    }
    if blocks.is_empty() {
        return Err(malformed("no -----BEGIN ...----- block found"));
    }
    Ok(blocks)
}

fn decode_body(body: &[u8]) -> std::result::Result<Zeroizing<Vec<u8>>, &'static str> {
    // Both buffers may hold a private key; size them up front so they never reallocate
    // (a reallocation would leave an unwiped copy behind).
    let mut compact = Zeroizing::new(Vec::with_capacity(body.len()));
    for &b in body {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C => {}
            b':' => return Err("headers (e.g. an encrypted PEM) are not supported"),
            _ => compact.push(b),
        }
    }
    if compact.is_empty() {
        return Err("empty");
    }
    let mut der = Zeroizing::new(Vec::with_capacity(compact.len() / 4 * 3 + 3));
    base64::engine::general_purpose::STANDARD
        .decode_vec(compact.as_slice(), &mut der)
        .map_err(|_| "invalid base64")?;
    Ok(der)
}

/// Encodes DER as PEM the way UnionPay sends certificates: 64-column base64 lines joined
/// by CRLF, and no line break after the END line (spec §2.2).
pub fn pem_encode_crlf(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\r\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out.push_str(&format!("-----END {label}-----"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "MIIBCgKCAQEAq/8=";

    #[test]
    fn lf_crlf_and_no_trailing_newline() {
        for text in [
            format!("-----BEGIN CERTIFICATE-----\n{BODY}\n-----END CERTIFICATE-----\n"),
            format!("-----BEGIN CERTIFICATE-----\r\n{BODY}\r\n-----END CERTIFICATE-----\r\n"),
            format!("-----BEGIN CERTIFICATE-----\r\n{BODY}\r\n-----END CERTIFICATE-----"),
            format!("-----BEGIN CERTIFICATE-----{BODY}-----END CERTIFICATE-----"),
            "x=1&cert=-----BEGIN CERTIFICATE-----\n MIIBCgKC\n\tAQEAq/8= \n-----END CERTIFICATE-----&y=2"
                .to_string(),
        ] {
            let blocks = pem_blocks(text.as_bytes()).unwrap();
            assert_eq!(blocks.len(), 1, "{text}");
            assert_eq!(blocks[0].label, "CERTIFICATE");
            assert_eq!(
                blocks[0].der,
                [0x30, 0x82, 0x01, 0x0A, 0x02, 0x82, 0x01, 0x01, 0x00, 0xAB, 0xFF]
            );
        }
    }

    #[test]
    fn several_blocks_in_order() {
        let text = concat!(
            "junk\n-----BEGIN PRIVATE KEY-----\nAAEC\n-----END PRIVATE KEY-----\n",
            "middle\n-----BEGIN CERTIFICATE-----\nAwQF\n-----END CERTIFICATE-----\n"
        );
        let blocks = pem_blocks(text.as_bytes()).unwrap();
        let labels: Vec<_> = blocks.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["PRIVATE KEY", "CERTIFICATE"]);
        assert_eq!(blocks[1].der, [3, 4, 5]);
        assert!(!format!("{:?}", blocks[0]).contains("0, 1, 2"));
    }

    #[test]
    fn broken_blocks_are_rejected() {
        for text in [
            "",
            "no pem here",
            "-----BEGIN CERTIFICATE-----\nAAEC\n",
            "-----BEGIN CERTIFICATE-----\nAAEC\n-----END PRIVATE KEY-----\n",
            "-----BEGIN CERTIFICATE-----\nAA*C\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nAAE\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n",
            "-----BEGIN -----\nAAEC\n-----END -----\n",
            "-----BEGIN CERTIFICATE",
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAEC\n-----END RSA PRIVATE KEY-----\n",
        ] {
            let err = pem_blocks(text.as_bytes()).unwrap_err();
            assert_eq!(err.code(), ErrorCode::PemMalformed, "{text:?}");
        }
    }
}
