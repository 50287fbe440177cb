//! OC031 provisioning-mount: a user `grafana.extraVolumeMounts` replaces the chart's list;
//! the mount of the plugin provisioning file must stay in it, or the plugin is never
//! configured.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::model::volumes::{PLUGIN_PROVISIONING_DIR, default_item};
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// Lists of the grafana chart whose items mount something at their `mountPath`.
const MOUNT_LISTS: [&str; 3] = [
    "extraVolumeMounts",
    "extraConfigmapMounts",
    "extraSecretMounts",
];

/// What OC031 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A user `extraVolumeMounts` list drops the provisioning mount; the volume is kept.
    Dropped {
        /// The mount's (and volume's) name.
        name: String,
        /// The chart's mount item, as YAML.
        item: String,
    },
    /// A null `extraVolumeMounts` deletes the provisioning mount; the volume is kept.
    Deleted {
        /// The mount's (and volume's) name.
        name: String,
        /// The chart's mount item, as YAML.
        item: String,
    },
    /// The provisioning mount and its volume are both gone.
    DroppedWithVolume {
        /// The mount's (and volume's) name.
        name: String,
        /// The chart's mount item, as YAML.
        item: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues || !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let mounts_path = ["grafana", "extraVolumeMounts"];
    if !release.user_sets(&mounts_path) {
        return;
    }
    // the chart's own provisioning mount (charts 1.9.23 and later have one)
    let defaults = release.defaults();
    let Some(default_mount) = defaults
        .get(&mounts_path)
        .and_then(Value::as_seq)
        .and_then(|items| items.iter().find(|m| provisions(m)))
    else {
        return;
    };
    // provisioning mounted another way, or by the plugins sidecar
    let provisioned = MOUNT_LISTS.iter().any(|list| {
        release
            .get(&["grafana", list])
            .and_then(Value::as_seq)
            .is_some_and(|items| items.iter().any(provisions))
    });
    let sidecar = release
        .get(&["grafana", "sidecar", "plugins", "enabled"])
        .is_some_and(Value::is_truthy);
    if provisioned || sidecar {
        return;
    }
    let name = default_mount
        .get(&["name"])
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    // the volume is still there: the mount was dropped by accident, and adding it back is
    // exactly what the chart rendered
    let volume_kept = release
        .get(&["grafana", "extraVolumes"])
        .and_then(Value::as_seq)
        .is_some_and(|items| {
            items
                .iter()
                .any(|v| v.get(&["name"]).and_then(Value::scalar_string).as_deref() == Some(&name))
        });
    let mounts = release.get(&mounts_path);
    let item = default_item(defaults.get(&mounts_path), &name).unwrap_or_default();
    let op = match mounts {
        Some(_) => Op::Append {
            path: path(&mounts_path),
            item: default_mount.clone(),
        },
        None => Op::Replace {
            path: path(&mounts_path),
            value: Value::new(
                Kind::Seq(vec![default_mount.clone()]),
                default_mount.origin.clone(),
            ),
        },
    };
    let fix = volume_kept
        .then(|| {
            ctx.fix_at(
                mounts,
                format!(
                    "add the chart's `{name}` mount back to `{}extraVolumeMounts`",
                    out.grafana_prefix()
                ),
                Applicability::Safe,
                vec![op],
            )
        })
        .flatten();
    let location = release.blame(&mounts_path);
    let message = match (mounts.is_some(), volume_kept) {
        (true, true) => Message::Dropped { name, item },
        (false, true) => Message::Deleted { name, item },
        (_, false) => Message::DroppedWithVolume { name, item },
    };
    out.emit(message, location).with_fix(fix);
}

/// Whether a mount item puts something into Grafana's plugin provisioning directory.
fn provisions(mount: &Value) -> bool {
    mount
        .get(&["mountPath"])
        .and_then(Value::scalar_string)
        .is_some_and(|p| p.starts_with(PLUGIN_PROVISIONING_DIR))
}
