//! Test helper: a tiny merchant built on the core (sign with the sandbox merchant PFX,
//! encrypt card data to the sandbox encryption certificate, verify every answer with the
//! custom trust profile) and a tiny backUrl receiver.
#![allow(dead_code)]

use acp_sandbox::http::{self, Handled, Handler, HttpResponse, HttpServer, Limits};
use acp_sandbox::{Endpoint, NotificationRecord, Sandbox, SandboxConfig, SandboxHandle};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use unionpay_acp::card::{self, CustomerInfo, CustomerInfoMode};
use unionpay_acp::crypto::default_backend;
use unionpay_acp::form::encode_form;
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber, Pin};
use unionpay_acp::{
    sign_fields, Credentials, CustomTrust, EncryptionCert, Fields, MerchantKey, Timestamp,
    TrustProfile, Verifier,
};

pub const MER_ID: &str = "777290058110097";
pub const TR_ID: &str = "62000000001";
pub const DEBIT: &str = "6216261000000000018";
pub const DEBIT_PHONE: &str = "13552535506";
pub const CREDIT: &str = "6221558812340000";
pub const SMS: &str = "111111";

static ORDER: AtomicU64 = AtomicU64::new(1);

/// A sandbox plus a merchant talking to it.
pub struct Env {
    pub sb: SandboxHandle,
    pub key: MerchantKey,
    pub enc: EncryptionCert,
    pub verifier: Verifier,
}

/// The config tests use: fast notification schedule (0, 1, 2, 4 min → 0, 50, 100, 200 ms).
pub fn config() -> SandboxConfig {
    SandboxConfig {
        notify_speed: 1200.0,
        ..SandboxConfig::default()
    }
}

impl Env {
    pub fn start() -> Env {
        Env::with(config())
    }

    pub fn with(config: SandboxConfig) -> Env {
        let sb = Sandbox::start(config).expect("sandbox starts");
        let backend = default_backend();
        let key = acp_sandbox::sandbox_merchant_key(backend.as_ref()).expect("merchant key");
        let enc =
            EncryptionCert::parse(include_bytes!("../../../../tests/fixtures/sandbox/enc.pem"))
                .expect("enc cert");
        let (root, middle) = sb.trust_pem();
        let trust = CustomTrust::from_pem(&[root.as_bytes()], &[middle.as_bytes()]).expect("trust");
        let verifier = Verifier::new(TrustProfile::Custom(trust), backend).expect("verifier");
        Env {
            sb,
            key,
            enc,
            verifier,
        }
    }

    /// The sandbox's now as txnTime.
    pub fn now(&self) -> String {
        self.sb.now().to_txn_time()
    }

    /// A common request header with a new orderId and txnTime = sandbox now.
    pub fn header(&self, txn_type: &str, sub: &str, biz: &str) -> Fields {
        let mut f = Fields::new();
        f.set("version", "5.1.0")
            .set("encoding", "UTF-8")
            .set("txnType", txn_type)
            .set("txnSubType", sub)
            .set("bizType", biz)
            .set("channelType", "07")
            .set("accessType", "0")
            .set("merId", MER_ID)
            .set("orderId", new_order_id())
            .set("txnTime", self.now());
        f
    }

    /// Signs with the sandbox merchant key, posts, and returns the raw HTTP answer.
    pub fn post_raw(&self, ep: Endpoint, mut fields: Fields) -> http::ClientResponse {
        sign_fields(&mut fields, &Credentials::Rsa(self.key.clone())).expect("sign");
        self.post_body(ep, encode_form(&fields).as_bytes())
    }

    pub fn post_body(&self, ep: Endpoint, body: &[u8]) -> http::ClientResponse {
        http::post(
            &self.sb.url(ep),
            "application/x-www-form-urlencoded;charset=UTF-8",
            body,
            Duration::from_secs(10),
        )
        .expect("an HTTP answer")
    }

    /// Signs, posts, verifies the signed answer and returns its fields.
    pub fn post(&self, ep: Endpoint, fields: Fields) -> Fields {
        let r = self.post_raw(ep, fields);
        assert_eq!(r.status, 200, "{}", r.text());
        self.verify_sync(&r.body)
    }

    pub fn verify_sync(&self, body: &[u8]) -> Fields {
        self.verifier
            .verify_sync_body(body, self.sb.now())
            .unwrap_or_else(|e| {
                panic!(
                    "answer does not verify: {e}: {}",
                    String::from_utf8_lossy(body)
                )
            })
    }

    pub fn back(&self, fields: Fields) -> Fields {
        self.post(Endpoint::Back, fields)
    }

    pub fn enc_pan(&self, pan: &str) -> String {
        card::encrypt_pan(&self.enc, &Pan::new(pan).unwrap(), &mut os_rng).unwrap()
    }

