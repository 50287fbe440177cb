//! What makes Grafana download plugins when it starts, and whether a failed download keeps
//! it from starting. Whatever denies Grafana the internet (an air-gapped cluster, a
//! NetworkPolicy `render networkpolicy` writes) must know this: the grafana chart's plugin
//! install (`grafana.plugins`, `GF_INSTALL_PLUGINS`) and a synchronous preinstall fail the
//! start, and Grafana crash-loops; the background preinstall of Grafana 11.5 and later
//! only logs its failure.
//!
//! It also reads what an init container in `grafana.extraInitContainers` does with a plugin
//! ([`init_containers`]): its `command`/`args`, a list or an `sh -c` script, read into what
//! it fetches (URL or OCI reference, with the plugin id and version when they are named)
//! and which directories it writes (download targets, unpack targets, `grafana cli
//! --pluginsDir`, copy destinations). A container's files reach Grafana only through a
//! volume both mount, so OC038 ties each directory to its volume; OC020/OC022 read the
//! artifacts. The reader is conservative: a command it does not know, a control structure,
//! a command substitution or a path it cannot resolve makes the whole script unread
//! (`None`), and nothing is judged from it.

use super::grafana::{Grafana, ini_bool};
use super::plugin::{DOWNLOAD_ENV, PREINSTALL_FROM};
use crate::release::Release;
use crate::values::{Kind, Value};

/// One thing that makes Grafana download plugins at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Download {
    /// The key that says so, as messages name it (`grafana.plugins`,
    /// `grafana.env.GF_INSTALL_PLUGINS`), relative to the values root.
    pub key: String,
    /// What it holds, described (`[grafana-oncall-app]`).
    pub found: String,
    /// Whether the user wrote it (else it is a chart's or Grafana's default).
    pub written: bool,
    /// Whether a failed download keeps Grafana from starting (it then crash-loops), rather
    /// than being logged.
    pub blocks_start: bool,
}

/// Everything in `release` that makes its Grafana download plugins at start: the
/// `grafana.plugins` list (the chart installs it before Grafana runs), the download env
/// variables, and on Grafana 11.5 or later the `[plugins] preinstall*` lists (Grafana's own
/// default list included) unless `preinstall_disabled` is true. Empty when no Grafana is
/// deployed.
pub(crate) fn at_start(release: &Release) -> Vec<Download> {
    let grafana = Grafana::of(release);
    if !grafana.deployed() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(plugins) = release
        .get(&["grafana", "plugins"])
        .filter(|p| p.is_truthy())
    {
        out.push(download(grafana.key_name("plugins"), plugins, true));
    }
    let preinstall = grafana.version().is_some_and(|(v, _)| v >= PREINSTALL_FROM)
        && grafana
            .setting("plugins", "preinstall_disabled")
            .is_none_or(|s| ini_bool(&s.text()) != Some(true));
    let env = release.get(&["grafana", "env"]).and_then(Value::as_map);
    for name in DOWNLOAD_ENV {
        let Some(value) = env.and_then(|e| e.get(name)).filter(|v| non_empty(v)) else {
            continue;
        };
        if name == "GF_INSTALL_PLUGINS" || preinstall {
            let key = grafana.key_name(&format!("env.{name}"));
            out.push(download(key, value, !name.ends_with("PREINSTALL")));
        }
    }
    if preinstall {
        let mut own_list = false;
        for key in ["preinstall", "preinstall_sync"] {
            let Some(value) = release
                .get(&["grafana", "grafana.ini", "plugins", key])
                .filter(|v| !v.is_null())
            else {
                continue;
            };
            own_list |= key == "preinstall";
            if non_empty(value) {
                let name = grafana.key_name(&format!("grafana.ini.plugins.{key}"));
                out.push(download(name, value, key == "preinstall_sync"));
            }
        }
        if !own_list {
            // Grafana preinstalls its own default list in the background
            out.push(Download {
                key: grafana.key_name("grafana.ini.plugins.preinstall"),
                found: "Grafana's default list".into(),
                written: false,
                blocks_start: false,
            });
        }
    }
    out
}

fn download(key: String, value: &Value, blocks_start: bool) -> Download {
    Download {
        key,
        found: value.describe(),
        written: value.site().is_some(),
        blocks_start,
    }
}

fn non_empty(value: &Value) -> bool {
    match &value.kind {
        Kind::Str(s) => !s.trim().is_empty(),
        _ => value.is_truthy(),
    }
}

/// A plugin artifact an init container fetches, as far as its source names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Artifact {
    /// Where it comes from: a URL, an OCI reference, or `grafana cli`'s catalog URL.
    pub source: String,
    /// The plugin id the source names (`grafana-oncall-app`), if it names one.
    pub plugin: Option<String>,
    /// The version the source names, as written (`1.16.9`, `v1.16.9`), if it names one.
    pub version: Option<String>,
}

