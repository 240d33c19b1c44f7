//! Type uses and type definitions: named against anonymous, built-in against built-in, and the Rust types they become.

use super::*;

impl<'a> Engine<'a> {
    /// Compares two type uses at `local`. Of the Rust items, `item_old`/`item_new` are the
    /// names an anonymous type here would have when the layout has none for it, `member` the
    /// field (or element type) a change of type retypes.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cmp_type_use(
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

    /// The definition of a type use: borrowed from the contract (so the layout knows its
    /// nodes), or made up for a built-in.
    pub(super) fn resolve<'t>(
        &'t self,
        t: &'t TypeUse,
        old_side: bool,
    ) -> Option<std::borrow::Cow<'t, TypeDef>> {
        use std::borrow::Cow;
        let c = if old_side { self.old } else { self.new };
        match t {
            TypeUse::Builtin(b) => Some(Cow::Owned(builtin_def(*b))),
            TypeUse::Named(q) => c.type_def(q).map(Cow::Borrowed),
            TypeUse::Inline(d) => Some(Cow::Borrowed(&**d)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn cmp_def(
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
}
