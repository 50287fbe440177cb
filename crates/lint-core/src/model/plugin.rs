//! The OnCall plugin as the values install it: its id, every form of a `grafana.plugins`
//! entry the grafana charts accept, the version it pins, and where else it may come from
//! (an init container, a custom image, a volume at the plugins path).
//!
//! The forms of an entry:
//!
//! - `grafana-oncall-app`: the latest version on grafana.com (unpinned);
//! - `grafana-oncall-app 1.16.9`: `grafana cli plugins install <id> <version>`;
//! - `https://…/versions/1.16.9/download;grafana-oncall-app`: a URL, then the id;
//! - `grafana-oncall-app@1.16.9@https://…`: the preinstall form of the grafana-community
//!   chart 11.1.1 and later (version and URL optional);
//!
//! The chart writes `grafana.plugins` into `GF_INSTALL_PLUGINS`, which `grafana.env` may set
//! instead, and Grafana 11.5 and later also read the `[plugins] preinstall` lists
//! (`GF_PLUGINS_PREINSTALL`, `GF_PLUGINS_PREINSTALL_SYNC`, entries `id[@version[@url]]`).
//! [`entry`] reads them all in the order Grafana lets them win, so the version rules judge
//! the version Grafana installs, wherever it is written.
//!
//! When none of them names the plugin, an init container under
//! `grafana.extraInitContainers` that pulls an artifact named `grafana-oncall-app` (its tag,
//! a `/versions/<v>/download` URL or a `grafana-oncall-app-<v>.zip` file name).

use std::ops::Range;

use super::grafana::{Grafana, ini_bool, split_list_ranges};
use super::url::split_url;
use crate::chart::{Version, parse_version, show_version};
use crate::diagnostic::Location;
use crate::path::{KeyPath, Seg};
use crate::release::Release;
use crate::values::{Kind, Value};

/// The plugin's id.
pub(crate) const PLUGIN_ID: &str = "grafana-oncall-app";

/// The organisation id self-hosted OnCall hardcodes (`SELF_HOSTED_SETTINGS["ORG_ID"]`): the
/// plugin's provisioning must say `orgId: 100`.
pub(crate) const ORG_ID: i64 = 100;

/// The grafana.com download URL of a plugin version.
pub(crate) fn grafana_com_url(version: &str) -> String {
    format!("https://grafana.com/api/plugins/{PLUGIN_ID}/versions/{version}/download")
}

/// How the plugin entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// `grafana-oncall-app`: the latest from grafana.com.
    Id,
    /// `grafana-oncall-app 1.16.9`.
    IdVersion,
    /// `<url>;grafana-oncall-app`.
    Url,
    /// `grafana-oncall-app@<version>@<url>`.
    Preinstall,
    /// An init container's artifact.
    InitContainer,
}

/// Which grammar the string holding the entry is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    /// `GF_INSTALL_PLUGINS` (from `grafana.plugins` or `grafana.env`): comma-separated
    /// `id`, `id version`, `url;id`.
    Install,
    /// A `[plugins] preinstall` list: `id[@version[@url]]`, separated by commas or spaces.
    Preinstall,
    /// An init container's string (an image, a script).
    Container,
}

/// The OnCall plugin as the values install it.
#[derive(Debug, Clone)]
pub(crate) struct PluginEntry<'a> {
    /// How it is written.
    pub form: Form,
    /// The grammar of the string that holds it.
    pub list: List,
    /// The string that holds it (a `grafana.plugins` item, an env variable, a `grafana.ini`
    /// key, or a string of an init container).
    pub value: &'a Value,
    /// The release path of the key that holds it (the list, for a `grafana.plugins` item),
    /// where a finding points when the string was not written in a file.
    pub keys: Vec<String>,
    /// Its display key path.
    pub key_path: KeyPath,
    /// The chart-relative path of the string, for fixes (not inside an init container).
    pub fix_path: Option<Vec<Seg>>,
    /// The string's text.
    pub text: String,
    /// Byte range in `text` of the plugin's own entry (the string may list other plugins).
    pub entry_range: Range<usize>,
    /// Byte range of the version in `text`, when the entry pins one.
    pub version_range: Option<Range<usize>>,
    /// Whether the plugin is downloaded from grafana.com (an id, or a grafana.com URL).
    pub grafana_com: bool,
}

impl PluginEntry<'_> {
    /// The version as written (`v1.10.2`, `1.16.9`), when pinned.
    pub(crate) fn version(&self) -> Option<&str> {
        self.version_range.clone().map(|r| &self.text[r])
    }

    /// The pinned version, parsed.
    pub(crate) fn parsed(&self) -> Option<Version> {
        self.version().and_then(parse_version)
    }

    /// The text with the version replaced by `version` (pinned entries only).
    pub(crate) fn with_version(&self, version: &str) -> Option<String> {
        let range = self.version_range.clone()?;
        Some(format!(
            "{}{version}{}",
            &self.text[..range.start],
            &self.text[range.end..]
        ))
    }

    /// How messages name the key that holds it, in backticks: `` `grafana.plugins` ``,
    /// `` `GF_INSTALL_PLUGINS` ``, `` `plugins.preinstall_sync` ``, or the init containers'.
    pub(crate) fn holder(&self, release: &Release) -> String {
        let keys: Vec<&str> = self.keys.iter().map(String::as_str).collect();
        match keys.as_slice() {
            ["grafana", "env", name] => format!("`{name}`"),
            ["grafana", "grafana.ini", rest @ ..] => format!("`{}`", rest.join(".")),
            [_, rest @ ..] => format!("`{}`", Grafana::of(release).key_name(&rest.join("."))),
            [] => String::new(),
        }
    }

    /// The plugin's own entry as written (the string may list other plugins).
    pub(crate) fn entry_text(&self) -> &str {
        self.text
            .get(self.entry_range.clone())
            .unwrap_or(&self.text)
    }

    /// Where to report it: the version itself (or the plugin's entry, when it pins none)
    /// when the string is written plainly on one line, else the whole string.
    pub(crate) fn location(&self, release: &Release) -> Location {
        let keys: Vec<&str> = self.keys.iter().map(String::as_str).collect();
        let range = self.version_range.as_ref().unwrap_or(&self.entry_range);
        text_location(
            release,
            self.value,
            &keys,
            self.key_path.clone(),
            &self.text,
            range.clone(),
        )
    }
}

