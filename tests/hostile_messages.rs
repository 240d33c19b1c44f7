//! Amplification: small messages that made the reader do work or hold memory out of
//! proportion to their size (issue 17). The message of the report: a prefix bound to a
//! 1 MiB namespace URI, then 10,000 header blocks `<a:b/>` (capturing each block used to
//! copy the URI into it: 10 GB). It and its variants go through the envelope reader, a
//! generated server (the router, in process) and a generated client (over TLS on
//! loopback); each is refused with an error that names the limit, and the memory
//! allocated while handling it stays within a small multiple of the message.
//!
//! Peak memory is measured by a counting global allocator, so this is a test binary of its
//! own and its cases run one after another in one test (a parallel test would count too).

#[path = "soap_common.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use tandvard_bindings::check_patient_responder_interface as cpi;
use tandvard_bindings::check_patient_responder_v2::CheckPatientType;
use tandvard_bindings::test_responder_interface as ti;
use tandvard_runtime::client::{Error as ClientError, RetryPolicy};
use tandvard_runtime::server::{Route, Router, ServerRequest, ServerResponse};
use tandvard_runtime::soap::{QualifiedName, read_envelope_payload};
use tandvard_runtime::{ErrorKind, ReadOptions};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as old + new while both may exist.
            grew(new_size);
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result with the most memory allocated at once while it ran,
/// above what was allocated before.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

const ENV_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// The valid CheckPatient request of the examples with a prefix `a` bound to a URI of
/// `uri_len` bytes on the envelope and `blocks` header blocks `block` added.
fn amplified(uri_len: usize, blocks: usize, block: &str) -> Vec<u8> {
    let base = String::from_utf8(
        std::fs::read(contracts().join("check-patient/examples/CheckPatientRequest_envelope.xml"))
            .expect("example"),
    )
    .unwrap();
    let uri = format!("urn:{}", "x".repeat(uri_len.saturating_sub(4)));
    base.replacen(
        &format!("xmlns:soapenv=\"{ENV_NS}\""),
        &format!("xmlns:soapenv=\"{ENV_NS}\" xmlns:a=\"{uri}\""),
        1,
    )
    .replacen(
        "<soapenv:Header>",
        &format!("<soapenv:Header>{}", block.repeat(blocks)),
        1,
    )
    .into_bytes()
}

/// The report's message: 1 MiB namespace URI, 10,000 header blocks.
fn the_report_message() -> Vec<u8> {
    amplified(1 << 20, 10_000, "<a:b/>")
}

fn read(input: &[u8], options: &ReadOptions) -> Result<usize, tandvard_runtime::Error> {
    read_envelope_payload::<CheckPatientType>(input, options).map(|env| env.headers.blocks.len())
}

fn limit_error(input: &[u8], options: &ReadOptions, names: &str) -> usize {
    let (result, peak) = peak_during(|| read(input, options));
    let e = result.expect_err("refused");
    assert!(matches!(e.kind(), ErrorKind::Limit(_)), "{e}");
    assert!(e.to_string().contains(names), "{e}");
    peak
}

