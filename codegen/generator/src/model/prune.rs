//! Pruning: a contract cut down to some of its interfaces or operations and the elements and
//! types they reach (`Builder::interfaces`).

use std::collections::BTreeSet;

use super::{Content, Contract, Group, Particle, QName, SimpleVariety, TypeKind, TypeUse};
use crate::Error;

/// Keeps the named interfaces (by port type or operation name) and only what they reach.
impl Contract {
    /// Keeps the named interfaces (by port type or operation name) and only what they reach.
    pub fn retain_interfaces(&mut self, names: &[String]) -> Result<(), Error> {
        retain_interfaces(self, names)
    }
}

fn retain_interfaces(contract: &mut Contract, names: &[String]) -> Result<(), Error> {
    let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    let mut found: BTreeSet<&str> = BTreeSet::new();
    contract.interfaces.retain_mut(|i| {
        if wanted.contains(i.name.as_str()) {
            found.insert(
                names
                    .iter()
                    .find(|n| **n == i.name)
                    .map_or("", String::as_str),
            );
            return true;
        }
        i.operations.retain(|o| {
            let keep = wanted.contains(o.name.as_str());
            if keep {
                found.insert(
                    names
                        .iter()
                        .find(|n| **n == o.name)
                        .map_or("", String::as_str),
                );
            }
            keep
        });
        !i.operations.is_empty()
    });
    let missing: Vec<&str> = wanted.difference(&found).copied().collect();
    if !missing.is_empty() {
        return Err(Error::Input(format!(
            "Builder::interfaces: no interface or operation named {} in the contracts",
            missing.join(", ")
        )));
    }
    // Prune to what the remaining operations reach.
    let mut elements = BTreeSet::new();
    let mut types = BTreeSet::new();
    let mut stack: Vec<QName> = Vec::new();
    let mut type_stack: Vec<QName> = Vec::new();
    for i in &contract.interfaces {
        for o in &i.operations {
            for m in o.input.iter().chain(o.output.iter()) {
                for p in m.body.iter().chain(m.headers.iter()) {
                    stack.extend(p.element.clone());
                    if let Some(t) = &p.type_ {
                        reach_type(t, &mut type_stack, &mut types, &mut stack);
                    }
                }
            }
            for f in &o.faults {
                stack.extend(f.element.clone());
            }
        }
    }
    loop {
        if let Some(e) = stack.pop() {
            if elements.insert(e.to_string()) {
                if let Some(el) = contract.element(&e) {
                    let mut more = Vec::new();
                    reach_type(&el.type_, &mut type_stack, &mut types, &mut more);
                    stack.extend(more);
                }
            }
            continue;
        }
        if let Some(t) = type_stack.pop() {
            if let Some(def) = contract.type_def(&t) {
                reach_kind(&def.kind, &mut type_stack, &mut types, &mut stack);
            }
            continue;
        }
        break;
    }
    contract.elements.retain(|k, _| elements.contains(k));
    contract.types.retain(|k, _| types.contains(k));
    let used: BTreeSet<Option<String>> = contract
        .elements
        .values()
        .map(|e| e.name.ns.clone())
        .chain(
            contract
                .types
                .values()
                .filter_map(|t| t.name.as_ref().map(|n| n.ns.clone())),
        )
        .collect();
    contract
        .namespaces
        .retain(|n| used.contains(&Some(n.uri.clone())));
    Ok(())
}

fn reach_type(
    t: &TypeUse,
    types_stack: &mut Vec<QName>,
    seen: &mut BTreeSet<String>,
    elements: &mut Vec<QName>,
) {
    match t {
        TypeUse::Named(q) => {
            if seen.insert(q.to_string()) {
                types_stack.push(q.clone());
            }
        }
        TypeUse::Inline(def) => reach_kind(&def.kind, types_stack, seen, elements),
        TypeUse::Builtin(_) => {}
    }
}

fn reach_kind(
    kind: &TypeKind,
    types_stack: &mut Vec<QName>,
    seen: &mut BTreeSet<String>,
    elements: &mut Vec<QName>,
) {
    match kind {
        TypeKind::Simple(s) => {
            if let Some(b) = &s.base {
                reach_type(&TypeUse::Named(b.clone()), types_stack, seen, elements);
            }
            match &s.variety {
                SimpleVariety::List(item) => reach_type(item, types_stack, seen, elements),
                SimpleVariety::Union(m) => m
                    .iter()
                    .for_each(|t| reach_type(t, types_stack, seen, elements)),
                SimpleVariety::Atomic(_) => {}
            }
        }
        TypeKind::Complex(c) => {
            if let Some(d) = &c.base {
                reach_type(&TypeUse::Named(d.base.clone()), types_stack, seen, elements);
            }
            for a in &c.attributes {
                reach_type(&a.type_, types_stack, seen, elements);
            }
            match &c.content {
                Content::Simple(t) => reach_type(t, types_stack, seen, elements),
                Content::Elements(g) => reach_group(g, types_stack, seen, elements),
                Content::Empty => {}
            }
        }
    }
}

fn reach_group(
    g: &Group,
    types_stack: &mut Vec<QName>,
    seen: &mut BTreeSet<String>,
    elements: &mut Vec<QName>,
) {
    for p in &g.particles {
        match p {
            Particle::Element(e) => {
                if e.is_ref {
                    elements.push(e.name.clone());
                }
                reach_type(&e.type_, types_stack, seen, elements);
            }
            Particle::Group(g) => reach_group(g, types_stack, seen, elements),
            Particle::Any(_) => {}
        }
    }
}
