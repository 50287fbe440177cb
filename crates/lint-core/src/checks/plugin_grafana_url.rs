//! OC005 plugin-grafana-url: the URL the plugin reports to the engine as Grafana's
//! (`jsonData.grafanaUrl`, else Grafana's `root_url`) must be one the engine pod can call:
//! absolute, naming Grafana's namespace when the engine runs elsewhere, the bundled Grafana's
//! Service when it is an in-cluster name, and ending in `/` under a sub-path.
//!
//! The engine does not use `GRAFANA_API_URL` for this in the v2 flow: it stores the URL the
//! plugin sends during sync and calls `<url>api/org` and the user and team APIs there.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix, Location};
use crate::fix::{self, Op};
use crate::model::grafana::{Place as GrafanaPlace, ini_bool};
use crate::model::provisioning::{ProvisionedApp, is_substituted};
use crate::model::url::{UrlParts, is_loopback, parse_url};
use crate::model::volumes::chart_provisioning_volume;
use crate::values::Value;

/// The path the bundled Grafana serves under (`/grafana/`), when `serve_from_sub_path` is on
/// and `root_url` has a path; `None` when it serves at the root.
fn served_sub_path(ctx: &CheckContext<'_>, root_url: Option<&str>) -> Option<String> {
    let on = server_setting(ctx, "serve_from_sub_path")
        .and_then(|(text, _)| ini_bool(&text))
        .unwrap_or(false);
    if !on {
        return None;
    }
    let path = url_path(&parse_url(root_url?));
    (path != "/").then_some(path)
}

/// The path of a URL, with a leading `/` and without query or fragment.
fn url_path(url: &UrlParts) -> String {
    let path = url.rest.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() {
        "/".into()
    } else {
        path.to_owned()
    }
}

/// A `[server]` setting of the bundled Grafana as Grafana reads it, with the value that
/// holds it.
fn server_setting<'a>(ctx: &CheckContext<'a>, key: &str) -> Option<(String, &'a Value)> {
    let setting = ctx.grafana().setting("server", key)?;
    Some((setting.value.scalar_string()?, setting.value))
}

/// Grafana's AppURL as the plugin gets it: `root_url` with `%(protocol)s`, `%(domain)s` and
/// `%(http_port)s` filled in and a `/` appended; `None` when a part is templated.
#[allow(clippy::type_complexity)]
fn app_url<'a>(ctx: &CheckContext<'a>) -> Option<(String, Option<&'a Value>, Option<&'a Value>)> {
    let (root, root_value) = match server_setting(ctx, "root_url") {
        Some((text, value)) => (text, Some(value)),
        None => ("%(protocol)s://%(domain)s:%(http_port)s/".to_owned(), None),
    };
    let mut domain_value = None;
    let mut text = root.trim().to_owned();
    for (key, default) in [
        ("protocol", "http"),
        ("domain", "localhost"),
        ("http_port", "3000"),
    ] {
        let marker = format!("%({key})s");
        if !text.contains(&marker) {
            continue;
        }
        let setting = server_setting(ctx, key);
        if key == "domain" {
            domain_value = setting.as_ref().map(|(_, v)| *v);
        }
        let fill = setting
            .map(|(t, _)| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| default.to_owned());
        text = text.replace(&marker, &fill);
    }
    if text.is_empty() || text.contains("{{") || text.contains("%(") || text.contains('$') {
        return None;
    }
    if !text.ends_with('/') {
        text.push('/');
    }
    Some((text, root_value, domain_value))
}

