//! Housekeeping requests (spec §8.11, §10, §11): status query, key update query, file
//! transfer.

use super::api::Api;
use super::outcome::{not_queryable, QueriedTxn};
use super::request::OutgoingRequest;
use super::schedule::next_query_at;
use super::{validate, Client};
use crate::crypto::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::sign::Credentials;
use crate::time::Timestamp;

/// 00/00 transaction status query (queryTrans.do), by the queried transaction's own
/// orderId and txnTime. A refund or undo is queried by its own ids, not the consume's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusQueryParams {
    /// orderId of the queried transaction.
    pub orig_order_id: String,
    /// txnTime of the queried transaction.
    pub orig_txn_time: String,
    /// What the queried transaction is (API, amount, payTimeout): decides how "not found"
    /// and "not final" read, and which found answers count.
    pub queried: QueriedTxn,
    /// Which query this is for that transaction, 1 for the first; the outcome schedules
    /// the next one from it.
    pub attempt: u32,
}

impl OutgoingRequest {
    /// Whether an answer that never came (timeout, connection error, a status other than
    /// 200, an answer that does not verify) leaves the outcome unknown: true for every
    /// money-moving request, the reversal included (spec §7.3). Such a request must be
    /// looked up, never retried as new or given up as failed.
    pub fn outcome_unknown_without_answer(&self) -> bool {
        self.api.is_money_moving()
    }

    /// When to send status query number `attempt` (from 1) for this request after it got
    /// no usable answer (timeout, non-200, unverifiable): the back schedule for a back
    /// request, the front one for a browser request. `None` when this request cannot be
    /// looked up by its own orderId and txnTime (see [`StatusQueryParams::for_request`])
    /// or the schedule is used up (the reconciliation file decides).
    pub fn query_at_after_no_answer(&self, attempt: u32, now: Timestamp) -> Option<Timestamp> {
        let queried = StatusQueryParams::for_request(self, attempt).ok()?.queried;
        next_query_at(attempt, queried.cadence(), now)
    }
}

impl StatusQueryParams {
    /// The query for a request this client built, `attempt` being 1 for the first query.
    /// Only requests whose result comes later ([`Api::is_asynchronous`]) are looked up by
    /// their own orderId and txnTime; the queried API and amount are taken from the
    /// request's signed fields.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] for requests whose answer is final or that share
    /// their orderId and txnTime with another transaction (a reversal names the consume it
    /// reverses: query that consume instead), and for a front request without its
    /// payTimeout; [`ErrorCode::MissingField`] when the request has no signed txnAmt.
    pub fn for_request(request: &OutgoingRequest, attempt: u32) -> Result<Self> {
        if !request.api.is_asynchronous() {
            return Err(not_queryable(request.api));
        }
        let signed = |key: &str| {
            request.fields.get(key).map(str::to_owned).ok_or_else(|| {
                Error::new(
                    ErrorCode::MissingField,
                    format!(
                        "the {} request has no signed {key}: pass the request build() returned",
                        request.api.name()
                    ),
                )
            })
        };
        let txn_amt = request.signed_txn_amt().ok_or_else(|| {
            Error::new(
                ErrorCode::MissingField,
                format!("the {} request has no signed txnAmt", request.api.name()),
            )
        })?;
        let queried = if request.api.is_front() {
            let pay_timeout = Timestamp::parse_txn_time(&signed("payTimeout")?)?;
            QueriedTxn::front(request.api, txn_amt, pay_timeout)?
        } else {
            QueriedTxn::back(request.api, txn_amt)?
        };
        Ok(StatusQueryParams {
            orig_order_id: signed("orderId")?,
            orig_txn_time: signed("txnTime")?,
            queried,
            attempt,
        })
    }
}

impl StatusQueryParams {
    /// The next attempt of a status query this client built.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] when `query` is not a status query (or lost what it
    /// queried).
    pub fn next_after(query: &OutgoingRequest) -> Result<Self> {
        let not_a_query = || {
            Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "a {} request is not a status query built by this library",
                    query.api.name()
                ),
            )
        };
        if query.api != Api::StatusQuery {
            return Err(not_a_query());
        }
        let signed = |key: &str| {
            query
                .fields
                .get(key)
                .map(str::to_owned)
                .ok_or_else(not_a_query)
        };
        Ok(StatusQueryParams {
            orig_order_id: signed("orderId")?,
            orig_txn_time: signed("txnTime")?,
            queried: query.queried.clone().ok_or_else(not_a_query)?,
            attempt: query.attempt.saturating_add(1),
        })
    }
}

/// 95/00 encryption public key update query (certType 01). Run it daily or at startup;
/// read the answer with [`Client::handle_key_update`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyUpdateQueryParams {
    /// A new orderId.
    pub order_id: String,
}

/// 76/01 file transfer: the merchant reconciliation file (fileType 00) of one clearing day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileTransferParams {
    /// `settleDate`, the clearing date as `MMDD`.
    pub settle_date: String,
}

impl Client {
    /// Builds a status query 00/00 (sent without channelType, as the official Java demo
    /// does; spec §8.11 makes it optional).
    pub fn build_status_query(
        &self,
        p: &StatusQueryParams,
        _now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        if p.attempt == 0 {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "attempt counts queries from 1 (the first query of a transaction is attempt 1)",
            ));
        }
        p.queried.check()?;
        let biz = self.config().biz_types.query.clone();
        let mut d = self.orig_draft(Api::StatusQuery, &biz, &p.orig_order_id, &p.orig_txn_time)?;
        d.queried = Some(p.queried.clone());
        d.attempt = p.attempt;
        self.finish(d)
    }

    /// Builds an encryption key update query 95/00 (signMethod 01 only).
    pub fn build_key_update_query(
        &self,
        p: &KeyUpdateQueryParams,
        now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        if !matches!(self.config().credentials, Credentials::Rsa(_)) {
            return Err(Error::new(
                ErrorCode::UnsupportedSignMethod,
                "the key update query 95 must be signed with the merchant certificate (signMethod 01), not a secure key",
            ));
        }
        let biz = self.config().biz_types.generic.clone();
        let mut d = self.new_draft(Api::KeyUpdateQuery, &biz, &p.order_id, now)?;
        d.set("certType", "01");
        self.finish(d)
    }

    /// Builds a file transfer 76/01 (no orderId; posted to the file host root).
    pub fn build_file_transfer(
        &self,
        p: &FileTransferParams,
        now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        validate::settle_date(&p.settle_date, "settleDate")?;
        let biz = self.config().biz_types.generic.clone();
        let mut d = self.draft(Api::FileTransfer, &biz, None, now.to_txn_time());
        d.set("settleDate", p.settle_date.as_str());
        d.set("fileType", "00");
        self.finish(d)
    }
}
