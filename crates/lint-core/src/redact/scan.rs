//! Secrets found in text, whatever the text is: the password of a URL's userinfo (up to the
//! authority's last `@`), secret query parameters, `key=value` assignments, well-known token
//! formats and PEM private keys; and, for text that does not parse as YAML, a line scan for
//! `key: value` lines and env entries.
//!
//! Scanned by hand rather than with regexes: compiling them cost more than the rest of a
//! small file's lint, and each scanner is a short loop over bytes.

use std::ops::Range;

use super::keys::is_secret_key;

/// Bytes that end a URL's authority, a query value or an unquoted `key=value` value.
fn ends_token(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\')
}

/// Byte ranges of the password of every `scheme://user:password@host` in `text`: the
/// userinfo ends at the authority's last `@` (a password may hold `@`), the user may be
/// empty (`redis://:pw@host`).
pub(super) fn url_passwords(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let scheme_end = memchr::memmem::Finder::new("://");
    let mut from = 0;
    while let Some(found) = bytes.get(from..).and_then(|rest| scheme_end.find(rest)) {
        let start = from + found + 3;
        from = start;
        let mut end = start;
        while end < bytes.len()
            && !ends_token(bytes[end])
            && !matches!(bytes[end], b'/' | b'?' | b'#')
        {
            end += 1;
        }
        let authority = &bytes[start..end];
        let Some(at) = authority.iter().rposition(|b| *b == b'@') else {
            continue;
        };
        let Some(colon) = authority[..at].iter().position(|b| *b == b':') else {
            continue;
        };
        if colon + 1 < at {
            out.push(start + colon + 1..start + at);
        }
        from = end.max(start);
    }
    out
}

/// Names of query parameters that carry a credential, beyond the secret key names.
const QUERY_SECRETS: [&str; 8] = [
    "sig",
    "signature",
    "key",
    "auth",
    "access_token",
    "code",
    "x-amz-signature",
    "x-goog-signature",
];

/// Byte ranges of secret query parameter values: `?token=…`, `&access_token=…`,
/// `?apikey=…`, `&password=…`, `?sig=…`.
pub(super) fn query_secrets(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        if !matches!(b, b'?' | b'&' | b';') {
            continue;
        }
        let name_start = i + 1;
        let mut j = name_start;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-' | b'.'))
        {
            j += 1;
        }
        if j == name_start || bytes.get(j) != Some(&b'=') {
            continue;
        }
        let name = &text[name_start..j];
        let lower = name.to_ascii_lowercase();
        if !(is_secret_key(name) || QUERY_SECRETS.contains(&lower.as_str())) {
            continue;
        }
        let value = j + 1;
        let mut k = value;
        while k < bytes.len() && !ends_token(bytes[k]) && !matches!(bytes[k], b'&' | b'#' | b';') {
            k += 1;
        }
        if k > value {
            out.push(value..k);
        }
    }
    out
}

/// Prefixes of well-known token formats (GitHub, GitLab, Slack, Stripe, Grafana service
/// accounts and Cloud, AWS access keys, npm, SendGrid).
const TOKEN_PREFIXES: [&str; 17] = [
    "ghp_",
    "gho_",
    "ghs_",
    "ghu_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xapp-",
    "sk_live_",
    "rk_live_",
    "glsa_",
    "glc_",
    "npm_",
    "SG.",
];

fn token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'=' | b'+' | b'/')
}

