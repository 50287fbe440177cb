//! What the user told us about the release: profile, names, namespaces, chart version.

use std::collections::HashMap;

use crate::release::SetArg;
use crate::rules::{Profile, Severity};
use crate::yaml::Limits;

/// Which chart the values are for, when the user says so (else it is detected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// The oncall chart (top level, or under an umbrella's values root).
    Oncall,
    /// The grafana chart (top level, or under the values root of another chart).
    Grafana,
}

impl ChartKind {
    /// Parses `oncall`, `grafana`; `auto` (detect) is `None`.
    pub fn parse(text: &str) -> Result<Option<ChartKind>, String> {
        match text {
            "oncall" => Ok(Some(ChartKind::Oncall)),
            "grafana" => Ok(Some(ChartKind::Grafana)),
            "auto" => Ok(None),
            other => Err(format!(
                "unknown chart `{other}` (expected oncall, grafana or auto)"
            )),
        }
    }
}

/// Options for one lint run.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Profiles turned on.
    pub profiles: Vec<Profile>,
    /// No profile is inferred from the values (`--profile none`).
    pub no_inferred_profiles: bool,
    /// Which chart the values are for (`None`: detect).
    pub chart_kind: Option<ChartKind>,
    /// Helm release name, if known.
    pub release_name: Option<String>,
    /// Namespace the oncall release is installed in, if known.
    pub namespace: Option<String>,
    /// Namespace Grafana runs in, if known.
    pub grafana_namespace: Option<String>,
    /// Key under which an umbrella chart holds the oncall values (`""` forces top level).
    pub values_root: Option<String>,
    /// The oncall chart version, if known.
    pub chart_version: Option<String>,
    /// Text of a `Chart.yaml` found beside the values file (umbrella detection).
    pub chart_yaml: Option<String>,
    /// `--set` / `--set-string` arguments, applied over every release.
    pub sets: Vec<SetArg>,
    /// Rules to run (codes, names or code prefixes such as `OC04`); empty: all.
    pub select: Vec<String>,
    /// Rules not to run (codes, names or code prefixes).
    pub ignore: Vec<String>,
    /// Severity overrides by rule code.
    pub severities: HashMap<String, Severity>,
    /// Custom rules from the config, with their key paths.
    pub custom_rules: Vec<(crate::config::CustomRule, Vec<String>)>,
    /// Ignore every suppression comment.
    pub no_ignores: bool,
    /// Keep each release's effective values in the report (for verifying fixes).
    pub keep_values: bool,
    /// Input limits.
    pub limits: Limits,
    /// The user's own JSON Schema (`--schema FILE`), checked besides the chart's.
    pub user_schema: Option<std::sync::Arc<crate::schema::UserSchema>>,
}

impl LintOptions {
    /// Whether a rule runs, by `select` and `ignore`.
    pub fn rule_enabled(&self, code: &str) -> bool {
        let matches = |selector: &String| {
            let selector = selector.trim();
            selector.eq_ignore_ascii_case("all")
                || code
                    .to_ascii_uppercase()
                    .starts_with(&selector.to_ascii_uppercase())
                || crate::rules::RuleCode::find(selector).is_some_and(|r| r.as_str() == code)
        };
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }

    /// Whether a profile is on.
    pub fn has_profile(&self, profile: Profile) -> bool {
        self.profiles.contains(&profile)
    }
}
