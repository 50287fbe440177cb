//! After a fix, linting the result for the same release finds nothing on a line the fix
//! wrote (issue 18, "Everything it writes is right"): a fix that writes a line the linter
//! then flags has swapped one finding for another.
//!
//! For every fixture (`testdata/rules/*/`, `testdata/fix/`, the values files of
//! `testdata/realistic/`), with the options its header gives (and a `Chart.yaml` beside
//! it), the library's fix loop runs twice (safe fixes; safe and unsafe), and the fixed text
//! is linted again with the same options. A finding of any rule or severity (info too)
//! whose primary location starts on a line the fix inserted or changed (the new side of a
//! line diff) fails the test, unless the text before the fix already had it (same rule,
//! severity and key path; its message may quote the value the fix rewrote): that one was
//! not written by the fix, it only sits on a line the fix touched (a finding about a chart
//! default, placed at the key a fix created, or one the fix did not resolve).
//! The fixtures of the rules whose fixes depend on the release name are also fixed
//! for a few release identities. The library is called directly (no binary), so the whole
//! matrix runs in well under two minutes in a debug build.

mod support;

use std::path::{Path, PathBuf};

use oncall_lint_core::fix::apply::{FileText, run};
use oncall_lint_core::fix::diff::unified;
use oncall_lint_core::{Applicability, Diagnostic, FileReport, LintOptions, lint_bytes};

/// Fixture directories under `testdata/rules` whose fixes depend on the release identity:
/// their fixtures are also fixed for each of [`IDENTITIES`].
const RELEASE_RULES: &[&str] = &["OC004", "OC005", "OC007", "OC030", "OC031", "OC032"];

/// Release identities (`--release`, `--namespace`) tried on [`RELEASE_RULES`]' fixtures,
/// besides the fixture's own header.
const IDENTITIES: &[(Option<&str>, Option<&str>)] = &[
    (Some("oncall"), Some("oncall")),
    (Some("helm-testing"), None),
    (None, None),
];

/// Why OC045's fix cannot avoid OC044: it moves images to the registry the values use, and
/// these values name no pull secret anywhere (OC044 already flags their own registry lines);
/// no fix can invent the secret's name.
const NO_PULL_SECRET: &str =
    "OC045 moves images to a registry these values have no pull secret for";

/// Unsafe fixes whose title states the caveat a rule then reports on the line they wrote:
/// (rule, why). Only for `--unsafe-fixes` runs with no release named, and at least one case
/// must use each.
const UNSAFE_CAVEATS: &[(&str, &str)] = &[(
    "OC004",
    "with no release named, OC030's unsafe fix restores the chart's volume and says it mounts provisioning written for `helm-testing`, which is OC004's warning",
)];

/// Fixtures where a line an unsafe fix wrote carries a different, correct finding that the
/// fix cannot avoid: (fixture, rule, why). Only for `--unsafe-fixes` runs: after the safe
/// fixes, no written line may carry a new finding. An entry that no longer matches fails
/// the test.
const EXCLUDED: &[(&str, &str, &str)] = &[
    (
        "testdata/rules/OC041/fail-grafana-11-6-install-plugins-not-migrated.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/fail-grafana-12-4-last-before-core-plugins.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/fail-grafana-12-install-plugins-migrated.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/fail-grafana-13-auto-update-off.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/fail-grafana-13-core-plugins.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/pass-grafana-11-6-install-plugins-not-migrated.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/pass-grafana-12-4-last-before-core-plugins.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/pass-grafana-12-install-plugins-migrated.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/pass-grafana-13-auto-update-off.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/pass-grafana-13-core-plugins.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC006/fail-bundled-grafana-enabled.yaml",
        "OC006",
        "the scheme fix cannot know Grafana's namespace; the bare host is the next (assumed) warning",
    ),
    (
        "testdata/rules/OC040/fail-plugins-default.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC040/fail-preinstall-sync-grafana-12.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC040/pass-plugins-default.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC040/pass-preinstall-sync-grafana-12.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/fail-grafana-12-not-disabled.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC041/pass-grafana-12-not-disabled.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC042/fail-mirrored-stock-image.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC042/pass-mirrored-stock-image.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC045/fail-oncall-image-public.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC045/fail-registry-in-repository.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
    (
        "testdata/rules/OC045/fail-subcharts-left-public.yaml",
        "OC044",
        NO_PULL_SECRET,
    ),
];

/// Every fixture: YAML files under the fixture folders, `Chart.yaml` aside.
fn fixtures() -> Vec<PathBuf> {
    support::yaml_fixtures(&["rules", "fix", "realistic"])
}

/// The options a fixture is linted with, as the CLI lints a file named alone: its header,
/// the `Chart.yaml` beside it, a whole release, effective values kept for the fix loop.
fn options_for(path: &Path, text: &str) -> LintOptions {
    let mut options = support::options_from_header(text);
    options.release.chart_yaml = path
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join("Chart.yaml")).ok());
    options.release.whole = true;
    options.keep_values = true;
    options
}

