//! Baselines: adopt oncall-lint on a repository that already has findings. A baseline entry
//! is keyed by rule, file, key path and a fingerprint of the offending text, never by line
//! numbers, so it survives unrelated edits above the finding; a changed value is a new
//! finding.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

/// The file format's version.
pub const VERSION: u32 = 1;

/// A baseline file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    /// The text is not a baseline's JSON.
    #[error("not a baseline file: {0}")]
    NotABaseline(String),
    /// A version this build does not read.
    #[error("baseline version {0} is not supported (expected {VERSION})")]
    Version(u32),
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Entry {
    /// Rule code.
    pub code: String,
    /// File path as reported.
    pub file: String,
    /// Key path of the finding.
    pub key_path: String,
    /// Fingerprint of the offending text (hex FNV-1a of the primary span, whitespace folded).
    pub fingerprint: String,
}

/// A baseline file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version.
    pub version: u32,
    /// Accepted findings (a finding present twice appears twice).
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// A baseline accepting every one of `diagnostics`.
    pub fn from_diagnostics(diagnostics: &[Diagnostic]) -> Baseline {
        let mut entries: Vec<Entry> = diagnostics.iter().map(entry).collect();
        entries.sort();
        Baseline {
            version: VERSION,
            entries,
        }
    }

    /// The JSON text of the baseline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let baseline: Baseline =
            serde_json::from_str(text).map_err(|e| BaselineError::NotABaseline(e.to_string()))?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version(baseline.version));
        }
        Ok(baseline)
    }

    /// The baseline with each entry's file renamed by `rename`: a session names the files it
    /// reads one way, and a baseline written before (or with `./a.yaml` typed) is read the
    /// same way, so its entries still match.
    pub fn with_files_renamed(mut self, rename: impl Fn(&str) -> String) -> Baseline {
        for entry in &mut self.entries {
            entry.file = rename(&entry.file);
        }
        self
    }

    /// Removes the findings the baseline accepts; returns how many were removed.
    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>) -> usize {
        let mut budget: HashMap<&Entry, usize> = HashMap::new();
        for e in &self.entries {
            *budget.entry(e).or_default() += 1;
        }
        let before = diagnostics.len();
        diagnostics.retain(|d| {
            let key = entry(d);
            match budget.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        before - diagnostics.len()
    }
}

fn entry(d: &Diagnostic) -> Entry {
    let text = d
        .primary
        .file
        .text()
        .get(d.primary.span.clone())
        .unwrap_or("");
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Entry {
        code: d.code().to_owned(),
        file: d.primary.file.path().replace('\\', "/"),
        key_path: d.primary.key_path.to_string(),
        fingerprint: format!(
            "{:016x}",
            fnv1a(format!("{}\0{}", d.message, folded).as_bytes())
        ),
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LintOptions, lint_bytes};

    /// Lints as release `helm-testing`, the one name the chart's own plugin provisioning is
    /// right for, so only the finding under test is reported (OC004 warns when no release
    /// name is known).
    fn lint(text: &str) -> Vec<Diagnostic> {
        let mut options = LintOptions::default();
        options.release.release_name = Some("helm-testing".into());
        lint_bytes("values.yaml", text.as_bytes().to_vec(), &options).diagnostics
    }

    const BROKEN: &str =
        "grafana:\n  grafana.ini:\n    feature_toggles:\n      enable: publicDashboards\n";

    #[test]
    fn a_baseline_survives_an_unrelated_edit_above_the_finding() {
        let baseline =
            Baseline::parse(&Baseline::from_diagnostics(&lint(BROKEN)).to_json()).unwrap();
        let edited = format!("# a new comment\nbase_url: oncall.example.com\n\n{BROKEN}");
        let mut after = lint(&edited);
        assert_eq!(after.len(), 1, "the finding moved three lines down");
        assert_eq!(baseline.filter(&mut after), 1);
        assert!(after.is_empty());
    }

    #[test]
    fn a_changed_value_is_a_new_finding() {
        let baseline = Baseline::from_diagnostics(&lint(BROKEN));
        let mut after = lint(&BROKEN.replace("publicDashboards", "topnav"));
        assert_eq!(baseline.filter(&mut after), 0);
        assert_eq!(after.len(), 1);
    }

    #[test]
    fn renamed_files_match() {
        let mut baseline = Baseline::from_diagnostics(&lint(BROKEN));
        for entry in &mut baseline.entries {
            entry.file = format!("./{}", entry.file);
        }
        assert_eq!(
            baseline.filter(&mut lint(BROKEN)),
            0,
            "`./values.yaml` is another name"
        );
        let baseline =
            baseline.with_files_renamed(|f| f.strip_prefix("./").unwrap_or(f).to_owned());
        assert_eq!(baseline.filter(&mut lint(BROKEN)), 1);
    }

    #[test]
    fn unknown_versions_are_refused() {
        assert!(Baseline::parse("{\"version\": 9, \"entries\": []}").is_err());
        assert!(Baseline::parse("not json").is_err());
    }
}
