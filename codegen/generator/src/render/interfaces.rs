//! One module per WSDL port type: operation metadata, fault enums, and (behind the
//! generated crate's features) the client ([`super::client`]) and the server side
//! ([`super::server`]). Also the SOAP glue implemented on message types, which goes into
//! the `messages` module: [`RequestHeaderFields`] for header elements and
//! [`BusinessResult`] for responses with a business result.
//!
//! [`RequestHeaderFields`]: https://docs.rs/tandvard-runtime/latest/tandvard_runtime/soap/trait.RequestHeaderFields.html
//! [`BusinessResult`]: https://docs.rs/tandvard-runtime/latest/tandvard_runtime/soap/trait.BusinessResult.html
//!
//! ## Retry classes
//!
//! Whether an operation may be sent again after a failure whose outcome is unknown is not
//! in WSDL, so the generator decides it from, in order (first match wins):
//! 1. the operation's `wsdl:documentation`: `Not safe` with `idempotent on …` →
//!    `KeyRequired` (retried only with an idempotency key); `Not safe` alone → `Unsafe`;
//!    a sentence starting `Safe` → `Safe`; a sentence starting `Idempotent` → `Idempotent`
//!    (`Idempotent on …` → `KeyRequired`);
//! 2. the operation name: `Get…`, `Check…`, `List…`, `Find…`, `Search…`, `Query…`,
//!    `Read…`, `Fetch…`, `Ping`, `Echo`, `WhoAmI` → `Safe`;
//! 3. a request header element with an `idempotencyKey` child → `KeyRequired`;
//! 4. otherwise `Unsafe` (never retried).
//!
//! The client's `RetryPolicy::with_override` changes the class of an operation at run time.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_attrs;
pub use super::plan::Idempotency;
use super::plan::{ClientHeader, ElementPlan, FaultPlan, HeaderPlan, IfacePlan, OpPlan};
use super::types::ModuleCode;
use crate::layout::{InterfaceLayout, Layout};
use crate::model::{
    Builtin, ComplexType, Content, Contract, ElementUse, GroupKind, Interface, Operation, Particle,
    QName, SimpleVariety, TypeDef, TypeKind, TypeUse,
};

/// Which parts to render.
#[derive(Debug, Clone, Copy)]
pub struct InterfaceOptions {
    /// The client (`#[cfg(feature = "client")]`) and blocking client
    /// (`#[cfg(feature = "blocking")]`).
    pub client: bool,
    /// The server trait and router (`#[cfg(feature = "server")]`).
    pub server: bool,
    /// Doc comments from `wsdl:documentation`.
    pub docs: bool,
    /// Code for one file `include!`d into another crate (the build.rs `Builder`): the client
    /// and server parts are gated on tandvard-runtime's features (through its
    /// `__cfg_client!`/`__cfg_blocking!`/`__cfg_server!` macros) rather than on features of
    /// the including crate. Otherwise they are gated on the generated crate's own features
    /// (`#[cfg(feature = "client")]` ...), which enable the runtime's.
    pub single_file: bool,
}

