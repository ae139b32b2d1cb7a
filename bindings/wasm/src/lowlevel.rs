//! The building blocks under the client, for hosts that sign or verify messages
//! themselves, and for the shared vectors: keys, certificates, verifiers, forms, card data.

use crate::backend::Backend;
use crate::convert::{
    bytes_list, fields_in, fields_out, from_json, get_string, js_bytes, set, timestamp,
};
use crate::error::{bad_argument, IntoJs, JsResult};
use crate::with_rng;
use js_sys::{Object, Uint8Array};
use std::collections::BTreeMap;
use unionpay_acp::card::{self, CustomerInfo, CustomerInfoMode};
use unionpay_acp::crypto::HashAlg;
use unionpay_acp::json::to_json;
use unionpay_acp::pki::Certificate;
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber, Pin, SecureKey};
use unionpay_acp::Fields;
use unionpay_acp::{form, CustomTrust, TrustProfile};
use wasm_bindgen::prelude::*;

/// The merchant's signing key with its certificate.
#[wasm_bindgen]
pub struct MerchantKey {
    pub(crate) inner: unionpay_acp::MerchantKey,
}

#[wasm_bindgen]
impl MerchantKey {
    /// From PKCS#12 (`.pfx`) bytes and its password.
    #[wasm_bindgen(js_name = fromPkcs12)]
    pub fn from_pkcs12(pfx: &[u8], password: &str, backend: &Backend) -> JsResult<MerchantKey> {
        unionpay_acp::MerchantKey::from_pkcs12(pfx, password, backend.inner.as_ref())
            .map(|inner| MerchantKey { inner })
            .js()
    }

    /// From a PEM private key (PKCS#8 or PKCS#1) and its PEM or DER certificate.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(
        key_pem: &[u8],
        certificate: &[u8],
        backend: &Backend,
    ) -> JsResult<MerchantKey> {
        unionpay_acp::MerchantKey::from_pem(key_pem, certificate, backend.inner.as_ref())
            .map(|inner| MerchantKey { inner })
            .js()
    }

    /// The `certId` (certificate serial, decimal).
    #[wasm_bindgen(getter, js_name = certId)]
    pub fn cert_id(&self) -> String {
        self.inner.cert_id().to_owned()
    }

    /// When the signing certificate stops being valid (Unix seconds).
    #[wasm_bindgen(getter, js_name = notAfter)]
    pub fn not_after(&self) -> f64 {
        self.inner.certificate().not_after().unix_seconds() as f64
    }

    /// Base64-decodes and decrypts a text value UnionPay encrypted to this key (`accNo`,
    /// `encryptedInfo`). What is not printable text is refused (4008): a wrong key's
    /// output under implicit rejection is random bytes, never a value.
    #[wasm_bindgen(js_name = decryptText)]
    pub fn decrypt_text(&self, base64_value: &str) -> JsResult<String> {
        card::decrypt_text(&self.inner, base64_value)
            .map(|p| p.to_string())
            .js()
    }
}

/// UnionPay's encryption certificate.
#[wasm_bindgen]
pub struct EncryptionCert {
    pub(crate) inner: unionpay_acp::EncryptionCert,
}

#[wasm_bindgen]
impl EncryptionCert {
    /// From PEM or DER bytes; `backend` does the RSA encryption.
    pub fn parse(bytes: &[u8], backend: &Backend) -> JsResult<EncryptionCert> {
        unionpay_acp::EncryptionCert::parse_with(bytes, backend.inner.as_ref())
            .map(|inner| EncryptionCert { inner })
            .js()
    }

    /// The `encryptCertId`.
    #[wasm_bindgen(getter, js_name = certId)]
    pub fn cert_id(&self) -> String {
        self.inner.cert_id().to_owned()
    }
}

/// Verifies UnionPay's messages: chain, name, validity and signature.
#[wasm_bindgen]
pub struct Verifier {
    inner: unionpay_acp::Verifier,
}

