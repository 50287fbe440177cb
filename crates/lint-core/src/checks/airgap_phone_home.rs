//! OC046 airgap-phone-home: in an air-gapped install the bundled Grafana should not try to
//! reach grafana.com: update checks (Grafana's and its plugins'), usage reporting, and (from
//! Grafana 10) the retrieval of plugin signing keys; nor should the OnCall engine call out
//! (its usage report and its Grafana Cloud connection, on by default and dead for OSS since
//! the archive). None of it breaks the install; each call waits for a timeout and logs an
//! error, so this is an info.

use serde::Serialize;
use serde_json::json;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Edit, Fix, Location};
use crate::fix::build::{combined, merge_ops};
use crate::fix::{self, Op};
use crate::model::engine::{self, CallOut};
use crate::model::grafana::{SettingSource, ini_bool};
use crate::path::Seg;
use crate::release::InputKind;
use crate::values::{Kind, Origin, Value};

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
    /// Engine settings left on that make OnCall call out of the cluster.
    EngineCallsOut {
        /// The variables with their values, as `` `SEND_ANONYMOUS_USAGE_STATS` (unset: True) ``
        /// or `` `GRAFANA_CLOUD_NOTIFICATIONS_ENABLED` ("true") ``, comma-separated.
        names: String,
        /// What they make the engine do, comma-separated.
        calls: String,
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
    if !ctx.air_gapped {
        return;
    }
    // the engine runs from the oncall chart's values only
    if ctx.release.kind == InputKind::OncallValues {
        engine_calls_out(ctx, out);
    }
    if ctx.grafana().deployed() {
        grafana_calls_home(ctx, out);
    }
}

/// Reports the Grafana settings left on.
fn grafana_calls_home(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
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

/// An engine call-out left on, with the entry that leaves it on (none: the default).
type EngineLeftOn<'a> = (&'static CallOut, Option<engine::EnvEntry<'a>>);

/// Reports the engine's call-outs its `env` leaves on.
fn engine_calls_out(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let left_on = engine::call_outs_left_on(ctx.release);
    if left_on.is_empty() {
        return;
    }
    let names = left_on
        .iter()
        .map(|(call, entry)| match entry.as_ref().and_then(|e| e.value) {
            Some(value) => format!("`{}` ({})", call.env, value.describe()),
            None => format!("`{}` (unset: True)", call.env),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let calls = left_on
        .iter()
        .map(|(call, _)| call.what)
        .collect::<Vec<_>>()
        .join(", ");
    let location = engine_location(ctx, &left_on);
    let fix = engine_fix(ctx, &left_on);
    out.emit(Message::EngineCallsOut { names, calls }, location)
        .with_fix(fix);
}

/// Where to report: the first call-out a user wrote on, else `env`.
fn engine_location(ctx: &CheckContext<'_>, left_on: &[EngineLeftOn<'_>]) -> Location {
    let release = ctx.release;
    let written = left_on.iter().find_map(|(call, entry)| {
        let entry = entry.as_ref()?;
        let site = entry.value?.site()?;
        let key_path = match entry.index {
            Some(i) => release.key_path(&["env"]).index(i).key("value"),
            None => release.key_path(&["env", call.env]),
        };
        Some(release.site_location(site, key_path, false))
    });
    written.unwrap_or_else(|| release.blame(&["env"]))
}

/// The fix that turns every call-out left on off in the engine's `env`: safe, as nothing
/// they do can work in an air-gapped cluster (and Grafana Cloud no longer serves OnCall
/// OSS). A map the user wrote gets `'"False"'` entries in the last file (the chart writes
/// map values unquoted: a bare `"False"` would render as a boolean, OC050); a list gets
/// `"False"` items in the file that writes it, each set in place or appended; with no
/// `env` (the chart's default is an empty map) the list form is written.
fn engine_fix(ctx: &CheckContext<'_>, left_on: &[EngineLeftOn<'_>]) -> Option<Fix> {
    let release = ctx.release;
    let title = "turn the engine's calls out of the cluster off in `env`".to_owned();
    let env = release.get(&["env"]).filter(|_| release.user_sets(&["env"]));
    match env.map(|e| &e.kind) {
        None | Some(Kind::Null) => {
            let items = left_on
                .iter()
                .map(|(call, _)| list_item(call.env))
                .collect();
            ctx.fix_at(
                None,
                title,
                Applicability::Safe,
                vec![Op::Replace {
                    path: Seg::keys(&["env"]),
                    value: Value::new(Kind::Seq(items), Origin::Fix),
                }],
            )
        }
        Some(Kind::Map(_)) => {
            let settings: Vec<(Vec<&str>, serde_json::Value)> = left_on
                .iter()
                .map(|(call, _)| (vec!["env", call.env], json!(engine::OFF_IN_MAP)))
                .collect();
            combined(
                release,
                title,
                Applicability::Safe,
                merge_ops(release, &settings),
            )
        }
        Some(Kind::Seq(_)) => {
            let list = env?;
            list.site()?;
            let fixes = left_on
                .iter()
                .map(|l| {
                    let op = list_op(l);
                    ctx.fix_at(Some(list), title.clone(), Applicability::Safe, vec![op])
                })
                .collect::<Option<Vec<Fix>>>()?;
            joined(title, fixes)
        }
        Some(_) => None,
    }
}

/// A list item that turns the call-out `name` off.
fn list_item(name: &str) -> Value {
    let mut item = crate::values::Map::default();
    item.insert("name".to_owned(), fix::ops::text(name));
    item.insert("value".to_owned(), fix::ops::text(engine::OFF_IN_LIST));
    Value::new(Kind::map(item), Origin::Fix)
}

/// The operation that turns one call-out off in a list `env`: set the value of its item,
/// else append one.
fn list_op((call, entry): &EngineLeftOn<'_>) -> Op {
    match entry.as_ref().and_then(|e| e.index) {
        Some(i) => Op::SetScalar {
            path: vec![
                Seg::Key("env".into()),
                Seg::Index(i),
                Seg::Key("value".into()),
            ],
            value: fix::ops::text(engine::OFF_IN_LIST),
        },
        None => Op::Append {
            path: Seg::keys(&["env"]),
            item: list_item(call.env),
        },
    }
}

/// One fix of several fixes in one file: insertions at one place (items appended to one
/// list) are joined in order; `None` when other edits overlap.
fn joined(title: String, fixes: Vec<Fix>) -> Option<Fix> {
    let mut edits: Vec<Edit> = Vec::new();
    let mut targets = Vec::new();
    for fix in fixes {
        targets.extend(fix.targets);
        for edit in fix.edits {
            let same = edits.iter_mut().find(|e| {
                e.file.path() == edit.file.path() && e.range == edit.range && e.range.is_empty()
            });
            match same {
                Some(e) => e.replacement.push_str(&edit.replacement),
                None => edits.push(edit),
            }
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let apart = edits
        .windows(2)
        .all(|w| w[0].range.end <= w[1].range.start && w[0].range != w[1].range);
    (apart && !edits.is_empty()).then_some(Fix {
        title,
        applicability: Applicability::Safe,
        edits,
        targets,
    })
}
