//! Records the commit the binary is built from, so that `oncall-lint --version` can say it:
//! `oncall-lint 0.1.0 (abc1234)` from a git checkout of this repository, `oncall-lint 0.1.0`
//! from a crate or sdist tarball. `ONCALL_LINT_BUILD_COMMIT` overrides the detection (a
//! commit id, or empty for none). Logic in `build/commit.rs`, shared with the unit tests.

#[path = "build/commit.rs"]
mod commit;

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build/commit.rs");
    println!("cargo:rerun-if-env-changed={}", commit::OVERRIDE);
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let found = match std::env::var(commit::OVERRIDE) {
        Ok(given) if given.is_empty() => None,
        Ok(given) if commit::is_commit(&given) => Some(given),
        Ok(given) => {
            println!(
                "cargo:warning={} is `{given}`, not a commit id; ignored",
                commit::OVERRIDE
            );
            None
        }
        Err(_) => {
            let manifest_dir =
                PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
            match commit::checkout_root(&manifest_dir).and_then(|root| commit::head(&root)) {
                Some((id, watch)) => {
                    for path in watch {
                        println!("cargo:rerun-if-changed={}", path.display());
                    }
                    Some(id)
                }
                None => None,
            }
        }
    };
    println!(
        "cargo:rustc-env=ONCALL_LINT_VERSION={}",
        commit::version_text(&version, found.as_deref())
    );
}
