//! The conformance runner: generates, compiles and exercises crates for public contract sets.
//!
//! ```text
//! cargo run --release -p tandvard-conformance -- [OPTIONS] SET_DIR...
//! ```
//!
//! For every set directory (laid out like `../shared/corpora/<set>`: `MANIFEST.json` for W3C
//! test suites, or `SCHEMA_CHECK.tsv` + `instances/VALIDATION.tsv` for contract sets) it
//! 1. generates one module per unit (WSDL, schema entry point, or W3C test group), each in a
//!    child process so a crash or hang is contained;
//! 2. compiles the modules in batch crates (`cargo check`, or `cargo build` for batches whose
//!    units have instances) in one shared target directory;
//! 3. reads every instance with its unit's `messages::Message`, writes it back and compares
//!    the two namespace-aware; valid instances must round-trip, invalid ones be rejected.
//!
//! It prints a summary per set, failures grouped by cause, and as its last line
//! `passed N of M`. Options: `--work DIR` (default `target/conformance`; also holds each set's
//! `plan.json`, read by `scripts/xsdata_conformance.py`), `--cargo-target DIR`, `--only TEXT`
//! (units whose id contains TEXT; repeatable), `--max-instances N` (per unit), `--batch N`
//! (units per crate), `--no-compile`, `--report FILE` (TSV of every check), `--verbose`.

mod harness;
mod sets;
mod xmlcmp;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::harness::{Batch, ReadResult};
use crate::sets::{InstanceExpect, Set, UnitExpect};

const USAGE: &str = "usage: conformance [--work DIR] [--cargo-target DIR] [--only TEXT]... [--max-instances N] [--batch N] [--no-compile] [--report FILE] [--verbose] SET_DIR...";

struct Options {
    sets: Vec<PathBuf>,
    work: PathBuf,
    /// Cargo's target directory for the batch crates (default `<work>/target`).
    cargo_target: Option<PathBuf>,
    runtime: PathBuf,
    lockfile: Option<PathBuf>,
    only: Vec<String>,
    max_instances: Option<usize>,
    batch: usize,
    batch_lines: usize,
    compile: bool,
    /// Only write each set's plan.json (for scripts/xsdata_conformance.py).
    plan_only: bool,
    report: Option<PathBuf>,
    verbose: bool,
    gen_timeout: Duration,
    item_timeout: Duration,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // codegen/conformance -> the workspace root.
    let workspace = manifest_dir
        .ancestors()
        .nth(2)
        .unwrap_or(&manifest_dir)
        .to_path_buf();
    let mut o = Options {
        sets: Vec::new(),
        work: workspace.join("target/conformance"),
        cargo_target: None,
        runtime: workspace.join("codegen/runtime"),
        lockfile: Some(workspace.join("Cargo.lock")).filter(|p| p.is_file()),
        only: Vec::new(),
        max_instances: None,
        batch: 40,
        batch_lines: 150_000,
        compile: true,
        plan_only: false,
        report: None,
        verbose: false,
        gen_timeout: Duration::from_secs(300),
        item_timeout: Duration::from_secs(60),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--work" => o.work = PathBuf::from(value("--work")?),
            "--cargo-target" => o.cargo_target = Some(PathBuf::from(value("--cargo-target")?)),
            "--runtime" => o.runtime = PathBuf::from(value("--runtime")?),
            "--only" => o.only.push(value("--only")?),
            "--max-instances" => {
                o.max_instances = Some(
                    value("--max-instances")?
                        .parse()
                        .map_err(|e| format!("--max-instances: {e}"))?,
                )
            }
            "--batch" => {
                o.batch = value("--batch")?
                    .parse()
                    .map_err(|e| format!("--batch: {e}"))?
            }
            "--no-compile" => o.compile = false,
            "--plan-only" => o.plan_only = true,
            "--report" => o.report = Some(PathBuf::from(value("--report")?)),
            "--verbose" | "-v" => o.verbose = true,
            "--help" | "-h" => return Err(USAGE.to_string()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => o.sets.push(PathBuf::from(s)),
        }
    }
    if o.sets.is_empty() {
        return Err(USAGE.to_string());
    }
    o.work = absolute(&o.work);
    o.runtime = absolute(&o.runtime);
    Ok(o)
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    }
}

