//! `render provisioning`: the plugin provisioning for this release, as a values overlay.
//!
//! The oncall chart (1.9.23 and later) renders a provisioning ConfigMap hard-coded for a
//! release named `helm-testing` and mounts it through `grafana.extraVolumes`. The overlay
//! ships a ConfigMap for this release under `grafana.extraObjects` (orgId 100, the engine's
//! stack id, this release's engine and Grafana URLs with their namespaces) and points the
//! provisioning volume at it; the chart's mount of the file stays as it is.

use serde_json::json;

use super::overlay::{self, item_name, list, parse_values, render_template};
use super::target::{PROVISIONING_FILE, RenderError, Rendered, Target, key_name};
use super::validate;
use crate::model::names::trunc_trim;
use crate::model::plugin::ORG_ID;
use crate::model::volumes::PLUGIN_PROVISIONING_DIR as PROVISIONING_DIR;
use crate::release::Release;
use crate::values::Value;

/// Options of `render provisioning`.
#[derive(Debug, Clone, Default)]
pub struct ProvisioningArgs {
    /// `jsonData.grafanaUrl`, when the engine reaches Grafana elsewhere than at its Service.
    pub grafana_url: Option<String>,
}

/// The plugin's provisioning file and the URLs in it.
#[derive(Debug, Clone)]
pub struct PluginSettings {
    /// `jsonData.stackId`.
    pub stack_id: i64,
    /// `jsonData.onCallApiUrl`.
    pub oncall_api_url: String,
    /// `jsonData.grafanaUrl`.
    pub grafana_url: String,
}

