//! Paying: token and card-number consumes, by-name builds, one client shared by threads.

use crate::prelude::*;

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
