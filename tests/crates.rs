//! The crate split: the generator library a build script depends on stays lean (no async
//! runtime, HTTP, TLS or argument parser; at most 100 crates in its build), and the templates
//! it carries inside its package are the same as the repository's `templates/`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use tandvard_tests::workspace_root;

/// The packages `cargo tree -e normal,build` lists for `package` (itself included).
fn build_tree(package: &str) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "-p",
            package,
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_build_dependency_is_lean() {
    let tree = build_tree("tandvard-codegen");
    for heavy in ["tokio", "hyper", "rustls", "ring", "reqwest", "clap"] {
        assert!(
            !tree.contains(heavy),
            "tandvard-codegen (what a build.rs compiles) depends on {heavy}: {tree:?}"
        );
    }
    assert!(
        tree.len() <= 100,
        "tandvard-codegen's build compiles {} crates (at most 100): {tree:?}",
        tree.len()
    );
    // The CLI has them (the mock server, argument parsing): the split is where it should be.
    let cli = build_tree("tandvard-codegen-cli");
    for heavy in ["tokio", "hyper", "rustls", "clap"] {
        assert!(cli.contains(heavy), "tandvard-codegen-cli lacks {heavy}");
    }
}

fn files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, base, out);
        } else {
            out.push(
                path.strip_prefix(base)
                    .expect("under base")
                    .display()
                    .to_string(),
            );
        }
    }
}

/// The library embeds its templates from its own package (so the published crate builds);
/// the repository's `templates/` holds the same files, byte for byte.
#[test]
fn packaged_templates_match_the_repository_templates() {
    let root = workspace_root();
    let (repo, packaged) = (
        root.join("templates"),
        root.join("codegen/generator/templates"),
    );
    let (mut a, mut b) = (Vec::new(), Vec::new());
    files(&repo, &repo, &mut a);
    files(&packaged, &packaged, &mut b);
    a.sort();
    b.sort();
    assert_eq!(
        a, b,
        "templates/ and codegen/generator/templates/ hold other files"
    );
    for rel in &a {
        assert_eq!(
            std::fs::read(repo.join(rel)).expect("read"),
            std::fs::read(packaged.join(rel)).expect("read"),
            "templates/{rel} differs from codegen/generator/templates/{rel}: copy it over"
        );
    }
}
