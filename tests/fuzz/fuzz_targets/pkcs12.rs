#![no_main]
//! PKCS#12 parsing (with the test password) must never panic.
use libfuzzer_sys::fuzz_target;
use unionpay_acp::pki::parse_pkcs12;

fuzz_target!(|data: &[u8]| {
    let _ = parse_pkcs12(data, "000000");
});
