//! OC017 dev-mode: `oncall.devMode` on in a deployment. The chart then mounts the node's
//! `/engine` directory over the engine's code (`/etc/app`) in every backend container.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// What OC017 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `oncall.devMode` is on.
    On {
        /// The value written.
        found: String,
    },
    /// `oncall.devMode` is a string, which the chart takes as true.
    OnString {
        /// The value written.
        found: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
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
    let found = value.describe();
    let message = if quoted {
        Message::OnString { found }
    } else {
        Message::On { found }
    };
    out.emit(message, location).with_fix(fix);
}
