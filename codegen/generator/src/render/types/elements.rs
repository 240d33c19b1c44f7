//! Global elements (their `RootElement` impls and wrappers) and the `Any<Base>` enums read
//! and written by `xsi:type`.

use super::*;

impl TypeRenderer<'_, '_> {
    pub(super) fn element_items(&mut self, path: &RustPath, e: &Element) -> Vec<TokenStream> {
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
    pub(super) fn root_namespaces(&self, t: &TypeUse, own: Option<&str>) -> Vec<(String, String)> {
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
    pub(super) fn poly_items(&mut self, base: &str, path: &RustPath) -> Vec<TokenStream> {
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
}

/// Namespaces of every element and qualified attribute reachable from a type.
pub(super) fn collect_namespaces(
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

pub(super) fn collect_kind(
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

pub(super) fn collect_group(
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
