//! OC042 airgap-plugin-install: in an air-gapped install, with `grafana.plugins` empty (so
//! OC040 has nothing to report), something else must put `grafana-oncall-app` into
//! Grafana's plugins path: an init container, a Grafana image with the plugin built in, or a
//! volume mounted there. Otherwise the plugin is never present, and with the chart's plugin
//! provisioning mounted Grafana does not even start ("plugin not installed").
//!
//! Also home to the helpers the other air-gapped rules share: how the plugin gets installed
//! ([`install_source`]) and how image references split into registry and repository.

use serde_json::json;

use super::plugin_version::{Form, PLUGIN_ID, env_key, oncall_plugin};
use super::{CheckContext, Emitter};
use crate::diagnostic::Location;
use crate::values::Value;

/// Env variables that make Grafana download plugins at start (OC040 reports them).
const DOWNLOAD_ENV: [&str; 3] = [
    "GF_INSTALL_PLUGINS",
    "GF_PLUGINS_PREINSTALL",
    "GF_PLUGINS_PREINSTALL_SYNC",
];

/// The plugins path Grafana uses when nothing changes it.
pub const DEFAULT_PLUGINS_PATH: &str = "/var/lib/grafana/plugins";

/// Repositories of the stock Grafana images (after the registry).
const STOCK_GRAFANA: [&str; 3] = [
    "grafana/grafana",
    "grafana/grafana-oss",
    "grafana/grafana-enterprise",
];

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

/// Where the OnCall plugin comes from, as far as the values tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Downloaded by Grafana at start from grafana.com (`grafana.plugins`, env, preinstall).
    Catalog,
    /// Downloaded by Grafana at start from another URL (`url;grafana-oncall-app`).
    OtherUrl,
    /// An init container (or an extra container) installs it.
    InitContainer,
    /// A Grafana image that is not the stock one (the plugin may be built in).
    CustomImage,
    /// A volume mounted at (or above) the plugins path may already hold it.
    Volume,
}

impl Source {
    /// Whether the plugin comes from somewhere other than the grafana.com catalog.
    pub fn private(self) -> bool {
        !matches!(self, Source::Catalog)
    }
}

/// A container image reference split the way a container runtime reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host (`docker.io` when the reference names none).
    pub registry: String,
    /// Path after the registry (`grafana/grafana`, `library/busybox`).
    pub path: String,
}

