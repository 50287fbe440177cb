//! `--show-files` and `--show-settings` (ruff's names): which files a run lints, what each
//! was taken for and why, and the settings each was linted with, from the session's own
//! record, so what is shown is what a run does.

use std::fmt::Write;

use oncall_lint_core::options::Selector;
use oncall_lint_core::session::{InputSettings, Outcome};

/// One line per input: what it was taken for, the chart, the config.
pub fn files(outcome: &Outcome) -> String {
    let mut out = String::new();
    for input in &outcome.settings {
        let taken = about(outcome, &input.subject)
            .into_iter()
            .filter(|line| line.starts_with("input: ") || line.starts_with("values root: "))
            .map(|line| line.trim_start_matches("input: ").to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(
            out,
            "{}{}: {}; config: {}",
            input.subject,
            release_files(input),
            if taken.is_empty() { "not read" } else { &taken },
            config(input),
        );
    }
    out
}

/// A block per input: every setting it was linted with, and what was inferred.
pub fn settings(outcome: &Outcome) -> String {
    let mut out = String::new();
    for input in &outcome.settings {
        let release = &input.options.release;
        let selection = &input.options.selection;
        let _ = writeln!(out, "{}{}", input.subject, release_files(input));
        let inferred = about(outcome, &input.subject);
        for line in &inferred {
            let _ = writeln!(out, "  {line}");
        }
        if !inferred.iter().any(|l| l.starts_with("values root: ")) {
            let _ = writeln!(out, "  values root: the top level");
        }
        let rows = [
            ("config", config(input)),
            ("release", given(release.release_name.as_deref())),
            ("namespace", given(release.namespace.as_deref())),
            (
                "grafana namespace",
                given(release.grafana_namespace.as_deref()),
            ),
            (
                "profiles",
                match (&selection.profiles[..], selection.no_inferred_profiles) {
                    ([], true) => "none (inference off)".to_owned(),
                    ([], false) => {
                        "none given (air-gapped is inferred when the values describe it)".to_owned()
                    }
                    (given, _) => given
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                },
            ),
            ("select", selectors(&selection.select, "all rules")),
            ("ignore", selectors(&selection.ignore, "none")),
        ];
        for (name, value) in rows {
            let _ = writeln!(out, "  {name}: {value}");
        }
        if !selection.severities.is_empty() {
            let mut overrides: Vec<String> = selection
                .severities
                .iter()
                .map(|(code, severity)| format!("{code}={severity}"))
                .collect();
            overrides.sort();
            let _ = writeln!(out, "  severities: {}", overrides.join(", "));
        }
        out.push('\n');
    }
    if let Some(fail_on) = outcome.fail_on {
        let _ = writeln!(out, "fail-on (config): {fail_on}");
    }
    for line in ignored_configs(outcome) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// A line per config file found and ignored because another user owns it.
pub fn ignored_configs(outcome: &Outcome) -> Vec<String> {
    outcome
        .configs
        .ignored
        .iter()
        .map(|(file, uid)| {
            format!(
                "ignored config {}: owned by uid {uid}, neither you nor root",
                file.display()
            )
        })
        .collect()
}

/// What standard error says of configs: always each one ignored (a config another user
/// could have written is not used, and never silently); under `-v`, each one used.
pub fn config_notes(outcome: &Outcome, verbose: bool) -> Vec<String> {
    let ignored = ignored_configs(outcome)
        .into_iter()
        .map(|line| format!("warning: {line}"));
    let used = used_configs(outcome)
        .into_iter()
        .filter(|_| verbose)
        .map(|line| format!("note: {line}"));
    ignored.chain(used).collect()
}

/// What `-v` says of configs: each one used (or that none was).
fn used_configs(outcome: &Outcome) -> Vec<String> {
    if outcome.configs.used.is_empty() {
        return vec!["config: none".to_owned()];
    }
    outcome
        .configs
        .used
        .iter()
        .map(|file| format!("config: {}", file.display()))
        .collect()
}

/// What the notes say of `subject`, each without the subject in front.
fn about(outcome: &Outcome, subject: &str) -> Vec<String> {
    let prefix = format!("{subject}: ");
    outcome
        .inferred
        .iter()
        .chain(&outcome.notes)
        .filter(|note| note.subject() == Some(subject))
        .map(|note| {
            let text = note.to_string();
            text.strip_prefix(&prefix)
                .map(str::to_owned)
                .unwrap_or(text)
        })
        .collect()
}

fn release_files(input: &InputSettings) -> String {
    match input.files.as_slice() {
        [] => String::new(),
        files => format!(" ({})", files.join(", ")),
    }
}

fn config(input: &InputSettings) -> String {
    input
        .config
        .as_ref()
        .map_or_else(|| "none".to_owned(), |p| p.display().to_string())
}

fn given(value: Option<&str>) -> String {
    value.map_or_else(|| "not given".to_owned(), |v| format!("`{v}`"))
}

fn selectors(list: &[Selector], empty: &str) -> String {
    if list.is_empty() {
        return empty.to_owned();
    }
    list.iter()
        .map(|s| match s {
            Selector::All => "all".to_owned(),
            Selector::Rule(code) => code.as_str().to_owned(),
            Selector::Prefix(prefix) => format!("{prefix}*"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
