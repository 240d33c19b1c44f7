//! Rust types with their XML readers and writers, rendered from the contract model.
//!
//! The generated code is straight-line: each field is read with one runtime call that builds
//! the value in place (`r.req`, `r.opt`, `r.rep`, ...) and written with one call (`w.elem`,
//! ...). No per-type state machine, so a type costs about three lines per field.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

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

    // ---- element roots -------------------------------------------------------------------

    fn element_items(&mut self, path: &RustPath, e: &Element) -> Vec<TokenStream> {
        let module = path.module.clone();
        let name = format_ident!("{}", path.name);
        let mut items = Vec::new();
        let is_type_itself = matches!(&e.type_, TypeUse::Named(q) if self.layout.named(&q.to_string()) == Some(path));
        if !is_type_itself {
            match &e.type_ {
                // A simple type would be a type alias, which cannot carry `RootElement`:
                // those get the wrapper below.
                TypeUse::Inline(def) if matches!(def.kind, TypeKind::Complex(_)) && !e.nillable => {
                    let mut def = (**def).clone();
                    if def.doc.is_none() {
                        def.doc = e.doc.clone();
                    }
                    items.extend(self.type_items(&def, path, None));
                }
                other => {
                    // A wrapper around a shared named type or a simple type.
                    let inner = self.rust_type(other, &module, &path.name, "value");
                    let doc = self.doc(e.doc.as_deref());
                    let inner_ty = if e.nillable {
                        quote! { ::tandvard_runtime::Nillable<#inner> }
                    } else {
                        inner
                    };
                    items.push(quote! {
                        #doc
                        #[derive(Debug, Clone, PartialEq)]
                        pub struct #name(pub #inner_ty);
                        impl ::tandvard_runtime::XmlRead for #name {
                            fn read<'i>(r: &mut ::tandvard_runtime::Reader<'i>, start: ::tandvard_runtime::Start<'i>) -> Result<Self, ::tandvard_runtime::Error> {
                                Ok(Self(::tandvard_runtime::XmlRead::read(r, start)?))
                            }
                        }
                        impl ::tandvard_runtime::XmlWrite for #name {
                            fn write(&self, w: &mut ::tandvard_runtime::Writer, name: &str) {
                                ::tandvard_runtime::XmlWrite::write(&self.0, w, name);
                            }
                        }
                    });
                    self.push(&module, Vec::new(), true);
                }
            }
        } else if self.opts.docs {
            // Nothing to add: the named type is the element's type.
        }
        let ns = e.name.ns.clone().unwrap_or_default();
        let local = &e.name.local;
        let prefixed = self.prefixed(&e.name);
        let nss = self.root_namespaces(&e.type_, e.name.ns.as_deref());
        let ns_pairs = nss.iter().map(|(p, u)| quote! { (#p, #u) });
        items.push(quote! {
            impl ::tandvard_runtime::RootElement for #name {
                const NAMESPACE: &'static str = #ns;
                const LOCAL_NAME: &'static str = #local;
                const PREFIXED_NAME: &'static str = #prefixed;
                const NAMESPACES: &'static [(&'static str, &'static str)] = &[#(#ns_pairs),*];
            }
        });
        items
    }

    /// Every namespace an instance of this type can write, with its prefix, sorted.
    fn root_namespaces(&self, t: &TypeUse, own: Option<&str>) -> Vec<(String, String)> {
        let mut uris = BTreeSet::new();
        if let Some(ns) = own {
            uris.insert(ns.to_string());
        }
        let mut seen = BTreeSet::new();
        collect_namespaces(self.contract, t, &mut uris, &mut seen);
        // Types that `xsi:type` may substitute write their elements too.
        let mut more: Vec<String> = seen
            .iter()
            .flat_map(|k| self.layout.derived(k).to_vec())
            .collect();
        while let Some(k) = more.pop() {
            if let Some(q) = QName::parse_clark(&k) {
                let before = seen.len();
                collect_namespaces(self.contract, &TypeUse::Named(q), &mut uris, &mut seen);
                if seen.len() > before {
                    more.extend(
                        seen.iter()
                            .flat_map(|k| self.layout.derived(k).to_vec())
                            .filter(|d| !seen.contains(d)),
                    );
                }
            }
        }
        uris.into_iter()
            .filter_map(|u| self.prefixes.get(&u).map(|p| (p.clone(), u)))
            .collect()
    }

    /// The enum over a base type and its derived types, read and written by `xsi:type`.
    fn poly_items(&mut self, base: &str, path: &RustPath) -> Vec<TokenStream> {
        let name = format_ident!("{}", path.name);
        let module = path.module.clone();
        let Some(base_q) = QName::parse_clark(base) else {
            return Vec::new();
        };
        let base_ns = self.ns_const(base_q.ns.as_deref().unwrap_or(""));
        let base_local = base_q.local.clone();
        let mut planned = self.planned_variants(path);
        let mut variants = Vec::new();
        let mut arms = Vec::new();
        let mut writes = Vec::new();
        let mut default = quote! { Err(r.abstract_type(&start, #base_ns, #base_local)) };
        let members: Vec<String> = std::iter::once(base.to_string())
            .chain(self.layout.derived(base).iter().cloned())
            .collect();
        for key in members {
            if crate::layout::is_abstract(self.contract, &key) {
                continue;
            }
            let Some(q) = QName::parse_clark(&key) else {
                continue;
            };
            let Some(tp) = self.layout.named(&key) else {
                continue;
            };
            let ty = self.path_tokens(&module, tp);
            let v = format_ident!("{}", planned.claim(&camel(&q.local)).name);
            let ns = self.ns_const(q.ns.as_deref().unwrap_or(""));
            let local = q.local.clone();
            if key == base {
                variants.push(quote! { #v(#ty) });
                default = quote! { Ok(Self::#v(::tandvard_runtime::XmlRead::read(r, start)?)) };
                arms.push(quote! {
                    if r.ns_is(t.0, #ns) && t.1 == #local {
                        return Ok(Self::#v(::tandvard_runtime::XmlRead::read(r, start)?));
                    }
                });
                writes.push(
                    quote! { Self::#v(v) => ::tandvard_runtime::XmlWrite::write(v, w, name) },
                );
            } else {
                variants.push(quote! { #v(Box<#ty>) });
                arms.push(quote! {
                    if r.ns_is(t.0, #ns) && t.1 == #local {
                        return Ok(Self::#v(Box::new(::tandvard_runtime::XmlRead::read(r, start)?)));
                    }
                });
                let (prefix, uri) = match &q.ns {
                    Some(u) => (self.prefixes.get(u).cloned().unwrap_or_default(), u.clone()),
                    None => (String::new(), String::new()),
                };
                let written = if prefix.is_empty() {
                    q.local.clone()
                } else {
                    format!("{prefix}:{}", q.local)
                };
                writes.push(quote! {
                    Self::#v(v) => {
                        w.xsi_type_next(#written, (#prefix, #uri));
                        ::tandvard_runtime::XmlWrite::write(&**v, w, name);
                    }
                });
            }
        }
        let doc = format!(
            " `{}` or a type derived from it, chosen by `xsi:type` in the document.",
            self.layout.named(base).map_or(base, |p| p.name.as_str())
        );
        vec![quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #(#variants,)*
            }
            impl ::tandvard_runtime::XmlRead for #name {
                fn read<'i>(r: &mut ::tandvard_runtime::Reader<'i>, start: ::tandvard_runtime::Start<'i>) -> Result<Self, ::tandvard_runtime::Error> {
                    let Some(t) = r.xsi_type(&start)? else {
                        return #default;
                    };
                    #(#arms)*
                    Err(r.bad_xsi_type(&start, #base_ns, #base_local))
                }
            }
            impl ::tandvard_runtime::XmlWrite for #name {
                fn write(&self, w: &mut ::tandvard_runtime::Writer, name: &str) {
                    match self {
                        #(#writes,)*
                    }
                }
            }
        }]
    }

    // ---- type definitions ----------------------------------------------------------------

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

    fn simple_items(&mut self, def: &TypeDef, s: &SimpleType, path: &RustPath) -> Vec<TokenStream> {
        let name = format_ident!("{}", path.name);
        let doc = self.doc(def.doc.as_deref());
        let module = path.module.clone();
        match &s.variety {
            SimpleVariety::List(item) => {
                let item_ty = self.rust_type(item, &module, &path.name, "item");
                let inner = quote! { ::tandvard_runtime::XsList<#item_ty> };
                let checks = length_checks(&s.facets);
                // Patterns of a list apply to its whole (collapsed) text.
                let (_, lexical) = self.facet_checks(
                    Builtin::NmTokens,
                    &Facets {
                        patterns: s.facets.patterns.clone(),
                        ..Facets::default()
                    },
                    &path.name,
                );
                if checks.is_empty() && lexical.is_empty() {
                    return vec![quote! {
                        #doc
                        pub type #name = #inner;
                    }];
                }
                vec![newtype(
                    &name,
                    doc,
                    &inner,
                    &inner,
                    &TokenStream::new(),
                    &checks,
                    &lexical,
                )]
            }
            SimpleVariety::Union(members) => {
                // Kept as its text (so it round-trips exactly), valid when a member type
                // accepts it: members are tried in order.
                let mut tys = Vec::new();
                let mut names = Vec::new();
                for (i, m) in members.iter().enumerate() {
                    tys.push(self.rust_type(m, &module, &path.name, &format!("member{}", i + 1)));
                    names.push(match m {
                        TypeUse::Builtin(b) => b.xs_name(),
                        TypeUse::Named(q) => q.local.clone(),
                        TypeUse::Inline(_) => "(anonymous)".to_string(),
                    });
                }
                let mut checks = TokenStream::new();
                if !tys.is_empty() {
                    let expected = format!("not a value of any member type ({})", names.join(", "));
                    let type_name = path.name.clone();
                    checks.extend(quote! {
                        let member = #(<#tys as ::tandvard_runtime::SimpleValue>::from_text(value).is_ok())||*;
                        if !member {
                            return Err(::tandvard_runtime::ValueError::invalid(#type_name, value, #expected));
                        }
                    });
                }
                let (facets, _) = self.facet_checks(Builtin::String, &s.facets, &path.name);
                checks.extend(facets);
                vec![newtype(
                    &name,
                    doc,
                    &quote! { ::tandvard_runtime::CompactString },
                    &quote! { str },
                    &TokenStream::new(),
                    &checks,
                    &TokenStream::new(),
                )]
            }
            SimpleVariety::Atomic(b) if !s.enumeration.is_empty() => {
                self.enum_items(path, doc, *b, &s.enumeration)
            }
            SimpleVariety::Atomic(b) => {
                let base_path = s
                    .base
                    .as_ref()
                    .and_then(|q| self.layout.named(&q.to_string()).cloned());
                let base_has_checks = s
                    .base
                    .as_ref()
                    .is_some_and(|q| has_checks(self.contract, q));
                if s.facets.is_empty() && !base_has_checks {
                    let inner = match (&base_path, base_is_enum(self.contract, s.base.as_ref())) {
                        (Some(p), true) => self.path_tokens(&module, p),
                        _ => builtin_type(*b),
                    };
                    return vec![quote! {
                        #doc
                        pub type #name = #inner;
                    }];
                }
                if base_is_enum(self.contract, s.base.as_ref()) {
                    // A restriction of an enumeration by other facets: keep the enum.
                    let p = base_path.clone().expect("enum base is named");
                    let inner = self.path_tokens(&module, &p);
                    return vec![quote! {
                        #doc
                        pub type #name = #inner;
                    }];
                }
                let inner = builtin_type(*b);
                let borrowed = if builtin_is_text(*b) {
                    quote! { str }
                } else if *b == Builtin::Base64Binary {
                    quote! { [u8] }
                } else {
                    inner.clone()
                };
                let (checks, lexical) = self.facet_checks(*b, &s.facets, &path.name);
                let base_check = match (&base_path, base_has_checks) {
                    (Some(p), true) => {
                        let bp = self.path_tokens(&module, p);
                        quote! { #bp::validate(value)?; }
                    }
                    _ => TokenStream::new(),
                };
                vec![newtype(
                    &name,
                    doc,
                    &inner,
                    &borrowed,
                    &base_check,
                    &checks,
                    &lexical,
                )]
            }
        }
    }

    fn enum_items(
        &mut self,
        path: &RustPath,
        doc: TokenStream,
        base: Builtin,
        values: &[EnumValue],
    ) -> Vec<TokenStream> {
        let name = &format_ident!("{}", path.name);
        let mut planned = self.planned_variants(path);
        let mut variants = Vec::new();
        let mut as_str = Vec::new();
        let mut parse = Vec::new();
        for v in values {
            let vname = format_ident!("{}", planned.claim(&camel(&v.value)).name);
            let vdoc = self.doc(v.doc.as_deref());
            let lit = &v.value;
            variants.push(quote! { #vdoc #vname });
            as_str.push(quote! { Self::#vname => #lit });
            parse.push(quote! { #lit => Ok(Self::#vname) });
        }
        let expected = format!(
            "expected one of {}",
            values
                .iter()
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let type_name = name.to_string();
        let normalize = if matches!(base, Builtin::String) {
            quote! { s }
        } else {
            quote! { &*::tandvard_runtime::whitespace::collapse(s) }
        };
        vec![quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #(#variants,)*
            }
            impl #name {
                /// The value as written in XML.
                pub fn as_str(&self) -> &'static str {
                    match self {
                        #(#as_str,)*
                    }
                }
            }
            impl ::tandvard_runtime::SimpleValue for #name {
                const NEEDS_ESCAPE: bool = false;
                fn from_text(s: &str) -> Result<Self, ::tandvard_runtime::ValueError> {
                    match #normalize {
                        #(#parse,)*
                        other => Err(::tandvard_runtime::ValueError::invalid(#type_name, other, #expected)),
                    }
                }
                fn write_text(&self, out: &mut String) {
                    out.push_str(self.as_str());
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }]
    }

    /// Checks of a value against facets, and (for types that are not text) checks of its
    /// lexical form: `pattern` applies to the text as written, e.g. `\d\d77` on a gYear.
    /// The check of `pattern` facets (one regex: a value must match one of them), translated
    /// from XSD regex syntax at generation time; untranslatable patterns become a warning.
    fn pattern_check(&mut self, patterns: &[String], type_name: &str) -> TokenStream {
        let mut translated = Vec::new();
        for p in patterns {
            match ::tandvard_runtime::xsd_pattern_to_regex(p) {
                Ok(re) => translated.push(re),
                Err(e) => self.warnings.push(format!(
                    "{type_name}: pattern {p:?} cannot be translated ({e}); it is not checked"
                )),
            }
        }
        if translated.is_empty() {
            return TokenStream::new();
        }
        let re = translated.join("|");
        let shown = patterns.join(" | ");
        quote! {
            static PATTERN: ::std::sync::LazyLock<::tandvard_runtime::regex::Regex> =
                ::std::sync::LazyLock::new(|| {
                    ::tandvard_runtime::regex::Regex::new(#re).expect("pattern translated and checked at generation time")
                });
            ::tandvard_runtime::facets::pattern(value, &PATTERN, #shown)?;
        }
    }

    fn facet_checks(
        &mut self,
        b: Builtin,
        f: &Facets,
        type_name: &str,
    ) -> (TokenStream, TokenStream) {
        let mut out = TokenStream::new();
        let mut lexical = TokenStream::new();
        let is_text = builtin_is_text(b);
        if !is_text {
            lexical.extend(self.pattern_check(&f.patterns, type_name));
        }
        if is_text {
            out.extend(length_checks(f));
            out.extend(self.pattern_check(&f.patterns, type_name));
        } else if matches!(b, Builtin::HexBinary | Builtin::Base64Binary) {
            out.extend(length_checks(f));
        }
        let bound = |this: &mut Self, v: &Option<String>, func: &str| -> TokenStream {
            let Some(v) = v else {
                return TokenStream::new();
            };
            match literal_for(b, v) {
                Some(lit) => {
                    let f = format_ident!("{}", func);
                    let by_ref = matches!(
                        b,
                        Builtin::Date
                            | Builtin::Time
                            | Builtin::DateTime
                            | Builtin::GYear
                            | Builtin::GYearMonth
                            | Builtin::GMonth
                            | Builtin::GMonthDay
                            | Builtin::GDay
                    );
                    if by_ref {
                        quote! { ::tandvard_runtime::facets::#f(value, #lit)?; }
                    } else {
                        quote! { ::tandvard_runtime::facets::#f(value, &#lit)?; }
                    }
                }
                None => {
                    this.warnings.push(format!(
                        "{type_name}: facet {func} {v:?} on {} is not checked",
                        b.xs_name()
                    ));
                    TokenStream::new()
                }
            }
        };
        out.extend(bound(self, &f.min_inclusive, "min_inclusive"));
        out.extend(bound(self, &f.max_inclusive, "max_inclusive"));
        out.extend(bound(self, &f.min_exclusive, "min_exclusive"));
        out.extend(bound(self, &f.max_exclusive, "max_exclusive"));
        if matches!(b, Builtin::Decimal) {
            if let Some(n) = f.fraction_digits {
                out.extend(quote! { ::tandvard_runtime::facets::fraction_digits(value, #n)?; });
            }
            if let Some(n) = f.total_digits {
                out.extend(quote! { ::tandvard_runtime::facets::total_digits(value, #n)?; });
            }
        } else if f.total_digits.is_some() && builtin_is_integer(b) {
            let n = f.total_digits.unwrap_or_default();
            out.extend(quote! {
                ::tandvard_runtime::facets::total_digits(&::tandvard_runtime::Decimal::from(*value), #n)?;
            });
        }
        (out, lexical)
    }

    // ---- complex types -------------------------------------------------------------------

    fn complex_items(
        &mut self,
        def: &TypeDef,
        c: &ComplexType,
        path: &RustPath,
    ) -> Vec<TokenStream> {
        let name = format_ident!("{}", path.name);
        let doc = self.doc(def.doc.as_deref());
        let module = path.module.clone();
        let mut fields = self.planned_fields(path);
        let mut items = Vec::new();

        // Attributes: one pass over the start tag's attributes, matching each declared one
        // by local name (then namespace); anything else goes to `other_attr`, which checks
        // `xsi:type`/`xsi:nil`, keeps what an `xs:anyAttribute` admits and rejects the rest.
        let type_arg = match &def.name {
            Some(q) => {
                let ns = self.ns_const(q.ns.as_deref().unwrap_or(""));
                let local = &q.local;
                quote! { Some((#ns, #local)) }
            }
            None => quote! { None },
        };
        let mut slots = Vec::new();
        let mut arms = Vec::new();
        let mut finish = Vec::new();
        for a in &c.attributes {
            let fname = fields.claim(&snake(&a.name.local)).name;
            let ty = self.rust_type(&a.type_, &module, &path.name, &a.name.local);
            let local = Literal::byte_string(a.name.local.as_bytes());
            // Unqualified attributes match on `a.unqualified()` (the local name, or `b""`
            // for a qualified attribute); qualified ones on a guard.
            let (pattern, ns_tok) = match &a.name.ns {
                Some(u) => {
                    let c = self.ns_const(u);
                    (
                        quote! { _ if a.local == #local && r.ns_is_static(a.ns, #c) },
                        quote! { Some(#c) },
                    )
                }
                None => (quote! { #local }, quote! { None }),
            };
            let written = self.prefixed(&a.name);
            let ident = format_ident!("{}", fname);
            let lident = local_of(&fname);
            let fdoc = self.doc(a.doc.as_deref());
            slots.push(quote! { let mut #lident: Option<#ty> = None; });
            arms.push(quote! { #pattern => r.set_attr(&mut #lident, a)?, });
            let fixed_check = match &a.fixed {
                Some(f) => {
                    let n = a.name.local.clone();
                    if a.required {
                        quote! { r.check_fixed(&#lident, #f, #n)?; }
                    } else {
                        quote! { if let Some(v) = &#lident { r.check_fixed(v, #f, #n)?; } }
                    }
                }
                None => TokenStream::new(),
            };
            if a.required {
                fields.decls.push(quote! { #fdoc pub #ident: #ty });
                finish.push(quote! {
                    let #lident = r.required_attr(#lident, &start, #ns_tok, #local)?;
                    #fixed_check
                });
                fields
                    .attr_writes
                    .push(quote! { w.attr(#written, &self.#ident); });
            } else {
                fields.decls.push(quote! { #fdoc pub #ident: Option<#ty> });
                finish.push(fixed_check);
                fields
                    .attr_writes
                    .push(quote! { w.attr_opt(#written, &self.#ident); });
            }
            fields.push_name(ident, lident);
        }
        // Undeclared attributes are rejected; those an `xs:anyAttribute` admits are kept.
        let other = match &c.any_attribute {
            Some(wc) => {
                let fname = fields.claim("any_attributes").name;
                let ident = format_ident!("{}", fname);
                let lident = local_of(&fname);
                let ns_expr = self.any_ns(wc);
                fields.decls.push(quote! {
                    /// Attributes admitted by `xs:anyAttribute`, kept verbatim.
                    pub #ident: Vec<::tandvard_runtime::AnyAttribute>
                });
                slots.push(quote! { let mut #lident = Vec::new(); });
                fields
                    .attr_writes
                    .push(quote! { w.any_attrs(&self.#ident); });
                fields.push_name(ident, lident.clone());
                Some(quote! {
                    if let Some(x) = r.other_attr(a, #type_arg, Some(#ns_expr))? {
                        #lident.push(x);
                    }
                })
            }
            None => None,
        };
        fields.attr_check = if arms.is_empty() && other.is_none() {
            quote! { r.no_attrs(&start, #type_arg)?; }
        } else {
            let other = other.unwrap_or_else(|| quote! { { r.other_attr(a, #type_arg, None)?; } });
            let dispatch = if arms.is_empty() {
                other
            } else {
                quote! {
                    match a.unqualified() {
                        #(#arms)*
                        _ => #other
                    }
                }
            };
            quote! {
                #(#slots)*
                if r.has_attrs(&start) {
                    for a in r.attrs(&start) {
                        let a = a?;
                        #dispatch
                    }
                }
                #(#finish)*
            }
        };

        let mut is_empty = false;
        let mut mixed = false;
        match &c.content {
            Content::Empty if c.mixed => {
                // Text only (mixed content without child elements).
                let fname = fields.claim("text").name;
                let ident = format_ident!("{}", fname);
                let lident = local_of(&fname);
                fields.decls.push(quote! {
                    /// The element's text (mixed content).
                    pub #ident: Vec<String>
                });
                fields
                    .reads
                    .push(quote! { let #lident = vec![r.text(start)?.into_owned()]; });
                fields
                    .content_writes
                    .push(quote! { w.mixed_text(&self.#ident); });
                fields.push_name(ident, lident);
                fields.simple = true;
            }
            Content::Empty => is_empty = true,
            Content::Simple(t) => {
                let ty = self.rust_type(t, &module, &path.name, "value");
                let fname = fields.claim("value").name;
                let ident = format_ident!("{}", fname);
                let lident = local_of(&fname);
                fields.decls.push(quote! {
                    /// The element's text content.
                    pub #ident: #ty
                });
                fields
                    .reads
                    .push(quote! { let #lident = r.value::<#ty>(start)?; });
                fields.content_writes.push(quote! { w.text(&self.#ident); });
                fields.push_name(ident, lident);
                fields.simple = true;
            }
            Content::Elements(g) => {
                mixed = c.mixed;
                self.group_fields(g, &module, &path.name, &mut fields, &mut items);
                if mixed {
                    let fname = fields.claim("text").name;
                    let ident = format_ident!("{}", fname);
                    let lident = local_of(&fname);
                    fields.decls.push(quote! {
                        /// Text around the child elements (mixed content): `text[k]` is the
                        /// text before the `k`-th child element, the last one after the last.
                        pub #ident: Vec<String>
                    });
                    fields.mixed_text = Some((ident.clone(), lident.clone()));
                    fields.push_name(ident, lident);
                }
            }
        }

        let decls = &fields.decls;
        let inits = fields.inits();
        let attr_writes = &fields.attr_writes;
        let content_writes = &fields.content_writes;
        let other_reads = &fields.reads;
        let attr_check = &fields.attr_check;
        let read_body = if fields.simple {
            quote! {
                #attr_check
                #(#other_reads)*
                Ok(Self { #(#inits),* })
            }
        } else if is_empty {
            quote! {
                #attr_check
                r.expect_empty(start)?;
                Ok(Self { #(#inits),* })
            }
        } else {
            let (first, take) = match &fields.mixed_text {
                Some((_, lident)) => (
                    quote! { let mut next = r.first_child_mixed(&start)?; },
                    quote! { let #lident = r.take_mixed(); },
                ),
                None => (
                    quote! { let mut next = r.first_child(&start)?; },
                    TokenStream::new(),
                ),
            };
            quote! {
                #attr_check
                #first
                #(#other_reads)*
                r.end(next)?;
                #take
                Ok(Self { #(#inits),* })
            }
        };
        let mixed_start = match &fields.mixed_text {
            Some((ident, _)) => quote! { w.mixed_text(&self.#ident); },
            None => TokenStream::new(),
        };
        let _ = mixed;
        let write_body = if is_empty {
            quote! {
                w.start(name);
                #(#attr_writes)*
                w.end_empty();
            }
        } else {
            quote! {
                w.start(name);
                #(#attr_writes)*
                w.close_start();
                #mixed_start
                #(#content_writes)*
                w.end(name);
            }
        };
        items.insert(
            0,
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq)]
                pub struct #name {
                    #(#decls,)*
                }
                impl ::tandvard_runtime::XmlRead for #name {
                    fn read<'i>(r: &mut ::tandvard_runtime::Reader<'i>, start: ::tandvard_runtime::Start<'i>) -> Result<Self, ::tandvard_runtime::Error> {
                        #read_body
                    }
                }
                impl ::tandvard_runtime::XmlWrite for #name {
                    fn write(&self, w: &mut ::tandvard_runtime::Writer, name: &str) {
                        #write_body
                    }
                }
            },
        );
        items
    }

    /// Adds the fields of a model group to `fields`. A sequence that occurs exactly once is
    /// flattened into the parent; other groups become a field of their own type.
    fn group_fields(
        &mut self,
        g: &Group,
        module: &str,
        ctx: &str,
        fields: &mut FieldSet,
        items: &mut Vec<TokenStream>,
    ) {
        let once = g.min_occurs == 1 && g.max_occurs == Some(1);
        match g.kind {
            GroupKind::Sequence if once => {
                for p in &g.particles {
                    self.particle_field(p, module, ctx, fields, items);
                }
            }
            GroupKind::All if once => {
                self.all_fields(g, module, ctx, fields);
            }
            _ => {
                // A choice, or a repeated/optional sequence: a type of its own.
                let wanted = match g.kind {
                    GroupKind::Choice => format!("{ctx}Choice"),
                    _ => format!("{ctx}Group"),
                };
                let path = self.claim_type(module, &wanted);
                let group_items = self.group_type(g, &path);
                items.extend(group_items);
                self.push(module, Vec::new(), true);
                let ty = self.path_tokens(module, &path);
                let field = fields
                    .claim(if g.kind == GroupKind::Choice {
                        "choice"
                    } else {
                        "group"
                    })
                    .name;
                let ident = format_ident!("{}", field);
                let lident = local_of(&field);
                let expected = first_names(&Particle::Group(g.clone()));
                let expected_lits: Vec<String> = expected.iter().map(|q| q.to_string()).collect();
                // A group that can match nothing (e.g. a choice with an optional alternative)
                // is optional whatever its minOccurs.
                let min_occurs = if group_emptiable(g) { 0 } else { g.min_occurs };
                let (decl_ty, read) = match (min_occurs, g.max_occurs) {
                    (1, Some(1)) => (
                        quote! { #ty },
                        quote! {
                            let #lident = match #ty::read_group(r, &mut next)? {
                                Some(v) => v,
                                None => return Err(r.unexpected(next, &[#(#expected_lits),*])),
                            };
                        },
                    ),
                    (0, Some(1)) => (
                        quote! { Option<#ty> },
                        quote! { let #lident = #ty::read_group(r, &mut next)?; },
                    ),
                    (min, max) => {
                        let min = min as usize;
                        let max_tok = match max {
                            Some(m) => {
                                let m = m as usize;
                                quote! { Some(#m) }
                            }
                            None => quote! { None },
                        };
                        (
                            quote! { Vec<#ty> },
                            quote! {
                                let mut #lident = Vec::new();
                                loop {
                                    let at = next.as_ref().map(|s| s.pos);
                                    match #ty::read_group(r, &mut next)? {
                                        Some(v) if next.as_ref().map(|s| s.pos) != at => #lident.push(v),
                                        _ => break,
                                    }
                                }
                                r.check_count(#lident.len(), #min, #max_tok, &[#(#expected_lits),*])?;
                            },
                        )
                    }
                };
                let write = match (min_occurs, g.max_occurs) {
                    (1, Some(1)) => quote! { self.#ident.write_group(w); },
                    (0, Some(1)) => quote! { if let Some(v) = &self.#ident { v.write_group(w); } },
                    _ => quote! { for v in &self.#ident { v.write_group(w); } },
                };
                fields.decls.push(quote! { pub #ident: #decl_ty });
                fields.reads.push(read);
                fields.content_writes.push(write);
                fields.push_name(ident, lident);
            }
        }
    }

    /// The type for a choice or a non-flattened sequence, with `read_group`/`write_group`.
    fn group_type(&mut self, g: &Group, path: &RustPath) -> Vec<TokenStream> {
        let name = format_ident!("{}", path.name);
        let module = path.module.clone();
        let mut items = Vec::new();
        if g.kind == GroupKind::Choice {
            let mut vscope = self.planned_variants(path);
            let mut variants = Vec::new();
            let mut reads = Vec::new();
            let mut writes = Vec::new();
            for p in &g.particles {
                match p {
                    Particle::Element(e) => {
                        let vname = format_ident!("{}", vscope.claim(&camel(&e.name.local)).name);
                        let single = ElementUse {
                            min_occurs: 1,
                            max_occurs: Some(1),
                            ..e.clone()
                        };
                        let mut fs = FieldSet::default();
                        self.particle_field(
                            &Particle::Element(single),
                            &module,
                            &path.name,
                            &mut fs,
                            &mut items,
                        );
                        let ty = self.element_value_type(e, &module, &path.name);
                        let ns = self.ns_const(e.name.ns.as_deref().unwrap_or(""));
                        let local = Literal::byte_string(e.name.local.as_bytes());
                        let written = self.prefixed(&e.name);
                        let repeated = e.max_occurs != Some(1);
                        let boxed = self.layout.needs_box(&e.type_) && !repeated;
                        if repeated {
                            let min = e.min_occurs.max(1) as usize;
                            let max_tok = opt_usize(e.max_occurs);
                            variants.push(quote! { #vname(Vec<#ty>) });
                            reads.push(quote! {
                                if r.matches(s, #ns, #local) {
                                    return Ok(Some(Self::#vname(r.rep(next, #ns, #local, #min, #max_tok)?)));
                                }
                            });
                            writes.push(quote! { Self::#vname(v) => w.elems(#written, v) });
                        } else if boxed {
                            variants.push(quote! { #vname(Box<#ty>) });
                            reads.push(quote! {
                                if r.matches(s, #ns, #local) {
                                    return Ok(Some(Self::#vname(Box::new(r.req(next, #ns, #local)?))));
                                }
                            });
                            writes.push(quote! { Self::#vname(v) => w.elem(#written, &**v) });
                        } else {
                            variants.push(quote! { #vname(#ty) });
                            reads.push(quote! {
                                if r.matches(s, #ns, #local) {
                                    return Ok(Some(Self::#vname(r.req(next, #ns, #local)?)));
                                }
                            });
                            writes.push(quote! { Self::#vname(v) => w.elem(#written, v) });
                        }
                    }
                    Particle::Group(inner) => {
                        let firsts = first_names(p);
                        let vname_s = firsts
                            .first()
                            .map(|q| camel(&q.local))
                            .unwrap_or_else(|| "Group".to_string());
                        let vname = format_ident!("{}", vscope.claim(&vname_s).name);
                        let ipath = self.claim_type(&module, &format!("{}{}", path.name, vname));
                        let inner_items = self.group_type(
                            &Group {
                                min_occurs: 1,
                                max_occurs: Some(1),
                                ..inner.clone()
                            },
                            &ipath,
                        );
                        items.extend(inner_items);
                        self.push(&module, Vec::new(), true);
                        let ity = self.path_tokens(&module, &ipath);
                        let checks = firsts
                            .iter()
                            .map(|q| {
                                let ns = self.ns_const(q.ns.as_deref().unwrap_or(""));
                                let local = Literal::byte_string(q.local.as_bytes());
                                quote! { r.matches(s, #ns, #local) }
                            })
                            .collect::<Vec<_>>();
                        let many = inner.max_occurs != Some(1);
                        if many {
                            variants.push(quote! { #vname(Vec<#ity>) });
                            reads.push(quote! {
                                if #(#checks)||* {
                                    let mut items = Vec::new();
                                    while let Some(v) = #ity::read_group(r, next)? {
                                        items.push(v);
                                    }
                                    return Ok(Some(Self::#vname(items)));
                                }
                            });
                            writes.push(quote! { Self::#vname(items) => { for v in items { v.write_group(w); } } });
                        } else {
                            variants.push(quote! { #vname(#ity) });
                            // The inner group starts with exactly these names, so once one
                            // matched it reads (or fails); `s` is not used after the call.
                            reads.push(quote! {
                                if #(#checks)||* {
                                    return Ok(#ity::read_group(r, next)?.map(Self::#vname));
                                }
                            });
                            writes.push(quote! { Self::#vname(v) => v.write_group(w) });
                        }
                    }
                    Particle::Any(wc) => {
                        let vname = format_ident!("{}", vscope.claim("Any").name);
                        let ns_expr = self.any_ns(wc);
                        variants.push(quote! { #vname(Vec<::tandvard_runtime::AnyElement>) });
                        reads.push(quote! {
                            if r.any_matches(#ns_expr, s.ns) {
                                return Ok(Some(Self::#vname(r.any(next, #ns_expr, 1, Some(1))?)));
                            }
                        });
                        writes.push(quote! { Self::#vname(v) => w.any(v) });
                    }
                }
            }
            let bind_s = if variants.is_empty() {
                quote! { let _ = (r, next); }
            } else {
                quote! { let Some(s) = next.as_ref() else { return Ok(None) }; }
            };
            // An empty choice (every alternative abstract) is matched by value.
            let scrutinee = if variants.is_empty() {
                quote! { *self }
            } else {
                quote! { self }
            };
            items.insert(0, quote! {
                #[derive(Debug, Clone, PartialEq)]
                pub enum #name {
                    #(#variants,)*
                }
                impl #name {
                    /// Reads one alternative, or returns `None` when `next` starts none of them.
                    pub fn read_group<'i>(r: &mut ::tandvard_runtime::Reader<'i>, next: &mut Option<::tandvard_runtime::Start<'i>>) -> Result<Option<Self>, ::tandvard_runtime::Error> {
                        #bind_s
                        #(#reads)*
                        Ok(None)
                    }
                    /// Writes the alternative.
                    pub fn write_group(&self, w: &mut ::tandvard_runtime::Writer) {
                        match #scrutinee {
                            #(#writes,)*
                        }
                    }
                }
            });
        } else {
            let mut fields = self.planned_fields(path);
            let once = Group {
                min_occurs: 1,
                max_occurs: Some(1),
                ..g.clone()
            };
            self.group_fields(&once, &module, &path.name, &mut fields, &mut items);
            let decls = &fields.decls;
            let reads = &fields.reads;
            let names = fields.inits();
            let writes = &fields.content_writes;
            let firsts: Vec<TokenStream> = first_names(&Particle::Group(g.clone()))
                .iter()
                .map(|q| {
                    let ns = self.ns_const(q.ns.as_deref().unwrap_or(""));
                    let local = Literal::byte_string(q.local.as_bytes());
                    quote! { r.matches(s, #ns, #local) }
                })
                .collect();
            // A group that starts with a wildcard (no first names) starts at any element.
            let starts = if firsts.is_empty() {
                quote! { let Some(_) = next_in.as_ref() else { return Ok(None) }; }
            } else {
                quote! {
                    let Some(s) = next_in.as_ref() else { return Ok(None) };
                    if !(#(#firsts)||*) {
                        return Ok(None);
                    }
                }
            };
            items.insert(0, quote! {
                #[derive(Debug, Clone, PartialEq)]
                pub struct #name {
                    #(#decls,)*
                }
                impl #name {
                    /// Reads the group, or returns `None` when `next_in` does not start it.
                    pub fn read_group<'i>(r: &mut ::tandvard_runtime::Reader<'i>, next_in: &mut Option<::tandvard_runtime::Start<'i>>) -> Result<Option<Self>, ::tandvard_runtime::Error> {
                        #starts
                        let mut next = next_in.take();
                        #(#reads)*
                        *next_in = next;
                        Ok(Some(Self { #(#names),* }))
                    }
                    /// Writes the group's elements.
                    pub fn write_group(&self, w: &mut ::tandvard_runtime::Writer) {
                        #(#writes)*
                    }
                }
            });
        }
        items
    }

    fn any_ns(&mut self, wc: &Wildcard) -> TokenStream {
        match &wc.namespace {
            NamespaceConstraint::Any => quote! { ::tandvard_runtime::AnyNs::Any },
            NamespaceConstraint::Other(tns) => {
                let t = tns.clone().unwrap_or_default();
                let c = self.ns_const(&t);
                quote! { ::tandvard_runtime::AnyNs::Other(&[#c]) }
            }
            NamespaceConstraint::List(list) => {
                let items: Vec<TokenStream> = list
                    .iter()
                    .map(|u| {
                        let u = u.clone().unwrap_or_default();
                        self.ns_const(&u)
                    })
                    .collect();
                quote! { ::tandvard_runtime::AnyNs::List(&[#(#items),*]) }
            }
        }
    }

    /// The Rust type of one occurrence of an element (with `Nillable` when nillable).
    fn element_value_type(&mut self, e: &ElementUse, module: &str, ctx: &str) -> TokenStream {
        let inner = self.rust_type(&e.type_, module, ctx, &e.name.local);
        if e.nillable {
            quote! { ::tandvard_runtime::Nillable<#inner> }
        } else {
            inner
        }
    }

    fn particle_field(
        &mut self,
        p: &Particle,
        module: &str,
        ctx: &str,
        fields: &mut FieldSet,
        items: &mut Vec<TokenStream>,
    ) {
        match p {
            Particle::Element(e) => {
                let field = fields.claim(&snake(&e.name.local));
                let (fname, boxed) = (field.name, field.boxed);
                let ident = format_ident!("{}", fname);
                let lident = local_of(&fname);
                let ty = self.element_value_type(e, module, ctx);
                let ns = self.ns_const(e.name.ns.as_deref().unwrap_or(""));
                let local = Literal::byte_string(e.name.local.as_bytes());
                let written = self.prefixed(&e.name);
                let fdoc = self.doc(e.doc.as_deref());
                let leaf = is_simple_use(self.contract, &e.type_) && !e.nillable;
                let open = format!("<{written}>");
                let close = format!("</{written}>");
                let (decl, read, write) = match (e.min_occurs, e.max_occurs) {
                    (1, Some(1)) if boxed => (
                        quote! { #fdoc pub #ident: Box<#ty> },
                        quote! { let #lident = Box::new(r.req(&mut next, #ns, #local)?); },
                        quote! { w.elem(#written, &*self.#ident); },
                    ),
                    (1, Some(1)) => (
                        quote! { #fdoc pub #ident: #ty },
                        quote! { let #lident = r.req(&mut next, #ns, #local)?; },
                        if leaf {
                            quote! { w.leaf(#open, #close, &self.#ident); }
                        } else {
                            quote! { w.elem(#written, &self.#ident); }
                        },
                    ),
                    (0, Some(1)) if boxed => (
                        quote! { #fdoc pub #ident: Option<Box<#ty>> },
                        quote! { let #lident = r.opt(&mut next, #ns, #local)?.map(Box::new); },
                        quote! { if let Some(v) = &self.#ident { w.elem(#written, &**v); } },
                    ),
                    (0, Some(1)) => (
                        quote! { #fdoc pub #ident: Option<#ty> },
                        quote! { let #lident = r.opt(&mut next, #ns, #local)?; },
                        if leaf {
                            quote! { w.leaf_opt(#open, #close, &self.#ident); }
                        } else {
                            quote! { w.elem_opt(#written, &self.#ident); }
                        },
                    ),
                    (min, max) => {
                        let min = min as usize;
                        let max_tok = opt_usize(max);
                        (
                            quote! { #fdoc pub #ident: Vec<#ty> },
                            quote! { let #lident = r.rep(&mut next, #ns, #local, #min, #max_tok)?; },
                            if leaf {
                                quote! { w.leaves(#open, #close, &self.#ident); }
                            } else {
                                quote! { w.elems(#written, &self.#ident); }
                            },
                        )
                    }
                };
                let fixed_check = match (&e.fixed, e.max_occurs) {
                    (Some(f), Some(1)) if is_simple_use(self.contract, &e.type_) && !e.nillable => {
                        let local_s = e.name.local.clone();
                        if e.min_occurs == 0 {
                            quote! { if let Some(v) = &#lident { r.check_fixed(v, #f, #local_s)?; } }
                        } else {
                            quote! { r.check_fixed(&#lident, #f, #local_s)?; }
                        }
                    }
                    _ => TokenStream::new(),
                };
                fields.decls.push(decl);
                fields.reads.push(quote! { #read #fixed_check });
                fields.content_writes.push(write);
                fields.push_name(ident, lident);
            }
            Particle::Group(g) => {
                self.group_fields(g, module, ctx, fields, items);
            }
            Particle::Any(wc) => {
                let fname = fields.claim("any").name;
                let ident = format_ident!("{}", fname);
                let lident = local_of(&fname);
                let ns_expr = self.any_ns(wc);
                let min = wc.min_occurs as usize;
                let max_tok = opt_usize(wc.max_occurs);
                fields.decls.push(quote! {
                    /// Elements of other namespaces admitted by the `xs:any` extension point,
                    /// kept verbatim so they survive a read-write round trip.
                    pub #ident: Vec<::tandvard_runtime::AnyElement>
                });
                fields.reads.push(quote! {
                    let #lident = r.any(&mut next, #ns_expr, #min, #max_tok)?;
                });
                fields.content_writes.push(quote! { w.any(&self.#ident); });
                fields.push_name(ident, lident);
            }
        }
    }

    /// `xs:all`: elements in any order, each at most once.
    fn all_fields(&mut self, g: &Group, module: &str, ctx: &str, fields: &mut FieldSet) {
        let mut slots = Vec::new();
        let mut arms = Vec::new();
        let mut finals = Vec::new();
        for p in &g.particles {
            let Particle::Element(e) = p else { continue };
            let fname = fields.claim(&snake(&e.name.local)).name;
            let ident = format_ident!("{}", fname);
            let lident = local_of(&fname);
            let ty = self.element_value_type(e, module, ctx);
            let ns = self.ns_const(e.name.ns.as_deref().unwrap_or(""));
            let local = Literal::byte_string(e.name.local.as_bytes());
            let local_str = e.name.local.clone();
            let written = self.prefixed(&e.name);
            slots.push(quote! { let mut #lident: Option<#ty> = None; });
            arms.push(quote! {
                if r.matches(s, #ns, #local) {
                    if #lident.is_some() {
                        return Err(r.unexpected(next, &[]));
                    }
                    #lident = Some(r.req(&mut next, #ns, #local)?);
                    continue;
                }
            });
            if e.min_occurs == 0 {
                fields.decls.push(quote! { pub #ident: Option<#ty> });
                fields
                    .content_writes
                    .push(quote! { w.elem_opt(#written, &self.#ident); });
            } else {
                fields.decls.push(quote! { pub #ident: #ty });
                finals.push(quote! {
                    let #lident = match #lident {
                        Some(v) => v,
                        None => return Err(r.missing_element(#local_str)),
                    };
                });
                fields
                    .content_writes
                    .push(quote! { w.elem(#written, &self.#ident); });
            }
            fields.push_name(ident, lident);
        }
        if arms.is_empty() {
            return;
        }
        fields.reads.push(quote! {
            #(#slots)*
            while let Some(s) = next.as_ref() {
                #(#arms)*
                break;
            }
            #(#finals)*
        });
    }
}

/// A facet-checked newtype around `inner`. `lexical` checks (patterns of types that are not
/// text) see `value: &str`: the text as read, or the value's written form in `validate`.
fn newtype(
    name: &Ident,
    doc: TokenStream,
    inner: &TokenStream,
    borrowed: &TokenStream,
    base_check: &TokenStream,
    checks: &TokenStream,
    lexical: &TokenStream,
) -> TokenStream {
    let unused = if base_check.is_empty() && checks.is_empty() {
        quote! { let _ = value; }
    } else {
        TokenStream::new()
    };
    if !lexical.is_empty() {
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub struct #name(#inner);
            impl #name {
                /// Checks the facets and wraps the value.
                pub fn new(value: #inner) -> Result<Self, ::tandvard_runtime::ValueError> {
                    Self::validate(&value)?;
                    Ok(Self(value))
                }
                /// Checks the value against this type's facets (and its base type's); the
                /// pattern is checked against the value's written form.
                pub fn validate(value: &#borrowed) -> Result<(), ::tandvard_runtime::ValueError> {
                    Self::check_value(value)?;
                    let mut text = String::new();
                    ::tandvard_runtime::SimpleValue::write_text(value, &mut text);
                    Self::check_text(&text)
                }
                fn check_value(value: &#borrowed) -> Result<(), ::tandvard_runtime::ValueError> {
                    #unused
                    #base_check
                    #checks
                    Ok(())
                }
                fn check_text(value: &str) -> Result<(), ::tandvard_runtime::ValueError> {
                    #lexical
                    Ok(())
                }
                /// The value.
                pub fn get(&self) -> &#borrowed {
                    &self.0
                }
                /// The value, consuming the wrapper.
                pub fn into_inner(self) -> #inner {
                    self.0
                }
            }
            impl ::tandvard_runtime::SimpleValue for #name {
                fn from_text(s: &str) -> Result<Self, ::tandvard_runtime::ValueError> {
                    Self::check_text(&::tandvard_runtime::whitespace::collapse(s))?;
                    let value = <#inner as ::tandvard_runtime::SimpleValue>::from_text(s)?;
                    Self::check_value(&value)?;
                    Ok(Self(value))
                }
                fn write_text(&self, out: &mut String) {
                    ::tandvard_runtime::SimpleValue::write_text(&self.0, out);
                }
            }
            impl TryFrom<#inner> for #name {
                type Error = ::tandvard_runtime::ValueError;
                fn try_from(value: #inner) -> Result<Self, Self::Error> {
                    Self::new(value)
                }
            }
        };
    }
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name(#inner);
        impl #name {
            /// Checks the facets and wraps the value.
            pub fn new(value: #inner) -> Result<Self, ::tandvard_runtime::ValueError> {
                Self::validate(&value)?;
                Ok(Self(value))
            }
            /// Checks the value against this type's facets (and its base type's).
            pub fn validate(value: &#borrowed) -> Result<(), ::tandvard_runtime::ValueError> {
                #unused
                #base_check
                #checks
                Ok(())
            }
            /// The value.
            pub fn get(&self) -> &#borrowed {
                &self.0
            }
            /// The value, consuming the wrapper.
            pub fn into_inner(self) -> #inner {
                self.0
            }
        }
        impl ::tandvard_runtime::SimpleValue for #name {
            const NEEDS_ESCAPE: bool = <#inner as ::tandvard_runtime::SimpleValue>::NEEDS_ESCAPE;
            fn from_text(s: &str) -> Result<Self, ::tandvard_runtime::ValueError> {
                Self::new(<#inner as ::tandvard_runtime::SimpleValue>::from_text(s)?)
            }
            fn write_text(&self, out: &mut String) {
                ::tandvard_runtime::SimpleValue::write_text(&self.0, out);
            }
        }
        impl TryFrom<#inner> for #name {
            type Error = ::tandvard_runtime::ValueError;
            fn try_from(value: #inner) -> Result<Self, Self::Error> {
                Self::new(value)
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

/// `length`, `minLength` and `maxLength` checks (characters, octets or items: the runtime's
/// `FacetLength` decides the unit by the value's type).
fn length_checks(f: &Facets) -> TokenStream {
    let mut out = TokenStream::new();
    for (facet, v) in [
        ("length", f.length),
        ("min_length", f.min_length),
        ("max_length", f.max_length),
    ] {
        if let Some(n) = v {
            let n = n as usize;
            let func = format_ident!("{}", facet);
            out.extend(quote! { ::tandvard_runtime::facets::#func(value, #n)?; });
        }
    }
    out
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

/// Doc attributes for a documentation text.
pub fn doc_attrs(text: &str) -> TokenStream {
    let mut out = TokenStream::new();
    for line in text.lines() {
        let line = format!(" {}", line.replace("*/", "* /"));
        let line = line.trim_end().to_string();
        out.extend(quote! { #[doc = #line] });
    }
    out
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

fn builtin_is_integer(b: Builtin) -> bool {
    use Builtin as B;
    matches!(
        b,
        B::Integer
            | B::NonPositiveInteger
            | B::NegativeInteger
            | B::Long
            | B::Int
            | B::Short
            | B::Byte
            | B::NonNegativeInteger
            | B::UnsignedLong
            | B::UnsignedInt
            | B::UnsignedShort
            | B::UnsignedByte
            | B::PositiveInteger
    )
}

/// A Rust expression of the built-in's type for a facet value, when we can render one.
fn literal_for(b: Builtin, v: &str) -> Option<TokenStream> {
    let v = v.trim();
    if builtin_is_integer(b) {
        let ty = builtin_type(b).to_string();
        let n: i128 = v.trim_start_matches('+').parse().ok()?;
        return format!("{n}_{ty}").parse().ok();
    }
    match b {
        Builtin::Decimal => {
            let d: rust_decimal::Decimal = v.trim_start_matches('+').parse().ok()?;
            let m = Literal::i128_unsuffixed(d.mantissa());
            let s = d.scale();
            Some(quote! { ::tandvard_runtime::Decimal::from_i128_with_scale(#m, #s) })
        }
        Builtin::Date
        | Builtin::Time
        | Builtin::DateTime
        | Builtin::GYear
        | Builtin::GYearMonth
        | Builtin::GMonth
        | Builtin::GMonthDay
        | Builtin::GDay => {
            use tandvard_runtime::SimpleValue as _;
            let ok = match b {
                Builtin::Date => tandvard_runtime::Date::from_text(v).is_ok(),
                Builtin::Time => tandvard_runtime::Time::from_text(v).is_ok(),
                Builtin::DateTime => tandvard_runtime::DateTime::from_text(v).is_ok(),
                Builtin::GYear => tandvard_runtime::GYear::from_text(v).is_ok(),
                Builtin::GYearMonth => tandvard_runtime::GYearMonth::from_text(v).is_ok(),
                Builtin::GMonth => tandvard_runtime::GMonth::from_text(v).is_ok(),
                Builtin::GMonthDay => tandvard_runtime::GMonthDay::from_text(v).is_ok(),
                _ => tandvard_runtime::GDay::from_text(v).is_ok(),
            };
            if !ok {
                return None;
            }
            let ty = builtin_type(b);
            // A reference already (the caller borrows other literals).
            Some(quote! {
                {
                    static BOUND: ::std::sync::LazyLock<#ty> = ::std::sync::LazyLock::new(|| {
                        <#ty as ::tandvard_runtime::SimpleValue>::from_text(#v).expect("checked at generation time")
                    });
                    ::std::sync::LazyLock::force(&BOUND)
                }
            })
        }
        Builtin::Float | Builtin::Double => {
            let f: f64 = v.parse().ok()?;
            if !f.is_finite() {
                return None;
            }
            let ty = builtin_type(b).to_string();
            format!("{f:?}_{ty}").parse().ok()
        }
        _ => None,
    }
}

fn base_is_enum(c: &Contract, base: Option<&QName>) -> bool {
    let Some(q) = base else { return false };
    match c.type_def(q).map(|d| &d.kind) {
        Some(TypeKind::Simple(s)) => !s.enumeration.is_empty() || base_is_enum(c, s.base.as_ref()),
        _ => false,
    }
}

/// Whether a type use is a simple type (so its values have a lexical form to compare).
fn is_simple_use(c: &Contract, t: &TypeUse) -> bool {
    match t {
        TypeUse::Builtin(b) => !matches!(b, Builtin::AnyType),
        TypeUse::Named(q) => matches!(c.type_def(q).map(|d| &d.kind), Some(TypeKind::Simple(_))),
        TypeUse::Inline(def) => matches!(def.kind, TypeKind::Simple(_)),
    }
}

/// Whether a named simple type carries checks (facets somewhere in its chain).
fn has_checks(c: &Contract, q: &QName) -> bool {
    match c.type_def(q).map(|d| &d.kind) {
        Some(TypeKind::Simple(s)) => {
            !s.facets.is_empty() || s.base.as_ref().is_some_and(|b| has_checks(c, b))
        }
        _ => false,
    }
}

/// Namespaces of every element and qualified attribute reachable from a type.
fn collect_namespaces(
    c: &Contract,
    t: &TypeUse,
    uris: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    match t {
        TypeUse::Builtin(_) => {}
        TypeUse::Named(q) => {
            if !seen.insert(q.to_string()) {
                return;
            }
            if let Some(def) = c.type_def(q) {
                collect_kind(c, &def.kind, uris, seen);
            }
        }
        TypeUse::Inline(def) => collect_kind(c, &def.kind, uris, seen),
    }
}

fn collect_kind(
    c: &Contract,
    k: &TypeKind,
    uris: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    match k {
        TypeKind::Simple(s) => match &s.variety {
            SimpleVariety::List(item) => collect_namespaces(c, item, uris, seen),
            SimpleVariety::Union(m) => {
                for t in m {
                    collect_namespaces(c, t, uris, seen);
                }
            }
            SimpleVariety::Atomic(_) => {}
        },
        TypeKind::Complex(ct) => {
            for a in &ct.attributes {
                if let Some(ns) = &a.name.ns {
                    uris.insert(ns.clone());
                }
            }
            match &ct.content {
                Content::Simple(t) => collect_namespaces(c, t, uris, seen),
                Content::Elements(g) => collect_group(c, g, uris, seen),
                Content::Empty => {}
            }
        }
    }
}

fn collect_group(
    c: &Contract,
    g: &Group,
    uris: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    for p in &g.particles {
        match p {
            Particle::Element(e) => {
                if let Some(ns) = &e.name.ns {
                    uris.insert(ns.clone());
                }
                collect_namespaces(c, &e.type_, uris, seen);
            }
            Particle::Group(g) => collect_group(c, g, uris, seen),
            Particle::Any(_) => {}
        }
    }
}