/// Byte ranges of well-known token formats: the prefixed tokens above, AWS access key ids
/// (`AKIA` and 16 more), JSON Web Tokens (`eyJ….eyJ….…`) and `Bearer`/`Basic` credentials.
pub(super) fn well_known_tokens(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let token_end = |from: usize| {
        let mut k = from;
        while k < bytes.len() && token_byte(bytes[k]) {
            k += 1;
        }
        k
    };
    // the bytes a token looked for here starts with: other words are passed over whole
    const FIRSTS: [bool; 256] = {
        let mut table = [false; 256];
        let mut i = 0;
        while i < TOKEN_PREFIXES.len() {
            table[TOKEN_PREFIXES[i].as_bytes()[0] as usize] = true;
            i += 1;
        }
        let mut others: &[u8] = b"AeBb";
        while let [first, rest @ ..] = others {
            table[*first as usize] = true;
            others = rest;
        }
        table
    };
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !token_byte(bytes[i - 1]);
        let rest = &text.as_bytes()[i..];
        if !starts_word {
            i += 1;
            continue;
        }
        if !FIRSTS[usize::from(bytes[i])] {
            // no token starts in this word: on past it (a word start is after a non-token byte)
            i = token_end(i).max(i + 1);
            continue;
        }
        let prefixed = TOKEN_PREFIXES
            .iter()
            .find(|p| rest.starts_with(p.as_bytes()))
            .map(|p| p.len());
        let end = if let Some(len) = prefixed {
            let end = token_end(i + len);
            (end >= i + len + 8).then_some(end)
        } else if rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA") {
            let end = token_end(i);
            (end - i == 20).then_some(end)
        } else if rest.starts_with(b"eyJ") {
            let end = token_end(i);
            let jwt = &text[i..end];
            (jwt.matches('.').count() >= 2 && jwt.len() >= 20).then_some(end)
        } else if rest.len() > 7
            && (rest[..7].eq_ignore_ascii_case(b"bearer ")
                || rest[..6].eq_ignore_ascii_case(b"basic "))
        {
            let skip = if rest[..7].eq_ignore_ascii_case(b"bearer ") {
                7
            } else {
                6
            };
            let from = i + skip;
            let end = token_end(from);
            if end >= from + 8 {
                out.push(from..end);
            }
            i = end.max(i + 1);
            continue;
        } else {
            None
        };
        match end {
            Some(end) => {
                out.push(i..end);
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// Byte ranges of the values of `key=value` assignments whose key names a secret
/// (`--db-password=…`, `password = …` in an ini file, `--set a.password=…`, a libpq DSN's
/// `password=…`). A quoted value ends at its quote; an unquoted one at whitespace, or in a
/// `--set` line, at an unescaped comma or the line's end.
pub(super) fn assignments(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // only the lines with an `=` in them, each once
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'=', &bytes[from..]) {
        let at = from + found;
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n + 1);
        let line = &text[line_start..line_end];
        let set_line = line.trim_start().starts_with("--set");
        assignments_in_line(line, line_start, set_line, &mut out);
        from = line_end;
    }
    out
}

fn assignments_in_line(line: &str, at: usize, set_line: bool, out: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    // each byte is looked at a bounded number of times: a value found is skipped whole
    let mut next = 0;
    while next < bytes.len() {
        let i = next;
        next += 1;
        if bytes[i] != b'=' || bytes.get(i + 1) == Some(&b'=') || (i > 0 && bytes[i - 1] == b'=') {
            continue;
        }
        // the key: the word before `=` (spaces allowed in between, as in ini files)
        let mut k_end = i;
        while k_end > 0 && bytes[k_end - 1] == b' ' {
            k_end -= 1;
        }
        let mut k_start = k_end;
        while k_start > 0
            && (bytes[k_start - 1].is_ascii_alphanumeric()
                || matches!(bytes[k_start - 1], b'_' | b'-'))
        {
            k_start -= 1;
        }
        // a query parameter is the query scan's
        if k_start == k_end || (k_start > 0 && matches!(bytes[k_start - 1], b'?' | b'&')) {
            continue;
        }
        if !is_secret_key(&line[k_start..k_end]) {
            continue;
        }
        let mut v = i + 1;
        while v < bytes.len() && bytes[v] == b' ' {
            v += 1;
        }
        let value = match bytes.get(v) {
            Some(q @ (b'"' | b'\'')) => {
                let close = bytes[v + 1..]
                    .iter()
                    .position(|b| b == q)
                    .map_or(line.trim_end().len(), |p| v + 1 + p);
                (v + 1)..close
            }
            _ if set_line => {
                let mut e = v;
                while e < bytes.len() && !matches!(bytes[e], b'\n' | b'\r') {
                    if bytes[e] == b'\\' {
                        e += 1;
                    } else if bytes[e] == b',' {
                        break;
                    }
                    e += 1;
                }
                v..e.min(bytes.len())
            }
            _ => {
                let mut e = v;
                while e < bytes.len()
                    && !bytes[e].is_ascii_whitespace()
                    && !matches!(bytes[e], b'&' | b'"' | b'\'' | b',' | b';')
                {
                    e += 1;
                }
                v..e
            }
        };
        if value.end > value.start {
            out.push(at + value.start..at + value.end);
            next = next.max(value.end);
        }
    }
}

