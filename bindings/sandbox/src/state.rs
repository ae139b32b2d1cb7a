//! The sandbox's memory: transactions, tokens, SMS codes, balances, front sessions.
//! Serializable as a whole, so `--state DIR` can persist it as JSON.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use unionpay_acp::Timestamp;

/// The version of transactions stored before 5.0.0 was accepted.
fn version_510() -> String {
    "5.1.0".to_owned()
}

/// What happened to a transaction after it was booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Life {
    /// As booked.
    Normal,
    /// Undone by 31 / 32 / 33.
    Undone,
    /// Reversed by 99.
    Reversed,
    /// Pre-auth completed by 03.
    Completed,
}

/// One transaction (every request with its own orderId that got past format and signature
/// checks, plus front orders waiting for the cardholder).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Txn {
    pub mer_id: String,
    pub order_id: String,
    pub txn_time: String,
    pub txn_type: String,
    pub txn_sub_type: String,
    pub biz_type: String,
    pub encoding: String,
    /// signMethod of the request (01, 11, 12): notifications are signed the same way.
    pub sign_method: String,
    /// version of the request (5.1.0, 5.0.0): notifications are signed the same way.
    #[serde(default = "version_510")]
    pub version: String,
    /// certId of the merchant certificate (accNo in notifications is encrypted to it).
    pub cert_id: String,
    pub query_id: Option<String>,
    pub trace_no: String,
    pub trace_time: String,
    pub clearing_date: String,
    pub amount: u64,
    pub card: Option<String>,
    pub token: Option<String>,
    /// The full tokenPayData value issued with this transaction (opens, 79/03).
    pub token_pay_data: Option<String>,
    pub tr_id: Option<String>,
    pub orig_query_id: Option<String>,
    /// Final respCode / respMsg.
    pub code: String,
    pub msg: String,
    /// Sandbox time (Unix s) from which the final result is visible (before: 05).
    pub reveal_at: i64,
    pub created_at: i64,
    pub back_url: Option<String>,
    pub req_reserved: Option<String>,
    /// A back notification is due once the result is visible.
    pub notify: bool,
    pub notified: bool,
    /// Notification attempts to lose (fault).
    pub notify_fail: u32,
    /// Extra copies of the notification to send (fault).
    #[serde(default)]
    pub notify_repeat: u32,
    /// A front (browser) transaction.
    pub front: bool,
    /// Front order whose cardholder has not submitted yet (a query answers 34).
    pub awaiting_cardholder: bool,
    /// Sum of refunds booked against this transaction.
    pub refunded: u64,
    pub life: Life,
    /// The phone the cardholder confirmed (opens: returned in customerInfo).
    pub phone: Option<String>,
}

impl Txn {
    /// Whether the final result is visible at `now`.
    pub fn revealed(&self, now: Timestamp) -> bool {
        now.unix_seconds() >= self.reveal_at
    }

    /// The respCode a query shows now (05 while the result is hidden).
    pub fn visible_code(&self, now: Timestamp) -> (&str, String) {
        if self.revealed(now) {
            (self.code.as_str(), self.msg.clone())
        } else {
            ("05", crate::codes::issuer_msg("05"))
        }
    }

    /// Visible and successful.
    pub fn succeeded(&self, now: Timestamp) -> bool {
        self.revealed(now) && self.code == "00" && !self.awaiting_cardholder
    }

    pub fn is_money(&self) -> bool {
        crate::config::MONEY_TXN_TYPES.contains(&self.txn_type.as_str())
    }
}

/// An issued token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Token {
    pub token: String,
    pub tr_id: String,
    pub card: String,
    pub begin: String,
    pub end: String,
    pub end_at: i64,
    pub level: String,
    pub active: bool,
}

impl Token {
    /// `{token=…&trId=…&tokenType=01&tokenBegin=…&tokenEnd=…&tokenLevel=…}`.
    pub fn pay_data(&self) -> String {
        format!(
            "{{token={}&trId={}&tokenType=01&tokenBegin={}&tokenEnd={}&tokenLevel={}}}",
            self.token, self.tr_id, self.begin, self.end, self.level
        )
    }
}

/// A sent SMS code, waiting for the transaction it belongs to.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sms {
    pub mer_id: String,
    pub order_id: String,
    pub txn_time: String,
    pub sub_type: String,
    pub amount: Option<u64>,
    pub card: String,
    pub sent_at: i64,
    pub used: bool,
}

/// A front order shown to the cardholder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FrontSession {
    pub mer_id: String,
    pub order_id: String,
    pub txn_time: String,
    /// The verified request.
    pub request: BTreeMap<String, String>,
    /// The card number the merchant sent (decrypted), to pre-fill the page.
    pub prefill_pan: Option<String>,
    pub done: bool,
}

/// Everything the sandbox remembers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    pub txns: Vec<Txn>,
    pub tokens: Vec<Token>,
    pub sms: Vec<Sms>,
    /// Card number → available balance in fen (absent: the card's configured balance).
    pub balances: BTreeMap<String, i64>,
    pub fronts: BTreeMap<String, FrontSession>,
    /// Index of the current encryption certificate (0 = enc.pem, 1 = enc2.pem).
    pub enc_index: usize,
    pub trace_counter: u32,
}

impl State {
    pub fn find_txn(&self, mer_id: &str, order_id: &str, txn_time: &str) -> Option<usize> {
        self.txns
            .iter()
            .rposition(|t| t.mer_id == mer_id && t.order_id == order_id && t.txn_time == txn_time)
    }

    pub fn find_by_query_id(&self, mer_id: &str, query_id: &str) -> Option<usize> {
        self.txns
            .iter()
            .position(|t| t.mer_id == mer_id && t.query_id.as_deref() == Some(query_id))
    }

    /// Whether `orderId` is already used by a transaction of this merchant on the same
    /// txnTime date.
    pub fn order_used(&self, mer_id: &str, order_id: &str, txn_time: &str) -> bool {
        let day = txn_time.get(0..8).unwrap_or(txn_time);
        self.txns.iter().any(|t| {
            t.mer_id == mer_id && t.order_id == order_id && t.txn_time.get(0..8) == Some(day)
        })
    }

    pub fn active_token(&self, tr_id: &str, card: &str) -> Option<&Token> {
        self.tokens
            .iter()
            .find(|t| t.active && t.tr_id == tr_id && t.card == card)
    }

    pub fn token(&self, token: &str) -> Option<&Token> {
        self.tokens.iter().rfind(|t| t.token == token)
    }

    pub fn balance(&self, card: &crate::config::TestCard) -> i64 {
        self.balances
            .get(&card.pan)
            .copied()
            .unwrap_or(i64::try_from(card.balance).unwrap_or(i64::MAX))
    }

    pub fn add_balance(&mut self, card: &crate::config::TestCard, delta: i64) {
        let now = self.balance(card);
        self.balances
            .insert(card.pan.clone(), now.saturating_add(delta));
    }

    /// The next system trace number (6 digits).
    pub fn next_trace(&mut self) -> String {
        self.trace_counter = (self.trace_counter % 999_999) + 1;
        format!("{:06}", self.trace_counter)
    }

    pub fn query_id_used(&self, query_id: &str) -> bool {
        self.txns
            .iter()
            .any(|t| t.query_id.as_deref() == Some(query_id))
    }
}
