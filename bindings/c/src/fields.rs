//! `acp_fields`: a read-only, byte-sorted list of protocol fields (what a response,
//! notification, parsed body or signed message holds), and `acp_string_free`.

use crate::acp_result;
use crate::convert::{nul_terminated, out_ptr, text, Res};
use crate::error::{guard, guard_value};
use crate::handle::{self, Handle, Kind};
use std::ffi::CString;
use std::os::raw::c_char;
use unionpay_acp::form::parse_nested;
use unionpay_acp::{Error, ErrorCode, Fields};
use zeroize::Zeroize;

/// A read-only list of fields, sorted by key in byte order (the order signatures use).
/// Either owned by the caller (free with `acp_fields_free`) or borrowed from a request,
/// outcome or notification (valid while that lives; never freed on its own).
pub struct acp_fields {
    entries: Vec<(CString, CString)>,
}

impl Handle for acp_fields {
    const KIND: Kind = Kind::Fields;
}

impl acp_fields {
    pub(crate) fn new(fields: &Fields) -> Self {
        Self::from_pairs(fields.iter())
    }

    pub(crate) fn from_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut entries: Vec<(CString, CString)> = pairs
            .map(|(k, v)| (nul_terminated(k), nul_terminated(v)))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        acp_fields { entries }
    }

    fn get(&self, key: &str) -> Option<&CString> {
        self.entries
            .binary_search_by(|(k, _)| k.as_bytes().cmp(key.as_bytes()))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }
}

impl Drop for acp_fields {
    fn drop(&mut self) {
        // Fields can carry card data (decrypted or not): wipe them.
        for (_, v) in self.entries.drain(..) {
            v.into_bytes().zeroize();
        }
    }
}

/// Borrows a live `acp_fields`, owned or a view.
unsafe fn fields_ref<'a>(f: *const acp_fields, what: &str) -> Res<&'a acp_fields> {
    handle::borrow(f, what)
}

/// The number of fields (0 for NULL or a handle that is not live).
///
/// # Safety
/// `fields` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_fields_len(fields: *const acp_fields) -> usize {
    guard_value("acp_fields_len", 0, || {
        Ok(fields_ref(fields, "fields")?.entries.len())
    })
}

/// The `index`-th field (byte order of keys): `*key` and `*value` point to strings owned
/// by `fields`. `ACP_RESULT_INVALID_ARGUMENT` when `index >= acp_fields_len(fields)`.
///
/// # Safety
/// `fields` must be NULL or a pointer this library returned; `key` and `value` must be
/// valid pointers.
#[no_mangle]
pub unsafe extern "C" fn acp_fields_at(
    fields: *const acp_fields,
    index: usize,
    key: *mut *const c_char,
    value: *mut *const c_char,
) -> acp_result {
    guard("acp_fields_at", || {
        let (key, value) = (out_ptr(key, "key")?, out_ptr(value, "value")?);
        let f = fields_ref(fields, "fields")?;
        let (k, v) = f.entries.get(index).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "index {index} is past the last field ({} fields)",
                    f.entries.len()
                ),
            )
        })?;
        *key = k.as_ptr();
        *value = v.as_ptr();
        Ok(())
    })
}

/// The value of field `key`, owned by `fields`, or NULL when there is no such field (or
/// an argument is NULL, not UTF-8 or not live: then the last error says which).
///
/// # Safety
/// `fields` must be NULL or a pointer this library returned; `key` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn acp_fields_get(
    fields: *const acp_fields,
    key: *const c_char,
) -> *const c_char {
    guard_value("acp_fields_get", std::ptr::null(), || {
        let f = fields_ref(fields, "fields")?;
        let key = text(key, "key")?;
        Ok(f.get(key).map_or(std::ptr::null(), |v| v.as_ptr()))
    })
}

/// Parses the nested `{k=v&…}` value of field `key` (e.g. `tokenPayData`, `reserved`)
/// into a new list the caller frees with `acp_fields_free`.
/// `ACP_RESULT_MISSING_FIELD` when there is no such field.
///
/// # Safety
/// `fields` must be NULL or a pointer this library returned; `key` a C string; `out` a
/// valid pointer.
#[no_mangle]
pub unsafe extern "C" fn acp_fields_nested(
    fields: *const acp_fields,
    key: *const c_char,
    out: *mut *mut acp_fields,
) -> acp_result {
    guard("acp_fields_nested", || {
        let out = out_ptr(out, "out")?;
        let f = fields_ref(fields, "fields")?;
        let key = text(key, "key")?;
        let value = f.get(key).ok_or_else(|| {
            Error::new(
                ErrorCode::MissingField,
                format!("there is no field '{key}'"),
            )
        })?;
        let value = value.to_str().map_err(|_| {
            Error::new(
                ErrorCode::NotUtf8,
                format!("the field '{key}' is not UTF-8"),
            )
        })?;
        let pairs = parse_nested(value)?;
        let nested = acp_fields::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        *out = handle::into_raw(nested);
        Ok(())
    })
}

/// Frees a list the caller owns. NULL is a no-op; a borrowed list, or one freed already,
/// is left alone (the last error says so).
///
/// # Safety
/// `fields` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_fields_free(fields: *mut acp_fields) {
    guard("acp_fields_free", || handle::free(fields, "fields"));
}

/// Frees a string this library returned as `char *` (its bytes are wiped first). NULL is
/// a no-op; a string freed already, or not returned by this library, is left alone (the
/// last error says so).
///
/// # Safety
/// `s` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_string_free(s: *mut c_char) {
    guard("acp_string_free", || {
        if handle::release(s as usize, Kind::String, Vec::new, "s")? {
            CString::from_raw(s).into_bytes().zeroize();
        }
        Ok(())
    });
}
