//! The engine's own secrets and its Slack credentials, as each oncall chart version reads
//! them from the values. Two rules judge them (OC024 secrets-regenerated, OC026
//! slack-settings-disabled); the facts (which keys a version has, which of them are values
//! and which name a key in an existing Secret, what the templates `required`) live here
//! once.
//!
//! - `SECRET_KEY` and `MIRAGE_SECRET_KEY` (`templates/secrets.yaml`, `_env.tpl`): the chart
//!   renders Secret `<fullname>` unless `oncall.secrets.existingSecret` is set. Its values
//!   are `oncall.secrets.secretKey`/`mirageSecretKey`, or `randAlphaNum 40` when empty
//!   (from chart 1.7.2, grafana/oncall PR #4563; before it always random). There is no
//!   `lookup`, so a random value is drawn anew at every render. With `existingSecret` the
//!   same two settings are the *names* of the keys in that Secret, and `required`. Chart
//!   1.0.x has no `oncall.secrets` at all (PR #718 added it in 1.1.0).
//! - Slack (`snippet.oncall.slack.env`): the engine gets `SLACK_*` only when
//!   `oncall.slack.enabled` is truthy, from `clientId`/`clientSecret`/`signingSecret`, or,
//!   with `existingSecret` (from 1.1.0), from the keys `clientIdKey`/`clientSecretKey`/
//!   `signingSecretKey` name, each `required`. `signingSecret` arrived in 1.0.6,
//!   `redirectHost` in 1.0.8; before 1.0.5 there is no `oncall.slack`.

use crate::chart::{Version, parse_version};
use crate::model::helm;
use crate::model::names::oncall_fullname;
use crate::release::Release;
use crate::values::{Kind, Value};

/// The chart version that added `oncall.secrets` (`existingSecret`, `secretKey`,
/// `mirageSecretKey`): grafana/oncall PR #718.
pub(crate) const ENGINE_SECRETS_FROM: Version = (1, 1, 0);

/// The chart version from which `secretKey`/`mirageSecretKey` without `existingSecret` are
/// the values the chart's Secret holds (grafana/oncall PR #4563); before it they were
/// ignored and both keys always random.
pub(crate) const SECRET_VALUES_FROM: Version = (1, 7, 2);

/// The Secret a fix names when the release's `oncall.fullname` is unknown.
pub(crate) const FALLBACK_SECRET_NAME: &str = "oncall-secrets";

/// One of the engine's two secrets: its env variable (also the key the chart's own Secret
/// uses) and the setting under `oncall.secrets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EngineKey {
    /// The env variable and the chart's key: `SECRET_KEY`.
    pub env: &'static str,
    /// The setting under `oncall.secrets`: `secretKey`.
    pub setting: &'static str,
}

/// `SECRET_KEY` and `MIRAGE_SECRET_KEY`, in the chart's order.
pub(crate) const ENGINE_KEYS: [EngineKey; 2] = [
    EngineKey {
        env: "SECRET_KEY",
        setting: "secretKey",
    },
    EngineKey {
        env: "MIRAGE_SECRET_KEY",
        setting: "mirageSecretKey",
    },
];

/// How the release's engine gets `SECRET_KEY` and `MIRAGE_SECRET_KEY`.
#[derive(Debug)]
pub(crate) enum EngineSecrets<'a> {
    /// Chart 1.0.x: the chart's Secret always holds random values, and no setting keeps
    /// them.
    NoSetting,
    /// The chart renders its own Secret `<fullname>`.
    ChartSecret {
        /// The keys drawn at random at every render (their value empty, or ignored).
        generated: Vec<EngineKey>,
        /// Of those, the keys whose value is written but which this chart version ignores
        /// (before 1.7.2).
        ignored: Vec<EngineKey>,
    },
    /// The engine reads an existing Secret.
    Existing {
        /// `oncall.secrets.existingSecret`.
        secret: &'a Value,
        /// The keys whose key name is empty: the chart's `required` fails.
        unnamed: Vec<EngineKey>,
    },
}

/// The oncall chart version of the release, parsed (the one the user gave, else the
/// defaults').
fn version(release: &Release) -> Version {
    parse_version(release.chart_version()).unwrap_or(crate::chart::LAST_RELEASE)
}

