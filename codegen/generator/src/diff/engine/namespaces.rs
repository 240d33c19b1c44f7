//! Namespace mapping between the revisions (renamed namespaces, interface pairs) and the display prefixes of the report.

use super::*;

/// A short display prefix from a namespace URI: the initials of its last meaningful
/// CamelCase segment (`urn:fk:tandvard:GetMessageResponder:1` → `gmr`), or that segment in
/// lower case (`…/BPMN/20100524/MODEL` → `model`).
pub(super) fn short_prefix(uri: &str) -> Option<String> {
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

impl<'a> Engine<'a> {
    pub(super) fn iface_pairs(
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

    pub(super) fn map_namespaces(&mut self) {
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

    pub(super) fn plan_prefixes(&mut self) {
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
}