#[wasm_bindgen]
impl Verifier {
    /// `trust` is `"test"`, `"production"` or `{roots, middles}` (PEM or DER documents);
    /// `options` may carry `secureKey` (signMethod 11/12) and `verifyCerts` (5.0.0).
    #[wasm_bindgen(constructor)]
    pub fn new(trust: JsValue, backend: &Backend, options: JsValue) -> JsResult<Verifier> {
        let mut v =
            unionpay_acp::Verifier::new(trust_profile(&trust).js()?, backend.inner.clone()).js()?;
        if let Some(key) = get_string(&options, "secureKey").js()? {
            v = v.with_secure_key(SecureKey::new(key).js()?).js()?;
        }
        let certs = bytes_list(&crate::convert::get(&options, "verifyCerts"), "verifyCerts")
            .js()?
            .iter()
            .map(|b| Certificate::parse(b))
            .collect::<unionpay_acp::Result<Vec<_>>>()
            .js()?;
        if !certs.is_empty() {
            v = v.with_verify_certs(certs);
        }
        Ok(Verifier { inner: v })
    }

    /// Verifies an already parsed field map.
    #[wasm_bindgen(js_name = verifyFields)]
    pub fn verify_fields(&self, fields: &str, now: f64) -> JsResult<()> {
        let f = parse_fields(fields).js()?;
        self.inner.verify_fields(&f, timestamp(now).js()?).js()
    }

    /// Parses (no URL-decoding) and verifies a synchronous answer; returns its fields
    /// (as [`fields_out`] writes them).
    #[wasm_bindgen(js_name = verifySyncBody)]
    pub fn verify_sync_body(&self, body: &[u8], now: f64) -> JsResult<String> {
        let f = self
            .inner
            .verify_sync_body(body, timestamp(now).js()?)
            .js()?;
        Ok(fields_out(&[], &f, || to_json(&f)))
    }

    /// [`Verifier::verify_sync_body`] of a body the host holds as text: the string crosses
    /// once, written by the glue straight into wasm memory (no encoded copy in JS first).
    #[wasm_bindgen(js_name = verifySyncText)]
    pub fn verify_sync_text(&self, body: &str, now: f64) -> JsResult<String> {
        self.verify_sync_body(body.as_bytes(), now)
    }

    /// Parses (form-decoding) and verifies a notification body; returns its fields (as
    /// [`fields_out`] writes them).
    #[wasm_bindgen(js_name = verifyNotifyBody)]
    pub fn verify_notify_body(&self, body: &[u8], now: f64) -> JsResult<String> {
        let f = self
            .inner
            .verify_notify_body(body, timestamp(now).js()?)
            .js()?;
        Ok(fields_out(&[], &f, || to_json(&f)))
    }
}

/// `"test"`, `"production"` or `{roots, middles}`.
pub(crate) fn trust_profile(trust: &JsValue) -> unionpay_acp::Result<TrustProfile> {
    match trust.as_string().as_deref() {
        Some("test") => Ok(TrustProfile::Test),
        Some("production") => Ok(TrustProfile::Production),
        Some(other) => Err(bad_argument(&format!(
            "trust is 'test', 'production' or {{roots, middles}}, not '{other}'"
        ))),
        None => {
            let roots = bytes_list(&crate::convert::get(trust, "roots"), "trust.roots")?;
            let middles = bytes_list(&crate::convert::get(trust, "middles"), "trust.middles")?;
            let r: Vec<&[u8]> = roots.iter().map(Vec::as_slice).collect();
            let m: Vec<&[u8]> = middles.iter().map(Vec::as_slice).collect();
            CustomTrust::from_pem(&r, &m).map(TrustProfile::Custom)
        }
    }
}

/// The canonical signing string of a field map.
#[wasm_bindgen(js_name = canonicalString)]
pub fn canonical_string(fields: &str) -> JsResult<String> {
    Ok(form::canonical_string(&parse_fields(fields).js()?))
}

/// Lowercase hex digest (`sha256`, `sha1`, `sm3`).
#[wasm_bindgen(js_name = hexDigest)]
pub fn hex_digest(algorithm: &str, data: &[u8]) -> JsResult<String> {
    let alg = match algorithm {
        "sha256" => HashAlg::Sha256,
        "sha1" => HashAlg::Sha1,
        "sm3" => HashAlg::Sm3,
        other => return Err(bad_argument(&format!("unknown digest '{other}'"))).js(),
    };
    Ok(alg.hex_digest(data))
}

