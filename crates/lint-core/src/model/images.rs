//! The images a release pulls, as the charts render their references: the oncall chart's
//! own, the bundled Grafana's (and the containers of its pod), and the bundled subcharts'.
//! The air-gapped rules and `render airgap` read this one catalogue.

use std::collections::BTreeMap;

use super::grafana::Grafana;
use crate::release::Release;
use crate::values::Value;

/// Registries anyone can pull from without credentials (and that an air-gapped cluster
/// cannot reach).
const PUBLIC_REGISTRIES: [&str; 11] = [
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "quay.io",
    "ghcr.io",
    "gcr.io",
    "k8s.gcr.io",
    "registry.k8s.io",
    "public.ecr.aws",
    "mcr.microsoft.com",
    "registry.gitlab.com",
];

/// A container image reference split the way a container runtime reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// Registry host (`docker.io` when the reference names none).
    pub registry: String,
    /// Path after the registry (`grafana/grafana`, `library/busybox`).
    pub path: String,
}

impl ImageRef {
    /// Parses `[registry/]path[:tag][@digest]`.
    pub(crate) fn parse(reference: &str) -> ImageRef {
        let reference = reference.trim().trim_start_matches('/');
        let name = reference.split('@').next().unwrap_or_default();
        // a tag is a `:` after the last `/`
        let name = match (name.rfind(':'), name.rfind('/')) {
            (Some(colon), Some(slash)) if colon > slash => &name[..colon],
            (Some(colon), None) => &name[..colon],
            _ => name,
        };
        match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                ImageRef {
                    registry: first.to_ascii_lowercase(),
                    path: rest.to_owned(),
                }
            }
            _ => ImageRef {
                registry: "docker.io".into(),
                path: if name.contains('/') {
                    name.to_owned()
                } else {
                    format!("library/{name}")
                },
            },
        }
    }

    /// Whether the registry is a public one.
    pub(crate) fn public(&self) -> bool {
        public_registry(&self.registry)
    }
}

/// Whether a registry host is a public registry.
pub(crate) fn public_registry(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    PUBLIC_REGISTRIES.contains(&host.as_str())
}

/// `registry/repository` as the grafana chart 8.x joins them (the global registry wins);
/// the repository alone under grafana chart 6.x.
pub(crate) fn joined(release: &Release, registry_key: &[&str], repository: &str) -> String {
    if release.chart.grafana_chart.starts_with("6.") {
        return repository.to_owned();
    }
    let registry = release
        .get(&["grafana", "global", "imageRegistry"])
        .or_else(|| release.get(&["global", "imageRegistry"]))
        .filter(|v| v.is_truthy())
        .or_else(|| release.get(registry_key))
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let registry = registry.trim().trim_end_matches('/');
    if registry.is_empty() {
        repository.to_owned()
    } else {
        format!("{registry}/{}", repository.trim_start_matches('/'))
    }
}

/// Repositories of the stock Grafana images (after the registry).
const STOCK_GRAFANA: [&str; 3] = [
    "grafana/grafana",
    "grafana/grafana-oss",
    "grafana/grafana-enterprise",
];

/// Grafana's image as the grafana chart renders it (see [`joined`]).
pub(crate) fn grafana(release: &Release) -> Option<ImageRef> {
    let repository = release
        .get(&["grafana", "image", "repository"])
        .and_then(Value::scalar_string)
        .filter(|r| !r.trim().is_empty())?;
    Some(ImageRef::parse(&joined(
        release,
        &["grafana", "image", "registry"],
        &repository,
    )))
}

/// Whether Grafana runs a stock Grafana image (repository `grafana/grafana` or its
/// -oss/-enterprise variants, a version tag or none, no digest).
pub(crate) fn stock_grafana(release: &Release) -> bool {
    let Some(image) = grafana(release) else {
        return false;
    };
    if !STOCK_GRAFANA.contains(&image.path.as_str()) {
        return false;
    }
    let text = |keys: &[&str]| {
        release
            .get(keys)
            .and_then(Value::scalar_string)
            .unwrap_or_default()
    };
    text(&["grafana", "image", "sha"]).trim().is_empty()
        && stock_tag(&text(&["grafana", "image", "tag"]))
}

/// A tag Grafana publishes: a version, optionally `-ubuntu` (or empty: the chart's).
fn stock_tag(tag: &str) -> bool {
    let tag = tag.trim();
    let tag = tag.strip_suffix("-ubuntu").unwrap_or(tag);
    let version = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
    tag.is_empty()
        || (version.split('.').count() >= 2
            && version
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())))
}

