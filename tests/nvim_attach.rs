//! A real editor against `oncall-lint server`: headless Neovim (`nvim --headless -u NONE`)
//! starts its built-in LSP client on the server, opens a fixture and waits until
//! `vim.diagnostic.get` has the finding (`tests/nvim/attach.lua`). CI installs Debian's
//! `neovim`; without `nvim` on the PATH the test says so and passes.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn neovim_attaches_and_shows_the_finding() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("SKIPPED: `nvim` is not installed (apt-get install neovim); .ci/run installs it");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().expect("a temporary directory");
    let out = out_dir.path().join("diagnostics.txt");
    let file = root.join("testdata/rules/OC001/fail-app-org-id-2.yaml");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg("-c")
        .arg(format!(
            "luafile {}",
            root.join("tests/nvim/attach.lua").display()
        ))
        .env("ONCALL_LINT", env!("CARGO_BIN_EXE_oncall-lint"))
        .env("ROOT", &root)
        .env("FILE", &file)
        .env("OUT", &out)
        .env("XDG_STATE_HOME", out_dir.path())
        .env("XDG_DATA_HOME", out_dir.path())
        .env("XDG_CONFIG_HOME", out_dir.path())
        .current_dir(&root)
        .status()
        .expect("run nvim");
    let shown = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim exited with {status}:\n{shown}");
    // the CLI's finding: OC001 at 11:14 (`orgId: 2`), with its message
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("11:14 OC001 `jsonData.orgId` is 2")),
        "{shown}"
    );
}
