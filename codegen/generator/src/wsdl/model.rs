//! The per-document WSDL 1.1 model: one struct per WSDL construct, QNames already resolved.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{QName, SourcePos};

/// One parsed WSDL 1.1 file (`wsdl:definitions`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WsdlDocument {
    /// The file it was read from.
    pub path: PathBuf,
    /// `definitions/@name`.
    pub name: Option<String>,
    /// `definitions/@targetNamespace`; the namespace of every component defined here.
    pub target_namespace: Option<String>,
    /// `wsdl:documentation` of the definitions (or, failing that, an `xs:annotation` there).
    pub documentation: Option<String>,
    /// `wsdl:import` elements, in document order.
    pub imports: Vec<Import>,
    /// The `xs:schema` elements of `wsdl:types`, in document order.
    pub types: Vec<InlineSchema>,
    /// `wsdl:message` elements.
    pub messages: Vec<Message>,
    /// `wsdl:portType` elements.
    pub port_types: Vec<PortType>,
    /// `wsdl:binding` elements.
    pub bindings: Vec<Binding>,
    /// `wsdl:service` elements.
    pub services: Vec<Service>,
}

/// A `wsdl:import`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// `@namespace`.
    pub namespace: Option<String>,
    /// `@location`, verbatim.
    pub location: Option<String>,
    /// What the import led to; [`ImportTarget::Unresolved`] until a [`super::WsdlSet`] loads it.
    pub target: ImportTarget,
    /// The `wsdl:import` element.
    pub pos: SourcePos,
}

/// What a `wsdl:import` resolved to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportTarget {
    /// Not followed: parsed alone, or no location and no catalog entry for the namespace.
    Unresolved,
    /// A WSDL document, loaded into the same set.
    Wsdl(PathBuf),
    /// An XML Schema document (root `xs:schema`); left to the schema loader.
    Schema(PathBuf),
}

/// One `xs:schema` element from `wsdl:types`, as stand-alone text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlineSchema {
    /// The WSDL file that contains it.
    pub wsdl_path: PathBuf,
    /// Position among the `xs:schema` elements of that file's `wsdl:types` (0-based).
    pub index: usize,
    /// `xs:schema/@targetNamespace`.
    pub target_namespace: Option<String>,
    /// The element's original bytes, with every namespace declaration in scope added to the
    /// start tag (right after the element name, so still on the first line) unless the start tag
    /// already declares that prefix. Parses on its own.
    pub text: String,
    /// 1-based line of the `<xs:schema` start tag in the WSDL file: line `n` of `text` is line
    /// `line + n - 1` of the WSDL file.
    pub line: u32,
    /// 1-based column of the `<xs:schema` start tag.
    pub column: u32,
    /// A stable name usable as a virtual file name, e.g. `CheckPatient.wsdl#schema0`; unique
    /// within a [`super::WsdlSet`] (more parent directories are prepended when file names clash).
    pub virtual_name: String,
    /// `xs:import` children as `(namespace, schemaLocation)`, in document order.
    pub imports: Vec<(Option<String>, Option<String>)>,
    /// `schemaLocation` of `xs:include` children, in document order.
    pub includes: Vec<String>,
}

/// A `wsdl:message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Name in the document's target namespace.
    pub name: QName,
    /// `wsdl:part` elements, in document order.
    pub parts: Vec<Part>,
    /// `wsdl:documentation` (or, failing that, an `xs:annotation`, the RIV-TA habit).
    pub documentation: Option<String>,
    /// The `wsdl:message` element.
    pub pos: SourcePos,
}

impl Message {
    /// The part with this name.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }
}

/// A `wsdl:part`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// `@name`.
    pub name: String,
    /// `@element` or `@type`.
    pub content: PartContent,
    /// The `wsdl:part` element.
    pub pos: SourcePos,
}

/// What a part refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartContent {
    /// `element="..."`: a global element declaration (document style).
    Element(QName),
    /// `type="..."`: a type definition (rpc style).
    Type(QName),
}

/// A `wsdl:portType`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortType {
    /// Name in the document's target namespace.
    pub name: QName,
    /// Operations, in document order.
    pub operations: Vec<Operation>,
    /// `wsdl:documentation`.
    pub documentation: Option<String>,
    /// The `wsdl:portType` element.
    pub pos: SourcePos,
}

/// An abstract `wsdl:operation` of a port type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// `@name`.
    pub name: String,
    /// `@parameterOrder`, split on whitespace.
    pub parameter_order: Option<Vec<String>>,
    /// `wsdl:input`.
    pub input: Option<IoRef>,
    /// `wsdl:output`.
    pub output: Option<IoRef>,
    /// Every `wsdl:fault`, in document order.
    pub faults: Vec<FaultRef>,
    /// `wsdl:documentation`.
    pub documentation: Option<String>,
    /// The `wsdl:operation` element.
    pub pos: SourcePos,
}

