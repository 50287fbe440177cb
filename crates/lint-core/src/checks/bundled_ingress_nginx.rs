//! OC072 bundled-ingress-nginx: the oncall chart deploys its own ingress-nginx controller
//! (`ingress-nginx.enabled` is true by default, in every release): chart 4.1.4, controller
//! v1.2.1 from 2022. The ingress-nginx project was retired in March 2026, and v1.2.1 is
//! exposed to CVE-2025-1974 "IngressNightmare" (fixed only in 1.11.5 and 1.12.1), so a
//! release that keeps the chart's default runs an internet-facing controller that will
//! never be patched. The controller is deployed whether or not the chart's own Ingress is.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::model::addons::{
    INGRESS_NGINX, INGRESS_NGINX_CHART, INGRESS_NGINX_CONTROLLER, INGRESS_NGINX_FIXED_IN,
    custom_controller_image, deployed, enabled_written, ingress_rendered,
};
use crate::release::InputKind;
use crate::values::{Kind, Origin, Value};

/// What OC072 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The bundled ingress-nginx is deployed.
    Bundled {
        /// The bundled chart's version (`4.1.4`).
        chart: String,
        /// Its controller's version (`v1.2.1`).
        controller: String,
        /// The controller releases that fixed CVE-2025-1974.
        fixed_in: String,
        /// A user wrote `ingress-nginx.enabled: true`.
        written: bool,
        /// A user chose another controller image (its version is not judged).
        custom_image: bool,
        /// `ingress.enabled` is false: the release's own Ingress does not use it.
        ingress_off: bool,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    if release.kind != InputKind::OncallValues || deployed(release, INGRESS_NGINX) != Some(true)
    {
        return;
    }
    let enabled_path = [INGRESS_NGINX, "enabled"];
    let written = enabled_written(release, INGRESS_NGINX);
    // the chart's default is judged only in a whole release (every file of it is here)
    if written.is_none() && !release.whole {
        return;
    }
    let location = match written {
        Some(value) => release.locate(value, &enabled_path, false),
        None => release.blame(&enabled_path),
    };
    let ingress_off = !ingress_rendered(release);
    // a user who wrote `enabled: true` chose the controller: no fix
    let fix = written.is_none().then(|| {
        let title = if ingress_off {
            "set `ingress-nginx.enabled: false`: the release's own Ingress is off; first make \
             sure no other Ingress in the cluster is served by this controller (class `nginx`)"
        } else {
            "set `ingress-nginx.enabled: false`: the Ingress then needs another controller in \
             the cluster, one that serves its class (the chart's annotation \
             `kubernetes.io/ingress.class: nginx`, or `ingress.className`)"
        };
        ctx.fix_at(
            None,
            title,
            Applicability::Unsafe,
            vec![Op::SetScalar {
                path: path(&enabled_path),
                value: Value::new(Kind::Bool(false), Origin::Fix),
            }],
        )
    });
    out.emit(
        Message::Bundled {
            chart: INGRESS_NGINX_CHART.to_owned(),
            controller: INGRESS_NGINX_CONTROLLER.to_owned(),
            fixed_in: INGRESS_NGINX_FIXED_IN.to_owned(),
            written: written.is_some(),
            custom_image: custom_controller_image(release),
            ingress_off,
        },
        location,
    )
    .with_fix(fix.flatten());
}
