#![no_main]
//! A received customerInfo (base64 → `{…}` → pairs) and the plaintext of its encryptedInfo
//! must never panic. Decrypting with the merchant key is one 2048-bit RSA operation, so it
//! runs for one input in 64 (first byte 'K'): enough for the fuzzer to reach the plaintext
//! checks without capping the run's speed.
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use unionpay_acp::card::{decrypt_text, parse_customer_info};
use unionpay_acp::crypto::portable::PortableBackend;
use unionpay_acp::{form, MerchantKey};

fn key() -> &'static MerchantKey {
    static K: OnceLock<MerchantKey> = OnceLock::new();
    K.get_or_init(|| {
        let pfx = include_bytes!("../../fixtures/sandbox/merchant.pfx");
        MerchantKey::from_pkcs12(pfx, "000000", &PortableBackend).expect("the sandbox PFX")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_customer_info(text, None);
    // What encryptedInfo decrypts to: `phoneNo=…&cvn2=…&expired=…`.
    let _ = form::parse_nested(text);
    if let Some(rest) = text.strip_prefix('K') {
        let _ = parse_customer_info(rest, Some(key()));
        let _ = decrypt_text(key(), rest);
    }
});
