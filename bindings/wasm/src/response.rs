//! A verified answer or notification, with the core's accessors: nested fields, card data
//! decryption, file-transfer archives and reconciliation records (the core's JSON).

use crate::convert::{from_json, js_bytes, set};
use crate::error::{IntoJs, JsResult};
use js_sys::{Array, Object};
use std::collections::BTreeMap;
use std::rc::Rc;
use unionpay_acp::client::ReceivedCustomerInfo;
use unionpay_acp::file::ArchiveLimits;
use unionpay_acp::json::to_json;
use unionpay_acp::Result;
use wasm_bindgen::prelude::*;

/// A verified message from UnionPay.
#[wasm_bindgen]
pub struct Response {
    inner: unionpay_acp::client::Response,
    client: Rc<unionpay_acp::Client>,
}

impl Response {
    pub(crate) fn new(
        inner: unionpay_acp::client::Response,
        client: Rc<unionpay_acp::Client>,
    ) -> Self {
        Response { inner, client }
    }
}

#[wasm_bindgen]
impl Response {
    /// `tokenPayData` parsed: the core's TokenPayData JSON or `null`.
    #[wasm_bindgen(js_name = tokenPayData)]
    pub fn token_pay_data(&self) -> JsResult<String> {
        Ok(to_json(&self.inner.token_pay_data().js()?))
    }

    /// `customerInfo` parsed without decrypting (`encryptedInfo` stays): JSON or `null`.
    #[wasm_bindgen(js_name = customerInfo)]
    pub fn customer_info(&self) -> JsResult<String> {
        Ok(info_json(self.inner.customer_info().js()?))
    }

    /// `customerInfo` with `encryptedInfo` decrypted by the merchant key: JSON or `null`.
    #[wasm_bindgen(js_name = decryptCustomerInfo)]
    pub fn decrypt_customer_info(&self) -> JsResult<String> {
        Ok(info_json(
            self.inner.decrypt_customer_info(&self.client).js()?,
        ))
    }

    /// `accNo` in the clear (decrypted when UnionPay encrypted it), or `null`.
    #[wasm_bindgen(js_name = decryptAccNo)]
    pub fn decrypt_acc_no(&self) -> JsResult<Option<String>> {
        let acc = self.inner.decrypt_acc_no(&self.client).js()?;
        Ok(acc.map(|a| a.as_str().to_owned()))
    }

    /// File transfer: the archive members `[{name, bytes}]`; `limits` is the core's
    /// ArchiveLimits JSON (`{maxTotalBytes, maxEntryBytes, maxEntries}`, each optional).
    pub fn files(&self, limits: &str) -> JsResult<Array> {
        let files = self.inner.files(&archive_limits(limits).js()?).js()?;
        Ok(files
            .iter()
            .map(|f| {
                let o = Object::new();
                set(&o, "name", f.name.as_str());
                set(&o, "bytes", js_bytes(&f.bytes));
                JsValue::from(o)
            })
            .collect())
    }

    /// File transfer: the core's Reconciliation JSON `{zm, zme, otherFiles}`.
    pub fn reconciliation(&self, limits: &str) -> JsResult<String> {
        let r = self
            .inner
            .reconciliation(&archive_limits(limits).js()?)
            .js()?;
        Ok(to_json(&r))
    }

    /// File transfer: the merchant's books (the core's book-entry JSON array) compared with
    /// this file; the core's ReconciliationReport JSON.
    pub fn reconcile(&self, books: &str, limits: &str) -> JsResult<String> {
        let books = unionpay_acp::json::books_from_json(books).js()?;
        let file = self
            .inner
            .reconciliation(&archive_limits(limits).js()?)
            .js()?;
        Ok(to_json(&unionpay_acp::file::reconcile(&books, &file)))
    }
}

fn info_json(info: Option<ReceivedCustomerInfo>) -> String {
    to_json(&info.map(|c| {
        c.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<BTreeMap<_, _>>()
    }))
}

pub(crate) fn archive_limits(json: &str) -> Result<ArchiveLimits> {
    from_json(
        json,
        "limits must be {maxTotalBytes, maxEntryBytes, maxEntries}",
    )
}
