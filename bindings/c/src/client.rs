//! `acp_client`: one merchant's client, built from a key/value configuration.

use crate::config::{arg, customer_info_mode, Config};
use crate::convert::{at, bytes, kv_list, os_rng, out_ptr, text, twice, Res};
use crate::error::guard;
use crate::handle::{self, Handle, Kind};
use crate::objects::{acp_notification, acp_outcome, acp_request};
use crate::{acp_kv, acp_result, convert};
use std::os::raw::c_char;
use unionpay_acp::card::decrypt_text;
use unionpay_acp::client::{Api, Endpoints, KeyUpdate, ParamMap};
use unionpay_acp::crypto::default_backend;
use unionpay_acp::secret::SecureKey;
use unionpay_acp::{
    Client, ClientConfig, Credentials, EncryptionCert, Environment, Error, ErrorCode, MerchantKey,
    SignMethod, Version,
};

/// One merchant's client: configuration, merchant key, trust anchors and the verified
/// certificate cache. Safe to use from several threads at once; free it once with
/// `acp_client_free` after every other use has finished.
pub struct acp_client {
    inner: Client,
}

impl Handle for acp_client {
    const KIND: Kind = Kind::Client;
}

/// Creates a client.
///
/// `config` keys (values are strings):
/// - `merId` (required): the 15-digit merchant number;
/// - `environment` (required): `production`, `test`, or a base URL such as
///   `http://127.0.0.1:8080` (the local sandbox: UnionPay's paths under it);
/// - `trust` (required): `production`, `test`, or `custom` with one or more
///   `trustRootPem` and `trustMiddlePem` (PEM text) — which certificates answers and
///   notifications must chain to;
/// - optional: `accessType` (0), `channelType` (07), `trId` (62000000001 for test and
///   custom environments; required for token requests in production), `version`
///   (5.1.0 or 5.0.0), `customerInfoMode` (`encrypted` or `plain`), `orderIdMaxLen` (32),
///   `bizTypeToken`, `bizTypeStandard`, `bizTypeOpenAndPay`, `bizTypeUndoRefund`,
///   `bizTypeQuery`, `bizTypeGeneric`, `bizTypePreauth`, `verifyCertPem` (5.0.0 verify
///   certificates, repeatable), `verifySecureKey`;
/// - signing with a secure key instead of a PFX: `secureKey` and `signMethod` (11 or 12).
///
/// `pfx`/`pfx_len` and `password`: the merchant's PKCS#12 file (signMethod 01); NULL and 0
/// when signing with a secure key. `enc_cert`/`enc_len`: UnionPay's encryption certificate
/// (PEM or DER; `encryptCertId`), needed to send card data; NULL and 0 when not known yet
/// (the key update query fetches it).
///
/// # Safety
/// Pointers must be valid for the lengths given; strings NUL-terminated; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_new(
    config: *const acp_kv,
    n: usize,
    pfx: *const u8,
    pfx_len: usize,
    password: *const c_char,
    enc_cert: *const u8,
    enc_len: usize,
    out: *mut *mut acp_client,
) -> acp_result {
    guard("acp_client_new", || {
        let out = out_ptr(out, "out")?;
        let mut c = Config::parse(kv_list(config, n, "config")?)?;
        let pfx = bytes(pfx, pfx_len, "pfx")?;
        let secure_key = c.take("secureKey");
        let sign_method = c.take("signMethod");
        let credentials = match (pfx.is_empty(), secure_key) {
            (false, None) => {
                if sign_method.is_some_and(|m| m != "01") {
                    return Err(arg(
                        "a PFX signs with signMethod 01; use secureKey for 11/12",
                    ));
                }
                let password = text(password, "password")?;
                Credentials::Rsa(MerchantKey::from_pkcs12(
                    pfx,
                    password,
                    default_backend().as_ref(),
                )?)
            }
            (true, Some(key)) => Credentials::SecureKey {
                method: SignMethod::parse(sign_method.unwrap_or("11"))?,
                key: SecureKey::new(key)?,
            },
            (false, Some(_)) => return Err(arg("give either a PFX or a secureKey, not both")),
            (true, None) => {
                return Err(Error::new(
                    ErrorCode::MissingField,
                    "the client needs the merchant PFX (pfx, pfx_len, password) or a secureKey",
                ))
            }
        };
        let mer_id = c.required("merId")?;
        let environment = match c.required("environment")? {
            "production" => Environment::Production,
            "test" => Environment::Test,
            url => Environment::Custom(Endpoints::for_base_url(url)?),
        };
        let trust = c.trust()?;
        let mut cfg = ClientConfig::new(mer_id, credentials, environment, trust);
        let enc = bytes(enc_cert, enc_len, "enc_cert")?;
        if !enc.is_empty() {
            cfg.encryption_cert = Some(EncryptionCert::parse(enc)?);
        }
        if let Some(v) = c.take("accessType") {
            cfg.access_type = v.to_owned();
        }
        if let Some(v) = c.take("channelType") {
            cfg.channel_type = v.to_owned();
        }
        if let Some(v) = c.take("trId") {
            cfg.tr_id = Some(v.to_owned()).filter(|v| !v.is_empty());
        }
        if let Some(v) = c.take("version") {
            cfg.version = Version::parse(v)?;
        }
        if let Some(v) = c.take("customerInfoMode") {
            cfg.customer_info_mode = customer_info_mode(v)?;
        }
        if let Some(v) = c.take("orderIdMaxLen") {
            cfg.order_id_max_len = v
                .parse()
                .map_err(|_| arg("orderIdMaxLen must be a number from 8 to 40"))?;
        }
        let b = &mut cfg.biz_types;
        for (key, slot) in [
            ("bizTypeToken", &mut b.token),
            ("bizTypeStandard", &mut b.standard),
            ("bizTypeOpenAndPay", &mut b.open_and_pay),
            ("bizTypeUndoRefund", &mut b.undo_refund),
            ("bizTypeQuery", &mut b.query),
            ("bizTypeGeneric", &mut b.generic),
            ("bizTypePreauth", &mut b.preauth),
        ] {
            if let Some(v) = c.take(key) {
                *slot = v.to_owned();
            }
        }
        if let Some(v) = c.take("verifySecureKey") {
            cfg.verify_secure_key = Some(SecureKey::new(v)?);
        }
        cfg.verify_certs_500 = c.verify_certs()?;
        c.finish()?;
        *out = handle::into_raw(acp_client {
            inner: Client::new(cfg)?,
        });
        Ok(())
    })
}

