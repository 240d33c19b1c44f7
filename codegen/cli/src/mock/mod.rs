//! `serve-mock`: a mock of the e-service for rehearsing FK's test procedure.
//!
//! Each port answers at the path of its WSDL address (`/tandvard/CheckPatient/2`) and at
//! `/`, dispatching on the SOAP action, else on the payload element.
//!
//! - **Strict requests** (the default; `--lenient` turns it off): every request is checked
//!   against its contract with the model-driven validator (schema order, occurrences, every
//!   facet, and the header blocks the operation declares). A request that breaks it gets a
//!   `Client` fault naming the element path and the rule, with the fault detail the scenario
//!   file gives (for the stand-ins: `flt:TechnicalError` with `TEC-001`).
//! - **Scenarios** (`--scenarios FILE`): rules matched in order (operation, values at request
//!   paths, call numbers, recorded state), each answering with an example, a sample made
//!   from the contract, a fault, an HTTP status, a delay, or a transport fault.
//! - Otherwise each operation answers with its example response,
//!   `examples/<Operation>Response.xml` next to its WSDL (the plain one; else the first other
//!   `<Operation>Response_*.xml` that is not a fault, in name order).
//! - **Journal** (`--journal FILE`): one JSON line per call: who called (the verified client
//!   certificate's subject, serial, issuer and HSA-id), the rule, the outcome, sizes and
//!   latency; never message content.
//! - **Rehearsal report** (`--report FILE`, `.md` or `.json`, written on Ctrl-C): per
//!   operation, the outcomes shown and the scenario rules never exercised.
//!
//! With `--tls-cert` and `--tls-key` it serves HTTPS; with `--client-ca` as well, every
//! client must present a certificate issued by that CA (mutual TLS).

pub mod journal;
pub mod scenario;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tandvard_runtime::ReadOptions;
use tandvard_runtime::server::{
    Route, Router, ServerRequest, ServerResponse, TransportFault, url_path,
};
use tandvard_runtime::soap::{
    Body, EnvelopeWriter, Fault, QualifiedName, SoapVersion, read_envelope,
};

use tandvard_codegen::Error;
use tandvard_codegen::model::{Contract, Interface, Operation};
use tandvard_codegen::sample::{self, Extent};
use tandvard_codegen::wsdl::Catalog;

use journal::{Entry, Journal, OperationReport, RuleSummary};
use scenario::{Respond, Rule, ScenarioFile, value_at};

/// Arguments of `tandvard-codegen serve-mock`.
#[derive(Debug, Clone, clap::Args)]
pub struct MockArgs {
    /// The contract directory (WSDLs with `examples/` next to them).
    #[arg(long, default_value = "contracts")]
    pub contracts: PathBuf,
    /// The address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The server certificate chain (PEM): serve HTTPS.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The server's private key (PEM).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Require client certificates issued by the CAs in this PEM file (mutual TLS).
    #[arg(long, requires = "tls_cert")]
    pub client_ca: Option<PathBuf>,
    /// Refuse client certificates revoked by these CRLs (PEM `X509 CRL` blocks).
    #[arg(long, requires = "client_ca")]
    pub client_crl: Option<PathBuf>,
    /// Connections served at once; further ones wait until one closes.
    #[arg(long, default_value_t = tandvard_runtime::server::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Largest request body in bytes (a larger Content-Length gets 413 before the body is read).
    #[arg(long, default_value_t = tandvard_runtime::server::DEFAULT_MAX_REQUEST_SIZE)]
    pub max_request_size: usize,
    /// An OASIS XML catalog (or a .tsv catalog) for remote schema locations.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Accept requests that break their contract (only the payload element and the header
    /// blocks' presence are checked).
    #[arg(long)]
    pub lenient: bool,
    /// A scenario file (TOML): rules matched in order, see `contracts/mock-scenarios.toml`.
    #[arg(long)]
    pub scenarios: Option<PathBuf>,
    /// Append one JSON line per call to this file (no message content).
    #[arg(long)]
    pub journal: Option<PathBuf>,
    /// On Ctrl-C, write the rehearsal report here (`.json` for JSON, else Markdown).
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// How the mock behaves (the library form of the command's options).
#[derive(Debug, Default)]
pub struct MockOptions {
    /// Accept requests that break their contract.
    pub lenient: bool,
    /// The scenario rules.
    pub scenarios: ScenarioFile,
    /// The journal (and the report's tally).
    pub journal: Journal,
}

/// One operation the mock answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockRoute {
    /// The port type.
    pub interface: String,
    /// The operation.
    pub operation: String,
    /// The path (from the WSDL address).
    pub path: String,
    /// The SOAP action.
    pub action: String,
    /// The example response file.
    pub example: PathBuf,
}

