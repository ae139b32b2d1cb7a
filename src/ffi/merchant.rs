//! The merchant back end's part of the boundary (feature `uniffi`): the custom types for
//! API names, field maps and sizes, the records only a merchant's server sees, and the
//! methods foreign code calls on outcomes, answers and reconciliation reports.

use super::error::AcpError;
use super::CertificateInfo;
use super::FfiResult;
use crate::client::{
    Api, NextStep, Notification, NotificationReply, Outcome, OutgoingRequest, PendingReason,
    Response, TokenPayData,
};
use crate::file::{ArchiveLimits, BookEntry, NamedFile, Reconciliation, ReconciliationReport};
use crate::form::Fields;
use crate::pki::Pkcs12Contents;
use crate::time::Timestamp;
use std::collections::HashMap;

// Sizes and counts (`usize` in Rust) cross as u64.
uniffi::custom_type!(usize, u64, {
    remote,
    lower: |v| v as u64,
    try_lift: |v| Ok(usize::try_from(v)?),
});

// A value that does not lift fails the call with the core's typed error (uniffi hands an
// `AcpError` in a failed lift to the caller as that error, not as an internal one).
fn lifted<T>(r: crate::Result<T>) -> uniffi::Result<T> {
    r.map_err(|e| AcpError::from(e).into())
}

// An API by its name (`consume`, `sms_open`, …).
uniffi::custom_type!(Api, String, {
    lower: |a| a.name().to_owned(),
    try_lift: |s| lifted(Api::from_name(&s)),
});

// A field map as one JSON object of strings: one buffer per map instead of two per field
// (the Python and Kotlin converters in uniffi.toml make it a dict / Map).
uniffi::custom_type!(Fields, String, {
    lower: |f| serde_json::to_string(&f).unwrap_or_default(),
    try_lift: |s| lifted(serde_json::from_str::<Fields>(&s).map_err(|e| {
        crate::Error::new(
            crate::ErrorCode::InvalidArgument,
            format!("a field map must be an object of strings: {e}"),
        )
    })),
});

/// What a PKCS#12 file holds (the private key stays inside).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Pkcs12Info {
    /// The certificate matching the private key.
    pub certificate: CertificateInfo,
    /// The other certificates, in file order.
    pub extra_certificates: Vec<CertificateInfo>,
}

impl From<&Pkcs12Contents> for Pkcs12Info {
    fn from(p: &Pkcs12Contents) -> Self {
        Pkcs12Info {
            certificate: (&p.certificate).into(),
            extra_certificates: p.extra_certificates.iter().map(Into::into).collect(),
        }
    }
}

/// A signed field set and what signing computed.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SignedFields {
    /// The fields with `signMethod`, `certId` (01) and `signature` set.
    pub fields: Fields,
    /// The canonical string that was signed.
    pub canonical: String,
    /// Lowercase hex digest of the canonical string.
    pub digest_hex: String,
}

/// What `receive_notification` found: the reply to send in every case, and the verified
/// notification or why it was refused.
#[derive(Clone, Debug, uniffi::Record)]
pub struct NotificationReceipt {
    /// Answer UnionPay's POST with this (store the notification first when it verified).
    pub reply: NotificationReply,
    /// The verified notification.
    pub notification: Option<Notification>,
    /// Why it was refused (the reply is then 400).
    pub error: Option<AcpError>,
}

impl NotificationReceipt {
    /// From the core's pair.
    pub fn new((reply, result): (NotificationReply, crate::error::Result<Notification>)) -> Self {
        let (notification, error) = match result {
            Ok(n) => (Some(n), None),
            Err(e) => (None, Some(e.into())),
        };
        NotificationReceipt {
            reply,
            notification,
            error,
        }
    }
}

/// One product API.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ApiInfo {
    /// Its name (`consume`, `sms_open`, …).
    pub name: String,
    /// A browser form: build it and serve its page, never POST it yourself.
    pub front: bool,
    /// It moves money: no answer means unknown, never failed.
    pub money_moving: bool,
}

#[uniffi::export]
impl Outcome {
    /// `success`, `accepted`, `pending`, `failed` or `no_file`.
    #[uniffi::method(name = "name")]
    pub fn ffi_name(&self) -> String {
        self.name().to_owned()
    }

    /// The respCode that decided it (`origRespCode` for a found status query).
    #[uniffi::method(name = "decisive_code")]
    pub fn ffi_decisive_code(&self) -> String {
        self.decisive_code().to_owned()
    }

    /// The respMsg that goes with the decisive code.
    #[uniffi::method(name = "decisive_msg")]
    pub fn ffi_decisive_msg(&self) -> String {
        self.decisive_msg().to_owned()
    }

    /// When to send the next status query.
    #[uniffi::method(name = "query_at")]
    pub fn ffi_query_at(&self) -> Option<Timestamp> {
        self.query_at()
    }

    /// Why it is not final.
    #[uniffi::method(name = "pending_reason")]
    pub fn ffi_pending_reason(&self) -> Option<PendingReason> {
        self.pending_reason()
    }

    /// The verified answer.
    #[uniffi::method(name = "response")]
    pub fn ffi_response(&self) -> Response {
        self.response().clone()
    }

    /// The core's JSON shape (see `unionpay_acp::json`).
    pub fn to_json(&self) -> String {
        crate::json::to_json(self)
    }
}

