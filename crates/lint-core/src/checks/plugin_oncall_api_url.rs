//! OC004 plugin-oncall-api-url: the plugin's `jsonData.onCallApiUrl` must reach this
//! release's engine Service (`<oncall.fullname>-engine`, port 8080), with the engine's
//! namespace when Grafana runs in another one.
//!
//! Two sources are judged. A provisioning entry the user wrote: only when its host is
//! clearly an engine Service of the chart (`<name>-engine`, optionally followed by the
//! namespace and `.svc...`); a URL through an Ingress or any other host is the user's
//! business. And the chart's own provisioning (chart 1.9.23 and later), which hardcodes
//! `http://helm-testing-oncall-engine:8080`: reported only when the engine Service name is
//! known (from `--release`, or `fullnameOverride`) and is not that one.

use serde_json::json;

use super::external_grafana_url::is_loopback;
use super::plugin_jsondata_incomplete::{engine_service, oncall_fullname};
use super::provisioning_volume::PLUGIN_PROVISIONING_DIR;
use super::{CheckContext, Emitter, InputKind, path, string};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::provisioning::is_substituted;
use crate::values::{Kind, Value};

/// The port of the chart's engine Service (`templates/engine/service-internal.yaml`).
pub const ENGINE_PORT: &str = "8080";

/// The ConfigMap the chart renders with its hardcoded provisioning.
pub const CHART_CONFIGMAP: &str = "helm-testing-grafana-plugin-provisioning";

/// The engine Service the chart's provisioning names.
pub const CHART_ENGINE_SERVICE: &str = "helm-testing-oncall-engine";

/// The `onCallApiUrl` of the chart's provisioning.
pub const CHART_ONCALL_API_URL: &str = "http://helm-testing-oncall-engine:8080";

/// A URL taken apart the way the plugin's Go client would need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts {
    /// The scheme, lowercase, when there is one (`scheme://`).
    pub scheme: Option<String>,
    /// The host, lowercase, without a trailing `.`.
    pub host: String,
    /// The port as written, if any.
    pub port: Option<String>,
    /// Everything after the authority (path, query, fragment).
    pub rest: String,
}

/// Splits `[scheme://][user@]host[:port][/rest]`.
pub fn parse_url(text: &str) -> UrlParts {
    let (scheme, after) = match text.split_once("://") {
        Some((scheme, after)) => (Some(scheme.to_ascii_lowercase()), after),
        None => (None, text),
    };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((host, tail)) => (host, tail.strip_prefix(':')),
            None => (v6, None),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    UrlParts {
        scheme,
        host: host.trim_end_matches('.').to_ascii_lowercase(),
        port: port.map(str::to_owned),
        rest: rest.to_owned(),
    }
}

/// An in-cluster engine host: the Service, and the namespace when one is written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EngineHost {
    service: String,
    namespace: Option<String>,
}

/// `<x>-engine`, `<x>-engine.<ns>`, `<x>-engine.<ns>.svc[.<cluster domain>]`; anything else
/// (a public name through an Ingress, an IP) is not judged.
fn engine_host(host: &str) -> Option<EngineHost> {
    let labels: Vec<&str> = host.split('.').collect();
    let service = labels.first()?;
    if !service.ends_with("-engine") || service.len() <= "-engine".len() {
        return None;
    }
    let namespace = match labels.len() {
        1 => None,
        2 => labels.get(1).map(|s| (*s).to_owned()),
        _ if labels.get(2) == Some(&"svc") => labels.get(1).map(|s| (*s).to_owned()),
        _ => return None,
    };
    Some(EngineHost {
        service: (*service).to_owned(),
        namespace,
    })
}

/// Where Grafana runs compared with the OnCall release.
pub(crate) enum GrafanaPlace {
    /// In OnCall's namespace (given, or the bundled Grafana without a namespace override).
    Same,
    /// Elsewhere, both namespaces known.
    Other {
        /// OnCall's namespace.
        namespace: String,
        /// Grafana's namespace.
        grafana: String,
    },
    /// Not known; the text says what is assumed.
    Unknown(String),
    /// Nothing to say (not the oncall chart's values, and no namespaces given).
    Silent,
}

