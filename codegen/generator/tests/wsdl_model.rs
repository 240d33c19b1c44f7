//! Tests of the WSDL 1.1 model (`tandvard_codegen::wsdl`) on hand-written fixtures and, when
//! present, on the shared corpora of real public WSDLs.

use std::path::{Path, PathBuf};

use tandvard_codegen::wsdl::{
    Catalog, ImportTarget, PartContent, QName, ResolvedOperation, SoapVersion, Style, Use,
    WsdlDocument, WsdlError, WsdlSet,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wsdl")
        .join(name)
}

fn q(ns: &str, local: &str) -> QName {
    QName::new(Some(ns), local)
}

fn load(name: &str) -> WsdlSet {
    WsdlSet::load(&[fixture(name)]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn load_err(name: &str) -> String {
    match WsdlSet::load(&[fixture(name)]) {
        Ok(_) => panic!("{name}: expected an error"),
        Err(e) => e.to_string(),
    }
}

/// `file:line:col` of the first occurrence of `needle` in a fixture.
fn pos_of(name: &str, needle: &str) -> String {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let at = text.find(needle).expect("needle in fixture");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("{}:{line}:{col}", path.display())
}

fn op<'a>(ops: &'a [ResolvedOperation], name: &str) -> &'a ResolvedOperation {
    ops.iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

fn part_names(parts: &[tandvard_codegen::wsdl::Part]) -> Vec<&str> {
    parts.iter().map(|p| p.name.as_str()).collect()
}

const CP: &str = "urn:example:checkpatient:1";
const CP_TYPES: &str = "urn:example:checkpatient:types:1";

#[test]
fn doc_literal_soap11_model() {
    let set = load("checkpatient.wsdl");
    let [doc] = set.documents() else {
        panic!("expected one document")
    };
    assert_eq!(doc.path, fixture("checkpatient.wsdl"));
    assert_eq!(doc.name.as_deref(), Some("CheckPatient"));
    assert_eq!(doc.target_namespace.as_deref(), Some(CP));
    assert_eq!(
        doc.documentation.as_deref(),
        Some("Check a patient's registration.\nVersion 1.0, 2026.")
    );
    assert_eq!(set.messages().count(), 6);

    let req = set.message(&q(CP, "CheckPatientRequest")).expect("message");
    assert_eq!(part_names(&req.parts), ["LogicalAddress", "parameters"]);
    assert_eq!(
        req.parts[1].content,
        PartContent::Element(q(CP_TYPES, "CheckPatient"))
    );
    assert_eq!(
        req.documentation.as_deref(),
        Some("The request, with the logical address in a header.")
    );
    // xs:annotation directly inside wsdl:message (RIV-TA) is tolerated and used as documentation.
    let hist = set.message(&q(CP, "GetHistoryRequest")).expect("message");
    assert_eq!(
        hist.documentation.as_deref(),
        Some("RIV-TA style annotation inside a message.")
    );

    let pt = set
        .port_type(&q(CP, "CheckPatientPortType"))
        .expect("port type");
    assert_eq!(pt.documentation.as_deref(), Some("Patient checks."));
    assert_eq!(pt.operations[0].faults.len(), 2);

    let binding = set.binding(&q(CP, "CheckPatientBinding")).expect("binding");
    assert_eq!(binding.soap, Some(SoapVersion::Soap11));
    assert_eq!(binding.style, Some(Style::Document));
    assert_eq!(
        binding.transport.as_deref(),
        Some("http://schemas.xmlsoap.org/soap/http")
    );
    let bop = &binding.operations[0];
    let header = &bop.input.as_ref().expect("input").headers[0];
    assert_eq!(header.message, q(CP, "CheckPatientRequest"));
    assert_eq!(header.part, "LogicalAddress");
    assert_eq!(bop.faults.len(), 2);
    let service = set.services().next().expect("service");
    assert_eq!(
        service.documentation.as_deref(),
        Some("The production endpoint.")
    );

    let ops = set.operations().expect("operations");
    assert_eq!(ops.len(), 2);
    let check = op(&ops, "CheckPatient");
    assert_eq!(check.service, Some(q(CP, "CheckPatientService")));
    assert_eq!(check.port.as_deref(), Some("CheckPatientPort"));
    assert_eq!(
        check.address.as_deref(),
        Some("https://example.invalid/checkpatient")
    );
    assert_eq!(check.binding, Some(q(CP, "CheckPatientBinding")));
    assert_eq!(check.soap, SoapVersion::Soap11);
    assert_eq!(
        check.soap_action.as_deref(),
        Some("urn:example:checkpatient:1:CheckPatient")
    );
    assert_eq!(check.style, Style::Document);
    assert_eq!(check.documentation.as_deref(), Some("Checks one patient."));
    let input = check.input.as_ref().expect("input");
    assert_eq!(part_names(&input.body_parts), ["parameters"]);
    assert_eq!(input.headers.len(), 1);
    assert_eq!(
        input.headers[0].part.content,
        PartContent::Element(q(CP_TYPES, "LogicalAddress"))
    );
    let output = check.output.as_ref().expect("output");
    assert_eq!(output.message, q(CP, "CheckPatientResponse"));
    assert_eq!(output.use_, Use::Literal);
    let faults: Vec<(&str, &QName)> = check
        .faults
        .iter()
        .map(|f| (f.name.as_str(), &f.message))
        .collect();
    assert_eq!(
        faults,
        [
            ("PatientNotFound", &q(CP, "PatientNotFoundFault")),
            ("AccessDenied", &q(CP, "AccessDeniedFault"))
        ]
    );
    assert_eq!(
        check.faults[1].part.as_ref().map(|p| &p.content),
        Some(&PartContent::Element(q(CP_TYPES, "AccessDenied")))
    );
    assert_eq!(
        check.pos.to_string(),
        pos_of(
            "checkpatient.wsdl",
            "<wsdl:operation name=\"CheckPatient\">\n      <soap:operation"
        )
    );

    let hist = op(&ops, "GetHistory");
    assert_eq!(hist.soap_action.as_deref(), Some(""));
    assert_eq!(hist.documentation, None);
    assert!(hist.faults.is_empty());
}

#[test]
fn inline_schema_parses_standalone_with_inherited_namespaces() {
    let set = load("checkpatient.wsdl");
    let schemas = set.inline_schemas();
    assert_eq!(schemas.len(), 2);
    let s0 = schemas[0];
    assert_eq!(s0.virtual_name, "checkpatient.wsdl#schema0");
    assert_eq!(s0.target_namespace.as_deref(), Some(CP_TYPES));
    assert_eq!(s0.line, 16);
    assert_eq!(
        s0.imports,
        [(
            Some("urn:example:common:1".to_owned()),
            Some("common.xsd".to_owned())
        )]
    );
    let doc = roxmltree::Document::parse(&s0.text).expect("schema0 parses alone");
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2001/XMLSchema")
    );
    assert_eq!(root.lookup_namespace_uri(Some("cp")), Some(CP_TYPES));
    assert_eq!(root.lookup_namespace_uri(Some("tns")), Some(CP));
    let resp = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("CheckPatientResponse"))
        .expect("element");
    assert_eq!(
        resp.lookup_namespace_uri(Some("cp")),
        Some(CP_TYPES),
        "type=\"cp:...\" must resolve in the extracted text"
    );

    // The second schema redeclares tns on a multi-line start tag: kept, not duplicated.
    let s1 = schemas[1];
    assert_eq!(s1.virtual_name, "checkpatient.wsdl#schema1");
    assert_eq!(s1.text.matches("xmlns:tns=").count(), 1);
    let doc1 = roxmltree::Document::parse(&s1.text).expect("schema1 parses alone");
    assert_eq!(
        doc1.root_element().lookup_namespace_uri(Some("tns")),
        Some("urn:example:checkpatient:extra:1")
    );

    for s in schemas {
        assert_line_mapping(&s.wsdl_path, s.line, s.column, &s.text);
    }
}

