//! Every fixture under `testdata/rules/<CODE>/` (and its subfolders, which hold a
//! `Chart.yaml` for a chart version): files named `fail-*.yaml` must fire the rule (their
//! text output is snapshotted), files named `pass-*.yaml` must not. Every rule
//! runs, except the platform rules of other folders (`support::PLATFORM_RULES`), which
//! fire on nearly every stock values file.

mod support;

use std::path::Path;

/// The rule a fixture is for: the folder right under `testdata/rules`.
fn code_of(path: &Path) -> String {
    let mut parts = path.components().map(|c| c.as_os_str().to_string_lossy());
    parts
        .by_ref()
        .find(|part| part == "rules")
        .and_then(|_| parts.next())
        .map(|code| code.into_owned())
        .unwrap_or_default()
}

#[test]
fn failing_fixtures_fire_their_rule() {
    insta::glob!("../testdata/rules", "**/fail-*.yaml", |path| {
        let code = code_of(path);
        let diagnostics = support::lint_fixture(path);
        assert!(
            diagnostics.iter().any(|d| d.code() == code),
            "{} should fire {code}, got {:?}",
            path.display(),
            diagnostics.iter().map(|d| d.code()).collect::<Vec<_>>()
        );
        insta::assert_snapshot!(support::render(&diagnostics));
    });
}

#[test]
fn passing_fixtures_stay_quiet() {
    insta::glob!("../testdata/rules", "**/pass-*.yaml", |path| {
        let code = code_of(path);
        let diagnostics = support::lint_fixture(path);
        let fired: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.code() == code)
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d.primary.start().line,
                    d.primary.start().column,
                    d.message
                )
            })
            .collect();
        assert!(
            fired.is_empty(),
            "{} should not fire {code}: {fired:?}",
            path.display()
        );
    });
}

#[test]
fn every_rule_has_fixtures_both_ways() {
    for rule in oncall_lint_core::RuleCode::ALL {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/rules")
            .join(rule.as_str());
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{rule} has no fixture folder {}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("fail-")),
            "{}: no fail-*.yaml",
            rule
        );
        assert!(
            names.iter().any(|n| n.starts_with("pass-")),
            "{}: no pass-*.yaml",
            rule
        );
    }
}
