//! Opening and tokens: back open 79/00, update 79/03, apply token by orderId 79/05,
//! delete 74/01, open query 78 (spec §8.3–8.7).

use super::holder::{check_holder, issuer, HolderCheck};
use super::record_failure;
use super::sms::check_sms;
use crate::codes::{self, Outcome};
use crate::config::TestCard;
use crate::gateway::{random_digits, Ctx, Gateway};
use crate::state::{State, Token, Txn};
use base64::Engine as _;
use unionpay_acp::{Fields, Timestamp};

const STRICT: HolderCheck = HolderCheck {
    need_phone: true,
    credit_extras: true,
};

/// The active token a payment / SMS / delete quotes, and its card.
pub fn use_token(gw: &Gateway, st: &State, cx: &Ctx) -> Outcome<(Token, TestCard)> {
    let token = cx.token_field("token")?;
    let tr_id = cx.token_field("trId")?;
    let t = st
        .token(token)
        .filter(|t| t.active && t.tr_id == tr_id)
        .ok_or_else(codes::token_invalid)?;
    if t.end_at < cx.now.unix_seconds() {
        return Err(codes::token_expired());
    }
    let card = gw.card(&t.card).cloned().ok_or_else(|| issuer("61"))?;
    Ok((t.clone(), card))
}

/// The card's active token for `tr_id`, or a new one (19 digits, valid `token_years`).
pub fn issue_token(gw: &Gateway, st: &mut State, tr_id: &str, card: &str, now: Timestamp) -> Token {
    if let Some(t) = st.active_token(tr_id, card) {
        if t.end_at >= now.unix_seconds() {
            return t.clone();
        }
    }
    let mut value = format!("6235240{}", random_digits(12));
    while st.token(&value).is_some() {
        value = format!("6235240{}", random_digits(12));
    }
    let end = crate::calendar::plus_years(now, gw.rules.token_years);
    for t in st
        .tokens
        .iter_mut()
        .filter(|t| t.tr_id == tr_id && t.card == card)
    {
        t.active = false;
    }
    let token = Token {
        token: value,
        tr_id: tr_id.to_owned(),
        card: card.to_owned(),
        begin: now.to_txn_time(),
        end: end.to_txn_time(),
        end_at: end.unix_seconds(),
        level: "10".to_owned(),
        active: true,
    };
    st.tokens.push(token.clone());
    token
}

fn tr_id<'a>(gw: &Gateway, cx: &'a Ctx) -> Outcome<&'a str> {
    let tr_id = cx.token_field("trId")?;
    if !gw.rules.tr_ids.is_empty() && !gw.rules.tr_ids.iter().any(|t| t == tr_id) {
        return Err(codes::Reject::new(
            "40",
            format!("trId {tr_id} is not assigned to this merchant"),
        ));
    }
    Ok(tr_id)
}

/// 79/00 at backTransReq.do: merchant-side open; the token is in the answer.
pub fn back_open(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let token_product = cx.get("bizType") == Some("000902");
    let tr_id = if token_product {
        Some(tr_id(gw, cx)?)
    } else {
        None
    };
    let pan = cx.pan.clone().ok_or_else(|| codes::missing("accNo"))?;
    cx.req("customerInfo")?;
    let card = gw
        .card(&pan)
        .cloned()
        .ok_or_else(|| record_failure(gw, st, cx, issuer("61")))?;
    check_holder(&card, &cx.customer, cx.pin_block.as_deref(), STRICT)
        .map_err(|r| record_failure(gw, st, cx, r))?;
    let sms = check_sms(
        gw,
        st,
        cx,
        &["00"],
        None,
        gw.rules.require_sms_for_open,
        &pan,
    )
    .map_err(|r| record_failure(gw, st, cx, r))?;
    mark_used(st, sms);
    let mut txn = gw.new_txn(st, cx, "00", codes::SUCCESS_MSG);
    txn.phone = Some(card.phone.clone());
    if let Some(tr_id) = tr_id {
        let token = issue_token(gw, st, tr_id, &pan, cx.now);
        txn.token = Some(token.token.clone());
        txn.token_pay_data = Some(token.pay_data());
    }
    open_result_fields(gw, &txn, resp);
    st.txns.push(txn);
    Ok(())
}

pub fn mark_used(st: &mut State, sms: Option<usize>) {
    if let Some(s) = sms.and_then(|i| st.sms.get_mut(i)) {
        s.used = true;
    }
}

