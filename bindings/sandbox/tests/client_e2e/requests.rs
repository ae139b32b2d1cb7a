//! Requests the tests build again and again.

use crate::prelude::*;

/// A reqReserved with a space, `=`, `%`, `+`, `/` and CJK: it travels raw in synchronous
/// answers, form-encoded in notifications and HTML-escaped in the front form.
pub const TRICKY_RESERVED: &str = "cart 42=ok%2B+x/订单";

pub fn sms_open(client: &Client, env: &Env, card: Card) -> OutgoingRequest {
    client
        .build_sms(
            &SmsParams {
                order_id: order_id(),
                purpose: SmsPurpose::Open { acc_no: card.pan() },
                customer_info: card.phone_only(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap()
}

pub fn key_update_request(client: &Client, env: &Env) -> OutgoingRequest {
    client
        .build_key_update_query(
            &KeyUpdateQueryParams {
                order_id: order_id(),
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap()
}

pub fn refund(env: &Env, orig_qry_id: &str, amount: u64) -> OutgoingRequest {
    env.client
        .build_refund(
            &RefundParams {
                order_id: order_id(),
                orig_qry_id: orig_qry_id.to_owned(),
                txn_amt: amount,
                back_url: env.back_url(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap()
}

pub fn consume_undo(env: &Env, orig_qry_id: &str, amount: u64) -> OutgoingRequest {
    env.client
        .build_consume_undo(
            &ConsumeUndoParams {
                order_id: order_id(),
                orig_qry_id: orig_qry_id.to_owned(),
                txn_amt: amount,
                back_url: env.back_url(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap()
}

pub fn reversal(env: &Env, orig_order_id: &str, orig_txn_time: &str) -> OutgoingRequest {
    env.client
        .build_reversal(
            &ReversalParams {
                orig_order_id: orig_order_id.to_owned(),
                orig_txn_time: orig_txn_time.to_owned(),
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap()
}

pub fn open_and_pay(
    env: &Env,
    card: Card,
    amount: u64,
    timeout_secs: Option<i64>,
) -> OutgoingRequest {
    let now = env.now();
    env.client
        .build_open_and_pay(
            &OpenAndPayParams {
                order_id: order_id(),
                txn_amt: amount,
                acc_no: card.pan(),
                front_url: env.front_url(),
                back_url: env.back_url(),
                customer_info: CustomerInfo::default(),
                pay_timeout: timeout_secs.map(|s| now.plus_seconds(s)),
                reserved: Vec::new(),
                req_reserved: Some(TRICKY_RESERVED.into()),
                front_fail_url: None,
            },
            now,
            &mut os_rng,
        )
        .unwrap()
}

pub fn query_id(o: &Outcome) -> String {
    let qid = o.response().query_id().expect("a queryId").to_owned();
    assert_eq!(qid.len(), 21, "{qid}");
    assert!(qid.bytes().all(|b| b.is_ascii_digit()), "{qid}");
    qid
}
