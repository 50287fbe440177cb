//! `--fix`, `--unsafe-fixes` and `--diff` as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oncall-lint"));
    cmd.env_clear().env("NO_COLOR", "1");
    cmd
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("oncall-lint-fix-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().expect("runs")
}

/// The release `helm-testing`, the one name the oncall chart's own plugin provisioning is
/// right for: without a release name OC004 warns about it (no fix), and these runs would
/// exit 1 with nothing left to fix.
const NAMED: [&str; 2] = ["--release", "helm-testing"];

/// The platform rules settled, so that what `--fix` leaves is nothing.
const PLATFORM: &str = include_str!("../testdata/settled/platform.yaml");

const BROKEN: &str = concat!(
    "# team values\nbase_url: oncall.example.org\ngrafana:\n  grafana.ini:\n    feature_toggles:\n      enable: publicDashboards  # status page\n",
    include_str!("../testdata/settled/platform.yaml")
);

#[test]
fn fix_writes_only_the_fixed_bytes_and_reports_what_remains() {
    let dir = temp_dir("single");
    std::fs::write(dir.join("values.yaml"), BROKEN).unwrap();
    let out = run_in(
        &dir,
        &[
            "--fix",
            NAMED[0],
            NAMED[1],
            "--format",
            "concise",
            "values.yaml",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("values.yaml")).unwrap(),
        BROKEN.replace(
            "publicDashboards  #",
            "publicDashboards,externalServiceAccounts  #"
        )
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 1 problem"));
    // nothing left to do: the file is not rewritten
    let modified = std::fs::metadata(dir.join("values.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    let again = run_in(&dir, &["--fix", NAMED[0], NAMED[1], "values.yaml"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::metadata(dir.join("values.yaml"))
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let dir = temp_dir("unsafe");
    // an init container installs the plugin too: emptying the list is then the whole change
    // (with nothing else installing it, the fix is only shown)
    let init = "grafana:\n  extraInitContainers:\n    - name: copy-grafana-oncall-app\n      image: harbor.corp.example/oncall-plugin:1.16.9\n";
    let text = format!("{init}  plugins:\n    - grafana-oncall-app  # from grafana.com\n");
    let text = text.as_str();
    std::fs::write(dir.join("values.yaml"), text).unwrap();
    let out = run_in(
        &dir,
        &[
            "--fix",
            "--profile",
            "air-gapped",
            // only the rule under test: OC042 then asks what installs the plugin instead
            "--select",
            "OC040",
            "--format",
            "concise",
            "values.yaml",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the unsafe fix is not applied by --fix alone"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("values.yaml")).unwrap(),
        text
    );
    let out = run_in(
        &dir,
        &[
            "--fix",
            "--unsafe-fixes",
            "--profile",
            "air-gapped",
            "--select",
            "OC040",
            "values.yaml",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("values.yaml")).unwrap(),
        // the last item's trailing comment stays on the line
        format!("{init}  plugins: []  # from grafana.com\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = temp_dir("diff");
    std::fs::write(dir.join("values.yaml"), BROKEN).unwrap();
    let out = run_in(&dir, &["--diff", "values.yaml"]);
    assert_eq!(out.status.code(), Some(1), "a diff exits 1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("--- a/values.yaml\n+++ b/values.yaml\n@@"),
        "{stdout}"
    );
    assert!(stdout.contains("-      enable: publicDashboards  # status page\n+      enable: publicDashboards,externalServiceAccounts  # status page\n"));
    assert_eq!(
        std::fs::read_to_string(dir.join("values.yaml")).unwrap(),
        BROKEN
    );
    // a clean file: no diff, exit 0
    std::fs::write(dir.join("clean-values.yaml"), "grafana:\n  enabled: true\n").unwrap();
    let out = run_in(&dir, &["--diff", "clean-values.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stdin_fix_prints_the_fixed_text() {
    let mut child = bin()
        .args(["--fix", NAMED[0], NAMED[1], "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(BROKEN.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        BROKEN.replace(
            "publicDashboards  #",
            "publicDashboards,externalServiceAccounts  #"
        )
    );
}

#[test]
fn a_release_fix_edits_the_file_that_set_the_value() {
    let dir = temp_dir("release");
    let base = format!(
        "base_url: oncall.example.org\ngrafana:\n  grafana.ini:\n    server:\n      domain: g.example.com\n{PLATFORM}"
    );
    let base = base.as_str();
    let prod = "# prod\ngrafana:\n  extraVolumes:\n    - name: cache\n      emptyDir: {}\n";
    std::fs::write(dir.join("base.yaml"), base).unwrap();
    std::fs::write(dir.join("prod.yaml"), prod).unwrap();
    let out = run_in(
        &dir,
        &[
            "--fix",
            NAMED[0],
            NAMED[1],
            "-f",
            "base.yaml",
            "-f",
            "prod.yaml",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("base.yaml")).unwrap(),
        base,
        "base set nothing wrong"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("prod.yaml")).unwrap(),
        format!(
            "{prod}    - name: provisioning\n      configMap:\n        name: helm-testing-grafana-plugin-provisioning\n"
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn permissions_bom_and_crlf_survive() {
    let dir = temp_dir("bytes");
    let text = format!("\u{feff}{}", BROKEN.replace('\n', "\r\n"));
    let path = dir.join("values.yaml");
    std::fs::write(&path, &text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = run_in(&dir, &["--fix", NAMED[0], NAMED[1], "values.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        text.replace(
            "publicDashboards  #",
            "publicDashboards,externalServiceAccounts  #"
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn never_writes_through_a_symlink_out_of_the_tree() {
    let outside = temp_dir("outside");
    let tree = temp_dir("tree");
    std::fs::write(outside.join("values.yaml"), BROKEN).unwrap();
    std::os::unix::fs::symlink(outside.join("values.yaml"), tree.join("values.yaml")).unwrap();
    let out = run_in(&tree, &["--fix", NAMED[0], NAMED[1], "values.yaml"]);
    assert_eq!(out.status.code(), Some(2), "refusing to write is an error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("symlink"));
    assert_eq!(
        std::fs::read_to_string(outside.join("values.yaml")).unwrap(),
        BROKEN
    );
    // a symlink inside the tree is followed, and stays a symlink
    std::fs::write(tree.join("real-values.yaml"), BROKEN).unwrap();
    std::fs::remove_file(tree.join("values.yaml")).unwrap();
    std::os::unix::fs::symlink("real-values.yaml", tree.join("values.yaml")).unwrap();
    let out = run_in(&tree, &["--fix", NAMED[0], NAMED[1], "values.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::symlink_metadata(tree.join("values.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(tree.join("real-values.yaml"))
            .unwrap()
            .contains("externalServiceAccounts")
    );
    let _ = std::fs::remove_dir_all(&outside);
    let _ = std::fs::remove_dir_all(&tree);
}
