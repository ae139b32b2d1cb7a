//! What answers mean (spec §7): unknown is never failed, queries tell the truth, faults and refusals.

use crate::prelude::*;

#[test]
fn status_query_of_an_unknown_order_is_pending_not_found_never_failed() {
    let env = Env::start();
    let now = env.now();
    let query = |attempt| {
        env.client
            .build_status_query(
                &StatusQueryParams {
                    orig_order_id: "E2ENEVERSENT0001".into(),
                    orig_txn_time: now.to_txn_time(),
                    queried: QueriedTxn::back(Api::Consume, 500).unwrap(),
                    attempt,
                },
                now,
                &mut os_rng,
            )
            .unwrap()
    };
    let q = query(1);
    assert_eq!(q.endpoint, EndpointKind::Query);
    assert_eq!(q.url, env.client.endpoints().query);
    assert_eq!(q.fields.get("channelType"), None);
    let outcome = env.call_at(&env.client, &q, now);
    let (reason, at) = expect_pending(&outcome);
    assert_eq!(reason, PendingReason::NotFound);
    assert_eq!(at, Some(now.plus_seconds(2)));
    assert_eq!(outcome.decisive_code(), "34");
    assert!(outcome.response().resp_msg().contains("2600000"));
    // After the sixth quick query comes the slow tail, 5 minutes after the request.
    let outcome = env.call_at(&env.client, &query(6), now);
    assert_eq!(
        expect_pending(&outcome),
        (PendingReason::NotFound, Some(now.plus_seconds(237)))
    );
    // The last hourly query ends the schedule: the reconciliation file decides.
    let outcome = env.call_at(&env.client, &query(33), now);
    assert_eq!(expect_pending(&outcome), (PendingReason::NotFound, None));
}

#[test]
fn a_resent_consume_gets_12_and_stays_unknown_until_the_query_finds_the_first() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let pay = env.consume_request(&token, 600);
    // The first attempt gets no answer (the sandbox took the money); the merchant resends
    // the same request, as the SMS pairing makes it: same orderId and txnTime.
    env.sb.add_fault(FaultRule {
        order_id: pay.order_id.clone(),
        txn_types: vec!["01".into()],
        times: Some(1),
        ..FaultRule::global(FaultAction::NoAnswer { processed: true })
    });
    env.try_send(&pay, Duration::from_millis(300))
        .expect_err("no answer");
    assert!(pay.outcome_unknown_without_answer());
    let outcome = env.call(&pay);
    assert_eq!(expect_pending(&outcome).0, PendingReason::Duplicate);
    assert_eq!(outcome.decisive_code(), "12");
    // The query of that orderId and txnTime finds the first attempt: paid.
    assert_eq!(
        expect_success(&env.query(&pay, 1)).orig_resp_code(),
        Some("00")
    );
    // 12 on a request that moves no money is a plain failure.
    let sms = env
        .client
        .build_sms(
            &SmsParams {
                order_id: pay.order_id.clone().unwrap(),
                purpose: SmsPurpose::Consume {
                    payer: Payer::Token(token),
                    txn_amt: 600,
                },
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(expect_failed(&env.call(&sms)).0, "12");
}

#[test]
fn origrespcode_83_or_unknown_to_the_table_is_pending_never_failed() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let (pay, _) = env.paid(&token, 700);
    for code in ["83", "B7", "12"] {
        env.sb.add_fault(FaultRule {
            order_id: pay.order_id.clone(),
            txn_types: vec!["00".into()],
            times: Some(1),
            ..FaultRule::global(FaultAction::OrigRespCode { code: code.into() })
        });
        let outcome = env.query(&pay, 1);
        assert_eq!(expect_pending(&outcome).0, PendingReason::Unknown, "{code}");
        assert_eq!(outcome.decisive_code(), code);
    }
    expect_success(&env.query(&pay, 2));
}

