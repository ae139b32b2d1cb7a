//! The merchant's signing key and certificate, and UnionPay's encryption certificate.

use crate::crypto::{default_backend, CryptoBackend, PrivateKeyOps, PublicKeyOps};
use crate::error::{Error, ErrorCode, Result};
use crate::pki::rsa_private::{pkcs1_to_pkcs8, RsaPrivateKeyDer};
use crate::pki::{parse_pkcs12, pem_blocks, Certificate};
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The merchant's signing key (from the PFX UnionPay issues) with its certificate.
///
/// Its `certId` (the certificate serial in decimal) goes into every signMethod-01 request;
/// the same key decrypts card data UnionPay returns.
#[derive(Clone)]
pub struct MerchantKey(Arc<MerchantKeyInner>);

struct MerchantKeyInner {
    ops: Arc<dyn PrivateKeyOps>,
    certificate: Certificate,
    cert_id: String,
}

impl MerchantKey {
    /// Loads from PKCS#12 (`.pfx`) bytes; a wrong password is [`ErrorCode::Pkcs12WrongPassword`].
    pub fn from_pkcs12(bytes: &[u8], password: &str, backend: &dyn CryptoBackend) -> Result<Self> {
        let contents = parse_pkcs12(bytes, password)?;
        Self::from_parts(&contents.private_key_pkcs8, contents.certificate, backend)
    }

    /// Loads from a PEM private key (`PRIVATE KEY` / PKCS#8 or `RSA PRIVATE KEY` / PKCS#1)
    /// and the matching PEM or DER certificate.
    pub fn from_pem(
        key_pem: &[u8],
        certificate: &[u8],
        backend: &dyn CryptoBackend,
    ) -> Result<Self> {
        let blocks = pem_blocks(key_pem)?;
        let block = blocks
            .iter()
            .find(|b| b.label == "PRIVATE KEY" || b.label == "RSA PRIVATE KEY")
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::KeyNotFound,
                    "no PRIVATE KEY or RSA PRIVATE KEY block in the PEM",
                )
            })?;
        let pkcs8 = if block.label == "RSA PRIVATE KEY" {
            pkcs1_to_pkcs8(&block.der)?
        } else {
            Zeroizing::new(block.der.clone())
        };
        Self::from_parts(&pkcs8, Certificate::parse(certificate)?, backend)
    }

    /// Loads from PKCS#8 DER and the matching certificate.
    pub fn from_pkcs8_der(
        pkcs8: &[u8],
        certificate: Certificate,
        backend: &dyn CryptoBackend,
    ) -> Result<Self> {
        Self::from_parts(pkcs8, certificate, backend)
    }

    fn from_parts(
        pkcs8: &[u8],
        certificate: Certificate,
        backend: &dyn CryptoBackend,
    ) -> Result<Self> {
        let modulus = pkcs8_modulus(pkcs8)?;
        if certificate.public_key()?.modulus() != modulus.as_slice() {
            return Err(Error::new(
                ErrorCode::KeyNotFound,
                "the certificate does not belong to the private key",
            ));
        }
        let ops = backend.load_private_key(pkcs8)?;
        let cert_id = certificate.cert_id();
        Ok(MerchantKey(Arc::new(MerchantKeyInner {
            ops,
            certificate,
            cert_id,
        })))
    }

    /// The certId (signing certificate serial, decimal).
    pub fn cert_id(&self) -> &str {
        &self.0.cert_id
    }

    /// The signing certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.0.certificate
    }

    /// The private-key operations.
    pub fn ops(&self) -> &dyn PrivateKeyOps {
        self.0.ops.as_ref()
    }
}

impl fmt::Debug for MerchantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantKey")
            .field("cert_id", &self.0.cert_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// UnionPay's encryption certificate: card data is encrypted to it, and its serial is
/// sent as `encryptCertId`.
#[derive(Clone)]
pub struct EncryptionCert {
    certificate: Certificate,
    cert_id: String,
    rsa: Arc<dyn PublicKeyOps>,
}

impl EncryptionCert {
    /// From PEM or DER bytes, encrypting with this build's [`default_backend`].
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        Self::parse_with(bytes, default_backend().as_ref())
    }

    /// From PEM or DER bytes, encrypting with `backend`.
    pub fn parse_with(bytes: &[u8], backend: &dyn CryptoBackend) -> Result<Self> {
        Self::from_certificate_with(Certificate::parse(bytes)?, backend)
    }

    /// From a parsed certificate (must hold an RSA key), with the [`default_backend`].
    pub fn from_certificate(certificate: Certificate) -> Result<Self> {
        Self::from_certificate_with(certificate, default_backend().as_ref())
    }

    /// From a parsed certificate (must hold an RSA key), encrypting with `backend`.
    pub fn from_certificate_with(
        certificate: Certificate,
        backend: &dyn CryptoBackend,
    ) -> Result<Self> {
        let key = certificate.public_key()?;
        // Card data must never meet a key that does not hide it (e = 1, small moduli).
        if let Some(why) = key.strength_problem(crate::verify::MIN_RSA_BITS) {
            return Err(Error::new(
                ErrorCode::CertificateKeyUnsupported,
                format!(
                    "the encryption certificate {} is refused: {why}",
                    certificate.cert_id()
                ),
            ));
        }
        let rsa = backend.load_public_key(key)?;
        let cert_id = certificate.cert_id();
        Ok(EncryptionCert {
            certificate,
            cert_id,
            rsa,
        })
    }

    /// The `encryptCertId` value.
    pub fn cert_id(&self) -> &str {
        &self.cert_id
    }

    /// The certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The backend's operations with the certificate's key (card-data encryption).
    pub fn public_key_ops(&self) -> &dyn PublicKeyOps {
        self.rsa.as_ref()
    }
}

impl fmt::Debug for EncryptionCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionCert")
            .field("cert_id", &self.cert_id)
            .field("certificate", &self.certificate)
            .finish()
    }
}

/// The modulus inside a PKCS#8 RSA key, to match it with a certificate.
fn pkcs8_modulus(pkcs8: &[u8]) -> Result<Vec<u8>> {
    Ok(RsaPrivateKeyDer::from_pkcs8(pkcs8)?.modulus.to_vec())
}
