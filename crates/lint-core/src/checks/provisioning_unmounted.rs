//! OC039 provisioning-unmounted: a ConfigMap (or Secret) the user wrote into
//! `grafana.extraObjects` with the OnCall plugin's provisioning, which no volume mounts into
//! Grafana's provisioning directory. Grafana never reads it: the plugin gets the chart's own
//! provisioning (written for a release named `helm-testing`), another file, or none.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::Op;
use crate::fix::ops::text;
use crate::model::names::CHART_CONFIGMAP;
use crate::model::provisioning::{ProvisioningObject, Unread, objects, unread};
use crate::model::volumes::{
    PLUGIN_PROVISIONING_DIR, ProvisioningMount, VolumeSource, configmap_volume, extra_volumes_rendered,
    provisioning_mounts, sidecar_collects,
};
use crate::path::Seg;
use crate::values::{Kind, Value};

/// What OC039 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The chart's own provisioning is mounted instead.
    ChartMounted {
        /// `ConfigMap` or `Secret`.
        kind: String,
        /// The object's name.
        name: String,
        /// The data key holding the provisioning.
        key: String,
        /// The chart's ConfigMap.
        chart: String,
        /// What to do, said for this case.
        todo: String,
    },
    /// Another ConfigMap or Secret is mounted there instead.
    OtherMounted {
        /// `ConfigMap` or `Secret`.
        kind: String,
        /// The object's name.
        name: String,
        /// The data key holding the provisioning.
        key: String,
        /// What is mounted, described.
        other: String,
        /// What to do, said for this case.
        todo: String,
    },
    /// A volume names this object, but mounts a file it does not have.
    WrongKey {
        /// `ConfigMap` or `Secret`.
        kind: String,
        /// The object's name.
        name: String,
        /// The data key holding the provisioning.
        key: String,
        /// The file mounted instead (`subPath`).
        mounted: String,
        /// The volume.
        volume: String,
    },
    /// The document is under a key the chart does not have.
    UnreadUnknownKey {
        /// The document's key path.
        path: String,
        /// The unknown key.
        key: String,
        /// The chart and its version.
        chart: String,
    },
    /// The document is under another kind of provisioning.
    UnreadOtherProvisioning {
        /// The document's key path.
        path: String,
        /// The chart's key.
        key: String,
        /// The directory its files go to.
        dir: String,
        /// What Grafana reads there.
        reads: String,
    },
    /// The document is under `grafana.ini`.
    UnreadIni {
        /// The document's key path.
        path: String,
        /// The `grafana.ini` key.
        key: String,
    },
    /// Nothing provisions the plugin.
    NothingMounted {
        /// `ConfigMap` or `Secret`.
        kind: String,
        /// The object's name.
        name: String,
        /// The data key holding the provisioning.
        key: String,
        /// What to do, said for this case.
        todo: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    unread_documents(ctx, out);
    let found = objects(release, ctx.provisioning);
    if found.is_empty() {
        return;
    }
    let mounts = provisioning_mounts(release);
    let unmounted: Vec<&ProvisioningObject<'_>> = found
        .iter()
        .filter(|o| !mounted(ctx, &mounts, o))
        .collect();
    // a fix only when it is clear which object the provisioning volume should take
    let sole = unmounted.len() == 1 && found.len() == 1;
    for object in &unmounted {
        let fix = if sole { fix(ctx, &mounts, object, out) } else { None };
        let message = describe(&mounts, object, fix.as_ref(), out.grafana_prefix());
        let key_path = release
            .key_path(&["grafana", "extraObjects"])
            .index(object.index)
            .key("metadata")
            .key("name");
        let location = match object.name_value.site() {
            Some(site) => release.site_location(site, key_path, false),
            None => release.blame(&["grafana", "extraObjects"]),
        };
        out.emit(message, location).with_fix(fix);
    }
}

