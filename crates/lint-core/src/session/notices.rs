//! The notices of a session's outcome: what every output format says it skipped or
//! assumed.

use super::Outcome;
use crate::report::notice::{self, Notice};

impl Outcome {
    /// What the run skipped or assumed, each said once: the front end shows these in every
    /// format (the rest of [`Outcome::notes`] is `-v` detail).
    pub fn notices(&self) -> Vec<Notice> {
        notice::from_notes(
            self.inferred.iter().chain(&self.notes),
            self.assumed_chart_version,
        )
    }
}
