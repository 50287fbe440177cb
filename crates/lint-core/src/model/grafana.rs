//! The Grafana a release deploys: whether there is one, which version runs, and its
//! settings as Grafana itself reads them, where an env variable in `grafana.env`
//! (`GF_<SECTION>_<KEY>`) overrides the `grafana.ini` key.
//!
//! The grafana chart's values sit under `grafana` in every release: the oncall chart's
//! bundled subchart, or the grafana chart's own values mounted there.

use crate::chart::{Version, parse_version};
use crate::release::{InputKind, Release};
use crate::values::Value;

/// The feature toggle the OnCall plugin needs for its service account (Grafana 10.3 and
/// later).
pub(crate) const EXTERNAL_SERVICE_ACCOUNTS: &str = "externalServiceAccounts";

/// The plugins path Grafana uses when nothing changes it.
pub(crate) const DEFAULT_PLUGINS_PATH: &str = "/var/lib/grafana/plugins";

/// The Grafana of a release.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grafana<'r> {
    release: &'r Release,
}

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SettingSource {
    /// `grafana.env.GF_<SECTION>_<KEY>`.
    Env,
    /// `grafana."grafana.ini".<section>.<key>`.
    Ini,
}

/// A Grafana setting as Grafana reads it.
#[derive(Debug, Clone)]
pub(crate) struct Setting<'r> {
    /// The value that decides it.
    pub value: &'r Value,
    /// Which key holds it.
    pub source: SettingSource,
    /// The release path of that key (`grafana`, `env`, `GF_PLUGINS_X`).
    pub path: Vec<String>,
    /// How messages name it: `` `GF_PLUGINS_X` `` or `` `plugins.x` ``.
    pub name: String,
}

impl Setting<'_> {
    /// The release path as keys.
    pub(crate) fn keys(&self) -> Vec<&str> {
        self.path.iter().map(String::as_str).collect()
    }

    /// The value as text (empty when it is not a scalar).
    pub(crate) fn text(&self) -> String {
        self.value.scalar_string().unwrap_or_default()
    }

    /// Whether a user wrote it (not a chart default).
    pub(crate) fn written(&self) -> bool {
        self.value.site().is_some()
    }
}

/// Where Grafana runs compared with the OnCall release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// In OnCall's namespace (given, or the bundled Grafana without a namespace override).
    Same,
    /// Elsewhere, both namespaces known.
    Other {
        /// OnCall's namespace.
        namespace: String,
        /// Grafana's namespace.
        grafana: String,
    },
    /// Not known; the text says what is assumed.
    Unknown(String),
    /// Nothing to say (not the oncall chart's values, and no namespaces given).
    Silent,
}

impl<'r> Grafana<'r> {
    /// The Grafana of `release`.
    pub(crate) fn of(release: &'r Release) -> Self {
        Grafana { release }
    }

    /// Whether the oncall chart's bundled Grafana is deployed (`grafana.enabled` is truthy,
    /// as Helm's template `if` sees it).
    pub(crate) fn bundled(&self) -> bool {
        self.release.kind == InputKind::OncallValues
            && self
                .release
                .get(&["grafana", "enabled"])
                .is_none_or(Value::is_truthy)
    }

    /// Whether these values deploy a Grafana the Grafana-side rules judge: the oncall
    /// chart's bundled one, or the grafana chart's own.
    pub(crate) fn deployed(&self) -> bool {
        self.release.kind == InputKind::GrafanaValues || self.bundled()
    }

    /// The Grafana version that runs, and the user's `grafana.image.tag` when it decides
    /// it: the tag, else the grafana chart's appVersion. `None` when the tag is set but is
    /// not a version (`latest`, `main`): unknown.
    pub(crate) fn version(&self) -> Option<(Version, Option<&'r Value>)> {
        match self
            .release
            .get(&["grafana", "image", "tag"])
            .filter(|t| t.is_truthy())
        {
            Some(tag) => {
                let text = tag.scalar_string()?;
                if !text
                    .trim()
                    .trim_start_matches(['v', 'V'])
                    .starts_with(|c: char| c.is_ascii_digit())
                {
                    return None;
                }
                parse_version(&text).map(|v| (v, Some(tag)))
            }
            None => parse_version(self.release.grafana_app_version()).map(|v| (v, None)),
        }
    }

    /// [`Grafana::version`] when these values deploy a Grafana that runs `min` or later:
    /// the gate of the rules about settings newer Grafanas need.
    pub(crate) fn version_from(&self, min: Version) -> Option<(Version, Option<&'r Value>)> {
        if !self.deployed() {
            return None;
        }
        self.version().filter(|(version, _)| *version >= min)
    }

