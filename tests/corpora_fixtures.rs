//! Public contracts copied from `../shared/corpora` into `tests/fixtures/corpora/` (with their
//! SOURCE notices), so a fresh clone checks them too: two RIV-TA domains
//! (insuranceprocess:healthreporting RegisterMedicalCertificate, informationsecurity blocking
//! CheckBlocks), the EU VIES checkVat service and the UBL 2.1 Invoice schema. Each generates a
//! crate that `cargo check` accepts; the UBL Invoice sample and a RIV-TA message are read and
//! written back equal. The `sample` output of every operation (UBL: of the Invoice) is valid
//! under its schema (xmllint) and read back equal by the generated crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tandvard_codegen::generate::{GenerateOptions, generate};
use tandvard_codegen::model::{Contract, QName};
use tandvard_codegen::sample::{self, Extent, Side};
use tandvard_codegen::wsdl::Catalog;
use tandvard_tests::{require_tool, schema_file, workspace_root, xml_equivalent, xmllint_validate};

/// (crate name, contract paths relative to `tests/fixtures/corpora`).
const SETS: &[(&str, &[&str])] = &[
    (
        "rivta-healthreporting",
        &[
            "rivta-insuranceprocess-healthreporting/schemas/interactions/RegisterMedicalCertificateInteraction/RegisterMedicalCertificateInteraction_3.1_rivtabp20.wsdl",
        ],
    ),
    (
        "rivta-blocking",
        &[
            "rivta-informationsecurity-blocking/schemas/interactions/CheckBlocksInteraction/CheckBlocksInteraction_4.0_RIVTABP21.wsdl",
        ],
    ),
    ("eu-vies", &["eu-vies-checkvat/checkVatService.wsdl"]),
    (
        "ubl-invoice",
        &["ubl-2.1/schemas/maindoc/UBL-Invoice-2.1.xsd"],
    ),
];

/// Instances read and written back: (crate, instance relative to the fixtures).
const INSTANCES: &[(&str, &str)] = &[
    (
        "ubl-invoice",
        "ubl-2.1/instances/UBL-Invoice-2.1-Example.xml",
    ),
    (
        "rivta-healthreporting",
        "rivta-insuranceprocess-healthreporting/instances/registerMedicalCertificate.xml",
    ),
];

fn fixtures() -> PathBuf {
    workspace_root().join("tests/fixtures/corpora")
}

/// A workspace of generated crates under `target/` with its own target directory (the outer
/// `cargo test` holds the workspace's).
fn out_dir() -> PathBuf {
    workspace_root().join("target/corpora-fixtures")
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/conformance/target"),
        )
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Example program added to each generated crate: reads a message (bare, or each child of a
/// SOAP Body) and writes it back to stdout, documents separated by NUL bytes.
const READ_EXAMPLE: &str = r#"use std::io::Write;
fn main() {
    let path = std::env::args().nth(1).expect("instance path");
    let bytes = std::fs::read(&path).expect("read instance");
    let mut r = tandvard_runtime::Reader::new(&bytes).expect("reader");
    let root = r.root().expect("root");
    let mut out = Vec::new();
    let result = (|| -> Result<(), tandvard_runtime::Error> {
        if &*root.local_name() == "Envelope" {
            let mut next = r.first_child(&root)?;
            while let Some(s) = next.take() {
                if &*s.local_name() == "Body" {
                    let mut body = r.first_child(&s)?;
                    while let Some(p) = body.take() {
                        out.push(CRATE::messages::Message::read(&mut r, p)?.to_xml());
                        body = r.next_sibling()?;
                    }
                } else {
                    r.skip(s)?;
                }
                next = r.next_sibling()?;
            }
        } else {
            out.push(CRATE::messages::Message::read(&mut r, root)?.to_xml());
        }
        r.finish()
    })();
    if let Err(e) = result {
        eprintln!("ERR {e}");
        std::process::exit(1);
    }
    let mut stdout = std::io::stdout();
    for doc in out {
        stdout.write_all(&doc).expect("write");
        stdout.write_all(b"\0").expect("write");
    }
}
"#;

fn generate_all() -> PathBuf {
    let out = out_dir();
    let runtime = workspace_root().join("codegen/runtime");
    let mut members = Vec::new();
    for (name, inputs) in SETS {
        let dir = out.join(name);
        let opts = GenerateOptions {
            contracts: inputs.iter().map(|i| fixtures().join(i)).collect(),
            out: dir.clone(),
            crate_name: format!("fixture-{name}"),
            catalog: Catalog::new(),
            runtime_dependency: Some(format!(
                "tandvard-runtime = {{ path = \"{}\" }}",
                runtime.display()
            )),
        };
        let report =
            generate(&opts, false).unwrap_or_else(|e| panic!("{name}: generation failed: {e}"));
        assert!(report.type_count > 0, "{name}: no types generated");
        let lib = format!("fixture_{}", name.replace('-', "_"));
        std::fs::create_dir_all(dir.join("examples")).expect("examples dir");
        std::fs::write(
            dir.join("examples/read.rs"),
            READ_EXAMPLE.replace("CRATE", &lib),
        )
        .expect("write example");
        members.push(format!("\"{name}\""));
    }
    std::fs::write(
        out.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = 0\n",
            members.join(", ")
        ),
    )
    .expect("workspace manifest");
    std::fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock")).expect("lock");
    out
}

