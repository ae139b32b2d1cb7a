//! A merchant that talks to the sandbox only through the typed `Client` (build → POST
//! over 127.0.0.1 → `handle_response`), and outcome matchers. For `client_e2e`.
//!
//! The host owns the clock (the sandbox's movable clock, `Env::now`), the randomness
//! (getrandom) and the sockets (the sandbox's tiny HTTP client and server).

pub use super::*;

use acp_sandbox::http::ClientResponse;
use acp_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use std::time::{Duration, Instant};
use unionpay_acp::card::CustomerInfo;
use unionpay_acp::client::{
    ApplyTokenParams, BackOpenParams, ConsumeParams, Endpoints, KeyUpdate, KeyUpdateQueryParams,
    Notification, Order, Payer, PendingReason, Response, SmsParams, SmsPurpose, FORM_CONTENT_TYPE,
};
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber};
use unionpay_acp::{
    Client, ClientConfig, Credentials, CustomTrust, Environment, Outcome, OutgoingRequest,
    Timestamp, TrustProfile,
};

/// A sandbox test card and what its holder knows.
#[derive(Clone, Copy, Debug)]
pub struct Card {
    pub pan: &'static str,
    pub phone: &'static str,
    /// Credit cards: (cvn2, expiry YYMM).
    pub credit: Option<(&'static str, &'static str)>,
    /// Debit cards: (name, ID number).
    pub holder: Option<(&'static str, &'static str)>,
}

/// Spec §12.3 debit card (PIN 123456).
pub const DEBIT: Card = debit(
    "6216261000000000018",
    "13552535506",
    "全渠道",
    "341126197709218366",
);
/// Second debit card.
pub const DEBIT2: Card = debit("6226090000000048", "18100000000", "张三", "510265790128303");
/// Spec §12.3 credit card.
pub const CREDIT: Card = Card {
    pan: "6221558812340000",
    phone: "13552535506",
    credit: Some(("123", "2311")),
    holder: None,
};
/// Second credit card.
pub const CREDIT2: Card = Card {
    pan: "6226388000000095",
    phone: "18100000000",
    credit: Some(("248", "1912")),
    holder: None,
};

/// A fault card (same holder data as `DEBIT`).
pub const fn fault_card(pan: &'static str) -> Card {
    debit(pan, "13552535506", "全渠道", "341126197709218366")
}

const fn debit(
    pan: &'static str,
    phone: &'static str,
    name: &'static str,
    id: &'static str,
) -> Card {
    Card {
        pan,
        phone,
        credit: None,
        holder: Some((name, id)),
    }
}

impl Card {
    pub fn pan(&self) -> Pan {
        Pan::new(self.pan).unwrap()
    }

    pub fn phone_only(&self) -> CustomerInfo {
        CustomerInfo {
            phone_no: Some(PhoneNumber::new(self.phone).unwrap()),
            ..CustomerInfo::default()
        }
    }

    /// What a back open (79/00) or token update (79/03) needs for this card, with the
    /// SMS code.
    pub fn open_info(&self) -> CustomerInfo {
        let mut info = self.phone_only();
        if let Some((cvn2, expired)) = self.credit {
            info.cvn2 = Some(Cvn2::new(cvn2).unwrap());
            info.expired = Some(CardExpiry::new(expired).unwrap());
        }
        if let Some((name, id)) = self.holder {
            info.certif_tp = Some("01".into());
            info.certif_id = Some(id.into());
            info.customer_nm = Some(name.into());
        }
        info.sms_code = Some(SMS_CODE.into());
        info
    }

    /// The last four digits (what an open answer's accNo decrypts to).
    pub fn last4(&self) -> &'static str {
        &self.pan[self.pan.len() - 4..]
    }
}

/// `{smsCode=…}` only: what a token payment carries after its SMS.
pub fn sms_only() -> CustomerInfo {
    CustomerInfo {
        sms_code: Some(SMS_CODE.into()),
        ..CustomerInfo::default()
    }
}

/// A sandbox, one merchant client talking to it, and the merchant's receiver.
pub struct Env {
    pub sb: SandboxHandle,
    pub client: Client,
    pub inbox: Inbox,
}

impl Env {
    /// A sandbox and a client that fetched the encryption certificate with 95.
    pub fn start() -> Env {
        Env::with(sandbox_config(), 0)
    }

    /// As [`Env::start`], with a sandbox config and a receiver whose first `fail_first`
    /// answers are HTTP 500.
    pub fn with(config: SandboxConfig, fail_first: usize) -> Env {
        let mut env = Env::bare_with(config, fail_first);
        let req = env
            .client
            .build_key_update_query(
                &KeyUpdateQueryParams {
                    order_id: order_id(),
                },
                env.now(),
                &mut os_rng,
            )
            .unwrap();
        let body = env.send(&req);
        match env
            .client
            .handle_key_update(&req, &body, env.now())
            .unwrap()
        {
            KeyUpdate::Replaced { pem, .. } => {
                env.client = env.client.with_encryption_cert_pem(pem.as_bytes()).unwrap();
            }
            other => panic!("a client without certificate must get Replaced, got {other:?}"),
        }
        env
    }

