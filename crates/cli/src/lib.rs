//! The oncall-lint command line: parse arguments, read files, call the library, write the
//! report, choose the exit status (0 clean, 1 findings, 2 could not run).

mod args;
mod configs;
mod fixing;
mod inputs;
mod render_cmd;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use oncall_lint_core::baseline::Baseline;
use oncall_lint_core::report::{concise, github, gitlab, json, junit, sarif, text};
use oncall_lint_core::{
    Applicability, Diagnostic, FileReport, InputFile, LintOptions, Profile, RuleCode, SetArg,
    Severity, lint_bytes, lint_release,
};

use args::{
    Artifact, Cli, ColorChoice, Command, FailOn, Format, LintArgs, ReleaseArgs, RulesFormat,
};
use oncall_lint_core::options::Selector;

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
        Some(Command::Render { artifact }) => render(*artifact),
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
    std::fs::write(path, oncall_lint_core::config::STARTER)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn explain(rule: &str) -> Result<ExitCode, String> {
    let found = RuleCode::find(rule)
        .ok_or_else(|| format!("no rule named `{rule}`; `oncall-lint rules` lists them all"))?;
    write_stdout(&found.meta().explain())?;
    Ok(ExitCode::SUCCESS)
}

fn list_rules(format: RulesFormat) -> Result<ExitCode, String> {
    let all = RuleCode::ALL;
    let out = match format {
        RulesFormat::Json => {
            let items: Vec<serde_json::Value> = all
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.as_str(),
                        "name": r.name(),
                        "severity": r.severity().as_str(),
                        "profile": r.info().profile.map(|p| p.as_str()),
                        "summary": r.meta().summary,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&items).map_err(|e| e.to_string())?;
            text.push('\n');
            text
        }
        RulesFormat::Table => {
            let width = all.iter().map(|r| r.name().len()).max().unwrap_or(4);
            let mut text = format!(
                "{:<6} {:<width$} {:<8} SUMMARY\n",
                "CODE", "NAME", "SEVERITY"
            );
            for r in all {
                let summary = match r.info().profile {
                    Some(p) => format!("{} [{p}]", r.meta().summary),
                    None => r.meta().summary.clone(),
                };
                text.push_str(&format!(
                    "{:<6} {:<width$} {:<8} {}\n",
                    r.as_str(),
                    r.name(),
                    r.severity(),
                    summary
                ));
            }
            text
        }
    };
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// Options shared by every release this invocation describes.
fn release_options(release: &ReleaseArgs, profiles: &[String]) -> Result<LintOptions, String> {
    if let Some(version) = &release.chart_version
        && oncall_lint_core::chart::ChartState::for_version(version).is_none()
    {
        return Err(format!(
            "--chart-version `{version}` is not a version (expected e.g. 1.16.9)"
        ));
    }
    let mut sets: Vec<SetArg> = release
        .set
        .iter()
        .map(|t| SetArg {
            text: t.clone(),
            string: false,
        })
        .collect();
    sets.extend(release.set_string.iter().map(|t| SetArg {
        text: t.clone(),
        string: true,
    }));
    for set in &sets {
        if let Err(err) = oncall_lint_core::values::validate_set(&set.text, set.string) {
            let flag = if set.string { "--set-string" } else { "--set" };
            return Err(format!(
                "{flag} `{}`: {} (at character {})",
                set.text,
                err.message,
                err.offset + 1
            ));
        }
    }
    let mut options = LintOptions::default();
    options.selection.profiles = profiles.iter().filter_map(|p| Profile::parse(p)).collect();
    options.selection.no_inferred_profiles = profiles.iter().any(|p| p == "none");
    options.release = oncall_lint_core::options::ReleaseSpec {
        chart_kind: match release.chart.as_deref() {
            Some(kind) => oncall_lint_core::options::ChartKind::parse(kind)?,
            None => None,
        },
        release_name: release.release.clone(),
        namespace: release.namespace.clone(),
        grafana_namespace: release.grafana_namespace.clone(),
        values_root: release.values_root.clone(),
        chart_version: release.chart_version.clone(),
        chart_yaml: None,
        sets,
    };
    Ok(options)
}

