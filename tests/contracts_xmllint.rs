//! Checks the stand-in contracts in `contracts/` and the pre-2026 revision in
//! `tests/fixtures/contracts-pre2026/` with libxml2 (`xmllint`):
//!
//! * every valid example (`examples/*.xml`) validates against the interface's responder XSD;
//!   whole SOAP 1.1 envelopes are split: each `soapenv:Body` child is validated against the
//!   responder XSD (or, for a `soapenv:Fault`, each `detail` child against the technical-fault
//!   XSD) and each `soapenv:Header` child against the common XSD;
//! * every invalid example (`examples/invalid/*.xml`) is well-formed but fails validation
//!   (xmllint exit code 3), and each interface has at least three;
//! * every operation of the WSDL's portType has at least one `<Operation>Request*.xml` and one
//!   `<Operation>Response*.xml`, whose root element is the one the WSDL message names;
//! * the WSDL is consistent (SOAP 1.1 document/literal binding, soapAction convention,
//!   `soap:header` for the RequestHeader, a fault on every operation, `.example` endpoint),
//!   every `schemaLocation` is relative and exists, and every responder request/response type
//!   ends with the `##other` lax extension point.
//!
//! All failures are collected and reported in one assertion. Skips (outside CI) when xmllint
//! is not installed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use roxmltree::{Document, Node};
use tandvard_tests::{require_tool, workspace_root};

const INTERFACES: [&str; 13] = [
    "check-patient",
    "get-message",
    "payment-specification",
    "pre-assessment-claim",
    "pre-assessment-stb",
    "register-patient",
    "reverse-claim",
    "send-attachment",
    "statistical-visit",
    "submit-claim",
    "subscription-dental-care",
    "test",
    "validate-claim",
];

const SOAP11_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
const WSDL_SOAP_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";
const HTTP_TRANSPORT: &str = "http://schemas.xmlsoap.org/soap/http";

#[derive(Default)]
struct Report {
    failures: Vec<String>,
    valid_files: usize,
    invalid_files: usize,
    xmllint_runs: usize,
    operations: usize,
}

impl Report {
    fn fail(&mut self, msg: impl Into<String>) {
        self.failures.push(msg.into());
    }
}

/// Expanded name (namespace, local name).
type QName = (String, String);

/// What the WSDL says about one operation.
struct OperationInfo {
    input: QName,
    output: QName,
    /// The element of the `soap:header` part, if the binding declares one.
    header: Option<QName>,
}

fn rel(path: &Path) -> String {
    let root = workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn read(path: &Path, report: &mut Report) -> Option<String> {
    match fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) => {
            report.fail(format!("{}: cannot read: {e}", rel(path)));
            None
        }
    }
}

fn sorted_files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Runs `xmllint --noout --nonet --schema <xsd> <file>`; returns (exit code, stderr).
fn xmllint(xsd: &Path, file: &Path, report: &mut Report) -> (i32, String) {
    report.xmllint_runs += 1;
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(xsd)
        .arg(file)
        .output()
        .expect("xmllint runs");
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    (out.status.code().unwrap_or(-1), stderr)
}

/// Resolves a `prefix:local` attribute value against the namespaces in scope at `node`.
fn resolve_qname(node: Node, value: &str) -> Option<QName> {
    let (prefix, local) = match value.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, value),
    };
    let ns = node.lookup_namespace_uri(prefix)?;
    Some((ns.to_string(), local.to_string()))
}

fn qname_of(node: Node) -> QName {
    let tag = node.tag_name();
    (
        tag.namespace().unwrap_or("").to_string(),
        tag.name().to_string(),
    )
}

fn show(q: &QName) -> String {
    format!("{{{}}}{}", q.0, q.1)
}

fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.has_tag_name((ns, name)))
}

fn child<'a, 'i>(node: Node<'a, 'i>, ns: &'a str, name: &'a str) -> Option<Node<'a, 'i>> {
    children(node, ns, name).next()
}

