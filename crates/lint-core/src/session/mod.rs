//! A run over many inputs: which files make which release, the config that governs each
//! file, linting (in parallel when nothing is written) or fixing, then the redaction pass,
//! the baseline and the order findings are reported in. A front end builds a [`Session`]
//! from its flags and turns the [`Outcome`] into output and an exit status.

mod configs;
mod discover;
mod document;
mod fixing;
mod gitops;
mod notices;
pub mod render_check;
mod repository;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use configs::{ConfigUse, Configs, Found};
pub use discover::{display_name, is_values_file, relative_to};
pub use document::{ValueAt, ValueOrigin, value_at};
pub use fixing::FixFile;

use crate::baseline::Baseline;
use crate::config::ConfigError;
use crate::diagnostic::{Applicability, Diagnostic};
use crate::fix::apply::FixOutcome;
use crate::options::LintOptions;
use crate::pipeline::{
    FileReport, InputFile, NotRead, Note, lint_bytes, lint_release, release_unread, unread,
};
use crate::release::SetArg;
use crate::rules::Severity;
use discover::{Input, Texts};

/// Why a session could not do its job (the front end's exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// A config file that cannot be used.
    #[error("bad config: {0}")]
    Config(#[from] ConfigError),
    /// A path that cannot be read.
    #[error("{path}: {reason}")]
    Read {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A file that cannot be written.
    #[error("{0}")]
    Write(#[from] crate::write::WriteError),
    /// Nothing was named and no config lists releases.
    #[error(
        "no values files given; try `oncall-lint values.yaml`, or `oncall-lint --help` (a .oncall-lint.yaml lets `oncall-lint` alone lint a repository)"
    )]
    NothingToLint,
    /// A directory (named, or the walk of `.` a config without `releases:` asks for) holding
    /// no file to lint: a CI job pointed at the wrong folder must not pass.
    #[error(
        "{path}: no values files found (looked for {looked_for}{}); name a file, or pass --allow-empty",
        not_entered(.skipped)
    )]
    NoValuesFiles {
        /// The directory, as given.
        path: String,
        /// What the walk looked for: the default names, or the config's `include` globs.
        looked_for: String,
        /// The directories the walk did not enter (a chart's `templates/`, `node_modules/`).
        skipped: Vec<String>,
    },
}

/// Where the config comes from.
#[derive(Debug, Clone)]
pub enum ConfigSource {
    /// The nearest `.oncall-lint.yaml` above each file, up to the repository root.
    Discover,
    /// This file, for every input.
    File(PathBuf),
    /// None.
    Off,
}

/// Whether and how fixes are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Report only.
    Off,
    /// Apply the fixes at or above this applicability, and write the files.
    Apply(Applicability),
    /// Compute the fixes at or above this applicability; write nothing.
    Diff(Applicability),
}

/// What to lint.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Files and directories, each file linted on its own (`-` is standard input).
    pub paths: Vec<PathBuf>,
    /// The files of one release, in Helm's order.
    pub release_files: Vec<PathBuf>,
    /// The name standard input is linted as (and whose config governs it).
    pub stdin_filename: Option<String>,
    /// A directory with nothing to lint is fine (otherwise it is
    /// [`SessionError::NoValuesFiles`]).
    pub allow_empty: bool,
}

/// A file the fixes changed (or would change).
#[derive(Debug, Clone)]
pub struct FixedFile {
    /// The file as read.
    pub file: FixFile,
    /// Its new text (without a BOM).
    pub text: String,
}

/// What a session found and did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every finding, redacted, without the baseline's, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
    /// What the lint inferred or assumed, per input.
    pub notes: Vec<Note>,
    /// Profiles turned on because the values describe such an install.
    pub inferred: Vec<Note>,
    /// Whether some input was checked against the latest chart for want of a version.
    pub assumed_chart_version: bool,
    /// Findings left out because the baseline has them.
    pub hidden_by_baseline: usize,
    /// Files the fixes changed.
    pub fixed: Vec<FixedFile>,
    /// How many fixes were applied.
    pub applied: usize,
    /// Fixes dropped, and why.
    pub fix_notes: Vec<String>,
    /// The fixed text of standard input, for the front end to print.
    pub stdin_fixed: Option<String>,
    /// The config's `fail-on`, from the config governing the working directory.
    pub fail_on: Option<Severity>,
    /// What each input was linted with, when [`Session::recording_settings`] asked.
    pub settings: Vec<InputSettings>,
    /// The config files used, and those found and ignored (not owned by the user or root).
    pub configs: ConfigUse,
}

