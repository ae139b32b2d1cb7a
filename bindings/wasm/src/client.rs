//! The merchant client. Everything crosses as the core's JSON (`unionpay_acp::json`):
//! settings in, requests both ways, next steps, notifications and key updates out. What
//! needs the core afterwards (a verified message's decryption, a notification's match) stays
//! here as a handle.

use crate::backend::Backend;
use crate::convert::{from_json, timestamp};
use crate::error::{to_js, IntoJs, JsResult};
use crate::lowlevel::MerchantKey;
use crate::response::Response;
use crate::with_rng;
use std::rc::Rc;
use unionpay_acp::client::settings::Settings;
use unionpay_acp::client::{Api, Exchange, KeyUpdate, NextStep, ParamMap};
use unionpay_acp::json::{request_from_json, to_json};
use unionpay_acp::secret::SecureKey;
use unionpay_acp::{Credentials, EncryptionCert, SignMethod};
use wasm_bindgen::prelude::*;

/// One merchant's client (the core's `Client`).
#[wasm_bindgen]
pub struct Client {
    inner: Rc<unionpay_acp::Client>,
}

#[wasm_bindgen]
impl Client {
    /// A client signing with the merchant key (signMethod 01); `settings` is the core's
    /// settings JSON (`settings.json` lists every key).
    #[wasm_bindgen(js_name = withKey)]
    pub fn with_key(settings: &str, key: &MerchantKey, backend: &Backend) -> JsResult<Client> {
        Self::new(settings, Credentials::Rsa(key.inner.clone()), backend)
    }

    /// A client signing with a secure key (signMethod `11` or `12`).
    #[wasm_bindgen(js_name = withSecureKey)]
    pub fn with_secure_key(
        settings: &str,
        sign_method: &str,
        secure_key: &str,
        backend: &Backend,
    ) -> JsResult<Client> {
        let credentials = Credentials::SecureKey {
            method: SignMethod::parse(sign_method).js()?,
            key: SecureKey::new(secure_key).js()?,
        };
        Self::new(settings, credentials, backend)
    }

    fn new(settings: &str, credentials: Credentials, backend: &Backend) -> JsResult<Client> {
        let inner = Settings::from_json(settings)
            .and_then(|s| s.into_config(credentials, backend.inner.clone()))
            .and_then(unionpay_acp::Client::new)
            .js()?;
        Ok(Client {
            inner: Rc::new(inner),
        })
    }

    fn wrap(inner: unionpay_acp::Client) -> Client {
        Client {
            inner: Rc::new(inner),
        }
    }

    /// The same client with another encryption certificate (PEM or DER).
    #[wasm_bindgen(js_name = withEncryptionCert)]
    pub fn with_encryption_cert(&self, cert: &[u8]) -> JsResult<Client> {
        let cert = EncryptionCert::parse_with(cert, self.inner.config().backend.as_ref()).js()?;
        Ok(Client::wrap(self.inner.with_encryption_cert(cert)))
    }

    /// `{front, back, query, file, app}` URLs, as JSON.
    pub fn endpoints(&self) -> String {
        to_json(self.inner.endpoints())
    }

    /// `merId`.
    #[wasm_bindgen(getter, js_name = merId)]
    pub fn mer_id(&self) -> String {
        self.inner.config().mer_id.clone()
    }

    /// When the signing certificate stops being valid (Unix seconds); `undefined` for a
    /// secure key.
    #[wasm_bindgen(getter, js_name = signingCertNotAfter)]
    pub fn signing_cert_not_after(&self) -> Option<f64> {
        self.inner
            .signing_cert_not_after()
            .map(|t| t.unix_seconds() as f64)
    }

    /// Builds and signs the request of `api` from protocol parameters (a JSON object of
    /// strings keyed by field name); the stored request JSON. `random` fixes the padding
    /// bytes of card-data encryption (tests); otherwise the host RNG is used.
    pub fn build(
        &self,
        api: &str,
        params: &str,
        now: f64,
        random: Option<Vec<u8>>,
    ) -> JsResult<String> {
        let api = Api::from_name(api).js()?;
        let params: ParamMap =
            from_json(params, "params must be a plain object of strings").js()?;
        let now = timestamp(now).js()?;
        let request = with_rng(random, |rng| self.inner.build(api, &params, now, rng)).js()?;
        Ok(to_json(&request))
    }