/// The first plugin version the maintainers recommend.
pub(crate) const MIN_VERSION: Version = (1, 9, 22);

/// [`MIN_VERSION`] as text (`1.9.22`).
pub(crate) fn show_min_version() -> String {
    let (major, minor, patch) = MIN_VERSION;
    format!("{major}.{minor}.{patch}")
}

/// Whether a plugin pinned to `plugin` is older than the maintainers support with an
/// engine of `engine`: before 1.9.22 and on the new initialization (plugin 1.9.0 or
/// later, or an engine that expects it).
pub(crate) fn below_minimum(plugin: Version, engine: Option<Version>) -> bool {
    plugin < MIN_VERSION && (plugin >= (1, 9, 0) || engine.is_some_and(|e| e >= (1, 9, 0)))
}

/// The OnCall plugin entry that decides which version Grafana installs, if the values say:
/// the first of
///
/// 1. a `[plugins] preinstall_sync` entry, on a Grafana that reads the preinstall lists:
///    `GF_PLUGINS_PREINSTALL_SYNC` in `grafana.env`, else in `grafana.envValueFrom`
///    (unknown), else, on a grafana chart that writes `plugins` into that variable (11.1.1
///    and later, [`chart_grammar`]), `grafana.plugins`, else the `grafana.ini` key. Grafana
///    moves `GF_INSTALL_PLUGINS` into the sync list, and an entry already there wins;
/// 2. `GF_INSTALL_PLUGINS`: `grafana.env`, else `grafana.envValueFrom`, else, on a grafana
///    chart up to 11.1.0, the chart's variable from `grafana.plugins`. The chart writes them
///    in the Grafana container's env in that order, last first, and the last entry of a
///    name wins (kubelet); a variable the user sets hides `grafana.plugins` whole, even when
///    it does not name the plugin;
/// 3. a `[plugins] preinstall` entry (asynchronous: the sync list wins over it);
/// 4. an init container's artifact.
///
/// Each list is read with its own grammar ([`install_entries`], [`preinstall_entries`]):
/// `grafana-oncall-app@1.16.9` in `GF_INSTALL_PLUGINS` and `grafana-oncall-app 1.16.9` in a
/// preinstall list do not pin a version (OC037 reports them).
///
/// `None` when the deciding variable cannot be read here (from a Secret or a ConfigMap
/// through `grafana.envValueFrom`, a template, not a string): nothing is said about it.
/// `envFromSecret(s)` and `envFromConfigMaps` lose to every `env` entry, so they matter only
/// when nothing above is set, and are not read.
pub(crate) fn entry(release: &Release) -> Option<PluginEntry<'_>> {
    let preinstall = reads_preinstall(release);
    let sync_chart = chart_grammar(release) == Grammar::Preinstall;
    if preinstall {
        match preinstall_sync_entry(release, sync_chart) {
            Read::Found(found) => return Some(found),
            Read::Unknown => return None,
            Read::Hides | Read::Absent => {}
        }
    }
    let hidden = match install_env_entry(release) {
        Read::Found(found) => return Some(found),
        Read::Unknown => return None,
        Read::Hides => true,
        Read::Absent => false,
    };
    if !hidden
        && !sync_chart
        && let Some(found) = plugins_entry(release, Grammar::Install)
    {
        return Some(found);
    }
    if preinstall {
        match preinstall_entry(release, "preinstall") {
            Read::Found(found) => return Some(found),
            Read::Unknown => return None,
            Read::Hides | Read::Absent => {}
        }
    }
    let containers = release
        .get(&["grafana", "extraInitContainers"])
        .and_then(Value::as_seq)?;
    for (index, container) in containers.iter().enumerate() {
        let base = release
            .key_path(&["grafana", "extraInitContainers"])
            .index(index);
        if let Some(found) = find_artifact(container, base) {
            return Some(found);
        }
    }
    None
}

/// What one place that may install the plugin says.
enum Read<'a> {
    /// It names the plugin.
    Found(PluginEntry<'a>),
    /// It is set, does not name the plugin, and hides what it overrides.
    Hides,
    /// It is set to something not known here.
    Unknown,
    /// It is not set.
    Absent,
}

/// The first Grafana version that reads the `[plugins] preinstall` lists.
pub(crate) const PREINSTALL_FROM: Version = (11, 5, 0);

/// The first Grafana version that moves `GF_INSTALL_PLUGINS` into `[plugins]
/// preinstall_sync` (`migrateInstallPluginsToPreinstallPluginsSync`, grafana/grafana
/// `pkg/setting/setting_plugins.go`; anchors-2026 §1.3, grafana-community/helm-charts #71).
pub(crate) const INSTALL_MIGRATED_FROM: Version = (12, 0, 0);

/// The first Grafana version whose default preinstall list holds its core datasources
/// (`prometheus`, `loki`, `elasticsearch`, …, bundled under `data/plugins-bundled`) and
/// `grafana-advisor-app`, which it updates from grafana.com at start unless
/// `preinstall_auto_update` is false (`defaultPreinstallPlugins`, grafana/grafana 0a8a924c
/// `pkg/setting/setting_plugins.go`; grafana/grafana #123110, #127760, #132528).
pub(crate) const CORE_PLUGINS_FROM: Version = (13, 0, 0);

/// Whether the Grafana reads the `[plugins] preinstall` lists: 11.5 or later (or a tag that
/// is not a version, such as `latest`), with `preinstall_disabled` not true.
fn reads_preinstall(release: &Release) -> bool {
    let grafana = Grafana::of(release);
    let new_enough = grafana
        .version()
        .is_none_or(|(version, _)| version >= PREINSTALL_FROM);
    let disabled = grafana
        .setting("plugins", "preinstall_disabled")
        .is_some_and(|s| ini_bool(&s.text()) == Some(true));
    new_enough && !disabled
}

