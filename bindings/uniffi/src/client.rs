//! The merchant client: build a request, let the host POST it, read the answer; verify
//! notifications. Every method delegates to `unionpay_acp::Client`.

use crate::convert::{FieldMap, OutgoingRequest, TokenPayData};
use crate::error::{invalid_argument, Result};
use crate::host::{now_or, to_system_time, OsRandom};
use crate::keys::{backend, mode, Backend, Credentials, EncryptionCert, InfoMode, Trust};
use crate::response::Response;
use std::sync::Arc;
use std::time::SystemTime;
use unionpay_acp::client::{self as core, Api};
use unionpay_acp::pki::Certificate;
use unionpay_acp::secret::SecureKey;
use unionpay_acp::Version;

/// Where requests go.
#[derive(Clone, Debug, uniffi::Enum)]
pub enum Environment {
    /// UnionPay production.
    Production,
    /// UnionPay's test environment.
    Test,
    /// Every endpoint under one base URL with UnionPay's paths, e.g. the local sandbox.
    Custom { base_url: String },
}

/// `bizType` per API family (the defaults are the core's).
#[derive(Clone, Debug, uniffi::Record)]
pub struct BizTypes {
    pub token: String,
    pub standard: String,
    pub open_and_pay: String,
    pub undo_refund: String,
    pub query: String,
    pub generic: String,
    pub preauth: String,
}

/// One merchant's configuration. Unset options keep the core's defaults.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ClientConfig {
    /// `merId`, 15 digits.
    pub mer_id: String,
    /// The merchant key (signMethod 01) or a secure key (11/12).
    pub credentials: Credentials,
    /// Where requests go.
    pub environment: Environment,
    /// What answers and notifications must chain to.
    pub trust: Trust,
    /// UnionPay's encryption certificate (needed whenever card data is sent).
    #[uniffi(default = None)]
    pub encryption_cert: Option<Arc<EncryptionCert>>,
    /// `accessType` (default `0`).
    #[uniffi(default = None)]
    pub access_type: Option<String>,
    /// `channelType` (default `07`).
    #[uniffi(default = None)]
    pub channel_type: Option<String>,
    /// `trId` (default `62000000001` for test and custom environments).
    #[uniffi(default = None)]
    pub tr_id: Option<String>,
    /// How `customerInfo` is built (default encrypted).
    #[uniffi(default = None)]
    pub customer_info_mode: Option<InfoMode>,
    /// `version` (default `5.1.0`).
    #[uniffi(default = None)]
    pub version: Option<String>,
    /// The secure key to verify signMethod 11/12 messages with.
    #[uniffi(default = None)]
    pub verify_secure_key: Option<String>,
    /// UnionPay's 5.0.0 verify certificates.
    #[uniffi(default = [])]
    pub verify_certs_500: Vec<Vec<u8>>,
    /// The longest orderId accepted (default 32).
    #[uniffi(default = None)]
    pub order_id_max_len: Option<u32>,
    /// `bizType` per API family.
    #[uniffi(default = None)]
    pub biz_types: Option<BizTypes>,
    /// The RSA implementation (default native).
    #[uniffi(default = None)]
    pub backend: Option<Backend>,
}

impl ClientConfig {
    fn to_core(&self) -> Result<core::ClientConfig> {
        let environment = match &self.environment {
            Environment::Production => core::Environment::Production,
            Environment::Test => core::Environment::Test,
            Environment::Custom { base_url } => {
                core::Environment::Custom(core::Endpoints::for_base_url(base_url)?)
            }
        };
        let mut c = core::ClientConfig::new(
            self.mer_id.clone(),
            self.credentials.to_core()?,
            environment,
            self.trust.to_core()?,
        );
        c.encryption_cert = self.encryption_cert.as_ref().map(|e| e.0.clone());
        if let Some(v) = &self.access_type {
            c.access_type = v.clone();
        }
        if let Some(v) = &self.channel_type {
            c.channel_type = v.clone();
        }
        if let Some(v) = &self.tr_id {
            c.tr_id = Some(v.clone());
        }
        c.customer_info_mode = mode(self.customer_info_mode);
        if let Some(v) = &self.version {
            c.version = Version::parse(v)?;
        }
        if let Some(k) = &self.verify_secure_key {
            c.verify_secure_key = Some(SecureKey::new(k.as_str())?);
        }
        c.verify_certs_500 = self
            .verify_certs_500
            .iter()
            .map(|b| Certificate::parse(b))
            .collect::<unionpay_acp::Result<_>>()?;
        if let Some(n) = self.order_id_max_len {
            c.order_id_max_len = usize::try_from(n).unwrap_or(usize::MAX);
        }
        if let Some(b) = &self.biz_types {
            c.biz_types = core::BizTypes {
                token: b.token.clone(),
                standard: b.standard.clone(),
                open_and_pay: b.open_and_pay.clone(),
                undo_refund: b.undo_refund.clone(),
                query: b.query.clone(),
                generic: b.generic.clone(),
                preauth: b.preauth.clone(),
            };
        }
        c.backend = backend(self.backend)?;
        Ok(c)
    }
}

