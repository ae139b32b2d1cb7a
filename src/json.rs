//! The JSON shapes of the types that cross into other languages (feature `serde`), and
//! `to_json` / `from_json` for them (feature `json`). The wasm binding, the CLI and the
//! conformance suite use exactly these shapes; field names are camelCase, times are Unix
//! seconds, amounts are fen, API names are [`Api::name`].
//!
//! A stored request is the documented, versioned format [`REQUEST_FORMAT`]:
//!
//! ```json
//! {"format": "unionpay-acp/request@1", "api": "consume",
//!  "url": "https://gateway.95516.com/gateway/api/backTransReq.do",
//!  "fields": {"merId": "…", "orderId": "…", "signature": "…"},
//!  "queried": null, "attempt": 0,
//!  "endpoint": "back", "body": "…", "orderId": "…", "txnTime": "…", "txnAmt": 1000,
//!  "payTimeout": null, "html": null, "moneyMoving": true, "front": false}
//! ```
//!
//! Only `format`, `api`, `url`, `fields`, `queried` and `attempt` are read back; the rest
//! is derived from the signed fields ([`OutgoingRequest::from_signed`]) and written for
//! convenience. A request stored by one binding is read back by any other.

use crate::client::{
    Api, EndpointKind, KeyUpdate, NextStep, Notification, NotificationSource, Outcome,
    OutgoingRequest, PendingReason, QueriedTxn, Response, StopReason,
};
use crate::file::{MonthDayTime, SignedAmount};
use crate::form::Fields;
use crate::time::Timestamp;
use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `format` of a serialized [`OutgoingRequest`]. A later incompatible shape gets a new
/// number; readers refuse formats they do not know.
pub const REQUEST_FORMAT: &str = "unionpay-acp/request@1";

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.unix_seconds())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(Timestamp::from_unix_seconds)
    }
}

impl Serialize for Api {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Api {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Api::from_name(&name).map_err(|e| de::Error::custom(e.message()))
    }
}

impl Serialize for EndpointKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, String>::deserialize(d)?;
        let mut fields = Fields::new();
        for (k, v) in map {
            fields.insert_raw(k, v);
        }
        Ok(fields)
    }
}

/// A verified message is its fields; it is never read back (only a [`crate::Client`]
/// makes one, after verification).
impl Serialize for Response {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.fields().serialize(s)
    }
}

impl Serialize for PendingReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl Serialize for StopReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl Serialize for NotificationSource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            NotificationSource::Back => "back",
            NotificationSource::Front => "front",
        })
    }
}

impl Serialize for QueriedTxn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("QueriedTxn", 3)?;
        st.serialize_field("api", &self.api)?;
        st.serialize_field("txnAmt", &self.txn_amt)?;
        st.serialize_field("payTimeout", &self.pay_timeout)?;
        st.end()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueriedIn {
    api: Api,
    txn_amt: u64,
    #[serde(default)]
    pay_timeout: Option<Timestamp>,
}

impl<'de> Deserialize<'de> for QueriedTxn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let q = QueriedIn::deserialize(d)?;
        let queried = QueriedTxn {
            api: q.api,
            txn_amt: q.txn_amt,
            pay_timeout: q.pay_timeout,
        };
        queried
            .check()
            .map_err(|e| de::Error::custom(e.message()))?;
        Ok(queried)
    }
}

impl Serialize for OutgoingRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("OutgoingRequest", 15)?;
        st.serialize_field("format", REQUEST_FORMAT)?;
        st.serialize_field("api", &self.api)?;
        st.serialize_field("url", &self.url)?;
        st.serialize_field("fields", &self.fields)?;
        st.serialize_field("queried", &self.queried)?;
        st.serialize_field("attempt", &self.attempt)?;
        st.serialize_field("endpoint", &self.endpoint)?;
        st.serialize_field("body", &self.body)?;
        st.serialize_field("orderId", &self.order_id)?;
        st.serialize_field("txnTime", &self.txn_time)?;
        st.serialize_field("txnAmt", &self.txn_amt)?;
        st.serialize_field("payTimeout", &self.pay_timeout)?;
        st.serialize_field("html", &self.html)?;
        st.serialize_field("moneyMoving", &self.outcome_unknown_without_answer())?;
        st.serialize_field("front", &self.api.is_front())?;
        st.end()
    }
}

#[derive(Deserialize)]
struct RequestIn {
    format: String,
    api: Api,
    url: String,
    fields: Fields,
    #[serde(default)]
    queried: Option<QueriedTxn>,
    #[serde(default)]
    attempt: u32,
}

impl<'de> Deserialize<'de> for OutgoingRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = RequestIn::deserialize(d)?;
        if r.format != REQUEST_FORMAT {
            return Err(de::Error::custom(format!(
                "a stored request of format '{}' (this library reads '{REQUEST_FORMAT}')",
                r.format.chars().take(40).collect::<String>()
            )));
        }
        OutgoingRequest::from_signed(r.api, r.url, r.fields, r.queried, r.attempt)
            .map_err(|e| de::Error::custom(e.message()))
    }
}

