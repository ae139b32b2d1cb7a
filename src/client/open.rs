//! Opening a card for no-redirect payment (spec §8.3–§8.5, §8.17): front and back open,
//! open query, apply token by orderId, open-and-pay.

use super::api::{Api, SmsKind};
use super::request::{Draft, Order, OutgoingRequest};
use super::{validate, Client};
use crate::card::CustomerInfo;
use crate::crypto::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Pan;
use crate::time::Timestamp;

/// How long a front transaction stays open when the caller gives no `payTimeout`: the
/// official Java and .NET samples use 15 minutes.
pub const DEFAULT_PAY_TIMEOUT_SECONDS: i64 = 15 * 60;

/// 79/00 open card through UnionPay's page (银联侧开通). The result (with the token) comes
/// by back notification, or by [`Client::build_open_query`] with the same orderId/txnTime.
#[derive(Clone, Debug, Default)]
pub struct FrontOpenParams {
    /// A new orderId.
    pub order_id: String,
    /// Where the browser returns (and the front notification is posted).
    pub front_url: String,
    /// Where the back notification is posted.
    pub back_url: String,
    /// Pre-fills the card number on UnionPay's page (encrypted).
    pub acc_no: Option<Pan>,
    /// Pre-fills or checks cardholder data (phone, ID, name).
    pub customer_info: CustomerInfo,
    /// `payTimeout`; default now + 15 minutes. Must be after `now`.
    pub pay_timeout: Option<Timestamp>,
    /// `reserved` pairs, e.g. `("customPage", "true")` for the embedded page.
    pub reserved: Vec<(String, String)>,
    /// `reqReserved`, echoed back.
    pub req_reserved: Option<String>,
    /// `frontFailUrl`: where the browser goes on failure (without data).
    pub front_fail_url: Option<String>,
}

/// 79/00 open card with card data the merchant collected (商户侧开通). The token is in the
/// synchronous response; no notification.
#[derive(Clone, Debug)]
pub struct BackOpenParams {
    /// A new orderId, or the open SMS (77/00) this open uses the code of.
    pub order: Order,
    /// The card number (encrypted).
    pub acc_no: Pan,
    /// Credit card: phoneNo, cvn2, expired; debit card: phoneNo (+ certifTp, certifId,
    /// customerNm, pin); plus smsCode after an open SMS. Must not be empty.
    pub customer_info: CustomerInfo,
    /// `reqReserved`, echoed back.
    pub req_reserved: Option<String>,
}

/// 78/02 open-status query by the orderId/txnTime of a front open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenQueryParams {
    /// orderId of the open (79/00) being asked about.
    pub orig_order_id: String,
    /// txnTime of that open (`YYYYMMDDhhmmss`, Beijing time).
    pub orig_txn_time: String,
}

/// 79/05 apply for a token by the orderId/txnTime of an open-and-pay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyTokenParams {
    /// orderId of the open-and-pay (01/01 front).
    pub orig_order_id: String,
    /// txnTime of that open-and-pay.
    pub orig_txn_time: String,
    /// `reqReserved`, echoed back.
    pub req_reserved: Option<String>,
}

/// 01/01 open-and-pay (开通并支付): a front consume that also opens the card; then get
/// the token with [`Client::build_apply_token`].
#[derive(Clone, Debug)]
pub struct OpenAndPayParams {
    /// A new orderId.
    pub order_id: String,
    /// Amount in fen.
    pub txn_amt: u64,
    /// The card number (mandatory here; encrypted).
    pub acc_no: Pan,
    /// Where the browser returns.
    pub front_url: String,
    /// Where the back notification is posted.
    pub back_url: String,
    /// Optional cardholder data.
    pub customer_info: CustomerInfo,
    /// `payTimeout`; default now + 15 minutes. Must be after `now`.
    pub pay_timeout: Option<Timestamp>,
    /// `reserved` pairs.
    pub reserved: Vec<(String, String)>,
    /// `reqReserved`, echoed back.
    pub req_reserved: Option<String>,
    /// `frontFailUrl`.
    pub front_fail_url: Option<String>,
}

impl Client {
    /// Builds a front open 79/00: the request carries the auto-submit page in `html`.
    pub fn build_front_open(
        &self,
        p: &FrontOpenParams,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.token.clone();
        let mut d = self.new_draft(Api::FrontOpen, &biz, &p.order_id, now)?;
        self.front_urls(
            &mut d,
            &p.front_url,
            &p.back_url,
            p.front_fail_url.as_deref(),
        )?;
        d.set("tokenPayData", self.token_request_data()?);
        if let Some(pan) = &p.acc_no {
            self.put_acc_no(&mut d, pan, rng)?;
        }
        self.put_customer_info(&mut d, &p.customer_info, p.acc_no.as_ref(), rng)?;
        pay_timeout(&mut d, p.pay_timeout, now)?;
        self.put_reserved(&mut d, &p.reserved)?;
        self.put_req_reserved(&mut d, p.req_reserved.as_deref())?;
        self.finish(d)
    }

