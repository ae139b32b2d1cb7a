//! Records that exist only for foreign callers: what a certificate or PKCS#12 file says,
//! what signing computed, and what to answer a notification together with what it was.

use super::error::AcpError;
use crate::client::{Notification, NotificationReply};
use crate::form::Fields;
use crate::pki::{Certificate, Pkcs12Contents};
use crate::time::Timestamp;

/// What a certificate says.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CertificateInfo {
    /// The serial in decimal (`certId`, `encryptCertId`).
    pub cert_id: String,
    /// The subject DN.
    pub subject: String,
    /// The issuer DN.
    pub issuer: String,
    /// Start of validity.
    pub not_before: Timestamp,
    /// End of validity.
    pub not_after: Timestamp,
    /// RSA key size.
    pub key_bits: u32,
    /// The RSA modulus, big-endian.
    pub modulus: Vec<u8>,
    /// Lowercase hex SHA-256 of the DER.
    pub sha256_hex: String,
    /// The DER encoding.
    pub der: Vec<u8>,
}

impl From<&Certificate> for CertificateInfo {
    fn from(c: &Certificate) -> Self {
        CertificateInfo {
            cert_id: c.cert_id(),
            subject: c.subject(),
            issuer: c.issuer(),
            not_before: c.not_before(),
            not_after: c.not_after(),
            key_bits: u32::try_from(c.key_bits()).unwrap_or(u32::MAX),
            modulus: c
                .public_key()
                .map(|k| k.modulus().to_vec())
                .unwrap_or_default(),
            sha256_hex: c.sha256_hex(),
            der: c.der().to_vec(),
        }
    }
}

/// What a PKCS#12 file holds (the private key stays inside).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Pkcs12Info {
    /// The certificate matching the private key.
    pub certificate: CertificateInfo,
    /// The other certificates, in file order.
    pub extra_certificates: Vec<CertificateInfo>,
}

impl From<&Pkcs12Contents> for Pkcs12Info {
    fn from(p: &Pkcs12Contents) -> Self {
        Pkcs12Info {
            certificate: (&p.certificate).into(),
            extra_certificates: p.extra_certificates.iter().map(Into::into).collect(),
        }
    }
}

/// A signed field set and what signing computed.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SignedFields {
    /// The fields with `signMethod`, `certId` (01) and `signature` set.
    pub fields: Fields,
    /// The canonical string that was signed.
    pub canonical: String,
    /// Lowercase hex digest of the canonical string.
    pub digest_hex: String,
}

/// What `receive_notification` found: the reply to send in every case, and the verified
/// notification or why it was refused.
#[derive(Clone, Debug, uniffi::Record)]
pub struct NotificationReceipt {
    /// Answer UnionPay's POST with this (store the notification first when it verified).
    pub reply: NotificationReply,
    /// The verified notification.
    pub notification: Option<Notification>,
    /// Why it was refused (the reply is then 400).
    pub error: Option<AcpError>,
}

impl NotificationReceipt {
    /// From the core's pair.
    pub fn new((reply, result): (NotificationReply, crate::error::Result<Notification>)) -> Self {
        let (notification, error) = match result {
            Ok(n) => (Some(n), None),
            Err(e) => (None, Some(e.into())),
        };
        NotificationReceipt {
            reply,
            notification,
            error,
        }
    }
}
