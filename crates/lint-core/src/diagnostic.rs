//! What a finding is: a rule, a severity, a message, an exact place, and help.

use std::ops::Range;
use std::sync::Arc;

use crate::path::{KeyPath, Seg};
use crate::rules::{RuleCode, Severity};
use crate::source::{LineCol, SourceFile};

/// Which rule a finding is of: a built-in rule, or a custom rule of the config.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleId {
    /// A built-in rule.
    Builtin(RuleCode),
    /// A custom rule from the config, by its code and name.
    Custom {
        /// Its code, as the config gives it.
        code: Arc<str>,
        /// Its name.
        name: Arc<str>,
    },
}

impl RuleId {
    /// The code every output names: `OC001`, or the custom rule's.
    pub fn code(&self) -> &str {
        match self {
            RuleId::Builtin(code) => code.as_str(),
            RuleId::Custom { code, .. } => code,
        }
    }

    /// The kebab-case name.
    pub fn name(&self) -> &str {
        match self {
            RuleId::Builtin(code) => code.name(),
            RuleId::Custom { name, .. } => name,
        }
    }
}

impl PartialEq<RuleCode> for RuleId {
    fn eq(&self, other: &RuleCode) -> bool {
        matches!(self, RuleId::Builtin(code) if code == other)
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
    /// The rule it is a finding of.
    pub rule: RuleId,
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
    /// The rule's code, `OC001`.
    pub fn code(&self) -> &str {
        self.rule.code()
    }

    /// The rule's name, `plugin-org-id`.
    pub fn name(&self) -> &str {
        self.rule.name()
    }

    /// Sort key: file, then position, then code.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (
            self.primary.file.path(),
            self.primary.span.start,
            self.primary.span.end,
            self.code(),
        )
    }
}
