//! The comparison: operations by interface and name, elements and attributes by QName, named
//! types by the element that uses them; each change anchored where it is declared and
//! classified by the directions that reach its anchor.

mod anchors;
mod assemble;
mod attributes;
mod complex;
mod content;
mod namespaces;
mod operations;
mod rust_impact;
mod simple;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use self::assemble::summarize;
use self::content::Flat;
use super::kinds::{ChangeKind as K, Severity};
use super::lattice::{self, Rel};
use super::{
    Bump, Change, DiffReport, Directions, InterfaceSummary, RustChange, RustImpact, Side, Summary,
    change_id,
};
use crate::layout::names::{camel, snake};
use crate::layout::{Layout, LayoutNode, builtin_rust, occurrence_shape};
use crate::model::{
    Attribute, Builtin, ComplexType, Content, Contract, Element, ElementUse, Group, GroupKind,
    Interface, MessageShape, NamespaceConstraint, Operation, Particle, QName, SimpleType,
    SimpleVariety, Source, TypeDef, TypeKind, TypeUse, Wildcard,
};

/// Who reaches an anchor: (interface, operation) → directions.
type Reach = BTreeMap<(Option<String>, Option<String>), Directions>;

/// How deep anonymous types and nested groups may go before the comparison stops descending.
const MAX_DEPTH: usize = 64;
/// How many instance paths a change lists.
const MAX_LOCATIONS: usize = 3;

/// A change before it knows who reaches it.
#[derive(Debug, Clone)]
struct Raw {
    kind: K,
    /// Path relative to the anchor (or absolute, for operation-level changes).
    local: String,
    req: Severity,
    resp: Severity,
    old: Option<Side>,
    new: Option<Side>,
    message: String,
    rust: RustImpact,
}

/// Where changes are declared: a global element or a named type (old key, new key).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Anchor {
    Elem(String, String),
    Type(String, String),
}

#[derive(Debug, Default)]
struct Sink {
    raws: Vec<Raw>,
    /// Named things referenced from here: the anchor and the local path of the reference.
    children: Vec<(Anchor, String)>,
    /// Target namespace of the anchor's schema (old side mapped to new names), for `##other`
    /// wildcards whose model carries no target namespace.
    tns_old: Option<String>,
    tns_new: Option<String>,
    /// Content a complex type inherits by extension from a named base: compared (and
    /// reported) once, in the base type, not again in every derived type.
    inherited: Option<Inherited>,
}

/// Element keys and attribute names inherited from a base type (old side mapped).
#[derive(Debug, Clone, Default)]
struct Inherited {
    old_elems: BTreeSet<String>,
    new_elems: BTreeSet<String>,
    old_attrs: BTreeSet<String>,
    new_attrs: BTreeSet<String>,
}

#[derive(Debug)]
struct AnchorOut {
    base: String,
    raws: Vec<Raw>,
    children: Vec<(Anchor, String)>,
}

/// An operation message part that starts a walk.
#[derive(Debug, Clone)]
struct Root {
    iface: Option<String>,
    op: Option<String>,
    dirs: Directions,
    anchor: Anchor,
    /// Instance path of the anchor (`SubmitClaim/request/{ns}SubmitClaim`).
    instance: String,
}

/// An operation- or interface-level change (absolute path, fixed directions).
#[derive(Debug)]
struct Fixed {
    ifaces: Vec<String>,
    ops: Vec<String>,
    dirs: Directions,
    raw: Raw,
}

struct Engine<'a> {
    old: &'a Contract,
    new: &'a Contract,
    /// Old namespace → new namespace, for namespaces that were renamed.
    nsmap: BTreeMap<String, String>,
    /// The Rust layouts of the old and the new contract.
    on: Layout<'a>,
    nn: Layout<'a>,
    /// Namespace URI → display prefix.
    prefixes: BTreeMap<String, String>,
    anchors: BTreeMap<Anchor, AnchorOut>,
    roots: Vec<Root>,
    fixed: Vec<Fixed>,
}

