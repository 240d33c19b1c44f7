//! The Rust layout of a contract: every generated module, type, field and variant name (with
//! its final collision suffix), each field's shape (`Option`, `Vec`, `Box`, `Nillable`), the
//! size estimates behind boxing, and the interface plans.
//!
//! Built once from the contract model, before anything is emitted. The renderer
//! ([`crate::render`]) emits from it; the diff ([`crate::diff`]) reads the Rust impact of a
//! change from the layouts of the two revisions, so the names a report gives are those of the
//! generated code.

mod boxing;
pub mod interfaces;
pub mod names;
mod plan;

use std::collections::{BTreeMap, BTreeSet};

use self::boxing::Boxing;
use self::names::{Scope, camel, module_names};
use crate::model::{
    Builtin, Contract, Element, ElementUse, Group, QName, TypeDef, TypeKind, TypeUse,
};

pub use self::interfaces::{InterfaceLayout, OperationLayout};
pub(crate) use self::plan::{first_names, group_emptiable, plain_builtin};

/// Where a generated Rust type lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RustPath {
    /// The module (one per namespace).
    pub module: String,
    /// The type's name in it.
    pub name: String,
}

impl RustPath {
    /// `module::Name`.
    pub fn full(&self) -> String {
        format!("{}::{}", self.module, self.name)
    }

    /// The type as code in `from_module` writes it, without `super::`: `Name` in its own
    /// module, `module::Name` elsewhere.
    pub fn text_from(&self, from_module: &str) -> String {
        if self.module == from_module {
            self.name.clone()
        } else {
            self.full()
        }
    }
}

/// A field of a generated struct (a tuple struct's field is named `0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldLayout {
    /// The field name, collision suffix included.
    pub name: String,
    /// The name the field was planned from (before its collision suffix).
    pub(crate) wanted: String,
    /// The field's type as code in the type's module writes it, runtime paths and `super::`
    /// left out: `Option<Box<common_v1::NameType>>`.
    pub ty: String,
    /// Whether the value is boxed.
    pub boxed: bool,
}

impl FieldLayout {
    /// Only the wrappers of the type (`Option<Box<_>>`): what changes when a type crosses
    /// one of the generator's size thresholds, with no change to its declaration.
    pub fn shape(&self) -> String {
        shape_of(&self.ty)
    }
}

/// A variant of a generated enum, with its payload type (none for a value of an
/// enumeration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantLayout {
    /// The variant name, collision suffix included.
    pub name: String,
    /// The name the variant was planned from.
    pub(crate) wanted: String,
    /// The payload type, as [`FieldLayout::ty`].
    pub payload: Option<String>,
}

/// The type of a struct field or variant payload, with its wrappers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberType {
    /// The type, as [`FieldLayout::ty`].
    pub text: String,
    /// Only its wrappers (`Option<Box<_>>`).
    pub shape: String,
}

impl MemberType {
    fn new(ty: &str) -> Self {
        Self {
            text: ty.to_string(),
            shape: shape_of(ty),
        }
    }
}

/// One generated struct or enum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeLayout {
    /// Struct fields, in declaration order.
    pub fields: Vec<FieldLayout>,
    /// Enum variants, in declaration order.
    pub variants: Vec<VariantLayout>,
}

/// The Rust layout of one contract (see the module documentation).
#[derive(Debug)]
pub struct Layout<'c> {
    contract: &'c Contract,
    /// Namespace URI (or "" for none) to module name.
    modules: BTreeMap<String, String>,
    /// Named types to their Rust paths.
    named: BTreeMap<String, RustPath>,
    /// Global elements to the Rust path of the type that is read and written as them.
    elements: BTreeMap<String, RustPath>,
    /// Base types with derived types: the enum (`Any<Base>`) over the base and its derived
    /// types, chosen by `xsi:type`, that element fields of the base type use.
    poly: BTreeMap<String, RustPath>,
    /// Named complex types derived from each named complex type, transitively.
    derived: BTreeMap<String, Vec<String>>,
    boxing: Boxing,
    /// Every generated struct and enum of the namespace modules, by `module::Name`.
    types: BTreeMap<String, TypeLayout>,
    /// Per module, the names of anonymous and group types in the order the renderer emits
    /// them: (planned from, final).
    anonymous: BTreeMap<String, Vec<(String, String)>>,
    /// Generated names of model nodes of `contract` (see [`NodeNames`]).
    nodes: NodeNames,
    /// The interface modules, in contract order.
    interfaces: Vec<InterfaceLayout>,
}

