//! OC048 inline-secret: passwords, tokens and secrets written as literal values in the values
//! file (database and broker passwords, the bundled subcharts' `auth`, Slack/Telegram/Twilio
//! credentials, Grafana's admin password, secret-named env entries, `grafana.ini` secrets,
//! the plugin's provisioned `secureJsonData`) where a Secret reference would keep them out of
//! the file. Grafana chart 8.x refuses to render some `grafana.ini` secrets written inline
//! (`assertNoLeakedSecrets`); those are errors.
//!
//! Messages name the key, never the value.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::path::KeyPath;
use crate::redact::is_secret_key;
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// Keys that hold a secret, and where the chart reads it from a Secret instead (`""` when
/// the chart has no such option).
const KEYS: [(&[&str], &str); 19] = [
    (
        &["externalMysql", "password"],
        "`externalMysql.existingSecret` (and `passwordKey`)",
    ),
    (
        &["externalPostgresql", "password"],
        "`externalPostgresql.existingSecret` (and `passwordKey`)",
    ),
    (
        &["externalRabbitmq", "password"],
        "`externalRabbitmq.existingSecret` (and `passwordKey`)",
    ),
    (
        &["externalRedis", "password"],
        "`externalRedis.existingSecret` (and `passwordKey`)",
    ),
    (
        &["mariadb", "auth", "rootPassword"],
        "`mariadb.auth.existingSecret`",
    ),
    (
        &["mariadb", "auth", "password"],
        "`mariadb.auth.existingSecret`",
    ),
    (
        &["mariadb", "auth", "replicationPassword"],
        "`mariadb.auth.existingSecret`",
    ),
    (
        &["postgresql", "auth", "postgresPassword"],
        "`postgresql.auth.existingSecret`",
    ),
    (
        &["postgresql", "auth", "password"],
        "`postgresql.auth.existingSecret`",
    ),
    (
        &["rabbitmq", "auth", "password"],
        "`rabbitmq.auth.existingPasswordSecret`",
    ),
    (
        &["rabbitmq", "auth", "erlangCookie"],
        "`rabbitmq.auth.existingErlangSecret`",
    ),
    (
        &["redis", "auth", "password"],
        "`redis.auth.existingSecret` (and `existingSecretPasswordKey`)",
    ),
    (
        &["oncall", "slack", "clientSecret"],
        "`oncall.slack.existingSecret` (and `clientSecretKey`)",
    ),
    (
        &["oncall", "slack", "signingSecret"],
        "`oncall.slack.existingSecret` (and `signingSecretKey`)",
    ),
    (
        &["oncall", "telegram", "token"],
        "`oncall.telegram.existingSecret` (and `tokenKey`)",
    ),
    (
        &["oncall", "twilio", "authToken"],
        "`oncall.twilio.existingSecret` (and `authTokenKey`)",
    ),
    (
        &["oncall", "twilio", "apiKeySecret"],
        "`oncall.twilio.existingSecret` (and `apiKeySecretKey`)",
    ),
    (&["oncall", "smtp", "password"], ""),
    (&["oncall", "exporter", "authToken"], ""),
];

/// The `grafana.ini` settings grafana chart 8.x refuses to render as literals
/// (`grafana.assertNoLeakedSecrets` in its `_helpers.tpl`).
const ASSERTED: [(&str, &str); 20] = [
    ("database", "password"),
    ("smtp", "password"),
    ("security", "secret_key"),
    ("security", "admin_password"),
    ("auth.basic", "password"),
    ("auth.ldap", "bind_password"),
    ("auth.google", "client_secret"),
    ("auth.github", "client_secret"),
    ("auth.gitlab", "client_secret"),
    ("auth.generic_oauth", "client_secret"),
    ("auth.okta", "client_secret"),
    ("auth.azuread", "client_secret"),
    ("auth.grafana_com", "client_secret"),
    ("auth.grafananet", "client_secret"),
    ("azure", "user_identity_client_secret"),
    ("unified_alerting", "ha_redis_password"),
    ("metrics", "basic_auth_password"),
    ("external_image_storage.s3", "secret_key"),
    ("external_image_storage.webdav", "password"),
    ("external_image_storage.azure_blob", "account_key"),
];

/// The expansion the grafana chart's assertion accepts: `${VAR}`, `$__env{..}`,
/// `$__file{..}`, `$__vault{..}`, anywhere in the value.
fn asserted_expansion() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\$(?:__(?:env|file|vault))?\{[^}]+\}").ok())
        .as_ref()
}