/// What a step of an init container's script does with what it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepKind {
    /// Downloads (`curl`, `wget`, `oras pull`, `crane`).
    Fetch,
    /// Unpacks an archive (`unzip`, `tar x`, `gunzip`).
    Unpack,
    /// Installs with `grafana cli plugins install` into its `--pluginsDir`.
    Install,
    /// Copies or moves (`cp`, `mv`, `rsync`, `ln`).
    Copy,
    /// Writes a shell redirection's file (`> file`, `tee`).
    Output,
}

/// A place an init container writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Write {
    /// The directory written (a downloaded file's directory, an unpack target, a copy
    /// destination), absolute and normalised.
    pub dir: String,
    /// The tool that writes it (`curl`, `unzip`, `grafana cli`).
    pub tool: String,
    /// What the step does.
    pub kind: StepKind,
}

/// What an init container's command does with plugins, read from its script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct InitScript {
    /// What it fetches, in script order.
    pub fetches: Vec<Artifact>,
    /// Where it writes, in script order.
    pub writes: Vec<Write>,
}

impl InitScript {
    /// The tools of the steps of `kind`, each once, in script order.
    pub(crate) fn tools(&self, kind: StepKind) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for w in self.writes.iter().filter(|w| w.kind == kind) {
            if !out.contains(&w.tool.as_str()) {
                out.push(&w.tool);
            }
        }
        out
    }

    /// The artifacts that name a plugin id.
    pub(crate) fn plugin_artifacts(&self) -> impl Iterator<Item = &Artifact> {
        self.fetches.iter().filter(|a| a.plugin.is_some())
    }
}

/// One `grafana.extraInitContainers` item, with its script as far as it is read.
#[derive(Debug, Clone)]
pub(crate) struct InitContainer<'r> {
    /// Its index in the list.
    pub index: usize,
    /// The item.
    pub value: &'r Value,
    /// Its name (its index when it has none).
    pub name: String,
    /// What its command does; `None` when it is not followed (no command, an unknown
    /// command, a control structure, a path that is not known).
    pub script: Option<InitScript>,
}

impl InitContainer<'_> {
    /// Whether it fetches, unpacks or installs a plugin: `grafana cli plugins install`, an
    /// artifact that names a plugin id, or a download or unpack in a container whose name,
    /// image or command says `plugin`.
    pub(crate) fn handles_plugin(&self) -> bool {
        let Some(script) = &self.script else {
            return false;
        };
        if script.writes.iter().any(|w| w.kind == StepKind::Install)
            || script.plugin_artifacts().next().is_some()
        {
            return true;
        }
        let moves = script
            .writes
            .iter()
            .any(|w| matches!(w.kind, StepKind::Fetch | StepKind::Unpack));
        moves && mentions_plugin(self.value)
    }
}

/// Whether a container's name, image, command or args say `plugin`.
fn mentions_plugin(container: &Value) -> bool {
    ["name", "image", "command", "args"].iter().any(|key| {
        container.get(&[key]).is_some_and(|v| match &v.kind {
            Kind::Seq(items) => items.iter().any(|i| {
                i.scalar_string()
                    .is_some_and(|t| t.to_ascii_lowercase().contains("plugin"))
            }),
            _ => v
                .scalar_string()
                .is_some_and(|t| t.to_ascii_lowercase().contains("plugin")),
        })
    })
}

/// Every `grafana.extraInitContainers` item, read. Empty when no Grafana is deployed.
pub(crate) fn init_containers(release: &Release) -> Vec<InitContainer<'_>> {
    if !Grafana::of(release).deployed() {
        return Vec::new();
    }
    release
        .get(&["grafana", "extraInitContainers"])
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, value)| InitContainer {
            index,
            value,
            name: value
                .get(&["name"])
                .and_then(Value::scalar_string)
                .unwrap_or_else(|| format!("{index}")),
            script: read_container(value),
        })
        .collect()
}

/// What a container's `command` and `args` do, if they can be followed: both lists of
/// strings, the command given (an image's entrypoint is not known), its `env` values and
/// `workingDir` known to the script.
pub(crate) fn read_container(container: &Value) -> Option<InitScript> {
    let list = |key: &str| -> Option<Vec<String>> {
        match container.get(&[key]).map(|v| &v.kind) {
            None | Some(Kind::Null) => Some(Vec::new()),
            Some(Kind::Seq(items)) => items.iter().map(Value::scalar_string).collect(),
            _ => None,
        }
    };
    let mut argv = list("command")?;
    if argv.is_empty() {
        return None;
    }
    argv.extend(list("args")?);
    let mut shell = script::Shell::default();
    if let Some(env) = container.get(&["env"]).and_then(Value::as_seq) {
        for entry in env {
            let name = entry.get(&["name"]).and_then(Value::scalar_string);
            let value = entry.get(&["value"]).and_then(Value::scalar_string);
            if let (Some(name), Some(value)) = (name, value) {
                shell.vars.insert(name, value);
            }
        }
    }
    shell.cwd = container
        .get(&["workingDir"])
        .and_then(Value::scalar_string)
        .filter(|d| d.starts_with('/'))
        .map(|d| script::normalise(&d));
    shell.run_argv(&argv, 0)?;
    Some(shell.out)
}

