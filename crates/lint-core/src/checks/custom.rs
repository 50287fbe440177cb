//! Custom rules from the config: the generic check kinds (`required`, `forbidden`, `equals`,
//! `one-of`, `matches`, `at-least`, `version-at-least`, `list-contains`) over a key path of
//! the effective values, reported where the value was written.

use super::CheckContext;
use crate::chart::parse_version;
use crate::config::CustomRule;
use crate::diagnostic::{Diagnostic, RuleId};
use crate::release::InputKind;
use crate::rules::Severity;
use crate::values::{Kind, Value};

/// Runs every custom rule of the options.
pub fn run(ctx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    for (rule, keys) in &ctx.options.custom_rules {
        if !ctx.options.rule_enabled(&rule.code) {
            continue;
        }
        let path: Vec<&str> = keys.iter().map(String::as_str).collect();
        let value = ctx.release.get(&path).filter(|v| !v.is_null());
        let failed = match (rule.check.as_str(), value) {
            ("required", None) => true,
            ("required", Some(_)) | (_, None) => false,
            ("forbidden", Some(_)) => true,
            ("equals", Some(v)) => !same(v, rule.value.as_ref()),
            ("one-of", Some(v)) => !rule
                .values
                .iter()
                .flatten()
                .any(|allowed| same(v, Some(allowed))),
            ("matches", Some(v)) => !matches(v, rule.value.as_ref()),
            ("at-least", Some(v)) => !at_least(v, rule.value.as_ref()),
            ("version-at-least", Some(v)) => !version_at_least(v, rule.value.as_ref()),
            ("list-contains", Some(v)) => !list_contains(v, rule.value.as_ref()),
            _ => false,
        };
        if !failed {
            continue;
        }
        let location = match value {
            Some(v) => ctx.release.locate(v, &path, false),
            None => ctx.release.blame(&path),
        };
        out.push(diagnostic(rule, location));
    }
}

fn diagnostic(rule: &CustomRule, primary: crate::diagnostic::Location) -> Diagnostic {
    Diagnostic {
        rule: RuleId::Custom {
            code: rule.code.as_str().into(),
            name: rule.name.as_str().into(),
        },
        severity: rule
            .severity
            .as_deref()
            .and_then(Severity::parse)
            .unwrap_or(Severity::Warning),
        message: rule.message.clone(),
        primary,
        label: None,
        related: Vec::new(),
        help: rule.help.clone(),
        fix: None,
    }
}

fn same(value: &Value, expected: Option<&serde_json::Value>) -> bool {
    let Some(expected) = expected else {
        return false;
    };
    let json = value.to_json();
    json == *expected
        || (json.is_number() && expected.is_number() && json.as_f64() == expected.as_f64())
        || expected
            .as_str()
            .is_some_and(|s| value.scalar_string().as_deref() == Some(s))
}

fn matches(value: &Value, pattern: Option<&serde_json::Value>) -> bool {
    let Some(Ok(re)) = pattern.and_then(|p| p.as_str()).map(regex::Regex::new) else {
        return false;
    };
    match &value.kind {
        Kind::Seq(items) => items
            .iter()
            .all(|i| i.scalar_string().is_some_and(|s| re.is_match(&s))),
        _ => value.scalar_string().is_some_and(|s| re.is_match(&s)),
    }
}

fn at_least(value: &Value, minimum: Option<&serde_json::Value>) -> bool {
    let number = match &value.kind {
        Kind::Int(i) => Some(*i as f64),
        Kind::Float(f) => Some(*f),
        Kind::Str(s) => s.trim().parse().ok(),
        _ => None,
    };
    match (number, minimum.and_then(serde_json::Value::as_f64)) {
        (Some(n), Some(m)) => n >= m,
        _ => false,
    }
}

fn version_at_least(value: &Value, minimum: Option<&serde_json::Value>) -> bool {
    let minimum = minimum.map(|m| {
        m.as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| m.to_string())
    });
    match (
        value.scalar_string().as_deref().and_then(parse_version),
        minimum.as_deref().and_then(parse_version),
    ) {
        (Some(v), Some(m)) => v >= m,
        _ => false,
    }
}

fn list_contains(value: &Value, wanted: Option<&serde_json::Value>) -> bool {
    value
        .as_seq()
        .is_some_and(|items| items.iter().any(|i| same(i, wanted)))
}
