//! `src/codes.rs` is generated from the core's error catalogue (`ErrorCode::ALL`): this
//! test renders it and fails when the committed file differs. Rewrite it with
//! `UPDATE_C_CODES=1 cargo test -p acp-c --test codes` (then regenerate the header).
#![allow(clippy::disallowed_methods)] // a test: it reads and writes the generated file

use std::path::Path;
use unionpay_acp::ErrorCode;

const HEADER: &str = "\
//! The result codes as named constants (`#define ACP_RESULT_…` in the header): one per
//! code of the core's `ErrorCode` catalogue (`errors.json`).
//!
//! Generated from `ErrorCode::ALL` by `bindings/c/tests/codes.rs`, which fails when this
//! file is stale; rewrite it with `UPDATE_C_CODES=1 cargo test -p acp-c --test codes`.

use crate::acp_result;

/// Success.
pub const ACP_RESULT_OK: acp_result = 0;
";

/// `Pkcs12WrongPassword` → `PKCS12_WRONG_PASSWORD`.
fn screaming(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower_or_digit = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower_or_digit {
            out.push('_');
        }
        prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn render() -> String {
    let mut out = HEADER.to_owned();
    for code in ErrorCode::ALL {
        out += &format!(
            "/// {}: {}.\npub const ACP_RESULT_{}: acp_result = {};\n",
            code.name(),
            code.summary(),
            screaming(code.name()),
            code.code()
        );
    }
    out
}

#[test]
fn codes_rs_is_generated_from_the_core_catalogue() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/codes.rs");
    let want = render();
    if std::env::var_os("UPDATE_C_CODES").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let got = std::fs::read_to_string(&path).unwrap();
    assert!(
        got == want,
        "bindings/c/src/codes.rs is stale: run `UPDATE_C_CODES=1 cargo test -p acp-c --test codes`"
    );
    assert_eq!(screaming("NotUtf8"), "NOT_UTF8");
}
