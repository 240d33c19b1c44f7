//! One fixture pair per change kind (tests/fixtures/diff/<case>/{old,new}, written by
//! tests/fixtures/diff/generate.py), each asserting kind, severity, direction and operation.
//!
//! Body-level fixtures change a template that is instantiated twice: `ReqItem` (reached only
//! from the request of `Put`) and `RespItem` (reached only from the response of `Get`), so each
//! such case checks the request rule and the response rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use tandvard_codegen::diff::{
    Bump, ChangeKind, DiffReport, RustChange, Severity, change_id, diff_contracts, render_html,
    render_json, render_markdown,
};
use tandvard_codegen::load_contracts;
use tandvard_codegen::wsdl::Catalog;
use tandvard_tests::workspace_root;

const NS: &str = "{urn:test:diff:1}";

fn fixtures() -> PathBuf {
    workspace_root().join("tests/fixtures/diff")
}

/// The diff of one fixture pair (cached: several tests look at the same pair).
fn report(case: &str) -> DiffReport {
    static CACHE: OnceLock<Mutex<BTreeMap<String, DiffReport>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    if let Some(r) = cache.lock().unwrap().get(case) {
        return r.clone();
    }
    let dir = fixtures().join(case);
    let load = |side: &str| {
        load_contracts(&[dir.join(side)], &Catalog::new())
            .unwrap_or_else(|e| panic!("{case}/{side} does not load: {e}"))
            .contract
    };
    let r = diff_contracts(&load("old"), &load("new"));
    cache.lock().unwrap().insert(case.to_string(), r.clone());
    r
}

fn sev(s: &str) -> Severity {
    match s {
        "breaking" => Severity::Breaking,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        _ => panic!("bad severity {s}"),
    }
}

/// Asserts a change of `kind` whose path ends with `path` exists, with this severity,
/// direction and operation.
fn expect(
    r: &DiffReport,
    case: &str,
    kind: &str,
    path: &str,
    severity: &str,
    direction: &str,
    op: &str,
) {
    let kind_ = ChangeKind::parse(kind).unwrap_or_else(|| panic!("unknown kind {kind}"));
    let found: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.kind == kind_ && c.path.ends_with(path))
        .collect();
    let all: Vec<String> = r
        .changes
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} {:?}",
                c.kind,
                c.severity,
                c.direction.label(),
                c.path,
                c.operations
            )
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{case}: expected one {kind} at …{path}; changes:\n{}",
        all.join("\n")
    );
    let c = found[0];
    assert_eq!(
        c.severity,
        sev(severity),
        "{case}: severity of {kind} at {}",
        c.path
    );
    assert_eq!(
        c.direction.label(),
        direction,
        "{case}: direction of {kind} at {}",
        c.path
    );
    if op.is_empty() {
        assert!(
            c.operations.is_empty(),
            "{case}: {kind} should reach no operation, reaches {:?}",
            c.operations
        );
    } else {
        for o in op.split(',') {
            assert!(
                c.operations.iter().any(|x| x == o),
                "{case}: {kind} should reach {o}, reaches {:?}",
                c.operations
            );
        }
    }
    assert_eq!(
        c.id,
        change_id(c.kind, &c.path),
        "{case}: id is the hash of kind and path"
    );
    assert_eq!(c.id.len(), 12);
}

/// A body-level change checked on both sides: `req`/`resp` are the severities under the
/// request rule (ReqItem, Put) and the response rule (RespItem, Get). `suffix` is the path
/// after the item type name, with `{X}` for `Req`/`Resp`.
fn both(case: &str, kind: &str, suffix: &str, req: &str, resp: &str, exact: bool) -> DiffReport {
    let r = report(case);
    for (x, severity, dir, op) in [
        ("Req", req, "request", "Put"),
        ("Resp", resp, "response", "Get"),
    ] {
        let s = suffix.replace("{X}", x);
        let path = if s.starts_with('#') || s.starts_with('/') {
            format!("{NS}{x}Item{s}")
        } else {
            format!("{NS}{s}")
        };
        expect(&r, case, kind, &path, severity, dir, op);
    }
    if exact {
        assert_eq!(
            r.changes.len(),
            2,
            "{case}: exactly the two expected changes, got {:#?}",
            r.changes
        );
    }
    r
}

