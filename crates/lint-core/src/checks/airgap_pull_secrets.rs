//! OC044 airgap-pull-secrets: images pulled from a private registry need a pull secret in a
//! key the chart that renders the pod reads. Each chart reads its own: the oncall pods only
//! top-level `imagePullSecrets` (not `global.imagePullSecrets`), the grafana pod
//! `grafana.image.pullSecrets` or `global.imagePullSecrets` (not `grafana.imagePullSecrets`),
//! the bitnami subcharts `<chart>.image.pullSecrets` or `global.imagePullSecrets`.

use serde::Serialize;
use serde_json::json;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Location};
use crate::fix::Op;
use crate::model::images::{self, ImageRef, public_registry};
use crate::release::InputKind;
use crate::values::{Origin, Value};

/// Registries whose credentials usually come from the node's cloud identity (EKS, AKS,
/// GKE), not from a pull secret.
const NODE_IDENTITY: [&str; 4] = [".amazonaws.com", ".azurecr.io", ".pkg.dev", "gcr.io"];

/// Whether pulling from `host` needs credentials a pull secret would give.
pub(crate) fn needs_pull_secret(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    !public_registry(&host) && !NODE_IDENTITY.iter().any(|s| host.ends_with(s))
}

/// An image some pod pulls: the value that names it, its key, where it is, its reference.
struct Pulled<'a> {
    value: &'a Value,
    key: String,
    location: Location,
    image: ImageRef,
}

/// The first private image a user wrote among `images`.
fn first_private<'a>(images: Vec<Pulled<'a>>) -> Option<Pulled<'a>> {
    images
        .into_iter()
        .find(|p| p.value.site().is_some() && needs_pull_secret(&p.image.registry))
}

/// Whether a list of pull secrets names at least one.
fn non_empty(ctx: &CheckContext<'_>, keys: &[&str]) -> bool {
    ctx.release.get(keys).is_some_and(Value::is_truthy)
}

/// What OC044 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The oncall pods pull from a private registry without `imagePullSecrets`.
    Oncall {
        /// The key that names the image.
        key: String,
        /// The private registry.
        registry: String,
        /// `global.imagePullSecrets` is set, which the oncall chart does not read.
        global: bool,
    },
    /// The Grafana pod pulls from a private registry without a pull secret it reads.
    Grafana {
        /// The key that names the image.
        key: String,
        /// The private registry.
        registry: String,
        /// `grafana.imagePullSecrets` is set, which the grafana chart does not read.
        ignored: bool,
    },
    /// Bitnami subcharts pull from a private registry without a pull secret.
    Bitnami {
        /// The key that moves them to the registry.
        key: String,
        /// The private registry.
        registry: String,
        /// The subcharts, as `` `mariadb`, `redis` ``.
        charts: String,
        /// More than one subchart.
        many: bool,
        /// Their pull secret keys, as `` `mariadb.image.pullSecrets` ``.
        secrets: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.air_gapped || ctx.release.kind != InputKind::OncallValues {
        return;
    }
    oncall_pods(ctx, out);
    if ctx.grafana().bundled() {
        grafana_pod(ctx, out);
    }
    // one finding per key that moves subcharts to a private registry
    let mut groups: Vec<(Vec<&str>, &Value, String, Vec<&str>)> = Vec::new();
    for chart in ["mariadb", "postgresql", "rabbitmq", "redis"] {
        if let Some((keys, value, registry)) = bitnami(ctx, chart) {
            match groups.iter_mut().find(|g| g.0 == keys) {
                Some(group) => group.3.push(chart),
                None => groups.push((keys, value, registry, vec![chart])),
            }
        }
    }
    for (keys, value, registry, charts) in groups {
        let location = ctx.release.locate(value, &keys, false);
        let names: Vec<String> = charts.iter().map(|c| format!("`{c}`")).collect();
        let secrets: Vec<String> = charts
            .iter()
            .map(|c| format!("`{c}.image.pullSecrets`"))
            .collect();
        out.emit(
            Message::Bitnami {
                key: keys.join("."),
                registry,
                charts: names.join(", "),
                many: charts.len() > 1,
                secrets: secrets.join(", "),
            },
            location,
        );
    }
}

fn string_at<'a>(ctx: &CheckContext<'a>, keys: &[&str]) -> Option<(&'a Value, String)> {
    let value = ctx.release.get(keys)?;
    let text = value.scalar_string().filter(|s| !s.trim().is_empty())?;
    Some((value, text))
}

