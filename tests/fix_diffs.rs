//! The unified diff `--diff --unsafe-fixes` prints for each failing fixture, snapshotted:
//! one per fixture of every rule that has a fix.

mod support;

use oncall_lint_core::fix::apply::run;
use oncall_lint_core::fix::diff::unified;
use oncall_lint_core::{Applicability, lint_bytes};

#[test]
fn fix_diffs() {
    let mut diffs = 0;
    insta::glob!("../testdata/rules", "*/fail-*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let mut options = support::options_from_header(&text);
        options.keep_values = true;
        let name = support::relative(path);
        let lint = |texts: &[(String, String)]| {
            lint_bytes(&texts[0].0, texts[0].1.clone().into_bytes(), &options)
        };
        let before = lint(&[(name.clone(), text.clone())]);
        if !before.diagnostics.iter().any(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability >= Applicability::Unsafe)
        }) {
            return;
        }
        let outcome = run(
            vec![(name.clone(), text.clone())],
            Applicability::Unsafe,
            &lint,
        );
        assert!(
            outcome.notes.is_empty(),
            "{}: {:?}",
            path.display(),
            outcome.notes
        );
        let diff = unified(&name, &text, &outcome.texts[0].1, 3);
        assert!(
            !diff.is_empty(),
            "{}: a fixable finding but no diff",
            path.display()
        );
        diffs += 1;
        insta::assert_snapshot!(diff);
    });
    assert!(diffs >= 30, "only {diffs} fixtures have a fix");
}
