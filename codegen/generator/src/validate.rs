//! Validation of an XML element against the contract model, without generated code: the
//! rules the generated readers apply (schema order, occurrences, required and undeclared
//! attributes, every facet, enumerations, the lexical form of each built-in), for tools that
//! work from the contracts at run time, such as `serve-mock`.
//!
//! Content models are matched greedily, one child at a time: XSD's Unique Particle
//! Attribution rule makes every valid content model deterministic, so the next child always
//! decides which particle it belongs to. `xs:any` with `lax` or `skip` admits any element of
//! the namespaces it names (lax content that has a global declaration is validated against
//! it); `strict` requires a declaration.
//!
//! Errors name the element path and the rule, never the value: requests carry patient data,
//! and the error goes back to the caller and into logs.

use std::fmt;

use roxmltree::Node;

use crate::model::{
    Builtin, ComplexType, Content, Contract, ElementUse, Facets, Group, GroupKind, Particle,
    ProcessContents, QName, SimpleType, SimpleVariety, TypeDef, TypeKind, TypeUse, Wildcard,
};

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The first rule an element breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The element path, `/SubmitClaim/claim/performer` (local names; `@name` for an
    /// attribute).
    pub path: String,
    /// The rule broken, without the offending value.
    pub rule: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.rule)
    }
}

impl std::error::Error for Invalid {}

/// Validates `node` as an instance of the global element `name`.
pub fn validate_element(
    contract: &Contract,
    name: &QName,
    node: Node<'_, '_>,
) -> Result<(), Invalid> {
    let mut v = Validator {
        contract,
        path: Vec::new(),
    };
    v.path.push(node.tag_name().name().to_string());
    let el = contract
        .element(name)
        .ok_or_else(|| v.err(format!("no global element {name} in the contract")))?;
    if !same(node, name) {
        return Err(v.err(format!("expected element {name}, found {}", name_of(node))));
    }
    v.element_content(node, &el.type_, el.nillable, el.fixed.as_deref())
}

fn same(node: Node<'_, '_>, name: &QName) -> bool {
    node.tag_name().name() == name.local && node.tag_name().namespace() == name.ns.as_deref()
}

fn name_of(node: Node<'_, '_>) -> String {
    match node.tag_name().namespace() {
        Some(ns) => format!("{{{ns}}}{}", node.tag_name().name()),
        None => node.tag_name().name().to_string(),
    }
}

struct Validator<'c> {
    contract: &'c Contract,
    path: Vec<String>,
}

enum Resolved<'c> {
    Builtin(Builtin),
    Def(&'c TypeDef),
}

impl<'c> Validator<'c> {
    fn err(&self, rule: impl Into<String>) -> Invalid {
        Invalid {
            path: format!("/{}", self.path.join("/")),
            rule: rule.into(),
        }
    }

    fn resolve(&self, ty: &'c TypeUse) -> Result<Resolved<'c>, Invalid> {
        match ty {
            TypeUse::Builtin(b) => Ok(Resolved::Builtin(*b)),
            TypeUse::Named(q) => self
                .contract
                .type_def(q)
                .map(Resolved::Def)
                .ok_or_else(|| self.err(format!("type {q} is not in the contract"))),
            TypeUse::Inline(td) => Ok(Resolved::Def(td)),
        }
    }

    /// The type an `xsi:type` names, when it is in the contract.
    fn xsi_type(&self, node: Node<'_, '_>) -> Result<Option<&'c TypeDef>, Invalid> {
        let Some(v) = node.attribute((XSI, "type")) else {
            return Ok(None);
        };
        let (prefix, local) = v.trim().split_once(':').unwrap_or(("", v.trim()));
        let ns = node.lookup_namespace_uri(if prefix.is_empty() {
            None
        } else {
            Some(prefix)
        });
        let q = QName::new(ns, local);
        self.contract.type_def(&q).map(Some).ok_or_else(|| {
            self.err(format!(
                "xsi:type names {q}, which the contract does not define"
            ))
        })
    }

