//! OC016 localhost-url: a URL or host that a pod must reach points at `localhost`,
//! `127.0.0.1`, `::1` or `0.0.0.0`, which inside a pod is the pod itself.
//!
//! Covered: the plugin provisioning's `onCallApiUrl` (Grafana's pod calls it) and
//! `grafanaUrl` (the engine calls it); the external database, broker and Redis hosts the
//! engine uses (when their bundled subchart is off); a `GRAFANA_API_URL` set in the engine's
//! `env`. Not covered here: `externalGrafana.url` (OC006), `base_url` (OC015), and Grafana's
//! `root_url`, which browsers read (OC005 reports it when the plugin falls back to it).

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::engine;
use crate::model::names::suggested_engine_url;
use crate::model::provisioning::is_substituted;
use crate::model::url::{is_loopback, parse_url};
use crate::release::InputKind;
use crate::values::Value;

/// An external service the engine connects to: the external settings' key, the bundled
/// subchart that must be off for them to be used, and the setting that selects it.
struct External {
    key: &'static str,
    what: &'static str,
    sub: &'static str,
    chooser: Option<([&'static str; 2], &'static str)>,
}

const EXTERNALS: [External; 4] = [
    External {
        key: "externalMysql",
        what: "the MySQL database",
        sub: "mariadb",
        chooser: Some((["database", "type"], "mysql")),
    },
    External {
        key: "externalPostgresql",
        what: "the PostgreSQL database",
        sub: "postgresql",
        chooser: Some((["database", "type"], "postgresql")),
    },
    External {
        key: "externalRabbitmq",
        what: "the RabbitMQ broker",
        sub: "rabbitmq",
        chooser: Some((["broker", "type"], "rabbitmq")),
    },
    External {
        key: "externalRedis",
        what: "Redis",
        sub: "redis",
        chooser: None,
    },
];

/// The oncall components whose pods may run a sidecar (`<component>.extraContainers`).
const SIDECAR_KEYS: [&str; 4] = ["engine", "celery", "migrate", "detached_integrations"];

/// The host a URL or a `host[:port]` value names, when it is a loopback one.
pub(crate) fn loopback_host(text: &str) -> Option<String> {
    let text = text.trim();
    let bare = text.trim_start_matches('[').trim_end_matches(']');
    if bare == "::1" {
        return Some(bare.to_owned());
    }
    let host = parse_url(text).host;
    is_loopback(&host).then_some(host)
}

/// What OC016 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A provisioned plugin URL names a loopback host.
    Provisioned {
        /// The `jsonData` key (`onCallApiUrl` or `grafanaUrl`).
        key: String,
        /// The URL written.
        url: String,
        /// The pod that calls the URL.
        caller: String,
        /// The loopback host.
        host: String,
        /// The URL to use instead.
        suggested: String,
    },
    /// An external service's host the engine connects to is a loopback host.
    External {
        /// The key of the host (`externalMysql.host`, ...).
        key: String,
        /// The loopback host.
        host: String,
        /// The service the engine connects to.
        what: String,
    },
    /// The engine's `GRAFANA_API_URL` names a loopback host.
    GrafanaApiUrl {
        /// The URL written.
        url: String,
        /// The loopback host.
        host: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    provisioned(ctx, out);
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    externals(ctx, out);
    if let Some((value, key_path)) = engine::env(ctx.release, "GRAFANA_API_URL")
        && let Some(text) = value.as_str()
        && !is_substituted(value)
        && let Some(host) = loopback_host(text)
        && let Some(site) = value.site()
    {
        let location = ctx.release.site_location(site, key_path, false);
        out.emit(
            Message::GrafanaApiUrl {
                url: text.trim().to_owned(),
                host,
            },
            location,
        );
    }
}

fn provisioned(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    for app in ctx.provisioning {
        for (key, caller) in [
            ("onCallApiUrl", "Grafana's pod, where the plugin runs,"),
            ("grafanaUrl", "the engine's pod"),
        ] {
            let Some(value) = app.value.get(&["jsonData", key]) else {
                continue;
            };
            let Some(text) = value.as_str() else {
                continue;
            };
            if is_substituted(value) {
                continue;
            }
            let (Some(host), Some(site)) = (loopback_host(text), value.site()) else {
                continue;
            };
            let location =
                ctx.release
                    .site_location(site, app.key_path.extend(&["jsonData", key]), false);
            let (suggested, fix) = if key == "onCallApiUrl" {
                let (url, complete) = suggested_engine_url(ctx.release);
                let applicability = if complete && ctx.release.kind == InputKind::OncallValues {
                    Applicability::Unsafe
                } else {
                    Applicability::DisplayOnly
                };
                let fix = fix::build::for_app(
                    ctx.release,
                    app,
                    format!("set `jsonData.onCallApiUrl` to {url}"),
                    applicability,
                    vec![Op::SetScalar {
                        path: path(&["jsonData", key]),
                        value: fix::ops::text(url.clone()),
                    }],
                );
                (url, fix)
            } else {
                (
                    "http://<grafana-service>.<grafana-namespace>.svc/".to_owned(),
                    None,
                )
            };
            out.emit(
                Message::Provisioned {
                    key: key.to_owned(),
                    url: text.trim().to_owned(),
                    caller: caller.to_owned(),
                    host,
                    suggested,
                },
                location,
            )
            .with_fix(fix);
        }
    }
}

fn externals(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    // a loopback host may be a proxy sidecar (Cloud SQL Auth Proxy and the like)
    let sidecar = SIDECAR_KEYS.iter().any(|component| {
        release
            .get(&[component, "extraContainers"])
            .is_some_and(Value::is_truthy)
    });
    if sidecar {
        return;
    }
    for external in &EXTERNALS {
        // the external settings are read only with the bundled subchart off
        if release
            .get(&[external.sub, "enabled"])
            .is_none_or(Value::is_truthy)
        {
            continue;
        }
        if let Some((chooser, wanted)) = external.chooser {
            let chosen = release
                .get(&chooser)
                .and_then(Value::scalar_string)
                .unwrap_or_default();
            if chosen.trim() != wanted {
                continue;
            }
        }
        let keys = [external.key, "host"];
        let Some(value) = release.get(&keys) else {
            continue;
        };
        let Some(text) = value.scalar_string() else {
            continue;
        };
        if is_substituted(value) || value.site().is_none() {
            continue;
        }
        let Some(host) = loopback_host(&text) else {
            continue;
        };
        let sub_path = [external.sub, "enabled"];
        let location = release.locate(value, &keys, false);
        let diagnostic = out.emit(
            Message::External {
                key: format!("{}.host", external.key),
                host,
                what: external.what.to_owned(),
            },
            location,
        );
        if let Some(sub) = release.get(&sub_path)
            && sub.site().is_some()
        {
            diagnostic.with_related(
                release.locate(sub, &sub_path, false),
                format!(
                    "the bundled `{}` is off, so this host is used",
                    external.sub
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_in_urls_and_host_fields() {
        assert_eq!(
            loopback_host("http://localhost:8080").as_deref(),
            Some("localhost")
        );
        assert_eq!(
            loopback_host("127.0.0.1:5432").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(loopback_host("::1").as_deref(), Some("::1"));
        assert_eq!(loopback_host("[::1]").as_deref(), Some("::1"));
        assert_eq!(loopback_host("http://[::1]:3000/").as_deref(), Some("::1"));
        assert_eq!(loopback_host("0.0.0.0").as_deref(), Some("0.0.0.0"));
        assert_eq!(loopback_host("mysql.db.svc"), None);
        assert_eq!(loopback_host("localhost.example.com"), None);
    }
}
