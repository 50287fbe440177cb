//! URLs as the pods that use them read them: one small parser for the URLs the values
//! hold (the plugin's `onCallApiUrl` and `grafanaUrl`, `externalGrafana.url`, plugin
//! download URLs), which may lack a scheme.
//!
//! Written here rather than taken from the `url` crate: that crate refuses the scheme-less
//! `oncall-engine:8080` and normalises hosts and paths, while the rules must judge the
//! text exactly as written.

/// A URL taken apart the way the plugin's Go client would need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlParts {
    /// The scheme, lowercase, when there is one (`scheme://`).
    pub scheme: Option<String>,
    /// The host, lowercase, without a trailing `.`.
    pub host: String,
    /// The port as written, if any.
    pub port: Option<String>,
    /// Everything after the authority (path, query, fragment).
    pub rest: String,
}

/// Splits `[scheme://][user@]host[:port][/rest]`.
pub(crate) fn parse_url(text: &str) -> UrlParts {
    let (scheme, after) = match text.split_once("://") {
        Some((scheme, after)) => (Some(scheme.to_ascii_lowercase()), after),
        None => (None, text),
    };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((host, tail)) => (host, tail.strip_prefix(':')),
            None => (v6, None),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    UrlParts {
        scheme,
        host: host.trim_end_matches('.').to_ascii_lowercase(),
        port: port.map(str::to_owned),
        rest: rest.to_owned(),
    }
}

/// The lowercase scheme and host of an absolute URL (`scheme://[user@]host[:port]/...`);
/// `None` without a scheme, or with one that is not a URL scheme.
pub(crate) fn split_url(url: &str) -> Option<(String, String)> {
    let (scheme, _) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let parts = parse_url(url);
    Some((scheme.to_ascii_lowercase(), parts.host))
}

/// Whether a host names the pod itself.
pub(crate) fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "0.0.0.0"
        || host == "::1"
        || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_with_and_without_scheme() {
        let u = parse_url("http://prod-oncall-engine.oncall.svc:8080/x");
        assert_eq!(u.scheme.as_deref(), Some("http"));
        assert_eq!(u.host, "prod-oncall-engine.oncall.svc");
        assert_eq!(u.port.as_deref(), Some("8080"));
        assert_eq!(u.rest, "/x");
        let u = parse_url("oncall-engine:8080");
        assert_eq!(u.scheme, None);
        assert_eq!(u.host, "oncall-engine");
        assert_eq!(u.port.as_deref(), Some("8080"));
        let u = parse_url("http://[::1]:8080");
        assert_eq!(u.host, "::1");
        assert_eq!(u.port.as_deref(), Some("8080"));
    }

    #[test]
    fn absolute_urls_split_into_scheme_and_host() {
        assert_eq!(
            split_url("http://grafana:80/x"),
            Some(("http".into(), "grafana".into()))
        );
        assert_eq!(
            split_url("HTTPS://u:p@Grafana.Example.com"),
            Some(("https".into(), "grafana.example.com".into()))
        );
        assert_eq!(
            split_url("http://[::1]:3000"),
            Some(("http".into(), "::1".into()))
        );
        assert_eq!(split_url("grafana.monitoring:80"), None);
        assert_eq!(split_url("a b://host"), None);
    }
}
