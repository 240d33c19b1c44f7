//! Value-space reasoning: built-in type containment, facet and wildcard comparisons.

use std::cmp::Ordering;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::model::{Builtin, Facets, NamespaceConstraint, ProcessContents, Wildcard};

/// How the set of valid values (or instances) moved from old to new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    /// The same.
    Same,
    /// New accepts everything old did, and more: L(old) ⊂ L(new).
    Widened,
    /// New accepts a subset: L(new) ⊂ L(old).
    Narrowed,
    /// Neither contains the other (or we cannot tell).
    Changed,
}

impl Rel {
    /// Combines two independent movements of the same value set.
    pub(crate) fn and(self, other: Rel) -> Rel {
        match (self, other) {
            (Rel::Same, x) | (x, Rel::Same) => x,
            (a, b) if a == b => a,
            _ => Rel::Changed,
        }
    }
}

/// The built-in a built-in is derived from (by restriction or, for `string`, lexically: every
/// atomic lexical form is a valid `xs:string`).
fn parent(b: Builtin) -> Option<Builtin> {
    use Builtin as B;
    Some(match b {
        B::AnyType => return None,
        B::AnySimpleType => B::AnyType,
        B::String => B::AnySimpleType,
        B::NormalizedString => B::String,
        B::Token => B::NormalizedString,
        B::Language | B::Name | B::NmToken => B::Token,
        B::NcName => B::Name,
        B::Id | B::IdRef | B::Entity => B::NcName,
        B::Integer => B::Decimal,
        B::NonPositiveInteger | B::Long | B::NonNegativeInteger => B::Integer,
        B::NegativeInteger => B::NonPositiveInteger,
        B::Int => B::Long,
        B::Short => B::Int,
        B::Byte => B::Short,
        B::UnsignedLong | B::PositiveInteger => B::NonNegativeInteger,
        B::UnsignedInt => B::UnsignedLong,
        B::UnsignedShort => B::UnsignedInt,
        B::UnsignedByte => B::UnsignedShort,
        B::Float => B::Double,
        // Everything else is lexically a string.
        _ => B::String,
    })
}

fn is_ancestor(anc: Builtin, mut b: Builtin) -> bool {
    for _ in 0..16 {
        if b == anc {
            return true;
        }
        match parent(b) {
            Some(p) => b = p,
            None => return false,
        }
    }
    false
}

/// How the lexical space moved from `old` to `new`.
pub(crate) fn builtin_rel(old: Builtin, new: Builtin) -> Rel {
    if old == new {
        Rel::Same
    } else if is_ancestor(new, old) {
        Rel::Widened
    } else if is_ancestor(old, new) {
        Rel::Narrowed
    } else {
        Rel::Changed
    }
}

/// One facet's movement, with its old and new text.
#[derive(Debug, Clone)]
pub(crate) struct FacetChange {
    pub name: &'static str,
    pub rel: Rel,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A bound: value and whether it is inclusive.
#[derive(Debug, Clone)]
struct Bound {
    value: String,
    inclusive: bool,
}

fn cmp_values(a: &str, b: &str) -> Option<Ordering> {
    if let (Ok(x), Ok(y)) = (Decimal::from_str(a.trim()), Decimal::from_str(b.trim())) {
        return Some(x.cmp(&y));
    }
    if let (Ok(x), Ok(y)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        return x.partial_cmp(&y);
    }
    // Dates and times of the same shape compare lexically.
    let shape = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect::<String>()
    };
    if shape(a) == shape(b) {
        return Some(a.cmp(b));
    }
    None
}

/// Compares lower bounds: `Widened` when new admits more below.
fn lower_rel(old: Option<&Bound>, new: Option<&Bound>) -> Rel {
    match (old, new) {
        (None, None) => Rel::Same,
        (None, Some(_)) => Rel::Narrowed,
        (Some(_), None) => Rel::Widened,
        (Some(o), Some(n)) => match cmp_values(&o.value, &n.value) {
            Some(Ordering::Less) => Rel::Narrowed,
            Some(Ordering::Greater) => Rel::Widened,
            Some(Ordering::Equal) => match (o.inclusive, n.inclusive) {
                (true, false) => Rel::Narrowed,
                (false, true) => Rel::Widened,
                _ => Rel::Same,
            },
            None => {
                if o.value == n.value && o.inclusive == n.inclusive {
                    Rel::Same
                } else {
                    Rel::Changed
                }
            }
        },
    }
}