/// Where Grafana runs: both namespaces given, else the bundled Grafana's (the release's, or
/// `grafana.namespaceOverride`), else unknown.
pub(crate) fn grafana_place(ctx: &CheckContext<'_>) -> GrafanaPlace {
    let namespace = ctx.options.namespace.clone();
    if let (Some(ns), Some(gns)) = (&namespace, &ctx.options.grafana_namespace) {
        return if ns == gns {
            GrafanaPlace::Same
        } else {
            GrafanaPlace::Other {
                namespace: ns.clone(),
                grafana: gns.clone(),
            }
        };
    }
    if ctx.input != InputKind::OncallValues {
        return GrafanaPlace::Silent;
    }
    if ctx.bundled_grafana() {
        let override_ns = ctx
            .release
            .get(&["grafana", "namespaceOverride"])
            .and_then(Value::scalar_string)
            .filter(|s| !s.trim().is_empty());
        return match (override_ns, namespace) {
            (None, _) => GrafanaPlace::Same,
            (Some(gns), Some(ns)) if gns == ns => GrafanaPlace::Same,
            (Some(gns), Some(ns)) => GrafanaPlace::Other {
                namespace: ns,
                grafana: gns,
            },
            (Some(gns), None) => GrafanaPlace::Unknown(format!(
                "`grafana.namespaceOverride` runs the bundled Grafana in `{gns}`"
            )),
        };
    }
    GrafanaPlace::Unknown("`grafana.enabled` is false: Grafana is external".into())
}

/// What decides the engine Service's name, for messages.
fn named_by(ctx: &CheckContext<'_>) -> String {
    let text = |keys: &[&str]| {
        ctx.release
            .get(keys)
            .and_then(Value::scalar_string)
            .filter(|s| !s.is_empty())
    };
    if let Some(full) = text(&["fullnameOverride"]) {
        return format!("`fullnameOverride: {full}`");
    }
    let release = ctx.options.release_name.clone().unwrap_or_default();
    match text(&["nameOverride"]) {
        Some(name) => format!("release `{release}` with `nameOverride: {name}`"),
        None => format!("release `{release}`"),
    }
}

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    let place = grafana_place(ctx);
    for app in ctx.provisioning {
        check_app(ctx, app, &place, out);
    }
    chart_default(ctx, &place, out);
}

