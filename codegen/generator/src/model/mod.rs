//! The contract model: one normalized, serializable view of a set of contracts (operations with
//! their messages, and the element and type trees they reach). The renderer generates Rust from
//! it and the diff compares two of them, so both see exactly the same contract.
//!
//! It is built from our WSDL model and xsd-parser's interpreted types ([`build`]) and written
//! next to the generated crate as a snapshot (stable, sorted JSON).

pub mod build;
mod prune;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The snapshot format version; bump when the JSON shape changes incompatibly.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// A qualified name. Serialized in James Clark notation, `{namespace}local`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QName {
    /// Namespace URI; `None` for no namespace.
    pub ns: Option<String>,
    /// Local name.
    pub local: String,
}

impl QName {
    /// A name in a namespace.
    pub fn new(ns: Option<&str>, local: &str) -> Self {
        Self {
            ns: ns.map(str::to_string),
            local: local.to_string(),
        }
    }

    /// Parses `{ns}local` or `local`.
    pub fn parse_clark(s: &str) -> Option<Self> {
        if let Some(rest) = s.strip_prefix('{') {
            let (ns, local) = rest.split_once('}')?;
            Some(Self::new(Some(ns), local))
        } else {
            Some(Self::new(None, s))
        }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.ns {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

impl Serialize for QName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for QName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        QName::parse_clark(&s).ok_or_else(|| serde::de::Error::custom("invalid QName"))
    }
}

/// Where something is declared: a file relative to the contracts root, and a line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source {
    /// Path relative to the contracts root, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A whole set of contracts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// [`SNAPSHOT_FORMAT`].
    pub format: u32,
    /// Namespaces used, with the prefix the generated code writes.
    pub namespaces: Vec<Namespace>,
    /// One interface per WSDL port type, sorted by name.
    pub interfaces: Vec<Interface>,
    /// Global elements the operations reach, by `{ns}local`.
    pub elements: BTreeMap<String, Element>,
    /// Named types the operations reach, by `{ns}local`.
    pub types: BTreeMap<String, TypeDef>,
    /// Schema versions (`xs:schema/@version`) by target namespace.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub schema_versions: BTreeMap<String, String>,
}

impl Contract {
    /// Looks up a named type.
    pub fn type_def(&self, name: &QName) -> Option<&TypeDef> {
        self.types.get(&name.to_string())
    }

    /// Looks up a global element.
    pub fn element(&self, name: &QName) -> Option<&Element> {
        self.elements.get(&name.to_string())
    }

    /// True when the named type `t` derives (by extension or restriction, through any number
    /// of named bases) from `base`.
    pub fn derives_from(&self, t: &QName, base: &QName) -> bool {
        let mut cur = t.clone();
        for _ in 0..64 {
            let next = match self.type_def(&cur).map(|td| &td.kind) {
                Some(TypeKind::Complex(ct)) => ct.base.as_ref().map(|d| d.base.clone()),
                Some(TypeKind::Simple(st)) => st.base.clone(),
                None => None,
            };
            match next {
                Some(n) if &n == base => return true,
                Some(n) => cur = n,
                None => return false,
            }
        }
        false
    }

    /// Serializes the snapshot: stable, sorted, pretty JSON with a trailing newline.
    pub fn to_snapshot(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a snapshot.
    pub fn from_snapshot(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// A namespace with the prefix the generated writers use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    /// Namespace URI.
    pub uri: String,
    /// Prefix (unique within the contract).
    pub prefix: String,
}

/// SOAP version of a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SoapVersion {
    /// SOAP 1.1
    #[serde(rename = "1.1")]
    Soap11,
    /// SOAP 1.2
    #[serde(rename = "1.2")]
    Soap12,
}

/// One interface: a WSDL port type with its binding and address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    /// The port type's local name.
    pub name: String,
    /// The port type.
    pub port_type: QName,
    /// The SOAP binding used, if any.
    pub binding: Option<QName>,
    /// The service that exposes the binding, if any.
    pub service: Option<QName>,
    /// SOAP version of the binding.
    pub soap: SoapVersion,
    /// Endpoint address from `soap:address`.
    pub address: Option<String>,
    /// `wsdl:documentation` of the port type (or service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Where the port type is declared.
    pub source: Option<Source>,
    /// Operations in document order.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Operation name.
    pub name: String,
    /// SOAP action, if any.
    pub soap_action: Option<String>,
    /// `wsdl:documentation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Where the operation is declared (port type).
    pub source: Option<Source>,
    /// The request message.
    pub input: Option<MessageShape>,
    /// The response message.
    pub output: Option<MessageShape>,
    /// Declared faults.
    pub faults: Vec<FaultShape>,
}