/// Cuts an element out of its document as standalone XML text, declaring on it every namespace
/// that is in scope but not declared on the element itself.
fn extract_element(text: &str, node: Node) -> String {
    let fragment = &text[node.range()];
    // The start tag ends at the first '>' outside quotes.
    let mut quote: Option<char> = None;
    let mut end = fragment.len();
    for (i, ch) in fragment.char_indices() {
        match (quote, ch) {
            (None, '"' | '\'') => quote = Some(ch),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let start_tag = &fragment[..end];
    let name_end = start_tag
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_whitespace() || *c == '/' || *c == '>')
        .map_or(start_tag.len(), |(i, _)| i);
    let mut decls = String::new();
    for ns in node.namespaces() {
        let declared = match ns.name() {
            Some("xml") => continue,
            Some(prefix) => format!("xmlns:{prefix}="),
            None => "xmlns=".to_string(),
        };
        let on_element = start_tag
            .match_indices(&declared)
            .any(|(i, _)| start_tag[..i].ends_with(char::is_whitespace));
        if !on_element {
            decls.push_str(&format!(" {declared}\"{}\"", ns.uri()));
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}{}{}\n",
        &fragment[..name_end],
        decls,
        &fragment[name_end..]
    )
}

/// Checks that every `schemaLocation` in a schema or WSDL is relative and points to a file;
/// returns the referenced files.
fn check_schema_locations(file: &Path, doc: &Document, report: &mut Report) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let is_ref = node.tag_name().namespace() == Some(XS_NS)
            && matches!(node.tag_name().name(), "import" | "include" | "redefine");
        if !is_ref {
            continue;
        }
        let Some(loc) = node.attribute("schemaLocation") else {
            report.fail(format!(
                "{}: xs:{} without schemaLocation",
                rel(file),
                node.tag_name().name()
            ));
            continue;
        };
        if loc.contains("://") || loc.starts_with('/') {
            report.fail(format!(
                "{}: schemaLocation {loc:?} must be relative (no network at generate time)",
                rel(file)
            ));
            continue;
        }
        let target = file.parent().unwrap().join(loc);
        if target.is_file() {
            found.push(target);
        } else {
            report.fail(format!(
                "{}: schemaLocation {loc:?} does not exist",
                rel(file)
            ));
        }
    }
    found
}

/// Global element names (with the schema's target namespace) of an XSD.
fn global_elements(doc: &Document) -> BTreeMap<QName, Option<String>> {
    let root = doc.root_element();
    let tns = root.attribute("targetNamespace").unwrap_or("").to_string();
    children(root, XS_NS, "element")
        .filter_map(|e| {
            let name = e.attribute("name")?;
            Some((
                (tns.clone(), name.to_string()),
                e.attribute("type").map(str::to_string),
            ))
        })
        .collect()
}

/// Every global element of a responder XSD must have a named complex type whose content ends
/// with `<xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>`.
fn check_extension_points(xsd: &Path, doc: &Document, report: &mut Report) {
    let root = doc.root_element();
    let types: BTreeMap<&str, Node> = children(root, XS_NS, "complexType")
        .filter_map(|t| Some((t.attribute("name")?, t)))
        .collect();
    for element in children(root, XS_NS, "element") {
        let name = element.attribute("name").unwrap_or("?");
        let Some(type_ref) = element.attribute("type") else {
            report.fail(format!(
                "{}: global element {name} has no named type",
                rel(xsd)
            ));
            continue;
        };
        let local = type_ref.rsplit(':').next().unwrap();
        let Some(ty) = types.get(local) else {
            report.fail(format!(
                "{}: type {type_ref} of element {name} is not defined in this schema",
                rel(xsd)
            ));
            continue;
        };
        let last = child(*ty, XS_NS, "sequence")
            .and_then(|seq| seq.children().rev().find(|c| c.is_element()));
        let ok = last.is_some_and(|any| {
            any.has_tag_name((XS_NS, "any"))
                && any.attribute("namespace") == Some("##other")
                && any.attribute("processContents") == Some("lax")
                && any.attribute("minOccurs") == Some("0")
                && any.attribute("maxOccurs") == Some("unbounded")
        });
        if !ok {
            report.fail(format!(
                "{}: type {local} (element {name}) must end with xs:any namespace=\"##other\" processContents=\"lax\" minOccurs=\"0\" maxOccurs=\"unbounded\"",
                rel(xsd)
            ));
        }
    }
}

