//! # acp-sandbox
//!
//! A local UnionPay gateway for development and tests: it listens on 127.0.0.1, accepts
//! the real ACP 5.1.0 form posts at the real paths, verifies the merchant's signature,
//! decrypts card data, runs a state machine for every API of the no-redirect / token
//! product (SMS, open, token, consume, undo, refund, reversal, pre-auth family, status
//! query, file transfer, key update) and answers signed like UnionPay, with a test PKI of
//! its own (`tests/fixtures/sandbox`). Back notifications are posted to backUrl and
//! retried; front transactions get a cardholder page. Faults (slow answers, timeouts,
//! respCode 03/04/05, lost notifications) can be injected per card or at run time.
//!
//! It is a host built on the sans-IO core: protocol pieces (canonical string, signing,
//! card data, PKI, ZM writer) come from `unionpay-acp`; this crate adds sockets, threads,
//! a clock the tests can move, and the gateway's rules.
//!
//! ```no_run
//! use acp_sandbox::{Sandbox, SandboxConfig};
//! let mut sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
//! println!("{}", sandbox.base_url());
//! let (root_pem, middle_pem) = sandbox.trust_pem();
//! # let _ = (root_pem, middle_pem);
//! sandbox.shutdown();
//! ```

mod apis;
mod auth;
pub mod calendar;
mod clock;
mod codes;
mod config;
mod ctx;
mod front;
mod gateway;
pub mod http;
mod material;
mod notify;
mod server;
mod state;
mod store;
mod wire;

pub use clock::SandboxClock;
pub use config::{
    default_cards, default_faults, CardKind, FaultAction, FaultRule, Rules, SandboxConfig,
    TestCard, Truth, CARD_DROP, CARD_NOTIFY_FAIL, CARD_NO_ANSWER, CARD_NO_BALANCE, CARD_PENDING_05,
    CARD_SLOW, CARD_TIMEOUT_03, CARD_UNKNOWN_04, DEFAULT_DEBIT, MONEY_TXN_TYPES,
};
pub use front::CONFIRM_PATH;
pub use gateway::Endpoint;
pub use material::{
    sandbox_merchant_key, MERCHANT_PEM, MERCHANT_PFX, MERCHANT_PFX_PASSWORD, MIDDLE_PEM,
    OFFICIAL_TEST_PFX, ROOT_PEM, VERIFY500_PEM,
};
pub use notify::{AttemptOutcome, NotificationRecord, NotifyAttempt};
pub use server::{Sandbox, SandboxHandle, StartError, SINK_PATH};
