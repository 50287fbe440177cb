//! The OnCall engine as the oncall chart's values configure it: its environment (the
//! top-level `env`, a map or the legacy list of `{name, value}`), its stack id and its
//! version.

use crate::chart::parse_version;
use crate::path::KeyPath;
use crate::release::Release;
use crate::values::{Kind, Value};

/// The engine's default `SELF_HOSTED_STACK_ID`.
pub(crate) const DEFAULT_STACK_ID: i64 = 5;

/// The engine variable that sets the stack id.
pub(crate) const STACK_ID_ENV: &str = "SELF_HOSTED_STACK_ID";

/// A variable of the oncall chart's top-level `env`: its value and its display key path
/// (the last entry of that name in the legacy list, as Kubernetes keeps the last).
pub(crate) fn env<'r>(release: &'r Release, name: &str) -> Option<(&'r Value, KeyPath)> {
    let env = release.get(&["env"])?;
    match &env.kind {
        Kind::Map(map) => map.get(name).map(|v| (v, release.key_path(&["env", name]))),
        Kind::Seq(items) => items.iter().enumerate().rev().find_map(|(i, item)| {
            (item.get(&["name"]).and_then(Value::as_str) == Some(name))
                .then(|| item.get(&["value"]))
                .flatten()
                .map(|v| (v, release.key_path(&["env"]).index(i).key("value")))
        }),
        _ => None,
    }
}

/// An engine setting that makes it call out of the cluster, on unless the engine's `env`
/// turns it off (engine `settings/base.py` at v1.16.9; each is also a live setting that a
/// value saved in OnCall's UI overrides).
pub(crate) struct CallOut {
    /// The variable.
    pub env: &'static str,
    /// What it makes the engine do, as a message says it.
    pub what: &'static str,
}

/// The engine's call-outs, each `True` by default: the daily anonymous usage report to
/// stats.grafana.org (`SEND_ANONYMOUS_USAGE_STATS`, base.py:14), and the Grafana Cloud
/// connection: a heartbeat every 3 minutes and Cloud notifications (SMS, phone calls,
/// mobile push) with a user sync every 12 hours (base.py:69-70; the celery beat schedule
/// of an OSS install, 932-953).
pub(crate) const CALL_OUTS: [CallOut; 3] = [
    CallOut {
        env: "SEND_ANONYMOUS_USAGE_STATS",
        what: "a daily usage report to stats.grafana.org",
    },
    CallOut {
        env: "GRAFANA_CLOUD_ONCALL_HEARTBEAT_ENABLED",
        what: "a heartbeat to Grafana Cloud every 3 minutes",
    },
    CallOut {
        env: "GRAFANA_CLOUD_NOTIFICATIONS_ENABLED",
        what: "Grafana Cloud notifications and a user sync every 12 hours",
    },
];

/// An entry of the oncall chart's top-level `env`: the map key, or the last list item of
/// that name (Kubernetes keeps the last).
pub(crate) struct EnvEntry<'r> {
    /// The value written; `None` for a list item without one (`valueFrom`, or nothing).
    pub value: Option<&'r Value>,
    /// The list item's index, `None` in a map.
    pub index: Option<usize>,
    /// Whether the item reads its value from elsewhere (`valueFrom`): not known here.
    pub value_from: bool,
}

impl EnvEntry<'_> {
    /// Whether the engine's `getenv_boolean` (`engine/common/utils.py`) reads the variable
    /// as true: only `true` or `1`, in any case (a list item without a value sets it empty:
    /// false). A map value is read as the rendered manifest reads it (the chart writes it
    /// unquoted, so quotes inside the text are YAML's); a YAML boolean or number there as
    /// the user meant it (OC050 reports that the manifest is rejected).
    pub(crate) fn reads_true(&self) -> bool {
        let Some(value) = self.value else {
            return false;
        };
        match &value.kind {
            Kind::Bool(b) => *b,
            Kind::Int(i) => *i == 1,
            _ => value.scalar_string().is_some_and(|t| {
                let t = if self.index.is_none() {
                    unquoted(&t)
                } else {
                    t.as_str()
                };
                t.eq_ignore_ascii_case("true") || t == "1"
            }),
        }
    }
}

/// Text without the one pair of YAML quotes around it, if it has them.
fn unquoted(text: &str) -> &str {
    let t = text.trim();
    ['"', '\'']
        .into_iter()
        .find_map(|q| t.strip_prefix(q)?.strip_suffix(q))
        .unwrap_or(t)
}