    /// Builds a back open 79/00.
    pub fn build_back_open(
        &self,
        p: &BackOpenParams,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.token.clone();
        let mut d = self.order_draft(Api::BackOpen, &biz, &p.order, SmsKind::Open, None, now)?;
        if p.customer_info.is_empty() {
            return Err(Error::new(
                ErrorCode::MissingField,
                "customerInfo is required for a back open: give phoneNo (and cvn2 + expired for a credit card)",
            ));
        }
        d.set("tokenPayData", self.token_request_data()?);
        self.put_acc_no(&mut d, &p.acc_no, rng)?;
        self.put_customer_info(&mut d, &p.customer_info, Some(&p.acc_no), rng)?;
        self.put_req_reserved(&mut d, p.req_reserved.as_deref())?;
        self.finish(d)
    }

    /// Builds an open-status query 78/02 for a front open.
    pub fn build_open_query(
        &self,
        p: &OpenQueryParams,
        _now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.token.clone();
        let d = self.orig_draft(Api::OpenQuery, &biz, &p.orig_order_id, &p.orig_txn_time)?;
        self.finish(d)
    }

    /// Builds an apply-token-by-orderId 79/05 for an open-and-pay.
    pub fn build_apply_token(
        &self,
        p: &ApplyTokenParams,
        _now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.token.clone();
        let mut d = self.orig_draft(Api::ApplyToken, &biz, &p.orig_order_id, &p.orig_txn_time)?;
        d.set("tokenPayData", self.token_request_data()?);
        self.put_req_reserved(&mut d, p.req_reserved.as_deref())?;
        self.finish(d)
    }

    /// Builds an open-and-pay 01/01 front: the request carries the auto-submit page.
    pub fn build_open_and_pay(
        &self,
        p: &OpenAndPayParams,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.open_and_pay.clone();
        let mut d = self.new_draft(Api::OpenAndPay, &biz, &p.order_id, now)?;
        validate::amount(p.txn_amt, "txnAmt")?;
        d.amount(p.txn_amt);
        self.front_urls(
            &mut d,
            &p.front_url,
            &p.back_url,
            p.front_fail_url.as_deref(),
        )?;
        d.set("tokenPayData", self.token_request_data()?);
        self.put_acc_no(&mut d, &p.acc_no, rng)?;
        self.put_customer_info(&mut d, &p.customer_info, Some(&p.acc_no), rng)?;
        pay_timeout(&mut d, p.pay_timeout, now)?;
        self.put_reserved(&mut d, &p.reserved)?;
        self.put_req_reserved(&mut d, p.req_reserved.as_deref())?;
        self.finish(d)
    }

    /// A header naming an earlier transaction: its orderId and txnTime, not new ones.
    pub(crate) fn orig_draft(
        &self,
        api: Api,
        biz_type: &str,
        orig_order_id: &str,
        orig_txn_time: &str,
    ) -> Result<Draft> {
        validate::orig_order_id(orig_order_id, "orderId (of the original transaction)")?;
        validate::txn_time(orig_txn_time, "txnTime (of the original transaction)")?;
        Ok(self.draft(api, biz_type, Some(orig_order_id), orig_txn_time.to_owned()))
    }

    fn front_urls(
        &self,
        d: &mut Draft,
        front_url: &str,
        back_url: &str,
        front_fail_url: Option<&str>,
    ) -> Result<()> {
        validate::http_url(front_url, "frontUrl")?;
        validate::http_url(back_url, "backUrl")?;
        d.set("frontUrl", front_url);
        d.set("backUrl", back_url);
        if let Some(url) = front_fail_url {
            validate::http_url(url, "frontFailUrl")?;
            d.set("frontFailUrl", url);
        }
        Ok(())
    }
}

fn pay_timeout(d: &mut Draft, given: Option<Timestamp>, now: Timestamp) -> Result<()> {
    let at = given.unwrap_or_else(|| now.plus_seconds(DEFAULT_PAY_TIMEOUT_SECONDS));
    if at <= now {
        return Err(Error::new(
            ErrorCode::InvalidTime,
            format!("payTimeout must be after now ({now}); got {at}"),
        ));
    }
    d.set("payTimeout", at.to_txn_time());
    d.pay_timeout = Some(at);
    Ok(())
}
