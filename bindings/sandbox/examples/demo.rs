//! `make demo`: a whole token payment flow against the local sandbox, through the typed
//! client, printing each step and its outcome.
//!
//! The example is the host: it owns the sockets (the sandbox's tiny HTTP client and
//! server), the clock (the sandbox's business clock) and the RNG (getrandom).
#![allow(clippy::disallowed_methods)]

use acp_sandbox::http::{post, Handled, Handler, HttpResponse, HttpServer, Limits};
use acp_sandbox::{Sandbox, SandboxConfig, MERCHANT_PFX, MERCHANT_PFX_PASSWORD};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use unionpay_acp::client::{
    Api, ClientConfig, Endpoints, Environment, KeyUpdate, Outcome, OutgoingRequest, ParamMap,
    FORM_CONTENT_TYPE,
};
use unionpay_acp::crypto::default_backend;
use unionpay_acp::file::ArchiveLimits;
use unionpay_acp::{
    Client, Credentials, CustomTrust, Error, ErrorCode, MerchantKey, Timestamp, TrustProfile,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const MER_ID: &str = "777290058110097";
const CARD: &str = "6221558812340000"; // spec §12.3 credit test card
const PHONE: &str = "13552535506";

fn main() -> Result<()> {
    let mut sandbox = Sandbox::start(SandboxConfig {
        notify_speed: 60.0,
        ..SandboxConfig::default()
    })?;
    println!(
        "1. sandbox listening on {} (its own test CA; binds 127.0.0.1 only)",
        sandbox.base_url()
    );
    let inbox = Inbox::start()?;
    println!("   merchant backUrl {}", inbox.url());

    let (root, middle) = sandbox.trust_pem();
    let backend = default_backend();
    let key = MerchantKey::from_pkcs12(MERCHANT_PFX, MERCHANT_PFX_PASSWORD, backend.as_ref())?;
    let trust = TrustProfile::Custom(CustomTrust::from_pem(
        &[root.as_bytes()],
        &[middle.as_bytes()],
    )?);
    let environment = Environment::Custom(Endpoints::for_base_url(&sandbox.base_url())?);
    let mut client = Client::new(ClientConfig::new(
        MER_ID,
        Credentials::Rsa(key),
        environment,
        trust,
    ))?;
    let now = || sandbox.now();
    let mut seq = 0u32;
    let mut order_id = || {
        seq += 1;
        format!("DEMO{}{seq:03}", now().to_txn_time())
    };
    let rng = &mut |dest: &mut [u8]| {
        getrandom::fill(dest)
            .map_err(|e| Error::new(ErrorCode::RandomFailed, format!("getrandom: {e}")))
    };

    // 95/00: fetch UnionPay's (here the sandbox's) encryption certificate, verified.
    let req = client.build(
        Api::KeyUpdateQuery,
        &params(&[("orderId", &order_id())]),
        now(),
        rng,
    )?;
    let body = send(&req)?;
    match client.handle_key_update(&req, &body, now())? {
        KeyUpdate::Replaced { cert_id, pem, .. } => {
            println!(
                "2. key update query: encryption certificate {cert_id} (chains to the sandbox CA)"
            );
            client = client.with_encryption_cert_pem(pem.as_bytes())?;
        }
        KeyUpdate::Unchanged { cert_id, .. } => {
            println!("2. key update query: unchanged ({cert_id})")
        }
    }

    // 77/00 then 79/00: open the card merchant-side; the token comes back synchronously.
    let open_order = order_id();
    let sms = client.build(
        Api::Sms(unionpay_acp::client::SmsKind::Open),
        &params(&[
            ("orderId", &open_order),
            ("accNo", CARD),
            ("phoneNo", PHONE),
        ]),
        now(),
        rng,
    )?;
    report(
        "3. open SMS (77/00)",
        &client.handle_response(&sms, &send(&sms)?, now())?,
    );
    let open = client.build(
        Api::BackOpen,
        &params(&[
            ("orderId", &open_order),
            ("txnTime", &sms.txn_time),
            ("accNo", CARD),
            ("phoneNo", PHONE),
            ("cvn2", "123"),
            ("expired", "2311"),
            ("smsCode", "111111"),
        ]),
        now(),
        rng,
    )?;
    let outcome = client.handle_response(&open, &send(&open)?, now())?;
    report("4. back open (79/00)", &outcome);
    let token = outcome
        .response()
        .token_pay_data()?
        .and_then(|t| t.token)
        .ok_or("the open returned no token")?;
    println!(
        "   token …{} issued",
        &token[token.len().saturating_sub(4)..]
    );

    // 77/02 then 01/01: pay 10.00 yuan with the token; 00 only means accepted.
    let pay_order = order_id();
    let sms = client.build(
        Api::Sms(unionpay_acp::client::SmsKind::Consume),
        &params(&[
            ("orderId", &pay_order),
            ("txnAmt", "1000"),
            ("token", &token),
        ]),
        now(),
        rng,
    )?;
    report(
        "5. consume SMS (77/02)",
        &client.handle_response(&sms, &send(&sms)?, now())?,
    );
    let pay = client.build(
        Api::Consume,
        &params(&[
            ("orderId", &pay_order),
            ("txnTime", &sms.txn_time),
            ("txnAmt", "1000"),
            ("token", &token),
            ("smsCode", "111111"),
            ("backUrl", &inbox.url()),
        ]),
        now(),
        rng,
    )?;
    report(
        "6. consume 10.00 (01/01)",
        &client.handle_response(&pay, &send(&pay)?, now())?,
    );

    // The back notification decides; verify it before believing it.
    let note = client.verify_notification(&inbox.wait(1)?, now())?;
    println!(
        "7. notification verified: {} respCode {} queryId {} settleDate {}",
        note.api.map(|a| a.name()).unwrap_or("?"),
        note.resp_code,
        note.query_id.as_deref().unwrap_or("-"),
        note.settle_date.as_deref().unwrap_or("-")
    );
    if !note.matches(&pay) || !note.success {
        return Err("the notification does not confirm this payment".into());
    }
    let query_id = note.query_id.clone().ok_or("no queryId")?;
    let settle_date = note.settle_date.clone().ok_or("no settleDate")?;

    // 00/00: confirm with a status query (origRespCode is the payment's result).
    let query = client.build_query_for(&pay, 1, now(), rng)?;
    report(
        "8. status query (00/00)",
        &client.handle_response(&query, &send(&query)?, now())?,
    );

    // 04/00: refund 3.00 of it; its own notification follows.
    let refund = client.build(
        Api::Refund,
        &params(&[
            ("orderId", &order_id()),
            ("origQryId", &query_id),
            ("txnAmt", "300"),
            ("backUrl", &inbox.url()),
        ]),
        now(),
        rng,
    )?;
    report(
        "9. partial refund 3.00 (04/00)",
        &client.handle_response(&refund, &send(&refund)?, now())?,
    );
    let note = client.verify_notification(&inbox.wait(2)?, now())?;
    println!(
        "10. refund notification verified: respCode {} txnAmt {:?}",
        note.resp_code, note.txn_amt
    );

    // 76/01: download and parse the day's reconciliation file.
    let file = client.build(
        Api::FileTransfer,
        &params(&[("settleDate", &settle_date)]),
        now(),
        rng,
    )?;
    let outcome = client.handle_response(&file, &send(&file)?, now())?;
    report("11. file transfer (76/01)", &outcome);
    let recon = outcome
        .response()
        .reconciliation(&ArchiveLimits::default())?;
    for z in &recon.zm {
        println!(
            "    ZM {} txnType {} orderId {:<24} amount {:>6} fen settle {:?} {:>6} fen",
            z.query_id,
            z.txn_type,
            z.order_id,
            z.amount_fen,
            z.settle_amount.direction,
            z.settle_amount.fen
        );
    }
    println!(
        "12. done: {} reconciliation records; stopping the sandbox",
        recon.zm.len()
    );
    sandbox.shutdown();
    Ok(())
}

fn params(pairs: &[(&str, &str)]) -> ParamMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The host's HTTP: POST the signed body to the request's URL.
fn send(request: &OutgoingRequest) -> Result<Vec<u8>> {
    let answer = post(
        &request.url,
        FORM_CONTENT_TYPE,
        request.body.as_bytes(),
        Duration::from_secs(30),
    )?;
    if answer.status != 200 {
        return Err(format!("HTTP {} from {}", answer.status, request.url).into());
    }
    Ok(answer.body)
}

fn report(step: &str, outcome: &Outcome) {
    let r = outcome.response();
    let mut line = format!(
        "{step}: {} (respCode {} {})",
        outcome.name(),
        outcome.decisive_code(),
        r.resp_msg()
    );
    if let Some(at) = outcome.query_at() {
        line.push_str(&format!(", query at {}", Timestamp::to_txn_time(at)));
    }
    println!("{line}");
}

/// The merchant's notification endpoint (backUrl): answers 200 and keeps raw bodies.
struct Inbox {
    server: HttpServer,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Inbox {
    fn start() -> Result<Inbox> {
        let bodies: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let sink = bodies.clone();
        let handler: Handler = Arc::new(move |req| {
            if let Ok(mut b) = sink.lock() {
                b.push(req.body);
            }
            Handled::respond(HttpResponse::text(200, "ok"))
        });
        let server = HttpServer::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Limits::default(),
            handler,
        )?;
        Ok(Inbox { server, bodies })
    }

    fn url(&self) -> String {
        format!("http://{}/acp/notify", self.server.local_addr())
    }

    /// Waits (at most 10 s) for the n-th notification and returns its raw body.
    fn wait(&self, n: usize) -> Result<Vec<u8>> {
        for _ in 0..200 {
            if let Some(body) = self.bodies.lock().map_err(|_| "poisoned")?.get(n - 1) {
                return Ok(body.clone());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("notification {n} did not arrive within 10 s").into())
    }
}