/// `wsdl:input` / `wsdl:output` of a port type operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IoRef {
    /// `@name`.
    pub name: Option<String>,
    /// `@message`.
    pub message: QName,
    /// The element.
    pub pos: SourcePos,
}

/// `wsdl:fault` of a port type operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRef {
    /// `@name`.
    pub name: String,
    /// `@message`.
    pub message: QName,
    /// The element.
    pub pos: SourcePos,
}

/// SOAP version of a binding or port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SoapVersion {
    /// SOAP 1.1 (`wsdl/soap/` extensions).
    Soap11,
    /// SOAP 1.2 (`wsdl/soap12/` extensions).
    Soap12,
}

impl SoapVersion {
    /// Namespace of the SOAP envelope for this version.
    pub fn envelope_namespace(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "http://schemas.xmlsoap.org/soap/envelope/",
            SoapVersion::Soap12 => "http://www.w3.org/2003/05/soap-envelope",
        }
    }
}

/// `style` of a SOAP binding or operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Style {
    /// `document`.
    Document,
    /// `rpc`.
    Rpc,
}

/// `use` of a SOAP body, header or fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Use {
    /// `literal` (also the default when `use` is absent).
    Literal,
    /// `encoded`.
    Encoded,
}

/// A `wsdl:binding`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// Name in the document's target namespace.
    pub name: QName,
    /// `@type`: the port type.
    pub port_type: QName,
    /// From `soap:binding` / `soap12:binding`; `None` for non-SOAP (HTTP, ...) bindings.
    pub soap: Option<SoapVersion>,
    /// `soap:binding/@style`.
    pub style: Option<Style>,
    /// `soap:binding/@transport`.
    pub transport: Option<String>,
    /// Binding operations, in document order.
    pub operations: Vec<BindingOperation>,
    /// The `wsdl:binding` element.
    pub pos: SourcePos,
}

/// A `wsdl:operation` inside a binding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingOperation {
    /// `@name`: the port type operation it binds.
    pub name: String,
    /// `soap:operation/@soapAction`, verbatim (may be empty).
    pub soap_action: Option<String>,
    /// `soap12:operation/@soapActionRequired`.
    pub soap_action_required: Option<bool>,
    /// `soap:operation/@style`.
    pub style: Option<Style>,
    /// `wsdl:input`.
    pub input: Option<BindingIo>,
    /// `wsdl:output`.
    pub output: Option<BindingIo>,
    /// `wsdl:fault` elements, in document order.
    pub faults: Vec<BindingFault>,
    /// `wsdl:documentation`.
    pub documentation: Option<String>,
    /// The element.
    pub pos: SourcePos,
}

/// `wsdl:input` / `wsdl:output` of a binding operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingIo {
    /// `@name`.
    pub name: Option<String>,
    /// `soap:body` (also found inside `mime:multipartRelated`).
    pub body: Option<SoapBody>,
    /// `soap:header` elements, in document order.
    pub headers: Vec<SoapHeader>,
    /// The element.
    pub pos: SourcePos,
}

/// `soap:body`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoapBody {
    /// `@use`.
    pub use_: Use,
    /// `@parts`, split on whitespace; `None` means all parts.
    pub parts: Option<Vec<String>>,
    /// `@namespace` (rpc style).
    pub namespace: Option<String>,
}

/// `soap:header`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoapHeader {
    /// `@message`.
    pub message: QName,
    /// `@part`.
    pub part: String,
    /// `@use`.
    pub use_: Use,
    /// `@namespace`.
    pub namespace: Option<String>,
    /// `soap:headerfault` children.
    pub headerfaults: Vec<SoapHeaderFault>,
    /// The element.
    pub pos: SourcePos,
}

/// `soap:headerfault`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoapHeaderFault {
    /// `@message`.
    pub message: QName,
    /// `@part`.
    pub part: String,
    /// `@use`.
    pub use_: Use,
    /// The element.
    pub pos: SourcePos,
}

/// `wsdl:fault` of a binding operation (with its `soap:fault`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingFault {
    /// `@name`: the port type fault it binds.
    pub name: String,
    /// `soap:fault/@use`.
    pub use_: Use,
    /// The element.
    pub pos: SourcePos,
}

/// A `wsdl:service`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Name in the document's target namespace.
    pub name: QName,
    /// `wsdl:port` elements, in document order.
    pub ports: Vec<Port>,
    /// `wsdl:documentation`.
    pub documentation: Option<String>,
    /// The element.
    pub pos: SourcePos,
}

/// A `wsdl:port`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Port {
    /// `@name`.
    pub name: String,
    /// `@binding`.
    pub binding: QName,
    /// `soap:address/@location` (or `soap12:` / `http:address`).
    pub address: Option<String>,
    /// Which SOAP address element was used; `None` for non-SOAP addresses.
    pub soap: Option<SoapVersion>,
    /// The element.
    pub pos: SourcePos,
}
