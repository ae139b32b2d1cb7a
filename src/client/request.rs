//! What a `build_*` call returns, and the shared steps every builder goes through:
//! common header, card data, signing, encoding.

use super::api::{Api, SmsKind};
use super::config::EndpointKind;
use super::html::auto_submit_page;
use super::outcome::QueriedTxn;
use super::{validate, Client};
use crate::card::{encrypt_pan, CustomerInfo, CustomerInfoMode};
use crate::crypto::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::form::{build_nested, encode_form, Fields};
use crate::key::EncryptionCert;
use crate::secret::Pan;
use crate::sign::sign_fields;
use crate::time::Timestamp;
use std::fmt;

/// The `Content-Type` to POST [`OutgoingRequest::body`] with.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";

/// A signed request, ready for the host to send: POST [`body`](Self::body) to
/// [`url`](Self::url) with [`FORM_CONTENT_TYPE`], or for front transactions serve
/// [`html`](Self::html) to the browser. Keep it: [`Client::handle_response`] and
/// [`Notification::matches`](super::Notification::matches) check answers against it.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OutgoingRequest {
    /// Which API this is.
    pub api: Api,
    /// Which endpoint it goes to.
    pub endpoint: EndpointKind,
    /// The full URL.
    pub url: String,
    /// The signed fields.
    pub fields: Fields,
    /// The form-encoded body (every value URL-encoded, spec §1.3).
    pub body: String,
    /// `orderId` (none for the file transfer).
    pub order_id: Option<String>,
    /// `txnTime`: now for new transactions, the original's for queries and reversals.
    pub txn_time: String,
    /// `txnAmt` in fen, when sent.
    pub txn_amt: Option<u64>,
    /// Front transactions only: the auto-submit page (spec §9).
    pub html: Option<String>,
    /// Front transactions only: `payTimeout`, after which UnionPay refuses the payment.
    pub pay_timeout: Option<Timestamp>,
    /// Status query only: what the queried transaction was.
    pub queried: Option<QueriedTxn>,
    /// Status query only: which query this is (1 for the first); other requests carry 0.
    pub attempt: u32,
}

impl fmt::Debug for OutgoingRequest {
    // Body and page carry the same values as the fields, encrypted card data and tokens
    // included; only their sizes are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingRequest")
            .field("api", &self.api)
            .field("endpoint", &self.endpoint)
            .field("url", &self.url)
            .field("fields", &self.fields)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("order_id", &self.order_id)
            .field("txn_time", &self.txn_time)
            .field("txn_amt", &self.txn_amt)
            .field(
                "html",
                &self.html.as_ref().map(|h| format!("<{} bytes>", h.len())),
            )
            .field("pay_timeout", &self.pay_timeout)
            .field("queried", &self.queried)
            .field("attempt", &self.attempt)
            .finish()
    }
}

