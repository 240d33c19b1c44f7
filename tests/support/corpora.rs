//! Where the public corpora are, found the same way by every test that reads them (the
//! integration tests, and through `#[path]` the runtime's, generator's and conformance
//! runner's tests): `$TANDVARD_CORPORA` if set, else `shared/corpora` beside the checkout
//! (`<workspace>/../shared/corpora`, where CI lays a read-only copy of shared/). No
//! absolute path of one machine.
//!
//! When they are missing a test skips with a message, except under CI (`CI` set to anything
//! but `false` or `0`), where it fails: a CI run must not pass by reading nothing.

use std::path::{Path, PathBuf};

/// The corpora directory for the workspace at `workspace_root`; `None` (after saying why)
/// when it is missing outside CI. Panics when it is missing under CI.
pub fn find_corpora(workspace_root: &Path) -> Option<PathBuf> {
    let dir = match std::env::var_os("TANDVARD_CORPORA") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => workspace_root.join("../shared/corpora"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "the public corpora are required under CI and {} is missing \
         (set TANDVARD_CORPORA or lay shared/ beside the checkout)",
        dir.display()
    );
    eprintln!(
        "SKIP: the public corpora ({}) are absent (a fresh clone has no shared/; set \
         TANDVARD_CORPORA to point at them)",
        dir.display()
    );
    None
}