    pub fn customer(&self, info: CustomerInfo, pan: Option<&str>) -> String {
        let pan = pan.map(|p| Pan::new(p).unwrap());
        info.build(
            CustomerInfoMode::Encrypted,
            Some(&self.enc),
            pan.as_ref(),
            &mut os_rng,
        )
        .unwrap()
    }

    /// Sends the open SMS then opens `pan` at the back end; returns the token.
    pub fn back_open(&self, pan: &str, credit: bool) -> String {
        let mut sms = self.header("77", "00", "000902");
        sms.set("accNo", self.enc_pan(pan))
            .set("encryptCertId", self.enc.cert_id())
            .set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"))
            .set("customerInfo", self.customer(phone_only(pan), None));
        let r = self.back(sms.clone());
        assert_eq!(
            r.get("respCode"),
            Some("00"),
            "{r:?} {:?}",
            r.get("respMsg")
        );
        let mut open = sms;
        open.set("txnType", "79").set("txnSubType", "00");
        let info = if credit {
            CustomerInfo {
                phone_no: Some(PhoneNumber::new(DEBIT_PHONE).unwrap()),
                cvn2: Some(Cvn2::new("123").unwrap()),
                expired: Some(CardExpiry::new("2311").unwrap()),
                sms_code: Some(SMS.into()),
                ..Default::default()
            }
        } else {
            CustomerInfo {
                sms_code: Some(SMS.into()),
                ..debit_holder()
            }
        };
        open.set("customerInfo", self.customer(info, None));
        let r = self.back(open);
        assert_eq!(r.get("respCode"), Some("00"), "{:?}", r.get("respMsg"));
        token_of(&r)
    }

    /// A consume SMS (77/02) then the token consume (01/01); returns (sync answer, request).
    pub fn consume(&self, token: &str, amount: u64, back_url: &str) -> (Fields, Fields) {
        let mut sms = self.header("77", "02", "000902");
        sms.set("txnAmt", amount.to_string())
            .set("currencyCode", "156")
            .set("tokenPayData", format!("{{token={token}&trId={TR_ID}}}"));
        let r = self.back(sms.clone());
        assert_eq!(r.get("respCode"), Some("00"), "{:?}", r.get("respMsg"));
        let mut pay = sms;
        pay.set("txnType", "01")
            .set("txnSubType", "01")
            .set("backUrl", back_url)
            .set("customerInfo", sms_only(SMS));
        let r = self.back(pay.clone());
        (r, pay)
    }

    /// A follow-up (31/04/03/32/33) of `orig_query_id`.
    pub fn follow_up(
        &self,
        txn_type: &str,
        orig_query_id: &str,
        amount: u64,
        back_url: &str,
    ) -> Fields {
        let mut f = self.header(txn_type, "00", "000902");
        f.set("origQryId", orig_query_id)
            .set("txnAmt", amount.to_string())
            .set("backUrl", back_url);
        self.back(f)
    }

    /// Status query 00/00 of (orderId, txnTime).
    pub fn query(&self, order_id: &str, txn_time: &str) -> Fields {
        let mut f = self.header("00", "00", "000000");
        f.remove("channelType");
        f.set("orderId", order_id).set("txnTime", txn_time);
        self.post(Endpoint::Query, f)
    }

    /// Waits until `n` notifications are delivered or given up on.
    pub fn wait_settled(&self, n: usize) -> Vec<NotificationRecord> {
        self.sb.wait_notifications(Duration::from_secs(8), |l| {
            l.len() >= n && l.iter().all(|r| r.delivered || r.gave_up)
        })
    }

    /// Verifies a notification body the way a merchant would.
    pub fn verify_notify(&self, body: &[u8]) -> Fields {
        self.verifier
            .verify_notify_body(body, self.sb.now())
            .unwrap_or_else(|e| panic!("notification does not verify: {e}"))
    }
}

pub fn new_order_id() -> String {
    format!(
        "T{}{:06}",
        std::process::id(),
        ORDER.fetch_add(1, Ordering::SeqCst)
    )
}

pub fn os_rng(dest: &mut [u8]) -> unionpay_acp::Result<()> {
    getrandom::fill(dest)
        .map_err(|e| unionpay_acp::Error::new(unionpay_acp::ErrorCode::RandomFailed, e.to_string()))
}

pub fn phone_only(pan: &str) -> CustomerInfo {
    let phone = if pan.starts_with("622609") || pan.starts_with("622638") {
        "18100000000"
    } else {
        DEBIT_PHONE
    };
    CustomerInfo {
        phone_no: Some(PhoneNumber::new(phone).unwrap()),
        ..Default::default()
    }
}

pub fn debit_holder() -> CustomerInfo {
    CustomerInfo {
        certif_tp: Some("01".into()),
        certif_id: Some("341126197709218366".into()),
        customer_nm: Some("全渠道".into()),
        phone_no: Some(PhoneNumber::new(DEBIT_PHONE).unwrap()),
        ..Default::default()
    }
}