/// Line `n` of `text` is WSDL line `line + n - 1`: lines in between are identical, the first is
/// the WSDL line from `column` on with declarations inserted after the element name, the last
/// is a prefix of its WSDL line.
fn assert_line_mapping(wsdl: &Path, line: u32, column: u32, text: &str) {
    let source = std::fs::read_to_string(wsdl).expect("wsdl");
    let wsdl_lines: Vec<&str> = source.lines().collect();
    let start = line as usize - 1;
    let count = text.lines().count();
    for (n, text_line) in text.lines().enumerate().skip(1) {
        // The last line ends with the end tag; the WSDL line may go on after it.
        let wsdl_line = wsdl_lines[start + n];
        assert!(
            text_line == wsdl_line || (n + 1 == count && wsdl_line.starts_with(text_line)),
            "{}: line {} of the extracted schema: {text_line:?} vs {wsdl_line:?}",
            wsdl.display(),
            n + 1
        );
    }
    let first: String = wsdl_lines[start]
        .chars()
        .skip(column as usize - 1)
        .collect();
    let text_first = text.lines().next().unwrap_or_default();
    let name_len = first
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(first.len());
    assert!(text_first.starts_with(&first[..name_len]));
    assert!(
        text_first.ends_with(&first[name_len..]),
        "{}: {text_first:?} vs {first:?}",
        wsdl.display()
    );
}

