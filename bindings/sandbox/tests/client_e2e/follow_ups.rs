//! After a payment: consume undo, refunds, reversal, pre-auth and its completion and undos.

use crate::prelude::*;

// ---------------------------------------------------------------------------------------
// 31/00 consume undo, 04/00 refund, 99/01 reversal

#[test]
fn consume_undo_same_day_full_amount_only() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let (_, note) = env.paid(&token, 5000);
    let qid = note.query_id.clone().unwrap();
    let (code, msg) = expect_failed(&env.call(&consume_undo(&env, &qid, 4000)));
    assert_eq!(code, "36", "a partial undo is refused");
    assert!(msg.contains("2050008"), "{msg}");
    let undo = consume_undo(&env, &qid, 5000);
    let outcome = env.call(&undo);
    assert_eq!(
        expect_accepted(&outcome).0.orig_qry_id(),
        Some(qid.as_str())
    );
    let n = env.notification_for(&undo);
    assert_eq!(n.api, Some(Api::ConsumeUndo));
    assert!(n.success);
    assert_eq!(n.orig_qry_id.as_deref(), Some(qid.as_str()));
    let outcome = env.query(&undo, 1);
    let q = expect_success(&outcome);
    assert_eq!(q.txn_type(), Some("31"));
    assert_eq!(q.orig_qry_id(), Some(qid.as_str()));
    // Undone: a second undo or a refund is 45.
    assert_eq!(
        expect_failed(&env.call(&consume_undo(&env, &qid, 5000))).0,
        "45"
    );
    assert_eq!(expect_failed(&env.call(&refund(&env, &qid, 100))).0, "45");
    // A partially refunded consume cannot be undone: 35.
    let (_, note) = env.paid(&token, 3000);
    let qid = note.query_id.unwrap();
    expect_accepted(&env.call(&refund(&env, &qid, 100)));
    assert_eq!(
        expect_failed(&env.call(&consume_undo(&env, &qid, 3000))).0,
        "35"
    );
    // An unknown origQryId: 35 [2040004].
    let (code, msg) = expect_failed(&env.call(&consume_undo(&env, "759999999999999999999", 3000)));
    assert_eq!(code, "35");
    assert!(msg.contains("2040004"), "{msg}");
}

#[test]
fn after_the_23_00_cutoff_undo_and_reversal_fail_39_but_refund_works() {
    let env = Env::start();
    env.sb.set_now(bj("20270310225000"));
    let token = env.open_token(DEBIT);
    let (pay, note) = env.paid(&token, 800);
    assert_eq!(note.settle_date.as_deref(), Some("0310"));
    let qid = note.query_id.unwrap();
    env.sb.advance(15 * 60); // 23:05 Beijing: the next clearing day
    let (code, msg) = expect_failed(&env.call(&consume_undo(&env, &qid, 800)));
    assert_eq!(code, "39");
    assert!(msg.contains("2040006"), "{msg}");
    let rev = reversal(&env, pay.order_id.as_deref().unwrap(), &pay.txn_time);
    assert_eq!(expect_failed(&env.call(&rev)).0, "39");
    let r = refund(&env, &qid, 800);
    expect_accepted(&env.call(&r));
    assert_eq!(
        env.notification_for(&r).settle_date.as_deref(),
        Some("0311")
    );
}

#[test]
fn refunds_partial_repeated_over_limit_and_fully_refunded() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let (pay, note) = env.paid(&token, 1000);
    let qid = note.query_id.unwrap();
    let first = refund(&env, &qid, 300);
    let outcome = env.call(&first);
    assert_eq!(
        expect_accepted(&outcome).0.orig_qry_id(),
        Some(qid.as_str())
    );
    let (code, msg) = expect_failed(&env.call(&refund(&env, &qid, 800)));
    assert_eq!(code, "36", "800 exceeds the 700 left: {msg}");
    let second = refund(&env, &qid, 700);
    expect_accepted(&env.call(&second));
    assert_eq!(expect_failed(&env.call(&refund(&env, &qid, 1))).0, "45");
    // Each refund is its own transaction: own notification, own status query.
    for (req, amount) in [(&first, 300), (&second, 700)] {
        let n = env.notification_for(req);
        assert_eq!(n.api, Some(Api::Refund));
        assert!(n.success);
        assert_eq!(
            (n.orig_qry_id.as_deref(), n.txn_amt),
            (Some(qid.as_str()), Some(amount))
        );
        let outcome = env.query(req, 1);
        assert_eq!(expect_success(&outcome).txn_type(), Some("04"));
    }
    // The consume itself still queries as a success.
    expect_success(&env.query(&pay, 1));
}