/// `--grafana-url`, validated and ending in `/`, else the bundled Grafana's URL.
pub fn grafana_url(
    target: &Target,
    given: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<String, RenderError> {
    match given {
        Some(url) => {
            validate::http_url("--grafana-url", url)?;
            if url.ends_with('/') {
                Ok(url.to_owned())
            } else {
                notes.push(format!(
                    "--grafana-url: `/` appended ({url}/): the plugin appends `api/org` to grafanaUrl"
                ));
                Ok(format!("{url}/"))
            }
        }
        None => Ok(target.grafana_url()),
    }
}

/// What a provisioning overlay ships for this release: the ConfigMap, the provisioning
/// volume pointed at it, and the chart's mount when the values dropped it. `render airgap`
/// carries the same when the chart's own provisioning would otherwise be in effect.
pub struct Provisioning {
    /// The ConfigMap's name (`<oncall fullname>-plugin-provisioning`).
    pub configmap_name: String,
    /// The ConfigMap, for `grafana.extraObjects`.
    pub configmap: Value,
    /// The provisioning volume's name.
    pub volume_name: String,
    /// The volume, for `grafana.extraVolumes`.
    pub volume: serde_json::Value,
    /// When the values dropped the chart's mount: the mounts they keep, and the chart's
    /// mount to add back after them.
    pub restored_mount: Option<(Vec<Value>, serde_json::Value)>,
    /// The URLs and ids in the provisioning file.
    pub settings: PluginSettings,
}

/// Computes the provisioning of this release (notes pushed to `notes`).
pub fn plan(
    release: &Release,
    target: &Target,
    args: &ProvisioningArgs,
    notes: &mut Vec<String>,
) -> Result<Provisioning, RenderError> {
    let settings = PluginSettings {
        stack_id: target.stack_id,
        oncall_api_url: target.oncall_api_url(),
        grafana_url: grafana_url(target, args.grafana_url.as_deref(), notes)?,
    };
    let mount = provisioning_mount(&release.values, &target.values_root, notes)?;
    // cut to 63 characters, as charts cut names, so the name stays one DNS label
    let configmap_name = format!(
        "{}-plugin-provisioning",
        trunc_trim(&target.oncall_fullname, 63 - "-plugin-provisioning".len())
    );
    validate::dns_subdomain("the provisioning ConfigMap name", &configmap_name)?;
    let configmap = provisioning_configmap(target, &settings, &configmap_name, &mount.key)?;
    let volume = json!({ "name": mount.volume, "configMap": { "name": configmap_name } });
    Ok(Provisioning {
        configmap_name,
        configmap,
        volume_name: mount.volume,
        volume,
        restored_mount: mount.restored,
        settings,
    })
}

/// Renders the overlay.
pub fn render(release: &Release, args: &ProvisioningArgs) -> Result<Rendered, RenderError> {
    let target = Target::new(release)?;
    target.require_bundled(
        "provisioning",
        "provision the plugin in your Grafana's own configuration, or configure it through Grafana's API with `render setup`",
    )?;
    target.require_plugin_capable_chart(release)?;
    let mut notes = target.notes.clone();
    let plan = plan(release, &target, args, &mut notes)?;
    let values = &release.values;
    let root = &target.values_root;
    let objects = overlay::split_around(list(values, &["grafana", "extraObjects"]), &|o| {
        is_configmap_named(o, &plan.configmap_name)
    });
    let volumes = overlay::split_around(list(values, &["grafana", "extraVolumes"]), &|v| {
        item_name(v) == Some(plan.volume_name.as_str())
    });

    let build = |view: &dyn Fn(&Value) -> Value| {
        let objects = overlay::put(&objects, plan.configmap.to_json(), view);
        let volumes = overlay::put(&volumes, plan.volume.clone(), view);
        let mounts = plan.restored_mount.as_ref().map(|(kept, default)| {
            overlay::put(&(kept.clone(), Vec::new()), default.clone(), view)
        });
        json!({
            "release": target.release,
            "namespace": target.namespace,
            "grafana_namespace": target.grafana_namespace,
            "oncall_api_url": plan.settings.oncall_api_url,
            "grafana_url": plan.settings.grafana_url,
            "extra_objects": objects,
            "extra_volumes": volumes,
            "extra_volume_mounts": mounts,
        })
    };
    overlay::finish("provisioning", &build, root, notes)
}

/// The mount of the provisioning file in `grafana.extraVolumeMounts`.
struct ProvisioningMount {
    /// The volume's name.
    volume: String,
    /// The file's key in the ConfigMap.
    key: String,
    /// When the values dropped the chart's mount: the mounts they keep, and the chart's
    /// mount to add back after them.
    restored: Option<(Vec<Value>, serde_json::Value)>,
}

/// The mount of the provisioning file: the chart's, or the user's (validated); the
/// chart's, added back, when the values dropped it.
fn provisioning_mount(
    values: &Value,
    root: &[String],
    notes: &mut Vec<String>,
) -> Result<ProvisioningMount, RenderError> {
    let mounts = list(values, &["grafana", "extraVolumeMounts"]);
    let mount = mounts.iter().find(|m| {
        m.get(&["mountPath"])
            .and_then(Value::as_str)
            .is_some_and(|p| p.starts_with(PROVISIONING_DIR))
    });
    if let Some(mount) = mount {
        return users_mount(mount, root, notes);
    }
    // the mount is gone (a list override dropped it): the chart's, back
    let default = json!({
        "name": "provisioning",
        "mountPath": format!("{PROVISIONING_DIR}/{PROVISIONING_FILE}"),
        "subPath": PROVISIONING_FILE,
    });
    notes.push(format!(
        "`{}` does not mount the plugin provisioning: the chart's mount is added back",
        key_name(root, &["grafana", "extraVolumeMounts"])
    ));
    Ok(ProvisioningMount {
        volume: "provisioning".to_owned(),
        key: PROVISIONING_FILE.to_owned(),
        restored: Some((mounts.clone(), default)),
    })
}

/// The volume and file key of a mount the values hold, validated; a note when it mounts
/// a directory elsewhere than the provisioning directory.
fn users_mount(
    mount: &Value,
    root: &[String],
    notes: &mut Vec<String>,
) -> Result<ProvisioningMount, RenderError> {
    let volume = item_name(mount).unwrap_or_default().to_owned();
    validate::dns_label(
        &format!(
            "the provisioning mount's name in {}",
            key_name(root, &["grafana", "extraVolumeMounts"])
        ),
        &volume,
        63,
    )?;
    let sub_path = mount
        .get(&["subPath"])
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let key = if sub_path.is_empty() {
        let mount_path = mount
            .get(&["mountPath"])
            .and_then(Value::as_str)
            .unwrap_or_default();
        if mount_path.trim_end_matches('/') != PROVISIONING_DIR {
            notes.push(format!(
                "the provisioning volume is mounted as a directory at {mount_path}; Grafana reads provisioning files directly in {PROVISIONING_DIR}"
            ));
        }
        PROVISIONING_FILE.to_owned()
    } else {
        sub_path
    };
    validate::data_key(
        &format!(
            "the provisioning mount's subPath in {}",
            key_name(root, &["grafana", "extraVolumeMounts"])
        ),
        &key,
    )?;
    Ok(ProvisioningMount {
        volume,
        key,
        restored: None,
    })
}

/// The ConfigMap `name` holding the provisioning file under `key`, rendered and checked.
fn provisioning_configmap(
    target: &Target,
    settings: &PluginSettings,
    name: &str,
    key: &str,
) -> Result<Value, RenderError> {
    let file = render_template(
        "plugin-provisioning",
        &json!({
            "release": target.release,
            "namespace": target.namespace,
            "stack_id": settings.stack_id,
            "org_id": ORG_ID,
            "oncall_api_url": settings.oncall_api_url,
            "grafana_url": settings.grafana_url,
        }),
    )?;
    let parsed = parse_values("plugin-provisioning", &file)?;
    if parsed
        .get(&["apps"])
        .and_then(Value::as_seq)
        .is_none_or(<[Value]>::is_empty)
    {
        return Err(RenderError::Internal(
            "the provisioning file has no apps".into(),
        ));
    }
    let configmap_text = render_template(
        "provisioning-configmap",
        &json!({
            "name": name,
            "namespace": target.grafana_namespace,
            "release": target.release,
            "key": key,
            "file": file,
        }),
    )?;
    parse_values("provisioning-configmap", &configmap_text)
}

/// Whether a manifest is the ConfigMap `name`.
pub fn is_configmap_named(object: &Value, name: &str) -> bool {
    object.get(&["kind"]).and_then(Value::as_str) == Some("ConfigMap")
        && object.get(&["metadata", "name"]).and_then(Value::as_str) == Some(name)
}
