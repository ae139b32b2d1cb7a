//! Low-level functions: the building blocks the shared test vectors exercise, for hosts
//! that sign, verify or inspect messages outside the typed client.

use crate::convert::{
    at, bytes, c_string, kv_fields, kv_list, opt_bytes, opt_text, os_rng, out_ptr, text, twice,
};
use crate::error::guard;
use crate::fields::acp_fields;
use crate::handle::{self, Handle, Kind};
use crate::{acp_kv, acp_result};
use std::collections::BTreeSet;
use std::os::raw::c_char;
use unionpay_acp::card::{encrypt_field, pin_block, CustomerInfo, CustomerInfoMode};
use unionpay_acp::client::settings::VerifierSettings;
use unionpay_acp::crypto::{default_backend, HashAlg};
use unionpay_acp::file::{parse_archive, read_zip};
use unionpay_acp::form::{canonical_string, encode_form, parse_notify_body, parse_sync_body};
use unionpay_acp::json::to_json;
use unionpay_acp::pki::{parse_pkcs12, Certificate};
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber, Pin, SecureKey};
use unionpay_acp::{
    sign_fields, Credentials, EncryptionCert, Error, ErrorCode, FixedRandom, MerchantKey,
    RandomSource, SignMethod, Verifier,
};

/// `kind` of `acp_verifier_verify` and `acp_danger_form_parse`: a synchronous answer (raw
/// `k=v&…`, brace-aware, not percent-decoded).
pub const ACP_BODY_SYNC: u32 = 1;
/// `kind` of `acp_verifier_verify` and `acp_danger_form_parse`: a notification
/// (`application/x-www-form-urlencoded`, percent-decoded).
pub const ACP_BODY_NOTIFY: u32 = 2;

/// A message verifier with its trust anchors and certificate cache (thread-safe).
pub struct acp_verifier {
    inner: Verifier,
}

impl Handle for acp_verifier {
    const KIND: Kind = Kind::Verifier;
}

/// Creates a verifier from the verification settings of the client settings schema
/// (`settings.json`): `{"trust": "test" | "production" | {"roots": [PEM], "middles":
/// [PEM]}, "verifySecureKey": "…", "verifyCerts500": [PEM], "legacy500Keys": false}`
/// (only `trust` is required; other names are refused).
///
/// # Safety
/// `settings_json` a C string; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_verifier_new(
    settings_json: *const c_char,
    out: *mut *mut acp_verifier,
) -> acp_result {
    guard("acp_verifier_new", || {
        let out = out_ptr(out, "out")?;
        let settings = VerifierSettings::from_json(text(settings_json, "settings_json")?)?;
        let inner = settings.into_verifier(default_backend())?;
        *out = handle::into_raw(acp_verifier { inner });
        Ok(())
    })
}

/// Frees a verifier. NULL is a no-op.
///
/// # Safety
/// `verifier` must be NULL or a pointer this library returned.
#[no_mangle]
pub unsafe extern "C" fn acp_verifier_free(verifier: *mut acp_verifier) {
    guard("acp_verifier_free", || handle::free(verifier, "verifier"));
}

/// Parses and verifies a received body (`ACP_BODY_SYNC` or `ACP_BODY_NOTIFY`) at `now`;
/// on success `*out` holds its fields (free with `acp_fields_free`). On failure
/// `acp_last_error_step` names the step that failed.
///
/// # Safety
/// `verifier` must be a pointer this library returned; `body` valid for `len`; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_verifier_verify(
    verifier: *const acp_verifier,
    kind: u32,
    body: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut acp_fields,
) -> acp_result {
    guard("acp_verifier_verify", || {
        let out = out_ptr(out, "out")?;
        let v = &handle::borrow(verifier, "verifier")?.inner;
        let body = bytes(body, len, "body")?;
        let fields = match kind {
            ACP_BODY_SYNC => v.verify_sync_body(body, at(now))?,
            ACP_BODY_NOTIFY => v.verify_notify_body(body, at(now))?,
            _ => return Err(body_kind(kind)),
        };
        *out = handle::into_raw(acp_fields::new(&fields));
        Ok(())
    })
}