/// The plugin in `[plugins] preinstall_sync` as Grafana reads it: the user's
/// `GF_PLUGINS_PREINSTALL_SYNC` (`grafana.env`, else `grafana.envValueFrom`: unknown), else
/// on a chart that writes `grafana.plugins` into that variable the plugins list, else the
/// `grafana.ini` key.
fn preinstall_sync_entry(release: &Release, sync_chart: bool) -> Read<'_> {
    let grafana = Grafana::of(release);
    let user_env = grafana
        .setting("plugins", "preinstall_sync")
        .is_some_and(|s| s.source == super::grafana::SettingSource::Env);
    if !user_env
        && grafana
            .env_from_secret("plugins", "preinstall_sync")
            .is_none()
        && sync_chart
    {
        let plugins = release
            .get(&["grafana", "plugins"])
            .and_then(Value::as_seq)
            .filter(|items| !items.is_empty());
        if plugins.is_some() {
            return match plugins_entry(release, Grammar::Preinstall) {
                Some(found) => Read::Found(found),
                None => Read::Hides,
            };
        }
    }
    preinstall_entry(release, "preinstall_sync")
}

/// The plugin in `[plugins] <key>` (`preinstall` or `preinstall_sync`), as Grafana reads it:
/// `GF_PLUGINS_<KEY>` in `grafana.env`, else in `grafana.envValueFrom` (unknown), else the
/// `grafana.ini` key.
fn preinstall_entry<'a>(release: &'a Release, key: &str) -> Read<'a> {
    let grafana = Grafana::of(release);
    let setting = grafana.setting("plugins", key);
    let setting = match setting {
        Some(s) if s.source == super::grafana::SettingSource::Env => s,
        _ if grafana.env_from_secret("plugins", key).is_some() => return Read::Unknown,
        Some(s) => s,
        None => return Read::Absent,
    };
    let keys = setting.keys();
    let Some(text) = readable_text(setting.value) else {
        return Read::Unknown;
    };
    match oncall_in(&text, Grammar::Preinstall) {
        Some((form, version, grafana_com, range)) => Read::Found(PluginEntry {
            form,
            list: List::Preinstall,
            value: setting.value,
            keys: setting.path.clone(),
            key_path: release.key_path(&keys),
            fix_path: Some(Seg::keys(&keys)),
            version_range: version,
            entry_range: range,
            text,
            grafana_com,
        }),
        None => Read::Hides,
    }
}

/// `GF_INSTALL_PLUGINS` as the user sets it: `grafana.env` (read), else
/// `grafana.envValueFrom` (unknown).
fn install_env_entry(release: &Release) -> Read<'_> {
    const NAME: &str = "GF_INSTALL_PLUGINS";
    let env_keys = ["grafana", "env", NAME];
    let Some(value) = release.get(&env_keys).filter(|v| !v.is_null()) else {
        return match release
            .get(&["grafana", "envValueFrom", NAME])
            .filter(|v| !v.is_null())
        {
            Some(_) => Read::Unknown,
            None => Read::Absent,
        };
    };
    let Some(text) = readable_text(value) else {
        return Read::Unknown;
    };
    let Some((form, version, grafana_com, range)) = oncall_in(&text, Grammar::Install) else {
        return Read::Hides;
    };
    Read::Found(PluginEntry {
        form,
        list: List::Install,
        value,
        keys: env_keys.iter().map(|k| (*k).to_owned()).collect(),
        key_path: release.key_path(&env_keys),
        fix_path: Some(Seg::keys(&env_keys)),
        text,
        entry_range: range,
        version_range: version,
        grafana_com,
    })
}

/// The text of a scalar the chart passes to Grafana as written: `None` for a map or list,
/// or a template (`tpl` renders it first).
fn readable_text(value: &Value) -> Option<String> {
    value.scalar_string().filter(|text| !text.contains("{{"))
}

/// What [`oncall_in`] reads: the entry's form, its version range, whether it comes from
/// grafana.com, and the entry's range.
type Found = (Form, Option<Range<usize>>, bool, Range<usize>);

/// The OnCall plugin's first entry in a list read with `grammar`: its form, version range,
/// whether it comes from grafana.com, and the entry's range, all in `text`'s offsets.
fn oncall_in(text: &str, grammar: Grammar) -> Option<Found> {
    grammar
        .entries(text)
        .into_iter()
        .filter(|e| &text[e.id.clone()] == PLUGIN_ID)
        .map(|e| {
            let url = e.url.clone().map(|r| &text[r]);
            let grafana_com = url.is_none_or(is_grafana_com);
            let (form, version) = match (grammar, &e.url, &e.version) {
                (Grammar::Install, Some(url), _) => (
                    Form::Url,
                    version_in_url(&text[url.clone()])
                        .map(|r| r.start + url.start..r.end + url.start),
                ),
                (Grammar::Install, None, Some(version)) => (Form::IdVersion, Some(version.clone())),
                (Grammar::Preinstall, Some(_), version)
                | (Grammar::Preinstall, None, version @ Some(_)) => {
                    (Form::Preinstall, version.clone())
                }
                (_, None, None) => (Form::Id, None),
            };
            (form, version, grafana_com, e.span.clone())
        })
        .next()
}

/// The first `grafana.plugins` item naming the plugin, read with `grammar` (an item may
/// itself list several, as the chart joins the items with commas).
fn plugins_entry(release: &Release, grammar: Grammar) -> Option<PluginEntry<'_>> {
    let items = release
        .get(&["grafana", "plugins"])
        .and_then(Value::as_seq)?;
    items.iter().enumerate().find_map(|(index, item)| {
        let text = item.as_str()?;
        let (form, version, grafana_com, range) = oncall_in(text, grammar)?;
        Some(PluginEntry {
            form,
            list: match grammar {
                Grammar::Install => List::Install,
                Grammar::Preinstall => List::Preinstall,
            },
            value: item,
            keys: vec!["grafana".into(), "plugins".into()],
            key_path: release.key_path(&["grafana", "plugins"]).index(index),
            fix_path: Some(vec![
                Seg::Key("grafana".into()),
                Seg::Key("plugins".into()),
                Seg::Index(index),
            ]),
            text: text.to_owned(),
            entry_range: range,
            version_range: version,
            grafana_com,
        })
    })
}

/// The first grafana-community chart version that writes `plugins` into
/// `GF_PLUGINS_PREINSTALL_SYNC` instead of `GF_INSTALL_PLUGINS` (grafana-community/helm-charts
/// PR #72, commit 05482731, `templates/_pod.tpl`).
pub(crate) const PREINSTALL_SYNC_CHART: Version = (11, 1, 1);

