//! End-to-end tests of every product API of the typed `Client` against the local sandbox,
//! over real HTTP on 127.0.0.1, the way a merchant host uses the library: build a typed
//! request with the sandbox's clock as `now` and getrandom as `rng`, POST its body, hand
//! the answer to `handle_response`, verify every notification with `verify_notification`
//! and tie it to its request with `matches`. Expected outcomes follow spec §7–§8.
//!
//! One module per family of APIs; the merchant environment, receiver and browser
//! stand-in are the shared `support` (with the typed merchant in `support/typed.rs`).
#![allow(clippy::disallowed_methods)] // the tests are hosts: sockets, sleeps, real time

#[path = "../support/mod.rs"]
mod support;

mod admin;
mod follow_ups;
mod https;
mod legacy500;
mod notifications;
mod outcomes;
mod payments;
mod requests;
mod security;
mod tokens;

/// What every test module uses.
mod prelude {
    pub use crate::requests::*;
    pub use crate::support::typed::*;
    pub use acp_sandbox::{
        AttemptOutcome, FaultAction, FaultRule, Truth, CARD_DROP, CARD_NOTIFY_FAIL, CARD_NO_ANSWER,
        CARD_NO_BALANCE, CARD_PENDING_05, CARD_SLOW, CARD_TIMEOUT_03, CARD_UNKNOWN_04,
    };
    pub use std::time::{Duration, Instant};
    pub use unionpay_acp::card::{CustomerInfo, CustomerInfoMode};
    pub use unionpay_acp::client::{
        Api, BackOpenParams, CompletionUndoParams, ConsumeParams, ConsumeUndoParams,
        DeleteTokenParams, EndpointKind, FileTransferParams, FrontOpenParams, KeyUpdate,
        KeyUpdateQueryParams, NotificationSource, OpenAndPayParams, OpenQueryParams, Order, Payer,
        PendingReason, PreAuthCompletionParams, PreAuthParams, PreAuthUndoParams, QueriedTxn,
        RefundParams, ReversalParams, SmsKind, SmsParams, SmsPurpose, StatusQueryParams,
        UpdateTokenParams, DEFAULT_PAY_TIMEOUT_SECONDS, FRONT_FINAL_AFTER_PAY_TIMEOUT_SECONDS,
        KEY_UPDATE_INTERVAL_SECONDS,
    };
    pub use unionpay_acp::crypto::default_backend;
    pub use unionpay_acp::file::ArchiveLimits;
    pub use unionpay_acp::secret::{Cvn2, Pin, SecureKey};
    pub use unionpay_acp::{
        Client, Credentials, ErrorCode, ErrorKind, MerchantKey, Outcome, OutgoingRequest,
        SignMethod, VerifyStep,
    };
}
