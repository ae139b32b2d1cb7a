//! What the uniffi bindings (Python, Kotlin) need of the core: the namespace `acp_core` the
//! boundary types register in (they derive `uniffi::Record`, `uniffi::Enum` or
//! `uniffi::Object` where they are defined), the custom types, and the methods of those
//! types that foreign code calls.
//!
//! Feature `uniffi-card` (the mobile build) gives only what encrypting card data crosses
//! with: the error, [`CertificateInfo`], [`CustomerInfo`] and the timestamp. Feature
//! `uniffi` adds the merchant back end's types (`merchant.rs`).

mod error;
#[cfg(feature = "uniffi")]
mod merchant;
mod records;

pub use error::{error_catalogue, invalid_argument, testing_raise_error, AcpError, ErrorInfo};
#[cfg(feature = "uniffi")]
pub use merchant::{
    api_catalogue, api_names, fields_for_log, form_content_type, notification_reply_retry_later,
    read_reconciliation_archive, reconcile, token_pay_data_for_log, ApiInfo, NotificationReceipt,
    Pkcs12Info, SignedFields,
};
pub use records::{CertificateInfo, CustomerInfo};

use crate::time::Timestamp;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// Whole seconds; Python `datetime`, Kotlin `Instant`.
uniffi::custom_type!(Timestamp, SystemTime, {
    lower: |t| system_time(t),
    try_lift: |t| Ok(timestamp(t)),
});

/// The core's timestamp as a `SystemTime` (a pure conversion; no clock is read).
pub fn system_time(t: Timestamp) -> SystemTime {
    let s = t.unix_seconds();
    let d = Duration::from_secs(s.unsigned_abs());
    let t = if s >= 0 {
        UNIX_EPOCH.checked_add(d)
    } else {
        UNIX_EPOCH.checked_sub(d)
    };
    t.unwrap_or(UNIX_EPOCH)
}

/// A `SystemTime` as the core's whole-second timestamp (sub-seconds dropped).
pub fn timestamp(t: SystemTime) -> Timestamp {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => Timestamp::from_unix_seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        Err(e) => {
            let d = e.duration();
            let s = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            Timestamp::from_unix_seconds(if d.subsec_nanos() > 0 { -s - 1 } else { -s })
        }
    }
}

/// The result of a foreign call.
pub type FfiResult<T> = error::Result<T>;
