//! What the renderers need to know about a release, computed once from its effective values
//! and the user's names: the Kubernetes names the charts give each service and pod, where
//! Grafana runs and at which path, and the engine's stack id. Every name is validated here,
//! so no artifact can be rendered from a name Kubernetes would reject.

use crate::chart::{Version, parse_version, show_version};
use crate::model::engine::{self, STACK_ID_ENV};
use crate::model::grafana::Grafana;
use crate::model::names::{ChartName, chart_name_of, engine_service_of, fullname, trunc_trim};
use crate::release::{Identity, Release};
use crate::values::{Kind, Value};

use super::validate::{self, Invalid};

/// Why an artifact cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// An input (flag, or a value the names derive from) has a shape we do not accept.
    #[error("{0}")]
    Invalid(#[from] Invalid),
    /// A required flag is missing.
    #[error("{0}")]
    Missing(String),
    /// The release cannot use this artifact (an old chart, the bundled Grafana off, ...).
    #[error("{0}")]
    Unsupported(String),
    /// A template failed or rendered something that does not parse (a bug).
    #[error("internal error: {0}")]
    Internal(String),
}

/// A rendered artifact.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The text to print (secrets carried over from the values masked).
    pub text: String,
    /// A values overlay: the text to merge (unmasked) and its values (at the top of the
    /// file, values root included). `None` for manifests and scripts.
    pub overlay: Option<(String, Value)>,
    /// What the user should know (printed to stderr).
    pub notes: Vec<String>,
}

/// The file name of the chart's provisioning mount.
pub const PROVISIONING_FILE: &str = "grafana-oncall-app-provisioning.yaml";

/// The facts of one release.
#[derive(Debug, Clone)]
pub struct Target {
    /// Helm release name.
    pub release: String,
    /// Namespace of the OnCall release.
    pub namespace: String,
    /// Namespace the Grafana pod runs in.
    pub grafana_namespace: String,
    /// Whether the bundled Grafana is deployed (`grafana.enabled`).
    pub bundled_grafana: bool,
    /// `app.kubernetes.io/name` of the oncall pods (`oncall.name`).
    pub oncall_name: String,
    /// `oncall.fullname`.
    pub oncall_fullname: String,
    /// The engine's Service (`<oncall.fullname | trunc 55>-engine`).
    pub engine_service: String,
    /// `app.kubernetes.io/name` of the Grafana pod (`grafana.name`).
    pub grafana_name: String,
    /// The bundled Grafana's Service (`grafana.fullname`).
    pub grafana_service: String,
    /// Its port (`grafana.service.port`).
    pub grafana_port: i64,
    /// The path Grafana serves under, with leading and trailing `/` (`/` at the root).
    pub sub_path: String,
    /// The engine's `SELF_HOSTED_STACK_ID` (default 5).
    pub stack_id: i64,
    /// The Grafana version that runs (`grafana.image.tag`, else the bundled chart's).
    pub grafana_version: Version,
    /// The same, as text.
    pub grafana_version_text: String,
    /// Keys from the top of the user's files to the oncall chart's values.
    pub values_root: Vec<String>,
    /// Notes gathered on the way.
    pub notes: Vec<String>,
}

fn string_at(values: &Value, path: &[&str]) -> Option<String> {
    values
        .get(path)
        .filter(|v| !v.is_null())
        .and_then(Value::scalar_string)
        .filter(|s| !s.is_empty())
}

/// A key path for messages, with the values root in front.
pub fn key_name(root: &[String], path: &[&str]) -> String {
    root.iter()
        .map(String::as_str)
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join(".")
}

impl Target {
    /// Computes the facts of `release`, named as its identity says.
    pub fn new(release: &Release) -> Result<Target, RenderError> {
        let values = &release.values;
        let root = release.values_root.clone();
        check_values_root(&root)?;
        let (release_name, namespace) = identity_names(&release.identity)?;
        let grafana = Grafana::of(release);
        let bundled_grafana = grafana.bundled();
        let grafana_namespace = grafana_namespace(release, &root, &namespace, bundled_grafana)?;
        let (oncall_name, oncall_fullname, engine_service) =
            oncall_names(release, &root, &release_name)?;
        let (grafana_name, grafana_service) =
            grafana_names(values, &root, &release_name, bundled_grafana)?;
        let grafana_port = grafana_port(values, &root)?;
        let sub_path = sub_path(values);
        let stack_id = engine::stack_id(release).map_err(|value| {
            RenderError::Invalid(Invalid::new(
                format!("{} {STACK_ID_ENV}", key_name(&root, &["env"])),
                &value.describe(),
                "is not an integer, so the engine would not start",
            ))
        })?;
        let (grafana_version, grafana_version_text) = grafana_version(release, &grafana);
        let mut notes = Vec::new();
        let assumed = trunc_trim(&format!("{release_name}-grafana"), 63);
        if bundled_grafana && grafana_service != assumed {
            notes.push(format!(
                "the bundled Grafana's Service is `{grafana_service}`, but the oncall chart sets the engine's GRAFANA_API_URL to http://{assumed} (it does not follow the grafana chart's naming); the plugin's grafanaUrl, which names the real Service, is what the engine uses to reach Grafana"
            ));
        }
        Ok(Target {
            release: release_name,
            namespace,
            grafana_namespace,
            bundled_grafana,
            oncall_name,
            oncall_fullname,
            engine_service,
            grafana_name,
            grafana_service,
            grafana_port,
            sub_path,
            stack_id,
            grafana_version,
            grafana_version_text,
            values_root: root,
            notes,
        })
    }