    /// The status query (attempt 1, 2, …) of an earlier request (stored JSON in and out).
    #[wasm_bindgen(js_name = buildQueryFor)]
    pub fn build_query_for(&self, request: &str, attempt: u32, now: f64) -> JsResult<String> {
        let request = request_from_json(request).js()?;
        let now = timestamp(now).js()?;
        let query = with_rng(None, |rng| {
            self.inner.build_query_for(&request, attempt, now, rng)
        })
        .js()?;
        Ok(to_json(&query))
    }

    /// The planner (`Client::next_step`): what to do after `sent` got an HTTP answer
    /// (`status` and `body`) or none (`status` undefined).
    #[wasm_bindgen(js_name = nextStep)]
    pub fn next_step(
        &self,
        sent: &str,
        status: Option<u16>,
        body: &[u8],
        now: f64,
    ) -> JsResult<Step> {
        let sent = request_from_json(sent).js()?;
        let exchange = match status {
            Some(status) => Exchange::Answered { status, body },
            None => Exchange::NoAnswer,
        };
        let step = self
            .inner
            .next_step(&sent, exchange, timestamp(now).js()?)
            .js()?;
        Ok(self.step(&step))
    }

    /// Verifies and classifies an answer body (`Client::handle_response`, whose errors it
    /// raises), then plans from it (`Client::next_step_after`).
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(&self, request: &str, body: &[u8], now: f64) -> JsResult<Step> {
        let request = request_from_json(request).js()?;
        let now = timestamp(now).js()?;
        let step = self
            .inner
            .handle_response(&request, body, now)
            .and_then(|outcome| self.inner.next_step_after(&request, outcome, now))
            .js()?;
        Ok(self.step(&step))
    }

    /// `Client::next_step_after_notification`.
    #[wasm_bindgen(js_name = nextStepAfterNotification)]
    pub fn next_step_after_notification(
        &self,
        request: &str,
        notification: &Notification,
        now: f64,
    ) -> JsResult<Step> {
        let request = request_from_json(request).js()?;
        let step = self
            .inner
            .next_step_after_notification(&request, &notification.inner, timestamp(now).js()?)
            .js()?;
        Ok(self.step(&step))
    }

    fn step(&self, step: &NextStep) -> Step {
        Step {
            json: to_json(step),
            response: step
                .outcome()
                .map(|o| Response::new(o.response().clone(), self.inner.clone())),
        }
    }

    /// `Client::receive_notification`: what to answer UnionPay's POST, and the verified
    /// notification or the error.
    #[wasm_bindgen(js_name = receiveNotification)]
    pub fn receive_notification(&self, body: &[u8], now: f64) -> JsResult<Received> {
        let (reply, result) = self.inner.receive_notification(body, timestamp(now).js()?);
        let (notification, error) = match result {
            Ok(n) => (Some(self.notification(n)), JsValue::NULL),
            Err(e) => (None, to_js(e)),
        };
        Ok(Received {
            status: reply.status,
            body: reply.body,
            notification,
            error,
        })
    }

    /// Verifies a back notification (the raw body posted to `backUrl`).
    #[wasm_bindgen(js_name = verifyNotification)]
    pub fn verify_notification(&self, body: &[u8], now: f64) -> JsResult<Notification> {
        let n = self
            .inner
            .verify_notification(body, timestamp(now).js()?)
            .js()?;
        Ok(self.notification(n))
    }

    /// Verifies a front notification (the browser's POST to `frontUrl`): never proof of
    /// payment.
    #[wasm_bindgen(js_name = verifyFrontNotification)]
    pub fn verify_front_notification(&self, body: &[u8], now: f64) -> JsResult<Notification> {
        let n = self
            .inner
            .verify_front_notification(body, timestamp(now).js()?)
            .js()?;
        Ok(self.notification(n))
    }

