//! Card-data encryption, all a device needs (the mobile build has nothing else):
//! UnionPay's encryption certificate, which encrypts the card number and `customerInfo`
//! for the gateway with no private key, and the PIN block.

use crate::host::OsRandom;
use crate::Result;
use std::sync::Arc;
use unionpay_acp::card::{self, CustomerInfoMode};
use unionpay_acp::ffi::{CertificateInfo, CustomerInfo};
use unionpay_acp::secret::{Pan, Pin};

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
