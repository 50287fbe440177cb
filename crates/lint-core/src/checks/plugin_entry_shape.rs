//! OC037 plugin-entry-shape: a plugin to install is written in the grammar of the list that
//! holds it, and the grafana chart changed that grammar. Up to chart 11.1.0 `plugins` is
//! joined into `GF_INSTALL_PLUGINS` (`id`, `id version`, `url;id`, split on commas); from
//! grafana-community chart 11.1.1 into `GF_PLUGINS_PREINSTALL_SYNC`, whose entries are
//! `id[@version[@url]]` split on commas and white space. An entry in the other grammar names
//! a plugin that does not exist (or the plugin without its version), and a failed install
//! stops Grafana. A map or list item prints as `map[...]`, which names no plugin at all.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::chart::Version;
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::grafana::Grafana;
use crate::model::plugin::{
    self, Grammar, Misfit, MisfitKind, PLUGIN_ID, PREINSTALL_FROM, chart_grammar,
    install_misfits, preinstall_misfits, text_location,
};
use crate::path::{KeyPath, Seg};
use crate::values::{Kind, Value};

/// What OC037 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A `grafana.plugins` item is a map.
    Map {
        /// The item's key path.
        path: String,
        /// The variable the chart joins `plugins` into.
        list: String,
        /// How the grafana chart's `join` prints the item.
        rendered: String,
        /// Whether the map names the OnCall plugin.
        oncall: bool,
        /// The item as a plugin string, when it can be written as one.
        suggested: Option<String>,
        /// The forms an entry of that variable takes.
        forms: String,
    },
    /// A `grafana.plugins` item is a list.
    Other {
        /// The item's key path.
        path: String,
        /// The value written.
        found: String,
        /// The forms an entry of the variable takes.
        forms: String,
    },
    /// `id version` in a list Grafana splits on white space.
    SpaceVersion {
        /// The entry as written.
        entry: String,
        /// The key path of the string that holds it.
        path: String,
        /// The list Grafana reads (a variable or a `grafana.ini` key), in backticks.
        list: String,
        /// The grafana chart that writes `plugins` into that list (empty for a value the
        /// user sets directly).
        chart: String,
        /// The plugin id.
        id: String,
        /// The version, which Grafana takes for a second plugin id.
        version: String,
        /// A failed install stops Grafana's start.
        sync: bool,
        /// The entry in the list's grammar.
        suggested: String,
    },
    /// `url;id` in a preinstall list.
    UrlSemicolon {
        /// The entry as written.
        entry: String,
        /// The key path of the string that holds it.
        path: String,
        /// The list Grafana reads, in backticks.
        list: String,
        /// The grafana chart that writes `plugins` into that list (or empty).
        chart: String,
        /// A failed install stops Grafana's start.
        sync: bool,
        /// The entry in the list's grammar.
        suggested: String,
    },
    /// `id@version[@url]` in `GF_INSTALL_PLUGINS`.
    AtVersion {
        /// The entry as written.
        entry: String,
        /// The key path of the string that holds it.
        path: String,
        /// The list Grafana reads, in backticks.
        list: String,
        /// The grafana chart that writes `plugins` into that list (or empty).
        chart: String,
        /// The entry in the list's grammar.
        suggested: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    plugins_items(ctx, out);
    env_and_ini(ctx, out);
}

