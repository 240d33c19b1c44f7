//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// True when running under CI (`CI=true`): tools that a test needs must then be present.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Checks that a system tool is on `PATH`. Outside CI a missing tool makes the test skip
/// (returns `false` after printing why); in CI a missing tool fails the test.
pub fn require_tool(tool: &str, package: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    assert!(
        !in_ci(),
        "{tool} is required in CI (Debian package {package}); .ci/run installs it"
    );
    eprintln!("SKIP: {tool} not found; install the Debian package {package} to run this test");
    false
}

#[path = "corpora.rs"]
mod corpora;

/// The public corpora directory (`$TANDVARD_CORPORA`, else `../shared/corpora` next to the
/// checkout): `None` when absent outside CI, a failure under CI (see `corpora.rs`).
pub fn corpora_dir() -> Option<PathBuf> {
    corpora::find_corpora(&workspace_root())
}

/// Compares two elements as XML, namespace-aware: element and attribute names by namespace
/// URI and local name (prefixes may differ), attributes as a set (namespace declarations
/// excluded), text content exactly (whitespace-only text between elements is ignored), and
/// children in order. Base64-looking text that differs only in line breaks is equal.
/// Returns the first difference with its element path.
pub fn xml_equivalent(
    a: roxmltree::Node<'_, '_>,
    b: roxmltree::Node<'_, '_>,
) -> Result<(), String> {
    compare_nodes(a, b, String::new())
}

fn qname(n: &roxmltree::Node<'_, '_>) -> String {
    match n.tag_name().namespace() {
        Some(ns) => format!("{{{ns}}}{}", n.tag_name().name()),
        None => n.tag_name().name().to_string(),
    }
}

fn compare_nodes(
    a: roxmltree::Node<'_, '_>,
    b: roxmltree::Node<'_, '_>,
    path: String,
) -> Result<(), String> {
    let path = format!("{path}/{}", qname(&a));
    if qname(&a) != qname(&b) {
        return Err(format!(
            "{path}: element {} became {}",
            qname(&a),
            qname(&b)
        ));
    }
    let attrs = |n: &roxmltree::Node<'_, '_>| {
        let mut v: Vec<(String, String)> = n
            .attributes()
            .map(|at| {
                let name = match at.namespace() {
                    Some(ns) => format!("{{{ns}}}{}", at.name()),
                    None => at.name().to_string(),
                };
                (name, at.value().to_string())
            })
            .collect();
        v.sort();
        v
    };
    if attrs(&a) != attrs(&b) {
        return Err(format!(
            "{path}: attributes {:?} became {:?}",
            attrs(&a),
            attrs(&b)
        ));
    }
    let text = |n: &roxmltree::Node<'_, '_>| -> String {
        n.children()
            .filter(|c| c.is_text())
            .map(|c| c.text().unwrap_or(""))
            .collect::<String>()
    };
    let (ta, tb) = (text(&a), text(&b));
    let has_children = a.children().any(|c| c.is_element());
    let same_text = if has_children {
        ta.trim().is_empty() && tb.trim().is_empty() || ta == tb
    } else {
        ta == tb || looks_base64(&ta) && strip_ws(&ta) == strip_ws(&tb)
    };
    if !same_text {
        return Err(format!("{path}: text {ta:?} became {tb:?}"));
    }
    let ca: Vec<_> = a.children().filter(|c| c.is_element()).collect();
    let cb: Vec<_> = b.children().filter(|c| c.is_element()).collect();
    if ca.len() != cb.len() {
        return Err(format!(
            "{path}: {} child elements became {} ({:?} vs {:?})",
            ca.len(),
            cb.len(),
            ca.iter().map(qname).collect::<Vec<_>>(),
            cb.iter().map(qname).collect::<Vec<_>>()
        ));
    }
    for (x, y) in ca.into_iter().zip(cb) {
        compare_nodes(x, y, path.clone())?;
    }
    Ok(())
}

fn looks_base64(s: &str) -> bool {
    s.contains('\n')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') || c.is_whitespace())
}

fn strip_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The payload of a SOAP envelope (the first element child of Body), or the root element
/// itself when the document is not an envelope.
pub fn payload<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> roxmltree::Node<'a, 'i> {
    let root = doc.root_element();
    let first_child = |n: roxmltree::Node<'a, 'i>, name: &str| {
        n.children()
            .find(|c| c.is_element() && (name.is_empty() || c.tag_name().name() == name))
    };
    if root.tag_name().name() != "Envelope" {
        return root;
    }
    let Some(p) = first_child(root, "Body").and_then(|b| first_child(b, "")) else {
        return root;
    };
    if p.tag_name().name() == "Fault"
        && let Some(d) = first_child(p, "detail").and_then(|d| first_child(d, ""))
    {
        return d;
    }
    p
}

