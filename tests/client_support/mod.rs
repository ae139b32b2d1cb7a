//! Shared fixtures for the client tests: the sandbox PKI, a client configured for it, a
//! gateway that signs answers, and independent checks of what the client built.
#![allow(dead_code)]

use base64::Engine;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use unionpay_acp::card::decrypt_text;
use unionpay_acp::client::{ClientConfig, Endpoints, Environment, OutgoingRequest};
use unionpay_acp::crypto::{default_backend, HashAlg};
use unionpay_acp::pki::Certificate;
use unionpay_acp::{
    sign_as_gateway, Client, Credentials, CustomTrust, EncryptionCert, Fields, MerchantKey, Result,
    Timestamp, TrustProfile,
};

pub const MER_ID: &str = "777290058110097";
pub const CERT_ID: &str = "7000000000031";
pub const ENC_CERT_ID: &str = "7000000000021";
pub const ENC2_CERT_ID: &str = "7000000000022";
pub const BASE: &str = "http://127.0.0.1:8080";
pub const BACK_URL: &str = "http://127.0.0.1:9000/acp/notify";
pub const FRONT_URL: &str = "http://127.0.0.1:9000/acp/return";
/// 2026-11-25 12:00:00 in Beijing.
pub const NOW_TXN_TIME: &str = "20261125120000";

pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(tests_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// 2026-11-25T04:00:00Z = 12:00:00 Beijing.
pub fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2026-11-25T04:00:00Z").unwrap()
}

/// An endless, deterministic, non-zero byte stream (PKCS#1 padding skips zeros anyway).
pub fn rng() -> impl FnMut(&mut [u8]) -> Result<()> {
    let mut n: u8 = 0;
    move |dest: &mut [u8]| {
        for b in dest.iter_mut() {
            n = n.wrapping_add(37);
            *b = n | 1;
        }
        Ok(())
    }
}

pub fn merchant_key() -> MerchantKey {
    MerchantKey::from_pkcs12(
        &read("fixtures/sandbox/merchant.pfx"),
        "000000",
        default_backend().as_ref(),
    )
    .unwrap()
}

pub fn enc_cert() -> EncryptionCert {
    EncryptionCert::parse(&read("fixtures/sandbox/enc.pem")).unwrap()
}

/// UnionPay's side of the encryption certificate: decrypts what clients encrypted.
pub fn enc_private() -> MerchantKey {
    MerchantKey::from_pem(
        &read("fixtures/sandbox/enc.key.pem"),
        &read("fixtures/sandbox/enc.pem"),
        default_backend().as_ref(),
    )
    .unwrap()
}

/// The sandbox's signing key: signs answers and notifications as UnionPay would.
pub fn gateway_key() -> MerchantKey {
    MerchantKey::from_pem(
        &read("fixtures/sandbox/sign.key.pem"),
        &read("fixtures/sandbox/sign.pem"),
        default_backend().as_ref(),
    )
    .unwrap()
}

pub fn sandbox_trust() -> TrustProfile {
    TrustProfile::Custom(
        CustomTrust::from_pem(
            &[&read("fixtures/sandbox/root.pem")],
            &[&read("fixtures/sandbox/middle.pem")],
        )
        .unwrap(),
    )
}

pub fn config() -> ClientConfig {
    ClientConfig {
        encryption_cert: Some(enc_cert()),
        ..ClientConfig::new(
            MER_ID,
            Credentials::Rsa(merchant_key()),
            Environment::Custom(Endpoints::for_base_url(BASE).unwrap()),
            sandbox_trust(),
        )
    }
}

pub fn client() -> Client {
    Client::new(config()).unwrap()
}

/// Signs `pairs` as the gateway and returns a synchronous body (raw values, spec §2.2).
pub fn gateway_body(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut fields: Fields = pairs.iter().copied().collect();
    sign_as_gateway(&mut fields, &gateway_key()).unwrap();
    raw_body(&fields)
}

pub fn raw_body(fields: &Fields) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Signs `pairs` as the gateway and returns a notification body (form-encoded, §2.3).
pub fn notify_body(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut fields: Fields = pairs.iter().copied().collect();
    sign_as_gateway(&mut fields, &gateway_key()).unwrap();
    unionpay_acp::form::encode_form(&fields).into_bytes()
}

