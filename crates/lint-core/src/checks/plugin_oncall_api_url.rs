//! OC004 plugin-oncall-api-url: the plugin's `jsonData.onCallApiUrl` must reach this
//! release's engine Service (`<oncall.fullname>-engine`, port 8080), with the engine's
//! namespace when Grafana runs in another one.
//!
//! Two sources are judged. A provisioning entry the user wrote: only when its host is
//! clearly an engine Service of the chart (`<name>-engine`, optionally followed by the
//! namespace and `.svc...`); a URL through an Ingress or any other host is the user's
//! business. And the chart's own provisioning (chart 1.9.23 and later), which hardcodes
//! `http://helm-testing-oncall-engine:8080`: an error when the engine Service name is known
//! (from `--release`, or `fullnameOverride`) and is not that one; a warning when it is not
//! known and no provisioning of the user's replaces it, because the chart's is right only
//! for a release called `helm-testing` and staying silent there hid the most common cause
//! of "Plugin is not connected".

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::model::grafana::Place as GrafanaPlace;
use crate::model::names::{
    CHART_CONFIGMAP, CHART_ENGINE_SERVICE, CHART_ONCALL_API_URL, ENGINE_PORT, engine_named_by,
    engine_service,
};
use crate::model::provisioning::{ProvisionedApp, is_substituted};
use crate::model::url::{UrlParts, is_loopback, parse_url};
use crate::model::volumes::chart_provisioning_volume;
use crate::release::InputKind;
use crate::values::Kind;

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

/// What OC004 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The URL has no scheme.
    NoScheme {
        /// The URL written.
        url: String,
        /// The URL with `http://` in front.
        fixed: String,
    },
    /// The URL's scheme is neither `http` nor `https`.
    BadScheme {
        /// The scheme written.
        scheme: String,
    },
    /// The URL names the chart's hardcoded `helm-testing-oncall-engine`.
    HelmTesting {
        /// This release's engine Service.
        expected: String,
        /// What names the engine Service (`fullnameOverride`, the release name).
        named_by: String,
        /// The URL to write.
        suggested: String,
    },
    /// The URL names another release's engine Service.
    WrongService {
        /// The Service the URL names.
        service: String,
        /// This release's engine Service.
        expected: String,
        /// What names the engine Service (`fullnameOverride`, the release name).
        named_by: String,
        /// The URL to write.
        suggested: String,
    },
    /// The URL names a namespace other than OnCall's.
    WrongNamespace {
        /// The namespace the URL names.
        found_namespace: String,
        /// OnCall's namespace.
        namespace: String,
        /// The URL to write.
        suggested: String,
    },
    /// The host has no namespace while Grafana runs in another namespace.
    BareHostOtherNamespace {
        /// The host written.
        host: String,
        /// Grafana's namespace.
        grafana_namespace: String,
        /// OnCall's namespace.
        namespace: String,
        /// The URL to write.
        suggested: String,
    },
    /// The port is not the engine's, this release's engine Service being known.
    Port {
        /// The Service the URL names.
        service: String,
        /// The port reached (written, or the scheme's default).
        port: String,
        /// Whether the URL writes a port.
        port_written: bool,
        /// The URL to write.
        suggested: String,
    },
    /// The port is not the chart's engine port, the Service being assumed the engine's.
    PortAssumed {
        /// The Service the URL names.
        service: String,
        /// The port reached (written, or the scheme's default).
        port: String,
        /// Whether the URL writes a port.
        port_written: bool,
        /// The URL to write.
        suggested: String,
    },
    /// The host has no namespace, and where Grafana runs is not known.
    BareHostAssumed {
        /// The host written.
        host: String,
        /// What is assumed about Grafana's namespace, and why.
        why: String,
        /// The URL to write.
        suggested: String,
    },
    /// The chart's own provisioning names an engine Service other than this release's.
    ChartDefault {
        /// The chart's provisioning ConfigMap.
        configmap: String,
        /// The URL the chart's provisioning sets.
        url: String,
        /// This release's engine Service.
        expected: String,
        /// What names the engine Service (`fullnameOverride`, the release name).
        named_by: String,
        /// Whether the user wrote the volume that mounts the chart's provisioning.
        written: bool,
        /// The URL the plugin needs.
        suggested: String,
        /// The `oncall-lint render provisioning` command for this release.
        render: String,
    },
    /// The chart's own provisioning is in use and the release name is not known: it works
    /// only for a release called `helm-testing`.
    ChartDefaultUnnamed {
        /// The chart's provisioning ConfigMap.
        configmap: String,
        /// The URL the chart's provisioning sets.
        url: String,
        /// Whether the user wrote the volume that mounts the chart's provisioning.
        written: bool,
        /// The `oncall-lint render provisioning` command, with placeholders for the names
        /// not known.
        render: String,
    },
    /// The chart's own provisioning names the engine without a namespace while Grafana runs
    /// in another one.
    ChartDefaultNamespace {
        /// The chart's provisioning ConfigMap.
        configmap: String,
        /// The URL the chart's provisioning sets.
        url: String,
        /// Grafana's namespace.
        grafana_namespace: String,
        /// OnCall's namespace.
        namespace: String,
        /// Whether the user wrote the volume that mounts the chart's provisioning.
        written: bool,
        /// The URL the plugin needs.
        suggested: String,
        /// The `oncall-lint render provisioning` command for this release.
        render: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let place = ctx.grafana().place();
    for app in ctx.provisioning {
        check_app(ctx, app, &place, out);
    }
    chart_default(ctx, &place, out);
}

