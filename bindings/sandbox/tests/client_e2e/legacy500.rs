//! Version 5.0.0 for legacy merchants (spec §4.3, §5.4): the client signs with SHA-1, the
//! sandbox finds the merchant by certId and answers and notifies the 5.0.0 way (SHA-1,
//! `certId` of its 5.0.0 verify certificate, no `signPubKeyCert`), which the client
//! verifies with the certificate loaded through `verify_certs_500`.

use crate::prelude::*;
use unionpay_acp::pki::Certificate;
use unionpay_acp::Version;

const VERIFY500_CERT_ID: &str = "7000000000012";

fn client_500(env: &Env) -> Client {
    env.client_with(|c| {
        c.version = Version::V5_0_0;
        c.verify_certs_500 =
            vec![Certificate::parse(acp_sandbox::VERIFY500_PEM.as_bytes()).unwrap()];
    })
}

#[test]
fn token_flow_on_500_open_pay_notify_query_refund() {
    let env = Env::start();
    let legacy = client_500(&env);
    let token = env.open_token_with(&legacy, DEBIT);

    let pay = env.consume_request_with(&legacy, &token, 1000);
    assert_eq!(pay.fields.get("version"), Some("5.0.0"));
    assert_eq!(pay.fields.get("signMethod"), Some("01"));
    let now = env.now();
    let body = env.send(&pay);
    let raw = String::from_utf8_lossy(&body).into_owned();
    assert!(raw.contains("version=5.0.0"), "{raw}");
    assert!(
        raw.contains(&format!("certId={VERIFY500_CERT_ID}")),
        "{raw}"
    );
    assert!(!raw.contains("signPubKeyCert"), "{raw}");
    // A client without the 5.0.0 verify certificate cannot verify it.
    let err = env.client.handle_response(&pay, &body, now).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownCertId, "{err}");
    let outcome = legacy.handle_response(&pay, &body, now).unwrap();
    expect_accepted(&outcome);
    let qid = query_id(&outcome);

    let n = env.notification_for_with(&legacy, &pay);
    assert!(n.success);
    assert_eq!(n.query_id.as_deref(), Some(qid.as_str()));
    assert_eq!(n.response.get("version"), Some("5.0.0"));
    assert_eq!(n.response.get("certId"), Some(VERIFY500_CERT_ID));

    let q = env.query_with(&legacy, &pay, 1);
    let r = expect_success(&q);
    assert_eq!(r.orig_resp_code(), Some("00"));

    let refund = legacy
        .build_refund(
            &RefundParams {
                order_id: order_id(),
                orig_qry_id: qid,
                txn_amt: 300,
                back_url: env.back_url(),
                req_reserved: None,
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    expect_accepted(&env.call_with(&legacy, &refund));
    assert!(env.notification_for_with(&legacy, &refund).success);
}

#[test]
fn a_500_request_is_refused_the_500_way() {
    let env = Env::start();
    let legacy = client_500(&env);
    // A SHA-256 signature on a 5.0.0 message does not verify: 11, signed 5.0.0.
    let mut req = legacy
        .build_key_update_query(
            &KeyUpdateQueryParams {
                order_id: order_id(),
            },
            env.now(),
            &mut os_rng,
        )
        .unwrap();
    let mut fields = req.fields.clone();
    fields.set("version", "5.1.0");
    unionpay_acp::sign_fields(&mut fields, &unionpay_acp::Credentials::Rsa(merchant_key()))
        .unwrap();
    let sha256_signature = fields.get("signature").unwrap().to_owned();
    fields
        .set("version", "5.0.0")
        .set("signature", sha256_signature);
    req.body = unionpay_acp::form::encode_form(&fields);
    let body = env.send(&req);
    let raw = String::from_utf8_lossy(&body).into_owned();
    assert!(raw.contains("respCode=11"), "{raw}");
    assert!(
        raw.contains(&format!("certId={VERIFY500_CERT_ID}")),
        "{raw}"
    );
    let verified = legacy
        .verifier()
        .verify_sync_body(&body, env.now())
        .unwrap();
    assert_eq!(verified.get("version"), Some("5.0.0"));
}
