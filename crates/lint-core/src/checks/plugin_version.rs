//! OC020 plugin-version: a pinned OnCall plugin must be 1.9.22 or later.
//!
//! Plugin 1.9.0 introduced the new initialization (Go backend, sync v2); the builds up to
//! 1.9.21 had sync bugs the maintainers fixed one by one ("use 1.9.22"). A plugin before
//! 1.9.0 uses the legacy initialization, which works only with an engine of its own age.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::chart::{parse_version, show_version as show};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::engine;
use crate::model::plugin::{self, Form, MIN_VERSION, below_minimum, pinned_text};

/// What OC020 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The plugin is pinned to a build from 1.9.0 to 1.9.21.
    Early {
        /// The pinned version.
        found: String,
        /// Whether an init container installs the plugin.
        init_container: bool,
        /// The engine's version (empty when not known).
        engine: String,
        /// Where the engine's version comes from (empty when not known).
        engine_from: String,
    },
    /// The plugin is pinned to a version before 1.9.0 (the legacy initialization).
    Legacy {
        /// The pinned version.
        found: String,
        /// The engine's version (empty when not known).
        engine: String,
        /// Where the engine's version comes from (empty when not known).
        engine_from: String,
        /// Whether an init container installs the plugin.
        init_container: bool,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let Some(plugin) = plugin::entry(ctx.release) else {
        return;
    };
    let Some(pinned) = plugin.parsed() else {
        return;
    };
    let engine = engine::version(ctx.release);
    let engine_parsed = engine.as_ref().and_then(|(v, _, _)| parse_version(v));
    if !below_minimum(pinned, engine_parsed) {
        return;
    }
    let legacy = pinned < (1, 9, 0);
    let fix = match (&plugin.fix_path, engine_parsed) {
        (Some(fix_path), Some(e)) if e >= MIN_VERSION && plugin.grafana_com => {
            pinned_text(&plugin, e).and_then(|text| {
                ctx.fix_at(
                    Some(plugin.value),
                    format!("pin the plugin to the engine's version {}", show(e)),
                    Applicability::Unsafe,
                    vec![Op::SetScalar {
                        path: fix_path.clone(),
                        value: fix::ops::text(text),
                    }],
                )
            })
        }
        _ => None,
    };
    let (engine_text, engine_from) = match &engine {
        Some((v, source, _)) => (v.clone(), source.describe(ctx.release)),
        None => (String::new(), String::new()),
    };
    let found = plugin.version().unwrap_or_default().to_owned();
    let init_container = plugin.form == Form::InitContainer;
    let message = if legacy {
        Message::Legacy {
            found,
            engine: engine_text,
            engine_from,
            init_container,
        }
    } else {
        Message::Early {
            found,
            init_container,
            engine: engine_text,
            engine_from,
        }
    };
    out.emit(message, plugin.location(ctx.release)).with_fix(fix);
}
