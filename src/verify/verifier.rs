//! Verifying what UnionPay sends (spec §5), in the order parse → chain → name →
//! validity → signature.

use super::cache::{CachedCert, CertCache};
use super::chain::{check_validity, validate_chain, validate_links};
use super::policy::{check_signing_key, printable, MIN_RSA_BITS, MIN_RSA_BITS_LEGACY_500};
use super::trust::{Anchors, TrustProfile};
use crate::crypto::{hex_lower, CryptoBackend, HashAlg, HexDigest};
use crate::error::{Error, ErrorCode, Result, VerifyStep};
use crate::form::{
    ambiguity_of, parse_notify_body_borrowed, parse_sync_body_borrowed, write_canonical,
    BorrowedFields, Fields,
};
use crate::pki::Certificate;
use crate::secret::SecureKey;
use crate::sign::{secure_key_signature, SignMethod, Version};
use crate::time::Timestamp;
use base64::Engine;
use std::fmt;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Verifies responses and notifications under one trust profile. Cheap to share: it keeps
/// a bounded cache of validated certificates.
pub struct Verifier {
    profile: TrustProfile,
    anchors: Anchors,
    backend: Arc<dyn CryptoBackend>,
    secure_key: Option<SecureKey>,
    verify_certs: Vec<Certificate>,
    legacy_500_keys: bool,
    cache: CertCache,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("profile", &self.profile.name())
            .field("backend", &self.backend.name())
            .field(
                "secure_key",
                &self.secure_key.as_ref().map(|_| "<redacted>"),
            )
            .field("verify_certs", &self.verify_certs.len())
            .finish()
    }
}

impl Verifier {
    /// A verifier for signMethod 01 (5.1.0) under `profile`.
    pub fn new(profile: TrustProfile, backend: Arc<dyn CryptoBackend>) -> Result<Self> {
        let anchors = profile.anchors()?;
        Ok(Verifier {
            profile,
            anchors,
            backend,
            secure_key: None,
            verify_certs: Vec::new(),
            legacy_500_keys: false,
            cache: CertCache::default(),
        })
    }

