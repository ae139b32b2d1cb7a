//! Synchronous answers through `handle_response`: every outcome class, the status-query
//! table, mismatches and verification failures.
#![allow(clippy::disallowed_methods)] // tests read fixture files

mod client_support;

use base64::Engine;
use client_support::*;
use unionpay_acp::card::{encrypt_field, CustomerInfo};
use unionpay_acp::client::*;
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber};
use unionpay_acp::{sign_as_gateway, EncryptionCert, ErrorCode, ErrorKind, Fields, Timestamp};

const TOKEN: &str = "6235240000020757577";
const QRY: &str = "512211250400000000001";

fn consume_req(c: &Client) -> OutgoingRequest {
    c.build_consume(
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
    .unwrap()
}

fn delete_req(c: &Client) -> OutgoingRequest {
    c.build_delete_token(
        &DeleteTokenParams {
            order_id: "DELETE000001".into(),
            token: TOKEN.into(),
        },
        now(),
        &mut rng(),
    )
    .unwrap()
}

fn back_consume() -> QueriedTxn {
    QueriedTxn::back(Api::Consume, 1000).unwrap()
}

fn query_req(c: &Client, queried: QueriedTxn, attempt: u32) -> OutgoingRequest {
    c.build_status_query(
        &StatusQueryParams {
            orig_order_id: "ORDER20261125A1".into(),
            orig_txn_time: NOW_TXN_TIME.into(),
            queried,
            attempt,
        },
        now(),
        &mut rng(),
    )
    .unwrap()
}

fn ok_msg() -> (&'static str, &'static str) {
    ("respMsg", "成功[0000000]")
}

#[test]
fn non_money_success_is_final() {
    let c = client();
    let req = delete_req(&c);
    let out = c
        .handle_response(&req, &answer(&req, &[("respCode", "00"), ok_msg()]), now())
        .unwrap();
    let Outcome::Success(r) = &out else {
        panic!("{out:?}")
    };
    assert_eq!(r.resp_code(), "00");
    assert_eq!(r.resp_msg(), "成功[0000000]");
    assert_eq!(r.order_id(), Some("DELETE000001"));
    assert_eq!(out.name(), "success");
}

#[test]
fn back_open_answer_exposes_token_and_decrypts_card_data_on_request() {
    let c = client();
    let req = c
        .build_back_open(
            &BackOpenParams {
                order: Order::New("OPENBACK0001".into()),
                acc_no: Pan::new("6221558812340000").unwrap(),
                customer_info: CustomerInfo {
                    phone_no: Some(PhoneNumber::new("13552535506").unwrap()),
                    cvn2: Some(Cvn2::new("123").unwrap()),
                    expired: Some(CardExpiry::new("2311").unwrap()),
                    ..Default::default()
                },
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    // UnionPay encrypts to the merchant's signing certificate (spec §6.2).
    let to_merchant = EncryptionCert::parse(&read("fixtures/sandbox/merchant.pem")).unwrap();
    let acc_no = encrypt_field(&to_merchant, b"6221558812340000", &mut rng()).unwrap();
    let info_secret = encrypt_field(&to_merchant, b"phoneNo=13552535506", &mut rng()).unwrap();
    let customer_info = base64::engine::general_purpose::STANDARD
        .encode(format!("{{certifTp=01&encryptedInfo={info_secret}}}"));
    let body = answer(
        &req,
        &[
            ("respCode", "00"),
            ok_msg(),
            (
                "tokenPayData",
                "{token=6235240000020757577&trId=62000000001&tokenType=01&tokenBegin=20261125120000&tokenEnd=20311125120000&tokenLevel=10}",
            ),
            ("accNo", &acc_no),
            ("customerInfo", &customer_info),
            ("activateStatus", "1"),
            ("reserved", "{a=1&b={c=2}}"),
        ],
    );
    let Outcome::Success(r) = c.handle_response(&req, &body, now()).unwrap() else {
        panic!("not a success")
    };
    let t = r.token_pay_data().unwrap().unwrap();
    assert_eq!(t.token.as_deref(), Some(TOKEN));
    assert_eq!(t.tr_id.as_deref(), Some("62000000001"));
    assert_eq!(t.token_type.as_deref(), Some("01"));
    assert_eq!(t.token_begin.as_deref(), Some("20261125120000"));
    assert_eq!(t.token_end.as_deref(), Some("20311125120000"));
    assert_eq!(t.token_level.as_deref(), Some("10"));
    assert!(!format!("{t:?}").contains(TOKEN));
    assert_eq!(r.activate_status(), Some("1"));
    assert_eq!(
        r.reserved().unwrap().unwrap(),
        vec![("a".into(), "1".into()), ("b".into(), "{c=2}".into())]
    );
    // Without asking, nothing is decrypted.
    let raw = r.customer_info().unwrap().unwrap();
    assert!(raw.is_encrypted());
    assert_eq!(raw.get("certifTp"), Some("01"));
    assert_eq!(raw.get("phoneNo"), None);
    let info = r.decrypt_customer_info(&c).unwrap().unwrap();
    assert_eq!(info.get("phoneNo"), Some("13552535506"));
    assert!(!info.is_encrypted());
    assert!(!format!("{info:?}").contains("13552535506"));
    assert_eq!(
        r.decrypt_acc_no(&c).unwrap().unwrap().as_str(),
        "6221558812340000"
    );
}

#[test]
fn masked_acc_no_comes_back_as_is() {
    let c = client();
    let req = delete_req(&c);
    let body = answer(&req, &[("respCode", "00"), ("accNo", "622155******0000")]);
    let out = c.handle_response(&req, &body, now()).unwrap();
    assert_eq!(
        out.response().decrypt_acc_no(&c).unwrap().unwrap().as_str(),
        "622155******0000"
    );
    // Encrypted to someone else: decryption refuses.
    let other = encrypt_field(&enc_cert(), b"6221558812340000", &mut rng()).unwrap();
    let body = answer(&req, &[("respCode", "00"), ("accNo", &other)]);
    let out = c.handle_response(&req, &body, now()).unwrap();
    assert_eq!(
        out.response().decrypt_acc_no(&c).unwrap_err().code(),
        ErrorCode::DecryptionFailed
    );
}

#[test]
fn money_moving_00_is_only_accepted() {
    let c = client();
    let req = consume_req(&c);
    let body = answer(
        &req,
        &[
            ("respCode", "00"),
            ok_msg(),
            ("queryId", "512211250400000000009"),
        ],
    );
    match c.handle_response(&req, &body, now()).unwrap() {
        Outcome::Accepted { response, query_at } => {
            assert_eq!(query_at, now().plus_seconds(1));
            assert_eq!(response.query_id(), Some("512211250400000000009"));
            assert_eq!(response.txn_amt().unwrap(), Some(1000));
        }
        other => panic!("{other:?}"),
    }
    // A6 (success with defects) reads like 00.
    let body = answer(&req, &[("respCode", "A6")]);
    assert_eq!(
        c.handle_response(&req, &body, now()).unwrap().name(),
        "accepted"
    );
}

#[test]
fn respcode_classes() {
    let c = client();
    let money = consume_req(&c);
    let plain = delete_req(&c);
    // (code, money outcome, non-money outcome)
    let table: &[(&str, &str, &str)] = &[
        ("03", "pending", "pending"),
        ("04", "pending", "pending"),
        ("05", "pending", "pending"),
        ("37", "pending", "pending"),
        ("83", "pending", "pending"),
        ("01", "failed", "failed"),
        // A duplicate orderId on a money request: the earlier attempt may have taken the
        // money (spec §7.2); elsewhere the request failed.
        ("12", "pending", "failed"),
        ("61", "failed", "failed"),
        ("71", "failed", "failed"),
        ("80", "failed", "failed"),
        // Not listed in spec §7.2: unknown for money, failed otherwise.
        ("57", "pending", "failed"),
        ("Z9", "pending", "failed"),
    ];
    for (code, for_money, for_other) in table {
        let out = c
            .handle_response(&money, &answer(&money, &[("respCode", code)]), now())
            .unwrap();
        assert_eq!(out.name(), *for_money, "money {code}");
        let out = c
            .handle_response(&plain, &answer(&plain, &[("respCode", code)]), now())
            .unwrap();
        assert_eq!(out.name(), *for_other, "non-money {code}");
    }
    match c
        .handle_response(&money, &answer(&money, &[("respCode", "37")]), now())
        .unwrap()
    {
        Outcome::Pending {
            reason, query_at, ..
        } => {
            assert_eq!(reason, PendingReason::TooFrequent);
            assert_eq!(query_at, Some(now().plus_seconds(1)));
        }
        other => panic!("{other:?}"),
    }
    match c
        .handle_response(
            &money,
            &answer(
                &money,
                &[("respCode", "61"), ("respMsg", "无效卡号[1000061]")],
            ),
            now(),
        )
        .unwrap()
    {
        Outcome::Failed {
            resp_code,
            resp_msg,
            ..
        } => {
            assert_eq!(resp_code, "61");
            assert_eq!(resp_msg, "无效卡号[1000061]");
        }
        other => panic!("{other:?}"),
    }
    match c
        .handle_response(&money, &answer(&money, &[("respCode", "03")]), now())
        .unwrap()
    {
        Outcome::Pending { reason, .. } => assert_eq!(reason, PendingReason::Unknown),
        other => panic!("{other:?}"),
    }
    match c
        .handle_response(&money, &answer(&money, &[("respCode", "12")]), now())
        .unwrap()
    {
        Outcome::Pending {
            reason, query_at, ..
        } => {
            assert_eq!(reason, PendingReason::Duplicate);
            assert_eq!(query_at, Some(now().plus_seconds(1)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_reversal_moves_money_its_unknowns_are_pending_and_its_00_is_final() {
    let c = client();
    let rev = c
        .build_reversal(
            &ReversalParams {
                orig_order_id: "ORDER20261125A1".into(),
                orig_txn_time: "20261125113000".into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert!(rev.api.is_money_moving());
    assert!(!rev.api.is_asynchronous());
    assert!(rev.outcome_unknown_without_answer());
    let name = |code: &str| {
        c.handle_response(&rev, &answer(&rev, &[("respCode", code)]), now())
            .unwrap()
            .name()
    };
    assert_eq!(name("00"), "success");
    for code in ["03", "04", "05", "83", "12", "Z9", "57"] {
        assert_eq!(name(code), "pending", "{code}");
    }
    assert_eq!(name("35"), "failed");
    // It names the consume it reverses: the query helper refuses to present that
    // consume's status as the reversal's, and says how to look it up.
    let e = c.build_query_for(&rev, 1, now(), &mut rng()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(e.message().contains("query the consume"), "{e}");
    assert_eq!(rev.query_at_after_no_answer(1, now()), None);
    // Non-money requests: a missing answer leaves nothing unknown.
    assert!(!delete_req(&c).outcome_unknown_without_answer());
    assert!(consume_req(&c).outcome_unknown_without_answer());
}

#[test]
fn file_transfer_success_and_no_file() {
    let c = client();
    let req = c
        .build_file_transfer(
            &FileTransferParams {
                settle_date: "0119".into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let body = answer(
        &req,
        &[
            ("respCode", "00"),
            ("fileName", "700000000000001_20260119.zip"),
            ("fileContent", "eJwDAAAAAAE="),
        ],
    );
    let Outcome::Success(r) = c.handle_response(&req, &body, now()).unwrap() else {
        panic!()
    };
    assert_eq!(r.file_name(), Some("700000000000001_20260119.zip"));
    assert_eq!(r.file_content(), Some("eJwDAAAAAAE="));
    let body = answer(&req, &[("respCode", "98"), ("respMsg", "文件不存在")]);
    assert!(matches!(
        c.handle_response(&req, &body, now()).unwrap(),
        Outcome::NoFile { .. }
    ));
    // Another day's file is not this request's.
    let mut fields: Fields = echo(&req, &[("respCode", "00")])
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.set("settleDate", "0120");
    sign_as_gateway(&mut fields, &gateway_key()).unwrap();
    assert_eq!(
        c.handle_response(&req, &raw_body(&fields), now())
            .unwrap_err()
            .code(),
        ErrorCode::ResponseMismatch
    );
}

fn signed_with(request: &OutgoingRequest, changes: &[(&str, &str)], drop: &[&str]) -> Vec<u8> {
    let mut fields: Fields = echo(request, &[("respCode", "00")])
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for (k, v) in changes {
        fields.set(*k, *v);
    }
    for k in drop {
        fields.remove(k);
    }
    sign_as_gateway(&mut fields, &gateway_key()).unwrap();
    raw_body(&fields)
}

#[test]
fn answers_to_another_request_are_unknown_for_money_and_errors_otherwise() {
    let c = client();
    let req = consume_req(&c);
    let delete = delete_req(&c);
    let changes = [
        ("merId", "777290058110098"),
        ("orderId", "ORDER20261125A2"),
        ("txnTime", "20261125120001"),
        ("txnAmt", "1001"),
        ("txnType", "04"),
        ("txnSubType", "03"),
    ];
    for (key, value) in changes {
        // A money request: the answer says nothing about it, so its outcome is unknown.
        let out = c
            .handle_response(&req, &signed_with(&req, &[(key, value)], &[]), now())
            .unwrap();
        assert_eq!(
            summary(&out),
            (
                "pending".into(),
                Some(PendingReason::Mismatch),
                Some(now().plus_seconds(1)),
                None
            ),
            "{key}"
        );
        if key == "txnAmt" {
            continue;
        }
        // Anything else: an error that does not read as "UnionPay refused".
        let e = c
            .handle_response(&delete, &signed_with(&delete, &[(key, value)], &[]), now())
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::ResponseMismatch, "{key}");
        assert_eq!(e.code().code(), 4021);
        assert_eq!(e.kind(), ErrorKind::Format);
        assert!(e.message().contains(key), "{e}");
    }
    // A success that does not say which order it is about is not accepted either.
    let out = c
        .handle_response(&req, &signed_with(&req, &[], &["orderId"]), now())
        .unwrap();
    assert_eq!(out.pending_reason(), Some(PendingReason::Mismatch));
    // The request's signed fields decide, not the side fields a host stored with it.
    let mut edited = req.clone();
    edited.order_id = Some("ORDER20261125A2".into());
    edited.txn_amt = Some(1001);
    assert_eq!(
        c.handle_response(&edited, &answer(&req, &[("respCode", "00")]), now())
            .unwrap()
            .name(),
        "accepted"
    );
    // An error answer may leave fields out.
    let out = c
        .handle_response(
            &req,
            &signed_with(&req, &[("respCode", "13")], &["orderId", "txnAmt"]),
            now(),
        )
        .unwrap();
    assert_eq!(out.name(), "failed");
    // A malformed amount is a format error, not a mismatch; so is one of 13 digits.
    for amount in ["10.00", "+1000", "1000000000000"] {
        let e = c
            .handle_response(&req, &signed_with(&req, &[("txnAmt", amount)], &[]), now())
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::ReceivedFieldInvalid, "{amount}");
    }
}

#[test]
fn verification_failure_is_an_error_not_a_failed_outcome() {
    let c = client();
    let req = consume_req(&c);
    // Tampered after signing.
    let body = String::from_utf8(answer(&req, &[("respCode", "00")]))
        .unwrap()
        .replace("respCode=00", "respCode=01");
    let e = c.handle_response(&req, body.as_bytes(), now()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignatureMismatch);
    assert_eq!(e.kind(), ErrorKind::Signature);
    // Signed by a certificate outside the trust profile (the merchant's own key).
    let mut fields: Fields = echo(&req, &[("respCode", "01")])
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sign_as_gateway(&mut fields, &merchant_key()).unwrap();
    let e = c
        .handle_response(&req, &raw_body(&fields), now())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Signature, "{e}");
    // Unsigned.
    let e = c
        .handle_response(&req, b"respCode=01&orderId=ORDER20261125A1", now())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignatureMissing);
    // Not even parseable.
    let e = c
        .handle_response(&req, b"respCode=01&tokenPayData={x", now())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnbalancedBraces);
    // Outside the signing certificate's validity.
    let late = Timestamp::parse_rfc3339("2041-01-01T00:00:00Z").unwrap();
    let e = c
        .handle_response(&req, &answer(&req, &[("respCode", "00")]), late)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CertNotValidNow);
}

fn query_outcome(
    c: &Client,
    queried: QueriedTxn,
    attempt: u32,
    extra: &[(&str, &str)],
    at: Timestamp,
) -> Outcome {
    let req = query_req(c, queried, attempt);
    let mut pairs: Vec<(&str, &str)> =
        vec![("txnType", "01"), ("txnSubType", "01"), ("txnAmt", "1000")];
    pairs.extend_from_slice(extra);
    c.handle_response(&req, &answer(&req, &pairs), at).unwrap()
}

fn summary(
    out: &Outcome,
) -> (
    String,
    Option<PendingReason>,
    Option<Timestamp>,
    Option<String>,
) {
    match out {
        Outcome::Pending {
            reason, query_at, ..
        } => ("pending".into(), Some(*reason), *query_at, None),
        Outcome::Failed { resp_code, .. } => ("failed".into(), None, None, Some(resp_code.clone())),
        other => (other.name().into(), None, None, None),
    }
}

#[test]
fn status_query_of_a_back_transaction() {
    let c = client();
    let q = |attempt, extra: &[(&str, &str)]| {
        summary(&query_outcome(&c, back_consume(), attempt, extra, now()))
    };
    let pend = |reason, gap: Option<i64>| {
        (
            "pending".to_owned(),
            Some(reason),
            gap.map(|g| now().plus_seconds(g)),
            None,
        )
    };
    use PendingReason::*;
    assert_eq!(
        q(1, &[("respCode", "00"), ("origRespCode", "00")]).0,
        "success"
    );
    assert_eq!(
        q(1, &[("respCode", "00"), ("origRespCode", "A6")]).0,
        "success"
    );
    // Gap before query 2 is 2 s, before query 4 is 8 s.
    assert_eq!(
        q(1, &[("respCode", "00"), ("origRespCode", "03")]),
        pend(Unknown, Some(2))
    );
    assert_eq!(
        q(3, &[("respCode", "00"), ("origRespCode", "05")]),
        pend(Unknown, Some(8))
    );
    assert_eq!(
        q(
            1,
            &[
                ("respCode", "00"),
                ("origRespCode", "64"),
                ("origRespMsg", "余额不足")
            ]
        ),
        ("failed".into(), None, None, Some("64".into()))
    );
    // 83 (issuer still processing), 12 and a code nobody lists: unknown, never failed.
    for orig in ["83", "12", "B7", "57"] {
        assert_eq!(
            q(1, &[("respCode", "00"), ("origRespCode", orig)]),
            pend(Unknown, Some(2)),
            "{orig}"
        );
    }
    // A found answer about another transaction with the same orderId and txnTime (the
    // SMS of the consume), another amount, or no amount says nothing about the consume.
    for other in [
        &[("txnType", "77"), ("txnSubType", "02")][..],
        &[("txnSubType", "03")],
        &[("txnAmt", "999")],
    ] {
        let mut extra = vec![("respCode", "00"), ("origRespCode", "00")];
        extra.extend_from_slice(other);
        assert_eq!(q(1, &extra), pend(Mismatch, Some(2)), "{other:?}");
    }
    let req = query_req(&c, back_consume(), 1);
    let mut fields: Fields = echo(&req, &[("respCode", "00"), ("origRespCode", "00")])
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.set("txnType", "01").set("txnSubType", "01");
    sign_as_gateway(&mut fields, &gateway_key()).unwrap();
    assert_eq!(
        c.handle_response(&req, &raw_body(&fields), now())
            .unwrap()
            .pending_reason(),
        Some(Mismatch),
        "no txnAmt"
    );
    // Not found: unknown for a back transaction, never failed (spec §7.4, §15.18).
    assert_eq!(q(1, &[("respCode", "34")]), pend(NotFound, Some(2)));
    // After the six quick queries comes the slow tail (5 minutes after the request) ...
    assert_eq!(q(6, &[("respCode", "34")]), pend(NotFound, Some(237)));
    // ... and after the last hourly one, 24 hours on, the reconciliation file decides.
    assert_eq!(q(33, &[("respCode", "34")]), pend(NotFound, None));
    assert_eq!(q(2, &[("respCode", "04")]), pend(Unknown, Some(4)));
    assert_eq!(q(1, &[("respCode", "37")]), pend(TooFrequent, Some(2)));
    assert_eq!(q(1, &[("respCode", "11")]), pend(QueryRejected, Some(2)));
    // respCode 00 without origRespCode is malformed.
    let e = c
        .handle_response(
            &req,
            &answer(
                &req,
                &[
                    ("respCode", "00"),
                    ("txnType", "01"),
                    ("txnSubType", "01"),
                    ("txnAmt", "1000"),
                ],
            ),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReceivedFieldInvalid);
    assert!(e.message().contains("origRespCode"));
}

#[test]
fn status_query_of_a_front_transaction() {
    let c = client();
    let timeout = now().plus_seconds(900);
    let front = QueriedTxn::front(Api::OpenAndPay, 1000, timeout).unwrap();
    let before = now();
    let grace = FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS;
    let after = timeout.plus_seconds(grace + 1);
    let q = |extra: &[(&str, &str)], at| summary(&query_outcome(&c, front.clone(), 1, extra, at));
    use PendingReason::*;
    // Before payTimeout: failed and not found are not final; the next query is the
    // earlier of the schedule (5 min gap) and just after payTimeout.
    assert_eq!(
        q(&[("respCode", "00"), ("origRespCode", "01")], before),
        (
            "pending".into(),
            Some(AwaitingCardholder),
            Some(now().plus_seconds(300)),
            None
        )
    );
    assert_eq!(q(&[("respCode", "34")], before).1, Some(AwaitingCardholder));
    // Close to the end the final query comes once the host's clock is surely past
    // payTimeout, when that is earlier than the schedule's next query.
    let late = timeout.plus_seconds(500);
    assert_eq!(
        q(&[("respCode", "34")], late).2,
        Some(timeout.plus_seconds(grace))
    );
    let early = timeout.plus_seconds(-30);
    assert_eq!(
        q(&[("respCode", "34")], early).2,
        Some(early.plus_seconds(300))
    );
    // Minutes after payTimeout by the host's clock, UnionPay's may not be there yet.
    let skewed = timeout.plus_seconds(120);
    assert_eq!(q(&[("respCode", "34")], skewed).1, Some(AwaitingCardholder));
    assert_eq!(
        q(&[("respCode", "00"), ("origRespCode", "01")], skewed).1,
        Some(AwaitingCardholder)
    );
    // After payTimeout the answer is final.
    assert_eq!(
        q(&[("respCode", "00"), ("origRespCode", "01")], after),
        ("failed".into(), None, None, Some("01".into()))
    );
    assert_eq!(
        q(&[("respCode", "34")], after),
        ("failed".into(), None, None, Some("34".into()))
    );
    assert_eq!(
        q(&[("respCode", "00"), ("origRespCode", "00")], before).0,
        "success"
    );
    assert_eq!(
        q(&[("respCode", "00"), ("origRespCode", "05")], after),
        (
            "pending".into(),
            Some(Unknown),
            Some(after.plus_seconds(300)),
            None
        )
    );
}

#[test]
fn query_schedule() {
    let t = now();
    let back: Vec<_> = (1..=7)
        .map(|n| {
            next_query_at(n, QueryCadence::Back, t).map(|q| q.unix_seconds() - t.unix_seconds())
        })
        .collect();
    assert_eq!(
        back,
        [
            Some(1),
            Some(2),
            Some(4),
            Some(8),
            Some(16),
            Some(32),
            Some(237)
        ]
    );
    // Front: 5, 10, 30, 60, 120 minutes after the request when each query is on time.
    let mut at = t;
    let mut offsets = Vec::new();
    for n in 1..=5 {
        at = next_query_at(n, QueryCadence::Front, at).unwrap();
        offsets.push((at.unix_seconds() - t.unix_seconds()) / 60);
    }
    assert_eq!(offsets, [5, 10, 30, 60, 120]);
    assert_eq!(next_query_at(6, QueryCadence::Front, t), None);
    assert_eq!(next_query_at(0, QueryCadence::Back, t), None);
}

#[test]
fn the_same_client_verifies_across_threads() {
    let c = client();
    let req = delete_req(&c);
    let body = answer(&req, &[("respCode", "00")]);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (c, req, body) = (c.clone(), req.clone(), body.clone());
            std::thread::spawn(move || c.handle_response(&req, &body, now()).unwrap().name())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), "success");
    }
    assert_eq!(c.verifier().cached_certificates(), 1);
}

#[test]
fn reversal_and_sms_answers() {
    let c = client();
    let rev = c
        .build_reversal(
            &ReversalParams {
                orig_order_id: "ORDER20261125A1".into(),
                orig_txn_time: "20261125113000".into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert!(c
        .handle_response(&rev, &answer(&rev, &[("respCode", "00")]), now())
        .unwrap()
        .is_success());
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
            now(),
            &mut rng(),
        )
        .unwrap();
    assert!(c
        .handle_response(&sms, &answer(&sms, &[("respCode", "00")]), now())
        .unwrap()
        .is_success());
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
            &mut rng(),
        )
        .unwrap();
    assert_eq!(
        c.handle_response(
            &undo,
            &answer(&undo, &[("respCode", "00"), ("origQryId", QRY)]),
            now()
        )
        .unwrap()
        .name(),
        "accepted"
    );
}

#[test]
fn query_schedule_after_no_answer_follows_the_request_kind() {
    let c = client();
    let consume = consume_req(&c);
    assert_eq!(
        consume.query_at_after_no_answer(1, now()),
        Some(now().plus_seconds(1))
    );
    assert_eq!(
        consume.query_at_after_no_answer(6, now()),
        Some(now().plus_seconds(32))
    );
    assert_eq!(
        consume.query_at_after_no_answer(7, now()),
        Some(now().plus_seconds(237))
    );
    assert_eq!(consume.query_at_after_no_answer(34, now()), None);
    // A status query is not itself queried.
    let query = query_req(&c, back_consume(), 1);
    assert_eq!(query.query_at_after_no_answer(1, now()), None);
}
