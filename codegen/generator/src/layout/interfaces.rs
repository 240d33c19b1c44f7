//! The names of the interface modules: one module per port type, with its client, blocking
//! client and service trait, and per operation its metadata constant, client method and
//! fault enum.

use std::collections::BTreeSet;

use super::Layout;
use super::names::{Scope, camel, snake};
use crate::model::{Interface, PartShape, QName};

/// The generated module of one interface (port type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceLayout {
    /// The port type's name (the interface name of the model).
    pub port_type: String,
    /// The module.
    pub module: String,
    /// `{Base}Client`.
    pub client: String,
    /// `{Base}BlockingClient`.
    pub blocking: String,
    /// `{Base}Service`, the server trait.
    pub service: String,
    /// The header elements the client holds, in first-use order.
    pub headers: Vec<HeaderLayout>,
    /// The operations that are generated, in contract order.
    pub operations: Vec<OperationLayout>,
    /// Operations left out of the client and server, with the reason.
    pub skipped: Vec<String>,
}

/// A header element the client holds, with its setter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLayout {
    /// The element.
    pub element: QName,
    /// The client struct's field.
    pub field: String,
    /// The client's setter (`with_header` when there is one header).
    pub setter: String,
}

/// One generated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationLayout {
    /// The WSDL operation name.
    pub name: String,
    /// The metadata constant (`SUBMIT_CLAIM`).
    pub konst: String,
    /// The client and service method.
    pub method: String,
    /// The fault enum (`{Op}Fault`).
    pub fault: String,
    /// The fault enum's variants: (fault name, variant, detail element).
    pub faults: Vec<(String, String, QName)>,
    /// The request body element.
    pub request: QName,
    /// The response body element (none: one-way).
    pub response: Option<QName>,
    /// Header parts of the request: (service method parameter, header element).
    pub headers: Vec<(String, QName)>,
}

impl InterfaceLayout {
    /// An operation, by WSDL name.
    pub fn operation(&self, name: &str) -> Option<&OperationLayout> {
        self.operations.iter().find(|o| o.name == name)
    }

    /// `module::{Base}Client::method` of an operation, or where it would be.
    pub fn client_method(&self, op: &str) -> String {
        let method = self
            .operation(op)
            .map_or_else(|| snake(op), |o| o.method.clone());
        format!("{}::{}::{method}", self.module, self.client)
    }

    /// `module::OPERATION`, the operation's metadata constant, or where it would be.
    pub fn op_const(&self, op: &str) -> String {
        let konst = self
            .operation(op)
            .map_or_else(|| snake(op).to_uppercase(), |o| o.konst.clone());
        format!("{}::{konst}", self.module)
    }

    /// `module::{Op}Fault::{Fault}`, a fault variant, or where it would be.
    pub fn fault_variant(&self, op: &str, fault: &str) -> String {
        let (enum_name, variant) = match self.operation(op) {
            Some(o) => (
                o.fault.clone(),
                o.faults
                    .iter()
                    .find(|(n, _, _)| n == fault)
                    .map_or_else(|| camel(fault), |(_, v, _)| v.clone()),
            ),
            None => (format!("{}Fault", camel(op)), camel(fault)),
        };
        format!("{}::{enum_name}::{variant}", self.module)
    }
}

/// Strips a trailing `Interface`, `PortType` or `Port` from a port type name.
pub fn base_name(port_type: &str) -> &str {
    for suffix in ["Interface", "PortType", "Port"] {
        if let Some(b) = port_type.strip_suffix(suffix) {
            if !b.is_empty() {
                return b;
            }
        }
    }
    port_type
}

/// The single body element of a message, if it has exactly one element part.
fn body_element(parts: &[PartShape]) -> Option<&QName> {
    match parts {
        [p] => p.element.as_ref(),
        _ => None,
    }
}