    /// Also accept signMethod 11/12 messages signed with this secure key. UnionPay's
    /// public test key `88888888` is refused under the production profile.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`] for the public test key under production.
    pub fn with_secure_key(mut self, key: SecureKey) -> Result<Self> {
        if matches!(self.profile, TrustProfile::Production) && key.is_public_test_key() {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "the secure key 88888888 is UnionPay's public test key: anybody can sign with it, so it is refused with the production trust profile",
            ));
        }
        self.secure_key = Some(key);
        Ok(self)
    }

    /// Also accept 5.0.0 messages signed by one of these certificates (looked up by certId).
    /// Their keys must have at least 2048 bits unless [`Verifier::with_legacy_500_keys`].
    pub fn with_verify_certs(mut self, certs: Vec<Certificate>) -> Self {
        self.verify_certs = certs;
        self
    }

    /// Accept 1024-bit keys in the 5.0.0 verify certificates (some legacy installations
    /// still have them); 5.1.0 signing certificates always need 2048 bits.
    pub fn with_legacy_500_keys(mut self, allow: bool) -> Self {
        self.legacy_500_keys = allow;
        self
    }

    /// The trust profile.
    pub fn profile(&self) -> &TrustProfile {
        &self.profile
    }

    /// How many validated certificates are cached.
    pub fn cached_certificates(&self) -> usize {
        self.cache.len()
    }

    /// Checks what verification checks of a signing certificate before the signature:
    /// it chains to this profile's anchors, its CN names UnionPay, it may sign (not a CA,
    /// digitalSignature, no unknown critical extension, not an encryption certificate) and
    /// its key is strong enough. Validity is not checked (pass messages through
    /// [`Verifier::verify_fields`] with their `now` for that).
    ///
    /// # Errors
    /// The verification error of the first rule that fails.
    pub fn check_signing_certificate(&self, cert: &Certificate) -> Result<()> {
        validate_chain(cert, &self.anchors, self.backend.as_ref()).map(|_| ())
    }

    /// Checks that a certificate UnionPay sent inside a verified message (the encryption
    /// certificate of a key update 95) chains to this profile's middle and root and is
    /// valid at `now`. The CN is not checked (see `validate_links`).
    pub(crate) fn validate_issued_cert(&self, cert: &Certificate, now: Timestamp) -> Result<()> {
        let chain = validate_links(cert, &self.anchors, self.backend.as_ref())?;
        check_validity(&chain, cert, now)
    }

    /// Parses and verifies a synchronous response body (raw `k=v&…`). Returns the signed
    /// fields: a field that arrived empty is not part of the signature, so it is dropped.
    pub fn verify_sync_body(&self, body: &[u8], now: Timestamp) -> Result<Fields> {
        self.verify_sync_body_borrowed(body, now)
            .map(BorrowedFields::into_fields)
    }

    /// Parses and verifies a notification body (form-encoded). Returns the signed fields:
    /// fields that arrived empty are not signed (spec §2.3) and are dropped.
    pub fn verify_notify_body(&self, body: &[u8], now: Timestamp) -> Result<Fields> {
        self.verify_notify_body_borrowed(body, now)
            .map(BorrowedFields::into_fields)
    }

    /// [`Verifier::verify_sync_body`] without copying: the signed fields borrow from
    /// `body`, so a caller copies only the values it keeps.
    pub fn verify_sync_body_borrowed<'a>(
        &self,
        body: &'a [u8],
        now: Timestamp,
    ) -> Result<BorrowedFields<'a>> {
        let mut fields = parse_sync_body_borrowed(body).map_err(as_parse_failure)?;
        self.verify_received(&fields, now)?;
        fields.retain_signed();
        Ok(fields)
    }

    /// [`Verifier::verify_notify_body`] without copying: the signed fields borrow from
    /// `body` (a value that had percent-escapes is decoded into its own string).
    pub fn verify_notify_body_borrowed<'a>(
        &self,
        body: &'a [u8],
        now: Timestamp,
    ) -> Result<BorrowedFields<'a>> {
        let mut fields = parse_notify_body_borrowed(body).map_err(as_parse_failure)?;
        self.verify_received(&fields, now)?;
        fields.retain_signed();
        Ok(fields)
    }

    /// Verifies a received field map. Empty values are not part of the signature: a
    /// caller that keeps `fields` should drop them (the `verify_*_body` methods do).
    ///
    /// A message whose fields could be split another way under the same signature (a key
    /// with `=` or `&`, a value with `&` outside `{…}`/`[…]` groups) is refused with
    /// [`ErrorCode::AmbiguousMessage`] whatever its signature.
    pub fn verify_fields(&self, fields: &Fields, now: Timestamp) -> Result<()> {
        self.verify_received(fields, now)
    }

    /// [`Verifier::verify_fields`] of fields parsed in place.
    pub fn verify_borrowed_fields(
        &self,
        fields: &BorrowedFields<'_>,
        now: Timestamp,
    ) -> Result<()> {
        self.verify_received(fields, now)
    }

    fn verify_received(&self, fields: &impl Received, now: Timestamp) -> Result<()> {
        let parse = |code, msg: &str| Error::verify(code, VerifyStep::Parse, msg);
        if let Some(why) = ambiguity_of(fields.pairs()) {
            return Err(parse(
                ErrorCode::AmbiguousMessage,
                &format!("the message is ambiguous under its signature: {why}"),
            ));
        }
        let signature = fields
            .field("signature")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                parse(
                    ErrorCode::SignatureMissing,
                    "the message has no 'signature' field",
                )
            })?;
        let method_text = fields.field("signMethod").ok_or_else(|| {
            parse(
                ErrorCode::SignMethodUnsupported,
                "the message has no 'signMethod' field",
            )
        })?;
        let method = SignMethod::parse(method_text).map_err(|_| {
            parse(
                ErrorCode::SignMethodUnsupported,
                &format!("signMethod '{}' is not supported", printable(method_text)),
            )
        })?;
        let version = fields
            .field("version")
            .ok_or_else(|| {
                parse(
                    ErrorCode::SignMethodUnsupported,
                    "the message has no 'version' field",
                )
            })
            .and_then(|v| {
                Version::parse(v).map_err(|_| {
                    parse(
                        ErrorCode::SignMethodUnsupported,
                        &format!("version '{}' is not supported", printable(v)),
                    )
                })
            })?;
        let result = match (method, version) {
            (SignMethod::Rsa, Version::V5_1_0) => self.verify_rsa_510(fields, signature, now),
            (SignMethod::Rsa, Version::V5_0_0) => self.verify_rsa_500(fields, signature),
            (SignMethod::Sha256SecureKey | SignMethod::Sm3SecureKey, Version::V5_1_0) => {
                let mut canonical = String::new();
                write_canonical(fields.pairs(), |piece| canonical.push_str(piece));
                self.verify_secure_key(method, &canonical, signature)
            }
            _ => Err(parse(
                ErrorCode::SignMethodUnsupported,
                "signMethod 11/12 exist only in version 5.1.0",
            )),
        };
        result.map_err(|e| {
            e.with_canonical_sha256(
                core_canonical_hex(fields, HashAlg::Sha256)
                    .as_str()
                    .to_owned(),
            )
        })
    }

    fn verify_rsa_510(
        &self,
        fields: &impl Received,
        signature: &str,
        now: Timestamp,
    ) -> Result<()> {
        let pem = fields
            .field("signPubKeyCert")
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                Error::verify(
                    ErrorCode::SigningCertInvalid,
                    VerifyStep::Parse,
                    "a 5.1.0 message needs 'signPubKeyCert'",
                )
            })?;
        let cached = match self.cache.get(pem) {
            Some(hit) => hit,
            None => {
                let leaf = Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                    Error::verify(
                        ErrorCode::SigningCertInvalid,
                        VerifyStep::Parse,
                        format!("signPubKeyCert is not a certificate: {}", e.message()),
                    )
                })?;
                let chain = validate_chain(&leaf, &self.anchors, self.backend.as_ref())?;
                let key = self.load_key(&leaf)?;
                let entry = Arc::new(CachedCert { leaf, chain, key });
                self.cache.insert(pem, entry.clone());
                entry
            }
        };
        check_validity(&cached.chain, &cached.leaf, now)?;
        check_rsa_signature(cached.key.as_ref(), HashAlg::Sha256, fields, signature)
    }

    // 5.0.0 has no chain and, as in the SDKs, no validity check: the caller chose these
    // certificates explicitly (UnionPay's last 5.0.0 verify certificate expired in 2017).
    fn verify_rsa_500(&self, fields: &impl Received, signature: &str) -> Result<()> {
        let cert_id = fields.field("certId").unwrap_or_default();
        let cert = self
            .verify_certs
            .iter()
            .find(|c| c.cert_id() == cert_id)
            .ok_or_else(|| {
                Error::verify(
                    ErrorCode::UnknownCertId,
                    VerifyStep::Chain,
                    format!(
                        "no configured 5.0.0 verify certificate has certId '{}'",
                        printable(cert_id)
                    ),
                )
            })?;
        let min_bits = if self.legacy_500_keys {
            MIN_RSA_BITS_LEGACY_500
        } else {
            MIN_RSA_BITS
        };
        check_signing_key(cert, min_bits)?;
        let key = self.load_key(cert)?;
        check_rsa_signature(key.as_ref(), HashAlg::Sha1, fields, signature)
    }

    fn load_key(&self, cert: &Certificate) -> Result<Arc<dyn crate::crypto::PublicKeyOps>> {
        cert.public_key()
            .and_then(|k| self.backend.load_public_key(k))
            .map_err(|e| {
                Error::verify(
                    ErrorCode::SigningCertInvalid,
                    VerifyStep::Parse,
                    e.message().to_owned(),
                )
            })
    }

    fn verify_secure_key(
        &self,
        method: SignMethod,
        canonical: &str,
        signature: &str,
    ) -> Result<()> {
        let key = self.secure_key.as_ref().ok_or_else(|| {
            Error::verify(
                ErrorCode::SignMethodUnsupported,
                VerifyStep::Parse,
                "signMethod 11/12 needs a secure key; none is configured",
            )
        })?;
        let hash = method.secure_key_hash().unwrap_or(HashAlg::Sha256);
        let expected = secure_key_signature(hash, canonical, key);
        if bool::from(
            expected
                .as_bytes()
                .ct_eq(signature.to_ascii_lowercase().as_bytes()),
        ) {
            Ok(())
        } else {
            Err(mismatch())
        }
    }
}

