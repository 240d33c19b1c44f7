//! The offline resolver: serves schema documents to xsd-parser from local files, from inline
//! WSDL schemas and through a catalog. It never touches the network.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use url::Url;
use xsd_parser::pipeline::parser::resolver::{ResolveRequest, ResolveResult, Resolver};

use super::{SchemaError, XS_NS, display_path};
use crate::wsdl::{Catalog, InlineSchema};

/// Largest schema document we read.
const MAX_SCHEMA_BYTES: u64 = 64 * 1024 * 1024;

/// One document served to xsd-parser.
#[derive(Debug, Clone)]
pub struct ServedDoc {
    /// The URL xsd-parser knows it by.
    pub url: Url,
    /// The real file it comes from (the WSDL file for an inline schema).
    pub file: PathBuf,
    /// Lines to add to a line in `text` to get the line in `file` (inline schemas).
    pub line_offset: u32,
    /// The text as served (after location-less imports were patched on the same line).
    pub text: String,
    /// For inline schemas, their stable virtual name.
    pub inline_name: Option<String>,
}

impl ServedDoc {
    /// The file name used in messages (with the inline schema's name where relevant).
    pub fn display_name(&self) -> String {
        display_path(&self.file)
    }
}

/// The resolver handed to xsd-parser's parser.
#[derive(Debug)]
pub struct OfflineResolver {
    catalog: Catalog,
    inline: BTreeMap<Url, (String, PathBuf, u32, String)>,
    root_namespaces: BTreeMap<String, Url>,
    loaded: BTreeMap<Url, usize>,
    served: Rc<RefCell<Vec<ServedDoc>>>,
    preflighted: BTreeSet<Url>,
    /// Remote imports no catalog maps, per importing document: dropped by [`Self::repair`].
    unresolved_imports: BTreeMap<Url, BTreeSet<String>>,
    /// Repairs made, one message each (file and line).
    pub(crate) warnings: Vec<String>,
}

