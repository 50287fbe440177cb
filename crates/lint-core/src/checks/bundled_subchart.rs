//! OC018 bundled-subchart: the bundled database, broker and cache subcharts (`mariadb`,
//! `postgresql`, `rabbitmq`, `redis`) against what the engine uses (`database.type`,
//! `broker.type`) and the `external*` settings. The chart's templates connect the engine to
//! the bundled service whenever its subchart is on, and read `external*` only when it is off;
//! a subchart the chosen type does not use is still deployed.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix, Location};
use crate::fix::Op;
use crate::model::subcharts::{SERVICES, Service};
use crate::release::InputKind;
use crate::values::{Kind, Origin, Value};

/// What OC018 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
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
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    for service in &SERVICES {
        let (Some(used), Some(bundled)) = (service.used(release), service.bundled(release)) else {
            continue;
        };
        let settings = Settings::of(ctx, service);
        match (used, bundled, settings.host) {
            (true, false, None) => settings.missing(out),
            (true, true, Some(host)) if host.site().is_some() => {
                settings.external_ignored(host, out);
            }
            (false, true, _) => settings.unused(out),
            (false, false, Some(host)) if host.site().is_some() => {
                settings.external_unused(host, out);
            }
            _ => {}
        }
    }
}

/// A bundled service's settings, which each finding about it reads.
struct Settings<'c, 'a> {
    /// The check's context.
    ctx: &'c CheckContext<'a>,
    /// The service.
    service: &'c Service,
    /// `<sub>.enabled`, when a user wrote it.
    enabled: Option<&'a Value>,
    /// The key that chooses the service, with its value, when a user wrote it.
    chooser: Option<([&'static str; 2], &'a Value)>,
    /// The external host, when one is set.
    host: Option<&'a Value>,
}

impl<'c, 'a> Settings<'c, 'a> {
    /// The settings of `service`.
    fn of(ctx: &'c CheckContext<'a>, service: &'c Service) -> Self {
        let release = ctx.release;
        Settings {
            ctx,
            service,
            enabled: release
                .get(&[service.sub, "enabled"])
                .filter(|v| v.site().is_some()),
            chooser: service
                .chooser
                .and_then(|c| release.get(&c).map(|v| (c, v)))
                .filter(|(_, v)| v.site().is_some()),
            host: service.external_host(release),
        }
    }

    /// `<sub>.enabled`.
    fn enabled_path(&self) -> [&'static str; 2] {
        [self.service.sub, "enabled"]
    }

    /// The key that chooses the service (`database.type`), empty for Redis.
    fn chooser_key(&self) -> String {
        self.service
            .chooser
            .map(|c| c.join("."))
            .unwrap_or_default()
    }

    /// The chooser's value, empty when it has none.
    fn chosen(&self) -> String {
        self.service
            .chooser
            .and_then(|c| self.ctx.release.get(&c))
            .and_then(Value::scalar_string)
            .unwrap_or_default()
    }

    /// Where to point: the user's `<sub>.enabled`, else the user's type.
    fn anchor(&self) -> Option<Location> {
        let release = self.ctx.release;
        match (self.enabled, self.chooser) {
            (Some(v), _) => Some(release.locate(v, &self.enabled_path(), false)),
            (None, Some((c, v))) => Some(release.locate(v, &c, false)),
            (None, None) => None,
        }
    }

    /// Turns the bundled subchart off, unless a user wrote `<sub>.enabled`.
    fn turn_off(&self, title: &str) -> Option<Fix> {
        if self.enabled.is_some() {
            return None;
        }
        self.ctx.fix_at(
            self.chooser.map(|(_, v)| v).or(self.host),
            title,
            Applicability::Unsafe,
            vec![Op::SetScalar {
                path: path(&self.enabled_path()),
                value: Value::new(Kind::Bool(false), Origin::Fix),
            }],
        )
    }

    /// Reports a service the engine uses with neither its subchart nor an external host.
    fn missing(&self, out: &mut Emitter<'_, Message>) {
        let Some(location) = self.anchor() else {
            return;
        };
        out.emit(
            Message::Missing {
                sub: self.service.sub.to_owned(),
                ext: self.service.external.to_owned(),
                chooser: self.chooser_key(),
                chosen: self.chosen(),
                enabled_default: self.enabled.is_none(),
                mysql: self.service.sub == "mariadb",
                redis: self.service.sub == "redis",
            },
            location,
        );
    }

    /// Reports an external `host` the engine ignores while the subchart is on.
    fn external_ignored(&self, host: &Value, out: &mut Emitter<'_, Message>) {
        let (release, service) = (self.ctx.release, self.service);
        let location = release.locate(host, &[service.external, "host"], false);
        let fix = self.turn_off(&format!(
            "set `{}.enabled: false` to use the external server",
            service.sub
        ));
        let diagnostic = out.emit(
            Message::ExternalIgnored {
                sub: service.sub.to_owned(),
                ext: service.external.to_owned(),
                enabled_default: self.enabled.is_none(),
            },
            location,
        );
        if let Some(v) = self.enabled {
            diagnostic.with_related(
                release.locate(v, &self.enabled_path(), false),
                "the bundled subchart is turned on here",
            );
        }
        diagnostic.with_fix(fix);
    }

    /// Reports a subchart that is on while the chosen type does not use it.
    fn unused(&self, out: &mut Emitter<'_, Message>) {
        let Some(location) = self.anchor() else {
            return;
        };
        let fix = self.turn_off(&format!(
            "set `{}.enabled: false`: the engine does not use it",
            self.service.sub
        ));
        out.emit(
            Message::Unused {
                sub: self.service.sub.to_owned(),
                chooser: self.chooser_key(),
                chosen: self.chosen(),
                enabled_default: self.enabled.is_none(),
            },
            location,
        )
        .with_fix(fix);
    }

    /// Reports an external `host` for a service the chosen type does not use.
    fn external_unused(&self, host: &Value, out: &mut Emitter<'_, Message>) {
        let release = self.ctx.release;
        let location = release.locate(host, &[self.service.external, "host"], false);
        let diagnostic = out.emit(
            Message::ExternalUnused {
                ext: self.service.external.to_owned(),
                chooser: self.chooser_key(),
                chosen: self.chosen(),
                chooser_default: self.service.chooser.is_some() && self.chooser.is_none(),
            },
            location,
        );
        if let Some((c, v)) = self.chooser {
            diagnostic.with_related(
                release.locate(v, &c, false),
                "the engine's choice is made here",
            );
        }
    }
}
