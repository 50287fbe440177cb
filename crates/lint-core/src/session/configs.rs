//! Finding `.oncall-lint.yaml`: a named file, else the nearest one looking upward from
//! each linted file (stopping at the repository root, the directory holding `.git`), or
//! none at all. Each file is read and validated once; a bad config stops the run with its
//! line and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::SessionError;
use super::discover::relative_to;
use crate::config::{FILE_NAME, LoadedConfig};
use crate::options::LintOptions;

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

/// Where configs come from for this run.
#[derive(Debug)]
pub struct Configs {
    explicit: Option<Arc<Found>>,
    disabled: bool,
    cache: Mutex<HashMap<PathBuf, Option<Arc<Found>>>>,
}

impl Configs {
    /// Reads the named config now, if there is one.
    pub fn new(explicit: Option<&Path>, disabled: bool) -> Result<Configs, SessionError> {
        let explicit = match explicit {
            Some(path) => Some(Arc::new(load(path)?)),
            None => None,
        };
        Ok(Configs {
            explicit,
            disabled,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The config that governs `path` (a file or directory), if any.
    pub fn for_path(&self, path: &Path) -> Result<Option<Arc<Found>>, SessionError> {
        if self.disabled {
            return Ok(None);
        }
        if let Some(found) = &self.explicit {
            return Ok(Some(found.clone()));
        }
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| SessionError::Read {
                    path: ".".into(),
                    reason: format!("cannot read the current directory: {e}"),
                })?
                .join(path)
        };
        let start = if absolute.is_dir() {
            absolute
        } else {
            absolute.parent().map(Path::to_path_buf).unwrap_or(absolute)
        };
        let mut dir = Some(start.as_path());
        let mut visited = Vec::new();
        let mut result = None;
        // a panic elsewhere while holding the lock leaves the cache usable: it only grows
        let cached = |dir: &Path| {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.get(dir).cloned()
        };
        while let Some(current) = dir {
            if let Some(found) = cached(current) {
                result = found;
                break;
            }
            visited.push(current.to_path_buf());
            let candidate = current.join(FILE_NAME);
            if candidate.is_file() {
                result = Some(Arc::new(load(&candidate)?));
                break;
            }
            if current.join(".git").exists() {
                break;
            }
            dir = current.parent();
        }
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        for v in visited {
            cache.insert(v, result.clone());
        }
        Ok(result)
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
        }
        Ok(found)
    }
}

fn load(path: &Path) -> Result<Found, SessionError> {
    let text = std::fs::read_to_string(path).map_err(|e| SessionError::Read {
        path: path.display().to_string(),
        reason: format!("cannot read the config: {e}"),
    })?;
    let config = LoadedConfig::parse(&path.display().to_string(), &text)?;
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
    Ok(Found {
        file: path.to_path_buf(),
        dir,
        config,
    })
}
