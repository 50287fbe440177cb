//! OC034 extra-volume-api: `grafana.extraVolumes` and `grafana.extraVolumeMounts` changed
//! meaning at grafana chart 6.60.6. Up to oncall chart 1.9.22 (grafana chart 6.57.1) the chart
//! makes a pod volume of each `extraVolumeMounts` item (its `existingClaim`, `hostPath` path
//! string or `csi: true` with `data`, else an empty directory) and never reads
//! `extraVolumes`. From oncall chart 1.9.23 (grafana chart 8.4.6) mount items render only
//! `name`, `mountPath`, `subPath` and `readOnly`, and volumes come from `extraVolumes`, where
//! `hostPath` and `csi` are Kubernetes objects. Values written for one API silently mean
//! something else, or break the pod, under the other. (Which sources `extraVolumes` renders
//! at all is OC033's.)

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::Op;
use crate::model::volumes::{BUILT_IN, VOLUME_LISTS};
use crate::path::Seg;
use crate::values::{Kind, Value};

/// The sources an old-API (6.x) `extraVolumeMounts` item carries, in the chart's order.
const MOUNT_SOURCES: [&str; 3] = ["existingClaim", "hostPath", "csi"];

/// What OC034 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// An old-API source on an `extraVolumeMounts` item whose volume exists elsewhere.
    MountSourceIgnored {
        /// The source key on the mount item.
        source: String,
        /// The mount item's name.
        name: String,
        /// The grafana chart's version.
        chart: String,
    },
    /// An old-API source on an `extraVolumeMounts` item with no volume of its name.
    MountSourceNoVolume {
        /// The source key on the mount item.
        source: String,
        /// The mount item's name.
        name: String,
        /// The grafana chart's version.
        chart: String,
    },
    /// An `extraVolumes` item's `hostPath` is a path string.
    VolumeHostpathString {
        /// The item's name.
        name: String,
        /// The value written.
        found: String,
        /// The grafana chart's version.
        chart: String,
    },
    /// An `extraVolumes` item's `csi` is not a map (`csi: true`).
    VolumeCsiFlag {
        /// The item's name.
        name: String,
        /// The value written.
        found: String,
        /// The grafana chart's version.
        chart: String,
    },
    /// An old grafana chart never reads `extraVolumes`.
    OldChart {
        /// The item's name.
        name: String,
        /// The oncall chart's version.
        version: String,
        /// The grafana chart's version.
        chart: String,
        /// Whether the item's source is `configMap`.
        config_map: bool,
        /// Whether the item's source is `secret`.
        secret: bool,
    },
    /// An old grafana chart makes the volume an empty directory from the mount item.
    OldChartEmptyDir {
        /// The grafana chart's version.
        chart: String,
        /// The oncall chart's version.
        version: String,
        /// The item's name.
        name: String,
        /// Where the mount item mounts it.
        mount_path: String,
        /// Whether the item's source is `configMap`.
        config_map: bool,
        /// Whether the item's source is `secret`.
        secret: bool,
    },
    /// An old grafana chart leaves an init container's volume undefined.
    OldChartMissing {
        /// The item's name.
        name: String,
        /// The grafana chart's version.
        chart: String,
        /// The oncall chart's version.
        version: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    if ctx.release.grafana_chart().starts_with("6.") {
        old_api(ctx, out);
    } else {
        mounts_with_sources(ctx, out);
        old_shapes_in_volumes(ctx, out);
    }
}

fn items<'a>(ctx: &CheckContext<'a>, key: &str) -> &'a [Value] {
    ctx.release
        .get(&["grafana", key])
        .and_then(Value::as_seq)
        .unwrap_or_default()
}

fn name_of(item: &Value) -> Option<String> {
    item.get(&["name"]).and_then(Value::scalar_string)
}

fn item_path(list: &str, index: usize) -> Vec<Seg> {
    let mut p = Seg::keys(&["grafana", list]);
    p.push(Seg::Index(index));
    p
}

/// The first old-API source a mount item carries, as the 6.x chart picks it.
fn mount_source(item: &Value) -> Option<(&'static str, &Value)> {
    MOUNT_SOURCES
        .iter()
        .find_map(|k| item.get(&[k]).filter(|v| v.is_truthy()).map(|v| (*k, v)))
}

