//! Content models: sequences, choices and `all` flattened into groups of elements, matched across revisions (moves, renames, compositor and occurrence changes).

use super::*;

// ---------------------------------------------------------------------------------------------
// Flattened content models

#[derive(Debug, Clone, Copy)]
pub(super) enum Member {
    Elem(usize),
    Group,
    Any(usize),
}

#[derive(Debug)]
pub(super) struct FGroup<'g> {
    pub(super) g: &'g Group,
    pub(super) parent: Option<usize>,
    pub(super) members: Vec<Member>,
    /// Keys of every element beneath.
    pub(super) keys: BTreeSet<String>,
}

#[derive(Debug)]
pub(super) struct FElem<'g> {
    pub(super) e: &'g ElementUse,
    pub(super) key: String,
    pub(super) group: usize,
}

#[derive(Debug)]
pub(super) struct Flat<'g> {
    pub(super) groups: Vec<FGroup<'g>>,
    pub(super) elems: Vec<FElem<'g>>,
    pub(super) wilds: Vec<(&'g Wildcard, usize)>,
    pub(super) by_key: BTreeMap<String, usize>,
}

impl<'g> Flat<'g> {
    pub(super) fn new(root: &'g Group, map: &dyn Fn(&QName) -> QName) -> Self {
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

    pub(super) fn add_group(
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
    pub(super) fn required(&self, ei: usize) -> bool {
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

    pub(super) fn direct_elems(&self, gi: usize) -> Vec<usize> {
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

    pub(super) fn direct_wilds(&self, gi: usize) -> Vec<usize> {
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
    pub(super) fn wilds_around(&self, gi: usize) -> Vec<&'g Wildcard> {
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

    pub(super) fn label(&self, gi: usize) -> String {
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
    pub(super) fn container(&self, gi: usize, item: &str, layout: &Layout<'_>) -> (String, bool) {
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
pub(super) fn lis(seq: &[usize]) -> BTreeSet<usize> {
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

/// What the parts of a content comparison share: the two flattened models, the matched
/// groups (old to new, new to old) and where the content is.
#[derive(Clone, Copy)]
struct ContentCx<'x, 'g> {
    of: &'x Flat<'g>,
    nf: &'x Flat<'g>,
    gmap: &'x [Option<usize>],
    rev: &'x [Option<usize>],
    local: &'x str,
    item_old: &'x str,
    item: &'x str,
    what: &'x str,
    depth: usize,
    inh: &'x Inherited,
}

/// Matches the groups of two flattened models: the roots, then children of matched parents
/// by shared elements. Returns old to new and new to old.
fn match_groups(of: &Flat<'_>, nf: &Flat<'_>) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
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
            let local_overlap = locals(of, og_).intersection(&locals(nf, ng_)).count();
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
    (gmap, rev)
}

impl<'a> Engine<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cmp_content(
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

        let (gmap, rev) = match_groups(&of, &nf);
        let cx = ContentCx {
            of: &of,
            nf: &nf,
            gmap: &gmap,
            rev: &rev,
            local,
            item_old,
            item,
            what,
            depth,
            inh: &inh,
        };
        self.cmp_content_groups(sink, &cx);
        let (renamed_old, renamed_new) = self.content_renames(&cx);
        self.cmp_content_new_elements(sink, &cx, &renamed_old, &renamed_new);
        self.cmp_content_old_elements(sink, &cx, &renamed_old);
        self.cmp_content_order(sink, &cx);
    }

    /// Group-level changes: compositor, occurrences, wildcards of matched groups.
    fn cmp_content_groups(&self, sink: &mut Sink, cx: &ContentCx<'_, '_>) {
        let ContentCx {
            of,
            nf,
            gmap,
            local,
            item,
            what,
            ..
        } = *cx;
        let gpath = |f: &Flat, gi: usize| format!("{local}/{}", f.label(gi));
        for (oi, ni) in gmap
            .iter()
            .enumerate()
            .filter_map(|(o, n)| n.map(|n| (o, n)))
        {
            let (a, b) = (of.groups[oi].g, nf.groups[ni].g);
            let path = gpath(nf, ni);
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
    }

    /// Renames: one removed and one added element between the same matched neighbours, with the same type and occurrences.
    fn content_renames(&self, cx: &ContentCx<'_, '_>) -> (BTreeMap<usize, usize>, BTreeSet<usize>) {
        let ContentCx {
            of, nf, gmap, inh, ..
        } = *cx;
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
            let os = segments(&od, of, nf);
            let ns = segments(&nd, nf, of);
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

        (renamed_old, renamed_new)
    }

    /// Elements of the new model: added, renamed, or compared with the old one.
    fn cmp_content_new_elements(
        &self,
        sink: &mut Sink,
        cx: &ContentCx<'_, '_>,
        renamed_old: &BTreeMap<usize, usize>,
        renamed_new: &BTreeSet<usize>,
    ) {
        let ContentCx {
            of,
            nf,
            gmap,
            rev,
            local,
            item_old,
            item,
            what,
            depth,
            inh,
        } = *cx;
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
                self.cmp_renamed_element(sink, cx, oi, fe, &member, in_choice);
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
    }

    /// An element of the new model that renames one of the old model.
    fn cmp_renamed_element(
        &self,
        sink: &mut Sink,
        cx: &ContentCx<'_, '_>,
        oi: usize,
        fe: &FElem<'_>,
        member: &str,
        in_choice: bool,
    ) {
        let ContentCx {
            of,
            local,
            item_old,
            item,
            what,
            depth,
            ..
        } = *cx;
        let ne = fe.e;
        let path = format!("{local}/{}", fe.key);
        let name = self.disp(&ne.name);
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
                impact(RustChange::Renamed, member, format!("{omember} → {member}"), Bump::Major)
            } else {
                RustImpact::none(member)
            },
        ));
        self.cmp_element_use(sink, oe, ne, &path, item_old, item, member, what, depth);
    }

    /// Elements only in the old model: removed.
    fn cmp_content_old_elements(
        &self,
        sink: &mut Sink,
        cx: &ContentCx<'_, '_>,
        renamed_old: &BTreeMap<usize, usize>,
    ) {
        let ContentCx {
            of,
            nf,
            gmap,
            local,
            item_old,
            what,
            inh,
            ..
        } = *cx;
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
    }

    /// Order within matched sequences: elements that moved.
    fn cmp_content_order(&self, sink: &mut Sink, cx: &ContentCx<'_, '_>) {
        let ContentCx {
            of,
            nf,
            gmap,
            local,
            item,
            what,
            inh,
            ..
        } = *cx;
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
    pub(super) fn norm_wild(&self, w: &Wildcard, tns: &Option<String>, old_side: bool) -> Wildcard {
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
    pub(super) fn unmap(&self, q: &QName) -> QName {
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
    pub(super) fn cmp_occurs(
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
    pub(super) fn cmp_element_use(
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
}
