//! A verified answer or notification, with the core's accessors: nested fields, card data
//! decryption, file-transfer archives and reconciliation records.

use crate::convert::{amount, get_number, js_bytes, set};
use crate::error::{IntoJs, JsResult};
use crate::json::{self, JsonObject};
use js_sys::{Array, Object};
use unionpay_acp::client::TokenPayData;
use unionpay_acp::file::{ArchiveLimits, MonthDayTime, SignedAmount, ZmRecord};
use unionpay_acp::Result;
use wasm_bindgen::prelude::*;

/// A verified message from UnionPay.
#[wasm_bindgen]
pub struct Response {
    inner: unionpay_acp::client::Response,
    client: unionpay_acp::Client,
}

impl Response {
    pub(crate) fn new(inner: unionpay_acp::client::Response, client: unionpay_acp::Client) -> Self {
        Response { inner, client }
    }
}

#[wasm_bindgen]
impl Response {
    /// Every field as received, as JSON.
    #[wasm_bindgen(getter)]
    pub fn fields(&self) -> String {
        json::fields(self.inner.fields())
    }

    /// `tokenPayData` parsed (JSON `{token, trId, tokenType, tokenBegin, tokenEnd,
    /// tokenLevel}` or `null`).
    #[wasm_bindgen(js_name = tokenPayData)]
    pub fn token_pay_data(&self) -> JsResult<String> {
        Ok(token_pay_data_json(
            self.inner.token_pay_data().js()?.as_ref(),
        ))
    }

    /// `customerInfo` parsed without decrypting (`encryptedInfo` stays): JSON or `null`.
    #[wasm_bindgen(js_name = customerInfo)]
    pub fn customer_info(&self) -> JsResult<String> {
        Ok(self
            .inner
            .customer_info()
            .js()?
            .map_or_else(|| "null".to_owned(), |c| json::pairs(c.iter())))
    }

    /// `customerInfo` with `encryptedInfo` decrypted by the merchant key: JSON or `null`.
    #[wasm_bindgen(js_name = decryptCustomerInfo)]
    pub fn decrypt_customer_info(&self) -> JsResult<String> {
        Ok(self
            .inner
            .decrypt_customer_info(&self.client)
            .js()?
            .map_or_else(|| "null".to_owned(), |c| json::pairs(c.iter())))
    }

    /// `accNo` in the clear (decrypted when UnionPay encrypted it), or `null`.
    #[wasm_bindgen(js_name = decryptAccNo)]
    pub fn decrypt_acc_no(&self) -> JsResult<Option<String>> {
        let acc = self.inner.decrypt_acc_no(&self.client).js()?;
        Ok(acc.map(|a| a.as_str().to_owned()))
    }

