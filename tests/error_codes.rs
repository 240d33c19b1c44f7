//! The error-code catalogue `contracts/common/error-codes.xml` defines every code once, and the
//! contracts use only codes it defines:
//!
//! * codes in the catalogue are unique, each with a kind (REJECTION, INFO, FAULT), its
//!   operations (names of WSDL operations), English and Swedish text and the rule it enforces;
//! * every `cmn:errorCode`, `cmn:detail/cmn:code` and `flt:TechnicalError/flt:code` in the
//!   valid examples (`contracts/*/examples/*.xml`, not `examples/invalid/`) and in serve-mock's
//!   fault details (`contracts/mock/*.xml`), and every code a rule name in
//!   `contracts/mock-scenarios.toml` starts with, is in the catalogue, used as its kind says
//!   (a fault detail carries a FAULT code; an `errorCode` or a detail with severity ERROR a
//!   REJECTION; a detail with severity INFO or WARNING an INFO code);
//! * every catalogue code is used by at least one example or mock fault detail;
//! * the FAULT codes are exactly the `flt:TechnicalErrorCodeType` enumeration of
//!   `TechnicalFault_1.0.xsd`;
//! * the catalogue validates against `ErrorCodes_1.0.xsd` (when xmllint is installed).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use roxmltree::{Document, Node};
use tandvard_tests::{require_tool, workspace_root};

const EC: &str = "urn:fk:tandvard:errorcodes:1";
const CMN: &str = "urn:fk:tandvard:common:1";
const FLT: &str = "urn:fk:tandvard:fault:1";
const XS: &str = "http://www.w3.org/2001/XMLSchema";
const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";

struct Entry {
    kind: String,
    operations: Vec<String>,
}

fn contracts() -> PathBuf {
    workspace_root().join("contracts")
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "xml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn interface_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(contracts())
        .expect("read contracts/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.has_tag_name((ns, name)))
}

fn text_of(node: Option<Node>) -> String {
    node.and_then(|n| n.text()).unwrap_or("").trim().to_string()
}

fn catalogue(failures: &mut Vec<String>) -> BTreeMap<String, Entry> {
    let path = contracts().join("common/error-codes.xml");
    let text = fs::read_to_string(&path).expect("contracts/common/error-codes.xml exists");
    let doc = Document::parse(&text).expect("error-codes.xml is well-formed");
    let root = doc.root_element();
    assert!(
        root.has_tag_name((EC, "ErrorCodeCatalogue")),
        "root of error-codes.xml is {:?}",
        root.tag_name()
    );
    let mut codes = BTreeMap::new();
    for code in root
        .children()
        .filter(|c| c.is_element() && c.has_tag_name((EC, "code")))
    {
        let id = code.attribute("id").unwrap_or("").to_string();
        let kind = code.attribute("kind").unwrap_or("").to_string();
        if !matches!(kind.as_str(), "REJECTION" | "INFO" | "FAULT") {
            failures.push(format!("catalogue {id}: kind {kind:?}"));
        }
        let retryable = code.attribute("retryable").unwrap_or("");
        if !matches!(retryable, "true" | "false") {
            failures.push(format!("catalogue {id}: retryable {retryable:?}"));
        }
        if retryable == "true" && kind != "FAULT" {
            failures.push(format!(
                "catalogue {id}: only technical faults are retryable unchanged"
            ));
        }
        for lang in ["en", "sv"] {
            if text_of(child(code, EC, lang)).is_empty() {
                failures.push(format!("catalogue {id}: no {lang} text"));
            }
        }
        let rule = child(code, EC, "rule");
        if text_of(rule).is_empty() || rule.and_then(|r| r.attribute("basis")).is_none() {
            failures.push(format!("catalogue {id}: no rule with a basis"));
        }
        let ops = child(code, EC, "operations");
        let all = ops.and_then(|o| child(o, EC, "all")).is_some();
        let operations: Vec<String> = ops
            .map(|o| {
                o.children()
                    .filter(|c| c.is_element() && c.has_tag_name((EC, "operation")))
                    .map(|c| text_of(Some(c)))
                    .collect()
            })
            .unwrap_or_default();
        if !all && operations.is_empty() {
            failures.push(format!("catalogue {id}: no operations"));
        }
        let entry = Entry { kind, operations };
        if codes.insert(id.clone(), entry).is_some() {
            failures.push(format!("catalogue: {id} is defined twice"));
        }
    }
    codes
}

/// The operation names of every WSDL portType under contracts/.
fn wsdl_operations() -> BTreeSet<String> {
    let mut ops = BTreeSet::new();
    for dir in interface_dirs() {
        for entry in fs::read_dir(&dir).expect("read interface dir").flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "wsdl") {
                continue;
            }
            let text = fs::read_to_string(&path).expect("read wsdl");
            let doc = Document::parse(&text).expect("wsdl parses");
            for pt in doc
                .descendants()
                .filter(|n| n.has_tag_name((WSDL, "portType")))
            {
                for op in pt
                    .children()
                    .filter(|c| c.is_element() && c.has_tag_name((WSDL, "operation")))
                {
                    ops.insert(op.attribute("name").unwrap_or("").to_string());
                }
            }
        }
    }
    ops
}

