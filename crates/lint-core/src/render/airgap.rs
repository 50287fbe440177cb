//! `render airgap`: the values overlay of an air-gapped install, and the ConfigMap of the
//! script its init container runs.
//!
//! Nothing downloads plugins at start (`grafana.plugins: []`, the install env variables
//! cleared, preinstall off where Grafana has it); an init container pulls the plugin
//! artifact from the private registry with oras and unpacks it into the plugins path on the
//! `storage` volume; images come from the registry; the pull secret is listed under the keys
//! the charts read; the provisioning volume stays.

use serde_json::{Map, Value as Json, json};

use super::overlay::{self, item_name, json_items, list, parse_values, render_template};
use super::provisioning::is_configmap_named;
use super::target::{RenderError, Rendered, Target, key_name};
use super::validate::{self, Invalid};
use crate::model::engine::{self, EngineSource};
use crate::model::grafana;
use crate::model::plugin::{DOWNLOAD_ENV, PLUGIN_ID};
use crate::model::volumes::PLUGIN_PROVISIONING_DIR as PROVISIONING_DIR;
use crate::model::volumes::VOLUME_LISTS;
use crate::release::Release;
use crate::values::Value;

/// The default name of the image pull secret.
pub const DEFAULT_PULL_SECRET: &str = "registry-pull-secret";

/// The oras image under the registry, by default.
pub const DEFAULT_ORAS: &str = "oras-project/oras:v1.2.2";

/// The plugin artifact's repository under the registry, by default.
pub const DEFAULT_ARTIFACT_REPOSITORY: &str = "grafana/grafana-oncall-app";

/// The init container's name.
pub const INIT_CONTAINER: &str = "install-oncall-plugin";
const SCRIPT_VOLUME: &str = "oncall-plugin-install";
const AUTH_VOLUME: &str = "oncall-plugin-registry-auth";

/// Options of `render airgap`.
#[derive(Debug, Clone)]
pub struct AirgapArgs {
    /// The private registry (`host[:port][/path]`).
    pub registry: String,
    /// The plugin version (default: the engine's).
    pub plugin_version: Option<String>,
    /// The plugin's OCI artifact (default: `<registry>/grafana/grafana-oncall-app:<version>`).
    pub plugin_artifact: Option<String>,
    /// The image with oras (default: `<registry>/oras-project/oras:v1.2.2`).
    pub oras_image: Option<String>,
    /// The image pull secret.
    pub pull_secret: String,
    /// The secret with the registry credentials oras uses (default: the pull secret).
    pub registry_auth_secret: Option<String>,
    /// Allow the plugin to load unsigned (a rebuilt plugin).
    pub allow_unsigned: bool,
    /// Pull the artifact over plain HTTP.
    pub plain_http: bool,
}

impl AirgapArgs {
    /// Options for `registry`, every other one at its default.
    pub fn new(registry: impl Into<String>) -> AirgapArgs {
        AirgapArgs {
            registry: registry.into(),
            plugin_version: None,
            plugin_artifact: None,
            oras_image: None,
            pull_secret: DEFAULT_PULL_SECRET.into(),
            registry_auth_secret: None,
            allow_unsigned: false,
            plain_http: false,
        }
    }
}

/// Everything the two renderings share.
struct Plan {
    target: Target,
    notes: Vec<String>,
    plugin_version: String,
    plugin_artifact: String,
    oras_image: String,
    auth_secret: String,
    plugins_dir: String,
    script_configmap: String,
}

/// Computes what both renderings share, validating the options and the plugins path.
fn plan(release: &Release, args: &AirgapArgs) -> Result<Plan, RenderError> {
    let target = Target::new(release)?;
    target.require_bundled(
        "airgap",
        "an external Grafana installs its plugins in its own deployment",
    )?;
    target.require_plugin_capable_chart(release)?;
    let mut notes = target.notes.clone();
    validate::registry("--registry", &args.registry)?;
    let plugin_version = plugin_version(release, args, &mut notes)?;
    let plugin_artifact = plugin_artifact(args, &plugin_version)?;
    let oras_image = oras_image(args)?;
    let auth_secret = auth_secret(args)?;
    let plugins_dir = plugins_dir(release, &target)?;
    let script_configmap = format!("{}-plugin-install", target.oncall_fullname);
    validate::dns_subdomain("the install-script ConfigMap name", &script_configmap)?;
    Ok(Plan {
        target,
        notes,
        plugin_version,
        plugin_artifact,
        oras_image,
        auth_secret,
        plugins_dir,
        script_configmap,
    })
}

