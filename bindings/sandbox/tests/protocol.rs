//! The envelope: signatures, required fields, formats, endpoints, wire format, admin
//! endpoints, persistence, concurrency and shutdown.

#![allow(clippy::disallowed_methods)] // tests are hosts: they time answers with the real clock

mod support;

use acp_sandbox::{http, Endpoint, Sandbox, SandboxConfig};
use std::time::Duration;
use support::raw::*;
use unionpay_acp::crypto::default_backend;
use unionpay_acp::form::encode_form;
use unionpay_acp::secret::SecureKey;
use unionpay_acp::{sign_fields, Credentials, Fields, MerchantKey, SignMethod};

fn key_update(env: &Env) -> Fields {
    let mut f = env.header("95", "00", "000000");
    f.set("certType", "01");
    f
}

#[test]
fn wrong_signature_is_11_with_9100004() {
    let env = Env::start();
    let mut f = key_update(&env);
    sign_fields(&mut f, &Credentials::Rsa(env.key.clone())).unwrap();
    f.set("certType", "02"); // changed after signing
    let r = env.verify_sync(
        &env.post_body(Endpoint::Back, encode_form(&f).as_bytes())
            .body,
    );
    assert_eq!(code(&r), "11");
    assert_eq!(
        r.get("respMsg"),
        Some("Signature verification failed[9100004]")
    );
    // '+' not URL-encoded becomes a space server-side: the classic 9100004.
    let mut f = key_update(&env);
    sign_fields(&mut f, &Credentials::Rsa(env.key.clone())).unwrap();
    let sloppy: String = f
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    if sloppy.contains('+') {
        let r = env.verify_sync(&env.post_body(Endpoint::Back, sloppy.as_bytes()).body);
        assert_eq!(code(&r), "11");
    }
    // Unknown certId: 11.
    let mut f = key_update(&env);
    sign_fields(&mut f, &Credentials::Rsa(env.key.clone())).unwrap();
    f.set("certId", "123456");
    let r = env.verify_sync(
        &env.post_body(Endpoint::Back, encode_form(&f).as_bytes())
            .body,
    );
    assert_eq!(code(&r), "11");
    // Missing signature: 13.
    let mut f = key_update(&env);
    sign_fields(&mut f, &Credentials::Rsa(env.key.clone())).unwrap();
    f.remove("signature");
    let r = env.verify_sync(
        &env.post_body(Endpoint::Back, encode_form(&f).as_bytes())
            .body,
    );
    assert_eq!(code(&r), "13");
    // A body that is not a form: 10, still signed.
    let r = env.verify_sync(&env.post_body(Endpoint::Back, b"a=%zz").body);
    assert_eq!(code(&r), "10");
}

#[test]
fn official_test_certificate_and_secure_key_are_accepted() {
    let env = Env::start();
    let official = MerchantKey::from_pkcs12(
        acp_sandbox::OFFICIAL_TEST_PFX,
        "000000",
        default_backend().as_ref(),
    )
    .unwrap();
    let mut f = key_update(&env);
    sign_fields(&mut f, &Credentials::Rsa(official)).unwrap();
    let r = env.verify_sync(
        &env.post_body(Endpoint::Back, encode_form(&f).as_bytes())
            .body,
    );
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    // signMethod 11 with the test secure key: the answer is signed with it too.
    let key = SecureKey::new("88888888").unwrap();
    let mut f = key_update(&env);
    let creds = Credentials::SecureKey {
        method: SignMethod::Sha256SecureKey,
        key: key.clone(),
    };
    sign_fields(&mut f, &creds).unwrap();
    let body = env
        .post_body(Endpoint::Back, encode_form(&f).as_bytes())
        .body;
    let (root, middle) = env.sb.trust_pem();
    let trust =
        unionpay_acp::CustomTrust::from_pem(&[root.as_bytes()], &[middle.as_bytes()]).unwrap();
    let verifier =
        unionpay_acp::Verifier::new(unionpay_acp::TrustProfile::Custom(trust), default_backend())
            .unwrap()
            .with_secure_key(key)
            .unwrap();
    let r = verifier.verify_sync_body(&body, env.sb.now()).unwrap();
    assert_eq!((code(&r), r.get("signMethod")), ("00", Some("11")));
    // A wrong secure key: 11.
    let mut f = key_update(&env);
    sign_fields(
        &mut f,
        &Credentials::SecureKey {
            method: SignMethod::Sm3SecureKey,
            key: SecureKey::new("12345678").unwrap(),
        },
    )
    .unwrap();
    let r = env.verify_sync(
        &env.post_body(Endpoint::Back, encode_form(&f).as_bytes())
            .body,
    );
    assert_eq!(code(&r), "11");
}

