//! Writing a file the user owns (a fixed values file, an overlay merged in, a report):
//! the whole new text to a temporary file in the same directory, its permissions copied,
//! then renamed over the file, so a reader never sees half of it. A symlink is followed
//! only when its target stays inside the working directory's tree.

use std::path::{Path, PathBuf};

/// A file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct WriteError {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Replaces the contents of `path` with `bytes`, by way of a temporary file beside it.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let error = |reason: String| WriteError {
        path: path.display().to_string(),
        reason,
    };
    let target = resolve_target(path).map_err(error)?;
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.oncall-lint-{}.tmp", std::process::id()));
    let permissions = std::fs::metadata(&target).map(|m| m.permissions()).ok();
    let result = (|| -> std::io::Result<()> {
        std::fs::write(&temp, bytes)?;
        if let Some(permissions) = permissions {
            std::fs::set_permissions(&temp, permissions)?;
        }
        std::fs::rename(&temp, &target)
    })();
    if let Err(err) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(error(format!("cannot write the file: {err}")));
    }
    Ok(())
}

/// The file a path names; a symlink is followed only when its target stays inside the
/// current directory's tree.
fn resolve_target(path: &Path) -> Result<PathBuf, String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        // a new file (a report): written where named
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(e) => return Err(e.to_string()),
    };
    if !meta.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    let target = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let root = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|e| format!("cannot read the current directory: {e}"))?;
    if target.starts_with(&root) {
        Ok(target)
    } else {
        Err(format!(
            "is a symlink to {}, outside this tree; not writing through it",
            target.display()
        ))
    }
}