/// The grammar of a list of plugins to install.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grammar {
    /// `GF_INSTALL_PLUGINS`, as the image's `run.sh` and Grafana 12's migration into
    /// `preinstall_sync` read it: split on commas only, each entry `[url;]id[ version]`.
    Install,
    /// A `[plugins] preinstall` list (`GF_PLUGINS_PREINSTALL`, `GF_PLUGINS_PREINSTALL_SYNC`,
    /// the `grafana.ini` keys): split by `util.SplitString` on commas and white space, each
    /// entry `id[@version[@url]]`.
    Preinstall,
}

impl Grammar {
    /// The entries of `text` read with this grammar.
    pub(crate) fn entries(self, text: &str) -> Vec<ListEntry> {
        match self {
            Grammar::Install => install_entries(text),
            Grammar::Preinstall => preinstall_entries(text),
        }
    }
}

/// The grammar the grafana chart in use writes `grafana.plugins` with
/// ([`Release::grafana_chart`]): `GF_PLUGINS_PREINSTALL_SYNC` from 11.1.1, `GF_INSTALL_PLUGINS`
/// before.
pub(crate) fn chart_grammar(release: &Release) -> Grammar {
    match parse_version(release.grafana_chart()) {
        Some(chart) if chart >= PREINSTALL_SYNC_CHART => Grammar::Preinstall,
        _ => Grammar::Install,
    }
}

/// The environment variable the grafana chart in use writes `grafana.plugins` into.
pub(crate) fn chart_variable(release: &Release) -> &'static str {
    match chart_grammar(release) {
        Grammar::Install => "GF_INSTALL_PLUGINS",
        Grammar::Preinstall => "GF_PLUGINS_PREINSTALL_SYNC",
    }
}

/// One entry of a plugin list as Grafana reads it: byte ranges in the list's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListEntry {
    /// The whole entry (trimmed; quotes left out).
    pub span: Range<usize>,
    /// The plugin id Grafana asks for.
    pub id: Range<usize>,
    /// The version, when the entry names one.
    pub version: Option<Range<usize>>,
    /// The URL, when the entry names one.
    pub url: Option<Range<usize>>,
}

/// The entries of a `GF_INSTALL_PLUGINS` value: split on commas only, each entry trimmed and
/// matched as Grafana 12's `migrateInstallPluginsToPreinstallPluginsSync` does with
/// `(?:([^;]+);)?([^;\s]+)(?:\s+(.+))?` (the image's `run.sh` reads the same forms): an
/// optional URL before the first `;`, the id (a run without `;` or white space), and the
/// rest after white space as the version. `grafana-oncall-app@1.16.9` is one id there.
pub(crate) fn install_entries(text: &str) -> Vec<ListEntry> {
    let mut out = Vec::new();
    let mut offset = 0;
    for part in text.split(',') {
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim();
        let start = offset + lead;
        offset += part.len() + 1;
        if trimmed.is_empty() {
            continue;
        }
        let id_run = |s: &str| {
            s.find(|c: char| c == ';' || c.is_whitespace())
                .unwrap_or(s.len())
        };
        // `url;id`, when a URL and an id follow each other; else the id comes first
        let (url, id_at) = match trimmed.find(';') {
            Some(semi) if semi > 0 && id_run(&trimmed[semi + 1..]) > 0 => {
                (Some(start..start + semi), semi + 1)
            }
            _ => (None, 0),
        };
        let id_len = id_run(&trimmed[id_at..]);
        if id_len == 0 {
            continue;
        }
        let id_end = id_at + id_len;
        let rest = &trimmed[id_end..];
        let version = rest
            .starts_with(char::is_whitespace)
            .then(|| rest.trim())
            .filter(|v| !v.is_empty())
            .map(|v| {
                let at = id_end + (rest.len() - rest.trim_start().len());
                start + at..start + at + v.len()
            });
        out.push(ListEntry {
            span: start..start + trimmed.len(),
            id: start + id_at..start + id_end,
            version,
            url,
        });
    }
    out
}

/// The entries of a `[plugins] preinstall` list: split by `util.SplitString`
/// ([`split_list_ranges`]), each entry `id[@version[@url]]` as `processPreinstallPlugins`
/// reads it (split on `@`; the URL is everything after the second `@`).
pub(crate) fn preinstall_entries(text: &str) -> Vec<ListEntry> {
    split_list_ranges(text)
        .into_iter()
        .map(|span| {
            let token = &text[span.clone()];
            let mut at = token.match_indices('@').map(|(i, _)| span.start + i);
            let first = at.next();
            let second = at.next();
            let id_end = first.unwrap_or(span.end);
            let version = first
                .map(|f| f + 1..second.unwrap_or(span.end))
                .filter(|r| !r.is_empty());
            let url = second.map(|s| s + 1..span.end).filter(|r| !r.is_empty());
            ListEntry {
                id: span.start..id_end,
                span,
                version,
                url,
            }
        })
        .collect()
}

/// How an entry is written against the grammar of its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MisfitKind {
    /// `id version` in a preinstall list: two entries, the id (latest) and a plugin named
    /// after the version.
    SpaceVersion,
    /// `url;id` in a preinstall list: one plugin id holding the URL.
    UrlSemicolon,
    /// `id@version[@url]` in `GF_INSTALL_PLUGINS`: one plugin id holding the `@`.
    AtVersion,
}

/// An entry written in the other grammar, and how its own list writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Misfit {
    /// Which mistake.
    pub kind: MisfitKind,
    /// Its byte range in the list's text.
    pub span: Range<usize>,
    /// The plugin id it means.
    pub id: String,
    /// The entry written in the list's grammar, with the same id, version and URL.
    pub fixed: String,
}

impl Misfit {
    /// `text` with this entry rewritten in the list's grammar.
    pub(crate) fn apply(&self, text: &str) -> String {
        format!(
            "{}{}{}",
            &text[..self.span.start],
            self.fixed,
            &text[self.span.end..]
        )
    }
}

