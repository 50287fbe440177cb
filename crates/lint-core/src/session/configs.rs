//! Finding `.oncall-lint.yaml`: a named file, else the nearest one looking upward from
//! each linted file, or none at all. Each file is read (within the size limit) and
//! validated once; a bad config stops the run with its line and column.
//!
//! A config found by looking upward comes with whatever tree the file is in, so the search
//! is kept short and the files trusted:
//! - it stops at the repository root: the first directory holding `.git` or `.hg` (a
//!   directory, or a file as in a worktree or submodule);
//! - with no repository above, it stops at the working directory when the file is below it,
//!   else at the file's own directory: never at `/` or in a stranger's home;
//! - a config not owned by the current user or root is ignored (someone else could have
//!   written it), and the outcome says so.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::SessionError;
use super::discover::relative_to;
use crate::config::{FILE_NAME, LoadedConfig};
use crate::options::LintOptions;
use crate::pipeline::{Bounded, read_regular};

/// A loaded config and the directory its relative paths start from.
#[derive(Debug)]
pub struct Found {
    /// The config file, as found or given.
    pub file: PathBuf,
    /// The config file's directory.
    pub dir: PathBuf,
    /// The config.
    pub config: LoadedConfig,
}

/// Which config files a run used, and which it found and ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigUse {
    /// The config files applied to some input.
    pub used: Vec<PathBuf>,
    /// Config files found upward and ignored, with their owner's uid: owned by neither
    /// the current user nor root.
    pub ignored: Vec<(PathBuf, u32)>,
}

/// Where configs come from for this run.
#[derive(Debug)]
pub struct Configs {
    explicit: Option<Arc<Found>>,
    disabled: bool,
    limit: u64,
    /// The working directory, resolved: where a search with no repository stops.
    cwd: Option<PathBuf>,
    /// The search's answer per start directory.
    cache: Mutex<HashMap<PathBuf, Option<Arc<Found>>>>,
    /// Each config file read, once: parsing compiles its globs and custom rules' regular
    /// expressions, which a run over many directories must not repeat per directory.
    loaded: Mutex<HashMap<PathBuf, Arc<Found>>>,
    used: Mutex<BTreeSet<PathBuf>>,
    ignored: Mutex<BTreeMap<PathBuf, u32>>,
}

impl Configs {
    /// Reads the named config now, if there is one; `limit` bounds every config read.
    pub fn new(
        explicit: Option<&Path>,
        disabled: bool,
        limit: u64,
    ) -> Result<Configs, SessionError> {
        let explicit = match explicit {
            Some(path) => Some(Arc::new(load(path, limit)?)),
            None => None,
        };
        Ok(Configs {
            explicit,
            disabled,
            limit,
            cwd: std::env::current_dir()
                .ok()
                .map(|d| d.canonicalize().unwrap_or(d)),
            cache: Mutex::new(HashMap::new()),
            loaded: Mutex::new(HashMap::new()),
            used: Mutex::new(BTreeSet::new()),
            ignored: Mutex::new(BTreeMap::new()),
        })
    }

    /// Which config files were used and which were ignored, so far.
    pub fn usage(&self) -> ConfigUse {
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let ignored = self.ignored.lock().unwrap_or_else(|p| p.into_inner());
        ConfigUse {
            used: used.iter().cloned().collect(),
            ignored: ignored.iter().map(|(f, uid)| (f.clone(), *uid)).collect(),
        }
    }

    /// The config that governs `path` (a file or directory), if any.
    pub fn for_path(&self, path: &Path) -> Result<Option<Arc<Found>>, SessionError> {
        if self.disabled {
            return Ok(None);
        }
        if let Some(found) = &self.explicit {
            return Ok(Some(found.clone()));
        }
        let Some(cwd) = self.cwd.clone() else {
            return Ok(None);
        };
        let absolute = cwd.join(path);
        let start = if absolute.is_dir() {
            absolute
        } else {
            absolute.parent().map(Path::to_path_buf).unwrap_or(absolute)
        };
        let start = start.canonicalize().unwrap_or(start);
        // a panic elsewhere while holding the lock leaves the cache usable: it only grows
        let cached = {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.get(&start).cloned()
        };
        let result = match cached {
            Some(result) => result,
            None => {
                let result = self.search(&start, &cwd)?;
                let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
                cache.insert(start, result.clone());
                result
            }
        };
        Ok(result)
    }