    /// A sandbox and a client without encryption certificate.
    pub fn bare() -> Env {
        Env::bare_with(sandbox_config(), 0)
    }

    fn bare_with(config: SandboxConfig, fail_first: usize) -> Env {
        let sb = Sandbox::start(config).expect("the sandbox starts");
        let inbox = Inbox::start(fail_first);
        let client = Client::new(client_config(&sb, Credentials::Rsa(merchant_key()))).unwrap();
        Env { sb, client, inbox }
    }

    /// Another client on the same sandbox (same encryption certificate), its config
    /// adjusted by `adjust`.
    pub fn client_with(&self, adjust: impl FnOnce(&mut ClientConfig)) -> Client {
        let mut config = self.client.config().clone();
        adjust(&mut config);
        Client::new(config).unwrap()
    }

    /// The sandbox's business clock: the `now` of every client call.
    pub fn now(&self) -> Timestamp {
        self.sb.now()
    }

    pub fn back_url(&self) -> String {
        self.inbox.url("/notify")
    }

    pub fn front_url(&self) -> String {
        self.inbox.url("/front")
    }

    /// POSTs the request like a merchant host; any HTTP failure is a test failure.
    pub fn send(&self, req: &OutgoingRequest) -> Vec<u8> {
        let r = self
            .try_send(req, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("POST {} failed: {e}", req.url));
        assert_eq!(
            r.status,
            200,
            "HTTP {} from {}: {}",
            r.status,
            req.url,
            r.text()
        );
        r.body
    }

    /// POSTs with the host's own timeout; an error means no (complete) answer.
    pub fn try_send(
        &self,
        req: &OutgoingRequest,
        timeout: Duration,
    ) -> std::io::Result<ClientResponse> {
        http::post(&req.url, FORM_CONTENT_TYPE, req.body.as_bytes(), timeout)
    }

    /// Sends and classifies with the main client.
    pub fn call(&self, req: &OutgoingRequest) -> Outcome {
        self.call_with(&self.client, req)
    }

    /// Sends and classifies with `client`.
    pub fn call_with(&self, client: &Client, req: &OutgoingRequest) -> Outcome {
        self.call_at(client, req, self.now())
    }

    /// Sends and classifies with `client`, handing the answer with `now`.
    pub fn call_at(&self, client: &Client, req: &OutgoingRequest, now: Timestamp) -> Outcome {
        let body = self.send(req);
        client.handle_response(req, &body, now).unwrap_or_else(|e| {
            panic!(
                "handle_response({}) failed: {e} [{:?}]; body: {}",
                req.api.name(),
                e.code(),
                String::from_utf8_lossy(&body)
            )
        })
    }

    /// 77/00 then 79/00 at the back end (merchant-side open); returns the token.
    pub fn open_token(&self, card: Card) -> String {
        self.open_token_with(&self.client, card)
    }

    pub fn open_token_with(&self, client: &Client, card: Card) -> String {
        let sms = client
            .build_sms(
                &SmsParams {
                    order_id: order_id(),
                    purpose: SmsPurpose::Open { acc_no: card.pan() },
                    customer_info: card.phone_only(),
                    req_reserved: None,
                },
                self.now(),
                &mut os_rng,
            )
            .unwrap();
        expect_success(&self.call_with(client, &sms));
        let open = client
            .build_back_open(
                &BackOpenParams {
                    order: Order::AfterSms(sms.sms_pairing().unwrap()),
                    acc_no: card.pan(),
                    customer_info: card.open_info(),
                    req_reserved: None,
                },
                self.now(),
                &mut os_rng,
            )
            .unwrap();
        let outcome = self.call_with(client, &open);
        token_of(expect_success(&outcome))
    }

    /// 77/02 then 01/01 with the token; returns the consume request, its outcome and the
    /// `now` it was built and handled with.
    pub fn pay(&self, token: &str, amount: u64) -> (OutgoingRequest, Outcome, Timestamp) {
        self.pay_with(&self.client, token, amount)
    }

    pub fn pay_with(
        &self,
        client: &Client,
        token: &str,
        amount: u64,
    ) -> (OutgoingRequest, Outcome, Timestamp) {
        let pay = self.consume_request_with(client, token, amount);
        let now = self.now();
        let outcome = self.call_at(client, &pay, now);
        (pay, outcome, now)
    }