/// Reports each provisioning document written where no template renders it into
/// Grafana's plugins provisioning directory, at its `apps` key.
fn unread_documents(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let mut seen: Vec<*const Value> = Vec::new();
    for app in ctx.provisioning {
        let document = std::sync::Arc::as_ptr(&app.document);
        if seen.contains(&document) {
            continue;
        }
        seen.push(document);
        let Some(why) = unread(ctx.release, app) else {
            continue;
        };
        let Some(site) = app.document.get(&["apps"]).and_then(Value::site) else {
            continue;
        };
        let location =
            ctx.release
                .site_location(site, app.document_key_path.key("apps"), true);
        let path = app.document_key_path.to_string();
        let message = match why {
            Unread::UnknownKey { key, chart } => Message::UnreadUnknownKey { path, key, chart },
            Unread::OtherProvisioning { key, dir, reads } => Message::UnreadOtherProvisioning {
                path,
                key,
                dir: dir.to_owned(),
                reads: reads.to_owned(),
            },
            Unread::Ini { key } => Message::UnreadIni { path, key },
        };
        out.emit(message, location);
    }
}

/// Whether Grafana reads one of the object's provisioning keys: a mount shows it, or the
/// plugins sidecar collects it.
fn mounted(ctx: &CheckContext<'_>, mounts: &[ProvisioningMount<'_>], o: &ProvisioningObject<'_>) -> bool {
    sidecar_collects(ctx.release, o.labels)
        || mounts
            .iter()
            .any(|m| o.keys.iter().any(|k| m.shows(o.secret, &o.name, k)))
}

