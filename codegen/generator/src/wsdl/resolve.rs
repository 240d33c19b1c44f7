//! The loaded set of documents, QName lookups across it, and the resolved operation view.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    Binding, BindingIo, BindingOperation, ImportTarget, InlineSchema, IoRef, Message, Operation,
    Part, PortType, QName, Service, SoapHeader, SoapVersion, SourcePos, Style, Use, WsdlDocument,
    WsdlError,
};

type Result<T> = std::result::Result<T, WsdlError>;
/// (document index, item index) of a named component.
type Index = BTreeMap<QName, (usize, usize)>;

/// One or more WSDL documents loaded together, with components indexed by QName.
#[derive(Clone, Debug, Default)]
pub struct WsdlSet {
    documents: Vec<WsdlDocument>,
    messages: Index,
    port_types: Index,
    bindings: Index,
    services: Index,
}

/// One operation of a SOAP binding (or of a port type nobody binds), with every reference
/// followed: what the generator needs to emit one client method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedOperation {
    /// The service whose port uses the binding; `None` for bindings no port uses.
    pub service: Option<QName>,
    /// The port's name.
    pub port: Option<String>,
    /// The port's address (`soap:address/@location`).
    pub address: Option<String>,
    /// The binding; `None` for operations of a port type that no binding refers to.
    pub binding: Option<QName>,
    /// The port type.
    pub port_type: QName,
    /// Operation name.
    pub name: String,
    /// SOAP version of the binding (SOAP 1.1 for unbound port types).
    pub soap: SoapVersion,
    /// `soapAction`, verbatim.
    pub soap_action: Option<String>,
    /// Operation style, else binding style, else `document`.
    pub style: Style,
    /// Request message.
    pub input: Option<ResolvedMessage>,
    /// Response message.
    pub output: Option<ResolvedMessage>,
    /// Every fault of the port type operation, in document order.
    pub faults: Vec<ResolvedFault>,
    /// Documentation of the port type operation, else of the binding operation.
    pub documentation: Option<String>,
    /// The binding operation (or port type operation when unbound).
    pub pos: SourcePos,
}

/// A message as it travels: which parts go in the SOAP body and which in headers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedMessage {
    /// The `wsdl:message`.
    pub message: QName,
    /// Parts in the SOAP body, in message order: those named by `soap:body/@parts`, or, without
    /// `parts`, every part not bound to a `soap:header` of the same message.
    pub body_parts: Vec<Part>,
    /// `soap:body/@use`.
    pub use_: Use,
    /// `soap:body/@namespace` (rpc style wrapper namespace).
    pub namespace: Option<String>,
    /// `soap:header` elements, in document order.
    pub headers: Vec<ResolvedHeader>,
}

/// A `soap:header` with its message part looked up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedHeader {
    /// The header's message (may differ from the operation's message).
    pub message: QName,
    /// The part carried in the header.
    pub part: Part,
    /// `soap:header/@use`.
    pub use_: Use,
}

/// A fault of an operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedFault {
    /// `wsdl:fault/@name`.
    pub name: String,
    /// The fault message.
    pub message: QName,
    /// The message's part when it has exactly one (the fault detail element).
    pub part: Option<Part>,
    /// `soap:fault/@use` (literal when unbound).
    pub use_: Use,
}

/// Service, port and address an operation is reached through.
#[derive(Clone, Copy, Default)]
struct Endpoint<'a> {
    service: Option<&'a QName>,
    port: Option<&'a str>,
    address: Option<&'a str>,
}

impl WsdlSet {
    /// Builds a set from parsed documents: indexes every message, port type, binding and service
    /// by QName (a name defined twice is an error), then resolves [`WsdlSet::operations`] once so
    /// that any unresolved reference is reported here.
    pub fn from_documents(documents: Vec<WsdlDocument>) -> Result<WsdlSet> {
        let set = WsdlSet {
            messages: index(
                &documents,
                "message",
                |d| &d.messages,
                |m| (&m.name, &m.pos),
            )?,
            port_types: index(
                &documents,
                "port type",
                |d| &d.port_types,
                |p| (&p.name, &p.pos),
            )?,
            bindings: index(
                &documents,
                "binding",
                |d| &d.bindings,
                |b| (&b.name, &b.pos),
            )?,
            services: index(
                &documents,
                "service",
                |d| &d.services,
                |s| (&s.name, &s.pos),
            )?,
            documents,
        };
        set.operations()?;
        Ok(set)
    }

    /// The documents, in load order (depth-first, a document before what it imports).
    pub fn documents(&self) -> &[WsdlDocument] {
        &self.documents
    }