fn pulled<'a>(
    ctx: &CheckContext<'a>,
    value: &'a Value,
    keys: &[&str],
    reference: &str,
) -> Pulled<'a> {
    Pulled {
        value,
        key: keys.join("."),
        location: ctx.release.locate(value, keys, false),
        image: ImageRef::parse(reference),
    }
}

/// Engine, celery, migrations (and the UI when enabled): `image.repository`, read with
/// top-level `imagePullSecrets` only.
fn oncall_pods(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let mut images = Vec::new();
    if let Some((value, text)) = string_at(ctx, &["image", "repository"]) {
        images.push(pulled(ctx, value, &["image", "repository"], &text));
    }
    if release
        .get(&["ui", "enabled"])
        .is_some_and(Value::is_truthy)
        && let Some((value, text)) = string_at(ctx, &["ui", "image", "repository"])
    {
        images.push(pulled(ctx, value, &["ui", "image", "repository"], &text));
    }
    let Some(private) = first_private(images) else {
        return;
    };
    if non_empty(ctx, &["imagePullSecrets"]) {
        return;
    }
    let global = release
        .get(&["global", "imagePullSecrets"])
        .filter(|v| v.is_truthy());
    let location = private.location.clone();
    let diagnostic = out.emit(
        Message::Oncall {
            key: private.key,
            registry: private.image.registry,
            global: global.is_some(),
        },
        location,
    );
    if let Some(global) = global {
        diagnostic.with_related(
            release.locate(global, &["global", "imagePullSecrets"], true),
            "the oncall chart's templates do not read this",
        );
        // the same secrets, in the oncall chart's `[{name: ...}]` form
        let names: Vec<serde_json::Value> = global
            .as_seq()
            .unwrap_or_default()
            .iter()
            .filter_map(|s| {
                s.as_str()
                    .map(str::to_owned)
                    .or_else(|| s.get(&["name"]).and_then(Value::scalar_string))
            })
            .map(|name| json!({ "name": name }))
            .collect();
        if !names.is_empty() {
            let origin = Origin::Fix;
            let fix = ctx.fix_at(
                Some(global),
                "set `imagePullSecrets` to the secrets of `global.imagePullSecrets`",
                Applicability::Unsafe,
                vec![Op::Replace {
                    path: path(&["imagePullSecrets"]),
                    value: Value::from_json(&serde_json::Value::Array(names), &origin),
                }],
            );
            diagnostic.with_fix(fix);
        }
    }
}

/// The grafana pod: Grafana, its init containers and sidecars, read with
/// `grafana.image.pullSecrets` and `global.imagePullSecrets`.
fn grafana_pod(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let private = first_private(grafana_pod_images(ctx)).or_else(|| private_init_image(ctx));
    let Some(private) = private else {
        return;
    };
    if non_empty(ctx, &["grafana", "image", "pullSecrets"])
        || non_empty(ctx, &["grafana", "global", "imagePullSecrets"])
        || non_empty(ctx, &["global", "imagePullSecrets"])
    {
        return;
    }
    let ignored_key = ["grafana", "imagePullSecrets"];
    let ignored = release.get(&ignored_key).filter(|v| v.is_truthy());
    let diagnostic = out.emit(
        Message::Grafana {
            key: private.key,
            registry: private.image.registry,
            ignored: ignored.is_some(),
        },
        private.location,
    );
    if let Some(ignored) = ignored {
        diagnostic.with_related(
            release.locate(ignored, &ignored_key, true),
            format!(
                "the grafana chart does not read `{}`",
                ctx.grafana().key_name("imagePullSecrets")
            ),
        );
        // the same list where the chart reads it (the ignored key is OC090's finding)
        let fix = ctx.fix_at(
            Some(ignored),
            format!(
                "set `{}` to the list of `{}`",
                ctx.grafana().key_name("image.pullSecrets"),
                ctx.grafana().key_name("imagePullSecrets")
            ),
            Applicability::Unsafe,
            vec![Op::Replace {
                path: path(&["grafana", "image", "pullSecrets"]),
                value: ignored.clone(),
            }],
        );
        diagnostic.with_fix(fix);
    }
}

