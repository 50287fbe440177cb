//! `.oncall-lint.yaml`: rule selection, severities, profiles, the chart and release, per-file
//! ignores, discovery globs, releases (sets of files linted as one) and custom rules.
//!
//! Parsed with serde-saphyr into typed structs (unknown keys refused), then validated; every
//! error carries the config file's line and column. Finding the file on disk is the
//! session's job; this module reads text, and checks that every file a config names is
//! inside the config's directory: a config comes with a checkout, and a checkout must not
//! make the tool read (or `--fix` write) `~/.aws/credentials` or `/proc/self/environ`.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::chart::{known_release, parse_version};
use crate::options::{ChartKind, CustomCheck, CustomRule, LintOptions, Selector};
use crate::release::SetArg;
use crate::rules::{Profile, RuleCode, Severity};

/// The file name looked for.
pub const FILE_NAME: &str = ".oncall-lint.yaml";

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rules to run (codes, names, code prefixes).
    pub select: Option<Vec<String>>,
    /// Rules not to run.
    pub ignore: Option<Vec<String>>,
    /// Lowest severity that fails the run.
    pub fail_on: Option<String>,
    /// Profiles to turn on (`air-gapped`).
    pub profiles: Option<Vec<String>>,
    /// The chart.
    pub chart: Option<ChartConfig>,
    /// The release.
    pub release: Option<ReleaseConfig>,
    /// Per-rule settings, by code or name.
    pub rules: Option<BTreeMap<String, RuleConfig>>,
    /// Rules to ignore in files matching a glob (relative to the config file).
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    /// Which files a directory walk lints (globs; default: values files).
    pub include: Option<Vec<String>>,
    /// Which files a directory walk skips.
    pub exclude: Option<Vec<String>>,
    /// Sets of files linted as one release each.
    pub releases: Option<Vec<ReleaseSet>>,
    /// Rules of your own, built from the generic check kinds.
    pub custom_rules: Option<Vec<CustomRuleConfig>>,
    /// Largest file read (`64MiB`, `500K`, bytes).
    pub max_file_size: Option<String>,
}

/// `chart:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChartConfig {
    /// The oncall chart version.
    pub version: Option<String>,
    /// The grafana chart version that renders values of the grafana chart (alone or under
    /// another chart's `grafana:`).
    pub grafana_version: Option<String>,
    /// The umbrella key holding the oncall values (`""` for top level).
    pub values_root: Option<String>,
    /// Which chart the values are for: `oncall`, `grafana` or `auto` (the default).
    pub kind: Option<String>,
}

/// `release:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReleaseConfig {
    /// Helm release name.
    pub name: Option<String>,
    /// Namespace of the OnCall release.
    pub namespace: Option<String>,
    /// Namespace of Grafana.
    pub grafana_namespace: Option<String>,
}

/// `rules: {OC006: {severity: warning}}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleConfig {
    /// Severity override.
    pub severity: Option<String>,
}

/// One entry of `releases:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReleaseSet {
    /// A name for messages.
    pub name: Option<String>,
    /// Values files in Helm's order (relative to the config file).
    pub files: Vec<String>,
    /// `--set` arguments.
    #[serde(default)]
    pub set: Vec<String>,
    /// `--set-string` arguments.
    #[serde(default)]
    pub set_string: Vec<String>,
}

/// A rule of the user's own, as the file writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CustomRuleConfig {
    /// Its code: capital letters then digits, not starting with `OC` (e.g. `CORP001`).
    pub code: String,
    /// Its kebab-case name.
    pub name: String,
    /// Severity (default warning).
    pub severity: Option<String>,
    /// Key path in the chart's values: `engine.replicaCount`, `grafana."grafana.ini".server`.
    pub path: String,
    /// The check kind.
    pub check: String,
    /// The expected value (`equals`, `at-least`, `version-at-least`, `list-contains`, `matches`).
    pub value: Option<serde_json::Value>,
    /// The allowed values (`one-of`).
    pub values: Option<Vec<serde_json::Value>>,
    /// The message shown (lowercase, no trailing period).
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// A config that cannot be used: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct ConfigError {
    /// The config file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// A parsed and validated config, with its globs, selectors and custom rules compiled.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    /// What the file says.
    pub config: Config,
    /// `select`, compiled.
    pub select: Vec<Selector>,
    /// `ignore`, compiled.
    pub ignore: Vec<Selector>,
    /// `per-file-ignores`, compiled: (glob set, rules).
    pub per_file: Vec<(GlobSet, Vec<Selector>)>,
    /// `include`, compiled.
    pub include: Option<GlobSet>,
    /// `exclude`, compiled.
    pub exclude: Option<GlobSet>,
    /// Custom rules, ready to run.
    pub custom: Vec<CustomRule>,
}

