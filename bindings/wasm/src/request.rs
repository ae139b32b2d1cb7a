//! `OutgoingRequest` ↔ plain data, so that a host can keep a request (e.g. in its
//! database) and hand it back for the answer, the status query or a notification.
//! Out: JSON (times in Unix seconds, amounts in fen); in: the object the facade parsed.

use crate::convert::{amount, get, get_number, get_string};
use crate::error::bad_argument;
use crate::json::{self, JsonObject};
use unionpay_acp::client::{Api, QueriedTxn};
use unionpay_acp::{Fields, OutgoingRequest, Result, Timestamp};
use wasm_bindgen::JsValue;

/// The request as JSON.
pub fn request_json(r: &OutgoingRequest) -> String {
    let queried = r.queried.as_ref().map(|q| {
        JsonObject::new()
            .str("api", q.api.name())
            .int("txnAmt", amount(q.txn_amt))
            .opt_int("payTimeout", q.pay_timeout.map(Timestamp::unix_seconds))
            .finish()
    });
    JsonObject::new()
        .str("api", r.api.name())
        .str("endpoint", r.endpoint.name())
        .str("url", &r.url)
        .raw("fields", &json::fields(&r.fields))
        .str("body", &r.body)
        .opt_str("orderId", r.order_id.as_deref())
        .str("txnTime", &r.txn_time)
        .opt_int("txnAmt", r.txn_amt.map(amount))
        .opt_str("html", r.html.as_deref())
        .opt_int("payTimeout", r.pay_timeout.map(Timestamp::unix_seconds))
        .raw("queried", queried.as_deref().unwrap_or("null"))
        .int("attempt", i64::from(r.attempt))
        .bool("moneyMoving", r.outcome_unknown_without_answer())
        .bool("front", r.api.is_front())
        .finish()
}

/// The request back from its plain object (`fields` as an object or as JSON).
pub fn request_from_js(v: &JsValue) -> Result<OutgoingRequest> {
    let api = Api::from_name(&required(v, "api")?)?;
    let fields_value = get(v, "fields");
    let fields = match fields_value.as_string() {
        Some(text) => json::parse_fields(&text)?,
        None => {
            let mut f = Fields::new();
            for (k, val) in crate::convert::string_map(&fields_value, "request.fields")? {
                f.insert_raw(k, val);
            }
            f
        }
    };
    Ok(OutgoingRequest {
        api,
        endpoint: api.endpoint(),
        url: required(v, "url")?,
        fields,
        body: required(v, "body")?,
        order_id: get_string(v, "orderId")?,
        txn_time: required(v, "txnTime")?,
        txn_amt: get_number(v, "txnAmt")?.map(whole).transpose()?,
        html: get_string(v, "html")?,
        pay_timeout: get_number(v, "payTimeout")?.map(seconds),
        queried: queried_from_js(&get(v, "queried"))?,
        attempt: get_number(v, "attempt")?
            .map(whole)
            .transpose()?
            .map_or(Ok(0), u32::try_from)
            .map_err(|_| bad_argument("request.attempt is out of range"))?,
    })
}

fn queried_from_js(v: &JsValue) -> Result<Option<QueriedTxn>> {
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    let queried = QueriedTxn {
        api: Api::from_name(&required_in(v, "queried.api")?)?,
        txn_amt: get_number(v, "txnAmt")?
            .map(whole)
            .transpose()?
            .ok_or_else(|| bad_argument("request.queried.txnAmt is missing"))?,
        pay_timeout: get_number(v, "payTimeout")?.map(seconds),
    };
    queried.check()?;
    Ok(Some(queried))
}

fn required_in(v: &JsValue, path: &str) -> Result<String> {
    let key = path.rsplit('.').next().unwrap_or(path);
    get_string(v, key)?.ok_or_else(|| bad_argument(&format!("request.{path} is missing")))
}

fn required(v: &JsValue, key: &str) -> Result<String> {
    get_string(v, key)?.ok_or_else(|| {
        bad_argument(&format!(
            "request.{key} is missing: pass the request object build() returned"
        ))
    })
}

fn whole(n: f64) -> Result<u64> {
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 {
        Ok(n as u64)
    } else {
        Err(bad_argument("expected a whole, non-negative number"))
    }
}

fn seconds(n: f64) -> Timestamp {
    Timestamp::from_unix_seconds(n as i64)
}
