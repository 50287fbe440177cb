//! OC043 airgap-unsigned-allowlist: a OnCall plugin that does not come from the grafana.com
//! catalog (an init container, a custom image, a private URL, a volume) is loaded only when
//! it is signed, or when `allow_loading_unsigned_plugins` lists `grafana-oncall-app`. An
//! unmodified copy of the signed zip keeps its signature, so the rule warns only when the
//! values say the plugin is a rebuild (or the allowlist misspells it), and otherwise gives
//! an info. On any install, air-gapped or not, it warns about the boolean form
//! (`allow_loading_unsigned_plugins: true`): Grafana reads the setting as a list of plugin
//! ids, so `true` allows nothing, whatever the user meant it to allow.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::model::grafana::{Setting, env_key, ini_bool};
use crate::model::plugin::{Install, PLUGIN_ID, Source, install_source, mentions};
use crate::values::{Kind, Value};

/// Words that say an artifact is not the published, signed build.
const REBUILT: [&str; 6] = [
    "unsigned",
    "rebuild",
    "rebuilt",
    "patched",
    "fork",
    "custom-build",
];

/// What OC043 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The allowlist is a boolean, which Grafana reads as a plugin id.
    Boolean {
        /// The allowlist setting as written (the ini key or its environment variable).
        name: String,
        /// The value written (`true`).
        found: String,
    },
    /// The allowlist has an entry that tries to name the plugin, not `grafana-oncall-app`.
    Misspelled {
        /// The allowlist setting as written (the ini key or its environment variable).
        name: String,
        /// The entry that tries to name the plugin.
        near: String,
        /// Where the plugin comes from.
        source: String,
    },
    /// The plugin looks like a rebuild and the allowlist does not list it.
    Unsigned {
        /// The allowlist setting (the ini key or its environment variable).
        name: String,
        /// The word that says the artifact is a rebuild.
        word: String,
        /// Where the plugin comes from.
        source: String,
    },
    /// The plugin does not come from the catalog and the allowlist does not list it.
    MaybeUnsigned {
        /// The allowlist setting (the ini key or its environment variable).
        name: String,
        /// Where the plugin comes from.
        source: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    // development mode loads unsigned plugins anyway
    if !ctx.grafana().deployed() || development_mode(ctx) {
        return;
    }
    let env_name = env_key("plugins", "allow_loading_unsigned_plugins");
    // set from a Secret or ConfigMap: not known here
    if ctx
        .grafana()
        .env_from_secret("plugins", "allow_loading_unsigned_plugins")
        .is_some()
    {
        return;
    }
    let allowlist = ctx
        .grafana()
        .setting("plugins", "allow_loading_unsigned_plugins");
    let Some(text) = allowlist_text(allowlist.as_ref()) else {
        return;
    };
    let entries: Vec<&str> = text
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    // a boolean allows nothing on any install: reported whatever the profile
    if let Some(list) = &allowlist
        && is_boolean(&entries)
    {
        boolean(ctx, list, out);
        return;
    }
    if !ctx.air_gapped || entries.contains(&PLUGIN_ID) {
        return;
    }
    let Some(install) = install_source(ctx.release).filter(|i| i.source.private()) else {
        return;
    };
    let source = describe(install.source);
    let name = allowlist
        .as_ref()
        .map_or_else(|| format!("`{env_name}`"), |a| a.name.clone());
    let unlisted = Unlisted {
        ctx,
        install,
        allowlist,
        env_name,
        text: &text,
        source,
        name,
    };
    unlisted.report(&entries, out);
}

/// Whether the allowlist's entries are all a boolean's "on" (`true`, `yes`, `on`, `1`, as
/// go-ini reads booleans): the user meant a switch, and Grafana reads a plugin id.
fn is_boolean(entries: &[&str]) -> bool {
    !entries.is_empty() && entries.iter().all(|e| ini_bool(e) == Some(true))
}

/// Reports a boolean allowlist. When the OnCall plugin comes from elsewhere than the
/// catalog (the plugin the switch was meant to let load), the fix names it instead: safe,
/// as the switch allowed nothing and meant to allow at least this plugin. Otherwise which
/// plugin was meant is not known: no fix.
fn boolean(ctx: &CheckContext<'_>, list: &Setting<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let location = release.locate(list.value, &list.keys(), false);
    let private = install_source(release).filter(|i| i.source.private());
    let fix = private.as_ref().and_then(|_| {
        ctx.fix_at(
            Some(list.value),
            format!("replace `{}` with `{PLUGIN_ID}`", list.text()),
            Applicability::Safe,
            vec![Op::SetScalar {
                path: path(&list.keys()),
                value: fix::ops::text(PLUGIN_ID),
            }],
        )
        .filter(|_| list.written())
    });
    let diagnostic = out.emit(
        Message::Boolean {
            name: list.name.clone(),
            found: list.text(),
        },
        location,
    );
    if let Some(install) = private {
        diagnostic.with_related(
            install.location,
            format!("the plugin comes from {}", describe(install.source)),
        );
    }
    diagnostic.with_fix(fix);
}

/// Whether Grafana runs in development mode (`app_mode`, or its env variable).
fn development_mode(ctx: &CheckContext<'_>) -> bool {
    let release = ctx.release;
    let app_mode = release
        .get(&["grafana", "env", "GF_DEFAULT_APP_MODE"])
        .filter(|v| v.is_truthy())
        .or_else(|| release.get(&["grafana", "grafana.ini", "app_mode"]))
        .and_then(Value::scalar_string);
    app_mode.is_some_and(|m| m.trim() == "development")
}

