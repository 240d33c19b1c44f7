//! The build.rs integration: contracts in, one Rust file in `OUT_DIR` out, in the spirit of
//! `prost_build::Config`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), tandvard_codegen::Error> {
//!     tandvard_codegen::Builder::new()
//!         .contracts("contracts")
//!         .generate()?;
//!     Ok(())
//! }
//! ```
//! ```ignore
//! // src/lib.rs
//! include!(concat!(env!("OUT_DIR"), "/tandvard_bindings.rs"));
//! ```
//!
//! The builder prints `cargo:rerun-if-changed` for every file it read (each WSDL, each XSD
//! reached through imports and includes, the catalog) and nothing else, so cargo reruns it
//! exactly when a contract file changes. The output file is only rewritten when its content
//! changes.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::input::load_contracts;
use crate::render::{RenderOptions, render_single_file};
use crate::wsdl::Catalog;

/// Configures and runs code generation from a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    contracts: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    file_name: String,
    catalog: Option<PathBuf>,
    interfaces: Option<Vec<String>>,
    client: bool,
    server: bool,
    lenient: bool,
    docs: bool,
    emit_rerun_if_changed: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

/// What [`Builder::generate`] produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file written (or left unchanged).
    pub path: PathBuf,
    /// Whether its content changed.
    pub changed: bool,
    /// Every input file read.
    pub inputs: Vec<PathBuf>,
    /// Number of Rust types generated.
    pub type_count: usize,
    /// Notes about features rendered with reduced fidelity.
    pub warnings: Vec<String>,
}

impl Builder {
    /// A builder with the defaults: output `$OUT_DIR/tandvard_bindings.rs`, client and server,
    /// strict reading, docs on, `cargo:rerun-if-changed` printed.
    pub fn new() -> Self {
        Self {
            contracts: Vec::new(),
            out_dir: None,
            file_name: "tandvard_bindings.rs".to_string(),
            catalog: None,
            interfaces: None,
            client: true,
            server: true,
            lenient: false,
            docs: true,
            emit_rerun_if_changed: true,
        }
    }

    /// Adds a contracts directory (every WSDL under it) or a WSDL or XSD file. Relative paths
    /// are relative to the crate (cargo runs build scripts in the package directory).
    pub fn contracts(mut self, path: impl Into<PathBuf>) -> Self {
        self.contracts.push(path.into());
        self
    }

    /// Where to write (default: the `OUT_DIR` cargo gives the build script).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The output file name (default `tandvard_bindings.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// An OASIS XML catalog (or `.tsv` catalog) mapping remote schema locations to local files.
    pub fn catalog(mut self, path: impl Into<PathBuf>) -> Self {
        self.catalog = Some(path.into());
        self
    }

    /// Generates only these interfaces (port type names, e.g. `SubmitClaimResponderInterface`,
    /// or operation names, e.g. `SubmitClaim`), and only the types they reach.
    pub fn interfaces<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.interfaces = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Generate the client stubs (default true).
    pub fn client(mut self, on: bool) -> Self {
        self.client = on;
        self
    }

    /// Generate the server traits and routers (default true).
    pub fn server(mut self, on: bool) -> Self {
        self.server = on;
        self
    }

    /// Read leniently by default: skip unexpected elements instead of rejecting them
    /// (default false: strict). Either way, callers can pass their own `ReadOptions`.
    pub fn lenient_unknown_elements(mut self, on: bool) -> Self {
        self.lenient = on;
        self
    }

    /// Emit doc comments from the contracts' documentation (default true).
    pub fn docs(mut self, on: bool) -> Self {
        self.docs = on;
        self
    }

    /// Print `cargo:rerun-if-changed` lines (default true; turn off outside build scripts).
    pub fn emit_rerun_if_changed(mut self, on: bool) -> Self {
        self.emit_rerun_if_changed = on;
        self
    }

    /// Loads the contracts, renders the bindings and writes them.
    pub fn generate(self) -> Result<Generated, Error> {
        if self.contracts.is_empty() {
            return Err(Error::Input(
                "Builder: no contracts given (call .contracts(\"path/to/contracts\"))".to_string(),
            ));
        }
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                Error::Input(
                    "Builder: OUT_DIR is not set (not running from a build script?); call .out_dir(...)"
                        .to_string(),
                )
            })?,
        };
        let catalog = Catalog::load(self.catalog.as_deref())?;
        // Print the inputs even when loading fails, so that fixing the file reruns the build.
        let loaded = match load_contracts(&self.contracts, &catalog) {
            Ok(l) => l,
            Err(e) => {
                if self.emit_rerun_if_changed {
                    self.rerun_on_inputs(&[]);
                }
                return Err(e);
            }
        };
        let mut inputs = loaded.files.clone();
        if let Some(c) = &self.catalog {
            inputs.push(c.clone());
        }
        if self.emit_rerun_if_changed {
            self.rerun_on_inputs(&inputs);
        }
        let mut contract = loaded.contract;
        if let Some(names) = &self.interfaces {
            contract.retain_interfaces(names)?;
        }
        let opts = RenderOptions {
            source: self
                .contracts
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            docs: self.docs,
            client: self.client,
            server: self.server,
            lenient: self.lenient,
            ..RenderOptions::default()
        };
        let rendered = render_single_file(&contract, &opts)?;
        let content = rendered.files.values().next().cloned().unwrap_or_default();
        std::fs::create_dir_all(&out_dir).map_err(|e| Error::io(&out_dir, e))?;
        let path = out_dir.join(&self.file_name);
        let changed = std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str());
        if changed {
            write_atomically(&path, content.as_bytes())?;
        }
        Ok(Generated {
            path,
            changed,
            inputs,
            type_count: rendered.type_count,
            warnings: rendered.warnings,
        })
    }

    fn rerun_on_inputs(&self, inputs: &[PathBuf]) {
        let mut seen = BTreeSet::new();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for p in inputs {
            if seen.insert(p.clone()) {
                let _ = writeln!(out, "cargo:rerun-if-changed={}", p.display());
            }
        }
        if inputs.is_empty() {
            // Nothing loaded: watch what the user named so a fix triggers a rerun.
            for p in &self.contracts {
                let _ = writeln!(out, "cargo:rerun-if-changed={}", p.display());
            }
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = path.with_extension("rs.tmp");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