    /// Every message, in load and document order.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.documents.iter().flat_map(|d| &d.messages)
    }

    /// Every port type, in load and document order.
    pub fn port_types(&self) -> impl Iterator<Item = &PortType> {
        self.documents.iter().flat_map(|d| &d.port_types)
    }

    /// Every binding, in load and document order.
    pub fn bindings(&self) -> impl Iterator<Item = &Binding> {
        self.documents.iter().flat_map(|d| &d.bindings)
    }

    /// Every service, in load and document order.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.documents.iter().flat_map(|d| &d.services)
    }

    /// The message with this QName.
    pub fn message(&self, name: &QName) -> Option<&Message> {
        let &(d, i) = self.messages.get(name)?;
        self.documents.get(d)?.messages.get(i)
    }

    /// The port type with this QName.
    pub fn port_type(&self, name: &QName) -> Option<&PortType> {
        let &(d, i) = self.port_types.get(name)?;
        self.documents.get(d)?.port_types.get(i)
    }

    /// The binding with this QName.
    pub fn binding(&self, name: &QName) -> Option<&Binding> {
        let &(d, i) = self.bindings.get(name)?;
        self.documents.get(d)?.bindings.get(i)
    }

    /// The service with this QName.
    pub fn service(&self, name: &QName) -> Option<&Service> {
        let &(d, i) = self.services.get(name)?;
        self.documents.get(d)?.services.get(i)
    }

    /// Every inline schema of every document, in load and document order.
    pub fn inline_schemas(&self) -> Vec<&InlineSchema> {
        self.documents.iter().flat_map(|d| &d.types).collect()
    }

    /// XML Schema files reached through `wsdl:import` (for the schema loader), in load order.
    pub fn imported_schemas(&self) -> Vec<&Path> {
        let mut seen = BTreeSet::new();
        self.documents
            .iter()
            .flat_map(|d| &d.imports)
            .filter_map(|i| match &i.target {
                ImportTarget::Schema(p) => Some(p.as_path()),
                _ => None,
            })
            .filter(|p| seen.insert(*p))
            .collect()
    }

    /// Every operation, resolved. Order: for each service port (load order), the operations of
    /// its binding; then bindings no port uses; then port types no binding uses (these get
    /// SOAP 1.1, document style, no action, all parts in the body). Bindings that are not SOAP
    /// bindings (HTTP, ...) are skipped without error, but their port type must exist.
    pub fn operations(&self) -> Result<Vec<ResolvedOperation>> {
        let mut out = Vec::new();
        let mut used_bindings = BTreeSet::new();
        for service in self.services() {
            for port in &service.ports {
                let binding = self.binding(&port.binding).ok_or_else(|| {
                    let what = format!("port \"{}\" of service {}", port.name, service.name);
                    missing(
                        "binding",
                        &port.binding,
                        &port.pos,
                        &what,
                        self.bindings.keys(),
                    )
                })?;
                used_bindings.insert(&binding.name);
                let endpoint = Endpoint {
                    service: Some(&service.name),
                    port: Some(&port.name),
                    address: port.address.as_deref(),
                };
                self.bound_operations(binding, endpoint, &mut out)?;
            }
        }
        for binding in self.bindings().filter(|b| !used_bindings.contains(&b.name)) {
            self.bound_operations(binding, Endpoint::default(), &mut out)?;
        }
        let bound: BTreeSet<&QName> = self.bindings().map(|b| &b.port_type).collect();
        for port_type in self.port_types().filter(|p| !bound.contains(&p.name)) {
            for op in &port_type.operations {
                out.push(self.unbound_operation(port_type, op)?);
            }
        }
        Ok(out)
    }

    fn bound_operations(
        &self,
        binding: &Binding,
        endpoint: Endpoint,
        out: &mut Vec<ResolvedOperation>,
    ) -> Result<()> {
        let port_type = self.port_type(&binding.port_type).ok_or_else(|| {
            let what = format!("binding {}", binding.name);
            missing(
                "port type",
                &binding.port_type,
                &binding.pos,
                &what,
                self.port_types.keys(),
            )
        })?;
        let Some(soap) = binding.soap else {
            return Ok(());
        };
        for bop in &binding.operations {
            let op = find_operation(port_type, bop)?;
            let io = |r: &Option<IoRef>, b: &Option<BindingIo>| {
                r.as_ref()
                    .map(|r| self.resolve_io(op, r, b.as_ref()))
                    .transpose()
            };
            out.push(ResolvedOperation {
                service: endpoint.service.cloned(),
                port: endpoint.port.map(str::to_owned),
                address: endpoint.address.map(str::to_owned),
                binding: Some(binding.name.clone()),
                port_type: port_type.name.clone(),
                name: bop.name.clone(),
                soap,
                soap_action: bop.soap_action.clone(),
                style: bop.style.or(binding.style).unwrap_or(Style::Document),
                input: io(&op.input, &bop.input)?,
                output: io(&op.output, &bop.output)?,
                faults: self.resolve_faults(op, Some(bop))?,
                documentation: op
                    .documentation
                    .clone()
                    .or_else(|| bop.documentation.clone()),
                pos: bop.pos.clone(),
            });
        }
        Ok(())
    }

    fn unbound_operation(&self, port_type: &PortType, op: &Operation) -> Result<ResolvedOperation> {
        let io = |r: &Option<IoRef>| r.as_ref().map(|r| self.resolve_io(op, r, None)).transpose();
        Ok(ResolvedOperation {
            service: None,
            port: None,
            address: None,
            binding: None,
            port_type: port_type.name.clone(),
            name: op.name.clone(),
            soap: SoapVersion::Soap11,
            soap_action: None,
            style: Style::Document,
            input: io(&op.input)?,
            output: io(&op.output)?,
            faults: self.resolve_faults(op, None)?,
            documentation: op.documentation.clone(),
            pos: op.pos.clone(),
        })
    }

    fn require_message(&self, name: &QName, pos: &SourcePos, what: &str) -> Result<&Message> {
        self.message(name)
            .ok_or_else(|| missing("message", name, pos, what, self.messages.keys()))
    }

    fn resolve_io(
        &self,
        op: &Operation,
        io: &IoRef,
        bio: Option<&BindingIo>,
    ) -> Result<ResolvedMessage> {
        let what = format!("operation \"{}\"", op.name);
        let message = self.require_message(&io.message, &io.pos, &what)?;
        let headers = bio
            .map(|b| b.headers.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|h| self.resolve_header(h))
            .collect::<Result<Vec<_>>>()?;
        let body = bio.and_then(|b| b.body.as_ref());
        let body_parts = match (body.and_then(|b| b.parts.as_ref()), bio) {
            (Some(names), Some(bio)) => {
                for name in names {
                    require_part(message, name, &bio.pos, "soap:body parts=")?;
                }
                let listed = |p: &&Part| names.contains(&p.name);
                message.parts.iter().filter(listed).cloned().collect()
            }
            _ => {
                let in_header = |p: &&Part| {
                    headers
                        .iter()
                        .any(|h| h.message == message.name && h.part.name == p.name)
                };
                message
                    .parts
                    .iter()
                    .filter(|p| !in_header(p))
                    .cloned()
                    .collect()
            }
        };
        Ok(ResolvedMessage {
            message: message.name.clone(),
            body_parts,
            use_: body.map_or(Use::Literal, |b| b.use_),
            namespace: body.and_then(|b| b.namespace.clone()),
            headers,
        })
    }

    fn resolve_header(&self, h: &SoapHeader) -> Result<ResolvedHeader> {
        let message = self.require_message(&h.message, &h.pos, "soap:header")?;
        let part = require_part(message, &h.part, &h.pos, "soap:header part=")?;
        for hf in &h.headerfaults {
            let m = self.require_message(&hf.message, &hf.pos, "soap:headerfault")?;
            require_part(m, &hf.part, &hf.pos, "soap:headerfault part=")?;
        }
        Ok(ResolvedHeader {
            message: message.name.clone(),
            part: part.clone(),
            use_: h.use_,
        })
    }

    fn resolve_faults(
        &self,
        op: &Operation,
        bop: Option<&BindingOperation>,
    ) -> Result<Vec<ResolvedFault>> {
        let bound = bop.map(|b| b.faults.as_slice()).unwrap_or_default();
        if let Some(bf) = bound
            .iter()
            .find(|bf| !op.faults.iter().any(|f| f.name == bf.name))
        {
            let names: Vec<&str> = op.faults.iter().map(|f| f.name.as_str()).collect();
            return Err(WsdlError::Unresolved {
                pos: bf.pos.clone(),
                message: format!(
                    "binding fault \"{}\" of operation \"{}\" matches no wsdl:fault of the port type operation (expected one of: {})",
                    bf.name,
                    op.name,
                    list_or_none(&names)
                ),
            });
        }
        op.faults
            .iter()
            .map(|f| {
                let what = format!("fault \"{}\" of operation \"{}\"", f.name, op.name);
                let message = self.require_message(&f.message, &f.pos, &what)?;
                Ok(ResolvedFault {
                    name: f.name.clone(),
                    message: message.name.clone(),
                    part: message
                        .parts
                        .first()
                        .filter(|_| message.parts.len() == 1)
                        .cloned(),
                    use_: bound
                        .iter()
                        .find(|bf| bf.name == f.name)
                        .map_or(Use::Literal, |bf| bf.use_),
                })
            })
            .collect()
    }
}

