//! Records that cross the boundary, and their conversions to and from the core's types.

use crate::error::{invalid_argument, AcpError, Result};
use crate::host::{to_system_time, to_timestamp};
use std::collections::BTreeMap;
use std::time::SystemTime;
use unionpay_acp::client::{self, Api};
use unionpay_acp::pki::Certificate;
use unionpay_acp::Fields;

/// Protocol fields keyed by name. On the wire one JSON object of strings; Python sees a
/// `dict[str, str]`, Kotlin a `Map<String, String>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldMap(pub BTreeMap<String, String>);

uniffi::custom_type!(FieldMap, String, {
    // A BTreeMap<String, String> always serializes; the fallback is never taken.
    lower: |m| serde_json::to_string(&m.0).unwrap_or_default(),
    try_lift: |s| Ok(FieldMap(serde_json::from_str(&s)?)),
});

impl FieldMap {
    /// As the core's received-fields map: every value kept exactly, empty ones too.
    pub fn to_fields(&self) -> Fields {
        let mut f = Fields::new();
        for (k, v) in &self.0 {
            f.insert_raw(k.clone(), v.clone());
        }
        f
    }
}

impl From<&Fields> for FieldMap {
    fn from(f: &Fields) -> Self {
        FieldMap(f.as_map().clone())
    }
}

impl From<Fields> for FieldMap {
    fn from(f: Fields) -> Self {
        FieldMap(f.into_map())
    }
}

/// What a status query asks about (see the core's `QueriedTxn`): the queried
/// transaction's API name, amount and, for a browser transaction, payTimeout.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct QueriedTxn {
    /// The queried transaction's API (`consume`, `refund`, `open_and_pay`, …).
    pub api: String,
    /// Its amount in fen.
    pub txn_amt: u64,
    /// Its `payTimeout` (browser transactions only).
    pub pay_timeout: Option<SystemTime>,
}

/// A signed request ready to send: POST `body` to `url` (form-encoded, UTF-8), or for a
/// front API serve `html` to the browser. Keep it: answers and notifications are checked
/// against it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OutgoingRequest {
    /// The API name (`consume`, `sms_open`, …).
    pub api: String,
    /// `front`, `back`, `query`, `file` or `app`.
    pub endpoint: String,
    /// Where to POST.
    pub url: String,
    /// The signed fields.
    pub fields: FieldMap,
    /// The form-encoded body.
    pub body: String,
    /// `orderId` (none for the file transfer).
    pub order_id: Option<String>,
    /// `txnTime`.
    pub txn_time: String,
    /// `txnAmt` in fen.
    pub txn_amt: Option<u64>,
    /// Front APIs: the auto-submit page.
    pub html: Option<String>,
    /// Front APIs: `payTimeout`.
    pub pay_timeout: Option<SystemTime>,
    /// Status query: what the queried transaction was.
    pub queried: Option<QueriedTxn>,
    /// Status query: which attempt (1 for the first); 0 otherwise.
    pub attempt: u32,
}

impl From<client::OutgoingRequest> for OutgoingRequest {
    fn from(r: client::OutgoingRequest) -> Self {
        OutgoingRequest {
            api: r.api.name().to_owned(),
            endpoint: r.endpoint.name().to_owned(),
            url: r.url,
            fields: r.fields.into(),
            body: r.body,
            order_id: r.order_id,
            txn_time: r.txn_time,
            txn_amt: r.txn_amt,
            html: r.html,
            pay_timeout: r.pay_timeout.map(to_system_time),
            queried: r.queried.map(|q| QueriedTxn {
                api: q.api.name().to_owned(),
                txn_amt: q.txn_amt,
                pay_timeout: q.pay_timeout.map(to_system_time),
            }),
            attempt: r.attempt,
        }
    }
}

impl TryFrom<&OutgoingRequest> for client::OutgoingRequest {
    type Error = AcpError;

    fn try_from(r: &OutgoingRequest) -> Result<Self> {
        let api = Api::from_name(&r.api)?;
        let endpoint = api.endpoint();
        if endpoint.name() != r.endpoint {
            return Err(invalid_argument(format!(
                "the request's endpoint '{}' is not the one of {} ('{}')",
                r.endpoint,
                r.api,
                endpoint.name()
            )));
        }
        Ok(client::OutgoingRequest {
            api,
            endpoint,
            url: r.url.clone(),
            fields: r.fields.to_fields(),
            body: r.body.clone(),
            order_id: r.order_id.clone(),
            txn_time: r.txn_time.clone(),
            txn_amt: r.txn_amt,
            html: r.html.clone(),
            pay_timeout: r.pay_timeout.map(to_timestamp),
            queried: r
                .queried
                .as_ref()
                .map(|q| -> Result<client::QueriedTxn> {
                    let queried = client::QueriedTxn {
                        api: Api::from_name(&q.api)?,
                        txn_amt: q.txn_amt,
                        pay_timeout: q.pay_timeout.map(to_timestamp),
                    };
                    queried.check()?;
                    Ok(queried)
                })
                .transpose()?,
            attempt: r.attempt,
        })
    }
}

/// `tokenPayData` as received.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct TokenPayData {
    /// `token`: pays like a card number; store it like one.
    pub token: Option<String>,
    /// `trId`.
    pub tr_id: Option<String>,
    /// `tokenType`.
    pub token_type: Option<String>,
    /// `tokenBegin`, `YYYYMMDDhhmmss`.
    pub token_begin: Option<String>,
    /// `tokenEnd`, `YYYYMMDDhhmmss`.
    pub token_end: Option<String>,
    /// `tokenLevel`.
    pub token_level: Option<String>,
}

impl From<client::TokenPayData> for TokenPayData {
    fn from(t: client::TokenPayData) -> Self {
        TokenPayData {
            token: t.token,
            tr_id: t.tr_id,
            token_type: t.token_type,
            token_begin: t.token_begin,
            token_end: t.token_end,
            token_level: t.token_level,
        }
    }
}

impl From<&TokenPayData> for client::TokenPayData {
    fn from(t: &TokenPayData) -> Self {
        client::TokenPayData {
            token: t.token.clone(),
            tr_id: t.tr_id.clone(),
            token_type: t.token_type.clone(),
            token_begin: t.token_begin.clone(),
            token_end: t.token_end.clone(),
            token_level: t.token_level.clone(),
        }
    }
}

/// What a certificate says.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CertificateInfo {
    /// The serial in decimal (`certId`, `encryptCertId`).
    pub cert_id: String,
    /// The subject DN.
    pub subject: String,
    /// The issuer DN.
    pub issuer: String,
    /// Start of validity.
    pub not_before: SystemTime,
    /// End of validity.
    pub not_after: SystemTime,
    /// RSA key size.
    pub key_bits: u32,
    /// The RSA modulus, big-endian.
    pub modulus: Vec<u8>,
    /// Lowercase hex SHA-256 of the DER.
    pub sha256_hex: String,
    /// The DER encoding.
    pub der: Vec<u8>,
}

impl From<&Certificate> for CertificateInfo {
    fn from(c: &Certificate) -> Self {
        CertificateInfo {
            cert_id: c.cert_id(),
            subject: c.subject(),
            issuer: c.issuer(),
            not_before: to_system_time(c.not_before()),
            not_after: to_system_time(c.not_after()),
            key_bits: u32::try_from(c.key_bits()).unwrap_or(u32::MAX),
            modulus: c
                .public_key()
                .map(|k| k.modulus().to_vec())
                .unwrap_or_default(),
            sha256_hex: c.sha256_hex(),
            der: c.der().to_vec(),
        }
    }
}
