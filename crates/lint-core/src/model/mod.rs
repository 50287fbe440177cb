//! Typed knowledge about the charts, read from a [`Release`](crate::release::Release):
//! what Grafana it deploys and how Grafana reads its settings, the OnCall plugin and how it
//! is installed, the images the release pulls, the names Helm gives its objects, the
//! engine's settings, the pod's volumes, the services the engine needs, and the plugin
//! provisioning found in the files.
//!
//! Checks judge; they learn the facts here. Every fact about the charts, Grafana and images
//! is written once, in one of these modules, so two rules never disagree about it.

pub mod engine;
pub mod grafana;
pub mod helm;
pub mod images;
pub mod names;
pub mod plugin;
pub mod provisioning;
pub mod subcharts;
pub mod url;
pub mod volumes;
