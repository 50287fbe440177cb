//! Fixes: symbolic operations on key paths ([`Op`]) compiled to byte edits in the file's own
//! style (`compile`), applied without overlaps, then re-parsed and re-linted ([`apply`]).
//! Comments, quoting, key order, indentation and line endings outside the edit stay byte
//! for byte.

pub mod apply;
pub mod build;
pub mod compile;
pub mod diff;
pub mod ops;

pub use compile::{Style, TextEdit, compile};
pub use ops::Op;
