//! OC018 bundled-subchart: the bundled database, broker and cache subcharts (`mariadb`,
//! `postgresql`, `rabbitmq`, `redis`) against what the engine uses (`database.type`,
//! `broker.type`) and the `external*` settings. The chart's templates connect the engine to
//! the bundled service whenever its subchart is on, and read `external*` only when it is off;
//! a subchart the chosen type does not use is still deployed.

use serde_json::json;

use super::{CheckContext, Emitter, InputKind, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::values::{Kind, Origin, Value};

/// One service the engine needs, and the keys that configure it.
pub(crate) struct Service {
    /// The bundled subchart's key (`mariadb`).
    pub sub: &'static str,
    /// The external settings' key (`externalMysql`).
    pub external: &'static str,
    /// The key that chooses it (`database.type`), if any: Redis is always used.
    pub chooser: Option<[&'static str; 2]>,
    /// The value of the chooser that selects it.
    pub selected_by: &'static str,
}

/// The services, in the chart's order.
pub(crate) const SERVICES: [Service; 4] = [
    Service {
        sub: "mariadb",
        external: "externalMysql",
        chooser: Some(["database", "type"]),
        selected_by: "mysql",
    },
    Service {
        sub: "postgresql",
        external: "externalPostgresql",
        chooser: Some(["database", "type"]),
        selected_by: "postgresql",
    },
    Service {
        sub: "rabbitmq",
        external: "externalRabbitmq",
        chooser: Some(["broker", "type"]),
        selected_by: "rabbitmq",
    },
    Service {
        sub: "redis",
        external: "externalRedis",
        chooser: None,
        selected_by: "",
    },
];

/// The `database.type` values the chart's `snippet.db.env` accepts.
const DATABASE_TYPES: [&str; 3] = ["mysql", "postgresql", "sqlite"];

/// The `broker.type` values the engine knows.
const BROKER_TYPES: [&str; 2] = ["rabbitmq", "redis"];

impl Service {
    /// Whether the engine uses this service: `Some(true/false)`, or `None` when the chooser
    /// holds something the chart does not accept (another rule's finding).
    pub(crate) fn used(&self, ctx: &CheckContext<'_>) -> Option<bool> {
        let Some(chooser) = self.chooser else {
            return Some(true);
        };
        let chosen = ctx.release.get(&chooser).and_then(Value::as_str)?;
        let known: &[&str] = if chooser[0] == "database" {
            &DATABASE_TYPES
        } else {
            &BROKER_TYPES
        };
        known.contains(&chosen).then(|| chosen == self.selected_by)
    }

    /// Whether the bundled subchart is deployed: `None` unless `<sub>.enabled` is a boolean
    /// (Helm ignores a condition that is not one, while the templates' `if` reads it).
    pub(crate) fn bundled(&self, ctx: &CheckContext<'_>) -> Option<bool> {
        match ctx.release.get(&[self.sub, "enabled"])?.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The external host, when set (non-empty).
    pub(crate) fn external_host<'a>(&self, ctx: &CheckContext<'a>) -> Option<&'a Value> {
        ctx.release
            .get(&[self.external, "host"])
            .filter(|v| v.scalar_string().is_some_and(|s| !s.trim().is_empty()))
    }
}

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    if ctx.input != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    for service in &SERVICES {
        let (Some(used), Some(bundled)) = (service.used(ctx), service.bundled(ctx)) else {
            continue;
        };
        let enabled_path = [service.sub, "enabled"];
        let enabled = release.get(&enabled_path).filter(|v| v.site().is_some());
        let chooser = service
            .chooser
            .and_then(|c| release.get(&c).map(|v| (c, v)))
            .filter(|(_, v)| v.site().is_some());
        let host = service.external_host(ctx);
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
                    value: Value::new(
                        Kind::Bool(false),
                        Origin::Default {
                            chart: "fix",
                            version: "",
                        },
                    ),
                }],
            )
        };
        match (used, bundled, host) {
            (true, false, None) => {
                let Some(location) = anchor() else { continue };
                out.emit("missing", args, location);
            }
            (true, true, Some(host)) if host.site().is_some() => {
                let location = release.locate(host, &[service.external, "host"], false);
                let fix = turn_off(&format!(
                    "set `{}.enabled: false` to use the external server",
                    service.sub
                ));
                let diagnostic = out.emit("external-ignored", args, location);
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
                out.emit("unused", args, location).with_fix(fix);
            }
            (false, false, Some(host)) if host.site().is_some() => {
                let location = release.locate(host, &[service.external, "host"], false);
                let diagnostic = out.emit("external-unused", args, location);
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
