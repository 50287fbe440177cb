//! How the binary writes files (`--fix`, `--merge-into`, `-o`): a device or FIFO stays
//! what it is, a symlinked directory out of the tree is refused, a fixed file keeps its mode
//! and owner and leaves no temporary file, a hard-linked or read-only file is refused
//! unless `--force-write`, a device is never rewritten by `--merge-into`, and a symlink
//! planted at a temporary name is never followed.
//! (A file edited while the tool runs is refused too; no run can be paused between its
//! read and its write from here, so that is tested in the library, `write.rs`.)

#![cfg(unix)]

mod exe;

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use exe::TempDir;

/// The release the oncall chart's own plugin provisioning is right for, so the only
/// finding is the one `--fix` fixes.
const NAMED: [&str; 2] = ["--release", "helm-testing"];

/// A values file `--fix` changes: `enable` gains `externalServiceAccounts`; the platform
/// rules settled after it.
const BROKEN: &str = concat!(
    "# team values\nbase_url: oncall.example.org\ngrafana:\n  grafana.ini:\n    feature_toggles:\n      enable: publicDashboards  # status page\n",
    include_str!("../testdata/settled/platform.yaml")
);

/// What `--fix` makes of [`BROKEN`].
fn fixed() -> String {
    BROKEN.replace(
        "publicDashboards  #",
        "publicDashboards,externalServiceAccounts  #",
    )
}

fn fix(dir: &TempDir, extra: &[&str]) -> exe::Run {
    let mut args = vec!["--no-config", "--fix", NAMED[0], NAMED[1]];
    args.extend_from_slice(extra);
    args.push("values.yaml");
    dir.run(&args)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("stat").mode() & 0o7777
}

/// The names in `dir` besides `keep`: temporary files left behind.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !keep.contains(&name.as_str()))
        .collect()
}

#[test]
fn output_to_a_character_device_leaves_it_a_device() {
    let dir = TempDir::with_files("writes-device", &[("values.yaml", BROKEN)]);
    let null = dir.path().join("null");
    // the node of /dev/null (char 1:3), private to this test
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .expect("mknod runs");
    assert!(made.success(), "mknod needs root (the tests run as root)");
    let run = dir.run(&["--no-config", "-o", "null", "values.yaml"]);
    run.assert_code(1);
    let meta = std::fs::symlink_metadata(&null).expect("stat");
    assert!(
        meta.file_type().is_char_device(),
        "the device was replaced by a file: {:?}",
        meta.file_type()
    );
    assert_eq!(leftovers(dir.path(), &["values.yaml", "null"]), [""; 0]);
}

#[test]
fn output_to_a_fifo_is_written_through_to_its_reader() {
    let dir = TempDir::with_files("writes-fifo", &[("values.yaml", BROKEN)]);
    let fifo = dir.path().join("report.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the FIFO"))
    };
    let run = dir.run(&[
        "--no-config",
        "--format",
        "concise",
        "-o",
        "report.fifo",
        "values.yaml",
    ]);
    run.assert_code(1);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("stat")
            .file_type()
            .is_fifo(),
        "the FIFO was replaced by a file"
    );
    // only joined once the FIFO is known to be written (a replaced one never is)
    let report = reader.join().expect("the reader");
    assert!(report.contains("values.yaml:6:"), "{report}");
    assert!(run.stdout().is_empty());
}

#[test]
fn output_to_dev_stdout_reaches_a_piped_stdout() {
    let dir = TempDir::with_files("writes-stdout", &[("values.yaml", BROKEN)]);
    let run = dir.run(&[
        "--no-config",
        "--format",
        "concise",
        "-o",
        "/dev/stdout",
        "values.yaml",
    ]);
    run.assert_code(1);
    assert!(run.stdout().contains("values.yaml:6:"), "{}", run.stderr);
}

