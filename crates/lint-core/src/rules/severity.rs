//! How bad a finding is, and the profiles that turn rules on for some installs only.

use std::fmt;

use serde::Deserialize;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
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

/// A set of rules that only apply to some installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// No internet access from the cluster: the OC04x rules.
    AirGapped,
}

impl Profile {
    /// Parses `air-gapped` (also `airgapped`, `air-gap`).
    pub fn parse(text: &str) -> Option<Profile> {
        match text {
            "air-gapped" | "airgapped" | "air-gap" => Some(Profile::AirGapped),
            _ => None,
        }
    }

    /// The profile's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::AirGapped => "air-gapped",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
