//! End-to-end tests of every product API of the typed `Client` against the local sandbox,
//! over real HTTP on 127.0.0.1, the way a merchant host uses the library: build a typed
//! request with the sandbox's clock as `now` and getrandom as `rng`, POST its body, hand
//! the answer to `handle_response`, verify every notification with `verify_notification`
//! and tie it to its request with `matches`. Expected outcomes follow spec §7–§8.
//!
//! The helpers (merchant environment, receiver, browser stand-in) are in
//! `client_e2e/support.rs`.
#![allow(clippy::disallowed_methods)] // the tests are hosts: sockets, sleeps, real time

#[path = "client_e2e/support.rs"]
mod support;

use acp_sandbox::{
    AttemptOutcome, FaultAction, FaultRule, Truth, CARD_DROP, CARD_NOTIFY_FAIL, CARD_NO_ANSWER,
    CARD_NO_BALANCE, CARD_PENDING_05, CARD_SLOW, CARD_TIMEOUT_03, CARD_UNKNOWN_04,
};
use std::time::{Duration, Instant};
use support::*;
use unionpay_acp::card::{CustomerInfo, CustomerInfoMode};
use unionpay_acp::client::{
    Api, BackOpenParams, CompletionUndoParams, ConsumeParams, ConsumeUndoParams, DeleteTokenParams,
    EndpointKind, FileTransferParams, FrontOpenParams, KeyUpdate, KeyUpdateQueryParams,
    NotificationSource, OpenAndPayParams, OpenQueryParams, Order, Payer, PendingReason,
    PreAuthCompletionParams, PreAuthParams, PreAuthUndoParams, QueriedTxn, RefundParams,
    ReversalParams, SmsKind, SmsParams, SmsPurpose, StatusQueryParams, UpdateTokenParams,
    DEFAULT_PAY_TIMEOUT_SECONDS, FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS,
    KEY_UPDATE_INTERVAL_SECONDS,
};
use unionpay_acp::crypto::default_backend;
use unionpay_acp::file::ArchiveLimits;
use unionpay_acp::secret::{Cvn2, Pin, SecureKey};
use unionpay_acp::{
    Client, Credentials, ErrorCode, ErrorKind, MerchantKey, Outcome, OutgoingRequest, SignMethod,
    VerifyStep,
};

/// A reqReserved with a space, `=`, `%`, `+`, `/` and CJK: it travels raw in synchronous
/// answers, form-encoded in notifications and HTML-escaped in the front form.
const TRICKY_RESERVED: &str = "cart 42=ok%2B+x/订单";

