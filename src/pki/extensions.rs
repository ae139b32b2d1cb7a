//! The X.509 extensions a UnionPay verifier acts on (basicConstraints, keyUsage) and the
//! ones it knows to be harmless; any other extension marked critical is recorded, so that
//! the verifier can refuse a certificate whose critical constraints it cannot enforce
//! (RFC 5280 §4.2).

use super::der::{self, Reader};
use crate::error::{ErrorCode, Result};

const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 29, 19];
const OID_KEY_USAGE: &[u8] = &[0x55, 29, 15];
/// Extensions read or safely ignored: subjectKeyIdentifier, authorityKeyIdentifier,
/// extendedKeyUsage (UnionPay's leaves carry TLS client / e-mail purposes, which no
/// verifier of ours checks), cRLDistributionPoints and certificatePolicies (revocation and
/// policy are not checked, as in the official SDKs), subjectAltName, issuerAltName,
/// authorityInfoAccess, Netscape cert type.
const OIDS_UNDERSTOOD: &[&[u8]] = &[
    OID_BASIC_CONSTRAINTS,
    OID_KEY_USAGE,
    &[0x55, 29, 14],
    &[0x55, 29, 35],
    &[0x55, 29, 37],
    &[0x55, 29, 31],
    &[0x55, 29, 32],
    &[0x55, 29, 17],
    &[0x55, 29, 18],
    &[0x2B, 6, 1, 5, 5, 7, 1, 1],
    &[0x60, 0x86, 0x48, 0x01, 0x86, 0xF8, 0x42, 0x01, 0x01],
];

const BOOLEAN: u8 = 0x01;

/// The keyUsage bits (RFC 5280 §4.2.1.3) that matter here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyUsage {
    bits: u16,
}

impl KeyUsage {
    const DIGITAL_SIGNATURE: u16 = 1 << 15;
    const KEY_CERT_SIGN: u16 = 1 << 10;

    /// `digitalSignature`: the key may sign messages.
    pub fn digital_signature(self) -> bool {
        self.bits & Self::DIGITAL_SIGNATURE != 0
    }

    /// `keyCertSign`: the key may sign certificates.
    pub fn key_cert_sign(self) -> bool {
        self.bits & Self::KEY_CERT_SIGN != 0
    }
}

/// What a certificate's extensions say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extensions {
    /// basicConstraints `cA`; `None` when the extension is absent.
    pub ca: Option<bool>,
    /// keyUsage; `None` when absent (any use allowed).
    pub key_usage: Option<KeyUsage>,
    /// The dotted OIDs of critical extensions this library does not enforce.
    pub unknown_critical: Vec<String>,
}

