//! Keys, certificates, trust profiles and card-data encryption.

use crate::convert::{CertificateInfo, FieldMap};
use crate::error::Result;
use crate::host::OsRandom;
use crate::lowlevel::SignedFields;
use std::sync::Arc;
use unionpay_acp::card::{self, CustomerInfoMode};
use unionpay_acp::crypto::{default_backend, portable::PortableBackend, CryptoBackend};
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber, Pin, SecureKey};
use unionpay_acp::{CustomTrust, SignMethod, TrustProfile};

/// The RSA implementation for private-key operations and verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Backend {
    /// AWS-LC (constant-time, fast); the default when the binding is built with it.
    Native,
    /// The pure-Rust `rsa` crate.
    Portable,
}

/// The backend to use; `None` is the build's default (native when available).
pub(crate) fn backend(b: Option<Backend>) -> Result<Arc<dyn CryptoBackend>> {
    match b {
        None => Ok(default_backend()),
        Some(Backend::Portable) => Ok(Arc::new(PortableBackend)),
        #[cfg(feature = "native")]
        Some(Backend::Native) => Ok(Arc::new(unionpay_acp::crypto::native::NativeBackend)),
        #[cfg(not(feature = "native"))]
        Some(Backend::Native) => Err(crate::error::invalid_argument(
            "this build of the binding has no native backend (built without the 'native' feature)",
        )),
    }
}

/// Which certificates responses and notifications must chain to.
#[derive(Clone, Debug, uniffi::Enum)]
pub enum Trust {
    /// UnionPay production.
    Production,
    /// UnionPay's test environment.
    Test,
    /// Your own roots and middles (PEM or DER; a PEM input may hold several), e.g. the
    /// sandbox's `GET /_sandbox/trust`.
    Custom {
        roots: Vec<Vec<u8>>,
        middles: Vec<Vec<u8>>,
    },
}

impl Trust {
    pub(crate) fn to_core(&self) -> Result<TrustProfile> {
        Ok(match self {
            Trust::Production => TrustProfile::Production,
            Trust::Test => TrustProfile::Test,
            Trust::Custom { roots, middles } => {
                let r: Vec<&[u8]> = roots.iter().map(Vec::as_slice).collect();
                let m: Vec<&[u8]> = middles.iter().map(Vec::as_slice).collect();
                TrustProfile::Custom(CustomTrust::from_pem(&r, &m)?)
            }
        })
    }
}

/// What requests are signed with.
#[derive(Clone, Debug, uniffi::Enum)]
pub enum Credentials {
    /// signMethod 01: the merchant's key.
    Rsa { key: Arc<MerchantKey> },
    /// signMethod `11` (SHA-256) or `12` (SM3) with the secure key UnionPay issued.
    SecureKey { sign_method: String, key: String },
}

impl Credentials {
    pub(crate) fn to_core(&self) -> Result<unionpay_acp::Credentials> {
        Ok(match self {
            Credentials::Rsa { key } => unionpay_acp::Credentials::Rsa(key.0.clone()),
            Credentials::SecureKey { sign_method, key } => unionpay_acp::Credentials::SecureKey {
                method: SignMethod::parse(sign_method)?,
                key: SecureKey::new(key.as_str())?,
            },
        })
    }
}

/// The merchant's signing key (from UnionPay's PFX) and its certificate; it also decrypts
/// what UnionPay encrypted to the merchant.
#[derive(Debug, uniffi::Object)]
pub struct MerchantKey(pub(crate) unionpay_acp::MerchantKey);

#[uniffi::export]
impl MerchantKey {
    /// Loads a PKCS#12 (`.pfx`) file's bytes.
    #[uniffi::constructor(default(backend = None))]
    pub fn from_pkcs12(
        pfx: Vec<u8>,
        password: String,
        backend: Option<Backend>,
    ) -> Result<Arc<Self>> {
        let b = self::backend(backend)?;
        Ok(Arc::new(MerchantKey(
            unionpay_acp::MerchantKey::from_pkcs12(&pfx, &password, b.as_ref())?,
        )))
    }

    /// Loads a PEM private key (PKCS#8 or PKCS#1) and its PEM or DER certificate.
    #[uniffi::constructor(default(backend = None))]
    pub fn from_pem(
        key_pem: Vec<u8>,
        cert: Vec<u8>,
        backend: Option<Backend>,
    ) -> Result<Arc<Self>> {
        let b = self::backend(backend)?;
        Ok(Arc::new(MerchantKey(unionpay_acp::MerchantKey::from_pem(
            &key_pem,
            &cert,
            b.as_ref(),
        )?)))
    }

    /// The `certId` (certificate serial, decimal).
    pub fn cert_id(&self) -> String {
        self.0.cert_id().to_owned()
    }

    /// The signing certificate.
    pub fn certificate(&self) -> CertificateInfo {
        self.0.certificate().into()
    }

    /// Signs `fields` with this key (signMethod 01): `lowlevel::sign_fields` without
    /// the credentials round trip.
    pub fn sign_fields(&self, fields: FieldMap) -> Result<SignedFields> {
        crate::lowlevel::sign_with(fields, &unionpay_acp::Credentials::Rsa(self.0.clone()))
    }

    /// Decrypts a base64 value UnionPay encrypted to this key (`accNo`, `encryptedInfo`).
    pub fn decrypt_field(&self, ciphertext_base64: String) -> Result<Vec<u8>> {
        Ok(card::decrypt_field(&self.0, &ciphertext_base64)?.to_vec())
    }
}

/// UnionPay's encryption certificate. It is all a device needs to encrypt card data
/// before it leaves: no private key.
#[derive(Debug, uniffi::Object)]
pub struct EncryptionCert(pub(crate) unionpay_acp::EncryptionCert);

