//! The example vendor crate (`tests/vendor-crate`) generates its bindings with the Builder
//! from build.rs, on a copy of `contracts/`: built by cargo, run, rebuilt when nothing
//! changed (the build script must not rerun), rebuilt after touching one schema (it must),
//! and broken on purpose (cargo must show the file, line and what was expected).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tandvard_tests::workspace_root;

#[path = "soap_common.rs"]
#[allow(unused_imports)]
mod soap_common;

use soap_common::{Pki, serve_tls};

/// Starts `serve-mock`'s router on loopback with mutual TLS and runs the vendor binary's
/// Check Patient call against it.
fn call_the_mock(dir: &Path) {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let server_pki = Pki::new("vendor test server CA");
    let client_pki = Pki::new("vendor test client CA");
    let mock = tandvard_codegen_cli::mock::mock(
        &workspace_root().join("contracts"),
        &tandvard_codegen::wsdl::Catalog::new(),
    )
    .expect("mock builds");
    let server = rt.block_on(serve_tls(mock.router, &server_pki, Some(&client_pki)));
    let id = client_pki.client("vendor");
    let pem = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write pem");
        p.to_str().expect("utf-8 path").to_string()
    };
    let ca = pem("server-ca.pem", &server_pki.ca_pem());
    let cert = pem("client.pem", &id.cert_pem);
    let key = pem("client.key", &id.key_pem);
    let url = format!("{}/tandvard/CheckPatient/2", soap_common::base_url(&server));
    let request = dir.join("contracts/check-patient/examples/CheckPatientRequest.xml");
    let run = cargo(
        dir,
        &[
            "run",
            "--quiet",
            "--",
            "check-patient",
            &url,
            &ca,
            &cert,
            &key,
            request.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        run.status.success(),
        "the call against the mock failed:\n{}",
        text(&run)
    );
    assert!(
        text(&run).contains("CheckPatient answered: result Ok"),
        "{}",
        text(&run)
    );
    server.shutdown();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() == "target" {
                continue;
            }
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).expect("copy file");
        }
    }
}

/// A fresh copy of the vendor crate with its own copy of the contracts.
fn vendor_copy(name: &str) -> PathBuf {
    let root = workspace_root();
    let dir = root.join("target/vendor-crate-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let src = root.join("tests/vendor-crate");
    for f in ["build.rs", "Cargo.toml"] {
        std::fs::create_dir_all(&dir).expect("create dir");
        std::fs::copy(src.join(f), dir.join(f)).expect("copy");
    }
    copy_dir(&src.join("src"), &dir.join("src"));
    copy_dir(&root.join("contracts"), &dir.join("contracts"));
    // Same dependency versions as the workspace, and paths that work from the copy.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy lock");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
    let manifest = manifest.replace("../../", &format!("{}/", root.display()));
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
    dir
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        // Its own target directory: the outer `cargo test` holds the workspace's.
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/vendor-crate"),
        )
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

/// The `cargo:` lines the build script printed last time it ran.
fn build_script_output(dir: &Path) -> String {
    let out = cargo(dir, &["build", "-vv", "--offline"]);
    text(&out)
}

#[test]
fn vendor_crate_builds_runs_and_reruns_exactly_when_contracts_change() {
    let dir = vendor_copy("main");
    let first = cargo(&dir, &["build", "-vv"]);
    assert!(
        first.status.success(),
        "vendor crate failed to build:\n{}",
        text(&first)
    );
    let log = text(&first);

    // Every WSDL and XSD it reads is watched; examples and documentation are not.
    let mut watched = 0;
    for entry in walk(&dir.join("contracts")) {
        let ext = entry.extension().and_then(|e| e.to_str()).unwrap_or("");
        let line = format!("cargo:rerun-if-changed={}", entry.display());
        // The error-code catalogue's schema describes a documentation file; no WSDL imports it.
        let catalogue = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("ErrorCodes"));
        match ext {
            "wsdl" | "xsd" if !catalogue => {
                assert!(
                    log.contains(&line),
                    "build script does not watch {}",
                    entry.display()
                );
                watched += 1;
            }
            _ => assert!(
                !log.contains(&line),
                "build script watches {} needlessly",
                entry.display()
            ),
        }
    }
    assert!(
        watched >= 29,
        "expected every WSDL and XSD to be watched, found {watched}"
    );

    // It runs, and reads and writes a claim.
    let example = dir.join("contracts/submit-claim/examples/SubmitClaimRequest.xml");
    let run = cargo(
        &dir,
        &[
            "run",
            "--quiet",
            "--",
            "read",
            example.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        run.status.success(),
        "vendor binary failed:\n{}",
        text(&run)
    );
    assert!(
        text(&run).contains("claim read and written back: identical"),
        "{}",
        text(&run)
    );

    // It calls Check Patient over mutual TLS against the mock of the e-service.
    call_the_mock(&dir);

    // Nothing changed: the build script does not run again.
    let noop = build_script_output(&dir);
    assert!(
        !noop.contains("Running `") || !noop.contains("build-script-build"),
        "build script reran although nothing changed:\n{noop}"
    );
    assert!(
        noop.contains("Fresh vendor-example"),
        "expected a fresh build:\n{noop}"
    );

    // One schema touched: it reruns.
    let schema = dir.join("contracts/common/TandvardCommon_1.3.xsd");
    let content = std::fs::read_to_string(&schema).expect("schema");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(&schema, content).expect("touch schema");
    let touched = build_script_output(&dir);
    assert!(
        touched.contains("build-script-build"),
        "build script did not rerun after a schema changed:\n{touched}"
    );
}

#[test]
fn a_broken_contract_fails_the_build_with_file_line_and_expectation() {
    let dir = vendor_copy("broken");
    let xsd = dir.join("contracts/check-patient/CheckPatientResponder_2.3.xsd");
    let text_before = std::fs::read_to_string(&xsd).expect("responder schema");
    let broken = text_before.replacen("type=\"cmn:", "type=\"cmn:NoSuch", 1);
    assert_ne!(
        broken, text_before,
        "fixture changed: no cmn: type reference to break"
    );
    std::fs::write(&xsd, broken).expect("write broken schema");
    let out = cargo(&dir, &["build"]);
    assert!(
        !out.status.success(),
        "a broken contract must fail the build"
    );
    let log = text(&out);
    assert!(
        log.contains("CheckPatientResponder_2.3.xsd:"),
        "error does not name the file and line:\n{log}"
    );
    assert!(
        log.contains("NoSuch"),
        "error does not name the missing type:\n{log}"
    );
    assert!(
        log.contains("no loaded schema defines"),
        "error does not say what was expected:\n{log}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}
