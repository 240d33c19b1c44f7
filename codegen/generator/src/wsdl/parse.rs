//! roxmltree document -> [`WsdlDocument`].

use std::path::Path;

use roxmltree::{Document, Node, ParsingOptions};

use super::schema::extract_inline_schema;
use super::{
    Binding, BindingFault, BindingIo, BindingOperation, FaultRef, HTTP_BINDING_NS, Import,
    ImportTarget, IoRef, Message, Operation, Part, PartContent, Port, PortType, QName,
    SOAP11_BINDING_NS, SOAP12_BINDING_NS, Service, SoapBody, SoapHeader, SoapHeaderFault,
    SoapVersion, SourcePos, Style, Use, WSDL_NS, WsdlDocument, WsdlError, XSD_NS, qname,
};

type Result<T> = std::result::Result<T, WsdlError>;

impl WsdlDocument {
    /// Parses one WSDL 1.1 document from text. `path` is used for positions and names only;
    /// imports are not followed (use [`super::WsdlSet::load`] for that).
    pub fn parse(path: &Path, text: &str) -> Result<WsdlDocument> {
        let doc = parse_xml(path, text, false)?;
        let root = doc.root_element();
        let tns = root.attribute("targetNamespace").filter(|s| !s.is_empty());
        let ctx = Ctx::new(path, text, tns);
        if !is(root, WSDL_NS, "definitions") {
            return Err(not_wsdl(&ctx, root));
        }
        ctx.definitions(root)
    }
}

/// Parses XML text with DTDs refused (unless `allow_dtd`), mapping errors to [`WsdlError`].
pub(crate) fn parse_xml<'i>(path: &Path, text: &'i str, allow_dtd: bool) -> Result<Document<'i>> {
    let opts = ParsingOptions {
        allow_dtd,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => WsdlError::Dtd {
            pos: pos_at(path, text, text.find("<!DOCTYPE").unwrap_or(0)),
        },
        other => {
            let p = other.pos();
            WsdlError::Xml {
                pos: SourcePos {
                    file: path.to_path_buf(),
                    line: p.row,
                    column: p.col,
                },
                message: format!("not well-formed XML: {other}"),
            }
        }
    })
}

/// Line and column of a byte offset.
pub(crate) fn pos_at(path: &Path, text: &str, offset: usize) -> SourcePos {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    SourcePos {
        file: path.to_path_buf(),
        line: u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX),
        column: u32::try_from(before[line_start..].chars().count() + 1).unwrap_or(u32::MAX),
    }
}

fn not_wsdl(ctx: &Ctx, root: Node) -> WsdlError {
    let root_name = qname(root.tag_name().namespace(), root.tag_name().name());
    let hint = match root_name.ns.as_deref() {
        Some("http://www.w3.org/ns/wsdl") => "; WSDL 2.0 is not supported",
        Some(XSD_NS) => "; this is an XML Schema document",
        _ => "",
    };
    WsdlError::NotWsdl {
        pos: ctx.pos(root),
        root: root_name,
        hint: hint.to_owned(),
    }
}

/// Byte offset -> line and column in O(log n + STEP), also for huge single-line files
/// (roxmltree's `text_pos_at` rescans the text from the start on every call).
struct TextIndex {
    /// (byte offset, line, column) checkpoints, at least every `STEP` bytes.
    marks: Vec<(usize, u32, u32)>,
}

impl TextIndex {
    const STEP: usize = 4096;

    fn new(text: &str) -> Self {
        let mut marks = vec![(0, 1, 1)];
        let (mut line, mut column, mut next) = (1u32, 1u32, Self::STEP);
        for (i, c) in text.char_indices() {
            if i >= next {
                marks.push((i, line, column));
                next = i + Self::STEP;
            }
            (line, column) = if c == '\n' {
                (line.saturating_add(1), 1)
            } else {
                (line, column.saturating_add(1))
            };
        }
        TextIndex { marks }
    }