    fn element_content(
        &mut self,
        node: Node<'_, '_>,
        ty: &'c TypeUse,
        nillable: bool,
        fixed: Option<&str>,
    ) -> Result<(), Invalid> {
        if let Some(nil) = node.attribute((XSI, "nil")) {
            if matches!(nil.trim(), "true" | "1") {
                if !nillable {
                    return Err(self.err("xsi:nil on an element that is not nillable"));
                }
                if node.children().any(|c| {
                    c.is_element() || (c.is_text() && !c.text().unwrap_or("").trim().is_empty())
                }) {
                    return Err(self.err("an element with xsi:nil=\"true\" must be empty"));
                }
                return Ok(());
            }
        }
        let resolved = match self.xsi_type(node)? {
            Some(td) => Resolved::Def(td),
            None => self.resolve(ty)?,
        };
        match resolved {
            Resolved::Builtin(Builtin::AnyType) => Ok(()),
            Resolved::Builtin(b) => {
                self.no_attributes(node)?;
                self.no_children(node)?;
                let text = text_of(node);
                self.fixed(&text, fixed)?;
                self.builtin(b, &Facets::default(), &text)
            }
            Resolved::Def(td) => match &td.kind {
                TypeKind::Simple(st) => {
                    self.no_attributes(node)?;
                    self.no_children(node)?;
                    let text = text_of(node);
                    self.fixed(&text, fixed)?;
                    self.simple(st, &text)
                }
                TypeKind::Complex(ct) => {
                    if ct.is_abstract {
                        return Err(self.err(format!(
                            "the type {} is abstract: an xsi:type naming a derived type is required",
                            td.name.as_ref().map(|n| n.to_string()).unwrap_or_default()
                        )));
                    }
                    self.complex(node, ct, fixed)
                }
            },
        }
    }

    fn fixed(&self, text: &str, fixed: Option<&str>) -> Result<(), Invalid> {
        match fixed {
            Some(f) if f.trim() != text.trim() => {
                Err(self.err("the value differs from the fixed value the schema requires"))
            }
            _ => Ok(()),
        }
    }

    fn no_children(&self, node: Node<'_, '_>) -> Result<(), Invalid> {
        match node.children().find(|c| c.is_element()) {
            Some(c) => Err(self.err(format!(
                "unexpected child element {}: the content is a simple value",
                name_of(c)
            ))),
            None => Ok(()),
        }
    }

    fn no_attributes(&self, node: Node<'_, '_>) -> Result<(), Invalid> {
        for a in node.attributes() {
            if a.namespace() != Some(XSI) {
                return Err(self.err(format!("undeclared attribute {}", attr_name(&a))));
            }
        }
        Ok(())
    }

    fn complex(
        &mut self,
        node: Node<'_, '_>,
        ct: &'c ComplexType,
        fixed: Option<&str>,
    ) -> Result<(), Invalid> {
        // Attributes.
        for decl in &ct.attributes {
            let value = node
                .attribute((
                    decl.name.ns.as_deref().unwrap_or(""),
                    decl.name.local.as_str(),
                ))
                .or_else(|| {
                    if decl.name.ns.is_none() {
                        node.attribute(decl.name.local.as_str())
                    } else {
                        None
                    }
                });
            self.path.push(format!("@{}", decl.name.local));
            match value {
                None if decl.required => {
                    self.path.pop();
                    return Err(self.err(format!("missing required attribute {}", decl.name)));
                }
                None => {}
                Some(v) => {
                    if let Some(f) = &decl.fixed {
                        if f.trim() != v.trim() {
                            return Err(self.err(
                                "the value differs from the fixed value the schema requires",
                            ));
                        }
                    }
                    self.value(&decl.type_, v)?;
                }
            }
            self.path.pop();
        }
        for a in node.attributes() {
            if a.namespace() == Some(XSI) {
                continue;
            }
            let declared = ct
                .attributes
                .iter()
                .any(|d| d.name.local == a.name() && d.name.ns.as_deref() == a.namespace());
            if declared {
                continue;
            }
            let admitted = ct
                .any_attribute
                .as_ref()
                .is_some_and(|w| w.namespace.admits(a.namespace()));
            if !admitted {
                return Err(self.err(format!("undeclared attribute {}", attr_name(&a))));
            }
        }
        match &ct.content {
            Content::Empty => {
                self.no_children(node)?;
                if !ct.mixed && !text_of(node).trim().is_empty() {
                    return Err(self.err("text in an element whose content is empty"));
                }
                Ok(())
            }
            Content::Simple(tu) => {
                self.no_children(node)?;
                let text = text_of(node);
                self.fixed(&text, fixed)?;
                self.value(tu, &text)
            }
            Content::Elements(g) => {
                if !ct.mixed
                    && node
                        .children()
                        .any(|c| c.is_text() && !c.text().unwrap_or("").trim().is_empty())
                {
                    return Err(
                        self.err("text between child elements (the content is element-only)")
                    );
                }
                let children: Vec<Node<'_, '_>> =
                    node.children().filter(|c| c.is_element()).collect();
                let mut pos = 0;
                self.group(g, &children, &mut pos)?;
                if let Some(extra) = children.get(pos) {
                    let expected = self.expected_after(g, &children, pos);
                    return Err(
                        self.err(format!("unexpected element {}{expected}", name_of(*extra)))
                    );
                }
                Ok(())
            }
        }
    }