impl Outcome {
    /// The unified diff of every changed file, secrets masked on both sides.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for fixed in &self.fixed {
            let display = &fixed.file.display;
            let old = crate::redact::mask_text(display, &fixed.file.text);
            let new = crate::redact::mask_text(display, &fixed.text);
            out.push_str(&crate::fix::diff::unified(display, &old, &new, 3));
        }
        out
    }

    /// Writes every changed file that lives on disk; returns how many. A file that no
    /// longer holds what was read, or that [`crate::write`] refuses, stops the writing
    /// with an error naming it.
    pub fn write_fixes(&self, options: crate::write::WriteOptions) -> Result<usize, SessionError> {
        let mut written = 0;
        for fixed in &self.fixed {
            let Some(path) = &fixed.file.path else {
                continue;
            };
            let read = fixed.file.content(&fixed.file.text);
            let content = fixed.file.content(&fixed.text);
            crate::write::rewrite_file(path, read.as_bytes(), content.as_bytes(), options)?;
            written += 1;
        }
        Ok(written)
    }
}

/// A run's settings: the options from the front end's flags, where configs come from,
/// fixing, and a baseline to hide.
#[derive(Debug)]
pub struct Session {
    configs: Configs,
    options: LintOptions,
    fix: FixMode,
    baseline: Option<Baseline>,
    record_settings: bool,
    /// Texts read instead of the files on disk (an editor's buffers).
    texts: Texts,
    /// Whether fixes keep the text they write unmasked (for an editor applying them).
    unmasked_fixes: bool,
}

/// The settings one input (a file, or a release) was linted with: for `--show-files` and
/// `--show-settings`.
#[derive(Debug, Clone)]
pub struct InputSettings {
    /// The file, or `release of N file(s)` as notes name it.
    pub subject: String,
    /// The files of a release (empty for a file linted on its own).
    pub files: Vec<String>,
    /// The config file that governs it.
    pub config: Option<PathBuf>,
    /// The options, flags and config applied.
    pub options: LintOptions,
}

/// One release to lint: its files in Helm's order and its own `--set` arguments.
struct ReleaseJob {
    paths: Vec<PathBuf>,
    sets: Vec<SetArg>,
}

/// What a session lints: releases, then the paths file by file (skipping the files of the
/// config's releases, which are linted as parts of them).
struct Plan {
    releases: Vec<ReleaseJob>,
    paths: Vec<PathBuf>,
    in_releases: Vec<PathBuf>,
    /// Whether `paths` is the walk of `.` standing in for no paths.
    implicit_walk: bool,
}

/// The files the paths name, read.
struct Read {
    /// The values files, with the options that govern each.
    files: Vec<(Input, LintOptions)>,
    /// The other YAML files of the walks (`true`) and beside the named files (`false`).
    yaml: Vec<(PathBuf, bool)>,
    /// Walked directories with no values file, and the error each is unless a GitOps
    /// manifest below it declares a release.
    empty: Vec<(PathBuf, SessionError)>,
}

/// What the runs of a session produced, before the redaction pass.
#[derive(Default)]
struct Collected {
    reports: Vec<FileReport>,
    settings: Vec<InputSettings>,
    fixed: Vec<FixedFile>,
    applied: usize,
    fix_notes: Vec<String>,
    stdin_fixed: Option<String>,
}