/// Signs with the merchant key: `{fields, canonical, digestHex}` (see [`sign`]).
#[wasm_bindgen(js_name = signFieldsWithKey)]
pub fn sign_fields_with_key(fields: &str, key: &MerchantKey) -> JsResult<String> {
    sign(fields, &unionpay_acp::Credentials::Rsa(key.inner.clone()))
}

/// Signs with a secure key (`signMethod` 11 or 12): `{fields, canonical, digestHex}` (see
/// [`sign`]).
#[wasm_bindgen(js_name = signFieldsWithSecureKey)]
pub fn sign_fields_with_secure_key(
    fields: &str,
    sign_method: &str,
    secure_key: &str,
) -> JsResult<String> {
    let credentials = unionpay_acp::Credentials::SecureKey {
        method: unionpay_acp::SignMethod::parse(sign_method).js()?,
        key: SecureKey::new(secure_key).js()?,
    };
    sign(fields, &credentials)
}

/// Checks a `signMethod` value (`01`, `11`, `12`); anything else is code 1006.
#[wasm_bindgen(js_name = parseSignMethod)]
pub fn parse_sign_method(text: &str) -> JsResult<String> {
    Ok(unionpay_acp::SignMethod::parse(text)
        .js()?
        .as_str()
        .to_owned())
}

/// What signing did: the signed fields, the canonical string and its digest.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Signed<'a> {
    fields: &'a Fields,
    canonical: &'a str,
    digest_hex: &'a str,
}

/// A field map ([`fields_in`]: NUL-separated or JSON), values exactly as given (empty
/// ones kept).
fn parse_fields(text: &str) -> unionpay_acp::Result<Fields> {
    fields_in(text, "fields must be a plain object of strings")
}

/// `\0digestHex\0canonical\0k\0v…` ([`fields_out`]), or `{fields, canonical, digestHex}`
/// as JSON.
fn sign(fields: &str, credentials: &unionpay_acp::Credentials) -> JsResult<String> {
    let mut f = parse_fields(fields).js()?;
    let info = unionpay_acp::sign_fields(&mut f, credentials).js()?;
    let head = [info.digest_hex.as_str(), info.canonical.as_str()];
    Ok(fields_out(&head, &f, || {
        to_json(&Signed {
            fields: &f,
            canonical: &info.canonical,
            digest_hex: &info.digest_hex,
        })
    }))
}

/// RSA-encrypts to UnionPay's certificate and base64-encodes; `random` fixes the padding
/// bytes (tests), otherwise the host RNG is used.
#[wasm_bindgen(js_name = encryptField)]
pub fn encrypt_field(
    cert: &EncryptionCert,
    plaintext: &[u8],
    random: Option<Vec<u8>>,
) -> JsResult<String> {
    with_rng(random, |rng| {
        card::encrypt_field(&cert.inner, plaintext, rng)
    })
    .js()
}

/// Builds a `customerInfo` value without an encryption certificate (only what needs no
/// encryption: the plain mode without a PIN, or the encrypted mode without phoneNo, cvn2,
/// expired and PIN). See [`EncryptionCert::build_customer_info`].
#[wasm_bindgen(js_name = buildCustomerInfo)]
pub fn build_customer_info(info: &str, mode: &str, random: Option<Vec<u8>>) -> JsResult<String> {
    customer_info(info, mode, None, random).js()
}

#[wasm_bindgen]
impl EncryptionCert {
    /// Builds a `customerInfo` value, encrypting to this certificate. `info` holds
    /// certifTp, certifId, customerNm, phoneNo, smsCode, pin, cvn2, expired, and `accNo`
    /// (for a PIN block) or `encryptedPin` (a PIN block encrypted elsewhere); `mode` is
    /// `encrypted` or `plain`; `random` fixes the padding bytes (tests).
    #[wasm_bindgen(js_name = buildCustomerInfo)]
    pub fn build_customer_info(
        &self,
        info: &str,
        mode: &str,
        random: Option<Vec<u8>>,
    ) -> JsResult<String> {
        customer_info(info, mode, Some(&self.inner), random).js()
    }
}