/// Verifies a message given as fields (exactly as received, empty values included).
///
/// # Safety
/// `verifier` must be a pointer this library returned; `fields` valid for `n` entries.
#[no_mangle]
pub unsafe extern "C" fn acp_verifier_verify_fields(
    verifier: *const acp_verifier,
    fields: *const acp_kv,
    n: usize,
    now: i64,
) -> acp_result {
    guard("acp_verifier_verify_fields", || {
        let v = &handle::borrow(verifier, "verifier")?.inner;
        v.verify_fields(&kv_fields(fields, n, "fields")?, at(now))
    })
}

/// The canonical string signatures cover: empty values and `signature` dropped, keys in
/// byte order, `k=v` joined by `&`, raw values.
///
/// # Safety
/// `fields` valid for `n` entries; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_canonical_string(
    fields: *const acp_kv,
    n: usize,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_canonical_string", || {
        let out = out_ptr(out, "out")?;
        *out = c_string(canonical_string(&kv_fields(fields, n, "fields")?));
        Ok(())
    })
}

/// The lowercase hex digest of `data` with `alg`: `"sha256"`, `"sha1"` or `"sm3"`.
///
/// # Safety
/// `alg` a C string; `data` valid for `len`; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_digest_hex(
    alg: *const c_char,
    data: *const u8,
    len: usize,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_digest_hex", || {
        let out = out_ptr(out, "out")?;
        let alg = match text(alg, "alg")? {
            "sha256" => HashAlg::Sha256,
            "sha1" => HashAlg::Sha1,
            "sm3" => HashAlg::Sm3,
            other => return Err(arg(&format!("alg is sha256, sha1 or sm3, not '{other}'"))),
        };
        *out = c_string(alg.hex_digest(bytes(data, len, "data")?));
        Ok(())
    })
}

/// Signs `fields` (which must carry `version`): with a PFX (`pfx`, `password`;
/// signMethod 01, adds certId) or a secure key (`secure_key`; the fields' signMethod 11
/// or 12). A `signMethod` in the fields must be a known method. `*out` receives the signed
/// fields; `canonical` and `digest_hex`, when not NULL, the signed canonical string and
/// its hex digest (diagnostics).
///
/// # Safety
/// Pointers valid for their lengths; strings NUL-terminated; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_sign_fields(
    fields: *const acp_kv,
    n: usize,
    pfx: *const u8,
    pfx_len: usize,
    password: *const c_char,
    secure_key: *const c_char,
    out: *mut *mut acp_fields,
    canonical: *mut *mut c_char,
    digest_hex: *mut *mut c_char,
) -> acp_result {
    guard("acp_sign_fields", || {
        let out = out_ptr(out, "out")?;
        let mut f = kv_fields(fields, n, "fields")?;
        let method = SignMethod::parse(f.get("signMethod").unwrap_or("01"))?;
        let pfx = bytes(pfx, pfx_len, "pfx")?;
        let credentials = match (pfx.is_empty(), opt_text(secure_key, "secure_key")?) {
            (false, None) => Credentials::Rsa(MerchantKey::from_pkcs12(
                pfx,
                text(password, "password")?,
                default_backend().as_ref(),
            )?),
            (true, Some(key)) => Credentials::SecureKey {
                method,
                key: SecureKey::new(key)?,
            },
            _ => return Err(arg("give exactly one of pfx and secure_key")),
        };
        let info = sign_fields(&mut f, &credentials)?;
        *out = handle::into_raw(acp_fields::new(&f));
        if !canonical.is_null() {
            *canonical = c_string(info.canonical);
        }
        if !digest_hex.is_null() {
            *digest_hex = c_string(info.digest_hex);
        }
        Ok(())
    })
}

/// Encrypts `plaintext` to UnionPay's encryption certificate `cert` (PEM or DER) with
/// RSA PKCS#1 v1.5, padded with the OS random source; `*out` is base64.
///
/// # Safety
/// Pointers valid for their lengths; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_encrypt(
    cert: *const u8,
    cert_len: usize,
    plaintext: *const u8,
    len: usize,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_encrypt", || {
        encrypt(cert, cert_len, plaintext, len, &mut os_rng(), out)
    })
}

/// DANGER, tests only: `acp_encrypt` padded with exactly the bytes of `random` (the shared
/// vectors' fixed randomness). Fixed padding makes the ciphertext guessable: never use it
/// for card data.
///
/// # Safety
/// Pointers valid for their lengths; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_danger_encrypt_with_random(
    cert: *const u8,
    cert_len: usize,
    plaintext: *const u8,
    len: usize,
    random: *const u8,
    random_len: usize,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_danger_encrypt_with_random", || {
        let mut rng = fixed(random, random_len)?;
        encrypt(cert, cert_len, plaintext, len, &mut rng, out)
    })
}