/// The URLs of the client's environment.
#[derive(Clone, Debug, uniffi::Record)]
pub struct Endpoints {
    pub front: String,
    pub back: String,
    pub query: String,
    pub file: String,
    pub app: String,
}

/// The verified, classified answer to a request.
#[derive(Clone, Debug, uniffi::Record)]
pub struct Outcome {
    /// `success`, `accepted`, `pending`, `failed` or `no_file`.
    pub name: String,
    /// The respCode that decided it (`origRespCode` for a found status query).
    pub decisive_code: String,
    /// Failed outcomes: the refusal's respCode and respMsg (origRespCode/origRespMsg for
    /// a status query).
    pub failed_code: Option<String>,
    pub failed_msg: Option<String>,
    /// Accepted and pending outcomes: when to send the next status query.
    pub query_at: Option<SystemTime>,
    /// Pending outcomes: `unknown`, `not_found`, `awaiting_cardholder`, `too_frequent`,
    /// `query_rejected`.
    pub pending_reason: Option<String>,
    /// The verified answer.
    pub response: Arc<Response>,
}

impl From<core::Outcome> for Outcome {
    fn from(o: core::Outcome) -> Self {
        let (failed_code, failed_msg) = match &o {
            core::Outcome::Failed {
                resp_code,
                resp_msg,
                ..
            } => (Some(resp_code.clone()), Some(resp_msg.clone())),
            _ => (None, None),
        };
        Outcome {
            name: o.name().to_owned(),
            decisive_code: o.decisive_code().to_owned(),
            failed_code,
            failed_msg,
            query_at: o.query_at().map(to_system_time),
            pending_reason: o.pending_reason().map(|r| r.name().to_owned()),
            response: Arc::new(Response(o.response().clone())),
        }
    }
}

/// A verified notification (see the core's `Notification`).
#[derive(Clone, Debug, uniffi::Record)]
pub struct Notification {
    /// `back` (UnionPay's server) or `front` (the browser: never proof of payment).
    pub source: String,
    /// The API it reports on, when this product notifies that txnType/txnSubType.
    pub api: Option<String>,
    pub txn_type: String,
    pub txn_sub_type: String,
    pub biz_type: String,
    /// Whether respCode is `00` or `A6`.
    pub success: bool,
    pub resp_code: String,
    pub resp_msg: String,
    pub mer_id: String,
    pub order_id: Option<String>,
    pub txn_time: Option<String>,
    pub txn_amt: Option<u64>,
    pub query_id: Option<String>,
    pub orig_qry_id: Option<String>,
    pub settle_date: Option<String>,
    pub settle_amt: Option<u64>,
    pub trace_no: Option<String>,
    pub trace_time: Option<String>,
    pub token_pay_data: Option<TokenPayData>,
    /// Every field, with the response accessors.
    pub response: Arc<Response>,
}

impl From<core::Notification> for Notification {
    fn from(n: core::Notification) -> Self {
        Notification {
            source: match n.source {
                core::NotificationSource::Back => "back".to_owned(),
                core::NotificationSource::Front => "front".to_owned(),
            },
            api: n.api.map(|a| a.name().to_owned()),
            txn_type: n.txn_type,
            txn_sub_type: n.txn_sub_type,
            biz_type: n.biz_type,
            success: n.success,
            resp_code: n.resp_code,
            resp_msg: n.resp_msg,
            mer_id: n.mer_id,
            order_id: n.order_id,
            txn_time: n.txn_time,
            txn_amt: n.txn_amt,
            query_id: n.query_id,
            orig_qry_id: n.orig_qry_id,
            settle_date: n.settle_date,
            settle_amt: n.settle_amt,
            trace_no: n.trace_no,
            trace_time: n.trace_time,
            token_pay_data: n.token_pay_data.map(Into::into),
            response: Arc::new(Response(n.response)),
        }
    }
}

impl TryFrom<&Notification> for core::Notification {
    type Error = crate::error::AcpError;

    fn try_from(n: &Notification) -> Result<Self> {
        Ok(core::Notification {
            source: match n.source.as_str() {
                "back" => core::NotificationSource::Back,
                "front" => core::NotificationSource::Front,
                other => {
                    return Err(invalid_argument(format!(
                        "notification source '{other}' is not back or front"
                    )))
                }
            },
            api: n.api.as_deref().map(Api::from_name).transpose()?,
            txn_type: n.txn_type.clone(),
            txn_sub_type: n.txn_sub_type.clone(),
            biz_type: n.biz_type.clone(),
            success: n.success,
            resp_code: n.resp_code.clone(),
            resp_msg: n.resp_msg.clone(),
            mer_id: n.mer_id.clone(),
            order_id: n.order_id.clone(),
            txn_time: n.txn_time.clone(),
            txn_amt: n.txn_amt,
            query_id: n.query_id.clone(),
            orig_qry_id: n.orig_qry_id.clone(),
            settle_date: n.settle_date.clone(),
            settle_amt: n.settle_amt,
            trace_no: n.trace_no.clone(),
            trace_time: n.trace_time.clone(),
            token_pay_data: n.token_pay_data.as_ref().map(Into::into),
            response: n.response.0.clone(),
        })
    }
}

