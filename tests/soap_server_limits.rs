//! The server's limits (generated routers and `serve-mock` share them): slow senders and
//! stalled handshakes do not keep other clients from being served and are closed by the
//! header, body, idle and handshake timeouts; the connection cap holds; a `Content-Length`
//! over the limit is refused before the body is read; a panicking handler answers a SOAP
//! `Server` fault and its connection survives; a slow handler is cut off; error texts do
//! not echo the request. Raw clients speak HTTP/1.1 over loopback; every wait is bounded.

#[path = "soap_common.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use tandvard_bindings::check_patient_responder_interface as cpi;
use tandvard_bindings::test_responder_interface as ti;
use tandvard_bindings::test_responder_v1::PingType;
use tandvard_runtime::client::RetryPolicy;
use tandvard_runtime::server::{
    Route, Router, Server, ServerHandle, ServerRequest, ServerResponse,
};
use tandvard_runtime::soap::QualifiedName;
use tandvard_runtime::transport::HttpsTransport;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn short(server: Server) -> Server {
    server
        .with_handshake_timeout(Duration::from_millis(800))
        .with_header_timeout(Duration::from_millis(800))
        .with_body_timeout(Duration::from_millis(800))
        .with_idle_timeout(Duration::from_millis(1500))
}

async fn plain_server(router: Router, cap: usize) -> ServerHandle {
    short(Server::bind("127.0.0.1:0", router).await.unwrap())
        .with_max_connections(cap)
        .spawn()
        .unwrap()
}

fn ping() -> PingType {
    example("test/examples/PingRequest.xml")
}

fn plain_client(server: &ServerHandle) -> ti::TestResponderClient {
    let t = HttpsTransport::builder(client_tls(&Pki::new("unused"), None))
        .allow_http()
        .build()
        .unwrap();
    ti::TestResponderClient::new(t)
        .with_endpoint(format!(
            "http://127.0.0.1:{}{}",
            server.local_addr().port(),
            ti::PATH
        ))
        .with_retry_policy(RetryPolicy::none())
}

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("ends before the guard")
}

async fn connect(server: &ServerHandle) -> TcpStream {
    TcpStream::connect(server.local_addr()).await.unwrap()
}

/// Reads until the server closes the connection (or resets it); what it sent.
async fn until_closed(mut sock: TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    bounded(async {
        loop {
            match sock.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    out
}

/// Reads one response (head and `Content-Length` body) from `sock`.
async fn read_response(sock: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    bounded(async {
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if buf.len() >= end + 4 + len {
                    buf.truncate(end + 4 + len);
                    break;
                }
            }
            let n = sock.read(&mut chunk).await.expect("read");
            assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&buf));
            buf.extend_from_slice(&chunk[..n]);
        }
    })
    .await;
    String::from_utf8_lossy(&buf).into_owned()
}

