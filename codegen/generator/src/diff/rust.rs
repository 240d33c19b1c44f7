//! Names of the generated Rust items, by the generator's naming rules
//! ([`crate::render::names`]), so the report names real Rust items.
//!
//! Named types and global elements are planned exactly as the renderer plans them (module per
//! namespace, claims in key order). Anonymous types (`{Parent}{Field}`), choice types
//! (`{Parent}Choice`) and fields are named without the renderer's collision suffixes, so a
//! name that collided in the generated code differs here by its numeric suffix.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Builtin, Contract, QName, TypeKind, TypeUse};
use crate::render::names::{Scope, camel, module_names, snake};

/// The Rust item names of one contract.
#[derive(Debug, Default)]
pub(crate) struct RustNames {
    modules: BTreeMap<String, String>,
    named: BTreeMap<String, String>,
    elements: BTreeMap<String, String>,
}

impl RustNames {
    pub(crate) fn plan(c: &Contract) -> Self {
        let mut uris: BTreeSet<String> = BTreeSet::new();
        for key in c.types.keys().chain(c.elements.keys()) {
            if let Some(q) = QName::parse_clark(key) {
                uris.insert(q.ns.unwrap_or_default());
            }
        }
        let named_uris: Vec<String> = uris.iter().filter(|u| !u.is_empty()).cloned().collect();
        let mut modules = module_names(&named_uris);
        if uris.contains("") {
            modules.insert(String::new(), "no_namespace".to_string());
        }
        let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
        let mut named = BTreeMap::new();
        let mut named_pairs: Vec<(String, String)> = Vec::new();
        for key in c.types.keys() {
            let Some(q) = QName::parse_clark(key) else {
                continue;
            };
            let module = modules
                .get(q.ns.as_deref().unwrap_or(""))
                .cloned()
                .unwrap_or_else(|| "no_namespace".into());
            let name = scopes
                .entry(module.clone())
                .or_insert_with(|| Scope::with_reserved(&["NS"]))
                .claim(&camel(&q.local));
            named_pairs.push((module.clone(), name.clone()));
            named.insert(key.clone(), format!("{module}::{name}"));
        }
        let mut uses: BTreeMap<String, usize> = BTreeMap::new();
        for e in c.elements.values() {
            if let TypeUse::Named(q) = &e.type_ {
                *uses.entry(q.to_string()).or_default() += 1;
            }
        }
        let mut elements = BTreeMap::new();
        for (key, e) in &c.elements {
            let module = modules
                .get(e.name.ns.as_deref().unwrap_or(""))
                .cloned()
                .unwrap_or_else(|| "no_namespace".into());
            let path = match &e.type_ {
                TypeUse::Named(q)
                    if uses.get(&q.to_string()) == Some(&1)
                        && matches!(c.type_def(q).map(|d| &d.kind), Some(TypeKind::Complex(_))) =>
                {
                    named
                        .get(&q.to_string())
                        .cloned()
                        .unwrap_or_else(|| format!("{module}::{}", camel(&q.local)))
                }
                _ => {
                    let mut wanted = camel(&e.name.local);
                    if named_pairs
                        .iter()
                        .any(|(m, n)| *m == module && *n == wanted)
                    {
                        wanted.push_str("Element");
                    }
                    let name = scopes
                        .entry(module.clone())
                        .or_insert_with(|| Scope::with_reserved(&["NS"]))
                        .claim(&wanted);
                    format!("{module}::{name}")
                }
            };
            elements.insert(key.clone(), path);
        }
        Self {
            modules,
            named,
            elements,
        }
    }

    /// The module of a namespace.
    pub(crate) fn module(&self, ns: Option<&str>) -> String {
        if let Some(m) = self.modules.get(ns.unwrap_or("")) {
            return m.clone();
        }
        // A namespace the contract does not hold types in: name it alone.
        match ns {
            Some(uri) => module_names(&[uri.to_string()])
                .into_values()
                .next()
                .unwrap_or_else(|| "ns".into()),
            None => "no_namespace".into(),
        }
    }

