//! The explicit list of built-in rules: one line per rule, its YAML and its check.

use std::sync::OnceLock;

use super::meta::RuleMeta;
use crate::checks::{self, CheckFn};

/// A rule as compiled in: its YAML text and the check that runs it.
pub struct RuleSource {
    /// The rule file's name in `rules/` (`OC001-plugin-org-id.yaml`).
    pub file: &'static str,
    /// The rule file's text.
    pub yaml: &'static str,
    /// The same data as JSON, converted by `build.rs` (faster to read), or `null`.
    pub json: &'static str,
    /// The check function.
    pub check: CheckFn,
}

macro_rules! rule {
    ($file:literal, $check:path) => {
        RuleSource {
            file: $file,
            yaml: include_str!(concat!("../../../../rules/", $file)),
            json: include_str!(concat!(env!("OUT_DIR"), "/rules/", $file, ".json")),
            check: $check,
        }
    };
}

/// Every built-in rule, in code order.
pub static SOURCES: &[RuleSource] = &[
    rule!("OC001-plugin-org-id.yaml", checks::plugin_org_id::check),
    rule!("OC002-plugin-stack-id.yaml", checks::plugin_stack_id::check),
    rule!(
        "OC003-plugin-jsondata-incomplete.yaml",
        checks::plugin_jsondata_incomplete::check
    ),
    rule!(
        "OC004-plugin-oncall-api-url.yaml",
        checks::plugin_oncall_api_url::check
    ),
    rule!(
        "OC005-plugin-grafana-url.yaml",
        checks::plugin_grafana_url::check
    ),
    rule!(
        "OC006-external-grafana-url.yaml",
        checks::external_grafana_url::check
    ),
    rule!(
        "OC007-grafana-service-name.yaml",
        checks::grafana_service_name::check
    ),
    rule!("OC008-plugin-license.yaml", checks::plugin_license::check),
    rule!(
        "OC010-external-service-accounts.yaml",
        checks::external_service_accounts::check
    ),
    rule!(
        "OC011-managed-service-accounts.yaml",
        checks::managed_service_accounts::check
    ),
    rule!(
        "OC012-access-control-oncall.yaml",
        checks::access_control_oncall::check
    ),
    rule!("OC013-grafana-version.yaml", checks::grafana_version::check),
    rule!(
        "OC014-external-grafana-ignored.yaml",
        checks::external_grafana_ignored::check
    ),
    rule!("OC015-base-url.yaml", checks::base_url::check),
    rule!("OC016-localhost-url.yaml", checks::localhost_url::check),
    rule!("OC017-dev-mode.yaml", checks::dev_mode::check),
    rule!(
        "OC018-bundled-subchart.yaml",
        checks::bundled_subchart::check
    ),
    rule!(
        "OC019-external-db-credentials.yaml",
        checks::external_db_credentials::check
    ),
    rule!(
        "OC020-plugin-version.yaml",
        checks::plugin_min_version::check
    ),
    rule!(
        "OC021-plugin-engine-version.yaml",
        checks::plugin_engine_version::check
    ),
    rule!(
        "OC022-plugin-version-prefix.yaml",
        checks::plugin_version_prefix::check
    ),
    rule!(
        "OC030-provisioning-volume.yaml",
        checks::provisioning_volume::check
    ),
    rule!(
        "OC031-provisioning-mount.yaml",
        checks::provisioning_mount::check
    ),
    rule!(
        "OC032-volume-name-resolves.yaml",
        checks::volume_name_resolves::check
    ),
    rule!(
        "OC033-extra-volume-source.yaml",
        checks::extra_volume_source::check
    ),
    rule!(
        "OC034-extra-volume-api.yaml",
        checks::extra_volume_api::check
    ),
    rule!(
        "OC035-configmap-mount-type.yaml",
        checks::configmap_mount_type::check
    ),
    rule!(
        "OC036-extra-containers-string.yaml",
        checks::extra_containers_string::check
    ),
    rule!(
        "OC037-plugin-entry-shape.yaml",
        checks::plugin_entry_shape::check
    ),
    rule!(
        "OC038-plugin-install-path.yaml",
        checks::plugin_install_path::check
    ),
    rule!(
        "OC040-airgap-plugin-download.yaml",
        checks::airgap_plugin_download::check
    ),
    rule!(
        "OC041-airgap-preinstall.yaml",
        checks::airgap_preinstall::check
    ),
    rule!(
        "OC042-airgap-plugin-install.yaml",
        checks::airgap_plugin_install::check
    ),
    rule!(
        "OC043-airgap-unsigned-allowlist.yaml",
        checks::airgap_unsigned_allowlist::check
    ),
    rule!(
        "OC044-airgap-pull-secrets.yaml",
        checks::airgap_pull_secrets::check
    ),
    rule!(
        "OC045-airgap-image-registry.yaml",
        checks::airgap_image_registry::check
    ),
    rule!(
        "OC046-airgap-phone-home.yaml",
        checks::airgap_phone_home::check
    ),
    rule!(
        "OC047-airgap-public-dns.yaml",
        checks::airgap_public_dns::check
    ),
    rule!("OC048-inline-secret.yaml", checks::inline_secret::check),
    rule!(
        "OC050-env-map-unquoted.yaml",
        checks::env_map_unquoted::check
    ),
    rule!("OC051-grafana-env-map.yaml", checks::grafana_env_map::check),
    rule!(
        "OC052-grafana-ini-scalars.yaml",
        checks::grafana_ini_scalars::check
    ),
    rule!(
        "OC053-env-overrides-ini.yaml",
        checks::env_overrides_ini::check
    ),
    rule!(
        "OC060-ephemeral-grafana.yaml",
        checks::ephemeral_grafana::check
    ),
    rule!("OC090-unknown-key.yaml", checks::unknown_key::check),
    rule!("OC091-wrong-type.yaml", checks::wrong_type::check),
    rule!("OC092-duplicate-key.yaml", checks::duplicate_key::check),
    rule!(
        "OC093-ambiguous-scalar.yaml",
        checks::ambiguous_scalar::check
    ),
    rule!("OC094-invalid-yaml.yaml", checks::reported_by_parser),
    rule!("OC095-unused-suppression.yaml", checks::reported_by_parser),
];

