//! The client against a loopback server that misbehaves on purpose (WireMock's fault kinds):
//! a connection reset before and after the request was read, HTTP 500 and 503 with and
//! without a SOAP fault, an empty or truncated body, garbage then close, a malformed chunk,
//! a response slower than the timeout, a TLS handshake that stalls.
//!
//! What is checked is what reached the server: a safe read is retried as the policy says;
//! Submit Claim (a write) is never sent twice without its idempotency key, and with it only
//! with the same key; errors say when the outcome is unknown, carry the number of attempts
//! and keep the first unknown-outcome error; a deadline bounds a call with all its retries.
//! Every loop is bounded in count and time; the server listens on 127.0.0.1 only.

#[path = "soap_common.rs"]
mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use tandvard_bindings::check_patient_responder_interface as cpi;
use tandvard_bindings::common_v1::RequestHeaderType;
use tandvard_bindings::submit_claim_responder_interface as sci;
use tandvard_runtime::ReadOptions;
use tandvard_runtime::client::{Error, RetryPolicy};
use tandvard_runtime::soap::{EnvelopeWriter, Fault, Idempotency, SoapVersion};
use tandvard_runtime::transport::{HttpsTransport, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    /// Resets the connection (RST) as soon as the request starts to arrive, unread.
    ResetBeforeRead,
    /// Reads the whole request, then resets the connection.
    ResetAfterRead,
    /// HTTP 500 with a SOAP fault whose detail says retryable.
    Fault500,
    /// HTTP 500 with an HTML page.
    Html500,
    /// HTTP 503 with a SOAP fault.
    Fault503,
    /// HTTP 503 with plain text.
    Text503,
    /// HTTP 503 asking to come back in 60 s.
    RetryAfter503,
    /// HTTP 200 with an empty body.
    Empty,
    /// HTTP 200 announcing more bytes than it sends, then close.
    Truncated,
    /// Random bytes instead of HTTP, then close.
    GarbageThenClose,
    /// A chunked body whose chunk size is not hexadecimal, then close.
    MalformedChunk,
    /// No answer until the client gives up.
    Slow,
    /// The example response.
    Ok,
}

/// A raw HTTP/1.1 server on loopback playing a script, then `then` for every request.
struct Bad {
    addr: SocketAddr,
    /// Connections accepted.
    connections: Arc<AtomicUsize>,
    /// The bodies of the requests read in full.
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Bad {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Bad {
    fn received(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }
}

async fn bad(script: Vec<Act>, then: Act, ok_body: Vec<u8>) -> Bad {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let script = Arc::new(script);
    let ok_body = Arc::new(ok_body);
    let (c, r) = (connections.clone(), requests.clone());
    let task = tokio::spawn(async move {
        let mut open = tokio::task::JoinSet::new();
        // Bounded: no test opens more than a few dozen connections.
        for _ in 0..200 {
            let Ok((sock, _)) = listener.accept().await else {
                continue;
            };
            c.fetch_add(1, Ordering::SeqCst);
            let (script, next, r, ok_body) =
                (script.clone(), next.clone(), r.clone(), ok_body.clone());
            open.spawn(async move {
                let pick = || script.get(next.fetch_add(1, Ordering::SeqCst)).copied();
                let _ =
                    tokio::time::timeout(LIMIT, conversation(sock, pick, then, &r, &ok_body)).await;
            });
        }
    });
    Bad {
        addr,
        connections,
        requests,
        task,
    }
}

/// Serves requests on one connection until an act closes it.
async fn conversation(
    mut sock: TcpStream,
    pick: impl Fn() -> Option<Act>,
    then: Act,
    requests: &Mutex<Vec<Vec<u8>>>,
    ok_body: &[u8],
) {
    loop {
        let mut one = [0u8; 1];
        match sock.peek(&mut one).await {
            Ok(n) if n > 0 => {}
            _ => return,
        }
        let act = pick().unwrap_or(then);
        if act == Act::ResetBeforeRead {
            let _ = sock.set_zero_linger();
            return;
        }
        let Some(body) = read_request(&mut sock).await else {
            return;
        };
        requests.lock().unwrap().push(body);
        let respond = |status: &str, ct: &str, extra: &str, body: &[u8]| {
            let mut out = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n{extra}\r\n",
                body.len()
            )
            .into_bytes();
            out.extend_from_slice(body);
            out
        };
        let out = match act {
            Act::ResetBeforeRead => unreachable!(),
            Act::ResetAfterRead => {
                let _ = sock.set_zero_linger();
                return;
            }
            Act::Fault500 => respond("500 Internal Server Error", "text/xml", "", &fault()),
            Act::Html500 => respond(
                "500 Internal Server Error",
                "text/html",
                "",
                b"<html><body>Internal Server Error</body></html>",
            ),
            Act::Fault503 => respond("503 Service Unavailable", "text/xml", "", &fault()),
            Act::Text503 => respond("503 Service Unavailable", "text/plain", "", b"busy"),
            Act::RetryAfter503 => respond(
                "503 Service Unavailable",
                "text/plain",
                "Retry-After: 60\r\n",
                b"busy",
            ),
            Act::Empty => respond("200 OK", "text/xml", "", b""),
            Act::Truncated => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
                    ok_body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&ok_body[..ok_body.len() / 2]).await;
                return;
            }
            Act::GarbageThenClose => {
                let mut x: u32 = 0x9e37_79b9;
                let junk: Vec<u8> = (0..700)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        (x >> 24) as u8
                    })
                    .collect();
                let _ = sock.write_all(&junk).await;
                return;
            }
            Act::MalformedChunk => {
                let _ = sock
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n<soap\r\n",
                    )
                    .await;
                return;
            }
            Act::Slow => {
                // Until the client gives up and closes (bounded by the caller's limit).
                let mut buf = [0u8; 256];
                while let Ok(n) = sock.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
                return;
            }
            Act::Ok => respond("200 OK", "text/xml; charset=utf-8", "", ok_body),
        };
        if sock.write_all(&out).await.is_err() {
            return;
        }
    }
}

