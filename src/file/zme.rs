//! ZME files (差错/其他 details): parsed leniently, because only the field lengths are
//! known, from a single source (spec §10.4), and no sample file was available.

use super::layout::{decode_text, line_len, lines, split_fields};
use crate::error::{Error, ErrorCode, Result};

/// Field widths in bytes, in file order (spec §10.4, unverified against a real file).
const WIDTHS: [usize; 22] = [
    3, 11, 11, 6, 10, 19, 12, 4, 2, 2, 6, 10, 4, 12, 13, 13, 15, 15, 1, 12, 2, 135,
];

/// Bytes in one ZME line of the expected layout, without its CRLF.
pub const ZME_LINE_BYTES: usize = line_len(&WIDTHS);

/// One ZME line: always the whole decoded text, and the fields when the line has the
/// expected layout.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ZmeRecord {
    /// The 1-based line number in its file.
    pub line_no: usize,
    /// The whole line, GBK-decoded, trailing spaces removed.
    pub text: String,
    /// The 22 trimmed fields (the first eight match ZM fields 1–8: txn code, acquirer,
    /// sender, trace number, trace time, masked PAN, amount, MCC); `None` when the line
    /// is not [`ZME_LINE_BYTES`] long, so an unexpected layout never hides the line.
    pub fields: Option<Vec<String>>,
}

/// Parses a ZME file. Lines of another length are kept with `fields: None`.
///
/// Errors: `ReconRecordInvalid` only when a line is not GBK text at all.
pub fn parse_zme(bytes: &[u8]) -> Result<Vec<ZmeRecord>> {
    lines(bytes)
        .map(|(line_no, line)| {
            let bad = || {
                Error::new(
                    ErrorCode::ReconRecordInvalid,
                    format!("ZME line {line_no}: not valid GBK text"),
                )
            };
            let text = super::layout::decode_gbk(line)
                .ok_or_else(bad)?
                .trim_end()
                .to_owned();
            let fields = match split_fields(line, &WIDTHS) {
                // A field boundary inside a two-byte character means the layout is wrong.
                Some(raw) => raw.into_iter().map(decode_text).collect::<Option<Vec<_>>>(),
                None => None,
            };
            Ok(ZmeRecord {
                line_no,
                text,
                fields,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_length() {
        assert_eq!(ZME_LINE_BYTES, 339);
    }

    #[test]
    fn keeps_lines_of_an_unexpected_layout() {
        let mut line = vec![b' '; ZME_LINE_BYTES];
        line[..3].copy_from_slice(b"E74");
        let mut file = line.clone();
        file.extend_from_slice(b"\r\nshort line\r\n");
        let recs = parse_zme(&file).unwrap();
        assert_eq!(recs.len(), 2);
        let fields = recs[0].fields.as_ref().unwrap();
        assert_eq!(fields.len(), 22);
        assert_eq!(fields[0], "E74");
        assert_eq!(recs[1].fields, None);
        assert_eq!(recs[1].text, "short line");
        #[cfg(feature = "gbk")]
        assert_eq!(
            parse_zme(b"\xff\xff").unwrap_err().code(),
            ErrorCode::ReconRecordInvalid
        );
    }
}
