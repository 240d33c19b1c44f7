//! Which fields are boxed: named types that contain themselves through single-valued fields,
//! and the estimated inline sizes of named complex types against the thresholds below.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    Content, Contract, Group, GroupKind, Particle, QName, TypeDef, TypeKind, TypeUse,
};

/// Estimated inline size (bytes) above which single-valued fields of a complex type are
/// boxed.
const LARGE_TYPE: usize = 2048;

/// Estimated inline size (bytes) above which optional single-valued fields of a complex type
/// are boxed: UBL aggregates have dozens of optional children, mostly absent, which would
/// otherwise make every value (and every `Vec` element) kilobytes large.
const LARGE_OPTIONAL_TYPE: usize = 256;

/// A "wide" type: one whose optional single-valued complex children (each above
/// [`WIDE_OPTIONAL_TYPE`] bytes) would take at least this many bytes inline, by estimate.
/// Those fields are then boxed. UBL's aggregates (an `ItemType` has 14 such parts, most of
/// them absent in a document) then take a pointer per absent part, which halves the memory
/// a document takes and makes reading and writing it markedly faster; the types of smaller
/// contracts (the largest of `contracts/`: about 930 bytes) keep their fields inline.
const WIDE_TYPE: usize = 1024;

/// See [`WIDE_TYPE`].
const WIDE_OPTIONAL_TYPE: usize = 48;

/// The boxing analysis of one contract.
#[derive(Debug, Default)]
pub(crate) struct Boxing {
    /// Named types that are (transitively) recursive through single-valued fields.
    recursive: BTreeSet<String>,
    /// Named complex types above [`LARGE_TYPE`].
    large: BTreeSet<String>,
    /// Named complex types above [`LARGE_OPTIONAL_TYPE`]: optional fields of them are boxed.
    large_optional: BTreeSet<String>,
    /// Estimated inline sizes of the named types.
    sizes: BTreeMap<String, usize>,
}

impl Boxing {
    pub(crate) fn new(contract: &Contract) -> Self {
        let mut b = Self {
            recursive: find_recursive(contract),
            ..Self::default()
        };
        b.find_large(contract);
        b
    }

    /// The estimated inline size of a named type, by `{ns}local`.
    pub(crate) fn size(&self, key: &str) -> Option<usize> {
        self.sizes.get(key).copied()
    }

    /// Marks named complex types whose values would take more than [`LARGE_TYPE`] bytes
    /// inline, so single-valued fields of those types are boxed. Deeply nested optional
    /// aggregates (UBL) otherwise give values of megabytes, which overflow the stack while
    /// they are read. Sizes are estimates; fields of large types count as a pointer.
    fn find_large(&mut self, contract: &Contract) {
        let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
        for k in contract.types.keys() {
            let mut visiting = BTreeSet::new();
            Sizer {
                contract,
                recursive: &self.recursive,
                sizes: &mut sizes,
                visiting: &mut visiting,
            }
            .type_size(k);
        }
        for (k, size) in &sizes {
            if *size > LARGE_OPTIONAL_TYPE
                && is_complex(
                    contract,
                    &QName::parse_clark(k).unwrap_or_else(|| QName::new(None, "")),
                )
            {
                if *size > LARGE_TYPE {
                    self.large.insert(k.clone());
                }
                self.large_optional.insert(k.clone());
            }
        }
        self.sizes = sizes;
    }

    /// Whether a single-valued field of this type is boxed.
    pub(crate) fn needs_box(&self, t: &TypeUse) -> bool {
        match t {
            TypeUse::Named(q) => {
                let key = q.to_string();
                self.recursive.contains(&key) || self.large.contains(&key)
            }
            _ => false,
        }
    }

    /// Like [`Self::needs_box`], for an optional single-valued field (boxed from a lower
    /// size, and lower still in a `wide` type: see [`WIDE_TYPE`]).
    pub(crate) fn needs_box_optional(&self, contract: &Contract, t: &TypeUse, wide: bool) -> bool {
        match t {
            TypeUse::Named(q) => {
                let key = q.to_string();
                self.needs_box(t)
                    || self.large_optional.contains(&key)
                    || (wide
                        && self.size(&key).is_some_and(|s| s > WIDE_OPTIONAL_TYPE)
                        && is_complex(contract, q))
            }
            _ => false,
        }
    }

    /// Whether a complex type is wide (see [`WIDE_TYPE`]).
    pub(crate) fn is_wide(&self, contract: &Contract, def: &TypeDef) -> bool {
        self.optional_complex_bytes(contract, &def.kind) >= WIDE_TYPE
    }

