//! Received messages parsed in place: keys and values are slices of the body they arrived
//! in, so parsing and verifying a message allocates only what the caller keeps. The owned
//! parsers ([`parse_sync_body`](super::parse_sync_body), …) are these plus one copy.

use super::parse::{check_size, for_each_top_level, too_many_fields, MAX_FIELDS};
use super::urlencoded::decode_component;
use super::Fields;
use crate::error::{Error, ErrorCode, Result};
use std::borrow::Cow;
use std::fmt;

/// A received message's fields, borrowed from its body and sorted by key in byte order
/// (the order of the signature). A notification value that had escapes is the only copy.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BorrowedFields<'a> {
    // Sorted, unique keys: a Vec beats a map for the ~40 fields of a message, and a body
    // that arrives sorted (UnionPay's do) is built by pushing.
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> BorrowedFields<'a> {
    /// A field's value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .and_then(|i| self.pairs.get(i))
            .map(|(_, v)| v.as_ref())
    }

    /// Whether a field is present.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Fields in byte order of their keys.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    /// An owned copy of every field.
    pub fn to_fields(&self) -> Fields {
        self.iter().collect()
    }

    /// Every field, owned (values already decoded are moved, not copied).
    pub fn into_fields(self) -> Fields {
        self.pairs
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// Drops the fields that arrived empty: they are not part of the signature.
    pub(crate) fn retain_signed(&mut self) {
        self.pairs.retain(|(_, v)| !v.is_empty());
    }

    /// Adds a field in key order; an empty or repeated key is an error (a repeated key
    /// would give a message two readings).
    fn insert(&mut self, key: Cow<'a, str>, value: Cow<'a, str>) -> Result<()> {
        if key.is_empty() {
            return Err(Error::new(
                ErrorCode::EmptyKey,
                "a pair in the body has an empty key",
            ));
        }
        let at = match self.pairs.last() {
            None => 0,
            Some((last, _)) if last.as_ref() < key.as_ref() => self.pairs.len(),
            Some(_) => match self
                .pairs
                .binary_search_by(|(k, _)| k.as_ref().cmp(key.as_ref()))
            {
                Ok(_) => {
                    return Err(Error::new(
                        ErrorCode::DuplicateKey,
                        format!("the key '{key}' appears twice"),
                    ))
                }
                Err(at) => at,
            },
        };
        self.pairs.insert(at, (key, value));
        Ok(())
    }
}

impl fmt::Debug for BorrowedFields<'_> {
    // The same redaction as `Fields`: values may hold encrypted card data or tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_fields(), f)
    }
}

/// [`parse_sync_body_borrowed_limited`] with the default size limit.
pub fn parse_sync_body_borrowed(body: &[u8]) -> Result<BorrowedFields<'_>> {
    parse_sync_body_borrowed_limited(body, super::MAX_SYNC_BODY)
}

/// Parses a synchronous response body in place: values are raw (never URL-decoded), a
/// pair splits at its first `=`, and `&` inside `{…}` or `[…]` does not separate pairs.
pub fn parse_sync_body_borrowed_limited(body: &[u8], max: usize) -> Result<BorrowedFields<'_>> {
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
    let mut fields = BorrowedFields {
        pairs: Vec::with_capacity(48),
    };
    // A body's grouping is checked whole before its pairs: an unbalanced group is the
    // error even when a pair before it is also wrong.
    let mut first_pair_error = None;
    for_each_top_level(text, b'&', MAX_FIELDS, |pair| {
        if pair.is_empty() || first_pair_error.is_some() {
            return;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let Err(e) = fields.insert(Cow::Borrowed(key), Cow::Borrowed(value)) {
            first_pair_error = Some(e);
        }
    })?;
    match first_pair_error {
        Some(e) => Err(e),
        None => Ok(fields),
    }
}

/// [`parse_notify_body_borrowed_limited`] with the default size limit.
pub fn parse_notify_body_borrowed(body: &[u8]) -> Result<BorrowedFields<'_>> {
    parse_notify_body_borrowed_limited(body, super::MAX_NOTIFY_BODY)
}

