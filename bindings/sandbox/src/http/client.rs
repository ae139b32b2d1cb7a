//! The client half, on ureq: POST/GET with a whole-exchange timeout and keep-alive, for
//! notifications, tests and examples. HTTPS verifies the server certificate against the
//! sandbox CA (plus any roots given), never the system's: everything here talks to
//! loopback hosts.

use super::tls::{certificates, provider};
use std::io;
use std::sync::Arc;
use std::time::Duration;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};

/// The largest answer body read.
const MAX_ANSWER: u64 = 256 * 1024 * 1024;

/// An answer received by [`post`] / [`get`] / [`HttpClient`].
#[derive(Clone, Debug)]
pub struct ClientResponse {
    /// Status code.
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body (de-chunked).
    pub body: Vec<u8>,
}

impl ClientResponse {
    /// The body as (lossy) UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header value by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A client with its own connection pool (connections are kept alive between calls).
#[derive(Clone)]
pub struct HttpClient {
    agent: ureq::Agent,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClient")
    }
}

impl HttpClient {
    /// A client whose every exchange (connect, TLS, send, answer) takes at most `timeout`;
    /// HTTPS trusts the sandbox root CA only.
    pub fn new(timeout: Duration) -> Self {
        Self::trusting(timeout, crate::material::ROOT_PEM)
            .unwrap_or_else(|_| HttpClient::plain(timeout))
    }

    /// Like [`new`](Self::new), trusting the certificates in `roots_pem` instead.
    pub fn trusting(timeout: Duration, roots_pem: &str) -> Result<Self, String> {
        let roots: Vec<Certificate<'static>> = certificates(roots_pem)?
            .into_iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect();
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(RootCerts::Specific(Arc::new(roots)))
            .unversioned_rustls_crypto_provider(provider())
            .build();
        Ok(Self::with_tls(timeout, tls))
    }

    fn plain(timeout: Duration) -> Self {
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(provider())
            .build();
        Self::with_tls(timeout, tls)
    }

    fn with_tls(timeout: Duration, tls: TlsConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .tls_config(tls)
            .build()
            .new_agent();
        HttpClient { agent }
    }

    /// POSTs `body` and reads the whole answer. An error means no (complete) answer.
    pub fn post(&self, url: &str, content_type: &str, body: &[u8]) -> io::Result<ClientResponse> {
        let answer = self
            .agent
            .post(url)
            .header("Content-Type", content_type)
            .send(body);
        read(answer)
    }

    /// GETs `url`.
    pub fn get(&self, url: &str) -> io::Result<ClientResponse> {
        read(self.agent.get(url).call())
    }
}

fn read(
    answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> io::Result<ClientResponse> {
    let mut answer = answer.map_err(to_io)?;
    let status = answer.status().as_u16();
    let headers = answer
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = answer
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(to_io)?;
    Ok(ClientResponse {
        status,
        headers,
        body,
    })
}

fn to_io(e: ureq::Error) -> io::Error {
    match e {
        ureq::Error::Io(io) => io,
        ureq::Error::Timeout(what) => {
            io::Error::new(io::ErrorKind::TimedOut, format!("timed out ({what})"))
        }
        other => io::Error::other(other.to_string()),
    }
}

/// POSTs `body` to `url` on a fresh connection and reads the whole answer within
/// `timeout`. An error means no (complete) answer. HTTPS trusts the sandbox CA.
pub fn post(
    url: &str,
    content_type: &str,
    body: &[u8],
    timeout: Duration,
) -> io::Result<ClientResponse> {
    HttpClient::new(timeout).post(url, content_type, body)
}

/// GETs `url` (see [`post`]).
pub fn get(url: &str, timeout: Duration) -> io::Result<ClientResponse> {
    HttpClient::new(timeout).get(url)
}
