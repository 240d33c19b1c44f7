//! End to end over real HTTPS with mutual TLS on loopback (certificates made here with
//! rcgen): every operation of the 13 interfaces through the generated client against the
//! generated server, and against `serve-mock`; the blocking client; business rejections;
//! the client identity from PKCS#12.

#[path = "soap_common.rs"]
mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use tandvard_bindings::submit_claim_responder_interface as sci;
use tandvard_bindings::submit_claim_responder_v2::{SubmitClaimResponseType, SubmitClaimType};
use tandvard_bindings::test_responder_interface as ti;
use tandvard_bindings::test_responder_v1::{PingResponseType, PingType};
use tandvard_runtime::soap::{BusinessResult, ResultCode, SoapFault};
use tandvard_runtime::transport::TlsConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_interface_end_to_end_through_generated_client_and_server() {
    let server_pki = Pki::new("FK test server CA");
    let client_pki = Pki::new("SITHS test CA");
    let service = Examples::default();
    let server = serve_tls(service.router(), &server_pki, Some(&client_pki)).await;
    let id = client_pki.client("Exempel Journal AB funktionscertifikat");
    let clients = Clients::new(
        transport(client_tls(&server_pki, Some(&id))),
        &base_url(&server),
        false,
    );
    let calls = tokio::time::timeout(LIMIT, clients.call_every_operation())
        .await
        .expect("in time");
    assert_eq!(calls, 20);

    let seen = service.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 20, "every call reached the service once");
    // The common header went with every operation that declares it, with a fresh message id.
    let with_header: Vec<_> = seen.iter().filter(|s| s.message_id.is_some()).collect();
    assert_eq!(
        with_header.len(),
        18,
        "all but Ping and WhoAmI carry the RequestHeader"
    );
    for s in &seen {
        let expects_header = !matches!(s.operation, "Ping" | "WhoAmI");
        assert_eq!(s.message_id.is_some(), expects_header, "{}", s.operation);
    }
    let ids: HashSet<_> = with_header.iter().map(|s| s.message_id.clone()).collect();
    assert_eq!(ids.len(), 18, "message ids are unique per call");
    let example_id = request_header().message_id.get().to_string();
    assert!(
        !ids.contains(&Some(example_id)),
        "the id set on the client is replaced"
    );
    for s in &with_header {
        let sent = s.sent_at.as_deref().unwrap_or("");
        assert!(
            sent.ends_with('Z') && sent.starts_with("20"),
            "sentAt {sent}"
        );
        assert_eq!(s.idempotency_key, None);
    }
    server.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_mock_answers_every_operation_at_its_path_and_at_root() {
    let journal_path =
        std::env::temp_dir().join(format!("tandvard-journal-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&journal_path);
    let loaded =
        tandvard_codegen::load_contracts(&[contracts()], &tandvard_codegen::wsdl::Catalog::new())
            .expect("contracts load");
    let mock = tandvard_codegen_cli::mock::mock_with(
        &loaded.contract,
        &loaded.base_dir,
        tandvard_codegen_cli::mock::MockOptions {
            journal: tandvard_codegen_cli::mock::journal::Journal::to_file(&journal_path)
                .expect("journal"),
            ..Default::default()
        },
    )
    .expect("mock builds");
    assert!(mock.warnings.is_empty(), "{:?}", mock.warnings);
    assert_eq!(mock.routes.len(), 20);
    let server_pki = Pki::new("mock server CA");
    let client_pki = Pki::new("mock client CA");
    let server = serve_tls(mock.router, &server_pki, Some(&client_pki)).await;
    let id = client_pki.client("vendor");
    for at_root in [false, true] {
        let clients = Clients::new(
            transport(client_tls(&server_pki, Some(&id))),
            &base_url(&server),
            at_root,
        );
        let calls = tokio::time::timeout(LIMIT, clients.call_every_operation())
            .await
            .expect("in time");
        assert_eq!(calls, 20);
    }
    // The mock checks the request: the header block is required where declared.
    let bare = sci::SubmitClaimResponderClient::new(transport(client_tls(&server_pki, Some(&id))))
        .with_endpoint(url(&server, "/tandvard/SubmitClaim/2"))
        .with_retry_policy(tandvard_runtime::client::RetryPolicy::none());
    let err = bare
        .submit_claim(example("submit-claim/examples/SubmitClaimRequest.xml"))
        .await
        .expect_err("no header set on the client");
    assert!(err.to_string().contains("header block"), "{err}");
    // Without a client certificate the mock refuses the connection.
    let anonymous = ti::TestResponderClient::new(transport(client_tls(&server_pki, None)))
        .with_endpoint(url(&server, "/tandvard/Test/1"))
        .with_retry_policy(tandvard_runtime::client::RetryPolicy::none());
    let err = tokio::time::timeout(
        LIMIT,
        anonymous.ping(example::<PingType>("test/examples/PingRequest.xml")),
    )
    .await
    .expect("in time")
    .expect_err("refused without a certificate");
    assert!(
        matches!(err, tandvard_runtime::client::Error::Transport(_)),
        "{err:?}"
    );
    server.shutdown();
    // The journal names each operation and who called: the verified certificate.
    let journal = std::fs::read_to_string(&journal_path).expect("journal written");
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(
        lines.len(),
        40,
        "20 operations, at their paths and at the root"
    );
    let entries: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(
        entries
            .iter()
            .any(|e| e["interface"] == "CheckPatientResponderInterface"
                && e["operation"] == "CheckPatient"
                && e["status"] == 200)
    );
    let first = &entries[0];
    assert!(
        first["client"]
            .as_str()
            .is_some_and(|c| c.contains("CN=vendor")),
        "{first}"
    );
    assert!(
        first["client_issuer"]
            .as_str()
            .is_some_and(|c| c.contains("CN=mock client CA")),
        "{first}"
    );
    assert!(entries.iter().all(|e| e["status"] == 200), "{journal}");
    let _ = std::fs::remove_file(&journal_path);
}

#[test]
fn blocking_client_calls_without_an_async_runtime() {
    let server_pki = Pki::new("blocking server CA");
    let client_pki = Pki::new("blocking client CA");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let service = Examples::default();
    let server = rt.block_on(serve_tls(service.router(), &server_pki, Some(&client_pki)));
    let id = client_pki.client("blocking vendor");
    let client = ti::TestResponderClient::new(transport(client_tls(&server_pki, Some(&id))))
        .with_endpoint(url(&server, ti::PATH))
        .with_header(request_header());
    let blocking = ti::TestResponderBlockingClient::new(client).expect("runtime starts");
    let got = blocking
        .ping(example::<PingType>("test/examples/PingRequest.xml"))
        .expect("ping");
    let want: PingResponseType = example("test/examples/PingResponse.xml");
    assert_eq!(got, want);
    let echo = blocking
        .echo(example("test/examples/EchoRequest.xml"))
        .expect("echo");
    assert_eq!(echo.result.result_code.as_str(), "OK");
    // Inside an async runtime the blocking client refuses instead of panicking.
    let err = rt
        .block_on(async { blocking.ping(example::<PingType>("test/examples/PingRequest.xml")) })
        .expect_err("refused inside a runtime");
    assert!(err.to_string().contains("inside an async runtime"), "{err}");
    drop(server);
}

/// Answers Submit Claim with the rejected example.
struct Rejecting;

impl sci::SubmitClaimResponderService for Rejecting {
    async fn submit_claim(
        &self,
        _: SubmitClaimType,
        _: tandvard_bindings::common_v1::RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Result<SubmitClaimResponseType, SoapFault<sci::SubmitClaimFault>> {
        Ok(example(
            "submit-claim/examples/SubmitClaimResponse_rejected.xml",
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_business_rejection_is_a_response_and_ensure_ok_makes_it_an_error() {
    let pki = Pki::new("rejection CA");
    let server = serve_tls(sci::router(Rejecting), &pki, Some(&pki)).await;
    let id = pki.client("vendor");
    let client = sci::SubmitClaimResponderClient::new(transport(client_tls(&pki, Some(&id))))
        .with_endpoint(url(&server, sci::PATH))
        .with_header(request_header());
    let response = tokio::time::timeout(
        LIMIT,
        client.submit_claim(example("submit-claim/examples/SubmitClaimRequest.xml")),
    )
    .await
    .expect("in time")
    .expect("a rejection is a response, not an error");
    let outcome = response.outcome();
    assert_eq!(outcome.code, ResultCode::Error);
    assert!(response.is_rejected());
    let code = outcome.error_code.clone().expect("an error code");
    assert!(code.starts_with("CLM-") || code.contains('-'), "{code}");
    assert!(outcome.log_id.is_some());
    let err = response
        .ensure_ok()
        .expect_err("ensure_ok turns it into an error");
    assert!(err.to_string().contains(&code), "{err}");
    assert_eq!(err.outcome, outcome);
    // An accepted claim passes ensure_ok.
    let ok: SubmitClaimResponseType = example("submit-claim/examples/SubmitClaimResponse.xml");
    assert!(ok.ensure_ok().is_ok());
    server.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_identity_from_pkcs12() {
    let server_pki = Pki::new("p12 server CA");
    let client_pki = Pki::new("p12 client CA");
    let server = serve_tls(Examples::default().router(), &server_pki, Some(&client_pki)).await;
    let id = client_pki.client("p12 vendor");
    let p12 = pkcs12(&id, &client_pki.ca_der(), "hemligt lösenord");
    let tls = TlsConfig::new()
        .ca_bundle_pem(server_pki.ca_pem().as_bytes())
        .unwrap()
        .identity_pkcs12(&p12, "hemligt lösenord")
        .expect("PKCS#12 reads");
    let client = ti::TestResponderClient::new(transport(tls)).with_endpoint(url(&server, ti::PATH));
    let got = tokio::time::timeout(
        LIMIT,
        client.ping(example::<PingType>("test/examples/PingRequest.xml")),
    )
    .await
    .expect("in time")
    .expect("mutual TLS with the PKCS#12 identity");
    assert_eq!(got.result.result_code.as_str(), "OK");
    // A wrong password is a clear configuration error.
    let err = TlsConfig::new()
        .identity_pkcs12(&p12, "fel")
        .expect_err("wrong password");
    assert!(err.to_string().contains("PKCS#12"), "{err}");
    server.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkcs12_made_by_openssl_reads() {
    if !tandvard_tests::require_tool("openssl", "openssl") {
        return;
    }
    let pki = Pki::new("openssl CA");
    let id = pki.client("openssl vendor");
    let dir = std::env::temp_dir().join(format!("tandvard-p12-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("c.pem"), &id.cert_pem).unwrap();
    std::fs::write(dir.join("k.pem"), &id.key_pem).unwrap();
    // The modern default (PBES2, AES-256) and the legacy one (3DES and RC2, as older
    // SITHS/Expisoft exports are).
    for (name, extra) in [("modern.p12", vec![]), ("legacy.p12", vec!["-legacy"])] {
        let mut cmd = std::process::Command::new("openssl");
        cmd.args(["pkcs12", "-export", "-passout", "pass:abc123"])
            .arg("-in")
            .arg(dir.join("c.pem"))
            .arg("-inkey")
            .arg(dir.join("k.pem"))
            .arg("-out")
            .arg(dir.join(name))
            .args(&extra);
        let out = cmd.output().expect("openssl runs");
        if !out.status.success() {
            // `-legacy` needs OpenSSL 3's legacy provider; skip what this openssl cannot make.
            eprintln!("SKIP {name}: {}", String::from_utf8_lossy(&out.stderr));
            continue;
        }
        let der = std::fs::read(dir.join(name)).unwrap();
        TlsConfig::new()
            .identity_pkcs12(&der, "abc123")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_connection_pool() {
    let pki = Pki::new("concurrency CA");
    let service = Examples::default();
    let server = serve_tls(service.router(), &pki, Some(&pki)).await;
    let id = pki.client("vendor");
    let client = Arc::new(
        ti::TestResponderClient::new(transport(client_tls(&pki, Some(&id))))
            .with_endpoint(url(&server, ti::PATH))
            .with_header(request_header())
            .with_timeout(Duration::from_secs(10)),
    );
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            c.echo(example("test/examples/EchoRequest.xml")).await
        }));
    }
    for t in tasks {
        let r = tokio::time::timeout(LIMIT, t)
            .await
            .expect("in time")
            .expect("joined");
        r.expect("echo");
    }
    let seen = service.seen.lock().unwrap();
    let ids: HashSet<_> = seen.iter().map(|s| s.message_id.clone()).collect();
    assert_eq!(ids.len(), 32);
    drop(seen);
    server.shutdown();
}

/// Ping bound with SOAP 1.2 (the contracts use 1.1; the runtime speaks both).
static PING12: tandvard_runtime::soap::Operation = tandvard_runtime::soap::Operation {
    version: tandvard_runtime::soap::SoapVersion::Soap12,
    ..ti::PING
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_1_2_round_trip_and_fault() {
    use tandvard_runtime::soap::{FaultCode, NoFault, SoapVersion};
    let pki = Pki::new("soap12 CA");
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = calls.clone();
    let router = tandvard_runtime::server::Router::new().operation(
        &PING12,
        "/soap12",
        move |_req: PingType, _headers| {
            let n = c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move {
                if n == 0 {
                    Ok(example::<PingResponseType>(
                        "test/examples/PingResponse.xml",
                    ))
                } else {
                    Err(SoapFault::<NoFault>::client("second call refused"))
                }
            }
        },
    );
    // Check what goes over the wire: the SOAP 1.2 media type with the action parameter.
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    let inner = Arc::new(router);
    let route = tandvard_runtime::server::Route {
        path: "/soap12".into(),
        action: PING12.action.into(),
        element: tandvard_runtime::soap::QualifiedName::new(PING12.request.0, PING12.request.1),
        interface: PING12.interface.into(),
        operation: PING12.name.into(),
    };
    let spy = tandvard_runtime::server::Router::new().route(
        route,
        move |req: tandvard_runtime::server::ServerRequest| {
            s.lock()
                .unwrap()
                .push((req.version, req.action.clone(), req.content_type.clone()));
            let inner = inner.clone();
            async move { inner.handle(req).await }
        },
    );
    let server = serve_tls(spy, &pki, None).await;
    let soap = tandvard_runtime::client::SoapClient::new(
        transport(client_tls(&pki, None)),
        url(&server, "/soap12"),
    )
    .with_retry_policy(tandvard_runtime::client::RetryPolicy::none());
    let req: PingType = example("test/examples/PingRequest.xml");
    let got: PingResponseType =
        tokio::time::timeout(LIMIT, soap.call::<_, _, NoFault>(&PING12, &req, &[]))
            .await
            .expect("in time")
            .expect("SOAP 1.2 response");
    assert_eq!(
        got,
        example::<PingResponseType>("test/examples/PingResponse.xml")
    );
    let err = tokio::time::timeout(
        LIMIT,
        soap.call::<_, PingResponseType, NoFault>(&PING12, &req, &[]),
    )
    .await
    .expect("in time")
    .expect_err("a SOAP 1.2 fault");
    let fault = err.fault().expect("fault");
    assert_eq!(fault.fault.code, FaultCode::Client, "Sender maps to Client");
    assert_eq!(fault.fault.reason, "second call refused");
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].0, SoapVersion::Soap12);
    assert_eq!(seen[0].1, PING12.action);
    assert!(
        seen[0]
            .2
            .as_deref()
            .unwrap_or("")
            .starts_with("application/soap+xml"),
        "{:?}",
        seen[0].2
    );
    server.shutdown();
}
