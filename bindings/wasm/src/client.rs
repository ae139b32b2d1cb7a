//! The merchant client: build any API by name, read answers, verify notifications.

use crate::backend::Backend;
use crate::convert::{
    amount, bytes_list, get, get_bytes, get_number, get_string, set, string_map, timestamp,
};
use crate::error::{bad_argument, IntoJs, JsResult};
use crate::json::{self, JsonObject};
use crate::lowlevel::{customer_info_mode, trust_profile, MerchantKey};
use crate::request::{request_from_js, request_json};
use crate::response::{token_pay_data_json, Response};
use crate::with_rng;
use js_sys::Object;
use unionpay_acp::client::{Api, BizTypes, Endpoints, KeyUpdate};
use unionpay_acp::pki::Certificate;
use unionpay_acp::secret::SecureKey;
use unionpay_acp::{
    ClientConfig, Credentials, EncryptionCert, Environment, Outcome, Result, SignMethod, Version,
};
use wasm_bindgen::prelude::*;

/// One merchant's client (the core's `Client`).
#[wasm_bindgen]
pub struct Client {
    inner: unionpay_acp::Client,
}

#[wasm_bindgen]
impl Client {
    /// A client signing with the merchant key (signMethod 01). `config`: `merId`,
    /// `environment` (`test`, `production`, `{baseUrl}` or `{front, back, query, file, app}`),
    /// `trust` (`test`, `production` or `{roots, middles}`), and optionally
    /// `encryptionCert`, `accessType`, `channelType`, `trId` (`null` for none), `bizTypes`,
    /// `version`, `customerInfoMode`, `orderIdMaxLen`, `verifySecureKey`, `verifyCerts500`.
    #[wasm_bindgen(js_name = withKey)]
    pub fn with_key(config: JsValue, key: &MerchantKey, backend: &Backend) -> JsResult<Client> {
        Self::new(&config, Credentials::Rsa(key.inner.clone()), backend)
    }

    /// A client signing with a secure key (signMethod `11` or `12`).
    #[wasm_bindgen(js_name = withSecureKey)]
    pub fn with_secure_key(
        config: JsValue,
        sign_method: &str,
        secure_key: &str,
        backend: &Backend,
    ) -> JsResult<Client> {
        let credentials = Credentials::SecureKey {
            method: SignMethod::parse(sign_method).js()?,
            key: SecureKey::new(secure_key).js()?,
        };
        Self::new(&config, credentials, backend)
    }

    fn new(config: &JsValue, credentials: Credentials, backend: &Backend) -> JsResult<Client> {
        let inner = client_config(config, credentials, backend)
            .and_then(unionpay_acp::Client::new)
            .js()?;
        Ok(Client { inner })
    }

    /// The same client with another encryption certificate (PEM or DER).
    #[wasm_bindgen(js_name = withEncryptionCert)]
    pub fn with_encryption_cert(&self, cert: &[u8]) -> JsResult<Client> {
        let cert = EncryptionCert::parse_with(cert, self.inner.config().backend.as_ref()).js()?;
        Ok(Client {
            inner: self.inner.with_encryption_cert(cert),
        })
    }

    /// `{front, back, query, file, app}` URLs.
    #[wasm_bindgen(getter)]
    pub fn endpoints(&self) -> Object {
        let e = self.inner.endpoints();
        let o = Object::new();
        for (k, v) in [
            ("front", &e.front),
            ("back", &e.back),
            ("query", &e.query),
            ("file", &e.file),
            ("app", &e.app),
        ] {
            set(&o, k, v.as_str());
        }
        o
    }

    /// `merId`.
    #[wasm_bindgen(getter, js_name = merId)]
    pub fn mer_id(&self) -> String {
        self.inner.config().mer_id.clone()
    }

    /// Builds and signs the request of `api` (`consume`, `sms_open`, …) from protocol
    /// parameters (strings keyed by field name). `random` fixes the padding bytes of
    /// card-data encryption (tests); otherwise the host RNG is used.
    pub fn build(
        &self,
        api: &str,
        params: &str,
        now: f64,
        random: Option<Vec<u8>>,
    ) -> JsResult<String> {
        let api = Api::from_name(api).js()?;
        let params = json::parse_string_map(params, "params")
            .js()?
            .into_iter()
            .collect();
        let now = timestamp(now).js()?;
        let request = with_rng(random, |rng| self.inner.build(api, &params, now, rng)).js()?;
        Ok(request_json(&request))
    }

    /// The status query (attempt 1, 2, …) of an earlier request.
    #[wasm_bindgen(js_name = buildQueryFor)]
    pub fn build_query_for(&self, request: JsValue, attempt: u32, now: f64) -> JsResult<String> {
        let request = request_from_js(&request).js()?;
        let now = timestamp(now).js()?;
        let query = with_rng(None, |rng| {
            self.inner.build_query_for(&request, attempt, now, rng)
        })
        .js()?;
        Ok(request_json(&query))
    }

