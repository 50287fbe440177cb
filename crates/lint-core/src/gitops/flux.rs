//! TODO(helper): flux releases.

use super::Declared;
use crate::yaml::Document;

/// The releases document `index` declares.
pub(super) fn declared(_doc: &Document, _index: usize) -> Vec<Declared> {
    Vec::new()
}
