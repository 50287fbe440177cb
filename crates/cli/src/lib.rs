//! The oncall-lint command line: arguments to a library session, its outcome to a report,
//! and the exit status (0 clean, 1 findings, 2 could not run).

// A function over 80 lines (clippy.toml) needs an `#[allow]` with its reason.
#![warn(clippy::too_many_lines)]

mod args;
mod options;
mod output;
mod render_cmd;
mod server;
mod show;
mod version;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use oncall_lint_core::baseline::Baseline;
use oncall_lint_core::report::catalog;
use oncall_lint_core::session::{ConfigSource, FixMode, Inputs, Outcome, Session};
use oncall_lint_core::write::{WriteOptions, write_output};
use oncall_lint_core::{Applicability, RuleCode, Severity};

use args::{Artifact, Cli, Command, FailOn, LintArgs, RulesFormat};

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
            // an error may quote a line of a file or an argument: its secrets masked
            let message = oncall_lint_core::redact::mask_message(&message);
            eprintln!("oncall-lint: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Some(Command::Explain { rule }) => {
            let found = RuleCode::find(&rule).ok_or_else(|| {
                format!("no rule named `{rule}`; `oncall-lint rules` lists them all")
            })?;
            write_stdout(&found.meta().explain())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Rules { format }) => {
            write_stdout(&match format {
                RulesFormat::Json => catalog::json(),
                RulesFormat::Table => catalog::table(),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Render { artifact }) => render(*artifact),
        Some(Command::Server) => {
            server::run()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Init { force }) => init(force),
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "oncall-lint", &mut out);
            write_stdout(&String::from_utf8_lossy(&out))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(|e| format!("cannot render the man page: {e}"))?;
            write_stdout(&String::from_utf8_lossy(&out))?;
            Ok(ExitCode::SUCCESS)
        }
        None => lint(cli.lint),
    }
}

fn init(force: bool) -> Result<ExitCode, String> {
    let path = std::path::Path::new(oncall_lint_core::config::FILE_NAME);
    if path.exists() && !force {
        return Err(format!(
            "{} already exists; --force overwrites it",
            path.display()
        ));
    }
    // `--force` overwrites the file whatever it is: read-only or hard-linked too
    write_output(
        path,
        oncall_lint_core::config::STARTER.as_bytes(),
        WriteOptions { force },
    )
    .map_err(|e| e.to_string())?;
    eprintln!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn render(artifact: Artifact) -> Result<ExitCode, String> {
    render_cmd::run(artifact)
}

/// The default command: lint (or fix) the inputs and report.
/// `--write-baseline`: the findings written to `path` instead of reported.
fn write_baseline(
    args: &LintArgs,
    outcome: &Outcome,
    path: &std::path::Path,
) -> Result<ExitCode, String> {
    let text = Baseline::from_diagnostics(&outcome.diagnostics).to_json();
    write_output(path, text.as_bytes(), write_options(args)).map_err(|e| {
        format!(
            "{}: cannot write the baseline: {}",
            path.display(),
            e.reason
        )
    })?;
    eprintln!(
        "wrote {} finding(s) to the baseline {}",
        outcome.diagnostics.len(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn lint(args: LintArgs) -> Result<ExitCode, String> {
    let session = session(&args)?;
    let inputs = Inputs {
        paths: args.paths.clone(),
        release_files: args.release.values.clone(),
        stdin_filename: args.stdin_filename.clone(),
        allow_empty: args.allow_empty,
    };
    let outcome = session.run(&inputs).map_err(|e| e.to_string())?;
    for line in show::config_notes(&outcome, args.verbose) {
        eprintln!("{line}");
    }
    if args.show_files || args.show_settings {
        let shown = if args.show_files {
            show::files(&outcome)
        } else {
            show::settings(&outcome)
        };
        write_stdout(&shown)?;
        return Ok(ExitCode::SUCCESS);
    }
    for note in &outcome.fix_notes {
        eprintln!("note: {}", oncall_lint_core::redact::mask_message(note));
    }
    if args.diff {
        return output::diff(&args, &outcome);
    }
    if args.fix {
        outcome
            .write_fixes(write_options(&args))
            .map_err(|e| e.to_string())?;
    }
    output::notes(&args, &outcome);
    if let Some(path) = &args.write_baseline {
        return write_baseline(&args, &outcome, path);
    }
    output::report(&args, &outcome)?;
    let threshold = match args.fail_on {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        None => outcome.fail_on.unwrap_or(Severity::Info),
    };
    let failing = outcome.diagnostics.iter().any(|d| d.severity >= threshold);
    Ok(if failing && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The session the command line asks for: options, config, fix mode, baseline.
fn session(args: &LintArgs) -> Result<Session, String> {
    let options = options::lint_options(args)?;
    let config = match (&args.config, args.no_config) {
        (_, true) => ConfigSource::Off,
        (Some(path), false) => ConfigSource::File(path.clone()),
        (None, false) => ConfigSource::Discover,
    };
    let threshold = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let fix = match (args.diff, args.fix) {
        (true, _) => FixMode::Diff(threshold),
        (false, true) => FixMode::Apply(threshold),
        (false, false) => FixMode::Off,
    };
    let mut session = Session::new(config, options, fix).map_err(|e| e.to_string())?;
    if let Some(path) = &args.baseline {
        session = session.with_baseline(read_baseline(path)?);
    }
    if args.show_files || args.show_settings {
        session = session.recording_settings();
    }
    Ok(session)
}

fn read_baseline(path: &std::path::Path) -> Result<Baseline, String> {
    let limit = oncall_lint_core::yaml::Limits::default().max_file_size;
    let bytes = oncall_lint_core::session::read_bounded(path, limit)
        .map_err(|reason| format!("{}: cannot read the baseline: {reason}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{}: the baseline is not UTF-8 text", path.display()))?;
    Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// What `--force-write` allows.
fn write_options(args: &LintArgs) -> WriteOptions {
    WriteOptions {
        force: args.force_write,
    }
}

/// Writes the report to `-o FILE` (a file replaced whole, a device or FIFO written
/// through) or stdout.
fn write_report(args: &LintArgs, text: &str) -> Result<(), String> {
    match args.output.as_deref() {
        Some(path) => write_output(path, text.as_bytes(), write_options(args))
            .map_err(|e| format!("{}: cannot write the report: {}", path.display(), e.reason)),
        None => write_stdout(text),
    }
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
