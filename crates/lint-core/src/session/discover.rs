//! Turning paths into inputs: files as named (always linted), directories walked for values
//! files with `.gitignore` respected, `-` for standard input, and the `Chart.yaml` beside
//! each file for umbrella detection.
//!
//! A walk does not enter the trees that hold other people's values files: a chart's
//! `templates/` and `charts/` (the vendored subcharts' own defaults), installed packages,
//! version control and build output. They are skipped with the walker's `filter_entry`, so
//! they are never read; a file the user names is linted wherever it is.
//!
//! Every file read from disk is named one way, whatever was typed: relative to the working
//! directory when it is below it (`/` separators, no `./`, `..` folded), else its canonical
//! absolute path. Reports, baselines and per-release subjects then agree on `./a.yaml`,
//! `a.yaml` and `sub/../a.yaml`. The `..` folding is lexical (std has no such function, and
//! `canonicalize` would resolve symlinks below the working directory that the user, and
//! their repository, name by the link).

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::GlobSet;

use super::SessionError;
use crate::pipeline::{Bounded, NotRead, read_regular, read_stream};

/// One thing to lint.
pub(super) struct Input {
    /// The file on disk (`None` for stdin).
    pub path: Option<PathBuf>,
    /// The name to report.
    pub display: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// A `Chart.yaml` beside it (followed by `---` and the `Chart.lock`, when both exist).
    pub chart_yaml: Option<String>,
    /// Why the file was not read (over the size limit, not a regular file, an I/O error).
    pub not_read: Option<NotRead>,
}

/// Texts held in memory (an editor's unsaved buffers), read instead of the files at their
/// paths: a language server lints what the user sees, not what was last saved. Keyed by
/// canonical path (a file not yet on disk by its absolute path), so every way a run names
/// the file finds the text.
#[derive(Debug, Clone, Default)]
pub(super) struct Texts(std::collections::HashMap<PathBuf, Vec<u8>>);

impl Texts {
    /// Holds `bytes` as the content of `path`.
    pub fn insert(&mut self, path: &Path, bytes: Vec<u8>) {
        self.0.insert(text_key(path), bytes);
    }

    /// Whether a text is held for `path`.
    pub fn holds(&self, path: &Path) -> bool {
        !self.0.is_empty() && self.0.contains_key(&text_key(path))
    }

    /// The text held for `path`, else the file on disk, within `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Bounded, String> {
        if !self.0.is_empty()
            && let Some(bytes) = self.0.get(&text_key(path))
        {
            let size = bytes.len() as u64;
            return Ok(if size > limit {
                Bounded::TooLarge(size)
            } else {
                Bounded::Read(bytes.clone())
            });
        }
        read_regular(path, limit)
    }
}

/// The key a text is held under: the canonical path, else the absolute one.
fn text_key(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Which files a directory walk picks.
pub(super) struct Filter<'a> {
    /// Globs that replace the default values-file patterns.
    pub include: Option<&'a GlobSet>,
    /// Globs to skip.
    pub exclude: Option<&'a GlobSet>,
    /// The directory the globs are relative to.
    pub base: Option<&'a Path>,
}

/// Reads standard input, never more than `limit + 1` bytes of it.
pub(super) fn stdin(name: Option<&str>, limit: u64) -> Result<Input, SessionError> {
    let read =
        read_stream(std::io::stdin().lock(), limit).map_err(|reason| SessionError::Read {
            path: "standard input".into(),
            reason,
        })?;
    let (bytes, not_read) = match read {
        Bounded::Read(bytes) => (bytes, None),
        Bounded::TooLarge(size) => (Vec::new(), Some(NotRead::TooLarge(size))),
    };
    Ok(Input {
        path: None,
        display: match name {
            Some(name) if !name.is_empty() => display_name(Path::new(name)),
            Some(name) => name.to_owned(),
            None => "<stdin>".to_owned(),
        },
        bytes,
        chart_yaml: name.and_then(|n| chart_yaml_beside(Path::new(n), limit)),
        not_read,
    })
}

/// Directories a walk never enters, by name: version control, installed packages, build
/// output and virtual environments.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".jj",
    "node_modules",
    "target",
    "dist",
    "build",
    "vendor",
    ".terraform",
    "__pycache__",
    ".venv",
    "venv",
];