/// Judges the `jsonData.onCallApiUrl` a user wrote in one provisioned app.
fn check_app(
    ctx: &CheckContext<'_>,
    app: &ProvisionedApp,
    place: &GrafanaPlace,
    out: &mut Emitter<'_, Message>,
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
    match url.scheme.as_deref() {
        None => {
            let fixed = format!("http://{text}");
            let fix = set_url(ctx, app, fixed.clone(), Applicability::Unsafe);
            out.emit(
                Message::NoScheme {
                    url: text.to_owned(),
                    fixed,
                },
                location,
            )
            .with_fix(fix);
            return;
        }
        Some("http" | "https") => {}
        Some(scheme) => {
            out.emit(
                Message::BadScheme {
                    scheme: scheme.to_owned(),
                },
                location,
            );
            return;
        }
    }
    let Some(engine) = engine_host(&url.host) else {
        return;
    };
    let expected = if ctx.release.kind == InputKind::OncallValues {
        engine_service(ctx.release)
    } else {
        None
    };
    let engine_url = EngineUrl {
        url: &url,
        engine,
        expected,
        namespace: ctx.release.identity.namespace.as_deref(),
    };
    let (suggested, applicability) = engine_url.suggested(place);
    let Some(message) = engine_url.message(ctx, place, &suggested) else {
        return;
    };
    let fix = set_url(ctx, app, suggested, applicability);
    out.emit(message, location).with_fix(fix);
}

/// Sets the app's `jsonData.onCallApiUrl` to `url_text`.
fn set_url(
    ctx: &CheckContext<'_>,
    app: &ProvisionedApp,
    url_text: String,
    applicability: Applicability,
) -> Option<Fix> {
    fix::build::for_app(
        ctx.release,
        app,
        format!("set `jsonData.onCallApiUrl` to {url_text}"),
        applicability,
        vec![Op::SetScalar {
            path: path(&["jsonData", "onCallApiUrl"]),
            value: fix::ops::text(url_text),
        }],
    )
}

/// An `onCallApiUrl` that names an engine Service, with what it is judged against.
struct EngineUrl<'u> {
    /// The URL, parsed.
    url: &'u UrlParts,
    /// The engine Service (and namespace) it names.
    engine: EngineHost,
    /// This release's engine Service, when known.
    expected: Option<String>,
    /// OnCall's namespace, when known.
    namespace: Option<&'u str>,
}

impl EngineUrl<'_> {
    /// The URL that fixes every part this check knows, and how safe writing it is (a
    /// placeholder for a namespace not known is display-only).
    fn suggested(&self, place: &GrafanaPlace) -> (String, Applicability) {
        let (url, engine) = (self.url, &self.engine);
        let service = self
            .expected
            .clone()
            .unwrap_or_else(|| engine.service.clone());
        let (ns_part, ns_known) = match (&engine.namespace, self.namespace, place) {
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
        (suggested, applicability)
    }

    /// What is wrong, the first that applies: the Service, the namespace, the port, a
    /// namespace left out where Grafana's is not known; `None` when nothing is.
    fn message(
        &self,
        ctx: &CheckContext<'_>,
        place: &GrafanaPlace,
        suggested: &str,
    ) -> Option<Message> {
        let (url, engine) = (self.url, &self.engine);
        let suggested = suggested.to_owned();
        let namespace_text = self.namespace.unwrap_or("").to_owned();
        let message = if let Some(expected) = &self.expected
            && *expected != engine.service
        {
            if engine.service == CHART_ENGINE_SERVICE {
                Message::HelmTesting {
                    expected: expected.clone(),
                    named_by: engine_named_by(ctx.release),
                    suggested,
                }
            } else {
                Message::WrongService {
                    service: engine.service.clone(),
                    expected: expected.clone(),
                    named_by: engine_named_by(ctx.release),
                    suggested,
                }
            }
        } else if let (Some(found), Some(ns)) = (&engine.namespace, self.namespace)
            && found != ns
        {
            Message::WrongNamespace {
                found_namespace: found.clone(),
                namespace: namespace_text,
                suggested,
            }
        } else if engine.namespace.is_none()
            && let GrafanaPlace::Other { grafana, .. } = place
        {
            Message::BareHostOtherNamespace {
                host: url.host.clone(),
                grafana_namespace: grafana.clone(),
                namespace: namespace_text,
                suggested,
            }
        } else if url.port.as_deref() != Some(ENGINE_PORT) {
            self.port_message(suggested)
        } else if engine.namespace.is_none()
            && let GrafanaPlace::Unknown(why) = place
        {
            Message::BareHostAssumed {
                host: url.host.clone(),
                why: why.clone(),
                suggested,
            }
        } else {
            return None;
        };
        Some(message)
    }

    /// A port other than the engine's: this release's engine Service being known, or
    /// assumed.
    fn port_message(&self, suggested: String) -> Message {
        let (url, engine) = (self.url, &self.engine);
        let scheme = url.scheme.clone().unwrap_or_else(|| "http".into());
        let port = url
            .port
            .clone()
            .unwrap_or_else(|| default_port(&scheme).into());
        let port_written = url.port.is_some();
        if self.expected.as_deref() == Some(engine.service.as_str()) {
            Message::Port {
                service: engine.service.clone(),
                port,
                port_written,
                suggested,
            }
        } else {
            Message::PortAssumed {
                service: engine.service.clone(),
                port,
                port_written,
                suggested,
            }
        }
    }
}

