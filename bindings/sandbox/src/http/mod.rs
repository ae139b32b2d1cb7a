//! A small HTTP/1.1 server and client on `std::net`: one request per connection
//! (`Connection: close`), `Content-Length` bodies, size limits, timeouts, graceful
//! shutdown. Enough for a loopback gateway emulator and its tests; not a general server.
#![allow(clippy::disallowed_methods)] // the sandbox is a host: this module owns the sockets

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};

mod client;
pub use client::{get, post, ClientResponse};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

const MAX_HEAD: usize = 16 * 1024;

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
    /// Socket read/write timeout.
    pub io_timeout: Duration,
    /// Simultaneous connections; more get `503`.
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

/// A running server; stops on [`shutdown`](Self::shutdown) or drop.
pub struct HttpServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl HttpServer {
    /// Binds and starts accepting on a background thread.
    pub fn start(bind: SocketAddr, limits: Limits, handler: Handler) -> io::Result<Self> {
        let listener = TcpListener::bind(bind)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let active = Arc::new(AtomicUsize::new(0));
        let accept = {
            let (stop, conns) = (stop.clone(), conns.clone());
            std::thread::Builder::new()
                .name(format!("http-accept-{}", addr.port()))
                .spawn(move || accept_loop(listener, limits, handler, stop, conns, active))?
        };
        Ok(HttpServer {
            addr,
            stop,
            accept: Some(accept),
            conns,
        })
    }

    /// The bound address (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether shutdown was requested.
    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Stops accepting, lets running requests finish (held connections are released) and
    /// joins every thread. Idempotent.
    pub fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            // Unblock `accept()` with a connection of our own.
            let _ = TcpStream::connect_timeout(&wake_addr(self.addr), Duration::from_secs(1));
            let _ = accept.join();
        }
        let handles: Vec<_> = match self.conns.lock() {
            Ok(mut v) => v.drain(..).collect(),
            Err(poisoned) => poisoned.into_inner().drain(..).collect(),
        };
        for h in handles {
            let _ = h.join();
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn wake_addr(addr: SocketAddr) -> SocketAddr {
    let mut a = addr;
    if a.ip().is_unspecified() {
        a.set_ip(match a {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    a
}

fn accept_loop(
    listener: TcpListener,
    limits: Limits,
    handler: Handler,
    stop: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
    active: Arc<AtomicUsize>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(limits.io_timeout));
        let _ = stream.set_write_timeout(Some(limits.io_timeout));
        if active.load(Ordering::SeqCst) >= limits.max_connections {
            let _ = write_response(&mut stream, &HttpResponse::text(503, "busy\n"));
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (handler, stop2, active2) = (handler.clone(), stop.clone(), active.clone());
        let spawned = std::thread::Builder::new()
            .name("http-conn".to_owned())
            .spawn(move || {
                serve_connection(stream, limits, &handler, &stop2);
                active2.fetch_sub(1, Ordering::SeqCst);
            });
        if let Ok(mut list) = conns.lock() {
            list.retain(|h| !h.is_finished());
            if let Ok(h) = spawned {
                list.push(h);
            }
        }
    }
}

fn serve_connection(mut stream: TcpStream, limits: Limits, handler: &Handler, stop: &AtomicBool) {
    let request = match read_request(&mut stream, limits.max_body) {
        Ok(r) => r,
        Err((status, why)) => {
            let _ = write_response(&mut stream, &HttpResponse::text(status, format!("{why}\n")));
            return;
        }
    };
    let handled = handler(request);
    if let Some(delay) = handled.delay {
        sleep_unless_stopped(delay, stop);
    }
    match handled.reply {
        Reply::Respond(resp) => {
            let _ = write_response(&mut stream, &resp);
            let _ = stream.shutdown(Shutdown::Write);
        }
        Reply::Hold(max) => hold(&mut stream, max, stop),
        Reply::Drop => {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
    drop(stream);
    if let Some(after) = handled.after {
        after();
    }
}

/// Sleeps in small steps so shutdown is not delayed by an injected slow answer.
pub(crate) fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) {
    let start = crate::clock::instant_now();
    while start.elapsed() < total && !stop.load(Ordering::SeqCst) {
        let left = total.saturating_sub(start.elapsed());
        std::thread::sleep(left.min(Duration::from_millis(20)));
    }
}

fn hold(stream: &mut TcpStream, max: Duration, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let start = crate::clock::instant_now();
    let mut buf = [0u8; 512];
    while start.elapsed() < max && !stop.load(Ordering::SeqCst) {
        match stream.read(&mut buf) {
            Ok(0) => return, // the client gave up
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

type ReadError = (u16, &'static str);

fn read_request(stream: &mut TcpStream, max_body: usize) -> Result<HttpRequest, ReadError> {
    let mut buf = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return Err((431, "request head too large"));
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) => return Err((400, "connection closed before the request head")),
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            Err(_) => return Err((408, "timeout reading the request")),
        }
    };
    let head = std::str::from_utf8(buf.get(..head_end).unwrap_or_default())
        .map_err(|_| (400, "request head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (method, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/1.") => (m.to_owned(), t),
        _ => return Err((400, "malformed request line")),
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target.to_owned(), String::new()),
    };
    let mut headers = Vec::new();
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            return Err((400, "malformed header line"));
        };
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
    }
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if header("transfer-encoding").is_some() {
        return Err((
            501,
            "chunked request bodies are not supported; send Content-Length",
        ));
    }
    let length = match header("content-length") {
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| (400, "bad Content-Length"))?,
        None if method == "POST" => return Err((411, "Content-Length required")),
        None => 0,
    };
    if length > max_body {
        return Err((413, "request body too large"));
    }
    if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let mut body = buf.get(head_end + 4..).unwrap_or_default().to_vec();
    body.truncate(length);
    while body.len() < length {
        let mut chunk = vec![0u8; (length - body.len()).min(64 * 1024)];
        match stream.read(&mut chunk) {
            Ok(0) => return Err((400, "connection closed inside the body")),
            Ok(n) => body.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            Err(_) => return Err((408, "timeout reading the body")),
        }
    }
    Ok(HttpRequest {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn write_response(stream: &mut TcpStream, resp: &HttpResponse) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&resp.body)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_over_loopback() {
        let handler: Handler = Arc::new(|req: HttpRequest| {
            Handled::respond(HttpResponse::text(
                200,
                format!(
                    "{} {} {}",
                    req.method,
                    req.path,
                    String::from_utf8_lossy(&req.body)
                ),
            ))
        });
        let mut server = HttpServer::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Limits::default(),
            handler,
        )
        .unwrap();
        let url = format!("http://{}/a?b=c", server.local_addr());
        let r = post(&url, "text/plain", b"hello", Duration::from_secs(5)).unwrap();
        assert_eq!(r.text(), "POST /a hello");
        server.shutdown();
        assert!(post(&url, "text/plain", b"x", Duration::from_millis(500)).is_err());
    }
}
