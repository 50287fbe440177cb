//! The images a release pulls, as the charts render their references: the oncall chart's
//! own, the bundled Grafana's (and the containers of its pod), and the bundled subcharts'.
//! The air-gapped rules and `render airgap` read this one catalogue.

use std::collections::BTreeMap;

use super::grafana::Grafana;
use crate::chart::Version;
use crate::diagnostic::Location;
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
    if release.grafana_chart().starts_with("6.") {
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
    let six = release.grafana_chart().starts_with("6.");
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

/// What happened to the Bitnami images the bundled subcharts default to. In 2025 Bitnami
/// stopped serving versioned tags under `docker.io/bitnami` and moved them, unchanged and
/// without further updates, to `docker.io/bitnamilegacy` (bitnami/containers#83267, the
/// catalog change of 2025-08-28); only a few images kept a floating `latest` tag there.
/// Every pinned default below (`<version>-debian-11-rN`) is such a moved tag: oncall issues
/// #5589 (rabbitmq `3.12.0-debian-11-r0`, ImagePullBackOff on chart 1.15.6) and #5607
/// (redis `6.2.7-debian-11-r11`, chart 1.16.5), and PR #5584, which replaced mariadb 12.2.5
/// (`10.11.4-debian-11-r0`, gone) by mariadb 23.2.1, whose images float on `latest`.
pub(crate) const BITNAMI_LEGACY_NAMESPACE: &str = "bitnamilegacy";

/// The Docker Hub hosts a reference can name (`registry-1.docker.io` is where `docker.io`
/// pulls from).
const DOCKER_HUB: [&str; 3] = ["docker.io", "index.docker.io", "registry-1.docker.io"];

/// Whether a registry host is Docker Hub.
pub(crate) fn docker_hub(host: &str) -> bool {
    DOCKER_HUB.contains(
        &host
            .trim()
            .trim_end_matches('/')
            .to_ascii_lowercase()
            .as_str(),
    )
}

/// One image of a Bitnami subchart, as that subchart version's `values.yaml` sets it.
#[derive(Debug)]
pub(crate) struct BitnamiDefault {
    /// The keys before `image` under the subchart's key (`["metrics"]`; empty for the
    /// main image).
    pub part: &'static [&'static str],
    /// The key under the subchart's key that turns the container on (default off), for the
    /// images other than the main one.
    pub switch: Option<&'static [&'static str]>,
    /// What runs it, for messages (`the metrics exporter`).
    pub role: &'static str,
    /// The default registry.
    pub registry: &'static str,
    /// The default repository.
    pub repository: &'static str,
    /// The default tag: a pinned tag Bitnami no longer serves under `bitnami/`, or `latest`.
    pub tag: &'static str,
    /// For a default on `latest`: the versioned tag of the application version the
    /// subchart's Chart annotation names, as [`BITNAMI_LEGACY_NAMESPACE`] serves it (the
    /// last build Bitnami published before it stopped serving versioned tags under
    /// `bitnami/`). `None` when no such tag is known.
    pub legacy_pin: Option<&'static str>,
}

impl BitnamiDefault {
    /// Whether the default floats (`latest`) rather than being a pinned tag that moved to
    /// [`BITNAMI_LEGACY_NAMESPACE`].
    pub(crate) fn floats(&self) -> bool {
        self.tag == "latest"
    }
}

/// A Bitnami subchart version and the oncall chart versions that bundle it.
#[derive(Debug)]
pub(crate) struct BitnamiChart {
    /// The subchart's key (`mariadb`).
    pub sub: &'static str,
    /// The subchart's version (`12.2.5`).
    pub version: &'static str,
    /// The first and last oncall chart versions that bundle it.
    pub charts: (Version, Version),
    /// Whether its templates read `image.digest` (Bitnami common 2.x; redis 16.13.2
    /// bundles common 1.x, which knows only tags).
    pub reads_digest: bool,
    /// Whether its common chart (2.33.1) stops the install when an image comes from
    /// another registry or repository than its Chart annotation lists, unless
    /// `global.security.allowInsecureImages` is true (`common.errors.insecureImages`).
    pub refuses_relocated_images: bool,
    /// Whether it reads `{name: ...}` items in its pull-secret lists (Bitnami common 2.13
    /// and later), else plain names.
    pub reads_secret_objects: bool,
    /// Its images, the main one first.
    pub images: &'static [BitnamiDefault],
}

