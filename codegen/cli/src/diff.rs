//! The `diff` subcommand.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use tandvard_codegen::diff::accept::AcceptedList;
use tandvard_codegen::diff::source::ContractSource;
use tandvard_codegen::diff::{Severity, diff_contracts, render_html, render_json, render_markdown};
use tandvard_codegen::wsdl::Catalog;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown for the meeting agenda.
    Markdown,
    /// A self-contained HTML page.
    Html,
    /// JSON for machines (see the README for the shape).
    Json,
}

/// The severity threshold for a failing exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when a breaking change is not accepted.
    Breaking,
    /// Exit 1 when a breaking change or a warning is not accepted.
    Warning,
}

/// Arguments of `tandvard-codegen diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old contracts: a directory, a snapshot file, or `git:REV[:PATH]`.
    pub old: String,
    /// The new contracts: a directory, a snapshot file, or `git:REV[:PATH]`.
    pub new: String,
    /// Report format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: Format,
    /// Write the report here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a change that is not accepted reaches this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Accepted-changes file: lines `<id> <YYYY-MM-DD> <reason>`.
    #[arg(long)]
    pub accepted: Option<PathBuf>,
    /// Report title (default: `Contract diff: OLD → NEW`).
    #[arg(long)]
    pub title: Option<String>,
    /// An OASIS XML catalog (or .tsv) for remote schema locations, used for both sides.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Print load and diff times to standard error.
    #[arg(long)]
    pub timings: bool,
}

/// Runs the diff subcommand; exit 0 when nothing reaches the threshold, 1 when something
/// does, 2 on error.
pub fn run(args: &DiffArgs) -> ExitCode {
    match run_inner(args) {
        Ok(true) => ExitCode::from(1),
        Ok(false) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: &DiffArgs) -> Result<bool, String> {
    let catalog = Catalog::load(args.catalog.as_deref()).map_err(|e| e.to_string())?;
    let accepted = match &args.accepted {
        Some(p) => Some(AcceptedList::read(p)?),
        None => None,
    };
    let (old_src, new_src) = (
        ContractSource::parse(&args.old),
        ContractSource::parse(&args.new),
    );
    let t0 = Instant::now();
    let old = old_src
        .load(&catalog)
        .map_err(|e| format!("old contracts ({}): {e}", old_src.label()))?;
    let t1 = Instant::now();
    let new = new_src
        .load(&catalog)
        .map_err(|e| format!("new contracts ({}): {e}", new_src.label()))?;
    let t2 = Instant::now();
    let mut report = diff_contracts(&old, &new);
    if let Some(a) = &accepted {
        report.apply_accepted(a);
    }
    let t3 = Instant::now();
    let title = args
        .title
        .clone()
        .unwrap_or_else(|| format!("Contract diff: {} → {}", old_src.label(), new_src.label()));
    let text = match args.format {
        Format::Markdown => render_markdown(&report, &title),
        Format::Html => render_html(&report, &title),
        Format::Json => render_json(&report),
    };
    let t4 = Instant::now();
    match &args.output {
        Some(p) => std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()))?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth exit code 2.
            let _ = out.write_all(text.as_bytes());
        }
    }
    if args.timings {
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
        eprintln!(
            "timings: load old {:.1} ms, load new {:.1} ms, diff {:.1} ms, render {:.1} ms ({} changes)",
            ms(t0, t1),
            ms(t1, t2),
            ms(t2, t3),
            ms(t3, t4),
            report.changes.len()
        );
    }
    if !report.stale_acceptances.is_empty() {
        eprintln!(
            "note: {} accepted id(s) match no change: {}",
            report.stale_acceptances.len(),
            report.stale_acceptances.join(", ")
        );
    }
    let threshold = match args.fail_on {
        Some(FailOn::Breaking) => Some(Severity::Breaking),
        Some(FailOn::Warning) => Some(Severity::Warning),
        None => None,
    };
    Ok(threshold.is_some_and(|t| report.reaches(t)))
}