    /// 77/02 (sent, must succeed) then the 01/01 request that uses its code (not sent).
    pub fn consume_request(&self, token: &str, amount: u64) -> OutgoingRequest {
        self.consume_request_with(&self.client, token, amount)
    }

    pub fn consume_request_with(
        &self,
        client: &Client,
        token: &str,
        amount: u64,
    ) -> OutgoingRequest {
        let sms = self.sms_consume_request_with(client, token, amount);
        expect_success(&self.call_with(client, &sms));
        client
            .build_consume(
                &ConsumeParams {
                    order: Order::AfterSms(sms.sms_pairing().unwrap()),
                    txn_amt: amount,
                    payer: Payer::Token(token.to_owned()),
                    back_url: self.back_url(),
                    customer_info: sms_only(),
                    req_reserved: None,
                },
                self.now(),
                &mut os_rng,
            )
            .unwrap()
    }

    /// A consume SMS (77/02) for `token` that the sandbox accepts.
    pub fn sms_consume(&self, token: &str, amount: u64) -> OutgoingRequest {
        let sms = self.sms_consume_request(token, amount);
        expect_success(&self.call(&sms));
        sms
    }

    pub fn sms_consume_request(&self, token: &str, amount: u64) -> OutgoingRequest {
        self.sms_consume_request_with(&self.client, token, amount)
    }

    pub fn sms_consume_request_with(
        &self,
        client: &Client,
        token: &str,
        amount: u64,
    ) -> OutgoingRequest {
        client
            .build_sms(
                &SmsParams {
                    order_id: order_id(),
                    purpose: SmsPurpose::Consume {
                        payer: Payer::Token(token.to_owned()),
                        txn_amt: amount,
                    },
                    customer_info: CustomerInfo::default(),
                    req_reserved: None,
                },
                self.now(),
                &mut os_rng,
            )
            .unwrap()
    }

    /// A paid consume: accepted, then notified (verified, matching, success).
    pub fn paid(&self, token: &str, amount: u64) -> (OutgoingRequest, Notification) {
        let (pay, outcome, _) = self.pay(token, amount);
        expect_accepted(&outcome);
        let note = self.notification_for(&pay);
        assert!(note.success, "{note:?}");
        (pay, note)
    }

    /// The status query of an earlier request (`attempt` from 1).
    pub fn query(&self, req: &OutgoingRequest, attempt: u32) -> Outcome {
        self.query_at(req, attempt, self.now())
    }

    /// The status query of `client`.
    pub fn query_with(&self, client: &Client, req: &OutgoingRequest, attempt: u32) -> Outcome {
        let now = self.now();
        let q = client
            .build_query_for(req, attempt, now, &mut os_rng)
            .unwrap();
        self.call_at(client, &q, now)
    }

    /// The status query, built and handled with `now`.
    pub fn query_at(&self, req: &OutgoingRequest, attempt: u32, now: Timestamp) -> Outcome {
        let q = self
            .client
            .build_query_for(req, attempt, now, &mut os_rng)
            .unwrap();
        self.call_at(&self.client, &q, now)
    }

    /// 79/05 for an open-and-pay order.
    pub fn apply_token(&self, open_and_pay: &OutgoingRequest) -> Outcome {
        let req = self
            .client
            .build_apply_token(
                &ApplyTokenParams {
                    orig_order_id: open_and_pay.order_id.clone().unwrap(),
                    orig_txn_time: open_and_pay.txn_time.clone(),
                    req_reserved: None,
                },
                self.now(),
                &mut os_rng,
            )
            .unwrap();
        self.call(&req)
    }

    /// Waits (at most 10 s) for the back notification of `req`: every body posted to
    /// backUrl must verify with `verify_notification`; the first that `matches(req)` is
    /// returned.
    pub fn notification_for(&self, req: &OutgoingRequest) -> Notification {
        self.notification_for_with(&self.client, req)
    }

    pub fn notification_for_with(&self, client: &Client, req: &OutgoingRequest) -> Notification {
        self.try_notification_for(client, req, Duration::from_secs(10))
            .unwrap_or_else(|| {
                panic!(
                    "no back notification for {} orderId {:?} within 10 s; received {} bodies; sandbox records: {:#?}",
                    req.api.name(),
                    req.order_id,
                    self.inbox.hits().len(),
                    self.sb.notifications_sent().iter().map(|r| (&r.url, r.get("orderId").map(str::to_owned), &r.attempts)).collect::<Vec<_>>()
                )
            })
    }

