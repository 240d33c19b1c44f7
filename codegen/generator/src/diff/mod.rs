//! Contract diff: what changed between two contract models, classified by message direction,
//! with the impact on the generated Rust API.
//!
//! The comparison is semantic: operations are matched by interface and name, elements and
//! attributes by QName (never by position alone), named types by the element that uses them.
//! Each change is anchored where it is declared (an operation, a global element or a named
//! type), so a change in a shared type is reported once, with every operation and direction
//! that reaches it. Its severity is the worse of:
//! - the request rule (BACKWARD: the new contract must accept what old clients send,
//!   L(old) ⊆ L(new)), when a request or a request header reaches it;
//! - the response rule (FORWARD: old clients must read what the new contract allows,
//!   L(new) ⊆ L(old)), when a response, a response header or a fault reaches it.
//!
//! Additions admitted before by an `xs:any` (lax or skip) extension point are compatible.
//!
//! Entry points: [`diff_contracts`], then [`render_markdown`], [`render_html`] or
//! [`render_json`]; [`accept::AcceptedList`] marks reviewed changes as accepted.

pub mod accept;
mod engine;
pub mod kinds;
mod lattice;
mod report;
pub mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::Contract;

pub use kinds::{ChangeKind, Severity};
pub use report::{render_html, render_json, render_markdown};

/// The semver bump the generated crate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Documentation, validation or constants only.
    Patch,
    /// New items only (a new interface module, a new global element type).
    Minor,
    /// An existing item or field changed, was removed or renamed, or a field or variant was
    /// added to an exhaustive struct or enum, or a required method to a server trait (a new
    /// operation).
    Major,
}

impl Bump {
    /// `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which message directions reach a change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Directions {
    /// Reached from a request (body or header).
    pub request: bool,
    /// Reached from a response (body or header).
    pub response: bool,
    /// Reached from a fault detail.
    pub fault: bool,
}

impl Directions {
    /// Only the request.
    pub const REQUEST: Self = Self {
        request: true,
        response: false,
        fault: false,
    };
    /// Only the response.
    pub const RESPONSE: Self = Self {
        request: false,
        response: true,
        fault: false,
    };
    /// Only a fault.
    pub const FAULT: Self = Self {
        request: false,
        response: false,
        fault: true,
    };
    /// None (an interface- or operation-level change, or a schema without operations).
    pub const NONE: Self = Self {
        request: false,
        response: false,
        fault: false,
    };

    /// True when no direction is set.
    pub fn is_none(self) -> bool {
        !self.request && !self.response && !self.fault
    }

    /// The union.
    pub fn union(self, other: Self) -> Self {
        Self {
            request: self.request || other.request,
            response: self.response || other.response,
            fault: self.fault || other.fault,
        }
    }

    /// `request`, `response`, `fault`, their combinations joined by `+`
    /// (`request+response`), or `none`.
    pub fn label(self) -> String {
        let mut parts = Vec::new();
        if self.request {
            parts.push("request");
        }
        if self.response {
            parts.push("response");
        }
        if self.fault {
            parts.push("fault");
        }
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join("+")
        }
    }

    /// Parses [`Directions::label`].
    pub fn parse(s: &str) -> Option<Self> {
        let mut d = Self::NONE;
        if s == "none" {
            return Some(d);
        }
        for p in s.split('+') {
            match p {
                "request" => d.request = true,
                "response" => d.response = true,
                "fault" => d.fault = true,
                _ => return None,
            }
        }
        Some(d)
    }
}

impl Serialize for Directions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for Directions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Directions::parse(&s).ok_or_else(|| serde::de::Error::custom("invalid direction"))
    }
}

/// One side of a change: the old or the new value, and where it is declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    /// The value, e.g. `minOccurs=0`, `maxLength=35`, `xs:string`, the documentation text.
    pub text: String,
    /// `file:line` relative to the contracts root, when known.
    pub source: Option<String>,
}

/// What a change does to the generated Rust API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RustChange {
    /// No API change (wire, validation or constants only).
    None,
    /// A new item, field or variant.
    Added,
    /// An item, field or variant is gone.
    Removed,
    /// An item, field or variant has a new name.
    Renamed,
    /// A field or alias has a new type.
    Retyped,
    /// Doc comments only.
    Docs,
}

/// The impact of a change on the generated Rust API, named with the generator's naming rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustImpact {
    /// What happens.
    pub change: RustChange,
    /// The Rust item: `module::Type`, `module::Type::field`, `module::TypeChoice::Variant`.
    pub item: String,
    /// A short description (`Option<T> → T`, `field added`).
    pub detail: String,
    /// The version bump this alone needs.
    pub bump: Bump,
}

impl RustImpact {
    /// No API change.
    pub fn none(item: impl Into<String>) -> Self {
        Self {
            change: RustChange::None,
            item: item.into(),
            detail: "no API change".into(),
            bump: Bump::Patch,
        }
    }
}

