//! `sample`: every operation's request and response of `contracts/`, minimal and every full
//! variant, is valid under its schema (libxml2's `xmllint --schema`) and is read back equal by
//! the generated readers (`messages::Message`), so "valid by construction" is checked, not
//! assumed. The public corpora fixtures get the same checks in `corpora_fixtures`, which
//! compiles their generated crates.

use std::path::{Path, PathBuf};

use tandvard_bindings::messages::Message;
use tandvard_codegen::model::Contract;
use tandvard_codegen::sample::{self, Extent, Side};
use tandvard_codegen::wsdl::Catalog;
use tandvard_tests::{require_tool, workspace_root, xml_equivalent, xmllint_validate};

fn load(paths: &[PathBuf]) -> Contract {
    tandvard_codegen::load_contracts(paths, &Catalog::new())
        .expect("contracts load")
        .contract
}

/// Every sample of every operation's request and response: (label, schema file, xml).
pub fn operation_samples(contract: &Contract, root: &Path) -> Vec<(String, PathBuf, String)> {
    let mut out = Vec::new();
    for iface in &contract.interfaces {
        for op in &iface.operations {
            for side in [Side::Request, Side::Response] {
                let (body, headers) = sample::message_elements(op, side);
                for el in body.iter().chain(&headers) {
                    let decl = contract.element(el).expect("message element in the model");
                    let file = root.join(&decl.source.as_ref().expect("source").file);
                    for extent in [Extent::Minimal, Extent::Full] {
                        let all = sample::samples(contract, el, extent)
                            .unwrap_or_else(|e| panic!("{}.{}: {e}", iface.name, op.name));
                        for s in all {
                            let label = format!(
                                "{}.{} {side:?} {} {extent:?} {}/{}",
                                iface.name, op.name, el.local, s.variant, s.variants
                            );
                            out.push((label, file.clone(), s.xml));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Writes the samples to `scratch` and validates them with xmllint; returns the failures.
fn xmllint(samples: &[(String, PathBuf, String)], scratch: &Path) -> Vec<String> {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).expect("scratch dir");
    let files: Vec<(String, PathBuf, PathBuf)> = samples
        .iter()
        .enumerate()
        .map(|(i, (label, schema, xml))| {
            let f = scratch.join(format!("{i}.xml"));
            std::fs::write(&f, xml).expect("write sample");
            (label.clone(), schema.clone(), f)
        })
        .collect();
    xmllint_validate(&files)
}

#[test]
fn contract_samples_are_schema_valid_and_read_back_equal() {
    let root = workspace_root().join("contracts");
    let contract = load(std::slice::from_ref(&root));
    let samples = operation_samples(&contract, &root);
    // 20 operations, both sides, minimal and at least two full variants of each.
    assert!(samples.len() >= 20 * 2 * 3, "{} samples", samples.len());

    // Read back with the generated readers and written back: the same document.
    let mut failures = Vec::new();
    for (label, _, xml) in &samples {
        match Message::from_xml(xml.as_bytes()) {
            Ok(m) => {
                let written = String::from_utf8(m.to_xml()).expect("utf-8");
                let a = roxmltree::Document::parse(xml).expect("sample parses");
                let b = roxmltree::Document::parse(&written).expect("written parses");
                if let Err(e) = xml_equivalent(a.root_element(), b.root_element()) {
                    failures.push(format!("{label}: written back differs: {e}"));
                }
            }
            Err(e) => failures.push(format!("{label}: the generated reader refuses it: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    if !require_tool("xmllint", "libxml2-utils") {
        return;
    }
    let failures = xmllint(
        &samples,
        &workspace_root().join("target/sample-tests/contracts"),
    );
    assert!(
        failures.is_empty(),
        "{} of {} samples are invalid:\n{}",
        failures.len(),
        samples.len(),
        failures.join("\n")
    );
}

/// Minimal and full samples are deterministic and differ where they should.
#[test]
fn samples_are_deterministic_and_full_covers_more() {
    let root = workspace_root().join("contracts");
    let a = load(std::slice::from_ref(&root));
    let b = load(&[root]);
    let (iface, op) = sample::find_operation(&a, "SubmitClaim").expect("SubmitClaim");
    let (body, _) = sample::message_elements(op, Side::Request);
    let el = &body[0];
    let min_a = sample::samples(&a, el, Extent::Minimal).expect("minimal");
    let min_b = sample::samples(&b, el, Extent::Minimal).expect("minimal");
    assert_eq!(min_a, min_b, "{}", iface.name);
    assert_eq!(min_a.len(), 1);
    let full = sample::samples(&a, el, Extent::Full).expect("full");
    assert!(full.len() >= 2);
    assert!(full.iter().all(|f| f.xml.len() > min_a[0].xml.len()));
    // The variants take other choice branches: the patient is a personnummer in one and a
    // samordningsnummer in another.
    assert!(full.iter().any(|f| f.xml.contains("personnummer>")));
    assert!(full.iter().any(|f| f.xml.contains("samordningsnummer>")));
}