impl Session {
    /// A session over `options` (the flags'), reading configs as `config` says.
    pub fn new(
        config: ConfigSource,
        options: LintOptions,
        fix: FixMode,
    ) -> Result<Session, SessionError> {
        let limit = options.limits.max_file_size;
        let configs = match &config {
            ConfigSource::Discover => Configs::new(None, false, limit)?,
            ConfigSource::File(path) => Configs::new(Some(path), false, limit)?,
            ConfigSource::Off => Configs::new(None, true, limit)?,
        };
        Ok(Session {
            configs,
            options,
            fix,
            baseline: None,
            record_settings: false,
            texts: Texts::default(),
            unmasked_fixes: false,
        })
    }

    /// Leaves out the findings `baseline` records. Its files are named as this session
    /// names them (relative to the working directory, `./` and `..` folded), so a baseline
    /// written with `./values.yaml` matches a run over `values.yaml`.
    pub fn with_baseline(mut self, baseline: Baseline) -> Session {
        self.baseline = Some(baseline.with_files_renamed(baseline_file_name));
        self
    }

    /// Keeps what each input was linted with in [`Outcome::settings`].
    pub fn recording_settings(mut self) -> Session {
        self.record_settings = true;
        self
    }

    /// Lints (or fixes) the inputs.
    pub fn run(&self, inputs: &Inputs) -> Result<Outcome, SessionError> {
        let here = self.configs.for_path(Path::new("."))?;
        let plan = self.plan(inputs, here.as_deref())?;
        self.execute(plan, inputs, here.as_deref())
    }

    /// Lints (or fixes) what `plan` says; `here` is the config governing the working
    /// directory (its `fail-on` is the run's).
    fn execute(
        &self,
        mut plan: Plan,
        inputs: &Inputs,
        here: Option<&Found>,
    ) -> Result<Outcome, SessionError> {
        let mut collected = Collected::default();
        // a config's releases stand for the walk of `.`: nothing else found is fine then
        let allow_empty = inputs.allow_empty || (plan.implicit_walk && !plan.releases.is_empty());
        for job in std::mem::take(&mut plan.releases) {
            self.run_release(job, &mut collected)?;
        }
        let read = self.read_inputs(&plan, inputs, allow_empty)?;
        let manifests_before = collected.reports.len();
        let files = self.lint_gitops(read.files, &read.yaml, &mut collected)?;
        let manifests: Vec<&str> = collected.reports[manifests_before..]
            .iter()
            .filter_map(|r| r.sources.first().map(|s| s.path()))
            .collect();
        for (dir, error) in read.empty {
            let dir = discover::display_name(&dir);
            let below = |name: &&str| dir == "." || name.starts_with(&format!("{dir}/"));
            if !manifests.iter().any(below) {
                return Err(error);
            }
        }
        let (files, layered) = layered_umbrellas(files);
        for job in layered {
            self.run_release(job, &mut collected)?;
        }
        if self.record_settings {
            for (input, options) in &files {
                let governed = input
                    .path
                    .clone()
                    .or_else(|| inputs.stdin_filename.as_ref().map(PathBuf::from));
                collected.settings.push(self.settings_of(
                    input.display.clone(),
                    Vec::new(),
                    governed.as_deref(),
                    options,
                )?);
            }
        }
        self.run_inputs(files, &mut collected);
        let fail_on = here
            .and_then(|f| f.config.config.fail_on.as_deref())
            .and_then(Severity::parse);
        let mut outcome = self.finish(collected, fail_on);
        outcome.configs = self.configs.usage();
        Ok(outcome)
    }

    /// The releases to lint (the `-f` files, then the config's `releases:` when nothing is
    /// named) and the paths to lint file by file.
    fn plan(&self, inputs: &Inputs, here: Option<&Found>) -> Result<Plan, SessionError> {
        let mut plan = Plan {
            releases: Vec::new(),
            paths: inputs.paths.clone(),
            in_releases: Vec::new(),
            implicit_walk: false,
        };
        if !inputs.release_files.is_empty() {
            plan.releases.push(ReleaseJob {
                paths: inputs.release_files.clone(),
                sets: Vec::new(),
            });
        }
        if plan.paths.is_empty() && inputs.release_files.is_empty() {
            let Some(found) = here else {
                return Err(SessionError::NothingToLint);
            };
            // read from the config's directory; named (as every file read) relative to
            // where we run, so annotations and SARIF name files as the repository does
            for (_, files, sets) in found.config.releases() {
                let paths: Vec<PathBuf> = files.iter().map(|f| found.dir.join(f)).collect();
                plan.in_releases
                    .extend(paths.iter().filter_map(|f| f.canonicalize().ok()));
                plan.releases.push(ReleaseJob { paths, sets });
            }
            plan.paths.push(PathBuf::from("."));
            plan.implicit_walk = true;
        }
        Ok(plan)
    }

