//! The handles a client returns: `acp_request`, `acp_outcome`, `acp_notification`,
//! `acp_key_update`; each also as the core's one JSON shape (`acp_*_json`).

use crate::acp_result;
use crate::convert::{c_string, nul_terminated, out_ptr, static_str, text, Res};
use crate::error::{guard, guard_value};
use crate::fields::acp_fields;
use crate::handle::{self, Handle, Kind};
use std::ffi::CString;
use std::os::raw::c_char;
use unionpay_acp::client::{KeyUpdate, Notification};
use unionpay_acp::file::reconcile;
use unionpay_acp::json::{books_from_json, request_from_json, to_json};
use unionpay_acp::{Outcome, OutgoingRequest};

/// A signed request, ready to send: POST `acp_request_body` to `acp_request_url` with
/// `Content-Type: application/x-www-form-urlencoded;charset=UTF-8`, or for front
/// transactions serve `acp_request_html` to the browser. Keep it until the answer is
/// handled: `acp_client_handle_response` checks the answer against it.
pub struct acp_request {
    pub(crate) inner: OutgoingRequest,
    url: CString,
    body: CString,
    html: Option<CString>,
    /// Boxed: a view needs an address of its own (at offset 0 it would alias its owner).
    fields: Box<acp_fields>,
}

impl acp_request {
    pub(crate) fn new(inner: OutgoingRequest) -> Self {
        acp_request {
            url: nul_terminated(inner.url.as_str()),
            body: nul_terminated(inner.body.as_str()),
            html: inner.html.as_deref().map(nul_terminated),
            fields: Box::new(acp_fields::new(&inner.fields)),
            inner,
        }
    }
}

impl Handle for acp_request {
    const KIND: Kind = Kind::Request;
    fn views(&self) -> Vec<(usize, Kind)> {
        handle::view_of(&*self.fields)
    }
}

/// What an outcome is (`acp_outcome_status`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum acp_status {
    /// Not an outcome: the argument was NULL or not live (see the last error).
    ACP_STATUS_INVALID = 0,
    /// Done: a non-money request succeeded, or a status query found the transaction
    /// succeeded.
    ACP_STATUS_SUCCESS = 1,
    /// A money-moving request was accepted (respCode 00): this is not payment yet; wait
    /// for the notification or query at `acp_outcome_query_at`.
    ACP_STATUS_ACCEPTED = 2,
    /// The result is not known yet: query at `acp_outcome_query_at`
    /// (`acp_outcome_pending_reason` says why).
    ACP_STATUS_PENDING = 3,
    /// UnionPay refused: money did not move (`acp_outcome_resp_code`, respMsg in the
    /// fields).
    ACP_STATUS_FAILED = 4,
    /// File transfer only: no file for that date (respCode 98); ask again later.
    ACP_STATUS_NO_FILE = 5,
}

/// The verified, classified answer to a request.
pub struct acp_outcome {
    pub(crate) inner: Outcome,
    resp_code: CString,
    /// Boxed: a view needs an address of its own (at offset 0 it would alias its owner).
    fields: Box<acp_fields>,
}

impl acp_outcome {
    pub(crate) fn new(inner: Outcome) -> Self {
        acp_outcome {
            resp_code: nul_terminated(inner.decisive_code()),
            fields: Box::new(acp_fields::new(inner.response().fields())),
            inner,
        }
    }
}

impl Handle for acp_outcome {
    const KIND: Kind = Kind::Outcome;
    fn views(&self) -> Vec<(usize, Kind)> {
        handle::view_of(&*self.fields)
    }
}

/// A verified notification (UnionPay's POST to `backUrl`, or the browser's to
/// `frontUrl`).
pub struct acp_notification {
    pub(crate) inner: Notification,
    /// Boxed: a view needs an address of its own (at offset 0 it would alias its owner).
    fields: Box<acp_fields>,
}

impl acp_notification {
    pub(crate) fn new(inner: Notification) -> Self {
        acp_notification {
            fields: Box::new(acp_fields::new(inner.response.fields())),
            inner,
        }
    }
}

impl Handle for acp_notification {
    const KIND: Kind = Kind::Notification;
    fn views(&self) -> Vec<(usize, Kind)> {
        handle::view_of(&*self.fields)
    }
}

unsafe fn request_ref<'a>(r: *const acp_request) -> Res<&'a acp_request> {
    handle::borrow(r, "request")
}

