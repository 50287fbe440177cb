//! Output formats. Each renders a list of diagnostics to a string; the CLI writes it.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;
