//! Which config a run trusts, through the real binary: a config names only files inside its
//! own directory (a checkout's config must not make the tool read `/proc/self/environ` or a
//! home directory's credentials), discovery stops at the repository root (or, with no
//! repository, at the working directory), a config another user owns is ignored and said,
//! and `-v` and `--show-settings` name the config used.

mod exe;

use exe::{Run, TempDir, concise_findings};

/// An OC006 error at 4:8: the URL has no scheme. The platform rules (secrets, bundled
/// images, ingress-nginx, cert-manager) are settled after it, so OC006 is the one finding.
const NO_SCHEME: &str = concat!(
    "grafana:\n  enabled: false\nexternalGrafana:\n  url: grafana:3000\nbase_url: oncall.example.org\n",
    include_str!("../testdata/settled/platform.yaml")
);

/// A config that silences everything: when it applies, nothing is reported.
const SILENCE: &str = "ignore: [all]\n";

fn codes(run: &Run) -> Vec<String> {
    concise_findings(run).into_iter().map(|f| f.code).collect()
}

#[test]
fn a_config_naming_a_file_outside_its_directory_is_exit_2_with_the_reason() {
    let outside = TempDir::with_files("trust-outside", &[("secret-values.yaml", NO_SCHEME)]);
    let absolute = outside.path().join("secret-values.yaml");
    let absolute = absolute.to_str().expect("a UTF-8 temp path");
    let cases = [
        ("/proc/self/environ", "absolute path"),
        (absolute, "absolute path"),
        ("../x/values.yaml", "`..` leads out"),
        ("deploy/../../values.yaml", "`..` leads out"),
        ("~/.aws/credentials", "`~` is not expanded"),
        ("linked/values.yaml", "symlink leads out"),
    ];
    for (named, reason) in cases {
        let dir = TempDir::with_files("trust-paths", &[("values.yaml", NO_SCHEME)]);
        dir.write("x/values.yaml", NO_SCHEME);
        std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).expect("a symlink");
        dir.write(
            ".oncall-lint.yaml",
            format!(
                "releases:\n  - name: prod\n    files:\n      - values.yaml\n      - {named}\n"
            ),
        );
        let run = dir.run(&["--format", "concise"]);
        run.assert_code(2);
        assert!(
            run.stdout().is_empty(),
            "{named}: nothing read: {}",
            run.stdout()
        );
        // the config, the line of the entry, and why
        assert!(
            run.stderr.contains(".oncall-lint.yaml:5:"),
            "{named}: the config's line: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("outside the config's directory") && run.stderr.contains(reason),
            "{named}: the reason: {}",
            run.stderr
        );
        // a file inside, through `..` that stays inside, is fine
        dir.write(
            ".oncall-lint.yaml",
            "releases:\n  - files: [x/../values.yaml, ./x/values.yaml]\n",
        );
        dir.run(&["--format", "concise"]).assert_code(1);
    }
}

#[test]
fn discovery_stops_at_the_repository_root() {
    for marker in [".git", ".hg"] {
        let outer = TempDir::with_files(
            "trust-repo",
            &[
                (".oncall-lint.yaml", SILENCE),
                ("repo/deploy/values.yaml", NO_SCHEME),
            ],
        );
        // a directory, or a file as in a git worktree
        if marker == ".git" {
            outer.write("repo/.git", "gitdir: /elsewhere\n");
        } else {
            std::fs::create_dir_all(outer.path().join("repo/.hg")).expect("a .hg dir");
        }
        let run = exe::oncall_lint(["--format", "concise", "deploy/values.yaml"])
            .cwd(&outer.path().join("repo"))
            .run();
        run.assert_code(1);
        assert_eq!(
            codes(&run),
            ["OC006"],
            "{marker}: the config above the root does not apply"
        );
    }
}

#[test]
fn without_a_repository_discovery_stops_at_the_working_directory() {
    let outer = TempDir::with_files(
        "trust-norepo",
        &[
            (".oncall-lint.yaml", SILENCE),
            ("work/deploy/values.yaml", NO_SCHEME),
        ],
    );
    let work = outer.path().join("work");
    let run = exe::oncall_lint(["--format", "concise", "deploy/values.yaml"])
        .cwd(&work)
        .run();
    run.assert_code(1);
    assert_eq!(
        codes(&run),
        ["OC006"],
        "a config above the working directory does not apply"
    );
    // one in the working directory does
    std::fs::write(work.join(".oncall-lint.yaml"), SILENCE).expect("write");
    let run = exe::oncall_lint(["--format", "concise", "deploy/values.yaml"])
        .cwd(&work)
        .run();
    run.assert_code(0);
}

#[test]
fn a_config_owned_by_another_user_is_ignored_and_said() {
    // SAFETY: geteuid has no preconditions
    if unsafe { libc_geteuid() } != 0 {
        eprintln!("skipped: giving a file to another user needs root");
        return;
    }
    let dir = TempDir::with_files(
        "trust-owner",
        &[(".oncall-lint.yaml", SILENCE), ("values.yaml", NO_SCHEME)],
    );
    let config = dir.path().join(".oncall-lint.yaml");
    std::os::unix::fs::chown(&config, Some(12345), Some(12345)).expect("chown as root");
    let run = dir.run(&["--format", "concise", "values.yaml"]);
    run.assert_code(1);
    assert_eq!(codes(&run), ["OC006"], "the config is not applied");
    assert!(
        run.stderr.contains("ignored config") && run.stderr.contains("uid 12345"),
        "said on stderr: {}",
        run.stderr
    );
    let run = dir.run(&["--show-settings", "values.yaml"]);
    run.assert_code(0);
    let shown = run.stdout();
    assert!(shown.contains("config: none"), "{shown}");
    assert!(
        shown.contains("ignored config") && shown.contains(".oncall-lint.yaml"),
        "{shown}"
    );
    // the user's own (or root's) config applies
    std::os::unix::fs::chown(&config, Some(0), Some(0)).expect("chown as root");
    dir.run(&["--format", "concise", "values.yaml"])
        .assert_code(0);
}

unsafe extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

#[test]
fn verbose_and_show_settings_name_the_config_used() {
    let dir = TempDir::with_files(
        "trust-named",
        &[
            (".oncall-lint.yaml", "ignore: [OC004]\n"),
            ("values.yaml", NO_SCHEME),
        ],
    );
    let run = dir.run(&["-v", "--format", "concise", "values.yaml"]);
    run.assert_code(1);
    let config = dir
        .path()
        .canonicalize()
        .expect("canonical")
        .join(".oncall-lint.yaml");
    let named = format!("note: config: {}", config.display());
    assert!(run.stderr.contains(&named), "-v names it: {}", run.stderr);
    let run = dir.run(&["--show-settings", "values.yaml"]);
    assert!(
        run.stdout()
            .contains(&format!("config: {}", config.display())),
        "{}",
        run.stdout()
    );
    let run = dir.run(&["-v", "--no-config", "--format", "concise", "values.yaml"]);
    assert!(run.stderr.contains("note: config: none"), "{}", run.stderr);
}
