//! Renderers: the contract model in, Rust source out (formatted with prettyplease).
//!
//! Two shapes of output from the same items:
//! - a crate directory (`generate`): `Cargo.toml`, `src/lib.rs`, one `src/<module>.rs` per
//!   namespace, and the contract snapshot;
//! - a single file with inline modules (the build.rs `Builder`), for `include!`.

pub mod client;
pub mod interfaces;
mod plan;
pub mod server;
pub mod types;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use self::types::{ModuleCode, TypeOptions, TypeRenderer};
use crate::Error;
use crate::layout::{Layout, names};
use crate::model::Contract;

/// The crate skeleton templates (in `templates/crate/`).
const CARGO_TEMPLATE: &str = include_str!("../../templates/crate/Cargo.toml.j2");
const LIB_TEMPLATE: &str = include_str!("../../templates/crate/lib.rs.j2");

/// Options for rendering.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The generated crate's name.
    pub crate_name: String,
    /// Its version.
    pub crate_version: String,
    /// The `tandvard-runtime` dependency line for `Cargo.toml`.
    pub runtime_dependency: String,
    /// Where the contracts came from (shown in headers), e.g. `contracts/`.
    pub source: String,
    /// Emit doc comments from `xs:documentation` and `wsdl:documentation`.
    pub docs: bool,
    /// Generate the client (one async fn per operation).
    pub client: bool,
    /// Generate the server side (a trait per port type and a router).
    pub server: bool,
    /// Skip unexpected elements when reading (instead of rejecting them) by default.
    pub lenient: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            crate_name: "tandvard-bindings".to_string(),
            crate_version: "0.1.0".to_string(),
            runtime_dependency: format!("tandvard-runtime = \"{}\"", env!("CARGO_PKG_VERSION")),
            source: "contracts/".to_string(),
            docs: true,
            client: true,
            server: true,
            lenient: false,
        }
    }
}

/// Rendered output.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Files by path relative to the crate directory (`Cargo.toml`, `src/lib.rs`, ...).
    pub files: BTreeMap<String, String>,
    /// Number of Rust types (structs and enums) generated.
    pub type_count: usize,
    /// Features rendered with reduced fidelity, one line each.
    pub warnings: Vec<String>,
}

struct Parts {
    root_items: TokenStream,
    modules: Vec<ModuleCode>,
    /// Doc lines of modules that are not namespace modules (the interface modules).
    docs: BTreeMap<String, String>,
    warnings: Vec<String>,
}

fn parts(contract: &Contract, opts: &RenderOptions, single_file: bool) -> Parts {
    let layout = Layout::new(contract);
    let renderer = TypeRenderer::new(&layout, TypeOptions { docs: opts.docs });
    let (mut modules, mut root_items, mut warnings) = renderer.render();
    let (ns_consts, mut messages) = messages_module(&layout);
    root_items.extend(ns_consts);
    let read_options = if opts.lenient {
        quote! { ::tandvard_runtime::ReadOptions::lenient() }
    } else {
        quote! { ::tandvard_runtime::ReadOptions::strict() }
    };
    root_items.extend(quote! {
        /// How these bindings read messages by default (limits, and whether unexpected
        /// elements are rejected or skipped), as chosen when they were generated.
        #[rustfmt::skip]
        pub const READ_OPTIONS: ::tandvard_runtime::ReadOptions = #read_options;
    });
    let interfaces = interfaces::render(
        &layout,
        interfaces::InterfaceOptions {
            client: opts.client,
            server: opts.server,
            docs: opts.docs,
            single_file,
        },
    );
    messages.items.extend(interfaces.message_items);
    modules.push(messages);
    warnings.extend(interfaces.warnings);
    let mut docs = BTreeMap::new();
    for (m, doc) in interfaces.modules {
        docs.insert(m.name.clone(), doc);
        modules.push(m);
    }
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    Parts {
        root_items,
        modules,
        docs,
        warnings,
    }
}

/// The elements messages are made of: every body, header and fault part element of every
/// operation (or, for XSD-only input, every global element), sorted.
pub fn message_elements(contract: &Contract) -> Vec<crate::model::QName> {
    let mut out = std::collections::BTreeSet::new();
    for i in &contract.interfaces {
        for o in &i.operations {
            for m in o.input.iter().chain(o.output.iter()) {
                for p in m.body.iter().chain(m.headers.iter()) {
                    if let Some(e) = &p.element {
                        out.insert(e.clone());
                    }
                }
            }
            for f in &o.faults {
                if let Some(e) = &f.element {
                    out.insert(e.clone());
                }
            }
        }
    }
    if contract.interfaces.is_empty() {
        out.extend(contract.elements.values().map(|e| e.name.clone()));
    }
    out.into_iter().collect()
}

