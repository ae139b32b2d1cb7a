//! The request lifecycle: `acp_step`, what to do next with a request, as the core decides
//! it (`Client::next_step`). The host only POSTs, waits and stores.
//!
//! ```text
//!   POST acp_request_body ──► acp_client_next_step(client, req, status | -1, body, …)
//!        ▲                                  │
//!        │ acp_step_query                   ▼
//!   sleep until acp_step_at ◄── ACP_STEP_QUERY │ ACP_STEP_FINAL │ ACP_STEP_STOP
//! ```

use crate::acp_result;
use crate::client::acp_client;
use crate::convert::{at, bytes, c_string, out_ptr, static_str, Res};
use crate::error::{guard, guard_value};
use crate::handle::{self, view_of, Handle, Kind};
use crate::objects::{acp_notification, acp_outcome, acp_request};
use std::os::raw::c_char;
use unionpay_acp::client::{Exchange, NextStep};
use unionpay_acp::json::to_json;
use unionpay_acp::{Error, ErrorCode};

/// What the host does next (`acp_step_kind`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum acp_step_type {
    /// Not a step: the argument was NULL or not live (see the last error).
    ACP_STEP_INVALID = 0,
    /// The result is known (`acp_step_outcome`): success, failure (the money did not
    /// move) or no file.
    ACP_STEP_FINAL = 1,
    /// POST the status query `acp_step_query` at `acp_step_at`, then ask again with its
    /// answer.
    ACP_STEP_QUERY = 2,
    /// Nothing more to do by querying now (`acp_step_stop_reason` says why).
    ACP_STEP_STOP = 3,
}

/// The next step of a request: free it with `acp_step_free`.
pub struct acp_step {
    inner: NextStep,
    /// The status query of a query step (borrowed through `acp_step_query`).
    query: Option<Box<acp_request>>,
    /// The final outcome, or the last answer's (borrowed through `acp_step_outcome`).
    outcome: Option<Box<acp_outcome>>,
}

impl acp_step {
    fn new(inner: NextStep) -> Self {
        let query = match &inner {
            NextStep::Query { query, .. } => Some(Box::new(acp_request::new((**query).clone()))),
            _ => None,
        };
        let outcome = inner
            .outcome()
            .map(|o| Box::new(acp_outcome::new(o.clone())));
        acp_step {
            inner,
            query,
            outcome,
        }
    }
}

impl Handle for acp_step {
    const KIND: Kind = Kind::Step;
    fn views(&self) -> Vec<(usize, Kind)> {
        let mut out = Vec::new();
        if let Some(q) = &self.query {
            out.extend(view_of(&**q));
        }
        if let Some(o) = &self.outcome {
            out.extend(view_of(&**o));
        }
        out
    }
}

unsafe fn step_ref<'a>(s: *const acp_step) -> Res<&'a acp_step> {
    handle::borrow(s, "step")
}

/// The next step for `sent` (a request of this client, or a step's status query) after
/// the host sent it: `http_status` and `body` of the answer, or `http_status` -1 when
/// there was none (connection error, timeout; `body` is then ignored). A status other
/// than 200, no answer and an answer that does not verify all mean the same: for a
/// money-moving request the outcome is unknown and a status query finds it; another
/// request gets `ACP_STEP_STOP` (`no_answer`) or the error of its answer.
///
/// # Safety
/// `client` and `sent` must be pointers this library returned; `body` valid for `len`
/// bytes; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_next_step(
    client: *const acp_client,
    sent: *const acp_request,
    http_status: i32,
    body: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut acp_step,
) -> acp_result {
    guard("acp_client_next_step", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let sent = handle::borrow(sent, "sent")?;
        let exchange = match http_status {
            -1 => Exchange::NoAnswer,
            s => Exchange::Answered {
                status: u16::try_from(s).map_err(|_| {
                    Error::new(
                        ErrorCode::InvalidArgument,
                        format!("http_status is an HTTP status, or -1 for no answer; not {s}"),
                    )
                })?,
                body: bytes(body, len, "body")?,
            },
        };
        let step = client.inner.next_step(&sent.inner, exchange, at(now))?;
        *out = handle::into_raw(acp_step::new(step));
        Ok(())
    })
}

/// The next step for `sent` after an outcome the host already has for it
/// (`acp_client_handle_response`): final outcomes end it, accepted and pending ones are
/// looked up on the query schedule.
///
/// # Safety
/// `client`, `sent` and `outcome` must be pointers this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_next_step_after(
    client: *const acp_client,
    sent: *const acp_request,
    outcome: *const acp_outcome,
    now: i64,
    out: *mut *mut acp_step,
) -> acp_result {
    guard("acp_client_next_step_after", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let sent = handle::borrow(sent, "sent")?;
        let outcome = handle::borrow(outcome, "outcome")?.inner.clone();
        let step = client
            .inner
            .next_step_after(&sent.inner, outcome, at(now))?;
        *out = handle::into_raw(acp_step::new(step));
        Ok(())
    })
}

