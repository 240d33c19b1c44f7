//! The `tandvard-codegen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tandvard_codegen::wsdl::Catalog;

#[derive(Parser)]
#[command(name = "tandvard-codegen", version, about = "SOAP contracts (WSDL 1.1 + XSD) in, a typed Rust crate out")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the contract model snapshot (stable JSON) of contracts.
    Snapshot {
        /// Contract directories or WSDL/XSD files.
        #[arg(long = "contracts", default_value = "contracts")]
        contracts: Vec<PathBuf>,
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// An OASIS XML catalog mapping remote schema locations to local files.
        #[arg(long)]
        catalog: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn load_catalog(path: Option<&PathBuf>) -> Result<Catalog, tandvard_codegen::Error> {
    match path {
        Some(p) if p.extension().is_some_and(|e| e == "tsv") => Ok(Catalog::from_tsv(p)?),
        Some(p) => Ok(Catalog::from_xml_catalog(p)?),
        None => Ok(Catalog::new()),
    }
}

fn run(cli: Cli) -> Result<ExitCode, tandvard_codegen::Error> {
    match cli.command {
        Command::Snapshot { contracts, output, catalog } => {
            let catalog = load_catalog(catalog.as_ref())?;
            let loaded = tandvard_codegen::load_contracts(&contracts, &catalog)?;
            let text = loaded.contract.to_snapshot();
            match output {
                Some(path) => std::fs::write(&path, text).map_err(|e| tandvard_codegen::Error::Io {
                    path: path.display().to_string(),
                    source: e,
                })?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
