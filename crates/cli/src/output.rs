//! What the command line prints of an outcome: the notes (on standard error), the report in
//! the chosen format (standard output or `-o`), the diff of `--diff`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use oncall_lint_core::report::Notice;
use oncall_lint_core::report::{concise, github, gitlab, json, junit, sarif, text};
use oncall_lint_core::session::Outcome;

use crate::args::{ColorChoice, Format, LintArgs};
use crate::{write_report, write_stdout};

/// `--diff`: the unified diff of every file the fixes change; exit 1 when there is one.
pub fn diff(args: &LintArgs, outcome: &Outcome) -> Result<ExitCode, String> {
    let diffs = outcome.diff();
    write_report(args, &diffs)?;
    if outcome.applied > 0 || !outcome.fix_notes.is_empty() {
        eprintln!("{} fix(es) would be applied", outcome.applied);
    }
    Ok(if diffs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Under `-v`, everything the lint inferred (the notices, which every format shows, are in
/// the report).
pub fn notes(args: &LintArgs, outcome: &Outcome) {
    if args.verbose {
        for note in outcome.inferred.iter().chain(&outcome.notes) {
            eprintln!("note: {note}");
        }
        if outcome.hidden_by_baseline > 0 {
            eprintln!(
                "note: {} finding(s) are in the baseline and not reported",
                outcome.hidden_by_baseline
            );
        }
    }
}

/// The report in the chosen format, or, for standard input fixed with `--fix`, the fixed
/// text on standard output and the findings left on standard error.
pub fn report(args: &LintArgs, outcome: &Outcome) -> Result<(), String> {
    let diagnostics = &outcome.diagnostics;
    if let Some(text) = &outcome.stdin_fixed {
        write_stdout(text)?;
        eprint!("{}", concise::render(diagnostics));
        return Ok(());
    }
    let files = outcome.files;
    let notices = outcome.notices();
    // formats with no place for them say the notices on standard error
    let notices_to_stderr = || eprint!("{}", text::notices(&notices, args.verbose));
    let out = match args.format {
        Format::Concise => {
            notices_to_stderr();
            concise::render(diagnostics)
        }
        Format::Json => json::render_with(diagnostics, files, &notices),
        Format::Sarif => sarif::render_with(diagnostics, &notices),
        Format::Junit => {
            notices_to_stderr();
            junit::render(diagnostics, files)
        }
        Format::Gitlab => {
            notices_to_stderr();
            gitlab::render(diagnostics)
        }
        Format::Github => {
            step_summary(outcome, &notices);
            github::render_with(diagnostics, &notices)
        }
        Format::Text => {
            let mut out = text::render(diagnostics, color(args.color));
            out.push_str(&text::notices(&notices, args.verbose));
            out.push_str(&text::summary_with(diagnostics, files, &notices));
            out
        }
    };
    write_report(args, &out)?;
    if args.fix && outcome.applied > 0 {
        eprintln!("fixed {} problem(s)", outcome.applied);
    }
    Ok(())
}

/// GitHub Actions' job summary, appended to `$GITHUB_STEP_SUMMARY` when it is set.
fn step_summary(outcome: &Outcome, notices: &[Notice]) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| {
            let summary = github::summary_with(&outcome.diagnostics, outcome.files, notices);
            f.write_all(summary.as_bytes())
        });
    if let Err(err) = appended {
        eprintln!(
            "warning: could not write the step summary to {}: {err}",
            std::path::Path::new(&path).display()
        );
    }
}

/// Whether to colour the text report: `--color`, else `NO_COLOR`, `CLICOLOR_FORCE` and
/// whether standard output is a terminal.
fn color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
            let forced =
                std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
            !set("NO_COLOR") && (forced || std::io::stdout().is_terminal())
        }
    }
}
