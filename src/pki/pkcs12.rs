//! PKCS#12 (`.pfx`) files, as UnionPay and CFCA ship merchant signing keys.
//!
//! Supported: password integrity (HMAC with SHA-1/224/256/384/512 keyed by the RFC 7292
//! KDF), `data` and `encryptedData` safes, key/shrouded-key/cert/nested bags, and the
//! ciphers real files use (implemented in `pbe.rs`): the legacy PKCS#12 PBEs of UnionPay's
//! files and PBES2 with PBKDF2 + AES-CBC (OpenSSL 3's default).

use super::cert::Certificate;
use super::der::{self, Reader};
use super::pbe::{self, hash_from_digest_oid, mac_matches, read_iterations, unsupported, Password};
use super::rsa_private::RsaPrivateKeyDer;
use crate::error::{Error, ErrorCode, Result};
use std::fmt;
use zeroize::Zeroizing;

const MALFORMED: ErrorCode = ErrorCode::Pkcs12Malformed;
const MAX_NESTING: u8 = 4;

const OID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 7, 1];
const OID_ENCRYPTED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 7, 6];
const OID_KEY_BAG: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 12, 10, 1, 1];
const OID_SHROUDED_KEY_BAG: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 12, 10, 1, 2];
const OID_CERT_BAG: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 12, 10, 1, 3];
const OID_SAFE_CONTENTS_BAG: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 12, 10, 1, 6];
const OID_X509_CERT: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 9, 22, 1];

/// What a PKCS#12 file holds: the private key, its certificate, and the rest.
pub struct Pkcs12Contents {
    /// The RSA private key as PKCS#8 `PrivateKeyInfo` DER (wiped on drop).
    pub private_key_pkcs8: Zeroizing<Vec<u8>>,
    /// The certificate whose RSA modulus matches the private key.
    pub certificate: Certificate,
    /// Every other certificate in the file, in file order (not a trust chain).
    pub extra_certificates: Vec<Certificate>,
}

impl fmt::Debug for Pkcs12Contents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs12Contents")
            .field("private_key_pkcs8", &"<redacted>")
            .field("certificate", &self.certificate)
            .field("extra_certificates", &self.extra_certificates)
            .finish()
    }
}

struct Ctx<'p> {
    password: &'p str,
    // The password as RFC 7292 wants it: UTF-16BE plus a 0x0000 terminator.
    bmp: Zeroizing<Vec<u8>>,
    mac_verified: bool,
}

#[derive(Default)]
struct Bags {
    keys: Vec<(Zeroizing<Vec<u8>>, Vec<u8>)>,
    certs: Vec<Certificate>,
    cert_error: Option<Error>,
}

/// Opens a PKCS#12 file and returns its RSA private key and matching certificate.
///
/// # Errors
/// [`ErrorCode::Pkcs12WrongPassword`] when the MAC does not verify (or, in a file
/// without a MAC, decryption fails); [`ErrorCode::Pkcs12Malformed`] for a broken file;
/// [`ErrorCode::Pkcs12Unsupported`] naming the OID of an unimplemented algorithm;
/// [`ErrorCode::KeyNotFound`] without a key or a certificate matching it;
/// [`ErrorCode::KeyMalformed`] when the key is not RSA.
pub fn parse_pkcs12(bytes: &[u8], password: &str) -> Result<Pkcs12Contents> {
    let mut outer = Reader::new(bytes, MALFORMED);
    let mut pfx = outer.sequence()?;
    outer.finish()?;
    let version = pfx.small_uint()?;
    if version != 3 {
        return Err(Error::new(
            ErrorCode::Pkcs12Unsupported,
            format!("PKCS#12: unsupported PFX version {version}"),
        ));
    }
    let mut auth_safe = pfx.sequence()?;
    let content_type = auth_safe.expect(der::OID)?.value;
    if content_type != OID_DATA {
        return Err(unsupported(
            "integrity mode (authSafe content type)",
            content_type,
        ));
    }
    let mut explicit = auth_safe.nested(der::context(0))?;
    let auth_safe_data = explicit.expect(der::OCTET_STRING)?.value;
    explicit.finish()?;
    auth_safe.finish()?;

    let mut bmp = Zeroizing::new(Vec::with_capacity(password.len() * 4 + 2));
    for unit in password.encode_utf16() {
        bmp.extend_from_slice(&unit.to_be_bytes());
    }
    bmp.extend_from_slice(&[0, 0]);
    let mut ctx = Ctx {
        password,
        bmp,
        mac_verified: false,
    };
    if let Some(mac_data) = pfx.optional(der::SEQUENCE)? {
        verify_mac(mac_data.value, auth_safe_data, &mut ctx)?;
    }
    pfx.finish()?;

    let mut bags = Bags::default();
    let mut outer = Reader::new(auth_safe_data, MALFORMED);
    let mut infos = outer.sequence()?;
    outer.finish()?;
    while !infos.is_empty() {
        let mut info = infos.sequence()?;
        let kind = info.expect(der::OID)?.value;
        let mut content = info.nested(der::context(0))?;
        info.finish()?;
        if kind == OID_DATA {
            let data = content.expect(der::OCTET_STRING)?.value;
            safe_contents(data, &ctx, &mut bags, 0)?;
        } else if kind == OID_ENCRYPTED_DATA {
            let plain = encrypted_data(content.sequence()?, &ctx)?;
            safe_contents(&plain, &ctx, &mut bags, 0)?;
        } else {
            return Err(unsupported("safe content type", kind));
        }
        content.finish()?;
    }
    pick(bags)
}

