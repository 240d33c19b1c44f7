//! The `generate` command: `--check` names stale files and exits 1, a regeneration over a
//! previous snapshot writes the contract change report, and bad input exits 2 with the file
//! and line.

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