#[test]
fn a_query_answer_about_the_sms_is_a_mismatch_never_the_consumes_result() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    // The consume is answered 03 but never reaches the gateway; its SMS did.
    let lost = env.consume_request(&token, 400);
    env.sb.add_fault(FaultRule {
        order_id: lost.order_id.clone(),
        txn_types: vec!["01".into()],
        times: Some(1),
        ..FaultRule::global(FaultAction::RespCode {
            code: "03".into(),
            truth: Truth::NotReceived,
            reveal_after_secs: 0,
        })
    });
    assert_eq!(expect_pending(&env.call(&lost)).0, PendingReason::Unknown);
    // The query by the consume's orderId and txnTime finds the 77/02 SMS, a success.
    let q = env
        .client
        .build_query_for(&lost, 1, env.now(), &mut os_rng)
        .unwrap();
    let body = env.send(&q);
    let outcome = env.client.handle_response(&q, &body, env.now()).unwrap();
    assert_eq!(outcome.response().txn_type(), Some("77"));
    assert_eq!(outcome.response().orig_resp_code(), Some("00"));
    assert_eq!(expect_pending(&outcome).0, PendingReason::Mismatch);
}

#[test]
fn a_reversal_answered_too_late_is_unknown_and_the_consume_query_tells() {
    let env = Env::start();
    let token = env.open_token(fault_card(CARD_TIMEOUT_03));
    let (pay, outcome, _) = env.pay(&token, 500);
    assert_eq!(expect_pending(&outcome).0, PendingReason::Unknown);
    let rev = reversal(&env, pay.order_id.as_deref().unwrap(), &pay.txn_time);
    env.sb.add_fault(FaultRule {
        order_id: pay.order_id.clone(),
        txn_types: vec!["99".into()],
        times: Some(1),
        ..FaultRule::global(FaultAction::Delay { ms: 1500 })
    });
    env.try_send(&rev, Duration::from_millis(300))
        .expect_err("the answer comes after the host's timeout");
    // No answer to a reversal: money may have moved back, or not.
    assert!(rev.outcome_unknown_without_answer());
    // It cannot be queried as itself: the query of its key reports the consume.
    let e = env
        .client
        .build_query_for(&rev, 1, env.now(), &mut os_rng)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    // The consume's own query: reversed, so the consume reads as failed.
    std::thread::sleep(Duration::from_millis(1300));
    assert_eq!(expect_failed(&env.query(&pay, 1)).0, "01");
}

// ---------------------------------------------------------------------------------------
// Faults: unknown results, no answer, dropped connection, slow answer, declines,
// lost and failing notifications

#[test]
fn fault_cards_03_04_05_are_pending_until_the_query_tells_the_truth() {
    let env = Env::start();
    let mut pays = Vec::new();
    for (pan, code) in [
        (CARD_TIMEOUT_03, "03"),
        (CARD_UNKNOWN_04, "04"),
        (CARD_PENDING_05, "05"),
    ] {
        let token = env.open_token(fault_card(pan));
        let (pay, outcome, now) = env.pay(&token, 500);
        let (reason, at) = expect_pending(&outcome);
        assert_eq!(
            (reason, at, outcome.decisive_code()),
            (PendingReason::Unknown, Some(now.plus_seconds(1)), code)
        );
        let qnow = env.now();
        let outcome = env.query_at(&pay, 1, qnow);
        assert_eq!(
            expect_pending(&outcome),
            (PendingReason::Unknown, Some(qnow.plus_seconds(2)))
        );
        assert_eq!(outcome.decisive_code(), "05");
        pays.push(pay);
    }
    for pay in &pays {
        env.assert_no_notification_for(pay, Duration::from_millis(100));
    }
    env.sb.advance(61);
    for pay in &pays {
        let outcome = env.query(pay, 2);
        assert_eq!(expect_success(&outcome).orig_resp_code(), Some("00"));
        assert!(env.notification_for(pay).success);
    }
}

