//! Reading a verified answer (spec §7): success, accepted, pending (query later), failed.

use super::api::Api;
use super::request::OutgoingRequest;
use super::response::Response;
use super::schedule::{next_query_at, QueryCadence};
use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;

/// What a status-queried transaction was; decides how "not found" (34) and non-final
/// answers read (spec §7.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueriedTxn {
    /// A server-to-server transaction (consume, undo, refund, the pre-auth family): "not
    /// found" means unknown, never failed; the reconciliation file has the last word.
    Back,
    /// A browser transaction (open-and-pay): until `pay_timeout` the cardholder may still
    /// be paying, so failures and "not found" are not final before it.
    Front {
        /// The `payTimeout` the request carried.
        pay_timeout: Timestamp,
    },
}

/// Why an answer is not final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PendingReason {
    /// 03/04/05 (timeout, unknown, accepted), 42/70/74/75, or a code this library does
    /// not know on a money-moving request: the result is unknown; query.
    Unknown,
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
            PendingReason::NotFound => "not_found",
            PendingReason::AwaitingCardholder => "awaiting_cardholder",
            PendingReason::TooFrequent => "too_frequent",
            PendingReason::QueryRejected => "query_rejected",
        }
    }
}

/// The verified, classified answer to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// UnionPay refused: money did not move. For a status query, the code is the queried
    /// transaction's (`origRespCode`, or `34` for a front transaction never submitted).
    /// `12` (duplicate orderId) refuses only this request: an earlier one with the same
    /// orderId may exist, so query it before assuming nothing happened.
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
    matches!(code, "03" | "04" | "05" | "42" | "70" | "74" | "75")
}

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
        if money {
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
    } else if is_listed_failure(&code) || !money {
        failed(response, false)
    } else {
        // A code this library does not know on a money request: unknown is the safe reading.
        pending(response, PendingReason::Unknown)
    })
}

fn classify_query(
    request: &OutgoingRequest,
    response: Response,
    now: Timestamp,
) -> Result<Outcome> {
    let queried = request.queried.clone().unwrap_or(QueriedTxn::Back);
    let cadence = match queried {
        QueriedTxn::Back => QueryCadence::Back,
        QueriedTxn::Front { .. } => QueryCadence::Front,
    };
    let before_timeout = match queried {
        QueriedTxn::Front { pay_timeout } => Some(pay_timeout).filter(|t| now < *t),
        QueriedTxn::Back => None,
    };
    let scheduled = next_query_at(request.attempt.saturating_add(1), cadence, now);
    // Before payTimeout, one query just after it gives the final answer (spec §7.4).
    let query_at = match before_timeout {
        Some(timeout) => {
            let after = timeout.plus_seconds(60);
            Some(scheduled.map_or(after, |s| s.min(after)))
        }
        None => scheduled,
    };
    let pending = |response, reason| Outcome::Pending {
        response,
        reason,
        query_at,
    };
    let code = response.resp_code().to_owned();
    Ok(if is_success_code(&code) {
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
        } else if is_unknown_code(&orig) {
            pending(response, PendingReason::Unknown)
        } else if before_timeout.is_some() {
            pending(response, PendingReason::AwaitingCardholder)
        } else {
            failed(response, true)
        }
    } else if code == "34" {
        match (&queried, before_timeout) {
            (QueriedTxn::Back, _) => pending(response, PendingReason::NotFound),
            (QueriedTxn::Front { .. }, Some(_)) => {
                pending(response, PendingReason::AwaitingCardholder)
            }
            (QueriedTxn::Front { .. }, None) => failed(response, false),
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
