//! OC038 plugin-install-path: an init container in `grafana.extraInitContainers` that installs
//! plugins must write them where the Grafana container reads them: Grafana's plugins
//! directory (`paths.plugins`, default `/var/lib/grafana/plugins`) lies on a volume the
//! Grafana container mounts (usually `storage` at `/var/lib/grafana`), and the init container
//! must mount that same volume so that what it writes lands in that directory. Anything else
//! goes to the init container's own filesystem and is gone when Grafana starts.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Fix, Location};
use crate::fix::Op;
use crate::path::Seg;
use crate::model::plugin_downloads::{self, InitContainer, StepKind};
use crate::model::volumes::{
    Mount, clean_path, covering, grafana_mounts, mounts_of, path_under, resolve, views,
};
use crate::values::{Kind, Value};

/// Grafana's default plugins directory.
const DEFAULT_PLUGINS: &str = "/var/lib/grafana/plugins";

/// The text of a container's `command` and `args` (lists or strings).
fn script(container: &Value) -> String {
    let mut parts = Vec::new();
    for key in ["command", "args"] {
        match container.get(&[key]).map(|v| &v.kind) {
            Some(Kind::Seq(items)) => {
                parts.extend(items.iter().filter_map(Value::scalar_string));
            }
            Some(Kind::Str(s)) => parts.push(s.clone()),
            _ => {}
        }
    }
    parts.join(" ")
}

/// Absolute paths in a script that name a plugins directory (or below one).
fn targets(script: &str, plugins: &str) -> Vec<String> {
    script
        .split(|c: char| c.is_whitespace() || "\"';&|=>()`,".contains(c))
        .filter(|t| t.starts_with('/'))
        .map(clean_path)
        .filter(|t| path_under(t, plugins) || t.split('/').any(|seg| seg == "plugins"))
        .collect()
}

/// What OC038 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The init container does not mount the volume part that holds Grafana's plugins
    /// directory.
    NotMounted {
        /// The init container's name (its index when it has none).
        name: String,
        /// Why it is taken to install plugins.
        why: String,
        /// The volume that holds Grafana's plugins directory.
        volume: String,
        /// Grafana's plugins directory.
        plugins: String,
        /// A volume of the init container's own mounted over the plugins directory (empty
        /// when none).
        own: String,
        /// Where the Grafana container mounts that volume (empty when not known).
        mount: String,
    },
    /// The init container writes plugins outside Grafana's plugins directory.
    WrongTarget {
        /// The init container's name (its index when it has none).
        name: String,
        /// Where it writes plugins.
        target: String,
        /// Where Grafana's plugins directory is in the init container.
        view: String,
        /// The volume that holds Grafana's plugins directory.
        volume: String,
        /// Where the Grafana container mounts that volume (empty when not known).
        mount: String,
    },
    /// Grafana's plugins directory is on no volume of the Grafana container.
    NoVolume {
        /// The init container's name (its index when it has none).
        name: String,
        /// Why it is taken to install plugins.
        why: String,
        /// Grafana's plugins directory.
        plugins: String,
    },
    /// The init container fetches, unpacks or installs a plugin, and nothing it writes
    /// reaches Grafana's plugins directory through a volume both containers mount.
    InstallsNothing {
        /// The init container's name (its index when it has none).
        name: String,
        /// What it does, with its tools (`downloads a plugin (`curl`) and unpacks it
        /// (`unzip`)`).
        does: String,
        /// The directory it writes the plugin to (the last unpack or install target, else
        /// the last directory written).
        dir: String,
        /// The volume that directory is on in the init container (empty when none).
        volume: String,
        /// That volume, when it is another than the one holding Grafana's plugins
        /// directory (empty otherwise).
        other: String,
        /// Where the Grafana container mounts that volume (empty when it does not).
        seen: String,
        /// Grafana's plugins directory.
        plugins: String,
        /// The volume that holds Grafana's plugins directory.
        shared: String,
        /// Where the Grafana container mounts that volume.
        mount: String,
        /// Where the init container has Grafana's plugins directory, through its own mount
        /// of that volume (empty when it has none).
        view: String,
    },
}

