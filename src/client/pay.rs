//! Payments and their SMS codes (spec §8.1, §8.8, §8.12): consume, SMS, pre-auth.

use super::api::{Api, SmsKind};
use super::request::{Draft, Order, OutgoingRequest, Payer};
use super::{validate, Client};
use crate::card::CustomerInfo;
use crate::crypto::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Pan;
use crate::time::Timestamp;

/// 01/01 consume, back. With a token (`bizType` token) or a card number (standard
/// product). The synchronous `00` only means accepted: wait for the notification or query.
#[derive(Clone, Debug)]
pub struct ConsumeParams {
    /// A new orderId, or the consume SMS (77/02) whose code `customer_info` carries.
    pub order: Order,
    /// Amount in fen (must equal the SMS's when following one).
    pub txn_amt: u64,
    /// The token, or the card number.
    pub payer: Payer,
    /// Where the back notification is posted.
    pub back_url: String,
    /// Token: `smsCode` (required unless the merchant is configured without SMS).
    /// Card: phoneNo, smsCode, cvn2/expired as the card needs.
    pub customer_info: CustomerInfo,
    /// `reqReserved`, echoed back.
    pub req_reserved: Option<String>,
}

/// What an SMS (77) is for, with what that variant needs.
#[derive(Clone, Debug)]
pub enum SmsPurpose {
    /// 77/00 before a back open or an update; needs `customerInfo.phoneNo`.
    Open {
        /// The card number (encrypted).
        acc_no: Pan,
    },
    /// 77/01 real-name authentication; needs `customerInfo.phoneNo`.
    RealNameAuth {
        /// The card number (encrypted).
        acc_no: Pan,
    },
    /// 77/02 before a consume with the same orderId, txnTime and txnAmt.
    Consume {
        /// The token or card.
        payer: Payer,
        /// Amount in fen.
        txn_amt: u64,
    },
    /// 77/03 withholding (代扣).
    Withholding {
        /// The token or card.
        payer: Payer,
        /// Amount in fen.
        txn_amt: u64,
    },
    /// 77/04 before a pre-auth with the same orderId, txnTime and txnAmt.
    PreAuth {
        /// The token or card.
        payer: Payer,
        /// Amount in fen.
        txn_amt: u64,
    },
}

impl SmsPurpose {
    /// The SMS variant.
    pub fn kind(&self) -> SmsKind {
        match self {
            SmsPurpose::Open { .. } => SmsKind::Open,
            SmsPurpose::RealNameAuth { .. } => SmsKind::RealNameAuth,
            SmsPurpose::Consume { .. } => SmsKind::Consume,
            SmsPurpose::Withholding { .. } => SmsKind::Withholding,
            SmsPurpose::PreAuth { .. } => SmsKind::PreAuth,
        }
    }
}

/// 77/xx send an SMS code. The returned request's
/// [`sms_pairing`](OutgoingRequest::sms_pairing) is what the following transaction takes
/// as [`Order::AfterSms`].
#[derive(Clone, Debug)]
pub struct SmsParams {
    /// A new orderId; the transaction that uses the code reuses it.
    pub order_id: String,
    /// Which SMS, with its card reference and amount.
    pub purpose: SmsPurpose,
    /// phoneNo (required for open and real-name SMS; otherwise optional: without it the
    /// SMS goes to the phone the bank has on file).
    pub customer_info: CustomerInfo,
    /// `reqReserved`, echoed back.
    pub req_reserved: Option<String>,
}

/// 02/01 pre-authorization, back (token product; spec §8.12 — no official sample, shape
/// as consume).
#[derive(Clone, Debug)]
pub struct PreAuthParams {
    /// A new orderId, or the pre-auth SMS (77/04) whose code `customer_info` carries.
    pub order: Order,
    /// Amount in fen to hold.
    pub txn_amt: u64,
    /// The token, or the card number.
    pub payer: Payer,
    /// Where the back notification is posted.
    pub back_url: String,
    /// `smsCode` and whatever else the card needs.
    pub customer_info: CustomerInfo,
    /// `reqReserved`, echoed back.
    pub req_reserved: Option<String>,
}

impl Client {
    /// Builds a consume 01/01 (back).
    pub fn build_consume(
        &self,
        p: &ConsumeParams,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let token_biz = self.config().biz_types.token.clone();
        self.build_payment(
            Api::Consume,
            SmsKind::Consume,
            &token_biz,
            p.into(),
            now,
            rng,
        )
    }