/// A message as it travels: body parts and header parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageShape {
    /// The WSDL message.
    pub message: QName,
    /// Parts in the SOAP body.
    pub body: Vec<PartShape>,
    /// Parts bound as SOAP headers.
    pub headers: Vec<PartShape>,
}

/// A message part: an element (document/literal) or a type (rpc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartShape {
    /// Part name.
    pub name: String,
    /// The element, for element parts.
    pub element: Option<QName>,
    /// The type, for type parts.
    #[serde(rename = "type")]
    pub type_: Option<TypeUse>,
}

/// A declared fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultShape {
    /// Fault name.
    pub name: String,
    /// The WSDL message.
    pub message: QName,
    /// The detail element.
    pub element: Option<QName>,
}

/// A global element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Element {
    /// Its name.
    pub name: QName,
    /// Its type.
    #[serde(rename = "type")]
    pub type_: TypeUse,
    /// `nillable="true"`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nillable: bool,
    /// `abstract="true"`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_abstract: bool,
    /// `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `fixed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// `xs:documentation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Where it is declared.
    pub source: Option<Source>,
}

/// How a type is used: a built-in, a named type, or an anonymous type defined in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeUse {
    /// An XSD built-in datatype.
    Builtin(Builtin),
    /// A named type (key into [`Contract::types`]).
    Named(QName),
    /// An anonymous type.
    Inline(Box<TypeDef>),
}

/// A type definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    /// The name; `None` for anonymous types.
    pub name: Option<QName>,
    /// `xs:documentation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Where it is declared.
    pub source: Option<Source>,
    /// Simple or complex.
    pub kind: TypeKind,
}

/// Simple or complex.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    /// A simple type.
    Simple(SimpleType),
    /// A complex type.
    Complex(ComplexType),
}

/// A simple type: an atomic restriction, a list or a union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleType {
    /// Atomic, list or union.
    pub variety: SimpleVariety,
    /// The direct base this type restricts (for atomic types), if it is not a built-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<QName>,
    /// Facets, including those inherited from named bases.
    #[serde(default, skip_serializing_if = "Facets::is_empty")]
    pub facets: Facets,
    /// Enumerated values, in schema order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enumeration: Vec<EnumValue>,
}

/// The variety of a simple type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SimpleVariety {
    /// Values of one built-in primitive.
    Atomic(Builtin),
    /// A whitespace-separated list of items.
    List(Box<TypeUse>),
    /// One of several member types.
    Union(Vec<TypeUse>),
}

/// Constraining facets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// `length` (in characters; in items for lists; in octets for binary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
    /// `minLength`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// `maxLength`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// `pattern`s (XSD regex syntax); a value must match one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// `minInclusive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_inclusive: Option<String>,
    /// `maxInclusive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_inclusive: Option<String>,
    /// `minExclusive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_exclusive: Option<String>,
    /// `maxExclusive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_exclusive: Option<String>,
    /// `totalDigits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_digits: Option<u32>,
    /// `fractionDigits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction_digits: Option<u32>,
    /// `whiteSpace` when not the built-in's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub white_space: Option<String>,
}

impl Facets {
    /// True when no facet is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One enumerated value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    /// The value as written.
    pub value: String,
    /// `xs:documentation` of the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// A complex type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplexType {
    /// Derivation from a named base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Derivation>,
    /// `abstract="true"`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_abstract: bool,
    /// `mixed="true"`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub mixed: bool,
    /// Attributes, including inherited ones, in schema order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// `xs:anyAttribute`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_attribute: Option<Wildcard>,
    /// The content model.
    pub content: Content,
}

/// Derivation of a complex type from a named base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Derivation {
    /// Extension or restriction.
    pub method: DerivationMethod,
    /// The base type.
    pub base: QName,
}

/// Extension or restriction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DerivationMethod {
    /// `xs:extension`
    Extension,
    /// `xs:restriction`
    Restriction,
}

/// The content of a complex type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Content {
    /// No content (attributes only).
    Empty,
    /// Simple content: text of a simple type.
    Simple(TypeUse),
    /// Element content (inherited particles flattened in, base first).
    Elements(Group),
}

