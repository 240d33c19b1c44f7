//! Rust impact: the generated items a change touches, named from the layouts of the two
//! revisions ([`crate::layout`]), and the representation changes (boxing) that only the
//! layouts show.

use super::*;

impl<'a> Engine<'a> {
    pub(super) fn layout(&self, old_side: bool) -> &Layout<'a> {
        if old_side { &self.on } else { &self.nn }
    }

    /// The generated field of an element use or attribute (`local` in snake case when the
    /// layout has no field for it).
    pub(super) fn field_of<T: LayoutNode>(&self, node: &T, old_side: bool, local: &str) -> String {
        self.layout(old_side)
            .node_field(node)
            .map_or_else(|| snake(local), str::to_string)
    }

    /// The impact of a change to an operation's messages: its client method is retyped, or
    /// removed when the new contract's operation can no longer be generated.
    pub(super) fn message_impact(&self, iface: &str, op: &str, detail: String) -> RustImpact {
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
    pub(super) fn variant_of(&self, e: &ElementUse, old_side: bool) -> String {
        self.layout(old_side)
            .node_variant(e)
            .map_or_else(|| camel(&e.name.local), str::to_string)
    }

    /// Fields of the generated API whose wrappers change (`Option<T>` ↔ `Option<Box<T>>`)
    /// while no other change names them: a type grew or shrank across one of the
    /// generator's size thresholds. Read from the layouts of both contracts.
    pub(super) fn representations(
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

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_type_renamed(
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

    pub(super) fn retype(&self, old: &str, new: &str, item: &str) -> RustImpact {
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

    pub(super) fn rust_of(&self, t: &TypeUse, old_side: bool, inline_name: &str) -> String {
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

    /// `item::Variant`, the variant of an enumeration value of the enum at `item`.
    pub(super) fn enum_variant(
        &self,
        item: &str,
        s: &SimpleType,
        value: &str,
        old_side: bool,
    ) -> String {
        let planned = s
            .enumeration
            .iter()
            .position(|v| v.value == value)
            .and_then(|i| self.layout(old_side).types().get(item)?.variants.get(i));
        match planned {
            Some(v) => format!("{item}::{}", v.name),
            None => format!("{item}::{}", camel(value)),
        }
    }
}
