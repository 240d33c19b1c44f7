//! Builds the [`Contract`] from the WSDL model and xsd-parser's interpreted types.
//!
//! Only what the operations reach is taken over: the elements of every body, header and fault
//! part, and the types those elements reach, transitively. Stand-alone XSD input (no WSDL)
//! takes every global element of the given files as a root.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};

use xsd_parser::TypeIdent;
use xsd_parser::models::IdentType;
use xsd_parser::models::meta::{
    AttributeMetaVariant, Base, ComplexMeta, Constrains, ElementMeta, ElementMetaVariant,
    ElementMode, GroupMeta, MetaType, MetaTypeVariant, SimpleMeta, WhiteSpace,
};
use xsd_parser::models::schema::MaxOccurs;
use xsd_parser::models::schema::xs::{
    BasicNamespaceListItemType, NamespaceListType, ProcessContentsType, Use,
};

use super::*;
use crate::schema::{Decl, DeclKind, LoadedSchemas, SchemaError};
use crate::wsdl;

/// What goes into a contract model.
pub struct ModelInput<'a> {
    /// Resolved operations from the WSDL set (empty for XSD-only input).
    pub operations: &'a [wsdl::ResolvedOperation],
    /// Port type documentation and positions, by port type QName.
    pub port_types: BTreeMap<QName, (Option<String>, Option<wsdl::SourcePos>)>,
    /// The loaded schemas.
    pub schemas: &'a LoadedSchemas,
    /// Root XSD files (XSD-only input): their global elements are roots.
    pub xsd_roots: &'a [PathBuf],
    /// Source paths in the model are made relative to this directory.
    pub base_dir: &'a Path,
}

/// Builds the contract model.
pub fn build_contract(input: &ModelInput<'_>) -> Result<Contract, SchemaError> {
    let mut b = ContractBuilder::new(input.schemas, input.base_dir);
    let interfaces = b.interfaces(input)?;
    if input.operations.is_empty() {
        b.xsd_roots(input.xsd_roots)?;
    }
    b.add_derived_types()?;
    let namespaces = b.namespaces();
    let schema_versions = b.schema_versions();
    Ok(Contract {
        format: SNAPSHOT_FORMAT,
        namespaces,
        interfaces,
        elements: b.elements,
        types: b.types,
        schema_versions,
    })
}

type Key = (IdentType, Option<String>, String);

struct ContractBuilder<'a> {
    loaded: &'a LoadedSchemas,
    base_dir: &'a Path,
    lookup: BTreeMap<Key, TypeIdent>,
    elements: BTreeMap<String, Element>,
    types: BTreeMap<String, TypeDef>,
    in_progress: BTreeSet<String>,
    used_namespaces: BTreeSet<String>,
    /// Target namespace of the type being converted (for `##other` wildcards).
    current_ns: Option<String>,
    /// Substitution group heads to their direct members.
    substitutions: BTreeMap<QName, Vec<QName>>,
}

impl<'a> ContractBuilder<'a> {
    fn new(loaded: &'a LoadedSchemas, base_dir: &'a Path) -> Self {
        let mut lookup = BTreeMap::new();
        for ident in loaded.types.items.keys() {
            let ns = loaded.namespace_uri(ident);
            lookup
                .entry((ident.type_, ns, ident.name.as_str().to_string()))
                .or_insert_with(|| ident.clone());
        }
        Self {
            loaded,
            base_dir,
            lookup,
            elements: BTreeMap::new(),
            types: BTreeMap::new(),
            in_progress: BTreeSet::new(),
            used_namespaces: BTreeSet::new(),
            current_ns: None,
            substitutions: {
                let mut m: BTreeMap<QName, Vec<QName>> = BTreeMap::new();
                for ((ns, local), heads) in loaded.index.substitutions() {
                    for (hns, hlocal) in heads {
                        m.entry(QName::new(hns.as_deref(), &hlocal))
                            .or_default()
                            .push(QName::new(ns.as_deref(), &local));
                    }
                }
                m
            },
        }
    }

    fn qname(&self, ident: &TypeIdent) -> QName {
        QName {
            ns: self.loaded.namespace_uri(ident),
            local: ident.name.as_str().to_string(),
        }
    }

    fn prop_qname(&self, ns: xsd_parser::models::schema::NamespaceId, local: &str) -> QName {
        let ns = self
            .loaded
            .schemas
            .get_namespace_info(&ns)
            .and_then(|i| i.namespace.as_ref())
            .map(|n| n.to_string());
        QName {
            ns,
            local: local.to_string(),
        }
    }

    fn source_of(&self, decl: Option<&Decl>) -> Option<Source> {
        decl.map(|d| Source {
            file: relative(&d.file, self.base_dir),
            line: d.line,
        })
    }

    fn wsdl_source(&self, pos: &wsdl::SourcePos) -> Source {
        Source {
            file: relative(&pos.file, self.base_dir),
            line: pos.line,
        }
    }

    // ---- interfaces ----------------------------------------------------------------------