/// `--plugin-version`, validated, else the engine's (with a note saying so).
fn plugin_version(
    release: &Release,
    args: &AirgapArgs,
    notes: &mut Vec<String>,
) -> Result<String, RenderError> {
    match &args.plugin_version {
        Some(v) => {
            validate::version("--plugin-version", v)?;
            Ok(v.clone())
        }
        None => {
            let (version, from) = engine_version(release);
            notes.push(format!(
                "plugin version {version}: {from} (the plugin should match the engine; --plugin-version to change it)"
            ));
            Ok(version)
        }
    }
}

/// `--plugin-artifact`, else the default artifact of `plugin_version` under the
/// registry; validated.
fn plugin_artifact(args: &AirgapArgs, plugin_version: &str) -> Result<String, RenderError> {
    match &args.plugin_artifact {
        Some(a) => {
            validate::image_ref("--plugin-artifact", a)?;
            Ok(a.clone())
        }
        None => {
            let a = format!(
                "{}/{DEFAULT_ARTIFACT_REPOSITORY}:{plugin_version}",
                args.registry
            );
            validate::image_ref(
                "the plugin artifact (from --registry and the plugin version; --plugin-artifact to set it)",
                &a,
            )?;
            Ok(a)
        }
    }
}

/// `--oras-image`, else the default oras image under the registry; validated.
fn oras_image(args: &AirgapArgs) -> Result<String, RenderError> {
    let oras_image = match &args.oras_image {
        Some(i) => i.clone(),
        None => format!("{}/{DEFAULT_ORAS}", args.registry),
    };
    validate::image_ref("--oras-image", &oras_image)?;
    Ok(oras_image)
}

/// The secret oras reads the registry credentials from (`--registry-auth-secret`, else
/// the pull secret), both validated.
fn auth_secret(args: &AirgapArgs) -> Result<String, RenderError> {
    validate::dns_subdomain("--pull-secret", &args.pull_secret)?;
    let auth_secret = args
        .registry_auth_secret
        .clone()
        .unwrap_or_else(|| args.pull_secret.clone());
    validate::dns_subdomain("--registry-auth-secret", &auth_secret)?;
    Ok(auth_secret)
}

/// Grafana's plugins path, which must be a plain path under `/var/lib/grafana/`, where
/// the init container mounts the storage volume.
fn plugins_dir(release: &Release, target: &Target) -> Result<String, RenderError> {
    let plugins_dir = release
        .values
        .get(&["grafana", "grafana.ini", "paths", "plugins"])
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(grafana::DEFAULT_PLUGINS_PATH)
        .to_owned();
    let plugins_key = key_name(
        &target.values_root,
        &["grafana", "grafana.ini", "paths", "plugins"],
    );
    if !plugins_dir.starts_with("/var/lib/grafana/")
        || !plugins_dir
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'))
        || plugins_dir.split('/').any(|p| p == "..")
    {
        return Err(Invalid::new(
            plugins_key,
            &plugins_dir,
            "is not a plain path under /var/lib/grafana/, where the init container mounts the storage volume",
        )
        .into());
    }
    Ok(plugins_dir)
}

/// The engine's version (see [`engine::version`]) when it is a version the overlay can
/// name, else the chart's, and where it comes from.
fn engine_version(release: &Release) -> (String, String) {
    match engine::version(release).filter(|(v, _, _)| validate::version("", v).is_ok()) {
        Some((version, EngineSource::ImageTag, _)) => (version, "the engine's image.tag".into()),
        _ => {
            let chart = release.chart_version();
            (
                chart.trim().trim_start_matches('v').to_owned(),
                format!("the engine of oncall chart {chart}"),
            )
        }
    }
}

