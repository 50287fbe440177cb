//! Shared helpers for the integration tests: lint a fixture with the options its first
//! line asks for, and render findings as plain text.

#![allow(dead_code)]

pub mod oracle;

use std::path::Path;

use oncall_lint_core::options::Selector;
use oncall_lint_core::report::{concise, text};
use oncall_lint_core::{Diagnostic, LintOptions, Profile, lint_bytes};

/// Options from a fixture's first line: `# oncall-lint-test: --profile air-gapped --namespace a`;
/// `--whole` (no value) says the file is the whole release.
pub fn options_from_header(source: &str) -> LintOptions {
    let mut options = LintOptions::default();
    let Some(first) = source.lines().next() else {
        return options;
    };
    let Some(args) = first.trim().strip_prefix("# oncall-lint-test:") else {
        return options;
    };
    let words: Vec<&str> = args.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        // flags without a value
        if words[i] == "--whole" {
            options.release.whole = true;
            i += 1;
            continue;
        }
        let value = words.get(i + 1).map(|s| (*s).to_owned());
        match words[i] {
            "--profile" => options
                .selection
                .profiles
                .extend(value.as_deref().and_then(Profile::parse)),
            "--namespace" => options.release.namespace = value,
            "--grafana-namespace" => options.release.grafana_namespace = value,
            "--release" => options.release.release_name = value,
            "--values-root" => options.release.values_root = value,
            "--chart-version" => options.release.chart_version = value,
            "--grafana-chart-version" => {
                options.release.grafana_chart_version = value.map(|v| {
                    (
                        v,
                        oncall_lint_core::chart::grafana::GrafanaChartSource::Given,
                    )
                });
            }
            other => panic!("unknown fixture option {other}"),
        }
        i += 2;
    }
    options
}

/// Lints a fixture file as the CLI would (its `Chart.yaml` sibling included).
pub fn lint_fixture(path: &Path) -> Vec<Diagnostic> {
    let bytes = std::fs::read(path).expect("fixture is readable");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut options = options_from_header(&text);
    scope_to_rule(path, &mut options);
    options.release.chart_yaml = path
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join("Chart.yaml")).ok());
    let display = relative(path);
    lint_bytes(&display, bytes, &options).diagnostics
}

/// The rules about the platform under a stock install (Bitnami images no longer served, the
/// bundled ingress-nginx and cert-manager, secrets regenerated at every render): they fire
/// on nearly every values file that keeps the chart's defaults, so a rule's fixtures
/// (`testdata/rules/<CODE>/`) are linted without them, except the folder's own rule.
/// Their own fixtures, the realistic corpus, the stock-file tests and the fix tests (which
/// run every rule) cover them; the snapshots of other rules stay about those rules.
pub const PLATFORM_RULES: &[&str] = &["OC024", "OC070", "OC071", "OC072", "OC073"];

/// Leaves [`PLATFORM_RULES`] other than its own out of a rule fixture's options.
pub fn scope_to_rule(path: &Path, options: &mut LintOptions) {
    let Some(folder) = path.parent().and_then(Path::file_name) else {
        return;
    };
    let folder = folder.to_string_lossy();
    let in_rules = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .is_some_and(|n| n == "rules");
    if !in_rules {
        return;
    }
    options.selection.ignore.extend(
        PLATFORM_RULES
            .iter()
            .filter(|code| **code != folder)
            .filter_map(|code| Selector::parse(code)),
    );
}

/// The YAML files under `testdata/<dir>` for each of `dirs`, at any depth, `Chart.yaml`
/// aside, sorted.
pub fn yaml_fixtures(dirs: &[&str]) -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut out = Vec::new();
    for dir in dirs {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("fixture dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml")
                    && path.file_name().is_some_and(|n| n != "Chart.yaml")
                {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    out
}

/// The path relative to the repository root, with `/` separators.
pub fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Plain text output (no colour), then concise lines: what a user sees, and exactly where.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    format!(
        "{}---\n{}",
        text::render(diagnostics, false),
        concise::render(diagnostics)
    )
}
