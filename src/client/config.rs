//! One merchant's configuration: who it is, where UnionPay is, how it signs, what it trusts.

use super::validate;
use crate::card::CustomerInfoMode;
use crate::crypto::{default_backend, CryptoBackend};
use crate::error::{Error, ErrorCode, Result};
use crate::key::EncryptionCert;
use crate::pki::Certificate;
use crate::secret::SecureKey;
use crate::sign::{Credentials, Version};
use crate::verify::TrustProfile;
use std::sync::Arc;

/// Which UnionPay endpoint a request goes to (spec §1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum EndpointKind {
    /// `frontTransReq.do`: the browser posts the auto-submit form there.
    Front,
    /// `backTransReq.do`: every server-to-server request except the status query.
    Back,
    /// `queryTrans.do`: the status query 00/00.
    Query,
    /// The file host root (`…/`): file transfer 76/01.
    File,
    /// `appTransReq.do`: not used by this product's requests; kept for hosts that need it.
    App,
}

impl EndpointKind {
    /// A stable lowercase name (`front`, `back`, `query`, `file`, `app`).
    pub fn name(self) -> &'static str {
        match self {
            EndpointKind::Front => "front",
            EndpointKind::Back => "back",
            EndpointKind::Query => "query",
            EndpointKind::File => "file",
            EndpointKind::App => "app",
        }
    }
}

/// The URLs of one environment.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Endpoints {
    /// `…/gateway/api/frontTransReq.do`.
    pub front: String,
    /// `…/gateway/api/backTransReq.do`.
    pub back: String,
    /// `…/gateway/api/queryTrans.do`.
    pub query: String,
    /// The file host root, with its trailing slash (the POST goes to `/`).
    pub file: String,
    /// `…/gateway/api/appTransReq.do`.
    pub app: String,
}

impl Endpoints {
    /// UnionPay production (spec §1.1).
    pub fn production() -> Self {
        Self::hosts(
            "https://gateway.95516.com",
            "https://filedownload.95516.com/",
        )
    }

    /// UnionPay's test environment (入网测试环境, spec §1.1).
    pub fn test() -> Self {
        Self::hosts(
            "https://gateway.test.95516.com",
            "https://filedownload.test.95516.com/",
        )
    }

    /// Every endpoint under one base URL with UnionPay's paths, e.g. the local sandbox:
    /// `http://127.0.0.1:8080` gives `http://127.0.0.1:8080/gateway/api/backTransReq.do`
    /// and the file endpoint `http://127.0.0.1:8080/`.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] unless `base` is an `http://` or `https://` URL
    /// without query or fragment.
    pub fn for_base_url(base: &str) -> Result<Self> {
        validate::http_url(base, "the base URL")
            .map_err(|e| Error::new(ErrorCode::InvalidArgument, e.message().to_owned()))?;
        if base.contains(['?', '#']) {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "the base URL must not carry a query or fragment; give scheme, host, port and an optional path prefix",
            ));
        }
        let base = base.trim_end_matches('/');
        Ok(Self::hosts(base, &format!("{base}/")))
    }

    fn hosts(gateway: &str, file: &str) -> Self {
        Endpoints {
            front: format!("{gateway}/gateway/api/frontTransReq.do"),
            back: format!("{gateway}/gateway/api/backTransReq.do"),
            query: format!("{gateway}/gateway/api/queryTrans.do"),
            file: file.to_owned(),
            app: format!("{gateway}/gateway/api/appTransReq.do"),
        }
    }

    /// The URL for one kind of endpoint.
    pub fn url(&self, kind: EndpointKind) -> &str {
        match kind {
            EndpointKind::Front => &self.front,
            EndpointKind::Back => &self.back,
            EndpointKind::Query => &self.query,
            EndpointKind::File => &self.file,
            EndpointKind::App => &self.app,
        }
    }
}

/// Where requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// UnionPay production.
    Production,
    /// UnionPay's test environment.
    Test,
    /// Explicit URLs, e.g. [`Endpoints::for_base_url`] for the local sandbox.
    Custom(Endpoints),
}