/// Whether a word reads as a plugin version (`1.16.9`, `v1.9.0`, `2.0.0-beta.1`): what
/// `id version` pins.
fn version_word(word: &str) -> bool {
    let core = word.strip_prefix(['v', 'V']).unwrap_or(word);
    let core = core.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a word reads as a plugin id (letters, digits, `-`, `_`, `.`).
fn id_word(word: &str) -> bool {
    !word.is_empty()
        && !version_word(word)
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The entries of a preinstall list written in `GF_INSTALL_PLUGINS`' grammar: `id version`
/// (two entries to Grafana, the second a version) and `url;id` (one id). Each with its
/// `id@version[@url]` form.
pub(crate) fn preinstall_misfits(text: &str) -> Vec<Misfit> {
    let tokens = split_list_ranges(text);
    let mut out = Vec::new();
    let mut skip = false;
    for (index, span) in tokens.iter().enumerate() {
        if std::mem::take(&mut skip) {
            continue;
        }
        let token = &text[span.clone()];
        if let Some((url, id)) = token.split_once(';') {
            let (url, id) = (url.trim(), id.trim());
            if url.is_empty() || !id_word(id) {
                continue;
            }
            let version = version_in_url(url).map_or("", |r| &url[r]);
            out.push(Misfit {
                kind: MisfitKind::UrlSemicolon,
                span: span.clone(),
                id: id.to_owned(),
                fixed: format!("{id}@{version}@{url}"),
            });
            continue;
        }
        // `"id version"` quoted (or in a JSON list) is one token holding the space
        let words: Vec<&str> = token.split_whitespace().collect();
        if let [id, version] = words.as_slice()
            && id_word(id)
            && version_word(version)
        {
            out.push(Misfit {
                kind: MisfitKind::SpaceVersion,
                span: span.clone(),
                id: (*id).to_owned(),
                fixed: format!("{id}@{version}"),
            });
            continue;
        }
        let Some(next) = tokens.get(index + 1) else {
            continue;
        };
        let between = &text[span.end..next.start];
        let version = &text[next.clone()];
        if !between.is_empty()
            && between.bytes().all(|b| b.is_ascii_whitespace())
            && id_word(token)
            && version_word(version)
        {
            out.push(Misfit {
                kind: MisfitKind::SpaceVersion,
                span: span.start..next.end,
                id: token.to_owned(),
                fixed: format!("{token}@{version}"),
            });
            skip = true;
        }
    }
    out
}

/// The entries of a `GF_INSTALL_PLUGINS` value written in the preinstall grammar:
/// `id@version[@url]` (one id holding the `@`), each with its `id version` (or `url;id`)
/// form.
pub(crate) fn install_misfits(text: &str) -> Vec<Misfit> {
    install_entries(text)
        .into_iter()
        .filter(|e| e.url.is_none() && e.version.is_none())
        .filter_map(|e| {
            let token = &text[e.id.clone()];
            let mut parts = token.splitn(3, '@');
            let id = parts.next()?;
            let version = parts.next()?;
            let url = parts.next().unwrap_or_default();
            if !id_word(id) {
                return None;
            }
            let fixed = match (version.is_empty(), url.is_empty()) {
                (_, false) => format!("{url};{id}"),
                (false, true) => format!("{id} {version}"),
                (true, true) => id.to_owned(),
            };
            Some(Misfit {
                kind: MisfitKind::AtVersion,
                span: e.span,
                id: id.to_owned(),
                fixed,
            })
        })
        .collect()
}

/// Where to report a range of a string value's text: the range itself when the string is
/// written plainly (or quoted without escapes) on one line, else the whole value; the keys
/// when the value was not written in a file.
pub(crate) fn text_location(
    release: &Release,
    value: &Value,
    keys: &[&str],
    key_path: KeyPath,
    text: &str,
    range: Range<usize>,
) -> Location {
    let Some(site) = value.site() else {
        return release.blame(keys);
    };
    let mut location = release.site_location(site, key_path, false);
    let raw = &location.file.text()[site.span.clone()];
    let offset = match raw.as_bytes().first() {
        Some(b'"' | b'\'') => 1,
        _ => 0,
    };
    if raw.get(offset..offset + text.len()) == Some(text) {
        let start = site.span.start + offset;
        location.span = start + range.start..start + range.end;
    }
    location
}

/// The version in a plugin URL: `/versions/<v>/download`, else a file named
/// `grafana-oncall-app-<v>.zip`.
fn version_in_url(url: &str) -> Option<Range<usize>> {
    if let Some(at) = url.find("/versions/") {
        let start = at + "/versions/".len();
        let len = url[start..].find('/').unwrap_or(url.len() - start);
        return (len > 0).then_some(start..start + len);
    }
    let name_at = url.rfind('/').map_or(0, |i| i + 1);
    let name = &url[name_at..];
    let rest = name.strip_prefix(PLUGIN_ID)?.strip_prefix('-')?;
    let version = rest.strip_suffix(".zip")?;
    parse_version(version)?;
    let start = name_at + PLUGIN_ID.len() + 1;
    Some(start..start + version.len())
}

/// Whether a URL's host is grafana.com's.
pub(crate) fn is_grafana_com(url: &str) -> bool {
    split_url(url.trim()).is_some_and(|(_, host)| grafana_com_host(&host))
}

/// Whether a host is grafana.com's (the plugin catalog and its CDN).
pub(crate) fn grafana_com_host(host: &str) -> bool {
    ["grafana.com", "grafana.net"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// The first string of an init container that names the plugin's artifact with a version.
fn find_artifact<'a>(value: &'a Value, key_path: KeyPath) -> Option<PluginEntry<'a>> {
    match &value.kind {
        Kind::Str(text) => {
            let range = artifact_version(text)?;
            Some(PluginEntry {
                form: Form::InitContainer,
                list: List::Container,
                value,
                keys: vec!["grafana".into(), "extraInitContainers".into()],
                key_path,
                fix_path: None,
                text: text.clone(),
                entry_range: 0..text.len(),
                version_range: Some(range),
                grafana_com: text.contains("grafana.com/api/plugins/"),
            })
        }
        Kind::Seq(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| find_artifact(item, key_path.index(i))),
        Kind::Map(map) => map
            .iter()
            .find_map(|(k, item)| find_artifact(item, key_path.key(k))),
        _ => None,
    }
}

/// The version of a `grafana-oncall-app` artifact named in `text`: an image tag
/// (`…/grafana-oncall-app:1.16.9`), a grafana.com download URL or a versioned zip name.
fn artifact_version(text: &str) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(at) = text[from..].find(PLUGIN_ID) {
        let end = from + at + PLUGIN_ID.len();
        let rest = &text[end..];
        let version_len = |s: &str| {
            s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+')))
                .unwrap_or(s.len())
        };
        if let Some(tag) = rest.strip_prefix(':') {
            let len = version_len(tag);
            if len > 0 && parse_version(&tag[..len]).is_some() {
                return Some(end + 1..end + 1 + len);
            }
        }
        if let Some(tail) = rest.strip_prefix("/versions/") {
            let len = tail.find('/').unwrap_or(0);
            if len > 0 && parse_version(&tail[..len]).is_some() {
                let start = end + "/versions/".len();
                return Some(start..start + len);
            }
        }
        if let Some(tail) = rest.strip_prefix('-')
            && let Some(zip) = tail.find(".zip")
            && parse_version(&tail[..zip]).is_some()
        {
            return Some(end + 1..end + 1 + zip);
        }
        from = end;
    }
    None
}

/// The string holding the entry, rewritten to pin `version` (its grafana.com catalog name)
/// in the entry's own form, the rest of the string as it was: an unpinned id becomes the
/// grafana.com download URL form in `GF_INSTALL_PLUGINS` (a `v`-less version after a space
/// is not how grafana.com named the older ones) and `id@version` in a preinstall list.
pub(crate) fn pinned_text(entry: &PluginEntry<'_>, version: Version) -> Option<String> {
    let name = catalog_name(version);
    let own = entry.entry_text();
    let pinned = match entry.form {
        Form::Id if entry.list == List::Preinstall => format!("{PLUGIN_ID}@{name}"),
        Form::Id => format!("{};{PLUGIN_ID}", grafana_com_url(&name)),
        Form::Preinstall if entry.version_range.is_none() => {
            let rest = own.strip_prefix(PLUGIN_ID)?.strip_prefix('@')?;
            let url = rest.strip_prefix('@').unwrap_or(rest);
            if url.is_empty() {
                format!("{PLUGIN_ID}@{name}")
            } else {
                format!("{PLUGIN_ID}@{name}@{url}")
            }
        }
        Form::InitContainer => return None,
        _ => return entry.with_version(&name),
    };
    Some(format!(
        "{}{pinned}{}",
        &entry.text[..entry.entry_range.start],
        &entry.text[entry.entry_range.end..]
    ))
}

/// How grafana.com names a plugin version: with a `v` up to 1.9.26, without from 1.9.27.
pub(crate) fn catalog_name(version: Version) -> String {
    if version >= (1, 9, 27) {
        show_version(version)
    } else {
        format!("v{}", show_version(version))
    }
}

/// Env variables that make Grafana download plugins at start (OC040 reports them).
pub(crate) const DOWNLOAD_ENV: [&str; 3] = [
    "GF_INSTALL_PLUGINS",
    "GF_PLUGINS_PREINSTALL",
    "GF_PLUGINS_PREINSTALL_SYNC",
];

/// Where the OnCall plugin comes from, as far as the values tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Downloaded by Grafana at start from grafana.com (`grafana.plugins`, env, preinstall).
    Catalog,
    /// Downloaded by Grafana at start from another URL (`url;grafana-oncall-app`).
    OtherUrl,
    /// An init container (or an extra container) installs it.
    InitContainer,
    /// A Grafana image that is not the stock one (the plugin may be built in).
    CustomImage,
    /// A volume mounted at (or above) the plugins path may already hold it.
    Volume,
}

