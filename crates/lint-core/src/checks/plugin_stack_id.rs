//! OC002 plugin-stack-id: the plugin's `jsonData.stackId` must be the integer the engine
//! expects, its `SELF_HOSTED_STACK_ID` (default 5).

use serde_json::json;

use super::{CheckContext, Emitter, Untyped, path};
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

/// What this rule reports (its messages still go by key; see [`Untyped`]).
pub type Message = Untyped;

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
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
        let message = match &stack_id.kind {
            Kind::Int(i) if *i == expected => continue,
            Kind::Float(f) if *f == expected as f64 => continue,
            // not set at all is OC003's finding; a substituted value cannot be known here
            Kind::Null => continue,
            Kind::Str(_) if is_substituted(stack_id) => continue,
            Kind::Str(s) if s.trim() == expected.to_string() => "quoted",
            _ if env.is_some() => "env-mismatch",
            _ if ctx.release.kind == InputKind::OncallValues => "wrong-value",
            _ => "wrong-value-assumed",
        };
        let Some(site) = stack_id.site() else {
            continue;
        };
        let location = ctx.release.site_location(site, key_path.clone(), false);
        // the engine's value is known for the oncall chart's values; elsewhere it is assumed
        let applicability = if message == "quoted" || ctx.release.kind == InputKind::OncallValues {
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
        let diagnostic = out.emit_json(
                message,
                json!({
                    "found": stack_id.describe(),
                    "expected": expected,
                    "env_path": env.as_ref().map(|(_, k)| k.to_string()).unwrap_or_default(),
                }),
                location,
            )
            .with_fix(fix);
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