fn only(
    case: &str,
    kind: &str,
    path: &str,
    severity: &str,
    direction: &str,
    op: &str,
) -> DiffReport {
    let r = report(case);
    expect(&r, case, kind, path, severity, direction, op);
    assert_eq!(
        r.changes.len(),
        1,
        "{case}: exactly one change, got {:#?}",
        r.changes
    );
    r
}

fn rust(r: &DiffReport, kind: &str) -> (RustChange, Bump, String) {
    let kind_ = ChangeKind::parse(kind).unwrap();
    let c = r
        .changes
        .iter()
        .find(|c| c.kind == kind_)
        .expect("change present");
    (
        c.rust_impact.change,
        c.rust_impact.bump,
        c.rust_impact.item.clone(),
    )
}

// ---- Elements ----------------------------------------------------------------------------

#[test]
fn required_element_added() {
    let r = both(
        "required-element-added",
        "required-element-added",
        "/{urn:test:diff:1}extra",
        "breaking",
        "breaking",
        true,
    );
    let (change, bump, item) = rust(&r, "required-element-added");
    assert_eq!((change, bump), (RustChange::Added, Bump::Major));
    assert!(item.ends_with("::extra"), "{item}");
    assert_eq!(r.suggested_bump, Bump::Major);
}

#[test]
fn optional_element_added() {
    let r = both(
        "optional-element-added",
        "optional-element-added",
        "/{urn:test:diff:1}extra",
        "warning",
        "warning",
        true,
    );
    // A new field on an exhaustive struct is a major change of the generated crate.
    assert_eq!(rust(&r, "optional-element-added").1, Bump::Major);
}

#[test]
fn extension_element_added_inside_other_lax_wildcard() {
    both(
        "extension-element-added",
        "extension-element-added",
        "/{urn:test:ext:1}extra",
        "info",
        "info",
        true,
    );
}

#[test]
fn required_element_removed() {
    let r = both(
        "required-element-removed",
        "required-element-removed",
        "/{urn:test:diff:1}code",
        "breaking",
        "breaking",
        true,
    );
    assert_eq!(rust(&r, "required-element-removed").0, RustChange::Removed);
}

#[test]
fn optional_element_removed() {
    both(
        "optional-element-removed",
        "optional-element-removed",
        "/{urn:test:diff:1}note",
        "breaking",
        "warning",
        true,
    );
}

#[test]
fn element_renamed() {
    let r = both(
        "element-renamed",
        "element-renamed",
        "/{urn:test:diff:1}remark",
        "breaking",
        "breaking",
        true,
    );
    let (change, _, item) = rust(&r, "element-renamed");
    assert_eq!(change, RustChange::Renamed);
    assert!(item.ends_with("::remark"), "{item}");
}

#[test]
fn element_moved_in_sequence() {
    let r = both(
        "element-moved",
        "element-moved",
        "/{urn:test:diff:1}note#order",
        "breaking",
        "breaking",
        true,
    );
    // Field order is not part of the Rust API.
    assert_eq!(rust(&r, "element-moved").1, Bump::Patch);
}

#[test]
fn inherited_element_is_reported_once_in_the_base_type() {
    // ReqExt and RespExt extend ReqB1 and RespB1; the new element is reported in the bases,
    // reached through the derived types.
    both(
        "inherited-element-added",
        "optional-element-added",
        "{X}B1/{urn:test:diff:1}c",
        "warning",
        "warning",
        true,
    );
}

#[test]
fn element_namespace_changed() {
    let r = report("element-namespace-changed");
    expect(
        &r,
        "element-namespace-changed",
        "namespace-changed",
        "ReqItem/note",
        "breaking",
        "request",
        "Put",
    );
    expect(
        &r,
        "element-namespace-changed",
        "namespace-changed",
        "RespItem/note",
        "breaking",
        "response",
        "Get",
    );
    assert!(
        r.changes
            .iter()
            .all(|c| c.kind == ChangeKind::NamespaceChanged),
        "{:#?}",
        r.changes
    );
}

