//! Converting C arguments to Rust values and Rust results back to C, with every pointer
//! checked. Nothing here knows the protocol.

use crate::acp_kv;
use crate::handle::{self, null_arg, Kind};
use std::collections::BTreeMap;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::sync::Mutex;
use unionpay_acp::{Error, ErrorCode, Fields, RandomSource, Timestamp};
use zeroize::Zeroize;

pub(crate) type Res<T> = Result<T, Error>;

/// A required NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn text<'a>(p: *const c_char, what: &str) -> Res<&'a str> {
    if p.is_null() {
        return Err(null_arg(what));
    }
    CStr::from_ptr(p).to_str().map_err(|_| not_utf8(what))
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn opt_text<'a>(p: *const c_char, what: &str) -> Res<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        text(p, what).map(Some)
    }
}

/// A byte buffer argument; NULL is allowed only with `len` 0.
///
/// # Safety
/// `p` must point to `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn bytes<'a>(p: *const u8, len: usize, what: &str) -> Res<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(null_arg(what));
    }
    Ok(std::slice::from_raw_parts(p, len))
}

/// An optional byte buffer: NULL (whatever `len`) is `None`.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn opt_bytes<'a>(p: *const u8, len: usize) -> Option<&'a [u8]> {
    if p.is_null() {
        None
    } else {
        Some(std::slice::from_raw_parts(p, len))
    }
}

/// A key/value list argument, in the caller's order (NULL is allowed only with `n` 0).
///
/// # Safety
/// `p` must point to `n` `acp_kv` whose strings outlive `'a`.
pub(crate) unsafe fn kv_list<'a>(
    p: *const acp_kv,
    n: usize,
    what: &str,
) -> Res<Vec<(&'a str, &'a str)>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(null_arg(what));
    }
    std::slice::from_raw_parts(p, n)
        .iter()
        .enumerate()
        .map(|(i, kv)| {
            let key = text(kv.key, &format!("{what}[{i}].key"))?;
            let value = text(kv.value, &format!("{what}[{i}].value"))?;
            Ok((key, value))
        })
        .collect()
}

/// A key/value list as received fields, exactly as given (empty values kept); a key given
/// twice is an error.
///
/// # Safety
/// As [`kv_list`].
pub(crate) unsafe fn kv_fields(p: *const acp_kv, n: usize, what: &str) -> Res<Fields> {
    let mut fields = Fields::new();
    for (k, v) in kv_list(p, n, what)? {
        if fields.insert_raw(k, v).is_some() {
            return Err(twice(what, k));
        }
    }
    Ok(fields)
}

pub(crate) fn twice(what: &str, key: &str) -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        format!("`{what}` names the key '{key}' twice"),
    )
}

/// Checks an out-parameter before any work is done.
pub(crate) fn out_ptr<T>(p: *mut T, what: &str) -> Res<*mut T> {
    if p.is_null() {
        Err(null_arg(what))
    } else {
        Ok(p)
    }
}

/// A Rust string as a C string the caller frees with `acp_string_free`.
pub(crate) fn c_string(s: impl Into<Vec<u8>>) -> *mut c_char {
    let p = nul_terminated(s).into_raw();
    handle::register(p as usize, Kind::String);
    p
}

/// A name the core gives as `&'static str` (a pending reason, an error name, …) as a
/// static C string: made once, never freed.
pub(crate) fn static_str(name: &'static str) -> *const c_char {
    static NAMES: Mutex<BTreeMap<&'static str, CString>> = Mutex::new(BTreeMap::new());
    let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    // A CString's bytes stay where they are when the map moves it.
    names
        .entry(name)
        .or_insert_with(|| nul_terminated(name))
        .as_ptr()
}

/// Interior NULs cannot cross as C strings: the value is cut at the first one (text from
/// the core never has any; a percent-decoded `%00` is the only way to get one).
pub(crate) fn nul_terminated(s: impl Into<Vec<u8>>) -> CString {
    let mut bytes = s.into();
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        bytes[i..].zeroize();
        bytes.truncate(i);
    }
    CString::new(bytes).unwrap_or_default()
}

/// The host's `now`.
pub(crate) fn at(now: i64) -> Timestamp {
    Timestamp::from_unix_seconds(now)
}

/// The OS random source (the binding's one host default).
pub(crate) fn os_rng() -> impl RandomSource {
    |dest: &mut [u8]| {
        getrandom::fill(dest)
            .map_err(|e| Error::new(ErrorCode::RandomFailed, format!("getrandom failed: {e}")))
    }
}

fn not_utf8(what: &str) -> Error {
    Error::new(
        ErrorCode::NotUtf8,
        format!("`{what}` is not valid UTF-8 (every string crossing the C API is UTF-8)"),
    )
}