impl OfflineResolver {
    pub(crate) fn new(catalog: Catalog, served: Rc<RefCell<Vec<ServedDoc>>>) -> Self {
        Self {
            catalog,
            inline: BTreeMap::new(),
            root_namespaces: BTreeMap::new(),
            loaded: BTreeMap::new(),
            served,
            preflighted: BTreeSet::new(),
            unresolved_imports: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Registers an inline schema under a virtual URL next to its WSDL file.
    pub(crate) fn add_inline(&mut self, schema: &InlineSchema) -> Result<Url, SchemaError> {
        let wsdl = absolute(&schema.wsdl_path)
            .map_err(|e| SchemaError::new(Some(display_path(&schema.wsdl_path)), e.to_string()))?;
        let virtual_path = PathBuf::from(format!("{}.schema{}.xsd", wsdl.display(), schema.index));
        let url = file_url(&virtual_path)?;
        if let Some(ns) = &schema.target_namespace {
            self.root_namespaces
                .entry(ns.clone())
                .or_insert_with(|| url.clone());
        }
        self.inline.insert(
            url.clone(),
            (
                schema.text.clone(),
                wsdl,
                schema.line.saturating_sub(1),
                schema.virtual_name.clone(),
            ),
        );
        Ok(url)
    }

    /// Registers a root XSD file given by the user.
    pub(crate) fn add_root_file(&mut self, path: &Path) -> Result<Url, SchemaError> {
        let abs = absolute(path)
            .map_err(|e| SchemaError::new(Some(display_path(path)), e.to_string()))?;
        let url = file_url(&abs)?;
        let text = read_limited(&abs)?;
        let text = super::repair::expand_internal_dtd(&text)
            .ok()
            .flatten()
            .unwrap_or(text);
        let ns = target_namespace(&text);
        if let Some(ns) = ns {
            self.root_namespaces
                .entry(ns)
                .or_insert_with(|| url.clone());
        }
        Ok(url)
    }

    /// Loads a document and everything it imports or includes, checking that each is
    /// well-formed XML without a DTD, so errors name the file and line before xsd-parser runs.
    pub(crate) fn preflight(&mut self, url: &Url) -> Result<(), SchemaError> {
        let mut stack = vec![url.clone()];
        while let Some(url) = stack.pop() {
            if !self.preflighted.insert(url.clone()) {
                continue;
            }
            let idx = self.load(&url, None, None)?;
            let doc = self.served.borrow()[idx].clone();
            for (location, namespace, line) in schema_references(&doc)? {
                let at = format!("{}:{}", doc.display_name(), line);
                let target = match self.locate(&location, namespace.as_deref(), Some(&url)) {
                    Ok(t) => t,
                    Err(_) if is_remote(&location) && namespace.is_some() => {
                        // A remote import no catalog maps: tolerated (see `repair`).
                        self.unresolved_imports
                            .entry(url.clone())
                            .or_default()
                            .insert(namespace.clone().unwrap_or_default());
                        self.warnings.push(format!(
                            "{at}: the import of namespace {} from {location} is not mapped by a catalog and is ignored; references into it are read as wildcards",
                            namespace.as_deref().unwrap_or("")
                        ));
                        continue;
                    }
                    Err(msg) => return Err(SchemaError::new(Some(at.clone()), msg)),
                };
                if !self.inline.contains_key(&target) {
                    let path = target.to_file_path().map_err(|()| {
                        SchemaError::new(Some(at.clone()), format!("not a local file: {target}"))
                    })?;
                    if !path.is_file() {
                        return Err(SchemaError::new(
                            Some(at),
                            format!(
                                "schemaLocation \"{location}\" refers to {}, which does not exist",
                                display_path(&path)
                            ),
                        ));
                    }
                }
                stack.push(target);
            }
        }
        Ok(())
    }

    /// After every root was preflighted: drops imports of unmapped remote schemas (and turns
    /// references into their namespaces into wildcards), and adds the `xs:import`s documents
    /// lack for namespaces that another loaded document defines. Line numbers are kept.
    pub(crate) fn repair(&mut self) -> Result<(), SchemaError> {
        let mut served = self.served.borrow_mut();
        let mut defined: BTreeMap<String, Url> = BTreeMap::new();
        for (ns, url) in &self.root_namespaces {
            defined.insert(ns.clone(), url.clone());
        }
        for d in served.iter() {
            if let Some(ns) = target_namespace(&d.text) {
                defined.entry(ns).or_insert_with(|| d.url.clone());
            }
        }
        for d in served.iter_mut() {
            let err = |e: String| SchemaError::new(Some(d.display_name()), e);
            if let Some(dropped) = self.unresolved_imports.get(&d.url) {
                let text = super::repair::drop_imports(&d.text, dropped).map_err(err)?;
                let missing: BTreeSet<String> = dropped
                    .iter()
                    .filter(|ns| !defined.contains_key(*ns))
                    .cloned()
                    .collect();
                let (text, notes) = super::repair::stub_references(&text, &missing).map_err(err)?;
                for n in notes {
                    self.warnings.push(format!("{}: {n}", d.display_name()));
                }
                d.text = text;
            }
            let Ok((refs, imported)) = super::repair::referenced_namespaces(&d.text) else {
                continue;
            };
            let own = target_namespace(&d.text);
            let mut add = Vec::new();
            for ns in refs {
                if imported.contains(&ns)
                    || own.as_deref() == Some(ns.as_str())
                    || ns == XS_NS
                    || self
                        .unresolved_imports
                        .get(&d.url)
                        .is_some_and(|u| u.contains(&ns))
                {
                    continue;
                }
                if let Some(url) = defined.get(&ns).filter(|u| **u != d.url) {
                    self.warnings.push(format!(
                        "{}: refers to namespace {ns} without importing it; an import of the loaded schema that defines it was added",
                        d.display_name()
                    ));
                    add.push((ns.clone(), url.to_string()));
                } else if ns == XML_NS {
                    // `xml:lang` and friends without an import of xml.xsd: the catalog's copy
                    // (under its usual location) or a built-in one.
                    let url = [
                        "http://www.w3.org/2001/xml.xsd",
                        "http://www.w3.org/2009/01/xml.xsd",
                    ]
                    .iter()
                    .find_map(|loc| self.catalog.resolve_uri(loc))
                    .or_else(|| self.catalog.resolve_namespace(XML_NS))
                    .and_then(|p| absolute(&p).ok())
                    .and_then(|p| Url::from_file_path(p).ok());
                    let url = match url {
                        Some(u) => u,
                        None => {
                            let u = Url::parse(BUILTIN_XML_URL).expect("valid URL");
                            self.inline.entry(u.clone()).or_insert_with(|| {
                                (
                                    BUILTIN_XML_XSD.to_string(),
                                    d.file.clone(),
                                    0,
                                    "xml".to_string(),
                                )
                            });
                            u
                        }
                    };
                    self.warnings.push(format!(
                        "{}: refers to the XML namespace (xml:lang, ...) without importing it; an import of {url} was added",
                        d.display_name()
                    ));
                    add.push((ns.clone(), url.to_string()));
                    defined.insert(ns.clone(), url);
                }
            }
            if !add.is_empty() {
                let err = |e: String| SchemaError::new(Some(d.display_name()), e);
                d.text = super::repair::add_imports(&d.text, &add).map_err(err)?;
            }
        }
        Ok(())
    }

    /// Maps a requested location to a URL we can serve, or explains why we cannot.
    fn locate(
        &self,
        location: &str,
        namespace: Option<&str>,
        current: Option<&Url>,
    ) -> Result<Url, String> {
        let is_remote = location.starts_with("http://") || location.starts_with("https://");
        if is_remote || location.is_empty() {
            let mapped = (!location.is_empty())
                .then(|| self.catalog.resolve_uri(location))
                .flatten()
                .or_else(|| namespace.and_then(|ns| self.catalog.resolve_namespace(ns)));
            if let Some(path) = mapped {
                let abs = absolute(&path).map_err(|e| e.to_string())?;
                return Url::from_file_path(&abs)
                    .map_err(|()| format!("catalog entry is not a file path: {}", abs.display()));
            }
            if let Some(url) = namespace.and_then(|ns| self.root_namespaces.get(ns)) {
                return Ok(url.clone());
            }
            return Err(format!(
                "schema location \"{location}\" is remote; remote schemas are never fetched (no network at generate time): map it to a local file in a catalog"
            ));
        }
        let joined = match current {
            Some(base) => base.join(location),
            None => Url::parse(location),
        };
        let url = joined.map_err(|e| format!("invalid schema location \"{location}\": {e}"))?;
        if url.scheme() != "file" {
            return Err(format!(
                "schema location \"{location}\" uses the {} scheme; only local files are read",
                url.scheme()
            ));
        }
        Ok(url)
    }

    /// Loads (once) and records a document; returns its index in `served`.
    fn load(
        &mut self,
        url: &Url,
        _namespace: Option<&str>,
        _current: Option<&Url>,
    ) -> Result<usize, SchemaError> {
        if let Some(idx) = self.loaded.get(url) {
            return Ok(*idx);
        }
        let (text, file, line_offset, inline_name) =
            if let Some((text, wsdl, offset, name)) = self.inline.get(url) {
                (text.clone(), wsdl.clone(), *offset, Some(name.clone()))
            } else {
                let path = url
                    .to_file_path()
                    .map_err(|()| SchemaError::new(None, format!("not a local file: {url}")))?;
                let mut text = read_limited(&path)?;
                // Schemas are configuration-like input: an internal DTD subset (the W3C
                // xmldsig schema has one) is expanded, bounded, without fetching anything.
                match super::repair::expand_internal_dtd(&text) {
                    Ok(Some(expanded)) => {
                        self.warnings.push(format!(
                            "{}: the DOCTYPE is ignored and its internal entities are expanded",
                            display_path(&path)
                        ));
                        text = expanded;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        return Err(SchemaError::new(
                            Some(display_path(&path)),
                            format!("cannot expand the internal DTD subset: {e}"),
                        ));
                    }
                }
                (text, path, 0, None)
            };
        let text = self.patch_locationless_imports(url, &text, &file, line_offset)?;
        let mut served = self.served.borrow_mut();
        served.push(ServedDoc {
            url: url.clone(),
            file,
            line_offset,
            text,
            inline_name,
        });
        let idx = served.len() - 1;
        self.loaded.insert(url.clone(), idx);
        Ok(idx)
    }

    /// Adds `schemaLocation` to `xs:import`s that name only a namespace, when a root document
    /// defines that namespace. The attribute is inserted on the same line, so line numbers stay.
    fn patch_locationless_imports(
        &self,
        url: &Url,
        text: &str,
        file: &Path,
        line_offset: u32,
    ) -> Result<String, SchemaError> {
        let doc = parse_xml(text, file, line_offset)?;
        let mut inserts: Vec<(usize, String)> = Vec::new();
        for node in doc.descendants() {
            if !is_xs(&node, "import") || node.attribute("schemaLocation").is_some() {
                continue;
            }
            let Some(ns) = node.attribute("namespace") else {
                continue;
            };
            let target = self.root_namespaces.get(ns).cloned().or_else(|| {
                self.catalog
                    .resolve_namespace(ns)
                    .and_then(|p| absolute(&p).ok())
                    .and_then(|p| Url::from_file_path(p).ok())
            });
            let Some(target) = target else {
                continue;
            };
            if &target == url {
                continue;
            }
            let start = node.range().start;
            let tag_len = text[start..]
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .unwrap_or(0);
            inserts.push((
                start + tag_len,
                format!(" schemaLocation=\"{}\"", xml_escape_attr(target.as_str())),
            ));
        }
        if inserts.is_empty() {
            return Ok(text.to_string());
        }
        let mut out = text.to_string();
        for (pos, ins) in inserts.into_iter().rev() {
            out.insert_str(pos, &ins);
        }
        Ok(out)
    }
}

impl Resolver for OfflineResolver {
    type Buffer = Cursor<Vec<u8>>;
    type Error = String;

    fn resolve(&mut self, req: &ResolveRequest) -> ResolveResult<Self> {
        let namespace = req.requested_ns.as_ref().map(|n| n.to_string());
        let url = self.locate(
            &req.requested_location,
            namespace.as_deref(),
            req.current_location.as_ref(),
        )?;
        let idx = self
            .load(&url, namespace.as_deref(), req.current_location.as_ref())
            .map_err(|e| e.to_string())?;
        let served = self.served.borrow();
        let doc = &served[idx];
        let name = doc
            .file
            .file_stem()
            .and_then(|s| s.to_str())
            .map(|s| match &doc.inline_name {
                Some(n) => n.clone(),
                None => s.to_string(),
            });
        Ok(Some((
            name,
            url,
            Cursor::new(doc.text.clone().into_bytes()),
        )))
    }
}

/// Parses XML with roxmltree, refusing DTDs, with errors that name the file and line.
pub(crate) fn parse_xml<'a>(
    text: &'a str,
    file: &Path,
    line_offset: u32,
) -> Result<roxmltree::Document<'a>, SchemaError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        let what = match e {
            roxmltree::Error::DtdDetected => {
                "a DTD (<!DOCTYPE>) is not allowed in a schema: DTDs and entity declarations are refused".to_string()
            }
            other => format!("not well-formed XML: {other}"),
        };
        SchemaError::new(
            Some(format!(
                "{}:{}:{}",
                display_path(file),
                pos.row + line_offset,
                pos.col
            )),
            what,
        )
    })
}

