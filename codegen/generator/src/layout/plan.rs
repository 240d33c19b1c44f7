//! The walk that names every generated type, field and variant, in the order the renderer
//! emits them (named types in key order, then the `Any<Base>` enums, then the global
//! elements), so collision suffixes fall where they fall in the generated code.

use std::collections::BTreeMap;

use super::names::{Scope, camel, snake};
use super::{FieldLayout, Layout, RustPath, TypeLayout, VariantLayout, addr, builtin_rust};
use crate::model::{
    ComplexType, Content, Element, ElementUse, Group, GroupKind, Particle, QName, SimpleType,
    SimpleVariety, TypeDef, TypeKind, TypeUse,
};

pub(super) struct Planner<'l, 'c> {
    l: &'l mut Layout<'c>,
    /// Type names taken per module.
    scopes: BTreeMap<String, Scope>,
}

/// The fields of one struct being planned.
struct Fields {
    scope: Scope,
    list: Vec<FieldLayout>,
    /// The type is wide: optional complex fields are boxed from a lower size.
    wide: bool,
}

impl Fields {
    fn new(wide: bool) -> Self {
        Self {
            scope: Scope::default(),
            list: Vec::new(),
            wide,
        }
    }

    fn add(&mut self, wanted: &str, ty: String, boxed: bool) -> String {
        let name = self.scope.claim(wanted);
        self.list.push(FieldLayout {
            name: name.clone(),
            wanted: wanted.to_string(),
            ty,
            boxed,
        });
        name
    }
}

/// The variants of one enum being planned.
#[derive(Default)]
struct Variants {
    scope: Scope,
    list: Vec<VariantLayout>,
}

impl Variants {
    fn add(&mut self, wanted: &str, payload: Option<String>) -> String {
        let name = self.scope.claim(wanted);
        self.list.push(VariantLayout {
            name: name.clone(),
            wanted: wanted.to_string(),
            payload,
        });
        name
    }
}

fn wrap(wrapper: &str, inner: &str) -> String {
    format!("{wrapper}<{inner}>")
}

impl<'l, 'c> Planner<'l, 'c> {
    pub(super) fn new(l: &'l mut Layout<'c>, scopes: BTreeMap<String, Scope>) -> Self {
        Self { l, scopes }
    }

    pub(super) fn plan(mut self) {
        let contract = self.l.contract;
        for (key, def) in &contract.types {
            let path = self.l.named[key].clone();
            self.plan_type(def, &path);
        }
        let polys: Vec<(String, RustPath)> = self
            .l
            .poly
            .iter()
            .map(|(k, p)| (k.clone(), p.clone()))
            .collect();
        for (base, path) in polys {
            self.plan_poly(&base, &path);
        }
        for (key, e) in &contract.elements {
            self.plan_element(key, e);
        }
    }

    fn put(&mut self, path: &RustPath, t: TypeLayout) {
        self.l.types.insert(path.full(), t);
    }

    /// Claims the name of an anonymous or group type in `module`.
    fn claim_type(&mut self, module: &str, wanted: &str) -> RustPath {
        let name = self
            .scopes
            .entry(module.to_string())
            .or_insert_with(|| Scope::with_reserved(&["NS"]))
            .claim(wanted);
        self.l
            .anonymous
            .entry(module.to_string())
            .or_default()
            .push((wanted.to_string(), name.clone()));
        RustPath {
            module: module.to_string(),
            name,
        }
    }

    fn plan_element(&mut self, key: &str, e: &'c Element) {
        let path = self.l.elements[key].clone();
        let is_type_itself = matches!(&e.type_, TypeUse::Named(q) if self.l.named.get(&q.to_string()) == Some(&path));
        if is_type_itself {
            return;
        }
        match &e.type_ {
            TypeUse::Inline(def) if matches!(def.kind, TypeKind::Complex(_)) && !e.nillable => {
                self.l.nodes.types.insert(addr(&**def), path.clone());
                self.plan_type(def, &path);
            }
            other => {
                let inner = self.use_type(other, &path.module, &path.name, "value");
                let ty = if e.nillable {
                    wrap("Nillable", &inner)
                } else {
                    inner
                };
                let mut fields = Fields::new(false);
                fields.add("0", ty, false);
                self.put(
                    &path,
                    TypeLayout {
                        fields: fields.list,
                        variants: Vec::new(),
                    },
                );
            }
        }
    }

