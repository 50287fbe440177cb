//! Checks on every text a person gives the renderers (flags) and on the names derived from
//! the values: each is accepted only in a shape that cannot break or inject into YAML, a
//! shell script or a Helm template, and a rejection says what was expected.

use std::net::IpAddr;

/// Why an input was rejected: the flag (or value) it came from, the input as shown to a
/// person (control characters escaped, cut when long), and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {shown} {reason}")]
pub struct Invalid {
    /// The flag or key (`--release`, `grafana.fullnameOverride`).
    pub what: String,
    /// The input, printable.
    pub shown: String,
    /// What is wrong and what was expected.
    pub reason: String,
}

/// `Ok` when `ok`, else the rejection of `text` given as `what`, for `reason`.
fn require(ok: bool, what: &str, text: &str, reason: &str) -> Result<(), Invalid> {
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(what, text, reason))
    }
}

impl Invalid {
    /// A rejection of `value` given as `what`.
    pub fn new(what: impl Into<String>, value: &str, reason: impl Into<String>) -> Invalid {
        Invalid {
            what: what.into(),
            shown: shown(value),
            reason: reason.into(),
        }
    }
}

/// `value` for an error message: in backticks, control characters escaped, at most 80
/// characters.
pub fn shown(value: &str) -> String {
    let mut out = String::new();
    for (count, c) in value.chars().enumerate() {
        if count == 80 {
            out.push_str("...");
            break;
        }
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    format!("`{out}`")
}

fn is_label(text: &str, max: usize, first_letter: bool) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= max
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
        && (!first_letter || bytes[0].is_ascii_lowercase())
}

/// A DNS-1123 label (namespaces, most names): lowercase letters, digits and `-`, starting and
/// ending alphanumeric, at most `max` (≤ 63) characters.
pub fn dns_label(what: &str, text: &str, max: usize) -> Result<(), Invalid> {
    if is_label(text, max.min(63), false) {
        Ok(())
    } else {
        Err(Invalid::new(
            what,
            text,
            format!(
                "is not a DNS-1123 label: at most {} lowercase letters, digits and `-`, starting and ending with a letter or digit",
                max.min(63)
            ),
        ))
    }
}

/// A Service name (DNS-1035 label): like a DNS-1123 label, but starting with a letter.
pub fn service_name(what: &str, text: &str) -> Result<(), Invalid> {
    if is_label(text, 63, true) {
        Ok(())
    } else {
        Err(Invalid::new(
            what,
            text,
            "is not a valid Service name (a DNS-1035 label: at most 63 lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit), so Kubernetes would reject it",
        ))
    }
}

/// A DNS-1123 subdomain (Secret and ConfigMap names): dot-separated labels, at most 253.
pub fn dns_subdomain(what: &str, text: &str) -> Result<(), Invalid> {
    if text.len() <= 253 && text.split('.').all(|l| is_label(l, 63, false)) {
        Ok(())
    } else {
        Err(Invalid::new(
            what,
            text,
            "is not a DNS-1123 subdomain: lowercase letters, digits, `-` and `.`, at most 253 characters",
        ))
    }
}

/// A ConfigMap or Secret data key: letters, digits, `-`, `_` and `.`.
pub fn data_key(what: &str, text: &str) -> Result<(), Invalid> {
    if !text.is_empty()
        && text.len() <= 253
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        Ok(())
    } else {
        Err(Invalid::new(
            what,
            text,
            "is not a ConfigMap key: letters, digits, `-`, `_` and `.` only",
        ))
    }
}

/// A chart or plugin version: `X.Y.Z`, optionally `v`-prefixed, optionally with a
/// `-prerelease` or `+build` of letters, digits, `.` and `-`.
pub fn version(what: &str, text: &str) -> Result<(), Invalid> {
    let core = text.strip_prefix('v').unwrap_or(text);
    let (numbers, suffix) = match core.find(['-', '+']) {
        Some(i) => (&core[..i], &core[i + 1..]),
        None => (core, ""),
    };
    let parts: Vec<&str> = numbers.split('.').collect();
    let ok = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
        && (core.len() == numbers.len()
            || (!suffix.is_empty()
                && suffix.len() <= 64
                && suffix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))));
    require(ok, what, text, "is not a version (expected e.g. 1.16.9)")
}