    /// " (expected ...)" for an error at `pos`, or nothing.
    fn expected_after(&self, _g: &Group, children: &[Node<'_, '_>], pos: usize) -> String {
        if pos == 0 {
            " (not allowed here, or out of schema order)".to_string()
        } else {
            format!(
                " after {} (not allowed here, or out of schema order)",
                name_of(children[pos - 1])
            )
        }
    }

    /// Consumes the group's occurrences from `children[*pos..]`.
    fn group(
        &mut self,
        g: &'c Group,
        children: &[Node<'_, '_>],
        pos: &mut usize,
    ) -> Result<(), Invalid> {
        let max = g.max_occurs.unwrap_or(u64::MAX);
        let mut count = 0u64;
        while count < max {
            let start = *pos;
            let first = children.get(*pos).copied();
            if count >= g.min_occurs && !first.is_some_and(|c| self.group_starts(g, c)) {
                break;
            }
            match g.kind {
                GroupKind::Sequence => {
                    for p in &g.particles {
                        self.particle(p, children, pos)?;
                    }
                }
                GroupKind::Choice => {
                    let branch = first.and_then(|c| g.particles.iter().find(|p| self.starts(p, c)));
                    match branch {
                        Some(p) => self.particle(p, children, pos)?,
                        None if g.particles.iter().any(|p| self.emptiable(p)) => {}
                        None => {
                            return Err(self.err(format!(
                                "{} where one of {} is required",
                                first.map_or("the end of the element".to_string(), |c| format!(
                                    "element {}",
                                    name_of(c)
                                )),
                                self.group_first_names(g)
                            )));
                        }
                    }
                }
                GroupKind::All => {
                    let mut seen = vec![false; g.particles.len()];
                    while let Some(c) = children.get(*pos).copied() {
                        let Some(i) = g.particles.iter().position(|p| self.starts(p, c)) else {
                            break;
                        };
                        if seen[i] {
                            return Err(self.err(format!(
                                "element {} occurs twice in an xs:all group",
                                name_of(c)
                            )));
                        }
                        seen[i] = true;
                        self.particle(&g.particles[i], children, pos)?;
                    }
                    for (i, p) in g.particles.iter().enumerate() {
                        if !seen[i] && !self.emptiable(p) {
                            return Err(self
                                .err(format!("missing required element {}", self.first_names(p))));
                        }
                    }
                }
            }
            count += 1;
            if *pos == start {
                // An emptiable group matched nothing: more repetitions would not either.
                break;
            }
        }
        Ok(())
    }

    fn particle(
        &mut self,
        p: &'c Particle,
        children: &[Node<'_, '_>],
        pos: &mut usize,
    ) -> Result<(), Invalid> {
        match p {
            Particle::Element(e) => self.element_use(e, children, pos),
            Particle::Group(g) => self.group(g, children, pos),
            Particle::Any(w) => self.wildcard(w, children, pos),
        }
    }

