//! Rust types with their XML readers and writers, rendered from the contract model.
//!
//! The generated code is straight-line: each field is read with one runtime call that builds
//! the value in place (`r.req`, `r.opt`, `r.rep`, ...) and written with one call (`w.elem`,
//! ...). No per-type state machine, so a type costs about three lines per field.

mod complex;
mod elements;
mod groups;
mod simple;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::doc_attrs;
use crate::layout::names::{Scope, camel, snake};
use crate::layout::{
    FieldLayout, Layout, RustPath, VariantLayout, builtin_rust, first_names, group_emptiable,
    plain_builtin,
};
use crate::model::*;

/// A rendered module: its name and items.
pub struct ModuleCode {
    /// The module name.
    pub name: String,
    /// The namespace it holds.
    pub namespace: Option<String>,
    /// Its items.
    pub items: Vec<TokenStream>,
    /// How many types (structs and enums) it defines.
    pub type_count: usize,
}

/// Options that change the generated types.
#[derive(Debug, Clone, Default)]
pub struct TypeOptions {
    /// Emit doc comments from `xs:documentation`.
    pub docs: bool,
}

/// Renders all types of a contract, grouped by namespace module, from its [`Layout`].
pub struct TypeRenderer<'l, 'c> {
    contract: &'c Contract,
    layout: &'l Layout<'c>,
    opts: TypeOptions,
    /// Namespace URI to the prefix writers use.
    prefixes: BTreeMap<String, String>,
    out: BTreeMap<String, ModuleCode>,
    /// Namespace constants used: URI to constant name.
    ns_consts: BTreeMap<String, String>,
    /// Per module, how many of the layout's anonymous type names are emitted so far.
    anonymous_emitted: BTreeMap<String, usize>,
    /// Warnings about features rendered with reduced fidelity.
    pub warnings: Vec<String>,
}

