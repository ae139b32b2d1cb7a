//! Building any request from an API name and a string map of parameters.
//!
//! Every binding (JS, Python, Kotlin, C) crosses its boundary with string maps, so this
//! one place turns a map into the typed params of [`Client`]'s `build_*` methods, and the
//! bindings only convert types. Keys are the protocol's own field names (`orderId`,
//! `txnAmt`, `backUrl`, `accNo`, `smsCode` …); an unknown key is an error, so a typo
//! never silently drops a field.

use super::{
    Api, ApplyTokenParams, BackOpenParams, Client, CompletionUndoParams, ConsumeParams,
    ConsumeUndoParams, DeleteTokenParams, FileTransferParams, FrontOpenParams,
    KeyUpdateQueryParams, OpenAndPayParams, OpenQueryParams, Order, OutgoingRequest, Payer,
    PreAuthCompletionParams, PreAuthParams, PreAuthUndoParams, QueriedTxn, RefundParams,
    ReversalParams, SmsKind, SmsPairing, SmsParams, SmsPurpose, StatusQueryParams,
    UpdateTokenParams,
};
use crate::card::CustomerInfo;
use crate::crypto::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::form::parse_nested;
use crate::secret::{CardExpiry, Cvn2, Pan, PhoneNumber, Pin};
use crate::time::Timestamp;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// Parameters keyed by protocol field name.
pub type ParamMap = BTreeMap<String, String>;

impl Api {
    /// Looks an API up by its [`name`](Api::name) (`consume`, `sms_open`, …).
    pub fn from_name(name: &str) -> Result<Api> {
        Api::ALL
            .iter()
            .copied()
            .find(|a| a.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Api::ALL.iter().map(|a| a.name()).collect();
                Error::new(
                    ErrorCode::InvalidArgument,
                    format!("unknown API '{name}'; known: {}", known.join(", ")),
                )
            })
    }
}

