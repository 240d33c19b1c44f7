//! `serve-mock`: a mock of the e-service that answers every operation with its example
//! response from the contracts, for vendors to try their client against locally.
//!
//! Each port answers at the path of its WSDL address (`/tandvard/CheckPatient/2`) and at
//! `/`, dispatching on the SOAP action, else on the payload element. The example response of
//! an operation is `examples/<Operation>Response.xml` next to its WSDL (the plain one; else
//! the first other `<Operation>Response_*.xml` that is not a fault, in name order). A bare
//! payload is wrapped in an envelope of the request's SOAP version; a whole envelope is sent
//! as it is (with status 500 when it holds a fault). The mock checks each request: a SOAP
//! envelope whose payload is the operation's request element, with the header blocks the
//! operation declares; otherwise it answers with a `Client` fault saying what is wrong.
//!
//! With `--tls-cert` and `--tls-key` it serves HTTPS; with `--client-ca` as well, every
//! client must present a certificate issued by that CA (mutual TLS). With `--journal FILE`
//! it appends one line per request answered: who called (the verified client
//! certificate's subject, serial, issuer and HSA-id), from where, which operation, and the
//! status; never the request's content.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use tandvard_runtime::ReadOptions;
use tandvard_runtime::server::{Route, Router, ServerRequest, ServerResponse, url_path};
use tandvard_runtime::soap::{
    Body, EnvelopeWriter, Fault, QualifiedName, SoapVersion, read_envelope,
};

use tandvard_codegen::Error;
use tandvard_codegen::model::{Contract, Interface, Operation};
use tandvard_codegen::wsdl::Catalog;

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
    /// An OASIS XML catalog (or a .tsv catalog) for remote schema locations.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Connections served at once; further ones wait until one closes.
    #[arg(long, default_value_t = tandvard_runtime::server::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Largest request body in bytes (a larger Content-Length gets 413 before the body is read).
    #[arg(long, default_value_t = tandvard_runtime::server::DEFAULT_MAX_REQUEST_SIZE)]
    pub max_request_size: usize,
    /// Append one line per request answered to this file: time, operation, HTTP status,
    /// client address, and the caller's certificate subject, serial, issuer and HSA-id.
    #[arg(long)]
    pub journal: Option<PathBuf>,
}

/// The mock's journal: one tab-separated line per request answered, appended to a file:
/// time (UTC), `Interface.Operation`, HTTP status, client address, and the caller's
/// certificate subject, serial number, issuer and HSA-id (`-` where there is none). The
/// request's content is never written.
#[derive(Debug)]
pub struct Journal {
    file: std::sync::Mutex<std::fs::File>,
}

