//! What a report prints is bounded by the findings, not by the input: thousands of
//! duplicate keys print a few lines each, a 1 MiB value is cut in every format, and a
//! bidi override in a key is shown escaped in every format, never raw.
//!
//! Each test runs the real binary on a generated file (inputs are never committed).

mod exe;

use std::time::Duration;

use exe::{TempDir, oncall_lint};

const FORMATS: [&str; 7] = [
    "text", "concise", "json", "sarif", "github", "gitlab", "junit",
];

/// Under `podAnnotations` (a map of any keys), `keys` keys of padding, then `keys` keys,
/// then each of those keys again: every duplicate's first occurrence is in the middle of
/// the file, far from its second.
fn duplicate_keys(keys: usize) -> String {
    let mut text = String::from("podAnnotations:\n");
    for i in 0..keys {
        text.push_str(&format!("  pad{i}: \"0\"\n"));
    }
    for value in [1, 2] {
        for i in 0..keys {
            text.push_str(&format!("  key{i}: \"{value}\"\n"));
        }
    }
    text
}

/// 4,000 duplicate keys (OC092 labels both occurrences, 4,000 lines apart) print a few
/// lines per finding: the lines between the two labels are not drawn.
#[test]
fn four_thousand_duplicate_keys_print_output_linear_in_the_findings() {
    const KEYS: usize = 4_000;
    let dir = TempDir::new("dup-keys");
    let path = dir.write("values.yaml", duplicate_keys(KEYS));
    let run = oncall_lint([
        "--no-config".as_ref(),
        "--chart".as_ref(),
        "oncall".as_ref(),
        path.as_os_str(),
    ])
    .timeout(Duration::from_secs(120))
    .memory_limit(2 << 30)
    .run();
    run.assert_sane();
    let out = run.stdout();
    let findings = out.matches("OC092 duplicate-key").count();
    assert_eq!(findings, KEYS, "{}", &out[..out.len().min(2000)]);
    assert!(
        out.len() < 2_000 * findings,
        "{} bytes for {findings} findings",
        out.len()
    );
    // a line in the middle is drawn by its own finding and its neighbours', no more
    let drawn = out.matches("│   key2000: \"1\"\n").count();
    assert!(
        (1..=3).contains(&drawn),
        "`key2000: \"1\"` drawn {drawn} times"
    );
    // the padding is far from every label: drawn by no finding
    let padding = out.matches("│   pad2000: ").count();
    assert_eq!(padding, 0, "a padding line drawn {padding} times");
}

/// A 1 MiB value quoted by a finding's message is cut, with how much was cut, in every
/// format; the line holding it is not drawn in full either. Only the fix's edit in JSON and
/// SARIF holds it whole: it is the text a tool writes into the file.
#[test]
fn a_one_mib_value_is_cut_in_every_format() {
    let host = "a".repeat(1 << 20);
    let dir = TempDir::new("long-value");
    let path = dir.write(
        "values.yaml",
        format!("base_url: \"https://{host}.example.com\"\n"),
    );
    for format in FORMATS {
        let run = oncall_lint([
            "--no-config".as_ref(),
            "--chart".as_ref(),
            "oncall".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            path.as_os_str(),
        ])
        .run();
        run.assert_sane();
        let out = run.stdout();
        assert!(out.contains("OC015"), "{format}: no OC015 finding\n{out}");
        // JSON and SARIF carry the fix's edit, whose replacement is the file's new text and
        // must stay whole for a tool to apply it: once, and nowhere else
        let whole = if matches!(format, "json" | "sarif") {
            1
        } else {
            0
        };
        assert_eq!(
            out.matches(host.as_str()).count(),
            whole,
            "{format}: the 1 MiB value printed whole"
        );
        let long_lines = out.lines().filter(|line| line.len() > 64 * 1024).count();
        assert!(
            long_lines <= whole,
            "{format}: {long_lines} lines over 64 KiB"
        );
        // (SARIF also lists every rule with its docs: about 600 KB whatever the input)
        let bound = if whole == 1 { 2 << 20 } else { 64 * 1024 };
        assert!(
            out.len() < bound,
            "{format}: {} bytes printed for one 1 MiB value",
            out.len()
        );
        assert!(
            out.contains(&format!("`https://{}…", "a".repeat(192))),
            "{format}: the value is not cut with an ellipsis\n{out}"
        );
        assert!(
            out.contains("more chars)"),
            "{format}: the cut does not say how much was cut\n{out}"
        );
    }
}

/// A key holding U+202E (right-to-left override) is written `\u{202E}` in every format,
/// and the raw character is nowhere in the output.
#[test]
fn a_bidi_override_in_a_key_is_escaped_in_every_format() {
    let dir = TempDir::new("bidi-key");
    let path = dir.write(
        "values.yaml",
        "base_url: oncall.example.com\nevil\u{202E}key: 1\nzero\u{200B}width: 2\n",
    );
    for format in FORMATS {
        let run = oncall_lint([
            "--no-config".as_ref(),
            "--chart".as_ref(),
            "oncall".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            path.as_os_str(),
        ])
        .run();
        run.assert_sane();
        let out = run.stdout();
        assert!(out.contains("OC090"), "{format}: no OC090 finding\n{out}");
        for raw in ['\u{202E}', '\u{200B}'] {
            assert!(
                !out.contains(raw),
                "{format}: U+{:04X} printed raw\n{out}",
                u32::from(raw)
            );
        }
        // JSON doubles the backslash of the escape
        for shown in ["u{202E}key", "u{200B}width"] {
            assert!(
                out.contains(&format!("evil\\{shown}"))
                    || out.contains(&format!("zero\\{shown}"))
                    || out.contains(&format!("evil\\\\{shown}"))
                    || out.contains(&format!("zero\\\\{shown}")),
                "{format}: `{shown}` not shown escaped\n{out}"
            );
        }
    }
}