#[test]
fn run_time_faults_failure_truth_and_a_request_that_never_arrived() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    // Answered 04, really declined with 30 (visible after 30 s of sandbox time).
    let pay = env.consume_request(&token, 400);
    env.sb.add_fault(FaultRule {
        order_id: pay.order_id.clone(),
        txn_types: vec!["01".into()],
        times: Some(1),
        ..FaultRule::global(FaultAction::RespCode {
            code: "04".into(),
            truth: Truth::Failure("30".into()),
            reveal_after_secs: 30,
        })
    });
    let outcome = env.call(&pay);
    assert_eq!(expect_pending(&outcome).0, PendingReason::Unknown);
    assert_eq!(outcome.decisive_code(), "04");
    assert_eq!(
        expect_pending(&env.query(&pay, 1)).0,
        PendingReason::Unknown
    );
    env.sb.advance(31);
    assert_eq!(expect_failed(&env.query(&pay, 2)).0, "30");
    let n = env.notification_for(&pay);
    assert!(!n.success);
    assert_eq!(n.resp_code, "30");

    // Answered 03 but never processed: the query finds only its SMS, which says nothing
    // about the consume: still unknown.
    let lost = env.consume_request(&token, 400);
    env.sb.add_fault(FaultRule {
        order_id: lost.order_id.clone(),
        txn_types: vec!["01".into()],
        times: Some(1),
        ..FaultRule::global(FaultAction::RespCode {
            code: "03".into(),
            truth: Truth::NotReceived,
            reveal_after_secs: 0,
        })
    });
    assert_eq!(expect_pending(&env.call(&lost)).0, PendingReason::Unknown);
    assert_eq!(
        expect_pending(&env.query(&lost, 1)).0,
        PendingReason::Mismatch
    );

    // The status query itself answered 37 (too frequent): slow down, still pending.
    env.sb.add_fault(FaultRule {
        txn_types: vec!["00".into()],
        times: Some(1),
        ..FaultRule::global(FaultAction::RespCode {
            code: "37".into(),
            truth: Truth::Success,
            reveal_after_secs: 0,
        })
    });
    let qnow = env.now();
    let outcome = env.query_at(&pay, 3, qnow);
    assert_eq!(
        expect_pending(&outcome),
        (PendingReason::TooFrequent, Some(qnow.plus_seconds(8)))
    );
    assert_eq!(expect_failed(&env.query(&pay, 4)).0, "30");
}

#[test]
fn no_answer_and_dropped_connection_then_the_query_finds_the_payment() {
    let env = Env::start();
    for pan in [CARD_NO_ANSWER, CARD_DROP] {
        let token = env.open_token(fault_card(pan));
        let pay = env.consume_request(&token, 500);
        let started = Instant::now();
        let err = env
            .try_send(&pay, Duration::from_millis(500))
            .expect_err("no answer");
        if pan == CARD_NO_ANSWER {
            assert!(
                started.elapsed() >= Duration::from_millis(450),
                "the host's timeout decided: {err}"
            );
        }
        // No answer is "unknown": the status query finds the processed payment.
        let outcome = env.query(&pay, 1);
        assert_eq!(expect_success(&outcome).orig_resp_code(), Some("00"));
        assert!(env.notification_for(&pay).success);
    }
}

#[test]
fn slow_answer_within_the_hosts_timeout_is_handled_normally() {
    let env = Env::start();
    let token = env.open_token(fault_card(CARD_SLOW));
    let pay = env.consume_request(&token, 500);
    let started = Instant::now();
    let answer = env.try_send(&pay, Duration::from_secs(5)).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1400));
    let outcome = env
        .client
        .handle_response(&pay, &answer.body, env.now())
        .unwrap();
    expect_accepted(&outcome);
    assert!(env.notification_for(&pay).success);
}

#[test]
fn declined_after_acceptance_is_a_failed_notification_and_query() {
    let env = Env::start();
    let token = env.open_token(fault_card(CARD_NO_BALANCE));
    let (pay, outcome, _) = env.pay(&token, 500);
    let qid = query_id(&outcome);
    expect_accepted(&outcome);
    let n = env.notification_for(&pay);
    assert!(!n.success);
    assert_eq!(n.resp_code, "64");
    assert_eq!(expect_failed(&env.query(&pay, 1)).0, "64");
    assert_eq!(expect_failed(&env.call(&refund(&env, &qid, 100))).0, "35");
}

#[test]
fn unknown_result_consume_reversed_on_the_same_day() {
    let env = Env::start();
    let token = env.open_token(fault_card(CARD_TIMEOUT_03));
    let (pay, outcome, _) = env.pay(&token, 500);
    assert_eq!(expect_pending(&outcome).0, PendingReason::Unknown);
    let rev = reversal(&env, pay.order_id.as_deref().unwrap(), &pay.txn_time);
    expect_success(&env.call(&rev));
    let outcome = env.query(&pay, 1);
    assert_eq!(expect_failed(&outcome).0, "01");
    // Reversed before its result was revealed: it stays reversed and is never notified.
    env.sb.advance(61);
    assert_eq!(expect_failed(&env.query(&pay, 2)).0, "01");
    env.assert_no_notification_for(&pay, Duration::from_millis(300));
}

// ---------------------------------------------------------------------------------------
// More outcome classes: refusals of payments, refusals on the cardholder page