/// The message: what Grafana gets instead, and what to do.
fn describe(
    mounts: &[ProvisioningMount<'_>],
    o: &ProvisioningObject<'_>,
    fix: Option<&Fix>,
    prefix: &str,
) -> Message {
    let kind = if o.secret { "Secret" } else { "ConfigMap" }.to_owned();
    let name = o.name.clone();
    let key = o.keys.first().cloned().unwrap_or_default();
    let todo = match fix {
        Some(fix) => fix.title.clone(),
        None => manual(o, &key, prefix),
    };
    let sources = mounts.iter().filter_map(|m| m.volume.as_ref().map(|v| (m, v)));
    for (m, v) in sources.clone() {
        let named = match (&v.source, o.secret) {
            (VolumeSource::ConfigMap(n), false) | (VolumeSource::Secret(n), true) => n == &o.name,
            _ => false,
        };
        if named {
            return Message::WrongKey {
                kind,
                name,
                key,
                mounted: m.sub_path.clone().unwrap_or_default(),
                volume: m.volume_name.clone(),
            };
        }
    }
    for (_, v) in sources {
        match &v.source {
            VolumeSource::ConfigMap(n) if n == CHART_CONFIGMAP => {
                return Message::ChartMounted {
                    kind,
                    name,
                    key,
                    chart: CHART_CONFIGMAP.to_owned(),
                    todo,
                };
            }
            VolumeSource::ConfigMap(n) => {
                return Message::OtherMounted {
                    kind,
                    name,
                    key,
                    other: format!("ConfigMap `{n}`"),
                    todo,
                };
            }
            VolumeSource::Secret(n) => {
                return Message::OtherMounted {
                    kind,
                    name,
                    key,
                    other: format!("Secret `{n}`"),
                    todo,
                };
            }
            VolumeSource::Other => {}
        }
    }
    Message::NothingMounted {
        kind,
        name,
        key,
        todo,
    }
}

/// What to write when there is no fix.
fn manual(o: &ProvisioningObject<'_>, key: &str, prefix: &str) -> String {
    if o.secret {
        format!(
            "mount it with a `{prefix}extraSecretMounts` item: `secretName: {}`, `mountPath: {PLUGIN_PROVISIONING_DIR}/{key}`, `subPath: {key}`",
            o.name
        )
    } else {
        format!(
            "point the provisioning volume in `{prefix}extraVolumes` at it (`configMap: {{name: {}}}`) and mount its key `{key}` from `{prefix}extraVolumeMounts` (`mountPath: {PLUGIN_PROVISIONING_DIR}/{key}`, `subPath: {key}`), or remove it if it is not used",
            o.name
        )
    }
}

/// A fix that points the provisioning volume mounted from `extraVolumeMounts` at the
/// ConfigMap: its `configMap.name` set when the volume is in `extraVolumes`, or the volume
/// added to the user's `extraVolumes` when it is missing. Safe when the mounted file is the
/// key holding the provisioning and the volume took the chart's ConfigMap (or none);
/// unsafe when it replaces another ConfigMap of the user's.
fn fix(
    ctx: &CheckContext<'_>,
    mounts: &[ProvisioningMount<'_>],
    o: &ProvisioningObject<'_>,
    out: &Emitter<'_, Message>,
) -> Option<Fix> {
    let release = ctx.release;
    if o.secret || !extra_volumes_rendered(release) {
        return None;
    }
    let mount = mounts.iter().find(|m| m.list == "extraVolumeMounts")?;
    // the file the mount takes must be one of the object's provisioning keys
    let key = match &mount.sub_path {
        Some(sub) => o.keys.iter().find(|k| *k == sub)?.clone(),
        None => o.keys.first()?.clone(),
    };
    let prefix = out.grafana_prefix().to_owned();
    let volumes_path = ["grafana", "extraVolumes"];
    let volumes = release.get(&volumes_path);
    match &mount.volume {
        None => add_volume(ctx, &mount.volume_name, o, &key, &prefix),
        Some(volume) if volume.list == "extraVolumes" && volume.items.is_empty() => {
            let applicability = match &volume.source {
                VolumeSource::ConfigMap(n) if n == CHART_CONFIGMAP => Applicability::Safe,
                VolumeSource::ConfigMap(_) => Applicability::Unsafe,
                _ => return None,
            };
            let title = format!(
                "point the `{}` volume in `{prefix}extraVolumes` at ConfigMap `{}` (mounts its key `{key}`)",
                mount.volume_name, o.name
            );
            if release.user_sets(&volumes_path) {
                let mut at = path(&volumes_path);
                at.extend([
                    Seg::Index(volume.index),
                    Seg::Key("configMap".into()),
                    Seg::Key("name".into()),
                ]);
                ctx.fix_at(
                    Some(volume.item),
                    title,
                    applicability,
                    vec![Op::SetScalar {
                        path: at,
                        value: text(o.name.clone()),
                    }],
                )
            } else {
                // the chart's list: write it whole, with the volume pointed at the ConfigMap
                let mut list: Vec<Value> = volumes.and_then(Value::as_seq)?.to_vec();
                let item = list.get_mut(volume.index)?;
                *item = configmap_volume(&mount.volume_name, &o.name, None);
                let value = Value::new(Kind::Seq(list), crate::values::Origin::Fix);
                ctx.fix_at(
                    None,
                    title,
                    applicability,
                    vec![Op::Replace {
                        path: path(&volumes_path),
                        value,
                    }],
                )
            }
        }
        Some(_) => None,
    }
}

/// A fix that adds the missing volume of a provisioning mount to the user's
/// `extraVolumes`, of the ConfigMap (not when the chart's list is in effect: a list of one
/// item would drop the chart's).
fn add_volume(
    ctx: &CheckContext<'_>,
    volume_name: &str,
    o: &ProvisioningObject<'_>,
    key: &str,
    prefix: &str,
) -> Option<Fix> {
    let release = ctx.release;
    let volumes_path = ["grafana", "extraVolumes"];
    let volumes = release.get(&volumes_path);
    // the chart's list would go with a list of the user's own
    let appendable = release.user_sets(&volumes_path)
        || release
            .defaults()
            .get(&volumes_path)
            .and_then(Value::as_seq)
            .is_none_or(<[Value]>::is_empty);
    if !appendable {
        return None;
    }
    let item = configmap_volume(volume_name, &o.name, None);
    ctx.fix_at(
        volumes,
        format!(
            "add a `{}` volume of ConfigMap `{}` to `{prefix}extraVolumes` (mounts its key `{key}`)",
            volume_name, o.name
        ),
        Applicability::Safe,
        vec![Op::Append {
            path: path(&volumes_path),
            item,
        }],
    )
}
