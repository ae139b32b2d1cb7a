//! Opening cards and managing tokens: SMS and back open, front open, open-and-pay, token update and delete, the SMS variants.

use crate::prelude::*;

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
