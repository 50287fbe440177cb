//! Turning a check's typed message into a finding with its rule's own text.
//!
//! A check reports through an [`Emitter`] typed by its rule's `Message` enum, so it can only
//! say what its rule's file has text for. A message serializes (serde's external tagging,
//! variant names in kebab-case) to its key in the rule file with its fields as the
//! template's arguments: `Message::WrongValue { found }` is `wrong-value` over `{found}`.

use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::diagnostic::{Diagnostic, Location, Related, RuleId};
use crate::rules::{RuleCode, template};

/// Collects one rule's findings.
pub(crate) struct Emitter<'a, M> {
    rule: RuleCode,
    out: &'a mut Vec<Diagnostic>,
    grafana_prefix: &'a str,
    message: PhantomData<fn(M)>,
}

impl<'a, M: Serialize> Emitter<'a, M> {
    /// An emitter for `rule` that appends to `out`; messages name the grafana chart's keys
    /// after `grafana_prefix` (their template argument `grafana_prefix`): `grafana.` in the
    /// oncall chart's values, nothing in the grafana chart's own.
    pub(crate) fn new(
        rule: RuleCode,
        out: &'a mut Vec<Diagnostic>,
        grafana_prefix: &'a str,
    ) -> Self {
        Emitter {
            rule,
            out,
            grafana_prefix,
            message: PhantomData,
        }
    }

    /// How the grafana chart's keys are named in the user's file (`grafana.`, `oncall.grafana.`
    /// under an umbrella's key, nothing in the grafana chart's own values): for fix titles.
    pub(crate) fn grafana_prefix(&self) -> &str {
        self.grafana_prefix
    }

    /// Reports a finding: `message` in the rule's words, at `primary`.
    pub(crate) fn emit(&mut self, message: M, primary: Location) -> &mut Diagnostic {
        let (key, args) = key_and_args(&message);
        self.push(finding(self.rule, &key, args, self.grafana_prefix, primary))
    }

    fn push(&mut self, diagnostic: Diagnostic) -> &mut Diagnostic {
        self.out.push(diagnostic);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// A finding of `rule` with a message the pipeline itself reports (OC094, OC095).
pub(crate) fn report(rule: RuleCode, message: &impl Serialize, primary: Location) -> Diagnostic {
    let (key, args) = key_and_args(message);
    finding(rule, &key, args, "", primary)
}

/// The rule file's key of a message and its arguments.
fn key_and_args(message: &impl Serialize) -> (String, Map<String, Json>) {
    match serde_json::to_value(message) {
        Ok(Json::String(key)) => (key, Map::new()),
        Ok(Json::Object(map)) if map.len() == 1 => match map.into_iter().next() {
            Some((key, Json::Object(args))) => (key, args),
            Some((key, _)) => (key, Map::new()),
            None => (String::new(), Map::new()),
        },
        _ => (String::new(), Map::new()),
    }
}

/// Builds a finding of `rule` from its message template `key` over `args`. A message the
/// rule file lacks, or a template its arguments do not fill (both caught by the registry's
/// tests), falls back to the rule's summary: template trouble never reaches a user.
fn finding(
    rule: RuleCode,
    key: &str,
    mut args: Map<String, Json>,
    grafana_prefix: &str,
    primary: Location,
) -> Diagnostic {
    args.entry("grafana_prefix")
        .or_insert_with(|| grafana_prefix.into());
    let args = Json::Object(args);
    let meta = rule.meta();
    let message = meta.messages.get(key);
    debug_assert!(message.is_some(), "{rule}: no message `{key}`");
    let render = |text: Option<&String>| text.and_then(|t| template::render(t, &args));
    let rendered = message.and_then(|m| render(Some(&m.message)));
    debug_assert!(
        message.is_none() || rendered.is_some(),
        "{rule}/{key}: the template does not render over {args}"
    );
    Diagnostic {
        rule: RuleId::Builtin(rule),
        severity: message.and_then(|m| m.severity).unwrap_or(meta.severity),
        message: rendered.unwrap_or_else(|| meta.summary.clone()),
        primary,
        label: message.and_then(|m| render(m.label.as_ref())),
        related: Vec::new(),
        help: message.and_then(|m| render(m.help.as_ref())),
        fix: None,
    }
}

impl Diagnostic {
    /// Attaches a fix (when one could be built).
    pub fn with_fix(&mut self, fix: Option<crate::diagnostic::Fix>) -> &mut Self {
        self.fix = fix;
        self
    }

    /// Adds a related location.
    pub fn with_related(&mut self, location: Location, message: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }
}