#[test]
fn required_fields_13_and_formats_10() {
    let env = Env::start();
    for missing in [
        "txnType",
        "merId",
        "orderId",
        "txnTime",
        "bizType",
        "channelType",
        "certType",
    ] {
        let mut f = key_update(&env);
        f.remove(missing);
        let r = env.back(f);
        assert_eq!(code(&r), "13", "{missing}: {:?}", r.get("respMsg"));
        assert!(r.get("respMsg").unwrap().contains(missing));
    }
    let cases: [(&str, &str); 7] = [
        ("orderId", "bad-order-1"),
        ("orderId", "short"),
        ("merId", "12345"),
        ("txnTime", "2026-11-25"),
        ("txnTime", "20200101000000"),
        ("bizType", "000902"),
        ("channelType", "99"),
    ];
    for (k, v) in cases {
        let mut f = key_update(&env);
        f.set(k, v);
        assert_eq!(code(&env.back(f)), "10", "{k}={v}");
    }
    let mut f = env.header("01", "01", "000902");
    f.set("txnAmt", "12.50")
        .set("currencyCode", "156")
        .set("backUrl", "http://127.0.0.1:9/");
    f.set("tokenPayData", format!("{{token=1&trId={TR_ID}}}"));
    assert_eq!(code(&env.back(f.clone())), "10");
    f.set("txnAmt", "100").set("currencyCode", "840");
    assert_eq!(code(&env.back(f.clone())), "10");
    f.set("currencyCode", "156").remove("backUrl");
    assert_eq!(code(&env.back(f)), "13");
    // 5.0.0 is accepted (SHA-1, answered with certId, see the client_e2e legacy500
    // tests); other versions are not, nor a secure key in 5.0.0.
    let mut f = key_update(&env);
    f.set("version", "5.0.0");
    let r = env.back(f);
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    assert_eq!(r.get("certId"), Some("7000000000012"));
    for (version, method) in [("5.0.1", "01"), ("5.0.0", "11")] {
        let mut f = key_update(&env);
        sign_fields(&mut f, &Credentials::Rsa(env.key.clone())).unwrap();
        f.set("version", version).set("signMethod", method);
        let r = env.verify_sync(
            &env.post_body(Endpoint::Back, encode_form(&f).as_bytes())
                .body,
        );
        assert_eq!(code(&r), "10", "{version} {method}: {:?}", r.get("respMsg"));
    }
    let mut f = env.header("99", "99", "000000");
    f.set("certType", "01");
    assert_eq!(code(&env.back(f)), "10");
}

#[test]
fn txn_time_off_beijing_time_is_refused_naming_the_likely_cause() {
    let env = Env::start();
    let at = |secs: i64| env.sb.now().plus_seconds(secs).to_txn_time();
    // Host local time on a UTC server: 8 hours behind Beijing time.
    let mut f = key_update(&env);
    f.set("txnTime", at(-8 * 3600));
    let r = env.back(f);
    assert_eq!(code(&r), "10");
    let msg = r.get("respMsg").unwrap();
    assert!(msg.contains("txnTime无效"), "{msg}");
    assert!(msg.contains("8 h behind Beijing time"), "{msg}");
    assert!(
        msg.contains("UTC+8") && msg.contains("host's local time"),
        "{msg}"
    );
    // Another time zone ahead, and a stale re-send: each named.
    let mut f = key_update(&env);
    f.set("txnTime", at(3 * 3600));
    let msg = env.back(f).get("respMsg").unwrap().to_owned();
    assert!(
        msg.contains("3 h ahead of Beijing time") && msg.contains("another time zone"),
        "{msg}"
    );
    let mut f = key_update(&env);
    f.set("txnTime", at(-10 * 60));
    let msg = env.back(f).get("respMsg").unwrap().to_owned();
    assert!(
        msg.contains("10 min behind") && msg.contains("new orderId and txnTime"),
        "{msg}"
    );
    // A few minutes of drift either way is fine.
    for drift in [-4 * 60, 4 * 60] {
        let mut f = key_update(&env);
        f.set("txnTime", at(drift));
        assert_eq!(code(&env.back(f)), "00", "drift {drift}");
    }
    // The consume after an SMS reuses the SMS's txnTime (checked when the SMS was sent);
    // a status query carries the original order's txnTime, however old.
    let token = env.back_open(DEBIT, false);
    let (r, pay) = {
        let mut sms = env.header("77", "02", "000902");
        sms.set("txnAmt", "100")
            .set("currencyCode", "156")
            .set("tokenPayData", format!("{{token={token}&trId={TR_ID}}}"));
        assert_eq!(code(&env.back(sms.clone())), "00");
        env.sb.advance(7 * 60);
        let mut pay = sms;
        pay.set("txnType", "01")
            .set("txnSubType", "01")
            .set("backUrl", "http://127.0.0.1:9/")
            .set("customerInfo", sms_only(SMS_CODE));
        (env.back(pay.clone()), pay)
    };
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    env.sb.advance(2 * 86_400);
    let q = env.query(pay.get("orderId").unwrap(), pay.get("txnTime").unwrap());
    assert_eq!(code(&q), "00", "{:?}", q.get("respMsg"));
    assert_eq!(q.get("origRespCode"), Some("00"));
    // Relaxed for clients that cannot send Beijing time yet.
    let mut config = sandbox_config();
    config.rules.txn_time_past_secs = 86_400;
    let relaxed = Env::with(config);
    let mut f = key_update(&relaxed);
    f.set(
        "txnTime",
        relaxed.sb.now().plus_seconds(-8 * 3600).to_txn_time(),
    );
    assert_eq!(code(&relaxed.back(f)), "00");
}

