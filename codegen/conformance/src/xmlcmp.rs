//! Namespace-aware XML comparison of an original message and its rewritten form (adapted
//! from `tests/support/lib.rs::xml_equivalent`).
//!
//! Names are compared by namespace URI and local name (prefixes may differ); attributes as a
//! set (namespace declarations, `xsi:schemaLocation` and `xsi:noNamespaceSchemaLocation`
//! excluded: they are processing hints, not data; `xsi:type` is compared as a resolved QName);
//! children in order; whitespace-only text between elements is ignored. Text is compared
//! exactly, or else after XSD whitespace collapsing, which is reported as [`Equal::Collapsed`]
//! (a generated reader may normalize `xs:token`-like values).

use std::fmt::Write as _;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// How two documents are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Equal {
    /// Equal as written.
    Exact,
    /// Equal after collapsing whitespace in some text or attribute value.
    Collapsed,
    /// Equal as values, with some value written in another lexical form (`4E-289` as
    /// `4e-289`, `abcd` as `ABCD`, `1` as `true`, `+00:00` as `Z`, base64 line breaks).
    Canonical,
}

/// Whether two texts are the same value in different lexical forms (schema-unaware: numbers,
/// hex, booleans, base64, date/time zones and fractions, item by item for lists).
fn same_value(a: &str, b: &str) -> bool {
    let (ia, ib): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    if ia.len() != ib.len() {
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        return is_base64(a) && strip(a) == strip(b);
    }
    !ia.is_empty() && ia.iter().zip(&ib).all(|(x, y)| same_atom(x, y))
}

fn is_base64(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') || c.is_whitespace())
}

fn same_atom(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let bool_of = |s: &str| match s {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    };
    if let (Some(x), Some(y)) = (bool_of(a), bool_of(b)) {
        return x == y;
    }
    let num = |s: &str| -> Option<f64> {
        let t = s.trim_start_matches('+');
        if t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'))
            || matches!(t, "INF" | "-INF" | "NaN")
        {
            match t {
                "INF" => Some(f64::INFINITY),
                "-INF" => Some(f64::NEG_INFINITY),
                _ => t.parse().ok(),
            }
        } else {
            None
        }
    };
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return x == y
            || (x.is_nan() && y.is_nan())
            || ((x - y).abs() <= f64::EPSILON * x.abs().max(y.abs()) * 4.0);
    }
    if a.len() == b.len() && a.chars().all(|c| c.is_ascii_hexdigit()) && a.eq_ignore_ascii_case(b) {
        return true;
    }
    // Dates and times: `+00:00`/`-00:00` as `Z`, trailing fraction zeros.
    let norm = |s: &str| -> String {
        let mut t = s.replace("+00:00", "Z").replace("-00:00", "Z");
        if let Some(dot) = t.find('.') {
            let end = t[dot + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(t.len(), |e| dot + 1 + e);
            let frac = t[dot + 1..end].trim_end_matches('0').to_string();
            let tail = t[end..].to_string();
            t.truncate(dot);
            if !frac.is_empty() {
                t.push('.');
                t.push_str(&frac);
            }
            t.push_str(&tail);
        }
        t
    };
    let temporal = |s: &str| s.contains(':') || s.get(1..).is_some_and(|r| r.contains('-'));
    temporal(a) && temporal(b) && norm(a) == norm(b)
}

/// Compares two elements; returns the first difference with its element path.
pub fn compare(a: roxmltree::Node<'_, '_>, b: roxmltree::Node<'_, '_>) -> Result<Equal, String> {
    let mut eq = Equal::Exact;
    compare_nodes(a, b, String::new(), &mut eq)?;
    Ok(eq)
}

fn qname(n: &roxmltree::Node<'_, '_>) -> String {
    match n.tag_name().namespace().filter(|ns| !ns.is_empty()) {
        Some(ns) => format!("{{{ns}}}{}", n.tag_name().name()),
        None => n.tag_name().name().to_string(),
    }
}

