//! Fixes that know the release: `--fix` for a release named `oncall`, then a lint of the
//! result for the same release, must leave no finding on a line the fix wrote (the restored
//! provisioning volume names the user's own ConfigMap, not the chart's `helm-testing` one).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const RELEASE: [&str; 4] = ["--release", "oncall", "--namespace", "oncall"];

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oncall-lint"));
    cmd.env_clear().env("NO_COLOR", "1");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The 1-based lines of `after` that are not in a longest common subsequence with `before`:
/// the lines the fix wrote.
fn written_lines(before: &str, after: &str) -> HashSet<usize> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut written = HashSet::new();
    while j < b.len() {
        if i < a.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            written.insert(j + 1);
            j += 1;
        }
    }
    written
}

/// Fixes a copy of `fixture` for the release, relints it, and returns the findings on lines
/// the fix wrote, with the fixed text.
fn findings_on_written_lines(fixture: &Path, name: &str) -> (Vec<String>, String) {
    let dir = std::env::temp_dir().join(format!("oncall-lint-fix-release-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(name);
    let before = std::fs::read_to_string(fixture).expect("fixture");
    std::fs::write(&file, &before).expect("copy");
    let fix = bin()
        .current_dir(&dir)
        .args(RELEASE)
        .args(["--fix", "--format", "concise", name])
        .output()
        .expect("runs");
    assert_ne!(fix.status.code(), Some(2), "{name}: {fix:?}");
    let after = std::fs::read_to_string(&file).expect("fixed");
    let relint = bin()
        .current_dir(&dir)
        .args(RELEASE)
        .args(["--format", "concise", name])
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&file);
    let written = written_lines(&before, &after);
    let prefix = format!("{name}:");
    let on_written = String::from_utf8_lossy(&relint.stdout)
        .lines()
        .filter(|line| {
            line.strip_prefix(&prefix)
                .and_then(|rest| rest.split(':').next())
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| written.contains(&n))
        })
        .map(str::to_owned)
        .collect();
    (on_written, after)
}

#[test]
fn written_lines_are_the_inserted_and_changed_ones() {
    let written = written_lines("a\nb\nc\n", "a\nx\nb\nc2\n");
    assert_eq!(written, HashSet::from([2, 4]));
}

#[test]
fn the_example_fixed_for_its_release_mounts_the_users_provisioning() {
    let (on_written, after) =
        findings_on_written_lines(&root().join("examples/values.yaml"), "example.yaml");
    assert!(on_written.is_empty(), "{on_written:#?}\n{after}");
    assert!(
        after.contains(
            "- name: provisioning\n      configMap:\n        name: oncall-plugin-provisioning\n"
        ),
        "{after}"
    );
    assert!(
        !after.contains("helm-testing-grafana-plugin-provisioning"),
        "{after}"
    );
}

#[test]
fn provisioning_fixtures_fixed_for_the_release_leave_nothing_on_written_lines() {
    let mut checked = 0;
    for code in ["OC030", "OC031", "OC039"] {
        let dir = root().join("testdata/rules").join(code);
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        names.sort();
        for path in names {
            let name = format!(
                "{code}-{}",
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            let (on_written, after) = findings_on_written_lines(&path, &name);
            assert!(on_written.is_empty(), "{name}: {on_written:#?}\n{after}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} fixtures");
}

#[test]
fn restoring_the_charts_volume_for_another_release_is_shown_not_applied() {
    let text = "base_url: oncall.example.com\ngrafana:\n  extraVolumes:\n    - name: cache\n      emptyDir: {}\n";
    let dir = std::env::temp_dir().join(format!(
        "oncall-lint-fix-release-shown-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("values.yaml"), text).expect("write");
    let out = bin()
        .current_dir(&dir)
        .args(RELEASE)
        .args(["--select", "OC030", "values.yaml"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("fix (display-only)"), "{stdout}");
    assert!(
        stdout.contains("oncall-lint render provisioning --release oncall --namespace oncall --merge-into values.yaml"),
        "{stdout}"
    );
    let fixed = bin()
        .current_dir(&dir)
        .args(RELEASE)
        .args([
            "--select",
            "OC030",
            "--fix",
            "--unsafe-fixes",
            "values.yaml",
        ])
        .output()
        .expect("runs");
    assert_eq!(fixed.status.code(), Some(1), "{fixed:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("values.yaml")).expect("read"),
        text
    );
    // for the release the chart's provisioning is written for, the chart's volume comes back
    let same = bin()
        .current_dir(&dir)
        .args([
            "--release",
            "helm-testing",
            "--select",
            "OC030",
            "--fix",
            "values.yaml",
        ])
        .output()
        .expect("runs");
    assert_eq!(same.status.code(), Some(0), "{same:?}");
    assert!(
        std::fs::read_to_string(dir.join("values.yaml"))
            .expect("read")
            .contains("name: helm-testing-grafana-plugin-provisioning")
    );
    let _ = std::fs::remove_dir_all(&dir);
}
