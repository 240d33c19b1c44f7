//! Reading files and following `wsdl:import`.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use url::Url;

use super::parse::pos_at;
use super::{
    Catalog, Import, ImportTarget, MAX_FILE_SIZE, WsdlDocument, WsdlError, WsdlSet, XSD_NS,
};

type Result<T> = std::result::Result<T, WsdlError>;

impl WsdlSet {
    /// Loads the root WSDL files and, depth-first, every document they `wsdl:import`, then
    /// checks that every reference resolves (see [`WsdlSet::from_documents`]).
    ///
    /// Import locations must be relative paths or `file:` URLs; a remote URL is an error.
    /// A document reached twice (or through an import cycle) is loaded once.
    pub fn load(roots: &[PathBuf]) -> Result<WsdlSet> {
        Self::load_with(roots, &Catalog::new())
    }

    /// Like [`WsdlSet::load`], but import locations (and namespaces of location-less imports)
    /// are first looked up in `catalog`, which can map remote URLs to local copies.
    pub fn load_with(roots: &[PathBuf], catalog: &Catalog) -> Result<WsdlSet> {
        let mut loader = Loader {
            catalog,
            seen: HashMap::new(),
            docs: Vec::new(),
        };
        for root in roots {
            loader.load_document(absolute_path(root)?, None)?;
        }
        let mut docs = loader.docs;
        assign_virtual_names(&mut docs);
        WsdlSet::from_documents(docs)
    }

    /// Like [`WsdlSet::load_with`], but tolerant of one defect real tools accept: a
    /// `soap:header` (or `soap:headerfault`) that names a part its message does not have is
    /// dropped, with a warning naming the file and line, instead of failing the load. Every
    /// other reference must still resolve.
    pub fn load_lenient(roots: &[PathBuf], catalog: &Catalog) -> Result<(WsdlSet, Vec<String>)> {
        let mut loader = Loader {
            catalog,
            seen: HashMap::new(),
            docs: Vec::new(),
        };
        for root in roots {
            loader.load_document(absolute_path(root)?, None)?;
        }
        let mut docs = loader.docs;
        assign_virtual_names(&mut docs);
        let warnings = drop_dangling_headers(&mut docs);
        Ok((WsdlSet::from_documents(docs)?, warnings))
    }
}

/// Removes `soap:header`s and `soap:headerfault`s whose part does not exist in their message
/// (when the message itself exists); returns one warning per removal.
fn drop_dangling_headers(docs: &mut [WsdlDocument]) -> Vec<String> {
    let parts: HashMap<super::QName, Vec<String>> = docs
        .iter()
        .flat_map(|d| &d.messages)
        .map(|m| {
            (
                m.name.clone(),
                m.parts.iter().map(|p| p.name.clone()).collect(),
            )
        })
        .collect();
    let dangling = |message: &super::QName, part: &str| {
        parts
            .get(message)
            .is_some_and(|names| !names.iter().any(|n| n == part))
    };
    let mut warnings = Vec::new();
    for doc in docs.iter_mut() {
        for binding in &mut doc.bindings {
            for op in &mut binding.operations {
                for io in [op.input.as_mut(), op.output.as_mut()]
                    .into_iter()
                    .flatten()
                {
                    io.headers.retain_mut(|h| {
                        h.headerfaults.retain(|hf| {
                            let bad = dangling(&hf.message, &hf.part);
                            if bad {
                                warnings.push(format!(
                                    "{}:{}: soap:headerfault part=\"{}\" is not a part of message {}; the header fault is ignored",
                                    hf.pos.file.display(),
                                    hf.pos.line,
                                    hf.part,
                                    hf.message
                                ));
                            }
                            !bad
                        });
                        let bad = dangling(&h.message, &h.part);
                        if bad {
                            warnings.push(format!(
                                "{}:{}: soap:header part=\"{}\" is not a part of message {}; the header is ignored",
                                h.pos.file.display(),
                                h.pos.line,
                                h.part,
                                h.message
                            ));
                        }
                        !bad
                    });
                }
            }
        }
    }
    warnings
}

struct Loader<'c> {
    catalog: &'c Catalog,
    /// Canonical path -> what it turned out to be.
    seen: HashMap<PathBuf, ImportTarget>,
    /// Documents in load order (pre-order: a document, then what it imports).
    docs: Vec<WsdlDocument>,
}

