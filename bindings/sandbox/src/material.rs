//! The sandbox's own PKI (tests/fixtures/sandbox, test-only keys) and the merchant
//! certificates it trusts by default, embedded so the binary runs from anywhere.

use std::sync::Arc;
use unionpay_acp::crypto::CryptoBackend;
use unionpay_acp::pki::{parse_pkcs12, Certificate};
use unionpay_acp::{Error, MerchantKey};

/// The sandbox root CA (PEM), the trust anchor clients configure.
pub const ROOT_PEM: &str = include_str!("../../../tests/fixtures/sandbox/root.pem");
/// The sandbox middle CA (PEM).
pub const MIDDLE_PEM: &str = include_str!("../../../tests/fixtures/sandbox/middle.pem");
/// The sandbox merchant certificate (certId 7000000000031).
pub const MERCHANT_PEM: &str = include_str!("../../../tests/fixtures/sandbox/merchant.pem");
/// The sandbox merchant PFX (password `000000`), for examples and tests.
pub const MERCHANT_PFX: &[u8] = include_bytes!("../../../tests/fixtures/sandbox/merchant.pfx");
/// The password of [`MERCHANT_PFX`] and of UnionPay's official test PFX.
pub const MERCHANT_PFX_PASSWORD: &str = "000000";
/// UnionPay's official test signing PFX (shared by all test merchants); the sandbox trusts
/// its certificate so users of the official test key work too.
pub const OFFICIAL_TEST_PFX: &[u8] =
    include_bytes!("../../../tests/fixtures/official-certs/acp_test_sign.pfx");

/// The sandbox's 5.0.0 verify certificate (certId 7000000000012): 5.0.0 answers carry no
/// `signPubKeyCert`, so a 5.0.0 client loads this one (`verify_certs_500`) and finds it by
/// the answer's `certId`.
pub const VERIFY500_PEM: &str = include_str!("../../../tests/fixtures/sandbox/verify500.pem");

const VERIFY500_KEY_PEM: &[u8] =
    include_bytes!("../../../tests/fixtures/sandbox/verify500.key.pem");
const SIGN_PEM: &[u8] = include_bytes!("../../../tests/fixtures/sandbox/sign.pem");
const SIGN_KEY_PEM: &[u8] = include_bytes!("../../../tests/fixtures/sandbox/sign.key.pem");
const ENC_PEM: &[u8] = include_bytes!("../../../tests/fixtures/sandbox/enc.pem");
const ENC_KEY_PEM: &[u8] = include_bytes!("../../../tests/fixtures/sandbox/enc.key.pem");
const ENC2_PEM: &[u8] = include_bytes!("../../../tests/fixtures/sandbox/enc2.pem");
const ENC2_KEY_PEM: &[u8] = include_bytes!("../../../tests/fixtures/sandbox/enc2.key.pem");

/// The keys the sandbox plays UnionPay with.
#[derive(Clone, Debug)]
pub(crate) struct GatewayKeys {
    /// Signs every response and notification (`signPubKeyCert`).
    pub sign: MerchantKey,
    /// Signs 5.0.0 responses and notifications (SHA-1, `certId`).
    pub verify500: MerchantKey,
    /// Encryption keys, index 0 = `enc.pem`, 1 = `enc2.pem` (rotation).
    pub enc: Vec<MerchantKey>,
}

impl GatewayKeys {
    pub fn load(backend: &Arc<dyn CryptoBackend>) -> Result<Self, Error> {
        let b = backend.as_ref();
        Ok(GatewayKeys {
            sign: MerchantKey::from_pem(SIGN_KEY_PEM, SIGN_PEM, b)?,
            verify500: MerchantKey::from_pem(VERIFY500_KEY_PEM, VERIFY500_PEM.as_bytes(), b)?,
            enc: vec![
                MerchantKey::from_pem(ENC_KEY_PEM, ENC_PEM, b)?,
                MerchantKey::from_pem(ENC2_KEY_PEM, ENC2_PEM, b)?,
            ],
        })
    }

    /// The encryption key whose certificate serial is `cert_id`.
    pub fn enc_by_id(&self, cert_id: &str) -> Option<&MerchantKey> {
        self.enc.iter().find(|k| k.cert_id() == cert_id)
    }
}

/// The merchant certificates trusted by default: the sandbox merchant and UnionPay's
/// official test certificate.
pub fn default_merchant_certs() -> Result<Vec<Certificate>, Error> {
    let official = parse_pkcs12(OFFICIAL_TEST_PFX, MERCHANT_PFX_PASSWORD)?.certificate;
    Ok(vec![Certificate::parse(MERCHANT_PEM.as_bytes())?, official])
}

/// The sandbox merchant key (from [`MERCHANT_PFX`]).
pub fn sandbox_merchant_key(backend: &dyn CryptoBackend) -> Result<MerchantKey, Error> {
    MerchantKey::from_pkcs12(MERCHANT_PFX, MERCHANT_PFX_PASSWORD, backend)
}