#[test]
fn min_occurs_increased() {
    let r = both(
        "min-occurs-increased",
        "min-occurs-increased",
        "/{urn:test:diff:1}amount",
        "breaking",
        "warning",
        true,
    );
    assert_eq!(rust(&r, "min-occurs-increased").0, RustChange::Retyped);
}

#[test]
fn min_occurs_decreased() {
    both(
        "min-occurs-decreased",
        "min-occurs-decreased",
        "/{urn:test:diff:1}code",
        "warning",
        "breaking",
        true,
    );
}

#[test]
fn max_occurs_increased() {
    let r = both(
        "max-occurs-increased",
        "max-occurs-increased",
        "/{urn:test:diff:1}line",
        "warning",
        "breaking",
        true,
    );
    // Vec<T> stays Vec<T>.
    assert_eq!(rust(&r, "max-occurs-increased").0, RustChange::None);
}

#[test]
fn max_occurs_decreased() {
    both(
        "max-occurs-decreased",
        "max-occurs-decreased",
        "/{urn:test:diff:1}line",
        "breaking",
        "warning",
        true,
    );
}

#[test]
fn nillable_added() {
    both(
        "nillable-added",
        "nillable-added",
        "/{urn:test:diff:1}note#nillable",
        "warning",
        "breaking",
        true,
    );
}

#[test]
fn nillable_removed() {
    both(
        "nillable-removed",
        "nillable-removed",
        "/{urn:test:diff:1}note#nillable",
        "breaking",
        "warning",
        true,
    );
}

#[test]
fn default_changed() {
    both(
        "default-changed",
        "default-changed",
        "/{urn:test:diff:1}note#default",
        "warning",
        "warning",
        true,
    );
}

#[test]
fn fixed_added() {
    both(
        "fixed-changed",
        "fixed-changed",
        "/@version#fixed",
        "breaking",
        "warning",
        true,
    );
}

#[test]
fn type_changed_narrowed() {
    let r = both(
        "type-changed-narrowed",
        "type-changed",
        "/{urn:test:diff:1}count#type",
        "breaking",
        "warning",
        true,
    );
    let (change, _, _) = rust(&r, "type-changed");
    assert_eq!(change, RustChange::Retyped, "i32 → i16");
}

#[test]
fn type_changed_widened() {
    both(
        "type-changed-widened",
        "type-changed",
        "/{urn:test:diff:1}count#type",
        "warning",
        "breaking",
        true,
    );
}

#[test]
fn type_changed_incompatible() {
    both(
        "type-changed-incompatible",
        "type-changed",
        "/{urn:test:diff:1}count#type",
        "breaking",
        "breaking",
        true,
    );
}

#[test]
fn type_renamed_structurally_identical() {
    let r = both(
        "type-renamed",
        "type-renamed",
        "/{urn:test:diff:1}code#type",
        "info",
        "info",
        true,
    );
    let (change, bump, _) = rust(&r, "type-renamed");
    assert_eq!((change, bump), (RustChange::Renamed, Bump::Major));
}

#[test]
fn content_changed_simple_to_complex() {
    both(
        "content-changed",
        "content-changed",
        "{X}Code#type",
        "breaking",
        "breaking",
        true,
    );
}

#[test]
fn mixed_changed() {
    both(
        "mixed-changed",
        "mixed-changed",
        "#mixed",
        "warning",
        "breaking",
        true,
    );
}