impl OutgoingRequest {
    /// Rebuilds a request from what identifies it: its API, URL and signed fields and, for
    /// a status query, what it queried and its attempt. Everything else (endpoint, body,
    /// orderId, txnTime, txnAmt, payTimeout, the front page) is derived from the signed
    /// fields, so a stored request cannot say one thing in its fields and another beside
    /// them.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] when the fields are not a signed request of `api`
    /// (txnType/txnSubType, txnTime, signature) or a status query lacks what it queried;
    /// [`ErrorCode::InvalidTime`] / [`ErrorCode::InvalidAmount`] for a malformed
    /// payTimeout or txnAmt.
    pub fn from_signed(
        api: Api,
        url: String,
        fields: Fields,
        queried: Option<QueriedTxn>,
        attempt: u32,
    ) -> Result<Self> {
        let not_signed = |what: &str| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("the fields are not a signed {} request: {what}", api.name()),
            )
        };
        if fields.get("txnType") != Some(api.txn_type())
            || fields.get("txnSubType") != Some(api.txn_sub_type())
        {
            return Err(not_signed("txnType/txnSubType belong to another API"));
        }
        if fields.get("signature").is_none_or(str::is_empty) {
            return Err(not_signed("no signature"));
        }
        let txn_time = fields
            .get("txnTime")
            .map(str::to_owned)
            .ok_or_else(|| not_signed("no txnTime"))?;
        let txn_amt = fields
            .get("txnAmt")
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    Error::new(
                        ErrorCode::InvalidAmount,
                        "the signed txnAmt is not a number",
                    )
                })
            })
            .transpose()?;
        let pay_timeout = fields
            .get("payTimeout")
            .map(Timestamp::parse_txn_time)
            .transpose()?;
        match (&queried, api == Api::StatusQuery) {
            (Some(q), true) => q.check()?,
            (None, false) => {}
            (None, true) => return Err(not_signed("a status query must say what it queried")),
            (Some(_), false) => return Err(not_signed("only a status query has 'queried'")),
        }
        let endpoint = api.endpoint();
        Ok(OutgoingRequest {
            api,
            endpoint,
            body: encode_form(&fields),
            html: api.is_front().then(|| auto_submit_page(&url, &fields)),
            url,
            order_id: fields.get("orderId").map(str::to_owned),
            txn_time,
            txn_amt,
            pay_timeout,
            queried,
            attempt: if api == Api::StatusQuery { attempt } else { 0 },
            fields,
        })
    }

    /// The signed `txnAmt` in fen. Answers and notifications are matched against the
    /// signed fields, never against the side fields a host may have stored separately.
    pub fn signed_txn_amt(&self) -> Option<u64> {
        self.fields.get("txnAmt").and_then(|v| v.parse().ok())
    }

    /// For an SMS request: what the transaction that uses the code must repeat.
    pub fn sms_pairing(&self) -> Option<SmsPairing> {
        match self.api {
            Api::Sms(kind) => Some(SmsPairing {
                kind,
                order_id: self.order_id.clone()?,
                txn_time: self.txn_time.clone(),
                txn_amt: self.txn_amt,
            }),
            _ => None,
        }
    }
}

/// What an SMS request (77) fixed for the transaction that consumes its code: that
/// transaction must carry the same orderId and txnTime, and for amount-bearing SMS the
/// same txnAmt (spec §8.1, §8.8, pitfall 12). Get it from
/// [`OutgoingRequest::sms_pairing`], or rebuild it from stored values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsPairing {
    /// Which SMS it was.
    pub kind: SmsKind,
    /// The SMS request's orderId.
    pub order_id: String,
    /// The SMS request's txnTime.
    pub txn_time: String,
    /// The SMS request's txnAmt (consume, withholding and pre-auth SMS).
    pub txn_amt: Option<u64>,
}

/// The orderId and txnTime of a transaction that may follow an SMS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Order {
    /// A new transaction: this orderId, txnTime = now.
    New(String),
    /// The transaction that uses an SMS code: orderId, txnTime (and txnAmt) of that SMS.
    AfterSms(SmsPairing),
}

/// How a payment names the card.
#[derive(Clone, PartialEq, Eq)]
pub enum Payer {
    /// Token product (`bizType` token): `tokenPayData={token=…&trId=…}`.
    Token(String),
    /// Standard product (`bizType` standard): the card number in `accNo`, encrypted when
    /// the customer-info mode is [`CustomerInfoMode::Encrypted`].
    Card(Pan),
}

impl fmt::Debug for Payer {
    // A token pays like a card number: show only its last four characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payer::Token(t) => write!(f, "Token(…{})", tail4(t)),
            Payer::Card(pan) => f.debug_tuple("Card").field(pan).finish(),
        }
    }
}

pub(crate) fn tail4(s: &str) -> &str {
    s.get(s.len().saturating_sub(4)..).unwrap_or_default()
}

/// A request being assembled by one builder.
pub(crate) struct Draft {
    pub api: Api,
    pub fields: Fields,
    pub order_id: Option<String>,
    pub txn_time: String,
    pub txn_amt: Option<u64>,
    pub encrypted: bool,
    pub pay_timeout: Option<Timestamp>,
    pub queried: Option<QueriedTxn>,
    pub attempt: u32,
}

