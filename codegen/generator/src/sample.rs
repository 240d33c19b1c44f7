//! Sample messages from the contract: valid XML instances of any global element, built from
//! the contract model alone.
//!
//! - [`Extent::Minimal`]: required parts only, each value the first that satisfies its facets
//!   (the lower bound of a range, the shortest string a pattern admits).
//! - [`Extent::Full`]: every optional part and every attribute, two items of each repeated
//!   element, and several variants: variant *k* takes branch *k mod n* of each choice with *n*
//!   branches and value *k mod n* of each enumeration, and alternates between the lower and
//!   the upper boundary of each facet (`minLength`/`maxLength`, `minInclusive`/`maxInclusive`,
//!   `totalDigits` with `fractionDigits`, the shortest and the longest pattern match).
//!
//! Values are made from the facets, never looked up in examples: a pattern's value is
//! generated from the regex itself (translated with the runtime's XSD translator, parsed with
//! regex-syntax), and every value is checked against every facet of its type before it is
//! written, so a sample is valid by construction; when no value can be found the error names
//! the element path and the facets. Output is deterministic: the same contract gives the same
//! bytes. Namespaces are declared once on the root element, with the prefixes the generated
//! writers use.
//!
//! The tests check every sample of `contracts/` and of the public corpora fixtures with
//! libxml2 (`xmllint --schema`) and read it back with the generated readers.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::str::FromStr;

use regex_syntax::hir::{Class, Hir, HirKind};
use rust_decimal::Decimal;

use crate::model::{
    Builtin, ComplexType, Content, Contract, Element, ElementUse, Facets, Group, GroupKind,
    Interface, NamespaceConstraint, Operation, Particle, ProcessContents, QName, SimpleType,
    SimpleVariety, TypeDef, TypeKind, TypeUse, Wildcard,
};

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of the extension elements a full sample puts where a wildcard admits them.
pub const EXTENSION_NS: &str = "urn:tandvard-codegen:sample:extension";
/// Beyond this depth optional content is left out (recursive types end there).
const OPTIONAL_DEPTH: usize = 12;
/// Beyond this depth required content is an error (a type that requires itself).
const MAX_DEPTH: usize = 48;
/// At most this many variants of one element.
const MAX_VARIANTS: usize = 16;
/// Past this size a full sample adds no more optional content (UBL's Invoice reaches
/// thousands of optional parts).
const FULL_BUDGET: usize = 256 * 1024;
/// The longest string a sample writes for an unbounded repetition or a `maxLength`.
const MAX_TEXT: usize = 4096;

/// How much of the content model a sample covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// Required parts only.
    Minimal,
    /// Every optional part, both boundaries of each facet, each branch of each choice (over
    /// several variants).
    Full,
}

/// One sample document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Its root element.
    pub element: QName,
    /// 1-based variant number.
    pub variant: usize,
    /// How many variants there are of this element at this extent.
    pub variants: usize,
    /// The document: an XML declaration and the element, with a trailing newline.
    pub xml: String,
}

/// A sample that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot make a sample of {element}: at {path}: {message}")]
pub struct SampleError {
    /// The root element asked for.
    pub element: String,
    /// The element path where it failed.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Which message of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The input message.
    Request,
    /// The output message.
    Response,
}

/// The body elements of an operation's request or response, and its header elements.
pub fn message_elements(op: &Operation, side: Side) -> (Vec<QName>, Vec<QName>) {
    let shape = match side {
        Side::Request => op.input.as_ref(),
        Side::Response => op.output.as_ref(),
    };
    let elements = |parts: &[crate::model::PartShape]| {
        parts
            .iter()
            .filter_map(|p| p.element.clone())
            .collect::<Vec<_>>()
    };
    shape.map_or((Vec::new(), Vec::new()), |s| {
        (elements(&s.body), elements(&s.headers))
    })
}

/// Finds an operation by name (`Operation` or `Interface.Operation`).
pub fn find_operation<'c>(
    contract: &'c Contract,
    name: &str,
) -> Option<(&'c Interface, &'c Operation)> {
    let (iface, op) = match name.split_once('.') {
        Some((i, o)) => (Some(i), o),
        None => (None, name),
    };
    contract
        .interfaces
        .iter()
        .filter(|i| iface.is_none_or(|n| n == i.name))
        .find_map(|i| i.operations.iter().find(|o| o.name == op).map(|o| (i, o)))
}

/// Every variant of a sample of `element` at `extent` (one for [`Extent::Minimal`]).
pub fn samples(
    contract: &Contract,
    element: &QName,
    extent: Extent,
) -> Result<Vec<Sample>, SampleError> {
    let mut out = Vec::new();
    let mut variants = 1;
    let mut k = 0;
    while k < variants {
        let mut g = Gen::new(contract, element, extent, k);
        let xml = g.document(element)?;
        if extent == Extent::Full {
            variants = g.arity.clamp(2, MAX_VARIANTS);
        }
        out.push(Sample {
            element: element.clone(),
            variant: k + 1,
            variants: 0,
            xml,
        });
        k += 1;
    }
    let n = out.len();
    for s in &mut out {
        s.variants = n;
    }
    Ok(out)
}