    fn line_column(&self, text: &str, offset: usize) -> (u32, u32) {
        let k = self
            .marks
            .partition_point(|m| m.0 <= offset)
            .saturating_sub(1);
        let (start, mut line, mut column) = self.marks.get(k).copied().unwrap_or((0, 1, 1));
        for c in text.get(start..offset).unwrap_or_default().chars() {
            (line, column) = if c == '\n' {
                (line.saturating_add(1), 1)
            } else {
                (line, column.saturating_add(1))
            };
        }
        (line, column)
    }
}

/// Is `node` the element `{ns}local`?
pub(crate) fn is(node: Node, ns: &str, local: &str) -> bool {
    node.is_element() && node.tag_name().name() == local && node.tag_name().namespace() == Some(ns)
}

fn is_soap(node: Node, local: &str) -> Option<SoapVersion> {
    if is(node, SOAP11_BINDING_NS, local) {
        Some(SoapVersion::Soap11)
    } else if is(node, SOAP12_BINDING_NS, local) {
        Some(SoapVersion::Soap12)
    } else {
        None
    }
}

/// Element children `{WSDL_NS}local`.
fn wsdl_children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    local: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is(*c, WSDL_NS, local))
}

/// First SOAP 1.1 or 1.2 extension child `local`.
fn soap_child<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Option<(Node<'a, 'i>, SoapVersion)> {
    node.children()
        .find_map(|c| is_soap(c, local).map(|v| (c, v)))
}

/// Per-document parsing context.
pub(crate) struct Ctx<'a, 'i> {
    pub(crate) path: &'a Path,
    pub(crate) text: &'i str,
    positions: TextIndex,
    tns: Option<&'i str>,
}

impl<'a, 'i> Ctx<'a, 'i> {
    pub(crate) fn new(path: &'a Path, text: &'i str, tns: Option<&'i str>) -> Self {
        Ctx {
            path,
            text,
            positions: TextIndex::new(text),
            tns,
        }
    }

    /// Position of an element's start tag.
    pub(crate) fn pos(&self, node: Node) -> SourcePos {
        let (line, column) = self.positions.line_column(self.text, node.range().start);
        SourcePos {
            file: self.path.to_path_buf(),
            line,
            column,
        }
    }

    fn element_name(node: Node) -> String {
        let tag = node.tag_name();
        match node.lookup_prefix(tag.namespace().unwrap_or_default()) {
            Some(p) if !p.is_empty() => format!("{p}:{}", tag.name()),
            _ => tag.name().to_owned(),
        }
    }

    fn required<'n>(&self, node: Node<'n, 'i>, attr: &str) -> Result<&'n str> {
        node.attribute(attr).ok_or_else(|| {
            WsdlError::invalid(
                self.pos(node),
                format!(
                    "<{}> has no {attr} attribute (expected {attr}=\"...\")",
                    Self::element_name(node)
                ),
            )
        })
    }

    /// The `name` attribute as a QName in the target namespace.
    fn component_name(&self, node: Node) -> Result<QName> {
        Ok(qname(self.tns, self.required(node, "name")?))
    }

