//! OC030 provisioning-volume: a user `grafana.extraVolumes` replaces the chart's list; the
//! `provisioning` volume that `grafana.extraVolumeMounts` still mounts must stay in it.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::model::volumes::{PLUGIN_PROVISIONING_DIR, default_item};
use crate::release::InputKind;
use crate::values::Value;

/// Lists of the grafana chart that also create pod volumes, by item `name`.
const OTHER_VOLUME_LISTS: [&str; 4] = [
    "extraConfigmapMounts",
    "extraSecretMounts",
    "extraContainerVolumes",
    "extraEmptyDirMounts",
];

/// What OC030 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A user `extraVolumes` list drops the mounted volume.
    Dropped {
        /// The volume's name.
        name: String,
        /// The volume item to add, as YAML.
        item: String,
    },
    /// A null `extraVolumes` deletes the chart's list and the mounted volume.
    Deleted {
        /// The volume's name.
        name: String,
        /// The volume item to add, as YAML.
        item: String,
    },
    /// A provisioning mount names no pod volume.
    MountWithoutVolume {
        /// The volume's name.
        name: String,
        /// Where the volume is mounted.
        mount_path: String,
        /// The volume item to add, as YAML.
        item: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues || !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let Some(mounts) = release
        .get(&["grafana", "extraVolumeMounts"])
        .and_then(Value::as_seq)
    else {
        return;
    };
    let volumes_path = ["grafana", "extraVolumes"];
    let volumes = release.get(&volumes_path);
    let mut defined: Vec<String> = names(volumes);
    for list in OTHER_VOLUME_LISTS {
        defined.extend(names(release.get(&["grafana", list])));
    }
    let default_volumes = release.defaults().get(&volumes_path);
    for (index, mount) in mounts.iter().enumerate() {
        let Some(name) = mount.get(&["name"]).and_then(Value::scalar_string) else {
            continue;
        };
        let mount_path = mount
            .get(&["mountPath"])
            .and_then(Value::scalar_string)
            .unwrap_or_default();
        if !mount_path.starts_with(PLUGIN_PROVISIONING_DIR) || defined.contains(&name) {
            continue;
        }
        let item = default_item(default_volumes, &name);
        let replaced = release.user_sets(&volumes_path);
        let item = item.unwrap_or_else(|| {
            format!("- name: {name}\n  configMap:\n    name: <your provisioning ConfigMap>")
        });
        let location = if replaced {
            release.blame(&volumes_path)
        } else {
            release.locate(mount, &["grafana", "extraVolumeMounts"], false)
        };
        let fix = match default_volumes.and_then(Value::as_seq).and_then(|items| {
            items
                .iter()
                .find(|v| v.get(&["name"]).and_then(Value::as_str) == Some(name.as_str()))
        }) {
            // the chart's own item: restoring it is exactly what the chart rendered
            Some(item) if replaced => ctx.fix_at(
                volumes,
                format!(
                    "add the chart's `{name}` volume back to `{}extraVolumes`",
                    out.grafana_prefix()
                ),
                Applicability::Safe,
                vec![Op::Append {
                    path: path(&volumes_path),
                    item: item.clone(),
                }],
            ),
            _ => None,
        };
        let message = match (replaced, volumes.is_some()) {
            (true, true) => Message::Dropped { name, item },
            // a `null` (or empty) value deleted the chart's list
            (true, false) => Message::Deleted { name, item },
            (false, _) => Message::MountWithoutVolume {
                name,
                mount_path,
                item,
            },
        };
        let diagnostic = out.emit(message, location);
        diagnostic.with_fix(fix);
        if replaced && mount.site().is_some() {
            let mount_path_keys = ["grafana", "extraVolumeMounts"];
            let related = release.locate(mount, &mount_path_keys, false);
            diagnostic.with_related(related, format!("mounted here as item {index}"));
        }
    }
}

fn names(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_seq)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.get(&["name"]).and_then(Value::scalar_string))
                .collect()
        })
        .unwrap_or_default()
}
