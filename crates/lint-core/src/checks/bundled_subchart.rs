//! OC018 bundled-subchart: the bundled database, broker and cache subcharts (`mariadb`,
//! `postgresql`, `rabbitmq`, `redis`) against what the engine uses (`database.type`,
//! `broker.type`) and the `external*` settings. The chart's templates connect the engine to
//! the bundled service whenever its subchart is on, and read `external*` only when it is off;
//! a subchart the chosen type does not use is still deployed.

use serde_json::json;

use super::{CheckContext, Emitter, Untyped, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::model::subcharts::SERVICES;
use crate::release::InputKind;
use crate::values::{Kind, Origin, Value};

/// What this rule reports (its messages still go by key; see [`Untyped`]).
pub type Message = Untyped;

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    for service in &SERVICES {
        let (Some(used), Some(bundled)) = (service.used(release), service.bundled(release)) else {
            continue;
        };
        let enabled_path = [service.sub, "enabled"];
        let enabled = release.get(&enabled_path).filter(|v| v.site().is_some());
        let chooser = service
            .chooser
            .and_then(|c| release.get(&c).map(|v| (c, v)))
            .filter(|(_, v)| v.site().is_some());
        let host = service.external_host(release);
        let chooser_key = service.chooser.map(|c| c.join(".")).unwrap_or_default();
        let chosen = service
            .chooser
            .and_then(|c| release.get(&c))
            .and_then(Value::scalar_string)
            .unwrap_or_default();
        let args = json!({
            "sub": service.sub,
            "ext": service.external,
            "chooser": chooser_key,
            "chosen": chosen,
            "chooser_default": service.chooser.is_some() && chooser.is_none(),
            "enabled_default": enabled.is_none(),
            "mysql": service.sub == "mariadb",
            "redis": service.sub == "redis",
        });
        // where to point: the user's `<sub>.enabled`, else the user's type
        let anchor = || -> Option<crate::diagnostic::Location> {
            match (enabled, chooser) {
                (Some(v), _) => Some(release.locate(v, &enabled_path, false)),
                (None, Some((c, v))) => Some(release.locate(v, &c, false)),
                (None, None) => None,
            }
        };
        let turn_off = |title: &str| {
            if enabled.is_some() {
                return None;
            }
            ctx.fix_at(
                chooser.map(|(_, v)| v).or(host),
                title,
                Applicability::Unsafe,
                vec![Op::SetScalar {
                    path: path(&enabled_path),
                    value: Value::new(Kind::Bool(false), Origin::Fix),
                }],
            )
        };
        match (used, bundled, host) {
            (true, false, None) => {
                let Some(location) = anchor() else { continue };
                out.emit_json("missing", args, location);
            }
            (true, true, Some(host)) if host.site().is_some() => {
                let location = release.locate(host, &[service.external, "host"], false);
                let fix = turn_off(&format!(
                    "set `{}.enabled: false` to use the external server",
                    service.sub
                ));
                let diagnostic = out.emit_json("external-ignored", args, location);
                if let Some(v) = enabled {
                    diagnostic.with_related(
                        release.locate(v, &enabled_path, false),
                        "the bundled subchart is turned on here",
                    );
                }
                diagnostic.with_fix(fix);
            }
            (false, true, _) => {
                let Some(location) = anchor() else { continue };
                let fix = turn_off(&format!(
                    "set `{}.enabled: false`: the engine does not use it",
                    service.sub
                ));
                out.emit_json("unused", args, location).with_fix(fix);
            }
            (false, false, Some(host)) if host.site().is_some() => {
                let location = release.locate(host, &[service.external, "host"], false);
                let diagnostic = out.emit_json("external-unused", args, location);
                if let Some((c, v)) = chooser {
                    diagnostic.with_related(
                        release.locate(v, &c, false),
                        "the engine's choice is made here",
                    );
                }
            }
            _ => {}
        }
    }
}
