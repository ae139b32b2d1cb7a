//! The result codes as named constants (`#define ACP_RESULT_…` in the header): one per
//! code of the core's `ErrorCode` catalogue (`errors.json`).
//!
//! Generated from `ErrorCode::ALL` by `bindings/c/tests/codes.rs`, which fails when this
//! file is stale; rewrite it with `UPDATE_C_CODES=1 cargo test -p acp-c --test codes`.

use crate::acp_result;

/// Success.
pub const ACP_RESULT_OK: acp_result = 0;
/// MissingField: a required field is missing.
pub const ACP_RESULT_MISSING_FIELD: acp_result = 1001;
/// InvalidField: a field value has the wrong format.
pub const ACP_RESULT_INVALID_FIELD: acp_result = 1002;
/// InvalidAmount: an amount is not a positive integer number of fen.
pub const ACP_RESULT_INVALID_AMOUNT: acp_result = 1003;
/// InvalidTime: a time value is malformed or out of range.
pub const ACP_RESULT_INVALID_TIME: acp_result = 1004;
/// InvalidArgument: a parameter of the call is invalid.
pub const ACP_RESULT_INVALID_ARGUMENT: acp_result = 1005;
/// UnsupportedSignMethod: the sign method is not supported here.
pub const ACP_RESULT_UNSUPPORTED_SIGN_METHOD: acp_result = 1006;
/// SecureKeyMissing: a secure key is needed for signMethod 11/12.
pub const ACP_RESULT_SECURE_KEY_MISSING: acp_result = 1007;
/// InvalidCardData: card data is malformed.
pub const ACP_RESULT_INVALID_CARD_DATA: acp_result = 1008;
/// NullPointer: a required pointer argument is NULL.
pub const ACP_RESULT_NULL_POINTER: acp_result = 1009;
/// BufferTooSmall: the caller's buffer is too small.
pub const ACP_RESULT_BUFFER_TOO_SMALL: acp_result = 1010;
/// InvalidHandle: the handle is not live (freed, or not made by this library).
pub const ACP_RESULT_INVALID_HANDLE: acp_result = 1011;
/// Pkcs12WrongPassword: the PKCS#12 password is wrong.
pub const ACP_RESULT_PKCS12_WRONG_PASSWORD: acp_result = 2001;
/// Pkcs12Malformed: the PKCS#12 file is malformed.
pub const ACP_RESULT_PKCS12_MALFORMED: acp_result = 2002;
/// Pkcs12Unsupported: the PKCS#12 file uses an unsupported algorithm.
pub const ACP_RESULT_PKCS12_UNSUPPORTED: acp_result = 2003;
/// KeyNotFound: no private key, or no certificate matching it.
pub const ACP_RESULT_KEY_NOT_FOUND: acp_result = 2004;
/// KeyMalformed: the private key is malformed or not RSA.
pub const ACP_RESULT_KEY_MALFORMED: acp_result = 2005;
/// PemMalformed: a PEM document is malformed.
pub const ACP_RESULT_PEM_MALFORMED: acp_result = 2006;
/// CertificateMalformed: an X.509 certificate is malformed.
pub const ACP_RESULT_CERTIFICATE_MALFORMED: acp_result = 2007;
/// CertificateKeyUnsupported: the certificate's key is not a usable RSA key.
pub const ACP_RESULT_CERTIFICATE_KEY_UNSUPPORTED: acp_result = 2008;
/// AnchorInvalid: a trust anchor or middle is not a usable CA certificate.
pub const ACP_RESULT_ANCHOR_INVALID: acp_result = 2009;
/// SignatureMissing: the message has no signature.
pub const ACP_RESULT_SIGNATURE_MISSING: acp_result = 3001;
/// SignMethodUnsupported: the message's signMethod/version is not supported.
pub const ACP_RESULT_SIGN_METHOD_UNSUPPORTED: acp_result = 3002;
/// SigningCertInvalid: signPubKeyCert is missing or cannot be parsed.
pub const ACP_RESULT_SIGNING_CERT_INVALID: acp_result = 3003;
/// ChainInvalid: the signing certificate does not chain to the trusted root.
pub const ACP_RESULT_CHAIN_INVALID: acp_result = 3004;
/// CertNameInvalid: the signing certificate does not name UnionPay.
pub const ACP_RESULT_CERT_NAME_INVALID: acp_result = 3005;
/// CertNotValidNow: the signing certificate is not valid at the given time.
pub const ACP_RESULT_CERT_NOT_VALID_NOW: acp_result = 3006;
/// SignatureMismatch: the signature does not match.
pub const ACP_RESULT_SIGNATURE_MISMATCH: acp_result = 3007;
/// UnknownCertId: no verify certificate has the message's certId.
pub const ACP_RESULT_UNKNOWN_CERT_ID: acp_result = 3008;
/// WeakKey: the signing certificate's RSA key is too small or unsafe.
pub const ACP_RESULT_WEAK_KEY: acp_result = 3009;
/// CertUsageInvalid: the certificate may not sign messages.
pub const ACP_RESULT_CERT_USAGE_INVALID: acp_result = 3010;
/// AmbiguousMessage: the message is ambiguous under its signature.
pub const ACP_RESULT_AMBIGUOUS_MESSAGE: acp_result = 3011;
/// DuplicateKey: a key appears twice.
pub const ACP_RESULT_DUPLICATE_KEY: acp_result = 4001;
/// UnbalancedBraces: brace groups are unbalanced.
pub const ACP_RESULT_UNBALANCED_BRACES: acp_result = 4002;
/// NotUtf8: the body is not valid UTF-8.
pub const ACP_RESULT_NOT_UTF8: acp_result = 4003;
/// BodyTooLarge: the body exceeds the size limit.
pub const ACP_RESULT_BODY_TOO_LARGE: acp_result = 4004;
/// EmptyKey: a pair has an empty key.
pub const ACP_RESULT_EMPTY_KEY: acp_result = 4005;
/// InvalidBase64: a base64 value is malformed.
pub const ACP_RESULT_INVALID_BASE64: acp_result = 4006;
/// InvalidPercentEncoding: a percent-escape is malformed.
pub const ACP_RESULT_INVALID_PERCENT_ENCODING: acp_result = 4007;
/// DecryptionFailed: decryption failed or produced implausible plaintext.
pub const ACP_RESULT_DECRYPTION_FAILED: acp_result = 4008;
/// InvalidNestedValue: a nested {k=v&...} value is malformed.
pub const ACP_RESULT_INVALID_NESTED_VALUE: acp_result = 4009;
/// ArchiveInvalid: a ZIP archive or compressed stream is malformed or unsafe.
pub const ACP_RESULT_ARCHIVE_INVALID: acp_result = 4010;
/// ArchiveTooLarge: decompressing would exceed the configured limits.
pub const ACP_RESULT_ARCHIVE_TOO_LARGE: acp_result = 4011;
/// ReconRecordInvalid: a reconciliation file line does not match its layout.
pub const ACP_RESULT_RECON_RECORD_INVALID: acp_result = 4012;
/// ArchiveUnsupported: the ZIP archive uses an unsupported feature.
pub const ACP_RESULT_ARCHIVE_UNSUPPORTED: acp_result = 4013;
/// ReceivedFieldInvalid: a received field is missing or malformed.
pub const ACP_RESULT_RECEIVED_FIELD_INVALID: acp_result = 4020;
/// ResponseMismatch: the response does not belong to the request.
pub const ACP_RESULT_RESPONSE_MISMATCH: acp_result = 4021;
/// GatewayRejected: UnionPay answered with a failure.
pub const ACP_RESULT_GATEWAY_REJECTED: acp_result = 5002;
/// RandomFailed: the random source failed.
pub const ACP_RESULT_RANDOM_FAILED: acp_result = 9001;
/// CryptoBackend: the crypto backend failed.
pub const ACP_RESULT_CRYPTO_BACKEND: acp_result = 9002;
/// Bug: an internal invariant did not hold.
pub const ACP_RESULT_BUG: acp_result = 9999;