impl LoadedConfig {
    /// Parses and validates the text of a config file named `path`.
    pub fn parse(path: &str, text: &str) -> Result<LoadedConfig, ConfigError> {
        Self::parse_in(path, text, None)
    }

    /// Parses and validates the text of the config file `path` found in `dir`: the files it
    /// names must also resolve (through any symlink) inside `dir`.
    pub fn parse_in(
        path: &str,
        text: &str,
        dir: Option<&Path>,
    ) -> Result<LoadedConfig, ConfigError> {
        let config: Config =
            serde_saphyr::from_str(text).map_err(|e| deserialize_error(path, &e))?;
        let check = Checker { path, text };
        check.settings(&config)?;
        check.paths_inside(&config, dir)?;
        let per_file = check.per_file_ignores(&config)?;
        let include = check.globs(config.include.as_deref(), "include")?;
        let exclude = check.globs(config.exclude.as_deref(), "exclude")?;
        check.releases(&config)?;
        let custom = config
            .custom_rules
            .iter()
            .flatten()
            .map(|rule| check.custom_rule(rule))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LoadedConfig {
            select: check.selectors(config.select.as_deref(), "select")?,
            ignore: check.selectors(config.ignore.as_deref(), "ignore")?,
            per_file,
            include,
            exclude,
            custom,
            config,
        })
    }

    /// Applies the config to `options` (values the command line already set stay).
    /// `relative` is the linted file's path relative to the config file's directory.
    pub fn apply(&self, options: &mut LintOptions, relative: Option<&str>) {
        let c = &self.config;
        let selection = &mut options.selection;
        if selection.select.is_empty() {
            selection.select = self.select.clone();
        }
        selection.ignore.extend(self.ignore.iter().cloned());
        if selection.profiles.is_empty() && !selection.no_inferred_profiles {
            selection.no_inferred_profiles = c.profiles.iter().flatten().any(|p| p == "none");
            selection.profiles = c
                .profiles
                .iter()
                .flatten()
                .filter_map(|p| Profile::parse(p))
                .collect();
        }
        for (name, rule) in c.rules.iter().flatten() {
            let code = RuleCode::find(name).map_or_else(|| name.clone(), |r| r.as_str().to_owned());
            if let Some(severity) = rule.severity.as_deref().and_then(Severity::parse) {
                selection.severities.entry(code).or_insert(severity);
            }
        }
        if let Some(relative) = relative {
            for (set, list) in &self.per_file {
                if set.is_match(relative) {
                    selection.ignore.extend(list.iter().cloned());
                }
            }
        }
        selection.custom_rules = self.custom.clone();
        self.apply_release(options);
        if let Some(size) = self.config.max_file_size.as_deref().and_then(parse_size)
            && options.limits.max_file_size == crate::yaml::Limits::default().max_file_size
        {
            options.limits.max_file_size = size;
        }
    }

    /// `chart:` and `release:` under what the command line said.
    fn apply_release(&self, options: &mut LintOptions) {
        let spec = &mut options.release;
        if let Some(chart) = &self.config.chart {
            spec.chart_version = spec.chart_version.take().or_else(|| chart.version.clone());
            if spec.grafana_chart_version.is_none() {
                spec.grafana_chart_version = chart
                    .grafana_version
                    .clone()
                    .map(|v| (v, crate::chart::grafana::GrafanaChartSource::Given));
            }
            spec.values_root = spec
                .values_root
                .take()
                .or_else(|| chart.values_root.clone());
            if spec.chart_kind.is_none() {
                spec.chart_kind = chart
                    .kind
                    .as_deref()
                    .and_then(|k| ChartKind::parse(k).ok().flatten());
            }
        }
        if let Some(release) = &self.config.release {
            spec.release_name = spec.release_name.take().or_else(|| release.name.clone());
            spec.namespace = spec.namespace.take().or_else(|| release.namespace.clone());
            spec.grafana_namespace = spec
                .grafana_namespace
                .take()
                .or_else(|| release.grafana_namespace.clone());
        }
    }

    /// `releases:` as (name, files, sets).
    pub fn releases(&self) -> Vec<(String, Vec<String>, Vec<SetArg>)> {
        self.config
            .releases
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, r)| {
                let mut sets: Vec<SetArg> = r
                    .set
                    .iter()
                    .map(|t| SetArg {
                        text: t.clone(),
                        string: false,
                    })
                    .collect();
                sets.extend(r.set_string.iter().map(|t| SetArg {
                    text: t.clone(),
                    string: true,
                }));
                (
                    r.name
                        .clone()
                        .unwrap_or_else(|| format!("release {}", i + 1)),
                    r.files.clone(),
                    sets,
                )
            })
            .collect()
    }
}

