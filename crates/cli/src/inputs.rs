//! Turning PATHS into inputs: files as named, directories walked for values files, `-` for
//! standard input, and the `Chart.yaml` beside each file for umbrella detection.

use std::io::Read;
use std::path::{Path, PathBuf};

/// One thing to lint.
pub struct Input {
    /// The file on disk (`None` for stdin).
    pub path: Option<PathBuf>,
    /// The name to report.
    pub display: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// A `Chart.yaml` beside it (followed by `---` and the `Chart.lock`, when both exist).
    pub chart_yaml: Option<String>,
}

/// Reads every input; a path that cannot be read is an error (exit 2).
pub fn collect(paths: &[PathBuf], stdin_name: Option<&str>) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            let display = stdin_name.unwrap_or("<stdin>").to_owned();
            let chart_yaml = stdin_name.and_then(|n| chart_yaml_beside(Path::new(n)));
            inputs.push(Input {
                path: None,
                display,
                bytes,
                chart_yaml,
            });
            continue;
        }
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("{}: {}", path.display(), describe_io(&e)))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found).map_err(|e| format!("{}: {e}", path.display()))?;
            found.sort();
            for file in found {
                inputs.push(read_file(&file)?);
            }
        } else {
            inputs.push(read_file(path)?);
        }
    }
    Ok(inputs)
}

/// Reads the `-f` files of a release: each must be a file (no directories, no stdin).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    paths
        .iter()
        .map(|path| {
            if path.as_os_str() == "-" {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("cannot read standard input: {e}"))?;
                return Ok(Input {
                    path: None,
                    display: "<stdin>".into(),
                    bytes,
                    chart_yaml: None,
                });
            }
            if path.is_dir() {
                return Err(format!(
                    "{}: -f takes a values file, not a directory",
                    path.display()
                ));
            }
            read_file(path)
        })
        .collect()
}

fn read_file(path: &Path) -> Result<Input, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("{}: {}", path.display(), describe_io(&e)))?;
    Ok(Input {
        path: Some(path.to_path_buf()),
        display: path.display().to_string(),
        bytes,
        chart_yaml: chart_yaml_beside(path),
    })
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

fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// Values files in a directory tree: `*.yaml`/`*.yml` whose name mentions `values`, skipping
/// hidden directories.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    stack.push(path);
                }
            } else if kind.is_file() && is_values_file(&name) {
                out.push(path);
            }
        }
    }
    Ok(())
}

fn is_values_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with(".yaml") || lower.ends_with(".yml")) && lower.contains("values")
}
