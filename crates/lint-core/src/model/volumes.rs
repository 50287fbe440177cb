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

/// The block YAML of one list item (`- name: ...`), for help text.
pub(crate) fn block_item(item: &Value) -> String {
    to_block_yaml(item, 0, true)
}

/// Whether the grafana chart renders `extraVolumes`: the 6.x chart (oncall 1.9.22 and
/// older) never reads it (its mount items carry their own source).
pub(crate) fn extra_volumes_rendered(release: &Release) -> bool {
    !release.grafana_chart().starts_with("6.")
}

/// Which object a pod volume takes its files from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VolumeSource {
    /// A ConfigMap, by name (as written: it may hold a `{{ }}` template).
    ConfigMap(String),
    /// A Secret, by name.
    Secret(String),
    /// Anything else (an empty directory, a claim, a host path, an unreadable source).
    Other,
}

/// A pod volume of the Grafana pod as the grafana chart renders it from one list item.
#[derive(Debug, Clone)]
pub(crate) struct PodVolume<'r> {
    /// The grafana chart list the item is in (`extraVolumes`, `extraConfigmapMounts`, ...).
    pub list: &'static str,
    /// The item's index in that list.
    pub index: usize,
    /// The item.
    pub item: &'r Value,
    /// Where its files come from.
    pub source: VolumeSource,
    /// The `items` of a ConfigMap or Secret source, `(key, path)`: only those keys appear,
    /// at those paths. Empty: every key, at its own name.
    pub items: Vec<(String, String)>,
}

impl PodVolume<'_> {
    /// The path inside the volume where data key `key` of the source appears, if it does.
    pub(crate) fn path_of(&self, key: &str) -> Option<String> {
        if self.items.is_empty() {
            return Some(key.to_owned());
        }
        self.items
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, p)| p.clone())
    }
}

/// One mount into Grafana's plugin provisioning directory, with the pod volume it mounts.
#[derive(Debug, Clone)]
pub(crate) struct ProvisioningMount<'r> {
    /// The list the mount item is in (`extraVolumeMounts`, or the list that declares
    /// volume and mount in one item).
    pub list: &'static str,
    /// The mounted volume's name.
    pub volume_name: String,
    /// The one file of the volume mounted there (`subPath`), if any.
    pub sub_path: Option<String>,
    /// The pod volume of that name; `None` when the pod has none (OC030, OC032).
    pub volume: Option<PodVolume<'r>>,
}

impl ProvisioningMount<'_> {
    /// Whether this mount puts data key `key` of the `secret` (else ConfigMap) `name` into
    /// the provisioning directory. A name written with a `{{ }}` template on either side
    /// counts as a match: it is not known, and a false alarm is worse than silence.
    pub(crate) fn shows(&self, secret: bool, name: &str, key: &str) -> bool {
        let Some(volume) = &self.volume else {
            return false;
        };
        let source = match (&volume.source, secret) {
            (VolumeSource::ConfigMap(n), false) | (VolumeSource::Secret(n), true) => n,
            _ => return false,
        };
        if !same_name(source, name) {
            return false;
        }
        match (volume.path_of(key), &self.sub_path) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(path), Some(sub)) => path == *sub,
        }
    }
}

/// Whether two object names may be the same object: equal, or either is templated.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a == b || a.contains("{{") || b.contains("{{")
}

/// Every mount into Grafana's plugin provisioning directory in the effective values, with
/// its pod volume: `extraVolumeMounts` items (their volume from `extraVolumes`, when the
/// chart renders it, `extraContainerVolumes` or the lists that declare volume and mount in
/// one item), and `extraConfigmapMounts` / `extraSecretMounts` items mounted there.
pub(crate) fn provisioning_mounts(release: &Release) -> Vec<ProvisioningMount<'_>> {
    let volumes = pod_volumes(release);
    let mut out = Vec::new();
    for (list, own_volume) in [
        ("extraVolumeMounts", false),
        ("extraConfigmapMounts", true),
        ("extraSecretMounts", true),
    ] {
        for (index, mount) in items(release, list).iter().enumerate() {
            let text = |key: &str| mount.get(&[key]).and_then(Value::scalar_string);
            let (Some(volume_name), Some(mount_path)) = (text("name"), text("mountPath")) else {
                continue;
            };
            if !mount_path.starts_with(PLUGIN_PROVISIONING_DIR) {
                continue;
            }
            let volume = if own_volume {
                volumes
                    .iter()
                    .find(|v| v.list == list && v.index == index)
                    .cloned()
            } else {
                volumes
                    .iter()
                    .find(|v| {
                        v.item
                            .get(&["name"])
                            .and_then(Value::scalar_string)
                            .as_deref()
                            == Some(volume_name.as_str())
                    })
                    .cloned()
            };
            out.push(ProvisioningMount {
                list,
                volume_name,
                sub_path: text("subPath").filter(|s| !s.is_empty()),
                volume,
            });
        }
    }
    out
}

