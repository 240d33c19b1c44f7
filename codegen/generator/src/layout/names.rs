//! Naming rules: Rust modules from namespaces, Rust identifiers from XML names.
//!
//! The rules are deterministic and documented in the README, because the diff report uses
//! them too (to tell what changes in the generated API):
//! - one module per namespace, named from the URI's last meaningful segment plus its major
//!   version (`urn:fk:tandvard:CheckPatientResponder:2` → `check_patient_responder_v2`),
//!   with more segments prepended when two namespaces would share a name;
//! - types `UpperCamelCase`, fields and modules `snake_case`, via heck; Rust keywords get a
//!   trailing underscore (`type_`), names starting with a digit get a leading letter;
//! - collisions inside one scope get a numeric suffix in declaration order.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (2015–2024 editions, strict and reserved).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Names our generated code or the prelude uses, which a type must not shadow.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Vec", "String", "Box", "Some", "None", "Ok", "Err", "Self", "Default",
    "Error",
];

/// A snake_case identifier that is a valid, non-keyword Rust identifier.
pub fn snake(name: &str) -> String {
    let cleaned = clean(name);
    let mut s = cleaned.to_snake_case();
    if s.is_empty() {
        s = "field".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// An UpperCamelCase identifier that is a valid Rust type name.
pub fn camel(name: &str) -> String {
    let cleaned = clean(name);
    let mut s = cleaned.to_upper_camel_case();
    if s.is_empty() {
        s = "Value".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if KEYWORDS.contains(&s.as_str()) || RESERVED_TYPES.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Transliterates Swedish and other Latin letters to ASCII and turns every other character
/// into a word separator, so heck produces a valid identifier.
fn clean(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            'å' | 'ä' | 'á' | 'à' | 'â' | 'ã' => out.push('a'),
            'Å' | 'Ä' | 'Á' | 'À' | 'Â' | 'Ã' => out.push('A'),
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => out.push('o'),
            'Ö' | 'Ø' | 'Ó' | 'Ò' | 'Ô' | 'Õ' => out.push('O'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'É' | 'È' | 'Ê' | 'Ë' => out.push('E'),
            'ü' | 'ú' | 'ù' | 'û' => out.push('u'),
            'Ü' | 'Ú' | 'Ù' | 'Û' => out.push('U'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            '+' => out.push_str(" plus "),
            '-' if out.is_empty() => out.push_str("minus "),
            _ => out.push(' '),
        }
    }
    out
}

/// Unique names within one scope: the first user of a name gets it, later ones a suffix.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where these names are already taken.
    pub fn with_reserved(names: &[&str]) -> Self {
        Self {
            taken: names.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`, ... when taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let base = wanted.trim_end_matches('_');
        let mut n = 2;
        loop {
            let candidate = format!("{base}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// Assigns one module name per namespace URI.
pub fn module_names(uris: &[String]) -> BTreeMap<String, String> {
    // Candidate segment lists, most specific last.
    let segs: BTreeMap<&str, (Vec<String>, Option<String>)> =
        uris.iter().map(|u| (u.as_str(), segments(u))).collect();
    let mut depth: BTreeMap<&str, usize> = uris.iter().map(|u| (u.as_str(), 1)).collect();
    for _ in 0..8 {
        let names: BTreeMap<&str, String> = segs
            .iter()
            .map(|(u, (s, v))| (*u, make_module_name(s, v.as_deref(), depth[u])))
            .collect();
        let mut count: BTreeMap<&String, usize> = BTreeMap::new();
        for n in names.values() {
            *count.entry(n).or_default() += 1;
        }
        let clashing: Vec<&str> = names
            .iter()
            .filter(|(_, n)| count[n] > 1)
            .map(|(u, _)| *u)
            .collect();
        if clashing.is_empty() {
            return names.into_iter().map(|(u, n)| (u.to_string(), n)).collect();
        }
        for u in clashing {
            *depth.get_mut(u).expect("present") += 1;
        }
    }
    // Still clashing after 8 rounds: fall back to numbered names.
    let mut scope = Scope::with_reserved(&["ns"]);
    segs.iter()
        .map(|(u, (s, v))| {
            let n = make_module_name(s, v.as_deref(), 8);
            (u.to_string(), scope.claim(&n))
        })
        .collect()
}

fn make_module_name(segments: &[String], version: Option<&str>, depth: usize) -> String {
    let take = depth.min(segments.len());
    let mut parts: Vec<String> = segments[segments.len() - take..].to_vec();
    if parts.is_empty() {
        parts.push("ns".to_string());
    }
    let mut name = snake(&parts.join("_"));
    if let Some(v) = version {
        name = format!(
            "{}_v{}",
            name.trim_end_matches('_'),
            v.replace(['.', '-'], "_")
        );
    }
    if KEYWORDS.contains(&name.as_str()) || name == "ns" {
        name.push('_');
    }
    name
}

/// Meaningful segments of a namespace URI and its version, if it ends in one.
fn segments(uri: &str) -> (Vec<String>, Option<String>) {
    let mut parts: Vec<&str> = uri
        .split([':', '/', '#', '?', '='])
        .filter(|s| !s.is_empty())
        .collect();
    if matches!(parts.first(), Some(&("urn" | "http" | "https"))) {
        parts.remove(0);
    }
    // Drop a host name (contains a dot and comes first after the scheme).
    if parts
        .first()
        .is_some_and(|p| p.contains('.') && uri.contains("://"))
    {
        parts.remove(0);
    }
    let mut version = None;
    while let Some(last) = parts.last() {
        let l = last.to_ascii_lowercase();
        let is_version = l.chars().all(|c| c.is_ascii_digit() || c == '.')
            || (l.starts_with('v')
                && l[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
                && l.len() > 1)
            || l.starts_with("rivtabp")
            || l == "wsdl"
            || l == "xsd"
            || l.ends_with(".xsd")
            || l.ends_with(".wsdl");
        if !is_version {
            break;
        }
        if version.is_none() && l.chars().any(|c| c.is_ascii_digit()) && !l.starts_with("rivtabp") {
            version = Some(l.trim_start_matches('v').to_string());
        }
        parts.pop();
    }
    (parts.into_iter().map(str::to_string).collect(), version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_from_namespaces() {
        let uris = vec![
            "urn:fk:tandvard:CheckPatientResponder:2".to_string(),
            "urn:fk:tandvard:common:1".to_string(),
            "urn:riv:clinicalprocess:healthcond:certificate:types:3".to_string(),
            "urn:riv:insuranceprocess:healthreporting:types:3".to_string(),
            "http://www.w3.org/2000/09/xmldsig#".to_string(),
        ];
        let m = module_names(&uris);
        assert_eq!(
            m["urn:fk:tandvard:CheckPatientResponder:2"],
            "check_patient_responder_v2"
        );
        assert_eq!(m["urn:fk:tandvard:common:1"], "common_v1");
        assert_eq!(
            m["urn:riv:clinicalprocess:healthcond:certificate:types:3"],
            "certificate_types_v3"
        );
        assert_eq!(
            m["urn:riv:insuranceprocess:healthreporting:types:3"],
            "healthreporting_types_v3"
        );
        assert_eq!(m["http://www.w3.org/2000/09/xmldsig#"], "xmldsig");
    }

    #[test]
    fn identifiers() {
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("patientPerson-id"), "patient_person_id");
        assert_eq!(camel("tillståndskod"), "Tillstandskod");
        assert_eq!(camel("01"), "V01");
        assert_eq!(camel("Option"), "Option_");
        assert_eq!(snake("Self"), "self_");
        let mut s = Scope::default();
        assert_eq!(s.claim("id"), "id");
        assert_eq!(s.claim("id"), "id2");
    }
}