fn upper_rel(old: Option<&Bound>, new: Option<&Bound>) -> Rel {
    match (old, new) {
        (None, None) => Rel::Same,
        (None, Some(_)) => Rel::Narrowed,
        (Some(_), None) => Rel::Widened,
        (Some(o), Some(n)) => match cmp_values(&o.value, &n.value) {
            Some(Ordering::Less) => Rel::Widened,
            Some(Ordering::Greater) => Rel::Narrowed,
            Some(Ordering::Equal) => match (o.inclusive, n.inclusive) {
                (true, false) => Rel::Narrowed,
                (false, true) => Rel::Widened,
                _ => Rel::Same,
            },
            None => {
                if o.value == n.value && o.inclusive == n.inclusive {
                    Rel::Same
                } else {
                    Rel::Changed
                }
            }
        },
    }
}

fn lower(f: &Facets) -> Option<Bound> {
    f.min_inclusive
        .as_ref()
        .map(|v| Bound {
            value: v.clone(),
            inclusive: true,
        })
        .or_else(|| {
            f.min_exclusive.as_ref().map(|v| Bound {
                value: v.clone(),
                inclusive: false,
            })
        })
}

fn upper(f: &Facets) -> Option<Bound> {
    f.max_inclusive
        .as_ref()
        .map(|v| Bound {
            value: v.clone(),
            inclusive: true,
        })
        .or_else(|| {
            f.max_exclusive.as_ref().map(|v| Bound {
                value: v.clone(),
                inclusive: false,
            })
        })
}

fn bound_text(b: Option<&Bound>, lower: bool) -> Option<String> {
    b.map(|b| {
        let name = match (lower, b.inclusive) {
            (true, true) => "minInclusive",
            (true, false) => "minExclusive",
            (false, true) => "maxInclusive",
            (false, false) => "maxExclusive",
        };
        format!("{name}={}", b.value)
    })
}

/// A larger value admits more (`maxLength`, `totalDigits`, `fractionDigits`).
fn max_like(name: &'static str, old: Option<u64>, new: Option<u64>, out: &mut Vec<FacetChange>) {
    let rel = match (old, new) {
        (a, b) if a == b => return,
        (None, Some(_)) => Rel::Narrowed,
        (Some(_), None) => Rel::Widened,
        (Some(a), Some(b)) if b > a => Rel::Widened,
        _ => Rel::Narrowed,
    };
    out.push(FacetChange {
        name,
        rel,
        old: old.map(|v| format!("{name}={v}")),
        new: new.map(|v| format!("{name}={v}")),
    });
}

/// A larger value admits less (`minLength`).
fn min_like(name: &'static str, old: Option<u64>, new: Option<u64>, out: &mut Vec<FacetChange>) {
    let (o, n) = (old.unwrap_or(0), new.unwrap_or(0));
    if old == new {
        return;
    }
    let rel = match n.cmp(&o) {
        Ordering::Greater => Rel::Narrowed,
        Ordering::Less => Rel::Widened,
        Ordering::Equal => return,
    };
    out.push(FacetChange {
        name,
        rel,
        old: old.map(|v| format!("{name}={v}")),
        new: new.map(|v| format!("{name}={v}")),
    });
}

