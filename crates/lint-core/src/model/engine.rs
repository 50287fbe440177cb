//! The OnCall engine as the oncall chart's values configure it: its environment (the
//! top-level `env`, a map or the legacy list of `{name, value}`), its stack id and its
//! version: what `image.tag` says, the chart's app version, and whether the chart version
//! is known exactly enough to tell which engine it runs.

use crate::chart::{Version, known_release, parse_version};
use crate::model::images::ImageRef;
use crate::path::KeyPath;
use crate::release::{Release, oncall_version_from_chart_yaml};
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

/// The first oncall chart whose app version is `v<chart version>` (1.1.19, January 2023).
/// Earlier charts ran other engines than their number (chart 1.0.4 ran v1.0.32, 1.1.0 and
/// 1.1.2 ran v1.1.5: `helm/oncall/Chart.yaml` at tags `oncall-1.0.4` … `oncall-1.1.19`).
pub(crate) const APP_VERSION_FOLLOWS_CHART: Version = (1, 1, 19);

/// The first engine release published by OnCall's GitHub Actions release workflow
/// (June 2024), which tags the `grafana/oncall` image with the release's git tag,
/// `v<version>`, and `latest` (`.github/workflows/on-release-published.yml`); no tag
/// without `v`. Earlier releases were built by Drone, whose tags are not known here.
pub(crate) const V_TAGS_ONLY_FROM: Version = (1, 6, 2);

/// The tags the `grafana/oncall` image moves: `latest` (every release) and `dev` (every
/// commit to the dev branch, `.github/workflows/on-commits-to-dev.yml`).
const FLOATING_TAGS: [&str; 2] = ["latest", "dev"];

/// The oncall chart version as the user wrote it: the flag or the config (or what a GitOps
/// manifest's release gave), else the `Chart.yaml` beside the values (the dependency's, or
/// the chart's own). `flag` and `chart_yaml` are the release's options.
pub(crate) fn written_chart_version(
    flag: Option<&str>,
    chart_yaml: Option<&str>,
) -> Option<String> {
    flag.map(str::to_owned)
        .or_else(|| chart_yaml.and_then(oncall_version_from_chart_yaml))
        .filter(|v| !v.trim().is_empty())
}

/// The oncall chart version, when it is known exactly: the release was given one (not the
/// latest assumed) and `written` (see [`written_chart_version`]) is one version, `1.16.9`
/// or `v1.16.9`, of a chart release. A range (`~1.16.0`, `>=1.9.0`) or a fork's version
/// past the last release (linted over the nearest release's defaults) is `None`: which
/// engine it runs would be a guess.
pub(crate) fn exact_chart_version(release: &Release, written: Option<&str>) -> Option<Version> {
    let given = release.identity.chart_version.as_deref()?;
    let text = written?.trim();
    let bare = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let plain = bare.split('.').count() == 3
        && bare
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if !plain {
        return None;
    }
    let version = known_release(bare).ok()?;
    (parse_version(given) == Some(version)).then_some(version)
}

/// The engine an oncall chart runs when `image.tag` is empty: its app version,
/// `v<chart version>`, from chart 1.1.19 on; `None` for an older chart, whose app version
/// is not its number.
pub(crate) fn app_version(chart: Version) -> Option<Version> {
    (chart >= APP_VERSION_FOLLOWS_CHART).then_some(chart)
}

/// What `image.tag` says about the engine.
#[derive(Debug)]
pub(crate) enum Tag<'r> {
    /// Not set (empty or null): the chart's app version runs.
    Unset,
    /// A version: `v1.16.9`, `1.16.9`, `v1.16.9@sha256:…`.
    Version {
        /// The value.
        value: &'r Value,
        /// The tag as Helm prints it.
        text: String,
        /// Its version.
        version: Version,
        /// It starts with `v`, as the published tags do.
        v_prefix: bool,
    },
    /// A tag the image moves to each new build: `latest`, `dev`.
    Floating {
        /// The value.
        value: &'r Value,
        /// The tag.
        text: String,
    },
    /// Anything else (a commit sha, a custom build's name): not comparable.
    Other,
}

/// What the effective `image.tag` is.
pub(crate) fn tag(release: &Release) -> Tag<'_> {
    let Some(value) = release.get(&["image", "tag"]).filter(|t| t.is_truthy()) else {
        return Tag::Unset;
    };
    let Some(text) = value.scalar_string() else {
        return Tag::Other;
    };
    let trimmed = text.trim();
    if FLOATING_TAGS.contains(&trimmed) {
        return Tag::Floating {
            value,
            text: trimmed.to_owned(),
        };
    }
    let bare = trimmed.strip_prefix(['v', 'V']).unwrap_or(trimmed);
    let version = bare
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| parse_version(bare))
        .flatten();
    match version {
        Some(version) => Tag::Version {
            value,
            v_prefix: bare.len() < trimmed.len(),
            text: trimmed.to_owned(),
            version,
        },
        None => Tag::Other,
    }
}

/// Whether `image.repository` is the official `grafana/oncall` on Docker Hub (not a mirror
/// or a fork, whose tags may be named otherwise).
pub(crate) fn official_image(release: &Release) -> bool {
    let Some(repository) = release
        .get(&["image", "repository"])
        .and_then(Value::scalar_string)
    else {
        return false;
    };
    let image = ImageRef::parse(&repository);
    image.path == "grafana/oncall"
        && matches!(
            image.registry.as_str(),
            "docker.io" | "index.docker.io" | "registry-1.docker.io"
        )
}

/// The engine's version when it is known for certain: `image.tag` when it is a version
/// (with the value), else the app version of a chart version known exactly (see
/// [`exact_chart_version`]).
pub(crate) fn known_version<'r>(
    release: &'r Release,
    written: Option<&str>,
) -> Option<(Version, Option<&'r Value>)> {
    match tag(release) {
        Tag::Version { value, version, .. } => Some((version, Some(value))),
        Tag::Unset => app_version(exact_chart_version(release, written)?).map(|v| (v, None)),
        Tag::Floating { .. } | Tag::Other => None,
    }
}
