//! Money-moving back transactions (spec §8.1, 8.2, 8.9–8.15): consume, pre-auth and
//! their follow-ups. The synchronous answer 00 means "accepted"; the result comes by
//! notification and status query (spec §7.3).

use super::holder::{check_holder, issuer, HolderCheck};
use super::open::{mark_used, use_token};
use super::record_failure;
use super::sms::check_sms;
use crate::calendar::clearing_date;
use crate::codes::{self, Outcome};
use crate::config::{FaultAction, TestCard, Truth};
use crate::gateway::{Ctx, Gateway};
use crate::state::{Life, State, Txn};
use unionpay_acp::Fields;

/// What booking a transaction does to its original.
enum Effect {
    None,
    Refund(usize),
    Undo(usize),
    Complete(usize),
    /// Completion undo: the completion is undone, the pre-auth holds again.
    UndoCompletion {
        completion: usize,
        preauth: usize,
    },
}

struct Booking {
    card: TestCard,
    amount: u64,
    /// Balance change if it succeeds (negative = debit, checked against the balance).
    delta: i64,
    token: Option<String>,
    effect: Effect,
}

/// 01/01, 01/03 (back consume, token or card) and 02/01 (pre-auth).
pub fn pay(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let (t, sub) = cx.txn();
    cx.check_currency(true)?;
    let amount = cx.amount()?;
    cx.req("backUrl")?;
    if sub == "03" {
        cx.req("instalTransInfo")?;
    }
    let (token, card) = if cx.get("bizType") == Some("000902") {
        let (token, card) = use_token(gw, st, cx).map_err(|r| record_failure(gw, st, cx, r))?;
        (Some(token.token), card)
    } else {
        let pan = cx.pan.clone().ok_or_else(|| codes::missing("accNo"))?;
        let card = gw
            .card(&pan)
            .cloned()
            .ok_or_else(|| record_failure(gw, st, cx, issuer("61")))?;
        let check = HolderCheck {
            need_phone: false,
            credit_extras: false,
        };
        check_holder(&card, &cx.customer, cx.pin_block.as_deref(), check)
            .map_err(|r| record_failure(gw, st, cx, r))?;
        let opened = st.txns.iter().any(|o| {
            o.mer_id == cx.mer_id()
                && o.txn_type == "79"
                && o.biz_type == "000301"
                && o.card.as_deref() == Some(pan.as_str())
                && o.succeeded(cx.now)
        });
        if !opened {
            return Err(record_failure(gw, st, cx, issuer("77")));
        }
        (None, card)
    };
    if amount > gw.rules.single_limit {
        return Err(record_failure(gw, st, cx, issuer("33")));
    }
    if sub == "03" && card.kind != crate::config::CardKind::Credit {
        return Err(record_failure(gw, st, cx, issuer("68")));
    }
    let sms_sub = if t == "02" { "04" } else { "02" };
    let sms = check_sms(
        gw,
        st,
        cx,
        &[sms_sub],
        Some(amount),
        gw.rules.require_sms_for_payment,
        &card.pan,
    )
    .map_err(|r| record_failure(gw, st, cx, r))?;
    mark_used(st, sms);
    let delta = -i64::try_from(amount).unwrap_or(i64::MAX);
    book(
        gw,
        st,
        cx,
        resp,
        Booking {
            card,
            amount,
            delta,
            token,
            effect: Effect::None,
        },
    )
}

/// 03/00 completion, 04/00 refund, 31/00 consume undo, 32/00 pre-auth undo, 33/00
/// completion undo: all quote the original's queryId in origQryId.
pub fn follow_up(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let (t, _) = cx.txn();
    cx.check_currency(false)?;
    let orig_qid = cx.req("origQryId")?;
    let amount = cx.amount()?;
    cx.req("backUrl")?;
    let fail = |st: &mut State, r| record_failure(gw, st, cx, r);
    let idx = match st.find_by_query_id(cx.mer_id(), orig_qid) {
        Some(i) => i,
        None => return Err(fail(st, codes::orig_not_found())),
    };
    let orig = st
        .txns
        .get(idx)
        .cloned()
        .ok_or_else(codes::orig_not_found)?;
    let want: &[&str] = match t {
        "03" | "32" => &["02"],
        "04" => &["01", "03"],
        "31" => &["01"],
        _ => &["03"],
    };
    if !want.contains(&orig.txn_type.as_str()) {
        let r = codes::orig_wrong_state(format!(
            "origQryId is a {}/{} transaction",
            orig.txn_type, orig.txn_sub_type
        ));
        return Err(fail(st, r));
    }
    if let Err(r) = rules(gw, cx, &orig, amount, st) {
        return Err(fail(st, r));
    }
    let card = orig
        .card
        .as_deref()
        .and_then(|p| gw.card(p))
        .cloned()
        .ok_or_else(|| fail(st, issuer("61")))?;
    let signed = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let (delta, effect) = match t {
        "04" => (signed(amount), Effect::Refund(idx)),
        "31" | "32" => (signed(amount), Effect::Undo(idx)),
        "03" => (signed(orig.amount) - signed(amount), Effect::Complete(idx)),
        _ => {
            let preauth = orig
                .orig_query_id
                .as_deref()
                .and_then(|q| st.find_by_query_id(cx.mer_id(), q))
                .ok_or_else(|| fail(st, codes::orig_not_found()))?;
            let held = st.txns.get(preauth).map(|p| p.amount).unwrap_or(0);
            (
                signed(amount) - signed(held),
                Effect::UndoCompletion {
                    completion: idx,
                    preauth,
                },
            )
        }
    };
    book(
        gw,
        st,
        cx,
        resp,
        Booking {
            card,
            amount,
            delta,
            token: orig.token.clone(),
            effect,
        },
    )
}

