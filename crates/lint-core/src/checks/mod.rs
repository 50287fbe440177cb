//! Checks: the Rust logic behind rules, one file each. A check reads the Release (and the
//! plugin provisioning found in it) and reports through an [`Emitter`], which turns a
//! message key and its arguments into a [`Diagnostic`] with the rule's own text.

pub mod access_control_oncall;
pub mod airgap_image_registry;
pub mod airgap_phone_home;
pub mod airgap_plugin_download;
pub mod airgap_plugin_install;
pub mod airgap_preinstall;
pub mod airgap_public_dns;
pub mod airgap_pull_secrets;
pub mod airgap_unsigned_allowlist;
pub mod ambiguous_scalar;
pub mod base_url;
pub mod bundled_subchart;
pub mod configmap_mount_type;
pub mod custom;
pub mod dev_mode;
pub mod duplicate_key;
pub mod env_map_unquoted;
pub mod env_overrides_ini;
pub mod ephemeral_grafana;
pub mod external_db_credentials;
pub mod external_grafana_ignored;
pub mod external_grafana_url;
pub mod external_service_accounts;
pub mod extra_containers_string;
pub mod extra_volume_api;
pub mod extra_volume_source;
pub mod grafana_env_map;
pub mod grafana_ini_scalars;
pub mod grafana_service_name;
pub mod grafana_version;
pub mod inline_secret;
pub mod localhost_url;
pub mod managed_service_accounts;
pub mod plugin_engine_version;
pub mod plugin_entry_shape;
pub mod plugin_grafana_url;
pub mod plugin_install_path;
pub mod plugin_jsondata_incomplete;
pub mod plugin_license;
pub mod plugin_min_version;
pub mod plugin_oncall_api_url;
pub mod plugin_org_id;
pub mod plugin_stack_id;
pub mod plugin_version;
pub mod plugin_version_prefix;
pub mod provisioning_mount;
pub mod provisioning_volume;
pub mod unknown_key;
pub mod volume_name_resolves;
pub mod wrong_type;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Location, Related, Severity};
use crate::fix::{self, Op};
use crate::path::Seg;
use crate::options::LintOptions;
use crate::provisioning::ProvisionedApp;
use crate::release::Release;
use crate::rules::{Rule, message};
use crate::values::Value;

/// What kind of file a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Values of the oncall chart (top level or under an umbrella key).
    OncallValues,
    /// A Grafana provisioning file (`apps:`).
    Provisioning,
    /// A Kubernetes manifest (`apiVersion` and `kind`): only the plugin provisioning embedded
    /// in it (a ConfigMap) is checked.
    Manifest,
    /// Values of some other chart (no key only the oncall chart has): only embedded plugin
    /// provisioning is checked, so a repository of many charts gives no false alarms.
    OtherValues,
    /// Values of the grafana chart, alone or as the `grafana` subchart of another chart (a
    /// Grafana that hosts the plugin): only the Grafana-side rules run. The release holds
    /// them under `grafana`, where the oncall chart keeps its subchart's values, so the
    /// Grafana-side rules read them at the same paths.
    GrafanaValues,
}

impl InputKind {
    /// How `--verbose` names it.
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::OncallValues => "oncall chart values",
            InputKind::Provisioning => "Grafana plugin provisioning file",
            InputKind::Manifest => "Kubernetes manifest",
            InputKind::OtherValues => {
                "values of another chart (no oncall chart key, no Grafana that hosts the OnCall plugin): only embedded plugin provisioning is checked"
            }
            InputKind::GrafanaValues => "grafana chart values (only the Grafana-side rules run)",
        }
    }
}

/// Everything a check may read.
pub struct CheckContext<'a> {
    /// The release being linted.
    pub release: &'a Release,
    /// What the document is.
    pub input: InputKind,
    /// The user's options.
    pub options: &'a LintOptions,
    /// Every `grafana-oncall-app` entry found in plugin provisioning.
    pub provisioning: &'a [ProvisionedApp],
    /// Whether the air-gapped rules (OC04x) run: the profile was given (flag, config) or
    /// inferred from the values.
    pub air_gapped: bool,
    /// The schema validation of the release, run by the first check that needs it.
    pub schema_run: std::sync::OnceLock<crate::schema::Run>,
}

