//! OC020 plugin-version: a pinned OnCall plugin must be 1.9.22 or later.
//!
//! Plugin 1.9.0 introduced the new initialization (Go backend, sync v2); the builds up to
//! 1.9.21 had sync bugs the maintainers fixed one by one ("use 1.9.22"). A plugin before
//! 1.9.0 uses the legacy initialization, which works only with an engine of its own age.

use serde_json::json;

use super::plugin_version::{
    Form, describe_engine, engine_version, oncall_plugin, pinned_text, show,
};
use super::{CheckContext, Emitter, string};
use crate::chart::parse_version;
use crate::diagnostic::Applicability;
use crate::fix::Op;

/// The first plugin version the maintainers recommend.
pub const MIN: (u64, u64, u64) = (1, 9, 22);

/// Whether OC020 reports a plugin pinned to `plugin` with an engine of `engine`.
pub fn fires(plugin: (u64, u64, u64), engine: Option<(u64, u64, u64)>) -> bool {
    plugin < MIN && (plugin >= (1, 9, 0) || engine.is_some_and(|e| e >= (1, 9, 0)))
}

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    if !ctx.hosts_grafana() {
        return;
    }
    let Some(plugin) = oncall_plugin(ctx) else {
        return;
    };
    let Some(pinned) = plugin.parsed() else {
        return;
    };
    let engine = engine_version(ctx);
    let engine_parsed = engine.as_ref().and_then(|(v, _, _)| parse_version(v));
    if !fires(pinned, engine_parsed) {
        return;
    }
    let key = if pinned < (1, 9, 0) {
        "legacy"
    } else {
        "early"
    };
    let fix = match (&plugin.fix_path, engine_parsed) {
        (Some(fix_path), Some(e)) if e >= MIN && plugin.grafana_com => pinned_text(&plugin, e)
            .and_then(|text| {
                ctx.fix_at(
                    Some(plugin.value),
                    format!("pin the plugin to the engine's version {}", show(e)),
                    Applicability::Unsafe,
                    vec![Op::SetScalar {
                        path: fix_path.clone(),
                        value: string(text),
                    }],
                )
            }),
        _ => None,
    };
    let (engine_text, engine_from) = match &engine {
        Some((v, source, _)) => (v.clone(), describe_engine(*source, ctx)),
        None => (String::new(), String::new()),
    };
    out.emit(
        key,
        json!({
            "found": plugin.version().unwrap_or_default(),
            "engine": engine_text,
            "engine_from": engine_from,
            "init_container": plugin.form == Form::InitContainer,
        }),
        plugin.location(ctx),
    )
    .with_fix(fix);
}
