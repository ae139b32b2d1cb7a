//! What a sandbox is started with: address, state directory, clock, trusted merchant
//! certificates, test cards, business-rule knobs and injected faults.

use crate::clock::SandboxClock;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;
use unionpay_acp::pki::Certificate;

/// Money-moving transaction types (spec §7.3); default fault cards act on these only.
pub const MONEY_TXN_TYPES: [&str; 7] = ["01", "02", "03", "04", "31", "32", "33"];

/// Everything [`crate::Sandbox::start`] needs. `SandboxConfig::default()` is a loopback
/// sandbox on an ephemeral port with the spec §12.3 test cards and the fault cards.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Where to listen (default `127.0.0.1:0`: loopback, ephemeral port).
    pub bind: SocketAddr,
    /// Persist the state as JSON here (and reload it at start); `None` = memory only.
    pub state_dir: Option<PathBuf>,
    /// The business clock (real time plus a movable offset).
    pub clock: SandboxClock,
    /// Divides notification retry delays and the notification answer timeout
    /// (1.0 = UnionPay's real schedule of 0, 1, 2, 4 minutes).
    pub notify_speed: f64,
    /// Delays before each notification attempt, in seconds before `notify_speed`
    /// (default 0, 60, 120, 240: four sends at 0, 1, 3 and 7 minutes).
    pub notify_schedule_secs: Vec<u64>,
    /// Merchant signing certificates whose signatures are accepted (matched by certId).
    /// Default: the sandbox merchant (7000000000031) and UnionPay's official test cert.
    pub merchants: Vec<Certificate>,
    /// Secure key accepted for signMethod 11/12 requests (UnionPay's test key `88888888`).
    pub secure_key: Option<String>,
    /// The test cards (default: [`default_cards`]).
    pub cards: Vec<TestCard>,
    /// Injected faults, checked in order (default: [`default_faults`]).
    pub faults: Vec<FaultRule>,
    /// Business-rule knobs.
    pub rules: Rules,
    /// Accept every API at every gateway path (the real gateway may route by txnType; spec
    /// §1.2 emulator note). Off by default: a wrong path is answered with respCode 10.
    pub lenient_endpoints: bool,
    /// Most simultaneous connections (kept-alive ones included); more are answered `503`
    /// at once.
    pub max_connections: usize,
    /// Serve HTTPS with this identity (`TlsIdentity::sandbox()`: the sandbox's own
    /// certificate, issued by its test CA); `None` = plain HTTP.
    pub tls: Option<crate::http::TlsIdentity>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            state_dir: None,
            clock: SandboxClock::real(),
            notify_speed: 1.0,
            notify_schedule_secs: vec![0, 60, 120, 240],
            merchants: crate::material::default_merchant_certs().unwrap_or_default(),
            secure_key: Some("88888888".to_owned()),
            cards: default_cards(),
            faults: default_faults(),
            rules: Rules::default(),
            lenient_endpoints: false,
            max_connections: 64,
            tls: None,
        }
    }
}

/// Business-rule knobs (defaults follow spec §3.5, §8).
#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    /// Clearing-day cut-off, minutes after midnight Beijing time (23:00 = 1380; the real
    /// test environment cuts at 13:30 = 810).
    pub clearing_cutoff_minutes: u32,
    /// A consume / pre-auth needs `customerInfo.smsCode` (spec §8.1: SMS is the default).
    pub require_sms_for_payment: bool,
    /// A back open / token update needs `customerInfo.smsCode` (off: optional, but checked
    /// against the open SMS when present).
    pub require_sms_for_open: bool,
    /// An SMS code must pair with a 77 request of the same orderId + txnTime (+ txnAmt).
    pub sms_pairing: bool,
    /// Codes that always fail (spec §8.8: 123456 and 654321).
    pub sms_fail_codes: Vec<String>,
    /// Accept only this code (`None`: every code except the failing ones, like the
    /// official test environment).
    pub sms_only_code: Option<String>,
    /// Seconds an SMS code stays valid.
    pub sms_ttl_secs: i64,
    /// How far txnTime of a new transaction may lie in the past, in seconds (default
    /// 300: strict, like the real gateway, so a client sending its host's local time
    /// instead of Beijing time fails here and not in production). Relax it for clients
    /// under test that cannot help it (`acp sandbox --txn-time-tolerance SECS`).
    pub txn_time_past_secs: i64,
    /// How far txnTime of a new transaction may lie in the future, in seconds (default
    /// 300, see `txn_time_past_secs`).
    pub txn_time_future_secs: i64,
    /// Largest single amount in fen (above: respCode 33).
    pub single_limit: u64,
    /// Days after the consume a refund is accepted (about 11 months).
    pub refund_days: i64,
    /// Days a pre-auth can be completed or undone.
    pub preauth_days: i64,
    /// Completion may be up to this percentage of the pre-auth amount.
    pub completion_percent: u64,
    /// Token validity in years.
    pub token_years: i64,
    /// Trust the trId the merchant sends (any trId works); otherwise only these.
    pub tr_ids: Vec<String>,
}