    /// Lints (or fixes) one release.
    fn run_release(&self, job: ReleaseJob, collected: &mut Collected) -> Result<(), SessionError> {
        let mut options = self.options.clone();
        if let Some(first) = job.paths.first() {
            self.configs.apply(first, &mut options)?;
        }
        options.release.sets.extend(job.sets);
        options.release.whole = true;
        let read = discover::collect_files(&job.paths, options.limits.max_file_size, &self.texts)?;
        options.release.chart_yaml = read.first().and_then(|i| i.chart_yaml.clone());
        if self.record_settings {
            let subject = format!("release of {} file(s)", read.len());
            let files = read.iter().map(|i| i.display.clone()).collect();
            let settings = self.settings_of(
                subject,
                files,
                job.paths.first().map(PathBuf::as_path),
                &options,
            )?;
            collected.settings.push(settings);
        }
        let not_read: Vec<(String, NotRead)> = read
            .iter()
            .filter_map(|i| Some((i.display.clone(), i.not_read.clone()?)))
            .collect();
        if !not_read.is_empty() {
            // a release with a file missing is not the release Helm would install
            let limit = options.limits.max_file_size;
            collected.reports.push(release_unread(&not_read, limit));
            return Ok(());
        }
        let threshold = match self.fix {
            FixMode::Off => None,
            FixMode::Apply(t) | FixMode::Diff(t) => Some(t),
        };
        let fix_files: Option<Vec<FixFile>> = threshold.and_then(|_| {
            job.paths
                .iter()
                .zip(&read)
                .map(|(path, f)| {
                    FixFile::new(Some(path.clone()), f.display.clone(), f.bytes.clone())
                })
                .collect()
        });
        match (threshold, fix_files) {
            (Some(threshold), Some(fix_files)) => {
                let outcome = fixing::fix_release(&fix_files, &options, threshold);
                collected.add_fixes(&fix_files, outcome);
            }
            _ => {
                let files = read
                    .into_iter()
                    .map(|i| InputFile {
                        path: i.display,
                        bytes: i.bytes,
                    })
                    .collect();
                collected.reports.push(lint_release(files, &options));
            }
        }
        Ok(())
    }