/// The interface modules, named after the namespace modules and `messages`.
pub(super) fn plan(layout: &Layout<'_>) -> Vec<InterfaceLayout> {
    let taken: BTreeSet<&str> = layout
        .modules
        .values()
        .map(String::as_str)
        .chain(["messages"])
        .collect();
    let mut module_scope = Scope::default();
    for m in taken {
        module_scope.claim(m);
    }
    layout
        .contract
        .interfaces
        .iter()
        .map(|iface| {
            let module = module_scope.claim(&snake(&iface.name));
            plan_interface(layout, iface, module)
        })
        .collect()
}

fn plan_interface(layout: &Layout<'_>, iface: &Interface, module: String) -> InterfaceLayout {
    let has_type = |q: &QName| layout.element(&q.to_string()).is_some();
    let base = camel(base_name(&iface.name));
    let mut types = Scope::with_reserved(&["ENDPOINT", "PATH", "router", "router_at"]);
    let client = types.claim(&format!("{base}Client"));
    let blocking = types.claim(&format!("{base}BlockingClient"));
    let service = types.claim(&format!("{base}Service"));
    // Header elements of the interface, in first-use order.
    let mut header_qs: Vec<QName> = Vec::new();
    for op in &iface.operations {
        for h in op.input.iter().flat_map(|m| m.headers.iter()) {
            if let Some(q) = &h.element {
                if !header_qs.contains(q) && has_type(q) {
                    header_qs.push(q.clone());
                }
            }
        }
    }
    let mut fields = Scope::with_reserved(&["soap"]);
    let headers: Vec<HeaderLayout> = header_qs
        .iter()
        .map(|q| {
            let field = fields.claim(&snake(&q.local));
            let setter = if header_qs.len() == 1 {
                "with_header".to_string()
            } else {
                format!("with_{field}")
            };
            HeaderLayout {
                element: q.clone(),
                field,
                setter,
            }
        })
        .collect();
    let mut methods = Scope::default();
    let mut operations = Vec::new();
    let mut skipped = Vec::new();
    for op in &iface.operations {
        let Some(input) = &op.input else {
            skipped.push(format!(
                "{}.{}: no input message; not rendered in the client or server",
                iface.name, op.name
            ));
            continue;
        };
        let Some(request) = body_element(&input.body).filter(|q| has_type(q)) else {
            skipped.push(format!(
                "{}.{}: the input body is not exactly one element part; not rendered in the client or server",
                iface.name, op.name
            ));
            continue;
        };
        let response = match &op.output {
            None => None,
            Some(out) => match body_element(&out.body).filter(|q| has_type(q)) {
                Some(q) => Some(q.clone()),
                None => {
                    skipped.push(format!(
                        "{}.{}: the output body is not exactly one element part; not rendered in the client or server",
                        iface.name, op.name
                    ));
                    continue;
                }
            },
        };
        let mut params = Scope::with_reserved(&["request", "self", "headers", "service"]);
        let mut op_headers = Vec::new();
        for part in &input.headers {
            let Some(q) = &part.element else { continue };
            if !has_type(q) || !headers.iter().any(|h| h.element == *q) {
                continue;
            }
            op_headers.push((params.claim(&snake(&part.name)), q.clone()));
        }
        let mut variants = Scope::default();
        let mut faults: Vec<(String, String, QName)> = Vec::new();
        for f in &op.faults {
            let Some(q) = &f.element else { continue };
            if !has_type(q) || faults.iter().any(|(_, _, x)| x == q) {
                continue;
            }
            faults.push((f.name.clone(), variants.claim(&camel(&f.name)), q.clone()));
        }
        operations.push(OperationLayout {
            name: op.name.clone(),
            konst: types.claim(&snake(&op.name).to_uppercase()),
            method: methods.claim(&snake(&op.name)),
            fault: types.claim(&format!("{}Fault", camel(&op.name))),
            faults,
            request: request.clone(),
            response,
            headers: op_headers,
        });
    }
    InterfaceLayout {
        port_type: iface.name.clone(),
        module,
        client,
        blocking,
        service,
        headers,
        operations,
        skipped,
    }
}