fn customer_info(
    info: &str,
    mode: &str,
    cert: Option<&unionpay_acp::EncryptionCert>,
    random: Option<Vec<u8>>,
) -> unionpay_acp::Result<String> {
    let map: BTreeMap<String, String> =
        from_json(info, "customerInfo must be a plain object of strings")?;
    let text = |k: &str| map.get(k).cloned();
    let known = [
        "certifTp",
        "certifId",
        "customerNm",
        "phoneNo",
        "smsCode",
        "pin",
        "cvn2",
        "expired",
        "accNo",
        "encryptedPin",
    ];
    if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(bad_argument(&format!("'{k}' is not a customerInfo part")));
    }
    let customer = CustomerInfo {
        certif_tp: text("certifTp"),
        certif_id: text("certifId"),
        customer_nm: text("customerNm"),
        phone_no: text("phoneNo").map(PhoneNumber::new).transpose()?,
        sms_code: text("smsCode"),
        pin: text("pin").map(Pin::new).transpose()?,
        cvn2: text("cvn2").map(Cvn2::new).transpose()?,
        expired: text("expired").map(CardExpiry::new).transpose()?,
    };
    let mode = customer_info_mode(mode)?;
    let pan = text("accNo").map(Pan::new).transpose()?;
    with_rng(random, |rng| match text("encryptedPin") {
        Some(p) => customer.build_with_encrypted_pin(mode, cert, Some(p.as_str()), rng),
        None => customer.build(mode, cert, pan.as_ref(), rng),
    })
}

pub(crate) fn customer_info_mode(mode: &str) -> unionpay_acp::Result<CustomerInfoMode> {
    match mode {
        "encrypted" => Ok(CustomerInfoMode::Encrypted),
        "plain" => Ok(CustomerInfoMode::Plain),
        other => Err(bad_argument(&format!(
            "customerInfoMode is 'encrypted' or 'plain', not '{other}'"
        ))),
    }
}

/// The ISO 9564 format-0 PIN block (8 bytes, before encryption).
#[wasm_bindgen(js_name = pinBlock)]
pub fn pin_block(pin: &str, pan: &str) -> JsResult<Uint8Array> {
    let block = card::pin_block(&Pin::new(pin).js()?, &Pan::new(pan).js()?);
    Ok(js_bytes(block.as_slice()))
}

/// Opens a PKCS#12 file and describes its certificate (no key material leaves wasm):
/// `{certId, subject, issuer, notBefore, notAfter (Unix seconds), keyBits, modulus}`.
#[wasm_bindgen(js_name = inspectPkcs12)]
pub fn inspect_pkcs12(pfx: &[u8], password: &str) -> JsResult<Object> {
    let contents = unionpay_acp::pki::parse_pkcs12(pfx, password).js()?;
    let c = &contents.certificate;
    let out = Object::new();
    set(&out, "certId", c.cert_id());
    set(&out, "subject", c.subject());
    set(&out, "issuer", c.issuer());
    set(&out, "notBefore", c.not_before().unix_seconds() as f64);
    set(&out, "notAfter", c.not_after().unix_seconds() as f64);
    set(&out, "keyBits", c.key_bits() as f64);
    set(&out, "modulus", js_bytes(c.public_key().js()?.modulus()));
    Ok(out)
}

/// Splits a synchronous answer (`k=v&…`, brace-aware, no URL-decoding).
#[wasm_bindgen(js_name = parseSyncBody)]
pub fn parse_sync_body(body: &[u8]) -> JsResult<String> {
    Ok(to_json(&form::parse_sync_body(body).js()?))
}

/// Splits and form-decodes a notification body.
#[wasm_bindgen(js_name = parseNotifyBody)]
pub fn parse_notify_body(body: &[u8]) -> JsResult<String> {
    Ok(to_json(&form::parse_notify_body(body).js()?))
}

/// Form-encodes fields the way UnionPay expects (Java URLEncoder rules).
#[wasm_bindgen(js_name = encodeForm)]
pub fn encode_form(fields: &str) -> JsResult<String> {
    Ok(form::encode_form(&parse_fields(fields).js()?))
}