/// Every facet that differs, with how it moved.
pub(crate) fn facet_changes(old: &Facets, new: &Facets) -> Vec<FacetChange> {
    let mut out = Vec::new();
    if old.length != new.length {
        let rel = match (old.length, new.length) {
            (None, Some(_)) => Rel::Narrowed,
            (Some(_), None) => Rel::Widened,
            _ => Rel::Changed,
        };
        out.push(FacetChange {
            name: "length",
            rel,
            old: old.length.map(|v| format!("length={v}")),
            new: new.length.map(|v| format!("length={v}")),
        });
    }
    min_like("minLength", old.min_length, new.min_length, &mut out);
    max_like("maxLength", old.max_length, new.max_length, &mut out);
    if old.patterns != new.patterns {
        let rel = if old.patterns.is_empty() {
            Rel::Narrowed
        } else if new.patterns.is_empty() {
            Rel::Widened
        } else {
            Rel::Changed
        };
        let text = |p: &[String]| {
            if p.is_empty() {
                None
            } else {
                Some(format!("pattern={}", p.join(" | ")))
            }
        };
        out.push(FacetChange {
            name: "pattern",
            rel,
            old: text(&old.patterns),
            new: text(&new.patterns),
        });
    }
    let (ol, nl) = (lower(old), lower(new));
    let rel = lower_rel(ol.as_ref(), nl.as_ref());
    if rel != Rel::Same {
        out.push(FacetChange {
            name: "minInclusive",
            rel,
            old: bound_text(ol.as_ref(), true),
            new: bound_text(nl.as_ref(), true),
        });
    }
    let (ou, nu) = (upper(old), upper(new));
    let rel = upper_rel(ou.as_ref(), nu.as_ref());
    if rel != Rel::Same {
        out.push(FacetChange {
            name: "maxInclusive",
            rel,
            old: bound_text(ou.as_ref(), false),
            new: bound_text(nu.as_ref(), false),
        });
    }
    max_like(
        "totalDigits",
        old.total_digits.map(u64::from),
        new.total_digits.map(u64::from),
        &mut out,
    );
    max_like(
        "fractionDigits",
        old.fraction_digits.map(u64::from),
        new.fraction_digits.map(u64::from),
        &mut out,
    );
    if old.white_space != new.white_space {
        out.push(FacetChange {
            name: "whiteSpace",
            rel: Rel::Changed,
            old: old.white_space.as_ref().map(|v| format!("whiteSpace={v}")),
            new: new.white_space.as_ref().map(|v| format!("whiteSpace={v}")),
        });
    }
    out
}

/// Does a wildcard admit an element (or attribute) in namespace `ns`? Only lax and skip
/// wildcards count: strict ones need a declaration the old reader does not have.
pub(crate) fn wildcard_admits(w: &Wildcard, ns: Option<&str>) -> bool {
    if w.process_contents == ProcessContents::Strict {
        return false;
    }
    namespace_admits(&w.namespace, ns)
}

fn namespace_admits(c: &NamespaceConstraint, ns: Option<&str>) -> bool {
    match c {
        NamespaceConstraint::Any => true,
        NamespaceConstraint::Other(tns) => ns.is_some() && ns != tns.as_deref(),
        NamespaceConstraint::List(list) => list.iter().any(|n| n.as_deref() == ns),
    }
}

/// How a namespace constraint moved.
fn namespace_rel(old: &NamespaceConstraint, new: &NamespaceConstraint) -> Rel {
    use NamespaceConstraint as N;
    if old == new {
        return Rel::Same;
    }
    match (old, new) {
        (_, N::Any) => Rel::Widened,
        (N::Any, _) => Rel::Narrowed,
        (N::List(a), N::List(b)) => {
            let sub =
                |x: &Vec<Option<String>>, y: &Vec<Option<String>>| x.iter().all(|n| y.contains(n));
            match (sub(a, b), sub(b, a)) {
                (true, false) => Rel::Widened,
                (false, true) => Rel::Narrowed,
                (true, true) => Rel::Same,
                _ => Rel::Changed,
            }
        }
        (N::List(a), N::Other(t)) => {
            if a.iter()
                .all(|n| namespace_admits(&N::Other(t.clone()), n.as_deref()))
            {
                Rel::Widened
            } else {
                Rel::Changed
            }
        }
        (N::Other(t), N::List(b)) => {
            if b.iter()
                .all(|n| namespace_admits(&N::Other(t.clone()), n.as_deref()))
            {
                Rel::Narrowed
            } else {
                Rel::Changed
            }
        }
        _ => Rel::Changed,
    }
}

