//! Batch crates: several generated units as modules of one binary crate, compiled by cargo
//! in one shared target directory, and a small `main` that reads instance documents with
//! each unit's `messages::Message` and writes them back.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One batch crate.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Package name (unique in the shared target directory).
    pub package: String,
    /// Crate directory.
    pub dir: PathBuf,
    /// Units (set indices) with their generated file.
    pub units: Vec<(usize, PathBuf)>,
    /// Whether instances are read with it (then it is built, else only checked).
    pub run: bool,
}

/// The main file of a batch: one module per unit and a reader per unit.
fn main_rs(units: &[usize]) -> String {
    let mut s = String::new();
    s.push_str("// Written by the tandvard-codegen conformance runner.\n#![allow(warnings, clippy::all)]\n\n");
    for u in units {
        s.push_str(&format!("#[path = \"u{u}.rs\"]\nmod u{u};\n"));
    }
    s.push_str(HARNESS_HEAD);
    for u in units {
        s.push_str(&format!(
            "fn r{u}<'i>(r: &mut Reader<'i>, s: Start<'i>) -> Result<Vec<u8>, Error> {{\n    Ok(u{u}::messages::Message::read(r, s)?.to_xml())\n}}\n"
        ));
    }
    s.push_str("fn reader(unit: usize) -> Option<ReadFn> {\n    match unit {\n");
    for u in units {
        s.push_str(&format!("        {u} => Some(r{u} as ReadFn),\n"));
    }
    s.push_str("        _ => None,\n    }\n}\n");
    s
}

const HARNESS_HEAD: &str = r#"
use std::io::{BufRead, Write};
use tandvard_runtime::{Error, ReadOptions, Reader, Start};

type ReadFn = for<'i> fn(&mut Reader<'i>, Start<'i>) -> Result<Vec<u8>, Error>;

const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

/// Reads a document (or each child of a SOAP Body) and writes each message back.
fn read_doc(f: ReadFn, bytes: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let mut r = Reader::with_options(bytes, ReadOptions::default())?;
    let root = r.root()?;
    let envelope = &*root.local_name() == "Envelope"
        && (r.ns_is(root.ns, SOAP11) || r.ns_is(root.ns, SOAP12));
    if !envelope {
        let doc = f(&mut r, root)?;
        r.finish()?;
        return Ok(vec![doc]);
    }
    let mut out = Vec::new();
    let mut next = r.first_child(&root)?;
    while let Some(s) = next.take() {
        if &*s.local_name() == "Body" {
            let mut body = r.first_child(&s)?;
            while let Some(p) = body.take() {
                out.push(f(&mut r, p)?);
                body = r.next_sibling()?;
            }
        } else {
            r.skip(s)?;
        }
        next = r.next_sibling()?;
    }
    r.finish()?;
    Ok(out)
}

fn main() {
    let out_dir = std::path::PathBuf::from(std::env::args().nth(1).expect("output directory"));
    std::panic::set_hook(Box::new(|info| {
        eprintln!("panic: {info}");
    }));
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut stdout = std::io::stdout();
            for line in stdin.lock().lines() {
                let line = line.expect("stdin");
                let mut parts = line.splitn(3, '\t');
                let id = parts.next().unwrap_or("").to_string();
                let unit: usize = parts.next().unwrap_or("").parse().expect("unit");
                let path = parts.next().unwrap_or("").to_string();
                let result = match (reader(unit), std::fs::read(&path)) {
                    (None, _) => Err(format!("unit {unit} is not in this batch")),
                    (_, Err(e)) => Err(format!("cannot read {path}: {e}")),
                    (Some(f), Ok(bytes)) => {
                        match std::panic::catch_unwind(|| read_doc(f, &bytes)) {
                            Ok(Ok(docs)) => Ok(docs),
                            Ok(Err(e)) => Err(e.to_string()),
                            Err(_) => Err("PANIC in generated code".to_string()),
                        }
                    }
                };
                match result {
                    Ok(docs) => {
                        for (k, d) in docs.iter().enumerate() {
                            std::fs::write(out_dir.join(format!("{id}.{k}.xml")), d).expect("write");
                        }
                        writeln!(stdout, "OK\t{id}\t{}", docs.len()).ok();
                    }
                    Err(e) => {
                        let e = e.replace(['\n', '\r', '\t'], " ");
                        writeln!(stdout, "ERR\t{id}\t{e}").ok();
                    }
                }
                stdout.flush().ok();
            }
        })
        .expect("thread");
    worker.join().ok();
}
"#;

