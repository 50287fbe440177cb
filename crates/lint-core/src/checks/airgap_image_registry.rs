//! OC045 airgap-image-registry: when the values move images to a private registry, every
//! image the release deploys must come from one; an image left at its public default
//! (Docker Hub, quay.io, the Kubernetes registry) cannot be pulled in an air-gapped cluster.
//!
//! "Private" is what the values themselves use: `global.imageRegistry` and the registries of
//! the images a user set. With none, the rule says nothing (the nodes may mirror public
//! registries transparently).

use std::collections::BTreeMap;

use serde_json::json;

use super::airgap_plugin_install::{ImageRef, public_registry, with_registry};
use super::{CheckContext, Emitter, InputKind, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::Op;
use crate::values::Value;

/// An image the release deploys.
struct Image<'a> {
    /// What runs it (`the oncall engine`, `the mariadb subchart`).
    component: &'static str,
    /// The reference as the chart renders it (or the chart default, for subcharts).
    reference: String,
    /// The key to set, chart-relative.
    key: Vec<&'static str>,
    /// Whether `key` holds a registry host (else a whole repository).
    registry_key: bool,
    /// The repository after the registry, to build the suggested value.
    rest: String,
    /// The value the user wrote that decides it, if any.
    value: Option<&'a Value>,
    /// A registry host written into the repository, which the chart prefixes with its
    /// registry key anyway (`docker.io/harbor.corp/grafana/grafana`).
    doubled: Option<String>,
    /// Whether the user moved this public image to another registry (a mirror): what tells
    /// the values rewrite registries, unlike an image only their own registry has.
    mirror: bool,
}

fn text(ctx: &CheckContext<'_>, keys: &[&str]) -> Option<String> {
    ctx.release
        .get(keys)
        .and_then(Value::scalar_string)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn on(ctx: &CheckContext<'_>, keys: &[&str], default: bool) -> bool {
    ctx.release.get(keys).map_or(default, |v| v.is_truthy())
}

/// The user-set value among `keys`, first match.
fn user<'a>(ctx: &CheckContext<'a>, keys: &[&[&str]]) -> Option<&'a Value> {
    keys.iter()
        .filter_map(|k| ctx.release.get(k))
        .find(|v| v.site().is_some() && v.is_truthy())
}