fn check_app(
    ctx: &CheckContext<'_>,
    app: &crate::provisioning::ProvisionedApp,
    place: &GrafanaPlace,
    out: &mut Emitter<'_>,
) {
    let Some(value) = app.value.get(&["jsonData", "onCallApiUrl"]) else {
        return;
    };
    let Kind::Str(text) = &value.kind else {
        return;
    };
    let text = text.trim();
    // empty is OC003's finding; a substitution is not known here
    if text.is_empty() || is_substituted(value) {
        return;
    }
    let Some(site) = value.site() else {
        return;
    };
    let location = ctx.release.site_location(
        site,
        app.key_path.extend(&["jsonData", "onCallApiUrl"]),
        false,
    );
    let url = parse_url(text);
    // localhost is OC016's finding
    if is_loopback(&url.host) || url.host.is_empty() {
        return;
    }
    let set = |url_text: String, applicability: Applicability| {
        fix::build::for_app(
            ctx.release,
            app,
            format!("set `jsonData.onCallApiUrl` to {url_text}"),
            applicability,
            vec![Op::SetScalar {
                path: path(&["jsonData", "onCallApiUrl"]),
                value: string(url_text),
            }],
        )
    };
    match url.scheme.as_deref() {
        None => {
            let fixed = format!("http://{text}");
            let fix = set(fixed.clone(), Applicability::Unsafe);
            out.emit(
                "no-scheme",
                json!({ "url": text, "fixed": fixed }),
                location,
            )
            .with_fix(fix);
            return;
        }
        Some("http" | "https") => {}
        Some(scheme) => {
            out.emit(
                "bad-scheme",
                json!({ "url": text, "scheme": scheme }),
                location,
            );
            return;
        }
    }
    let Some(engine) = engine_host(&url.host) else {
        return;
    };
    let expected = if ctx.input == InputKind::OncallValues {
        engine_service(ctx)
    } else {
        None
    };
    let namespace = ctx.options.namespace.as_deref();

    // the URL that fixes every part this check knows
    let service = expected.clone().unwrap_or_else(|| engine.service.clone());
    let (ns_part, ns_known) = match (&engine.namespace, namespace, place) {
        (Some(found), Some(ns), _) if found != ns => (Some(ns.to_owned()), true),
        (Some(_), _, _) => (None, true),
        (None, Some(ns), GrafanaPlace::Other { .. } | GrafanaPlace::Unknown(_)) => {
            (Some(ns.to_owned()), true)
        }
        (None, None, GrafanaPlace::Other { .. } | GrafanaPlace::Unknown(_)) => {
            (Some("<oncall-namespace>".to_owned()), false)
        }
        (None, _, _) => (None, true),
    };
    let host = match (&ns_part, &engine.namespace) {
        (Some(ns), Some(_)) => {
            // replace the namespace label in the user's own form
            let mut labels: Vec<String> = url.host.split('.').map(str::to_owned).collect();
            if let Some(label) = labels.get_mut(1) {
                label.clone_from(ns);
            }
            if let Some(first) = labels.first_mut() {
                first.clone_from(&service);
            }
            labels.join(".")
        }
        (Some(ns), None) => format!("{service}.{ns}.svc"),
        (None, _) => {
            let mut labels: Vec<String> = url.host.split('.').map(str::to_owned).collect();
            if let Some(first) = labels.first_mut() {
                first.clone_from(&service);
            }
            labels.join(".")
        }
    };
    let scheme = url.scheme.clone().unwrap_or_else(|| "http".into());
    let suggested = format!("{scheme}://{host}:{ENGINE_PORT}{}", url.rest);
    let applicability = if ns_known {
        Applicability::Unsafe
    } else {
        Applicability::DisplayOnly
    };
    let port = url.port.clone();
    let mut args = json!({
        "url": text,
        "host": url.host,
        "service": engine.service,
        "expected": expected.clone().unwrap_or_default(),
        "named_by": named_by(ctx),
        "namespace": namespace.unwrap_or(""),
        "found_namespace": engine.namespace.clone().unwrap_or_default(),
        "port": port.clone().unwrap_or_else(|| default_port(&scheme).into()),
        "port_written": port.is_some(),
        "suggested": suggested,
    });

    let key = if let Some(expected) = &expected
        && *expected != engine.service
    {
        if engine.service == CHART_ENGINE_SERVICE {
            "helm-testing"
        } else {
            "wrong-service"
        }
    } else if let (Some(found), Some(ns)) = (&engine.namespace, namespace)
        && found != ns
    {
        "wrong-namespace"
    } else if engine.namespace.is_none()
        && let GrafanaPlace::Other { grafana, .. } = place
    {
        args["grafana_namespace"] = json!(grafana);
        "bare-host-other-namespace"
    } else if port.as_deref() != Some(ENGINE_PORT) {
        if expected.as_deref() == Some(engine.service.as_str()) {
            "port"
        } else {
            "port-assumed"
        }
    } else if engine.namespace.is_none()
        && let GrafanaPlace::Unknown(why) = place
    {
        args["why"] = json!(why);
        "bare-host-assumed"
    } else {
        return;
    };
    let fix = set(suggested, applicability);
    out.emit(key, args, location).with_fix(fix);
}

fn default_port(scheme: &str) -> &'static str {
    if scheme == "https" { "443" } else { "80" }
}