fn post(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn envelope(payload: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>{payload}</s:Body></s:Envelope>"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_senders_do_not_keep_others_from_being_served_and_are_closed() {
    let service = Examples::default();
    let server = plain_server(service.router(), 6).await;
    // A head that trickles in, a byte every 100 ms (40 bytes at most).
    let mut trickle = connect(&server).await;
    let trickler = tokio::spawn(async move {
        for b in b"POST /tandvard/Test/1 HTTP/1.1\r\nHost: lo".iter() {
            if trickle.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        until_closed(trickle).await
    });
    // A head announcing 10,000 bytes of body, then 10 of them.
    let mut slow_body = connect(&server).await;
    slow_body
        .write_all(b"POST /tandvard/Test/1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 10000\r\n\r\n<s:Envelo")
        .await
        .unwrap();
    // Connected, and nothing sent.
    let silent = connect(&server).await;
    // Meanwhile other clients are served.
    let client = plain_client(&server);
    for _ in 0..5 {
        let got = bounded(client.ping(ping())).await;
        assert!(got.is_ok(), "{got:?}");
    }
    // And the slow ones are closed by the server.
    let answer = until_closed(slow_body).await;
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(until_closed(silent).await.is_empty());
    let trickled = bounded(trickler).await.unwrap();
    assert!(trickled.is_empty() || !trickled.starts_with(b"HTTP/1.1 200"));
    assert_eq!(service.seen.lock().unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_slow_senders_fill_every_slot_the_timeouts_free_them() {
    let service = Examples::default();
    let server = plain_server(service.router(), 2).await;
    let mut a = connect(&server).await;
    a.write_all(b"POST / HTTP/1.1\r\n").await.unwrap();
    let b = connect(&server).await;
    // Both slots are taken; this call waits in the backlog until a timeout frees one.
    let got = bounded(plain_client(&server).ping(ping())).await;
    assert!(got.is_ok(), "{got:?}");
    assert_eq!(service.seen.lock().unwrap().len(), 1);
    drop((a, b));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_tls_handshake_does_not_block_others_and_is_closed() {
    let pki = Pki::new("limits CA");
    let id = pki.server();
    let config = tandvard_runtime::server::tls_server_config(
        id.cert_pem.as_bytes(),
        id.key_pem.as_bytes(),
        None,
    )
    .unwrap();
    let service = Examples::default();
    let server = short(Server::bind("127.0.0.1:0", service.router()).await.unwrap())
        .with_tls(config)
        .with_max_connections(4)
        .spawn()
        .unwrap();
    let stalled = [connect(&server).await, connect(&server).await];
    let client = ti::TestResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, ti::PATH))
        .with_retry_policy(RetryPolicy::none());
    for _ in 0..3 {
        let got = bounded(client.ping(ping())).await;
        assert!(got.is_ok(), "{got:?}");
    }
    for s in stalled {
        assert!(until_closed(s).await.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_length_over_the_limit_is_refused_before_the_body_is_sent() {
    let server = short(
        Server::bind("127.0.0.1:0", Examples::default().router())
            .await
            .unwrap(),
    )
    .with_max_request_size(1000)
    .spawn()
    .unwrap();
    let mut sock = connect(&server).await;
    sock.write_all(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 50000000\r\n\r\n")
        .await
        .unwrap();
    // No byte of the body was sent: the answer comes at once.
    let answer = read_response(&mut sock).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("1000 bytes"), "{answer}");
    assert!(
        until_closed(sock).await.is_empty(),
        "then the connection closes"
    );
}

fn ping_route() -> Route {
    Route {
        path: ti::PATH.into(),
        action: ti::PING.action.into(),
        element: QualifiedName::new(ti::PING.request.0, ti::PING.request.1),
        interface: "TestResponderInterface".into(),
        operation: "Ping".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_a_server_fault_and_the_connection_survives() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let router = Router::new().route(ping_route(), move |_req: ServerRequest| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                panic!("a bug in the handler");
            }
            ServerResponse::text(200, "pong")
        }
    });
    let server = plain_server(router, 4).await;
    let mut sock = connect(&server).await;
    let body = envelope(r#"<t:Ping xmlns:t="urn:fk:tandvard:TestResponder:1"/>"#);
    sock.write_all(&post(ti::PATH, &body)).await.unwrap();
    let first = read_response(&mut sock).await;
    assert!(first.starts_with("HTTP/1.1 500"), "{first}");
    assert!(first.contains("faultcode"), "{first}");
    assert!(first.contains("Server"), "{first}");
    assert!(first.contains("internal error"), "{first}");
    assert!(!first.contains("a bug in the handler"), "{first}");
    // The same connection answers the next request.
    sock.write_all(&post(ti::PATH, &body)).await.unwrap();
    let second = read_response(&mut sock).await;
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    assert!(second.ends_with("pong"), "{second}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_slower_than_its_timeout_gets_a_server_fault() {
    let router = Router::new().route(ping_route(), |_req: ServerRequest| async {
        tokio::time::sleep(Duration::from_secs(20)).await;
        ServerResponse::text(200, "late")
    });
    let server = Server::bind("127.0.0.1:0", router)
        .await
        .unwrap()
        .with_handler_timeout(Duration::from_millis(300))
        .spawn()
        .unwrap();
    let mut sock = connect(&server).await;
    let body = envelope(r#"<t:Ping xmlns:t="urn:fk:tandvard:TestResponder:1"/>"#);
    sock.write_all(&post(ti::PATH, &body)).await.unwrap();
    let answer = read_response(&mut sock).await;
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(answer.contains("did not answer in time"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_texts_do_not_echo_the_request() {
    let server = plain_server(Examples::default().router(), 4).await;
    let mut sock = connect(&server).await;
    // An unknown path that carries personal data.
    sock.write_all(&post("/patient/197610639812", &envelope("<x/>")))
        .await
        .unwrap();
    let answer = read_response(&mut sock).await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(!answer.contains("197610639812"), "{answer}");
    // A Check Patient whose patient id does not fit its type.
    let request = std::fs::read_to_string(
        contracts().join("check-patient/examples/CheckPatientRequest_envelope.xml"),
    )
    .unwrap()
    .replace("197610639812", "19761063981Xsecret");
    sock.write_all(&post(cpi::PATH, &request)).await.unwrap();
    let answer = read_response(&mut sock).await;
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(answer.contains("Client"), "{answer}");
    assert!(answer.contains("samordningsnummer"), "where: {answer}");
    assert!(!answer.contains("secret"), "{answer}");
    // Text where only elements are allowed.
    let request = request.replace("<cp:relationship>", "19761063981Xsecret<cp:relationship>");
    sock.write_all(&post(cpi::PATH, &request)).await.unwrap();
    let answer = read_response(&mut sock).await;
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(!answer.contains("secret"), "{answer}");
}
