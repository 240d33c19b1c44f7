//! Complex types: a struct with its attributes, content and mixed text, read in one pass
//! over the start tag and the children.

use super::*;

impl TypeRenderer<'_, '_> {
    pub(super) fn complex_items(
        &mut self,
        def: &TypeDef,
        c: &ComplexType,
        path: &RustPath,
    ) -> Vec<TokenStream> {
        let name = format_ident!("{}", path.name);
        let doc = self.doc(def.doc.as_deref());
        let mut fields = self.planned_fields(path);
        let mut items = Vec::new();
        self.attribute_fields(def, c, path, &mut fields);
        let is_empty = self.content_fields(c, path, &mut fields, &mut items);
        items.insert(0, struct_item(&name, doc, &fields, is_empty));
        items
    }

    /// The attribute fields, and the one pass over the start tag's attributes that reads them.
    fn attribute_fields(
        &mut self,
        def: &TypeDef,
        c: &ComplexType,
        path: &RustPath,
        fields: &mut FieldSet,
    ) {
        let module = path.module.clone();
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
    }

    /// The content fields: text, a simple value, or the fields of the model group (with the
    /// text around them when mixed). Returns whether the element is always empty.
    fn content_fields(
        &mut self,
        c: &ComplexType,
        path: &RustPath,
        fields: &mut FieldSet,
        items: &mut Vec<TokenStream>,
    ) -> bool {
        let module = path.module.clone();
        let mut is_empty = false;
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
                self.group_fields(g, &module, &path.name, fields, items);
                if c.mixed {
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
        is_empty
    }

    pub(super) fn any_ns(&mut self, wc: &Wildcard) -> TokenStream {
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
    pub(super) fn element_value_type(
        &mut self,
        e: &ElementUse,
        module: &str,
        ctx: &str,
    ) -> TokenStream {
        let inner = self.rust_type(&e.type_, module, ctx, &e.name.local);
        if e.nillable {
            quote! { ::tandvard_runtime::Nillable<#inner> }
        } else {
            inner
        }
    }
}

/// The struct of a complex type with its `XmlRead` and `XmlWrite` impls.
fn struct_item(name: &Ident, doc: TokenStream, fields: &FieldSet, is_empty: bool) -> TokenStream {
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
    }
}
