//! OC046 airgap-phone-home: in an air-gapped install the bundled Grafana should not try to
//! reach grafana.com: update checks (Grafana's and its plugins'), usage reporting, and (from
//! Grafana 10) the retrieval of plugin signing keys. None of it breaks the install; each
//! call waits for a timeout and logs an error, so this is an info.

use serde_json::json;

use super::airgap_image_registry::{combined_fix, merge_ops};
use super::plugin_version::{env_key, ini_bool};
use super::{CheckContext, Emitter};
use crate::diagnostic::Applicability;
use crate::values::Value;

/// A Grafana version.
type Version = (u64, u64, u64);

/// `[section] key`, the value that turns the call off, and the first Grafana that has it.
const SETTINGS: [(&str, &str, bool, Version); 4] = [
    ("analytics", "check_for_updates", false, (0, 0, 0)),
    ("analytics", "check_for_plugin_updates", false, (0, 0, 0)),
    ("analytics", "reporting_enabled", false, (0, 0, 0)),
    ("plugins", "public_key_retrieval_disabled", true, (10, 0, 0)),
];

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    if !ctx.air_gapped || !ctx.hosts_grafana() {
        return;
    }
    let release = ctx.release;
    let version = ctx.grafana_version();
    let mut names = Vec::new();
    let mut settings = Vec::new();
    let mut written: Option<(&Value, Vec<String>)> = None;
    let mut first_section: Option<&str> = None;
    for (section, key, off, since) in SETTINGS {
        if version < since {
            continue;
        }
        let env = env_key(section, key);
        let env_keys = ["grafana", "env", env.as_str()];
        let ini_keys = ["grafana", "grafana.ini", section, key];
        let env_value = release
            .get(&env_keys)
            .filter(|v| v.scalar_string().is_some_and(|s| !s.is_empty()));
        let (value, keys, name) = match env_value {
            Some(v) => (Some(v), env_keys.to_vec(), format!("`{env}`")),
            None => (
                release.get(&ini_keys),
                ini_keys.to_vec(),
                format!("`{section}.{key}`"),
            ),
        };
        let current = value
            .and_then(Value::scalar_string)
            .and_then(|t| ini_bool(&t));
        if current == Some(off) {
            continue;
        }
        // a value that is not a boolean: Grafana's default applies; say which value turns
        // the call off (`public_key_retrieval_disabled` is turned off by `true`)
        names.push(format!("{name} is not {off}"));
        first_section.get_or_insert(section);
        if written.is_none()
            && let Some(v) = value.filter(|v| v.site().is_some())
        {
            written = Some((v, keys.iter().map(|k| (*k).to_owned()).collect()));
        }
        let new = if keys[1] == "env" {
            json!(off.to_string())
        } else {
            json!(off)
        };
        settings.push((
            keys.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>(),
            new,
        ));
    }
    if names.is_empty() {
        return;
    }
    let location = match &written {
        Some((value, keys)) => {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            release.locate(value, &keys, false)
        }
        // the section of the first setting left on, where the user would add it
        None => release.blame(&[
            "grafana",
            "grafana.ini",
            first_section.unwrap_or("analytics"),
        ]),
    };
    // turning the calls off changes nothing an air-gapped Grafana could do, but it is a
    // change of settings: review it
    let fix = combined_fix(
        ctx,
        "turn Grafana's calls to grafana.com off".to_owned(),
        Applicability::Unsafe,
        merge_ops(
            ctx,
            &settings
                .iter()
                .map(|(k, v)| (k.iter().map(String::as_str).collect(), v.clone()))
                .collect::<Vec<_>>(),
        ),
    );
    out.emit(
        "calls-home",
        json!({ "names": names.join(", "), "many": names.len() > 1 }),
        location,
    )
    .with_fix(fix);
}