/// The header UnionPay echoes for `request`, plus `extra`.
pub fn echo(request: &OutgoingRequest, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for key in [
        "accessType",
        "bizType",
        "encoding",
        "merId",
        "orderId",
        "txnSubType",
        "txnTime",
        "txnType",
        "txnAmt",
        "currencyCode",
        "settleDate",
        "certType",
        "fileType",
    ] {
        if let Some(v) = request.fields.get(key) {
            out.insert(key.into(), v.into());
        }
    }
    for (k, v) in extra {
        out.insert((*k).into(), (*v).into());
    }
    out.into_iter().collect()
}

pub fn answer(request: &OutgoingRequest, extra: &[(&str, &str)]) -> Vec<u8> {
    let pairs = echo(request, extra);
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    gateway_body(&refs)
}

/// Checks the request's signature independently of the signing code: the canonical
/// string is rebuilt here, and verified with the public key of the merchant certificate.
pub fn assert_signed_by_merchant(request: &OutgoingRequest) {
    let map: BTreeMap<&str, &str> = request.fields.iter().collect();
    assert_eq!(map.get("signMethod"), Some(&"01"));
    assert_eq!(map.get("certId"), Some(&CERT_ID));
    let canonical = map
        .iter()
        .filter(|(k, _)| **k != "signature")
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let digest = HashAlg::Sha256.hex_digest(canonical.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD
        .decode(map.get("signature").expect("signature"))
        .unwrap();
    let cert = Certificate::parse(&read("fixtures/sandbox/merchant.pem")).unwrap();
    let key = default_backend()
        .load_public_key(cert.public_key().unwrap())
        .unwrap();
    assert!(
        key.verify_pkcs1v15(HashAlg::Sha256, digest.as_bytes(), &sig)
            .unwrap(),
        "{:?}: the signature does not verify with the merchant certificate",
        request.api
    );
}

/// Compares every field of `request` with `expected` (no field more, none less).
///
/// Value conventions: `SIG` = the merchant's signature (verified);
/// `ENC:<plain>` = RSA-encrypted to the sandbox encryption certificate, decrypting to
/// `<plain>`; `CIE:<outer>|<secret>` = a new-rule customerInfo whose `{…}` holds `<outer>`
/// followed by `encryptedInfo`, which decrypts to `<secret>`; anything else is literal.
pub fn assert_fields(request: &OutgoingRequest, expected: &[(&str, &str)]) {
    let got: BTreeMap<&str, &str> = request.fields.iter().collect();
    let want: BTreeMap<&str, &str> = expected.iter().copied().collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{:?}: field names differ",
        request.api
    );
    let enc = enc_private();
    for (key, value) in &want {
        let actual = got[key];
        if *value == "SIG" {
            assert_signed_by_merchant(request);
        } else if let Some(plain) = value.strip_prefix("ENC:") {
            assert_eq!(
                decrypt_text(&enc, actual).unwrap().as_str(),
                plain,
                "{:?}: {key}",
                request.api
            );
        } else if let Some(spec) = value.strip_prefix("CIE:") {
            let (outer, secret) = spec.split_once('|').unwrap();
            let text = String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(actual)
                    .unwrap(),
            )
            .unwrap();
            let prefix = if outer.is_empty() {
                "{encryptedInfo=".to_owned()
            } else {
                format!("{{{outer}&encryptedInfo=")
            };
            let encrypted = text
                .strip_prefix(&prefix)
                .and_then(|t| t.strip_suffix('}'))
                .unwrap_or_else(|| panic!("{:?}: customerInfo is {text}", request.api));
            assert_eq!(
                decrypt_text(&enc, encrypted).unwrap().as_str(),
                secret,
                "{:?}: encryptedInfo",
                request.api
            );
        } else {
            assert_eq!(actual, *value, "{:?}: {key}", request.api);
        }
    }
    // The body is the same fields, form-encoded.
    let decoded = unionpay_acp::form::parse_notify_body(request.body.as_bytes()).unwrap();
    assert_eq!(&decoded, &request.fields, "{:?}: body", request.api);
}
