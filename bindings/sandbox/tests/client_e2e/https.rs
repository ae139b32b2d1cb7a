//! HTTPS (`acp sandbox --tls`): the token flow over TLS, the host trusting the sandbox's
//! test CA the way the README tells users to trust a private CA (its root as the only
//! root of the HTTP client), and a client that does not trust it refused with a clear
//! certificate error before any request is sent.

use crate::prelude::*;
use acp_sandbox::http::{HttpClient, TlsIdentity};
use unionpay_acp::client::FORM_CONTENT_TYPE;

fn tls_env() -> Env {
    let mut config = acp_sandbox::SandboxConfig {
        notify_speed: 1200.0,
        ..acp_sandbox::SandboxConfig::default()
    };
    config.tls = Some(TlsIdentity::sandbox());
    Env::with(config, 0)
}

#[test]
fn token_flow_over_https_trusting_the_sandbox_ca() {
    let env = tls_env();
    assert!(env.sb.is_tls());
    assert!(env.sb.base_url().starts_with("https://127.0.0.1:"));
    let token = env.open_token(DEBIT);
    let (pay, outcome, _) = env.pay(&token, 1000);
    assert!(pay.url.starts_with("https://"), "{}", pay.url);
    expect_accepted(&outcome);
    assert!(env.notification_for(&pay).success);
    expect_success(&env.query(&pay, 1));

    // The host's HTTP client with the sandbox root (`acp sandbox --print-trust`) as its
    // only root: the same POST works on a kept-alive connection.
    let trusting = HttpClient::trusting(Duration::from_secs(10), acp_sandbox::ROOT_PEM).unwrap();
    let req = env.sms_consume_request(&token, 500);
    let r = trusting
        .post(&req.url, FORM_CONTENT_TYPE, req.body.as_bytes())
        .unwrap();
    assert_eq!(r.status, 200);
    expect_success(
        &env.client
            .handle_response(&req, &r.body, env.now())
            .unwrap(),
    );
}

#[test]
fn an_untrusted_certificate_is_refused_with_a_clear_error() {
    let env = tls_env();
    // A host that trusts only UnionPay's test root (or the system roots) does not trust
    // the sandbox's certificate: the TLS handshake fails, nothing is sent.
    let other_root = include_str!("../../../../tests/fixtures/certs/acp_test_root.pem");
    let untrusting = HttpClient::trusting(Duration::from_secs(10), other_root).unwrap();
    let req = key_update_request(&env.client, &env);
    let err = untrusting
        .post(&req.url, FORM_CONTENT_TYPE, req.body.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("certificate") && err.contains("UnknownIssuer"),
        "{err}"
    );
    // Plain HTTP to the HTTPS port gets no answer either.
    let plain = req.url.replacen("https://", "http://", 1);
    assert!(
        acp_sandbox::http::post(&plain, FORM_CONTENT_TYPE, b"x", Duration::from_secs(3))
            .map(|r| r.status >= 400)
            .unwrap_or(true)
    );
}