/// `schemaLocation`s of a document's imports, includes, redefines and overrides:
/// (location, imported namespace, line).
fn schema_references(doc: &ServedDoc) -> Result<Vec<(String, Option<String>, u32)>, SchemaError> {
    let xml = parse_xml(&doc.text, &doc.file, doc.line_offset)?;
    let root = xml.root_element();
    if root.tag_name().namespace() != Some(XS_NS) || root.tag_name().name() != "schema" {
        return Err(SchemaError::new(
            Some(format!("{}:1", doc.display_name())),
            format!(
                "expected an xs:schema document, found root element {}",
                super::clark(root.tag_name().namespace(), root.tag_name().name())
            ),
        ));
    }
    let mut out = Vec::new();
    for child in root.children().filter(|n| n.is_element()) {
        let kind = child.tag_name().name();
        if child.tag_name().namespace() != Some(XS_NS)
            || !matches!(kind, "import" | "include" | "redefine" | "override")
        {
            continue;
        }
        if let Some(loc) = child.attribute("schemaLocation") {
            let line = xml.text_pos_at(child.range().start).row + doc.line_offset;
            out.push((
                loc.to_string(),
                child.attribute("namespace").map(str::to_string),
                line,
            ));
        }
    }
    Ok(out)
}

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Where the built-in schema for the XML namespace is served.
const BUILTIN_XML_URL: &str = "file:///tandvard-builtin/xml.xsd";