pub(crate) fn diff(old: &Contract, new: &Contract) -> DiffReport {
    let mut e = Engine {
        old,
        new,
        nsmap: BTreeMap::new(),
        on: Layout::new(old),
        nn: Layout::new(new),
        prefixes: BTreeMap::new(),
        anchors: BTreeMap::new(),
        roots: Vec::new(),
        fixed: Vec::new(),
    };
    e.map_namespaces();
    e.plan_prefixes();
    e.interfaces();
    if old.interfaces.is_empty() && new.interfaces.is_empty() {
        e.schema_roots();
    }
    e.process();
    e.unreached();
    e.finish()
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn src(s: &Option<Source>) -> Option<String> {
    s.as_ref().map(|s| s.to_string())
}

fn side(text: impl Into<String>, source: &Option<Source>) -> Option<Side> {
    Some(Side {
        text: text.into(),
        source: src(source),
    })
}

/// Documentation texts equal up to whitespace (re-indentation is not a change).
fn doc_eq(a: Option<&str>, b: Option<&str>) -> bool {
    a.unwrap_or("")
        .split_whitespace()
        .eq(b.unwrap_or("").split_whitespace())
}

fn rel_sev(rel: Rel) -> (Severity, Severity) {
    match rel {
        Rel::Same => (Severity::Info, Severity::Info),
        Rel::Narrowed => (Severity::Breaking, Severity::Warning),
        Rel::Widened => (Severity::Warning, Severity::Breaking),
        Rel::Changed => (Severity::Breaking, Severity::Breaking),
    }
}

fn rel_word(rel: Rel) -> &'static str {
    match rel {
        Rel::Same => "unchanged",
        Rel::Narrowed => "narrowed",
        Rel::Widened => "widened",
        Rel::Changed => "changed",
    }
}

fn impact(
    change: RustChange,
    item: impl Into<String>,
    detail: impl Into<String>,
    bump: Bump,
) -> RustImpact {
    RustImpact {
        change,
        item: item.into(),
        detail: detail.into(),
        bump,
    }
}

fn docs_impact(item: &str) -> RustImpact {
    impact(RustChange::Docs, item, "doc comment changed", Bump::Patch)
}

fn raw(
    kind: K,
    local: impl Into<String>,
    old: Option<Side>,
    new: Option<Side>,
    message: String,
    rust: RustImpact,
) -> Raw {
    Raw {
        kind,
        local: local.into(),
        req: kind.request_severity(),
        resp: kind.response_severity(),
        old,
        new,
        message,
        rust,
    }
}

fn with_sev(mut r: Raw, req: Severity, resp: Severity) -> Raw {
    r.req = req;
    r.resp = resp;
    r
}

fn builtin_def(b: Builtin) -> TypeDef {
    TypeDef {
        name: None,
        doc: None,
        source: None,
        kind: TypeKind::Simple(SimpleType {
            variety: SimpleVariety::Atomic(b),
            base: None,
            facets: Default::default(),
            enumeration: Vec::new(),
        }),
    }
}