#[test]
fn public_contracts_generate_compile_and_round_trip() {
    let out = generate_all();
    // UBL's aggregates are "wide" (their optional complex parts would take over 1 KB
    // inline): those parts are boxed; a narrow type keeps the same field inline.
    let cac = std::fs::read_to_string(out.join("ubl-invoice/src/common_aggregate_components_2.rs"))
        .expect("UBL aggregate module");
    let field = |ty: &str| {
        let at = cac
            .find(&format!("pub struct {ty} {{"))
            .unwrap_or_else(|| panic!("{ty} generated"));
        let end = at + cac[at..].find("\n}").expect("struct end");
        cac[at..end]
            .lines()
            .find(|l| l.trim_start().starts_with("pub name:"))
            .map(|l| l.trim().to_string())
            .unwrap_or_else(|| panic!("{ty}.name"))
    };
    assert_eq!(
        field("ItemType"),
        "pub name: Option<Box<super::common_basic_components_2::NameType>>,"
    );
    assert_eq!(
        field("ContactType"),
        "pub name: Option<super::common_basic_components_2::NameType>,"
    );
    let check = cargo(&out, &["check", "--workspace", "--all-targets"]);
    assert!(
        check.status.success(),
        "the generated crates do not compile:\n{}",
        text(&check)
    );
    for (name, instance) in INSTANCES {
        let path = fixtures().join(instance);
        let run = cargo(
            &out,
            &[
                "run",
                "-q",
                "-p",
                &format!("fixture-{name}"),
                "--example",
                "read",
                "--",
                &path.display().to_string(),
            ],
        );
        assert!(
            run.status.success(),
            "{instance}: not read:\n{}",
            text(&run)
        );
        let original = std::fs::read_to_string(&path).expect("instance");
        let original = roxmltree::Document::parse(&original).expect("instance parses");
        let root = original.root_element();
        let expected: Vec<roxmltree::Node<'_, '_>> = if root.tag_name().name() == "Envelope" {
            root.children()
                .filter(|c| c.is_element() && c.tag_name().name() == "Body")
                .flat_map(|b| b.children().filter(|c| c.is_element()))
                .collect()
        } else {
            vec![root]
        };
        let written = String::from_utf8(run.stdout).expect("UTF-8 output");
        let docs: Vec<&str> = written
            .split('\0')
            .filter(|d| !d.trim().is_empty())
            .collect();
        assert_eq!(docs.len(), expected.len(), "{instance}: message count");
        for (doc, want) in docs.iter().zip(expected) {
            let got = roxmltree::Document::parse(doc)
                .unwrap_or_else(|e| panic!("{instance}: written XML does not parse: {e}"));
            if let Err(e) = xml_equivalent(want, got.root_element()) {
                panic!("{instance}: round trip differs: {e}");
            }
        }
    }
    check_samples(&out);
}