/// Whether a string is replaced before use: a Helm template, a `${VAR}` or `$VAR`
/// reference, or a Grafana `$__env{}`/`$__file{}`/`$__vault{}` expansion.
fn is_reference(text: &str) -> bool {
    let t = text.trim();
    t.contains("{{")
        || t.contains("${")
        || t.contains("$__")
        || t.strip_prefix('$')
            .and_then(|r| r.chars().next())
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

/// Whether a value the user wrote is a literal secret (a non-empty string that is not a
/// reference, or a number).
fn literal(value: &Value) -> bool {
    if value.site().is_none() {
        return false;
    }
    match &value.kind {
        Kind::Str(s) => !s.trim().is_empty() && !is_reference(s),
        Kind::Int(_) | Kind::Float(_) => true,
        _ => false,
    }
}

/// Whether a setting's name says it holds a secret. A name that ends in `url` or `uri`
/// holds an address (`token_url`, `GF_AUTH_GENERIC_OAUTH_TOKEN_URL`), not the secret itself;
/// a password inside a URL is masked in reports but is not what this rule reports.
fn holds_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_secret_key(name) && !lower.ends_with("url") && !lower.ends_with("uri")
}

/// What a key holds, for messages.
fn what(key: &str) -> &'static str {
    let k = key.to_ascii_lowercase();
    if k.contains("token") {
        "token"
    } else if k.contains("password") || k.contains("passwd") {
        "password"
    } else if k.contains("cookie") {
        "cookie"
    } else if k.contains("key") && !k.contains("secret") {
        "key"
    } else {
        "secret"
    }
}

/// What OC048 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A secret key of the chart with a literal value.
    Inline {
        /// The key.
        key: String,
        /// What it holds (`password`, `token`, ...).
        what: String,
        /// The key that reads it from a Secret instead, empty when the chart has none.
        alt: String,
    },
    /// A secret-named env entry with a literal value.
    Env {
        /// The env key (`env`, `grafana.env`).
        key: String,
        /// The variable's name.
        name: String,
        /// What it holds.
        what: String,
        /// How to read it from a Secret instead.
        alt: String,
    },
    /// A secret `grafana.ini` setting with a literal value.
    Ini {
        /// The setting's full key.
        key: String,
        /// What it holds.
        what: String,
    },
    /// A `grafana.ini` setting the grafana chart refuses to render as a literal.
    IniBlocked {
        /// The setting's full key.
        key: String,
        /// The grafana chart's version.
        chart: String,
        /// The setting, as `section.name`.
        setting: String,
    },
    /// A literal in the plugin provisioning's `secureJsonData`.
    Provisioning {
        /// The `secureJsonData` key.
        name: String,
        /// What it holds.
        what: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    if ctx.release.kind == InputKind::OncallValues {
        for (keys, alt) in KEYS {
            let Some(value) = release.get(keys).filter(|v| literal(v)) else {
                continue;
            };
            let Some(site) = value.site() else { continue };
            let last = keys.last().copied().unwrap_or_default();
            let location = release.site_location(site, release.key_path(keys), true);
            out.emit(
                Message::Inline {
                    key: keys.join("."),
                    what: what(last).to_owned(),
                    alt: alt.to_owned(),
                },
                location,
            );
        }
        env_entries(ctx, out, &["env"], "oncall");
    }
    if ctx.grafana().deployed() {
        let admin = ["grafana", "adminPassword"];
        if let Some(value) = release.get(&admin).filter(|v| literal(v))
            && let Some(site) = value.site()
        {
            out.emit(
                Message::Inline {
                    key: admin.join("."),
                    what: "password".to_owned(),
                    alt: format!(
                        "`{}` (and `passwordKey`)",
                        ctx.grafana().key_name("admin.existingSecret")
                    ),
                },
                release.site_location(site, release.key_path(&admin), true),
            );
        }
        env_entries(ctx, out, &["grafana", "env"], "grafana");
        ini(ctx, out);
    }
    for app in ctx.provisioning {
        let Some(secure) = app.value.get(&["secureJsonData"]).and_then(Value::as_map) else {
            continue;
        };
        for (name, value) in secure {
            if !literal(value) {
                continue;
            }
            let Some(site) = value.site() else { continue };
            let key_path = app.key_path.extend(&["secureJsonData", name]);
            out.emit(
                Message::Provisioning {
                    name: name.clone(),
                    what: what(name).to_owned(),
                },
                release.site_location(site, key_path, true),
            );
        }
    }
}