/// What a URL or an OCI reference names: a grafana.com download
/// (`/api/plugins/<id>/versions/<v>/download`), a GitHub release asset
/// (`/releases/download/<tag>/<id>-<v>.zip`), a file name `<id>-<v>.zip`, an OCI
/// reference `…/<id>:<tag>`. Plugin ids are Grafana's `<org>-<name>-<type>` (type `app`,
/// `panel`, `datasource`).
pub(crate) fn artifact(source: &str) -> Artifact {
    let mut found = Artifact {
        source: source.to_owned(),
        plugin: None,
        version: None,
    };
    let known = |v: &str| !v.is_empty() && !v.contains('$');
    let no_query = source.split(['?', '#']).next().unwrap_or_default();
    let segs: Vec<&str> = no_query.split('/').collect();
    if let Some(at) = segs.windows(2).position(|w| w == ["api", "plugins"]) {
        let id = segs.get(at + 2).copied().unwrap_or_default();
        if plugin_id(id) {
            found.plugin = Some(id.to_owned());
            if segs.get(at + 3) == Some(&"versions") {
                found.version = segs
                    .get(at + 4)
                    .filter(|v| known(v))
                    .map(|v| (*v).to_owned());
            }
        }
        return found;
    }
    let last = segs.last().copied().unwrap_or_default();
    if !source.contains("://")
        && let Some((repo, tag)) = last.rsplit_once(':')
    {
        // an OCI reference: registry/…/<name>:<tag>
        if plugin_id(repo) {
            found.plugin = Some(repo.to_owned());
        }
        if known(tag) && tag.starts_with(|c: char| c.is_ascii_digit() || c == 'v') {
            found.version = Some(tag.to_owned());
        }
        return found;
    }
    let stem = ["zip", "tar.gz", "tgz", "tar"]
        .iter()
        .find_map(|ext| last.strip_suffix(&format!(".{ext}")))
        .unwrap_or_default();
    // `<id>-<version>[.<os>_<arch>]` or `<id>`
    let split = stem.char_indices().find_map(|(i, c)| {
        let rest = &stem[i + 1..];
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        (c == '-' && rest.starts_with(|d: char| d.is_ascii_digit())).then_some(i)
    });
    let (id, version) = match split {
        Some(i) => {
            let v = &stem[i + 1..];
            (&stem[..i], Some(v.strip_prefix('v').unwrap_or(v)))
        }
        None => (stem, None),
    };
    if plugin_id(id) {
        found.plugin = Some(id.to_owned());
        let version = version.map(|v| v.split(['.', '_']).take(3).collect::<Vec<_>>().join("."));
        found.version = version.filter(|v| known(v));
    }
    if found.version.is_none()
        && let Some(at) = segs.windows(2).position(|w| w == ["releases", "download"])
        && found.plugin.is_some()
    {
        found.version = segs
            .get(at + 2)
            .filter(|v| known(v))
            .map(|v| (*v).to_owned());
    }
    found
}

/// Whether `id` has the shape of a Grafana plugin id: `<org>-<name>-<type>`, lower case.
fn plugin_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && matches!(parts.last(), Some(&("app" | "panel" | "datasource")))
}

mod script;

#[cfg(test)]
mod tests {
    use super::*;

    fn named(source: &str) -> (Option<String>, Option<String>) {
        let a = artifact(source);
        (a.plugin, a.version)
    }

    fn some(id: &str, v: &str) -> (Option<String>, Option<String>) {
        (Some(id.to_owned()), Some(v.to_owned()))
    }

    #[test]
    fn artifacts_name_the_plugin_and_version_where_the_source_does() {
        assert_eq!(
            named("https://grafana.com/api/plugins/grafana-oncall-app/versions/1.16.9/download"),
            some("grafana-oncall-app", "1.16.9")
        );
        assert_eq!(
            named(
                "https://github.com/grafana/oncall/releases/download/v1.16.9/grafana-oncall-app-1.16.9.zip"
            ),
            some("grafana-oncall-app", "1.16.9")
        );
        assert_eq!(
            named("https://github.com/o/r/releases/download/v2.0.1/acme-x2-panel.zip"),
            some("acme-x2-panel", "v2.0.1")
        );
        assert_eq!(
            named("harbor.corp.example/grafana-plugins/grafana-oncall-app:v1.16.9"),
            some("grafana-oncall-app", "v1.16.9")
        );
        assert_eq!(
            named("https://mirror.example/p/grafana-oncall-app-v1.16.9.linux_amd64.zip"),
            some("grafana-oncall-app", "1.16.9")
        );
        assert_eq!(
            named("https://api.github.com/repos/o/r/releases/assets/122449336"),
            (None, None)
        );
        assert_eq!(
            named("https://grafana.com/api/plugins/grafana-oncall-app/versions/$V/download"),
            (Some("grafana-oncall-app".into()), None)
        );
    }
}
