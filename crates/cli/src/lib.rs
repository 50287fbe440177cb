//! The oncall-lint command line: parse arguments, read files, call the library, write the
//! report, choose the exit status (0 clean, 1 findings, 2 could not run).

mod args;
mod inputs;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use oncall_lint_core::report::{concise, text};
use oncall_lint_core::{Diagnostic, FileReport, LintOptions, Profile, Severity, lint_bytes, rules};

use args::{Cli, ColorChoice, Command, FailOn, Format, LintArgs, RulesFormat};

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("oncall-lint: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Rules { format }) => list_rules(format),
        None => lint(cli.lint),
    }
}

fn explain(rule: &str) -> Result<ExitCode, String> {
    let found = rules::find(rule)
        .ok_or_else(|| format!("no rule named `{rule}`; `oncall-lint rules` lists them all"))?;
    write_stdout(&found.meta.explain())?;
    Ok(ExitCode::SUCCESS)
}

fn list_rules(format: RulesFormat) -> Result<ExitCode, String> {
    let all = rules::all();
    let out = match format {
        RulesFormat::Json => {
            let items: Vec<serde_json::Value> = all
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.meta.code,
                        "name": r.meta.name,
                        "severity": r.meta.severity,
                        "profile": r.meta.profile,
                        "summary": r.meta.summary,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&items).map_err(|e| e.to_string())?;
            text.push('\n');
            text
        }
        RulesFormat::Table => {
            let width = all.iter().map(|r| r.meta.name.len()).max().unwrap_or(4);
            let mut text = format!(
                "{:<6} {:<width$} {:<8} SUMMARY\n",
                "CODE", "NAME", "SEVERITY"
            );
            for r in all {
                let summary = match &r.meta.profile {
                    Some(p) => format!("{} [{p}]", r.meta.summary),
                    None => r.meta.summary.clone(),
                };
                text.push_str(&format!(
                    "{:<6} {:<width$} {:<8} {}\n",
                    r.meta.code, r.meta.name, r.meta.severity, summary
                ));
            }
            text
        }
    };
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn lint(args: LintArgs) -> Result<ExitCode, String> {
    if args.paths.is_empty() {
        return Err(
            "no values files given; try `oncall-lint values.yaml`, or `oncall-lint --help`".into(),
        );
    }
    let mut options = LintOptions {
        profiles: args
            .profile
            .iter()
            .filter_map(|p| Profile::parse(p))
            .collect(),
        release_name: args.release.clone(),
        namespace: args.namespace.clone(),
        grafana_namespace: args.grafana_namespace.clone(),
        values_root: args.values_root.clone(),
        chart_version: args.chart_version.clone(),
        ..LintOptions::default()
    };
    if let Some(version) = &args.chart_version
        && oncall_lint_core::chart::ChartState::for_version(version).is_none()
    {
        return Err(format!(
            "--chart-version `{version}` is not a version (expected e.g. 1.16.9)"
        ));
    }
    let inputs = inputs::collect(&args.paths, args.stdin_filename.as_deref())?;
    let mut reports: Vec<FileReport> = Vec::with_capacity(inputs.len());
    for input in inputs {
        options.chart_yaml = input.chart_yaml;
        reports.push(lint_bytes(&input.display, input.bytes, &options));
    }
    let files = reports.len();
    if args.verbose {
        for report in &reports {
            for note in &report.notes {
                eprintln!("{}: {note}", report.source.path());
            }
        }
    }
    let mut diagnostics: Vec<Diagnostic> =
        reports.into_iter().flat_map(|r| r.diagnostics).collect();
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let out = match args.format {
        Format::Concise => concise::render(&diagnostics),
        Format::Text => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let mut out = text::render(&diagnostics, color);
            out.push_str(&text::summary(&diagnostics, files));
            out
        }
    };
    write_stdout(&out)?;
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    let failing = diagnostics.iter().any(|d| d.severity >= threshold);
    Ok(if failing && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_stdout(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // a closed pipe (`| head`) is not our failure
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write the report: {e}")),
    }
}
