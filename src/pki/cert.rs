//! X.509 certificates: just the fields a UnionPay verifier needs (serial → certId,
//! names for the chain and owner checks, validity, the RSA key, the signed bytes, and the
//! extensions that say what a certificate may do).

use super::decimal::to_decimal;
use super::der::{self, Reader};
use super::extensions::Extensions;
use super::fields::{integer_magnitude, name_to_string, parse_time};
use super::pem::pem_blocks;
use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;
use std::fmt;

/// 1.2.840.113549.1.1.1
pub(crate) const OID_RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 1, 1];
const OID_SHA1_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 1, 5];
const OID_SHA256_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 1, 11];

/// The algorithm a certificate is signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// sha1WithRSAEncryption (1.2.840.113549.1.1.5): every UnionPay/CFCA certificate.
    Sha1WithRsa,
    /// sha256WithRSAEncryption (1.2.840.113549.1.1.11).
    Sha256WithRsa,
    /// Anything else; [`Certificate::signature_algorithm_oid`] names it.
    Other,
}

impl SignatureAlgorithm {
    /// The dotted OID, for the two known algorithms.
    pub fn oid(self) -> Option<&'static str> {
        match self {
            SignatureAlgorithm::Sha1WithRsa => Some("1.2.840.113549.1.1.5"),
            SignatureAlgorithm::Sha256WithRsa => Some("1.2.840.113549.1.1.11"),
            SignatureAlgorithm::Other => None,
        }
    }

    fn from_oid(oid: &[u8]) -> Self {
        match oid {
            OID_SHA1_WITH_RSA => SignatureAlgorithm::Sha1WithRsa,
            OID_SHA256_WITH_RSA => SignatureAlgorithm::Sha256WithRsa,
            _ => SignatureAlgorithm::Other,
        }
    }
}

/// An RSA public key (PKCS#1 `RSAPublicKey`).
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    der: Vec<u8>,
    modulus: Vec<u8>,
    exponent: Vec<u8>,
}

impl RsaPublicKey {
    /// Parses a DER `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
    ///
    /// # Errors
    /// [`ErrorCode::CertificateKeyUnsupported`] when the DER is malformed, or the modulus
    /// or exponent is zero or negative.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        let mut outer = Reader::new(der, ErrorCode::CertificateKeyUnsupported);
        let mut seq = outer.sequence()?;
        outer.finish()?;
        let modulus = positive_integer(&mut seq)?;
        let exponent = positive_integer(&mut seq)?;
        seq.finish()?;
        Ok(RsaPublicKey {
            der: der.to_vec(),
            modulus: modulus.to_vec(),
            exponent: exponent.to_vec(),
        })
    }

    /// The modulus, big-endian, without leading zero bytes.
    pub fn modulus(&self) -> &[u8] {
        &self.modulus
    }

    /// The public exponent, big-endian, without leading zero bytes.
    pub fn exponent(&self) -> &[u8] {
        &self.exponent
    }

    /// The PKCS#1 `RSAPublicKey` DER.
    pub fn pkcs1_der(&self) -> &[u8] {
        &self.der
    }

    /// The modulus size in bits (2048 for every UnionPay key).
    pub fn bits(&self) -> usize {
        modulus_bits(&self.modulus)
    }

    /// Checks that the key is safe to verify or encrypt with: an odd public exponent of
    /// at least 3 (with e = 1 any "signature" equal to the padded message verifies) and a
    /// modulus of at least `min_bits`. Returns what is wrong.
    pub fn strength_problem(&self, min_bits: usize) -> Option<String> {
        let odd = self.exponent.last().is_some_and(|b| b & 1 == 1);
        let at_least_3 = self.exponent.len() > 1 || self.exponent.first().is_some_and(|&b| b >= 3);
        if !odd || !at_least_3 {
            return Some("its RSA public exponent is not an odd number of at least 3".to_owned());
        }
        (self.bits() < min_bits).then(|| {
            format!(
                "its RSA key has {} bits, fewer than the {min_bits} required",
                self.bits()
            )
        })
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = self.modulus.get(..8).unwrap_or(&self.modulus);
        write!(
            f,
            "RsaPublicKey {{ bits: {}, modulus: {}… }}",
            self.bits(),
            der::hex(head)
        )
    }
}

/// The number of significant bits in a big-endian magnitude without leading zeros.
pub(crate) fn modulus_bits(magnitude: &[u8]) -> usize {
    match magnitude.first() {
        None => 0,
        Some(&top) => magnitude.len() * 8 - top.leading_zeros() as usize,
    }
}

