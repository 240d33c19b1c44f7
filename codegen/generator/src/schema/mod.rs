//! Schema loading: XSD documents in, xsd-parser's interpreted type model out.
//!
//! xsd-parser is our XSD front end (parser and interpreter). This module feeds it:
//! - XSD files named by the user and the inline schemas extracted from WSDL `wsdl:types`
//!   (served under virtual file URLs next to their WSDL so relative `schemaLocation`s resolve);
//! - an offline resolver: local files and an optional catalog, never the network;
//! - location-less `xs:import`s patched to point at the document that defines the namespace
//!   (the .NET/WCF sibling-inline-schema pattern that xsd-parser cannot follow by itself).
//!
//! It also builds a [`SourceIndex`] (file and line of every declaration) with roxmltree, because
//! xsd-parser keeps no source positions and our errors and diff reports need them.

mod index;
mod repair;
mod resolver;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use url::Url;
use xsd_parser::models::meta::CustomMeta;
use xsd_parser::{Interpreter, MetaTypes, Parser, Schemas, TypeIdent};
use xsd_parser_types::misc::Namespace;

pub use self::index::{Decl, DeclKind, SourceIndex};
pub use self::resolver::{OfflineResolver, ServedDoc};

use crate::wsdl::{Catalog, InlineSchema};

/// The XSD namespace.
pub const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";

/// Every XSD 1.0 built-in datatype we map to a Rust type. Registered with xsd-parser's
/// interpreter as custom types named `xs:<name>`, so the model can recognise them.
pub const XS_BUILTINS: &[&str] = &[
    "string",
    "boolean",
    "decimal",
    "float",
    "double",
    "duration",
    "dateTime",
    "time",
    "date",
    "gYearMonth",
    "gYear",
    "gMonthDay",
    "gMonth",
    "gDay",
    "hexBinary",
    "base64Binary",
    "anyURI",
    "QName",
    "NOTATION",
    "long",
    "int",
    "integer",
    "short",
    "byte",
    "negativeInteger",
    "nonPositiveInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
    "positiveInteger",
    "nonNegativeInteger",
    "normalizedString",
    "token",
    "language",
    "NMTOKEN",
    "Name",
    "NCName",
    "ID",
    "IDREF",
    "ENTITY",
    "anySimpleType",
    "NMTOKENS",
    "IDREFS",
    "ENTITIES",
];

/// What to load.
#[derive(Debug, Default, Clone)]
pub struct SchemaInput {
    /// Stand-alone XSD files given by the user.
    pub xsd_files: Vec<PathBuf>,
    /// Inline schemas extracted from WSDL documents.
    pub inline: Vec<InlineSchema>,
    /// Maps namespaces and remote locations to local files.
    pub catalog: Catalog,
}

/// The loaded, interpreted schemas.
#[derive(Debug)]
pub struct LoadedSchemas {
    /// xsd-parser's parsed schemas (namespaces, prefixes, locations).
    pub schemas: Schemas,
    /// xsd-parser's interpreted type model.
    pub types: MetaTypes,
    /// Every document read, in load order (real files and inline schemas).
    pub documents: Vec<ServedDoc>,
    /// Declarations with their file and line.
    pub index: SourceIndex,
    /// Defects in the schemas that were repaired or tolerated, one message each.
    pub warnings: Vec<String>,
}

impl LoadedSchemas {
    /// Every real file read while loading (for `cargo:rerun-if-changed`).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self.documents.iter().map(|d| d.file.clone()).collect();
        files.sort();
        files.dedup();
        files
    }

    /// The namespace URI of an xsd-parser namespace id (`None` = no namespace).
    pub fn namespace_uri(&self, ident: &TypeIdent) -> Option<String> {
        self.schemas
            .get_namespace_info(&ident.ns)
            .and_then(|info| info.namespace.as_ref())
            .map(|ns| ns.to_string())
    }
}