/// One sample of `element`: variant `variant` (1-based; 1 for a minimal sample).
pub fn sample(
    contract: &Contract,
    element: &QName,
    extent: Extent,
    variant: usize,
) -> Result<Sample, SampleError> {
    let all = samples(contract, element, extent)?;
    let n = all.len();
    all.into_iter()
        .nth(variant.saturating_sub(1))
        .ok_or_else(|| SampleError {
            element: element.to_string(),
            path: String::new(),
            message: format!("there are {n} variants, not {variant}"),
        })
}

/// Which end of a facet's range a value is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// A readable value inside the range (minimal samples).
    Typical,
    /// The lower boundary of each facet.
    Low,
    /// The upper boundary of each facet.
    High,
}

struct Gen<'c> {
    contract: &'c Contract,
    root: String,
    full: bool,
    variant: usize,
    /// The largest number of branches or values seen where the variant chooses.
    arity: usize,
    prefixes: BTreeMap<String, String>,
    used: BTreeSet<String>,
    path: Vec<String>,
    /// The named types of the elements on the path (a recursive type gets no optional content).
    types: Vec<&'c QName>,
    ids: usize,
    out: String,
}

impl<'c> Gen<'c> {
    fn new(contract: &'c Contract, root: &QName, extent: Extent, variant: usize) -> Self {
        let prefixes = contract
            .namespaces
            .iter()
            .map(|n| (n.uri.clone(), n.prefix.clone()))
            .collect();
        Self {
            contract,
            root: root.to_string(),
            full: extent == Extent::Full,
            variant,
            arity: 1,
            prefixes,
            used: BTreeSet::new(),
            path: Vec::new(),
            types: Vec::new(),
            ids: 0,
            out: String::new(),
        }
    }

    fn err(&self, message: impl Into<String>) -> SampleError {
        SampleError {
            element: self.root.clone(),
            path: format!("/{}", self.path.join("/")),
            message: message.into(),
        }
    }

    fn end(&self) -> End {
        match (self.full, self.variant % 2) {
            (false, _) => End::Typical,
            (true, 0) => End::Low,
            (true, _) => End::High,
        }
    }

    /// Chooses one of `n` alternatives for this variant.
    fn choose(&mut self, n: usize) -> usize {
        if !self.full || n == 0 {
            return 0;
        }
        self.arity = self.arity.max(n);
        self.variant % n
    }

    fn prefix(&mut self, uri: &str) -> String {
        if uri == XML_NS {
            return "xml".into();
        }
        self.used.insert(uri.to_string());
        if let Some(p) = self.prefixes.get(uri) {
            return p.clone();
        }
        let p = if uri == XSI {
            "xsi".to_string()
        } else {
            format!("ns{}", self.prefixes.len() + 1)
        };
        self.prefixes.insert(uri.to_string(), p.clone());
        p
    }

    fn qualified(&mut self, name: &QName) -> String {
        match &name.ns {
            Some(ns) => format!("{}:{}", self.prefix(ns), name.local),
            None => name.local.clone(),
        }
    }

