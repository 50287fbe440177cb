//! OC036 extra-containers-string: `extraContainers` is rendered with `tpl`, which takes a
//! string; a YAML list (the pod-spec form people copy) makes the install fail to render.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::release::InputKind;
use crate::values::emit::block_at;
use crate::values::{Kind, Value};

/// The oncall chart's components that take sidecars.
const COMPONENTS: [&str; 4] = ["engine", "celery", "migrate", "detached_integrations"];

/// What OC036 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `extraContainers` is a list or a map, not a string.
    NotString {
        /// The key's path, as written in messages.
        path: String,
        /// The value written.
        found: String,
        /// The chart that renders it, as messages name it.
        chart: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let mut paths: Vec<[&str; 2]> = Vec::new();
    if ctx.release.kind == InputKind::OncallValues {
        paths.extend(COMPONENTS.iter().map(|c| [*c, "extraContainers"]));
    }
    if ctx.grafana().deployed() {
        paths.push(["grafana", "extraContainers"]);
    }
    for key in paths {
        let Some(value) = ctx.release.get(&key) else {
            continue;
        };
        if value.site().is_none() || !matches!(value.kind, Kind::Seq(_) | Kind::Map(_)) {
            continue;
        }
        let chart = if key[0] == "grafana" {
            format!("grafana chart {}", ctx.release.grafana_chart())
        } else {
            ctx.release.chart_name()
        };
        let location = ctx.release.locate(value, &key, true);
        let message = Message::NotString {
            path: location.key_path.to_string(),
            found: value.describe(),
            chart,
        };
        out.emit(message, location)
            .with_fix(as_block_string(ctx, value, &key));
    }
}

/// The list (or map) rewritten as a block string of the same YAML.
fn as_block_string(
    ctx: &CheckContext<'_>,
    value: &Value,
    key: &[&str],
) -> Option<crate::diagnostic::Fix> {
    // one container written as a map is meant as a list of one
    let list = match &value.kind {
        Kind::Map(_) => Value::new(Kind::Seq(vec![value.clone()]), value.origin.clone()),
        _ => value.clone(),
    };
    let text = block_at(&list, 0);
    // as a string it goes through `tpl`: template text in it would be expanded
    let applicability = if text.contains("{{") {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    ctx.fix_at(
        Some(value),
        "write `extraContainers` as a YAML block string",
        applicability,
        vec![Op::Replace {
            path: path(key),
            value: fix::ops::text(text),
        }],
    )
}