/// What verification reads of a received message, owned or parsed in place.
trait Received {
    fn field(&self, key: &str) -> Option<&str>;
    /// The fields in key order.
    fn pairs(&self) -> impl Iterator<Item = (&str, &str)>;
}

impl Received for Fields {
    fn field(&self, key: &str) -> Option<&str> {
        self.get(key)
    }

    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.iter()
    }
}

impl Received for BorrowedFields<'_> {
    fn field(&self, key: &str) -> Option<&str> {
        self.get(key)
    }

    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.iter()
    }
}

/// The hex digest of the canonical string: hashed piece by piece by the core (the string
/// never built), or built once and handed whole to a host backend's own hash.
fn canonical_hex(
    key: &dyn crate::crypto::PublicKeyOps,
    fields: &impl Received,
    hash: HashAlg,
) -> Result<CanonicalHex> {
    if key.has_host_digest() {
        let mut canonical = String::new();
        write_canonical(fields.pairs(), |piece| canonical.push_str(piece));
        return Ok(CanonicalHex::Host(hex_lower(
            &key.digest(hash, canonical.as_bytes())?,
        )));
    }
    Ok(CanonicalHex::Core(core_canonical_hex(fields, hash)))
}

/// The hex digest of the canonical string by the core's hash, piece by piece.
fn core_canonical_hex(fields: &impl Received, hash: HashAlg) -> HexDigest {
    let mut hasher = hash.hasher();
    write_canonical(fields.pairs(), |piece| hasher.update(piece.as_bytes()));
    hasher.finish_hex()
}