/// Parses a size: bytes, or with a suffix K/KiB, M/MiB, G/GiB (powers of 1024).
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(factor)
}

fn compile(globs: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(Glob::new(glob).map_err(|e| format!("`{glob}` is not a glob: {e}"))?);
        // `dir/` and `*.yaml` should also match below the config's directory
        if !glob.contains('/') {
            builder.add(
                Glob::new(&format!("**/{glob}"))
                    .map_err(|e| format!("`{glob}` is not a glob: {e}"))?,
            );
        }
    }
    builder.build().map_err(|e| e.to_string())
}

/// Splits `grafana."grafana.ini".server` (or `grafana.grafana\.ini.server`) into keys.
fn split_path(path: &str) -> Result<Vec<String>, String> {
    let mut keys = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if !quoted => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            '.' if !quoted => keys.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if quoted {
        return Err(format!("path `{path}` has an unclosed quote"));
    }
    keys.push(current);
    if keys.iter().any(String::is_empty) {
        return Err(format!("path `{path}` has an empty key"));
    }
    Ok(keys)
}

fn strip_position(message: &str) -> String {
    // serde-saphyr prefixes "line L column C: "; the error carries the position already
    match message.find(": ") {
        Some(i) if message.starts_with("line ") => message[i + 2..].to_owned(),
        _ => message.to_owned(),
    }
}

/// The line and column of the deepest existing key of `keys` in the text.
fn locate(text: &str, keys: &[&str]) -> (usize, usize) {
    line_col(text, key_offset(text, keys))
}

/// The 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let source = crate::source::SourceFile::new("", text);
    let at = source.line_col(offset);
    (at.line, at.column)
}

/// The byte offset of the deepest existing key of `keys` in the text (0 when none is).
fn key_offset(text: &str, keys: &[&str]) -> usize {
    let Ok(docs) = crate::yaml::parse(text, &crate::yaml::Limits::default()) else {
        return 0;
    };
    let Some(doc) = docs.first() else {
        return 0;
    };
    let Some(mut node) = doc.root else {
        return 0;
    };
    let mut found = None;
    for key in keys {
        match doc.get(node, key) {
            Some(entry) => {
                found = Some(entry.key);
                node = entry.value;
            }
            None => break,
        }
    }
    found.map_or(0, |k| doc.node(k).span.start)
}

/// Why a path a config names is not inside the config's directory, judged from its text:
/// absolute, starting with `~` (not expanded, and never meant inside), or climbing out
/// with `..`. `None` when it stays inside.
fn outside_lexically(file: &str) -> Option<&'static str> {
    if file.starts_with('~') {
        return Some("`~` is not expanded, and a home directory is outside the config's directory");
    }
    let path = Path::new(file);
    if path.is_absolute() || path.has_root() || file.starts_with('\\') {
        return Some("it is an absolute path");
    }
    let mut depth: usize = 0;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => match depth.checked_sub(1) {
                Some(up) => depth = up,
                None => return Some("`..` leads out of the config's directory"),
            },
            Component::RootDir | Component::Prefix(_) => return Some("it is an absolute path"),
        }
    }
    None
}

/// A serde-saphyr error as a config error at its line and column.
fn deserialize_error(path: &str, error: &serde_saphyr::Error) -> ConfigError {
    let (line, column) = error
        .location()
        .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
    let message = error.to_string();
    let message = message
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    ConfigError {
        path: path.to_owned(),
        line,
        column,
        message: strip_position(message),
    }
}

/// Validates what serde cannot: every error points at the key it is about.
struct Checker<'a> {
    path: &'a str,
    text: &'a str,
}