    fn document(&mut self, name: &QName) -> Result<String, SampleError> {
        let el: &'c Element = self
            .contract
            .element(name)
            .ok_or_else(|| self.err(format!("no global element {name} in the contract")))?;
        if el.is_abstract {
            return Err(self.err("the element is abstract"));
        }
        self.element(name, &el.type_, el.fixed.as_deref(), 0, true)?;
        let decls: String = self
            .used
            .iter()
            .map(|uri| {
                let p = &self.prefixes[uri];
                format!(" xmlns:{p}=\"{}\"", escape(uri, true))
            })
            .collect();
        // The root's start tag ends at its first '>' or "/>": the declarations go before it.
        let at = root_tag_end(&self.out);
        let mut xml = String::with_capacity(self.out.len() + decls.len() + 40);
        xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&self.out[..at]);
        xml.push_str(&decls);
        xml.push_str(&self.out[at..]);
        Ok(xml)
    }

    fn resolve(&self, ty: &'c TypeUse) -> Result<Resolved<'c>, SampleError> {
        match ty {
            TypeUse::Builtin(b) => Ok(Resolved::Builtin(*b)),
            TypeUse::Named(q) => {
                let td = self
                    .contract
                    .type_def(q)
                    .ok_or_else(|| self.err(format!("type {q} is not in the contract")))?;
                Ok(Resolved::Def(td))
            }
            TypeUse::Inline(td) => Ok(Resolved::Def(td)),
        }
    }

    /// A concrete type derived from the abstract complex type `base`, if any.
    fn concrete_derivation(&self, base: &QName) -> Option<(&'c QName, &'c ComplexType)> {
        let mut seen = BTreeSet::new();
        let mut frontier = vec![base.clone()];
        while let Some(b) = frontier.pop() {
            if !seen.insert(b.clone()) {
                continue;
            }
            for td in self.contract.types.values() {
                if let (Some(name), TypeKind::Complex(ct)) = (&td.name, &td.kind)
                    && ct.base.as_ref().is_some_and(|d| d.base == b)
                {
                    if !ct.is_abstract {
                        return Some((name, ct));
                    }
                    frontier.push(name.clone());
                }
            }
        }
        None
    }

    fn indent(&mut self, depth: usize) {
        self.out.push('\n');
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    fn element(
        &mut self,
        name: &QName,
        ty: &'c TypeUse,
        fixed: Option<&str>,
        depth: usize,
        root: bool,
    ) -> Result<(), SampleError> {
        if depth > MAX_DEPTH {
            return Err(self.err("content requires itself deeper than 48 levels"));
        }
        self.path.push(name.local.clone());
        let named = match ty {
            TypeUse::Named(q) => Some(q),
            _ => None,
        };
        if let Some(q) = named {
            self.types.push(q);
        }
        let tag = self.qualified(name);
        if !root {
            self.indent(depth);
        }
        let _ = write!(self.out, "<{tag}");
        match self.resolve(ty)? {
            Resolved::Builtin(Builtin::AnyType) => self.out.push_str("/>"),
            Resolved::Builtin(b) => {
                let v = match fixed {
                    Some(f) => f.to_string(),
                    None => self.builtin(b, &Facets::default())?,
                };
                let _ = write!(self.out, ">{}</{tag}>", escape(&v, false));
            }
            Resolved::Def(td) => match &td.kind {
                TypeKind::Simple(st) => {
                    let v = match fixed {
                        Some(f) => f.to_string(),
                        None => self.simple(st)?,
                    };
                    let _ = write!(self.out, ">{}</{tag}>", escape(&v, false));
                }
                TypeKind::Complex(ct) => {
                    let ct = if ct.is_abstract {
                        let base = td.name.as_ref().ok_or_else(|| {
                            self.err("an anonymous abstract type has no derived types")
                        })?;
                        let (derived, dct) = self.concrete_derivation(base).ok_or_else(|| {
                            self.err(format!("abstract type {base} has no concrete derived type"))
                        })?;
                        let xsi = self.prefix(XSI);
                        let value = self.qualified(derived);
                        let _ = write!(self.out, " {xsi}:type=\"{value}\"");
                        dct
                    } else {
                        ct
                    };
                    self.complex(ct, &tag, fixed, depth)?;
                }
            },
        }
        if named.is_some() {
            self.types.pop();
        }
        self.path.pop();
        Ok(())
    }

    fn complex(
        &mut self,
        ct: &'c ComplexType,
        tag: &str,
        fixed: Option<&str>,
        depth: usize,
    ) -> Result<(), SampleError> {
        for a in &ct.attributes {
            if !a.required && !self.full && a.fixed.is_none() {
                continue;
            }
            self.path.push(format!("@{}", a.name.local));
            let v = match &a.fixed {
                Some(f) => f.clone(),
                None => self.value_of(&a.type_)?,
            };
            self.path.pop();
            let n = self.qualified(&a.name);
            let _ = write!(self.out, " {n}=\"{}\"", escape(&v, true));
        }
        match &ct.content {
            Content::Empty => self.out.push_str("/>"),
            Content::Simple(tu) => {
                let v = match fixed {
                    Some(f) => f.to_string(),
                    None => self.value_of(tu)?,
                };
                let _ = write!(self.out, ">{}</{tag}>", escape(&v, false));
            }
            Content::Elements(g) => {
                self.out.push('>');
                let before = self.out.len();
                self.group(g, depth + 1, false)?;
                if self.out.len() == before {
                    // No child: `<a></a>` reads as `<a/>`.
                    self.out.pop();
                    self.out.push_str("/>");
                } else {
                    self.indent(depth);
                    let _ = write!(self.out, "</{tag}>");
                }
            }
        }
        Ok(())
    }

    /// How many times a particle with these bounds occurs.
    fn occurs(&self, min: u64, max: Option<u64>, in_choice: bool) -> u64 {
        let min = if in_choice { min.max(1) } else { min };
        if !self.full || self.out.len() > FULL_BUDGET {
            return min;
        }
        let want = if max == Some(1) { 1 } else { 2 };
        let n = min.max(want);
        max.map_or(n, |m| n.min(m))
    }

    fn group(&mut self, g: &'c Group, depth: usize, in_choice: bool) -> Result<(), SampleError> {
        let reps = if self.full && self.out.len() <= FULL_BUDGET {
            g.min_occurs.max(1).min(g.max_occurs.unwrap_or(u64::MAX))
        } else if in_choice {
            g.min_occurs.max(1)
        } else {
            g.min_occurs
        };
        for _ in 0..reps {
            match g.kind {
                GroupKind::Sequence | GroupKind::All => {
                    for p in &g.particles {
                        self.particle(p, depth, false)?;
                    }
                }
                GroupKind::Choice => {
                    if g.particles.is_empty() {
                        continue;
                    }
                    let i = self.choose(g.particles.len());
                    self.particle(&g.particles[i], depth, true)?;
                }
            }
        }
        Ok(())
    }

    fn particle(
        &mut self,
        p: &'c Particle,
        depth: usize,
        in_choice: bool,
    ) -> Result<(), SampleError> {
        match p {
            Particle::Element(e) => self.element_use(e, depth, in_choice),
            Particle::Group(g) => self.group(g, depth, in_choice),
            Particle::Any(w) => self.wildcard(w, depth, in_choice),
        }
    }

    fn element_use(
        &mut self,
        e: &'c ElementUse,
        depth: usize,
        in_choice: bool,
    ) -> Result<(), SampleError> {
        let mut n = self.occurs(e.min_occurs, e.max_occurs, in_choice);
        let recursive = matches!(&e.type_, TypeUse::Named(t) if self.types.contains(&t));
        if (depth > OPTIONAL_DEPTH || recursive) && !in_choice {
            n = n.min(e.min_occurs);
        }
        // A reference to an abstract element stands for a member of its substitution group.
        let (name, ty, fixed) = match self.contract.element(&e.name) {
            Some(global) if e.is_ref && global.is_abstract => {
                let member = self.substitute(&e.name)?;
                (&member.name, &member.type_, member.fixed.as_deref())
            }
            _ => (&e.name, &e.type_, e.fixed.as_deref()),
        };
        for _ in 0..n {
            self.element(name, ty, fixed, depth, false)?;
        }
        Ok(())
    }

    /// A global element in the contract that can stand for the abstract `head`: one whose type
    /// is the head's type or derived from it (the model keeps no substitution groups, so this
    /// looks for a concrete element of a compatible type in the head's namespace).
    fn substitute(&self, head: &QName) -> Result<&'c Element, SampleError> {
        let h = self
            .contract
            .element(head)
            .ok_or_else(|| self.err(format!("no global element {head}")))?;
        let head_type = match &h.type_ {
            TypeUse::Named(q) => Some(q),
            _ => None,
        };
        self.contract
            .elements
            .values()
            .find(|el| {
                !el.is_abstract
                    && el.name.ns == head.ns
                    && match (&el.type_, head_type) {
                        (TypeUse::Named(t), Some(ht)) => {
                            t == ht || self.contract.derives_from(t, ht)
                        }
                        _ => false,
                    }
            })
            .ok_or_else(|| {
                self.err(format!(
                    "abstract element {head} has no concrete element to stand for it"
                ))
            })
    }

    fn wildcard(
        &mut self,
        w: &'c Wildcard,
        depth: usize,
        in_choice: bool,
    ) -> Result<(), SampleError> {
        let min = if in_choice {
            w.min_occurs.max(1)
        } else {
            w.min_occurs
        };
        let n = if self.full
            && w.process_contents != ProcessContents::Strict
            && self.out.len() <= FULL_BUDGET
        {
            min.max(1)
        } else {
            min
        };
        for _ in 0..n {
            if w.process_contents == ProcessContents::Strict {
                // Strict content must be declared: a global element the wildcard admits.
                let el = self
                    .contract
                    .elements
                    .values()
                    .find(|el| !el.is_abstract && w.namespace.admits(el.name.ns.as_deref()))
                    .ok_or_else(|| {
                        self.err("a strict wildcard requires content no loaded element fits")
                    })?;
                self.element(&el.name, &el.type_, el.fixed.as_deref(), depth, false)?;
                continue;
            }
            self.indent(depth);
            if w.namespace.admits(Some(EXTENSION_NS)) {
                let p = self.prefix(EXTENSION_NS);
                let _ = write!(self.out, "<{p}:extension>sample</{p}:extension>");
            } else if w.namespace.admits(None) {
                self.out.push_str("<extension>sample</extension>");
            } else if let NamespaceConstraint::List(list) = &w.namespace
                && let Some(Some(ns)) = list.first()
            {
                let _ = write!(
                    self.out,
                    "<x:extension xmlns:x=\"{}\">sample</x:extension>",
                    escape(ns, true)
                );
            } else {
                return Err(self.err("a wildcard admits no namespace a sample can use"));
            }
        }
        Ok(())
    }

    fn value_of(&mut self, tu: &'c TypeUse) -> Result<String, SampleError> {
        match self.resolve(tu)? {
            Resolved::Builtin(b) => self.builtin(b, &Facets::default()),
            Resolved::Def(td) => self.def_value(td),
        }
    }

    fn def_value(&mut self, td: &'c TypeDef) -> Result<String, SampleError> {
        match &td.kind {
            TypeKind::Simple(st) => self.simple(st),
            TypeKind::Complex(ComplexType {
                content: Content::Simple(tu),
                ..
            }) => self.value_of(tu),
            TypeKind::Complex(_) => Err(self.err("a complex type where a simple value is needed")),
        }
    }

    fn simple(&mut self, st: &'c SimpleType) -> Result<String, SampleError> {
        if !st.enumeration.is_empty() {
            let i = self.choose(st.enumeration.len());
            return Ok(st.enumeration[i].value.clone());
        }
        match &st.variety {
            SimpleVariety::Atomic(b) => self.builtin(*b, &st.facets),
            SimpleVariety::List(item) => {
                let f = &st.facets;
                let n = match (f.length, self.end()) {
                    (Some(n), _) => n,
                    (None, End::Low | End::Typical) => f.min_length.unwrap_or(1).max(1),
                    (None, End::High) => f
                        .max_length
                        .unwrap_or(2)
                        .min(8)
                        .max(f.min_length.unwrap_or(1)),
                };
                let mut items = Vec::new();
                for _ in 0..n {
                    items.push(self.value_of(item)?);
                }
                Ok(items.join(" "))
            }
            SimpleVariety::Union(members) => {
                let Some(first) = members.first() else {
                    return Err(self.err("a union without member types"));
                };
                self.value_of(first)
            }
        }
    }

    fn builtin(&mut self, b: Builtin, facets: &Facets) -> Result<String, SampleError> {
        let end = self.end();
        if b == Builtin::Id {
            self.ids += 1;
        }
        let candidates = if facets.patterns.is_empty() {
            candidates(b, facets, end, self.ids)
        } else {
            pattern_candidates(&facets.patterns, end).map_err(|e| self.err(e))?
        };
        for c in &candidates {
            if let Ok(()) = check(b, facets, c) {
                return Ok(c.clone());
            }
        }
        let why = candidates
            .first()
            .map(|c| check(b, facets, c).err().unwrap_or_default())
            .unwrap_or_default();
        Err(self.err(format!(
            "no {} value satisfies the facets {} ({why})",
            b.xs_name(),
            describe(facets)
        )))
    }
}