/// What a path names: the files to lint, and the directories a walk did not enter.
#[derive(Debug, Default)]
pub(super) struct Expanded {
    /// The files, sorted (the path itself when it is a file).
    pub files: Vec<PathBuf>,
    /// Whether the path is a directory that was walked.
    pub walked: bool,
    /// The directories skipped (a chart's `templates/` and `charts/`, `node_modules/`, ...).
    pub skipped: Vec<PathBuf>,
    /// The other YAML files of the walk (not linted on their own: the GitOps manifests
    /// among them are found, and the ConfigMaps their releases read).
    pub yaml: Vec<PathBuf>,
}

/// The files a path names: itself, or the values files below a directory (not entering
/// the directories [`skipped_dir`] names).
pub(super) fn expand(path: &Path, filter: &Filter<'_>) -> Result<Expanded, SessionError> {
    nothing_there(path)?;
    // a path that is there but cannot be looked at (a dangling symlink, a symlink loop) is
    // read as named, and the read's finding says why
    if !std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Ok(Expanded {
            files: vec![path.to_path_buf()],
            ..Expanded::default()
        });
    }
    let skipped = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&skipped);
    let walker = ignore::WalkBuilder::new(path)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .filter_entry(move |entry| {
            // the path the user named is walked whatever its name
            let skip = entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && skipped_dir(entry.path());
            if skip {
                let mut list = record.lock().unwrap_or_else(|p| p.into_inner());
                list.push(entry.path().to_path_buf());
            }
            !skip
        })
        .build();
    let mut found = Vec::new();
    let mut yaml = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| SessionError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let file = entry.path();
        if wanted(file, filter) {
            found.push(file.to_path_buf());
        } else if is_yaml(file) && !excluded(file, filter) {
            yaml.push(file.to_path_buf());
        }
    }
    found.sort();
    yaml.sort();
    let mut skipped = std::mem::take(&mut *skipped.lock().unwrap_or_else(|p| p.into_inner()));
    skipped.sort();
    Ok(Expanded {
        files: found,
        walked: true,
        skipped,
        yaml,
    })
}

/// The directory a file is in (`.` for a bare name).
pub(super) fn dir_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The YAML files in `dir` (not below): beside a named file, where a manifest that reads
/// it, or a named manifest's ConfigMaps, usually are.
pub(super) fn yaml_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| is_yaml(p))
        .collect();
    found.sort();
    found
}

/// Whether a file's name ends `.yaml` or `.yml`.
fn is_yaml(file: &Path) -> bool {
    file.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Whether the config's `exclude` leaves `file` out.
fn excluded(file: &Path, filter: &Filter<'_>) -> bool {
    let relative = filter
        .base
        .and_then(|base| relative_to(file, base))
        .unwrap_or_else(|| file.to_string_lossy().replace('\\', "/"));
    filter.exclude.is_some_and(|set| set.is_match(&relative))
}

/// Whether a walk leaves `dir` out: a name of [`SKIPPED_DIRS`], or the `templates/` or
/// `charts/` of a chart (a directory holding `Chart.yaml`), whose values files are the
/// chart's own templates and its subcharts' defaults.
fn skipped_dir(dir: &Path) -> bool {
    let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    SKIPPED_DIRS.contains(&name)
        || (matches!(name, "templates" | "charts")
            && dir
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file()))
}

fn wanted(file: &Path, filter: &Filter<'_>) -> bool {
    let relative = filter
        .base
        .and_then(|base| relative_to(file, base))
        .unwrap_or_else(|| file.to_string_lossy().replace('\\', "/"));
    if filter.exclude.is_some_and(|set| set.is_match(&relative)) {
        return false;
    }
    match filter.include {
        Some(set) => set.is_match(&relative),
        None => is_values_file(&relative),
    }
}

/// The default: `values*.yaml`, `*-values.yaml`, `*_values.yaml`, `*.values.yaml`, any YAML
/// file in a `values/` directory, and
/// Grafana plugin provisioning files (`provisioning/plugins/*.yaml`).
pub fn is_values_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    stem.starts_with("values")
        || lower.contains("/values/")
        || lower.starts_with("values/")
        || stem.ends_with("-values")
        || stem.ends_with("_values")
        || stem.ends_with(".values")
        || lower.contains("provisioning/plugins/")
}