/// The install-script ConfigMap.
fn script_configmap(plan: &Plan) -> Result<String, RenderError> {
    let script = render_template("install-plugin.sh", &json!({}))?;
    render_template(
        "install-plugin-configmap",
        &json!({
            "name": plan.script_configmap,
            "namespace": plan.target.grafana_namespace,
            "release": plan.target.release,
            "script": script,
        }),
    )
}

/// Renders the install-script ConfigMap alone (it is also in the overlay).
pub fn manifest(release: &Release, args: &AirgapArgs) -> Result<Rendered, RenderError> {
    let plan = plan(release, args)?;
    let text = script_configmap(&plan)?;
    parse_values("install-plugin-configmap", &text)?;
    Ok(Rendered {
        text,
        overlay: None,
        notes: plan.notes,
    })
}

/// `image.repository` of the OnCall pods, from the registry.
fn oncall_repository(
    values: &Value,
    registry: &str,
    root: &[String],
) -> Result<String, RenderError> {
    let current = values
        .get(&["image", "repository"])
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("grafana/oncall");
    if current.starts_with(&format!("{registry}/")) {
        return Ok(current.to_owned());
    }
    let path = match current.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => rest,
        _ => current,
    };
    let repository = format!("{registry}/{path}");
    validate::image_ref(&key_name(root, &["image", "repository"]), &repository)?;
    Ok(repository)
}