enum Resolved<'c> {
    Builtin(Builtin),
    Def(&'c TypeDef),
}

/// The byte offset just before the end of the root start tag (`>` or `/>`).
fn root_tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return if s[..i].ends_with('/') { i - 1 } else { i },
            _ => {}
        }
    }
    s.len()
}

fn escape(s: &str, attr: bool) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' if attr => o.push_str("&quot;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(o, "&#x{:X};", c as u32);
            }
            c => o.push(c),
        }
    }
    o
}

fn describe(f: &Facets) -> String {
    serde_json::to_string(f).unwrap_or_default()
}

// ---- values --------------------------------------------------------------------------------

/// The value range of an integer built-in (within i64/u64, as the generated code maps them).
fn integer_range(b: Builtin) -> (i128, i128) {
    use Builtin as B;
    match b {
        B::NonPositiveInteger => (i64::MIN as i128, 0),
        B::NegativeInteger => (i64::MIN as i128, -1),
        B::Long | B::Integer => (i64::MIN as i128, i64::MAX as i128),
        B::Int => (i32::MIN as i128, i32::MAX as i128),
        B::Short => (i16::MIN as i128, i16::MAX as i128),
        B::Byte => (i8::MIN as i128, i8::MAX as i128),
        B::NonNegativeInteger | B::UnsignedLong => (0, u64::MAX as i128),
        B::UnsignedInt => (0, u32::MAX as i128),
        B::UnsignedShort => (0, u16::MAX as i128),
        B::UnsignedByte => (0, u8::MAX as i128),
        B::PositiveInteger => (1, u64::MAX as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    }
}

fn is_numeric(b: Builtin) -> bool {
    b.is_integer() || matches!(b, Builtin::Decimal | Builtin::Float | Builtin::Double)
}

/// Candidate values for a built-in without patterns, the preferred one first.
fn candidates(b: Builtin, f: &Facets, end: End, id: usize) -> Vec<String> {
    use Builtin as B;
    if is_numeric(b) {
        return numeric_candidates(b, f, end);
    }
    let bound = |lo: &Option<String>, hi: &Option<String>| -> Vec<String> {
        match end {
            End::Low => lo.iter().chain(hi).cloned().collect(),
            End::High => hi.iter().chain(lo).cloned().collect(),
            End::Typical => Vec::new(),
        }
    };
    let mut v = bound(&f.min_inclusive, &f.max_inclusive);
    let (lo, hi): (&str, &str) = match b {
        B::Boolean => ("true", "false"),
        B::Date => ("2026-01-15", "2026-12-31"),
        B::DateTime => ("2026-01-15T10:30:00+01:00", "2026-12-31T23:59:59Z"),
        B::Time => ("10:30:00", "23:59:59"),
        B::Duration => ("P1D", "P1Y2M3DT4H5M6S"),
        B::GYear => ("2026", "2027"),
        B::GYearMonth => ("2026-01", "2026-12"),
        B::GMonth => ("--01", "--12"),
        B::GMonthDay => ("--01-15", "--12-31"),
        B::GDay => ("---15", "---31"),
        B::Language => ("sv", "sv-SE"),
        B::AnyUri => ("urn:example:sample", "https://example.invalid/sample"),
        B::QName => ("sample", "sample"),
        B::HexBinary | B::Base64Binary => {
            let n = match (f.length, end) {
                (Some(n), _) => n,
                (None, End::Low) => f.min_length.unwrap_or(3),
                (None, End::Typical) => 3u64.clamp(
                    f.min_length.unwrap_or(0),
                    f.max_length
                        .unwrap_or(u64::MAX)
                        .max(f.min_length.unwrap_or(0)),
                ),
                (None, End::High) => f.max_length.unwrap_or(6).min(MAX_TEXT as u64),
            } as usize;
            let bytes: Vec<u8> = (0..n).map(|i| (i % 251) as u8 + 1).collect();
            let text = if b == B::HexBinary {
                bytes.iter().map(|b| format!("{b:02X}")).collect()
            } else {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(&bytes)
            };
            return vec![text];
        }
        _ => ("", ""),
    };
    if !lo.is_empty() {
        match end {
            End::Low | End::Typical => v.extend([lo.to_string(), hi.to_string()]),
            End::High => v.extend([hi.to_string(), lo.to_string()]),
        }
        // Typical values out of range: the bounds after them.
        v.extend(f.min_inclusive.iter().chain(&f.max_inclusive).cloned());
        return v;
    }
    // Strings and name kinds: a name-like word, sized to the length facets.
    let stem = match b {
        B::Id => format!("id{id}"),
        B::NmTokens | B::IdRefs | B::Entities => "sample sample".to_string(),
        _ => "sample".to_string(),
    };
    let stem_len = stem.chars().count() as u64;
    let len = match (f.length, end) {
        (Some(n), _) => Some(n as usize),
        (None, End::Low) => f.min_length.map(|n| (n as usize).max(1)),
        (None, End::High) => f.max_length.map(|n| (n as usize).min(MAX_TEXT)),
        (None, End::Typical) => {
            let (min, max) = (f.min_length.unwrap_or(0), f.max_length.unwrap_or(u64::MAX));
            (stem_len < min || stem_len > max).then(|| stem_len.clamp(min, max.max(min)) as usize)
        }
    };
    match len {
        Some(n) => vec![sized(&stem, n), sized("s", n)],
        None => {
            let mut v = vec![stem.clone()];
            if let Some(max) = f.max_length {
                v.push(sized(&stem, max as usize));
            }
            v
        }
    }
}

/// `stem` cut or padded with `x` to `n` characters.
fn sized(stem: &str, n: usize) -> String {
    let mut s: String = stem.chars().take(n).collect();
    while s.chars().count() < n {
        s.push('x');
    }
    s
}

fn numeric_candidates(b: Builtin, f: &Facets, end: End) -> Vec<String> {
    let dec = |s: &Option<String>| s.as_deref().and_then(|v| Decimal::from_str(v.trim()).ok());
    let fd = f
        .fraction_digits
        .unwrap_or(if b.is_integer() { 0 } else { 2 });
    let fd = if b.is_integer() { 0 } else { fd.min(10) };
    let step = Decimal::new(1, fd);
    let (tmin, tmax) = if b.is_integer() {
        let (a, z) = integer_range(b);
        (
            Decimal::from_i128_with_scale(a, 0),
            Decimal::from_i128_with_scale(z, 0),
        )
    } else {
        (Decimal::MIN, Decimal::MAX)
    };
    let mut lo = dec(&f.min_inclusive)
        .or_else(|| dec(&f.min_exclusive).map(|v| v + step))
        .map_or(tmin, |v| v.max(tmin));
    let mut hi = dec(&f.max_inclusive)
        .or_else(|| dec(&f.max_exclusive).map(|v| v - step))
        .map_or(tmax, |v| v.min(tmax));
    if let Some(td) = f.total_digits {
        // The largest magnitude with `td` digits of which `fd` are fraction digits.
        let int_digits = td.saturating_sub(fd).min(27);
        let nines = Decimal::from_i128_with_scale(10i128.pow(int_digits + fd) - 1, fd);
        lo = lo.max(-nines);
        hi = hi.min(nines);
    }
    let mut low = vec![];
    let mut high = vec![];
    // The low end is a facet's bound; the high end a facet's bound or an integer kind's own
    // (xs:unsignedByte: 255). A minimal sample of an xs:int is 1, not -2147483648.
    if lo > Decimal::MIN && lo > tmin {
        low.push(lo);
    }
    if hi < Decimal::MAX && (b.is_integer() || hi < tmax) {
        high.push(hi);
    }
    let typical = if b.is_integer() || fd == 0 {
        vec![Decimal::ONE, Decimal::ZERO, Decimal::from(12)]
    } else {
        vec![Decimal::new(1250, 2), Decimal::ONE, Decimal::ZERO]
    };
    let mut v: Vec<Decimal> = match end {
        End::Low => low.into_iter().chain(typical).chain(high).collect(),
        End::High => high.into_iter().chain(typical).chain(low).collect(),
        End::Typical => typical.into_iter().chain(low).chain(high).collect(),
    };
    v.retain(|d| *d >= lo && *d <= hi);
    if v.is_empty() && lo <= hi {
        v.push(lo);
    }
    let mut out: Vec<String> = v
        .into_iter()
        .map(|d| {
            if b.is_integer() {
                d.trunc().normalize().to_string()
            } else if matches!(b, Builtin::Float | Builtin::Double) {
                d.normalize().to_string()
            } else {
                let mut d = d;
                if d.scale() > fd {
                    d = d.round_dp(fd);
                }
                d.to_string()
            }
        })
        .collect();
    out.dedup();
    out
}

/// Checks a value against a built-in's lexical space (for the kinds a sample makes) and the
/// facets; the error says which facet failed.
pub(crate) fn check(b: Builtin, f: &Facets, v: &str) -> Result<(), String> {
    use Builtin as B;
    if !f.patterns.is_empty() {
        let mut ok = false;
        for p in &f.patterns {
            let re = compile(p)?;
            ok |= re.is_match(v);
        }
        if !ok {
            return Err("pattern".into());
        }
    }
    let len = match b {
        B::HexBinary => v.len() / 2,
        B::Base64Binary => {
            use base64::Engine as _;
            let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|_| "base64")?
                .len()
        }
        B::NmTokens | B::IdRefs | B::Entities => v.split_whitespace().count(),
        _ => v.chars().count(),
    };
    if f.length.is_some_and(|n| len as u64 != n) {
        return Err("length".into());
    }
    if f.min_length.is_some_and(|n| (len as u64) < n) {
        return Err("minLength".into());
    }
    if f.max_length.is_some_and(|n| len as u64 > n) {
        return Err("maxLength".into());
    }
    if is_numeric(b) {
        let d = Decimal::from_str(v).map_err(|_| "not a number")?;
        let dec = |s: &Option<String>| s.as_deref().and_then(|x| Decimal::from_str(x.trim()).ok());
        if dec(&f.min_inclusive).is_some_and(|m| d < m) {
            return Err("minInclusive".into());
        }
        if dec(&f.max_inclusive).is_some_and(|m| d > m) {
            return Err("maxInclusive".into());
        }
        if dec(&f.min_exclusive).is_some_and(|m| d <= m) {
            return Err("minExclusive".into());
        }
        if dec(&f.max_exclusive).is_some_and(|m| d >= m) {
            return Err("maxExclusive".into());
        }
        let n = d.normalize();
        let frac = n.scale();
        let digits = n.mantissa().unsigned_abs().to_string().len() as u32;
        if f.fraction_digits.is_some_and(|m| frac > m) {
            return Err("fractionDigits".into());
        }
        if f.total_digits.is_some_and(|m| digits > m && !n.is_zero()) {
            return Err("totalDigits".into());
        }
        if b.is_integer() {
            let (a, z) = integer_range(b);
            let i = n.trunc().mantissa();
            if n.scale() != 0 || i < a || i > z {
                return Err("outside the built-in's range".into());
            }
        }
    } else if matches!(
        b,
        B::Date
            | B::DateTime
            | B::Time
            | B::GYear
            | B::GYearMonth
            | B::GMonth
            | B::GMonthDay
            | B::GDay
    ) {
        // Same lexical form and time zone as the bound: the strings order like the values.
        let cmp = |bound: &Option<String>, ok: fn(std::cmp::Ordering) -> bool| {
            bound
                .as_deref()
                .is_none_or(|x| x.len() != v.len() || ok(v.cmp(x.trim())))
        };
        if !cmp(&f.min_inclusive, |o| o.is_ge())
            || !cmp(&f.max_inclusive, |o| o.is_le())
            || !cmp(&f.min_exclusive, |o| o.is_gt())
            || !cmp(&f.max_exclusive, |o| o.is_lt())
        {
            return Err("range".into());
        }
    }
    Ok(())
}