/// The mock: a router and what it serves.
#[derive(Debug)]
pub struct Mock {
    /// The router (serve it with `tandvard_runtime::server::Server`).
    pub router: Router,
    /// The operations answered.
    pub routes: Vec<MockRoute>,
    /// Operations without a usable example (not answered).
    pub warnings: Vec<String>,
    /// What every route shares: rules, state, journal.
    pub state: Arc<MockState>,
}

/// What the routes of one mock share.
#[derive(Debug)]
pub struct MockState {
    contract: Contract,
    options: MockOptions,
    /// Each rule's answer, prepared at start (`None`: the operation's default).
    answers: Vec<Prepared>,
    runtime: Mutex<RunState>,
}

/// Counters, recorded values and queues.
#[derive(Debug, Default)]
struct RunState {
    calls: BTreeMap<String, u64>,
    sets: BTreeMap<String, BTreeSet<String>>,
    queues: BTreeMap<String, VecDeque<PathBuf>>,
}

/// A rule's answer, loaded at start so a broken file is reported before the first call.
#[derive(Debug)]
enum Prepared {
    Default,
    Answer(Answer),
    Fault(Box<Fault>),
    Status(u16),
}

impl Mock {
    /// The rehearsal report: per operation, the outcomes shown and the rules never exercised.
    pub fn report(&self) -> Vec<OperationReport> {
        self.state.report(&self.routes)
    }

    /// The rehearsal report as Markdown.
    pub fn report_markdown(&self) -> String {
        journal::report_markdown(&self.report())
    }

    /// The rehearsal report as JSON.
    pub fn report_json(&self) -> String {
        let mut s =
            serde_json::to_string_pretty(&serde_json::json!({ "operations": self.report() }))
                .unwrap_or_default();
        s.push('\n');
        s
    }
}

impl MockState {
    fn rule_name(&self, i: usize) -> String {
        let r = &self.options.scenarios.rules[i];
        r.name
            .clone()
            .unwrap_or_else(|| format!("{} #{}", r.operation, i + 1))
    }

    fn report(&self, routes: &[MockRoute]) -> Vec<OperationReport> {
        let shown = self.options.journal.outcomes();
        routes
            .iter()
            .map(|r| {
                let outcomes_shown = shown
                    .get(&(r.interface.clone(), r.operation.clone()))
                    .cloned()
                    .unwrap_or_default();
                let rules: Vec<RuleSummary> = self
                    .options
                    .scenarios
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(_, rule)| rule.operation == r.operation)
                    .map(|(i, rule)| RuleSummary {
                        name: self.rule_name(i),
                        outcome: self.static_outcome(i, rule),
                        hits: self.options.journal.hits(i),
                    })
                    .collect();
                OperationReport {
                    interface: r.interface.clone(),
                    operation: r.operation.clone(),
                    calls: outcomes_shown.values().sum(),
                    not_exercised: rules
                        .iter()
                        .filter(|s| s.hits == 0)
                        .map(|s| format!("{} ({})", s.name, s.outcome))
                        .collect(),
                    outcomes_shown,
                    rules,
                }
            })
            .collect()
    }

    /// The outcome a rule shows, as far as it is known before a call.
    fn static_outcome(&self, i: usize, rule: &Rule) -> String {
        let r = &rule.respond;
        if let Some(t) = &r.transport {
            return format!("transport:{t}");
        }
        match &self.answers[i] {
            Prepared::Status(s) => format!("http:{s}"),
            Prepared::Answer(a) => outcome_of_answer(a),
            Prepared::Fault(f) => {
                outcome_of_xml(&EnvelopeWriter::new(SoapVersion::Soap11).fault(f))
            }
            Prepared::Default if rule.dequeue.is_some() => "queued answer".to_string(),
            Prepared::Default => "default answer".to_string(),
        }
    }
}

/// A prepared answer: either a payload to wrap or a whole envelope.
#[derive(Debug)]
enum Answer {
    Payload(String),
    Envelope { body: Vec<u8>, fault: bool },
}

