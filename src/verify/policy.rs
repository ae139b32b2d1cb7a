//! What a certificate must be to sign UnionPay's messages, or to anchor their chain:
//! tightened as far as every real UnionPay certificate still passes (spec §5.2; the
//! fixtures' certificates are tested against these rules).

use crate::error::{Error, ErrorCode, Result, VerifyStep};
use crate::pki::Certificate;

/// The smallest RSA modulus a 5.1.0 signing key, a CA key or an encryption key may have.
pub const MIN_RSA_BITS: usize = 2048;
/// The smallest RSA modulus a 5.0.0 verify certificate may have when the host allows
/// legacy 1024-bit keys explicitly.
pub const MIN_RSA_BITS_LEGACY_500: usize = 1024;

/// The identity (third `@` field of the CN) UnionPay's signing certificates carry.
pub const UNIONPAY_IDENTITY: &str = "中国银联股份有限公司";
/// The identity of UnionPay's older test signing certificates, and of its encryption
/// certificates: accepted only where the trust configuration asks for it.
pub const TEST_IDENTITY: &str = "00040000:SIGN";

/// SHA-256 fingerprints of UnionPay's published encryption certificates (production
/// 2014–2019 and 2018–2024, test 2015–2017 and 2017–2020). Their CN identity is the test
/// identity and their keyUsage includes digitalSignature, so only this list keeps them
/// from verifying a signature under the test profile.
const KNOWN_ENCRYPTION_CERTS: [&str; 4] = [
    "bd1f8a7d320737d4db64c1545151cef647f451f773391118ffb4d2d64b314bbc",
    "0d5ddaeef73bf026dae5adb9d5f441d12bef0bba57b8916e97774ab40c2a2909",
    "a0978b4299834680bd69ff9562c13669d5a256653459ef5a5cea52a5bddf53bb",
    "d1921e89d5a69557107c624a29afac072eca59727f5d94b158c786eac8811a58",
];

/// Checks a signing certificate that already chains to the anchors: its name (exactly one
/// CN of exactly four `@` fields, the third naming UnionPay), what it may do (not a CA,
/// `digitalSignature` when keyUsage is present, no critical extension this library cannot
/// enforce, not an encryption certificate) and its key.
pub(crate) fn check_signing_leaf(cert: &Certificate, allow_test_identity: bool) -> Result<()> {
    check_name(cert, allow_test_identity)?;
    let usage = |why: String| {
        Error::verify(
            ErrorCode::CertUsageInvalid,
            VerifyStep::Chain,
            format!("the signing certificate {} {why}", cert.cert_id()),
        )
    };
    let ext = cert.extensions();
    if ext.ca == Some(true) {
        return Err(usage("is a CA certificate".into()));
    }
    if ext.key_usage.is_some_and(|k| !k.digital_signature()) {
        return Err(usage(
            "may not sign (its keyUsage lacks digitalSignature)".into(),
        ));
    }
    if let Some(oid) = ext.unknown_critical.first() {
        return Err(usage(format!(
            "has a critical extension this library cannot enforce ({oid})"
        )));
    }
    if KNOWN_ENCRYPTION_CERTS.contains(&cert.sha256_hex().as_str()) {
        return Err(usage(
            "is one of UnionPay's encryption certificates, which never sign messages".into(),
        ));
    }
    check_signing_key(cert, MIN_RSA_BITS)
}

/// Checks the key a received message is verified with, before any backend sees it.
pub(crate) fn check_signing_key(cert: &Certificate, min_bits: usize) -> Result<()> {
    let key = cert.public_key().map_err(|e| {
        Error::verify(
            ErrorCode::SigningCertInvalid,
            VerifyStep::Parse,
            e.message().to_owned(),
        )
    })?;
    match key.strength_problem(min_bits) {
        None => Ok(()),
        Some(why) => Err(Error::verify(
            ErrorCode::WeakKey,
            VerifyStep::Chain,
            format!(
                "the signing certificate {} is refused: {why}",
                cert.cert_id()
            ),
        )),
    }
}

fn check_name(cert: &Certificate, allow_test_identity: bool) -> Result<()> {
    let name = |why: String| Error::verify(ErrorCode::CertNameInvalid, VerifyStep::Name, why);
    if cert.subject_cn_count() != 1 {
        return Err(name(format!(
            "the signing certificate has {} CN attributes; UnionPay's have exactly one",
            cert.subject_cn_count()
        )));
    }
    let cn = cert.subject_cn().unwrap_or_default();
    let fields: Vec<&str> = cn.split('@').collect();
    let [_, _, identity, _] = fields.as_slice() else {
        return Err(name(format!(
            "the CN '{}' is not UnionPay's four-part 041@code@identity@number",
            printable(&cn)
        )));
    };
    if *identity == UNIONPAY_IDENTITY || (allow_test_identity && *identity == TEST_IDENTITY) {
        Ok(())
    } else if *identity == TEST_IDENTITY {
        Err(name(format!(
            "the CN '{}' carries UnionPay's test identity {TEST_IDENTITY}, which this trust configuration does not accept (only the test profile, or a custom one that allows it, does)",
            printable(&cn)
        )))
    } else {
        Err(name(format!(
            "the CN '{}' does not name {UNIONPAY_IDENTITY}",
            printable(&cn)
        )))
    }
}

/// Checks a root or middle of a trust configuration: a CA certificate (basicConstraints
/// cA, keyCertSign when keyUsage is present), no critical extension this library cannot
/// enforce, and a key of at least [`MIN_RSA_BITS`].
pub(crate) fn check_anchor(cert: &Certificate, role: &str) -> Result<()> {
    let bad = |why: String| {
        Error::new(
            ErrorCode::AnchorInvalid,
            format!(
                "the {role} certificate '{}' {why}",
                printable(&cert.subject())
            ),
        )
    };
    let ext = cert.extensions();
    if ext.ca != Some(true) {
        return Err(bad(
            "is not a CA certificate (basicConstraints cA is not set)".into(),
        ));
    }
    if ext.key_usage.is_some_and(|k| !k.key_cert_sign()) {
        return Err(bad(
            "may not sign certificates (its keyUsage lacks keyCertSign)".into(),
        ));
    }
    if let Some(oid) = ext.unknown_critical.first() {
        return Err(bad(format!(
            "has a critical extension this library cannot enforce ({oid})"
        )));
    }
    let key = cert.public_key()?;
    match key.strength_problem(MIN_RSA_BITS) {
        Some(why) => Err(bad(format!("is refused: {why}"))),
        None => Ok(()),
    }
}

/// Text from a certificate or message, safe to put in an error message and a log line:
/// control characters escaped, at most 120 characters.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 120 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_control_characters_and_caps_length() {
        assert_eq!(printable("a\r\nb\u{7}"), "a\\r\\nb\\u{7}");
        let long = "x".repeat(500);
        assert_eq!(printable(&long).chars().count(), 121);
    }
}