    /// The engine's URL from Grafana: `http://<engine>.<namespace>.svc:8080`.
    pub fn oncall_api_url(&self) -> String {
        format!("http://{}.{}.svc:8080", self.engine_service, self.namespace)
    }

    /// The bundled Grafana's URL from the engine, with its namespace and sub-path, ending in
    /// `/` (the plugin appends `api/org` to it).
    pub fn grafana_url(&self) -> String {
        let port = if self.grafana_port == 80 {
            String::new()
        } else {
            format!(":{}", self.grafana_port)
        };
        format!(
            "http://{}.{}.svc{port}{}",
            self.grafana_service, self.grafana_namespace, self.sub_path
        )
    }

    /// Fails unless the bundled Grafana is deployed.
    pub fn require_bundled(&self, artifact: &str, instead: &str) -> Result<(), RenderError> {
        if self.bundled_grafana {
            Ok(())
        } else {
            Err(RenderError::Unsupported(format!(
                "`{}` is false: the bundled Grafana, which `render {artifact}` is for, is not deployed; {instead}",
                key_name(&self.values_root, &["grafana", "enabled"])
            )))
        }
    }

    /// Fails for the charts that bundle a Grafana that cannot run the plugin.
    pub fn require_plugin_capable_chart(&self, release: &Release) -> Result<(), RenderError> {
        if release.grafana_chart() == "6.57.1" {
            return Err(RenderError::Unsupported(format!(
                "oncall chart {} and older bundle the grafana chart 6.57.1 (Grafana {}), which cannot run the OnCall plugin (it needs Grafana 10.3 or later and the externalServiceAccounts feature) and ignores grafana.extraVolumes; use oncall chart 1.9.23 or later (--chart-version)",
                release.chart.version,
                release.grafana_app_version()
            )));
        }
        if self.grafana_version < (10, 3, 0) {
            return Err(RenderError::Unsupported(format!(
                "Grafana {} (grafana.image.tag) cannot run the OnCall plugin: it needs Grafana 10.3 or later",
                self.grafana_version_text
            )));
        }
        Ok(())
    }
}

/// Fails for a `--values-root` key longer than a chart's key may be.
fn check_values_root(root: &[String]) -> Result<(), RenderError> {
    for key in root {
        if key.len() > 253 {
            return Err(Invalid::new(
                "--values-root",
                key,
                "is too long for a chart's key (at most 253 characters)",
            )
            .into());
        }
    }
    Ok(())
}

/// The release name and namespace the user gave (both required), validated as Helm and
/// Kubernetes do, and `--grafana-namespace` validated when given.
fn identity_names(identity: &Identity) -> Result<(String, String), RenderError> {
    let release_name = identity.name.clone().ok_or_else(|| {
        RenderError::Missing(
            "--release NAME is required: the Helm release name the chart's service names derive from".into(),
        )
    })?;
    // Helm's own limit on release names
    validate::dns_label("--release", &release_name, 53)?;
    let namespace = identity.namespace.clone().ok_or_else(|| {
        RenderError::Missing(
            "--namespace NS is required: the namespace the OnCall release is installed in".into(),
        )
    })?;
    validate::dns_label("--namespace", &namespace, 63)?;
    if let Some(gns) = &identity.grafana_namespace {
        validate::dns_label("--grafana-namespace", gns, 63)?;
    }
    Ok((release_name, namespace))
}

/// The namespace Grafana runs in: the bundled one's `namespaceOverride` or the release's
/// (and `--grafana-namespace` must agree), else `--grafana-namespace` or the release's.
fn grafana_namespace(
    release: &Release,
    root: &[String],
    namespace: &str,
    bundled_grafana: bool,
) -> Result<String, RenderError> {
    let identity = &release.identity;
    if !bundled_grafana {
        return Ok(identity
            .grafana_namespace
            .clone()
            .unwrap_or_else(|| namespace.to_owned()));
    }
    let override_key = ["grafana", "namespaceOverride"];
    let override_ns = string_at(&release.values, &override_key);
    if let Some(ns) = &override_ns {
        validate::dns_label(&key_name(root, &override_key), ns, 63)?;
    }
    let runs_in = override_ns.clone().unwrap_or_else(|| namespace.to_owned());
    if let Some(gns) = &identity.grafana_namespace
        && *gns != runs_in
    {
        return Err(RenderError::Unsupported(format!(
            "--grafana-namespace {gns} disagrees with where the bundled Grafana runs: {runs_in} ({}); set `{}: {gns}` in your values, or leave out --grafana-namespace",
            if override_ns.is_some() {
                "its namespaceOverride"
            } else {
                "the release's namespace, as grafana.namespaceOverride is not set"
            },
            key_name(root, &override_key),
        )));
    }
    Ok(runs_in)
}