/// What turns a call-out off in a list item's `value`.
pub(crate) const OFF_IN_LIST: &str = "False";

/// What turns a call-out off in the `env` map: `"False"` with its quotes, as the chart
/// writes map values unquoted and a bare `False` would render as a YAML boolean, which
/// Kubernetes rejects (FACTS V3, OC050).
pub(crate) const OFF_IN_MAP: &str = "\"False\"";

/// The entry of `name` in the engine's `env`, map or list; `None` when it has none (a
/// `null` in the map is none: the variable is not set).
pub(crate) fn env_entry<'r>(release: &'r Release, name: &str) -> Option<EnvEntry<'r>> {
    let env = release.get(&["env"])?;
    match &env.kind {
        Kind::Map(map) => map.get(name).filter(|v| !v.is_null()).map(|v| EnvEntry {
            value: Some(v),
            index: None,
            value_from: false,
        }),
        Kind::Seq(items) => items.iter().enumerate().rev().find_map(|(i, item)| {
            (item.get(&["name"]).and_then(Value::as_str) == Some(name)).then(|| EnvEntry {
                value: item.get(&["value"]).filter(|v| !v.is_null()),
                index: Some(i),
                value_from: item.get(&["valueFrom"]).is_some_and(|v| !v.is_null()),
            })
        }),
        _ => None,
    }
}

/// The engine's call-outs its `env` leaves on, in [`CALL_OUTS`] order, each with its entry
/// (none: unset, the default `True` applies). One read from a Secret or ConfigMap
/// (`valueFrom`) is not known here and is left out.
pub(crate) fn call_outs_left_on(
    release: &Release,
) -> Vec<(&'static CallOut, Option<EnvEntry<'_>>)> {
    CALL_OUTS
        .iter()
        .filter_map(|call| match env_entry(release, call.env) {
            None => Some((call, None)),
            Some(entry) if !entry.value_from && entry.reads_true() => Some((call, Some(entry))),
            Some(_) => None,
        })
        .collect()
}

/// The stack id the engine runs with: its `SELF_HOSTED_STACK_ID` when set (`Err` with the
/// value when that is not an integer: the engine then fails on its own), else the default.
pub(crate) fn stack_id(release: &Release) -> Result<i64, &Value> {
    match env(release, STACK_ID_ENV).filter(|(v, _)| !v.is_null()) {
        None => Ok(DEFAULT_STACK_ID),
        Some((value, _)) => {
            let parsed = match &value.kind {
                Kind::Int(i) => Some(*i),
                Kind::Str(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            parsed.ok_or(value)
        }
    }
}

/// Where the engine's version comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EngineSource {
    /// The user's `image.tag`.
    ImageTag,
    /// The app version of the chart version the user gave.
    Chart,
    /// The latest known chart, assumed because no chart version was given.
    AssumedChart,
}

impl EngineSource {
    /// How a message names it.
    pub(crate) fn describe(self, release: &Release) -> String {
        match self {
            EngineSource::ImageTag => "`image.tag`".to_owned(),
            EngineSource::Chart => format!(
                "the app version of oncall chart {}",
                release.chart_version()
            ),
            EngineSource::AssumedChart => format!(
                "the app version of oncall chart {}, assumed because no chart version was given",
                release.chart_version()
            ),
        }
    }
}

/// The engine's version (without a `v`): `image.tag`, else the chart's app version (which is
/// `v<chart version>`), with where it comes from and the tag when it decides. `None` when
/// `image.tag` is not a version (`latest`, a digest).
pub(crate) fn version(release: &Release) -> Option<(String, EngineSource, Option<&Value>)> {
    let clean = |v: &str| v.trim().trim_start_matches(['v', 'V']).to_owned();
    if let Some(tag) = release.get(&["image", "tag"]).filter(|t| t.is_truthy()) {
        let text = tag.scalar_string()?;
        parse_version(&text)?;
        if !text
            .trim()
            .trim_start_matches(['v', 'V'])
            .starts_with(|c: char| c.is_ascii_digit())
        {
            return None;
        }
        return Some((clean(&text), EngineSource::ImageTag, Some(tag)));
    }
    let source = if release.identity.chart_version.is_some() {
        EngineSource::Chart
    } else {
        EngineSource::AssumedChart
    };
    Some((clean(release.chart_version()), source, None))
}