/// Indexes one kind of component by QName, refusing duplicates.
fn index<T>(
    docs: &[WsdlDocument],
    kind: &str,
    items: impl Fn(&WsdlDocument) -> &[T],
    key: impl Fn(&T) -> (&QName, &SourcePos),
) -> Result<Index> {
    let mut map = Index::new();
    for (d, doc) in docs.iter().enumerate() {
        for (i, item) in items(doc).iter().enumerate() {
            let (name, pos) = key(item);
            if let Some(&(fd, fi)) = map.get(name) {
                let first = docs
                    .get(fd)
                    .and_then(|doc| items(doc).get(fi))
                    .map(|t| key(t).1);
                let first = first.map_or_else(String::new, |p| format!(" (first defined at {p})"));
                return Err(WsdlError::invalid(
                    pos.clone(),
                    format!(
                        "{kind} {name} is defined twice{first}; expected unique names per namespace"
                    ),
                ));
            }
            map.insert(name.clone(), (d, i));
        }
    }
    Ok(map)
}

/// The port type operation a binding operation binds; overloaded names are told apart by the
/// `name` of their input and output.
fn find_operation<'p>(port_type: &'p PortType, bop: &BindingOperation) -> Result<&'p Operation> {
    let same_name: Vec<&Operation> = port_type
        .operations
        .iter()
        .filter(|o| o.name == bop.name)
        .collect();
    let io_name = |b: &Option<BindingIo>| b.as_ref().and_then(|b| b.name.clone());
    let ref_name = |r: &Option<IoRef>| r.as_ref().and_then(|r| r.name.clone());
    let candidates: Vec<&Operation> = if same_name.len() > 1 {
        let same_io = |o: &&&Operation| {
            ref_name(&o.input) == io_name(&bop.input) && ref_name(&o.output) == io_name(&bop.output)
        };
        same_name.iter().filter(same_io).copied().collect()
    } else {
        same_name
    };
    match candidates.as_slice() {
        [op] => Ok(op),
        [] => {
            let names: Vec<&str> = port_type
                .operations
                .iter()
                .map(|o| o.name.as_str())
                .collect();
            Err(WsdlError::Unresolved {
                pos: bop.pos.clone(),
                message: format!(
                    "binding operation \"{}\" has no matching operation in port type {} (expected one of: {})",
                    bop.name,
                    port_type.name,
                    list_or_none(&names)
                ),
            })
        }
        _ => Err(WsdlError::Unresolved {
            pos: bop.pos.clone(),
            message: format!(
                "binding operation \"{}\" matches several overloaded operations of port type {} (expected distinct wsdl:input/wsdl:output names to tell them apart)",
                bop.name, port_type.name
            ),
        }),
    }
}

