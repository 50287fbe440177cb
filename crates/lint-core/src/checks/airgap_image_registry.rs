//! OC045 airgap-image-registry: when the values move images to a private registry, every
//! image the release deploys must come from one; an image left at its public default
//! (Docker Hub, quay.io, the Kubernetes registry) cannot be pulled in an air-gapped cluster.
//!
//! "Private" is what the values themselves use: `global.imageRegistry` and the registries of
//! the images a user set. With none, the rule says nothing (the nodes may mirror public
//! registries transparently).

use serde::Serialize;
use serde_json::json;

use super::{CheckContext, Emitter};
use crate::diagnostic::Applicability;
use crate::fix::build::{combined, merge_ops};
use crate::model::images::{self, Image, ImageRef, public_registry};
use crate::release::InputKind;
use crate::values::Value;

/// What OC045 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// An image left at its public registry while the values use a private one.
    Public {
        /// The image reference.
        image: String,
        /// What runs it (`the oncall engine`).
        component: String,
        /// The public registry it comes from.
        registry: String,
        /// The private registry the values use.
        private: String,
        /// The key to set.
        key: String,
        /// The value to set it to.
        suggest: String,
    },
    /// A registry host written into the repository, which the chart prefixes with its
    /// public registry key anyway.
    Doubled {
        /// The image reference.
        image: String,
        /// What runs it.
        component: String,
        /// The public registry it comes from.
        registry: String,
        /// The registry key to set.
        key: String,
        /// The registry named in the repository, to set the key to.
        suggest: String,
        /// The repository key.
        repo_key: String,
        /// The repository after the registry, to set the repository key to.
        rest: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.air_gapped || ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let images = images::deployed(ctx.release);
    let registries = images::private_registries(ctx.release, &images);
    let Some(private) = registries.first() else {
        return;
    };
    public_images(ctx, &images, private, out);
    // extra init containers the user wrote with a public image
    if !ctx.grafana().bundled() {
        return;
    }
    public_init_containers(ctx, private, out);
}

/// The images the release deploys that are left at a public registry, with one fix for all
/// of them on the first finding.
fn public_images(
    ctx: &CheckContext<'_>,
    images: &[Image<'_>],
    private: &str,
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    // the settings that fix them all
    let mut all_ops = Vec::new();
    let mut findings = Vec::new();
    for image in images {
        let host = ImageRef::parse(&image.reference).registry;
        if !public_registry(&host) {
            continue;
        }
        let suggest = match &image.doubled {
            Some(host) => host.clone(),
            None if image.registry_key => private.to_owned(),
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
        let message = public_image_message(image, host, private, suggest, &repo_key);
        findings.push((message, location));
    }
    // one fix for all of them, on the first finding
    let count = findings.len();
    let mut fix = combined(
        release,
        format!(
            "move the {count} public image{} to `{private}`",
            if count == 1 { "" } else { "s" }
        ),
        Applicability::Unsafe,
        merge_ops(release, &all_ops),
    );
    for (message, location) in findings {
        out.emit(message, location).with_fix(fix.take());
    }
}

/// The message for an image left at the public registry `host`: a registry written into
/// the repository (its key `repo_key`), else a public image; `suggest` is the value to set.
fn public_image_message(
    image: &Image<'_>,
    host: String,
    private: &str,
    suggest: String,
    repo_key: &[&str],
) -> Message {
    if image.doubled.is_some() {
        Message::Doubled {
            image: image.reference.clone(),
            component: image.component.to_owned(),
            registry: host,
            key: image.key.join("."),
            suggest,
            repo_key: repo_key.join("."),
            rest: image.rest.clone(),
        }
    } else {
        Message::Public {
            image: image.reference.clone(),
            component: image.component.to_owned(),
            registry: host,
            private: private.to_owned(),
            key: image.key.join("."),
            suggest,
        }
    }
}

/// The `grafana.extraInitContainers` a user wrote with a public image.
fn public_init_containers(ctx: &CheckContext<'_>, private: &str, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let init_key = ["grafana", "extraInitContainers"];
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
            Message::Public {
                image: text.trim().to_owned(),
                component: "a Grafana init container".to_owned(),
                registry: parsed.registry,
                private: private.to_owned(),
                key: key_path.to_string(),
                suggest: format!("{private}/{}", parsed.path),
            },
            location,
        );
    }
}