    /// When to send query `attempt` of a request whose answer never came (timeout,
    /// connection error, non-200): the core's schedule for that transaction; `null` when
    /// the schedule is used up or the request cannot be queried.
    #[wasm_bindgen(js_name = queryAtAfterNoAnswer)]
    pub fn query_at_after_no_answer(request: JsValue, attempt: u32, now: f64) -> JsResult<JsValue> {
        let request = request_from_js(&request).js()?;
        let now = timestamp(now).js()?;
        Ok(request
            .query_at_after_no_answer(attempt, now)
            .map_or(
                JsValue::NULL,
                |t| JsValue::from_f64(t.unix_seconds() as f64),
            ))
    }

    /// Verifies and classifies the synchronous answer to `request`:
    /// `{name, queryAt, pendingReason, decisiveCode, respCode, respMsg, response}`.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(&self, request: JsValue, body: &[u8], now: f64) -> JsResult<Object> {
        let request = request_from_js(&request).js()?;
        let outcome = self
            .inner
            .handle_response(&request, body, timestamp(now).js()?)
            .js()?;
        Ok(self.outcome_to_js(outcome))
    }

    /// Reads the answer to a key update query: `{changed, certId, pem, nextCheckAt}`
    /// (`pem` only when changed: store it and use `withEncryptionCert`).
    #[wasm_bindgen(js_name = handleKeyUpdate)]
    pub fn handle_key_update(&self, request: JsValue, body: &[u8], now: f64) -> JsResult<Object> {
        let request = request_from_js(&request).js()?;
        let update = self
            .inner
            .handle_key_update(&request, body, timestamp(now).js()?)
            .js()?;
        let o = Object::new();
        set(
            &o,
            "nextCheckAt",
            update.next_check_at().unix_seconds() as f64,
        );
        match update {
            KeyUpdate::Unchanged { cert_id, .. } => {
                set(&o, "changed", false);
                set(&o, "certId", cert_id);
                set(&o, "pem", JsValue::NULL);
            }
            KeyUpdate::Replaced { cert_id, pem, .. } => {
                set(&o, "changed", true);
                set(&o, "certId", cert_id);
                set(&o, "pem", pem);
            }
        }
        Ok(o)
    }

    /// Verifies a back notification (the raw body posted to `backUrl`).
    #[wasm_bindgen(js_name = verifyNotification)]
    pub fn verify_notification(&self, body: &[u8], now: f64) -> JsResult<Notification> {
        let n = self
            .inner
            .verify_notification(body, timestamp(now).js()?)
            .js()?;
        Ok(Notification {
            inner: n,
            client: self.inner.clone(),
        })
    }

    /// Verifies a front notification (the browser's POST to `frontUrl`): never proof of
    /// payment.
    #[wasm_bindgen(js_name = verifyFrontNotification)]
    pub fn verify_front_notification(&self, body: &[u8], now: f64) -> JsResult<Notification> {
        let n = self
            .inner
            .verify_front_notification(body, timestamp(now).js()?)
            .js()?;
        Ok(Notification {
            inner: n,
            client: self.inner.clone(),
        })
    }

    fn outcome_to_js(&self, outcome: Outcome) -> Object {
        let o = Object::new();
        set(&o, "name", outcome.name());
        set(
            &o,
            "queryAt",
            outcome.query_at().map_or(
                JsValue::NULL,
                |t| JsValue::from_f64(t.unix_seconds() as f64),
            ),
        );
        set(
            &o,
            "pendingReason",
            outcome
                .pending_reason()
                .map_or(JsValue::NULL, |r| JsValue::from_str(r.name())),
        );
        set(&o, "decisiveCode", outcome.decisive_code());
        let (code, msg) = match &outcome {
            Outcome::Failed {
                resp_code,
                resp_msg,
                ..
            } => (resp_code.clone(), resp_msg.clone()),
            other => (
                other.response().resp_code().to_owned(),
                other.response().resp_msg().to_owned(),
            ),
        };
        set(&o, "respCode", code);
        set(&o, "respMsg", msg);
        set(
            &o,
            "response",
            Response::new(outcome.response().clone(), self.inner.clone()),
        );
        o
    }
}

/// Every API name, in catalogue order.
#[wasm_bindgen(js_name = apiNames)]
pub fn api_names() -> js_sys::Array {
    Api::ALL
        .iter()
        .map(|a| JsValue::from_str(a.name()))
        .collect()
}

/// A verified notification.
#[wasm_bindgen]
pub struct Notification {
    inner: unionpay_acp::client::Notification,
    client: unionpay_acp::Client,
}