    /// The Rust path of a named type.
    pub(crate) fn named(&self, q: &QName) -> String {
        self.named
            .get(&q.to_string())
            .cloned()
            .unwrap_or_else(|| format!("{}::{}", self.module(q.ns.as_deref()), camel(&q.local)))
    }

    /// The Rust path of a global element's type.
    pub(crate) fn element(&self, q: &QName) -> String {
        self.elements
            .get(&q.to_string())
            .cloned()
            .unwrap_or_else(|| format!("{}::{}", self.module(q.ns.as_deref()), camel(&q.local)))
    }
}

/// The field name of an element or attribute.
pub(crate) fn field(local: &str) -> String {
    snake(local)
}

/// A variant name.
pub(crate) fn variant(value: &str) -> String {
    camel(value)
}

/// The Rust shape of an element field: `T`, `Option<T>` or `Vec<T>` (with `Nillable<…>` inside
/// when nillable).
pub(crate) fn shape(min: u64, max: Option<u64>, nillable: bool) -> String {
    let inner = if nillable { "Nillable<T>" } else { "T" };
    match (min, max) {
        (_, None) => format!("Vec<{inner}>"),
        (_, Some(m)) if m > 1 => format!("Vec<{inner}>"),
        (0, _) => format!("Option<{inner}>"),
        _ => inner.to_string(),
    }
}

/// The Rust type the generator uses for a built-in, as the report shows it (without the
/// `::tandvard_runtime::` paths): derived from the renderer's own mapping so the two agree.
pub(crate) fn builtin_rust(b: Builtin) -> String {
    crate::render::types::builtin_type(b)
        .to_string()
        .replace(":: tandvard_runtime :: ", "")
        .replace(' ', "")
}

/// The generated module of an interface (one per port type).
pub(crate) fn iface_module(iface: &str) -> String {
    snake(iface)
}

fn base_name(port_type: &str) -> &str {
    for suffix in ["Interface", "PortType", "Port"] {
        if let Some(b) = port_type.strip_suffix(suffix)
            && !b.is_empty()
        {
            return b;
        }
    }
    port_type
}

/// `module::{Base}Client::method` of an operation.
pub(crate) fn client_method(iface: &str, op: &str) -> String {
    format!(
        "{}::{}Client::{}",
        iface_module(iface),
        camel(base_name(iface)),
        snake(op)
    )
}

/// `{Base}Service`, the server trait of an interface.
pub(crate) fn service(iface: &str) -> String {
    format!("{}Service", camel(base_name(iface)))
}

/// `module::{Op}Fault::{Fault}`, a fault variant.
pub(crate) fn fault_variant(iface: &str, op: &str, fault: &str) -> String {
    format!(
        "{}::{}Fault::{}",
        iface_module(iface),
        camel(op),
        camel(fault)
    )
}

/// `module::OPERATION`, the operation's metadata constant (SOAP action).
pub(crate) fn op_const(iface: &str, op: &str) -> String {
    format!("{}::{}", iface_module(iface), snake(op).to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::builtin_rust;
    use crate::model::Builtin;

    #[test]
    fn report_names_the_rendered_types_without_paths() {
        assert_eq!(builtin_rust(Builtin::String), "CompactString");
        assert_eq!(builtin_rust(Builtin::Token), "CompactString");
        assert_eq!(builtin_rust(Builtin::Decimal), "Decimal");
        assert_eq!(builtin_rust(Builtin::Date), "Date");
        assert_eq!(builtin_rust(Builtin::Base64Binary), "Vec<u8>");
        assert_eq!(builtin_rust(Builtin::NmTokens), "XsList<CompactString>");
        assert_eq!(builtin_rust(Builtin::Int), "i32");
    }
}