    fn interfaces(&mut self, input: &ModelInput<'_>) -> Result<Vec<Interface>, SchemaError> {
        let mut by_port: BTreeMap<(QName, Option<QName>), Interface> = BTreeMap::new();
        for op in input.operations {
            let port_type = op.port_type.clone();
            let binding = op.binding.clone();
            let (doc, pos) = input
                .port_types
                .get(&port_type)
                .cloned()
                .unwrap_or((None, None));
            let key = (port_type.clone(), binding.clone());
            let source = pos.as_ref().map(|p| self.wsdl_source(p));
            let iface = by_port.entry(key).or_insert_with(|| Interface {
                name: port_type.local.clone(),
                port_type: port_type.clone(),
                binding: binding.clone(),
                service: op.service.clone(),
                soap: match op.soap {
                    wsdl::SoapVersion::Soap11 => SoapVersion::Soap11,
                    wsdl::SoapVersion::Soap12 => SoapVersion::Soap12,
                },
                address: op.address.clone(),
                doc,
                source,
                operations: Vec::new(),
            });
            if iface.operations.iter().any(|o| o.name == op.name) {
                continue;
            }
            let operation = Operation {
                name: op.name.clone(),
                soap_action: op.soap_action.clone().filter(|a| !a.is_empty()),
                doc: op.documentation.clone(),
                source: Some(self.wsdl_source(&op.pos)),
                input: op.input.as_ref().map(|m| self.message(m)).transpose()?,
                output: op.output.as_ref().map(|m| self.message(m)).transpose()?,
                faults: op
                    .faults
                    .iter()
                    .map(|f| self.fault(f))
                    .collect::<Result<_, _>>()?,
            };
            iface.operations.push(operation);
        }
        // One interface per port type: when several bindings bind the same port type (SOAP
        // 1.1 and 1.2), keep the first binding in name order.
        let mut out: Vec<Interface> = Vec::new();
        for ((_, _), iface) in by_port {
            if out.iter().any(|i| i.port_type == iface.port_type) {
                continue;
            }
            out.push(iface);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.port_type.cmp(&b.port_type)));
        Ok(out)
    }

    fn message(&mut self, m: &wsdl::ResolvedMessage) -> Result<MessageShape, SchemaError> {
        let body = m
            .body_parts
            .iter()
            .map(|p| self.part(p))
            .collect::<Result<_, _>>()?;
        let headers = m
            .headers
            .iter()
            .map(|h| self.part(&h.part))
            .collect::<Result<_, _>>()?;
        Ok(MessageShape {
            message: m.message.clone(),
            body,
            headers,
        })
    }

    fn fault(&mut self, f: &wsdl::ResolvedFault) -> Result<FaultShape, SchemaError> {
        let element = match &f.part {
            Some(p) => match &p.content {
                wsdl::PartContent::Element(q) => {
                    let q = q.clone();
                    self.global_element(&q, Some(&p.pos))?;
                    Some(q)
                }
                wsdl::PartContent::Type(_) => None,
            },
            None => None,
        };
        Ok(FaultShape {
            name: f.name.clone(),
            message: f.message.clone(),
            element,
        })
    }

    fn part(&mut self, p: &wsdl::Part) -> Result<PartShape, SchemaError> {
        match &p.content {
            wsdl::PartContent::Element(q) => {
                let q = q.clone();
                self.global_element(&q, Some(&p.pos))?;
                Ok(PartShape {
                    name: p.name.clone(),
                    element: Some(q),
                    type_: None,
                })
            }
            wsdl::PartContent::Type(q) => {
                let q = q.clone();
                let ty = self.type_by_qname(&q, Some(&p.pos))?;
                Ok(PartShape {
                    name: p.name.clone(),
                    element: None,
                    type_: Some(ty),
                })
            }
        }
    }

    fn xsd_roots(&mut self, roots: &[PathBuf]) -> Result<(), SchemaError> {
        let root_files: BTreeSet<PathBuf> = roots
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        let mut names = Vec::new();
        for doc in &self.loaded.documents {
            let file = std::fs::canonicalize(&doc.file).unwrap_or_else(|_| doc.file.clone());
            if !root_files.contains(&file) {
                continue;
            }
            let Ok(xml) = roxmltree::Document::parse(&doc.text) else {
                continue;
            };
            let root = xml.root_element();
            let tns = root.attribute("targetNamespace");
            for el in root.children().filter(|n| {
                n.is_element()
                    && n.tag_name().namespace() == Some(crate::schema::XS_NS)
                    && n.tag_name().name() == "element"
            }) {
                if let Some(name) = el.attribute("name") {
                    names.push(QName::new(tns, name));
                }
            }
        }
        for q in names {
            self.global_element(&q, None)?;
        }
        Ok(())
    }

    // ---- elements and types --------------------------------------------------------------

    fn find(&self, kind: IdentType, q: &QName) -> Option<TypeIdent> {
        self.lookup
            .get(&(kind, q.ns.clone(), q.local.clone()))
            .cloned()
    }

    fn global_element(
        &mut self,
        q: &QName,
        referenced_at: Option<&wsdl::SourcePos>,
    ) -> Result<(), SchemaError> {
        let key = q.to_string();
        if self.elements.contains_key(&key) || self.in_progress.contains(&format!("e:{key}")) {
            return Ok(());
        }
        let Some(ident) = self.find(IdentType::Element, q) else {
            return Err(SchemaError::new(
                referenced_at
                    .map(|p| format!("{}:{}", crate::schema::display_path(&p.file), p.line)),
                format!("the message part refers to element {q}, which no loaded schema declares"),
            ));
        };
        if let Some(ns) = &q.ns {
            self.used_namespaces.insert(ns.clone());
        }
        self.in_progress.insert(format!("e:{key}"));
        let decl = self
            .loaded
            .index
            .get(DeclKind::Element, q.ns.as_deref(), &q.local)
            .cloned();
        let meta = self.meta(&ident)?.clone();
        let (type_ident, nillable) = self.element_type(&ident)?;
        let type_ = match type_ident {
            Some(t) => self.type_use(&t, decl.as_ref())?,
            None => TypeUse::Builtin(Builtin::AnyType),
        };
        let attr = |name: &str| decl.as_ref().and_then(|d| d.attrs.get(name).cloned());
        let element = Element {
            name: q.clone(),
            type_,
            nillable: nillable || attr("nillable").as_deref() == Some("true"),
            is_abstract: attr("abstract").as_deref() == Some("true"),
            default: attr("default"),
            fixed: attr("fixed"),
            doc: doc_text(&meta.documentation),
            source: self.source_of(decl.as_ref()),
        };
        self.in_progress.remove(&format!("e:{key}"));
        self.elements.insert(key, element);
        Ok(())
    }

    /// The type of a global element, following xsd-parser's wrappers: nillable content,
    /// substitution-group members (`DynamicElement`) and heads (`Dynamic`). `None` means
    /// `xs:anyType`. Also returns whether a wrapper said the element is nillable.
    fn element_type(&self, ident: &TypeIdent) -> Result<(Option<TypeIdent>, bool), SchemaError> {
        let wrapper = |t: &TypeIdent| {
            matches!(
                t.type_,
                IdentType::Element | IdentType::NillableContent | IdentType::DynamicElement
            )
        };
        let mut cur = ident.clone();
        let mut nillable = false;
        for _ in 0..16 {
            let meta = self.meta(&cur)?;
            let next = match &meta.variant {
                MetaTypeVariant::Reference(r) => {
                    nillable |= r.nillable;
                    r.type_.clone()
                }
                MetaTypeVariant::Dynamic(d) => match &d.type_ {
                    Some(t) => t.clone(),
                    None => return Ok((None, nillable)),
                },
                _ => return Ok((Some(cur), nillable)),
            };
            if !wrapper(&next) || next == cur {
                return Ok((Some(next), nillable));
            }
            cur = next;
        }
        Ok((Some(cur), nillable))
    }

    /// Members of the substitution group headed by `head`, transitively, in name order
    /// (the head itself excluded).
    fn substitution_members(&self, head: &QName) -> Vec<QName> {
        let mut out: Vec<QName> = Vec::new();
        let mut stack = vec![head.clone()];
        while let Some(h) = stack.pop() {
            for m in self.substitutions.get(&h).into_iter().flatten() {
                if m != head && !out.contains(m) {
                    out.push(m.clone());
                    stack.push(m.clone());
                }
            }
        }
        out.sort();
        out
    }

    /// Adds every named complex type derived (by extension or restriction) from a type in
    /// the model, transitively: an instance may use any of them through `xsi:type`.
    fn add_derived_types(&mut self) -> Result<(), SchemaError> {
        let mut derived_of: BTreeMap<String, Vec<TypeIdent>> = BTreeMap::new();
        for (ident, meta) in self.loaded.types.items.iter() {
            if ident.type_ != IdentType::Type || !ident.name.is_named() {
                continue;
            }
            if let MetaTypeVariant::ComplexType(c) = &meta.variant {
                if let Base::Extension(b) | Base::Restriction(b) = &c.base {
                    derived_of
                        .entry(self.qname(b).to_string())
                        .or_default()
                        .push(ident.clone());
                }
            }
        }
        let mut done: BTreeSet<String> = BTreeSet::new();
        loop {
            let todo: Vec<String> = self
                .types
                .keys()
                .filter(|k| !done.contains(*k))
                .cloned()
                .collect();
            if todo.is_empty() {
                return Ok(());
            }
            for key in todo {
                done.insert(key.clone());
                for child in derived_of.get(&key).cloned().unwrap_or_default() {
                    self.type_use(&child, None)?;
                }
            }
        }
    }

    fn meta(&self, ident: &TypeIdent) -> Result<&'a MetaType, SchemaError> {
        self.loaded.types.items.get(ident).ok_or_else(|| {
            let q = self.qname(ident);
            SchemaError::new(
                self.loaded.index.find_reference(q.ns.as_deref(), &q.local),
                format!("reference to {q}, which no loaded schema defines"),
            )
        })
    }

    fn type_by_qname(
        &mut self,
        q: &QName,
        at: Option<&wsdl::SourcePos>,
    ) -> Result<TypeUse, SchemaError> {
        if q.ns.as_deref() == Some(crate::schema::XS_NS) {
            if let Some(b) = Builtin::from_xs_name(&q.local) {
                return Ok(TypeUse::Builtin(b));
            }
        }
        let Some(ident) = self.find(IdentType::Type, q) else {
            return Err(SchemaError::new(
                at.map(|p| format!("{}:{}", crate::schema::display_path(&p.file), p.line)),
                format!("the message part refers to type {q}, which no loaded schema defines"),
            ));
        };
        self.type_use(&ident, None)
    }

    /// How a type ident is used: built-in, named (registered in `types`) or inline.
    fn type_use(&mut self, ident: &TypeIdent, ctx: Option<&Decl>) -> Result<TypeUse, SchemaError> {
        let saved = self.current_ns.clone();
        if ident.type_ != IdentType::BuildIn {
            if let Some(ns) = self.loaded.namespace_uri(ident) {
                if ns != crate::schema::XS_NS {
                    self.current_ns = Some(ns);
                }
            }
        }
        let result = self.type_use_inner(ident, ctx);
        self.current_ns = saved;
        result
    }

    fn type_use_inner(
        &mut self,
        ident: &TypeIdent,
        ctx: Option<&Decl>,
    ) -> Result<TypeUse, SchemaError> {
        let meta = self.meta(ident)?;
        if let Some(b) = builtin_of(meta) {
            return Ok(TypeUse::Builtin(b));
        }
        if ident.type_ == IdentType::Type && ident.name.is_named() {
            let q = self.qname(ident);
            if q.ns.as_deref() == Some(crate::schema::XS_NS) && q.local == "anyType" {
                return Ok(TypeUse::Builtin(Builtin::AnyType));
            }
            let key = q.to_string();
            if !self.types.contains_key(&key) && !self.in_progress.contains(&key) {
                self.in_progress.insert(key.clone());
                let decl = self
                    .loaded
                    .index
                    .get(DeclKind::ComplexType, q.ns.as_deref(), &q.local)
                    .or_else(|| {
                        self.loaded
                            .index
                            .get(DeclKind::SimpleType, q.ns.as_deref(), &q.local)
                    })
                    .cloned();
                let def = self.type_def(Some(q.clone()), meta, decl.as_ref())?;
                if let Some(ns) = &q.ns {
                    self.used_namespaces.insert(ns.clone());
                }
                self.in_progress.remove(&key);
                self.types.insert(key, def);
            }
            return Ok(TypeUse::Named(q));
        }
        if matches!(
            ident.type_,
            IdentType::Element | IdentType::NillableContent | IdentType::DynamicElement
        ) {
            // A local element with an anonymous type is routed through a synthetic element;
            // nillable content and substitution-group members through wrappers.
            match &meta.variant {
                MetaTypeVariant::Reference(r) => {
                    let target = r.type_.clone();
                    return self.type_use(&target, ctx);
                }
                MetaTypeVariant::Dynamic(d) => {
                    return match d.type_.clone() {
                        Some(t) => self.type_use(&t, ctx),
                        None => Ok(TypeUse::Builtin(Builtin::AnyType)),
                    };
                }
                _ => {}
            }
        }
        let def = self.type_def(None, meta, ctx)?;
        Ok(TypeUse::Inline(Box::new(def)))
    }

    fn type_def(
        &mut self,
        name: Option<QName>,
        meta: &'a MetaType,
        decl: Option<&Decl>,
    ) -> Result<TypeDef, SchemaError> {
        let kind = match &meta.variant {
            MetaTypeVariant::ComplexType(c) => TypeKind::Complex(self.complex(c, decl)?),
            MetaTypeVariant::SimpleType(s) => TypeKind::Simple(self.simple(s, decl)?),
            MetaTypeVariant::Enumeration(e) => {
                let base_ident = match &e.base {
                    Base::Restriction(b) | Base::Extension(b) => Some(b.clone()),
                    Base::None => None,
                };
                let (atomic, base) = match &base_ident {
                    Some(b) => (self.atomic_of(b)?, self.named_base(b)?),
                    None => (Builtin::String, None),
                };
                TypeKind::Simple(SimpleType {
                    variety: SimpleVariety::Atomic(atomic),
                    base,
                    facets: facets(&e.constrains),
                    enumeration: e
                        .variants
                        .0
                        .iter()
                        .filter(|v| v.use_ != Use::Prohibited)
                        .map(|v| EnumValue {
                            value: v.ident.name.as_str().to_string(),
                            doc: doc_text(&v.documentation),
                        })
                        .collect(),
                })
            }
            MetaTypeVariant::Union(u) => {
                let mut members = Vec::new();
                for m in &u.types.0 {
                    members.push(self.type_use(&m.type_, decl)?);
                }
                TypeKind::Simple(SimpleType {
                    variety: SimpleVariety::Union(members),
                    base: None,
                    facets: facets(&u.constrains),
                    enumeration: Vec::new(),
                })
            }
            MetaTypeVariant::Reference(r) => {
                let target = self.type_use(&r.type_, decl)?;
                let is_list = matches!(r.max_occurs, MaxOccurs::Unbounded)
                    || r.max_occurs != MaxOccurs::Bounded(1);
                if is_list {
                    TypeKind::Simple(SimpleType {
                        variety: SimpleVariety::List(Box::new(target)),
                        base: None,
                        facets: Facets::default(),
                        enumeration: Vec::new(),
                    })
                } else {
                    alias_of(target, self)
                }
            }
            MetaTypeVariant::Sequence(g) | MetaTypeVariant::Choice(g) | MetaTypeVariant::All(g) => {
                let kind = group_kind(&meta.variant);
                let group = self.group(kind, g, 1, Some(1), decl)?;
                TypeKind::Complex(ComplexType {
                    base: None,
                    is_abstract: false,
                    mixed: g.is_mixed,
                    attributes: Vec::new(),
                    any_attribute: None,
                    content: Content::Elements(group),
                })
            }
            MetaTypeVariant::Custom(_) | MetaTypeVariant::BuildIn(_) => {
                TypeKind::Simple(SimpleType {
                    variety: SimpleVariety::Atomic(builtin_of(meta).unwrap_or(Builtin::String)),
                    base: None,
                    facets: Facets::default(),
                    enumeration: Vec::new(),
                })
            }
            MetaTypeVariant::Dynamic(_) => {
                // Substitution groups and abstract types: kept as open content for now.
                TypeKind::Complex(ComplexType {
                    base: None,
                    is_abstract: true,
                    mixed: false,
                    attributes: Vec::new(),
                    any_attribute: None,
                    content: Content::Elements(Group {
                        kind: GroupKind::Sequence,
                        min_occurs: 1,
                        max_occurs: Some(1),
                        particles: vec![Particle::Any(Wildcard {
                            namespace: NamespaceConstraint::Any,
                            process_contents: ProcessContents::Lax,
                            min_occurs: 1,
                            max_occurs: Some(1),
                        })],
                    }),
                })
            }
        };
        Ok(TypeDef {
            name,
            doc: doc_text(&meta.documentation),
            source: self.source_of(decl),
            kind,
        })
    }

    fn named_base(&mut self, ident: &TypeIdent) -> Result<Option<QName>, SchemaError> {
        match self.type_use(ident, None)? {
            TypeUse::Named(q) => Ok(Some(q)),
            _ => Ok(None),
        }
    }

    /// The built-in primitive at the bottom of a simple type's derivation chain.
    fn atomic_of(&self, ident: &TypeIdent) -> Result<Builtin, SchemaError> {
        let mut current = ident.clone();
        for _ in 0..64 {
            let meta = self.meta(&current)?;
            if let Some(b) = builtin_of(meta) {
                return Ok(b);
            }
            current = match &meta.variant {
                MetaTypeVariant::SimpleType(s) => s.base.clone(),
                MetaTypeVariant::Enumeration(e) => match &e.base {
                    Base::Restriction(b) | Base::Extension(b) => b.clone(),
                    Base::None => return Ok(Builtin::String),
                },
                MetaTypeVariant::Reference(r) => r.type_.clone(),
                MetaTypeVariant::ComplexType(c) => match &c.content {
                    Some(content) => content.clone(),
                    None => return Ok(Builtin::String),
                },
                _ => return Ok(Builtin::String),
            };
        }
        Ok(Builtin::String)
    }

    fn simple(&mut self, s: &SimpleMeta, decl: Option<&Decl>) -> Result<SimpleType, SchemaError> {
        let base_use = self.type_use(&s.base, decl)?;
        if s.is_list {
            return Ok(SimpleType {
                variety: SimpleVariety::List(Box::new(base_use)),
                base: None,
                facets: facets(&s.constrains),
                enumeration: Vec::new(),
            });
        }
        let atomic = self.atomic_of(&s.base)?;
        let base = match base_use {
            TypeUse::Named(q) => Some(q),
            _ => None,
        };
        Ok(SimpleType {
            variety: SimpleVariety::Atomic(atomic),
            base,
            facets: facets(&s.constrains),
            enumeration: Vec::new(),
        })
    }

    fn complex(
        &mut self,
        c: &ComplexMeta,
        decl: Option<&Decl>,
    ) -> Result<ComplexType, SchemaError> {
        let base = match &c.base {
            Base::Extension(b) => self.named_base(b)?.map(|q| Derivation {
                method: DerivationMethod::Extension,
                base: q,
            }),
            Base::Restriction(b) => self.named_base(b)?.map(|q| Derivation {
                method: DerivationMethod::Restriction,
                base: q,
            }),
            Base::None => None,
        };
        let mut attributes = Vec::new();
        let mut any_attribute = None;
        for a in c.attributes.iter() {
            match &a.variant {
                AttributeMetaVariant::Any(any) => {
                    let namespace =
                        namespace_constraint(any.namespace.as_ref(), self.current_ns.clone());
                    // A derived type's wildcard is the union of its own and its base's.
                    let namespace = match any_attribute.take() {
                        None => namespace,
                        Some(Wildcard {
                            namespace: prev, ..
                        }) => wildcard_union(prev, namespace),
                    };
                    any_attribute = Some(Wildcard {
                        namespace,
                        process_contents: process_contents(&any.process_contents),
                        min_occurs: 0,
                        max_occurs: None,
                    });
                }
                AttributeMetaVariant::Type(t) => {
                    if a.use_ == Use::Prohibited {
                        continue;
                    }
                    let name = self.prop_qname(a.ident.ns, a.ident.name.as_str());
                    // A reference to a global attribute is always qualified (xsd-parser
                    // applies attributeFormDefault to references too).
                    let is_ref = t.type_ == IdentType::Attribute;
                    let local = decl.and_then(|d| d.locals.get(&(true, name.local.clone())));
                    let (declared_form, group_ns) = match local {
                        Some(d) => (d.qualified, None),
                        None => match self.loaded.index.group_local_form(true, &name.local) {
                            Some((q, ns)) => (Some(q), ns),
                            None => (None, None),
                        },
                    };
                    let qualified = is_ref
                        || declared_form.unwrap_or(
                            a.form == xsd_parser::models::schema::xs::FormChoiceType::Qualified,
                        );
                    let name = if is_ref {
                        name
                    } else if qualified {
                        match group_ns {
                            Some(ns) => QName::new(Some(&ns), &name.local),
                            None => name,
                        }
                    } else {
                        QName::new(None, &name.local)
                    };
                    let type_ = self.type_use(t, decl)?;
                    // A restriction redeclares its base's attributes: xsd-parser lists both;
                    // the redeclaration replaces the base's in place.
                    if let Some(ns) = name.ns.as_ref().filter(|ns| *ns != XML_NS) {
                        self.used_namespaces.insert(ns.clone());
                    }
                    let existing = attributes.iter().position(|x: &Attribute| {
                        x.name.local == name.local && x.name.ns == name.ns
                    });
                    let attribute = Attribute {
                        required: a.use_ == Use::Required,
                        default: a.default.clone(),
                        fixed: local.and_then(|d| d.attrs.get("fixed").cloned()),
                        doc: doc_text(&a.documentation),
                        source: self.source_of(local.or(decl)),
                        name,
                        type_,
                    };
                    match existing {
                        Some(i) => attributes[i] = attribute,
                        None => attributes.push(attribute),
                    }
                }
            }
        }
        let content = match &c.content {
            None => Content::Empty,
            Some(content_ident) => {
                let meta = self.meta(content_ident)?;
                match &meta.variant {
                    MetaTypeVariant::Sequence(g)
                    | MetaTypeVariant::Choice(g)
                    | MetaTypeVariant::All(g) => {
                        let kind = group_kind(&meta.variant);
                        let group =
                            self.group(kind, g, c.min_occurs as u64, max(c.max_occurs), decl)?;
                        if group.particles.is_empty() {
                            Content::Empty
                        } else {
                            Content::Elements(group)
                        }
                    }
                    _ => Content::Simple(self.type_use(content_ident, decl)?),
                }
            }
        };
        Ok(ComplexType {
            base,
            is_abstract: decl
                .and_then(|d| d.attrs.get("abstract"))
                .is_some_and(|v| v == "true"),
            mixed: c.is_mixed,
            attributes,
            any_attribute,
            content,
        })
    }

    fn group(
        &mut self,
        kind: GroupKind,
        g: &GroupMeta,
        min_occurs: u64,
        max_occurs: Option<u64>,
        decl: Option<&Decl>,
    ) -> Result<Group, SchemaError> {
        let mut particles = Vec::new();
        for el in g.elements.iter() {
            if let Some(p) = self.particle(el, decl)? {
                particles.push(p);
            }
        }
        Ok(Group {
            kind,
            min_occurs,
            max_occurs,
            particles,
        })
    }

    fn particle(
        &mut self,
        el: &ElementMeta,
        decl: Option<&Decl>,
    ) -> Result<Option<Particle>, SchemaError> {
        let min_occurs = el.min_occurs as u64;
        let max_occurs = max(el.max_occurs);
        match &el.variant {
            ElementMetaVariant::Text => Ok(None),
            ElementMetaVariant::Any { meta } => {
                let tns = self.current_ns.clone();
                Ok(Some(Particle::Any(Wildcard {
                    namespace: namespace_constraint(meta.namespace.as_ref(), tns),
                    process_contents: process_contents(&meta.process_contents),
                    min_occurs,
                    max_occurs,
                })))
            }
            ElementMetaVariant::Type {
                type_,
                mode: ElementMode::Group,
            } => {
                let meta = self.meta(type_)?;
                match &meta.variant {
                    MetaTypeVariant::Sequence(g)
                    | MetaTypeVariant::Choice(g)
                    | MetaTypeVariant::All(g) => {
                        let kind = group_kind(&meta.variant);
                        let group = self.group(kind, g, min_occurs, max_occurs, decl)?;
                        Ok(Some(Particle::Group(group)))
                    }
                    _ => Ok(None),
                }
            }
            ElementMetaVariant::Type {
                type_,
                mode: ElementMode::Element,
            } => {
                let full = self.prop_qname(el.ident.ns, el.ident.name.as_str());
                let local = decl
                    .and_then(|d| d.locals.get(&(false, full.local.clone())))
                    .cloned();
                let declared_as_ref = local.as_ref().map(|d| d.attrs.contains_key("ref"));
                let is_ref = declared_as_ref != Some(false)
                    && type_.type_ == IdentType::Element
                    && type_.name.is_named()
                    && type_.name.as_str() == full.local
                    && self
                        .loaded
                        .index
                        .get(DeclKind::Element, full.ns.as_deref(), &full.local)
                        .is_some();
                // A reference to a global element is always qualified (xsd-parser applies
                // elementFormDefault to references too); a local declaration takes the form
                // default of the document that declares it (xsd-parser takes the referencing
                // document's for declarations in groups and included documents).
                // Declared in a named group of another namespace: xsd-parser gives it the
                // referencing document's namespace.
                let (declared_form, group_ns) = match &local {
                    Some(d) => (d.qualified, None),
                    None => match self.loaded.index.group_local_form(false, &full.local) {
                        Some((q, ns)) => (Some(q), ns),
                        None => (None, None),
                    },
                };
                let qualified = is_ref
                    || declared_form.unwrap_or(
                        el.form == xsd_parser::models::schema::xs::FormChoiceType::Qualified,
                    );
                let name = if is_ref {
                    full
                } else if qualified {
                    match group_ns {
                        Some(ns) => QName::new(Some(&ns), &full.local),
                        None => full,
                    }
                } else {
                    QName::new(None, &full.local)
                };
                let (type_use, nillable, doc) = if is_ref {
                    self.global_element(&name, None)?;
                    let global = self.elements.get(&name.to_string());
                    match global {
                        Some(g) => (g.type_.clone(), g.nillable || el.nillable, g.doc.clone()),
                        None => {
                            // Recursive reference still being built: resolve its type directly.
                            let meta = self.meta(type_)?;
                            let t = match &meta.variant {
                                MetaTypeVariant::Reference(r) => r.type_.clone(),
                                _ => type_.clone(),
                            };
                            (self.type_use(&t, decl)?, el.nillable, None)
                        }
                    }
                } else {
                    let ctx = local.as_ref().or(decl);
                    (self.type_use(type_, ctx)?, el.nillable, None)
                };
                let attr = |n: &str| local.as_ref().and_then(|d| d.attrs.get(n).cloned());
                let members = if is_ref {
                    self.substitution_members(&name)
                } else {
                    Vec::new()
                };
                let use_ = ElementUse {
                    name: name.clone(),
                    type_: type_use,
                    min_occurs,
                    max_occurs,
                    nillable,
                    default: attr("default"),
                    fixed: attr("fixed"),
                    is_ref,
                    doc: doc_text(&el.documentation).or(doc),
                    source: self.source_of(local.as_ref().or(decl)),
                };
                if members.is_empty() {
                    return Ok(Some(Particle::Element(use_)));
                }
                self.substitution_choice(use_, members).map(Some)
            }
        }
    }

    /// A reference to a substitution group head: a choice of the head (unless abstract) and
    /// every member that is not abstract, occurring as the reference does.
    fn substitution_choice(
        &mut self,
        use_: ElementUse,
        members: Vec<QName>,
    ) -> Result<Particle, SchemaError> {
        let (name, min_occurs, max_occurs) = (use_.name.clone(), use_.min_occurs, use_.max_occurs);
        // A substitution group head: a choice of the head (unless abstract) and every
        // member that is not abstract, each a reference to its global element.
        let mut alternatives = Vec::new();
        let head_abstract = self
            .elements
            .get(&name.to_string())
            .is_some_and(|e| e.is_abstract);
        if !head_abstract {
            alternatives.push(Particle::Element(ElementUse {
                min_occurs: 1,
                max_occurs: Some(1),
                ..use_.clone()
            }));
        }
        for m in members {
            self.global_element(&m, None)?;
            let Some(g) = self.elements.get(&m.to_string()).cloned() else {
                continue;
            };
            if g.is_abstract {
                continue;
            }
            alternatives.push(Particle::Element(ElementUse {
                name: m,
                type_: g.type_,
                min_occurs: 1,
                max_occurs: Some(1),
                nillable: g.nillable,
                default: g.default,
                fixed: g.fixed,
                is_ref: true,
                doc: g.doc,
                source: g.source,
            }));
        }
        Ok(Particle::Group(Group {
            kind: GroupKind::Choice,
            min_occurs,
            max_occurs,
            particles: alternatives,
        }))
    }

    fn namespaces(&self) -> Vec<Namespace> {
        let known = crate::schema::namespaces_of(self.loaded);
        let mut used: BTreeSet<&str> = self.used_namespaces.iter().map(String::as_str).collect();
        // Every namespace of an element name in the model is written by generated code.
        for e in self.elements.values() {
            if let Some(ns) = &e.name.ns {
                used.insert(ns);
            }
        }
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::new();
        used.remove(XML_NS);
        for uri in used {
            let wanted = known
                .get(uri)
                .cloned()
                .flatten()
                .filter(|p| is_ncname(p) && !p.to_ascii_lowercase().starts_with("xml"))
                .unwrap_or_else(|| "ns".to_string());
            let mut prefix = wanted.clone();
            let mut n = 1;
            while taken.contains(&prefix) {
                n += 1;
                prefix = format!("{wanted}{n}");
            }
            taken.insert(prefix.clone());
            out.push(Namespace {
                uri: uri.to_string(),
                prefix,
            });
        }
        out
    }

    fn schema_versions(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for doc in &self.loaded.documents {
            let Ok(xml) = roxmltree::Document::parse(&doc.text) else {
                continue;
            };
            let root = xml.root_element();
            if let (Some(ns), Some(v)) =
                (root.attribute("targetNamespace"), root.attribute("version"))
            {
                if self.used_namespaces.contains(ns) {
                    out.insert(ns.to_string(), v.to_string());
                }
            }
        }
        out
    }
}