    /// The enum over a base type and its derived types.
    fn plan_poly(&mut self, base: &str, path: &RustPath) {
        let contract = self.l.contract;
        let mut variants = Variants::default();
        let members: Vec<String> = std::iter::once(base.to_string())
            .chain(self.l.derived(base).iter().cloned())
            .collect();
        for key in members {
            if super::is_abstract(contract, &key) {
                continue;
            }
            let Some(q) = QName::parse_clark(&key) else {
                continue;
            };
            let Some(tp) = self.l.named.get(&key) else {
                continue;
            };
            let ty = tp.text_from(&path.module);
            let payload = if key == base { ty } else { wrap("Box", &ty) };
            variants.add(&camel(&q.local), Some(payload));
        }
        self.put(
            path,
            TypeLayout {
                fields: Vec::new(),
                variants: variants.list,
            },
        );
    }

    fn plan_type(&mut self, def: &'c TypeDef, path: &RustPath) {
        match &def.kind {
            TypeKind::Simple(s) => self.plan_simple(s, path),
            TypeKind::Complex(c) => self.plan_complex(def, c, path),
        }
    }

    /// The Rust type of a type use, as code in `module` writes it; names (and plans) an
    /// anonymous type `{ctx}{Field}` on the way.
    fn use_type(&mut self, t: &'c TypeUse, module: &str, ctx: &str, field: &str) -> String {
        match t {
            TypeUse::Builtin(b) => builtin_rust(*b).to_string(),
            TypeUse::Named(q) => {
                let key = q.to_string();
                match self.l.poly.get(&key).or_else(|| self.l.named.get(&key)) {
                    Some(p) => p.text_from(module),
                    None => "CompactString".to_string(),
                }
            }
            TypeUse::Inline(def) => {
                if let Some(b) = plain_builtin(def) {
                    return builtin_rust(b).to_string();
                }
                let path = self.claim_type(module, &format!("{ctx}{}", camel(field)));
                self.l.nodes.types.insert(addr(&**def), path.clone());
                self.plan_type(def, &path);
                path.text_from(module)
            }
        }
    }

    /// The Rust type of one occurrence of an element (`Nillable` when nillable).
    fn value_type(&mut self, e: &'c ElementUse, module: &str, ctx: &str) -> String {
        let inner = self.use_type(&e.type_, module, ctx, &e.name.local);
        if e.nillable {
            wrap("Nillable", &inner)
        } else {
            inner
        }
    }

    fn plan_simple(&mut self, s: &'c SimpleType, path: &RustPath) {
        match &s.variety {
            SimpleVariety::List(item) => {
                self.use_type(item, &path.module, &path.name, "item");
            }
            SimpleVariety::Union(members) => {
                for (i, m) in members.iter().enumerate() {
                    self.use_type(m, &path.module, &path.name, &format!("member{}", i + 1));
                }
            }
            SimpleVariety::Atomic(_) if !s.enumeration.is_empty() => {
                let mut variants = Variants::default();
                for v in &s.enumeration {
                    variants.add(&camel(&v.value), None);
                }
                self.put(
                    path,
                    TypeLayout {
                        fields: Vec::new(),
                        variants: variants.list,
                    },
                );
            }
            SimpleVariety::Atomic(_) => {}
        }
    }

