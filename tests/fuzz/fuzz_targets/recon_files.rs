#![no_main]
//! The reconciliation file parsers (ZM 607-byte GBK records, ZME lines) behind the archive
//! classification must never panic on any bytes.
use libfuzzer_sys::fuzz_target;
use unionpay_acp::file::{parse_archive, NamedFile};

fuzz_target!(|data: &[u8]| {
    let files = [
        NamedFile { name: "INN15090588ZM_802310048993424".into(), bytes: data.to_vec() },
        NamedFile { name: "INN15090588ZME_802310048993424".into(), bytes: data.to_vec() },
        NamedFile { name: "RD201015090501_802310048993424".into(), bytes: data.to_vec() },
    ];
    if let Ok(r) = parse_archive(&files) {
        let _ = r.zm_totals();
    }
});