#[uniffi::export]
impl NextStep {
    /// `final`, `query` or `stop`.
    #[uniffi::method(name = "name")]
    pub fn ffi_name(&self) -> String {
        self.name().to_owned()
    }

    /// The outcome this step carries: the final one, or the last answer's (`None` when no
    /// answer came).
    #[uniffi::method(name = "outcome")]
    pub fn ffi_outcome(&self) -> Option<Outcome> {
        self.outcome().cloned()
    }
}

#[uniffi::export]
impl Response {
    /// One field.
    #[uniffi::method(name = "get")]
    pub fn ffi_get(&self, key: String) -> Option<String> {
        self.get(&key).map(str::to_owned)
    }

    /// `tokenPayData`, parsed.
    #[uniffi::method(name = "token_pay_data")]
    pub fn ffi_token_pay_data(&self) -> FfiResult<Option<TokenPayData>> {
        Ok(self.token_pay_data()?)
    }

    /// `customerInfo` parsed without decrypting (an `encryptedInfo` stays as it came).
    #[uniffi::method(name = "customer_info")]
    pub fn ffi_customer_info(&self) -> FfiResult<Option<HashMap<String, String>>> {
        Ok(self.customer_info()?.map(|c| {
            c.iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        }))
    }

    /// The members of a file-transfer answer.
    #[uniffi::method(name = "files", default(limits = None))]
    pub fn ffi_files(&self, limits: Option<ArchiveLimits>) -> FfiResult<Vec<NamedFile>> {
        Ok(self.files(&limits.unwrap_or_default())?)
    }

    /// The reconciliation records of a file-transfer answer.
    #[uniffi::method(name = "reconciliation", default(limits = None))]
    pub fn ffi_reconciliation(&self, limits: Option<ArchiveLimits>) -> FfiResult<Reconciliation> {
        Ok(self.reconciliation(&limits.unwrap_or_default())?)
    }
}

/// The names of every product API (`consume`, `sms_open`, …), in the core's order.
#[uniffi::export]
pub fn api_names() -> Vec<String> {
    Api::ALL.iter().map(|a| a.name().to_owned()).collect()
}

/// The reconciliation records of a ZIP archive the merchant saved (what the file transfer
/// downloads, or one fetched by hand), as `Response::reconciliation` reads them.
#[uniffi::export(default(limits = None))]
pub fn read_reconciliation_archive(
    zip: Vec<u8>,
    limits: Option<ArchiveLimits>,
) -> FfiResult<Reconciliation> {
    let files = crate::file::read_zip(&zip, &limits.unwrap_or_default())?;
    Ok(crate::file::parse_archive(&files)?)
}

/// The merchant's books of a clearing day compared with its reconciliation file
/// (`Response::reconciliation`, `read_reconciliation_archive`).
#[uniffi::export]
pub fn reconcile(books: Vec<BookEntry>, file: Reconciliation) -> ReconciliationReport {
    crate::file::reconcile(&books, &file)
}

#[uniffi::export]
impl ReconciliationReport {
    /// The core's JSON shape: identical in every language.
    #[uniffi::method(name = "to_json")]
    pub fn ffi_to_json(&self) -> String {
        crate::json::to_json(self)
    }

    /// Whether every line is consistent (nothing for the merchant to do).
    #[uniffi::method(name = "is_clean")]
    pub fn ffi_is_clean(&self) -> bool {
        self.is_clean()
    }
}

/// Every product API: its name, and whether it is a browser form (front: build it and
/// serve its page; never POST it yourself).
#[uniffi::export]
pub fn api_catalogue() -> Vec<ApiInfo> {
    Api::ALL
        .iter()
        .map(|a| ApiInfo {
            name: a.name().to_owned(),
            front: a.is_front(),
            money_moving: a.is_money_moving(),
        })
        .collect()
}

/// 503: what to answer UnionPay's notification POST when it verified but could not be
/// stored; UnionPay sends it again later (spec §2.3).
#[uniffi::export]
pub fn notification_reply_retry_later() -> crate::client::NotificationReply {
    crate::client::NotificationReply::retry_later()
}

#[uniffi::export]
impl OutgoingRequest {
    /// Whether this is a browser form (serve `html`; never POST it yourself).
    #[uniffi::method(name = "is_front")]
    pub fn ffi_is_front(&self) -> bool {
        self.api.is_front()
    }
}

/// How the core shows a field map in logs: only what identifies the message (merId,
/// orderId, txnTime, txnType, txnSubType, respCode, version), every other value elided.
/// Foreign records print through this where the language lets a class say how it prints.
#[uniffi::export]
pub fn fields_for_log(fields: Fields) -> String {
    format!("{fields:?}")
}

/// How the core shows `tokenPayData` in logs: the token's last four characters only.
#[uniffi::export]
pub fn token_pay_data_for_log(data: TokenPayData) -> String {
    format!("{data:?}")
}

/// The `Content-Type` every request body is POSTed with (a form, UTF-8).
#[uniffi::export]
pub fn form_content_type() -> String {
    crate::client::FORM_CONTENT_TYPE.to_owned()
}

#[uniffi::export]
impl Reconciliation {
    /// The core's JSON shape: identical in every language.
    pub fn to_json(&self) -> String {
        crate::json::to_json(self)
    }
}