/// The oncall pods' `app.kubernetes.io/name`, `oncall.fullname` and the engine's Service
/// name, validated. The chart's name is the model's (`nameOverride`, else the alias an
/// umbrella gives the chart, else `oncall`).
fn oncall_names(
    release: &Release,
    root: &[String],
    release_name: &str,
) -> Result<(String, String, String), RenderError> {
    let values = &release.values;
    let source = chart_name_of(release);
    let chart_name = source.name().to_owned();
    let oncall_name = trunc_trim(&chart_name, 63);
    let named_by = match source {
        ChartName::Alias(_) => "the oncall dependency's alias in Chart.yaml".to_owned(),
        ChartName::UmbrellaKey(_) => "the umbrella key the values sit under".to_owned(),
        ChartName::Override(_) | ChartName::Chart => key_name(root, &["nameOverride"]),
    };
    validate::label_value(&named_by, &oncall_name)?;
    let oncall_fullname = fullname(
        release_name,
        &chart_name,
        string_at(values, &["fullnameOverride"]).as_deref(),
    );
    let engine_service = engine_service_of(&oncall_fullname);
    validate::service_name(
        "the engine Service name (from --release, fullnameOverride, nameOverride and the chart's alias)",
        &engine_service,
    )?;
    Ok((oncall_name, oncall_fullname, engine_service))
}

/// The Grafana pod's `app.kubernetes.io/name` and the bundled Grafana's Service name
/// (`grafana.fullname`), validated when the bundled Grafana is deployed.
fn grafana_names(
    values: &Value,
    root: &[String],
    release_name: &str,
    bundled_grafana: bool,
) -> Result<(String, String), RenderError> {
    let chart_name =
        string_at(values, &["grafana", "nameOverride"]).unwrap_or_else(|| "grafana".into());
    let grafana_name = trunc_trim(&chart_name, 63);
    let grafana_service = fullname(
        release_name,
        &chart_name,
        string_at(values, &["grafana", "fullnameOverride"]).as_deref(),
    );
    if bundled_grafana {
        validate::label_value(&key_name(root, &["grafana", "nameOverride"]), &grafana_name)?;
        validate::service_name(
            "the bundled Grafana's Service name (from --release, grafana.fullnameOverride and grafana.nameOverride)",
            &grafana_service,
        )?;
    }
    Ok((grafana_name, grafana_service))
}

/// The bundled Grafana's Service port (`grafana.service.port`, 80 when unset).
fn grafana_port(values: &Value, root: &[String]) -> Result<i64, RenderError> {
    let port_key = ["grafana", "service", "port"];
    match values.get(&port_key).map(|v| &v.kind) {
        Some(Kind::Int(p)) if (1..=65535).contains(p) => Ok(*p),
        None | Some(Kind::Null) => Ok(80),
        Some(Kind::Str(s)) if s.parse::<u16>().is_ok_and(|p| p > 0) => {
            Ok(i64::from(s.parse::<u16>().unwrap_or(80)))
        }
        Some(_) => Err(RenderError::Invalid(Invalid::new(
            key_name(root, &port_key),
            &values
                .get(&port_key)
                .map(Value::describe)
                .unwrap_or_default(),
            "is not a port number",
        ))),
    }
}

/// The Grafana version that runs, and as text: the image tag's, or the bundled chart's
/// when the tag is not a version (`latest`).
fn grafana_version(release: &Release, grafana: &Grafana<'_>) -> (Version, String) {
    match grafana.version() {
        Some((v, _)) => (v, show_version(v)),
        None => (
            parse_version(release.grafana_app_version()).unwrap_or((0, 0, 0)),
            release.grafana_app_version().to_owned(),
        ),
    }
}

/// The path Grafana serves under: the path of `root_url` when `serve_from_sub_path` is on,
/// with a trailing `/`; `/` otherwise.
fn sub_path(values: &Value) -> String {
    let server = |key: &str| values.get(&["grafana", "grafana.ini", "server", key]);
    let serves_sub_path = server("serve_from_sub_path").is_some_and(|v| match &v.kind {
        Kind::Bool(b) => *b,
        Kind::Str(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    });
    if !serves_sub_path {
        return "/".into();
    }
    let root_url = server("root_url")
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let after_scheme = root_url
        .split_once("://")
        .map_or(root_url.as_str(), |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    // only a plain path is carried over
    let clean: String = path
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '.' | '_' | '~'))
        .collect();
    let trimmed = clean.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}