    /// A setting as Grafana reads it: `GF_<SECTION>_<KEY>` when it is set and not empty and
    /// applies (see [`env_overrides`]), else the `grafana.ini` key (not `null`). A value
    /// from `grafana.envValueFrom` is not known here: see [`Grafana::env_from_secret`].
    pub(crate) fn setting(&self, section: &str, key: &str) -> Option<Setting<'r>> {
        let release = self.release;
        let env_name = env_key(section, key);
        let ini_path = ["grafana", "grafana.ini", section, key];
        let ini = release.get(&ini_path).filter(|v| !v.is_null());
        let env_path = ["grafana", "env", env_name.as_str()];
        let env = release
            .get(&env_path)
            .filter(|v| v.scalar_string().is_some_and(|s| !s.is_empty()))
            .filter(|_| env_overrides(section, key) || ini.is_some());
        let owned = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect();
        if let Some(value) = env {
            return Some(Setting {
                value,
                source: SettingSource::Env,
                path: owned(&env_path),
                name: format!("`{env_name}`"),
            });
        }
        ini.map(|value| Setting {
            value,
            source: SettingSource::Ini,
            path: owned(&ini_path),
            name: format!("`{section}.{key}`"),
        })
    }

    /// The `grafana.envValueFrom` entry that sets `GF_<SECTION>_<KEY>` from a Secret or a
    /// ConfigMap: its value is not in the values.
    pub(crate) fn env_from_secret(&self, section: &str, key: &str) -> Option<&'r Value> {
        self.release
            .get(&["grafana", "envValueFrom", &env_key(section, key)])
            .filter(|v| !v.is_null())
    }

    /// A key path of the grafana chart's values as messages name it (relative to the
    /// values root): `grafana.plugins` in the oncall chart's values, `plugins` in the
    /// grafana chart's own.
    pub(crate) fn key_name(&self, rest: &str) -> String {
        match self.release.in_file(&["grafana"]) {
            [] => rest.to_owned(),
            keys => format!("{}.{rest}", crate::path::KeyPath::of(keys)),
        }
    }

    /// Where Grafana runs: both namespaces given, else the bundled Grafana's (the release's,
    /// or `grafana.namespaceOverride`), else unknown.
    pub(crate) fn place(&self) -> Place {
        let identity = &self.release.identity;
        let namespace = identity.namespace.clone();
        if let (Some(ns), Some(gns)) = (&namespace, &identity.grafana_namespace) {
            return if ns == gns {
                Place::Same
            } else {
                Place::Other {
                    namespace: ns.clone(),
                    grafana: gns.clone(),
                }
            };
        }
        if self.release.kind != InputKind::OncallValues {
            return Place::Silent;
        }
        if self.bundled() {
            let override_ns = self
                .release
                .get(&["grafana", "namespaceOverride"])
                .and_then(Value::scalar_string)
                .filter(|s| !s.trim().is_empty());
            return match (override_ns, namespace) {
                (None, _) => Place::Same,
                (Some(gns), Some(ns)) if gns == ns => Place::Same,
                (Some(gns), Some(ns)) => Place::Other {
                    namespace: ns,
                    grafana: gns,
                },
                (Some(gns), None) => Place::Unknown(format!(
                    "`grafana.namespaceOverride` runs the bundled Grafana in `{gns}`"
                )),
            };
        }
        Place::Unknown("`grafana.enabled` is false: Grafana is external".into())
    }

    /// The bundled Grafana's Service when its name is known: `grafana.fullname` of the
    /// grafana chart (`grafana.fullnameOverride`, else from the release name).
    pub(crate) fn service(&self) -> Option<String> {
        if !self.bundled() {
            return None;
        }
        let full = self
            .release
            .get(&["grafana", "fullnameOverride"])
            .filter(|v| !v.is_null())
            .and_then(Value::scalar_string)
            .filter(|s| !s.trim().is_empty());
        let name = super::names::grafana_chart_name(self.release);
        match (full, self.release.identity.name.as_deref()) {
            (Some(full), _) => Some(super::names::fullname("", &name, Some(&full))),
            (None, Some(release)) => Some(super::names::fullname(release, &name, None)),
            (None, None) => None,
        }
    }

    /// Grafana's plugins path: `GF_PATHS_PLUGINS`, else `grafana.ini` `paths.plugins`.
    pub(crate) fn plugins_path(&self) -> String {
        let release = self.release;
        release
            .get(&["grafana", "env", &env_key("paths", "plugins")])
            .filter(|v| v.is_truthy())
            .or_else(|| release.get(&["grafana", "grafana.ini", "paths", "plugins"]))
            .and_then(Value::scalar_string)
            .map(|p| p.trim().trim_end_matches('/').to_owned())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| DEFAULT_PLUGINS_PATH.to_owned())
    }
}

/// Whether `GF_<SECTION>_<KEY>` overrides a setting the ini files lack. Grafana applies env
/// overrides to the keys its `defaults.ini` or your `grafana.ini` has
/// (`setting.go`, `applyEnvVariableOverrides`); `defaults.ini` has every setting but the
/// per-toggle `[feature_toggles]` keys.
pub(crate) fn env_overrides(section: &str, key: &str) -> bool {
    section != "feature_toggles" || key == "enable"
}

