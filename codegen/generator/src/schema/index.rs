//! Source positions of schema declarations. xsd-parser keeps none, so we read the served
//! documents once more with roxmltree and record where every declaration is.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::resolver::{ServedDoc, parse_xml};
use super::{SchemaError, XS_NS, display_path};

/// The kind of a top-level schema component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeclKind {
    /// `xs:element`
    Element,
    /// `xs:complexType`
    ComplexType,
    /// `xs:simpleType`
    SimpleType,
    /// `xs:attribute`
    Attribute,
    /// `xs:group`
    Group,
    /// `xs:attributeGroup`
    AttributeGroup,
}

impl DeclKind {
    fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "element" => Self::Element,
            "complexType" => Self::ComplexType,
            "simpleType" => Self::SimpleType,
            "attribute" => Self::Attribute,
            "group" => Self::Group,
            "attributeGroup" => Self::AttributeGroup,
            _ => return None,
        })
    }
}

/// One declaration with its position and the attributes xsd-parser's model does not keep.
#[derive(Debug, Clone)]
pub struct Decl {
    /// The file it is in (the WSDL for inline schemas).
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// `default`, `fixed`, `abstract`, `substitutionGroup`, `use`, ... as written.
    pub attrs: BTreeMap<String, String>,
    /// Local element and attribute declarations inside this one, by (is_attribute, name);
    /// the first occurrence wins.
    pub locals: BTreeMap<(bool, String), Decl>,
    /// For a global element: the heads of the substitution groups it belongs to
    /// (`substitutionGroup`), resolved to (namespace, local name).
    pub substitution_groups: Vec<(Option<String>, String)>,
    /// For a local element or attribute declaration (not a reference): whether its name is
    /// qualified, from its `form` or the `elementFormDefault` / `attributeFormDefault` of
    /// the document it is declared in.
    pub qualified: Option<bool>,
}

impl Decl {
    /// `file:line` for messages and reports.
    pub fn location(&self) -> String {
        format!("{}:{}", display_path(&self.file), self.line)
    }
}

type DeclKey = (DeclKind, Option<String>, String);

/// A (namespace, local name) pair.
pub type NameKey = (Option<String>, String);

/// Where every declaration of the loaded schemas is.
#[derive(Debug, Default)]
pub struct SourceIndex {
    decls: BTreeMap<DeclKey, Decl>,
    references: BTreeMap<(Option<String>, String), String>,
}

impl SourceIndex {
    /// Indexes the served documents.
    pub fn build(docs: &[ServedDoc]) -> Result<Self, SchemaError> {
        let mut index = Self::default();
        for doc in docs {
            index.add(doc)?;
        }
        Ok(index)
    }