/// The main image of a subchart.
const fn main_image(
    repository: &'static str,
    registry: &'static str,
    tag: &'static str,
) -> BitnamiDefault {
    BitnamiDefault {
        part: &[],
        switch: None,
        role: "the main container",
        registry,
        repository,
        tag,
        legacy_pin: None,
    }
}

/// An image behind a switch (`metrics.enabled`) under the same key (`metrics.image`).
const fn switched(
    key: &'static [&'static str],
    switch: &'static [&'static str],
    role: &'static str,
    registry: &'static str,
    repository: &'static str,
    tag: &'static str,
) -> BitnamiDefault {
    BitnamiDefault {
        part: key,
        switch: Some(switch),
        role,
        registry,
        repository,
        tag,
        legacy_pin: None,
    }
}

/// The volume-permissions init container (`volumePermissions.image`, behind
/// `volumePermissions.enabled`), which every Bitnami subchart has.
const fn volume_permissions(
    registry: &'static str,
    repository: &'static str,
    tag: &'static str,
) -> BitnamiDefault {
    switched(
        &["volumePermissions"],
        &["volumePermissions", "enabled"],
        "the volume-permissions init container",
        registry,
        repository,
        tag,
    )
}

/// The Bitnami subcharts the oncall chart bundles, by chart version, with the images their
/// `values.yaml` default to (the vendored `helm/oncall/charts/*.tgz`; the values of 1.9.23 and
/// 1.16.9 are kept in `upstream/oncall-subcharts/`, and 1.8.13 and 1.9.22 declare the same
/// subchart versions in their `Chart.yaml`). Ranges come from the chart's git history:
/// charts before 1.2.42 bundle older subcharts (mariadb 11.0.10, rabbitmq 10.x, redis
/// 16.10.1, with `debian-10` tags) that this table does not hold; charts 1.9.25 to 1.9.28
/// declare redis 20.0.5 while their `charts/` folder holds 16.13.2, so which one they
/// deploy is not known here; mariadb 23.2.1 replaced 12.2.5 in chart 1.16.6 (PR #5584).
pub(crate) const BITNAMI_CHARTS: [BitnamiChart; 6] = [
    BitnamiChart {
        sub: "mariadb",
        version: "12.2.5",
        charts: ((1, 2, 42), (1, 16, 5)),
        reads_digest: true,
        refuses_relocated_images: false,
        reads_secret_objects: false,
        images: &[
            main_image("bitnami/mariadb", "docker.io", "10.11.4-debian-11-r0"),
            volume_permissions("docker.io", "bitnami/bitnami-shell", "11-debian-11-r123"),
            switched(
                &["metrics"],
                &["metrics", "enabled"],
                "the metrics exporter",
                "docker.io",
                "bitnami/mysqld-exporter",
                "0.14.0-debian-11-r125",
            ),
        ],
    },
    BitnamiChart {
        sub: "mariadb",
        version: "23.2.1",
        charts: ((1, 16, 6), (1, 16, 9)),
        reads_digest: true,
        refuses_relocated_images: true,
        reads_secret_objects: true,
        images: &[
            // the Chart annotation names MariaDB 12.0.2; its last Bitnami build is
            // `12.0.2-debian-12-r0`, served from `docker.io/bitnamilegacy/mariadb`
            BitnamiDefault {
                legacy_pin: Some("12.0.2-debian-12-r0"),
                ..main_image("bitnami/mariadb", "registry-1.docker.io", "latest")
            },
            volume_permissions("registry-1.docker.io", "bitnami/os-shell", "latest"),
            switched(
                &["metrics"],
                &["metrics", "enabled"],
                "the metrics exporter",
                "registry-1.docker.io",
                "bitnami/mysqld-exporter",
                "latest",
            ),
        ],
    },
    BitnamiChart {
        sub: "postgresql",
        version: "11.9.10",
        charts: ((1, 0, 8), (1, 16, 9)),
        reads_digest: true,
        refuses_relocated_images: false,
        reads_secret_objects: false,
        images: &[
            main_image("bitnami/postgresql", "docker.io", "14.5.0-debian-11-r30"),
            volume_permissions("docker.io", "bitnami/bitnami-shell", "11-debian-11-r42"),
            switched(
                &["metrics"],
                &["metrics", "enabled"],
                "the metrics exporter",
                "docker.io",
                "bitnami/postgres-exporter",
                "0.11.1-debian-11-r19",
            ),
        ],
    },
    BitnamiChart {
        sub: "rabbitmq",
        version: "12.0.0",
        charts: ((1, 2, 42), (1, 16, 9)),
        reads_digest: true,
        refuses_relocated_images: false,
        reads_secret_objects: false,
        images: &[
            main_image("bitnami/rabbitmq", "docker.io", "3.12.0-debian-11-r0"),
            volume_permissions("docker.io", "bitnami/bitnami-shell", "11-debian-11-r123"),
        ],
    },
    BitnamiChart {
        sub: "redis",
        version: "16.13.2",
        charts: ((1, 2, 42), (1, 9, 24)),
        reads_digest: false,
        refuses_relocated_images: false,
        reads_secret_objects: false,
        images: &REDIS_16_13_2,
    },
    BitnamiChart {
        sub: "redis",
        version: "16.13.2",
        charts: ((1, 9, 29), (1, 16, 9)),
        reads_digest: false,
        refuses_relocated_images: false,
        reads_secret_objects: false,
        images: &REDIS_16_13_2,
    },
];

