//! What goes wrong, over real HTTPS on loopback: SOAP faults with typed detail, a non-XML
//! 500, a timeout, an oversized response (announced and streamed), a DOCTYPE, a redirect;
//! and the retry rules: reads are retried, Submit Claim only with its idempotency key.
//! Every case ends with a clear error and no panic, within a bounded time.

#[path = "soap_common.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use tandvard_bindings::check_patient_responder_interface as cpi;
use tandvard_bindings::check_patient_responder_v2::{CheckPatientResponseType, CheckPatientType};
use tandvard_bindings::common_v1::RequestHeaderType;
use tandvard_bindings::fault_v1::TechnicalErrorType;
use tandvard_bindings::submit_claim_responder_interface as sci;
use tandvard_bindings::test_responder_interface as ti;
use tandvard_bindings::test_responder_v1::PingType;
use tandvard_runtime::client::{Error, RetryPolicy};
use tandvard_runtime::server::{Route, Router, ServerRequest, ServerResponse};
use tandvard_runtime::soap::{
    EnvelopeWriter, Fault, FaultCode, QualifiedName, SoapFault, SoapVersion,
};
use tandvard_runtime::transport::{HttpsTransport, TransportErrorKind};
use tandvard_runtime::{ErrorKind, ReadOptions};

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .with_initial_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(200))
        .without_jitter()
}

/// The route of `op` at `path`.
fn route_of(op: &tandvard_runtime::soap::Operation, path: &str) -> Route {
    Route {
        path: path.to_string(),
        action: op.action.to_string(),
        element: QualifiedName::new(op.request.0, op.request.1),
        interface: op.interface.into(),
        operation: op.name.into(),
    }
}

/// A route for `op` at `path` answering every request through `f` (given the attempt
/// number, from 1, and the request).
fn canned(
    op: &tandvard_runtime::soap::Operation,
    path: &str,
    f: impl Fn(usize, &ServerRequest) -> ServerResponse + Send + Sync + 'static,
) -> (Router, Arc<AtomicUsize>, Arc<Mutex<Vec<ServerRequest>>>) {
    let count = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (c, rq) = (count.clone(), requests.clone());
    let f = Arc::new(f);
    let router = Router::new().route(route_of(op, path), move |req: ServerRequest| {
        let n = c.fetch_add(1, Ordering::SeqCst) + 1;
        rq.lock().unwrap().push(req.clone());
        let resp = f(n, &req);
        async move { resp }
    });
    (router, count, requests)
}

fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> ServerResponse {
    ServerResponse {
        status,
        content_type: content_type.to_string(),
        body: body.into(),
        transport_fault: None,
    }
}

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(contracts().join(rel)).expect("example")
}

/// A payload example wrapped in a SOAP 1.1 envelope.
fn wrapped(rel: &str) -> Vec<u8> {
    let text = String::from_utf8(file(rel)).unwrap();
    let start = text.find("?>").map_or(0, |i| i + 2);
    EnvelopeWriter::new(SoapVersion::Soap11).raw_body(text[start..].trim())
}

async fn tls_server(router: Router) -> (Pki, tandvard_runtime::server::ServerHandle) {
    let pki = Pki::new("errors CA");
    let server = serve_tls(router, &pki, None).await;
    (pki, server)
}

fn ping_client(
    pki: &Pki,
    server: &tandvard_runtime::server::ServerHandle,
) -> ti::TestResponderClient {
    ti::TestResponderClient::new(transport(client_tls(pki, None)))
        .with_endpoint(url(server, ti::PATH))
        .with_retry_policy(RetryPolicy::none())
}

