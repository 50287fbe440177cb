//! OC040 airgap-plugin-download: in an air-gapped install nothing may make Grafana
//! download plugins at start (`grafana.plugins`, `GF_INSTALL_PLUGINS`, preinstall).

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::Op;
use crate::model::grafana::ini_bool;
use crate::model::plugin::{DOWNLOAD_ENV, grafana_com_host, local_install};
use crate::model::url::split_url;
use crate::values::{Kind, Value};

/// What OC040 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `grafana.plugins` lists plugins by the chart's default.
    PluginsDefault {
        /// The list, as written in the chart's values.
        found: String,
        /// The chart whose default it is.
        chart: String,
    },
    /// `grafana.plugins` lists plugins the user wrote.
    PluginsSet {
        /// The list written.
        found: String,
        /// Every entry is fetched from grafana.com.
        grafana_com: bool,
    },
    /// An environment variable that makes Grafana download plugins at start.
    Env {
        /// The variable's name.
        name: String,
        /// Its value.
        found: String,
    },
    /// A `[plugins] preinstall*` setting that lists plugins to download at start.
    IniPreinstall {
        /// The setting's key (`preinstall`, `preinstall_sync`).
        key: String,
        /// Its value.
        found: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.air_gapped || !ctx.grafana().deployed() {
        return;
    }
    plugins_list(ctx, out);
    let preinstall_disabled = preinstall_disabled(ctx);
    download_env(ctx, preinstall_disabled, out);
    ini_preinstall(ctx, preinstall_disabled, out);
}

/// `grafana.plugins`, when it lists plugins (the user's, or the chart's default).
fn plugins_list(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let plugins_path = ["grafana", "plugins"];
    let Some(plugins) = release.get(&plugins_path).filter(|p| p.is_truthy()) else {
        return;
    };
    let found = plugins.describe();
    // the plugin must then come from elsewhere: a change to review; with nothing else to
    // install it, the empty list alone is OC042's finding (Grafana does not start), so the
    // change is only shown
    let applicability = if local_install(release).is_some() {
        Applicability::Unsafe
    } else {
        Applicability::DisplayOnly
    };
    let fix = ctx.fix_at(
        Some(plugins),
        format!("set `{}: []`", ctx.grafana().key_name("plugins")),
        applicability,
        vec![Op::Replace {
            path: path(&plugins_path),
            value: Value::new(Kind::Seq(Vec::new()), plugins.origin.clone()),
        }],
    );
    match plugins.site() {
        Some(_) => {
            let location = release.locate(plugins, &plugins_path, false);
            let grafana_com = plugins
                .as_seq()
                .unwrap_or_default()
                .iter()
                .filter_map(Value::scalar_string)
                .all(|entry| from_grafana_com(&entry));
            out.emit(Message::PluginsSet { found, grafana_com }, location)
                .with_fix(fix);
        }
        None => {
            let location = release.blame(&plugins_path);
            out.emit(
                Message::PluginsDefault {
                    found,
                    chart: ctx.release.chart_name(),
                },
                location,
            )
            .with_fix(fix);
        }
    }
}

/// The `grafana.env` variables that make Grafana download plugins at start (the preinstall
/// ones only when preinstall is not disabled).
fn download_env(ctx: &CheckContext<'_>, preinstall_disabled: bool, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let Some(env) = release.get(&["grafana", "env"]).and_then(Value::as_map) else {
        return;
    };
    for name in DOWNLOAD_ENV {
        let Some(value) = env.get(name) else {
            continue;
        };
        let text = value.scalar_string().unwrap_or_default();
        if text.trim().is_empty() || (name != "GF_INSTALL_PLUGINS" && preinstall_disabled) {
            continue;
        }
        let location = release.locate(value, &["grafana", "env", name], true);
        let fix = remove(
            ctx,
            value,
            &["grafana", "env", name],
            format!("remove `{name}`"),
        );
        out.emit(
            Message::Env {
                name: name.to_owned(),
                found: text,
            },
            location,
        )
        .with_fix(fix);
    }
}

/// The `[plugins] preinstall*` settings that list plugins, on a Grafana that reads them and
/// with preinstall not disabled.
fn ini_preinstall(
    ctx: &CheckContext<'_>,
    preinstall_disabled: bool,
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    // `[plugins] preinstall*` exist from Grafana 11.5; older versions ignore them
    let preinstall_read = ctx
        .grafana()
        .version()
        .is_some_and(|(v, _)| v >= crate::model::plugin::PREINSTALL_FROM);
    if !preinstall_read || preinstall_disabled {
        return;
    }
    for key in ["preinstall", "preinstall_sync"] {
        let path = ["grafana", "grafana.ini", "plugins", key];
        if let Some(value) = release.get(&path)
            && non_empty(value)
        {
            let location = release.locate(value, &path, false);
            let fix = remove(ctx, value, &path, format!("remove `plugins.{key}`"));
            out.emit(
                Message::IniPreinstall {
                    key: key.to_owned(),
                    found: value.describe(),
                },
                location,
            )
            .with_fix(fix);
        }
    }
}

/// Whether a `grafana.plugins` entry (`id`, `id version`, `url;id`, `id@version@url`) is
/// fetched from grafana.com: a plugin id is, a URL is when its host is grafana.com's.
fn from_grafana_com(entry: &str) -> bool {
    let Some(scheme_end) = entry.find("://") else {
        return true;
    };
    let start = entry[..scheme_end].rfind(['@', ' ']).map_or(0, |i| i + 1);
    let url = entry[start..].split(';').next().unwrap_or_default();
    split_url(url).is_none_or(|(_, host)| grafana_com_host(&host))
}

/// Removing a download setting the user wrote (unsafe: the plugin must come from elsewhere).
fn remove(ctx: &CheckContext<'_>, value: &Value, keys: &[&str], title: String) -> Option<Fix> {
    value.site()?;
    ctx.fix_at(
        Some(value),
        title,
        Applicability::Unsafe,
        vec![Op::Remove { path: path(keys) }],
    )
}

fn non_empty(value: &Value) -> bool {
    match &value.kind {
        Kind::Str(s) => !s.trim().is_empty(),
        _ => value.is_truthy(),
    }
}

/// `[plugins] preinstall_disabled = true`, as Grafana reads it (`MustBool`).
fn preinstall_disabled(ctx: &CheckContext<'_>) -> bool {
    ctx.grafana()
        .setting("plugins", "preinstall_disabled")
        .is_some_and(|s| ini_bool(&s.text()) == Some(true))
}

#[cfg(test)]
mod tests {
    use super::from_grafana_com;

    #[test]
    fn plugin_entries_name_their_source() {
        assert!(from_grafana_com("grafana-oncall-app"));
        assert!(from_grafana_com("grafana-oncall-app 1.16.9"));
        assert!(from_grafana_com(
            "https://grafana.com/api/plugins/grafana-oncall-app/versions/1.16.9/download;grafana-oncall-app"
        ));
        assert!(!from_grafana_com(
            "https://nexus.corp.example/grafana/oncall-1.16.9.zip;grafana-oncall-app"
        ));
        assert!(!from_grafana_com(
            "grafana-oncall-app@1.16.9@https://nexus.corp.example/oncall.zip"
        ));
    }
}