fn require_part<'m>(
    message: &'m Message,
    part: &str,
    pos: &SourcePos,
    what: &str,
) -> Result<&'m Part> {
    message.part(part).ok_or_else(|| {
        let names: Vec<&str> = message.parts.iter().map(|p| p.name.as_str()).collect();
        WsdlError::Unresolved {
            pos: pos.clone(),
            message: format!(
                "{what}\"{part}\" refers to a part that message {} does not have (its parts: {})",
                message.name,
                list_or_none(&names)
            ),
        }
    })
}

/// The error for a QName reference to an undefined component, listing what is defined and
/// pointing out same-local-name components in other namespaces (the usual prefix mistake).
fn missing<'a>(
    kind: &str,
    name: &QName,
    pos: &SourcePos,
    what: &str,
    defined: impl Iterator<Item = &'a QName>,
) -> WsdlError {
    let defined: Vec<String> = defined.map(ToString::to_string).collect();
    let near: Vec<String> = defined
        .iter()
        .filter(|d| d.ends_with(&format!("}}{}", name.local)) || **d == name.local)
        .cloned()
        .collect();
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!(
            "; note: {} has the same local name in another namespace, check the namespace prefix",
            near.join(", ")
        )
    };
    WsdlError::Unresolved {
        pos: pos.clone(),
        message: format!(
            "{what} refers to {kind} {name}, which is not defined (defined {kind}s: {}){hint}",
            list_or_none(&defined)
        ),
    }
}

/// `a, b, c`, at most 10 items, or `none`.
fn list_or_none<S: AsRef<str>>(items: &[S]) -> String {
    const MAX: usize = 10;
    if items.is_empty() {
        return "none".to_owned();
    }
    let shown: Vec<&str> = items.iter().take(MAX).map(AsRef::as_ref).collect();
    let more = items.len().saturating_sub(MAX);
    if more > 0 {
        format!("{}, ... and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