/// A model group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Sequence, choice or all.
    pub kind: GroupKind,
    /// `minOccurs`.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub min_occurs: u64,
    /// `maxOccurs`; `None` = unbounded.
    #[serde(default = "some_one", skip_serializing_if = "is_some_one")]
    pub max_occurs: Option<u64>,
    /// The particles, in schema order.
    pub particles: Vec<Particle>,
}

/// Sequence, choice or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// `xs:sequence`
    Sequence,
    /// `xs:choice`
    Choice,
    /// `xs:all`
    All,
}

/// A particle in a model group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Particle {
    /// A (local or referenced) element.
    Element(ElementUse),
    /// A nested group.
    Group(Group),
    /// A wildcard.
    Any(Wildcard),
}

/// An element in a content model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementUse {
    /// Its name as it appears in instances (no namespace for unqualified local elements).
    pub name: QName,
    /// Its type.
    #[serde(rename = "type")]
    pub type_: TypeUse,
    /// `minOccurs`.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub min_occurs: u64,
    /// `maxOccurs`; `None` = unbounded.
    #[serde(default = "some_one", skip_serializing_if = "is_some_one")]
    pub max_occurs: Option<u64>,
    /// `nillable="true"`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nillable: bool,
    /// `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `fixed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// A reference to a global element (`ref=`), rather than a local declaration.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_ref: bool,
    /// `xs:documentation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Where it is declared.
    pub source: Option<Source>,
}

/// An `xs:any` or `xs:anyAttribute` wildcard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wildcard {
    /// Which namespaces it admits.
    pub namespace: NamespaceConstraint,
    /// `processContents`.
    pub process_contents: ProcessContents,
    /// `minOccurs`.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub min_occurs: u64,
    /// `maxOccurs`; `None` = unbounded.
    #[serde(default = "some_one", skip_serializing_if = "is_some_one")]
    pub max_occurs: Option<u64>,
}

/// The namespaces a wildcard admits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamespaceConstraint {
    /// `##any`
    Any,
    /// `##other`: any namespace except this target namespace (and except no namespace).
    Other(Option<String>),
    /// An explicit list (`None` = `##local`).
    List(Vec<Option<String>>),
}

impl NamespaceConstraint {
    /// Whether an element or attribute in namespace `ns` (`None`: no namespace) is admitted.
    pub fn admits(&self, ns: Option<&str>) -> bool {
        match self {
            NamespaceConstraint::Any => true,
            NamespaceConstraint::Other(tns) => ns.is_some() && ns != tns.as_deref(),
            NamespaceConstraint::List(list) => list.iter().any(|n| n.as_deref() == ns),
        }
    }
}

/// `processContents`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessContents {
    /// `strict`
    Strict,
    /// `lax`
    Lax,
    /// `skip`
    Skip,
}

/// An attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    /// Its name (usually no namespace).
    pub name: QName,
    /// Its simple type.
    #[serde(rename = "type")]
    pub type_: TypeUse,
    /// `use="required"`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `fixed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// `xs:documentation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Where it is declared.
    pub source: Option<Source>,
}

