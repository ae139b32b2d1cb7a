//! The gateway pipeline: parse → authenticate (merchant signature) → header checks →
//! endpoint check → card data → fault → the API's state machine → signed answer.

use crate::codes::{self, Reject};
use crate::config::{FaultAction, FaultRule, Rules, TestCard, Truth, MONEY_TXN_TYPES};
pub use crate::ctx::Ctx;
use crate::material::GatewayKeys;
use crate::notify::Notice;
use crate::state::{State, Txn};
use crate::store::Store;
pub use crate::wire::{os_random, random_digits, random_hex, raw_body, response_header};
use crate::{apis, auth, clock::SandboxClock};
use std::sync::{Mutex, MutexGuard};
use unionpay_acp::form::parse_notify_body_limited;
use unionpay_acp::{card, EncryptionCert, Fields, Timestamp};

/// Largest request body the gateway parses.
pub const MAX_REQUEST: usize = 1024 * 1024;

/// The gateway paths (spec §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `/gateway/api/frontTransReq.do`
    Front,
    /// `/gateway/api/backTransReq.do`
    Back,
    /// `/gateway/api/queryTrans.do`
    Query,
    /// `/gateway/api/appTransReq.do`
    App,
    /// `/` (file download host root)
    File,
}

impl Endpoint {
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Front => "/gateway/api/frontTransReq.do",
            Endpoint::Back => "/gateway/api/backTransReq.do",
            Endpoint::Query => "/gateway/api/queryTrans.do",
            Endpoint::App => "/gateway/api/appTransReq.do",
            Endpoint::File => "/",
        }
    }

    pub fn from_path(path: &str) -> Option<Self> {
        [
            Endpoint::Front,
            Endpoint::Back,
            Endpoint::Query,
            Endpoint::App,
            Endpoint::File,
        ]
        .into_iter()
        .find(|e| e.path() == path)
    }
}

/// How the answer travels (transport faults).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Normal,
    Delay(u64),
    NoAnswer,
    Drop,
}

/// The gateway's answer to one request.
pub struct Answer {
    /// Raw `k=v&…` (back/query/file/app) or HTML (front).
    pub body: String,
    pub html: bool,
    pub transport: Transport,
    pub notices: Vec<Notice>,
}

/// Who signed the request.
#[derive(Clone, Debug)]
pub struct Auth {
    /// certId of the merchant certificate ("" for secure-key requests).
    pub cert_id: String,
    /// signMethod (01, 11, 12).
    pub method: String,
    /// The request's version: answers and notifications are signed the same way.
    pub version: unionpay_acp::Version,
}

