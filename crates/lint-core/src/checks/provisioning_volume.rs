//! OC030 provisioning-volume: a user `grafana.extraVolumes` replaces the chart's list; the
//! `provisioning` volume that `grafana.extraVolumeMounts` still mounts must stay in it.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::model::names::CHART_CONFIGMAP;
use crate::model::provisioning::objects;
use crate::model::volumes::{
    PLUGIN_PROVISIONING_DIR, block_item, chart_provisioning_misfits, configmap_volume, default_item,
};
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
        /// What the item is (`the chart's item`, or one of the user's ConfigMap).
        what: String,
        /// The volume item to add, as YAML.
        item: String,
    },
    /// A null `extraVolumes` deletes the chart's list and the mounted volume.
    Deleted {
        /// The volume's name.
        name: String,
        /// What the item is (`the chart's item`, or one of the user's ConfigMap).
        what: String,
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
        let replaced = release.user_sets(&volumes_path);
        let location = if replaced {
            release.blame(&volumes_path)
        } else {
            release.locate(mount, &["grafana", "extraVolumeMounts"], false)
        };
        let chart_item = default_volumes.and_then(Value::as_seq).and_then(|items| {
            items
                .iter()
                .find(|v| v.get(&["name"]).and_then(Value::as_str) == Some(name.as_str()))
        });
        // the chart's own item, restored; or pointed at the provisioning the user wrote
        let restore = match chart_item {
            Some(item) if replaced => Some(restore(ctx, mount, item, out.grafana_prefix())),
            _ => None,
        };
        let (what, item) = match &restore {
            Some(r) => (r.what.clone(), block_item(&r.item)),
            None => (
                "the chart's item".to_owned(),
                default_item(default_volumes, &name).unwrap_or_else(|| {
                    format!("- name: {name}\n  configMap:\n    name: <your provisioning ConfigMap>")
                }),
            ),
        };
        let fix = restore.and_then(|r| {
            ctx.fix_at(
                volumes,
                r.title,
                r.applicability,
                vec![Op::Append {
                    path: path(&volumes_path),
                    item: r.item,
                }],
            )
        });
        let message = match (replaced, volumes.is_some()) {
            (true, true) => Message::Dropped { name, what, item },
            // a `null` (or empty) value deleted the chart's list
            (true, false) => Message::Deleted { name, what, item },
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

/// The fix that adds the provisioning volume back.
struct Restore {
    /// The item to append.
    item: Value,
    /// How the help names it.
    what: String,
    /// The fix's title.
    title: String,
    /// How safe it is.
    applicability: Applicability,
}

/// The volume to add back for `mount`: the chart's `item` pointed at the one ConfigMap of
/// the user's that holds the plugin provisioning (safe when the mounted file is its key;
/// unsafe when it takes `items` to map the key to the mounted file); else the chart's item
/// as it is: safe for a release it fits (`helm-testing`), unsafe when the release is not
/// named (OC004 warns that it fits only `helm-testing`), and shown only, with the command
/// that renders provisioning for the release, when it names another release's engine (OC004
/// would flag what the fix wrote).
fn restore(ctx: &CheckContext<'_>, mount: &Value, item: &Value, prefix: &str) -> Restore {
    let release = ctx.release;
    let name = item
        .get(&["name"])
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let own: Vec<_> = objects(release, ctx.provisioning)
        .into_iter()
        .filter(|o| !o.secret)
        .collect();
    if let [own] = own.as_slice() {
        let sub_path = mount
            .get(&["subPath"])
            .and_then(Value::scalar_string)
            .filter(|s| !s.is_empty());
        let fits = |k: &String| sub_path.as_ref().is_none_or(|s| s == k);
        let (key, items) = match own.keys.iter().find(|k| fits(k)) {
            Some(key) => (key.clone(), None),
            None => {
                let key = own.keys.first().cloned().unwrap_or_default();
                (key.clone(), sub_path.map(|path| (key, path)))
            }
        };
        let volume = configmap_volume(
            &name,
            &own.name,
            items.as_ref().map(|(k, p)| (k.as_str(), p.as_str())),
        );
        let mapped = match &items {
            Some((_, path)) => format!(", its key `{key}` as `{path}`"),
            None => format!(", its key `{key}`"),
        };
        return Restore {
            item: volume,
            what: format!("an item that mounts your ConfigMap `{}`", own.name),
            title: format!(
                "add the `{name}` volume back to `{prefix}extraVolumes`, of your ConfigMap `{}`{mapped}",
                own.name
            ),
            applicability: if items.is_some() {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            },
        };
    }
    if chart_provisioning_misfits(release) {
        return render_instead(release, item, &name);
    }
    if crate::model::names::engine_service(release).is_none() {
        // the release is not named: the chart's provisioning fits only if it is `helm-testing`
        return Restore {
            item: item.clone(),
            what: "the chart's item".to_owned(),
            title: format!(
                "add the chart's `{name}` volume back to `{prefix}extraVolumes` (it mounts `{CHART_CONFIGMAP}`, written for a release named `helm-testing`; for another release, `oncall-lint render provisioning --release <release> --namespace <namespace> --merge-into <values file>` writes the provisioning that fits)"
            ),
            applicability: Applicability::Unsafe,
        };
    }
    Restore {
        item: item.clone(),
        what: "the chart's item".to_owned(),
        title: format!("add the chart's `{name}` volume back to `{prefix}extraVolumes`"),
        applicability: Applicability::Safe,
    }
}

/// The chart's item, shown only: for this release it would mount provisioning written for
/// `helm-testing`; the title gives the command that renders provisioning for the release.
fn render_instead(release: &crate::release::Release, item: &Value, name: &str) -> Restore {
    let identity = &release.identity;
    let file = release
        .get(&["grafana", "extraVolumes"])
        .and_then(Value::site)
        .and_then(|site| release.layers.get(site.layer))
        .or_else(|| release.layers.last())
        .map_or_else(|| "<values file>".to_owned(), |l| l.source.path().to_owned());
    Restore {
        item: item.clone(),
        what: "the chart's item".to_owned(),
        title: format!(
            "the chart's `{name}` volume mounts `{CHART_CONFIGMAP}`, written for a release named `helm-testing`: run `oncall-lint render provisioning --release {} --namespace {} --merge-into {file}` instead",
            identity.name.as_deref().unwrap_or("<release>"),
            identity.namespace.as_deref().unwrap_or("<namespace>"),
        ),
        applicability: Applicability::DisplayOnly,
    }
}