/// Frees a client. NULL is a no-op.
///
/// # Safety
/// `client` must be NULL or a pointer this library returned, not in use elsewhere.
#[no_mangle]
pub unsafe extern "C" fn acp_client_free(client: *mut acp_client) {
    guard("acp_client_free", || handle::free(client, "client"));
}

/// Builds and signs the request of API `api_name` (`consume`, `sms_open`, `refund`, … —
/// one of the 23 names in the README) from `params`, keyed by protocol field name
/// (`orderId`, `txnAmt` in fen, `backUrl`, `token` or `accNo`, `smsCode`, `phoneNo`,
/// `cvn2`, `expired`, `origQryId`, …; a transaction that follows an SMS passes the SMS
/// request's `txnTime`). An unknown API name or a key the API does not take is
/// `ACP_RESULT_INVALID_ARGUMENT`. `now` is Unix seconds; the random bytes come from the OS.
///
/// # Safety
/// `client` must be a pointer this library returned; strings NUL-terminated; `params`
/// valid for `n` entries (NULL when `n` is 0); `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_build(
    client: *const acp_client,
    api_name: *const c_char,
    params: *const acp_kv,
    n: usize,
    now: i64,
    out: *mut *mut acp_request,
) -> acp_result {
    guard("acp_client_build", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let api = Api::from_name(text(api_name, "api_name")?)?;
        let mut map = ParamMap::new();
        for (k, v) in kv_list(params, n, "params")? {
            if map.insert(k.to_owned(), v.to_owned()).is_some() {
                return Err(twice("params", k));
            }
        }
        let request = client.inner.build(api, &map, at(now), &mut os_rng())?;
        *out = handle::into_raw(acp_request::new(request));
        Ok(())
    })
}

/// Builds the status query (00/00) for `request`, a transaction sent earlier; `attempt`
/// is 1 for the first query (it drives the query schedule of the outcome).
///
/// # Safety
/// `client` and `request` must be pointers this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_build_query(
    client: *const acp_client,
    request: *const acp_request,
    attempt: u32,
    now: i64,
    out: *mut *mut acp_request,
) -> acp_result {
    guard("acp_client_build_query", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let request = handle::borrow(request, "request")?;
        let query =
            client
                .inner
                .build_query_for(&request.inner, attempt, at(now), &mut os_rng())?;
        *out = handle::into_raw(acp_request::new(query));
        Ok(())
    })
}