/// Byte ranges of secrets in text that does not parse as YAML, line by line: the value of a
/// `key: value` line whose key names a secret (and the more-indented lines of a block value
/// under it), and the `value:` of an env entry whose `name:` names one.
pub(super) fn unparsed_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    // the indentation of a secret block value being masked
    let mut block: Option<usize> = None;
    // the indentation of an env entry whose name names a secret
    let mut named: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        if let Some(parent) = block {
            if content.trim().is_empty() || indent > parent {
                if !content.trim().is_empty() {
                    out.push(start + indent..start + content.len());
                }
                continue;
            }
            block = None;
        }
        // `- key: value`: the item's key sits past the dash
        let mut body = content.trim_start();
        let mut key_indent = indent;
        while let Some(rest) = body.strip_prefix("- ") {
            key_indent += 2 + (rest.len() - rest.trim_start().len());
            body = rest.trim_start();
        }
        let Some((key, value)) = split_key(body) else {
            continue;
        };
        let value_start = start + content.len() - value.len();
        let value = value.trim_end();
        let is_value_of_named = key == "value" && named == Some(key_indent);
        if key == "name" {
            named = is_secret_key(value.trim_matches(['"', '\''])).then_some(key_indent);
            continue;
        }
        if !(is_secret_key(key) || is_value_of_named) {
            continue;
        }
        let bare = value.trim_start_matches(['|', '>', '-', '+']).trim();
        if value.is_empty() || bare.is_empty() || bare.starts_with('#') {
            // a block (or nested map) below: its more-indented lines
            block = Some(indent.max(key_indent.saturating_sub(2)).min(key_indent));
            continue;
        }
        out.push(value_start..value_start + value.len());
    }
    out
}

/// `key: value` (the key bare or quoted), with the value's text after `: ` (or empty).
fn split_key(body: &str) -> Option<(&str, &str)> {
    let (key, rest) = if let Some(q) = body.strip_prefix(['"', '\'']) {
        let quote = body.as_bytes()[0] as char;
        let close = q.find(quote)?;
        (&q[..close], q[close + 1..].trim_start())
    } else {
        let colon = body.find(':')?;
        // a bare key is one word (`DB_PASSWORD`, `auth.token`), not a sentence
        let key = &body[..colon];
        if !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
        {
            return None;
        }
        (key, &body[colon..])
    };
    let value = rest.strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with([' ', '\t'])) {
        return None;
    }
    Some((key.trim(), value.trim_start()))
}

/// Byte ranges of every PEM private-key block (`-----BEGIN ... PRIVATE KEY-----` to its
/// `-----END ... PRIVATE KEY-----`, or to the end of the text).
pub(super) fn private_keys(text: &str) -> Vec<Range<usize>> {
    /// The end of a `<marker>[A-Z ]*PRIVATE KEY-----` armour line starting at `at`.
    fn armour_end(text: &str, at: usize, marker: &str) -> Option<usize> {
        let rest = text.get(at..)?.strip_prefix(marker)?;
        let words = rest
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || *b == b' ')
            .count();
        let upper = &rest[..words];
        // the `[A-Z ]*` part ends with `PRIVATE KEY` (backtracking into it, as a regex would)
        let stem = upper.rfind("PRIVATE KEY")?;
        let tail = rest.get(stem + "PRIVATE KEY".len()..)?;
        tail.starts_with("-----")
            .then(|| at + marker.len() + stem + "PRIVATE KEY-----".len())
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("-----BEGIN ")) {
        let start = from + found;
        let Some(after_begin) = armour_end(text, start, "-----BEGIN ") else {
            from = start + 1;
            continue;
        };
        let mut search = after_begin;
        let end = loop {
            match text.get(search..).and_then(|rest| rest.find("-----END ")) {
                Some(at) => {
                    if let Some(end) = armour_end(text, search + at, "-----END ") {
                        break end;
                    }
                    search += at + 1;
                }
                None => break text.len(),
            }
        };
        out.push(start..end);
        from = end.max(start + 1);
    }
    out
}

