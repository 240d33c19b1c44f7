//! Attributes, attribute wildcards, and default and fixed values.

use super::*;

impl<'a> Engine<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cmp_attributes(
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
    pub(super) fn cmp_attribute(
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
    pub(super) fn cmp_value_constraints(
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
    pub(super) fn cmp_wildcard(
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
}