unsafe fn outcome_ref<'a>(o: *const acp_outcome) -> Res<&'a acp_outcome> {
    handle::borrow(o, "outcome")
}

unsafe fn notification_ref<'a>(n: *const acp_notification) -> Res<&'a acp_notification> {
    handle::borrow(n, "notification")
}

/// The URL to POST the body to (owned by `request`; NULL if `request` is NULL or not live).
///
/// # Safety
/// `request` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_request_url(request: *const acp_request) -> *const c_char {
    guard_value("acp_request_url", std::ptr::null(), || {
        Ok(request_ref(request)?.url.as_ptr())
    })
}

/// The form-encoded body (owned by `request`; NULL if `request` is NULL or not live).
///
/// # Safety
/// `request` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_request_body(request: *const acp_request) -> *const c_char {
    guard_value("acp_request_body", std::ptr::null(), || {
        Ok(request_ref(request)?.body.as_ptr())
    })
}

/// Front transactions (front_open, open_and_pay) only: the auto-submit HTML page to
/// serve to the cardholder's browser; NULL for every other request.
///
/// # Safety
/// `request` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_request_html(request: *const acp_request) -> *const c_char {
    guard_value("acp_request_html", std::ptr::null(), || {
        Ok(request_ref(request)?
            .html
            .as_ref()
            .map_or(std::ptr::null(), |h| h.as_ptr()))
    })
}

/// The signed fields (`orderId`, `txnTime`, … as sent), borrowed from `request`.
///
/// # Safety
/// `request` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_request_fields(request: *const acp_request) -> *const acp_fields {
    guard_value("acp_request_fields", std::ptr::null(), || {
        Ok(&*request_ref(request)?.fields as *const acp_fields)
    })
}

/// The request in the stored format `unionpay-acp/request@1` (JSON; free with
/// `acp_string_free`): keep it with the order to follow the request up after a restart
/// (`acp_request_from_json`). Any binding reads it back.
///
/// # Safety
/// `request` must be a pointer this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_request_json(
    request: *const acp_request,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_request_json", || {
        let out = out_ptr(out, "out")?;
        *out = c_string(to_json(&request_ref(request)?.inner));
        Ok(())
    })
}

/// Reads a request stored with `acp_request_json` (or by another binding); its fields
/// must be a signed request of its API. `ACP_RESULT_INVALID_ARGUMENT` otherwise.
///
/// # Safety
/// `json` a C string; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_request_from_json(
    json: *const c_char,
    out: *mut *mut acp_request,
) -> acp_result {
    guard("acp_request_from_json", || {
        let out = out_ptr(out, "out")?;
        let request = request_from_json(text(json, "json")?)?;
        *out = handle::into_raw(acp_request::new(request));
        Ok(())
    })
}

/// Frees a request (and the strings and fields borrowed from it). NULL is a no-op.
///
/// # Safety
/// `request` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_request_free(request: *mut acp_request) {
    guard("acp_request_free", || handle::free(request, "request"));
}

/// What the outcome is; `ACP_STATUS_INVALID` for NULL or a handle that is not live.
///
/// # Safety
/// `outcome` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_status(outcome: *const acp_outcome) -> acp_status {
    guard_value("acp_outcome_status", acp_status::ACP_STATUS_INVALID, || {
        Ok(match outcome_ref(outcome)?.inner {
            Outcome::Success(_) => acp_status::ACP_STATUS_SUCCESS,
            Outcome::Accepted { .. } => acp_status::ACP_STATUS_ACCEPTED,
            Outcome::Pending { .. } => acp_status::ACP_STATUS_PENDING,
            Outcome::Failed { .. } => acp_status::ACP_STATUS_FAILED,
            Outcome::NoFile { .. } => acp_status::ACP_STATUS_NO_FILE,
        })
    })
}

/// The outcome's name (`"success"`, `"accepted"`, `"pending"`, `"failed"`,
/// `"no_file"`), as in its JSON; NULL for NULL or a handle that is not live. The string is
/// static.
///
/// # Safety
/// `outcome` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_name(outcome: *const acp_outcome) -> *const c_char {
    guard_value("acp_outcome_name", std::ptr::null(), || {
        Ok(static_str(outcome_ref(outcome)?.inner.name()))
    })
}

