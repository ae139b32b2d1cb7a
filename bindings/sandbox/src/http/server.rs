//! The server: hyper's HTTP/1.1 connections on a tokio runtime of its own, optionally
//! behind rustls. Handlers are blocking functions (the gateway locks its state and does
//! RSA), so each request runs on tokio's blocking pool; waiting (injected delays, held
//! connections) is async and ends at once on shutdown.

use super::tls::TlsIdentity;
use super::{Handled, Handler, HttpRequest, HttpResponse, Limits, Reply};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

/// How long shutdown waits for running requests before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// A running server; stops on [`shutdown`](Self::shutdown) or drop.
pub struct HttpServer {
    addr: SocketAddr,
    tls: bool,
    stop: watch::Sender<bool>,
    accept: Option<tokio::task::JoinHandle<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// What every connection task shares.
struct Shared {
    handler: Handler,
    limits: Limits,
    stop: watch::Receiver<bool>,
}

impl HttpServer {
    /// Binds and serves plain HTTP on a runtime of its own.
    pub fn start(bind: SocketAddr, limits: Limits, handler: Handler) -> io::Result<Self> {
        Self::start_with(bind, limits, handler, None)
    }

    /// Binds and serves HTTPS with `identity`.
    pub fn start_tls(
        bind: SocketAddr,
        limits: Limits,
        handler: Handler,
        identity: &TlsIdentity,
    ) -> io::Result<Self> {
        Self::start_with(bind, limits, handler, Some(identity))
    }