/// Where a URL is judged from, and how a fix reaches it.
enum Source<'a> {
    /// `jsonData.grafanaUrl` of a provisioned app.
    Provisioned(&'a ProvisionedApp),
    /// Grafana's `root_url`; the domain's value when `%(domain)s` filled the host.
    RootUrl { domain: Option<&'a Value> },
}

/// What OC005 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The URL has no scheme.
    NoScheme {
        /// Which URL is judged (`jsonData.grafanaUrl`, or Grafana's `root_url`).
        what: String,
        /// The URL.
        url: String,
        /// The URL to write.
        suggested: String,
    },
    /// Grafana's `root_url`, which the plugin reports, names a loopback host.
    RootUrlLocalhost {
        /// Which URL is judged (`jsonData.grafanaUrl`, or Grafana's `root_url`).
        what: String,
        /// The URL.
        url: String,
        /// Its host.
        host: String,
    },
    /// The URL has a path that does not end in `/`.
    NoTrailingSlash {
        /// Which URL is judged (`jsonData.grafanaUrl`, or Grafana's `root_url`).
        what: String,
        /// The URL.
        url: String,
        /// Its path.
        path: String,
        /// The URL to write.
        suggested: String,
    },
    /// The URL names a Service other than the bundled Grafana's.
    WrongService {
        /// Which URL is judged (`jsonData.grafanaUrl`, or Grafana's `root_url`).
        what: String,
        /// The Service the URL names.
        service: String,
        /// The bundled Grafana's Service.
        expected: String,
        /// Whether the Service named is the chart's default `helm-testing-grafana`.
        helm_testing: bool,
        /// The URL the engine needs.
        suggested: String,
    },
    /// The host has no namespace while Grafana runs in another namespace than the engine.
    BareHostOtherNamespace {
        /// Which URL is judged (`jsonData.grafanaUrl`, or Grafana's `root_url`).
        what: String,
        /// The host.
        host: String,
        /// Grafana's namespace.
        grafana_namespace: String,
        /// The engine's namespace.
        namespace: String,
        /// The URL to write.
        suggested: String,
    },
    /// The URL names a namespace other than Grafana's.
    WrongNamespace {
        /// Which URL is judged (`jsonData.grafanaUrl`, or Grafana's `root_url`).
        what: String,
        /// The namespace the URL names.
        found_namespace: String,
        /// Grafana's namespace.
        grafana_namespace: String,
        /// The URL to write.
        suggested: String,
    },
    /// The URL's path is not the one the bundled Grafana serves at.
    SubPath {
        /// Which URL is judged (`jsonData.grafanaUrl`, or Grafana's `root_url`).
        what: String,
        /// The URL's path.
        path: String,
        /// The path Grafana serves at.
        wanted: String,
        /// Whether `serve_from_sub_path` is on.
        sub_path_on: bool,
        /// The URL to write.
        suggested: String,
    },
    /// The host has no namespace, and where Grafana runs is not known.
    BareHostAssumed {
        /// Which URL is judged (`jsonData.grafanaUrl`, or Grafana's `root_url`).
        what: String,
        /// The host.
        host: String,
        /// What is assumed about Grafana's namespace, and why.
        why: String,
        /// The URL to write.
        suggested: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let place = ctx.grafana().place();
    let expected = ctx.grafana().service();
    let app = if ctx.grafana().bundled() {
        app_url(ctx)
    } else {
        None
    };
    let sub_path = served_sub_path(
        ctx,
        server_setting(ctx, "root_url").map(|(t, _)| t).as_deref(),
    );
    let mut root_url_used = false;
    for app_entry in ctx.provisioning {
        let Some(value) = app_entry
            .value
            .get(&["jsonData", "grafanaUrl"])
            .filter(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()))
        else {
            root_url_used = true;
            continue;
        };
        if is_substituted(value) {
            continue;
        }
        let Some(site) = value.site() else {
            continue;
        };
        let location = ctx.release.site_location(
            site,
            app_entry.key_path.extend(&["jsonData", "grafanaUrl"]),
            false,
        );
        let text = value.as_str().unwrap_or_default().trim().to_owned();
        judge(
            ctx,
            out,
            &text,
            "`jsonData.grafanaUrl`",
            location,
            &Source::Provisioned(app_entry),
            &place,
            expected.as_deref(),
            sub_path.as_deref(),
        );
    }
    // the chart's own provisioning (1.9.23 and later) sets no `grafanaUrl`
    let chart_provisioning =
        ctx.provisioning.is_empty() && chart_provisioning_volume(ctx.release).is_some();
    if !(root_url_used || chart_provisioning) {
        return;
    }
    let Some((url, root_value, domain)) = app else {
        return;
    };
    // reported at the value that decides the host when a user wrote it, else at root_url
    let root_path = ["grafana", "grafana.ini", "server", "root_url"];
    let location = match (domain.filter(|d| d.site().is_some()), root_value) {
        (Some(d), _) => {
            ctx.release
                .locate(d, &["grafana", "grafana.ini", "server", "domain"], false)
        }
        (None, Some(r)) if r.site().is_some() => ctx.release.locate(r, &root_path, false),
        _ => ctx.release.blame(&root_path),
    };
    judge(
        ctx,
        out,
        &url,
        "Grafana's `root_url` (which the plugin reports, as no `jsonData.grafanaUrl` is provisioned)",
        location,
        &Source::RootUrl { domain },
        &place,
        expected.as_deref(),
        sub_path.as_deref(),
    );
}