fn envelope_reader_cases() {
    let opts = ReadOptions::default();

    // The report's message: refused at the declaration, before any block is captured.
    let msg = the_report_message();
    let peak = limit_error(&msg, &opts, "max_namespace_uri_len");
    eprintln!("the report's message: peak {peak} for {} bytes", msg.len());
    assert!(peak < msg.len() / 4, "peak {peak} for {} bytes", msg.len());

    // A URI at the limit and 10,000 blocks: accepted, the URI held once (shared by the
    // captured blocks); the blocks cost a fixed amount each, not a copy of the URI.
    let msg = amplified(4096, 10_000, "<a:b/>");
    let (n, peak) = peak_during(|| read(&msg, &opts));
    assert_eq!(
        n.expect("accepted"),
        10_001,
        "10,000 blocks and the RequestHeader"
    );
    // What a block costs (its header block entry, text and share of the list growth) is a
    // bound per element, whatever the URI: a copy of the URI per block would be 41 MB.
    eprintln!(
        "URI at the limit, 10,000 blocks: peak {peak} for {} bytes",
        msg.len()
    );
    assert!(
        peak < 2 * msg.len() + 250 * 10_000,
        "peak {peak} for {} bytes",
        msg.len()
    );

    // The same with the total of captured text bounded lower: refused, naming the option.
    let small = ReadOptions {
        max_captured_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    limit_error(&msg, &small, "max_captured_bytes");

    // Many declarations in scope (nested, 150 per element).
    let mut nested = String::new();
    for level in 0..8 {
        nested.push_str("<a:n");
        for i in 0..150 {
            nested.push_str(&format!(" xmlns:p{level}x{i}=\"urn:p{i}\""));
        }
        nested.push('>');
    }
    nested.push_str(&"</a:n>".repeat(8));
    let msg = amplified(10, 1, &nested);
    limit_error(&msg, &opts, "max_bindings");

    // Many attributes on one element.
    let attrs: String = (0..300).map(|i| format!(" x{i}=\"1\"")).collect();
    let msg = amplified(10, 1, &format!("<a:b{attrs}/>"));
    limit_error(&msg, &opts, "max_attributes");

    // A block that uses 200 prefixes declared on the envelope: each resolved through the
    // prefix index and declared once on the captured block.
    let decls: String = (0..200)
        .map(|i| format!(" xmlns:p{i}=\"urn:p{i}\""))
        .collect();
    let uses: String = (0..200).map(|i| format!("<p{i}:c/>")).collect();
    let msg = String::from_utf8(amplified(10, 1, &format!("<a:b>{uses}</a:b>")))
        .unwrap()
        .replacen(" xmlns:a=", &format!("{decls} xmlns:a="), 1);
    let env = read_envelope_payload::<CheckPatientType>(msg.as_bytes(), &opts).expect("accepted");
    let block = env.headers.blocks[0].element.as_str();
    assert_eq!(block.matches(" xmlns:p").count(), 200, "{block}");
    assert!(
        block.starts_with("<a:b xmlns:a=\"urn:") || block.contains(" xmlns:a=\"urn:"),
        "{block}"
    );
    tandvard_runtime::AnyElement::parse(block).expect("standalone");
}

fn refused_for_the_right_reason() {
    let opts = ReadOptions::default();
    let syntax = |msg: &[u8], what: &str, path: &str| {
        let e = read(msg, &opts).expect_err("refused");
        assert!(matches!(e.kind(), ErrorKind::Syntax(_)), "{e}");
        assert!(e.to_string().contains(what), "{e}");
        assert_eq!(e.path, path, "{e}");
    };
    // Duplicate attributes, by name and by namespace (two prefixes, one URI).
    let msg = amplified(10, 1, "<a:b x=\"1\" y=\"2\" x=\"3\"/>");
    syntax(
        &msg,
        "duplicate attribute \"x\"",
        "/soapenv:Envelope/soapenv:Header/a:b/@x",
    );
    let msg = amplified(10, 1, "<a:b xmlns:c=\"urn:xxxxxx\" a:x=\"1\" c:x=\"2\"/>");
    syntax(
        &msg,
        "duplicate attribute",
        "/soapenv:Envelope/soapenv:Header/a:b/@c:x",
    );
    let msg = amplified(10, 1, "<a:b xmlns:c=\"urn:1\" xmlns:c=\"urn:2\"/>");
    syntax(
        &msg,
        "duplicate attribute \"xmlns:c\"",
        "/soapenv:Envelope/soapenv:Header/a:b/@xmlns:c",
    );
    // Characters XML forbids, as bytes (a character reference to one was refused already).
    for bad in ["\u{1}", "\u{1b}", "\u{fffe}", "\u{ffff}"] {
        let msg = amplified(10, 1, &format!("<a:b>{bad}</a:b>"));
        let e = read(&msg, &opts).expect_err("refused");
        assert!(e.to_string().contains("is not allowed in XML"), "{e}");
        assert_eq!(e.line, 6, "{e}");
    }
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

async fn server_cases() {
    let router = cpi::router(Examples::default());
    let msg = the_report_message();
    let request = ServerRequest::new(
        cpi::PATH,
        Some("text/xml; charset=utf-8"),
        Some("\"urn:fk:tandvard:CheckPatientResponder:2:CheckPatient\""),
        msg.clone(),
    );
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let resp = router.handle(request).await;
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    assert_eq!(resp.status, 500, "{body}");
    assert!(
        body.contains("soapenv:Client") && body.contains("max_namespace_uri_len"),
        "{body}"
    );
    eprintln!("generated server: peak {peak} for {} bytes", msg.len());
    assert!(peak < 2 * msg.len(), "peak {peak} for {} bytes", msg.len());
}

async fn client_cases() {
    let msg = the_report_message();
    let len = msg.len();
    let router = Router::new().route(route(&ti::PING, ti::PATH), move |_req: ServerRequest| {
        let body = msg.clone();
        async move {
            ServerResponse {
                status: 200,
                content_type: "text/xml; charset=utf-8".into(),
                body,
                transport_fault: None,
            }
        }
    });
    let pki = Pki::new("hostile CA");
    let server = serve_tls(router, &pki, None).await;
    let client = ti::TestResponderClient::new(transport(client_tls(&pki, None)))
        .with_endpoint(url(&server, ti::PATH))
        .with_retry_policy(RetryPolicy::none());
    let ping = example("test/examples/PingRequest.xml");
    let err = tokio::time::timeout(Duration::from_secs(60), client.ping(ping))
        .await
        .expect("ends")
        .expect_err("refused");
    match &err {
        ClientError::Xml { error, .. } => {
            assert!(matches!(error.kind(), ErrorKind::Limit(_)), "{error}");
            assert!(
                error.to_string().contains("max_namespace_uri_len"),
                "{error}"
            );
        }
        other => panic!("expected an XML error, got {other:?} ({len} bytes)"),
    }
}

#[test]
fn amplification_is_refused_with_memory_flat() {
    envelope_reader_cases();
    refused_for_the_right_reason();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(server_cases());
    rt.block_on(client_cases());
}