fn compile(pattern: &str) -> Result<regex::Regex, String> {
    thread_local! {
        static CACHE: std::cell::RefCell<BTreeMap<String, regex::Regex>> =
            const { std::cell::RefCell::new(BTreeMap::new()) };
    }
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let translated = tandvard_runtime::xsd_pattern_to_regex(pattern)
        .map_err(|e| format!("pattern {pattern:?}: {e}"))?;
    let re = regex::Regex::new(&translated).map_err(|e| format!("pattern {pattern:?}: {e}"))?;
    CACHE.with(|c| c.borrow_mut().insert(pattern.to_string(), re.clone()));
    Ok(re)
}

// ---- strings from patterns -----------------------------------------------------------------

/// How a pattern's repetitions and alternations are taken.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// The fewest repetitions, the first alternative, the lowest preferred characters.
    Shortest,
    /// `k` more repetitions than the fewest (bounded by the maximum).
    More(u32),
    /// The most repetitions (bounded), the last alternative, the highest preferred characters.
    Longest,
}

/// Strings matching one of `patterns`, the preferred first (shortest for the low end,
/// longest for the high end, then the lengths between, so length facets can be met).
fn pattern_candidates(patterns: &[String], end: End) -> Result<Vec<String>, String> {
    let mut shapes = vec![
        Shape::Shortest,
        Shape::More(1),
        Shape::More(2),
        Shape::More(4),
        Shape::More(8),
        Shape::More(16),
        Shape::More(64),
        Shape::Longest,
    ];
    if end == End::High {
        shapes.reverse();
    }
    let mut out = Vec::new();
    for p in patterns {
        let translated =
            tandvard_runtime::xsd_pattern_to_regex(p).map_err(|e| format!("pattern {p:?}: {e}"))?;
        let hir = regex_syntax::Parser::new()
            .parse(&translated)
            .map_err(|e| format!("pattern {p:?}: {e}"))?;
        for shape in &shapes {
            let mut s = String::new();
            from_hir(&hir, *shape, &mut s);
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

fn from_hir(h: &Hir, shape: Shape, out: &mut String) {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
        HirKind::Class(c) => {
            if let Some(ch) = class_char(c, shape) {
                out.push(ch);
            }
        }
        HirKind::Repetition(r) => {
            let n = match shape {
                Shape::Shortest => r.min,
                Shape::More(k) => r.min.saturating_add(k),
                Shape::Longest => r.max.unwrap_or(r.min.saturating_add(8)),
            };
            let n = r.max.map_or(n, |m| n.min(m)).min(MAX_TEXT as u32);
            for _ in 0..n {
                from_hir(&r.sub, shape, out);
                if out.len() > MAX_TEXT * 4 {
                    break;
                }
            }
        }
        HirKind::Capture(c) => from_hir(&c.sub, shape, out),
        HirKind::Concat(v) => {
            for s in v {
                from_hir(s, shape, out);
            }
        }
        HirKind::Alternation(v) => {
            let pick = match shape {
                Shape::Longest => v.last(),
                _ => v.first(),
            };
            if let Some(s) = pick {
                from_hir(s, shape, out);
            }
        }
    }
}

/// A readable character of a class: a preferred letter or digit where the class has one,
/// else its first character that XML allows and that is not white space.
fn class_char(c: &Class, shape: Shape) -> Option<char> {
    let prefer: &[char] = match shape {
        Shape::Longest => &['Z', 'z', '9', 'X'],
        _ => &['A', 'a', '1', '0', 'X'],
    };
    let contains = |ch: char| match c {
        Class::Unicode(u) => u.ranges().iter().any(|r| r.start() <= ch && ch <= r.end()),
        Class::Bytes(b) => {
            ch.is_ascii()
                && b.ranges()
                    .iter()
                    .any(|r| r.start() <= ch as u8 && ch as u8 <= r.end())
        }
    };
    if let Some(ch) = prefer.iter().copied().find(|ch| contains(*ch)) {
        return Some(ch);
    }
    let ok = |ch: char| xml_char(ch) && !ch.is_whitespace();
    match c {
        Class::Unicode(u) => u.ranges().iter().find_map(|r| {
            let (a, z) = (r.start() as u32, r.end() as u32);
            (a..=z.min(a + 0x100))
                .filter_map(char::from_u32)
                .find(|ch| ok(*ch))
        }),
        Class::Bytes(b) => b.ranges().iter().find_map(|r| {
            (r.start()..=r.end().min(0x7f))
                .map(char::from)
                .find(|ch| ok(*ch))
        }),
    }
}

fn xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_strings_match_their_patterns() {
        for p in [
            r"\d{12}",
            r"[0-9]{8}-[0-9]{4}",
            r"(19|20)\d{2}(0[1-9]|1[0-2])\d{2}[0-9A-Z]\d{3}",
            r"[A-Z]{2}[0-9]{1,5}",
            r"[^<>]+",
            r"\p{Lu}\p{Ll}*",
            r"\i\c*",
            r"SE[0-9]{10}01",
            r"[a-z-[aeiou]]{3}",
        ] {
            let re = compile(p).expect("compiles");
            for end in [End::Low, End::High] {
                let c = pattern_candidates(&[p.to_string()], end).expect("candidates");
                assert!(!c.is_empty());
                for s in &c {
                    assert!(re.is_match(s), "{s:?} does not match {p}");
                }
            }
        }
    }

    #[test]
    fn numbers_respect_ranges_and_digits() {
        let f = Facets {
            min_inclusive: Some("0".into()),
            total_digits: Some(10),
            fraction_digits: Some(2),
            ..Facets::default()
        };
        let low = numeric_candidates(Builtin::Decimal, &f, End::Low);
        let high = numeric_candidates(Builtin::Decimal, &f, End::High);
        assert_eq!(low[0], "0");
        assert_eq!(high[0], "99999999.99");
        for v in low.iter().chain(&high) {
            check(Builtin::Decimal, &f, v).expect("valid");
        }
        let f = Facets {
            min_exclusive: Some("10".into()),
            max_inclusive: Some("20".into()),
            ..Facets::default()
        };
        assert_eq!(numeric_candidates(Builtin::Int, &f, End::Low)[0], "11");
        assert_eq!(numeric_candidates(Builtin::Int, &f, End::High)[0], "20");
        assert_eq!(
            numeric_candidates(Builtin::UnsignedByte, &Facets::default(), End::High)[0],
            "255"
        );
        assert_eq!(
            check(Builtin::Int, &f, "21"),
            Err("maxInclusive".to_string())
        );
    }

    #[test]
    fn strings_meet_length_facets_at_both_ends() {
        let f = Facets {
            min_length: Some(3),
            max_length: Some(35),
            ..Facets::default()
        };
        let low = candidates(Builtin::String, &f, End::Low, 0);
        let high = candidates(Builtin::String, &f, End::High, 0);
        assert_eq!(low[0].chars().count(), 3);
        assert_eq!(high[0].chars().count(), 35);
        let b = candidates(
            Builtin::Base64Binary,
            &Facets {
                length: Some(5),
                ..Facets::default()
            },
            End::Low,
            0,
        );
        check(
            Builtin::Base64Binary,
            &Facets {
                length: Some(5),
                ..Facets::default()
            },
            &b[0],
        )
        .expect("5 octets");
    }

    #[test]
    fn root_declarations_go_inside_the_start_tag() {
        assert_eq!(root_tag_end("<a b=\"x>y\">"), 10);
        assert_eq!(root_tag_end("<a/>"), 2);
    }
}