/// A finding: its message, and its fix when one could be built.
type Finding = (Message, Option<Fix>);

/// Judges one URL the plugin reports to the engine (`text`, which messages name `what`) and
/// reports the first thing wrong with it, at `location`.
#[allow(clippy::too_many_arguments)]
fn judge(
    ctx: &CheckContext<'_>,
    out: &mut Emitter<'_, Message>,
    text: &str,
    what: &str,
    location: Location,
    source: &Source<'_>,
    place: &GrafanaPlace,
    expected: Option<&str>,
    sub_path: Option<&str>,
) {
    let url = parse_url(text);
    let from_root = matches!(source, Source::RootUrl { .. });
    // a provisioned localhost is OC016's finding; root_url is read by browsers, so only here
    if url.host.is_empty() || (is_loopback(&url.host) && !from_root) {
        return;
    }
    let finding = form_finding(ctx, text, what, source, &url)
        .map(|f| follow(ctx, what, source, place, (expected, sub_path), f))
        .or_else(|| InCluster::of(ctx, what, source, place, &url)?.finding(expected, sub_path));
    if let Some((message, fix)) = finding {
        out.emit(message, location).with_fix(fix);
    }
}

/// Follows a form finding's suggested URL through the in-cluster judgement it meets next
/// (the Service, the namespace, the sub-path), so that what the help suggests and the fix
/// writes is a URL this check accepts: adding the `/` to a URL that names another release's
/// Grafana would write a line the next lint flags. The suggestion becomes the last one on
/// the way, the fix its fix at the lowest applicability met (none when a step has none).
fn follow(
    ctx: &CheckContext<'_>,
    what: &str,
    source: &Source<'_>,
    place: &GrafanaPlace,
    (expected, sub_path): (Option<&str>, Option<&str>),
    (mut message, mut fix): Finding,
) -> Finding {
    // each step fixes one thing; four cover every in-cluster judgement
    for _ in 0..4 {
        let Some(current) = message.suggested_mut().map(|s| s.clone()) else {
            break;
        };
        if fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::DisplayOnly)
        {
            break;
        }
        let url = parse_url(&current);
        let Some((mut next, next_fix)) =
            InCluster::of(ctx, what, source, place, &url).and_then(|c| c.finding(expected, sub_path))
        else {
            break;
        };
        let Some(suggested) = next
            .suggested_mut()
            .filter(|s| **s != current)
            .map(std::mem::take)
        else {
            break;
        };
        if let Some(slot) = message.suggested_mut() {
            *slot = suggested;
        }
        fix = match (fix, next_fix) {
            (Some(before), Some(mut after)) => {
                after.applicability = after.applicability.min(before.applicability);
                Some(after)
            }
            _ => None,
        };
    }
    (message, fix)
}

impl Message {
    /// The URL the finding suggests writing, when it suggests one, to read or replace.
    fn suggested_mut(&mut self) -> Option<&mut String> {
        match self {
            Message::NoScheme { suggested, .. }
            | Message::NoTrailingSlash { suggested, .. }
            | Message::WrongService { suggested, .. }
            | Message::BareHostOtherNamespace { suggested, .. }
            | Message::WrongNamespace { suggested, .. }
            | Message::SubPath { suggested, .. }
            | Message::BareHostAssumed { suggested, .. } => Some(suggested),
            Message::RootUrlLocalhost { .. } => None,
        }
    }
}

/// What is wrong with the form of the URL (`text`, parsed as `url`), if anything: no
/// scheme, a loopback host (which only Grafana's `root_url` reaches here), a path without a
/// trailing `/` (a provisioned URL only).
fn form_finding(
    ctx: &CheckContext<'_>,
    text: &str,
    what: &str,
    source: &Source<'_>,
    url: &UrlParts,
) -> Option<Finding> {
    let from_root = matches!(source, Source::RootUrl { .. });
    let what = what.to_owned();
    if url.scheme.is_none() {
        let suggested = format!("http://{text}");
        let fix = set_grafana_url(ctx, source, &suggested, Applicability::Unsafe);
        let message = Message::NoScheme {
            what,
            url: text.to_owned(),
            suggested,
        };
        return Some((message, fix));
    }
    if is_loopback(&url.host) {
        let message = Message::RootUrlLocalhost {
            what,
            url: text.to_owned(),
            host: url.host.clone(),
        };
        return Some((message, None));
    }
    let path_now = url_path(url);
    if !from_root && path_now != "/" && !path_now.ends_with('/') {
        let suggested = format!("{}/", text.trim_end());
        let fix = set_grafana_url(ctx, source, &suggested, Applicability::Safe);
        let message = Message::NoTrailingSlash {
            what,
            url: text.to_owned(),
            path: path_now,
            suggested,
        };
        return Some((message, fix));
    }
    None
}

