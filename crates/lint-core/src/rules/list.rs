//! The catalog of built-in rules: one line per rule, its code and its check module
//! (`checks/<module>.rs`, named like the rule; its text is `rules/<CODE>-<name>.yaml` at the
//! repository root). Adding a rule is adding its line here.
//!
//! The list is a macro that hands itself to another macro, so the one list generates the
//! [`RuleCode`](super::RuleCode) enum here, the check modules in `checks/` and the table of
//! checks in `registry.rs`, and none of them can drift from the others.

/// Calls `$then! { CODE module, ... }` with every built-in rule, in code order.
macro_rules! for_each_rule {
    ($then:ident) => {
        $then! {
            OC001 plugin_org_id,
            OC002 plugin_stack_id,
            OC003 plugin_jsondata_incomplete,
            OC004 plugin_oncall_api_url,
            OC005 plugin_grafana_url,
            OC006 external_grafana_url,
            OC007 grafana_service_name,
            OC008 plugin_license,
            OC009 provisioning_unknown_key,
            OC010 external_service_accounts,
            OC011 managed_service_accounts,
            OC012 access_control_oncall,
            OC013 grafana_version,
            OC014 external_grafana_ignored,
            OC015 base_url,
            OC016 localhost_url,
            OC017 dev_mode,
            OC018 bundled_subchart,
            OC019 external_db_credentials,
            OC020 plugin_version,
            OC021 plugin_engine_version,
            OC022 plugin_version_prefix,
            OC023 engine_image_version,
            OC024 secrets_regenerated,
            OC025 mirage_cipher_iv,
            OC026 slack_settings_disabled,
            OC027 chart_advisory,
            OC030 provisioning_volume,
            OC031 provisioning_mount,
            OC032 volume_name_resolves,
            OC033 extra_volume_source,
            OC034 extra_volume_api,
            OC035 configmap_mount_type,
            OC036 extra_containers_string,
            OC037 plugin_entry_shape,
            OC038 plugin_install_path,
            OC039 provisioning_unmounted,
            OC040 airgap_plugin_download,
            OC041 airgap_preinstall,
            OC042 airgap_plugin_install,
            OC043 airgap_unsigned_allowlist,
            OC044 airgap_pull_secrets,
            OC045 airgap_image_registry,
            OC046 airgap_phone_home,
            OC047 airgap_public_dns,
            OC048 inline_secret,
            OC050 env_map_unquoted,
            OC051 grafana_env_map,
            OC052 grafana_ini_scalars,
            OC053 env_overrides_ini,
            OC054 grafana_setting_unknown,
            OC055 feature_toggle_unknown,
            OC057 grafana_setting_deprecated,
            OC060 ephemeral_grafana,
            OC070 bundled_image_unavailable,
            OC071 bundled_image_floating,
            OC072 bundled_ingress_nginx,
            OC073 bundled_cert_manager,
            OC074 dangling_issuer_annotation,
            OC090 unknown_key,
            OC091 wrong_type,
            OC092 duplicate_key,
            OC093 ambiguous_scalar,
            OC094 invalid_yaml,
            OC095 unused_suppression,
            OC096 umbrella_values,
            OC097 values_source_missing,
        }
    };
}

pub(crate) use for_each_rule;