/// Every example message under `contracts/*/examples` (valid ones; `invalid` ones separately).
pub fn example_files(contracts: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    let Ok(dirs) = std::fs::read_dir(contracts) else {
        return (valid, invalid);
    };
    let mut dirs: Vec<PathBuf> = dirs.flatten().map(|e| e.path()).collect();
    dirs.sort();
    for d in dirs {
        for (sub, out) in [("examples", &mut valid), ("examples/invalid", &mut invalid)] {
            let Ok(entries) = std::fs::read_dir(d.join(sub)) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "xml"))
                .collect();
            files.sort();
            out.extend(files);
        }
    }
    (valid, invalid)
}

/// Validates files with libxml2, one `xmllint --schema` call per schema: `(label, schema,
/// file)`. Returns one line per invalid file (its label and xmllint's messages), empty when
/// all are valid. The caller checks for xmllint first (`require_tool`).
pub fn xmllint_validate(files: &[(String, PathBuf, PathBuf)]) -> Vec<String> {
    let mut by_schema: std::collections::BTreeMap<&Path, Vec<(&str, &Path)>> =
        std::collections::BTreeMap::new();
    for (label, schema, file) in files {
        by_schema
            .entry(schema.as_path())
            .or_default()
            .push((label.as_str(), file.as_path()));
    }
    let mut failures = Vec::new();
    for (schema, files) in by_schema {
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schema)
            .args(files.iter().map(|(_, f)| f))
            .output()
            .expect("xmllint runs");
        if out.status.success() {
            continue;
        }
        let err = String::from_utf8_lossy(&out.stderr);
        let before = failures.len();
        for (label, f) in &files {
            let name = f.display().to_string();
            let lines: Vec<&str> = err
                .lines()
                .filter(|l| l.starts_with(&name) && !l.ends_with(" validates"))
                .collect();
            if !lines.is_empty() {
                failures.push(format!("{label} ({name}):\n  {}", lines.join("\n  ")));
            }
        }
        if failures.len() == before {
            failures.push(format!("xmllint failed on {}:\n{err}", schema.display()));
        }
    }
    failures
}

/// A schema file xmllint can load for the elements declared in `file`: the file itself when
/// it is an XSD; for a WSDL, its inline `xs:schema`s written to `scratch` (with the namespace
/// declarations they inherit from the WSDL) under a wrapper schema that imports them all.
/// Relative `schemaLocation`s inside inline schemas are made absolute.
pub fn schema_file(file: &Path, scratch: &Path) -> PathBuf {
    let text = std::fs::read_to_string(file).expect("read contract");
    let doc = roxmltree::Document::parse(&text).expect("contract parses");
    const XS: &str = "http://www.w3.org/2001/XMLSchema";
    if doc.root_element().tag_name().namespace() == Some(XS) {
        return file.to_path_buf();
    }
    std::fs::create_dir_all(scratch).expect("scratch dir");
    let dir = file.parent().expect("file has a directory");
    let mut imports = String::new();
    let schemas = doc
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(XS) && n.tag_name().name() == "schema");
    for (i, schema) in schemas.enumerate() {
        let src = &text[schema.range()];
        let tag_end = src.find('>').expect("start tag ends");
        let tag = &src[..tag_end];
        let mut decls = String::new();
        for ns in schema.namespaces() {
            let declared = match ns.name() {
                Some(p) => tag.contains(&format!("xmlns:{p}=")),
                None => tag.contains("xmlns="),
            };
            if !declared && ns.uri() != "http://www.w3.org/XML/1998/namespace" {
                match ns.name() {
                    Some(p) => decls.push_str(&format!(" xmlns:{p}=\"{}\"", ns.uri())),
                    None => decls.push_str(&format!(" xmlns=\"{}\"", ns.uri())),
                }
            }
        }
        let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
        let mut body = format!("{}{decls}{}", &src[..name_end], &src[name_end..]);
        // Relative schema locations resolve against the WSDL's directory.
        for attr in ["schemaLocation=\"", "schemaLocation='"] {
            let mut at = 0;
            while let Some(p) = body[at..].find(attr) {
                let start = at + p + attr.len();
                let q = attr.chars().last().expect("quote");
                let end = start + body[start..].find(q).expect("closing quote");
                let loc = body[start..end].to_string();
                if !loc.contains("://") && !loc.starts_with('/') {
                    let abs = dir.join(&loc).display().to_string();
                    body.replace_range(start..end, &abs);
                    at = start + abs.len();
                } else {
                    at = end;
                }
            }
        }
        let path = scratch.join(format!("inline-{i}.xsd"));
        std::fs::write(&path, body).expect("write inline schema");
        let tns = schema.attribute("targetNamespace").unwrap_or("");
        imports.push_str(&format!(
            "  <xs:import namespace=\"{tns}\" schemaLocation=\"{}\"/>\n",
            path.display()
        ));
    }
    let wrapper = scratch.join("wsdl-schemas.xsd");
    std::fs::write(
        &wrapper,
        format!("<xs:schema xmlns:xs=\"{XS}\">\n{imports}</xs:schema>\n"),
    )
    .expect("write wrapper");
    wrapper
}