/// The local name of the message a WSDL element refers to (`message="tns:Foo"` gives `Foo`).
fn message_of<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attribute("message")
        .map(|m| m.rsplit(':').next().unwrap())
}

/// Parses the WSDL, checks its binding, and returns the operations of its (single) portType.
fn check_wsdl(
    wsdl: &Path,
    known_elements: &BTreeSet<QName>,
    report: &mut Report,
) -> BTreeMap<String, OperationInfo> {
    let mut ops = BTreeMap::new();
    let Some(text) = read(wsdl, report) else {
        return ops;
    };
    let doc = match Document::parse(&text) {
        Ok(doc) => doc,
        Err(e) => {
            report.fail(format!("{}: not well-formed: {e}", rel(wsdl)));
            return ops;
        }
    };
    let file = rel(wsdl);
    let defs = doc.root_element();
    if !defs.has_tag_name((WSDL_NS, "definitions")) {
        report.fail(format!("{file}: root is not wsdl:definitions"));
        return ops;
    }
    check_schema_locations(wsdl, &doc, report);

    // Messages: name -> parts (name -> element QName).
    let mut messages: BTreeMap<&str, BTreeMap<&str, QName>> = BTreeMap::new();
    for message in children(defs, WSDL_NS, "message") {
        let mut parts = BTreeMap::new();
        for part in children(message, WSDL_NS, "part") {
            let pname = part.attribute("name").unwrap_or("?");
            match part.attribute("element").and_then(|e| resolve_qname(part, e)) {
                Some(q) => {
                    if !known_elements.contains(&q) {
                        report.fail(format!("{file}: message part {pname} refers to {} which no imported schema declares", show(&q)));
                    }
                    parts.insert(pname, q);
                }
                None => report.fail(format!("{file}: message part {pname} has no resolvable element (document/literal needs element parts)")),
            }
        }
        messages.insert(message.attribute("name").unwrap_or("?"), parts);
    }

    let port_types: Vec<Node> = children(defs, WSDL_NS, "portType").collect();
    if port_types.len() != 1 {
        report.fail(format!(
            "{file}: expected exactly one portType, found {}",
            port_types.len()
        ));
        return ops;
    }
    let port_type = port_types[0];
    if child(port_type, WSDL_NS, "documentation").is_none() {
        report.fail(format!("{file}: portType has no wsdl:documentation"));
    }
    let mut inputs = BTreeMap::new();
    for op in children(port_type, WSDL_NS, "operation") {
        let name = op.attribute("name").unwrap_or("?").to_string();
        if child(op, WSDL_NS, "documentation").is_none() {
            report.fail(format!(
                "{file}: operation {name} has no wsdl:documentation"
            ));
        }
        if child(op, WSDL_NS, "fault").is_none() {
            report.fail(format!("{file}: operation {name} declares no wsdl:fault"));
        }
        let input = child(op, WSDL_NS, "input").and_then(message_of);
        let output = child(op, WSDL_NS, "output").and_then(message_of);
        let (Some(input), Some(output)) = (input, output) else {
            report.fail(format!("{file}: operation {name} lacks input or output"));
            continue;
        };
        let in_el = messages
            .get(input)
            .and_then(|p| p.get("parameters"))
            .cloned();
        let out_el = messages
            .get(output)
            .and_then(|p| p.get("parameters"))
            .cloned();
        let (Some(in_el), Some(out_el)) = (in_el, out_el) else {
            report.fail(format!(
                "{file}: operation {name}: input/output message lacks a 'parameters' part"
            ));
            continue;
        };
        if in_el.1 != name || out_el.1 != format!("{name}Response") {
            report.fail(format!("{file}: operation {name}: wrapped elements must be {name} and {name}Response, found {} and {}", in_el.1, out_el.1));
        }
        inputs.insert(name.clone(), input.to_string());
        ops.insert(
            name,
            OperationInfo {
                input: in_el,
                output: out_el,
                header: None,
            },
        );
    }

    // Binding.
    let bindings: Vec<Node> = children(defs, WSDL_NS, "binding").collect();
    if bindings.len() != 1 {
        report.fail(format!(
            "{file}: expected exactly one binding, found {}",
            bindings.len()
        ));
        return ops;
    }
    let binding = bindings[0];
    match child(binding, WSDL_SOAP_NS, "binding") {
        Some(sb)
            if sb.attribute("style") == Some("document")
                && sb.attribute("transport") == Some(HTTP_TRANSPORT) => {}
        _ => report.fail(format!(
            "{file}: binding must be soap:binding style=\"document\" over HTTP (SOAP 1.1)"
        )),
    }
    let mut bound = BTreeSet::new();
    for bop in children(binding, WSDL_NS, "operation") {
        let name = bop.attribute("name").unwrap_or("?").to_string();
        let Some(info) = ops.get_mut(&name) else {
            report.fail(format!(
                "{file}: binding operation {name} is not in the portType"
            ));
            continue;
        };
        bound.insert(name.clone());
        let expected_action = format!("{}:{}", info.input.0, name);
        let action = child(bop, WSDL_SOAP_NS, "operation").and_then(|o| o.attribute("soapAction"));
        if action != Some(expected_action.as_str()) {
            report.fail(format!(
                "{file}: operation {name}: soapAction {action:?}, expected {expected_action:?}"
            ));
        }
        for dir in ["input", "output"] {
            let body = child(bop, WSDL_NS, dir).and_then(|d| child(d, WSDL_SOAP_NS, "body"));
            if body.and_then(|b| b.attribute("use")) != Some("literal") {
                report.fail(format!(
                    "{file}: operation {name}: {dir} needs soap:body use=\"literal\""
                ));
            }
        }
        if let Some(header) =
            child(bop, WSDL_NS, "input").and_then(|d| child(d, WSDL_SOAP_NS, "header"))
        {
            let msg = message_of(header).unwrap_or("?");
            let part = header.attribute("part").unwrap_or("?");
            if header.attribute("use") != Some("literal") {
                report.fail(format!(
                    "{file}: operation {name}: soap:header needs use=\"literal\""
                ));
            }
            if Some(msg) != inputs.get(&name).map(String::as_str) {
                report.fail(format!("{file}: operation {name}: soap:header refers to message {msg}, not the input message"));
            }
            match messages.get(msg).and_then(|p| p.get(part)) {
                Some(q) => info.header = Some(q.clone()),
                None => report.fail(format!(
                    "{file}: operation {name}: soap:header part {part} not found in message {msg}"
                )),
            }
        }
        let fault_ok = child(bop, WSDL_NS, "fault")
            .and_then(|f| child(f, WSDL_SOAP_NS, "fault"))
            .is_some_and(|sf| sf.attribute("use") == Some("literal"));
        if !fault_ok {
            report.fail(format!(
                "{file}: operation {name}: needs wsdl:fault with soap:fault use=\"literal\""
            ));
        }
    }
    for name in ops.keys() {
        if !bound.contains(name) {
            report.fail(format!("{file}: portType operation {name} is not bound"));
        }
    }

    // Endpoint: a plausible but clearly fake host.
    let addresses: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((WSDL_SOAP_NS, "address")))
        .filter_map(|n| n.attribute("location"))
        .collect();
    if addresses.is_empty() {
        report.fail(format!("{file}: no soap:address"));
    }
    for location in addresses {
        let host = location
            .strip_prefix("https://")
            .and_then(|r| r.split('/').next())
            .unwrap_or("");
        if !host.ends_with(".example") {
            report.fail(format!(
                "{file}: soap:address {location:?} must be https on a .example host"
            ));
        }
    }
    ops
}