/// What one route checks and answers.
#[derive(Debug)]
struct Plan {
    interface: String,
    operation: String,
    request: QualifiedName,
    /// The request element, as the contract model names it.
    request_model: tandvard_codegen::model::QName,
    /// The header blocks the operation declares, with their model names.
    headers: Vec<(QualifiedName, tandvard_codegen::model::QName)>,
    /// The response element, for samples.
    response_model: Option<tandvard_codegen::model::QName>,
    /// The default answer (the example response).
    answer: Answer,
}

/// The example files `<op>Response*.xml` in `dir`, the plain one first.
fn examples(dir: &Path, op: &str) -> Vec<PathBuf> {
    let prefix = format!("{op}Response");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(bool, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            let rest = name.strip_prefix(&prefix)?;
            if rest == ".xml" {
                Some((false, p))
            } else if rest.starts_with('_') && rest.ends_with(".xml") {
                Some((true, p))
            } else {
                None
            }
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

fn qualified(q: &tandvard_codegen::model::QName) -> QualifiedName {
    QualifiedName::new(q.ns.clone().unwrap_or_default(), q.local.clone())
}

/// Reads an example: a whole envelope as it is, or a bare payload without its prolog.
fn load_answer(path: &Path, expected: Option<&QualifiedName>) -> Result<Answer, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
    let mut r = tandvard_runtime::Reader::new(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let root = r.root().map_err(|e| format!("{}: {e}", path.display()))?;
    let root_ns = r.ns_uri(root.ns).to_owned();
    let root_name = QualifiedName::new(root_ns.clone(), root.local_name());
    if root.local == b"Envelope" && SoapVersion::from_envelope_ns(&root_ns).is_some() {
        let env = read_envelope(text.as_bytes(), &ReadOptions::default(), |r, s| r.skip(s))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let fault = matches!(env.body, Body::Fault(_));
        return Ok(Answer::Envelope {
            body: text.into_bytes(),
            fault,
        });
    }
    if let Some(want) = expected {
        if *want != root_name {
            return Err(format!(
                "{}: the root element is {root_name}, the operation answers {want}",
                path.display()
            ));
        }
    }
    let start = usize::try_from(root.pos).unwrap_or(0);
    r.skip(root)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let end = usize::try_from(r.position()).unwrap_or(text.len());
    r.finish().map_err(|e| format!("{}: {e}", path.display()))?;
    let payload = text
        .get(start..end)
        .ok_or_else(|| format!("{}: cannot cut the payload", path.display()))?;
    Ok(Answer::Payload(payload.to_owned()))
}

fn plan(op: &Operation, iface: &Interface, example: &Path) -> Result<Plan, String> {
    let single = |m: Option<&tandvard_codegen::model::MessageShape>| {
        m.and_then(|m| match m.body.as_slice() {
            [p] => p.element.clone(),
            _ => None,
        })
    };
    let request_model =
        single(op.input.as_ref()).ok_or_else(|| "the input is not one element part".to_string())?;
    let response_model = single(op.output.as_ref());
    let headers = op
        .input
        .iter()
        .flat_map(|m| m.headers.iter())
        .filter_map(|h| h.element.as_ref().map(|e| (qualified(e), e.clone())))
        .collect();
    Ok(Plan {
        interface: iface.name.clone(),
        operation: op.name.clone(),
        request: qualified(&request_model),
        request_model,
        headers,
        answer: load_answer(example, response_model.as_ref().map(qualified).as_ref())?,
        response_model,
    })
}

/// The outcome label of an answer: `OK`, `ERROR/CLM-014`, `fault:Server/TEC-003`.
fn outcome_of_answer(a: &Answer) -> String {
    match a {
        Answer::Payload(p) => outcome_of_xml(p.as_bytes()),
        Answer::Envelope { body, .. } => outcome_of_xml(body),
    }
}

/// Reads the outcome of a response body: a fault's code (and its detail's `code`), else the
/// `resultCode` (and `errorCode`) RIV-TA responses carry, else `answered`.
fn outcome_of_xml(xml: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(xml) else {
        return "answered".into();
    };
    let Ok(doc) = roxmltree::Document::parse(text) else {
        return "answered".into();
    };
    let find = |name: &str| {
        doc.descendants()
            .find(|n| n.is_element() && n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(|t| t.trim().to_string())
    };
    if doc
        .descendants()
        .any(|n| n.is_element() && n.tag_name().name() == "Fault")
    {
        let code = find("faultcode")
            .or_else(|| find("Value"))
            .map(|c| c.rsplit(':').next().unwrap_or(&c).to_string())
            .unwrap_or_else(|| "?".into());
        return match find("code") {
            Some(d) => format!("fault:{code}/{d}"),
            None => format!("fault:{code}"),
        };
    }
    match (find("resultCode"), find("errorCode")) {
        (Some(r), Some(e)) if r == "ERROR" => format!("ERROR/{e}"),
        (Some(r), _) => r,
        _ => "answered".into(),
    }
}

/// The response an answer becomes.
fn respond_with(answer: &Answer, version: SoapVersion) -> ServerResponse {
    match answer {
        Answer::Payload(p) => {
            ServerResponse::envelope(version, EnvelopeWriter::new(version).raw_body(p))
        }
        Answer::Envelope { body, fault } => {
            let mut r = ServerResponse::envelope(version, body.clone());
            if *fault {
                r.status = 500;
            }
            r
        }
    }
}

/// A client fault for a request that breaks its contract.
fn invalid(state: &MockState, version: SoapVersion, text: String) -> ServerResponse {
    let mut fault = Fault::client(text.clone());
    if let Some(inv) = &state.options.scenarios.invalid_request
        && let Some(path) = &inv.fault_detail
        && let Ok(template) = std::fs::read_to_string(path)
    {
        let escaped = text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let detail = strip_prolog(&template.replace("{error}", &escaped));
        if let Ok(d) = tandvard_runtime::AnyElement::parse(detail) {
            fault.detail = vec![d];
        }
    }
    ServerResponse::fault(version, &fault)
}

/// The text of an XML file from its root element on (no declaration or leading comments).
fn strip_prolog(text: &str) -> String {
    let mut rest = text.trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>").map_or("", |(_, r)| r).trim_start();
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").map_or("", |(_, r)| r).trim_start();
        } else {
            return rest.trim_end().to_string();
        }
    }
}

/// Checks the request against its contract: the payload and each declared header block.
fn check_request(
    state: &MockState,
    plan: &Plan,
    doc: &roxmltree::Document<'_>,
) -> Result<(), String> {
    let env = doc.root_element();
    fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, local: &str) -> Option<roxmltree::Node<'a, 'i>> {
        n.children()
            .find(|c| c.is_element() && c.tag_name().name() == local)
    }
    let payload = child(env, "Body")
        .and_then(|b| b.children().find(|c| c.is_element()))
        .ok_or("the Body has no payload")?;
    tandvard_codegen::validate::validate_element(&state.contract, &plan.request_model, payload)
        .map_err(|e| e.to_string())?;
    for (q, model) in &plan.headers {
        let block = child(env, "Header").and_then(|h| {
            h.children().find(|c| {
                c.is_element()
                    && c.tag_name().name() == q.local
                    && c.tag_name().namespace().unwrap_or("") == q.namespace
            })
        });
        let block = block.ok_or_else(|| format!("the header block {q} is missing"))?;
        tandvard_codegen::validate::validate_element(&state.contract, model, block)
            .map_err(|e| format!("in the header: {e}"))?;
    }
    Ok(())
}

