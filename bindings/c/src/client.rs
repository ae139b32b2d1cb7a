//! `acp_client`: one merchant's client, made from the core's settings JSON.

use crate::convert::{at, bytes, kv_list, os_rng, out_ptr, text, twice, Res};
use crate::error::guard;
use crate::handle::{self, Handle, Kind};
use crate::objects::{acp_key_update, acp_notification, acp_outcome, acp_request};
use crate::{acp_kv, acp_result, convert};
use std::os::raw::c_char;
use unionpay_acp::card::decrypt_text;
use unionpay_acp::client::settings::Settings;
use unionpay_acp::client::{Api, ParamMap};
use unionpay_acp::crypto::default_backend;
use unionpay_acp::secret::SecureKey;
use unionpay_acp::{
    Client, Credentials, EncryptionCert, Error, ErrorCode, MerchantKey, SignMethod,
};

/// One merchant's client: settings, merchant key, trust anchors and the verified
/// certificate cache. Safe to use from several threads at once; free it once with
/// `acp_client_free` after every other use has finished.
pub struct acp_client {
    pub(crate) inner: Client,
}

impl Handle for acp_client {
    const KIND: Kind = Kind::Client;
}

/// Creates a client that signs with the merchant's PKCS#12 file (signMethod 01).
///
/// `settings_json`: the client settings, the schema every binding shares (`settings.json`
/// lists each name, type and default), e.g.
/// `{"merId": "777290058110097", "environment": "test", "trust": "test",
///   "encryptionCert": "-----BEGIN CERTIFICATE-----…"}`; `environment` may be
/// `{"baseUrl": "http://127.0.0.1:8080"}` (the local sandbox) and `trust`
/// `{"roots": [PEM], "middles": [PEM]}`. An unknown name is `ACP_RESULT_INVALID_ARGUMENT`.
/// `pfx`/`pfx_len` and `password`: the merchant's PKCS#12 file.
///
/// # Safety
/// Pointers must be valid for the lengths given; strings NUL-terminated; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_new(
    settings_json: *const c_char,
    pfx: *const u8,
    pfx_len: usize,
    password: *const c_char,
    out: *mut *mut acp_client,
) -> acp_result {
    guard("acp_client_new", || {
        let out = out_ptr(out, "out")?;
        let settings = text(settings_json, "settings_json")?;
        let pfx = bytes(pfx, pfx_len, "pfx")?;
        let password = text(password, "password")?;
        if pfx.is_empty() {
            return Err(Error::new(
                ErrorCode::MissingField,
                "the client needs the merchant PFX (pfx, pfx_len); to sign with a secure key use acp_client_new_with_secure_key",
            ));
        }
        let key = MerchantKey::from_pkcs12(pfx, password, default_backend().as_ref())?;
        *out = new_client(settings, Credentials::Rsa(key))?;
        Ok(())
    })
}

/// Creates a client that signs with a secure key: `sign_method` `"11"` (SHA-256) or
/// `"12"` (SM3). `settings_json` as for `acp_client_new`. Such a client cannot decrypt.
///
/// # Safety
/// Strings NUL-terminated; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_new_with_secure_key(
    settings_json: *const c_char,
    sign_method: *const c_char,
    secure_key: *const c_char,
    out: *mut *mut acp_client,
) -> acp_result {
    guard("acp_client_new_with_secure_key", || {
        let out = out_ptr(out, "out")?;
        let settings = text(settings_json, "settings_json")?;
        let credentials = Credentials::SecureKey {
            method: SignMethod::parse(text(sign_method, "sign_method")?)?,
            key: SecureKey::new(text(secure_key, "secure_key")?)?,
        };
        *out = new_client(settings, credentials)?;
        Ok(())
    })
}

fn new_client(settings: &str, credentials: Credentials) -> Res<*mut acp_client> {
    let config = Settings::from_json(settings)?.into_config(credentials, default_backend())?;
    Ok(handle::into_raw(acp_client {
        inner: Client::new(config)?,
    }))
}

/// The same client with another encryption certificate (PEM or DER): what a key update
/// returned (`acp_key_update_pem`). The new client shares the verified-certificate cache;
/// free both.
///
/// # Safety
/// `client` must be a pointer this library returned; `cert` valid for `len` bytes; `out`
/// valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_with_encryption_cert(
    client: *const acp_client,
    cert: *const u8,
    len: usize,
    out: *mut *mut acp_client,
) -> acp_result {
    guard("acp_client_with_encryption_cert", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let cert = EncryptionCert::parse(bytes(cert, len, "cert")?)?;
        *out = handle::into_raw(acp_client {
            inner: client.inner.with_encryption_cert(cert),
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

/// Verifies the synchronous answer `body` to `request` and classifies it. A body that
/// does not verify is an error (kind Signature or Format), never a failed outcome.
/// `acp_client_next_step` does this and says what to do next (a status other than 200,
/// no answer and an answer that does not verify included): prefer it.
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

/// Verifies the answer to a `key_update_query` request: `*out` says whether UnionPay
/// replaced its encryption certificate (`acp_key_update_pem`) and when to ask again.
///
/// # Safety
/// `client` and `request` must be pointers this library returned; `body` valid for
/// `len` bytes; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_handle_key_update(
    client: *const acp_client,
    request: *const acp_request,
    body: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut acp_key_update,
) -> acp_result {
    guard("acp_client_handle_key_update", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let request = handle::borrow(request, "request")?;
        let body = bytes(body, len, "body")?;
        let update = client
            .inner
            .handle_key_update(&request.inner, body, at(now))?;
        *out = handle::into_raw(acp_key_update::new(update));
        Ok(())
    })
}

/// Verifies a back notification: the raw form-encoded body UnionPay POSTed to `backUrl`
/// (not a framework's parsed parameters). `acp_client_receive_notification` also says
/// what to answer. Notifications repeat: handle them idempotently. A notification for
/// another merId is `ACP_RESULT_RESPONSE_MISMATCH`.
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
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "decrypting needs the merchant PFX; this client signs with a secure key",
            ));
        };
        let plain = decrypt_text(key, value)?;
        *out = convert::c_string(plain.as_bytes());
        Ok(())
    })
}

/// When the merchant's signing certificate stops being valid, as Unix seconds. UnionPay
/// refuses requests signed with an expired certificate: warn well before. A client that
/// signs with a secure key has no certificate (`ACP_RESULT_INVALID_ARGUMENT`).
///
/// # Safety
/// `client` must be a pointer this library returned; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn acp_client_signing_cert_not_after(
    client: *const acp_client,
    out: *mut i64,
) -> acp_result {
    guard("acp_client_signing_cert_not_after", || {
        let out = out_ptr(out, "out")?;
        let client = handle::borrow(client, "client")?;
        let not_after = client.inner.signing_cert_not_after().ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                "this client signs with a secure key: it has no certificate",
            )
        })?;
        *out = not_after.unix_seconds();
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