#[test]
fn inline_schema_carries_default_namespace_without_duplicates() {
    // WSDL elements in the default namespace: the schema inherits xmlns="...wsdl/".
    let set = load("split/concrete/checkpatient_concrete.wsdl");
    let abs = set.inline_schemas()[0];
    let doc = roxmltree::Document::parse(&abs.text).expect("parses alone");
    assert_eq!(
        doc.root_element().lookup_namespace_uri(None),
        Some("http://schemas.xmlsoap.org/wsdl/")
    );
    assert_eq!(
        abs.imports,
        [(Some("urn:example:common:1".to_owned()), None)]
    );

    // The schema declares its own default namespace: it wins and is not duplicated.
    let set = load("soap12.wsdl");
    let s = set.inline_schemas()[0];
    assert_eq!(s.text.matches(" xmlns=").count(), 1);
    let doc = roxmltree::Document::parse(&s.text).expect("parses alone");
    let el = doc
        .descendants()
        .find(|n| n.attribute("type") == Some("CheckVatType"))
        .expect("element");
    assert_eq!(el.lookup_namespace_uri(None), Some("urn:example:vat:2"));
    assert_line_mapping(&s.wsdl_path, s.line, s.column, &s.text);
}

#[test]
fn abstract_and_concrete_joined_by_import() {
    let concrete = fixture("split/concrete/checkpatient_concrete.wsdl");
    let abstract_ = fixture("split/checkpatient_abstract.wsdl");
    let set = WsdlSet::load(std::slice::from_ref(&concrete)).expect("load");
    let paths: Vec<&Path> = set.documents().iter().map(|d| d.path.as_path()).collect();
    assert_eq!(paths, [concrete.as_path(), abstract_.as_path()]);
    assert_eq!(
        set.documents()[0].imports[0].target,
        ImportTarget::Wsdl(abstract_.clone())
    );
    // A wsdl:import of an XSD is recorded for the schema loader, not parsed as WSDL.
    let common = fixture("split/common.xsd");
    assert_eq!(
        set.documents()[1].imports[0].target,
        ImportTarget::Schema(common.clone())
    );
    assert_eq!(set.imported_schemas(), [common.as_path()]);

    let ops = set.operations().expect("operations");
    let [check] = ops.as_slice() else {
        panic!("expected one operation, got {ops:?}")
    };
    let abs_ns = "urn:example:checkpatient:abstract:1";
    assert_eq!(
        check.binding,
        Some(q(
            "urn:example:checkpatient:concrete:1",
            "CheckPatientBinding"
        ))
    );
    assert_eq!(check.port_type, q(abs_ns, "CheckPatientPortType"));
    assert_eq!(
        check.input.as_ref().map(|i| &i.message),
        Some(&q(abs_ns, "CheckPatientRequest"))
    );
    assert_eq!(check.faults.len(), 2);
    assert_eq!(check.documentation.as_deref(), Some("Checks one patient."));
    assert_eq!(
        check.address.as_deref(),
        Some("http://localhost:8080/checkpatient")
    );

    // Giving both files as roots loads each once.
    let both = WsdlSet::load(&[concrete, abstract_]).expect("load");
    assert_eq!(both.documents().len(), 2);
}

