//! tandvard-codegen: SOAP contracts (WSDL 1.1 + XSD) in, a typed Rust crate out.
//!
//! The pipeline has one module per stage:
//! - [`wsdl`]: our own WSDL 1.1 model on roxmltree (definitions, imports, messages, port types,
//!   SOAP 1.1/1.2 bindings, services, inline schemas).
//! - [`schema`]: XSD loading through xsd-parser's parser and interpreter, with an offline
//!   resolver and a source index (file and line of every declaration).
//! - [`model`]: the contract model both the renderer and the diff work from.
//! - [`layout`]: the Rust layout of a contract (every generated name and field shape), which
//!   the renderer emits from and the diff reads the Rust impact of a change from.
//! - [`render`]: the generated crate's code, emitted from the layout.
//! - [`diff`]: what changed between two contract revisions.
//! - [`sample`]: valid sample messages of any element, made from the model.
//! - [`validate`]: checks an XML element against the model (for tools without generated code).

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod builder;
pub mod diff;
pub mod generate;
pub mod input;
pub mod layout;
pub mod model;
pub mod render;
pub mod sample;
pub mod schema;
pub mod validate;
pub mod wsdl;

pub use builder::{Builder, Generated};
pub use input::{LoadedContracts, load_contracts};

use std::path::Path;

/// Every error the generator reports. Each message names the file and line (or the element
/// path) and what was expected. `Debug` prints the same message as `Display`, so that a
/// build script returning `Result<(), Error>` shows a readable error in cargo's output.
#[derive(thiserror::Error)]
pub enum Error {
    /// A WSDL document is malformed or inconsistent.
    #[error(transparent)]
    Wsdl(#[from] wsdl::WsdlError),
    /// A schema is malformed, missing or inconsistent.
    #[error(transparent)]
    Schema(#[from] schema::SchemaError),
    /// The input paths are wrong.
    #[error("{0}")]
    Input(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Generated code could not be rendered (a bug: please report it with the contracts).
    #[error("internal error while rendering: {0}")]
    Render(String),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: schema::display_path(path),
            source,
        }
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
