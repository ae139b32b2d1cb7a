//! `make sandbox-load`: a bounded load driver for `acp sandbox` on 127.0.0.1, which stops by
//! itself.
//!
//! 1. Starts `ACP sandbox --state DIR` (a child process, so its RSS can be read and it can
//!    be killed), then MERCHANTS merchants (threads, each its own merId, client and
//!    kept-alive connection) open a token and pay with it in a loop: consume SMS (77/02),
//!    consume (01/01), status query (00/00), and every tenth round a key update query
//!    (95/00), until REQUESTS requests were answered in all. Prints the throughput, p50 /
//!    p99 latency, the errors (any failed POST, non-200 or unexpected outcome) and the
//!    sandbox's RSS at start and end.
//! 2. Runs the same load again and `kill -9`s the sandbox in the middle of it, restarts it
//!    on the same `--state` directory and queries every consume it had accepted (phase 1
//!    and 2): each must be found, paid.
//!
//! Usage: `load ACP_BINARY [MERCHANTS [REQUESTS]]` (defaults 50 and 20000). Exit status 1
//! when an error occurred or an accepted order was lost.
#![allow(clippy::disallowed_methods)] // a host: processes, sockets, threads, the clock

use acp_sandbox::http::HttpClient;
use acp_sandbox::{MIDDLE_PEM, ROOT_PEM};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use unionpay_acp::client::{
    Api, ClientConfig, Endpoints, Environment, Outcome, OutgoingRequest, ParamMap, SmsKind,
    FORM_CONTENT_TYPE,
};
use unionpay_acp::{
    Client, Credentials, CustomTrust, EncryptionCert, Error, ErrorCode, Timestamp, TrustProfile,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const CARD: &str = "6221558812340000"; // spec §12.3 credit test card
const PHONE: &str = "13552535506";
const ENC_PEM: &[u8] = include_bytes!("../../../tests/fixtures/sandbox/enc.pem");

/// A consume the sandbox accepted (respCode 00): it must survive a crash.
#[derive(Clone)]
struct Accepted {
    merchant: usize,
    request: OutgoingRequest,
}

/// What one load run measured.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: Vec<String>,
    accepted: Vec<Accepted>,
}

/// The sandbox as a child process.
struct SandboxProcess {
    child: Child,
    url: String,
}

impl SandboxProcess {
    fn start(acp: &Path, state: &Path) -> Result<Self> {
        let mut child = Command::new(acp)
            .args([
                "sandbox",
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--exit-on-eof",
            ])
            .args(["--notify-speed", "1000", "--state"])
            .arg(state)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut url = String::new();
        BufReader::new(stdout).read_line(&mut url)?;
        let url = url.trim().to_owned();
        if !url.starts_with("http://127.0.0.1:") {
            return Err(format!("acp sandbox printed {url:?}").into());
        }
        Ok(SandboxProcess { child, url })
    }

    /// VmRSS in KiB (Linux /proc).
    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    }

    /// `kill -9`.
    fn kill_9(mut self) {
        let _ = self.child.kill(); // SIGKILL on Unix
        let _ = self.child.wait();
    }

    /// A clean stop (stdin closed: --exit-on-eof).
    fn stop(mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("sandbox-load: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let acp = PathBuf::from(
        args.first()
            .ok_or("usage: load ACP_BINARY [MERCHANTS [REQUESTS]]")?,
    );
    let merchants: usize = args.get(1).map_or(Ok(50), |a| a.parse())?;
    let requests: usize = args.get(2).map_or(Ok(20_000), |a| a.parse())?;
    let state = std::env::temp_dir().join(format!("acp-sandbox-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);

    // ---- 1. the measured load
    let sandbox = SandboxProcess::start(&acp, &state)?;
    let rss_start = sandbox.rss_kib();
    println!(
        "sandbox {} (--state {}), {merchants} merchants, {requests} requests",
        sandbox.url,
        state.display()
    );
    let started = Instant::now();
    let phase1 = drive(&sandbox.url, merchants, Some(requests), None)?;
    let elapsed = started.elapsed();
    let rss_end = sandbox.rss_kib();
    let mut lat = phase1.latencies_us.clone();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    println!(
        "load: {} requests in {:.1} s = {:.0} requests/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; errors {}",
        lat.len(),
        elapsed.as_secs_f64(),
        lat.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        lat.last().copied().unwrap_or(0) as f64 / 1000.0,
        phase1.errors.len()
    );
    println!(
        "sandbox RSS: {:.1} MiB at start, {:.1} MiB at the end; {} consumes accepted",
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        phase1.accepted.len()
    );
    for e in phase1.errors.iter().take(5) {
        println!("  error: {e}");
    }

    // ---- 2. kill -9 in the middle of a second load, restart on the same --state
    let stop = Arc::new(AtomicBool::new(false));
    let killer = {
        let stop = stop.clone();
        let url = sandbox.url.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(2));
            stop.store(true, Ordering::SeqCst);
            url
        })
    };
    let phase2 = {
        let url = sandbox.url.clone();
        let stop2 = stop.clone();
        let handle = std::thread::spawn(move || drive(&url, merchants, None, Some(stop2)));
        // Kill while the merchants are still sending.
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(10));
        }
        sandbox.kill_9();
        let _ = killer.join();
        handle.join().map_err(|_| "the second load panicked")??
    };
    println!(
        "kill -9 in the middle of a second load ({} consumes accepted before it, {} requests cut off)",
        phase2.accepted.len(),
        phase2.errors.len()
    );
    let restarted = SandboxProcess::start(&acp, &state)?;
    let all: Vec<Accepted> = phase1
        .accepted
        .iter()
        .chain(phase2.accepted.iter())
        .cloned()
        .collect();
    let lost = verify_after_restart(&restarted.url, merchants, &all)?;
    println!(
        "restarted on the same --state: {} of {} accepted consumes answered by a status query as paid",
        all.len() - lost.len(),
        all.len()
    );
    for l in lost.iter().take(5) {
        println!("  lost: {l}");
    }
    restarted.stop();
    let _ = std::fs::remove_dir_all(&state);
    if !phase1.errors.is_empty() || !lost.is_empty() {
        return Err("errors in the load or orders lost".into());
    }
    Ok(())
}

