//! The wasm-bindgen binding of `unionpay-acp` (issue 5): converts types, maps errors.
