//! End to end: the pre-2026 stand-in contracts (tests/fixtures/contracts-pre2026) against the
//! current ones (contracts/), checked entry by entry against CHANGES.md; the CLI's inputs
//! (directory, snapshot, git:REV), exit codes and accepted-changes file; and the HTML report
//! rendered by headless Chromium.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tandvard_codegen::diff::{
    ChangeKind, DiffReport, Severity, diff_contracts, render_html, render_markdown,
};
use tandvard_codegen::load_contracts;
use tandvard_codegen::model::Contract;
use tandvard_codegen::wsdl::Catalog;
use tandvard_tests::{in_ci, require_tool, workspace_root};

fn pre2026_dir() -> PathBuf {
    workspace_root().join("tests/fixtures/contracts-pre2026")
}

fn current_dir() -> PathBuf {
    workspace_root().join("contracts")
}

fn load(dir: &Path) -> Contract {
    load_contracts(&[dir.to_path_buf()], &Catalog::new())
        .unwrap_or_else(|e| panic!("{} does not load: {e}", dir.display()))
        .contract
}

fn e2e() -> &'static DiffReport {
    static R: OnceLock<DiffReport> = OnceLock::new();
    R.get_or_init(|| diff_contracts(&load(&pre2026_dir()), &load(&current_dir())))
}

/// A fresh temporary directory under the target directory.
fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tandvard-diff-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const CMN: &str = "{urn:fk:tandvard:common:1}";
const CLM: &str = "{urn:fk:tandvard:claim:2}";
const CP: &str = "{urn:fk:tandvard:CheckPatientResponder:2}";
const SC: &str = "{urn:fk:tandvard:SubmitClaimResponder:2}";
const VC: &str = "{urn:fk:tandvard:ValidateClaimResponder:2}";
const PS: &str = "{urn:fk:tandvard:GetPaymentSpecificationResponder:1}";
const GM: &str = "{urn:fk:tandvard:GetMessageResponder:1}";
const STB: &str = "{urn:fk:tandvard:PreAssessmentStbResponder:1}";
const RC: &str = "{urn:fk:tandvard:ReverseClaimResponder:1}";

/// One CHANGES.md entry: the change(s) the report must hold for it.
struct Entry {
    id: &'static str,
    kind: ChangeKind,
    /// The change's path (Clark notation, as in the JSON report).
    path: String,
    severity: Severity,
    /// The direction that must reach it (`request`, `response`, or empty for n/a).
    direction: &'static str,
    /// For entries whose severity differs per direction: (request rule, response rule).
    per_side: Option<(Severity, Severity)>,
}

