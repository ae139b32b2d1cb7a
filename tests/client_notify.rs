//! Notifications: verified, typed per API, matched against the request.
#![allow(clippy::disallowed_methods)] // tests read fixture files

mod client_support;

use client_support::*;
use unionpay_acp::card::CustomerInfo;
use unionpay_acp::client::*;
use unionpay_acp::secret::Pan;
use unionpay_acp::{ErrorCode, ErrorKind};

const TOKEN: &str = "6235240000020757577";

fn settled(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![
        ("accessType", "0"),
        ("encoding", "UTF-8"),
        ("merId", MER_ID),
        ("orderId", "ORDER20261125A1"),
        ("txnTime", NOW_TXN_TIME),
        ("txnAmt", "1000"),
        ("currencyCode", "156"),
        ("queryId", "512211250400000000009"),
        ("traceNo", "561652"),
        ("traceTime", "1125120005"),
        ("settleDate", "1125"),
        ("settleAmt", "1000"),
        ("settleCurrencyCode", "156"),
        ("respMsg", "成功[0000000]"),
    ];
    for (k, val) in extra {
        v.retain(|(key, _)| key != k);
        v.push((k, val));
    }
    v
}

#[test]
fn each_notified_api_is_recognised() {
    let c = client();
    let cases: &[(&str, &str, &str, Api)] = &[
        ("01", "01", "000902", Api::Consume),
        ("79", "00", "000902", Api::FrontOpen),
        ("31", "00", "000902", Api::ConsumeUndo),
        ("04", "00", "000902", Api::Refund),
        ("02", "01", "000902", Api::PreAuth),
        ("32", "00", "000902", Api::PreAuthUndo),
        ("03", "00", "000902", Api::PreAuthCompletion),
        ("33", "00", "000902", Api::CompletionUndo),
    ];
    for (t, s, biz, api) in cases {
        let body = notify_body(&settled(&[
            ("txnType", t),
            ("txnSubType", s),
            ("bizType", biz),
            ("respCode", "00"),
        ]));
        let n = c.verify_notification(&body, now()).unwrap();
        assert_eq!(n.api, Some(*api), "{t}/{s}");
        assert_eq!(n.txn_type, *t);
        assert_eq!(n.txn_sub_type, *s);
        assert_eq!(n.biz_type, *biz);
        assert!(n.success);
        assert_eq!(n.source, NotificationSource::Back);
        assert_eq!(n.mer_id, MER_ID);
        assert_eq!(n.order_id.as_deref(), Some("ORDER20261125A1"));
        assert_eq!(n.txn_time.as_deref(), Some(NOW_TXN_TIME));
        assert_eq!(n.txn_amt, Some(1000));
        assert_eq!(n.settle_amt, Some(1000));
        assert_eq!(n.query_id.as_deref(), Some("512211250400000000009"));
        assert_eq!(n.settle_date.as_deref(), Some("1125"));
        assert_eq!(n.trace_no.as_deref(), Some("561652"));
        assert_eq!(n.trace_time.as_deref(), Some("1125120005"));
    }
    // Something this product never notifies.
    let body = notify_body(&settled(&[
        ("txnType", "77"),
        ("txnSubType", "02"),
        ("respCode", "00"),
    ]));
    assert_eq!(c.verify_notification(&body, now()).unwrap().api, None);
}

#[test]
fn a_notification_does_not_imply_success() {
    let c = client();
    for (code, success) in [
        ("00", true),
        ("A6", true),
        ("01", false),
        ("03", false),
        ("61", false),
    ] {
        let body = notify_body(&settled(&[
            ("txnType", "01"),
            ("txnSubType", "01"),
            ("respCode", code),
        ]));
        let n = c.verify_notification(&body, now()).unwrap();
        assert_eq!(n.success, success, "{code}");
        assert_eq!(n.resp_code, code);
    }
}

#[test]
fn front_open_notification_carries_the_token() {
    let c = client();
    let body = notify_body(&[
        ("accessType", "0"),
        ("bizType", "000902"),
        ("merId", MER_ID),
        ("orderId", "OPEN20261125F1"),
        ("txnTime", NOW_TXN_TIME),
        ("txnType", "79"),
        ("txnSubType", "00"),
        ("respCode", "00"),
        ("respMsg", "success"),
        ("activateStatus", "1"),
        (
            "tokenPayData",
            "{token=6235240000020757577&trId=62000000001&tokenType=01&tokenBegin=20261125120000&tokenEnd=20311125120000&tokenLevel=10}",
        ),
        // base64 with '+' and '/' survives the form encoding.
        ("customerInfo", "e2NlcnRpZlRwPTAxfQ=="),
        ("reqReserved", "a+b/c=d"),
    ]);
    let n = c.verify_notification(&body, now()).unwrap();
    assert_eq!(n.api, Some(Api::FrontOpen));
    let t = n.token_pay_data.clone().unwrap();
    assert_eq!(t.token.as_deref(), Some(TOKEN));
    assert_eq!(t.token_level.as_deref(), Some("10"));
    assert_eq!(n.response.activate_status(), Some("1"));
    assert_eq!(n.response.req_reserved(), Some("a+b/c=d"));
    assert_eq!(
        n.response.customer_info().unwrap().unwrap().get("certifTp"),
        Some("01")
    );
    let front = c.verify_front_notification(&body, now()).unwrap();
    assert_eq!(front.source, NotificationSource::Front);
    assert_eq!(front.api, Some(Api::FrontOpen));
}