/// The respCode that decided the outcome (`origRespCode` for a status query that found
/// the transaction), owned by `outcome`.
///
/// # Safety
/// `outcome` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_resp_code(outcome: *const acp_outcome) -> *const c_char {
    guard_value("acp_outcome_resp_code", std::ptr::null(), || {
        Ok(outcome_ref(outcome)?.resp_code.as_ptr())
    })
}

/// Why a pending outcome is not final (`"unknown"`, `"duplicate"`, `"mismatch"`,
/// `"not_found"`, `"awaiting_cardholder"`, `"too_frequent"`, `"query_rejected"`); NULL
/// for other outcomes. The string is static.
///
/// # Safety
/// `outcome` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_pending_reason(outcome: *const acp_outcome) -> *const c_char {
    guard_value("acp_outcome_pending_reason", std::ptr::null(), || {
        Ok(outcome_ref(outcome)?
            .inner
            .pending_reason()
            .map_or(std::ptr::null(), |r| static_str(r.name())))
    })
}

/// When to send the next status query (accepted and pending outcomes): writes Unix
/// seconds to `*at` and returns true; returns false (and leaves `*at`) when there is none.
///
/// # Safety
/// `outcome` must be NULL or a pointer this library returned; `at` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_query_at(outcome: *const acp_outcome, at: *mut i64) -> bool {
    guard_value("acp_outcome_query_at", false, || {
        let at = out_ptr(at, "at")?;
        Ok(match outcome_ref(outcome)?.inner.query_at() {
            Some(t) => {
                *at = t.unix_seconds();
                true
            }
            None => false,
        })
    })
}

/// Every field of the verified answer, borrowed from `outcome`.
///
/// # Safety
/// `outcome` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_fields(outcome: *const acp_outcome) -> *const acp_fields {
    guard_value("acp_outcome_fields", std::ptr::null(), || {
        Ok(&*outcome_ref(outcome)?.fields as *const acp_fields)
    })
}

/// The outcome as the core's JSON: `{"name", "decisiveCode", "decisiveMsg", "queryAt",
/// "pendingReason", "response"}` (free with `acp_string_free`).
///
/// # Safety
/// `outcome` must be a pointer this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_json(
    outcome: *const acp_outcome,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_outcome_json", || {
        let out = out_ptr(out, "out")?;
        *out = c_string(to_json(&outcome_ref(outcome)?.inner));
        Ok(())
    })
}

/// The reconciliation records of a file transfer's answer (its `fileContent` archive) as
/// the core's JSON (free with `acp_string_free`).
///
/// # Safety
/// `outcome` must be a pointer this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_reconciliation_json(
    outcome: *const acp_outcome,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_outcome_reconciliation_json", || {
        let out = out_ptr(out, "out")?;
        let outcome = outcome_ref(outcome)?;
        let records = outcome
            .inner
            .response()
            .reconciliation(&Default::default())?;
        *out = c_string(to_json(&records));
        Ok(())
    })
}

/// The merchant's books of the clearing day (`books_json`: the core's book-entry array,
/// `[{"orderId", "txnType", "amountFen", "queryId", "origQueryId", "state"}]`) compared
/// with a file transfer's reconciliation file: the core's report JSON (free with
/// `acp_string_free`).
///
/// # Safety
/// `outcome` must be a pointer this library returned; `books_json` a C string; `out`
/// valid.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_reconcile(
    outcome: *const acp_outcome,
    books_json: *const c_char,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_outcome_reconcile", || {
        let out = out_ptr(out, "out")?;
        let outcome = outcome_ref(outcome)?;
        let books = books_from_json(text(books_json, "books_json")?)?;
        let file = outcome
            .inner
            .response()
            .reconciliation(&Default::default())?;
        *out = c_string(to_json(&reconcile(&books, &file)));
        Ok(())
    })
}

/// Frees an outcome. NULL is a no-op.
///
/// # Safety
/// `outcome` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_outcome_free(outcome: *mut acp_outcome) {
    guard("acp_outcome_free", || handle::free(outcome, "outcome"));
}

/// Every field of the notification, borrowed from it.
///
/// # Safety
/// `notification` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_notification_fields(
    notification: *const acp_notification,
) -> *const acp_fields {
    guard_value("acp_notification_fields", std::ptr::null(), || {
        Ok(&*notification_ref(notification)?.fields as *const acp_fields)
    })
}