/// Generated names of model nodes that have no name of their own in the model (anonymous
/// types, groups) or whose Rust name may carry a collision suffix (fields, variants), keyed by
/// the node's address. The keys stay valid because a [`Layout`] borrows its contract.
#[derive(Debug, Default)]
struct NodeNames {
    /// Anonymous type definitions and groups that become a type of their own.
    types: BTreeMap<usize, RustPath>,
    /// Element uses and attributes that become a struct field.
    fields: BTreeMap<usize, String>,
    /// Element uses that become an enum variant (alternatives of a choice).
    variants: BTreeMap<usize, String>,
}

fn addr<T>(node: &T) -> usize {
    std::ptr::from_ref(node) as usize
}

const NO_NS: &str = "";

impl<'c> Layout<'c> {
    /// Plans every name and shape of the code generated from `contract`.
    pub fn new(contract: &'c Contract) -> Self {
        let mut uris: BTreeSet<String> = BTreeSet::new();
        for key in contract.types.keys().chain(contract.elements.keys()) {
            if let Some(q) = QName::parse_clark(key) {
                uris.insert(q.ns.unwrap_or_default());
            }
        }
        let named_uris: Vec<String> = uris.iter().filter(|u| !u.is_empty()).cloned().collect();
        let mut modules = module_names(&named_uris);
        if uris.contains(NO_NS) {
            modules.insert(NO_NS.to_string(), "no_namespace".to_string());
        }
        let mut layout = Self {
            contract,
            modules,
            named: BTreeMap::new(),
            elements: BTreeMap::new(),
            poly: BTreeMap::new(),
            derived: derived_types(contract),
            boxing: Boxing::new(contract),
            types: BTreeMap::new(),
            anonymous: BTreeMap::new(),
            nodes: NodeNames::default(),
            interfaces: Vec::new(),
        };
        let mut scopes = BTreeMap::new();
        layout.plan_names(&mut scopes);
        plan::Planner::new(&mut layout, scopes).plan();
        layout.interfaces = interfaces::plan(&layout);
        layout
    }

