//! `render networkpolicy`: a NetworkPolicy for the bundled Grafana's pod that allows DNS,
//! the OnCall engine and Grafana's own database (when it has one), and denies every other
//! egress, the internet included.
//!
//! A release whose Grafana still downloads plugins when it starts (the chart's default
//! `grafana.plugins`, `GF_INSTALL_PLUGINS`, a synchronous preinstall: the model's
//! [`plugin_downloads`](crate::model::plugin_downloads)) would crash-loop behind such a
//! policy, so it is refused unless `--allow-plugin-download` asks for HTTPS egress.

use serde_json::json;

use super::overlay::{list, parse_values, render_template};
use super::target::{RenderError, Rendered, Target, key_name};
use super::validate;
use crate::model::plugin_downloads::{self, Download};
use crate::release::Release;
use crate::values::Value;

/// Options of `render networkpolicy`.
#[derive(Debug, Clone, Default)]
pub struct NetworkPolicyArgs {
    /// More destinations to allow (a node-local DNS cache, a registry, a data source).
    pub allow_cidrs: Vec<String>,
    /// Let Grafana download plugins at start: HTTPS (TCP 443) to any address, or only to
    /// `allow_cidrs` when there are some. Without it, a release that downloads plugins at
    /// start is refused.
    pub allow_plugin_download: bool,
}

/// Grafana's database, from `grafana.ini` `[database]` or its `GF_DATABASE_*` env.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Database {
    kind: String,
    host: String,
    port: u16,
    cidr: Option<String>,
}

fn database(values: &Value) -> Option<Database> {
    let env = |name: &str| {
        values
            .get(&["grafana", "env", name])
            .and_then(Value::scalar_string)
            .filter(|s| !s.trim().is_empty())
    };
    let ini = |key: &str| {
        values
            .get(&["grafana", "grafana.ini", "database", key])
            .and_then(Value::scalar_string)
            .filter(|s| !s.trim().is_empty())
    };
    // `url` (mysql://user:pass@host:port/db) carries both
    let url = env("GF_DATABASE_URL").or_else(|| ini("url"));
    let (url_kind, url_host) = match url.as_deref().and_then(|u| u.split_once("://")) {
        Some((scheme, rest)) => {
            let authority = rest.split('/').next().unwrap_or_default();
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            (Some(scheme.to_owned()), Some(host.to_owned()))
        }
        None => (None, None),
    };
    let kind = env("GF_DATABASE_TYPE")
        .or_else(|| ini("type"))
        .or(url_kind)?
        .to_ascii_lowercase();
    let default_port = match kind.as_str() {
        "mysql" => 3306,
        "postgres" | "postgresql" => 5432,
        _ => return None,
    };
    let host = env("GF_DATABASE_HOST")
        .or_else(|| ini("host"))
        .or(url_host)
        .unwrap_or_else(|| "127.0.0.1".into());
    let (name, port) = if let Some(v6) = host.strip_prefix('[') {
        let (addr, rest) = v6.split_once(']').unwrap_or((v6, ""));
        (
            addr.to_owned(),
            rest.strip_prefix(':').and_then(|p| p.parse().ok()),
        )
    } else {
        match host.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => (h.to_owned(), p.parse().ok()),
            _ => (host.clone(), None),
        }
    };
    let cidr = name.parse::<std::net::IpAddr>().ok().map(|ip| {
        if ip.is_ipv4() {
            format!("{ip}/32")
        } else {
            format!("{ip}/128")
        }
    });
    Some(Database {
        kind,
        host: name,
        port: port.unwrap_or(default_port),
        cidr,
    })
}

impl Database {
    /// Whether the database is on localhost (a sidecar), where no egress rule is needed.
    fn local(&self) -> bool {
        self.cidr
            .as_deref()
            .is_some_and(|c| c.starts_with("127.") || c == "::1/128")
    }
}

/// Renders the NetworkPolicy.
pub fn render(release: &Release, args: &NetworkPolicyArgs) -> Result<Rendered, RenderError> {
    let target = Target::new(release)?;
    target.require_bundled(
        "networkpolicy",
        "the policy selects the bundled Grafana's pod by the grafana chart's labels; write one for your Grafana's own pod",
    )?;
    let mut notes = target.notes.clone();
    let values = &release.values;
    let mut cidrs = Vec::new();
    for cidr in &args.allow_cidrs {
        cidrs.push(validate::cidr("--allow-cidr", cidr)?);
    }
    let https_anywhere = plugin_download(release, args, &mut notes)?;
    let database = database(values);
    if let Some(db) = &database {
        database_notes(db, &mut notes);
    }
    pod_notes(values, &target.values_root, &mut notes);
    let name = format!("{}-egress", target.grafana_service);
    validate::dns_subdomain("the NetworkPolicy name", &name)?;
    let text = policy_text(&target, &name, database.as_ref(), &cidrs, https_anywhere)?;
    Ok(Rendered {
        text,
        overlay: None,
        notes,
    })
}

