//! Simple types and facets: variety, base, enumerations, patterns, lengths and bounds, narrowed or widened.

use super::*;

/// What the parts of a simple type comparison share.
#[derive(Clone, Copy)]
struct SimpleCx<'x> {
    os: &'x SimpleType,
    ns: &'x SimpleType,
    local: &'x str,
    item_old: &'x str,
    item: &'x str,
    what: &'x str,
    osrc: &'x Option<Source>,
    nsrc: &'x Option<Source>,
    /// The Rust representation changes (enum, alias or newtype).
    repr_changed: bool,
    /// No change has reported the representation change yet.
    first_repr: bool,
}

/// How a simple type is generated: an enum, an alias of its built-in, or a checked newtype.
fn repr(s: &SimpleType) -> &'static str {
    if !s.enumeration.is_empty() {
        "enum"
    } else if s.facets.is_empty() && s.base.is_none() {
        "plain"
    } else {
        "newtype"
    }
}

impl SimpleCx<'_> {
    /// The Rust impact of a representation change, or of validation only.
    fn repr_impact(&self) -> RustImpact {
        let (os, ns, item, item_old) = (self.os, self.ns, self.item, self.item_old);
        if self.repr_changed {
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
    }

    /// The first change reports the representation change; later ones their own impact.
    fn next_impact(&mut self, default: RustImpact) -> RustImpact {
        if self.repr_changed && self.first_repr {
            self.first_repr = false;
            self.repr_impact()
        } else {
            default
        }
    }
}

impl<'a> Engine<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cmp_simple(
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
        let repr_changed =
            repr(os) != repr(ns) && (repr(os) == "enum" || repr(ns) == "enum" || item_old != item);
        let mut cx = SimpleCx {
            os,
            ns,
            local,
            item_old,
            item,
            what,
            osrc,
            nsrc,
            repr_changed,
            first_repr: true,
        };
        self.cmp_variety(sink, &cx);
        self.cmp_enumerations(sink, &mut cx);
        self.cmp_facets(sink, &mut cx);
        if cx.repr_changed && cx.first_repr {
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
                cx.repr_impact(),
            ));
        }
    }

    /// Variety (atomic, list, union) and primitive type.
    fn cmp_variety(&self, sink: &mut Sink, cx: &SimpleCx<'_>) {
        let SimpleCx {
            os,
            ns,
            local,
            item,
            what,
            osrc,
            nsrc,
            ..
        } = *cx;
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
    }

    /// Enumeration values added, removed or documented; enumerations added or removed.
    fn cmp_enumerations(&self, sink: &mut Sink, cx: &mut SimpleCx<'_>) {
        let SimpleCx {
            os,
            ns,
            local,
            item_old,
            item,
            what,
            osrc,
            nsrc,
            ..
        } = *cx;
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
                            cx.next_impact(impact(
                                RustChange::Added,
                                self.enum_variant(item, ns, &v.value, false),
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
                                    docs_impact(&self.enum_variant(item, ns, &v.value, false)),
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
                            cx.next_impact(impact(
                                RustChange::Removed,
                                self.enum_variant(item_old, os, &v.value, true),
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
                    cx.next_impact(impact(
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
                    cx.next_impact(impact(
                        RustChange::Retyped,
                        item,
                        "no longer an enum",
                        Bump::Major,
                    )),
                ));
            }
            (true, true) => {}
        }
    }

    /// Facets narrowed, widened or changed.
    fn cmp_facets(&self, sink: &mut Sink, cx: &mut SimpleCx<'_>) {
        let SimpleCx {
            os,
            ns,
            local,
            item,
            what,
            osrc,
            nsrc,
            ..
        } = *cx;
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
            let rust = cx.next_impact(impact(
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
    }
}
