//! OC017 dev-mode: `oncall.devMode` on in a deployment. The chart then mounts the node's
//! `/engine` directory over the engine's code (`/etc/app`) in every backend container.

use serde_json::json;

use super::{CheckContext, Emitter, Untyped, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// What this rule reports (its messages still go by key; see [`Untyped`]).
pub type Message = Untyped;

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let keys = ["oncall", "devMode"];
    let Some(value) = ctx.release.get(&keys) else {
        return;
    };
    // the chart's `if` decides: a quoted "false" is a non-empty string, so it is on
    if !value.is_truthy() || value.site().is_none() {
        return;
    }
    let quoted = matches!(value.kind, Kind::Str(_));
    let location = ctx.release.locate(value, &keys, false);
    let fix = ctx.fix_at(
        Some(value),
        "set `oncall.devMode: false`",
        Applicability::Unsafe,
        vec![Op::Replace {
            path: path(&keys),
            value: Value::new(Kind::Bool(false), value.origin.clone()),
        }],
    );
    out.emit_json(
        if quoted { "on-string" } else { "on" },
        json!({ "found": value.describe() }),
        location,
    )
    .with_fix(fix);
}