/// Every image the release deploys, as far as the values say.
fn images<'a>(ctx: &CheckContext<'a>) -> Vec<Image<'a>> {
    let mut out = Vec::new();
    // the oncall chart's own pods (it has no registry key: the repository holds it)
    if let Some(repo) = text(ctx, &["image", "repository"]) {
        let mirror = ctx
            .release
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
            value: ctx.release.get(&["image", "repository"]),
            doubled: None,
        });
    }
    if on(ctx, &["ui", "enabled"], false)
        && let Some(repo) = text(ctx, &["ui", "image", "repository"])
    {
        out.push(Image {
            component: "the oncall UI pod",
            rest: ImageRef::parse(&repo).path,
            reference: repo,
            key: vec!["ui", "image", "repository"],
            registry_key: false,
            value: ctx.release.get(&["ui", "image", "repository"]),
            doubled: None,
            mirror: false,
        });
    }
    if ctx.bundled_grafana() {
        grafana_images(ctx, &mut out);
    }
    for (chart, component) in [
        ("mariadb", "the mariadb subchart"),
        ("postgresql", "the postgresql subchart"),
        ("rabbitmq", "the rabbitmq subchart"),
        ("redis", "the redis subchart"),
    ] {
        if !on(ctx, &[chart, "enabled"], false) {
            continue;
        }
        let value = user(
            ctx,
            &[&["global", "imageRegistry"], &[chart, "image", "registry"]],
        );
        let registry = value
            .and_then(Value::scalar_string)
            .unwrap_or_else(|| "docker.io".into());
        let repo = text(ctx, &[chart, "image", "repository"])
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
    if on(ctx, &["cert-manager", "enabled"], false) {
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
            let base: Vec<&'static str> = prefix.into_iter().chain(["image"]).collect();
            let mut repo_key = vec!["cert-manager"];
            repo_key.extend(&base);
            repo_key.push("repository");
            if let Some(p) = prefix
                && !on(ctx, &["cert-manager", p, "enabled"], true)
            {
                continue;
            }
            let value = ctx.release.get(&repo_key).filter(|v| v.site().is_some());
            let repo = value
                .and_then(Value::scalar_string)
                .unwrap_or_else(|| format!("quay.io/jetstack/{name}"));
            let mut registry_path = repo_key.clone();
            registry_path.pop();
            registry_path.push("registry");
            let reference = match text(ctx, &registry_path) {
                Some(registry) => format!("{registry}/{repo}"),
                None => repo.clone(),
            };
            out.push(Image {
                component,
                rest: format!("jetstack/{name}"),
                reference,
                key: repo_key,
                registry_key: false,
                mirror: value.is_some() && repo.ends_with(&format!("jetstack/{name}")),
                value,
                doubled: None,
            });
        }
    }
    if on(ctx, &["ingress-nginx", "enabled"], false) {
        let mut add = |keys: [&'static str; 3], image: &str, component: &'static str| {
            let mut registry_key = vec!["ingress-nginx"];
            registry_key.extend(keys);
            let value = user(
                ctx,
                &[
                    &registry_key,
                    &["ingress-nginx", "global", "image", "registry"],
                ],
            );
            let registry = value
                .and_then(Value::scalar_string)
                .unwrap_or_else(|| "k8s.gcr.io".into());
            out.push(Image {
                component,
                reference: format!("{}/{image}", registry.trim()),
                key: registry_key,
                registry_key: true,
                rest: image.to_owned(),
                mirror: value.is_some(),
                value,
                doubled: None,
            });
        };
        add(
            ["controller", "image", "registry"],
            "ingress-nginx/controller",
            "the ingress-nginx controller",
        );
        if on(
            ctx,
            &[
                "ingress-nginx",
                "controller",
                "admissionWebhooks",
                "enabled",
            ],
            true,
        ) && on(
            ctx,
            &[
                "ingress-nginx",
                "controller",
                "admissionWebhooks",
                "patch",
                "enabled",
            ],
            true,
        ) {
            let mut registry_key = vec!["ingress-nginx", "controller", "admissionWebhooks"];
            registry_key.extend(["patch", "image", "registry"]);
            let value = user(ctx, &[&registry_key]);
            let registry = value
                .and_then(Value::scalar_string)
                .unwrap_or_else(|| "k8s.gcr.io".into());
            out.push(Image {
                component: "the ingress-nginx admission webhook job",
                reference: format!("{}/ingress-nginx/kube-webhook-certgen", registry.trim()),
                key: registry_key,
                registry_key: true,
                rest: "ingress-nginx/kube-webhook-certgen".into(),
                mirror: value.is_some(),
                value,
                doubled: None,
            });
        }
    }
    out
}

