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

/// The public corpora directory (`../shared/corpora` next to the checkout), if present.
pub fn corpora_dir() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: ../shared/corpora is absent (a fresh clone has no shared/); skipping");
        None
    }
}