/// The attributes of the XML namespace (`xml:lang`, `xml:space`, `xml:base`, `xml:id`), for
/// schemas that use them without importing a copy of xml.xsd.
const BUILTIN_XML_XSD: &str = r#"<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace" xml:lang="en">
  <xs:attribute name="lang"><xs:simpleType><xs:union memberTypes="xs:language"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction></xs:simpleType></xs:union></xs:simpleType></xs:attribute>
  <xs:attribute name="space"><xs:simpleType><xs:restriction base="xs:NCName"><xs:enumeration value="default"/><xs:enumeration value="preserve"/></xs:restriction></xs:simpleType></xs:attribute>
  <xs:attribute name="base" type="xs:anyURI"/>
  <xs:attribute name="id" type="xs:ID"/>
  <xs:attributeGroup name="specialAttrs"><xs:attribute ref="xml:base"/><xs:attribute ref="xml:lang"/><xs:attribute ref="xml:space"/><xs:attribute ref="xml:id"/></xs:attributeGroup>
</xs:schema>
"#;

fn is_remote(location: &str) -> bool {
    location.starts_with("http://") || location.starts_with("https://")
}

fn is_xs(node: &roxmltree::Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().namespace() == Some(XS_NS)
        && node.tag_name().name() == name
}

fn target_namespace(text: &str) -> Option<String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).ok()?;
    doc.root_element()
        .attribute("targetNamespace")
        .map(str::to_string)
}

fn read_limited(path: &Path) -> Result<String, SchemaError> {
    let loc = Some(display_path(path));
    let meta = std::fs::metadata(path)
        .map_err(|e| SchemaError::new(loc.clone(), format!("cannot read schema: {e}")))?;
    if meta.len() > MAX_SCHEMA_BYTES {
        return Err(SchemaError::new(
            loc,
            format!(
                "schema is {} bytes; the limit is {MAX_SCHEMA_BYTES} bytes",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| SchemaError::new(loc.clone(), format!("cannot read schema: {e}")))?;
    crate::input::decode_contract(bytes).map_err(|e| {
        let line = e.valid.matches('\n').count() + 1;
        SchemaError::new(
            Some(format!("{}:{line}", display_path(path))),
            format!("schema cannot be decoded: {}", e.message),
        )
    })
}

fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    if path.is_absolute() {
        Ok(normalize(path))
    } else {
        Ok(normalize(&std::env::current_dir()?.join(path)))
    }
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn file_url(path: &Path) -> Result<Url, SchemaError> {
    Url::from_file_path(path).map_err(|()| {
        SchemaError::new(
            Some(display_path(path)),
            "cannot make a file URL of this path",
        )
    })
}

fn xml_escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}
