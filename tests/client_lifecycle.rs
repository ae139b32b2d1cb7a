//! The lifecycle planner (`Client::next_step`): what each exchange leads to, for money
//! requests, their status queries, requests that move no money and notifications.
#![allow(clippy::disallowed_methods)] // tests read fixture files

mod client_support;

use client_support::*;
use unionpay_acp::card::CustomerInfo;
use unionpay_acp::client::*;
use unionpay_acp::{ErrorCode, Timestamp};

const TOKEN: &str = "6235240000020757577";

fn consume(c: &Client) -> OutgoingRequest {
    c.build_consume(
        &ConsumeParams {
            order: Order::New("ORDER20261125L1".into()),
            txn_amt: 1000,
            payer: Payer::Token(TOKEN.into()),
            back_url: BACK_URL.into(),
            customer_info: CustomerInfo {
                sms_code: Some("111111".into()),
                ..Default::default()
            },
            req_reserved: None,
        },
        now(),
        &mut rng(),
    )
    .unwrap()
}

fn answered(body: &[u8]) -> Exchange<'_> {
    Exchange::Answered { status: 200, body }
}

fn expect_query(step: &NextStep) -> (Timestamp, &OutgoingRequest, Option<&Outcome>) {
    match step {
        NextStep::Query { at, query, last } => (*at, query, last.as_ref()),
        other => panic!("expected a query, got {other:?}"),
    }
}

#[test]
fn an_accepted_consume_is_queried_a_second_later() {
    let c = client();
    let pay = consume(&c);
    let step = c
        .next_step(&pay, answered(&answer(&pay, &[("respCode", "00")])), now())
        .unwrap();
    let (at, query, last) = expect_query(&step);
    assert_eq!(at, now().plus_seconds(1));
    assert_eq!(query.api, Api::StatusQuery);
    assert_eq!(query.attempt, 1);
    assert_eq!(query.fields.get("orderId"), pay.fields.get("orderId"));
    assert_eq!(query.queried.as_ref().unwrap().api, Api::Consume);
    assert_eq!(last.map(Outcome::name), Some("accepted"));
    assert_eq!(step.name(), "query");
}

#[test]
fn no_answer_a_bad_status_or_an_unverifiable_answer_are_the_same_unknown() {
    let c = client();
    let pay = consume(&c);
    for exchange in [
        Exchange::NoAnswer,
        Exchange::Answered {
            status: 502,
            body: b"bad gateway",
        },
        Exchange::Answered {
            status: 201,
            body: &answer(&pay, &[("respCode", "00")]),
        },
        answered(b"respCode=01&orderId=ORDER20261125L1"),
        answered(b"<html>proxy error</html>"),
    ] {
        let step = c.next_step(&pay, exchange, now()).unwrap();
        let (at, query, last) = expect_query(&step);
        assert_eq!((at, query.attempt, last), (now().plus_seconds(1), 1, None));
    }
}