fn is_registry_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok
        && !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn is_path_component(part: &str) -> bool {
    // OCI distribution: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
    let bytes = part.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes.iter().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

/// A registry to mirror into: `host[:port][/path...]`, lowercase, no scheme.
pub fn registry(what: &str, text: &str) -> Result<(), Invalid> {
    let mut parts = text.split('/');
    let host = parts.next().unwrap_or_default();
    let ok = text.len() <= 255 && is_registry_host(host) && parts.all(is_path_component);
    require(
        ok,
        what,
        text,
        "is not a registry: expected `host[:port][/path]` in lowercase, without a scheme (e.g. harbor.example.com/mirror)",
    )
}

/// An image or artifact reference: `registry/path[:tag][@sha256:digest]`.
pub fn image_ref(what: &str, text: &str) -> Result<(), Invalid> {
    let (name_tag, digest) = match text.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (text, None),
    };
    let digest_ok = digest.is_none_or(|d| {
        d.strip_prefix("sha256:").is_some_and(|hex| {
            hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        })
    });
    // a tag follows the last `:` after the last `/`
    let last_slash = name_tag.rfind('/').unwrap_or(0);
    let (name, tag) = match name_tag[last_slash..].rfind(':') {
        Some(i) => (
            &name_tag[..last_slash + i],
            Some(&name_tag[last_slash + i + 1..]),
        ),
        None => (name_tag, None),
    };
    let tag_ok = tag.is_none_or(|t| {
        !t.is_empty()
            && t.len() <= 128
            && (t.as_bytes()[0].is_ascii_alphanumeric() || t.starts_with('_'))
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    });
    let mut parts = name.split('/');
    let host = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let ok = text.len() <= 512
        && digest_ok
        && tag_ok
        && is_registry_host(host)
        && !rest.is_empty()
        && rest.iter().all(|p| is_path_component(p));
    require(
        ok,
        what,
        text,
        "is not an image reference: expected `registry/path[:tag][@sha256:digest]` (e.g. harbor.example.com/grafana/grafana-oncall-app:1.16.9)",
    )
}

/// An `http(s)://host[:port][/path]` URL with a conservative character set: no user
/// info, query or fragment, no `$` (Grafana would expand it in provisioning), no `{`.
pub fn http_url(what: &str, text: &str) -> Result<(), Invalid> {
    let fail = |reason: &str| Err(Invalid::new(what, text, reason.to_owned()));
    let Some((scheme, rest)) = text.split_once("://") else {
        return fail(
            "is not an http(s) URL (expected e.g. http://grafana.monitoring.svc/grafana/)",
        );
    };
    if scheme != "http" && scheme != "https" {
        return fail(
            "is not an http(s) URL (expected e.g. http://grafana.monitoring.svc/grafana/)",
        );
    }
    if text.len() > 2048 {
        return fail("is too long for a URL");
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((addr, after)) if addr.parse::<std::net::Ipv6Addr>().is_ok() => {
                (addr, after.strip_prefix(':'))
            }
            _ => return fail("has an invalid IPv6 host"),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let host_ok = authority.starts_with('[')
        || (!host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }));
    if !host_ok {
        return fail("has an invalid host (letters, digits, `-` and `.`; no user info)");
    }
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return fail("has an invalid port");
    }
    if !path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~' | b'%'))
    {
        return fail(
            "has characters outside letters, digits and `/-._~%` in its path (no query, fragment, `$` or `{`)",
        );
    }
    Ok(())
}

/// A CIDR (`10.0.0.0/8`, `fd00::/8`, or a bare address, which becomes /32 or /128).
pub fn cidr(what: &str, text: &str) -> Result<String, Invalid> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let parsed = addr.parse::<IpAddr>().ok();
    let max = match parsed {
        Some(IpAddr::V4(_)) => 32,
        Some(IpAddr::V6(_)) => 128,
        None => {
            return Err(Invalid::new(
                what,
                text,
                "is not a CIDR (expected e.g. 10.0.0.0/8 or 169.254.20.10/32)",
            ));
        }
    };
    let prefix = match prefix {
        None => max,
        Some(p) => match p.parse::<u8>() {
            Ok(n) if n <= max && p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return Err(Invalid::new(
                    what,
                    text,
                    format!("has an invalid prefix length (0 to {max})"),
                ));
            }
        },
    };
    Ok(format!("{addr}/{prefix}"))
}