/// The business rules of each follow-up (spec §8.9–8.15).
fn rules(gw: &Gateway, cx: &Ctx, orig: &Txn, amount: u64, _st: &State) -> Outcome<()> {
    let (t, _) = cx.txn();
    let today = clearing_date(cx.now, gw.rules.clearing_cutoff_minutes);
    let age_days = (cx.now.unix_seconds() - orig.created_at) / 86_400;
    match orig.life {
        Life::Undone | Life::Reversed => {
            return Err(codes::already_done("the original was undone or reversed"))
        }
        Life::Completed if t != "04" && t != "33" => {
            return Err(codes::orig_wrong_state(
                "the pre-auth was already completed",
            ))
        }
        _ => {}
    }
    if !orig.succeeded(cx.now) {
        let why = if orig.revealed(cx.now) {
            format!("the original transaction failed ({})", orig.code)
        } else {
            "the original transaction is still being processed".to_owned()
        };
        return Err(codes::orig_wrong_state(why));
    }
    let full = |what: &str| -> Outcome<()> {
        if amount == orig.amount {
            Ok(())
        } else {
            Err(codes::amount_mismatch(format!(
                "{what} must be the full original amount {}",
                orig.amount
            )))
        }
    };
    match t {
        "31" | "33" => {
            if orig.refunded > 0 {
                return Err(codes::orig_wrong_state(
                    "the original was (partially) refunded",
                ));
            }
            if orig.clearing_date != today {
                return Err(codes::not_same_clearing_day());
            }
            full(if t == "31" {
                "a consume undo"
            } else {
                "a completion undo"
            })
        }
        "04" => {
            let left = orig.amount.saturating_sub(orig.refunded);
            if left == 0 {
                return Err(codes::already_done("the original is fully refunded"));
            }
            if amount > left {
                return Err(codes::amount_mismatch(format!(
                    "refund {amount} exceeds the refundable {left}"
                )));
            }
            if age_days > gw.rules.refund_days {
                return Err(codes::out_of_window(
                    "refunds are accepted for about 11 months",
                ));
            }
            Ok(())
        }
        "32" => {
            if age_days > gw.rules.preauth_days {
                return Err(codes::out_of_window("the pre-auth is older than 30 days"));
            }
            full("a pre-auth undo")
        }
        _ => {
            if age_days > gw.rules.preauth_days {
                return Err(codes::out_of_window(
                    "the pre-auth is older than 30 days (released)",
                ));
            }
            if u128::from(amount) * 100
                > u128::from(orig.amount) * u128::from(gw.rules.completion_percent)
            {
                return Err(codes::amount_mismatch(format!(
                    "completion {amount} exceeds {}% of the pre-auth {}",
                    gw.rules.completion_percent, orig.amount
                )));
            }
            Ok(())
        }
    }
}