/// The `flt:TechnicalErrorCodeType` enumeration.
fn technical_codes() -> BTreeSet<String> {
    let path = contracts().join("common/TechnicalFault_1.0.xsd");
    let text = fs::read_to_string(&path).expect("read TechnicalFault xsd");
    let doc = Document::parse(&text).expect("xsd parses");
    let ty = doc
        .descendants()
        .find(|n| {
            n.has_tag_name((XS, "simpleType"))
                && n.attribute("name") == Some("TechnicalErrorCodeType")
        })
        .expect("TechnicalErrorCodeType");
    ty.descendants()
        .filter(|n| n.has_tag_name((XS, "enumeration")))
        .filter_map(|n| n.attribute("value").map(str::to_string))
        .collect()
}

/// A use of a code in a file: (code, the kind the use implies, where).
type Use = (String, &'static str, String);

fn uses_in(path: &Path, failures: &mut Vec<String>) -> Vec<Use> {
    let rel = path
        .strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string();
    let text = fs::read_to_string(path).expect("read example");
    let doc = match Document::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            failures.push(format!("{rel}: not well-formed: {e}"));
            return Vec::new();
        }
    };
    let mut uses = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        if n.has_tag_name((CMN, "errorCode")) {
            uses.push((text_of(Some(n)), "REJECTION", format!("{rel} (errorCode)")));
        } else if n.has_tag_name((CMN, "code")) {
            let severity = n
                .parent_element()
                .map(|d| text_of(child(d, CMN, "severity")))
                .unwrap_or_default();
            let kind = if severity == "ERROR" {
                "REJECTION"
            } else {
                "INFO"
            };
            uses.push((
                text_of(Some(n)),
                kind,
                format!("{rel} (detail, severity {severity})"),
            ));
        } else if n.has_tag_name((FLT, "code")) {
            uses.push((text_of(Some(n)), "FAULT", format!("{rel} (TechnicalError)")));
        }
    }
    uses
}

/// Codes that the rule names in mock-scenarios.toml start with (e.g. "CLM-020 reversal ...").
fn scenario_rule_codes() -> Vec<(String, String)> {
    let text = fs::read_to_string(contracts().join("mock-scenarios.toml"))
        .expect("read mock-scenarios.toml");
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("name") else {
            continue;
        };
        let Some(name) = rest
            .trim_start()
            .strip_prefix('=')
            .map(|r| r.trim().trim_matches('"'))
        else {
            continue;
        };
        let head = name.split_whitespace().next().unwrap_or("");
        if looks_like_code(head) {
            out.push((head.to_string(), name.to_string()));
        }
    }
    out
}

/// `[A-Z]{2,5}-[0-9]{3}`
fn looks_like_code(s: &str) -> bool {
    let Some((prefix, number)) = s.split_once('-') else {
        return false;
    };
    (2..=5).contains(&prefix.len())
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && number.len() == 3
        && number.chars().all(|c| c.is_ascii_digit())
}

#[test]
fn catalogue_defines_every_code_the_contracts_use() {
    let mut failures = Vec::new();
    let codes = catalogue(&mut failures);
    assert!(codes.len() >= 40, "too few codes: {}", codes.len());

    // Codes are well-formed, operations exist.
    let operations = wsdl_operations();
    assert!(operations.len() >= 19, "operations: {operations:?}");
    for (id, entry) in &codes {
        if !looks_like_code(id) {
            failures.push(format!("catalogue: {id:?} is not a code like CLM-014"));
        }
        for op in &entry.operations {
            if !operations.contains(op) {
                failures.push(format!("catalogue {id}: no WSDL operation {op}"));
            }
        }
    }

    // The technical codes are exactly the fault schema's enumeration.
    let technical = technical_codes();
    let faults: BTreeSet<String> = codes
        .iter()
        .filter(|(_, e)| e.kind == "FAULT")
        .map(|(id, _)| id.clone())
        .collect();
    if faults != technical {
        failures.push(format!(
            "catalogue FAULT codes {faults:?} differ from flt:TechnicalErrorCodeType {technical:?}"
        ));
    }

    // Every use is in the catalogue, with the right kind.
    let mut files = Vec::new();
    for dir in interface_dirs() {
        files.extend(xml_files(&dir.join("examples")));
    }
    let examples = files.len();
    files.extend(xml_files(&contracts().join("mock")));
    assert!(
        examples > 60 && files.len() > examples,
        "{examples} examples, {} files",
        files.len()
    );
    let mut used = BTreeSet::new();
    for f in &files {
        for (code, kind, at) in uses_in(f, &mut failures) {
            match codes.get(&code) {
                None => failures.push(format!("{at}: {code} is not in the catalogue")),
                Some(e) if e.kind != kind => failures.push(format!(
                    "{at}: {code} is used as {kind}, the catalogue says {}",
                    e.kind
                )),
                Some(_) => {}
            }
            used.insert(code);
        }
    }
    for (code, name) in scenario_rule_codes() {
        if !codes.contains_key(&code) {
            failures.push(format!(
                "mock-scenarios.toml rule {name:?}: {code} is not in the catalogue"
            ));
        }
    }

    // Every catalogue code is shown by an example or a mock fault detail.
    for id in codes.keys() {
        if !used.contains(id) {
            failures.push(format!(
                "catalogue {id}: no example or mock fault detail uses it"
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "{} error-code failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn catalogue_validates_against_its_schema() {
    if !require_tool("xmllint", "libxml2-utils") {
        return;
    }
    let dir = contracts().join("common");
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(dir.join("ErrorCodes_1.0.xsd"))
        .arg(dir.join("error-codes.xml"))
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "error-codes.xml does not validate:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
