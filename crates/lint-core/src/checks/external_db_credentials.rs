//! OC019 external-db-credentials: an external database, broker or cache the engine uses
//! (its bundled subchart off, the type choosing it) with neither `password` nor
//! `existingSecret`. The chart's `secrets.yaml` `required`s the password to build the Secret
//! the engine reads, so `helm install` fails.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::model::subcharts::SERVICES;
use crate::release::InputKind;
use crate::values::Value;

/// What OC019 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// An external server the engine uses has neither `password` nor `existingSecret`.
    Missing {
        /// The external settings' key (`externalMysql`).
        ext: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    for service in &SERVICES {
        if service.used(release) != Some(true) || service.bundled(release) != Some(false) {
            continue;
        }
        let ext = service.external;
        // only once the user configures the external server: with nothing written, OC018
        // reports the missing server itself
        let written = release
            .get(&[ext])
            .and_then(Value::as_map)
            .is_some_and(|map| map.values().any(|v| v.site().is_some() && v.is_truthy()));
        if !written {
            continue;
        }
        let set = |key: &str| release.get(&[ext, key]).is_some_and(Value::is_truthy);
        if set("password") || set("existingSecret") {
            continue;
        }
        let location = if release.user_sets(&[ext, "password"]) {
            release.blame(&[ext, "password"])
        } else {
            release.blame(&[ext])
        };
        out.emit(Message::Missing { ext: ext.to_owned() }, location);
    }
}
