//! Symbolic fix operations: what to change, by key path, independent of formatting.

use crate::path::Seg;
use crate::values::{Kind, Origin, Value};

/// A change to a document, by path.
#[derive(Debug, Clone)]
pub enum Op {
    /// Set the scalar at `path` (inserting the key, and missing parents, if absent). The
    /// scalar keeps its quoting unless the new type needs another.
    SetScalar {
        /// Where.
        path: Vec<Seg>,
        /// The new value (a scalar).
        value: Value,
    },
    /// Replace whatever is at `path` (or insert it) with `value`, written in the file's style.
    Replace {
        /// Where.
        path: Vec<Seg>,
        /// The new value.
        value: Value,
    },
    /// Append `item` to the sequence at `path` (creating it if absent).
    Append {
        /// The sequence.
        path: Vec<Seg>,
        /// The new item.
        item: Value,
    },
    /// Remove the entry (mapping key or sequence item) at `path`, with the comment lines
    /// directly above it.
    Remove {
        /// Where.
        path: Vec<Seg>,
    },
}

impl Op {
    /// The path the operation changes.
    pub fn path(&self) -> &[Seg] {
        match self {
            Op::SetScalar { path, .. }
            | Op::Replace { path, .. }
            | Op::Append { path, .. }
            | Op::Remove { path } => path,
        }
    }
}

/// A string a fix writes.
pub fn text(text: impl Into<String>) -> Value {
    Value::new(Kind::Str(text.into()), Origin::Fix)
}

/// An integer a fix writes.
pub fn int(i: i64) -> Value {
    Value::new(Kind::Int(i), Origin::Fix)
}

/// A boolean a fix writes.
pub fn boolean(b: bool) -> Value {
    Value::new(Kind::Bool(b), Origin::Fix)
}
