//! Where the old and the new contracts come from: a contracts directory (or a WSDL/XSD file),
//! a snapshot file (`contract.snapshot.json`), or `git:REV[:PATH]` (the contracts directory
//! at a git revision; PATH defaults to `contracts`, relative to the repository root).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::Contract;
use crate::wsdl::Catalog;

/// A parsed OLD/NEW argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractSource {
    /// A contracts directory or a single WSDL/XSD file.
    Path(PathBuf),
    /// A snapshot file (JSON written by `snapshot` or `generate`).
    Snapshot(PathBuf),
    /// The contracts at a git revision.
    Git {
        /// The revision (`HEAD~1`, a tag, a commit).
        rev: String,
        /// The contracts path inside the repository.
        path: String,
    },
}

impl ContractSource {
    /// Interprets an argument: `git:REV[:PATH]`, a snapshot file (a file starting with `{`),
    /// or a path.
    pub fn parse(arg: &str) -> Self {
        if let Some(rest) = arg.strip_prefix("git:") {
            let (rev, path) = match rest.split_once(':') {
                Some((r, p)) if !p.is_empty() => (r.to_string(), p.trim_matches('/').to_string()),
                _ => (rest.to_string(), "contracts".to_string()),
            };
            return ContractSource::Git { rev, path };
        }
        let p = PathBuf::from(arg);
        if p.is_file() && is_snapshot(&p) {
            ContractSource::Snapshot(p)
        } else {
            ContractSource::Path(p)
        }
    }

    /// A label for reports.
    pub fn label(&self) -> String {
        match self {
            ContractSource::Path(p) | ContractSource::Snapshot(p) => p.display().to_string(),
            ContractSource::Git { rev, path } => format!("git:{rev}:{path}"),
        }
    }

    /// Loads the contract model.
    pub fn load(&self, catalog: &Catalog) -> Result<Contract, String> {
        match self {
            ContractSource::Path(p) => {
                if !p.exists() {
                    return Err(format!("{}: no such file or directory", p.display()));
                }
                crate::load_contracts(std::slice::from_ref(p), catalog)
                    .map(|l| l.contract)
                    .map_err(|e| e.to_string())
            }
            ContractSource::Snapshot(p) => {
                let text =
                    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
                Contract::from_snapshot(&text)
                    .map_err(|e| format!("{}: not a contract snapshot: {e}", p.display()))
            }
            ContractSource::Git { rev, path } => {
                let dir = TempDir::new()?;
                let root = extract_git(rev, path, dir.path())?;
                crate::load_contracts(&[root], catalog)
                    .map(|l| l.contract)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

fn is_snapshot(p: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 256];
    let Ok(mut f) = std::fs::File::open(p) else {
        return false;
    };
    let n = f.read(&mut buf).unwrap_or(0);
    buf[..n].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, String> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "tandvard-diff-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        Ok(Self(p))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(args: &[&str], cwd: Option<&Path>) -> Result<std::process::Output, String> {
    let mut cmd = Command::new("git");
    cmd.args(args);
    if let Some(c) = cwd {
        cmd.current_dir(c);
    }
    cmd.output()
        .map_err(|e| format!("cannot run git ({e}); git:REV needs git on PATH"))
}

/// Extracts `path` at `rev` into `into`; returns the extracted contracts directory.
fn extract_git(rev: &str, path: &str, into: &Path) -> Result<PathBuf, String> {
    if rev.is_empty() {
        return Err("git:REV needs a revision, e.g. git:HEAD~1 or git:v2.3:contracts".into());
    }
    let top = git(&["rev-parse", "--show-toplevel"], None)?;
    if !top.status.success() {
        return Err(format!(
            "git:{rev}: not inside a git repository ({})",
            String::from_utf8_lossy(&top.stderr).trim()
        ));
    }
    let top = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
    let verify = git(
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
        Some(&top),
    )?;
    if !verify.status.success() {
        return Err(format!("git:{rev}: unknown revision"));
    }
    let exists = git(&["cat-file", "-e", &format!("{rev}:{path}")], Some(&top))?;
    if !exists.status.success() {
        return Err(format!(
            "git:{rev}: the revision has no {path} (use git:REV:PATH for another directory)"
        ));
    }
    let archive = git(&["archive", "--format=tar", rev, "--", path], Some(&top))?;
    if !archive.status.success() {
        return Err(format!(
            "git archive {rev} {path} failed: {}",
            String::from_utf8_lossy(&archive.stderr).trim()
        ));
    }
    let mut tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run tar ({e})"))?;
    {
        use std::io::Write;
        let Some(mut stdin) = tar.stdin.take() else {
            return Err("cannot write to tar".into());
        };
        stdin
            .write_all(&archive.stdout)
            .map_err(|e| format!("tar: {e}"))?;
    }
    let out = tar.wait_with_output().map_err(|e| format!("tar: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tar -x failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(into.join(path))
}