    /// Builds a pre-authorization 02/01 (back).
    pub fn build_pre_auth(
        &self,
        p: &PreAuthParams,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let token_biz = self.config().biz_types.preauth.clone();
        let payment = Payment {
            order: &p.order,
            txn_amt: p.txn_amt,
            payer: &p.payer,
            back_url: &p.back_url,
            customer_info: &p.customer_info,
            req_reserved: p.req_reserved.as_deref(),
        };
        self.build_payment(
            Api::PreAuth,
            SmsKind::PreAuth,
            &token_biz,
            payment,
            now,
            rng,
        )
    }

    /// Builds an SMS request 77/xx.
    pub fn build_sms(
        &self,
        p: &SmsParams,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let kind = p.purpose.kind();
        let api = Api::Sms(kind);
        let biz = &self.config().biz_types;
        let mut d = match &p.purpose {
            SmsPurpose::Open { acc_no } | SmsPurpose::RealNameAuth { acc_no } => {
                let mut d = self.new_draft(api, &biz.token.clone(), &p.order_id, now)?;
                if p.customer_info.phone_no.is_none() {
                    return Err(Error::new(
                        ErrorCode::MissingField,
                        format!(
                            "customerInfo.phoneNo is required for the {} SMS: the code goes to the phone the bank has on file for the card",
                            kind.name()
                        ),
                    ));
                }
                if kind == SmsKind::Open {
                    d.set("tokenPayData", self.token_request_data()?);
                }
                self.put_acc_no(&mut d, acc_no, rng)?;
                self.put_customer_info(&mut d, &p.customer_info, Some(acc_no), rng)?;
                d
            }
            SmsPurpose::Consume { payer, txn_amt }
            | SmsPurpose::Withholding { payer, txn_amt }
            | SmsPurpose::PreAuth { payer, txn_amt } => {
                let token_biz = if kind == SmsKind::PreAuth {
                    biz.preauth.clone()
                } else {
                    biz.token.clone()
                };
                let biz_type = self.payer_biz(payer, &token_biz);
                let mut d = self.new_draft(api, &biz_type, &p.order_id, now)?;
                validate::amount(*txn_amt, "txnAmt")?;
                d.amount(*txn_amt);
                let pan = self.put_payer(&mut d, payer, rng)?;
                self.put_customer_info(&mut d, &p.customer_info, pan, rng)?;
                d
            }
        };
        self.put_req_reserved(&mut d, p.req_reserved.as_deref())?;
        self.finish(d)
    }

    fn build_payment(
        &self,
        api: Api,
        sms: SmsKind,
        token_biz: &str,
        p: Payment<'_>,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz_type = self.payer_biz(p.payer, token_biz);
        let mut d = self.order_draft(api, &biz_type, p.order, sms, Some(p.txn_amt), now)?;
        validate::amount(p.txn_amt, "txnAmt")?;
        d.amount(p.txn_amt);
        validate::http_url(p.back_url, "backUrl")?;
        d.set("backUrl", p.back_url);
        let pan = self.put_payer(&mut d, p.payer, rng)?;
        self.put_customer_info(&mut d, p.customer_info, pan, rng)?;
        self.put_req_reserved(&mut d, p.req_reserved)?;
        self.finish(d)
    }

    fn payer_biz(&self, payer: &Payer, token_biz: &str) -> String {
        match payer {
            Payer::Token(_) => token_biz.to_owned(),
            Payer::Card(_) => self.config().biz_types.standard.clone(),
        }
    }

    /// Sets `tokenPayData` or `accNo`; returns the card number when there is one (a PIN
    /// block needs it).
    fn put_payer<'a>(
        &self,
        d: &mut Draft,
        payer: &'a Payer,
        rng: &mut dyn RandomSource,
    ) -> Result<Option<&'a Pan>> {
        match payer {
            Payer::Token(token) => {
                d.set("tokenPayData", self.token_pay_data(token, false)?);
                Ok(None)
            }
            Payer::Card(pan) => {
                self.put_acc_no(d, pan, rng)?;
                Ok(Some(pan))
            }
        }
    }
}

/// What consume and pre-auth share.
struct Payment<'a> {
    order: &'a Order,
    txn_amt: u64,
    payer: &'a Payer,
    back_url: &'a str,
    customer_info: &'a CustomerInfo,
    req_reserved: Option<&'a str>,
}

impl<'a> From<&'a ConsumeParams> for Payment<'a> {
    fn from(p: &'a ConsumeParams) -> Self {
        Payment {
            order: &p.order,
            txn_amt: p.txn_amt,
            payer: &p.payer,
            back_url: &p.back_url,
            customer_info: &p.customer_info,
            req_reserved: p.req_reserved.as_deref(),
        }
    }
}