#[test]
fn endpoints_are_enforced_unless_lenient() {
    let env = Env::start();
    // Query at backTransReq.do, back API at queryTrans.do, file at back, 95 at the file root.
    let mut q = env.header("00", "00", "000000");
    q.remove("channelType");
    let r = env.back(q.clone());
    assert_eq!(code(&r), "10");
    assert!(r.get("respMsg").unwrap().contains("queryTrans.do"));
    let r = env.post(Endpoint::Query, key_update(&env));
    assert_eq!(code(&r), "10");
    assert_eq!(code(&env.post(Endpoint::File, key_update(&env))), "10");
    // The front endpoint answers a back-only API with an error page.
    let page = env.post_raw(Endpoint::Front, key_update(&env)).text();
    assert_eq!(code(&hidden_inputs(&page)), "10");
    // 95 is also accepted at appTransReq.do (.NET demo), nothing else is.
    assert_eq!(code(&env.post(Endpoint::App, key_update(&env))), "00");
    let mut sms = env.header("77", "00", "000902");
    sms.set("accNo", env.enc_pan(DEBIT))
        .set("customerInfo", env.customer(phone_only(DEBIT), None));
    assert_eq!(code(&env.post(Endpoint::App, sms)), "10");
    // Lenient: any gateway path.
    let lenient = Env::with(SandboxConfig {
        lenient_endpoints: true,
        ..sandbox_config()
    });
    let r = lenient.post(Endpoint::Query, key_update(&lenient));
    assert_eq!(code(&r), "00");
    let mut q = lenient.header("00", "00", "000000");
    q.remove("channelType");
    assert_eq!(code(&lenient.back(q)), "34");
    // GET on a gateway path: 405; unknown path: 404.
    assert_eq!(
        http::get(&env.sb.url(Endpoint::Back), Duration::from_secs(5))
            .unwrap()
            .status,
        405
    );
    assert_eq!(
        http::get(
            &format!("{}/nope", env.sb.base_url()),
            Duration::from_secs(5)
        )
        .unwrap()
        .status,
        404
    );
}

#[test]
fn answers_are_raw_not_url_encoded_with_crlf_pem() {
    let env = Env::start();
    let r = env.post_raw(Endpoint::Back, key_update(&env));
    let text = r.text();
    assert!(text.contains("signPubKeyCert=-----BEGIN CERTIFICATE-----\r\n"));
    assert!(text.contains("encryptPubKeyCert=-----BEGIN CERTIFICATE-----\r\n"));
    assert!(!text.contains("%2B") && !text.contains("%3D"));
    assert!(!text.contains("certId="), "5.1.0 answers carry no certId");
    let f = env.verify_sync(&r.body);
    assert_eq!(f.get("version"), Some("5.1.0"));
    // The signing certificate is the sandbox's UnionPay-style leaf.
    let cert =
        unionpay_acp::pki::Certificate::from_pem(f.get("signPubKeyCert").unwrap().as_bytes())
            .unwrap();
    assert!(cert.subject_cn().unwrap().contains("中国银联股份有限公司"));
    // Tampering the raw answer breaks verification.
    let tampered = text.replace("respCode=00", "respCode=01");
    assert!(env
        .verifier
        .verify_sync_body(tampered.as_bytes(), env.sb.now())
        .is_err());
}

