//! OC021 plugin-engine-version: the plugin the bundled Grafana installs should be the
//! engine's version, and should not float to the latest release while the engine is pinned.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::chart::{Version, parse_version, show_version as show};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::model::engine::{self, EngineSource};
use crate::model::plugin::{self, Form, PluginEntry, below_minimum, pinned_text};
use crate::release::InputKind;
use crate::values::Value;

/// What OC021 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
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
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
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
    let pair = Pair {
        ctx,
        plugin,
        engine,
        source,
    };
    match pair.plugin.parsed() {
        Some(pinned) => pair.mismatch(pinned, out),
        None => pair.unpinned(tag, out),
    }
}

/// The plugin the values install and the engine's version, which each finding compares.
struct Pair<'c, 'a> {
    /// The check's context.
    ctx: &'c CheckContext<'a>,
    /// The plugin entry.
    plugin: PluginEntry<'a>,
    /// The engine's version.
    engine: Version,
    /// Where the engine's version comes from.
    source: EngineSource,
}

impl Pair<'_, '_> {
    /// Reports a plugin pinned to another version than the engine's.
    fn mismatch(&self, pinned: Version, out: &mut Emitter<'_, Message>) {
        let (plugin, engine) = (&self.plugin, self.engine);
        // OC020 reports pins before 1.9.22
        if pinned == engine || below_minimum(pinned, Some(engine)) {
            return;
        }
        let found = self.found();
        let engine_from = self.source.describe(self.ctx.release);
        let init_container = plugin.form == Form::InitContainer;
        let suggested = pinned_text(plugin, engine);
        let message = if self.source == EngineSource::AssumedChart {
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
        out.emit(message, plugin.location(self.ctx.release))
            .with_fix(self.pin_fix());
    }

    /// Reports an unpinned plugin while `image.tag` (the value `tag`) pins the engine to
    /// another version than the chart's.
    fn unpinned(&self, tag: Option<&Value>, out: &mut Emitter<'_, Message>) {
        let (plugin, engine) = (&self.plugin, self.engine);
        let release = self.ctx.release;
        if self.source != EngineSource::ImageTag || plugin.form == Form::InitContainer {
            return;
        }
        // a tag equal to the chart's app version changes nothing from the chart's default
        if parse_version(release.chart_version()) == Some(engine) {
            return;
        }
        let message = Message::Unpinned {
            found: self.found(),
            engine: show(engine),
            suggested: pinned_text(plugin, engine),
        };
        let diagnostic = out
            .emit(message, plugin.location(release))
            .with_fix(self.pin_fix());
        if let Some(tag) = tag {
            let location = release.locate(tag, &["image", "tag"], false);
            diagnostic.with_related(location, "the engine is pinned here");
        }
    }

    /// The plugin version written, else the plugin's entry.
    fn found(&self) -> String {
        self.plugin
            .version()
            .unwrap_or(self.plugin.entry_text())
            .to_owned()
    }

    /// Pins a grafana.com plugin entry to the engine's version.
    fn pin_fix(&self) -> Option<Fix> {
        let plugin = &self.plugin;
        let fix_path = plugin.fix_path.clone()?;
        if !plugin.grafana_com {
            return None;
        }
        let text = pinned_text(plugin, self.engine)?;
        self.ctx.fix_at(
            Some(plugin.value),
            format!(
                "pin the plugin to the engine's version {}",
                show(self.engine)
            ),
            Applicability::Unsafe,
            vec![Op::SetScalar {
                path: fix_path,
                value: fix::ops::text(text),
            }],
        )
    }
}
