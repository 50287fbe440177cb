//! `render setup`: a shell script that configures the plugin through Grafana's HTTP API
//! (settings, install, status: the calls of the oncall chart's troubleshooting guide) with
//! this release's ids and URLs, for when provisioning cannot be used.

use serde_json::{Value as Json, json};

use super::overlay::render_template;
use super::provisioning::grafana_url;
use super::target::{RenderError, Rendered, Target, key_name};
use super::validate::{self, Invalid};
use crate::model::plugin::ORG_ID;
use crate::release::Release;
use crate::values::Value;

/// Options of `render setup`.
#[derive(Debug, Clone, Default)]
pub struct SetupArgs {
    /// `jsonData.grafanaUrl` (default: the bundled Grafana's Service, or
    /// `externalGrafana.url`).
    pub grafana_url: Option<String>,
    /// `jsonData.onCallApiUrl` (default: the engine's Service with its namespace).
    pub oncall_api_url: Option<String>,
}

fn secret_key(what: String, text: &str) -> Result<(), Invalid> {
    if !text.is_empty()
        && text.len() <= 253
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    {
        Ok(())
    } else {
        Err(Invalid::new(
            what,
            text,
            "is not a secret key this script can read (letters, digits, `-` and `_`)",
        ))
    }
}

/// Renders the script.
pub fn render(release: &Release, args: &SetupArgs) -> Result<Rendered, RenderError> {
    let target = Target::new(release)?;
    let mut notes = target.notes.clone();
    let oncall_api_url = match &args.oncall_api_url {
        Some(url) => {
            validate::http_url("--oncall-api-url", url)?;
            url.clone()
        }
        None => target.oncall_api_url(),
    };
    let mut data = json!({
        "release": target.release,
        "namespace": target.namespace,
        "bundled": target.bundled_grafana,
    });
    let plugin_grafana_url = if target.bundled_grafana {
        bundled_grafana(release, &target, args, &mut data, &mut notes)?
    } else {
        external_grafana(
            &release.values,
            &target,
            args,
            &oncall_api_url,
            &mut data,
            &mut notes,
        )?
    };
    let settings = json!({
        "enabled": true,
        "jsonData": {
            "stackId": target.stack_id,
            "orgId": ORG_ID,
            "onCallApiUrl": oncall_api_url,
            "grafanaUrl": plugin_grafana_url,
            "license": "OpenSource",
        },
    });
    data["settings"] = json!(settings.to_string());
    let text = render_template("setup", &data)?;
    Ok(Rendered {
        text,
        overlay: None,
        notes,
    })
}

/// A non-empty string at `path` in the values.
fn string_at(values: &Value, path: &[&str]) -> Option<String> {
    values
        .get(path)
        .and_then(Value::scalar_string)
        .filter(|s| !s.is_empty())
}

/// For the bundled Grafana: adds its Service and admin secret to the template `data` and
/// returns the plugin's `grafanaUrl`.
fn bundled_grafana(
    release: &Release,
    target: &Target,
    args: &SetupArgs,
    data: &mut Json,
    notes: &mut Vec<String>,
) -> Result<String, RenderError> {
    let values = &release.values;
    let root = &target.values_root;
    target.require_plugin_capable_chart(release)?;
    let secret = string_at(values, &["grafana", "admin", "existingSecret"]);
    let admin_secret = secret
        .clone()
        .unwrap_or_else(|| target.grafana_service.clone());
    validate::dns_subdomain(
        &key_name(root, &["grafana", "admin", "existingSecret"]),
        &admin_secret,
    )?;
    let (user_key, password_key) = if secret.is_some() {
        (
            string_at(values, &["grafana", "admin", "userKey"])
                .unwrap_or_else(|| "admin-user".into()),
            string_at(values, &["grafana", "admin", "passwordKey"])
                .unwrap_or_else(|| "admin-password".into()),
        )
    } else {
        ("admin-user".into(), "admin-password".into())
    };
    secret_key(key_name(root, &["grafana", "admin", "userKey"]), &user_key)?;
    secret_key(
        key_name(root, &["grafana", "admin", "passwordKey"]),
        &password_key,
    )?;
    data["grafana_namespace"] = json!(target.grafana_namespace);
    data["grafana_service"] = json!(target.grafana_service);
    data["grafana_port"] = json!(target.grafana_port.to_string());
    data["sub_path"] = json!(target.sub_path.trim_end_matches('/'));
    data["admin_secret"] = json!(admin_secret);
    data["admin_user_key"] = json!(user_key);
    data["admin_password_key"] = json!(password_key);
    grafana_url(target, args.grafana_url.as_deref(), notes)
}

/// For an external Grafana (`externalGrafana.url`, required): adds its URL to the template
/// `data` and returns the plugin's `grafanaUrl`; notes that `oncall_api_url` is the
/// engine's in-cluster Service when `--oncall-api-url` is not given.
fn external_grafana(
    values: &Value,
    target: &Target,
    args: &SetupArgs,
    oncall_api_url: &str,
    data: &mut Json,
    notes: &mut Vec<String>,
) -> Result<String, RenderError> {
    let root = &target.values_root;
    let key = key_name(root, &["externalGrafana", "url"]);
    let external = string_at(values, &["externalGrafana", "url"]).ok_or_else(|| {
        RenderError::Unsupported(format!(
            "`{}` is false and `{key}` is not set: the chart cannot render without it (`oncall-lint` on your values explains)",
            key_name(root, &["grafana", "enabled"])
        ))
    })?;
    validate::http_url(&key, &external)?;
    data["default_grafana_url"] = json!(external);
    if args.oncall_api_url.is_none() {
        notes.push(format!(
            "onCallApiUrl is the engine's Service in the cluster ({oncall_api_url}); if your Grafana runs outside the cluster, give the engine's URL as it reaches it with --oncall-api-url"
        ));
    }
    Ok(match &args.grafana_url {
        Some(url) => grafana_url(target, Some(url), notes)?,
        None if external.ends_with('/') => external,
        None => format!("{external}/"),
    })
}
