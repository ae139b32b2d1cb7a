//! 77: send SMS code (spec §8.8) and the check of `customerInfo.smsCode` on the
//! transaction that follows it (same orderId + txnTime, + txnAmt for 02/04).

use super::holder::{check_holder, issuer, HolderCheck};
use super::open::use_token;
use crate::codes::{self, Outcome};
use crate::gateway::{Ctx, Gateway};
use crate::state::{Sms, State};

/// 77/xx: records the SMS the next transaction will quote. No SMS is really sent; the
/// sandbox accepts every code except the failing ones (or only `Rules::sms_only_code`).
pub fn send(gw: &Gateway, st: &mut State, cx: &Ctx) -> Outcome<()> {
    let (_, sub) = cx.txn();
    let with_amount = matches!(sub, "02" | "03" | "04");
    let amount = if with_amount {
        cx.check_currency(true)?;
        Some(cx.amount()?)
    } else {
        None
    };
    let by_token = with_amount && cx.get("bizType") == Some("000902");
    let card = if by_token {
        let (_, card) = use_token(gw, st, cx)?;
        check_holder(&card, &cx.customer, None, relaxed())?;
        card
    } else {
        let pan = cx.pan.as_deref().ok_or_else(|| codes::missing("accNo"))?;
        let card = gw.card(pan).cloned().ok_or_else(|| issuer("61"))?;
        let check = HolderCheck {
            need_phone: true,
            credit_extras: false,
        };
        check_holder(&card, &cx.customer, None, check)?;
        card
    };
    let key = (cx.mer_id(), cx.order_id(), cx.txn_time());
    st.sms
        .retain(|s| (s.mer_id.as_str(), s.order_id.as_str(), s.txn_time.as_str()) != key);
    st.sms.push(Sms {
        mer_id: cx.mer_id().to_owned(),
        order_id: cx.order_id().to_owned(),
        txn_time: cx.txn_time().to_owned(),
        sub_type: sub.to_owned(),
        amount,
        card: card.pan,
        sent_at: cx.now.unix_seconds(),
        used: false,
    });
    Ok(())
}

fn relaxed() -> HolderCheck {
    HolderCheck {
        need_phone: false,
        credit_extras: false,
    }
}

/// Checks `customerInfo.smsCode` of a transaction against the SMS sent for it. Returns
/// the SMS to mark used when the transaction is booked.
pub fn check_sms(
    gw: &Gateway,
    st: &State,
    cx: &Ctx,
    sub_types: &[&str],
    amount: Option<u64>,
    required: bool,
    card: &str,
) -> Outcome<Option<usize>> {
    let Some(code) = cx.customer_field("smsCode") else {
        return if required {
            Err(codes::missing("customerInfo.smsCode"))
        } else {
            Ok(None)
        };
    };
    let rules = &gw.rules;
    if rules.sms_fail_codes.iter().any(|c| c == code) {
        return Err(codes::sms_failed(format!(
            "{code} always fails in the test environment"
        )));
    }
    if rules
        .sms_only_code
        .as_deref()
        .is_some_and(|only| only != code)
    {
        return Err(codes::sms_failed("wrong code"));
    }
    if !rules.sms_pairing {
        return Ok(None);
    }
    let idx = st
        .sms
        .iter()
        .rposition(|s| {
            s.mer_id == cx.mer_id() && s.order_id == cx.order_id() && s.txn_time == cx.txn_time()
        })
        .ok_or_else(|| {
            codes::sms_failed(format!(
                "no SMS code was sent for orderId {} and txnTime {} (send 77 first with the same orderId and txnTime)",
                cx.order_id(),
                cx.txn_time()
            ))
        })?;
    let sms = st.sms.get(idx).ok_or_else(|| codes::sms_failed("no SMS"))?;
    if sms.used {
        return Err(codes::sms_failed("this SMS code was already used"));
    }
    if !sub_types.contains(&sms.sub_type.as_str()) {
        return Err(codes::sms_failed(format!(
            "the SMS was sent as 77/{}, which does not cover this transaction",
            sms.sub_type
        )));
    }
    if sms.amount.is_some() && sms.amount != amount {
        return Err(codes::sms_failed(
            "txnAmt differs from the consume SMS (77) request",
        ));
    }
    if sms.card != card {
        return Err(codes::sms_failed("the SMS was sent for another card"));
    }
    if cx.now.unix_seconds() - sms.sent_at > rules.sms_ttl_secs {
        return Err(codes::sms_failed("the SMS code has expired"));
    }
    Ok(Some(idx))
}
