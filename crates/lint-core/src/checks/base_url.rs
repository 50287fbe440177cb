//! OC015 base-url: `base_url` is a host name (the chart writes
//! `BASE_URL=<base_url_protocol>://<base_url>` and uses it as the Ingress host), not a URL
//! and not the chart's placeholder.
//!
//! For a whole release (every values file is here), what no file sets is what Helm renders:
//! a `base_url` left at the chart's placeholder is reported as unset, and a `localhost`
//! one as a link to the reader's own machine. One layer of a release is judged only on
//! what it writes, and a `localhost` there may be a local overlay.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix, Location};
use crate::fix::{self, Op};
use crate::model::url::{is_loopback, parse_url};
use crate::release::InputKind;
use crate::values::Value;

/// The chart's placeholder.
pub(crate) const PLACEHOLDER: &str = "example.com";

/// What OC015 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `base_url` is a URL with a scheme, where the chart wants a host name.
    Scheme {
        /// The value written.
        found: String,
        /// The engine's `BASE_URL` the chart renders from it.
        rendered: String,
        /// The host name to write instead.
        host: String,
        /// The scheme written, for `base_url_protocol`.
        scheme: String,
    },
    /// `base_url` is the chart's placeholder.
    Placeholder {
        /// The value written.
        found: String,
    },
    /// `base_url` is set by no file of a whole release: the chart's placeholder is used.
    Unset {
        /// The chart's placeholder.
        placeholder: String,
    },
    /// `base_url` is a loopback host in a whole release.
    Localhost {
        /// The value written.
        found: String,
    },
    /// `base_url` has a port or a path while it is the Ingress host.
    IngressHost {
        /// The value written.
        found: String,
        /// What it has besides the host (`a port`, `a path`).
        what: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    let Some((value, text)) = written_base_url(ctx) else {
        if release.whole {
            unset(ctx, out);
        }
        return;
    };
    let location = release.locate(value, &["base_url"], false);
    if let Some((scheme, rest)) = text.split_once("://") {
        with_scheme(ctx, value, text, (scheme, rest), location, out);
        return;
    }
    if text.eq_ignore_ascii_case(PLACEHOLDER) {
        placeholder(ctx, value, text, location, out);
        return;
    }
    let ingress_on = release
        .get(&["ingress", "enabled"])
        .is_some_and(Value::is_truthy);
    if ingress_on && (text.contains(':') || text.contains('/')) {
        ingress_host(ctx, value, text, location, out);
        return;
    }
    if release.whole && is_loopback(&parse_url(text).host) {
        out.emit(
            Message::Localhost {
                found: text.to_owned(),
            },
            location,
        );
    }
}

/// Reports a whole release whose files leave `base_url` at the chart's placeholder, at the
/// top of the values (where it would be added).
fn unset(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let Some(value) = ctx.release.get(&["base_url"]) else {
        return;
    };
    let is_placeholder = value.site().is_none()
        && value
            .as_str()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case(PLACEHOLDER));
    if !is_placeholder {
        return;
    }
    out.emit(
        Message::Unset {
            placeholder: PLACEHOLDER.to_owned(),
        },
        ctx.release.blame(&["base_url"]),
    )
    .with_fix(fill_in(ctx, None));
}

/// The display-only fix that writes a placeholder host into `base_url` (at `value` when a
/// user wrote it).
fn fill_in(ctx: &CheckContext<'_>, value: Option<&Value>) -> Option<Fix> {
    ctx.fix_at(
        value,
        "set `base_url` to your OnCall host (fill in the placeholder)",
        Applicability::DisplayOnly,
        vec![Op::SetScalar {
            path: path(&["base_url"]),
            value: fix::ops::text("<oncall.your-domain>"),
        }],
    )
}

/// The `base_url` a user wrote, trimmed, unless it is empty or templated.
fn written_base_url<'a>(ctx: &CheckContext<'a>) -> Option<(&'a Value, &'a str)> {
    let value = ctx.release.get(&["base_url"])?;
    // the user's own value only: a file that leaves it out may be one of several
    value.site()?;
    let text = value.as_str().map(str::trim)?;
    if text.is_empty() || text.contains("{{") || text.contains('$') {
        return None;
    }
    Some((value, text))
}

/// Reports a `base_url` written as a URL (`scheme://rest`), with a fix for `http` and
/// `https` that keeps the host and moves the scheme to `base_url_protocol`.
fn with_scheme(
    ctx: &CheckContext<'_>,
    value: &Value,
    text: &str,
    (scheme, rest): (&str, &str),
    location: Location,
    out: &mut Emitter<'_, Message>,
) {
    let url_path = ["base_url"];
    let protocol_path = ["base_url_protocol"];
    let protocol = ctx
        .release
        .get(&protocol_path)
        .and_then(Value::scalar_string)
        .unwrap_or_default();
    let host = rest.trim_end_matches('/');
    let scheme = scheme.to_ascii_lowercase();
    let mut ops = vec![Op::SetScalar {
        path: path(&url_path),
        value: fix::ops::text(host),
    }];
    if (scheme == "http" || scheme == "https") && scheme != protocol {
        ops.push(Op::SetScalar {
            path: path(&protocol_path),
            value: fix::ops::text(scheme.clone()),
        });
    }
    let fix = (scheme == "http" || scheme == "https")
        .then(|| {
            ctx.fix_at(
                Some(value),
                if ops.len() > 1 {
                    format!("set `base_url: {host}` and `base_url_protocol: {scheme}`")
                } else {
                    format!("set `base_url: {host}`")
                },
                Applicability::Safe,
                ops,
            )
        })
        .flatten();
    out.emit(
        Message::Scheme {
            found: text.to_owned(),
            rendered: format!("{protocol}://{text}"),
            host: host.to_owned(),
            scheme,
        },
        location,
    )
    .with_fix(fix);
}

/// Reports the chart's placeholder.
fn placeholder(
    ctx: &CheckContext<'_>,
    value: &Value,
    text: &str,
    location: Location,
    out: &mut Emitter<'_, Message>,
) {
    let fix = fill_in(ctx, Some(value));
    out.emit(
        Message::Placeholder {
            found: text.to_owned(),
        },
        location,
    )
    .with_fix(fix);
}

/// Reports a port or a path in a `base_url` that is the Ingress host.
fn ingress_host(
    ctx: &CheckContext<'_>,
    value: &Value,
    text: &str,
    location: Location,
    out: &mut Emitter<'_, Message>,
) {
    let host = text.trim_end_matches('/');
    // a trailing `/` alone: removing it changes nothing else
    let fix = (!host.contains(['/', ':'])).then(|| {
        ctx.fix_at(
            Some(value),
            format!("set `base_url: {host}`"),
            Applicability::Safe,
            vec![Op::SetScalar {
                path: path(&["base_url"]),
                value: fix::ops::text(host),
            }],
        )
    });
    let what = if text.contains(':') {
        "a port"
    } else {
        "a path"
    };
    out.emit(
        Message::IngressHost {
            found: text.to_owned(),
            what: what.to_owned(),
        },
        location,
    )
    .with_fix(fix.flatten());
}
