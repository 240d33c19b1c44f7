//! Rendering a [`DiffReport`]: Markdown for the meeting agenda, a self-contained HTML page,
//! and JSON for machines. Markdown and HTML come from the minijinja templates in
//! `templates/diff/`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::kinds::Severity;
use super::{Change, DiffReport, InterfaceSummary, Summary};

const MD_TEMPLATE: &str = include_str!("../../templates/diff/report.md.j2");
const HTML_TEMPLATE: &str = include_str!("../../templates/diff/report.html.j2");

#[derive(Debug, Serialize)]
struct View<'a> {
    title: &'a str,
    generator: &'static str,
    summary: Summary,
    suggested_bump: &'static str,
    total: usize,
    interfaces: &'a [InterfaceSummary],
    breaking: Vec<ChangeView>,
    warnings: Vec<ChangeView>,
    info: Vec<ChangeView>,
    accepted: Vec<ChangeView>,
    stale: &'a [String],
    namespaces: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
struct ChangeView {
    id: String,
    severity: &'static str,
    kind: &'static str,
    interfaces: String,
    operations: String,
    direction: String,
    path: String,
    locations: Vec<String>,
    old_text: Option<String>,
    old_source: Option<String>,
    new_text: Option<String>,
    new_source: Option<String>,
    message: String,
    rust_change: String,
    rust_item: String,
    rust_detail: String,
    bump: &'static str,
    accepted_date: Option<String>,
    accepted_reason: Option<String>,
}

/// Replaces `{uri}local` with `prefix:local` for the namespaces the report knows.
fn display(s: &str, prefixes: &BTreeMap<&str, &str>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let uri = &after[..j];
                match prefixes.get(uri) {
                    Some(p) => {
                        out.push_str(p);
                        out.push(':');
                    }
                    None => {
                        out.push('{');
                        out.push_str(uri);
                        out.push('}');
                    }
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn view_change(c: &Change, prefixes: &BTreeMap<&str, &str>) -> ChangeView {
    let d = |s: &str| display(s, prefixes);
    ChangeView {
        id: c.id.clone(),
        severity: c.severity.as_str(),
        kind: c.kind.as_str(),
        interfaces: c.interfaces.join(", "),
        operations: c.operations.join(", "),
        direction: c.direction.label(),
        path: d(&c.path),
        locations: c.locations.iter().map(|l| d(l)).collect(),
        old_text: c.old.as_ref().map(|s| s.text.clone()),
        old_source: c.old.as_ref().and_then(|s| s.source.clone()),
        new_text: c.new.as_ref().map(|s| s.text.clone()),
        new_source: c.new.as_ref().and_then(|s| s.source.clone()),
        message: c.message.clone(),
        rust_change: format!("{:?}", c.rust_impact.change).to_lowercase(),
        rust_item: c.rust_impact.item.clone(),
        rust_detail: c.rust_impact.detail.clone(),
        bump: c.rust_impact.bump.as_str(),
        accepted_date: c.accepted.as_ref().map(|a| a.date.clone()),
        accepted_reason: c.accepted.as_ref().map(|a| a.reason.clone()),
    }
}

fn view<'a>(r: &'a DiffReport, title: &'a str) -> View<'a> {
    let prefixes: BTreeMap<&str, &str> = r
        .namespaces
        .iter()
        .map(|(p, u)| (u.as_str(), p.as_str()))
        .collect();
    let pick = |sev: Severity| -> Vec<ChangeView> {
        r.changes
            .iter()
            .filter(|c| c.accepted.is_none() && c.severity == sev)
            .map(|c| view_change(c, &prefixes))
            .collect()
    };
    View {
        title,
        generator: env!("CARGO_PKG_VERSION"),
        summary: r.summary,
        suggested_bump: r.suggested_bump.as_str(),
        total: r.changes.len(),
        interfaces: &r.interfaces,
        breaking: pick(Severity::Breaking),
        warnings: pick(Severity::Warning),
        info: pick(Severity::Info),
        accepted: r
            .changes
            .iter()
            .filter(|c| c.accepted.is_some())
            .map(|c| view_change(c, &prefixes))
            .collect(),
        stale: &r.stale_acceptances,
        namespaces: r
            .namespaces
            .iter()
            .map(|(p, u)| (p.clone(), u.clone()))
            .collect(),
    }
}

/// Escapes text for a Markdown table cell: no line breaks, pipes escaped.
fn md_cell(s: String) -> String {
    // `<` would start an HTML tag (`Option<Box<T>>`, documentation quoting markup).
    md_flat(s).replace('<', "&lt;")
}

/// One line, with `|` escaped (inside a table cell).
fn md_flat(s: String) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// Inline code for Markdown, with a fence longer than any backtick run inside.
fn md_code(s: String) -> String {
    let s = md_flat(s);
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 || s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

fn render(template: &str, name: &str, html: bool, r: &DiffReport, title: &str) -> String {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(move |_| {
        if html {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("cell", md_cell);
    env.add_filter("code", md_code);
    let result = env
        .add_template(name, template)
        .and_then(|_| env.get_template(name))
        .and_then(|t| t.render(view(r, title)));
    match result {
        Ok(s) => s,
        // The templates are compiled in and tested; still, never panic on a report.
        Err(e) => format!("error rendering the diff report ({name}): {e}\n"),
    }
}

/// The Markdown report: summary per interface, then breaking changes, warnings, info and
/// accepted changes, each with old and new side by side.
pub fn render_markdown(report: &DiffReport, title: &str) -> String {
    render(MD_TEMPLATE, "report.md", false, report, title)
}

/// A self-contained HTML page (inline CSS, no scripts or external assets) that prints well.
pub fn render_html(report: &DiffReport, title: &str) -> String {
    render(HTML_TEMPLATE, "report.html", true, report, title)
}

/// The JSON report: `{"summary":{…},"suggested_bump":…,"changes":[…],…}`, pretty-printed with
/// a trailing newline.
pub fn render_json(report: &DiffReport) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_prefixes() {
        let m: BTreeMap<&str, &str> = [("urn:a", "a")].into_iter().collect();
        assert_eq!(
            display("{urn:a}X/{urn:b}y#enum={z}", &m),
            "a:X/{urn:b}y#enum={z}"
        );
        assert_eq!(md_code("a`b".into()), "`` a`b ``");
        assert_eq!(md_cell("a|b\nc".into()), "a\\|b c");
        // No HTML tags out of Rust types; code spans stay literal.
        assert_eq!(
            md_cell("Option<T> → Option<Box<T>>".into()),
            "Option&lt;T> → Option&lt;Box&lt;T>>"
        );
        assert_eq!(md_code("Option<T>".into()), "`Option<T>`");
    }
}
