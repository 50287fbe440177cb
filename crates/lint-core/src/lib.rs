//! oncall-lint's library: everything from reading a values file to rendering a report.
//! Nothing here prints or exits; the CLI turns arguments into a [`session::Session`], its
//! [`session::Outcome`] into a report, and the outcome's findings into an exit status.
//!
//! Data flows one way (ARCHITECTURE.md has the picture):
//!
//! ```text
//! read (source, yaml) → classify (values root, chart, input kind) → release (values, merged
//!   with the chart's defaults) → model (Grafana, plugin, images, names) → checks (one per
//!   rule, registered in rules/list.rs) → findings (diagnostic) → suppress, redact, baseline
//!   → report | fix | render
//! ```
//!
//! The public face is small: [`session`] runs a whole lint; [`lint_bytes`] and
//! [`lint_release`] lint one text or release; [`Diagnostic`] and the [`report`] formats
//! describe what was found; [`render`] writes overlays; [`rules`] is the rule catalog. The
//! stages in between (the pipeline, the model, the checks, the registry, suppressions) are
//! private to the crate. The modules marked hidden are public only so the integration tests,
//! benchmarks and fuzz targets can reach the parser, the fix engine and the schema walker.

// A function over 80 lines (clippy.toml) needs an `#[allow]` with its reason.
#![warn(clippy::too_many_lines)]

pub mod baseline;
pub mod chart;
pub(crate) mod checks;
pub mod config;
pub mod diagnostic;
#[doc(hidden)]
pub mod fix;
pub(crate) mod gitops;
pub(crate) mod infer;
pub(crate) mod model;
pub mod options;
pub mod path;
pub(crate) mod pipeline;
#[doc(hidden)]
pub mod redact;
pub(crate) mod registry;
pub mod release;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod session;
pub mod source;
pub(crate) mod suppress;
pub mod values;
pub mod write;
#[doc(hidden)]
pub mod yaml;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Location, RuleId};
pub use options::LintOptions;
pub use pipeline::{
    FileReport, InputFile, KindReason, Note, RootReason, build_release, lint_bytes, lint_release,
    lint_source, too_large,
};
pub use release::SetArg;
pub use rules::{Profile, RuleCode, Severity};
