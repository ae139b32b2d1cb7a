//! The core's one error as foreign callers see it: one `AcpError` (Python) /
//! `AcpException` (Kotlin) with a variant per kind, so each language gets one subclass per
//! kind, each with the stable code of `errors.json`.

use crate::error::{Error, ErrorCode, ErrorKind};
use std::fmt;

/// Declares `AcpError` with one variant per kind (each carrying the same fields), its
/// conversion from the core's error, and `Display`.
macro_rules! acp_error {
    ($( $(#[$doc:meta])* $kind:ident, )*) => {
        /// A failure of the core: `code` is the stable number of `errors.json`, `name` its
        /// identifier, `detail` the human message, `step` the verification step (`parse`,
        /// `chain`, `name`, `validity`, `signature`) and `canonical_sha256` the digest of
        /// the canonical string, for verification failures.
        #[derive(Debug, Clone, uniffi::Error)]
        pub enum AcpError {
            $(
                $(#[$doc])*
                $kind {
                    /// The stable number (`errors.json`).
                    code: u32,
                    /// Its identifier, e.g. `SignatureMismatch`.
                    name: String,
                    /// The human message.
                    detail: String,
                    /// Verification failures: the step.
                    step: Option<String>,
                    /// Verification failures: hex SHA-256 of the canonical string.
                    canonical_sha256: Option<String>,
                },
            )*
        }

        impl From<Error> for AcpError {
            fn from(e: Error) -> Self {
                let code = e.code().code();
                let name = e.code().name().to_owned();
                let detail = e.message().to_owned();
                let step = e.step().map(|s| s.name().to_owned());
                let canonical_sha256 = e.verify_failure().and_then(|v| v.canonical_sha256.clone());
                match e.kind() {
                    $( ErrorKind::$kind => AcpError::$kind { code, name, detail, step, canonical_sha256 }, )*
                }
            }
        }

        impl fmt::Display for AcpError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( AcpError::$kind { code, name, detail, .. } => write!(f, "[{code} {name}] {detail}"), )*
                }
            }
        }
    };
}

acp_error! {
    /// The caller passed something invalid (1xxx).
    InvalidInput,
    /// A private key, PKCS#12 file or password problem (2xxx).
    Key,
    /// A certificate could not be parsed or used (2xxx).
    Certificate,
    /// A received message did not verify (3xxx).
    Signature,
    /// A received body or file is malformed (4xxx).
    Format,
    /// UnionPay (or the sandbox) answered, and said no (5xxx).
    GatewayRejected,
    /// A bug or an environment failure (9xxx).
    Internal,
}

impl std::error::Error for AcpError {}

/// The result of every fallible foreign call.
pub type Result<T, E = AcpError> = std::result::Result<T, E>;

/// An invalid argument of a foreign call (an unknown API name, a bad enum value).
pub fn invalid_argument(message: impl Into<String>) -> AcpError {
    Error::new(ErrorCode::InvalidArgument, message).into()
}

/// One entry of the error catalogue (`errors.json`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct ErrorInfo {
    /// The stable number.
    pub code: u32,
    /// The identifier, e.g. `Pkcs12WrongPassword`.
    pub name: String,
    /// The kind (`InvalidInput`, `Key`, …).
    pub kind: String,
    /// A one-line description.
    pub summary: String,
}

/// Every error code the core can report, as `errors.json` lists them.
#[uniffi::export]
pub fn error_catalogue() -> Vec<ErrorInfo> {
    ErrorCode::ALL
        .iter()
        .map(|c| ErrorInfo {
            code: c.code(),
            name: c.name().to_owned(),
            kind: c.kind().name().to_owned(),
            summary: c.summary().to_owned(),
        })
        .collect()
}

/// Fails with the core error of number `code`, through the same mapping as every other
/// call: lets each language's tests check its exception classes against `errors.json`.
#[uniffi::export]
pub fn testing_raise_error(code: u32) -> Result<()> {
    match ErrorCode::from_code(code) {
        Some(c) => Err(Error::new(c, format!("test error {code}")).into()),
        None => Err(invalid_argument(format!("{code} is not an error code"))),
    }
}