/// The `messages` module: one enum over every message element, read by its root element.
fn messages_module(layout: &Layout<'_>) -> (TokenStream, ModuleCode) {
    let contract = layout.contract();
    let mut scope = names::Scope::default();
    let mut variants = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    let mut qnames = Vec::new();
    let mut expected = Vec::new();
    for q in message_elements(contract) {
        let Some(path) = layout.element(&q.to_string()) else {
            continue;
        };
        let v = format_ident!("{}", scope.claim(&names::camel(&q.local)));
        let m = format_ident!("{}", path.module);
        let n = format_ident!("{}", path.name);
        let ns = q.ns.clone().unwrap_or_default();
        let local = proc_macro2::Literal::byte_string(q.local.as_bytes());
        let local_s = q.local.clone();
        variants.push(quote! { #v(super::#m::#n) });
        // Each message is read in `read_as`'s own frame, so `read` does not hold a
        // message-sized temporary per variant (which overflows the stack of unoptimized
        // builds when there are hundreds of large messages, as in UBL).
        reads.push(quote! {
            if r.is(&start, #ns, #local) {
                return read_as(r, start, Self::#v);
            }
        });
        writes.push(quote! { Self::#v(v) => ::tandvard_runtime::to_xml(v) });
        qnames.push(quote! { Self::#v(_) => (#ns, #local_s) });
        expected.push(q.to_string());
    }
    // An empty enum (schemas without global elements) is matched by value.
    let scrutinee = if variants.is_empty() {
        quote! { *self }
    } else {
        quote! { self }
    };
    let read_as = if variants.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            /// Reads one message type and wraps it in its variant.
            fn read_as<'i, T: ::tandvard_runtime::XmlRead>(
                r: &mut ::tandvard_runtime::Reader<'i>,
                start: ::tandvard_runtime::Start<'i>,
                wrap: fn(T) -> Message,
            ) -> Result<Message, ::tandvard_runtime::Error> {
                Ok(wrap(T::read(r, start)?))
            }
        }
    };
    let items = quote! {
        #read_as
        /// Every message element of the contracts (request, response, header and fault
        /// elements), for code that handles messages generically: logging, tests, mocks.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Message {
            #(#variants,)*
        }
        impl Message {
            /// Reads a message document, choosing the type by its root element.
            pub fn from_xml(input: &[u8]) -> Result<Self, ::tandvard_runtime::Error> {
                Self::from_xml_with(input, &super::READ_OPTIONS)
            }
            /// Reads a message document with explicit read options.
            pub fn from_xml_with(input: &[u8], options: &::tandvard_runtime::ReadOptions) -> Result<Self, ::tandvard_runtime::Error> {
                let mut r = ::tandvard_runtime::Reader::with_options(input, *options)?;
                let start = r.root()?;
                let message = Self::read(&mut r, start)?;
                r.finish()?;
                Ok(message)
            }
            /// Reads the message element `start` opened (for example the first child of a
            /// SOAP Body), choosing the type by its name.
            pub fn read<'i>(r: &mut ::tandvard_runtime::Reader<'i>, start: ::tandvard_runtime::Start<'i>) -> Result<Self, ::tandvard_runtime::Error> {
                #(#reads)*
                Err(r.unexpected(Some(start), &[#(#expected),*]))
            }
            /// Writes the message as a document.
            pub fn to_xml(&self) -> Vec<u8> {
                match #scrutinee {
                    #(#writes,)*
                }
            }
            /// The message element's namespace and local name.
            pub fn element(&self) -> (&'static str, &'static str) {
                match #scrutinee {
                    #(#qnames,)*
                }
            }
        }
    };
    let _ = &contract.namespaces;
    (
        TokenStream::new(),
        ModuleCode {
            name: "messages".to_string(),
            namespace: None,
            items: vec![items],
            type_count: 1,
        },
    )
}

fn header(opts: &RenderOptions) -> Result<String, Error> {
    Ok(format!(
        "// @generated by tandvard-codegen {} from {}. Do not edit.\n",
        env!("CARGO_PKG_VERSION"),
        opts.source
    ))
}

fn render_template(
    template: &str,
    contract: &Contract,
    opts: &RenderOptions,
) -> Result<String, Error> {
    let mut env = minijinja::Environment::new();
    env.set_keep_trailing_newline(true);
    env.add_template("t", template)
        .map_err(|e| Error::Render(format!("template: {e}")))?;
    let interfaces: Vec<minijinja::Value> = contract
        .interfaces
        .iter()
        .map(|i| {
            minijinja::context! {
                name => i.name,
                address => i.address,
                operations => i.operations.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
            }
        })
        .collect();
    let tmpl = env
        .get_template("t")
        .map_err(|e| Error::Render(format!("template: {e}")))?;
    tmpl.render(minijinja::context! {
        generator_version => env!("CARGO_PKG_VERSION"),
        source => opts.source,
        crate_name => opts.crate_name,
        crate_version => opts.crate_version,
        runtime_dependency => opts.runtime_dependency,
        client => opts.client && !contract.interfaces.is_empty(),
        server => opts.server && !contract.interfaces.is_empty(),
        interface_count => contract.interfaces.len(),
        interfaces => interfaces,
    })
    .map_err(|e| Error::Render(format!("template: {e}")))
}

/// Formats a token stream as a Rust file.
fn format_file(tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Render(format!("{e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Written as rustfmt would, so that `cargo fmt` leaves the generated `lib.rs` alone.
const LINT_ALLOWS: &str = "#![allow(
    clippy::large_enum_variant,
    clippy::too_many_lines,
    clippy::result_large_err
)]\n";

fn module_doc(m: &ModuleCode, docs: &BTreeMap<String, String>) -> String {
    if let Some(d) = docs.get(&m.name) {
        return d.clone();
    }
    match (&m.namespace, m.name.as_str()) {
        (Some(ns), _) => format!("Types of namespace `{ns}`."),
        (None, "messages") => "Every message of the contracts in one enum.".to_string(),
        (None, _) => "Types in no namespace.".to_string(),
    }
}

/// Renders a crate directory.
pub fn render_crate(contract: &Contract, opts: &RenderOptions) -> Result<Rendered, Error> {
    let parts = parts(contract, opts, false);
    let mut files = BTreeMap::new();
    let head = header(opts)?;
    let mut mod_decls = TokenStream::new();
    let mut type_count = 0;
    for m in &parts.modules {
        type_count += m.type_count;
        let ident = format_ident!("{}", m.name);
        let doc = module_doc(m, &parts.docs);
        // Formatted by prettyplease and checked by `generate --check`: keep `cargo fmt`
        // (e.g. in a workspace that holds the generated crate) from rewriting it.
        mod_decls.extend(quote! {
            #[doc = #doc]
            #[rustfmt::skip]
            pub mod #ident;
        });
        let items = &m.items;
        let body = blank_line_after_use(&format_file(import_runtime(quote! { #(#items)* }))?);
        files.insert(format!("src/{}.rs", m.name), format!("{head}\n{body}"));
    }
    let root_items = &parts.root_items;
    let lib_body = format_file(quote! {
        #root_items
        #mod_decls
    })?;
    let lib_doc = render_template(LIB_TEMPLATE, contract, opts)?;
    files.insert(
        "src/lib.rs".to_string(),
        format!("{head}{lib_doc}{LINT_ALLOWS}\n{lib_body}"),
    );
    files.insert(
        "Cargo.toml".to_string(),
        render_template(CARGO_TEMPLATE, contract, opts)?,
    );
    files.insert("contract.snapshot.json".to_string(), contract.to_snapshot());
    Ok(Rendered {
        files,
        type_count,
        warnings: parts.warnings,
    })
}

/// Renders one file with inline modules, for `include!` from build.rs output.
pub fn render_single_file(contract: &Contract, opts: &RenderOptions) -> Result<Rendered, Error> {
    let parts = parts(contract, opts, true);
    let mut type_count = 0;
    let mut mods = TokenStream::new();
    for m in &parts.modules {
        type_count += m.type_count;
        let ident = format_ident!("{}", m.name);
        let items = &m.items;
        let doc = module_doc(m, &parts.docs);
        mods.extend(quote! {
            #[doc = #doc]
            #[allow(clippy::large_enum_variant, clippy::too_many_lines)]
            pub mod #ident {
                #(#items)*
            }
        });
    }
    let root_items = &parts.root_items;
    let body = format_file(quote! {
        #root_items
        #mods
    })?;
    let mut files = BTreeMap::new();
    files.insert(
        "bindings.rs".to_string(),
        format!("{}\n{body}", header(opts)?),
    );
    Ok(Rendered {
        files,
        type_count,
        warnings: parts.warnings,
    })
}

/// Longest documentation line, in characters, before it is wrapped (the `/// ` and the
/// indentation of nested items come on top).
const DOC_WIDTH: usize = 92;

/// Doc attributes for a documentation text: a line a line, long lines wrapped at spaces.
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let mut out = TokenStream::new();
    for line in text.lines() {
        let line = line.replace("*/", "* /");
        for part in wrap(line.trim_end(), DOC_WIDTH) {
            let part = format!(" {part}");
            out.extend(quote! { #[doc = #part] });
        }
    }
    out
}

/// `line` in pieces of at most `width` characters, broken at spaces (a longer word stands
/// alone); continuation pieces keep the line's indentation.
fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let mut out = Vec::new();
    let mut current = indent.clone();
    for word in line.split_whitespace() {
        let len = current.chars().count();
        if len > indent.len() && len + 1 + word.chars().count() > width {
            out.push(std::mem::replace(&mut current, indent.clone()));
        }
        if current.chars().count() > indent.len() {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push(current);
    out
}

/// The runtime's items a module names by path (`::tandvard_runtime::Reader`), written by
/// their name after one `use tandvard_runtime::{…};` line instead, so the generated code
/// reads like hand-written code. Names the module declares itself, the runtime's internal
/// macros (`__…`) and its feature-gated modules ([`FEATURE_GATED`]) keep their path.
fn import_runtime(tokens: TokenStream) -> TokenStream {
    let declared = declared_names(&tokens);
    let mut used = BTreeSet::new();
    let body = shorten_runtime_paths(tokens, &declared, &mut used);
    if used.is_empty() {
        return body;
    }
    let names = used.iter().map(|n| format_ident!("{}", n));
    quote! {
        use tandvard_runtime::{#(#names),*};
        #body
    }
}

/// The runtime's modules that exist only with one of its features (`client`, `blocking`,
/// `server`): code behind those features keeps their path, so a crate built without the
/// features has no import of a module that is not there.
const FEATURE_GATED: &[&str] = &["blocking", "client", "server", "transport"];

/// The names of a module's own items.
fn declared_names(tokens: &TokenStream) -> BTreeSet<String> {
    let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return BTreeSet::new();
    };
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(i) => Some(i.ident.to_string()),
            syn::Item::Enum(i) => Some(i.ident.to_string()),
            syn::Item::Type(i) => Some(i.ident.to_string()),
            syn::Item::Const(i) => Some(i.ident.to_string()),
            syn::Item::Static(i) => Some(i.ident.to_string()),
            syn::Item::Fn(i) => Some(i.sig.ident.to_string()),
            syn::Item::Trait(i) => Some(i.ident.to_string()),
            syn::Item::Mod(i) => Some(i.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Replaces `:: tandvard_runtime :: Name` by `Name` (see [`import_runtime`]), recording the
/// names in `used`.
fn shorten_runtime_paths(
    tokens: TokenStream,
    declared: &BTreeSet<String>,
    used: &mut BTreeSet<String>,
) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tts.len());
    let colons = |t: Option<&TokenTree>, u: Option<&TokenTree>| {
        matches!((t, u), (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':')
    };
    let mut i = 0;
    while i < tts.len() {
        if colons(tts.get(i), tts.get(i + 1))
            && matches!(tts.get(i + 2), Some(TokenTree::Ident(c)) if c == "tandvard_runtime")
            && colons(tts.get(i + 3), tts.get(i + 4))
        {
            if let Some(TokenTree::Ident(name)) = tts.get(i + 5) {
                let n = name.to_string();
                let is_macro =
                    matches!(tts.get(i + 6), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                if !declared.contains(&n)
                    && !n.starts_with("__")
                    && !is_macro
                    && !FEATURE_GATED.contains(&n.as_str())
                {
                    used.insert(n);
                    out.push(tts[i + 5].clone());
                    i += 6;
                    continue;
                }
            }
        }
        match &tts[i] {
            TokenTree::Group(g) => {
                let inner = shorten_runtime_paths(g.stream(), declared, used);
                let mut ng = Group::new(g.delimiter(), inner);
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            t => out.push(t.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// A blank line between a leading `use` item and the items after it.
fn blank_line_after_use(body: &str) -> String {
    if !body.starts_with("use ") {
        return body.to_string();
    }
    match body.find(";\n") {
        Some(end) => format!("{}\n{}", &body[..end + 2], &body[end + 2..]),
        None => body.to_string(),
    }
}
