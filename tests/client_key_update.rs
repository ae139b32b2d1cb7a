//! The encryption key update query 95: Unchanged / Replaced, and certificates refused.
#![allow(clippy::disallowed_methods)] // tests read fixture files

mod client_support;

use client_support::*;
use unionpay_acp::card::{decrypt_text, CustomerInfo};
use unionpay_acp::client::*;
use unionpay_acp::crypto::default_backend;
use unionpay_acp::pki::{pem_encode_crlf, Certificate};
use unionpay_acp::secret::{Pan, PhoneNumber};
use unionpay_acp::{ErrorCode, MerchantKey, Timestamp};

fn key_update_request(c: &Client) -> OutgoingRequest {
    c.build_key_update_query(
        &KeyUpdateQueryParams {
            order_id: "KEYUPDATE001".into(),
        },
        now(),
        &mut rng(),
    )
    .unwrap()
}

/// The certificate as UnionPay sends it: PEM with CRLF line breaks.
fn crlf_pem(rel: &str) -> String {
    pem_encode_crlf("CERTIFICATE", Certificate::parse(&read(rel)).unwrap().der())
}

fn body_with(req: &OutgoingRequest, extra: &[(&str, &str)]) -> Vec<u8> {
    answer(req, extra)
}

#[test]
fn same_certificate_is_unchanged() {
    let c = client();
    let req = key_update_request(&c);
    let pem = crlf_pem("fixtures/sandbox/enc.pem");
    let body = body_with(
        &req,
        &[
            ("respCode", "00"),
            ("certType", "01"),
            ("encryptPubKeyCert", &pem),
        ],
    );
    let update = c.handle_key_update(&req, &body, now()).unwrap();
    match &update {
        KeyUpdate::Unchanged {
            cert_id,
            next_check_at,
        } => {
            assert_eq!(cert_id, ENC_CERT_ID);
            assert_eq!(*next_check_at, now().plus_seconds(86_400));
        }
        other => panic!("{other:?}"),
    }
    // Going on after an unchanged update keeps the certificate.
    let same = c.after_key_update(&update).unwrap();
    assert_eq!(
        same.config().encryption_cert.as_ref().unwrap().cert_id(),
        ENC_CERT_ID
    );
    // handle_response reads the same answer as a plain success.
    assert!(c.handle_response(&req, &body, now()).unwrap().is_success());
}