/// Verifies the synchronous answer `body` to `request` and classifies it. A body that
/// does not verify is an error (kind Signature or Format), never a failed outcome: for a
/// money-moving request treat it as unknown and query.
///
/// # Safety
/// `client` and `request` must be pointers this library returned; `body` valid for
/// `len` bytes; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_handle_response(
    client: *const acp_client,
    request: *const acp_request,
    body: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut acp_outcome,
) -> acp_result {
    guard("acp_client_handle_response", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let request = handle::borrow(request, "request")?;
        let body = bytes(body, len, "body")?;
        let outcome = client
            .inner
            .handle_response(&request.inner, body, at(now))?;
        *out = handle::into_raw(acp_outcome::new(outcome));
        Ok(())
    })
}

/// Verifies the answer to a `key_update_query` request. When UnionPay has another
/// encryption certificate, `*new_cert_pem` receives it (PEM; free with
/// `acp_string_free`): keep it and create a new client with it as `enc_cert`. When the
/// configured certificate is current, `*new_cert_pem` is set to NULL.
///
/// # Safety
/// `client` and `request` must be pointers this library returned; `body` valid for
/// `len` bytes; `new_cert_pem` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_handle_key_update(
    client: *const acp_client,
    request: *const acp_request,
    body: *const u8,
    len: usize,
    now: i64,
    new_cert_pem: *mut *mut c_char,
) -> acp_result {
    guard("acp_client_handle_key_update", || {
        let out = out_ptr(new_cert_pem, "new_cert_pem")?;
        let client = handle::borrow(client, "client")?;
        let request = handle::borrow(request, "request")?;
        let body = bytes(body, len, "body")?;
        *out = match client
            .inner
            .handle_key_update(&request.inner, body, at(now))?
        {
            KeyUpdate::Replaced { pem, .. } => convert::c_string(pem),
            KeyUpdate::Unchanged { .. } => std::ptr::null_mut(),
        };
        Ok(())
    })
}

/// Verifies a back notification: the raw form-encoded body UnionPay POSTed to `backUrl`
/// (not a framework's parsed parameters). Answer the POST with HTTP 200; notifications
/// repeat, so handle them idempotently. A notification for another merId is
/// `ACP_RESULT_RESPONSE_MISMATCH`.
///
/// # Safety
/// `client` must be a pointer this library returned; `body` valid for `len` bytes;
/// `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_verify_notification(
    client: *const acp_client,
    body: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut acp_notification,
) -> acp_result {
    guard("acp_client_verify_notification", || {
        notify(client, body, len, now, out, false)
    })
}

/// Verifies a front notification (the browser's POST to `frontUrl`): it only says where
/// the cardholder came back from; never book a payment on it.
///
/// # Safety
/// As `acp_client_verify_notification`.
#[no_mangle]
pub unsafe extern "C" fn acp_client_verify_front_notification(
    client: *const acp_client,
    body: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut acp_notification,
) -> acp_result {
    guard("acp_client_verify_front_notification", || {
        notify(client, body, len, now, out, true)
    })
}

/// Decrypts a value UnionPay encrypted to the merchant certificate (`accNo`, the
/// `encryptedInfo` of `customerInfo`) with the client's PFX key. The result is card data:
/// free it with `acp_string_free`, which wipes it.
///
/// # Safety
/// `client` must be a pointer this library returned; `base64` a C string; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_decrypt(
    client: *const acp_client,
    base64: *const c_char,
    out: *mut *mut c_char,
) -> acp_result {
    guard("acp_client_decrypt", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let value = text(base64, "base64")?;
        let Credentials::Rsa(key) = &client.inner.config().credentials else {
            return Err(arg(
                "decrypting needs the merchant PFX; this client signs with a secure key",
            ));
        };
        let plain = decrypt_text(key, value)?;
        *out = convert::c_string(plain.as_bytes());
        Ok(())
    })
}

unsafe fn notify(
    client: *const acp_client,
    body: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut acp_notification,
    front: bool,
) -> Res<()> {
    let out = out_ptr(out, "out")?;
    let client = handle::borrow(client, "client")?;
    let body = bytes(body, len, "body")?;
    let n = if front {
        client.inner.verify_front_notification(body, at(now))?
    } else {
        client.inner.verify_notification(body, at(now))?
    };
    *out = handle::into_raw(acp_notification::new(n));
    Ok(())
}