impl Environment {
    /// The URLs of this environment.
    pub fn endpoints(&self) -> Endpoints {
        match self {
            Environment::Production => Endpoints::production(),
            Environment::Test => Endpoints::test(),
            Environment::Custom(e) => e.clone(),
        }
    }
}

/// The `bizType` sent per API family (spec §3.2, §15.1, §15.20). The sources disagree for
/// the follow-up transactions and the gateway accepts several, so each is configurable.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", default, deny_unknown_fields)
)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BizTypes {
    /// Token product requests: open 79/xx, open query 78/02, SMS 77, delete 74/01, consume
    /// 01/01 with a token. Default `000902`.
    pub token: String,
    /// The standard product (认证支付2.0): consume and SMS that name the card by `accNo`.
    /// Default `000301`.
    pub standard: String,
    /// Open-and-pay 01/01 front. Default `000902` (official Java and .NET demos; the PHP
    /// demo's `000301` looks like a copy slip).
    pub open_and_pay: String,
    /// Consume undo 31/00 and refund 04/00. Default `000902` (official Java token demo).
    pub undo_refund: String,
    /// Status query 00/00. Default `000000` (.NET, PHP, the 5.0.0 annotated demo).
    pub query: String,
    /// File transfer 76/01, key update 95/00, reversal 99/01. Default `000000`.
    pub generic: String,
    /// Pre-auth 02/01 and its follow-ups 32/00, 03/00, 33/00. Default `000902` (inferred:
    /// no official token pre-auth sample exists, spec §15.9).
    pub preauth: String,
}

impl Default for BizTypes {
    fn default() -> Self {
        BizTypes {
            token: "000902".into(),
            standard: "000301".into(),
            open_and_pay: "000902".into(),
            undo_refund: "000902".into(),
            query: "000000".into(),
            generic: "000000".into(),
            preauth: "000902".into(),
        }
    }
}

impl BizTypes {
    fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("token", &self.token),
            ("standard", &self.standard),
            ("openAndPay", &self.open_and_pay),
            ("undoRefund", &self.undo_refund),
            ("query", &self.query),
            ("generic", &self.generic),
            ("preauth", &self.preauth),
        ] {
            if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::new(
                    ErrorCode::InvalidField,
                    format!("bizTypes.{name} (bizType) must be 6 digits, e.g. 000902"),
                ));
            }
        }
        Ok(())
    }
}

/// The test environment's token requestor id (spec §12.1).
pub const TEST_TR_ID: &str = "62000000001";

/// Everything one [`Client`](super::Client) needs. Build it with [`ClientConfig::new`] and
/// adjust fields with struct update syntax; all inputs are bytes or values, never paths.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// `merId`, 15 digits.
    pub mer_id: String,
    /// `accessType`: `0` merchant direct (default), `1` acquirer, `2` platform merchant.
    pub access_type: String,
    /// `channelType`: `07` internet (default), `08` mobile.
    pub channel_type: String,
    /// Where requests go.
    pub environment: Environment,
    /// How requests are signed: the merchant key (signMethod 01) or a secure key (11/12).
    pub credentials: Credentials,
    /// UnionPay's encryption certificate (`encryptCertId`); needed whenever card data is
    /// encrypted. Refresh it with the key update query 95.
    pub encryption_cert: Option<EncryptionCert>,
    /// Which UnionPay certificates responses and notifications must chain to.
    pub trust: TrustProfile,
    /// The RSA implementation.
    pub backend: Arc<dyn CryptoBackend>,
    /// How `customerInfo` is built: [`CustomerInfoMode::Encrypted`] (default; every token
    /// merchant has the sensitive-data permission) also encrypts `accNo`.
    pub customer_info_mode: CustomerInfoMode,
    /// The token requestor id (`trId`) UnionPay assigned. Defaults to `62000000001` for the
    /// test and custom (sandbox) environments and to none for production, where it is
    /// assigned per merchant; token requests fail with a typed error while it is missing.
    pub tr_id: Option<String>,
    /// `bizType` per API family.
    pub biz_types: BizTypes,
    /// `version` of requests: 5.1.0 (default) or 5.0.0.
    pub version: Version,
    /// Accept signMethod 11/12 answers and notifications signed with this secure key. Off
    /// unless set, also for a client that signs with a secure key (set it to the same key
    /// then): a secure key is shared with UnionPay and easier to leak than a certificate.
    /// UnionPay's public test key `88888888` is refused under production.
    pub verify_secure_key: Option<SecureKey>,
    /// UnionPay's 5.0.0 verify certificates (looked up by `certId`), for legacy messages.
    pub verify_certs_500: Vec<Certificate>,
    /// Accept 1024-bit keys in `verify_certs_500` (default: 2048 bits, as every key here).
    pub legacy_500_keys: bool,
    /// The longest `orderId` accepted for new transactions: 32 by default (the .NET/PHP
    /// limit, which satisfies every source; spec §15.4), at most 40 (the Java limit).
    pub order_id_max_len: usize,
}

