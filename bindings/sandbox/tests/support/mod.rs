//! What every sandbox test shares: the test merchant, the host's randomness and order
//! ids, Beijing time, the merchant's loopback receiver (backUrl / frontUrl) and a browser
//! stand-in for the front forms. Two merchants build on it: [`raw`] signs and posts field
//! maps with the core's building blocks (the sandbox's protocol tests), [`typed`] talks
//! only through the typed `Client` (the product API end-to-end tests).
#![allow(dead_code)]
#![allow(clippy::disallowed_methods)] // the tests are hosts: sockets, sleeps, real time

pub mod raw;
pub mod typed;

use acp_sandbox::http::{self, ClientResponse, Handled, Handler, HttpResponse, HttpServer, Limits};
use acp_sandbox::{SandboxConfig, MERCHANT_PFX, MERCHANT_PFX_PASSWORD};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use unionpay_acp::crypto::default_backend;
use unionpay_acp::{Error, ErrorCode, MerchantKey, Timestamp};

/// The test merchant (spec §12.1).
pub const MER_ID: &str = "777290058110097";
/// The test token requestor id.
pub const TR_ID: &str = "62000000001";
/// Any SMS code but 123456 / 654321 passes in the sandbox.
pub const SMS_CODE: &str = "111111";

/// The host's randomness.
pub fn os_rng(dest: &mut [u8]) -> unionpay_acp::Result<()> {
    getrandom::fill(dest)
        .map_err(|e| Error::new(ErrorCode::RandomFailed, format!("getrandom: {e}")))
}

static ORDER: AtomicU64 = AtomicU64::new(1);

/// A fresh orderId (letters and digits, unique in the process).
pub fn order_id() -> String {
    format!(
        "E2E{}{:06}",
        std::process::id(),
        ORDER.fetch_add(1, Ordering::SeqCst)
    )
}

/// The sandbox configuration: notification retries compressed (0, 50, 100, 200 ms).
pub fn sandbox_config() -> SandboxConfig {
    SandboxConfig {
        notify_speed: 1200.0,
        ..SandboxConfig::default()
    }
}

/// The sandbox merchant key (certId 7000000000031).
pub fn merchant_key() -> MerchantKey {
    MerchantKey::from_pkcs12(
        MERCHANT_PFX,
        MERCHANT_PFX_PASSWORD,
        default_backend().as_ref(),
    )
    .expect("the sandbox merchant PFX loads")
}

/// MMDD of `t` (Beijing).
pub fn mmdd(t: Timestamp) -> String {
    t.to_txn_time()[4..8].to_owned()
}

/// Beijing wall time → Timestamp.
pub fn bj(text: &str) -> Timestamp {
    Timestamp::parse_txn_time(text).unwrap()
}

// ---- the merchant's receiver (backUrl and frontUrl) ----

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Hit {
    pub path: String,
    pub body: Vec<u8>,
    /// The HTTP status it answered.
    pub status: u16,
}

/// The merchant's HTTP endpoint on 127.0.0.1: records every request; the first
/// `fail_first` are answered HTTP 500.
pub struct Inbox {
    server: HttpServer,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Inbox {
    pub fn start(fail_first: usize) -> Inbox {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let count = Arc::new(AtomicUsize::new(0));
        let handler: Handler = {
            let hits = hits.clone();
            Arc::new(move |req| {
                let n = count.fetch_add(1, Ordering::SeqCst);
                let status = if n < fail_first { 500 } else { 200 };
                hits.lock().unwrap().push(Hit {
                    path: req.path,
                    body: req.body,
                    status,
                });
                Handled::respond(HttpResponse::text(
                    status,
                    if status == 200 { "ok" } else { "busy" },
                ))
            })
        };
        let server = HttpServer::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Limits::default(),
            handler,
        )
        .expect("the receiver listens");
        Inbox { server, hits }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.local_addr())
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

// ---- the browser stand-in ----

/// The first `<form>` of a page: its action and its inputs in document order, unescaped.
pub struct HtmlForm {
    pub action: String,
    pub inputs: Vec<(String, String)>,
}

impl HtmlForm {
    /// Parses the first form and the named `<input>`s inside it (hidden or not; the
    /// cardholder page's visible inputs come back with their pre-filled values).
    pub fn parse(page: &str) -> Option<HtmlForm> {
        let start = page.find("<form")?;
        let end = page[start..]
            .find("</form>")
            .map_or(page.len(), |e| start + e);
        let form = &page[start..end];
        let head_end = form.find('>')?;
        let action = attr(&form[..head_end], "action")?;
        let mut inputs = Vec::new();
        let mut rest = &form[head_end..];
        while let Some(i) = rest.find("<input") {
            let tag_end = rest[i..].find('>').map(|e| i + e)?;
            let tag = &rest[i..tag_end];
            if let (Some(name), value) = (attr(tag, "name"), attr(tag, "value")) {
                inputs.push((name, value.unwrap_or_default()));
            }
            rest = &rest[tag_end..];
        }
        Some(HtmlForm { action, inputs })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.inputs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The content of `<meta name="…" content="…">`.
pub fn meta_content(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("<meta name=\"{name}\""))?;
    let end = page[at..].find('>')? + at;
    attr(&page[at..end], "content")
}

/// `name="value"` inside a tag, HTML-unescaped (the attribute must be preceded by a space).
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Posts a form the way a browser does: fields in document order, UTF-8,
/// `application/x-www-form-urlencoded` (space as `+`).
pub fn browser_post(url: &str, inputs: &[(String, String)]) -> ClientResponse {
    let body = inputs
        .iter()
        .map(|(k, v)| format!("{}={}", form_escape(k), form_escape(v)))
        .collect::<Vec<_>>()
        .join("&");
    http::post(
        url,
        "application/x-www-form-urlencoded",
        body.as_bytes(),
        Duration::from_secs(10),
    )
    .unwrap_or_else(|e| panic!("browser POST {url}: {e}"))
}

fn form_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Inbox {
    /// The backUrl.
    pub fn notify_url(&self) -> String {
        self.url("/notify")
    }

    /// The bodies answered 200, in arrival order.
    pub fn received(&self) -> Vec<Vec<u8>> {
        self.hits()
            .into_iter()
            .filter(|h| h.status == 200)
            .map(|h| h.body)
            .collect()
    }

    /// Waits (bounded) until `n` bodies were answered 200.
    pub fn wait(&self, n: usize) -> Vec<Vec<u8>> {
        for _ in 0..400 {
            if self.received().len() >= n {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.received()
    }
}