    /// Reads the files the paths name (standard input for `-`), each file once (the first
    /// mention wins), skipping the files of the config's releases, with the options that
    /// govern each. A directory with nothing to lint is an error unless `allow_empty`.
    fn read_inputs(
        &self,
        plan: &Plan,
        inputs: &Inputs,
        allow_empty: bool,
    ) -> Result<Read, SessionError> {
        let mut files = Vec::new();
        let mut yaml = Vec::new();
        let mut empty = Vec::new();
        let mut beside_dirs = HashSet::new();
        let mut seen = HashSet::new();
        for path in &plan.paths {
            if path.as_os_str() == "-" {
                if !seen.insert(PathBuf::from("-")) {
                    continue;
                }
                let input = discover::stdin(
                    inputs.stdin_filename.as_deref(),
                    self.options.limits.max_file_size,
                )?;
                let governed = inputs.stdin_filename.as_ref().map(PathBuf::from);
                let options = self.options_for(governed.as_deref(), &input)?;
                files.push((input, options));
                continue;
            }
            let found = self.configs.for_path(path)?;
            let filter = discover::Filter {
                include: found.as_ref().and_then(|f| f.config.include.as_ref()),
                exclude: found.as_ref().and_then(|f| f.config.exclude.as_ref()),
                base: found.as_ref().map(|f| f.dir.as_path()),
            };
            let expanded = discover::expand(path, &filter)?;
            if expanded.walked && expanded.files.is_empty() && !allow_empty {
                let shown = if plan.implicit_walk {
                    "the current directory (no paths given, and the config lists no `releases:`)"
                        .to_owned()
                } else {
                    path.display().to_string()
                };
                // an error unless a GitOps manifest among its other YAML files declares a release
                let error = nothing_found(shown, found.as_deref(), &expanded);
                if expanded.yaml.is_empty() {
                    return Err(error);
                }
                empty.push((path.clone(), error));
            }
            yaml.extend(expanded.yaml.into_iter().map(|file| (file, true)));
            if !expanded.walked {
                // a named file: the YAML files beside it, each directory looked at once
                let dir = discover::dir_of(path);
                let key = dir.canonicalize().unwrap_or_else(|_| dir.clone());
                if beside_dirs.insert(key) {
                    yaml.extend(
                        discover::yaml_in(&dir)
                            .into_iter()
                            .map(|file| (file, false)),
                    );
                }
            }
            for file in expanded.files {
                // a file that cannot be resolved is read (and its error reported) as named
                let key = file.canonicalize().unwrap_or_else(|_| file.clone());
                if plan.in_releases.contains(&key) || !seen.insert(key) {
                    continue;
                }
                let input =
                    discover::read_file(&file, self.options.limits.max_file_size, &self.texts);
                let options = self.options_for(Some(&file), &input)?;
                files.push((input, options));
            }
        }
        // the YAML files not read as inputs, each once
        let mut looked = HashSet::new();
        yaml.retain(|(file, _)| {
            let key = file.canonicalize().unwrap_or_else(|_| file.clone());
            !seen.contains(&key) && !plan.in_releases.contains(&key) && looked.insert(key)
        });
        Ok(Read { files, yaml, empty })
    }

    /// Lints the releases the GitOps manifests among `files` and `yaml` declare (each
    /// with the files it reads); returns the files left to lint on their own.
    fn lint_gitops(
        &self,
        files: Vec<(Input, LintOptions)>,
        yaml: &[(PathBuf, bool)],
        collected: &mut Collected,
    ) -> Result<Vec<(Input, LintOptions)>, SessionError> {
        let (mut inputs, options): (Vec<Input>, Vec<LintOptions>) = files.into_iter().unzip();
        let names: Vec<String> = inputs.iter().map(|i| i.display.clone()).collect();
        let resolver = repository::RepoResolver::default();
        let found = gitops::find(
            &mut inputs,
            yaml,
            &resolver,
            &self.options.limits,
            &self.texts,
        );
        let mut jobs = Vec::new();
        for job in found.jobs {
            let options = match names.iter().position(|n| *n == job.manifest.display) {
                Some(index) => options[index].clone(),
                None => self.options_for(job.manifest.path.as_deref(), &job.manifest)?,
            };
            if self.record_settings {
                let files = job.others.iter().map(|(f, _)| f.path.clone()).collect();
                let settings = self.settings_of(
                    job.manifest.display.clone(),
                    files,
                    job.manifest.path.as_deref(),
                    &options,
                )?;
                collected.settings.push(settings);
            }
            jobs.push((job, options));
        }
        self.run_manifests(jobs, &resolver, collected);
        let mut options_of: std::collections::HashMap<String, LintOptions> =
            names.into_iter().zip(options).collect();
        Ok(inputs
            .into_iter()
            .filter(|input| {
                let key = input.path.as_ref().and_then(|p| p.canonicalize().ok());
                key.is_none_or(|k| !found.consumed.contains(&k))
            })
            .filter_map(|input| {
                let options = options_of.remove(&input.display)?;
                Some((input, options))
            })
            .collect())
    }