#[test]
fn rust_representation_changed() {
    // ReqDetail grows from one optional string to twelve (288 bytes): the generator boxes
    // the optional `detail` field that uses it, though `detail` itself is declared as before.
    let r = both(
        "rust-representation-changed",
        "rust-representation-changed",
        "#rust:detail",
        "info",
        "info",
        false,
    );
    for x in ["Req", "Resp"] {
        let c = r
            .changes
            .iter()
            .find(|c| {
                c.kind == ChangeKind::RustRepresentationChanged
                    && c.path.contains(&format!("{x}Item"))
            })
            .unwrap();
        assert_eq!(c.rust_impact.change, RustChange::Retyped);
        assert_eq!(c.rust_impact.bump, Bump::Major);
        assert!(
            c.rust_impact.item.ends_with(&format!("::{x}Item::detail")),
            "{}",
            c.rust_impact.item
        );
        assert_eq!(
            c.rust_impact.detail,
            format!("Option<{x}Detail> → Option<Box<{x}Detail>>")
        );
    }
    // The fields added to the detail type are reported as themselves, not as
    // representation changes.
    assert_eq!(
        r.changes
            .iter()
            .filter(|c| c.kind == ChangeKind::OptionalElementAdded)
            .count(),
        22
    );
    assert_eq!(r.suggested_bump, Bump::Major);
}

#[test]
fn base_type_changed() {
    both(
        "base-type-changed",
        "base-type-changed",
        "{X}Ext#derivation",
        "info",
        "info",
        true,
    );
}

#[test]
fn documentation_changed() {
    let r = both(
        "documentation-changed",
        "documentation-changed",
        "/{urn:test:diff:1}note#doc",
        "info",
        "info",
        true,
    );
    let (change, bump, _) = rust(&r, "documentation-changed");
    assert_eq!((change, bump), (RustChange::Docs, Bump::Patch));
    assert_eq!(r.suggested_bump, Bump::Patch);
}

// ---- Facets and enumerations -----------------------------------------------------------

#[test]
fn facet_narrowed() {
    let r = both(
        "facet-narrowed",
        "facet-narrowed",
        "{X}Amount#maxInclusive",
        "breaking",
        "warning",
        true,
    );
    assert_eq!(rust(&r, "facet-narrowed").1, Bump::Patch, "validation only");
}

#[test]
fn facet_widened() {
    both(
        "facet-widened",
        "facet-widened",
        "{X}Amount#maxInclusive",
        "warning",
        "breaking",
        true,
    );
}

#[test]
fn facet_changed_pattern() {
    both(
        "facet-changed",
        "facet-changed",
        "{X}Ref#pattern",
        "breaking",
        "breaking",
        true,
    );
}

#[test]
fn enum_value_added() {
    let r = both(
        "enum-value-added",
        "enum-value-added",
        "{X}Code#enum=C",
        "warning",
        "breaking",
        true,
    );
    let (change, bump, item) = rust(&r, "enum-value-added");
    assert_eq!((change, bump), (RustChange::Added, Bump::Major));
    assert!(item.ends_with("Code::C"), "{item}");
}

#[test]
fn enum_value_removed() {
    both(
        "enum-value-removed",
        "enum-value-removed",
        "{X}Code#enum=B",
        "breaking",
        "warning",
        true,
    );
}

// ---- Attributes --------------------------------------------------------------------------

#[test]
fn optional_attribute_added() {
    both(
        "optional-attribute-added",
        "optional-attribute-added",
        "/@lang",
        "warning",
        "warning",
        true,
    );
}

#[test]
fn required_attribute_added() {
    both(
        "required-attribute-added",
        "required-attribute-added",
        "/@lang",
        "breaking",
        "breaking",
        true,
    );
}

#[test]
fn optional_attribute_removed() {
    both(
        "optional-attribute-removed",
        "optional-attribute-removed",
        "/@version",
        "breaking",
        "warning",
        true,
    );
}

#[test]
fn required_attribute_removed() {
    both(
        "required-attribute-removed",
        "required-attribute-removed",
        "/@version",
        "breaking",
        "breaking",
        true,
    );
}

#[test]
fn attribute_made_required() {
    both(
        "attribute-made-required",
        "attribute-made-required",
        "/@version",
        "breaking",
        "warning",
        true,
    );
}

#[test]
fn attribute_made_optional() {
    both(
        "attribute-made-optional",
        "attribute-made-optional",
        "/@version",
        "warning",
        "breaking",
        true,
    );
}

// ---- Choices and groups ------------------------------------------------------------------