/// One check and its outcome.
#[derive(Debug, Clone, Serialize)]
struct Check {
    set: String,
    kind: &'static str,
    id: String,
    expect: String,
    outcome: String,
    pass: bool,
    category: String,
    detail: String,
}

/// Per-set numbers for the summary.
#[derive(Debug, Default, Clone, Serialize)]
struct SetSummary {
    set: String,
    units: usize,
    units_valid: usize,
    generated: usize,
    compiled: usize,
    rejected: usize,
    invalid_schemas: usize,
    invalid_schemas_rejected: usize,
    valid_instances: usize,
    round_tripped: usize,
    round_tripped_collapsed: usize,
    round_tripped_canonical: usize,
    accepted_valid: usize,
    invalid_instances: usize,
    invalid_rejected: usize,
    skipped_instances: usize,
    checks: usize,
    passed: usize,
    generated_lines: usize,
    /// Generator notes (tolerated defects, reduced-fidelity renderings), all units.
    warnings: usize,
    /// The most frequent kinds of notes, with counts.
    top_warnings: Vec<(String, usize)>,
    gen_seconds: f64,
    compile_seconds: f64,
    run_seconds: f64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("gen-unit") {
        return gen_unit(&args[1..]);
    }
    let opts = match parse_options(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut all: Vec<Check> = Vec::new();
    let mut summaries: Vec<SetSummary> = Vec::new();
    for dir in &opts.sets {
        let set = match sets::read_set(dir) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let (checks, summary) = run_set(&opts, set);
        all.extend(checks);
        summaries.push(summary);
    }
    write_reports(&opts, &all, &summaries);
    if summaries.len() > 1 {
        println!();
        println!(
            "{:<46} {:>9} {:>9} {:>9} {:>13} {:>13} {:>11}",
            "set", "units", "generate", "compile", "round-trip", "invalid rej.", "checks"
        );
        for s in &summaries {
            println!(
                "{:<46} {:>9} {:>9} {:>9} {:>13} {:>13} {:>11}",
                s.set,
                s.units,
                s.generated,
                s.compiled,
                format!("{}/{}", s.round_tripped, s.valid_instances),
                format!("{}/{}", s.invalid_rejected, s.invalid_instances),
                format!("{}/{}", s.passed, s.checks)
            );
        }
    }
    let passed = all.iter().filter(|c| c.pass).count();
    println!("passed {passed} of {}", all.len());
    ExitCode::SUCCESS
}

/// `conformance gen-unit --out FILE [--catalog FILE] INPUT...`: generates one unit as a
/// single Rust file (run as a child process by the runner).
fn gen_unit(args: &[String]) -> ExitCode {
    let mut out = None;
    let mut catalog = None;
    let mut inputs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = it.next().map(PathBuf::from),
            "--catalog" => catalog = it.next().map(PathBuf::from),
            s => inputs.push(PathBuf::from(s)),
        }
    }
    let Some(out) = out else {
        eprintln!("gen-unit: --out is required");
        return ExitCode::from(2);
    };
    let result = (|| -> Result<serde_json::Value, tandvard_codegen::Error> {
        use tandvard_codegen::wsdl::Catalog;
        let catalog = match &catalog {
            Some(p) if p.extension().is_some_and(|e| e == "tsv") => Catalog::from_tsv(p)?,
            Some(p) => Catalog::from_xml_catalog(p)?,
            None => Catalog::new(),
        };
        let loaded = tandvard_codegen::load_contracts(&inputs, &catalog)?;
        let opts = tandvard_codegen::render::RenderOptions {
            crate_name: "conformance-unit".into(),
            source: "conformance".into(),
            ..Default::default()
        };
        let rendered = tandvard_codegen::render::render_single_file(&loaded.contract, &opts)?;
        let text = rendered.files.values().next().cloned().unwrap_or_default();
        std::fs::write(&out, &text).map_err(|e| tandvard_codegen::Error::Io {
            path: out.display().to_string(),
            source: e,
        })?;
        Ok(serde_json::json!({
            "lines": text.lines().count(),
            "types": rendered.type_count,
            "messages": tandvard_codegen::render::message_elements(&loaded.contract).len(),
            "warnings": loaded.warnings.iter().chain(&rendered.warnings).collect::<Vec<_>>(),
        }))
    })();
    match result {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// The outcome of generating one unit.
#[derive(Debug, Clone)]
enum GenResult {
    Ok {
        file: PathBuf,
        lines: usize,
        messages: usize,
        warnings: Vec<String>,
    },
    Err(String),
    Crash(String),
}

fn generate_unit(opts: &Options, set: &Set, unit: usize, out: &Path) -> GenResult {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("conformance"));
    let mut cmd = Command::new(exe);
    cmd.arg("gen-unit").arg("--out").arg(out);
    if let Some(c) = &set.catalog {
        cmd.arg("--catalog").arg(c);
    }
    for i in &set.units[unit].inputs {
        cmd.arg(i);
    }
    cmd.current_dir(&set.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return GenResult::Crash(format!("cannot run the generator: {e}")),
    };
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if started.elapsed() > opts.gen_timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let out_text = t_out.join().unwrap_or_default();
    let err_text = t_err.join().unwrap_or_default();
    match status {
        None => GenResult::Crash(format!(
            "generation did not finish within {}s",
            opts.gen_timeout.as_secs()
        )),
        Some(s) if s.success() => {
            let v: serde_json::Value = serde_json::from_str(out_text.trim()).unwrap_or_default();
            GenResult::Ok {
                file: out.to_path_buf(),
                lines: v["lines"].as_u64().unwrap_or(0) as usize,
                messages: v["messages"].as_u64().unwrap_or(0) as usize,
                warnings: v["warnings"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|w| w.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        }
        Some(s) if s.code() == Some(1) => GenResult::Err(err_text.trim().to_string()),
        Some(s) => {
            let last = err_text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .to_string();
            GenResult::Crash(format!("generator died ({s}): {last}"))
        }
    }
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn run_set(opts: &Options, mut set: Set) -> (Vec<Check>, SetSummary) {
    // Unit selection.
    if !opts.only.is_empty() {
        let keep: Vec<bool> = set
            .units
            .iter()
            .map(|u| opts.only.iter().any(|o| u.id.contains(o.as_str())))
            .collect();
        let mut new_index = BTreeMap::new();
        let mut units = Vec::new();
        for (i, u) in set.units.iter().enumerate() {
            if keep[i] {
                new_index.insert(i, units.len());
                units.push(u.clone());
            }
        }
        set.units = units;
        set.instances
            .retain_mut(|inst| match new_index.get(&inst.unit) {
                Some(&n) => {
                    inst.unit = n;
                    true
                }
                None => false,
            });
    }
    if let Some(max) = opts.max_instances {
        let mut per_unit: BTreeMap<(usize, bool), usize> = BTreeMap::new();
        set.instances.retain(|inst| {
            let c = per_unit
                .entry((inst.unit, inst.expect == InstanceExpect::Valid))
                .or_default();
            *c += 1;
            *c <= max
        });
    }
    let set_slug = slug(&set.name);
    let root = opts.work.join(&set_slug);
    let gen_dir = root.join("gen");
    let _ = std::fs::create_dir_all(&gen_dir);
    let _ = std::fs::write(
        root.join("plan.json"),
        serde_json::to_string_pretty(&set).unwrap_or_default(),
    );
    eprintln!(
        "== {} ({} units, {} instances)",
        set.name,
        set.units.len(),
        set.instances.len()
    );
    if opts.plan_only {
        return (Vec::new(), SetSummary::default());
    }
    let mut summary = SetSummary {
        set: set.name.clone(),
        units: set.units.len(),
        skipped_instances: set.skipped.len(),
        ..SetSummary::default()
    };

    // 1. Generate.
    let started = Instant::now();
    let gens = generate_units(opts, &set, &gen_dir);
    summary.gen_seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "  generated {}/{} units in {:.1}s",
        gens.iter()
            .filter(|g| matches!(g, GenResult::Ok { .. }))
            .count(),
        gens.len(),
        summary.gen_seconds
    );

    // 2. Compile, in batches; expected-invalid schemas that were accepted are not compiled.
    let batches = plan_batches(opts, &set, &gens, &set_slug, &root);
    let target = opts
        .cargo_target
        .as_ref()
        .map(|t| absolute(t))
        .unwrap_or_else(|| opts.work.join("target"));
    let mut compiled: harness::CompileResults = BTreeMap::new();
    let started = Instant::now();
    if opts.compile && !batches.is_empty() {
        if let Err(e) =
            harness::write_workspace(&root, &batches, &opts.runtime, opts.lockfile.as_deref())
        {
            eprintln!("error: cannot write the batch crates: {e}");
        }
        compiled = harness::compile(&root, &target, &batches, &opts.runtime, &mut |m| {
            eprintln!("{m}")
        });
    }
    summary.compile_seconds = started.elapsed().as_secs_f64();

    // 3. Read instances.
    let started = Instant::now();
    let read = if opts.compile {
        read_instances(opts, &set, &batches, &compiled, &target, &root)
    } else {
        BTreeMap::new()
    };
    summary.run_seconds = started.elapsed().as_secs_f64();

    // 4. Score.
    let mut checks = Vec::new();
    score_units(opts, &set, &gens, &compiled, &mut summary, &mut checks);
    score_instances(&set, &gens, &read, &mut summary, &mut checks);
    summary.generated_lines = gens
        .iter()
        .map(|g| match g {
            GenResult::Ok { lines, .. } => *lines,
            _ => 0,
        })
        .sum();
    let mut notes: BTreeMap<String, usize> = BTreeMap::new();
    for g in &gens {
        if let GenResult::Ok { warnings, .. } = g {
            summary.warnings += warnings.len();
            for w in warnings {
                *notes.entry(categorize(w)).or_default() += 1;
            }
        }
    }
    let mut notes: Vec<(String, usize)> = notes.into_iter().collect();
    notes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    summary.top_warnings = notes.into_iter().take(5).collect();
    summary.checks = checks.len();
    summary.passed = checks.iter().filter(|c| c.pass).count();
    print_set(&set, &summary, &checks, opts.verbose);
    (checks, summary)
}

/// Checks of the set's schemas: generated (or rejected, as expected) and compiled.
fn score_units(
    opts: &Options,
    set: &Set,
    gens: &[GenResult],
    compiled: &harness::CompileResults,
    summary: &mut SetSummary,
    checks: &mut Vec<Check>,
) {
    for (i, unit) in set.units.iter().enumerate() {
        let expect = match unit.expect {
            UnitExpect::Valid => "valid",
            UnitExpect::Invalid => "invalid",
            UnitExpect::Defective => "defective",
        };
        if unit.expect == UnitExpect::Valid || unit.expect == UnitExpect::Defective {
            summary.units_valid += usize::from(unit.expect == UnitExpect::Valid);
        } else {
            summary.invalid_schemas += 1;
        }
        let (outcome, pass, category, detail) = match (&gens[i], compiled.get(&i)) {
            (GenResult::Err(e), _) => {
                summary.rejected += 1;
                if unit.expect == UnitExpect::Invalid {
                    summary.invalid_schemas_rejected += 1;
                }
                let pass = unit.expect != UnitExpect::Valid;
                (
                    "rejected",
                    pass,
                    format!("generate: {}", categorize(e)),
                    e.clone(),
                )
            }
            (GenResult::Crash(e), _) => (
                "crashed",
                false,
                format!("generator crash: {}", categorize(e)),
                e.clone(),
            ),
            (GenResult::Ok { .. }, _) if unit.expect == UnitExpect::Invalid => {
                summary.generated += 1;
                (
                    "accepted",
                    false,
                    format!("invalid schema accepted: {}", reference_rule(&unit.note)),
                    unit.note.clone(),
                )
            }
            (GenResult::Ok { .. }, None) => {
                summary.generated += 1;
                (
                    "generated",
                    !opts.compile,
                    "not compiled".into(),
                    String::new(),
                )
            }
            (GenResult::Ok { .. }, Some(Ok(()))) => {
                summary.generated += 1;
                summary.compiled += 1;
                ("compiled", true, String::new(), String::new())
            }
            (GenResult::Ok { .. }, Some(Err(e))) => {
                summary.generated += 1;
                (
                    "compile-error",
                    false,
                    format!("compile: {}", categorize(e)),
                    e.clone(),
                )
            }
        };
        checks.push(Check {
            set: set.name.clone(),
            kind: "unit",
            id: unit.id.clone(),
            expect: expect.into(),
            outcome: outcome.into(),
            pass,
            category,
            detail,
        });
    }
}

/// Checks of the set's instances: read and written back equal (or rejected, as expected).
fn score_instances(
    set: &Set,
    gens: &[GenResult],
    read: &BTreeMap<usize, ReadResult>,
    summary: &mut SetSummary,
    checks: &mut Vec<Check>,
) {
    for (k, inst) in set.instances.iter().enumerate() {
        let expect = match inst.expect {
            InstanceExpect::Valid => "valid",
            InstanceExpect::Invalid => "invalid",
            InstanceExpect::NotXml => "not-xml",
        };
        let valid = inst.expect == InstanceExpect::Valid;
        if valid {
            summary.valid_instances += 1;
        } else {
            summary.invalid_instances += 1;
        }
        let (outcome, pass, category, detail) = match read.get(&k) {
            None => {
                let why = match &gens[inst.unit] {
                    GenResult::Ok { .. } => "unit did not compile",
                    _ => "unit not generated",
                };
                ("not-run", false, why.to_string(), String::new())
            }
            Some(ReadResult::Crash(e)) => (
                "crashed",
                false,
                format!("crash: {}", categorize(e)),
                e.clone(),
            ),
            Some(ReadResult::Err(e)) => {
                if valid {
                    (
                        "rejected",
                        false,
                        format!("valid rejected: {}", categorize_read(e)),
                        e.clone(),
                    )
                } else {
                    summary.invalid_rejected += 1;
                    ("rejected", true, String::new(), e.clone())
                }
            }
            Some(ReadResult::Ok(files)) => {
                if valid {
                    summary.accepted_valid += 1;
                    match round_trip(&inst.path, files) {
                        Ok(xmlcmp::Equal::Exact) => {
                            summary.round_tripped += 1;
                            ("round-tripped", true, String::new(), String::new())
                        }
                        Ok(eq) => {
                            summary.round_tripped += 1;
                            let how = if eq == xmlcmp::Equal::Collapsed {
                                summary.round_tripped_collapsed += 1;
                                "equal after whitespace collapsing"
                            } else {
                                summary.round_tripped_canonical += 1;
                                "equal as values (some value rewritten in canonical form)"
                            };
                            ("round-tripped", true, String::new(), how.into())
                        }
                        // W3C suites test validation: a valid instance passes when accepted;
                        // the round trip is reported but does not decide.
                        Err(e) if !set.round_trip => (
                            "accepted",
                            true,
                            format!("round trip differs: {}", categorize(&e)),
                            e,
                        ),
                        Err(e) => (
                            "differs",
                            false,
                            format!("round trip differs: {}", categorize(&e)),
                            e,
                        ),
                    }
                } else {
                    (
                        "accepted",
                        false,
                        format!("invalid accepted: {}", reference_rule(&inst.note)),
                        inst.note.clone(),
                    )
                }
            }
        };
        checks.push(Check {
            set: set.name.clone(),
            kind: "instance",
            id: inst.id.clone(),
            expect: expect.into(),
            outcome: outcome.into(),
            pass,
            category,
            detail,
        });
    }
}

fn print_set(set: &Set, s: &SetSummary, checks: &[Check], verbose: bool) {
    println!("== {}", set.name);
    println!(
        "  units: {} (generated {}, compiled {}, rejected {}{})",
        s.units,
        s.generated,
        s.compiled,
        s.rejected,
        if s.invalid_schemas > 0 {
            format!(
                "; invalid schemas rejected {}/{}",
                s.invalid_schemas_rejected, s.invalid_schemas
            )
        } else {
            String::new()
        }
    );
    println!(
        "  instances: valid accepted {}/{}, round-tripped {}/{}{}, invalid rejected {}/{}, skipped {}",
        s.accepted_valid,
        s.valid_instances,
        s.round_tripped,
        s.valid_instances,
        if s.round_tripped_collapsed + s.round_tripped_canonical > 0 {
            format!(
                " ({} after whitespace collapsing, {} equal as values)",
                s.round_tripped_collapsed, s.round_tripped_canonical
            )
        } else {
            String::new()
        },
        s.invalid_rejected,
        s.invalid_instances,
        s.skipped_instances
    );
    println!(
        "  time: generate {:.1}s ({} lines), compile {:.1}s, read {:.1}s",
        s.gen_seconds, s.generated_lines, s.compile_seconds, s.run_seconds
    );
    if s.warnings > 0 {
        println!("  generator notes: {}", s.warnings);
        for (kind, n) in &s.top_warnings {
            println!("    {n:>4}  {kind}");
        }
    }
    let notes: Vec<&Check> = checks
        .iter()
        .filter(|c| c.pass && !c.category.is_empty())
        .collect();
    if !notes.is_empty() {
        let mut by: BTreeMap<&str, Vec<&Check>> = BTreeMap::new();
        for c in notes {
            by.entry(c.category.as_str()).or_default().push(c);
        }
        println!("  passed with notes (not counted as failures):");
        for (cause, list) in by {
            println!("    {:>4}  {}", list.len(), cause);
            for c in list.iter().take(if verbose { list.len() } else { 1 }) {
                println!("          {} {}: {}", c.kind, c.id, first_line(&c.detail));
            }
        }
    }
    let mut causes: BTreeMap<&str, Vec<&Check>> = BTreeMap::new();
    for c in checks.iter().filter(|c| !c.pass) {
        causes.entry(c.category.as_str()).or_default().push(c);
    }
    let mut causes: Vec<_> = causes.into_iter().collect();
    causes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    if !causes.is_empty() {
        println!("  failures by cause:");
    }
    for (cause, list) in causes {
        println!("    {:>4}  {}", list.len(), cause);
        let show = if verbose { list.len() } else { 2 };
        for c in list.iter().take(show) {
            println!("          {} {}: {}", c.kind, c.id, first_line(&c.detail));
        }
    }
    println!("  passed {} of {}", s.passed, s.checks);
}

fn round_trip(original: &Path, files: &[PathBuf]) -> Result<xmlcmp::Equal, String> {
    let text = std::fs::read_to_string(original).map_err(|e| format!("cannot read: {e}"))?;
    let doc = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .map_err(|e| format!("original not parseable by roxmltree: {e}"))?;
    let root = doc.root_element();
    let is_env = root.tag_name().name() == "Envelope"
        && matches!(
            root.tag_name().namespace(),
            Some(
                "http://schemas.xmlsoap.org/soap/envelope/"
                    | "http://www.w3.org/2003/05/soap-envelope"
            )
        );
    let originals: Vec<roxmltree::Node<'_, '_>> = if is_env {
        root.children()
            .filter(|c| c.is_element() && c.tag_name().name() == "Body")
            .flat_map(|b| b.children().filter(|c| c.is_element()))
            .collect()
    } else {
        vec![root]
    };
    if originals.len() != files.len() {
        return Err(format!(
            "{} messages read, {} written",
            originals.len(),
            files.len()
        ));
    }
    let mut eq = xmlcmp::Equal::Exact;
    for (o, f) in originals.into_iter().zip(files) {
        let written = std::fs::read_to_string(f).map_err(|e| format!("cannot read output: {e}"))?;
        let wdoc = roxmltree::Document::parse(&written)
            .map_err(|e| format!("written XML is not well-formed: {e}"))?;
        eq = eq.max(xmlcmp::compare(o, wdoc.root_element())?);
    }
    Ok(eq)
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("");
    if l.chars().count() > 220 {
        format!("{}...", l.chars().take(220).collect::<String>())
    } else {
        l.to_string()
    }
}

/// The reference validator's rule name (`cvc-pattern-valid`, `src-resolve`, ...), if any.
fn reference_rule(note: &str) -> String {
    for word in note.split(|c: char| c.is_whitespace() || c == ':' || c == ']') {
        let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.');
        if [
            "cvc-",
            "src-",
            "cos-",
            "ct-",
            "e-props",
            "a-props",
            "sch-props",
            "rcase-",
            "derivation-",
            "s4s-",
            "p-props",
            "au-props",
            "ag-props",
            "mg-props",
            "st-props",
            "enumeration-",
            "no-xsi",
            "st-restrict",
            "notation",
            "c-props",
            "w-props",
            "n-props",
            "c-fields",
        ]
        .iter()
        .any(|p| w.starts_with(p))
        {
            return w.trim_end_matches('.').to_string();
        }
    }
    if note.trim().is_empty() {
        "no reference message".to_string()
    } else {
        categorize(note)
    }
}

/// A short, stable cause for grouping: paths, names, quoted values and numbers replaced.
fn categorize(msg: &str) -> String {
    let line = msg.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    // Drop a leading `path:line[:col]: ` location.
    let mut rest = line;
    if let Some(i) = rest.find(": ") {
        let head = &rest[..i];
        if head.contains('/')
            || head.contains(".xsd")
            || head.contains(".wsdl")
            || head.contains(".rs")
        {
            rest = &rest[i + 2..];
        }
    }
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                }
                while chars
                    .peek()
                    .is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '-' | '.'))
                {
                    chars.next();
                }
                out.push_str("{ns}X");
            }
            '"' | '`' => {
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                }
                out.push_str("\"…\"");
            }
            '\'' => {
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                }
                out.push_str("'…'");
            }
            '/' if out.ends_with(' ') || out.is_empty() => {
                while chars
                    .peek()
                    .is_some_and(|d| !d.is_whitespace() && *d != ':' && *d != ',')
                {
                    chars.next();
                }
                out.push_str("PATH");
            }
            d if d.is_ascii_digit() => {
                while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    chars.next();
                }
                out.push('N');
            }
            other => out.push(other),
        }
    }
    let out = out.trim().to_string();
    if out.chars().count() > 110 {
        format!("{}…", out.chars().take(110).collect::<String>())
    } else {
        out
    }
}

