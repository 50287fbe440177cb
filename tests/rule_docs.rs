//! Every rule's docs: the Example fires the rule, the "Use instead" does not, and
//! `explain` prints every heading of DESIGN §7.

use oncall_lint_core::options::{ReleaseSpec, Selection};
use oncall_lint_core::{LintOptions, RuleCode, lint_bytes};

fn options(rule: RuleCode) -> (LintOptions, String) {
    let o = &rule.meta().example_options;
    let options = LintOptions {
        release: ReleaseSpec {
            namespace: o.namespace.clone(),
            grafana_namespace: o.grafana_namespace.clone(),
            ..ReleaseSpec::default()
        },
        selection: Selection {
            profiles: o.profile.into_iter().collect(),
            ..Selection::default()
        },
        ..LintOptions::default()
    };
    (
        options,
        o.filename.clone().unwrap_or_else(|| "values.yaml".into()),
    )
}

#[test]
fn docs_examples_fire_and_use_instead_does_not() {
    for &rule in RuleCode::ALL {
        let (options, filename) = options(rule);
        let code = rule.as_str();
        let bad = lint_bytes(
            &filename,
            rule.meta().docs.example.clone().into_bytes(),
            &options,
        );
        assert!(
            bad.diagnostics.iter().any(|d| d.code() == code),
            "{code}: the docs Example does not fire the rule; got {:?}",
            bad.diagnostics
                .iter()
                .map(|d| (d.code(), &d.message))
                .collect::<Vec<_>>()
        );
        let good = lint_bytes(
            &filename,
            rule.meta().docs.use_instead.clone().into_bytes(),
            &options,
        );
        let fired: Vec<&String> = good
            .diagnostics
            .iter()
            .filter(|d| d.code() == code)
            .map(|d| &d.message)
            .collect();
        assert!(
            fired.is_empty(),
            "{code}: the docs \"Use instead\" fires the rule: {fired:?}"
        );
    }
}

#[test]
fn explain_prints_every_heading() {
    for rule in RuleCode::ALL {
        let text = rule.meta().explain();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
            "## Fix safety",
            "## References",
        ] {
            assert!(text.contains(heading), "{rule}: explain lacks {heading}");
        }
        assert!(text.starts_with(&format!("# {} ({rule})", rule.name())));
    }
}