/// A schema loading error. Its message names the file and line where known, and what was
/// expected.
#[derive(Debug)]
pub struct SchemaError {
    /// Where the problem is (`file:line`), when known.
    pub location: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for SchemaError {}

impl SchemaError {
    pub(crate) fn new(location: Option<String>, message: impl Into<String>) -> Self {
        Self {
            location,
            message: message.into(),
        }
    }
}

/// Loads the schemas through xsd-parser's parser and interpreter.
pub fn load(input: &SchemaInput) -> Result<LoadedSchemas, SchemaError> {
    let served: Rc<RefCell<Vec<ServedDoc>>> = Rc::default();
    let mut resolver = OfflineResolver::new(input.catalog.clone(), Rc::clone(&served));

    let mut roots: Vec<Url> = Vec::new();
    for inline in &input.inline {
        let url = resolver.add_inline(inline)?;
        roots.push(url);
    }
    for file in &input.xsd_files {
        let url = resolver.add_root_file(file)?;
        roots.push(url);
    }
    // Pre-parse every root (and, through the resolver, every import) with roxmltree first:
    // malformed XML and DTDs get an error with file and line before xsd-parser sees them.
    for url in &roots {
        resolver.preflight(url)?;
    }
    resolver.repair()?;
    let warnings = std::mem::take(&mut resolver.warnings);

    let mut parser = Parser::new()
        .with_resolver(resolver)
        .resolve_includes(true)
        .generate_prefixes(true)
        .alternative_prefixes(true)
        .with_default_namespaces();
    for url in roots {
        parser = parser
            .add_schema_from_url(url.clone())
            .map_err(|e| parser_error(&served.borrow(), &url, &e.to_string()))?;
    }
    let schemas = parser.finish();

    let documents = served.borrow().clone();
    let index = SourceIndex::build(&documents)?;

    let types = interpret(&schemas, &index)?;
    Ok(LoadedSchemas {
        schemas,
        types,
        documents,
        index,
        warnings,
    })
}

fn interpret(schemas: &Schemas, index: &SourceIndex) -> Result<MetaTypes, SchemaError> {
    let err = |e: xsd_parser::InterpreterError| interpreter_error(schemas, index, &e);
    let xs = schemas
        .resolve_namespace(&Some(Namespace::XS))
        .ok_or_else(|| SchemaError::new(None, "the XML Schema namespace is not registered"))?;
    let mut interpreter = Interpreter::new(schemas)
        .with_buildin_types()
        .map_err(err)?
        .with_xs_any_type()
        .map_err(err)?;
    for name in XS_BUILTINS {
        interpreter = interpreter
            .with_type(
                TypeIdent::type_(name).with_ns(xs),
                CustomMeta::new(format!("xs:{name}")),
            )
            .map_err(err)?;
    }
    let (types, _cache) = interpreter.finish().map_err(err)?;
    Ok(types)
}

/// Turns an xsd-parser parser error into one that names the file (and line, where the XML
/// error carries a position).
fn parser_error(served: &[ServedDoc], root: &Url, message: &str) -> SchemaError {
    let file = served
        .last()
        .map(|d| d.display_name())
        .unwrap_or_else(|| root.to_string());
    SchemaError::new(Some(file), format!("cannot read schema: {message}"))
}

/// Turns an interpreter error into one that names the declaration that refers to the missing
/// or conflicting component, with its file and line.
fn interpreter_error(
    schemas: &Schemas,
    index: &SourceIndex,
    error: &xsd_parser::InterpreterError,
) -> SchemaError {
    use xsd_parser::InterpreterError as E;
    let qname = |ident: &TypeIdent| {
        let ns = schemas
            .get_namespace_info(&ident.ns)
            .and_then(|i| i.namespace.as_ref())
            .map(|n| n.to_string());
        (ns, ident.name.as_str().to_string())
    };
    match error {
        E::UnknownType(ident) => {
            let (ns, local) = qname(ident);
            let clark = clark(ns.as_deref(), &local);
            let location = index.find_reference(ns.as_deref(), &local);
            SchemaError::new(
                location,
                format!(
                    "reference to {clark}, which no loaded schema defines (expected a type, element or group of that name; is an xs:import or xs:include missing?)"
                ),
            )
        }
        E::TypeAlreadyDefined(ident) | E::AmbiguousType(ident) => {
            let (ns, local) = qname(ident);
            let location = index.find_decl(ns.as_deref(), &local).map(|d| d.location());
            SchemaError::new(
                location,
                format!(
                    "{} is defined more than once ({error})",
                    clark(ns.as_deref(), &local)
                ),
            )
        }
        other => SchemaError::new(None, format!("cannot interpret the schemas: {other}")),
    }
}

/// `{namespace}local` (James Clark notation), or `local` without a namespace.
pub fn clark(ns: Option<&str>, local: &str) -> String {
    match ns {
        Some(ns) => format!("{{{ns}}}{local}"),
        None => local.to_string(),
    }
}

/// Formats a path for messages: relative to the current directory when possible.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    rel.display().to_string()
}

/// Declarations grouped by namespace, for callers that need a quick overview.
pub fn namespaces_of(loaded: &LoadedSchemas) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for (_, info) in loaded.schemas.namespaces() {
        if let Some(ns) = &info.namespace {
            out.insert(ns.to_string(), info.prefix.as_ref().map(|p| p.to_string()));
        }
    }
    out
}
