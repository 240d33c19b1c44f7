//! The comparison: operations by interface and name, elements and attributes by QName, named
//! types by the element that uses them; each change anchored where it is declared and
//! classified by the directions that reach its anchor.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

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
// Flattened content models

#[derive(Debug, Clone, Copy)]
enum Member {
    Elem(usize),
    Group,
    Any(usize),
}

#[derive(Debug)]
struct FGroup<'g> {
    g: &'g Group,
    parent: Option<usize>,
    members: Vec<Member>,
    /// Keys of every element beneath.
    keys: BTreeSet<String>,
}

#[derive(Debug)]
struct FElem<'g> {
    e: &'g ElementUse,
    key: String,
    group: usize,
}

#[derive(Debug)]
struct Flat<'g> {
    groups: Vec<FGroup<'g>>,
    elems: Vec<FElem<'g>>,
    wilds: Vec<(&'g Wildcard, usize)>,
    by_key: BTreeMap<String, usize>,
}

impl<'g> Flat<'g> {
    fn new(root: &'g Group, map: &dyn Fn(&QName) -> QName) -> Self {
        let mut f = Flat {
            groups: Vec::new(),
            elems: Vec::new(),
            wilds: Vec::new(),
            by_key: BTreeMap::new(),
        };
        f.add_group(root, None, map, 0);
        for i in 0..f.elems.len() {
            let key = f.elems[i].key.clone();
            let mut g = Some(f.elems[i].group);
            while let Some(gi) = g {
                f.groups[gi].keys.insert(key.clone());
                g = f.groups[gi].parent;
            }
        }
        f
    }

    fn add_group(
        &mut self,
        g: &'g Group,
        parent: Option<usize>,
        map: &dyn Fn(&QName) -> QName,
        depth: usize,
    ) -> usize {
        let idx = self.groups.len();
        self.groups.push(FGroup {
            g,
            parent,
            members: Vec::new(),
            keys: BTreeSet::new(),
        });
        if depth > MAX_DEPTH {
            return idx;
        }
        for p in &g.particles {
            let m = match p {
                Particle::Element(e) => {
                    let base = map(&e.name).to_string();
                    let mut key = base.clone();
                    let mut n = 2;
                    while self.by_key.contains_key(&key) {
                        key = format!("{base}[{n}]");
                        n += 1;
                    }
                    let ei = self.elems.len();
                    self.by_key.insert(key.clone(), ei);
                    self.elems.push(FElem { e, key, group: idx });
                    Member::Elem(ei)
                }
                Particle::Group(sub) => {
                    self.add_group(sub, Some(idx), map, depth + 1);
                    Member::Group
                }
                Particle::Any(w) => {
                    self.wilds.push((w, idx));
                    Member::Any(self.wilds.len() - 1)
                }
            };
            self.groups[idx].members.push(m);
        }
        idx
    }

    /// Is the element required in every instance (it and every group above it required, and
    /// no choice with alternatives above it)?
    fn required(&self, ei: usize) -> bool {
        let Some(fe) = self.elems.get(ei) else {
            return false;
        };
        if fe.e.min_occurs == 0 {
            return false;
        }
        let mut g = Some(fe.group);
        while let Some(gi) = g {
            let grp = &self.groups[gi];
            if grp.g.min_occurs == 0 || (grp.g.kind == GroupKind::Choice && grp.members.len() > 1) {
                return false;
            }
            g = grp.parent;
        }
        true
    }

    fn direct_elems(&self, gi: usize) -> Vec<usize> {
        self.groups[gi]
            .members
            .iter()
            .filter_map(|m| {
                if let Member::Elem(e) = m {
                    Some(*e)
                } else {
                    None
                }
            })
            .collect()
    }

    fn direct_wilds(&self, gi: usize) -> Vec<usize> {
        self.groups[gi]
            .members
            .iter()
            .filter_map(|m| {
                if let Member::Any(w) = m {
                    Some(*w)
                } else {
                    None
                }
            })
            .collect()
    }

    /// Wildcards in this group and the groups above it.
    fn wilds_around(&self, gi: usize) -> Vec<&'g Wildcard> {
        let mut out = Vec::new();
        let mut g = Some(gi);
        while let Some(i) = g {
            for w in self.direct_wilds(i) {
                out.push(self.wilds[w].0);
            }
            g = self.groups[i].parent;
        }
        out
    }

    fn label(&self, gi: usize) -> String {
        if gi == 0 {
            return "(content)".to_string();
        }
        let grp = &self.groups[gi];
        let kind = match grp.g.kind {
            GroupKind::Sequence => "sequence",
            GroupKind::Choice => "choice",
            GroupKind::All => "all",
        };
        let first = grp
            .keys
            .iter()
            .next()
            .and_then(|k| QName::parse_clark(k))
            .map(|q| q.local)
            .unwrap_or_else(|| "any".into());
        let first_in_order = self
            .elems
            .iter()
            .find(|e| grp.keys.contains(&e.key))
            .and_then(|e| QName::parse_clark(&e.key).map(|q| q.local))
            .unwrap_or(first);
        format!("({kind}:{first_in_order})")
    }

    /// The Rust container an element of this group lives in, for a struct `item`.
    /// The generated type is the layout's type of the innermost group around it that has a
    /// type of its own; `item` when the groups are all flattened into it.
    fn container(&self, gi: usize, item: &str, layout: &Layout<'_>) -> (String, bool) {
        let grp = &self.groups[gi];
        let in_choice = grp.g.kind == GroupKind::Choice;
        let mut g = Some(gi);
        while let Some(i) = g {
            if let Some(p) = layout.node_type(self.groups[i].g) {
                return (p.full(), in_choice);
            }
            g = self.groups[i].parent;
        }
        let once = grp.g.min_occurs == 1 && grp.g.max_occurs == Some(1);
        match grp.g.kind {
            GroupKind::Choice => (format!("{item}Choice"), true),
            _ if once => (item.to_string(), false),
            _ => (format!("{item}Group"), false),
        }
    }
}

/// Longest increasing subsequence: the indices (into `seq`) that keep their relative order.
fn lis(seq: &[usize]) -> BTreeSet<usize> {
    let n = seq.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if seq[j] < seq[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        }
    }
    let mut keep = BTreeSet::new();
    let Some((mut i, _)) = len
        .iter()
        .enumerate()
        .max_by_key(|(i, l)| (**l, usize::MAX - *i))
    else {
        return keep;
    };
    loop {
        keep.insert(i);
        if prev[i] == usize::MAX {
            break;
        }
        i = prev[i];
    }
    keep
}

// ---------------------------------------------------------------------------------------------