fn pick(bags: Bags) -> Result<Pkcs12Contents> {
    let Bags {
        keys,
        mut certs,
        cert_error,
    } = bags;
    if keys.is_empty() {
        return Err(Error::new(
            ErrorCode::KeyNotFound,
            "the PKCS#12 file holds no private key",
        ));
    }
    for (key, modulus) in keys {
        let matching = certs.iter().position(|c| {
            c.public_key()
                .is_ok_and(|k| k.modulus() == modulus.as_slice())
        });
        if let Some(index) = matching {
            let certificate = certs.remove(index);
            return Ok(Pkcs12Contents {
                private_key_pkcs8: key,
                certificate,
                extra_certificates: certs,
            });
        }
    }
    Err(cert_error.unwrap_or_else(|| {
        Error::new(
            ErrorCode::KeyNotFound,
            "no certificate in the PKCS#12 file matches its private key",
        )
    }))
}

fn verify_mac(mac_data: &[u8], auth_safe: &[u8], ctx: &mut Ctx<'_>) -> Result<()> {
    let mut mac_data = Reader::new(mac_data, MALFORMED);
    let mut digest_info = mac_data.sequence()?;
    let (alg, params) = digest_info.algorithm()?;
    if params.is_some_and(|p| p.raw != [0x05, 0x00]) {
        return Err(mac_data.error("MAC digest parameters"));
    }
    let expected = digest_info.expect(der::OCTET_STRING)?.value;
    digest_info.finish()?;
    let salt = mac_data.expect(der::OCTET_STRING)?.value;
    let iterations = if mac_data.is_empty() {
        1
    } else {
        read_iterations(&mut mac_data)?
    };
    mac_data.finish()?;
    let hash = hash_from_digest_oid(alg).ok_or_else(|| unsupported("MAC digest", alg))?;

    // An empty password is ambiguous in RFC 7292 (terminator or nothing); OpenSSL
    // accepts either, so do the same.
    let candidates: Vec<&[u8]> = if ctx.password.is_empty() {
        vec![&[0, 0], &[]]
    } else {
        vec![ctx.bmp.as_slice()]
    };
    let found = candidates
        .into_iter()
        .find(|pass| mac_matches(hash, pass, salt, iterations, auth_safe, expected))
        .map(<[u8]>::to_vec);
    match found {
        Some(pass) => {
            ctx.bmp = Zeroizing::new(pass);
            ctx.mac_verified = true;
            Ok(())
        }
        None => Err(Error::new(
            ErrorCode::Pkcs12WrongPassword,
            "the PKCS#12 MAC does not verify: wrong password (or a corrupted file)",
        )),
    }
}

fn encrypted_data(mut data: Reader<'_>, ctx: &Ctx<'_>) -> Result<Zeroizing<Vec<u8>>> {
    data.small_uint()?;
    let mut info = data.sequence()?;
    let content_type = info.expect(der::OID)?.value;
    if content_type != OID_DATA {
        return Err(unsupported("encrypted content type", content_type));
    }
    let alg = info.algorithm()?;
    let ciphertext: Vec<u8> = if info.is_empty() {
        Vec::new()
    } else {
        let t = info.any()?;
        match t.tag {
            0x80 => t.value.to_vec(),
            // BER writers split the content into OCTET STRING chunks.
            0xA0 => {
                let mut chunks = Reader::new(t.value, MALFORMED);
                let mut all = Vec::new();
                while !chunks.is_empty() {
                    all.extend_from_slice(chunks.expect(der::OCTET_STRING)?.value);
                }
                all
            }
            _ => return Err(info.error("encryptedContent tag")),
        }
    };
    info.finish()?;
    decrypt(alg, &ciphertext, ctx)
}

