//! Notifications UnionPay posts to `backUrl` (and the browser to `frontUrl`), verified and
//! typed (spec §2.3, §2.4, §7.5).

use super::api::Api;
use super::outcome::is_success_code;
use super::request::OutgoingRequest;
use super::response::{parse_amount, Response, TokenPayData};
use super::Client;
use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;

/// Who posted the notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NotificationSource {
    /// UnionPay's server, to `backUrl`: authoritative (after verification).
    Back,
    /// The cardholder's browser, to `frontUrl`: never proof of payment.
    Front,
}

/// A verified notification.
///
/// Answer the POST with HTTP 200 quickly; notifications repeat, so handle them
/// idempotently. Matching it with the merchant's own order (merId, orderId, txnTime,
/// txnAmt) is the host's job; [`Notification::matches`] does it against a stored request.
/// For money-moving transactions the official handler confirms a success with a status
/// query before booking it (spec §7.5).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Notification {
    /// Back or front.
    pub source: NotificationSource,
    /// The API it reports on, from txnType/txnSubType (see [`Api::from_notification_codes`]:
    /// an open-and-pay reads as [`Api::Consume`]); `None` for a combination this product
    /// does not notify.
    pub api: Option<Api>,
    /// `txnType`.
    pub txn_type: String,
    /// `txnSubType`.
    pub txn_sub_type: String,
    /// `bizType`.
    pub biz_type: String,
    /// Whether `respCode` is `00` or `A6` (a notification does not imply success).
    pub success: bool,
    /// `respCode`.
    pub resp_code: String,
    /// `respMsg`.
    pub resp_msg: String,
    /// `merId`.
    pub mer_id: String,
    /// `orderId`.
    pub order_id: Option<String>,
    /// `txnTime`.
    pub txn_time: Option<String>,
    /// `txnAmt` in fen.
    pub txn_amt: Option<u64>,
    /// `queryId`: keep it for undo and refund.
    pub query_id: Option<String>,
    /// `origQryId` (undo, refund, pre-auth follow-ups).
    pub orig_qry_id: Option<String>,
    /// `settleDate` (MMDD).
    pub settle_date: Option<String>,
    /// `settleAmt` in fen.
    pub settle_amt: Option<u64>,
    /// `traceNo`.
    pub trace_no: Option<String>,
    /// `traceTime`.
    pub trace_time: Option<String>,
    /// `tokenPayData`, parsed (front open: the new token).
    pub token_pay_data: Option<TokenPayData>,
    /// Every field, with the accessors of [`Response`] (customer info, accNo decryption).
    pub response: Response,
}

impl Notification {
    /// Whether this notification reports on `request`, by the request's signed fields:
    /// the same merId, orderId, txnTime and txnType/txnSubType and, for a request that
    /// carries an amount (every money-moving one), the same txnAmt, which the
    /// notification must carry.
    pub fn matches(&self, request: &OutgoingRequest) -> bool {
        let signed = |key: &str| request.fields.get(key);
        let same = |key: &str, ours: Option<&str>| signed(key).is_some() && signed(key) == ours;
        same("merId", Some(self.mer_id.as_str()))
            && same("orderId", self.order_id.as_deref())
            && same("txnTime", self.txn_time.as_deref())
            && same("txnType", Some(self.txn_type.as_str()))
            && same("txnSubType", Some(self.txn_sub_type.as_str()))
            && match request.signed_txn_amt() {
                Some(amount) => self.txn_amt == Some(amount),
                None => !request.api.is_money_moving(),
            }
    }
}

impl Client {
    /// Verifies a back notification body (form-encoded, as posted to `backUrl`) and types it.
    ///
    /// # Errors
    /// Verification errors; [`ErrorCode::ResponseMismatch`] when it is for another
    /// merchant (post it to that merchant's client); format errors for malformed amounts
    /// or tokenPayData.
    pub fn verify_notification(&self, body: &[u8], now: Timestamp) -> Result<Notification> {
        self.notification(body, now, NotificationSource::Back)
    }

    /// Verifies a front notification (the browser's POST to `frontUrl`). It has the same
    /// format as a back notification, but only tells where the cardholder came back from:
    /// never book a payment on it; wait for the back notification or query. A failed
    /// front flow may GET `frontUrl` without any data, which fails here as unsigned.
    ///
    /// # Errors
    /// As [`Client::verify_notification`].
    pub fn verify_front_notification(&self, body: &[u8], now: Timestamp) -> Result<Notification> {
        self.notification(body, now, NotificationSource::Front)
    }

    fn notification(
        &self,
        body: &[u8],
        now: Timestamp,
        source: NotificationSource,
    ) -> Result<Notification> {
        let fields = self.verifier().verify_notify_body(body, now)?;
        let mer_id = fields.get("merId").unwrap_or_default().to_owned();
        if mer_id != self.config().mer_id {
            return Err(Error::new(
                ErrorCode::ResponseMismatch,
                format!(
                    "the notification is for merId '{}', not this client's '{}': route it to that merchant's client",
                    mer_id.chars().filter(|c| c.is_ascii_alphanumeric()).take(20).collect::<String>(),
                    self.config().mer_id
                ),
            ));
        }
        let response = Response::new(fields);
        let text = |k: &str| response.get(k).map(str::to_owned);
        let txn_type = text("txnType").unwrap_or_default();
        let txn_sub_type = text("txnSubType").unwrap_or_default();
        let resp_code = response.resp_code().to_owned();
        Ok(Notification {
            source,
            api: Api::from_notification_codes(&txn_type, &txn_sub_type),
            biz_type: text("bizType").unwrap_or_default(),
            success: is_success_code(&resp_code),
            resp_msg: response.resp_msg().to_owned(),
            order_id: text("orderId"),
            txn_time: text("txnTime"),
            txn_amt: response
                .get("txnAmt")
                .map(|v| parse_amount(v, "txnAmt"))
                .transpose()?,
            query_id: text("queryId"),
            orig_qry_id: text("origQryId"),
            settle_date: text("settleDate"),
            settle_amt: response
                .get("settleAmt")
                .map(|v| parse_amount(v, "settleAmt"))
                .transpose()?,
            trace_no: text("traceNo"),
            trace_time: text("traceTime"),
            token_pay_data: response.token_pay_data()?,
            txn_type,
            txn_sub_type,
            resp_code,
            mer_id,
            response,
        })
    }
}
