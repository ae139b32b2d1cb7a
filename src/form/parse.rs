//! Parsers for what UnionPay sends: synchronous response bodies (raw `k=v&…`, spec §2.2)
//! and notifications (form-encoded, spec §2.3).

use super::urlencoded::decode_component;
use super::Fields;
use crate::error::{Error, ErrorCode, Result};

/// Largest synchronous body accepted (file-transfer responses carry whole archives).
pub const MAX_SYNC_BODY: usize = 32 * 1024 * 1024;
/// Largest notification body accepted.
pub const MAX_NOTIFY_BODY: usize = 1024 * 1024;
/// Most fields a body may have. UnionPay's messages carry about 40; the bound keeps the
/// memory a hostile body costs within a small multiple of its size.
pub const MAX_FIELDS: usize = 256;

/// Parses a synchronous response body with the default size limit.
pub fn parse_sync_body(body: &[u8]) -> Result<Fields> {
    parse_sync_body_limited(body, MAX_SYNC_BODY)
}

/// Parses a synchronous response body: values are raw (never URL-decoded), a pair splits
/// at its first `=`, and `&` inside `{…}` or `[…]` does not separate pairs.
pub fn parse_sync_body_limited(body: &[u8], max: usize) -> Result<Fields> {
    check_size(body, max)?;
    let text = std::str::from_utf8(body).map_err(|e| {
        Error::new(
            ErrorCode::NotUtf8,
            format!(
                "the response body is not UTF-8 (at byte {})",
                e.valid_up_to()
            ),
        )
    })?;
    // The Java SDK strips one outer pair of braces around a whole body; harmless to copy.
    let text = match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        Some(inner) => inner,
        None => text,
    };
    let mut fields = Fields::new();
    for pair in split_top_level_bounded(text, b'&', MAX_FIELDS)? {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = match pair.split_once('=') {
            Some((k, v)) => (k, v),
            None => (pair, ""),
        };
        insert_unique(&mut fields, key, value.to_owned())?;
    }
    Ok(fields)
}

/// Parses a notification body (`application/x-www-form-urlencoded`) with the default limit.
pub fn parse_notify_body(body: &[u8]) -> Result<Fields> {
    parse_notify_body_limited(body, MAX_NOTIFY_BODY)
}

/// Parses a notification body: each key and value form-decoded once.
pub fn parse_notify_body_limited(body: &[u8], max: usize) -> Result<Fields> {
    check_size(body, max)?;
    let mut fields = Fields::new();
    for (n, pair) in body.split(|&b| b == b'&').enumerate() {
        if n >= MAX_FIELDS {
            return Err(too_many_fields());
        }
        if pair.is_empty() {
            continue;
        }
        let (k, v) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (
                pair.get(..i).unwrap_or_default(),
                pair.get(i + 1..).unwrap_or_default(),
            ),
            None => (pair, &[][..]),
        };
        let key = decode_component(k)?;
        let value = decode_component(v)?;
        insert_unique(&mut fields, &key, value)?;
    }
    Ok(fields)
}

/// Splits `text` on `sep` outside `{…}` / `[…]` groups, counting nesting depth.
pub(crate) fn split_top_level(text: &str, sep: u8) -> Result<Vec<&str>> {
    split_top_level_bounded(text, sep, usize::MAX)
}

fn too_many_fields() -> Error {
    Error::new(
        ErrorCode::BodyTooLarge,
        format!("the body has more than {MAX_FIELDS} fields"),
    )
}

/// [`split_top_level`], failing once there are more than `max` parts.
fn split_top_level_bounded(text: &str, sep: u8, max: usize) -> Result<Vec<&str>> {
    // Every delimiter is ASCII, and ASCII bytes never occur inside a multi-byte UTF-8
    // sequence, so scanning bytes splits only at character boundaries (and is several
    // times faster than decoding chars on the verification hot path).
    let mut parts = Vec::with_capacity(32.min(max));
    let mut depth: usize = 0;
    let mut start = 0;
    // The bytes that matter, looked up in a table: most bytes are none of them, and one
    // lookup per byte is about twice as fast as five comparisons in the size-optimised wasm
    // build (the verification hot path under Node).
    let mut special = [false; 256];
    for b in [b'{', b'[', b'}', b']', sep] {
        if let Some(s) = special.get_mut(usize::from(b)) {
            *s = true;
        }
    }
    let is_special = |b: &u8| special.get(usize::from(*b)).copied().unwrap_or(false);
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(is_special))
        .map(|offset| from + offset)
    {
        from = i + 1;
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1).ok_or_else(|| {
                    Error::new(
                        ErrorCode::UnbalancedBraces,
                        format!("a '{}' at byte {i} closes no group", char::from(b)),
                    )
                })?
            }
            _ if b == sep && depth == 0 => {
                // This part, and at least one after the separator.
                if parts.len() + 2 > max {
                    return Err(too_many_fields());
                }
                parts.push(text.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(Error::new(
            ErrorCode::UnbalancedBraces,
            "a '{' or '[' group is never closed",
        ));
    }
    parts.push(text.get(start..).unwrap_or_default());
    Ok(parts)
}

