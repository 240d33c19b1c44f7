//! The `tandvard-codegen` command line as a library: the `diff` and `sample` subcommands and
//! `serve-mock`,
//! the mock of the e-service (its router can be served in a test with
//! `tandvard_runtime::server::Server`).
//!
//! The generator itself is the `tandvard-codegen` crate; this crate adds what a build script
//! does not need: argument parsing (clap), the async runtime and the HTTPS server.

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod diff;
pub mod mock;
pub mod sample;