/// The allowlist's text as Grafana reads it (empty when it is not set); `None` for a YAML
/// list or map, which renders as `[a b]`, which Grafana reads as nothing (OC052).
fn allowlist_text(allowlist: Option<&Setting<'_>>) -> Option<String> {
    let text = match allowlist.map(|a| &a.value.kind) {
        None => String::new(),
        Some(Kind::Str(s)) => s.clone(),
        Some(Kind::Seq(_) | Kind::Map(_)) => return None,
        Some(_) => allowlist
            .and_then(|a| a.value.scalar_string())
            .unwrap_or_default(),
    };
    Some(text)
}

/// A private install of the plugin the allowlist does not list, with what each finding
/// about it needs.
struct Unlisted<'c, 'a> {
    /// The check's context.
    ctx: &'c CheckContext<'a>,
    /// How the values install the plugin.
    install: Install<'a>,
    /// The allowlist setting, when one is set.
    allowlist: Option<Setting<'a>>,
    /// The allowlist's environment variable.
    env_name: String,
    /// The allowlist's text.
    text: &'c str,
    /// How a message names where the plugin comes from.
    source: &'static str,
    /// How a message names the allowlist setting.
    name: String,
}

impl Unlisted<'_, '_> {
    /// Reports it: a misspelled entry first, else a rebuild, else a build that may be
    /// unsigned.
    fn report(self, entries: &[&str], out: &mut Emitter<'_, Message>) {
        // an entry that tries to name the plugin: the user meant to allow it
        if let (Some(list), Some(near)) = (
            self.allowlist.as_ref(),
            entries.iter().find(|e| e.contains("oncall")),
        ) {
            self.misspelled(list, near, out);
            return;
        }
        if let Some(word) = rebuilt_word(&self.install) {
            self.unsigned(word, out);
            return;
        }
        out.emit(
            Message::MaybeUnsigned {
                name: self.name,
                source: self.source.to_owned(),
            },
            self.install.location,
        );
    }

    /// Reports an allowlist entry that tries to name the plugin.
    fn misspelled(&self, list: &Setting<'_>, near: &str, out: &mut Emitter<'_, Message>) {
        let source = self.source;
        let location = self.ctx.release.locate(list.value, &list.keys(), false);
        let fix = self.allow_fix();
        out.emit(
            Message::Misspelled {
                name: self.name.clone(),
                near: near.to_owned(),
                source: source.to_owned(),
            },
            location,
        )
        .with_related(
            self.install.location.clone(),
            format!("the plugin comes from {source}"),
        )
        .with_fix(fix);
    }

    /// Reports a plugin that looks like a rebuild, `word` saying so.
    fn unsigned(&self, word: &str, out: &mut Emitter<'_, Message>) {
        let name = &self.name;
        let fix = self.allow_fix();
        let diagnostic = out.emit(
            Message::Unsigned {
                name: name.clone(),
                word: word.to_owned(),
                source: self.source.to_owned(),
            },
            self.install.location.clone(),
        );
        if let Some(list) = &self.allowlist {
            diagnostic.with_related(
                self.ctx.release.locate(list.value, &list.keys(), false),
                format!("{name} does not list `{PLUGIN_ID}`"),
            );
        }
        diagnostic.with_fix(fix);
    }

    /// The fix that adds the plugin to the allowlist.
    fn allow_fix(&self) -> Option<Fix> {
        allow_fix(self.ctx, self.allowlist.as_ref(), &self.env_name, self.text)
    }
}

/// How a message names where the plugin comes from.
fn describe(source: Source) -> &'static str {
    match source {
        Source::Catalog => "the grafana.com catalog",
        Source::OtherUrl => "a URL outside grafana.com",
        Source::InitContainer => "an init container",
        Source::CustomImage => "a custom Grafana image",
        Source::Volume => "a mounted volume",
    }
}

/// A word in the install's strings that says the artifact is a rebuild.
fn rebuilt_word(install: &Install<'_>) -> Option<&'static str> {
    let value = install.value?;
    REBUILT
        .into_iter()
        .find(|word| mentions(&lowercase(value), word))
}

fn lowercase(value: &Value) -> Value {
    let kind = match &value.kind {
        Kind::Str(s) => Kind::Str(s.to_lowercase()),
        Kind::Seq(items) => Kind::Seq(items.iter().map(lowercase).collect()),
        Kind::Map(map) => Kind::map(map.iter().map(|(k, v)| (k.clone(), lowercase(v))).collect()),
        other => other.clone(),
    };
    Value::new(kind, value.origin.clone())
}

/// Adds the plugin to the allowlist Grafana reads (the env variable when none is set):
/// unsafe, it lets Grafana run an unsigned build.
fn allow_fix(
    ctx: &CheckContext<'_>,
    list: Option<&Setting<'_>>,
    env_name: &str,
    text: &str,
) -> Option<Fix> {
    let trimmed = text.trim().trim_end_matches(',');
    let new_text = if trimmed.is_empty() {
        PLUGIN_ID.to_owned()
    } else {
        format!("{trimmed},{PLUGIN_ID}")
    };
    let (value, keys) = match list {
        Some(l) if l.written() => (Some(l.value), l.keys()),
        _ => (None, vec!["grafana", "env", env_name]),
    };
    ctx.fix_at(
        value,
        format!("add `{PLUGIN_ID}` to the unsigned plugins allowlist"),
        Applicability::Unsafe,
        vec![Op::SetScalar {
            path: path(&keys),
            value: fix::ops::text(new_text),
        }],
    )
}
