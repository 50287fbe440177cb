//! What the command line prints of an outcome: the notes (on standard error), the report in
//! the chosen format (standard output or `-o`), the diff of `--diff`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use oncall_lint_core::report::{concise, github, gitlab, json, junit, sarif, text};
use oncall_lint_core::session::Outcome;

use crate::args::{ColorChoice, Format, LintArgs};
use crate::{write_report, write_stdout};

/// `--diff`: the unified diff of every file the fixes change; exit 1 when there is one.
pub fn diff(args: &LintArgs, outcome: &Outcome) -> Result<ExitCode, String> {
    let diffs = outcome.diff();
    write_report(args.output.as_deref(), &diffs)?;
    if outcome.applied > 0 || !outcome.fix_notes.is_empty() {
        eprintln!("{} fix(es) would be applied", outcome.applied);
    }
    Ok(if diffs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The notes: an inferred profile always (once, however many files), everything else the
/// lint inferred under `-v`.
pub fn notes(args: &LintArgs, outcome: &Outcome) {
    // an inferred profile changes what is reported: say so once
    if let Some(first) = outcome.inferred.first() {
        let more = match outcome.inferred.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more file(s); -v lists them)"),
        };
        eprintln!(
            "note: {first}{more}; --profile air-gapped makes it explicit, --profile none turns it off"
        );
        if args.verbose {
            for note in outcome.inferred.iter().skip(1) {
                eprintln!("note: {note}");
            }
        }
    }
    if args.verbose {
        for note in &outcome.notes {
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
    let version_note = format!(
        "note: no oncall chart version given (--chart-version, or a Chart.yaml beside the file); checked against the defaults of oncall {}\n",
        oncall_lint_core::chart::LATEST
    );
    let out = match args.format {
        Format::Concise => {
            if outcome.assumed_chart_version && args.verbose {
                eprint!("{version_note}");
            }
            concise::render(diagnostics)
        }
        Format::Json => json::render(diagnostics, files),
        Format::Sarif => sarif::render(diagnostics),
        Format::Junit => junit::render(diagnostics, files),
        Format::Gitlab => gitlab::render(diagnostics),
        Format::Github => {
            step_summary(outcome);
            github::render(diagnostics)
        }
        Format::Text => {
            let mut out = text::render(diagnostics, color(args.color));
            if outcome.assumed_chart_version && !diagnostics.is_empty() {
                out.push_str(&version_note);
            }
            out.push_str(&text::summary(diagnostics, files));
            out
        }
    };
    write_report(args.output.as_deref(), &out)?;
    if args.fix && outcome.applied > 0 {
        eprintln!("fixed {} problem(s)", outcome.applied);
    }
    Ok(())
}

/// GitHub Actions' job summary, appended to `$GITHUB_STEP_SUMMARY` when it is set.
fn step_summary(outcome: &Outcome) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| {
            f.write_all(github::summary(&outcome.diagnostics, outcome.files).as_bytes())
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
