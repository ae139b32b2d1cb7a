//! Every API's request, compared field by field with the form spec §8 describes.
#![allow(clippy::disallowed_methods)] // tests read fixture files

mod client_support;

use client_support::*;
use unionpay_acp::card::CustomerInfo;
use unionpay_acp::client::*;
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber};
use unionpay_acp::ErrorCode;
use unionpay_acp::Timestamp;

const TOKEN: &str = "6235240000020757577";
const QRY: &str = "512211250400000000001";
const ORIG_TIME: &str = "20261125113000";

fn header(
    txn_type: &'static str,
    sub: &'static str,
    biz: &'static str,
    order_id: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("version", "5.1.0"),
        ("encoding", "UTF-8"),
        ("signMethod", "01"),
        ("certId", CERT_ID),
        ("signature", "SIG"),
        ("txnType", txn_type),
        ("txnSubType", sub),
        ("bizType", biz),
        ("channelType", "07"),
        ("accessType", "0"),
        ("merId", MER_ID),
        ("orderId", order_id),
        ("txnTime", NOW_TXN_TIME),
    ]
}

fn with(
    mut base: Vec<(&'static str, &'static str)>,
    extra: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    for (k, v) in extra {
        base.retain(|(bk, _)| bk != k);
        base.push((k, v));
    }
    base
}

fn without(
    mut base: Vec<(&'static str, &'static str)>,
    keys: &[&str],
) -> Vec<(&'static str, &'static str)> {
    base.retain(|(k, _)| !keys.contains(k));
    base
}

fn sms_code() -> CustomerInfo {
    CustomerInfo {
        sms_code: Some("111111".into()),
        ..Default::default()
    }
}

fn credit_card_info(sms: bool) -> CustomerInfo {
    CustomerInfo {
        phone_no: Some(PhoneNumber::new("13552535506").unwrap()),
        cvn2: Some(Cvn2::new("123").unwrap()),
        expired: Some(CardExpiry::new("2311").unwrap()),
        sms_code: sms.then(|| "111111".into()),
        ..Default::default()
    }
}

fn phone_only() -> CustomerInfo {
    CustomerInfo {
        phone_no: Some(PhoneNumber::new("13552535506").unwrap()),
        ..Default::default()
    }
}

fn check_endpoint(req: &OutgoingRequest, kind: EndpointKind, url: &str) {
    assert_eq!(req.endpoint, kind, "{:?}", req.api);
    assert_eq!(req.url, url, "{:?}", req.api);
}

const BACK: &str = "http://127.0.0.1:8080/gateway/api/backTransReq.do";

#[test]
fn endpoints_for_every_environment() {
    let e = Endpoints::for_base_url("http://127.0.0.1:8080/").unwrap();
    assert_eq!(
        e.front,
        "http://127.0.0.1:8080/gateway/api/frontTransReq.do"
    );
    assert_eq!(e.back, BACK);
    assert_eq!(e.query, "http://127.0.0.1:8080/gateway/api/queryTrans.do");
    assert_eq!(e.file, "http://127.0.0.1:8080/");
    assert_eq!(e.app, "http://127.0.0.1:8080/gateway/api/appTransReq.do");
    let p = Environment::Production.endpoints();
    assert_eq!(
        p.back,
        "https://gateway.95516.com/gateway/api/backTransReq.do"
    );
    assert_eq!(p.file, "https://filedownload.95516.com/");
    let t = Environment::Test.endpoints();
    assert_eq!(
        t.query,
        "https://gateway.test.95516.com/gateway/api/queryTrans.do"
    );
    assert_eq!(t.file, "https://filedownload.test.95516.com/");
    assert!(Endpoints::for_base_url("ftp://x").is_err());
    assert!(Endpoints::for_base_url("http://x/?a=b").is_err());
}

