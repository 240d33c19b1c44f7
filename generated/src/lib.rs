//! Placeholder: `tandvard-codegen generate` writes this crate.
