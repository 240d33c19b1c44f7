//! The front door: contract paths in, the contract model out.
//!
//! A path is a directory (every WSDL under it; if it holds no WSDL, every XSD) or a single
//! WSDL or XSD file, whatever its extension: the root element decides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::model::build::{ModelInput, build_contract};
use crate::model::{Contract, QName};
use crate::schema::{self, LoadedSchemas, SchemaInput};
use crate::wsdl::{Catalog, WsdlSet};

/// Everything loaded from a set of contracts.
#[derive(Debug)]
pub struct LoadedContracts {
    /// The WSDL documents (empty for XSD-only input).
    pub wsdl: Option<WsdlSet>,
    /// The schemas, as interpreted by xsd-parser.
    pub schemas: LoadedSchemas,
    /// The contract model.
    pub contract: Contract,
    /// Every file read (WSDLs, XSDs, catalogs), sorted: for `cargo:rerun-if-changed`.
    pub files: Vec<PathBuf>,
    /// The directory source paths are relative to.
    pub base_dir: PathBuf,
    /// Defects in the input that were tolerated (each names the file and line), e.g. a
    /// `soap:header` bound to a part its message lacks, which is dropped.
    pub warnings: Vec<String>,
}

/// What kind of document a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocKind {
    Wsdl,
    Xsd,
    Other,
}

/// Loads contracts from paths (directories or files).
pub fn load_contracts(paths: &[PathBuf], catalog: &Catalog) -> Result<LoadedContracts, Error> {
    let mut wsdl_files = Vec::new();
    let mut xsd_files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files).map_err(|e| Error::io(path, e))?;
            files.sort();
            let mut dir_wsdl = Vec::new();
            let mut dir_xsd = Vec::new();
            for f in files {
                match f.extension().and_then(|e| e.to_str()) {
                    Some("wsdl") => dir_wsdl.push(f),
                    Some("xsd") => dir_xsd.push(f),
                    _ => {}
                }
            }
            if dir_wsdl.is_empty() {
                xsd_files.extend(dir_xsd);
            } else {
                wsdl_files.extend(dir_wsdl);
            }
        } else if path.is_file() {
            match sniff(path)? {
                DocKind::Wsdl => wsdl_files.push(path.clone()),
                DocKind::Xsd => xsd_files.push(path.clone()),
                DocKind::Other => {
                    return Err(Error::Input(format!(
                        "{}: not a WSDL 1.1 or XSD document (expected root element wsdl:definitions or xs:schema)",
                        schema::display_path(path)
                    )));
                }
            }
        } else {
            return Err(Error::Input(format!(
                "{}: no such file or directory",
                schema::display_path(path)
            )));
        }
    }
    if wsdl_files.is_empty() && xsd_files.is_empty() {
        let list: Vec<String> = paths.iter().map(|p| schema::display_path(p)).collect();
        return Err(Error::Input(format!(
            "no WSDL or XSD files found in {}",
            list.join(", ")
        )));
    }
    let base_dir = common_dir(paths);

    let mut warnings = Vec::new();
    let wsdl = if wsdl_files.is_empty() {
        None
    } else {
        let (set, w) = WsdlSet::load_lenient(&wsdl_files, catalog)?;
        warnings.extend(w);
        Some(set)
    };
    let (operations, inline, port_types) = match &wsdl {
        Some(set) => {
            let ops = set.operations()?;
            let inline: Vec<_> = set.inline_schemas().into_iter().cloned().collect();
            xsd_files.extend(set.imported_schemas().into_iter().map(Path::to_path_buf));
            let mut port_types = BTreeMap::new();
            for doc in set.documents() {
                for pt in &doc.port_types {
                    port_types.insert(
                        QName::new(pt.name.ns.as_deref(), &pt.name.local),
                        (pt.documentation.clone(), Some(pt.pos.clone())),
                    );
                }
            }
            (ops, inline, port_types)
        }
        None => (Vec::new(), Vec::new(), BTreeMap::new()),
    };
    let schemas = schema::load(&SchemaInput {
        xsd_files: xsd_files.clone(),
        inline,
        catalog: catalog.clone(),
    })?;
    warnings.extend(schemas.warnings.iter().cloned());
    let contract = build_contract(&ModelInput {
        operations: &operations,
        port_types,
        schemas: &schemas,
        xsd_roots: &xsd_files,
        base_dir: &base_dir,
    })?;
    let mut files: Vec<PathBuf> = schemas.files();
    if let Some(set) = &wsdl {
        files.extend(set.documents().iter().map(|d| d.path.clone()));
    }
    files.extend(xsd_files);
    files.sort();
    files.dedup();
    Ok(LoadedContracts {
        wsdl,
        schemas,
        contract,
        files,
        base_dir,
        warnings,
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            walk(&path, out)?;
        } else if ty.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Decides by the root element, whatever the file extension.
fn sniff(path: &Path) -> Result<DocKind, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(match decode_contract(bytes.clone()) {
        Ok(text) => root_kind(&text),
        // Not decodable: classified by what can be read, and the loader reports why (with
        // the line) if it is a contract.
        Err(_) => root_kind(&String::from_utf8_lossy(&bytes)),
    })
}

