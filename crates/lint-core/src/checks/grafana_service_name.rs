//! OC007 grafana-service-name: with the bundled Grafana on, the oncall chart reaches it at a
//! hardcoded `http://<release>-grafana` (port 80, no namespace): the engine's
//! `GRAFANA_API_URL` and the chart Ingress's `/grafana` path. Overrides that make the grafana
//! chart name its Service otherwise, expose it on another port, or run it in another
//! namespace leave those pointing at nothing.
//!
//! The grafana chart names its Service `grafana.fullname`: `fullnameOverride`, else the
//! release name when it contains the chart name (`grafana`, or `nameOverride`), else
//! `<release>-<name>`; so a release name containing `grafana` breaks it too.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::Op;
use crate::model::engine;
use crate::model::names::fullname as helm_fullname;
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// The env variable the chart sets from `oncall.grafana.fullname`.
const API_URL_ENV: &str = "GRAFANA_API_URL";

fn user_text<'a>(ctx: &'a CheckContext<'_>, keys: &[&str]) -> Option<(String, &'a Value)> {
    let value = ctx.release.get(keys)?;
    value.site()?;
    let text = value.scalar_string()?;
    (!text.trim().is_empty()).then(|| (text.trim().to_owned(), value))
}

/// What OC007 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `fullnameOverride` renames the Service.
    FullnameOverride {
        /// The Service's name.
        service: String,
        /// What still uses the hardcoded name.
        uses: String,
        /// The name the oncall chart uses.
        assumed: String,
        /// Whether the engine's `GRAFANA_API_URL` is set in `env`.
        env_set: bool,
    },
    /// `nameOverride` renames the Service.
    NameOverride {
        /// The `nameOverride` written.
        name: String,
        /// The Service's name.
        service: String,
        /// What still uses the hardcoded name.
        uses: String,
        /// The name the oncall chart uses.
        assumed: String,
        /// Whether the engine's `GRAFANA_API_URL` is set in `env`.
        env_set: bool,
    },
    /// A release name containing `grafana` renames the Service.
    ReleaseName {
        /// The release name.
        release: String,
        /// The Service's name.
        service: String,
        /// What still uses the hardcoded name.
        uses: String,
        /// The name the oncall chart uses.
        assumed: String,
    },
    /// `service.port` is not 80.
    ServicePort {
        /// The port written.
        port: i64,
        /// What still uses the hardcoded name.
        uses: String,
        /// Whether the engine's `GRAFANA_API_URL` is set in `env`.
        env_set: bool,
        /// The name the oncall chart uses.
        assumed: String,
    },
    /// `namespaceOverride` moves the Service to another namespace.
    NamespaceOverride {
        /// The namespace Grafana runs in.
        grafana_namespace: String,
        /// What still uses the hardcoded name.
        uses: String,
        /// The name the oncall chart uses.
        assumed: String,
        /// OnCall's namespace (empty when not given).
        namespace: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues || !ctx.grafana().deployed() {
        return;
    }
    let env_override = engine::env(ctx.release, API_URL_ENV).is_some_and(|(v, _)| v.is_truthy());
    let ingress = ctx
        .release
        .get(&["ingress", "enabled"])
        .is_some_and(Value::is_truthy);
    // what still uses the hardcoded name
    let uses = match (env_override, ingress) {
        (true, false) => return,
        (true, true) => "the chart Ingress's `/grafana` path",
        (false, true) => "the engine's `GRAFANA_API_URL` and the chart Ingress's `/grafana` path",
        (false, false) => "the engine's `GRAFANA_API_URL`",
    };
    let hardcoded = Hardcoded {
        ctx,
        uses,
        assumed: assumed_name(ctx.release.identity.name.as_deref()),
        env_set: env_override,
    };
    hardcoded.service_name(out);
    hardcoded.service_port(out);
    hardcoded.service_namespace(out);
}

/// The name the oncall chart gives the Grafana Service: `<release>-grafana`, cut to 63
/// characters.
fn assumed_name(release_name: Option<&str>) -> String {
    match release_name {
        Some(name) => {
            let full = format!("{name}-grafana");
            let cut: String = full.chars().take(63).collect();
            cut.trim_end_matches('-').to_owned()
        }
        None => "<release>-grafana".to_owned(),
    }
}