impl Extensions {
    /// Parses the contents of the `[3] EXPLICIT Extensions` element.
    pub(crate) fn parse(value: &[u8]) -> Result<Self> {
        let code = ErrorCode::CertificateMalformed;
        let mut outer = Reader::new(value, code);
        let mut list = outer.sequence()?;
        outer.finish()?;
        let mut out = Extensions::default();
        let mut seen: Vec<&[u8]> = Vec::new();
        while !list.is_empty() {
            let mut ext = list.sequence()?;
            let oid = ext.expect(der::OID)?.value;
            // DER omits a FALSE default, but real CFCA certificates write it out.
            let critical = match ext.optional(BOOLEAN)? {
                Some(b) => boolean(&ext, b.value)?,
                None => false,
            };
            let body = ext.expect(der::OCTET_STRING)?.value;
            ext.finish()?;
            if seen.contains(&oid) {
                return Err(list.error("an extension appears twice"));
            }
            seen.push(oid);
            match oid {
                OID_BASIC_CONSTRAINTS => out.ca = Some(basic_constraints_ca(body)?),
                OID_KEY_USAGE => out.key_usage = Some(key_usage(body)?),
                other if critical && !OIDS_UNDERSTOOD.contains(&other) => {
                    out.unknown_critical.push(der::oid_to_string(other));
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

fn boolean(r: &Reader<'_>, v: &[u8]) -> Result<bool> {
    match v {
        [0] => Ok(false),
        [_] => Ok(true),
        _ => Err(r.error("a BOOLEAN is not one byte")),
    }
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`
fn basic_constraints_ca(body: &[u8]) -> Result<bool> {
    let mut outer = Reader::new(body, ErrorCode::CertificateMalformed);
    let mut seq = outer.sequence()?;
    outer.finish()?;
    let ca = match seq.optional(BOOLEAN)? {
        Some(b) => boolean(&seq, b.value)?,
        None => false,
    };
    if !seq.is_empty() {
        seq.small_uint()?;
    }
    seq.finish()?;
    Ok(ca)
}

/// `KeyUsage ::= BIT STRING` (named bits, trailing zero bits dropped).
fn key_usage(body: &[u8]) -> Result<KeyUsage> {
    let mut outer = Reader::new(body, ErrorCode::CertificateMalformed);
    let tlv = outer.expect(der::BIT_STRING)?;
    outer.finish()?;
    let (&unused, bytes) = tlv
        .value
        .split_first()
        .ok_or_else(|| outer.error("empty keyUsage"))?;
    if unused > 7 || bytes.len() > 2 || (bytes.is_empty() && unused != 0) {
        return Err(outer.error("malformed keyUsage"));
    }
    let mut bits = 0u16;
    for (i, b) in bytes.iter().enumerate() {
        bits |= u16::from(*b) << (8 * (1 - i));
    }
    Ok(KeyUsage { bits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(oid: &[u8], critical: Option<u8>, body: &[u8]) -> Vec<u8> {
        let mut inner = vec![der::OID, oid.len() as u8];
        inner.extend_from_slice(oid);
        if let Some(c) = critical {
            inner.extend_from_slice(&[BOOLEAN, 1, c]);
        }
        inner.extend_from_slice(&[der::OCTET_STRING, body.len() as u8]);
        inner.extend_from_slice(body);
        let mut out = vec![der::SEQUENCE, inner.len() as u8];
        out.extend(inner);
        out
    }

    fn list(exts: &[Vec<u8>]) -> Vec<u8> {
        let inner: Vec<u8> = exts.concat();
        let mut out = vec![der::SEQUENCE, inner.len() as u8];
        out.extend(inner);
        out
    }

    #[test]
    fn basic_constraints_key_usage_and_critical_extensions() {
        let ca = ext(OID_BASIC_CONSTRAINTS, Some(0xFF), &[0x30, 3, 1, 1, 0xFF]);
        // digitalSignature + nonRepudiation: 03 02 06 C0
        let ku = ext(OID_KEY_USAGE, Some(0xFF), &[0x03, 2, 6, 0xC0]);
        let unknown = ext(&[0x55, 29, 30], Some(0xFF), &[0x30, 0]);
        let e = Extensions::parse(&list(&[ca, ku, unknown])).unwrap();
        assert_eq!(e.ca, Some(true));
        let ku = e.key_usage.unwrap();
        assert!(ku.digital_signature() && !ku.key_cert_sign());
        assert_eq!(e.unknown_critical, vec!["2.5.29.30".to_owned()]);
        // cA FALSE written out (non-DER, seen in CFCA certificates) and a default.
        let e = Extensions::parse(&list(&[ext(
            OID_BASIC_CONSTRAINTS,
            Some(0),
            &[0x30, 3, 1, 1, 0],
        )]))
        .unwrap();
        assert_eq!(e.ca, Some(false));
        let e = Extensions::parse(&list(&[ext(OID_BASIC_CONSTRAINTS, None, &[0x30, 0])])).unwrap();
        assert_eq!(e.ca, Some(false));
        // keyCertSign + cRLSign: 03 02 01 06
        let e = Extensions::parse(&list(&[ext(OID_KEY_USAGE, None, &[0x03, 2, 1, 6])])).unwrap();
        assert!(e.key_usage.unwrap().key_cert_sign());
        // A non-critical unknown extension is ignored.
        let e = Extensions::parse(&list(&[ext(&[0x55, 29, 30], Some(0), &[0x30, 0])])).unwrap();
        assert!(e.unknown_critical.is_empty());
    }

    #[test]
    fn malformed_extensions_are_errors() {
        let dup = ext(OID_KEY_USAGE, None, &[0x03, 2, 6, 0xC0]);
        for bad in [
            list(&[dup.clone(), dup]),
            list(&[ext(OID_KEY_USAGE, None, &[0x03, 2, 9, 0xC0])]),
            list(&[ext(OID_KEY_USAGE, None, &[0x03, 0])]),
            list(&[ext(OID_BASIC_CONSTRAINTS, None, &[0x30, 3, 1, 2, 0])]),
            list(&[ext(OID_BASIC_CONSTRAINTS, None, &[0x31, 0])]),
        ] {
            assert_eq!(
                Extensions::parse(&bad).unwrap_err().code(),
                ErrorCode::CertificateMalformed
            );
        }
    }
}
