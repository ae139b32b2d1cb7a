//! Errors cross the boundary as a JS `Error` named `AcpError` that carries the core's
//! stable code, its name, the kind and, for verification failures, the step and the
//! canonical string's digest. The npm facade turns it into its `AcpError` class.

use crate::convert::set;
use js_sys::Object;
use unionpay_acp::{Error, ErrorCode};
use wasm_bindgen::{JsCast, JsValue};

/// What every exported function returns on failure.
pub type JsResult<T> = Result<T, JsValue>;

/// Converts a core error into the JS error object the facade recognises (`acpCode`).
pub fn to_js(e: Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name("AcpError");
    let obj: &Object = err.unchecked_ref();
    set(obj, "acpCode", e.code().code());
    set(obj, "codeName", e.code().name());
    set(obj, "kind", e.kind().name());
    if let Some(v) = e.verify_failure() {
        set(obj, "step", v.step.name());
        if let Some(d) = &v.canonical_sha256 {
            set(obj, "canonicalSha256", d.as_str());
        }
    }
    err.into()
}

/// `?` on core results inside exported functions.
pub trait IntoJs<T> {
    /// Maps the error with [`to_js`].
    fn js(self) -> JsResult<T>;
}

impl<T> IntoJs<T> for unionpay_acp::Result<T> {
    fn js(self) -> JsResult<T> {
        self.map_err(to_js)
    }
}

/// "You passed something of the wrong type" as a core error (code 1005).
pub fn bad_argument(what: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, what.to_owned())
}

/// Every error code of the core, for the facade's catalogue check against `errors.json`.
pub fn catalogue() -> js_sys::Array {
    ErrorCode::ALL
        .iter()
        .map(|c| {
            let o = Object::new();
            set(&o, "code", c.code());
            set(&o, "name", c.name());
            set(&o, "kind", c.kind().name());
            set(&o, "summary", c.summary());
            JsValue::from(o)
        })
        .collect()
}