impl ImageRef {
    /// Parses `[registry/]path[:tag][@digest]`.
    pub fn parse(reference: &str) -> ImageRef {
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
    pub fn public(&self) -> bool {
        public_registry(&self.registry)
    }
}

/// Whether a registry host is a public registry.
pub fn public_registry(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    PUBLIC_REGISTRIES.contains(&host.as_str())
}

/// The bundled Grafana's image as the grafana chart renders it: `global.imageRegistry`
/// (else `image.registry`) then `image.repository` in grafana chart 8.x; the repository
/// alone in 6.x, which has no registry key.
pub fn grafana_image(ctx: &CheckContext<'_>) -> Option<ImageRef> {
    let release = ctx.release;
    let repository = release
        .get(&["grafana", "image", "repository"])
        .and_then(Value::scalar_string)
        .filter(|r| !r.trim().is_empty())?;
    Some(ImageRef::parse(&with_registry(
        ctx,
        &["grafana", "image", "registry"],
        &repository,
    )))
}

/// `registry/repository` as the grafana chart 8.x joins them (the global registry wins);
/// the repository alone under grafana chart 6.x.
pub fn with_registry(ctx: &CheckContext<'_>, registry_key: &[&str], repository: &str) -> String {
    if ctx.release.chart.grafana_chart.starts_with("6.") {
        return repository.to_owned();
    }
    let release = ctx.release;
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

/// Whether the bundled Grafana runs a stock Grafana image (repository `grafana/grafana`
/// or its -oss/-enterprise variants, a version tag or none, no digest).
pub fn stock_grafana_image(ctx: &CheckContext<'_>) -> bool {
    let release = ctx.release;
    let Some(image) = grafana_image(ctx) else {
        return false;
    };
    if !STOCK_GRAFANA.contains(&image.path.as_str()) {
        return false;
    }
    let tag = release
        .get(&["grafana", "image", "tag"])
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let sha = release
        .get(&["grafana", "image", "sha"])
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    sha.trim().is_empty() && stock_tag(&tag)
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

/// Grafana's plugins path: `GF_PATHS_PLUGINS`, else `grafana.ini` `paths.plugins`.
pub fn plugins_path(ctx: &CheckContext<'_>) -> String {
    let release = ctx.release;
    release
        .get(&["grafana", "env", &env_key("paths", "plugins")])
        .filter(|v| v.is_truthy())
        .or_else(|| release.get(&["grafana", "grafana.ini", "paths", "plugins"]))
        .and_then(Value::scalar_string)
        .map(|p| p.trim().trim_end_matches('/').to_owned())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| DEFAULT_PLUGINS_PATH.to_owned())
}

/// Whether a mount path is the plugins path, inside it, or above it.
fn touches(mount: &str, plugins: &str) -> bool {
    let mount = mount.trim().trim_end_matches('/');
    if mount.is_empty() {
        return false;
    }
    mount == plugins
        || mount.starts_with(&format!("{plugins}/"))
        || plugins.starts_with(&format!("{mount}/"))
}

/// Whether any string in a value mentions `needle`.
pub fn mentions(value: &Value, needle: &str) -> bool {
    match &value.kind {
        crate::values::Kind::Str(s) => s.contains(needle),
        crate::values::Kind::Seq(items) => items.iter().any(|i| mentions(i, needle)),
        crate::values::Kind::Map(map) => map.values().any(|i| mentions(i, needle)),
        _ => false,
    }
}

/// The mount paths of a container's (or a values list item's) `volumeMounts`, or of the
/// item itself when it has a `mountPath`.
fn mount_paths(item: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(path) = item.get(&["mountPath"]).and_then(Value::scalar_string) {
        out.push(path);
    }
    for mount in item
        .get(&["volumeMounts"])
        .and_then(Value::as_seq)
        .unwrap_or_default()
    {
        if let Some(path) = mount.get(&["mountPath"]).and_then(Value::scalar_string) {
            out.push(path);
        }
    }
    out
}

/// How the values install the plugin, and the value that says so.
#[derive(Debug, Clone)]
pub struct Install<'a> {
    /// Where the plugin comes from.
    pub source: Source,
    /// The value that installs it (the entry, the init container, the image repository, the
    /// mount), when there is one.
    pub value: Option<&'a Value>,
    /// Where to point at it.
    pub location: Location,
}

/// How the values install the plugin, if they do: the first of the `grafana.plugins`
/// entry (or a download env / preinstall list naming it), an init container, a custom
/// image, a volume at the plugins path.
pub fn install_source<'a>(ctx: &CheckContext<'a>) -> Option<Install<'a>> {
    let release = ctx.release;
    if let Some(entry) = oncall_plugin(ctx) {
        let source = match entry.form {
            Form::InitContainer => Source::InitContainer,
            _ if entry.grafana_com => Source::Catalog,
            _ => Source::OtherUrl,
        };
        return Some(Install {
            source,
            value: Some(entry.value),
            location: entry.location(ctx),
        });
    }
    let env = release.get(&["grafana", "env"]);
    let ini = release.get(&["grafana", "grafana.ini", "plugins"]);
    for name in DOWNLOAD_ENV {
        if let Some(v) = env
            .and_then(|e| e.get(&[name]))
            .filter(|v| mentions(v, PLUGIN_ID))
        {
            return Some(Install {
                source: Source::Catalog,
                value: Some(v),
                location: release.locate(v, &["grafana", "env", name], false),
            });
        }
    }
    for key in ["preinstall", "preinstall_sync"] {
        if let Some(v) = ini
            .and_then(|i| i.get(&[key]))
            .filter(|v| mentions(v, PLUGIN_ID))
        {
            return Some(Install {
                source: Source::Catalog,
                value: Some(v),
                location: release.locate(v, &["grafana", "grafana.ini", "plugins", key], false),
            });
        }
    }
    let plugins = plugins_path(ctx);
    let init_key = ["grafana", "extraInitContainers"];
    let installs = |c: &Value| {
        mentions(c, PLUGIN_ID)
            || mentions(c, "plugins")
            || mount_paths(c).iter().any(|m| touches(m, &plugins))
    };
    let init = release
        .get(&init_key)
        .and_then(Value::as_seq)
        .unwrap_or_default();
    if let Some((index, container)) = init.iter().enumerate().find(|(_, c)| installs(c)) {
        let key_path = release.key_path(&init_key).index(index);
        let location = match container.site() {
            Some(site) => release.site_location(site, key_path, false),
            None => release.blame(&init_key),
        };
        return Some(Install {
            source: Source::InitContainer,
            value: Some(container),
            location,
        });
    }
    let extra_key = ["grafana", "extraContainers"];
    if let Some(extra) = release.get(&extra_key).filter(|c| mentions(c, PLUGIN_ID)) {
        return Some(Install {
            source: Source::InitContainer,
            value: Some(extra),
            location: release.locate(extra, &extra_key, false),
        });
    }
    if !stock_grafana_image(ctx) {
        let repo_key = ["grafana", "image", "repository"];
        let value = release.get(&repo_key);
        let location = match value {
            Some(v) => release.locate(v, &repo_key, false),
            None => release.blame(&repo_key),
        };
        return Some(Install {
            source: Source::CustomImage,
            value,
            location,
        });
    }
    // a volume (a pre-filled claim, a configMap, a CSI driver) mounted at the plugins path
    for key in [
        "extraVolumeMounts",
        "extraConfigmapMounts",
        "extraSecretMounts",
    ] {
        let list_key = ["grafana", key];
        let items = release
            .get(&list_key)
            .and_then(Value::as_seq)
            .unwrap_or_default();
        for (index, item) in items.iter().enumerate() {
            if mount_paths(item).iter().any(|m| touches(m, &plugins)) {
                let key_path = release.key_path(&list_key).index(index);
                let location = match item.site() {
                    Some(site) => release.site_location(site, key_path, false),
                    None => release.blame(&list_key),
                };
                return Some(Install {
                    source: Source::Volume,
                    value: Some(item),
                    location,
                });
            }
        }
    }
    None
}

