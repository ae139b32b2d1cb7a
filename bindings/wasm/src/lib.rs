//! The wasm-bindgen binding of `unionpay-acp` (issue 5), used by the npm package in
//! `npm/`: it hands the core's JSON shapes (`unionpay_acp::json`) across, one string per
//! call (field maps on the signing and verification paths as NUL-separated text, see
//! `convert::fields_in`), and maps errors, nothing else.
//!
//! Host defaults: the RNG is `crypto.getRandomValues` (getrandom's `wasm_js` backend),
//! the clock is the facade's (`now` arrives as Unix seconds), RSA is the host's through
//! [`Backend::host`] (`node:crypto`, or the pure-Rust `acp_rsa` wasm module).
//!
//! A panic would kill the wasm instance, so the binding holds itself to the core's rules.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]

mod backend;
mod client;
mod convert;
mod error;
mod lowlevel;
mod response;

pub use backend::Backend;
pub use client::{Client, KeyUpdated, Notification, Received, Step};
pub use lowlevel::{EncryptionCert, MerchantKey, Verifier};
pub use response::Response;

use error::{IntoJs, JsResult};
use unionpay_acp::client::Api;
use unionpay_acp::json::{request_from_json, to_json};
use unionpay_acp::{Error, ErrorCode, FixedRandom, RandomSource};
use wasm_bindgen::prelude::*;

/// The error catalogue `[{code, name, kind, summary}]` (what `errors.json` holds).
#[wasm_bindgen(js_name = errorCatalogue)]
pub fn error_catalogue() -> js_sys::Array {
    error::catalogue()
}

/// Runs `f` with the fixed byte stream `random` (tests, shared vectors) or the host RNG.
pub(crate) fn with_rng<R>(
    random: Option<Vec<u8>>,
    f: impl FnOnce(&mut dyn RandomSource) -> R,
) -> R {
    match random {
        Some(bytes) => f(&mut FixedRandom::new(bytes)),
        None => f(&mut HostRandom),
    }
}

/// `crypto.getRandomValues`, through getrandom.
struct HostRandom;

impl RandomSource for HostRandom {
    fn fill(&mut self, dest: &mut [u8]) -> unionpay_acp::Result<()> {
        getrandom::fill(dest).map_err(|e| {
            Error::new(
                ErrorCode::RandomFailed,
                format!("the host RNG (crypto.getRandomValues) failed: {e}"),
            )
        })
    }
}

/// The `Content-Type` to POST request bodies with.
#[wasm_bindgen(js_name = formContentType)]
pub fn form_content_type() -> String {
    unionpay_acp::client::FORM_CONTENT_TYPE.to_owned()
}

/// Every API, in catalogue order: `[{name, front}]` (`front`: posted by the browser, never
/// by the host).
#[wasm_bindgen(js_name = apiCatalogue)]
pub fn api_catalogue() -> js_sys::Array {
    Api::ALL
        .iter()
        .map(|a| {
            let o = js_sys::Object::new();
            convert::set(&o, "name", a.name());
            convert::set(&o, "front", a.is_front());
            JsValue::from(o)
        })
        .collect()
}

/// A stored request (`unionpay-acp/request@1`, from any binding) read back and written
/// again: only its format, api, url, fields, queried and attempt are read, the rest is
/// derived from the signed fields.
#[wasm_bindgen(js_name = requestFromJson)]
pub fn request_json(text: &str) -> JsResult<String> {
    Ok(to_json(&request_from_json(text).js()?))
}