    fn start_with(
        bind: SocketAddr,
        limits: Limits,
        handler: Handler,
        identity: Option<&TlsIdentity>,
    ) -> io::Result<Self> {
        let acceptor = identity
            .map(|id| id.server_config().map(tokio_rustls::TlsAcceptor::from))
            .transpose()
            .map_err(io::Error::other)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(limits.max_connections.clamp(4, 512) + 8)
            .thread_name(format!("http-{}", bind.port()))
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind(bind))?;
        let addr = listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            handler,
            limits,
            stop: stop_rx,
        });
        let accept = runtime.spawn(accept_loop(listener, acceptor, shared));
        Ok(HttpServer {
            addr,
            tls: identity.is_some(),
            stop,
            accept: Some(accept),
            runtime: Some(runtime),
        })
    }

    /// The bound address (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https` when serving TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
    }

    /// Whether shutdown was requested.
    pub fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Stops accepting, lets running requests finish (held connections and injected
    /// delays end at once; kept-alive connections close) and stops the runtime.
    /// Idempotent.
    pub fn shutdown(&mut self) {
        let _ = self.stop.send(true);
        if let (Some(runtime), Some(accept)) = (self.runtime.as_ref(), self.accept.take()) {
            let _ = runtime.block_on(async {
                tokio::time::timeout(SHUTDOWN_GRACE + Duration::from_secs(1), accept).await
            });
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
) {
    let slots = Arc::new(Semaphore::new(shared.limits.max_connections.max(1)));
    let mut stop = shared.stop.clone();
    let mut conns = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        while conns.try_join_next().is_some() {}
        let Ok((tcp, _)) = accepted else { continue };
        let _ = tcp.set_nodelay(true);
        let slot = slots.clone().try_acquire_owned().ok();
        let (shared, acceptor) = (shared.clone(), acceptor.clone());
        conns.spawn(async move {
            let timeout = shared.limits.io_timeout;
            match acceptor {
                None => serve(tcp, shared, slot.is_some()).await,
                Some(acceptor) => {
                    if let Ok(Ok(tls)) = tokio::time::timeout(timeout, acceptor.accept(tcp)).await {
                        serve(tls, shared, slot.is_some()).await;
                    }
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    // Running requests finish (their waits end on the stop signal); then the rest go.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    conns.abort_all();
}

/// Serves one connection; `admitted` false answers its first request 503 and closes.
async fn serve<S>(io: S, shared: Arc<Shared>, admitted: bool)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut stop = shared.stop.clone();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.limits.io_timeout)
        .keep_alive(admitted);
    let service = service_fn(move |req| {
        let shared = shared.clone();
        async move {
            if admitted {
                respond(&shared, req).await
            } else {
                Ok(to_hyper(
                    HttpResponse::text(503, "busy\n"),
                    AfterGuard(None),
                ))
            }
        }
    });
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.wait_for(|s| *s) => {}
    }
    // Shutdown: finish the request in flight, then close (idle connections close now).
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// The connection is closed without an answer (`Reply::Drop`, `Reply::Hold` ending).
#[derive(Debug)]
struct Unanswered;

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closed without an answer")
    }
}

impl std::error::Error for Unanswered {}

async fn respond(
    shared: &Shared,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<AfterBody>, Unanswered> {
    let limits = shared.limits;
    let (parts, body) = req.into_parts();
    let collected = tokio::time::timeout(
        limits.io_timeout,
        Limited::new(body, limits.max_body).collect(),
    )
    .await;
    let body = match collected {
        Ok(Ok(c)) => c.to_bytes().to_vec(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return Ok(to_hyper(
                HttpResponse::text(413, "request body too large\n"),
                AfterGuard(None),
            ))
        }
        Ok(Err(_)) => {
            return Ok(to_hyper(
                HttpResponse::text(400, "the request body could not be read\n"),
                AfterGuard(None),
            ))
        }
        Err(_) => {
            return Ok(to_hyper(
                HttpResponse::text(408, "timeout reading the request body\n"),
                AfterGuard(None),
            ))
        }
    };
    let request = HttpRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let handler = shared.handler.clone();
    let Ok(handled) = tokio::task::spawn_blocking(move || handler(request)).await else {
        return Ok(to_hyper(
            HttpResponse::text(500, "the handler failed\n"),
            AfterGuard(None),
        ));
    };
    let Handled {
        delay,
        reply,
        after,
    } = handled;
    // `after` runs once the answer is handed over, or when the connection ends unanswered
    // (dropped, held until the client gives up, shutdown): never before the answer.
    let after = AfterGuard(after);
    let mut stop = shared.stop.clone();
    if let Some(delay) = delay {
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.wait_for(|s| *s) => {}
        }
    }
    match reply {
        Reply::Respond(resp) => Ok(to_hyper(resp, after)),
        Reply::Hold(max) => {
            // hyper drops this future when the client closes the connection (half-close is
            // off), which ends the hold early.
            tokio::select! {
                _ = tokio::time::sleep(max) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
            drop(after);
            Err(Unanswered)
        }
        Reply::Drop => {
            drop(after);
            Err(Unanswered)
        }
    }
}

fn to_hyper(resp: HttpResponse, after: AfterGuard) -> hyper::Response<AfterBody> {
    let mut out = hyper::Response::new(AfterBody {
        data: Some(Bytes::from(resp.body)),
        after,
    });
    *out.status_mut() = hyper::StatusCode::from_u16(resp.status).unwrap_or(hyper::StatusCode::OK);
    if let Ok(v) = hyper::header::HeaderValue::from_str(&resp.content_type) {
        out.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    out
}

/// Runs the handler's `after` work when dropped.
struct AfterGuard(Option<Box<dyn FnOnce() + Send>>);

impl Drop for AfterGuard {
    fn drop(&mut self) {
        if let Some(after) = self.0.take() {
            after();
        }
    }
}

/// A whole-buffer body whose `after` work runs once hyper is done with it (the answer
/// was written, or the connection went away).
struct AfterBody {
    data: Option<Bytes>,
    /// Never read: dropping it runs the work.
    #[allow(dead_code)]
    after: AfterGuard,
}

impl hyper::body::Body for AfterBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.data.take().map(|d| Ok(Frame::data(d))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}
