//! Parsing a hostile body costs memory within a small multiple of its size: the field
//! count is bounded, and a large value is copied once. Measured with a counting allocator
//! (this test binary's own global allocator), so the figure is exact, not timed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use unionpay_acp::form::{parse_notify_body, parse_sync_body, MAX_FIELDS};
use unionpay_acp::ErrorCode;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated while `f` runs, above what was allocated before.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst) - base)
}

const SIZE: usize = 30 * 1024 * 1024;

#[test]
fn many_tiny_fields_are_refused_early_and_one_huge_value_is_copied_once() {
    // 30 MiB of "a=&": millions of fields.
    let tiny = "a=&".repeat(SIZE / 3);
    for parse in [parse_sync_body, parse_notify_body] {
        let (result, peak) = peak_during(|| parse(tiny.as_bytes()));
        let code = result.unwrap_err().code();
        assert!(matches!(code, ErrorCode::BodyTooLarge), "{code:?}");
        assert!(
            peak < 1024 * 1024,
            "refusing {MAX_FIELDS}+ fields cost {peak} bytes"
        );
    }
    // 30 MiB in one value (a file-transfer answer's fileContent).
    let huge = format!("respCode=00&fileContent={}", "A".repeat(SIZE));
    let (fields, peak) = peak_during(|| parse_sync_body(huge.as_bytes()).unwrap());
    assert_eq!(fields.get("fileContent").map(str::len), Some(SIZE));
    assert!(
        peak < 2 * SIZE,
        "parsing {} bytes cost {peak} bytes",
        huge.len()
    );
}
