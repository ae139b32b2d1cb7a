//! The administrative APIs: the encryption-key update query (95) and the file transfer (76) with the reconciliation file.

use crate::prelude::*;

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