    /// Lints (or fixes) the manifests' releases: in parallel when nothing is written.
    fn run_manifests(
        &self,
        jobs: Vec<(gitops::ManifestJob, LintOptions)>,
        resolver: &repository::RepoResolver,
        collected: &mut Collected,
    ) {
        let threshold = match self.fix {
            FixMode::Off => {
                use rayon::prelude::*;
                let reports: Vec<FileReport> = jobs
                    .into_par_iter()
                    .map(|(job, options)| lint_manifest_job(job, resolver, &options))
                    .collect();
                collected.reports.extend(reports);
                return;
            }
            FixMode::Apply(t) | FixMode::Diff(t) => t,
        };
        for (job, options) in jobs {
            let mut fix_files: Vec<FixFile> = Vec::new();
            let manifest = FixFile::new(
                job.manifest.path.clone(),
                job.manifest.display.clone(),
                job.manifest.bytes.clone(),
            );
            fix_files.extend(manifest);
            for (other, _) in &job.others {
                fix_files.extend(FixFile::new(
                    Some(PathBuf::from(&other.path)),
                    other.path.clone(),
                    other.bytes.clone(),
                ));
            }
            if fix_files.len() != job.others.len() + 1 {
                collected
                    .reports
                    .push(lint_manifest_job(job, resolver, &options));
                continue;
            }
            let outcome = fixing::fix_manifest(&fix_files, resolver, &options, threshold);
            collected.add_fixes(&fix_files, outcome);
        }
    }

    /// The settings of an input, for [`Outcome::settings`].
    fn settings_of(
        &self,
        subject: String,
        files: Vec<String>,
        governed: Option<&Path>,
        options: &LintOptions,
    ) -> Result<InputSettings, SessionError> {
        let config = match governed {
            Some(path) => self.configs.for_path(path)?.map(|f| f.file.clone()),
            None => None,
        };
        Ok(InputSettings {
            subject,
            files,
            config,
            options: options.clone(),
        })
    }

    /// The options for one file linted on its own: the flags', then its config's.
    fn options_for(&self, path: Option<&Path>, input: &Input) -> Result<LintOptions, SessionError> {
        let mut options = self.options.clone();
        if let Some(path) = path {
            self.configs.apply(path, &mut options)?;
        }
        options.release.chart_yaml = input.chart_yaml.clone();
        // a file linted on its own is a whole release (the files of a release are linted
        // as one, and a manifest's values files with it)
        options.release.whole = true;
        Ok(options)
    }

    /// Lints the files on their own: in parallel when nothing is written, else one by one
    /// through the fix loop.
    fn run_inputs(&self, files: Vec<(Input, LintOptions)>, collected: &mut Collected) {
        let threshold = match self.fix {
            FixMode::Off => {
                collected.reports.extend(lint_in_parallel(files));
                return;
            }
            FixMode::Apply(t) | FixMode::Diff(t) => t,
        };
        for (input, options) in files {
            let fix_file = input
                .not_read
                .is_none()
                .then(|| {
                    FixFile::new(
                        input.path.clone(),
                        input.display.clone(),
                        input.bytes.clone(),
                    )
                })
                .flatten();
            let Some(fix_file) = fix_file else {
                collected.reports.push(lint_one((input, options)));
                continue;
            };
            let outcome = fixing::fix_single(&fix_file, &options, threshold);
            if fix_file.path.is_none() && matches!(self.fix, FixMode::Apply(_)) {
                let text = outcome
                    .texts
                    .first()
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                collected.stdin_fixed = Some(fix_file.content(&text));
            }
            collected.add_fixes(std::slice::from_ref(&fix_file), outcome);
        }
    }

    /// The outcome: every report's findings redacted, the baseline's left out, sorted.
    fn finish(&self, collected: Collected, fail_on: Option<Severity>) -> Outcome {
        let files = collected.reports.iter().map(|r| r.sources.len()).sum();
        let mut outcome = Outcome {
            files,
            fixed: collected.fixed,
            applied: collected.applied,
            fix_notes: collected.fix_notes,
            stdin_fixed: collected.stdin_fixed,
            fail_on,
            settings: collected.settings,
            ..Outcome::default()
        };
        let mut secrets = Vec::new();
        for report in collected.reports {
            outcome.assumed_chart_version |= report.assumed_chart_version;
            outcome.notes.extend(report.notes);
            outcome.inferred.extend(report.inferred);
            outcome.diagnostics.extend(report.diagnostics);
            secrets.extend(report.secrets);
        }
        outcome
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        // a file shared by releases (a base values file, a ConfigMap two HelmReleases
        // read) says each of its findings once
        dedup_findings(&mut outcome.diagnostics);
        // nothing below prints a secret from the values: snippets, messages and fixes are
        // masked (baselines fingerprint the masked text too, so writing and reading agree)
        let fix_texts = self
            .unmasked_fixes
            .then(|| document::fix_texts(&outcome.diagnostics));
        crate::redact::redact(&mut outcome.diagnostics, &secrets);
        if let Some(texts) = fix_texts {
            document::restore_fix_texts(&mut outcome.diagnostics, texts);
        }
        if let Some(baseline) = &self.baseline {
            outcome.hidden_by_baseline = baseline.filter(&mut outcome.diagnostics);
        }
        outcome
    }
}

