//! `render airgap`: the values overlay of an air-gapped install, and the ConfigMap of the
//! script its init container runs.
//!
//! Nothing downloads plugins at start (`grafana.plugins: []`, the install env variables
//! cleared, preinstall off where Grafana has it); an init container pulls the plugin
//! artifact from the private registry with oras and unpacks it into the plugins path on the
//! `storage` volume; images come from the registry; the pull secret is listed under the keys
//! the charts read; the provisioning volume stays.

use serde_json::{Map, Value as Json, json};

use super::overlay::{self, View, item_name, json_items, list, parse_values, render_template};
use super::provisioning::{self, Provisioning, ProvisioningArgs, is_configmap_named};
use super::target::{RenderError, Rendered, Target, key_name};
use super::validate::{self, Invalid};
use crate::model::engine::{self, EngineSource};
use crate::model::grafana;
use crate::model::images::{self, RelocatableImage};
use crate::model::names::CHART_CONFIGMAP;
use crate::model::names::trunc_trim;
use crate::model::plugin::{DOWNLOAD_ENV, PLUGIN_ID};
use crate::model::provisioning as provisioned;
use crate::model::subcharts::{self, BITNAMI};
use crate::model::volumes::PLUGIN_PROVISIONING_DIR as PROVISIONING_DIR;
use crate::model::volumes::VOLUME_LISTS;
use crate::model::volumes::chart_provisioning_volume;
use crate::release::Release;
use crate::values::{Kind, Origin, Value};

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
    // cut to 63 characters, as charts cut names, so the name stays one DNS label
    let script_configmap = format!(
        "{}-plugin-install",
        trunc_trim(&target.oncall_fullname, 63 - "-plugin-install".len())
    );
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

/// The engine's `env` as the overlay writes it to turn its calls out of the cluster off
/// (`engine::call_outs_left_on`, which OC046 reports).
enum EngineEnv {
    /// Entries merged into the user's map (or the chart's empty one).
    Map(Map<String, Json>),
    /// The user's whole list (Helm replaces lists), each item set or appended.
    List(Vec<Value>),
}

impl EngineEnv {
    /// The `env` value, the user's items through `view`.
    fn json(&self, view: View<'_>) -> Json {
        match self {
            EngineEnv::Map(map) => Json::Object(map.clone()),
            EngineEnv::List(items) => json_items(items, view),
        }
    }
}