/// Reads one request (head and `Content-Length` body); `None` when the client went away.
async fn read_request(sock: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(buf[head_end..head_end + length].to_vec())
}

/// A SOAP 1.1 Server fault with FK's retryable TechnicalError detail.
fn fault() -> Vec<u8> {
    let detail = r#"<flt:TechnicalError xmlns:flt="urn:fk:tandvard:fault:1"><flt:code>TEC-004</flt:code><flt:message>Tidsgräns inom FK.</flt:message><flt:retryable>true</flt:retryable><flt:logId>c4a1e9f0-7b2d-4c3e-9f10-2a3b4c5d6e7f</flt:logId></flt:TechnicalError>"#;
    let mut fault = Fault::server("Timeout inside FK");
    fault.detail = vec![tandvard_runtime::AnyElement::parse(detail).unwrap()];
    EnvelopeWriter::new(SoapVersion::Soap11).fault(&fault)
}

/// A payload example wrapped in a SOAP 1.1 envelope.
fn wrapped(rel: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(contracts().join(rel)).expect("example");
    let start = text.find("?>").map_or(0, |i| i + 2);
    EnvelopeWriter::new(SoapVersion::Soap11).raw_body(text[start..].trim())
}

fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::new()
        .with_max_attempts(attempts)
        .with_initial_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(100))
        .without_jitter()
}

/// A plain-HTTP transport for the raw server.
fn plain_transport() -> HttpsTransport {
    HttpsTransport::builder(client_tls(&Pki::new("unused"), None))
        .allow_http()
        .connect_timeout(Duration::from_secs(5))
        .request_timeout(Duration::from_secs(20))
        .build()
        .expect("transport")
}

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("ends before the guard")
}

fn check_patient_client(server: &Bad, attempts: u32) -> cpi::CheckPatientResponderClient {
    cpi::CheckPatientResponderClient::new(plain_transport())
        .with_endpoint(server.url(cpi::PATH))
        .with_header(request_header())
        .with_retry_policy(fast_retries(attempts))
        .with_timeout(Duration::from_millis(1500))
}

fn submit_claim_client(server: &Bad, attempts: u32) -> sci::SubmitClaimResponderClient {
    sci::SubmitClaimResponderClient::new(plain_transport())
        .with_endpoint(server.url(sci::PATH))
        .with_header(request_header())
        .with_retry_policy(fast_retries(attempts))
        .with_timeout(Duration::from_millis(1500))
}

async fn check_patient(
    client: &cpi::CheckPatientResponderClient,
) -> Result<
    tandvard_bindings::check_patient_responder_v2::CheckPatientResponseType,
    Error<cpi::CheckPatientFault>,
> {
    bounded(client.check_patient(example("check-patient/examples/CheckPatientRequest.xml"))).await
}

fn claim() -> tandvard_bindings::submit_claim_responder_v2::SubmitClaimType {
    example("submit-claim/examples/SubmitClaimRequest.xml")
}