impl Collected {
    /// Takes in what the fix loop did for `files`.
    fn add_fixes(&mut self, files: &[FixFile], outcome: FixOutcome<FileReport>) {
        for (file, (_, text)) in files.iter().zip(&outcome.texts) {
            let fixed_before = self.fixed.iter().any(|f| f.file.display == file.display);
            if *text != file.text && fixed_before {
                // a file two releases read (a shared values file): the first release's
                // fixes are written; these would overwrite them
                self.fix_notes.push(format!(
                    "{}: fixes from a second release that reads it were not applied; run --fix again",
                    file.display
                ));
                continue;
            }
            if *text != file.text {
                self.fixed.push(FixedFile {
                    file: file.clone(),
                    text: text.clone(),
                });
            }
        }
        self.applied += outcome.applied.len();
        self.fix_notes.extend(outcome.notes);
        self.reports.push(outcome.report);
    }
}

/// Drops a finding equal to one before it (same rule, place and message).
fn dedup_findings(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    diagnostics.retain(|d| {
        seen.insert((
            d.code().to_owned(),
            d.primary.file.path().to_owned(),
            d.primary.span.start,
            d.primary.span.end,
            d.message.clone(),
        ))
    });
}

/// The error for a walked directory that found nothing: what was looked for and what was
/// not entered, so the user sees why.
fn nothing_found(
    shown: String,
    found: Option<&Found>,
    expanded: &discover::Expanded,
) -> SessionError {
    let looked_for = match found.and_then(|f| f.config.config.include.as_ref()) {
        Some(globs) => format!("the config's `include`: {}", globs.join(", ")),
        None => "values*.yaml, *-values.yaml, *_values.yaml, *.values.yaml, values/*.yaml, \
                 provisioning/plugins/*.yaml, or the config's `include`"
            .to_owned(),
    };
    let looked_for = match found.and_then(|f| f.config.config.exclude.as_ref()) {
        Some(globs) => format!(
            "{looked_for}; not the config's `exclude`: {}",
            globs.join(", ")
        ),
        None => looked_for,
    };
    SessionError::NoValuesFiles {
        path: shown,
        looked_for,
        skipped: expanded
            .skipped
            .iter()
            .map(|dir| format!("{}/", discover::display_name(dir)))
            .collect(),
    }
}

/// The directories a walk did not enter, for [`SessionError::NoValuesFiles`]: the first few.
fn not_entered(skipped: &[String]) -> String {
    const SHOWN: usize = 5;
    if skipped.is_empty() {
        return String::new();
    }
    let mut text = format!(
        "; not entered: {}",
        skipped
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    if skipped.len() > SHOWN {
        text.push_str(&format!(" and {} more", skipped.len() - SHOWN));
    }
    text
}

/// A baseline's file as the session names it: a path (`./a.yaml`, an absolute path below
/// the working directory) named as a file read from disk is; `<stdin>` as it is.
fn baseline_file_name(file: &str) -> String {
    if file.is_empty() || file.starts_with('<') {
        return file.to_owned();
    }
    discover::display_name(Path::new(file))
}

/// Reads one file for the front end (`--schema`): a regular file, at most `limit` bytes,
/// or why not.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    match crate::pipeline::read_regular(path, limit)? {
        crate::pipeline::Bounded::Read(bytes) => Ok(bytes),
        crate::pipeline::Bounded::TooLarge(size) => Err(format!(
            "it is {size} bytes, over the {limit}-byte limit (--max-file-size)"
        )),
    }
}

