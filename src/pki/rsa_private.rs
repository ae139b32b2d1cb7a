//! RSA private keys in PKCS#8 (`PrivateKeyInfo`, RFC 5208) and PKCS#1 (`RSAPrivateKey`,
//! RFC 8017 A.1.2) DER, read with the crate's own DER reader.
//!
//! The `rsa` crate could parse these itself, but only with its `encoding` feature, whose
//! ASN.1 stack (der, pkcs1, pkcs8, spki) is about a sixth of the wasm module's code.

use super::cert::{positive_integer, OID_RSA_ENCRYPTION};
use super::der::{self, Reader};
use crate::error::{Error, ErrorCode, Result};
use zeroize::Zeroizing;

/// The integers of a two-prime RSA private key, as big-endian magnitudes without
/// leading zeros, borrowed from the DER they were read from.
///
/// No `Debug`: the fields are the key.
// Without an RSA backend in the build only the modulus is read (to match certificates).
#[cfg_attr(not(feature = "portable"), allow(dead_code))]
pub(crate) struct RsaPrivateKeyDer<'a> {
    pub modulus: &'a [u8],
    pub public_exponent: &'a [u8],
    pub private_exponent: &'a [u8],
    pub prime1: &'a [u8],
    pub prime2: &'a [u8],
}

impl<'a> RsaPrivateKeyDer<'a> {
    /// Reads a PKCS#8 `PrivateKeyInfo` (v1, or v2 / `OneAsymmetricKey`) holding an
    /// `rsaEncryption` key.
    pub fn from_pkcs8(der_bytes: &'a [u8]) -> Result<Self> {
        let mut outer = Reader::new(der_bytes, ErrorCode::KeyMalformed);
        let mut info = outer.sequence()?;
        outer.finish()?;
        if info.small_uint()? > 1 {
            return Err(info.error("unknown PrivateKeyInfo version"));
        }
        let (alg, params) = info.algorithm()?;
        if alg != OID_RSA_ENCRYPTION {
            return Err(Error::new(
                ErrorCode::KeyMalformed,
                format!(
                    "the private key algorithm is {}, not rsaEncryption",
                    der::oid_to_string(alg)
                ),
            ));
        }
        // RFC 8017 A.1: the parameters are NULL; some encoders omit them.
        if params.is_some_and(|p| p.raw != [0x05, 0x00]) {
            return Err(info.error("rsaEncryption parameters are not NULL"));
        }
        let key = info.expect(der::OCTET_STRING)?.value;
        // What follows (attributes [0], publicKey [1]) says nothing about the key itself.
        Self::from_pkcs1(key)
    }

    /// Reads a PKCS#1 `RSAPrivateKey` (two-prime, version 0).
    pub fn from_pkcs1(der_bytes: &'a [u8]) -> Result<Self> {
        let mut outer = Reader::new(der_bytes, ErrorCode::KeyMalformed);
        let mut rsa = outer.sequence()?;
        outer.finish()?;
        if rsa.small_uint()? != 0 {
            return Err(rsa.error("only two-prime RSA keys (version 0) are supported"));
        }
        let key = RsaPrivateKeyDer {
            modulus: positive_integer(&mut rsa)?,
            public_exponent: positive_integer(&mut rsa)?,
            private_exponent: positive_integer(&mut rsa)?,
            prime1: positive_integer(&mut rsa)?,
            prime2: positive_integer(&mut rsa)?,
        };
        // exponent1, exponent2, coefficient: derived values the RSA code recomputes.
        for _ in 0..3 {
            positive_integer(&mut rsa)?;
        }
        rsa.finish()?;
        Ok(key)
    }
}

