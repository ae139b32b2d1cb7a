//! The encryption key update query's answer (spec §11): a new certificate for the host
//! to keep, checked against the trust profile first.

use super::api::Api;
use super::outcome::Outcome;
use super::request::OutgoingRequest;
use super::response::Response;
use super::Client;
use crate::error::{Error, ErrorCode, Result};
use crate::key::EncryptionCert;
use crate::pki::Certificate;
use crate::time::Timestamp;

/// How often to ask for a new encryption certificate: daily (spec §11.3; old and new
/// certificates overlap for about a month).
pub const KEY_UPDATE_INTERVAL_SECONDS: i64 = 24 * 3600;

/// What the key update query found.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum KeyUpdate {
    /// UnionPay's certificate is the one configured.
    Unchanged {
        /// Its `encryptCertId`.
        cert_id: String,
        /// When to ask again.
        next_check_at: Timestamp,
    },
    /// UnionPay has another certificate (or none was configured; it chains to the trust
    /// profile and is valid): store `pem` and go on with a client made with it
    /// ([`Client::with_encryption_cert_pem`]). Nothing changes on its own.
    Replaced {
        /// The new `encryptCertId`.
        cert_id: String,
        /// The certificate as UnionPay sent it (PEM, CRLF line breaks).
        pem: String,
        /// When to ask again.
        next_check_at: Timestamp,
    },
}

impl KeyUpdate {
    /// When to ask again.
    pub fn next_check_at(&self) -> Timestamp {
        match self {
            KeyUpdate::Unchanged { next_check_at, .. }
            | KeyUpdate::Replaced { next_check_at, .. } => *next_check_at,
        }
    }
}

impl Client {
    /// The client to go on with after `update`: this one when UnionPay's certificate is
    /// unchanged, one with the certificate it sent when replaced. Nothing changes on its
    /// own: the caller stores the PEM and switches.
    ///
    /// # Errors
    /// Certificate errors when the replaced PEM is not a usable encryption certificate.
    pub fn after_key_update(&self, update: &KeyUpdate) -> Result<Client> {
        match update {
            KeyUpdate::Unchanged { .. } => Ok(self.clone()),
            KeyUpdate::Replaced { pem, .. } => self.with_encryption_cert_pem(pem.as_bytes()),
        }
    }

    /// Verifies the answer to a key update query 95 and compares UnionPay's encryption
    /// certificate with the configured one. The certificate must chain to the trust
    /// profile's middle and root and be valid at `now` (its CN is not checked: encryption
    /// certificates carry `00040000:SIGN` even in production).
    ///
    /// # Errors
    /// As [`Client::handle_response`]; [`ErrorCode::GatewayRejected`] when UnionPay did not
    /// answer `00`; chain and validity errors for the certificate.
    pub fn handle_key_update(
        &self,
        request: &OutgoingRequest,
        body: &[u8],
        now: Timestamp,
    ) -> Result<KeyUpdate> {
        if request.api != Api::KeyUpdateQuery {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "a key update reads the answer to a key_update_query request, not to a {} request",
                    request.api.name()
                ),
            ));
        }
        let response = match self.handle_response(request, body, now)? {
            Outcome::Success(r) => r,
            other => {
                let r = other.response();
                return Err(Error::new(
                    ErrorCode::GatewayRejected,
                    format!(
                        "the key update query was answered respCode '{}' ({}); keep the current certificate and ask again later",
                        r.resp_code(),
                        r.resp_msg()
                    ),
                ));
            }
        };
        let (cert, pem) = self.validated_encryption_cert(&response, now)?;
        let cert_id = cert.cert_id().to_owned();
        let next_check_at = now.plus_seconds(KEY_UPDATE_INTERVAL_SECONDS);
        let current = self.config().encryption_cert.as_ref().map(|c| c.cert_id());
        Ok(if current == Some(cert_id.as_str()) {
            KeyUpdate::Unchanged {
                cert_id,
                next_check_at,
            }
        } else {
            KeyUpdate::Replaced {
                cert_id,
                pem,
                next_check_at,
            }
        })
    }

    /// The `encryptPubKeyCert` of a successful key update answer, checked.
    pub(crate) fn validated_encryption_cert(
        &self,
        response: &Response,
        now: Timestamp,
    ) -> Result<(EncryptionCert, String)> {
        if let Some(t) = response.get("certType").filter(|t| *t != "01") {
            return Err(Error::new(
                ErrorCode::ResponseMismatch,
                format!("the key update answer is for certType '{t}', but certType 01 was asked"),
            ));
        }
        let pem = response.encrypt_pub_key_cert().ok_or_else(|| {
            Error::new(
                ErrorCode::ReceivedFieldInvalid,
                "the key update answer reports success but has no encryptPubKeyCert",
            )
        })?;
        let parsed = Certificate::from_pem(pem.as_bytes())?;
        self.verifier()
            .validate_issued_cert(&parsed, now)
            .map_err(|e| {
                let step = e.step().unwrap_or(crate::error::VerifyStep::Chain);
                Error::verify(
                    e.code(),
                    step,
                    format!(
                        "encryptPubKeyCert (serial {}): {}",
                        parsed.cert_id(),
                        e.message()
                    ),
                )
            })?;
        let cert = EncryptionCert::from_certificate_with(parsed, self.config.backend.as_ref())?;
        Ok((cert, pem.to_owned()))
    }
}
