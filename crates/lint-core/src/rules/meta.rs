//! A rule's own text: the YAML file in `rules/` that holds its code, name, severity,
//! summary, docs, examples and message templates.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Severity;

/// Everything a rule file says.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    /// Stable code, `OC001`.
    pub code: String,
    /// Kebab-case name, `plugin-org-id`.
    pub name: String,
    /// Default severity (`error`, `warning`, `info`).
    pub severity: String,
    /// One line for the catalog.
    pub summary: String,
    /// Which check (Rust) runs the rule.
    pub check: String,
    /// Whether the rule only runs under a profile (`air-gapped`).
    #[serde(default)]
    pub profile: Option<String>,
    /// Message templates by key; checks pick one per finding.
    pub messages: BTreeMap<String, MessageTemplate>,
    /// The docs `explain` prints.
    pub docs: Docs,
    /// Options the docs examples are linted with.
    #[serde(default)]
    pub example_options: ExampleOptions,
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
    pub severity: Option<String>,
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
    pub profile: Option<String>,
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
    /// Parses a rule file: with our own YAML reader (several times faster, see
    /// [`crate::yaml::de`]), else with serde-saphyr, whose errors say more.
    pub fn parse(text: &str) -> Result<RuleMeta, String> {
        crate::yaml::de::from_str::<RuleMeta>(text)
            .or_else(|_| serde_saphyr::from_str::<RuleMeta>(text).map_err(|e| e.to_string()))
    }

    /// What stands for a rule whose file does not parse (the registry test fails on such a
    /// file, so a release never ships one): its code and name, no messages.
    pub fn fallback(code: &str, name: &str) -> RuleMeta {
        RuleMeta {
            code: code.to_owned(),
            name: name.to_owned(),
            severity: "error".into(),
            summary: String::new(),
            check: name.to_owned(),
            profile: None,
            messages: BTreeMap::new(),
            docs: Docs::default(),
            example_options: ExampleOptions::default(),
        }
    }

    /// The default severity.
    pub fn default_severity(&self) -> Severity {
        Severity::parse(&self.severity).unwrap_or(Severity::Error)
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
                .as_deref()
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
