//! The services the engine needs (database, broker, cache) and the two ways the oncall
//! chart provides each: a bundled subchart (`mariadb`, `postgresql`, `rabbitmq`, `redis`)
//! or `external*` settings. The chart's templates connect the engine to the bundled
//! service whenever its subchart is on, and read `external*` only when it is off.

use super::images;
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

/// The bundled Bitnami subcharts, in the chart's order.
pub(crate) const BITNAMI: [&str; 4] = ["mariadb", "postgresql", "rabbitmq", "redis"];

/// Whether the subchart under `key` is deployed (`<key>.enabled` true).
pub(crate) fn enabled(release: &Release, key: &str) -> bool {
    release.get(&[key, "enabled"]).is_some_and(Value::is_truthy)
}

/// Whether the bundled mariadb stops the install when its images come from anywhere but
/// the registry and repositories of its Chart annotation, unless
/// `global.security.allowInsecureImages` is true: mariadb 23.2.1 (bundling Bitnami common
/// 2.33.1, `common.errors.insecureImages`), which the oncall chart bundles from 1.16.6 (see
/// [`images::BITNAMI_CHARTS`]). The older Bitnami subcharts (common 1.16 to 2.4) have no
/// such check.
pub(crate) fn mariadb_refuses_relocated_images(release: &Release) -> bool {
    enabled(release, "mariadb")
        && images::bitnami_chart(release, "mariadb").is_some_and(|c| c.refuses_relocated_images)
}

/// Whether a Bitnami subchart reads `{name: ...}` items in its pull-secret lists (Bitnami
/// common 2.13 and later: mariadb 23.2.1, from chart 1.16.6); the others print each item as
/// a name, so they need plain names.
pub(crate) fn bitnami_reads_secret_objects(release: &Release, chart: &str) -> bool {
    images::bitnami_chart(release, chart).is_some_and(|c| c.reads_secret_objects)
}

/// Where cert-manager v1.8.0 (bundled by every oncall chart) reads its pull secrets:
/// `global.imagePullSecrets` only, written into its pods as they are, so as
/// `{name: ...}` items. A top-level `global.imagePullSecrets` replaces its own (Helm copies
/// the parent's globals over a subchart's).
pub(crate) const CERT_MANAGER_PULL_SECRETS: [&str; 3] =
    ["cert-manager", "global", "imagePullSecrets"];

/// Where ingress-nginx 4.1.4 reads its pull secrets (`{name: ...}` items).
pub(crate) const INGRESS_NGINX_PULL_SECRETS: [&str; 2] = ["ingress-nginx", "imagePullSecrets"];