fn split_list(text: &str) -> Vec<String> {
    grafana::split_list(text)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The `grafana.env` entries the overlay changes.
fn env_changes(values: &Value, args: &AirgapArgs, preinstall: bool) -> Map<String, Json> {
    let env = values.get(&["grafana", "env"]).and_then(Value::as_map);
    let text = |name: &str| {
        env.and_then(|e| e.get(name))
            .and_then(Value::scalar_string)
            .unwrap_or_default()
    };
    let mut changes = Map::new();
    for name in DOWNLOAD_ENV {
        if !text(name).trim().is_empty() {
            changes.insert(name.into(), json!(""));
        }
    }
    if preinstall
        && env.is_some_and(|e| e.contains_key("GF_PLUGINS_PREINSTALL_DISABLED"))
        && !text("GF_PLUGINS_PREINSTALL_DISABLED").eq_ignore_ascii_case("true")
    {
        // env wins over grafana.ini
        changes.insert("GF_PLUGINS_PREINSTALL_DISABLED".into(), json!("true"));
    }
    if args.allow_unsigned {
        let name = "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS";
        let from_env = env.is_some_and(|e| e.contains_key(name));
        let mut current = if from_env {
            split_list(&text(name))
        } else {
            values
                .get(&[
                    "grafana",
                    "grafana.ini",
                    "plugins",
                    "allow_loading_unsigned_plugins",
                ])
                .and_then(Value::scalar_string)
                .map(|s| split_list(&s))
                .unwrap_or_default()
        };
        let listed = current.iter().any(|p| p == PLUGIN_ID);
        if !listed {
            current.push(PLUGIN_ID.into());
        }
        if !listed || !from_env {
            changes.insert(name.into(), json!(current.join(",")));
        }
    }
    changes
}

/// The names of every pod volume the grafana chart's lists define.
fn volume_names(values: &Value) -> Vec<String> {
    VOLUME_LISTS
        .iter()
        .flat_map(|l| list(values, &["grafana", l]))
        .filter_map(|item| item_name(&item).map(str::to_owned))
        .collect()
}

/// Renders the overlay.
pub fn render(release: &Release, args: &AirgapArgs) -> Result<Rendered, RenderError> {
    let plan = plan(release, args)?;
    let mut notes = plan.notes.clone();
    let parts = Parts::new(release, args, &plan, &mut notes)?;
    let root = &plan.target.values_root;
    unredirected_notes(&release.values, root, &mut notes);
    let build = |view: &dyn Fn(&Value) -> Value| parts.data(&plan, args, view);
    overlay::finish("airgap", &build, root, notes)
}

/// The lists the overlay rewrites (each split around the item it puts in) and the other
/// values it computes, before the rendering.
struct Parts {
    /// The install-script ConfigMap.
    configmap: Value,
    /// `grafana.extraObjects`, around the ConfigMap.
    objects: (Vec<Value>, Vec<Value>),
    /// `grafana.extraInitContainers`, around the init container.
    init: (Vec<Value>, Vec<Value>),
    /// `grafana.extraVolumes`, around the script volume (the provisioning volume kept).
    volumes: (Vec<Value>, Vec<Value>),
    /// `grafana.extraContainerVolumes`, around the registry-auth volume.
    container_volumes: (Vec<Value>, Vec<Value>),
    /// `imagePullSecrets`, and whether it lists the pull secret.
    oncall_secrets: (Vec<Value>, bool),
    /// `grafana.image.pullSecrets`, and whether it lists the pull secret.
    grafana_secrets: (Vec<Value>, bool),
    /// The `grafana.env` changes.
    env: Map<String, Json>,
    /// `image.repository` of the OnCall pods.
    repository: String,
    /// Whether Grafana has plugin preinstall (11.5 and later), to turn off.
    preinstall: bool,
}

impl Parts {
    /// Computes the parts from the values; notes the provisioning volume added back.
    fn new(
        release: &Release,
        args: &AirgapArgs,
        plan: &Plan,
        notes: &mut Vec<String>,
    ) -> Result<Parts, RenderError> {
        let values = &release.values;
        let root = &plan.target.values_root;
        let preinstall = plan.target.grafana_version >= (11, 5, 0);
        let configmap = parse_values("install-plugin-configmap", &script_configmap(plan)?)?;
        let objects = overlay::split_around(list(values, &["grafana", "extraObjects"]), &|o| {
            is_configmap_named(o, &plan.script_configmap)
        });
        let init = overlay::split_around(list(values, &["grafana", "extraInitContainers"]), &|c| {
            item_name(c) == Some(INIT_CONTAINER)
        });
        let mut volumes = overlay::split_around(list(values, &["grafana", "extraVolumes"]), &|v| {
            item_name(v) == Some(SCRIPT_VOLUME)
        });
        keep_provisioning_volume(release, root, &mut volumes.0, notes);
        let container_volumes =
            overlay::split_around(list(values, &["grafana", "extraContainerVolumes"]), &|v| {
                item_name(v) == Some(AUTH_VOLUME)
            });
        let oncall_secrets = list(values, &["imagePullSecrets"]);
        let has_oncall_secret = lists_secret(&oncall_secrets, &args.pull_secret);
        let grafana_secrets = list(values, &["grafana", "image", "pullSecrets"]);
        let has_grafana_secret = lists_secret(&grafana_secrets, &args.pull_secret);
        let env = env_changes(values, args, preinstall);
        let repository = oncall_repository(values, &args.registry, root)?;
        Ok(Parts {
            configmap,
            objects,
            init,
            volumes,
            container_volumes,
            oncall_secrets: (oncall_secrets, has_oncall_secret),
            grafana_secrets: (grafana_secrets, has_grafana_secret),
            env,
            repository,
            preinstall,
        })
    }

    /// The template data, the values carried over as `view` shows them.
    fn data(&self, plan: &Plan, args: &AirgapArgs, view: &dyn Fn(&Value) -> Value) -> Json {
        let target = &plan.target;
        let with = |items: &[Value], extra: Option<Json>| {
            let mut json = json_items(items, view);
            if let (Json::Array(list), Some(extra)) = (&mut json, extra) {
                list.push(extra);
            }
            json
        };
        let objects = overlay::put(&self.objects, self.configmap.to_json(), view);
        let items = |split: &(Vec<Value>, Vec<Value>)| {
            (json_items(&split.0, view), json_items(&split.1, view))
        };
        let (init_before, init_after) = items(&self.init);
        let (volumes_before, volumes_after) = items(&self.volumes);
        let (container_before, container_after) = items(&self.container_volumes);
        let (oncall_secrets, has_oncall_secret) = &self.oncall_secrets;
        let (grafana_secrets, has_grafana_secret) = &self.grafana_secrets;
        json!({
            "release": target.release,
            "namespace": target.namespace,
            "registry": args.registry,
            "oncall_repository": self.repository,
            "oncall_pull_secrets": with(oncall_secrets, (!has_oncall_secret).then(|| json!({ "name": args.pull_secret }))),
            "grafana_pull_secrets": with(grafana_secrets, (!has_grafana_secret).then(|| json!(args.pull_secret))),
            "pull_secret": args.pull_secret,
            "auth_secret": plan.auth_secret,
            "preinstall_disabled": self.preinstall,
            "grafana_version": target.grafana_version_text,
            "allow_unsigned": args.allow_unsigned,
            "env": if self.env.is_empty() { Json::Null } else { Json::Object(self.env.clone()) },
            "init_containers_before": init_before,
            "init_containers_after": init_after,
            "init_container": INIT_CONTAINER,
            "oras_image": plan.oras_image,
            "plugin_artifact": plan.plugin_artifact,
            "plugin_version": plan.plugin_version,
            "plugins_dir": plan.plugins_dir,
            "plain_http": if args.plain_http { "true" } else { "false" },
            "script_volume": SCRIPT_VOLUME,
            "script_configmap": plan.script_configmap,
            "auth_volume": AUTH_VOLUME,
            "volumes_before": volumes_before,
            "volumes_after": volumes_after,
            "container_volumes_before": container_before,
            "container_volumes_after": container_after,
            "extra_objects": objects,
        })
    }
}

/// Keeps the provisioning volume: appends the chart's to `volumes` (with a note) when a
/// list override dropped the volume a provisioning mount needs.
fn keep_provisioning_volume(
    release: &Release,
    root: &[String],
    volumes: &mut Vec<Value>,
    notes: &mut Vec<String>,
) {
    let values = &release.values;
    let defined = volume_names(values);
    for mount in list(values, &["grafana", "extraVolumeMounts"]) {
        let under_provisioning = mount
            .get(&["mountPath"])
            .and_then(Value::as_str)
            .is_some_and(|p| p.starts_with(PROVISIONING_DIR));
        let Some(name) = item_name(&mount).filter(|_| under_provisioning) else {
            continue;
        };
        if defined.iter().any(|d| d == name) {
            continue;
        }
        if let Some(item) = list(release.chart.defaults(), &["grafana", "extraVolumes"])
            .into_iter()
            .find(|v| item_name(v) == Some(name))
        {
            notes.push(format!(
                "`{}` had lost the `{name}` volume the provisioning mount needs: the chart's is added back",
                key_name(root, &["grafana", "extraVolumes"])
            ));
            volumes.push(item);
        }
    }
}

/// Whether a pull-secrets list names `secret` (as `{name: ...}` or as a string).
fn lists_secret(secrets: &[Value], secret: &str) -> bool {
    secrets
        .iter()
        .any(|s| item_name(s) == Some(secret) || s.as_str() == Some(secret))
}

/// Notes on what the overlay leaves alone: the enabled ingress-nginx and cert-manager
/// subcharts' images, and a Grafana image digest.
fn unredirected_notes(values: &Value, root: &[String], notes: &mut Vec<String>) {
    for (chart, images) in [
        (
            "ingress-nginx",
            "controller.image.registry and controller.admissionWebhooks.patch.image.registry",
        ),
        (
            "cert-manager",
            "image.repository, webhook.image.repository, cainjector.image.repository and startupapicheck.image.repository",
        ),
    ] {
        if values
            .get(&[chart, "enabled"])
            .is_some_and(Value::is_truthy)
        {
            notes.push(format!(
                "`{}` is enabled and its images are not redirected by this overlay: mirror them and set its {images}, or disable it when the cluster has its own",
                key_name(root, &[chart])
            ));
        }
    }
    if values
        .get(&["grafana", "image", "sha"])
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
    {
        notes.push("grafana.image.sha is set: the mirrored image must keep that digest".into());
    }
}
