#![no_main]
//! Synchronous response bodies: parsing, nested values and full verification must never panic.
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use unionpay_acp::{crypto::portable::PortableBackend, form, Timestamp, TrustProfile, Verifier};

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| Verifier::new(TrustProfile::Test, Arc::new(PortableBackend)).expect("test profile"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(fields) = form::parse_sync_body(data) {
        for (_, v) in fields.iter() {
            let _ = form::parse_nested(v);
        }
        let _ = form::canonical_string(&fields);
    }
    let _ = verifier().verify_sync_body(data, Timestamp::from_unix_seconds(1_700_000_000));
});
