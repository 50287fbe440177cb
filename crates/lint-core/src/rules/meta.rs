//! A rule's own text: the YAML file in `rules/` that holds its code, name, severity,
//! summary, docs, examples and message templates.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::severity::{Profile, Severity};

/// Everything a rule file says.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    /// Stable code, `OC001`.
    pub code: String,
    /// Kebab-case name, `plugin-org-id`.
    pub name: String,
    /// Default severity.
    pub severity: Severity,
    /// One line for the catalog.
    pub summary: String,
    /// Whether the rule only runs under a profile (`air-gapped`).
    #[serde(default)]
    pub profile: Option<Profile>,
    /// The rule's row in the README's table.
    pub catalog: Catalog,
    /// Values whose wrong type the rule reports instead of OC091 (read by `build.rs` into
    /// the facts every run has, `RuleInfo`).
    #[serde(default, rename = "claims")]
    _claims: serde::de::IgnoredAny,
    /// Message templates by key; checks pick one per finding.
    pub messages: BTreeMap<String, MessageTemplate>,
    /// The docs `explain` prints.
    pub docs: Docs,
    /// Options the docs examples are linted with.
    #[serde(default)]
    pub example_options: ExampleOptions,
}

/// A rule's row in the README's rule table: what it catches, what its fix does.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// What it catches, in more detail than the summary.
    pub catches: String,
    /// Whether and how it fixes (`safe`, `unsafe / display-only`, `no`).
    pub fix: String,
}

/// One kind of finding a rule reports.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageTemplate {
    /// The one-line message (handlebars).
    pub message: String,
    /// Label under the span (handlebars).
    #[serde(default)]
    pub label: Option<String>,
    /// What to do (handlebars).
    #[serde(default)]
    pub help: Option<String>,
    /// Severity when this message differs from the rule's (for findings that rest on an
    /// assumption).
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// The rule's documentation, under the headings of DESIGN §7.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What it does.
    pub what: String,
    /// Why is this bad?
    pub why: String,
    /// Example (YAML that fires the rule).
    pub example: String,
    /// Use instead (YAML that does not).
    pub use_instead: String,
    /// Fix safety.
    pub fix_safety: String,
    /// Known problems (optional).
    #[serde(default)]
    pub known_problems: Option<String>,
    /// References: sources for the rule.
    pub references: Vec<String>,
}

/// Lint options for the docs examples.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleOptions {
    /// `--profile`.
    #[serde(default)]
    pub profile: Option<Profile>,
    /// `--namespace`.
    #[serde(default)]
    pub namespace: Option<String>,
    /// `--grafana-namespace`.
    #[serde(default)]
    pub grafana_namespace: Option<String>,
    /// File name the examples are linted as.
    #[serde(default)]
    pub filename: Option<String>,
}

impl RuleMeta {
    /// What stands for a rule whose text does not read (the registry test fails on such a
    /// file, so a release never ships one): its code and name, no messages.
    pub(crate) fn unreadable(
        code: &str,
        name: &str,
        severity: Severity,
        profile: Option<Profile>,
    ) -> RuleMeta {
        RuleMeta {
            code: code.to_owned(),
            name: name.to_owned(),
            severity,
            summary: name.to_owned(),
            profile,
            catalog: Catalog::default(),
            _claims: serde::de::IgnoredAny,
            messages: BTreeMap::new(),
            docs: Docs::default(),
            example_options: ExampleOptions::default(),
        }
    }

    /// The markdown `oncall-lint explain` prints.
    pub fn explain(&self) -> String {
        let d = &self.docs;
        let mut out = format!(
            "# {} ({})\n\nSeverity: {}{}\n\n{}\n\n## What it does\n\n{}\n\n## Why is this bad?\n\n{}\n\n## Example\n\n```yaml\n{}```\n\nUse instead:\n\n```yaml\n{}```\n",
            self.name,
            self.code,
            self.severity,
            self.profile
                .map(|p| format!(" (only with `--profile {p}`)"))
                .unwrap_or_default(),
            self.summary.trim(),
            d.what.trim(),
            d.why.trim(),
            ensure_newline(&d.example),
            ensure_newline(&d.use_instead),
        );
        if let Some(known) = &d.known_problems {
            out.push_str(&format!("\n## Known problems\n\n{}\n", known.trim()));
        }
        out.push_str(&format!(
            "\n## Fix safety\n\n{}\n\n## References\n\n",
            d.fix_safety.trim()
        ));
        for reference in &d.references {
            out.push_str(&format!("- {}\n", reference.trim()));
        }
        out
    }
}

fn ensure_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}