/// Sets `jsonData.grafanaUrl` to `suggested` in the provisioned app the URL comes from;
/// Grafana's `root_url` gets no such fix.
fn set_grafana_url(
    ctx: &CheckContext<'_>,
    source: &Source<'_>,
    suggested: &str,
    applicability: Applicability,
) -> Option<Fix> {
    match source {
        Source::Provisioned(app) => fix::build::for_app(
            ctx.release,
            app,
            format!("set `jsonData.grafanaUrl` to {suggested}"),
            applicability,
            vec![Op::SetScalar {
                path: path(&["jsonData", "grafanaUrl"]),
                value: fix::ops::text(suggested),
            }],
        ),
        Source::RootUrl { .. } => None,
    }
}

/// A URL whose host is an in-cluster name (`<service>`, or `<service>.<namespace>.svc...`),
/// with what its findings need.
struct InCluster<'j, 'a> {
    /// The check's context.
    ctx: &'j CheckContext<'a>,
    /// Which URL is judged, as messages name it.
    what: &'j str,
    /// Where the URL comes from.
    source: &'j Source<'a>,
    /// Where Grafana runs.
    place: &'j GrafanaPlace,
    /// The host.
    host: &'j str,
    /// The host's labels.
    labels: Vec<&'j str>,
    /// The URL's scheme.
    scheme: String,
    /// `:<port>` when the URL writes a port, else empty.
    port: String,
    /// The URL's path.
    path: String,
    /// Grafana's namespace, when it runs in another one than the engine.
    grafana_ns: Option<String>,
}

impl<'j, 'a> InCluster<'j, 'a> {
    /// The URL (with a scheme) when its host is an in-cluster name; a public name (through
    /// an Ingress) or an IP address is the user's call.
    fn of(
        ctx: &'j CheckContext<'a>,
        what: &'j str,
        source: &'j Source<'a>,
        place: &'j GrafanaPlace,
        url: &'j UrlParts,
    ) -> Option<Self> {
        let scheme = url.scheme.clone()?;
        let labels: Vec<&str> = url.host.split('.').collect();
        let in_cluster = labels.len() == 1 || labels.get(2) == Some(&"svc");
        if !in_cluster {
            return None;
        }
        let port = url
            .port
            .as_deref()
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        let grafana_ns = match place {
            GrafanaPlace::Other { grafana, .. } => Some(grafana.clone()),
            _ => None,
        };
        Some(InCluster {
            ctx,
            what,
            source,
            place,
            host: &url.host,
            labels,
            scheme,
            port,
            path: url_path(url),
            grafana_ns,
        })
    }

    /// Whether the host is a bare Service name.
    fn bare(&self) -> bool {
        self.labels.len() == 1
    }