/// The images of redis 16.13.2.
const REDIS_16_13_2: [BitnamiDefault; 5] = [
    main_image("bitnami/redis", "docker.io", "6.2.7-debian-11-r11"),
    switched(
        &["sentinel"],
        &["sentinel", "enabled"],
        "the sentinel container",
        "docker.io",
        "bitnami/redis-sentinel",
        "6.2.7-debian-11-r12",
    ),
    switched(
        &["metrics"],
        &["metrics", "enabled"],
        "the metrics exporter",
        "docker.io",
        "bitnami/redis-exporter",
        "1.43.0-debian-11-r4",
    ),
    volume_permissions("docker.io", "bitnami/bitnami-shell", "11-debian-11-r11"),
    switched(
        &["sysctl"],
        &["sysctl", "enabled"],
        "the sysctl init container",
        "docker.io",
        "bitnami/bitnami-shell",
        "11-debian-11-r11",
    ),
];

/// The Bitnami subchart `sub` that the release's oncall chart version bundles, when this
/// table knows it.
pub(crate) fn bitnami_chart(release: &Release, sub: &str) -> Option<&'static BitnamiChart> {
    bitnami_chart_of(crate::chart::parse_version(release.chart_version())?, sub)
}

/// The Bitnami subchart `sub` that oncall chart `version` bundles, when this table knows it.
fn bitnami_chart_of(version: Version, sub: &str) -> Option<&'static BitnamiChart> {
    BITNAMI_CHARTS
        .iter()
        .find(|c| c.sub == sub && c.charts.0 <= version && version <= c.charts.1)
}

