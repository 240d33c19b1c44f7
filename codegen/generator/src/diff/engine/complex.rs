//! Complex types: derivation, mixed content, abstractness, and the content and attributes a type inherits from its base.

use super::*;

impl<'a> Engine<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cmp_complex(
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
    pub(super) fn inherited(
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
}
