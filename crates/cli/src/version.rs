//! The text of `oncall-lint --version`: the version, and the short commit when the binary was
//! built from a git checkout (`build.rs` decides; a build from a tarball has no commit). Bug
//! reports quote it, so it says exactly which source a binary came from.

/// `0.1.0 (abc1234)` from a git checkout, `0.1.0` from a crate or sdist tarball.
pub const VERSION: &str = env!("ONCALL_LINT_VERSION");

#[cfg(test)]
#[path = "../build/commit.rs"]
mod commit;

#[cfg(test)]
mod tests {
    use super::commit::{checkout_root, head, is_commit, version_text};
    use std::path::Path;

    #[test]
    fn version_starts_with_the_package_version() {
        let rest = super::VERSION
            .strip_prefix(env!("CARGO_PKG_VERSION"))
            .unwrap_or_else(|| panic!("`{}` does not start with the version", super::VERSION));
        if !rest.is_empty() {
            let commit = rest
                .strip_prefix(" (")
                .and_then(|r| r.strip_suffix(')'))
                .unwrap_or_else(|| panic!("`{rest}` is not ` (COMMIT)`"));
            assert!(is_commit(commit), "`{commit}` is not a short commit");
        }
    }

    #[test]
    fn text_with_and_without_a_commit() {
        assert_eq!(version_text("0.1.0", Some("abc1234")), "0.1.0 (abc1234)");
        assert_eq!(version_text("0.1.0", None), "0.1.0");
    }

    #[test]
    fn commit_ids() {
        assert!(is_commit("abc1234"));
        assert!(is_commit(&"f".repeat(40)));
        assert!(!is_commit("abc123"), "too short");
        assert!(!is_commit("ABC1234"), "git prints lowercase");
        assert!(!is_commit("abc1234\n"));
        assert!(!is_commit("v0.1.0x"));
    }

    /// A crate unpacked from its tarball (`oncall-lint-cli-0.1.0/`) is not a checkout, nor
    /// is a copy of `crates/cli` under a root with no `.git`: such a build names no commit.
    #[test]
    fn a_tarball_has_no_checkout() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let unpacked = dir.path().join("oncall-lint-cli-0.1.0");
        std::fs::create_dir_all(&unpacked).unwrap_or_else(|e| panic!("mkdir: {e}"));
        assert_eq!(checkout_root(&unpacked), None);
        let copy = dir.path().join("crates").join("cli");
        std::fs::create_dir_all(&copy).unwrap_or_else(|e| panic!("mkdir: {e}"));
        assert_eq!(checkout_root(&copy), None);
        // the same layout with a `.git` (here a worktree's `.git` file) is a checkout ...
        std::fs::write(dir.path().join(".git"), "gitdir: /nonexistent\n")
            .unwrap_or_else(|e| panic!("write: {e}"));
        assert_eq!(checkout_root(&copy).as_deref(), Some(dir.path()));
        // ... but git does not see one there, so no commit is named
        assert_eq!(head(dir.path()), None);
    }

    /// This crate, when its source is a git checkout (as in CI), names the checkout's commit.
    #[test]
    fn a_checkout_names_its_commit() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let Some(root) = checkout_root(manifest) else {
            // built from a tarball: the version alone
            assert_eq!(super::VERSION, env!("CARGO_PKG_VERSION"));
            return;
        };
        if std::env::var_os(super::commit::OVERRIDE).is_some() {
            return; // the build was told which commit to name
        }
        let Some((commit, watch)) = head(&root) else {
            return; // no git on PATH at test time
        };
        assert!(is_commit(&commit));
        // cargo reran the build script when HEAD moved (it watches these files)
        assert_eq!(
            super::VERSION,
            version_text(env!("CARGO_PKG_VERSION"), Some(&commit))
        );
        assert!(
            watch.iter().any(|p| p.ends_with("HEAD")),
            "HEAD is watched: {watch:?}"
        );
    }
}
