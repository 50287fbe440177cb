//! Output formats. Each renders a list of diagnostics to a string; the front end writes it.
//! [`catalog`] renders the rules themselves.

pub mod catalog;
pub mod concise;
pub mod display;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod notice;
pub mod sarif;
pub mod text;

pub use notice::{Notice, NoticeKind};
