//! Which key names hold a secret, and which merely name one. One judgement for every place
//! that masks a value by its key: the YAML scan, the line scan of text that does not parse,
//! `--set` arguments, URL query parameters and `render values`.
//!
//! A key is judged by its words (`DB_PASSWORD`, `dbPassword` and `db-password` are the same
//! two words) and by its letters run together (`apiKey`, `api_key`). Hand-written: the test
//! is a few word lists, and every key of every file comes here, so it stays on the stack for
//! ordinary keys.

/// Words that, anywhere in a key (its letters and digits run together, lowercased), make it
/// name a credential.
pub(super) const SECRET_WORDS: [&str; 14] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "cipher",
    "accesskey",
    "erlangcookie",
    "signingkey",
    "bearer",
    "connectionstring",
    "encryptionkey",
];

/// Last words that make a key name a credential (`SMTP_PASS`, `pwd`, `SENTRY_DSN`).
const SECRET_LAST_WORDS: [&str; 5] = ["pass", "pwd", "dsn", "bearer", "cookie"];

/// Words before a last word `key` that make it a credential (`signing_key`, `LICENSE_KEY`,
/// `masterKey`); an upper-case env name ending in `_KEY` is one too.
const KEY_QUALIFIERS: [&str; 14] = [
    "signing",
    "encryption",
    "master",
    "license",
    "api",
    "access",
    "private",
    "secret",
    "client",
    "auth",
    "hmac",
    "session",
    "shared",
    "jwt",
];

/// Endings (letters run together) of keys that hold the *name* of a secret or a setting
/// about one, never the secret itself: `existingSecret`, `secretName`, `secretKeyRef`,
/// `passwordKey` (the key inside a Secret), `token_url`, `tokenExpiry`.
const NAME_ENDINGS: [&str; 27] = [
    "fromsecret",
    "name",
    "names",
    "ref",
    "existingsecret",
    "enabled",
    "enable",
    "file",
    "path",
    "secretkeyref",
    "url",
    "uri",
    "passwordkey",
    "passwdkey",
    "tokenkey",
    "credentialkey",
    "credentialskey",
    "cookiekey",
    "ivkey",
    "passkey",
    "type",
    "length",
    "policy",
    "expiry",
    "ttl",
    "header",
    "mode",
];

/// Whether a key names a secret (and not merely the name of one, such as `existingSecret`
/// or `passwordKey`).
pub fn is_secret_key(key: &str) -> bool {
    with_letters(key, |k| judge(key, k))
}

/// Whether a key holds the name of a secret or a setting about one (`existingSecret`,
/// `passwordKey`, `secretName`: its value is shown even under a key that holds secrets),
/// and else whether it holds a secret ([`is_secret_key`]); the key's letters gathered once,
/// as every key of every file comes here.
pub(super) fn names_or_is_secret(key: &str) -> (bool, bool) {
    with_letters(key, |k| {
        let names = names_by_letters(k);
        (names, !names && judge(key, k))
    })
}

/// Calls `f` with the key's letters and digits, lowercased: on the stack for any ordinary
/// key, in a vector for a longer one.
fn with_letters<R>(key: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    let mut buffer = [0u8; 96];
    let mut len = 0;
    for b in key.bytes().filter(u8::is_ascii_alphanumeric) {
        match buffer.get_mut(len) {
            Some(slot) => *slot = b.to_ascii_lowercase(),
            None => {
                let long: Vec<u8> = key
                    .bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|b| b.to_ascii_lowercase())
                    .collect();
                return f(&long);
            }
        }
        len += 1;
    }
    f(&buffer[..len])
}

fn names_by_letters(k: &[u8]) -> bool {
    NAME_ENDINGS.iter().any(|n| k.ends_with(n.as_bytes()))
}

/// The bytes that start one of `words`, as a table.
pub(super) const fn first_bytes<const N: usize>(words: &[&str; N]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < N {
        table[words[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    table
}

/// The first bytes of [`SECRET_WORDS`].
pub(super) const SECRET_FIRSTS: [bool; 256] = first_bytes(&SECRET_WORDS);

/// Whether `letters` holds one of `words` anywhere; `firsts` is the table of their first
/// bytes ([`first_bytes`]), so most positions are passed over with one look.
pub(super) fn holds_word(letters: &[u8], words: &[&str], firsts: &[bool; 256]) -> bool {
    letters.iter().enumerate().any(|(i, b)| {
        firsts[usize::from(*b)] && words.iter().any(|w| letters[i..].starts_with(w.as_bytes()))
    })
}

/// The judgement over the key as written and its letters run together, lowercased.
fn judge(key: &str, k: &[u8]) -> bool {
    if k.is_empty() || names_by_letters(k) {
        return false;
    }
    if holds_word(k, &SECRET_WORDS, &SECRET_FIRSTS) {
        return true;
    }
    // the word-level tests: only for keys that may end in one of the words
    if !(k.ends_with(b"pass")
        || k.ends_with(b"pwd")
        || k.ends_with(b"dsn")
        || k.ends_with(b"cookie")
        || k.ends_with(b"key"))
    {
        return false;
    }
    let words = words(key);
    let Some(last) = words.last() else {
        return false;
    };
    if SECRET_LAST_WORDS.contains(&last.as_str()) {
        return true;
    }
    if last == "key" && words.len() >= 2 {
        let before = words[words.len() - 2].as_str();
        let env_name = key.contains('_')
            && key
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        return env_name || KEY_QUALIFIERS.contains(&before);
    }
    false
}

/// A key's words, lowercased: split at every character that is not a letter or digit and
/// where the case turns (`dbPassword`, `HTTPToken` → `http`, `token`).
fn words(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let turn = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if turn && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        for yes in [
            "password",
            "adminPassword",
            "GF_SECURITY_ADMIN_PASSWORD",
            "secretKey",
            "mirageCipherIV",
            "onCallApiToken",
            "client_secret",
            "apiKey",
            "privateKey",
            "aws_secret_access_key",
            "erlangCookie",
            "SMTP_PASS",
            "DB_PASS",
            "pwd",
            "bearer",
            "bearerToken",
            "signing_key",
            "signingKey",
            "SLACK_SIGNING_SECRET",
            "GITHUB_TOKEN",
            "STRIPE_KEY",
            "license_key",
            "SENTRY_DSN",
        ] {
            assert!(is_secret_key(yes), "{yes}");
        }
        for no in [
            "envFromSecret",
            "existingSecret",
            "secretName",
            "passwordSecretRef",
            "url",
            "enabled",
            "secretKeyRef",
            "host",
            "passwordKey",
            "existingSecretPasswordKey",
            "userPasswordKey",
            "mirageCipherIVKey",
            "token_url",
            "GF_AUTH_GENERIC_OAUTH_TOKEN_URL",
            "key",
            "cacheKey",
            "compass",
            "tokenExpiry",
            "monkey",
        ] {
            assert!(!is_secret_key(no), "{no}");
        }
        // keys longer than the stack buffer are judged the same way
        let long = "x_".repeat(100);
        assert!(is_secret_key(&format!("{long}DB_PASSWORD")));
        assert!(!is_secret_key(&format!("{long}passwordSecretName")));
        assert!(!is_secret_key(&long));
    }

    #[test]
    fn words_split_at_case_turns_and_separators() {
        assert_eq!(words("dbPassword"), ["db", "password"]);
        assert_eq!(words("HTTPToken"), ["http", "token"]);
        assert_eq!(words("SMTP_PASS"), ["smtp", "pass"]);
        assert_eq!(words("signing-key2"), ["signing", "key2"]);
    }
}