/// Writes the batch crates and the workspace around them.
pub fn write_workspace(
    root: &Path,
    batches: &[Batch],
    runtime: &Path,
    lockfile: Option<&Path>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(root)?;
    let members: Vec<String> = batches
        .iter()
        .map(|b| format!("\"{}\"", super::sets::rel(root, &b.dir)))
        .collect();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "# Written by the tandvard-codegen conformance runner.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = 0\n",
            members.join(", ")
        ),
    )?;
    if let Some(lock) = lockfile {
        if !root.join("Cargo.lock").exists() {
            std::fs::copy(lock, root.join("Cargo.lock"))?;
        }
    }
    for b in batches {
        write_batch(b, &b.units.iter().map(|u| u.0).collect::<Vec<_>>(), runtime)?;
    }
    Ok(())
}

/// Writes (or rewrites, with only `keep` units) one batch crate.
pub fn write_batch(b: &Batch, keep: &[usize], runtime: &Path) -> std::io::Result<()> {
    let src = b.dir.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src)?;
    }
    std::fs::create_dir_all(&src)?;
    std::fs::write(
        b.dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\ntandvard-runtime = {{ path = \"{}\" }}\n",
            b.package,
            runtime.display()
        ),
    )?;
    for (u, file) in &b.units {
        if keep.contains(u) {
            std::fs::copy(file, src.join(format!("u{u}.rs")))?;
        }
    }
    std::fs::write(src.join("main.rs"), main_rs(keep))
}

/// The outcome of compiling batches: per unit, `Ok` or the first compiler errors.
pub type CompileResults = BTreeMap<usize, Result<(), String>>;

/// Compiles the batches (building those that run instances, checking the others), dropping
/// units whose code does not compile and retrying, so the rest of a batch still runs.
pub fn compile(
    root: &Path,
    target: &Path,
    batches: &[Batch],
    runtime: &Path,
    log: &mut dyn FnMut(&str),
) -> CompileResults {
    let mut results: CompileResults = BTreeMap::new();
    let mut keep: BTreeMap<String, Vec<usize>> = batches
        .iter()
        .map(|b| (b.package.clone(), b.units.iter().map(|u| u.0).collect()))
        .collect();
    let mut pending: Vec<&Batch> = batches.iter().collect();
    for round in 0..4 {
        if pending.is_empty() {
            break;
        }
        for mode in ["check", "build"] {
            let these: Vec<&Batch> = pending
                .iter()
                .copied()
                .filter(|b| b.run == (mode == "build"))
                .collect();
            if these.is_empty() {
                continue;
            }
            let started = Instant::now();
            let (failed_units, failed_pkgs, messages) = cargo(root, target, mode, &these);
            log(&format!(
                "  cargo {mode} round {round}: {} crates, {} units failed, {:.1}s",
                these.len(),
                failed_units.len(),
                started.elapsed().as_secs_f64()
            ));
            for b in &these {
                let units = keep.get(&b.package).cloned().unwrap_or_default();
                let pkg_failed = failed_pkgs.contains(&b.package);
                let attributed: Vec<usize> = units
                    .iter()
                    .copied()
                    .filter(|u| failed_units.contains_key(&(b.package.clone(), *u)))
                    .collect();
                if !pkg_failed {
                    for u in units {
                        results.entry(u).or_insert(Ok(()));
                    }
                    continue;
                }
                if attributed.is_empty() || round == 3 {
                    // Cannot tell which unit broke the crate: fail them all.
                    let msg = messages
                        .get(&b.package)
                        .cloned()
                        .unwrap_or_else(|| "the batch crate failed to compile".to_string());
                    for u in units {
                        results.insert(u, Err(msg.clone()));
                    }
                    keep.insert(b.package.clone(), Vec::new());
                    continue;
                }
                for u in &attributed {
                    let msg = failed_units[&(b.package.clone(), *u)].clone();
                    results.insert(*u, Err(msg));
                }
                let rest: Vec<usize> = units
                    .into_iter()
                    .filter(|u| !attributed.contains(u))
                    .collect();
                let _ = write_batch(b, &rest, runtime);
                keep.insert(b.package.clone(), rest);
            }
        }
        pending.retain(|b| {
            let k = &keep[&b.package];
            !k.is_empty() && k.iter().any(|u| !results.contains_key(u))
        });
    }
    results
}

