//! OC032 volume-name-resolves: every volume a Grafana container or init container mounts
//! must be a volume of the pod, or Kubernetes rejects the pod.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::model::volumes::{BUILT_IN, PLUGIN_PROVISIONING_DIR, VOLUME_LISTS};
use crate::values::Value;

/// What OC032 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A mount names no volume of the pod.
    Unresolved {
        /// The container that mounts it, as messages name it.
        container: String,
        /// The volume's name.
        name: String,
        /// Where it is mounted (empty when not given).
        mount_path: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let grafana = |key: &str| release.get(&["grafana", key]);
    let mut defined: Vec<String> = Vec::new();
    let mut lists: Vec<&str> = VOLUME_LISTS.to_vec();
    // before grafana chart 6.60.6 the chart made a volume of each `extraVolumeMounts` item
    let old_api = release.grafana_chart().starts_with("6.");
    if old_api {
        lists.push("extraVolumeMounts");
    }
    for list in lists {
        defined.extend(names(grafana(list)));
    }
    let resolves = |name: &str| {
        BUILT_IN.contains(&name)
            || name.starts_with("sc-")
            || name.starts_with("dashboards-")
            || defined.iter().any(|d| d == name)
    };
    let base = release.key_path(&["grafana"]);
    let mut report = |item: &Value, key_path: crate::path::KeyPath, container: &str| {
        let Some(name_value) = item.get(&["name"]) else {
            return;
        };
        let Some(site) = name_value.site() else {
            return;
        };
        let Some(name) = name_value.scalar_string() else {
            return;
        };
        let mount_path = item
            .get(&["mountPath"])
            .and_then(Value::scalar_string)
            .unwrap_or_default();
        // a provisioning mount without its volume is OC030's
        if resolves(&name) || mount_path.starts_with(PLUGIN_PROVISIONING_DIR) {
            return;
        }
        let location = release.site_location(site, key_path.key("name"), false);
        out.emit(
            Message::Unresolved {
                container: container.to_owned(),
                name,
                mount_path,
            },
            location,
        );
    };
    if !old_api && let Some(mounts) = grafana("extraVolumeMounts").and_then(Value::as_seq) {
        for (i, mount) in mounts.iter().enumerate() {
            let path = base.key("extraVolumeMounts").index(i);
            report(mount, path, "the Grafana container");
        }
    }
    if let Some(inits) = grafana("extraInitContainers").and_then(Value::as_seq) {
        for (i, init) in inits.iter().enumerate() {
            let container = init
                .get(&["name"])
                .and_then(Value::scalar_string)
                .map_or_else(
                    || format!("init container {i}"),
                    |n| format!("init container `{n}`"),
                );
            let Some(mounts) = init.get(&["volumeMounts"]).and_then(Value::as_seq) else {
                continue;
            };
            for (j, mount) in mounts.iter().enumerate() {
                let path = base
                    .key("extraInitContainers")
                    .index(i)
                    .key("volumeMounts")
                    .index(j);
                report(mount, path, &container);
            }
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
