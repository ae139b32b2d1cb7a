//! A client's configuration as data (feature `json`): the one schema every binding hands
//! its user's settings through, parsed once here. Adding an option is a change to this
//! file only: the [`Settings`] field, its row in [`SCHEMA`] (from which the committed
//! `settings.json` is generated, and a test checks both agree) and its line in
//! [`Settings::into_config`].
//!
//! ```json
//! {"merId": "777290058110097", "environment": {"baseUrl": "http://127.0.0.1:8080"},
//!  "trust": {"roots": ["-----BEGIN CERTIFICATE-----…"], "middles": ["…"]},
//!  "encryptionCert": "-----BEGIN CERTIFICATE-----…", "trId": null}
//! ```
//!
//! The merchant key (or secure key) and the RSA backend are objects, not settings: the
//! bindings pass them beside.

use super::config::{BizTypes, ClientConfig, Endpoints, Environment};
use crate::card::CustomerInfoMode;
use crate::crypto::CryptoBackend;
use crate::error::{Error, ErrorCode, Result};
use crate::key::EncryptionCert;
use crate::pki::Certificate;
use crate::secret::SecureKey;
use crate::sign::{Credentials, Version};
use crate::verify::{CustomTrust, TrustProfile, Verifier};
use base64::Engine;
use serde::Deserialize;
use std::sync::Arc;

/// Where requests go: `"test"`, `"production"`, `{"baseUrl": "…"}` (the local sandbox)
/// or every URL `{"front", "back", "query", "file", "app"}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum EnvironmentSetting {
    /// `"test"` or `"production"`.
    Named(String),
    /// `{"baseUrl": "http://127.0.0.1:8080"}`.
    BaseUrl {
        /// The base URL: UnionPay's paths are appended.
        #[serde(rename = "baseUrl")]
        base_url: String,
    },
    /// Every URL given.
    Urls(Endpoints),
}

/// Which certificates answers must chain to: `"test"`, `"production"`, or
/// `{"roots": [PEM…], "middles": [PEM…], "allowTestIdentity": false}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum TrustSetting {
    /// `"test"` or `"production"`.
    Named(String),
    /// Custom anchors (the local sandbox's: `acp sandbox --print-trust`).
    Custom {
        /// Root certificates: PEM text or base64 DER.
        roots: Vec<String>,
        /// Middle certificates.
        middles: Vec<String>,
        /// Also accept the old test identity `00040000:SIGN`.
        #[serde(default, rename = "allowTestIdentity")]
        allow_test_identity: bool,
    },
}

/// A client's settings (JSON, camelCase). See [`SCHEMA`] for every name, type and default.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// `merId`.
    pub mer_id: String,
    /// Where requests go.
    pub environment: EnvironmentSetting,
    /// What answers must chain to.
    pub trust: TrustSetting,
    /// UnionPay's encryption certificate (PEM or base64 DER).
    #[serde(default)]
    pub encryption_cert: Option<String>,
    /// `accessType`.
    #[serde(default)]
    pub access_type: Option<String>,
    /// `channelType`.
    #[serde(default)]
    pub channel_type: Option<String>,
    /// `trId`: absent = the environment's default, `null` = none.
    #[serde(default, deserialize_with = "present")]
    pub tr_id: Option<Option<String>>,
    /// `bizType` per API family (partial: the rest keep their defaults).
    #[serde(default)]
    pub biz_types: Option<BizTypes>,
    /// `5.1.0` or `5.0.0`.
    #[serde(default)]
    pub version: Option<String>,
    /// `encrypted` or `plain`.
    #[serde(default)]
    pub customer_info_mode: Option<String>,
    /// The longest orderId accepted.
    #[serde(default)]
    pub order_id_max_len: Option<usize>,
    /// Accept signMethod 11/12 signatures with this secure key.
    #[serde(default)]
    pub verify_secure_key: Option<String>,
    /// UnionPay's 5.0.0 verify certificates (PEM or base64 DER).
    #[serde(default)]
    pub verify_certs_500: Vec<String>,
    /// Accept 1024-bit keys in `verifyCerts500`.
    #[serde(default)]
    pub legacy_500_keys: bool,
}

/// `Some(None)` for an explicit `null`, `None` when the key is absent.
fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// One setting: its JSON name, type, default and what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingInfo {
    /// The JSON name.
    pub name: &'static str,
    /// The JSON type.
    pub json_type: &'static str,
    /// The default as JSON text (`"required"` for required settings).
    pub default: &'static str,
    /// What it does.
    pub doc: &'static str,
}

