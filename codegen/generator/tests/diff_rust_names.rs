//! The Rust items a diff report names are items of the generated code: for every fixture pair
//! in `tests/fixtures/diff/`, each change's `rust_impact.item` is a module, type, field,
//! variant, constant or method of the code generated from the new contracts (from the old
//! ones for what was removed), collision suffixes included.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tandvard_codegen::diff::{DiffReport, RustChange, diff_contracts};
use tandvard_codegen::load_contracts;
use tandvard_codegen::model::Contract;
use tandvard_codegen::render::{RenderOptions, render_crate};
use tandvard_codegen::wsdl::Catalog;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/diff")
}

fn load(dir: &Path) -> Contract {
    load_contracts(&[dir.to_path_buf()], &Catalog::new())
        .unwrap_or_else(|e| panic!("{} does not load: {e}", dir.display()))
        .contract
}

/// Every item path of the generated crate: `module`, `module::Item`, `module::Type::field`,
/// `module::Enum::Variant`, `module::Type::method`, `module::Trait::method`.
fn generated_items(contract: &Contract) -> BTreeSet<String> {
    let rendered = render_crate(contract, &RenderOptions::default()).expect("renders");
    let mut out = BTreeSet::new();
    for (path, text) in &rendered.files {
        let Some(module) = path
            .strip_prefix("src/")
            .and_then(|p| p.strip_suffix(".rs"))
            .filter(|m| *m != "lib")
        else {
            continue;
        };
        out.insert(module.to_string());
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path} parses: {e}"));
        for item in &file.items {
            items_of(module, item, &mut out);
        }
    }
    out
}

fn items_of(module: &str, item: &syn::Item, out: &mut BTreeSet<String>) {
    let mut put = |name: String| {
        out.insert(format!("{module}::{name}"));
    };
    match item {
        syn::Item::Struct(s) => {
            put(s.ident.to_string());
            for (i, f) in s.fields.iter().enumerate() {
                let field = f.ident.as_ref().map_or(i.to_string(), |f| f.to_string());
                put(format!("{}::{field}", s.ident));
            }
        }
        syn::Item::Enum(e) => {
            put(e.ident.to_string());
            for v in &e.variants {
                put(format!("{}::{}", e.ident, v.ident));
            }
        }
        syn::Item::Type(t) => put(t.ident.to_string()),
        syn::Item::Const(c) => put(c.ident.to_string()),
        syn::Item::Fn(f) => put(f.sig.ident.to_string()),
        syn::Item::Trait(t) => {
            put(t.ident.to_string());
            for i in &t.items {
                if let syn::TraitItem::Fn(f) = i {
                    put(format!("{}::{}", t.ident, f.sig.ident));
                }
            }
        }
        syn::Item::Impl(i) => {
            let syn::Type::Path(p) = &*i.self_ty else {
                return;
            };
            let Some(ty) = p.path.segments.last() else {
                return;
            };
            for it in &i.items {
                if let syn::ImplItem::Fn(f) = it {
                    put(format!("{}::{}", ty.ident, f.sig.ident));
                }
            }
        }
        _ => {}
    }
}

/// The item paths a report names: (change, item), without the ones that name no code.
fn named_items(r: &DiffReport) -> Vec<(RustChange, String)> {
    r.changes
        .iter()
        .map(|c| (c.rust_impact.change, c.rust_impact.item.clone()))
        .filter(|(_, item)| !item.is_empty())
        .collect()
}

/// The items a report names that the generated code lacks: `in_old` for removals,
/// `in_new` otherwise.
fn missing(
    report: &DiffReport,
    in_old: &BTreeSet<String>,
    in_new: &BTreeSet<String>,
) -> Vec<String> {
    named_items(report)
        .into_iter()
        .filter(|(change, item)| {
            let generated = if *change == RustChange::Removed {
                in_old
            } else {
                in_new
            };
            !generated.contains(item)
        })
        .map(|(change, item)| format!("{change:?} {item}"))
        .collect()
}

/// A schema whose names collide in Rust (see `tests/golden/collisions`), changed where the
/// collision suffixes are: the report names `a_b2`, `LineItem2` and `DarkBlue2`.
#[test]
fn report_names_carry_collision_suffixes() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let old_xsd = std::fs::read_to_string(golden.join("collisions/schema.xsd")).expect("xsd");
    let old_enum = std::fs::read_to_string(golden.join("enumeration/schema.xsd")).expect("xsd");
    let new_xsd = old_xsd
        .replace(
            r#"<xs:element name="a_b" type="xs:string"/>"#,
            r#"<xs:element name="a_b" type="xs:string" minOccurs="0"/>"#,
        )
        .replace(
            r#"<xs:element name="qty" type="xs:int"/>"#,
            r#"<xs:element name="qty" type="xs:long"/>"#,
        );
    let new_enum = old_enum.replace(r#"<xs:enumeration value="dark_blue"/>"#, "");
    assert_ne!(old_xsd, new_xsd);
    assert_ne!(old_enum, new_enum);
    let dir = std::env::temp_dir().join(format!("diff-rust-names-{}", std::process::id()));
    let write = |side: &str, xsd: &str, en: &str| {
        let d = dir.join(side);
        std::fs::create_dir_all(&d).expect("temp dir");
        std::fs::write(d.join("collisions.xsd"), xsd).expect("write");
        std::fs::write(d.join("enumeration.xsd"), en).expect("write");
        load(&d)
    };
    let old = write("old", &old_xsd, &old_enum);
    let new = write("new", &new_xsd, &new_enum);
    let _ = std::fs::remove_dir_all(&dir);
    let report = diff_contracts(&old, &new);
    let items: Vec<String> = named_items(&report).into_iter().map(|(_, i)| i).collect();
    for want in [
        "collisions::Line::a_b2",
        "collisions::LineItem2::qty",
        "enumeration::Colour::DarkBlue2",
    ] {
        assert!(items.iter().any(|i| i == want), "{want} not in {items:?}");
    }
    let wrong = missing(&report, &generated_items(&old), &generated_items(&new));
    assert!(wrong.is_empty(), "not generated: {wrong:?}");
}

#[test]
fn rust_names_in_diff_reports_are_those_of_the_generated_code() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixture pairs")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("old").is_dir() && p.join("new").is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() > 50, "fixture pairs found: {}", cases.len());
    let mut checked = 0;
    let mut wrong = Vec::new();
    for case in &cases {
        let (old, new) = (load(&case.join("old")), load(&case.join("new")));
        let report = diff_contracts(&old, &new);
        let (in_old, in_new) = (generated_items(&old), generated_items(&new));
        checked += named_items(&report).len();
        let name = case.file_name().unwrap_or_default().to_string_lossy();
        for m in missing(&report, &in_old, &in_new) {
            wrong.push(format!("{name}: {m}"));
        }
    }
    assert!(checked > 100, "items checked: {checked}");
    assert!(
        wrong.is_empty(),
        "items the reports name that the generated code does not have:\n{}",
        wrong.join("\n")
    );
}