#[test]
fn new_certificate_is_replaced_and_used_after_rebuilding() {
    let c = client();
    let req = key_update_request(&c);
    let pem = crlf_pem("fixtures/sandbox/enc2.pem");
    let body = body_with(
        &req,
        &[
            ("respCode", "00"),
            ("certType", "01"),
            ("encryptPubKeyCert", &pem),
        ],
    );
    let update = c.handle_key_update(&req, &body, now()).unwrap();
    assert_eq!(update.next_check_at(), now().plus_seconds(86_400));
    assert_eq!(
        c.after_key_update(&update)
            .unwrap()
            .config()
            .encryption_cert
            .as_ref()
            .unwrap()
            .cert_id(),
        ENC2_CERT_ID
    );
    let KeyUpdate::Replaced {
        cert_id,
        pem: got_pem,
        ..
    } = update
    else {
        panic!("expected Replaced")
    };
    assert_eq!(cert_id, ENC2_CERT_ID);
    assert_eq!(got_pem, pem);
    assert!(got_pem.contains("\r\n"));
    // The host stores the PEM; it loads back to the same certificate.
    assert_eq!(
        unionpay_acp::EncryptionCert::parse(got_pem.as_bytes())
            .unwrap()
            .cert_id(),
        ENC2_CERT_ID
    );
    let next = c.with_encryption_cert_pem(got_pem.as_bytes()).unwrap();
    let open = next
        .build_sms(
            &SmsParams {
                order_id: "SMSOPEN00001".into(),
                purpose: SmsPurpose::Open {
                    acc_no: Pan::new("6221558812340000").unwrap(),
                },
                customer_info: CustomerInfo {
                    phone_no: Some(PhoneNumber::new("13552535506").unwrap()),
                    ..Default::default()
                },
                req_reserved: None,
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(open.fields.get("encryptCertId"), Some(ENC2_CERT_ID));
    let enc2 = MerchantKey::from_pem(
        &read("fixtures/sandbox/enc2.key.pem"),
        &read("fixtures/sandbox/enc2.pem"),
        default_backend().as_ref(),
    )
    .unwrap();
    assert_eq!(
        decrypt_text(&enc2, open.fields.get("accNo").unwrap())
            .unwrap()
            .as_str(),
        "6221558812340000"
    );
    // The original client is untouched.
    assert_eq!(
        c.config().encryption_cert.as_ref().unwrap().cert_id(),
        ENC_CERT_ID
    );
}

#[test]
fn without_a_configured_certificate_any_valid_one_is_new() {
    let c = unionpay_acp::Client::new(unionpay_acp::ClientConfig {
        encryption_cert: None,
        ..config()
    })
    .unwrap();
    let req = key_update_request(&c);
    let pem = crlf_pem("fixtures/sandbox/enc.pem");
    let body = body_with(&req, &[("respCode", "00"), ("encryptPubKeyCert", &pem)]);
    assert!(matches!(
        c.handle_key_update(&req, &body, now()).unwrap(),
        KeyUpdate::Replaced { .. }
    ));
}

#[test]
fn certificates_outside_the_trust_profile_are_refused() {
    let c = client();
    let req = key_update_request(&c);
    let try_cert = |rel: &str, at: Timestamp| {
        let pem = crlf_pem(rel);
        let body = body_with(&req, &[("respCode", "00"), ("encryptPubKeyCert", &pem)]);
        c.handle_key_update(&req, &body, at)
    };
    // Issued by a look-alike of UnionPay's test middle.
    let e = try_cert("fixtures/negative/fake_leaf.pem", now()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ChainInvalid);
    assert!(e.message().contains("encryptPubKeyCert"), "{e}");
    // UnionPay's real test encryption certificate chains to CFCA, not to the sandbox.
    let e = try_cert("fixtures/certs/acp_test_enc_2017.pem", now()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ChainInvalid);
    // handle_response applies the same check.
    let pem = crlf_pem("fixtures/negative/fake_leaf.pem");
    let body = body_with(&req, &[("respCode", "00"), ("encryptPubKeyCert", &pem)]);
    assert_eq!(
        c.handle_response(&req, &body, now()).unwrap_err().code(),
        ErrorCode::ChainInvalid
    );
    // Expired (2025-06-01).
    let e = try_cert("fixtures/negative/sandbox_expired_leaf.pem", now()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::CertNotValidNow);
    // enc2 is valid only from 2026-01-01.
    let early = Timestamp::parse_rfc3339("2025-06-01T00:00:00Z").unwrap();
    let e = try_cert("fixtures/sandbox/enc2.pem", early).unwrap_err();
    assert_eq!(e.code(), ErrorCode::CertNotValidNow);
    // The CN is not checked: UnionPay's production encryption certificate names
    // 00040000:SIGN, which the signing-certificate rule refuses (spec §6.1).
    assert!(try_cert("fixtures/negative/wrongcn_leaf.pem", now()).is_ok());
}

#[test]
fn failed_or_malformed_answers() {
    let c = client();
    let req = key_update_request(&c);
    let e = c
        .handle_key_update(
            &req,
            &body_with(&req, &[("respCode", "32"), ("respMsg", "无权限[5131008]")]),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayRejected);
    assert!(
        e.message().contains("32") && e.message().contains("5131008"),
        "{e}"
    );
    let e = c
        .handle_key_update(&req, &body_with(&req, &[("respCode", "00")]), now())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReceivedFieldInvalid);
    assert!(e.message().contains("encryptPubKeyCert"));
    let pem = crlf_pem("fixtures/sandbox/enc.pem");
    let e = c
        .handle_key_update(
            &req,
            &body_with(
                &req,
                &[
                    ("respCode", "00"),
                    ("certType", "02"),
                    ("encryptPubKeyCert", &pem),
                ],
            ),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResponseMismatch);
    assert!(e.message().contains("certType"));
}
