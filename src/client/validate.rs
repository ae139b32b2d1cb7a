//! Checks on what the caller passes, each failing with a typed error that names the field
//! and says what a valid value looks like. Values are echoed only when they are not
//! secrets (ids, times, URLs); card data never reaches these functions.

use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;

/// The largest amount in fen: UnionPay's amount fields are 12 digits.
pub(crate) const MAX_AMOUNT: u64 = 999_999_999_999;

/// orderId of a new transaction: 8 to `max_len` letters and digits (spec §3.1, §15.4).
pub(crate) fn order_id(value: &str, field: &str, max_len: usize) -> Result<()> {
    let n = value.chars().count();
    if !(8..=max_len).contains(&n) || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::new(
            ErrorCode::InvalidField,
            format!(
                "{field} must be 8 to {max_len} ASCII letters or digits (no '-', '_' or spaces); got {n} characters"
            ),
        ));
    }
    Ok(())
}

/// orderId of an earlier transaction: UnionPay's widest rule (8 to 40), since it may have
/// been made under another configuration.
pub(crate) fn orig_order_id(value: &str, field: &str) -> Result<()> {
    order_id(value, field, 40)
}

/// txnAmt in fen: a positive integer of at most 12 digits.
pub(crate) fn amount(value: u64, field: &str) -> Result<()> {
    if value == 0 || value > MAX_AMOUNT {
        return Err(Error::new(
            ErrorCode::InvalidAmount,
            format!("{field} must be an amount in fen from 1 to {MAX_AMOUNT} (1000 = 10.00 yuan); got {value}"),
        ));
    }
    Ok(())
}

/// A txnTime of an earlier transaction, `YYYYMMDDhhmmss` Beijing time.
pub(crate) fn txn_time(value: &str, field: &str) -> Result<Timestamp> {
    Timestamp::parse_txn_time(value).map_err(|_| {
        Error::new(
            ErrorCode::InvalidTime,
            format!(
                "{field} must be the original transaction's time as YYYYMMDDhhmmss in Beijing time (UTC+8); got '{}'",
                printable(value)
            ),
        )
    })
}

/// settleDate `MMDD`.
pub(crate) fn settle_date(value: &str, field: &str) -> Result<()> {
    let num = |r: std::ops::Range<usize>| value.get(r).and_then(|s| s.parse::<u32>().ok());
    let ok = value.len() == 4
        && value.bytes().all(|b| b.is_ascii_digit())
        && match (num(0..2), num(2..4)) {
            (Some(m @ 1..=12), Some(d)) => {
                let max = match m {
                    2 => 29,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                (1..=max).contains(&d)
            }
            _ => false,
        };
    if !ok {
        return Err(Error::new(
            ErrorCode::InvalidTime,
            format!(
                "{field} must be a clearing date as MMDD, e.g. 0119; got '{}'",
                printable(value)
            ),
        ));
    }
    Ok(())
}

/// origQryId: the 21-digit queryId of the original transaction.
pub(crate) fn qry_id(value: &str, field: &str) -> Result<()> {
    if value.len() != 21 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(
            ErrorCode::InvalidField,
            format!(
                "{field} must be the 21-digit queryId UnionPay returned for the original transaction; got {} characters",
                value.chars().count()
            ),
        ));
    }
    Ok(())
}

/// An http(s) URL UnionPay posts to or redirects to.
pub(crate) fn http_url(value: &str, field: &str) -> Result<()> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let host_ok = rest
        .and_then(|r| r.split(['/', '?', '#']).next())
        .is_some_and(|host| !host.is_empty());
    if !host_ok || value.len() > 512 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::new(
            ErrorCode::InvalidField,
            format!(
                "{field} must be an http:// or https:// URL with a host, at most 512 characters and without spaces"
            ),
        ));
    }
    // The signed string joins fields with '&' unescaped: a URL holding '&' (or a bracket)
    // would make the request ambiguous, and UnionPay's answers are refused for less.
    if value.contains(['&', '{', '}', '[', ']']) {
        return Err(Error::new(
            ErrorCode::InvalidField,
            format!(
                "{field} must not contain '&', '{{', '}}', '[' or ']' (the signed string cannot tell them from separators); keep the order reference in orderId or reqReserved"
            ),
        ));
    }
    Ok(())
}

/// A token: letters and digits only (it travels inside `{…}`).
pub(crate) fn token(value: &str, field: &str) -> Result<()> {
    if value.is_empty() || value.len() > 64 || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::new(
            ErrorCode::InvalidField,
            format!("{field} must be the token UnionPay returned (1 to 64 letters or digits)"),
        ));
    }
    Ok(())
}

/// reqReserved: 1 to 1024 bytes of pass-through text. Characters that break the brace-
/// aware response parser or the front form are refused (spec §3.1 advises base64).
pub(crate) fn req_reserved(value: &str) -> Result<()> {
    if value.is_empty()
        || value.len() > 1024
        || value.contains(['&', '{', '}', '[', ']', '"', '\''])
        || value.chars().any(char::is_control)
    {
        return Err(Error::new(
            ErrorCode::InvalidField,
            "reqReserved must be 1 to 1024 bytes without & { } [ ] \" ' or control characters; base64-encode structured data",
        ));
    }
    Ok(())
}

/// One pair of a nested `{k=v&…}` value such as `reserved`.
pub(crate) fn nested_pair(key: &str, value: &str, field: &str) -> Result<()> {
    let bad = |s: &str| {
        s.is_empty()
            || s.contains(['&', '=', '{', '}', '[', ']'])
            || s.chars().any(char::is_control)
    };
    if bad(key) || bad(value) {
        return Err(Error::new(
            ErrorCode::InvalidField,
            format!("{field} keys and values must be non-empty and free of & = {{ }} [ ]"),
        ));
    }
    Ok(())
}

/// A value shown in an error message: cut short and stripped of control characters.
fn printable(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(40).collect()
}
