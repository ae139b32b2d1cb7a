//! The objects that hold keys: the merchant's signing key, UnionPay's encryption
//! certificate, and which RSA implementation uses them.

use crate::host::OsRandom;
use crate::Result;
use std::sync::Arc;
use unionpay_acp::card::{self, CustomerInfoMode};
use unionpay_acp::crypto::{default_backend, portable::PortableBackend, CryptoBackend};
use unionpay_acp::ffi::{CertificateInfo, CustomerInfo, SignedFields};
use unionpay_acp::secret::{Pan, Pin, SecureKey};
use unionpay_acp::{Fields, SignMethod, Timestamp};

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
        Some(Backend::Native) => Err(unionpay_acp::ffi::invalid_argument(
            "this build of the binding has no native backend (built without the 'native' feature)",
        )),
    }
}

/// What requests are signed with. An object, not a record: a secure key never prints.
#[derive(Debug, uniffi::Object)]
pub struct Credentials(unionpay_acp::Credentials);

#[uniffi::export]
impl Credentials {
    /// signMethod 01: the merchant's key.
    #[uniffi::constructor]
    pub fn rsa(key: Arc<MerchantKey>) -> Arc<Self> {
        Arc::new(Credentials(unionpay_acp::Credentials::Rsa(key.0.clone())))
    }

    /// signMethod `11` (SHA-256) or `12` (SM3) with the secure key UnionPay issued.
    #[uniffi::constructor]
    pub fn secure_key(sign_method: String, key: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Credentials(
            unionpay_acp::Credentials::SecureKey {
                method: SignMethod::parse(&sign_method)?,
                key: SecureKey::new(key)?,
            },
        )))
    }
}

impl Credentials {
    pub(crate) fn to_core(&self) -> unionpay_acp::Credentials {
        self.0.clone()
    }
}

/// Signs `fields` (they must carry `version`) with `credentials`.
pub(crate) fn sign_with(
    mut fields: Fields,
    credentials: &unionpay_acp::Credentials,
) -> Result<SignedFields> {
    let info = unionpay_acp::sign_fields(&mut fields, credentials)?;
    Ok(SignedFields {
        fields,
        canonical: info.canonical,
        digest_hex: info.digest_hex,
    })
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

    /// The signing certificate (`not_after` says when UnionPay stops accepting it).
    pub fn certificate(&self) -> CertificateInfo {
        self.0.certificate().into()
    }

    /// When the signing certificate expires (its `notAfter`): UnionPay refuses requests
    /// signed with it after that, so renew the PFX before.
    pub fn not_after(&self) -> Timestamp {
        self.0.certificate().not_after()
    }

    /// Signs `fields` with this key (signMethod 01).
    pub fn sign_fields(&self, fields: Fields) -> Result<SignedFields> {
        sign_with(fields, &unionpay_acp::Credentials::Rsa(self.0.clone()))
    }

    /// Decrypts a base64 text value UnionPay encrypted to this key (`accNo`,
    /// `encryptedInfo`). What is not printable text is refused (4008): a wrong key's output
    /// under implicit rejection is random bytes, never a value.
    pub fn decrypt_text(&self, ciphertext_base64: String) -> Result<String> {
        Ok(card::decrypt_text(&self.0, &ciphertext_base64)?.to_string())
    }
}

/// UnionPay's encryption certificate. It is all a device needs to encrypt card data
/// before it leaves: no private key.
#[derive(Debug, uniffi::Object)]
pub struct EncryptionCert(pub(crate) unionpay_acp::EncryptionCert);

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

    /// The `customerInfo` value (default mode: encrypted); `pan` is needed only with a PIN.
    #[uniffi::method(default(mode = None, pan = None))]
    pub fn customer_info(
        &self,
        info: Arc<CustomerInfo>,
        mode: Option<CustomerInfoMode>,
        pan: Option<String>,
    ) -> Result<String> {
        let pan = pan.map(Pan::new).transpose()?;
        Ok(info.0.build(
            mode.unwrap_or(CustomerInfoMode::Encrypted),
            Some(&self.0),
            pan.as_ref(),
            &mut OsRandom,
        )?)
    }

    /// The `customerInfo` value with a PIN block already encrypted elsewhere (base64).
    #[uniffi::method(default(mode = None, encrypted_pin = None))]
    pub fn customer_info_with_encrypted_pin(
        &self,
        info: Arc<CustomerInfo>,
        mode: Option<CustomerInfoMode>,
        encrypted_pin: Option<String>,
    ) -> Result<String> {
        Ok(info.0.build_with_encrypted_pin(
            mode.unwrap_or(CustomerInfoMode::Encrypted),
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

/// DANGER, tests only: [`EncryptionCert::encrypt_field`] with the padding taken from
/// `random` (the shared vectors' fixed-randomness contract). Fixed randomness makes the
/// ciphertext guessable: never use it for real card data.
#[uniffi::export]
pub fn danger_encrypt_field(
    cert: Arc<EncryptionCert>,
    plaintext: Vec<u8>,
    random: Vec<u8>,
) -> Result<String> {
    let mut rng = unionpay_acp::FixedRandom::new(random);
    Ok(card::encrypt_field(&cert.0, &plaintext, &mut rng)?)
}

/// DANGER, tests only: [`EncryptionCert::customer_info_with_encrypted_pin`] with fixed
/// randomness.
#[uniffi::export]
pub fn danger_customer_info(
    cert: Arc<EncryptionCert>,
    info: Arc<CustomerInfo>,
    mode: Option<CustomerInfoMode>,
    encrypted_pin: Option<String>,
    random: Vec<u8>,
) -> Result<String> {
    let mut rng = unionpay_acp::FixedRandom::new(random);
    Ok(info.0.build_with_encrypted_pin(
        mode.unwrap_or(CustomerInfoMode::Encrypted),
        Some(&cert.0),
        encrypted_pin.as_deref(),
        &mut rng,
    )?)
}
