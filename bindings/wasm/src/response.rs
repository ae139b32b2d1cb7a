//! A verified answer or notification, with the core's accessors: nested fields, card data
//! decryption (the core's JSON). File transfer and reconciliation are the separate
//! `bindings/wasm-files` module's: the npm package hands it the verified `fileContent`.

use crate::error::{IntoJs, JsResult};
use std::collections::BTreeMap;
use std::rc::Rc;
use unionpay_acp::client::ReceivedCustomerInfo;
use unionpay_acp::json::to_json;
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
}

fn info_json(info: Option<ReceivedCustomerInfo>) -> String {
    to_json(&info.map(|c| {
        c.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<BTreeMap<_, _>>()
    }))
}
