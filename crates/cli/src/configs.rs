//! Finding `.oncall-lint.yaml`: `--config FILE`, else the nearest one looking upward from
//! each linted file (stopping at the repository root, the directory holding `.git`), unless
//! `--no-config`. Each file is read and validated once; a bad config stops the run (exit 2)
//! with its line and column.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use oncall_lint_core::LintOptions;
use oncall_lint_core::config::{FILE_NAME, LoadedConfig};

/// A loaded config and the directory its relative paths start from.
pub struct Found {
    /// The config file's directory.
    pub dir: PathBuf,
    /// The config.
    pub config: LoadedConfig,
}

/// Where configs come from for this run.
pub struct Configs {
    explicit: Option<Rc<Found>>,
    disabled: bool,
    cache: RefCell<HashMap<PathBuf, Option<Rc<Found>>>>,
}

impl Configs {
    /// Reads `--config FILE` now, if given.
    pub fn new(explicit: Option<&Path>, disabled: bool) -> Result<Configs, String> {
        let explicit = match explicit {
            Some(path) => Some(Rc::new(load(path)?)),
            None => None,
        };
        Ok(Configs {
            explicit,
            disabled,
            cache: RefCell::new(HashMap::new()),
        })
    }

    /// The config that governs `path` (a file or directory), if any.
    pub fn for_path(&self, path: &Path) -> Result<Option<Rc<Found>>, String> {
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
                .map_err(|e| format!("cannot read the current directory: {e}"))?
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
        while let Some(current) = dir {
            if let Some(cached) = self.cache.borrow().get(current) {
                result = cached.clone();
                break;
            }
            visited.push(current.to_path_buf());
            let candidate = current.join(FILE_NAME);
            if candidate.is_file() {
                result = Some(Rc::new(load(&candidate)?));
                break;
            }
            if current.join(".git").exists() {
                break;
            }
            dir = current.parent();
        }
        let mut cache = self.cache.borrow_mut();
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
    ) -> Result<Option<Rc<Found>>, String> {
        let found = self.for_path(path)?;
        if let Some(found) = &found {
            let relative = relative_to(path, &found.dir);
            found.config.apply(options, relative.as_deref());
        }
        Ok(found)
    }
}

fn load(path: &Path) -> Result<Found, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the config: {e}", path.display()))?;
    let config = LoadedConfig::parse(&path.display().to_string(), &text)
        .map_err(|e| format!("bad config: {e}"))?;
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
    Ok(Found { dir, config })
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