/// Strips sources and docs from a JSON value, for structural equality.
fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("source");
            m.remove("doc");
            for x in m.values_mut() {
                strip(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// The last segment of a namespace, without a version: `urn:a:b:Foo:2` → `urn:a:b:Foo`.
fn ns_stem(uri: &str) -> String {
    let trimmed = uri.trim_end_matches(['/', '#']);
    if let Some(i) = trimmed.rfind([':', '/']) {
        let last = &trimmed[i + 1..];
        let l = last.trim_start_matches(['v', 'V']);
        if !l.is_empty() && l.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return trimmed[..i].to_string();
        }
    }
    trimmed.to_string()
}

fn ns_of_key(key: &str) -> Option<String> {
    QName::parse_clark(key).and_then(|q| q.ns)
}

// ---------------------------------------------------------------------------------------------

impl<'a> Engine<'a> {
    /// Maps an old name into the new contract's namespaces.
    fn mq(&self, q: &QName) -> QName {
        match q.ns.as_ref().and_then(|ns| self.nsmap.get(ns)) {
            Some(n) => QName {
                ns: Some(n.clone()),
                local: q.local.clone(),
            },
            None => q.clone(),
        }
    }

    fn mns(&self, ns: Option<&str>) -> Option<String> {
        ns.map(|n| self.nsmap.get(n).cloned().unwrap_or_else(|| n.to_string()))
    }

    /// Display form of a name: `prefix:local`.
    fn disp(&self, q: &QName) -> String {
        match &q.ns {
            Some(ns) => match self.prefixes.get(ns) {
                Some(p) => format!("{p}:{}", q.local),
                None => q.to_string(),
            },
            None => q.local.clone(),
        }
    }

    fn disp_old(&self, q: &QName) -> String {
        match &q.ns {
            Some(ns) if !self.prefixes.contains_key(ns) => self.disp(&self.mq(q)),
            _ => self.disp(q),
        }
    }

    fn type_text(&self, t: &TypeUse, old_side: bool) -> String {
        match t {
            TypeUse::Builtin(b) => b.xs_name(),
            TypeUse::Named(q) => {
                if old_side {
                    self.disp_old(q)
                } else {
                    self.disp(q)
                }
            }
            TypeUse::Inline(d) => match &d.kind {
                TypeKind::Simple(s) => match &s.variety {
                    SimpleVariety::Atomic(b) => format!("anonymous simple type ({})", b.xs_name()),
                    SimpleVariety::List(_) => "anonymous list type".into(),
                    SimpleVariety::Union(_) => "anonymous union type".into(),
                },
                TypeKind::Complex(_) => "anonymous complex type".into(),
            },
        }
    }

    /// JSON of a type use with sources and docs stripped and old namespaces mapped.
    fn norm(&self, t: &TypeUse, old_side: bool) -> Value {
        let mut v = serde_json::to_value(t).unwrap_or(Value::Null);
        strip(&mut v);
        if old_side && !self.nsmap.is_empty() {
            self.map_json(&mut v);
        }
        v
    }

    fn map_json(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                if let Some(rest) = s.strip_prefix('{')
                    && let Some((ns, local)) = rest.split_once('}')
                    && let Some(n) = self.nsmap.get(ns)
                {
                    *s = format!("{{{n}}}{local}");
                } else if let Some(n) = self.nsmap.get(s.as_str()) {
                    *s = n.clone();
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| self.map_json(x)),
            Value::Object(m) => m.values_mut().for_each(|x| self.map_json(x)),
            _ => {}
        }
    }
}

/// A wildcard with `##other` bound to `tns` when the model left its target namespace out.
fn with_tns(w: &Wildcard, tns: &Option<String>) -> Wildcard {
    let mut w = w.clone();
    if w.namespace == NamespaceConstraint::Other(None) && tns.is_some() {
        w.namespace = NamespaceConstraint::Other(tns.clone());
    }
    w
}

fn particle_optional(p: &Particle) -> bool {
    match p {
        Particle::Element(e) => e.min_occurs == 0,
        Particle::Any(w) => w.min_occurs == 0,
        Particle::Group(g) => g.min_occurs == 0 || g.particles.iter().all(particle_optional),
    }
}

fn variety_text(v: &SimpleVariety) -> String {
    match v {
        SimpleVariety::Atomic(b) => b.xs_name(),
        SimpleVariety::List(_) => "list".into(),
        SimpleVariety::Union(_) => "union".into(),
    }
}

fn element_text(e: &Engine<'_>, el: &ElementUse, old_side: bool) -> String {
    let name = if old_side {
        e.disp_old(&el.name)
    } else {
        e.disp(&el.name)
    };
    let mut s = format!(
        "{name}: {} {}",
        e.type_text(&el.type_, old_side),
        lattice::occurs_text(el.min_occurs, el.max_occurs)
    );
    if el.nillable {
        s.push_str(" nillable");
    }
    s
}

fn attr_text(e: &Engine<'_>, a: &Attribute, old_side: bool) -> String {
    let name = if old_side {
        e.disp_old(&a.name)
    } else {
        e.disp(&a.name)
    };
    format!(
        "@{name}: {} ({})",
        e.type_text(&a.type_, old_side),
        if a.required { "required" } else { "optional" }
    )
}