    /// The Service the host names.
    fn service(&self) -> &'j str {
        self.labels.first().copied().unwrap_or_default()
    }

    /// The namespace a suggested URL keeps: Grafana's for a bare host, else the one written.
    fn keep_ns(&self) -> Option<String> {
        if self.bare() {
            self.grafana_ns.clone()
        } else {
            self.labels.get(1).map(|s| (*s).to_owned())
        }
    }

    /// The URL in the user's own form, with the Service and namespace labels replaced.
    fn rebuild(&self, service: &str, namespace: Option<&str>, path: &str) -> String {
        let mut host: Vec<String> = self.labels.iter().map(|l| (*l).to_owned()).collect();
        if let Some(first) = host.first_mut() {
            *first = service.to_owned();
        }
        match (namespace, host.get_mut(1)) {
            (Some(ns), Some(label)) => *label = ns.to_owned(),
            (Some(ns), None) => host.extend([ns.to_owned(), "svc".to_owned()]),
            (None, _) => {}
        }
        format!("{}://{}{}{path}", self.scheme, host.join("."), self.port)
    }

    /// The first thing wrong with the host or the path, against the bundled Grafana's
    /// Service (`expected`, when its name is known) and the sub-path it serves under.
    fn finding(&self, expected: Option<&str>, sub_path: Option<&str>) -> Option<Finding> {
        if let Some(expected) = expected
            && self.service() != expected
        {
            return Some(self.wrong_service(expected));
        }
        self.bare_host_other_namespace()
            .or_else(|| self.wrong_namespace())
            .or_else(|| self.sub_path(sub_path))
            .or_else(|| self.bare_host_assumed())
    }

    /// A Service other than the bundled Grafana's (`expected`).
    fn wrong_service(&self, expected: &str) -> Finding {
        let service = self.service();
        let keep_ns = self.keep_ns();
        let suggested = self.rebuild(expected, keep_ns.as_deref(), &self.path);
        let fix = match self.source {
            Source::Provisioned(_) => {
                set_grafana_url(self.ctx, self.source, &suggested, Applicability::Unsafe)
            }
            // the host came from `server.domain`: point it at the Service
            Source::RootUrl {
                domain: Some(domain),
            } if self.bare() => {
                let host = match keep_ns.as_deref() {
                    Some(ns) => format!("{expected}.{ns}.svc"),
                    None => expected.to_owned(),
                };
                self.ctx.fix_at(
                    domain.site().map(|_| *domain),
                    format!("set `grafana.grafana.ini.server.domain` to {host}"),
                    Applicability::Unsafe,
                    vec![Op::SetScalar {
                        path: path(&["grafana", "grafana.ini", "server", "domain"]),
                        value: fix::ops::text(host),
                    }],
                )
            }
            Source::RootUrl { .. } => None,
        };
        let message = Message::WrongService {
            what: self.what.to_owned(),
            service: service.to_owned(),
            expected: expected.to_owned(),
            helm_testing: service == "helm-testing-grafana",
            suggested,
        };
        (message, fix)
    }

    /// A bare host while Grafana runs in another namespace than the engine.
    fn bare_host_other_namespace(&self) -> Option<Finding> {
        if self.bare()
            && let Some(gns) = &self.grafana_ns
            && let GrafanaPlace::Other { namespace, .. } = self.place
        {
            let suggested = self.rebuild(self.service(), Some(gns), &self.path);
            let fix = set_grafana_url(self.ctx, self.source, &suggested, Applicability::Unsafe);
            let message = Message::BareHostOtherNamespace {
                what: self.what.to_owned(),
                host: self.host.to_owned(),
                grafana_namespace: gns.clone(),
                namespace: namespace.clone(),
                suggested,
            };
            return Some((message, fix));
        }
        None
    }

    /// A namespace other than Grafana's.
    fn wrong_namespace(&self) -> Option<Finding> {
        if let Some(found) = self.labels.get(1).filter(|_| !self.bare())
            && let Some(gns) = self.grafana_ns.as_deref().or(match self.place {
                GrafanaPlace::Same => self.ctx.release.identity.namespace.as_deref(),
                _ => None,
            })
            && *found != gns
        {
            let suggested = self.rebuild(self.service(), Some(gns), &self.path);
            let fix = set_grafana_url(self.ctx, self.source, &suggested, Applicability::Unsafe);
            let message = Message::WrongNamespace {
                what: self.what.to_owned(),
                found_namespace: (*found).to_owned(),
                grafana_namespace: gns.to_owned(),
                suggested,
            };
            return Some((message, fix));
        }
        None
    }

    /// A path other than the sub-path the bundled Grafana serves under (`/` when it serves
    /// at the root).
    fn sub_path(&self, sub_path: Option<&str>) -> Option<Finding> {
        if !self.ctx.grafana().bundled() {
            return None;
        }
        let wanted = sub_path.unwrap_or("/");
        if self.path == wanted {
            return None;
        }
        let suggested = self.rebuild(self.service(), None, wanted);
        let fix = set_grafana_url(self.ctx, self.source, &suggested, Applicability::Unsafe);
        let message = Message::SubPath {
            what: self.what.to_owned(),
            path: self.path.clone(),
            wanted: wanted.to_owned(),
            sub_path_on: sub_path.is_some(),
            suggested,
        };
        Some((message, fix))
    }

    /// A bare host while where Grafana runs is not known.
    fn bare_host_assumed(&self) -> Option<Finding> {
        if self.bare()
            && let GrafanaPlace::Unknown(why) = self.place
        {
            let suggested = self.rebuild(self.service(), Some("<grafana-namespace>"), &self.path);
            let fix =
                set_grafana_url(self.ctx, self.source, &suggested, Applicability::DisplayOnly);
            let message = Message::BareHostAssumed {
                what: self.what.to_owned(),
                host: self.host.to_owned(),
                why: why.clone(),
                suggested,
            };
            return Some((message, fix));
        }
        None
    }
}
