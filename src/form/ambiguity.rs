//! Whether a field set has one reading under its signature.
//!
//! The canonical string `k=v&k=v…` is signed without escaping (spec §4.1), so a value that
//! holds `&key=value` could be read back as more fields under the same signature: a
//! genuine failed notification whose `reqReserved` is `x&respCode=00` re-splits into one
//! that says 00. UnionPay's own values keep every `&` inside `{…}` / `[…]` groups, so a
//! key with `=`, `&` or a bracket, a value with an `&` outside its groups, or a value whose
//! groups do not balance makes the message ambiguous by construction, and it is refused.

use super::scan::for_each_special;
use super::Fields;

/// Why `fields` could be split another way under the same canonical string, if it could.
pub fn ambiguity(fields: &Fields) -> Option<String> {
    ambiguity_of(fields.iter())
}

/// [`ambiguity`] of received pairs, owned or borrowed.
pub(crate) fn ambiguity_of<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Option<String> {
    for (key, value) in pairs {
        if let Some(c) = key_problem(key) {
            return Some(format!(
                "a key contains {c:?}, which the signed string cannot tell apart from a separator"
            ));
        }
        if let Some(why) = value_problem(value) {
            return Some(format!("the value of '{key}' {why}"));
        }
    }
    None
}

/// The first character of `key` that could be read as a separator or is a control.
fn key_problem(key: &str) -> Option<char> {
    let bad = |c: char| matches!(c, '=' | '&' | '{' | '}' | '[' | ']') || c.is_control();
    if key.is_ascii() {
        // Every key UnionPay sends: bytes are characters, no decoding needed.
        key.bytes().map(char::from).find(|&c| bad(c))
    } else {
        key.chars().find(|&c| bad(c))
    }
}

/// What is wrong with one value: an `&` outside every `{…}`/`[…]` group, or groups that
/// do not balance (a split inside a group leaves unbalanced pieces).
fn value_problem(value: &str) -> Option<&'static str> {
    let mut depth: usize = 0;
    let walk = for_each_special(value.as_bytes(), b'&', |_, b| match b {
        b'{' | b'[' => {
            depth += 1;
            Ok(())
        }
        b'}' | b']' => match depth.checked_sub(1) {
            Some(d) => {
                depth = d;
                Ok(())
            }
            None => Err("closes a '}' or ']' group it never opened"),
        },
        _ if depth == 0 => Err("contains '&' outside a {…} or […] group"),
        _ => Ok(()),
    });
    match walk {
        Err(why) => Some(why),
        Ok(()) => (depth != 0).then_some("opens a '{' or '[' group it never closes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(k: &str, v: &str) -> Fields {
        [(k, v)].into_iter().collect()
    }

    #[test]
    fn unionpay_values_have_one_reading() {
        for v in [
            "{token=1&trId=2&tokenType=01}",
            "{a=1&b={c=2&d=3}}",
            "成功[0000000]",
            "-----BEGIN CERTIFICATE-----\r\nMIIB+/=\r\n-----END CERTIFICATE-----",
            "x=y",
            "",
        ] {
            assert_eq!(ambiguity(&one("k", v)), None, "{v}");
        }
    }

    #[test]
    fn a_top_level_ampersand_or_unbalanced_group_is_ambiguous() {
        for v in [
            "memo&respCode=00&respMsg=OK",
            "{memo",
            "memo}",
            "[a&b",
            "]&x",
        ] {
            assert!(ambiguity(&one("reqReserved", v)).is_some(), "{v}");
        }
        for k in [
            "a=b",
            "a&b",
            "a{",
            "a]",
            "a\nb",
            "a\u{7f}",
            "键=",
            "键\u{85}",
        ] {
            assert!(ambiguity(&one(k, "1")).is_some(), "{k:?}");
        }
    }
}