/// An image the release deploys.
pub(crate) struct Image<'a> {
    /// What runs it (`the oncall engine`, `the mariadb subchart`).
    pub component: &'static str,
    /// The reference as the chart renders it (or the chart default, for subcharts).
    pub reference: String,
    /// The key to set, chart-relative.
    pub key: Vec<&'static str>,
    /// Whether `key` holds a registry host (else a whole repository).
    pub registry_key: bool,
    /// The repository after the registry, to build the suggested value.
    pub rest: String,
    /// The value the user wrote that decides it, if any.
    pub value: Option<&'a Value>,
    /// A registry host written into the repository, which the chart prefixes with its
    /// registry key anyway (`docker.io/harbor.corp/grafana/grafana`).
    pub doubled: Option<String>,
    /// Whether the user moved this public image to another registry (a mirror): what tells
    /// the values rewrite registries, unlike an image only their own registry has.
    pub mirror: bool,
}

fn text(release: &Release, keys: &[&str]) -> Option<String> {
    release
        .get(keys)
        .and_then(Value::scalar_string)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn on(release: &Release, keys: &[&str], default: bool) -> bool {
    release.get(keys).map_or(default, |v| v.is_truthy())
}

/// The user-set value among `keys`, first match.
fn user<'a>(release: &'a Release, keys: &[&[&str]]) -> Option<&'a Value> {
    keys.iter()
        .filter_map(|k| release.get(k))
        .find(|v| v.site().is_some() && v.is_truthy())
}

/// Every image the release deploys, as far as the values say.
pub(crate) fn deployed(release: &Release) -> Vec<Image<'_>> {
    let mut out = Vec::new();
    oncall_images(release, &mut out);
    if Grafana::of(release).bundled() {
        grafana_images(release, &mut out);
    }
    subchart_images(release, &mut out);
    if on(release, &["cert-manager", "enabled"], false) {
        cert_manager_images(release, &mut out);
    }
    if on(release, &["ingress-nginx", "enabled"], false) {
        ingress_nginx_images(release, &mut out);
    }
    out
}

/// The oncall chart's own pods: the engine (with celery and the migration) and, when
/// enabled, the UI. The chart has no registry key: the repository holds it.
fn oncall_images<'a>(release: &'a Release, out: &mut Vec<Image<'a>>) {
    if let Some(repo) = text(release, &["image", "repository"]) {
        let mirror = release
            .get(&["image", "repository"])
            .is_some_and(|v| v.site().is_some())
            && ImageRef::parse(&repo).path == "grafana/oncall";
        out.push(Image {
            component: "the oncall engine, celery and migration pods",
            rest: ImageRef::parse(&repo).path,
            reference: repo,
            key: vec!["image", "repository"],
            registry_key: false,
            mirror,
            value: release.get(&["image", "repository"]),
            doubled: None,
        });
    }
    if on(release, &["ui", "enabled"], false)
        && let Some(repo) = text(release, &["ui", "image", "repository"])
    {
        out.push(Image {
            component: "the oncall UI pod",
            rest: ImageRef::parse(&repo).path,
            reference: repo,
            key: vec!["ui", "image", "repository"],
            registry_key: false,
            value: release.get(&["ui", "image", "repository"]),
            doubled: None,
            mirror: false,
        });
    }
}

/// The enabled bitnami subcharts' images (mariadb, postgresql, rabbitmq, redis), by
/// their registry key (`global.imageRegistry` first).
fn subchart_images<'a>(release: &'a Release, out: &mut Vec<Image<'a>>) {
    for (chart, component) in [
        ("mariadb", "the mariadb subchart"),
        ("postgresql", "the postgresql subchart"),
        ("rabbitmq", "the rabbitmq subchart"),
        ("redis", "the redis subchart"),
    ] {
        if !on(release, &[chart, "enabled"], false) {
            continue;
        }
        let value = user(
            release,
            &[&["global", "imageRegistry"], &[chart, "image", "registry"]],
        );
        let registry = value
            .and_then(Value::scalar_string)
            .unwrap_or_else(|| "docker.io".into());
        let repo = text(release, &[chart, "image", "repository"])
            .unwrap_or_else(|| format!("bitnami/{chart}"));
        out.push(Image {
            component,
            reference: format!("{}/{repo}", registry.trim()),
            key: vec![chart, "image", "registry"],
            registry_key: true,
            rest: repo,
            mirror: value.is_some(),
            value,
            doubled: None,
        });
    }
}