/// A rule: its code and name (from its file name), its check, and its text, parsed from
/// the YAML the first time something reads it. Most runs read the text of only the rules
/// that report something; parsing every rule file up front cost more than linting a small
/// file.
pub struct Rule {
    /// Stable code, `OC001`.
    pub code: &'static str,
    /// Kebab-case name, `plugin-org-id`.
    pub name: &'static str,
    /// Its check.
    pub check: CheckFn,
    yaml: &'static str,
    json: &'static str,
    meta: OnceLock<RuleMeta>,
    templates: OnceLock<std::sync::Mutex<handlebars::Handlebars<'static>>>,
}

impl Rule {
    /// The rule's text: docs, severity, messages.
    pub fn meta(&self) -> &RuleMeta {
        self.meta.get_or_init(|| {
            serde_json::from_str(self.json)
                .or_else(|_| RuleMeta::parse(self.yaml))
                .unwrap_or_else(|_| RuleMeta::fallback(self.code, self.name))
        })
    }

    /// The rule's compiled message templates (each compiled when first rendered).
    pub(crate) fn templates(&self) -> &std::sync::Mutex<handlebars::Handlebars<'static>> {
        self.templates.get_or_init(super::message::registry)
    }
}

/// `OC001-plugin-org-id.yaml` → (`OC001`, `plugin-org-id`).
fn code_and_name(file: &'static str) -> (&'static str, &'static str) {
    let stem = file.strip_suffix(".yaml").unwrap_or(file);
    stem.split_once('-').unwrap_or((stem, ""))
}

/// All rules, in code order.
pub fn all() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|source| {
                let (code, name) = code_and_name(source.file);
                Rule {
                    code,
                    name,
                    check: source.check,
                    yaml: source.yaml,
                    json: source.json,
                    meta: OnceLock::new(),
                    templates: OnceLock::new(),
                }
            })
            .collect()
    })
}

/// Finds a rule by code (`OC001`, case-insensitive) or name (`plugin-org-id`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    all()
        .iter()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_parses_and_is_consistent() {
        for source in SOURCES {
            let meta = RuleMeta::parse(source.yaml)
                .unwrap_or_else(|e| panic!("rule file does not parse: {e}\n{}", source.yaml));
            // the code and name the registry takes from the file name are the file's own
            assert_eq!(
                code_and_name(source.file),
                (meta.code.as_str(), meta.name.as_str()),
                "{}",
                source.file
            );
            assert!(
                meta.code.starts_with("OC") && meta.code.len() == 5,
                "{}",
                meta.code
            );
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                meta.name
            );
            assert!(
                Severity::parse(&meta.severity).is_some(),
                "{}: severity",
                meta.code
            );
            assert!(
                !meta.docs.references.is_empty(),
                "{}: references",
                meta.code
            );
            for (key, template) in &meta.messages {
                let first = template.message.chars().next().unwrap_or('A');
                assert!(
                    !first.is_ascii_uppercase(),
                    "{}/{key}: messages are lowercase",
                    meta.code
                );
                assert!(
                    !template.message.trim_end().ends_with('.'),
                    "{}/{key}: no trailing period",
                    meta.code
                );
                if let Some(sev) = &template.severity {
                    assert!(
                        Severity::parse(sev).is_some(),
                        "{}/{key}: severity",
                        meta.code
                    );
                }
            }
        }
        assert_eq!(all().len(), SOURCES.len());
        let mut codes: Vec<&str> = all().iter().map(|r| r.code).collect();
        let sorted = {
            let mut c = codes.clone();
            c.sort();
            c
        };
        assert_eq!(codes, sorted, "registry is in code order");
        codes.dedup();
        assert_eq!(codes.len(), all().len(), "codes are unique");
    }

    /// The rule files converted to JSON at build time, and the fast reader of rule files,
    /// read every one exactly as serde-saphyr reads the YAML.
    #[test]
    fn rules_json_reads_as_the_yaml_does() {
        for source in SOURCES {
            let json = serde_json::from_str::<RuleMeta>(source.json)
                .unwrap_or_else(|e| panic!("{}: {e}", source.file));
            let fast = crate::yaml::de::from_str::<RuleMeta>(source.yaml)
                .unwrap_or_else(|e| panic!("{}: {e}", source.file));
            let saphyr = serde_saphyr::from_str::<RuleMeta>(source.yaml)
                .unwrap_or_else(|e| panic!("{}: {e}", source.file));
            assert_eq!(
                format!("{fast:?}"),
                format!("{saphyr:?}"),
                "{}",
                source.file
            );
            assert_eq!(
                format!("{json:?}"),
                format!("{saphyr:?}"),
                "{}",
                source.file
            );
        }
    }

    #[test]
    fn every_message_template_compiles() {
        for rule in all() {
            for (key, t) in &rule.meta().messages {
                for text in [Some(&t.message), t.label.as_ref(), t.help.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    handlebars::Handlebars::new()
                        .register_template_string("t", text)
                        .unwrap_or_else(|e| panic!("{}/{key}: {e}", rule.code));
                }
            }
        }
    }

    use crate::diagnostic::Severity;
}
