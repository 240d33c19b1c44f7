//! WSDL 1.1 model on roxmltree.
//!
//! [`WsdlSet::load`] reads one or more root WSDL files plus everything they `wsdl:import`
//! (local files only; remote URLs can be mapped to local copies with a [`Catalog`]).
//! Every reference (`message=`, `type=`, `binding=`, `element=`, ...) is resolved by its full
//! QName using the namespace declarations in scope at the referencing element, never by local
//! name. [`WsdlSet::operations`] joins services, ports, bindings, port types and messages into
//! one [`ResolvedOperation`] per bound operation, which is what the generator consumes.
//!
//! Inline `xs:schema` elements are extracted as stand-alone XML text ([`InlineSchema`]) with
//! the inherited namespace declarations added, so a schema parser can read them on their own.
//!
//! Input is treated as hostile: DTDs are refused, files are capped at [`MAX_FILE_SIZE`] bytes,
//! and every failure is a [`WsdlError`] naming `file:line:column` and what was expected.
//!
//! Decisions worth knowing:
//! - Ordering is deterministic: documents in depth-first load order (a document, then what it
//!   imports, in import order), components in document order.
//! - Unknown extension elements (`wsp:Policy`, `xs:annotation` inside `wsdl:message`, ...) are
//!   ignored. An `xs:annotation` on definitions or a message serves as documentation when there
//!   is no `wsdl:documentation`.
//! - Documentation text is trimmed per line with whitespace runs collapsed; line breaks are kept.
//! - A `wsdl:import` of an XSD file is recorded ([`ImportTarget::Schema`]), not parsed.
//! - Loading checks every reference, so a loaded [`WsdlSet`] always resolves.
//! - In [`WsdlSet::operations`], non-SOAP bindings are skipped; a port type that no binding
//!   refers to yields operations with SOAP 1.1, document style and no action.

mod catalog;
mod error;
mod load;
mod model;
mod parse;
mod resolve;
mod schema;

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use catalog::Catalog;
pub use error::WsdlError;
pub use model::*;
pub use resolve::{ResolvedFault, ResolvedHeader, ResolvedMessage, ResolvedOperation, WsdlSet};

/// Namespace of WSDL 1.1 elements.
pub const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
/// Namespace of the WSDL 1.1 SOAP 1.1 binding extension elements.
pub const SOAP11_BINDING_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// Namespace of the WSDL 1.1 SOAP 1.2 binding extension elements.
pub const SOAP12_BINDING_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";
/// Namespace of the WSDL 1.1 HTTP binding extension elements.
pub const HTTP_BINDING_NS: &str = "http://schemas.xmlsoap.org/wsdl/http/";
/// Namespace of XML Schema.
pub const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";
/// Largest input file (WSDL, imported WSDL or catalog) that is read: 64 MiB.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

pub use crate::model::QName;

/// A name in a namespace, an empty namespace meaning none (as WSDL attributes give them).
pub(crate) fn qname(namespace: Option<&str>, local: impl Into<String>) -> QName {
    QName {
        ns: namespace.filter(|ns| !ns.is_empty()).map(str::to_owned),
        local: local.into(),
    }
}

/// A position in a source file, displayed as `file:line:column` (1-based).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourcePos {
    /// The file, as loaded (absolute for files reached through [`WsdlSet::load`]).
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for SourcePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}
