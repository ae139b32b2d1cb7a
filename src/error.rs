//! The one public error of the crate.
//!
//! Every failure carries a [`ErrorCode`] whose number is stable across releases and
//! bindings (numbers are never reused), a coarse [`ErrorKind`] to branch on, and a
//! human message that says what to check next. Messages never contain card data or
//! key material.

use std::fmt;

/// What sort of failure this is; users branch on this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The caller passed something invalid (a field, an amount, a time).
    InvalidInput,
    /// A private key, PKCS#12 file or password problem.
    Key,
    /// A certificate could not be parsed or used.
    Certificate,
    /// A received message did not verify.
    Signature,
    /// A received body or file is malformed.
    Format,
    /// UnionPay (or the sandbox) answered, and said no.
    GatewayRejected,
    /// A bug or an environment failure (RNG, crypto backend).
    Internal,
}

impl ErrorKind {
    /// The stable name used in JSON and by every binding.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Key => "Key",
            ErrorKind::Certificate => "Certificate",
            ErrorKind::Signature => "Signature",
            ErrorKind::Format => "Format",
            ErrorKind::GatewayRejected => "GatewayRejected",
            ErrorKind::Internal => "Internal",
        }
    }
}

/// The verification step at which a received message was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerifyStep {
    /// The message or its certificate could not be parsed.
    Parse,
    /// The certificate does not chain to the trusted middle and root.
    Chain,
    /// The certificate's CN does not name UnionPay.
    Name,
    /// The certificate is not valid at `now`.
    Validity,
    /// The signature does not match the canonical string.
    Signature,
}

impl VerifyStep {
    /// The stable lowercase name (`parse`, `chain`, `name`, `validity`, `signature`).
    pub fn name(self) -> &'static str {
        match self {
            VerifyStep::Parse => "parse",
            VerifyStep::Chain => "chain",
            VerifyStep::Name => "name",
            VerifyStep::Validity => "validity",
            VerifyStep::Signature => "signature",
        }
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $num:literal, $kind:ident, $summary:literal; )*) => {
        /// Every failure the crate can report, with a stable number.
        ///
        /// Blocks: 1xxx input, 2xxx keys and certificates, 3xxx signature and
        /// verification, 4xxx format, 5xxx gateway, 9xxx internal.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name = $num, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order (the source of `errors.json`).
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$name, )* ];

            /// The stable number.
            pub fn code(self) -> u32 {
                self as u32
            }

            /// The coarse kind.
            pub fn kind(self) -> ErrorKind {
                match self { $( ErrorCode::$name => ErrorKind::$kind, )* }
            }

            /// The stable identifier, e.g. `Pkcs12WrongPassword`.
            pub fn name(self) -> &'static str {
                match self { $( ErrorCode::$name => stringify!($name), )* }
            }

            /// A one-line description for catalogues.
            pub fn summary(self) -> &'static str {
                match self { $( ErrorCode::$name => $summary, )* }
            }

            /// Looks a code up by number.
            pub fn from_code(code: u32) -> Option<ErrorCode> {
                ErrorCode::ALL.iter().copied().find(|c| c.code() == code)
            }
        }
    };
}