/// The XML namespace: its prefix `xml` is predeclared and never written.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

fn alias_of(target: TypeUse, b: &mut ContractBuilder<'_>) -> TypeKind {
    match target {
        TypeUse::Builtin(builtin) => TypeKind::Simple(SimpleType {
            variety: SimpleVariety::Atomic(builtin),
            base: None,
            facets: Facets::default(),
            enumeration: Vec::new(),
        }),
        TypeUse::Named(q) => match b.types.get(&q.to_string()).map(|t| t.kind.clone()) {
            Some(TypeKind::Simple(s)) => TypeKind::Simple(SimpleType {
                variety: s.variety,
                base: Some(q),
                facets: Facets::default(),
                enumeration: Vec::new(),
            }),
            Some(TypeKind::Complex(_)) | None => TypeKind::Complex(ComplexType {
                base: Some(Derivation {
                    method: DerivationMethod::Restriction,
                    base: q,
                }),
                is_abstract: false,
                mixed: false,
                attributes: Vec::new(),
                any_attribute: None,
                content: Content::Empty,
            }),
        },
        TypeUse::Inline(def) => def.kind,
    }
}

fn builtin_of(meta: &MetaType) -> Option<Builtin> {
    match &meta.variant {
        MetaTypeVariant::Custom(c) => c.name().strip_prefix("xs:").and_then(Builtin::from_xs_name),
        MetaTypeVariant::BuildIn(b) => {
            use xsd_parser::models::meta::BuildInMeta as M;
            Some(match b {
                M::Bool => Builtin::Boolean,
                M::Str | M::String => Builtin::String,
                M::F32 => Builtin::Float,
                M::F64 => Builtin::Double,
                M::I8 => Builtin::Byte,
                M::I16 => Builtin::Short,
                M::I32 => Builtin::Int,
                M::I64 | M::I128 | M::Isize => Builtin::Long,
                M::U8 => Builtin::UnsignedByte,
                M::U16 => Builtin::UnsignedShort,
                M::U32 => Builtin::UnsignedInt,
                M::U64 | M::U128 | M::Usize => Builtin::UnsignedLong,
            })
        }
        _ => None,
    }
}

