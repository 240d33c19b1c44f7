//! The error type of the WSDL model.

use std::path::PathBuf;

use super::{QName, SourcePos};

/// Everything that can go wrong while loading or resolving WSDL files.
///
/// `Display` always starts with the file and, where one exists, `line:column`, and says what
/// was expected. Nothing in this module panics on bad input.
#[derive(Debug, thiserror::Error)]
pub enum WsdlError {
    /// A root file (or catalog) could not be read.
    #[error("{}: cannot read file: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A file is larger than [`super::MAX_FILE_SIZE`].
    #[error("{}: file is {size} bytes, over the limit of {limit} bytes for contract input", file.display())]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// Its size (at least `limit + 1`).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is not well-formed XML, or not UTF-8.
    #[error("{pos}: {message}")]
    Xml {
        /// Where the parser stopped.
        pos: SourcePos,
        /// What the parser reported.
        message: String,
    },
    /// The file contains a DTD (`<!DOCTYPE ...>`), which is refused.
    #[error(
        "{pos}: DTDs are not allowed in contract input (found <!DOCTYPE>); expected a plain XML document without a document type declaration"
    )]
    Dtd {
        /// Position of the `<!DOCTYPE`.
        pos: SourcePos,
    },
    /// The root element is not `wsdl:definitions` (e.g. an `xs:schema` file).
    #[error(
        "{pos}: not a WSDL 1.1 document: root is {root} (expected {{{}}}definitions){hint}",
        super::WSDL_NS
    )]
    NotWsdl {
        /// Position of the root element.
        pos: SourcePos,
        /// The root element's name.
        root: QName,
        /// Extra advice (e.g. for WSDL 2.0), empty or starting with `; `.
        hint: String,
    },
    /// A WSDL construct is malformed: missing attribute, bad value, undeclared prefix, duplicate name.
    #[error("{pos}: {message}")]
    Invalid {
        /// The offending element.
        pos: SourcePos,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A QName reference does not resolve to a defined component.
    #[error("{pos}: {message}")]
    Unresolved {
        /// The referencing element.
        pos: SourcePos,
        /// The reference, what it should refer to, and what is defined.
        message: String,
    },
    /// A `wsdl:import` cannot be followed (remote URL, missing file, ...).
    #[error("{pos}: {message}")]
    Import {
        /// The `wsdl:import` element.
        pos: SourcePos,
        /// What went wrong.
        message: String,
    },
    /// An error inside a document that was reached through a `wsdl:import`.
    #[error("{source} (in a document imported at {importer})")]
    InImport {
        /// The `wsdl:import` element that led to the document.
        importer: SourcePos,
        /// The error inside the imported document.
        source: Box<WsdlError>,
    },
}

impl WsdlError {
    /// The position the error refers to, if it has one (the innermost one for imports).
    pub fn pos(&self) -> Option<&SourcePos> {
        match self {
            WsdlError::Io { .. } | WsdlError::TooLarge { .. } => None,
            WsdlError::Xml { pos, .. }
            | WsdlError::Dtd { pos }
            | WsdlError::NotWsdl { pos, .. }
            | WsdlError::Invalid { pos, .. }
            | WsdlError::Unresolved { pos, .. }
            | WsdlError::Import { pos, .. } => Some(pos),
            WsdlError::InImport { source, .. } => source.pos(),
        }
    }

    /// If the file is well-formed XML but not WSDL 1.1, the name of its root element.
    ///
    /// Callers use this to fall back to treating the file as an XSD.
    pub fn not_wsdl_root(&self) -> Option<&QName> {
        match self {
            WsdlError::NotWsdl { root, .. } => Some(root),
            _ => None,
        }
    }

    pub(crate) fn invalid(pos: SourcePos, message: impl Into<String>) -> Self {
        WsdlError::Invalid {
            pos,
            message: message.into(),
        }
    }
}