enum CanonicalHex {
    Core(HexDigest),
    Host(String),
}

impl CanonicalHex {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Core(hex) => hex.as_bytes(),
            Self::Host(hex) => hex.as_bytes(),
        }
    }
}

/// The largest signature decoded on the stack: RSA-8192, the largest key verified.
const MAX_SIGNATURE: usize = 1024;

fn check_rsa_signature(
    key: &dyn crate::crypto::PublicKeyOps,
    hash: HashAlg,
    fields: &impl Received,
    signature: &str,
) -> Result<()> {
    let not_base64 = || {
        Error::verify(
            ErrorCode::SignatureMismatch,
            VerifyStep::Signature,
            "the signature is not valid base64",
        )
    };
    let engine = &base64::engine::general_purpose::STANDARD;
    let mut buf = [0u8; MAX_SIGNATURE];
    let heap;
    let sig = match engine.decode_slice(signature, &mut buf) {
        Ok(n) => buf.get(..n).unwrap_or_default(),
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            heap = engine.decode(signature).map_err(|_| not_base64())?;
            heap.as_slice()
        }
        Err(base64::DecodeSliceError::DecodeError(_)) => return Err(not_base64()),
    };
    let digest_hex = canonical_hex(key, fields, hash)?;
    if key.verify_pkcs1v15(hash, digest_hex.as_bytes(), sig)? {
        Ok(())
    } else {
        Err(mismatch())
    }
}

fn mismatch() -> Error {
    Error::verify(
        ErrorCode::SignatureMismatch,
        VerifyStep::Signature,
        "the signature does not match the message: a field was changed, a value was decoded or trimmed, or CRLF in signPubKeyCert became LF",
    )
}

fn as_parse_failure(e: Error) -> Error {
    let code = e.code();
    Error::verify(code, VerifyStep::Parse, e.message().to_owned())
}
