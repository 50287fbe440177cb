//! OC024 secrets-regenerated: the engine's `SECRET_KEY` and `MIRAGE_SECRET_KEY` drawn at
//! random by the chart's `secrets.yaml` (`randAlphaNum 40`, no `lookup`) at every render.
//! Each `helm upgrade` replaces them, and a GitOps tool that renders the chart at every
//! sync (Argo CD, Flux, Kustomize's `helmCharts`) replaces them at every sync: what the
//! engine signed or encrypted with the old ones (sessions, every mirage-encrypted field)
//! breaks. The same settings name keys of an existing Secret when `existingSecret` is set,
//! where the chart `required`s them: an empty one fails the install.
//!
//! A release-level rule: what no file sets is the chart's default, so it judges whole
//! releases only (another file of a release may set the Secret), and not a manifest's
//! release with a values source that was not read.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::build::{combined, merge_ops};
use crate::model::secrets::{self, ENGINE_KEYS, EngineKey, EngineSecrets};
use crate::release::{InputKind, Release, RenderedBy};
use crate::values::Value;

/// What OC024 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The chart draws the keys at random at every render, for a release a person or CI
    /// upgrades with Helm (or helmfile).
    Regenerated {
        /// The env variables drawn at random: `` `SECRET_KEY` and `MIRAGE_SECRET_KEY` ``.
        env: String,
        /// The settings left empty, `existingSecret` first: `` `oncall.secrets.existingSecret`,
        /// `secretKey` and `mirageSecretKey` ``.
        empty: String,
        /// Only one key is drawn at random.
        one: bool,
        /// The settings written but ignored by this chart version (before 1.7.2), empty
        /// when none.
        ignored: String,
        /// The chart version has no `oncall.secrets` (1.0.x).
        no_setting: bool,
        /// The oncall chart version.
        chart: String,
        /// The chart's own Secret (`oncall.fullname`), empty when the release is unnamed.
        chart_secret: String,
        /// The chart version keeps `secretKey`/`mirageSecretKey` values (1.7.2 and later).
        values_kept: bool,
    },
    /// The same, for a release Argo CD, Flux or Kustomize renders at every sync.
    RegeneratedGitops {
        /// The env variables drawn at random.
        env: String,
        /// The settings left empty, `existingSecret` first.
        empty: String,
        /// Only one key is drawn at random.
        one: bool,
        /// The settings written but ignored by this chart version, empty when none.
        ignored: String,
        /// The chart version has no `oncall.secrets` (1.0.x).
        no_setting: bool,
        /// The oncall chart version.
        chart: String,
        /// The chart's own Secret, empty when the release is unnamed.
        chart_secret: String,
        /// The tool: `Argo CD`, `Flux`, `Kustomize`.
        tool: String,
        /// When it renders the chart again: `every sync`.
        when: String,
    },
    /// `existingSecret` is set and a key-name setting is empty: the chart's `required`
    /// fails.
    KeyNameMissing {
        /// The empty settings: `` `secretKey` ``.
        settings: String,
        /// The env variables they would name the keys of.
        env: String,
        /// Only one is empty.
        one: bool,
        /// The first empty setting (the one `helm install` names).
        first: String,
        /// The existing Secret's name.
        secret: String,
    },
}

/// The settings every finding is about.
const SECRETS: [&str; 2] = ["oncall", "secrets"];

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    // a release that is not whole (a layer, or a manifest whose values source was not
    // read) may have the Secret's settings elsewhere
    if release.kind != InputKind::OncallValues || !release.whole {
        return;
    }
    match secrets::engine_secrets(release) {
        Some(EngineSecrets::NoSetting) => regenerated(ctx, &ENGINE_KEYS, &[], true, out),
        Some(EngineSecrets::ChartSecret { generated, ignored }) if !generated.is_empty() => {
            regenerated(ctx, &generated, &ignored, false, out);
        }
        Some(EngineSecrets::Existing { secret, unnamed }) if !unnamed.is_empty() => {
            key_name_missing(ctx, secret, &unnamed, out);
        }
        _ => {}
    }
}