#[test]
fn consume_with_token() {
    let req = client()
        .build_consume(
            &ConsumeParams {
                order: Order::New("ORDER20261125A1".into()),
                txn_amt: 1000,
                payer: Payer::Token(TOKEN.into()),
                back_url: BACK_URL.into(),
                customer_info: sms_code(),
                req_reserved: Some("memo1".into()),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(req.api, Api::Consume);
    check_endpoint(&req, EndpointKind::Back, BACK);
    // Only smsCode: no encryption, so no encryptCertId (spec §8.1).
    assert_fields(
        &req,
        &with(
            header("01", "01", "000902", "ORDER20261125A1"),
            &[
                ("txnAmt", "1000"),
                ("currencyCode", "156"),
                ("backUrl", BACK_URL),
                (
                    "tokenPayData",
                    "{token=6235240000020757577&trId=62000000001}",
                ),
                ("customerInfo", "e3Ntc0NvZGU9MTExMTExfQ=="),
                ("reqReserved", "memo1"),
            ],
        ),
    );
    assert_eq!(req.order_id.as_deref(), Some("ORDER20261125A1"));
    assert_eq!(req.txn_time, NOW_TXN_TIME);
    assert_eq!(req.txn_amt, Some(1000));
    assert!(req.html.is_none());
    assert_eq!(
        FORM_CONTENT_TYPE,
        "application/x-www-form-urlencoded;charset=UTF-8"
    );
}

#[test]
fn consume_with_card_number_is_the_standard_product() {
    let req = client()
        .build_consume(
            &ConsumeParams {
                order: Order::New("ORDER20261125A2".into()),
                txn_amt: 1,
                payer: Payer::Card(Pan::new("6216261000000000018").unwrap()),
                back_url: BACK_URL.into(),
                customer_info: CustomerInfo {
                    sms_code: Some("111111".into()),
                    ..phone_only()
                },
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_fields(
        &req,
        &with(
            header("01", "01", "000301", "ORDER20261125A2"),
            &[
                ("txnAmt", "1"),
                ("currencyCode", "156"),
                ("backUrl", BACK_URL),
                ("accNo", "ENC:6216261000000000018"),
                ("customerInfo", "CIE:smsCode=111111|phoneNo=13552535506"),
                ("encryptCertId", ENC_CERT_ID),
            ],
        ),
    );
}

#[test]
fn sms_then_consume_reuses_order_time_and_amount() {
    let c = client();
    let sms_time = now().plus_seconds(-60);
    let sms = c
        .build_sms(
            &SmsParams {
                order_id: "SMSORDER0001".into(),
                purpose: SmsPurpose::Consume {
                    payer: Payer::Token(TOKEN.into()),
                    txn_amt: 1000,
                },
                customer_info: CustomerInfo::default(),
                req_reserved: None,
            },
            sms_time,
            &mut rng(),
        )
        .unwrap();
    assert_fields(
        &sms,
        &with(
            header("77", "02", "000902", "SMSORDER0001"),
            &[
                ("txnTime", "20261125115900"),
                ("txnAmt", "1000"),
                ("currencyCode", "156"),
                (
                    "tokenPayData",
                    "{token=6235240000020757577&trId=62000000001}",
                ),
            ],
        ),
    );
    let pairing = sms.sms_pairing().unwrap();
    assert_eq!(
        pairing,
        SmsPairing {
            kind: SmsKind::Consume,
            order_id: "SMSORDER0001".into(),
            txn_time: "20261125115900".into(),
            txn_amt: Some(1000),
        }
    );
    let consume = c
        .build_consume(
            &ConsumeParams {
                order: Order::AfterSms(pairing),
                txn_amt: 1000,
                payer: Payer::Token(TOKEN.into()),
                back_url: BACK_URL.into(),
                customer_info: sms_code(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_fields(
        &consume,
        &with(
            header("01", "01", "000902", "SMSORDER0001"),
            &[
                ("txnTime", "20261125115900"),
                ("txnAmt", "1000"),
                ("currencyCode", "156"),
                ("backUrl", BACK_URL),
                (
                    "tokenPayData",
                    "{token=6235240000020757577&trId=62000000001}",
                ),
                ("customerInfo", "e3Ntc0NvZGU9MTExMTExfQ=="),
            ],
        ),
    );
    assert_eq!(consume.txn_time, "20261125115900");
}

#[test]
fn sms_variants() {
    let c = client();
    let card = || Pan::new("6221558812340000").unwrap();
    let open = c
        .build_sms(
            &SmsParams {
                order_id: "SMSOPEN00001".into(),
                purpose: SmsPurpose::Open { acc_no: card() },
                customer_info: phone_only(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(open.api, Api::Sms(SmsKind::Open));
    check_endpoint(&open, EndpointKind::Back, BACK);
    assert_fields(
        &open,
        &with(
            header("77", "00", "000902", "SMSOPEN00001"),
            &[
                ("accNo", "ENC:6221558812340000"),
                ("customerInfo", "CIE:|phoneNo=13552535506"),
                ("tokenPayData", "{trId=62000000001&tokenType=01}"),
                ("encryptCertId", ENC_CERT_ID),
            ],
        ),
    );
    assert_eq!(open.sms_pairing().unwrap().txn_amt, None);

    let real_name = c
        .build_sms(
            &SmsParams {
                order_id: "SMSAUTH00001".into(),
                purpose: SmsPurpose::RealNameAuth { acc_no: card() },
                customer_info: phone_only(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_fields(
        &real_name,
        &with(
            header("77", "01", "000902", "SMSAUTH00001"),
            &[
                ("accNo", "ENC:6221558812340000"),
                ("customerInfo", "CIE:|phoneNo=13552535506"),
                ("encryptCertId", ENC_CERT_ID),
            ],
        ),
    );

    for (sub, purpose) in [
        (
            "03",
            SmsPurpose::Withholding {
                payer: Payer::Token(TOKEN.into()),
                txn_amt: 500,
            },
        ),
        (
            "04",
            SmsPurpose::PreAuth {
                payer: Payer::Token(TOKEN.into()),
                txn_amt: 500,
            },
        ),
    ] {
        let req = c
            .build_sms(
                &SmsParams {
                    order_id: "SMSMONEY0001".into(),
                    purpose,
                    customer_info: CustomerInfo::default(),
                    req_reserved: None,
                },
                now(),
                &mut rng(),
            )
            .unwrap();
        assert_eq!(req.api.txn_sub_type(), sub);
        assert_fields(
            &req,
            &with(
                header("77", sub, "000902", "SMSMONEY0001"),
                &[
                    ("txnAmt", "500"),
                    ("currencyCode", "156"),
                    (
                        "tokenPayData",
                        "{token=6235240000020757577&trId=62000000001}",
                    ),
                ],
            ),
        );
    }
}

#[test]
fn reversal() {
    let req = client()
        .build_reversal(
            &ReversalParams {
                orig_order_id: "ORDER20261125A1".into(),
                orig_txn_time: ORIG_TIME.into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    check_endpoint(&req, EndpointKind::Back, BACK);
    assert_fields(
        &req,
        &with(
            header("99", "01", "000000", "ORDER20261125A1"),
            &[("txnTime", ORIG_TIME)],
        ),
    );
    assert_eq!(req.txn_time, ORIG_TIME);
}

#[test]
fn front_open_renders_the_page() {
    let req = client()
        .build_front_open(
            &FrontOpenParams {
                order_id: "OPEN20261125F1".into(),
                front_url: FRONT_URL.into(),
                back_url: BACK_URL.into(),
                acc_no: Some(Pan::new("6226090000000048").unwrap()),
                customer_info: CustomerInfo {
                    certif_tp: Some("01".into()),
                    certif_id: Some("510265790128303".into()),
                    customer_nm: Some("张三".into()),
                    phone_no: Some(PhoneNumber::new("18100000000").unwrap()),
                    ..Default::default()
                },
                pay_timeout: None,
                reserved: vec![("customPage".into(), "true".into())],
                req_reserved: None,
                front_fail_url: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    check_endpoint(
        &req,
        EndpointKind::Front,
        "http://127.0.0.1:8080/gateway/api/frontTransReq.do",
    );
    assert_fields(
        &req,
        &with(
            header("79", "00", "000902", "OPEN20261125F1"),
            &[
                ("frontUrl", FRONT_URL),
                ("backUrl", BACK_URL),
                ("tokenPayData", "{trId=62000000001&tokenType=01}"),
                ("accNo", "ENC:6226090000000048"),
                (
                    "customerInfo",
                    "CIE:certifTp=01&certifId=510265790128303&customerNm=张三|phoneNo=18100000000",
                ),
                ("encryptCertId", ENC_CERT_ID),
                ("payTimeout", "20261125121500"),
                ("reserved", "{customPage=true}"),
            ],
        ),
    );
    assert_eq!(req.pay_timeout, Some(now().plus_seconds(900)));
    let html = req.html.as_deref().unwrap();
    assert_eq!(parse_page(html).0, req.url);
    assert_eq!(
        parse_page(html).1,
        req.fields
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn back_open_new_and_after_sms() {
    let c = client();
    let params = |order| BackOpenParams {
        order,
        acc_no: Pan::new("6221558812340000").unwrap(),
        customer_info: credit_card_info(false),
        req_reserved: None,
    };
    let req = c
        .build_back_open(
            &params(Order::New("OPENBACK0001".into())),
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(req.api, Api::BackOpen);
    check_endpoint(&req, EndpointKind::Back, BACK);
    let expected = with(
        header("79", "00", "000902", "OPENBACK0001"),
        &[
            ("accNo", "ENC:6221558812340000"),
            (
                "customerInfo",
                "CIE:|phoneNo=13552535506&cvn2=123&expired=2311",
            ),
            ("tokenPayData", "{trId=62000000001&tokenType=01}"),
            ("encryptCertId", ENC_CERT_ID),
        ],
    );
    assert_fields(&req, &expected);
    assert!(req.html.is_none());

    let pairing = SmsPairing {
        kind: SmsKind::Open,
        order_id: "SMSOPEN00001".into(),
        txn_time: "20261125115500".into(),
        txn_amt: None,
    };
    let mut p = params(Order::AfterSms(pairing));
    p.customer_info = credit_card_info(true);
    let after = c.build_back_open(&p, now(), &mut rng()).unwrap();
    assert_fields(
        &after,
        &with(
            expected,
            &[
                ("orderId", "SMSOPEN00001"),
                ("txnTime", "20261125115500"),
                (
                    "customerInfo",
                    "CIE:smsCode=111111|phoneNo=13552535506&cvn2=123&expired=2311",
                ),
            ],
        ),
    );
}

#[test]
fn open_query_and_apply_token_use_the_original_ids() {
    let c = client();
    let q = c
        .build_open_query(
            &OpenQueryParams {
                orig_order_id: "OPEN20261125F1".into(),
                orig_txn_time: ORIG_TIME.into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    check_endpoint(&q, EndpointKind::Back, BACK);
    assert_fields(
        &q,
        &with(
            header("78", "02", "000902", "OPEN20261125F1"),
            &[("txnTime", ORIG_TIME)],
        ),
    );
    let a = c
        .build_apply_token(
            &ApplyTokenParams {
                orig_order_id: "PAYOPEN00001".into(),
                orig_txn_time: ORIG_TIME.into(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_fields(
        &a,
        &with(
            header("79", "05", "000902", "PAYOPEN00001"),
            &[
                ("txnTime", ORIG_TIME),
                ("tokenPayData", "{trId=62000000001&tokenType=01}"),
            ],
        ),
    );
}

#[test]
fn delete_and_update_token() {
    let c = client();
    let del = c
        .build_delete_token(
            &DeleteTokenParams {
                order_id: "DELETE000001".into(),
                token: TOKEN.into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    check_endpoint(&del, EndpointKind::Back, BACK);
    assert_fields(
        &del,
        &with(
            header("74", "01", "000902", "DELETE000001"),
            &[(
                "tokenPayData",
                "{token=6235240000020757577&trId=62000000001}",
            )],
        ),
    );
    let upd = c
        .build_update_token(
            &UpdateTokenParams {
                order: Order::New("UPDATE000001".into()),
                token: TOKEN.into(),
                customer_info: credit_card_info(true),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_fields(
        &upd,
        &with(
            header("79", "03", "000902", "UPDATE000001"),
            &[
                (
                    "tokenPayData",
                    "{token=6235240000020757577&trId=62000000001&tokenType=01}",
                ),
                (
                    "customerInfo",
                    "CIE:smsCode=111111|phoneNo=13552535506&cvn2=123&expired=2311",
                ),
                ("encryptCertId", ENC_CERT_ID),
            ],
        ),
    );
}

#[test]
fn undo_refund_and_pre_auth_follow_ups() {
    let c = client();
    let base = |t, s, biz, id| {
        with(
            header(t, s, biz, id),
            &[
                ("origQryId", QRY),
                ("txnAmt", "1000"),
                ("currencyCode", "156"),
                ("backUrl", BACK_URL),
            ],
        )
    };
    let r = &mut rng();
    let undo = c
        .build_consume_undo(
            &ConsumeUndoParams {
                order_id: "UNDO00000001".into(),
                orig_qry_id: QRY.into(),
                txn_amt: 1000,
                back_url: BACK_URL.into(),
                req_reserved: None,
            },
            now(),
            r,
        )
        .unwrap();
    assert_fields(&undo, &base("31", "00", "000902", "UNDO00000001"));
    let refund = c
        .build_refund(
            &RefundParams {
                order_id: "REFUND000001".into(),
                orig_qry_id: QRY.into(),
                txn_amt: 1000,
                back_url: BACK_URL.into(),
                req_reserved: Some("partial1".into()),
            },
            now(),
            r,
        )
        .unwrap();
    assert_fields(
        &refund,
        &with(
            base("04", "00", "000902", "REFUND000001"),
            &[("reqReserved", "partial1")],
        ),
    );
    let pau = c
        .build_pre_auth_undo(
            &PreAuthUndoParams {
                order_id: "PAUNDO000001".into(),
                orig_qry_id: QRY.into(),
                txn_amt: 1000,
                back_url: BACK_URL.into(),
                req_reserved: None,
            },
            now(),
            r,
        )
        .unwrap();
    assert_fields(&pau, &base("32", "00", "000902", "PAUNDO000001"));
    let pac = c
        .build_pre_auth_completion(
            &PreAuthCompletionParams {
                order_id: "PACOMP000001".into(),
                orig_qry_id: QRY.into(),
                txn_amt: 1000,
                back_url: BACK_URL.into(),
                req_reserved: None,
            },
            now(),
            r,
        )
        .unwrap();
    assert_fields(&pac, &base("03", "00", "000902", "PACOMP000001"));
    let cu = c
        .build_completion_undo(
            &CompletionUndoParams {
                order_id: "COMPUNDO0001".into(),
                orig_qry_id: QRY.into(),
                txn_amt: 1000,
                back_url: BACK_URL.into(),
                req_reserved: None,
            },
            now(),
            r,
        )
        .unwrap();
    assert_fields(&cu, &base("33", "00", "000902", "COMPUNDO0001"));
    for req in [&undo, &refund, &pau, &pac, &cu] {
        check_endpoint(req, EndpointKind::Back, BACK);
        assert!(req.api.is_money_moving());
    }
}

#[test]
fn pre_auth_after_its_sms() {
    let c = client();
    let pairing = SmsPairing {
        kind: SmsKind::PreAuth,
        order_id: "PREAUTH00001".into(),
        txn_time: "20261125115900".into(),
        txn_amt: Some(20000),
    };
    let req = c
        .build_pre_auth(
            &PreAuthParams {
                order: Order::AfterSms(pairing),
                txn_amt: 20000,
                payer: Payer::Token(TOKEN.into()),
                back_url: BACK_URL.into(),
                customer_info: sms_code(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    check_endpoint(&req, EndpointKind::Back, BACK);
    assert_fields(
        &req,
        &with(
            header("02", "01", "000902", "PREAUTH00001"),
            &[
                ("txnTime", "20261125115900"),
                ("txnAmt", "20000"),
                ("currencyCode", "156"),
                ("backUrl", BACK_URL),
                (
                    "tokenPayData",
                    "{token=6235240000020757577&trId=62000000001}",
                ),
                ("customerInfo", "e3Ntc0NvZGU9MTExMTExfQ=="),
            ],
        ),
    );
}

#[test]
fn status_query_has_no_channel_type() {
    let req = client()
        .build_status_query(
            &StatusQueryParams {
                orig_order_id: "ORDER20261125A1".into(),
                orig_txn_time: ORIG_TIME.into(),
                queried: QueriedTxn::back(Api::Consume, 1000).unwrap(),
                attempt: 1,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    check_endpoint(
        &req,
        EndpointKind::Query,
        "http://127.0.0.1:8080/gateway/api/queryTrans.do",
    );
    assert_fields(
        &req,
        &with(
            without(
                header("00", "00", "000000", "ORDER20261125A1"),
                &["channelType"],
            ),
            &[("txnTime", ORIG_TIME)],
        ),
    );
}

#[test]
fn status_query_for_a_built_request() {
    let c = client();
    let consume = c
        .build_consume(
            &ConsumeParams {
                order: Order::New("ORDER20261125A1".into()),
                txn_amt: 1000,
                payer: Payer::Token(TOKEN.into()),
                back_url: BACK_URL.into(),
                customer_info: sms_code(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let p = StatusQueryParams::for_request(&consume, 1).unwrap();
    assert_eq!(p.orig_order_id, "ORDER20261125A1");
    assert_eq!(p.orig_txn_time, NOW_TXN_TIME);
    assert_eq!(p.queried, QueriedTxn::back(Api::Consume, 1000).unwrap());
    let pay = open_and_pay(&c);
    let p = StatusQueryParams::for_request(&pay, 2).unwrap();
    assert_eq!(
        p.queried,
        QueriedTxn::front(
            Api::OpenAndPay,
            1000,
            Timestamp::parse_txn_time("20261125123000").unwrap()
        )
        .unwrap()
    );
    assert_eq!(p.attempt, 2);
    // What the query helper takes from the request is what was signed.
    let mut edited = consume.clone();
    edited.txn_amt = Some(5);
    edited.order_id = Some("ORDER20261125ZZ".into());
    assert_eq!(
        StatusQueryParams::for_request(&edited, 1)
            .unwrap()
            .queried
            .txn_amt,
        1000
    );
    assert_eq!(
        StatusQueryParams::for_request(&edited, 1)
            .unwrap()
            .orig_order_id,
        "ORDER20261125A1"
    );
}

#[test]
fn the_query_helper_refuses_requests_it_cannot_look_up_by_their_own_key() {
    let c = client();
    let open_query = c
        .build_open_query(
            &OpenQueryParams {
                orig_order_id: "OPEN20261125A1".into(),
                orig_txn_time: ORIG_TIME.into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let apply = c
        .build_apply_token(
            &ApplyTokenParams {
                orig_order_id: "PAYOPEN00001".into(),
                orig_txn_time: ORIG_TIME.into(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let reversal = c
        .build_reversal(
            &ReversalParams {
                orig_order_id: "ORDER20261125A1".into(),
                orig_txn_time: ORIG_TIME.into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    for req in [open_query, apply, reversal] {
        let e = StatusQueryParams::for_request(&req, 1).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "{}", req.api.name());
        assert_eq!(
            c.build_query_for(&req, 1, now(), &mut rng())
                .unwrap_err()
                .code(),
            ErrorCode::InvalidArgument
        );
    }
    // A status query must say what it queried, and only what can be queried.
    for bad in [
        QueriedTxn {
            api: Api::Reversal,
            txn_amt: 1000,
            pay_timeout: None,
        },
        QueriedTxn {
            api: Api::DeleteToken,
            txn_amt: 1000,
            pay_timeout: None,
        },
        QueriedTxn {
            api: Api::OpenAndPay,
            txn_amt: 1000,
            pay_timeout: None,
        },
        QueriedTxn {
            api: Api::Consume,
            txn_amt: 1000,
            pay_timeout: Some(now()),
        },
        QueriedTxn {
            api: Api::Consume,
            txn_amt: 0,
            pay_timeout: None,
        },
    ] {
        let e = c
            .build_status_query(
                &StatusQueryParams {
                    orig_order_id: "ORDER20261125A1".into(),
                    orig_txn_time: ORIG_TIME.into(),
                    queried: bad.clone(),
                    attempt: 1,
                },
                now(),
                &mut rng(),
            )
            .unwrap_err();
        assert!(
            matches!(
                e.code(),
                ErrorCode::InvalidArgument | ErrorCode::InvalidAmount
            ),
            "{bad:?}: {e}"
        );
    }
}

fn open_and_pay(c: &Client) -> OutgoingRequest {
    c.build_open_and_pay(
        &OpenAndPayParams {
            order_id: "PAYOPEN00001".into(),
            txn_amt: 1000,
            acc_no: Pan::new("6221558812340000").unwrap(),
            front_url: FRONT_URL.into(),
            back_url: BACK_URL.into(),
            customer_info: CustomerInfo::default(),
            pay_timeout: Some(now().plus_seconds(1800)),
            reserved: Vec::new(),
            req_reserved: None,
            front_fail_url: Some("https://shop.example/fail".into()),
        },
        now(),
        &mut rng(),
    )
    .unwrap()
}

#[test]
fn open_and_pay_is_a_front_consume() {
    let req = open_and_pay(&client());
    assert_eq!(req.api, Api::OpenAndPay);
    check_endpoint(
        &req,
        EndpointKind::Front,
        "http://127.0.0.1:8080/gateway/api/frontTransReq.do",
    );
    assert_fields(
        &req,
        &with(
            header("01", "01", "000902", "PAYOPEN00001"),
            &[
                ("txnAmt", "1000"),
                ("currencyCode", "156"),
                ("accNo", "ENC:6221558812340000"),
                ("encryptCertId", ENC_CERT_ID),
                ("tokenPayData", "{trId=62000000001&tokenType=01}"),
                ("frontUrl", FRONT_URL),
                ("backUrl", BACK_URL),
                ("frontFailUrl", "https://shop.example/fail"),
                ("payTimeout", "20261125123000"),
            ],
        ),
    );
    assert!(req.html.as_deref().unwrap().contains("pay_form"));
}

#[test]
fn key_update_query_and_file_transfer() {
    let c = client();
    let k = c
        .build_key_update_query(
            &KeyUpdateQueryParams {
                order_id: "KEYUPDATE001".into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    check_endpoint(&k, EndpointKind::Back, BACK);
    assert_fields(
        &k,
        &with(
            header("95", "00", "000000", "KEYUPDATE001"),
            &[("certType", "01")],
        ),
    );
    let f = c
        .build_file_transfer(
            &FileTransferParams {
                settle_date: "0119".into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    check_endpoint(&f, EndpointKind::File, "http://127.0.0.1:8080/");
    assert_fields(
        &f,
        &with(
            without(
                header("76", "01", "000000", "unused"),
                &["orderId", "channelType"],
            ),
            &[("settleDate", "0119"), ("fileType", "00")],
        ),
    );
    assert_eq!(f.order_id, None);
}

#[test]
fn configured_biz_types_and_channel_are_used() {
    let cfg = ClientConfig {
        channel_type: "08".into(),
        biz_types: BizTypes {
            undo_refund: "000000".into(),
            query: "000902".into(),
            ..BizTypes::default()
        },
        ..config()
    };
    let c = Client::new(cfg).unwrap();
    let refund = c
        .build_refund(
            &RefundParams {
                order_id: "REFUND000002".into(),
                orig_qry_id: QRY.into(),
                txn_amt: 1,
                back_url: BACK_URL.into(),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(refund.fields.get("bizType"), Some("000000"));
    assert_eq!(refund.fields.get("channelType"), Some("08"));
    let q = c
        .build_status_query(
            &StatusQueryParams {
                orig_order_id: "REFUND000002".into(),
                orig_txn_time: NOW_TXN_TIME.into(),
                queried: QueriedTxn::back(Api::Consume, 1000).unwrap(),
                attempt: 1,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(q.fields.get("bizType"), Some("000902"));
}

#[test]
fn plain_mode_sends_card_data_in_the_clear_without_encrypt_cert_id() {
    let cfg = ClientConfig {
        customer_info_mode: unionpay_acp::card::CustomerInfoMode::Plain,
        encryption_cert: None,
        ..config()
    };
    let req = Client::new(cfg)
        .unwrap()
        .build_back_open(
            &BackOpenParams {
                order: Order::New("OPENBACK0002".into()),
                acc_no: Pan::new("6221558812340000").unwrap(),
                customer_info: credit_card_info(false),
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    // base64("{phoneNo=13552535506&cvn2=123&expired=2311}")
    assert_fields(
        &req,
        &with(
            header("79", "00", "000902", "OPENBACK0002"),
            &[
                ("accNo", "6221558812340000"),
                (
                    "customerInfo",
                    "e3Bob25lTm89MTM1NTI1MzU1MDYmY3ZuMj0xMjMmZXhwaXJlZD0yMzExfQ==",
                ),
                ("tokenPayData", "{trId=62000000001&tokenType=01}"),
            ],
        ),
    );
}

#[test]
fn html_escapes_every_value() {
    // ('&' and brackets are refused in URLs: they would make the signed string ambiguous.)
    let nasty = "https://shop.example/r?a=1;b=<x>\"y'";
    let req = client()
        .build_front_open(
            &FrontOpenParams {
                order_id: "OPEN20261125F2".into(),
                front_url: nasty.into(),
                back_url: BACK_URL.into(),
                ..Default::default()
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let html = req.html.clone().unwrap();
    assert!(
        html.contains("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">")
    );
    assert!(html.contains("<form id=\"pay_form\" name=\"pay_form\" action=\"http://127.0.0.1:8080/gateway/api/frontTransReq.do\" method=\"post\">"));
    assert!(html.contains("onload=\"document.getElementById('pay_form').submit()\""));
    assert!(html.contains(
        "<input type=\"hidden\" name=\"frontUrl\" id=\"frontUrl\" value=\"https://shop.example/r?a=1;b=&lt;x&gt;&quot;y&#39;\"/>"
    ));
    assert!(!html.contains("<x>"));
    // Unescaped, the page posts exactly the signed fields.
    let (action, inputs) = parse_page(&html);
    assert_eq!(action, req.url);
    let posted: Vec<(String, String)> = inputs;
    let signed: Vec<(String, String)> = req
        .fields
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(posted, signed);
    assert_eq!(req.fields.get("frontUrl"), Some(nasty));
}

#[test]
fn debug_output_hides_card_data_and_tokens() {
    let c = client();
    let params = ConsumeParams {
        order: Order::New("ORDER20261125A9".into()),
        txn_amt: 1,
        payer: Payer::Card(Pan::new("6216261000000000018").unwrap()),
        back_url: BACK_URL.into(),
        customer_info: credit_card_info(true),
        req_reserved: None,
    };
    let req = c.build_consume(&params, now(), &mut rng()).unwrap();
    let shown = format!("{req:?} {params:?} {c:?}");
    assert!(!shown.contains("6216261000000000018"), "{shown}");
    assert!(!shown.contains("13552535506"), "{shown}");
    assert!(!shown.contains(req.fields.get("accNo").unwrap()), "{shown}");
    assert!(!shown.contains(req.fields.get("customerInfo").unwrap()));
    assert!(shown.contains("ORDER20261125A9"));
    let token = format!("{:?}", Payer::Token(TOKEN.into()));
    assert!(!token.contains(TOKEN) && token.contains("7577"), "{token}");
}

#[test]
fn several_clients_side_by_side() {
    let a = client();
    let b = Client::new(ClientConfig {
        mer_id: "700000000000001".into(),
        ..config()
    })
    .unwrap();
    let p = FileTransferParams {
        settle_date: "0119".into(),
    };
    let fa = a.build_file_transfer(&p, now(), &mut rng()).unwrap();
    let fb = b.build_file_transfer(&p, now(), &mut rng()).unwrap();
    assert_eq!(fa.fields.get("merId"), Some(MER_ID));
    assert_eq!(fb.fields.get("merId"), Some("700000000000001"));
    let t = std::thread::spawn(move || b.config().mer_id.clone());
    assert_eq!(t.join().unwrap(), "700000000000001");
}

/// A small independent parser of the auto-submit page: the form action and the hidden
/// inputs' (name, value), unescaped, sorted by name; asserts name == id.
fn parse_page(html: &str) -> (String, Vec<(String, String)>) {
    fn attr(tag: &str, name: &str) -> String {
        let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }
    let form_start = html.find("<form").unwrap();
    let form_tag = &html[form_start..form_start + html[form_start..].find('>').unwrap()];
    let mut inputs = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<input") {
        let end = i + rest[i..].find("/>").unwrap();
        let tag = &rest[i..end];
        assert_eq!(attr(tag, "name"), attr(tag, "id"));
        inputs.push((attr(tag, "name"), attr(tag, "value")));
        rest = &rest[end..];
    }
    inputs.sort();
    (attr(form_tag, "action"), inputs)
}
