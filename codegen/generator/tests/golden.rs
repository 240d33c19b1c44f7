//! Golden tests per XSD construct: `tests/golden/<construct>/schema.xsd` is a tiny schema and
//! `expected.rs` the Rust generated for its namespace, so a reviewer sees what a change to the
//! renderer does to each construct. `UPDATE_GOLDEN=1 cargo test -p tandvard-codegen --test
//! golden` rewrites the expected files.

use std::path::{Path, PathBuf};

use tandvard_codegen::load_contracts;
use tandvard_codegen::render::{RenderOptions, render_crate};
use tandvard_codegen::wsdl::Catalog;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/golden")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("schema.xsd").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The generated code of the schema's namespace modules (not the crate's `lib.rs` or the
/// `messages` enum, which every case shares).
fn generated(dir: &Path) -> String {
    let loaded = load_contracts(&[dir.join("schema.xsd")], &Catalog::new())
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let rendered = render_crate(&loaded.contract, &RenderOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut out = String::new();
    for (path, text) in &rendered.files {
        if path.starts_with("src/") && path != "src/lib.rs" && path != "src/messages.rs" {
            out.push_str(&format!("// ---- {path}\n"));
            out.push_str(text);
        }
    }
    out
}

#[test]
fn each_construct_generates_its_expected_rust() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let cases = cases();
    assert!(cases.len() >= 10, "golden cases found: {}", cases.len());
    let mut stale = Vec::new();
    for dir in &cases {
        let got = generated(dir);
        assert!(
            got.contains("pub struct") || got.contains("pub enum"),
            "{}",
            dir.display()
        );
        let path = dir.join("expected.rs");
        if update {
            std::fs::write(&path, &got).expect("write expected.rs");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "generated code differs from (run with UPDATE_GOLDEN=1 to accept):\n{}",
        stale.join("\n")
    );
}
