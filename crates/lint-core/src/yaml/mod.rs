//! Span-aware YAML: parse text into [`Document`]s whose every key and value has a byte
//! span, and resolve scalars as Helm does.

pub mod embedded;
mod parse;
pub mod quote;
pub mod scalar;
mod tree;

pub use parse::{Limits, ParseError, parse};
pub use tree::{Comment, CoreTag, Document, Entry, Node, NodeId, NodeKind, ScalarStyle};
