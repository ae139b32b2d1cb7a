//! Every validation failure: its code, and a message that names the field.
#![allow(clippy::disallowed_methods)] // tests read fixture files

mod client_support;

use client_support::*;
use unionpay_acp::card::CustomerInfo;
use unionpay_acp::client::*;
use unionpay_acp::secret::{Pan, PhoneNumber, SecureKey};
use unionpay_acp::{Credentials, Error, ErrorCode, SignMethod};

const TOKEN: &str = "6235240000020757577";
const QRY: &str = "512211250400000000001";

fn expect_err<T: std::fmt::Debug>(r: Result<T, Error>, code: ErrorCode, names: &str) {
    let e = r.expect_err("expected an error");
    assert_eq!(e.code(), code, "{e}");
    assert!(
        e.message().contains(names),
        "the message should name '{names}': {e}"
    );
}

fn consume(order: Order, amount: u64, back_url: &str) -> ConsumeParams {
    ConsumeParams {
        order,
        txn_amt: amount,
        payer: Payer::Token(TOKEN.into()),
        back_url: back_url.into(),
        customer_info: CustomerInfo {
            sms_code: Some("111111".into()),
            ..Default::default()
        },
        req_reserved: None,
    }
}

fn refund(order_id: &str, qry: &str, amount: u64, back_url: &str) -> RefundParams {
    RefundParams {
        order_id: order_id.into(),
        orig_qry_id: qry.into(),
        txn_amt: amount,
        back_url: back_url.into(),
        req_reserved: None,
    }
}

