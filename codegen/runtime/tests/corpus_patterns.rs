//! Every `xs:pattern` found in the shared XSD corpora must translate and compile.
//! The corpus location can be overridden with `TANDVARD_CORPORA`; the test is skipped when
//! the directory does not exist.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tandvard_runtime::regex::Regex;
use tandvard_runtime::xsd_pattern_to_regex;

fn xsd_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            xsd_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("xsd") || x.eq_ignore_ascii_case("wsdl"))
        {
            out.push(p);
        }
    }
}

/// UTF-8, or Latin-1 for files that are not UTF-8.
fn decode(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| e.into_bytes().iter().map(|&b| b as char).collect())
}

fn unescape(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let end = rest[p..].find(';')? + p;
        let name = &rest[p + 1..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            n if n.starts_with("#x") => char::from_u32(u32::from_str_radix(&n[2..], 16).ok()?)?,
            n if n.starts_with('#') => char::from_u32(n[1..].parse().ok()?)?,
            _ => return None,
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Schema documents that the W3C suite's manifest (if present) marks as invalid schemas.
fn invalid_schemas(root: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let group =
        Regex::new(r#""schemaDocs":\s*\[([^\]]*)\],\s*"schemaExpected":\s*"(\w+)""#).unwrap();
    let href = Regex::new(r#""([^"]+)""#).unwrap();
    for manifest in ["w3c-xsdtests-open/MANIFEST.json"] {
        let path = root.join(manifest);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let base = path.parent().unwrap().to_path_buf();
        for g in group.captures_iter(&text) {
            if &g[2] == "invalid" {
                for h in href.captures_iter(&g[1]) {
                    out.insert(base.join(&h[1]));
                }
            }
        }
    }
    out
}

#[path = "../../../tests/support/corpora.rs"]
mod corpora;

fn corpus_root() -> Option<PathBuf> {
    corpora::find_corpora(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

fn pattern_finder() -> Regex {
    Regex::new(r#"<(?:[A-Za-z_][\w.\-]*:)?pattern\b[^>]*?\svalue\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
        .unwrap()
}

fn patterns_in(text: &str, find: &Regex) -> Vec<String> {
    find.captures_iter(text)
        .filter_map(|c| unescape(c.get(1).or_else(|| c.get(2))?.as_str()))
        .collect()
}

#[test]
fn corpus_patterns_translate_and_compile() {
    let Some(root) = corpus_root() else {
        return;
    };
    let mut files = Vec::new();
    xsd_files(&root, &mut files);
    let invalid = invalid_schemas(&root);
    let find = pattern_finder();
    // Pattern -> whether it occurs in at least one schema not known to be invalid.
    let mut patterns: std::collections::BTreeMap<String, bool> = Default::default();
    for f in &files {
        let text = decode(std::fs::read(f).unwrap());
        let in_valid = !invalid.contains(f);
        for p in patterns_in(&text, &find) {
            *patterns.entry(p).or_default() |= in_valid;
        }
    }
    let mut failures = Vec::new();
    let mut ok = 0;
    let (mut from_invalid, mut rejected_invalid) = (0, 0);
    for (p, in_valid) in &patterns {
        let result = xsd_pattern_to_regex(p).and_then(|t| {
            Regex::new(&t)
                .map(|_| ())
                .map_err(|e| format!("-> {t} does not compile: {e}"))
        });
        match (result, in_valid) {
            (Ok(()), _) => ok += 1,
            (Err(e), true) => failures.push(format!("{p}\n  {e}")),
            (Err(_), false) => {}
        }
        if !in_valid {
            from_invalid += 1;
            if xsd_pattern_to_regex(p).is_err() {
                rejected_invalid += 1;
            }
        }
    }
    let must = patterns.values().filter(|v| **v).count();
    eprintln!(
        "{} XSD/WSDL files, {} distinct patterns: {} translate and compile; \
         {} of the {} patterns from valid schemas fail; {} of {} patterns that occur only \
         in schemas the W3C suite marks invalid are rejected",
        files.len(),
        patterns.len(),
        ok,
        failures.len(),
        must,
        rejected_invalid,
        from_invalid
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The W3C suite's regex instance tests: `<elem att='value'/>` or `<elem>value</elem>`
/// elements checked against
/// the schema's single pattern, with the manifest's expected verdict.
#[test]
fn w3c_regex_instances_agree() {
    let Some(root) = corpus_root() else {
        return;
    };
    let dir = root.join("w3c-xsdtests-open");
    let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.json")) else {
        return;
    };
    let inst = Regex::new(
        r#""href":\s*"(msData/regex/[^"]+)\.xml",\s*"name":\s*"[^"]*",\s*"expected":\s*"(\w+)""#,
    )
    .unwrap();
    let find = pattern_finder();
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for c in inst.captures_iter(&manifest) {
        let base = dir.join(&c[1]);
        let expected_valid = &c[2] == "valid";
        let (Ok(xsd), Ok(xml)) = (
            std::fs::read(base.with_extension("xsd")),
            std::fs::read(base.with_extension("xml")),
        ) else {
            continue;
        };
        let pats = patterns_in(&decode(xsd), &find);
        let [pattern] = pats.as_slice() else {
            continue;
        };
        let Ok(translated) = xsd_pattern_to_regex(pattern) else {
            disagreements.push(format!("{pattern}: not translated"));
            continue;
        };
        let re = Regex::new(&translated).unwrap();
        // Collect every `att` attribute with our own reader.
        let mut values = Vec::new();
        let mut r = tandvard_runtime::Reader::new(&xml).unwrap();
        let docel = r.root().unwrap();
        let mut next = r.first_child(&docel).unwrap();
        while let Some(e) = next {
            if let Some(v) = r.attr::<String>(&e, None, b"att").unwrap() {
                values.push(v);
                r.skip(e).unwrap();
            } else {
                values.push(r.text(e).unwrap().into_owned());
            }
            next = r.next_sibling().unwrap();
        }
        r.finish().unwrap();
        let all_match = values.iter().all(|v| re.is_match(v));
        checked += 1;
        if all_match != expected_valid {
            disagreements.push(format!(
                "{}: pattern {pattern:?} -> {translated}, values {values:?}, expected {}",
                &c[1], &c[2]
            ));
        }
    }
    eprintln!("{checked} W3C regex instance tests checked");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
