//! The merchant client: build a request, let the host POST it, ask the core what the
//! answer means and what to do next; receive notifications. Every method delegates to
//! `unionpay_acp::Client`; every type it takes or returns is the core's.

use crate::card::EncryptionCert;
use crate::host::{now_or, OsRandom};
use crate::keys::{backend, Backend, Credentials};
use crate::Result;
use std::sync::Arc;
use std::time::SystemTime;
use unionpay_acp::client::settings::Settings;
use unionpay_acp::client::{
    self as core, Api, Endpoints, Exchange, KeyUpdate, NextStep, Notification, Outcome,
    OutgoingRequest, Response,
};
use unionpay_acp::ffi::NotificationReceipt;
use unionpay_acp::Fields;

/// One merchant's client; thread-safe, share it.
#[derive(Debug, uniffi::Object)]
pub struct Client(pub(crate) core::Client);

#[uniffi::export]
impl Client {
    /// A client from its settings (the JSON of `settings.json`'s schema: `merId`,
    /// `environment`, `trust`, `encryptionCert`, …) and what it signs with.
    #[uniffi::constructor(default(backend = None))]
    pub fn new(
        settings_json: String,
        credentials: Arc<Credentials>,
        backend: Option<Backend>,
    ) -> Result<Arc<Self>> {
        let config = Settings::from_json(&settings_json)?
            .into_config(credentials.to_core(), self::backend(backend)?)?;
        Ok(Arc::new(Client(core::Client::new(config)?)))
    }

    /// The same client with another encryption certificate.
    pub fn with_encryption_cert(&self, cert: Arc<EncryptionCert>) -> Arc<Client> {
        Arc::new(Client(self.0.with_encryption_cert(cert.0.clone())))
    }

    /// The same client with the certificate a key update returned (its `pem`).
    pub fn with_encryption_cert_pem(&self, pem: String) -> Result<Arc<Client>> {
        Ok(Arc::new(Client(
            self.0.with_encryption_cert_pem(pem.as_bytes())?,
        )))
    }

    /// The client to go on with after a key update: this one when UnionPay's certificate
    /// is unchanged, a new one with the certificate it sent when replaced. Nothing changes
    /// on its own.
    pub fn after_key_update(&self, update: KeyUpdate) -> Result<Arc<Client>> {
        Ok(Arc::new(Client(self.0.after_key_update(&update)?)))
    }

    /// `merId`.
    pub fn mer_id(&self) -> String {
        self.0.config().mer_id.clone()
    }

    /// When the merchant's signing certificate stops being valid (`None` for a secure
    /// key). UnionPay refuses requests signed with an expired certificate: warn before.
    pub fn signing_cert_not_after(&self) -> Option<SystemTime> {
        self.0
            .signing_cert_not_after()
            .map(unionpay_acp::ffi::system_time)
    }

    /// The configured `encryptCertId`, if any.
    pub fn encryption_cert_id(&self) -> Option<String> {
        self.0
            .config()
            .encryption_cert
            .as_ref()
            .map(|c| c.cert_id().to_owned())
    }

    /// The URLs requests go to.
    pub fn endpoints(&self) -> Endpoints {
        self.0.endpoints().clone()
    }

    /// Builds and signs the request of `api` (see `api_names()`) from parameters keyed by
    /// protocol field name (`orderId`, `txnAmt`, `accNo`, `smsCode`, …).
    #[uniffi::method(default(now = None))]
    pub fn build(
        &self,
        api: Api,
        params: Fields,
        now: Option<SystemTime>,
    ) -> Result<OutgoingRequest> {
        Ok(self
            .0
            .build(api, params.as_map(), now_or(now), &mut OsRandom)?)
    }

    /// A request stored with `request_to_json`, read back and checked.
    pub fn request_from_json(&self, json: String) -> Result<OutgoingRequest> {
        Ok(unionpay_acp::json::request_from_json(&json)?)
    }

