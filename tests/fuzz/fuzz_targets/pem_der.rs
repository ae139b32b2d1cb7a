#![no_main]
//! PEM and DER certificate parsing must never panic.
use libfuzzer_sys::fuzz_target;
use unionpay_acp::pki::{pem_blocks, Certificate};

fuzz_target!(|data: &[u8]| {
    let _ = pem_blocks(data);
    if let Ok(cert) = Certificate::parse(data) {
        let _ = (cert.cert_id(), cert.subject(), cert.issuer(), cert.subject_cn(), cert.public_key());
    }
});
