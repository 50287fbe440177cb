//! OC095 unused-suppression: a suppression comment that suppresses nothing, or that cannot
//! be read. Reported when suppressions are applied, after every rule ran (see
//! `suppress.rs`); this module holds the rule's messages.

use serde::Serialize;

use super::{CheckContext, Emitter};

/// What OC095 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// Codes a directive names that suppressed nothing.
    Unused {
        /// The codes, as `` `OC001`, `OC002` ``.
        codes: String,
    },
    /// A line directive above nothing it could apply to.
    Unattached,
    /// A directive that does not read.
    Malformed {
        /// Why.
        reason: String,
    },
}

/// Nothing to check in a release: suppressions are judged after every rule ran.
pub(crate) fn check(_: &CheckContext<'_>, _: &mut Emitter<'_, Message>) {}