#[wasm_bindgen]
impl Notification {
    /// Its typed fields as JSON (amounts in fen, `api` by name or `null`).
    #[wasm_bindgen(getter)]
    pub fn data(&self) -> String {
        let n = &self.inner;
        let source = match n.source {
            unionpay_acp::client::NotificationSource::Back => "back",
            unionpay_acp::client::NotificationSource::Front => "front",
        };
        JsonObject::new()
            .str("source", source)
            .opt_str("api", n.api.map(|a| a.name()))
            .str("txnType", &n.txn_type)
            .str("txnSubType", &n.txn_sub_type)
            .str("bizType", &n.biz_type)
            .bool("success", n.success)
            .str("respCode", &n.resp_code)
            .str("respMsg", &n.resp_msg)
            .str("merId", &n.mer_id)
            .opt_str("orderId", n.order_id.as_deref())
            .opt_str("txnTime", n.txn_time.as_deref())
            .opt_int("txnAmt", n.txn_amt.map(amount))
            .opt_str("queryId", n.query_id.as_deref())
            .opt_str("origQryId", n.orig_qry_id.as_deref())
            .opt_str("settleDate", n.settle_date.as_deref())
            .opt_int("settleAmt", n.settle_amt.map(amount))
            .opt_str("traceNo", n.trace_no.as_deref())
            .opt_str("traceTime", n.trace_time.as_deref())
            .raw(
                "tokenPayData",
                &token_pay_data_json(n.token_pay_data.as_ref()),
            )
            .raw("fields", &json::fields(n.response.fields()))
            .finish()
    }

    /// Whether it reports on `request` (merId, orderId, txnTime, message type, amount).
    pub fn matches(&self, request: JsValue) -> JsResult<bool> {
        Ok(self.inner.matches(&request_from_js(&request).js()?))
    }

    /// The verified message, for decryption and nested fields.
    pub fn response(&self) -> Response {
        Response::new(self.inner.response.clone(), self.client.clone())
    }
}

fn client_config(v: &JsValue, credentials: Credentials, backend: &Backend) -> Result<ClientConfig> {
    let mer_id = get_string(v, "merId")?.ok_or_else(|| bad_argument("config.merId is required"))?;
    let env = get(v, "environment");
    let environment = match env.as_string().as_deref() {
        Some("test") => Environment::Test,
        Some("production") => Environment::Production,
        Some(other) => {
            return Err(bad_argument(&format!(
                "environment is 'test', 'production' or {{baseUrl}}, not '{other}'"
            )))
        }
        None => match get_string(&env, "baseUrl")? {
            Some(base) => Environment::Custom(Endpoints::for_base_url(&base)?),
            None => {
                let url = |k: &str| {
                    get_string(&env, k)?
                        .ok_or_else(|| bad_argument(&format!("environment.{k} is required")))
                };
                Environment::Custom(Endpoints {
                    front: url("front")?,
                    back: url("back")?,
                    query: url("query")?,
                    file: url("file")?,
                    app: url("app")?,
                })
            }
        },
    };
    let mut c = ClientConfig::new(
        mer_id,
        credentials,
        environment,
        trust_profile(&get(v, "trust"))?,
    );
    c.backend = backend.inner.clone();
    if let Some(cert) = get_bytes(v, "encryptionCert")? {
        c.encryption_cert = Some(EncryptionCert::parse_with(&cert, backend.inner.as_ref())?);
    }
    if let Some(s) = get_string(v, "accessType")? {
        c.access_type = s;
    }
    if let Some(s) = get_string(v, "channelType")? {
        c.channel_type = s;
    }
    if get(v, "trId").is_null() {
        c.tr_id = None;
    } else if let Some(s) = get_string(v, "trId")? {
        c.tr_id = Some(s);
    }
    let biz = get(v, "bizTypes");
    if !biz.is_undefined() && !biz.is_null() {
        let map = string_map(&biz, "bizTypes")?;
        let mut b = BizTypes::default();
        for (k, val) in map {
            let slot = match k.as_str() {
                "token" => &mut b.token,
                "standard" => &mut b.standard,
                "openAndPay" => &mut b.open_and_pay,
                "undoRefund" => &mut b.undo_refund,
                "query" => &mut b.query,
                "generic" => &mut b.generic,
                "preauth" => &mut b.preauth,
                other => {
                    return Err(bad_argument(&format!(
                        "bizTypes.{other} is not a bizType family"
                    )))
                }
            };
            *slot = val;
        }
        c.biz_types = b;
    }
    if let Some(s) = get_string(v, "version")? {
        c.version = Version::parse(&s)?;
    }
    if let Some(s) = get_string(v, "customerInfoMode")? {
        c.customer_info_mode = customer_info_mode(&s)?;
    }
    if let Some(n) = get_number(v, "orderIdMaxLen")? {
        c.order_id_max_len = n as usize;
    }
    if let Some(s) = get_string(v, "verifySecureKey")? {
        c.verify_secure_key = Some(SecureKey::new(s)?);
    }
    c.verify_certs_500 = bytes_list(&get(v, "verifyCerts500"), "verifyCerts500")?
        .iter()
        .map(|b| Certificate::parse(b))
        .collect::<Result<_>>()?;
    Ok(c)
}