fn process_rank(p: ProcessContents) -> u8 {
    match p {
        ProcessContents::Strict => 0,
        ProcessContents::Lax => 1,
        ProcessContents::Skip => 2,
    }
}

/// How a wildcard moved (namespaces, processContents, occurrences).
pub(crate) fn wildcard_rel(old: &Wildcard, new: &Wildcard) -> Rel {
    let ns = namespace_rel(&old.namespace, &new.namespace);
    let pc = match process_rank(new.process_contents).cmp(&process_rank(old.process_contents)) {
        Ordering::Greater => Rel::Widened,
        Ordering::Less => Rel::Narrowed,
        Ordering::Equal => Rel::Same,
    };
    let occ = occurs_rel(
        old.min_occurs,
        old.max_occurs,
        new.min_occurs,
        new.max_occurs,
    );
    ns.and(pc).and(occ)
}

/// How an occurrence range moved.
pub(crate) fn occurs_rel(
    old_min: u64,
    old_max: Option<u64>,
    new_min: u64,
    new_max: Option<u64>,
) -> Rel {
    let min = match new_min.cmp(&old_min) {
        Ordering::Less => Rel::Widened,
        Ordering::Greater => Rel::Narrowed,
        Ordering::Equal => Rel::Same,
    };
    let max = match (old_max, new_max) {
        (a, b) if a == b => Rel::Same,
        (Some(_), None) => Rel::Widened,
        (None, Some(_)) => Rel::Narrowed,
        (Some(a), Some(b)) if b > a => Rel::Widened,
        _ => Rel::Narrowed,
    };
    min.and(max)
}

/// `ns` text for a wildcard: `##any`, `##other`, or the list.
pub(crate) fn wildcard_text(w: &Wildcard) -> String {
    let ns = match &w.namespace {
        NamespaceConstraint::Any => "##any".to_string(),
        NamespaceConstraint::Other(_) => "##other".to_string(),
        NamespaceConstraint::List(l) => l
            .iter()
            .map(|n| n.clone().unwrap_or_else(|| "##local".into()))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let pc = match w.process_contents {
        ProcessContents::Strict => "strict",
        ProcessContents::Lax => "lax",
        ProcessContents::Skip => "skip",
    };
    format!(
        "namespace={ns} processContents={pc} occurs={}",
        occurs_text(w.min_occurs, w.max_occurs)
    )
}

/// `[min..max]`, with `*` for unbounded.
pub(crate) fn occurs_text(min: u64, max: Option<u64>) -> String {
    match max {
        Some(m) => format!("[{min}..{m}]"),
        None => format!("[{min}..*]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins() {
        assert_eq!(builtin_rel(Builtin::Int, Builtin::Long), Rel::Widened);
        assert_eq!(builtin_rel(Builtin::String, Builtin::Token), Rel::Narrowed);
        assert_eq!(builtin_rel(Builtin::Date, Builtin::String), Rel::Widened);
        assert_eq!(builtin_rel(Builtin::Date, Builtin::DateTime), Rel::Changed);
        assert_eq!(
            builtin_rel(Builtin::Decimal, Builtin::Integer),
            Rel::Narrowed
        );
    }

    #[test]
    fn facets() {
        let old = Facets {
            max_length: Some(35),
            ..Default::default()
        };
        let new = Facets {
            max_length: Some(50),
            ..Default::default()
        };
        let c = facet_changes(&old, &new);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].rel, Rel::Widened);
        let old = Facets {
            min_inclusive: Some("0".into()),
            ..Default::default()
        };
        let new = Facets {
            min_exclusive: Some("0".into()),
            ..Default::default()
        };
        assert_eq!(facet_changes(&old, &new)[0].rel, Rel::Narrowed);
        let old = Facets {
            max_inclusive: Some("2025-12-31".into()),
            ..Default::default()
        };
        let new = Facets {
            max_inclusive: Some("2026-12-31".into()),
            ..Default::default()
        };
        assert_eq!(facet_changes(&old, &new)[0].rel, Rel::Widened);
    }
}
