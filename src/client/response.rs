//! A verified message from UnionPay, with its nested fields parsed on demand.

use super::request::tail4;
use super::Client;
use crate::card::{decrypt_text, parse_customer_info};
use crate::error::{Error, ErrorCode, Result};
use crate::form::{nested_get, parse_nested, Fields};
use std::fmt;
use zeroize::Zeroizing;

/// A verified response or notification. Only [`Client`] makes these, after the signature
/// checked out, so every accessor reads authenticated data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Response {
    fields: Fields,
}

/// `tokenPayData` as received (spec §3.4).
#[derive(Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TokenPayData {
    /// `token`: pays like a card number; store it like one.
    pub token: Option<String>,
    /// `trId`: the token requestor id.
    pub tr_id: Option<String>,
    /// `tokenType` (`01`).
    pub token_type: Option<String>,
    /// `tokenBegin`, `YYYYMMDDhhmmss`.
    pub token_begin: Option<String>,
    /// `tokenEnd`, `YYYYMMDDhhmmss`.
    pub token_end: Option<String>,
    /// `tokenLevel`.
    pub token_level: Option<String>,
}

impl fmt::Debug for TokenPayData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPayData")
            .field(
                "token",
                &self.token.as_deref().map(|t| format!("…{}", tail4(t))),
            )
            .field("tr_id", &self.tr_id)
            .field("token_type", &self.token_type)
            .field("token_begin", &self.token_begin)
            .field("token_end", &self.token_end)
            .field("token_level", &self.token_level)
            .finish()
    }
}

/// A received `customerInfo`, as sub-field pairs. Values may be personal data (phone,
/// ID number, name), so they are zeroized on drop and hidden from `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ReceivedCustomerInfo(Vec<(String, Zeroizing<String>)>);

impl ReceivedCustomerInfo {
    /// A sub-field's value, e.g. `phoneNo` (after decryption) or `encryptedInfo` (before).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs, in the order received (decrypted ones last).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether `encryptedInfo` is still there (not decrypted).
    pub fn is_encrypted(&self) -> bool {
        self.get("encryptedInfo").is_some()
    }
}

impl fmt::Debug for ReceivedCustomerInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, _)| (k, "…")))
            .finish()
    }
}

impl Response {
    pub(crate) fn new(fields: Fields) -> Self {
        Response { fields }
    }

    /// Every field as received.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Consumes into the fields.
    pub fn into_fields(self) -> Fields {
        self.fields
    }