/// A Bitnami subchart's image as the release deploys it, resolved the way Bitnami's
/// `common.images.image` does: `global.imageRegistry` (the oncall chart's, else the
/// subchart's own `global`) over the image's `registry`, then `repository`, then `@digest`
/// when set (and read), else `:tag`.
#[derive(Debug)]
pub(crate) struct BitnamiImage<'a> {
    /// The subchart's key.
    pub sub: &'static str,
    /// The subchart version, when the table knows it.
    pub chart: Option<&'static BitnamiChart>,
    /// The chart's default for this image, when the table knows it.
    pub default: Option<&'static BitnamiDefault>,
    /// The keys before `image` under the subchart's key.
    pub part: &'static [&'static str],
    /// The registry the image is pulled from.
    pub registry: String,
    /// The repository.
    pub repository: String,
    /// The tag; `None` when no file sets it and the table does not know the default.
    pub tag: Option<String>,
    /// The digest, when one is set and read.
    pub digest: Option<String>,
    /// The user's value that turns the container on (`<sub>.enabled` for the main image,
    /// the switch for the others), when written.
    pub switch: Option<&'a Value>,
    /// The user's `tag`, when written.
    pub tag_value: Option<&'a Value>,
}

impl BitnamiImage<'_> {
    /// The chart-relative key of one of the image's fields (`["redis", "metrics", "image",
    /// "tag"]`).
    pub(crate) fn key(&self, field: &'static str) -> Vec<&'static str> {
        bitnami_key(self.sub, self.part, field)
    }

    /// The reference the pod pulls: `docker.io/bitnami/rabbitmq:3.12.0-debian-11-r0`.
    pub(crate) fn reference(&self) -> String {
        let name = format!("{}/{}", self.registry, self.repository);
        match (&self.digest, &self.tag) {
            (Some(digest), _) => format!("{name}@{digest}"),
            (None, Some(tag)) if !tag.is_empty() => format!("{name}:{tag}"),
            (None, _) => name,
        }
    }

    /// `repository:tag`, without the registry (what stays when the registry moves).
    pub(crate) fn short(&self) -> String {
        match &self.tag {
            Some(tag) if !tag.is_empty() => format!("{}:{tag}", self.repository),
            _ => self.repository.clone(),
        }
    }

    /// Whether the image is still the chart's pinned default (repository and tag, no
    /// digest), from whatever registry: a tag Bitnami only serves from
    /// [`BITNAMI_LEGACY_NAMESPACE`].
    pub(crate) fn pinned_default(&self) -> bool {
        self.default.is_some_and(|d| {
            !d.floats()
                && self.repository == d.repository
                && self.tag.as_deref() == Some(d.tag)
                && self.digest.is_none()
        })
    }

    /// Whether this is the chart's pinned default pulled from Docker Hub: the tag Bitnami
    /// no longer serves there.
    pub(crate) fn unavailable(&self) -> bool {
        (self.pinned_default() || self.written_versioned_tag()) && docker_hub(&self.registry)
    }

    /// Whether the tag is one the user wrote, a version (not `latest`) of a `bitnami/`
    /// repository, with no digest: Bitnami serves no versioned tag under `bitnami/` any
    /// more, whichever tag it is.
    pub(crate) fn written_versioned_tag(&self) -> bool {
        self.tag_value.is_some()
            && self.digest.is_none()
            && self.repository.starts_with("bitnami/")
            && self
                .tag
                .as_deref()
                .is_some_and(|t| !t.is_empty() && t != "latest")
            && !self.pinned_default()
    }

    /// Where a mirror copies the image from: the chart's pinned default from
    /// `docker.io/bitnamilegacy` (the only place that still serves it), else the reference
    /// as the values resolve it.
    pub(crate) fn mirror_source(&self) -> String {
        match (
            self.pinned_default() || self.written_versioned_tag(),
            self.legacy_repository(),
        ) {
            (true, Some(legacy)) => format!(
                "docker.io/{legacy}:{}",
                self.tag.as_deref().unwrap_or_default()
            ),
            _ => self.reference(),
        }
    }

    /// The same image from [`BITNAMI_LEGACY_NAMESPACE`] (`bitnamilegacy/rabbitmq`), for a
    /// `bitnami/` repository.
    pub(crate) fn legacy_repository(&self) -> Option<String> {
        self.repository
            .strip_prefix("bitnami/")
            .map(|name| format!("{BITNAMI_LEGACY_NAMESPACE}/{name}"))
    }

    /// The key path of the switch that turns the container on (`<sub>.enabled` for the
    /// main image).
    pub(crate) fn switch_key(&self) -> Vec<&'static str> {
        let mut key = vec![self.sub];
        match self.default.and_then(|d| d.switch) {
            Some(switch) => key.extend_from_slice(switch),
            None => key.push("enabled"),
        }
        key
    }

    /// Whether a finding about the image belongs to these files: they are the whole
    /// release, or they write the subchart's key. A layer of a release linted elsewhere
    /// that never names the subchart says nothing about its defaults (the release does).
    pub(crate) fn judged_here(&self, release: &Release) -> bool {
        release.whole || release.user_sets(&[self.sub])
    }

    /// Where a finding about the image points: the user's keys of the image when written
    /// (the deepest), else the user's switch (`<sub>.enabled`, `metrics.enabled`), else the
    /// subchart's key, else the top of the file. The key path is always the image's
    /// (`redis.metrics.image`), wherever the span is, so a baseline entry or a finding
    /// compared across a fix stays the same finding.
    pub(crate) fn location(&self, release: &Release) -> Location {
        let mut image_key = vec![self.sub];
        image_key.extend_from_slice(self.part);
        image_key.push("image");
        let mut location = if release.user_sets(&image_key) {
            release.blame(&self.key("tag"))
        } else {
            match self.switch {
                Some(value) => release.locate(value, &self.switch_key(), false),
                None => release.blame(&self.switch_key()),
            }
        };
        location.key_path = release.key_path(&image_key);
        location
    }

    /// For a subchart that refuses an image from another repository than its Chart
    /// annotation lists (mariadb 23.x), the setting that lets it accept one
    /// (`<sub>.global.security.allowInsecureImages: true`) and how a fix title says so.
    pub(crate) fn accept_relocated(&self) -> Option<(Vec<&'static str>, String)> {
        self.chart.filter(|c| c.refuses_relocated_images).map(|_| {
            (
                vec![self.sub, "global", "security", "allowInsecureImages"],
                format!(
                    "; `{}.global.security.allowInsecureImages: true` lets the subchart accept it",
                    self.sub
                ),
            )
        })
    }

    /// Whether the image floats: tag `latest` (written, or the chart's default), no digest.
    pub(crate) fn floats(&self) -> bool {
        self.digest.is_none() && self.tag.as_deref() == Some("latest")
    }
}

