//! Reading a verified answer (spec §7): success, accepted, pending (query later), failed.

use super::api::Api;
use super::request::OutgoingRequest;
use super::response::Response;
use super::schedule::{next_query_at, QueryCadence};
use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;

/// How long after a browser transaction's `payTimeout` a status query is read as final.
/// UnionPay's clock decides when payTimeout passes; the host's may be minutes off, so a
/// failure or "not found" is believed only this long after payTimeout by the host's clock.
pub const FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS: i64 = 600;

/// What a status query asks about (spec §7.4): the queried transaction's API and amount
/// and, for a browser transaction, its `payTimeout`. A found answer counts only when its
/// txnType/txnSubType and txnAmt are this transaction's; an answer about another
/// transaction with the same orderId and txnTime (the SMS of a consume shares both) is a
/// mismatch, never a result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QueriedTxn {
    /// The queried transaction's API: one with an asynchronous result
    /// ([`Api::is_asynchronous`]).
    pub api: Api,
    /// Its amount in fen.
    pub txn_amt: u64,
    /// Its `payTimeout`: required for a browser transaction (open-and-pay), absent for a
    /// server-to-server one.
    pub pay_timeout: Option<Timestamp>,
}

impl QueriedTxn {
    /// A server-to-server transaction (consume, pre-auth, undo, refund, completion):
    /// "not found" means unknown, never failed; the reconciliation file has the last word.
    ///
    /// # Errors
    /// As [`QueriedTxn::check`].
    pub fn back(api: Api, txn_amt: u64) -> Result<Self> {
        let q = QueriedTxn {
            api,
            txn_amt,
            pay_timeout: None,
        };
        q.check()?;
        Ok(q)
    }

    /// A browser transaction (open-and-pay): until `pay_timeout` (plus
    /// [`FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS`]) the cardholder may still be paying, so
    /// failures and "not found" are not final before it.
    ///
    /// # Errors
    /// As [`QueriedTxn::check`].
    pub fn front(api: Api, txn_amt: u64, pay_timeout: Timestamp) -> Result<Self> {
        let q = QueriedTxn {
            api,
            txn_amt,
            pay_timeout: Some(pay_timeout),
        };
        q.check()?;
        Ok(q)
    }

    /// Checks that the API is one the status query finds by its own orderId and txnTime,
    /// that a browser transaction has its payTimeout (and only one does), and the amount.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] for an API whose answer is final (or that is queried
    /// through another transaction, like the reversal), a missing or needless payTimeout;
    /// [`ErrorCode::InvalidAmount`] for an amount of 0 or more than 12 digits.
    pub fn check(&self) -> Result<()> {
        if !self.api.is_asynchronous() {
            return Err(not_queryable(self.api));
        }
        match (self.api.is_front(), self.pay_timeout) {
            (true, None) => Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "a {} is a browser transaction: give the payTimeout its page carried",
                    self.api.name()
                ),
            )),
            (false, Some(_)) => Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "a {} is a server-to-server transaction and has no payTimeout",
                    self.api.name()
                ),
            )),
            _ => super::validate::amount(self.txn_amt, "the queried transaction's txnAmt"),
        }
    }

    /// The query cadence of the transaction.
    pub fn cadence(&self) -> QueryCadence {
        if self.api.is_front() {
            QueryCadence::Front
        } else {
            QueryCadence::Back
        }
    }

    /// From when a failure or "not found" is final: payTimeout plus
    /// [`FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS`] for a browser transaction; `None` for a
    /// server-to-server one (its failures are final at once, "not found" never).
    pub fn final_from(&self) -> Option<Timestamp> {
        self.pay_timeout
            .map(|t| t.plus_seconds(FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS))
    }

    /// Whether a found answer is about this transaction: its txnType/txnSubType and
    /// txnAmt (which must be there) are this transaction's.
    fn is_answered_by(&self, response: &Response) -> Result<bool> {
        let codes = (response.txn_type(), response.txn_sub_type());
        if codes != (Some(self.api.txn_type()), Some(self.api.txn_sub_type())) {
            return Ok(false);
        }
        Ok(response.txn_amt()? == Some(self.txn_amt))
    }
}