/// The scenario rule that answers this call, if any; applies its state changes.
fn pick_rule(
    state: &MockState,
    plan: &Plan,
    doc: Option<&roxmltree::Document<'_>>,
    call: u64,
    queued: &mut Option<PathBuf>,
) -> Option<usize> {
    let rules = &state.options.scenarios.rules;
    let payload = doc.and_then(|d| {
        d.root_element()
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == "Body")
            .and_then(|b| b.children().find(|c| c.is_element()))
    });
    let value = |path: &str| payload.and_then(|p| value_at(p, path)).map(str::to_string);
    let mut run = state.runtime.lock().ok()?;
    for (i, rule) in rules.iter().enumerate() {
        if rule.operation != plan.operation {
            continue;
        }
        if !rule.calls.is_empty() && !rule.calls.contains(&call) {
            continue;
        }
        if !rule
            .matches
            .iter()
            .all(|(path, want)| value(path).as_deref() == Some(want.trim()))
        {
            continue;
        }
        if let Some(req) = &rule.requires {
            let known = value(&req.path)
                .is_some_and(|v| run.sets.get(&req.recorded).is_some_and(|s| s.contains(&v)));
            if !known {
                continue;
            }
        }
        if let Some(q) = &rule.dequeue {
            match run.queues.get_mut(q).and_then(VecDeque::pop_front) {
                Some(p) => *queued = Some(p),
                None => continue,
            }
        }
        if let Some(rec) = &rule.record
            && let Some(v) = value(&rec.path)
        {
            run.sets.entry(rec.set.clone()).or_default().insert(v);
        }
        if let Some(e) = &rule.enqueue {
            run.queues
                .entry(e.queue.clone())
                .or_default()
                .push_back(e.example.clone());
        }
        return Some(i);
    }
    None
}

