//! OC022 plugin-version-prefix: grafana.com names OnCall plugin versions with a `v` up to
//! 1.9.26 and without one from 1.9.27; a download of the other spelling is a 404, and the
//! Grafana container exits when a plugin download fails.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::plugin::{self, Form, catalog_name};

/// What OC022 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The version has a `v` that grafana.com does not publish it with.
    VPrefix {
        /// The grafana.com spelling of the version.
        expected: String,
        /// The version written.
        found: String,
        /// Whether an init container downloads the plugin.
        init_container: bool,
    },
    /// The version lacks the `v` that grafana.com publishes it with.
    NoVPrefix {
        /// The version written.
        found: String,
        /// The grafana.com spelling of the version.
        expected: String,
        /// Whether an init container downloads the plugin.
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
    if !plugin.grafana_com {
        return;
    }
    let (Some(found), Some(parsed)) = (plugin.version(), plugin.parsed()) else {
        return;
    };
    let expected = catalog_name(parsed);
    if found == expected || found.trim_start_matches(['v', 'V']) != expected.trim_start_matches('v')
    {
        // spelled right, or not a plain X.Y.Z: nothing to say about its prefix
        return;
    }
    let has_v = found.starts_with(['v', 'V']);
    let fix = plugin.fix_path.clone().and_then(|fix_path| {
        let text = plugin.with_version(&expected)?;
        ctx.fix_at(
            Some(plugin.value),
            format!("write the version as `{expected}`"),
            Applicability::Safe,
            vec![Op::SetScalar {
                path: fix_path,
                value: fix::ops::text(text),
            }],
        )
    });
    let found = found.to_owned();
    let init_container = plugin.form == Form::InitContainer;
    let message = if has_v {
        Message::VPrefix {
            expected,
            found,
            init_container,
        }
    } else {
        Message::NoVPrefix {
            found,
            expected,
            init_container,
        }
    };
    out.emit(message, plugin.location(ctx.release)).with_fix(fix);
}