/// Reads one file within `limit` bytes. A file over the limit, or that cannot be read (not
/// a regular file, missing, an I/O error), is an input with nothing read and the reason: a
/// finding for it, and the run goes on.
pub(super) fn read_file(path: &Path, limit: u64, texts: &Texts) -> Input {
    let (bytes, not_read) = match texts.read(path, limit) {
        Ok(Bounded::Read(bytes)) => (bytes, None),
        Ok(Bounded::TooLarge(size)) => (Vec::new(), Some(NotRead::TooLarge(size))),
        Err(reason) => (Vec::new(), Some(NotRead::Refused(reason))),
    };
    Input {
        path: Some(path.to_path_buf()),
        display: display_name(path),
        chart_yaml: not_read
            .is_none()
            .then(|| chart_yaml_beside(path, limit))
            .flatten(),
        bytes,
        not_read,
    }
}

/// Reads a YAML file a run only looks at (for GitOps manifests and the ConfigMaps they
/// read): no `Chart.yaml` beside it is read; a file over `limit`, or not a regular file,
/// is not read.
pub(super) fn read_looked_at(path: &Path, limit: u64, texts: &Texts) -> Option<Input> {
    let Ok(Bounded::Read(bytes)) = texts.read(path, limit) else {
        return None;
    };
    Some(Input {
        path: Some(path.to_path_buf()),
        display: display_name(path),
        bytes,
        chart_yaml: None,
        not_read: None,
    })
}

/// Reads the `-f` files of a release within `limit` bytes each (`-` reads stdin); a file
/// that cannot be read is an input that says why.
pub(super) fn collect_files(
    paths: &[PathBuf],
    limit: u64,
    texts: &Texts,
) -> Result<Vec<Input>, SessionError> {
    paths
        .iter()
        .map(|path| {
            if path.as_os_str() == "-" {
                return stdin(None, limit);
            }
            if !texts.holds(path) {
                nothing_there(path)?;
            }
            Ok(read_file(path, limit, texts))
        })
        .collect()
}

/// A path with nothing at it (a typo, the wrong directory) stops the run with exit 2: the
/// command is wrong, and a CI job pointed at the wrong file must not pass. A path that is
/// there but cannot be read (permission denied, a dangling symlink, a directory given to
/// `-f`, a FIFO or device) is a finding instead, and the run goes on with the other files.
fn nothing_there(path: &Path) -> Result<(), SessionError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SessionError::Read {
            path: path.display().to_string(),
            reason: "no such file or directory".into(),
        }),
        _ => Ok(()),
    }
}

fn chart_yaml_beside(path: &Path, limit: u64) -> Option<String> {
    let dir = path.parent()?;
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let text = |name: &str| match read_regular(&dir.join(name), limit) {
        Ok(Bounded::Read(bytes)) => String::from_utf8(bytes).ok(),
        _ => None,
    };
    let chart = text("Chart.yaml");
    let lock = text("Chart.lock");
    match (chart, lock) {
        // the lock pins the exact version; the Chart.yaml gives the alias
        (Some(chart), Some(lock)) => Some(format!("{chart}\n---\n{lock}")),
        (chart, lock) => chart.or(lock),
    }
}

/// `path` relative to `dir`, with `/` separators, when it is below it.
pub fn relative_to(path: &Path, dir: &Path) -> Option<String> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let absolute = absolute.canonicalize().unwrap_or(absolute);
    absolute
        .strip_prefix(dir)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

/// How a file read from disk is named in every report and baseline: relative to the
/// working directory when it is below it, else its canonical absolute path.
pub fn display_name(path: &Path) -> String {
    match std::env::current_dir() {
        Ok(cwd) => display_from(path, &cwd),
        Err(_) => slashed(&lexical(path)),
    }
}