/// The engine's `env` the overlay writes: `None` when it leaves no call-out on.
fn engine_env(release: &Release) -> Option<EngineEnv> {
    let left_on = engine::call_outs_left_on(release);
    if left_on.is_empty() {
        return None;
    }
    let user_list = release
        .get(&["env"])
        .filter(|_| release.user_sets(&["env"]))
        .and_then(Value::as_seq);
    let Some(items) = user_list else {
        let map = left_on
            .iter()
            .map(|(call, _)| (call.env.to_owned(), json!(engine::OFF_IN_MAP)))
            .collect();
        return Some(EngineEnv::Map(map));
    };
    let mut items = items.to_vec();
    let off = || Value::new(Kind::Str(engine::OFF_IN_LIST.to_owned()), Origin::Fix);
    for (call, entry) in &left_on {
        match entry.as_ref().and_then(|e| e.index) {
            Some(i) => {
                if let Some(Kind::Map(item)) = items.get_mut(i).map(|v| &mut v.kind) {
                    std::sync::Arc::make_mut(item).insert("value".to_owned(), off());
                }
            }
            None => {
                let mut item = crate::values::Map::default();
                item.insert(
                    "name".to_owned(),
                    Value::new(Kind::Str(call.env.to_owned()), Origin::Fix),
                );
                item.insert("value".to_owned(), off());
                items.push(Value::new(Kind::map(item), Origin::Fix));
            }
        }
    }
    Some(EngineEnv::List(items))
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
    relocation_notes(release, args, root, &mut notes);
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
    /// The engine's `env` with its calls out of the cluster turned off.
    engine_env: Option<EngineEnv>,
    /// `image.repository` of the OnCall pods.
    repository: String,
    /// Whether Grafana has plugin preinstall (11.5 and later), to turn off.
    preinstall: bool,
    /// The provisioning of this release, carried when the chart's own would be in effect.
    provisioning: Option<Provisioning>,
    /// Where the pull secret goes besides the oncall and Grafana pods.
    secrets: SubchartSecrets,
    /// `global.security.allowInsecureImages: true` (the bundled mariadb 23.x).
    allow_insecure_images: bool,
    /// The cert-manager and ingress-nginx images the release runs.
    relocated: Vec<&'static RelocatableImage>,
    /// cert-manager's DNS policy set back to the cluster's.
    cluster_dns: bool,
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
        let preinstall = plan.target.grafana_version >= crate::model::plugin::PREINSTALL_FROM;
        let configmap = parse_values("install-plugin-configmap", &script_configmap(plan)?)?;
        let objects = overlay::split_around(list(values, &["grafana", "extraObjects"]), &|o| {
            is_configmap_named(o, &plan.script_configmap)
        });
        let init = overlay::split_around(list(values, &["grafana", "extraInitContainers"]), &|c| {
            item_name(c) == Some(INIT_CONTAINER)
        });
        let provisioning = carried_provisioning(release, plan, notes)?;
        let mut objects = objects;
        let mut volume_items = list(values, &["grafana", "extraVolumes"]);
        if let Some(p) = &provisioning {
            put_in_place(&mut objects.0, &mut objects.1, p.configmap.clone(), &|o| {
                is_configmap_named(o, &p.configmap_name)
            });
            let volume = Value::from_json(&p.volume, &Origin::Fix);
            let mut none = Vec::new();
            put_in_place(&mut volume_items, &mut none, volume, &|v| {
                item_name(v) == Some(p.volume_name.as_str())
            });
        }
        let mut volumes =
            overlay::split_around(volume_items, &|v| item_name(v) == Some(SCRIPT_VOLUME));
        if provisioning.is_none() {
            keep_provisioning_volume(release, root, &mut volumes.0, notes);
        }
        let container_volumes =
            overlay::split_around(list(values, &["grafana", "extraContainerVolumes"]), &|v| {
                item_name(v) == Some(AUTH_VOLUME)
            });
        let oncall_secrets = list(values, &["imagePullSecrets"]);
        let has_oncall_secret = lists_secret(&oncall_secrets, &args.pull_secret);
        let grafana_secrets = list(values, &["grafana", "image", "pullSecrets"]);
        let has_grafana_secret = lists_secret(&grafana_secrets, &args.pull_secret);
        let env = env_changes(values, args, preinstall);
        let engine_env = engine_env(release);
        let repository = oncall_repository(values, &args.registry, root)?;
        let relocated = images::relocatable(release);
        for image in &relocated {
            validate::image_ref(
                &key_name(root, &[image.chart]),
                &format!("{}/{}", args.registry, image.path),
            )?;
        }
        Ok(Parts {
            provisioning,
            secrets: SubchartSecrets::of(release),
            allow_insecure_images: subcharts::mariadb_refuses_relocated_images(release),
            relocated,
            cluster_dns: public_cert_manager_dns(release),
            configmap,
            objects,
            init,
            volumes,
            container_volumes,
            oncall_secrets: (oncall_secrets, has_oncall_secret),
            grafana_secrets: (grafana_secrets, has_grafana_secret),
            env,
            engine_env,
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
            "engine_env": self.engine_env.as_ref().map(|e| e.json(view)),
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
            "extra_volume_mounts": self.provisioning.as_ref().and_then(|p| p.restored_mount.as_ref()).map(|(kept, default)| {
                overlay::put(&(kept.clone(), Vec::new()), default.clone(), view)
            }),
            "global_pull_secrets": self.secrets.global(args, view),
            "bitnami_pull_secrets": self.secrets.bitnami(args, view),
            "allow_insecure_images": self.allow_insecure_images,
            "cluster_dns": self.cluster_dns,
            "provisioning": self.provisioning.as_ref().map(|p| p.configmap_name.clone()),
            "cert_manager": self.cert_manager(args, view),
            "ingress_nginx": self.ingress_nginx(args, view),
        })
    }

    /// The `cert-manager` section: images, pull secrets (when the global list cannot carry
    /// them), DNS.
    fn cert_manager(&self, args: &AirgapArgs, view: View<'_>) -> Json {
        let mut section = self.relocations("cert-manager", &args.registry);
        if section.is_empty() {
            return Json::Null;
        }
        if let Some(secrets) = &self.secrets.cert_manager {
            let list = with_secret(secrets, &args.pull_secret, SecretForm::Object, view);
            section.insert("global".into(), json!({ "imagePullSecrets": list }));
        }
        if self.cluster_dns {
            section.insert("podDnsPolicy".into(), json!("ClusterFirst"));
            // no public nameservers appended to the cluster's (a `null` would do the same
            // in Helm, but an empty list merges into a values file as it reads)
            section.insert("podDnsConfig".into(), json!({ "nameservers": [] }));
        }
        Json::Object(section)
    }

    /// The `ingress-nginx` section: images and pull secrets.
    fn ingress_nginx(&self, args: &AirgapArgs, view: View<'_>) -> Json {
        let mut section = self.relocations("ingress-nginx", &args.registry);
        if section.is_empty() {
            return Json::Null;
        }
        let list = with_secret(
            &self.secrets.ingress_nginx,
            &args.pull_secret,
            SecretForm::Object,
            view,
        );
        section.insert("imagePullSecrets".into(), list);
        Json::Object(section)
    }

    /// The values that move `chart`'s images to the registry, nested.
    fn relocations(&self, chart: &str, registry: &str) -> Map<String, Json> {
        let mut section = Map::new();
        for image in self.relocated.iter().filter(|i| i.chart == chart) {
            let value = if image.registry_key {
                registry.to_owned()
            } else {
                format!("{registry}/{}", image.path)
            };
            insert_at(&mut section, image.key, json!(value));
        }
        section
    }
}