impl Draft {
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.fields.set(key, value);
    }

    /// `txnAmt` + `currencyCode=156` (CNY, the only currency of this product).
    pub fn amount(&mut self, fen: u64) {
        self.fields.set("txnAmt", fen.to_string());
        self.fields.set("currencyCode", "156");
        self.txn_amt = Some(fen);
    }
}

impl Client {
    /// The common header H (spec §8) for `api`.
    pub(crate) fn draft(
        &self,
        api: Api,
        biz_type: &str,
        order_id: Option<&str>,
        txn_time: String,
    ) -> Draft {
        let c = self.config();
        let mut fields = Fields::new();
        fields
            .set("version", c.version.as_str())
            .set("encoding", "UTF-8")
            .set("txnType", api.txn_type())
            .set("txnSubType", api.txn_sub_type())
            .set("bizType", biz_type)
            .set("accessType", c.access_type.as_str())
            .set("merId", c.mer_id.as_str())
            .set("txnTime", txn_time.as_str());
        // The status query and the file transfer are sent without channelType, as the
        // official Java demo does (spec §8.11, §10.1); the gateway treats it as optional.
        if !matches!(api, Api::StatusQuery | Api::FileTransfer) {
            fields.set("channelType", c.channel_type.as_str());
        }
        if let Some(id) = order_id {
            fields.set("orderId", id);
        }
        Draft {
            api,
            fields,
            order_id: order_id.map(str::to_owned),
            txn_time,
            txn_amt: None,
            encrypted: false,
            pay_timeout: None,
            queried: None,
            attempt: 0,
        }
    }

    /// A header for a new transaction (orderId validated, txnTime = now).
    pub(crate) fn new_draft(
        &self,
        api: Api,
        biz_type: &str,
        order_id: &str,
        now: Timestamp,
    ) -> Result<Draft> {
        validate::order_id(order_id, "orderId", self.config().order_id_max_len)?;
        Ok(self.draft(api, biz_type, Some(order_id), now.to_txn_time()))
    }

    /// A header for a transaction that may follow an SMS of `sms_kind`; `txn_amt` is the
    /// amount of this transaction (checked against the SMS's).
    pub(crate) fn order_draft(
        &self,
        api: Api,
        biz_type: &str,
        order: &Order,
        sms_kind: SmsKind,
        txn_amt: Option<u64>,
        now: Timestamp,
    ) -> Result<Draft> {
        match order {
            Order::New(id) => self.new_draft(api, biz_type, id, now),
            Order::AfterSms(p) => {
                if p.kind != sms_kind {
                    return Err(Error::new(
                        ErrorCode::InvalidArgument,
                        format!(
                            "the SMS pairing is from a {} SMS (77/{}); this request needs a {} SMS (77/{})",
                            p.kind.name(),
                            p.kind.txn_sub_type(),
                            sms_kind.name(),
                            sms_kind.txn_sub_type()
                        ),
                    ));
                }
                validate::order_id(&p.order_id, "orderId (from the SMS)", 40)?;
                validate::txn_time(&p.txn_time, "txnTime (from the SMS)")?;
                if sms_kind.carries_amount() && p.txn_amt != txn_amt {
                    return Err(Error::new(
                        ErrorCode::InvalidAmount,
                        format!(
                            "txnAmt must equal the amount of the {} SMS it follows ({} fen); got {}",
                            sms_kind.name(),
                            p.txn_amt.map_or_else(|| "none".to_owned(), |a| a.to_string()),
                            txn_amt.map_or_else(|| "none".to_owned(), |a| a.to_string()),
                        ),
                    ));
                }
                Ok(self.draft(api, biz_type, Some(&p.order_id), p.txn_time.clone()))
            }
        }
    }

    fn tr_id(&self) -> Result<&str> {
        self.config().tr_id.as_deref().ok_or_else(|| {
            Error::new(
                ErrorCode::MissingField,
                "trId is not configured: set the trId setting (Rust: ClientConfig::tr_id) to the token requestor id UnionPay assigned",
            )
        })
    }