/// The grafana pod's images: Grafana, `initChownData`, the sidecar, the dashboards
/// downloader, the image renderer, and `extraInitContainers`.
fn grafana_images<'a>(ctx: &CheckContext<'a>, out: &mut Vec<Image<'a>>) {
    let six = ctx.release.chart.grafana_chart.starts_with("6.");
    let parts: [(&'static str, [&'static str; 3], bool); 5] = [
        ("the bundled Grafana", ["grafana", "image", ""], true),
        (
            "the Grafana init container `init-chown-data`",
            ["grafana", "initChownData", "image"],
            on(ctx, &["grafana", "persistence", "enabled"], false)
                && on(ctx, &["grafana", "initChownData", "enabled"], false),
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
            .any(|s| on(ctx, &["grafana", "sidecar", s, "enabled"], false)),
        ),
        (
            "the Grafana dashboards downloader",
            ["grafana", "downloadDashboardsImage", ""],
            on(ctx, &["grafana", "dashboards"], false),
        ),
        (
            "the Grafana image renderer",
            ["grafana", "imageRenderer", "image"],
            on(ctx, &["grafana", "imageRenderer", "enabled"], false),
        ),
    ];
    for (component, base, deployed) in parts {
        if !deployed {
            continue;
        }
        let base: Vec<&'static str> = base.into_iter().filter(|k| !k.is_empty()).collect();
        let mut repo_key = base.clone();
        repo_key.push("repository");
        let mut registry_key = base.clone();
        registry_key.push("registry");
        let Some(repo) = text(ctx, &repo_key) else {
            continue;
        };
        let reference = with_registry(ctx, &registry_key, &repo);
        let parsed = ImageRef::parse(&reference);
        // the chart's own image, moved: not a custom image only the user's registry has
        let default_path = ctx
            .release
            .chart
            .defaults()
            .get(&repo_key)
            .and_then(Value::scalar_string)
            .map(|r| ImageRef::parse(&r).path);
        let repo_written = ctx
            .release
            .get(&repo_key)
            .is_some_and(|v| v.site().is_some());
        let stock = !repo_written || default_path.as_deref() == Some(parsed.path.as_str());
        if six {
            out.push(Image {
                component,
                rest: parsed.path,
                reference,
                value: ctx.release.get(&repo_key).filter(|v| v.site().is_some()),
                key: repo_key,
                registry_key: false,
                doubled: None,
                mirror: repo_written && stock,
            });
        } else {
            let value = user(
                ctx,
                &[&["global", "imageRegistry"], &registry_key, &repo_key],
            );
            // a registry written into the repository: the chart still prefixes its own
            let first = repo.split('/').next().unwrap_or_default();
            let doubled = (repo.contains('/')
                && (first.contains('.') || first.contains(':') || first == "localhost")
                && ImageRef::parse(&reference).registry != first.to_ascii_lowercase())
            .then(|| first.to_ascii_lowercase());
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

/// The private registries the values use, most used first (`global.imageRegistry` wins).
fn private_registries(ctx: &CheckContext<'_>, images: &[Image<'_>]) -> Vec<String> {
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
    if let Some(global) = ctx
        .release
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

/// Operations that set every `(keys, value)`: keys the files already have are set in
/// place; a missing key is inserted once, with everything below it as one map (several
/// insertions under one new parent would clash).
pub fn merge_ops(ctx: &CheckContext<'_>, settings: &[(Vec<&str>, serde_json::Value)]) -> Vec<Op> {
    let mut tree = serde_json::Map::new();
    for (keys, value) in settings {
        let mut node = &mut tree;
        for (i, key) in keys.iter().enumerate() {
            if i + 1 == keys.len() {
                node.insert((*key).to_owned(), value.clone());
            } else {
                let entry = node
                    .entry((*key).to_owned())
                    .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                if !entry.is_object() {
                    *entry = serde_json::Value::Object(serde_json::Map::new());
                }
                match entry.as_object_mut() {
                    Some(map) => node = map,
                    None => break,
                }
            }
        }
    }
    let mut ops = Vec::new();
    walk(ctx, &mut Vec::new(), &tree, &mut ops);
    ops
}

fn walk(
    ctx: &CheckContext<'_>,
    at: &mut Vec<String>,
    tree: &serde_json::Map<String, serde_json::Value>,
    ops: &mut Vec<Op>,
) {
    let origin = crate::values::Origin::Default {
        chart: "fix",
        version: "",
    };
    for (key, child) in tree {
        at.push(key.clone());
        let keys: Vec<&str> = at.iter().map(String::as_str).collect();
        let exists = ctx.release.user_sets(&keys);
        match child {
            serde_json::Value::Object(map) if exists => walk(ctx, at, map, ops),
            serde_json::Value::Object(_) => ops.push(Op::Replace {
                path: path(&keys),
                value: Value::from_json(child, &origin),
            }),
            _ if exists => ops.push(Op::SetScalar {
                path: path(&keys),
                value: Value::from_json(child, &origin),
            }),
            _ => ops.push(Op::Replace {
                path: path(&keys),
                value: Value::from_json(child, &origin),
            }),
        }
        at.pop();
    }
}

/// One fix made of `ops` in the last file: each operation is compiled on its own and
/// insertions at the same place are joined (the fix builder refuses two edits at one
/// place), so several keys can be added under one parent.
pub fn combined_fix(
    ctx: &CheckContext<'_>,
    title: String,
    applicability: Applicability,
    ops: Vec<Op>,
) -> Option<Fix> {
    let mut edits: Vec<crate::diagnostic::Edit> = Vec::new();
    // insertions at one place, joined deepest first: at the end of nested blocks the
    // innermost block's new keys must come before its parents'
    let mut inserts: Vec<(usize, Vec<String>)> = Vec::new();
    let mut targets = Vec::new();
    for op in ops {
        let fix = ctx.fix_at(None, title.clone(), applicability, vec![op])?;
        targets.extend(fix.targets);
        for edit in fix.edits {
            let same = edits.iter().position(|e| {
                e.file.path() == edit.file.path() && e.range == edit.range && e.range.is_empty()
            });
            match same {
                Some(index) => match inserts.iter_mut().find(|(i, _)| *i == index) {
                    Some((_, texts)) => texts.push(edit.replacement),
                    None => inserts.push((index, vec![edit.replacement])),
                },
                None if edit.range.is_empty() => {
                    inserts.push((edits.len(), vec![edit.replacement.clone()]));
                    edits.push(edit);
                }
                None => edits.push(edit),
            }
        }
    }
    let indent = |text: &str| {
        text.lines()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start().len())
    };
    for (index, mut texts) in inserts {
        texts.sort_by_key(|t| std::cmp::Reverse(indent(t)));
        if let Some(edit) = edits.get_mut(index) {
            edit.replacement = texts.concat();
        }
    }
    let mut ranges: Vec<_> = edits
        .iter()
        .map(|e| (e.file.path().to_owned(), e.range.clone()))
        .collect();
    ranges.sort_by(|a, b| (&a.0, a.1.start, a.1.end).cmp(&(&b.0, b.1.start, b.1.end)));
    let disjoint = ranges
        .windows(2)
        .all(|w| w[0].0 != w[1].0 || (w[0].1.end <= w[1].1.start && w[0].1 != w[1].1));
    (disjoint && !edits.is_empty()).then_some(Fix {
        title,
        applicability,
        edits,
        targets,
    })
}

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    if !ctx.air_gapped || ctx.input != InputKind::OncallValues {
        return;
    }
    let images = images(ctx);
    let registries = private_registries(ctx, &images);
    let Some(private) = registries.first() else {
        return;
    };
    let release = ctx.release;
    // the settings that fix them all
    let mut all_ops = Vec::new();
    let mut findings = Vec::new();
    for image in &images {
        let host = ImageRef::parse(&image.reference).registry;
        if !public_registry(&host) {
            continue;
        }
        let suggest = match &image.doubled {
            Some(host) => host.clone(),
            None if image.registry_key => private.clone(),
            None => format!("{private}/{}", image.rest),
        };
        let location = match image.value {
            Some(v) => release.locate(v, &image.key, false),
            None => release.blame(&image.key),
        };
        all_ops.push((image.key.clone(), json!(suggest)));
        let mut repo_key = image.key.clone();
        if image.doubled.is_some() {
            repo_key.pop();
            repo_key.push("repository");
            all_ops.push((repo_key.clone(), json!(image.rest)));
        }
        let key = if image.doubled.is_some() {
            "doubled"
        } else {
            "public"
        };
        findings.push((
            image.key.clone(),
            key,
            json!({
                "image": image.reference,
                "component": image.component,
                "registry": host,
                "private": private,
                "key": image.key.join("."),
                "repo_key": repo_key.join("."),
                "rest": image.rest,
                "suggest": suggest,
            }),
            location,
        ));
    }
    // one fix for all of them, on the first finding
    let count = findings.len();
    let mut fix = combined_fix(
        ctx,
        format!(
            "move the {count} public image{} to `{private}`",
            if count == 1 { "" } else { "s" }
        ),
        Applicability::Unsafe,
        merge_ops(ctx, &all_ops),
    );
    for (_, key, args, location) in findings {
        out.emit(key, args, location).with_fix(fix.take());
    }
    // extra init containers the user wrote with a public image
    let init_key = ["grafana", "extraInitContainers"];
    if !ctx.bundled_grafana() {
        return;
    }
    let init = release
        .get(&init_key)
        .and_then(Value::as_seq)
        .unwrap_or_default();
    for (index, container) in init.iter().enumerate() {
        let Some(value) = container.get(&["image"]) else {
            continue;
        };
        let (Some(text), Some(site)) = (value.as_str(), value.site()) else {
            continue;
        };
        let parsed = ImageRef::parse(text);
        if !parsed.public() {
            continue;
        }
        let key_path = release.key_path(&init_key).index(index).key("image");
        let location = release.site_location(site, key_path.clone(), false);
        out.emit(
            "public",
            json!({
                "image": text.trim(),
                "component": "a Grafana init container",
                "registry": parsed.registry,
                "private": private,
                "key": key_path.to_string(),
                "suggest": format!("{private}/{}", parsed.path),
            }),
            location,
        );
    }
}
