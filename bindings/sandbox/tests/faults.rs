//! Injected faults: unknown results (03/04/05), no answer, dropped connections, slow
//! answers, declines, lost and failing notifications — by fault card and at run time.

#![allow(clippy::disallowed_methods)] // tests are hosts: they time answers with the real clock

mod support;

use acp_sandbox::{
    http, AttemptOutcome, Endpoint, FaultAction, FaultRule, CARD_DROP, CARD_NOTIFY_FAIL,
    CARD_NO_ANSWER, CARD_NO_BALANCE, CARD_PENDING_05, CARD_SLOW, CARD_TIMEOUT_03, CARD_UNKNOWN_04,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::raw::*;
use unionpay_acp::form::encode_form;
use unionpay_acp::{sign_fields, Credentials, Fields};

/// SMS + consume where the consume is posted with a client timeout; returns the request
/// and what the HTTP client got.
fn consume_with_timeout(
    env: &Env,
    token: &str,
    back_url: &str,
    timeout: Duration,
) -> (Fields, std::io::Result<http::ClientResponse>) {
    let mut sms = env.header("77", "02", "000902");
    sms.set("txnAmt", "500")
        .set("currencyCode", "156")
        .set("tokenPayData", format!("{{token={token}&trId={TR_ID}}}"));
    assert_eq!(code(&env.back(sms.clone())), "00");
    let mut pay = sms;
    pay.set("txnType", "01")
        .set("txnSubType", "01")
        .set("backUrl", back_url)
        .set("customerInfo", sms_only(SMS_CODE));
    let mut signed = pay.clone();
    sign_fields(&mut signed, &Credentials::Rsa(env.key.clone())).unwrap();
    let r = http::post(
        &env.sb.url(Endpoint::Back),
        "application/x-www-form-urlencoded",
        encode_form(&signed).as_bytes(),
        timeout,
    );
    (pay, r)
}

fn admin(env: &Env, path: &str, body: &str) -> http::ClientResponse {
    http::post(
        &format!("{}{path}", env.sb.base_url()),
        "application/x-www-form-urlencoded",
        body.as_bytes(),
        Duration::from_secs(5),
    )
    .unwrap()
}

#[test]
fn unknown_results_03_04_05_then_the_query_tells_the_truth() {
    let env = Env::start();
    let recv = Inbox::start(0);
    for (pan, want) in [
        (CARD_TIMEOUT_03, "03"),
        (CARD_UNKNOWN_04, "04"),
        (CARD_PENDING_05, "05"),
    ] {
        let token = env.back_open(pan, false);
        let (r, req) = env.consume(&token, 500, &recv.notify_url());
        assert_eq!(code(&r), want);
        let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
        assert_eq!((code(&q), q.get("origRespCode")), ("00", Some("05")));
        assert!(q.get("settleDate").is_none());
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        recv.received().is_empty(),
        "no notification before the result is known"
    );
    env.sb.advance(61);
    let bodies = recv.wait(3);
    assert_eq!(bodies.len(), 3);
    for b in &bodies {
        assert_eq!(code(&env.verify_notify(b)), "00");
    }
    let list = env.wait_settled(3);
    assert!(list.iter().all(|n| n.delivered));
}

#[test]
fn faulted_truth_failure_and_not_received_via_admin_endpoint() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(DEBIT, false);
    let r = admin(
        &env,
        "/_sandbox/faults",
        &format!("action=resp_code&code=04&truth=failure%3A30&revealAfter=5&card={DEBIT}&txnType=01&times=1"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let (r, req) = env.consume(&token, 500, &recv.notify_url());
    assert_eq!(code(&r), "04");
    let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
    assert_eq!(q.get("origRespCode"), Some("05"));
    env.sb.advance(6);
    let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
    assert_eq!(q.get("origRespCode"), Some("30"));
    let n = env.verify_notify(&recv.wait(1)[0]);
    assert_eq!(code(&n), "30");
    // times=1: the next consume is normal.
    assert_eq!(code(&env.consume(&token, 500, &recv.notify_url()).0), "00");
    // Never reached the gateway: 03, the query finds only the SMS of the same orderId
    // and txnTime (77/02, not the consume), and the same order can be re-sent.
    admin(
        &env,
        "/_sandbox/faults",
        "action=resp_code&code=03&truth=not_received&txnType=01&times=1",
    );
    let (r, req) = env.consume(&token, 500, &recv.notify_url());
    assert_eq!(code(&r), "03");
    let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
    assert_eq!(
        (code(&q), q.get("txnType"), q.get("txnSubType")),
        ("00", Some("77"), Some("02"))
    );
    assert_eq!(code(&env.back(req.clone())), "00");
    // Clearing removes every rule (including the fault cards').
    assert_eq!(admin(&env, "/_sandbox/faults", "clear=1").status, 200);
    let token = env.back_open(CARD_TIMEOUT_03, false);
    assert_eq!(code(&env.consume(&token, 500, &recv.notify_url()).0), "00");
    assert_eq!(admin(&env, "/_sandbox/faults", "action=bogus").status, 400);
}

#[test]
fn no_answer_and_dropped_connection_are_processed_anyway() {
    let env = Env::start();
    let recv = Inbox::start(0);
    for pan in [CARD_NO_ANSWER, CARD_DROP] {
        let token = env.back_open(pan, false);
        let start = Instant::now();
        let (req, r) =
            consume_with_timeout(&env, &token, &recv.notify_url(), Duration::from_millis(800));
        assert!(
            r.is_err(),
            "{pan}: expected no answer, got {:?}",
            r.map(|r| r.text())
        );
        if pan == CARD_DROP {
            assert!(start.elapsed() < Duration::from_millis(700));
        }
        let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
        assert_eq!(q.get("origRespCode"), Some("00"), "{pan}");
    }
    assert_eq!(recv.wait(2).len(), 2);
    // Not processed: the query finds no consume, only its SMS (77).
    env.sb.add_fault(FaultRule {
        txn_types: vec!["01".into()],
        ..FaultRule::global(FaultAction::DropConnection { processed: false })
    });
    let token = env.back_open(DEBIT, false);
    let (req, r) = consume_with_timeout(&env, &token, &recv.notify_url(), Duration::from_secs(2));
    assert!(r.is_err());
    let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
    assert_eq!(q.get("txnType"), Some("77"));
}

#[test]
fn slow_answers_by_card_and_by_admin_endpoint() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(CARD_SLOW, false);
    let start = Instant::now();
    let (r, _) = env.consume(&token, 100, &recv.notify_url());
    assert_eq!(code(&r), "00");
    assert!(start.elapsed() >= Duration::from_millis(1500));
    // A global delay for one request.
    admin(&env, "/_sandbox/faults", "action=delay&ms=700&times=1");
    let start = Instant::now();
    let mut q = env.header("00", "00", "000000");
    q.remove("channelType");
    assert_eq!(code(&env.post(Endpoint::Query, q.clone())), "34");
    assert!(start.elapsed() >= Duration::from_millis(700));
    let start = Instant::now();
    assert_eq!(code(&env.post(Endpoint::Query, q)), "34");
    assert!(start.elapsed() < Duration::from_millis(500));
    // A client that gives up before the answer sees a timeout.
    let (_, r) = consume_with_timeout(&env, &token, &recv.notify_url(), Duration::from_millis(300));
    assert!(r.is_err());
}

#[test]
fn declines_and_zero_balance_are_final_results_after_00() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(CARD_NO_BALANCE, false);
    let (r, req) = env.consume(&token, 100, &recv.notify_url());
    assert_eq!(code(&r), "00", "accepted");
    let n = env.verify_notify(&recv.wait(1)[0]);
    assert_eq!(code(&n), "64");
    assert!(n.get("settleDate").is_none());
    let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
    assert_eq!(q.get("origRespCode"), Some("64"));
    // A refund of a failed consume: 35.
    assert_eq!(
        code(&env.follow_up("04", r.get("queryId").unwrap(), 100, &recv.notify_url())),
        "35"
    );
    env.sb.add_fault(FaultRule::for_card(
        DEBIT,
        FaultAction::Decline { code: "30".into() },
    ));
    let token = env.back_open(DEBIT, false);
    let (r, _) = env.consume(&token, 100, &recv.notify_url());
    assert_eq!(code(&r), "00");
    let list = env.wait_settled(2);
    assert!(list.iter().any(|n| n.get("respCode") == Some("30")));
}