error_codes! {
    /// A required field is missing.
    MissingField = 1001, InvalidInput, "a required field is missing";
    /// A field value has the wrong format.
    InvalidField = 1002, InvalidInput, "a field value has the wrong format";
    /// An amount is not a positive integer number of fen.
    InvalidAmount = 1003, InvalidInput, "an amount is not a positive integer number of fen";
    /// A time value is malformed or out of range.
    InvalidTime = 1004, InvalidInput, "a time value is malformed or out of range";
    /// A parameter of the call (not a protocol field) is invalid.
    InvalidArgument = 1005, InvalidInput, "a parameter of the call is invalid";
    /// The sign method is not supported for this version or configuration.
    UnsupportedSignMethod = 1006, InvalidInput, "the sign method is not supported here";
    /// A secure key (signMethod 11/12) is needed but was not configured.
    SecureKeyMissing = 1007, InvalidInput, "a secure key is needed for signMethod 11/12";
    /// Card data is malformed (PAN, PIN, CVN2, expiry, phone).
    InvalidCardData = 1008, InvalidInput, "card data is malformed";
    /// A binding was handed a NULL pointer where a value is required (C binding).
    NullPointer = 1009, InvalidInput, "a required pointer argument is NULL";
    /// A caller-supplied buffer is too small; the binding reports the size needed.
    BufferTooSmall = 1010, InvalidInput, "the caller's buffer is too small";
    /// A handle is not live: freed already, freed twice, of another type, or not made by
    /// the library (C binding).
    InvalidHandle = 1011, InvalidInput, "the handle is not live (freed, or not made by this library)";

    /// The PKCS#12 password is wrong (the MAC does not verify).
    Pkcs12WrongPassword = 2001, Key, "the PKCS#12 password is wrong";
    /// The PKCS#12 file is malformed.
    Pkcs12Malformed = 2002, Key, "the PKCS#12 file is malformed";
    /// The PKCS#12 file uses an algorithm this library does not implement.
    Pkcs12Unsupported = 2003, Key, "the PKCS#12 file uses an unsupported algorithm";
    /// No private key, or no certificate matching it, was found.
    KeyNotFound = 2004, Key, "no private key, or no certificate matching it";
    /// The private key is malformed or not RSA.
    KeyMalformed = 2005, Key, "the private key is malformed or not RSA";
    /// A PEM document is malformed.
    PemMalformed = 2006, Certificate, "a PEM document is malformed";
    /// An X.509 certificate is malformed.
    CertificateMalformed = 2007, Certificate, "an X.509 certificate is malformed";
    /// The certificate's key is not an RSA key this library can use (not RSA, malformed,
    /// smaller than 2048 bits, or with an unsafe exponent).
    CertificateKeyUnsupported = 2008, Certificate, "the certificate's key is not a usable RSA key";
    /// A root or middle of a trust configuration is not a usable CA certificate.
    AnchorInvalid = 2009, Certificate, "a trust anchor or middle is not a usable CA certificate";

    /// The message has no `signature` field.
    SignatureMissing = 3001, Signature, "the message has no signature";
    /// The message's signMethod/version combination is not supported.
    SignMethodUnsupported = 3002, Signature, "the message's signMethod/version is not supported";
    /// `signPubKeyCert` is missing or cannot be parsed.
    SigningCertInvalid = 3003, Signature, "signPubKeyCert is missing or cannot be parsed";
    /// The signing certificate does not chain to the trusted root.
    ChainInvalid = 3004, Signature, "the signing certificate does not chain to the trusted root";
    /// The signing certificate does not name UnionPay.
    CertNameInvalid = 3005, Signature, "the signing certificate does not name UnionPay";
    /// The signing certificate is not valid at `now`.
    CertNotValidNow = 3006, Signature, "the signing certificate is not valid at the given time";
    /// The signature does not match the canonical string.
    SignatureMismatch = 3007, Signature, "the signature does not match";
    /// No configured verify certificate has the message's certId (5.0.0).
    UnknownCertId = 3008, Signature, "no verify certificate has the message's certId";
    /// The signing certificate's RSA key is too small or has an unsafe exponent.
    WeakKey = 3009, Signature, "the signing certificate's RSA key is too small or unsafe";
    /// The certificate may not sign messages: a CA, no digitalSignature, a critical
    /// extension this library cannot enforce, or one of UnionPay's encryption certificates.
    CertUsageInvalid = 3010, Signature, "the certificate may not sign messages";
    /// The fields could be split another way under the same signature: a key with `=` or
    /// `&`, or a value with an `&` outside `{…}`/`[…]` groups or unbalanced groups.
    AmbiguousMessage = 3011, Signature, "the message is ambiguous under its signature";

    /// A key appears twice in a body.
    DuplicateKey = 4001, Format, "a key appears twice";
    /// `{`/`[` groups are unbalanced.
    UnbalancedBraces = 4002, Format, "brace groups are unbalanced";
    /// The body is not valid UTF-8.
    NotUtf8 = 4003, Format, "the body is not valid UTF-8";
    /// The body exceeds the size limit.
    BodyTooLarge = 4004, Format, "the body exceeds the size limit";
    /// A pair has an empty key.
    EmptyKey = 4005, Format, "a pair has an empty key";
    /// A base64 value is malformed.
    InvalidBase64 = 4006, Format, "a base64 value is malformed";
    /// A percent-escape is malformed.
    InvalidPercentEncoding = 4007, Format, "a percent-escape is malformed";
    /// Decryption failed or produced implausible plaintext.
    DecryptionFailed = 4008, Format, "decryption failed or produced implausible plaintext";
    /// A nested `{k=v&…}` value is malformed.
    InvalidNestedValue = 4009, Format, "a nested {k=v&...} value is malformed";
    /// A ZIP archive or compressed stream is malformed, or breaks a safety rule
    /// (unsafe or duplicate member name, CRC mismatch, overlapping members).
    ArchiveInvalid = 4010, Format, "a ZIP archive or compressed stream is malformed or unsafe";
    /// Decompressing would exceed a configured limit (size, member count): a zip bomb or a
    /// file larger than expected.
    ArchiveTooLarge = 4011, Format, "decompressing would exceed the configured limits";
    /// A reconciliation file line does not match its fixed-width layout.
    ReconRecordInvalid = 4012, Format, "a reconciliation file line does not match its layout";
    /// A ZIP archive uses a feature this library does not read (encryption, ZIP64,
    /// multi-disk, a compression method other than stored or deflate).
    ArchiveUnsupported = 4013, Format, "the ZIP archive uses an unsupported feature";
    /// A field UnionPay sent (an amount, origRespCode, encryptPubKeyCert) is missing or
    /// malformed where the protocol requires it.
    ReceivedFieldInvalid = 4020, Format, "a received field is missing or malformed";
    /// A verified answer or notification names another merchant, order, time, amount or
    /// message type than the request it was handed with: it says nothing about that
    /// request (for a money-moving request, whose outcome is then unknown, the client
    /// reports a pending outcome instead). Was 5001 (GatewayRejected) before 0.2.
    ResponseMismatch = 4021, Format, "the response does not belong to the request";

    /// UnionPay answered with a failure where the call needs success (e.g. key update 95).
    GatewayRejected = 5002, GatewayRejected, "UnionPay answered with a failure";

    /// An RNG failed.
    RandomFailed = 9001, Internal, "the random source failed";
    /// The crypto backend failed unexpectedly.
    CryptoBackend = 9002, Internal, "the crypto backend failed";
    /// A bug: an invariant did not hold.
    Bug = 9999, Internal, "an internal invariant did not hold";
}