/// The cardholder fields of `customerInfo`; `pin` is the clear PIN (its block needs the
/// card number).
#[derive(Clone, Debug, Default, uniffi::Record)]
pub struct CustomerInfo {
    #[uniffi(default = None)]
    pub certif_tp: Option<String>,
    #[uniffi(default = None)]
    pub certif_id: Option<String>,
    #[uniffi(default = None)]
    pub customer_nm: Option<String>,
    #[uniffi(default = None)]
    pub phone_no: Option<String>,
    #[uniffi(default = None)]
    pub sms_code: Option<String>,
    #[uniffi(default = None)]
    pub pin: Option<String>,
    #[uniffi(default = None)]
    pub cvn2: Option<String>,
    #[uniffi(default = None)]
    pub expired: Option<String>,
}

impl CustomerInfo {
    pub(crate) fn to_core(&self) -> Result<card::CustomerInfo> {
        Ok(card::CustomerInfo {
            certif_tp: self.certif_tp.clone(),
            certif_id: self.certif_id.clone(),
            customer_nm: self.customer_nm.clone(),
            phone_no: self.phone_no.clone().map(PhoneNumber::new).transpose()?,
            sms_code: self.sms_code.clone(),
            pin: self.pin.clone().map(Pin::new).transpose()?,
            cvn2: self.cvn2.clone().map(Cvn2::new).transpose()?,
            expired: self.expired.clone().map(CardExpiry::new).transpose()?,
        })
    }
}

/// How `customerInfo` is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum InfoMode {
    /// New rule: phoneNo, cvn2 and expired go encrypted in `encryptedInfo` (token merchants).
    Encrypted,
    /// Old rule: everything in the clear inside the base64.
    Plain,
}

/// The core's mode; `None` is the default, [`InfoMode::Encrypted`].
pub(crate) fn mode(m: Option<InfoMode>) -> CustomerInfoMode {
    match m {
        None | Some(InfoMode::Encrypted) => CustomerInfoMode::Encrypted,
        Some(InfoMode::Plain) => CustomerInfoMode::Plain,
    }
}

#[uniffi::export]
impl EncryptionCert {
    /// From PEM or DER bytes.
    #[uniffi::constructor]
    pub fn parse(cert: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(EncryptionCert(
            unionpay_acp::EncryptionCert::parse(&cert)?,
        )))
    }

    /// The `encryptCertId`.
    pub fn cert_id(&self) -> String {
        self.0.cert_id().to_owned()
    }

    /// The certificate.
    pub fn certificate(&self) -> CertificateInfo {
        self.0.certificate().into()
    }

    /// Encrypts a card number for `accNo` (base64).
    pub fn encrypt_pan(&self, pan: String) -> Result<String> {
        Ok(card::encrypt_pan(&self.0, &Pan::new(pan)?, &mut OsRandom)?)
    }

    /// Encrypts any value (base64 of RSA PKCS#1 v1.5).
    pub fn encrypt_field(&self, plaintext: Vec<u8>) -> Result<String> {
        Ok(card::encrypt_field(&self.0, &plaintext, &mut OsRandom)?)
    }

    /// The `customerInfo` value; `pan` is needed only with a PIN.
    #[uniffi::method(default(mode = None, pan = None))]
    pub fn customer_info(
        &self,
        info: CustomerInfo,
        mode: Option<InfoMode>,
        pan: Option<String>,
    ) -> Result<String> {
        let pan = pan.map(Pan::new).transpose()?;
        Ok(info
            .to_core()?
            .build(self::mode(mode), Some(&self.0), pan.as_ref(), &mut OsRandom)?)
    }

    /// The `customerInfo` value with a PIN block already encrypted elsewhere (base64).
    #[uniffi::method(default(mode = None, encrypted_pin = None))]
    pub fn customer_info_with_encrypted_pin(
        &self,
        info: CustomerInfo,
        mode: Option<InfoMode>,
        encrypted_pin: Option<String>,
    ) -> Result<String> {
        Ok(info.to_core()?.build_with_encrypted_pin(
            self::mode(mode),
            Some(&self.0),
            encrypted_pin.as_deref(),
            &mut OsRandom,
        )?)
    }
}

/// The ISO 9564 format-0 PIN block of `pin` for card `pan` (8 bytes, before encryption).
#[uniffi::export]
pub fn pin_block(pin: String, pan: String) -> Result<Vec<u8>> {
    Ok(card::pin_block(&Pin::new(pin)?, &Pan::new(pan)?).to_vec())
}

/// Tests only: [`EncryptionCert::encrypt_field`] with the padding taken from `random`
/// (the shared vectors' fixed-randomness contract). Never use fixed randomness for real.
#[uniffi::export]
pub fn testing_encrypt_field(
    cert: Arc<EncryptionCert>,
    plaintext: Vec<u8>,
    random: Vec<u8>,
) -> Result<String> {
    let mut rng = unionpay_acp::FixedRandom::new(random);
    Ok(card::encrypt_field(&cert.0, &plaintext, &mut rng)?)
}

/// Tests only: [`EncryptionCert::customer_info_with_encrypted_pin`] with fixed randomness.
#[uniffi::export]
pub fn testing_customer_info(
    cert: Arc<EncryptionCert>,
    info: CustomerInfo,
    mode: Option<InfoMode>,
    encrypted_pin: Option<String>,
    random: Vec<u8>,
) -> Result<String> {
    let mut rng = unionpay_acp::FixedRandom::new(random);
    Ok(info.to_core()?.build_with_encrypted_pin(
        self::mode(mode),
        Some(&cert.0),
        encrypted_pin.as_deref(),
        &mut rng,
    )?)
}
