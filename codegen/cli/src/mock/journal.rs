//! What `serve-mock` records: a journal line per call (no message content, so no patient
//! data) and the tally behind the rehearsal report.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;

use serde::Serialize;

/// One call, as the journal writes it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// RFC 3339 UTC, milliseconds.
    pub time: String,
    /// The port type.
    pub interface: String,
    /// The operation.
    pub operation: String,
    /// The verified client certificate's subject, when the client authenticated with one.
    pub client: Option<String>,
    /// Its serial number (hexadecimal).
    pub client_serial: Option<String>,
    /// Its issuer.
    pub client_issuer: Option<String>,
    /// The HSA-id it carries (SITHS function certificates), if any.
    pub client_hsa_id: Option<String>,
    /// The client's address.
    pub remote: Option<String>,
    /// The rule that answered: a scenario rule's name, `default` (the operation's example),
    /// or `invalid-request` (strict validation refused it).
    pub rule: String,
    /// The outcome shown to the client: `OK`, `ERROR/CLM-014`, `fault:Server/TEC-003`,
    /// `http:503`, `transport:reset`, ...
    pub outcome: String,
    /// The HTTP status sent (none for a reset).
    pub status: Option<u16>,
    /// Milliseconds from the request to the answer (delays included).
    pub latency_ms: u64,
    /// Request body size.
    pub request_bytes: usize,
    /// Response body size.
    pub response_bytes: usize,
}

/// A rule as the rehearsal report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSummary {
    /// The rule's name.
    pub name: String,
    /// The outcome it shows.
    pub outcome: String,
    /// How often it answered.
    pub hits: u64,
}

/// The journal file and the counts behind the report.
#[derive(Debug, Default)]
pub struct Journal {
    file: Option<Mutex<std::fs::File>>,
    tally: Mutex<Tally>,
}

#[derive(Debug, Default)]
struct Tally {
    /// (interface, operation) -> outcome -> count
    outcomes: BTreeMap<(String, String), BTreeMap<String, u64>>,
    /// rule index -> hits
    hits: BTreeMap<usize, u64>,
}

impl Journal {
    /// A journal that appends to `path` (created if missing).
    pub fn to_file(path: &std::path::Path) -> Result<Self, String> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Journal {
            file: Some(Mutex::new(f)),
            tally: Mutex::default(),
        })
    }

    /// Records a call; `rule` is the index of the scenario rule that answered, if any.
    pub fn record(&self, entry: &Entry, rule: Option<usize>) {
        if let Ok(mut t) = self.tally.lock() {
            *t.outcomes
                .entry((entry.interface.clone(), entry.operation.clone()))
                .or_default()
                .entry(entry.outcome.clone())
                .or_default() += 1;
            if let Some(i) = rule {
                *t.hits.entry(i).or_default() += 1;
            }
        }
        if let Some(f) = &self.file
            && let Ok(mut f) = f.lock()
            && let Ok(mut line) = serde_json::to_string(entry)
        {
            line.push('\n');
            let _ = f.write_all(line.as_bytes());
        }
    }

    /// How often rule `i` answered.
    pub fn hits(&self, i: usize) -> u64 {
        self.tally
            .lock()
            .map(|t| t.hits.get(&i).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// Outcomes shown per operation.
    pub fn outcomes(&self) -> BTreeMap<(String, String), BTreeMap<String, u64>> {
        self.tally
            .lock()
            .map(|t| t.outcomes.clone())
            .unwrap_or_default()
    }
}

/// The current time as RFC 3339 UTC with milliseconds (no date crate needed).
pub fn now_rfc3339() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// One operation in the rehearsal report.
#[derive(Debug, Clone, Serialize)]
pub struct OperationReport {
    /// The port type.
    pub interface: String,
    /// The operation.
    pub operation: String,
    /// Calls answered.
    pub calls: u64,
    /// Outcomes the client was shown, with counts.
    pub outcomes_shown: BTreeMap<String, u64>,
    /// The scenario rules for this operation, with how often each answered.
    pub rules: Vec<RuleSummary>,
    /// Rules that never answered: outcomes the client was not shown.
    pub not_exercised: Vec<String>,
}

/// Renders the rehearsal report as Markdown.
pub fn report_markdown(ops: &[OperationReport]) -> String {
    let mut s = String::from(
        "# Rehearsal report (serve-mock)\n\nPer operation: the outcomes the client was shown, \
         and the scenario rules that never answered.\n\n\
         | interface | operation | calls | outcomes shown | rules not exercised |\n\
         |---|---|---|---|---|\n",
    );
    for op in ops {
        let shown = if op.outcomes_shown.is_empty() {
            "none".to_string()
        } else {
            op.outcomes_shown
                .iter()
                .map(|(o, n)| format!("{o} ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let missing = if op.not_exercised.is_empty() {
            "—".to_string()
        } else {
            op.not_exercised.join(", ")
        };
        s.push_str(&format!(
            "| {} | {} | {} | {shown} | {missing} |\n",
            op.interface, op.operation, op.calls
        ));
    }
    let total: usize = ops.iter().map(|o| o.rules.len()).sum();
    let missed: usize = ops.iter().map(|o| o.not_exercised.len()).sum();
    s.push_str(&format!(
        "\n{} of {total} scenario rules exercised.\n",
        total - missed
    ));
    s
}