/// The images of the grafana chart's own containers that run: Grafana, the `initChownData`
/// init container, the sidecars, the dashboards download.
fn grafana_pod_images<'a>(ctx: &CheckContext<'a>) -> Vec<Pulled<'a>> {
    let release = ctx.release;
    let mut images: Vec<Pulled<'a>> = grafana_image(
        ctx,
        &["grafana", "image", "repository"],
        &["grafana", "image", "registry"],
    )
    .into_iter()
    .collect();
    let on = |keys: &[&str]| release.get(keys).is_some_and(Value::is_truthy);
    if on(&["grafana", "persistence", "enabled"]) && on(&["grafana", "initChownData", "enabled"]) {
        images.extend(grafana_image(
            ctx,
            &["grafana", "initChownData", "image", "repository"],
            &["grafana", "initChownData", "image", "registry"],
        ));
    }
    let sidecars = [
        "alerts",
        "dashboards",
        "datasources",
        "notifiers",
        "plugins",
    ];
    if sidecars
        .iter()
        .any(|s| on(&["grafana", "sidecar", s, "enabled"]))
    {
        images.extend(grafana_image(
            ctx,
            &["grafana", "sidecar", "image", "repository"],
            &["grafana", "sidecar", "image", "registry"],
        ));
    }
    if on(&["grafana", "dashboards"]) {
        images.extend(grafana_image(
            ctx,
            &["grafana", "downloadDashboardsImage", "repository"],
            &["grafana", "downloadDashboardsImage", "registry"],
        ));
    }
    images
}

/// An image of the grafana chart named by its `repo` and `registry` keys, when its
/// repository is set: pointed at the repository a user wrote, else at the registry a user
/// wrote (the global one wins in the grafana chart 8.x).
fn grafana_image<'a>(ctx: &CheckContext<'a>, repo: &[&str], registry: &[&str]) -> Option<Pulled<'a>> {
    let release = ctx.release;
    let (value, text) = string_at(ctx, repo)?;
    let reference = images::joined(ctx.release, registry, &text);
    // the registry a user wrote (the global one wins in the grafana chart 8.x)
    let global = ["global", "imageRegistry"];
    let registry_value = if ctx.release.grafana_chart().starts_with("6.") {
        None
    } else {
        release
            .get(&global)
            .filter(|v| v.is_truthy())
            .map(|v| (v, &global[..]))
            .or_else(|| release.get(registry).map(|v| (v, registry)))
            .filter(|(v, _)| v.site().is_some())
    };
    let (value, keys) = match registry_value {
        Some((r, keys)) if value.site().is_none() => (r, keys),
        _ => (value, repo),
    };
    Some(pulled(ctx, value, keys, &reference))
}

/// The first `grafana.extraInitContainers` image a user wrote from a private registry.
fn private_init_image<'a>(ctx: &CheckContext<'a>) -> Option<Pulled<'a>> {
    let release = ctx.release;
    let init_key = ["grafana", "extraInitContainers"];
    let init = release
        .get(&init_key)
        .and_then(Value::as_seq)
        .unwrap_or_default();
    let (index, image, text) = init
        .iter()
        .enumerate()
        .filter_map(|(index, container)| {
            let image = container.get(&["image"])?;
            Some((index, image, image.as_str()?))
        })
        .find(|(_, v, t)| v.site().is_some() && needs_pull_secret(&ImageRef::parse(t).registry))?;
    let site = image.site()?;
    let key_path = release.key_path(&init_key).index(index).key("image");
    Some(Pulled {
        value: image,
        key: key_path.to_string(),
        location: release.site_location(site, key_path, false),
        image: ImageRef::parse(text),
    })
}

/// A bitnami subchart (when enabled) moved to a private registry by `global.imageRegistry`
/// or `<chart>.image.registry`, with neither `<chart>.image.pullSecrets` nor
/// `global.imagePullSecrets`: the registry's value, key and text.
fn bitnami<'a>(
    ctx: &CheckContext<'a>,
    chart: &'a str,
) -> Option<(Vec<&'a str>, &'a Value, String)> {
    let release = ctx.release;
    if !release
        .get(&[chart, "enabled"])
        .is_some_and(Value::is_truthy)
    {
        return None;
    }
    let candidates = [
        vec!["global", "imageRegistry"],
        vec![chart, "image", "registry"],
    ];
    let (value, keys) = candidates.into_iter().find_map(|keys| {
        release
            .get(&keys)
            .filter(|v| v.is_truthy() && v.site().is_some())
            .map(|v| (v, keys))
    })?;
    let registry = value.scalar_string().unwrap_or_default().trim().to_owned();
    if !needs_pull_secret(&registry)
        || non_empty(ctx, &[chart, "image", "pullSecrets"])
        || non_empty(ctx, &["global", "imagePullSecrets"])
    {
        return None;
    }
    Some((keys, value, registry))
}
