//! Canary secrets planted in values files must never appear in any output: every report
//! format, colour on or off, `--diff`, and `render values`.

use std::process::Command;

const FILES: [&str; 2] = [
    "testdata/secrets/values.yaml",
    "testdata/secrets/external-values.yaml",
];

fn run(args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .args(args)
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_no_canary(what: &str, text: &str) {
    assert!(!text.contains("CANARY"), "{what} prints a secret:\n{text}");
}

#[test]
fn the_canaries_are_really_in_the_files() {
    let text: String = FILES
        .iter()
        .map(|f| std::fs::read_to_string(format!("{}/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap())
        .collect();
    assert_eq!(text.matches("CANARY").count(), 9);
}

#[test]
fn no_report_format_prints_a_secret() {
    for format in [
        "text", "concise", "json", "sarif", "github", "junit", "gitlab",
    ] {
        for color in ["never", "always"] {
            let mut args = vec![
                "--profile",
                "air-gapped",
                "--format",
                format,
                "--color",
                color,
                "-v",
            ];
            args.extend(FILES);
            let (stdout, stderr) = run(&args);
            assert!(!stdout.is_empty(), "{format}: there are findings to report");
            assert_no_canary(&format!("--format {format} --color {color}"), &stdout);
            assert_no_canary(&format!("--format {format} (stderr)"), &stderr);
        }
    }
}

#[test]
fn findings_next_to_secrets_still_point_at_the_right_place() {
    let (stdout, _) = run(&["--format", "text", "--color", "never", FILES[1]]);
    // the URL's line is shown with its password masked, and the finding is on it
    assert!(stdout.contains("url: http://admin:****"), "{stdout}");
    assert!(stdout.contains("external-values.yaml:5:8"), "{stdout}");
    let (text, _) = run(&["--format", "text", "--color", "never", FILES[0]]);
    assert!(
        text.contains("GF_SECURITY_ADMIN_PASSWORD: *"),
        "the snippet shows the key, not the value:\n{text}"
    );
}

#[test]
fn diffs_and_rendered_values_mask_secrets_too() {
    let (diff, _) = run(&[
        "--diff",
        "--unsafe-fixes",
        "--profile",
        "air-gapped",
        FILES[0],
    ]);
    assert!(diff.contains("@@"), "there is a diff");
    assert_no_canary("--diff", &diff);
    for format in ["yaml", "json"] {
        let (values, _) = run(&[
            "render",
            "values",
            "-f",
            FILES[0],
            "--format",
            format,
            "--show-origin",
        ]);
        assert!(values.contains("adminPassword"), "{values}");
        assert_no_canary(&format!("render values --format {format}"), &values);
    }
}
