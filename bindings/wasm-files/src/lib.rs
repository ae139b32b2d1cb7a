//! The core's file transfer and reconciliation (`unionpay_acp::file`: base64 → zlib → ZIP,
//! the ZM and ZME parsers, the reconciler) as a wasm module of its own, so that the main
//! module (`bindings/wasm`) does not carry them: they are 37 KB of its 242 KB gzipped, and
//! a merchant's process that pays and refunds never needs them (issue 14). The npm
//! package loads this module at the first `response.files()`, `reconciliation()`,
//! `reconcile()` or `readReconciliationArchive()`.
//!
//! The answer was verified by the main module; its `fileContent` field arrives here as
//! text, and every decision is the core's (`files_of_answer`, `parse_archive`,
//! `reconcile`). Errors cross as in the main module (its `error.rs`, shared by path).
//!
//! A panic would kill the wasm instance, so the crate holds itself to the core's rules.
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

// The main module's error conversion, so that both modules' errors are the same
// `AcpError` objects; the catalogue and `bad_argument` are the main module's business.
#[allow(dead_code)]
#[path = "../../wasm/src/error.rs"]
mod error;

/// What `error.rs` needs from the main module's `convert`.
mod convert {
    use js_sys::{Object, Reflect};
    use wasm_bindgen::JsValue;

    /// Sets `obj[key] = value` (a fresh plain object never refuses).
    pub fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
        let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
    }
}

use error::{IntoJs, JsResult};
use js_sys::{Array, Object, Uint8Array};
use unionpay_acp::file::{self, ArchiveLimits, Reconciliation};
use unionpay_acp::json::to_json;
use unionpay_acp::{Error, ErrorCode};
use wasm_bindgen::prelude::*;

/// The archive members of a file-transfer answer `[{name, bytes}]`: `fileContent` is the
/// verified answer's field (`undefined` when absent: the core's MissingField), `limits` the
/// core's ArchiveLimits JSON.
#[wasm_bindgen]
pub fn files(file_content: Option<String>, limits: &str) -> JsResult<Array> {
    let files =
        file::files_of_answer(file_content.as_deref(), &archive_limits(limits).js()?).js()?;
    Ok(files
        .iter()
        .map(|f| {
            let o = Object::new();
            convert::set(&o, "name", f.name.as_str());
            convert::set(&o, "bytes", Uint8Array::from(f.bytes.as_slice()));
            JsValue::from(o)
        })
        .collect())
}

/// A file-transfer answer's reconciliation records: the core's Reconciliation JSON.
#[wasm_bindgen]
pub fn reconciliation(file_content: Option<String>, limits: &str) -> JsResult<String> {
    Ok(to_json(&records(file_content.as_deref(), limits).js()?))
}

/// The merchant's books (the core's book-entry JSON array) compared with a file-transfer
/// answer's file: the core's ReconciliationReport JSON.
#[wasm_bindgen]
pub fn reconcile(books: &str, file_content: Option<String>, limits: &str) -> JsResult<String> {
    let books = unionpay_acp::json::books_from_json(books).js()?;
    let file = records(file_content.as_deref(), limits).js()?;
    Ok(to_json(&file::reconcile(&books, &file)))
}

/// The reconciliation records of a ZIP archive the merchant saved: the core's
/// Reconciliation JSON.
#[wasm_bindgen(js_name = readReconciliationArchive)]
pub fn read_reconciliation_archive(zip: &[u8], limits: &str) -> JsResult<String> {
    let limits = archive_limits(limits).js()?;
    let files = file::read_zip(zip, &limits).js()?;
    Ok(to_json(&file::parse_archive(&files).js()?))
}

fn records(file_content: Option<&str>, limits: &str) -> unionpay_acp::Result<Reconciliation> {
    file::parse_archive(&file::files_of_answer(
        file_content,
        &archive_limits(limits)?,
    )?)
}

fn archive_limits(json: &str) -> unionpay_acp::Result<ArchiveLimits> {
    serde_json::from_str(json).map_err(|e| {
        Error::new(
            ErrorCode::InvalidArgument,
            format!("limits must be {{maxTotalBytes, maxEntryBytes, maxEntries}}: {e}"),
        )
    })
}
