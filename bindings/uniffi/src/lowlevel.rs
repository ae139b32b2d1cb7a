//! The protocol's building blocks: canonical string, signing, verification outside a
//! client, forms, PKCS#12. The client uses them all; the shared test vectors call them.

use crate::host::now_or;
use crate::keys::{backend, sign_with, Backend, Credentials};
use crate::Result;
use std::sync::Arc;
use std::time::SystemTime;
use unionpay_acp::client::settings::VerifierSettings;
use unionpay_acp::ffi::{CertificateInfo, Pkcs12Info, SignedFields};
use unionpay_acp::pki::{parse_pkcs12 as core_parse_pkcs12, Certificate};
use unionpay_acp::{form, Fields};

/// The signing string: non-empty values except `signature`, keys in byte order, `k=v&…`.
#[uniffi::export]
pub fn canonical_string(fields: Fields) -> Result<String> {
    Ok(form::canonical_string(&fields))
}

/// Signs `fields` (they must carry `version`).
#[uniffi::export]
pub fn sign_fields(fields: Fields, credentials: Arc<Credentials>) -> Result<SignedFields> {
    sign_with(fields, &credentials.to_core())
}

/// Verifies messages from UnionPay outside a client: parse → chain → name → validity →
/// signature. Keep one per process; it caches validated certificates.
#[derive(Debug, uniffi::Object)]
pub struct Verifier(unionpay_acp::Verifier);

#[uniffi::export]
impl Verifier {
    /// A verifier from the verification part of the client settings (JSON: `trust`,
    /// `verifySecureKey`, `verifyCerts500`, `legacy500Keys`).
    #[uniffi::constructor(default(backend = None))]
    pub fn new(settings_json: String, backend: Option<Backend>) -> Result<Arc<Self>> {
        let settings = VerifierSettings::from_json(&settings_json)?;
        Ok(Arc::new(Verifier(
            settings.into_verifier(self::backend(backend)?)?,
        )))
    }

    /// Verifies parsed fields.
    #[uniffi::method(default(now = None))]
    pub fn verify_fields(&self, fields: Fields, now: Option<SystemTime>) -> Result<()> {
        Ok(self.0.verify_fields(&fields, now_or(now))?)
    }

    /// Parses (brace-aware, no decoding) and verifies a synchronous answer body.
    #[uniffi::method(default(now = None))]
    pub fn verify_sync_body(&self, body: Vec<u8>, now: Option<SystemTime>) -> Result<Fields> {
        Ok(self.0.verify_sync_body(&body, now_or(now))?)
    }

    /// Parses (form-decoding) and verifies a notification body.
    #[uniffi::method(default(now = None))]
    pub fn verify_notify_body(&self, body: Vec<u8>, now: Option<SystemTime>) -> Result<Fields> {
        Ok(self.0.verify_notify_body(&body, now_or(now))?)
    }
}

/// Opens a PKCS#12 file and describes it.
#[uniffi::export]
pub fn parse_pkcs12(pfx: Vec<u8>, password: String) -> Result<Pkcs12Info> {
    Ok((&core_parse_pkcs12(&pfx, &password)?).into())
}

/// Parses a PEM or DER certificate.
#[uniffi::export]
pub fn parse_certificate(cert: Vec<u8>) -> Result<CertificateInfo> {
    Ok((&Certificate::parse(&cert)?).into())
}

/// Form-encodes fields (keys in byte order, Java `URLEncoder` rules).
#[uniffi::export]
pub fn encode_form(fields: Fields) -> Result<String> {
    Ok(form::encode_form(&fields))
}

/// Checks a `signMethod` value (`01`, `11`, `12`) and returns it.
#[uniffi::export]
pub fn parse_sign_method(sign_method: String) -> Result<String> {
    Ok(unionpay_acp::SignMethod::parse(&sign_method)?
        .as_str()
        .to_owned())
}

/// DANGER: parses a synchronous answer body WITHOUT verifying it. Nothing read this way
/// is UnionPay's word; the vectors use it to check the parser alone.
#[uniffi::export]
pub fn danger_parse_sync_body(body: Vec<u8>) -> Result<Fields> {
    Ok(form::parse_sync_body(&body)?)
}

/// DANGER: parses a notification body WITHOUT verifying it.
#[uniffi::export]
pub fn danger_parse_notify_body(body: Vec<u8>) -> Result<Fields> {
    Ok(form::parse_notify_body(&body)?)
}