/// The acts a safe read recovers from by retrying once, and whether the first request
/// reached the server in full.
const RECOVERED: [(Act, bool); 9] = [
    (Act::ResetBeforeRead, false),
    (Act::ResetAfterRead, true),
    (Act::Fault500, true),
    (Act::Fault503, true),
    (Act::Text503, true),
    (Act::Truncated, true),
    (Act::GarbageThenClose, true),
    (Act::MalformedChunk, true),
    (Act::Slow, true),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_safe_read_is_retried_through_every_transient_failure() {
    let ok = wrapped("check-patient/examples/CheckPatientResponse.xml");
    for (act, read_in_full) in RECOVERED {
        let server = bad(vec![act], Act::Ok, ok.clone()).await;
        let got = check_patient(&check_patient_client(&server, 3)).await;
        assert!(got.is_ok(), "{act:?}: {got:?}");
        let want = if read_in_full { 2 } else { 1 };
        assert_eq!(server.received(), want, "{act:?}: requests read in full");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_safe_read_is_not_retried_after_an_answer_the_policy_does_not_retry() {
    let ok = wrapped("check-patient/examples/CheckPatientResponse.xml");
    // A 500 without a SOAP envelope and an empty 200 are not retried (the policy retries
    // 429, 502, 503, 504 and retryable faults); the service may have processed the request.
    for act in [Act::Html500, Act::Empty] {
        let server = bad(vec![act], Act::Ok, ok.clone()).await;
        let err = check_patient(&check_patient_client(&server, 3))
            .await
            .expect_err("not retried");
        assert_eq!(server.received(), 1, "{act:?}");
        assert_eq!(err.attempts(), 1, "{act:?}");
        assert!(err.outcome_unknown(), "{act:?}: {err}");
        assert!(
            err.to_string().contains("may have been processed"),
            "{act:?}: {err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_attempt_fails_the_error_counts_them_and_keeps_the_first_unknown_outcome() {
    let ok = wrapped("check-patient/examples/CheckPatientResponse.xml");
    let server = bad(
        vec![Act::ResetAfterRead, Act::Text503],
        Act::Fault503,
        ok.clone(),
    )
    .await;
    let err = check_patient(&check_patient_client(&server, 3))
        .await
        .expect_err("three failures");
    assert_eq!(server.received(), 3);
    assert_eq!(err.attempts(), 3);
    let Error::Retried(r) = &err else {
        panic!("{err:?}")
    };
    assert!(!r.deadline_reached);
    // The last answer was a 503 (refused, not processed) ...
    assert_eq!(err.status(), Some(503));
    assert!(r.last.first_unknown().is_none());
    // ... but the first attempt's connection dropped after the request was read.
    let Some((1, Error::Transport(first))) = &r.first_unknown else {
        panic!("the first attempt's error: {r:?}")
    };
    assert_eq!(first.kind(), TransportErrorKind::Io, "{first}");
    assert!(err.outcome_unknown());
    let text = err.to_string();
    assert!(text.contains("after 3 attempts"), "{text}");
    assert!(text.contains("may have been processed"), "{text}");
    assert!(text.contains("attempt 1"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_claim_without_its_key_is_never_sent_twice() {
    let ok = wrapped("submit-claim/examples/SubmitClaimResponse.xml");
    let unknown = [
        Act::ResetBeforeRead,
        Act::ResetAfterRead,
        Act::Html500,
        Act::Truncated,
        Act::GarbageThenClose,
        Act::MalformedChunk,
        Act::Slow,
    ];
    let known = [Act::Fault500, Act::Fault503, Act::Text503];
    for act in unknown.into_iter().chain(known) {
        let server = bad(vec![act], Act::Ok, ok.clone()).await;
        let err = bounded(submit_claim_client(&server, 4).submit_claim(claim()))
            .await
            .expect_err("one failed attempt");
        assert_eq!(server.connections(), 1, "{act:?}: one connection");
        assert!(server.received() <= 1, "{act:?}: at most one request");
        assert_eq!(err.attempts(), 1, "{act:?}");
        assert_eq!(
            err.outcome_unknown(),
            unknown.contains(&act),
            "{act:?}: {err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsafe_operation_is_not_resent_even_with_a_key() {
    let ok = wrapped("submit-claim/examples/SubmitClaimResponse.xml");
    let server = bad(vec![Act::ResetAfterRead], Act::Ok, ok).await;
    let request = claim();
    let key = request.claim.client_claim_id.get().to_string();
    let client = submit_claim_client(&server, 4).with_retry_policy(
        fast_retries(4).with_override(sci::SUBMIT_CLAIM.name, Idempotency::Unsafe),
    );
    let err = bounded(client.with_idempotency_key(&key).submit_claim(request))
        .await
        .expect_err("not resent");
    assert_eq!(server.received(), 1);
    assert_eq!(server.connections(), 1);
    assert!(err.outcome_unknown(), "{err}");
}

/// The idempotency keys of the requests the server read.
fn keys(server: &Bad) -> Vec<Option<String>> {
    server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|body| {
            let env =
                tandvard_runtime::soap::read_envelope(body, &ReadOptions::default(), |r, s| {
                    r.skip(s)
                })
                .expect("request envelope");
            let h: RequestHeaderType = env.headers.get().expect("header").expect("header reads");
            h.idempotency_key.map(|k| k.get().to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_claim_with_its_key_is_resent_with_the_same_key() {
    let ok = wrapped("submit-claim/examples/SubmitClaimResponse.xml");
    for act in [
        Act::ResetAfterRead,
        Act::Truncated,
        Act::Slow,
        Act::Fault500,
    ] {
        let server = bad(vec![act], Act::Ok, ok.clone()).await;
        let request = claim();
        let key = request.claim.client_claim_id.get().to_string();
        let got = bounded(
            submit_claim_client(&server, 4)
                .with_idempotency_key(&key)
                .submit_claim(request),
        )
        .await;
        assert!(got.is_ok(), "{act:?}: {got:?}");
        assert_eq!(
            keys(&server),
            vec![Some(key.clone()), Some(key.clone())],
            "{act:?}: twice, with the same key"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_bounds_the_call_with_all_its_retries() {
    let ok = wrapped("check-patient/examples/CheckPatientResponse.xml");
    // Every attempt is slower than its timeout; 50 attempts would take over a minute.
    let server = bad(Vec::new(), Act::Slow, ok.clone()).await;
    let client = cpi::CheckPatientResponderClient::new(plain_transport())
        .with_endpoint(server.url(cpi::PATH))
        .with_header(request_header())
        .with_retry_policy(fast_retries(50))
        .with_timeout(Duration::from_millis(400))
        .with_call_options(tandvard_runtime::client::CallOptions {
            deadline: Some(Duration::from_millis(1500)),
            ..Default::default()
        });
    let err = check_patient(&client).await.expect_err("deadline");
    let Error::Retried(r) = &err else {
        panic!("{err:?}")
    };
    assert!(r.deadline_reached, "{err}");
    assert!(r.attempts >= 2 && r.attempts < 50, "{err}");
    assert!(server.received() <= r.attempts as usize);
    assert!(err.is_timeout());
    assert!(err.to_string().contains("deadline"), "{err}");

    // A Retry-After beyond the deadline: no retry is started.
    let server = bad(Vec::new(), Act::RetryAfter503, ok).await;
    let client = cpi::CheckPatientResponderClient::new(plain_transport())
        .with_endpoint(server.url(cpi::PATH))
        .with_header(request_header())
        .with_retry_policy(RetryPolicy::new().with_max_attempts(4));
    let err = check_patient(
        &client.with_call_options(tandvard_runtime::client::CallOptions {
            deadline: Some(Duration::from_secs(5)),
            ..Default::default()
        }),
    )
    .await
    .expect_err("deadline");
    assert_eq!(server.received(), 1);
    assert_eq!(err.attempts(), 1);
    assert!(
        matches!(&err, Error::Retried(r) if r.deadline_reached),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(503));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_tls_handshake_times_out_and_nothing_was_sent() {
    // Accepts TCP connections and never answers the ClientHello.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let a = accepted.clone();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        for _ in 0..10 {
            if let Ok((sock, _)) = listener.accept().await {
                a.fetch_add(1, Ordering::SeqCst);
                held.push(sock);
            }
        }
        tokio::time::sleep(LIMIT).await;
    });
    let pki = Pki::new("stalled CA");
    let t = HttpsTransport::builder(client_tls(&pki, None))
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let client = cpi::CheckPatientResponderClient::new(t)
        .with_endpoint(format!("https://localhost:{port}{}", cpi::PATH))
        .with_header(request_header())
        .with_retry_policy(fast_retries(2));
    let err = check_patient(&client).await.expect_err("stalled");
    assert_eq!(err.attempts(), 2, "{err}");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
    assert!(err.is_timeout(), "{err:?}");
    assert!(!err.outcome_unknown(), "nothing was sent: {err}");
    assert!(
        !err.to_string().contains("may have been processed"),
        "{err}"
    );
    task.abort();
}