impl Source {
    /// Whether the plugin comes from somewhere other than the grafana.com catalog.
    pub(crate) fn private(self) -> bool {
        !matches!(self, Source::Catalog)
    }
}

/// Whether a mount path is the plugins path, inside it, or above it.
pub(crate) fn touches(mount: &str, plugins: &str) -> bool {
    let mount = mount.trim().trim_end_matches('/');
    if mount.is_empty() {
        return false;
    }
    mount == plugins
        || mount.starts_with(&format!("{plugins}/"))
        || plugins.starts_with(&format!("{mount}/"))
}

/// Whether any string in a value mentions `needle`.
pub(crate) fn mentions(value: &Value, needle: &str) -> bool {
    match &value.kind {
        crate::values::Kind::Str(s) => s.contains(needle),
        crate::values::Kind::Seq(items) => items.iter().any(|i| mentions(i, needle)),
        crate::values::Kind::Map(map) => map.values().any(|i| mentions(i, needle)),
        _ => false,
    }
}

/// The mount paths of a container's (or a values list item's) `volumeMounts`, or of the
/// item itself when it has a `mountPath`.
pub(crate) fn mount_paths(item: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(path) = item.get(&["mountPath"]).and_then(Value::scalar_string) {
        out.push(path);
    }
    for mount in item
        .get(&["volumeMounts"])
        .and_then(Value::as_seq)
        .unwrap_or_default()
    {
        if let Some(path) = mount.get(&["mountPath"]).and_then(Value::scalar_string) {
            out.push(path);
        }
    }
    out
}

/// How the values install the plugin, and the value that says so.
#[derive(Debug, Clone)]
pub(crate) struct Install<'a> {
    /// Where the plugin comes from.
    pub source: Source,
    /// The value that installs it (the entry, the init container, the image repository, the
    /// mount), when there is one.
    pub value: Option<&'a Value>,
    /// Where to point at it.
    pub location: Location,
}

/// How the values install the plugin, if they do: the first of the `grafana.plugins`
/// entry (or a download env / preinstall list naming it), an init container, a custom
/// image, a volume at the plugins path.
pub(crate) fn install_source(release: &Release) -> Option<Install<'_>> {
    let install = entry_install(release).or_else(|| download_install(release));
    if install.is_some() {
        return install;
    }
    local_install(release)
}

/// How the values put the plugin into Grafana's plugins path without a download at start
/// (an init container, a custom image, a volume), if they do: what is left when the
/// downloads go, as an air-gapped install needs.
pub(crate) fn local_install(release: &Release) -> Option<Install<'_>> {
    let plugins = Grafana::of(release).plugins_path();
    container_install(release, &plugins)
        .or_else(|| custom_image_install(release))
        .or_else(|| volume_install(release, &plugins))
}

