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
pub mod plugin_version_prefix;
pub mod provisioning_mount;
pub mod provisioning_volume;
pub mod unknown_key;
pub mod volume_name_resolves;
pub mod wrong_type;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Location, Related, Severity};
use crate::fix::{self, Op};
use crate::model::grafana::Grafana;
use crate::model::provisioning::ProvisionedApp;
use crate::options::LintOptions;
use crate::path::Seg;
use crate::release::Release;
use crate::rules::{Rule, message};
use crate::values::Value;

/// Everything a check may read.
pub struct CheckContext<'a> {
    /// The release being linted.
    pub release: &'a Release,
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

impl<'a> CheckContext<'a> {
    /// The release validated against the chart's schema (and the user's), once per release
    /// however many rules read it.
    pub fn schema(&self) -> &crate::schema::Run {
        self.schema_run
            .get_or_init(|| crate::schema::run(self.release, self.options))
    }

    /// The Grafana the release deploys.
    pub fn grafana(&self) -> Grafana<'a> {
        Grafana::of(self.release)
    }

    /// A fix in the file where `value` was written, or, for a chart default, in the last
    /// file of the release (see [`fix::build::at`]).
    pub fn fix_at(
        &self,
        value: Option<&Value>,
        title: impl Into<String>,
        applicability: Applicability,
        ops: Vec<Op>,
    ) -> Option<Fix> {
        fix::build::at(self.release, value, title, applicability, ops)
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