#[test]
fn undo_and_refund_notifications_carry_orig_qry_id() {
    let c = client();
    let body = notify_body(&settled(&[
        ("txnType", "04"),
        ("txnSubType", "00"),
        ("orderId", "REFUND000001"),
        ("origQryId", "512211250400000000001"),
        ("txnAmt", "300"),
        ("settleAmt", "300"),
        ("respCode", "00"),
    ]));
    let n = c.verify_notification(&body, now()).unwrap();
    assert_eq!(n.api, Some(Api::Refund));
    assert_eq!(n.orig_qry_id.as_deref(), Some("512211250400000000001"));
    assert_eq!(n.txn_amt, Some(300));
}

#[test]
fn matches_compares_merchant_order_time_type_and_amount() {
    let c = client();
    let consume = c
        .build_consume(
            &ConsumeParams {
                order: Order::New("ORDER20261125A1".into()),
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
        .unwrap();
    let note = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = settled(&[("txnType", "01"), ("txnSubType", "01"), ("respCode", "00")]);
        for (k, v) in extra {
            pairs.retain(|(key, _)| key != k);
            pairs.push((k, v));
        }
        c.verify_notification(&notify_body(&pairs), now()).unwrap()
    };
    assert!(note(&[]).matches(&consume));
    assert!(!note(&[("orderId", "ORDER20261125A2")]).matches(&consume));
    assert!(!note(&[("txnTime", "20261125120001")]).matches(&consume));
    assert!(!note(&[("txnAmt", "999")]).matches(&consume));
    assert!(!note(&[("txnType", "04"), ("txnSubType", "00")]).matches(&consume));
    // A money request's notification must say the amount.
    let mut pairs = settled(&[("txnType", "01"), ("txnSubType", "01"), ("respCode", "00")]);
    pairs.retain(|(k, _)| *k != "txnAmt");
    let no_amount = c.verify_notification(&notify_body(&pairs), now()).unwrap();
    assert!(!no_amount.matches(&consume));
    // The signed fields decide, not the side fields a host stored with the request.
    let mut edited = consume.clone();
    edited.order_id = Some("ORDER20261125A2".into());
    edited.txn_time = "20261125120001".into();
    edited.txn_amt = Some(999);
    assert!(note(&[]).matches(&edited));
    assert!(!note(&[
        ("orderId", "ORDER20261125A2"),
        ("txnTime", "20261125120001"),
        ("txnAmt", "999")
    ])
    .matches(&edited));
    // An open-and-pay is notified as a 01/01 too.
    let pay = c
        .build_open_and_pay(
            &OpenAndPayParams {
                order_id: "ORDER20261125A1".into(),
                txn_amt: 1000,
                acc_no: Pan::new("6221558812340000").unwrap(),
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
    assert!(note(&[]).matches(&pay));
}

#[test]
fn notifications_are_verified_and_routed() {
    let c = client();
    let pairs = settled(&[("txnType", "01"), ("txnSubType", "01"), ("respCode", "00")]);
    // For another merchant.
    let mut other = pairs.clone();
    other.retain(|(k, _)| *k != "merId");
    other.push(("merId", "700000000000001"));
    let e = c
        .verify_notification(&notify_body(&other), now())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResponseMismatch);
    assert!(e.message().contains("merId"));
    // Tampered: the amount changed after signing.
    let body = String::from_utf8(notify_body(&pairs))
        .unwrap()
        .replace("txnAmt=1000", "txnAmt=1");
    let e = c.verify_notification(body.as_bytes(), now()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Signature);
    // A front flow that failed may GET frontUrl without data.
    let e = c.verify_front_notification(b"", now()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignatureMissing);
    // A raw (not form-encoded) body does not verify: '+' in base64 would be decoded.
    let e = c
        .verify_notification(&gateway_body(&pairs), now())
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Signature | ErrorKind::Format),
        "{e}"
    );
}
