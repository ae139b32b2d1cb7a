//! JS values → core values for configuration objects and byte arrays (field maps travel
//! as JSON, see `json.rs`), and small helpers for results.

use crate::error::bad_argument;
use js_sys::{Array, Object, Reflect, Uint8Array};
use unionpay_acp::{Error, ErrorCode, Result, Timestamp};
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

/// `obj[key]` as a number; `undefined` and `null` are `None`.
pub fn get_number(obj: &JsValue, key: &str) -> Result<Option<f64>> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_f64()
        .map(Some)
        .ok_or_else(|| bad_argument(&format!("'{key}' must be a number")))
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

/// `obj[key]` as bytes; `undefined` and `null` are `None`.
pub fn get_bytes(obj: &JsValue, key: &str) -> Result<Option<Vec<u8>>> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    bytes_of(&v, &format!("'{key}'")).map(Some)
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

/// An amount in fen as a JSON integer.
pub fn amount(fen: u64) -> i64 {
    i64::try_from(fen).unwrap_or(i64::MAX)
}

/// A plain object whose values are all strings (configuration; field maps use JSON).
pub fn string_map(v: &JsValue, what: &str) -> Result<Vec<(String, String)>> {
    let obj = v
        .dyn_ref::<Object>()
        .filter(|_| !Array::is_array(v))
        .ok_or_else(|| bad_argument(&format!("{what} must be a plain object of strings")))?;
    let mut out = Vec::new();
    for entry in Object::entries(obj).iter() {
        let pair = Array::from(&entry);
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1).as_string().ok_or_else(|| {
            bad_argument(&format!("{what}: the value of '{key}' must be a string"))
        })?;
        out.push((key, value));
    }
    Ok(out)
}