/// Where the Grafana container reads plugins from.
struct PluginsDir {
    /// Grafana's plugins directory.
    plugins: String,
    /// The volume that holds it, and its path inside that volume, when a volume does.
    reads: Option<(String, String)>,
    /// The Grafana container's mount that holds it (the deepest).
    covering: Option<Mount>,
    /// The Grafana container's mounts.
    mounts: Vec<Mount>,
}

/// An init container taken to install plugins, as the findings about it read it.
struct Installer<'v> {
    /// Its index in `grafana.extraInitContainers`.
    index: usize,
    /// The container.
    value: &'v Value,
    /// Its name (its index when it has none).
    name: String,
    /// Its volume mounts.
    mounts: Vec<Mount>,
    /// The plugin paths its script names.
    found: Vec<String>,
    /// Why it is taken to install plugins.
    why: String,
    /// Where to report it: its name, else the whole container.
    location: Location,
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let dir = plugins_dir(ctx);
    // a plugins path set from a Secret or ConfigMap is not known here
    let known = ctx.grafana().env_from_secret("paths", "plugins").is_none();
    for init in plugin_downloads::init_containers(ctx.release) {
        if init.value.site().is_none() {
            continue;
        }
        if known && dir.reads.is_some() && init.handles_plugin() {
            judge_script(ctx, &dir, &init, out);
        } else if let Some(installer) = installer(ctx, &dir, init.index, init.value) {
            judge(ctx, &dir, installer, out);
        }
    }
}

/// Reports an init container whose script is read and handles a plugin, when nothing it
/// writes reaches Grafana's plugins directory: each directory it writes is on a volume of
/// its own mounts, and that volume must be one the Grafana container mounts at, above or
/// below its plugins directory, at the part written.
fn judge_script(
    ctx: &CheckContext<'_>,
    dir: &PluginsDir,
    init: &InitContainer<'_>,
    out: &mut Emitter<'_, Message>,
) {
    let (Some(script), Some((shared, vpath))) = (&init.script, &dir.reads) else {
        return;
    };
    let own = mounts_of(init.value.get(&["volumeMounts"]));
    let on_line = |p: &str| path_under(p, &dir.plugins) || path_under(&dir.plugins, p);
    let reaches = |written: &str| {
        resolve(&own, written).is_some_and(|(volume, part)| {
            views(&dir.mounts, &volume, &part)
                .iter()
                .any(|v| on_line(v))
        })
    };
    if script.writes.is_empty() || script.writes.iter().any(|w| reaches(&w.dir)) {
        return;
    }
    let main = script
        .writes
        .iter()
        .rev()
        .find(|w| matches!(w.kind, StepKind::Unpack | StepKind::Install | StepKind::Copy))
        .or(script.writes.last());
    let Some(main) = main else {
        return;
    };
    let on = resolve(&own, &main.dir);
    let seen = on
        .as_ref()
        .and_then(|(volume, part)| views(&dir.mounts, volume, part).into_iter().next())
        .unwrap_or_default();
    let mount = dir
        .covering
        .as_ref()
        .map(|m| m.path.clone())
        .unwrap_or_default();
    let fix = script_fix(ctx, dir, init, &own, &main.dir, main.kind, (shared, vpath));
    let volume = on.map(|(v, _)| v).unwrap_or_default();
    let message = Message::InstallsNothing {
        name: init.name.clone(),
        does: does(script),
        dir: main.dir.clone(),
        other: if volume == *shared {
            String::new()
        } else {
            volume.clone()
        },
        volume,
        seen,
        plugins: dir.plugins.clone(),
        shared: shared.clone(),
        mount,
        view: plugins_view(&own, shared, vpath).unwrap_or_default(),
    };
    let location = init_location(ctx, init.index, init.value);
    out.emit(message, location).with_fix(fix);
}