/// The items of `grafana.plugins`, in the grammar of the chart version in use.
fn plugins_items(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let Some(items) = release.get(&["grafana", "plugins"]).and_then(Value::as_seq) else {
        return;
    };
    let grammar = chart_grammar(release);
    let list = format!("`{}`", plugin::chart_variable(release));
    let chart = format!("grafana chart {}", release.grafana_chart());
    for (index, item) in items.iter().enumerate() {
        if item.site().is_none() {
            continue;
        }
        let key_path = release.key_path(&["grafana", "plugins"]).index(index);
        let mut fix_path = path(&["grafana", "plugins"]);
        fix_path.push(Seg::Index(index));
        match &item.kind {
            Kind::Map(map) => {
                let mut location = release.locate(item, &["grafana", "plugins"], false);
                location.key_path = key_path.clone();
                let suggested = suggested(map, grammar);
                let oncall = map.values().any(|v| v.as_str() == Some(PLUGIN_ID));
                let fix = suggested.as_ref().and_then(|text| {
                    ctx.fix_at(
                        Some(item),
                        format!("write the plugin as `{text}`"),
                        Applicability::Safe,
                        vec![Op::Replace {
                            path: fix_path.clone(),
                            value: fix::ops::text(text.clone()),
                        }],
                    )
                });
                let message = Message::Map {
                    path: key_path.to_string(),
                    list: list.clone(),
                    rendered: go_print(item),
                    oncall,
                    suggested,
                    forms: forms(grammar).into(),
                };
                out.emit(message, location).with_fix(fix);
            }
            Kind::Seq(_) => {
                let mut location = release.locate(item, &["grafana", "plugins"], false);
                location.key_path = key_path.clone();
                let message = Message::Other {
                    path: key_path.to_string(),
                    found: item.describe(),
                    forms: forms(grammar).into(),
                };
                out.emit(message, location);
            }
            Kind::Str(text) => {
                let held = Held {
                    value: item,
                    keys: &["grafana", "plugins"],
                    key_path,
                    fix_path,
                    list: list.clone(),
                    chart: chart.clone(),
                    sync: grammar == Grammar::Preinstall,
                };
                misfits(ctx, &held, text, grammar, out);
            }
            _ => {}
        }
    }
}

/// The install lists the user writes directly: `GF_INSTALL_PLUGINS` in `grafana.env`, and on
/// a Grafana that reads them (11.5 and later, or a tag that is not a version) the preinstall
/// variables and `grafana.ini` keys.
fn env_and_ini(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let grafana = Grafana::of(release);
    let preinstall = grafana
        .version()
        .is_none_or(|(version, _): (Version, _)| version >= PREINSTALL_FROM);
    let lists: [(&[&str], Grammar, bool, bool); 5] = [
        (&["env", "GF_INSTALL_PLUGINS"], Grammar::Install, false, true),
        (&["env", "GF_PLUGINS_PREINSTALL"], Grammar::Preinstall, false, false),
        (&["env", "GF_PLUGINS_PREINSTALL_SYNC"], Grammar::Preinstall, true, false),
        (&["grafana.ini", "plugins", "preinstall"], Grammar::Preinstall, false, false),
        (&["grafana.ini", "plugins", "preinstall_sync"], Grammar::Preinstall, true, false),
    ];
    for (rest, grammar, sync, always) in lists {
        if !always && !preinstall {
            continue;
        }
        let mut keys = vec!["grafana"];
        keys.extend_from_slice(rest);
        let Some(value) = release.get(&keys) else {
            continue;
        };
        let Some(text) = value.as_str().filter(|t| !t.contains("{{")) else {
            continue;
        };
        if value.site().is_none() {
            continue;
        }
        let list = match rest {
            ["env", name] => format!("`{name}`"),
            _ => format!("`{}`", rest[1..].join(".")),
        };
        let held = Held {
            value,
            keys: &keys,
            key_path: release.key_path(&keys),
            fix_path: path(&keys),
            list,
            chart: String::new(),
            sync,
        };
        misfits(ctx, &held, text, grammar, out);
    }
}

/// A string that holds a list of plugins, and what messages say about it.
struct Held<'v, 'k> {
    /// The string.
    value: &'v Value,
    /// Its release path (the list's, for a `grafana.plugins` item).
    keys: &'k [&'k str],
    /// Its display key path.
    key_path: KeyPath,
    /// Its chart-relative path, for fixes.
    fix_path: Vec<Seg>,
    /// The list Grafana reads, in backticks.
    list: String,
    /// The grafana chart that writes it, or empty.
    chart: String,
    /// A failed install stops Grafana's start.
    sync: bool,
}

/// Reports each entry of `text` written in the other grammar than `grammar`, with the
/// entry rewritten as the fix.
fn misfits(
    ctx: &CheckContext<'_>,
    held: &Held<'_, '_>,
    text: &str,
    grammar: Grammar,
    out: &mut Emitter<'_, Message>,
) {
    let found = match grammar {
        Grammar::Install => install_misfits(text),
        Grammar::Preinstall => preinstall_misfits(text),
    };
    for misfit in found {
        let location = text_location(
            ctx.release,
            held.value,
            held.keys,
            held.key_path.clone(),
            text,
            misfit.span.clone(),
        );
        // the same id, version and URL, in the grammar Grafana reads here; but where the
        // version written is one the plugin cannot run, writing it right installs that
        // version instead of nothing, which the user decides
        let activated = activated_version(&misfit.fixed, grammar);
        let (title, applicability) = match activated.filter(|v| too_old(v)) {
            Some(version) => (
                format!(
                    "write `{}`: Grafana then installs the plugin's {version}, which cannot connect to OnCall (pin {} or later)",
                    misfit.fixed,
                    plugin::show_min_version()
                ),
                Applicability::Unsafe,
            ),
            None => (format!("write `{}`", misfit.fixed), Applicability::Safe),
        };
        let fix = ctx.fix_at(
            Some(held.value),
            title,
            applicability,
            vec![Op::SetScalar {
                path: held.fix_path.clone(),
                value: fix::ops::text(misfit.apply(text)),
            }],
        );
        out.emit(message(held, text, &misfit), location)
            .with_fix(fix);
    }
}