/// The `grafana.plugins` entry naming the plugin, if any.
fn entry_install(release: &Release) -> Option<Install<'_>> {
    let entry = entry(release)?;
    let source = match entry.form {
        Form::InitContainer => Source::InitContainer,
        _ if entry.grafana_com => Source::Catalog,
        _ => Source::OtherUrl,
    };
    Some(Install {
        source,
        value: Some(entry.value),
        location: entry.location(release),
    })
}

/// A download env variable, then a `grafana.ini` preinstall list, naming the plugin.
fn download_install(release: &Release) -> Option<Install<'_>> {
    let env = release.get(&["grafana", "env"]);
    let ini = release.get(&["grafana", "grafana.ini", "plugins"]);
    for name in DOWNLOAD_ENV {
        if let Some(v) = env
            .and_then(|e| e.get(&[name]))
            .filter(|v| mentions(v, PLUGIN_ID))
        {
            return Some(Install {
                source: Source::Catalog,
                value: Some(v),
                location: release.locate(v, &["grafana", "env", name], false),
            });
        }
    }
    for key in ["preinstall", "preinstall_sync"] {
        if let Some(v) = ini
            .and_then(|i| i.get(&[key]))
            .filter(|v| mentions(v, PLUGIN_ID))
        {
            return Some(Install {
                source: Source::Catalog,
                value: Some(v),
                location: release.locate(v, &["grafana", "grafana.ini", "plugins", key], false),
            });
        }
    }
    None
}

/// An init container that installs the plugin (it names the plugin or `plugins`, or
/// mounts at the `plugins` path), then an extra container naming the plugin.
pub(crate) fn container_install<'a>(release: &'a Release, plugins: &str) -> Option<Install<'a>> {
    let init_key = ["grafana", "extraInitContainers"];
    let installs = |c: &Value| {
        mentions(c, PLUGIN_ID)
            || mentions(c, "plugins")
            || mount_paths(c).iter().any(|m| touches(m, plugins))
    };
    let init = release
        .get(&init_key)
        .and_then(Value::as_seq)
        .unwrap_or_default();
    if let Some((index, container)) = init.iter().enumerate().find(|(_, c)| installs(c)) {
        return Some(Install {
            source: Source::InitContainer,
            value: Some(container),
            location: item_location(release, &init_key, index, container),
        });
    }
    let extra_key = ["grafana", "extraContainers"];
    let extra = release.get(&extra_key).filter(|c| mentions(c, PLUGIN_ID))?;
    Some(Install {
        source: Source::InitContainer,
        value: Some(extra),
        location: release.locate(extra, &extra_key, false),
    })
}

/// A Grafana image that is not the stock one, at its repository key.
fn custom_image_install(release: &Release) -> Option<Install<'_>> {
    if super::images::stock_grafana(release) {
        return None;
    }
    let repo_key = ["grafana", "image", "repository"];
    let value = release.get(&repo_key);
    let location = match value {
        Some(v) => release.locate(v, &repo_key, false),
        None => release.blame(&repo_key),
    };
    Some(Install {
        source: Source::CustomImage,
        value,
        location,
    })
}

/// A volume (a pre-filled claim, a configMap, a CSI driver) mounted at the `plugins` path.
fn volume_install<'a>(release: &'a Release, plugins: &str) -> Option<Install<'a>> {
    for key in [
        "extraVolumeMounts",
        "extraConfigmapMounts",
        "extraSecretMounts",
    ] {
        let list_key = ["grafana", key];
        let items = release
            .get(&list_key)
            .and_then(Value::as_seq)
            .unwrap_or_default();
        for (index, item) in items.iter().enumerate() {
            if mount_paths(item).iter().any(|m| touches(m, plugins)) {
                return Some(Install {
                    source: Source::Volume,
                    value: Some(item),
                    location: item_location(release, &list_key, index, item),
                });
            }
        }
    }
    None
}

