//! The README's Rust quick start (`examples/quick_start.rs`) runs as printed against the
//! sandbox, twice (its orderIds never collide).
#![allow(clippy::disallowed_methods)] // a host: files

#[path = "../examples/quick_start.rs"]
#[allow(dead_code)]
mod quick_start;

use acp_sandbox::{Sandbox, SandboxConfig};
use std::path::Path;

#[test]
fn the_rust_quick_start_pays_and_its_outcome_is_final_success() {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("the sandbox starts");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/sandbox");
    for _ in 0..2 {
        let outcome =
            quick_start::run(&sandbox.base_url(), &fixtures).expect("the quick start runs");
        assert_eq!(outcome.name(), "success", "{outcome:?}");
        assert_eq!(outcome.decisive_code(), "00");
        assert_eq!(outcome.response().get("txnAmt"), Some("1000"));
    }
}

#[test]
fn the_readme_shows_the_quick_start_file_as_it_is() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let file =
        std::fs::read_to_string(root.join("bindings/sandbox/examples/quick_start.rs")).unwrap();
    assert!(
        readme.contains(&format!("```rust\n{file}```")),
        "README.md's Rust quick start differs from bindings/sandbox/examples/quick_start.rs"
    );
}
