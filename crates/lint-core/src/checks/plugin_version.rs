//! Versions the rules compare: the OnCall plugin's version as the values install it, the
//! engine's, and the Grafana version that runs. Shared by the version rules (OC011–OC013,
//! OC020–OC022) and anyone else who needs them.
//!
//! The plugin comes from the `grafana-oncall-app` entry of `grafana.plugins`, in every form
//! the grafana charts accept:
//!
//! - `grafana-oncall-app`: the latest version on grafana.com (unpinned);
//! - `grafana-oncall-app 1.16.9`: `grafana cli plugins install <id> <version>`;
//! - `https://…/versions/1.16.9/download;grafana-oncall-app`: a URL, then the id;
//! - `grafana-oncall-app@1.16.9@https://…`: the preinstall form of the grafana-community
//!   chart 11.1.1 and later (version and URL optional);
//!
//! or, when `grafana.plugins` has none, from an init container under
//! `grafana.extraInitContainers` that pulls an artifact named `grafana-oncall-app` (its tag,
//! a `/versions/<v>/download` URL or a `grafana-oncall-app-<v>.zip` file name).

use std::ops::Range;

use super::CheckContext;
use crate::chart::parse_version;
use crate::diagnostic::Location;
use crate::path::KeyPath;
use crate::path::Seg;
use crate::values::{Kind, Value};

/// A parsed version: (major, minor, patch).
pub type Version = (u64, u64, u64);

/// The plugin's id.
pub const PLUGIN_ID: &str = "grafana-oncall-app";

/// The grafana.com download URL of a plugin version.
pub fn grafana_com_url(version: &str) -> String {
    format!("https://grafana.com/api/plugins/{PLUGIN_ID}/versions/{version}/download")
}

/// How the plugin entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
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

/// The OnCall plugin as the values install it.
#[derive(Debug, Clone)]
pub struct PluginEntry<'a> {
    /// How it is written.
    pub form: Form,
    /// The string that holds it (a `grafana.plugins` item, or a string of an init container).
    pub value: &'a Value,
    /// Its display key path.
    pub key_path: KeyPath,
    /// The chart-relative path of the string, for fixes (`grafana.plugins` items only).
    pub fix_path: Option<Vec<Seg>>,
    /// The string's text.
    pub text: String,
    /// Byte range of the version in `text`, when the entry pins one.
    pub version_range: Option<Range<usize>>,
    /// Whether the plugin is downloaded from grafana.com (an id, or a grafana.com URL).
    pub grafana_com: bool,
}

impl PluginEntry<'_> {
    /// The version as written (`v1.10.2`, `1.16.9`), when pinned.
    pub fn version(&self) -> Option<&str> {
        self.version_range.clone().map(|r| &self.text[r])
    }

    /// The pinned version, parsed.
    pub fn parsed(&self) -> Option<(u64, u64, u64)> {
        self.version().and_then(parse_version)
    }

    /// The text with the version replaced by `version` (pinned entries only).
    pub fn with_version(&self, version: &str) -> Option<String> {
        let range = self.version_range.clone()?;
        Some(format!(
            "{}{version}{}",
            &self.text[..range.start],
            &self.text[range.end..]
        ))
    }

    /// Where to report it: the version itself when the string is written plainly on one
    /// line, else the whole string.
    pub fn location(&self, ctx: &CheckContext<'_>) -> Location {
        let release = ctx.release;
        let Some(site) = self.value.site() else {
            return release.blame(&["grafana", "plugins"]);
        };
        let mut location = release.site_location(site, self.key_path.clone(), false);
        if let Some(range) = &self.version_range {
            let raw = &location.file.text()[site.span.clone()];
            // a plain or quoted scalar that holds the text verbatim
            let offset = match raw.as_bytes().first() {
                Some(b'"' | b'\'') => 1,
                _ => 0,
            };
            if raw.get(offset..offset + self.text.len()) == Some(self.text.as_str()) {
                let start = site.span.start + offset;
                location.span = start + range.start..start + range.end;
            }
        }
        location
    }
}