/// Where item `index` of the list at `list_key` is written (the list's, when the item has
/// no site).
fn item_location(release: &Release, list_key: &[&str], index: usize, item: &Value) -> Location {
    let key_path = release.key_path(list_key).index(index);
    match item.site() {
        Some(site) => release.site_location(site, key_path, false),
        None => release.blame(list_key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oncall(text: &str, grammar: Grammar) -> Option<(Form, Option<&str>, bool, &str)> {
        oncall_in(text, grammar)
            .map(|(form, v, com, span)| (form, v.map(|r| &text[r]), com, &text[span]))
    }

    fn words(text: &str, entries: &[ListEntry]) -> Vec<(String, String, String)> {
        let at =
            |r: &Option<Range<usize>>| r.clone().map(|r| text[r].to_owned()).unwrap_or_default();
        entries
            .iter()
            .map(|e| (text[e.id.clone()].to_owned(), at(&e.version), at(&e.url)))
            .collect()
    }

    #[test]
    fn every_install_form_names_its_version() {
        use Grammar::Install;
        assert_eq!(
            oncall("grafana-oncall-app", Install),
            Some((Form::Id, None, true, "grafana-oncall-app"))
        );
        assert_eq!(
            oncall("grafana-oncall-app 1.16.9", Install).map(|e| e.1),
            Some(Some("1.16.9"))
        );
        assert_eq!(
            oncall(" grafana-oncall-app  v1.9.0 ", Install).map(|e| e.1),
            Some(Some("v1.9.0"))
        );
        let url = "https://grafana.com/api/plugins/grafana-oncall-app/versions/v1.10.2/download;grafana-oncall-app";
        assert_eq!(
            oncall(url, Install),
            Some((Form::Url, Some("v1.10.2"), true, url))
        );
        let private =
            "https://nexus.corp.example/oncall/grafana-oncall-app-1.16.9.zip;grafana-oncall-app";
        assert_eq!(
            oncall(private, Install).map(|e| (e.1, e.2)),
            Some((Some("1.16.9"), false))
        );
        // `id@version` is one (bogus) id in GF_INSTALL_PLUGINS
        assert_eq!(oncall("grafana-oncall-app@1.16.9", Install), None);
        assert_eq!(oncall("grafana-piechart-panel 1.6.4", Install), None);
        assert_eq!(oncall("https://x/y.zip;other-app", Install), None);
    }

    #[test]
    fn every_preinstall_form_names_its_version() {
        use Grammar::Preinstall;
        assert_eq!(
            oncall(
                "grafana-oncall-app@1.16.9@https://nexus.corp.example/x.zip",
                Preinstall
            )
            .map(|e| (e.0, e.1, e.2)),
            Some((Form::Preinstall, Some("1.16.9"), false))
        );
        assert_eq!(
            oncall(
                "grafana-oncall-app@@https://nexus.corp.example/x.zip",
                Preinstall
            )
            .map(|e| e.1),
            Some(None)
        );
        // a space separates: the plugin is unpinned (latest), `1.16.9` another "plugin"
        assert_eq!(
            oncall("grafana-oncall-app 1.16.9", Preinstall),
            Some((Form::Id, None, true, "grafana-oncall-app"))
        );
        // `url;id` is one id that is not the plugin's
        assert_eq!(
            oncall(
                "https://x/grafana-oncall-app-1.16.9.zip;grafana-oncall-app",
                Preinstall
            ),
            None
        );
    }

    #[test]
    fn install_entries_follow_grafanas_migration_pattern() {
        let text = "grafana-piechart-panel 1.6.4, https://h/x.zip;grafana-oncall-app ,x@1.0,,";
        assert_eq!(
            words(text, &install_entries(text)),
            [
                (
                    "grafana-piechart-panel".into(),
                    "1.6.4".into(),
                    String::new()
                ),
                (
                    "grafana-oncall-app".into(),
                    String::new(),
                    "https://h/x.zip".into()
                ),
                ("x@1.0".into(), String::new(), String::new()),
            ]
        );
        let entries = install_entries(text);
        assert_eq!(
            &text[entries[1].span.clone()],
            "https://h/x.zip;grafana-oncall-app"
        );
    }

    #[test]
    fn preinstall_entries_follow_split_string_and_at_signs() {
        let text = "a@1.0@https://u@h/x.zip b 2.0,\"c@3\"";
        assert_eq!(
            words(text, &preinstall_entries(text)),
            [
                ("a".into(), "1.0".into(), "https://u@h/x.zip".into()),
                ("b".into(), String::new(), String::new()),
                ("2.0".into(), String::new(), String::new()),
                ("c".into(), "3".into(), String::new()),
            ]
        );
    }

    #[test]
    fn preinstall_misfits_are_rewritten_as_id_at_version() {
        let fixed = |text: &str| -> Vec<(MisfitKind, String, String)> {
            preinstall_misfits(text)
                .into_iter()
                .map(|m| (m.kind, text[m.span.clone()].to_owned(), m.apply(text)))
                .collect()
        };
        assert_eq!(
            fixed("grafana-oncall-app 1.16.9"),
            [(
                MisfitKind::SpaceVersion,
                "grafana-oncall-app 1.16.9".into(),
                "grafana-oncall-app@1.16.9".into()
            )]
        );
        let url = "https://grafana.com/api/plugins/grafana-oncall-app/versions/1.16.9/download;grafana-oncall-app";
        assert_eq!(
            fixed(url)[0].2,
            "grafana-oncall-app@1.16.9@https://grafana.com/api/plugins/grafana-oncall-app/versions/1.16.9/download"
        );
        assert_eq!(
            fixed("https://nexus/p.zip;grafana-oncall-app")[0].2,
            "grafana-oncall-app@@https://nexus/p.zip"
        );
        // two plugins separated by a space, and the right forms, are fine
        assert!(fixed("grafana-clock-panel grafana-oncall-app").is_empty());
        assert!(fixed("grafana-oncall-app@1.16.9, grafana-clock-panel@2.1.0").is_empty());
        // a comma between id and version is not `id version`
        assert!(fixed("grafana-oncall-app,1.16.9").is_empty());
        assert_eq!(
            fixed("[\"grafana-oncall-app 1.16.9\"]")[0].2,
            "[\"grafana-oncall-app@1.16.9\"]"
        );
    }

    #[test]
    fn install_misfits_are_rewritten_as_id_space_version() {
        let fixed = |text: &str| -> Vec<String> {
            install_misfits(text)
                .into_iter()
                .map(|m| m.apply(text))
                .collect()
        };
        assert_eq!(
            fixed("grafana-oncall-app@1.16.9"),
            ["grafana-oncall-app 1.16.9"]
        );
        assert_eq!(
            fixed("a, grafana-oncall-app@@https://nexus/p.zip"),
            ["a, https://nexus/p.zip;grafana-oncall-app"]
        );
        assert!(fixed("grafana-oncall-app 1.16.9, https://u@h/x.zip;b").is_empty());
    }

    #[test]
    fn init_container_artifacts_name_their_version() {
        let text = "registry.corp.example/grafana/grafana-oncall-app:1.16.9";
        assert_eq!(artifact_version(text).map(|r| &text[r]), Some("1.16.9"));
        let script = "curl -L https://grafana.com/api/plugins/grafana-oncall-app/versions/1.16.5/download -o /tmp/p.zip";
        assert_eq!(artifact_version(script).map(|r| &script[r]), Some("1.16.5"));
        let zip = "unzip /mnt/grafana-oncall-app-v1.9.20.zip -d /var/lib/grafana/plugins";
        assert_eq!(artifact_version(zip).map(|r| &zip[r]), Some("v1.9.20"));
        assert_eq!(artifact_version("registry/grafana-oncall-app:latest"), None);
        assert_eq!(
            artifact_version("mkdir -p /var/lib/grafana/plugins/grafana-oncall-app"),
            None
        );
    }

    #[test]
    fn catalog_names_drop_the_v_from_1_9_27() {
        assert_eq!(catalog_name((1, 9, 26)), "v1.9.26");
        assert_eq!(catalog_name((1, 16, 9)), "1.16.9");
    }

    #[test]
    fn mount_paths_touch_the_plugins_path() {
        assert!(touches("/var/lib/grafana", "/var/lib/grafana/plugins"));
        assert!(touches(
            "/var/lib/grafana/plugins/grafana-oncall-app/",
            "/var/lib/grafana/plugins"
        ));
        assert!(!touches("/var/lib/grafana-x", "/var/lib/grafana/plugins"));
        assert!(!touches(
            "/etc/grafana/provisioning",
            "/var/lib/grafana/plugins"
        ));
    }
}
