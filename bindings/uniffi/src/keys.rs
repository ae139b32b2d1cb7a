//! The merchant's keys (feature `merchant`): its signing key, what requests are signed
//! with, and which RSA implementation uses them.

use crate::Result;
use std::sync::Arc;
use unionpay_acp::card;
use unionpay_acp::crypto::{default_backend, portable::PortableBackend, CryptoBackend};
use unionpay_acp::ffi::{CertificateInfo, SignedFields};
use unionpay_acp::secret::SecureKey;
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
