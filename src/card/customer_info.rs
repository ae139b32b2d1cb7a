//! `customerInfo` (持卡人身份信息域), spec §3.3.
//!
//! Sub-field order is not significant to UnionPay; ours is fixed so that every language
//! produces the same bytes: new rule `certifTp, certifId, customerNm, smsCode, pin,
//! encryptedInfo` with `encryptedInfo = enc("phoneNo=…&cvn2=…&expired=…")`; old rule
//! `certifTp, certifId, customerNm, phoneNo, smsCode, pin, cvn2, expired`.

use super::decrypt::decrypt_text;
use super::encrypt::encrypt_field;
use super::pin_block::pin_block;
use crate::crypto::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::form::{build_nested, join_pairs, parse_nested};
use crate::key::{EncryptionCert, MerchantKey};
use crate::secret::{CardExpiry, Cvn2, Pan, PhoneNumber, Pin};
use base64::Engine;
use std::fmt;
use zeroize::Zeroizing;

/// How `customerInfo` is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi-card", derive(uniffi::Enum))]
pub enum CustomerInfoMode {
    /// New rule: phoneNo, cvn2 and expired go encrypted in `encryptedInfo` (merchants with
    /// the sensitive-data encryption permission; every token merchant).
    Encrypted,
    /// Old rule: everything in the clear inside the base64 (merchants without it).
    Plain,
}

/// The cardholder fields of `customerInfo`. Build with struct update syntax:
/// `CustomerInfo { sms_code: Some("111111".into()), ..Default::default() }`.
#[derive(Clone, Default)]
pub struct CustomerInfo {
    /// `certifTp`: ID type (`01` ID card …).
    pub certif_tp: Option<String>,
    /// `certifId`: ID number.
    pub certif_id: Option<String>,
    /// `customerNm`: name.
    pub customer_nm: Option<String>,
    /// `phoneNo`: the phone the bank has on file.
    pub phone_no: Option<PhoneNumber>,
    /// `smsCode`: the SMS code.
    pub sms_code: Option<String>,
    /// `pin`: encrypted as a PIN block (needs the card number).
    pub pin: Option<Pin>,
    /// `cvn2`.
    pub cvn2: Option<Cvn2>,
    /// `expired` (YYMM).
    pub expired: Option<CardExpiry>,
}

impl fmt::Debug for CustomerInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerInfo")
            .field("certif_tp", &self.certif_tp)
            .field("certif_id", &self.certif_id.as_ref().map(|_| "<redacted>"))
            .field(
                "customer_nm",
                &self.customer_nm.as_ref().map(|_| "<redacted>"),
            )
            .field("phone_no", &self.phone_no)
            .field("sms_code", &self.sms_code.as_ref().map(|_| "<redacted>"))
            .field("pin", &self.pin)
            .field("cvn2", &self.cvn2)
            .field("expired", &self.expired)
            .finish()
    }
}

impl CustomerInfo {
    /// Whether no sub-field is set (then `customerInfo` is simply not sent).
    pub fn is_empty(&self) -> bool {
        self.certif_tp.is_none()
            && self.certif_id.is_none()
            && self.customer_nm.is_none()
            && self.phone_no.is_none()
            && self.sms_code.is_none()
            && self.pin.is_none()
            && self.cvn2.is_none()
            && self.expired.is_none()
    }

    /// Whether building needs the encryption certificate.
    pub fn needs_encryption(&self, mode: CustomerInfoMode) -> bool {
        self.pin.is_some()
            || (mode == CustomerInfoMode::Encrypted
                && (self.phone_no.is_some() || self.cvn2.is_some() || self.expired.is_some()))
    }

    /// The `customerInfo` value. `pan` is needed only with a PIN; `cert` whenever
    /// [`needs_encryption`](Self::needs_encryption).
    pub fn build(
        &self,
        mode: CustomerInfoMode,
        cert: Option<&EncryptionCert>,
        pan: Option<&Pan>,
        rng: &mut dyn RandomSource,
    ) -> Result<String> {
        let pin = match &self.pin {
            Some(pin) => {
                let pan = pan.ok_or_else(|| {
                    Error::new(
                        ErrorCode::MissingField,
                        "a PIN needs the card number (accNo) for its PIN block",
                    )
                })?;
                let block = pin_block(pin, pan);
                Some(encrypt_field(
                    cert.ok_or_else(need_cert)?,
                    block.as_slice(),
                    rng,
                )?)
            }
            None => None,
        };
        self.assemble(mode, cert, pin, rng)
    }