/// A cause for a read error: the runtime's message without its element path and position.
fn categorize_read(msg: &str) -> String {
    // Runtime errors look like "/a/b/c (line 3, column 5): what"; keep "what".
    let what = match msg.find("): ") {
        Some(i) => &msg[i + 3..],
        None => msg,
    };
    categorize(what)
}

fn write_reports(opts: &Options, checks: &[Check], summaries: &[SetSummary]) {
    let _ = std::fs::create_dir_all(&opts.work);
    let report = opts
        .report
        .clone()
        .unwrap_or_else(|| opts.work.join("report.tsv"));
    let mut tsv = String::from("set\tkind\tid\texpect\toutcome\tpass\tcategory\tdetail\n");
    for c in checks {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        tsv.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            c.set,
            c.kind,
            c.id,
            c.expect,
            c.outcome,
            if c.pass { "pass" } else { "FAIL" },
            clean(&c.category),
            clean(&first_line(&c.detail))
        ));
    }
    let _ = std::fs::write(&report, tsv);
    let json = opts.work.join("summary.json");
    let _ = std::fs::write(
        &json,
        serde_json::to_string_pretty(summaries).unwrap_or_default(),
    );
}

/// Generates each unit of the set into `gen_dir`.
fn generate_units(opts: &Options, set: &Set, gen_dir: &Path) -> Vec<GenResult> {
    let mut gens: Vec<GenResult> = Vec::new();
    for i in 0..set.units.len() {
        let out = gen_dir.join(format!("u{i}.rs"));
        let _ = std::fs::remove_file(&out);
        let r = generate_unit(opts, set, i, &out);
        if opts.verbose {
            match &r {
                GenResult::Ok { lines, .. } => {
                    eprintln!("  gen {:<70} ok ({lines} lines)", set.units[i].id)
                }
                GenResult::Err(e) | GenResult::Crash(e) => {
                    eprintln!("  gen {:<70} ERR {}", set.units[i].id, first_line(e))
                }
            }
        }
        gens.push(r);
    }
    gens
}