/// The version an entry written in `grammar` pins (`1.9.20` of `grafana-oncall-app 1.9.20`).
fn activated_version(entry: &str, grammar: Grammar) -> Option<String> {
    let parsed = match grammar {
        Grammar::Install => plugin::install_entries(entry),
        Grammar::Preinstall => plugin::preinstall_entries(entry),
    };
    let range = parsed.into_iter().next()?.version?;
    entry.get(range).map(str::to_owned)
}

/// Whether `version` is before the first plugin version that connects to OnCall
/// ([`plugin::MIN_VERSION`]).
fn too_old(version: &str) -> bool {
    crate::chart::parse_version(version).is_some_and(|v| v < plugin::MIN_VERSION)
}

/// The message for one misfit.
fn message(held: &Held<'_, '_>, text: &str, misfit: &Misfit) -> Message {
    let entry = text[misfit.span.clone()].to_owned();
    let path = held.key_path.to_string();
    let list = held.list.clone();
    let chart = held.chart.clone();
    let suggested = misfit.fixed.clone();
    match misfit.kind {
        MisfitKind::SpaceVersion => {
            let version = entry
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            Message::SpaceVersion {
                entry,
                path,
                list,
                chart,
                id: misfit.id.clone(),
                version,
                sync: held.sync,
                suggested,
            }
        }
        MisfitKind::UrlSemicolon => Message::UrlSemicolon {
            entry,
            path,
            list,
            chart,
            sync: held.sync,
            suggested,
        },
        MisfitKind::AtVersion => Message::AtVersion {
            entry,
            path,
            list,
            chart,
            suggested,
        },
    }
}

/// The forms an entry takes in `grammar`, as messages list them.
fn forms(grammar: Grammar) -> &'static str {
    match grammar {
        Grammar::Install => "`id`, `id version` or `url;id`",
        Grammar::Preinstall => "`id`, `id@version` or `id@version@url`",
    }
}

/// The string form of a `{name|id, version?, url?}` map in `grammar`, when it holds nothing
/// else.
fn suggested(map: &crate::values::Map, grammar: Grammar) -> Option<String> {
    let text = |key: &str| map.get(key).and_then(Value::scalar_string);
    let id = text("name").or_else(|| text("id"))?;
    let known = ["name", "id", "version", "url"];
    if map.keys().any(|k| !known.contains(&k.as_str()))
        || (map.contains_key("name") && map.contains_key("id"))
        || id.trim().is_empty()
        || id.contains([' ', ',', ';', '@'])
    {
        return None;
    }
    let (url, version) = (text("url"), text("version"));
    Some(match grammar {
        Grammar::Install => match (url, version) {
            (Some(url), _) => format!("{url};{id}"),
            (None, Some(version)) => format!("{id} {version}"),
            (None, None) => id,
        },
        Grammar::Preinstall => match (url, version) {
            (Some(url), version) => format!("{id}@{}@{url}", version.unwrap_or_default()),
            (None, Some(version)) => format!("{id}@{version}"),
            (None, None) => id,
        },
    })
}

/// How Go's `fmt` prints a value inside `join`: maps as `map[k:v ...]` with sorted keys,
/// lists as `[a b]`.
fn go_print(value: &Value) -> String {
    match &value.kind {
        Kind::Map(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .filter_map(|k| map.get(k.as_str()).map(|v| format!("{k}:{}", go_print(v))))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        Kind::Seq(items) => {
            let parts: Vec<String> = items.iter().map(go_print).collect();
            format!("[{}]", parts.join(" "))
        }
        Kind::Null => "<nil>".into(),
        _ => value.scalar_string().unwrap_or_default(),
    }
}
