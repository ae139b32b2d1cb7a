//! The merchant client: one typed request per product API, typed outcomes, notifications.
//!
//! ```text
//!    params ──► client.build_<api>(&params, now, rng) ──► OutgoingRequest {url, body, html…}
//!                                                             │ host POSTs body to url
//!    Outcome ◄── client.handle_response(&request, body, now) ◄┘
//!    Notification ◄── client.verify_notification(body, now)     (UnionPay POSTs to backUrl)
//! ```
//!
//! A [`Client`] holds one merchant's configuration; several live side by side, and one is
//! safe to share between threads. Nothing here reads a clock, a file or the OS RNG.

mod admin;
mod api;
mod by_name;
mod config;
mod followup;
mod handle;
mod html;
mod key_update;
mod lifecycle;
mod notification;
mod open;
mod outcome;
mod pay;
mod request;
mod response;
mod schedule;
#[cfg(feature = "json")]
pub mod settings;
mod token;
mod validate;

pub use admin::{FileTransferParams, KeyUpdateQueryParams, StatusQueryParams};
pub use api::{Api, SmsKind};
pub use by_name::ParamMap;
pub use config::{BizTypes, ClientConfig, EndpointKind, Endpoints, Environment, TEST_TR_ID};
pub use followup::{
    CompletionUndoParams, ConsumeUndoParams, PreAuthCompletionParams, PreAuthUndoParams,
    RefundParams, ReversalParams,
};
pub use html::{auto_submit_page, escape_html, escape_into};
pub use key_update::{KeyUpdate, KEY_UPDATE_INTERVAL_SECONDS};
pub use lifecycle::{Exchange, NextStep, NotificationReply, StopReason, ANSWER_STATUS};
pub use notification::{Notification, NotificationSource};
pub use open::{
    ApplyTokenParams, BackOpenParams, FrontOpenParams, OpenAndPayParams, OpenQueryParams,
    DEFAULT_PAY_TIMEOUT_SECONDS,
};
pub use outcome::{Outcome, PendingReason, QueriedTxn, FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS};
pub use pay::{ConsumeParams, PreAuthParams, SmsParams, SmsPurpose};
pub use request::{Order, OutgoingRequest, Payer, SmsPairing, FORM_CONTENT_TYPE};
pub use response::{ReceivedCustomerInfo, Response, TokenPayData};
pub use schedule::{next_query_at, query_gap_seconds, QueryCadence, BACK_QUERY_HORIZON_SECONDS};
pub use token::{DeleteTokenParams, UpdateTokenParams};

use crate::error::{Error, ErrorCode, Result};
use crate::key::{EncryptionCert, MerchantKey};
use crate::sign::Credentials;
use crate::time::Timestamp;
use crate::verify::Verifier;
use std::sync::Arc;

/// One merchant's client. Cheap to clone (the verifier and its certificate cache are
/// shared); `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Client {
    config: ClientConfig,
    endpoints: Endpoints,
    verifier: Arc<Verifier>,
}

impl Client {
    /// Checks the configuration and prepares the verifier.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidField`] for a malformed merId, accessType, channelType, trId or
    /// bizType; [`ErrorCode::InvalidArgument`] for a bad orderId limit; certificate errors
    /// for a broken trust profile.
    pub fn new(config: ClientConfig) -> Result<Client> {
        config.validate()?;
        let mut verifier = Verifier::new(config.trust.clone(), config.backend.clone())?;
        // Secure-key signatures (11/12) are accepted only when asked for: signing with a
        // secure key does not imply it.
        if let Some(key) = &config.verify_secure_key {
            verifier = verifier.with_secure_key(key.clone())?;
        }
        if !config.verify_certs_500.is_empty() {
            verifier = verifier
                .with_verify_certs(config.verify_certs_500.clone())
                .with_legacy_500_keys(config.legacy_500_keys);
        }
        Ok(Client {
            endpoints: config.environment.endpoints(),
            config,
            verifier: Arc::new(verifier),
        })
    }

    /// The same client with another encryption certificate (after a key update), sharing
    /// the verifier and its cache.
    pub fn with_encryption_cert(&self, cert: EncryptionCert) -> Client {
        let mut next = self.clone();
        next.config.encryption_cert = Some(cert);
        next
    }

    /// [`Client::with_encryption_cert`] from the PEM (or DER) a key update returned, read
    /// with this client's crypto backend.
    ///
    /// # Errors
    /// Certificate errors when `pem` is not a usable encryption certificate.
    pub fn with_encryption_cert_pem(&self, pem: &[u8]) -> Result<Client> {
        let cert = EncryptionCert::parse_with(pem, self.config.backend.as_ref())?;
        Ok(self.with_encryption_cert(cert))
    }

    /// When the merchant's signing certificate stops being valid; `None` for secure-key
    /// credentials. UnionPay refuses requests signed with an expired certificate, so a host
    /// warns well before (UnionPay's 2021 test certificate expired on 2026-11-26).
    pub fn signing_cert_not_after(&self) -> Option<Timestamp> {
        match &self.config.credentials {
            Credentials::Rsa(key) => Some(key.certificate().not_after()),
            Credentials::SecureKey { .. } => None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The URLs requests go to.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The verifier (for hosts that verify messages outside the typed API).
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The merchant key: it decrypts what UnionPay encrypted to the merchant.
    pub(crate) fn merchant_key(&self) -> Result<&MerchantKey> {
        match &self.config.credentials {
            Credentials::Rsa(key) => Ok(key),
            Credentials::SecureKey { .. } => Err(Error::new(
                ErrorCode::InvalidArgument,
                "decrypting needs the merchant's PFX key; this client signs with a secure key (signMethod 11/12)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn client_is_send_and_sync() {
        assert_send_sync::<Client>();
        assert_send_sync::<OutgoingRequest>();
        assert_send_sync::<Outcome>();
        assert_send_sync::<Notification>();
    }

    #[test]
    fn every_api_has_its_codes_and_a_unique_name() {
        let mut names = std::collections::HashSet::new();
        for api in Api::ALL {
            assert!(names.insert(api.name()), "{api:?}");
            assert_eq!(api.txn_type().len(), 2);
            assert_eq!(api.txn_sub_type().len(), 2);
        }
        assert_eq!(names.len(), 23);
    }
}
