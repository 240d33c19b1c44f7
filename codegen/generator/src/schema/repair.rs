//! Text-level repairs of schema documents before xsd-parser reads them, for defects real
//! schemas have and mainstream tools accept. Every repair keeps line numbers (so errors and
//! the source index still point at the original lines) and is reported as a warning.
//!
//! - [`expand_internal_dtd`]: a DOCTYPE with an internal subset (the W3C `xmldsig-core-schema`
//!   copy in UBL and FatturaPA): internal general entities are expanded (bounded), the DOCTYPE
//!   is removed; nothing external is fetched.
//! - [`drop_imports`] and [`stub_references`]: an `xs:import` of a remote schema that no
//!   catalog maps is dropped (Xerces treats `schemaLocation` as a hint), and references into
//!   that namespace become wildcards (`xs:any` for an element, `xs:anyType` /
//!   `xs:anySimpleType` for a type).
//! - [`add_imports`]: a document that refers to a namespace it does not import, when another
//!   loaded document defines that namespace (sibling inline schemas in a WSDL, schemas that
//!   rely on an import made elsewhere), gets the missing `xs:import`.

use std::collections::{BTreeMap, BTreeSet};

use super::XS_NS;

/// Largest text a DOCTYPE's entities may expand a document to.
const MAX_EXPANDED: usize = 16 * 1024 * 1024;
/// Deepest nesting of entity references inside entity values.
const MAX_ENTITY_DEPTH: usize = 8;

/// Replaces `text[start..end]` by `with`, padded with the newlines the range held so the
/// following lines keep their numbers.
fn splice(out: &mut String, text: &str, start: usize, end: usize, with: &str) {
    out.push_str(with);
    let lines = text[start..end]
        .matches('\n')
        .count()
        .saturating_sub(with.matches('\n').count());
    for _ in 0..lines {
        out.push('\n');
    }
}

