//! Model groups: flattened sequences, `xs:all`, and choices and repeated sequences as types of
//! their own (`read_group`/`write_group`).

use super::*;

impl TypeRenderer<'_, '_> {
    /// Adds the fields of a model group to `fields`. A sequence that occurs exactly once is
    /// flattened into the parent; other groups become a field of their own type.
    pub(super) fn group_fields(
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
    pub(super) fn group_type(&mut self, g: &Group, path: &RustPath) -> Vec<TokenStream> {
        if g.kind == GroupKind::Choice {
            self.choice_type(g, path)
        } else {
            self.sequence_type(g, path)
        }
    }

    /// A choice: an enum with a variant per alternative.
    fn choice_type(&mut self, g: &Group, path: &RustPath) -> Vec<TokenStream> {
        let name = format_ident!("{}", path.name);
        let module = path.module.clone();
        let mut items = Vec::new();
        let mut vscope = self.planned_variants(path);
        let mut alts = Alternatives::default();
        for p in &g.particles {
            match p {
                Particle::Element(e) => {
                    let vname = format_ident!("{}", vscope.claim(&camel(&e.name.local)).name);
                    self.element_alternative(e, path, &vname, &mut alts, &mut items);
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
                        alts.variants.push(quote! { #vname(Vec<#ity>) });
                        alts.reads.push(quote! {
                            if #(#checks)||* {
                                let mut items = Vec::new();
                                while let Some(v) = #ity::read_group(r, next)? {
                                    items.push(v);
                                }
                                return Ok(Some(Self::#vname(items)));
                            }
                        });
                        alts.writes.push(quote! { Self::#vname(items) => { for v in items { v.write_group(w); } } });
                    } else {
                        alts.variants.push(quote! { #vname(#ity) });
                        // The inner group starts with exactly these names, so once one
                        // matched it reads (or fails); `s` is not used after the call.
                        alts.reads.push(quote! {
                            if #(#checks)||* {
                                return Ok(#ity::read_group(r, next)?.map(Self::#vname));
                            }
                        });
                        alts.writes
                            .push(quote! { Self::#vname(v) => v.write_group(w) });
                    }
                }
                Particle::Any(wc) => {
                    let vname = format_ident!("{}", vscope.claim("Any").name);
                    let ns_expr = self.any_ns(wc);
                    alts.variants
                        .push(quote! { #vname(Vec<::tandvard_runtime::AnyElement>) });
                    alts.reads.push(quote! {
                        if r.any_matches(#ns_expr, s.ns) {
                            return Ok(Some(Self::#vname(r.any(next, #ns_expr, 1, Some(1))?)));
                        }
                    });
                    alts.writes.push(quote! { Self::#vname(v) => w.any(v) });
                }
            }
        }
        let Alternatives {
            variants,
            reads,
            writes,
        } = alts;
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
                #[doc(hidden)]
                pub fn read_group<'i>(r: &mut ::tandvard_runtime::Reader<'i>, next: &mut Option<::tandvard_runtime::Start<'i>>) -> Result<Option<Self>, ::tandvard_runtime::Error> {
                    #bind_s
                    #(#reads)*
                    Ok(None)
                }
                /// Writes the alternative.
                #[doc(hidden)]
                pub fn write_group(&self, w: &mut ::tandvard_runtime::Writer) {
                    match #scrutinee {
                        #(#writes,)*
                    }
                }
            }
        });
        items
    }

    /// The variant, reader arm and writer arm of an element alternative of a choice.
    fn element_alternative(
        &mut self,
        e: &ElementUse,
        path: &RustPath,
        vname: &Ident,
        alts: &mut Alternatives,
        items: &mut Vec<TokenStream>,
    ) {
        let module = path.module.clone();
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
            items,
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
            alts.variants.push(quote! { #vname(Vec<#ty>) });
            alts.reads.push(quote! {
                if r.matches(s, #ns, #local) {
                    return Ok(Some(Self::#vname(r.rep(next, #ns, #local, #min, #max_tok)?)));
                }
            });
            alts.writes
                .push(quote! { Self::#vname(v) => w.elems(#written, v) });
        } else if boxed {
            alts.variants.push(quote! { #vname(Box<#ty>) });
            alts.reads.push(quote! {
                if r.matches(s, #ns, #local) {
                    return Ok(Some(Self::#vname(Box::new(r.req(next, #ns, #local)?))));
                }
            });
            alts.writes
                .push(quote! { Self::#vname(v) => w.elem(#written, &**v) });
        } else {
            alts.variants.push(quote! { #vname(#ty) });
            alts.reads.push(quote! {
                if r.matches(s, #ns, #local) {
                    return Ok(Some(Self::#vname(r.req(next, #ns, #local)?)));
                }
            });
            alts.writes
                .push(quote! { Self::#vname(v) => w.elem(#written, v) });
        }
    }

    /// A sequence or `xs:all` that is not flattened into its parent: a struct.
    fn sequence_type(&mut self, g: &Group, path: &RustPath) -> Vec<TokenStream> {
        let name = format_ident!("{}", path.name);
        let module = path.module.clone();
        let mut items = Vec::new();
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
                #[doc(hidden)]
                pub fn read_group<'i>(r: &mut ::tandvard_runtime::Reader<'i>, next_in: &mut Option<::tandvard_runtime::Start<'i>>) -> Result<Option<Self>, ::tandvard_runtime::Error> {
                    #starts
                    let mut next = next_in.take();
                    #(#reads)*
                    *next_in = next;
                    Ok(Some(Self { #(#names),* }))
                }
                /// Writes the group's elements.
                #[doc(hidden)]
                pub fn write_group(&self, w: &mut ::tandvard_runtime::Writer) {
                    #(#writes)*
                }
            }
        });
        items
    }

    pub(super) fn particle_field(
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
    pub(super) fn all_fields(&mut self, g: &Group, module: &str, ctx: &str, fields: &mut FieldSet) {
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

/// The variants of a choice being rendered, with their reader and writer arms.
#[derive(Default)]
struct Alternatives {
    variants: Vec<TokenStream>,
    reads: Vec<TokenStream>,
    writes: Vec<TokenStream>,
}