/// Runs the `read` example of `crate_name` on `file`: the documents it wrote back.
fn read_back(out: &Path, crate_name: &str, file: &Path) -> Result<Vec<String>, String> {
    let run = cargo(
        out,
        &[
            "run",
            "-q",
            "-p",
            &format!("fixture-{crate_name}"),
            "--example",
            "read",
            "--",
            &file.display().to_string(),
        ],
    );
    if !run.status.success() {
        return Err(text(&run));
    }
    let written = String::from_utf8(run.stdout).map_err(|e| e.to_string())?;
    Ok(written
        .split('\0')
        .filter(|d| !d.trim().is_empty())
        .map(str::to_string)
        .collect())
}

/// `sample` on each set: every operation's request, response and header elements (UBL: the
/// Invoice), minimal and each full variant; each is valid under its schema and is read back
/// equal by the set's generated crate.
fn check_samples(out: &Path) {
    let scratch = out.join("samples");
    let _ = std::fs::remove_dir_all(&scratch);
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for (name, inputs) in SETS {
        let snapshot = std::fs::read_to_string(out.join(name).join("contract.snapshot.json"))
            .expect("snapshot written by generate");
        let contract = Contract::from_snapshot(&snapshot).expect("snapshot reads");
        let input = fixtures().join(inputs[0]);
        let root = input.parent().expect("input has a directory");
        let mut elements: Vec<QName> = Vec::new();
        for op in contract.interfaces.iter().flat_map(|i| &i.operations) {
            for side in [Side::Request, Side::Response] {
                let (body, headers) = sample::message_elements(op, side);
                for el in body.into_iter().chain(headers) {
                    if !elements.contains(&el) {
                        elements.push(el);
                    }
                }
            }
        }
        if contract.interfaces.is_empty() {
            elements.extend(
                contract
                    .elements
                    .values()
                    .filter(|e| e.name.local == "Invoice")
                    .map(|e| e.name.clone()),
            );
        }
        assert!(!elements.is_empty(), "{name}: nothing to sample");
        let dir = scratch.join(name);
        std::fs::create_dir_all(&dir).expect("sample dir");
        for el in &elements {
            let decl = contract.element(el).expect("element in the model");
            let source = root.join(&decl.source.as_ref().expect("source").file);
            let schema = schema_file(&source, &dir.join("schemas"));
            for extent in [Extent::Minimal, Extent::Full] {
                let all = sample::samples(&contract, el, extent)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                for s in all {
                    let label = format!(
                        "{name} {} {extent:?} {}/{}",
                        el.local, s.variant, s.variants
                    );
                    let file = dir.join(format!("{}-{extent:?}-{}.xml", el.local, s.variant));
                    std::fs::write(&file, &s.xml).expect("write sample");
                    match read_back(out, name, &file) {
                        Ok(docs) if docs.len() == 1 => {
                            let a = roxmltree::Document::parse(&s.xml).expect("sample parses");
                            let b = roxmltree::Document::parse(&docs[0]).expect("written parses");
                            if let Err(e) = xml_equivalent(a.root_element(), b.root_element()) {
                                failures.push(format!("{label}: written back differs: {e}"));
                            }
                        }
                        Ok(docs) => {
                            failures.push(format!("{label}: {} documents read", docs.len()))
                        }
                        Err(e) => failures.push(format!("{label}: not read: {e}")),
                    }
                    files.push((label, schema.clone(), file));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if require_tool("xmllint", "libxml2-utils") {
        let invalid = xmllint_validate(&files);
        assert!(
            invalid.is_empty(),
            "{} of {} samples are invalid:\n{}",
            invalid.len(),
            files.len(),
            invalid.join("\n")
        );
    }
}
