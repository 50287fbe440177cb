//! OC021 plugin-engine-version: the plugin the bundled Grafana installs should be the
//! engine's version, and should not float to the latest release while the engine is pinned.

use serde_json::json;

use super::{CheckContext, Emitter, Untyped};
use crate::chart::{parse_version, show_version as show};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::engine::{self, EngineSource};
use crate::model::plugin::{self, Form, below_minimum, pinned_text};
use crate::release::InputKind;

/// What this rule reports (its messages still go by key; see [`Untyped`]).
pub type Message = Untyped;

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues || !ctx.grafana().deployed() {
        return;
    }
    let Some(plugin) = plugin::entry(ctx.release) else {
        return;
    };
    let Some((engine_text, source, tag)) = engine::version(ctx.release) else {
        return;
    };
    let Some(engine) = parse_version(&engine_text) else {
        return;
    };
    let fix = |title: String| {
        let fix_path = plugin.fix_path.clone()?;
        if !plugin.grafana_com {
            return None;
        }
        let text = pinned_text(&plugin, engine)?;
        ctx.fix_at(
            Some(plugin.value),
            title,
            Applicability::Unsafe,
            vec![Op::SetScalar {
                path: fix_path,
                value: fix::ops::text(text),
            }],
        )
    };
    let args = json!({
        "found": plugin.version().unwrap_or(&plugin.text),
        "engine": show(engine),
        "engine_from": source.describe(ctx.release),
        "init_container": plugin.form == Form::InitContainer,
        "suggested": pinned_text(&plugin, engine),
    });
    match plugin.parsed() {
        Some(pinned) => {
            // OC020 reports pins before 1.9.22
            if pinned == engine || below_minimum(pinned, Some(engine)) {
                return;
            }
            let key = if source == EngineSource::AssumedChart {
                "mismatch-assumed"
            } else {
                "mismatch"
            };
            let fix = fix(format!(
                "pin the plugin to the engine's version {}",
                show(engine)
            ));
            out.emit_json(key, args, plugin.location(ctx.release))
                .with_fix(fix);
        }
        None => {
            // unpinned: a finding only when the user pins the engine to another version
            // than the chart's
            if source != EngineSource::ImageTag || plugin.form == Form::InitContainer {
                return;
            }
            // a tag equal to the chart's app version changes nothing from the chart's default
            if parse_version(ctx.release.chart_version()) == Some(engine) {
                return;
            }
            let fix = fix(format!(
                "pin the plugin to the engine's version {}",
                show(engine)
            ));
            let diagnostic = out.emit_json("unpinned", args, plugin.location(ctx.release))
                .with_fix(fix);
            if let Some(tag) = tag {
                let location = ctx.release.locate(tag, &["image", "tag"], false);
                diagnostic.with_related(location, "the engine is pinned here");
            }
        }
    }
}
