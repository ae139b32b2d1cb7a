//! Signing a request (spec §4).

use crate::crypto::{hex_lower, HashAlg};
use crate::error::{Error, ErrorCode, Result};
use crate::form::{canonical_string, Fields};
use crate::key::MerchantKey;
use crate::secret::SecureKey;
use base64::Engine;
use std::fmt;

/// The message version, which picks the digest for signMethod 01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// `5.1.0`: SHA-256 (current).
    V5_1_0,
    /// `5.0.0`: SHA-1 (legacy).
    V5_0_0,
}

impl Version {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V5_1_0 => "5.1.0",
            Version::V5_0_0 => "5.0.0",
        }
    }

    /// Parses the wire value.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "5.1.0" => Ok(Version::V5_1_0),
            "5.0.0" => Ok(Version::V5_0_0),
            other => Err(Error::new(
                ErrorCode::InvalidField,
                format!("version '{other}' is not 5.1.0 or 5.0.0"),
            )),
        }
    }

    /// The digest signMethod 01 uses with this version.
    pub fn rsa_hash(self) -> HashAlg {
        match self {
            Version::V5_1_0 => HashAlg::Sha256,
            Version::V5_0_0 => HashAlg::Sha1,
        }
    }
}

/// How a message is signed (`signMethod`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignMethod {
    /// `01`: RSA with the merchant certificate.
    Rsa,
    /// `11`: SHA-256 with a secure key.
    Sha256SecureKey,
    /// `12`: SM3 with a secure key.
    Sm3SecureKey,
}

impl SignMethod {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            SignMethod::Rsa => "01",
            SignMethod::Sha256SecureKey => "11",
            SignMethod::Sm3SecureKey => "12",
        }
    }

    /// Parses the wire value.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "01" => Ok(SignMethod::Rsa),
            "11" => Ok(SignMethod::Sha256SecureKey),
            "12" => Ok(SignMethod::Sm3SecureKey),
            other => Err(Error::new(
                ErrorCode::UnsupportedSignMethod,
                format!("signMethod '{other}' is not 01, 11 or 12"),
            )),
        }
    }

    pub(crate) fn secure_key_hash(self) -> Option<HashAlg> {
        match self {
            SignMethod::Rsa => None,
            SignMethod::Sha256SecureKey => Some(HashAlg::Sha256),
            SignMethod::Sm3SecureKey => Some(HashAlg::Sm3),
        }
    }
}

/// What a request is signed with.
#[derive(Clone)]
pub enum Credentials {
    /// signMethod 01 with the merchant key.
    Rsa(MerchantKey),
    /// signMethod 11 or 12 with a secure key.
    SecureKey {
        /// 11 or 12.
        method: SignMethod,
        /// The key UnionPay issued.
        key: SecureKey,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Rsa(k) => f.debug_tuple("Rsa").field(k).finish(),
            Credentials::SecureKey { method, .. } => {
                f.debug_struct("SecureKey").field("method", method).finish()
            }
        }
    }
}

/// What signing computed, for diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedInfo {
    /// The canonical string that was signed.
    pub canonical: String,
    /// Lowercase hex digest of the canonical string alone (SHA-256 for 5.1.0 and 11, SHA-1
    /// for 5.0.0, SM3 for 12).
    pub digest_hex: String,
}

