//! Rules as data: the catalog of built-in rules (one line each, in `list.rs`), the codes and
//! facts it generates ([`RuleCode`]), what each rule's file says ([`RuleMeta`]), severities
//! and profiles, and the message templates' grammar ([`template`]).
//!
//! Nothing here knows how a rule checks anything: the checks are in `checks/`, and the
//! registry above both pairs each code with its check.

pub mod code;
pub(crate) mod list;
pub mod meta;
pub mod severity;
pub mod template;

pub use code::{Claim, RuleCode, RuleInfo};
pub use meta::RuleMeta;
pub use severity::{Profile, Severity};