/// `` `a` and `b` `` of the keys' env variables or settings.
fn listed(keys: &[EngineKey], name: fn(&EngineKey) -> &'static str) -> String {
    keys.iter()
        .map(|k| format!("`{}`", name(k)))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The tool that renders the chart at every sync, with when it does; `None` for Helm run
/// by a person or CI, and for helmfile, which runs `helm upgrade` the same way.
fn synced_by(release: &Release) -> Option<(&'static str, &'static str)> {
    match release.identity.rendered_by? {
        RenderedBy::ArgoCd => Some(("Argo CD", "every sync")),
        RenderedBy::Flux => Some(("Flux", "every upgrade")),
        RenderedBy::Kustomize => Some(("Kustomize", "every `kustomize build`")),
        RenderedBy::Helmfile => None,
    }
}

/// Reports keys the chart draws at random at every render.
fn regenerated(
    ctx: &CheckContext<'_>,
    generated: &[EngineKey],
    ignored: &[EngineKey],
    no_setting: bool,
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    let env = listed(generated, |k| k.env);
    let mut empty = vec!["`oncall.secrets.existingSecret`".to_owned()];
    empty.extend(generated.iter().map(|k| format!("`{}`", k.setting)));
    let empty = match empty.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => empty.concat(),
    };
    let one = generated.len() == 1;
    let ignored = listed(ignored, |k| k.setting);
    let chart = release.chart_version().to_owned();
    let chart_secret = secrets::chart_secret_name(release).unwrap_or_default();
    let values_kept = secrets::secret_values_kept(release);
    let message = match synced_by(release) {
        Some((tool, when)) => Message::RegeneratedGitops {
            env,
            empty,
            one,
            ignored,
            no_setting,
            chart,
            chart_secret,
            tool: tool.to_owned(),
            when: when.to_owned(),
        },
        None => Message::Regenerated {
            env,
            empty,
            one,
            ignored,
            no_setting,
            chart,
            chart_secret,
            values_kept,
        },
    };
    let fix = (!no_setting).then(|| read_own_secret(release)).flatten();
    out.emit(message, release.blame(&SECRETS)).with_fix(fix);
}

/// Points the chart at a Secret of the user's own, which they must create first with the
/// values the running install uses: unsafe.
fn read_own_secret(release: &Release) -> Option<Fix> {
    let (name, named) = secrets::own_secret_name(release);
    let running = match secrets::chart_secret_name(release) {
        Some(full) => format!("the chart's Secret `{full}`"),
        None => "the chart's Secret (named for the release)".to_owned(),
    };
    let which = if named {
        "named for the release"
    } else {
        "a fixed name: the release name is unknown"
    };
    let title = format!(
        "read the keys from Secret `{name}` ({which}): create it first with keys `SECRET_KEY` and `MIRAGE_SECRET_KEY` holding the values {running} has now, or the data encrypted with them is lost"
    );
    let mut settings = vec![(
        vec!["oncall", "secrets", "existingSecret"],
        serde_json::Value::String(name),
    )];
    for key in ENGINE_KEYS {
        settings.push((
            vec!["oncall", "secrets", key.setting],
            serde_json::Value::String(key.env.to_owned()),
        ));
    }
    combined(
        release,
        title,
        Applicability::Unsafe,
        merge_ops(release, &settings),
    )
}

/// Reports key-name settings left empty while `existingSecret` is set.
fn key_name_missing(
    ctx: &CheckContext<'_>,
    secret: &Value,
    unnamed: &[EngineKey],
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    let secret_name = secret.scalar_string().unwrap_or_default();
    let settings = listed(unnamed, |k| k.setting);
    let names: Vec<(Vec<&str>, serde_json::Value)> = unnamed
        .iter()
        .map(|key| {
            (
                vec!["oncall", "secrets", key.setting],
                serde_json::Value::String(key.env.to_owned()),
            )
        })
        .collect();
    // in the last file, which Helm lets win; insertions under one key are joined there
    let fix = combined(
        release,
        format!(
            "name the keys as the chart's own Secret does ({}): check that Secret `{secret_name}` holds them under these names",
            listed(unnamed, |k| k.env)
        ),
        Applicability::Unsafe,
        merge_ops(release, &names),
    );
    let location = release.locate(secret, &["oncall", "secrets", "existingSecret"], false);
    out.emit(
        Message::KeyNameMissing {
            settings,
            env: listed(unnamed, |k| k.env),
            one: unnamed.len() == 1,
            first: unnamed
                .first()
                .map(|k| k.setting.to_owned())
                .unwrap_or_default(),
            secret: secret_name,
        },
        location,
    )
    .with_fix(fix);
}