    pub fn try_notification_for(
        &self,
        client: &Client,
        req: &OutgoingRequest,
        timeout: Duration,
    ) -> Option<Notification> {
        let start = Instant::now();
        loop {
            for hit in self.inbox.hits().iter().filter(|h| h.path == "/notify") {
                let n = client
                    .verify_notification(&hit.body, self.now())
                    .unwrap_or_else(|e| panic!("a back notification does not verify: {e}"));
                if n.matches(req) {
                    return Some(n);
                }
            }
            if start.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asserts that no back notification for `req` arrives within `wait`.
    pub fn assert_no_notification_for(&self, req: &OutgoingRequest, wait: Duration) {
        if let Some(n) = self.try_notification_for(&self.client, req, wait) {
            panic!("unexpected notification: {n:?}");
        }
    }

    /// The browser: loads the request's auto-submit page and posts its form to its action.
    /// Returns the page the sandbox answers (the cardholder page).
    pub fn browser_submit(&self, req: &OutgoingRequest) -> String {
        let page = req
            .html
            .as_deref()
            .expect("a front request carries its page");
        let form = HtmlForm::parse(page).expect("the page has a form");
        assert_eq!(form.action, self.client.endpoints().front);
        let r = browser_post(&form.action, &form.inputs);
        assert_eq!(r.status, 200, "{}", r.text());
        r.text()
    }

    /// The cardholder fills in and confirms the sandbox page; returns the page the sandbox
    /// answers (the auto-submit page to frontUrl, or an error / redirect page).
    pub fn cardholder_confirms(&self, cashier_page: &str, entries: &[(&str, &str)]) -> String {
        let session = meta_content(cashier_page, "acp-session").expect("a cashier page");
        let form = HtmlForm::parse(cashier_page).expect("the cashier form");
        assert_eq!(form.get("session"), Some(session.as_str()));
        assert_eq!(form.action, acp_sandbox::CONFIRM_PATH);
        // The page's fields with what the cardholder typed over them, then the button.
        let mut inputs = form.inputs.clone();
        for (k, v) in entries {
            match inputs.iter_mut().find(|(name, _)| name == k) {
                Some(slot) => slot.1 = (*v).to_owned(),
                None => inputs.push(((*k).to_owned(), (*v).to_owned())),
            }
        }
        inputs.push(("action".to_owned(), "confirm".to_owned()));
        let url = format!("{}{}", self.sb.base_url(), form.action);
        let r = browser_post(&url, &inputs);
        assert_eq!(r.status, 200, "{}", r.text());
        r.text()
    }

    /// The browser follows the auto-submit page back to frontUrl; returns the body the
    /// merchant's frontUrl received.
    pub fn browser_returns(&self, page: &str) -> Vec<u8> {
        let form = HtmlForm::parse(page).expect("an auto-submit page");
        assert_eq!(form.action, self.front_url());
        let before = self.inbox.hits().len();
        let r = browser_post(&form.action, &form.inputs);
        assert_eq!(r.status, 200);
        let hits = self.inbox.hits();
        let hit = hits
            .get(before..)
            .and_then(|h| h.iter().find(|h| h.path == "/front"))
            .expect("frontUrl received the post");
        hit.body.clone()
    }
}

/// The client configuration for `sb`: custom trust (the sandbox CA) and custom endpoints.
pub fn client_config(sb: &SandboxHandle, credentials: Credentials) -> ClientConfig {
    let (root, middle) = sb.trust_pem();
    let trust = CustomTrust::from_pem(&[root.as_bytes()], &[middle.as_bytes()]).unwrap();
    ClientConfig::new(
        MER_ID,
        credentials,
        Environment::Custom(Endpoints::for_base_url(&sb.base_url()).unwrap()),
        TrustProfile::Custom(trust),
    )
}

// ---- outcome matchers (each panics with the whole outcome when it does not match) ----

pub fn expect_success(o: &Outcome) -> &Response {
    match o {
        Outcome::Success(r) => r,
        other => panic!("expected success, got {other:?}"),
    }
}

/// Accepted: returns the response and `query_at`.
pub fn expect_accepted(o: &Outcome) -> (&Response, Timestamp) {
    match o {
        Outcome::Accepted { response, query_at } => (response, *query_at),
        other => panic!("expected accepted, got {other:?}"),
    }
}

/// Failed: returns (respCode, respMsg).
pub fn expect_failed(o: &Outcome) -> (String, String) {
    match o {
        Outcome::Failed {
            resp_code,
            resp_msg,
            ..
        } => (resp_code.clone(), resp_msg.clone()),
        other => panic!("expected failed, got {other:?}"),
    }
}

/// Pending: returns (reason, query_at).
pub fn expect_pending(o: &Outcome) -> (PendingReason, Option<Timestamp>) {
    match o {
        Outcome::Pending {
            reason, query_at, ..
        } => (*reason, *query_at),
        other => panic!("expected pending, got {other:?}"),
    }
}

/// The token of an open answer.
pub fn token_of(r: &Response) -> String {
    r.token_pay_data()
        .unwrap()
        .and_then(|t| t.token)
        .unwrap_or_else(|| panic!("no token in {r:?}"))
}