/// What the oncall chart hardcodes about the Grafana Service, which each override is
/// judged against.
struct Hardcoded<'c, 'a> {
    /// The check's context.
    ctx: &'c CheckContext<'a>,
    /// What still uses the hardcoded name.
    uses: &'static str,
    /// The name the oncall chart uses.
    assumed: String,
    /// Whether the engine's `GRAFANA_API_URL` is set in `env`.
    env_set: bool,
}

impl Hardcoded<'_, '_> {
    /// The Service's name: `fullnameOverride`, else `nameOverride`, else a release name
    /// containing `grafana`.
    fn service_name(&self, out: &mut Emitter<'_, Message>) {
        let (ctx, assumed) = (self.ctx, &self.assumed);
        let release = ctx.release;
        let release_name = release.identity.name.as_deref();
        let full_keys = ["grafana", "fullnameOverride"];
        let name_keys = ["grafana", "nameOverride"];
        if let Some((full, value)) = user_text(ctx, &full_keys) {
            let service = helm_fullname("", "grafana", Some(&full));
            if release_name.is_none() || service != *assumed {
                let fix = self.remove(&full_keys, value, &format!("{}fullnameOverride", out.grafana_prefix()));
                out.emit(
                    Message::FullnameOverride {
                        service,
                        uses: self.uses.to_owned(),
                        assumed: assumed.clone(),
                        env_set: self.env_set,
                    },
                    release.locate(value, &full_keys, false),
                )
                .with_fix(fix);
            }
        } else if let Some((name, value)) = user_text(ctx, &name_keys) {
            let service = match release_name {
                Some(r) => helm_fullname(r, &name, None),
                None if name == "grafana" => assumed.clone(),
                None => format!("<release>-{name}"),
            };
            if service != *assumed {
                let fix = self.remove(&name_keys, value, &format!("{}nameOverride", out.grafana_prefix()));
                out.emit(
                    Message::NameOverride {
                        name,
                        service,
                        uses: self.uses.to_owned(),
                        assumed: assumed.clone(),
                        env_set: self.env_set,
                    },
                    release.locate(value, &name_keys, false),
                )
                .with_fix(fix);
            }
        } else if let Some(name) = release_name
            && name.contains("grafana")
        {
            out.emit(
                Message::ReleaseName {
                    release: name.to_owned(),
                    service: helm_fullname(name, "grafana", None),
                    uses: self.uses.to_owned(),
                    assumed: assumed.clone(),
                },
                release.blame(&["grafana"]),
            );
        }
    }

    /// The Service's port, when a user wrote one other than 80.
    fn service_port(&self, out: &mut Emitter<'_, Message>) {
        let release = self.ctx.release;
        let port_keys = ["grafana", "service", "port"];
        let Some(value) = release.get(&port_keys).filter(|v| v.site().is_some()) else {
            return;
        };
        let port = match &value.kind {
            Kind::Int(p) => Some(*p),
            Kind::Str(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        if let Some(port) = port
            && port != 80
        {
            let fix = self.remove(&port_keys, value, &format!("{}service.port", out.grafana_prefix()));
            out.emit(
                Message::ServicePort {
                    port,
                    uses: self.uses.to_owned(),
                    env_set: self.env_set,
                    assumed: self.assumed.clone(),
                },
                release.locate(value, &port_keys, false),
            )
            .with_fix(fix);
        }
    }

    /// The Service's namespace, when `namespaceOverride` moves it out of OnCall's.
    fn service_namespace(&self, out: &mut Emitter<'_, Message>) {
        let ctx = self.ctx;
        let ns_keys = ["grafana", "namespaceOverride"];
        if let Some((ns, value)) = user_text(ctx, &ns_keys)
            && ctx.release.identity.namespace.as_deref() != Some(ns.as_str())
        {
            let fix = self.remove(&ns_keys, value, &format!("{}namespaceOverride", out.grafana_prefix()));
            out.emit(
                Message::NamespaceOverride {
                    grafana_namespace: ns,
                    uses: self.uses.to_owned(),
                    assumed: self.assumed.clone(),
                    namespace: ctx.release.identity.namespace.clone().unwrap_or_default(),
                },
                ctx.release.locate(value, &ns_keys, false),
            )
            .with_fix(fix);
        }
    }

    /// Removes the override at `keys` (named `what`), whose value is `value`.
    fn remove(&self, keys: &[&str], value: &Value, what: &str) -> Option<Fix> {
        self.ctx.fix_at(
            Some(value),
            format!("remove `{what}`"),
            Applicability::Unsafe,
            vec![Op::Remove { path: path(keys) }],
        )
    }
}
