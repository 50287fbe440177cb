//! Rules of the user's own, from the config's `custom-rules:`, read once: a key path of the
//! effective values and one of the generic check kinds, with its expected value parsed (a
//! regular expression compiled, a version read).

use crate::chart::Version;
use crate::rules::Severity;

/// A custom rule, ready to run.
#[derive(Debug, Clone)]
pub struct CustomRule {
    /// Its code (`CORP001`).
    pub code: String,
    /// Its kebab-case name.
    pub name: String,
    /// Its severity.
    pub severity: Severity,
    /// The key path in the chart's values, as keys.
    pub path: Vec<String>,
    /// What the value must be.
    pub check: CustomCheck,
    /// The message shown.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// The generic check kinds.
#[derive(Debug, Clone)]
pub enum CustomCheck {
    /// The value must be set (not null).
    Required,
    /// The value must not be set.
    Forbidden,
    /// The value must equal this one.
    Equals(serde_json::Value),
    /// The value must be one of these.
    OneOf(Vec<serde_json::Value>),
    /// The value (every item of a list) must match this expression: compiled once when the
    /// config is read, and shared (with its match caches) by every file and thread the run
    /// lints, since a cloned `Regex` starts with empty caches that a large pattern makes
    /// costly to fill.
    Matches(std::sync::Arc<regex::Regex>),
    /// The value must be a number at least this large.
    AtLeast(f64),
    /// The value must be a version at least this one.
    VersionAtLeast(Version),
    /// The value must be a list holding this item.
    ListContains(serde_json::Value),
}

impl CustomCheck {
    /// The kinds' names, as the config writes them.
    pub const KINDS: [&'static str; 8] = [
        "required",
        "forbidden",
        "equals",
        "one-of",
        "matches",
        "at-least",
        "version-at-least",
        "list-contains",
    ];
}