/// Sets `value` at `path` in a JSON map, making the maps on the way.
fn insert_at(map: &mut Map<String, Json>, path: &[&str], value: Json) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = map;
    for key in parents {
        let entry = current
            .entry((*key).to_owned())
            .or_insert_with(|| Json::Object(Map::new()));
        if !entry.is_object() {
            *entry = Json::Object(Map::new());
        }
        let Json::Object(next) = entry else {
            return;
        };
        current = next;
    }
    current.insert((*last).to_owned(), value);
}

/// Puts `item` where the first item `ours` matches was (in `before`, else in `after`),
/// dropping any other such item; at the end of `before`'s list when there is none.
fn put_in_place(
    before: &mut Vec<Value>,
    after: &mut Vec<Value>,
    item: Value,
    ours: &dyn Fn(&Value) -> bool,
) {
    let mut item = Some(item);
    for list in [&mut *before, &mut *after] {
        let mut out = Vec::with_capacity(list.len());
        for existing in list.drain(..) {
            if ours(&existing) {
                if let Some(item) = item.take() {
                    out.push(item);
                }
            } else {
                out.push(existing);
            }
        }
        *list = out;
    }
    if let Some(item) = item {
        before.push(item);
    }
}

/// How a chart reads the items of a pull-secret list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecretForm {
    /// Plain names (Bitnami common before 2.13 prints each item as a name).
    Name,
    /// `{name: ...}` items (written into the pod as they are).
    Object,
}

/// The list `items` with the pull secret added (in `form`) unless it names it already.
fn with_secret(items: &[Value], secret: &str, form: SecretForm, view: View<'_>) -> Json {
    let mut json = json_items(items, view);
    if !lists_secret(items, secret)
        && let Json::Array(list) = &mut json
    {
        list.push(match form {
            SecretForm::Name => json!(secret),
            SecretForm::Object => json!({ "name": secret }),
        });
    }
    json
}

