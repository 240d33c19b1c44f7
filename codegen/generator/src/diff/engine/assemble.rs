//! Report assembly: every raw change classified by the directions that reach its anchor, then ids, locations, interface rows and the suggested version bump.

use super::*;

pub(super) fn summarize(r: Option<&Reach>) -> (Vec<String>, Vec<String>, Directions) {
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

impl<'a> Engine<'a> {
    pub(super) fn finish(mut self) -> DiffReport {
        let (reach, locs) = self.reach();
        let mut changes: BTreeMap<String, Change> = BTreeMap::new();
        let mut add = |c: Change| merge_change(&mut changes, c);
        for f in std::mem::take(&mut self.fixed) {
            let path = f.raw.local.clone();
            add(build_change(
                f.raw,
                path,
                f.ops,
                f.ifaces,
                f.dirs,
                Vec::new(),
            ));
        }
        // Who reaches each namespace (for namespace-level changes).
        let mut ns_reach = NsReach::new();
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
                add(build_change(
                    raw_.clone(),
                    path,
                    ops.clone(),
                    ifaces.clone(),
                    dirs,
                    locations,
                ));
            }
        }
        self.namespace_changes(&ns_reach, &mut add);
        for f in self.representations(&changes, &reach) {
            let path = f.raw.local.clone();
            let c = build_change(f.raw, path, f.ops, f.ifaces, f.dirs, Vec::new());
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

        let rows = self.interface_rows();
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

    /// Who reaches each anchor (interface, operation, directions) and the first instance
    /// paths to it, from the roots through the anchors' children.
    fn reach(&self) -> (BTreeMap<Anchor, Reach>, BTreeMap<Anchor, Vec<String>>) {
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
        (reach, locs)
    }

    /// Namespace-level changes: renamed namespaces and schema versions, reached by whoever
    /// reaches the namespace's anchors.
    fn namespace_changes(&self, ns_reach: &NsReach, add: &mut impl FnMut(Change)) {
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
            add(build_change(r, path, ops, ifaces, dirs, Vec::new()));
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
            add(build_change(r, path, ops, ifaces, dirs, Vec::new()));
        }
    }

    /// One row per interface of either revision: added, removed or unchanged, with the
    /// schema version of its first request element.
    fn interface_rows(&self) -> Vec<InterfaceSummary> {
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
        rows
    }
}

/// Who reaches each namespace: operations, interfaces, directions.
type NsReach = BTreeMap<String, (Vec<String>, Vec<String>, Directions)>;

/// Adds a change, or merges it into the change with the same id (reached another way).
fn merge_change(changes: &mut BTreeMap<String, Change>, c: Change) {
    match changes.get_mut(&c.id) {
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
    }
}

/// The severity of a raw change for the directions that reach it.
fn severity(r: &Raw, d: Directions) -> Severity {
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
}

/// A change of the report from a raw change and who reaches it.
fn build_change(
    r: Raw,
    path: String,
    ops: Vec<String>,
    ifaces: Vec<String>,
    dirs: Directions,
    locations: Vec<String>,
) -> Change {
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
}
