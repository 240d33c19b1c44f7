//! Anchors: the global elements and named types changes are declared in, each compared once and reached from the roots.

use super::*;

impl<'a> Engine<'a> {
    pub(super) fn process(&mut self) {
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
    pub(super) fn unreached(&mut self) {
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

    pub(super) fn cmp_elem_anchor(&self, okey: &str, nkey: &str) -> AnchorOut {
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

    pub(super) fn cmp_global_element(&self, sink: &mut Sink, oe: &Element, ne: &Element) {
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

    pub(super) fn cmp_type_anchor(&self, okey: &str, nkey: &str) -> AnchorOut {
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
}