    /// `{trId=…&tokenType=01}`: opens, open SMS, open-and-pay, apply token.
    pub(crate) fn token_request_data(&self) -> Result<String> {
        Ok(build_nested([("trId", self.tr_id()?), ("tokenType", "01")]))
    }

    /// `{token=…&trId=…}`: payments and delete; `with_type` adds `tokenType=01` (update).
    pub(crate) fn token_pay_data(&self, token: &str, with_type: bool) -> Result<String> {
        validate::token(token, "token")?;
        let token_type = if with_type { "01" } else { "" };
        Ok(build_nested([
            ("token", token),
            ("trId", self.tr_id()?),
            ("tokenType", token_type),
        ]))
    }

    fn encryption_cert(&self, what: &str) -> Result<&EncryptionCert> {
        self.config().encryption_cert.as_ref().ok_or_else(|| {
            Error::new(
                ErrorCode::MissingField,
                format!(
                    "{what} must be encrypted, but no encryption certificate is configured: set the encryptionCert setting (Rust: ClientConfig::encryption_cert), and keep it current with the key update query (txnType 95)"
                ),
            )
        })
    }

    /// Sets `accNo`: encrypted to UnionPay's certificate in the encrypted mode.
    pub(crate) fn put_acc_no(
        &self,
        d: &mut Draft,
        pan: &Pan,
        rng: &mut dyn RandomSource,
    ) -> Result<()> {
        match self.config().customer_info_mode {
            CustomerInfoMode::Encrypted => {
                let cert = self.encryption_cert("accNo")?;
                d.set("accNo", encrypt_pan(cert, pan, rng)?);
                d.encrypted = true;
            }
            CustomerInfoMode::Plain => d.set("accNo", pan.expose()),
        }
        Ok(())
    }

    /// Sets `customerInfo` when `info` has anything; `pan` is needed for a PIN block.
    pub(crate) fn put_customer_info(
        &self,
        d: &mut Draft,
        info: &CustomerInfo,
        pan: Option<&Pan>,
        rng: &mut dyn RandomSource,
    ) -> Result<()> {
        if info.is_empty() {
            return Ok(());
        }
        let mode = self.config().customer_info_mode;
        let cert = if info.needs_encryption(mode) {
            d.encrypted = true;
            Some(self.encryption_cert("customerInfo (phoneNo, cvn2, expired or pin)")?)
        } else {
            None
        };
        d.set("customerInfo", info.build(mode, cert, pan, rng)?);
        Ok(())
    }

    /// Sets `reqReserved` after checking it.
    pub(crate) fn put_req_reserved(&self, d: &mut Draft, value: Option<&str>) -> Result<()> {
        if let Some(v) = value {
            validate::req_reserved(v)?;
            d.set("reqReserved", v);
        }
        Ok(())
    }

    /// Sets `reserved={k=v&…}` after checking the pairs.
    pub(crate) fn put_reserved(&self, d: &mut Draft, pairs: &[(String, String)]) -> Result<()> {
        if pairs.is_empty() {
            return Ok(());
        }
        for (k, v) in pairs {
            validate::nested_pair(k, v, "reserved")?;
        }
        d.set(
            "reserved",
            build_nested(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        );
        Ok(())
    }

    /// Adds `encryptCertId` when something was encrypted, signs, encodes and, for front
    /// transactions, renders the page.
    pub(crate) fn finish(&self, mut d: Draft) -> Result<OutgoingRequest> {
        if d.encrypted {
            let cert = self.encryption_cert("card data")?;
            d.fields.set("encryptCertId", cert.cert_id());
        }
        sign_fields(&mut d.fields, &self.config().credentials)?;
        let endpoint = d.api.endpoint();
        let url = self.endpoints().url(endpoint).to_owned();
        let html = d.api.is_front().then(|| auto_submit_page(&url, &d.fields));
        Ok(OutgoingRequest {
            api: d.api,
            endpoint,
            body: encode_form(&d.fields),
            url,
            fields: d.fields,
            order_id: d.order_id,
            txn_time: d.txn_time,
            txn_amt: d.txn_amt,
            html,
            pay_timeout: d.pay_timeout,
            queried: d.queried,
            attempt: d.attempt,
        })
    }
}
