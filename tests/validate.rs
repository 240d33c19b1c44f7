//! The model-driven validator (`tandvard_codegen::validate`, used by `serve-mock`) agrees with
//! libxml2 on the stand-in contracts: every valid example and every sample is accepted, every
//! invalid example (each fails `xmllint --schema`, see `contracts_xmllint`) is refused, and
//! no error text quotes a value from the message.

use std::path::Path;

use tandvard_codegen::model::{Contract, QName};
use tandvard_codegen::sample::{self, Extent, Side};
use tandvard_codegen::validate::validate_element;
use tandvard_codegen::wsdl::Catalog;
use tandvard_tests::{example_files, workspace_root};

const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";

fn contract() -> Contract {
    tandvard_codegen::load_contracts(&[workspace_root().join("contracts")], &Catalog::new())
        .expect("contracts load")
        .contract
}

/// Validates the payload (or each Body and Header child of an envelope) of a file.
fn check(contract: &Contract, path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).expect("read example");
    let doc = roxmltree::Document::parse(&text).expect("example parses");
    let root = doc.root_element();
    let nodes: Vec<roxmltree::Node<'_, '_>> = if root.tag_name().namespace() == Some(SOAP11) {
        root.children()
            .filter(|c| c.is_element())
            .flat_map(|c| c.children().filter(|n| n.is_element()))
            .filter(|n| n.tag_name().name() != "Fault")
            .collect()
    } else {
        vec![root]
    };
    for n in &nodes {
        let q = QName::new(n.tag_name().namespace(), n.tag_name().name());
        validate_element(contract, &q, *n).map_err(|e| e.to_string())?;
    }
    Ok(nodes.len())
}

#[test]
fn valid_examples_and_samples_pass_invalid_examples_fail() {
    let contract = contract();
    let (valid, invalid) = example_files(&workspace_root().join("contracts"));
    assert!(
        valid.len() > 40 && invalid.len() > 30,
        "{} / {}",
        valid.len(),
        invalid.len()
    );
    let mut failures = Vec::new();
    for f in &valid {
        if let Err(e) = check(&contract, f) {
            failures.push(format!("valid {} refused: {e}", f.display()));
        }
    }
    for f in &invalid {
        match check(&contract, f) {
            Ok(_) => failures.push(format!("invalid {} accepted", f.display())),
            Err(e) => {
                // The error names an element path, and quotes no value of the message.
                assert!(e.starts_with("at /"), "{e}");
                let text = std::fs::read_to_string(f).expect("read");
                let doc = roxmltree::Document::parse(&text).expect("parses");
                for t in doc.descendants().filter_map(|n| n.text()) {
                    let t = t.trim();
                    if t.len() >= 6 && t.chars().any(|c| c.is_ascii_digit()) {
                        assert!(
                            !e.contains(t),
                            "{}: the error quotes {t:?}: {e}",
                            f.display()
                        );
                    }
                }
            }
        }
    }
    for iface in &contract.interfaces {
        for op in &iface.operations {
            for side in [Side::Request, Side::Response] {
                let (body, headers) = sample::message_elements(op, side);
                for el in body.iter().chain(&headers) {
                    for extent in [Extent::Minimal, Extent::Full] {
                        for s in sample::samples(&contract, el, extent).expect("sample") {
                            let doc = roxmltree::Document::parse(&s.xml).expect("sample parses");
                            if let Err(e) = validate_element(&contract, el, doc.root_element()) {
                                failures.push(format!(
                                    "sample {} {extent:?} {}: {e}",
                                    el.local, s.variant
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