/// Answers one request: checks it, picks the rule, answers, journals.
async fn answer(state: Arc<MockState>, plan: Arc<Plan>, req: ServerRequest) -> ServerResponse {
    let started = Instant::now();
    let (resp, rule, rule_label) = answer_inner(&state, &plan, &req).await;
    let outcome = match resp.transport_fault {
        Some(TransportFault::Reset) => "transport:reset".to_string(),
        Some(TransportFault::Truncated) => "transport:truncated".to_string(),
        None if resp.status != 200 && resp.status != 500 => format!("http:{}", resp.status),
        None if resp.body.is_empty() => "transport:empty".to_string(),
        None => outcome_of_xml(&resp.body),
    };
    let entry = Entry {
        time: journal::now_rfc3339(),
        interface: plan.interface.clone(),
        operation: plan.operation.clone(),
        client: req.caller.as_ref().map(|c| c.subject.to_string()),
        client_serial: req.caller.as_ref().map(|c| c.serial.clone()),
        client_issuer: req.caller.as_ref().map(|c| c.issuer.to_string()),
        client_hsa_id: req
            .caller
            .as_ref()
            .and_then(|c| c.hsa_id().map(str::to_owned)),
        remote: req.remote_addr.map(|a| a.to_string()),
        rule: rule_label,
        outcome,
        status: (resp.transport_fault != Some(TransportFault::Reset)).then_some(resp.status),
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        request_bytes: req.body.len(),
        response_bytes: match resp.transport_fault {
            Some(TransportFault::Reset) => 0,
            Some(TransportFault::Truncated) => resp.body.len() / 2,
            None => resp.body.len(),
        },
    };
    state.options.journal.record(&entry, rule);
    resp
}

