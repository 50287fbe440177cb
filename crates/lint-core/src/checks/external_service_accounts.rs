//! OC010 external-service-accounts: the `externalServiceAccounts` feature toggle must be
//! effectively on for the bundled Grafana.
//!
//! Grafana's rules: `[feature_toggles] enable` is one comma/space separated string; a
//! per-toggle key (`externalServiceAccounts = false`) overrides `enable`;
//! `GF_FEATURE_TOGGLES_ENABLE` overrides the ini file's `enable`. A YAML list under
//! `enable` renders (grafana chart 8.4.6) as `[a b]`, which Grafana parses as an empty list.
//! `GF_FEATURE_TOGGLES_EXTERNALSERVICEACCOUNTS` is read from Grafana 13 (grafana/grafana PR
//! #121271) and wins there; before, Grafana ignores it.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::chart::show_version as show;
use crate::model::grafana::{
    EXTERNAL_SERVICE_ACCOUNTS as TOGGLE, env_key, go_parse_bool, split_list,
};
use crate::model::grafana_settings::PER_TOGGLE_ENV_FROM;
use crate::model::plugin;
use crate::values::{Kind, Value};

/// What OC010 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A per-toggle `externalServiceAccounts` key turns the toggle off.
    PerKeyOff {
        /// The value written.
        found: String,
        /// Whether the effective `enable` list names the toggle.
        listed: bool,
    },
    /// `GF_FEATURE_TOGGLES_ENABLE` does not list the toggle.
    EnvMissing {
        /// The env value with the toggle added.
        suggested: String,
    },
    /// `GF_FEATURE_TOGGLES_EXTERNALSERVICEACCOUNTS` turns the toggle off (Grafana 13+).
    PerToggleEnvOff {
        /// The value written.
        found: String,
        /// The Grafana version.
        grafana: String,
    },
    /// `GF_FEATURE_TOGGLES_EXTERNALSERVICEACCOUNTS` is ignored (before Grafana 13) and
    /// nothing else turns the toggle on.
    PerToggleEnvIgnored {
        /// The Grafana version.
        grafana: String,
    },
    /// `enable` is a YAML list.
    List {
        /// The list as one string, with the toggle added.
        suggested: String,
    },
    /// `enable` replaces the chart's string that listed the toggle.
    Replaced {
        /// The string with the toggle added.
        suggested: String,
    },
    /// `enable` does not list the toggle.
    StringMissing {
        /// The string with the toggle added.
        suggested: String,
    },
    /// The chart's `enable` is removed.
    Deleted,
    /// The chart's defaults set no toggles.
    Missing {
        /// The chart, as messages name it.
        chart: String,
    },
}

/// Where the `enable` list goes in the values.
const ENABLE_PATH: [&str; 4] = ["grafana", "grafana.ini", "feature_toggles", "enable"];

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() || without_toggle(ctx) {
        return;
    }
    if per_toggle_env_decides(ctx, out) || per_key_decides(ctx, out) {
        return;
    }
    let release = ctx.release;
    let env_path = ["grafana", "env", "GF_FEATURE_TOGGLES_ENABLE"];
    if let Some(env) = release.get(&env_path) {
        let text = env.scalar_string().unwrap_or_default();
        if !split_list(&text).contains(&TOGGLE) {
            let location = release.locate(env, &env_path, false);
            let fix = ctx.fix_at(
                Some(env),
                "add `externalServiceAccounts` to `GF_FEATURE_TOGGLES_ENABLE`",
                Applicability::Safe,
                vec![Op::SetScalar {
                    path: path(&env_path),
                    value: fix::ops::text(with_toggle(&text)),
                }],
            );
            out.emit(
                Message::EnvMissing {
                    suggested: with_toggle(&text),
                },
                location,
            )
            .with_fix(fix);
        }
        return;
    }
    let chart_had_it = release
        .defaults()
        .get(&ENABLE_PATH)
        .and_then(Value::scalar_string)
        .is_some_and(|s| split_list(&s).contains(&TOGGLE));
    match release.get(&ENABLE_PATH) {
        Some(value) if matches!(value.kind, Kind::Seq(_)) => enable_list(ctx, value, out),
        Some(value) => enable_string(ctx, value, chart_had_it, out),
        None => enable_unset(ctx, chart_had_it, out),
    }
}

/// Whether the Grafana or the plugin predates the toggle: Grafana before 10.3 has no such
/// toggle (OC013 reports a Grafana too old for the plugin), and a plugin pinned before 1.9
/// initialises without service accounts (a tag that is not a version, such as `latest`,
/// runs a recent Grafana).
fn without_toggle(ctx: &CheckContext<'_>) -> bool {
    ctx.grafana()
        .version()
        .is_some_and(|(version, _)| version < (10, 3, 0))
        || plugin::entry(ctx.release)
            .and_then(|entry| entry.parsed())
            .is_some_and(|version| version < (1, 9, 0))
}