/// Reads an INTEGER that must be > 0; returns its magnitude without leading zeros.
pub(crate) fn positive_integer<'a>(r: &mut Reader<'a>) -> Result<&'a [u8]> {
    let tlv = r.expect(der::INTEGER)?;
    let negative = tlv.value.first().is_none_or(|b| b & 0x80 != 0);
    let magnitude = der::strip_leading_zeros(tlv.value);
    if negative || magnitude.is_empty() {
        return Err(r.error("expected a positive INTEGER"));
    }
    Ok(magnitude)
}

/// An X.509 certificate.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Vec<u8>,
    serial: Vec<u8>,
    serial_negative: bool,
    issuer_der: Vec<u8>,
    subject_der: Vec<u8>,
    issuer: String,
    subject: String,
    subject_cn: Option<String>,
    subject_cn_count: usize,
    extensions: Extensions,
    not_before: Timestamp,
    not_after: Timestamp,
    signature_algorithm: SignatureAlgorithm,
    signature_algorithm_oid: String,
    signature: Vec<u8>,
    // A certificate with a non-RSA key still parses (it can be listed and chained);
    // only asking for its key fails.
    public_key: std::result::Result<RsaPublicKey, Error>,
}

impl Certificate {
    /// Parses a DER certificate.
    ///
    /// # Errors
    /// [`ErrorCode::CertificateMalformed`] when the DER is not a well-formed X.509
    /// certificate (trailing data included).
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let mut outer = Reader::new(der, ErrorCode::CertificateMalformed);
        let mut cert = outer.sequence()?;
        outer.finish()?;
        let tbs_tlv = cert.expect(der::SEQUENCE)?;
        let (outer_alg, _) = cert.algorithm()?;
        let signature = cert.bit_string()?;
        cert.finish()?;

        let mut tbs = Reader::new(tbs_tlv.value, ErrorCode::CertificateMalformed);
        if let Some(version) = tbs.optional(der::context(0))? {
            let mut v = Reader::new(version.value, ErrorCode::CertificateMalformed);
            if v.small_uint()? > 2 {
                return Err(v.error("unknown certificate version"));
            }
            v.finish()?;
        }
        let serial_tlv = tbs.expect(der::INTEGER)?;
        let (serial_negative, serial) = integer_magnitude(serial_tlv.value)
            .ok_or_else(|| tbs.error("empty or oversized serial number"))?;
        let (inner_alg, _) = tbs.algorithm()?;
        if inner_alg != outer_alg {
            return Err(
                tbs.error("signature algorithm differs between tbsCertificate and certificate")
            );
        }
        let issuer_tlv = tbs.expect(der::SEQUENCE)?;
        let mut validity = tbs.sequence()?;
        let not_before = parse_time(validity.any()?)?;
        let not_after = parse_time(validity.any()?)?;
        validity.finish()?;
        let subject_tlv = tbs.expect(der::SEQUENCE)?;
        let mut spki = tbs.sequence()?;
        let (key_alg, _) = spki.algorithm()?;
        let key_bits = spki.bit_string()?;
        spki.finish()?;
        // issuerUniqueID [1] and subjectUniqueID [2] are skipped; extensions [3] are read.
        tbs.optional(0x81)?;
        tbs.optional(0x82)?;
        let extensions = match tbs.optional(der::context(3))? {
            Some(tlv) => Extensions::parse(tlv.value)?,
            None => Extensions::default(),
        };
        tbs.finish()?;

