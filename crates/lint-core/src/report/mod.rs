//! Output formats. Each renders a list of diagnostics to a string; the CLI writes it.

pub mod concise;
pub mod text;