    fn add(&mut self, doc: &ServedDoc) -> Result<(), SchemaError> {
        let xml = parse_xml(&doc.text, &doc.file, doc.line_offset)?;
        let root = xml.root_element();
        let tns = root.attribute("targetNamespace").map(str::to_string);
        let element_default = root.attribute("elementFormDefault") == Some("qualified");
        let attribute_default = root.attribute("attributeFormDefault") == Some("qualified");
        let line_of = |node: &roxmltree::Node<'_, '_>| {
            xml.text_pos_at(node.range().start).row + doc.line_offset
        };
        let mk = |node: &roxmltree::Node<'_, '_>| Decl {
            file: doc.file.clone(),
            line: line_of(node),
            attrs: node
                .attributes()
                .filter(|a| a.namespace().is_none())
                .map(|a| (a.name().to_string(), a.value().to_string()))
                .collect(),
            locals: BTreeMap::new(),
            substitution_groups: node
                .attribute("substitutionGroup")
                .map(|v| {
                    v.split_whitespace()
                        .map(|q| {
                            let (prefix, local) = match q.split_once(':') {
                                Some((p, l)) => (Some(p), l),
                                None => (None, q),
                            };
                            (
                                node.lookup_namespace_uri(prefix).map(str::to_string),
                                local.to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            qualified: None,
        };
        for top in root.children().filter(|n| n.is_element()) {
            if top.tag_name().namespace() != Some(XS_NS) {
                continue;
            }
            // xs:redefine / xs:override wrap top-level components.
            let comps: Vec<roxmltree::Node<'_, '_>> =
                if matches!(top.tag_name().name(), "redefine" | "override") {
                    top.children().filter(|n| n.is_element()).collect()
                } else {
                    vec![top]
                };
            for comp in comps {
                let Some(kind) = DeclKind::from_tag(comp.tag_name().name()) else {
                    continue;
                };
                let Some(name) = comp.attribute("name") else {
                    continue;
                };
                let mut decl = mk(&comp);
                for local in comp.descendants().skip(1) {
                    if !local.is_element() || local.tag_name().namespace() != Some(XS_NS) {
                        continue;
                    }
                    let is_attr = match local.tag_name().name() {
                        "element" => false,
                        "attribute" => true,
                        _ => continue,
                    };
                    let lname = local
                        .attribute("name")
                        .map(str::to_string)
                        .or_else(|| local.attribute("ref").map(|r| local_part(r).to_string()));
                    if let Some(lname) = lname {
                        decl.locals.entry((is_attr, lname)).or_insert_with(|| {
                            let mut d = mk(&local);
                            if local.attribute("ref").is_none() {
                                d.qualified = Some(match local.attribute("form") {
                                    Some(f) => f == "qualified",
                                    None if is_attr => attribute_default,
                                    None => element_default,
                                });
                            }
                            d
                        });
                    }
                }
                self.decls
                    .entry((kind, tns.clone(), name.to_string()))
                    .or_insert(decl);
            }
        }
        for node in root.descendants().filter(|n| n.is_element()) {
            if node.tag_name().namespace() != Some(XS_NS) {
                continue;
            }
            for attr in [
                "type",
                "base",
                "ref",
                "itemType",
                "memberTypes",
                "substitutionGroup",
            ] {
                let Some(value) = node.attribute(attr) else {
                    continue;
                };
                for qname in value.split_whitespace() {
                    let (prefix, local) = match qname.split_once(':') {
                        Some((p, l)) => (Some(p), l),
                        None => (None, qname),
                    };
                    let ns = node.lookup_namespace_uri(prefix).map(str::to_string);
                    self.references
                        .entry((ns, local.to_string()))
                        .or_insert_with(|| {
                            format!("{}:{}", display_path(&doc.file), line_of(&node))
                        });
                }
            }
        }
        Ok(())
    }

    /// A top-level declaration of the given kind.
    pub fn get(&self, kind: DeclKind, ns: Option<&str>, name: &str) -> Option<&Decl> {
        self.decls
            .get(&(kind, ns.map(str::to_string), name.to_string()))
    }

    /// Every top-level element declaration with its heads (`substitutionGroup`), as
    /// ((namespace, local name), heads).
    pub fn substitutions(&self) -> Vec<(NameKey, Vec<NameKey>)> {
        self.decls
            .iter()
            .filter(|((k, _, _), d)| *k == DeclKind::Element && !d.substitution_groups.is_empty())
            .map(|((_, ns, name), d)| ((ns.clone(), name.clone()), d.substitution_groups.clone()))
            .collect()
    }

    /// Every top-level declaration of a kind, as (namespace, name).
    pub fn names(&self, kind: DeclKind) -> Vec<(Option<String>, String)> {
        self.decls
            .keys()
            .filter(|(k, _, _)| *k == kind)
            .map(|(_, ns, name)| (ns.clone(), name.clone()))
            .collect()
    }

    /// The form of a local declaration named `name` inside named model groups and attribute
    /// groups, with the target namespace of the document declaring it (`None` for a
    /// chameleon document), when every such declaration agrees.
    pub fn group_local_form(&self, is_attr: bool, name: &str) -> Option<(bool, Option<String>)> {
        let mut found: Option<(bool, Option<String>)> = None;
        for ((kind, tns, _), d) in &self.decls {
            if !matches!(kind, DeclKind::Group | DeclKind::AttributeGroup) {
                continue;
            }
            if let Some(q) = d
                .locals
                .get(&(is_attr, name.to_string()))
                .and_then(|l| l.qualified)
            {
                let this = (q, tns.clone());
                match &found {
                    None => found = Some(this),
                    Some(f) if *f != this => return None,
                    Some(_) => {}
                }
            }
        }
        found
    }

    /// Any top-level declaration with this name (types first).
    pub fn find_decl(&self, ns: Option<&str>, name: &str) -> Option<&Decl> {
        [
            DeclKind::ComplexType,
            DeclKind::SimpleType,
            DeclKind::Element,
            DeclKind::Group,
            DeclKind::Attribute,
            DeclKind::AttributeGroup,
        ]
        .into_iter()
        .find_map(|k| self.get(k, ns, name))
    }

    /// Where a component is first referenced (`file:line`).
    pub fn find_reference(&self, ns: Option<&str>, name: &str) -> Option<String> {
        self.references
            .get(&(ns.map(str::to_string), name.to_string()))
            .cloned()
    }
}

fn local_part(qname: &str) -> &str {
    qname.rsplit_once(':').map_or(qname, |(_, l)| l)
}
