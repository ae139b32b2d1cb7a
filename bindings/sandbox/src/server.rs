//! Starting the sandbox, the handle tests and the CLI hold, and the HTTP routes
//! (gateway paths, the cardholder page, the `/_sandbox/*` admin endpoints).

use crate::auth::MerchantCerts;
use crate::clock::SandboxClock;
use crate::config::{FaultAction, FaultRule, SandboxConfig, Truth};
use crate::gateway::{lock, Endpoint, Gateway, Transport};
use crate::http::{Handled, Handler, HttpRequest, HttpResponse, HttpServer, Limits, Reply};
use crate::material::{GatewayKeys, MIDDLE_PEM, ROOT_PEM};
use crate::notify::{NotificationRecord, Notifier, NotifyQueue};
use crate::store::Store;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use unionpay_acp::crypto::default_backend;
use unionpay_acp::Timestamp;

/// A backUrl on the sandbox itself that answers every notification with 200.
pub const SINK_PATH: &str = "/_sandbox/sink";

/// How long a `NoAnswer` fault holds a connection at most.
const HOLD_MAX: Duration = Duration::from_secs(120);

/// Why the sandbox could not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// The local gateway.
pub struct Sandbox;

impl Sandbox {
    /// Loads the keys, reloads the state (with `state_dir`), binds and starts serving.
    pub fn start(config: SandboxConfig) -> Result<SandboxHandle, StartError> {
        let backend = default_backend();
        let err =
            |what: &'static str| move |e: unionpay_acp::Error| StartError(format!("{what}: {e}"));
        let keys = GatewayKeys::load(&backend).map_err(err("the sandbox keys"))?;
        let merchants = MerchantCerts::load(&config.merchants, backend.as_ref())
            .map_err(err("a merchant certificate"))?;
        let (store, state) = match &config.state_dir {
            Some(dir) => {
                let store = Store::open(dir)
                    .map_err(|e| StartError(format!("state directory {}: {e}", dir.display())))?;
                let state = store.load().map_err(|e| StartError(e.to_string()))?;
                (Some(store), state)
            }
            None => (None, Default::default()),
        };
        let gateway = Arc::new(Gateway {
            rules: config.rules.clone(),
            cards: config.cards.clone(),
            lenient: config.lenient_endpoints,
            secure_key: config.secure_key.clone(),
            keys,
            merchants,
            clock: config.clock.clone(),
            state: Mutex::new(state),
            faults: Mutex::new(config.faults.clone()),
            store,
        });
        let writer = match &gateway.store {
            Some(_) => {
                let gw = gateway.clone();
                Some(
                    std::thread::Builder::new()
                        .name("state-writer".to_owned())
                        .spawn(move || {
                            if let Some(store) = &gw.store {
                                store.run_writer(|| {
                                    serde_json::to_vec(&*crate::gateway::lock(&gw.state))
                                        .map_err(std::io::Error::other)
                                });
                            }
                        })
                        .map_err(|e| StartError(format!("state writer thread: {e}")))?,
                )
            }
            None => None,
        };
        let ticker_gw = gateway.clone();
        let notifier = Notifier::start(
            &config.notify_schedule_secs,
            config.notify_speed,
            Box::new(move || ticker_gw.tick()),
        )
        .map_err(|e| StartError(format!("notifier thread: {e}")))?;
        let queue = notifier.queue();
        let handler: Handler = {
            let (gw, queue) = (gateway.clone(), queue.clone());
            Arc::new(move |req| route(&gw, &queue, req))
        };
        let limits = Limits {
            max_body: crate::gateway::MAX_REQUEST,
            io_timeout: Duration::from_secs(10),
            max_connections: config.max_connections.max(1),
        };
        let server = match &config.tls {
            Some(identity) => HttpServer::start_tls(config.bind, limits, handler, identity),
            None => HttpServer::start(config.bind, limits, handler),
        }
        .map_err(|e| StartError(format!("cannot listen on {}: {e}", config.bind)))?;
        Ok(SandboxHandle {
            server,
            notifier,
            queue,
            gateway,
            writer,
        })
    }
}