/// Puts items behind a feature: `#[cfg(feature = "…")]` on each item (crate mode), or the
/// runtime's `__cfg_…!` macro around them (single-file mode).
fn gate(items: TokenStream, feature: &str, single_file: bool) -> TokenStream {
    if single_file {
        let mac = format_ident!("__cfg_{}", feature);
        return quote! { ::tandvard_runtime::#mac! { #items } };
    }
    let Ok(mut file) = syn::parse2::<syn::File>(items.clone()) else {
        // Cannot happen for our own tokens; keep them ungated rather than fail.
        return items;
    };
    let attr: syn::Attribute = syn::parse_quote! { #[cfg(feature = #feature)] };
    for item in &mut file.items {
        if let Some(attrs) = item_attrs(item) {
            attrs.insert(0, attr.clone());
        }
    }
    let items = file.items;
    quote! { #(#items)* }
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// The rendered interface modules, their doc lines, the glue for the `messages` module, and
/// notes about what could not be rendered.
pub struct RenderedInterfaces {
    /// One module per port type, with its doc line.
    pub modules: Vec<(ModuleCode, String)>,
    /// Items for the `messages` module (trait impls on message types).
    pub message_items: Vec<TokenStream>,
    /// Reduced-fidelity notes.
    pub warnings: Vec<String>,
}

const READ_VERBS: &[&str] = &[
    "Get", "Check", "List", "Find", "Search", "Query", "Read", "Fetch",
];
const READ_NAMES: &[&str] = &["Ping", "Echo", "WhoAmI"];

/// Decides the retry class of an operation (see the module documentation).
pub fn idempotency(op: &Operation, header_has_key: bool) -> Idempotency {
    if let Some(doc) = &op.doc {
        let lower = doc.to_lowercase();
        let sentences: Vec<&str> = lower
            .split(['.', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if lower.contains("not safe") {
            return if lower.contains("idempotent on") {
                Idempotency::KeyRequired
            } else {
                Idempotency::Unsafe
            };
        }
        let starts = |word: &str| {
            sentences.iter().any(|s| {
                s.strip_prefix(word)
                    .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
            })
        };
        if starts("safe") {
            return Idempotency::Safe;
        }
        if sentences.iter().any(|s| s.starts_with("idempotent on")) {
            return Idempotency::KeyRequired;
        }
        if starts("idempotent") {
            return Idempotency::Idempotent;
        }
    }
    let verb = READ_VERBS.iter().any(|v| {
        op.name
            .strip_prefix(v)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_uppercase()))
    });
    if verb || READ_NAMES.contains(&op.name.as_str()) {
        return Idempotency::Safe;
    }
    if header_has_key {
        return Idempotency::KeyRequired;
    }
    Idempotency::Unsafe
}

fn element_plan(q: &QName, layout: &Layout<'_>) -> Option<ElementPlan> {
    let path = layout.element(&q.to_string())?;
    let m = format_ident!("{}", path.module);
    let n = format_ident!("{}", path.name);
    Some(ElementPlan {
        q: q.clone(),
        ty: quote! { super::#m::#n },
    })
}

/// The single body element of a message, if it has exactly one element part.
fn body_element(parts: &[crate::model::PartShape]) -> Option<&QName> {
    match parts {
        [p] => p.element.as_ref(),
        _ => None,
    }
}

/// The plan of one interface: the layout's names, with the types and docs they render with.
fn plan(layout: &Layout<'_>, iface: &Interface, names: &InterfaceLayout, docs: bool) -> IfacePlan {
    let ident = |s: &str| format_ident!("{}", s);
    let headers: Vec<ClientHeader> = names
        .headers
        .iter()
        .filter_map(|h| {
            Some(ClientHeader {
                field: ident(&h.field),
                setter: ident(&h.setter),
                element: element_plan(&h.element, layout)?,
            })
        })
        .collect();
    let mut ops = Vec::new();
    for o in &names.operations {
        let Some(op) = iface.operations.iter().find(|x| x.name == o.name) else {
            continue;
        };
        let (Some(request), response) = (
            element_plan(&o.request, layout),
            o.response.as_ref().and_then(|q| element_plan(q, layout)),
        ) else {
            continue;
        };
        let mut op_headers = Vec::new();
        let mut header_has_key = false;
        for (param, q) in &o.headers {
            let (Some(element), Some(ch)) = (
                element_plan(q, layout),
                headers.iter().find(|h| h.element.q == *q),
            ) else {
                continue;
            };
            if header_field(layout, q, "idempotencykey").is_some() {
                header_has_key = true;
            }
            op_headers.push(HeaderPlan {
                param: ident(param),
                field: ch.field.clone(),
                element,
            });
        }
        let idem = idempotency(op, header_has_key);
        let mut text = String::new();
        if docs {
            if let Some(d) = &op.doc {
                text.push_str(d.trim());
                text.push_str("\n\n");
            }
        }
        text.push_str(&format!(
            "WSDL operation `{}`: sends `{}`",
            op.name, request.q
        ));
        match &response {
            Some(r) => text.push_str(&format!(", receives `{}`", r.q)),
            None => text.push_str(" (one-way)"),
        }
        if let Some(a) = op.soap_action.as_deref().filter(|a| !a.is_empty()) {
            text.push_str(&format!("; SOAP action `{a}`"));
        }
        text.push_str(".\n\n");
        text.push_str(idem.describe());
        let server_doc = doc_attrs(&server_doc_text(op, &request, response.as_ref(), docs));
        ops.push(OpPlan {
            name: op.name.clone(),
            konst: ident(&o.konst),
            method: ident(&o.method),
            fault: ident(&o.fault),
            request,
            response,
            headers: op_headers,
            idempotency: idem,
            doc: doc_attrs(&text),
            server_doc,
        });
    }
    let mut text = format!("SOAP interface `{}`", iface.name);
    if let Some(a) = &iface.address {
        text.push_str(&format!(" at `{a}`"));
    }
    text.push('.');
    if docs {
        if let Some(d) = &iface.doc {
            text.push_str("\n\n");
            text.push_str(d.trim());
        }
    }
    IfacePlan {
        port_type: iface.name.clone(),
        client: ident(&names.client),
        blocking: ident(&names.blocking),
        service: ident(&names.service),
        ops,
        headers,
        doc: doc_attrs(&text),
        has_endpoint: iface.address.is_some(),
    }
}

/// The doc of an operation's service trait method: what the service receives and answers.
fn server_doc_text(
    op: &Operation,
    request: &ElementPlan,
    response: Option<&ElementPlan>,
    docs: bool,
) -> String {
    let mut text = String::new();
    if docs {
        if let Some(d) = &op.doc {
            text.push_str(d.trim());
            text.push_str("\n\n");
        }
    }
    text.push_str(&format!(
        "Handles WSDL operation `{}`: called with the `{}` request",
        op.name, request.q
    ));
    if let Some(a) = op.soap_action.as_deref().filter(|a| !a.is_empty()) {
        text.push_str(&format!(" (SOAP action `{a}`)"));
    }
    if op.input.as_ref().is_some_and(|m| !m.headers.is_empty()) {
        text.push_str(" and its header blocks");
    }
    match response {
        Some(r) => text.push_str(&format!(
            "; answers with a `{}` response, or a SOAP fault.",
            r.q
        )),
        None => text.push_str(" (one-way: no answer)."),
    }
    text
}

// ---------------------------------------------------------------------------------------
// Common items: endpoint, operation metadata, fault enums

fn common_items(
    layout: &Layout<'_>,
    iface: &Interface,
    p: &IfacePlan,
    names: &InterfaceLayout,
) -> Vec<TokenStream> {
    let mut items = Vec::new();
    let address = iface.address.clone().unwrap_or_default();
    let path = url_path(&address);
    let endpoint_doc = if iface.address.is_some() {
        " The endpoint address from the WSDL (`soap:address`); clients send here unless told otherwise."
    } else {
        " The WSDL gives no address: set the endpoint on the client."
    };
    items.push(quote! {
        #[doc = #endpoint_doc]
        pub const ENDPOINT: &str = #address;
        /// The path of [`ENDPOINT`], where [`router`](fn@router) serves this interface.
        pub const PATH: &str = #path;
    });
    let version = match iface.soap {
        crate::model::SoapVersion::Soap11 => {
            quote! { ::tandvard_runtime::soap::SoapVersion::Soap11 }
        }
        crate::model::SoapVersion::Soap12 => {
            quote! { ::tandvard_runtime::soap::SoapVersion::Soap12 }
        }
    };
    let port_type = &p.port_type;
    for (op_plan, op) in p.ops.iter().map(|o| {
        let op = iface.operations.iter().find(|x| x.name == o.name);
        (o, op)
    }) {
        let Some(op) = op else { continue };
        let konst = &op_plan.konst;
        let name = &op.name;
        let action = op.soap_action.clone().unwrap_or_default();
        let (rq_ns, rq_local) = (
            op_plan.request.q.ns.clone().unwrap_or_default(),
            op_plan.request.q.local.clone(),
        );
        let response = match &op_plan.response {
            Some(r) => {
                let ns = r.q.ns.clone().unwrap_or_default();
                let local = &r.q.local;
                quote! { Some((#ns, #local)) }
            }
            None => quote! { None },
        };
        let headers = op_plan.headers.iter().map(|h| {
            let ns = h.element.q.ns.clone().unwrap_or_default();
            let local = &h.element.q.local;
            quote! { (#ns, #local) }
        });
        let idem = op_plan.idempotency.tokens();
        let doc = format!(" Metadata of the operation `{name}`.");
        items.push(quote! {
            #[doc = #doc]
            pub const #konst: ::tandvard_runtime::soap::Operation = ::tandvard_runtime::soap::Operation {
                interface: #port_type,
                name: #name,
                action: #action,
                version: #version,
                request: (#rq_ns, #rq_local),
                response: #response,
                headers: &[#(#headers),*],
                idempotency: #idem,
            };
        });
        items.push(fault_enum(op, op_plan, names, layout));
    }
    items
}

fn fault_enum(
    op: &Operation,
    p: &OpPlan,
    names: &InterfaceLayout,
    layout: &Layout<'_>,
) -> TokenStream {
    let ident = &p.fault;
    let faults: Vec<FaultPlan> = names
        .operation(&op.name)
        .into_iter()
        .flat_map(|o| &o.faults)
        .filter_map(|(name, variant, q)| {
            Some(FaultPlan {
                variant: format_ident!("{}", variant),
                name: name.clone(),
                element: element_plan(q, layout)?,
            })
        })
        .collect();
    if faults.is_empty() {
        let doc = format!(" `{}` declares no faults with a detail element.", op.name);
        return quote! {
            #[doc = #doc]
            pub type #ident = ::tandvard_runtime::soap::NoFault;
        };
    }
    let doc = format!(
        " The faults `{}` declares (`wsdl:fault`): the detail of a SOAP fault, typed.",
        op.name
    );
    let variants = faults.iter().map(|f| {
        let v = &f.variant;
        let ty = &f.element.ty;
        let d = format!(" `{}`: detail element `{}`.", f.name, f.element.q);
        quote! { #[doc = #d] #v(#ty) }
    });
    let reads = faults.iter().map(|f| {
        let v = &f.variant;
        let ns = f.element.q.ns.clone().unwrap_or_default();
        let local = &f.element.q.local;
        quote! {
            if element.local_name() == #local && element.namespace() == #ns {
                return Some(::tandvard_runtime::from_xml_with(element.as_str().as_bytes(), options).map(Self::#v));
            }
        }
    });
    let writes = faults.iter().map(|f| {
        let v = &f.variant;
        quote! { Self::#v(v) => w.elem_root(v) }
    });
    let names = faults.iter().map(|f| {
        let v = &f.variant;
        let n = &f.name;
        quote! { Self::#v(_) => #n }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #ident {
            #(#variants,)*
        }
        impl ::tandvard_runtime::soap::FaultDetail for #ident {
            fn from_detail(
                element: &::tandvard_runtime::AnyElement,
                options: &::tandvard_runtime::ReadOptions,
            ) -> Option<Result<Self, ::tandvard_runtime::Error>> {
                #(#reads)*
                None
            }
            fn write_detail(&self, w: &mut ::tandvard_runtime::Writer) {
                match self {
                    #(#writes,)*
                }
            }
            fn fault_name(&self) -> &'static str {
                match self {
                    #(#names,)*
                }
            }
        }
    }
}

/// The path of a URL (`https://host/a/b` → `/a/b`; `/` when there is none).
pub fn url_path(address: &str) -> String {
    let rest = address.split_once("://").map_or(address, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Structure: field names of generated structs (the same rules as the type renderer)

/// A field of a generated struct: its Rust name and the element it holds.
struct FieldInfo<'c> {
    name: String,
    element: Option<&'c ElementUse>,
}

fn type_def<'c>(contract: &'c Contract, t: &'c TypeUse) -> Option<&'c TypeDef> {
    match t {
        TypeUse::Named(q) => contract.type_def(q),
        TypeUse::Inline(d) => Some(d),
        TypeUse::Builtin(_) => None,
    }
}

fn complex_of<'c>(contract: &'c Contract, t: &'c TypeUse) -> Option<&'c ComplexType> {
    match &type_def(contract, t)?.kind {
        TypeKind::Complex(c) => Some(c),
        TypeKind::Simple(_) => None,
    }
}

/// Whether a type's Rust form implements `SimpleValue`.
fn is_simple(contract: &Contract, t: &TypeUse) -> bool {
    match t {
        TypeUse::Builtin(b) => !matches!(b, Builtin::AnyType),
        _ => matches!(
            type_def(contract, t).map(|d| &d.kind),
            Some(TypeKind::Simple(_))
        ),
    }
}

/// The fields of a complex type's struct that hold one child element each, in declaration
/// order, named as the layout names them.
fn fields<'c>(layout: &Layout<'c>, c: &'c ComplexType) -> Vec<FieldInfo<'c>> {
    fn walk<'c>(layout: &Layout<'c>, g: &'c crate::model::Group, out: &mut Vec<FieldInfo<'c>>) {
        if g.min_occurs != 1 || g.max_occurs != Some(1) || g.kind == GroupKind::Choice {
            return;
        }
        for p in &g.particles {
            match p {
                Particle::Element(e) => {
                    if let Some(name) = layout.node_field(e) {
                        out.push(FieldInfo {
                            name: name.to_string(),
                            element: Some(e),
                        });
                    }
                }
                Particle::Group(inner) if g.kind == GroupKind::Sequence => walk(layout, inner, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if let Content::Elements(g) = &c.content {
        walk(layout, g, &mut out);
    }
    out
}

/// The struct field holding the child element whose lowercased local name is `lower`.
fn find_field<'c>(
    layout: &Layout<'c>,
    c: &'c ComplexType,
    lower: &str,
) -> Option<(String, &'c ElementUse)> {
    fields(layout, c).into_iter().find_map(|f| {
        let e = f.element?;
        (e.name.local.to_lowercase() == lower && !e.nillable).then_some((f.name, e))
    })
}

/// A header element's simple-typed field by lowercased local name.
fn header_field<'c>(
    layout: &Layout<'c>,
    q: &QName,
    lower: &str,
) -> Option<(String, &'c ElementUse)> {
    let contract = layout.contract();
    let e = contract.element(q)?;
    let c = complex_of(contract, &e.type_)?;
    let (name, el) = find_field(layout, c, lower)?;
    (is_simple(contract, &el.type_) && el.max_occurs == Some(1)).then_some((name, el))
}

// ---------------------------------------------------------------------------------------
// Glue on message types

/// `impl RequestHeaderFields` for a header element's type.
fn header_fields_impl(layout: &Layout<'_>, q: &QName, ty: &TokenStream) -> TokenStream {
    let mut sets = Vec::new();
    let value = |name: &str, src: TokenStream, required_src: bool| -> Option<TokenStream> {
        let (field, el) = header_field(layout, q, name)?;
        let f = format_ident!("{}", field);
        let parse = quote! { ::tandvard_runtime::SimpleValue::from_text(v)? };
        Some(match (required_src, el.min_occurs) {
            (true, 0) => quote! { let v = #src; self.#f = Some(#parse); },
            (true, _) => quote! { let v = #src; self.#f = #parse; },
            (false, 0) => quote! { if let Some(v) = #src { self.#f = Some(#parse); } },
            (false, _) => quote! { if let Some(v) = #src { self.#f = #parse; } },
        })
    };
    sets.extend(value("messageid", quote! { attempt.message_id }, true));
    sets.extend(value("sentat", quote! { attempt.sent_at }, true));
    sets.extend(value(
        "idempotencykey",
        quote! { attempt.idempotency_key },
        false,
    ));
    sets.extend(value(
        "correlationid",
        quote! { attempt.correlation_id },
        false,
    ));
    let key = match header_field(layout, q, "idempotencykey") {
        Some((field, el)) => {
            let f = format_ident!("{}", field);
            let get = if el.min_occurs == 0 {
                quote! { self.#f.as_ref().map(::tandvard_runtime::soap::text_of) }
            } else {
                quote! { Some(::tandvard_runtime::soap::text_of(&self.#f)) }
            };
            quote! {
                fn idempotency_key(&self) -> Option<String> {
                    #get
                }
            }
        }
        None => TokenStream::new(),
    };
    let unused = if sets.is_empty() {
        quote! { let _ = attempt; }
    } else {
        TokenStream::new()
    };
    quote! {
        impl ::tandvard_runtime::soap::RequestHeaderFields for #ty {
            fn prepare_attempt(
                &mut self,
                attempt: &::tandvard_runtime::soap::Attempt<'_>,
            ) -> Result<(), ::tandvard_runtime::ValueError> {
                #unused
                #(#sets)*
                Ok(())
            }
            #key
        }
    }
}

/// Whether an element's type is an enumeration with the values `OK` and `ERROR`.
fn is_result_code(contract: &Contract, e: &ElementUse) -> bool {
    let Some(d) = type_def(contract, &e.type_) else {
        return false;
    };
    let TypeKind::Simple(s) = &d.kind else {
        return false;
    };
    if !matches!(s.variety, SimpleVariety::Atomic(_)) {
        return false;
    }
    let has = |v: &str| {
        s.enumeration
            .iter()
            .any(|x| x.value.eq_ignore_ascii_case(v))
    };
    has("OK") && has("ERROR")
}

/// A simple field as an `Option<String>` expression on `owner`.
fn text_expr(
    layout: &Layout<'_>,
    owner: &TokenStream,
    c: &ComplexType,
    lower: &str,
) -> TokenStream {
    let contract = layout.contract();
    match find_field(layout, c, lower) {
        Some((name, el)) if is_simple(contract, &el.type_) && el.max_occurs == Some(1) => {
            let f = format_ident!("{}", name);
            if el.min_occurs == 0 {
                quote! { #owner.#f.as_ref().map(::tandvard_runtime::soap::text_of) }
            } else {
                quote! { Some(::tandvard_runtime::soap::text_of(&#owner.#f)) }
            }
        }
        _ => quote! { None },
    }
}

/// `impl BusinessResult` for a response type with a result element.
fn business_result_impl(layout: &Layout<'_>, q: &QName, ty: &TokenStream) -> Option<TokenStream> {
    let contract = layout.contract();
    let e = contract.element(q)?;
    let c = complex_of(contract, &e.type_)?;
    let (result_field, result_el, result_type, code_field) =
        fields(layout, c).into_iter().find_map(|f| {
            let el = f.element?;
            if el.min_occurs != 1 || el.max_occurs != Some(1) || el.nillable {
                return None;
            }
            let rc = complex_of(contract, &el.type_)?;
            let code = fields(layout, rc).into_iter().find_map(|g| {
                let ge = g.element?;
                (ge.min_occurs == 1
                    && ge.max_occurs == Some(1)
                    && !ge.nillable
                    && is_result_code(contract, ge))
                .then_some(g.name)
            })?;
            Some((f.name, el, rc, code))
        })?;
    let _ = result_el;
    let rf = format_ident!("{}", result_field);
    let cf = format_ident!("{}", code_field);
    let r = quote! { r };
    let error_code = text_expr(layout, &r, result_type, "errorcode");
    let message = text_expr(layout, &r, result_type, "message");
    let log_id = text_expr(layout, &r, result_type, "logid");
    let details = match find_field(layout, result_type, "detail") {
        Some((name, el)) => match complex_of(contract, &el.type_) {
            Some(dc) => {
                let f = format_ident!("{}", name);
                let d = quote! { d };
                let code = text_expr(layout, &d, dc, "code");
                let severity = text_expr(layout, &d, dc, "severity");
                let text = text_expr(layout, &d, dc, "text");
                let path = text_expr(layout, &d, dc, "path");
                let iter = if el.max_occurs == Some(1) && el.min_occurs == 1 {
                    quote! { ::std::iter::once(&r.#f) }
                } else {
                    quote! { r.#f.iter() }
                };
                quote! {
                    #iter.map(|d| ::tandvard_runtime::soap::OutcomeDetail {
                        code: #code,
                        severity: #severity,
                        text: #text,
                        path: #path,
                    }).collect()
                }
            }
            None => quote! { Vec::new() },
        },
        None => quote! { Vec::new() },
    };
    Some(quote! {
        impl ::tandvard_runtime::soap::BusinessResult for #ty {
            fn outcome(&self) -> ::tandvard_runtime::soap::Outcome {
                let r = &self.#rf;
                ::tandvard_runtime::soap::Outcome {
                    code: ::tandvard_runtime::soap::ResultCode::parse(
                        &::tandvard_runtime::soap::text_of(&r.#cf),
                    ),
                    error_code: #error_code,
                    message: #message,
                    log_id: #log_id,
                    details: #details,
                }
            }
        }
    })
}

/// The glue items for the `messages` module.
fn message_glue(layout: &Layout<'_>) -> Vec<TokenStream> {
    let contract = layout.contract();
    let mut headers = BTreeSet::new();
    let mut responses = BTreeSet::new();
    for i in &contract.interfaces {
        for o in &i.operations {
            for h in o.input.iter().flat_map(|m| m.headers.iter()) {
                if let Some(q) = &h.element {
                    headers.insert(q.clone());
                }
            }
            if let Some(q) = o.output.as_ref().and_then(|m| body_element(&m.body)) {
                responses.insert(q.clone());
            }
        }
    }
    let mut items = Vec::new();
    for q in &headers {
        let Some(p) = element_plan(q, layout) else {
            continue;
        };
        if contract
            .element(q)
            .and_then(|e| complex_of(contract, &e.type_))
            .is_none()
        {
            continue;
        }
        items.push(header_fields_impl(layout, q, &p.ty));
    }
    for q in &responses {
        let Some(p) = element_plan(q, layout) else {
            continue;
        };
        items.extend(business_result_impl(layout, q, &p.ty));
    }
    items
}

/// Renders every interface module and the message glue.
pub fn render(layout: &Layout<'_>, opts: InterfaceOptions) -> RenderedInterfaces {
    let contract = layout.contract();
    let mut warnings = Vec::new();
    let message_items = message_glue(layout);
    let mut modules = Vec::new();
    if !(opts.client || opts.server) {
        return RenderedInterfaces {
            modules,
            message_items,
            warnings,
        };
    }
    for (iface, names) in contract.interfaces.iter().zip(layout.interfaces()) {
        warnings.extend(names.skipped.iter().cloned());
        let p = plan(layout, iface, names, opts.docs);
        let name = names.module.clone();
        let mut items = common_items(layout, iface, &p, names);
        if opts.client {
            let (client, blocking) = super::client::render(&p);
            items.push(gate(client, "client", opts.single_file));
            items.push(gate(blocking, "blocking", opts.single_file));
        }
        if opts.server {
            items.push(gate(super::server::render(&p), "server", opts.single_file));
        }
        let line = format!(
            "SOAP interface `{}`: operations, faults{}{}.",
            iface.name,
            if opts.client { ", client" } else { "" },
            if opts.server {
                ", server trait and router"
            } else {
                ""
            }
        );
        modules.push((
            ModuleCode {
                name,
                namespace: None,
                items,
                type_count: p.ops.len() + usize::from(opts.client) * 2 + usize::from(opts.server),
            },
            line,
        ));
    }
    RenderedInterfaces {
        modules,
        message_items,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::interfaces::base_name;

    fn op(name: &str, doc: Option<&str>) -> Operation {
        Operation {
            name: name.into(),
            soap_action: None,
            doc: doc.map(str::to_string),
            source: None,
            input: None,
            output: None,
            faults: Vec::new(),
        }
    }

    #[test]
    fn retry_classes_from_docs_names_and_headers() {
        let cases = [
            (
                "CheckPatient",
                Some("Look up. Safe and idempotent (read-only); logged."),
                false,
                Idempotency::Safe,
            ),
            (
                "AcknowledgeMessages",
                Some("Acknowledge read messages. Idempotent: acknowledging twice is a no-op."),
                true,
                Idempotency::Idempotent,
            ),
            (
                "SubmitClaim",
                Some("Submit a claim. Not safe; idempotent on claim/clientClaimId: a repeat ..."),
                true,
                Idempotency::KeyRequired,
            ),
            (
                "DeleteAll",
                Some("Deletes everything. Not safe."),
                true,
                Idempotency::Unsafe,
            ),
            (
                "Ping",
                Some("Is the service up? Needs only mutual TLS. Safe. Swedish: ping."),
                false,
                Idempotency::Safe,
            ),
            ("GetThing", None, false, Idempotency::Safe),
            ("Getaway", None, false, Idempotency::Unsafe),
            ("Store", None, true, Idempotency::KeyRequired),
            (
                "Store",
                Some("Stores it. Safety first."),
                false,
                Idempotency::Unsafe,
            ),
        ];
        for (name, doc, key, want) in cases {
            assert_eq!(idempotency(&op(name, doc), key), want, "{name} {doc:?}");
        }
    }

    #[test]
    fn paths_and_names() {
        assert_eq!(url_path("https://h.example/tandvard/X/2"), "/tandvard/X/2");
        assert_eq!(url_path(""), "/");
        assert_eq!(
            base_name("CheckPatientResponderInterface"),
            "CheckPatientResponder"
        );
        assert_eq!(base_name("Interface"), "Interface");
        assert_eq!(base_name("FooPortType"), "Foo");
    }
}
