//! Mutual TLS on loopback (certificates made here with rcgen): a client without a
//! certificate, with one from another CA, or revoked by the server's CRL, is refused; a
//! client refuses a server certificate that is expired, for another host, from a CA it does
//! not trust, or revoked by its CRL; the server refuses a TLS 1.1 ClientHello; plain HTTP is
//! refused unless allowed; the system's CA store is trusted only on request.

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

// ---------------------------------------------------------------------------------------
// Refusals: each certificate problem on either side, an old protocol, revocation.

/// Serves the examples with this server identity (and client CA, CRL for mutual TLS).
async fn serve_with(
    id: &Identity,
    client_ca: Option<&Pki>,
    crl: Option<&str>,
) -> (Examples, tandvard_runtime::server::ServerHandle) {
    let service = Examples::default();
    let config = match (client_ca, crl) {
        (Some(ca), Some(crl)) => tandvard_runtime::server::tls_server_config_with_crls(
            id.cert_pem.as_bytes(),
            id.key_pem.as_bytes(),
            ca.ca_pem().as_bytes(),
            crl.as_bytes(),
        ),
        (ca, _) => tandvard_runtime::server::tls_server_config(
            id.cert_pem.as_bytes(),
            id.key_pem.as_bytes(),
            ca.map(Pki::ca_pem).as_deref().map(str::as_bytes),
        ),
    }
    .expect("server TLS config");
    let server = tandvard_runtime::server::Server::bind("127.0.0.1:0", service.router())
        .await
        .unwrap()
        .with_tls(config)
        .spawn()
        .unwrap();
    (service, server)
}

fn ping_client(
    server: &tandvard_runtime::server::ServerHandle,
    tls: tandvard_runtime::transport::TlsConfig,
) -> ti::TestResponderClient {
    ti::TestResponderClient::new(transport(tls)).with_endpoint(url(server, ti::PATH))
}

