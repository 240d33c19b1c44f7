//! Mutual TLS on loopback (certificates made here with rcgen): a client without a
//! certificate, or with one from another CA, is refused; a client refuses a server it does
//! not trust; plain HTTP is refused unless allowed.

#[path = "soap_common.rs"]
mod common;

use common::*;
use tandvard_bindings::test_responder_interface as ti;
use tandvard_bindings::test_responder_v1::PingType;
use tandvard_runtime::client::{Error, RetryPolicy};
use tandvard_runtime::transport::{HttpsTransport, TransportErrorKind};

fn ping() -> PingType {
    example("test/examples/PingRequest.xml")
}

async fn call(
    client: ti::TestResponderClient,
) -> Result<tandvard_bindings::test_responder_v1::PingResponseType, Error<ti::PingFault>> {
    tokio::time::timeout(
        LIMIT,
        client.with_retry_policy(RetryPolicy::none()).ping(ping()),
    )
    .await
    .expect("every call ends in time")
}

struct Setup {
    server_pki: Pki,
    client_pki: Pki,
    service: Examples,
    server: tandvard_runtime::server::ServerHandle,
}

async fn mtls_server() -> Setup {
    let server_pki = Pki::new("server CA");
    let client_pki = Pki::new("client CA");
    let service = Examples::default();
    let server = serve_tls(service.router(), &server_pki, Some(&client_pki)).await;
    Setup {
        server_pki,
        client_pki,
        service,
        server,
    }
}

fn client(s: &Setup, tls: tandvard_runtime::transport::TlsConfig) -> ti::TestResponderClient {
    ti::TestResponderClient::new(transport(tls)).with_endpoint(url(&s.server, ti::PATH))
}

fn assert_refused(err: &Error<ti::PingFault>) {
    match err {
        // Under TLS 1.3 the server checks the client certificate after the client has
        // finished its handshake: the client sees the server's alert (a TLS error) or, when
        // the server closes first, a closed connection.
        Error::Transport(e) => assert!(
            matches!(e.kind(), TransportErrorKind::Tls | TransportErrorKind::Io),
            "{e} ({:?})",
            e.kind()
        ),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_client_certificate_is_accepted() {
    let s = mtls_server().await;
    let id = s.client_pki.client("trusted vendor");
    let got = call(client(&s, client_tls(&s.server_pki, Some(&id)))).await;
    assert!(got.is_ok(), "{got:?}");
    assert_eq!(s.service.seen.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_a_certificate_is_refused() {
    let s = mtls_server().await;
    let err = call(client(&s, client_tls(&s.server_pki, None)))
        .await
        .expect_err("refused");
    assert_refused(&err);
    assert!(
        s.service.seen.lock().unwrap().is_empty(),
        "the service was not called"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_from_another_ca_is_refused() {
    let s = mtls_server().await;
    let rogue = Pki::new("some other CA");
    let id = rogue.client("impostor");
    let err = call(client(&s, client_tls(&s.server_pki, Some(&id))))
        .await
        .expect_err("refused");
    assert_refused(&err);
    assert!(
        s.service.seen.lock().unwrap().is_empty(),
        "the service was not called"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_refuses_a_server_it_does_not_trust() {
    let s = mtls_server().await;
    let id = s.client_pki.client("careful vendor");
    // The client trusts only a CA that did not issue the server's certificate.
    let other = Pki::new("the CA the client expects");
    let err = call(client(&s, client_tls(&other, Some(&id))))
        .await
        .expect_err("untrusted server");
    match &err {
        Error::Transport(e) => {
            assert_eq!(e.kind(), TransportErrorKind::Tls, "{e}");
            assert!(e.to_string().contains("certificate"), "{e}");
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
    assert!(s.service.seen.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_1_3_only_works_and_tls_1_2_is_the_floor() {
    let s = mtls_server().await;
    let id = s.client_pki.client("modern vendor");
    let tls = client_tls(&s.server_pki, Some(&id)).tls13_only();
    assert!(call(client(&s, tls)).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_refused_unless_allowed() {
    let service = Examples::default();
    let server = serve_plain(service.router()).await;
    let endpoint = format!(
        "http://127.0.0.1:{}{}",
        server.local_addr().port(),
        ti::PATH
    );
    let pki = Pki::new("unused");
    let strict =
        ti::TestResponderClient::new(transport(client_tls(&pki, None))).with_endpoint(&endpoint);
    let err = call(strict).await.expect_err("http refused");
    match &err {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::InvalidRequest, "{e}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let lax = HttpsTransport::builder(client_tls(&pki, None))
        .allow_http()
        .build()
        .unwrap();
    let ok = call(ti::TestResponderClient::new(lax).with_endpoint(&endpoint)).await;
    assert!(ok.is_ok(), "{ok:?}");
}