fn entries() -> Vec<Entry> {
    use ChangeKind as K;
    use Severity::{Breaking as B, Info as I, Warning as W};
    let e = |id, kind, path: String, severity, direction| Entry {
        id,
        kind,
        path,
        severity,
        direction,
        per_side: None,
    };
    let version = |id, ns: &str| {
        e(
            id,
            K::SchemaVersionChanged,
            format!("schema({ns})#version"),
            I,
            "",
        )
    };
    let doc = |id, path: String| e(id, K::DocumentationChanged, path, I, "");
    vec![
        version("CMN-01", "urn:fk:tandvard:common:1"),
        e(
            "CMN-02",
            K::EnumValueAdded,
            format!("{CMN}PerformerRoleType#enum=SPECIALLY_AUTHORISED"),
            W,
            "request",
        ),
        e(
            "CMN-03",
            K::EnumValueAdded,
            format!("{CMN}PerformerRoleType#enum=DELEGATED"),
            W,
            "request",
        ),
        e(
            "CMN-04",
            K::EnumValueAdded,
            format!("{CMN}SupportTypeType#enum=STE"),
            B,
            "response",
        ),
        Entry {
            per_side: Some((W, B)),
            ..e(
                "CMN-05",
                K::FacetWidened,
                format!("{CMN}StbAmountType#maxInclusive"),
                B,
                "request+response",
            )
        },
        doc("CMN-06", format!("{CMN}StbAmountType#doc")),
        doc("CMN-06", format!("{CMN}PerformerRoleType#doc")),
        version("CLM-01", "urn:fk:tandvard:claim:2"),
        e(
            "CLM-02",
            K::RequiredElementAdded,
            format!("{CLM}ClaimPerformerType/{CLM}licence"),
            B,
            "request",
        ),
        e(
            "CLM-03",
            K::OptionalElementAdded,
            format!("{CLM}ClaimPerformerType/{CLM}delegatedByRef"),
            W,
            "request",
        ),
        e(
            "CLM-04",
            K::FacetNarrowed,
            format!("{CLM}ClaimType/{CLM}lateSubmissionReason#maxLength"),
            B,
            "request",
        ),
        e(
            "CLM-05",
            K::EnumValueRemoved,
            format!("{CLM}PaymentMethodType#enum=CHEQUE"),
            B,
            "request",
        ),
        e(
            "CLM-06",
            K::OptionalElementAdded,
            format!("{CLM}ClaimLineType/{CLM}requestedSupport"),
            W,
            "request",
        ),
        e(
            "CLM-07",
            K::RequiredElementAdded,
            format!("{CLM}LabWorkType/{CLM}mdrCompliant"),
            B,
            "request",
        ),
        doc(
            "CLM-08",
            format!("{CLM}ClaimLineType/{CLM}providerPrice#doc"),
        ),
        e(
            "CLM-09",
            K::RequiredElementRemoved,
            format!("{CLM}ClaimTotalsType/{CLM}compensationAmount"),
            B,
            "response",
        ),
        e(
            "CLM-10",
            K::RequiredElementAdded,
            format!("{CLM}ClaimTotalsType/{CLM}ateAmount"),
            B,
            "response",
        ),
        e(
            "CLM-11",
            K::RequiredElementAdded,
            format!("{CLM}ClaimTotalsType/{CLM}steAmount"),
            B,
            "response",
        ),
        e(
            "CLM-12",
            K::OptionalElementAdded,
            format!("{CLM}CompensationPeriodAfterType/{CLM}thresholdLow"),
            W,
            "response",
        ),
        e(
            "CLM-13",
            K::OptionalElementAdded,
            format!("{CLM}CompensationPeriodAfterType/{CLM}thresholdHigh"),
            W,
            "response",
        ),
        version("CP-01", "urn:fk:tandvard:CheckPatientResponder:2"),
        e(
            "CP-02",
            K::RequiredElementAdded,
            format!("{CP}PatientStatusType/{CP}steEligible"),
            B,
            "response",
        ),
        e(
            "CP-03",
            K::EnumValueAdded,
            format!("{CP}AtbAgeBandType#enum=PENSION_TARGET_AGE"),
            B,
            "response",
        ),
        doc("CP-04", format!("{CP}AtbAgeBandType#enum=AGE_65_PLUS#doc")),
        e(
            "CP-05",
            K::RequiredElementAdded,
            format!("{CP}StbStatusType/{CP}maxAmount"),
            B,
            "response",
        ),
        e(
            "CP-06",
            K::RequiredElementAdded,
            format!("{CP}CompensationPeriodType/{CP}thresholdLow"),
            B,
            "response",
        ),
        e(
            "CP-07",
            K::RequiredElementAdded,
            format!("{CP}CompensationPeriodType/{CP}thresholdHigh"),
            B,
            "response",
        ),
        e(
            "CP-08",
            K::OptionalElementAdded,
            format!("{CP}CompensationPeriodType/{CP}pbbYear"),
            W,
            "response",
        ),
        version("SC-01", "urn:fk:tandvard:SubmitClaimResponder:2"),
        e(
            "SC-02",
            K::OptionalElementAdded,
            format!("{SC}SubmitClaimResponseType/{SC}performerCheck"),
            W,
            "response",
        ),
        version("VC-01", "urn:fk:tandvard:ValidateClaimResponder:2"),
        e(
            "VC-02",
            K::RequiredElementAdded,
            format!("{VC}ValidateClaimType/{VC}relationship"),
            B,
            "request",
        ),
        e(
            "VC-03",
            K::OptionalElementAdded,
            format!("{VC}ValidateClaimResponseType/{VC}performerCheck"),
            W,
            "response",
        ),
        version(
            "PS-01",
            "urn:fk:tandvard:GetPaymentSpecificationResponder:1",
        ),
        e(
            "PS-02",
            K::MaxOccursIncreased,
            format!("{PS}GetPaymentSpecificationType/{PS}clinicId"),
            W,
            "request",
        ),
        e(
            "PS-03",
            K::EnumValueAdded,
            format!("{PS}DeductionKindType#enum=CONNECTION_FEE"),
            B,
            "response",
        ),
        e(
            "PS-04",
            K::OptionalElementAdded,
            format!("{PS}DeductionType/{PS}feeYear"),
            W,
            "response",
        ),
        e(
            "PS-05",
            K::OptionalElementAdded,
            format!("{PS}ClaimAmountsType/{PS}ste"),
            W,
            "response",
        ),
        e(
            "PS-06",
            K::OptionalElementAdded,
            format!("{PS}ClaimAmountsType/{PS}accessibilityGrant"),
            W,
            "response",
        ),
        version("GM-01", "urn:fk:tandvard:GetMessageResponder:1"),
        Entry {
            per_side: Some((W, B)),
            ..e(
                "GM-02",
                K::EnumValueAdded,
                format!("{GM}MessageCategoryType#enum=CONNECTION"),
                B,
                "request+response",
            )
        },
        e(
            "GM-03",
            K::OptionalElementAdded,
            format!("{GM}FkMessageType/{GM}legalBasis"),
            W,
            "response",
        ),
        version("STB-01", "urn:fk:tandvard:PreAssessmentStbResponder:1"),
        e(
            "STB-02",
            K::OperationAdded,
            "PreAssessmentStbResponderInterface/GetStbPreAssessmentStatus".to_string(),
            W,
            "",
        ),
        e(
            "STB-03",
            K::MinOccursDecreased,
            format!("{STB}SubmitStbPreAssessmentType/{STB}attachmentId"),
            W,
            "request",
        ),
        e(
            "STB-04",
            K::OptionalElementAdded,
            format!("{STB}SubmitStbPreAssessmentType/{STB}attachmentsToFollow"),
            W,
            "request",
        ),
        version("RC-01", "urn:fk:tandvard:ReverseClaimResponder:1"),
        e(
            "RC-02",
            K::EnumValueAdded,
            format!("{RC}ReversalReasonType#enum=WRONG_SUPPORT_TYPE"),
            W,
            "request",
        ),
        e(
            "RC-03",
            K::EnumValueRemoved,
            format!("{RC}SettlementType#enum=MANUAL"),
            W,
            "response",
        ),
        doc("DOC-01", format!("{CLM}ClaimPerformerType#doc")),
        doc("DOC-02", format!("{CLM}ClaimTotalsType#doc")),
        doc(
            "DOC-03",
            format!("{CLM}ClaimType/{CLM}lateSubmissionReason#doc"),
        ),
        doc("DOC-04", format!("{CLM}PaymentMethodType#doc")),
        doc(
            "DOC-05",
            format!("{PS}GetPaymentSpecificationType/{PS}clinicId#doc"),
        ),
        doc(
            "DOC-06",
            format!("{STB}SubmitStbPreAssessmentType/{STB}attachmentId#doc"),
        ),
        doc("DOC-07", format!("{RC}SettlementType#doc")),
    ]
}

