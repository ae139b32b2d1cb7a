//! The panic boundary, the thread-local last error, and error-code lookups.

use crate::acp_result;
use crate::codes::{ACP_RESULT_BUFFER_TOO_SMALL, ACP_RESULT_NULL_POINTER, ACP_RESULT_OK};
use crate::convert::static_str;
use std::cell::RefCell;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use unionpay_acp::{Error, ErrorCode};

/// Copies a description of the most recent failure on this thread into `buf`
/// (NUL-terminated UTF-8; empty when nothing failed yet), e.g.
/// `[1005 InvalidArgument] unknown API 'consum'; known: consume, …`.
///
/// On success `*written` is the message length without the NUL. When `len` is too small,
/// nothing is copied, `*written` is the buffer size needed (including the NUL) and the
/// result is `ACP_RESULT_BUFFER_TOO_SMALL`. This function never replaces the last error.
///
/// # Safety
/// `buf` must point to `len` writable bytes (it may be NULL when `len` is 0); `written`
/// must be a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn acp_last_error_message(
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> acp_result {
    let copy = || -> acp_result {
        if written.is_null() || (buf.is_null() && len > 0) {
            return ACP_RESULT_NULL_POINTER;
        }
        LAST.with(|last| {
            let last = last.borrow();
            let msg = last.as_ref().map_or("", |l| l.message.as_str());
            let needed = msg.len() + 1;
            if len < needed {
                *written = needed;
                return ACP_RESULT_BUFFER_TOO_SMALL;
            }
            std::ptr::copy_nonoverlapping(msg.as_ptr(), buf.cast::<u8>(), msg.len());
            *buf.add(msg.len()) = 0;
            *written = msg.len();
            ACP_RESULT_OK
        })
    };
    catch_unwind(AssertUnwindSafe(copy)).unwrap_or(ErrorCode::Bug as u32)
}

/// The verification step of the most recent failure on this thread (`"parse"`,
/// `"chain"`, `"name"`, `"validity"`, `"signature"`), or NULL when it was not a
/// verification failure. The string is static.
#[no_mangle]
pub extern "C" fn acp_last_error_step() -> *const c_char {
    catch_unwind(|| {
        LAST.with(|last| {
            last.borrow()
                .as_ref()
                .and_then(|l| l.step)
                .map_or(std::ptr::null(), static_str)
        })
    })
    .unwrap_or(std::ptr::null())
}

/// The kind of an error code (`"InvalidInput"`, `"Key"`, `"Certificate"`, `"Signature"`,
/// `"Format"`, `"GatewayRejected"`, `"Internal"`): what to branch on. NULL for 0 and for
/// numbers that are not in the catalogue. The string is static.
#[no_mangle]
pub extern "C" fn acp_error_kind(code: acp_result) -> *const c_char {
    catch_unwind(|| {
        ErrorCode::from_code(code).map_or(std::ptr::null(), |c| static_str(c.kind().name()))
    })
    .unwrap_or(std::ptr::null())
}

/// The catalogue name of an error code, e.g. `"Pkcs12WrongPassword"` for 2001. NULL for 0
/// and for numbers that are not in the catalogue. The string is static.
#[no_mangle]
pub extern "C" fn acp_error_name(code: acp_result) -> *const c_char {
    catch_unwind(|| ErrorCode::from_code(code).map_or(std::ptr::null(), |c| static_str(c.name())))
        .unwrap_or(std::ptr::null())
}

struct LastError {
    message: String,
    step: Option<&'static str>,
}

thread_local! {
    static LAST: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Records `e` as this thread's last error and returns its code.
pub(crate) fn set_last_error(e: &Error) -> acp_result {
    let step = e.step().map(|s| s.name());
    let message = e.to_string();
    // A thread being torn down has no slot any more; the code still reaches the caller.
    let _ = LAST.try_with(|last| *last.borrow_mut() = Some(LastError { message, step }));
    e.code().code()
}

/// Runs the body of an exported function: its error becomes the result code and the
/// thread's last error; a panic becomes `Bug` (9999) instead of unwinding into C.
pub(crate) fn guard(function: &str, body: impl FnOnce() -> Result<(), Error>) -> acp_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => ACP_RESULT_OK,
        Ok(Err(e)) => set_last_error(&e),
        Err(_) => set_last_error(&Error::new(
            ErrorCode::Bug,
            format!("{function} panicked; this is a bug in unionpay-acp, please report it"),
        )),
    }
}

/// Like [`guard`] for accessors that return a value directly: `fallback` on error or
/// panic (the error is still recorded as the last error).
pub(crate) fn guard_value<T>(
    function: &str,
    fallback: T,
    body: impl FnOnce() -> Result<T, Error>,
) -> T {
    let mut out = None;
    let code = guard(function, || {
        out = Some(body()?);
        Ok(())
    });
    match out {
        Some(v) if code == ACP_RESULT_OK => v,
        _ => fallback,
    }
}