impl Journal {
    /// Appends to `path` (created if missing).
    pub fn open(path: &Path) -> Result<Journal, String> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("journal {}: {e}", path.display()))?;
        Ok(Journal {
            file: std::sync::Mutex::new(file),
        })
    }

    /// Writes the line of one request.
    pub fn record(&self, operation: &str, req: &ServerRequest, status: u16) {
        use std::io::Write;
        let time = tandvard_runtime::SimpleValue::to_text(&tandvard_runtime::DateTime::now_utc());
        let remote = req
            .remote_addr
            .map_or_else(|| "-".to_owned(), |a| a.to_string());
        let (subject, serial, issuer, hsa) = match req.caller.as_deref() {
            Some(c) => (
                c.subject.to_string(),
                c.serial.clone(),
                c.issuer.to_string(),
                c.hsa_id().unwrap_or("-").to_owned(),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        let line = format!(
            "{time}\t{operation}\t{status}\t{remote}\t{subject}\t{serial}\t{issuer}\t{hsa}\n"
        );
        if let Ok(mut f) = self.file.lock() {
            let _ = f.write_all(line.as_bytes());
        }
    }
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
    operation: String,
    version: SoapVersion,
    request: QualifiedName,
    headers: Vec<QualifiedName>,
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
    let request = op
        .input
        .as_ref()
        .and_then(|m| match m.body.as_slice() {
            [p] => p.element.as_ref(),
            _ => None,
        })
        .map(qualified)
        .ok_or_else(|| "the input is not one element part".to_string())?;
    let response = op.output.as_ref().and_then(|m| match m.body.as_slice() {
        [p] => p.element.as_ref().map(qualified),
        _ => None,
    });
    let headers = op
        .input
        .iter()
        .flat_map(|m| m.headers.iter())
        .filter_map(|h| h.element.as_ref().map(qualified))
        .collect();
    let version = match iface.soap {
        tandvard_codegen::model::SoapVersion::Soap11 => SoapVersion::Soap11,
        tandvard_codegen::model::SoapVersion::Soap12 => SoapVersion::Soap12,
    };
    Ok(Plan {
        operation: op.name.clone(),
        version,
        request,
        headers,
        answer: load_answer(example, response.as_ref())?,
    })
}

/// Answers one request: checks it, then sends the example.
fn answer(plan: &Plan, req: &ServerRequest) -> ServerResponse {
    let options = ReadOptions::default();
    let env = read_envelope(&req.body, &options, |r, s| {
        let q = QualifiedName::new(r.ns_uri(s.ns), s.local_name());
        r.skip(s)?;
        Ok(q)
    });
    let client_fault = |version, text: String| ServerResponse::fault(version, &Fault::client(text));
    let env = match env {
        Ok(env) => env,
        Err(e) => {
            return client_fault(
                req.version,
                format!(
                    "{}: the request is not a SOAP envelope: {}",
                    plan.operation,
                    tandvard_runtime::server::describe_request_error(&e)
                ),
            );
        }
    };
    let version = env.version;
    match &env.body {
        Body::Payload(q) if *q == plan.request => {}
        Body::Payload(q) => {
            return client_fault(
                version,
                format!(
                    "{}: the payload is {q}, expected {}",
                    plan.operation, plan.request
                ),
            );
        }
        Body::Fault(_) => {
            return client_fault(version, "a request cannot be a fault".to_string());
        }
    }
    for h in &plan.headers {
        if env.headers.find(&h.namespace, &h.local).is_none() {
            return client_fault(
                version,
                format!("{}: the header block {h} is missing", plan.operation),
            );
        }
    }
    let _ = plan.version;
    match &plan.answer {
        Answer::Payload(p) => {
            ServerResponse::envelope(version, EnvelopeWriter::new(version).raw_body(p))
        }
        Answer::Envelope { body, fault } => ServerResponse {
            status: if *fault { 500 } else { 200 },
            content_type: version.content_type(""),
            body: body.clone(),
        },
    }
}

/// Builds the mock from a loaded contract whose source paths are relative to `base_dir`.
pub fn mock_for(contract: &Contract, base_dir: &Path) -> Mock {
    mock_with_journal(contract, base_dir, None)
}

/// Like [`mock_for`], recording every request answered in `journal`.
pub fn mock_with_journal(
    contract: &Contract,
    base_dir: &Path,
    journal: Option<Arc<Journal>>,
) -> Mock {
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
            let journal = journal.clone();
            let name = format!("{}.{}", iface.name, op.name);
            router = router.route(route, move |req: ServerRequest| {
                let resp = answer(&plan, &req);
                if let Some(j) = &journal {
                    j.record(&name, &req, resp.status);
                }
                async move { resp }
            });
        }
    }
    Mock {
        router,
        routes,
        warnings,
    }
}

/// Loads the contracts in `dir` and builds the mock.
pub fn mock(dir: &Path, catalog: &Catalog) -> Result<Mock, Error> {
    journaled_mock(dir, catalog, None)
}

/// Like [`mock`], recording every request answered in `journal`.
pub fn journaled_mock(
    dir: &Path,
    catalog: &Catalog,
    journal: Option<Arc<Journal>>,
) -> Result<Mock, Error> {
    let loaded = tandvard_codegen::load_contracts(&[dir.to_path_buf()], catalog)?;
    Ok(mock_with_journal(
        &loaded.contract,
        &loaded.base_dir,
        journal,
    ))
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
    let journal = match &args.journal {
        Some(p) => Some(Arc::new(Journal::open(p)?)),
        None => None,
    };
    let mock = journaled_mock(&args.contracts, &catalog, journal).map_err(|e| e.to_string())?;
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
        let mut server = tandvard_runtime::server::Server::bind(&args.addr, mock.router)
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
        use std::io::Write;
        let _ = std::io::stdout().flush();
        server.run().await.map_err(|e| e.to_string())
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