/// Where the pull secret goes for the subcharts. `global.imagePullSecrets` reaches the
/// grafana chart (both forms), the Bitnami subcharts (names, or objects for mariadb 23.x)
/// and cert-manager (objects only, and the top-level list replaces its own): when
/// cert-manager runs beside a Bitnami subchart that reads only names, no form suits every
/// reader, so each Bitnami subchart gets its `image.pullSecrets` and cert-manager its own
/// `global.imagePullSecrets`.
struct SubchartSecrets {
    /// `global.imagePullSecrets` and its form, when it carries the secret.
    global: Option<(Vec<Value>, SecretForm)>,
    /// `<chart>.image.pullSecrets` of each enabled Bitnami subchart, otherwise.
    bitnami: Vec<(&'static str, Vec<Value>)>,
    /// `cert-manager.global.imagePullSecrets`, otherwise (when cert-manager runs).
    cert_manager: Option<Vec<Value>>,
    /// `ingress-nginx.imagePullSecrets`.
    ingress_nginx: Vec<Value>,
}

impl SubchartSecrets {
    fn of(release: &Release) -> SubchartSecrets {
        let values = &release.values;
        let cert_manager = subcharts::enabled(release, "cert-manager");
        let bitnami: Vec<&'static str> = BITNAMI
            .into_iter()
            .filter(|c| subcharts::enabled(release, c))
            .collect();
        let names_only = bitnami
            .iter()
            .any(|c| !subcharts::bitnami_reads_secret_objects(release, c));
        let ingress_nginx = list(values, &subcharts::INGRESS_NGINX_PULL_SECRETS);
        if cert_manager && names_only {
            SubchartSecrets {
                global: None,
                bitnami: bitnami
                    .into_iter()
                    .map(|c| (c, list(values, &[c, "image", "pullSecrets"])))
                    .collect(),
                cert_manager: Some(list(values, &subcharts::CERT_MANAGER_PULL_SECRETS)),
                ingress_nginx,
            }
        } else {
            let form = if cert_manager {
                SecretForm::Object
            } else {
                SecretForm::Name
            };
            SubchartSecrets {
                global: Some((list(values, &["global", "imagePullSecrets"]), form)),
                bitnami: Vec::new(),
                cert_manager: None,
                ingress_nginx,
            }
        }
    }

    fn global(&self, args: &AirgapArgs, view: View<'_>) -> Json {
        self.global.as_ref().map_or(Json::Null, |(items, form)| {
            with_secret(items, &args.pull_secret, *form, view)
        })
    }