/// Wraps a PKCS#1 `RSAPrivateKey` in a PKCS#8 `PrivateKeyInfo` (v1, rsaEncryption with
/// NULL parameters), after checking that it parses.
pub(crate) fn pkcs1_to_pkcs8(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    RsaPrivateKeyDer::from_pkcs1(pkcs1)?;
    const VERSION_AND_ALGORITHM: &[u8] = &[
        0x02, 0x01, 0x00, // INTEGER 0
        0x30, 0x0D, // SEQUENCE (AlgorithmIdentifier)
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, // rsaEncryption
        0x05, 0x00, // NULL
    ];
    let mut octet_string = Zeroizing::new(Vec::with_capacity(pkcs1.len() + 4));
    push_tlv(&mut octet_string, der::OCTET_STRING, &[pkcs1]);
    let mut out = Zeroizing::new(Vec::with_capacity(octet_string.len() + 24));
    push_tlv(
        &mut out,
        der::SEQUENCE,
        &[VERSION_AND_ALGORITHM, octet_string.as_slice()],
    );
    Ok(out)
}

/// Appends one DER element whose contents are the concatenation of `parts`.
fn push_tlv(out: &mut Vec<u8>, tag: u8, parts: &[&[u8]]) {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let significant = der::strip_leading_zeros(&bytes);
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    for part in parts {
        out.extend_from_slice(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A PKCS#1 structure of tiny made-up integers: only its parsing is under test.
    fn toy_pkcs1() -> Vec<u8> {
        let int = |v: &[u8]| {
            let mut out = Vec::new();
            push_tlv(&mut out, der::INTEGER, &[v]);
            out
        };
        let fields: Vec<Vec<u8>> = vec![
            int(&[0]),
            int(&[0x00, 0xC5, 0x01, 0x02]),
            int(&[0x01, 0x00, 0x01]),
            int(&[0x11, 0x22]),
            int(&[0x00, 0xF1]),
            int(&[0x0B]),
            int(&[0x03]),
            int(&[0x05]),
            int(&[0x07]),
        ];
        let parts: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        let mut out = Vec::new();
        push_tlv(&mut out, der::SEQUENCE, &parts);
        out
    }

    #[test]
    fn pkcs1_fields_are_magnitudes() {
        let der_bytes = toy_pkcs1();
        let key = RsaPrivateKeyDer::from_pkcs1(&der_bytes).unwrap();
        assert_eq!(key.modulus, [0xC5, 0x01, 0x02]);
        assert_eq!(key.public_exponent, [0x01, 0x00, 0x01]);
        assert_eq!(key.private_exponent, [0x11, 0x22]);
        assert_eq!(key.prime1, [0xF1]);
        assert_eq!(key.prime2, [0x0B]);
    }

    #[test]
    fn pkcs8_wrapping_reads_back() {
        let der_bytes = toy_pkcs1();
        let pkcs8 = pkcs1_to_pkcs8(&der_bytes).unwrap();
        let key = RsaPrivateKeyDer::from_pkcs8(&pkcs8).unwrap();
        assert_eq!(key.modulus, [0xC5, 0x01, 0x02]);
    }

    #[test]
    fn long_lengths_are_encoded_in_long_form() {
        let mut out = Vec::new();
        push_tlv(&mut out, der::OCTET_STRING, &[&[7u8; 300]]);
        assert_eq!(out.get(..4), Some(&[0x04, 0x82, 0x01, 0x2C][..]));
        assert_eq!(out.len(), 304);
    }

    #[test]
    fn malformed_keys_are_refused() {
        let der_bytes = toy_pkcs1();
        let code = |r: Result<RsaPrivateKeyDer<'_>>| r.err().map(|e| e.code());
        // Truncated.
        let cut = der_bytes.get(..der_bytes.len() - 1).unwrap();
        assert_eq!(
            code(RsaPrivateKeyDer::from_pkcs1(cut)),
            Some(ErrorCode::KeyMalformed)
        );
        // Multi-prime version.
        let mut multi = der_bytes.clone();
        multi[4] = 1;
        assert_eq!(
            code(RsaPrivateKeyDer::from_pkcs1(&multi)),
            Some(ErrorCode::KeyMalformed)
        );
        // PKCS#1 given where PKCS#8 is expected.
        assert_eq!(
            code(RsaPrivateKeyDer::from_pkcs8(&der_bytes)),
            Some(ErrorCode::KeyMalformed)
        );
        // A negative modulus.
        let mut negative = der_bytes.clone();
        negative[7] = 0x80;
        negative[8] = 0x80;
        assert!(RsaPrivateKeyDer::from_pkcs1(&negative).is_err());
    }
}
