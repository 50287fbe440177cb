//! Typed knowledge about the charts, read from a [`Release`](crate::release::Release):
//! what Grafana it deploys and how Grafana reads its settings, the OnCall plugin and how it
//! is installed, the images the release pulls, the names Helm gives its objects, the
//! engine's settings and secrets, the pod's volumes, the services the engine needs, and the
//! plugin provisioning found in the files.
//!
//! Checks judge; they learn the facts here. Every fact about the charts, Grafana and images
//! is written once, in one of these modules, so two rules never disagree about it.

pub(crate) mod addons;
pub(crate) mod advisories;
pub(crate) mod chart_keys;
pub(crate) mod engine;
pub(crate) mod grafana;
pub(crate) mod grafana_settings;
pub(crate) mod helm;
pub(crate) mod images;
pub(crate) mod names;
pub(crate) mod plugin;
pub(crate) mod plugin_downloads;
pub(crate) mod provisioning;
pub(crate) mod secrets;
pub(crate) mod subcharts;
pub(crate) mod url;
pub(crate) mod volumes;
