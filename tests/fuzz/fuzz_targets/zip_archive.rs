#![no_main]
//! The ZIP reader and the fileContent decoder (base64 → zlib → ZIP) must never panic and
//! must keep within their limits, whatever the archive claims about itself.
use libfuzzer_sys::fuzz_target;
use unionpay_acp::file::{decode_file_content, read_zip, ArchiveLimits};

fuzz_target!(|data: &[u8]| {
    let limits = ArchiveLimits {
        max_total_bytes: 1 << 20,
        max_entry_bytes: 1 << 19,
        max_entries: 16,
    };
    if let Ok(files) = read_zip(data, &limits) {
        let total: usize = files.iter().map(|f| f.bytes.len()).sum();
        assert!(files.len() <= limits.max_entries && total <= limits.max_total_bytes);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_file_content(text, &limits);
    }
});
