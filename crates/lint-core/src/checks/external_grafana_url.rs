//! OC006 external-grafana-url: with the bundled Grafana off, `externalGrafana.url` must be
//! set, absolute, reachable from a pod, and name Grafana's namespace when it differs.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::model::url::{is_loopback, split_url};
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// A fix that writes `url` into `externalGrafana.url`.
fn set_url(
    ctx: &CheckContext<'_>,
    at: Option<&Value>,
    applicability: Applicability,
    url: String,
) -> Option<Fix> {
    let title = match applicability {
        Applicability::DisplayOnly => {
            format!("set `externalGrafana.url` (fill in the placeholders): {url}")
        }
        _ => format!("set `externalGrafana.url` to {url}"),
    };
    ctx.fix_at(
        at,
        title,
        applicability,
        vec![Op::SetScalar {
            path: path(&["externalGrafana", "url"]),
            value: fix::ops::text(url),
        }],
    )
}

/// The URL to suggest when only the user knows the service.
fn placeholder(ctx: &CheckContext<'_>) -> String {
    let ns = ctx.release.identity.grafana_namespace
        .as_deref()
        .unwrap_or("<grafana-namespace>");
    format!("http://<grafana-service>.{ns}.svc.cluster.local:80")
}

/// What OC006 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `externalGrafana.url` is not set while the bundled Grafana is off.
    Missing,
    /// `externalGrafana.url` is written but empty while the bundled Grafana is off.
    Empty,
    /// `externalGrafana.url` is not a string.
    NotAString {
        /// The value written.
        found: String,
    },
    /// The URL has no scheme.
    NoScheme {
        /// The URL written.
        url: String,
    },
    /// The URL's scheme is neither `http` nor `https`.
    BadScheme {
        /// The scheme written.
        scheme: String,
    },
    /// The URL has no host.
    NoHost,
    /// The URL names a loopback host.
    Localhost {
        /// The host written.
        host: String,
    },
    /// The host has no namespace while Grafana runs in another namespace than OnCall.
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
    /// The host has no namespace, and where Grafana runs is not known.
    BareHostAssumed {
        /// The host written.
        host: String,
        /// The URL to write.
        suggested: String,
    },
    /// The URL names a namespace other than Grafana's.
    WrongNamespace {
        /// The namespace the URL names.
        found_namespace: String,
        /// Grafana's namespace.
        grafana_namespace: String,
        /// The URL to write.
        suggested: String,
    },
}

/// Where the URL goes in the values.
const URL_PATH: [&str; 2] = ["externalGrafana", "url"];

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues || ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let url = release.get(&URL_PATH);
    let text = match url.map(|v| &v.kind) {
        None | Some(Kind::Null) => None,
        Some(Kind::Str(s)) if s.trim().is_empty() => None,
        Some(Kind::Str(s)) => Some(s.trim().to_owned()),
        Some(_) => {
            if let Some(value) = url {
                let location = release.locate(value, &URL_PATH, false);
                out.emit(
                    Message::NotAString {
                        found: value.describe(),
                    },
                    location,
                );
            }
            return;
        }
    };
    let Some(text) = text else {
        missing_url(ctx, url, out);
        return;
    };
    let Some(url) = url else {
        return;
    };
    if let Some(host) = in_cluster_host(ctx, url, &text, out) {
        host_namespace(ctx, url, &text, &host, out);
    }
}

/// Reports a URL that is not set (`url` being its value when written empty).
fn missing_url(ctx: &CheckContext<'_>, url: Option<&Value>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let enabled_path = ["grafana", "enabled"];
    let enabled = release.get(&enabled_path);
    let enabled_location = match enabled {
        Some(v) => release.locate(v, &enabled_path, false),
        None => release.blame(&enabled_path),
    };
    if release.user_sets(&["externalGrafana"]) {
        // the user wrote `externalGrafana` (or its `url`) but left the URL empty: point
        // there, and at the switch that made it required
        let fix = set_url(ctx, url, Applicability::DisplayOnly, placeholder(ctx));
        let diagnostic = out.emit(Message::Empty, release.blame(&URL_PATH));
        diagnostic.with_fix(fix);
        if enabled.is_some_and(|v| v.site().is_some()) {
            diagnostic.with_related(enabled_location, "the bundled Grafana is turned off here");
        }
    } else {
        let fix = set_url(ctx, None, Applicability::DisplayOnly, placeholder(ctx));
        out.emit(Message::Missing, enabled_location).with_fix(fix);
    }
}