/// Numbers that were used once and are never given to another error: 5001 was
/// `ResponseMismatch` while it read as "UnionPay refused" (it is now 4021).
pub const RETIRED_CODES: &[u32] = &[5001];

/// The detail attached to verification failures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyFailure {
    /// The step that failed.
    pub step: VerifyStep,
    /// Lowercase hex SHA-256 of the canonical string, when it could be built
    /// (compare it with what UnionPay signed).
    pub canonical_sha256: Option<String>,
}

/// The crate's error: a stable code, a kind, a message, and for verification failures the step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    verify: Option<VerifyFailure>,
}

impl Error {
    /// Makes an error with a message. The message must not contain secrets.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            verify: None,
        }
    }

    /// Makes a verification error naming its step.
    pub fn verify(code: ErrorCode, step: VerifyStep, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            verify: Some(VerifyFailure {
                step,
                canonical_sha256: None,
            }),
        }
    }

    /// Attaches the canonical-string digest to a verification error.
    pub fn with_canonical_sha256(mut self, hex: String) -> Self {
        if let Some(v) = self.verify.as_mut() {
            v.canonical_sha256 = Some(hex);
        }
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The coarse kind.
    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }

    /// The human message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The verification step and digest, for verification failures.
    pub fn verify_failure(&self) -> Option<&VerifyFailure> {
        self.verify.as_ref()
    }

    /// The verification step, for verification failures.
    pub fn step(&self) -> Option<VerifyStep> {
        self.verify.as_ref().map(|v| v.step)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{} {}] {}",
            self.code.code(),
            self.code.name(),
            self.message
        )?;
        if let Some(v) = &self.verify {
            write!(f, " (step: {}", v.step.name())?;
            if let Some(d) = &v.canonical_sha256 {
                write!(f, "; canonical string SHA-256 {d}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error catalogue as JSON (what `errors.json` holds), generated from [`ErrorCode::ALL`].
pub fn catalogue_json() -> String {
    let mut out = String::from("[\n");
    let last = ErrorCode::ALL.len().saturating_sub(1);
    for (i, c) in ErrorCode::ALL.iter().enumerate() {
        out.push_str(&format!(
            "  {{\"code\": {}, \"name\": \"{}\", \"kind\": \"{}\", \"summary\": \"{}\"}}{}\n",
            c.code(),
            c.name(),
            c.kind().name(),
            c.summary(),
            if i == last { "" } else { "," }
        ));
    }
    out.push_str("]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_in_their_block() {
        let mut seen = HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.code()), "duplicate code {}", c.code());
            let block = c.code() / 1000;
            let expected = match c.kind() {
                ErrorKind::InvalidInput => 1,
                ErrorKind::Key | ErrorKind::Certificate => 2,
                ErrorKind::Signature => 3,
                ErrorKind::Format => 4,
                ErrorKind::GatewayRejected => 5,
                ErrorKind::Internal => 9,
            };
            assert_eq!(block, expected, "{} is outside its block", c.name());
            assert_eq!(ErrorCode::from_code(c.code()), Some(*c));
            assert!(
                !RETIRED_CODES.contains(&c.code()),
                "{} reuses a retired number",
                c.name()
            );
        }
    }

    #[test]
    fn committed_catalogue_matches_the_enum() {
        let committed = include_str!("../errors.json");
        assert_eq!(
            committed,
            catalogue_json(),
            "errors.json is stale: run `cargo run -p acp-cli -- errors > errors.json`"
        );
    }

    #[test]
    fn display_names_code_and_step() {
        let e = Error::verify(ErrorCode::ChainInvalid, VerifyStep::Chain, "bad chain")
            .with_canonical_sha256("ab".into());
        assert_eq!(
            e.to_string(),
            "[3004 ChainInvalid] bad chain (step: chain; canonical string SHA-256 ab)"
        );
        assert_eq!(e.kind(), ErrorKind::Signature);
    }
}