async fn answer_inner(
    state: &MockState,
    plan: &Plan,
    req: &ServerRequest,
) -> (ServerResponse, Option<usize>, String) {
    let env = read_envelope(&req.body, &ReadOptions::default(), |r, s| {
        let q = QualifiedName::new(r.ns_uri(s.ns), s.local_name());
        r.skip(s)?;
        Ok(q)
    });
    let refuse = |version, text: String| {
        (
            invalid(state, version, text),
            None,
            "invalid-request".to_string(),
        )
    };
    let env = match env {
        Ok(env) => env,
        Err(e) => {
            return refuse(
                req.version,
                format!(
                    "{}: the request is not a SOAP envelope: {e}",
                    plan.operation
                ),
            );
        }
    };
    let version = env.version;
    match &env.body {
        Body::Payload(q) if *q == plan.request => {}
        Body::Payload(q) => {
            return refuse(
                version,
                format!(
                    "{}: the payload is {q}, expected {}",
                    plan.operation, plan.request
                ),
            );
        }
        Body::Fault(_) => {
            return refuse(version, "a request cannot be a fault".to_string());
        }
    }
    // The request parsed once, for validation and for the rules' paths (only when needed).
    let has_rules = state
        .options
        .scenarios
        .rules
        .iter()
        .any(|r| r.operation == plan.operation);
    let picked = {
        let doc = if !state.options.lenient || has_rules {
            let parsed = std::str::from_utf8(&req.body)
                .map_err(|_| "the request is not UTF-8".to_string())
                .and_then(|t| {
                    roxmltree::Document::parse(t).map_err(|e| format!("not well-formed XML: {e}"))
                });
            match parsed {
                Ok(d) => Some(d),
                Err(e) if !state.options.lenient => {
                    return refuse(
                        version,
                        format!("{}: the request breaks its contract: {e}", plan.operation),
                    );
                }
                Err(_) => None,
            }
        } else {
            None
        };
        if state.options.lenient {
            for (h, _) in &plan.headers {
                if env.headers.find(&h.namespace, &h.local).is_none() {
                    return refuse(
                        version,
                        format!("{}: the header block {h} is missing", plan.operation),
                    );
                }
            }
        } else if let Some(d) = &doc
            && let Err(e) = check_request(state, plan, d)
        {
            return refuse(
                version,
                format!("{}: the request breaks its contract: {e}", plan.operation),
            );
        }
        let call = {
            let Ok(mut run) = state.runtime.lock() else {
                return (
                    ServerResponse::fault(version, &Fault::server("mock state unavailable")),
                    None,
                    "default".into(),
                );
            };
            let n = run.calls.entry(plan.operation.clone()).or_default();
            *n += 1;
            *n
        };
        let mut queued = None;
        let i = if has_rules {
            pick_rule(state, plan, doc.as_ref(), call, &mut queued)
        } else {
            None
        };
        i.map(|i| (i, queued))
    };
    let Some((i, queued)) = picked else {
        return (respond_with(&plan.answer, version), None, "default".into());
    };
    let rule = &state.options.scenarios.rules[i];
    let label = state.rule_name(i);
    let r: &Respond = &rule.respond;
    if let Some(ms) = r.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let mut resp = if let Some(path) = queued {
        match load_answer(&path, plan.response_model.as_ref().map(qualified).as_ref()) {
            Ok(a) => respond_with(&a, version),
            Err(e) => ServerResponse::fault(version, &Fault::server(format!("mock: {e}"))),
        }
    } else if let Some(kind) = &r.sample {
        let extent = if kind == "full" {
            Extent::Full
        } else {
            Extent::Minimal
        };
        match plan
            .response_model
            .as_ref()
            .ok_or_else(|| "the operation has no response element".to_string())
            .and_then(|el| {
                sample::sample(&state.contract, el, extent, 1).map_err(|e| e.to_string())
            }) {
            Ok(s) => respond_with(&Answer::Payload(strip_prolog(&s.xml)), version),
            Err(e) => ServerResponse::fault(version, &Fault::server(format!("mock: {e}"))),
        }
    } else {
        match &state.answers[i] {
            Prepared::Default => respond_with(&plan.answer, version),
            Prepared::Answer(a) => respond_with(a, version),
            Prepared::Fault(f) => ServerResponse::fault(version, f),
            Prepared::Status(s) => ServerResponse::text(*s, ""),
        }
    };
    match r.transport.as_deref() {
        Some("reset") => resp.transport_fault = Some(TransportFault::Reset),
        Some("truncated") => resp.transport_fault = Some(TransportFault::Truncated),
        Some("empty") => {
            resp.status = 200;
            resp.body.clear();
        }
        _ => {}
    }
    (resp, Some(i), label)
}

/// Prepares each rule's answer (loads its files), so a broken scenario fails at start.
fn prepare(scenarios: &ScenarioFile, contract: &Contract) -> Result<Vec<Prepared>, String> {
    let mut out = Vec::new();
    for (i, rule) in scenarios.rules.iter().enumerate() {
        let what = format!(
            "scenario rule {} ({})",
            i + 1,
            rule.name.as_deref().unwrap_or(&rule.operation)
        );
        let exists = contract
            .interfaces
            .iter()
            .any(|iface| iface.operations.iter().any(|o| o.name == rule.operation));
        if !exists {
            return Err(format!(
                "{what}: no operation {} in the contracts",
                rule.operation
            ));
        }
        let r = &rule.respond;
        let p = if let Some(path) = &r.example {
            Prepared::Answer(load_answer(path, None).map_err(|e| format!("{what}: {e}"))?)
        } else if let Some(f) = &r.fault {
            let mut fault = match f.code.as_str() {
                "Client" | "Sender" => Fault::client(f.string.clone()),
                _ => Fault::server(f.string.clone()),
            };
            if let Some(d) = &f.detail {
                let text = std::fs::read_to_string(d)
                    .map_err(|e| format!("{what}: {}: {e}", d.display()))?;
                fault.detail = vec![
                    tandvard_runtime::AnyElement::parse(strip_prolog(&text))
                        .map_err(|e| format!("{what}: {}: {e}", d.display()))?,
                ];
            }
            Prepared::Fault(Box::new(fault))
        } else if let Some(s) = r.status {
            Prepared::Status(s)
        } else {
            Prepared::Default
        };
        if let Some(e) = &rule.enqueue {
            load_answer(&e.example, None).map_err(|err| format!("{what}: {err}"))?;
        }
        out.push(p);
    }
    Ok(out)
}