impl Checker<'_> {
    /// An error at the deepest of `keys` the file has.
    fn at(&self, keys: &[&str], message: String) -> ConfigError {
        let (line, column) = locate(self.text, keys);
        ConfigError {
            path: self.path.to_owned(),
            line,
            column,
            message,
        }
    }

    /// `select:` or `ignore:`, compiled.
    fn selectors(
        &self,
        list: Option<&[String]>,
        field: &str,
    ) -> Result<Vec<Selector>, ConfigError> {
        list.into_iter()
            .flatten()
            .map(|text| {
                Selector::parse(text).ok_or_else(|| {
                    self.at(
                        &[field],
                        format!("`{text}` matches no rule; `oncall-lint rules` lists them"),
                    )
                })
            })
            .collect()
    }

    /// `fail-on`, `profiles`, `chart.kind`, `chart.version`, `rules:`, `max-file-size`.
    fn settings(&self, config: &Config) -> Result<(), ConfigError> {
        if let Some(fail_on) = &config.fail_on
            && Severity::parse(fail_on).is_none()
        {
            return Err(self.at(
                &["fail-on"],
                format!("`fail-on: {fail_on}` must be error, warning or info"),
            ));
        }
        for profile in config.profiles.iter().flatten() {
            if Profile::parse(profile).is_none() && profile != "none" {
                return Err(self.at(
                    &["profiles"],
                    format!("unknown profile `{profile}` (known: air-gapped, none)"),
                ));
            }
        }
        if let Some(kind) = config.chart.as_ref().and_then(|c| c.kind.as_deref())
            && let Err(e) = ChartKind::parse(kind)
        {
            return Err(self.at(&["chart", "kind"], e.to_string()));
        }
        // another release's defaults, used without a word, would be silent
        if let Some(version) = config.chart.as_ref().and_then(|c| c.version.as_deref())
            && let Err(why) = known_release(version)
        {
            return Err(self.at(
                &["chart", "version"],
                why.message("`chart.version`", version),
            ));
        }
        if let Some(version) = config
            .chart
            .as_ref()
            .and_then(|c| c.grafana_version.as_deref())
            && let Err(message) =
                crate::chart::grafana::given_version("`chart.grafana-version`", version)
        {
            return Err(self.at(&["chart", "grafana-version"], message));
        }
        for (name, rule) in config.rules.iter().flatten() {
            let custom = config
                .custom_rules
                .iter()
                .flatten()
                .any(|c| c.code == *name || c.name == *name);
            if RuleCode::find(name).is_none() && !custom {
                return Err(self.at(
                    &["rules", name],
                    format!("`{name}` is not a rule; `oncall-lint rules` lists them"),
                ));
            }
            if let Some(severity) = &rule.severity
                && Severity::parse(severity).is_none()
            {
                return Err(self.at(
                    &["rules", name, "severity"],
                    format!("severity `{severity}` must be error, warning or info"),
                ));
            }
        }
        if let Some(size) = &config.max_file_size
            && parse_size(size).is_none()
        {
            return Err(self.at(
                &["max-file-size"],
                format!("`{size}` is not a size (e.g. 64MiB, 500K, 1048576)"),
            ));
        }
        Ok(())
    }

    /// Every file the config names (`releases[].files`) is inside the config's directory:
    /// not absolute, no `~`, no `..` above it, and (when `dir` is known) no symlink that
    /// leads out of it. A file that does not exist is left for the read to report.
    fn paths_inside(&self, config: &Config, dir: Option<&Path>) -> Result<(), ConfigError> {
        let root = dir.and_then(|d| d.canonicalize().ok());
        for set in config.releases.iter().flatten() {
            for file in &set.files {
                let why = match outside_lexically(file) {
                    Some(why) => Some(why.to_owned()),
                    None => root.as_deref().and_then(|root| {
                        // the deepest part of the path that exists, resolved: a symlink out
                        // is refused even when what it names past it does not exist
                        let joined = root.join(file);
                        let real = joined.ancestors().find_map(|p| p.canonicalize().ok())?;
                        (!real.starts_with(root)).then(|| {
                            format!(
                                "a symlink leads out of the config's directory (to {})",
                                real.display()
                            )
                        })
                    }),
                };
                if let Some(why) = why {
                    let start = key_offset(self.text, &["releases"]);
                    let offset = self
                        .text
                        .get(start..)
                        .and_then(|rest| rest.find(file.as_str()))
                        .map_or(start, |at| start + at);
                    let (line, column) = line_col(self.text, offset);
                    return Err(ConfigError {
                        path: self.path.to_owned(),
                        line,
                        column,
                        message: format!(
                            "`releases` names `{file}`, outside the config's directory: {why}; \
                             a config names only files inside its own directory"
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// `per-file-ignores`, compiled.
    fn per_file_ignores(
        &self,
        config: &Config,
    ) -> Result<Vec<(GlobSet, Vec<Selector>)>, ConfigError> {
        let mut per_file = Vec::new();
        for (glob, list) in config.per_file_ignores.iter().flatten() {
            let here = |message: String| self.at(&["per-file-ignores", glob], message);
            let set = compile(std::slice::from_ref(glob)).map_err(here)?;
            let selectors = list
                .iter()
                .map(|text| {
                    Selector::parse(text).ok_or_else(|| here(format!("`{text}` matches no rule")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            per_file.push((set, selectors));
        }
        Ok(per_file)
    }

    /// `include:` or `exclude:`, compiled.
    fn globs(&self, globs: Option<&[String]>, field: &str) -> Result<Option<GlobSet>, ConfigError> {
        globs
            .map(|globs| compile(globs).map_err(|e| self.at(&[field], e)))
            .transpose()
    }

    /// `releases:`: each lists files, and its `--set` arguments read.
    fn releases(&self, config: &Config) -> Result<(), ConfigError> {
        for (i, set) in config.releases.iter().flatten().enumerate() {
            if set.files.is_empty() {
                return Err(self.at(&["releases"], format!("release {} lists no files", i + 1)));
            }
            let args = set
                .set
                .iter()
                .map(|s| (s, false))
                .chain(set.set_string.iter().map(|s| (s, true)));
            for (arg, string) in args {
                if let Err(e) = crate::values::validate_set(arg, string) {
                    return Err(self.at(
                        &["releases"],
                        format!(
                            "`{}`: {}",
                            crate::redact::mask_set_arg(arg),
                            crate::redact::mask_message(&e.message)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// One custom rule, read: its code, check kind, expected value, severity and path.
    fn custom_rule(&self, rule: &CustomRuleConfig) -> Result<CustomRule, ConfigError> {
        let here = |m: String| {
            self.at(
                &["custom-rules"],
                format!("custom rule `{}`: {m}", rule.code),
            )
        };
        if !custom_code(&rule.code) {
            return Err(here(
                "the code must be capital letters then digits, not starting with OC (e.g. CORP001)"
                    .into(),
            ));
        }
        let check = custom_check(rule).map_err(here)?;
        let severity = match &rule.severity {
            None => Severity::Warning,
            Some(text) => Severity::parse(text)
                .ok_or_else(|| here(format!("severity `{text}` must be error, warning or info")))?,
        };
        Ok(CustomRule {
            code: rule.code.clone(),
            name: rule.name.clone(),
            severity,
            path: split_path(&rule.path).map_err(here)?,
            check,
            message: rule.message.clone(),
            help: rule.help.clone(),
        })
    }
}

/// Capital letters then digits, not starting with `OC` (`CORP001`).
fn custom_code(code: &str) -> bool {
    let letters = code.chars().take_while(char::is_ascii_uppercase).count();
    code.len() >= 3
        && !code.to_ascii_uppercase().starts_with("OC")
        && letters >= 1
        && code.len() > letters
        && code.chars().skip(letters).all(|c| c.is_ascii_digit())
}

/// A custom rule's check kind with its expected value read.
fn custom_check(rule: &CustomRuleConfig) -> Result<CustomCheck, String> {
    let value = || {
        rule.value
            .clone()
            .ok_or_else(|| format!("check `{}` needs a `value`", rule.check))
    };
    Ok(match rule.check.as_str() {
        "required" => CustomCheck::Required,
        "forbidden" => CustomCheck::Forbidden,
        "equals" => CustomCheck::Equals(value()?),
        "list-contains" => CustomCheck::ListContains(value()?),
        "one-of" => match rule.values.clone().filter(|v| !v.is_empty()) {
            Some(values) => CustomCheck::OneOf(values),
            None => return Err("check `one-of` needs `values`".into()),
        },
        "matches" => {
            let pattern = value()?;
            let pattern = pattern.as_str().unwrap_or_default();
            let re = regex::Regex::new(pattern)
                .map_err(|e| format!("`value` is not a regular expression: {e}"))?;
            CustomCheck::Matches(std::sync::Arc::new(re))
        }
        "at-least" => match value()?.as_f64() {
            Some(minimum) => CustomCheck::AtLeast(minimum),
            None => return Err("check `at-least` needs a number as its `value`".into()),
        },
        "version-at-least" => {
            let minimum = value()?;
            let text = minimum
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| minimum.to_string());
            match parse_version(&text) {
                Some(version) => CustomCheck::VersionAtLeast(version),
                None => return Err(format!("`value` `{text}` is not a version")),
            }
        }
        other => {
            return Err(format!(
                "unknown check `{other}` (known: {})",
                CustomCheck::KINDS.join(", ")
            ));
        }
    })
}

/// The starter config `oncall-lint init` writes.
pub const STARTER: &str = include_str!("../data/oncall-lint.starter.yaml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_config_is_valid() {
        LoadedConfig::parse(".oncall-lint.yaml", STARTER).expect("starter parses");
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let err = LoadedConfig::parse("c.yaml", "select: [OC001]\nchart:\n  versoin: 1.16.9\n")
            .unwrap_err();
        assert_eq!((err.line, err.column), (3, 3), "{err}");
        assert!(err.message.contains("versoin"), "{err}");
        let err =
            LoadedConfig::parse("c.yaml", "rules:\n  OC006:\n    severity: loud\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 5), "{err}");
        let err = LoadedConfig::parse("c.yaml", "chart:\n  version: 2.0.0\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 3), "{err}");
        assert!(
            err.message.contains("not an oncall chart release")
                && err.message.contains("1.16.9 (the last release)"),
            "{err}"
        );
        LoadedConfig::parse("c.yaml", "chart:\n  version: 1.15.3\n").expect("a release");
        let err = LoadedConfig::parse("c.yaml", "select: [OC9]\n").unwrap_err();
        assert!(err.message.contains("OC9"), "{err}");
        let err = LoadedConfig::parse(
            "c.yaml",
            "custom-rules:\n  - {code: OC900, name: x, path: a, check: required, message: m}\n",
        )
        .unwrap_err();
        assert!(err.message.contains("OC"), "{err}");
    }

    #[test]
    fn the_command_line_wins_over_the_config() {
        let config = LoadedConfig::parse("c.yaml", "select: [OC0]\nignore: [OC040]\nrelease:\n  namespace: a\n  grafana-namespace: b\nper-file-ignores:\n  'dev-*.yaml': [OC001]\n").unwrap();
        let mut options = LintOptions::default();
        options.release.namespace = Some("cli".into());
        config.apply(&mut options, Some("env/dev-values.yaml"));
        assert_eq!(options.release.namespace.as_deref(), Some("cli"));
        assert_eq!(options.release.grafana_namespace.as_deref(), Some("b"));
        assert_eq!(options.selection.select, [Selector::Prefix("OC0".into())]);
        assert!(
            options
                .selection
                .ignore
                .contains(&Selector::Rule(RuleCode::OC001))
                && options
                    .selection
                    .ignore
                    .contains(&Selector::Rule(RuleCode::OC040))
        );
        let mut other = LintOptions::default();
        config.apply(&mut other, Some("prod-values.yaml"));
        assert!(
            !other
                .selection
                .ignore
                .contains(&Selector::Rule(RuleCode::OC001))
        );
    }

    #[test]
    fn release_files_stay_inside_the_config_directory() {
        for inside in [
            "values.yaml",
            "./deploy/values.yaml",
            "deploy/../values.yaml",
            "a/b/../../c.yaml",
        ] {
            assert_eq!(outside_lexically(inside), None, "{inside}");
        }
        for outside in [
            "/proc/self/environ",
            "~/.aws/credentials",
            "~",
            "../values.yaml",
            "deploy/../../values.yaml",
            "./..",
        ] {
            assert!(outside_lexically(outside).is_some(), "{outside}");
        }
        let err = LoadedConfig::parse(
            "c.yaml",
            "select: [OC001]\nreleases:\n  - name: prod\n    files: [values.yaml, ../x.yaml]\n",
        )
        .unwrap_err();
        assert_eq!((err.line, err.column), (4, 26), "{err}");
        assert!(err.message.contains("`..` leads out"), "{err}");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64MiB"), Some(64 * 1024 * 1024));
        assert_eq!(parse_size("500K"), Some(500 * 1024));
        assert_eq!(parse_size("1048576"), Some(1_048_576));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("5X"), None);
    }

    #[test]
    fn paths_split_on_unquoted_dots() {
        assert_eq!(
            split_path("grafana.\"grafana.ini\".server").unwrap(),
            ["grafana", "grafana.ini", "server"]
        );
        assert_eq!(
            split_path("grafana.grafana\\.ini").unwrap(),
            ["grafana", "grafana.ini"]
        );
        assert!(split_path("a..b").is_err());
    }
}