/// Reads the files of one release (`-` is standard input), and the `Chart.yaml` beside the
/// first (for `render`, which builds a release without linting it).
pub fn read_release_files(
    paths: &[PathBuf],
) -> Result<(Vec<InputFile>, Option<String>), SessionError> {
    let limit = crate::yaml::Limits::default().max_file_size;
    let read = discover::collect_files(paths, limit, &Texts::default())?;
    if let Some((input, why)) = read.iter().find_map(|i| Some((i, i.not_read.as_ref()?))) {
        let reason = match why {
            NotRead::TooLarge(size) => {
                format!("the file is {size} bytes, over the {limit}-byte limit")
            }
            NotRead::Refused(reason) => reason.clone(),
        };
        return Err(SessionError::Read {
            path: input.display.clone(),
            reason,
        });
    }
    let chart_yaml = read.first().and_then(|i| i.chart_yaml.clone());
    let files = read
        .into_iter()
        .map(|i| InputFile {
            path: i.display,
            bytes: i.bytes,
        })
        .collect();
    Ok((files, chart_yaml))
}

/// Lints a manifest's releases.
fn lint_manifest_job(
    job: gitops::ManifestJob,
    resolver: &repository::RepoResolver,
    options: &LintOptions,
) -> FileReport {
    let manifest = job.manifest;
    match &manifest.not_read {
        Some(why) => unread(&manifest.display, why, options.limits.max_file_size),
        None => crate::pipeline::lint_manifest(
            InputFile {
                path: manifest.display,
                bytes: manifest.bytes,
            },
            Some(job.documents),
            job.others,
            resolver,
            options,
        ),
    }
}

/// Values files beside a chart's `Chart.yaml`: the chart's own `values.yaml` is its
/// defaults, so each other values file there (`values-prod.yaml`) is linted over it as one
/// release, and `values.yaml` only as part of them.
fn layered_umbrellas(
    files: Vec<(Input, LintOptions)>,
) -> (Vec<(Input, LintOptions)>, Vec<ReleaseJob>) {
    let dir_of = |input: &Input| {
        input
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
    };
    let is_base = |input: &Input| {
        input
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == "values.yaml" || n == "values.yml")
    };
    let mut bases: Vec<PathBuf> = Vec::new();
    for (input, _) in &files {
        if input.chart_yaml.is_some() && is_base(input) && input.not_read.is_none() {
            bases.extend(input.path.clone());
        }
    }
    let mut jobs = Vec::new();
    let mut layered: HashSet<PathBuf> = HashSet::new();
    for base in &bases {
        let dir = base.parent().map(Path::to_path_buf);
        for (input, _) in &files {
            let overlay = dir_of(input) == dir && !is_base(input) && input.not_read.is_none();
            if let (true, Some(path)) = (overlay, &input.path) {
                jobs.push(ReleaseJob {
                    paths: vec![base.clone(), path.clone()],
                    sets: Vec::new(),
                });
                layered.insert(path.clone());
                layered.insert(base.clone());
            }
        }
    }
    let rest = files
        .into_iter()
        .filter(|(input, _)| input.path.as_ref().is_none_or(|p| !layered.contains(p)))
        .collect();
    (rest, jobs)
}

/// Lints one file read from disk (or reports it too large to read).
fn lint_one((input, options): (Input, LintOptions)) -> FileReport {
    match &input.not_read {
        Some(why) => unread(&input.display, why, options.limits.max_file_size),
        None => lint_bytes(&input.display, input.bytes, &options),
    }
}

/// Lints files on their own; in parallel, as they share nothing (one file needs no thread
/// pool, and starting one costs more than a small lint).
fn lint_in_parallel(files: Vec<(Input, LintOptions)>) -> Vec<FileReport> {
    if files.len() <= 1 {
        return files.into_iter().map(lint_one).collect();
    }
    use rayon::prelude::*;
    files.into_par_iter().map(lint_one).collect()
}