    fn element_use(
        &mut self,
        e: &'c ElementUse,
        children: &[Node<'_, '_>],
        pos: &mut usize,
    ) -> Result<(), Invalid> {
        let max = e.max_occurs.unwrap_or(u64::MAX);
        let mut count = 0u64;
        while count < max {
            let Some(c) = children.get(*pos).copied() else {
                break;
            };
            if !self.element_matches(e, c) {
                break;
            }
            self.path.push(c.tag_name().name().to_string());
            let (ty, nillable, fixed) = self.declaration_for(e, c);
            self.element_content(c, ty, nillable, fixed)?;
            self.path.pop();
            *pos += 1;
            count += 1;
        }
        if count < e.min_occurs {
            let found = children
                .get(*pos)
                .map_or("the end of the element".to_string(), |c| {
                    format!("element {}", name_of(*c))
                });
            return Err(if count == 0 {
                self.err(format!(
                    "missing required element {} (found {found})",
                    e.name
                ))
            } else {
                self.err(format!(
                    "element {} occurs {count} times, at least {} required",
                    e.name, e.min_occurs
                ))
            });
        }
        Ok(())
    }

    /// The element's own declaration, or that of a substitution-group member standing for it.
    fn declaration_for(
        &self,
        e: &'c ElementUse,
        c: Node<'_, '_>,
    ) -> (&'c TypeUse, bool, Option<&'c str>) {
        if same(c, &e.name) {
            return (&e.type_, e.nillable, e.fixed.as_deref());
        }
        let q = QName::new(c.tag_name().namespace(), c.tag_name().name());
        match self.contract.element(&q) {
            Some(g) => (&g.type_, g.nillable, g.fixed.as_deref()),
            None => (&e.type_, e.nillable, e.fixed.as_deref()),
        }
    }

    /// True when `c` is the element `e` names, or (for a reference to an abstract head) a
    /// global element of a type derived from the head's.
    fn element_matches(&self, e: &ElementUse, c: Node<'_, '_>) -> bool {
        if same(c, &e.name) {
            return !self
                .contract
                .element(&e.name)
                .is_some_and(|g| e.is_ref && g.is_abstract);
        }
        if !e.is_ref {
            return false;
        }
        let Some(head) = self.contract.element(&e.name) else {
            return false;
        };
        if !head.is_abstract {
            return false;
        }
        let q = QName::new(c.tag_name().namespace(), c.tag_name().name());
        match (self.contract.element(&q).map(|g| &g.type_), &head.type_) {
            (Some(TypeUse::Named(t)), TypeUse::Named(h)) => {
                t == h || self.contract.derives_from(t, h)
            }
            _ => false,
        }
    }

    fn wildcard(
        &mut self,
        w: &'c Wildcard,
        children: &[Node<'_, '_>],
        pos: &mut usize,
    ) -> Result<(), Invalid> {
        let max = w.max_occurs.unwrap_or(u64::MAX);
        let mut count = 0u64;
        while count < max {
            let Some(c) = children.get(*pos).copied() else {
                break;
            };
            if !w.namespace.admits(c.tag_name().namespace()) {
                break;
            }
            let q = QName::new(c.tag_name().namespace(), c.tag_name().name());
            match (w.process_contents, self.contract.element(&q)) {
                (ProcessContents::Skip, _) => {}
                (_, Some(decl)) => {
                    self.path.push(c.tag_name().name().to_string());
                    self.element_content(c, &decl.type_, decl.nillable, decl.fixed.as_deref())?;
                    self.path.pop();
                }
                (ProcessContents::Strict, None) => {
                    return Err(self.err(format!(
                        "element {} has no declaration (the wildcard is strict)",
                        name_of(c)
                    )));
                }
                (ProcessContents::Lax, None) => {}
            }
            *pos += 1;
            count += 1;
        }
        if count < w.min_occurs {
            return Err(self.err("missing element required by a wildcard"));
        }
        Ok(())
    }

    /// Whether the particle can begin with `c`.
    fn starts(&self, p: &Particle, c: Node<'_, '_>) -> bool {
        match p {
            Particle::Element(e) => e.max_occurs != Some(0) && self.element_matches(e, c),
            Particle::Any(w) => {
                w.max_occurs != Some(0) && w.namespace.admits(c.tag_name().namespace())
            }
            Particle::Group(g) => self.group_starts(g, c),
        }
    }