/// The OnCall plugin entry of the effective values, if any.
pub fn oncall_plugin<'a>(ctx: &CheckContext<'a>) -> Option<PluginEntry<'a>> {
    let release = ctx.release;
    if let Some(items) = release.get(&["grafana", "plugins"]).and_then(Value::as_seq) {
        for (index, item) in items.iter().enumerate() {
            let Some(text) = item.as_str() else { continue };
            // an item may itself be a comma-separated list (they are joined with commas)
            let mut offset = 0;
            for part in text.split(',') {
                if let Some((form, version, grafana_com)) = parse_entry(part) {
                    return Some(PluginEntry {
                        form,
                        value: item,
                        key_path: release.key_path(&["grafana", "plugins"]).index(index),
                        fix_path: Some(vec![
                            Seg::Key("grafana".into()),
                            Seg::Key("plugins".into()),
                            Seg::Index(index),
                        ]),
                        text: text.to_owned(),
                        version_range: version.map(|r| r.start + offset..r.end + offset),
                        grafana_com,
                    });
                }
                offset += part.len() + 1;
            }
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

/// Parses one plugin entry: its form, the byte range of its version, and whether it comes
/// from grafana.com. `None` when it is not the OnCall plugin.
pub fn parse_entry(entry: &str) -> Option<(Form, Option<Range<usize>>, bool)> {
    let lead = entry.len() - entry.trim_start().len();
    let trimmed = entry.trim();
    if let Some((url, id)) = trimmed.split_once(';') {
        if id.trim() != PLUGIN_ID {
            return None;
        }
        let version = version_in_url(url).map(|r| r.start + lead..r.end + lead);
        return Some((Form::Url, version, is_grafana_com(url)));
    }
    if trimmed.contains('@') && !trimmed.contains(' ') {
        let mut parts = trimmed.splitn(3, '@');
        if parts.next() != Some(PLUGIN_ID) {
            return None;
        }
        let version = parts.next().unwrap_or_default();
        let url = parts.next().unwrap_or_default();
        let start = lead + PLUGIN_ID.len() + 1;
        let range = (!version.is_empty()).then(|| start..start + version.len());
        return Some((
            Form::Preinstall,
            range,
            url.is_empty() || is_grafana_com(url),
        ));
    }
    let mut words = trimmed.split_whitespace();
    if words.next() != Some(PLUGIN_ID) {
        return None;
    }
    match words.next() {
        None => Some((Form::Id, None, true)),
        Some(version) => {
            let start = lead + trimmed.rfind(version)?;
            Some((Form::IdVersion, Some(start..start + version.len()), true))
        }
    }
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
pub fn is_grafana_com(url: &str) -> bool {
    super::external_grafana_url::split_url(url.trim()).is_some_and(|(_, host)| {
        ["grafana.com", "grafana.net"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
    })
}

/// The first string of an init container that names the plugin's artifact with a version.
fn find_artifact<'a>(value: &'a Value, key_path: KeyPath) -> Option<PluginEntry<'a>> {
    match &value.kind {
        Kind::Str(text) => {
            let range = artifact_version(text)?;
            Some(PluginEntry {
                form: Form::InitContainer,
                value,
                key_path,
                fix_path: None,
                text: text.clone(),
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

/// Where the engine's version comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineSource {
    /// The user's `image.tag`.
    ImageTag,
    /// The app version of the chart version the user gave.
    Chart,
    /// The latest known chart, assumed because no chart version was given.
    AssumedChart,
}

/// The engine's version (without a `v`): `image.tag`, else the chart's app version (which is
/// `v<chart version>`). `None` when `image.tag` is not a version (`latest`, a digest).
pub fn engine_version<'a>(
    ctx: &CheckContext<'a>,
) -> Option<(String, EngineSource, Option<&'a Value>)> {
    let clean = |v: &str| v.trim().trim_start_matches(['v', 'V']).to_owned();
    if let Some(tag) = ctx.release.get(&["image", "tag"]).filter(|t| t.is_truthy()) {
        let text = tag.scalar_string()?;
        parse_version(&text)?;
        if !text
            .trim()
            .trim_start_matches(['v', 'V'])
            .starts_with(|c: char| c.is_ascii_digit())
        {
            return None;
        }
        return Some((clean(&text), EngineSource::ImageTag, Some(tag)));
    }
    let given = ctx.options.chart_version.is_some()
        || ctx
            .options
            .chart_yaml
            .as_deref()
            .and_then(crate::release::oncall_version_from_chart_yaml)
            .is_some();
    let source = if given {
        EngineSource::Chart
    } else {
        EngineSource::AssumedChart
    };
    Some((clean(&ctx.chart_version()), source, None))
}

/// How a message names where the engine's version comes from.
pub fn describe_engine(source: EngineSource, ctx: &CheckContext<'_>) -> String {
    match source {
        EngineSource::ImageTag => "`image.tag`".to_owned(),
        EngineSource::Chart => format!("the app version of oncall chart {}", ctx.chart_version()),
        EngineSource::AssumedChart => format!(
            "the app version of oncall chart {}, assumed because no chart version was given",
            ctx.chart_version()
        ),
    }
}

/// A `grafana.plugins` entry rewritten to pin `version` (its grafana.com catalog name), in
/// the entry's own form; an unpinned id becomes the grafana.com download URL form.
pub fn pinned_text(entry: &PluginEntry<'_>, version: Version) -> Option<String> {
    let name = catalog_name(version);
    match entry.form {
        Form::Id => Some(format!("{};{PLUGIN_ID}", grafana_com_url(&name))),
        Form::Preinstall if entry.version_range.is_none() => {
            let rest = entry
                .text
                .trim()
                .strip_prefix(PLUGIN_ID)?
                .strip_prefix('@')?;
            let url = rest.strip_prefix('@').unwrap_or(rest);
            Some(if url.is_empty() {
                format!("{PLUGIN_ID}@{name}")
            } else {
                format!("{PLUGIN_ID}@{name}@{url}")
            })
        }
        Form::InitContainer => None,
        _ => entry.with_version(&name),
    }
}

/// The Grafana version that runs, and the user's `grafana.image.tag` when it decides it.
/// `None` when the tag is set but is not a version (`latest`, `main`): unknown.
pub fn grafana_version<'a>(ctx: &CheckContext<'a>) -> Option<(Version, Option<&'a Value>)> {
    match ctx
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
        None => parse_version(ctx.release.chart.grafana_app_version).map(|v| (v, None)),
    }
}

/// [`grafana_version`] when these values deploy a Grafana that runs `min` or later: the gate
/// of the rules about settings newer Grafanas need.
pub fn grafana_from<'a>(
    ctx: &CheckContext<'a>,
    min: Version,
) -> Option<(Version, Option<&'a Value>)> {
    if !ctx.hosts_grafana() {
        return None;
    }
    grafana_version(ctx).filter(|(version, _)| *version >= min)
}

/// Formats a parsed version.
pub fn show((major, minor, patch): (u64, u64, u64)) -> String {
    format!("{major}.{minor}.{patch}")
}

/// How grafana.com names a plugin version: with a `v` up to 1.9.26, without from 1.9.27.
pub fn catalog_name(version: (u64, u64, u64)) -> String {
    if version >= (1, 9, 27) {
        show(version)
    } else {
        format!("v{}", show(version))
    }
}

/// `[section] key` as Grafana's env override names it (`GF_<SECTION>_<KEY>`, upper case,
/// dots and dashes as underscores).
pub fn env_key(section: &str, key: &str) -> String {
    let up = |s: &str| s.replace(['.', '-'], "_").to_uppercase();
    format!("GF_{}_{}", up(section), up(key))
}

/// go-ini's `parseBool`, which `Key.MustBool` uses for most Grafana settings.
pub fn ini_bool(text: &str) -> Option<bool> {
    match text.trim() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" | "YES" | "yes" | "Yes" | "y" | "ON" | "on"
        | "On" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" | "NO" | "no" | "No" | "n" | "OFF"
        | "off" | "Off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version_of(entry: &str) -> Option<&str> {
        parse_entry(entry).and_then(|(_, r, _)| r.map(|r| &entry[r]))
    }

    #[test]
    fn every_entry_form_names_its_version() {
        assert_eq!(
            parse_entry("grafana-oncall-app"),
            Some((Form::Id, None, true))
        );
        assert_eq!(version_of("grafana-oncall-app 1.16.9"), Some("1.16.9"));
        assert_eq!(version_of(" grafana-oncall-app  v1.9.0 "), Some("v1.9.0"));
        let url = "https://grafana.com/api/plugins/grafana-oncall-app/versions/v1.10.2/download;grafana-oncall-app";
        assert_eq!(version_of(url), Some("v1.10.2"));
        assert_eq!(
            parse_entry(url).map(|e| (e.0, e.2)),
            Some((Form::Url, true))
        );
        let private =
            "https://nexus.corp.example/oncall/grafana-oncall-app-1.16.9.zip;grafana-oncall-app";
        assert_eq!(version_of(private), Some("1.16.9"));
        assert_eq!(parse_entry(private).map(|e| e.2), Some(false));
        assert_eq!(
            version_of("grafana-oncall-app@1.16.9@https://nexus.corp.example/x.zip"),
            Some("1.16.9")
        );
        assert_eq!(
            parse_entry("grafana-oncall-app@@https://nexus.corp.example/x.zip").map(|e| e.1),
            Some(None)
        );
        assert_eq!(parse_entry("grafana-piechart-panel 1.6.4"), None);
        assert_eq!(parse_entry("https://x/y.zip;other-app"), None);
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
    fn grafana_names_env_overrides() {
        assert_eq!(
            env_key("auth", "managed_service_accounts_enabled"),
            "GF_AUTH_MANAGED_SERVICE_ACCOUNTS_ENABLED"
        );
        assert_eq!(
            env_key("auth.generic_oauth", "client-id"),
            "GF_AUTH_GENERIC_OAUTH_CLIENT_ID"
        );
        assert_eq!(catalog_name((1, 9, 26)), "v1.9.26");
        assert_eq!(catalog_name((1, 16, 9)), "1.16.9");
    }
}