impl<'a> Engine<'a> {
    fn layout(&self, old_side: bool) -> &Layout<'a> {
        if old_side { &self.on } else { &self.nn }
    }

    /// The generated field of an element use or attribute (`local` in snake case when the
    /// layout has no field for it).
    fn field_of<T: LayoutNode>(&self, node: &T, old_side: bool, local: &str) -> String {
        self.layout(old_side)
            .node_field(node)
            .map_or_else(|| snake(local), str::to_string)
    }

    /// The impact of a change to an operation's messages: its client method is retyped, or
    /// removed when the new contract's operation can no longer be generated.
    fn message_impact(&self, iface: &str, op: &str, detail: String) -> RustImpact {
        let generated = |l: &Layout<'_>| l.interface(iface).and_then(|i| i.operation(op)).is_some();
        if !generated(&self.nn) && generated(&self.on) {
            return impact(
                RustChange::Removed,
                self.on.client_method(iface, op),
                format!("{detail}: the operation is no longer generated"),
                Bump::Major,
            );
        }
        impact(
            RustChange::Retyped,
            self.nn.client_method(iface, op),
            detail,
            Bump::Major,
        )
    }

    /// The generated enum variant of an alternative of a choice.
    fn variant_of(&self, e: &ElementUse, old_side: bool) -> String {
        self.layout(old_side)
            .node_variant(e)
            .map_or_else(|| camel(&e.name.local), str::to_string)
    }
}

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

    // -----------------------------------------------------------------------------------------
    // Namespaces and prefixes

    fn iface_pairs(
        &self,
    ) -> (
        Vec<(&'a Interface, &'a Interface)>,
        Vec<&'a Interface>,
        Vec<&'a Interface>,
    ) {
        let old: &'a Contract = self.old;
        let new: &'a Contract = self.new;
        let mut pairs = Vec::new();
        let mut added: Vec<&Interface> = Vec::new();
        let mut removed: Vec<&Interface> = Vec::new();
        for n in &new.interfaces {
            match old.interfaces.iter().find(|o| o.name == n.name) {
                Some(o) => pairs.push((o, n)),
                None => added.push(n),
            }
        }
        for o in &old.interfaces {
            if !new.interfaces.iter().any(|n| n.name == o.name) {
                removed.push(o);
            }
        }
        // A renamed interface: same operation names.
        let ops = |i: &Interface| {
            i.operations
                .iter()
                .map(|o| o.name.clone())
                .collect::<BTreeSet<_>>()
        };
        let mut still_added = Vec::new();
        for n in added {
            let nops = ops(n);
            match removed
                .iter()
                .position(|o| !nops.is_empty() && ops(o) == nops)
            {
                Some(i) => pairs.push((removed.remove(i), n)),
                None => still_added.push(n),
            }
        }
        (pairs, still_added, removed)
    }

    fn map_namespaces(&mut self) {
        let (pairs, _, _) = self.iface_pairs();
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        let mut note = |o: &QName, n: &QName| {
            if o.local == n.local
                && o.ns != n.ns
                && let (Some(a), Some(b)) = (&o.ns, &n.ns)
            {
                map.entry(a.clone()).or_insert_with(|| b.clone());
            }
        };
        for (oi, ni) in &pairs {
            for oo in &oi.operations {
                let Some(no) = ni.operations.iter().find(|x| x.name == oo.name) else {
                    continue;
                };
                for (om, nm) in [(&oo.input, &no.input), (&oo.output, &no.output)] {
                    if let (Some(om), Some(nm)) = (om, nm) {
                        for (op, np) in om.body.iter().zip(&nm.body) {
                            if let (Some(a), Some(b)) = (&op.element, &np.element) {
                                note(a, b);
                            }
                        }
                        for (op, np) in om.headers.iter().zip(&nm.headers) {
                            if let (Some(a), Some(b)) = (&op.element, &np.element) {
                                note(a, b);
                            }
                        }
                    }
                }
                for of in &oo.faults {
                    if let Some(nf) = no.faults.iter().find(|f| f.name == of.name)
                        && let (Some(a), Some(b)) = (&of.element, &nf.element)
                    {
                        note(a, b);
                    }
                }
            }
        }
        // Namespaces only one side has, with the same stem (`…:claim:2` → `…:claim:3`).
        let nss = |c: &Contract| -> BTreeSet<String> {
            c.types
                .keys()
                .chain(c.elements.keys())
                .filter_map(|k| ns_of_key(k))
                .collect()
        };
        let (old_ns, new_ns) = (nss(self.old), nss(self.new));
        // A namespace still used on both sides is not renamed.
        map.retain(|o, _| !new_ns.contains(o));
        let targets: BTreeSet<String> = map.values().cloned().collect();
        let only_old: Vec<&String> = old_ns
            .iter()
            .filter(|n| !new_ns.contains(*n) && !map.contains_key(*n))
            .collect();
        let only_new: Vec<&String> = new_ns
            .iter()
            .filter(|n| !old_ns.contains(*n) && !targets.contains(*n))
            .collect();
        for o in &only_old {
            let stem = ns_stem(o);
            if stem == **o {
                continue;
            }
            let cands: Vec<&&String> = only_new.iter().filter(|n| ns_stem(n) == stem).collect();
            let olds = only_old.iter().filter(|x| ns_stem(x) == stem).count();
            if cands.len() == 1 && olds == 1 {
                map.insert((*o).clone(), (**cands[0]).clone());
            }
        }
        self.nsmap = map;
    }

    fn plan_prefixes(&mut self) {
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        let generic = |p: &str| {
            p.is_empty() || (p.starts_with("ns") && p[2..].chars().all(|c| c.is_ascii_digit()))
        };
        for (c, names) in [(self.new, &self.nn), (self.old, &self.on)] {
            let mut uris: Vec<(String, Option<String>)> = c
                .namespaces
                .iter()
                .map(|n| (n.uri.clone(), Some(n.prefix.clone())))
                .collect();
            for k in c.types.keys().chain(c.elements.keys()) {
                if let Some(ns) = ns_of_key(k) {
                    uris.push((ns, None));
                }
            }
            for (uri, prefix) in uris {
                if out.contains_key(&uri) {
                    continue;
                }
                let module = names.module(Some(&uri));
                let mut p = match prefix {
                    Some(p) if !generic(&p) => p,
                    _ => short_prefix(&uri).unwrap_or_else(|| module.clone()),
                };
                if taken.get(&p).is_some_and(|u| *u != uri) {
                    p = module.clone();
                }
                let base = p.clone();
                let mut n = 2;
                while taken.get(&p).is_some_and(|u| *u != uri) {
                    p = format!("{base}{n}");
                    n += 1;
                }
                taken.insert(p.clone(), uri.clone());
                out.insert(uri, p);
            }
        }
        self.prefixes = out;
    }

    // -----------------------------------------------------------------------------------------
    // Interfaces and operations

    fn fixed(&mut self, iface: &str, ops: Vec<String>, dirs: Directions, raw: Raw) {
        self.fixed.push(Fixed {
            ifaces: vec![iface.to_string()],
            ops,
            dirs,
            raw,
        });
    }

    fn interfaces(&mut self) {
        let (pairs, added, removed) = self.iface_pairs();
        for n in added {
            let ops: Vec<String> = n.operations.iter().map(|o| o.name.clone()).collect();
            let r = raw(
                K::InterfaceAdded,
                n.name.clone(),
                None,
                side(format!("{} ({} operations)", n.name, ops.len()), &n.source),
                format!(
                    "New interface {} with operations {}.",
                    n.name,
                    ops.join(", ")
                ),
                impact(
                    RustChange::Added,
                    self.nn.interface_module(&n.name),
                    "new client operations and message types",
                    Bump::Minor,
                ),
            );
            self.fixed(&n.name, ops, Directions::NONE, r);
        }
        for o in removed {
            let ops: Vec<String> = o.operations.iter().map(|x| x.name.clone()).collect();
            let r = raw(
                K::InterfaceRemoved,
                o.name.clone(),
                side(format!("{} ({} operations)", o.name, ops.len()), &o.source),
                None,
                format!(
                    "Interface {} was removed with operations {}; old clients calling them fail.",
                    o.name,
                    ops.join(", ")
                ),
                impact(
                    RustChange::Removed,
                    self.on.interface_module(&o.name),
                    "client operations and message types removed",
                    Bump::Major,
                ),
            );
            self.fixed(&o.name, ops, Directions::NONE, r);
        }
        for (o, n) in pairs {
            self.cmp_interface(o, n);
        }
    }

    fn cmp_interface(&mut self, o: &'a Interface, n: &'a Interface) {
        let name = n.name.clone();
        let all_ops: Vec<String> = n.operations.iter().map(|x| x.name.clone()).collect();
        if o.name != n.name {
            let r = raw(
                K::InterfaceRenamed,
                name.clone(),
                side(&o.name, &o.source),
                side(&n.name, &n.source),
                format!(
                    "Interface {} is now called {} (same operations; port type names are not on the wire).",
                    o.name, n.name
                ),
                impact(
                    RustChange::Renamed,
                    self.nn.interface_module(&n.name),
                    format!(
                        "module {} → {}",
                        self.on.interface_module(&o.name),
                        self.nn.interface_module(&n.name)
                    ),
                    Bump::Major,
                ),
            );
            self.fixed(&name, all_ops.clone(), Directions::NONE, r);
        }
        if o.address != n.address {
            let r = raw(
                K::EndpointChanged,
                format!("{name}#address"),
                o.address.as_ref().and_then(|a| side(a, &o.source)),
                n.address.as_ref().and_then(|a| side(a, &n.source)),
                format!("Endpoint address of {name} changed; update client configuration."),
                impact(
                    RustChange::None,
                    format!("{}::ENDPOINT", self.nn.interface_module(&name)),
                    "default endpoint constant changes",
                    Bump::Patch,
                ),
            );
            self.fixed(&name, all_ops.clone(), Directions::NONE, r);
        }
        if o.soap != n.soap {
            let v = |s: crate::model::SoapVersion| match s {
                crate::model::SoapVersion::Soap11 => "SOAP 1.1",
                crate::model::SoapVersion::Soap12 => "SOAP 1.2",
            };
            let r = raw(
                K::SoapVersionChanged,
                format!("{name}#soap"),
                side(v(o.soap), &o.source),
                side(v(n.soap), &n.source),
                format!(
                    "Binding of {name} changed from {} to {}: envelope namespace and content type differ.",
                    v(o.soap),
                    v(n.soap)
                ),
                impact(
                    RustChange::None,
                    self.nn.interface_module(&name),
                    "the SOAP version in the operation constants changes",
                    Bump::Patch,
                ),
            );
            self.fixed(&name, all_ops.clone(), Directions::NONE, r);
        }
        if !doc_eq(o.doc.as_deref(), n.doc.as_deref()) {
            let r = raw(
                K::DocumentationChanged,
                format!("{name}#doc"),
                o.doc.as_ref().and_then(|d| side(d, &o.source)),
                n.doc.as_ref().and_then(|d| side(d, &n.source)),
                format!("Documentation of interface {name} changed."),
                docs_impact(&self.nn.interface_module(&name)),
            );
            self.fixed(&name, all_ops.clone(), Directions::NONE, r);
        }
        for no in &n.operations {
            match o.operations.iter().find(|x| x.name == no.name) {
                Some(oo) => self.cmp_operation(&name, oo, no),
                None => {
                    let r = raw(
                        K::OperationAdded,
                        format!("{name}/{}", no.name),
                        None,
                        side(&no.name, &no.source),
                        format!("New operation {} in {name}.", no.name),
                        impact(
                            RustChange::Added,
                            self.nn.client_method(&name, &no.name),
                            format!(
                                "new client method and message types; also a new required method on the \
                                 {} server trait, which breaks crates that implement it",
                                self.nn.service(&name)
                            ),
                            Bump::Major,
                        ),
                    );
                    self.fixed(&name, vec![no.name.clone()], Directions::NONE, r);
                }
            }
        }
        for oo in &o.operations {
            if !n.operations.iter().any(|x| x.name == oo.name) {
                let r = raw(
                    K::OperationRemoved,
                    format!("{name}/{}", oo.name),
                    side(&oo.name, &oo.source),
                    None,
                    format!(
                        "Operation {} was removed from {name}; old clients calling it fail.",
                        oo.name
                    ),
                    impact(
                        RustChange::Removed,
                        self.on.client_method(&name, &oo.name),
                        "client operation removed",
                        Bump::Major,
                    ),
                );
                self.fixed(&name, vec![oo.name.clone()], Directions::NONE, r);
            }
        }
    }

    fn cmp_operation(&mut self, iface: &str, o: &'a Operation, n: &'a Operation) {
        let base = format!("{iface}/{}", n.name);
        let ops = vec![n.name.clone()];
        if o.soap_action != n.soap_action {
            let r = raw(
                K::SoapActionChanged,
                format!("{base}#soapAction"),
                side(o.soap_action.clone().unwrap_or_default(), &o.source),
                side(n.soap_action.clone().unwrap_or_default(), &n.source),
                format!(
                    "SOAP action of {} changed; servers dispatch on it, so old clients' requests are not routed.",
                    n.name
                ),
                impact(
                    RustChange::None,
                    self.nn.op_const(iface, &n.name),
                    "SOAP action constant changes",
                    Bump::Patch,
                ),
            );
            self.fixed(iface, ops.clone(), Directions::REQUEST, r);
        }
        if !doc_eq(o.doc.as_deref(), n.doc.as_deref()) {
            let r = raw(
                K::DocumentationChanged,
                format!("{base}#doc"),
                o.doc.as_ref().and_then(|d| side(d, &o.source)),
                n.doc.as_ref().and_then(|d| side(d, &n.source)),
                format!("Documentation of operation {} changed.", n.name),
                docs_impact(&self.nn.client_method(iface, &n.name)),
            );
            self.fixed(iface, ops.clone(), Directions::NONE, r);
        }
        for (label, dirs, om, nm) in [
            ("request", Directions::REQUEST, &o.input, &n.input),
            ("response", Directions::RESPONSE, &o.output, &n.output),
        ] {
            match (om, nm) {
                (Some(om), Some(nm)) => self.cmp_message(iface, &n.name, label, dirs, om, nm),
                (None, None) => {}
                (om, nm) => {
                    let what = |m: &Option<MessageShape>| {
                        if m.is_some() {
                            format!("has a {label}")
                        } else {
                            format!("no {label}")
                        }
                    };
                    let r = raw(
                        K::MessagePatternChanged,
                        format!("{base}/{label}"),
                        side(what(om), &o.source),
                        side(what(nm), &n.source),
                        format!(
                            "Operation {} {} a {label} message.",
                            n.name,
                            if nm.is_some() { "gained" } else { "lost" }
                        ),
                        impact(
                            RustChange::Retyped,
                            self.nn.client_method(iface, &n.name),
                            format!("{label} type of the client method changes"),
                            Bump::Major,
                        ),
                    );
                    self.fixed(iface, ops.clone(), dirs, r);
                }
            }
        }
        // Faults.
        for nf in &n.faults {
            let of = o.faults.iter().find(|f| f.name == nf.name).or_else(|| {
                o.faults.iter().find(|f| {
                    f.element.as_ref().map(|e| self.mq(e)) == nf.element && nf.element.is_some()
                })
            });
            match of {
                Some(of) => {
                    if let (Some(oe), Some(ne)) = (&of.element, &nf.element) {
                        let mo = self.mq(oe);
                        if mo != *ne {
                            let kind = if mo.local == ne.local {
                                K::NamespaceChanged
                            } else {
                                K::ElementRenamed
                            };
                            let r = raw(
                                kind,
                                format!("{base}/fault/{}", nf.name),
                                side(self.disp_old(oe), &None),
                                side(self.disp(ne), &None),
                                format!(
                                    "Fault {} of {} now carries detail element {} instead of {}.",
                                    nf.name,
                                    n.name,
                                    self.disp(ne),
                                    self.disp_old(oe)
                                ),
                                impact(
                                    RustChange::Retyped,
                                    self.nn.fault_variant(iface, &n.name, &nf.name),
                                    "fault detail type changes",
                                    Bump::Major,
                                ),
                            );
                            self.fixed(iface, ops.clone(), Directions::FAULT, r);
                        }
                        self.roots.push(Root {
                            iface: Some(iface.to_string()),
                            op: Some(n.name.clone()),
                            dirs: Directions::FAULT,
                            anchor: Anchor::Elem(oe.to_string(), ne.to_string()),
                            instance: format!("{}/fault/{}/{}", n.name, nf.name, ne),
                        });
                    }
                }
                None => {
                    let r = raw(
                        K::FaultAdded,
                        format!("{base}/fault/{}", nf.name),
                        None,
                        side(
                            format!(
                                "{} ({})",
                                nf.name,
                                nf.element
                                    .as_ref()
                                    .map(|e| self.disp(e))
                                    .unwrap_or_default()
                            ),
                            &n.source,
                        ),
                        format!(
                            "New fault {} on {}: old clients receive it as an untyped SOAP fault.",
                            nf.name, n.name
                        ),
                        impact(
                            RustChange::Added,
                            self.nn.fault_variant(iface, &n.name, &nf.name),
                            "fault variant added",
                            Bump::Major,
                        ),
                    );
                    self.fixed(iface, ops.clone(), Directions::FAULT, r);
                }
            }
        }
        for of in &o.faults {
            let still = n.faults.iter().any(|f| f.name == of.name)
                || n.faults.iter().any(|f| {
                    f.element.is_some() && of.element.as_ref().map(|e| self.mq(e)) == f.element
                });
            if !still {
                let r = raw(
                    K::FaultRemoved,
                    format!("{base}/fault/{}", of.name),
                    side(
                        format!(
                            "{} ({})",
                            of.name,
                            of.element
                                .as_ref()
                                .map(|e| self.disp_old(e))
                                .unwrap_or_default()
                        ),
                        &o.source,
                    ),
                    None,
                    format!("Fault {} is no longer declared on {}.", of.name, n.name),
                    impact(
                        RustChange::Removed,
                        self.on.fault_variant(iface, &n.name, &of.name),
                        "fault variant removed",
                        Bump::Major,
                    ),
                );
                self.fixed(iface, ops.clone(), Directions::FAULT, r);
            }
        }
    }

    fn cmp_message(
        &mut self,
        iface: &str,
        op: &str,
        label: &str,
        dirs: Directions,
        o: &'a MessageShape,
        n: &'a MessageShape,
    ) {
        let base = format!("{iface}/{op}/{label}");
        let ops = vec![op.to_string()];
        // Body parts: by part name, then the single leftover pair.
        let mut pairs = Vec::new();
        let mut o_left: Vec<usize> = Vec::new();
        let mut n_used = BTreeSet::new();
        for (oi, op_) in o.body.iter().enumerate() {
            match n.body.iter().position(|p| p.name == op_.name) {
                Some(ni) => {
                    pairs.push((oi, ni));
                    n_used.insert(ni);
                }
                None => o_left.push(oi),
            }
        }
        let n_left: Vec<usize> = (0..n.body.len()).filter(|i| !n_used.contains(i)).collect();
        if o_left.len() == 1 && n_left.len() == 1 {
            pairs.push((o_left[0], n_left[0]));
            o_left.clear();
        } else {
            for &ni in &n_left {
                let p = &n.body[ni];
                let r = raw(
                    K::MessagePartAdded,
                    format!("{base}/body/{}", p.name),
                    None,
                    side(
                        format!(
                            "{} ({})",
                            p.name,
                            p.element.as_ref().map(|e| self.disp(e)).unwrap_or_default()
                        ),
                        &None,
                    ),
                    format!("New body part {} in the {label} of {op}.", p.name),
                    self.message_impact(iface, op, format!("{label} type changes")),
                );
                self.fixed(iface, ops.clone(), dirs, r);
            }
        }
        for &oi in &o_left {
            let p = &o.body[oi];
            let r = raw(
                K::MessagePartRemoved,
                format!("{base}/body/{}", p.name),
                side(
                    format!(
                        "{} ({})",
                        p.name,
                        p.element
                            .as_ref()
                            .map(|e| self.disp_old(e))
                            .unwrap_or_default()
                    ),
                    &None,
                ),
                None,
                format!("Body part {} removed from the {label} of {op}.", p.name),
                self.message_impact(iface, op, format!("{label} type changes")),
            );
            self.fixed(iface, ops.clone(), dirs, r);
        }
        for (oi, ni) in pairs {
            let (op_, np) = (&o.body[oi], &n.body[ni]);
            match ((&op_.element, &op_.type_), (&np.element, &np.type_)) {
                ((Some(oe), _), (Some(ne), _)) => {
                    let mo = self.mq(oe);
                    if mo != *ne {
                        let kind = if mo.local == ne.local {
                            K::NamespaceChanged
                        } else {
                            K::ElementRenamed
                        };
                        let r = raw(
                            kind,
                            format!("{base}/body/{}", np.name),
                            side(self.disp_old(oe), &None),
                            side(self.disp(ne), &None),
                            format!(
                                "The {label} of {op} is now element {} instead of {}.",
                                self.disp(ne),
                                self.disp_old(oe)
                            ),
                            impact(
                                RustChange::Renamed,
                                self.nn.element_path(ne),
                                format!(
                                    "{} → {}",
                                    self.on.element_path(oe),
                                    self.nn.element_path(ne)
                                ),
                                Bump::Major,
                            ),
                        );
                        self.fixed(iface, ops.clone(), dirs, r);
                    }
                    self.roots.push(Root {
                        iface: Some(iface.to_string()),
                        op: Some(op.to_string()),
                        dirs,
                        anchor: Anchor::Elem(oe.to_string(), ne.to_string()),
                        instance: format!("{op}/{label}/{ne}"),
                    });
                }
                ((None, Some(ot)), (None, Some(nt))) => {
                    // rpc: compare the part types here; named types become roots.
                    let mut sink = Sink::default();
                    let ctx = format!("{}{}", camel(op), camel(label));
                    self.cmp_type_use(
                        &mut sink,
                        ot,
                        nt,
                        "",
                        (&ctx, &ctx, &self.nn.client_method(iface, op)),
                        &format!("part {}", np.name),
                        0,
                    );
                    let path = format!("{base}/body/{}", np.name);
                    for mut r in sink.raws {
                        r.local = format!("{path}{}", r.local);
                        self.fixed(iface, ops.clone(), dirs, r);
                    }
                    for (a, local) in sink.children {
                        self.roots.push(Root {
                            iface: Some(iface.to_string()),
                            op: Some(op.to_string()),
                            dirs,
                            anchor: a,
                            instance: format!("{op}/{label}/{}{local}", np.name),
                        });
                    }
                }
                _ => {
                    let r = raw(
                        K::TypeChanged,
                        format!("{base}/body/{}", np.name),
                        side(format!("part {}", op_.name), &None),
                        side(format!("part {}", np.name), &None),
                        format!(
                            "Body part {} of the {label} of {op} switched between element and type.",
                            np.name
                        ),
                        self.message_impact(iface, op, format!("{label} type changes")),
                    );
                    self.fixed(iface, ops.clone(), dirs, r);
                }
            }
        }
        // Headers: by element.
        for nh in &n.headers {
            let oh = o
                .headers
                .iter()
                .find(|h| {
                    h.element.is_some() && h.element.as_ref().map(|e| self.mq(e)) == nh.element
                })
                .or_else(|| o.headers.iter().find(|h| h.name == nh.name));
            match (oh, &nh.element) {
                (Some(oh), Some(ne)) => {
                    if let Some(oe) = &oh.element {
                        self.roots.push(Root {
                            iface: Some(iface.to_string()),
                            op: Some(op.to_string()),
                            dirs,
                            anchor: Anchor::Elem(oe.to_string(), ne.to_string()),
                            instance: format!("{op}/{label}/header/{ne}"),
                        });
                    }
                }
                (None, _) => {
                    let name = nh
                        .element
                        .as_ref()
                        .map(|e| self.disp(e))
                        .unwrap_or_else(|| nh.name.clone());
                    let r = raw(
                        K::HeaderAdded,
                        format!(
                            "{base}/header/{}",
                            nh.element
                                .as_ref()
                                .map(|e| e.to_string())
                                .unwrap_or_else(|| nh.name.clone())
                        ),
                        None,
                        side(&name, &None),
                        format!("New SOAP header {name} in the {label} of {op}."),
                        impact(
                            RustChange::Added,
                            self.nn.client_method(iface, op),
                            format!("header parameter {name} added"),
                            Bump::Major,
                        ),
                    );
                    self.fixed(iface, ops.clone(), dirs, r);
                }
                _ => {}
            }
        }
        for oh in &o.headers {
            let still = n.headers.iter().any(|h| {
                (h.element.is_some() && oh.element.as_ref().map(|e| self.mq(e)) == h.element)
                    || h.name == oh.name
            });
            if !still {
                let name = oh
                    .element
                    .as_ref()
                    .map(|e| self.disp_old(e))
                    .unwrap_or_else(|| oh.name.clone());
                let key = oh
                    .element
                    .as_ref()
                    .map(|e| self.mq(e).to_string())
                    .unwrap_or_else(|| oh.name.clone());
                let r = raw(
                    K::HeaderRemoved,
                    format!("{base}/header/{key}"),
                    side(&name, &None),
                    None,
                    format!("SOAP header {name} removed from the {label} of {op}."),
                    impact(
                        RustChange::Removed,
                        self.nn.client_method(iface, op),
                        format!("header parameter {name} removed"),
                        Bump::Major,
                    ),
                );
                self.fixed(iface, ops.clone(), dirs, r);
            }
        }
    }

    /// Schemas without operations: every global element is a root, reached in no direction
    /// (so the worse of both rules applies).
    fn schema_roots(&mut self) {
        for (nk, ne) in &self.new.elements {
            let ok = self.old.elements.keys().find(|k| {
                QName::parse_clark(k)
                    .map(|q| self.mq(&q).to_string())
                    .as_deref()
                    == Some(nk.as_str())
            });
            match ok {
                Some(ok) => self.roots.push(Root {
                    iface: None,
                    op: None,
                    dirs: Directions::NONE,
                    anchor: Anchor::Elem(ok.clone(), nk.clone()),
                    instance: nk.clone(),
                }),
                None => {
                    let r = raw(
                        K::GlobalElementAdded,
                        format!("/{nk}"),
                        None,
                        side(
                            format!(
                                "{}: {}",
                                self.disp(&ne.name),
                                self.type_text(&ne.type_, false)
                            ),
                            &ne.source,
                        ),
                        format!("New global element {}.", self.disp(&ne.name)),
                        impact(
                            RustChange::Added,
                            self.nn.element_path(&ne.name),
                            "new type",
                            Bump::Minor,
                        ),
                    );
                    self.fixed.push(Fixed {
                        ifaces: Vec::new(),
                        ops: Vec::new(),
                        dirs: Directions::NONE,
                        raw: r,
                    });
                }
            }
        }
        for oe in self.old.elements.values() {
            let mapped = self.mq(&oe.name).to_string();
            if !self.new.elements.contains_key(&mapped) {
                let r = raw(
                    K::GlobalElementRemoved,
                    format!("/{mapped}"),
                    side(
                        format!(
                            "{}: {}",
                            self.disp_old(&oe.name),
                            self.type_text(&oe.type_, true)
                        ),
                        &oe.source,
                    ),
                    None,
                    format!("Global element {} was removed.", self.disp_old(&oe.name)),
                    impact(
                        RustChange::Removed,
                        self.on.element_path(&oe.name),
                        "type removed",
                        Bump::Major,
                    ),
                );
                self.fixed.push(Fixed {
                    ifaces: Vec::new(),
                    ops: Vec::new(),
                    dirs: Directions::NONE,
                    raw: r,
                });
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Anchors

    fn process(&mut self) {
        let mut queue: Vec<Anchor> = self.roots.iter().map(|r| r.anchor.clone()).collect();
        queue.reverse();
        while let Some(a) = queue.pop() {
            if self.anchors.contains_key(&a) {
                continue;
            }
            let out = match &a {
                Anchor::Elem(o, n) => self.cmp_elem_anchor(o, n),
                Anchor::Type(o, n) => self.cmp_type_anchor(o, n),
            };
            for (child, _) in &out.children {
                if !self.anchors.contains_key(child) {
                    queue.push(child.clone());
                }
            }
            self.anchors.insert(a, out);
        }
    }

    /// Global elements and named types present on both sides that no operation reached
    /// (through derivations or substitution groups the walk does not follow): compared
    /// too, reached in no direction, so the worse of both rules applies.
    fn unreached(&mut self) {
        // Pairs whose old or new side was already compared (possibly against another name)
        // are left alone: they are reached, just under another pairing.
        let mut compared_new: BTreeSet<(bool, String)> = BTreeSet::new();
        let mut compared_old: BTreeSet<(bool, String)> = BTreeSet::new();
        for a in self.anchors.keys() {
            match a {
                Anchor::Elem(o, n) => {
                    compared_old.insert((true, o.clone()));
                    compared_new.insert((true, n.clone()));
                }
                Anchor::Type(o, n) => {
                    compared_old.insert((false, o.clone()));
                    compared_new.insert((false, n.clone()));
                }
            }
        }
        let mapped = |key: &str| {
            QName::parse_clark(key)
                .map(|q| self.mq(&q).to_string())
                .unwrap_or_default()
        };
        let mut extra = Vec::new();
        for ok in self.old.elements.keys() {
            let nk = mapped(ok);
            if self.new.elements.contains_key(&nk)
                && !compared_new.contains(&(true, nk.clone()))
                && !compared_old.contains(&(true, ok.clone()))
            {
                extra.push((Anchor::Elem(ok.clone(), nk.clone()), format!("/{nk}")));
            }
        }
        for ok in self.old.types.keys() {
            let nk = mapped(ok);
            if self.new.types.contains_key(&nk)
                && !compared_new.contains(&(false, nk.clone()))
                && !compared_old.contains(&(false, ok.clone()))
            {
                extra.push((Anchor::Type(ok.clone(), nk.clone()), nk.clone()));
            }
        }
        if extra.is_empty() {
            return;
        }
        for (anchor, instance) in extra {
            self.roots.push(Root {
                iface: None,
                op: None,
                dirs: Directions::NONE,
                anchor,
                instance,
            });
        }
        self.process();
    }

    fn cmp_elem_anchor(&self, okey: &str, nkey: &str) -> AnchorOut {
        let base = format!("/{nkey}");
        let (Some(oe), Some(ne)) = (self.old.elements.get(okey), self.new.elements.get(nkey))
        else {
            return AnchorOut {
                base,
                raws: Vec::new(),
                children: Vec::new(),
            };
        };
        let mut sink = Sink {
            tns_old: self.mns(oe.name.ns.as_deref()),
            tns_new: ne.name.ns.clone(),
            ..Sink::default()
        };
        self.cmp_global_element(&mut sink, oe, ne);
        AnchorOut {
            base,
            raws: sink.raws,
            children: sink.children,
        }
    }

    fn cmp_global_element(&self, sink: &mut Sink, oe: &Element, ne: &Element) {
        let item_old = self.on.element_path(&oe.name);
        let item = self.nn.element_path(&ne.name);
        let name = self.disp(&ne.name);
        if oe.nillable != ne.nillable {
            let kind = if ne.nillable {
                K::NillableAdded
            } else {
                K::NillableRemoved
            };
            sink.raws.push(raw(
                kind,
                "",
                side(format!("nillable={}", oe.nillable), &oe.source),
                side(format!("nillable={}", ne.nillable), &ne.source),
                format!(
                    "Element {name} {} nillable.",
                    if ne.nillable {
                        "became"
                    } else {
                        "is no longer"
                    }
                ),
                impact(
                    RustChange::Retyped,
                    &item,
                    "Nillable<…> wrapper changes",
                    Bump::Major,
                ),
            ));
        }
        self.cmp_value_constraints(
            sink,
            "",
            &name,
            &item,
            (&oe.default, &oe.fixed, &oe.source),
            (&ne.default, &ne.fixed, &ne.source),
        );
        if !doc_eq(oe.doc.as_deref(), ne.doc.as_deref()) {
            sink.raws.push(raw(
                K::DocumentationChanged,
                "#doc",
                oe.doc.as_ref().and_then(|d| side(d, &oe.source)),
                ne.doc.as_ref().and_then(|d| side(d, &ne.source)),
                format!("Documentation of element {name} changed."),
                docs_impact(&item),
            ));
        }
        self.cmp_type_use(
            sink,
            &oe.type_,
            &ne.type_,
            "",
            (&item_old, &item, &item),
            &format!("element {name}"),
            0,
        );
    }

    fn cmp_type_anchor(&self, okey: &str, nkey: &str) -> AnchorOut {
        let base = nkey.to_string();
        let (Some(od), Some(nd)) = (self.old.types.get(okey), self.new.types.get(nkey)) else {
            return AnchorOut {
                base,
                raws: Vec::new(),
                children: Vec::new(),
            };
        };
        let oq = QName::parse_clark(okey).unwrap_or_else(|| QName::new(None, okey));
        let nq = QName::parse_clark(nkey).unwrap_or_else(|| QName::new(None, nkey));
        let mut sink = Sink {
            tns_old: self.mns(oq.ns.as_deref()),
            tns_new: nq.ns.clone(),
            ..Sink::default()
        };
        let item_old = self.on.named_path(&oq);
        let item = self.nn.named_path(&nq);
        if !doc_eq(od.doc.as_deref(), nd.doc.as_deref()) {
            sink.raws.push(raw(
                K::DocumentationChanged,
                "#doc",
                od.doc.as_ref().and_then(|d| side(d, &od.source)),
                nd.doc.as_ref().and_then(|d| side(d, &nd.source)),
                format!("Documentation of type {} changed.", self.disp(&nq)),
                docs_impact(&item),
            ));
        }
        self.cmp_def(
            &mut sink,
            od,
            nd,
            "",
            &item_old,
            &item,
            &format!("type {}", self.disp(&nq)),
            false,
            0,
        );
        AnchorOut {
            base,
            raws: sink.raws,
            children: sink.children,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Types

    /// Compares two type uses at `local`. Of the Rust items, `item_old`/`item_new` are the
    /// names an anonymous type here would have when the layout has none for it, `member` the
    /// field (or element type) a change of type retypes.
    #[allow(clippy::too_many_arguments)]
    fn cmp_type_use(
        &self,
        sink: &mut Sink,
        o: &TypeUse,
        n: &TypeUse,
        local: &str,
        (item_old, item_new, member): (&str, &str, &str),
        what: &str,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let rust_old = self.rust_of(o, true, item_old);
        let rust_new = self.rust_of(n, false, item_new);
        match (o, n) {
            (TypeUse::Named(oq), TypeUse::Named(nq)) => {
                let mo = self.mq(oq);
                if mo != *nq {
                    self.push_type_renamed(sink, local, o, n, &rust_old, &rust_new, what);
                }
                let (od, nd) = (self.old.type_def(oq), self.new.type_def(nq));
                match (od, nd) {
                    (Some(_), Some(_)) => sink.children.push((
                        Anchor::Type(oq.to_string(), nq.to_string()),
                        local.to_string(),
                    )),
                    _ => {
                        if mo != *nq {
                            // Nothing to compare structurally: treat it as a type change.
                            sink.raws.push(raw(
                                K::TypeChanged,
                                format!("{local}#type"),
                                side(self.type_text(o, true), &None),
                                side(self.type_text(n, false), &None),
                                format!(
                                    "Type of {what} changed from {} to {} (not comparable).",
                                    self.type_text(o, true),
                                    self.type_text(n, false)
                                ),
                                self.retype(&rust_old, &rust_new, member),
                            ));
                        }
                    }
                }
            }
            (TypeUse::Builtin(a), TypeUse::Builtin(b)) => {
                if a != b {
                    let rel = lattice::builtin_rel(*a, *b);
                    let (rq, rs) = rel_sev(rel);
                    sink.raws.push(with_sev(
                        raw(
                            K::TypeChanged,
                            format!("{local}#type"),
                            side(a.xs_name(), &None),
                            side(b.xs_name(), &None),
                            format!(
                                "Type of {what} changed from {} to {} ({}).",
                                a.xs_name(),
                                b.xs_name(),
                                rel_word(rel)
                            ),
                            self.retype(&rust_old, &rust_new, member),
                        ),
                        rq,
                        rs,
                    ));
                }
            }
            _ => {
                let named_o = matches!(o, TypeUse::Named(_));
                let named_n = matches!(n, TypeUse::Named(_));
                if named_o || named_n {
                    self.push_type_renamed(sink, local, o, n, &rust_old, &rust_new, what);
                }
                let od = self.resolve(o, true);
                let nd = self.resolve(n, false);
                let (Some(od), Some(nd)) = (od, nd) else {
                    return;
                };
                self.cmp_def(
                    sink,
                    &od,
                    &nd,
                    local,
                    &rust_old,
                    &rust_new,
                    what,
                    true,
                    depth + 1,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_type_renamed(
        &self,
        sink: &mut Sink,
        local: &str,
        o: &TypeUse,
        n: &TypeUse,
        rust_old: &str,
        rust_new: &str,
        what: &str,
    ) {
        let rust = if rust_old != rust_new {
            impact(
                RustChange::Renamed,
                rust_new,
                format!("{rust_old} → {rust_new}"),
                Bump::Major,
            )
        } else {
            RustImpact::none(rust_new)
        };
        let sources = |t: &TypeUse, c: &Contract| match t {
            TypeUse::Named(q) => c.type_def(q).and_then(|d| d.source.clone()),
            TypeUse::Inline(d) => d.source.clone(),
            TypeUse::Builtin(_) => None,
        };
        sink.raws.push(raw(
            K::TypeRenamed,
            format!("{local}#type"),
            side(self.type_text(o, true), &sources(o, self.old)),
            side(self.type_text(n, false), &sources(n, self.new)),
            format!(
                "Type of {what} is now {} instead of {} (type names are not on the wire; its content is compared separately).",
                self.type_text(n, false),
                self.type_text(o, true)
            ),
            rust,
        ));
    }

    fn retype(&self, old: &str, new: &str, item: &str) -> RustImpact {
        if old != new {
            impact(
                RustChange::Retyped,
                item,
                format!("{old} → {new}"),
                Bump::Major,
            )
        } else {
            RustImpact::none(item)
        }
    }

    fn rust_of(&self, t: &TypeUse, old_side: bool, inline_name: &str) -> String {
        let names = if old_side { &self.on } else { &self.nn };
        match t {
            TypeUse::Builtin(b) => builtin_rust(*b).to_string(),
            TypeUse::Named(q) => names.named_path(q),
            TypeUse::Inline(def) => match crate::layout::plain_builtin(def) {
                Some(b) => builtin_rust(b).to_string(),
                None => names
                    .node_type(&**def)
                    .map_or_else(|| inline_name.to_string(), |p| p.full()),
            },
        }
    }

    fn resolve(&self, t: &TypeUse, old_side: bool) -> Option<TypeDef> {
        let c = if old_side { self.old } else { self.new };
        match t {
            TypeUse::Builtin(b) => Some(builtin_def(*b)),
            TypeUse::Named(q) => c.type_def(q).cloned(),
            TypeUse::Inline(d) => Some((**d).clone()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cmp_def(
        &self,
        sink: &mut Sink,
        od: &TypeDef,
        nd: &TypeDef,
        local: &str,
        item_old: &str,
        item: &str,
        what: &str,
        inline: bool,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        if inline
            && od.name.is_none()
            && nd.name.is_none()
            && !doc_eq(od.doc.as_deref(), nd.doc.as_deref())
        {
            sink.raws.push(raw(
                K::DocumentationChanged,
                format!("{local}#type-doc"),
                od.doc.as_ref().and_then(|d| side(d, &od.source)),
                nd.doc.as_ref().and_then(|d| side(d, &nd.source)),
                format!("Documentation of the anonymous type of {what} changed."),
                docs_impact(item),
            ));
        }
        match (&od.kind, &nd.kind) {
            (TypeKind::Simple(os), TypeKind::Simple(ns)) => self.cmp_simple(
                sink,
                os,
                ns,
                local,
                item_old,
                item,
                what,
                (&od.source, &nd.source),
            ),
            (TypeKind::Complex(oc), TypeKind::Complex(nc)) => self.cmp_complex(
                sink,
                oc,
                nc,
                local,
                item_old,
                item,
                what,
                (&od.source, &nd.source),
                depth,
            ),
            (ok, nk) => {
                let k = |k: &TypeKind| {
                    if matches!(k, TypeKind::Simple(_)) {
                        "simple type"
                    } else {
                        "complex type"
                    }
                };
                sink.raws.push(raw(
                    K::ContentChanged,
                    format!("{local}#type"),
                    side(k(ok), &od.source),
                    side(k(nk), &nd.source),
                    format!(
                        "The type of {what} changed from a {} to a {}.",
                        k(ok),
                        k(nk)
                    ),
                    impact(
                        RustChange::Retyped,
                        item,
                        format!("{item_old} → {item}"),
                        Bump::Major,
                    ),
                ));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cmp_simple(
        &self,
        sink: &mut Sink,
        os: &SimpleType,
        ns: &SimpleType,
        local: &str,
        item_old: &str,
        item: &str,
        what: &str,
        (osrc, nsrc): (&Option<Source>, &Option<Source>),
    ) {
        let repr = |s: &SimpleType| -> &'static str {
            if !s.enumeration.is_empty() {
                "enum"
            } else if s.facets.is_empty() && s.base.is_none() {
                "plain"
            } else {
                "newtype"
            }
        };
        let repr_changed =
            repr(os) != repr(ns) && (repr(os) == "enum" || repr(ns) == "enum" || item_old != item);
        let repr_impact = || {
            if repr_changed {
                impact(
                    RustChange::Retyped,
                    item,
                    format!("{item_old} ({}) → {item} ({})", repr(os), repr(ns)),
                    Bump::Major,
                )
            } else {
                impact(
                    RustChange::None,
                    item,
                    "validation changes (no API change)",
                    Bump::Patch,
                )
            }
        };
        // Variety and primitive.
        match (&os.variety, &ns.variety) {
            (SimpleVariety::Atomic(a), SimpleVariety::Atomic(b)) => {
                if a != b {
                    let rel = lattice::builtin_rel(*a, *b);
                    let (rq, rs) = rel_sev(rel);
                    let ra = builtin_rust(*a);
                    let rb = builtin_rust(*b);
                    let rust = if ra != rb {
                        impact(
                            RustChange::Retyped,
                            item,
                            format!("{ra} → {rb}"),
                            Bump::Major,
                        )
                    } else {
                        RustImpact::none(item)
                    };
                    sink.raws.push(with_sev(
                        raw(
                            K::TypeChanged,
                            format!("{local}#base"),
                            side(a.xs_name(), osrc),
                            side(b.xs_name(), nsrc),
                            format!(
                                "Base type of {what} changed from {} to {} ({}).",
                                a.xs_name(),
                                b.xs_name(),
                                rel_word(rel)
                            ),
                            rust,
                        ),
                        rq,
                        rs,
                    ));
                }
            }
            (SimpleVariety::List(a), SimpleVariety::List(b)) => {
                if self.norm(a, true) != self.norm(b, false) {
                    sink.raws.push(raw(
                        K::TypeChanged,
                        format!("{local}#itemType"),
                        side(format!("list of {}", self.type_text(a, true)), osrc),
                        side(format!("list of {}", self.type_text(b, false)), nsrc),
                        format!("Item type of the list {what} changed."),
                        impact(
                            RustChange::Retyped,
                            item,
                            "list item type changes",
                            Bump::Major,
                        ),
                    ));
                }
            }
            (SimpleVariety::Union(a), SimpleVariety::Union(b)) => {
                let an: Vec<Value> = a.iter().map(|t| self.norm(t, true)).collect();
                let bn: Vec<Value> = b.iter().map(|t| self.norm(t, false)).collect();
                let sub = |x: &[Value], y: &[Value]| x.iter().all(|v| y.contains(v));
                let rel = match (sub(&an, &bn), sub(&bn, &an)) {
                    (true, true) => Rel::Same,
                    (true, false) => Rel::Widened,
                    (false, true) => Rel::Narrowed,
                    _ => Rel::Changed,
                };
                if rel != Rel::Same {
                    let (rq, rs) = rel_sev(rel);
                    let list = |v: &[TypeUse], old: bool| {
                        v.iter()
                            .map(|t| self.type_text(t, old))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    };
                    sink.raws.push(with_sev(
                        raw(
                            K::TypeChanged,
                            format!("{local}#memberTypes"),
                            side(list(a, true), osrc),
                            side(list(b, false), nsrc),
                            format!("Member types of the union {what} {}.", rel_word(rel)),
                            impact(
                                RustChange::Retyped,
                                item,
                                "union variants change",
                                Bump::Major,
                            ),
                        ),
                        rq,
                        rs,
                    ));
                }
            }
            _ => {
                sink.raws.push(raw(
                    K::TypeChanged,
                    format!("{local}#variety"),
                    side(variety_text(&os.variety), osrc),
                    side(variety_text(&ns.variety), nsrc),
                    format!("{what} changed between atomic, list and union."),
                    impact(
                        RustChange::Retyped,
                        item,
                        "representation changes",
                        Bump::Major,
                    ),
                ));
            }
        }
        // Enumerations.
        let mut first_repr = true;
        let mut next_impact = |default: RustImpact| {
            if repr_changed && first_repr {
                first_repr = false;
                repr_impact()
            } else {
                default
            }
        };
        match (os.enumeration.is_empty(), ns.enumeration.is_empty()) {
            (false, false) => {
                for v in &ns.enumeration {
                    match os.enumeration.iter().find(|x| x.value == v.value) {
                        None => sink.raws.push(raw(
                            K::EnumValueAdded,
                            format!("{local}#enum={}", v.value),
                            None,
                            side(&v.value, nsrc),
                            format!(
                                "Value '{}' added to {what}; old clients with a closed enumeration reject it when it arrives in a response.",
                                v.value
                            ),
                            next_impact(impact(
                                RustChange::Added,
                                format!("{item}::{}", camel(&v.value)),
                                "variant added to an exhaustive enum",
                                Bump::Major,
                            )),
                        )),
                        Some(ov) => {
                            if !doc_eq(ov.doc.as_deref(), v.doc.as_deref()) {
                                sink.raws.push(raw(
                                    K::DocumentationChanged,
                                    format!("{local}#enum={}#doc", v.value),
                                    ov.doc.as_ref().and_then(|d| side(d, osrc)),
                                    v.doc.as_ref().and_then(|d| side(d, nsrc)),
                                    format!("Documentation of value '{}' of {what} changed.", v.value),
                                    docs_impact(&format!("{item}::{}", camel(&v.value))),
                                ));
                            }
                        }
                    }
                }
                for v in &os.enumeration {
                    if !ns.enumeration.iter().any(|x| x.value == v.value) {
                        sink.raws.push(raw(
                            K::EnumValueRemoved,
                            format!("{local}#enum={}", v.value),
                            side(&v.value, osrc),
                            None,
                            format!(
                                "Value '{}' removed from {what}; old clients may still send it.",
                                v.value
                            ),
                            next_impact(impact(
                                RustChange::Removed,
                                format!("{item}::{}", camel(&v.value)),
                                "variant removed",
                                Bump::Major,
                            )),
                        ));
                    }
                }
            }
            (true, false) => {
                let vals = ns
                    .enumeration
                    .iter()
                    .map(|v| v.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                sink.raws.push(raw(
                    K::FacetNarrowed,
                    format!("{local}#enumeration"),
                    None,
                    side(format!("enumeration: {vals}"), nsrc),
                    format!("{what} is now restricted to an enumeration."),
                    next_impact(impact(
                        RustChange::Retyped,
                        item,
                        "now an enum",
                        Bump::Major,
                    )),
                ));
            }
            (false, true) => {
                let vals = os
                    .enumeration
                    .iter()
                    .map(|v| v.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                sink.raws.push(raw(
                    K::FacetWidened,
                    format!("{local}#enumeration"),
                    side(format!("enumeration: {vals}"), osrc),
                    None,
                    format!("{what} is no longer restricted to an enumeration."),
                    next_impact(impact(
                        RustChange::Retyped,
                        item,
                        "no longer an enum",
                        Bump::Major,
                    )),
                ));
            }
            (true, true) => {}
        }
        // Facets.
        for fc in lattice::facet_changes(&os.facets, &ns.facets) {
            let (kind, rq, rs) = match (fc.rel, fc.name) {
                (Rel::Changed, "whiteSpace") => {
                    (K::FacetChanged, Severity::Warning, Severity::Warning)
                }
                (Rel::Narrowed, _) => (K::FacetNarrowed, Severity::Breaking, Severity::Warning),
                (Rel::Widened, _) => (K::FacetWidened, Severity::Warning, Severity::Breaking),
                _ => (K::FacetChanged, Severity::Breaking, Severity::Breaking),
            };
            let old_text = fc.old.clone().unwrap_or_else(|| format!("no {}", fc.name));
            let new_text = fc.new.clone().unwrap_or_else(|| format!("no {}", fc.name));
            let rust = next_impact(impact(
                RustChange::None,
                item,
                "validation changes (no API change)",
                Bump::Patch,
            ));
            sink.raws.push(with_sev(
                raw(
                    kind,
                    format!("{local}#{}", fc.name),
                    side(old_text.clone(), osrc),
                    side(new_text.clone(), nsrc),
                    format!(
                        "Facet {} of {what} {}: {old_text} → {new_text}.",
                        fc.name,
                        rel_word(fc.rel)
                    ),
                    rust,
                ),
                rq,
                rs,
            ));
        }
        if repr_changed && first_repr {
            // The representation changed without a facet or enumeration change we reported
            // (e.g. a named base appeared).
            sink.raws.push(raw(
                K::TypeChanged,
                format!("{local}#base"),
                side(
                    os.base
                        .as_ref()
                        .map(|b| self.disp_old(b))
                        .unwrap_or_else(|| variety_text(&os.variety)),
                    osrc,
                ),
                side(
                    ns.base
                        .as_ref()
                        .map(|b| self.disp(b))
                        .unwrap_or_else(|| variety_text(&ns.variety)),
                    nsrc,
                ),
                format!("The base of {what} changed."),
                repr_impact(),
            ));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cmp_complex(
        &self,
        sink: &mut Sink,
        oc: &ComplexType,
        nc: &ComplexType,
        local: &str,
        item_old: &str,
        item: &str,
        what: &str,
        (osrc, nsrc): (&Option<Source>, &Option<Source>),
        depth: usize,
    ) {
        let ob = oc.base.as_ref().map(|b| self.mq(&b.base));
        let nb = nc.base.as_ref().map(|b| b.base.clone());
        if ob != nb {
            let t = |b: &Option<QName>| {
                b.as_ref()
                    .map(|q| self.disp(q))
                    .unwrap_or_else(|| "no base".into())
            };
            sink.raws.push(raw(
                K::BaseTypeChanged,
                format!("{local}#derivation"),
                side(t(&ob), osrc),
                side(t(&nb), nsrc),
                format!(
                    "Base type of {what} changed (inherited content is compared as part of it)."
                ),
                RustImpact::none(item),
            ));
        }
        if oc.mixed != nc.mixed {
            let rel = if nc.mixed {
                Rel::Widened
            } else {
                Rel::Narrowed
            };
            let (rq, rs) = rel_sev(rel);
            sink.raws.push(with_sev(
                raw(
                    K::MixedChanged,
                    format!("{local}#mixed"),
                    side(format!("mixed={}", oc.mixed), osrc),
                    side(format!("mixed={}", nc.mixed), nsrc),
                    format!(
                        "{what} {} text between its child elements.",
                        if nc.mixed {
                            "now allows"
                        } else {
                            "no longer allows"
                        }
                    ),
                    RustImpact::none(item),
                ),
                rq,
                rs,
            ));
        }
        let inherited = self.inherited(sink, oc, nc, local);
        let saved = std::mem::replace(&mut sink.inherited, inherited);
        self.cmp_attributes(sink, oc, nc, local, item_old, item, what, depth);
        match (&oc.any_attribute, &nc.any_attribute) {
            (None, None) => {}
            (o, n) => {
                let o = o.as_ref().map(|w| self.norm_wild(w, &sink.tns_old, true));
                let n = n.as_ref().map(|w| self.norm_wild(w, &sink.tns_new, false));
                self.cmp_wildcard(
                    sink,
                    o.as_ref(),
                    n.as_ref(),
                    &format!("{local}/@*"),
                    item,
                    what,
                    (osrc, nsrc),
                    true,
                )
            }
        }
        match (&oc.content, &nc.content) {
            (Content::Empty, Content::Empty) => {}
            (Content::Simple(a), Content::Simple(b)) => {
                self.cmp_type_use(
                    sink,
                    a,
                    b,
                    &format!("{local}/text()"),
                    (
                        &format!("{item_old}Value"),
                        &format!("{item}Value"),
                        &format!("{item}::{}", self.field_of(b, false, "value")),
                    ),
                    &format!("the text of {what}"),
                    depth + 1,
                );
            }
            (Content::Elements(a), Content::Elements(b)) => {
                self.cmp_content(sink, a, b, local, item_old, item, what, depth + 1)
            }
            (o, n) => {
                let k = |c: &Content| match c {
                    Content::Empty => "empty content",
                    Content::Simple(_) => "simple content",
                    Content::Elements(_) => "element content",
                };
                let emptiable =
                    |g: &Group| g.min_occurs == 0 || g.particles.iter().all(particle_optional);
                let rel = match (o, n) {
                    (Content::Empty, Content::Elements(g)) if emptiable(g) => Rel::Widened,
                    (Content::Elements(g), Content::Empty) if emptiable(g) => Rel::Narrowed,
                    _ => Rel::Changed,
                };
                let (rq, rs) = rel_sev(rel);
                sink.raws.push(with_sev(
                    raw(
                        K::ContentChanged,
                        format!("{local}#content"),
                        side(k(o), osrc),
                        side(k(n), nsrc),
                        format!("{what} changed from {} to {}.", k(o), k(n)),
                        impact(RustChange::Retyped, item, "fields change", Bump::Major),
                    ),
                    rq,
                    rs,
                ));
            }
        }
        sink.inherited = saved;
    }

    /// For extensions of a named base present on both sides: queues the base pair and
    /// returns what the derived types inherit from it.
    fn inherited(
        &self,
        sink: &mut Sink,
        oc: &ComplexType,
        nc: &ComplexType,
        local: &str,
    ) -> Option<Inherited> {
        use crate::model::DerivationMethod::Extension;
        let (Some(ob), Some(nb)) = (&oc.base, &nc.base) else {
            return None;
        };
        if ob.method != Extension || nb.method != Extension {
            return None;
        }
        let (Some(obd), Some(nbd)) = (self.old.type_def(&ob.base), self.new.type_def(&nb.base))
        else {
            return None;
        };
        let (TypeKind::Complex(obc), TypeKind::Complex(nbc)) = (&obd.kind, &nbd.kind) else {
            return None;
        };
        sink.children.push((
            Anchor::Type(ob.base.to_string(), nb.base.to_string()),
            local.to_string(),
        ));
        let map = |q: &QName| self.mq(q);
        let id = |q: &QName| q.clone();
        let keys = |c: &ComplexType, f: &dyn Fn(&QName) -> QName| -> BTreeSet<String> {
            match &c.content {
                Content::Elements(g) => Flat::new(g, f).by_key.into_keys().collect(),
                _ => BTreeSet::new(),
            }
        };
        Some(Inherited {
            old_elems: keys(obc, &map),
            new_elems: keys(nbc, &id),
            old_attrs: obc
                .attributes
                .iter()
                .map(|a| self.mq(&a.name).to_string())
                .collect(),
            new_attrs: nbc.attributes.iter().map(|a| a.name.to_string()).collect(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn cmp_attributes(
        &self,
        sink: &mut Sink,
        oc: &ComplexType,
        nc: &ComplexType,
        local: &str,
        item_old: &str,
        item: &str,
        what: &str,
        depth: usize,
    ) {
        let (to, tn) = (sink.tns_old.clone(), sink.tns_new.clone());
        let inh = sink.inherited.clone().unwrap_or_default();
        let admits =
            |w: &Option<Wildcard>, tns: &Option<String>, old_side: bool, ns: Option<&str>| {
                w.as_ref().is_some_and(|w| {
                    lattice::wildcard_admits(&self.norm_wild(w, tns, old_side), ns)
                })
            };
        for na in &nc.attributes {
            if inh.new_attrs.contains(&na.name.to_string()) {
                continue;
            }
            let path = format!("{local}/@{}", na.name);
            let field = format!("{item}::{}", self.field_of(na, false, &na.name.local));
            let aname = self.disp(&na.name);
            match oc.attributes.iter().find(|a| self.mq(&a.name) == na.name) {
                None => {
                    let absorbed = admits(&oc.any_attribute, &to, true, na.name.ns.as_deref());
                    let (kind, rq, rs) = if na.required {
                        (
                            K::RequiredAttributeAdded,
                            Severity::Breaking,
                            if absorbed {
                                Severity::Info
                            } else {
                                Severity::Breaking
                            },
                        )
                    } else {
                        (
                            K::OptionalAttributeAdded,
                            Severity::Warning,
                            if absorbed {
                                Severity::Info
                            } else {
                                Severity::Warning
                            },
                        )
                    };
                    sink.raws.push(with_sev(
                        raw(
                            kind,
                            path,
                            None,
                            side(attr_text(self, na, false), &na.source),
                            format!(
                                "New {} attribute {aname} on {what}{}.",
                                if na.required { "required" } else { "optional" },
                                if absorbed {
                                    " (an old xs:anyAttribute admits it)"
                                } else {
                                    ""
                                }
                            ),
                            impact(
                                RustChange::Added,
                                field,
                                "field added to an exhaustive struct",
                                Bump::Major,
                            ),
                        ),
                        rq,
                        rs,
                    ));
                }
                Some(oa) => self.cmp_attribute(sink, oa, na, &path, item_old, item, what, depth),
            }
        }
        for oa in &oc.attributes {
            let mapped = self.mq(&oa.name);
            if nc.attributes.iter().any(|a| a.name == mapped)
                || inh.old_attrs.contains(&mapped.to_string())
            {
                continue;
            }
            let absorbed = admits(&nc.any_attribute, &tn, false, mapped.ns.as_deref());
            let (kind, rq, rs) = if oa.required {
                (
                    K::RequiredAttributeRemoved,
                    if absorbed {
                        Severity::Warning
                    } else {
                        Severity::Breaking
                    },
                    Severity::Breaking,
                )
            } else {
                (
                    K::OptionalAttributeRemoved,
                    if absorbed {
                        Severity::Warning
                    } else {
                        Severity::Breaking
                    },
                    Severity::Warning,
                )
            };
            sink.raws.push(with_sev(
                raw(
                    kind,
                    format!("{local}/@{mapped}"),
                    side(attr_text(self, oa, true), &oa.source),
                    None,
                    format!("Attribute {} removed from {what}.", self.disp_old(&oa.name)),
                    impact(
                        RustChange::Removed,
                        format!("{item_old}::{}", self.field_of(oa, true, &oa.name.local)),
                        "field removed",
                        Bump::Major,
                    ),
                ),
                rq,
                rs,
            ));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cmp_attribute(
        &self,
        sink: &mut Sink,
        oa: &Attribute,
        na: &Attribute,
        path: &str,
        item_old: &str,
        item: &str,
        what: &str,
        depth: usize,
    ) {
        let field = format!("{item}::{}", self.field_of(na, false, &na.name.local));
        let aname = format!("attribute {} of {what}", self.disp(&na.name));
        if oa.required != na.required {
            let kind = if na.required {
                K::AttributeMadeRequired
            } else {
                K::AttributeMadeOptional
            };
            let shape = |r: bool| if r { "T" } else { "Option<T>" };
            sink.raws.push(raw(
                kind,
                path,
                side(
                    if oa.required {
                        "use=required"
                    } else {
                        "use=optional"
                    },
                    &oa.source,
                ),
                side(
                    if na.required {
                        "use=required"
                    } else {
                        "use=optional"
                    },
                    &na.source,
                ),
                format!(
                    "The {aname} is now {}.",
                    if na.required { "required" } else { "optional" }
                ),
                impact(
                    RustChange::Retyped,
                    &field,
                    format!("{} → {}", shape(oa.required), shape(na.required)),
                    Bump::Major,
                ),
            ));
        }
        self.cmp_value_constraints(
            sink,
            path,
            &aname,
            &field,
            (&oa.default, &oa.fixed, &oa.source),
            (&na.default, &na.fixed, &na.source),
        );
        if !doc_eq(oa.doc.as_deref(), na.doc.as_deref()) {
            sink.raws.push(raw(
                K::DocumentationChanged,
                format!("{path}#doc"),
                oa.doc.as_ref().and_then(|d| side(d, &oa.source)),
                na.doc.as_ref().and_then(|d| side(d, &na.source)),
                format!("Documentation of the {aname} changed."),
                docs_impact(&field),
            ));
        }
        self.cmp_type_use(
            sink,
            &oa.type_,
            &na.type_,
            path,
            (
                &format!("{item_old}{}", camel(&oa.name.local)),
                &format!("{item}{}", camel(&na.name.local)),
                &field,
            ),
            &aname,
            depth + 1,
        );
    }

    /// Default and fixed values.
    #[allow(clippy::type_complexity)]
    fn cmp_value_constraints(
        &self,
        sink: &mut Sink,
        path: &str,
        what: &str,
        item: &str,
        (od, of, os): (&Option<String>, &Option<String>, &Option<Source>),
        (nd, nf, ns): (&Option<String>, &Option<String>, &Option<Source>),
    ) {
        if od != nd {
            let t = |v: &Option<String>| {
                v.as_ref()
                    .map(|v| format!("default={v}"))
                    .unwrap_or_else(|| "no default".into())
            };
            sink.raws.push(raw(
                K::DefaultChanged,
                format!("{path}#default"),
                side(t(od), os),
                side(t(nd), ns),
                format!("Default of {what} changed; an absent value now means something else."),
                impact(RustChange::None, item, "default value changes", Bump::Patch),
            ));
        }
        if of != nf {
            let rel = match (of, nf) {
                (None, Some(_)) => Rel::Narrowed,
                (Some(_), None) => Rel::Widened,
                _ => Rel::Changed,
            };
            let (rq, rs) = rel_sev(rel);
            let t = |v: &Option<String>| {
                v.as_ref()
                    .map(|v| format!("fixed={v}"))
                    .unwrap_or_else(|| "not fixed".into())
            };
            sink.raws.push(with_sev(
                raw(
                    K::FixedChanged,
                    format!("{path}#fixed"),
                    side(t(of), os),
                    side(t(nf), ns),
                    format!("Fixed value of {what} {}.", rel_word(rel)),
                    impact(
                        RustChange::None,
                        item,
                        "fixed value check changes",
                        Bump::Patch,
                    ),
                ),
                rq,
                rs,
            ));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cmp_wildcard(
        &self,
        sink: &mut Sink,
        o: Option<&Wildcard>,
        n: Option<&Wildcard>,
        path: &str,
        item: &str,
        what: &str,
        (osrc, nsrc): (&Option<Source>, &Option<Source>),
        attribute: bool,
    ) {
        let thing = if attribute {
            "xs:anyAttribute"
        } else {
            "xs:any"
        };
        let field = format!(
            "{item}::{}",
            if attribute { "any_attributes" } else { "any" }
        );
        match (o, n) {
            (None, Some(w)) => sink.raws.push(raw(
                K::WildcardAdded,
                path,
                None,
                side(lattice::wildcard_text(w), nsrc),
                format!("New extension point ({thing}) in {what}; old strict readers reject extension content sent there."),
                impact(RustChange::Added, field, "extension field added", Bump::Major),
            )),
            (Some(w), None) => sink.raws.push(raw(
                K::WildcardRemoved,
                path,
                side(lattice::wildcard_text(w), osrc),
                None,
                format!("Extension point ({thing}) removed from {what}; old clients may send extension content there."),
                impact(RustChange::Removed, field, "extension field removed", Bump::Major),
            )),
            (Some(a), Some(b)) => {
                let rel = lattice::wildcard_rel(a, b);
                if rel == Rel::Same {
                    return;
                }
                let (kind, rq, rs) = match rel {
                    Rel::Widened => (K::WildcardWidened, Severity::Warning, Severity::Warning),
                    Rel::Narrowed => (K::WildcardNarrowed, Severity::Breaking, Severity::Warning),
                    _ => (K::WildcardNarrowed, Severity::Breaking, Severity::Warning),
                };
                sink.raws.push(with_sev(
                    raw(
                        kind,
                        path,
                        side(lattice::wildcard_text(a), osrc),
                        side(lattice::wildcard_text(b), nsrc),
                        format!("Extension point ({thing}) of {what} {}.", rel_word(rel)),
                        RustImpact::none(field),
                    ),
                    rq,
                    rs,
                ));
            }
            (None, None) => {}
        }
    }

    // -----------------------------------------------------------------------------------------
    // Content models

    #[allow(clippy::too_many_arguments)]
    fn cmp_content(
        &self,
        sink: &mut Sink,
        og: &Group,
        ng: &Group,
        local: &str,
        item_old: &str,
        item: &str,
        what: &str,
        depth: usize,
    ) {
        let map = |q: &QName| self.mq(q);
        let id = |q: &QName| q.clone();
        let of = Flat::new(og, &map);
        let nf = Flat::new(ng, &id);
        let inh = sink.inherited.clone().unwrap_or_default();

        // Match groups: roots, then children of matched parents by shared elements.
        let mut gmap: Vec<Option<usize>> = vec![None; of.groups.len()];
        let mut rev: Vec<Option<usize>> = vec![None; nf.groups.len()];
        if !of.groups.is_empty() && !nf.groups.is_empty() {
            gmap[0] = Some(0);
            rev[0] = Some(0);
        }
        for oi in 1..of.groups.len() {
            let Some(op) = of.groups[oi].parent else {
                continue;
            };
            let Some(np) = gmap[op] else { continue };
            let og_ = &of.groups[oi];
            let mut best: Option<(usize, (usize, usize, bool, usize))> = None;
            for (ni, ng_) in nf.groups.iter().enumerate() {
                if ng_.parent != Some(np) || rev[ni].is_some() {
                    continue;
                }
                let overlap = og_.keys.intersection(&ng_.keys).count();
                let locals = |f: &Flat, g: &FGroup| -> BTreeSet<String> {
                    g.keys
                        .iter()
                        .filter_map(|k| f.by_key.get(k))
                        .map(|&e| f.elems[e].e.name.local.clone())
                        .collect()
                };
                let local_overlap = locals(&of, og_).intersection(&locals(&nf, ng_)).count();
                let both_empty = og_.keys.is_empty() && ng_.keys.is_empty();
                if overlap == 0 && local_overlap == 0 && !both_empty {
                    continue;
                }
                let score = (
                    overlap,
                    local_overlap,
                    og_.g.kind == ng_.g.kind,
                    usize::MAX - ni,
                );
                if best.as_ref().is_none_or(|(_, s)| score > *s) {
                    best = Some((ni, score));
                }
            }
            if let Some((ni, _)) = best {
                gmap[oi] = Some(ni);
                rev[ni] = Some(oi);
            }
        }
        let gpath = |f: &Flat, gi: usize| format!("{local}/{}", f.label(gi));

        // Group-level changes.
        for (oi, ni) in gmap
            .iter()
            .enumerate()
            .filter_map(|(o, n)| n.map(|n| (o, n)))
        {
            let (a, b) = (of.groups[oi].g, nf.groups[ni].g);
            let path = gpath(&nf, ni);
            let gname = if ni == 0 {
                format!("the content of {what}")
            } else {
                format!("group {} of {what}", nf.label(ni))
            };
            if a.kind != b.kind {
                let rel = match (a.kind, b.kind) {
                    (GroupKind::Sequence, GroupKind::All) => Rel::Widened,
                    (GroupKind::All, GroupKind::Sequence) => Rel::Narrowed,
                    _ => Rel::Changed,
                };
                let (rq, rs) = rel_sev(rel);
                let k = |k: GroupKind| format!("{k:?}").to_lowercase();
                let choice_involved = a.kind == GroupKind::Choice || b.kind == GroupKind::Choice;
                sink.raws.push(with_sev(
                    raw(
                        K::CompositorChanged,
                        format!("{path}#compositor"),
                        side(format!("xs:{}", k(a.kind)), &None),
                        side(format!("xs:{}", k(b.kind)), &None),
                        format!(
                            "Model group of {gname} changed from xs:{} to xs:{} ({}).",
                            k(a.kind),
                            k(b.kind),
                            rel_word(rel)
                        ),
                        if choice_involved {
                            impact(
                                RustChange::Retyped,
                                item,
                                "fields become an enum or vice versa",
                                Bump::Major,
                            )
                        } else {
                            RustImpact::none(item)
                        },
                    ),
                    rq,
                    rs,
                ));
            }
            self.cmp_occurs(
                sink,
                &path,
                &gname,
                (a.min_occurs, a.max_occurs, false),
                (b.min_occurs, b.max_occurs, false),
                &format!(
                    "{item}::{}",
                    if b.kind == GroupKind::Choice {
                        "choice"
                    } else {
                        "group"
                    }
                ),
                (&None, &None),
            );
            // Wildcards, positionally.
            let (ow, nw) = (of.direct_wilds(oi), nf.direct_wilds(ni));
            for i in 0..ow.len().max(nw.len()) {
                let p = if i == 0 {
                    format!("{path}/(any)")
                } else {
                    format!("{path}/(any{})", i + 1)
                };
                let (container, _) = nf.container(ni, item, &self.nn);
                let ow_ = ow
                    .get(i)
                    .map(|w| self.norm_wild(of.wilds[*w].0, &sink.tns_old, true));
                let nw_ = nw
                    .get(i)
                    .map(|w| self.norm_wild(nf.wilds[*w].0, &sink.tns_new, false));
                self.cmp_wildcard(
                    sink,
                    ow_.as_ref(),
                    nw_.as_ref(),
                    &p,
                    &container,
                    what,
                    (&None, &None),
                    false,
                );
            }
        }

        // Renames: one removed and one added element between the same matched neighbours,
        // with the same type and occurrences.
        let mut renamed_old: BTreeMap<usize, usize> = BTreeMap::new();
        let mut renamed_new: BTreeSet<usize> = BTreeSet::new();
        for (oi, ni) in gmap
            .iter()
            .enumerate()
            .filter_map(|(o, n)| n.map(|n| (o, n)))
        {
            let od: Vec<usize> = of
                .direct_elems(oi)
                .into_iter()
                .filter(|&o| !inh.old_elems.contains(&of.elems[o].key))
                .collect();
            let nd: Vec<usize> = nf
                .direct_elems(ni)
                .into_iter()
                .filter(|&n| !inh.new_elems.contains(&nf.elems[n].key))
                .collect();
            // Same local name, another namespace (qualification or namespace changes).
            for &o in &od {
                if nf.by_key.contains_key(&of.elems[o].key) || renamed_old.contains_key(&o) {
                    continue;
                }
                let local_name = &of.elems[o].e.name.local;
                if let Some(&n) = nd.iter().find(|&&n| {
                    !of.by_key.contains_key(&nf.elems[n].key)
                        && !renamed_new.contains(&n)
                        && nf.elems[n].e.name.local == *local_name
                }) {
                    renamed_old.insert(o, n);
                    renamed_new.insert(n);
                }
            }
            let od: Vec<usize> = od
                .into_iter()
                .filter(|o| !renamed_old.contains_key(o))
                .collect();
            let nd: Vec<usize> = nd
                .into_iter()
                .filter(|n| !renamed_new.contains(n))
                .collect();
            let matched = |k: &str| {
                nf.by_key.get(k).is_some_and(|&e| nf.elems[e].group == ni)
                    && of.by_key.get(k).is_some_and(|&e| of.elems[e].group == oi)
            };
            // Segment elements by the previous matched key.
            let segments = |list: &[usize], f: &Flat, other: &Flat| {
                let mut segs: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
                let mut prev: Option<String> = None;
                for &e in list {
                    let k = &f.elems[e].key;
                    if matched(k) {
                        prev = Some(k.clone());
                    } else if !other.by_key.contains_key(k) {
                        segs.entry(prev.clone()).or_default().push(e);
                    }
                }
                segs
            };
            let os = segments(&od, &of, &nf);
            let ns = segments(&nd, &nf, &of);
            for (prev, olist) in &os {
                let Some(nlist) = ns.get(prev) else { continue };
                if olist.len() != 1 || nlist.len() != 1 {
                    continue;
                }
                let (oe, ne) = (of.elems[olist[0]].e, nf.elems[nlist[0]].e);
                if self.norm(&oe.type_, true) == self.norm(&ne.type_, false)
                    && oe.min_occurs == ne.min_occurs
                    && oe.max_occurs == ne.max_occurs
                {
                    renamed_old.insert(olist[0], nlist[0]);
                    renamed_new.insert(nlist[0]);
                }
            }
        }

        // Elements in the new model.
        for (ni, fe) in nf.elems.iter().enumerate() {
            if inh.new_elems.contains(&fe.key) {
                continue;
            }
            let ne = fe.e;
            let path = format!("{local}/{}", fe.key);
            let (container, in_choice) = nf.container(fe.group, item, &self.nn);
            let member = if in_choice {
                format!("{container}::{}", self.variant_of(ne, false))
            } else {
                format!("{container}::{}", self.field_of(ne, false, &ne.name.local))
            };
            let name = self.disp(&ne.name);
            if renamed_new.contains(&ni) {
                let Some((&oi, _)) = renamed_old.iter().find(|(_, n)| **n == ni) else {
                    continue;
                };
                let oe = of.elems[oi].e;
                let (ocont, _) = of.container(of.elems[oi].group, item_old, &self.on);
                let omember = if in_choice {
                    format!("{ocont}::{}", self.variant_of(oe, true))
                } else {
                    format!("{ocont}::{}", self.field_of(oe, true, &oe.name.local))
                };
                let same_local = oe.name.local == ne.name.local;
                let kind = if same_local {
                    K::NamespaceChanged
                } else {
                    K::ElementRenamed
                };
                sink.raws.push(raw(
                    kind,
                    path.clone(),
                    side(self.disp_old(&oe.name), &oe.source),
                    side(&name, &ne.source),
                    if same_local {
                        format!("Element {name} in {what} changed namespace (qualification); old instances use another name.")
                    } else {
                        format!("Element {} in {what} was renamed to {name} (same place, same type).", self.disp_old(&oe.name))
                    },
                    if omember != member {
                        impact(RustChange::Renamed, &member, format!("{omember} → {member}"), Bump::Major)
                    } else {
                        RustImpact::none(&member)
                    },
                ));
                self.cmp_element_use(sink, oe, ne, &path, item_old, item, &member, what, depth);
                continue;
            }
            match of.by_key.get(&fe.key) {
                Some(&oi) => {
                    let ofe = &of.elems[oi];
                    if gmap[ofe.group] != Some(fe.group) {
                        sink.raws.push(raw(
                            K::ElementMoved,
                            format!("{path}#group"),
                            side(format!("in {}", of.label(ofe.group)), &ofe.e.source),
                            side(format!("in {}", nf.label(fe.group)), &ne.source),
                            format!("Element {name} in {what} moved into another model group."),
                            RustImpact::none(&member),
                        ));
                    }
                    self.cmp_element_use(
                        sink, ofe.e, ne, &path, item_old, item, &member, what, depth,
                    );
                }
                None => {
                    let og = rev[fe.group];
                    let choice_alt = nf.groups[fe.group].g.kind == GroupKind::Choice
                        && nf.groups[fe.group].members.len() > 1
                        && og.is_some_and(|g| of.groups[g].g.kind == GroupKind::Choice);
                    // The nearest matched group at or above the element's group.
                    let mut anc = Some(fe.group);
                    let mut matched_old = None;
                    while let Some(g) = anc {
                        if let Some(o) = rev[g] {
                            matched_old = Some(o);
                            break;
                        }
                        anc = nf.groups[g].parent;
                    }
                    let absorbed = matched_old.is_some_and(|g| {
                        of.wilds_around(g).iter().any(|w| {
                            lattice::wildcard_admits(
                                &self.norm_wild(w, &sink.tns_old, true),
                                ne.name.ns.as_deref(),
                            )
                        })
                    });
                    let new_side = side(element_text(self, ne, false), &ne.source);
                    let tnote = match &ne.type_ {
                        TypeUse::Named(q) if self.old.type_def(&self.unmap(q)).is_none() => {
                            format!(" (new type {})", self.disp(q))
                        }
                        _ => String::new(),
                    };
                    if choice_alt {
                        sink.raws.push(raw(
                            K::ChoiceAlternativeAdded,
                            path,
                            None,
                            new_side,
                            format!("New alternative {name}{tnote} in a choice of {what}; old clients cannot read it."),
                            impact(RustChange::Added, &member, "variant added to an exhaustive enum", Bump::Major),
                        ));
                    } else if absorbed {
                        sink.raws.push(raw(
                            K::ExtensionElementAdded,
                            path,
                            None,
                            new_side,
                            format!("New element {name}{tnote} in {what}, inside the xs:any extension point: old readers already accept it (lax)."),
                            impact(RustChange::Added, &member, "field added to an exhaustive struct", Bump::Major),
                        ));
                    } else if nf.required(ni) {
                        sink.raws.push(raw(
                            K::RequiredElementAdded,
                            path,
                            None,
                            new_side,
                            format!("New required element {name}{tnote} in {what}: old clients do not send it, and old readers cannot parse responses that carry it."),
                            impact(RustChange::Added, &member, "field added to an exhaustive struct", Bump::Major),
                        ));
                    } else {
                        sink.raws.push(raw(
                            K::OptionalElementAdded,
                            path,
                            None,
                            new_side,
                            format!("New optional element {name}{tnote} in {what}, outside the xs:any extension point: compatible on the wire (old requests stay valid; old readers skip it when tolerant), but the vendor should know."),
                            impact(RustChange::Added, &member, "field added to an exhaustive struct", Bump::Major),
                        ));
                    }
                }
            }
        }
        // Elements only in the old model.
        for (oi, fe) in of.elems.iter().enumerate() {
            if renamed_old.contains_key(&oi)
                || nf.by_key.contains_key(&fe.key)
                || inh.old_elems.contains(&fe.key)
            {
                continue;
            }
            let oe = fe.e;
            let path = format!("{local}/{}", fe.key);
            let (container, in_choice) = of.container(fe.group, item_old, &self.on);
            let member = if in_choice {
                format!("{container}::{}", self.variant_of(oe, true))
            } else {
                format!("{container}::{}", self.field_of(oe, true, &oe.name.local))
            };
            let name = self.disp_old(&oe.name);
            let ng_ = gmap[fe.group];
            let choice_alt = of.groups[fe.group].g.kind == GroupKind::Choice
                && of.groups[fe.group].members.len() > 1
                && ng_.is_some_and(|g| nf.groups[g].g.kind == GroupKind::Choice);
            let mut anc = Some(fe.group);
            let mut matched_new = None;
            while let Some(g) = anc {
                if let Some(n) = gmap[g] {
                    matched_new = Some(n);
                    break;
                }
                anc = of.groups[g].parent;
            }
            let mapped_ns = self.mns(oe.name.ns.as_deref());
            let absorbed = matched_new.is_some_and(|g| {
                nf.wilds_around(g).iter().any(|w| {
                    lattice::wildcard_admits(
                        &self.norm_wild(w, &sink.tns_new, false),
                        mapped_ns.as_deref(),
                    )
                })
            });
            let old_side = side(element_text(self, oe, true), &oe.source);
            let rust = impact(
                RustChange::Removed,
                &member,
                if in_choice {
                    "variant removed"
                } else {
                    "field removed"
                },
                Bump::Major,
            );
            if choice_alt {
                sink.raws.push(raw(
                    K::ChoiceAlternativeRemoved,
                    path,
                    old_side,
                    None,
                    format!("Alternative {name} removed from a choice of {what}; old clients may still send it."),
                    rust,
                ));
            } else if of.required(oi) {
                let rq = if absorbed {
                    Severity::Warning
                } else {
                    Severity::Breaking
                };
                sink.raws.push(with_sev(
                    raw(
                        K::RequiredElementRemoved,
                        path,
                        old_side,
                        None,
                        format!(
                            "Required element {name} removed from {what}: old clients send it{}, old readers expect it.",
                            if absorbed { " (the xs:any extension point still admits it)" } else { "" }
                        ),
                        rust,
                    ),
                    rq,
                    Severity::Breaking,
                ));
            } else {
                let rq = if absorbed {
                    Severity::Warning
                } else {
                    Severity::Breaking
                };
                sink.raws.push(with_sev(
                    raw(
                        K::OptionalElementRemoved,
                        path,
                        old_side,
                        None,
                        format!(
                            "Optional element {name} removed from {what}: old clients may send it{}; readers silently lose it.",
                            if absorbed { " (the xs:any extension point still admits it)" } else { "" }
                        ),
                        rust,
                    ),
                    rq,
                    Severity::Warning,
                ));
            }
        }

        // Order within matched sequences.
        for (oi, ni) in gmap
            .iter()
            .enumerate()
            .filter_map(|(o, n)| n.map(|n| (o, n)))
        {
            if of.groups[oi].g.kind != GroupKind::Sequence
                || nf.groups[ni].g.kind != GroupKind::Sequence
            {
                continue;
            }
            let mut keys = Vec::new();
            let mut positions = Vec::new();
            let nd = nf.direct_elems(ni);
            for e in of.direct_elems(oi) {
                let k = &of.elems[e].key;
                if inh.old_elems.contains(k) || inh.new_elems.contains(k) {
                    continue;
                }
                if let Some(pos) = nd.iter().position(|x| nf.elems[*x].key == *k) {
                    keys.push(k.clone());
                    positions.push(pos);
                }
            }
            let keep = lis(&positions);
            for (i, k) in keys.iter().enumerate() {
                if keep.contains(&i) {
                    continue;
                }
                let Some(&ei) = nf.by_key.get(k) else {
                    continue;
                };
                let ne = nf.elems[ei].e;
                let oe = of.by_key.get(k).map(|&x| of.elems[x].e);
                let pos = positions[i];
                let after = if pos == 0 {
                    "first".to_string()
                } else {
                    format!("after {}", self.disp(&nf.elems[nd[pos - 1]].e.name))
                };
                let old_pos = of
                    .direct_elems(oi)
                    .iter()
                    .position(|x| of.elems[*x].key == *k)
                    .unwrap_or(0);
                let od = of.direct_elems(oi);
                let old_after = if old_pos == 0 {
                    "first".to_string()
                } else {
                    od.get(old_pos - 1)
                        .map(|x| format!("after {}", self.disp_old(&of.elems[*x].e.name)))
                        .unwrap_or_default()
                };
                let (container, _) = nf.container(ni, item, &self.nn);
                sink.raws.push(raw(
                    K::ElementMoved,
                    format!("{local}/{k}#order"),
                    side(old_after, &oe.and_then(|e| e.source.clone())),
                    side(after, &ne.source),
                    format!("Element {} moved within the sequence of {what}; instances in the old order are invalid.", self.disp(&ne.name)),
                    RustImpact::none(format!("{container}::{}", self.field_of(ne, false, &ne.name.local))),
                ));
            }
        }
    }

    /// A wildcard with its target namespace filled in and, on the old side, mapped.
    fn norm_wild(&self, w: &Wildcard, tns: &Option<String>, old_side: bool) -> Wildcard {
        let mut w = with_tns(w, tns);
        if old_side {
            let m = |n: &Option<String>| self.mns(n.as_deref());
            w.namespace = match &w.namespace {
                NamespaceConstraint::Other(t) => NamespaceConstraint::Other(m(t)),
                NamespaceConstraint::List(l) => {
                    NamespaceConstraint::List(l.iter().map(m).collect())
                }
                NamespaceConstraint::Any => NamespaceConstraint::Any,
            };
        }
        w
    }

    /// The old name of a new QName (inverse namespace map), for lookups in the old contract.
    fn unmap(&self, q: &QName) -> QName {
        match &q.ns {
            Some(ns) => match self.nsmap.iter().find(|(_, n)| *n == ns) {
                Some((o, _)) => QName {
                    ns: Some(o.clone()),
                    local: q.local.clone(),
                },
                None => q.clone(),
            },
            None => q.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cmp_occurs(
        &self,
        sink: &mut Sink,
        path: &str,
        what: &str,
        (omin, omax, onil): (u64, Option<u64>, bool),
        (nmin, nmax, nnil): (u64, Option<u64>, bool),
        item: &str,
        (osrc, nsrc): (&Option<Source>, &Option<Source>),
    ) {
        let (so, sn) = (
            occurrence_shape(omin, omax, onil),
            occurrence_shape(nmin, nmax, nnil),
        );
        let rust = || {
            if so != sn {
                impact(
                    RustChange::Retyped,
                    item,
                    format!("{so} → {sn}"),
                    Bump::Major,
                )
            } else {
                impact(
                    RustChange::None,
                    item,
                    "occurrence check changes (no API change)",
                    Bump::Patch,
                )
            }
        };
        if omin != nmin {
            let kind = if nmin > omin {
                K::MinOccursIncreased
            } else {
                K::MinOccursDecreased
            };
            sink.raws.push(raw(
                kind,
                path,
                side(format!("minOccurs={omin}"), osrc),
                side(format!("minOccurs={nmin}"), nsrc),
                format!(
                    "minOccurs of {what} {} from {omin} to {nmin}{}.",
                    if nmin > omin {
                        "increased"
                    } else {
                        "decreased"
                    },
                    match (omin, nmin) {
                        (0, _) => " (optional → required)",
                        (_, 0) => " (required → optional)",
                        _ => "",
                    }
                ),
                rust(),
            ));
        }
        if omax != nmax {
            let up = match (omax, nmax) {
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => b > a,
                _ => false,
            };
            let t = |m: Option<u64>| {
                m.map(|m| m.to_string())
                    .unwrap_or_else(|| "unbounded".into())
            };
            let kind = if up {
                K::MaxOccursIncreased
            } else {
                K::MaxOccursDecreased
            };
            sink.raws.push(raw(
                kind,
                path,
                side(format!("maxOccurs={}", t(omax)), osrc),
                side(format!("maxOccurs={}", t(nmax)), nsrc),
                format!(
                    "maxOccurs of {what} {} from {} to {}.",
                    if up { "increased" } else { "decreased" },
                    t(omax),
                    t(nmax)
                ),
                if omin != nmin {
                    RustImpact::none(item)
                } else {
                    rust()
                },
            ));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cmp_element_use(
        &self,
        sink: &mut Sink,
        oe: &ElementUse,
        ne: &ElementUse,
        path: &str,
        item_old: &str,
        item: &str,
        member: &str,
        what: &str,
        depth: usize,
    ) {
        let ename = format!("element {} in {what}", self.disp(&ne.name));
        self.cmp_occurs(
            sink,
            path,
            &ename,
            (oe.min_occurs, oe.max_occurs, oe.nillable),
            (ne.min_occurs, ne.max_occurs, ne.nillable),
            member,
            (&oe.source, &ne.source),
        );
        if oe.nillable != ne.nillable {
            let kind = if ne.nillable {
                K::NillableAdded
            } else {
                K::NillableRemoved
            };
            sink.raws.push(raw(
                kind,
                format!("{path}#nillable"),
                side(format!("nillable={}", oe.nillable), &oe.source),
                side(format!("nillable={}", ne.nillable), &ne.source),
                format!(
                    "The {ename} {} nillable.",
                    if ne.nillable {
                        "became"
                    } else {
                        "is no longer"
                    }
                ),
                impact(
                    RustChange::Retyped,
                    member,
                    format!(
                        "{} → {}",
                        occurrence_shape(oe.min_occurs, oe.max_occurs, oe.nillable),
                        occurrence_shape(ne.min_occurs, ne.max_occurs, ne.nillable)
                    ),
                    Bump::Major,
                ),
            ));
        }
        self.cmp_value_constraints(
            sink,
            path,
            &ename,
            member,
            (&oe.default, &oe.fixed, &oe.source),
            (&ne.default, &ne.fixed, &ne.source),
        );
        if !doc_eq(oe.doc.as_deref(), ne.doc.as_deref()) {
            sink.raws.push(raw(
                K::DocumentationChanged,
                format!("{path}#doc"),
                oe.doc.as_ref().and_then(|d| side(d, &oe.source)),
                ne.doc.as_ref().and_then(|d| side(d, &ne.source)),
                format!("Documentation of the {ename} changed."),
                docs_impact(member),
            ));
        }
        self.cmp_type_use(
            sink,
            &oe.type_,
            &ne.type_,
            path,
            (
                &format!("{item_old}{}", camel(&oe.name.local)),
                &format!("{item}{}", camel(&ne.name.local)),
                member,
            ),
            &ename,
            depth + 1,
        );
    }

    // -----------------------------------------------------------------------------------------
    // Reach and report

    fn finish(mut self) -> DiffReport {
        let mut reach: BTreeMap<Anchor, Reach> = BTreeMap::new();
        let mut locs: BTreeMap<Anchor, Vec<String>> = BTreeMap::new();
        for root in &self.roots {
            let mut seen: BTreeSet<Anchor> = BTreeSet::new();
            let mut stack = vec![(root.anchor.clone(), root.instance.clone())];
            while let Some((a, inst)) = stack.pop() {
                if !seen.insert(a.clone()) {
                    continue;
                }
                let d = reach
                    .entry(a.clone())
                    .or_default()
                    .entry((root.iface.clone(), root.op.clone()))
                    .or_default();
                *d = d.union(root.dirs);
                let l = locs.entry(a.clone()).or_default();
                if l.len() < MAX_LOCATIONS && root.op.is_some() && !l.contains(&inst) {
                    l.push(inst.clone());
                }
                if let Some(out) = self.anchors.get(&a) {
                    for (child, local) in out.children.iter().rev() {
                        if !seen.contains(child) {
                            stack.push((child.clone(), format!("{inst}{local}")));
                        }
                    }
                }
            }
        }

        let mut changes: BTreeMap<String, Change> = BTreeMap::new();
        let mut add = |c: Change| match changes.get_mut(&c.id) {
            Some(prev) => {
                for o in c.operations {
                    if !prev.operations.contains(&o) {
                        prev.operations.push(o);
                    }
                }
                for i in c.interfaces {
                    if !prev.interfaces.contains(&i) {
                        prev.interfaces.push(i);
                    }
                }
                for l in c.locations {
                    if prev.locations.len() < MAX_LOCATIONS && !prev.locations.contains(&l) {
                        prev.locations.push(l);
                    }
                }
                prev.direction = prev.direction.union(c.direction);
                prev.severity = prev.severity.max(c.severity);
                prev.operations.sort();
                prev.interfaces.sort();
            }
            None => {
                changes.insert(c.id.clone(), c);
            }
        };
        let severity = |r: &Raw, d: Directions| {
            if d.is_none() {
                r.req.max(r.resp)
            } else {
                let mut s = Severity::Info;
                if d.request {
                    s = s.max(r.req);
                }
                if d.response || d.fault {
                    s = s.max(r.resp);
                }
                s
            }
        };
        let build = |r: Raw,
                     path: String,
                     ops: Vec<String>,
                     ifaces: Vec<String>,
                     dirs: Directions,
                     locations: Vec<String>| {
            let mut ops = ops;
            ops.sort();
            ops.dedup();
            let mut ifaces = ifaces;
            ifaces.sort();
            ifaces.dedup();
            Change {
                id: change_id(r.kind, &path),
                severity: severity(&r, dirs),
                kind: r.kind,
                operations: ops,
                direction: dirs,
                path,
                old: r.old,
                new: r.new,
                message: r.message,
                rust_impact: r.rust,
                interfaces: ifaces,
                locations,
                request_severity: r.req,
                response_severity: r.resp,
                accepted: None,
            }
        };

        for f in std::mem::take(&mut self.fixed) {
            let path = f.raw.local.clone();
            add(build(f.raw, path, f.ops, f.ifaces, f.dirs, Vec::new()));
        }
        // Who reaches each namespace (for namespace-level changes).
        let mut ns_reach: BTreeMap<String, (Vec<String>, Vec<String>, Directions)> =
            BTreeMap::new();
        for (a, out) in &self.anchors {
            let r = reach.get(a);
            let (ops, ifaces, dirs) = summarize(r);
            let new_key = match a {
                Anchor::Elem(_, n) | Anchor::Type(_, n) => n,
            };
            if let Some(ns) = ns_of_key(new_key) {
                let e = ns_reach.entry(ns).or_default();
                e.0.extend(ops.iter().cloned());
                e.1.extend(ifaces.iter().cloned());
                e.2 = e.2.union(dirs);
            }
            for raw_ in &out.raws {
                let path = format!("{}{}", out.base, raw_.local);
                let locations: Vec<String> = locs
                    .get(a)
                    .map(|l| l.iter().map(|i| format!("{i}{}", raw_.local)).collect())
                    .unwrap_or_default();
                add(build(
                    raw_.clone(),
                    path,
                    ops.clone(),
                    ifaces.clone(),
                    dirs,
                    locations,
                ));
            }
        }
        for (o, n) in &self.nsmap {
            let (ops, ifaces, dirs) = ns_reach.get(n).cloned().unwrap_or_default();
            let (mo, mn) = (self.on.module(Some(o)), self.nn.module(Some(n)));
            let r = raw(
                K::NamespaceChanged,
                format!("namespace({o})"),
                side(o, &None),
                side(n, &None),
                format!(
                    "Namespace {o} is now {n}: every element in it has a new name on the wire."
                ),
                if mo != mn {
                    impact(
                        RustChange::Renamed,
                        &mn,
                        format!("module {mo} → {mn}"),
                        Bump::Major,
                    )
                } else {
                    RustImpact::none(mn.clone())
                },
            );
            let path = r.local.clone();
            add(build(r, path, ops, ifaces, dirs, Vec::new()));
        }
        // Schema versions.
        let old_versions: BTreeMap<String, &String> = self
            .old
            .schema_versions
            .iter()
            .map(|(k, v)| (self.mns(Some(k)).unwrap_or_default(), v))
            .collect();
        let mut versions: BTreeSet<String> = self.new.schema_versions.keys().cloned().collect();
        versions.extend(old_versions.keys().cloned());
        for ns in versions {
            let old_v = old_versions.get(&ns).map(|v| (*v).clone());
            let new_v = self.new.schema_versions.get(&ns).cloned();
            if old_v == new_v {
                continue;
            }
            let (ops, ifaces, dirs) = ns_reach.get(&ns).cloned().unwrap_or_default();
            let prefix = self
                .prefixes
                .get(&ns)
                .cloned()
                .unwrap_or_else(|| ns.clone());
            let r = raw(
                K::SchemaVersionChanged,
                format!("schema({ns})#version"),
                old_v.as_ref().and_then(|v| side(v, &None)),
                new_v.as_ref().and_then(|v| side(v, &None)),
                format!(
                    "Schema version of {prefix} ({ns}): {} → {}.",
                    old_v.as_deref().unwrap_or("none"),
                    new_v.as_deref().unwrap_or("none")
                ),
                RustImpact::none(self.nn.module(Some(&ns))),
            );
            let path = r.local.clone();
            add(build(r, path, ops, ifaces, dirs, Vec::new()));
        }

        for f in self.representations(&changes, &reach) {
            let path = f.raw.local.clone();
            let c = build(f.raw, path, f.ops, f.ifaces, f.dirs, Vec::new());
            changes.insert(c.id.clone(), c);
        }

        let mut list: Vec<Change> = changes.into_values().collect();
        list.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.interfaces.cmp(&b.interfaces))
                .then_with(|| a.path.cmp(&b.path))
                .then_with(|| a.kind.cmp(&b.kind))
        });
        let suggested_bump = list
            .iter()
            .map(|c| c.rust_impact.bump)
            .max()
            .unwrap_or(Bump::Patch);

        // Interface rows.
        let version_of = |c: &Contract, i: &Interface| -> Option<String> {
            let ns = i
                .operations
                .iter()
                .find_map(|o| {
                    o.input
                        .as_ref()
                        .and_then(|m| m.body.first())
                        .and_then(|p| p.element.as_ref())
                })
                .and_then(|e| e.ns.clone())?;
            c.schema_versions.get(&ns).cloned()
        };
        let mut rows: Vec<InterfaceSummary> = Vec::new();
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for i in self.old.interfaces.iter().chain(&self.new.interfaces) {
            names.insert(&i.name);
        }
        for name in names {
            let o = self.old.interfaces.iter().find(|i| i.name == name);
            let n = self.new.interfaces.iter().find(|i| i.name == name);
            let status = match (o, n) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                _ => "unchanged",
            };
            rows.push(InterfaceSummary {
                name: name.to_string(),
                status: status.to_string(),
                old_version: o.and_then(|i| version_of(self.old, i)),
                new_version: n.and_then(|i| version_of(self.new, i)),
                counts: Summary::default(),
            });
        }
        let namespaces = self
            .prefixes
            .iter()
            .map(|(u, p)| (p.clone(), u.clone()))
            .collect();
        let mut report = DiffReport {
            summary: Summary::default(),
            suggested_bump,
            changes: list,
            interfaces: rows,
            namespaces,
            stale_acceptances: Vec::new(),
        };
        report.recount();
        report
    }
}

impl Engine<'_> {
    /// Fields of the generated API whose wrappers change (`Option<T>` ↔ `Option<Box<T>>`)
    /// while no other change names them: a type grew or shrank across one of the
    /// generator's size thresholds. Read from the layouts of both contracts.
    fn representations(
        &self,
        changes: &BTreeMap<String, Change>,
        reach: &BTreeMap<Anchor, Reach>,
    ) -> Vec<Fixed> {
        let old = self.on.member_types();
        let new = self.nn.member_types();
        let named: BTreeSet<&str> = changes
            .values()
            .map(|c| c.rust_impact.item.as_str())
            .collect();
        // The anchor (named type, else global element) that owns each generated type.
        let mut owners: BTreeMap<String, &Anchor> = BTreeMap::new();
        for a in self.anchors.keys() {
            match a {
                Anchor::Type(_, n) => {
                    if let Some(q) = QName::parse_clark(n) {
                        owners.insert(self.nn.named_path(&q), a);
                    }
                }
                Anchor::Elem(_, n) => {
                    if let Some(q) = QName::parse_clark(n) {
                        owners.entry(self.nn.element_path(&q)).or_insert(a);
                    }
                }
            }
        }
        let mut found = Vec::new();
        for (item, n) in &new {
            let Some(o) = old.get(item) else { continue };
            if o.shape == n.shape || named.contains(item.as_str()) {
                continue;
            }
            let (ty, field) = item.rsplit_once("::").unwrap_or(("", item));
            let owner = owners.get(ty);
            let path = match owner.and_then(|a| self.anchors.get(a)) {
                Some(out) => format!("{}#rust:{field}", out.base),
                None => format!("rust:{item}"),
            };
            let (ops, ifaces, dirs) = summarize(owner.and_then(|a| reach.get(*a)));
            let r = raw(
                K::RustRepresentationChanged,
                path,
                side(&o.text, &None),
                side(&n.text, &None),
                format!(
                    "The generated field {item} changes from {} to {} with no change to its \
                     declaration: its type crossed one of the generator's size thresholds \
                     (large and recursive values are boxed). Nothing changes on the wire.",
                    o.text, n.text
                ),
                impact(
                    RustChange::Retyped,
                    item,
                    format!("{} → {}", o.text, n.text),
                    Bump::Major,
                ),
            );
            found.push(Fixed {
                ifaces,
                ops,
                dirs,
                raw: r,
            });
        }
        found
    }
}

fn summarize(r: Option<&Reach>) -> (Vec<String>, Vec<String>, Directions) {
    let mut ops = Vec::new();
    let mut ifaces = Vec::new();
    let mut dirs = Directions::NONE;
    if let Some(r) = r {
        for ((i, o), d) in r {
            if let Some(o) = o {
                ops.push(o.clone());
            }
            if let Some(i) = i {
                ifaces.push(i.clone());
            }
            dirs = dirs.union(*d);
        }
    }
    ops.sort();
    ops.dedup();
    ifaces.sort();
    ifaces.dedup();
    (ops, ifaces, dirs)
}

/// A short display prefix from a namespace URI: the initials of its last meaningful
/// CamelCase segment (`urn:fk:tandvard:GetMessageResponder:1` → `gmr`), or that segment in
/// lower case (`…/BPMN/20100524/MODEL` → `model`).
fn short_prefix(uri: &str) -> Option<String> {
    let mut parts: Vec<&str> = uri
        .split([':', '/', '#', '?', '='])
        .filter(|s| !s.is_empty())
        .collect();
    if matches!(parts.first(), Some(&("urn" | "http" | "https"))) {
        parts.remove(0);
    }
    let versionish = |p: &str| {
        let l = p.to_ascii_lowercase();
        let digits = l.trim_start_matches('v');
        (!digits.is_empty()
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '_'))
            || l.starts_with("rivtabp")
            || l.ends_with(".xsd")
            || l.ends_with(".wsdl")
            || l == "soap11"
            || l == "soap12"
    };
    let last = parts
        .iter()
        .rev()
        .find(|p| !versionish(p) && !p.contains('.'))?;
    let uppers: String = last.chars().filter(|c| c.is_ascii_uppercase()).collect();
    let has_lower = last.chars().any(|c| c.is_ascii_lowercase());
    let p = if uppers.len() >= 2 && has_lower {
        uppers.to_ascii_lowercase()
    } else {
        last.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(16)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    if p.is_empty() || p.starts_with(|c: char| c.is_ascii_digit()) {
        None
    } else {
        Some(p)
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
