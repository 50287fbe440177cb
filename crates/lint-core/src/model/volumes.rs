//! The Grafana pod's volumes as the grafana chart builds them: the lists whose items are
//! pod volumes, the volumes the pod template defines itself, and the oncall chart's own
//! provisioning volume.

use super::grafana::Grafana;
use super::names::CHART_CONFIGMAP;
use crate::release::{InputKind, Release};
use crate::values::{Kind, Value};

/// Where Grafana reads plugin provisioning.
pub(crate) const PLUGIN_PROVISIONING_DIR: &str = "/etc/grafana/provisioning/plugins";

/// Lists of the grafana chart whose items each create a pod volume named by `name`.
pub(crate) const VOLUME_LISTS: [&str; 5] = [
    "extraVolumes",
    "extraConfigmapMounts",
    "extraSecretMounts",
    "extraEmptyDirMounts",
    "extraContainerVolumes",
];

/// Volumes the grafana chart's pod template defines itself (some only when a feature is on;
/// they are all accepted, so a mount of one never raises a false alarm).
pub(crate) const BUILT_IN: [&str; 4] = ["config", "config-secret", "storage", "ldap"];

/// The `grafana.extraVolumes` item that mounts the chart's own provisioning ConfigMap into
/// the bundled Grafana's provisioning directory (chart 1.9.23 and later), if any.
pub(crate) fn chart_provisioning_volume(release: &Release) -> Option<&Value> {
    if release.kind != InputKind::OncallValues || !Grafana::of(release).bundled() {
        return None;
    }
    // the grafana chart 6.57.1 era (oncall 1.9.22 and older) has no provisioning template
    if release.chart.first < (1, 9, 23) {
        return None;
    }
    let volume = release
        .get(&["grafana", "extraVolumes"])
        .and_then(Value::as_seq)?
        .iter()
        .find(|item| {
            item.get(&["configMap", "name"]).and_then(Value::as_str) == Some(CHART_CONFIGMAP)
        })?;
    let volume_name = volume.get(&["name"]).and_then(Value::scalar_string)?;
    let mounted = release
        .get(&["grafana", "extraVolumeMounts"])
        .and_then(Value::as_seq)
        .is_some_and(|mounts| {
            mounts.iter().any(|m| {
                m.get(&["name"]).and_then(Value::scalar_string).as_deref()
                    == Some(volume_name.as_str())
                    && m.get(&["mountPath"])
                        .and_then(Value::scalar_string)
                        .is_some_and(|p| p.starts_with(PLUGIN_PROVISIONING_DIR))
            })
        });
    mounted.then_some(volume)
}

/// The chart's own list item for `name`, as block YAML, if the chart defines one.
pub(crate) fn default_item(defaults: Option<&Value>, name: &str) -> Option<String> {
    let item = defaults?
        .as_seq()?
        .iter()
        .find(|v| v.get(&["name"]).and_then(Value::as_str) == Some(name))?;
    Some(to_block_yaml(item, 0, true))
}

/// A small block-YAML printer for help text (maps, lists, plain scalars).
fn to_block_yaml(value: &Value, indent: usize, list_item: bool) -> String {
    let pad = " ".repeat(indent);
    match &value.kind {
        Kind::Map(map) => {
            let mut out = String::new();
            for (i, (k, v)) in map.iter().enumerate() {
                let lead = if list_item && i == 0 {
                    format!("{pad}- ")
                } else if list_item {
                    format!("{pad}  ")
                } else {
                    pad.clone()
                };
                let child_indent = if list_item { indent + 4 } else { indent + 2 };
                match &v.kind {
                    Kind::Map(_) | Kind::Seq(_) => {
                        out.push_str(&format!(
                            "{lead}{k}:\n{}",
                            to_block_yaml(v, child_indent, false)
                        ));
                    }
                    _ => out.push_str(&format!(
                        "{lead}{k}: {}\n",
                        v.scalar_string().unwrap_or_default()
                    )),
                }
            }
            out
        }
        Kind::Seq(items) => items
            .iter()
            .map(|v| to_block_yaml(v, indent, true))
            .collect(),
        _ => format!("{pad}{}\n", value.scalar_string().unwrap_or_default()),
    }
}
