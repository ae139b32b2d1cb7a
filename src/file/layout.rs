//! Fixed-width GBK lines: splitting by bytes, decoding, encoding and padding.
//!
//! Reconciliation files are sliced by byte offsets on the GBK bytes: a Chinese character
//! takes two bytes, so slicing decoded characters would shift every later field.

#[cfg(feature = "gateway")]
use crate::error::{Error, ErrorCode, Result};

/// The bytes of a line of `widths` fields with one separator between neighbours.
pub(crate) const fn line_len(widths: &[usize]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < widths.len() {
        // Evaluated at compile time for the constant layouts; `i` < len by the loop bound.
        #[allow(clippy::indexing_slicing)]
        let w = widths[i];
        total += w;
        i += 1;
    }
    total + widths.len().saturating_sub(1)
}

/// Lines of a file with their 1-based numbers: split at LF, one trailing CR removed; the
/// empty remainder after a final line break is not a line.
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let body = match bytes.strip_suffix(b"\n") {
        Some(b) => b.strip_suffix(b"\r").unwrap_or(b),
        None => bytes,
    };
    let empty = body.is_empty();
    body.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(move |_| !empty)
}

/// Splits `line` into fields of `widths`; `None` unless the length is exact and every
/// separator is a space.
pub(crate) fn split_fields<'a>(line: &'a [u8], widths: &[usize]) -> Option<Vec<&'a [u8]>> {
    if line.len() != line_len(widths) {
        return None;
    }
    let mut out = Vec::with_capacity(widths.len());
    let mut rest = line;
    for (i, &w) in widths.iter().enumerate() {
        let (field, tail) = rest.split_at_checked(w)?;
        out.push(field);
        rest = if i + 1 < widths.len() {
            match tail.split_first() {
                Some((b' ', after)) => after,
                _ => return None,
            }
        } else {
            tail
        };
    }
    Some(out)
}

/// Decodes GBK strictly and trims surrounding whitespace (fields are space-padded).
pub(crate) fn decode_text(raw: &[u8]) -> Option<String> {
    let text = decode_gbk(raw)?;
    Some(text.trim().to_owned())
}

/// GBK, strictly (`None` when invalid); without the `gbk` feature, UTF-8 with invalid
/// bytes replaced by U+FFFD (never `None`).
pub(crate) fn decode_gbk(raw: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    #[cfg(feature = "gbk")]
    {
        encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(raw)
    }
    #[cfg(not(feature = "gbk"))]
    {
        Some(String::from_utf8_lossy(raw))
    }
}

/// Encodes a text value as GBK for a field of `width` bytes (not padded yet).
///
/// Rejects what would not read back as the same value: characters GBK lacks, line
/// breaks and other control characters, surrounding whitespace, and values too long.
#[cfg(feature = "gateway")]
pub(crate) fn encode_text(value: &str, width: usize, name: &str) -> Result<Vec<u8>> {
    let reject = |why: String| {
        Err(Error::new(
            ErrorCode::InvalidField,
            format!("{name}: {why}"),
        ))
    };
    if value.chars().any(char::is_control) {
        return reject("contains a control character".into());
    }
    if value.trim() != value {
        return reject(
            "has leading or trailing whitespace, which the file format cannot keep".into(),
        );
    }
    #[cfg(feature = "gbk")]
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(value);
    #[cfg(not(feature = "gbk"))]
    let (bytes, unmappable) = (
        std::borrow::Cow::Borrowed(value.as_bytes()),
        !value.is_ascii(),
    );
    if unmappable {
        return reject(if cfg!(feature = "gbk") {
            "contains a character that GBK cannot encode".into()
        } else {
            "contains a non-ASCII character: writing GBK needs the `gbk` cargo feature".into()
        });
    }
    if bytes.len() > width {
        return reject(format!(
            "is {} bytes in GBK; the field holds {width}",
            bytes.len()
        ));
    }
    Ok(bytes.into_owned())
}

/// Joins encoded values into one line: each right-padded with spaces to its width, one
/// space between fields. Values must already fit (checked by the encoders).
#[cfg(feature = "gateway")]
pub(crate) fn join_fields(values: &[Vec<u8>], widths: &[usize]) -> Result<Vec<u8>> {
    if values.len() != widths.len() {
        return Err(Error::new(
            ErrorCode::Bug,
            "field count does not match the layout",
        ));
    }
    let mut line = Vec::with_capacity(line_len(widths));
    for (i, (value, &width)) in values.iter().zip(widths).enumerate() {
        if value.len() > width {
            return Err(Error::new(
                ErrorCode::Bug,
                "a field value exceeds its width",
            ));
        }
        if i > 0 {
            line.push(b' ');
        }
        line.extend_from_slice(value);
        line.resize(line.len() + (width - value.len()), b' ');
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_bytes_and_checks_separators() {
        assert_eq!(line_len(&[3, 2]), 6);
        assert_eq!(
            split_fields(b"abc de", &[3, 2]).unwrap(),
            vec![&b"abc"[..], b"de"]
        );
        assert!(split_fields(b"abcXde", &[3, 2]).is_none());
        assert!(split_fields(b"abc d", &[3, 2]).is_none());
    }

    #[test]
    fn line_numbers_and_endings() {
        let got: Vec<_> = lines(b"a\r\nb\r\n").collect();
        assert_eq!(got, vec![(1, &b"a"[..]), (2, &b"b"[..])]);
        assert_eq!(lines(b"a\nb").count(), 2);
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"\r\n").count(), 0);
        assert_eq!(lines(b"a\r\n\r\nb").count(), 3); // an inner empty line is reported
    }

    #[cfg(feature = "gbk")]
    #[test]
    fn gbk_round_trip_by_bytes() {
        let enc = encode_text("淘在路上", 8, "f").unwrap();
        assert_eq!(enc.len(), 8);
        assert_eq!(decode_text(&enc).unwrap(), "淘在路上");
        assert!(encode_text("淘在路上", 7, "f").is_err());
        assert!(encode_text(" x", 7, "f").is_err());
        assert!(encode_text("a\r\nb", 7, "f").is_err());
        assert!(encode_text("😀", 7, "f").is_err());
    }

    #[cfg(not(feature = "gbk"))]
    #[test]
    fn without_gbk_text_is_lossy_utf8_and_writing_is_ascii_only() {
        assert_eq!(decode_text(b" abc ").unwrap(), "abc");
        assert_eq!(decode_text(&[0xB6, 0xD4]).unwrap(), "\u{FFFD}\u{FFFD}");
        assert_eq!(encode_text("abc", 3, "f").unwrap(), b"abc");
        assert!(encode_text("淘", 7, "f").is_err());
    }
}
