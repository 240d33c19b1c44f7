//! The `generate` command: `--check` names stale files and exits 1, a regeneration over a
//! previous snapshot writes the contract change report, and bad input exits 2 with the file
//! and line; a crate generated outside the checkout builds with the documented runtime line.

use std::path::PathBuf;
use std::process::Command;

use tandvard_tests::workspace_root;

fn cli(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "-p",
            "tandvard-codegen-cli",
            "--bin",
            "tandvard-codegen",
            "--",
        ])
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("cargo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn temp_dir(name: &str) -> PathBuf {
    let d = workspace_root()
        .join("target/generate-cli-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn check_regenerate_and_change_report() {
    let out = temp_dir("revisions");
    let out_s = out.to_str().expect("utf-8 path");
    let (code, log) = cli(&[
        "generate",
        "--contracts",
        "tests/fixtures/contracts-pre2026",
        "--out",
        out_s,
    ]);
    assert_eq!(code, 0, "{log}");
    assert!(out.join("src/lib.rs").is_file() && out.join("contract.snapshot.json").is_file());
    assert!(
        !out.join("contract-changes.md").exists(),
        "no report without a previous snapshot"
    );

    // The 2026 contracts: --check sees the crate as stale and names the files.
    let (code, log) = cli(&[
        "generate",
        "--contracts",
        "contracts",
        "--out",
        out_s,
        "--check",
    ]);
    assert_eq!(code, 1, "{log}");
    assert!(log.contains("is stale"), "{log}");
    assert!(
        log.contains("contract.snapshot.json"),
        "stale files are named:\n{log}"
    );

    // Regenerating replaces the snapshot and writes what changed.
    let (code, log) = cli(&["generate", "--contracts", "contracts", "--out", out_s]);
    assert_eq!(code, 0, "{log}");
    let report =
        std::fs::read_to_string(out.join("contract-changes.md")).expect("change report written");
    assert!(report.contains("SubmitClaim"), "{report}");
    assert!(report.to_lowercase().contains("breaking"), "{report}");

    // And now it is up to date.
    let (code, log) = cli(&[
        "generate",
        "--contracts",
        "contracts",
        "--out",
        out_s,
        "--check",
    ]);
    assert_eq!(code, 0, "{log}");
}

#[test]
fn bad_input_exits_2_with_file_and_line() {
    let dir = temp_dir("bad");
    let wsdl = dir.join("Broken.wsdl");
    std::fs::write(
        &wsdl,
        "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" targetNamespace=\"urn:x\">\n  <message name=\"m\">\n    <part name=\"p\" element=\"nope:E\"/>\n  </message>\n</definitions>\n",
    )
    .expect("write");
    let out = dir.join("out");
    let (code, log) = cli(&[
        "generate",
        "--contracts",
        wsdl.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 2, "{log}");
    assert!(
        log.contains("Broken.wsdl:3:"),
        "the error names the file and line:\n{log}"
    );
    assert!(
        log.contains("nope"),
        "the error names the undeclared prefix:\n{log}"
    );
    assert!(!out.exists(), "nothing is written on error");
}

/// A directory outside this checkout (where a vendor generates their bindings).
fn outside_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tandvard-generate-outside-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    assert!(
        !d.starts_with(workspace_root()),
        "{} must be outside the checkout",
        d.display()
    );
    d
}

/// The Cargo.toml dependency line of `tandvard-runtime` in a generated crate.
fn runtime_line(out: &std::path::Path) -> String {
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("generated Cargo.toml");
    manifest
        .lines()
        .find(|l| l.starts_with("tandvard-runtime"))
        .unwrap_or_else(|| panic!("no tandvard-runtime line in:\n{manifest}"))
        .to_string()
}

/// Outside a checkout, with no `--runtime-dependency`, `generate` depends on the runtime the
/// generator was built from (nothing is published yet) and says so; with the README's
/// documented line, the crate it writes builds with cargo.
#[test]
fn crate_generated_outside_the_checkout_builds() {
    let root = workspace_root();
    let contracts = root.join("contracts/check-patient");
    let contracts = contracts.to_str().expect("utf-8 path");

    // The default: a path to this checkout's runtime, and a note that says why.
    let default_out = outside_dir("default");
    let (code, text) = cli(&[
        "generate",
        "--contracts",
        contracts,
        "--out",
        default_out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(code, 0, "{text}");
    let runtime = root
        .join("codegen/runtime")
        .canonicalize()
        .expect("runtime dir");
    assert_eq!(
        runtime_line(&default_out),
        format!(
            "tandvard-runtime = {{ path = \"{}\", version = \"0.1.0\" }}",
            runtime.display()
        )
    );
    assert!(
        text.contains("not published to a registry yet") && text.contains("--runtime-dependency"),
        "{text}"
    );

    // The documented line (README, "Getting the crates"): a path dependency.
    let out = outside_dir("documented");
    let line = format!(
        "tandvard-runtime = {{ path = \"{}\" }}",
        root.join("codegen/runtime").display()
    );
    let (code, text) = cli(&[
        "generate",
        "--contracts",
        contracts,
        "--out",
        out.to_str().expect("utf-8 path"),
        "--crate-name",
        "fk-check-patient",
        "--runtime-dependency",
        &line,
    ]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(runtime_line(&out), line);
    assert!(
        !text.contains("not published"),
        "no note for a given line: {text}"
    );
    // The workspace's dependency versions, and the vendor crate test's target directory
    // (the same dependencies are compiled there already).
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("copy lock");
    let build = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--features", "blocking"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target/vendor-crate"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "the generated crate does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let _ = std::fs::remove_dir_all(&default_out);
    let _ = std::fs::remove_dir_all(&out);
}
