//! Reading a corpus set: its units (what to generate) and instances (what to read back).
//!
//! Two layouts are understood:
//! - a W3C-style set with `MANIFEST.json`: one unit per test group (its `schemaDocs`, with
//!   the expected schema validity), each instance with its expected validity;
//! - a contract set with `SCHEMA_CHECK.tsv` and `instances/VALIDATION.tsv`: one unit per WSDL,
//!   per schema entry point named in `VALIDATION.tsv`, and (for sets without WSDLs) per
//!   top-level XSD; each instance with the reference validator's verdict.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// What the reference says about a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitExpect {
    /// A valid schema / WSDL: must generate and compile.
    Valid,
    /// A schema the W3C suite says is invalid: must be rejected at generate time.
    Invalid,
    /// Real-world input the reference validator reports errors for (upstream defects,
    /// tolerated quirks): rejecting it with an error and generating compiling code both pass;
    /// generating code that does not compile fails.
    Defective,
}

/// What the reference says about an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceExpect {
    /// Must be read and written back equal.
    Valid,
    /// Must be rejected.
    Invalid,
    /// Not well-formed / not XML: must be rejected.
    NotXml,
}

/// One thing to generate.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    /// A stable id (a path relative to the set, or `testSet/group`).
    pub id: String,
    /// The contract files given to the generator.
    pub inputs: Vec<PathBuf>,
    /// The expected outcome.
    pub expect: UnitExpect,
    /// The reference validator's first message, if any.
    pub note: String,
}

/// One instance document.
#[derive(Debug, Clone, Serialize)]
pub struct Instance {
    /// Path relative to the set.
    pub id: String,
    /// Absolute path.
    pub path: PathBuf,
    /// Index into [`Set::units`].
    pub unit: usize,
    /// The expected outcome.
    pub expect: InstanceExpect,
    /// The reference validator's first message, if any.
    pub note: String,
}

/// A corpus set.
#[derive(Debug, Clone, Serialize)]
pub struct Set {
    /// Directory name.
    pub name: String,
    /// Absolute directory.
    pub dir: PathBuf,
    /// A catalog found in the set (`catalog.xml`, `catalog.tsv`, `external/catalog.xml`).
    pub catalog: Option<PathBuf>,
    /// W3C-style (MANIFEST.json) set.
    pub w3c: bool,
    /// Valid instances must round-trip (contract sets, or a manifest with `"round_trip":
    /// true`); otherwise being accepted is enough (W3C test suites test validation).
    pub round_trip: bool,
    /// Units to generate.
    pub units: Vec<Unit>,
    /// Instances to read.
    pub instances: Vec<Instance>,
    /// Instances listed but not checked, with why.
    pub skipped: Vec<(String, String)>,
}

/// Reads a set directory.
pub fn read_set(dir: &Path) -> Result<Set, String> {
    let dir = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "set".to_string());
    let catalog = ["catalog.xml", "catalog.tsv", "external/catalog.xml"]
        .iter()
        .map(|c| dir.join(c))
        .find(|p| p.is_file());
    let mut set = Set {
        name,
        dir: dir.clone(),
        catalog,
        w3c: false,
        round_trip: true,
        units: Vec::new(),
        instances: Vec::new(),
        skipped: Vec::new(),
    };
    if dir.join("MANIFEST.json").is_file() {
        set.w3c = true;
        read_manifest(&mut set)?;
    } else {
        read_contract_set(&mut set)?;
    }
    Ok(set)
}