    fn group_starts(&self, g: &Group, c: Node<'_, '_>) -> bool {
        match g.kind {
            GroupKind::Sequence => {
                for q in &g.particles {
                    if self.starts(q, c) {
                        return true;
                    }
                    if !self.emptiable(q) {
                        return false;
                    }
                }
                false
            }
            GroupKind::Choice | GroupKind::All => g.particles.iter().any(|q| self.starts(q, c)),
        }
    }

    fn group_first_names(&self, g: &Group) -> String {
        let mut names = Vec::new();
        for q in &g.particles {
            collect_first(q, &mut names);
        }
        names.join(", ")
    }

    fn emptiable(&self, p: &Particle) -> bool {
        match p {
            Particle::Element(e) => e.min_occurs == 0,
            Particle::Any(w) => w.min_occurs == 0,
            Particle::Group(g) => {
                g.min_occurs == 0
                    || match g.kind {
                        GroupKind::Sequence | GroupKind::All => {
                            g.particles.iter().all(|q| self.emptiable(q))
                        }
                        GroupKind::Choice => g.particles.iter().any(|q| self.emptiable(q)),
                    }
            }
        }
    }

    fn first_names(&self, p: &Particle) -> String {
        let mut names = Vec::new();
        collect_first(p, &mut names);
        names.join(", ")
    }

    fn value(&mut self, tu: &'c TypeUse, text: &str) -> Result<(), Invalid> {
        match self.resolve(tu)? {
            Resolved::Builtin(b) => self.builtin(b, &Facets::default(), text),
            Resolved::Def(td) => match &td.kind {
                TypeKind::Simple(st) => self.simple(st, text),
                TypeKind::Complex(ComplexType {
                    content: Content::Simple(inner),
                    ..
                }) => self.value(inner, text),
                TypeKind::Complex(_) => {
                    Err(self.err("a complex type where a simple value is expected"))
                }
            },
        }
    }

    fn simple(&mut self, st: &'c SimpleType, text: &str) -> Result<(), Invalid> {
        match &st.variety {
            SimpleVariety::Atomic(b) => {
                if !st.enumeration.is_empty() {
                    let v = normalize(*b, text);
                    if !st.enumeration.iter().any(|e| normalize(*b, &e.value) == v) {
                        return Err(self.err(format!(
                            "the value is not one of the {} values the enumeration allows",
                            st.enumeration.len()
                        )));
                    }
                }
                self.builtin(*b, &st.facets, text)
            }
            SimpleVariety::List(item) => {
                let items: Vec<&str> = text.split_whitespace().collect();
                let n = items.len() as u64;
                let f = &st.facets;
                if f.length.is_some_and(|l| n != l)
                    || f.min_length.is_some_and(|l| n < l)
                    || f.max_length.is_some_and(|l| n > l)
                {
                    return Err(self.err(format!(
                        "the list has {n} items, which its length facets do not allow"
                    )));
                }
                if !st.enumeration.is_empty()
                    && !st
                        .enumeration
                        .iter()
                        .any(|e| e.value.split_whitespace().eq(items.iter().copied()))
                {
                    return Err(
                        self.err("the list is not one of the values the enumeration allows")
                    );
                }
                for i in items {
                    self.value(item, i)?;
                }
                Ok(())
            }
            SimpleVariety::Union(members) => {
                let saved = self.path.clone();
                for m in members {
                    if self.value(m, text).is_ok() {
                        return Ok(());
                    }
                    self.path.clone_from(&saved);
                }
                Err(self.err("the value matches none of the union's member types"))
            }
        }
    }

    fn builtin(&self, b: Builtin, facets: &Facets, text: &str) -> Result<(), Invalid> {
        let v = normalize(b, text);
        lexical(b, &v).map_err(|what| self.err(format!("not a valid {} ({what})", b.xs_name())))?;
        crate::sample::check(b, facets, &v)
            .map_err(|facet| self.err(format!("the value breaks the {facet} facet of its type")))
    }
}

fn attr_name(a: &roxmltree::Attribute<'_, '_>) -> String {
    match a.namespace() {
        Some(ns) => format!("{{{ns}}}{}", a.name()),
        None => a.name().to_string(),
    }
}