#[test]
fn choice_alternative_added() {
    let r = both(
        "choice-alternative-added",
        "choice-alternative-added",
        "/{urn:test:diff:1}swish",
        "warning",
        "breaking",
        true,
    );
    let (_, _, item) = rust(&r, "choice-alternative-added");
    assert!(item.ends_with("ItemChoice::Swish"), "{item}");
}

#[test]
fn choice_alternative_removed() {
    both(
        "choice-alternative-removed",
        "choice-alternative-removed",
        "/{urn:test:diff:1}swish",
        "breaking",
        "warning",
        true,
    );
}

#[test]
fn compositor_changed_choice_to_sequence() {
    both(
        "compositor-changed",
        "compositor-changed",
        "/(sequence:cash)#compositor",
        "breaking",
        "breaking",
        false,
    );
}

// ---- Wildcards ---------------------------------------------------------------------------

#[test]
fn wildcard_added() {
    both(
        "wildcard-added",
        "wildcard-added",
        "/(content)/(any)",
        "warning",
        "warning",
        true,
    );
}

#[test]
fn wildcard_removed() {
    both(
        "wildcard-removed",
        "wildcard-removed",
        "/(content)/(any)",
        "breaking",
        "warning",
        true,
    );
}

#[test]
fn wildcard_widened() {
    both(
        "wildcard-widened",
        "wildcard-widened",
        "/(content)/(any)",
        "warning",
        "warning",
        true,
    );
}

#[test]
fn wildcard_narrowed() {
    both(
        "wildcard-narrowed",
        "wildcard-narrowed",
        "/(content)/(any)",
        "breaking",
        "warning",
        true,
    );
}

// ---- Schema and namespaces ---------------------------------------------------------------

#[test]
fn schema_version_changed() {
    only(
        "schema-version-changed",
        "schema-version-changed",
        "schema(urn:test:diff:1)#version",
        "info",
        "request+response+fault",
        "Get,Put",
    );
}

#[test]
fn namespace_changed() {
    let r = only(
        "namespace-changed",
        "namespace-changed",
        "namespace(urn:test:diff:1)",
        "breaking",
        "request+response+fault",
        "Get,Put",
    );
    let c = &r.changes[0];
    assert_eq!(c.new.as_ref().unwrap().text, "urn:test:diff:2");
    assert_eq!(
        c.rust_impact.change,
        RustChange::Renamed,
        "module renamed: {:?}",
        c.rust_impact
    );
}

// ---- Operations and interfaces -----------------------------------------------------------

#[test]
fn soap_action_changed() {
    let r = only(
        "soap-action-changed",
        "soap-action-changed",
        "SvcInterface/Put#soapAction",
        "breaking",
        "request",
        "Put",
    );
    let c = &r.changes[0];
    assert_eq!(c.old.as_ref().unwrap().text, "urn:test:diff:1:Put");
    assert_eq!(c.new.as_ref().unwrap().text, "urn:test:diff:1:PutV2");
    assert!(
        c.old
            .as_ref()
            .unwrap()
            .source
            .as_deref()
            .unwrap_or("")
            .starts_with("svc.wsdl:"),
        "{:?}",
        c.old
    );
}

#[test]
fn endpoint_changed() {
    only(
        "endpoint-changed",
        "endpoint-changed",
        "SvcInterface#address",
        "warning",
        "none",
        "Get,Put",
    );
}

#[test]
fn soap_version_changed() {
    only(
        "soap-version-changed",
        "soap-version-changed",
        "SvcInterface#soap",
        "breaking",
        "none",
        "Get,Put",
    );
}

#[test]
fn operation_added() {
    let r = only(
        "operation-added",
        "operation-added",
        "SvcInterface/Get",
        "warning",
        "none",
        "Get",
    );
    // A new client method is additive, but the server trait gains a required method.
    assert_eq!(r.suggested_bump, Bump::Major);
    let c = &r.changes[0];
    assert_eq!(c.rust_impact.item, "svc_interface::SvcClient::get");
    assert!(
        c.rust_impact.detail.contains("SvcService"),
        "{}",
        c.rust_impact.detail
    );
}

