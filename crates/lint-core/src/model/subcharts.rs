//! The services the engine needs (database, broker, cache) and the two ways the oncall
//! chart provides each: a bundled subchart (`mariadb`, `postgresql`, `rabbitmq`, `redis`)
//! or `external*` settings. The chart's templates connect the engine to the bundled
//! service whenever its subchart is on, and read `external*` only when it is off.

use crate::release::Release;
use crate::values::{Kind, Value};

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
pub(crate) const DATABASE_TYPES: [&str; 3] = ["mysql", "postgresql", "sqlite"];

/// The `broker.type` values the engine knows.
pub(crate) const BROKER_TYPES: [&str; 2] = ["rabbitmq", "redis"];

impl Service {
    /// Whether the engine uses this service: `Some(true/false)`, or `None` when the chooser
    /// holds something the chart does not accept (another rule's finding).
    pub(crate) fn used(&self, release: &Release) -> Option<bool> {
        let Some(chooser) = self.chooser else {
            return Some(true);
        };
        let chosen = release.get(&chooser).and_then(Value::as_str)?;
        let known: &[&str] = if chooser[0] == "database" {
            &DATABASE_TYPES
        } else {
            &BROKER_TYPES
        };
        known.contains(&chosen).then(|| chosen == self.selected_by)
    }

    /// Whether the bundled subchart is deployed: `None` unless `<sub>.enabled` is a boolean
    /// (Helm ignores a condition that is not one, while the templates' `if` reads it).
    pub(crate) fn bundled(&self, release: &Release) -> Option<bool> {
        match release.get(&[self.sub, "enabled"])?.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The external host, when set (non-empty).
    pub(crate) fn external_host<'r>(&self, release: &'r Release) -> Option<&'r Value> {
        release
            .get(&[self.external, "host"])
            .filter(|v| v.scalar_string().is_some_and(|s| !s.trim().is_empty()))
    }
}
