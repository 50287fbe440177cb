//! What a finding is: a rule, a severity, a message, an exact place, and help.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::path::{KeyPath, Seg};
use crate::source::{LineCol, SourceFile};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Hardening.
    Info,
    /// Breaks in common setups.
    Warning,
    /// The install or the plugin connection will break.
    Error,
}

impl Severity {
    /// The lowercase name used in output and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` or `info`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file: a byte span and the key path it belongs to.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte range in the file's text.
    pub span: Range<usize>,
    /// The key path, e.g. `grafana."grafana.ini".feature_toggles.enable` (empty for a whole file).
    pub key_path: KeyPath,
}

impl Location {
    /// Line and column of the span's start.
    pub fn start(&self) -> LineCol {
        self.file.line_col(self.span.start)
    }

    /// Line and column of the span's end.
    pub fn end(&self) -> LineCol {
        self.file.line_col(self.span.end)
    }
}

/// A secondary place that explains the finding.
#[derive(Debug, Clone)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What it has to do with the finding.
    pub message: String,
}

/// Whether a fix may be applied without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Shown, never applied: it holds a placeholder only the user can fill in.
    DisplayOnly,
    /// Applied by `--unsafe-fixes`: correct, but it changes meaning the user should review.
    Unsafe,
    /// Applied by `--fix`: keeps meaning and every comment.
    Safe,
}

impl Applicability {
    /// `safe`, `unsafe` or `display-only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// One byte edit: replace `range` of `file`'s text with `replacement`.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The file to edit.
    pub file: Arc<SourceFile>,
    /// Byte range in the file's text (without a BOM) to replace; empty to insert.
    pub range: Range<usize>,
    /// The new text.
    pub replacement: String,
}

/// A suggested change that resolves a finding.
#[derive(Debug, Clone)]
pub struct Fix {
    /// What it does, for a person ("set `orgId` to 100").
    pub title: String,
    /// Whether it may be applied without review.
    pub applicability: Applicability,
    /// Byte edits, non-overlapping, in the files they change.
    pub edits: Vec<Edit>,
    /// Chart-relative paths of the effective values the fix means to change; re-linting
    /// checks that nothing else changed.
    pub targets: Vec<Vec<Seg>>,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable rule code, e.g. `OC001`.
    pub code: String,
    /// Rule name, e.g. `plugin-org-id`.
    pub name: String,
    /// Severity.
    pub severity: Severity,
    /// One line, lowercase, no trailing period.
    pub message: String,
    /// The offending key or value.
    pub primary: Location,
    /// Short label shown under the primary span.
    pub label: Option<String>,
    /// Other places that matter.
    pub related: Vec<Related>,
    /// What to do about it.
    pub help: Option<String>,
    /// A patch that resolves it, when one is knowable.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// Sort key: file, then position, then code.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (
            self.primary.file.path(),
            self.primary.span.start,
            self.primary.span.end,
            &self.code,
        )
    }
}