fn group_kind(v: &MetaTypeVariant) -> GroupKind {
    match v {
        MetaTypeVariant::Choice(_) => GroupKind::Choice,
        MetaTypeVariant::All(_) => GroupKind::All,
        _ => GroupKind::Sequence,
    }
}

fn max(m: MaxOccurs) -> Option<u64> {
    match m {
        MaxOccurs::Unbounded => None,
        MaxOccurs::Bounded(n) => Some(n as u64),
    }
}

fn facets(c: &Constrains) -> Facets {
    let bound = |b: &Bound<String>| match b {
        Bound::Included(v) => (Some(v.clone()), None),
        Bound::Excluded(v) => (None, Some(v.clone())),
        Bound::Unbounded => (None, None),
    };
    let (min_inclusive, min_exclusive) = bound(&c.range.start);
    let (max_inclusive, max_exclusive) = bound(&c.range.end);
    let (length, min_length, max_length) = match (c.min_length, c.max_length) {
        (Some(a), Some(b)) if a == b => (Some(a as u64), None, None),
        (a, b) => (None, a.map(|v| v as u64), b.map(|v| v as u64)),
    };
    Facets {
        length,
        min_length,
        max_length,
        patterns: c.patterns.clone(),
        min_inclusive,
        max_inclusive,
        min_exclusive,
        max_exclusive,
        total_digits: c.total_digits.map(|v| v as u32),
        fraction_digits: c.fraction_digits.map(|v| v as u32),
        white_space: match c.whitespace {
            WhiteSpace::Preserve => None,
            WhiteSpace::Replace => Some("replace".into()),
            WhiteSpace::Collapse => Some("collapse".into()),
        },
    }
}