    fn bitnami(&self, args: &AirgapArgs, view: View<'_>) -> Json {
        let mut map = Map::new();
        for (chart, items) in &self.bitnami {
            let list = with_secret(items, &args.pull_secret, SecretForm::Name, view);
            map.insert(
                (*chart).to_owned(),
                json!({ "image": { "pullSecrets": list } }),
            );
        }
        if map.is_empty() {
            Json::Null
        } else {
            Json::Object(map)
        }
    }
}

/// Whether cert-manager runs with `podDnsPolicy: None` and only the oncall chart's own
/// nameservers (public ones, unreachable from an air-gapped cluster).
fn public_cert_manager_dns(release: &Release) -> bool {
    if !subcharts::enabled(release, "cert-manager") {
        return false;
    }
    let policy = release
        .get(&["cert-manager", "podDnsPolicy"])
        .and_then(Value::scalar_string);
    if policy.as_deref().map(str::trim) != Some("None") {
        return false;
    }
    let servers_key = ["cert-manager", "podDnsConfig", "nameservers"];
    let defaults: Vec<String> = list(release.chart.defaults(), &servers_key)
        .iter()
        .filter_map(Value::scalar_string)
        .collect();
    let servers = list(&release.values, &servers_key);
    !servers.is_empty()
        && servers
            .iter()
            .filter_map(Value::scalar_string)
            .all(|s| defaults.contains(&s))
}

/// The provisioning of this release, when the chart's own (written for a release named
/// `helm-testing`, and without the `license` a plugin from an init container needs) would
/// be in effect with the overlay; a note says so, or says what to do about the user's own
/// provisioning.
fn carried_provisioning(
    release: &Release,
    plan: &Plan,
    notes: &mut Vec<String>,
) -> Result<Option<Provisioning>, RenderError> {
    let root = &plan.target.values_root;
    let mut scratch = Vec::new();
    let mut scratch_notes = Vec::new();
    keep_provisioning_volume(release, root, &mut scratch, &mut scratch_notes);
    let restores_chart = scratch
        .iter()
        .any(|v| v.get(&["configMap", "name"]).and_then(Value::as_str) == Some(CHART_CONFIGMAP));
    let own = provisioned::find(release);
    if chart_provisioning_volume(release).is_none() && !restores_chart {
        if own.iter().any(|app| {
            app.value
                .get(&["jsonData", "license"])
                .and_then(Value::scalar_string)
                .is_none_or(|l| l.trim().is_empty())
        }) {
            notes.push(format!(
                "your own plugin provisioning has no `jsonData.license`, which a plugin installed by the init container needs (OC008): run `oncall-lint --profile air-gapped --fix` on your values file, or replace it with `oncall-lint render provisioning --release {} --namespace {} --merge-into <your values file>`",
                plan.target.release, plan.target.namespace
            ));
        }
        return Ok(None);
    }
    let provisioning =
        provisioning::plan(release, &plan.target, &ProvisioningArgs::default(), notes)?;
    notes.push(format!(
        "the chart's own plugin provisioning (`{CHART_CONFIGMAP}`, written for a release named helm-testing, without the `jsonData.license` a plugin from an init container needs) would be in effect: this overlay carries the provisioning of release {} instead (what `render provisioning` writes, ConfigMap `{}`)",
        plan.target.release, provisioning.configmap_name
    ));
    if own.iter().any(|app| app.string_path.is_some()) {
        notes.push(format!(
            "your values also hold plugin provisioning that the provisioning volume does not mount; remove it, or make it the mounted one with `oncall-lint render provisioning --release {} --namespace {} --merge-into <your values file>`",
            plan.target.release, plan.target.namespace
        ));
    }
    Ok(Some(provisioning))
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

/// Notes on the images to mirror for the cert-manager and ingress-nginx subcharts the
/// overlay moves to the registry, and on a Grafana image digest.
fn relocation_notes(
    release: &Release,
    args: &AirgapArgs,
    root: &[String],
    notes: &mut Vec<String>,
) {
    for chart in ["cert-manager", "ingress-nginx"] {
        let images: Vec<String> = images::relocatable(release)
            .into_iter()
            .filter(|i| i.chart == chart)
            .map(|i| format!("{} as {}/{}", i.default, args.registry, i.path))
            .collect();
        if !images.is_empty() {
            notes.push(format!(
                "`{}` is enabled: this overlay takes its images from {}; mirror them there with their tags and digests: {} (or disable it when the cluster has its own)",
                key_name(root, &[chart]),
                args.registry,
                images.join(", ")
            ));
        }
    }
    bitnami_notes(release, args, root, notes);
    if release
        .values
        .get(&["grafana", "image", "sha"])
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
    {
        notes.push("grafana.image.sha is set: the mirrored image must keep that digest".into());
    }
}

/// Notes on the images of the enabled Bitnami subcharts, which the overlay's
/// `global.imageRegistry` takes from the registry: what to mirror there, from where. The
/// chart's pinned defaults come from `docker.io/bitnamilegacy` (Bitnami no longer serves
/// them under `docker.io/bitnami`), and an image on `latest` floats: a tag to pin first.
fn bitnami_notes(release: &Release, args: &AirgapArgs, root: &[String], notes: &mut Vec<String>) {
    let images = images::bitnami_images(release);
    for sub in BITNAMI {
        let of_sub: Vec<&images::BitnamiImage<'_>> =
            images.iter().filter(|i| i.sub == sub).collect();
        if of_sub.is_empty() {
            continue;
        }
        let mut copies = Vec::new();
        let mut floating = Vec::new();
        for image in &of_sub {
            let target = format!("{}/{}", args.registry, image.short());
            let target = match &image.digest {
                Some(digest) => format!("{}/{}@{digest}", args.registry, image.repository),
                None => target,
            };
            let source = image.mirror_source();
            if image.pinned_default() {
                copies.push(format!(
                    "{source} as {target} (no longer served under docker.io/bitnami)"
                ));
            } else {
                copies.push(format!("{source} as {target}"));
            }
            if image.floats() {
                floating.push(format!("`{}`", key_name(root, &image.key("tag"))));
            }
        }
        let mut note = format!(
            "`{}` is enabled: this overlay takes its images from {} (global.imageRegistry); mirror them there: {}",
            key_name(root, &[sub]),
            args.registry,
            copies.join(", ")
        );
        if !floating.is_empty() {
            note.push_str(&format!(
                "; `latest` floats: pin {} to the version you mirror",
                floating.join(", ")
            ));
        }
        notes.push(note);
    }
}