    /// The contract this layout was planned from.
    pub fn contract(&self) -> &'c Contract {
        self.contract
    }

    /// The module of a namespace (`None`: no namespace). A namespace the contract holds no
    /// types in is named as it would be alone.
    pub fn module(&self, ns: Option<&str>) -> String {
        if let Some(m) = self.modules.get(ns.unwrap_or(NO_NS)) {
            return m.clone();
        }
        match ns {
            Some(uri) => module_names(&[uri.to_string()])
                .into_values()
                .next()
                .unwrap_or_else(|| "ns".into()),
            None => "no_namespace".into(),
        }
    }

    /// The module of a namespace the contract holds types or elements in.
    pub(crate) fn planned_module(&self, ns: &str) -> Option<&str> {
        self.modules.get(ns).map(String::as_str)
    }

    /// The namespace modules: URI ("" for none) to module name.
    pub fn modules(&self) -> &BTreeMap<String, String> {
        &self.modules
    }

    /// The Rust path of a named type, by `{ns}local`.
    pub fn named(&self, key: &str) -> Option<&RustPath> {
        self.named.get(key)
    }

    /// The `Any<Base>` enum of a base type with derived types, by `{ns}local`.
    pub fn poly(&self, key: &str) -> Option<&RustPath> {
        self.poly.get(key)
    }

    /// Base types with an `Any<Base>` enum, with their enum's path.
    pub(crate) fn polys(&self) -> &BTreeMap<String, RustPath> {
        &self.poly
    }

    /// Named types derived from `key`, transitively, in name order.
    pub(crate) fn derived(&self, key: &str) -> &[String] {
        self.derived.get(key).map(Vec::as_slice).unwrap_or_default()
    }

    /// The Rust path of the type read and written as a global element, by `{ns}local`.
    pub fn element(&self, key: &str) -> Option<&RustPath> {
        self.elements.get(key)
    }

    /// Every global element's Rust path, by `{ns}local`.
    pub fn elements(&self) -> &BTreeMap<String, RustPath> {
        &self.elements
    }

    /// The Rust path of a named type, or where it would be when the contract lacks it.
    pub fn named_path(&self, q: &QName) -> String {
        match self.named(&q.to_string()) {
            Some(p) => p.full(),
            None => format!("{}::{}", self.module(q.ns.as_deref()), camel(&q.local)),
        }
    }

    /// The Rust path of a global element's type, or where it would be when the contract
    /// lacks it.
    pub fn element_path(&self, q: &QName) -> String {
        match self.element(&q.to_string()) {
            Some(p) => p.full(),
            None => format!("{}::{}", self.module(q.ns.as_deref()), camel(&q.local)),
        }
    }

    /// Every generated struct and enum of the namespace modules, by `module::Name`.
    pub fn types(&self) -> &BTreeMap<String, TypeLayout> {
        &self.types
    }

    /// The type of every struct field (`module::Type::field`) and enum variant payload
    /// (`module::Enum::Variant`) of the namespace modules, as [`FieldLayout::ty`] writes it.
    pub fn member_types(&self) -> BTreeMap<String, MemberType> {
        let mut out = BTreeMap::new();
        for (path, t) in &self.types {
            for f in &t.fields {
                out.insert(format!("{path}::{}", f.name), MemberType::new(&f.ty));
            }
            for v in &t.variants {
                if let Some(p) = &v.payload {
                    out.insert(format!("{path}::{}", v.name), MemberType::new(p));
                }
            }
        }
        out
    }

    /// One generated struct or enum, by `module::Name`.
    pub fn type_layout(&self, path: &RustPath) -> Option<&TypeLayout> {
        self.types.get(&path.full())
    }

    /// The names of anonymous and group types planned in a module, in emission order.
    pub(crate) fn anonymous(&self, module: &str) -> &[(String, String)] {
        self.anonymous
            .get(module)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The type generated for an anonymous type definition or a group of this contract.
    pub fn node_type<T: LayoutNode>(&self, node: &T) -> Option<&RustPath> {
        self.nodes.types.get(&addr(node))
    }

    /// The struct field generated for an element use or attribute of this contract.
    pub fn node_field<T: LayoutNode>(&self, node: &T) -> Option<&str> {
        self.nodes.fields.get(&addr(node)).map(String::as_str)
    }

    /// The enum variant generated for an alternative of a choice of this contract.
    pub fn node_variant(&self, node: &ElementUse) -> Option<&str> {
        self.nodes.variants.get(&addr(node)).map(String::as_str)
    }

    /// The interface modules, in contract order.
    pub fn interfaces(&self) -> &[InterfaceLayout] {
        &self.interfaces
    }

    /// The interface module of a port type, by interface name.
    pub fn interface(&self, name: &str) -> Option<&InterfaceLayout> {
        self.interfaces.iter().find(|i| i.port_type == name)
    }

    /// The module of an interface (by port type name), or where it would be.
    pub fn interface_module(&self, iface: &str) -> String {
        self.interface(iface)
            .map_or_else(|| names::snake(iface), |i| i.module.clone())
    }

    /// `module::{Base}Client::method` of an operation, or where it would be.
    pub fn client_method(&self, iface: &str, op: &str) -> String {
        match self.interface(iface) {
            Some(i) => i.client_method(op),
            None => format!(
                "{}::{}Client::{}",
                names::snake(iface),
                camel(interfaces::base_name(iface)),
                names::snake(op)
            ),
        }
    }

    /// `{Base}Service`, the server trait of an interface, or what it would be called.
    pub fn service(&self, iface: &str) -> String {
        self.interface(iface).map_or_else(
            || format!("{}Service", camel(interfaces::base_name(iface))),
            |i| i.service.clone(),
        )
    }

    /// `module::OPERATION`, an operation's metadata constant, or where it would be.
    pub fn op_const(&self, iface: &str, op: &str) -> String {
        match self.interface(iface) {
            Some(i) => i.op_const(op),
            None => format!(
                "{}::{}",
                names::snake(iface),
                names::snake(op).to_uppercase()
            ),
        }
    }

    /// `module::{Op}Fault::{Fault}`, a fault variant, or where it would be.
    pub fn fault_variant(&self, iface: &str, op: &str, fault: &str) -> String {
        match self.interface(iface) {
            Some(i) => i.fault_variant(op, fault),
            None => format!(
                "{}::{}Fault::{}",
                names::snake(iface),
                camel(op),
                camel(fault)
            ),
        }
    }

    /// Whether a single-valued field of this type is boxed.
    pub(crate) fn needs_box(&self, t: &TypeUse) -> bool {
        self.boxing.needs_box(t)
    }

    /// Whether an optional single-valued field of this type is boxed, in a type that is
    /// `wide` or not.
    pub(crate) fn needs_box_optional(&self, t: &TypeUse, wide: bool) -> bool {
        self.boxing.needs_box_optional(self.contract, t, wide)
    }

    /// Whether a complex type is wide: its optional complex fields are boxed from a lower
    /// size.
    pub(crate) fn is_wide(&self, def: &TypeDef) -> bool {
        self.boxing.is_wide(self.contract, def)
    }

    /// The estimated inline size of a named type, by `{ns}local`.
    pub fn estimated_size(&self, key: &str) -> Option<usize> {
        self.boxing.size(key)
    }

    fn module_of(&self, ns: Option<&str>) -> String {
        self.modules
            .get(ns.unwrap_or(NO_NS))
            .cloned()
            .unwrap_or_else(|| "no_namespace".to_string())
    }

    /// Named types first (so their names are stable), then `Any<Base>` enums, then the
    /// wrappers of global elements.
    fn plan_names(&mut self, scopes: &mut BTreeMap<String, Scope>) {
        let contract = self.contract;
        fn scope<'s>(scopes: &'s mut BTreeMap<String, Scope>, module: &str) -> &'s mut Scope {
            scopes
                .entry(module.to_string())
                .or_insert_with(|| Scope::with_reserved(&["NS"]))
        }
        for key in contract.types.keys() {
            let Some(q) = QName::parse_clark(key) else {
                continue;
            };
            let module = self.module_of(q.ns.as_deref());
            let name = scope(scopes, &module).claim(&camel(&q.local));
            self.named.insert(key.clone(), RustPath { module, name });
        }
        // `Any<Base>` enums, for bases with at least one non-abstract member.
        for (base, derived) in &self.derived {
            let Some(q) = QName::parse_clark(base) else {
                continue;
            };
            if is_abstract(contract, base) && derived.iter().all(|k| is_abstract(contract, k)) {
                continue;
            }
            let module = self.module_of(q.ns.as_deref());
            let wanted = format!("Any{}", self.named[base].name.trim_end_matches('_'));
            let name = scope(scopes, &module).claim(&wanted);
            self.poly.insert(base.clone(), RustPath { module, name });
        }
        // Which named types serve as the type of more than one root element?
        let mut uses: BTreeMap<String, usize> = BTreeMap::new();
        for e in contract.elements.values() {
            if let TypeUse::Named(q) = &e.type_ {
                *uses.entry(q.to_string()).or_default() += 1;
            }
        }
        for (key, e) in &contract.elements {
            let module = self.module_of(e.name.ns.as_deref());
            let path = match &e.type_ {
                TypeUse::Named(q) if self.element_is_type(e, q, &uses) => {
                    self.named[&q.to_string()].clone()
                }
                _ => {
                    let mut wanted = camel(&e.name.local);
                    if self
                        .named
                        .values()
                        .any(|p| p.module == module && p.name == wanted)
                    {
                        wanted.push_str("Element");
                    }
                    let name = scope(scopes, &module).claim(&wanted);
                    RustPath { module, name }
                }
            };
            self.elements.insert(key.clone(), path);
        }
    }

    /// Whether a global element is read and written as its named type itself (rather than a
    /// wrapper): the type is complex, serves no other element, is not nillable and has no
    /// `Any<Base>` enum.
    fn element_is_type(&self, e: &Element, q: &QName, uses: &BTreeMap<String, usize>) -> bool {
        uses.get(&q.to_string()) == Some(&1)
            && boxing::is_complex(self.contract, q)
            && !e.nillable
            && !self.poly.contains_key(&q.to_string())
            && self.named.contains_key(&q.to_string())
    }
}

