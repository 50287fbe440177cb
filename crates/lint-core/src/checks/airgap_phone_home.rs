//! OC046 airgap-phone-home: in an air-gapped install the bundled Grafana should not try to
//! reach grafana.com: update checks (Grafana's and its plugins'), usage reporting, and (from
//! Grafana 10) the retrieval of plugin signing keys. None of it breaks the install; each
//! call waits for a timeout and logs an error, so this is an info.

use serde::Serialize;
use serde_json::json;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Fix, Location};
use crate::fix::build::{combined, merge_ops};
use crate::model::grafana::{SettingSource, ini_bool};
use crate::values::Value;

/// `[section] key`, the value that turns the call off, and the first Grafana that has it.
const SETTINGS: [(&str, &str, bool, crate::chart::Version); 4] = [
    ("analytics", "check_for_updates", false, (0, 0, 0)),
    ("analytics", "check_for_plugin_updates", false, (0, 0, 0)),
    ("analytics", "reporting_enabled", false, (0, 0, 0)),
    ("plugins", "public_key_retrieval_disabled", true, (10, 0, 0)),
];

/// What OC046 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// Settings left on that make Grafana call grafana.com.
    CallsHome {
        /// The settings, as `` `analytics.check_for_updates` is not false ``, comma-separated.
        names: String,
    },
}

/// The settings left on, gathered over [`SETTINGS`] in order.
#[derive(Default)]
struct LeftOn<'a> {
    /// How the message names each (`` `analytics.check_for_updates` is not false ``).
    names: Vec<String>,
    /// Each one's keys, with the value that turns its call off.
    settings: Vec<(Vec<String>, serde_json::Value)>,
    /// The first one a user wrote, with its keys.
    written: Option<(&'a Value, Vec<String>)>,
    /// The section of the first one.
    first_section: Option<&'static str>,
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.air_gapped || !ctx.grafana().deployed() {
        return;
    }
    let left_on = settings_left_on(ctx);
    if left_on.names.is_empty() {
        return;
    }
    let location = report_location(ctx, &left_on);
    let fix = turn_off_fix(ctx, &left_on.settings);
    out.emit(
        Message::CallsHome {
            names: left_on.names.join(", "),
        },
        location,
    )
    .with_fix(fix);
}

/// The settings of [`SETTINGS`] the Grafana deployed has and leaves on.
fn settings_left_on<'a>(ctx: &CheckContext<'a>) -> LeftOn<'a> {
    // a tag that is not a version (`latest`) runs a recent Grafana: every call applies
    let version = ctx.grafana().version().map(|(v, _)| v);
    let mut left_on = LeftOn::default();
    for (section, key, off, since) in SETTINGS {
        if version.is_some_and(|v| v < since) {
            continue;
        }
        let setting = ctx.grafana().setting(section, key);
        let value = setting.as_ref().map(|s| s.value);
        let (keys, name, env) = match &setting {
            Some(s) => (
                s.path.clone(),
                s.name.clone(),
                s.source == SettingSource::Env,
            ),
            None => (
                ["grafana", "grafana.ini", section, key]
                    .map(String::from)
                    .to_vec(),
                format!("`{section}.{key}`"),
                false,
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
        left_on.names.push(format!("{name} is not {off}"));
        left_on.first_section.get_or_insert(section);
        if left_on.written.is_none()
            && let Some(v) = value.filter(|v| v.site().is_some())
        {
            left_on.written = Some((v, keys.clone()));
        }
        let new = if env {
            json!(off.to_string())
        } else {
            json!(off)
        };
        left_on.settings.push((keys, new));
    }
    left_on
}

/// Where to report: the first setting a user wrote, else the section of the first one left
/// on.
fn report_location(ctx: &CheckContext<'_>, left_on: &LeftOn<'_>) -> Location {
    let release = ctx.release;
    match &left_on.written {
        Some((value, keys)) => {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            release.locate(value, &keys, false)
        }
        // the section of the first setting left on, where the user would add it
        None => release.blame(&[
            "grafana",
            "grafana.ini",
            left_on.first_section.unwrap_or("analytics"),
        ]),
    }
}

/// One fix that turns every call left on off.
fn turn_off_fix(
    ctx: &CheckContext<'_>,
    settings: &[(Vec<String>, serde_json::Value)],
) -> Option<Fix> {
    let release = ctx.release;
    // turning the calls off changes nothing an air-gapped Grafana could do, but it is a
    // change of settings: review it
    combined(
        release,
        "turn Grafana's calls to grafana.com off".to_owned(),
        Applicability::Unsafe,
        merge_ops(
            release,
            &settings
                .iter()
                .map(|(k, v)| (k.iter().map(String::as_str).collect(), v.clone()))
                .collect::<Vec<_>>(),
        ),
    )
}