fn assert_tls_refusal(err: &Error<ti::PingFault>, words: &str) {
    match err {
        Error::Transport(e) => {
            assert_eq!(e.kind(), TransportErrorKind::Tls, "{e}");
            assert!(e.to_string().to_lowercase().contains(words), "{e}");
            assert!(!e.outcome_unknown(), "nothing was sent: {e}");
        }
        other => panic!("expected a TLS refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_refuses_an_expired_server_certificate() {
    let pki = Pki::new("expiry CA");
    let id = pki.server_with(&["localhost"], |p| {
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    });
    let (service, server) = serve_with(&id, None, None).await;
    let err = call(ping_client(&server, client_tls(&pki, None)))
        .await
        .expect_err("expired");
    assert_tls_refusal(&err, "expired");
    assert!(service.seen.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_refuses_a_certificate_for_another_host() {
    let pki = Pki::new("naming CA");
    let id = pki.server_with(&["other.example"], |_| {});
    let (service, server) = serve_with(&id, None, None).await;
    let err = call(ping_client(&server, client_tls(&pki, None)))
        .await
        .expect_err("wrong host");
    assert_tls_refusal(&err, "not valid for name");
    assert!(service.seen.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_refuses_a_revoked_server_certificate_given_the_crl() {
    let pki = Pki::new("revoking server CA");
    let id = pki.server_with(&["localhost"], |p| {
        p.serial_number = Some(rcgen::SerialNumber::from(4711u64))
    });
    let (service, server) = serve_with(&id, None, None).await;
    // Without the CRL the certificate is trusted; with it, refused.
    assert!(
        call(ping_client(&server, client_tls(&pki, None)))
            .await
            .is_ok()
    );
    let tls = client_tls(&pki, None)
        .crl_pem(pki.crl(&[4711]).as_bytes())
        .unwrap();
    let err = call(ping_client(&server, tls)).await.expect_err("revoked");
    assert_tls_refusal(&err, "revoked");
    // A CRL that does not list it changes nothing.
    let tls = client_tls(&pki, None)
        .crl_pem(pki.crl(&[1, 2]).as_bytes())
        .unwrap();
    assert!(call(ping_client(&server, tls)).await.is_ok());
    assert_eq!(service.seen.lock().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_a_revoked_client_certificate_given_the_crl() {
    let server_pki = Pki::new("server CA");
    let client_pki = Pki::new("client CA");
    let crl = client_pki.crl(&[666]);
    let (service, server) = serve_with(&server_pki.server(), Some(&client_pki), Some(&crl)).await;
    let revoked = client_pki.client_serial("revoked vendor", 666);
    let err = call(ping_client(
        &server,
        client_tls(&server_pki, Some(&revoked)),
    ))
    .await
    .expect_err("revoked");
    assert_refused(&err);
    assert!(service.seen.lock().unwrap().is_empty());
    let good = client_pki.client_serial("good vendor", 667);
    let ok = call(ping_client(&server, client_tls(&server_pki, Some(&good)))).await;
    assert!(ok.is_ok(), "{ok:?}");
    assert_eq!(service.seen.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_tls_1_1() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let pki = Pki::new("old protocol CA");
    let (service, server) = serve_with(&pki.server(), None, None).await;
    // A TLS 1.1 ClientHello: AES-128/256-CBC-SHA, no extensions.
    let mut hello = vec![0x03, 0x02];
    hello.extend_from_slice(&[0x42; 32]);
    hello.extend_from_slice(&[0x00, 0x00, 0x04, 0x00, 0x2f, 0x00, 0x35, 0x01, 0x00]);
    let mut handshake = vec![0x01, 0x00, 0x00, hello.len() as u8];
    handshake.extend_from_slice(&hello);
    let mut record = vec![0x16, 0x03, 0x02, 0x00, handshake.len() as u8];
    record.extend_from_slice(&handshake);
    let mut sock = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    sock.write_all(&record).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(LIMIT, sock.read_to_end(&mut answer)).await;
    // At most an alert (content type 21), never a ServerHello (22).
    assert!(
        answer.is_empty() || answer[0] == 0x15,
        "the server answered {answer:02x?}"
    );
    if answer.len() >= 7 {
        assert_eq!(answer[5], 2, "a fatal alert: {answer:02x?}");
    }
    assert!(service.seen.lock().unwrap().is_empty());
}

#[test]
fn the_system_store_is_an_explicit_opt_in() {
    let err = tandvard_runtime::transport::TlsConfig::new()
        .build()
        .expect_err("no CA given");
    assert!(err.to_string().contains("trust_system_roots"), "{err}");
    assert!(
        HttpsTransport::new(tandvard_runtime::transport::TlsConfig::new()).is_err(),
        "a transport that would trust nothing is not built"
    );
}

// ---------------------------------------------------------------------------------------
// Who is calling

use std::sync::{Arc, Mutex};
use tandvard_bindings::check_patient_responder_interface as cpi;
use tandvard_bindings::check_patient_responder_v2::{CheckPatientResponseType, CheckPatientType};
use tandvard_bindings::common_v1::RequestHeaderType;
use tandvard_runtime::server::{CallerIdentity, RequestContext, SubjectAltName};
use tandvard_runtime::soap::SoapFault;

/// Answers Check Patient and logs who asked (as FK logs each one as a disclosure).
#[derive(Clone, Default)]
struct Auditing {
    log: Arc<Mutex<Vec<Option<Arc<CallerIdentity>>>>>,
}

impl cpi::CheckPatientResponderService for Auditing {
    async fn check_patient(
        &self,
        _: CheckPatientType,
        _: RequestHeaderType,
        context: RequestContext,
    ) -> Result<CheckPatientResponseType, SoapFault<cpi::CheckPatientFault>> {
        self.log.lock().unwrap().push(context.caller.clone());
        match context.caller.as_deref().and_then(CallerIdentity::hsa_id) {
            Some(_) => Ok(example("check-patient/examples/CheckPatientResponse.xml")),
            None => Err(SoapFault::client("no HSA-id in the client certificate")),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_gets_the_verified_caller_identity() {
    let server_pki = Pki::new("server CA");
    let client_pki = Pki::new("Test SITHS e-id Function CA v1");
    let service = Auditing::default();
    let server = serve_tls(cpi::router(service.clone()), &server_pki, Some(&client_pki)).await;
    let id = client_pki.leaf_with(
        "DentJournal funktionscertifikat",
        Vec::new(),
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        |p| {
            use rcgen::DnType;
            p.distinguished_name
                .push(DnType::OrganizationName, "Exempel Tandvård AB");
            p.distinguished_name.push(DnType::CountryName, "SE");
            p.distinguished_name
                .push(DnType::CustomDnType(vec![2, 5, 4, 5]), "SE5566770011-F123");
            p.distinguished_name
                .push(DnType::CustomDnType(vec![2, 5, 4, 97]), "NTRSE-5566770011");
            p.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x12, 0x34, 0xAB]));
            p.subject_alt_names = vec![
                rcgen::SanType::OtherName((
                    vec![1, 2, 752, 29, 6, 2, 1],
                    "SE5566770011-F123".into(),
                )),
                rcgen::SanType::Rfc822Name("it@exempel.example".try_into().unwrap()),
            ];
        },
    );
    let client =
        cpi::CheckPatientResponderClient::new(transport(client_tls(&server_pki, Some(&id))))
            .with_endpoint(url(&server, cpi::PATH))
            .with_header(request_header())
            .with_retry_policy(RetryPolicy::none());
    let got = tokio::time::timeout(
        LIMIT,
        client.check_patient(example("check-patient/examples/CheckPatientRequest.xml")),
    )
    .await
    .expect("in time");
    assert!(got.is_ok(), "{got:?}");
    let log = service.log.lock().unwrap();
    let caller = log[0].as_deref().expect("a caller under mutual TLS");
    assert_eq!(
        caller.subject.common_name(),
        Some("DentJournal funktionscertifikat")
    );
    assert_eq!(caller.subject.organization(), Some("Exempel Tandvård AB"));
    assert_eq!(caller.subject.get("C"), Some("SE"));
    assert_eq!(caller.hsa_id(), Some("SE5566770011-F123"));
    assert_eq!(caller.organisation_number().as_deref(), Some("556677-0011"));
    assert_eq!(caller.serial, "1234AB");
    assert_eq!(
        caller.issuer.common_name(),
        Some("Test SITHS e-id Function CA v1")
    );
    assert!(
        caller
            .subject_alt_names
            .contains(&SubjectAltName::Email("it@exempel.example".into())),
        "{:?}",
        caller.subject_alt_names
    );
    assert!(caller.subject_alt_names.contains(&SubjectAltName::Other(
        tandvard_runtime::identity::OID_HSA_ID.into(),
        "SE5566770011-F123".into()
    )));
    assert_eq!(caller.not_after.len(), "2026-01-01T00:00:00Z".len());
    let text = caller.to_string();
    assert!(text.contains("serialNumber=SE5566770011-F123"), "{text}");
    assert!(text.contains("serial 1234AB"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_client_certificate_there_is_no_caller() {
    let service = Auditing::default();
    let server = serve_plain(cpi::router(service.clone())).await;
    let pki = Pki::new("unused");
    let t = HttpsTransport::builder(client_tls(&pki, None))
        .allow_http()
        .build()
        .unwrap();
    let client = cpi::CheckPatientResponderClient::new(t)
        .with_endpoint(format!(
            "http://127.0.0.1:{}{}",
            server.local_addr().port(),
            cpi::PATH
        ))
        .with_header(request_header())
        .with_retry_policy(RetryPolicy::none());
    let err = tokio::time::timeout(
        LIMIT,
        client.check_patient(example("check-patient/examples/CheckPatientRequest.xml")),
    )
    .await
    .expect("in time")
    .expect_err("refused by the service");
    assert!(err.fault().is_some(), "{err:?}");
    assert_eq!(service.log.lock().unwrap().as_slice(), &[None]);
}
