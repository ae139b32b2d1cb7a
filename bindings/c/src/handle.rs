//! Live-handle registry: every pointer the library hands out is recorded with its type and
//! whether the caller owns it, so a use after free, a double free, a pointer of the wrong
//! type or a borrowed pointer passed to a `*_free` is answered with
//! `ACP_RESULT_INVALID_HANDLE` instead of touching freed memory. (An address reused by a
//! new handle of the same type cannot be told apart; that is the limit of "where
//! feasible".)

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
    Step,
    KeyUpdate,
    Verifier,
    Fields,
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
            Kind::Step => "acp_step",
            Kind::KeyUpdate => "acp_key_update",
            Kind::Verifier => "acp_verifier",
            Kind::Fields => "acp_fields",
            Kind::String => "string returned by this library",
        }
    }
}

/// A live address: its kind, and whether the caller owns it (else it is a view, borrowed
/// from its owner and freed with it).
#[derive(Clone, Copy)]
struct Entry {
    kind: Kind,
    owned: bool,
}

static LIVE: Mutex<BTreeMap<usize, Entry>> = Mutex::new(BTreeMap::new());

fn live() -> MutexGuard<'static, BTreeMap<usize, Entry>> {
    // The map is consistent after any panic (single inserts/removes), so poisoning is moot.
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// A type handed to C behind a pointer.
pub(crate) trait Handle: Sized {
    /// The kind it is registered as.
    const KIND: Kind;
    /// The handles borrowed from it (boxed inside it), registered and released with it.
    fn views(&self) -> Vec<(usize, Kind)> {
        Vec::new()
    }
}

/// The address C sees for `value`, and its own views: what an owner lists in `views`.
pub(crate) fn view_of<T: Handle>(value: &T) -> Vec<(usize, Kind)> {
    let mut out = vec![(value as *const T as usize, T::KIND)];
    out.extend(value.views());
    out
}

/// Boxes `value`, registers it (and its views) and returns the pointer for C.
pub(crate) fn into_raw<T: Handle>(value: T) -> *mut T {
    let ptr = Box::into_raw(Box::new(value));
    let mut map = live();
    map.insert(
        ptr as usize,
        Entry {
            kind: T::KIND,
            owned: true,
        },
    );
    // SAFETY: `ptr` was just made from a Box and is not shared yet.
    for (addr, kind) in unsafe { &*ptr }.views() {
        map.insert(addr, Entry { kind, owned: false });
    }
    ptr
}

/// Records an address handed out under `kind`, owned by the caller (strings).
pub(crate) fn register(addr: usize, kind: Kind) {
    live().insert(addr, Entry { kind, owned: true });
}

/// Checks that `addr` is live (owned or borrowed) as `kind`; `what` names the argument.
pub(crate) fn check(addr: usize, kind: Kind, what: &str) -> Result<(), Error> {
    if addr == 0 {
        return Err(null_arg(what));
    }
    match live().get(&addr) {
        Some(e) if e.kind == kind => Ok(()),
        Some(e) => Err(Error::new(
            ErrorCode::InvalidHandle,
            format!("`{what}` is a {}, not a {}", e.kind.name(), kind.name()),
        )),
        None => Err(Error::new(
            ErrorCode::InvalidHandle,
            format!(
                "`{what}` is not a live {} (used after its *_free, or not made by this library)",
                kind.name()
            ),
        )),
    }
}

/// Borrows a live handle of type `T` (owned or a view).
///
/// # Safety
/// Another thread must not free the handle (or its owner) while the reference is in use.
pub(crate) unsafe fn borrow<'a, T: Handle>(ptr: *const T, what: &str) -> Result<&'a T, Error> {
    check(ptr as usize, T::KIND, what)?;
    Ok(&*ptr)
}

/// Unregisters `addr` if the caller owns it as `kind` (with its views); `Ok(false)` for
/// NULL. Any other pointer is an error and stays untouched.
pub(crate) fn release(
    addr: usize,
    kind: Kind,
    views: impl FnOnce() -> Vec<(usize, Kind)>,
    what: &str,
) -> Result<bool, Error> {
    if addr == 0 {
        return Ok(false);
    }
    let mut map = live();
    let refused = |why: String| {
        Err(Error::new(
            ErrorCode::InvalidHandle,
            format!("`{what}` {why}; nothing was freed"),
        ))
    };
    match map.get(&addr).copied() {
        Some(Entry {
            kind: k,
            owned: true,
        }) if k == kind => {
            map.remove(&addr);
            for (v, _) in views() {
                map.remove(&v);
            }
            Ok(true)
        }
        Some(Entry { owned: false, .. }) => {
            refused("is borrowed from another handle and is freed with it".to_owned())
        }
        Some(e) => refused(format!("is a {}, not a {}", e.kind.name(), kind.name())),
        None => refused(format!(
            "is not a live {} (freed twice, or not made by this library)",
            kind.name()
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