/// The cert-manager subchart's images: the controller and, each unless disabled, the
/// webhook, the cainjector and the startup check.
fn cert_manager_images<'a>(release: &'a Release, out: &mut Vec<Image<'a>>) {
    for (prefix, name, component) in [
        (None, "cert-manager-controller", "cert-manager"),
        (
            Some("webhook"),
            "cert-manager-webhook",
            "the cert-manager webhook",
        ),
        (
            Some("cainjector"),
            "cert-manager-cainjector",
            "the cert-manager cainjector",
        ),
        (
            Some("startupapicheck"),
            "cert-manager-ctl",
            "the cert-manager startup check",
        ),
    ] {
        if let Some(p) = prefix
            && !on(release, &["cert-manager", p, "enabled"], true)
        {
            continue;
        }
        out.push(cert_manager_image(release, prefix, name, component));
    }
}

/// One cert-manager image, keyed by its repository (`cert-manager.<prefix>.image.repository`),
/// with the registry key prefixed when set.
fn cert_manager_image<'a>(
    release: &'a Release,
    prefix: Option<&'static str>,
    name: &str,
    component: &'static str,
) -> Image<'a> {
    let base: Vec<&'static str> = prefix.into_iter().chain(["image"]).collect();
    let mut repo_key = vec!["cert-manager"];
    repo_key.extend(&base);
    repo_key.push("repository");
    let value = release.get(&repo_key).filter(|v| v.site().is_some());
    let repo = value
        .and_then(Value::scalar_string)
        .unwrap_or_else(|| format!("quay.io/jetstack/{name}"));
    let mut registry_path = repo_key.clone();
    registry_path.pop();
    registry_path.push("registry");
    let reference = match text(release, &registry_path) {
        Some(registry) => format!("{registry}/{repo}"),
        None => repo.clone(),
    };
    Image {
        component,
        rest: format!("jetstack/{name}"),
        reference,
        key: repo_key,
        registry_key: false,
        mirror: value.is_some() && repo.ends_with(&format!("jetstack/{name}")),
        value,
        doubled: None,
    }
}

/// The ingress-nginx subchart's images: the controller and, when the admission webhooks
/// and their patch job are on, the certificate generator.
fn ingress_nginx_images<'a>(release: &'a Release, out: &mut Vec<Image<'a>>) {
    let mut controller_key = vec!["ingress-nginx"];
    controller_key.extend(["controller", "image", "registry"]);
    let value = user(
        release,
        &[
            &controller_key,
            &["ingress-nginx", "global", "image", "registry"],
        ],
    );
    out.push(ingress_nginx_image(
        controller_key,
        value,
        "ingress-nginx/controller",
        "the ingress-nginx controller",
    ));
    if on(
        release,
        &[
            "ingress-nginx",
            "controller",
            "admissionWebhooks",
            "enabled",
        ],
        true,
    ) && on(
        release,
        &[
            "ingress-nginx",
            "controller",
            "admissionWebhooks",
            "patch",
            "enabled",
        ],
        true,
    ) {
        let mut webhook_key = vec!["ingress-nginx", "controller", "admissionWebhooks"];
        webhook_key.extend(["patch", "image", "registry"]);
        let value = user(release, &[&webhook_key]);
        out.push(ingress_nginx_image(
            webhook_key,
            value,
            "ingress-nginx/kube-webhook-certgen",
            "the ingress-nginx admission webhook job",
        ));
    }
}

/// An ingress-nginx image under its registry key, from the user's registry `value`
/// (`k8s.gcr.io` when none).
fn ingress_nginx_image<'a>(
    registry_key: Vec<&'static str>,
    value: Option<&'a Value>,
    image: &str,
    component: &'static str,
) -> Image<'a> {
    let registry = value
        .and_then(Value::scalar_string)
        .unwrap_or_else(|| "k8s.gcr.io".into());
    Image {
        component,
        reference: format!("{}/{image}", registry.trim()),
        key: registry_key,
        registry_key: true,
        rest: image.to_owned(),
        mirror: value.is_some(),
        value,
        doubled: None,
    }
}

