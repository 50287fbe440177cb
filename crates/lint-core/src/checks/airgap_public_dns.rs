//! OC047 airgap-public-dns: the oncall chart deploys cert-manager (on by default) with
//! `podDnsPolicy: None` and only Google's and Cloudflare's public nameservers, a workaround
//! for DNS01 self-checks on the internet. In an air-gapped cluster those nameservers cannot
//! be reached, so cert-manager resolves no name at all. Also flags
//! `--dns01-recursive-nameservers` arguments that list only public nameservers.

use serde::Serialize;
use serde_json::json;

use super::{CheckContext, Emitter};
use crate::diagnostic::Applicability;
use crate::fix::build::{combined, merge_ops};
use crate::release::InputKind;
use crate::values::Value;

/// Public recursive resolvers (Google, Cloudflare, Quad9, OpenDNS).
const PUBLIC_RESOLVERS: [&str; 12] = [
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "1.0.0.1",
    "9.9.9.9",
    "149.112.112.112",
    "208.67.222.222",
    "208.67.220.220",
    "2001:4860:4860::8888",
    "2001:4860:4860::8844",
    "2606:4700:4700::1111",
    "2606:4700:4700::1001",
];

/// Whether a nameserver (`8.8.8.8`, `8.8.8.8:53`, `[2606:4700:4700::1111]:53`) is public.
fn public(server: &str) -> bool {
    let server = server.trim();
    let host = if let Some(rest) = server.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else if server.matches(':').count() == 1 {
        server.split(':').next().unwrap_or_default()
    } else {
        server
    };
    PUBLIC_RESOLVERS.contains(&host)
}

/// What OC047 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// cert-manager's `podDnsPolicy: None` with only public nameservers.
    PodDns {
        /// The nameservers, comma-separated.
        servers: String,
        /// Both are the oncall chart's defaults.
        default: bool,
    },
    /// `--dns01-recursive-nameservers` lists only public nameservers.
    Recursive {
        /// The nameservers, comma-separated.
        servers: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.air_gapped || ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    if !release
        .get(&["cert-manager", "enabled"])
        .is_some_and(Value::is_truthy)
    {
        return;
    }
    pod_dns(ctx, out);
    let args_key = ["cert-manager", "extraArgs"];
    let args = release
        .get(&args_key)
        .and_then(Value::as_seq)
        .unwrap_or_default();
    for (index, arg) in args.iter().enumerate() {
        let (Some(text), Some(site)) = (arg.as_str(), arg.site()) else {
            continue;
        };
        let Some(list) = text
            .trim()
            .strip_prefix("--dns01-recursive-nameservers=")
            .map(|l| l.trim_matches(['"', '\'']))
        else {
            continue;
        };
        let servers: Vec<&str> = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if servers.is_empty() || !servers.iter().all(|s| public(s)) {
            continue;
        }
        let key_path = release.key_path(&args_key).index(index);
        out.emit(
            Message::Recursive {
                servers: servers.join(", "),
            },
            release.site_location(site, key_path, false),
        );
    }
}

/// `podDnsPolicy: None` with only public nameservers.
fn pod_dns(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let policy_key = ["cert-manager", "podDnsPolicy"];
    let servers_key = ["cert-manager", "podDnsConfig", "nameservers"];
    let Some(policy) = release.get(&policy_key) else {
        return;
    };
    if policy.scalar_string().as_deref().map(str::trim) != Some("None") {
        return;
    }
    let servers_value = release.get(&servers_key);
    let servers: Vec<String> = servers_value
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::scalar_string)
        .collect();
    if servers.is_empty() || !servers.iter().all(|s| public(s)) {
        return;
    }
    let default = policy.site().is_none() && servers_value.is_none_or(|v| v.site().is_none());
    let location = match (policy.site(), servers_value.filter(|v| v.site().is_some())) {
        (_, Some(value)) => release.locate(value, &servers_key, true),
        (Some(_), None) => release.locate(policy, &policy_key, false),
        (None, None) => release.blame(&policy_key),
    };
    // the cluster's DNS, and no extra public nameservers appended to it
    let settings = vec![
        (policy_key.to_vec(), json!("ClusterFirst")),
        (
            vec!["cert-manager", "podDnsConfig"],
            serde_json::Value::Null,
        ),
    ];
    let fix = combined(
        ctx.release,
        "use the cluster's DNS for cert-manager (`podDnsPolicy: ClusterFirst`, `podDnsConfig: null`)"
            .to_owned(),
        Applicability::Unsafe,
        merge_ops(ctx.release, &settings),
    );
    out.emit(
        Message::PodDns {
            servers: servers.join(", "),
            default,
        },
        location,
    )
    .with_fix(fix);
}

#[cfg(test)]
mod tests {
    use super::public;

    #[test]
    fn public_resolvers_with_or_without_ports() {
        assert!(public("8.8.8.8"));
        assert!(public("1.1.1.1:53"));
        assert!(public("[2606:4700:4700::1111]:53"));
        assert!(public("2001:4860:4860::8888"));
        assert!(!public("10.96.0.10"));
        assert!(!public("dns.corp.example:53"));
    }
}