/// The pod volumes the grafana chart renders from its lists, in the order it looks them up.
fn pod_volumes(release: &Release) -> Vec<PodVolume<'_>> {
    let mut out = Vec::new();
    for list in VOLUME_LISTS {
        if list == "extraVolumes" && !extra_volumes_rendered(release) {
            continue;
        }
        for (index, item) in items(release, list).iter().enumerate() {
            let (source, items) = source_of(list, item);
            out.push(PodVolume {
                list,
                index,
                item,
                source,
                items,
            });
        }
    }
    out
}

/// The source of a list item: `configMap: NAME` / `secretName: NAME` for the lists that
/// declare a mount, a Kubernetes volume source (`configMap.name`, `secret.secretName`) for
/// `extraVolumes` (ConfigMaps only: the chart renders no other) and
/// `extraContainerVolumes`.
fn source_of(list: &str, item: &Value) -> (VolumeSource, Vec<(String, String)>) {
    let text = |path: &[&str]| item.get(path).and_then(Value::scalar_string);
    let source = match list {
        "extraConfigmapMounts" => text(&["configMap"]).map(VolumeSource::ConfigMap),
        "extraSecretMounts" => text(&["secretName"]).map(VolumeSource::Secret),
        "extraVolumes" => text(&["configMap", "name"]).map(VolumeSource::ConfigMap),
        "extraContainerVolumes" => text(&["configMap", "name"])
            .map(VolumeSource::ConfigMap)
            .or_else(|| text(&["secret", "secretName"]).map(VolumeSource::Secret)),
        _ => None,
    };
    let items_at: &[&str] = match list {
        "extraVolumes" | "extraContainerVolumes" if item.get(&["secret"]).is_some() => {
            &["secret", "items"]
        }
        "extraVolumes" | "extraContainerVolumes" => &["configMap", "items"],
        _ => &["items"],
    };
    let items = item
        .get(items_at)
        .and_then(Value::as_seq)
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| {
                    let key = e.get(&["key"]).and_then(Value::scalar_string)?;
                    let path = e.get(&["path"]).and_then(Value::scalar_string)?;
                    Some((key, path))
                })
                .collect()
        })
        .unwrap_or_default();
    (source.unwrap_or(VolumeSource::Other), items)
}

/// The items of a grafana chart list (empty when it is not a list).
fn items<'r>(release: &'r Release, list: &str) -> &'r [Value] {
    release
        .get(&["grafana", list])
        .and_then(Value::as_seq)
        .unwrap_or_default()
}

/// Whether the grafana chart's plugins sidecar collects an object with these `labels`
/// into the provisioning directory (`sidecar.plugins.enabled`, the object labelled
/// `sidecar.plugins.label`, with `labelValue` when one is set).
pub(crate) fn sidecar_collects(release: &Release, labels: Option<&Value>) -> bool {
    let sidecar = |key: &str| release.get(&["grafana", "sidecar", "plugins", key]);
    if !sidecar("enabled").is_some_and(Value::is_truthy) {
        return false;
    }
    let label = sidecar("label")
        .and_then(Value::scalar_string)
        .unwrap_or_else(|| "grafana_plugin".into());
    let wanted = sidecar("labelValue")
        .and_then(Value::scalar_string)
        .filter(|v| !v.is_empty());
    let Some(value) = labels.and_then(|l| l.get(&[label.as_str()])) else {
        return false;
    };
    match wanted {
        Some(wanted) => value.scalar_string().as_deref() == Some(wanted.as_str()),
        None => true,
    }
}