fn collect_first(p: &Particle, out: &mut Vec<String>) {
    match p {
        Particle::Element(e) => out.push(e.name.to_string()),
        Particle::Any(_) => out.push("an extension element".into()),
        Particle::Group(g) => match g.kind {
            GroupKind::Sequence => {
                if let Some(q) = g.particles.first() {
                    collect_first(q, out);
                }
            }
            GroupKind::Choice | GroupKind::All => {
                for q in &g.particles {
                    collect_first(q, out);
                }
            }
        },
    }
}

fn text_of(node: Node<'_, '_>) -> String {
    node.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}

/// The value after the built-in's white-space rule (`preserve` for xs:string, `replace` for
/// xs:normalizedString, `collapse` for everything else).
fn normalize(b: Builtin, text: &str) -> String {
    match b {
        Builtin::String | Builtin::AnySimpleType => text.to_string(),
        Builtin::NormalizedString => text.replace(['\t', '\n', '\r'], " "),
        _ => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Checks the lexical form of a built-in; the error says what is wrong, never the value.
fn lexical(b: Builtin, v: &str) -> Result<(), &'static str> {
    use Builtin as B;
    use tandvard_runtime::SimpleValue as _;
    let ok = |r: bool, what| if r { Ok(()) } else { Err(what) };
    match b {
        B::Boolean => ok(
            matches!(v, "true" | "false" | "1" | "0"),
            "not true, false, 1 or 0",
        ),
        B::Decimal => ok(
            !v.is_empty()
                && v.trim_start_matches(['+', '-'])
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.')
                && v.matches('.').count() <= 1
                && v.chars().any(|c| c.is_ascii_digit()),
            "not a decimal number",
        ),
        b if b.is_integer() => ok(
            !v.is_empty()
                && v.trim_start_matches(['+', '-'])
                    .chars()
                    .all(|c| c.is_ascii_digit())
                && v.chars().any(|c| c.is_ascii_digit()),
            "not an integer",
        ),
        B::Float | B::Double => ok(
            matches!(v, "INF" | "-INF" | "NaN")
                || v.parse::<f64>()
                    .is_ok_and(|_| !v.contains(['i', 'I', 'n', 'N'])),
            "not a floating-point number",
        ),
        B::Date => ok(tandvard_runtime::Date::from_text(v).is_ok(), "not a date"),
        B::DateTime => ok(
            tandvard_runtime::DateTime::from_text(v).is_ok(),
            "not a date and time",
        ),
        B::Time => ok(tandvard_runtime::Time::from_text(v).is_ok(), "not a time"),
        B::Duration => ok(
            tandvard_runtime::Duration::from_text(v).is_ok(),
            "not a duration",
        ),
        B::GYear => ok(tandvard_runtime::GYear::from_text(v).is_ok(), "not a year"),
        B::GYearMonth => ok(
            tandvard_runtime::GYearMonth::from_text(v).is_ok(),
            "not a year and month",
        ),
        B::GMonth => ok(
            tandvard_runtime::GMonth::from_text(v).is_ok(),
            "not a month",
        ),
        B::GMonthDay => ok(
            tandvard_runtime::GMonthDay::from_text(v).is_ok(),
            "not a month and day",
        ),
        B::GDay => ok(tandvard_runtime::GDay::from_text(v).is_ok(), "not a day"),
        B::HexBinary => ok(
            v.len() % 2 == 0 && v.chars().all(|c| c.is_ascii_hexdigit()),
            "not hexadecimal octets",
        ),
        B::Base64Binary => {
            use base64::Engine as _;
            let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            ok(
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .is_ok(),
                "not base64",
            )
        }
        B::NcName | B::Id | B::IdRef | B::Entity => ok(is_ncname(v), "not an NCName"),
        B::Name => ok(
            !v.is_empty() && !v.contains(char::is_whitespace),
            "not a Name",
        ),
        B::Language => ok(
            !v.is_empty()
                && v.split('-').all(|p| {
                    !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric())
                }),
            "not a language tag",
        ),
        _ => Ok(()),
    }
}

fn is_ncname(v: &str) -> bool {
    let mut chars = v.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{B7}'))
}