    /// The nearest trusted config from `start` up to where the search stops.
    fn search(&self, start: &Path, cwd: &Path) -> Result<Option<Arc<Found>>, SessionError> {
        let ancestors: Vec<&Path> = start.ancestors().collect();
        let last = match ancestors.iter().position(|d| repository_root(d)) {
            Some(root) => root,
            None => {
                let stop = if start.starts_with(cwd) { cwd } else { start };
                ancestors.iter().position(|d| *d == stop).unwrap_or(0)
            }
        };
        for dir in ancestors.iter().take(last + 1) {
            let candidate = dir.join(FILE_NAME);
            let Ok(meta) = std::fs::metadata(&candidate) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            if let Some(owner) = untrusted_owner(&meta) {
                let mut ignored = self.ignored.lock().unwrap_or_else(|p| p.into_inner());
                ignored.insert(candidate, owner);
                continue;
            }
            return self.load_once(candidate).map(Some);
        }
        Ok(None)
    }

    /// The config file `file`, read and validated the first time it is asked for.
    fn load_once(&self, file: PathBuf) -> Result<Arc<Found>, SessionError> {
        let known = {
            let loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
            loaded.get(&file).cloned()
        };
        if let Some(found) = known {
            return Ok(found);
        }
        let found = Arc::new(load(&file, self.limit)?);
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        loaded.insert(file, found.clone());
        Ok(found)
    }

    /// Applies the config governing `path` to `options`.
    pub fn apply(
        &self,
        path: &Path,
        options: &mut LintOptions,
    ) -> Result<Option<Arc<Found>>, SessionError> {
        let found = self.for_path(path)?;
        if let Some(found) = &found {
            let relative = relative_to(path, &found.dir);
            found.config.apply(options, relative.as_deref());
            let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
            used.insert(found.file.clone());
        }
        Ok(found)
    }
}

/// Whether `dir` is a repository's root: it holds `.git` or `.hg` (a directory, or a file).
fn repository_root(dir: &Path) -> bool {
    [".git", ".hg"]
        .iter()
        .any(|name| std::fs::symlink_metadata(dir.join(name)).is_ok())
}

/// The owner of a config file when it is neither the current user nor root.
#[cfg(unix)]
fn untrusted_owner(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail
    let me = unsafe { libc::geteuid() };
    let owner = meta.uid();
    (owner != me && owner != 0).then_some(owner)
}

/// Elsewhere, files have no single owner to compare.
#[cfg(not(unix))]
fn untrusted_owner(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

/// Reads and validates one config file, within `limit` bytes.
fn load(path: &Path, limit: u64) -> Result<Found, SessionError> {
    let error = |reason: String| SessionError::Read {
        path: path.display().to_string(),
        reason: format!("cannot read the config: {reason}"),
    };
    let bytes = match read_regular(path, limit).map_err(error)? {
        Bounded::Read(bytes) => bytes,
        Bounded::TooLarge(size) => {
            return Err(error(format!(
                "it is {size} bytes, over the {limit}-byte limit (--max-file-size)"
            )));
        }
    };
    let text = String::from_utf8(bytes).map_err(|_| error("it is not UTF-8 text".into()))?;
    let dir = path
        .parent()
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .unwrap_or(Path::new("."));
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let config = LoadedConfig::parse_in(&path.display().to_string(), &text, Some(&dir))?;
    Ok(Found {
        file: path.to_path_buf(),
        dir,
        config,
    })
}
