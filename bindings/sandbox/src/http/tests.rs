use super::*;
use std::net::SocketAddr;

fn echo() -> Handler {
    Arc::new(|req: HttpRequest| {
        Handled::respond(HttpResponse::text(
            200,
            format!(
                "{} {} {}",
                req.method,
                req.path,
                String::from_utf8_lossy(&req.body)
            ),
        ))
    })
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

#[test]
fn round_trip_over_loopback_with_keep_alive() {
    let mut server = HttpServer::start(loopback(), Limits::default(), echo()).unwrap();
    let url = format!("http://{}/a?b=c", server.local_addr());
    let client = HttpClient::new(Duration::from_secs(5));
    for i in 0..3 {
        let r = client
            .post(&url, "text/plain", format!("hello {i}").as_bytes())
            .unwrap();
        assert_eq!(r.text(), format!("POST /a hello {i}"));
    }
    server.shutdown();
    assert!(post(&url, "text/plain", b"x", Duration::from_millis(500)).is_err());
}

#[test]
fn https_is_verified_against_the_sandbox_ca() {
    let mut server = HttpServer::start_tls(
        loopback(),
        Limits::default(),
        echo(),
        &TlsIdentity::sandbox(),
    )
    .unwrap();
    assert_eq!(server.scheme(), "https");
    let url = format!("https://127.0.0.1:{}/tls", server.local_addr().port());
    let r = post(&url, "text/plain", b"secret", Duration::from_secs(5)).unwrap();
    assert_eq!(r.text(), "POST /tls secret");
    let localhost = format!("https://localhost:{}/x", server.local_addr().port());
    assert_eq!(get(&localhost, Duration::from_secs(5)).unwrap().status, 200);
    // A client that trusts another CA refuses the certificate.
    let other = HttpClient::trusting(
        Duration::from_secs(5),
        include_str!("../../../../tests/fixtures/certs/acp_test_root.pem"),
    )
    .unwrap();
    let err = other.get(&url).unwrap_err().to_string();
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    // Plain HTTP to the TLS port gets no answer.
    assert!(get(
        &format!("http://127.0.0.1:{}/", server.local_addr().port()),
        Duration::from_secs(2)
    )
    .map(|r| r.status >= 400)
    .unwrap_or(true));
    server.shutdown();
}

#[test]
fn body_limits_and_faults() {
    let handler: Handler = Arc::new(|req: HttpRequest| match req.path.as_str() {
        "/drop" => Handled {
            delay: None,
            reply: Reply::Drop,
            after: None,
        },
        "/hold" => Handled {
            delay: None,
            reply: Reply::Hold(Duration::from_secs(30)),
            after: None,
        },
        "/slow" => Handled {
            delay: Some(Duration::from_millis(400)),
            reply: Reply::Respond(HttpResponse::text(200, "late")),
            after: None,
        },
        _ => Handled::respond(HttpResponse::text(200, format!("{}", req.body.len()))),
    });
    let limits = Limits {
        max_body: 1000,
        ..Limits::default()
    };
    let mut server = HttpServer::start(loopback(), limits, handler).unwrap();
    let base = format!("http://{}", server.local_addr());
    let t = Duration::from_secs(5);
    assert_eq!(
        post(&format!("{base}/n"), "x", &[b'a'; 1000], t)
            .unwrap()
            .text(),
        "1000"
    );
    assert_eq!(
        post(&format!("{base}/n"), "x", &[b'a'; 1001], t)
            .map(|r| r.status)
            .unwrap_or(413),
        413
    );
    assert!(post(&format!("{base}/drop"), "x", b"", t).is_err());
    let start = crate::clock::instant_now();
    assert!(post(
        &format!("{base}/hold"),
        "x",
        b"",
        Duration::from_millis(300)
    )
    .is_err());
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(post(
        &format!("{base}/slow"),
        "x",
        b"",
        Duration::from_millis(100)
    )
    .is_err());
    assert_eq!(
        post(&format!("{base}/slow"), "x", b"", t).unwrap().text(),
        "late"
    );
    server.shutdown();
}

#[test]
fn chunked_request_bodies_are_read_whole() {
    let handler: Handler = Arc::new(|req: HttpRequest| {
        Handled::respond(HttpResponse::text(
            200,
            format!(
                "{} {}",
                req.header("transfer-encoding").unwrap_or("-"),
                String::from_utf8_lossy(&req.body)
            ),
        ))
    });
    let mut server = HttpServer::start(loopback(), Limits::default(), handler).unwrap();
    let url = format!("http://{}/chunked", server.local_addr());
    // A body of unknown length: ureq sends it with Transfer-Encoding: chunked.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut body: &[u8] = b"orderId=20261203000000&txnAmt=1";
    let mut answer = agent
        .post(&url)
        .send(ureq::SendBody::from_reader(&mut body))
        .unwrap();
    assert_eq!(
        answer.body_mut().read_to_string().unwrap(),
        "chunked orderId=20261203000000&txnAmt=1"
    );
    server.shutdown();
}

#[test]
#[allow(clippy::disallowed_methods)] // the test is a raw client: it opens a socket itself
fn an_idle_kept_alive_connection_is_closed_after_the_io_timeout() {
    use std::io::{Read, Write};
    let limits = Limits {
        io_timeout: Duration::from_millis(500),
        max_connections: 1,
        ..Limits::default()
    };
    let mut server = HttpServer::start(loopback(), limits, echo()).unwrap();
    let addr = server.local_addr();
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    tcp.write_all(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = tcp.read(&mut buf).unwrap();
    let head = String::from_utf8_lossy(&buf[..n]).to_lowercase();
    assert!(
        head.starts_with("http/1.1 200") && !head.contains("connection: close"),
        "{head}"
    );
    // Kept alive, then idle: the server closes it once the timeout passed, so an idle
    // client does not keep the only connection slot.
    let start = crate::clock::instant_now();
    let closed = matches!(tcp.read(&mut buf), Ok(0) | Err(_));
    assert!(
        closed && start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    let r = post(
        &format!("http://{addr}/b"),
        "text/plain",
        b"x",
        Duration::from_secs(5),
    )
    .unwrap();
    assert_eq!(r.status, 200);
    server.shutdown();
}