#[test]
fn output_through_a_symlinked_directory_out_of_the_tree_is_refused() {
    let outside = TempDir::new("writes-outside");
    let tree = TempDir::with_files("writes-tree", &[("values.yaml", BROKEN)]);
    std::os::unix::fs::symlink(outside.path(), tree.path().join("reports")).expect("symlink");
    let run = tree.run(&["--no-config", "-o", "reports/out.txt", "values.yaml"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("reports") && run.stderr.contains("outside this tree"),
        "{}",
        run.stderr
    );
    assert_eq!(leftovers(outside.path(), &[]), [""; 0], "nothing written");
    // the same through `..` after the link
    let run = tree.run(&["--no-config", "-o", "reports/../out.txt", "values.yaml"]);
    run.assert_code(2);
    // a symlinked directory inside the tree is followed
    std::fs::create_dir(tree.path().join("real")).expect("mkdir");
    std::os::unix::fs::symlink("real", tree.path().join("inside")).expect("symlink");
    let run = tree.run(&["--no-config", "-o", "inside/out.txt", "values.yaml"]);
    run.assert_code(1);
    assert!(tree.path().join("real/out.txt").is_file(), "{}", run.stderr);
}

#[test]
fn fix_keeps_a_private_mode_and_leaves_no_temporary_file() {
    let dir = TempDir::with_files("writes-mode", &[("values.yaml", BROKEN)]);
    let path = dir.path().join("values.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    fix(&dir, &[]).assert_code(0);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed());
    assert_eq!(mode(&path), 0o600);
    assert_eq!(leftovers(dir.path(), &["values.yaml"]), [""; 0]);
}

#[test]
fn fix_keeps_the_owner_and_group_of_another_users_file() {
    let dir = TempDir::with_files("writes-owner", &[("values.yaml", BROKEN)]);
    let path = dir.path().join("values.yaml");
    std::os::unix::fs::chown(&path, Some(12345), Some(12346))
        .expect("chown (the tests run as root)");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    fix(&dir, &[]).assert_code(0);
    let meta = std::fs::metadata(&path).expect("stat");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed());
    assert_eq!((meta.uid(), meta.gid()), (12345, 12346));
    assert_eq!(mode(&path), 0o640);
}

#[test]
fn fix_refuses_a_hard_linked_file_unless_forced_then_writes_every_link() {
    let dir = TempDir::with_files("writes-links", &[("values.yaml", BROKEN)]);
    let path = dir.path().join("values.yaml");
    let other = dir.path().join("other-name.txt");
    std::fs::hard_link(&path, &other).expect("link");
    let run = fix(&dir, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("values.yaml")
            && run.stderr.contains("hard links")
            && run.stderr.contains("--force-write"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), BROKEN);
    assert_eq!(std::fs::metadata(&path).expect("stat").nlink(), 2);

    fix(&dir, &["--force-write"]).assert_code(0);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed());
    assert_eq!(std::fs::read_to_string(&other).expect("read"), fixed());
    assert_eq!(std::fs::metadata(&path).expect("stat").nlink(), 2);
}

#[test]
fn fix_refuses_a_read_only_file_unless_forced_then_keeps_its_mode() {
    let dir = TempDir::with_files("writes-readonly", &[("values.yaml", BROKEN)]);
    let path = dir.path().join("values.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let run = fix(&dir, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("read-only") && run.stderr.contains("--force-write"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), BROKEN);

    fix(&dir, &["--force-write"]).assert_code(0);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed());
    assert_eq!(mode(&path), 0o444);
}

#[test]
fn merge_into_refuses_a_read_only_file_unless_forced() {
    let values = "grafana:\n  persistence:\n    enabled: true\n";
    let dir = TempDir::with_files("writes-merge", &[("values.yaml", values)]);
    let path = dir.path().join("values.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).expect("chmod");
    let merge = |force: bool| {
        let mut args = vec![
            "render",
            "provisioning",
            "--release",
            "oncall",
            "--namespace",
            "oncall",
            "--merge-into",
            "values.yaml",
        ];
        if force {
            args.push("--force-write");
        }
        dir.run(&args)
    };
    let run = merge(false);
    run.assert_code(2);
    assert!(
        run.stderr.contains("read-only") && run.stderr.contains("--force-write"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), values);
    merge(true).assert_code(0);
    let merged = std::fs::read_to_string(&path).expect("read");
    assert!(merged.contains("oncall-engine"), "{merged}");
    assert_eq!(mode(&path), 0o400);
}

#[test]
fn fix_never_follows_a_symlink_planted_at_a_temporary_name() {
    let dir = TempDir::with_files("writes-planted", &[("values.yaml", BROKEN)]);
    let victim_dir = TempDir::with_files("writes-victim", &[("victim", "untouched\n")]);
    let victim = victim_dir.path().join("victim");
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    // the next process id cannot be known: plant the old predictable name for every id
    // (or, where ids run high, for the ones after a process started just now)
    let pid_max: u32 = std::fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(32_768);
    let ids = if pid_max <= 65_536 {
        1..=pid_max
    } else {
        let now = Command::new("true").spawn().expect("true").id();
        now..=now.saturating_add(20_000)
    };
    for pid in ids {
        let name = format!(".values.yaml.oncall-lint-{pid}.tmp");
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).expect("plant");
    }
    fix(&dir, &[]).assert_code(0);
    assert_eq!(
        std::fs::read_to_string(&victim).expect("read"),
        "untouched\n"
    );
    assert_eq!(mode(&victim), 0o600, "the victim's mode is not widened");
    let path = dir.path().join("values.yaml");
    assert!(
        std::fs::symlink_metadata(&path)
            .expect("stat")
            .file_type()
            .is_file(),
        "values.yaml is still a regular file"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed());
}

#[test]
fn merge_into_a_device_is_refused_and_it_stays_a_device() {
    let dir = TempDir::new("writes-merge-device");
    let node = dir.path().join("values.yaml");
    // a null device (char 1:3) named like a values file: it reads as empty
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .status()
        .expect("mknod runs");
    assert!(made.success(), "mknod needs root (the tests run as root)");
    let run = dir.run(&[
        "render",
        "provisioning",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
        "--merge-into",
        "values.yaml",
    ]);
    run.assert_code(2);
    assert!(run.stderr.contains("values.yaml"), "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(&node)
            .expect("stat")
            .file_type()
            .is_char_device(),
        "the device was replaced by a file"
    );
    assert_eq!(leftovers(dir.path(), &["values.yaml"]), [""; 0]);
}