/// The host of the URL (`text`, written at `url`) when it is one a pod may reach by its
/// name; reports a scheme that is missing or not HTTP, a missing host, or a loopback host.
/// An IP address is the user's business.
fn in_cluster_host(
    ctx: &CheckContext<'_>,
    url: &Value,
    text: &str,
    out: &mut Emitter<'_, Message>,
) -> Option<String> {
    let location = ctx.release.locate(url, &URL_PATH, false);
    let Some((scheme, host)) = split_url(text) else {
        // http or https is the user's call
        let fix = set_url(
            ctx,
            Some(url),
            Applicability::Unsafe,
            format!("http://{text}"),
        );
        let message = Message::NoScheme {
            url: text.to_owned(),
        };
        out.emit(message, location).with_fix(fix);
        return None;
    };
    if scheme != "http" && scheme != "https" {
        let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
        let fix = set_url(
            ctx,
            Some(url),
            Applicability::Unsafe,
            format!("http://{rest}"),
        );
        out.emit(Message::BadScheme { scheme }, location)
            .with_fix(fix);
        return None;
    }
    if host.is_empty() {
        out.emit(Message::NoHost, location);
        return None;
    }
    if is_loopback(&host) {
        let fix = set_url(ctx, Some(url), Applicability::DisplayOnly, placeholder(ctx));
        out.emit(Message::Localhost { host }, location)
            .with_fix(fix);
        return None;
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    Some(host)
}

/// Judges the namespace the URL's `host` names (or leaves out) against Grafana's.
fn host_namespace(
    ctx: &CheckContext<'_>,
    url: &Value,
    text: &str,
    host: &str,
    out: &mut Emitter<'_, Message>,
) {
    let labels: Vec<&str> = host.split('.').collect();
    let namespace = ctx.release.identity.namespace.as_deref();
    let grafana_ns = ctx.release.identity.grafana_namespace.as_deref();
    let suggested = suggest(text, host, grafana_ns);
    let grafana_namespace = grafana_ns.unwrap_or("").to_owned();
    let message = if labels.len() == 1 {
        match (namespace, grafana_ns) {
            (Some(ns), Some(gns)) if ns != gns => Message::BareHostOtherNamespace {
                host: host.to_owned(),
                grafana_namespace,
                namespace: namespace.unwrap_or("").to_owned(),
                suggested: suggested.clone(),
            },
            (Some(_), Some(_)) => return,
            _ => Message::BareHostAssumed {
                host: host.to_owned(),
                suggested: suggested.clone(),
            },
        }
    } else if let Some(svc) = labels.iter().position(|l| *l == "svc")
        && svc == 2
        && let Some(gns) = grafana_ns
        && labels[1] != gns
    {
        Message::WrongNamespace {
            found_namespace: labels[1].to_owned(),
            grafana_namespace,
            suggested: suggested.clone(),
        }
    } else if labels.len() == 2
        && let (Some(ns), Some(gns)) = (namespace, grafana_ns)
        && ns != gns
        && labels[1] == ns
    {
        Message::WrongNamespace {
            found_namespace: labels[1].to_owned(),
            grafana_namespace,
            suggested: suggested.clone(),
        }
    } else {
        return;
    };
    // with Grafana's namespace known, the suggestion is complete but still a guess at the
    // service: unsafe; without it, a placeholder remains: display-only
    let applicability = if grafana_ns.is_some() {
        Applicability::Unsafe
    } else {
        Applicability::DisplayOnly
    };
    let location = ctx.release.locate(url, &URL_PATH, false);
    out.emit(message, location)
        .with_fix(set_url(ctx, Some(url), applicability, suggested));
}

fn suggest(url: &str, host: &str, grafana_ns: Option<&str>) -> String {
    let ns = grafana_ns.unwrap_or("<grafana-namespace>");
    let service = host.split('.').next().unwrap_or(host);
    url.replacen(host, &format!("{service}.{ns}.svc.cluster.local"), 1)
}
