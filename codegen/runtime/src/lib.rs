//! Runtime for generated crates.