    /// File transfer: the archive members `[{name, bytes}]`; `limits` may set
    /// `maxTotalBytes`, `maxEntryBytes`, `maxEntries`.
    pub fn files(&self, limits: JsValue) -> JsResult<Array> {
        let files = self.inner.files(&archive_limits(&limits).js()?).js()?;
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

    /// File transfer: the reconciliation records as JSON `{zm, zme, otherFiles, totals}`.
    pub fn reconciliation(&self, limits: JsValue) -> JsResult<String> {
        let r = self
            .inner
            .reconciliation(&archive_limits(&limits).js()?)
            .js()?;
        let zm = json::array(r.zm.iter().map(zm_json));
        let zme = json::array(r.zme.iter().map(|z| {
            let fields = z
                .fields
                .as_ref()
                .map(|f| json::array(f.iter().map(|s| json::string(s))));
            JsonObject::new()
                .int("lineNo", i64::try_from(z.line_no).unwrap_or(i64::MAX))
                .str("text", &z.text)
                .raw("fields", fields.as_deref().unwrap_or("null"))
                .finish()
        }));
        let other = json::array(r.other_files.iter().map(|s| json::string(s)));
        let t = r.zm_totals();
        let totals = JsonObject::new()
            .int("records", i64::try_from(t.records).unwrap_or(i64::MAX))
            .int("amountFen", amount(t.amount_fen))
            .int("merchantFeeFen", t.merchant_fee_fen)
            .int("settleFen", t.settle_fen)
            .int("netSettleFen", t.net_settle_fen)
            .finish();
        Ok(JsonObject::new()
            .raw("zm", &zm)
            .raw("zme", &zme)
            .raw("otherFiles", &other)
            .raw("totals", &totals)
            .finish())
    }
}

/// `tokenPayData` as JSON, or `null`.
pub(crate) fn token_pay_data_json(t: Option<&TokenPayData>) -> String {
    let Some(t) = t else {
        return "null".to_owned();
    };
    JsonObject::new()
        .opt_str("token", t.token.as_deref())
        .opt_str("trId", t.tr_id.as_deref())
        .opt_str("tokenType", t.token_type.as_deref())
        .opt_str("tokenBegin", t.token_begin.as_deref())
        .opt_str("tokenEnd", t.token_end.as_deref())
        .opt_str("tokenLevel", t.token_level.as_deref())
        .finish()
}

fn archive_limits(v: &JsValue) -> Result<ArchiveLimits> {
    let mut l = ArchiveLimits::default();
    let size = |key: &str, default: usize| -> Result<usize> {
        Ok(get_number(v, key)?.map_or(default, |n| n.max(0.0) as usize))
    };
    l.max_total_bytes = size("maxTotalBytes", l.max_total_bytes)?;
    l.max_entry_bytes = size("maxEntryBytes", l.max_entry_bytes)?;
    l.max_entries = size("maxEntries", l.max_entries)?;
    Ok(l)
}

fn month_day_time(t: &MonthDayTime) -> String {
    format!(
        "{:02}{:02}{:02}{:02}{:02}",
        t.month, t.day, t.hour, t.minute, t.second
    )
}

/// A ZM record with camelCase keys; signed amounts as signed fen (credit positive).
fn zm_json(z: &ZmRecord) -> String {
    let mut o = JsonObject::new();
    for (k, v) in [
        ("txnCode", &z.txn_code),
        ("acquirerCode", &z.acquirer_code),
        ("senderCode", &z.sender_code),
        ("traceNo", &z.trace_no),
        ("panMasked", &z.pan_masked),
        ("mcc", &z.mcc),
        ("terminalType", &z.terminal_type),
        ("queryId", &z.query_id),
        ("payMethodOld", &z.pay_method_old),
        ("orderId", &z.order_id),
        ("payCardType", &z.pay_card_type),
        ("origTraceNo", &z.orig_trace_no),
        ("payMethod", &z.pay_method),
        ("groupMerId", &z.group_mer_id),
        ("txnType", &z.txn_type),
        ("txnSubType", &z.txn_sub_type),
        ("bizType", &z.biz_type),
        ("accType", &z.acc_type),
        ("billType", &z.bill_type),
        ("billNo", &z.bill_no),
        ("interactionMode", &z.interaction_mode),
        ("origQueryId", &z.orig_query_id),
        ("merId", &z.mer_id),
        ("splitMode", &z.split_mode),
        ("subMerId", &z.sub_mer_id),
        ("subMerAbbr", &z.sub_mer_abbr),
        ("termId", &z.term_id),
        ("reqReserved", &z.req_reserved),
        ("medium", &z.medium),
        ("field41", &z.field41),
        ("reserved", &z.reserved),
    ] {
        o.str(k, v);
    }
    o.str("traceTime", &month_day_time(&z.trace_time));
    o.opt_str(
        "origTxnTime",
        z.orig_txn_time.as_ref().map(month_day_time).as_deref(),
    );
    o.int("amountFen", amount(z.amount_fen));
    let signed = |a: &SignedAmount| a.signed_fen();
    for (k, v) in [
        ("merchantFeeFen", &z.merchant_fee),
        ("settleAmountFen", &z.settle_amount),
        ("subMerSplitAmountFen", &z.sub_mer_split_amount),
        ("netSettleAmountFen", &z.net_settle_amount),
        ("discountAmountFen", &z.discount_amount),
        ("invoiceAmountFen", &z.invoice_amount),
        ("installmentFeeFen", &z.installment_fee),
    ] {
        o.int(k, signed(v));
    }
    o.opt_int("installmentCount", z.installment_count.map(i64::from));
    o.finish()
}