/// Secret-named entries with literal values in an env map (`{NAME: value}`) or, for the
/// oncall chart, the list form (`[{name, value}]`).
fn env_entries(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>, keys: &[&str], chart: &str) {
    let release = ctx.release;
    let Some(env) = release.get(keys) else { return };
    let alt = if chart == "grafana" {
        format!(
            "`{}` (a `secretKeyRef`) or `{}`",
            ctx.grafana().key_name("envValueFrom"),
            ctx.grafana().key_name("envFromSecret")
        )
    } else {
        "the list form of `env` with `valueFrom.secretKeyRef`".to_owned()
    };
    let key = keys.join(".");
    let mut report = |name: &str, value: &Value, key_path: KeyPath| {
        if !holds_secret(name) || !literal(value) {
            return;
        }
        let Some(site) = value.site() else { return };
        out.emit(
            Message::Env {
                key: key.clone(),
                name: name.to_owned(),
                what: what(name).to_owned(),
                alt: alt.clone(),
            },
            release.site_location(site, key_path, true),
        );
    };
    match &env.kind {
        Kind::Map(map) => {
            for (name, value) in map.iter() {
                report(name, value, release.key_path(keys).key(name));
            }
        }
        // the grafana chart reads only a map (a list is OC051's finding)
        Kind::Seq(items) if chart == "oncall" => {
            for (index, item) in items.iter().enumerate() {
                let (Some(name), Some(value)) = (
                    item.get(&["name"]).and_then(Value::scalar_string),
                    item.get(&["value"]),
                ) else {
                    continue;
                };
                report(
                    &name,
                    value,
                    release.key_path(keys).index(index).key("value"),
                );
            }
        }
        _ => {}
    }
}

/// Secret settings written as literals in `grafana.ini`.
fn ini(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let ini_keys = ["grafana", "grafana.ini"];
    let Some(sections) = release.get(&ini_keys).and_then(Value::as_map) else {
        return;
    };
    // grafana chart 8.x fails the render on these (6.57.1 has no such check)
    let asserts = !release.grafana_chart().starts_with("6.")
        && release
            .get(&["grafana", "assertNoLeakedSecrets"])
            .is_some_and(Value::is_truthy);
    for (section, settings) in sections {
        let Some(settings) = settings.as_map() else {
            continue;
        };
        for (name, value) in settings {
            let asserted = ASSERTED.contains(&(section.as_str(), name.as_str()));
            if !asserted && !holds_secret(name) {
                continue;
            }
            let Some(site) = value.site() else { continue };
            let key_path = release.key_path(&ini_keys).key(section).key(name);
            let key = format!("grafana.\"grafana.ini\".{section}.{name}");
            let blocked = asserts
                && asserted
                && match &value.kind {
                    Kind::Str(s) => !asserted_expansion().is_some_and(|re| re.is_match(s)),
                    Kind::Int(_) | Kind::Float(_) => true,
                    _ => false,
                };
            if blocked {
                out.emit(
                    Message::IniBlocked {
                        key,
                        chart: release.grafana_chart().to_owned(),
                        setting: format!("{section}.{name}"),
                    },
                    release.site_location(site, key_path, true),
                );
            } else if literal(value) {
                out.emit(
                    Message::Ini {
                        key,
                        what: what(name).to_owned(),
                    },
                    release.site_location(site, key_path, true),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_not_literals() {
        for r in [
            "$__file{/etc/secrets/pw}",
            "$__env{DB_PW}",
            "${DB_PW}",
            "$DB_PW",
            "{{ .Values.x }}",
        ] {
            assert!(is_reference(r), "{r}");
        }
        for l in ["hunter2", "p$ss", "$", "$1abc"] {
            assert!(!is_reference(l), "{l}");
        }
    }

    #[test]
    fn the_assertion_accepts_what_the_chart_accepts() {
        let re = asserted_expansion().expect("regex");
        assert!(re.is_match("$__file{/x}"));
        assert!(re.is_match("${PW}"));
        assert!(!re.is_match("$PW"));
        assert!(!re.is_match("hunter2"));
    }

    #[test]
    fn addresses_are_not_secrets() {
        for name in [
            "token_url",
            "GF_AUTH_GENERIC_OAUTH_TOKEN_URL",
            "api_url_token_uri",
        ] {
            assert!(!holds_secret(name), "{name}");
        }
        for name in ["client_secret", "GF_SECURITY_ADMIN_PASSWORD", "token"] {
            assert!(holds_secret(name), "{name}");
        }
    }
}