/// Why a contract file could not be decoded: a message, and the byte offset in the
/// decoded text up to which it was fine (for the line and column).
#[derive(Debug)]
pub(crate) struct DecodeError {
    /// The text decoded before the error (UTF-8), for the position.
    pub valid: String,
    /// What is wrong.
    pub message: String,
}

/// Decodes a contract file (WSDL or XSD) to UTF-8 text with LF line breaks.
///
/// The encoding is the one its byte order mark (UTF-8, UTF-16 LE or BE) or XML declaration
/// names (ISO-8859-1, Windows-1252, ... as the WHATWG Encoding Standard defines them,
/// decoded by encoding_rs through [`tandvard_runtime::decode_xml`]), UTF-8 otherwise;
/// the declaration of a decoded file is rewritten to say UTF-8. Line breaks (CRLF, lone CR)
/// become LF as XML 1.0 section 2.11 prescribes, so a file with CR-only line breaks
/// (classic Mac) reports the same lines as its LF original and is parsed the same.
pub(crate) fn decode_contract(bytes: Vec<u8>) -> Result<String, DecodeError> {
    let text = match tandvard_runtime::decode_xml(&bytes, None) {
        Ok(std::borrow::Cow::Owned(decoded)) => decoded,
        Ok(std::borrow::Cow::Borrowed(_)) => bytes,
        Err(e) => {
            return Err(DecodeError {
                valid: String::new(),
                message: e.kind().to_string(),
            });
        }
    };
    let mut text = String::from_utf8(text).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        DecodeError {
            valid: String::from_utf8_lossy(&e.as_bytes()[..valid])
                .replace("\r\n", "\n")
                .replace('\r', "\n"),
            message: format!(
                "invalid UTF-8 at byte {valid}: a file in another encoding must name it in \
                 its XML declaration (e.g. <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>) \
                 or start with a byte order mark"
            ),
        }
    })?;
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_owned();
    }
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    Ok(text)
}

/// The kind of document by its root element's local name, skipping the XML declaration,
/// comments, processing instructions and a DOCTYPE.
fn root_kind(text: &str) -> DocKind {
    let mut rest = text;
    loop {
        let Some(i) = rest.find('<') else {
            return DocKind::Other;
        };
        rest = &rest[i..];
        let skip_to = if rest.starts_with("<!--") {
            rest.find("-->").map(|e| e + 3)
        } else if rest.starts_with("<?") {
            rest.find("?>").map(|e| e + 2)
        } else if rest.starts_with("<!") {
            rest.find('>').map(|e| e + 1)
        } else {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            let local = name.rsplit(':').next().unwrap_or("");
            return match local {
                "definitions" => DocKind::Wsdl,
                "schema" => DocKind::Xsd,
                _ => DocKind::Other,
            };
        };
        match skip_to {
            Some(n) => rest = &rest[n..],
            None => return DocKind::Other,
        }
    }
}

/// The deepest directory containing every path.
fn common_dir(paths: &[PathBuf]) -> PathBuf {
    let abs: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            if p.is_dir() {
                p
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or(p)
            }
        })
        .collect();
    let Some(first) = abs.first() else {
        return PathBuf::from(".");
    };
    let mut common = first.clone();
    for p in &abs[1..] {
        while !p.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}
