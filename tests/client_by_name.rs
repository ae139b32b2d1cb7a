#![allow(clippy::disallowed_methods)] // tests read fixture files
//! `Client::build(api, map)` (what every binding calls) gives exactly what the typed
//! builders give, for every API, and refuses unknown keys.

mod client_support;

use client_support::*;
use unionpay_acp::card::CustomerInfo;
use unionpay_acp::client::*;
use unionpay_acp::secret::{Pan, PhoneNumber};
use unionpay_acp::ErrorCode;

fn map(pairs: &[(&str, &str)]) -> ParamMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn same(api: &str, pairs: &[(&str, &str)], typed: OutgoingRequest) {
    let c = client();
    let by_name = c
        .build(Api::from_name(api).unwrap(), &map(pairs), now(), &mut rng())
        .unwrap();
    assert_eq!(by_name.fields, typed.fields, "{api}");
    assert_eq!(by_name.body, typed.body, "{api}");
    assert_eq!(by_name.url, typed.url, "{api}");
    assert_eq!(by_name.api, typed.api, "{api}");
}

#[test]
fn every_api_by_name_equals_the_typed_builder() {
    let c = client();
    let n = now();
    let token = "6235240000020757577";
    let ci = CustomerInfo {
        sms_code: Some("111111".into()),
        ..Default::default()
    };
    same(
        "consume",
        &[
            ("orderId", "C20261125001"),
            ("txnAmt", "1000"),
            ("token", token),
            ("backUrl", BACK_URL),
            ("smsCode", "111111"),
        ],
        c.build_consume(
            &ConsumeParams {
                order: Order::New("C20261125001".into()),
                txn_amt: 1000,
                payer: Payer::Token(token.into()),
                back_url: BACK_URL.into(),
                customer_info: ci.clone(),
                req_reserved: None,
            },
            n,
            &mut rng(),
        )
        .unwrap(),
    );
    let sms = c
        .build_sms(
            &SmsParams {
                order_id: "C20261125002".into(),
                purpose: SmsPurpose::Consume {
                    payer: Payer::Token(token.into()),
                    txn_amt: 500,
                },
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            n,
            &mut rng(),
        )
        .unwrap();
    same(
        "sms_consume",
        &[
            ("orderId", "C20261125002"),
            ("txnAmt", "500"),
            ("token", token),
        ],
        sms.clone(),
    );
    let pairing = sms.sms_pairing().unwrap();
    let pairing_time = pairing.txn_time.clone();
    same(
        "consume",
        &[
            ("orderId", "C20261125002"),
            ("txnTime", &pairing_time),
            ("txnAmt", "500"),
            ("token", token),
            ("backUrl", BACK_URL),
            ("smsCode", "111111"),
        ],
        c.build_consume(
            &ConsumeParams {
                order: Order::AfterSms(pairing),
                txn_amt: 500,
                payer: Payer::Token(token.into()),
                back_url: BACK_URL.into(),
                customer_info: ci,
                req_reserved: None,
            },
            n,
            &mut rng(),
        )
        .unwrap(),
    );
    same(
        "back_open",
        &[
            ("orderId", "O20261125001"),
            ("accNo", "6221558812340000"),
            ("phoneNo", "13552535506"),
            ("cvn2", "123"),
            ("expired", "2311"),
        ],
        c.build_back_open(
            &BackOpenParams {
                order: Order::New("O20261125001".into()),
                acc_no: Pan::new("6221558812340000").unwrap(),
                customer_info: CustomerInfo {
                    phone_no: Some(PhoneNumber::new("13552535506").unwrap()),
                    cvn2: Some(unionpay_acp::secret::Cvn2::new("123").unwrap()),
                    expired: Some(unionpay_acp::secret::CardExpiry::new("2311").unwrap()),
                    ..Default::default()
                },
                req_reserved: None,
            },
            n,
            &mut rng(),
        )
        .unwrap(),
    );
    same(
        "refund",
        &[
            ("orderId", "R20261125001"),
            ("origQryId", "512211250400001234567"),
            ("txnAmt", "300"),
            ("backUrl", BACK_URL),
        ],
        c.build_refund(
            &RefundParams {
                order_id: "R20261125001".into(),
                orig_qry_id: "512211250400001234567".into(),
                txn_amt: 300,
                back_url: BACK_URL.into(),
                req_reserved: None,
            },
            n,
            &mut rng(),
        )
        .unwrap(),
    );
    same(
        "status_query",
        &[
            ("origOrderId", "C20261125001"),
            ("origTxnTime", NOW_TXN_TIME),
            ("queried", "consume"),
            ("txnAmt", "1000"),
        ],
        c.build_status_query(
            &StatusQueryParams {
                orig_order_id: "C20261125001".into(),
                orig_txn_time: NOW_TXN_TIME.into(),
                queried: QueriedTxn::back(Api::Consume, 1000).unwrap(),
                attempt: 1,
            },
            n,
            &mut rng(),
        )
        .unwrap(),
    );
    same(
        "delete_token",
        &[("orderId", "D20261125001"), ("token", token)],
        c.build_delete_token(
            &DeleteTokenParams {
                order_id: "D20261125001".into(),
                token: token.into(),
            },
            n,
            &mut rng(),
        )
        .unwrap(),
    );
    same(
        "file_transfer",
        &[("settleDate", "1125")],
        c.build_file_transfer(
            &FileTransferParams {
                settle_date: "1125".into(),
            },
            n,
            &mut rng(),
        )
        .unwrap(),
    );
    same(
        "key_update_query",
        &[("orderId", "K20261125001")],
        c.build_key_update_query(
            &KeyUpdateQueryParams {
                order_id: "K20261125001".into(),
            },
            n,
            &mut rng(),
        )
        .unwrap(),
    );
}

#[test]
fn every_api_name_resolves_and_builds_or_names_what_is_missing() {
    let c = client();
    for api in Api::ALL {
        assert_eq!(Api::from_name(api.name()).unwrap(), api);
        // An empty map never panics: it names the first missing parameter.
        let e = c
            .build(api, &ParamMap::new(), now(), &mut rng())
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::MissingField, "{}: {e}", api.name());
        assert!(e.message().contains('\''), "{}: {e}", api.name());
    }
    assert_eq!(
        Api::from_name("pay").unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn unknown_or_conflicting_parameters_are_refused() {
    let c = client();
    let e = c
        .build(
            Api::DeleteToken,
            &map(&[("orderId", "D20261125001"), ("token", "1"), ("tokne", "x")]),
            now(),
            &mut rng(),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(e.message().contains("tokne"));
    let e = c
        .build(
            Api::Consume,
            &map(&[
                ("orderId", "C20261125001"),
                ("txnAmt", "1"),
                ("token", "1"),
                ("accNo", "6221558812340000"),
                ("backUrl", BACK_URL),
            ]),
            now(),
            &mut rng(),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    let e = c
        .build(
            Api::Refund,
            &map(&[
                ("orderId", "R20261125001"),
                ("origQryId", "512211250400001234567"),
                ("txnAmt", "ten"),
                ("backUrl", BACK_URL),
            ]),
            now(),
            &mut rng(),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidAmount);
}

#[test]
fn a_status_query_by_name_says_what_it_queried() {
    let c = client();
    let query = |pairs: &[(&str, &str)]| {
        let mut all = vec![
            ("origOrderId", "C20261125001"),
            ("origTxnTime", NOW_TXN_TIME),
        ];
        all.extend_from_slice(pairs);
        c.build(Api::StatusQuery, &map(&all), now(), &mut rng())
    };
    // No default: an open-and-pay read as a back transaction would fail too early.
    let e = query(&[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingField);
    assert!(e.message().contains("queried"), "{e}");
    assert_eq!(
        query(&[("queried", "back"), ("txnAmt", "1000")])
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        query(&[("queried", "consume")]).unwrap_err().code(),
        ErrorCode::MissingField
    );
    let back = query(&[("queried", "consume"), ("txnAmt", "1000")]).unwrap();
    assert_eq!(
        back.queried,
        Some(QueriedTxn::back(Api::Consume, 1000).unwrap())
    );
    let front = query(&[
        ("queried", "open_and_pay"),
        ("txnAmt", "1000"),
        ("payTimeout", "20261125123000"),
    ])
    .unwrap();
    assert_eq!(
        front.queried.unwrap().pay_timeout,
        Some(unionpay_acp::Timestamp::parse_txn_time("20261125123000").unwrap())
    );
    // A browser transaction needs its payTimeout; a reversal is not looked up by its key.
    for pairs in [
        &[("queried", "open_and_pay"), ("txnAmt", "1000")][..],
        &[("queried", "reversal"), ("txnAmt", "1000")],
        &[("queried", "sms_consume"), ("txnAmt", "1000")],
    ] {
        assert_eq!(
            query(pairs).unwrap_err().code(),
            ErrorCode::InvalidArgument,
            "{pairs:?}"
        );
    }
}

#[test]
fn numbers_by_name_are_plain_digits() {
    let c = client();
    for amount in ["+100", "0100", "-1", "1e3", " 100", "100.0", "00"] {
        let e = c
            .build(
                Api::Refund,
                &map(&[
                    ("orderId", "R20261125001"),
                    ("origQryId", "512211250400001234567"),
                    ("txnAmt", amount),
                    ("backUrl", BACK_URL),
                ]),
                now(),
                &mut rng(),
            )
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidAmount, "{amount}");
    }
}
