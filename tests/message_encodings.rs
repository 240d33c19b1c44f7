//! Messages as they really arrive (issue 17, point 1): a response in ISO-8859-1 (named by
//! its XML declaration) or UTF-16 (byte order mark) is read correctly by the generated
//! client over TLS, and the generated server reads an ISO-8859-1 request; CR-only line
//! breaks do not matter. Messages are always written as UTF-8.

#[path = "soap_common.rs"]
mod common;

use std::time::Duration;

use common::*;
use tandvard_bindings::test_responder_interface as ti;
use tandvard_bindings::test_responder_v1::EchoType;
use tandvard_runtime::client::RetryPolicy;
use tandvard_runtime::server::{Route, Router, ServerRequest, ServerResponse};
use tandvard_runtime::soap::QualifiedName;

const ENV_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// A payload example wrapped in a SOAP 1.1 envelope whose declaration names `encoding`,
/// with CR line breaks.
fn enveloped(rel: &str, encoding: &str) -> String {
    let payload = String::from_utf8(std::fs::read(contracts().join(rel)).expect("example"))
        .expect("UTF-8 example");
    let payload = payload
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .unwrap_or(&payload)
        .trim();
    format!(
        "<?xml version=\"1.0\" encoding=\"{encoding}\"?>\r<soapenv:Envelope xmlns:soapenv=\"{ENV_NS}\">\r<soapenv:Body>{payload}</soapenv:Body></soapenv:Envelope>"
    )
    .replace('\n', "\r")
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 character"))
        .collect()
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn route(op: &tandvard_runtime::soap::Operation, path: &str) -> Route {
    Route {
        path: path.to_string(),
        action: op.action.to_string(),
        element: QualifiedName::new(op.request.0, op.request.1),
        interface: op.interface.into(),
        operation: op.name.into(),
    }
}

async fn echo_answered_with(body: Vec<u8>, content_type: &str) -> String {
    let content_type = content_type.to_string();
    let router = Router::new().route(route(&ti::ECHO, ti::PATH), move |_req: ServerRequest| {
        let body = body.clone();
        let content_type = content_type.clone();
        async move {
            ServerResponse {
                status: 200,
                content_type,
                body,
                transport_fault: None,
            }
        }
    });
    let pki = Pki::new("encodings CA");
    let server = serve_tls(router, &pki, None).await;
    let client = ti::TestResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, ti::PATH))
        .with_header(request_header())
        .with_retry_policy(RetryPolicy::none());
    let request: EchoType = example("test/examples/EchoRequest.xml");
    let resp = tokio::time::timeout(Duration::from_secs(60), client.echo(request))
        .await
        .expect("ends")
        .expect("the response is read");
    resp.payload.get().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_reads_latin1_and_utf16_responses() {
    let text = enveloped("test/examples/EchoResponse.xml", "ISO-8859-1");
    assert!(text.contains("Försäkringskassan"));
    let payload = echo_answered_with(latin1(&text), "text/xml; charset=ISO-8859-1").await;
    assert_eq!(payload, "Hej Försäkringskassan! åäö");
    let text = enveloped("test/examples/EchoResponse.xml", "UTF-16");
    let payload = echo_answered_with(utf16le_bom(&text), "text/xml; charset=UTF-16").await;
    assert_eq!(payload, "Hej Försäkringskassan! åäö");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_server_reads_a_latin1_request() {
    let router = ti::router(Examples::default());
    let envelope = String::from_utf8(
        std::fs::read(contracts().join("test/examples/EchoRequest_envelope.xml")).expect("example"),
    )
    .expect("UTF-8");
    assert!(envelope.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let envelope = envelope
        .replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1)
        .replace('\n', "\r");
    let resp = router
        .handle(ServerRequest::new(
            ti::PATH,
            Some("text/xml; charset=ISO-8859-1"),
            Some(&format!("\"{}\"", ti::ECHO.action)),
            latin1(&envelope),
        ))
        .await;
    let body = String::from_utf8(resp.body).expect("answers in UTF-8");
    assert_eq!(resp.status, 200, "{body}");
    assert!(
        body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{body}"
    );
}