/// The grafana pod's images: Grafana, `initChownData`, the sidecar, the dashboards
/// downloader, the image renderer, and `extraInitContainers`.
fn grafana_images<'a>(release: &'a Release, out: &mut Vec<Image<'a>>) {
    let six = release.chart.grafana_chart.starts_with("6.");
    for (component, base, deployed) in grafana_parts(release) {
        if !deployed {
            continue;
        }
        let base: Vec<&'static str> = base.into_iter().filter(|k| !k.is_empty()).collect();
        let mut repo_key = base.clone();
        repo_key.push("repository");
        let mut registry_key = base.clone();
        registry_key.push("registry");
        let Some(repo) = text(release, &repo_key) else {
            continue;
        };
        let reference = joined(release, &registry_key, &repo);
        let parsed = ImageRef::parse(&reference);
        // the chart's own image, moved: not a custom image only the user's registry has
        let default_path = release
            .chart
            .defaults()
            .get(&repo_key)
            .and_then(Value::scalar_string)
            .map(|r| ImageRef::parse(&r).path);
        let repo_written = release.get(&repo_key).is_some_and(|v| v.site().is_some());
        let stock = !repo_written || default_path.as_deref() == Some(parsed.path.as_str());
        if six {
            out.push(Image {
                component,
                rest: parsed.path,
                reference,
                value: release.get(&repo_key).filter(|v| v.site().is_some()),
                key: repo_key,
                registry_key: false,
                doubled: None,
                mirror: repo_written && stock,
            });
        } else {
            let value = user(
                release,
                &[&["global", "imageRegistry"], &registry_key, &repo_key],
            );
            let doubled = doubled_registry(&repo, &reference);
            let rest = match &doubled {
                Some(host) => repo[host.len()..].trim_start_matches('/').to_owned(),
                None => repo,
            };
            out.push(Image {
                component,
                rest,
                reference,
                value,
                key: registry_key,
                registry_key: true,
                mirror: value.is_some() && stock && doubled.is_none(),
                doubled,
            });
        }
    }
}

/// The grafana pod's containers: what runs each, the chart key of its image (`""` pads
/// the shorter ones) and whether the values deploy it.
fn grafana_parts(release: &Release) -> [(&'static str, [&'static str; 3], bool); 5] {
    [
        ("the bundled Grafana", ["grafana", "image", ""], true),
        (
            "the Grafana init container `init-chown-data`",
            ["grafana", "initChownData", "image"],
            on(release, &["grafana", "persistence", "enabled"], false)
                && on(release, &["grafana", "initChownData", "enabled"], false),
        ),
        (
            "the Grafana sidecar",
            ["grafana", "sidecar", "image"],
            [
                "alerts",
                "dashboards",
                "datasources",
                "notifiers",
                "plugins",
            ]
            .iter()
            .any(|s| on(release, &["grafana", "sidecar", s, "enabled"], false)),
        ),
        (
            "the Grafana dashboards downloader",
            ["grafana", "downloadDashboardsImage", ""],
            on(release, &["grafana", "dashboards"], false),
        ),
        (
            "the Grafana image renderer",
            ["grafana", "imageRenderer", "image"],
            on(release, &["grafana", "imageRenderer", "enabled"], false),
        ),
    ]
}

/// A registry host written into the repository (lowercased) that differs from the one
/// the chart renders: the chart still prefixes its own.
fn doubled_registry(repo: &str, reference: &str) -> Option<String> {
    let first = repo.split('/').next().unwrap_or_default();
    (repo.contains('/')
        && (first.contains('.') || first.contains(':') || first == "localhost")
        && ImageRef::parse(reference).registry != first.to_ascii_lowercase())
    .then(|| first.to_ascii_lowercase())
}

