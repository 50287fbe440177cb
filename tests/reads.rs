//! How the binary reads what it is given: every read within the size limit (`-f` files,
//! standard input, `--config`), nothing that is not a regular file opened for reading (a
//! FIFO would block, `/dev/zero` would fill memory), and a path that cannot be read is a
//! finding while the other files are still linted.

mod exe;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use exe::{BIN, Run, TempDir, concise_findings, oncall_lint};

/// An OC006 error at 4:8: the URL has no scheme; the platform rules settled after it.
const NO_SCHEME: &str = concat!(
    "grafana:\n  enabled: false\nexternalGrafana:\n  url: grafana:3000\nbase_url: oncall.example.org\n",
    include_str!("../testdata/settled/platform.yaml")
);

/// Long enough for a debug build on a busy machine; a blocked or runaway read is killed.
const QUICK: Duration = Duration::from_secs(20);

/// Address space for a run: far less than reading `/dev/zero` to the end takes.
const MEMORY: u64 = 2 << 30;

fn findings(run: &Run) -> Vec<(String, String)> {
    concise_findings(run)
        .into_iter()
        .map(|f| (f.path, f.code))
        .collect()
}

fn pair(path: &str, code: &str) -> (String, String) {
    (path.to_owned(), code.to_owned())
}

#[test]
fn the_size_limit_applies_to_release_files_stdin_and_the_config() {
    let dir = TempDir::with_files(
        "reads-limit",
        &[
            ("values.yaml", NO_SCHEME),
            ("big.yaml", &format!("{NO_SCHEME}# {}\n", "x".repeat(4096))),
            (
                "config.yaml",
                &format!("ignore: [OC004]\n# {}\n", "x".repeat(4096)),
            ),
        ],
    );
    // -f
    let run = dir.run(&[
        "--format",
        "concise",
        "--max-file-size",
        "1K",
        "-f",
        "big.yaml",
    ]);
    run.assert_code(1);
    assert_eq!(
        findings(&run),
        [pair("big.yaml", "OC094")],
        "{}",
        run.stdout()
    );
    assert!(run.stdout().contains("over the"), "{}", run.stdout());
    // standard input
    let run = oncall_lint(["--format", "concise", "--max-file-size", "1K", "-"])
        .cwd(dir.path())
        .stdin(std::fs::read(dir.path().join("big.yaml")).expect("read"))
        .run();
    run.assert_code(1);
    assert_eq!(
        findings(&run),
        [pair("<stdin>", "OC094")],
        "{}",
        run.stdout()
    );
    // --config
    let run = dir.run(&[
        "--format",
        "concise",
        "--max-file-size",
        "1K",
        "--config",
        "config.yaml",
        "values.yaml",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("config.yaml") && run.stderr.contains("over the"),
        "{}",
        run.stderr
    );
}

#[test]
fn standard_input_is_read_within_the_limit() {
    // an endless stdin: read up to the limit, then refused
    let dir = TempDir::new("reads-stdin");
    let mut child = Command::new(BIN)
        .args(["--format", "concise", "--max-file-size", "1M", "-"])
        .current_dir(dir.path())
        .env_clear()
        .stdin(Stdio::from(
            std::fs::File::open("/dev/zero").expect("/dev/zero"),
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > QUICK {
            let _ = child.kill();
            let _ = child.wait();
            panic!("reading an endless standard input did not stop at the size limit");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().expect("output");
    assert_eq!(status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("<stdin>:1:1: OC094 error") && stdout.contains("over the"),
        "{stdout}"
    );
}

#[test]
fn dev_zero_is_refused_quickly_as_an_argument_or_a_release_file() {
    let dir = TempDir::with_files("reads-zero", &[("values.yaml", NO_SCHEME)]);
    let run = oncall_lint(["--format", "concise", "/dev/zero", "values.yaml"])
        .cwd(dir.path())
        .timeout(QUICK)
        .memory_limit(MEMORY)
        .run();
    run.assert_code(1);
    assert_eq!(
        findings(&run),
        [pair("/dev/zero", "OC094"), pair("values.yaml", "OC006")]
    );
    assert!(
        run.stdout().contains("character device"),
        "{}",
        run.stdout()
    );
    let run = oncall_lint([
        "--format",
        "concise",
        "-f",
        "values.yaml",
        "-f",
        "/dev/zero",
    ])
    .cwd(dir.path())
    .timeout(QUICK)
    .memory_limit(MEMORY)
    .run();
    run.assert_code(1);
    assert_eq!(
        findings(&run),
        [pair("/dev/zero", "OC094")],
        "{}",
        run.stdout()
    );
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = TempDir::with_files("reads-fifo", &[("values.yaml", NO_SCHEME)]);
    let made = Command::new("mkfifo")
        .arg(dir.path().join("pipe-values.yaml"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for args in [
        &["--format", "concise", "pipe-values.yaml", "values.yaml"][..],
        &["--format", "concise", "-f", "pipe-values.yaml"][..],
    ] {
        let run = oncall_lint(args).cwd(dir.path()).timeout(QUICK).run();
        run.assert_code(1);
        assert!(
            findings(&run).contains(&pair("pipe-values.yaml", "OC094")),
            "{args:?}: {}",
            run.stdout()
        );
        assert!(run.stdout().contains("FIFO"), "{}", run.stdout());
    }
    // a walk does not read it either
    let run = oncall_lint(["--format", "concise", "."])
        .cwd(dir.path())
        .timeout(QUICK)
        .run();
    run.assert_code(1);
    assert_eq!(findings(&run), [pair("values.yaml", "OC006")]);
}

#[test]
fn an_unreadable_path_is_a_finding_and_the_run_goes_on() {
    // failures that hold as root too: a dangling symlink, a path through a file, a
    // directory named with -f, a symlink loop
    let dir = TempDir::with_files("reads-unreadable", &[("values.yaml", NO_SCHEME)]);
    std::os::unix::fs::symlink("nowhere.yaml", dir.path().join("gone-values.yaml"))
        .expect("symlink");
    std::os::unix::fs::symlink("loop-values.yaml", dir.path().join("loop-values.yaml"))
        .expect("symlink");
    std::fs::create_dir(dir.path().join("adir")).expect("dir");
    let run = dir.run(&[
        "--format",
        "concise",
        "gone-values.yaml",
        "values.yaml/inner.yaml",
        "loop-values.yaml",
        "values.yaml",
    ]);
    run.assert_code(1);
    assert_eq!(
        findings(&run),
        [
            pair("gone-values.yaml", "OC094"),
            pair("loop-values.yaml", "OC094"),
            pair("values.yaml", "OC006"),
            pair("values.yaml/inner.yaml", "OC094"),
        ],
        "{}",
        run.stdout()
    );
    let run = dir.run(&["--format", "concise", "-f", "adir"]);
    run.assert_code(1);
    assert_eq!(findings(&run), [pair("adir", "OC094")], "{}", run.stdout());
    assert!(run.stdout().contains("a directory"), "{}", run.stdout());
}

#[test]
fn the_baseline_and_a_merge_target_are_read_bounded() {
    let dir = TempDir::with_files("reads-baseline", &[("values.yaml", NO_SCHEME)]);
    let run = oncall_lint(["--baseline", "/dev/zero", "values.yaml"])
        .cwd(dir.path())
        .timeout(QUICK)
        .memory_limit(MEMORY)
        .run();
    run.assert_code(2);
    assert!(run.stderr.contains("character device"), "{}", run.stderr);
    let run = oncall_lint([
        "render",
        "provisioning",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
        "--merge-into",
        "/dev/zero",
    ])
    .cwd(dir.path())
    .timeout(QUICK)
    .memory_limit(MEMORY)
    .run();
    run.assert_code(2);
    assert!(run.stderr.contains("character device"), "{}", run.stderr);
}
