//! application/x-www-form-urlencoded, with Java `URLEncoder` rules (spec §1.3).

use super::Fields;
use crate::crypto::hex_digit;
use crate::error::{Error, ErrorCode, Result};

/// Encodes one value: `A-Z a-z 0-9 . - * _` stay, space becomes `+`, every other
/// UTF-8 byte becomes `%XX` (uppercase), so base64 `+`, `/` and `=` survive the trip.
pub fn encode_component(value: &str, out: &mut String) {
    for &b in value.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(hex_digit(b >> 4, true));
                out.push(hex_digit(b & 0x0f, true));
            }
        }
    }
}

/// Encodes a whole form body, keys in byte order.
pub fn encode_form(fields: &Fields) -> String {
    let mut out = String::new();
    for (k, v) in fields.iter() {
        if !out.is_empty() {
            out.push('&');
        }
        encode_component(k, &mut out);
        out.push('=');
        encode_component(v, &mut out);
    }
    out
}

/// Decodes one form component (`+` is a space, `%XX` a byte) and checks UTF-8.
pub fn decode_component(input: &[u8]) -> Result<String> {
    let mut bytes = Vec::with_capacity(input.len());
    let mut it = input.iter().copied();
    while let Some(b) = it.next() {
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hi = it.next().and_then(hex_value);
                let lo = it.next().and_then(hex_value);
                match (hi, lo) {
                    (Some(h), Some(l)) => bytes.push((h << 4) | l),
                    _ => {
                        return Err(Error::new(
                            ErrorCode::InvalidPercentEncoding,
                            "a '%' in the form body is not followed by two hex digits",
                        ))
                    }
                }
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).map_err(|_| {
        Error::new(
            ErrorCode::NotUtf8,
            "a form value is not valid UTF-8 after decoding",
        )
    })
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_urlencoder_rules() {
        let mut s = String::new();
        encode_component("a+b/c=d e{&}~中", &mut s);
        assert_eq!(s, "a%2Bb%2Fc%3Dd+e%7B%26%7D%7E%E4%B8%AD");
        assert_eq!(decode_component(s.as_bytes()).unwrap(), "a+b/c=d e{&}~中");
    }

    #[test]
    fn bad_escapes_are_typed_errors() {
        assert_eq!(
            decode_component(b"%4").unwrap_err().code(),
            ErrorCode::InvalidPercentEncoding
        );
        assert_eq!(
            decode_component(b"%zz").unwrap_err().code(),
            ErrorCode::InvalidPercentEncoding
        );
        assert_eq!(
            decode_component(b"%FF").unwrap_err().code(),
            ErrorCode::NotUtf8
        );
    }
}