fn ping() -> PingType {
    example("test/examples/PingRequest.xml")
}

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f).await.expect("ends in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_soap_fault_with_detail_becomes_the_typed_fault() {
    let (router, count, _) = canned(&cpi::CHECK_PATIENT, cpi::PATH, |_, _| {
        text(
            500,
            "text/xml; charset=utf-8",
            file("check-patient/examples/CheckPatientResponse_fault_envelope.xml"),
        )
    });
    let (pki, server) = tls_server(router).await;
    // The default retry policy: CheckPatient is safe and the fault says retryable, but asks
    // for 7200 s, beyond the 5 min cap: not retried, the fault is returned at once.
    let client = cpi::CheckPatientResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, cpi::PATH))
        .with_header(request_header());
    let started = Instant::now();
    let err =
        bounded(client.check_patient(example("check-patient/examples/CheckPatientRequest.xml")))
            .await
            .expect_err("a fault");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let fault = err.fault().expect("a SOAP fault");
    assert_eq!(fault.fault.code, FaultCode::Server);
    assert_eq!(
        fault.fault.reason,
        "Tjänsten är stängd för planerat underhåll."
    );
    assert_eq!(fault.fault.lang.as_deref(), Some("sv"));
    let Some(cpi::CheckPatientFault::TechnicalFault(tech)) = err.detail() else {
        panic!("typed detail expected: {err:?}");
    };
    assert_eq!(tech.code.as_str(), "TEC-003");
    assert!(tech.retryable);
    assert_eq!(
        tech.retry_after_seconds.as_ref().map(|s| *s.get()),
        Some(7200)
    );
    assert!(err.to_string().contains("TechnicalFault"), "{err}");
}

struct Failing;