type Failures = (
    BTreeMap<(String, usize), String>,
    BTreeSet<String>,
    BTreeMap<String, String>,
);

/// Runs one cargo command over some batches; returns errors attributed to units, the packages
/// that failed, and a fallback message per failed package.
fn cargo(root: &Path, target: &Path, mode: &str, batches: &[&Batch]) -> Failures {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.arg(mode)
        .arg("--keep-going")
        .arg("--message-format=json-diagnostic-rendered-ansi")
        .arg("--quiet")
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for b in batches {
        cmd.arg("-p").arg(&b.package);
    }
    let mut unit_errors: BTreeMap<(String, usize), String> = BTreeMap::new();
    let mut failed: BTreeSet<String> = BTreeSet::new();
    let mut fallback: BTreeMap<String, String> = BTreeMap::new();
    let output = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            for b in batches {
                failed.insert(b.package.clone());
                fallback.insert(b.package.clone(), format!("cannot run cargo: {e}"));
            }
            return (unit_errors, failed, fallback);
        }
    };
    let by_dir: BTreeMap<PathBuf, String> = batches
        .iter()
        .map(|b| (b.dir.clone(), b.package.clone()))
        .collect();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v.get("reason").and_then(|r| r.as_str()) != Some("compiler-message") {
            continue;
        }
        let msg = &v["message"];
        if msg.get("level").and_then(|l| l.as_str()) != Some("error") {
            continue;
        }
        let manifest = v
            .get("manifest_path")
            .and_then(|m| m.as_str())
            .map(PathBuf::from)
            .unwrap_or_default();
        let Some(pkg) = manifest.parent().and_then(|d| by_dir.get(d)).cloned() else {
            continue;
        };
        failed.insert(pkg.clone());
        let text = msg
            .get("message")
            .and_then(|m| m.as_str())
            .unwrap_or("")
            .to_string();
        let code = msg
            .get("code")
            .and_then(|c| c.get("code"))
            .and_then(|c| c.as_str())
            .map(|c| format!("[{c}] "))
            .unwrap_or_default();
        let mut units: BTreeSet<usize> = BTreeSet::new();
        for span in msg
            .get("spans")
            .and_then(|s| s.as_array())
            .into_iter()
            .flatten()
        {
            let file = span.get("file_name").and_then(|f| f.as_str()).unwrap_or("");
            if let Some(u) = unit_of_file(file) {
                units.insert(u);
            } else {
                for t in span
                    .get("text")
                    .and_then(|t| t.as_array())
                    .into_iter()
                    .flatten()
                {
                    let line = t.get("text").and_then(|x| x.as_str()).unwrap_or("");
                    units.extend(units_in_text(line));
                }
            }
        }
        let first_span = msg
            .get("spans")
            .and_then(|s| s.as_array())
            .and_then(|a| a.first())
            .map(|s| {
                format!(
                    " at {}:{}",
                    s.get("file_name").and_then(|f| f.as_str()).unwrap_or(""),
                    s.get("line_start").and_then(|l| l.as_u64()).unwrap_or(0)
                )
            })
            .unwrap_or_default();
        let full = format!("{code}{text}{first_span}");
        fallback.entry(pkg.clone()).or_insert_with(|| full.clone());
        for u in units {
            unit_errors.entry((pkg.clone(), u)).or_insert(full.clone());
        }
    }
    if !output.status.success() {
        // A failure without compiler errors (resolution, linking, ...).
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("cargo failed")
            .to_string();
        if failed.is_empty() {
            for b in batches {
                failed.insert(b.package.clone());
                fallback.insert(b.package.clone(), first.clone());
            }
        }
    }
    (unit_errors, failed, fallback)
}