fn dump(r: &DiffReport) -> String {
    r.changes
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c.severity,
                c.kind,
                c.direction.label(),
                c.path
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_changes_md_entry_is_detected_with_its_severity() {
    let r = e2e();
    for entry in entries() {
        let Some(c) = r
            .changes
            .iter()
            .find(|c| c.kind == entry.kind && c.path == entry.path)
        else {
            panic!(
                "{}: no {} at {}; the report has:\n{}",
                entry.id,
                entry.kind,
                entry.path,
                dump(r)
            );
        };
        assert_eq!(
            c.severity, entry.severity,
            "{}: severity of {} at {}",
            entry.id, c.kind, c.path
        );
        if !entry.direction.is_empty() {
            assert_eq!(
                c.direction.label(),
                entry.direction,
                "{}: direction",
                entry.id
            );
        }
        if let Some((req, resp)) = entry.per_side {
            assert_eq!(
                (c.request_severity, c.response_severity),
                (req, resp),
                "{}: per-side severity",
                entry.id
            );
        }
        assert!(
            c.old.is_some() || c.new.is_some(),
            "{}: old or new side",
            entry.id
        );
        let sourced =
            |s: &Option<tandvard_codegen::diff::Side>| s.as_ref().and_then(|s| s.source.clone());
        if matches!(
            entry.kind,
            ChangeKind::RequiredElementAdded | ChangeKind::OptionalElementAdded
        ) {
            let src = sourced(&c.new).unwrap_or_default();
            assert!(
                src.contains(".xsd:"),
                "{}: new file:line, got {src:?}",
                entry.id
            );
        }
        if entry.kind == ChangeKind::RequiredElementRemoved {
            let src = sourced(&c.old).unwrap_or_default();
            assert!(
                src.starts_with("common/TandvardClaim_2.2.xsd:"),
                "{}: old file:line, got {src:?}",
                entry.id
            );
        }
    }
}

#[test]
fn every_id_in_changes_md_is_checked() {
    let text = std::fs::read_to_string(pre2026_dir().join("CHANGES.md")).expect("CHANGES.md");
    let mut ids = BTreeSet::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("| ") else {
            continue;
        };
        let id = rest.split(' ').next().unwrap_or("");
        let is_id = id.contains('-')
            && id
                .split('-')
                .next()
                .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase()))
            && id
                .split('-')
                .nth(1)
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if is_id {
            ids.insert(id.to_string());
        }
    }
    let checked: BTreeSet<String> = entries().iter().map(|e| e.id.to_string()).collect();
    assert!(ids.len() >= 50, "CHANGES.md ids: {ids:?}");
    let missing: Vec<&String> = ids.difference(&checked).collect();
    assert!(
        missing.is_empty(),
        "CHANGES.md entries without a check: {missing:?}"
    );
}