/// The private registries the values use, most used first (`global.imageRegistry` wins).
pub(crate) fn private_registries(release: &Release, images: &[Image<'_>]) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for image in images.iter().filter(|i| i.mirror) {
        let host = image
            .doubled
            .clone()
            .unwrap_or_else(|| ImageRef::parse(&image.reference).registry);
        if !public_registry(&host) {
            *counts.entry(host).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    let mut out: Vec<String> = ranked.into_iter().map(|(h, _)| h).collect();
    if let Some(global) = release
        .get(&["global", "imageRegistry"])
        .filter(|v| v.site().is_some())
        .and_then(Value::scalar_string)
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty() && !public_registry(s))
    {
        out.retain(|h| *h != global);
        out.insert(0, global);
    }
    out
}

/// One image of the bundled cert-manager (v1.8.0) or ingress-nginx (4.1.4) chart that an
/// air-gapped install must mirror, and the value that moves it, as those charts' values
/// name them.
#[derive(Debug)]
pub(crate) struct RelocatableImage {
    /// The subchart's key (`cert-manager`).
    pub chart: &'static str,
    /// The key that moves it, under the subchart's key.
    pub key: &'static [&'static str],
    /// Whether `key` holds a registry (ingress-nginx), else a whole repository (cert-manager).
    pub registry_key: bool,
    /// The image's path under a registry.
    pub path: &'static str,
    /// The chart's default reference, tag and digest included: what to mirror.
    pub default: &'static str,
    /// Keys under the subchart's key that must be on for the image to run, with the
    /// default of each.
    pub when: &'static [(&'static [&'static str], bool)],
}

/// The cert-manager and ingress-nginx images, in the order the charts list them.
pub(crate) const RELOCATABLE: [RelocatableImage; 7] = [
    RelocatableImage {
        chart: "cert-manager",
        key: &["image", "repository"],
        registry_key: false,
        path: "jetstack/cert-manager-controller",
        default: "quay.io/jetstack/cert-manager-controller:v1.8.0",
        when: &[],
    },
    RelocatableImage {
        chart: "cert-manager",
        key: &["webhook", "image", "repository"],
        registry_key: false,
        path: "jetstack/cert-manager-webhook",
        default: "quay.io/jetstack/cert-manager-webhook:v1.8.0",
        when: &[(&["webhook", "enabled"], true)],
    },
    RelocatableImage {
        chart: "cert-manager",
        key: &["cainjector", "image", "repository"],
        registry_key: false,
        path: "jetstack/cert-manager-cainjector",
        default: "quay.io/jetstack/cert-manager-cainjector:v1.8.0",
        when: &[(&["cainjector", "enabled"], true)],
    },
    RelocatableImage {
        chart: "cert-manager",
        key: &["startupapicheck", "image", "repository"],
        registry_key: false,
        path: "jetstack/cert-manager-ctl",
        default: "quay.io/jetstack/cert-manager-ctl:v1.8.0",
        when: &[(&["startupapicheck", "enabled"], true)],
    },
    RelocatableImage {
        chart: "ingress-nginx",
        key: &["controller", "image", "registry"],
        registry_key: true,
        path: "ingress-nginx/controller",
        default: "registry.k8s.io/ingress-nginx/controller:v1.2.1@sha256:5516d103a9c2ecc4f026efbd4b40662ce22dc1f824fb129ed121460aaa5c47f8",
        when: &[],
    },
    RelocatableImage {
        chart: "ingress-nginx",
        key: &[
            "controller",
            "admissionWebhooks",
            "patch",
            "image",
            "registry",
        ],
        registry_key: true,
        path: "ingress-nginx/kube-webhook-certgen",
        default: "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.1.1@sha256:64d8c73dca984af206adf9d6d7e46aa550362b1d7a01f3a0a91b20cc67868660",
        when: &[
            (&["controller", "admissionWebhooks", "enabled"], true),
            (
                &["controller", "admissionWebhooks", "patch", "enabled"],
                true,
            ),
        ],
    },
    RelocatableImage {
        chart: "ingress-nginx",
        key: &["defaultBackend", "image", "registry"],
        registry_key: true,
        path: "defaultbackend-amd64",
        default: "registry.k8s.io/defaultbackend-amd64:1.5",
        when: &[(&["defaultBackend", "enabled"], false)],
    },
];

/// The cert-manager and ingress-nginx images the release runs: their subchart enabled and
/// each of the image's switches on.
pub(crate) fn relocatable(release: &Release) -> Vec<&'static RelocatableImage> {
    RELOCATABLE
        .iter()
        .filter(|image| on(release, &[image.chart, "enabled"], false))
        .filter(|image| {
            image.when.iter().all(|(keys, default)| {
                let mut path = vec![image.chart];
                path.extend_from_slice(keys);
                on(release, &path, *default)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split_like_a_runtime() {
        let r = ImageRef::parse("grafana/grafana:11.1.4");
        assert_eq!(
            (r.registry.as_str(), r.path.as_str()),
            ("docker.io", "grafana/grafana")
        );
        let r = ImageRef::parse("busybox");
        assert_eq!(r.path, "library/busybox");
        let r = ImageRef::parse("harbor.corp.example:5000/mirror/grafana/grafana@sha256:ab");
        assert_eq!(r.registry, "harbor.corp.example:5000");
        assert_eq!(r.path, "mirror/grafana/grafana");
        let r = ImageRef::parse("localhost/grafana");
        assert_eq!(r.registry, "localhost");
        assert!(ImageRef::parse("quay.io/jetstack/cert-manager-controller").public());
        assert!(!ImageRef::parse("registry.corp.example/grafana/oncall").public());
    }

    #[test]
    fn stock_tags() {
        assert!(stock_tag(""));
        assert!(stock_tag("11.1.4"));
        assert!(stock_tag("v10.4.2-ubuntu"));
        assert!(!stock_tag("11.1.4-oncall-1.16.9"));
        assert!(!stock_tag("latest"));
    }
}
