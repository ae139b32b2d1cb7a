//! Synchronous answers: verify first, then check the answer belongs to the request, then
//! classify (spec §5, §7).

use super::api::Api;
use super::outcome::{classify, is_success_code, mismatched, Outcome};
use super::request::OutgoingRequest;
use super::response::{parse_amount, Response};
use super::Client;
use crate::error::{Error, ErrorCode, Result};
use crate::form::Fields;
use crate::time::Timestamp;

impl Client {
    /// Verifies and classifies the synchronous answer to `request`.
    ///
    /// A message that does not verify is an `Err` (kind `Signature`, or `Format` when it
    /// does not even parse), never [`Outcome::Failed`]: for a money-moving request treat
    /// it as "unknown" and query. An answer that verifies but names another merchant,
    /// order, time, message type or amount than the request's signed fields says nothing
    /// about the request: for a money-moving request (and a status query) that is
    /// [`Outcome::Pending`] with [`PendingReason::Mismatch`](super::PendingReason::Mismatch),
    /// for any other [`ErrorCode::ResponseMismatch`].
    ///
    /// # Errors
    /// Verification errors, [`ErrorCode::ResponseMismatch`], [`ErrorCode::InvalidArgument`]
    /// for front requests (the browser posts those; there is no synchronous answer), and
    /// for the key update query a certificate that does not chain to the trust profile.
    pub fn handle_response(
        &self,
        request: &OutgoingRequest,
        body: &[u8],
        now: Timestamp,
    ) -> Result<Outcome> {
        if request.api.is_front() {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "a {} request is posted by the browser and has no synchronous answer: wait for the back notification or send a status query",
                    request.api.name()
                ),
            ));
        }
        let fields = self.verifier().verify_sync_body(body, now)?;
        if let Err(e) = check_belongs(request, &fields) {
            let unknown = request.api.is_money_moving() || request.api == Api::StatusQuery;
            return if unknown && e.code() == ErrorCode::ResponseMismatch {
                Ok(mismatched(request, Response::new(fields), now))
            } else {
                Err(e)
            };
        }
        let response = Response::new(fields);
        if request.api == Api::KeyUpdateQuery && is_success_code(response.resp_code()) {
            self.validated_encryption_cert(&response, now)?;
        }
        classify(request, response, now)
    }
}

/// Rejects an answer whose identifying fields differ from the request's signed ones. A
/// field the answer leaves out is tolerated only on a non-success answer (error answers
/// are not guaranteed to echo everything).
fn check_belongs(request: &OutgoingRequest, fields: &Fields) -> Result<()> {
    let success = fields.get("respCode").is_some_and(is_success_code);
    let expect = |key: &str| -> Result<()> {
        let Some(sent) = request.fields.get(key) else {
            return Ok(());
        };
        match fields.get(key) {
            Some(got) if got == sent => Ok(()),
            Some(got) => Err(mismatch(key, got, sent)),
            None if success => Err(Error::new(
                ErrorCode::ResponseMismatch,
                format!("the response does not belong to the request: it reports success but does not echo {key} ('{sent}' was sent)"),
            )),
            None => Ok(()),
        }
    };
    for key in ["merId", "orderId", "txnTime"] {
        expect(key)?;
    }
    if request.api == Api::FileTransfer {
        expect("settleDate")?;
    }
    // A found status-query answer carries the queried transaction's txnType; the
    // classification compares it with what was queried.
    if request.api != Api::StatusQuery {
        for key in ["txnType", "txnSubType"] {
            if let (Some(got), Some(sent)) = (fields.get(key), request.fields.get(key)) {
                if got != sent {
                    return Err(mismatch(key, got, sent));
                }
            }
        }
    }
    if let (Some(got), Some(sent)) = (fields.get("txnAmt"), request.signed_txn_amt()) {
        if parse_amount(got, "txnAmt")? != sent {
            return Err(mismatch("txnAmt", got, &sent.to_string()));
        }
    }
    Ok(())
}

fn mismatch(key: &str, got: &str, sent: &str) -> Error {
    let got: String = got.chars().filter(|c| !c.is_control()).take(64).collect();
    Error::new(
        ErrorCode::ResponseMismatch,
        format!(
            "the response does not belong to the request: {key} is '{got}' but '{sent}' was sent; pass the request this body answers"
        ),
    )
}