#[test]
fn soap12_binding_rpc_and_non_soap_bindings() {
    let set = load("soap12.wsdl");
    let vat = "urn:example:vat:2";
    let binding = set.binding(&q(vat, "VatSoap12Binding")).expect("binding");
    assert_eq!(binding.soap, Some(SoapVersion::Soap12));
    assert_eq!(binding.operations[0].soap_action_required, Some(true));
    let http = set.binding(&q(vat, "VatHttpBinding")).expect("binding");
    assert_eq!(http.soap, None);
    let ports = &set.services().next().expect("service").ports;
    assert_eq!(ports[0].soap, Some(SoapVersion::Soap12));
    assert_eq!(ports[1].soap, None);
    assert_eq!(
        ports[1].address.as_deref(),
        Some("https://example.invalid/vat")
    );

    let ops = set.operations().expect("operations");
    let summary: Vec<(&str, Option<&str>, SoapVersion)> = ops
        .iter()
        .map(|o| (o.name.as_str(), o.port.as_deref(), o.soap))
        .collect();
    // The HTTP binding is skipped; the unbound port type comes last, as SOAP 1.1.
    assert_eq!(
        summary,
        [
            ("CheckVat", Some("VatSoap12Port"), SoapVersion::Soap12),
            ("Add", Some("VatSoap12Port"), SoapVersion::Soap12),
            ("Ping", None, SoapVersion::Soap11),
        ]
    );
    let check = op(&ops, "CheckVat");
    assert_eq!(check.style, Style::Document);
    assert_eq!(
        check.soap_action.as_deref(),
        Some("urn:example:vat:2:CheckVat")
    );
    let add = op(&ops, "Add");
    assert_eq!(add.style, Style::Rpc);
    let input = add.input.as_ref().expect("input");
    assert_eq!(input.namespace.as_deref(), Some("urn:example:vat:2:rpc"));
    assert_eq!(part_names(&input.body_parts), ["a", "b"]);
    assert_eq!(
        input.body_parts[0].content,
        PartContent::Type(q("http://www.w3.org/2001/XMLSchema", "int"))
    );
    let ping = op(&ops, "Ping");
    assert_eq!(ping.binding, None);
    assert_eq!(ping.port_type, q(vat, "NotifyPortType"));
    assert_eq!(ping.soap_action, None);
    assert_eq!(ping.documentation, None);
    assert!(ping.output.is_none());
}

#[test]
fn references_resolve_by_full_qname() {
    let set = load("qname_clash.wsdl");
    let main = q("urn:example:main", "Req");
    let other = q("urn:example:other", "Req");
    assert_eq!(
        part_names(&set.message(&main).expect("main").parts),
        ["mainPart"]
    );
    assert_eq!(
        part_names(&set.message(&other).expect("other").parts),
        ["otherPart"]
    );

    let ops = set.operations().expect("operations");
    let input = |name| op(&ops, name).input.clone().expect("input");
    assert_eq!(input("UseMain").message, main);
    assert_eq!(part_names(&input("UseMain").body_parts), ["mainPart"]);
    assert_eq!(input("UseOther").message, other);
    assert_eq!(part_names(&input("UseOther").body_parts), ["otherPart"]);
    // A binding that no port uses is listed too, after the port-bound ones.
    let last = ops.last().expect("ops");
    assert_eq!(last.binding, Some(q("urn:example:main", "Binding2")));
    assert_eq!(last.port_type, q("urn:example:other", "Port"));
    assert_eq!(last.service, None);
}