        let (issuer, _, _) = name_to_string(issuer_tlv.value)?;
        let (subject, subject_cn, subject_cn_count) = name_to_string(subject_tlv.value)?;
        let public_key = if key_alg == OID_RSA_ENCRYPTION {
            RsaPublicKey::from_pkcs1_der(key_bits)
        } else {
            Err(Error::new(
                ErrorCode::CertificateKeyUnsupported,
                format!(
                    "the certificate key algorithm is {}, not rsaEncryption",
                    der::oid_to_string(key_alg)
                ),
            ))
        };
        Ok(Certificate {
            der: der.to_vec(),
            tbs: tbs_tlv.raw.to_vec(),
            serial,
            serial_negative,
            issuer_der: issuer_tlv.raw.to_vec(),
            subject_der: subject_tlv.raw.to_vec(),
            issuer,
            subject,
            subject_cn,
            subject_cn_count,
            extensions,
            not_before,
            not_after,
            signature_algorithm: SignatureAlgorithm::from_oid(outer_alg),
            signature_algorithm_oid: der::oid_to_string(outer_alg),
            signature: signature.to_vec(),
            public_key,
        })
    }

    /// Parses the first `CERTIFICATE` block of PEM text.
    ///
    /// # Errors
    /// [`ErrorCode::PemMalformed`] when the PEM is broken or has no `CERTIFICATE`
    /// block; [`ErrorCode::CertificateMalformed`] when the block is not a certificate.
    pub fn from_pem(text: &[u8]) -> Result<Self> {
        let blocks = pem_blocks(text)?;
        let block = blocks
            .iter()
            .find(|b| b.label == "CERTIFICATE" || b.label == "X509 CERTIFICATE")
            .ok_or_else(|| Error::new(ErrorCode::PemMalformed, "no CERTIFICATE PEM block"))?;
        Certificate::from_der(&block.der)
    }

    /// Parses DER or PEM, whichever `bytes` is.
    ///
    /// # Errors
    /// As [`Certificate::from_der`] or [`Certificate::from_pem`].
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&der::SEQUENCE) {
            Certificate::from_der(bytes)
        } else {
            Certificate::from_pem(bytes)
        }
    }

    /// The whole certificate DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The exact `tbsCertificate` bytes: what the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.tbs
    }

    /// The serial number's magnitude, big-endian, without leading zeros.
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }

    /// UnionPay's certId: the serial number in decimal (negative serials, which only
    /// broken CAs issue, get a leading `-`, as Java's `BigInteger` would print them).
    pub fn cert_id(&self) -> String {
        let digits = to_decimal(&self.serial);
        if self.serial_negative {
            format!("-{digits}")
        } else {
            digits
        }
    }

    /// The issuer `Name` DER, for DER-equality chain checks.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }

    /// The subject `Name` DER, for DER-equality chain checks.
    pub fn subject_der(&self) -> &[u8] {
        &self.subject_der
    }

    /// The subject as text, attributes in DER order: `C=CN, O=…, CN=…`.
    pub fn subject(&self) -> String {
        self.subject.clone()
    }

    /// The issuer as text, attributes in DER order.
    pub fn issuer(&self) -> String {
        self.issuer.clone()
    }

    /// The first `CN` value of the subject.
    pub fn subject_cn(&self) -> Option<String> {
        self.subject_cn.clone()
    }

    /// How many `CN` attributes the subject has (a UnionPay leaf has exactly one).
    pub fn subject_cn_count(&self) -> usize {
        self.subject_cn_count
    }

    /// What the extensions say (basicConstraints, keyUsage, unknown critical ones).
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// Start of the validity period.
    pub fn not_before(&self) -> Timestamp {
        self.not_before
    }

    /// End of the validity period.
    pub fn not_after(&self) -> Timestamp {
        self.not_after
    }

    /// The algorithm the issuer signed this certificate with.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.signature_algorithm
    }

    /// The dotted OID of the signature algorithm (useful when it is `Other`).
    pub fn signature_algorithm_oid(&self) -> &str {
        &self.signature_algorithm_oid
    }

    /// The issuer's signature over [`Certificate::tbs_der`].
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The subject's RSA public key.
    ///
    /// # Errors
    /// [`ErrorCode::CertificateKeyUnsupported`] when the key is not a well-formed RSA key.
    pub fn public_key(&self) -> Result<&RsaPublicKey> {
        self.public_key.as_ref().map_err(Clone::clone)
    }

    /// The RSA modulus size in bits, 0 if the key is not RSA.
    pub fn key_bits(&self) -> usize {
        self.public_key.as_ref().map_or(0, RsaPublicKey::bits)
    }

    /// Lowercase hex SHA-256 of the DER (a fingerprint for logs and pinning).
    pub fn sha256_hex(&self) -> String {
        use sha2::{Digest, Sha256};
        der::hex(&Sha256::digest(&self.der))
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("cert_id", &self.cert_id())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_public_key_rules() {
        let key =
            RsaPublicKey::from_pkcs1_der(&[0x30, 0x07, 0x02, 0x02, 0x00, 0xC1, 0x02, 0x01, 0x03])
                .unwrap();
        assert_eq!(
            (key.modulus(), key.exponent(), key.bits()),
            (&[0xC1][..], &[3][..], 8)
        );
        for bad in [
            &[0x30, 0x06, 0x02, 0x01, 0xC1, 0x02, 0x01, 0x03][..],
            &[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x03],
            &[0x30, 0x03, 0x02, 0x01, 0x41],
            &[0x30, 0x06, 0x02, 0x01, 0x41, 0x02, 0x01, 0x03, 0x00],
        ] {
            let err = RsaPublicKey::from_pkcs1_der(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::CertificateKeyUnsupported);
        }
    }
}
