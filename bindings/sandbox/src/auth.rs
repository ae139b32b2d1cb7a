//! Verifying the merchant's request signature (spec §4): the gateway side of signing.
//!
//! signMethod 01: the certificate is found by `certId` among the merchant certificates
//! the sandbox trusts; the signature is RSA over the lowercase hex digest of the canonical
//! string (double hashing), SHA-256 for 5.1.0 and SHA-1 for 5.0.0 (spec §4.2/§4.3).
//! 11/12 (5.1.0 only): the secure key.

use crate::codes::{self, Outcome};
use crate::gateway::{Auth, Gateway};
use base64::Engine as _;
use std::collections::BTreeMap;
use std::sync::Arc;
use unionpay_acp::crypto::{CryptoBackend, HashAlg, PublicKeyOps};
use unionpay_acp::form::canonical_string;
use unionpay_acp::pki::Certificate;
use unionpay_acp::{Credentials, Fields, SignMethod, Version};

/// A trusted merchant certificate with its loaded public key.
pub struct MerchantCert {
    pub certificate: Certificate,
    pub key: Arc<dyn PublicKeyOps>,
}

/// Trusted merchant certificates by certId.
#[derive(Default)]
pub struct MerchantCerts(BTreeMap<String, MerchantCert>);

impl MerchantCerts {
    pub fn load(certs: &[Certificate], backend: &dyn CryptoBackend) -> unionpay_acp::Result<Self> {
        let mut map = BTreeMap::new();
        for c in certs {
            let key = backend.load_public_key(c.public_key()?)?;
            map.insert(
                c.cert_id(),
                MerchantCert {
                    certificate: c.clone(),
                    key,
                },
            );
        }
        Ok(MerchantCerts(map))
    }

    pub fn get(&self, cert_id: &str) -> Option<&MerchantCert> {
        self.0.get(cert_id)
    }

    pub fn ids(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }
}

/// Checks the envelope fields and the signature.
pub fn authenticate(gw: &Gateway, f: &Fields) -> Outcome<Auth> {
    for key in ["version", "encoding", "signMethod", "signature"] {
        if f.get(key).is_none_or(str::is_empty) {
            return Err(codes::missing(key));
        }
    }
    let version = f.get("version").unwrap_or_default();
    let version = Version::parse(version).map_err(|_| {
        codes::format_error(format!(
            "version {version} is not supported by the sandbox (5.1.0 or 5.0.0)"
        ))
    })?;
    let encoding = f.get("encoding").unwrap_or_default();
    if !encoding.eq_ignore_ascii_case("UTF-8") {
        return Err(codes::format_error(format!(
            "encoding {encoding} is not supported by the sandbox (UTF-8 only)"
        )));
    }
    let method = f.get("signMethod").unwrap_or_default();
    let signature = f.get("signature").unwrap_or_default();
    if version == Version::V5_0_0 && method != "01" {
        return Err(codes::format_error(format!(
            "signMethod {method} does not exist in version 5.0.0 (01 only)"
        )));
    }
    match method {
        "01" => {
            let cert_id = f
                .get("certId")
                .filter(|v| !v.is_empty())
                .ok_or_else(|| codes::missing("certId"))?;
            let cert = gw.merchants.get(cert_id).ok_or_else(|| {
                codes::Reject::new(
                    "11",
                    format!("Signature verification failed[9100004]: certId {cert_id} is not a merchant certificate the sandbox knows"),
                )
            })?;
            let sig = base64::engine::general_purpose::STANDARD
                .decode(signature)
                .map_err(|_| codes::signature_failed())?;
            let hash: HashAlg = version.rsa_hash();
            let digest_hex = hash.hex_digest(canonical_string(f).as_bytes());
            if cert.key.verify_pkcs1v15(hash, digest_hex.as_bytes(), &sig) != Ok(true) {
                return Err(codes::signature_failed());
            }
            Ok(Auth {
                cert_id: cert_id.to_owned(),
                method: method.to_owned(),
                version,
            })
        }
        "11" | "12" => {
            let key = gw.secure_key.as_ref().ok_or_else(codes::signature_failed)?;
            let sign_method = SignMethod::parse(method).map_err(|_| codes::signature_failed())?;
            let key = unionpay_acp::secret::SecureKey::new(key.clone())
                .map_err(|_| codes::signature_failed())?;
            let mut expected = f.clone();
            unionpay_acp::sign_fields(
                &mut expected,
                &Credentials::SecureKey {
                    method: sign_method,
                    key,
                },
            )
            .map_err(|_| codes::signature_failed())?;
            let want = expected.get("signature").unwrap_or_default();
            if f.contains("certId") || !want.eq_ignore_ascii_case(signature) {
                return Err(codes::signature_failed());
            }
            Ok(Auth {
                cert_id: String::new(),
                method: method.to_owned(),
                version,
            })
        }
        other => Err(codes::format_error(format!(
            "signMethod {other} is not 01, 11 or 12"
        ))),
    }
}
