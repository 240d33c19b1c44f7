//! `serve-mock` as the e-service's test environment, over mutual TLS on loopback:
//! - strict requests: every invalid example of `contracts/` is refused with a fault naming
//!   the element (FK's TEC-001 detail for requests), every valid request example answered;
//! - the scenario file `contracts/mock-scenarios.toml` drives the generated client through
//!   each kind of rule (value match, call sequence, fault, HTTP status, delay, each transport
//!   fault, reverse-after-submit and queued messages), checked on the client's typed result;
//! - the journal has one line per call and no patient identity or name;
//! - the rehearsal report lists what was and was not exercised.

#[path = "soap_common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use tandvard_bindings::check_patient_responder_interface as cpi;
use tandvard_bindings::check_patient_responder_v2::CheckPatientType;
use tandvard_bindings::get_message_responder_v1::GetMessagesType;
use tandvard_bindings::get_payment_specification_responder_interface as gpi;
use tandvard_bindings::reverse_claim_responder_interface as rci;
use tandvard_bindings::reverse_claim_responder_v1::ReverseClaimType;
use tandvard_bindings::submit_claim_responder_v2::SubmitClaimType;
use tandvard_codegen_cli::mock::journal::Journal;
use tandvard_codegen_cli::mock::scenario::{InvalidRequest, ScenarioFile};
use tandvard_codegen_cli::mock::{Mock, MockOptions, mock_with};
use tandvard_runtime::client::Error;
use tandvard_runtime::transport::{HttpRequest, Transport};

fn load_mock(options: MockOptions) -> Mock {
    let loaded =
        tandvard_codegen::load_contracts(&[contracts()], &tandvard_codegen::wsdl::Catalog::new())
            .expect("contracts load");
    mock_with(&loaded.contract, &loaded.base_dir, options).expect("mock builds")
}

/// The file's root element and what follows (no XML declaration or leading comments).
fn payload(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read example");
    let doc = roxmltree::Document::parse(&text).expect("example parses");
    text[doc.root_element().range()].to_string()
}

/// A SOAP 1.1 envelope with the common header and `payload` in the body.
fn envelope(payload: &str) -> Vec<u8> {
    let header = tandvard_runtime::to_xml_string(&request_header());
    let header = header
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .unwrap_or(&header)
        .trim();
    format!(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
         <soapenv:Header>{header}</soapenv:Header><soapenv:Body>{payload}</soapenv:Body>\
         </soapenv:Envelope>"
    )
    .into_bytes()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "xml"));
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_examples_are_refused_and_valid_requests_answered() {
    let scenarios = ScenarioFile {
        invalid_request: Some(InvalidRequest {
            fault_detail: Some(contracts().join("mock/TechnicalError_TEC-001.xml")),
        }),
        rules: Vec::new(),
    };
    let mock = load_mock(MockOptions {
        scenarios,
        ..MockOptions::default()
    });
    let server_pki = Pki::new("mock server CA");
    let client_pki = Pki::new("mock client CA");
    let server = serve_tls(mock.router.clone(), &server_pki, Some(&client_pki)).await;
    let id = client_pki.client("vendor");
    let t = transport(client_tls(&server_pki, Some(&id)));
    let post = |body: Vec<u8>| HttpRequest {
        url: url(&server, "/"),
        headers: vec![("content-type".into(), "text/xml; charset=utf-8".into())],
        body,
        timeout: None,
        max_response_size: None,
    };
    let mut refused = 0;
    let mut answered = 0;
    for dir in files(&contracts()).into_iter().chain(
        std::fs::read_dir(contracts())
            .expect("contracts")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir()),
    ) {
        for f in files(&dir.join("examples/invalid")) {
            let root = payload(&f);
            let local = roxmltree::Document::parse(&root)
                .expect("parses")
                .root_element()
                .tag_name()
                .name()
                .to_string();
            let resp = tokio::time::timeout(LIMIT, t.send(post(envelope(&root))))
                .await
                .expect("in time")
                .expect("answered");
            let body = String::from_utf8_lossy(&resp.body);
            assert_eq!(resp.status, 500, "{}: {body}", f.display());
            assert!(body.contains("Fault"), "{}: {body}", f.display());
            if local.ends_with("Response") {
                // A response sent as a request: no operation takes it (the router's fault
                // quotes nothing from the request).
                assert!(body.contains("no operation"), "{}: {body}", f.display());
            } else {
                // The element path of the broken rule, and FK's schema-error detail.
                assert!(
                    body.contains(&format!("at /{local}")),
                    "{}: {body}",
                    f.display()
                );
                assert!(body.contains("TEC-001"), "{}: {body}", f.display());
            }
            refused += 1;
        }
        for f in files(&dir.join("examples")) {
            let name = f
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if !name.contains("Request") || name.contains("envelope") {
                continue;
            }
            let resp = t
                .send(post(envelope(&payload(&f))))
                .await
                .expect("answered");
            let body = String::from_utf8_lossy(&resp.body);
            assert_eq!(resp.status, 200, "{}: {body}", f.display());
            assert!(!body.contains("Fault"), "{}: {body}", f.display());
            answered += 1;
        }
    }
    assert!(refused >= 40, "{refused} invalid examples");
    assert!(answered >= 20, "{answered} valid requests");
    server.shutdown();
}