/// [`display_name`] with `cwd` as the working directory.
fn display_from(path: &Path, cwd: &Path) -> String {
    let absolute = lexical(&cwd.join(path));
    if let Some(relative) = below(&absolute, &lexical(cwd)) {
        return relative;
    }
    // below the working directory through a symlink (or an absolute path that names it
    // another way): relative all the same; elsewhere, the one absolute name of the file
    let canonical = cwd.join(path).canonicalize().ok();
    let inside = canonical
        .as_deref()
        .zip(cwd.canonicalize().ok())
        .and_then(|(file, dir)| below(file, &dir));
    match (inside, canonical) {
        (Some(relative), _) => relative,
        (None, Some(canonical)) => canonical.display().to_string(),
        (None, None) => absolute.display().to_string(),
    }
}

/// `path` relative to `dir`, `/`-separated, when it is strictly below it.
fn below(path: &Path, dir: &Path) -> Option<String> {
    let rest = path.strip_prefix(dir).ok()?;
    (!rest.as_os_str().is_empty()).then(|| slashed(rest))
}

/// `path` with `.` dropped and each `..` folded into the name before it, without asking
/// the file system; a `..` above a root is dropped, one at the start of a relative path kept.
pub(super) fn lexical(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// A relative path with `/` between its components (whatever the platform's separator).
fn slashed(path: &Path) -> String {
    if path.is_absolute() {
        return path.display().to_string();
    }
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_folds_dots() {
        for (given, expected) in [
            ("./deploy/values.yaml", "deploy/values.yaml"),
            ("deploy/./values.yaml", "deploy/values.yaml"),
            ("deploy/sub/../values.yaml", "deploy/values.yaml"),
            ("a/b/../../values.yaml", "values.yaml"),
            ("../values.yaml", "../values.yaml"),
            ("a/../../values.yaml", "../values.yaml"),
            ("./", "."),
            ("a/..", "."),
            ("/../etc/values.yaml", "/etc/values.yaml"),
            ("/srv/./deploy/../values.yaml", "/srv/values.yaml"),
        ] {
            assert_eq!(
                lexical(Path::new(given)),
                PathBuf::from(expected),
                "{given}"
            );
        }
    }

    #[test]
    fn display_names_are_relative_below_the_working_directory() {
        let cwd = Path::new("/nonexistent-oncall-lint/repo");
        for (given, expected) in [
            ("values.yaml", "values.yaml"),
            ("./values.yaml", "values.yaml"),
            ("./deploy//values.yaml", "deploy/values.yaml"),
            ("deploy/../values.yaml", "values.yaml"),
            (
                "/nonexistent-oncall-lint/repo/deploy/values.yaml",
                "deploy/values.yaml",
            ),
            (
                "/nonexistent-oncall-lint/repo/./a/../values.yaml",
                "values.yaml",
            ),
            // outside: absolute (canonical when the file exists; these do not)
            (
                "../other/values.yaml",
                "/nonexistent-oncall-lint/other/values.yaml",
            ),
            ("/srv/values.yaml", "/srv/values.yaml"),
        ] {
            assert_eq!(display_from(Path::new(given), cwd), expected, "{given}");
        }
    }

    #[test]
    fn display_names_outside_are_canonical() {
        let cwd = std::env::temp_dir()
            .join("oncall-lint-no-such-dir")
            .join("x");
        let outside = std::env::temp_dir();
        let name = display_from(&outside, &cwd);
        let canonical = outside.canonicalize().unwrap();
        assert_eq!(name, canonical.display().to_string());
    }

    #[test]
    fn chart_folders_and_package_folders_are_skipped() {
        for name in ["node_modules", ".git", "target", "__pycache__", ".venv"] {
            assert!(skipped_dir(&Path::new("repo").join(name)), "{name}");
        }
        // not a chart's: the directory above holds no Chart.yaml
        let nowhere = Path::new("/nonexistent-oncall-lint/templates");
        assert!(!skipped_dir(nowhere));
        assert!(!skipped_dir(Path::new("deploy")));
    }

    #[test]
    fn values_file_names() {
        for yes in [
            "values.yaml",
            "values-prod.yml",
            "prod-values.yaml",
            "a/b/oncall.values.yaml",
            "x_values.yaml",
            "grafana/provisioning/plugins/oncall.yaml",
        ] {
            assert!(is_values_file(yes), "{yes}");
        }
        for no in [
            "Chart.yaml",
            "templates/deployment.yaml",
            "values.txt",
            "kustomization.yaml",
            "myvalues-notes.md",
        ] {
            assert!(!is_values_file(no), "{no}");
        }
    }
}