fn collapse(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn attrs(n: &roxmltree::Node<'_, '_>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = n
        .attributes()
        .filter(|a| {
            !(a.namespace() == Some(XSI)
                && matches!(a.name(), "schemaLocation" | "noNamespaceSchemaLocation"))
        })
        .map(|a| {
            let name = match a.namespace().filter(|ns| !ns.is_empty()) {
                Some(ns) => format!("{{{ns}}}{}", a.name()),
                None => a.name().to_string(),
            };
            let value = if a.namespace() == Some(XSI) && a.name() == "type" {
                let v = a.value().trim();
                let (prefix, local) = match v.split_once(':') {
                    Some((p, l)) => (Some(p), l),
                    None => (None, v),
                };
                match n.lookup_namespace_uri(prefix) {
                    Some(ns) => format!("{{{ns}}}{local}"),
                    None => v.to_string(),
                }
            } else {
                a.value().to_string()
            };
            (name, value)
        })
        .collect();
    v.sort();
    v
}

fn compare_nodes(
    a: roxmltree::Node<'_, '_>,
    b: roxmltree::Node<'_, '_>,
    path: String,
    eq: &mut Equal,
) -> Result<(), String> {
    let path = format!("{path}/{}", qname(&a));
    if qname(&a) != qname(&b) {
        return Err(format!(
            "{path}: element {} became {}",
            qname(&a),
            qname(&b)
        ));
    }
    let (aa, ab) = (attrs(&a), attrs(&b));
    if aa != ab {
        let collapsed = |v: &[(String, String)]| {
            v.iter()
                .map(|(k, x)| (k.clone(), collapse(x)))
                .collect::<Vec<_>>()
        };
        let values_equal = aa.len() == ab.len()
            && aa
                .iter()
                .zip(&ab)
                .all(|(x, y)| x.0 == y.0 && (x.1 == y.1 || same_value(&x.1, &y.1)));
        if collapsed(&aa) == collapsed(&ab) {
            *eq = (*eq).max(Equal::Collapsed);
        } else if values_equal {
            *eq = (*eq).max(Equal::Canonical);
        } else {
            let mut msg = format!("{path}: attributes differ:");
            for x in aa.iter().filter(|x| !ab.contains(x)) {
                let _ = write!(msg, " -{}={:?}", x.0, x.1);
            }
            for x in ab.iter().filter(|x| !aa.contains(x)) {
                let _ = write!(msg, " +{}={:?}", x.0, x.1);
            }
            return Err(msg);
        }
    }
    let text = |n: &roxmltree::Node<'_, '_>| -> String {
        n.children()
            .filter(|c| c.is_text())
            .map(|c| c.text().unwrap_or(""))
            .collect::<String>()
    };
    let (ta, tb) = (text(&a), text(&b));
    let has_children = a.children().any(|c| c.is_element());
    if ta != tb {
        if has_children && ta.trim().is_empty() && tb.trim().is_empty() {
            // Indentation only.
        } else if collapse(&ta) == collapse(&tb) {
            *eq = (*eq).max(Equal::Collapsed);
        } else if same_value(&ta, &tb) {
            *eq = (*eq).max(Equal::Canonical);
        } else {
            return Err(format!(
                "{path}: text {:?} became {:?}",
                shorten(&ta),
                shorten(&tb)
            ));
        }
    }
    let ca: Vec<_> = a.children().filter(|c| c.is_element()).collect();
    let cb: Vec<_> = b.children().filter(|c| c.is_element()).collect();
    if ca.len() != cb.len() {
        let names = |v: &[roxmltree::Node<'_, '_>]| {
            let mut s: Vec<String> = v.iter().take(8).map(qname).collect();
            if v.len() > 8 {
                s.push("...".into());
            }
            s.join(", ")
        };
        return Err(format!(
            "{path}: {} child elements became {} ([{}] vs [{}])",
            ca.len(),
            cb.len(),
            names(&ca),
            names(&cb)
        ));
    }
    for (x, y) in ca.into_iter().zip(cb) {
        compare_nodes(x, y, path.clone(), eq)?;
    }
    Ok(())
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(80).collect::<String>())
    } else {
        s.to_string()
    }
}