    /// Like [`build`](Self::build), for a PIN block already encrypted elsewhere (e.g. by a
    /// PIN pad): `encrypted_pin` is its base64 and goes in verbatim.
    pub fn build_with_encrypted_pin(
        &self,
        mode: CustomerInfoMode,
        cert: Option<&EncryptionCert>,
        encrypted_pin: Option<&str>,
        rng: &mut dyn RandomSource,
    ) -> Result<String> {
        if self.pin.is_some() && encrypted_pin.is_some() {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "give either a PIN or an encrypted PIN block, not both",
            ));
        }
        self.assemble(mode, cert, encrypted_pin.map(str::to_owned), rng)
    }

    fn assemble(
        &self,
        mode: CustomerInfoMode,
        cert: Option<&EncryptionCert>,
        pin: Option<String>,
        rng: &mut dyn RandomSource,
    ) -> Result<String> {
        self.validate_plain_fields()?;
        let text = |v: &Option<String>| v.as_deref().unwrap_or_default().to_owned();
        let secret = |v: Option<&str>| Zeroizing::new(v.unwrap_or_default().to_owned());
        let phone = secret(self.phone_no.as_ref().map(|p| p.expose()));
        let cvn2 = secret(self.cvn2.as_ref().map(|c| c.expose()));
        let expired = secret(self.expired.as_ref().map(|e| e.expose()));
        let (certif_tp, certif_id, customer_nm, sms_code) = (
            text(&self.certif_tp),
            text(&self.certif_id),
            text(&self.customer_nm),
            text(&self.sms_code),
        );
        let pin = pin.unwrap_or_default();
        let inner = Zeroizing::new(match mode {
            CustomerInfoMode::Plain => build_nested([
                ("certifTp", certif_tp.as_str()),
                ("certifId", certif_id.as_str()),
                ("customerNm", customer_nm.as_str()),
                ("phoneNo", phone.as_str()),
                ("smsCode", sms_code.as_str()),
                ("pin", pin.as_str()),
                ("cvn2", cvn2.as_str()),
                ("expired", expired.as_str()),
            ]),
            CustomerInfoMode::Encrypted => {
                let sensitive = Zeroizing::new(join_pairs([
                    ("phoneNo", phone.as_str()),
                    ("cvn2", cvn2.as_str()),
                    ("expired", expired.as_str()),
                ]));
                let encrypted_info = if sensitive.is_empty() {
                    String::new()
                } else {
                    encrypt_field(cert.ok_or_else(need_cert)?, sensitive.as_bytes(), rng)?
                };
                build_nested([
                    ("certifTp", certif_tp.as_str()),
                    ("certifId", certif_id.as_str()),
                    ("customerNm", customer_nm.as_str()),
                    ("smsCode", sms_code.as_str()),
                    ("pin", pin.as_str()),
                    ("encryptedInfo", encrypted_info.as_str()),
                ])
            }
        });
        Ok(base64::engine::general_purpose::STANDARD.encode(inner.as_bytes()))
    }

    fn validate_plain_fields(&self) -> Result<()> {
        // These travel inside `{k=v&…}`: a brace, '&' or '=' would change the structure.
        let check = |name: &str, v: &Option<String>| -> Result<()> {
            match v {
                Some(s) if s.is_empty() || s.contains(['{', '}', '&', '=', '[', ']']) => {
                    Err(Error::new(
                        ErrorCode::InvalidField,
                        format!("customerInfo.{name} must be non-empty and free of {{ }} [ ] & ="),
                    ))
                }
                _ => Ok(()),
            }
        };
        check("certifTp", &self.certif_tp)?;
        check("certifId", &self.certif_id)?;
        check("customerNm", &self.customer_nm)?;
        check("smsCode", &self.sms_code)?;
        if let Some(code) = &self.sms_code {
            if !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::new(
                    ErrorCode::InvalidField,
                    "customerInfo.smsCode must be digits",
                ));
            }
        }
        Ok(())
    }
}

fn need_cert() -> Error {
    Error::new(
        ErrorCode::MissingField,
        "customerInfo with encrypted fields needs UnionPay's encryption certificate",
    )
}

/// Parses a received `customerInfo`: base64 → `{…}` → pairs; an `encryptedInfo` is
/// decrypted with the merchant key (when given) and its pairs merged in.
pub fn parse_customer_info(
    value: &str,
    key: Option<&MerchantKey>,
) -> Result<Vec<(String, String)>> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|_| Error::new(ErrorCode::InvalidBase64, "customerInfo is not valid base64"))?;
    let text = String::from_utf8(raw)
        .map_err(|_| Error::new(ErrorCode::NotUtf8, "customerInfo is not UTF-8"))?;
    let mut pairs = parse_nested(&text)?;
    if let (Some(pos), Some(key)) = (pairs.iter().position(|(k, _)| k == "encryptedInfo"), key) {
        let (_, encrypted) = pairs.remove(pos);
        let plain = decrypt_text(key, &encrypted)?;
        for (k, v) in parse_nested(&plain)? {
            pairs.push((k, v));
        }
    }
    Ok(pairs)
}