fn insert_unique(fields: &mut Fields, key: &str, value: String) -> Result<()> {
    if key.is_empty() {
        return Err(Error::new(
            ErrorCode::EmptyKey,
            "a pair in the body has an empty key",
        ));
    }
    if fields.insert_raw(key, value).is_some() {
        return Err(Error::new(
            ErrorCode::DuplicateKey,
            format!("the key '{key}' appears twice"),
        ));
    }
    Ok(())
}

fn check_size(body: &[u8], max: usize) -> Result<()> {
    if body.len() > max {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!(
                "the body has {} bytes, more than the limit of {max}",
                body.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_body_keeps_raw_values_and_groups() {
        let body = "a=x+y%2B==&tokenPayData={token=1&trId=2&x={y=z}}&cert=-----BEGIN\r\nAB==\r\n-----END&tail";
        let f = parse_sync_body(body.as_bytes()).unwrap();
        assert_eq!(f.get("a"), Some("x+y%2B=="));
        assert_eq!(f.get("tokenPayData"), Some("{token=1&trId=2&x={y=z}}"));
        assert_eq!(f.get("cert"), Some("-----BEGIN\r\nAB==\r\n-----END"));
        assert_eq!(f.get("tail"), Some(""));
    }

    #[test]
    fn sync_body_errors_are_typed() {
        assert_eq!(
            parse_sync_body(b"a=1&a=2").unwrap_err().code(),
            ErrorCode::DuplicateKey
        );
        assert_eq!(
            parse_sync_body(b"a={1&b=2").unwrap_err().code(),
            ErrorCode::UnbalancedBraces
        );
        assert_eq!(
            parse_sync_body(b"a=}").unwrap_err().code(),
            ErrorCode::UnbalancedBraces
        );
        assert_eq!(
            parse_sync_body(b"=1").unwrap_err().code(),
            ErrorCode::EmptyKey
        );
        assert_eq!(
            parse_sync_body(b"a=\xff").unwrap_err().code(),
            ErrorCode::NotUtf8
        );
        assert_eq!(
            parse_sync_body_limited(b"a=12345", 4).unwrap_err().code(),
            ErrorCode::BodyTooLarge
        );
    }

    #[test]
    fn field_count_is_bounded() {
        let join = |n: usize| {
            (0..n)
                .map(|i| format!("k{i}=1"))
                .collect::<Vec<_>>()
                .join("&")
        };
        let many = join(MAX_FIELDS + 1);
        for r in [
            parse_sync_body(many.as_bytes()),
            parse_notify_body(many.as_bytes()),
        ] {
            assert_eq!(r.unwrap_err().code(), ErrorCode::BodyTooLarge);
        }
        let fine = join(MAX_FIELDS);
        assert_eq!(parse_sync_body(fine.as_bytes()).unwrap().len(), MAX_FIELDS);
        assert_eq!(
            parse_notify_body(fine.as_bytes()).unwrap().len(),
            MAX_FIELDS
        );
    }

    #[test]
    fn whole_body_braces_are_stripped() {
        let f = parse_sync_body(b"{a=1&b=2}").unwrap();
        assert_eq!(f.get("b"), Some("2"));
    }

    #[test]
    fn notify_body_is_decoded_once() {
        let f = parse_notify_body(b"k=a%2Bb+c%25&t=%7Bx%3D1%26y%3D2%7D").unwrap();
        assert_eq!(f.get("k"), Some("a+b c%"));
        assert_eq!(f.get("t"), Some("{x=1&y=2}"));
        assert_eq!(
            parse_notify_body(b"k=1&k=2").unwrap_err().code(),
            ErrorCode::DuplicateKey
        );
    }
}
