//! Which files a run lints and what it calls them, through the real binary: a directory walk
//! does not enter a chart's `templates/` and `charts/`, installed packages or build output
//! (a file named there is linted all the same); a directory with nothing to lint is an
//! error unless `--allow-empty`; a file named twice is linted once; and a file is named one
//! way in every format and in baselines, however it was typed.

mod exe;

use exe::{Run, TempDir, concise_findings, oncall_lint};

/// An OC006 error at 4:8: the URL has no scheme; the platform rules settled after it.
const NO_SCHEME: &str = concat!(
    "grafana:\n  enabled: false\nexternalGrafana:\n  url: grafana:3000\nbase_url: oncall.example.org\n",
    include_str!("../testdata/settled/platform.yaml")
);

/// A directory holding `files`.
fn in_dir(files: &[(&str, &str)]) -> TempDir {
    TempDir::with_files("discovery", files)
}

/// `oncall-lint ARGS` in `dir`.
fn run_in(dir: &TempDir, args: &[&str]) -> Run {
    dir.run(args)
}

/// The paths of the concise findings, in output order.
fn paths(run: &Run) -> Vec<String> {
    concise_findings(run).into_iter().map(|f| f.path).collect()
}

// ---- 1. what a walk does not enter ------------------------------------------------------

#[test]
fn a_walk_skips_chart_internals_packages_and_build_output() {
    let dir = in_dir(&[
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: mine\nversion: 1.0.0\n",
        ),
        ("chart/values.yaml", NO_SCHEME),
        ("chart/templates/values-configmap.yaml", NO_SCHEME),
        ("chart/charts/oncall/values.yaml", NO_SCHEME),
        ("node_modules/pkg/values.yaml", NO_SCHEME),
        ("vendor/values.yaml", NO_SCHEME),
        ("target/values.yaml", NO_SCHEME),
        ("dist/values.yaml", NO_SCHEME),
        ("build/values.yaml", NO_SCHEME),
        ("venv/values.yaml", NO_SCHEME),
        ("__pycache__/values.yaml", NO_SCHEME),
        // not a chart's: no Chart.yaml beside these folders
        ("deploy/templates/values.yaml", NO_SCHEME),
        ("deploy/charts/values.yaml", NO_SCHEME),
    ]);
    let run = run_in(&dir, &["--format", "concise", "."]);
    run.assert_code(1);
    assert_eq!(
        paths(&run),
        [
            "chart/values.yaml",
            "deploy/charts/values.yaml",
            "deploy/templates/values.yaml"
        ]
    );

    // named, a file is linted wherever it is; a named directory is walked whatever its name
    let run = run_in(
        &dir,
        &[
            "--format",
            "concise",
            "chart/templates/values-configmap.yaml",
            "node_modules",
        ],
    );
    run.assert_code(1);
    assert_eq!(
        paths(&run),
        [
            "chart/templates/values-configmap.yaml",
            "node_modules/pkg/values.yaml"
        ]
    );
}

// ---- 2. nothing to lint -------------------------------------------------------------------