/// A model node the layout names: anonymous type definitions, groups, element uses,
/// attributes and the type uses of simple content.
pub trait LayoutNode {}
impl LayoutNode for TypeDef {}
impl LayoutNode for Group {}
impl LayoutNode for ElementUse {}
impl LayoutNode for crate::model::Attribute {}
impl LayoutNode for TypeUse {}

/// The Rust type the generator uses for a built-in, runtime paths left out
/// (`CompactString`, `Vec<u8>`, `XsList<CompactString>`).
pub fn builtin_rust(b: Builtin) -> &'static str {
    use Builtin as B;
    match b {
        B::Boolean => "bool",
        B::Decimal => "Decimal",
        B::Integer | B::NonPositiveInteger | B::NegativeInteger | B::Long => "i64",
        B::NonNegativeInteger | B::PositiveInteger | B::UnsignedLong => "u64",
        B::Int => "i32",
        B::Short => "i16",
        B::Byte => "i8",
        B::UnsignedInt => "u32",
        B::UnsignedShort => "u16",
        B::UnsignedByte => "u8",
        B::Float => "f32",
        B::Double => "f64",
        B::Date => "Date",
        B::DateTime => "DateTime",
        B::Time => "Time",
        B::Duration => "Duration",
        B::GYear => "GYear",
        B::GYearMonth => "GYearMonth",
        B::GMonth => "GMonth",
        B::GMonthDay => "GMonthDay",
        B::GDay => "GDay",
        B::Base64Binary => "Vec<u8>",
        B::HexBinary => "HexBinary",
        B::NmTokens | B::IdRefs | B::Entities => "XsList<CompactString>",
        B::AnyType => "AnyElement",
        _ => "CompactString",
    }
}

