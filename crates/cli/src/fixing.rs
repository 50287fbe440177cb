//! `--fix`, `--unsafe-fixes` and `--diff`: apply the library's fixes to files and write them
//! back atomically (temp file + rename, same permissions), only when they changed, never
//! through a symlink that leaves the working tree. A BOM and CRLF line endings are kept.

use std::path::{Path, PathBuf};

use oncall_lint_core::fix::apply::{FileText, FixOutcome, run};
use oncall_lint_core::fix::diff::unified;
use oncall_lint_core::{
    Applicability, FileReport, InputFile, LintOptions, lint_bytes, lint_release,
};

const BOM: &str = "\u{feff}";

/// One file to fix: where it lives, what we show, its text and whether it had a BOM.
pub struct FixFile {
    /// Path on disk (`None` for stdin).
    pub path: Option<PathBuf>,
    /// Display name.
    pub display: String,
    /// Text without the BOM.
    pub text: String,
    /// Whether the file started with a BOM.
    pub bom: bool,
}

impl FixFile {
    /// Decodes bytes; `None` when they are not UTF-8 text (nothing to fix then).
    pub fn new(path: Option<PathBuf>, display: String, bytes: Vec<u8>) -> Option<FixFile> {
        let text = String::from_utf8(bytes).ok()?;
        let (text, bom) = match text.strip_prefix(BOM) {
            Some(rest) => (rest.to_owned(), true),
            None => (text, false),
        };
        Some(FixFile {
            path,
            display,
            text,
            bom,
        })
    }
}

/// Fixes files that are each linted on their own.
pub fn fix_single(file: &FixFile, options: &LintOptions, threshold: Applicability) -> FixOutcome {
    let mut options = options.clone();
    options.keep_values = true;
    let lint = |texts: &[FileText]| -> FileReport {
        let (path, text) = &texts[0];
        lint_bytes(path, text.clone().into_bytes(), &options)
    };
    run(
        vec![(file.display.clone(), file.text.clone())],
        threshold,
        &lint,
    )
}

/// Fixes the files of one release together.
pub fn fix_release(
    files: &[FixFile],
    options: &LintOptions,
    threshold: Applicability,
) -> FixOutcome {
    let mut options = options.clone();
    options.keep_values = true;
    let lint = |texts: &[FileText]| -> FileReport {
        let inputs = texts
            .iter()
            .map(|(p, t)| InputFile {
                path: p.clone(),
                bytes: t.clone().into_bytes(),
            })
            .collect();
        lint_release(inputs, &options)
    };
    let texts = files
        .iter()
        .map(|f| (f.display.clone(), f.text.clone()))
        .collect();
    run(texts, threshold, &lint)
}

/// The unified diff of every changed file.
pub fn diff(files: &[FixFile], outcome: &FixOutcome) -> String {
    let mut out = String::new();
    for (file, (_, new)) in files.iter().zip(&outcome.texts) {
        // the diff shows context lines: mask secrets on both sides
        let old = oncall_lint_core::redact::mask_text(&file.display, &file.text);
        let new = oncall_lint_core::redact::mask_text(&file.display, new);
        out.push_str(&unified(&file.display, &old, &new, 3));
    }
    out
}

/// Writes changed files; returns how many were written.
pub fn write_changed(files: &[FixFile], outcome: &FixOutcome) -> Result<usize, String> {
    let mut written = 0;
    for (file, (_, new)) in files.iter().zip(&outcome.texts) {
        if *new == file.text {
            continue;
        }
        let Some(path) = &file.path else {
            continue;
        };
        let content = if file.bom {
            format!("{BOM}{new}")
        } else {
            new.clone()
        };
        write_atomic(path, content.as_bytes())?;
        written += 1;
    }
    Ok(written)
}

/// Writes `bytes` over `path` by way of a temporary file in the same directory.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let target = resolve_target(path)?;
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
        return Err(format!(
            "{}: cannot write the fixed file: {err}",
            path.display()
        ));
    }
    Ok(())
}

/// The file a path names; a symlink is followed only when its target stays inside the
/// current directory's tree.
fn resolve_target(path: &Path) -> Result<PathBuf, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    let target = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let root = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|e| format!("cannot read the current directory: {e}"))?;
    if target.starts_with(&root) {
        Ok(target)
    } else {
        Err(format!(
            "{}: is a symlink to {}, outside this tree; not writing through it",
            path.display(),
            target.display()
        ))
    }
}
