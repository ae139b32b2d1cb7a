//! The request lifecycle, decided once (spec §1.3, §7): from a request and what happened to
//! it, the next step: the result, a status query at a time, or stop. Every binding's
//! `query_until_final` is a sleep-and-POST loop over [`Client::next_step`]; the host only
//! does the HTTP and the waiting.
//!
//! ```text
//!   send request ──► Exchange (HTTP status + body, or no answer)
//!        ▲                 │ next_step
//!        │                 ▼
//!   sleep until at ◄── Query { at, query } │ Final(outcome) │ Stop { reason }
//! ```

use super::admin::StatusQueryParams;
use super::api::Api;
use super::notification::Notification;
use super::outcome::Outcome;
use super::request::OutgoingRequest;
use super::schedule::next_query_at;
use super::Client;
use crate::crypto::FixedRandom;
use crate::error::{Error, ErrorCode, ErrorKind, Result};
use crate::time::Timestamp;

/// The only HTTP status that carries an answer (spec §1.3): anything else is no answer.
pub const ANSWER_STATUS: u16 = 200;

/// What happened to a request the host sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exchange<'a> {
    /// An HTTP answer with its status and body.
    Answered {
        /// The HTTP status.
        status: u16,
        /// The raw body.
        body: &'a [u8],
    },
    /// No answer: the connection failed or was reset, or the host's timeout passed.
    NoAnswer,
}

/// Why the lifecycle stops without a final result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum StopReason {
    /// The query schedule is used up: the reconciliation file of the clearing day has the
    /// last word (download it with the file transfer and compare).
    ScheduleUsedUp,
    /// The outcome is unknown, and the request cannot be looked up by its own orderId and
    /// txnTime: a reversal (query the consume it reverses), or a request whose answer is
    /// final (send it again with a new orderId if it is still wanted).
    NotQueryable,
    /// A request that moves no money got no usable answer: nothing needs looking up; send
    /// it again (with a new orderId) if it is still wanted.
    NoAnswer,
}

impl StopReason {
    /// A stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::ScheduleUsedUp => "schedule_used_up",
            StopReason::NotQueryable => "not_queryable",
            StopReason::NoAnswer => "no_answer",
        }
    }
}

/// What the host does next.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NextStep {
    /// The result is known: success, failure (the money did not move) or no file.
    Final(Outcome),
    /// Send `query` (the status query) at `at`.
    Query {
        /// When.
        at: Timestamp,
        /// The status query to POST.
        query: Box<OutgoingRequest>,
        /// The last outcome (accepted or pending), when an answer came.
        last: Option<Outcome>,
    },
    /// Nothing more to do by querying now.
    Stop {
        /// Why.
        reason: StopReason,
        /// The last outcome, when an answer came.
        last: Option<Outcome>,
    },
}

impl NextStep {
    /// A stable snake_case name: `final`, `query`, `stop`.
    pub fn name(&self) -> &'static str {
        match self {
            NextStep::Final(_) => "final",
            NextStep::Query { .. } => "query",
            NextStep::Stop { .. } => "stop",
        }
    }

    /// The outcome this step carries: the final one, or the last answer's.
    pub fn outcome(&self) -> Option<&Outcome> {
        match self {
            NextStep::Final(o) => Some(o),
            NextStep::Query { last, .. } | NextStep::Stop { last, .. } => last.as_ref(),
        }
    }
}

/// What to answer UnionPay's notification POST.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NotificationReply {
    /// The HTTP status: 200 once the notification verified (UnionPay stops resending it),
    /// 400 when it did not (it is not UnionPay's, or it was altered).
    pub status: u16,
    /// The body to send (UnionPay ignores it).
    pub body: String,
}

impl NotificationReply {
    /// 200 `ok`: the notification verified. Answer it only once the notification is stored
    /// durably: UnionPay does not send it again.
    pub fn accepted() -> Self {
        NotificationReply {
            status: 200,
            body: "ok".to_owned(),
        }
    }

    /// 400: the body did not verify; nothing was learned from it.
    pub fn refused() -> Self {
        NotificationReply {
            status: 400,
            body: "invalid".to_owned(),
        }
    }

    /// 503: the merchant could not store it; UnionPay sends it again later (spec §2.3).
    pub fn retry_later() -> Self {
        NotificationReply {
            status: 503,
            body: "retry later".to_owned(),
        }
    }
}

