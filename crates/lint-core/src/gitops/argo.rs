//! TODO(helper): Argo CD Applications.

use super::Declared;
use crate::yaml::Document;

/// The release an `Application` declares.
pub(super) fn application(_doc: &Document, _index: usize) -> Vec<Declared> {
    Vec::new()
}

/// The release an `ApplicationSet`'s template declares.
pub(super) fn application_set(_doc: &Document, _index: usize) -> Vec<Declared> {
    Vec::new()
}