#[test]
fn payment_refusals_are_failed_outcomes_not_pending() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let consume = |token: &str, amount: u64, order: Order, info: CustomerInfo| {
        env.client
            .build_consume(
                &ConsumeParams {
                    order,
                    txn_amt: amount,
                    payer: Payer::Token(token.to_owned()),
                    back_url: env.back_url(),
                    customer_info: info,
                    req_reserved: None,
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap()
    };
    // Above the single-transaction limit: 33.
    let sms = env.sms_consume(&token, 100_000_001);
    let pay = consume(
        &token,
        100_000_001,
        Order::AfterSms(sms.sms_pairing().unwrap()),
        sms_only(),
    );
    assert_eq!(expect_failed(&env.call(&pay)).0, "33");
    // An SMS code that always fails, and a code older than 10 minutes: 71.
    let sms = env.sms_consume(&token, 100);
    let pay = consume(
        &token,
        100,
        Order::AfterSms(sms.sms_pairing().unwrap()),
        CustomerInfo {
            sms_code: Some("654321".into()),
            ..CustomerInfo::default()
        },
    );
    assert_eq!(expect_failed(&env.call(&pay)).0, "71");
    let sms = env.sms_consume(&token, 100);
    env.sb.advance(11 * 60);
    let pay = consume(
        &token,
        100,
        Order::AfterSms(sms.sms_pairing().unwrap()),
        sms_only(),
    );
    let (code, msg) = expect_failed(&env.call(&pay));
    assert_eq!(code, "71");
    assert!(msg.contains("expired"), "{msg}");
    // Five years later the token has expired: 80, for the SMS and for the payment.
    env.sb.advance(5 * 366 * 86_400);
    assert_eq!(
        expect_failed(&env.call(&env.sms_consume_request(&token, 100))).0,
        "80"
    );
    let pay = consume(&token, 100, Order::New(order_id()), sms_only());
    assert_eq!(expect_failed(&env.call(&pay)).0, "80");
    env.assert_no_notification_for(&pay, Duration::from_millis(100));
}

#[test]
fn front_payment_refused_on_the_cardholder_page_is_final_only_after_pay_timeout() {
    let env = Env::start();
    let req = open_and_pay(&env, fault_card(CARD_NO_BALANCE), 500, Some(120));
    let cashier = env.browser_submit(&req);
    let page = env.cardholder_confirms(
        &cashier,
        &[
            ("phoneNo", DEBIT.phone),
            ("smsCode", SMS_CODE),
            ("customerNm", "全渠道"),
        ],
    );
    let front = env
        .client
        .verify_front_notification(&env.browser_returns(&page), env.now())
        .unwrap();
    assert!(front.matches(&req));
    assert!(!front.success);
    assert_eq!(front.resp_code, "64");
    // Before payTimeout a failure is not final on a front transaction.
    let outcome = env.query(&req, 1);
    assert_eq!(
        expect_pending(&outcome).0,
        PendingReason::AwaitingCardholder
    );
    assert_eq!(outcome.decisive_code(), "64");
    env.sb.advance(121 + FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS);
    assert_eq!(expect_failed(&env.query(&req, 2)).0, "64");
    // Front failures are not notified to backUrl.
    env.assert_no_notification_for(&req, Duration::from_millis(200));
}

#[test]
fn following_query_at_reaches_the_truth_within_the_back_query_schedule() {
    let env = Env::start();
    let token = env.open_token(fault_card(CARD_PENDING_05));
    let (pay, outcome, _) = env.pay(&token, 500);
    // The host sleeps until query_at; here the sandbox clock jumps there instead.
    let mut next = outcome.query_at();
    let mut attempt = 0;
    let mut times = Vec::new();
    let success_at = loop {
        let at = next.expect("the schedule ended without an answer");
        attempt += 1;
        env.sb.set_now(at);
        times.push(at);
        let outcome = env.query_at(&pay, attempt, at);
        if outcome.is_success() {
            break attempt;
        }
        assert_eq!(expect_pending(&outcome).0, PendingReason::Unknown);
        next = outcome.query_at();
    };
    // 1, 3, 7, 15, 31 and 63 s after the request: the 60 s reveal is seen by query 6.
    let gaps: Vec<i64> = times
        .windows(2)
        .map(|w| w[1].unix_seconds() - w[0].unix_seconds())
        .collect();
    assert_eq!(gaps, vec![2, 4, 8, 16, 32]);
    assert_eq!(success_at, 6);
    assert!(env.notification_for(&pay).success);
}