/// Every scan that holds for any text (parsed or not).
pub(super) fn any_text(text: &str) -> Vec<Range<usize>> {
    let mut spans = url_passwords(text);
    spans.extend(query_secrets(text));
    spans.extend(assignments(text));
    spans.extend(well_known_tokens(text));
    spans.extend(private_keys(text));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(f: fn(&str) -> Vec<Range<usize>>, text: &str) -> Vec<String> {
        f(text).into_iter().map(|r| text[r].to_owned()).collect()
    }

    #[test]
    fn url_userinfo_ends_at_the_last_at() {
        assert_eq!(
            found(url_passwords, "http://admin:p@ss@w0rd@grafana:80/x"),
            ["p@ss@w0rd"]
        );
        assert_eq!(
            found(url_passwords, "redis://:pw-123@redis:6379/0"),
            ["pw-123"]
        );
        assert_eq!(
            found(url_passwords, "postgres://u:p4ss@db/oncall?sslmode=require"),
            ["p4ss"]
        );
        assert_eq!(
            found(url_passwords, "amqp://u:p@rabbit/ mysql://r:s3@h"),
            ["p", "s3"]
        );
        assert!(
            found(
                url_passwords,
                "http://grafana:3000/a@b ssh://git@github.com"
            )
            .is_empty()
        );
        // a URL's end: whitespace or a quote
        assert_eq!(found(url_passwords, "\"http://a:b@c\" x@y"), ["b"]);
    }

    #[test]
    fn query_tokens_and_assignments() {
        assert_eq!(
            found(
                query_secrets,
                "https://h/x?token=T1&a=b&access_token=T2#f ?apikey=T3 &password=T4 ?sig=T5"
            ),
            ["T1", "T2", "T3", "T4", "T5"]
        );
        assert!(found(query_secrets, "https://h/x?page=2&tokenUrl=x").is_empty());
        assert_eq!(
            found(assignments, "args: --db-password=P1 --host=h"),
            ["P1"]
        );
        assert_eq!(
            found(assignments, "[database]\npassword = P2\nhost = h\n"),
            ["P2"]
        );
        assert_eq!(
            found(
                assignments,
                "--set a.password=P3,b=c\n--set-string x.token=a b\\,c\n"
            ),
            ["P3", "a b\\,c"]
        );
        assert_eq!(
            found(assignments, "dsn: host=db password='P 4' dbname=x"),
            ["P 4"]
        );
        assert!(found(assignments, "passwordKey=password a==b").is_empty());
    }

    /// A line of quoted secret values is scanned in linear time.
    #[test]
    fn a_hostile_line_is_scanned_in_linear_time() {
        let line = "password=\"".repeat(100_000);
        let started = std::time::Instant::now();
        let found = assignments(&line);
        // `password="password="`: each quoted value is skipped whole
        assert_eq!(found.len(), 50_000);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn well_known_formats() {
        let text = "a ghp_abcdefghij1234567890 AKIAABCDEFGHIJKLMNOP Bearer abc.def-ghi123 eyJhbGciOi.eyJzdWIiOi.sig_x x";
        assert_eq!(
            found(well_known_tokens, text),
            [
                "ghp_abcdefghij1234567890",
                "AKIAABCDEFGHIJKLMNOP",
                "abc.def-ghi123",
                "eyJhbGciOi.eyJzdWIiOi.sig_x"
            ]
        );
        assert!(
            found(
                well_known_tokens,
                "bearer token auth, AKIA short, xghp_abcdefghijk"
            )
            .is_empty()
        );
    }

    #[test]
    fn lines_of_text_that_does_not_parse() {
        let text = "password: P1\nfoo: [\n  - name: DB_PASSWORD\n    value: P2\n\"token\": \"P3\"\nkey: |\n  kept\nprivateKey: |\n  P4a\n  P4b\nnext: shown\npasswordKey: password\n";
        assert_eq!(
            found(unparsed_lines, text),
            ["P1", "P2", "\"P3\"", "P4a", "P4b"]
        );
    }
}
