//! Which rules run and how their findings are reported: `--select`/`--ignore` and the
//! config's, profiles, severity overrides, suppression comments, custom rules. Selectors are
//! read once, when the options are built, not at every question.

use std::collections::HashMap;

use super::custom::CustomRule;
use crate::rules::{Profile, RuleCode, Severity};

/// One `--select`/`--ignore` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `all`.
    All,
    /// A rule by its code or name (`OC001`, `plugin-org-id`).
    Rule(RuleCode),
    /// A code prefix (`OC04`), upper case; matches custom rules' codes too.
    Prefix(String),
}

impl Selector {
    /// Reads a selector; `None` when it matches no built-in rule.
    pub fn parse(text: &str) -> Option<Selector> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Some(Selector::All);
        }
        if let Some(code) = RuleCode::find(text) {
            return Some(Selector::Rule(code));
        }
        let prefix = text.to_ascii_uppercase();
        RuleCode::ALL
            .iter()
            .any(|code| code.as_str().starts_with(&prefix))
            .then_some(Selector::Prefix(prefix))
    }

    /// Whether it selects the rule with this code.
    pub fn matches(&self, code: &str) -> bool {
        match self {
            Selector::All => true,
            Selector::Rule(rule) => rule.as_str() == code,
            Selector::Prefix(prefix) => code.to_ascii_uppercase().starts_with(prefix.as_str()),
        }
    }
}

/// Which rules run, and how their findings are reported.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Rules to run; empty: all.
    pub select: Vec<Selector>,
    /// Rules not to run.
    pub ignore: Vec<Selector>,
    /// Profiles turned on.
    pub profiles: Vec<Profile>,
    /// No profile is inferred from the values (`--profile none`).
    pub no_inferred_profiles: bool,
    /// Severity overrides by rule code.
    pub severities: HashMap<String, Severity>,
    /// Custom rules from the config.
    pub custom_rules: Vec<CustomRule>,
    /// Ignore every suppression comment.
    pub no_ignores: bool,
}

impl Selection {
    /// Whether the rule with this code runs.
    pub fn rule_enabled(&self, code: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| s.matches(code)))
            && !self.ignore.iter().any(|s| s.matches(code))
    }

    /// Whether a profile is on.
    pub fn has_profile(&self, profile: Profile) -> bool {
        self.profiles.contains(&profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_name_rules_by_code_name_or_prefix() {
        assert_eq!(
            Selector::parse("oc001"),
            Some(Selector::Rule(RuleCode::OC001))
        );
        assert_eq!(
            Selector::parse("plugin-org-id"),
            Some(Selector::Rule(RuleCode::OC001))
        );
        assert_eq!(
            Selector::parse("OC04"),
            Some(Selector::Prefix("OC04".into()))
        );
        assert_eq!(Selector::parse("ALL"), Some(Selector::All));
        assert_eq!(
            Selector::parse("OC09"),
            Some(Selector::Prefix("OC09".into()))
        );
        assert_eq!(Selector::parse("OC9"), None);
        assert_eq!(Selector::parse("nothing"), None);
        let selection = Selection {
            select: vec![Selector::Prefix("OC04".into())],
            ignore: vec![Selector::Rule(RuleCode::OC045)],
            ..Selection::default()
        };
        assert!(selection.rule_enabled("OC040"));
        assert!(!selection.rule_enabled("OC045"));
        assert!(!selection.rule_enabled("OC001"));
    }
}