fn safe_contents(data: &[u8], ctx: &Ctx<'_>, bags: &mut Bags, depth: u8) -> Result<()> {
    let mut outer = Reader::new(data, MALFORMED);
    let mut seq = outer.sequence()?;
    outer.finish()?;
    while !seq.is_empty() {
        let mut bag = seq.sequence()?;
        let bag_id = bag.expect(der::OID)?.value;
        let value = bag.expect(der::context(0))?.value;
        // Attributes (friendlyName, localKeyId) are not needed: keys and certificates
        // are paired by modulus, which cannot be wrong.
        bag.optional(der::SET)?;
        bag.finish()?;
        match bag_id {
            OID_KEY_BAG => {
                let key = Zeroizing::new(value.to_vec());
                let modulus = rsa_modulus(&key)?;
                bags.keys.push((key, modulus));
            }
            OID_SHROUDED_KEY_BAG => {
                let mut outer = Reader::new(value, MALFORMED);
                let mut epki = outer.sequence()?;
                outer.finish()?;
                let alg = epki.algorithm()?;
                let ciphertext = epki.expect(der::OCTET_STRING)?.value;
                epki.finish()?;
                let key = decrypt(alg, ciphertext, ctx)?;
                let modulus = rsa_modulus(&key)?;
                bags.keys.push((key, modulus));
            }
            OID_CERT_BAG => {
                let mut outer = Reader::new(value, MALFORMED);
                let mut cert_bag = outer.sequence()?;
                outer.finish()?;
                let cert_type = cert_bag.expect(der::OID)?.value;
                let mut explicit = cert_bag.nested(der::context(0))?;
                let cert_der = explicit.expect(der::OCTET_STRING)?.value;
                explicit.finish()?;
                cert_bag.finish()?;
                if cert_type == OID_X509_CERT {
                    // An unreadable extra CA certificate must not stop the key from
                    // loading; the error is reported only if no certificate matches.
                    match Certificate::from_der(cert_der) {
                        Ok(cert) => bags.certs.push(cert),
                        Err(e) => {
                            bags.cert_error.get_or_insert(Error::new(
                                MALFORMED,
                                format!("PKCS#12: a certificate bag: {}", e.message()),
                            ));
                        }
                    }
                }
            }
            OID_SAFE_CONTENTS_BAG if depth < MAX_NESTING => {
                safe_contents(value, ctx, bags, depth + 1)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks a PKCS#8 `PrivateKeyInfo` holds an RSA key, and returns its modulus.
fn rsa_modulus(pki: &[u8]) -> Result<Vec<u8>> {
    Ok(RsaPrivateKeyDer::from_pkcs8(pki)?.modulus.to_vec())
}

/// Decrypts a bag or safe, and tells a wrong password from a corrupt file: a wrong
/// password almost never yields valid padding and a DER SEQUENCE spanning the whole
/// plaintext, so once the MAC has verified such a failure means corruption.
fn decrypt(alg: pbe::Alg<'_>, ciphertext: &[u8], ctx: &Ctx<'_>) -> Result<Zeroizing<Vec<u8>>> {
    let password = Password {
        bmp: &ctx.bmp,
        utf8: ctx.password.as_bytes(),
    };
    let plain = pbe::decrypt(alg, ciphertext, &password)?.filter(|buf| {
        let mut r = Reader::new(buf, MALFORMED);
        r.expect(der::SEQUENCE).is_ok() && r.is_empty()
    });
    match (plain, ctx.mac_verified) {
        (Some(buf), _) => Ok(buf),
        (None, true) => Err(Error::new(MALFORMED, "PKCS#12: decrypted data is corrupt")),
        (None, false) => Err(Error::new(
            ErrorCode::Pkcs12WrongPassword,
            "PKCS#12 decryption failed: wrong password (or a corrupted file)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed() {
        for bytes in [
            &[][..],
            &[0x30, 0x00],
            &[0x30, 0x03, 0x02, 0x01, 0x03],
            &[0x04],
        ] {
            let err = parse_pkcs12(bytes, "000000").unwrap_err();
            assert_eq!(err.code(), MALFORMED, "{bytes:02x?}");
        }
        let v2 = [0x30, 0x03, 0x02, 0x01, 0x02];
        let err = parse_pkcs12(&v2, "x").unwrap_err();
        assert_eq!(err.code(), ErrorCode::Pkcs12Unsupported);
    }

    #[test]
    fn debug_redacts_key() {
        let text = include_str!("../../tests/fixtures/certs/acp_test_root.pem");
        let contents = Pkcs12Contents {
            private_key_pkcs8: Zeroizing::new(vec![0xAB; 4]),
            certificate: Certificate::from_pem(text.as_bytes()).unwrap(),
            extra_certificates: Vec::new(),
        };
        let shown = format!("{contents:?}");
        assert!(
            shown.contains("<redacted>") && !shown.contains("171"),
            "{shown}"
        );
    }
}