impl Loader<'_> {
    fn load_document(&mut self, path: PathBuf, importer: Option<&Import>) -> Result<ImportTarget> {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if let Some(done) = self.seen.get(&key) {
            return Ok(done.clone());
        }
        let text = read_text(&path)?;
        let mut doc = match WsdlDocument::parse(&path, &text) {
            Ok(doc) => doc,
            Err(e) if importer.is_some() && e.not_wsdl_root().is_some_and(is_xsd_schema) => {
                let target = ImportTarget::Schema(path);
                self.seen.insert(key, target.clone());
                return Ok(target);
            }
            Err(e) => return Err(e),
        };
        let target = ImportTarget::Wsdl(path.clone());
        self.seen.insert(key, target.clone());
        let imports = std::mem::take(&mut doc.imports);
        let index = self.docs.len();
        self.docs.push(doc);
        let mut followed = Vec::with_capacity(imports.len());
        for mut import in imports {
            if let Some(next) = self.import_path(&import, &path)? {
                import.target = self
                    .load_document(next, Some(&import))
                    .map_err(|e| import_error(&import, e))?;
            }
            followed.push(import);
        }
        if let Some(doc) = self.docs.get_mut(index) {
            doc.imports = followed;
        }
        Ok(target)
    }

    /// Where an import points, or `None` for a location-less import the catalog does not know.
    fn import_path(&self, import: &Import, importer: &Path) -> Result<Option<PathBuf>> {
        let location = import.location.as_deref().map(str::trim);
        let Some(location) = location.filter(|l| !l.is_empty()) else {
            let ns = import.namespace.as_deref();
            return Ok(ns
                .and_then(|ns| self.catalog.resolve_namespace(ns))
                .map(|p| normalize(&p)));
        };
        if let Some(p) = self.catalog.resolve_uri(location) {
            return Ok(Some(normalize(&p)));
        }
        let fail = |why: String| WsdlError::Import {
            pos: import.pos.clone(),
            message: format!("wsdl:import location=\"{location}\": {why}"),
        };
        let base = Url::from_file_path(importer)
            .map_err(|()| fail("the importing file has no absolute path".to_owned()))?;
        let url = base
            .join(location)
            .map_err(|e| fail(format!("{e} (expected a relative path or URL)")))?;
        if url.scheme() != "file" {
            return Err(fail(
                "remote locations are not fetched; expected a relative path to a local file, or a \
                 catalog entry mapping this URL to a local copy (WsdlSet::load_with with \
                 Catalog::from_xml_catalog)"
                    .to_owned(),
            ));
        }
        let path = url
            .to_file_path()
            .map_err(|()| fail(format!("{url} is not a local file path")))?;
        Ok(Some(normalize(&path)))
    }
}

fn is_xsd_schema(root: &super::QName) -> bool {
    root.ns.as_deref() == Some(XSD_NS) && root.local == "schema"
}

/// Puts the importing element into an error from (loading) an imported document.
fn import_error(import: &Import, e: WsdlError) -> WsdlError {
    match e {
        WsdlError::Io { .. } | WsdlError::TooLarge { .. } => WsdlError::Import {
            pos: import.pos.clone(),
            message: format!(
                "cannot load wsdl:import location=\"{}\": {e}",
                import.location.as_deref().unwrap_or_default()
            ),
        },
        other => WsdlError::InImport {
            importer: import.pos.clone(),
            source: Box::new(other),
        },
    }
}

/// Gives every inline schema a virtual name that is unique in the set: the shortest trailing
/// part of its WSDL path that no other document shares, then `#schema<index>`.
fn assign_virtual_names(docs: &mut [WsdlDocument]) {
    let components: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            d.path
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let suffix = |v: &[String], k: usize| v[v.len().saturating_sub(k)..].join("/");
    for (i, doc) in docs.iter_mut().enumerate() {
        let mine = &components[i];
        let clashes = |k: usize| {
            components
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && suffix(other, k) == suffix(mine, k))
        };
        let mut k = 1;
        while k < mine.len() && clashes(k) {
            k += 1;
        }
        let name = suffix(mine, k);
        for schema in &mut doc.types {
            schema.virtual_name = format!("{name}#schema{}", schema.index);
        }
    }
}

/// Absolute, lexically normalised (`.` and `..` removed) version of `path`.
pub(crate) fn absolute_path(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path).map_err(|source| WsdlError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    Ok(normalize(&abs))
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Reads a file as UTF-8 text, refusing files over [`MAX_FILE_SIZE`].
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let io = |source| WsdlError::Io {
        file: path.to_path_buf(),
        source,
    };
    let too_large = |size| WsdlError::TooLarge {
        file: path.to_path_buf(),
        size,
        limit: MAX_FILE_SIZE,
    };
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_SIZE {
        return Err(too_large(len));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large(bytes.len() as u64));
    }
    decode(path, bytes)
}

fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    crate::input::decode_contract(bytes).map_err(|e| WsdlError::Xml {
        pos: pos_at(path, &e.valid, e.valid.len()),
        message: e.message,
    })
}