pub fn with_pin(pin: &str) -> CustomerInfo {
    CustomerInfo {
        pin: Some(Pin::new(pin).unwrap()),
        ..debit_holder()
    }
}

/// `base64({smsCode=…})` (old and new rule agree).
pub fn sms_only(code: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{{smsCode={code}}}"))
}

pub fn token_of(r: &Fields) -> String {
    let tpd = r.get("tokenPayData").expect("tokenPayData");
    let pairs = unionpay_acp::form::parse_nested(tpd).unwrap();
    unionpay_acp::form::nested_get(&pairs, "token")
        .unwrap()
        .to_owned()
}

pub fn nested(r: &Fields, field: &str, key: &str) -> Option<String> {
    let pairs = unionpay_acp::form::parse_nested(r.get(field)?).ok()?;
    unionpay_acp::form::nested_get(&pairs, key).map(str::to_owned)
}

pub fn code(r: &Fields) -> &str {
    r.get("respCode").unwrap_or_default()
}

/// A backUrl receiver on 127.0.0.1: records bodies; the first `fail_first` requests get
/// HTTP 500.
pub struct Receiver {
    server: HttpServer,
    pub bodies: Arc<Mutex<Vec<Vec<u8>>>>,
    pub hits: Arc<AtomicUsize>,
}

impl Receiver {
    pub fn start(fail_first: usize) -> Receiver {
        let bodies: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let hits = Arc::new(AtomicUsize::new(0));
        let handler: Handler = {
            let (bodies, hits) = (bodies.clone(), hits.clone());
            Arc::new(move |req| {
                let n = hits.fetch_add(1, Ordering::SeqCst);
                if n < fail_first {
                    return Handled::respond(HttpResponse::text(500, "try again"));
                }
                bodies.lock().unwrap().push(req.body);
                Handled::respond(HttpResponse::text(200, "ok"))
            })
        };
        let server = HttpServer::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Limits::default(),
            handler,
        )
        .unwrap();
        Receiver {
            server,
            bodies,
            hits,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/notify", self.server.local_addr())
    }

    pub fn received(&self) -> Vec<Vec<u8>> {
        self.bodies.lock().unwrap().clone()
    }

    /// Waits (bounded) until `n` bodies arrived.
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

/// Beijing wall time → Timestamp.
pub fn bj(text: &str) -> Timestamp {
    Timestamp::parse_txn_time(text).unwrap()
}

/// The hidden inputs of a page (the §9 auto-submit form), HTML-unescaped.
pub fn hidden_inputs(html: &str) -> Fields {
    let mut f = Fields::new();
    for part in html.split("<input type=\"hidden\" ").skip(1) {
        let attr = |name: &str| -> Option<String> {
            let start = part.find(&format!("{name}=\""))? + name.len() + 2;
            let end = part.get(start..)?.find('"')? + start;
            Some(unescape(part.get(start..end)?))
        };
        if let (Some(k), Some(v)) = (attr("name"), attr("value")) {
            f.insert_raw(k, v);
        }
    }
    f
}

/// The `action` of the page's first form.
pub fn form_action(html: &str) -> Option<String> {
    let start = html.find("action=\"")? + 8;
    let end = html.get(start..)?.find('"')? + start;
    Some(unescape(html.get(start..end)?))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The cardholder page's session id.
pub fn session_of(html: &str) -> String {
    let start = html
        .find("name=\"acp-session\" content=\"")
        .expect("a cashier page")
        + 28;
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

impl Env {
    /// Submits the cardholder page.
    pub fn confirm(&self, session: &str, entries: &[(&str, &str)]) -> http::ClientResponse {
        let mut f = Fields::new();
        f.set("session", session).set("action", "confirm");
        for (k, v) in entries {
            f.set(*k, *v);
        }
        http::post(
            &format!("{}{}", self.sb.base_url(), acp_sandbox::CONFIRM_PATH),
            "application/x-www-form-urlencoded",
            encode_form(&f).as_bytes(),
            Duration::from_secs(10),
        )
        .unwrap()
    }

    /// Posts a signed front request; returns the page.
    pub fn front(&self, mut fields: Fields) -> String {
        fields
            .set("frontUrl", "http://127.0.0.1:9/front")
            .set("payTimeout", self.sb.now().plus_seconds(900).to_txn_time());
        let r = self.post_raw(Endpoint::Front, fields);
        assert_eq!(r.status, 200);
        r.text()
    }

    /// Downloads the reconciliation file of `settle_date` (MMDD).
    pub fn file(&self, settle_date: &str) -> Fields {
        let mut f = self.header("76", "01", "000000");
        f.remove("orderId");
        f.remove("channelType");
        f.set("settleDate", settle_date).set("fileType", "00");
        self.post(Endpoint::File, f)
    }
}
