//! OC001 plugin-org-id: the plugin's `jsonData.orgId` must be the integer 100.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::plugin::ORG_ID;
use crate::model::provisioning::is_substituted;
use crate::values::Kind;

/// What OC001 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `orgId` is not 100.
    WrongValue {
        /// The value written.
        found: String,
    },
    /// `orgId` is the string "100".
    Quoted {
        /// The value written.
        found: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    for app in ctx.provisioning {
        let Some(org_id) = app.value.get(&["jsonData", "orgId"]) else {
            continue;
        };
        let key_path = app.key_path.extend(&["jsonData", "orgId"]);
        let found = org_id.describe();
        let message = match &org_id.kind {
            Kind::Int(ORG_ID) => continue,
            Kind::Float(f) if *f == ORG_ID as f64 => continue,
            // not set at all is OC003's finding; a substituted value cannot be known here
            Kind::Null => continue,
            Kind::Str(_) if is_substituted(org_id) => continue,
            Kind::Str(s) if s.trim() == "100" => Message::Quoted { found },
            _ => Message::WrongValue { found },
        };
        let Some(site) = org_id.site() else {
            continue;
        };
        let location = ctx.release.site_location(site, key_path, false);
        let fix = fix::build::for_app(
            ctx.release,
            app,
            "set `jsonData.orgId` to 100".into(),
            Applicability::Safe,
            vec![Op::SetScalar {
                path: path(&["jsonData", "orgId"]),
                value: crate::values::Value::new(Kind::Int(ORG_ID), org_id.origin.clone()),
            }],
        );
        out.emit(message, location).with_fix(fix);
    }
}