/// The XSD built-in datatypes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Builtin {
    #[serde(rename = "xs:string")]
    String,
    #[serde(rename = "xs:normalizedString")]
    NormalizedString,
    #[serde(rename = "xs:token")]
    Token,
    #[serde(rename = "xs:language")]
    Language,
    #[serde(rename = "xs:Name")]
    Name,
    #[serde(rename = "xs:NCName")]
    NcName,
    #[serde(rename = "xs:NMTOKEN")]
    NmToken,
    #[serde(rename = "xs:NMTOKENS")]
    NmTokens,
    #[serde(rename = "xs:ID")]
    Id,
    #[serde(rename = "xs:IDREF")]
    IdRef,
    #[serde(rename = "xs:IDREFS")]
    IdRefs,
    #[serde(rename = "xs:ENTITY")]
    Entity,
    #[serde(rename = "xs:ENTITIES")]
    Entities,
    #[serde(rename = "xs:anyURI")]
    AnyUri,
    #[serde(rename = "xs:QName")]
    QName,
    #[serde(rename = "xs:NOTATION")]
    Notation,
    #[serde(rename = "xs:boolean")]
    Boolean,
    #[serde(rename = "xs:decimal")]
    Decimal,
    #[serde(rename = "xs:integer")]
    Integer,
    #[serde(rename = "xs:nonPositiveInteger")]
    NonPositiveInteger,
    #[serde(rename = "xs:negativeInteger")]
    NegativeInteger,
    #[serde(rename = "xs:long")]
    Long,
    #[serde(rename = "xs:int")]
    Int,
    #[serde(rename = "xs:short")]
    Short,
    #[serde(rename = "xs:byte")]
    Byte,
    #[serde(rename = "xs:nonNegativeInteger")]
    NonNegativeInteger,
    #[serde(rename = "xs:unsignedLong")]
    UnsignedLong,
    #[serde(rename = "xs:unsignedInt")]
    UnsignedInt,
    #[serde(rename = "xs:unsignedShort")]
    UnsignedShort,
    #[serde(rename = "xs:unsignedByte")]
    UnsignedByte,
    #[serde(rename = "xs:positiveInteger")]
    PositiveInteger,
    #[serde(rename = "xs:float")]
    Float,
    #[serde(rename = "xs:double")]
    Double,
    #[serde(rename = "xs:duration")]
    Duration,
    #[serde(rename = "xs:dateTime")]
    DateTime,
    #[serde(rename = "xs:time")]
    Time,
    #[serde(rename = "xs:date")]
    Date,
    #[serde(rename = "xs:gYearMonth")]
    GYearMonth,
    #[serde(rename = "xs:gYear")]
    GYear,
    #[serde(rename = "xs:gMonthDay")]
    GMonthDay,
    #[serde(rename = "xs:gDay")]
    GDay,
    #[serde(rename = "xs:gMonth")]
    GMonth,
    #[serde(rename = "xs:hexBinary")]
    HexBinary,
    #[serde(rename = "xs:base64Binary")]
    Base64Binary,
    #[serde(rename = "xs:anySimpleType")]
    AnySimpleType,
    #[serde(rename = "xs:anyType")]
    AnyType,
}

impl Builtin {
    /// The built-in for an XSD local name (`decimal`, `dateTime`, ...).
    pub fn from_xs_name(name: &str) -> Option<Self> {
        use Builtin as B;
        Some(match name {
            "string" => B::String,
            "normalizedString" => B::NormalizedString,
            "token" => B::Token,
            "language" => B::Language,
            "Name" => B::Name,
            "NCName" => B::NcName,
            "NMTOKEN" => B::NmToken,
            "NMTOKENS" => B::NmTokens,
            "ID" => B::Id,
            "IDREF" => B::IdRef,
            "IDREFS" => B::IdRefs,
            "ENTITY" => B::Entity,
            "ENTITIES" => B::Entities,
            "anyURI" => B::AnyUri,
            "QName" => B::QName,
            "NOTATION" => B::Notation,
            "boolean" => B::Boolean,
            "decimal" => B::Decimal,
            "integer" => B::Integer,
            "nonPositiveInteger" => B::NonPositiveInteger,
            "negativeInteger" => B::NegativeInteger,
            "long" => B::Long,
            "int" => B::Int,
            "short" => B::Short,
            "byte" => B::Byte,
            "nonNegativeInteger" => B::NonNegativeInteger,
            "unsignedLong" => B::UnsignedLong,
            "unsignedInt" => B::UnsignedInt,
            "unsignedShort" => B::UnsignedShort,
            "unsignedByte" => B::UnsignedByte,
            "positiveInteger" => B::PositiveInteger,
            "float" => B::Float,
            "double" => B::Double,
            "duration" => B::Duration,
            "dateTime" => B::DateTime,
            "time" => B::Time,
            "date" => B::Date,
            "gYearMonth" => B::GYearMonth,
            "gYear" => B::GYear,
            "gMonthDay" => B::GMonthDay,
            "gDay" => B::GDay,
            "gMonth" => B::GMonth,
            "hexBinary" => B::HexBinary,
            "base64Binary" => B::Base64Binary,
            "anySimpleType" => B::AnySimpleType,
            "anyType" => B::AnyType,
            _ => return None,
        })
    }

    /// True for `xs:integer` and the built-ins derived from it.
    pub fn is_integer(self) -> bool {
        use Builtin as B;
        matches!(
            self,
            B::Integer
                | B::NonPositiveInteger
                | B::NegativeInteger
                | B::Long
                | B::Int
                | B::Short
                | B::Byte
                | B::NonNegativeInteger
                | B::UnsignedLong
                | B::UnsignedInt
                | B::UnsignedShort
                | B::UnsignedByte
                | B::PositiveInteger
        )
    }

    /// The `xs:` name.
    pub fn xs_name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

fn some_one() -> Option<u64> {
    Some(1)
}

fn is_some_one(n: &Option<u64>) -> bool {
    *n == Some(1)
}
