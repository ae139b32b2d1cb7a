//! 00/00 transaction status query (spec §8.11) and 95/00 encryption key update (§11).

use super::open::open_result_fields;
use crate::codes::{self, Outcome};
use crate::gateway::{Ctx, Gateway};
use crate::state::State;
use unionpay_acp::Fields;

/// 00/00: the transaction identified by orderId + txnTime. The answer carries the
/// original's txnType/txnSubType, `origRespCode` 05 while its result is not known yet,
/// and 34 when there is no such transaction (or the cardholder has not submitted).
pub fn query(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let t = st
        .find_txn(cx.mer_id(), cx.order_id(), cx.txn_time())
        .and_then(|i| st.txns.get(i))
        .filter(|t| !t.awaiting_cardholder)
        .ok_or_else(codes::no_such_txn)?;
    resp.set("txnType", t.txn_type.as_str());
    resp.set("txnSubType", t.txn_sub_type.as_str());
    let (code, msg) = t.visible_code(cx.now);
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