    /// One field.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key)
    }

    /// `respCode` (empty when absent).
    pub fn resp_code(&self) -> &str {
        self.get("respCode").unwrap_or_default()
    }

    /// `respMsg` (empty when absent); log it, never branch on it.
    pub fn resp_msg(&self) -> &str {
        self.get("respMsg").unwrap_or_default()
    }

    /// `origRespCode` (status query answers).
    pub fn orig_resp_code(&self) -> Option<&str> {
        self.get("origRespCode")
    }

    /// `origRespMsg` (status query answers).
    pub fn orig_resp_msg(&self) -> Option<&str> {
        self.get("origRespMsg")
    }

    /// `queryId`: keep it, undo and refund need it.
    pub fn query_id(&self) -> Option<&str> {
        self.get("queryId")
    }

    /// `origQryId`.
    pub fn orig_qry_id(&self) -> Option<&str> {
        self.get("origQryId")
    }

    /// `merId`.
    pub fn mer_id(&self) -> Option<&str> {
        self.get("merId")
    }

    /// `orderId`.
    pub fn order_id(&self) -> Option<&str> {
        self.get("orderId")
    }

    /// `txnTime`.
    pub fn txn_time(&self) -> Option<&str> {
        self.get("txnTime")
    }

    /// `txnType` (a found status query answer carries the original's).
    pub fn txn_type(&self) -> Option<&str> {
        self.get("txnType")
    }

    /// `txnSubType`.
    pub fn txn_sub_type(&self) -> Option<&str> {
        self.get("txnSubType")
    }

    /// `settleDate` (MMDD).
    pub fn settle_date(&self) -> Option<&str> {
        self.get("settleDate")
    }

    /// `traceNo`.
    pub fn trace_no(&self) -> Option<&str> {
        self.get("traceNo")
    }

    /// `traceTime` (MMDDhhmmss).
    pub fn trace_time(&self) -> Option<&str> {
        self.get("traceTime")
    }

    /// `reqReserved`, as sent.
    pub fn req_reserved(&self) -> Option<&str> {
        self.get("reqReserved")
    }

    /// `activateStatus` (opens; `1` seen for opened cards).
    pub fn activate_status(&self) -> Option<&str> {
        self.get("activateStatus")
    }

    /// `txnAmt` in fen.
    ///
    /// # Errors
    /// [`ErrorCode::ReceivedFieldInvalid`] when it is not a number.
    pub fn txn_amt(&self) -> Result<Option<u64>> {
        self.amount("txnAmt")
    }

    /// `settleAmt` in fen.
    ///
    /// # Errors
    /// [`ErrorCode::ReceivedFieldInvalid`] when it is not a number.
    pub fn settle_amt(&self) -> Result<Option<u64>> {
        self.amount("settleAmt")
    }

    /// `fileName` (file transfer).
    pub fn file_name(&self) -> Option<&str> {
        self.get("fileName")
    }

    /// `fileContent` (file transfer): base64 of zlib of the ZIP archive, as received.
    pub fn file_content(&self) -> Option<&str> {
        self.get("fileContent")
    }

    /// The archive members of a file-transfer answer: `fileContent` decoded (base64 →
    /// zlib → zip) within `limits`.
    ///
    /// # Errors
    /// [`crate::ErrorCode::MissingField`] when the answer has no `fileContent`; archive
    /// errors from [`crate::file::decode_file_content`].
    pub fn files(
        &self,
        limits: &crate::file::ArchiveLimits,
    ) -> crate::Result<Vec<crate::file::NamedFile>> {
        crate::file::files_of_answer(self.file_content(), limits)
    }

    /// The reconciliation records of a file-transfer answer (its ZM and ZME members parsed).
    ///
    /// # Errors
    /// As [`files`](Self::files), and ZM format errors.
    pub fn reconciliation(
        &self,
        limits: &crate::file::ArchiveLimits,
    ) -> crate::Result<crate::file::Reconciliation> {
        crate::file::parse_archive(&self.files(limits)?)
    }

    /// `encryptPubKeyCert` (key update query), PEM with CRLF as received.
    pub fn encrypt_pub_key_cert(&self) -> Option<&str> {
        self.get("encryptPubKeyCert")
    }

    /// `tokenPayData`, parsed.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidNestedValue`] when it is not `{k=v&…}`.
    pub fn token_pay_data(&self) -> Result<Option<TokenPayData>> {
        let Some(raw) = self.get("tokenPayData") else {
            return Ok(None);
        };
        let pairs = parse_nested(raw)?;
        let get = |k: &str| nested_get(&pairs, k).map(str::to_owned);
        Ok(Some(TokenPayData {
            token: get("token"),
            tr_id: get("trId"),
            token_type: get("tokenType"),
            token_begin: get("tokenBegin"),
            token_end: get("tokenEnd"),
            token_level: get("tokenLevel"),
        }))
    }

    /// `reserved`, parsed into pairs.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidNestedValue`] when it is not `{k=v&…}`.
    pub fn reserved(&self) -> Result<Option<Vec<(String, String)>>> {
        self.get("reserved").map(parse_nested).transpose()
    }

    /// `customerInfo`, parsed without decrypting: an `encryptedInfo` stays as it came.
    ///
    /// # Errors
    /// Format errors when it is not base64 of `{k=v&…}`.
    pub fn customer_info(&self) -> Result<Option<ReceivedCustomerInfo>> {
        self.parse_customer_info(None)
    }

    /// `customerInfo`, with `encryptedInfo` decrypted by the merchant key and merged in.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] when the client signs with a secure key (there is no
    /// merchant key to decrypt with); [`ErrorCode::DecryptionFailed`] for a wrong key.
    pub fn decrypt_customer_info(&self, client: &Client) -> Result<Option<ReceivedCustomerInfo>> {
        if self.get("customerInfo").is_none() {
            return Ok(None);
        }
        self.parse_customer_info(Some(client))
    }

    /// `accNo` in the clear: decrypted with the merchant key when UnionPay encrypted it,
    /// as received when it came plain or masked (digits and `*`).
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] without a merchant key; [`ErrorCode::DecryptionFailed`]
    /// when the plaintext is not a (masked) card number.
    pub fn decrypt_acc_no(&self, client: &Client) -> Result<Option<Zeroizing<String>>> {
        let Some(raw) = self.get("accNo") else {
            return Ok(None);
        };
        let card_like = |s: &str| {
            !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit() || b == b'*')
        };
        if card_like(raw) {
            return Ok(Some(Zeroizing::new(raw.to_owned())));
        }
        let plain = decrypt_text(client.merchant_key()?, raw)?;
        if !card_like(&plain) {
            return Err(Error::new(
                ErrorCode::DecryptionFailed,
                "accNo decrypted to something that is not a card number: is the merchant key the one UnionPay encrypted to?",
            ));
        }
        Ok(Some(plain))
    }

    fn parse_customer_info(&self, client: Option<&Client>) -> Result<Option<ReceivedCustomerInfo>> {
        let Some(raw) = self.get("customerInfo") else {
            return Ok(None);
        };
        let key = client.map(Client::merchant_key).transpose()?;
        let pairs = parse_customer_info(raw, key)?;
        Ok(Some(ReceivedCustomerInfo(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Zeroizing::new(v)))
                .collect(),
        )))
    }

    fn amount(&self, key: &str) -> Result<Option<u64>> {
        self.get(key).map(|v| parse_amount(v, key)).transpose()
    }
}

/// A received amount: 1 to 12 digits of fen, as UnionPay's amount fields are (larger
/// values cannot be a real amount, and JSON hosts would lose precision above 2^53).
pub(crate) fn parse_amount(value: &str, key: &str) -> Result<u64> {
    let digits = value.len();
    if !(1..=12).contains(&digits) || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(
            ErrorCode::ReceivedFieldInvalid,
            format!("the received {key} is not an amount in fen (1 to 12 digits)"),
        ));
    }
    value.parse().map_err(|_| {
        Error::new(
            ErrorCode::ReceivedFieldInvalid,
            format!("the received {key} is out of range"),
        )
    })
}