#[test]
fn lost_and_failing_notifications_are_retried_on_the_schedule() {
    let env = Env::start();
    // Fault card: the first two attempts are lost.
    let recv = Inbox::start(0);
    let token = env.back_open(CARD_NOTIFY_FAIL, false);
    env.consume(&token, 100, &recv.notify_url());
    let list = env.wait_settled(1);
    let n = &list[0];
    assert!(n.delivered);
    assert_eq!(n.attempts.len(), 3);
    assert_eq!(n.attempts[0].outcome, AttemptOutcome::LostByFault);
    assert_eq!(n.attempts[1].outcome, AttemptOutcome::LostByFault);
    assert_eq!(recv.received().len(), 1);
    // A merchant answering 500 twice: three attempts at about 0, 50, 150 ms (speed 1200).
    let failing = Inbox::start(2);
    let token = env.back_open(DEBIT, false);
    env.consume(&token, 100, &failing.notify_url());
    let list = env.wait_settled(2);
    let n = list.iter().find(|n| n.url == failing.notify_url()).unwrap();
    assert!(n.delivered);
    let outcomes: Vec<_> = n.attempts.iter().map(|a| a.outcome.clone()).collect();
    assert!(matches!(
        outcomes[0],
        AttemptOutcome::Failed {
            status: Some(500),
            ..
        }
    ));
    assert!(matches!(
        outcomes[2],
        AttemptOutcome::Delivered { status: 200 }
    ));
    assert!(
        n.attempts[1].after_ms >= 45 && n.attempts[2].after_ms >= 140,
        "{:?}",
        n.attempts
    );
    // The same notification arrives again and verifies: merchants must be idempotent.
    let bodies = failing.received();
    assert_eq!(bodies.len(), 1);
    env.verify_notify(&bodies[0]);
    // A merchant that never answers: every attempt times out, then the sandbox gives up.
    let silent = {
        let handler: http::Handler = Arc::new(|_| http::Handled {
            delay: None,
            reply: http::Reply::Hold(Duration::from_secs(5)),
            after: None,
        });
        http::HttpServer::start(([127, 0, 0, 1], 0).into(), http::Limits::default(), handler)
            .unwrap()
    };
    let url = format!("http://{}/", silent.local_addr());
    env.consume(&token, 100, &url);
    let list = env.sb.wait_notifications(Duration::from_secs(8), |l| {
        l.iter().any(|n| n.url == url && n.gave_up)
    });
    let n = list.iter().find(|n| n.url == url).unwrap();
    assert!(n.gave_up && !n.delivered);
    assert_eq!(n.attempts.len(), 4);
    assert!(n
        .attempts
        .iter()
        .all(|a| matches!(a.outcome, AttemptOutcome::Failed { status: None, .. })));
    // The admin endpoint lists them.
    let json = http::get(
        &format!("{}/_sandbox/notifications", env.sb.base_url()),
        Duration::from_secs(5),
    )
    .unwrap();
    assert!(json.text().contains("\"gaveUp\": true"));
}

#[test]
fn reversal_of_an_unknown_result() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(CARD_TIMEOUT_03, false);
    let (r, req) = env.consume(&token, 500, &recv.notify_url());
    assert_eq!(code(&r), "03");
    let mut rev = env.header("99", "01", "000000");
    rev.set("orderId", req.get("orderId").unwrap())
        .set("txnTime", req.get("txnTime").unwrap());
    assert_eq!(code(&env.back(rev)), "00");
    let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
    assert_eq!(q.get("origRespCode"), Some("01"));
    env.sb.advance(120);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        recv.received().is_empty(),
        "a reversed transaction is not notified"
    );
}