#[test]
fn reversal_is_final_and_the_reversed_consume_queries_as_failed() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let (pay, outcome, _) = env.pay(&token, 700);
    let qid = query_id(&outcome);
    let rev = reversal(&env, pay.order_id.as_deref().unwrap(), &pay.txn_time);
    assert_eq!(
        (&rev.order_id, &rev.txn_time, rev.endpoint),
        (&pay.order_id, &pay.txn_time, EndpointKind::Back)
    );
    assert_eq!(rev.fields.get("txnAmt"), None);
    expect_success(&env.call(&rev));
    let outcome = env.query(&pay, 1);
    assert_eq!(expect_failed(&outcome).0, "01");
    assert_eq!(expect_failed(&env.call(&rev)).0, "45");
    assert_eq!(expect_failed(&env.call(&refund(&env, &qid, 100))).0, "45");
    let unknown = reversal(&env, &order_id(), &env.now().to_txn_time());
    assert_eq!(expect_failed(&env.call(&unknown)).0, "35");
}

// ---------------------------------------------------------------------------------------
// 77/04 + 02/01 pre-auth, 03/00 completion, 33/00 completion undo, 32/00 pre-auth undo

#[test]
fn pre_auth_completion_up_to_115_percent_then_undos() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let sms = env
        .client
        .build_sms(
            &SmsParams {
                order_id: order_id(),
                purpose: SmsPurpose::PreAuth {
                    payer: Payer::Token(token.clone()),
                    txn_amt: 10_000,
                },
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(sms.fields.get("txnSubType"), Some("04"));
    expect_success(&env.call(&sms));
    let auth = env
        .client
        .build_pre_auth(
            &PreAuthParams {
                order: Order::AfterSms(sms.sms_pairing().unwrap()),
                txn_amt: 10_000,
                payer: Payer::Token(token),
                back_url: env.back_url(),
                customer_info: sms_only(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    expect_accepted(&env.call(&auth));
    let n = env.notification_for(&auth);
    assert_eq!(n.api, Some(Api::PreAuth));
    assert!(n.success);
    let pre = n.query_id.unwrap();

    let completion = |amount| {
        env.client
            .build_pre_auth_completion(
                &PreAuthCompletionParams {
                    order_id: order_id(),
                    orig_qry_id: pre.clone(),
                    txn_amt: amount,
                    back_url: env.back_url(),
                    req_reserved: None,
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap()
    };
    let pre_auth_undo = |amount| {
        env.client
            .build_pre_auth_undo(
                &PreAuthUndoParams {
                    order_id: order_id(),
                    orig_qry_id: pre.clone(),
                    txn_amt: amount,
                    back_url: env.back_url(),
                    req_reserved: None,
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap()
    };
    let (code, msg) = expect_failed(&env.call(&completion(11_501)));
    assert_eq!(code, "36", "above 115 %");
    assert!(msg.contains("2050008"), "{msg}");
    assert_eq!(expect_failed(&env.call(&pre_auth_undo(5_000))).0, "36");
    let done = completion(11_500);
    let outcome = env.call(&done);
    let comp = query_id(&outcome);
    expect_accepted(&outcome);
    let n = env.notification_for(&done);
    assert_eq!(
        (n.api, n.txn_amt),
        (Some(Api::PreAuthCompletion), Some(11_500))
    );
    assert!(n.success);
    let outcome = env.query(&done, 1);
    assert_eq!(expect_success(&outcome).txn_type(), Some("03"));
    // Completed: no second completion and no pre-auth undo.
    assert_eq!(expect_failed(&env.call(&completion(100))).0, "35");
    assert_eq!(expect_failed(&env.call(&pre_auth_undo(10_000))).0, "35");

    let completion_undo = |amount| {
        env.client
            .build_completion_undo(
                &CompletionUndoParams {
                    order_id: order_id(),
                    orig_qry_id: comp.clone(),
                    txn_amt: amount,
                    back_url: env.back_url(),
                    req_reserved: None,
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap()
    };
    assert_eq!(expect_failed(&env.call(&completion_undo(100))).0, "36");
    let cu = completion_undo(11_500);
    expect_accepted(&env.call(&cu));
    let n = env.notification_for(&cu);
    assert_eq!(n.api, Some(Api::CompletionUndo));
    assert!(n.success);
    assert_eq!(expect_failed(&env.call(&completion_undo(11_500))).0, "45");
    // The pre-auth holds again: it can be undone (full amount), once.
    let undo = pre_auth_undo(10_000);
    expect_accepted(&env.call(&undo));
    let n = env.notification_for(&undo);
    assert_eq!(n.api, Some(Api::PreAuthUndo));
    assert!(n.success);
    assert_eq!(expect_failed(&env.call(&pre_auth_undo(10_000))).0, "45");
}