/// Which operation and direction an example file is for, from its name.
fn classify<'a>(
    file_name: &str,
    ops: &'a BTreeMap<String, OperationInfo>,
) -> Option<(&'a str, bool)> {
    ops.keys().find_map(|op| {
        let rest = file_name.strip_prefix(op.as_str())?;
        if rest.starts_with("Request") {
            Some((op.as_str(), true))
        } else if rest.starts_with("Response") {
            Some((op.as_str(), false))
        } else {
            None
        }
    })
}

struct Schemas {
    responder: PathBuf,
    common: PathBuf,
    fault: PathBuf,
}

/// Validates one valid example; returns false if it could not be classified.
fn check_valid_example(
    file: &Path,
    ops: &BTreeMap<String, OperationInfo>,
    schemas: &Schemas,
    tmp: &Path,
    covered: &mut BTreeSet<(String, bool)>,
    report: &mut Report,
) {
    report.valid_files += 1;
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    let Some((op, is_request)) = classify(&name, ops) else {
        report.fail(format!(
            "{}: name must be <Operation>Request*.xml or <Operation>Response*.xml for an operation of the WSDL ({:?})",
            rel(file),
            ops.keys().collect::<Vec<_>>()
        ));
        return;
    };
    covered.insert((op.to_string(), is_request));
    let info = &ops[op];
    let expected = if is_request {
        &info.input
    } else {
        &info.output
    };
    let Some(text) = read(file, report) else {
        return;
    };
    let doc = match Document::parse(&text) {
        Ok(doc) => doc,
        Err(e) => {
            report.fail(format!("{}: not well-formed: {e}", rel(file)));
            return;
        }
    };
    let root = doc.root_element();
    if !root.has_tag_name((SOAP11_ENV, "Envelope")) {
        if &qname_of(root) != expected {
            report.fail(format!(
                "{}: root element is {}, the WSDL says {}",
                rel(file),
                show(&qname_of(root)),
                show(expected)
            ));
        }
        let (code, stderr) = xmllint(&schemas.responder, file, report);
        if code != 0 {
            report.fail(format!(
                "{}: valid example fails {} (exit {code}):\n{stderr}",
                rel(file),
                rel(&schemas.responder)
            ));
        }
        return;
    }

    // A whole SOAP 1.1 envelope: validate the parts separately.
    let stem = format!(
        "{}-{}",
        rel(file).replace(['/', '\\'], "_"),
        std::process::id()
    );
    let mut parts: Vec<(Node, &Path, &str)> = Vec::new();
    let header_children: Vec<Node> = child(root, SOAP11_ENV, "Header")
        .map(|h| h.children().filter(|c| c.is_element()).collect())
        .unwrap_or_default();
    for h in &header_children {
        parts.push((*h, &schemas.common, "header"));
    }
    if is_request {
        let has_expected_header = info
            .header
            .as_ref()
            .is_some_and(|q| header_children.iter().any(|h| &qname_of(*h) == q));
        match (&info.header, has_expected_header) {
            (Some(q), false) => report.fail(format!(
                "{}: the binding requires soap:header {} but the envelope lacks it",
                rel(file),
                show(q)
            )),
            (None, _) if !header_children.is_empty() => report.fail(format!(
                "{}: the binding declares no soap:header for {op}, but the envelope has one",
                rel(file)
            )),
            _ => {}
        }
    }
    let body_children: Vec<Node> = child(root, SOAP11_ENV, "Body")
        .map(|b| b.children().filter(|c| c.is_element()).collect())
        .unwrap_or_default();
    if body_children.len() != 1 {
        report.fail(format!(
            "{}: soapenv:Body must have exactly one element child, found {}",
            rel(file),
            body_children.len()
        ));
    }
    for b in &body_children {
        if b.has_tag_name((SOAP11_ENV, "Fault")) && !is_request {
            // SOAP 1.1: the detail element is unqualified.
            let details: Vec<Node> = b
                .children()
                .find(|c| {
                    c.is_element()
                        && c.tag_name().namespace().is_none()
                        && c.tag_name().name() == "detail"
                })
                .map(|d| d.children().filter(|c| c.is_element()).collect())
                .unwrap_or_default();
            if details.is_empty() {
                report.fail(format!(
                    "{}: soapenv:Fault without a detail element",
                    rel(file)
                ));
            }
            for d in details {
                parts.push((d, &schemas.fault, "fault-detail"));
            }
        } else {
            if &qname_of(*b) != expected {
                report.fail(format!(
                    "{}: Body child is {}, the WSDL says {}",
                    rel(file),
                    show(&qname_of(*b)),
                    show(expected)
                ));
            }
            parts.push((*b, &schemas.responder, "body"));
        }
    }
    for (i, (node, xsd, what)) in parts.into_iter().enumerate() {
        let piece = tmp.join(format!("{stem}-{i}-{what}.xml"));
        fs::write(&piece, extract_element(&text, node)).expect("write temp file");
        let (code, stderr) = xmllint(xsd, &piece, report);
        if code != 0 {
            report.fail(format!(
                "{}: envelope {what} element {} fails {} (exit {code}):\n{stderr}",
                rel(file),
                show(&qname_of(node)),
                rel(xsd)
            ));
        }
    }
}