/// A running sandbox. Dropping it shuts it down.
pub struct SandboxHandle {
    server: HttpServer,
    notifier: Notifier,
    queue: NotifyQueue,
    gateway: Arc<Gateway>,
    /// Writes the `--state` file (group commit).
    writer: Option<std::thread::JoinHandle<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`, or `https://…` with TLS (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.server.scheme(), self.server.local_addr())
    }

    /// Whether the sandbox serves HTTPS.
    pub fn is_tls(&self) -> bool {
        self.server.scheme() == "https"
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.server.local_addr().port()
    }

    /// The full URL of a gateway endpoint.
    pub fn url(&self, endpoint: Endpoint) -> String {
        format!("{}{}", self.base_url(), endpoint.path())
    }

    /// The sandbox root and middle certificates (PEM), for the client's custom trust.
    pub fn trust_pem(&self) -> (String, String) {
        (ROOT_PEM.to_owned(), MIDDLE_PEM.to_owned())
    }

    /// The business clock.
    pub fn clock(&self) -> &SandboxClock {
        &self.gateway.clock
    }

    /// The sandbox's current time.
    pub fn now(&self) -> Timestamp {
        self.gateway.clock.now()
    }

    /// Moves the clock to `now`.
    pub fn set_now(&self, now: Timestamp) {
        self.gateway.clock.set_now(now);
    }

    /// Moves the clock by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.gateway.clock.advance(seconds);
    }

    /// Every notification queued so far with its attempts.
    pub fn notifications_sent(&self) -> Vec<NotificationRecord> {
        self.queue.records()
    }

    /// Waits (polling, at most `timeout`) until `pred` holds for the notification list;
    /// returns the last list seen.
    pub fn wait_notifications(
        &self,
        timeout: Duration,
        pred: impl Fn(&[NotificationRecord]) -> bool,
    ) -> Vec<NotificationRecord> {
        let step = Duration::from_millis(20);
        let rounds = (timeout.as_millis() / step.as_millis()).max(1);
        for _ in 0..rounds {
            let list = self.notifications_sent();
            if pred(&list) {
                return list;
            }
            std::thread::sleep(step);
        }
        self.notifications_sent()
    }

    /// Adds a fault rule (checked before the configured ones).
    pub fn add_fault(&self, rule: FaultRule) {
        lock(&self.gateway.faults).insert(0, rule);
    }

    /// Removes every fault rule (including the fault cards').
    pub fn clear_faults(&self) {
        lock(&self.gateway.faults).clear();
    }

    /// Switches the encryption certificate 95/00 returns: 0 = `enc.pem`, 1 = `enc2.pem`.
    /// Card data encrypted to either stays decryptable.
    pub fn rotate_encryption_cert(&self, index: usize) -> String {
        let mut st = lock(&self.gateway.state);
        st.enc_index = index.min(self.gateway.keys.enc.len().saturating_sub(1));
        if let Some(store) = &self.gateway.store {
            store.save(&st);
        }
        self.gateway.current_enc(&st).cert_id().to_owned()
    }

    /// The certId of the current encryption certificate.
    pub fn encryption_cert_id(&self) -> String {
        let st = lock(&self.gateway.state);
        self.gateway.current_enc(&st).cert_id().to_owned()
    }

    /// The state as JSON (transactions, tokens, SMS, balances), for debugging.
    pub fn state_json(&self) -> String {
        serde_json::to_string_pretty(&*lock(&self.gateway.state)).unwrap_or_default()
    }

    /// certIds of the trusted merchant certificates.
    pub fn merchant_cert_ids(&self) -> Vec<String> {
        self.gateway.merchants.ids()
    }

    /// Stops serving, finishes running requests, stops the notifier. Idempotent.
    pub fn shutdown(&mut self) {
        self.server.shutdown();
        self.notifier.shutdown();
        if let Some(store) = &self.gateway.store {
            store.stop();
        }
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn route(gw: &Arc<Gateway>, queue: &NotifyQueue, req: HttpRequest) -> Handled {
    let method = req.method.as_str();
    if let Some(ep) = Endpoint::from_path(&req.path) {
        if method == "POST" {
            return gateway_call(gw, queue, ep, &req.body);
        }
        if ep == Endpoint::File && method == "GET" {
            return Handled::respond(HttpResponse::text(200, index_text()));
        }
        return Handled::respond(HttpResponse::text(405, "POST a signed form\n"));
    }
    let resp = match (method, req.path.as_str()) {
        ("POST", crate::front::CONFIRM_PATH) => {
            let c = crate::front::confirm(gw, &req.body);
            let queue = queue.clone();
            let notices = c.notices;
            let mut resp = HttpResponse::html(c.html);
            resp.status = c.status;
            return Handled {
                delay: None,
                reply: Reply::Respond(resp),
                after: Some(Box::new(move || queue.push(notices))),
            };
        }
        ("GET", "/_sandbox/trust") => HttpResponse::text(200, format!("{ROOT_PEM}{MIDDLE_PEM}")),
        ("GET", "/_sandbox/clock") => clock_json(gw),
        ("POST", "/_sandbox/clock") => set_clock(gw, &req.body),
        ("POST", "/_sandbox/faults") => faults(gw, &req.body),
        ("GET", "/_sandbox/faults") => {
            HttpResponse::json(serde_json::to_string_pretty(&*lock(&gw.faults)).unwrap_or_default())
        }
        ("POST", "/_sandbox/keys") => rotate(gw, &req.body),
        // A backUrl that always answers 200: a merchant without its own receiver reads
        // what was posted from GET /_sandbox/notifications.
        ("POST", SINK_PATH) => HttpResponse::text(200, "ok"),
        ("GET", "/_sandbox/notifications") => notifications_json(queue),
        ("GET", "/_sandbox/state") => {
            HttpResponse::json(serde_json::to_string_pretty(&*lock(&gw.state)).unwrap_or_default())
        }
        _ => HttpResponse::text(
            404,
            format!("no such endpoint; try GET /\n\n{}", index_text()),
        ),
    };
    Handled::respond(resp)
}

fn gateway_call(gw: &Arc<Gateway>, queue: &NotifyQueue, ep: Endpoint, body: &[u8]) -> Handled {
    let answer = gw.handle(ep, body);
    let resp = if answer.html {
        HttpResponse::html(answer.body)
    } else {
        HttpResponse::text(200, answer.body)
    };
    let (delay, reply) = match answer.transport {
        Transport::Normal => (None, Reply::Respond(resp)),
        Transport::Delay(ms) => (Some(Duration::from_millis(ms)), Reply::Respond(resp)),
        Transport::NoAnswer => (None, Reply::Hold(HOLD_MAX)),
        Transport::Drop => (None, Reply::Drop),
    };
    let queue = queue.clone();
    let notices = answer.notices;
    Handled {
        delay,
        reply,
        after: Some(Box::new(move || queue.push(notices))),
    }
}

fn index_text() -> String {
    "acp-sandbox: a local UnionPay ACP 5.1.0 gateway (test keys only)\n\
     POST /gateway/api/frontTransReq.do   front open 79/00, open-and-pay 01/01 (cardholder page)\n\
     POST /gateway/api/backTransReq.do    every back API\n\
     POST /gateway/api/queryTrans.do      status query 00/00\n\
     POST /gateway/api/appTransReq.do     95/00 only\n\
     POST /                               file transfer 76/01\n\
     GET  /_sandbox/trust                 root + middle PEM (custom trust profile)\n\
     GET|POST /_sandbox/clock             now=RFC3339 | advance=SECONDS\n\
     GET|POST /_sandbox/faults            add (card, txnType, orderId, action, ...) or clear=1\n\
     POST /_sandbox/keys                  rotate=enc2 | enc\n\
     GET  /_sandbox/notifications         notifications (body as posted) and their attempts (JSON)\n\
     POST /_sandbox/sink                  a backUrl that answers 200 (read what came via /_sandbox/notifications)\n\
     GET  /_sandbox/state                 the state (JSON)\n"
        .to_owned()
}

fn form(body: &[u8]) -> Result<unionpay_acp::Fields, HttpResponse> {
    unionpay_acp::form::parse_notify_body(body)
        .map_err(|e| HttpResponse::text(400, format!("{}\n", e.message())))
}

fn clock_json(gw: &Gateway) -> HttpResponse {
    let now = gw.clock.now();
    HttpResponse::json(
        json!({
            "now": now.to_rfc3339(),
            "unix": now.unix_seconds(),
            "beijing": now.to_txn_time(),
            "offsetSeconds": gw.clock.offset_seconds(),
            "clearingDate": crate::calendar::clearing_date(now, gw.rules.clearing_cutoff_minutes),
        })
        .to_string(),
    )
}

fn set_clock(gw: &Gateway, body: &[u8]) -> HttpResponse {
    let f = match form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Some(now) = f.get("now") {
        match Timestamp::parse_rfc3339(now) {
            Ok(t) => gw.clock.set_now(t),
            Err(e) => return HttpResponse::text(400, format!("{}\n", e.message())),
        }
    }
    if let Some(secs) = f.get("advance") {
        match secs.parse::<i64>() {
            Ok(s) => gw.clock.advance(s),
            Err(_) => return HttpResponse::text(400, "advance must be whole seconds\n"),
        }
    }
    clock_json(gw)
}

/// `POST /_sandbox/faults`: `clear=1`, or a rule: `action` = delay (ms) | no_answer |
/// drop (processed=true|false) | resp_code (code, truth=success|failure:XX|not_received,
/// revealAfter) | decline (code) | notify_fail (attempts) | notify_repeat (copies) |
/// bad_signature |
/// orig_code (code: what status queries show as origRespCode); filters `card`, `txnType`
/// (comma list), `orderId`; `times`.
fn faults(gw: &Gateway, body: &[u8]) -> HttpResponse {
    let f = match form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if f.get("clear").is_some() {
        lock(&gw.faults).clear();
        return HttpResponse::text(200, "cleared\n");
    }
    let num = |k: &str, d: u64| f.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(d);
    let processed = f.get("processed") != Some("false");
    let code = f.get("code").unwrap_or("03").to_owned();
    let action = match f.get("action").unwrap_or_default() {
        "delay" => FaultAction::Delay { ms: num("ms", 1000) },
        "no_answer" => FaultAction::NoAnswer { processed },
        "drop" => FaultAction::DropConnection { processed },
        "resp_code" => FaultAction::RespCode {
            code,
            truth: match f.get("truth").unwrap_or("success") {
                "success" => Truth::Success,
                "not_received" => Truth::NotReceived,
                other => match other.strip_prefix("failure:") {
                    Some(c) => Truth::Failure(c.to_owned()),
                    None => return HttpResponse::text(400, "truth: success | failure:XX | not_received\n"),
                },
            },
            reveal_after_secs: i64::try_from(num("revealAfter", 60)).unwrap_or(60),
        },
        "decline" => FaultAction::Decline { code },
        "notify_fail" => FaultAction::NotifyFail {
            attempts: u32::try_from(num("attempts", 1)).unwrap_or(1),
        },
        "orig_code" => FaultAction::OrigRespCode { code },
        "bad_signature" => FaultAction::BadSignature,
        "notify_repeat" => FaultAction::NotifyRepeat {
            copies: u32::try_from(num("copies", 1)).unwrap_or(1),
        },
        other => {
            return HttpResponse::text(
                400,
                format!("unknown action '{other}': delay | no_answer | drop | resp_code | decline | notify_fail | notify_repeat | bad_signature | orig_code\n"),
            )
        }
    };
    let rule = FaultRule {
        card: f.get("card").map(str::to_owned),
        txn_types: f
            .get("txnType")
            .map(|t| {
                t.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        order_id: f.get("orderId").map(str::to_owned),
        action,
        times: f.get("times").and_then(|t| t.parse().ok()),
    };
    let text = serde_json::to_string(&rule).unwrap_or_default();
    lock(&gw.faults).insert(0, rule);
    HttpResponse::json(text)
}

fn rotate(gw: &Gateway, body: &[u8]) -> HttpResponse {
    let f = match form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let index = match f.get("rotate") {
        Some("enc2") | Some("1") => 1,
        Some("enc") | Some("0") => 0,
        _ => return HttpResponse::text(400, "rotate=enc2 or rotate=enc\n"),
    };
    let mut st = lock(&gw.state);
    st.enc_index = index;
    if let Some(store) = &gw.store {
        store.save(&st);
    }
    HttpResponse::json(json!({ "encryptCertId": gw.current_enc(&st).cert_id() }).to_string())
}

fn notifications_json(queue: &NotifyQueue) -> HttpResponse {
    let list: Vec<Value> = queue
        .records()
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "url": r.url,
                "body": r.body,
                "delivered": r.delivered,
                "gaveUp": r.gave_up,
                "attempts": r.attempts.iter().map(|a| json!({
                    "afterMs": a.after_ms,
                    "outcome": format!("{:?}", a.outcome),
                })).collect::<Vec<_>>(),
                "fields": r.fields.iter().map(|(k, v)| (k.to_owned(), Value::from(v))).collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    HttpResponse::json(serde_json::to_string_pretty(&list).unwrap_or_default())
}
