//! Field maps cross the boundary as JSON text: one string each way instead of a JS call
//! per key and value (the conversion would otherwise cost a tenth of an RSA signature).
//! `JSON.stringify` / `JSON.parse` do the JS side; this is the Rust side, for flat
//! objects of strings in, and objects of strings, numbers, booleans and nulls out.

use crate::error::bad_argument;
use std::fmt::Write;
use unionpay_acp::{Fields, Result};

/// Builds a JSON object.
pub struct JsonObject(String);

impl JsonObject {
    pub fn new() -> Self {
        JsonObject(String::from("{"))
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        push_str(&mut self.0, key);
        self.0.push(':');
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        push_str(&mut self.0, value);
        self
    }

    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// An integer (amounts, times, counts: far inside JS's exact range).
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        self.key(key);
        let _ = write!(self.0, "{value}");
        self
    }

    pub fn opt_int(&mut self, key: &str, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.int(key, v),
            None => self.raw(key, "null"),
        }
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// A value that is already JSON.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key);
        self.0.push_str(json);
        self
    }

    pub fn finish(&mut self) -> String {
        let mut out = std::mem::take(&mut self.0);
        out.push('}');
        out
    }
}

/// `(key, value)` pairs as a JSON object of strings.
pub fn pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut o = JsonObject::new();
    for (k, v) in pairs {
        o.str(k, v);
    }
    o.finish()
}

/// A field map as a JSON object.
pub fn fields(f: &Fields) -> String {
    pairs(f.iter())
}

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_str(&mut out, s);
    out
}

/// A JSON array of values that are already JSON.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("[{}]", items.join(","))
}

fn push_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(s);
        out.push('"');
        return;
    }
    // Copy runs of plain characters; escape `"`, `\\` and control characters (all ASCII,
    // so every cut lands on a character boundary).
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(s.get(run..i).unwrap_or_default());
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                _ => {
                    let _ = write!(out, "\\u{b:04x}");
                }
            }
            run = i + 1;
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// Parses a flat JSON object whose values are all strings (what `JSON.stringify` makes
/// of one), keeping the key order.
pub fn parse_string_map(json: &str, what: &str) -> Result<Vec<(String, String)>> {
    let bad = || bad_argument(&format!("{what} must be a plain object of strings"));
    let mut p = Parser {
        s: json.as_bytes(),
        i: 0,
    };
    let mut out = Vec::new();
    p.ws();
    p.expect(b'{').ok_or_else(bad)?;
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let k = p.string().ok_or_else(bad)?;
            p.ws();
            p.expect(b':').ok_or_else(bad)?;
            p.ws();
            let v = p.string().ok_or_else(bad)?;
            out.push((k, v));
            p.ws();
            match p.next() {
                Some(b',') => continue,
                Some(b'}') => break,
                _ => return Err(bad()),
            }
        }
    }
    p.ws();
    if p.i != p.s.len() {
        return Err(bad());
    }
    Ok(out)
}

/// A field map from JSON, values exactly as given (empty ones kept).
pub fn parse_fields(json: &str) -> Result<Fields> {
    let mut f = Fields::new();
    for (k, v) in parse_string_map(json, "fields")? {
        f.insert_raw(k, v);
    }
    Ok(f)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0;
        for _ in 0..4 {
            v = v * 16 + char::from(self.next()?).to_digit(16)?;
        }
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            // Copy the run up to the next quote or backslash in one go.
            let rest = self.s.get(self.i..)?;
            let n = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
            out.extend_from_slice(rest.get(..n)?);
            self.i += n;
            match self.next()? {
                b'"' => break,
                _ => {
                    let c = match self.next()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                self.expect(b'\\')?;
                                self.expect(b'u')?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(cp)?
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        String::from_utf8(out).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_the_escapes() {
        let tricky = "a\"b\\c\u{1}\n\t/é中😀{k=v&x}";
        let text = pairs([("k\"ey", tricky), ("", "")]);
        assert_eq!(
            text,
            "{\"k\\\"ey\":\"a\\\"b\\\\c\\u0001\\u000a\\u0009/é中😀{k=v&x}\",\"\":\"\"}"
        );
        let back = parse_string_map(&text, "t").unwrap();
        assert_eq!(
            back,
            vec![
                ("k\"ey".into(), tricky.into()),
                (String::new(), String::new())
            ]
        );
        // What JSON.stringify writes: \n, \ud83d\ude00 and friends.
        let js = r#" { "a" : "x\ny\ud83d\ude00\u4e2d\/" , "b":"" } "#;
        let m = parse_string_map(js, "t").unwrap();
        assert_eq!(m[0].1, "x\ny😀中/");
        for bad in [
            "",
            "{",
            "{\"a\":1}",
            "{\"a\":\"\\ud83d\"}",
            "{\"a\":\"x\"} x",
            "[\"a\"]",
        ] {
            assert!(parse_string_map(bad, "t").is_err(), "{bad}");
        }
        assert!(parse_string_map("{}", "t").unwrap().is_empty());
    }

    #[test]
    fn objects_carry_numbers_booleans_and_nulls() {
        let o = JsonObject::new()
            .int("n", -5)
            .opt_int("m", None)
            .bool("b", true)
            .opt_str("s", None)
            .raw("r", "[1]")
            .finish();
        assert_eq!(o, r#"{"n":-5,"m":null,"b":true,"s":null,"r":[1]}"#);
        assert_eq!(array(["1".to_owned(), string("x")]), r#"[1,"x"]"#);
    }
}