fn check_invalid_example(file: &Path, responder: &Path, report: &mut Report) {
    report.invalid_files += 1;
    let Some(text) = read(file, report) else {
        return;
    };
    if let Err(e) = Document::parse(&text) {
        report.fail(format!("{}: invalid examples must still be well-formed XML (so that they test the schema): {e}", rel(file)));
        return;
    }
    let (code, stderr) = xmllint(responder, file, report);
    match code {
        3 => {}
        0 => report.fail(format!("{}: invalid example PASSES {} but must fail", rel(file), rel(responder))),
        _ => report.fail(format!(
            "{}: expected a schema validation failure (exit 3) against {}, got exit {code}:\n{stderr}",
            rel(file),
            rel(responder)
        )),
    }
}

fn single(dir: &Path, pattern: &str, suffix: &str, report: &mut Report) -> Option<PathBuf> {
    let found: Vec<PathBuf> = sorted_files(dir, suffix)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(pattern))
        .collect();
    if found.len() == 1 {
        found.into_iter().next()
    } else {
        report.fail(format!(
            "{}: expected exactly one *{pattern}*{suffix}, found {}",
            rel(dir),
            found.len()
        ));
        None
    }
}

fn check_tree(tree: &Path, tmp: &Path, report: &mut Report) {
    if !tree.is_dir() {
        report.fail(format!("{}: contract tree is missing", rel(tree)));
        return;
    }
    let mut dirs: BTreeSet<String> = fs::read_dir(tree)
        .expect("read contract tree")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    if !dirs.remove("common") {
        report.fail(format!("{}: no common/ directory", rel(tree)));
        return;
    }
    // serve-mock's fault details (contracts/mock-scenarios.toml): each a valid TechnicalError.
    if dirs.remove("mock") {
        let xsd = tree.join("common/TechnicalFault_1.0.xsd");
        let mut files: Vec<PathBuf> = fs::read_dir(tree.join("mock"))
            .expect("read mock dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort();
        for f in files {
            let (code, out) = xmllint(&xsd, &f, report);
            if code != 0 {
                report.fail(format!("{}: not a valid TechnicalError: {out}", rel(&f)));
            }
        }
    }
    let expected: BTreeSet<String> = INTERFACES.iter().map(|s| s.to_string()).collect();
    if dirs != expected {
        report.fail(format!(
            "{}: interface directories {dirs:?}, expected {expected:?}",
            rel(tree)
        ));
    }
    let common_dir = tree.join("common");
    let (Some(common), Some(fault)) = (
        single(&common_dir, "TandvardCommon_", ".xsd", report),
        single(&common_dir, "TechnicalFault_", ".xsd", report),
    ) else {
        return;
    };

    // Every shared schema must compile: a probe document then fails validation (exit 3), a
    // broken schema gives exit 4/5.
    let probe = tmp.join(format!("probe-{}.xml", std::process::id()));
    fs::write(&probe, "<schemaCompileProbe/>\n").expect("write probe");
    for xsd in sorted_files(&common_dir, ".xsd") {
        let (code, stderr) = xmllint(&xsd, &probe, report);
        if code != 3 {
            report.fail(format!(
                "{}: schema does not compile (exit {code}):\n{stderr}",
                rel(&xsd)
            ));
        }
        if let Some(text) = read(&xsd, report) {
            match Document::parse(&text) {
                Ok(doc) => {
                    check_schema_locations(&xsd, &doc, report);
                }
                Err(e) => report.fail(format!("{}: not well-formed: {e}", rel(&xsd))),
            }
        }
    }

    for iface in INTERFACES {
        let dir = tree.join(iface);
        if !dir.is_dir() {
            continue;
        }
        let (Some(responder), Some(wsdl)) = (
            single(&dir, "Responder_", ".xsd", report),
            single(&dir, "Interaction_", ".wsdl", report),
        ) else {
            continue;
        };

        // Global elements reachable from the WSDL: responder + shared schemas.
        let mut known = BTreeSet::new();
        let mut queue = vec![responder.clone(), common.clone(), fault.clone()];
        let mut seen = BTreeSet::new();
        while let Some(xsd) = queue.pop() {
            let Ok(canonical) = xsd.canonicalize() else {
                continue;
            };
            if !seen.insert(canonical) {
                continue;
            }
            let Some(text) = read(&xsd, report) else {
                continue;
            };
            match Document::parse(&text) {
                Ok(doc) => {
                    known.extend(global_elements(&doc).into_keys());
                    queue.extend(check_schema_locations(&xsd, &doc, report));
                    if xsd == responder {
                        check_extension_points(&xsd, &doc, report);
                    }
                }
                Err(e) => report.fail(format!("{}: not well-formed: {e}", rel(&xsd))),
            }
        }

        let ops = check_wsdl(&wsdl, &known, report);
        report.operations += ops.len();
        if ops.is_empty() {
            report.fail(format!("{}: no operations found", rel(&wsdl)));
            continue;
        }
        let schemas = Schemas {
            responder: responder.clone(),
            common: common.clone(),
            fault: fault.clone(),
        };
        let examples = dir.join("examples");
        let mut covered = BTreeSet::new();
        for file in sorted_files(&examples, ".xml") {
            check_valid_example(&file, &ops, &schemas, tmp, &mut covered, report);
        }
        for op in ops.keys() {
            for (is_request, kind) in [(true, "Request"), (false, "Response")] {
                if !covered.contains(&(op.clone(), is_request)) {
                    report.fail(format!(
                        "{}: no {op}{kind}*.xml example for operation {op}",
                        rel(&examples)
                    ));
                }
            }
        }
        let invalid = sorted_files(&examples.join("invalid"), ".xml");
        if invalid.len() < 3 {
            report.fail(format!(
                "{}: {} invalid examples, at least 3 required",
                rel(&examples.join("invalid")),
                invalid.len()
            ));
        }
        for file in invalid {
            check_invalid_example(&file, &responder, report);
        }
    }
}

#[test]
fn contract_examples_validate_with_xmllint() {
    if !require_tool("xmllint", "libxml2-utils") {
        return;
    }
    let root = workspace_root();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("contracts_xmllint");
    fs::create_dir_all(&tmp).expect("create temp dir");
    let trees = [
        root.join("contracts"),
        root.join("tests/fixtures/contracts-pre2026"),
    ];
    let mut report = Report::default();
    for tree in &trees {
        check_tree(tree, &tmp, &mut report);
    }
    eprintln!(
        "contracts_xmllint: {} trees, {} operations, {} valid and {} invalid examples, {} xmllint runs",
        trees.len(),
        report.operations,
        report.valid_files,
        report.invalid_files,
        report.xmllint_runs
    );
    assert!(
        report.failures.is_empty(),
        "{} contract check failure(s):\n\n{}",
        report.failures.len(),
        report.failures.join("\n\n")
    );
    // Guard against a walk that silently found nothing.
    assert!(
        report.operations >= 2 * 19,
        "too few operations found: {}",
        report.operations
    );
    assert!(
        report.valid_files >= 2 * 2 * 19,
        "too few valid examples: {}",
        report.valid_files
    );
    assert!(
        report.invalid_files >= 2 * 3 * INTERFACES.len(),
        "too few invalid examples: {}",
        report.invalid_files
    );
}
