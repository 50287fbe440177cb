//! Turning paths into inputs: files as named (always linted), directories walked for values
//! files with `.gitignore` respected, `-` for standard input, and the `Chart.yaml` beside
//! each file for umbrella detection.

use std::io::Read;
use std::path::{Path, PathBuf};

use globset::GlobSet;

use super::SessionError;

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
    /// The size of a file over the size limit, which was not read.
    pub too_large: Option<u64>,
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

/// Reads standard input.
pub(super) fn stdin(name: Option<&str>) -> Result<Input, SessionError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| SessionError::Read {
            path: "standard input".into(),
            reason: e.to_string(),
        })?;
    Ok(Input {
        path: None,
        display: name.unwrap_or("<stdin>").to_owned(),
        bytes,
        chart_yaml: name.and_then(|n| chart_yaml_beside(Path::new(n))),
        too_large: None,
    })
}

/// The files a path names: itself, or the values files below a directory.
pub(super) fn expand(path: &Path, filter: &Filter<'_>) -> Result<Vec<PathBuf>, SessionError> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(path, &e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(path)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .build();
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
        }
    }
    found.sort();
    Ok(found)
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

/// Reads one file (not when it is over `limit` bytes).
pub(super) fn read_file(path: &Path, limit: u64) -> Result<Input, SessionError> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bytes = if size > limit {
        Vec::new()
    } else {
        std::fs::read(path).map_err(|e| read_error(path, &e))?
    };
    Ok(Input {
        path: Some(path.to_path_buf()),
        display: path.display().to_string(),
        bytes,
        chart_yaml: chart_yaml_beside(path),
        too_large: (size > limit).then_some(size),
    })
}

/// Reads the `-f` files of a release: each must be a file (`-` reads stdin).
pub(super) fn collect_files(paths: &[PathBuf]) -> Result<Vec<Input>, SessionError> {
    paths
        .iter()
        .map(|path| {
            if path.as_os_str() == "-" {
                return stdin(None);
            }
            if path.is_dir() {
                return Err(SessionError::Read {
                    path: path.display().to_string(),
                    reason: "-f takes a values file, not a directory".into(),
                });
            }
            read_file(path, u64::MAX)
        })
        .collect()
}

fn chart_yaml_beside(path: &Path) -> Option<String> {
    let dir = path.parent()?;
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let chart = std::fs::read_to_string(dir.join("Chart.yaml")).ok();
    let lock = std::fs::read_to_string(dir.join("Chart.lock")).ok();
    match (chart, lock) {
        // the lock pins the exact version; the Chart.yaml gives the alias
        (Some(chart), Some(lock)) => Some(format!("{chart}\n---\n{lock}")),
        (chart, lock) => chart.or(lock),
    }
}

/// An I/O error on `path`, said plainly.
pub(super) fn read_error(path: &Path, err: &std::io::Error) -> SessionError {
    let reason = match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    };
    SessionError::Read {
        path: path.display().to_string(),
        reason,
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

#[cfg(test)]
mod tests {
    use super::*;

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
