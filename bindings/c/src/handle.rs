//! Live-handle registry: every pointer the library hands out is recorded with its type,
//! so a use after free, a double free, a pointer of the wrong type or a borrowed pointer
//! passed to a `*_free` is answered with `ACP_RESULT_INVALID_HANDLE` instead of touching
//! freed memory. (An address reused by a new handle of the same type cannot be told
//! apart; that is the limit of "where feasible".)

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use unionpay_acp::{Error, ErrorCode};

/// What a live address is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Client,
    Request,
    Outcome,
    Notification,
    Verifier,
    /// An `acp_fields` the caller owns (`acp_fields_free`).
    Fields,
    /// An `acp_fields` borrowed from a request, outcome or notification.
    FieldsView,
    /// A `char *` returned to the caller (`acp_string_free`).
    String,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Client => "acp_client",
            Kind::Request => "acp_request",
            Kind::Outcome => "acp_outcome",
            Kind::Notification => "acp_notification",
            Kind::Verifier => "acp_verifier",
            Kind::Fields | Kind::FieldsView => "acp_fields",
            Kind::String => "string returned by this library",
        }
    }
}

static LIVE: Mutex<BTreeMap<usize, Kind>> = Mutex::new(BTreeMap::new());

fn live() -> MutexGuard<'static, BTreeMap<usize, Kind>> {
    // The map is consistent after any panic (single inserts/removes), so poisoning is moot.
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// A type handed to C behind a pointer.
pub(crate) trait Handle: Sized {
    /// The kind it is registered as.
    const KIND: Kind;
    /// Addresses of `acp_fields` views inside it, registered and released with it.
    fn views(&self) -> Vec<usize> {
        Vec::new()
    }
}

/// Boxes `value`, registers it (and its views) and returns the pointer for C.
pub(crate) fn into_raw<T: Handle>(value: T) -> *mut T {
    let ptr = Box::into_raw(Box::new(value));
    let mut map = live();
    map.insert(ptr as usize, T::KIND);
    // SAFETY: `ptr` was just made from a Box and is not shared yet.
    for view in unsafe { &*ptr }.views() {
        map.insert(view, Kind::FieldsView);
    }
    ptr
}

/// Records an address handed out under `kind` (strings).
pub(crate) fn register(addr: usize, kind: Kind) {
    live().insert(addr, kind);
}

/// Checks that `ptr` is live with one of `kinds`; `what` names the argument.
pub(crate) fn check(addr: usize, kinds: &[Kind], what: &str) -> Result<(), Error> {
    if addr == 0 {
        return Err(null_arg(what));
    }
    match live().get(&addr) {
        Some(k) if kinds.contains(k) => Ok(()),
        Some(k) => Err(Error::new(
            ErrorCode::InvalidHandle,
            format!(
                "`{what}` is a {}, not a {}",
                k.name(),
                kinds.first().map_or("handle", |k| k.name())
            ),
        )),
        None => Err(not_live(what, kinds)),
    }
}

/// Borrows a live handle of type `T`.
///
/// # Safety
/// Another thread must not free the handle while the reference is in use.
pub(crate) unsafe fn borrow<'a, T: Handle>(ptr: *const T, what: &str) -> Result<&'a T, Error> {
    check(ptr as usize, &[T::KIND], what)?;
    Ok(&*ptr)
}

/// Unregisters `addr` if it is live as exactly `kind` (with its views); `Ok(false)` for
/// NULL. A pointer that is not live as `kind` is an error and stays untouched.
pub(crate) fn release(
    addr: usize,
    kind: Kind,
    views: impl FnOnce() -> Vec<usize>,
    what: &str,
) -> Result<bool, Error> {
    if addr == 0 {
        return Ok(false);
    }
    let mut map = live();
    match map.get(&addr).copied() {
        Some(k) if k == kind => {
            map.remove(&addr);
            for v in views() {
                map.remove(&v);
            }
            Ok(true)
        }
        Some(Kind::FieldsView) => Err(Error::new(
            ErrorCode::InvalidHandle,
            format!("`{what}` is borrowed from a request, outcome or notification; it is freed with its owner"),
        )),
        Some(k) => Err(Error::new(
            ErrorCode::InvalidHandle,
            format!("`{what}` is a {}, not a {}; nothing was freed", k.name(), kind.name()),
        )),
        None => Err(Error::new(
            ErrorCode::InvalidHandle,
            format!(
                "`{what}` is not a live {} (freed twice, or not made by this library); nothing was freed",
                kind.name()
            ),
        )),
    }
}

/// Frees a handle made by [`into_raw`]; NULL is a no-op.
///
/// # Safety
/// `ptr` must be NULL or a pointer this library returned (checked against the registry).
pub(crate) unsafe fn free<T: Handle>(ptr: *mut T, what: &str) -> Result<(), Error> {
    // SAFETY (views): only called once the registry confirmed `ptr` is a live `T`.
    if release(ptr as usize, T::KIND, || unsafe { &*ptr }.views(), what)? {
        drop(Box::from_raw(ptr));
    }
    Ok(())
}

pub(crate) fn null_arg(what: &str) -> Error {
    Error::new(ErrorCode::NullPointer, format!("`{what}` is NULL"))
}

fn not_live(what: &str, kinds: &[Kind]) -> Error {
    Error::new(
        ErrorCode::InvalidHandle,
        format!(
            "`{what}` is not a live {} (used after its *_free, or not made by this library)",
            kinds.first().map_or("handle", |k| k.name())
        ),
    )
}