#[test]
fn unresolved_reference_names_position_and_candidates() {
    let err = load_err("err_unresolved_porttype.wsdl");
    let at = pos_of("err_unresolved_porttype.wsdl", "<wsdl:binding");
    assert!(err.starts_with(&format!("{at}: ")), "{err}");
    assert!(
        err.contains(
            "binding {urn:example:err}CheckPatientBinding refers to port type \
             {urn:example:err}CheckPatientPortTyp, which is not defined \
             (defined port types: {urn:example:err}CheckPatientPortType)"
        ),
        "{err}"
    );

    let err = load_err("err_wrong_namespace.wsdl");
    let at = pos_of("err_wrong_namespace.wsdl", "<wsdl:input");
    assert!(err.starts_with(&format!("{at}: ")), "{err}");
    assert!(
        err.contains("refers to message {urn:example:err:other}Req, which is not defined"),
        "{err}"
    );
    assert!(
        err.contains("{urn:example:err}Req has the same local name in another namespace"),
        "{err}"
    );

    let err = load_err("err_bad_body_part.wsdl");
    let at = pos_of("err_bad_body_part.wsdl", "<wsdl:input>");
    assert!(err.starts_with(&format!("{at}: ")), "{err}");
    assert!(
        err.contains("soap:body parts=\"parameters\" refers to a part that message {urn:example:err}Req does not have (its parts: p)"),
        "{err}"
    );
}

#[test]
fn undeclared_prefix_is_an_error() {
    let err = load_err("err_undeclared_prefix.wsdl");
    let at = pos_of("err_undeclared_prefix.wsdl", "<wsdl:input");
    assert_eq!(
        err,
        format!(
            "{at}: <wsdl:input> message=\"foo:Req\": namespace prefix \"foo\" is not declared \
             (expected an xmlns:foo=\"...\" declaration on this element or an ancestor)"
        )
    );
    // The same error reached through an import also says where it was imported.
    let err = load_err("err_import_chain.wsdl");
    let importer = pos_of("err_import_chain.wsdl", "<wsdl:import");
    assert!(err.starts_with(&format!("{at}: ")), "{err}");
    assert!(
        err.ends_with(&format!("(in a document imported at {importer})")),
        "{err}"
    );
}

#[test]
fn dtd_is_refused() {
    let err = load_err("err_dtd.wsdl");
    let at = pos_of("err_dtd.wsdl", "<!DOCTYPE");
    assert_eq!(
        err,
        format!(
            "{at}: DTDs are not allowed in contract input (found <!DOCTYPE>); expected a plain \
             XML document without a document type declaration"
        )
    );
}

#[test]
fn not_well_formed_names_the_position() {
    let err = load_err("err_not_wellformed.wsdl");
    let path = fixture("err_not_wellformed.wsdl");
    assert!(err.starts_with(&format!("{}:4:", path.display())), "{err}");
    assert!(err.contains("not well-formed XML"), "{err}");
}

#[test]
fn non_wsdl_root_is_reported_with_its_name() {
    let path = fixture("split/common.xsd");
    let err = WsdlSet::load(std::slice::from_ref(&path)).expect_err("not WSDL");
    assert_eq!(
        err.not_wsdl_root(),
        Some(&q("http://www.w3.org/2001/XMLSchema", "schema"))
    );
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "{}:2:1: not a WSDL 1.1 document: root is {{http://www.w3.org/2001/XMLSchema}}schema",
            path.display()
        )),
        "{text}"
    );
}

#[test]
fn missing_and_remote_imports() {
    let err = load_err("err_missing_import.wsdl");
    let at = pos_of("err_missing_import.wsdl", "<wsdl:import");
    assert!(
        err.starts_with(&format!(
            "{at}: cannot load wsdl:import location=\"does_not_exist.wsdl\": "
        )),
        "{err}"
    );
    assert!(
        err.contains("does_not_exist.wsdl: cannot read file"),
        "{err}"
    );

    let err = load_err("err_remote_import.wsdl");
    let at = pos_of("err_remote_import.wsdl", "<wsdl:import");
    assert!(
        err.starts_with(&format!(
            "{at}: wsdl:import location=\"https://example.invalid/contracts/remote.wsdl\": remote locations are not fetched"
        )),
        "{err}"
    );
}

