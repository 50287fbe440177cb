//! OC021 plugin-engine-version: the plugin the bundled Grafana installs should be the
//! engine's version, and should not float to the latest release while the engine is pinned.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::chart::{parse_version, show_version as show};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::engine::{self, EngineSource};
use crate::model::plugin::{self, Form, below_minimum, pinned_text};
use crate::release::InputKind;

/// What OC021 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub enum Message {
    /// The pinned plugin is not the engine's version.
    Mismatch {
        /// The plugin version written.
        found: String,
        /// The engine's version.
        engine: String,
        /// Where the engine's version comes from.
        engine_from: String,
        /// Whether an init container installs the plugin.
        init_container: bool,
        /// The plugin entry pinned to the engine's version, when it can be written.
        suggested: Option<String>,
    },
    /// The pinned plugin is not the version of the engine the chart is assumed to run.
    MismatchAssumed {
        /// The plugin version written.
        found: String,
        /// The engine's (assumed) version.
        engine: String,
        /// Where the engine's version comes from.
        engine_from: String,
        /// Whether an init container installs the plugin.
        init_container: bool,
        /// The plugin entry pinned to the engine's version, when it can be written.
        suggested: Option<String>,
    },
    /// The plugin floats to the latest release while `image.tag` pins the engine.
    Unpinned {
        /// The plugin entry written.
        found: String,
        /// The engine's version.
        engine: String,
        /// The plugin entry pinned to the engine's version, when it can be written.
        suggested: Option<String>,
    },
}

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
    let found = plugin.version().unwrap_or(&plugin.text).to_owned();
    let engine_from = source.describe(ctx.release);
    let init_container = plugin.form == Form::InitContainer;
    let suggested = pinned_text(&plugin, engine);
    match plugin.parsed() {
        Some(pinned) => {
            // OC020 reports pins before 1.9.22
            if pinned == engine || below_minimum(pinned, Some(engine)) {
                return;
            }
            let message = if source == EngineSource::AssumedChart {
                Message::MismatchAssumed {
                    found,
                    engine: show(engine),
                    engine_from,
                    init_container,
                    suggested,
                }
            } else {
                Message::Mismatch {
                    found,
                    engine: show(engine),
                    engine_from,
                    init_container,
                    suggested,
                }
            };
            let fix = fix(format!(
                "pin the plugin to the engine's version {}",
                show(engine)
            ));
            out.emit(message, plugin.location(ctx.release))
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
            let message = Message::Unpinned {
                found,
                engine: show(engine),
                suggested,
            };
            let diagnostic = out.emit(message, plugin.location(ctx.release))
                .with_fix(fix);
            if let Some(tag) = tag {
                let location = ctx.release.locate(tag, &["image", "tag"], false);
                diagnostic.with_related(location, "the engine is pinned here");
            }
        }
    }
}