/// One merchant: its own merId (the sandbox knows merchants by certId), client and
/// kept-alive HTTP connection.
struct Merchant {
    client: Client,
    http: HttpClient,
}

impl Merchant {
    fn new(base_url: &str, index: usize) -> Result<Self> {
        let backend = unionpay_acp::crypto::default_backend();
        let key = acp_sandbox::sandbox_merchant_key(backend.as_ref())?;
        let trust = CustomTrust::from_pem(&[ROOT_PEM.as_bytes()], &[MIDDLE_PEM.as_bytes()])?;
        let mut config = ClientConfig::new(
            format!("777290058{index:06}"),
            Credentials::Rsa(key),
            Environment::Custom(Endpoints::for_base_url(base_url)?),
            TrustProfile::Custom(trust),
        );
        config.encryption_cert = Some(EncryptionCert::parse(ENC_PEM)?);
        Ok(Merchant {
            client: Client::new(config)?,
            http: HttpClient::new(Duration::from_secs(30)),
        })
    }

    /// POSTs, timing the exchange; the verified outcome.
    fn call(&self, req: &OutgoingRequest, latencies: &mut Vec<u64>) -> Result<Outcome> {
        let start = Instant::now();
        let answer = self
            .http
            .post(&req.url, FORM_CONTENT_TYPE, req.body.as_bytes())?;
        latencies.push(start.elapsed().as_micros() as u64);
        if answer.status != 200 {
            return Err(format!("HTTP {} for {}", answer.status, req.api.name()).into());
        }
        Ok(self.client.handle_response(req, &answer.body, now())?)
    }

    fn build(&self, api: Api, pairs: &[(&str, &str)]) -> Result<OutgoingRequest> {
        let params: ParamMap = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ok(self.client.build(api, &params, now(), &mut rng)?)
    }
}

fn now() -> Timestamp {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Timestamp::from_unix_seconds(i64::try_from(secs).unwrap_or(0))
}

fn rng(dest: &mut [u8]) -> unionpay_acp::Result<()> {
    getrandom::fill(dest)
        .map_err(|e| Error::new(ErrorCode::RandomFailed, format!("getrandom: {e}")))
}

static ORDER: AtomicUsize = AtomicUsize::new(0);

fn order_id(tag: &str) -> String {
    format!(
        "{tag}{}{:08}",
        std::process::id() % 100_000,
        ORDER.fetch_add(1, Ordering::SeqCst)
    )
}

fn expect(outcome: &Outcome, name: &str, what: &str) -> Result<()> {
    if outcome.name() == name {
        Ok(())
    } else {
        Err(format!(
            "{what}: {} {} {}",
            outcome.name(),
            outcome.decisive_code(),
            outcome.response().resp_msg()
        )
        .into())
    }
}

