//! The `tandvard-codegen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tandvard_codegen::wsdl::Catalog;

#[derive(Parser)]
#[command(
    name = "tandvard-codegen",
    version,
    about = "SOAP contracts (WSDL 1.1 + XSD) in, a typed Rust crate out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the bindings crate from contracts (or, with --check, verify it is up to date).
    Generate {
        /// Contract directory or WSDL/XSD file (repeatable). A directory means every WSDL
        /// under it (or every XSD when it holds no WSDL).
        #[arg(long = "contracts", default_value = "contracts")]
        contracts: Vec<PathBuf>,
        /// The crate directory to write.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// The generated crate's name.
        #[arg(long, default_value = "tandvard-bindings")]
        crate_name: String,
        /// Write nothing; exit 1 and name the stale files when the output would change.
        #[arg(long)]
        check: bool,
        /// An OASIS XML catalog (or a .tsv catalog) mapping remote schema locations to local files.
        #[arg(long)]
        catalog: Option<PathBuf>,
        /// The `tandvard-runtime` dependency line to put in Cargo.toml.
        #[arg(long)]
        runtime_dependency: Option<String>,
    },
    /// Report what changed between two contract revisions.
    Diff(tandvard_codegen_cli::diff::DiffArgs),
    /// Run a mock of the e-service for rehearsing FK's test procedure: strict requests,
    /// scenario rules, a journal and a rehearsal report.
    #[command(after_long_help = SERVE_MOCK_WORKFLOW)]
    ServeMock(tandvard_codegen_cli::mock::MockArgs),
    /// Write valid sample messages of an operation (or element), made from the contracts.
    Sample(tandvard_codegen_cli::sample::SampleArgs),
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

const SERVE_MOCK_WORKFLOW: &str = "\
The workflow:
  1. Make test certificates: a CA and a server certificate for localhost (--tls-cert,
     --tls-key), and the CA of your client certificates (--client-ca).
  2. Start the mock:
       tandvard-codegen serve-mock --contracts contracts \\
         --tls-cert server.pem --tls-key server.key --client-ca vendor-ca.pem \\
         --scenarios contracts/mock-scenarios.toml --journal calls.jsonl --report rehearsal.md
  3. Point your client at the printed URLs and trust the mock's CA.
  4. Run the scenario: the test patients and claims the scenario file names.
  5. Read the journal (one JSON line per call, no message content); Ctrl-C writes the
     rehearsal report (outcomes shown, scenario rules never exercised).

Requests are checked against their contracts unless --lenient; one that breaks its contract
gets a Client fault naming the element path and the rule. The scenario file format is
documented in contracts/mock-scenarios.toml and the README.";

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

/// When `generate` replaced a snapshot, writes what changed in the contracts next to it
/// (`contract-changes.md`), as the diff command would report it.
fn write_change_report(
    out: &std::path::Path,
    previous: &str,
) -> Result<(), tandvard_codegen::Error> {
    let io = |path: &std::path::Path, e: std::io::Error| tandvard_codegen::Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    let snapshot = out.join("contract.snapshot.json");
    let text = std::fs::read_to_string(&snapshot).map_err(|e| io(&snapshot, e))?;
    let new = tandvard_codegen::model::Contract::from_snapshot(&text)
        .map_err(|e| tandvard_codegen::Error::Input(format!("{}: {e}", snapshot.display())))?;
    let title = format!("Contract changes in {}", out.display());
    if let Some(report) = tandvard_codegen::diff::report_against_snapshot(previous, &new, &title) {
        let path = out.join("contract-changes.md");
        std::fs::write(&path, report).map_err(|e| io(&path, e))?;
        eprintln!("the contracts changed: see {}", path.display());
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, tandvard_codegen::Error> {
    match cli.command {
        Command::Diff(args) => Ok(tandvard_codegen_cli::diff::run(&args)),
        Command::Sample(args) => Ok(tandvard_codegen_cli::sample::run(&args)),
        Command::ServeMock(args) => Ok(tandvard_codegen_cli::mock::run(&args)),
        Command::Generate {
            contracts,
            out,
            crate_name,
            check,
            catalog,
            runtime_dependency,
        } => {
            let catalog = Catalog::load(catalog.as_deref())?;
            let opts = tandvard_codegen::generate::GenerateOptions {
                contracts,
                out: out.clone(),
                crate_name,
                catalog,
                runtime_dependency,
            };
            let report = tandvard_codegen::generate::generate(&opts, check)?;
            for w in &report.warnings {
                eprintln!("note: {w}");
            }
            if check {
                if report.is_up_to_date() {
                    eprintln!(
                        "{} is up to date ({} files)",
                        out.display(),
                        report.file_count
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                eprintln!(
                    "{} is stale; run `tandvard-codegen generate` to update it:",
                    out.display()
                );
                for f in &report.changed {
                    eprintln!("  changed: {}", out.join(f).display());
                }
                for f in &report.removed {
                    eprintln!("  no longer generated: {}", out.join(f).display());
                }
                return Ok(ExitCode::from(1));
            }
            if let Some(previous) = &report.previous_snapshot {
                write_change_report(&out, previous)?;
            }
            eprintln!(
                "generated {} ({} interfaces, {} operations, {} types, {} lines of Rust; {} files changed, {} removed)",
                out.display(),
                report.interfaces,
                report.operations,
                report.type_count,
                report.rust_lines,
                report.changed.len(),
                report.removed.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Snapshot {
            contracts,
            output,
            catalog,
        } => {
            let catalog = Catalog::load(catalog.as_deref())?;
            let loaded = tandvard_codegen::load_contracts(&contracts, &catalog)?;
            let text = loaded.contract.to_snapshot();
            match output {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|e| tandvard_codegen::Error::Io {
                        path: path.display().to_string(),
                        source: e,
                    })?
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