impl Client {
    /// Builds the request of `api` from string parameters (see the module docs).
    ///
    /// Keys: `orderId`, `txnAmt` (fen), `backUrl`, `frontUrl`, `frontFailUrl`, `payTimeout`
    /// (YYYYMMDDhhmmss, Beijing), `reqReserved`, `reserved` (`{k=v&…}`), `token` or
    /// `accNo` (the payer), the customerInfo parts `certifTp`, `certifId`, `customerNm`,
    /// `phoneNo`, `smsCode`, `pin`, `cvn2`, `expired`; `origOrderId`, `origTxnTime`,
    /// `origQryId`; `settleDate`; for the status query `queried` (the name of the queried
    /// transaction's API, e.g. `consume`: required), its `txnAmt`, its `payTimeout` (a
    /// browser transaction) and `attempt`. A transaction that follows an SMS passes
    /// that SMS's `txnTime` as `txnTime` (with the same `orderId` and `txnAmt`).
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] for a key this API does not take; the same
    /// validation errors as the typed builders.
    pub fn build(
        &self,
        api: Api,
        params: &ParamMap,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let p = Params::new(params);
        let request = match api {
            Api::Consume => self.build_consume(
                &ConsumeParams {
                    order: p.order(SmsKind::Consume)?,
                    txn_amt: p.amount()?,
                    payer: p.payer()?,
                    back_url: p.required("backUrl")?,
                    customer_info: p.customer_info()?,
                    req_reserved: p.optional("reqReserved"),
                },
                now,
                rng,
            )?,
            Api::PreAuth => self.build_pre_auth(
                &PreAuthParams {
                    order: p.order(SmsKind::PreAuth)?,
                    txn_amt: p.amount()?,
                    payer: p.payer()?,
                    back_url: p.required("backUrl")?,
                    customer_info: p.customer_info()?,
                    req_reserved: p.optional("reqReserved"),
                },
                now,
                rng,
            )?,
            Api::Sms(kind) => self.build_sms(
                &SmsParams {
                    order_id: p.required("orderId")?,
                    purpose: p.sms_purpose(kind)?,
                    customer_info: p.customer_info()?,
                    req_reserved: p.optional("reqReserved"),
                },
                now,
                rng,
            )?,
            Api::FrontOpen => self.build_front_open(
                &FrontOpenParams {
                    order_id: p.required("orderId")?,
                    front_url: p.required("frontUrl")?,
                    back_url: p.required("backUrl")?,
                    acc_no: p.optional("accNo").map(Pan::new).transpose()?,
                    customer_info: p.customer_info()?,
                    pay_timeout: p.pay_timeout()?,
                    reserved: p.reserved()?,
                    req_reserved: p.optional("reqReserved"),
                    front_fail_url: p.optional("frontFailUrl"),
                },
                now,
                rng,
            )?,
            Api::OpenAndPay => self.build_open_and_pay(
                &OpenAndPayParams {
                    order_id: p.required("orderId")?,
                    txn_amt: p.amount()?,
                    acc_no: Pan::new(p.required("accNo")?)?,
                    front_url: p.required("frontUrl")?,
                    back_url: p.required("backUrl")?,
                    customer_info: p.customer_info()?,
                    pay_timeout: p.pay_timeout()?,
                    reserved: p.reserved()?,
                    req_reserved: p.optional("reqReserved"),
                    front_fail_url: p.optional("frontFailUrl"),
                },
                now,
                rng,
            )?,
            Api::BackOpen => self.build_back_open(
                &BackOpenParams {
                    order: p.order(SmsKind::Open)?,
                    acc_no: Pan::new(p.required("accNo")?)?,
                    customer_info: p.customer_info()?,
                    req_reserved: p.optional("reqReserved"),
                },
                now,
                rng,
            )?,
            Api::UpdateToken => self.build_update_token(
                &UpdateTokenParams {
                    order: p.order(SmsKind::Open)?,
                    token: p.required("token")?,
                    customer_info: p.customer_info()?,
                    req_reserved: p.optional("reqReserved"),
                },
                now,
                rng,
            )?,
            Api::DeleteToken => self.build_delete_token(
                &DeleteTokenParams {
                    order_id: p.required("orderId")?,
                    token: p.required("token")?,
                },
                now,
                rng,
            )?,
            Api::OpenQuery => self.build_open_query(
                &OpenQueryParams {
                    orig_order_id: p.required("origOrderId")?,
                    orig_txn_time: p.required("origTxnTime")?,
                },
                now,
                rng,
            )?,
            Api::ApplyToken => self.build_apply_token(
                &ApplyTokenParams {
                    orig_order_id: p.required("origOrderId")?,
                    orig_txn_time: p.required("origTxnTime")?,
                    req_reserved: p.optional("reqReserved"),
                },
                now,
                rng,
            )?,
            Api::Reversal => self.build_reversal(
                &ReversalParams {
                    orig_order_id: p.required("origOrderId")?,
                    orig_txn_time: p.required("origTxnTime")?,
                },
                now,
                rng,
            )?,
            Api::ConsumeUndo => {
                self.build_consume_undo(&ConsumeUndoParams::from_parts(p.followup()?), now, rng)?
            }
            Api::Refund => self.build_refund(&RefundParams::from_parts(p.followup()?), now, rng)?,
            Api::PreAuthUndo => {
                self.build_pre_auth_undo(&PreAuthUndoParams::from_parts(p.followup()?), now, rng)?
            }
            Api::PreAuthCompletion => self.build_pre_auth_completion(
                &PreAuthCompletionParams::from_parts(p.followup()?),
                now,
                rng,
            )?,
            Api::CompletionUndo => self.build_completion_undo(
                &CompletionUndoParams::from_parts(p.followup()?),
                now,
                rng,
            )?,
            Api::StatusQuery => self.build_status_query(
                &StatusQueryParams {
                    orig_order_id: p.required("origOrderId")?,
                    orig_txn_time: p.required("origTxnTime")?,
                    queried: p.queried()?,
                    attempt: p.attempt()?,
                },
                now,
                rng,
            )?,
            Api::KeyUpdateQuery => self.build_key_update_query(
                &KeyUpdateQueryParams {
                    order_id: p.required("orderId")?,
                },
                now,
                rng,
            )?,
            Api::FileTransfer => self.build_file_transfer(
                &FileTransferParams {
                    settle_date: p.required("settleDate")?,
                },
                now,
                rng,
            )?,
        };
        p.reject_unused(api)?;
        Ok(request)
    }

    /// The status query of an earlier request, as a request (attempt counts from 1).
    pub fn build_query_for(
        &self,
        request: &OutgoingRequest,
        attempt: u32,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        self.build_status_query(&StatusQueryParams::for_request(request, attempt)?, now, rng)
    }
}

/// A map being read, remembering which keys were used.
struct Params<'a> {
    map: &'a ParamMap,
    used: RefCell<BTreeSet<&'a str>>,
}

impl<'a> Params<'a> {
    fn new(map: &'a ParamMap) -> Self {
        Params {
            map,
            used: RefCell::new(BTreeSet::new()),
        }
    }

    fn optional(&self, key: &str) -> Option<String> {
        let (k, v) = self.map.get_key_value(key)?;
        self.used.borrow_mut().insert(k.as_str());
        Some(v.clone()).filter(|v| !v.is_empty())
    }

    fn required(&self, key: &str) -> Result<String> {
        self.optional(key).ok_or_else(|| {
            Error::new(
                ErrorCode::MissingField,
                format!("the parameter '{key}' is required"),
            )
        })
    }