fn read_manifest(set: &mut Set) -> Result<(), String> {
    let path = set.dir.join("MANIFEST.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    set.round_trip = json
        .get("round_trip")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let groups = json
        .get("groups")
        .and_then(|g| g.as_array())
        .ok_or_else(|| format!("{}: no \"groups\" array", path.display()))?;
    for g in groups {
        let s = |k: &str| g.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let test_set = s("testSet");
        let short = test_set
            .split('/')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches("Meta")
            .trim_end_matches("Data")
            .to_string();
        let id = format!("{short}/{}", s("group"));
        let docs: Vec<PathBuf> = g
            .get("schemaDocs")
            .and_then(|d| d.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(|p| set.dir.join(p))
                    .collect()
            })
            .unwrap_or_default();
        if docs.is_empty() {
            set.skipped
                .push((id, "group has no schema documents".into()));
            continue;
        }
        let expect = match s("schemaExpected").as_str() {
            "invalid" => UnitExpect::Invalid,
            _ => UnitExpect::Valid,
        };
        let unit = set.units.len();
        set.units.push(Unit {
            id,
            inputs: docs,
            expect,
            note: s("schema_jdk17_first_error"),
        });
        for inst in g
            .get("instances")
            .and_then(|i| i.as_array())
            .into_iter()
            .flatten()
        {
            let is = |k: &str| {
                inst.get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let href = is("href");
            let expect = match is("expected").as_str() {
                "valid" => InstanceExpect::Valid,
                "invalid" => InstanceExpect::Invalid,
                other => {
                    set.skipped
                        .push((href, format!("expected outcome is {other:?}")));
                    continue;
                }
            };
            set.instances.push(Instance {
                path: set.dir.join(&href),
                id: href,
                unit,
                expect,
                note: is("jdk17_message"),
            });
        }
    }
    Ok(())
}

fn read_contract_set(set: &mut Set) -> Result<(), String> {
    // Reference verdicts per entry point.
    let mut verdicts: BTreeMap<String, (String, String)> = BTreeMap::new();
    for row in read_tsv(&set.dir.join("SCHEMA_CHECK.tsv")) {
        if row.len() >= 2 {
            verdicts.insert(
                row[1].clone(),
                (row[0].clone(), row.get(2).cloned().unwrap_or_default()),
            );
        }
    }
    let mut files = Vec::new();
    walk(&set.dir, &mut files);
    files.retain(|f| {
        let rel = rel(&set.dir, f);
        !rel.starts_with("instances/") && (rel.ends_with(".wsdl") || rel.ends_with(".xsd"))
    });
    files.sort();
    let wsdls: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "wsdl"))
        .collect();
    let mut entry_points: BTreeSet<String> = BTreeSet::new();
    for f in &wsdls {
        entry_points.insert(rel(&set.dir, f));
    }
    let validation = read_tsv(&set.dir.join("instances/VALIDATION.tsv"));
    for row in &validation {
        if let Some(ep) = row.get(2).filter(|e| !e.is_empty()) {
            entry_points.insert(ep.clone());
        }
    }
    if wsdls.is_empty() {
        for top in top_level(&files) {
            entry_points.insert(rel(&set.dir, &top));
        }
    }
    let mut unit_of: BTreeMap<String, usize> = BTreeMap::new();
    for ep in entry_points {
        let (status, note) = verdicts.get(&ep).cloned().unwrap_or_default();
        let expect = match status.as_str() {
            "ERRORS" | "NOT_WELLFORMED" => UnitExpect::Defective,
            // A schema document that cannot be read is only a warning for Xerces (it checks
            // the schemas, not the WSDL messages that need them), but the contract is
            // incomplete: generating it is impossible.
            "WARNINGS" if note.contains("schema_reference.4") => UnitExpect::Defective,
            _ => UnitExpect::Valid,
        };
        unit_of.insert(ep.clone(), set.units.len());
        set.units.push(Unit {
            inputs: vec![set.dir.join(&ep)],
            id: ep,
            expect,
            note,
        });
    }
    for row in validation {
        if row.len() < 2 {
            continue;
        }
        let status = row[0].as_str();
        let id = row[1].clone();
        let ep = row.get(2).cloned().unwrap_or_default();
        let note = row.get(3).cloned().unwrap_or_default();
        let expect = match status {
            "VALID" => InstanceExpect::Valid,
            "INVALID" => InstanceExpect::Invalid,
            "ERROR" => InstanceExpect::NotXml,
            other => {
                set.skipped
                    .push((id, format!("reference verdict {other}: no schema")));
                continue;
            }
        };
        let Some(&unit) = unit_of.get(&ep) else {
            set.skipped
                .push((id, "no schema entry point to check it against".into()));
            continue;
        };
        set.instances.push(Instance {
            path: set.dir.join(&id),
            id,
            unit,
            expect,
            note,
        });
    }
    Ok(())
}

/// Rows of a tab-separated file, without `#` comment lines.
fn read_tsv(path: &Path) -> Vec<Vec<String>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// `path` relative to `base`, with `/`.
pub fn rel(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Schema files no other file of the set imports, includes or redefines (by relative
/// location or, for absolute URLs, by file name).
fn top_level(files: &[PathBuf]) -> Vec<PathBuf> {
    let by_name: BTreeMap<String, Vec<&PathBuf>> =
        files.iter().fold(BTreeMap::new(), |mut m, f| {
            if let Some(n) = f.file_name() {
                m.entry(n.to_string_lossy().to_string())
                    .or_default()
                    .push(f);
            }
            m
        });
    let mut referenced: BTreeSet<PathBuf> = BTreeSet::new();
    for f in files {
        let Ok(text) = std::fs::read(f) else { continue };
        let text = String::from_utf8_lossy(&text);
        for attr in ["schemaLocation=\"", "location=\""] {
            let mut rest = &*text;
            while let Some(i) = rest.find(attr) {
                rest = &rest[i + attr.len()..];
                let Some(end) = rest.find('"') else { break };
                let loc = &rest[..end];
                if loc.contains("://") {
                    let name = loc.rsplit('/').next().unwrap_or("");
                    for g in by_name.get(name).into_iter().flatten() {
                        referenced.insert((*g).clone());
                    }
                } else if let Some(parent) = f.parent() {
                    referenced.insert(normalize(&parent.join(loc)));
                }
            }
        }
    }
    files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xsd") && !referenced.contains(*f))
        .cloned()
        .collect()
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
