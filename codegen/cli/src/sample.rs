//! The `sample` subcommand: valid sample messages made from the contracts.

use std::path::PathBuf;
use std::process::ExitCode;

use tandvard_codegen::model::{Contract, QName, SoapVersion};
use tandvard_codegen::sample::{self, Extent, Sample, Side};
use tandvard_codegen::wsdl::Catalog;

/// Arguments of `tandvard-codegen sample`.
#[derive(Debug, clap::Args)]
pub struct SampleArgs {
    /// Contract directories or WSDL/XSD files (repeatable).
    #[arg(long = "contracts", default_value = "contracts")]
    pub contracts: Vec<PathBuf>,
    /// The operation (`SubmitClaim`, or `Interface.Operation`); without it and without
    /// --element, every operation.
    #[arg(long)]
    pub operation: Option<String>,
    /// A global element instead of an operation (`{namespace}local`, or a local name).
    #[arg(long, conflicts_with = "operation")]
    pub element: Option<String>,
    /// The response message instead of the request.
    #[arg(long)]
    pub response: bool,
    /// Every optional part and both facet boundaries, over several variants (each branch of
    /// each choice); default: required parts only.
    #[arg(long)]
    pub full: bool,
    /// Wrap the message in a SOAP envelope of the binding's version, with its header blocks.
    #[arg(long)]
    pub envelope: bool,
    /// Only this variant (1-based) of a --full sample.
    #[arg(long)]
    pub variant: Option<usize>,
    /// Write one file per message and variant here (`<Operation>Request.xml`,
    /// `<Operation>Request_full_2.xml`, ...) instead of printing the first to standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// An OASIS XML catalog (or a .tsv catalog) for remote schema locations.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
}

/// Runs the subcommand; exit 0, or 2 on an error.
pub fn run(args: &SampleArgs) -> ExitCode {
    match run_inner(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// One file to write: its name and text.
struct Output {
    name: String,
    text: String,
    variants: usize,
}

fn run_inner(args: &SampleArgs) -> Result<(), String> {
    let catalog = match &args.catalog {
        Some(p) if p.extension().is_some_and(|e| e == "tsv") => {
            Catalog::from_tsv(p).map_err(|e| e.to_string())?
        }
        Some(p) => Catalog::from_xml_catalog(p).map_err(|e| e.to_string())?,
        None => Catalog::new(),
    };
    let loaded =
        tandvard_codegen::load_contracts(&args.contracts, &catalog).map_err(|e| e.to_string())?;
    let contract = &loaded.contract;
    let extent = if args.full {
        Extent::Full
    } else {
        Extent::Minimal
    };
    let side = if args.response {
        Side::Response
    } else {
        Side::Request
    };
    let mut outputs = Vec::new();
    if let Some(el) = &args.element {
        let name = find_element(contract, el)?;
        for s in sample::samples(contract, &name, extent).map_err(|e| e.to_string())? {
            outputs.push(Output {
                name: file_name(&name.local, extent, &s),
                variants: s.variants,
                text: s.xml,
            });
        }
    } else {
        let ops: Vec<_> = match &args.operation {
            Some(op) => vec![
                sample::find_operation(contract, op)
                    .ok_or_else(|| format!("no operation {op} in the contracts"))?,
            ],
            None => contract
                .interfaces
                .iter()
                .flat_map(|i| i.operations.iter().map(move |o| (i, o)))
                .collect(),
        };
        for (iface, op) in ops {
            let (body, headers) = sample::message_elements(op, side);
            let Some(first) = body.first() else {
                eprintln!(
                    "note: {}.{} has no {side:?} body element",
                    iface.name, op.name
                );
                continue;
            };
            let stem = format!(
                "{}{}",
                op.name,
                if args.response { "Response" } else { "Request" }
            );
            for s in sample::samples(contract, first, extent).map_err(|e| e.to_string())? {
                let text = if args.envelope {
                    envelope(contract, iface.soap, &headers, &body, extent, &s)?
                } else {
                    s.xml.clone()
                };
                outputs.push(Output {
                    name: file_name(&stem, extent, &s),
                    variants: s.variants,
                    text,
                });
            }
        }
    }
    if let Some(v) = args.variant {
        outputs.retain(|o| o.name.ends_with(&format!("_full_{v}.xml")) || o.variants < v);
        if outputs.is_empty() {
            return Err(format!("there is no variant {v}"));
        }
    }
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for o in &outputs {
                let path = dir.join(&o.name);
                std::fs::write(&path, &o.text).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            eprintln!("wrote {} samples to {}", outputs.len(), dir.display());
        }
        None => {
            let first = outputs.first().ok_or("no sample to print")?;
            print!("{}", first.text);
            if outputs.len() > 1 {
                eprintln!(
                    "note: printed {} of {} samples; --out DIR writes them all",
                    first.name,
                    outputs.len()
                );
            }
        }
    }
    Ok(())
}

fn file_name(stem: &str, extent: Extent, s: &Sample) -> String {
    match extent {
        Extent::Minimal => format!("{stem}.xml"),
        Extent::Full => format!("{stem}_full_{}.xml", s.variant),
    }
}

fn find_element(contract: &Contract, text: &str) -> Result<QName, String> {
    if text.starts_with('{') {
        let q = QName::parse_clark(text).ok_or_else(|| format!("bad element name {text}"))?;
        return contract
            .element(&q)
            .map(|e| e.name.clone())
            .ok_or_else(|| format!("no global element {text} in the contracts"));
    }
    let found: Vec<_> = contract
        .elements
        .values()
        .filter(|e| e.name.local == text)
        .collect();
    match found.as_slice() {
        [one] => Ok(one.name.clone()),
        [] => Err(format!("no global element named {text} in the contracts")),
        many => Err(format!(
            "{text} names {} elements; give its namespace: {}",
            many.len(),
            many.iter()
                .map(|e| e.name.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The sample wrapped in an envelope with a sample of each header block (same extent, the
/// first variant) and the other body parts.
fn envelope(
    contract: &Contract,
    soap: SoapVersion,
    headers: &[QName],
    body: &[QName],
    extent: Extent,
    first: &Sample,
) -> Result<String, String> {
    let strip = |xml: &str| {
        xml.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .unwrap_or(xml)
            .to_string()
    };
    let ns = match soap {
        SoapVersion::Soap11 => "http://schemas.xmlsoap.org/soap/envelope/",
        SoapVersion::Soap12 => "http://www.w3.org/2003/05/soap-envelope",
    };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"{ns}\">\n"
    );
    if !headers.is_empty() {
        out.push_str("<soap:Header>\n");
        for h in headers {
            let s = sample::sample(contract, h, extent, 1).map_err(|e| e.to_string())?;
            out.push_str(&strip(&s.xml));
            out.push('\n');
        }
        out.push_str("</soap:Header>\n");
    }
    out.push_str("<soap:Body>\n");
    out.push_str(&strip(&first.xml));
    out.push('\n');
    for b in body.iter().skip(1) {
        let s = sample::sample(contract, b, extent, 1).map_err(|e| e.to_string())?;
        out.push_str(&strip(&s.xml));
        out.push('\n');
    }
    out.push_str("</soap:Body>\n</soap:Envelope>\n");
    Ok(out)
}