impl Client {
    /// The next step for `sent` (a request this client built, or one of its status
    /// queries) after `exchange`. A status other than 200, no answer and an answer that
    /// does not verify are the same thing: for a money-moving request the outcome is
    /// unknown and the status query finds it; for any other request nothing needs looking
    /// up. A verified answer is classified as by [`Client::handle_response`].
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] for a front request (the browser posts it); errors of
    /// a request that moves no money whose answer does not verify; errors that are not about
    /// the answer (a key update whose certificate does not chain).
    pub fn next_step(
        &self,
        sent: &OutgoingRequest,
        exchange: Exchange<'_>,
        now: Timestamp,
    ) -> Result<NextStep> {
        if sent.api.is_front() {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "a {} request is posted by the browser: wait for its notification, or plan from its status query",
                    sent.api.name()
                ),
            ));
        }
        let body = match exchange {
            Exchange::Answered { status, body } if status == ANSWER_STATUS => body,
            _ => return self.after_no_answer(sent, now),
        };
        match self.handle_response(sent, body, now) {
            Ok(outcome) => self.next_step_after(sent, outcome, now),
            Err(e) if unverified(&e) && tracks_outcome(sent) => self.after_no_answer(sent, now),
            Err(e) => Err(e),
        }
    }

    /// The next step after an outcome the host already has for `sent` (what the typed
    /// `send`/`call` returned): final outcomes end it, accepted and pending ones are
    /// looked up on the schedule.
    ///
    /// # Errors
    /// As [`Client::next_step`].
    pub fn next_step_after(
        &self,
        sent: &OutgoingRequest,
        outcome: Outcome,
        now: Timestamp,
    ) -> Result<NextStep> {
        if !matches!(outcome, Outcome::Accepted { .. } | Outcome::Pending { .. }) {
            return Ok(NextStep::Final(outcome));
        }
        let Some(at) = outcome.query_at() else {
            return Ok(NextStep::Stop {
                reason: StopReason::ScheduleUsedUp,
                last: Some(outcome),
            });
        };
        match self.next_query(sent) {
            Some(query) => Ok(NextStep::Query {
                at: at.max(now),
                query: Box::new(query?),
                last: Some(outcome),
            }),
            None => Ok(NextStep::Stop {
                reason: StopReason::NotQueryable,
                last: Some(outcome),
            }),
        }
    }

    /// The next step for `request` after a verified back notification about it: a
    /// money-moving request is confirmed by a status query at once (the official handlers
    /// do; a notification is not booked on its own), any other is final.
    ///
    /// # Errors
    /// [`ErrorCode::ResponseMismatch`] when the notification is not about `request`.
    pub fn next_step_after_notification(
        &self,
        request: &OutgoingRequest,
        notification: &Notification,
        now: Timestamp,
    ) -> Result<NextStep> {
        if !notification.matches(request) {
            return Err(Error::new(
                ErrorCode::ResponseMismatch,
                format!(
                    "the notification (orderId '{}') is not about this {} request",
                    notification.order_id.as_deref().unwrap_or_default(),
                    request.api.name()
                ),
            ));
        }
        if let Some(query) = self.next_query(request) {
            return Ok(NextStep::Query {
                at: now,
                query: Box::new(query?),
                last: None,
            });
        }
        let response = notification.response.clone();
        Ok(NextStep::Final(if notification.success {
            Outcome::Success(response)
        } else {
            Outcome::Failed {
                resp_code: notification.resp_code.clone(),
                resp_msg: notification.resp_msg.clone(),
                response,
            }
        }))
    }

    /// Verifies a notification UnionPay POSTed and says what to answer: the verified
    /// notification and 200 `ok` (answer it once the notification is stored; answer
    /// [`NotificationReply::retry_later`] if storing fails), or the error and 400.
    pub fn receive_notification(
        &self,
        body: &[u8],
        now: Timestamp,
    ) -> (NotificationReply, Result<Notification>) {
        match self.verify_notification(body, now) {
            Ok(n) => (NotificationReply::accepted(), Ok(n)),
            Err(e) => (NotificationReply::refused(), Err(e)),
        }
    }

    fn after_no_answer(&self, sent: &OutgoingRequest, now: Timestamp) -> Result<NextStep> {
        if !tracks_outcome(sent) {
            return Ok(NextStep::Stop {
                reason: StopReason::NoAnswer,
                last: None,
            });
        }
        let Some(query) = self.next_query(sent) else {
            return Ok(NextStep::Stop {
                reason: StopReason::NotQueryable,
                last: None,
            });
        };
        let query = query?;
        let cadence = match &query.queried {
            Some(q) => q.cadence(),
            None => return Err(Error::new(ErrorCode::Bug, "a status query without queried")),
        };
        Ok(match next_query_at(query.attempt, cadence, now) {
            Some(at) => NextStep::Query {
                at,
                query: Box::new(query),
                last: None,
            },
            None => NextStep::Stop {
                reason: StopReason::ScheduleUsedUp,
                last: None,
            },
        })
    }

    /// The status query that follows `sent`: the next attempt of a status query, or the
    /// first query of a request looked up by its own key; `None` when it has none.
    fn next_query(&self, sent: &OutgoingRequest) -> Option<Result<OutgoingRequest>> {
        let params = if sent.api == Api::StatusQuery {
            StatusQueryParams::next_after(sent)
        } else if sent.api.is_asynchronous() {
            StatusQueryParams::for_request(sent, 1)
        } else {
            return None;
        };
        // Status queries encrypt nothing: no randomness is drawn.
        let mut no_randomness = FixedRandom::new(Vec::new());
        Some(params.and_then(|p| {
            self.build_status_query(&p, Timestamp::from_unix_seconds(0), &mut no_randomness)
        }))
    }
}

/// Whether an unanswered `sent` leaves something unknown: money-moving requests and
/// status queries (whose transaction's state is still unknown).
fn tracks_outcome(sent: &OutgoingRequest) -> bool {
    sent.outcome_unknown_without_answer() || sent.api == Api::StatusQuery
}

/// Errors that mean "what came back is not a usable answer".
fn unverified(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::Signature | ErrorKind::Format)
}
