//! Generated server side (a trait per port type and a router). Being built: see issue 4.

use std::collections::BTreeMap;

use super::types::ModuleCode;
use crate::model::Contract;

/// Renders the server modules. `element_paths` maps each global element (`{ns}local`) to the
/// (module, type name) of its generated Rust type.
pub fn render(_contract: &Contract, _element_paths: &BTreeMap<String, (String, String)>) -> Vec<ModuleCode> {
    Vec::new()
}