impl ClientConfig {
    /// A configuration with the defaults above. `trust` is explicit so that the
    /// certificates a message must chain to are always a deliberate choice.
    pub fn new(
        mer_id: impl Into<String>,
        credentials: Credentials,
        environment: Environment,
        trust: TrustProfile,
    ) -> Self {
        let tr_id = match environment {
            Environment::Production => None,
            Environment::Test | Environment::Custom(_) => Some(TEST_TR_ID.to_owned()),
        };
        ClientConfig {
            mer_id: mer_id.into(),
            access_type: "0".into(),
            channel_type: "07".into(),
            environment,
            credentials,
            encryption_cert: None,
            trust,
            backend: default_backend(),
            customer_info_mode: CustomerInfoMode::Encrypted,
            tr_id,
            biz_types: BizTypes::default(),
            version: Version::V5_1_0,
            verify_secure_key: None,
            verify_certs_500: Vec::new(),
            legacy_500_keys: false,
            order_id_max_len: 32,
        }
    }

    /// Checks every value the requests will carry, so that a bad configuration fails at
    /// [`Client::new`](super::Client::new) rather than at the first request.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.mer_id.len() != 15 || !self.mer_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::new(
                ErrorCode::InvalidField,
                "merId must be the 15-digit merchant number UnionPay assigned",
            ));
        }
        if !matches!(self.access_type.as_str(), "0" | "1" | "2") {
            return Err(Error::new(
                ErrorCode::InvalidField,
                "accessType must be 0 (merchant direct), 1 (acquirer) or 2 (platform merchant)",
            ));
        }
        if self.channel_type.len() != 2 || !self.channel_type.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::new(
                ErrorCode::InvalidField,
                "channelType must be 2 digits: 07 internet, 08 mobile",
            ));
        }
        if let Some(tr_id) = &self.tr_id {
            if tr_id.is_empty() || tr_id.len() > 20 || !tr_id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::new(
                    ErrorCode::InvalidField,
                    "trId must be the 1 to 20 digit token requestor id UnionPay assigned (test: 62000000001)",
                ));
            }
        }
        if !(8..=40).contains(&self.order_id_max_len) {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "orderIdMaxLen must be between 8 and 40 (UnionPay's orderId is 8 to 32 or 40 characters)",
            ));
        }
        if let Credentials::SecureKey { key, .. } = &self.credentials {
            let production = self.environment == Environment::Production
                || matches!(self.trust, TrustProfile::Production);
            if production && key.is_public_test_key() {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    "the secure key 88888888 is UnionPay's public test key: it cannot sign for production",
                ));
            }
        }
        if let (Credentials::SecureKey { .. }, Version::V5_0_0) = (&self.credentials, self.version)
        {
            return Err(Error::new(
                ErrorCode::UnsupportedSignMethod,
                "signMethod 11/12 (secure key) exists only in version 5.1.0",
            ));
        }
        self.biz_types.validate()
    }
}
