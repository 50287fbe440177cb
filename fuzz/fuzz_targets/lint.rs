//! Lint any bytes with every rule (air-gapped profile and namespaces on, so every check
//! runs), and render the findings in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oncall_lint_core::report::{concise, github, gitlab, json, junit, sarif, text};
use oncall_lint_core::{LintOptions, Profile, lint_bytes};

fuzz_target!(|data: &[u8]| {
    let mut options = LintOptions::default();
    options.selection.profiles.push(Profile::AirGapped);
    options.release.namespace = Some("oncall".into());
    options.release.grafana_namespace = Some("monitoring".into());
    let mut report = lint_bytes("fuzz-values.yaml", data.to_vec(), &options);
    oncall_lint_core::redact::redact(&mut report.diagnostics, &report.secrets);
    let d = &report.diagnostics;
    let _ = (text::render(d, false), concise::render(d), json::render(d, 1), sarif::render(d));
    let _ = (github::render(d), junit::render(d, 1), gitlab::render(d));
});
