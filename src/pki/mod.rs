//! Keys and certificates: DER, PEM, X.509 and PKCS#12, in pure Rust.
