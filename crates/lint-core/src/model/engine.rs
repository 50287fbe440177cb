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