/// A reviewed change, accepted through the accepted-changes file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// When (YYYY-MM-DD).
    pub date: String,
    /// Why.
    pub reason: String,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Stable id: the first 12 hex digits of SHA-256 of `kind + "\0" + path`.
    pub id: String,
    /// The worst severity over the directions that reach it.
    pub severity: Severity,
    /// What kind of change.
    pub kind: ChangeKind,
    /// Operations that reach it (sorted, unique).
    pub operations: Vec<String>,
    /// Directions that reach it.
    pub direction: Directions,
    /// Where it is declared: `Interface/Operation…` for operation-level changes, `/{ns}el…` from
    /// a global element, `{ns}Type/{ns}child/@attr#facet` inside a named type.
    pub path: String,
    /// Old value and source (absent for additions).
    pub old: Option<Side>,
    /// New value and source (absent for removals).
    pub new: Option<Side>,
    /// A one-sentence explanation, including the compatibility reasoning.
    pub message: String,
    /// The impact on the generated Rust API.
    pub rust_impact: RustImpact,
    /// Interfaces that reach it (sorted, unique).
    pub interfaces: Vec<String>,
    /// Instance paths (operation/direction/element…) through which operations reach it; at
    /// most a few.
    pub locations: Vec<String>,
    /// Severity under the request rule (what it would be if only requests reached it).
    pub request_severity: Severity,
    /// Severity under the response rule.
    pub response_severity: Severity,
    /// Set when the change was accepted in the accepted-changes file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Acceptance>,
}

/// Counts by severity, of the changes not accepted, plus the accepted count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Breaking changes (not accepted).
    pub breaking: usize,
    /// Warnings (not accepted).
    pub warning: usize,
    /// Info (not accepted).
    pub info: usize,
    /// Accepted changes (any severity).
    pub accepted: usize,
}

impl Summary {
    fn add(&mut self, c: &Change) {
        if c.accepted.is_some() {
            self.accepted += 1;
            return;
        }
        match c.severity {
            Severity::Breaking => self.breaking += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }
}

/// The per-interface summary row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceSummary {
    /// Interface (port type) name; `(contract-wide)` for changes no operation reaches.
    pub name: String,
    /// `added`, `removed`, `changed` or `unchanged`.
    pub status: String,
    /// Schema version of its message namespace before (`xs:schema/@version`).
    pub old_version: Option<String>,
    /// And after.
    pub new_version: Option<String>,
    /// Counts.
    #[serde(flatten)]
    pub counts: Summary,
}

/// The whole diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffReport {
    /// Counts by severity (accepted changes counted apart).
    pub summary: Summary,
    /// The bump the generated crate needs (over all changes, accepted or not).
    pub suggested_bump: Bump,
    /// Changes: breaking first, then warnings, then info; by path within a severity.
    pub changes: Vec<Change>,
    /// One row per interface (old ∪ new), then `(contract-wide)` when needed.
    pub interfaces: Vec<InterfaceSummary>,
    /// Display prefixes used in the Markdown and HTML reports: prefix → namespace URI.
    pub namespaces: BTreeMap<String, String>,
    /// Ids in the accepted-changes file that match no change in this report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale_acceptances: Vec<String>,
}

impl DiffReport {
    /// Recomputes the summaries after changes were accepted or edited.
    pub fn recount(&mut self) {
        let mut summary = Summary::default();
        let mut per: BTreeMap<String, Summary> = BTreeMap::new();
        for c in &self.changes {
            summary.add(c);
            if c.interfaces.is_empty() {
                per.entry(CONTRACT_WIDE.to_string()).or_default().add(c);
            }
            for i in &c.interfaces {
                per.entry(i.clone()).or_default().add(c);
            }
        }
        self.summary = summary;
        for row in &mut self.interfaces {
            row.counts = per.remove(&row.name).unwrap_or_default();
            if row.status == "unchanged" && row.counts != Summary::default() {
                row.status = "changed".into();
            }
        }
        if let Some(counts) = per.remove(CONTRACT_WIDE) {
            self.interfaces.push(InterfaceSummary {
                name: CONTRACT_WIDE.into(),
                status: "changed".into(),
                old_version: None,
                new_version: None,
                counts,
            });
        }
    }

    /// Marks changes listed in `accepted` as accepted, records ids that match nothing, and
    /// recounts.
    pub fn apply_accepted(&mut self, accepted: &accept::AcceptedList) {
        let mut used = BTreeSet::new();
        for c in &mut self.changes {
            if let Some(a) = accepted.get(&c.id) {
                c.accepted = Some(a.clone());
                used.insert(c.id.clone());
            }
        }
        self.stale_acceptances = accepted
            .ids()
            .filter(|id| !used.contains(*id))
            .map(str::to_string)
            .collect();
        self.interfaces.retain(|r| r.name != CONTRACT_WIDE);
        self.recount();
    }

    /// True when a change that is not accepted reaches `threshold`.
    pub fn reaches(&self, threshold: Severity) -> bool {
        self.changes
            .iter()
            .any(|c| c.accepted.is_none() && c.severity >= threshold)
    }
}

/// The summary row name for changes that no operation reaches.
pub const CONTRACT_WIDE: &str = "(contract-wide)";

/// Compares two contract models.
///
/// Never panics; a contract that refers to types it does not contain compares those
/// references by name only.
pub fn diff_contracts(old: &Contract, new: &Contract) -> DiffReport {
    engine::diff(old, new)
}

/// For `generate`: the Markdown report of what changed since the snapshot it is about to
/// replace. `None` when the previous snapshot cannot be read (an older format) or nothing
/// changed.
pub fn report_against_snapshot(
    previous_snapshot: &str,
    new: &Contract,
    title: &str,
) -> Option<String> {
    let old = Contract::from_snapshot(previous_snapshot).ok()?;
    let report = diff_contracts(&old, new);
    if report.changes.is_empty() {
        return None;
    }
    Some(render_markdown(&report, title))
}

/// The stable id of a change: the first 12 hex digits of SHA-256 of `kind + "\0" + path`.
pub fn change_id(kind: ChangeKind, path: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(kind.as_str().as_bytes());
    h.update([0u8]);
    h.update(path.as_bytes());
    let digest = h.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}