/// The 1-based line numbers of `new` that a line diff from `old` marks inserted or changed.
fn written_lines(old: &str, new: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    for hunk in unified("f", old, new, 0)
        .lines()
        .filter_map(|l| l.strip_prefix("@@ "))
    {
        // `-a,b +c,d @@`: lines c..c+d of the new text (`+c` alone is one line)
        let Some(plus) = hunk.split_whitespace().find_map(|w| w.strip_prefix('+')) else {
            continue;
        };
        let mut parts = plus.split(',');
        let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let count: usize = parts
            .next()
            .map_or(Some(1), |s| s.parse().ok())
            .unwrap_or(0);
        lines.extend(start..start + count);
    }
    lines
}

/// What one case is: the fixture, its options and the fixes applied.
struct Case<'a> {
    name: &'a str,
    identity: String,
    threshold: Applicability,
}

impl Case<'_> {
    fn describe(&self) -> String {
        format!(
            "{} [{}; {}]",
            self.name,
            self.identity,
            match self.threshold {
                Applicability::Safe => "--fix",
                _ => "--fix --unsafe-fixes",
            }
        )
    }
}

/// Fixes `text` and relints it; one message per finding on a written line.
fn check(case: &Case, text: &str, options: &LintOptions) -> Vec<(String, String)> {
    let lint = |texts: &[FileText]| -> FileReport {
        let (path, text) = &texts[0];
        lint_bytes(path, text.clone().into_bytes(), options)
    };
    let outcome = run(
        vec![(case.name.to_owned(), text.to_owned())],
        case.threshold,
        &lint,
    );
    let Some((_, fixed)) = outcome.texts.first() else {
        return Vec::new();
    };
    if fixed == text {
        return Vec::new();
    }
    let written = written_lines(text, fixed);
    // what the text said before the fix: still said after it, it was not written by the fix
    let before: Vec<String> = lint_bytes(case.name, text.as_bytes().to_vec(), options)
        .diagnostics
        .iter()
        .map(identity)
        .collect();
    let relint = lint_bytes(case.name, fixed.clone().into_bytes(), options);
    let fixed_lines: Vec<&str> = fixed.lines().collect();
    relint
        .diagnostics
        .iter()
        .filter(|d| d.primary.file.path() == case.name)
        .filter(|d| written.contains(&d.primary.start().line))
        .filter(|d| !before.contains(&identity(d)))
        .map(|d| {
            let line = d.primary.start().line;
            (
                d.code().to_owned(),
                format!(
                    "{}\n  {} {} at {} (line {line}: `{}`): {}\n  applied: {:?}\n  fixed text:\n{}",
                    case.describe(),
                    d.code(),
                    d.severity.as_str(),
                    d.primary.key_path,
                    fixed_lines.get(line.wrapping_sub(1)).unwrap_or(&""),
                    d.message,
                    outcome.applied,
                    fixed
                        .lines()
                        .enumerate()
                        .map(|(i, l)| format!(
                            "  {}{:>4} | {l}",
                            if written.contains(&(i + 1)) { '+' } else { ' ' },
                            i + 1
                        ))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            )
        })
        .collect()
}

/// A finding as this test tells the text's findings before and after the fix apart: rule,
/// severity and key path. The message is left out: a finding the fix did not resolve may
/// quote the value the fix rewrote (OC021 quoting a version OC022's fix rewrote).
fn identity(d: &Diagnostic) -> String {
    format!(
        "{} {} {}",
        d.code(),
        d.severity.as_str(),
        d.primary.key_path
    )
}

fn identity_of(options: &LintOptions) -> String {
    format!(
        "--release {} --namespace {}",
        options.release.release_name.as_deref().unwrap_or("(none)"),
        options.release.namespace.as_deref().unwrap_or("(none)")
    )
}

#[test]
fn fixes_write_no_line_the_linter_flags() {
    let mut failures = Vec::new();
    let mut used = std::collections::HashSet::new();
    let mut caveats_used = std::collections::HashSet::new();
    let mut cases = 0;
    for path in fixtures() {
        let name = support::relative(&path);
        let text = std::fs::read_to_string(&path).expect("fixture text");
        let options = options_for(&path, &text);
        let mut variants = vec![options.clone()];
        let rule_dir = path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("testdata/rules/") && RELEASE_RULES.contains(&rule_dir.as_str()) {
            for (release, namespace) in IDENTITIES {
                let mut o = options.clone();
                o.release.release_name = release.map(str::to_owned);
                o.release.namespace = namespace.map(str::to_owned);
                if identity_of(&o) != identity_of(&options) {
                    variants.push(o);
                }
            }
        }
        for options in &variants {
            for threshold in [Applicability::Safe, Applicability::Unsafe] {
                let case = Case {
                    name: &name,
                    identity: identity_of(options),
                    threshold,
                };
                cases += 1;
                for (code, message) in check(&case, &text, options) {
                    let excluded = (threshold == Applicability::Unsafe)
                        .then(|| EXCLUDED.iter().find(|(f, r, _)| *f == name && *r == code))
                        .flatten();
                    let caveat = (threshold == Applicability::Unsafe
                        && options.release.release_name.is_none())
                    .then(|| UNSAFE_CAVEATS.iter().find(|(r, _)| *r == code))
                    .flatten();
                    if let Some(entry) = excluded {
                        used.insert((entry.0, entry.1));
                    } else if let Some((rule, _)) = caveat {
                        caveats_used.insert(*rule);
                    } else {
                        failures.push(message);
                    }
                }
            }
        }
    }
    assert!(cases > 1000, "only {cases} cases ran");
    let stale_caveats: Vec<_> = UNSAFE_CAVEATS
        .iter()
        .filter(|(r, _)| !caveats_used.contains(r))
        .collect();
    assert!(
        stale_caveats.is_empty(),
        "caveats that no longer apply: {stale_caveats:?}"
    );
    let stale: Vec<_> = EXCLUDED
        .iter()
        .filter(|(f, r, _)| !used.contains(&(*f, *r)))
        .collect();
    assert!(
        stale.is_empty(),
        "exclusions that no longer apply: {stale:?}"
    );
    assert!(
        failures.is_empty(),
        "{} findings on lines a fix wrote:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn written_lines_are_the_new_side_of_the_diff() {
    assert_eq!(written_lines("a\nb\nc\n", "a\nB\nc\n"), vec![2]);
    assert_eq!(written_lines("a\nc\n", "a\nb1\nb2\nc\n"), vec![2, 3]);
    assert_eq!(written_lines("a\nb\nc\n", "a\nc\n"), Vec::<usize>::new());
    assert_eq!(written_lines("a\n", "a\n"), Vec::<usize>::new());
}