fn unit_of_file(file: &str) -> Option<usize> {
    let name = file.rsplit('/').next()?;
    name.strip_prefix('u')?.strip_suffix(".rs")?.parse().ok()
}

fn units_in_text(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if boundary && bytes[i] == b'u' && bytes[i + 1].is_ascii_digit() {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if text[end..].starts_with("::") {
                if let Ok(n) = text[start..end].parse() {
                    out.push(n);
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// The result of reading one instance.
#[derive(Debug, Clone)]
pub enum ReadResult {
    /// Read; these files hold the written-back messages.
    Ok(Vec<PathBuf>),
    /// Rejected with this error.
    Err(String),
    /// The harness crashed or hung on it.
    Crash(String),
}

/// Reads instances with a built batch binary: `(instance id, unit, path)`.
pub fn run(
    binary: &Path,
    out_dir: &Path,
    items: &[(usize, usize, PathBuf)],
    per_item: Duration,
) -> BTreeMap<usize, ReadResult> {
    let _ = std::fs::create_dir_all(out_dir);
    let mut results = BTreeMap::new();
    let mut remaining: Vec<(usize, usize, PathBuf)> = items.to_vec();
    while !remaining.is_empty() {
        let mut child = match Command::new(binary)
            .arg(out_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => {
                for (id, _, _) in remaining.drain(..) {
                    results.insert(id, ReadResult::Crash(format!("cannot run harness: {e}")));
                }
                break;
            }
        };
        let mut stdin = child.stdin.take().expect("piped");
        let input: String = remaining
            .iter()
            .map(|(id, u, p)| format!("{id}\t{u}\t{}\n", p.display()))
            .collect();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut s);
            s
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut done: BTreeSet<usize> = BTreeSet::new();
        let mut hung = false;
        loop {
            match rx.recv_timeout(per_item) {
                Ok(line) => {
                    let mut parts = line.splitn(3, '\t');
                    let kind = parts.next().unwrap_or("");
                    let Some(id) = parts.next().and_then(|i| i.parse::<usize>().ok()) else {
                        continue;
                    };
                    let rest = parts.next().unwrap_or("").to_string();
                    let r = match kind {
                        "OK" => {
                            let n: usize = rest.parse().unwrap_or(0);
                            ReadResult::Ok(
                                (0..n)
                                    .map(|k| out_dir.join(format!("{id}.{k}.xml")))
                                    .collect(),
                            )
                        }
                        _ => ReadResult::Err(rest),
                    };
                    results.insert(id, r);
                    done.insert(id);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    hung = true;
                    let _ = child.kill();
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let _ = child.wait();
        let _ = writer.join();
        let stderr = err_reader.join().unwrap_or_default();
        remaining.retain(|(id, _, _)| !done.contains(id));
        if let Some((id, _, _)) = remaining.first().cloned() {
            let why = if hung {
                format!("no answer within {}s", per_item.as_secs())
            } else {
                let last = stderr
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("the harness died")
                    .to_string();
                format!("harness crashed: {last}")
            };
            results.insert(id, ReadResult::Crash(why));
            remaining.remove(0);
        }
    }
    results
}