/// Builds the mock from a loaded contract whose source paths are relative to `base_dir`:
/// strict, no scenarios, no journal.
pub fn mock_for(contract: &Contract, base_dir: &Path) -> Mock {
    match mock_with(contract, base_dir, MockOptions::default()) {
        Ok(m) => m,
        // No scenario rules: nothing can fail to prepare.
        Err(e) => unreachable!("a mock without scenarios cannot fail: {e}"),
    }
}

/// Builds the mock with options (scenarios, journal, lenient).
pub fn mock_with(
    contract: &Contract,
    base_dir: &Path,
    options: MockOptions,
) -> Result<Mock, String> {
    let answers = prepare(&options.scenarios, contract)?;
    let state = Arc::new(MockState {
        contract: contract.clone(),
        options,
        answers,
        runtime: Mutex::default(),
    });
    let mut router = Router::new();
    let mut routes = Vec::new();
    let mut warnings = Vec::new();
    for iface in &contract.interfaces {
        let path = url_path(iface.address.as_deref().unwrap_or("/"));
        let dir = iface
            .source
            .as_ref()
            .and_then(|s| Path::new(&s.file).parent().map(|p| base_dir.join(p)))
            .unwrap_or_else(|| base_dir.to_path_buf())
            .join("examples");
        for op in &iface.operations {
            let candidates = examples(&dir, &op.name);
            let mut problems = Vec::new();
            let mut plans = Vec::new();
            for c in &candidates {
                match plan(op, iface, c) {
                    Ok(p) => plans.push((c.clone(), p)),
                    Err(e) => problems.push(e),
                }
            }
            // The first that is not a fault, else the first.
            let pick = plans
                .iter()
                .position(|(_, p)| !matches!(p.answer, Answer::Envelope { fault: true, .. }))
                .unwrap_or(0);
            let chosen = (pick < plans.len()).then(|| plans.swap_remove(pick));
            let Some((example, plan)) = chosen else {
                warnings.push(format!(
                    "{}.{}: no usable example response in {}{}",
                    iface.name,
                    op.name,
                    dir.display(),
                    if problems.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", problems.join("; "))
                    }
                ));
                continue;
            };
            let action = op.soap_action.clone().unwrap_or_default();
            routes.push(MockRoute {
                interface: iface.name.clone(),
                operation: op.name.clone(),
                path: path.clone(),
                action: action.clone(),
                example,
            });
            let route = Route {
                path: path.clone(),
                action,
                element: plan.request.clone(),
                interface: iface.name.clone(),
                operation: op.name.clone(),
            };
            let plan = Arc::new(plan);
            let state = state.clone();
            router = router.route(route, move |req: ServerRequest| {
                // On its own task: a client that gives up (a timeout) does not cancel the
                // answer, so the journal still records the call.
                let call = tokio::spawn(answer(state.clone(), plan.clone(), req));
                async move {
                    call.await.unwrap_or_else(|_| {
                        ServerResponse::fault(
                            SoapVersion::Soap11,
                            &Fault::server("the mock failed to answer"),
                        )
                    })
                }
            });
        }
    }
    Ok(Mock {
        router,
        routes,
        warnings,
        state,
    })
}

/// Loads the contracts in `dir` and builds the mock.
pub fn mock(dir: &Path, catalog: &Catalog) -> Result<Mock, Error> {
    let loaded = tandvard_codegen::load_contracts(&[dir.to_path_buf()], catalog)?;
    Ok(mock_for(&loaded.contract, &loaded.base_dir))
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Builds the server TLS configuration from the arguments (`None` for plain HTTP).
fn tls(args: &MockArgs) -> Result<Option<Arc<tandvard_runtime::rustls::ServerConfig>>, String> {
    let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) else {
        if args.client_ca.is_some() {
            return Err("--client-ca needs --tls-cert and --tls-key".into());
        }
        return Ok(None);
    };
    let ca = match &args.client_ca {
        Some(p) => Some(read(p)?),
        None => None,
    };
    let config = match (&ca, &args.client_crl) {
        (Some(ca), Some(crl)) => tandvard_runtime::server::tls_server_config_with_crls(
            &read(cert)?,
            &read(key)?,
            ca,
            &read(crl)?,
        ),
        _ => tandvard_runtime::server::tls_server_config(&read(cert)?, &read(key)?, ca.as_deref()),
    };
    config.map(Some).map_err(|e| e.to_string())
}