    fn plan_complex(&mut self, def: &TypeDef, c: &'c ComplexType, path: &RustPath) {
        let module = path.module.as_str();
        let mut fields = Fields::new(self.l.is_wide(def));
        for a in &c.attributes {
            let ty = self.use_type(&a.type_, module, &path.name, &a.name.local);
            let ty = if a.required { ty } else { wrap("Option", &ty) };
            let name = fields.add(&snake(&a.name.local), ty, false);
            self.l.nodes.fields.insert(addr(a), name);
        }
        if c.any_attribute.is_some() {
            fields.add("any_attributes", "Vec<AnyAttribute>".into(), false);
        }
        match &c.content {
            Content::Empty if c.mixed => {
                fields.add("text", "Vec<String>".into(), false);
            }
            Content::Empty => {}
            Content::Simple(t) => {
                let ty = self.use_type(t, module, &path.name, "value");
                let name = fields.add("value", ty, false);
                self.l.nodes.fields.insert(addr(t), name);
            }
            Content::Elements(g) => {
                self.group_fields(g, module, &path.name, &mut fields);
                if c.mixed {
                    fields.add("text", "Vec<String>".into(), false);
                }
            }
        }
        self.put(
            path,
            TypeLayout {
                fields: fields.list,
                variants: Vec::new(),
            },
        );
    }

    /// The fields of a model group. A sequence that occurs exactly once is flattened into
    /// the parent; other groups become a field of their own type.
    fn group_fields(&mut self, g: &'c Group, module: &str, ctx: &str, fields: &mut Fields) {
        let once = g.min_occurs == 1 && g.max_occurs == Some(1);
        match g.kind {
            GroupKind::Sequence if once => {
                for p in &g.particles {
                    self.particle_field(p, module, ctx, fields);
                }
            }
            GroupKind::All if once => self.all_fields(g, module, ctx, fields),
            _ => {
                let (wanted, field) = match g.kind {
                    GroupKind::Choice => (format!("{ctx}Choice"), "choice"),
                    _ => (format!("{ctx}Group"), "group"),
                };
                let path = self.claim_type(module, &wanted);
                self.l.nodes.types.insert(addr(g), path.clone());
                self.group_type(g, &path);
                let ty = path.text_from(module);
                let min_occurs = if group_emptiable(g) { 0 } else { g.min_occurs };
                let ty = match (min_occurs, g.max_occurs) {
                    (1, Some(1)) => ty,
                    (0, Some(1)) => wrap("Option", &ty),
                    _ => wrap("Vec", &ty),
                };
                fields.add(field, ty, false);
            }
        }
    }

    /// The type of a choice (an enum) or of a sequence that is not flattened (a struct).
    fn group_type(&mut self, g: &'c Group, path: &RustPath) {
        let module = path.module.as_str();
        if g.kind != GroupKind::Choice {
            let mut fields = Fields::new(false);
            match g.kind {
                GroupKind::All => self.all_fields(g, module, &path.name, &mut fields),
                _ => {
                    for p in &g.particles {
                        self.particle_field(p, module, &path.name, &mut fields);
                    }
                }
            }
            self.put(
                path,
                TypeLayout {
                    fields: fields.list,
                    variants: Vec::new(),
                },
            );
            return;
        }
        let mut variants = Variants::default();
        for p in &g.particles {
            match p {
                Particle::Element(e) => {
                    // The renderer names (and emits) the type of an anonymous alternative
                    // twice, once for its field form; the variant holds the second.
                    self.use_type(&e.type_, module, &path.name, &e.name.local);
                    let ty = self.value_type(e, module, &path.name);
                    let payload = if e.max_occurs != Some(1) {
                        wrap("Vec", &ty)
                    } else if self.l.needs_box(&e.type_) {
                        wrap("Box", &ty)
                    } else {
                        ty
                    };
                    let name = variants.add(&camel(&e.name.local), Some(payload));
                    self.l.nodes.variants.insert(addr(e), name);
                }
                Particle::Group(inner) => {
                    let wanted = first_names(p)
                        .first()
                        .map(|q| camel(&q.local))
                        .unwrap_or_else(|| "Group".to_string());
                    let vname = variants.scope.claim(&wanted);
                    let ipath = self.claim_type(module, &format!("{}{vname}", path.name));
                    self.l.nodes.types.insert(addr(inner), ipath.clone());
                    self.group_type(inner, &ipath);
                    let ty = ipath.text_from(module);
                    let payload = if inner.max_occurs != Some(1) {
                        wrap("Vec", &ty)
                    } else {
                        ty
                    };
                    variants.list.push(VariantLayout {
                        name: vname,
                        wanted,
                        payload: Some(payload),
                    });
                }
                Particle::Any(_) => {
                    variants.add("Any", Some("Vec<AnyElement>".into()));
                }
            }
        }
        self.put(
            path,
            TypeLayout {
                fields: Vec::new(),
                variants: variants.list,
            },
        );
    }