    /// A whole number written as the protocol writes one: digits only, no sign, no
    /// leading zero.
    fn number<T: std::str::FromStr>(&self, key: &str, code: ErrorCode) -> Result<Option<T>> {
        self.optional(key)
            .map(|v| {
                let canonical = v.bytes().all(|b| b.is_ascii_digit())
                    && (v == "0" || !v.starts_with('0'));
                canonical.then(|| v.parse::<T>().ok()).flatten().ok_or_else(|| {
                    Error::new(
                        code,
                        format!("'{key}' must be a whole number in digits (no sign, no leading zero), not '{v}'"),
                    )
                })
            })
            .transpose()
    }

    fn amount(&self) -> Result<u64> {
        self.number("txnAmt", ErrorCode::InvalidAmount)?
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::MissingField,
                    "the parameter 'txnAmt' (fen) is required",
                )
            })
    }

    fn attempt(&self) -> Result<u32> {
        Ok(self
            .number("attempt", ErrorCode::InvalidField)?
            .unwrap_or(1))
    }

    fn pay_timeout(&self) -> Result<Option<Timestamp>> {
        self.optional("payTimeout")
            .map(|t| Timestamp::parse_txn_time(&t))
            .transpose()
    }

    fn reserved(&self) -> Result<Vec<(String, String)>> {
        Ok(match self.optional("reserved") {
            Some(v) => parse_nested(&v)?,
            None => Vec::new(),
        })
    }

    /// A new order, or the SMS's order when its `txnTime` is passed.
    fn order(&self, sms: SmsKind) -> Result<Order> {
        let order_id = self.required("orderId")?;
        Ok(match self.optional("txnTime") {
            None => Order::New(order_id),
            Some(txn_time) => Order::AfterSms(SmsPairing {
                kind: sms,
                order_id,
                txn_time,
                txn_amt: if sms.carries_amount() {
                    self.number("txnAmt", ErrorCode::InvalidAmount)?
                } else {
                    None
                },
            }),
        })
    }

    fn payer(&self) -> Result<Payer> {
        match (self.optional("token"), self.optional("accNo")) {
            (Some(token), None) => Ok(Payer::Token(token)),
            (None, Some(pan)) => Ok(Payer::Card(Pan::new(pan)?)),
            _ => Err(Error::new(
                ErrorCode::InvalidArgument,
                "give exactly one of 'token' (token product) or 'accNo' (card)",
            )),
        }
    }

    fn sms_purpose(&self, kind: SmsKind) -> Result<SmsPurpose> {
        Ok(match kind {
            SmsKind::Open => SmsPurpose::Open {
                acc_no: Pan::new(self.required("accNo")?)?,
            },
            SmsKind::RealNameAuth => SmsPurpose::RealNameAuth {
                acc_no: Pan::new(self.required("accNo")?)?,
            },
            SmsKind::Consume => SmsPurpose::Consume {
                payer: self.payer()?,
                txn_amt: self.amount()?,
            },
            SmsKind::Withholding => SmsPurpose::Withholding {
                payer: self.payer()?,
                txn_amt: self.amount()?,
            },
            SmsKind::PreAuth => SmsPurpose::PreAuth {
                payer: self.payer()?,
                txn_amt: self.amount()?,
            },
        })
    }

    fn customer_info(&self) -> Result<CustomerInfo> {
        Ok(CustomerInfo {
            certif_tp: self.optional("certifTp"),
            certif_id: self.optional("certifId"),
            customer_nm: self.optional("customerNm"),
            phone_no: self.optional("phoneNo").map(PhoneNumber::new).transpose()?,
            sms_code: self.optional("smsCode"),
            pin: self.optional("pin").map(Pin::new).transpose()?,
            cvn2: self.optional("cvn2").map(Cvn2::new).transpose()?,
            expired: self.optional("expired").map(CardExpiry::new).transpose()?,
        })
    }

    /// What a status query asks about: `queried` (the API's name, required), its
    /// `txnAmt` and, for a browser transaction, its `payTimeout`.
    fn queried(&self) -> Result<QueriedTxn> {
        let api = Api::from_name(&self.required("queried")?)?;
        let amount = self.amount()?;
        match self.pay_timeout()? {
            Some(pay_timeout) => QueriedTxn::front(api, amount, pay_timeout),
            None => QueriedTxn::back(api, amount),
        }
    }

    /// orderId, origQryId, txnAmt, backUrl, reqReserved of an undo/refund/completion.
    fn followup(&self) -> Result<(String, String, u64, String, Option<String>)> {
        Ok((
            self.required("orderId")?,
            self.required("origQryId")?,
            self.amount()?,
            self.required("backUrl")?,
            self.optional("reqReserved"),
        ))
    }

    fn reject_unused(&self, api: Api) -> Result<()> {
        let used = self.used.borrow();
        match self.map.keys().find(|k| !used.contains(k.as_str())) {
            Some(k) => Err(Error::new(
                ErrorCode::InvalidArgument,
                format!("the parameter '{k}' is not used by {}", api.name()),
            )),
            None => Ok(()),
        }
    }
}