/// Every setting, in the order of [`Settings`]: the source of `settings.json`.
pub const SCHEMA: &[SettingInfo] = &[
    SettingInfo { name: "merId", json_type: "string", default: "required", doc: "merId: the 15-digit merchant number UnionPay assigned" },
    SettingInfo { name: "environment", json_type: "\"test\" | \"production\" | {baseUrl} | {front, back, query, file, app}", default: "required", doc: "where requests go; {baseUrl} appends UnionPay's paths (the local sandbox)" },
    SettingInfo { name: "trust", json_type: "\"test\" | \"production\" | {roots: [PEM], middles: [PEM], allowTestIdentity: bool}", default: "required", doc: "the certificates answers and notifications must chain to; custom anchors must be CA certificates" },
    SettingInfo { name: "encryptionCert", json_type: "PEM | base64 DER | null", default: "null", doc: "UnionPay's encryption certificate (encryptCertId); refresh it with the key update query" },
    SettingInfo { name: "accessType", json_type: "string", default: "\"0\"", doc: "accessType: 0 merchant direct, 1 acquirer, 2 platform merchant" },
    SettingInfo { name: "channelType", json_type: "string", default: "\"07\"", doc: "channelType: 07 internet, 08 mobile" },
    SettingInfo { name: "trId", json_type: "string | null", default: "\"62000000001\" (test, custom); none (production)", doc: "the token requestor id UnionPay assigned; null for none" },
    SettingInfo { name: "bizTypes", json_type: "{token, standard, openAndPay, undoRefund, query, generic, preauth}", default: "{token: 000902, standard: 000301, openAndPay: 000902, undoRefund: 000902, query: 000000, generic: 000000, preauth: 000902}", doc: "bizType per API family (give only those to change)" },
    SettingInfo { name: "version", json_type: "\"5.1.0\" | \"5.0.0\"", default: "\"5.1.0\"", doc: "the message version of requests" },
    SettingInfo { name: "customerInfoMode", json_type: "\"encrypted\" | \"plain\"", default: "\"encrypted\"", doc: "how customerInfo and accNo are sent (every token merchant encrypts)" },
    SettingInfo { name: "orderIdMaxLen", json_type: "integer", default: "32", doc: "the longest orderId accepted for new transactions (8 to 40)" },
    SettingInfo { name: "verifySecureKey", json_type: "string | null", default: "null", doc: "accept signMethod 11/12 answers signed with this secure key (explicit; 88888888 is refused with production trust)" },
    SettingInfo { name: "verifyCerts500", json_type: "[PEM | base64 DER]", default: "[]", doc: "UnionPay's 5.0.0 verify certificates, looked up by certId" },
    SettingInfo { name: "legacy500Keys", json_type: "boolean", default: "false", doc: "accept 1024-bit keys in verifyCerts500" },
];

/// `settings.json`: [`SCHEMA`] as JSON, one object per setting.
pub fn schema_json() -> String {
    let rows: Vec<serde_json::Value> = SCHEMA
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name, "type": s.json_type, "default": s.default, "doc": s.doc
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
}

