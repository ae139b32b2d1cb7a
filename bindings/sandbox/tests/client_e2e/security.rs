//! Keys and signatures end to end: a wrong merchant key, tampered or misrouted answers, secure-key merchants.

use crate::prelude::*;

// ---------------------------------------------------------------------------------------
// Signatures: a wrong merchant key, tampered and misrouted answers, secure-key merchants

#[test]
fn wrong_merchant_key_is_failed_11_not_a_verification_error() {
    let env = Env::start();
    let token = env.open_token(DEBIT);
    let old_key = MerchantKey::from_pkcs12(
        include_bytes!("../../../../tests/fixtures/official-certs/acp_test_sign__2018-2021.pfx"),
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