/// What the encryption-key update query found.
#[derive(Clone, Debug, uniffi::Record)]
pub struct KeyUpdate {
    /// Whether UnionPay has another certificate than the configured one: then store
    /// `pem` and switch with `Client.with_encryption_cert(cert)`.
    pub replaced: bool,
    /// UnionPay's current `encryptCertId`.
    pub cert_id: String,
    /// Replaced only: the certificate as sent (PEM, CRLF) and parsed.
    pub pem: Option<String>,
    pub cert: Option<Arc<EncryptionCert>>,
    /// When to ask again.
    pub next_check_at: SystemTime,
}

/// One merchant's client; thread-safe, share it.
#[derive(Debug, uniffi::Object)]
pub struct Client(pub(crate) core::Client);

#[uniffi::export]
impl Client {
    /// Checks the configuration and prepares the verifier.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>> {
        Ok(Arc::new(Client(core::Client::new(config.to_core()?)?)))
    }

    /// The same client with another encryption certificate (after a key update).
    pub fn with_encryption_cert(&self, cert: Arc<EncryptionCert>) -> Arc<Client> {
        Arc::new(Client(self.0.with_encryption_cert(cert.0.clone())))
    }

    /// `merId`.
    pub fn mer_id(&self) -> String {
        self.0.config().mer_id.clone()
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
        let e = self.0.endpoints();
        Endpoints {
            front: e.front.clone(),
            back: e.back.clone(),
            query: e.query.clone(),
            file: e.file.clone(),
            app: e.app.clone(),
        }
    }

    /// Builds and signs the request of `api` (see `api_names()`) from parameters keyed by
    /// protocol field name (`orderId`, `txnAmt`, `accNo`, `smsCode`, …).
    #[uniffi::method(default(now = None))]
    pub fn build(
        &self,
        api: String,
        params: FieldMap,
        now: Option<SystemTime>,
    ) -> Result<OutgoingRequest> {
        let api = Api::from_name(&api)?;
        Ok(self
            .0
            .build(api, &params.0, now_or(now), &mut OsRandom)?
            .into())
    }

    /// The status query of an earlier request (attempt counts from 1).
    #[uniffi::method(default(attempt = 1, now = None))]
    pub fn build_query_for(
        &self,
        request: OutgoingRequest,
        attempt: u32,
        now: Option<SystemTime>,
    ) -> Result<OutgoingRequest> {
        let request = core::OutgoingRequest::try_from(&request)?;
        Ok(self
            .0
            .build_query_for(&request, attempt, now_or(now), &mut OsRandom)?
            .into())
    }

    /// Verifies and classifies the synchronous answer to `request`.
    #[uniffi::method(default(now = None))]
    pub fn handle_response(
        &self,
        request: OutgoingRequest,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<Outcome> {
        let request = core::OutgoingRequest::try_from(&request)?;
        Ok(self.0.handle_response(&request, &body, now_or(now))?.into())
    }

    /// Reads the answer to a `key_update_query`.
    #[uniffi::method(default(now = None))]
    pub fn handle_key_update(
        &self,
        request: OutgoingRequest,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<KeyUpdate> {
        let request = core::OutgoingRequest::try_from(&request)?;
        Ok(
            match self.0.handle_key_update(&request, &body, now_or(now))? {
                core::KeyUpdate::Unchanged {
                    cert_id,
                    next_check_at,
                } => KeyUpdate {
                    replaced: false,
                    cert_id,
                    pem: None,
                    cert: None,
                    next_check_at: to_system_time(next_check_at),
                },
                core::KeyUpdate::Replaced {
                    cert_id,
                    pem,
                    cert,
                    next_check_at,
                } => KeyUpdate {
                    replaced: true,
                    cert_id,
                    pem: Some(pem),
                    cert: Some(Arc::new(EncryptionCert(*cert))),
                    next_check_at: to_system_time(next_check_at),
                },
            },
        )
    }

    /// Verifies a back notification (the raw body UnionPay POSTed to `backUrl`).
    #[uniffi::method(default(now = None))]
    pub fn verify_notification(
        &self,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<Notification> {
        Ok(self.0.verify_notification(&body, now_or(now))?.into())
    }

    /// Verifies a front notification (the browser's POST to `frontUrl`): never proof of
    /// payment.
    #[uniffi::method(default(now = None))]
    pub fn verify_front_notification(
        &self,
        body: Vec<u8>,
        now: Option<SystemTime>,
    ) -> Result<Notification> {
        Ok(self.0.verify_front_notification(&body, now_or(now))?.into())
    }

    /// Whether `notification` reports on `request` (merId, orderId, txnTime, txnType,
    /// txnSubType, and txnAmt when both carry one).
    pub fn notification_matches(
        &self,
        notification: Notification,
        request: OutgoingRequest,
    ) -> Result<bool> {
        let n = core::Notification::try_from(&notification)?;
        Ok(n.matches(&core::OutgoingRequest::try_from(&request)?))
    }
}