/// The error for a request the status query cannot look up by its own orderId/txnTime.
pub(crate) fn not_queryable(api: Api) -> Error {
    let why = match api {
        Api::Reversal => "a reversal shares the orderId and txnTime of the consume it reverses, so a status query would report that consume: query the consume (queried = consume) and read the answer as the consume's status (a reversed consume reads as failed)".to_owned(),
        Api::StatusQuery | Api::FileTransfer => format!("a {} cannot be looked up with the status query", api.name()),
        Api::FrontOpen => "a front open is looked up with the open query (78/02) by its orderId and txnTime".to_owned(),
        other => format!(
            "the answer to a {} is final; the status query would report another transaction with the same orderId and txnTime",
            other.name()
        ),
    };
    Error::new(ErrorCode::InvalidArgument, why)
}

/// Why an answer is not final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PendingReason {
    /// 03/04/05/83 (timeout, unknown, accepted, issuer processing), 42/70/74/75, or a code
    /// this library does not know on a money-moving request (or as the queried
    /// transaction's origRespCode): the result is unknown; query.
    Unknown,
    /// 12 on a money-moving request: the orderId was used before, so an earlier attempt
    /// (e.g. the one that timed out) may have moved the money. Query that transaction.
    Duplicate,
    /// A verified answer that is about another transaction (its txnType, amount, order or
    /// time differ from the request's): it says nothing about this one; query again.
    Mismatch,
    /// The status query found no such transaction (34) for a back transaction: query
    /// again; the reconciliation file decides.
    NotFound,
    /// The queried front transaction has not finished and its payTimeout has not passed.
    AwaitingCardholder,
    /// 37: too many queries; slow down.
    TooFrequent,
    /// The status query itself was refused (e.g. 10, 11, 13): the transaction's state is
    /// still unknown; fix the cause and query again.
    QueryRejected,
}

impl PendingReason {
    /// A stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            PendingReason::Unknown => "unknown",
            PendingReason::Duplicate => "duplicate",
            PendingReason::Mismatch => "mismatch",
            PendingReason::NotFound => "not_found",
            PendingReason::AwaitingCardholder => "awaiting_cardholder",
            PendingReason::TooFrequent => "too_frequent",
            PendingReason::QueryRejected => "query_rejected",
        }
    }
}

/// The verified, classified answer to a request (spec §7).
///
/// [`Outcome::Failed`] means the money did not move, so it is given only where UnionPay
/// said so. What each answer reads as, and what the merchant does:
///
/// | answer | money-moving request | other request |
/// |---|---|---|
/// | `00`, `A6` | `Accepted` (wait for the notification or query); a reversal: `Success` | `Success` |
/// | `03` `04` `05` `83` `42` `70` `74` `75` | `Pending(Unknown)`: query | `Pending(Unknown)`: retry |
/// | `12` duplicate | `Pending(Duplicate)`: query the earlier attempt | `Failed` |
/// | `37` | `Pending(TooFrequent)` | `Pending(TooFrequent)` |
/// | a failure listed in spec §7.2 | `Failed` | `Failed` |
/// | a code no table lists | `Pending(Unknown)`: query | `Failed` |
/// | about another order/time/type/amount | `Pending(Mismatch)`: query | `Err(ResponseMismatch)` |
///
/// A status query's found answer (`respCode` 00) reads by `origRespCode` the same way, once
/// its txnType/txnSubType and txnAmt are the queried transaction's (else
/// `Pending(Mismatch)`); `34` is `Pending(NotFound)` for a back transaction; a browser
/// transaction's failures and `34` are final only [`FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS`]
/// after its payTimeout. No answer at all is an error of the host's HTTP, not an outcome:
/// see [`OutgoingRequest::outcome_unknown_without_answer`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Outcome {
    /// Done: a non-money request succeeded, or a status query found the transaction
    /// succeeded (`origRespCode` 00/A6).
    Success(Response),
    /// A back money-moving request was accepted (`00`): this is not payment. Wait for the
    /// back notification or query at `query_at` (spec §7.3).
    Accepted {
        /// The answer.
        response: Response,
        /// When to send the first status query.
        query_at: Timestamp,
    },
    /// The result is not known yet.
    Pending {
        /// The answer.
        response: Response,
        /// Why.
        reason: PendingReason,
        /// When to query (or, for requests without a status query, retry); `None` when the
        /// query schedule is used up and the reconciliation file decides.
        query_at: Option<Timestamp>,
    },
    /// UnionPay said no: money did not move. For a status query, the code is the queried
    /// transaction's (`origRespCode`, or `34` for a front transaction never submitted
    /// before its payTimeout). Only a code UnionPay lists as a failure gets here; on a
    /// money-moving request an unknown code, a duplicate (12) or a missing answer never
    /// does.
    Failed {
        /// The answer.
        response: Response,
        /// `respCode` (or `origRespCode`).
        resp_code: String,
        /// `respMsg` (or `origRespMsg`); log it, it carries the 7-digit detail code.
        resp_msg: String,
    },
    /// File transfer only: `98`, no file for that date (not generated yet, or nothing to
    /// reconcile). Ask again later.
    NoFile {
        /// The answer.
        response: Response,
    },
}