#[test]
fn operation_removed() {
    only(
        "operation-removed",
        "operation-removed",
        "SvcInterface/Get",
        "breaking",
        "none",
        "Get",
    );
}

#[test]
fn operation_documentation_changed() {
    only(
        "operation-documentation-changed",
        "documentation-changed",
        "SvcInterface/Get#doc",
        "info",
        "none",
        "Get",
    );
}

#[test]
fn message_pattern_changed() {
    only(
        "message-pattern-changed",
        "message-pattern-changed",
        "SvcInterface/Get/response",
        "breaking",
        "response",
        "Get",
    );
}

#[test]
fn message_part_added() {
    only(
        "message-part-added",
        "message-part-added",
        "SvcInterface/Get/request/body/extra",
        "breaking",
        "request",
        "Get",
    );
}

#[test]
fn message_part_removed() {
    only(
        "message-part-removed",
        "message-part-removed",
        "SvcInterface/Get/request/body/extra",
        "breaking",
        "request",
        "Get",
    );
}

#[test]
fn fault_added() {
    only(
        "fault-added",
        "fault-added",
        "SvcInterface/Get/fault/Fault",
        "warning",
        "fault",
        "Get",
    );
}

#[test]
fn fault_removed() {
    only(
        "fault-removed",
        "fault-removed",
        "SvcInterface/Put/fault/Fault",
        "warning",
        "fault",
        "Put",
    );
}

#[test]
fn header_added_to_request() {
    only(
        "header-added",
        "header-added",
        "SvcInterface/Put/request/header/{urn:test:diff:1}Hdr",
        "breaking",
        "request",
        "Put",
    );
}

#[test]
fn header_removed_from_request() {
    only(
        "header-removed",
        "header-removed",
        "SvcInterface/Put/request/header/{urn:test:diff:1}Hdr",
        "warning",
        "request",
        "Put",
    );
}

#[test]
fn interface_added() {
    let r = only(
        "interface-added",
        "interface-added",
        "OtherInterface",
        "warning",
        "none",
        "Find",
    );
    assert_eq!(r.suggested_bump, Bump::Minor);
    assert!(
        r.interfaces
            .iter()
            .any(|i| i.name == "OtherInterface" && i.status == "added")
    );
}

#[test]
fn interface_removed() {
    only(
        "interface-removed",
        "interface-removed",
        "OtherInterface",
        "breaking",
        "none",
        "Find",
    );
}

#[test]
fn interface_renamed() {
    only(
        "interface-renamed",
        "interface-renamed",
        "ServiceInterface",
        "info",
        "none",
        "Get,Put",
    );
}

// ---- Schemas without operations ----------------------------------------------------------

#[test]
fn global_element_added() {
    only(
        "global-element-added",
        "global-element-added",
        "/{urn:test:doc:1}CreditNote",
        "warning",
        "none",
        "",
    );
}

#[test]
fn global_element_removed() {
    only(
        "global-element-removed",
        "global-element-removed",
        "/{urn:test:doc:1}CreditNote",
        "breaking",
        "none",
        "",
    );
}

// ---- Across all fixtures -----------------------------------------------------------------

fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("old").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_kind_has_a_fixture_and_ids_are_stable() {
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "at least 30 fixture pairs, found {}",
        cases.len()
    );
    let mut seen = BTreeSet::new();
    for case in &cases {
        let r = report(case);
        assert!(!r.changes.is_empty(), "{case}: no change detected");
        for c in &r.changes {
            seen.insert(c.kind);
        }
        // Stable: a second diff of fresh loads gives the same ids in the same order.
        let dir = fixtures().join(case);
        let load = |s: &str| {
            load_contracts(&[dir.join(s)], &Catalog::new())
                .unwrap()
                .contract
        };
        let again = diff_contracts(&load("old"), &load("new"));
        let ids = |r: &DiffReport| r.changes.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&r), ids(&again), "{case}: ids differ between runs");
        // Nothing changes when a side is compared with itself.
        assert!(
            diff_contracts(&load("new"), &load("new"))
                .changes
                .is_empty(),
            "{case}: new vs new is not empty"
        );
    }
    let missing: Vec<&str> = ChangeKind::ALL
        .iter()
        .filter(|k| !seen.contains(k))
        .map(|k| k.as_str())
        .collect();
    assert!(missing.is_empty(), "kinds without a fixture: {missing:?}");
}

