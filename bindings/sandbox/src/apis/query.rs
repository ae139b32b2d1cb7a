//! 00/00 transaction status query (spec §8.11) and 95/00 encryption key update (§11).

use super::open::open_result_fields;
use crate::codes::{self, Outcome};
use crate::config::FaultAction;
use crate::gateway::{Ctx, Gateway};
use crate::state::State;
use unionpay_acp::Fields;

/// 00/00: the transaction identified by orderId + txnTime. The answer carries the
/// original's txnType/txnSubType, `origRespCode` 05 while its result is not known yet,
/// and 34 when there is no such transaction (or the cardholder has not submitted). Like
/// the real gateway, it may find the SMS (77) that shares orderId and txnTime with the
/// consume or pre-auth it was sent for, when that transaction itself never arrived.
pub fn query(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let found = st
        .find_txn(cx.mer_id(), cx.order_id(), cx.txn_time())
        .and_then(|i| st.txns.get(i))
        .filter(|t| !t.awaiting_cardholder);
    let Some(t) = found else {
        return sms_answer(st, cx, resp);
    };
    resp.set("txnType", t.txn_type.as_str());
    resp.set("txnSubType", t.txn_sub_type.as_str());
    let (code, msg) = match &cx.fault {
        Some(FaultAction::OrigRespCode { code }) => (code.as_str(), codes::issuer_msg(code)),
        _ => t.visible_code(cx.now),
    };
    resp.set("origRespCode", code);
    resp.set("origRespMsg", msg);
    if t.txn_type == "79" {
        open_result_fields(gw, t, resp);
    } else {
        super::money_fields(gw, t, resp, code == "00");
        if let (Some(token), Some(tr_id)) = (&t.token, &t.tr_id) {
            resp.set("tokenPayData", format!("{{token={token}&trId={tr_id}}}"));
        }
    }
    Ok(())
}

/// The answer about a sent SMS code (77), or 34.
fn sms_answer(st: &State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let sms = st
        .sms
        .iter()
        .rfind(|s| {
            s.mer_id == cx.mer_id() && s.order_id == cx.order_id() && s.txn_time == cx.txn_time()
        })
        .ok_or_else(codes::no_such_txn)?;
    resp.set("txnType", "77");
    resp.set("txnSubType", sms.sub_type.as_str());
    resp.set("origRespCode", "00");
    resp.set("origRespMsg", codes::SUCCESS_MSG);
    if let Some(amount) = sms.amount {
        resp.set("txnAmt", amount.to_string());
        resp.set("currencyCode", "156");
    }
    Ok(())
}

/// 95/00: the current encryption certificate (`encryptPubKeyCert`, CRLF PEM).
pub fn key_update(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let cert_type = cx.req("certType")?;
    if !matches!(cert_type, "01" | "02") {
        return Err(codes::format_error(format!(
            "certType {cert_type} is not 01 or 02"
        )));
    }
    let enc = gw.current_enc(st).certificate();
    resp.set("certType", cert_type);
    resp.set(
        "encryptPubKeyCert",
        unionpay_acp::pki::pem_encode_crlf("CERTIFICATE", enc.der()),
    );
    let txn = gw.new_txn(st, cx, "00", codes::SUCCESS_MSG);
    st.txns.push(txn);
    Ok(())
}
