//! Mapping of remote URLs and namespaces to local files (a subset of OASIS XML Catalogs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use roxmltree::Node;
use url::Url;

use super::load::{absolute_path, read_text};
use super::parse::{Ctx, parse_xml, pos_at};
use super::{SourcePos, WsdlError};

const CATALOG_NS: &str = "urn:oasis:names:tc:entity:xmlns:xml:catalog";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// How deep `nextCatalog` chains are followed.
const MAX_CATALOG_DEPTH: usize = 8;

/// Maps URLs (`schemaLocation`, `wsdl:import/@location`) and namespace names to local files.
///
/// Lookups: an exact entry first, then the longest matching rewrite prefix. Namespace lookups
/// check namespace entries, then exact URI entries (OASIS `uri name="namespace"`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    exact: BTreeMap<String, PathBuf>,
    namespaces: BTreeMap<String, PathBuf>,
    /// (URL prefix, replacement prefix as an absolute URL string).
    rewrites: Vec<(String, String)>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// True if the catalog has no entries.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.namespaces.is_empty() && self.rewrites.is_empty()
    }

    /// Maps one URL or system identifier to a local file.
    pub fn add_uri(&mut self, uri: impl Into<String>, path: impl Into<PathBuf>) {
        self.exact.entry(uri.into()).or_insert_with(|| path.into());
    }

    /// Maps a namespace name (for imports without a location) to a local file.
    pub fn add_namespace(&mut self, namespace: impl Into<String>, path: impl Into<PathBuf>) {
        self.namespaces
            .entry(namespace.into())
            .or_insert_with(|| path.into());
    }

    /// Maps every URL starting with `prefix` to `dir` followed by the rest of the URL.
    pub fn add_rewrite(&mut self, prefix: impl Into<String>, dir: &Path) -> Result<(), WsdlError> {
        let mut target = Url::from_directory_path(absolute_path(dir)?)
            .map_err(|()| bad_path(dir))?
            .to_string();
        if !target.ends_with('/') {
            target.push('/');
        }
        self.rewrites.push((prefix.into(), target));
        Ok(())
    }

    /// The local file for a URL, if the catalog maps it.
    pub fn resolve_uri(&self, uri: &str) -> Option<PathBuf> {
        if let Some(p) = self.exact.get(uri) {
            return Some(p.clone());
        }
        let (prefix, target) = self
            .rewrites
            .iter()
            .filter(|(prefix, _)| uri.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())?;
        let url = Url::parse(&format!("{target}{}", &uri[prefix.len()..])).ok()?;
        url.to_file_path().ok()
    }

    /// The local file for a namespace name, if the catalog maps it.
    pub fn resolve_namespace(&self, namespace: &str) -> Option<PathBuf> {
        self.namespaces
            .get(namespace)
            .or_else(|| self.exact.get(namespace))
            .cloned()
    }

    /// The catalog at `path`: a `.tsv` file (see [`Self::from_tsv`]) or an OASIS XML catalog;
    /// no path, an empty catalog.
    pub fn load(path: Option<&Path>) -> Result<Catalog, WsdlError> {
        match path {
            Some(p) if p.extension().is_some_and(|e| e == "tsv") => Self::from_tsv(p),
            Some(p) => Self::from_xml_catalog(p),
            None => Ok(Self::new()),
        }
    }

    /// Reads an OASIS XML catalog: `system`, `uri`, `rewriteSystem`, `rewriteURI` and
    /// `nextCatalog` entries (also inside `group`), honouring `xml:base`. Relative targets are
    /// resolved against the catalog file. Other entry kinds (`public`, `delegate*`) are ignored.
    ///
    /// Catalogs are configuration, not contract input, so an internal DTD subset is accepted
    /// (OASIS catalogs often start with a `<!DOCTYPE catalog PUBLIC ...>`); nothing is fetched.
    pub fn from_xml_catalog(path: &Path) -> Result<Catalog, WsdlError> {
        let mut catalog = Catalog::new();
        catalog.read_xml_catalog(&absolute_path(path)?, 0)?;
        Ok(catalog)
    }

    /// Reads a tab-separated catalog: one `URL<TAB>relative/path` per line, or
    /// `ns:NAMESPACE<TAB>relative/path` for a namespace; `#` starts a comment line.
    /// Paths are relative to the catalog file's directory.
    pub fn from_tsv(path: &Path) -> Result<Catalog, WsdlError> {
        let path = absolute_path(path)?;
        let text = read_text(&path)?;
        let dir = path.parent().unwrap_or(Path::new("/"));
        let mut catalog = Catalog::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, target)) = line.split_once('\t') else {
                let pos = SourcePos {
                    file: path.clone(),
                    line: u32::try_from(n + 1).unwrap_or(u32::MAX),
                    column: 1,
                };
                return Err(WsdlError::invalid(
                    pos,
                    "expected \"URL<TAB>path\" or \"ns:NAMESPACE<TAB>path\"",
                ));
            };
            let target = dir.join(target.trim());
            match key.strip_prefix("ns:") {
                Some(ns) => catalog.add_namespace(ns, target),
                None => catalog.add_uri(key, target),
            }
        }
        Ok(catalog)
    }

    fn read_xml_catalog(&mut self, path: &Path, depth: usize) -> Result<(), WsdlError> {
        let text = read_text(path)?;
        let doc = parse_xml(path, &text, true)?;
        let ctx = Ctx::new(path, &text, None);
        let file_url = Url::from_file_path(path).map_err(|()| bad_path(path))?;
        for node in doc
            .descendants()
            .filter(|n| n.tag_name().namespace() == Some(CATALOG_NS))
        {
            let attr = |name: &str| node.attribute(name);
            let resolve = |target: &str| target_path(&ctx, node, &file_url, target);
            match node.tag_name().name() {
                "system" | "uri" => {
                    let key = attr("systemId").or_else(|| attr("name"));
                    if let (Some(key), Some(target)) = (key, attr("uri")) {
                        let target = resolve(target)?;
                        self.add_uri(key, target);
                    }
                }
                "rewriteSystem" | "rewriteURI" => {
                    let key = attr("systemIdStartString").or_else(|| attr("uriStartString"));
                    if let (Some(key), Some(target)) = (key, attr("rewritePrefix")) {
                        let mut url = base_url(node, &file_url)
                            .join(target)
                            .map_err(|e| bad_entry(&ctx, node, &e.to_string()))?
                            .to_string();
                        if !url.ends_with('/') && target.ends_with('/') {
                            url.push('/');
                        }
                        self.rewrites.push((key.to_owned(), url));
                    }
                }
                "nextCatalog" if depth < MAX_CATALOG_DEPTH => {
                    if let Some(target) = attr("catalog") {
                        let next = resolve(target)?;
                        self.read_xml_catalog(&next, depth + 1)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// `xml:base` of `node` and its ancestors applied to the catalog's own URL.
fn base_url(node: Node, file_url: &Url) -> Url {
    let mut bases: Vec<&str> = node
        .ancestors()
        .filter_map(|a| a.attribute((XML_NS, "base")))
        .collect();
    bases.reverse();
    bases
        .into_iter()
        .fold(file_url.clone(), |base, b| base.join(b).unwrap_or(base))
}

fn target_path(ctx: &Ctx, node: Node, file_url: &Url, target: &str) -> Result<PathBuf, WsdlError> {
    let url = base_url(node, file_url)
        .join(target)
        .map_err(|e| bad_entry(ctx, node, &e.to_string()))?;
    url.to_file_path()
        .map_err(|()| bad_entry(ctx, node, &format!("\"{url}\" is not a local file")))
}

fn bad_entry(ctx: &Ctx, node: Node, why: &str) -> WsdlError {
    WsdlError::invalid(
        ctx.pos(node),
        format!("catalog entry target: {why} (expected a relative path or a file: URL)"),
    )
}

fn bad_path(path: &Path) -> WsdlError {
    WsdlError::invalid(
        pos_at(path, "", 0),
        "cannot turn this path into a file: URL (expected an absolute local path)",
    )
}