    /// Estimated inline size of the optional single-valued children of a complex type (in
    /// its sequences read once) whose type is complex and above [`WIDE_OPTIONAL_TYPE`].
    fn optional_complex_bytes(&self, contract: &Contract, kind: &TypeKind) -> usize {
        fn count(b: &Boxing, contract: &Contract, g: &Group) -> usize {
            if g.max_occurs != Some(1) || g.min_occurs != 1 {
                return 0;
            }
            g.particles
                .iter()
                .map(|p| match p {
                    Particle::Element(e) => match &e.type_ {
                        TypeUse::Named(q)
                            if (e.min_occurs, e.max_occurs) == (0, Some(1))
                                && is_complex(contract, q) =>
                        {
                            b.size(&q.to_string())
                                .filter(|s| *s > WIDE_OPTIONAL_TYPE)
                                .unwrap_or(0)
                        }
                        _ => 0,
                    },
                    Particle::Group(g) if g.kind == GroupKind::Sequence => count(b, contract, g),
                    _ => 0,
                })
                .sum()
        }
        match kind {
            TypeKind::Complex(c) => match &c.content {
                Content::Elements(g) => count(self, contract, g),
                _ => 0,
            },
            TypeKind::Simple(_) => 0,
        }
    }
}

/// The size estimate's walk.
struct Sizer<'a> {
    contract: &'a Contract,
    recursive: &'a BTreeSet<String>,
    sizes: &'a mut BTreeMap<String, usize>,
    visiting: &'a mut BTreeSet<String>,
}

impl Sizer<'_> {
    fn type_size(&mut self, key: &str) -> usize {
        if let Some(s) = self.sizes.get(key) {
            return *s;
        }
        let Some(def) = self.contract.types.get(key) else {
            return 24;
        };
        if !self.visiting.insert(key.to_string()) {
            return 8;
        }
        let size = self.kind_size(&def.kind);
        self.visiting.remove(key);
        self.sizes.insert(key.to_string(), size);
        size
    }

    fn kind_size(&mut self, kind: &TypeKind) -> usize {
        match kind {
            TypeKind::Simple(_) => 24,
            TypeKind::Complex(c) => {
                let attrs = 32 * c.attributes.len();
                let content = match &c.content {
                    Content::Empty => 0,
                    Content::Simple(_) => 24,
                    Content::Elements(g) => self.group_size(g),
                };
                attrs + content + if c.mixed { 24 } else { 0 }
            }
        }
    }

    fn group_size(&mut self, g: &Group) -> usize {
        let once = g.max_occurs == Some(1);
        if !once {
            return 24;
        }
        let sizes_of: Vec<usize> = g
            .particles
            .iter()
            .map(|p| match p {
                Particle::Element(e) if e.max_occurs != Some(1) => 24,
                Particle::Element(e) => 8 + self.use_size(&e.type_),
                Particle::Any(_) => 24,
                Particle::Group(inner) => self.group_size(inner) + 8,
            })
            .collect();
        match g.kind {
            GroupKind::Choice => 8 + sizes_of.into_iter().max().unwrap_or(0),
            _ => sizes_of.into_iter().sum(),
        }
    }

    fn use_size(&mut self, t: &TypeUse) -> usize {
        match t {
            TypeUse::Builtin(_) => 24,
            TypeUse::Named(q) => {
                let key = q.to_string();
                if self.recursive.contains(&key) {
                    return 8;
                }
                let s = self.type_size(&key);
                if s > LARGE_TYPE && is_complex(self.contract, q) {
                    8
                } else {
                    s
                }
            }
            TypeUse::Inline(def) => self.kind_size(&def.kind),
        }
    }
}

/// Named complex types that can contain themselves through non-Vec fields, so those fields
/// are boxed.
fn find_recursive(contract: &Contract) -> BTreeSet<String> {
    let mut recursive = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, def) in &contract.types {
        let mut out = BTreeSet::new();
        collect_single_refs(contract, &def.kind, &mut out);
        edges.insert(key.clone(), out);
    }
    for start in edges.keys() {
        let mut stack: Vec<&String> = edges[start].iter().collect();
        let mut seen: BTreeSet<&String> = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == start {
                recursive.insert(start.clone());
                break;
            }
            if seen.insert(n) {
                if let Some(next) = edges.get(n) {
                    stack.extend(next.iter());
                }
            }
        }
    }
    recursive
}

/// Named complex types referenced through single-valued (non-Vec) element fields.
fn collect_single_refs(c: &Contract, kind: &TypeKind, out: &mut BTreeSet<String>) {
    fn group(c: &Contract, g: &Group, many: bool, out: &mut BTreeSet<String>) {
        let many = many || g.max_occurs != Some(1);
        for p in &g.particles {
            match p {
                Particle::Element(e) => {
                    if many || e.max_occurs != Some(1) {
                        continue;
                    }
                    match &e.type_ {
                        TypeUse::Named(q) => {
                            out.insert(q.to_string());
                        }
                        TypeUse::Inline(def) => collect_single_refs(c, &def.kind, out),
                        TypeUse::Builtin(_) => {}
                    }
                }
                Particle::Group(g) => group(c, g, many, out),
                Particle::Any(_) => {}
            }
        }
    }
    if let TypeKind::Complex(ct) = kind {
        if let Content::Elements(g) = &ct.content {
            group(c, g, false, out);
        }
    }
}

/// Whether a named type is complex.
pub(crate) fn is_complex(c: &Contract, q: &QName) -> bool {
    matches!(c.type_def(q).map(|d| &d.kind), Some(TypeKind::Complex(_)))
}