/// The next step for `request` after a verified back notification about it: a
/// money-moving request is confirmed by a status query at once, any other is final.
/// `ACP_RESULT_RESPONSE_MISMATCH` when the notification is not about `request`.
///
/// # Safety
/// `client`, `request` and `notification` must be pointers this library returned; `out`
/// valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_next_step_after_notification(
    client: *const acp_client,
    request: *const acp_request,
    notification: *const acp_notification,
    now: i64,
    out: *mut *mut acp_step,
) -> acp_result {
    guard("acp_client_next_step_after_notification", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let request = handle::borrow(request, "request")?;
        let notification = handle::borrow(notification, "notification")?;
        let step = client.inner.next_step_after_notification(
            &request.inner,
            &notification.inner,
            at(now),
        )?;
        *out = handle::into_raw(acp_step::new(step));
        Ok(())
    })
}

/// Receives a back notification (the raw body UnionPay POSTed to `backUrl`):
/// `*reply_status` is the HTTP status to answer the POST with, written whatever the
/// result (200 once it verified: answer it only after storing the notification; 400 when
/// it did not). On success `*out` is the verified notification; on failure the result is
/// the verification error and `*out` is untouched.
///
/// # Safety
/// `client` must be a pointer this library returned; `body` valid for `len` bytes;
/// `reply_status` and `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_receive_notification(
    client: *const acp_client,
    body: *const u8,
    len: usize,
    now: i64,
    reply_status: *mut u16,
    out: *mut *mut acp_notification,
) -> acp_result {
    guard("acp_client_receive_notification", || {
        let reply_status = out_ptr(reply_status, "reply_status")?;
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let body = bytes(body, len, "body")?;
        let (reply, result) = client.inner.receive_notification(body, at(now));
        *reply_status = reply.status;
        *out = handle::into_raw(acp_notification::new(result?));
        Ok(())
    })
}

/// The HTTP status to answer a verified notification with when storing it failed, so
/// that UnionPay sends it again (the core's retry-later reply: 503).
#[no_mangle]
pub extern "C" fn acp_notification_retry_later_status() -> u16 {
    unionpay_acp::client::NotificationReply::retry_later().status
}

/// What the step is; `ACP_STEP_INVALID` for NULL or a handle that is not live.
///
/// # Safety
/// `step` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_step_kind(step: *const acp_step) -> acp_step_type {
    guard_value("acp_step_kind", acp_step_type::ACP_STEP_INVALID, || {
        Ok(match step_ref(step)?.inner {
            NextStep::Final(_) => acp_step_type::ACP_STEP_FINAL,
            NextStep::Query { .. } => acp_step_type::ACP_STEP_QUERY,
            NextStep::Stop { .. } => acp_step_type::ACP_STEP_STOP,
        })
    })
}

/// A query step's time to send the query: writes Unix seconds to `*at` and returns true;
/// returns false (and leaves `*at`) for other steps.
///
/// # Safety
/// `step` must be NULL or a pointer this library returned; `at` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn acp_step_at(step: *const acp_step, at: *mut i64) -> bool {
    guard_value("acp_step_at", false, || {
        let at = out_ptr(at, "at")?;
        Ok(match step_ref(step)?.inner {
            NextStep::Query { at: t, .. } => {
                *at = t.unix_seconds();
                true
            }
            _ => false,
        })
    })
}

/// A query step's status query, borrowed from `step` (never freed on its own): POST it
/// at `acp_step_at`, then pass it with its answer to `acp_client_next_step`. NULL for
/// other steps.
///
/// # Safety
/// `step` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_step_query(step: *const acp_step) -> *const acp_request {
    guard_value("acp_step_query", std::ptr::null(), || {
        Ok(step_ref(step)?
            .query
            .as_deref()
            .map_or(std::ptr::null(), |q| q as *const acp_request))
    })
}

/// The step's outcome, borrowed from `step`: the final one, or the last answer's for a
/// query or stop step; NULL when no answer came.
///
/// # Safety
/// `step` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_step_outcome(step: *const acp_step) -> *const acp_outcome {
    guard_value("acp_step_outcome", std::ptr::null(), || {
        Ok(step_ref(step)?
            .outcome
            .as_deref()
            .map_or(std::ptr::null(), |o| o as *const acp_outcome))
    })
}

/// Why a stop step stops (`"schedule_used_up"`: the reconciliation file decides;
/// `"not_queryable"`; `"no_answer"`: send again with a new orderId if still wanted); NULL
/// for other steps. The string is static.
///
/// # Safety
/// `step` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_step_stop_reason(step: *const acp_step) -> *const c_char {
    guard_value("acp_step_stop_reason", std::ptr::null(), || {
        Ok(match step_ref(step)?.inner {
            NextStep::Stop { reason, .. } => static_str(reason.name()),
            _ => std::ptr::null(),
        })
    })
}

/// The step as the core's JSON: `{"step": "final"|"query"|"stop", "outcome", "at",
/// "query", "reason"}` (free with `acp_string_free`).
///
/// # Safety
/// `step` must be a pointer this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_step_json(step: *const acp_step, out: *mut *mut c_char) -> acp_result {
    guard("acp_step_json", || {
        let out = out_ptr(out, "out")?;
        *out = c_string(to_json(&step_ref(step)?.inner));
        Ok(())
    })
}

/// Frees a step (and the query and outcome borrowed from it). NULL is a no-op.
///
/// # Safety
/// `step` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_step_free(step: *mut acp_step) {
    guard("acp_step_free", || handle::free(step, "step"));
}