/// Whether the chart's (or the user's) plugin provisioning is mounted into Grafana: then
/// a missing plugin stops Grafana's start.
fn provisioning_mounted(ctx: &CheckContext<'_>) -> bool {
    let release = ctx.release;
    let provisioning = release
        .get(&["grafana", "grafana.ini", "paths", "provisioning"])
        .and_then(Value::scalar_string)
        .unwrap_or_else(|| "/etc/grafana/provisioning".into());
    let dir = format!("{}/plugins", provisioning.trim_end_matches('/'));
    [
        "extraVolumeMounts",
        "extraConfigmapMounts",
        "extraSecretMounts",
    ]
    .iter()
    .filter_map(|k| release.get(&["grafana", k]).and_then(Value::as_seq))
    .flatten()
    .flat_map(mount_paths)
    .any(|m| m.trim().trim_end_matches('/') == dir || m.starts_with(&format!("{dir}/")))
        || !ctx.provisioning.is_empty()
        || release
            .get(&["grafana", "sidecar", "plugins", "enabled"])
            .is_some_and(Value::is_truthy)
}

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    if !ctx.air_gapped || !ctx.hosts_grafana() {
        return;
    }
    let release = ctx.release;
    let plugins_key = ["grafana", "plugins"];
    let plugins = release.get(&plugins_key);
    // a non-empty list downloads: OC040's finding, not this one
    if plugins.is_some_and(Value::is_truthy) {
        return;
    }
    if install_source(ctx).is_some() {
        return;
    }
    let mut assumptions = Vec::new();
    let image = grafana_image(ctx);
    if let Some(image) = image.as_ref().filter(|i| !i.public()) {
        assumptions.push(format!(
            "`{}/{}` is a mirror of the stock Grafana image",
            image.registry, image.path
        ));
    }
    if release
        .get(&["grafana", "persistence", "existingClaim"])
        .is_some_and(Value::is_truthy)
    {
        assumptions.push(format!(
            "the claim in `{}` does not already hold the plugin",
            ctx.grafana_key("persistence.existingClaim")
        ));
    }
    let location: Location = match plugins {
        Some(value) => release.locate(value, &plugins_key, true),
        None => release.blame(&plugins_key),
    };
    let args = json!({
        "provisioned": provisioning_mounted(ctx),
        "assumed": assumptions.join(" and "),
        "plugins": plugins_path(ctx),
    });
    if assumptions.is_empty() {
        out.emit("not-installed", args, location);
    } else {
        out.emit("not-installed-assumed", args, location);
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
    fn stock_tags_and_mount_paths() {
        assert!(stock_tag(""));
        assert!(stock_tag("11.1.4"));
        assert!(stock_tag("v10.4.2-ubuntu"));
        assert!(!stock_tag("11.1.4-oncall-1.16.9"));
        assert!(!stock_tag("latest"));
        assert!(touches("/var/lib/grafana", "/var/lib/grafana/plugins"));
        assert!(touches(
            "/var/lib/grafana/plugins/grafana-oncall-app/",
            "/var/lib/grafana/plugins"
        ));
        assert!(!touches("/var/lib/grafana-x", "/var/lib/grafana/plugins"));
        assert!(!touches(
            "/etc/grafana/provisioning",
            "/var/lib/grafana/plugins"
        ));
    }
}