/// The options for one file linted on its own: the command line's, then its config's.
fn input_options(
    input: &inputs::Input,
    base: &LintOptions,
    configs: &configs::Configs,
    args: &LintArgs,
) -> Result<LintOptions, String> {
    let mut options = base.clone();
    let governed = input
        .path
        .clone()
        .or_else(|| args.stdin_filename.as_ref().map(std::path::PathBuf::from));
    if let Some(path) = &governed {
        configs.apply(path, &mut options)?;
    }
    options.release.chart_yaml = input.chart_yaml.clone();
    Ok(options)
}

fn release_files(paths: &[std::path::PathBuf]) -> Result<(Vec<InputFile>, Option<String>), String> {
    let inputs = inputs::collect_files(paths)?;
    let chart_yaml = inputs.first().and_then(|i| i.chart_yaml.clone());
    Ok((
        inputs
            .into_iter()
            .map(|i| InputFile {
                path: i.display,
                bytes: i.bytes,
            })
            .collect(),
        chart_yaml,
    ))
}

fn lint(args: LintArgs) -> Result<ExitCode, String> {
    let configs = configs::Configs::new(args.config.as_deref(), args.no_config)?;
    let cwd = std::path::PathBuf::from(".");
    let here = configs.for_path(&cwd)?;
    let mut paths = args.paths.clone();
    let mut config_releases = Vec::new();
    if paths.is_empty() && args.release.values.is_empty() {
        let Some(found) = &here else {
            return Err(
                "no values files given; try `oncall-lint values.yaml`, or `oncall-lint --help` (a .oncall-lint.yaml lets `oncall-lint` alone lint a repository)".into(),
            );
        };
        // with a config: its releases, then every other values file below it
        for (name, files, sets) in found.config.releases() {
            // relative to where we run, so annotations and SARIF name files as the repository does
            let cwd_abs = std::env::current_dir()
                .ok()
                .and_then(|d| d.canonicalize().ok());
            let files: Vec<std::path::PathBuf> = files
                .iter()
                .map(|f| {
                    let absolute = found.dir.join(f);
                    cwd_abs
                        .as_ref()
                        .and_then(|c| {
                            absolute
                                .strip_prefix(c)
                                .ok()
                                .map(std::path::Path::to_path_buf)
                        })
                        .unwrap_or(absolute)
                })
                .collect();
            config_releases.push((name, files, sets));
        }
        paths.push(cwd.clone());
    }
    let mut options = release_options(&args.release, &args.profile)?;
    let selectors = |list: &[String]| -> Result<Vec<Selector>, String> {
        list.iter()
            .map(|text| {
                Selector::parse(text).ok_or_else(|| {
                    format!("no rule matches `{text}`; `oncall-lint rules` lists them")
                })
            })
            .collect()
    };
    options.selection.select = selectors(&args.select)?;
    options.selection.ignore = selectors(&args.ignore)?;
    options.selection.no_ignores = args.no_ignores;
    if let Some(size) = &args.max_file_size {
        options.limits.max_file_size = oncall_lint_core::config::parse_size(size)
            .ok_or_else(|| format!("--max-file-size `{size}` is not a size (e.g. 64MiB, 500K)"))?;
    }
    if let Some(path) = &args.schema {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--schema {}: {e}", path.display()))?;
        let schema =
            oncall_lint_core::schema::UserSchema::parse(&path.display().to_string(), &text)
                .map_err(|e| format!("--schema {e}"))?;
        options.user_schema = Some(std::sync::Arc::new(schema));
    }
    let base_options = options.clone();
    let fixing = args.fix || args.diff;
    let threshold = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let mut reports: Vec<FileReport> = Vec::new();
    let mut diffs = String::new();
    let mut fixed = 0usize;
    let mut fix_notes: Vec<String> = Vec::new();
    let mut releases: Vec<(Vec<std::path::PathBuf>, Vec<SetArg>)> = Vec::new();
    if !args.release.values.is_empty() {
        releases.push((args.release.values.clone(), Vec::new()));
    }
    let in_config_release: Vec<std::path::PathBuf> = config_releases
        .iter()
        .flat_map(|(_, files, _)| files.iter().filter_map(|f| f.canonicalize().ok()))
        .collect();
    for (_, files, sets) in config_releases {
        releases.push((files, sets));
    }
    for (release_paths, extra_sets) in releases {
        let mut options = base_options.clone();
        if let Some(first) = release_paths.first() {
            configs.apply(first, &mut options)?;
        }
        options.release.sets.extend(extra_sets);
        let (files, chart_yaml) = release_files(&release_paths)?;
        options.release.chart_yaml = chart_yaml;
        let fix_files: Option<Vec<fixing::FixFile>> = if fixing {
            release_paths
                .iter()
                .zip(&files)
                .map(|(path, f)| {
                    fixing::FixFile::new(Some(path.clone()), f.path.clone(), f.bytes.clone())
                })
                .collect()
        } else {
            None
        };
        match fix_files {
            Some(fix_files) => {
                let outcome = fixing::fix_release(&fix_files, &options, threshold);
                if args.diff {
                    diffs.push_str(&fixing::diff(&fix_files, &outcome));
                } else {
                    fixing::write_changed(&fix_files, &outcome)?;
                }
                fixed += outcome.applied.len();
                fix_notes.extend(outcome.notes);
                reports.push(outcome.report);
            }
            None => reports.push(lint_release(files, &options)),
        }
    }
    let mut inputs_list: Vec<inputs::Input> = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            inputs_list.push(inputs::stdin(args.stdin_filename.as_deref())?);
            continue;
        }
        let found = configs.for_path(path)?;
        let filter = inputs::Filter {
            include: found.as_ref().and_then(|f| f.config.include.as_ref()),
            exclude: found.as_ref().and_then(|f| f.config.exclude.as_ref()),
            base: found.as_ref().map(|f| f.dir.as_path()),
        };
        for file in inputs::expand(path, &filter)? {
            if file
                .canonicalize()
                .is_ok_and(|c| in_config_release.contains(&c))
            {
                continue;
            }
            inputs_list.push(inputs::read_file(&file, options.limits.max_file_size)?);
        }
    }
    let mut stdin_fixed: Option<String> = None;
    // files linted on their own need no shared state: lint them in parallel (fixes write
    // files, so they stay sequential below)
    if !fixing {
        let mut jobs = Vec::with_capacity(inputs_list.len());
        for input in inputs_list {
            let options = input_options(&input, &base_options, &configs, &args)?;
            jobs.push((input, options));
        }
        let lint_one = |(input, options): (inputs::Input, LintOptions)| match input.too_large {
            Some(size) => {
                oncall_lint_core::too_large(&input.display, size, options.limits.max_file_size)
            }
            None => lint_bytes(&input.display, input.bytes, &options),
        };
        // one file needs no thread pool (starting one costs more than a small lint)
        let linted: Vec<FileReport> = if jobs.len() == 1 {
            jobs.into_iter().map(lint_one).collect()
        } else {
            use rayon::prelude::*;
            jobs.into_par_iter().map(lint_one).collect()
        };
        reports.extend(linted);
        inputs_list = Vec::new();
    }
    for input in inputs_list {
        let options = input_options(&input, &base_options, &configs, &args)?;
        let fix_file = if fixing {
            fixing::FixFile::new(
                input.path.clone(),
                input.display.clone(),
                input.bytes.clone(),
            )
        } else {
            None
        };
        match fix_file {
            Some(fix_file) => {
                let outcome = fixing::fix_single(&fix_file, &options, threshold);
                let files = std::slice::from_ref(&fix_file);
                if args.diff {
                    diffs.push_str(&fixing::diff(files, &outcome));
                } else if fix_file.path.is_none() {
                    let text = outcome
                        .texts
                        .first()
                        .map(|(_, t)| t.clone())
                        .unwrap_or_default();
                    stdin_fixed = Some(if fix_file.bom {
                        format!("\u{feff}{text}")
                    } else {
                        text
                    });
                } else {
                    fixing::write_changed(files, &outcome)?;
                }
                fixed += outcome.applied.len();
                fix_notes.extend(outcome.notes);
                reports.push(outcome.report);
            }
            None => match input.too_large {
                Some(size) => reports.push(oncall_lint_core::too_large(
                    &input.display,
                    size,
                    options.limits.max_file_size,
                )),
                None => reports.push(lint_bytes(&input.display, input.bytes, &options)),
            },
        }
    }
    for note in &fix_notes {
        eprintln!("note: {note}");
    }
    if args.diff {
        write_report(args.output.as_deref(), &diffs)?;
        if fixed > 0 || !fix_notes.is_empty() {
            eprintln!("{fixed} fix(es) would be applied");
        }
        return Ok(if diffs.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let files = reports.iter().map(|r| r.sources.len()).sum::<usize>();
    // an inferred profile changes what is reported: say so once, however many files
    let inferred: Vec<&String> = reports.iter().flat_map(|r| &r.inferred).collect();
    if let Some(first) = inferred.first() {
        let more = match inferred.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more file(s); -v lists them)"),
        };
        eprintln!(
            "note: {first}{more}; --profile air-gapped makes it explicit, --profile none turns it off"
        );
        if args.verbose {
            for note in inferred.iter().skip(1) {
                eprintln!("note: {note}");
            }
        }
    }
    if args.verbose {
        for note in reports.iter().flat_map(|r| &r.notes) {
            eprintln!("note: {note}");
        }
    }
    let assumed = reports.iter().any(|r| r.assumed_chart_version);
    let mut diagnostics: Vec<Diagnostic> =
        reports.into_iter().flat_map(|r| r.diagnostics).collect();
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // nothing below prints a secret from the values: snippets, messages and fixes are masked
    // (baselines fingerprint the masked text too, so writing and reading them agree)
    oncall_lint_core::redact::redact(&mut diagnostics);
    if let Some(path) = &args.write_baseline {
        let text = Baseline::from_diagnostics(&diagnostics).to_json();
        std::fs::write(path, text)
            .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))?;
        eprintln!(
            "wrote {} finding(s) to the baseline {}",
            diagnostics.len(),
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
        let baseline = Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let hidden = baseline.filter(&mut diagnostics);
        if hidden > 0 && args.verbose {
            eprintln!("note: {hidden} finding(s) are in the baseline and not reported");
        }
    }
    let version_note = format!(
        "note: no oncall chart version given (--chart-version, or a Chart.yaml beside the file); checked against the defaults of oncall {}\n",
        oncall_lint_core::chart::LATEST
    );
    let out = match args.format {
        Format::Concise => {
            if assumed && args.verbose {
                eprint!("{version_note}");
            }
            concise::render(&diagnostics)
        }
        Format::Json => json::render(&diagnostics, files),
        Format::Sarif => sarif::render(&diagnostics),
        Format::Junit => junit::render(&diagnostics, files),
        Format::Gitlab => gitlab::render(&diagnostics),
        Format::Github => {
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                let appended = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .and_then(|mut f| f.write_all(github::summary(&diagnostics, files).as_bytes()));
                if let Err(err) = appended {
                    eprintln!(
                        "warning: could not write the step summary to {}: {err}",
                        std::path::Path::new(&path).display()
                    );
                }
            }
            github::render(&diagnostics)
        }
        Format::Text => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
                    let forced = std::env::var_os("CLICOLOR_FORCE")
                        .is_some_and(|v| !v.is_empty() && v != "0");
                    !set("NO_COLOR") && (forced || std::io::stdout().is_terminal())
                }
            };
            let mut out = text::render(&diagnostics, color);
            if assumed && !diagnostics.is_empty() {
                out.push_str(&version_note);
            }
            out.push_str(&text::summary(&diagnostics, files));
            out
        }
    };
    match &stdin_fixed {
        Some(text) => {
            write_stdout(text)?;
            eprint!("{}", concise::render(&diagnostics));
        }
        None => {
            write_report(args.output.as_deref(), &out)?;
            if args.fix && fixed > 0 {
                eprintln!("fixed {fixed} problem(s)");
            }
        }
    }
    let threshold = match args.fail_on {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        None => here
            .as_ref()
            .and_then(|f| f.config.config.fail_on.as_deref())
            .and_then(Severity::parse)
            .unwrap_or(Severity::Info),
    };
    let failing = diagnostics.iter().any(|d| d.severity >= threshold);
    Ok(if failing && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn render(artifact: Artifact) -> Result<ExitCode, String> {
    render_cmd::run(artifact)
}

/// Writes the report to `-o FILE` (atomically enough: written whole, then renamed) or stdout.
fn write_report(output: Option<&std::path::Path>, text: &str) -> Result<(), String> {
    let Some(path) = output else {
        return write_stdout(text);
    };
    let temp = path.with_extension(format!("oncall-lint-{}.tmp", std::process::id()));
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("{}: cannot write the report: {e}", path.display())
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