    /// What to do after sending `sent`: `status` and `body` are the HTTP answer, `None`
    /// when there was none (connection failed, host timeout).
    #[uniffi::method(default(now = None))]
    pub fn next_step(
        &self,
        sent: OutgoingRequest,
        status: Option<u16>,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<NextStep> {
        let exchange = match status {
            Some(status) => Exchange::Answered {
                status,
                body: &body,
            },
            None => Exchange::NoAnswer,
        };
        Ok(self.0.next_step(&sent, exchange, now_or(now))?)
    }

    /// What to do after an accepted or pending `outcome` of `sent`.
    #[uniffi::method(default(now = None))]
    pub fn next_step_after(
        &self,
        sent: OutgoingRequest,
        outcome: Outcome,
        now: Option<SystemTime>,
    ) -> Result<NextStep> {
        Ok(self.0.next_step_after(&sent, outcome, now_or(now))?)
    }

    /// What a verified back notification settles about `request`.
    #[uniffi::method(default(now = None))]
    pub fn next_step_after_notification(
        &self,
        request: OutgoingRequest,
        notification: Notification,
        now: Option<SystemTime>,
    ) -> Result<NextStep> {
        Ok(self
            .0
            .next_step_after_notification(&request, &notification, now_or(now))?)
    }

    /// Verifies a back notification and says what to answer the POST, in every case.
    #[uniffi::method(default(now = None))]
    pub fn receive_notification(
        &self,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> NotificationReceipt {
        NotificationReceipt::new(self.0.receive_notification(&body, now_or(now)))
    }

    /// The status query of an earlier request (attempt counts from 1).
    #[uniffi::method(default(attempt = 1, now = None))]
    pub fn build_query_for(
        &self,
        request: OutgoingRequest,
        attempt: u32,
        now: Option<SystemTime>,
    ) -> Result<OutgoingRequest> {
        Ok(self
            .0
            .build_query_for(&request, attempt, now_or(now), &mut OsRandom)?)
    }

    /// Verifies and classifies the synchronous answer to `request`.
    #[uniffi::method(default(now = None))]
    pub fn handle_response(
        &self,
        request: OutgoingRequest,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<Outcome> {
        Ok(self.0.handle_response(&request, &body, now_or(now))?)
    }

    /// Reads the answer to a `key_update_query`; on `Replaced`, store `pem` and go on
    /// with `with_encryption_cert_pem(pem)`.
    #[uniffi::method(default(now = None))]
    pub fn handle_key_update(
        &self,
        request: OutgoingRequest,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<KeyUpdate> {
        Ok(self.0.handle_key_update(&request, &body, now_or(now))?)
    }

    /// Verifies a back notification (the raw body UnionPay POSTed to `backUrl`).
    #[uniffi::method(default(now = None))]
    pub fn verify_notification(
        &self,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<Notification> {
        Ok(self.0.verify_notification(&body, now_or(now))?)
    }

    /// Verifies a front notification (the browser's POST to `frontUrl`): never proof of
    /// payment.
    #[uniffi::method(default(now = None))]
    pub fn verify_front_notification(
        &self,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<Notification> {
        Ok(self.0.verify_front_notification(&body, now_or(now))?)
    }

    /// Whether `notification` reports on `request`.
    pub fn notification_matches(
        &self,
        notification: Notification,
        request: OutgoingRequest,
    ) -> bool {
        notification.matches(&request)
    }

    /// `accNo` of a verified answer in the clear (decrypted with the merchant key when
    /// UnionPay encrypted it).
    pub fn decrypt_acc_no(&self, response: Response) -> Result<Option<String>> {
        Ok(response.decrypt_acc_no(&self.0)?.map(|s| s.to_string()))
    }

    /// `customerInfo` of a verified answer with `encryptedInfo` decrypted.
    pub fn decrypt_customer_info(&self, response: Response) -> Result<Option<Fields>> {
        Ok(response.decrypt_customer_info(&self.0)?.map(|c| {
            let mut f = Fields::new();
            for (k, v) in c.iter() {
                f.insert_raw(k.to_owned(), v.to_owned());
            }
            f
        }))
    }
}

/// A request as the core's JSON (`unionpay-acp/request@1`): store it until its outcome is
/// final, then read it back with `Client.request_from_json`.
#[uniffi::export]
pub fn request_to_json(request: OutgoingRequest) -> String {
    unionpay_acp::json::to_json(&request)
}

/// The core's JSON of a next step (the conformance suite compares it across languages).
#[uniffi::export]
pub fn next_step_to_json(step: NextStep) -> String {
    unionpay_acp::json::to_json(&step)
}

/// The core's JSON of a notification.
#[uniffi::export]
pub fn notification_to_json(notification: Notification) -> String {
    unionpay_acp::json::to_json(&notification)
}

/// The core's JSON of a key update.
#[uniffi::export]
pub fn key_update_to_json(update: KeyUpdate) -> String {
    unionpay_acp::json::to_json(&update)
}