/// What the policy does about plugins Grafana downloads at start: refuses when a failed
/// download stops Grafana and `--allow-plugin-download` is not given; with it, whether
/// HTTPS to any address is allowed (`true`), or only to the `--allow-cidr` ranges.
fn plugin_download(
    release: &Release,
    args: &NetworkPolicyArgs,
    notes: &mut Vec<String>,
) -> Result<bool, RenderError> {
    let downloads = plugin_downloads::at_start(release);
    let (blocking, background): (Vec<Download>, Vec<Download>) =
        downloads.into_iter().partition(|d| d.blocks_start);
    if !background.is_empty() {
        notes.push(format!(
            "{} makes Grafana download plugins in the background at start: the policy blocks it and Grafana logs the failure; set grafana.ini plugins.preinstall_disabled: true to stop it",
            describe(&background),
        ));
    }
    if blocking.is_empty() {
        if args.allow_plugin_download {
            notes.push("--allow-plugin-download: nothing in these values downloads plugins at start, so no rule is added".into());
        }
        return Ok(false);
    }
    let what = describe(&blocking);
    if !args.allow_plugin_download {
        return Err(RenderError::Unsupported(format!(
            "{what} makes Grafana download plugins from the internet when it starts, and this policy denies the internet: Grafana would crash-loop. \
             Install the plugin without a download (`oncall-lint render airgap --registry REGISTRY` with the same flags, one more -f after your files, then render the policy over both), \
             or pass --allow-plugin-download to allow HTTPS (TCP 443) to any address, or --allow-plugin-download with --allow-cidr giving the addresses of grafana.com and its CDN"
        )));
    }
    if args.allow_cidrs.is_empty() {
        notes.push(format!(
            "--allow-plugin-download: HTTPS (TCP 443) to any address is allowed for the download at start ({what}); Grafana can reach any HTTPS server"
        ));
        Ok(true)
    } else {
        notes.push(format!(
            "--allow-plugin-download: the download at start ({what}) may reach only the --allow-cidr ranges; they must hold grafana.com's addresses and its CDN's, or Grafana crash-loops"
        ));
        Ok(false)
    }
}

/// The downloads, as a message names them: `` `grafana.plugins` ([grafana-oncall-app]) ``,
/// secrets masked (a download URL may carry credentials).
fn describe(downloads: &[Download]) -> String {
    downloads
        .iter()
        .map(|d| {
            let found = super::templates::comment_text(&crate::redact::mask_message(&d.found));
            let default = if d.written { "" } else { ", a default" };
            format!(
                "`{}` ({found}{default})",
                super::templates::comment_text(&d.key)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Notes on how the policy treats Grafana's database: allowed to pods in the cluster
/// when its host is a name, not needed on localhost.
fn database_notes(db: &Database, notes: &mut Vec<String>) {
    if db.cidr.is_none() {
        notes.push(format!(
            "Grafana's database ({} at {}) is allowed on port {} to pods in the cluster; if it runs outside the cluster, add its address with --allow-cidr",
            db.kind,
            super::templates::comment_text(&db.host),
            db.port
        ));
    }
    if db.local() {
        notes.push(
            "Grafana's database is on localhost (a sidecar): no egress rule is needed for it"
                .into(),
        );
    }
}

/// Notes on the other containers of Grafana's pod the policy restricts: the init
/// containers, and the sidecars that watch the Kubernetes API.
fn pod_notes(values: &Value, root: &[String], notes: &mut Vec<String>) {
    let init: Vec<String> = list(values, &["grafana", "extraInitContainers"])
        .iter()
        .filter_map(|c| c.get(&["name"]).and_then(Value::as_str).map(str::to_owned))
        .collect();
    if !init.is_empty() {
        notes.push(format!(
            "the init containers of `{}` ({}) run under this policy too: allow what they reach (such as the registry an air-gapped install pulls the plugin from) with --allow-cidr",
            key_name(root, &["grafana", "extraInitContainers"]),
            init.iter().map(|n| super::templates::comment_text(n)).collect::<Vec<_>>().join(", ")
        ));
    }
    let sidecars = [
        "dashboards",
        "datasources",
        "plugins",
        "notifiers",
        "alerts",
    ]
    .iter()
    .any(|s| {
        values
            .get(&["grafana", "sidecar", s, "enabled"])
            .is_some_and(Value::is_truthy)
    });
    if sidecars {
        notes.push(
            "a grafana sidecar is enabled and watches the Kubernetes API, which is not a pod: allow the API server's address with --allow-cidr".into(),
        );
    }
}

/// The policy `name`, rendered and checked: the database gets a rule unless it is local.
fn policy_text(
    target: &Target,
    name: &str,
    database: Option<&Database>,
    cidrs: &[String],
    https_anywhere: bool,
) -> Result<String, RenderError> {
    let database_json = database.filter(|db| !db.local()).map(|db| {
        json!({
            "type": db.kind,
            "host": db.host,
            "port": db.port,
            "cidr": db.cidr,
        })
    });
    let text = render_template(
        "networkpolicy",
        &json!({
            "name": name,
            "release": target.release,
            "namespace": target.namespace,
            "grafana_namespace": target.grafana_namespace,
            "grafana_name": target.grafana_name,
            "oncall_name": target.oncall_name,
            "engine_service": target.engine_service,
            "database": database_json,
            "cidrs": cidrs,
            "https_anywhere": https_anywhere,
        }),
    )?;
    parse_values("networkpolicy", &text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(json: serde_json::Value) -> Value {
        Value::from_json(
            &json,
            &crate::values::Origin::Default {
                chart: "t",
                version: "0",
            },
        )
    }

    #[test]
    fn the_database_comes_from_ini_env_or_url() {
        assert_eq!(database(&values(json!({"grafana": {}}))), None);
        let db = database(&values(json!({"grafana": {"grafana.ini": {"database": {"type": "mysql", "host": "db.data:3307"}}}}))).unwrap();
        assert_eq!(
            (db.host.as_str(), db.port, db.cidr),
            ("db.data", 3307, None)
        );
        let db = database(&values(json!({"grafana": {"env": {"GF_DATABASE_URL": "postgres://u:secret@10.1.2.3/grafana"}}}))).unwrap();
        assert_eq!(
            (db.host.as_str(), db.port, db.cidr.as_deref()),
            ("10.1.2.3", 5432, Some("10.1.2.3/32"))
        );
        assert_eq!(
            database(&values(
                json!({"grafana": {"grafana.ini": {"database": {"type": "sqlite3"}}}})
            )),
            None
        );
    }
}
