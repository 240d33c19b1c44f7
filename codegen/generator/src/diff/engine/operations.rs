//! Interfaces, operations and messages: what changed in the WSDL, and the roots (message part elements) the schema comparison starts from.

use super::*;
use crate::model::PartShape;

impl<'a> Engine<'a> {
    pub(super) fn fixed(&mut self, iface: &str, ops: Vec<String>, dirs: Directions, raw: Raw) {
        self.fixed.push(Fixed {
            ifaces: vec![iface.to_string()],
            ops,
            dirs,
            raw,
        });
    }

    pub(super) fn interfaces(&mut self) {
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

    pub(super) fn cmp_interface(&mut self, o: &'a Interface, n: &'a Interface) {
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

    pub(super) fn cmp_operation(&mut self, iface: &str, o: &'a Operation, n: &'a Operation) {
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
        self.cmp_faults(iface, o, n);
    }

    /// Faults of an operation: added, removed, or with another detail element.
    fn cmp_faults(&mut self, iface: &str, o: &'a Operation, n: &'a Operation) {
        let base = format!("{iface}/{}", n.name);
        let ops = vec![n.name.clone()];
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

    pub(super) fn cmp_message(
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
            self.cmp_body_part(iface, op, label, dirs, &o.body[oi], &n.body[ni]);
        }
        self.cmp_headers(iface, op, label, dirs, o, n);
    }

    /// A body part of the old message and the part of the new one it pairs with.
    fn cmp_body_part(
        &mut self,
        iface: &str,
        op: &str,
        label: &str,
        dirs: Directions,
        op_: &'a PartShape,
        np: &'a PartShape,
    ) {
        let base = format!("{iface}/{op}/{label}");
        let ops = vec![op.to_string()];
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

    /// Header parts, matched by element.
    fn cmp_headers(
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
    pub(super) fn schema_roots(&mut self) {
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
}