/// Oncall chart 1.9.23 and later: old-API sources on `extraVolumeMounts` items are ignored.
fn mounts_with_sources(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let volumes = declared_volumes(ctx);
    let user_volumes = release
        .get(&["grafana", "extraVolumes"])
        .and_then(|v| v.site().map(|s| s.layer));
    for (index, item) in items(ctx, "extraVolumeMounts").iter().enumerate() {
        if item.site().is_none() {
            continue;
        }
        let Some((source, value)) = mount_source(item) else {
            continue;
        };
        let Some(site) = value.site() else { continue };
        let name = name_of(item).unwrap_or_default();
        let key_path = release
            .key_path(&["grafana", "extraVolumeMounts"])
            .index(index)
            .key(source);
        let location = release.site_location(site, key_path, true);
        let dead = dead_keys(item, index);
        let chart = release.grafana_chart().to_owned();
        if volume_exists(&volumes, &name) {
            let fix = ctx.fix_at(
                Some(item),
                format!("remove the ignored `{source}` from the `{name}` mount"),
                Applicability::Safe,
                dead,
            );
            out.emit(
                Message::MountSourceIgnored {
                    source: source.to_owned(),
                    name,
                    chart,
                },
                location,
            )
            .with_fix(fix);
            continue;
        }
        let fix = declare_volume_fix(ctx, item, (source, value), &name, user_volumes, dead);
        out.emit(
            Message::MountSourceNoVolume {
                source: source.to_owned(),
                name,
                chart,
            },
            location,
        )
        .with_fix(fix);
    }
}

/// The names of the volumes the values declare, in every volume list.
fn declared_volumes(ctx: &CheckContext<'_>) -> Vec<String> {
    let mut volumes: Vec<String> = Vec::new();
    for list in VOLUME_LISTS {
        volumes.extend(items(ctx, list).iter().filter_map(name_of));
    }
    volumes
}

/// Whether a volume of this name exists: one of the chart's own (built in, a sidecar's, a
/// dashboards provider's) or one of `volumes`.
fn volume_exists(volumes: &[String], name: &str) -> bool {
    BUILT_IN.contains(&name)
        || name.starts_with("sc-")
        || name.starts_with("dashboards-")
        || volumes.iter().any(|v| v == name)
}

/// Removals of the keys the 6.x chart read on the mount item at `index`, all dead now.
fn dead_keys(item: &Value, index: usize) -> Vec<Op> {
    MOUNT_SOURCES
        .iter()
        .chain(["data"].iter())
        .filter(|k| item.get(&[k]).is_some())
        .map(|k| {
            let mut p = item_path("extraVolumeMounts", index);
            p.push(Seg::Key((*k).to_owned()));
            Op::Remove { path: p }
        })
        .collect()
}

/// Declares the volume of a mount item with an old-API source (its key and value) in
/// `extraVolumes`, after the `dead` removals; only where the volume can join a list the user
/// already wrote in the item's file (`user_volumes`): a new `extraVolumes` list would drop
/// the chart's `provisioning` volume.
fn declare_volume_fix(
    ctx: &CheckContext<'_>,
    item: &Value,
    (source, value): (&str, &Value),
    name: &str,
    user_volumes: Option<usize>,
    mut dead: Vec<Op>,
) -> Option<Fix> {
    let volume = new_style_volume(name, source, value, item);
    match (volume, user_volumes) {
        (Some(volume), Some(layer)) if item.site().is_some_and(|s| s.layer == layer) => {
            dead.push(Op::Append {
                path: Seg::keys(&["grafana", "extraVolumes"]),
                item: volume,
            });
            ctx.fix_at(
                Some(item),
                format!(
                    "declare the `{name}` volume in `{}`",
                    ctx.grafana().key_name("extraVolumes")
                ),
                Applicability::Unsafe,
                dead,
            )
        }
        _ => None,
    }
}

/// The `extraVolumes` item (8.x shape) for an old-API mount item's source.
fn new_style_volume(name: &str, source: &str, value: &Value, item: &Value) -> Option<Value> {
    let origin = value.origin.clone();
    let text = |s: &str| Value::new(Kind::Str(s.to_owned()), origin.clone());
    let mut map = crate::values::Map::default();
    map.insert("name".to_owned(), text(name));
    match source {
        "existingClaim" => {
            map.insert("existingClaim".into(), text(&value.scalar_string()?));
        }
        "hostPath" => {
            let path = value.scalar_string()?;
            let mut host = crate::values::Map::default();
            host.insert("path".to_owned(), text(&path));
            map.insert(
                "hostPath".into(),
                Value::new(Kind::map(host), origin.clone()),
            );
        }
        "csi" => {
            let data = item.get(&["data"]).filter(|d| d.as_map().is_some())?;
            map.insert("csi".into(), data.clone());
        }
        _ => return None,
    }
    Some(Value::new(Kind::map(map), origin))
}

