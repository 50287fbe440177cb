//! Custom rules from the config: the generic check kinds (`required`, `forbidden`, `equals`,
//! `one-of`, `matches`, `at-least`, `version-at-least`, `list-contains`) over a key path of
//! the effective values, reported where the value was written.

use super::CheckContext;
use crate::chart::parse_version;
use crate::diagnostic::{Diagnostic, Location, RuleId};
use crate::options::{CustomCheck, CustomRule};
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// Runs every custom rule of the options.
pub(crate) fn run(ctx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let selection = &ctx.options.selection;
    for rule in &selection.custom_rules {
        if !selection.rule_enabled(&rule.code) {
            continue;
        }
        let path: Vec<&str> = rule.path.iter().map(String::as_str).collect();
        let value = ctx.release.get(&path).filter(|v| !v.is_null());
        if !fails(&rule.check, value) {
            continue;
        }
        let location = match value {
            Some(v) => ctx.release.locate(v, &path, false),
            None => ctx.release.blame(&path),
        };
        out.push(diagnostic(rule, location));
    }
}

/// Whether `value` (`None`: not set) fails the check.
fn fails(check: &CustomCheck, value: Option<&Value>) -> bool {
    let Some(v) = value else {
        return matches!(check, CustomCheck::Required);
    };
    match check {
        CustomCheck::Required => false,
        CustomCheck::Forbidden => true,
        CustomCheck::Equals(expected) => !same(v, expected),
        CustomCheck::OneOf(allowed) => !allowed.iter().any(|a| same(v, a)),
        CustomCheck::Matches(re) => !matches(v, re),
        CustomCheck::AtLeast(minimum) => !number(v).is_some_and(|n| n >= *minimum),
        CustomCheck::VersionAtLeast(minimum) => v
            .scalar_string()
            .as_deref()
            .and_then(parse_version)
            .is_none_or(|version| version < *minimum),
        CustomCheck::ListContains(wanted) => !v
            .as_seq()
            .is_some_and(|items| items.iter().any(|i| same(i, wanted))),
    }
}

fn diagnostic(rule: &CustomRule, primary: Location) -> Diagnostic {
    Diagnostic {
        rule: RuleId::Custom {
            code: rule.code.as_str().into(),
            name: rule.name.as_str().into(),
        },
        severity: rule.severity,
        message: rule.message.clone(),
        primary,
        label: None,
        related: Vec::new(),
        help: rule.help.clone(),
        fix: None,
    }
}

fn same(value: &Value, expected: &serde_json::Value) -> bool {
    let json = value.to_json();
    json == *expected
        || (json.is_number() && expected.is_number() && json.as_f64() == expected.as_f64())
        || expected
            .as_str()
            .is_some_and(|s| value.scalar_string().as_deref() == Some(s))
}

fn matches(value: &Value, re: &regex::Regex) -> bool {
    match &value.kind {
        Kind::Seq(items) => items
            .iter()
            .all(|i| i.scalar_string().is_some_and(|s| re.is_match(&s))),
        _ => value.scalar_string().is_some_and(|s| re.is_match(&s)),
    }
}

fn number(value: &Value) -> Option<f64> {
    match &value.kind {
        Kind::Int(i) => Some(*i as f64),
        Kind::Float(f) => Some(*f),
        Kind::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}
