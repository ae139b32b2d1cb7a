//! The protocol's building blocks: canonical string, signing, verification, forms, PKCS#12.
//! The client uses them all; the shared test vectors call them directly.

use crate::convert::{CertificateInfo, FieldMap};
use crate::error::Result;
use crate::host::now_or;
use crate::keys::{backend, Backend, Credentials, Trust};
use std::sync::Arc;
use std::time::SystemTime;
use unionpay_acp::client::Api;
use unionpay_acp::pki::{parse_pkcs12 as core_parse_pkcs12, Certificate};
use unionpay_acp::secret::SecureKey;
use unionpay_acp::{form, sign_fields as core_sign_fields};

/// The names of every product API, for `Client.build` (`consume`, `sms_open`, …).
#[uniffi::export]
pub fn api_names() -> Vec<String> {
    Api::ALL.iter().map(|a| a.name().to_owned()).collect()
}

/// The signing string: non-empty values except `signature`, keys in byte order, `k=v&…`.
#[uniffi::export]
pub fn canonical_string(fields: FieldMap) -> String {
    form::canonical_string(&fields.to_fields())
}

/// A signed field set and what signing computed.
#[derive(Clone, Debug, uniffi::Record)]
pub struct SignedFields {
    /// The fields with `signMethod`, `certId` (01) and `signature` set.
    pub fields: FieldMap,
    /// The canonical string that was signed.
    pub canonical: String,
    /// Lowercase hex digest of the canonical string.
    pub digest_hex: String,
}

/// Signs `fields` (they must carry `version`).
#[uniffi::export]
pub fn sign_fields(fields: FieldMap, credentials: Credentials) -> Result<SignedFields> {
    sign_with(fields, &credentials.to_core()?)
}

pub(crate) fn sign_with(
    fields: FieldMap,
    credentials: &unionpay_acp::Credentials,
) -> Result<SignedFields> {
    let mut f = fields.to_fields();
    let info = core_sign_fields(&mut f, credentials)?;
    Ok(SignedFields {
        fields: f.into(),
        canonical: info.canonical,
        digest_hex: info.digest_hex,
    })
}

/// Verifies messages from UnionPay: parse → chain → name → validity → signature. Keep one
/// per process; it caches validated certificates.
#[derive(Debug, uniffi::Object)]
pub struct Verifier(unionpay_acp::Verifier);

#[uniffi::export]
impl Verifier {
    /// A verifier for `trust`; `secure_key` verifies signMethod 11/12 messages;
    /// `verify_certs_500` are UnionPay's 5.0.0 verify certificates (looked up by certId).
    #[uniffi::constructor(default(secure_key = None, verify_certs_500 = [], backend = None))]
    pub fn new(
        trust: Trust,
        secure_key: Option<String>,
        verify_certs_500: Vec<Vec<u8>>,
        backend: Option<Backend>,
    ) -> Result<Arc<Self>> {
        let mut v = unionpay_acp::Verifier::new(trust.to_core()?, self::backend(backend)?)?;
        if let Some(key) = secure_key {
            v = v.with_secure_key(SecureKey::new(key)?)?;
        }
        if !verify_certs_500.is_empty() {
            let certs = verify_certs_500
                .iter()
                .map(|c| Certificate::parse(c))
                .collect::<unionpay_acp::Result<Vec<_>>>()?;
            v = v.with_verify_certs(certs);
        }
        Ok(Arc::new(Verifier(v)))
    }

    /// Verifies parsed fields.
    #[uniffi::method(default(now = None))]
    pub fn verify_fields(&self, fields: FieldMap, now: Option<SystemTime>) -> Result<()> {
        Ok(self.0.verify_fields(&fields.to_fields(), now_or(now))?)
    }

    /// Parses (brace-aware, no decoding) and verifies a synchronous answer body.
    #[uniffi::method(default(now = None))]
    pub fn verify_sync_body(&self, body: Vec<u8>, now: Option<SystemTime>) -> Result<FieldMap> {
        Ok(self.0.verify_sync_body(&body, now_or(now))?.into())
    }

    /// Parses (form-decoding) and verifies a notification body.
    #[uniffi::method(default(now = None))]
    pub fn verify_notify_body(&self, body: Vec<u8>, now: Option<SystemTime>) -> Result<FieldMap> {
        Ok(self.0.verify_notify_body(&body, now_or(now))?.into())
    }
}

/// What a PKCS#12 file holds (the private key stays inside; load it with `MerchantKey`).
#[derive(Clone, Debug, uniffi::Record)]
pub struct Pkcs12Info {
    /// The certificate matching the private key.
    pub certificate: CertificateInfo,
    /// The other certificates, in file order.
    pub extra_certificates: Vec<CertificateInfo>,
}

/// Opens a PKCS#12 file and describes it.
#[uniffi::export]
pub fn parse_pkcs12(pfx: Vec<u8>, password: String) -> Result<Pkcs12Info> {
    let p = core_parse_pkcs12(&pfx, &password)?;
    Ok(Pkcs12Info {
        certificate: (&p.certificate).into(),
        extra_certificates: p.extra_certificates.iter().map(Into::into).collect(),
    })
}

/// Parses a PEM or DER certificate.
#[uniffi::export]
pub fn parse_certificate(cert: Vec<u8>) -> Result<CertificateInfo> {
    Ok((&Certificate::parse(&cert)?).into())
}

/// Parses a synchronous answer body (`k=v&…`, brace-aware, values kept raw).
#[uniffi::export]
pub fn parse_sync_body(body: Vec<u8>) -> Result<FieldMap> {
    Ok(form::parse_sync_body(&body)?.into())
}

/// Parses a form-encoded notification body.
#[uniffi::export]
pub fn parse_notify_body(body: Vec<u8>) -> Result<FieldMap> {
    Ok(form::parse_notify_body(&body)?.into())
}

/// Form-encodes fields (keys in byte order, Java `URLEncoder` rules).
#[uniffi::export]
pub fn encode_form(fields: FieldMap) -> String {
    form::encode_form(&fields.to_fields())
}

/// Checks a `signMethod` value (`01`, `11`, `12`) and returns it; the shared vectors
/// derive their credentials from it, as the Rust harness does.
#[uniffi::export]
pub fn parse_sign_method(sign_method: String) -> Result<String> {
    Ok(unionpay_acp::SignMethod::parse(&sign_method)?
        .as_str()
        .to_owned())
}
