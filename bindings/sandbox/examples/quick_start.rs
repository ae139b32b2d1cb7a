//! The Rust quick start (the README shows this file; a test runs it against the sandbox).
//!
//! Open a card with an SMS code, pay with its token, and follow the core's next steps until
//! the payment is final. Against the local sandbox: `acp sandbox --port 8080`, then
//! `cargo run -p acp-sandbox --example quick_start -- http://127.0.0.1:8080`.
//!
//! The host owns the I/O: `acp_sandbox::http::post` stands in for your HTTP client
//! (reqwest, ureq, hyper…), the clock is the system's and the randomness getrandom's.
#![allow(clippy::disallowed_methods)] // a host: the clock, sleeps, files

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use unionpay_acp::client::{
    Api, ClientConfig, Endpoints, Environment, Exchange, NextStep, ParamMap, SmsKind,
    FORM_CONTENT_TYPE,
};
use unionpay_acp::crypto::default_backend;
use unionpay_acp::{
    Client, Credentials, CustomTrust, EncryptionCert, Error, ErrorCode, MerchantKey, Outcome,
    OutgoingRequest, Timestamp, TrustProfile,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let base_url = std::env::args().nth(1);
    let outcome = run(
        base_url.as_deref().unwrap_or("http://127.0.0.1:8080"),
        Path::new("tests/fixtures/sandbox"),
    )?;
    println!(
        "payment {}: respCode {}",
        outcome.name(),
        outcome.decisive_code()
    );
    Ok(())
}

/// The whole flow; returns the payment's final outcome.
#[rustfmt::skip]
pub fn run(base_url: &str, fixtures: &Path) -> Result<Outcome> {
    let read = |name: &str| std::fs::read(fixtures.join(name));
    // The merchant key (UnionPay's PFX). Answers must chain to the sandbox's own test CA
    // (`acp sandbox --print-trust`); against UnionPay: Environment::Test / Production and
    // TrustProfile::Test / Production. The encryption certificate encrypts card data (keep
    // it current with the key update query, Api::KeyUpdateQuery).
    let key = MerchantKey::from_pkcs12(&read("merchant.pfx")?, "000000", default_backend().as_ref())?;
    let trust = CustomTrust::from_pem(&[&read("root.pem")?], &[&read("middle.pem")?])?;
    let client = Client::new(ClientConfig::new(
        "777290058110097",
        Credentials::Rsa(key),
        Environment::Custom(Endpoints::for_base_url(base_url)?),
        TrustProfile::Custom(trust),
    ))?
    .with_encryption_cert(EncryptionCert::parse(&read("enc.pem")?)?);
    let (card, phone) = ("6221558812340000", "13552535506");

    // Open the card: an SMS code to the cardholder (77/00), then the open (79/00).
    let order = order_id("OPEN");
    let sms = build(&client, Api::Sms(SmsKind::Open), &[("orderId", &order), ("accNo", card), ("phoneNo", phone)])?;
    until_final(&client, &sms)?;
    let open = build(&client, Api::BackOpen, &[("orderId", &order), ("txnTime", &sms.txn_time),
        ("accNo", card), ("phoneNo", phone), ("cvn2", "123"), ("expired", "2311"), ("smsCode", "111111")])?;
    let opened = until_final(&client, &open)?;
    let token = opened.response().token_pay_data()?.and_then(|t| t.token).ok_or("no token")?;

    // Pay 10.00 yuan with the token: an SMS code (77/02), then the consume (01/01). Its
    // `00` means accepted, not paid: the core's next step queries until the result is final.
    let order = order_id("PAY");
    let sms = build(&client, Api::Sms(SmsKind::Consume), &[("orderId", &order), ("txnAmt", "1000"), ("token", &token)])?;
    until_final(&client, &sms)?;
    let pay = build(&client, Api::Consume, &[("orderId", &order), ("txnTime", &sms.txn_time), ("txnAmt", "1000"),
        ("token", &token), ("smsCode", "111111"), ("backUrl", "http://127.0.0.1:9/unionpay/notify")])?;
    // Store `unionpay_acp::json::to_json(&pay)` (feature `json`) until the outcome is final;
    // the back notification to backUrl is handled with `client.receive_notification`.
    until_final(&client, &pay)
}

/// Sends `sent` and follows the core's next steps: the host only POSTs, sleeps and reads
/// its clock; when to query and what an answer means are the core's decisions.
fn until_final(client: &Client, sent: &OutgoingRequest) -> Result<Outcome> {
    let mut step = exchange(client, sent)?;
    loop {
        match step {
            NextStep::Final(outcome) => return Ok(outcome),
            NextStep::Stop { reason, .. } => {
                return Err(format!("no final result: {}", reason.name()).into())
            }
            NextStep::Query { at, query, .. } => {
                let wait = at.unix_seconds() - now().unix_seconds();
                std::thread::sleep(Duration::from_secs(wait.max(0).unsigned_abs()));
                step = exchange(client, &query)?;
            }
        }
    }
}

/// POSTs the request and asks the core what happened; no answer is an answer too.
fn exchange(client: &Client, sent: &OutgoingRequest) -> Result<NextStep> {
    let answer = acp_sandbox::http::post(
        &sent.url,
        FORM_CONTENT_TYPE,
        sent.body.as_bytes(),
        Duration::from_secs(30),
    )
    .ok();
    let exchange = match &answer {
        Some(r) => Exchange::Answered {
            status: r.status,
            body: &r.body,
        },
        None => Exchange::NoAnswer,
    };
    Ok(client.next_step(sent, exchange, now())?)
}

fn build(client: &Client, api: Api, params: &[(&str, &str)]) -> Result<OutgoingRequest> {
    let params: ParamMap = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Ok(client.build(api, &params, now(), &mut |buf: &mut [u8]| {
        getrandom::fill(buf).map_err(|e| Error::new(ErrorCode::RandomFailed, e.to_string()))
    })?)
}

/// The host's clock, whole seconds.
fn now() -> Timestamp {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Timestamp::from_unix_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// A new orderId each run: 8 to 32 letters and digits, unique per merchant and day.
fn order_id(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{prefix}{nanos}")
}