/// The default txnTime tolerance either way: a few minutes of clock drift.
pub const TXN_TIME_TOLERANCE_SECS: i64 = 300;

impl Default for Rules {
    fn default() -> Self {
        Rules {
            clearing_cutoff_minutes: 23 * 60,
            require_sms_for_payment: true,
            require_sms_for_open: false,
            sms_pairing: true,
            sms_fail_codes: vec!["123456".to_owned(), "654321".to_owned()],
            sms_only_code: None,
            sms_ttl_secs: 600,
            txn_time_past_secs: TXN_TIME_TOLERANCE_SECS,
            txn_time_future_secs: TXN_TIME_TOLERANCE_SECS,
            single_limit: 100_000_000,
            refund_days: 335,
            preauth_days: 30,
            completion_percent: 115,
            token_years: 5,
            tr_ids: Vec::new(),
        }
    }
}

/// Debit or credit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardKind {
    /// 借记卡 (payCardType 01).
    Debit,
    /// 贷记卡 (payCardType 02).
    Credit,
}

impl CardKind {
    /// The `payCardType` value.
    pub fn pay_card_type(self) -> &'static str {
        match self {
            CardKind::Debit => "01",
            CardKind::Credit => "02",
        }
    }
}

/// A test card and what the (simulated) issuer knows about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCard {
    /// Card number.
    pub pan: String,
    /// Debit or credit.
    pub kind: CardKind,
    /// Bank-reserved phone.
    pub phone: String,
    /// Cardholder name (checked when sent).
    pub name: Option<String>,
    /// ID type (checked when sent).
    pub certif_tp: Option<String>,
    /// ID number (checked when sent).
    pub certif_id: Option<String>,
    /// PIN (checked when a PIN block is sent).
    pub pin: Option<String>,
    /// CVN2 (credit cards: required to open).
    pub cvn2: Option<String>,
    /// Expiry YYMM (credit cards: required to open).
    pub expired: Option<String>,
    /// Available balance / credit line in fen.
    pub balance: u64,
}

impl TestCard {
    fn debit(pan: &str, phone: &str, name: &str, certif_id: &str, pin: Option<&str>) -> Self {
        TestCard {
            pan: pan.to_owned(),
            kind: CardKind::Debit,
            phone: phone.to_owned(),
            name: Some(name.to_owned()),
            certif_tp: Some("01".to_owned()),
            certif_id: Some(certif_id.to_owned()),
            pin: pin.map(str::to_owned),
            cvn2: None,
            expired: None,
            balance: 100_000_000,
        }
    }

    fn credit(pan: &str, phone: &str, cvn2: &str, expired: &str) -> Self {
        TestCard {
            pan: pan.to_owned(),
            kind: CardKind::Credit,
            phone: phone.to_owned(),
            name: None,
            certif_tp: None,
            certif_id: None,
            pin: Some("123456".to_owned()),
            cvn2: Some(cvn2.to_owned()),
            expired: Some(expired.to_owned()),
            balance: 100_000_000,
        }
    }
}

/// The debit card of spec §12.3 the fault cards copy (phone 13552535506, name 全渠道,
/// ID 01/341126197709218366, PIN 123456).
pub const DEFAULT_DEBIT: &str = "6216261000000000018";

/// Fault card: the answer is respCode 03, the transaction succeeds (query tells after 60 s).
pub const CARD_TIMEOUT_03: &str = "6216260000000000003";
/// Fault card: respCode 04, succeeds, revealed after 60 s.
pub const CARD_UNKNOWN_04: &str = "6216260000000000004";
/// Fault card: respCode 05, succeeds, revealed after 60 s.
pub const CARD_PENDING_05: &str = "6216260000000000005";
/// Fault card: money requests get no answer (the connection is held); they are processed.
pub const CARD_NO_ANSWER: &str = "6216260000000000011";
/// Fault card: money requests are processed, then the connection is closed unanswered.
pub const CARD_DROP: &str = "6216260000000000012";
/// Fault card: money requests are answered after 1.5 s.
pub const CARD_SLOW: &str = "6216260000000000013";
/// Fault card: the first 2 notification attempts of its transactions are lost.
pub const CARD_NOTIFY_FAIL: &str = "6216260000000000020";
/// Card with a zero balance: payments are accepted (00) and then fail with 64.
pub const CARD_NO_BALANCE: &str = "6216260000000000064";