fn default_port(scheme: &str) -> &'static str {
    if scheme == "https" { "443" } else { "80" }
}

/// The chart's own provisioning, when it reaches Grafana and names another engine; or,
/// when the engine Service's name is not known, that it works only for `helm-testing`.
fn chart_default(ctx: &CheckContext<'_>, place: &GrafanaPlace, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let volumes_path = ["grafana", "extraVolumes"];
    let Some(volume) = chart_provisioning_volume(ctx.release) else {
        return;
    };
    let Some(expected) = engine_service(ctx.release) else {
        unnamed(ctx, volume, out);
        return;
    };
    let other = match place {
        GrafanaPlace::Other { namespace, grafana } => Some((namespace.clone(), grafana.clone())),
        _ => None,
    };
    let default_namespace = if expected != CHART_ENGINE_SERVICE {
        false
    } else if other.is_some() {
        true
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
    let render = render_command(ctx);
    let configmap = CHART_CONFIGMAP.to_owned();
    let url = CHART_ONCALL_API_URL.to_owned();
    let written = volume.site().is_some();
    let message = if default_namespace {
        Message::ChartDefaultNamespace {
            configmap,
            url,
            grafana_namespace,
            namespace,
            written,
            suggested,
            render,
        }
    } else {
        Message::ChartDefault {
            configmap,
            url,
            expected,
            named_by: engine_named_by(ctx.release),
            written,
            suggested,
            render,
        }
    };
    out.emit(message, location);
}

/// The `oncall-lint render provisioning` command for this release, with placeholders for
/// the names not known.
fn render_command(ctx: &CheckContext<'_>) -> String {
    let identity = &ctx.release.identity;
    format!(
        "oncall-lint render provisioning --release {} --namespace {}",
        identity.name.as_deref().unwrap_or("<release>"),
        identity.namespace.as_deref().unwrap_or("<namespace>"),
    )
}

/// The chart's own provisioning reaches Grafana, and the release name is not known (no
/// `--release`, no `fullnameOverride`): it is right only for a release called
/// `helm-testing`, which is worth a warning rather than silence. Provisioning the user
/// wrote is judged on its own (`check_app`), so then nothing is said here; nor for files
/// that set no value at all (empty, only comments, not a map), which are not known to be
/// the oncall chart's values.
fn unnamed(
    ctx: &CheckContext<'_>,
    volume: &crate::values::Value,
    out: &mut Emitter<'_, Message>,
) {
    let sets_values = ctx.release.layers.iter().any(|layer| {
        layer
            .values
            .as_ref()
            .and_then(crate::values::Value::as_map)
            .is_some_and(|map| !map.is_empty())
    });
    if !ctx.provisioning.is_empty() || !sets_values {
        return;
    }
    let volumes_path = ["grafana", "extraVolumes"];
    let location = match volume.site() {
        Some(_) => ctx.release.locate(volume, &volumes_path, false),
        None => ctx.release.blame(&volumes_path),
    };
    let message = Message::ChartDefaultUnnamed {
        configmap: CHART_CONFIGMAP.to_owned(),
        url: CHART_ONCALL_API_URL.to_owned(),
        written: volume.site().is_some(),
        render: render_command(ctx),
    };
    out.emit(message, location);
}

#[cfg(test)]
mod tests {
    use super::*;

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
