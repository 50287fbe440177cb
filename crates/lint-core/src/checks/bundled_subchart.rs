//! OC018 bundled-subchart: the bundled database, broker and cache subcharts (`mariadb`,
//! `postgresql`, `rabbitmq`, `redis`) against what the engine uses (`database.type`,
//! `broker.type`) and the `external*` settings. The chart's templates connect the engine to
//! the bundled service whenever its subchart is on, and read `external*` only when it is off;
//! a subchart the chosen type does not use is still deployed.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::model::subcharts::SERVICES;
use crate::release::InputKind;
use crate::values::{Kind, Origin, Value};

/// What OC018 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub enum Message {
    /// The engine uses a service whose bundled subchart is off and whose external host is
    /// not set.
    Missing {
        /// The bundled subchart's key (`mariadb`).
        sub: String,
        /// The external settings' key (`externalMysql`).
        ext: String,
        /// The key that chooses the service (`database.type`), empty for Redis.
        chooser: String,
        /// The chooser's value, empty when it has none.
        chosen: String,
        /// `<sub>.enabled` is not written (the chart's default holds).
        enabled_default: bool,
        /// The service is MySQL (the bundled MariaDB's service is the fallback host).
        mysql: bool,
        /// The service is Redis (always used).
        redis: bool,
    },
    /// An external host is set while the bundled subchart is on.
    ExternalIgnored {
        /// The bundled subchart's key.
        sub: String,
        /// The external settings' key.
        ext: String,
        /// `<sub>.enabled` is not written (the chart's default holds).
        enabled_default: bool,
    },
    /// A bundled subchart is on that the chosen type does not use.
    Unused {
        /// The bundled subchart's key.
        sub: String,
        /// The key that chooses the service.
        chooser: String,
        /// The chooser's value.
        chosen: String,
        /// `<sub>.enabled` is not written (the chart's default holds).
        enabled_default: bool,
    },
    /// An external host is set for a service the chosen type does not use.
    ExternalUnused {
        /// The external settings' key.
        ext: String,
        /// The key that chooses the service.
        chooser: String,
        /// The chooser's value.
        chosen: String,
        /// The chooser is not written (the chart's default holds).
        chooser_default: bool,
    },
}

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
        let sub = service.sub.to_owned();
        let ext = service.external.to_owned();
        let chooser_default = service.chooser.is_some() && chooser.is_none();
        let enabled_default = enabled.is_none();
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
                out.emit(
                    Message::Missing {
                        sub,
                        ext,
                        chooser: chooser_key,
                        chosen,
                        enabled_default,
                        mysql: service.sub == "mariadb",
                        redis: service.sub == "redis",
                    },
                    location,
                );
            }
            (true, true, Some(host)) if host.site().is_some() => {
                let location = release.locate(host, &[service.external, "host"], false);
                let fix = turn_off(&format!(
                    "set `{}.enabled: false` to use the external server",
                    service.sub
                ));
                let diagnostic = out.emit(
                    Message::ExternalIgnored {
                        sub,
                        ext,
                        enabled_default,
                    },
                    location,
                );
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
                out.emit(
                    Message::Unused {
                        sub,
                        chooser: chooser_key,
                        chosen,
                        enabled_default,
                    },
                    location,
                )
                .with_fix(fix);
            }
            (false, false, Some(host)) if host.site().is_some() => {
                let location = release.locate(host, &[service.external, "host"], false);
                let diagnostic = out.emit(
                    Message::ExternalUnused {
                        ext,
                        chooser: chooser_key,
                        chosen,
                        chooser_default,
                    },
                    location,
                );
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