unsafe fn encrypt(
    cert: *const u8,
    cert_len: usize,
    plaintext: *const u8,
    len: usize,
    rng: &mut dyn RandomSource,
    out: *mut *mut c_char,
) -> Result<(), Error> {
    let out = out_ptr(out, "out")?;
    let cert = EncryptionCert::parse(bytes(cert, cert_len, "cert")?)?;
    let plain = bytes(plaintext, len, "plaintext")?;
    *out = c_string(encrypt_field(&cert, plain, rng)?);
    Ok(())
}

/// Builds a `customerInfo` value from `info` (keys `certifTp`, `certifId`, `customerNm`,
/// `phoneNo`, `smsCode`, `cvn2`, `expired`, and `encryptedPin`: a PIN block already
/// encrypted, base64) with `mode` `"encrypted"` (phoneNo, cvn2, expired go in
/// `encryptedInfo`) or `"plain"`. `cert`: the encryption certificate when something is
/// encrypted (else NULL, 0); encryption pads with the OS random source.
///
/// # Safety
/// Pointers valid for their lengths; strings NUL-terminated; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_customer_info_build(
    info: *const acp_kv,
    n: usize,
    mode: *const c_char,
    cert: *const u8,
    cert_len: usize,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_customer_info_build", || {
        customer_info(info, n, mode, cert, cert_len, &mut os_rng(), out)
    })
}

/// DANGER, tests only: `acp_customer_info_build` padded with exactly the bytes of
/// `random` (the shared vectors' fixed randomness); never for card data.
///
/// # Safety
/// Pointers valid for their lengths; strings NUL-terminated; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_danger_customer_info_build_with_random(
    info: *const acp_kv,
    n: usize,
    mode: *const c_char,
    cert: *const u8,
    cert_len: usize,
    random: *const u8,
    random_len: usize,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_danger_customer_info_build_with_random", || {
        let mut rng = fixed(random, random_len)?;
        customer_info(info, n, mode, cert, cert_len, &mut rng, out)
    })
}

unsafe fn customer_info(
    info: *const acp_kv,
    n: usize,
    mode: *const c_char,
    cert: *const u8,
    cert_len: usize,
    rng: &mut dyn RandomSource,
    out: *mut *mut c_char,
) -> Result<(), Error> {
    {
        let out = out_ptr(out, "out")?;
        let mode = match text(mode, "mode")? {
            "encrypted" => CustomerInfoMode::Encrypted,
            "plain" => CustomerInfoMode::Plain,
            other => return Err(arg(&format!("mode is encrypted or plain, not '{other}'"))),
        };
        let mut ci = CustomerInfo::default();
        let mut encrypted_pin = None;
        let mut seen = BTreeSet::new();
        for (key, v) in kv_list(info, n, "info")? {
            if !seen.insert(key) {
                return Err(twice("info", key));
            }
            let own = Some(v.to_owned());
            match key {
                "certifTp" => ci.certif_tp = own,
                "certifId" => ci.certif_id = own,
                "customerNm" => ci.customer_nm = own,
                "smsCode" => ci.sms_code = own,
                "phoneNo" => ci.phone_no = Some(PhoneNumber::new(v)?),
                "cvn2" => ci.cvn2 = Some(Cvn2::new(v)?),
                "expired" => ci.expired = Some(CardExpiry::new(v)?),
                "encryptedPin" => encrypted_pin = Some(v),
                other => return Err(arg(&format!("unknown customerInfo key '{other}'"))),
            }
        }
        let cert = bytes(cert, cert_len, "cert")?;
        let cert = if cert.is_empty() {
            None
        } else {
            Some(EncryptionCert::parse(cert)?)
        };
        let value = ci.build_with_encrypted_pin(mode, cert.as_ref(), encrypted_pin, rng)?;
        *out = c_string(value);
        Ok(())
    }
}

/// The ISO 9564 format-0 PIN block of `pin` for card `pan` (8 bytes into `out`;
/// `ACP_RESULT_BUFFER_TOO_SMALL` when `out_len` < 8).
///
/// # Safety
/// Strings NUL-terminated; `out` valid for `out_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn acp_pin_block(
    pin: *const c_char,
    pan: *const c_char,
    out: *mut u8,
    out_len: usize,
) -> acp_result {
    guard("acp_pin_block", || {
        let out = out_ptr(out, "out")?;
        let block = pin_block(&Pin::new(text(pin, "pin")?)?, &Pan::new(text(pan, "pan")?)?);
        if out_len < block.len() {
            return Err(Error::new(
                ErrorCode::BufferTooSmall,
                format!(
                    "a PIN block needs {} bytes; out_len is {out_len}",
                    block.len()
                ),
            ));
        }
        std::ptr::copy_nonoverlapping(block.as_ptr(), out, block.len());
        Ok(())
    })
}