impl Settings {
    /// Parses settings JSON.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] naming the setting that is unknown, missing or of
    /// the wrong type.
    pub fn from_json(text: &str) -> Result<Settings> {
        serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("the client settings are not valid: {e} (every setting: settings.json)"),
            )
        })
    }

    /// The configuration, with the merchant's credentials and the RSA backend.
    ///
    /// # Errors
    /// The error of the first setting that is not valid (an unknown environment or trust
    /// name, a certificate that does not parse, a bad version or mode).
    pub fn into_config(
        self,
        credentials: Credentials,
        backend: Arc<dyn CryptoBackend>,
    ) -> Result<ClientConfig> {
        let environment = match self.environment {
            EnvironmentSetting::Named(n) => match n.as_str() {
                "test" => Environment::Test,
                "production" => Environment::Production,
                other => {
                    return Err(bad(&format!(
                    "environment is \"test\", \"production\" or {{\"baseUrl\": …}}, not '{other}'"
                )))
                }
            },
            EnvironmentSetting::BaseUrl { base_url } => {
                Environment::Custom(Endpoints::for_base_url(&base_url)?)
            }
            EnvironmentSetting::Urls(e) => Environment::Custom(e),
        };
        let trust = self.trust.into_profile()?;
        let mut c = ClientConfig::new(self.mer_id, credentials, environment, trust);
        c.backend = backend;
        if let Some(pem) = self.encryption_cert {
            let der = document(&pem, "encryptionCert")?;
            c.encryption_cert = Some(EncryptionCert::parse_with(&der, c.backend.as_ref())?);
        }
        if let Some(v) = self.access_type {
            c.access_type = v;
        }
        if let Some(v) = self.channel_type {
            c.channel_type = v;
        }
        if let Some(v) = self.tr_id {
            c.tr_id = v;
        }
        if let Some(v) = self.biz_types {
            c.biz_types = v;
        }
        if let Some(v) = self.version {
            c.version = Version::parse(&v)?;
        }
        if let Some(v) = self.customer_info_mode {
            c.customer_info_mode = match v.as_str() {
                "encrypted" => CustomerInfoMode::Encrypted,
                "plain" => CustomerInfoMode::Plain,
                other => {
                    return Err(bad(&format!(
                        "customerInfoMode is \"encrypted\" or \"plain\", not '{other}'"
                    )))
                }
            };
        }
        if let Some(v) = self.order_id_max_len {
            c.order_id_max_len = v;
        }
        if let Some(v) = self.verify_secure_key {
            c.verify_secure_key = Some(SecureKey::new(v)?);
        }
        c.verify_certs_500 = certificates(&self.verify_certs_500, "verifyCerts500")?;
        c.legacy_500_keys = self.legacy_500_keys;
        Ok(c)
    }
}

impl TrustSetting {
    /// The trust profile.
    ///
    /// # Errors
    /// An unknown name; certificates that do not parse; custom trust without roots or
    /// middles.
    pub fn into_profile(self) -> Result<TrustProfile> {
        Ok(match self {
            TrustSetting::Named(n) => match n.as_str() {
                "test" => TrustProfile::Test,
                "production" => TrustProfile::Production,
                other => return Err(bad(&format!("trust is \"test\", \"production\" or {{\"roots\", \"middles\"}}, not '{other}'"))),
            },
            TrustSetting::Custom {
                roots,
                middles,
                allow_test_identity,
            } => TrustProfile::Custom(CustomTrust {
                roots: certificates(&roots, "trust.roots")?,
                middles: certificates(&middles, "trust.middles")?,
                allow_test_identity,
            }),
        })
    }
}

/// The verification settings alone, for a [`Verifier`] outside a client: `trust`,
/// `verifySecureKey`, `verifyCerts500` and `legacy500Keys`, with the names, types and
/// meaning they have in [`Settings`] (other names are refused).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifierSettings {
    /// What messages must chain to.
    pub trust: TrustSetting,
    /// Accept signMethod 11/12 signatures with this secure key.
    #[serde(default)]
    pub verify_secure_key: Option<String>,
    /// UnionPay's 5.0.0 verify certificates (PEM or base64 DER).
    #[serde(default)]
    pub verify_certs_500: Vec<String>,
    /// Accept 1024-bit keys in `verifyCerts500`.
    #[serde(default)]
    pub legacy_500_keys: bool,
}

impl VerifierSettings {
    /// Parses verifier settings JSON.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] naming the setting that is unknown, missing or of
    /// the wrong type.
    pub fn from_json(text: &str) -> Result<VerifierSettings> {
        serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("the verifier settings are not valid: {e} (trust, verifySecureKey, verifyCerts500, legacy500Keys)"),
            )
        })
    }

    /// The verifier, configured as [`crate::Client::new`] configures a client's.
    ///
    /// # Errors
    /// The error of the first setting that is not valid.
    pub fn into_verifier(self, backend: Arc<dyn CryptoBackend>) -> Result<Verifier> {
        let mut v = Verifier::new(self.trust.into_profile()?, backend)?;
        if let Some(key) = self.verify_secure_key {
            v = v.with_secure_key(SecureKey::new(key)?)?;
        }
        let certs = certificates(&self.verify_certs_500, "verifyCerts500")?;
        if !certs.is_empty() {
            v = v
                .with_verify_certs(certs)
                .with_legacy_500_keys(self.legacy_500_keys);
        }
        Ok(v)
    }
}

fn bad(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg.to_owned())
}

