//! Which top-level keys are whose: keys only the oncall chart has, keys it shares with many
//! charts, keys that say "oncall" one level down, keys only the grafana chart has. Telling a
//! values file's chart and finding oncall keys misplaced in an umbrella both read them.

/// Keys only the oncall chart (or an umbrella holding it) has; `image`, `service` or
/// `ingress` alone say nothing, and `grafana` is also how other charts hold the grafana
/// chart.
pub(crate) const ONCALL_KEYS: [&str; 16] = [
    "externalGrafana",
    "engine",
    "celery",
    "oncall",
    "base_url",
    "base_url_protocol",
    "broker",
    "externalMysql",
    "externalPostgresql",
    "externalRabbitmq",
    "externalRedis",
    "migrate",
    "telegramPolling",
    "detached_integrations",
    "detached_integrations_service",
    "uwsgi",
];

/// Keys of the oncall chart that many other charts also have at their top level (the
/// bitnami subcharts, `database`, `cert-manager`): they say "oncall" only when no key of
/// the file is foreign to the oncall chart (podinfo, harbor or airflow values have `redis`
/// or `postgresql` beside their own keys).
pub(crate) const SHARED_ONCALL_KEYS: [&str; 6] = [
    "database",
    "mariadb",
    "postgresql",
    "rabbitmq",
    "redis",
    "cert-manager",
];

/// Keys that say "oncall" one level down (an umbrella chart's key holding the oncall
/// values): only names no other chart's sections use.
pub(crate) const ONCALL_KEYS_BELOW: [&str; 11] = [
    "externalGrafana",
    "engine",
    "celery",
    "base_url",
    "base_url_protocol",
    "externalMysql",
    "externalPostgresql",
    "externalRabbitmq",
    "externalRedis",
    "telegramPolling",
    "detached_integrations",
];

/// Keys of the grafana chart's values that no other chart's top level has.
pub(crate) const GRAFANA_KEYS: [&str; 10] = [
    "grafana.ini",
    "plugins",
    "adminUser",
    "adminPassword",
    "datasources",
    "dashboardProviders",
    "sidecar",
    "imageRenderer",
    "initChownData",
    "envFromSecret",
];
