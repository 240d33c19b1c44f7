//! tandvard-codegen: SOAP contracts (WSDL 1.1 + XSD) in, a typed Rust crate out.
//!
//! The pipeline has one module per stage:
//! - [`wsdl`]: our own WSDL 1.1 model on roxmltree (definitions, imports, messages, port types,
//!   SOAP 1.1/1.2 bindings, services, inline schemas).

pub mod wsdl;