/// Whether the chart's own provisioning (ConfigMap `helm-testing-grafana-plugin-provisioning`,
/// hardcoded for a release named `helm-testing`) is known to be wrong for this release:
/// its engine Service is known and is another, or Grafana runs in another namespace than
/// the engine. Unknown names keep it (OC004 warns then).
pub(crate) fn chart_provisioning_misfits(release: &Release) -> bool {
    let other_service = super::names::engine_service(release)
        .is_some_and(|s| s != super::names::CHART_ENGINE_SERVICE);
    let other_namespace = matches!(
        Grafana::of(release).place(),
        super::grafana::Place::Other { .. }
    );
    other_service || other_namespace
}

/// An `extraVolumes` item for a ConfigMap: `{name: VOLUME, configMap: {name: CONFIGMAP}}`,
/// with `items: [{key, path}]` when `mapped` puts a data key at another path. Written by a
/// fix.
pub(crate) fn configmap_volume(
    volume: &str,
    configmap: &str,
    mapped: Option<(&str, &str)>,
) -> Value {
    use crate::values::{Map, Origin};
    let text = |s: &str| Value::new(Kind::Str(s.to_owned()), Origin::Fix);
    let mut source = Map::default();
    source.insert("name".into(), text(configmap));
    if let Some((key, path)) = mapped {
        let mut entry = Map::default();
        entry.insert("key".into(), text(key));
        entry.insert("path".into(), text(path));
        let items = vec![Value::new(Kind::map(entry), Origin::Fix)];
        source.insert("items".into(), Value::new(Kind::Seq(items), Origin::Fix));
    }
    let mut item = Map::default();
    item.insert("name".into(), text(volume));
    item.insert(
        "configMap".into(),
        Value::new(Kind::map(source), Origin::Fix),
    );
    Value::new(Kind::map(item), Origin::Fix)
}

/// Where the grafana chart mounts the `storage` volume in the Grafana container (FACTS.md
/// R3: `_pod.tpl` mounts it there in every chart version, a claim or an `emptyDir`).
pub(crate) const STORAGE_MOUNT: &str = "/var/lib/grafana";

/// The grafana chart lists whose items mount a volume in the Grafana container, by `name`
/// at `mountPath` (with `subPath`). `extraContainerVolumes` only declares volumes.
pub(crate) const MOUNT_LISTS: [&str; 4] = [
    "extraVolumeMounts",
    "extraEmptyDirMounts",
    "extraConfigmapMounts",
    "extraSecretMounts",
];

/// One volume mount of a container: the volume's name, where it is mounted and which part
/// of the volume (`subPath`, empty for the whole). Paths are normalised: no trailing `/`,
/// the sub-path relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mount {
    /// The volume's name.
    pub name: String,
    /// Where it is mounted in the container.
    pub path: String,
    /// The part of the volume mounted there (empty: the whole volume).
    pub sub: String,
}

/// A path with its trailing `/`, `/.` and `*` dropped (`/` stays `/`).
pub(crate) fn clean_path(path: &str) -> String {
    let t = path.trim();
    let t = t.trim_end_matches(['*', '/']);
    let t = t.strip_suffix("/.").unwrap_or(t);
    if t.is_empty() && path.trim().starts_with('/') {
        "/".into()
    } else {
        t.to_owned()
    }
}

/// Whether `path` is `dir` or below it (an empty `dir` is a whole volume: everything is).
pub(crate) fn path_under(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || dir == "/" || path.starts_with(&format!("{dir}/"))
}

/// `rel` below `sub` (either may be empty).
fn join_rel(sub: &str, rel: &str) -> String {
    match (sub.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_owned(),
        (false, true) => sub.to_owned(),
        (false, false) => format!("{sub}/{rel}"),
    }
}