    /// Resolves a QName-valued attribute using the namespace declarations in scope at `node`.
    fn qname_attr(&self, node: Node, attr: &str) -> Result<Option<QName>> {
        let Some(value) = node.attribute(attr) else {
            return Ok(None);
        };
        let raw = value.trim();
        let bad = |why: String| {
            WsdlError::invalid(
                self.pos(node),
                format!("<{}> {attr}=\"{value}\": {why}", Self::element_name(node)),
            )
        };
        let (prefix, local) = match raw.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, raw),
        };
        if local.is_empty() || local.contains(':') || prefix == Some("") {
            return Err(bad("expected a QName like prefix:name".to_owned()));
        }
        let namespace = match prefix {
            Some(p) => Some(node.lookup_namespace_uri(Some(p)).ok_or_else(|| {
                bad(format!(
                    "namespace prefix \"{p}\" is not declared (expected an xmlns:{p}=\"...\" declaration on this element or an ancestor)"
                ))
            })?),
            None => node.lookup_namespace_uri(None),
        };
        Ok(Some(qname(namespace, local)))
    }

    fn required_qname(&self, node: Node, attr: &str) -> Result<QName> {
        self.qname_attr(node, attr)?.ok_or_else(|| {
            WsdlError::invalid(
                self.pos(node),
                format!(
                    "<{}> has no {attr} attribute (expected {attr}=\"prefix:name\")",
                    Self::element_name(node)
                ),
            )
        })
    }

    fn enum_attr<T>(&self, node: Node, attr: &str, values: &[(&str, T)]) -> Result<Option<T>>
    where
        T: Copy,
    {
        let Some(v) = node.attribute(attr) else {
            return Ok(None);
        };
        if let Some((_, t)) = values.iter().find(|(name, _)| *name == v.trim()) {
            return Ok(Some(*t));
        }
        let expected: Vec<String> = values.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        Err(WsdlError::invalid(
            self.pos(node),
            format!(
                "<{}> {attr}=\"{v}\": expected {}",
                Self::element_name(node),
                expected.join(" or ")
            ),
        ))
    }

    fn style(&self, node: Node) -> Result<Option<Style>> {
        self.enum_attr(
            node,
            "style",
            &[("document", Style::Document), ("rpc", Style::Rpc)],
        )
    }

    fn use_(&self, node: Node) -> Result<Use> {
        let values = [("literal", Use::Literal), ("encoded", Use::Encoded)];
        Ok(self
            .enum_attr(node, "use", &values)?
            .unwrap_or(Use::Literal))
    }

    fn definitions(&self, root: Node) -> Result<WsdlDocument> {
        let mut doc = WsdlDocument {
            path: self.path.to_path_buf(),
            name: root.attribute("name").map(str::to_owned),
            target_namespace: self.tns.map(str::to_owned),
            documentation: documentation(root, true),
            imports: Vec::new(),
            types: Vec::new(),
            messages: Vec::new(),
            port_types: Vec::new(),
            bindings: Vec::new(),
            services: Vec::new(),
        };
        for child in root
            .children()
            .filter(|c| c.tag_name().namespace() == Some(WSDL_NS))
        {
            match child.tag_name().name() {
                "import" => doc.imports.push(self.import(child)),
                "types" => self.types(child, &mut doc)?,
                "message" => doc.messages.push(self.message(child)?),
                "portType" => doc.port_types.push(self.port_type(child)?),
                "binding" => doc.bindings.push(self.binding(child)?),
                "service" => doc.services.push(self.service(child)?),
                _ => {}
            }
        }
        Ok(doc)
    }

    fn import(&self, node: Node) -> Import {
        Import {
            namespace: node.attribute("namespace").map(str::to_owned),
            location: node.attribute("location").map(str::to_owned),
            target: ImportTarget::Unresolved,
            pos: self.pos(node),
        }
    }

    fn types(&self, node: Node, doc: &mut WsdlDocument) -> Result<()> {
        for schema in node.children().filter(|c| is(*c, XSD_NS, "schema")) {
            let index = doc.types.len();
            doc.types.push(extract_inline_schema(self, schema, index)?);
        }
        Ok(())
    }

    fn message(&self, node: Node) -> Result<Message> {
        let parts = wsdl_children(node, "part")
            .map(|p| self.part(p))
            .collect::<Result<_>>()?;
        Ok(Message {
            name: self.component_name(node)?,
            parts,
            documentation: documentation(node, true),
            pos: self.pos(node),
        })
    }

    fn part(&self, node: Node) -> Result<Part> {
        let name = self.required(node, "name")?.to_owned();
        let content = match (
            self.qname_attr(node, "element")?,
            self.qname_attr(node, "type")?,
        ) {
            (Some(e), None) => PartContent::Element(e),
            (None, Some(t)) => PartContent::Type(t),
            (e, _) => {
                let found = if e.is_some() { "both" } else { "neither" };
                return Err(WsdlError::invalid(
                    self.pos(node),
                    format!(
                        "part \"{name}\" has {found} element= and type= (expected exactly one)"
                    ),
                ));
            }
        };
        Ok(Part {
            name,
            content,
            pos: self.pos(node),
        })
    }

    fn port_type(&self, node: Node) -> Result<PortType> {
        let operations = wsdl_children(node, "operation")
            .map(|op| self.operation(op))
            .collect::<Result<_>>()?;
        Ok(PortType {
            name: self.component_name(node)?,
            operations,
            documentation: documentation(node, false),
            pos: self.pos(node),
        })
    }

    fn operation(&self, node: Node) -> Result<Operation> {
        let io = |local| -> Result<Option<IoRef>> {
            wsdl_children(node, local)
                .next()
                .map(|n| {
                    Ok(IoRef {
                        name: n.attribute("name").map(str::to_owned),
                        message: self.required_qname(n, "message")?,
                        pos: self.pos(n),
                    })
                })
                .transpose()
        };
        let faults = wsdl_children(node, "fault")
            .map(|f| {
                Ok(FaultRef {
                    name: self.required(f, "name")?.to_owned(),
                    message: self.required_qname(f, "message")?,
                    pos: self.pos(f),
                })
            })
            .collect::<Result<_>>()?;
        Ok(Operation {
            name: self.required(node, "name")?.to_owned(),
            parameter_order: node.attribute("parameterOrder").map(split_list),
            input: io("input")?,
            output: io("output")?,
            faults,
            documentation: documentation(node, false),
            pos: self.pos(node),
        })
    }

    fn binding(&self, node: Node) -> Result<Binding> {
        let ext = soap_child(node, "binding");
        let (style, transport) = match ext {
            Some((b, _)) => (self.style(b)?, b.attribute("transport").map(str::to_owned)),
            None => (None, None),
        };
        let operations = wsdl_children(node, "operation")
            .map(|op| self.binding_operation(op))
            .collect::<Result<_>>()?;
        Ok(Binding {
            name: self.component_name(node)?,
            port_type: self.required_qname(node, "type")?,
            soap: ext.map(|(_, v)| v),
            style,
            transport,
            operations,
            pos: self.pos(node),
        })
    }

    fn binding_operation(&self, node: Node) -> Result<BindingOperation> {
        let soap_op = soap_child(node, "operation").map(|(n, _)| n);
        let (soap_action, soap_action_required, style) = match soap_op {
            Some(n) => (
                n.attribute("soapAction").map(str::to_owned),
                self.enum_attr(
                    n,
                    "soapActionRequired",
                    &[("true", true), ("1", true), ("false", false), ("0", false)],
                )?,
                self.style(n)?,
            ),
            None => (None, None, None),
        };
        let io = |local| -> Result<Option<BindingIo>> {
            wsdl_children(node, local)
                .next()
                .map(|n| self.binding_io(n))
                .transpose()
        };
        let faults = wsdl_children(node, "fault")
            .map(|f| {
                let use_ = match soap_child(f, "fault") {
                    Some((sf, _)) => self.use_(sf)?,
                    None => Use::Literal,
                };
                Ok(BindingFault {
                    name: self.required(f, "name")?.to_owned(),
                    use_,
                    pos: self.pos(f),
                })
            })
            .collect::<Result<_>>()?;
        Ok(BindingOperation {
            name: self.required(node, "name")?.to_owned(),
            soap_action,
            soap_action_required,
            style,
            input: io("input")?,
            output: io("output")?,
            faults,
            documentation: documentation(node, false),
            pos: self.pos(node),
        })
    }

    /// `wsdl:input`/`wsdl:output` of a binding operation. `soap:body` and `soap:header` are
    /// searched among all descendants so that SwA bindings (`mime:multipartRelated`) work too.
    fn binding_io(&self, node: Node) -> Result<BindingIo> {
        let body = node
            .descendants()
            .find(|d| is_soap(*d, "body").is_some())
            .map(|b| {
                Ok::<_, WsdlError>(SoapBody {
                    use_: self.use_(b)?,
                    parts: b.attribute("parts").map(split_list),
                    namespace: b.attribute("namespace").map(str::to_owned),
                })
            })
            .transpose()?;
        let headers = node
            .descendants()
            .filter(|d| is_soap(*d, "header").is_some())
            .map(|h| self.soap_header(h))
            .collect::<Result<_>>()?;
        Ok(BindingIo {
            name: node.attribute("name").map(str::to_owned),
            body,
            headers,
            pos: self.pos(node),
        })
    }

    fn soap_header(&self, node: Node) -> Result<SoapHeader> {
        let headerfaults = node
            .children()
            .filter(|c| is_soap(*c, "headerfault").is_some())
            .map(|hf| {
                Ok(SoapHeaderFault {
                    message: self.required_qname(hf, "message")?,
                    part: self.required(hf, "part")?.to_owned(),
                    use_: self.use_(hf)?,
                    pos: self.pos(hf),
                })
            })
            .collect::<Result<_>>()?;
        Ok(SoapHeader {
            message: self.required_qname(node, "message")?,
            part: self.required(node, "part")?.to_owned(),
            use_: self.use_(node)?,
            namespace: node.attribute("namespace").map(str::to_owned),
            headerfaults,
            pos: self.pos(node),
        })
    }

    fn service(&self, node: Node) -> Result<Service> {
        let ports = wsdl_children(node, "port")
            .map(|p| self.port(p))
            .collect::<Result<_>>()?;
        Ok(Service {
            name: self.component_name(node)?,
            ports,
            documentation: documentation(node, false),
            pos: self.pos(node),
        })
    }

    fn port(&self, node: Node) -> Result<Port> {
        let soap = soap_child(node, "address");
        let address = match soap {
            Some((a, _)) => Some(a),
            None => node.children().find(|c| is(*c, HTTP_BINDING_NS, "address")),
        };
        Ok(Port {
            name: self.required(node, "name")?.to_owned(),
            binding: self.required_qname(node, "binding")?,
            address: address
                .and_then(|a| a.attribute("location"))
                .map(str::to_owned),
            soap: soap.map(|(_, v)| v),
            pos: self.pos(node),
        })
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

/// The `wsdl:documentation` children of `node` as normalised text. With `annotation_fallback`,
/// `xs:annotation/xs:documentation` children are used when there is no `wsdl:documentation`.
fn documentation(node: Node, annotation_fallback: bool) -> Option<String> {
    let mut texts: Vec<String> = wsdl_children(node, "documentation")
        .filter_map(doc_text)
        .collect();
    if texts.is_empty() && annotation_fallback {
        texts = node
            .children()
            .filter(|c| is(*c, XSD_NS, "annotation"))
            .flat_map(|a| a.children().filter(|c| is(*c, XSD_NS, "documentation")))
            .filter_map(doc_text)
            .collect();
    }
    (!texts.is_empty()).then(|| texts.join("\n\n"))
}

/// Text content of an element, normalised: every line trimmed with inner whitespace runs
/// collapsed to one space, leading/trailing blank lines dropped, runs of blank lines collapsed
/// to one. Line breaks are kept (they usually carry meaning in contract documentation).
fn doc_text(node: Node) -> Option<String> {
    let raw: String = node
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for line in raw.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let prev_blank = out.last().is_none_or(|l| l.is_empty());
        if !(line.is_empty() && prev_blank) {
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    (!out.is_empty()).then(|| out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::TextIndex;

    #[test]
    fn text_index_agrees_with_roxmltree() {
        let mut text = String::from("<r>\n");
        for i in 0..400 {
            text.push_str(&format!("<é{i} a='å'/>"));
            if i % 7 == 0 {
                text.push('\n');
            }
        }
        text.push_str("</r>");
        let doc = roxmltree::Document::parse(&text).expect("well-formed");
        let index = TextIndex::new(&text);
        for node in doc.descendants().filter(|n| n.is_element()) {
            let start = node.range().start;
            let expected = doc.text_pos_at(start);
            assert_eq!(
                index.line_column(&text, start),
                (expected.row, expected.col)
            );
        }
    }
}