#[test]
fn a_directory_with_nothing_to_lint_is_an_error_unless_allowed() {
    let dir = in_dir(&[
        ("deploy/README.md", "# nothing here\n"),
        ("deploy/kustomization.yaml", "resources: []\n"),
        ("deploy/node_modules/pkg/values.yaml", NO_SCHEME),
    ]);
    std::fs::create_dir_all(dir.path().join("empty")).expect("an empty dir");

    let run = run_in(&dir, &["empty"]);
    run.assert_code(2);
    assert!(run.stdout().is_empty(), "{}", run.stdout());
    assert!(
        run.stderr
            .contains("empty: no values files found (looked for values*.yaml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--allow-empty"), "{}", run.stderr);

    // what the walk did not enter is said too
    let run = run_in(&dir, &["--format", "concise", "deploy/"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("deploy/: no values files found")
            && run.stderr.contains("not entered: deploy/node_modules/"),
        "{}",
        run.stderr
    );

    // one empty directory among good paths still fails the run
    let run = run_in(&dir, &["deploy/node_modules/pkg/values.yaml", "empty"]);
    run.assert_code(2);

    let run = run_in(&dir, &["--allow-empty", "empty", "deploy"]);
    run.assert_code(0);
    assert!(
        run.stdout().contains("No problems found in 0 files."),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_config_walk_with_nothing_found_is_fine_when_its_releases_ran() {
    let with_releases = in_dir(&[
        (
            ".oncall-lint.yaml",
            "releases:\n  - name: prod\n    files: [deploy/base.yaml]\n",
        ),
        ("deploy/base.yaml", NO_SCHEME),
    ]);
    let run = run_in(&with_releases, &["--format", "concise"]);
    run.assert_code(1);
    assert_eq!(paths(&run), ["deploy/base.yaml"]);

    let without = in_dir(&[
        (".oncall-lint.yaml", "fail-on: error\n"),
        ("notes.md", "x\n"),
    ]);
    let run = run_in(&without, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("no values files found")
            && run.stderr.contains("the config lists no `releases:`"),
        "{}",
        run.stderr
    );
    run_in(&without, &["--allow-empty"]).assert_code(0);
}

// ---- 3. each file once --------------------------------------------------------------------

#[test]
fn a_file_named_twice_is_linted_once() {
    let dir = in_dir(&[("deploy/values.yaml", NO_SCHEME)]);
    for args in [
        &["deploy/values.yaml", "./deploy/values.yaml"][..],
        &["deploy/values.yaml", "deploy"],
        &["deploy", "deploy/../deploy/values.yaml", "."],
    ] {
        let mut all = vec!["--format", "concise"];
        all.extend_from_slice(args);
        let run = run_in(&dir, &all);
        run.assert_code(1);
        assert_eq!(paths(&run), ["deploy/values.yaml"], "{args:?}");

        let text = run_in(&dir, args);
        assert!(
            text.stdout().contains("in 1 file."),
            "{args:?}: {}",
            text.stdout()
        );
    }
    // the first mention names it
    let run = run_in(
        &dir,
        &["--format", "concise", "./deploy/", "deploy/values.yaml"],
    );
    assert_eq!(paths(&run), ["deploy/values.yaml"]);
}

// ---- 4. one name per file -----------------------------------------------------------------

#[test]
fn a_file_has_one_name_in_every_format() {
    let dir = in_dir(&[("deploy/values.yaml", NO_SCHEME)]);
    let absolute = dir.path().join("deploy").join("values.yaml");
    let absolute = absolute.to_str().expect("a UTF-8 temp path");
    let spellings = [
        "deploy/values.yaml",
        "./deploy/values.yaml",
        "deploy/../deploy/./values.yaml",
        absolute,
    ];
    for format in [
        "text", "concise", "json", "sarif", "github", "junit", "gitlab",
    ] {
        let outputs: Vec<String> = spellings
            .iter()
            .map(|path| {
                let run = run_in(&dir, &["--format", format, path]);
                run.assert_code(1);
                run.stdout()
            })
            .collect();
        for (spelling, output) in spellings.iter().zip(&outputs) {
            assert_eq!(
                output, &outputs[0],
                "--format {format}: `{spelling}` is reported unlike `{}`",
                spellings[0]
            );
        }
        assert!(
            outputs[0].contains("deploy/values.yaml") && !outputs[0].contains("./deploy"),
            "--format {format}:\n{}",
            outputs[0]
        );
    }
    let run = run_in(&dir, &["--format", "concise", "./deploy/values.yaml"]);
    assert_eq!(paths(&run), ["deploy/values.yaml"]);

    // a walk of `.` names files the same way
    let run = run_in(&dir, &["--format", "concise", "."]);
    assert_eq!(paths(&run), ["deploy/values.yaml"]);
    let run = run_in(&dir, &["--format", "concise", "./"]);
    assert_eq!(paths(&run), ["deploy/values.yaml"]);
}

#[test]
fn standard_input_and_release_files_are_named_the_same_way() {
    let dir = in_dir(&[("deploy/values.yaml", NO_SCHEME)]);
    let run = oncall_lint([
        "--format",
        "concise",
        "-",
        "--stdin-filename",
        "./deploy/values.yaml",
    ])
    .cwd(dir.path())
    .stdin(NO_SCHEME)
    .run();
    run.assert_code(1);
    assert_eq!(paths(&run), ["deploy/values.yaml"]);

    let run = oncall_lint(["--format", "concise", "-"])
        .cwd(dir.path())
        .stdin(NO_SCHEME)
        .run();
    assert_eq!(paths(&run), ["<stdin>"]);

    let run = run_in(&dir, &["--format", "concise", "-f", "./deploy/values.yaml"]);
    run.assert_code(1);
    assert_eq!(paths(&run), ["deploy/values.yaml"]);

    let run = run_in(
        &dir,
        &[
            "render",
            "values",
            "-f",
            "./deploy/values.yaml",
            "--show-origin",
        ],
    );
    run.assert_code(0);
    assert!(
        run.stdout().contains("# deploy/values.yaml:4") && !run.stdout().contains("./deploy"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_baseline_matches_however_the_file_was_named() {
    let dir = in_dir(&[("deploy/values.yaml", NO_SCHEME)]);
    for (written_with, run_with) in [
        ("./deploy/values.yaml", "deploy/values.yaml"),
        ("deploy/values.yaml", "./deploy/values.yaml"),
        ("deploy/values.yaml", "deploy/../deploy/values.yaml"),
    ] {
        run_in(&dir, &["--write-baseline", "baseline.json", written_with]).assert_code(0);
        let baseline =
            std::fs::read_to_string(dir.path().join("baseline.json")).expect("the baseline");
        assert!(
            baseline.contains("\"file\": \"deploy/values.yaml\""),
            "{baseline}"
        );
        let run = run_in(
            &dir,
            &[
                "--format",
                "concise",
                "--baseline",
                "baseline.json",
                run_with,
            ],
        );
        run.assert_code(0);
        assert!(
            run.stdout().is_empty(),
            "{written_with} then {run_with}: {}",
            run.stdout()
        );
    }

    // a baseline written before names were normalised, with the path as typed
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).expect("baseline");
    for old_name in ["./deploy/values.yaml", "deploy//values.yaml"] {
        let old = baseline.replace(
            "\"file\": \"deploy/values.yaml\"",
            &format!("\"file\": \"{old_name}\""),
        );
        assert_ne!(old, baseline);
        dir.write("old-baseline.json", &old);
        let run = run_in(
            &dir,
            &[
                "--format",
                "concise",
                "--baseline",
                "old-baseline.json",
                "deploy/values.yaml",
            ],
        );
        run.assert_code(0);
        assert!(run.stdout().is_empty(), "{old_name}: {}", run.stdout());
    }
}