/// Signs `fields` in place: sets `signMethod`, `certId` (01 only; removed otherwise) and
/// `signature`. `version` must already be set; it picks SHA-256 or SHA-1 for 01.
pub fn sign_fields(fields: &mut Fields, credentials: &Credentials) -> Result<SignedInfo> {
    let version = Version::parse(fields.get("version").ok_or_else(|| {
        Error::new(
            ErrorCode::MissingField,
            "the field 'version' is required to sign",
        )
    })?)?;
    fields.remove("signature");
    // Blank values are never sent (spec §2.1), so they must not be signed either.
    let blank: Vec<String> = fields
        .iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(k, _)| k.to_owned())
        .collect();
    for key in blank {
        fields.remove(&key);
    }
    match credentials {
        Credentials::Rsa(key) => {
            fields.set("signMethod", SignMethod::Rsa.as_str());
            fields.set("certId", key.cert_id());
            rsa_sign(fields, key, version.rsa_hash())
        }
        Credentials::SecureKey { method, key } => {
            let hash = method.secure_key_hash().ok_or_else(|| {
                Error::new(
                    ErrorCode::UnsupportedSignMethod,
                    "signMethod 01 needs the merchant key, not a secure key",
                )
            })?;
            if version != Version::V5_1_0 {
                return Err(Error::new(
                    ErrorCode::UnsupportedSignMethod,
                    "signMethod 11/12 exist only in version 5.1.0",
                ));
            }
            fields.remove("certId");
            fields.set("signMethod", method.as_str());
            let canonical = canonical_string(fields);
            let signature = secure_key_signature(hash, &canonical, key);
            fields.set("signature", signature);
            let digest_hex = hash.hex_digest(canonical.as_bytes());
            Ok(SignedInfo {
                canonical,
                digest_hex,
            })
        }
    }
}

/// `hex(H(canonical + "&" + hex(H(key))))` (spec §4.4).
pub(crate) fn secure_key_signature(hash: HashAlg, canonical: &str, key: &SecureKey) -> String {
    let key_hex = zeroize::Zeroizing::new(hash.hex_digest(key.expose().as_bytes()));
    let mut input =
        zeroize::Zeroizing::new(Vec::with_capacity(canonical.len() + 1 + key_hex.len()));
    input.extend_from_slice(canonical.as_bytes());
    input.push(b'&');
    input.extend_from_slice(key_hex.as_bytes());
    hex_lower(&hash.digest(&input))
}

/// Signs a message the way UnionPay signs its responses and notifications (5.1.0,
/// signMethod 01): `signPubKeyCert` carries the signing certificate as CRLF PEM and no
/// `certId` is sent. Used by the local gateway sandbox and by tests (feature `gateway`).
#[cfg(feature = "gateway")]
pub fn sign_as_gateway(fields: &mut Fields, key: &MerchantKey) -> Result<SignedInfo> {
    fields.remove("signature");
    fields.remove("certId");
    fields.set("version", Version::V5_1_0.as_str());
    fields.set("signMethod", SignMethod::Rsa.as_str());
    fields.set(
        "signPubKeyCert",
        crate::pki::pem_encode_crlf("CERTIFICATE", key.certificate().der()),
    );
    rsa_sign(fields, key, HashAlg::Sha256)
}

/// Signs a message the way UnionPay signed its 5.0.0 responses and notifications
/// (signMethod 01, spec §4.3/§5.4): RSA-SHA1 over the SHA-1 hex of the canonical string,
/// `certId` = the serial of the verify certificate the merchant looks it up by, and no
/// `signPubKeyCert`. Used by the local gateway sandbox for 5.0.0 merchants (feature
/// `gateway`).
#[cfg(feature = "gateway")]
pub fn sign_as_gateway_500(fields: &mut Fields, key: &MerchantKey) -> Result<SignedInfo> {
    fields.remove("signature");
    fields.remove("signPubKeyCert");
    fields.set("version", Version::V5_0_0.as_str());
    fields.set("signMethod", SignMethod::Rsa.as_str());
    fields.set("certId", key.cert_id());
    rsa_sign(fields, key, HashAlg::Sha1)
}

/// signMethod 01: the RSA signature of the canonical string's lowercase hex digest (the
/// hex text is signed again, spec §4.2), set as base64 `signature`.
fn rsa_sign(fields: &mut Fields, key: &MerchantKey, hash: HashAlg) -> Result<SignedInfo> {
    let canonical = canonical_string(fields);
    let digest_hex = hex_lower(&key.ops().digest(hash, canonical.as_bytes())?);
    let sig = key.ops().sign_pkcs1v15(hash, digest_hex.as_bytes())?;
    fields.set(
        "signature",
        base64::engine::general_purpose::STANDARD.encode(sig),
    );
    Ok(SignedInfo {
        canonical,
        digest_hex,
    })
}