/// The `grafana.extraVolumes` item that mounts the chart's own provisioning ConfigMap into
/// the bundled Grafana's provisioning directory (chart 1.9.23 and later), if any.
pub(crate) fn chart_provisioning_volume<'a>(ctx: &'a CheckContext<'_>) -> Option<&'a Value> {
    if ctx.input != InputKind::OncallValues || !ctx.bundled_grafana() {
        return None;
    }
    let release = ctx.release;
    // the grafana chart 6.57.1 era (oncall 1.9.22 and older) has no provisioning template
    if release.chart.first < (1, 9, 23) {
        return None;
    }
    let volume = release
        .get(&["grafana", "extraVolumes"])
        .and_then(Value::as_seq)?
        .iter()
        .find(|item| {
            item.get(&["configMap", "name"]).and_then(Value::as_str) == Some(CHART_CONFIGMAP)
        })?;
    let volume_name = volume.get(&["name"]).and_then(Value::scalar_string)?;
    let mounted = release
        .get(&["grafana", "extraVolumeMounts"])
        .and_then(Value::as_seq)
        .is_some_and(|mounts| {
            mounts.iter().any(|m| {
                m.get(&["name"]).and_then(Value::scalar_string).as_deref()
                    == Some(volume_name.as_str())
                    && m.get(&["mountPath"])
                        .and_then(Value::scalar_string)
                        .is_some_and(|p| p.starts_with(PLUGIN_PROVISIONING_DIR))
            })
        });
    mounted.then_some(volume)
}

/// The chart's own provisioning, when it reaches Grafana and names another engine.
fn chart_default(ctx: &CheckContext<'_>, place: &GrafanaPlace, out: &mut Emitter<'_>) {
    let release = ctx.release;
    let volumes_path = ["grafana", "extraVolumes"];
    let Some(volume) = chart_provisioning_volume(ctx) else {
        return;
    };
    let Some(expected) = engine_service(ctx) else {
        return;
    };
    let other = match place {
        GrafanaPlace::Other { namespace, grafana } => Some((namespace.clone(), grafana.clone())),
        _ => None,
    };
    let key = if expected != CHART_ENGINE_SERVICE {
        "chart-default"
    } else if other.is_some() {
        "chart-default-namespace"
    } else {
        return;
    };
    let suggested = match &other {
        Some((ns, _)) => format!("http://{expected}.{ns}.svc:{ENGINE_PORT}"),
        None => format!("http://{expected}:{ENGINE_PORT}"),
    };
    let location = match volume.site() {
        Some(_) => release.locate(volume, &volumes_path, false),
        None => release.blame(&volumes_path),
    };
    let (namespace, grafana_namespace) = other.unwrap_or_default();
    let render = format!(
        "oncall-lint render provisioning --release {} --namespace {}",
        ctx.options
            .release_name
            .clone()
            .unwrap_or_else(|| "<release>".into()),
        ctx.options
            .namespace
            .clone()
            .unwrap_or_else(|| "<namespace>".into()),
    );
    out.emit(
        key,
        json!({
            "configmap": CHART_CONFIGMAP,
            "url": CHART_ONCALL_API_URL,
            "expected": expected,
            "fullname": oncall_fullname(ctx).unwrap_or_default(),
            "named_by": named_by(ctx),
            "namespace": namespace,
            "grafana_namespace": grafana_namespace,
            "suggested": suggested,
            "render": render,
            "written": volume.site().is_some(),
        }),
        location,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_with_and_without_scheme() {
        let u = parse_url("http://prod-oncall-engine.oncall.svc:8080/x");
        assert_eq!(u.scheme.as_deref(), Some("http"));
        assert_eq!(u.host, "prod-oncall-engine.oncall.svc");
        assert_eq!(u.port.as_deref(), Some("8080"));
        assert_eq!(u.rest, "/x");
        let u = parse_url("oncall-engine:8080");
        assert_eq!(u.scheme, None);
        assert_eq!(u.host, "oncall-engine");
        assert_eq!(u.port.as_deref(), Some("8080"));
        let u = parse_url("http://[::1]:8080");
        assert_eq!(u.host, "::1");
        assert_eq!(u.port.as_deref(), Some("8080"));
    }

    #[test]
    fn only_engine_services_are_judged() {
        assert!(engine_host("oncall-engine").is_some());
        assert_eq!(
            engine_host("oncall-engine.oncall.svc.cluster.local")
                .and_then(|h| h.namespace)
                .as_deref(),
            Some("oncall")
        );
        assert!(engine_host("oncall-engine.example.com").is_none());
        assert!(engine_host("oncall.example.com").is_none());
        assert!(engine_host("-engine").is_none());
    }
}