/// A Kubernetes label value for selectors: at most 63 of letters, digits, `-`, `_`, `.`,
/// starting and ending alphanumeric.
pub fn label_value(what: &str, text: &str) -> Result<(), Invalid> {
    let b = text.as_bytes();
    let ok = !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
    require(
        ok,
        what,
        text,
        "is not a valid label value (at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: [&str; 9] = [
        "a\"b",
        "a'b",
        "a:b",
        "a\nb",
        "{{ .Release.Name }}",
        "a # b",
        "$(id)",
        "",
        "-x",
    ];

    #[test]
    fn names_accept_labels_and_reject_hostile_text() {
        for good in ["oncall", "helm-testing", "my-oncall", "a", "1abc"] {
            dns_label("--release", good, 53).unwrap();
        }
        for bad in HOSTILE
            .iter()
            .chain(&["Oncall", "a.b", "x-", &"a".repeat(54)])
        {
            assert!(dns_label("--release", bad, 53).is_err(), "{bad:?}");
        }
        assert!(service_name("s", "1abc-engine").is_err());
        service_name("s", "oncall-engine").unwrap();
        dns_subdomain("--pull-secret", "regcred.v1").unwrap();
        assert!(dns_subdomain("--pull-secret", "a..b").is_err());
    }

    #[test]
    fn registries_images_versions_urls_and_cidrs() {
        for good in [
            "harbor.example.com",
            "harbor.example.com:5000/mirror",
            "localhost:5000",
            "r/a/b",
        ] {
            registry("--registry", good).unwrap();
        }
        for bad in HOSTILE
            .iter()
            .chain(&["https://harbor", "Harbor.io", "h/", "h//x", "h:port"])
        {
            assert!(registry("--registry", bad).is_err(), "{bad:?}");
        }
        for good in [
            "harbor.example.com/grafana/grafana-oncall-app:1.16.9",
            "localhost:5000/oras:v1.2.2",
            &format!("r.io/x/y@sha256:{}", "a".repeat(64)),
        ] {
            image_ref("--oras-image", good).unwrap();
        }
        for bad in HOSTILE
            .iter()
            .chain(&["oras", "r.io/x:", "r.io/x:a b", "r.io/X"])
        {
            assert!(image_ref("--oras-image", bad).is_err(), "{bad:?}");
        }
        for good in ["1.16.9", "v1.9.26", "1.16.9-airgap.1"] {
            version("--plugin-version", good).unwrap();
        }
        for bad in HOSTILE
            .iter()
            .chain(&["1.16", "latest", "1.16.9-", "1.16.9 x"])
        {
            assert!(version("--plugin-version", bad).is_err(), "{bad:?}");
        }
        for good in [
            "http://g.monitoring.svc/grafana/",
            "https://grafana.example.com",
            "http://[::1]:3000/",
        ] {
            http_url("--grafana-url", good).unwrap();
        }
        for bad in HOSTILE.iter().chain(&[
            "ftp://x",
            "http://u:p@x/",
            "http://x/?a=b",
            "http://x/#f",
            "http://x/$VAR",
            "http://x/{{a}}",
            "http://x:99999999/",
        ]) {
            assert!(http_url("--grafana-url", bad).is_err(), "{bad:?}");
        }
        assert_eq!(cidr("c", "10.0.0.1").unwrap(), "10.0.0.1/32");
        assert_eq!(cidr("c", "fd00::/8").unwrap(), "fd00::/8");
        assert!(cidr("c", "10.0.0.0/33").is_err());
        assert!(cidr("c", "10.0.0.0/+8").is_err());
    }

    #[test]
    fn errors_show_the_input_printably() {
        let err = dns_label("--release", "a\nb\u{1b}", 53).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("--release `a\\nb\\u{1b}` is not"),
            "{text}"
        );
        assert!(!text.contains('\n'));
        assert!(shown(&"x".repeat(200)).ends_with("...`"));
    }
}
