//! The few JS ↔ Rust conversions that are not the core's JSON: bytes, the clock, object
//! properties of the low-level API's options, JSON text in, and field maps on the signing
//! and verification paths.

use crate::error::bad_argument;
use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use unionpay_acp::{Error, ErrorCode, Fields, Result, Timestamp};
use wasm_bindgen::{JsCast, JsValue};

/// Sets `obj[key] = value` (a fresh plain object never refuses).
pub fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

/// `obj[key]`, `undefined` when absent or when `obj` is not an object.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[key]` as a string; `undefined` and `null` are `None`.
pub fn get_string(obj: &JsValue, key: &str) -> Result<Option<String>> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| bad_argument(&format!("'{key}' must be a string")))
}

/// A `Uint8Array` (or Node `Buffer`) or a string (its UTF-8 bytes).
pub fn bytes_of(v: &JsValue, what: &str) -> Result<Vec<u8>> {
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    v.dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| {
            bad_argument(&format!(
                "{what} must be a Uint8Array, a Buffer or a string"
            ))
        })
}

/// An array of byte strings (PEM or DER documents), or a single one.
pub fn bytes_list(v: &JsValue, what: &str) -> Result<Vec<Vec<u8>>> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    if !Array::is_array(v) {
        return Ok(vec![bytes_of(v, what)?]);
    }
    Array::from(v)
        .iter()
        .map(|item| bytes_of(&item, what))
        .collect()
}

/// Unix seconds (the facade's `now`) as a timestamp.
pub fn timestamp(seconds: f64) -> Result<Timestamp> {
    if !seconds.is_finite() || seconds.abs() > 1e15 {
        return Err(Error::new(
            ErrorCode::InvalidTime,
            "now must be a finite number of Unix seconds",
        ));
    }
    Ok(Timestamp::from_unix_seconds(seconds.floor() as i64))
}

/// Bytes as a new `Uint8Array`.
pub fn js_bytes(bytes: &[u8]) -> Uint8Array {
    Uint8Array::from(bytes)
}

/// JSON text (what `JSON.stringify` made) as `T`.
pub fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| bad_argument(&format!("{what}: {e}")))
}

/// Field maps on the signing and verification paths cross as one string of NUL-separated
/// texts, `\0k\0v\0k\0v…` (a leading NUL says which form it is): no escaping, no JSON
/// parser, and on the JS side one `split`. A map with a NUL in a key or value crosses as
/// JSON instead (what does not start with NUL is JSON).
pub fn fields_in(text: &str, what: &str) -> Result<Fields> {
    let Some(rest) = text.strip_prefix('\0') else {
        return from_json(text, what);
    };
    let mut fields = Fields::new();
    let mut parts = rest.split('\0');
    while let Some(key) = parts.next() {
        let value = parts
            .next()
            .ok_or_else(|| bad_argument(&format!("{what}: a key without a value")))?;
        if fields.insert_raw(key, value).is_some() {
            return Err(bad_argument(&format!(
                "{what}: the key '{key}' appears twice"
            )));
        }
    }
    Ok(fields)
}

/// `head`'s texts, then `fields`' keys and values, as [`fields_in`] reads them
/// (`\0h\0…\0k\0v…`); JSON of `json_fallback` when one of the texts holds a NUL.
pub fn fields_out(
    head: &[&str],
    fields: &Fields,
    json_fallback: impl FnOnce() -> String,
) -> String {
    let texts = || {
        head.iter()
            .copied()
            .chain(fields.iter().flat_map(|(k, v)| [k, v]))
    };
    if texts().any(|t| t.contains('\0')) {
        return json_fallback();
    }
    let mut out = String::with_capacity(texts().map(|t| t.len() + 1).sum());
    for t in texts() {
        out.push('\0');
        out.push_str(t);
    }
    out
}
