//! Records that exist only for foreign callers and that card encryption on a device needs
//! too: what a certificate says, and the cardholder fields of `customerInfo`.

use super::error::AcpError;
use crate::card;
use crate::pki::Certificate;
use crate::secret::{CardExpiry, Cvn2, PhoneNumber, Pin};
use crate::time::Timestamp;
use std::sync::Arc;

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

/// The cardholder fields of `customerInfo`, validated when made. An object, not a record:
/// it holds card data, so it never prints its values (the core's `Debug` masks them), and
/// its card fields are wiped on drop.
#[derive(Debug, uniffi::Object)]
pub struct CustomerInfo(pub card::CustomerInfo);

#[uniffi::export]
impl CustomerInfo {
    /// `certifTp`, `certifId`, `customerNm`, `phoneNo`, `smsCode`, `pin` (the clear PIN:
    /// its block needs the card number), `cvn2`, `expired` (YYMM); each optional.
    #[uniffi::constructor(default(
        certif_tp = None,
        certif_id = None,
        customer_nm = None,
        phone_no = None,
        sms_code = None,
        pin = None,
        cvn2 = None,
        expired = None
    ))]
    #[allow(clippy::too_many_arguments)] // the eight sub-fields, each by name
    pub fn new(
        certif_tp: Option<String>,
        certif_id: Option<String>,
        customer_nm: Option<String>,
        phone_no: Option<String>,
        sms_code: Option<String>,
        pin: Option<String>,
        cvn2: Option<String>,
        expired: Option<String>,
    ) -> Result<Arc<Self>, AcpError> {
        Ok(Arc::new(CustomerInfo(card::CustomerInfo {
            certif_tp,
            certif_id,
            customer_nm,
            phone_no: phone_no.map(PhoneNumber::new).transpose()?,
            sms_code,
            pin: pin.map(Pin::new).transpose()?,
            cvn2: cvn2.map(Cvn2::new).transpose()?,
            expired: expired.map(CardExpiry::new).transpose()?,
        })))
    }
}