#[test]
fn order_id_rules() {
    let c = client();
    for bad in [
        "SHORT12",
        "ORDER-2026-0001",
        "ORDER_20260001",
        "ORDER 20260001",
        "订单号订单号订单号订单",
        &"A".repeat(33),
    ] {
        expect_err(
            c.build_consume(
                &consume(Order::New(bad.into()), 1, BACK_URL),
                now(),
                &mut rng(),
            ),
            ErrorCode::InvalidField,
            "orderId",
        );
    }
    assert!(c
        .build_consume(
            &consume(Order::New("A".repeat(32)), 1, BACK_URL),
            now(),
            &mut rng()
        )
        .is_ok());
    // The Java limit of 40 is opt-in (spec §15.4).
    let wide = Client::new(ClientConfig {
        order_id_max_len: 40,
        ..config()
    })
    .unwrap();
    assert!(wide
        .build_consume(
            &consume(Order::New("A".repeat(40)), 1, BACK_URL),
            now(),
            &mut rng()
        )
        .is_ok());
    expect_err(
        wide.build_consume(
            &consume(Order::New("A".repeat(41)), 1, BACK_URL),
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidField,
        "orderId",
    );
    // Originals follow the widest rule: 8 to 40 letters and digits.
    expect_err(
        c.build_reversal(
            &ReversalParams {
                orig_order_id: "BAD-ORDER-1".into(),
                orig_txn_time: NOW_TXN_TIME.into(),
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidField,
        "orderId",
    );
}

#[test]
fn amounts_must_be_positive_fen() {
    let c = client();
    expect_err(
        c.build_consume(
            &consume(Order::New("ORDER0000001".into()), 0, BACK_URL),
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidAmount,
        "txnAmt",
    );
    expect_err(
        c.build_refund(&refund("REFUND000001", QRY, 0, BACK_URL), now(), &mut rng()),
        ErrorCode::InvalidAmount,
        "txnAmt",
    );
    expect_err(
        c.build_consume(
            &consume(
                Order::New("ORDER0000001".into()),
                1_000_000_000_000,
                BACK_URL,
            ),
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidAmount,
        "txnAmt",
    );
    expect_err(
        c.build_sms(
            &SmsParams {
                order_id: "SMSORDER0001".into(),
                purpose: SmsPurpose::Consume {
                    payer: Payer::Token(TOKEN.into()),
                    txn_amt: 0,
                },
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidAmount,
        "txnAmt",
    );
}

#[test]
fn urls_must_be_http() {
    let c = client();
    for bad in [
        "",
        "ftp://shop.example/n",
        "http://",
        "https:///x",
        "http://shop.example/a b",
        "shop.example/notify",
        // '&' or brackets would make the signed string ambiguous.
        "https://shop.example/notify?a=1&respCode=00",
        "https://shop.example/{x}",
    ] {
        expect_err(
            c.build_consume(
                &consume(Order::New("ORDER0000001".into()), 1, bad),
                now(),
                &mut rng(),
            ),
            ErrorCode::InvalidField,
            "backUrl",
        );
        expect_err(
            c.build_refund(&refund("REFUND000001", QRY, 1, bad), now(), &mut rng()),
            ErrorCode::InvalidField,
            "backUrl",
        );
    }
    let front = |front_url: &str, fail: Option<&str>| FrontOpenParams {
        order_id: "OPEN00000001".into(),
        front_url: front_url.into(),
        back_url: BACK_URL.into(),
        front_fail_url: fail.map(str::to_owned),
        ..Default::default()
    };
    expect_err(
        c.build_front_open(&front("javascript:alert(1)", None), now(), &mut rng()),
        ErrorCode::InvalidField,
        "frontUrl",
    );
    expect_err(
        c.build_front_open(&front(FRONT_URL, Some("nope")), now(), &mut rng()),
        ErrorCode::InvalidField,
        "frontFailUrl",
    );
    expect_err(
        c.build_front_open(
            &FrontOpenParams {
                back_url: String::new(),
                ..front(FRONT_URL, None)
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidField,
        "backUrl",
    );
}

#[test]
fn original_txn_time_must_be_beijing_yyyymmddhhmmss() {
    let c = client();
    for bad in [
        "2026112512000",
        "2026-11-25 12:00",
        "20261131120000",
        "20261125246000",
        "",
    ] {
        expect_err(
            c.build_status_query(
                &StatusQueryParams {
                    orig_order_id: "ORDER0000001".into(),
                    orig_txn_time: bad.into(),
                    queried: QueriedTxn::back(Api::Consume, 1000).unwrap(),
                    attempt: 1,
                },
                now(),
                &mut rng(),
            ),
            ErrorCode::InvalidTime,
            "txnTime",
        );
    }
    expect_err(
        c.build_open_query(
            &OpenQueryParams {
                orig_order_id: "OPEN00000001".into(),
                orig_txn_time: "x".into(),
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidTime,
        "txnTime",
    );
    expect_err(
        c.build_apply_token(
            &ApplyTokenParams {
                orig_order_id: "OPEN00000001".into(),
                orig_txn_time: "20260230120000".into(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidTime,
        "txnTime",
    );
}

#[test]
fn settle_date_is_mmdd() {
    let c = client();
    for bad in ["119", "1301", "0230", "0000", "01190", "ab12"] {
        expect_err(
            c.build_file_transfer(
                &FileTransferParams {
                    settle_date: bad.into(),
                },
                now(),
                &mut rng(),
            ),
            ErrorCode::InvalidTime,
            "settleDate",
        );
    }
    assert!(c
        .build_file_transfer(
            &FileTransferParams {
                settle_date: "0229".into()
            },
            now(),
            &mut rng()
        )
        .is_ok());
}

#[test]
fn orig_qry_id_is_21_digits() {
    let c = client();
    for bad in [
        "51221125040000000000",
        "5122112504000000000012",
        "51221125040000000000A",
        "",
    ] {
        expect_err(
            c.build_refund(&refund("REFUND000001", bad, 1, BACK_URL), now(), &mut rng()),
            ErrorCode::InvalidField,
            "origQryId",
        );
    }
}

#[test]
fn token_req_reserved_and_reserved_are_checked() {
    let c = client();
    expect_err(
        c.build_delete_token(
            &DeleteTokenParams {
                order_id: "DELETE000001".into(),
                token: "123&trId=1".into(),
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidField,
        "token",
    );
    for bad in ["a&b", "{x}", "quote\"", &"x".repeat(1025)] {
        let mut p = consume(Order::New("ORDER0000001".into()), 1, BACK_URL);
        p.req_reserved = Some(bad.to_owned());
        expect_err(
            c.build_consume(&p, now(), &mut rng()),
            ErrorCode::InvalidField,
            "reqReserved",
        );
    }
    expect_err(
        c.build_front_open(
            &FrontOpenParams {
                order_id: "OPEN00000001".into(),
                front_url: FRONT_URL.into(),
                back_url: BACK_URL.into(),
                reserved: vec![("customPage".into(), "true&x=1".into())],
                ..Default::default()
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidField,
        "reserved",
    );
}

#[test]
fn sms_pairing_must_match() {
    let c = client();
    let pairing = |kind, amt| SmsPairing {
        kind,
        order_id: "SMSORDER0001".into(),
        txn_time: "20261125115900".into(),
        txn_amt: amt,
    };
    expect_err(
        c.build_consume(
            &consume(
                Order::AfterSms(pairing(SmsKind::Consume, Some(1000))),
                999,
                BACK_URL,
            ),
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidAmount,
        "txnAmt",
    );
    expect_err(
        c.build_consume(
            &consume(
                Order::AfterSms(pairing(SmsKind::Open, None)),
                1000,
                BACK_URL,
            ),
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidArgument,
        "SMS",
    );
    let mut bad_time = pairing(SmsKind::Consume, Some(1000));
    bad_time.txn_time = "20261125".into();
    expect_err(
        c.build_consume(
            &consume(Order::AfterSms(bad_time), 1000, BACK_URL),
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidTime,
        "txnTime",
    );
    let mut bad_id = pairing(SmsKind::Consume, Some(1000));
    bad_id.order_id = "SMS-1".into();
    expect_err(
        c.build_consume(
            &consume(Order::AfterSms(bad_id), 1000, BACK_URL),
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidField,
        "orderId",
    );
    // A back open takes only an open SMS.
    expect_err(
        c.build_back_open(
            &BackOpenParams {
                order: Order::AfterSms(pairing(SmsKind::Consume, Some(1))),
                acc_no: Pan::new("6221558812340000").unwrap(),
                customer_info: CustomerInfo {
                    phone_no: Some(PhoneNumber::new("13552535506").unwrap()),
                    ..Default::default()
                },
                req_reserved: None,
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidArgument,
        "open SMS",
    );
}

#[test]
fn required_customer_info() {
    let c = client();
    expect_err(
        c.build_sms(
            &SmsParams {
                order_id: "SMSOPEN00001".into(),
                purpose: SmsPurpose::Open {
                    acc_no: Pan::new("6221558812340000").unwrap(),
                },
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::MissingField,
        "customerInfo.phoneNo",
    );
    expect_err(
        c.build_back_open(
            &BackOpenParams {
                order: Order::New("OPENBACK0001".into()),
                acc_no: Pan::new("6221558812340000").unwrap(),
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::MissingField,
        "customerInfo",
    );
    expect_err(
        c.build_update_token(
            &UpdateTokenParams {
                order: Order::New("UPDATE000001".into()),
                token: TOKEN.into(),
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::MissingField,
        "customerInfo",
    );
    expect_err(
        c.build_consume(
            &ConsumeParams {
                customer_info: CustomerInfo {
                    sms_code: Some("11a111".into()),
                    ..Default::default()
                },
                ..consume(Order::New("ORDER0000001".into()), 1, BACK_URL)
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidField,
        "smsCode",
    );
}

#[test]
fn encryption_needs_the_certificate() {
    let c = Client::new(ClientConfig {
        encryption_cert: None,
        ..config()
    })
    .unwrap();
    let e = c
        .build_consume(
            &ConsumeParams {
                payer: Payer::Card(Pan::new("6216261000000000018").unwrap()),
                ..consume(Order::New("ORDER0000001".into()), 1, BACK_URL)
            },
            now(),
            &mut rng(),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingField);
    assert!(
        e.message().contains("accNo") && e.message().contains("encryption_cert"),
        "{e}"
    );
    assert!(!e.message().contains("6216261000000000018"));
    expect_err(
        c.build_sms(
            &SmsParams {
                order_id: "SMSORDER0001".into(),
                purpose: SmsPurpose::Consume {
                    payer: Payer::Token(TOKEN.into()),
                    txn_amt: 1,
                },
                customer_info: CustomerInfo {
                    phone_no: Some(PhoneNumber::new("13552535506").unwrap()),
                    ..Default::default()
                },
                req_reserved: None,
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::MissingField,
        "customerInfo",
    );
    // Only an SMS code: nothing to encrypt, so no certificate needed.
    assert!(c
        .build_consume(
            &consume(Order::New("ORDER0000001".into()), 1, BACK_URL),
            now(),
            &mut rng()
        )
        .is_ok());
}

#[test]
fn token_requests_need_a_tr_id() {
    let c = Client::new(ClientConfig {
        tr_id: None,
        ..config()
    })
    .unwrap();
    expect_err(
        c.build_consume(
            &consume(Order::New("ORDER0000001".into()), 1, BACK_URL),
            now(),
            &mut rng(),
        ),
        ErrorCode::MissingField,
        "trId",
    );
    // Production has no default trId.
    let prod = ClientConfig::new(
        MER_ID,
        Credentials::Rsa(merchant_key()),
        Environment::Production,
        unionpay_acp::TrustProfile::Production,
    );
    assert_eq!(prod.tr_id, None);
    assert_eq!(config().tr_id.as_deref(), Some("62000000001"));
}

#[test]
fn pay_timeout_must_be_in_the_future() {
    let c = client();
    expect_err(
        c.build_front_open(
            &FrontOpenParams {
                order_id: "OPEN00000001".into(),
                front_url: FRONT_URL.into(),
                back_url: BACK_URL.into(),
                pay_timeout: Some(now()),
                ..Default::default()
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidTime,
        "payTimeout",
    );
}

#[test]
fn call_arguments() {
    let c = client();
    expect_err(
        c.build_status_query(
            &StatusQueryParams {
                orig_order_id: "ORDER0000001".into(),
                orig_txn_time: NOW_TXN_TIME.into(),
                queried: QueriedTxn::back(Api::Consume, 1000).unwrap(),
                attempt: 0,
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::InvalidArgument,
        "attempt",
    );
    let file = c
        .build_file_transfer(
            &FileTransferParams {
                settle_date: "0119".into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    expect_err(
        StatusQueryParams::for_request(&file, 1),
        ErrorCode::InvalidArgument,
        "file_transfer",
    );
    let front = c
        .build_front_open(
            &FrontOpenParams {
                order_id: "OPEN00000001".into(),
                front_url: FRONT_URL.into(),
                back_url: BACK_URL.into(),
                ..Default::default()
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    expect_err(
        c.handle_response(&front, b"respCode=00", now()),
        ErrorCode::InvalidArgument,
        "front_open",
    );
    expect_err(
        c.handle_key_update(&file, b"respCode=00", now()),
        ErrorCode::InvalidArgument,
        "file_transfer",
    );
    let secure = Client::new(ClientConfig {
        credentials: Credentials::SecureKey {
            method: SignMethod::Sha256SecureKey,
            key: SecureKey::new("88888888").unwrap(),
        },
        ..config()
    })
    .unwrap();
    expect_err(
        secure.build_key_update_query(
            &KeyUpdateQueryParams {
                order_id: "KEYUPDATE001".into(),
            },
            now(),
            &mut rng(),
        ),
        ErrorCode::UnsupportedSignMethod,
        "signMethod 01",
    );
}

#[test]
fn configuration_is_checked_at_client_new() {
    let cases: Vec<(ClientConfig, ErrorCode, &str)> = vec![
        (
            ClientConfig {
                mer_id: "77729005811009".into(),
                ..config()
            },
            ErrorCode::InvalidField,
            "merId",
        ),
        (
            ClientConfig {
                mer_id: "77729005811009X".into(),
                ..config()
            },
            ErrorCode::InvalidField,
            "merId",
        ),
        (
            ClientConfig {
                access_type: "3".into(),
                ..config()
            },
            ErrorCode::InvalidField,
            "accessType",
        ),
        (
            ClientConfig {
                channel_type: "7".into(),
                ..config()
            },
            ErrorCode::InvalidField,
            "channelType",
        ),
        (
            ClientConfig {
                tr_id: Some("62x".into()),
                ..config()
            },
            ErrorCode::InvalidField,
            "trId",
        ),
        (
            ClientConfig {
                biz_types: BizTypes {
                    undo_refund: "00090".into(),
                    ..BizTypes::default()
                },
                ..config()
            },
            ErrorCode::InvalidField,
            "bizTypes.undoRefund",
        ),
        (
            ClientConfig {
                order_id_max_len: 41,
                ..config()
            },
            ErrorCode::InvalidArgument,
            "orderIdMaxLen",
        ),
        (
            ClientConfig {
                credentials: Credentials::SecureKey {
                    method: SignMethod::Sha256SecureKey,
                    key: SecureKey::new("88888888").unwrap(),
                },
                version: unionpay_acp::Version::V5_0_0,
                ..config()
            },
            ErrorCode::UnsupportedSignMethod,
            "5.1.0",
        ),
    ];
    for (cfg, code, names) in cases {
        expect_err(Client::new(cfg), code, names);
    }
}