/// `{"name", "decisiveCode", "decisiveMsg", "queryAt", "pendingReason", "response"}`:
/// the decisive code is the queried transaction's `origRespCode` for a found status query,
/// else `respCode`.
impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Outcome", 6)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("decisiveCode", self.decisive_code())?;
        st.serialize_field("decisiveMsg", self.decisive_msg())?;
        st.serialize_field("queryAt", &self.query_at())?;
        st.serialize_field("pendingReason", &self.pending_reason())?;
        st.serialize_field("response", self.response())?;
        st.end()
    }
}

/// `{"step": "final"|"query"|"stop", "outcome", "at", "query", "reason"}`.
impl Serialize for NextStep {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (at, query, reason) = match self {
            NextStep::Final(_) => (None, None, None),
            NextStep::Query { at, query, .. } => (Some(*at), Some(query.as_ref()), None),
            NextStep::Stop { reason, .. } => (None, None, Some(*reason)),
        };
        let mut st = s.serialize_struct("NextStep", 5)?;
        st.serialize_field("step", self.name())?;
        st.serialize_field("outcome", &self.outcome())?;
        st.serialize_field("at", &at)?;
        st.serialize_field("query", &query)?;
        st.serialize_field("reason", &reason)?;
        st.end()
    }
}

/// `{"kind": "unchanged"|"replaced", "certId", "pem", "nextCheckAt"}` (`pem` only when
/// replaced: store it and make the client with it).
impl Serialize for KeyUpdate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (kind, cert_id, pem) = match self {
            KeyUpdate::Unchanged { cert_id, .. } => ("unchanged", cert_id, None),
            KeyUpdate::Replaced { cert_id, pem, .. } => ("replaced", cert_id, Some(pem)),
        };
        let mut st = s.serialize_struct("KeyUpdate", 4)?;
        st.serialize_field("kind", kind)?;
        st.serialize_field("certId", cert_id)?;
        st.serialize_field("pem", &pem)?;
        st.serialize_field("nextCheckAt", &self.next_check_at())?;
        st.end()
    }
}

impl Serialize for Notification {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Notification", 21)?;
        st.serialize_field("source", &self.source)?;
        st.serialize_field("api", &self.api)?;
        st.serialize_field("txnType", &self.txn_type)?;
        st.serialize_field("txnSubType", &self.txn_sub_type)?;
        st.serialize_field("bizType", &self.biz_type)?;
        st.serialize_field("success", &self.success)?;
        st.serialize_field("respCode", &self.resp_code)?;
        st.serialize_field("respMsg", &self.resp_msg)?;
        st.serialize_field("merId", &self.mer_id)?;
        st.serialize_field("orderId", &self.order_id)?;
        st.serialize_field("txnTime", &self.txn_time)?;
        st.serialize_field("txnAmt", &self.txn_amt)?;
        st.serialize_field("queryId", &self.query_id)?;
        st.serialize_field("origQryId", &self.orig_qry_id)?;
        st.serialize_field("settleDate", &self.settle_date)?;
        st.serialize_field("settleAmt", &self.settle_amt)?;
        st.serialize_field("traceNo", &self.trace_no)?;
        st.serialize_field("traceTime", &self.trace_time)?;
        st.serialize_field("tokenPayData", &self.token_pay_data)?;
        st.serialize_field("fields", self.response.fields())?;
        st.end()
    }
}

/// A signed amount in fen: credit positive, debit negative.
impl Serialize for SignedAmount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.signed_fen())
    }
}

/// `MMDDhhmmss`.
impl Serialize for MonthDayTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!(
            "{:02}{:02}{:02}{:02}{:02}",
            self.month, self.day, self.hour, self.minute, self.second
        ))
    }
}

/// JSON text of a shape above (feature `json`).
#[cfg(feature = "json")]
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serializing these types cannot fail: every key is a string and every value a
    // string, number, bool or null.
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// Reads a request stored with [`to_json`] (feature `json`).
///
/// # Errors
/// [`crate::ErrorCode::InvalidArgument`] for text that is not a stored request of
/// [`REQUEST_FORMAT`], or whose fields are not a signed request of its API.
#[cfg(feature = "json")]
pub fn request_from_json(text: &str) -> crate::Result<OutgoingRequest> {
    serde_json::from_str(text).map_err(|e| {
        crate::Error::new(
            crate::ErrorCode::InvalidArgument,
            format!("not a stored request ({REQUEST_FORMAT}): {e}"),
        )
    })
}

/// Reads the merchant's books of a clearing day for [`crate::file::reconcile`] (feature
/// `json`): an array of `{"orderId", "txnType", "amountFen", "queryId", "origQueryId",
/// "state": "succeeded" | "failed" | "unknown"}`.
///
/// # Errors
/// [`crate::ErrorCode::InvalidArgument`] for anything else (an unknown key included).
#[cfg(feature = "json")]
pub fn books_from_json(text: &str) -> crate::Result<Vec<crate::file::BookEntry>> {
    serde_json::from_str(text).map_err(|e| {
        crate::Error::new(
            crate::ErrorCode::InvalidArgument,
            format!("not the books of a clearing day (an array of book entries): {e}"),
        )
    })
}