/// PEM text as is, or base64 DER decoded.
fn document(text: &str, what: &str) -> Result<Vec<u8>> {
    if text.contains("-----BEGIN") {
        return Ok(text.as_bytes().to_vec());
    }
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| bad(&format!("{what}: neither PEM text nor base64 DER")))
}

fn certificates(texts: &[String], what: &str) -> Result<Vec<Certificate>> {
    let mut out = Vec::new();
    if texts.is_empty() && what.starts_with("trust") {
        return Err(bad(&format!("{what} is empty: give the custom root and middle certificates (the local sandbox's: acp sandbox --print-trust)")));
    }
    for text in texts {
        let doc = document(text, what)?;
        if text.contains("-----BEGIN") {
            for block in crate::pki::pem_blocks(&doc)? {
                if block.label == "CERTIFICATE" {
                    out.push(Certificate::from_der(&block.der)?);
                }
            }
        } else {
            out.push(Certificate::from_der(&doc)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_settings_json_matches_the_schema() {
        assert_eq!(
            include_str!("../../settings.json"),
            schema_json(),
            "settings.json is stale: run `cargo run -p acp-cli -- settings > settings.json`"
        );
    }

    #[test]
    fn every_schema_row_is_a_setting_and_unknown_names_are_refused() {
        let base = r#""merId":"777290058110097","environment":"test","trust":"test""#;
        let samples = [
            ("encryptionCert", "null"),
            ("accessType", "\"0\""),
            ("channelType", "\"08\""),
            ("trId", "null"),
            ("bizTypes", "{\"query\":\"000902\"}"),
            ("version", "\"5.0.0\""),
            ("customerInfoMode", "\"plain\""),
            ("orderIdMaxLen", "40"),
            ("verifySecureKey", "null"),
            ("verifyCerts500", "[]"),
            ("legacy500Keys", "true"),
        ];
        assert_eq!(samples.len() + 3, SCHEMA.len());
        for (name, value) in samples {
            assert!(
                SCHEMA.iter().any(|s| s.name == name),
                "{name} is not in SCHEMA"
            );
            Settings::from_json(&format!("{{{base},\"{name}\":{value}}}"))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        for bad in [
            format!("{{{base},\"tr_id\":null}}"),
            format!("{{{base},\"bizTypes\":{{\"undoRefunds\":\"000902\"}}}}"),
            "{\"environment\":\"test\",\"trust\":\"test\"}".to_owned(),
        ] {
            let e = Settings::from_json(&bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn verifier_settings_take_the_verification_names_only() {
        let backend = crate::crypto::default_backend;
        let v = VerifierSettings::from_json(r#"{"trust":"test","verifySecureKey":"88888888"}"#)
            .unwrap()
            .into_verifier(backend())
            .unwrap();
        assert_eq!(v.profile().name(), "test");
        for bad in [
            r#"{"trust":"test","merId":"777290058110097"}"#,
            r#"{"verifySecureKey":"88888888"}"#,
        ] {
            let e = VerifierSettings::from_json(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bad}");
        }
        let e = VerifierSettings::from_json(r#"{"trust":"staging"}"#)
            .unwrap()
            .into_verifier(backend())
            .unwrap_err();
        assert!(e.message().contains("trust"), "{e}");
    }

    #[test]
    fn tr_id_absent_null_and_given() {
        let key = crate::secret::SecureKey::new("12345678").unwrap();
        let creds = || Credentials::SecureKey {
            method: crate::sign::SignMethod::Sha256SecureKey,
            key: key.clone(),
        };
        let backend = crate::crypto::default_backend;
        let config = |extra: &str| {
            Settings::from_json(&format!(
                r#"{{"merId":"777290058110097","environment":"test","trust":"test"{extra}}}"#
            ))
            .unwrap()
            .into_config(creds(), backend())
            .unwrap()
        };
        assert_eq!(config("").tr_id.as_deref(), Some("62000000001"));
        assert_eq!(config(r#","trId":null"#).tr_id, None);
        assert_eq!(
            config(r#","trId":"62000000606""#).tr_id.as_deref(),
            Some("62000000606")
        );
        let e = Settings::from_json(
            r#"{"merId":"777290058110097","environment":"somewhere","trust":"test"}"#,
        )
        .unwrap()
        .into_config(creds(), backend())
        .unwrap_err();
        assert!(e.message().contains("environment"), "{e}");
    }
}
