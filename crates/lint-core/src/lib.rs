//! oncall-lint's library: everything from reading a values file to rendering a report.
//!
//! Data flows one way (see DESIGN §2): [`source`] → [`yaml`] → [`values`] (the Release) →
//! [`rules`] and [`checks`] → [`diagnostic`] → [`report`]. Nothing here prints or exits;
//! the CLI decides what goes where.

pub mod source;
pub mod yaml;
pub mod chart;
pub mod diagnostic;
pub mod release;
pub mod values;