#[test]
fn status_queries_follow_the_schedule_until_final_or_used_up() {
    let c = client();
    let pay = consume(&c);
    let q1 = c.build_query_for(&pay, 1, now(), &mut rng()).unwrap();
    let found = |orig: &str| {
        answer(
            &q1,
            &[
                ("respCode", "00"),
                ("origRespCode", orig),
                ("txnType", "01"),
                ("txnSubType", "01"),
                ("txnAmt", "1000"),
            ],
        )
    };
    // Still processing: query 2, two seconds on.
    let step = c.next_step(&q1, answered(&found("05")), now()).unwrap();
    let (at, q2, last) = expect_query(&step);
    assert_eq!((at, q2.attempt), (now().plus_seconds(2), 2));
    assert_eq!(
        last.and_then(Outcome::pending_reason),
        Some(PendingReason::Unknown)
    );
    // Paid: final. Declined: final, failed.
    let step = c.next_step(q2, answered(&found("00")), now()).unwrap();
    assert!(
        matches!(step, NextStep::Final(Outcome::Success(_))),
        "{step:?}"
    );
    let step = c.next_step(q2, answered(&found("64")), now()).unwrap();
    assert!(
        matches!(step, NextStep::Final(Outcome::Failed { .. })),
        "{step:?}"
    );
    // A query that got no answer is queried again on the schedule.
    let step = c.next_step(q2, Exchange::NoAnswer, now()).unwrap();
    let (at, q3, last) = expect_query(&step);
    assert_eq!((at, q3.attempt, last), (now().plus_seconds(4), 3, None));
    // After the last query of the schedule the reconciliation file decides.
    let last_query = c
        .build_status_query(
            &StatusQueryParams {
                attempt: 33,
                ..StatusQueryParams::for_request(&pay, 1).unwrap()
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let step = c
        .next_step(
            &last_query,
            answered(&answer(&last_query, &[("respCode", "34")])),
            now(),
        )
        .unwrap();
    match step {
        NextStep::Stop {
            reason: StopReason::ScheduleUsedUp,
            last: Some(o),
        } => assert_eq!(o.pending_reason(), Some(PendingReason::NotFound)),
        other => panic!("{other:?}"),
    }
    let step = c.next_step(&last_query, Exchange::NoAnswer, now()).unwrap();
    assert_eq!(
        step,
        NextStep::Stop {
            reason: StopReason::ScheduleUsedUp,
            last: None
        }
    );
}

#[test]
fn requests_that_move_no_money_stop_and_a_reversal_cannot_be_queried() {
    let c = client();
    let delete = c
        .build_delete_token(
            &DeleteTokenParams {
                order_id: "DELETE000001".into(),
                token: TOKEN.into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(
        c.next_step(&delete, Exchange::NoAnswer, now()).unwrap(),
        NextStep::Stop {
            reason: StopReason::NoAnswer,
            last: None
        }
    );
    let e = c
        .next_step(&delete, answered(b"respCode=00"), now())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignatureMissing);
    let ok = c
        .next_step(
            &delete,
            answered(&answer(&delete, &[("respCode", "00")])),
            now(),
        )
        .unwrap();
    assert!(matches!(ok, NextStep::Final(Outcome::Success(_))));
    let reversal = c
        .build_reversal(
            &ReversalParams {
                orig_order_id: "ORDER20261125L1".into(),
                orig_txn_time: NOW_TXN_TIME.into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(
        c.next_step(&reversal, Exchange::NoAnswer, now()).unwrap(),
        NextStep::Stop {
            reason: StopReason::NotQueryable,
            last: None
        }
    );
    let step = c
        .next_step(
            &reversal,
            answered(&answer(&reversal, &[("respCode", "03")])),
            now(),
        )
        .unwrap();
    assert!(
        matches!(
            step,
            NextStep::Stop {
                reason: StopReason::NotQueryable,
                last: Some(_)
            }
        ),
        "{step:?}"
    );
}

#[test]
fn a_money_notification_is_confirmed_by_a_query_and_a_forged_one_is_refused() {
    let c = client();
    let pay = consume(&c);
    let body = notify_body(&[
        ("accessType", "0"),
        ("bizType", "000902"),
        ("currencyCode", "156"),
        ("encoding", "UTF-8"),
        ("merId", MER_ID),
        ("orderId", "ORDER20261125L1"),
        ("queryId", "512211250400000000001"),
        ("respCode", "00"),
        ("respMsg", "成功[0000000]"),
        ("txnAmt", "1000"),
        ("txnSubType", "01"),
        ("txnTime", NOW_TXN_TIME),
        ("txnType", "01"),
    ]);
    let (reply, notification) = c.receive_notification(&body, now());
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
    let n = notification.unwrap();
    let step = c.next_step_after_notification(&pay, &n, now()).unwrap();
    let (at, query, last) = expect_query(&step);
    assert_eq!((at, query.attempt, last), (now(), 1, None));
    // Not this request's.
    let other = c
        .build_consume(
            &ConsumeParams {
                order: Order::New("ORDER20261125L2".into()),
                ..ConsumeParams {
                    order: Order::New(String::new()),
                    txn_amt: 1000,
                    payer: Payer::Token(TOKEN.into()),
                    back_url: BACK_URL.into(),
                    customer_info: CustomerInfo::default(),
                    req_reserved: None,
                }
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let e = c
        .next_step_after_notification(&other, &n, now())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResponseMismatch);
    // Forged: refused with 400.
    let (reply, result) = c.receive_notification(b"merId=777290058110097&respCode=00", now());
    assert_eq!(reply, NotificationReply::refused());
    assert!(result.is_err());
}

#[test]
fn a_front_request_has_no_synchronous_step() {
    let c = client();
    let pay = c
        .build_open_and_pay(
            &OpenAndPayParams {
                order_id: "PAYOPEN00001".into(),
                txn_amt: 1000,
                acc_no: unionpay_acp::secret::Pan::new("6221558812340000").unwrap(),
                front_url: FRONT_URL.into(),
                back_url: BACK_URL.into(),
                customer_info: CustomerInfo::default(),
                pay_timeout: None,
                reserved: Vec::new(),
                req_reserved: None,
                front_fail_url: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let e = c.next_step(&pay, Exchange::NoAnswer, now()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
}
