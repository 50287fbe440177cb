//! OC026 slack-settings-disabled: the Slack settings against `oncall.slack.enabled`. The
//! chart gives the engine its Slack env only when `enabled` is truthy (its default is
//! false), so credentials written while it is off never reach the engine, and Slack's calls
//! to `/slack/*` get 404. Turned on, the engine needs all three credentials, as values or
//! from an existing Secret whose three key names the chart `required`s.
//!
//! Credentials written beside a disabled Slack are judged in any file; what a turned-on
//! Slack lacks is judged for whole releases only (another file may hold the credentials,
//! often one kept out of version control), all of whose values sources were read.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{Op, ops};
use crate::model::secrets::{self, Slack};
use crate::release::InputKind;
use crate::values::Value;

/// What OC026 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// Slack settings are set while Slack is off.
    Disabled {
        /// The settings set: `` `clientId`, `clientSecret` and `signingSecret` ``.
        settings: String,
        /// Only one is set.
        one: bool,
        /// `enabled` as the template sees it (`false`, `null`).
        enabled: String,
        /// `enabled` is not written (the chart's default holds).
        enabled_default: bool,
        /// Turned on, the engine would still lack credentials (or the chart would fail).
        incomplete: bool,
        /// The chart version reads an existing Secret (`existingSecret`, from 1.1.0).
        with_secret: bool,
    },
    /// Slack is on without all three credentials and without an existing Secret.
    NoCredentials {
        /// The credentials not set: `` `signingSecret` ``.
        missing: String,
        /// Only one is missing.
        one: bool,
        /// None of the three is set.
        all: bool,
        /// The chart version reads an existing Secret (`existingSecret`, from 1.1.0).
        with_secret: bool,
    },
    /// Slack is on with an existing Secret, and a key-name setting is empty: the chart's
    /// `required` fails.
    KeyNameMissing {
        /// The empty settings: `` `signingSecretKey` ``.
        keys: String,
        /// Only one is empty.
        one: bool,
        /// The first empty one (the one `helm install` names).
        first: String,
        /// The existing Secret's name.
        secret: String,
    },
}

/// `oncall.slack`, which every setting is under.
const SLACK: [&str; 2] = ["oncall", "slack"];

/// `` `a`, `b` and `c` ``.
fn listed(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    if release.kind != InputKind::OncallValues {
        return;
    }
    let Some(slack) = secrets::slack(release) else {
        return;
    };
    if !slack.on {
        if !slack.set.is_empty() {
            disabled(ctx, &slack, out);
        }
        return;
    }
    // the credentials may be in another file, or in a values source not read
    if !release.whole || slack.complete() {
        return;
    }
    match slack.existing_secret {
        Some(secret) => key_name_missing(ctx, &slack, secret, out),
        None => no_credentials(ctx, &slack, out),
    }
}

/// Reports Slack settings written while Slack is off.
fn disabled(ctx: &CheckContext<'_>, slack: &Slack<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let Some((first, value)) = slack.set.first() else {
        return;
    };
    let keys: Vec<&str> = slack.set.iter().map(|(k, _)| *k).collect();
    let written_enabled = slack.enabled.filter(|v| v.site().is_some());
    let incomplete = !slack.complete();
    let fix = (!incomplete).then(|| turn_on(ctx, value)).flatten();
    let diagnostic = out.emit(
        Message::Disabled {
            settings: listed(&keys),
            one: keys.len() == 1,
            enabled: slack
                .enabled
                .map_or_else(|| "null".to_owned(), Value::describe),
            enabled_default: written_enabled.is_none(),
            incomplete,
            with_secret: reads_existing_secret(ctx),
        },
        release.locate(value, &[SLACK[0], SLACK[1], first], false),
    );
    if let Some(enabled) = written_enabled {
        diagnostic.with_related(
            release.locate(enabled, &[SLACK[0], SLACK[1], "enabled"], false),
            "Slack is turned off here",
        );
    }
    diagnostic.with_fix(fix);
}

/// Turns Slack on, in the file where its settings are written: unsafe, Slack goes live.
fn turn_on(ctx: &CheckContext<'_>, written: &Value) -> Option<Fix> {
    ctx.fix_at(
        Some(written),
        "set `oncall.slack.enabled: true`: Slack then goes live with these credentials",
        Applicability::Unsafe,
        vec![Op::SetScalar {
            path: path(&[SLACK[0], SLACK[1], "enabled"]),
            value: ops::boolean(true),
        }],
    )
}

/// Where a finding about a turned-on Slack points: `enabled` as written (or set).
fn at_enabled(ctx: &CheckContext<'_>, slack: &Slack<'_>) -> crate::diagnostic::Location {
    let release = ctx.release;
    let keys = [SLACK[0], SLACK[1], "enabled"];
    match slack.enabled {
        Some(enabled) => release.locate(enabled, &keys, false),
        None => release.blame(&keys),
    }
}

/// Whether the chart version reads Slack's credentials from an existing Secret (1.1.0 and
/// later).
fn reads_existing_secret(ctx: &CheckContext<'_>) -> bool {
    crate::chart::parse_version(ctx.release.chart_version())
        .is_none_or(|v| v >= secrets::SLACK_EXISTING_SECRET_FROM)
}

/// Reports a turned-on Slack without all three credentials.
fn no_credentials(ctx: &CheckContext<'_>, slack: &Slack<'_>, out: &mut Emitter<'_, Message>) {
    let missing = &slack.missing_values;
    let with_secret = reads_existing_secret(ctx);
    out.emit(
        Message::NoCredentials {
            missing: listed(missing),
            one: missing.len() == 1,
            all: missing.len() == secrets::SLACK_CREDENTIALS.len(),
            with_secret,
        },
        at_enabled(ctx, slack),
    );
}

/// Reports key-name settings left empty while Slack reads an existing Secret.
fn key_name_missing(
    ctx: &CheckContext<'_>,
    slack: &Slack<'_>,
    secret: &Value,
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    let keys = &slack.unnamed_keys;
    out.emit(
        Message::KeyNameMissing {
            keys: listed(keys),
            one: keys.len() == 1,
            first: keys.first().map(|k| (*k).to_owned()).unwrap_or_default(),
            secret: secret.scalar_string().unwrap_or_default(),
        },
        release.locate(secret, &[SLACK[0], SLACK[1], "existingSecret"], false),
    );
}