/// Parses a notification body (`application/x-www-form-urlencoded`) in place: each key
/// and value form-decoded once; only a component with `%` or `+` is copied.
pub fn parse_notify_body_borrowed_limited(body: &[u8], max: usize) -> Result<BorrowedFields<'_>> {
    check_size(body, max)?;
    let mut fields = BorrowedFields {
        pairs: Vec::with_capacity(48),
    };
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
        let key = decode_in_place(k)?;
        let value = decode_in_place(v)?;
        fields.insert(key, value)?;
    }
    Ok(fields)
}

/// One form component, borrowed when it has nothing to decode.
fn decode_in_place(input: &[u8]) -> Result<Cow<'_, str>> {
    if input.iter().any(|&b| b == b'%' || b == b'+') {
        return decode_component(input).map(Cow::Owned);
    }
    std::str::from_utf8(input).map(Cow::Borrowed).map_err(|_| {
        Error::new(
            ErrorCode::NotUtf8,
            "a form value is not valid UTF-8 after decoding",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn code<T: fmt::Debug>(r: Result<T>) -> ErrorCode {
        r.unwrap_err().code()
    }

    fn is_borrowed_from(value: &str, body: &[u8]) -> bool {
        body.as_ptr_range().contains(&value.as_ptr())
    }

    #[test]
    fn sync_values_are_slices_of_the_body() {
        let body = b"signature=ab+/c==&a=x+y%2B&tokenPayData={t=1&u=2}&e=&tail";
        let f = parse_sync_body_borrowed(body).unwrap();
        for (k, v) in f.iter() {
            assert!(is_borrowed_from(k, body), "{k}");
            assert!(v.is_empty() || is_borrowed_from(v, body), "{k}");
        }
        assert_eq!(f.get("a"), Some("x+y%2B"));
        assert_eq!(f.get("tokenPayData"), Some("{t=1&u=2}"));
        assert_eq!((f.get("e"), f.get("tail")), (Some(""), Some("")));
        let keys: Vec<_> = f.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "e", "signature", "tail", "tokenPayData"]);
    }

    #[test]
    fn notify_copies_only_what_had_escapes() {
        let body = b"plain=abc&plus=a+b&esc=%7Bx%3D1%26y%3D2%7D&zh=%E4%B8%AD&low=%2b%2f";
        let f = parse_notify_body_borrowed(body).unwrap();
        assert!(is_borrowed_from(f.get("plain").unwrap(), body));
        assert!(!is_borrowed_from(f.get("plus").unwrap(), body));
        assert_eq!(f.get("plus"), Some("a b"));
        assert_eq!(f.get("esc"), Some("{x=1&y=2}"));
        assert_eq!(f.get("zh"), Some("中"));
        assert_eq!(f.get("low"), Some("+/"));
    }

    #[test]
    fn malformed_escapes_are_the_owned_parsers_errors() {
        for (body, want) in [
            (&b"k=%"[..], ErrorCode::InvalidPercentEncoding),
            (b"k=%4", ErrorCode::InvalidPercentEncoding),
            (b"k=%4g", ErrorCode::InvalidPercentEncoding),
            (b"k=%%41", ErrorCode::InvalidPercentEncoding),
            (b"%zz=1", ErrorCode::InvalidPercentEncoding),
            (b"k=%FF", ErrorCode::NotUtf8),
            (b"k=%E4%B8", ErrorCode::NotUtf8),
            (b"k=\xff", ErrorCode::NotUtf8),
            (b"=1", ErrorCode::EmptyKey),
            (b"a=1&=", ErrorCode::EmptyKey),
        ] {
            assert_eq!(code(parse_notify_body_borrowed(body)), want, "{body:?}");
            assert_eq!(
                code(super::super::parse_notify_body(body)),
                want,
                "{body:?}"
            );
        }
    }

    #[test]
    fn duplicate_keys_in_any_order_or_spelling() {
        for body in [&b"a=1&a=2"[..], b"b=1&a=2&b=3", b"a=1&%61=2", b"a&a="] {
            assert_eq!(
                code(parse_notify_body_borrowed(body)),
                ErrorCode::DuplicateKey
            );
        }
        for body in [&b"a=1&a=2"[..], b"b=1&a=2&b=3", b"a&a="] {
            assert_eq!(
                code(parse_sync_body_borrowed(body)),
                ErrorCode::DuplicateKey
            );
        }
        // Raw sync values are never decoded: these are two keys.
        assert_eq!(parse_sync_body_borrowed(b"a=1&%61=2").unwrap().len(), 2);
    }

    #[test]
    fn the_first_error_in_body_order_wins() {
        // Grouping is checked over the whole body first, as the owned parser did.
        assert_eq!(
            code(parse_sync_body_borrowed(b"a=1&a=2&b={")),
            ErrorCode::UnbalancedBraces
        );
        assert_eq!(
            code(parse_sync_body_borrowed(b"a=1&a=2&=3")),
            ErrorCode::DuplicateKey
        );
        assert_eq!(
            code(parse_sync_body_borrowed(b"=3&a=1&a=2")),
            ErrorCode::EmptyKey
        );
        assert_eq!(
            code(parse_notify_body_borrowed(b"a=1&a=2&%zz=1")),
            ErrorCode::DuplicateKey
        );
        assert_eq!(
            code(parse_notify_body_borrowed(b"%zz=1&a=1&a=2")),
            ErrorCode::InvalidPercentEncoding
        );
    }

    /// The parsers as they were before parsing in place (a map filled in body order),
    /// kept as an independent reference.
    mod reference {
        use super::super::super::parse::split_top_level;
        use super::super::super::urlencoded::decode_component;
        use super::*;

        fn insert(m: &mut BTreeMap<String, String>, k: &str, v: String) -> Result<()> {
            if k.is_empty() {
                return Err(Error::new(ErrorCode::EmptyKey, ""));
            }
            match m.insert(k.to_owned(), v) {
                Some(_) => Err(Error::new(ErrorCode::DuplicateKey, "")),
                None => Ok(()),
            }
        }

        pub fn sync(body: &[u8]) -> Result<BTreeMap<String, String>> {
            let text = std::str::from_utf8(body).map_err(|_| Error::new(ErrorCode::NotUtf8, ""))?;
            let text = match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(inner) => inner,
                None => text,
            };
            let mut m = BTreeMap::new();
            for pair in split_top_level(text, b'&')? {
                if !pair.is_empty() {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    insert(&mut m, k, v.to_owned())?;
                }
            }
            Ok(m)
        }

        pub fn notify(body: &[u8]) -> Result<BTreeMap<String, String>> {
            let mut m = BTreeMap::new();
            for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
                let i = pair.iter().position(|&b| b == b'=');
                let (k, v) = match i {
                    Some(i) => (&pair[..i], &pair[i + 1..]),
                    None => (pair, &[][..]),
                };
                let k = decode_component(k)?;
                let v = decode_component(v)?;
                insert(&mut m, &k, v)?;
            }
            Ok(m)
        }
    }

    #[test]
    fn agrees_with_the_reference_on_random_bodies() {
        const PIECES: [&[u8]; 16] = [
            b"a",
            b"b",
            b"ab",
            b"=",
            b"&",
            b"{",
            b"}",
            b"[",
            b"]",
            b"%",
            b"%2B",
            b"%3d",
            b"+",
            b"%E4%B8%AD",
            "中".as_bytes(),
            b"\xff",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut ok_sync, mut ok_notify) = (0, 0);
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let body: Vec<u8> = (0..len)
                .flat_map(|_| PIECES[(next() % 16) as usize].iter().copied())
                .collect();
            let as_map = |f: BorrowedFields<'_>| f.into_fields().into_map();
            let (got, want) = (
                parse_sync_body_borrowed(&body).map(as_map),
                reference::sync(&body),
            );
            match (&got, &want) {
                (Ok(g), Ok(w)) => {
                    assert_eq!(g, w, "{body:?}");
                    ok_sync += 1;
                }
                (Err(g), Err(w)) => assert_eq!(g.code(), w.code(), "{body:?}"),
                _ => panic!("sync {body:?}: {got:?} vs {want:?}"),
            }
            let got = parse_notify_body_borrowed(&body).map(as_map);
            let want = reference::notify(&body);
            match (&got, &want) {
                (Ok(g), Ok(w)) => {
                    assert_eq!(g, w, "{body:?}");
                    ok_notify += 1;
                }
                (Err(g), Err(w)) => assert_eq!(g.code(), w.code(), "{body:?}"),
                _ => panic!("notify {body:?}: {got:?} vs {want:?}"),
            }
        }
        // The generator must reach both outcomes, or the comparison proves little.
        assert!(
            ok_sync > 2_000 && ok_notify > 2_000,
            "{ok_sync} {ok_notify}"
        );
    }
}
