//! Gives the shared library the soname it is installed under (c-header/CMakeLists.txt
//! installs it as libunionpay_acp.so.0), so programs linked against it find it by that
//! name. Only the cdylib of this crate is affected.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libunionpay_acp.so.0");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