/// The mounts of a `volumeMounts` list (items without a name or a path are left out).
pub(crate) fn mounts_of(list: Option<&Value>) -> Vec<Mount> {
    list.and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            let name = m.get(&["name"]).and_then(Value::scalar_string)?;
            let path = m.get(&["mountPath"]).and_then(Value::scalar_string)?;
            let sub = m
                .get(&["subPath"])
                .and_then(Value::scalar_string)
                .unwrap_or_default();
            Some(Mount {
                name,
                path: clean_path(&path),
                sub: clean_path(&sub).trim_start_matches('/').to_owned(),
            })
        })
        .collect()
}

/// The Grafana container's mounts that can hold plugins: `storage` at `/var/lib/grafana`
/// (with `persistence.subPath`) and the items of the [`MOUNT_LISTS`].
pub(crate) fn grafana_mounts(release: &Release) -> Vec<Mount> {
    let get = |keys: &[&str]| release.get(keys);
    let mut mounts = vec![Mount {
        name: "storage".into(),
        path: STORAGE_MOUNT.into(),
        sub: get(&["grafana", "persistence", "subPath"])
            .and_then(Value::scalar_string)
            .map(|s| clean_path(&s).trim_start_matches('/').to_owned())
            .unwrap_or_default(),
    }];
    for list in MOUNT_LISTS {
        mounts.extend(mounts_of(get(&["grafana", list])));
    }
    mounts
}

/// The deepest of `mounts` that holds `path`.
pub(crate) fn covering<'m>(mounts: &'m [Mount], path: &str) -> Option<&'m Mount> {
    mounts
        .iter()
        .filter(|m| path_under(path, &m.path))
        .max_by_key(|m| m.path.len())
}

/// Resolves a path in a container to (volume, path inside the volume) through its mounts:
/// the deepest mount that holds it wins. `None`: the container's own filesystem.
pub(crate) fn resolve(mounts: &[Mount], path: &str) -> Option<(String, String)> {
    covering(mounts, path).map(|m| {
        let rel = path
            .strip_prefix(m.path.as_str())
            .unwrap_or_default()
            .trim_start_matches('/');
        (m.name.clone(), join_rel(&m.sub, rel))
    })
}

/// Where a container with these mounts sees `vpath` of `volume`: for each mount of that
/// volume whose part holds `vpath`, the path below the mount; for a mount of a part below
/// `vpath`, the mount path itself (it shows some of what is written there).
pub(crate) fn views(mounts: &[Mount], volume: &str, vpath: &str) -> Vec<String> {
    mounts
        .iter()
        .filter(|m| m.name == volume)
        .filter_map(|m| {
            if path_under(vpath, &m.sub) {
                let rel = vpath
                    .strip_prefix(m.sub.as_str())
                    .unwrap_or_default()
                    .trim_start_matches('/');
                Some(if rel.is_empty() {
                    m.path.clone()
                } else {
                    format!("{}/{rel}", m.path.trim_end_matches('/'))
                })
            } else if path_under(&m.sub, vpath) {
                Some(m.path.clone())
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod mount_tests {
    use super::*;

    fn m(name: &str, path: &str, sub: &str) -> Mount {
        Mount {
            name: name.into(),
            path: path.into(),
            sub: sub.into(),
        }
    }

    #[test]
    fn the_deepest_mount_resolves_a_path() {
        let mounts = [
            m("storage", "/var/lib/grafana", ""),
            m("plugins", "/var/lib/grafana/plugins", "p"),
        ];
        assert_eq!(
            resolve(&mounts, "/var/lib/grafana/plugins/x"),
            Some(("plugins".into(), "p/x".into()))
        );
        assert_eq!(
            resolve(&mounts, "/var/lib/grafana/data"),
            Some(("storage".into(), "data".into()))
        );
        assert_eq!(resolve(&mounts, "/var/lib/grafana-x"), None);
    }

    #[test]
    fn views_follow_sub_paths_both_ways() {
        let mounts = [
            m("storage", "/var/lib/grafana", ""),
            m("shared", "/opt/p", "plugins"),
        ];
        assert_eq!(
            views(&mounts, "storage", "plugins/x"),
            vec!["/var/lib/grafana/plugins/x"]
        );
        assert_eq!(views(&mounts, "shared", ""), vec!["/opt/p"]);
        assert_eq!(views(&mounts, "shared", "other"), Vec::<String>::new());
        assert_eq!(views(&mounts, "none", ""), Vec::<String>::new());
    }
}