/// What a script does with a plugin, with its tools: `downloads a plugin (`curl`) and
/// unpacks it (`unzip`)`.
fn does(script: &plugin_downloads::InitScript) -> String {
    let tools = |kind| {
        script
            .tools(kind)
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    for (kind, verb) in [
        (StepKind::Fetch, "downloads"),
        (StepKind::Unpack, "unpacks"),
        (StepKind::Install, "installs"),
        (StepKind::Copy, "copies"),
    ] {
        let used = tools(kind);
        if !used.is_empty() {
            let what = if parts.is_empty() { "a plugin" } else { "it" };
            parts.push(format!("{verb} {what} ({used})"));
        }
    }
    match parts.len() {
        0 => "writes a plugin".to_owned(),
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

/// Where to report an init container: its name, else the whole item.
fn init_location(ctx: &CheckContext<'_>, index: usize, init: &Value) -> Location {
    let release = ctx.release;
    let init_path = release
        .key_path(&["grafana", "extraInitContainers"])
        .index(index);
    match (init.get(&["name"]).and_then(Value::site), init.site()) {
        (Some(s), _) => release.site_location(s, init_path.key("name"), false),
        (None, Some(s)) => release.site_location(s, init_path, false),
        (None, None) => release.blame(&["grafana", "extraInitContainers"]),
    }
}

/// The fix for an init container that installs nothing: when it writes Grafana's plugins
/// path by name (`/var/lib/grafana/plugins`) on its own filesystem, mount the volume there
/// the way the Grafana container does; when it unpacks into a directory of its own
/// (`/tmp/plugin`), mount the part of the volume that is Grafana's plugins directory
/// there. Offered only when none of its mounts sits at or around that place.
fn script_fix(
    ctx: &CheckContext<'_>,
    dir: &PluginsDir,
    init: &InitContainer<'_>,
    own: &[Mount],
    target: &str,
    kind: StepKind,
    (shared, vpath): (&String, &String),
) -> Option<Fix> {
    let clear = |at: &str| {
        !own.iter().any(|m| m.name == *shared)
            && !own
                .iter()
                .any(|m| path_under(&m.path, at) || path_under(at, &m.path))
    };
    let writes_plugins = init.script.as_ref().is_some_and(|s| {
        s.writes.iter().any(|w| path_under(&w.dir, &dir.plugins))
    });
    let (at, sub, title) = match &dir.covering {
        Some(c) if writes_plugins && c.sub.is_empty() && clear(&c.path) => (
            c.path.clone(),
            String::new(),
            format!("mount `{}` at `{}` in `{}`", c.name, c.path, init.name),
        ),
        _ if matches!(kind, StepKind::Unpack | StepKind::Install)
            && target.matches('/').count() >= 2
            && clear(target) =>
        {
            (
                target.to_owned(),
                vpath.clone(),
                format!(
                    "mount `{shared}` at `{target}` in `{}`: what it unpacks there lands in Grafana's plugins directory",
                    init.name
                ),
            )
        }
        _ => return None,
    };
    let origin = init.value.origin.clone();
    let text = |s: &str| Value::new(Kind::Str(s.to_owned()), origin.clone());
    let mut item = crate::values::Map::default();
    item.insert("name".to_owned(), text(shared));
    item.insert("mountPath".to_owned(), text(&at));
    if !sub.is_empty() {
        item.insert("subPath".to_owned(), text(&sub));
    }
    let mut path = Seg::keys(&["grafana", "extraInitContainers"]);
    path.push(Seg::Index(init.index));
    path.push(Seg::Key("volumeMounts".into()));
    ctx.fix_at(
        Some(init.value),
        title,
        Applicability::Unsafe,
        vec![Op::Append {
            path,
            item: Value::new(Kind::map(item), origin),
        }],
    )
}

/// Grafana's plugins directory and the Grafana container's mounts that hold it.
fn plugins_dir(ctx: &CheckContext<'_>) -> PluginsDir {
    let release = ctx.release;
    // the chart sets GF_PATHS_PLUGINS from `paths.plugins`; a `grafana.env` entry comes later
    let plugins = Some(ctx.grafana().plugins_path())
        .filter(|p| p.starts_with('/'))
        .map(|p| clean_path(&p))
        .unwrap_or_else(|| DEFAULT_PLUGINS.to_owned());
    let grafana_mounts = grafana_mounts(release);
    let reads = resolve(&grafana_mounts, &plugins);
    let covering = covering(&grafana_mounts, &plugins).cloned();
    PluginsDir {
        plugins,
        reads,
        covering,
        mounts: grafana_mounts,
    }
}

/// The init container at `index` as an installer of plugins, when a user wrote it and it is
/// taken to install plugins.
fn installer<'v>(
    ctx: &CheckContext<'_>,
    dir: &PluginsDir,
    index: usize,
    init: &'v Value,
) -> Option<Installer<'v>> {
    let release = ctx.release;
    let site = init.site()?;
    let name = init
        .get(&["name"])
        .and_then(Value::scalar_string)
        .unwrap_or_else(|| format!("{index}"));
    let text = script(init);
    let mounts = mounts_of(init.get(&["volumeMounts"]));
    let found = targets(&text, &dir.plugins);
    let why = why_installs(init, &text, &found, &mounts, &dir.plugins)?;
    let init_path = release
        .key_path(&["grafana", "extraInitContainers"])
        .index(index);
    let location = match init.get(&["name"]).and_then(Value::site) {
        Some(s) => release.site_location(s, init_path.key("name"), false),
        None => release.site_location(site, init_path, false),
    };
    Some(Installer {
        index,
        value: init,
        name,
        mounts,
        found,
        why,
        location,
    })
}

/// Why an init container (its script `text`, the plugin paths `found` in it, its `mounts`)
/// is taken to install plugins into `plugins`, if it is.
fn why_installs(
    init: &Value,
    text: &str,
    found: &[String],
    mounts: &[Mount],
    plugins: &str,
) -> Option<String> {
    let image = init
        .get(&["image"])
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let why = if text.contains("plugins install") {
        "it runs `grafana cli plugins install`".to_owned()
    } else if let Some(t) = found.iter().find(|t| path_under(t, plugins)) {
        format!("it writes to `{t}`")
    } else if mounts.iter().any(|m| path_under(&m.path, plugins)) {
        format!("it mounts a volume at `{plugins}`")
    } else if image.contains(crate::model::plugin::PLUGIN_ID)
        || text.contains(crate::model::plugin::PLUGIN_ID)
    {
        "it names `grafana-oncall-app`".to_owned()
    } else {
        return None;
    };
    Some(why)
}

/// Reports an installer whose plugins do not land in Grafana's plugins directory: no volume
/// holds it, the installer does not mount it, or it writes elsewhere.
fn judge(
    ctx: &CheckContext<'_>,
    dir: &PluginsDir,
    installer: Installer<'_>,
    out: &mut Emitter<'_, Message>,
) {
    let Some((volume, vpath)) = dir.reads.clone() else {
        out.emit(
            Message::NoVolume {
                name: installer.name,
                why: installer.why,
                plugins: dir.plugins.clone(),
            },
            installer.location,
        );
        return;
    };
    let mount = dir
        .covering
        .as_ref()
        .map(|m| m.path.clone())
        .unwrap_or_default();
    match plugins_view(&installer.mounts, &volume, &vpath) {
        None => not_mounted(ctx, dir, installer, volume, mount, out),
        Some(view) => {
            if installer.found.is_empty()
                || installer
                    .found
                    .iter()
                    .any(|t| lands(&installer.mounts, t, &volume, &vpath))
            {
                return;
            }
            let target = installer
                .found
                .iter()
                .find(|t| path_under(t, &dir.plugins))
                .or(installer.found.first())
                .cloned()
                .unwrap_or_default();
            let message = Message::WrongTarget {
                name: installer.name,
                target,
                view,
                volume,
                mount,
            };
            out.emit(message, installer.location);
        }
    }
}

/// Where Grafana's plugins directory (at `vpath` in `volume`) is in a container with these
/// mounts, if it mounts it.
fn plugins_view(mounts: &[Mount], volume: &str, vpath: &str) -> Option<String> {
    mounts
        .iter()
        .filter(|m| m.name == volume && path_under(vpath, &m.sub))
        .min_by_key(|m| m.path.len())
        .map(|m| {
            let rel = vpath
                .strip_prefix(m.sub.as_str())
                .unwrap_or_default()
                .trim_start_matches('/');
            if rel.is_empty() {
                m.path.clone()
            } else {
                format!("{}/{rel}", m.path.trim_end_matches('/'))
            }
        })
}

/// Whether what a container with these mounts writes at `path` lands in Grafana's plugins
/// directory (at `vpath` in `volume`).
fn lands(mounts: &[Mount], path: &str, volume: &str, vpath: &str) -> bool {
    resolve(mounts, path).is_some_and(|(v, p)| v == volume && path_under(&p, vpath))
}

/// Reports an installer that does not mount `volume`, the one that holds Grafana's plugins
/// directory (which the Grafana container mounts at `mount`).
fn not_mounted(
    ctx: &CheckContext<'_>,
    dir: &PluginsDir,
    installer: Installer<'_>,
    volume: String,
    mount: String,
    out: &mut Emitter<'_, Message>,
) {
    // a volume of its own that the init container mounts over the plugins directory
    let own = installer
        .mounts
        .iter()
        .find(|m| m.name != volume && path_under(&dir.plugins, &m.path))
        .map(|m| m.name.clone());
    let fix = mount_fix(ctx, dir.covering.as_ref(), &installer);
    let message = Message::NotMounted {
        name: installer.name,
        why: installer.why,
        volume,
        plugins: dir.plugins.clone(),
        own: own.unwrap_or_default(),
        mount,
    };
    out.emit(message, installer.location).with_fix(fix);
}

/// Mounts the volume in the installer where the Grafana container has it (`covering`), when
/// nothing of the init container's own sits in the way.
fn mount_fix(
    ctx: &CheckContext<'_>,
    covering: Option<&Mount>,
    installer: &Installer<'_>,
) -> Option<Fix> {
    let mounts = &installer.mounts;
    let c = covering.filter(|c| {
        c.sub.is_empty()
            && !mounts.iter().any(|m| m.name == c.name)
            && !mounts
                .iter()
                .any(|m| path_under(&m.path, &c.path) || path_under(&c.path, &m.path))
    })?;
    let init = installer.value;
    let mut path = Seg::keys(&["grafana", "extraInitContainers"]);
    path.push(Seg::Index(installer.index));
    path.push(Seg::Key("volumeMounts".into()));
    let origin = init.origin.clone();
    let mut item = crate::values::Map::default();
    item.insert(
        "name".to_owned(),
        Value::new(Kind::Str(c.name.clone()), origin.clone()),
    );
    item.insert(
        "mountPath".to_owned(),
        Value::new(Kind::Str(c.path.clone()), origin.clone()),
    );
    ctx.fix_at(
        Some(init),
        format!("mount `{}` at `{}` in `{}`", c.name, c.path, installer.name),
        Applicability::Unsafe,
        vec![Op::Append {
            path,
            item: Value::new(Kind::map(item), origin),
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_plugin_paths_in_the_script() {
        let t = targets(
            "unzip -o /tmp/p.zip -d /var/lib/grafana/plugins/ && cp -r /opt/x/* /data/plugins/",
            DEFAULT_PLUGINS,
        );
        assert_eq!(t, vec!["/var/lib/grafana/plugins", "/data/plugins"]);
    }
}