/// Check Patient for the test patient `pnr` (the example request with another personnummer).
fn check_patient(pnr: &str) -> CheckPatientType {
    let xml =
        std::fs::read_to_string(contracts().join("check-patient/examples/CheckPatientRequest.xml"))
            .expect("example");
    tandvard_runtime::from_xml(xml.replace("195508089876", pnr).as_bytes()).expect("reads")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_rules_drive_the_generated_client() {
    let journal_path =
        std::env::temp_dir().join(format!("mock-journal-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&journal_path);
    let mock = load_mock(MockOptions {
        scenarios: ScenarioFile::load(&contracts().join("mock-scenarios.toml")).expect("scenarios"),
        journal: Journal::to_file(&journal_path).expect("journal"),
        ..MockOptions::default()
    });
    let server_pki = Pki::new("mock server CA");
    let client_pki = Pki::new("mock client CA");
    let server = serve_tls(mock.router.clone(), &server_pki, Some(&client_pki)).await;
    let id = client_pki.client("Exempel Journal AB funktionscertifikat");
    let clients = Clients::new(
        transport(client_tls(&server_pki, Some(&id))),
        &base_url(&server),
        false,
    );
    let mut calls = 0;

    // Value match: a business rejection in the body.
    let resp = clients
        .check_patient
        .check_patient(check_patient("199912319818"))
        .await
        .expect("answer");
    calls += 1;
    assert_eq!(resp.result.result_code.as_str(), "ERROR");
    assert_eq!(
        resp.result
            .error_code
            .as_ref()
            .map(|c| c.get().to_string())
            .as_deref(),
        Some("PAT-004")
    );

    // A fault with FK's detail, typed by the generated client.
    let err = clients
        .check_patient
        .check_patient(check_patient("199912319834"))
        .await
        .expect_err("fault");
    calls += 1;
    match &err {
        Error::Fault(f) => match &f.detail {
            Some(cpi::CheckPatientFault::TechnicalFault(t)) => {
                assert_eq!(t.code.as_str(), "TEC-003");
                assert!(t.retryable);
            }
            None => panic!("no typed detail: {err}"),
        },
        other => panic!("not a fault: {other:?}"),
    }

    // An HTTP status without an envelope.
    let err = clients
        .check_patient
        .check_patient(check_patient("199912319850"))
        .await
        .expect_err("503");
    calls += 1;
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");

    // A delay longer than the client's timeout.
    let slow = clients
        .check_patient
        .clone()
        .with_timeout(Duration::from_millis(400));
    let err = slow
        .check_patient(check_patient("199912319868"))
        .await
        .expect_err("timeout");
    calls += 1;
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");

    // Transport faults.
    let err = clients
        .check_patient
        .check_patient(check_patient("199912319876"))
        .await
        .expect_err("reset");
    calls += 1;
    assert!(matches!(err, Error::Transport(_)), "reset: {err:?}");
    let err = clients
        .check_patient
        .check_patient(check_patient("199912319884"))
        .await
        .expect_err("empty");
    calls += 1;
    assert!(
        matches!(err, Error::Xml { status: 200, .. }),
        "empty: {err:?}"
    );
    let err = clients
        .check_patient
        .check_patient(check_patient("199912319892"))
        .await
        .expect_err("truncated");
    calls += 1;
    assert!(
        matches!(err, Error::Transport(_) | Error::Xml { .. }),
        "truncated: {err:?}"
    );

    // No rule for this patient: the example response.
    let resp = clients
        .check_patient
        .check_patient(check_patient("195508089876"))
        .await
        .expect("answer");
    calls += 1;
    assert_eq!(resp.result.result_code.as_str(), "OK");

    // Call sequence: the first payment specification of the session faults, the second answers.
    let req = example("payment-specification/examples/GetPaymentSpecificationRequest.xml");
    let err = clients
        .payment
        .get_payment_specification(req)
        .await
        .expect_err("first call faults");
    calls += 1;
    assert!(
        matches!(&err, Error::Fault(f) if matches!(&f.detail, Some(gpi::GetPaymentSpecificationFault::TechnicalFault(t)) if t.code.as_str() == "TEC-003")),
        "{err:?}"
    );
    let req = example("payment-specification/examples/GetPaymentSpecificationRequest.xml");
    clients
        .payment
        .get_payment_specification(req)
        .await
        .expect("second call answers");
    calls += 1;

    // State: a claim can be reversed only after it was submitted; its decision is queued.
    let submit: SubmitClaimType = example("submit-claim/examples/SubmitClaimRequest.xml");
    let claim_id = submit.claim.client_claim_id.get().to_string();
    let reverse = || -> ReverseClaimType {
        let xml = std::fs::read_to_string(
            contracts().join("reverse-claim/examples/ReverseClaimRequest.xml"),
        )
        .expect("example");
        let xml = xml.replace(
            "<fkClaimId>FKC-2026-0533410</fkClaimId>",
            &format!("<clientClaimId>{claim_id}</clientClaimId>"),
        );
        tandvard_runtime::from_xml(xml.as_bytes()).expect("reads")
    };
    let messages = || -> GetMessagesType { example("get-message/examples/GetMessagesRequest.xml") };
    let before = clients
        .get_message
        .get_messages(messages())
        .await
        .expect("messages");
    calls += 1;
    assert!(before.message.is_empty());
    let unknown = clients
        .reverse
        .reverse_claim(reverse())
        .await
        .expect("answer");
    calls += 1;
    assert_eq!(
        unknown
            .result
            .error_code
            .as_ref()
            .map(|c| c.get().to_string())
            .as_deref(),
        Some("CLM-020")
    );
    let submitted = clients
        .submit
        .clone()
        .with_idempotency_key(claim_id.clone())
        .submit_claim(submit)
        .await
        .expect("submitted");
    calls += 1;
    assert_eq!(submitted.result.result_code.as_str(), "OK");
    let reversed = clients
        .reverse
        .reverse_claim(reverse())
        .await
        .expect("answer");
    calls += 1;
    assert_eq!(reversed.result.result_code.as_str(), "INFO");
    let after = clients
        .get_message
        .get_messages(messages())
        .await
        .expect("messages");
    calls += 1;
    assert!(
        !after.message.is_empty(),
        "the decision queued by SubmitClaim"
    );
    let drained = clients
        .get_message
        .get_messages(messages())
        .await
        .expect("messages");
    calls += 1;
    assert!(drained.message.is_empty(), "the queue is empty again");
    let _ = rci::ENDPOINT;

    // The journal: one line per call, no personnummer, samordningsnummer or name.
    // The slow answer is journaled when it is sent, after the client gave up: wait for it.
    let mut journal = String::new();
    for _ in 0..100 {
        journal = std::fs::read_to_string(&journal_path).expect("journal");
        if journal.lines().count() >= calls {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines.len(), calls, "{journal}");
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
        for key in [
            "time",
            "operation",
            "rule",
            "outcome",
            "latency_ms",
            "request_bytes",
        ] {
            assert!(v.get(key).is_some(), "{key} missing: {l}");
        }
    }
    assert!(
        journal.contains("\"outcome\":\"ERROR/PAT-004\""),
        "{journal}"
    );
    assert!(
        journal.contains("\"outcome\":\"fault:Server/TEC-003\""),
        "{journal}"
    );
    assert!(
        journal.contains("\"outcome\":\"transport:reset\""),
        "{journal}"
    );
    let digits12 = journal
        .as_bytes()
        .windows(12)
        .any(|w| w.iter().all(u8::is_ascii_digit));
    assert!(
        !digits12,
        "a 12-digit number (a personnummer?) in the journal:\n{journal}"
    );
    for name in ["Andersson", "Karin", "Lindqvist", "Nilsson"] {
        assert!(!journal.contains(name), "{name} in the journal");
    }
    let _ = std::fs::remove_file(&journal_path);

    // The rehearsal report: what was shown, and what the scenarios define but never ran.
    let report = mock.report();
    let cp = report
        .iter()
        .find(|o| o.operation == "CheckPatient")
        .expect("CheckPatient");
    assert_eq!(cp.calls, 8);
    assert!(
        cp.not_exercised
            .iter()
            .any(|r| r.starts_with("STB patient")),
        "{:?}",
        cp.not_exercised
    );
    assert!(
        cp.not_exercised.iter().any(|r| r.starts_with("AUTH-002")),
        "{:?}",
        cp.not_exercised
    );
    assert!(
        !cp.not_exercised.iter().any(|r| r.starts_with("PAT-004")),
        "{:?}",
        cp.not_exercised
    );
    let md = mock.report_markdown();
    assert!(
        md.contains("| CheckPatientResponderInterface | CheckPatient | 8 |"),
        "{md}"
    );
    assert!(
        md.contains("AUTH-002 certificate not authorised for the clinic (fault:Client/AUTH-002)"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&mock.report_json()).expect("JSON report");
    assert!(json["operations"].as_array().is_some_and(|a| a.len() == 20));
    server.shutdown();
}