/// The test cards of spec §12.3 plus the fault cards above.
pub fn default_cards() -> Vec<TestCard> {
    let mut cards = vec![
        TestCard::debit(
            DEFAULT_DEBIT,
            "13552535506",
            "全渠道",
            "341126197709218366",
            Some("123456"),
        ),
        TestCard::credit("6221558812340000", "13552535506", "123", "2311"),
        TestCard::debit(
            "6226090000000048",
            "18100000000",
            "张三",
            "510265790128303",
            None,
        ),
        TestCard::credit("6226388000000095", "18100000000", "248", "1912"),
        TestCard::credit("5200831111111113", "13552535506", "123", "1911"),
    ];
    for pan in [
        CARD_TIMEOUT_03,
        CARD_UNKNOWN_04,
        CARD_PENDING_05,
        CARD_NO_ANSWER,
        CARD_DROP,
        CARD_SLOW,
        CARD_NOTIFY_FAIL,
        CARD_NO_BALANCE,
    ] {
        let mut card = TestCard::debit(
            pan,
            "13552535506",
            "全渠道",
            "341126197709218366",
            Some("123456"),
        );
        if pan == CARD_NO_BALANCE {
            card.balance = 0;
        }
        cards.push(card);
    }
    cards
}

/// What a fault does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultAction {
    /// Answer after `ms` milliseconds.
    Delay {
        /// Milliseconds.
        ms: u64,
    },
    /// Never answer (the connection is held until the client gives up).
    NoAnswer {
        /// Whether the request is processed anyway (so a query finds it).
        processed: bool,
    },
    /// Close the connection without an answer.
    DropConnection {
        /// Whether the request is processed anyway.
        processed: bool,
    },
    /// Answer with `code` (03, 04 or 05); `truth` is what really happened, shown by the
    /// status query (origRespCode 05 until `reveal_after_secs` of sandbox time pass) and
    /// by the notification sent then.
    RespCode {
        /// The synchronous respCode.
        code: String,
        /// What really happened.
        truth: Truth,
        /// Seconds of sandbox time before the truth is visible.
        reveal_after_secs: i64,
    },
    /// The issuer declines: the request is accepted (00), the result is `code`.
    Decline {
        /// The final respCode (e.g. 64, 30, 63).
        code: String,
    },
    /// The first `attempts` notification attempts of matching transactions are lost
    /// (the sandbox keeps retrying on its schedule).
    NotifyFail {
        /// How many attempts are lost.
        attempts: u32,
    },
    /// The request is processed, but its answer's signature is garbled in transit: the
    /// client cannot verify it (for a money request the outcome is unknown; query).
    BadSignature,
    /// The notification of matching transactions is sent `copies` more times (UnionPay
    /// repeats notifications: the merchant must book each only once).
    NotifyRepeat {
        /// Extra copies.
        copies: u32,
    },
    /// A status query (00/00) that finds the transaction answers this `origRespCode`
    /// instead of the transaction's own: `83` (issuer still processing), a code no table
    /// lists, or `12`, to show how a client reads what it cannot know.
    OrigRespCode {
        /// The origRespCode to show.
        code: String,
    },
}

/// What really happened to a transaction answered with 03/04/05.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Truth {
    /// Processed normally.
    Success,
    /// Failed with this respCode.
    Failure(String),
    /// Never reached the gateway: a query answers 34.
    NotReceived,
}

/// When a fault applies and what it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Only requests involving this card number (by accNo, token or original transaction).
    pub card: Option<String>,
    /// Only these txnTypes (empty = all).
    pub txn_types: Vec<String>,
    /// Only this orderId.
    pub order_id: Option<String>,
    /// The fault.
    pub action: FaultAction,
    /// How many more times it applies (`None` = always).
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule for every money-moving request involving `card`.
    pub fn for_card(card: &str, action: FaultAction) -> Self {
        FaultRule {
            card: Some(card.to_owned()),
            txn_types: MONEY_TXN_TYPES.iter().map(|s| (*s).to_owned()).collect(),
            order_id: None,
            action,
            times: None,
        }
    }

    /// A rule for every request.
    pub fn global(action: FaultAction) -> Self {
        FaultRule {
            card: None,
            txn_types: Vec::new(),
            order_id: None,
            action,
            times: None,
        }
    }
}

/// The faults of the fault cards.
pub fn default_faults() -> Vec<FaultRule> {
    let unknown = |code: &str| FaultAction::RespCode {
        code: code.to_owned(),
        truth: Truth::Success,
        reveal_after_secs: 60,
    };
    vec![
        FaultRule::for_card(CARD_TIMEOUT_03, unknown("03")),
        FaultRule::for_card(CARD_UNKNOWN_04, unknown("04")),
        FaultRule::for_card(CARD_PENDING_05, unknown("05")),
        FaultRule::for_card(CARD_NO_ANSWER, FaultAction::NoAnswer { processed: true }),
        FaultRule::for_card(CARD_DROP, FaultAction::DropConnection { processed: true }),
        FaultRule::for_card(CARD_SLOW, FaultAction::Delay { ms: 1500 }),
        FaultRule::for_card(CARD_NOTIFY_FAIL, FaultAction::NotifyFail { attempts: 2 }),
    ]
}