#[test]
fn no_unexpected_wire_changes() {
    // CHANGES.md: 36 wire-relevant entries, 17 breaking in at least one direction and 19
    // warning-only; everything else is info (no wire effect).
    let r = e2e();
    let expected: BTreeSet<(ChangeKind, String)> = entries()
        .into_iter()
        .filter(|e| e.severity != Severity::Info)
        .map(|e| (e.kind, e.path))
        .collect();
    let wire: BTreeSet<(ChangeKind, String)> = r
        .changes
        .iter()
        .filter(|c| c.severity != Severity::Info)
        .map(|c| (c.kind, c.path.clone()))
        .collect();
    let extra: Vec<_> = wire.difference(&expected).collect();
    assert!(
        extra.is_empty(),
        "wire changes CHANGES.md does not list: {extra:#?}"
    );
    assert_eq!(r.summary.breaking, 17, "{}", dump(r));
    assert_eq!(r.summary.warning, 19, "{}", dump(r));
    assert!(r.summary.info >= 19, "{}", dump(r));
    assert_eq!(r.suggested_bump, tandvard_codegen::diff::Bump::Major);
}

#[test]
fn highest_severity_per_interface_matches_changes_md_section_4() {
    let r = e2e();
    let expected: BTreeMap<&str, &str> = [
        ("CheckPatientResponderInterface", "breaking"),
        ("SubmitClaimResponderInterface", "breaking"),
        ("ValidateClaimResponderInterface", "breaking"),
        ("GetPaymentSpecificationResponderInterface", "breaking"),
        ("GetMessageResponderInterface", "breaking"),
        ("ReverseClaimResponderInterface", "breaking"),
        ("PreAssessmentStbResponderInterface", "warning"),
        ("ReportStatisticalVisitResponderInterface", "warning"),
        ("PreAssessmentClaimResponderInterface", "warning"),
        ("RegisterPatientResponderInterface", "info"),
        ("SendAttachmentResponderInterface", "info"),
        ("SubscriptionDentalCareResponderInterface", "info"),
        ("TestResponderInterface", "info"),
    ]
    .into_iter()
    .collect();
    for (name, highest) in expected {
        let row = r
            .interfaces
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("no row for {name}"));
        let got = if row.counts.breaking > 0 {
            "breaking"
        } else if row.counts.warning > 0 {
            "warning"
        } else {
            "info"
        };
        assert_eq!(got, highest, "{name}: {:?}", row);
    }
    let versions = |name: &str| {
        let row = r.interfaces.iter().find(|i| i.name == name).unwrap();
        (
            row.old_version.clone().unwrap_or_default(),
            row.new_version.clone().unwrap_or_default(),
        )
    };
    assert_eq!(
        versions("CheckPatientResponderInterface"),
        ("2.2".into(), "2.3".into())
    );
    assert_eq!(
        versions("PreAssessmentStbResponderInterface"),
        ("1.0".into(), "1.1".into())
    );
    assert_eq!(
        versions("TestResponderInterface"),
        ("1.0".into(), "1.0".into())
    );
}

