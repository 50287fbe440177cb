//! OC054 grafana-setting-unknown: a `grafana.ini` section, a key of a section whose key list
//! is complete, or a `GF_*` variable that the deployed Grafana does not read. Grafana
//! ignores them without a word, so a misspelt setting (`rootUrl`, `GF_PLUGINS_INSTALL`)
//! or a section invented in the values (`grafana.ini.oncall.enabled`) silently does nothing.
//!
//! The catalog is `model::grafana_settings` (Grafana's `conf/defaults.ini`, the variables
//! its image reads). Plugin (`plugin.*`), auth provider (`auth.*`) and Enterprise sections
//! are open; so are the key lists before Grafana 12.0, where no table of that version is
//! embedded. Feature toggle names are OC055's; a key whose value is a map is OC052's.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::chart::show_version as show;
use crate::model::grafana_settings::{SectionKind, Settings, show_minor};
use crate::values::Value;

/// What OC054 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A section Grafana does not have.
    Section {
        /// The section.
        section: String,
        /// The Grafana version.
        grafana: String,
        /// The table judged against.
        table: String,
        /// Whether the version is newer than the table.
        newer: bool,
        /// The known section it most resembles.
        suggestion: Option<String>,
    },
    /// A key its section does not have.
    Key {
        /// The section.
        section: String,
        /// The key.
        key: String,
        /// The Grafana version.
        grafana: String,
        /// The table judged against.
        table: String,
        /// Whether the version is newer than the table.
        newer: bool,
        /// The known key it most resembles.
        suggestion: Option<String>,
    },
    /// A `GF_*` variable Grafana does not read.
    Env {
        /// The variable.
        name: String,
        /// Where it is written (`env`, `envValueFrom`).
        place: String,
        /// The Grafana version.
        grafana: String,
        /// The table judged against.
        table: String,
        /// Whether the version is newer than the table.
        newer: bool,
        /// The known variable it most resembles.
        suggestion: Option<String>,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let grafana = ctx.grafana();
    if !grafana.deployed() {
        return;
    }
    let Some((version, _)) = grafana.version() else {
        return;
    };
    let settings = Settings::of(version);
    let shown = show(version);
    let (table, newer) = settings.table();
    let table = show_minor(table);
    ini(ctx, &settings, &shown, &table, newer, out);
    for place in ["env", "envValueFrom"] {
        let Some(map) = ctx.release.get(&["grafana", place]).and_then(Value::as_map) else {
            continue;
        };
        for (name, value) in map {
            if value.site().is_none() || !name.starts_with("GF_") || settings.reads_env(name) {
                continue;
            }
            let keys = ["grafana", place, name.as_str()];
            let suggestion = best(name, settings.env_names());
            out.emit(
                Message::Env {
                    name: name.clone(),
                    place: place.to_owned(),
                    grafana: shown.clone(),
                    table: table.clone(),
                    newer,
                    suggestion,
                },
                ctx.release.locate(value, &keys, true),
            );
        }
    }
}

/// Judges the sections and keys of `grafana.ini`.
fn ini(
    ctx: &CheckContext<'_>,
    settings: &Settings,
    shown: &str,
    table: &str,
    newer: bool,
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    let Some(ini) = release
        .get(&["grafana", "grafana.ini"])
        .and_then(Value::as_map)
    else {
        return;
    };
    for (section, values) in ini {
        let Some(values) = values.as_map() else {
            // a top-level key: the default section's
            if values.site().is_some() && !settings.has_key("_", section) {
                let keys = ["grafana", "grafana.ini", section.as_str()];
                out.emit(
                    Message::Key {
                        section: "(top level)".into(),
                        key: section.clone(),
                        grafana: shown.to_owned(),
                        table: table.to_owned(),
                        newer,
                        suggestion: best(section, settings.keys("_")),
                    },
                    release.locate(values, &keys, true),
                );
            }
            continue;
        };
        let section_keys = ["grafana", "grafana.ini", section.as_str()];
        match settings.section(section) {
            SectionKind::Open => {}
            SectionKind::Unknown => {
                if !written(values) {
                    continue;
                }
                let Some(value) = release.get(&section_keys) else {
                    continue;
                };
                out.emit(
                    Message::Section {
                        section: section.clone(),
                        grafana: shown.to_owned(),
                        table: table.to_owned(),
                        newer,
                        suggestion: best(section, settings.sections()),
                    },
                    release.locate(value, &section_keys, true),
                );
            }
            SectionKind::Complete => {
                for (key, value) in values {
                    if value.site().is_none()
                        || value.as_map().is_some()
                        || settings.has_key(section, key)
                    {
                        continue;
                    }
                    let keys = ["grafana", "grafana.ini", section.as_str(), key.as_str()];
                    out.emit(
                        Message::Key {
                            section: section.clone(),
                            key: key.clone(),
                            grafana: shown.to_owned(),
                            table: table.to_owned(),
                            newer,
                            suggestion: best(key, settings.keys(section)),
                        },
                        release.locate(value, &keys, true),
                    );
                }
            }
        }
    }
}

/// Whether a user wrote anything in a section (a chart's own section is not judged).
fn written(values: &crate::values::Map) -> bool {
    values.values().any(|v| v.site().is_some())
}

/// The known name `typed` most resembles.
fn best(typed: &str, known: Vec<&str>) -> Option<String> {
    crate::model::grafana_settings::nearest(typed, &known).map(str::to_owned)
}