impl Outcome {
    /// The verified answer behind every outcome.
    pub fn response(&self) -> &Response {
        match self {
            Outcome::Success(r) => r,
            Outcome::Accepted { response, .. }
            | Outcome::Pending { response, .. }
            | Outcome::Failed { response, .. }
            | Outcome::NoFile { response } => response,
        }
    }

    /// A stable snake_case name: `success`, `accepted`, `pending`, `failed`, `no_file`.
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Success(_) => "success",
            Outcome::Accepted { .. } => "accepted",
            Outcome::Pending { .. } => "pending",
            Outcome::Failed { .. } => "failed",
            Outcome::NoFile { .. } => "no_file",
        }
    }

    /// Whether this is [`Outcome::Success`].
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Success(_))
    }

    /// When to send the next status query (accepted and pending outcomes).
    pub fn query_at(&self) -> Option<Timestamp> {
        match self {
            Outcome::Accepted { query_at, .. } => Some(*query_at),
            Outcome::Pending { query_at, .. } => *query_at,
            _ => None,
        }
    }

    /// Why the result is not final (pending outcomes).
    pub fn pending_reason(&self) -> Option<PendingReason> {
        match self {
            Outcome::Pending { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// The respMsg that goes with [`Outcome::decisive_code`]; log it, it carries the
    /// 7-digit detail code.
    pub fn decisive_msg(&self) -> &str {
        match self {
            Outcome::Failed { resp_msg, .. } => resp_msg,
            other => {
                let r = other.response();
                match r.orig_resp_code() {
                    Some(_) => r.orig_resp_msg().unwrap_or_default(),
                    None => r.resp_msg(),
                }
            }
        }
    }

    /// The respCode that decided the outcome (`origRespCode` for a found status query).
    pub fn decisive_code(&self) -> &str {
        match self {
            Outcome::Failed { resp_code, .. } => resp_code,
            other => {
                let r = other.response();
                r.orig_resp_code().unwrap_or(r.resp_code())
            }
        }
    }
}

/// Codes that mean success (spec §7.2; A6 = success with defects).
pub(crate) fn is_success_code(code: &str) -> bool {
    matches!(code, "00" | "A6")
}

/// Codes whose result is unknown (spec §7.2).
fn is_unknown_code(code: &str) -> bool {
    matches!(code, "03" | "04" | "05" | "42" | "70" | "74" | "75" | "83")
}

/// 12, duplicate: on a money-moving request the earlier transaction with that orderId may
/// have moved the money (spec §7.2).
const DUPLICATE: &str = "12";

/// Codes spec §7.2 lists as failures.
fn is_listed_failure(code: &str) -> bool {
    matches!(
        code,
        "01" | "02"
            | "10"
            | "11"
            | "12"
            | "13"
            | "14"
            | "30"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "38"
            | "39"
            | "40"
            | "41"
            | "45"
            | "60"
            | "61"
            | "62"
            | "63"
            | "64"
            | "65"
            | "66"
            | "67"
            | "68"
            | "69"
            | "71"
            | "72"
            | "73"
            | "76"
            | "77"
            | "78"
            | "79"
            | "80"
            | "98"
            | "99"
    )
}

/// Classifies a verified answer to `request`.
pub(crate) fn classify(
    request: &OutgoingRequest,
    response: Response,
    now: Timestamp,
) -> Result<Outcome> {
    if request.api == Api::StatusQuery {
        return classify_query(request, response, now);
    }
    let code = response.resp_code().to_owned();
    let money = request.api.is_money_moving();
    let first_query = next_query_at(1, QueryCadence::Back, now);
    let pending = |response, reason| Outcome::Pending {
        response,
        reason,
        query_at: first_query,
    };
    Ok(if request.api == Api::FileTransfer && code == "98" {
        Outcome::NoFile { response }
    } else if is_success_code(&code) {
        if request.api.is_asynchronous() {
            Outcome::Accepted {
                response,
                query_at: first_query.unwrap_or(now),
            }
        } else {
            Outcome::Success(response)
        }
    } else if is_unknown_code(&code) {
        pending(response, PendingReason::Unknown)
    } else if code == "37" {
        pending(response, PendingReason::TooFrequent)
    } else if money && code == DUPLICATE {
        pending(response, PendingReason::Duplicate)
    } else if is_listed_failure(&code) || !money {
        failed(response, false)
    } else {
        // A code this library does not know on a money request: unknown is the safe reading.
        pending(response, PendingReason::Unknown)
    })
}

/// The outcome of a money-moving request whose verified answer is about another
/// transaction: unknown, queried on the request's schedule.
pub(crate) fn mismatched(request: &OutgoingRequest, response: Response, now: Timestamp) -> Outcome {
    let query_at = match &request.queried {
        Some(q) => next_query_at(request.attempt.saturating_add(1), q.cadence(), now),
        None => next_query_at(1, QueryCadence::Back, now),
    };
    Outcome::Pending {
        response,
        reason: PendingReason::Mismatch,
        query_at,
    }
}

fn classify_query(
    request: &OutgoingRequest,
    response: Response,
    now: Timestamp,
) -> Result<Outcome> {
    let queried = request.queried.as_ref().ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidArgument,
            "the status query request does not say what it queried: send the query a next step carries, or build it from the earlier request (build_query_for)",
        )
    })?;
    let not_final_until = queried.final_from().filter(|t| now < *t);
    let scheduled = next_query_at(request.attempt.saturating_add(1), queried.cadence(), now);
    // Before payTimeout, one query just after it gives the final answer (spec §7.4).
    let query_at = match not_final_until {
        Some(at) => Some(scheduled.map_or(at, |s| s.min(at))),
        None => scheduled,
    };
    let pending = |response, reason| Outcome::Pending {
        response,
        reason,
        query_at,
    };
    let code = response.resp_code().to_owned();
    Ok(if is_success_code(&code) {
        if !queried.is_answered_by(&response)? {
            return Ok(pending(response, PendingReason::Mismatch));
        }
        let orig = response
            .orig_resp_code()
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::ReceivedFieldInvalid,
                    "the status query answer has respCode 00 but no origRespCode",
                )
            })?;
        if is_success_code(&orig) {
            Outcome::Success(response)
        } else if is_unknown_code(&orig) || orig == DUPLICATE {
            pending(response, PendingReason::Unknown)
        } else if not_final_until.is_some() {
            pending(response, PendingReason::AwaitingCardholder)
        } else if is_listed_failure(&orig) {
            failed(response, true)
        } else {
            // A code this library does not know: unknown, never failed (spec §7.4).
            pending(response, PendingReason::Unknown)
        }
    } else if code == "34" {
        match (queried.pay_timeout, not_final_until) {
            (None, _) => pending(response, PendingReason::NotFound),
            (Some(_), Some(_)) => pending(response, PendingReason::AwaitingCardholder),
            (Some(_), None) => failed(response, false),
        }
    } else if is_unknown_code(&code) {
        pending(response, PendingReason::Unknown)
    } else if code == "37" {
        pending(response, PendingReason::TooFrequent)
    } else {
        pending(response, PendingReason::QueryRejected)
    })
}

fn failed(response: Response, from_orig: bool) -> Outcome {
    let (code, msg) = if from_orig {
        (
            response.orig_resp_code().unwrap_or_default().to_owned(),
            response.orig_resp_msg().unwrap_or_default().to_owned(),
        )
    } else {
        (
            response.resp_code().to_owned(),
            response.resp_msg().to_owned(),
        )
    };
    Outcome::Failed {
        response,
        resp_code: code,
        resp_msg: msg,
    }
}