#[test]
fn markdown_report_for_the_meeting() {
    let md = render_markdown(e2e(), "Tandvård contracts 2025 → 2026");
    let first_breaking = md
        .find("## Breaking changes (17)")
        .expect("breaking section");
    let warnings = md.find("## Warnings (19)").expect("warnings section");
    let summary = md.find("## Summary per interface").expect("summary");
    assert!(
        summary < first_breaking && first_breaking < warnings,
        "summary, then breaking, then warnings"
    );
    assert!(
        md.contains("| CheckPatientResponderInterface | changed | 2.2 → 2.3 | 6 | 1 |"),
        "{md}"
    );
    assert!(
        md.contains("common/TandvardClaim_2.2.xsd:"),
        "old file:line"
    );
    assert!(
        md.contains("claim_v2::ClaimTotalsType::compensation_amount"),
        "Rust item named"
    );
}

// ---- The CLI ---------------------------------------------------------------------------------

/// Runs `tandvard-codegen` through cargo (the binary is in another package).
fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args([
            "run",
            "--quiet",
            "-p",
            "tandvard-codegen-cli",
            "--bin",
            "tandvard-codegen",
            "--",
        ])
        .args(args)
        .output()
        .expect("cargo runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn cli_exit_codes_formats_and_accepted_changes() {
    let pre = pre2026_dir().display().to_string();
    let cur = current_dir().display().to_string();
    let tmp = temp_dir("cli");

    // Breaking changes reach --fail-on breaking: exit 1; the JSON has the documented shape.
    let (code, out, err) = cli(&[
        "diff",
        &pre,
        &cur,
        "--format",
        "json",
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(code, 1, "{err}");
    let v = json(&out);
    assert_eq!(v["summary"]["breaking"], 17);
    assert_eq!(v["suggested_bump"], "major");
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes[0]["severity"], "breaking", "breaking first");
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
        assert!(changes[0].get(key).is_some(), "{key}");
    }

    // No threshold: exit 0 whatever the changes.
    let (code, _, err) = cli(&[
        "diff",
        &pre,
        &cur,
        "--output",
        tmp.join("r.md").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(tmp.join("r.md"))
            .unwrap()
            .starts_with("# Contract diff: ")
    );

    // Identical contracts: exit 0 even with --fail-on warning.
    let (code, _, err) = cli(&[
        "diff",
        &cur,
        &cur,
        "--fail-on",
        "warning",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");

    // Warnings only: --fail-on breaking passes, --fail-on warning fails.
    let fx = workspace_root().join("tests/fixtures/diff/optional-element-added");
    let (o, n) = (
        fx.join("old").display().to_string(),
        fx.join("new").display().to_string(),
    );
    assert_eq!(cli(&["diff", &o, &n, "--fail-on", "breaking"]).0, 0);
    assert_eq!(cli(&["diff", &o, &n, "--fail-on", "warning"]).0, 1);

    // Accept every breaking change: --fail-on breaking passes, and the report shows them as accepted.
    let accepted = tmp.join("accepted.txt");
    let mut lines = String::from("# Reviewed at the vendor meeting.\n");
    for c in changes.iter().filter(|c| c["severity"] == "breaking") {
        lines.push_str(&format!(
            "{} 2026-01-14 Agreed: FK runs the 2025 revision in parallel\n",
            c["id"].as_str().unwrap()
        ));
    }
    lines.push_str("0123456789ab 2026-01-14 a change that no longer exists\n");
    std::fs::write(&accepted, lines).unwrap();
    let acc = accepted.display().to_string();
    let (code, out, err) = cli(&[
        "diff",
        &pre,
        &cur,
        "--format",
        "json",
        "--fail-on",
        "breaking",
        "--accepted",
        &acc,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("0123456789ab"),
        "stale acceptance noted: {err}"
    );
    let v = json(&out);
    assert_eq!(v["summary"]["breaking"], 0);
    assert_eq!(v["summary"]["accepted"], 17);
    assert_eq!(v["stale_acceptances"][0], "0123456789ab");
    let (code, _, _) = cli(&[
        "diff",
        &pre,
        &cur,
        "--fail-on",
        "warning",
        "--accepted",
        &acc,
    ]);
    assert_eq!(code, 1, "warnings are not accepted");

    // Errors: exit 2.
    let (code, _, err) = cli(&["diff", &pre, "/no/such/contracts", "--fail-on", "breaking"]);
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/contracts"), "{err}");
    let bad = tmp.join("bad-accepted.txt");
    std::fs::write(&bad, "not-an-id 2026-01-14 x\n").unwrap();
    let (code, _, err) = cli(&["diff", &pre, &cur, "--accepted", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("line 1"), "{err}");

    // A snapshot file is an input too, and gives the same changes as the directory.
    let snap = tmp.join("pre.snapshot.json");
    std::fs::write(&snap, load(&pre2026_dir()).to_snapshot()).unwrap();
    let (code, out, err) = cli(&["diff", snap.to_str().unwrap(), &cur, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let from_snapshot = json(&out);
    let ids = |v: &serde_json::Value| {
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (_, out, _) = cli(&["diff", &pre, &cur, "--format", "json"]);
    assert_eq!(ids(&from_snapshot), ids(&json(&out)));

    // HTML to a file.
    let html = tmp.join("r.html");
    let (code, _, err) = cli(&[
        "diff",
        &pre,
        &cur,
        "--format",
        "html",
        "--output",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&html).unwrap().contains("<style>"));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn cli_git_revisions() {
    let git_ok = Command::new("git")
        .current_dir(workspace_root())
        .args([
            "rev-parse",
            "--verify",
            "HEAD:tests/fixtures/contracts-pre2026",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !git_ok {
        assert!(
            !in_ci(),
            "CI runs in a git checkout with the fixtures committed"
        );
        eprintln!("SKIP: not a git checkout with the pre-2026 fixture committed");
        return;
    }
    // The same tree at HEAD: nothing changed.
    let (code, out, err) = cli(&[
        "diff",
        "git:HEAD:tests/fixtures/contracts-pre2026",
        "git:HEAD:tests/fixtures/contracts-pre2026",
        "--format",
        "json",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["changes"].as_array().unwrap().len(), 0);
    // pre-2026 at HEAD against contracts/ at HEAD (git:HEAD means git:HEAD:contracts).
    let (code, out, err) = cli(&[
        "diff",
        "git:HEAD:tests/fixtures/contracts-pre2026",
        "git:HEAD",
        "--format",
        "json",
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(json(&out)["summary"]["breaking"].as_u64().unwrap() > 0);
    // Unknown revision: exit 2 with a clear message.
    let (code, _, err) = cli(&["diff", "git:no-such-revision-xyz", "contracts"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown revision"), "{err}");
}

// ---- HTML in Chromium ------------------------------------------------------------------------

#[test]
fn html_report_renders_in_headless_chromium() {
    if !require_tool("chromium", "chromium") {
        return;
    }
    let dir = temp_dir("chromium");
    let page = dir.join("report.html");
    std::fs::write(&page, render_html(e2e(), "Tandvård contracts 2025 → 2026")).unwrap();
    let url = format!("file://{}", page.display());
    let profile = dir.join("profile");
    let base = |extra: &[&str]| {
        let mut c = Command::new("chromium");
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url);
        c
    };
    let shot = dir.join("shot.png");
    let out = base(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=1280,2000",
    ])
    .output()
    .expect("chromium runs");
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 20_000,
        "screenshot missing or trivial ({size} bytes); chromium said: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let dom = base(&["--dump-dom"]).output().expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("id=\"count-breaking\">17<"),
        "rendered breaking count; DOM:\n{dom}"
    );
    assert!(dom.contains("Summary per interface"), "summary section");
    for name in [
        "CheckPatientResponderInterface",
        "SubmitClaimResponderInterface",
        "TestResponderInterface",
    ] {
        assert!(dom.contains(name), "{name} in the summary");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
