//! HTTP for the sandbox, on maintained crates: the server is hyper (HTTP/1.1 with
//! keep-alive and chunked bodies) on a tokio runtime, with rustls for HTTPS; the client
//! (notifications, tests, examples) is ureq over the same rustls. This module only maps
//! them onto the sandbox's small request / reply types, so a handler stays a plain
//! blocking function that can also hold or drop a connection (injected faults).

mod client;
mod server;
mod tls;

pub use client::{get, post, ClientResponse, HttpClient};
pub use server::HttpServer;
use std::sync::Arc;
use std::time::Duration;
pub use tls::{TlsIdentity, SANDBOX_TLS_CERT_PEM, SANDBOX_TLS_KEY_PEM};

/// A received request.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The query string (without `?`), possibly empty.
    pub query: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A header value by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response to send.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Content-Type.
    pub content_type: String,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// `text/plain; charset=UTF-8`.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        HttpResponse {
            status,
            content_type: "text/plain; charset=UTF-8".to_owned(),
            body: body.into().into_bytes(),
        }
    }

    /// `text/html; charset=UTF-8`.
    pub fn html(body: impl Into<String>) -> Self {
        HttpResponse {
            status: 200,
            content_type: "text/html; charset=UTF-8".to_owned(),
            body: body.into().into_bytes(),
        }
    }

    /// `application/json`.
    pub fn json(body: impl Into<String>) -> Self {
        HttpResponse {
            status: 200,
            content_type: "application/json".to_owned(),
            body: body.into().into_bytes(),
        }
    }
}

/// What the server does with a request.
pub enum Reply {
    /// Send this response.
    Respond(HttpResponse),
    /// Send nothing and keep the connection open (until the client closes it, `max`
    /// passes, or the server shuts down).
    Hold(Duration),
    /// Close the connection without an answer.
    Drop,
}

/// A handler's verdict: an optional delay, the reply, and work to run once the reply is
/// written (e.g. queue notifications, so they never overtake the answer).
pub struct Handled {
    /// Wait this long before replying.
    pub delay: Option<Duration>,
    /// The reply.
    pub reply: Reply,
    /// Runs after the reply was written (or the connection was dropped).
    pub after: Option<Box<dyn FnOnce() + Send>>,
}

impl Handled {
    /// Just a response.
    pub fn respond(response: HttpResponse) -> Self {
        Handled {
            delay: None,
            reply: Reply::Respond(response),
            after: None,
        }
    }
}

/// The request handler.
pub type Handler = Arc<dyn Fn(HttpRequest) -> Handled + Send + Sync>;

/// Server limits.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body.
    pub max_body: usize,
    /// How long the request head, the body and a TLS handshake may take each.
    pub io_timeout: Duration,
    /// Simultaneous connections (kept-alive ones included); more get `503` at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 2 * 1024 * 1024,
            io_timeout: Duration::from_secs(10),
            max_connections: 64,
        }
    }
}

#[cfg(test)]
mod tests;
