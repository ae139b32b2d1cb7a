#![no_main]
//! Notification bodies (form-encoded): decoding and verification must never panic.
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use unionpay_acp::{crypto::portable::PortableBackend, form, Timestamp, TrustProfile, Verifier};

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| Verifier::new(TrustProfile::Test, Arc::new(PortableBackend)).expect("test profile"))
}

fuzz_target!(|data: &[u8]| {
    let _ = form::parse_notify_body(data);
    let _ = verifier().verify_notify_body(data, Timestamp::from_unix_seconds(1_700_000_000));
});