fn sms_open(client: &Client, env: &Env, card: Card) -> OutgoingRequest {
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

fn key_update_request(client: &Client, env: &Env) -> OutgoingRequest {
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

fn refund(env: &Env, orig_qry_id: &str, amount: u64) -> OutgoingRequest {
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

fn consume_undo(env: &Env, orig_qry_id: &str, amount: u64) -> OutgoingRequest {
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

fn reversal(env: &Env, orig_order_id: &str, orig_txn_time: &str) -> OutgoingRequest {
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

fn open_and_pay(env: &Env, card: Card, amount: u64, timeout_secs: Option<i64>) -> OutgoingRequest {
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

fn query_id(o: &Outcome) -> String {
    let qid = o.response().query_id().expect("a queryId").to_owned();
    assert_eq!(qid.len(), 21, "{qid}");
    assert!(qid.bytes().all(|b| b.is_ascii_digit()), "{qid}");
    qid
}

// ---------------------------------------------------------------------------------------
// 95/00 encryption key update

#[test]
fn key_update_query_replaces_then_unchanged_then_follows_a_rotation() {
    let env = Env::bare();
    // Without UnionPay's encryption certificate no card data can be sent.
    let err = env
        .client
        .build_sms(
            &SmsParams {
                order_id: order_id(),
                purpose: SmsPurpose::Open {
                    acc_no: DEBIT.pan(),
                },
                customer_info: DEBIT.phone_only(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MissingField, "{err}");

    let now = env.now();
    let req = key_update_request(&env.client, &env);
    assert_eq!(req.endpoint, EndpointKind::Back);
    assert_eq!(req.url, env.client.endpoints().back);
    assert_eq!(req.fields.get("certType"), Some("01"));
    let body = env.send(&req);
    let outcome = env.client.handle_response(&req, &body, now).unwrap();
    assert_eq!(expect_success(&outcome).get("certType"), Some("01"));
    let client = match env.client.handle_key_update(&req, &body, now).unwrap() {
        KeyUpdate::Replaced {
            cert_id,
            pem,
            next_check_at,
        } => {
            assert_eq!(cert_id, "7000000000021");
            assert!(
                pem.starts_with("-----BEGIN CERTIFICATE-----\r\n"),
                "CRLF PEM as sent: {pem:?}"
            );
            assert_eq!(next_check_at, now.plus_seconds(KEY_UPDATE_INTERVAL_SECONDS));
            env.client.with_encryption_cert_pem(pem.as_bytes()).unwrap()
        }
        other => panic!("expected Replaced, got {other:?}"),
    };
    // Asked again with the certificate configured: unchanged.
    let req = key_update_request(&client, &env);
    match client
        .handle_key_update(&req, &env.send(&req), env.now())
        .unwrap()
    {
        KeyUpdate::Unchanged { cert_id, .. } => assert_eq!(cert_id, "7000000000021"),
        other => panic!("expected Unchanged, got {other:?}"),
    }
    // The certificate works: the sandbox decrypts the card number and the phone.
    let sms = sms_open(&client, &env, DEBIT);
    assert_eq!(sms.fields.get("encryptCertId"), Some("7000000000021"));
    expect_success(&env.call_with(&client, &sms));

    // UnionPay rotates its encryption key: the next check returns the successor.
    assert_eq!(env.sb.rotate_encryption_cert(1), "7000000000022");
    let req = key_update_request(&client, &env);
    let rotated = match client
        .handle_key_update(&req, &env.send(&req), env.now())
        .unwrap()
    {
        KeyUpdate::Replaced { cert_id, pem, .. } => {
            assert_eq!(cert_id, "7000000000022");
            client.with_encryption_cert_pem(pem.as_bytes()).unwrap()
        }
        other => panic!("expected Replaced after the rotation, got {other:?}"),
    };
    let req = key_update_request(&rotated, &env);
    assert!(matches!(
        rotated
            .handle_key_update(&req, &env.send(&req), env.now())
            .unwrap(),
        KeyUpdate::Unchanged { ref cert_id, .. } if cert_id == "7000000000022"
    ));
    // Both certificates work during the overlap.
    let sms = sms_open(&rotated, &env, DEBIT);
    assert_eq!(sms.fields.get("encryptCertId"), Some("7000000000022"));
    expect_success(&env.call_with(&rotated, &sms));
    expect_success(&env.call_with(&client, &sms_open(&client, &env, DEBIT)));
}

// ---------------------------------------------------------------------------------------
// 77/00 + 79/00 back open, 79/03 update, 74/01 delete

#[test]
fn sms_open_then_back_open_returns_the_token_synchronously() {
    let env = Env::start();
    let sms = sms_open(&env.client, &env, CREDIT);
    assert_eq!(
        (sms.fields.get("txnType"), sms.fields.get("txnSubType")),
        (Some("77"), Some("00"))
    );
    expect_success(&env.call(&sms));
    let open = env
        .client
        .build_back_open(
            &BackOpenParams {
                order: Order::AfterSms(sms.sms_pairing().unwrap()),
                acc_no: CREDIT.pan(),
                customer_info: CREDIT.open_info(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(
        (&open.order_id, &open.txn_time),
        (&sms.order_id, &sms.txn_time)
    );
    let outcome = env.call(&open);
    let r = expect_success(&outcome);
    let tpd = r.token_pay_data().unwrap().expect("tokenPayData");
    let token = tpd.token.clone().unwrap();
    assert_eq!(token.len(), 19);
    assert!(token.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(tpd.tr_id.as_deref(), Some(TR_ID));
    assert_eq!(tpd.token_type.as_deref(), Some("01"));
    let year = |t: &Option<String>| t.as_deref().unwrap()[..4].parse::<u32>().unwrap();
    assert_eq!(year(&tpd.token_begin) + 5, year(&tpd.token_end));
    assert_eq!(r.activate_status(), Some("1"));
    // accNo and customerInfo come encrypted to the merchant certificate.
    assert_ne!(r.get("accNo"), Some(CREDIT.last4()));
    assert_eq!(
        r.decrypt_acc_no(&env.client).unwrap().unwrap().as_str(),
        CREDIT.last4()
    );
    let plain = r.customer_info().unwrap().unwrap();
    assert!(plain.is_encrypted());
    assert_eq!(plain.get("phoneNo"), None);
    let info = r.decrypt_customer_info(&env.client).unwrap().unwrap();
    assert_eq!(info.get("phoneNo"), Some(CREDIT.phone));
    // One token per card and trId: opening again returns it.
    assert_eq!(env.open_token(CREDIT), token);
    // Refusals are final: wrong CVN2 65; an SMS code that always fails 71.
    let wrong_cvn2 = env
        .client
        .build_back_open(
            &BackOpenParams {
                order: Order::New(order_id()),
                acc_no: CREDIT.pan(),
                customer_info: CustomerInfo {
                    cvn2: Some(Cvn2::new("999").unwrap()),
                    sms_code: None,
                    ..CREDIT.open_info()
                },
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(expect_failed(&env.call(&wrong_cvn2)).0, "65");
    let sms = sms_open(&env.client, &env, CREDIT);
    expect_success(&env.call(&sms));
    let bad_code = env
        .client
        .build_back_open(
            &BackOpenParams {
                order: Order::AfterSms(sms.sms_pairing().unwrap()),
                acc_no: CREDIT.pan(),
                customer_info: CustomerInfo {
                    sms_code: Some("123456".into()),
                    ..CREDIT.open_info()
                },
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(expect_failed(&env.call(&bad_code)).0, "71");
    // A debit card opened with its PIN (a PIN block encrypted to UnionPay): checked.
    let with_pin = |pin: &str| {
        env.client
            .build_back_open(
                &BackOpenParams {
                    order: Order::New(order_id()),
                    acc_no: DEBIT.pan(),
                    customer_info: CustomerInfo {
                        pin: Some(Pin::new(pin).unwrap()),
                        sms_code: None,
                        ..DEBIT.open_info()
                    },
                    req_reserved: None,
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap()
    };
    let open = with_pin("123456");
    let outcome = env.call(&open);
    expect_success(&outcome);
    assert_eq!(expect_failed(&env.call(&with_pin("654321"))).0, "65");
    // Its answer was final: the query helper refuses to look it up again (the status
    // query would report whatever else shares its orderId and txnTime).
    let e = env
        .client
        .build_query_for(&open, 1, env.now(), &mut os_rng)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
}

#[test]
fn update_token_then_delete_token_and_the_deleted_token_cannot_pay() {
    let env = Env::start();
    let old = env.open_token(CREDIT);
    // 79/03 after an open SMS: a new token replaces the old one.
    let sms = sms_open(&env.client, &env, CREDIT);
    expect_success(&env.call(&sms));
    let update = env
        .client
        .build_update_token(
            &UpdateTokenParams {
                order: Order::AfterSms(sms.sms_pairing().unwrap()),
                token: old.clone(),
                customer_info: CREDIT.open_info(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(update.order_id, sms.order_id);
    let outcome = env.call(&update);
    let new = token_of(expect_success(&outcome));
    assert_ne!(new, old);
    let (code, _) = expect_failed(&env.call(&env.sms_consume_request(&old, 100)));
    assert_eq!(code, "40", "the replaced token no longer works");
    expect_accepted(&env.pay(&new, 100).1);

    // 74/01: deleted, the token can neither get an SMS nor pay.
    let delete = |token: &str| {
        env.client
            .build_delete_token(
                &DeleteTokenParams {
                    order_id: order_id(),
                    token: token.to_owned(),
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap()
    };
    expect_success(&env.call(&delete(&new)));
    let (code, msg) = expect_failed(&env.call(&env.sms_consume_request(&new, 100)));
    assert_eq!(code, "40");
    assert!(msg.contains("3900002"), "{msg}");
    let pay = env
        .client
        .build_consume(
            &ConsumeParams {
                order: Order::New(order_id()),
                txn_amt: 100,
                payer: Payer::Token(new.clone()),
                back_url: env.back_url(),
                customer_info: sms_only(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(expect_failed(&env.call(&pay)).0, "40");
    assert_eq!(expect_failed(&env.call(&delete(&new))).0, "40");
    // Opening the card again gives another token, which pays.
    let again = env.open_token(CREDIT);
    assert!(again != new && again != old);
    expect_accepted(&env.pay(&again, 100).1);
}

// ---------------------------------------------------------------------------------------
// 79/00 front open, 78/02 open query

#[test]
fn front_open_form_cardholder_page_notifications_and_open_query() {
    let env = Env::start();
    let now = env.now();
    let req = env
        .client
        .build_front_open(
            &FrontOpenParams {
                order_id: order_id(),
                front_url: env.front_url(),
                back_url: env.back_url(),
                acc_no: Some(DEBIT2.pan()),
                customer_info: DEBIT2.phone_only(),
                // Values the page must escape and the browser must give back unchanged.
                reserved: vec![
                    ("customPage".into(), "true".into()),
                    ("note".into(), "<b>\"x\" 'y'</b>".into()),
                ],
                front_fail_url: Some(env.inbox.url("/fail?a=1;b=<2>")),
                req_reserved: Some(TRICKY_RESERVED.into()),
                ..FrontOpenParams::default()
            },
            now,
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(req.endpoint, EndpointKind::Front);
    assert_eq!(
        req.pay_timeout,
        Some(now.plus_seconds(DEFAULT_PAY_TIMEOUT_SECONDS))
    );
    // The page posts exactly the signed fields to the front endpoint.
    let form = HtmlForm::parse(req.html.as_deref().unwrap()).unwrap();
    assert_eq!(form.inputs.len(), req.fields.iter().count());
    for (k, v) in req.fields.iter() {
        assert_eq!(form.get(k), Some(v), "{k}");
    }
    // A front request has no synchronous answer.
    let err = env
        .client
        .handle_response(&req, b"respCode=00", now)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidArgument);

    let cashier = env.browser_submit(&req);
    assert!(cashier.contains("UnionPay sandbox cashier"), "{cashier}");
    // Before the cardholder confirms: not opened (78/02 says 34), the query waits.
    let open_query = env
        .client
        .build_open_query(
            &OpenQueryParams {
                orig_order_id: req.order_id.clone().unwrap(),
                orig_txn_time: req.txn_time.clone(),
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(expect_failed(&env.call(&open_query)).0, "34");
    // A front open is looked up with the open query, not the status query.
    let e = env
        .client
        .build_query_for(&req, 1, env.now(), &mut os_rng)
        .unwrap_err();
    assert!(e.message().contains("open query"), "{e}");

    // The cardholder confirms (the card number is pre-filled from accNo).
    let page = env.cardholder_confirms(
        &cashier,
        &[
            ("phoneNo", DEBIT2.phone),
            ("smsCode", SMS_CODE),
            ("customerNm", "张三"),
        ],
    );
    let front = env
        .client
        .verify_front_notification(&env.browser_returns(&page), env.now())
        .unwrap();
    assert_eq!(front.source, NotificationSource::Front);
    assert_eq!(front.api, Some(Api::FrontOpen));
    assert!(front.success && front.matches(&req), "{front:?}");
    assert_eq!(front.response.req_reserved(), Some(TRICKY_RESERVED));
    let token = front
        .token_pay_data
        .as_ref()
        .and_then(|t| t.token.clone())
        .expect("the front notification carries the token");

    let back = env.notification_for(&req);
    assert_eq!(back.source, NotificationSource::Back);
    assert_eq!(back.api, Some(Api::FrontOpen));
    assert!(back.success);
    assert_eq!(
        back.token_pay_data
            .as_ref()
            .and_then(|t| t.token.as_deref()),
        Some(token.as_str())
    );
    assert_eq!(
        back.response
            .decrypt_acc_no(&env.client)
            .unwrap()
            .unwrap()
            .as_str(),
        DEBIT2.last4()
    );
    // 78/02 now finds the open with the same token.
    let outcome = env.call(&open_query);
    let r = expect_success(&outcome);
    assert_eq!(token_of(r), token);
    assert_eq!(r.activate_status(), Some("1"));
    expect_accepted(&env.pay(&token, 100).1);
}

// ---------------------------------------------------------------------------------------
// 01/01 front open-and-pay, 79/05 apply token

#[test]
fn open_and_pay_front_then_apply_token_by_order() {
    let env = Env::start();
    let req = open_and_pay(&env, CREDIT, 2500, None);
    assert_eq!(req.endpoint, EndpointKind::Front);
    assert_eq!(req.txn_amt, Some(2500));
    let cashier = env.browser_submit(&req);
    assert!(cashier.contains("open and pay"), "{cashier}");
    // Not paid yet: no token, and the status query waits for the cardholder.
    assert_eq!(expect_failed(&env.apply_token(&req)).0, "35");
    assert_eq!(
        expect_pending(&env.query(&req, 1)).0,
        PendingReason::AwaitingCardholder
    );

    let page = env.cardholder_confirms(
        &cashier,
        &[
            ("phoneNo", CREDIT.phone),
            ("cvn2", "123"),
            ("expired", "2311"),
            ("smsCode", SMS_CODE),
        ],
    );
    let front = env
        .client
        .verify_front_notification(&env.browser_returns(&page), env.now())
        .unwrap();
    // An open-and-pay reads as a consume (01/01); `matches` ties it to the request.
    assert_eq!(front.api, Some(Api::Consume));
    assert!(front.success && front.matches(&req), "{front:?}");
    assert_eq!(front.txn_amt, Some(2500));
    assert_eq!(front.response.req_reserved(), Some(TRICKY_RESERVED));

    let n = env.notification_for(&req);
    assert_eq!(
        (n.source, n.api),
        (NotificationSource::Back, Some(Api::Consume))
    );
    assert!(n.success);
    assert_eq!((n.txn_amt, n.settle_amt), (Some(2500), Some(2500)));
    assert_eq!(n.response.req_reserved(), Some(TRICKY_RESERVED));
    let outcome = env.query(&req, 2);
    assert_eq!(expect_success(&outcome).query_id(), n.query_id.as_deref());

    // 79/05 with the open-and-pay's orderId/txnTime: the token, which pays.
    let outcome = env.apply_token(&req);
    let r = expect_success(&outcome);
    let token = token_of(r);
    assert_eq!(
        r.token_pay_data().unwrap().unwrap().tr_id.as_deref(),
        Some(TR_ID)
    );
    let (pay, outcome, _) = env.pay(&token, 100);
    expect_accepted(&outcome);
    // 79/05 for an order that is not an open-and-pay: 35.
    assert_eq!(expect_failed(&env.apply_token(&pay)).0, "35");
}

#[test]
fn open_and_pay_never_submitted_fails_only_after_pay_timeout() {
    let env = Env::start();
    let req = open_and_pay(&env, CREDIT, 800, Some(60));
    let timeout = req.pay_timeout.unwrap();
    let cashier = env.browser_submit(&req);
    let qnow = env.now();
    let (reason, at) = expect_pending(&env.query_at(&req, 1, qnow));
    assert_eq!(reason, PendingReason::AwaitingCardholder);
    assert_eq!(at, Some(qnow.plus_seconds(300)));
    // Just after payTimeout by the host's clock UnionPay's may not be there yet: the
    // answer is final only minutes later, and the next query is then.
    env.sb.advance(61);
    let qnow = env.now();
    let (reason, at) = expect_pending(&env.query_at(&req, 2, qnow));
    assert_eq!(reason, PendingReason::AwaitingCardholder);
    assert_eq!(
        at,
        Some(timeout.plus_seconds(FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS))
    );
    env.sb.advance(FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS);
    let outcome = env.query(&req, 3);
    assert_eq!(expect_failed(&outcome).0, "34");
    // The cardholder comes back too late: refused, nothing is notified.
    let page = env.cardholder_confirms(
        &cashier,
        &[
            ("phoneNo", CREDIT.phone),
            ("cvn2", "123"),
            ("expired", "2311"),
            ("smsCode", SMS_CODE),
        ],
    );
    assert!(page.contains("payTimeout"), "{page}");
    assert_eq!(expect_failed(&env.query(&req, 4)).0, "34");
    env.assert_no_notification_for(&req, Duration::from_millis(300));
}

// ---------------------------------------------------------------------------------------
// 77/02 + 01/01 consume (token and card), 00/00 status query

#[test]
fn token_consume_accepted_then_notified_then_queried_success() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let sms = env.sms_consume(&token, 1000);
    let pairing = sms.sms_pairing().unwrap();
    assert_eq!(pairing.txn_amt, Some(1000));
    let consume = |amount: u64, now| {
        env.client.build_consume(
            &ConsumeParams {
                order: Order::AfterSms(pairing.clone()),
                txn_amt: amount,
                payer: Payer::Token(token.clone()),
                back_url: env.back_url(),
                customer_info: sms_only(),
                req_reserved: Some(TRICKY_RESERVED.into()),
            },
            now,
            &mut os_rng,
        )
    };
    // The builder refuses an amount that differs from the SMS's.
    let err = consume(999, env.now()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidAmount);
    let now = env.now();
    let pay = consume(1000, now).unwrap();
    assert_eq!(pay.fields.get("bizType"), Some("000902"));
    let outcome = env.call_at(&env.client, &pay, now);
    let (r, query_at) = expect_accepted(&outcome);
    assert_eq!(query_at, now.plus_seconds(1));
    assert_eq!(outcome.decisive_code(), "00");
    assert_eq!(r.txn_amt().unwrap(), Some(1000));
    assert_eq!(r.req_reserved(), Some(TRICKY_RESERVED));
    let qid = query_id(&outcome);

    let n = env.notification_for(&pay);
    assert_eq!(
        (n.source, n.api),
        (NotificationSource::Back, Some(Api::Consume))
    );
    assert!(n.success);
    assert_eq!(n.resp_code, "00");
    assert_eq!(n.query_id.as_deref(), Some(qid.as_str()));
    assert_eq!((n.txn_amt, n.settle_amt), (Some(1000), Some(1000)));
    let today = acp_sandbox::calendar::clearing_date(env.now(), 23 * 60);
    assert_eq!(n.settle_date.as_deref(), Some(&today[4..8]));
    assert_eq!(n.trace_no.as_deref().map(str::len), Some(6));
    assert_eq!(n.response.req_reserved(), Some(TRICKY_RESERVED));
    assert_eq!(
        n.response
            .decrypt_acc_no(&env.client)
            .unwrap()
            .unwrap()
            .as_str(),
        "621626*********0018"
    );
    // Same orderId and txnTime as its SMS, but the notification is the consume's.
    assert!(!n.matches(&sms));

    let outcome = env.query(&pay, 1);
    let q = expect_success(&outcome);
    assert_eq!((q.txn_type(), q.orig_resp_code()), (Some("01"), Some("00")));
    assert_eq!(q.query_id(), Some(qid.as_str()));
    assert_eq!(q.settle_date(), n.settle_date.as_deref());
}

#[test]
fn standard_consume_by_card_number_000301() {
    let env = Env::start();
    // The standard product opens the card with bizType 000301 (no token is issued).
    let standard = env.client_with(|c| c.biz_types.token = "000301".into());
    let sms = sms_open(&standard, &env, DEBIT2);
    assert_eq!(sms.fields.get("bizType"), Some("000301"));
    expect_success(&env.call_with(&standard, &sms));
    let open = standard
        .build_back_open(
            &BackOpenParams {
                order: Order::AfterSms(sms.sms_pairing().unwrap()),
                acc_no: DEBIT2.pan(),
                customer_info: DEBIT2.open_info(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    let outcome = env.call_with(&standard, &open);
    assert!(expect_success(&outcome).token_pay_data().unwrap().is_none());

    // Consume by card number (accNo encrypted, bizType 000301) after a consume SMS.
    let sms = env
        .client
        .build_sms(
            &SmsParams {
                order_id: order_id(),
                purpose: SmsPurpose::Consume {
                    payer: Payer::Card(DEBIT2.pan()),
                    txn_amt: 300,
                },
                customer_info: DEBIT2.phone_only(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(sms.fields.get("bizType"), Some("000301"));
    assert_ne!(sms.fields.get("accNo"), Some(DEBIT2.pan));
    expect_success(&env.call(&sms));
    let pay = env
        .client
        .build_consume(
            &ConsumeParams {
                order: Order::AfterSms(sms.sms_pairing().unwrap()),
                txn_amt: 300,
                payer: Payer::Card(DEBIT2.pan()),
                back_url: env.back_url(),
                customer_info: CustomerInfo {
                    sms_code: Some(SMS_CODE.into()),
                    ..DEBIT2.phone_only()
                },
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(
        (pay.fields.get("bizType"), pay.fields.get("tokenPayData")),
        (Some("000301"), None)
    );
    expect_accepted(&env.call(&pay));
    let n = env.notification_for(&pay);
    assert!(n.success);
    assert_eq!((n.biz_type.as_str(), n.txn_amt), ("000301", Some(300)));
    assert_eq!(
        n.response
            .decrypt_acc_no(&env.client)
            .unwrap()
            .unwrap()
            .as_str(),
        "622609******0048"
    );
    expect_success(&env.query(&pay, 1));
    // A debit card paying by card number with its PIN (PIN block over the PAN): checked.
    let open = standard
        .build_back_open(
            &BackOpenParams {
                order: Order::New(order_id()),
                acc_no: DEBIT.pan(),
                customer_info: CustomerInfo {
                    sms_code: None,
                    ..DEBIT.open_info()
                },
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    expect_success(&env.call_with(&standard, &open));
    let pin_pay = |pin: &str| {
        let sms = env
            .client
            .build_sms(
                &SmsParams {
                    order_id: order_id(),
                    purpose: SmsPurpose::Consume {
                        payer: Payer::Card(DEBIT.pan()),
                        txn_amt: 200,
                    },
                    customer_info: DEBIT.phone_only(),
                    req_reserved: None,
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap();
        expect_success(&env.call(&sms));
        let pay = env
            .client
            .build_consume(
                &ConsumeParams {
                    order: Order::AfterSms(sms.sms_pairing().unwrap()),
                    txn_amt: 200,
                    payer: Payer::Card(DEBIT.pan()),
                    back_url: env.back_url(),
                    customer_info: CustomerInfo {
                        sms_code: Some(SMS_CODE.into()),
                        pin: Some(Pin::new(pin).unwrap()),
                        ..CustomerInfo::default()
                    },
                    req_reserved: None,
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap();
        env.call(&pay)
    };
    expect_accepted(&pin_pay("123456"));
    assert_eq!(expect_failed(&pin_pay("111111")).0, "65");
    // A card never opened for the standard product: 77.
    let never_opened = env
        .client
        .build_consume(
            &ConsumeParams {
                order: Order::New(order_id()),
                txn_amt: 300,
                payer: Payer::Card(CREDIT2.pan()),
                back_url: env.back_url(),
                customer_info: sms_only(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(expect_failed(&env.call(&never_opened)).0, "77");
}

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

// ---------------------------------------------------------------------------------------
// 77/01 real-name auth, 77/03 withholding

#[test]
fn sms_real_name_auth_and_withholding_by_card() {
    let env = Env::start();
    let sms = |purpose, info| {
        env.client.build_sms(
            &SmsParams {
                order_id: order_id(),
                purpose,
                customer_info: info,
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
    };
    let real_name = sms(
        SmsPurpose::RealNameAuth {
            acc_no: DEBIT.pan(),
        },
        DEBIT.phone_only(),
    )
    .unwrap();
    assert_eq!(
        (
            real_name.fields.get("txnSubType"),
            real_name.fields.get("bizType")
        ),
        (Some("01"), Some("000902"))
    );
    expect_success(&env.call(&real_name));
    let wrong_phone = sms(
        SmsPurpose::RealNameAuth {
            acc_no: DEBIT.pan(),
        },
        DEBIT2.phone_only(),
    )
    .unwrap();
    assert_eq!(expect_failed(&env.call(&wrong_phone)).0, "66");
    let err = sms(
        SmsPurpose::RealNameAuth {
            acc_no: DEBIT.pan(),
        },
        CustomerInfo::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MissingField);

    let withholding = sms(
        SmsPurpose::Withholding {
            payer: Payer::Card(DEBIT.pan()),
            txn_amt: 500,
        },
        DEBIT.phone_only(),
    )
    .unwrap();
    assert_eq!(
        (
            withholding.fields.get("txnSubType"),
            withholding.fields.get("bizType"),
            withholding.txn_amt
        ),
        (Some("03"), Some("000301"), Some(500))
    );
    expect_success(&env.call(&withholding));
}

#[test]
fn sms_withholding_by_token() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let req = env
        .client
        .build_sms(
            &SmsParams {
                order_id: order_id(),
                purpose: SmsPurpose::Withholding {
                    payer: Payer::Token(token),
                    txn_amt: 500,
                },
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(req.fields.get("bizType"), Some("000902"));
    expect_success(&env.call(&req));
}

// ---------------------------------------------------------------------------------------
// 76/01 file transfer

#[test]
fn file_transfer_reconciliation_of_the_day_and_no_file_on_an_empty_day() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let (pay, note) = env.paid(&token, 1000);
    let qid = note.query_id.unwrap();
    let settle = note.settle_date.unwrap();
    let r = refund(&env, &qid, 300);
    expect_accepted(&env.call(&r));
    let file = |settle_date: &str| {
        env.client
            .build_file_transfer(
                &FileTransferParams {
                    settle_date: settle_date.to_owned(),
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap()
    };
    let req = file(&settle);
    assert_eq!(
        (req.endpoint, req.url.as_str(), &req.order_id),
        (
            EndpointKind::File,
            env.client.endpoints().file.as_str(),
            &None
        )
    );
    let outcome = env.call(&req);
    let r = expect_success(&outcome);
    assert_eq!(r.settle_date(), Some(settle.as_str()));
    assert!(
        r.file_name().unwrap().ends_with(".zip"),
        "{:?}",
        r.file_name()
    );
    let files = r.files(&ArchiveLimits::default()).unwrap();
    assert_eq!(files.len(), 1);
    assert!(
        files[0].name.starts_with("INN") && files[0].name.ends_with(&format!("ZM_{MER_ID}")),
        "{}",
        files[0].name
    );
    let recon = r.reconciliation(&ArchiveLimits::default()).unwrap();
    assert_eq!(recon.zm.len(), 2, "{:?}", recon.zm);
    let consume = recon.zm.iter().find(|z| z.query_id == qid).unwrap();
    assert_eq!(
        (
            consume.txn_type.as_str(),
            consume.amount_fen,
            consume.order_id.as_str()
        ),
        ("01", 1000, pay.order_id.as_deref().unwrap())
    );
    let back = recon.zm.iter().find(|z| z.orig_query_id == qid).unwrap();
    assert_eq!((back.txn_type.as_str(), back.amount_fen), ("04", 300));

    // A clearing day without transactions: no file (98).
    let empty = file(&mmdd(env.now().plus_seconds(-3 * 86_400)));
    let outcome = env.call(&empty);
    assert!(matches!(outcome, Outcome::NoFile { .. }), "{outcome:?}");
    assert_eq!(outcome.response().resp_code(), "98");
    assert_eq!(
        outcome
            .response()
            .files(&ArchiveLimits::default())
            .unwrap_err()
            .code(),
        ErrorCode::MissingField
    );
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
fn lost_notifications_are_retried_until_delivered() {
    let env = Env::start();
    let token = env.open_token(fault_card(CARD_NOTIFY_FAIL));
    let (pay, _) = env.paid(&token, 500);
    let order = pay.order_id.clone().unwrap();
    let records = env.sb.wait_notifications(Duration::from_secs(5), |l| {
        l.iter()
            .any(|r| r.get("orderId") == Some(order.as_str()) && r.delivered)
    });
    let record = records
        .iter()
        .find(|r| r.get("orderId") == Some(order.as_str()))
        .unwrap();
    let outcomes: Vec<_> = record.attempts.iter().map(|a| a.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        vec![
            AttemptOutcome::LostByFault,
            AttemptOutcome::LostByFault,
            AttemptOutcome::Delivered { status: 200 }
        ]
    );
    assert_eq!(
        env.inbox
            .hits()
            .iter()
            .filter(|h| h.path == "/notify")
            .count(),
        1
    );
}

#[test]
fn notifications_answered_500_are_retried_and_every_copy_verifies() {
    let env = Env::with(sandbox_config(), 2);
    let token = env.open_token(DEBIT);
    let (pay, _) = env.paid(&token, 500);
    let order = pay.order_id.clone().unwrap();
    env.sb.wait_notifications(Duration::from_secs(5), |l| {
        l.iter()
            .any(|r| r.get("orderId") == Some(order.as_str()) && r.delivered)
    });
    let hits: Vec<_> = env
        .inbox
        .hits()
        .into_iter()
        .filter(|h| h.path == "/notify")
        .collect();
    assert_eq!(
        hits.iter().map(|h| h.status).collect::<Vec<_>>(),
        vec![500, 500, 200]
    );
    for hit in &hits {
        assert_eq!(
            hit.body, hits[0].body,
            "retries resend the same notification"
        );
        let n = env
            .client
            .verify_notification(&hit.body, env.now())
            .unwrap();
        assert!(n.matches(&pay));
    }
    let record = env
        .sb
        .notifications_sent()
        .into_iter()
        .find(|r| r.get("orderId") == pay.order_id.as_deref())
        .unwrap();
    assert!(record.delivered && !record.gave_up);
    assert_eq!(record.attempts.len(), 3);
    assert!(matches!(
        record.attempts[0].outcome,
        AttemptOutcome::Failed {
            status: Some(500),
            ..
        }
    ));
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
// Signatures: a wrong merchant key, tampered and misrouted answers, secure-key merchants

#[test]
fn wrong_merchant_key_is_failed_11_not_a_verification_error() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let old_key = MerchantKey::from_pkcs12(
        include_bytes!("../../../tests/fixtures/official-certs/acp_test_sign__2018-2021.pfx"),
        "000000",
        default_backend().as_ref(),
    )
    .unwrap();
    let stranger = env.client_with(|c| c.credentials = Credentials::Rsa(old_key));
    let pay = stranger
        .build_consume(
            &ConsumeParams {
                order: Order::New(order_id()),
                txn_amt: 100,
                payer: Payer::Token(token.clone()),
                back_url: env.back_url(),
                customer_info: sms_only(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_ne!(pay.fields.get("certId"), Some("7000000000031"));
    // The sandbox's answer is genuine: money did not move, respCode 11 [9100004].
    let outcome = env.call_with(&stranger, &pay);
    let (code, msg) = expect_failed(&outcome);
    assert_eq!(code, "11");
    assert!(msg.contains("9100004"), "{msg}");
    let sms = sms_open(&stranger, &env, DEBIT);
    assert_eq!(expect_failed(&env.call_with(&stranger, &sms)).0, "11");
    // A status query refused for its signature says nothing about the payment.
    let q = stranger
        .build_query_for(&pay, 1, env.now(), &mut os_rng)
        .unwrap();
    let outcome = env.call_with(&stranger, &q);
    assert_eq!(expect_pending(&outcome).0, PendingReason::QueryRejected);
    assert_eq!(outcome.decisive_code(), "11");
    // The key update query: the refusal is GatewayRejected, the certificate is kept.
    let req = key_update_request(&stranger, &env);
    let err = stranger
        .handle_key_update(&req, &env.send(&req), env.now())
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::GatewayRejected, "{err}");
}

#[test]
fn tampered_or_misrouted_answers_are_errors_not_outcomes() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let sms = env.sms_consume_request(&token, 100);
    let body = env.send(&sms);
    let now = env.now();
    let text = String::from_utf8(body.clone()).unwrap();
    let tampered = text.replacen("[0000000]", "[0000001]", 1);
    assert_ne!(tampered, text);
    let err = env
        .client
        .handle_response(&sms, tampered.as_bytes(), now)
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code(), err.step()),
        (
            ErrorKind::Signature,
            ErrorCode::SignatureMismatch,
            Some(VerifyStep::Signature)
        )
    );
    // The genuine body is a success, but not for another request.
    expect_success(&env.client.handle_response(&sms, &body, now).unwrap());
    let other = env.sms_consume_request(&token, 100);
    let err = env.client.handle_response(&other, &body, now).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ResponseMismatch, "{err}");
    // Checked after the sandbox signing certificate expired (2040): validity.
    let err = env
        .client
        .handle_response(&sms, &body, bj("20410101000000"))
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.step()),
        (ErrorKind::Signature, Some(VerifyStep::Validity))
    );

    // Notifications: a changed amount fails, another merchant's is refused.
    let (pay, _) = env.paid(&token, 1000);
    let raw = env
        .inbox
        .hits()
        .into_iter()
        .find(|h| {
            h.path == "/notify"
                && env
                    .client
                    .verify_notification(&h.body, now)
                    .is_ok_and(|n| n.matches(&pay))
        })
        .unwrap()
        .body;
    let raw_text = String::from_utf8(raw.clone()).unwrap();
    let forged = raw_text.replacen("txnAmt=1000", "txnAmt=9000", 1);
    assert_ne!(forged, raw_text);
    let err = env
        .client
        .verify_notification(forged.as_bytes(), env.now())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Signature);
    let other_merchant = env.client_with(|c| c.mer_id = "777290058110098".into());
    let err = other_merchant
        .verify_notification(&raw, env.now())
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ResponseMismatch);
}

#[test]
fn secure_key_merchants_sign_with_method_11_and_12_and_verify_the_answers() {
    let env = Env::start();
    for (method, wire) in [
        (SignMethod::Sha256SecureKey, "11"),
        (SignMethod::Sm3SecureKey, "12"),
    ] {
        // Signing with a secure key does not make its signatures acceptable: that is a
        // separate, explicit choice.
        let signs_only = env.client_with(|c| {
            c.credentials = Credentials::SecureKey {
                method,
                key: SecureKey::new("88888888").unwrap(),
            }
        });
        let sms = sms_open(&signs_only, &env, DEBIT);
        let body = env.send(&sms);
        let err = signs_only
            .handle_response(&sms, &body, env.now())
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::SignMethodUnsupported, "{err}");
        let secure = env.client_with(|c| {
            c.credentials = Credentials::SecureKey {
                method,
                key: SecureKey::new("88888888").unwrap(),
            };
            c.verify_secure_key = Some(SecureKey::new("88888888").unwrap());
        });
        let token = env.open_token_with(&secure, DEBIT);
        let (pay, outcome, _) = env.pay_with(&secure, &token, 300);
        assert_eq!(
            (pay.fields.get("signMethod"), pay.fields.get("certId")),
            (Some(wire), None)
        );
        assert_eq!(expect_accepted(&outcome).0.get("signMethod"), Some(wire));
        let n = env.notification_for_with(&secure, &pay);
        assert!(n.success);
        assert_eq!(n.response.get("signMethod"), Some(wire));
        // The RSA-only client cannot verify a secure-key notification.
        let raw = env
            .inbox
            .hits()
            .into_iter()
            .find(|h| {
                h.path == "/notify"
                    && secure
                        .verify_notification(&h.body, env.now())
                        .is_ok_and(|n| n.matches(&pay))
            })
            .unwrap()
            .body;
        let err = env.client.verify_notification(&raw, env.now()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Signature, "{err}");
        expect_success(&env.query_with(&secure, &pay, 1));
        // The key update query needs the merchant certificate (signMethod 01).
        let err = secure
            .build_key_update_query(
                &KeyUpdateQueryParams {
                    order_id: order_id(),
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::UnsupportedSignMethod);
    }
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
fn one_client_shared_by_threads_pays_concurrently() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let paid: Vec<(OutgoingRequest, String)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..6)
            .map(|i| {
                let (env, token) = (&env, &token);
                scope.spawn(move || {
                    let (pay, outcome, _) = env.pay(token, 100 + i);
                    expect_accepted(&outcome);
                    let qid = query_id(&outcome);
                    (pay, qid)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut ids: Vec<&str> = paid.iter().map(|(_, q)| q.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6, "unique queryIds");
    for (pay, qid) in &paid {
        let n = env.notification_for(pay);
        assert_eq!(n.query_id.as_deref(), Some(qid.as_str()));
        assert_eq!(n.txn_amt, pay.txn_amt);
    }
}

#[test]
fn by_name_build_equals_the_typed_request_and_drives_the_same_flow() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let params = |pairs: &[(&str, &str)]| -> unionpay_acp::client::ParamMap {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let now = env.now();
    let sms_order = order_id();
    let by_name = env
        .client
        .build(
            Api::Sms(SmsKind::Consume),
            &params(&[
                ("orderId", &sms_order),
                ("txnAmt", "700"),
                ("token", &token),
            ]),
            now,
            &mut os_rng,
        )
        .unwrap();
    let typed = env
        .client
        .build_sms(
            &SmsParams {
                order_id: sms_order.clone(),
                purpose: SmsPurpose::Consume {
                    payer: Payer::Token(token.clone()),
                    txn_amt: 700,
                },
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            now,
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(by_name.fields, typed.fields);
    assert_eq!(by_name.body, typed.body);
    expect_success(&env.call(&by_name));
    let pay = env
        .client
        .build(
            Api::Consume,
            &params(&[
                ("orderId", &sms_order),
                ("txnTime", &by_name.txn_time),
                ("txnAmt", "700"),
                ("token", &token),
                ("smsCode", SMS_CODE),
                ("backUrl", &env.back_url()),
            ]),
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(pay.order_id, by_name.order_id);
    expect_accepted(&env.call(&pay));
    let n = env.notification_for(&pay);
    assert!(n.success);
    let query = env
        .client
        .build(
            Api::StatusQuery,
            &params(&[
                ("origOrderId", &sms_order),
                ("origTxnTime", &pay.txn_time),
                ("queried", "consume"),
                ("txnAmt", "700"),
            ]),
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    expect_success(&env.call(&query));
    let refund = env
        .client
        .build(
            Api::Refund,
            &params(&[
                ("orderId", &order_id()),
                ("origQryId", n.query_id.as_deref().unwrap()),
                ("txnAmt", "200"),
                ("backUrl", &env.back_url()),
            ]),
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    expect_accepted(&env.call(&refund));
    assert!(env.notification_for(&refund).success);

    // A front open-and-pay by name (payTimeout, reserved), queried by name as a front
    // transaction: the same query as build_query_for.
    let timeout = env.now().plus_seconds(600).to_txn_time();
    let front = env
        .client
        .build(
            Api::OpenAndPay,
            &params(&[
                ("orderId", &order_id()),
                ("txnAmt", "900"),
                ("accNo", CREDIT.pan),
                ("frontUrl", &env.front_url()),
                ("backUrl", &env.back_url()),
                ("payTimeout", &timeout),
                ("reserved", "{customPage=true}"),
            ]),
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    assert_eq!(front.fields.get("payTimeout"), Some(timeout.as_str()));
    let cashier = env.browser_submit(&front);
    env.cardholder_confirms(
        &cashier,
        &[
            ("phoneNo", CREDIT.phone),
            ("cvn2", "123"),
            ("expired", "2311"),
            ("smsCode", SMS_CODE),
        ],
    );
    let now = env.now();
    let query = env
        .client
        .build(
            Api::StatusQuery,
            &params(&[
                ("origOrderId", front.order_id.as_deref().unwrap()),
                ("origTxnTime", &front.txn_time),
                ("queried", "open_and_pay"),
                ("txnAmt", front.fields.get("txnAmt").unwrap()),
                ("payTimeout", &timeout),
                ("attempt", "1"),
            ]),
            now,
            &mut os_rng,
        )
        .unwrap();
    let typed = env
        .client
        .build_query_for(&front, 1, now, &mut os_rng)
        .unwrap();
    assert_eq!(
        (&query.fields, &query.queried),
        (&typed.fields, &typed.queried)
    );
    expect_success(&env.call_at(&env.client, &query, now));
    assert!(env.notification_for(&front).success);
}

#[test]
fn plain_customer_info_mode_opens_and_pays() {
    let env = Env::start();
    let plain = env.client_with(|c| c.customer_info_mode = CustomerInfoMode::Plain);
    let sms = sms_open(&plain, &env, CREDIT);
    // The old rule: the card number and customerInfo travel without encryption.
    assert_eq!(sms.fields.get("accNo"), Some(CREDIT.pan));
    assert_eq!(sms.fields.get("encryptCertId"), None);
    expect_success(&env.call_with(&plain, &sms));
    let open = plain
        .build_back_open(
            &BackOpenParams {
                order: Order::AfterSms(sms.sms_pairing().unwrap()),
                acc_no: CREDIT.pan(),
                customer_info: CREDIT.open_info(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    let outcome = env.call_with(&plain, &open);
    let token = token_of(expect_success(&outcome));
    let (pay, outcome, _) = env.pay_with(&plain, &token, 100);
    expect_accepted(&outcome);
    assert!(env.notification_for_with(&plain, &pay).success);
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