/// Runs the mock server until interrupted.
pub fn run(args: &MockArgs) -> ExitCode {
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn serve(args: &MockArgs) -> Result<(), String> {
    let catalog = match &args.catalog {
        Some(p) if p.extension().is_some_and(|e| e == "tsv") => {
            Catalog::from_tsv(p).map_err(|e| e.to_string())?
        }
        Some(p) => Catalog::from_xml_catalog(p).map_err(|e| e.to_string())?,
        None => Catalog::new(),
    };
    let loaded = tandvard_codegen::load_contracts(std::slice::from_ref(&args.contracts), &catalog)
        .map_err(|e| e.to_string())?;
    let scenarios = match &args.scenarios {
        Some(p) => ScenarioFile::load(p)?,
        None => ScenarioFile::default(),
    };
    let journal = match &args.journal {
        Some(p) => Journal::to_file(p)?,
        None => Journal::default(),
    };
    let options = MockOptions {
        lenient: args.lenient,
        scenarios,
        journal,
    };
    let mock = mock_with(&loaded.contract, &loaded.base_dir, options)?;
    for w in &mock.warnings {
        eprintln!("note: {w}");
    }
    if mock.routes.is_empty() {
        return Err(format!(
            "no operation with an example response under {}",
            args.contracts.display()
        ));
    }
    let tls = tls(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(async move {
        let mut server = tandvard_runtime::server::Server::bind(&args.addr, mock.router.clone())
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?
            .with_max_connections(args.max_connections)
            .with_max_request_size(args.max_request_size);
        let scheme = if tls.is_some() { "https" } else { "http" };
        if let Some(t) = tls {
            server = server.with_tls(t);
        }
        let addr = server.local_addr().map_err(|e| e.to_string())?;
        let mode = match (&args.tls_cert, &args.client_ca) {
            (None, _) => "plain HTTP".to_string(),
            (Some(_), None) => "TLS, no client certificate required".to_string(),
            (Some(_), Some(ca)) => format!(
                "mutual TLS: client certificates issued by {} required",
                ca.display()
            ),
        };
        println!("serve-mock listening on {scheme}://{addr} ({mode})");
        let cwd = std::env::current_dir().unwrap_or_default();
        for r in &mock.routes {
            println!(
                "  POST {scheme}://{addr}{}  {}  SOAPAction {:?}  -> {}",
                r.path,
                r.operation,
                r.action,
                r.example.strip_prefix(&cwd).unwrap_or(&r.example).display()
            );
        }
        println!(
            "  POST {scheme}://{addr}/  any of the above, chosen by SOAPAction or payload element"
        );
        println!(
            "  requests: {}; scenarios: {}; journal: {}",
            if args.lenient {
                "lenient"
            } else {
                "strict (checked against the contract)"
            },
            args.scenarios.as_ref().map_or(
                "none (each operation answers its example)".to_string(),
                |p| format!(
                    "{} ({} rules)",
                    p.display(),
                    mock.state.options.scenarios.rules.len()
                )
            ),
            args.journal
                .as_ref()
                .map_or("off".to_string(), |p| p.display().to_string()),
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
        tokio::select! {
            r = server.run() => r.map_err(|e| e.to_string()),
            _ = tokio::signal::ctrl_c() => {
                if let Some(path) = &args.report {
                    let text = if path.extension().is_some_and(|e| e == "json") {
                        mock.report_json()
                    } else {
                        mock.report_markdown()
                    };
                    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
                    eprintln!("rehearsal report written to {}", path.display());
                }
                Ok(())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_choice_prefers_the_plain_file() {
        let dir = std::env::temp_dir().join(format!("mock-ex-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in [
            "OpResponse_b.xml",
            "OpResponse.xml",
            "OpResponses.xml",
            "OtherResponse.xml",
        ] {
            std::fs::write(dir.join(f), "<x/>").unwrap();
        }
        let found = examples(&dir, "Op");
        let names: Vec<_> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["OpResponse.xml", "OpResponse_b.xml"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
