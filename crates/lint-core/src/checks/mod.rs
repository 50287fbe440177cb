//! Checks: the logic behind the rules, one file each, named like its rule (the catalog in
//! `rules/list.rs` declares them). A check reads the release (and the plugin provisioning
//! found in it), learns the facts about the charts from [`crate::model`], judges, and
//! reports through an [`Emitter`] typed by its rule's `Message` enum, which turns each
//! message into a finding with the rule's own text. No check imports another.

mod emit;

pub(crate) use emit::{Emitter, report};

/// Declares every rule's check module, from the catalog in `rules/list.rs`.
macro_rules! declare_check_modules {
    ($($code:ident $module:ident,)*) => {
        $(pub(crate) mod $module;)*
    };
}

crate::rules::list::for_each_rule!(declare_check_modules);

pub(crate) mod custom;

use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::model::grafana::Grafana;
use crate::model::provisioning::ProvisionedApp;
use crate::options::LintOptions;
use crate::path::Seg;
use crate::release::Release;
use crate::values::Value;

/// Everything a check may read.
pub(crate) struct CheckContext<'a> {
    /// The release being linted.
    pub release: &'a Release,
    /// The user's options.
    pub options: &'a LintOptions,
    /// Every `grafana-oncall-app` entry found in plugin provisioning.
    pub provisioning: &'a [ProvisionedApp],
    /// Whether the air-gapped rules (OC04x) run: the profile was given (flag, config) or
    /// inferred from the values.
    pub air_gapped: bool,
    /// The schema validation of the release, run by the first check that needs it.
    pub schema_run: std::sync::OnceLock<crate::schema::Run>,
}

impl<'a> CheckContext<'a> {
    /// The release validated against the chart's schema (and the user's), once per release
    /// however many rules read it.
    pub(crate) fn schema(&self) -> &crate::schema::Run {
        self.schema_run.get_or_init(|| {
            let user = self.options.user_schema.as_deref();
            crate::schema::run(self.release, user, self.options.limits.max_alias_expansion)
        })
    }

    /// The oncall chart version as the user wrote it (`--chart-version`, a `Chart.yaml`
    /// beside the values); see [`crate::model::engine::written_chart_version`].
    pub(crate) fn written_chart_version(&self) -> Option<String> {
        let spec = &self.options.release;
        crate::model::engine::written_chart_version(
            spec.chart_version.as_deref(),
            spec.chart_yaml.as_deref(),
        )
    }

    /// The Grafana the release deploys.
    pub(crate) fn grafana(&self) -> Grafana<'a> {
        Grafana::of(self.release)
    }

    /// A fix in the file where `value` was written, or, for a chart default, in the last
    /// file of the release (see [`fix::build::at`]).
    pub(crate) fn fix_at(
        &self,
        value: Option<&Value>,
        title: impl Into<String>,
        applicability: Applicability,
        ops: Vec<Op>,
    ) -> Option<Fix> {
        fix::build::at(self.release, value, title, applicability, ops)
    }
}

/// A chart-relative path of keys, for fix operations.
pub(crate) fn path(keys: &[&str]) -> Vec<Seg> {
    Seg::keys(keys)
}
