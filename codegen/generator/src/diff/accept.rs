//! The accepted-changes file: reviewed changes, each with a date and a reason, so the next
//! report shows them as accepted and `--fail-on` ignores them.
//!
//! Format: UTF-8 text, one change per line:
//!
//! ```text
//! # Reviewed at the vendor meeting 2026-01-14.
//! # id          date        reason
//! 3f9a0c1d2b4e  2026-01-14  FK runs SubmitClaim v2 in parallel until 2026-06-30.
//! ```
//!
//! - `id`: the 12-hex change id from the report (case-insensitive);
//! - `date`: `YYYY-MM-DD`;
//! - `reason`: the rest of the line (required);
//! - blank lines and lines starting with `#` are ignored; an id listed twice is an error.

use std::collections::BTreeMap;
use std::path::Path;

use super::Acceptance;

/// The parsed accepted-changes file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcceptedList {
    entries: BTreeMap<String, Acceptance>,
}

impl AcceptedList {
    /// Parses the text; errors name the line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut entries = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(3, char::is_whitespace);
            let id = parts.next().unwrap_or_default().to_ascii_lowercase();
            let rest = parts.next().unwrap_or_default();
            let reason = parts.next().unwrap_or_default().trim();
            if id.len() != 12 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!(
                    "line {n}: expected a 12-hex change id first, found '{id}'"
                ));
            }
            let date = rest.trim();
            if !valid_date(date) {
                return Err(format!(
                    "line {n}: expected a date YYYY-MM-DD after the id, found '{date}'"
                ));
            }
            if reason.is_empty() {
                return Err(format!("line {n}: a reason is required after the date"));
            }
            if entries.contains_key(&id) {
                return Err(format!("line {n}: change {id} is listed twice"));
            }
            entries.insert(
                id,
                Acceptance {
                    date: date.to_string(),
                    reason: reason.to_string(),
                },
            );
        }
        Ok(Self { entries })
    }

    /// Reads and parses a file.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The acceptance of a change id.
    pub fn get(&self, id: &str) -> Option<&Acceptance> {
        self.entries.get(&id.to_ascii_lowercase())
    }

    /// Every id listed.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no change is listed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let l =
            AcceptedList::parse("# c\n\nABCDEF012345 2026-01-14  Agreed: parallel run\n").unwrap();
        assert_eq!(
            l.get("abcdef012345").unwrap().reason,
            "Agreed: parallel run"
        );
        assert!(
            AcceptedList::parse("abc 2026-01-01 x")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(AcceptedList::parse("abcdef012345 2026-13-01 x").is_err());
        assert!(AcceptedList::parse("abcdef012345 2026-01-01").is_err());
        assert!(
            AcceptedList::parse("abcdef012345 2026-01-01 a\nabcdef012345 2026-01-01 b").is_err()
        );
    }
}