/// Oncall chart 1.9.23 and later: `extraVolumes` items written in the 6.x mount-item shape
/// (`hostPath: /path`, `csi: true`), which render as volumes Kubernetes rejects.
fn old_shapes_in_volumes(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    for (index, item) in items(ctx, "extraVolumes").iter().enumerate() {
        if item.site().is_none() || item.get(&["existingClaim"]).is_some_and(Value::is_truthy) {
            continue;
        }
        let name = name_of(item).unwrap_or_default();
        // the chart renders the first truthy of existingClaim, hostPath, csi
        let (key, value) = match (item.get(&["hostPath"]), item.get(&["csi"])) {
            (Some(h), _) if h.is_truthy() => ("hostPath", h),
            (_, Some(c)) if c.is_truthy() => ("csi", c),
            _ => continue,
        };
        if value.as_map().is_some() {
            continue;
        }
        let Some(site) = value.site() else { continue };
        let key_path = release
            .key_path(&["grafana", "extraVolumes"])
            .index(index)
            .key(key);
        let location = release.site_location(site, key_path, true);
        let mut key_at = item_path("extraVolumes", index);
        key_at.push(Seg::Key(key.to_owned()));
        let fix = if key == "hostPath" {
            value.scalar_string().and_then(|path| {
                let mut host = crate::values::Map::default();
                host.insert(
                    "path".to_owned(),
                    Value::new(Kind::Str(path.clone()), value.origin.clone()),
                );
                ctx.fix_at(
                    Some(item),
                    format!("write `hostPath: {{path: {path}}}`"),
                    Applicability::Safe,
                    vec![Op::Replace {
                        path: key_at.clone(),
                        value: Value::new(Kind::map(host), value.origin.clone()),
                    }],
                )
            })
        } else {
            item.get(&["data"])
                .filter(|d| d.as_map().is_some())
                .and_then(|data| {
                    let mut data_at = item_path("extraVolumes", index);
                    data_at.push(Seg::Key("data".into()));
                    ctx.fix_at(
                        Some(item),
                        "move the driver settings from `data` into `csi`",
                        Applicability::Safe,
                        vec![
                            Op::Replace {
                                path: key_at.clone(),
                                value: data.clone(),
                            },
                            Op::Remove { path: data_at },
                        ],
                    )
                })
        };
        let found = value.describe();
        let chart = release.grafana_chart().to_owned();
        let message = if key == "hostPath" {
            Message::VolumeHostpathString { name, found, chart }
        } else {
            Message::VolumeCsiFlag { name, found, chart }
        };
        out.emit(message, location).with_fix(fix);
    }
}

/// Oncall chart 1.9.22 and earlier: the grafana chart never reads `extraVolumes`.
fn old_api(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let mounts = items(ctx, "extraVolumeMounts");
    let mut others: Vec<String> = Vec::new();
    for list in VOLUME_LISTS.iter().filter(|l| **l != "extraVolumes") {
        others.extend(items(ctx, list).iter().filter_map(name_of));
    }
    let init_mounts: Vec<String> = items(ctx, "extraInitContainers")
        .iter()
        .filter_map(|c| c.get(&["volumeMounts"]).and_then(Value::as_seq))
        .flatten()
        .filter_map(name_of)
        .collect();
    for (index, item) in items(ctx, "extraVolumes").iter().enumerate() {
        let Some(site) = item.site() else { continue };
        let name = name_of(item).unwrap_or_default();
        let source = item
            .as_map()
            .and_then(|m| m.keys().find(|k| k.as_str() != "name").cloned())
            .unwrap_or_default();
        let mount = mounts
            .iter()
            .find(|m| name_of(m).as_deref() == Some(name.as_str()));
        let mount_path = mount
            .and_then(|m| m.get(&["mountPath"]))
            .and_then(Value::scalar_string)
            .unwrap_or_default();
        let chart = release.grafana_chart().to_owned();
        let version = ctx.release.chart_version().to_owned();
        let config_map = source == "configMap";
        let secret = source == "secret";
        let message = match mount {
            Some(m) if mount_source(m).is_none() => Message::OldChartEmptyDir {
                chart,
                version,
                name,
                mount_path,
                config_map,
                secret,
            },
            // an init container mounts a volume no other list defines
            None if !others.iter().any(|o| o == &name)
                && init_mounts.iter().any(|o| o == &name) =>
            {
                Message::OldChartMissing {
                    name,
                    chart,
                    version,
                }
            }
            _ => Message::OldChart {
                name,
                version,
                chart,
                config_map,
                secret,
            },
        };
        let key_path = release.key_path(&["grafana", "extraVolumes"]).index(index);
        let location = match item.get(&["name"]).and_then(Value::site) {
            Some(name_site) => release.site_location(name_site, key_path.key("name"), false),
            None => release.site_location(site, key_path, false),
        };
        out.emit(message, location);
    }
}