/// `[section] key` as Grafana's env override names it (`GF_<SECTION>_<KEY>`, upper case,
/// dots and dashes as underscores).
pub(crate) fn env_key(section: &str, key: &str) -> String {
    let up = |s: &str| s.replace(['.', '-'], "_").to_uppercase();
    format!("GF_{}_{}", up(section), up(key))
}

/// go-ini's `parseBool`, which `Key.MustBool` uses for most Grafana settings.
pub(crate) fn ini_bool(text: &str) -> Option<bool> {
    match text.trim() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" | "YES" | "yes" | "Yes" | "y" | "ON" | "on"
        | "On" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" | "NO" | "no" | "No" | "n" | "OFF"
        | "off" | "Off" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseBool`, which Grafana uses for per-toggle feature keys.
pub(crate) fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Grafana's `util.SplitString`: commas and white space separate entries.
pub(crate) fn split_list(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Grafana's `util.SplitString` with where each entry is written: the byte range of each
/// entry in `text`, quotes trimmed. A text starting with `[` is a JSON list of strings
/// (anything else there gives no entries, as Grafana silently reads `[]`); a JSON string
/// with escapes is left out, as no range of `text` holds it verbatim. Otherwise an entry is
/// a quoted run (`"a b"`) or a run of characters that are neither commas nor white space.
pub(crate) fn split_list_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    if text.trim_start().starts_with('[') {
        return json_list_ranges(text);
    }
    let bytes = text.as_bytes();
    let separator = |b: u8| b == b',' || b.is_ascii_whitespace();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if separator(bytes[at]) {
            at += 1;
            continue;
        }
        // `"[^"]+"` first, then `[^,\s]+`, as Grafana's pattern tries them
        let quoted = (bytes[at] == b'"')
            .then(|| text[at + 1..].find('"'))
            .flatten()
            .filter(|len| *len > 0);
        let (mut start, mut end) = match quoted {
            Some(len) => (at, at + len + 2),
            None => {
                let len = bytes[at..]
                    .iter()
                    .position(|b| separator(*b))
                    .unwrap_or(bytes.len() - at);
                (at, at + len)
            }
        };
        at = end;
        while start < end && bytes[start] == b'"' {
            start += 1;
        }
        while end > start && bytes[end - 1] == b'"' {
            end -= 1;
        }
        if start < end {
            out.push(start..end);
        }
    }
    out
}

/// The ranges of the strings of a JSON list written in `text` (see [`split_list_ranges`]).
fn json_list_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let Ok(items) = serde_json::from_str::<Vec<String>>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = 0;
    for item in items {
        // the next string literal: from its opening quote to the first unescaped quote
        let Some(open) = text.get(at..).and_then(|t| t.find('"')).map(|i| at + i) else {
            break;
        };
        let mut close = open + 1;
        while let Some(i) = text.get(close..).and_then(|t| t.find(['"', '\\'])) {
            close += i;
            if text.as_bytes().get(close) == Some(&b'"') {
                break;
            }
            close += 2;
        }
        if text.get(open + 1..close) == Some(item.as_str()) {
            out.push(open + 1..close);
        }
        at = close + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grafana_splits_lists_with_where_each_entry_is() {
        let split = |text: &'static str| -> Vec<&'static str> {
            split_list_ranges(text)
                .into_iter()
                .map(|r| &text[r])
                .collect()
        };
        assert_eq!(
            split("grafana-oncall-app@1.16.9, other-app\tthird"),
            ["grafana-oncall-app@1.16.9", "other-app", "third"]
        );
        // a space separates: `id version` is two entries
        assert_eq!(
            split("grafana-oncall-app 1.16.9"),
            ["grafana-oncall-app", "1.16.9"]
        );
        assert_eq!(split("\"a b\",c"), ["a b", "c"]);
        assert_eq!(split("\"\"x\""), ["x"]);
        assert_eq!(
            split(r#" ["grafana-oncall-app@1.9.0", "b\"c", "d"]"#),
            ["grafana-oncall-app@1.9.0", "d"]
        );
        assert_eq!(split("[not json"), Vec::<&str>::new());
        assert_eq!(split(" ,, "), Vec::<&str>::new());
    }

    #[test]
    fn grafana_names_env_overrides() {
        assert_eq!(
            env_key("auth", "managed_service_accounts_enabled"),
            "GF_AUTH_MANAGED_SERVICE_ACCOUNTS_ENABLED"
        );
        assert_eq!(
            env_key("auth.generic_oauth", "client-id"),
            "GF_AUTH_GENERIC_OAUTH_CLIENT_ID"
        );
        assert!(env_overrides("auth", "managed_service_accounts_enabled"));
        assert!(env_overrides("feature_toggles", "enable"));
        assert!(!env_overrides("feature_toggles", "accessControlOnCall"));
    }
}