/// The shape of an element field by its occurrence alone: `T`, `Option<T>` or `Vec<T>` (with
/// `Nillable<…>` inside when nillable); boxing aside.
pub fn occurrence_shape(min: u64, max: Option<u64>, nillable: bool) -> String {
    let inner = if nillable { "Nillable<T>" } else { "T" };
    match (min, max) {
        (_, None) => format!("Vec<{inner}>"),
        (_, Some(m)) if m > 1 => format!("Vec<{inner}>"),
        (0, _) => format!("Option<{inner}>"),
        _ => inner.to_string(),
    }
}

/// The wrappers of a type as [`FieldLayout::ty`] writes it (`Option`, `Box`, `Vec`,
/// `Nillable`), everything else `_`.
fn shape_of(ty: &str) -> String {
    for wrapper in ["Option", "Box", "Vec", "Nillable"] {
        if let Some(inner) = ty
            .strip_prefix(wrapper)
            .and_then(|r| r.strip_prefix('<'))
            .and_then(|r| r.strip_suffix('>'))
        {
            return format!("{wrapper}<{}>", shape_of(inner));
        }
    }
    "_".to_string()
}

/// Named complex types derived (by extension or restriction) from each named complex type,
/// transitively, in name order.
fn derived_types(c: &Contract) -> BTreeMap<String, Vec<String>> {
    let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, def) in &c.types {
        if let TypeKind::Complex(ct) = &def.kind {
            if let Some(d) = &ct.base {
                if boxing::is_complex(c, &d.base) {
                    children
                        .entry(d.base.to_string())
                        .or_default()
                        .push(key.clone());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for base in children.keys() {
        let mut all: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<&String> = children[base].iter().collect();
        while let Some(k) = stack.pop() {
            if k != base && all.insert(k.clone()) {
                stack.extend(children.get(k).into_iter().flatten());
            }
        }
        out.insert(base.clone(), all.into_iter().collect());
    }
    out
}

/// Whether a named complex type is abstract, by `{ns}local`.
pub(crate) fn is_abstract(c: &Contract, key: &str) -> bool {
    matches!(c.types.get(key).map(|d| &d.kind), Some(TypeKind::Complex(ct)) if ct.is_abstract)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_keep_only_the_wrappers() {
        assert_eq!(
            shape_of("Option<Box<common_v1::NameType>>"),
            "Option<Box<_>>"
        );
        assert_eq!(shape_of("Vec<Nillable<Name>>"), "Vec<Nillable<_>>");
        assert_eq!(shape_of("XsList<CompactString>"), "_");
        assert_eq!(shape_of("Vec<u8>"), "Vec<_>");
    }
}