impl CheckContext<'_> {
    /// A key path of the grafana chart's values as messages name it (relative to the values
    /// root): `grafana.plugins` in the oncall chart's values, `plugins` in the grafana
    /// chart's own.
    pub fn grafana_key(&self, rest: &str) -> String {
        match self.release.in_file(&["grafana"]) {
            [] => rest.to_owned(),
            keys => format!("{}.{rest}", crate::path::KeyPath::of(keys)),
        }
    }

    /// The release validated against the chart's schema (and the user's), once per release
    /// however many rules read it.
    pub fn schema(&self) -> &crate::schema::Run {
        self.schema_run
            .get_or_init(|| crate::schema::run(self.release, self.options))
    }

    /// Whether these values deploy a Grafana that the Grafana-side rules judge: the oncall
    /// chart's bundled one (see [`CheckContext::bundled_grafana`]) or the grafana chart's own.
    pub fn hosts_grafana(&self) -> bool {
        self.input == InputKind::GrafanaValues || self.bundled_grafana()
    }

    /// Whether the oncall chart's bundled Grafana is deployed (`grafana.enabled` is truthy,
    /// as Helm's template `if` sees it).
    pub fn bundled_grafana(&self) -> bool {
        self.input == InputKind::OncallValues
            && self
                .release
                .get(&["grafana", "enabled"])
                .is_none_or(Value::is_truthy)
    }

    /// The oncall chart version to name in messages: the one the user gave (flag, else the
    /// umbrella `Chart.yaml`) when it is a version, else the one whose defaults are used.
    pub fn chart_version(&self) -> String {
        self.options
            .chart_version
            .clone()
            .or_else(|| {
                self.options
                    .chart_yaml
                    .as_deref()
                    .and_then(crate::release::oncall_version_from_chart_yaml)
            })
            .filter(|v| crate::chart::ChartState::for_version(v).is_some())
            .unwrap_or_else(|| self.release.chart.version.to_owned())
    }

    /// The chart whose defaults are under the values, as messages name it: `oncall chart
    /// 1.16.9`, or `grafana chart 8.4.6` for values of the grafana chart.
    pub fn chart_name(&self) -> String {
        match self.input {
            InputKind::GrafanaValues => {
                format!("grafana chart {}", self.release.chart.grafana_chart)
            }
            _ => format!("oncall chart {}", self.chart_version()),
        }
    }

    /// A fix in the file where `value` was written, or, for a chart default, in the last
    /// file of the release (the one Helm lets win). Paths are chart-relative.
    pub fn fix_at(
        &self,
        value: Option<&Value>,
        title: impl Into<String>,
        applicability: Applicability,
        ops: Vec<Op>,
    ) -> Option<Fix> {
        let layer = value
            .and_then(Value::site)
            .map(|site| site.layer)
            .or_else(|| fix::build::last_file_layer(self.release))?;
        fix::build::for_layer(self.release, layer, title.into(), applicability, ops)
    }

    /// The Grafana version that runs: `grafana.image.tag`, else the bundled chart's.
    pub fn grafana_version(&self) -> (u64, u64, u64) {
        self.release
            .get(&["grafana", "image", "tag"])
            .and_then(Value::scalar_string)
            .and_then(|tag| crate::chart::parse_version(&tag))
            .or_else(|| crate::chart::parse_version(self.release.chart.grafana_app_version))
            .unwrap_or((0, 0, 0))
    }
}

/// A check: reads the context, reports findings.
pub type CheckFn = fn(&CheckContext<'_>, &mut Emitter<'_>);

/// Rules whose findings come from the pipeline itself (OC094 comes from the parser).
pub fn reported_by_parser(_: &CheckContext<'_>, _: &mut Emitter<'_>) {}

/// Collects one rule's findings.
pub struct Emitter<'a> {
    rule: &'a Rule,
    out: &'a mut Vec<Diagnostic>,
    grafana_prefix: &'a str,
}

impl<'a> Emitter<'a> {
    /// An emitter for `rule` that appends to `out`; messages name the grafana chart's keys
    /// after `grafana_prefix` (their template argument `grafana_prefix`): `grafana.` in the
    /// oncall chart's values, nothing in the grafana chart's own.
    pub fn new(rule: &'a Rule, out: &'a mut Vec<Diagnostic>, grafana_prefix: &'a str) -> Self {
        Emitter {
            rule,
            out,
            grafana_prefix,
        }
    }

    /// Reports a finding with the rule's message `key`, rendered over `args`.
    pub fn emit(
        &mut self,
        key: &str,
        args: serde_json::Value,
        primary: Location,
    ) -> &mut Diagnostic {
        let mut args = args;
        if let Some(map) = args.as_object_mut() {
            map.entry("grafana_prefix")
                .or_insert_with(|| self.grafana_prefix.into());
        }
        let diagnostic = build(self.rule, key, &args, primary);
        self.out.push(diagnostic);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// Builds a diagnostic of `rule` from its message template `key`.
pub fn build(rule: &Rule, key: &str, args: &serde_json::Value, primary: Location) -> Diagnostic {
    let meta = rule.meta();
    let render = |part: &str| {
        message::render(rule, key, part, args)
            .map(|r| r.unwrap_or_else(|e| format!("<template error: {e}>")))
    };
    let severity = meta
        .messages
        .get(key)
        .and_then(|m| m.severity.as_deref())
        .and_then(Severity::parse)
        .unwrap_or_else(|| meta.default_severity());
    Diagnostic {
        code: meta.code.clone(),
        name: meta.name.clone(),
        severity,
        message: render("message").unwrap_or_else(|| meta.summary.clone()),
        primary,
        label: render("label"),
        related: Vec::new(),
        help: render("help"),
        fix: None,
    }
}

/// A chart-relative path of keys, for fix operations.
pub fn path(keys: &[&str]) -> Vec<Seg> {
    Seg::keys(keys)
}

/// A string value for fix operations.
pub fn string(text: impl Into<String>) -> Value {
    Value::new(
        crate::values::Kind::Str(text.into()),
        crate::values::Origin::Default {
            chart: "fix",
            version: "",
        },
    )
}

impl Diagnostic {
    /// Attaches a fix (when one could be built).
    pub fn with_fix(&mut self, fix: Option<Fix>) -> &mut Self {
        self.fix = fix;
        self
    }

    /// Adds a related location.
    pub fn with_related(&mut self, location: Location, message: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }
}
