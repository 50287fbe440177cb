//! Every place a suppression comment can stand, and what happens to those that suppress
//! nothing.

use oncall_lint_core::options::{Selection, Selector};
use oncall_lint_core::{LintOptions, Profile, RuleCode, lint_bytes};

fn codes(text: &str, options: &LintOptions) -> Vec<String> {
    lint_bytes("values.yaml", text.as_bytes().to_vec(), options)
        .diagnostics
        .into_iter()
        .map(|d| format!("{}@{}", d.code(), d.primary.start().line))
        .collect()
}

/// Options naming the release `helm-testing`, the one name the oncall chart's own plugin
/// provisioning is right for: without a name OC004 warns about it in every file here, and
/// only the findings under test should be reported.
fn named() -> LintOptions {
    let mut options = LintOptions::default();
    options.release.release_name = Some("helm-testing".into());
    options
}

fn airgapped() -> LintOptions {
    LintOptions {
        selection: Selection {
            profiles: vec![Profile::AirGapped],
            ..Selection::default()
        },
        ..named()
    }
}

const BROKEN: &str =
    "grafana:\n  grafana.ini:\n    feature_toggles:\n      enable: publicDashboards\n";

#[test]
fn unsuppressed_the_finding_is_there() {
    assert_eq!(codes(BROKEN, &named()), ["OC010@4"]);
}

#[test]
fn on_the_findings_line() {
    let text = BROKEN.replace(
        "publicDashboards\n",
        "publicDashboards  # oncall-lint: ignore[OC010] set by env\n",
    );
    assert!(codes(&text, &named()).is_empty());
    // by name too
    let text = BROKEN.replace(
        "publicDashboards\n",
        "publicDashboards  # oncall-lint: ignore[external-service-accounts]\n",
    );
    assert!(codes(&text, &named()).is_empty());
}

#[test]
fn on_the_line_above_the_key() {
    let text = BROKEN.replace(
        "      enable:",
        "      # oncall-lint: ignore[OC010] set by env\n      enable:",
    );
    assert!(codes(&text, &named()).is_empty());
    // with more comments in between, still attached
    let text = BROKEN.replace(
        "      enable:",
        "      # oncall-lint: ignore[OC010]\n      # the base image sets the toggle\n      enable:",
    );
    assert!(codes(&text, &named()).is_empty());
    // a blank line breaks the attachment: the finding stays and the directive is reported
    let text = BROKEN.replace(
        "      enable:",
        "      # oncall-lint: ignore[OC010]\n\n      enable:",
    );
    assert_eq!(codes(&text, &named()), ["OC095@4", "OC010@6"]);
}

#[test]
fn anywhere_inside_the_reported_span() {
    // OC040 reports the whole `plugins` list; a comment on its second item is inside it
    // (the other air-gapped rules report the chart's defaults: only these two matter here)
    let relevant = |text: &str| -> Vec<String> {
        codes(text, &airgapped())
            .into_iter()
            .filter(|c| c.starts_with("OC040") || c.starts_with("OC095"))
            .collect()
    };
    let text = "grafana:\n  plugins:\n    - grafana-oncall-app\n    - grafana-piechart-panel  # oncall-lint: ignore[OC040] mirrored\n";
    assert!(relevant(text).is_empty(), "{:?}", relevant(text));
    // outside the span it does not apply
    let text = "grafana:\n  plugins:\n    - grafana-oncall-app\n  persistence: {enabled: true}  # oncall-lint: ignore[OC040]\n";
    assert_eq!(relevant(text), ["OC040@3", "OC095@4"]);
}

#[test]
fn file_ignore_anywhere() {
    let text = format!("{BROKEN}# oncall-lint: file-ignore[OC010] toggles come from the image\n");
    assert!(codes(&text, &named()).is_empty());
    let text = format!("# oncall-lint: file-ignore[OC010]\n{BROKEN}");
    assert!(codes(&text, &named()).is_empty());
}

#[test]
fn no_ignores_turns_every_directive_off() {
    let text = BROKEN.replace(
        "publicDashboards\n",
        "publicDashboards  # oncall-lint: ignore[OC010]\n",
    );
    let options = LintOptions {
        selection: Selection {
            no_ignores: true,
            ..Selection::default()
        },
        ..named()
    };
    assert_eq!(codes(&text, &options), ["OC010@4"]);
    let text = format!("{BROKEN}# oncall-lint: ignore[OC001]\n");
    assert_eq!(codes(&text, &options), ["OC010@4"], "no OC095 either");
}

#[test]
fn unused_malformed_and_unattached_are_reported_with_a_fix_where_safe() {
    let text = "grafana:\n  enabled: true  # oncall-lint: ignore[OC010]\n";
    let report = lint_bytes("values.yaml", text.as_bytes().to_vec(), &named());
    assert_eq!(report.diagnostics.len(), 1);
    let d = &report.diagnostics[0];
    assert_eq!(d.code(), "OC095");
    let fix = d.fix.as_ref().expect("a fix");
    assert_eq!(
        fix.edits[0].range,
        24..text.len() - 1,
        "the comment and the spaces before it"
    );
    // a directive for a rule that is not selected is not "unused"
    let options = LintOptions {
        selection: Selection {
            ignore: vec![Selector::Rule(RuleCode::OC010)],
            ..Selection::default()
        },
        ..named()
    };
    assert!(codes(text, &options).is_empty());
    // malformed: no fix
    let text = "grafana:\n  enabled: true  # oncall-lint: ignore OC010\n";
    let report = lint_bytes("values.yaml", text.as_bytes().to_vec(), &named());
    assert!(report.diagnostics[0].message.contains("cannot be read"));
    assert!(report.diagnostics[0].fix.is_none());
}
