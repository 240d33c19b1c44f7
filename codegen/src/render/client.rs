//! Generated client stubs (one async fn per operation). Being built: see issue 4.

use std::collections::BTreeMap;

use super::types::ModuleCode;
use crate::model::Contract;

/// Renders the client modules. `element_paths` maps each global element (`{ns}local`) to the
/// (module, type name) of its generated Rust type.
pub fn render(_contract: &Contract, _element_paths: &BTreeMap<String, (String, String)>) -> Vec<ModuleCode> {
    Vec::new()
}