#[test]
fn catalog_maps_remote_imports_to_local_files() {
    let catalog = Catalog::from_xml_catalog(&fixture("catalog.xml")).expect("catalog");
    let remote = fixture("remote/remote.wsdl");
    assert_eq!(
        catalog.resolve_uri("https://example.invalid/exact.wsdl"),
        Some(remote.clone())
    );
    assert_eq!(
        catalog.resolve_namespace("urn:example:err:other"),
        Some(remote.clone())
    );
    assert_eq!(
        catalog.resolve_uri("https://example.invalid/contracts/sub/x%20y.wsdl"),
        Some(fixture("remote/sub/x y.wsdl"))
    );
    assert_eq!(catalog.resolve_uri("https://example.invalid/other"), None);

    let set = WsdlSet::load_with(&[fixture("err_remote_import.wsdl")], &catalog).expect("load");
    assert_eq!(set.documents().len(), 2);
    assert_eq!(
        set.documents()[0].imports[0].target,
        ImportTarget::Wsdl(remote)
    );
    assert_eq!(set.operations().expect("operations").len(), 1);
}

#[test]
fn import_cycles_load_each_document_once() {
    let set = load("cycle_a.wsdl");
    assert_eq!(set.documents().len(), 2);
    let a = fixture("cycle_a.wsdl");
    let b_imports: Vec<&ImportTarget> = set.documents()[1]
        .imports
        .iter()
        .map(|i| &i.target)
        .collect();
    assert_eq!(
        b_imports,
        [&ImportTarget::Wsdl(a.clone()), &ImportTarget::Wsdl(a)]
    );
    assert_eq!(set.operations().expect("operations").len(), 2);
}

/// A scratch directory under the system temp dir, unique per test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wsdl-model-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn oversized_and_non_utf8_files_are_refused() {
    let dir = scratch("limits");
    let big = dir.join("big.wsdl");
    let file = std::fs::File::create(&big).expect("create");
    file.set_len(tandvard_codegen::wsdl::MAX_FILE_SIZE + 1)
        .expect("sparse file");
    let err = WsdlSet::load(std::slice::from_ref(&big)).expect_err("too large");
    assert!(matches!(err, WsdlError::TooLarge { .. }));
    assert!(
        err.to_string().starts_with(&format!(
            "{}: file is 67108865 bytes, over the limit",
            big.display()
        )),
        "{err}"
    );

    let latin1 = dir.join("latin1.wsdl");
    std::fs::write(&latin1, b"<?xml version=\"1.0\"?>\n<a>\n caf\xe9</a>").expect("write");
    let err = WsdlSet::load(std::slice::from_ref(&latin1)).expect_err("not UTF-8");
    assert!(
        err.to_string()
            .starts_with(&format!("{}:3:5: invalid UTF-8", latin1.display())),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn parse_from_text_and_serde_round_trip() {
    let text = std::fs::read_to_string(fixture("checkpatient.wsdl")).expect("fixture");
    let doc = WsdlDocument::parse(Path::new("mem/CheckPatient.wsdl"), &text).expect("parse");
    assert_eq!(doc.types[0].virtual_name, "CheckPatient.wsdl#schema0");
    let set = WsdlSet::from_documents(vec![doc]).expect("set");
    let ops = set.operations().expect("operations");
    let json = serde_json::to_string(&ops).expect("serialize");
    let back: Vec<ResolvedOperation> = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, ops);
    assert_eq!(q("urn:a", "B").to_string(), "{urn:a}B");
    assert_eq!(QName::new(None, "B").to_string(), "B");
}

// ---------------------------------------------------------------------------------------------
// Real public WSDLs from the shared corpora (skipped when the corpora are not there).

#[path = "../../../tests/support/corpora.rs"]
mod corpora_location;

fn corpora() -> Option<PathBuf> {
    corpora_location::find_corpora(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

fn wsdl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            wsdl_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "wsdl") {
            out.push(path);
        }
    }
}

/// Loads a set, resolves its operations and checks every inline schema parses alone with
/// the line mapping intact. Returns (documents, operations, inline schemas).
fn check_set(roots: &[PathBuf], catalog: &Catalog) -> Result<(usize, usize, usize), WsdlError> {
    let set = WsdlSet::load_with(roots, catalog)?;
    let ops = set.operations()?;
    let schemas = set.inline_schemas();
    for s in &schemas {
        if let Err(e) = roxmltree::Document::parse(&s.text) {
            panic!("{}: extracted schema does not parse: {e}", s.virtual_name);
        }
        assert_line_mapping(&s.wsdl_path, s.line, s.column, &s.text);
    }
    let mut names: Vec<&str> = schemas.iter().map(|s| s.virtual_name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), schemas.len(), "virtual names must be unique");
    Ok((set.documents().len(), ops.len(), schemas.len()))
}

