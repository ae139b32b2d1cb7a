//! Composite values `{k1=v1&k2=v2}` (tokenPayData, reserved, riskRateInfo, customerInfo's inside).

use super::parse::split_top_level;
use crate::error::{Error, ErrorCode, Result};

/// Builds `{k1=v1&k2=v2}` from pairs in the given order; pairs with empty values are skipped.
pub fn build_nested<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    format!("{{{}}}", join_pairs(pairs))
}

/// Joins pairs as `k1=v1&k2=v2` (no braces), skipping empty values.
pub fn join_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if v.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Parses `{k1=v1&k2=v2}` (braces optional) into pairs, in order; nested groups stay raw.
pub fn parse_nested(value: &str) -> Result<Vec<(String, String)>> {
    let inner = match value.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}').ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidNestedValue,
                "a nested value opens with '{' but does not end with '}'",
            )
        })?,
        None => value,
    };
    let mut pairs = Vec::new();
    let parts = split_top_level(inner, b'&')
        .map_err(|e| Error::new(ErrorCode::InvalidNestedValue, e.message().to_owned()))?;
    for part in parts {
        if part.is_empty() {
            continue;
        }
        let (k, v) = part.split_once('=').ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidNestedValue,
                "a nested value holds a part without '='",
            )
        })?;
        if k.is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidNestedValue,
                "a nested value holds an empty key",
            ));
        }
        if pairs.iter().any(|(seen, _): &(String, String)| seen == k) {
            return Err(Error::new(
                ErrorCode::InvalidNestedValue,
                format!("the nested key '{k}' appears twice"),
            ));
        }
        pairs.push((k.to_owned(), v.to_owned()));
    }
    Ok(pairs)
}

/// Looks a key up in parsed nested pairs.
pub fn nested_get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let v = build_nested([
            ("token", "6235240000020757577"),
            ("trId", "62000000001"),
            ("x", ""),
        ]);
        assert_eq!(v, "{token=6235240000020757577&trId=62000000001}");
        let p = parse_nested(&v).unwrap();
        assert_eq!(nested_get(&p, "trId"), Some("62000000001"));
        let p = parse_nested("{a={b=1&c=2}&d=3}").unwrap();
        assert_eq!(nested_get(&p, "a"), Some("{b=1&c=2}"));
        assert_eq!(nested_get(&p, "d"), Some("3"));
    }

    #[test]
    fn malformed_nested_values() {
        for bad in ["{a=1", "{a}", "{=1}", "{a=1&a=2}", "{a={b=1}"] {
            assert_eq!(
                parse_nested(bad).unwrap_err().code(),
                ErrorCode::InvalidNestedValue,
                "{bad}"
            );
        }
    }
}