impl<'l, 'c> TypeRenderer<'l, 'c> {
    /// A renderer of the types `layout` plans.
    pub fn new(layout: &'l Layout<'c>, opts: TypeOptions) -> Self {
        let contract = layout.contract();
        let prefixes = contract
            .namespaces
            .iter()
            .map(|n| (n.uri.clone(), n.prefix.clone()))
            .collect();
        Self {
            contract,
            layout,
            opts,
            prefixes,
            out: BTreeMap::new(),
            ns_consts: BTreeMap::new(),
            anonymous_emitted: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// The name of the next anonymous or group type of `module`, as the layout planned it.
    fn claim_type(&mut self, module: &str, wanted: &str) -> RustPath {
        let n = self
            .anonymous_emitted
            .entry(module.to_string())
            .or_default();
        let planned = self.layout.anonymous(module).get(*n);
        *n += 1;
        let name = match planned {
            Some((w, name)) if w == wanted => name.clone(),
            _ => {
                // A bug: the layout's walk and the renderer's disagree.
                debug_assert!(false, "{module}: the layout planned no type {wanted} here");
                let name = format!("{wanted}Unplanned{n}");
                self.warnings.push(format!(
                    "internal: {module}::{name} was not planned by the layout"
                ));
                name
            }
        };
        RustPath {
            module: module.to_string(),
            name,
        }
    }

    /// An empty field set for the struct at `path`, with the fields the layout planned.
    fn planned_fields(&self, path: &RustPath) -> FieldSet {
        FieldSet {
            planned: Planned::new(
                self.layout
                    .type_layout(path)
                    .map(|t| t.fields.clone())
                    .unwrap_or_default(),
            ),
            ..FieldSet::default()
        }
    }

    /// The variants the layout planned for the enum at `path`.
    fn planned_variants(&self, path: &RustPath) -> Planned<VariantLayout> {
        Planned::new(
            self.layout
                .type_layout(path)
                .map(|t| t.variants.clone())
                .unwrap_or_default(),
        )
    }

    /// Renders every type and element; returns modules sorted by name.
    pub fn render(mut self) -> (Vec<ModuleCode>, TokenStream, Vec<String>) {
        let contract = self.contract;
        let layout = self.layout;
        for (key, def) in &contract.types {
            let Some(path) = layout.named(key) else {
                continue;
            };
            let items = self.type_items(def, path, None);
            self.push(&path.module, items, true);
        }
        for (base, path) in layout.polys() {
            let items = self.poly_items(base, path);
            self.push(&path.module, items, true);
        }
        for (key, e) in &contract.elements {
            let Some(path) = layout.element(key) else {
                continue;
            };
            let items = self.element_items(path, e);
            self.push(&path.module, items, false);
        }
        let mut consts = Vec::new();
        for (uri, name) in &self.ns_consts {
            let ident = format_ident!("{}", name);
            let doc = format!("Namespace `{uri}`.");
            consts.push(quote! {
                #[doc = #doc]
                #[rustfmt::skip]
                pub const #ident: &str = #uri;
            });
        }
        let root = quote! { #(#consts)* };
        let modules = self.out.into_values().collect();
        (modules, root, self.warnings)
    }

    fn push(&mut self, module: &str, items: Vec<TokenStream>, counts_as_type: bool) {
        let namespace = self
            .layout
            .modules()
            .iter()
            .find(|(_, m)| m.as_str() == module)
            .map(|(u, _)| u.clone())
            .filter(|u| !u.is_empty());
        let entry = self
            .out
            .entry(module.to_string())
            .or_insert_with(|| ModuleCode {
                name: module.to_string(),
                namespace,
                items: Vec::new(),
                type_count: 0,
            });
        if counts_as_type {
            entry.type_count += 1;
        }
        entry.items.extend(items);
    }

    fn doc(&self, doc: Option<&str>) -> TokenStream {
        if !self.opts.docs {
            return TokenStream::new();
        }
        match doc {
            Some(d) => doc_attrs(d),
            None => TokenStream::new(),
        }
    }

    fn ns_const(&mut self, uri: &str) -> TokenStream {
        if uri.is_empty() {
            return quote! { "" };
        }
        let n = self.ns_consts.len();
        let name = self
            .ns_consts
            .entry(uri.to_string())
            .or_insert_with(|| {
                let m = self
                    .layout
                    .planned_module(uri)
                    .map_or_else(|| format!("ns{n}"), str::to_string);
                format!("NS_{}", m.to_ascii_uppercase())
            })
            .clone();
        let ident = format_ident!("{}", name);
        quote! { super::#ident }
    }

    /// The name an element is written with: `prefix:local` or `local`.
    fn prefixed(&self, q: &QName) -> String {
        if q.ns.as_deref() == Some("http://www.w3.org/XML/1998/namespace") {
            // Predeclared: always `xml:`, never declared.
            return format!("xml:{}", q.local);
        }
        match &q.ns {
            Some(ns) => match self.prefixes.get(ns) {
                Some(p) => format!("{p}:{}", q.local),
                None => q.local.clone(),
            },
            None => q.local.clone(),
        }
    }

    fn path_tokens(&self, from_module: &str, path: &RustPath) -> TokenStream {
        let name = format_ident!("{}", path.name);
        if path.module == from_module {
            quote! { #name }
        } else {
            let m = format_ident!("{}", path.module);
            quote! { super::#m::#name }
        }
    }

    fn type_items(
        &mut self,
        def: &TypeDef,
        path: &RustPath,
        _ctx: Option<&str>,
    ) -> Vec<TokenStream> {
        match &def.kind {
            TypeKind::Simple(s) => self.simple_items(def, s, path),
            TypeKind::Complex(c) => self.complex_items(def, c, path),
        }
    }

    /// A Rust type expression for a type use (rendering anonymous types as needed).
    fn rust_type(&mut self, t: &TypeUse, module: &str, ctx: &str, field: &str) -> TokenStream {
        match t {
            TypeUse::Builtin(b) => builtin_type(*b),
            TypeUse::Named(q) => match self
                .layout
                .poly(&q.to_string())
                .or_else(|| self.layout.named(&q.to_string()))
            {
                Some(p) => self.path_tokens(module, p),
                None => {
                    self.warnings
                        .push(format!("type {q} is not in the model; using a string"));
                    quote! { ::tandvard_runtime::CompactString }
                }
            },
            TypeUse::Inline(def) => {
                if let Some(b) = plain_builtin(def) {
                    return builtin_type(b);
                }
                let path = self.claim_type(module, &format!("{ctx}{}", camel(field)));
                let items = self.type_items(def, &path, Some(ctx));
                self.push(module, items, true);
                self.path_tokens(module, &path)
            }
        }
    }
}

/// Names the layout planned for the fields or variants of one type, handed out in
/// declaration order. Without a plan (fields rendered only to be thrown away), names are
/// claimed in a scope of their own.
struct Planned<T> {
    list: Option<Vec<T>>,
    next: usize,
    scope: Scope,
}

impl<T> Default for Planned<T> {
    fn default() -> Self {
        Self {
            list: None,
            next: 0,
            scope: Scope::default(),
        }
    }
}

/// A planned field or variant.
trait PlannedName: Sized {
    fn wanted(&self) -> &str;
    /// A name the layout did not plan.
    fn unplanned(name: String) -> Self;
}

impl PlannedName for FieldLayout {
    fn wanted(&self) -> &str {
        &self.wanted
    }
    fn unplanned(name: String) -> Self {
        FieldLayout {
            name,
            wanted: String::new(),
            ty: String::new(),
            boxed: false,
        }
    }
}

impl PlannedName for VariantLayout {
    fn wanted(&self) -> &str {
        &self.wanted
    }
    fn unplanned(name: String) -> Self {
        VariantLayout {
            name,
            wanted: String::new(),
            payload: None,
        }
    }
}

impl<T: PlannedName + Clone> Planned<T> {
    fn new(list: Vec<T>) -> Self {
        Self {
            list: Some(list),
            next: 0,
            scope: Scope::default(),
        }
    }

    /// The next planned name, which must have been planned from `wanted`.
    fn claim(&mut self, wanted: &str) -> T {
        let Some(list) = &self.list else {
            return T::unplanned(self.scope.claim(wanted));
        };
        let planned = list
            .get(self.next)
            .filter(|t| t.wanted() == wanted)
            .cloned();
        self.next += 1;
        planned.unwrap_or_else(|| {
            // A bug: the layout's walk and the renderer's disagree.
            debug_assert!(
                false,
                "the layout planned no field or variant {wanted} here"
            );
            T::unplanned(self.scope.claim(&format!("{wanted}_unplanned")))
        })
    }
}

/// Fields of a struct being rendered.
#[derive(Default)]
struct FieldSet {
    planned: Planned<FieldLayout>,
    decls: Vec<TokenStream>,
    reads: Vec<TokenStream>,
    /// Field names, and the local variables their values are read into.
    names: Vec<(Ident, Ident)>,
    attr_writes: Vec<TokenStream>,
    content_writes: Vec<TokenStream>,
    simple: bool,
    /// The attribute pass: declared attributes read, undeclared ones checked or kept.
    attr_check: TokenStream,
    /// The field (and local) holding mixed-content text.
    mixed_text: Option<(Ident, Ident)>,
}

impl FieldSet {
    /// The next field the layout planned (see [`Planned::claim`]).
    fn claim(&mut self, wanted: &str) -> FieldLayout {
        self.planned.claim(wanted)
    }

    fn push_name(&mut self, field: Ident, local: Ident) {
        self.names.push((field, local));
    }

    /// Struct initializers: `field` or `field: local`.
    fn inits(&self) -> Vec<TokenStream> {
        self.names
            .iter()
            .map(|(f, l)| {
                if f == l {
                    quote! { #f }
                } else {
                    quote! { #f: #l }
                }
            })
            .collect()
    }
}

/// Names the generated readers use for their own locals; a field with one of these names is
/// read into `name_` instead.
const RESERVED_LOCALS: &[&str] = &[
    "r", "start", "next", "next_in", "s", "v", "w", "name", "items",
];

/// The local variable a field's value is read into.
fn local_of(field: &str) -> Ident {
    if RESERVED_LOCALS.contains(&field) {
        format_ident!("{}_", field)
    } else {
        format_ident!("{}", field)
    }
}

fn opt_usize(max: Option<u64>) -> TokenStream {
    match max {
        Some(m) => {
            let m = m as usize;
            quote! { Some(#m) }
        }
        None => quote! { None },
    }
}

/// The Rust type for a built-in: the layout's name of it ([`builtin_rust`]), with the
/// runtime's types written by their path.
pub fn builtin_type(b: Builtin) -> TokenStream {
    let mut code = String::new();
    let mut word = String::new();
    for ch in builtin_rust(b).chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
            continue;
        }
        if word.starts_with(|c: char| c.is_ascii_uppercase()) && word != "Vec" {
            code.push_str("::tandvard_runtime::");
        }
        code.push_str(&word);
        word.clear();
        if ch != ' ' {
            code.push(ch);
        }
    }
    code.parse()
        .unwrap_or_else(|_| quote! { ::tandvard_runtime::CompactString })
}

fn builtin_is_text(b: Builtin) -> bool {
    use Builtin as B;
    matches!(
        b,
        B::String
            | B::NormalizedString
            | B::Token
            | B::Language
            | B::Name
            | B::NcName
            | B::NmToken
            | B::Id
            | B::IdRef
            | B::Entity
            | B::AnyUri
            | B::QName
            | B::Notation
            | B::AnySimpleType
    )
}

/// Whether a type use is a simple type (so its values have a lexical form to compare).
fn is_simple_use(c: &Contract, t: &TypeUse) -> bool {
    match t {
        TypeUse::Builtin(b) => !matches!(b, Builtin::AnyType),
        TypeUse::Named(q) => matches!(c.type_def(q).map(|d| &d.kind), Some(TypeKind::Simple(_))),
        TypeUse::Inline(def) => matches!(def.kind, TypeKind::Simple(_)),
    }
}