/// The batch crates units are compiled in: units with instances first (their batches are
/// run), expected-invalid schemas that were accepted left out.
fn plan_batches(
    opts: &Options,
    set: &Set,
    gens: &[GenResult],
    set_slug: &str,
    root: &Path,
) -> Vec<Batch> {
    let mut has_instances = vec![false; set.units.len()];
    for inst in &set.instances {
        has_instances[inst.unit] = true;
    }
    let mut to_compile: Vec<(usize, PathBuf, usize, usize)> = Vec::new();
    for (i, g) in gens.iter().enumerate() {
        if let GenResult::Ok {
            file,
            lines,
            messages,
            ..
        } = g
        {
            if set.units[i].expect != UnitExpect::Invalid {
                to_compile.push((i, file.clone(), *lines, *messages));
            }
        }
    }
    to_compile.sort_by_key(|(i, _, _, _)| (!has_instances[*i], *i));
    let mut batches: Vec<Batch> = Vec::new();
    let mut lines_in_batch = 0;
    for (i, file, lines, _) in &to_compile {
        let run = has_instances[*i];
        let start_new = match batches.last() {
            None => true,
            Some(b) => {
                b.run != run
                    || b.units.len() >= opts.batch
                    || (lines_in_batch + lines > opts.batch_lines && !b.units.is_empty())
            }
        };
        if start_new {
            let n = batches.len();
            batches.push(Batch {
                package: format!("conf-{set_slug}-b{n}"),
                dir: root.join(format!("b{n}")),
                units: Vec::new(),
                run,
            });
            lines_in_batch = 0;
        }
        lines_in_batch += lines;
        batches
            .last_mut()
            .expect("just pushed")
            .units
            .push((*i, file.clone()));
    }
    batches
}

/// Reads (and writes back) the instances of each batch that is run.
fn read_instances(
    opts: &Options,
    set: &Set,
    batches: &[Batch],
    compiled: &harness::CompileResults,
    target: &Path,
    root: &Path,
) -> BTreeMap<usize, ReadResult> {
    let mut read: BTreeMap<usize, ReadResult> = BTreeMap::new();
    for b in batches.iter().filter(|b| b.run) {
        let items: Vec<(usize, usize, PathBuf)> = set
            .instances
            .iter()
            .enumerate()
            .filter(|(_, inst)| {
                b.units.iter().any(|(u, _)| *u == inst.unit)
                    && matches!(compiled.get(&inst.unit), Some(Ok(())))
            })
            .map(|(k, inst)| (k, inst.unit, inst.path.clone()))
            .collect();
        if items.is_empty() {
            continue;
        }
        let binary = target.join("debug").join(&b.package);
        let out_dir = root.join("out").join(&b.package);
        let _ = std::fs::remove_dir_all(&out_dir);
        read.extend(harness::run(&binary, &out_dir, &items, opts.item_timeout));
    }
    read
}