/// Describes a certificate (PEM or DER), or with a non-NULL `password` the certificate of
/// a PKCS#12 file: `*out` gets `certId`, `subject`, `issuer`, `notBefore`, `notAfter`
/// (RFC 3339 UTC), `keyBits`, `modulusSha256`.
///
/// # Safety
/// `data` valid for `len`; `password` NULL or a C string; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_certificate_inspect(
    data: *const u8,
    len: usize,
    password: *const c_char,
    out: *mut *mut acp_fields,
) -> acp_result {
    guard("acp_certificate_inspect", || {
        let out = out_ptr(out, "out")?;
        let data = bytes(data, len, "data")?;
        let cert = match opt_text(password, "password")? {
            Some(p) => parse_pkcs12(data, p)?.certificate,
            None => Certificate::parse(data)?,
        };
        let modulus = HashAlg::Sha256.hex_digest(cert.public_key()?.modulus());
        let info = [
            ("certId", cert.cert_id()),
            ("subject", cert.subject()),
            ("issuer", cert.issuer()),
            ("notBefore", cert.not_before().to_rfc3339()),
            ("notAfter", cert.not_after().to_rfc3339()),
            ("keyBits", cert.key_bits().to_string()),
            ("modulusSha256", modulus),
        ];
        *out = handle::into_raw(acp_fields::from_pairs(
            info.iter().map(|(k, v)| (*k, v.as_str())),
        ));
        Ok(())
    })
}

/// The reconciliation records of a reconciliation ZIP archive (what the file transfer
/// downloads) as the core's JSON (free with `acp_string_free`).
///
/// # Safety
/// `zip` valid for `len`; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_reconciliation_json(
    zip: *const u8,
    len: usize,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_reconciliation_json", || {
        let out = out_ptr(out, "out")?;
        let files = read_zip(bytes(zip, len, "zip")?, &Default::default())?;
        *out = c_string(to_json(&parse_archive(&files)?));
        Ok(())
    })
}

/// DANGER: parses a body WITHOUT verifying it (`ACP_BODY_SYNC` or `ACP_BODY_NOTIFY`), for
/// diagnostics and the parser vectors; nothing read this way is UnionPay's word: never act
/// on it (verify with `acp_verifier_verify` or a client).
///
/// # Safety
/// `body` valid for `len`; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_danger_form_parse(
    kind: u32,
    body: *const u8,
    len: usize,
    out: *mut *mut acp_fields,
) -> acp_result {
    guard("acp_danger_form_parse", || {
        let out = out_ptr(out, "out")?;
        let body = bytes(body, len, "body")?;
        let fields = match kind {
            ACP_BODY_SYNC => parse_sync_body(body)?,
            ACP_BODY_NOTIFY => parse_notify_body(body)?,
            _ => return Err(body_kind(kind)),
        };
        *out = handle::into_raw(acp_fields::new(&fields));
        Ok(())
    })
}

/// Form-encodes fields the way requests are sent (every value URL-encoded, keys in byte
/// order).
///
/// # Safety
/// `fields` valid for `n` entries; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_form_encode(
    fields: *const acp_kv,
    n: usize,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_form_encode", || {
        let out = out_ptr(out, "out")?;
        *out = c_string(encode_form(&kv_fields(fields, n, "fields")?));
        Ok(())
    })
}

fn arg(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg.to_owned())
}

/// The random source: fixed bytes when given, the OS otherwise.
unsafe fn fixed(random: *const u8, len: usize) -> Result<FixedRandom, Error> {
    match opt_bytes(random, len) {
        Some(b) if !b.is_empty() => Ok(FixedRandom::new(b.to_vec())),
        _ => Err(arg(
            "random must hold the fixed bytes (the OS random source is acp_encrypt's)",
        )),
    }
}

fn body_kind(kind: u32) -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        format!("kind {kind} is neither ACP_BODY_SYNC (1) nor ACP_BODY_NOTIFY (2)"),
    )
}