impl cpi::CheckPatientResponderService for Failing {
    async fn check_patient(
        &self,
        _: CheckPatientType,
        _: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Result<CheckPatientResponseType, SoapFault<cpi::CheckPatientFault>> {
        let env = file("check-patient/examples/CheckPatientResponse_fault_envelope.xml");
        let tech: TechnicalErrorType =
            tandvard_runtime::soap::read_envelope(&env, &ReadOptions::default(), |r, s| r.skip(s))
                .ok()
                .and_then(|e| match e.body {
                    tandvard_runtime::soap::Body::Fault(f) => f.detail.first().cloned(),
                    _ => None,
                })
                .and_then(|d| tandvard_runtime::from_xml(d.as_str().as_bytes()).ok())
                .expect("the example detail");
        Err(SoapFault::server("Underhåll")
            .with_detail(cpi::CheckPatientFault::TechnicalFault(tech)))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_server_fault_reaches_the_client_typed() {
    let (pki, server) = tls_server(cpi::router(Failing)).await;
    let client = cpi::CheckPatientResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, cpi::PATH))
        .with_header(request_header())
        .with_retry_policy(RetryPolicy::none());
    let err =
        bounded(client.check_patient(example("check-patient/examples/CheckPatientRequest.xml")))
            .await
            .expect_err("a fault");
    assert_eq!(
        err.fault().map(|f| f.fault.reason.as_str()),
        Some("Underhåll")
    );
    let Some(cpi::CheckPatientFault::TechnicalFault(tech)) = err.detail() else {
        panic!("typed detail expected: {err:?}");
    };
    assert_eq!(tech.code.as_str(), "TEC-003");
    assert_eq!(err.status(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_xml_500_is_an_http_error_with_the_body_start() {
    let (router, _, _) = canned(&ti::PING, ti::PATH, |_, _| {
        text(
            500,
            "text/html",
            "<html><body>Internal Server Error</body></html>",
        )
    });
    let (pki, server) = tls_server(router).await;
    let err = bounded(ping_client(&pki, &server).ping(ping()))
        .await
        .expect_err("500");
    match &err {
        Error::Http {
            status,
            content_type,
            body_snippet,
            ..
        } => {
            assert_eq!(*status, 500);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(body_snippet.contains("Internal Server Error"));
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert!(err.to_string().starts_with("HTTP 500"), "{err}");
    // And plain text that is not even markup, with a 502 from a proxy.
    let (router, _, _) = canned(&ti::PING, ti::PATH, |_, _| {
        text(502, "text/plain", "Bad gateway")
    });
    let (pki, server) = tls_server(router).await;
    let err = bounded(ping_client(&pki, &server).ping(ping()))
        .await
        .expect_err("502");
    assert_eq!(err.status(), Some(502));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_a_timeout_error() {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let router = Router::new()
        .route(route_of(&ti::PING, ti::PATH), {
            let c = c.clone();
            move |_req: ServerRequest| {
                c.fetch_add(1, Ordering::SeqCst);
                async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    text(200, "text/xml", "")
                }
            }
        })
        .route(
            route_of(&sci::SUBMIT_CLAIM, ti::PATH),
            move |_req: ServerRequest| {
                c.fetch_add(1, Ordering::SeqCst);
                async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    text(200, "text/xml", "")
                }
            },
        );
    let (pki, server) = tls_server(router).await;
    let started = Instant::now();
    let client =
        ping_client(&pki, &server).with_operation_timeout("Ping", Duration::from_millis(300));
    let err = bounded(client.ping(ping())).await.expect_err("timeout");
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // Submit Claim without an idempotency key: a timeout is not retried.
    let client = sci::SubmitClaimResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, ti::PATH))
        .with_header(request_header())
        .with_retry_policy(fast_retries())
        .with_timeout(Duration::from_millis(300));
    let err = bounded(client.submit_claim(example("submit-claim/examples/SubmitClaimRequest.xml")))
        .await
        .expect_err("timeout");
    assert!(err.is_timeout());
    assert_eq!(
        count.load(Ordering::SeqCst),
        2,
        "one attempt, no silent retry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_response_is_refused() {
    let big = vec![b'x'; 1024 * 1024];
    let (router, _, _) = canned(&ti::PING, ti::PATH, move |_, _| {
        text(200, "text/xml", big.clone())
    });
    let (pki, server) = tls_server(router).await;
    let client = ping_client(&pki, &server).with_max_response_size(64 * 1024);
    let err = bounded(client.ping(ping())).await.expect_err("too large");
    assert!(matches!(err, Error::TooLarge { limit: 65536 }), "{err:?}");
    assert!(err.to_string().contains("65536"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_streamed_response_is_cut_off() {
    // A raw HTTP server that streams an endless chunked body (no Content-Length).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicUsize::new(0));
    let s = sent.clone();
    let task = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let _ = sock.read(&mut buf).await;
        let _ = sock
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n",
            )
            .await;
        let chunk = format!("4000\r\n{}\r\n", "<".repeat(0x4000));
        for _ in 0..4096 {
            if sock.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            s.fetch_add(0x4000, Ordering::SeqCst);
        }
    });
    let pki = Pki::new("unused");
    let t = HttpsTransport::builder(client_tls(&pki, None))
        .allow_http()
        .max_response_size(100 * 1024)
        .build()
        .unwrap();
    let client = ti::TestResponderClient::new(t)
        .with_endpoint(format!("http://{addr}{}", ti::PATH))
        .with_retry_policy(RetryPolicy::none());
    let err = bounded(client.ping(ping())).await.expect_err("too large");
    assert!(matches!(err, Error::TooLarge { limit: 102400 }), "{err:?}");
    task.abort();
    // The client stopped reading long before the server's 64 MiB were sent.
    assert!(sent.load(Ordering::SeqCst) < 32 * 1024 * 1024);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_with_a_doctype_is_refused() {
    let (router, _, _) = canned(&ti::PING, ti::PATH, |_, _| {
        text(
            200,
            "text/xml",
            r#"<?xml version="1.0"?>
<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><x>&lol2;</x></soapenv:Body></soapenv:Envelope>"#,
        )
    });
    let (pki, server) = tls_server(router).await;
    let err = bounded(ping_client(&pki, &server).ping(ping()))
        .await
        .expect_err("DOCTYPE");
    match &err {
        Error::Xml { status, error, .. } => {
            assert_eq!(*status, 200);
            assert_eq!(error.kind(), &ErrorKind::DocType);
            assert_eq!(error.line, 2);
        }
        other => panic!("expected an XML error, got {other:?}"),
    }
    assert!(err.to_string().contains("DOCTYPE"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_deep_or_wrong_responses_are_clear_errors() {
    // Nesting deeper than the limit (128), in a header block the client skips over.
    let deep = format!(
        r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header>{}{}</e:Header><e:Body/></e:Envelope>"#,
        "<a>".repeat(500),
        "</a>".repeat(500)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", b"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>".to_vec(), "end of document"),
        ("deep", deep.into_bytes(), "nesting"),
        ("not an envelope", b"<PingResponse xmlns=\"urn:fk:tandvard:TestResponder:1\"/>".to_vec(), "SOAP envelope"),
        ("wrong payload", wrapped("check-patient/examples/CheckPatientResponse.xml"), "PingResponse"),
        ("empty", Vec::new(), "no root element"),
        // A UTF-16 byte order mark is decoded (issue 17); what follows is no XML.
        ("binary", vec![0xff, 0xfe, 0x00, 0x3c], "text before the root element"),
    ];
    for (name, body, needle) in cases {
        let b = body.clone();
        let (router, _, _) = canned(&ti::PING, ti::PATH, move |_, _| {
            text(200, "text/xml", b.clone())
        });
        let (pki, server) = tls_server(router).await;
        let err = bounded(ping_client(&pki, &server).ping(ping()))
            .await
            .expect_err(name);
        assert!(matches!(err, Error::Xml { .. }), "{name}: {err:?}");
        assert!(err.to_string().contains(needle), "{name}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_not_followed() {
    let (router, count, _) = canned(&ti::PING, ti::PATH, |_, _| ServerResponse {
        status: 302,
        content_type: "text/plain".into(),
        body: Vec::new(),
        transport_fault: None,
    });
    let (pki, server) = tls_server(router).await;
    let err = bounded(ping_client(&pki, &server).ping(ping()))
        .await
        .expect_err("302");
    match &err {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Redirect, "{e}"),
        other => panic!("expected a redirect error, got {other:?}"),
    }
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_is_retried_after_a_503() {
    let (router, count, requests) = canned(&cpi::CHECK_PATIENT, cpi::PATH, |n, _| {
        if n == 1 {
            text(503, "text/plain", "busy")
        } else {
            text(
                200,
                "text/xml",
                wrapped("check-patient/examples/CheckPatientResponse.xml"),
            )
        }
    });
    let (pki, server) = tls_server(router).await;
    let client = cpi::CheckPatientResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, cpi::PATH))
        .with_header(request_header())
        .with_retry_policy(fast_retries());
    let got =
        bounded(client.check_patient(example("check-patient/examples/CheckPatientRequest.xml")))
            .await
            .expect("succeeds on the second attempt");
    let want: CheckPatientResponseType = example("check-patient/examples/CheckPatientResponse.xml");
    assert_eq!(got, want);
    assert_eq!(count.load(Ordering::SeqCst), 2);
    let ids = header_values(&requests);
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0].0, ids[1].0, "a fresh message id per attempt");
}

/// (messageId, idempotencyKey) of each request received.
fn header_values(requests: &Mutex<Vec<ServerRequest>>) -> Vec<(String, Option<String>)> {
    requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| {
            let env =
                tandvard_runtime::soap::read_envelope(&r.body, &ReadOptions::default(), |r, s| {
                    r.skip(s)
                })
                .expect("request envelope");
            let h: RequestHeaderType = env.headers.get().expect("header").expect("header reads");
            (
                h.message_id.get().to_string(),
                h.idempotency_key.map(|k| k.get().to_string()),
            )
        })
        .collect()
}

fn tec004_then_ok(n: usize, _: &ServerRequest) -> ServerResponse {
    if n == 1 {
        let detail = r#"<flt:TechnicalError xmlns:flt="urn:fk:tandvard:fault:1"><flt:code>TEC-004</flt:code><flt:message>Tidsgräns inom FK.</flt:message><flt:retryable>true</flt:retryable><flt:logId>c4a1e9f0-7b2d-4c3e-9f10-2a3b4c5d6e7f</flt:logId></flt:TechnicalError>"#;
        let mut fault = Fault::server("Timeout inside FK");
        fault.detail = vec![tandvard_runtime::AnyElement::parse(detail).unwrap()];
        ServerResponse::fault(SoapVersion::Soap11, &fault)
    } else {
        text(
            200,
            "text/xml",
            wrapped("submit-claim/examples/SubmitClaimResponse.xml"),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_claim_is_never_retried_without_its_key() {
    let (router, count, _) = canned(&sci::SUBMIT_CLAIM, sci::PATH, tec004_then_ok);
    let (pki, server) = tls_server(router).await;
    let client = sci::SubmitClaimResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, sci::PATH))
        .with_header(request_header())
        .with_retry_policy(fast_retries());
    let err = bounded(client.submit_claim(example("submit-claim/examples/SubmitClaimRequest.xml")))
        .await
        .expect_err("the retryable fault is returned");
    let Some(sci::SubmitClaimFault::TechnicalFault(tech)) = err.detail() else {
        panic!("{err:?}")
    };
    assert_eq!(tech.code.as_str(), "TEC-004");
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "no silent retry without the key"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_claim_with_its_key_is_retried_with_the_same_key() {
    let (router, count, requests) = canned(&sci::SUBMIT_CLAIM, sci::PATH, tec004_then_ok);
    let (pki, server) = tls_server(router).await;
    let request: tandvard_bindings::submit_claim_responder_v2::SubmitClaimType =
        example("submit-claim/examples/SubmitClaimRequest.xml");
    let key = request.claim.client_claim_id.get().to_string();
    let client = sci::SubmitClaimResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, sci::PATH))
        .with_header(request_header())
        .with_retry_policy(fast_retries());
    let got = bounded(client.with_idempotency_key(&key).submit_claim(request))
        .await
        .expect("the second attempt succeeds");
    assert_eq!(got.result.result_code.as_str(), "OK");
    assert_eq!(count.load(Ordering::SeqCst), 2);
    let seen = header_values(&requests);
    assert_eq!(seen[0].1.as_deref(), Some(key.as_str()));
    assert_eq!(
        seen[1].1.as_deref(),
        Some(key.as_str()),
        "the same key on the retry"
    );
    assert_ne!(seen[0].0, seen[1].0, "a fresh message id per attempt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_that_does_not_fit_the_header_is_refused_before_sending() {
    let (router, count, _) = canned(&sci::SUBMIT_CLAIM, sci::PATH, tec004_then_ok);
    let (pki, server) = tls_server(router).await;
    let client = sci::SubmitClaimResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, sci::PATH))
        .with_header(request_header());
    let err = bounded(
        client
            .with_idempotency_key("not-a-uuid")
            .submit_claim(example("submit-claim/examples/SubmitClaimRequest.xml")),
    )
    .await
    .expect_err("refused");
    assert!(matches!(err, Error::Request(_)), "{err:?}");
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_server_answers_bad_requests_with_client_faults() {
    let router = cpi::router(Examples::default());
    let post = |body: Vec<u8>| {
        router.handle(ServerRequest::new(
            cpi::PATH,
            Some("text/xml; charset=utf-8"),
            Some("\"urn:fk:tandvard:CheckPatientResponder:2:CheckPatient\""),
            body,
        ))
    };
    // No RequestHeader.
    let resp = post(wrapped("check-patient/examples/CheckPatientRequest.xml")).await;
    assert_eq!(resp.status, 500);
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    assert!(
        body.contains("soapenv:Client") && body.contains("missing header"),
        "{body}"
    );
    // An invalid payload: the fault names the element path.
    let bad = String::from_utf8(file(
        "check-patient/examples/CheckPatientRequest_envelope.xml",
    ))
    .unwrap()
    .replace("TREATED", "SOMETIMES");
    let resp = post(bad.into_bytes()).await;
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    assert!(
        body.contains("soapenv:Client") && body.contains("relationship"),
        "{body}"
    );
    // A mustUnderstand header block the operation does not declare.
    let mu = String::from_utf8(file(
        "check-patient/examples/CheckPatientRequest_envelope.xml",
    ))
    .unwrap()
    .replace(
        "<soapenv:Header>",
        "<soapenv:Header><x:Security xmlns:x=\"urn:x\" soapenv:mustUnderstand=\"1\"/>",
    );
    let resp = post(mu.into_bytes()).await;
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    assert!(body.contains("soapenv:MustUnderstand"), "{body}");
    // A DOCTYPE in the request.
    let resp = post(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>".to_vec()).await;
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    assert_eq!(resp.status, 500);
    assert!(body.contains("DOCTYPE"), "{body}");
}