/// The byte range of the DOCTYPE declaration, if the document has one.
fn doctype_range(text: &str) -> Option<(usize, usize)> {
    let start = text.find("<!DOCTYPE")?;
    let bytes = text.as_bytes();
    let mut i = start + 9;
    let mut quote: Option<u8> = None;
    let mut in_subset = false;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'[' => in_subset = true,
                b']' => in_subset = false,
                b'<' if in_subset && text[i..].starts_with("<!--") => {
                    i = text[i..].find("-->").map(|e| i + e + 2)?;
                }
                b'>' if !in_subset => return Some((start, i + 1)),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// General entities declared in an internal subset: name → replacement text. External and
/// parameter entities are skipped.
fn entities(subset: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = subset;
    while let Some(i) = rest.find("<!ENTITY") {
        rest = &rest[i + 8..];
        let decl_end = rest.find('>').unwrap_or(rest.len());
        let decl = rest[..decl_end].trim_start();
        rest = &rest[decl_end.min(rest.len())..];
        if decl.starts_with('%') {
            continue;
        }
        let name: String = decl.chars().take_while(|c| !c.is_whitespace()).collect();
        let after = decl[name.len()..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue; // SYSTEM / PUBLIC: external, not expanded
        };
        if let Some(end) = after[1..].find(q) {
            out.insert(name, after[1..1 + end].to_string());
        }
    }
    out
}

/// Expands `&name;` references to internal entities (recursively, bounded).
fn expand(text: &str, ents: &BTreeMap<String, String>, depth: usize) -> Result<String, String> {
    if depth > MAX_ENTITY_DEPTH {
        return Err("entity references nest too deeply".into());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|e| *e < 64);
        let name = end.map(|e| &rest[1..e]);
        match name.and_then(|n| ents.get(n).map(|v| (n, v))) {
            Some((n, v)) => {
                out.push_str(&expand(v, ents, depth + 1)?);
                rest = &rest[n.len() + 2..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
        if out.len() > MAX_EXPANDED {
            return Err(format!("entity expansion exceeds {MAX_EXPANDED} bytes"));
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Removes a DOCTYPE and expands its internal general entities. Returns `None` when the
/// document has no DOCTYPE.
pub fn expand_internal_dtd(text: &str) -> Result<Option<String>, String> {
    let Some((start, end)) = doctype_range(text) else {
        return Ok(None);
    };
    let decl = &text[start..end];
    let subset = match (decl.find('['), decl.rfind(']')) {
        (Some(a), Some(b)) if a < b => &decl[a + 1..b],
        _ => "",
    };
    let ents = entities(subset);
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    splice(&mut out, text, start, end, "");
    out.push_str(&expand(&text[end..], &ents, 0)?);
    Ok(Some(out))
}

/// The prefix the document uses for the XSD namespace on its root element (`xs`, `xsd`,
/// or `""` for a default namespace).
fn xs_prefix(doc: &roxmltree::Document<'_>, text: &str) -> String {
    let root = doc.root_element();
    let tag = &text[root.range().start + 1..];
    let name: String = tag
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    match name.split_once(':') {
        Some((p, _)) => p.to_string(),
        None => String::new(),
    }
}

fn qualify(prefix: &str, local: &str) -> String {
    if prefix.is_empty() {
        local.to_string()
    } else {
        format!("{prefix}:{local}")
    }
}

fn is_xs(node: &roxmltree::Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().namespace() == Some(XS_NS)
        && node.tag_name().name() == name
}

/// Removes the `xs:import`s of `namespaces` (whole elements, lines kept).
pub fn drop_imports(text: &str, namespaces: &BTreeSet<String>) -> Result<String, String> {
    let doc = parse(text)?;
    let mut ranges: Vec<(usize, usize)> = doc
        .root_element()
        .children()
        .filter(|n| is_xs(n, "import"))
        .filter(|n| {
            n.attribute("namespace")
                .is_some_and(|ns| namespaces.contains(ns))
        })
        .map(|n| (n.range().start, n.range().end))
        .collect();
    ranges.sort_unstable();
    Ok(replace_ranges(
        text,
        &ranges
            .into_iter()
            .map(|(a, b)| (a, b, String::new()))
            .collect::<Vec<_>>(),
    ))
}

fn replace_ranges(text: &str, edits: &[(usize, usize, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (a, b, with) in edits {
        if *a < at {
            continue;
        }
        out.push_str(&text[at..*a]);
        splice(&mut out, text, *a, *b, with);
        at = *b;
    }
    out.push_str(&text[at..]);
    out
}

fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .map_err(|e| e.to_string())
}

/// Replaces references into `missing` namespaces: `xs:element ref=` by a lax `xs:any` of
/// that namespace (with the same occurrence bounds), `type=` by `xs:anyType` on elements and
/// `xs:anySimpleType` on attributes. Returns the new text and a description of each change.
pub fn stub_references(
    text: &str,
    missing: &BTreeSet<String>,
) -> Result<(String, Vec<String>), String> {
    let doc = parse(text)?;
    let xs = xs_prefix(&doc, text);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut notes = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        if node.tag_name().namespace() != Some(XS_NS) {
            continue;
        }
        let resolve = |v: &str| {
            let (p, l) = match v.trim().split_once(':') {
                Some((p, l)) => (Some(p), l),
                None => (None, v.trim()),
            };
            node.lookup_namespace_uri(p)
                .map(|ns| (ns.to_string(), l.to_string()))
        };
        let line = doc.text_pos_at(node.range().start).row;
        let kind = node.tag_name().name();
        if kind == "element" {
            if let Some((ns, l)) = node.attribute("ref").and_then(resolve) {
                if missing.contains(&ns) {
                    let mut attrs = format!(" namespace=\"{ns}\" processContents=\"lax\"");
                    for occ in ["minOccurs", "maxOccurs"] {
                        if let Some(v) = node.attribute(occ) {
                            attrs.push_str(&format!(" {occ}=\"{v}\""));
                        }
                    }
                    edits.push((
                        node.range().start,
                        node.range().end,
                        format!("<{}{attrs}/>", qualify(&xs, "any")),
                    ));
                    notes.push(format!(
                        "line {line}: element ref {{{ns}}}{l} became a lax wildcard"
                    ));
                    continue;
                }
            }
        }
        if matches!(kind, "element" | "attribute") {
            if let Some((ns, l)) = node.attribute("type").and_then(resolve) {
                if missing.contains(&ns) {
                    // Rewrite the start tag's type attribute in place.
                    let start = node.range().start;
                    let tag_end = text[start..].find('>').map_or(start, |e| start + e);
                    let tag = &text[start..tag_end];
                    let any = if kind == "element" {
                        "anyType"
                    } else {
                        "anySimpleType"
                    };
                    if let Some(pos) = find_attr(tag, "type") {
                        let (a, b) = pos;
                        edits.push((
                            start + a,
                            start + b,
                            format!("type=\"{}\"", qualify(&xs, any)),
                        ));
                        notes.push(format!("line {line}: type {{{ns}}}{l} became xs:{any}"));
                    }
                }
            }
        }
    }
    edits.sort_by_key(|e| e.0);
    Ok((replace_ranges(text, &edits), notes))
}

/// The byte range of `name="..."` (or single-quoted) inside a start tag.
fn find_attr(tag: &str, name: &str) -> Option<(usize, usize)> {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        let before_ok = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let rest = tag[at + name.len()..].trim_start();
        if before_ok && rest.starts_with('=') {
            let eq = tag.len() - rest.len();
            let val = tag[eq + 1..].trim_start();
            let q = val.chars().next()?;
            let vstart = tag.len() - val.len();
            let vend = tag[vstart + 1..].find(q)? + vstart + 2;
            return Some((at, vend));
        }
        from = at + name.len();
    }
    None
}

/// The namespaces a document refers to through QName-valued attributes (`type`, `base`,
/// `ref`, `itemType`, `memberTypes`, `substitutionGroup`), and those it imports.
pub fn referenced_namespaces(text: &str) -> Result<(BTreeSet<String>, BTreeSet<String>), String> {
    let doc = parse(text)?;
    let mut refs = BTreeSet::new();
    let mut imported = BTreeSet::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        if node.tag_name().namespace() != Some(XS_NS) {
            continue;
        }
        if node.tag_name().name() == "import" {
            if let Some(ns) = node.attribute("namespace") {
                imported.insert(ns.to_string());
            }
        }
        for attr in [
            "type",
            "base",
            "ref",
            "itemType",
            "memberTypes",
            "substitutionGroup",
        ] {
            let Some(v) = node.attribute(attr) else {
                continue;
            };
            for q in v.split_whitespace() {
                let prefix = q.split_once(':').map(|(p, _)| p);
                if prefix == Some("xml") {
                    refs.insert("http://www.w3.org/XML/1998/namespace".to_string());
                } else if let Some(ns) = node.lookup_namespace_uri(prefix) {
                    refs.insert(ns.to_string());
                }
            }
        }
    }
    Ok((refs, imported))
}

/// Inserts `xs:import`s (namespace → location) right after the root start tag, on its line.
pub fn add_imports(text: &str, imports: &[(String, String)]) -> Result<String, String> {
    if imports.is_empty() {
        return Ok(text.to_string());
    }
    let doc = parse(text)?;
    let xs = xs_prefix(&doc, text);
    let root = doc.root_element();
    let start = root.range().start;
    // End of the root start tag (outside quotes).
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut end = None;
    for (i, &c) in bytes.iter().enumerate().skip(start) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => {
                end = Some(i + 1);
                break;
            }
            None => {}
        }
    }
    let Some(end) = end else {
        return Ok(text.to_string());
    };
    if text[..end].ends_with("/>") {
        return Ok(text.to_string());
    }
    let mut ins = String::new();
    for (ns, loc) in imports {
        ins.push_str(&format!(
            "<{} namespace=\"{}\" schemaLocation=\"{}\"/>",
            qualify(&xs, "import"),
            escape(ns),
            escape(loc)
        ));
    }
    let mut out = String::with_capacity(text.len() + ins.len());
    out.push_str(&text[..end]);
    out.push_str(&ins);
    out.push_str(&text[end..]);
    Ok(out)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_entities_are_expanded_and_lines_kept() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE schema [\n <!ENTITY dsig 'http://example/ds#'>\n <!ENTITY % p ''>\n]>\n<schema a=\"&dsig;x\">&lt;</schema>\n";
        let out = expand_internal_dtd(text).unwrap().unwrap();
        assert!(out.contains("a=\"http://example/ds#x\""), "{out}");
        assert!(out.contains("&lt;"));
        assert!(!out.contains("DOCTYPE"));
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(expand_internal_dtd("<a/>").unwrap().is_none());
    }

    #[test]
    fn entity_expansion_is_bounded() {
        let mut subset = String::from("<!ENTITY a0 'xxxxxxxxxxxxxxxx'>");
        for i in 1..12 {
            subset.push_str(&format!(
                "<!ENTITY a{i} '&a{p};&a{p};&a{p};&a{p};'>",
                p = i - 1
            ));
        }
        let text = format!("<!DOCTYPE s [{subset}]><s>&a11;</s>");
        assert!(expand_internal_dtd(&text).is_err());
    }

    #[test]
    fn references_into_a_missing_namespace_become_wildcards() {
        let text = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:x=\"urn:x\">\n<xs:import namespace=\"urn:x\" schemaLocation=\"https://example/x\"/>\n<xs:complexType name=\"T\"><xs:sequence><xs:element ref=\"x:Inc\" minOccurs=\"0\"/><xs:element name=\"a\" type=\"x:T\"/></xs:sequence></xs:complexType>\n</xs:schema>";
        let missing: BTreeSet<String> = ["urn:x".to_string()].into();
        let dropped = drop_imports(text, &missing).unwrap();
        assert!(!dropped.contains("import"));
        let (out, notes) = stub_references(&dropped, &missing).unwrap();
        assert!(
            out.contains("<xs:any namespace=\"urn:x\" processContents=\"lax\" minOccurs=\"0\"/>"),
            "{out}"
        );
        assert!(out.contains("type=\"xs:anyType\""), "{out}");
        assert_eq!(notes.len(), 2);
        assert_eq!(out.lines().count(), text.lines().count());
    }

    #[test]
    fn missing_imports_are_added() {
        let text = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:id=\"urn:id\" targetNamespace=\"urn:a\">\n<xs:element name=\"c\" type=\"id:T\"/>\n</xs:schema>";
        let (refs, imported) = referenced_namespaces(text).unwrap();
        assert!(refs.contains("urn:id") && imported.is_empty());
        let out = add_imports(text, &[("urn:id".into(), "file:///x.xsd".into())]).unwrap();
        assert!(out.contains("<xs:import namespace=\"urn:id\" schemaLocation=\"file:///x.xsd\"/>"));
        assert_eq!(out.lines().count(), text.lines().count());
    }
}