/// The images of the enabled Bitnami subcharts (`<sub>.enabled` a boolean true, as Helm's
/// condition reads it) with their switches on, resolved. For a chart version the table
/// does not know, only the main image, with no default.
pub(crate) fn bitnami_images(release: &Release) -> Vec<BitnamiImage<'_>> {
    let mut out = Vec::new();
    for sub in super::subcharts::BITNAMI {
        let Some(enabled) = release.get(&[sub, "enabled"]) else {
            continue;
        };
        if enabled.kind != crate::values::Kind::Bool(true) {
            continue;
        }
        let chart = bitnami_chart(release, sub);
        let defaults: Vec<Option<&'static BitnamiDefault>> = match chart {
            Some(c) => c.images.iter().map(Some).collect(),
            None => vec![None],
        };
        for default in defaults {
            let switch = match default.and_then(|d| d.switch) {
                Some(keys) => {
                    let mut path = vec![sub];
                    path.extend_from_slice(keys);
                    match release.get(&path).filter(|v| v.is_truthy()) {
                        Some(v) => Some(v),
                        None => continue,
                    }
                }
                None => Some(enabled),
            };
            out.push(bitnami_image(release, sub, chart, default, switch));
        }
    }
    out
}

/// The chart-relative key of a field of a Bitnami image (`["redis", "metrics", "image",
/// "tag"]`).
fn bitnami_key(sub: &'static str, part: &[&'static str], field: &'static str) -> Vec<&'static str> {
    let mut key = vec![sub];
    key.extend_from_slice(part);
    key.push("image");
    key.push(field);
    key
}

