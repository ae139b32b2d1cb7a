//! The Rust runner of the shared conformance scenarios (`tests/conformance/`, whose README
//! is the contract every runner follows): the core's typed API against the sandbox over
//! HTTP, with this host's own `query_until_final` loop over `Client::next_step`.
//! Prints `conformance rust: N passed, M failed`.
#![allow(clippy::disallowed_methods)] // a host: files, sockets

use acp_sandbox::{http, Sandbox, SandboxConfig, MERCHANT_PFX, MERCHANT_PFX_PASSWORD};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use unionpay_acp::client::{
    Api, ClientConfig, Endpoints, Environment, Exchange, KeyUpdate, KeyUpdateQueryParams, NextStep,
    Notification, ParamMap, FORM_CONTENT_TYPE,
};
use unionpay_acp::crypto::default_backend;
use unionpay_acp::file::reconcile;
use unionpay_acp::json::{books_from_json, to_json};
use unionpay_acp::{
    Client, Credentials, CustomTrust, EncryptionCert, Error, MerchantKey, Outcome, OutgoingRequest,
    Timestamp, TrustProfile,
};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(tests_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn os_rng(dest: &mut [u8]) -> unionpay_acp::Result<()> {
    getrandom::fill(dest).map_err(|e| {
        Error::new(
            unionpay_acp::ErrorCode::RandomFailed,
            format!("getrandom: {e}"),
        )
    })
}

/// What a step kept under its `as`.
enum Kept {
    Request(OutgoingRequest),
    Step(OutgoingRequest, NextStep),
    Final,
}

struct Run {
    base: String,
    client: Client,
    vars: HashMap<String, String>,
    kept: HashMap<String, Kept>,
    tag: String,
}

type StepResult = Result<(), String>;

impl Run {
    fn new(base: &str, tag: String) -> Run {
        let key = MerchantKey::from_pkcs12(
            MERCHANT_PFX,
            MERCHANT_PFX_PASSWORD,
            default_backend().as_ref(),
        )
        .unwrap();
        let trust = CustomTrust::from_pem(
            &[&read("fixtures/sandbox/root.pem")],
            &[&read("fixtures/sandbox/middle.pem")],
        )
        .unwrap();
        let mut config = ClientConfig::new(
            "777290058110097",
            Credentials::Rsa(key),
            Environment::Custom(Endpoints::for_base_url(base).unwrap()),
            TrustProfile::Custom(trust),
        );
        config.encryption_cert =
            Some(EncryptionCert::parse(&read("fixtures/sandbox/enc.pem")).unwrap());
        Run {
            base: base.to_owned(),
            client: Client::new(config).unwrap(),
            vars: HashMap::new(),
            kept: HashMap::new(),
            tag,
        }
    }

    fn get_json(&self, path: &str) -> Value {
        let r = http::get(&format!("{}{path}", self.base), Duration::from_secs(5)).unwrap();
        serde_json::from_slice(&r.body).unwrap()
    }

    fn admin(&self, path: &str, form: &str) -> StepResult {
        let r = http::post(
            &format!("{}{path}", self.base),
            FORM_CONTENT_TYPE,
            form.as_bytes(),
            Duration::from_secs(5),
        )
        .map_err(|e| e.to_string())?;
        (r.status == 200)
            .then_some(())
            .ok_or_else(|| format!("{path}: HTTP {} {}", r.status, r.text()))
    }

    fn now(&self) -> Timestamp {
        Timestamp::from_unix_seconds(self.get_json("/_sandbox/clock")["unix"].as_i64().unwrap())
    }

    /// `${…}` replaced (see the README).
    fn subst(&mut self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| format!("unclosed ${{ in {text}"))?;
            let name = &rest[start + 2..start + end];
            out.push_str(&self.value_of(name)?);
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `value` with `${…}` replaced in every string inside it.
    fn subst_value(&mut self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(s) => Value::String(self.subst(s)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.subst_value(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.subst_value(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    /// `verdicts` (orderId → verdict), `resolutions` (orderId → state or null) and `originals` (orderId → the orderId its refund or
    /// undo reverses) against a reconciliation report's lines.
    fn check_report(&mut self, expect: &Value, report: &Value) -> StepResult {
        let line = |order: &str| {
            report["lines"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|l| l["orderId"] == order)
                .cloned()
        };
        for (order, want) in expect["verdicts"].as_object().into_iter().flatten() {
            let order = self.subst(order)?;
            let got = line(&order).map(|l| l["verdict"].clone());
            if got.as_ref() != Some(want) {
                return Err(format!("verdict of {order}: expected {want}, got {got:?}"));
            }
        }
        for (order, want) in expect["resolutions"].as_object().into_iter().flatten() {
            let order = self.subst(order)?;
            let got = line(&order).map(|l| l["resolution"].clone());
            if got.as_ref() != Some(want) {
                return Err(format!(
                    "resolution of {order}: expected {want}, got {got:?}"
                ));
            }
        }
        for (order, want) in expect["originals"].as_object().into_iter().flatten() {
            let order = self.subst(order)?;
            let want = self.subst(want.as_str().unwrap_or_default())?;
            let got = line(&order).map(|l| l["original"]["orderId"].clone());
            if got != Some(Value::from(want.clone())) {
                return Err(format!("original of {order}: expected {want}, got {got:?}"));
            }
        }
        Ok(())
    }

    fn value_of(&mut self, name: &str) -> Result<String, String> {
        if let Some(label) = name.strip_prefix("order:") {
            let key = format!("order:{label}");
            let n = self.vars.len();
            let tag = self.tag.clone();
            return Ok(self
                .vars
                .entry(key)
                .or_insert_with(|| format!("{tag}{n:04}"))
                .clone());
        }
        match name {
            "backUrl" => Ok(format!("{}{}", self.base, acp_sandbox::SINK_PATH)),
            "settleDate" => {
                let date = self.get_json("/_sandbox/clock")["clearingDate"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                Ok(date.chars().skip(date.len().saturating_sub(4)).collect())
            }
            _ => self
                .vars
                .get(name)
                .cloned()
                .ok_or_else(|| format!("${{{name}}} was never saved")),
        }
    }

    fn params(&mut self, v: &Value) -> Result<ParamMap, String> {
        let mut map = ParamMap::new();
        for (k, val) in v.as_object().into_iter().flatten() {
            map.insert(k.clone(), self.subst(val.as_str().unwrap_or_default())?);
        }
        Ok(map)
    }

    fn post(&self, request: &OutgoingRequest, timeout_ms: u64) -> Option<http::ClientResponse> {
        http::post(
            &request.url,
            FORM_CONTENT_TYPE,
            request.body.as_bytes(),
            Duration::from_millis(timeout_ms),
        )
        .ok()
    }

    /// The planner's step and the `now` it was given: `queryAfter` counts from that `now`
    /// (the sandbox clock runs in real time, so a second read may be a second later).
    fn exchange_step(
        &self,
        sent: &OutgoingRequest,
        timeout_ms: u64,
    ) -> Result<(NextStep, Timestamp), Error> {
        let answer = self.post(sent, timeout_ms);
        let exchange = match &answer {
            Some(r) => Exchange::Answered {
                status: r.status,
                body: &r.body,
            },
            None => Exchange::NoAnswer,
        };
        let now = self.now();
        self.client
            .next_step(sent, exchange, now)
            .map(|step| (step, now))
    }

    fn run_step(&mut self, step: &Value) -> StepResult {
        let expect = step.get("expect").cloned().unwrap_or(Value::Null);
        let name = step["as"].as_str().unwrap_or_default().to_owned();
        match step["do"].as_str().unwrap_or_default() {
            "call" | "build" => {
                let api = Api::from_name(step["api"].as_str().unwrap_or_default())
                    .map_err(|e| e.to_string())?;
                let params = self.params(&step["params"])?;
                let built = self.client.build(api, &params, self.now(), &mut os_rng);
                let request = match built {
                    Ok(r) => r,
                    Err(e) => return check_error(&expect, &e),
                };
                self.save_request(step, &request)?;
                if step["do"] == "build" {
                    check_error_absent(&expect)?;
                    self.kept.insert(name, Kept::Request(request));
                    return Ok(());
                }
                let timeout = step["timeoutMs"].as_u64().unwrap_or(5000);
                match self.exchange_step(&request, timeout) {
                    Ok((next, planned_at)) => {
                        check_step(&expect, &next, planned_at)?;
                        self.save_outcome(step, next.outcome())?;
                        self.kept.insert(name, Kept::Step(request, next));
                        Ok(())
                    }
                    Err(e) => check_error(&expect, &e),
                }
            }
            "until_final" => {
                let from = step["from"].as_str().unwrap_or_default();
                let (sent, start) = match self.kept.get(from) {
                    Some(Kept::Step(r, s)) => (r.clone(), s.clone()),
                    _ => return Err(format!("nothing kept under '{from}'")),
                };
                let max = step["maxQueries"].as_u64().unwrap_or(40);
                let outcome = self.query_until_final(&sent, start, max)?;
                check_outcome(&expect, outcome.as_ref())?;
                self.save_outcome(step, outcome.as_ref())?;
                self.kept.insert(name, Kept::Final);
                Ok(())
            }
            "notifications" => self.notifications(step, &expect),
            "receive" => {
                let body = self.subst(step["body"].as_str().unwrap_or_default())?;
                let (reply, result) = self
                    .client
                    .receive_notification(body.as_bytes(), self.now());
                expect_eq(&expect, "replyStatus", Value::from(reply.status))?;
                match result {
                    Ok(_) => check_error_absent(&expect),
                    Err(e) => check_error(&expect, &e),
                }
            }
            "key_update" => {
                let order_id = self.params(&step["params"])?["orderId"].clone();
                let request = self
                    .client
                    .build_key_update_query(
                        &KeyUpdateQueryParams { order_id },
                        self.now(),
                        &mut os_rng,
                    )
                    .map_err(|e| e.to_string())?;
                let answer = self
                    .post(&request, 5000)
                    .ok_or("the key update got no answer")?;
                let update = self
                    .client
                    .handle_key_update(&request, &answer.body, self.now())
                    .map_err(|e| e.to_string())?;
                let v: Value = serde_json::from_str(&to_json(&update)).unwrap();
                expect_eq(&expect, "kind", v["kind"].clone())?;
                expect_eq(&expect, "certId", v["certId"].clone())?;
                if let KeyUpdate::Replaced { pem, .. } = update {
                    self.client = self
                        .client
                        .with_encryption_cert_pem(pem.as_bytes())
                        .map_err(|e| e.to_string())?;
                }
                Ok(())
            }
            "decode_archive" => {
                let zip = read(step["file"].as_str().unwrap_or_default());
                let files = unionpay_acp::file::read_zip(&zip, &Default::default())
                    .map_err(|e| e.to_string())?;
                let r = unionpay_acp::file::parse_archive(&files).map_err(|e| e.to_string())?;
                let got: Value = serde_json::from_str(&to_json(&r)).unwrap();
                let file = tests_dir()
                    .join("conformance")
                    .join(expect["json"].as_str().unwrap_or_default());
                if std::env::var_os("UPDATE_CONFORMANCE_EXPECTED").is_some() {
                    std::fs::write(&file, serde_json::to_string_pretty(&got).unwrap() + "\n")
                        .unwrap();
                }
                let want: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
                (got == want)
                    .then_some(())
                    .ok_or_else(|| format!("the archive's JSON differs from {}", file.display()))
            }
            "file_transfer" => {
                let params = self.params(&step["params"])?;
                let request = self
                    .client
                    .build(Api::FileTransfer, &params, self.now(), &mut os_rng)
                    .map_err(|e| e.to_string())?;
                let answer = self
                    .post(&request, 5000)
                    .ok_or("the file transfer got no answer")?;
                let outcome = self
                    .client
                    .handle_response(&request, &answer.body, self.now())
                    .map_err(|e| e.to_string())?;
                let r = outcome
                    .response()
                    .reconciliation(&Default::default())
                    .map_err(|e| e.to_string())?;
                for order in expect["zmOrders"].as_array().into_iter().flatten() {
                    let order = self.subst(order.as_str().unwrap_or_default())?;
                    if !r.zm.iter().any(|z| z.order_id == order) {
                        return Err(format!("no ZM record for order {order}"));
                    }
                }
                match step.get("books") {
                    Some(books) => {
                        let books = self.subst_value(books)?;
                        let books =
                            books_from_json(&books.to_string()).map_err(|e| e.to_string())?;
                        let report: Value = serde_json::from_str(&to_json(&reconcile(&books, &r)))
                            .unwrap_or_default();
                        self.check_report(&expect, &report)
                    }
                    None => Ok(()),
                }
            }
            "sandbox" => {
                if let Some(fault) = step["fault"].as_object() {
                    let mut form = Vec::new();
                    for (k, v) in fault {
                        let v = self.subst(v.as_str().unwrap_or_default())?;
                        let mut encoded = String::new();
                        unionpay_acp::form::encode_component(&v, &mut encoded);
                        form.push(format!("{k}={encoded}"));
                    }
                    self.admin("/_sandbox/faults", &form.join("&"))
                } else if let Some(secs) = step["advance"].as_i64() {
                    self.admin("/_sandbox/clock", &format!("advance={secs}"))
                } else if let Some(to) = step["rotate"].as_str() {
                    self.admin("/_sandbox/keys", &format!("rotate={to}"))
                } else {
                    Err(format!("unknown sandbox step {step}"))
                }
            }
            other => Err(format!("unknown step '{other}'")),
        }
    }

    /// The host loop over the planner: wait (advancing the sandbox clock), POST, plan.
    fn query_until_final(
        &self,
        sent: &OutgoingRequest,
        mut step: NextStep,
        max_queries: u64,
    ) -> Result<Option<Outcome>, String> {
        let _ = sent;
        for _ in 0..max_queries {
            let (at, query) = match &step {
                NextStep::Query { at, query, .. } => (*at, (**query).clone()),
                _ => break,
            };
            let wait = at.unix_seconds() - self.now().unix_seconds();
            if wait > 0 {
                self.admin("/_sandbox/clock", &format!("advance={wait}"))?;
            }
            step = self
                .exchange_step(&query, 5000)
                .map_err(|e| format!("query: {e}"))?
                .0;
        }
        Ok(step.outcome().cloned())
    }

    fn notifications(&mut self, step: &Value, expect: &Value) -> StepResult {
        let key = step["for"].as_str().unwrap_or_default();
        let request = match self.kept.get(key) {
            Some(Kept::Step(r, _) | Kept::Request(r)) => r.clone(),
            _ => return Err(format!("nothing kept under '{key}'")),
        };
        let want = expect["count"].as_u64().unwrap_or(1) as usize;
        let started = Instant::now();
        let mut found: Vec<Notification> = Vec::new();
        while started.elapsed() < Duration::from_secs(5) {
            found = self.notifications_for(&request)?;
            if found.len() >= want {
                std::thread::sleep(Duration::from_millis(200));
                found = self.notifications_for(&request)?;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if found.len() != want {
            return Err(format!("{} notifications, expected {want}", found.len()));
        }
        for n in &found {
            expect_eq(expect, "success", Value::from(n.success))?;
            expect_eq(expect, "respCode", Value::from(n.resp_code.clone()))?;
            let next = self
                .client
                .next_step_after_notification(&request, n, self.now())
                .map_err(|e| e.to_string())?;
            expect_eq(expect, "step", Value::from(next.name()))?;
        }
        if let (Some(save), Some(first)) = (step["save"].as_object(), found.first()) {
            for (var, path) in save {
                let key = path
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches("notification.");
                let v = first.response.get(key).unwrap_or_default().to_owned();
                self.vars.insert(var.clone(), v);
            }
        }
        Ok(())
    }

    /// Every posted notification that verifies with this client and matches `request`.
    fn notifications_for(&self, request: &OutgoingRequest) -> Result<Vec<Notification>, String> {
        let list = self.get_json("/_sandbox/notifications");
        let mut out = Vec::new();
        for record in list.as_array().into_iter().flatten() {
            let body = record["body"].as_str().unwrap_or_default();
            let n = self
                .client
                .verify_notification(body.as_bytes(), self.now())
                .map_err(|e| format!("a posted notification does not verify: {e}"))?;
            if n.matches(request) {
                out.push(n);
            }
        }
        Ok(out)
    }

    fn save_request(&mut self, step: &Value, request: &OutgoingRequest) -> StepResult {
        for (var, path) in step["save"].as_object().into_iter().flatten() {
            let path = path.as_str().unwrap_or_default();
            let value = match path {
                "request.orderId" => request.fields.get("orderId"),
                "request.txnTime" => request.fields.get("txnTime"),
                p => match p.strip_prefix("request.fields.") {
                    Some(k) => request.fields.get(k),
                    None => continue,
                },
            };
            let value = value.ok_or_else(|| format!("the request has no {path}"))?;
            self.vars.insert(var.clone(), value.to_owned());
        }
        Ok(())
    }

    fn save_outcome(&mut self, step: &Value, outcome: Option<&Outcome>) -> StepResult {
        for (var, path) in step["save"].as_object().into_iter().flatten() {
            let path = path.as_str().unwrap_or_default();
            let value = if path == "token" {
                outcome
                    .and_then(|o| o.response().token_pay_data().ok().flatten())
                    .and_then(|t| t.token)
            } else if let Some(k) = path.strip_prefix("response.") {
                outcome.and_then(|o| o.response().get(k).map(str::to_owned))
            } else {
                continue;
            };
            let value = value.ok_or_else(|| format!("the outcome has no {path}"))?;
            self.vars.insert(var.clone(), value);
        }
        Ok(())
    }
}

fn expect_eq(expect: &Value, key: &str, got: Value) -> StepResult {
    match expect.get(key) {
        Some(want) if *want != got => Err(format!("{key}: expected {want}, got {got}")),
        _ => Ok(()),
    }
}

fn check_error(expect: &Value, e: &Error) -> StepResult {
    match expect.get("error") {
        Some(want) if want.as_u64() == Some(u64::from(e.code().code())) => Ok(()),
        _ => Err(format!("unexpected error {e}")),
    }
}

fn check_error_absent(expect: &Value) -> StepResult {
    match expect.get("error") {
        Some(code) => Err(format!("expected error {code}, the step succeeded")),
        None => Ok(()),
    }
}

fn check_outcome(expect: &Value, outcome: Option<&Outcome>) -> StepResult {
    check_error_absent(expect)?;
    let v: Value = match outcome {
        Some(o) => serde_json::from_str(&to_json(o)).unwrap(),
        None => Value::Null,
    };
    expect_eq(
        expect,
        "outcome",
        v.get("name").cloned().unwrap_or(Value::Null),
    )?;
    expect_eq(expect, "decisiveCode", v["decisiveCode"].clone())?;
    expect_eq(expect, "pendingReason", v["pendingReason"].clone())
}

fn check_step(expect: &Value, step: &NextStep, now: Timestamp) -> StepResult {
    check_outcome(expect, step.outcome())?;
    let v: Value = serde_json::from_str(&to_json(step)).unwrap();
    expect_eq(expect, "step", v["step"].clone())?;
    expect_eq(expect, "reason", v["reason"].clone())?;
    if let Some(at) = v["at"].as_i64() {
        expect_eq(expect, "queryAfter", Value::from(at - now.unix_seconds()))?;
    } else if expect.get("queryAfter").is_some() {
        return Err("expected a query, there is none".to_owned());
    }
    Ok(())
}

#[test]
fn conformance() {
    let sandbox = Sandbox::start(SandboxConfig {
        notify_speed: 1200.0,
        ..SandboxConfig::default()
    })
    .unwrap();
    let dir = tests_dir().join("conformance/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let (mut passed, mut failed) = (0, 0);
    for (i, file) in files.iter().enumerate() {
        let scenario: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        let id = scenario["id"].as_str().unwrap_or_default().to_owned();
        let mut run = Run::new(
            &sandbox.base_url(),
            format!("RS{}S{i:02}", std::process::id() % 10000),
        );
        let steps = scenario["steps"].as_array().cloned().unwrap_or_default();
        let result = steps
            .iter()
            .enumerate()
            .try_for_each(|(n, s)| run.run_step(s).map_err(|e| format!("step {n}: {e}")));
        match result {
            Ok(()) => passed += 1,
            Err(e) => {
                failed += 1;
                eprintln!("conformance rust: {id} FAILED at {e}");
            }
        }
    }
    println!("conformance rust: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} conformance scenarios failed");
    assert!(passed >= 25);
}