#[test]
fn admin_trust_and_clock_endpoints() {
    let env = Env::start();
    let trust = http::get(
        &format!("{}/_sandbox/trust", env.sb.base_url()),
        Duration::from_secs(5),
    )
    .unwrap();
    let (root, middle) = env.sb.trust_pem();
    assert_eq!(trust.text(), format!("{root}{middle}"));
    let post = |body: &str| {
        http::post(
            &format!("{}/_sandbox/clock", env.sb.base_url()),
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            Duration::from_secs(5),
        )
        .unwrap()
    };
    let r = post("now=2027-01-31T14%3A59%3A00Z");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.text().contains("\"clearingDate\":\"20270131\""),
        "{}",
        r.text()
    );
    let r = post("advance=60");
    assert!(
        r.text().contains("\"clearingDate\":\"20270201\""),
        "{}",
        r.text()
    );
    assert_eq!(env.sb.now().to_txn_time()[..12], *"202701312300");
    assert_eq!(post("advance=x").status, 400);
    // The sandbox clock drives txnTime validation: a real-time txnTime is now stale.
    env.sb.advance(3 * 86_400);
    let mut f = key_update(&env);
    f.set(
        "txnTime",
        unionpay_acp::Timestamp::from_unix_seconds(1_700_000_000).to_txn_time(),
    );
    assert_eq!(code(&env.back(f)), "10");
}

#[test]
fn state_persists_across_restarts() {
    let dir = std::env::temp_dir().join(format!("acp-sandbox-test-{}", order_id()));
    let recv = Inbox::start(0);
    let cfg = || SandboxConfig {
        state_dir: Some(dir.clone()),
        ..sandbox_config()
    };
    let env = Env::with(cfg());
    let token = env.back_open(DEBIT, false);
    let (pay, req) = env.consume(&token, 100, &recv.notify_url());
    assert_eq!(code(&pay), "00");
    drop(env);
    let env = Env::with(cfg());
    let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
    assert_eq!(q.get("origRespCode"), Some("00"));
    assert_eq!(code(&env.consume(&token, 100, &recv.notify_url()).0), "00");
    assert_eq!(
        code(&env.follow_up("04", pay.get("queryId").unwrap(), 100, &recv.notify_url())),
        "00"
    );
    drop(env);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn concurrent_merchants_get_unique_query_ids() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(DEBIT, false);
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                s.spawn(|| {
                    (0..3)
                        .map(|_| {
                            let (r, _) = env.consume(&token, 10, &recv.notify_url());
                            assert_eq!(code(&r), "00");
                            r.get("queryId").unwrap().to_owned()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 18);
    assert_eq!(recv.wait(18).len(), 18);
}

#[test]
fn shutdown_is_clean_and_releases_the_port() {
    let mut env = Env::start();
    let url = env.sb.url(Endpoint::Back);
    assert!(env.sb.port() > 0);
    assert!(env.sb.base_url().starts_with("http://127.0.0.1:"));
    // A held (no-answer) connection does not block shutdown.
    env.sb.add_fault(acp_sandbox::FaultRule::global(
        acp_sandbox::FaultAction::NoAnswer { processed: false },
    ));
    let mut f = key_update(&env);
    sign_fields(&mut f, &Credentials::Rsa(env.key.clone())).unwrap();
    let body = encode_form(&f);
    let held = std::thread::spawn({
        let url = url.clone();
        move || {
            http::post(
                &url,
                "application/x-www-form-urlencoded",
                body.as_bytes(),
                Duration::from_secs(20),
            )
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    let start = std::time::Instant::now();
    env.sb.shutdown();
    assert!(start.elapsed() < Duration::from_secs(3));
    env.sb.shutdown();
    assert!(held.join().unwrap().is_err());
    assert!(http::post(&url, "text/plain", b"x", Duration::from_millis(500)).is_err());
    // A second sandbox starts on another ephemeral port while this one is dropped.
    let other = Sandbox::start(sandbox_config()).unwrap();
    assert_ne!(other.port(), 0);
}

#[test]
fn oversized_and_malformed_http_requests() {
    let env = Env::start();
    let big = vec![b'a'; 2 * 1024 * 1024];
    let r = http::post(
        &env.sb.url(Endpoint::Back),
        "application/x-www-form-urlencoded",
        &big,
        Duration::from_secs(5),
    );
    if let Ok(r) = r {
        assert_eq!(r.status, 413);
    }
    // The sandbox still answers afterwards.
    assert_eq!(code(&env.back(key_update(&env))), "00");
}
