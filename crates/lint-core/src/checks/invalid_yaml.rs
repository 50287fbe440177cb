//! OC094 invalid-yaml: the file does not parse, is not text, or is too large to read.
//! Reported while reading the file (there is no release to check); this module holds the
//! rule's messages.

use serde::Serialize;

use super::{CheckContext, Emitter};

/// What OC094 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// YAML that does not parse.
    Parse {
        /// The parser's reason.
        reason: String,
    },
    /// Bytes that are not UTF-8 text, or a file over the size limit.
    NotText {
        /// Why.
        reason: String,
    },
    /// YAML that parses but that Helm refuses to load (an alias bomb, a bad merge key).
    Helm {
        /// Helm's reason.
        reason: String,
    },
    /// A values file whose top level is not a map (a list, a string): Helm refuses it.
    NotAMap {
        /// What it is instead (`a list`, `the string "x"`).
        found: String,
    },
    /// Documents after the first of a values file, which Helm never reads.
    LaterDocuments {
        /// How many.
        count: usize,
    },
}

/// Nothing to check in a release: a file that reached one has been read.
pub(crate) fn check(_: &CheckContext<'_>, _: &mut Emitter<'_, Message>) {}
