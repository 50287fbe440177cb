//! Which commit a build comes from, for `oncall-lint --version`.
//!
//! Shared by the build script (`build.rs`) and the crate's unit tests, so that the two cases a
//! user meets are both tested: a build from a git checkout of this repository names its short
//! commit, and a build from a crate or sdist tarball (no `.git`) names the version alone.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable that overrides the detection: a commit to print, or empty to
/// print none (as a build from a tarball does).
pub const OVERRIDE: &str = "ONCALL_LINT_BUILD_COMMIT";

/// The root of this repository's checkout when `manifest_dir` (the cli crate's directory)
/// is `<root>/crates/cli` and `<root>/.git` exists (a directory, or the file of a worktree).
/// A crate unpacked from a tarball, or vendored into another repository, has no such root.
pub fn checkout_root(manifest_dir: &Path) -> Option<PathBuf> {
    let crates = manifest_dir.parent()?;
    if manifest_dir.file_name()? != "cli" || crates.file_name()? != "crates" {
        return None;
    }
    let root = crates.parent()?;
    root.join(".git").exists().then(|| root.to_path_buf())
}

/// `git` in `root`, its standard output trimmed; `None` when git is missing or fails.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A short commit id: 7 to 40 lowercase hex digits.
pub fn is_commit(text: &str) -> bool {
    (7..=40).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The short commit of the checkout at `root`, and the files whose change moves it (the
/// `HEAD` file, the branch's ref file and `packed-refs`, those that exist).
pub fn head(root: &Path) -> Option<(String, Vec<PathBuf>)> {
    // the checkout must be this repository's top level, not a repository around it
    let top = PathBuf::from(git(root, &["rev-parse", "--show-toplevel"])?);
    if top.canonicalize().ok()? != root.canonicalize().ok()? {
        return None;
    }
    let commit = git(root, &["rev-parse", "--short", "HEAD"])?;
    if !is_commit(&commit) {
        return None;
    }
    let mut watch = Vec::new();
    let mut paths = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(root, &["symbolic-ref", "-q", "HEAD"]) {
        paths.push(branch);
    }
    for name in paths {
        if let Some(path) = git(root, &["rev-parse", "--git-path", &name]) {
            let path = root.join(path);
            if path.is_file() {
                watch.push(path);
            }
        }
    }
    Some((commit, watch))
}

/// The version line's text: `0.1.0 (abc1234)` from a checkout, `0.1.0` otherwise.
pub fn version_text(version: &str, commit: Option<&str>) -> String {
    match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_string(),
    }
}
