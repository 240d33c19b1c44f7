//! The runtime traces every call, on the client and the server, with OpenTelemetry's RPC
//! field names, and keeps message content out of traces unless body tracing is switched on:
//! a call through the generated client to `serve-mock` over mutual TLS, its spans and events
//! captured by a layer that records every field.

#[path = "soap_common.rs"]
mod common;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use common::*;
use tandvard_bindings::check_patient_responder_v2::CheckPatientType;
use tandvard_codegen_cli::mock::scenario::ScenarioFile;
use tandvard_codegen_cli::mock::{MockOptions, mock_with};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// One captured span or event: its name (or message) and every field, `key=value`.
#[derive(Debug, Clone, Default)]
struct Captured {
    kind: &'static str,
    name: String,
    level: String,
    fields: Vec<(String, String)>,
}

impl Captured {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut s = String::new();
        let _ = write!(s, "{value:?}");
        self.0
            .push((field.name().to_string(), s.trim_matches('"').to_string()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }
}

/// Records spans (with the fields recorded later) and events.
#[derive(Clone, Default)]
struct Capture(
    Arc<Mutex<Vec<Captured>>>,
    Arc<Mutex<std::collections::HashMap<u64, usize>>>,
);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut c = Captured {
            kind: "span",
            name: attrs.metadata().name().to_string(),
            level: attrs.metadata().level().to_string(),
            ..Captured::default()
        };
        attrs.record(&mut Fields(&mut c.fields));
        let mut all = self.0.lock().unwrap();
        self.1.lock().unwrap().insert(id.into_u64(), all.len());
        all.push(c);
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let Some(&i) = self.1.lock().unwrap().get(&id.into_u64()) else {
            return;
        };
        let mut all = self.0.lock().unwrap();
        values.record(&mut Fields(&mut all[i].fields));
    }
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut c = Captured {
            kind: "event",
            level: event.metadata().level().to_string(),
            ..Captured::default()
        };
        event.record(&mut Fields(&mut c.fields));
        c.name = c.get("message").unwrap_or_default().to_string();
        self.0.lock().unwrap().push(c);
    }
}

const PNR: &str = "199912319834";

fn check_patient(pnr: &str) -> CheckPatientType {
    let xml =
        std::fs::read_to_string(contracts().join("check-patient/examples/CheckPatientRequest.xml"))
            .expect("example");
    tandvard_runtime::from_xml(xml.replace("195508089876", pnr).as_bytes()).expect("reads")
}

#[tokio::test]
async fn calls_are_traced_with_rpc_fields_and_no_patient_data() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let loaded =
        tandvard_codegen::load_contracts(&[contracts()], &tandvard_codegen::wsdl::Catalog::new())
            .expect("contracts");
    let mock = mock_with(
        &loaded.contract,
        &loaded.base_dir,
        MockOptions {
            scenarios: ScenarioFile::load(&contracts().join("mock-scenarios.toml"))
                .expect("scenarios"),
            ..MockOptions::default()
        },
    )
    .expect("mock");
    let server_pki = Pki::new("trace server CA");
    let client_pki = Pki::new("trace client CA");
    let server = serve_tls(mock.router.clone(), &server_pki, Some(&client_pki)).await;
    let id = client_pki.client("Exempel Journal AB");
    let clients = Clients::new(
        transport(client_tls(&server_pki, Some(&id))),
        &base_url(&server),
        false,
    );

    // A call that succeeds, with a correlation id.
    clients
        .check_patient
        .with_correlation_id("4b1f2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
        .check_patient(check_patient("195508089876"))
        .await
        .expect("answer");
    // A call that gets FK's TEC-003 fault (the scenario's test patient).
    clients
        .check_patient
        .check_patient(check_patient(PNR))
        .await
        .expect_err("fault");

    let all = capture.0.lock().unwrap().clone();
    let calls: Vec<&Captured> = all
        .iter()
        .filter(|c| c.kind == "span" && c.name == "soap.call")
        .collect();
    assert_eq!(calls.len(), 2, "{all:#?}");
    let ok = calls[0];
    assert_eq!(ok.level, "INFO");
    for (k, v) in [
        ("otel.kind", "client"),
        ("rpc.system", "soap"),
        ("rpc.service", "CheckPatientResponderInterface"),
        ("rpc.method", "CheckPatient"),
        ("server.address", "localhost"),
        (
            "tandvard.correlation_id",
            "4b1f2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        ),
        ("tandvard.attempts", "1"),
        ("http.response.status_code", "200"),
        ("tandvard.outcome", "ok"),
    ] {
        assert_eq!(ok.get(k), Some(v), "{k} in {ok:?}");
    }
    assert_eq!(
        calls[1].get("tandvard.outcome"),
        Some("fault:Server/TEC-003"),
        "{:?}",
        calls[1]
    );
    assert_eq!(calls[1].get("http.response.status_code"), Some("500"));

    let serves: Vec<&Captured> = all
        .iter()
        .filter(|c| c.kind == "span" && c.name == "soap.serve")
        .collect();
    assert_eq!(serves.len(), 2, "{all:#?}");
    assert_eq!(serves[0].get("otel.kind"), Some("server"));
    assert_eq!(serves[0].get("rpc.method"), Some("CheckPatient"));
    assert_eq!(serves[0].get("http.response.status_code"), Some("200"));
    assert!(
        serves[0]
            .get("tandvard.caller")
            .is_some_and(|c| c.contains("CN=Exempel Journal AB"))
    );

    let events: Vec<&str> = all
        .iter()
        .filter(|c| c.kind == "event")
        .map(|c| c.name.as_str())
        .collect();
    for e in [
        "sending",
        "response",
        "call finished",
        "call failed",
        "answered",
    ] {
        assert!(events.contains(&e), "no {e:?} event: {events:?}");
    }
    let sending = all.iter().find(|c| c.name == "sending").expect("sending");
    assert!(
        sending
            .get("tandvard.message_id")
            .is_some_and(|m| m.len() == 36),
        "{sending:?}"
    );
    assert!(sending.get("request_bytes").is_some());

    // No patient data anywhere in the trace: no personnummer, no name.
    let text = format!("{all:?}");
    for secret in ["195508089876", PNR, "Andersson"] {
        assert!(!text.contains(secret), "{secret} in the trace");
    }

    // Bodies appear only when switched on (at TRACE, under their own target).
    capture.0.lock().unwrap().clear();
    let traced = cpiclient_with_bodies(&clients);
    traced
        .check_patient(check_patient("195508089876"))
        .await
        .expect("answer");
    let all = capture.0.lock().unwrap().clone();
    let bodies: Vec<&Captured> = all.iter().filter(|c| c.name == "request body").collect();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0].level, "TRACE");
    assert!(
        bodies[0]
            .get("body")
            .is_some_and(|b| b.contains("195508089876"))
    );
    server.shutdown();
}

fn cpiclient_with_bodies(
    clients: &Clients,
) -> tandvard_bindings::check_patient_responder_interface::CheckPatientResponderClient {
    let soap = clients
        .check_patient
        .soap_client()
        .clone()
        .with_body_tracing(true);
    tandvard_bindings::check_patient_responder_interface::CheckPatientResponderClient::from_soap_client(soap)
        .with_header(request_header())
}