#[test]
fn renderers_handle_every_fixture() {
    for case in cases() {
        let r = report(&case);
        let md = render_markdown(&r, &format!("Diff {case}"));
        assert!(md.starts_with(&format!("# Diff {case}")), "{case}: {md}");
        assert!(!md.contains("error rendering"), "{case}: {md}");
        for c in &r.changes {
            assert!(md.contains(&c.id), "{case}: markdown lacks {}", c.id);
        }
        let html = render_html(&r, &format!("Diff <{case}>"));
        assert!(
            html.contains(&format!("Diff &lt;{case}&gt;")),
            "{case}: title is escaped"
        );
        assert!(!html.contains("error rendering"), "{case}");
        assert!(!html.contains("<script"), "{case}: no scripts");
        let json: serde_json::Value = serde_json::from_str(&render_json(&r)).unwrap();
        for key in ["summary", "suggested_bump", "changes"] {
            assert!(json.get(key).is_some(), "{case}: JSON lacks {key}");
        }
        for c in json["changes"].as_array().unwrap() {
            for key in [
                "id",
                "severity",
                "kind",
                "operations",
                "direction",
                "path",
                "old",
                "new",
                "message",
                "rust_impact",
            ] {
                assert!(c.get(key).is_some(), "{case}: change lacks {key}: {c}");
            }
        }
    }
}

#[test]
fn unrelated_contracts_compare_without_panicking() {
    // Cross pairs: the old side of one fixture against the new side of others, and the
    // stand-in contracts against a fixture. Only "no panic, sane report" is checked.
    let all = cases();
    let load = |case: &str, side: &str| {
        load_contracts(&[fixtures().join(case).join(side)], &Catalog::new())
            .unwrap()
            .contract
    };
    let contracts: Vec<_> = all
        .iter()
        .step_by(4)
        .map(|c| (load(c, "old"), load(c, "new")))
        .collect();
    for (a, _) in &contracts {
        for (_, b) in &contracts {
            let r = diff_contracts(a, b);
            assert!(r.changes.iter().all(|c| c.id.len() == 12));
            let _ = render_markdown(&r, "cross");
        }
    }
    let standin = load_contracts(&[workspace_root().join("contracts")], &Catalog::new())
        .unwrap()
        .contract;
    let r = diff_contracts(&contracts[0].0, &standin);
    assert!(
        r.changes
            .iter()
            .any(|c| c.kind == ChangeKind::InterfaceAdded)
    );
    assert!(
        r.changes
            .iter()
            .any(|c| c.kind == ChangeKind::InterfaceRemoved)
    );
    let r = diff_contracts(
        &standin,
        &tandvard_codegen::model::Contract::from_snapshot(&standin.to_snapshot()).unwrap(),
    );
    assert!(
        r.changes.is_empty(),
        "a snapshot round trip changes nothing"
    );
}

#[test]
fn report_against_previous_snapshot_for_generate() {
    let dir = fixtures().join("enum-value-added");
    let old = load_contracts(&[dir.join("old")], &Catalog::new())
        .unwrap()
        .contract;
    let new = load_contracts(&[dir.join("new")], &Catalog::new())
        .unwrap()
        .contract;
    let md = tandvard_codegen::diff::report_against_snapshot(
        &old.to_snapshot(),
        &new,
        "Since the last generate",
    )
    .expect("a report");
    assert!(md.starts_with("# Since the last generate"), "{md}");
    assert!(md.contains("enum-value-added"));
    assert!(
        tandvard_codegen::diff::report_against_snapshot(&new.to_snapshot(), &new, "x").is_none()
    );
    assert!(tandvard_codegen::diff::report_against_snapshot("not json", &new, "x").is_none());
}