    fn particle_field(&mut self, p: &'c Particle, module: &str, ctx: &str, fields: &mut Fields) {
        match p {
            Particle::Element(e) => {
                let ty = self.value_type(e, module, ctx);
                let optional = (e.min_occurs, e.max_occurs) == (0, Some(1));
                let boxed = if optional {
                    self.l.needs_box_optional(&e.type_, fields.wide)
                } else {
                    self.l.needs_box(&e.type_)
                };
                let ty = match (e.min_occurs, e.max_occurs) {
                    (1, Some(1)) if boxed => wrap("Box", &ty),
                    (1, Some(1)) => ty,
                    (0, Some(1)) if boxed => wrap("Option", &wrap("Box", &ty)),
                    (0, Some(1)) => wrap("Option", &ty),
                    _ => wrap("Vec", &ty),
                };
                let boxed = boxed && e.max_occurs == Some(1) && e.min_occurs <= 1;
                let name = fields.add(&snake(&e.name.local), ty, boxed);
                self.l.nodes.fields.insert(addr(e), name);
            }
            Particle::Group(g) => self.group_fields(g, module, ctx, fields),
            Particle::Any(_) => {
                fields.add("any", "Vec<AnyElement>".into(), false);
            }
        }
    }

    /// `xs:all`: elements in any order, each at most once (never boxed).
    fn all_fields(&mut self, g: &'c Group, module: &str, ctx: &str, fields: &mut Fields) {
        for p in &g.particles {
            let Particle::Element(e) = p else { continue };
            let ty = self.value_type(e, module, ctx);
            let ty = if e.min_occurs == 0 {
                wrap("Option", &ty)
            } else {
                ty
            };
            let name = fields.add(&snake(&e.name.local), ty, false);
            self.l.nodes.fields.insert(addr(e), name);
        }
    }
}

/// The built-in an anonymous simple type stands for when it adds nothing to it.
pub(crate) fn plain_builtin(def: &TypeDef) -> Option<crate::model::Builtin> {
    match &def.kind {
        TypeKind::Simple(s)
            if s.facets.is_empty() && s.enumeration.is_empty() && s.base.is_none() =>
        {
            match s.variety {
                SimpleVariety::Atomic(b) => Some(b),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The element names that can start a particle (its first set).
pub(crate) fn first_names(p: &Particle) -> Vec<QName> {
    match p {
        Particle::Element(e) => vec![e.name.clone()],
        Particle::Any(_) => Vec::new(),
        Particle::Group(g) => match g.kind {
            GroupKind::Choice | GroupKind::All => {
                g.particles.iter().flat_map(first_names).collect()
            }
            GroupKind::Sequence => {
                let mut out = Vec::new();
                for p in &g.particles {
                    out.extend(first_names(p));
                    let optional = match p {
                        Particle::Element(e) => e.min_occurs == 0,
                        Particle::Group(g) => g.min_occurs == 0,
                        Particle::Any(w) => w.min_occurs == 0,
                    };
                    if !optional {
                        break;
                    }
                }
                out
            }
        },
    }
}

/// Whether a group can match no element at all.
pub(crate) fn group_emptiable(g: &Group) -> bool {
    if g.min_occurs == 0 {
        return true;
    }
    let particle = |p: &Particle| match p {
        Particle::Element(e) => e.min_occurs == 0,
        Particle::Any(w) => w.min_occurs == 0,
        Particle::Group(inner) => group_emptiable(inner),
    };
    match g.kind {
        GroupKind::Choice => g.particles.is_empty() || g.particles.iter().any(particle),
        GroupKind::Sequence | GroupKind::All => g.particles.iter().all(particle),
    }
}