/// 79/03: a new token replaces the old one (which stops working).
pub fn update(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let tr_id = tr_id(gw, cx)?;
    cx.req("customerInfo")?;
    let (old, card) = use_token(gw, st, cx).map_err(|r| record_failure(gw, st, cx, r))?;
    check_holder(&card, &cx.customer, cx.pin_block.as_deref(), STRICT)
        .map_err(|r| record_failure(gw, st, cx, r))?;
    let sms = check_sms(
        gw,
        st,
        cx,
        &["00"],
        None,
        gw.rules.require_sms_for_open,
        &card.pan,
    )
    .map_err(|r| record_failure(gw, st, cx, r))?;
    mark_used(st, sms);
    if let Some(t) = st.tokens.iter_mut().find(|t| t.token == old.token) {
        t.active = false;
    }
    let token = issue_token(gw, st, tr_id, &card.pan, cx.now);
    let mut txn = gw.new_txn(st, cx, "00", codes::SUCCESS_MSG);
    txn.card = Some(card.pan.clone());
    txn.phone = Some(card.phone.clone());
    txn.token = Some(token.token.clone());
    txn.token_pay_data = Some(token.pay_data());
    open_result_fields(gw, &txn, resp);
    st.txns.push(txn);
    Ok(())
}

/// 79/05: the token of an open-and-pay front consume, by that order's orderId/txnTime.
pub fn apply_token(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    tr_id(gw, cx)?;
    let idx = st
        .find_txn(cx.mer_id(), cx.order_id(), cx.txn_time())
        .filter(|i| {
            st.txns
                .get(*i)
                .is_some_and(|t| t.txn_type == "01" && t.front)
        })
        .ok_or_else(codes::orig_not_found)?;
    let t = st
        .txns
        .get(idx)
        .cloned()
        .ok_or_else(codes::orig_not_found)?;
    if !t.succeeded(cx.now) || t.token.is_none() {
        return Err(codes::orig_wrong_state(
            "the open-and-pay order did not succeed",
        ));
    }
    let active = t
        .token
        .as_deref()
        .and_then(|v| st.token(v))
        .is_some_and(|tok| tok.active);
    if !active {
        return Err(codes::token_invalid());
    }
    open_result_fields(gw, &t, resp);
    Ok(())
}

/// 74/01: deletes the token; opening the card again gives a different one.
pub fn delete(gw: &Gateway, st: &mut State, cx: &Ctx) -> Outcome<()> {
    let (token, card) = use_token(gw, st, cx).map_err(|r| record_failure(gw, st, cx, r))?;
    for t in st.tokens.iter_mut().filter(|t| t.token == token.token) {
        t.active = false;
    }
    let mut txn = gw.new_txn(st, cx, "00", codes::SUCCESS_MSG);
    txn.card = Some(card.pan);
    txn.token = Some(token.token);
    st.txns.push(txn);
    Ok(())
}

/// 78/02 (token product, by the open's orderId/txnTime) and 78/00 (by accNo).
pub fn query_open(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    if cx.txn().1 == "00" {
        let pan = cx.pan.as_deref().ok_or_else(|| codes::missing("accNo"))?;
        let opened = st.txns.iter().any(|t| {
            t.mer_id == cx.mer_id()
                && t.txn_type == "79"
                && t.biz_type == "000301"
                && t.card.as_deref() == Some(pan)
                && t.succeeded(cx.now)
        });
        return if opened { Ok(()) } else { Err(issuer("77")) };
    }
    let t = st
        .find_txn(cx.mer_id(), cx.order_id(), cx.txn_time())
        .and_then(|i| st.txns.get(i))
        .filter(|t| t.txn_type == "79" && !t.awaiting_cardholder)
        .ok_or_else(codes::no_such_txn)?;
    if !t.succeeded(cx.now) {
        return Err(codes::Reject::new(
            "77",
            format!("未开通: the open failed ({} {})", t.code, t.msg),
        ));
    }
    let active = t
        .token
        .as_deref()
        .and_then(|v| st.token(v))
        .is_none_or(|tok| tok.active);
    if !active {
        return Err(codes::Reject::new(
            "77",
            "未开通: the token was deleted or replaced",
        ));
    }
    open_result_fields(gw, t, resp);
    Ok(())
}

/// tokenPayData, activateStatus, accNo (last four digits, encrypted to the merchant),
/// customerInfo (phone in encryptedInfo), payCardType.
pub fn open_result_fields(gw: &Gateway, t: &Txn, f: &mut Fields) {
    if t.code != "00" {
        return;
    }
    if let Some(tpd) = &t.token_pay_data {
        f.set("tokenPayData", tpd.as_str());
    }
    f.set("activateStatus", "1");
    if let Some(card) = t.card.as_deref().and_then(|p| gw.card(p)) {
        let last4 = card
            .pan
            .get(card.pan.len().saturating_sub(4)..)
            .unwrap_or_default();
        f.set("accNo", gw.encrypt_for_merchant(&t.cert_id, last4));
        f.set("payCardType", card.kind.pay_card_type());
    }
    if let Some(phone) = &t.phone {
        let enc = gw.encrypt_for_merchant(&t.cert_id, &format!("phoneNo={phone}"));
        let inner = format!("{{encryptedInfo={enc}}}");
        f.set(
            "customerInfo",
            base64::engine::general_purpose::STANDARD.encode(inner.as_bytes()),
        );
    }
}