/// Whether `GF_FEATURE_TOGGLES_EXTERNALSERVICEACCOUNTS` decides the toggle. Grafana 13 and
/// later read it (grafana/grafana PR #121271) and it wins; before, Grafana ignores it, which
/// is reported when nothing else turns the toggle on. A Grafana version that is not known
/// (`latest`) leaves it to the rest of the check.
fn per_toggle_env_decides(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) -> bool {
    let release = ctx.release;
    let name = env_key("feature_toggles", TOGGLE);
    let keys = ["grafana", "env", name.as_str()];
    let Some(value) = release.get(&keys).filter(|v| !v.is_null()) else {
        return false;
    };
    let Some((version, _)) = ctx.grafana().version() else {
        return false;
    };
    let parsed = value.scalar_string().as_deref().and_then(go_parse_bool);
    let grafana = show(version);
    let location = release.locate(value, &keys, false);
    if version >= PER_TOGGLE_ENV_FROM {
        return match parsed {
            Some(true) => true,
            Some(false) => {
                out.emit(
                    Message::PerToggleEnvOff {
                        found: value.describe(),
                        grafana,
                    },
                    location,
                );
                true
            }
            None => false,
        };
    }
    let ini_on = release
        .get(&["grafana", "grafana.ini", "feature_toggles", TOGGLE])
        .and_then(Value::scalar_string)
        .and_then(|s| go_parse_bool(&s))
        == Some(true);
    if parsed == Some(true) && !ini_on && !enable_lists_toggle(ctx) {
        out.emit(Message::PerToggleEnvIgnored { grafana }, location);
        return true;
    }
    false
}

/// Whether a per-toggle `externalServiceAccounts` key decides the toggle; reports it when it
/// turns the toggle off.
fn per_key_decides(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) -> bool {
    let release = ctx.release;
    let per_key_path = ["grafana", "grafana.ini", "feature_toggles", TOGGLE];
    let Some(per_key) = release.get(&per_key_path) else {
        return false;
    };
    match per_key.scalar_string().as_deref().and_then(go_parse_bool) {
        Some(true) => true,
        Some(false) => {
            let location = release.locate(per_key, &per_key_path, false);
            // someone turned it off on purpose: turning it back on needs review
            let fix = ctx.fix_at(
                Some(per_key),
                "set `externalServiceAccounts` to true",
                Applicability::Unsafe,
                vec![Op::SetScalar {
                    path: path(&per_key_path),
                    value: crate::values::Value::new(Kind::Bool(true), per_key.origin.clone()),
                }],
            );
            out.emit(
                Message::PerKeyOff {
                    found: per_key.describe(),
                    listed: enable_lists_toggle(ctx),
                },
                location,
            )
            .with_fix(fix);
            true
        }
        None => false,
    }
}

/// Reports `enable` written as a YAML list.
fn enable_list(ctx: &CheckContext<'_>, value: &Value, out: &mut Emitter<'_, Message>) {
    let joined: Vec<String> = value
        .as_seq()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::scalar_string)
        .collect();
    let location = ctx.release.locate(value, &ENABLE_PATH, false);
    let suggested = with_toggle(&joined.join(","));
    let fix = ctx.fix_at(
        Some(value),
        "write `enable` as one comma-separated string",
        Applicability::Safe,
        vec![Op::Replace {
            path: path(&ENABLE_PATH),
            value: fix::ops::text(suggested.clone()),
        }],
    );
    out.emit(Message::List { suggested }, location).with_fix(fix);
}

/// Reports an `enable` string that does not list the toggle (`chart_had_it`: the chart's
/// default did).
fn enable_string(
    ctx: &CheckContext<'_>,
    value: &Value,
    chart_had_it: bool,
    out: &mut Emitter<'_, Message>,
) {
    let text = value.scalar_string().unwrap_or_default();
    if split_list(&text).contains(&TOGGLE) {
        return;
    }
    let location = ctx.release.locate(value, &ENABLE_PATH, false);
    let suggested = with_toggle(&text);
    let replaced = value.site().is_some() && chart_had_it;
    let fix = ctx.fix_at(
        Some(value),
        "add `externalServiceAccounts` to `enable`",
        Applicability::Safe,
        vec![Op::SetScalar {
            path: path(&ENABLE_PATH),
            value: fix::ops::text(suggested.clone()),
        }],
    );
    let message = if replaced {
        Message::Replaced { suggested }
    } else {
        Message::StringMissing { suggested }
    };
    out.emit(message, location).with_fix(fix);
}

/// Reports no `enable` at all: the chart's removed (`chart_had_it`), or none in the chart.
fn enable_unset(ctx: &CheckContext<'_>, chart_had_it: bool, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let location = release.blame(&ENABLE_PATH);
    let fix = if release.user_sets(&ENABLE_PATH) || !chart_had_it {
        // `enable: null`, or an old chart that never set it: write the toggle there
        let applicability = if chart_had_it {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        ctx.fix_at(
            None,
            "set `enable: externalServiceAccounts`",
            applicability,
            vec![Op::SetScalar {
                path: path(&ENABLE_PATH),
                value: fix::ops::text(TOGGLE),
            }],
        )
    } else {
        None
    };
    let message = if chart_had_it {
        Message::Deleted
    } else {
        Message::Missing {
            chart: ctx.release.chart_name(),
        }
    };
    out.emit(message, location).with_fix(fix);
}

/// Whether the effective `enable` list (`GF_FEATURE_TOGGLES_ENABLE`, else the ini value, a
/// string) names the toggle.
fn enable_lists_toggle(ctx: &CheckContext<'_>) -> bool {
    let release = ctx.release;
    release
        .get(&["grafana", "env", "GF_FEATURE_TOGGLES_ENABLE"])
        .or_else(|| release.get(&["grafana", "grafana.ini", "feature_toggles", "enable"]))
        .and_then(Value::scalar_string)
        .is_some_and(|s| split_list(&s).contains(&TOGGLE))
}

/// `text` with the toggle added at the end, in the separator the text already uses
/// (commas unless it uses only spaces).
fn with_toggle(text: &str) -> String {
    let text = text.trim();
    if split_list(text).contains(&TOGGLE) {
        return text.to_owned();
    }
    if text.is_empty() {
        TOGGLE.to_owned()
    } else if text.contains(',') || !text.contains(char::is_whitespace) {
        format!("{text},{TOGGLE}")
    } else {
        format!("{text} {TOGGLE}")
    }
}
