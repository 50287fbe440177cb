//! `oncall-lint --version` (and `-V`): the line bug reports quote. `oncall-lint 0.1.0 (abc1234)`
//! from a git checkout of this repository (the commit the checkout is at), `oncall-lint 0.1.0`
//! from a crate or sdist tarball; exit status 0, nothing on standard error.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_oncall-lint");

/// The short commit of this checkout, when the tests run from one and git is on PATH.
fn checkout_commit() -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join(".git").exists() || std::env::var_os("ONCALL_LINT_BUILD_COMMIT").is_some() {
        return None;
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn version_line_shape() {
    for flag in ["--version", "-V"] {
        let out = Command::new(BIN)
            .arg(flag)
            .env("NO_COLOR", "1")
            .output()
            .unwrap_or_else(|e| panic!("running {BIN}: {e}"));
        assert_eq!(out.status.code(), Some(0), "{flag}: exit status");
        assert!(out.stderr.is_empty(), "{flag}: stderr {:?}", out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .strip_suffix('\n')
            .unwrap_or_else(|| panic!("{flag}: `{stdout}` is not one line"));
        assert!(!line.contains('\n'), "{flag}: `{stdout}` is not one line");
        let rest = line
            .strip_prefix(concat!("oncall-lint ", env!("CARGO_PKG_VERSION")))
            .unwrap_or_else(|| panic!("{flag}: `{line}` is not `oncall-lint VERSION ...`"));
        match checkout_commit() {
            Some(commit) => assert_eq!(rest, format!(" ({commit})"), "{flag}: `{line}`"),
            None => assert!(
                rest.is_empty()
                    || rest
                        .strip_prefix(" (")
                        .and_then(|r| r.strip_suffix(')'))
                        .is_some_and(|c| (7..=40).contains(&c.len())
                            && c.bytes().all(|b| b.is_ascii_hexdigit())),
                "{flag}: `{line}`"
            ),
        }
    }
}