/// Books an accepted money transaction: the issuer's decision (or a fault's), the
/// balance, the effect on the original, the answer and the notification to come.
fn book(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields, b: Booking) -> Outcome<()> {
    let mut sync_code = "00".to_owned();
    let mut forced: Option<String> = None;
    let mut reveal_at = cx.now.unix_seconds();
    let mut notify_fail = 0;
    let mut notify_repeat = 0;
    match &cx.fault {
        Some(FaultAction::RespCode {
            code,
            truth,
            reveal_after_secs,
        }) => {
            sync_code = code.clone();
            reveal_at += reveal_after_secs;
            if let Truth::Failure(c) = truth {
                forced = Some(c.clone());
            }
        }
        Some(FaultAction::Decline { code }) => forced = Some(code.clone()),
        Some(FaultAction::NotifyFail { attempts }) => notify_fail = *attempts,
        Some(FaultAction::NotifyRepeat { copies }) => notify_repeat = *copies,
        _ => {}
    }
    let code = forced.unwrap_or_else(|| {
        if b.delta < 0 && st.balance(&b.card).saturating_add(b.delta) < 0 {
            "64".to_owned()
        } else {
            "00".to_owned()
        }
    });
    if code == "00" {
        st.add_balance(&b.card, b.delta);
        apply(st, &b.effect, b.amount);
    }
    let msg = codes::issuer_msg(&code);
    let mut txn = gw.new_txn(st, cx, &code, &msg);
    txn.query_id = Some(gw.new_query_id(st, &txn.trace_no, cx.now));
    txn.amount = b.amount;
    txn.card = Some(b.card.pan.clone());
    txn.token = b.token;
    txn.reveal_at = reveal_at;
    txn.notify = txn.back_url.is_some();
    txn.notify_fail = notify_fail;
    txn.notify_repeat = notify_repeat;
    super::money_fields(gw, &txn, resp, false);
    resp.remove("accNo");
    resp.remove("payCardType");
    resp.remove("issuerIdentifyMode");
    resp.remove("traceNo");
    resp.remove("traceTime");
    if sync_code != "00" {
        resp.set("respCode", sync_code.as_str());
        resp.set("respMsg", codes::issuer_msg(&sync_code));
    }
    st.txns.push(txn);
    Ok(())
}

fn apply(st: &mut State, effect: &Effect, amount: u64) {
    let mut set = |i: usize, f: &dyn Fn(&mut Txn)| {
        if let Some(t) = st.txns.get_mut(i) {
            f(t);
        }
    };
    match *effect {
        Effect::None => {}
        Effect::Refund(i) => set(i, &|t| t.refunded += amount),
        Effect::Undo(i) => set(i, &|t| t.life = Life::Undone),
        Effect::Complete(i) => set(i, &|t| t.life = Life::Completed),
        Effect::UndoCompletion {
            completion,
            preauth,
        } => {
            set(completion, &|t| t.life = Life::Undone);
            set(preauth, &|t| t.life = Life::Normal);
        }
    }
}

/// 99/01: reverses a same-day money transaction whose result the merchant does not
/// know; the answer is final (no notification).
pub fn reversal(gw: &Gateway, st: &mut State, cx: &Ctx) -> Outcome<()> {
    let idx = st
        .find_txn(cx.mer_id(), cx.order_id(), cx.txn_time())
        .filter(|i| {
            st.txns
                .get(*i)
                .is_some_and(|t| matches!(t.txn_type.as_str(), "01" | "02" | "03") && !t.front)
        })
        .ok_or_else(codes::orig_not_found)?;
    let orig = st
        .txns
        .get(idx)
        .cloned()
        .ok_or_else(codes::orig_not_found)?;
    match orig.life {
        Life::Reversed => return Err(codes::already_done("the transaction was already reversed")),
        Life::Undone | Life::Completed => {
            return Err(codes::orig_wrong_state(
                "undone or completed transactions cannot be reversed",
            ))
        }
        Life::Normal if orig.refunded > 0 => {
            return Err(codes::orig_wrong_state(
                "refunded transactions cannot be reversed",
            ))
        }
        Life::Normal => {}
    }
    if orig.clearing_date != clearing_date(cx.now, gw.rules.clearing_cutoff_minutes) {
        return Err(codes::not_same_clearing_day());
    }
    if orig.code == "00" {
        if let Some(card) = orig.card.as_deref().and_then(|p| gw.card(p)) {
            let amount = i64::try_from(orig.amount).unwrap_or(i64::MAX);
            let back = if orig.txn_type == "03" {
                // Undo the completion: the pre-auth holds again.
                let preauth = orig
                    .orig_query_id
                    .as_deref()
                    .and_then(|q| st.find_by_query_id(cx.mer_id(), q));
                let held = preauth
                    .and_then(|p| st.txns.get(p))
                    .map(|p| p.amount)
                    .unwrap_or(0);
                if let Some(p) = preauth.and_then(|p| st.txns.get_mut(p)) {
                    p.life = Life::Normal;
                }
                amount - i64::try_from(held).unwrap_or(0)
            } else {
                amount
            };
            st.add_balance(card, back);
        }
    }
    if let Some(t) = st.txns.get_mut(idx) {
        t.life = Life::Reversed;
        t.code = "01".to_owned();
        t.msg = "交易已冲正 (reversed)".to_owned();
        t.reveal_at = cx.now.unix_seconds();
        if !t.notified {
            // The merchant asked for the reversal because it does not know the result;
            // the pending notification is dropped with the transaction.
            t.notified = true;
        }
    }
    Ok(())
}