/// Whether the notification reports a success (respCode 00 or A6). A verified
/// notification is not automatically a success.
///
/// # Safety
/// `notification` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_notification_success(notification: *const acp_notification) -> bool {
    guard_value("acp_notification_success", false, || {
        Ok(notification_ref(notification)?.inner.success)
    })
}

/// Whether the notification reports on `request`: same merId, orderId, txnTime,
/// txnType/txnSubType, and txnAmt when both carry one.
///
/// # Safety
/// Both must be NULL or pointers this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_notification_matches(
    notification: *const acp_notification,
    request: *const acp_request,
) -> bool {
    guard_value("acp_notification_matches", false, || {
        Ok(notification_ref(notification)?
            .inner
            .matches(&request_ref(request)?.inner))
    })
}

/// The notification as the core's JSON (`{"source", "api", "success", "respCode", …,
/// "fields"}`; free with `acp_string_free`).
///
/// # Safety
/// `notification` must be a pointer this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_notification_json(
    notification: *const acp_notification,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_notification_json", || {
        let out = out_ptr(out, "out")?;
        *out = c_string(to_json(&notification_ref(notification)?.inner));
        Ok(())
    })
}

/// Frees a notification. NULL is a no-op.
///
/// # Safety
/// `notification` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_notification_free(notification: *mut acp_notification) {
    guard("acp_notification_free", || {
        handle::free(notification, "notification")
    });
}

/// The verified answer to a key update query (`acp_client_handle_key_update`).
pub struct acp_key_update {
    inner: KeyUpdate,
    cert_id: CString,
    pem: Option<CString>,
}

impl acp_key_update {
    pub(crate) fn new(inner: KeyUpdate) -> Self {
        let (cert_id, pem) = match &inner {
            KeyUpdate::Unchanged { cert_id, .. } => (cert_id, None),
            KeyUpdate::Replaced { cert_id, pem, .. } => {
                (cert_id, Some(nul_terminated(pem.as_str())))
            }
        };
        acp_key_update {
            cert_id: nul_terminated(cert_id.as_str()),
            pem,
            inner,
        }
    }
}

impl Handle for acp_key_update {
    const KIND: Kind = Kind::KeyUpdate;
}

unsafe fn key_update_ref<'a>(k: *const acp_key_update) -> Res<&'a acp_key_update> {
    handle::borrow(k, "key_update")
}

/// UnionPay's current encryption certificate id (`encryptCertId`), owned by `key_update`.
///
/// # Safety
/// `key_update` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_key_update_cert_id(
    key_update: *const acp_key_update,
) -> *const c_char {
    guard_value("acp_key_update_cert_id", std::ptr::null(), || {
        Ok(key_update_ref(key_update)?.cert_id.as_ptr())
    })
}

/// When UnionPay replaced its encryption certificate: the new one (PEM, owned by
/// `key_update`). Store it (it is the `encryptionCert` setting from now on) and go on with
/// `acp_client_with_encryption_cert`. NULL when the configured certificate is current.
///
/// # Safety
/// `key_update` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_key_update_pem(key_update: *const acp_key_update) -> *const c_char {
    guard_value("acp_key_update_pem", std::ptr::null(), || {
        Ok(key_update_ref(key_update)?
            .pem
            .as_ref()
            .map_or(std::ptr::null(), |p| p.as_ptr()))
    })
}

/// When to send the next key update query (Unix seconds); 0 when `key_update` is NULL or
/// not live.
///
/// # Safety
/// `key_update` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_key_update_next_check_at(key_update: *const acp_key_update) -> i64 {
    guard_value("acp_key_update_next_check_at", 0, || {
        Ok(key_update_ref(key_update)?
            .inner
            .next_check_at()
            .unix_seconds())
    })
}

/// The key update as the core's JSON: `{"kind": "unchanged"|"replaced", "certId", "pem",
/// "nextCheckAt"}` (free with `acp_string_free`).
///
/// # Safety
/// `key_update` must be a pointer this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_key_update_json(
    key_update: *const acp_key_update,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_key_update_json", || {
        let out = out_ptr(out, "out")?;
        *out = c_string(to_json(&key_update_ref(key_update)?.inner));
        Ok(())
    })
}

/// Frees a key update. NULL is a no-op.
///
/// # Safety
/// `key_update` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_key_update_free(key_update: *mut acp_key_update) {
    guard("acp_key_update_free", || {
        handle::free(key_update, "key_update")
    });
}