/// Runs `merchants` threads until `budget` requests were answered in all (or `stop` is
/// set); merges what they measured.
fn drive(
    base_url: &str,
    merchants: usize,
    budget: Option<usize>,
    stop: Option<Arc<AtomicBool>>,
) -> Result<Tally> {
    let sent = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let threads: Vec<_> = (0..merchants)
        .map(|i| {
            let (base, sent, tally, stop) = (
                base_url.to_owned(),
                sent.clone(),
                tally.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let mut mine = Tally::default();
                let more = || {
                    let n = sent.fetch_add(1, Ordering::SeqCst);
                    budget.is_none_or(|b| n < b)
                        && !stop.as_ref().is_some_and(|s| s.load(Ordering::SeqCst))
                };
                if let Err(e) = merchant_loop(&base, i, &more, &mut mine) {
                    mine.errors.push(format!("merchant {i}: {e}"));
                }
                if let Ok(mut t) = tally.lock() {
                    t.latencies_us.extend(mine.latencies_us);
                    t.errors.extend(mine.errors);
                    t.accepted.extend(mine.accepted);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| "a merchant thread panicked")?;
    }
    let mut tally = tally.lock().map_err(|_| "poisoned")?;
    Ok(std::mem::take(&mut *tally))
}

/// Opens a token, then pays and queries with it while `more()` allows another request.
fn merchant_loop(
    base: &str,
    index: usize,
    more: &dyn Fn() -> bool,
    tally: &mut Tally,
) -> Result<()> {
    let m = Merchant::new(base, index)?;
    let lat = &mut tally.latencies_us;
    if !more() {
        return Ok(());
    }
    let open = order_id("OPEN");
    let sms = m.build(
        Api::Sms(SmsKind::Open),
        &[("orderId", &open), ("accNo", CARD), ("phoneNo", PHONE)],
    )?;
    expect(&m.call(&sms, lat)?, "success", "open SMS")?;
    if !more() {
        return Ok(());
    }
    let req = m.build(
        Api::BackOpen,
        &[
            ("orderId", &open),
            ("txnTime", &sms.txn_time),
            ("accNo", CARD),
            ("phoneNo", PHONE),
            ("cvn2", "123"),
            ("expired", "2311"),
            ("smsCode", "111111"),
        ],
    )?;
    let opened = m.call(&req, lat)?;
    expect(&opened, "success", "back open")?;
    let token = opened
        .response()
        .token_pay_data()?
        .and_then(|t| t.token)
        .ok_or("no token")?;
    let back_url = format!("{base}/_sandbox/sink");
    for round in 0usize.. {
        if round % 10 == 9 {
            if !more() {
                return Ok(());
            }
            let key = m.build(Api::KeyUpdateQuery, &[("orderId", &order_id("KEY"))])?;
            let start = Instant::now();
            let answer = m
                .http
                .post(&key.url, FORM_CONTENT_TYPE, key.body.as_bytes())?;
            lat.push(start.elapsed().as_micros() as u64);
            m.client.handle_key_update(&key, &answer.body, now())?;
        }
        if !more() {
            return Ok(());
        }
        let pay = order_id("PAY");
        let sms = m.build(
            Api::Sms(SmsKind::Consume),
            &[("orderId", &pay), ("txnAmt", "1"), ("token", &token)],
        )?;
        expect(&m.call(&sms, lat)?, "success", "consume SMS")?;
        if !more() {
            return Ok(());
        }
        let consume = m.build(
            Api::Consume,
            &[
                ("orderId", &pay),
                ("txnTime", &sms.txn_time),
                ("txnAmt", "1"),
                ("token", &token),
                ("smsCode", "111111"),
                ("backUrl", &back_url),
            ],
        )?;
        expect(&m.call(&consume, lat)?, "accepted", "consume")?;
        tally.accepted.push(Accepted {
            merchant: index,
            request: consume.clone(),
        });
        if !more() {
            return Ok(());
        }
        let query = m.client.build_query_for(&consume, 1, now(), &mut rng)?;
        expect(&m.call(&query, lat)?, "success", "status query")?;
    }
    Ok(())
}

/// Queries every accepted consume on the restarted sandbox (the merchants in parallel);
/// returns the orders not found paid.
fn verify_after_restart(base: &str, merchants: usize, all: &[Accepted]) -> Result<Vec<String>> {
    let lost = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..merchants)
        .map(|i| {
            let mine: Vec<Accepted> = all.iter().filter(|a| a.merchant == i).cloned().collect();
            let (base, lost) = (base.to_owned(), lost.clone());
            std::thread::spawn(move || {
                let m = match Merchant::new(&base, i) {
                    Ok(m) => m,
                    Err(e) => {
                        if let Ok(mut l) = lost.lock() {
                            l.push(format!("merchant {i}: {e}"));
                        }
                        return;
                    }
                };
                let mut lat = Vec::new();
                for a in mine {
                    let found = m
                        .client
                        .build_query_for(&a.request, 1, now(), &mut rng)
                        .map_err(Into::into)
                        .and_then(|q| m.call(&q, &mut lat));
                    let ok = matches!(&found, Ok(o) if o.name() == "success" && o.decisive_code() == "00");
                    if !ok {
                        if let Ok(mut l) = lost.lock() {
                            l.push(format!(
                                "{}: {}",
                                a.request.order_id.as_deref().unwrap_or("?"),
                                match found {
                                    Ok(o) => format!("{} {}", o.name(), o.decisive_code()),
                                    Err(e) => e.to_string(),
                                }
                            ));
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| "a query thread panicked")?;
    }
    let mut l = lost.lock().map_err(|_| "poisoned")?;
    Ok(std::mem::take(&mut *l))
}
