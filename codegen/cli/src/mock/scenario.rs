//! Scenario files for `serve-mock`: rules matched in order, each answering with an example, a
//! sample, a fault, an HTTP status, a delay or a transport fault, with a little state (sets of
//! recorded values and queues of answers).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A scenario file (`contracts/mock-scenarios.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// How a request that breaks its contract is answered.
    #[serde(default)]
    pub invalid_request: Option<InvalidRequest>,
    /// The rules, matched in order; the first that matches answers.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

/// The answer to a request that breaks its contract (strict mode).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvalidRequest {
    /// A fault detail element (an XML file, relative to the scenario file) sent in the
    /// `Client` fault; `{error}` in it is replaced by the rule the request broke.
    pub fault_detail: Option<PathBuf>,
}

/// One rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A name for the journal and the rehearsal report (default: `operation #n`).
    pub name: Option<String>,
    /// The operation it applies to.
    pub operation: String,
    /// Values at element paths below the request payload (`patientId/personnummer`: local
    /// names), all of which must be equal (white space trimmed).
    #[serde(default, rename = "match")]
    pub matches: BTreeMap<String, String>,
    /// The calls of this operation it answers (1-based, counted from the mock's start).
    #[serde(default)]
    pub calls: Vec<u64>,
    /// The value at `path` must have been recorded in `recorded` by an earlier call.
    pub requires: Option<Requires>,
    /// Matches only while this queue holds an answer; answers with the oldest.
    pub dequeue: Option<String>,
    /// Records the value at a path of the request in a named set.
    pub record: Option<Record>,
    /// Queues an answer (an example file) for a later `dequeue`.
    pub enqueue: Option<Enqueue>,
    /// What to answer.
    #[serde(default)]
    pub respond: Respond,
}

/// A precondition on recorded state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requires {
    /// The set.
    pub recorded: String,
    /// The request path whose value must be in it.
    pub path: String,
}

/// Records a request value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The set.
    pub set: String,
    /// The request path.
    pub path: String,
}

/// Queues an answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enqueue {
    /// The queue.
    pub queue: String,
    /// The example file to answer with (relative to the scenario file).
    pub example: PathBuf,
}

/// What a rule answers. With none of `example`, `sample`, `fault`, `status` or `transport`,
/// the operation's default example.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Respond {
    /// An example file: a payload (wrapped in an envelope) or a whole envelope (sent as it
    /// is, with status 500 when it holds a fault). Relative to the scenario file.
    pub example: Option<PathBuf>,
    /// A sample made from the contract: `"minimal"` or `"full"`.
    pub sample: Option<String>,
    /// A SOAP fault.
    pub fault: Option<FaultSpec>,
    /// An HTTP status with no SOAP envelope.
    pub status: Option<u16>,
    /// Wait this long before answering.
    pub delay_ms: Option<u64>,
    /// Misbehave on the connection: `"reset"` (closed, no response), `"empty"` (200 with an
    /// empty body) or `"truncated"` (half the body, then closed).
    pub transport: Option<String>,
}

/// A SOAP fault to answer with.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// `"Client"` or `"Server"` (SOAP 1.2: Sender, Receiver).
    #[serde(default = "server")]
    pub code: String,
    /// The fault string.
    pub string: String,
    /// A detail element (an XML file, relative to the scenario file).
    pub detail: Option<PathBuf>,
}

fn server() -> String {
    "Server".into()
}

impl ScenarioFile {
    /// Reads and checks a scenario file; paths in it become absolute.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut file: ScenarioFile =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let abs = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        if let Some(inv) = &mut file.invalid_request
            && let Some(d) = &mut inv.fault_detail
        {
            abs(d);
        }
        for (i, rule) in file.rules.iter_mut().enumerate() {
            let what = format!(
                "{}: rule {} ({})",
                path.display(),
                i + 1,
                rule.name.as_deref().unwrap_or(&rule.operation)
            );
            if let Some(e) = &mut rule.enqueue {
                abs(&mut e.example);
            }
            let r = &mut rule.respond;
            if let Some(p) = &mut r.example {
                abs(p);
            }
            if let Some(f) = &mut r.fault
                && let Some(d) = &mut f.detail
            {
                abs(d);
            }
            let answers = [
                r.example.is_some(),
                r.sample.is_some(),
                r.fault.is_some(),
                r.status.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
            if answers > 1 {
                return Err(format!(
                    "{what}: give one of example, sample, fault and status"
                ));
            }
            if let Some(s) = &r.sample
                && s != "minimal"
                && s != "full"
            {
                return Err(format!(
                    "{what}: sample is \"minimal\" or \"full\", not {s:?}"
                ));
            }
            if let Some(t) = &r.transport
                && !matches!(t.as_str(), "reset" | "empty" | "truncated")
            {
                return Err(format!(
                    "{what}: transport is \"reset\", \"empty\" or \"truncated\", not {t:?}"
                ));
            }
            if let Some(f) = &r.fault
                && !matches!(f.code.as_str(), "Client" | "Server" | "Sender" | "Receiver")
            {
                return Err(format!(
                    "{what}: fault code is Client or Server, not {:?}",
                    f.code
                ));
            }
            if rule.calls.contains(&0) {
                return Err(format!("{what}: calls are counted from 1"));
            }
        }
        Ok(file)
    }
}

/// The text of the element at `path` (local names separated by `/`) below `node`.
pub fn value_at<'a>(node: roxmltree::Node<'a, '_>, path: &str) -> Option<&'a str> {
    let mut cur = node;
    for step in path.split('/').filter(|s| !s.is_empty()) {
        cur = cur
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == step)?;
    }
    Some(cur.text().unwrap_or("").trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_with_two_answers_is_refused() {
        let dir = std::env::temp_dir().join(format!("scenario-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("s.toml");
        std::fs::write(
            &f,
            "[[rule]]\noperation = \"X\"\nrespond = { status = 503, sample = \"full\" }\n",
        )
        .unwrap();
        let e = ScenarioFile::load(&f).unwrap_err();
        assert!(e.contains("rule 1 (X): give one of"), "{e}");
        std::fs::write(&f, "[[rule]]\noperation = \"X\"\nrespnd = {}\n").unwrap();
        let e = ScenarioFile::load(&f).unwrap_err();
        assert!(e.contains("unknown field"), "{e}");
        std::fs::write(
            &f,
            "[[rule]]\noperation = \"X\"\nrespond = { transport = \"garbage\" }\n",
        )
        .unwrap();
        assert!(ScenarioFile::load(&f).unwrap_err().contains("transport is"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn values_at_paths() {
        let doc = roxmltree::Document::parse("<a xmlns='u'><b><c> 42 </c></b><b><d>x</d></b></a>")
            .unwrap();
        assert_eq!(value_at(doc.root_element(), "b/c"), Some("42"));
        assert_eq!(value_at(doc.root_element(), "b/d"), None);
    }
}