/// WSDLs that are broken upstream, with the error they must fail with (so a regression in either
/// direction is noticed). All nine SRS contracts bind `soap:header part="LogicalAddress"` of a
/// request message that has only a `parameters` part.
const KNOWN_BROKEN: &[(&str, &str)] = &[
    (
        "/clinicalprocess-healthcond-srs/",
        "soap:header part=\"LogicalAddress\" refers to a part that message",
    ),
    // An HTML page saved under a .wsdl name upstream (see br-nfe-cte-mdfe/SOURCE.txt).
    ("/cadconsultacadastro4.wsdl", "not well-formed XML"),
];

fn known_broken(file: &Path) -> Option<&'static str> {
    let file = file.to_string_lossy();
    KNOWN_BROKEN
        .iter()
        .find(|(part, _)| file.contains(part))
        .map(|(_, err)| *err)
}

/// Loads each file as its own set and tallies the outcome; known-broken files must fail with
/// their known error, everything else must load.
fn check_each(label: &str, files: &[PathBuf], catalog: &Catalog, failures: &mut Vec<String>) {
    let (mut ok, mut broken, mut ops, mut schemas) = (0, 0, 0, 0);
    for file in files {
        let result = check_set(std::slice::from_ref(file), catalog);
        match (result, known_broken(file)) {
            (Ok((_, o, s)), None) => {
                ok += 1;
                ops += o;
                schemas += s;
            }
            (Err(e), Some(expected)) if e.to_string().contains(expected) => broken += 1,
            (Err(e), _) => failures.push(e.to_string()),
            (Ok(_), Some(_)) => failures.push(format!(
                "{}: loads now, but is listed as known broken",
                file.display()
            )),
        }
    }
    eprintln!(
        "{label}: {ok} of {} WSDLs loaded ({broken} known broken upstream), {ops} operations, \
         {schemas} inline schemas",
        files.len()
    );
}

#[test]
fn corpus_wsdls_load_and_resolve() {
    let Some(root) = corpora() else {
        return;
    };
    let mut failures = Vec::new();

    let mut files = Vec::new();
    for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("rivta-") || name == "intyg-local-contracts" {
            wsdl_files(&entry.path(), &mut files);
        }
    }
    files.sort();
    files.push(root.join("eu-vies-checkvat/checkVatService.wsdl"));
    assert!(
        files.len() > 60,
        "expected the corpus WSDLs, found {}",
        files.len()
    );
    check_each("RIV-TA/intyg/VIES", &files, &Catalog::new(), &mut failures);

    let onvif = root.join("onvif-device-media");
    let catalog = Catalog::from_xml_catalog(&onvif.join("catalog.xml")).expect("ONVIF catalog");
    let mut onvif_files = Vec::new();
    wsdl_files(&onvif.join("wsdl"), &mut onvif_files);
    check_each("ONVIF (each alone)", &onvif_files, &catalog, &mut failures);
    match check_set(&onvif_files, &catalog) {
        Ok((docs, ops, schemas)) => eprintln!(
            "ONVIF (one set): {} root WSDLs -> {docs} documents, {ops} operations, {schemas} inline schemas",
            onvif_files.len()
        ),
        Err(e) => failures.push(e.to_string()),
    }

    // Further sets, not required by the brief but cheap: SOAP 1.1 + 1.2 bindings (NF-e),
    // SwA/MIME bindings and a TSV catalog (X-Road), MTOM-style payloads (SdI).
    for (set, catalog) in [
        ("br-nfe-cte-mdfe", Catalog::new()),
        ("it-fatturapa-sdi", Catalog::new()),
        (
            "xroad-niis",
            Catalog::from_tsv(&root.join("xroad-niis/catalog.tsv")).expect("X-Road catalog"),
        ),
    ] {
        let mut files = Vec::new();
        wsdl_files(&root.join(set), &mut files);
        check_each(set, &files, &catalog, &mut failures);
    }
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}