fn namespace_constraint(
    ns: Option<&NamespaceListType>,
    tns: Option<String>,
) -> NamespaceConstraint {
    match ns {
        None | Some(NamespaceListType::Any) => NamespaceConstraint::Any,
        Some(NamespaceListType::Other) => NamespaceConstraint::Other(tns),
        Some(NamespaceListType::BasicNamespaceList(list)) => NamespaceConstraint::List(
            list.0
                .iter()
                .map(|item| match item {
                    BasicNamespaceListItemType::String(s) => Some(s.clone()),
                    BasicNamespaceListItemType::TargetNamespace => tns.clone(),
                    BasicNamespaceListItemType::Local => None,
                })
                .collect(),
        ),
    }
}

/// The union of two wildcard namespace constraints (XSD 1.0 3.10.6, simplified: unions
/// that are not expressible become `##any`).
fn wildcard_union(a: NamespaceConstraint, b: NamespaceConstraint) -> NamespaceConstraint {
    use NamespaceConstraint as N;
    match (a, b) {
        (N::Any, _) | (_, N::Any) => N::Any,
        (N::List(mut x), N::List(y)) => {
            for u in y {
                if !x.contains(&u) {
                    x.push(u);
                }
            }
            N::List(x)
        }
        (N::Other(t), N::List(l)) | (N::List(l), N::Other(t)) => {
            if l.contains(&None) || l.contains(&t) {
                N::Any
            } else {
                N::Other(t)
            }
        }
        (N::Other(a), N::Other(b)) if a == b => N::Other(a),
        (N::Other(_), N::Other(_)) => N::Any,
    }
}

fn process_contents(p: &ProcessContentsType) -> ProcessContents {
    match p {
        ProcessContentsType::Skip => ProcessContents::Skip,
        ProcessContentsType::Lax => ProcessContents::Lax,
        ProcessContentsType::Strict => ProcessContents::Strict,
    }
}

/// Documentation text: paragraphs trimmed, inner lines unindented, joined by a blank line.
pub fn doc_text(parts: &[String]) -> Option<String> {
    let paras: Vec<String> = parts
        .iter()
        .map(|p| {
            p.lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    if paras.is_empty() {
        None
    } else {
        Some(paras.join("\n\n"))
    }
}

/// `path` relative to `base`, with `/` separators.
pub fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}
