//! OC097 values-source-missing: a values file or ConfigMap a GitOps manifest names is not
//! there. Reported while the manifest's release is assembled (the pipeline's manifest
//! stage), before there is a release to check; this module holds the rule's messages.

use serde::Serialize;

use super::{CheckContext, Emitter};

/// What OC097 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A values file that is not in the repository.
    File {
        /// The file, as the run names it.
        path: String,
        /// The tool that reads it (`Argo CD Application`).
        tool: String,
    },
    /// A `valuesFrom` ConfigMap or Secret no manifest linted defines.
    Object {
        /// `ConfigMap `oncall-values` key `values.yaml``.
        what: String,
        /// Its namespace.
        namespace: String,
    },
}

/// Nothing to check in a release: a source that reached one was found.
pub(crate) fn check(_: &CheckContext<'_>, _: &mut Emitter<'_, Message>) {}
