//! OC002 plugin-stack-id: the plugin's `jsonData.stackId` must be the integer the engine
//! expects, its `SELF_HOSTED_STACK_ID` (default 5).

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::engine::{self, DEFAULT_STACK_ID, STACK_ID_ENV};
use crate::model::provisioning::is_substituted;
use crate::path::KeyPath;
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// The stack id the engine expects: from the oncall values' `env` when this is the oncall
/// chart's values (`Some(value)` when the user set it), else the default. `None` when the
/// variable is set to something that is not an integer (the engine fails on its own).
fn expected<'a>(ctx: &'a CheckContext<'_>) -> Option<(i64, Option<(&'a Value, KeyPath)>)> {
    if ctx.release.kind != InputKind::OncallValues {
        return Some((DEFAULT_STACK_ID, None));
    }
    match engine::env(ctx.release, STACK_ID_ENV) {
        None => Some((DEFAULT_STACK_ID, None)),
        Some((value, key)) => {
            let text = value.scalar_string()?;
            let id = text.trim().parse::<i64>().ok()?;
            Some((id, Some((value, key))))
        }
    }
}

/// What OC002 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `stackId` is not the engine's stack id, known from the oncall chart's values.
    WrongValue {
        /// The value written.
        found: String,
        /// The stack id the engine accepts.
        expected: i64,
    },
    /// `stackId` is not the engine's default stack id, assumed outside the oncall chart's
    /// values.
    WrongValueAssumed {
        /// The value written.
        found: String,
        /// The stack id the engine accepts by default.
        expected: i64,
    },
    /// `stackId` is not the `SELF_HOSTED_STACK_ID` set in the engine's `env`.
    EnvMismatch {
        /// The value written.
        found: String,
        /// The engine's `SELF_HOSTED_STACK_ID`.
        expected: i64,
        /// Where the engine's `SELF_HOSTED_STACK_ID` is set.
        env_path: String,
    },
    /// `stackId` is the expected number, quoted.
    Quoted {
        /// The value written.
        found: String,
        /// The stack id the engine accepts.
        expected: i64,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.provisioning.is_empty() {
        return;
    }
    let Some((expected, env)) = expected(ctx) else {
        return;
    };
    for app in ctx.provisioning {
        let Some(stack_id) = app.value.get(&["jsonData", "stackId"]) else {
            continue;
        };
        let key_path = app.key_path.extend(&["jsonData", "stackId"]);
        let found = stack_id.describe();
        let message = match &stack_id.kind {
            Kind::Int(i) if *i == expected => continue,
            Kind::Float(f) if *f == expected as f64 => continue,
            // not set at all is OC003's finding; a substituted value cannot be known here
            Kind::Null => continue,
            Kind::Str(_) if is_substituted(stack_id) => continue,
            Kind::Str(s) if s.trim() == expected.to_string() => Message::Quoted { found, expected },
            _ if env.is_some() => Message::EnvMismatch {
                found,
                expected,
                env_path: env.as_ref().map(|(_, k)| k.to_string()).unwrap_or_default(),
            },
            _ if ctx.release.kind == InputKind::OncallValues => {
                Message::WrongValue { found, expected }
            }
            _ => Message::WrongValueAssumed { found, expected },
        };
        let Some(site) = stack_id.site() else {
            continue;
        };
        let location = ctx.release.site_location(site, key_path.clone(), false);
        // the engine's value is known for the oncall chart's values; elsewhere it is assumed
        let applicability = if matches!(message, Message::Quoted { .. }) || ctx.release.kind == InputKind::OncallValues {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let fix = fix::build::for_app(
            ctx.release,
            app,
            format!("set `jsonData.stackId` to {expected}"),
            applicability,
            vec![Op::SetScalar {
                path: path(&["jsonData", "stackId"]),
                value: Value::new(Kind::Int(expected), stack_id.origin.clone()),
            }],
        );
        let diagnostic = out.emit(message, location).with_fix(fix);
        if let Some((value, key)) = &env
            && let Some(site) = value.site()
        {
            let location = ctx.release.site_location(site, key.clone(), false);
            diagnostic.with_related(
                location,
                format!("the engine's `{STACK_ID_ENV}` is set here"),
            );
        }
    }
}
