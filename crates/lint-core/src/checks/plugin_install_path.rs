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
use crate::values::{Kind, Value};

/// Grafana's default plugins directory.
const DEFAULT_PLUGINS: &str = "/var/lib/grafana/plugins";

/// Where the grafana chart mounts the `storage` volume in the Grafana container.
const STORAGE_MOUNT: &str = "/var/lib/grafana";

/// One volume mount: volume name, mount path, sub-path (all normalised, no trailing `/`).
#[derive(Debug, Clone)]
struct Mount {
    name: String,
    path: String,
    sub: String,
}

fn clean(path: &str) -> String {
    let t = path.trim();
    let t = t.trim_end_matches(['*', '/']);
    let t = t.strip_suffix("/.").unwrap_or(t);
    if t.is_empty() && path.trim().starts_with('/') {
        "/".into()
    } else {
        t.to_owned()
    }
}

fn under(path: &str, dir: &str) -> bool {
    // an empty sub-path is the whole volume
    dir.is_empty() || path == dir || dir == "/" || path.starts_with(&format!("{dir}/"))
}

fn join(sub: &str, rel: &str) -> String {
    match (sub.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_owned(),
        (false, true) => sub.to_owned(),
        (false, false) => format!("{sub}/{rel}"),
    }
}

fn mounts_of(list: Option<&Value>) -> Vec<Mount> {
    list.and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            let name = m.get(&["name"]).and_then(Value::scalar_string)?;
            let path = m.get(&["mountPath"]).and_then(Value::scalar_string)?;
            let sub = m
                .get(&["subPath"])
                .and_then(Value::scalar_string)
                .unwrap_or_default();
            Some(Mount {
                name,
                path: clean(&path),
                sub: clean(&sub).trim_start_matches('/').to_owned(),
            })
        })
        .collect()
}

/// Resolves a path in a container to (volume, path inside the volume) through its mounts:
/// the deepest mount that contains it wins.
fn resolve(mounts: &[Mount], path: &str) -> Option<(String, String)> {
    mounts
        .iter()
        .filter(|m| under(path, &m.path))
        .max_by_key(|m| m.path.len())
        .map(|m| {
            let rel = path
                .strip_prefix(m.path.as_str())
                .unwrap_or_default()
                .trim_start_matches('/');
            (m.name.clone(), join(&m.sub, rel))
        })
}

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
        .map(clean)
        .filter(|t| under(t, plugins) || t.split('/').any(|seg| seg == "plugins"))
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
}

/// Where the Grafana container reads plugins from.
struct PluginsDir {
    /// Grafana's plugins directory.
    plugins: String,
    /// The volume that holds it, and its path inside that volume, when a volume does.
    reads: Option<(String, String)>,
    /// The Grafana container's mount that holds it (the deepest).
    covering: Option<Mount>,
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
    let inits = ctx
        .release
        .get(&["grafana", "extraInitContainers"])
        .and_then(Value::as_seq)
        .unwrap_or_default();
    for (index, init) in inits.iter().enumerate() {
        if let Some(installer) = installer(ctx, &dir, index, init) {
            judge(ctx, &dir, installer, out);
        }
    }
}

/// Grafana's plugins directory and the Grafana container's mounts that hold it.
fn plugins_dir(ctx: &CheckContext<'_>) -> PluginsDir {
    let release = ctx.release;
    let get = |keys: &[&str]| release.get(keys);
    // the chart sets GF_PATHS_PLUGINS from `paths.plugins`; a `grafana.env` entry comes later
    let plugins = get(&["grafana", "env", "GF_PATHS_PLUGINS"])
        .or_else(|| get(&["grafana", "grafana.ini", "paths", "plugins"]))
        .and_then(Value::scalar_string)
        .filter(|p| p.trim().starts_with('/'))
        .map(|p| clean(&p))
        .unwrap_or_else(|| DEFAULT_PLUGINS.to_owned());
    let mut grafana_mounts = vec![Mount {
        name: "storage".into(),
        path: STORAGE_MOUNT.into(),
        sub: get(&["grafana", "persistence", "subPath"])
            .and_then(Value::scalar_string)
            .map(|s| clean(&s).trim_start_matches('/').to_owned())
            .unwrap_or_default(),
    }];
    for list in [
        "extraVolumeMounts",
        "extraEmptyDirMounts",
        "extraConfigmapMounts",
        "extraSecretMounts",
    ] {
        grafana_mounts.extend(mounts_of(get(&["grafana", list])));
    }
    let reads = resolve(&grafana_mounts, &plugins);
    let covering = grafana_mounts
        .iter()
        .filter(|m| under(&plugins, &m.path))
        .max_by_key(|m| m.path.len())
        .cloned();
    PluginsDir {
        plugins,
        reads,
        covering,
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
    } else if let Some(t) = found.iter().find(|t| under(t, plugins)) {
        format!("it writes to `{t}`")
    } else if mounts.iter().any(|m| under(&m.path, plugins)) {
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
                .find(|t| under(t, &dir.plugins))
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
        .filter(|m| m.name == volume && under(vpath, &m.sub))
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
    resolve(mounts, path).is_some_and(|(v, p)| v == volume && under(&p, vpath))
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
        .find(|m| m.name != volume && under(&dir.plugins, &m.path))
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
                .any(|m| under(&m.path, &c.path) || under(&c.path, &m.path))
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

    fn m(name: &str, path: &str, sub: &str) -> Mount {
        Mount {
            name: name.into(),
            path: path.into(),
            sub: sub.into(),
        }
    }

    #[test]
    fn the_deepest_mount_resolves_a_path() {
        let mounts = [
            m("storage", "/var/lib/grafana", ""),
            m("plugins", "/var/lib/grafana/plugins", "p"),
        ];
        assert_eq!(
            resolve(&mounts, "/var/lib/grafana/plugins/x"),
            Some(("plugins".into(), "p/x".into()))
        );
        assert_eq!(
            resolve(&mounts, "/var/lib/grafana/data"),
            Some(("storage".into(), "data".into()))
        );
        assert_eq!(resolve(&mounts, "/var/lib/grafana-x"), None);
    }

    #[test]
    fn targets_are_plugin_paths_in_the_script() {
        let t = targets(
            "unzip -o /tmp/p.zip -d /var/lib/grafana/plugins/ && cp -r /opt/x/* /data/plugins/",
            DEFAULT_PLUGINS,
        );
        assert_eq!(t, vec!["/var/lib/grafana/plugins", "/data/plugins"]);
    }
}