/// The sandbox's gateway: configuration, keys, clock and state.
pub struct Gateway {
    pub rules: Rules,
    pub cards: Vec<TestCard>,
    pub lenient: bool,
    pub secure_key: Option<String>,
    pub keys: GatewayKeys,
    pub merchants: auth::MerchantCerts,
    pub clock: SandboxClock,
    pub state: Mutex<State>,
    pub faults: Mutex<Vec<FaultRule>>,
    pub store: Option<Store>,
}

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Gateway {
    pub fn card(&self, pan: &str) -> Option<&TestCard> {
        self.cards.iter().find(|c| c.pan == pan)
    }

    /// The current encryption key (what 95 returns).
    pub fn current_enc<'a>(&'a self, st: &State) -> &'a unionpay_acp::MerchantKey {
        self.keys
            .enc
            .get(st.enc_index)
            .or_else(|| self.keys.enc.first())
            .unwrap_or(&self.keys.sign)
    }

    /// Handles one gateway request.
    pub fn handle(&self, ep: Endpoint, body: &[u8]) -> Answer {
        let now = self.clock.now();
        // A trailing newline (e.g. `curl --data-binary @file`) is not part of the last value.
        let end = body
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let body = body.get(..end).unwrap_or_default();
        let fields = match parse_notify_body_limited(body, MAX_REQUEST) {
            Ok(f) => f,
            Err(e) => {
                let reject = codes::format_error(e.message());
                return self.reject_answer(ep, &Fields::new(), None, reject);
            }
        };
        let auth = match auth::authenticate(self, &fields) {
            Ok(a) => a,
            Err(r) => return self.reject_answer(ep, &fields, None, r),
        };
        if let Err(r) = apis::check_header(self, &fields, ep, now) {
            return self.reject_answer(ep, &fields, Some(&auth), r);
        }
        let mut st = lock(&self.state);
        let mut cx = match self.context(&st, &fields, auth.clone(), ep, now) {
            Ok(cx) => cx,
            Err(r) => return self.reject_answer(ep, &fields, Some(&auth), r),
        };
        // Faults act on the server-to-server paths; the cardholder page is never faulted.
        if ep != Endpoint::Front {
            cx.fault = self.take_fault(&st, &cx);
        }
        let transport = match &cx.fault {
            Some(FaultAction::Delay { ms }) => Transport::Delay(*ms),
            Some(FaultAction::NoAnswer { .. }) => Transport::NoAnswer,
            Some(FaultAction::DropConnection { .. }) => Transport::Drop,
            _ => Transport::Normal,
        };
        let unprocessed = match &cx.fault {
            Some(
                FaultAction::NoAnswer { processed } | FaultAction::DropConnection { processed },
            ) => !processed,
            Some(FaultAction::RespCode {
                code,
                truth: Truth::NotReceived,
                ..
            }) => return self.reject_answer(ep, &fields, Some(&auth), fault_reject(code)),
            Some(FaultAction::RespCode { code, .. } | FaultAction::Decline { code })
                if !MONEY_TXN_TYPES.contains(&cx.txn().0) =>
            {
                return self.reject_answer(ep, &fields, Some(&auth), fault_reject(code));
            }
            _ => false,
        };
        let mut resp = response_header(&fields);
        let result = if unprocessed {
            Ok(apis::Reply::Fields)
        } else {
            apis::dispatch(self, &mut st, &cx, &mut resp)
        };
        let notices = self.collect_due(&mut st, now);
        let ticket = self.store.as_ref().map(Store::changed);
        drop(st);
        // Nothing is answered before the change is on disk (group commit, see store.rs).
        if let (Some(store), Some(ticket)) = (&self.store, ticket) {
            store.wait_written(ticket);
        }
        match result {
            Ok(apis::Reply::Html(html)) => Answer {
                body: html,
                html: true,
                transport,
                notices,
            },
            Ok(apis::Reply::Fields) => {
                if resp.get("respCode").is_none() {
                    resp.set("respCode", "00");
                    resp.set("respMsg", codes::SUCCESS_MSG);
                }
                let mut body = self.signed_body(resp, &auth);
                if matches!(cx.fault, Some(FaultAction::BadSignature)) {
                    body = garble_signature(&body);
                }
                Answer {
                    body,
                    html: false,
                    transport,
                    notices,
                }
            }
            Err(r) => {
                let mut a = self.reject_answer(ep, &fields, Some(&auth), r);
                a.transport = transport;
                a.notices = notices;
                a
            }
        }
    }

    /// The card a request involves: accNo, token, original transaction.
    fn involved_card(&self, st: &State, cx: &Ctx) -> Option<String> {
        if let Some(p) = &cx.pan {
            return Some(p.clone());
        }
        if let Some(t) = cx.token_data.get("token").and_then(|t| st.token(t)) {
            return Some(t.card.clone());
        }
        let orig = match cx.get("origQryId") {
            Some(q) => st.find_by_query_id(cx.mer_id(), q),
            None => st.find_txn(cx.mer_id(), cx.order_id(), cx.txn_time()),
        };
        orig.and_then(|i| st.txns.get(i))
            .and_then(|t| t.card.clone())
    }

    fn take_fault(&self, st: &State, cx: &Ctx) -> Option<FaultAction> {
        let card = self.involved_card(st, cx);
        let mut faults = lock(&self.faults);
        let (txn_type, _) = cx.txn();
        let pos = faults.iter().position(|r| {
            r.times != Some(0)
                && (r.txn_types.is_empty() || r.txn_types.iter().any(|t| t == txn_type))
                && r.order_id.as_deref().is_none_or(|o| o == cx.order_id())
                && r.card.as_deref().is_none_or(|c| card.as_deref() == Some(c))
        })?;
        let rule = faults.get_mut(pos)?;
        if let Some(t) = rule.times.as_mut() {
            *t -= 1;
        }
        Some(rule.action.clone())
    }

    /// Books a transaction record built from the request.
    pub fn new_txn(&self, st: &mut State, cx: &Ctx, code: &str, msg: &str) -> Txn {
        let now = cx.now;
        Txn {
            mer_id: cx.mer_id().to_owned(),
            order_id: cx.order_id().to_owned(),
            txn_time: cx.txn_time().to_owned(),
            txn_type: cx.txn().0.to_owned(),
            txn_sub_type: cx.txn().1.to_owned(),
            biz_type: cx.get("bizType").unwrap_or_default().to_owned(),
            encoding: cx.get("encoding").unwrap_or("UTF-8").to_owned(),
            sign_method: cx.auth.method.clone(),
            version: cx.auth.version.as_str().to_owned(),
            cert_id: cx.auth.cert_id.clone(),
            query_id: None,
            trace_no: st.next_trace(),
            trace_time: crate::calendar::trace_time(now),
            clearing_date: crate::calendar::clearing_date(now, self.rules.clearing_cutoff_minutes),
            amount: 0,
            card: cx.pan.clone(),
            token: None,
            token_pay_data: None,
            tr_id: cx.token_data.get("trId").cloned(),
            orig_query_id: cx.get("origQryId").map(str::to_owned),
            code: code.to_owned(),
            msg: msg.to_owned(),
            reveal_at: now.unix_seconds(),
            created_at: now.unix_seconds(),
            back_url: cx.get("backUrl").map(str::to_owned),
            req_reserved: cx.get("reqReserved").map(str::to_owned),
            notify: false,
            notified: false,
            notify_fail: 0,
            notify_repeat: 0,
            front: false,
            awaiting_cardholder: false,
            refunded: 0,
            life: crate::state::Life::Normal,
            phone: None,
        }
    }

    /// A fresh 21-digit queryId: 2-digit prefix, yyMMddhhmmss, traceNo, a random digit.
    pub fn new_query_id(&self, st: &State, trace_no: &str, now: Timestamp) -> String {
        for _ in 0..1000 {
            let id = format!(
                "75{}{}{}",
                crate::calendar::short_stamp(now),
                trace_no,
                random_digits(1)
            );
            if !st.query_id_used(&id) {
                return id;
            }
        }
        format!(
            "75{}{}",
            crate::calendar::short_stamp(now),
            random_digits(7)
        )
    }

    /// Encrypts `text` to the merchant certificate `cert_id` (plain when unknown, e.g.
    /// secure-key merchants).
    pub fn encrypt_for_merchant(&self, cert_id: &str, text: &str) -> String {
        let Some(cert) = self.merchants.get(cert_id) else {
            return text.to_owned();
        };
        let Ok(enc) = EncryptionCert::from_certificate(cert.certificate.clone()) else {
            return text.to_owned();
        };
        let mut rng = os_random;
        card::encrypt_field(&enc, text.as_bytes(), &mut rng).unwrap_or_else(|_| text.to_owned())
    }

    /// Notifications that are due: visible results whose notification was not sent yet.
    pub fn collect_due(&self, st: &mut State, now: Timestamp) -> Vec<Notice> {
        let mut out = Vec::new();
        let due: Vec<usize> = st
            .txns
            .iter()
            .enumerate()
            .filter(|(_, t)| t.notify && !t.notified && !t.awaiting_cardholder && t.revealed(now))
            .map(|(i, _)| i)
            .collect();
        for i in due {
            let Some(t) = st.txns.get_mut(i) else {
                continue;
            };
            t.notified = true;
            let t = t.clone();
            let Some(url) = t.back_url.clone() else {
                continue;
            };
            let fields = self.sign_fields(
                apis::notification_fields(self, &t),
                &t.sign_method,
                &t.version,
            );
            for copy in 0..=t.notify_repeat {
                out.push(Notice {
                    url: url.clone(),
                    fields: fields.clone(),
                    lose_attempts: if copy == 0 { t.notify_fail } else { 0 },
                });
            }
        }
        out
    }

    /// Notifications that became due on the sandbox clock (called by the notifier).
    pub fn tick(&self) -> Vec<Notice> {
        let now = self.clock.now();
        let mut st = lock(&self.state);
        let notices = self.collect_due(&mut st, now);
        if !notices.is_empty() {
            if let Some(store) = &self.store {
                store.changed();
            }
        }
        notices
    }

    /// Signs like UnionPay: signMethod 01 with the sandbox signing certificate (5.1.0) or
    /// its 5.0.0 verify certificate (a 5.0.0 request), or the secure key for 11/12
    /// requests.
    pub fn sign_fields(&self, mut fields: Fields, method: &str, version: &str) -> Fields {
        fields.set("version", "5.1.0");
        let signed = match (method, &self.secure_key) {
            _ if version == "5.0.0" => {
                unionpay_acp::sign_as_gateway_500(&mut fields, &self.keys.verify500)
            }
            ("11" | "12", Some(key)) => {
                let method = unionpay_acp::SignMethod::parse(method)
                    .unwrap_or(unionpay_acp::SignMethod::Sha256SecureKey);
                unionpay_acp::secret::SecureKey::new(key.clone()).and_then(|key| {
                    unionpay_acp::sign_fields(
                        &mut fields,
                        &unionpay_acp::Credentials::SecureKey { method, key },
                    )
                })
            }
            _ => unionpay_acp::sign_as_gateway(&mut fields, &self.keys.sign),
        };
        if signed.is_err() {
            fields.set("respCode", "99");
        }
        fields
    }

    /// The signed raw body (values not URL-encoded, as UnionPay answers).
    pub fn signed_body(&self, fields: Fields, auth: &Auth) -> String {
        raw_body(&self.sign_fields(fields, &auth.method, auth.version.as_str()))
    }

    fn reject_answer(&self, ep: Endpoint, req: &Fields, auth: Option<&Auth>, r: Reject) -> Answer {
        let mut resp = response_header(req);
        if req.get("txnType") == Some("00") {
            resp.set("txnType", "00");
            resp.set("txnSubType", "00");
        }
        resp.set("respCode", r.code);
        resp.set("respMsg", r.msg.as_str());
        let method = auth.map(|a| a.method.as_str()).unwrap_or("01");
        // Before authentication a 5.0.0 request is still answered the 5.0.0 way.
        let version = match auth {
            Some(a) => a.version.as_str(),
            None if req.get("version") == Some("5.0.0") => "5.0.0",
            None => "5.1.0",
        };
        let signed = self.sign_fields(resp, method, version);
        if ep == Endpoint::Front {
            return Answer {
                body: crate::front::error_page(&signed),
                html: true,
                transport: Transport::Normal,
                notices: Vec::new(),
            };
        }
        Answer {
            body: raw_body(&signed),
            html: false,
            transport: Transport::Normal,
            notices: Vec::new(),
        }
    }
}

/// The body with one character of its signature changed.
fn garble_signature(body: &str) -> String {
    let Some(at) = body.find("signature=").map(|i| i + "signature=".len()) else {
        return body.to_owned();
    };
    let mut out = body.to_owned();
    let swapped = match out.get(at..=at) {
        Some("A") => "B",
        _ => "A",
    };
    out.replace_range(at..=at, swapped);
    out
}

fn fault_reject(code: &str) -> Reject {
    Reject {
        code: match code {
            "03" => "03",
            "04" => "04",
            "05" => "05",
            "02" => "02",
            "37" => "37",
            "99" => "99",
            _ => "01",
        },
        msg: codes::issuer_msg(code),
    }
}