    fn notification(&self, inner: unionpay_acp::client::Notification) -> Notification {
        Notification {
            json: to_json(&inner),
            inner,
            client: self.inner.clone(),
        }
    }

    /// Reads the answer to a key update query (`Client::handle_key_update`): the core's
    /// KeyUpdate JSON, and the client to go on with (this one with UnionPay's new
    /// certificate when it was replaced). This client is not changed.
    #[wasm_bindgen(js_name = handleKeyUpdate)]
    pub fn handle_key_update(&self, request: &str, body: &[u8], now: f64) -> JsResult<KeyUpdated> {
        let request = request_from_json(request).js()?;
        let update = self
            .inner
            .handle_key_update(&request, body, timestamp(now).js()?)
            .js()?;
        let json = to_json(&update);
        let client = match update {
            KeyUpdate::Replaced { pem, .. } => {
                Client::wrap(self.inner.with_encryption_cert_pem(pem.as_bytes()).js()?)
            }
            KeyUpdate::Unchanged { .. } => Client {
                inner: self.inner.clone(),
            },
        };
        Ok(KeyUpdated { json, client })
    }
}

/// A next step (the core's NextStep JSON) and, when it carries an outcome, its verified
/// message.
#[wasm_bindgen]
pub struct Step {
    json: String,
    response: Option<Response>,
}

#[wasm_bindgen]
impl Step {
    /// `{step, outcome, at, query, reason}`.
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> String {
        self.json.clone()
    }

    /// The outcome's verified message.
    pub fn response(&mut self) -> Option<Response> {
        self.response.take()
    }
}

/// What `receive_notification` says.
#[wasm_bindgen]
pub struct Received {
    status: u16,
    body: String,
    notification: Option<Notification>,
    error: JsValue,
}

#[wasm_bindgen]
impl Received {
    /// The HTTP status to answer.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body to answer.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.body.clone()
    }

    /// The verified notification, when it verified.
    pub fn notification(&mut self) -> Option<Notification> {
        self.notification.take()
    }

    /// The error, when it did not (`null` otherwise).
    #[wasm_bindgen(getter)]
    pub fn error(&self) -> JsValue {
        self.error.clone()
    }
}

/// The status to answer a verified notification with when it could not be stored
/// (UnionPay sends it again): the core's `NotificationReply::retry_later`.
#[wasm_bindgen(js_name = notificationRetryLaterStatus)]
pub fn notification_retry_later_status() -> u16 {
    unionpay_acp::client::NotificationReply::retry_later().status
}

/// The body that goes with `notificationRetryLaterStatus`.
#[wasm_bindgen(js_name = notificationRetryLaterBody)]
pub fn notification_retry_later_body() -> String {
    unionpay_acp::client::NotificationReply::retry_later().body
}

/// A key update and the client to go on with.
#[wasm_bindgen]
pub struct KeyUpdated {
    json: String,
    client: Client,
}

#[wasm_bindgen]
impl KeyUpdated {
    /// `{kind, certId, pem, nextCheckAt}`.
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> String {
        self.json.clone()
    }

    /// The client with UnionPay's current certificate.
    pub fn client(&self) -> Client {
        Client {
            inner: self.client.inner.clone(),
        }
    }
}

/// A verified notification.
#[wasm_bindgen]
pub struct Notification {
    json: String,
    inner: unionpay_acp::client::Notification,
    client: Rc<unionpay_acp::Client>,
}

#[wasm_bindgen]
impl Notification {
    /// The core's Notification JSON.
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> String {
        self.json.clone()
    }

    /// Whether it reports on `request` (stored JSON).
    pub fn matches(&self, request: &str) -> JsResult<bool> {
        Ok(self.inner.matches(&request_from_json(request).js()?))
    }

    /// The verified message, for decryption and nested fields.
    pub fn response(&self) -> Response {
        Response::new(self.inner.response.clone(), self.client.clone())
    }
}