/// One image, resolved from the values over its default.
fn bitnami_image<'a>(
    release: &'a Release,
    sub: &'static str,
    chart: Option<&'static BitnamiChart>,
    default: Option<&'static BitnamiDefault>,
    switch: Option<&'a Value>,
) -> BitnamiImage<'a> {
    let part = default.map_or(&[][..], |d| d.part);
    let field = |name: &'static str| {
        release
            .get(&bitnami_key(sub, part, name))
            .filter(|v| v.site().is_some())
    };
    let tag_value = field("tag");
    let repository_value = field("repository");
    let registry_value = field("registry");
    let global = text(release, &["global", "imageRegistry"])
        .or_else(|| text(release, &[sub, "global", "imageRegistry"]));
    let registry = global
        .or_else(|| registry_value.and_then(Value::scalar_string))
        .or_else(|| default.map(|d| d.registry.to_owned()))
        .unwrap_or_else(|| "docker.io".into())
        .trim()
        .trim_end_matches('/')
        .to_owned();
    let written = |v: &Value| v.scalar_string().unwrap_or_default().trim().to_owned();
    let repository = match repository_value {
        Some(v) => written(v),
        None => default.map_or_else(|| format!("bitnami/{sub}"), |d| d.repository.to_owned()),
    };
    let tag = match tag_value {
        Some(v) => Some(written(v)),
        None => default.map(|d| d.tag.to_owned()),
    };
    let digest = if chart.is_none_or(|c| c.reads_digest) {
        text(release, &bitnami_key(sub, part, "digest"))
    } else {
        None
    };
    BitnamiImage {
        sub,
        chart,
        default,
        part,
        registry,
        repository,
        tag,
        digest,
        switch: switch.filter(|v| v.site().is_some()),
        tag_value,
    }
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

    #[test]
    fn bitnami_subcharts_by_chart_version() {
        let tag =
            |version, sub| bitnami_chart_of(version, sub).map(|c| (c.version, c.images[0].tag));
        assert_eq!(
            tag((1, 8, 13), "rabbitmq"),
            Some(("12.0.0", "3.12.0-debian-11-r0"))
        );
        assert_eq!(
            tag((1, 16, 5), "mariadb"),
            Some(("12.2.5", "10.11.4-debian-11-r0"))
        );
        assert_eq!(tag((1, 16, 6), "mariadb"), Some(("23.2.1", "latest")));
        assert_eq!(
            tag((1, 9, 22), "postgresql"),
            Some(("11.9.10", "14.5.0-debian-11-r30"))
        );
        assert_eq!(
            tag((1, 16, 9), "redis"),
            Some(("16.13.2", "6.2.7-debian-11-r11"))
        );
        // redis 20.0.5 was declared, 16.13.2 vendored: not known
        assert_eq!(tag((1, 9, 26), "redis"), None);
        // older subcharts (debian-10 tags) are not in the table
        assert_eq!(tag((1, 1, 19), "mariadb"), None);
        assert!(
            bitnami_chart_of((1, 16, 9), "mariadb").is_some_and(|c| c.refuses_relocated_images)
        );
        assert!(
            !bitnami_chart_of((1, 16, 0), "mariadb").is_some_and(|c| c.refuses_relocated_images)
        );
        // one subchart version per chart version
        for chart in &BITNAMI_CHARTS {
            for other in &BITNAMI_CHARTS {
                if !std::ptr::eq(chart, other) && chart.sub == other.sub {
                    assert!(chart.charts.1 < other.charts.0 || other.charts.1 < chart.charts.0);
                }
            }
        }
    }

    #[test]
    fn docker_hub_hosts() {
        assert!(docker_hub("docker.io"));
        assert!(docker_hub("registry-1.docker.io/"));
        assert!(!docker_hub("harbor.example.com"));
    }
}