/// Helm's `required`: it fails on a missing value and an empty string only.
fn required_fails(value: Option<&Value>) -> bool {
    match value.map(|v| &v.kind) {
        None | Some(Kind::Null) => true,
        Some(Kind::Str(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// How the engine gets its secrets; `None` when `oncall.secrets` is not a map (a wrong
/// type, which OC091 reports).
pub(crate) fn engine_secrets(release: &Release) -> Option<EngineSecrets<'_>> {
    let version = version(release);
    if version < ENGINE_SECRETS_FROM {
        return Some(EngineSecrets::NoSetting);
    }
    let secrets = release.get(&["oncall", "secrets"])?;
    secrets.as_map()?;
    let setting = |key: &EngineKey| secrets.get(&[key.setting]);
    match secrets.get(&["existingSecret"]).filter(|v| v.is_truthy()) {
        Some(secret) => Some(EngineSecrets::Existing {
            secret,
            unnamed: ENGINE_KEYS
                .into_iter()
                .filter(|key| required_fails(setting(key)))
                .collect(),
        }),
        None => {
            let written = |key: &EngineKey| setting(key).is_some_and(|v| !helm::is_empty(v));
            let kept = version >= SECRET_VALUES_FROM;
            Some(EngineSecrets::ChartSecret {
                generated: ENGINE_KEYS
                    .into_iter()
                    .filter(|key| !kept || !written(key))
                    .collect(),
                ignored: ENGINE_KEYS
                    .into_iter()
                    .filter(|key| !kept && written(key))
                    .collect(),
            })
        }
    }
}

/// Whether this chart version keeps `secretKey`/`mirageSecretKey` values without an
/// existing Secret.
pub(crate) fn secret_values_kept(release: &Release) -> bool {
    version(release) >= SECRET_VALUES_FROM
}

/// The chart's own Secret (`oncall.fullname`), when the release's name is known.
pub(crate) fn chart_secret_name(release: &Release) -> Option<String> {
    oncall_fullname(release)
}

/// The name of a Secret to hold the engine's secrets, apart from the chart's own (which
/// Helm deletes once `existingSecret` is set): `<fullname>-secrets` when the release's
/// `oncall.fullname` is known, else [`FALLBACK_SECRET_NAME`]. The flag says whether the
/// name follows the release.
pub(crate) fn own_secret_name(release: &Release) -> (String, bool) {
    match chart_secret_name(release) {
        Some(full) => (format!("{full}-secrets"), true),
        None => (FALLBACK_SECRET_NAME.to_owned(), false),
    }
}

/// The first chart version with `oncall.slack` and the three credentials the engine needs
/// (`signingSecret` arrived in 1.0.6).
pub(crate) const SLACK_FROM: Version = (1, 0, 6);

/// The chart version that added `oncall.slack.redirectHost`.
pub(crate) const SLACK_REDIRECT_HOST_FROM: Version = (1, 0, 8);

/// The chart version that added `oncall.slack.existingSecret` and its key names.
pub(crate) const SLACK_EXISTING_SECRET_FROM: Version = (1, 1, 0);

/// The Slack credentials as values, each with the setting that names its key in
/// `existingSecret`.
pub(crate) const SLACK_CREDENTIALS: [(&str, &str); 3] = [
    ("clientId", "clientIdKey"),
    ("clientSecret", "clientSecretKey"),
    ("signingSecret", "signingSecretKey"),
];

/// The Slack settings of a release, as the chart version reads them.
#[derive(Debug)]
pub(crate) struct Slack<'a> {
    /// `oncall.slack.enabled`, as the release has it.
    pub enabled: Option<&'a Value>,
    /// Whether the chart emits the Slack env (`{{ if .Values.oncall.slack.enabled }}`).
    pub on: bool,
    /// The settings that reach the engine only when Slack is on and are set (non-empty),
    /// with their values: the three credentials, `existingSecret`, `redirectHost` (those
    /// this chart version has), in the chart's order.
    pub set: Vec<(&'static str, &'a Value)>,
    /// `existingSecret`, when set (and this chart version has it).
    pub existing_secret: Option<&'a Value>,
    /// The credentials whose value is empty (which the engine then gets empty, without
    /// `existingSecret`).
    pub missing_values: Vec<&'static str>,
    /// The key-name settings that are empty, which the chart `required`s with
    /// `existingSecret`.
    pub unnamed_keys: Vec<&'static str>,
}

impl Slack<'_> {
    /// Whether the engine gets all three credentials: every value, or an existing Secret
    /// with every key named.
    pub(crate) fn complete(&self) -> bool {
        match self.existing_secret {
            Some(_) => self.unnamed_keys.is_empty(),
            None => self.missing_values.is_empty(),
        }
    }
}

/// The Slack settings; `None` for a chart version without them (before 1.0.6) or when
/// `oncall.slack` is not a map (a wrong type, which OC091 reports).
pub(crate) fn slack(release: &Release) -> Option<Slack<'_>> {
    let version = version(release);
    if version < SLACK_FROM {
        return None;
    }
    let slack = release.get(&["oncall", "slack"])?;
    slack.as_map()?;
    let get = |key: &str| slack.get(&[key]);
    let non_empty = |key: &str| get(key).filter(|v| !helm::is_empty(v));
    let with_secret = version >= SLACK_EXISTING_SECRET_FROM;
    let existing_secret = if with_secret {
        get("existingSecret").filter(|v| v.is_truthy())
    } else {
        None
    };
    let mut keys: Vec<&'static str> = SLACK_CREDENTIALS.iter().map(|(k, _)| *k).collect();
    if with_secret {
        keys.push("existingSecret");
    }
    if version >= SLACK_REDIRECT_HOST_FROM {
        keys.push("redirectHost");
    }
    let set = keys
        .into_iter()
        .filter_map(|key| non_empty(key).map(|v| (key, v)))
        .collect();
    let enabled = get("enabled");
    Some(Slack {
        enabled,
        on: enabled.is_some_and(Value::is_truthy),
        set,
        existing_secret,
        missing_values: SLACK_CREDENTIALS
            .iter()
            .filter(|(value, _)| non_empty(value).is_none())
            .map(|(value, _)| *value)
            .collect(),
        unnamed_keys: SLACK_CREDENTIALS
            .iter()
            .filter(|(_, key)| required_fails(get(key)))
            .map(|(_, key)| *key)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::LintOptions;
    use crate::pipeline::{InputFile, build_release};

    /// `text` as a release of chart `version`.
    fn release(text: &str, version: &str) -> Release {
        let mut options = LintOptions::default();
        options.release.chart_version = Some(version.into());
        let file = InputFile {
            path: "values.yaml".into(),
            bytes: text.as_bytes().to_vec(),
        };
        build_release(vec![file], &options).expect("builds").0
    }

    #[test]
    fn the_keys_are_kept_by_values_from_1_7_2_and_by_an_existing_secret_from_1_1_0() {
        let both = "oncall:\n  secrets:\n    secretKey: a\n    mirageSecretKey: b\n";
        let kept = release(both, "1.16.9");
        assert!(matches!(
            engine_secrets(&kept),
            Some(EngineSecrets::ChartSecret { generated, .. }) if generated.is_empty()
        ));
        let ignored = release(both, "1.7.1");
        match engine_secrets(&ignored) {
            Some(EngineSecrets::ChartSecret { generated, ignored }) => {
                assert_eq!((generated.len(), ignored.len()), (2, 2));
            }
            other => panic!("{other:?}"),
        }
        let old = release(both, "1.0.12");
        assert!(matches!(
            engine_secrets(&old),
            Some(EngineSecrets::NoSetting)
        ));
        let named = release(
            "oncall:\n  secrets:\n    existingSecret: keys\n    secretKey: SECRET_KEY\n",
            "1.1.0",
        );
        match engine_secrets(&named) {
            Some(EngineSecrets::Existing { unnamed, .. }) => {
                assert_eq!(unnamed, vec![ENGINE_KEYS[1]]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn slack_keys_follow_the_chart_version() {
        let text = "oncall:\n  slack:\n    existingSecret: slack\n    redirectHost: x\n";
        let current = release(text, "1.16.9");
        let slack = slack(&current).expect("slack");
        let set: Vec<&str> = slack.set.iter().map(|(k, _)| *k).collect();
        assert_eq!(set, ["existingSecret", "redirectHost"]);
        assert!(!slack.on);
        assert_eq!(slack.unnamed_keys.len(), 3);
        // 1.0.8 has no existingSecret, 1.0.6 no redirectHost, 1.0.4 no oncall.slack
        let early = release(text, "1.0.8");
        let set: Vec<&str> = super::slack(&early)
            .expect("slack")
            .set
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(set, ["redirectHost"]);
        assert!(
            super::slack(&release(text, "1.0.6"))
                .expect("slack")
                .set
                .is_empty()
        );
        assert!(super::slack(&release(text, "1.0.4")).is_none());
    }
}
