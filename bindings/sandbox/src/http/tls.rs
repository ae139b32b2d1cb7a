//! TLS material: the server identity `--tls` serves and the roots the client trusts.
//!
//! The sandbox's HTTPS certificate (`tests/fixtures/sandbox/tls.pem`, for `localhost`,
//! `127.0.0.1` and `::1`) is issued by the same test CA that signs its messages, so one
//! trust file (`acp sandbox --print-trust`: root + middle) serves both the message
//! signatures and HTTPS.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;

/// The sandbox's HTTPS certificate (PEM; test-only, issued by the sandbox middle CA).
pub const SANDBOX_TLS_CERT_PEM: &str = include_str!("../../../../tests/fixtures/sandbox/tls.pem");
/// Its private key (PEM; public on purpose, protects nothing).
pub const SANDBOX_TLS_KEY_PEM: &str =
    include_str!("../../../../tests/fixtures/sandbox/tls.key.pem");

/// A certificate chain and key to serve HTTPS with.
#[derive(Clone)]
pub struct TlsIdentity {
    chain_pem: String,
    key_pem: String,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsIdentity { key: <redacted> }")
    }
}

impl TlsIdentity {
    /// The sandbox's own: `tls.pem` plus the middle CA, so clients need only the root.
    pub fn sandbox() -> Self {
        TlsIdentity {
            chain_pem: format!("{SANDBOX_TLS_CERT_PEM}{}", crate::material::MIDDLE_PEM),
            key_pem: SANDBOX_TLS_KEY_PEM.to_owned(),
        }
    }

    /// Any chain (leaf first) and its key, both PEM.
    pub fn from_pem(chain_pem: &str, key_pem: &str) -> Self {
        TlsIdentity {
            chain_pem: chain_pem.to_owned(),
            key_pem: key_pem.to_owned(),
        }
    }

    /// The rustls server configuration (HTTP/1.1 only).
    pub(crate) fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, String> {
        let chain = certificates(&self.chain_pem)?;
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes())
            .map_err(|e| format!("the TLS key: {e}"))?;
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("the TLS certificate: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Every certificate in a PEM text.
pub(crate) fn certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("a PEM certificate: {e}"))?;
    if certs.is_empty() {
        return Err("no certificate in the PEM text".to_owned());
    }
    Ok(certs)
}

/// The crypto provider of both sides: aws-lc-rs (already built for the core).
pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}
