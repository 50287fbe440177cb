//! A small, conservative reader of the shell an init container runs: enough of `sh` to
//! follow the scripts people write to fetch and unpack a plugin (simple commands joined by
//! `&&`, `||`, `;`, `|` and line breaks, quotes, line continuations, `cd`, variables set in
//! the script or the container's `env`), and of each tool's options to know where it
//! writes. Anything else (`if`, loops, functions, `$(…)`, here-documents, a tool not known
//! here, a variable not known, a relative path with no known working directory) stops the
//! reading: the caller then judges nothing. A shell parser crate would read more syntax,
//! but what matters here is the few tools' options, and an unknown shape must stop the
//! reading rather than be guessed.

use std::collections::HashMap;

use super::{InitScript, StepKind, Write, artifact};

/// How deep `sh -c` may nest.
const MAX_DEPTH: usize = 4;

/// The state of a script being read.
#[derive(Debug, Default)]
pub(super) struct Shell {
    /// Variables: the container's `env` values and the script's assignments.
    pub vars: HashMap<String, String>,
    /// The working directory, when known.
    pub cwd: Option<String>,
    /// What has been read so far.
    pub out: InitScript,
}

/// A token of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A word, quotes removed.
    Word(String),
    /// A command separator (`;`, `&&`, `||`, `|`, `&`, a line break).
    Sep,
    /// An output redirection (`>`, `>>`, `&>`, `2>`): the next word is its file.
    Out,
    /// An input redirection (`<`): the next word is read.
    In,
    /// A redirection to a file descriptor (`2>&1`, `>&2`): no file.
    Dup,
}

/// `path` with `.`, `..` and repeated `/` resolved (absolute paths only).
pub(super) fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The directory of a file path.
fn parent(path: &str) -> String {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/".to_owned(),
        Some((dir, _)) => dir.to_owned(),
    }
}

/// Splits a script into tokens; `None` for syntax not followed here. One match over the
/// characters, long because quoting, escapes and operators share its state.
#[allow(clippy::too_many_lines)]
fn lex(script: &str) -> Option<Vec<Tok>> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    let end_word = |toks: &mut Vec<Tok>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(n) => {
                    word.push(n);
                    in_word = true;
                }
                None => {}
            },
            ' ' | '\t' | '\r' => end_word(&mut toks, &mut word, &mut in_word),
            '\n' | ';' => {
                end_word(&mut toks, &mut word, &mut in_word);
                toks.push(Tok::Sep);
            }
            '#' if !in_word => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        toks.push(Tok::Sep);
                        break;
                    }
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        n => word.push(n),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            '\n' => {}
                            n @ ('"' | '\\' | '$' | '`') => word.push(n),
                            n => {
                                word.push('\\');
                                word.push(n);
                            }
                        },
                        '`' => return None,
                        '$' if chars.peek() == Some(&'(') => return None,
                        n => word.push(n),
                    }
                }
            }
            '`' | '(' | ')' => return None,
            '$' if chars.peek() == Some(&'(') => return None,
            '&' | '|' => {
                end_word(&mut toks, &mut word, &mut in_word);
                if c == '&' && chars.peek() == Some(&'>') {
                    chars.next();
                    if chars.peek() == Some(&'>') {
                        chars.next();
                    }
                    toks.push(Tok::Out);
                } else {
                    if chars.peek() == Some(&c) {
                        chars.next();
                    }
                    toks.push(Tok::Sep);
                }
            }
            '<' => {
                end_word(&mut toks, &mut word, &mut in_word);
                if chars.peek() == Some(&'<') {
                    return None; // a here-document
                }
                toks.push(Tok::In);
            }
            '>' => {
                // `2>`: the digits before are a file descriptor
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                end_word(&mut toks, &mut word, &mut in_word);
                if chars.peek() == Some(&'>') {
                    chars.next();
                }
                if chars.peek() == Some(&'&') {
                    chars.next();
                    while chars
                        .peek()
                        .is_some_and(|d| d.is_ascii_digit() || *d == '-')
                    {
                        chars.next();
                    }
                    toks.push(Tok::Dup);
                } else {
                    toks.push(Tok::Out);
                }
            }
            n => {
                word.push(n);
                in_word = true;
            }
        }
    }
    end_word(&mut toks, &mut word, &mut in_word);
    Some(toks)
}

/// Options of a tool: which short letters and long names take a value.
struct Spec {
    /// Short options that take a value (`o` for `-o FILE`).
    short: &'static str,
    /// Long options that take a value (without `--`).
    long: &'static [&'static str],
}

/// A command line split into options (name without dashes, value) and operands.
#[derive(Debug, Default)]
struct Parsed {
    /// The options, in order: a short one as its letter, a long one as its name.
    opts: Vec<(String, Option<String>)>,
    /// The operands.
    args: Vec<String>,
}

impl Parsed {
    /// The last value of any of `names`.
    fn value(&self, names: &[&str]) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|(n, v)| v.is_some() && names.contains(&n.as_str()))
            .and_then(|(_, v)| v.as_deref())
    }

    /// Whether any of `names` is given.
    fn has(&self, names: &[&str]) -> bool {
        self.opts.iter().any(|(n, _)| names.contains(&n.as_str()))
    }
}

/// Splits `args` by `spec`; `None` when an option's value is missing.
fn parse(args: &[String], spec: &Spec) -> Option<Parsed> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.args.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            if let Some((name, value)) = long.split_once('=') {
                out.opts.push((name.to_owned(), Some(value.to_owned())));
            } else if spec.long.contains(&long) {
                let value = args.get(i)?.clone();
                i += 1;
                out.opts.push((long.to_owned(), Some(value)));
            } else {
                out.opts.push((long.to_owned(), None));
            }
        } else if a.len() > 1 && a.starts_with('-') {
            let letters: Vec<char> = a[1..].chars().collect();
            for (j, l) in letters.iter().enumerate() {
                if spec.short.contains(*l) {
                    let rest: String = letters[j + 1..].iter().collect();
                    let value = if rest.is_empty() {
                        let v = args.get(i)?.clone();
                        i += 1;
                        v
                    } else {
                        rest
                    };
                    out.opts.push((l.to_string(), Some(value)));
                    break;
                }
                out.opts.push((l.to_string(), None));
            }
        } else {
            out.args.push(a.clone());
        }
    }
    Some(out)
}

/// `curl`'s options that take a value.
const CURL: Spec = Spec {
    short: "HuXdAembcwxTFrzKoECYyPQtU",
    long: &[
        "header",
        "user",
        "request",
        "data",
        "data-raw",
        "data-binary",
        "data-urlencode",
        "user-agent",
        "referer",
        "retry",
        "retry-delay",
        "retry-max-time",
        "max-time",
        "connect-timeout",
        "cacert",
        "capath",
        "cert",
        "key",
        "cookie",
        "cookie-jar",
        "write-out",
        "proxy",
        "upload-file",
        "form",
        "resolve",
        "limit-rate",
        "range",
        "output",
        "output-dir",
        "url",
        "config",
        "oauth2-bearer",
        "netrc-file",
        "cert-type",
        "key-type",
        "pass",
        "proxy-user",
        "max-filesize",
        "dns-servers",
        "interface",
        "keepalive-time",
        "ciphers",
        "noproxy",
        "aws-sigv4",
        "variable",
        "json",
        "continue-at",
        "trace",
        "trace-ascii",
        "stderr",
        "dump-header",
    ],
};

/// Commands that write nothing a plugin install is made of (or only their own state).
const QUIET: &[&str] = &[
    "mkdir",
    "rm",
    "rmdir",
    "chmod",
    "chown",
    "chgrp",
    "ls",
    "echo",
    "printf",
    "cat",
    "true",
    "false",
    "sleep",
    "set",
    "test",
    "[",
    "exit",
    "sync",
    "du",
    "df",
    "id",
    "whoami",
    "pwd",
    "date",
    "head",
    "tail",
    "grep",
    "sha256sum",
    "sha1sum",
    "sha512sum",
    "md5sum",
    "stat",
    "touch",
    "file",
    "wc",
    "apk",
    "apt-get",
    "apt",
    "yum",
    "dnf",
    "microdnf",
    "update-ca-certificates",
    "umask",
    "which",
    "jq",
    "sed",
    "base64",
    ":",
    "unset",
];

/// Shells whose `-c` script is read.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];

impl Shell {
    /// Reads one command line (a container's `command` + `args`, or one simple command of
    /// a script).
    pub(super) fn run_argv(&mut self, argv: &[String], depth: usize) -> Option<()> {
        let (first, rest) = argv.split_first()?;
        let tool = first.rsplit('/').next().unwrap_or(first);
        if SHELLS.contains(&tool) {
            return self.run_shell(rest, depth);
        }
        match tool {
            "busybox" | "exec" | "env" | "nohup" => {
                let rest: Vec<String> = rest
                    .iter()
                    .skip_while(|a| tool == "env" && (a.contains('=') || a.starts_with('-')))
                    .cloned()
                    .collect();
                self.run_argv(&rest, depth)
            }
            "timeout" => self.run_argv(rest.get(1..)?, depth),
            "cd" => {
                self.cwd = match rest.first() {
                    Some(dir) if dir != "-" => self.path(dir),
                    _ => None,
                };
                Some(())
            }
            "export" => {
                for a in rest {
                    if let Some((k, v)) = a.split_once('=') {
                        self.vars.insert(k.to_owned(), v.to_owned());
                    }
                }
                Some(())
            }
            "find" => {
                let writes = ["-exec", "-execdir", "-delete", "-ok", "-fprint"];
                (!rest.iter().any(|a| writes.contains(&a.as_str()))).then_some(())
            }
            "curl" => self.curl(rest),
            "wget" => self.wget(rest),
            "oras" => self.oras(rest),
            "crane" => self.crane(rest),
            "unzip" => self.unzip(rest),
            "tar" => self.tar(rest),
            "gunzip" | "gzip" => self.gunzip(tool, rest),
            "cp" | "mv" | "rsync" | "ln" => self.copy(tool, rest),
            "tee" => {
                let parsed = parse(
                    rest,
                    &Spec {
                        short: "",
                        long: &[],
                    },
                )?;
                for file in &parsed.args {
                    self.write_file(file, "tee", StepKind::Output)?;
                }
                Some(())
            }
            "grafana" if rest.first().map(String::as_str) == Some("cli") => {
                self.grafana_cli(&rest[1..])
            }
            "grafana-cli" => self.grafana_cli(rest),
            t if QUIET.contains(&t) => Some(()),
            _ => None,
        }
    }

    /// `sh [-flags] -c SCRIPT [NAME ARGS…]`: the script is read; a shell reading a file or
    /// its input is not.
    fn run_shell(&mut self, args: &[String], depth: usize) -> Option<()> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let mut i = 0;
        while let Some(a) = args.get(i) {
            if a.starts_with('-') && a.len() > 1 && !a.starts_with("--") {
                i += 1;
                if a.contains('c') {
                    return self.run_script(args.get(i)?, depth + 1);
                }
            } else {
                return None;
            }
        }
        None
    }

    /// Reads a script.
    fn run_script(&mut self, script: &str, depth: usize) -> Option<()> {
        let toks = lex(script)?;
        for command in toks.split(|t| *t == Tok::Sep) {
            self.run_command(command, depth)?;
        }
        Some(())
    }

    /// Reads one simple command: its assignments, redirections and words.
    fn run_command(&mut self, toks: &[Tok], depth: usize) -> Option<()> {
        let mut words = Vec::new();
        let mut outputs = Vec::new();
        let mut it = toks.iter();
        while let Some(t) = it.next() {
            match t {
                Tok::Word(w) => words.push(w.clone()),
                Tok::Out => match it.next()? {
                    Tok::Word(w) => outputs.push(w.clone()),
                    _ => return None,
                },
                Tok::In => match it.next()? {
                    Tok::Word(_) => {}
                    _ => return None,
                },
                Tok::Dup | Tok::Sep => {}
            }
        }
        let keywords = [
            "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
            "esac", "function", "{", "}", "!", "select", "pushd", "popd", "source", ".", "eval",
        ];
        if words
            .first()
            .is_some_and(|w| keywords.contains(&w.as_str()))
        {
            return None;
        }
        // leading assignments
        let mut start = 0;
        while let Some(w) = words.get(start) {
            match w.split_once('=') {
                Some((name, value)) if is_name(name) => {
                    let value = self.expand(value)?;
                    self.vars.insert(name.to_owned(), value);
                    start += 1;
                }
                _ => break,
            }
        }
        let mut argv = Vec::new();
        for w in &words[start..] {
            argv.push(self.expand_or_keep(w));
        }
        for file in &outputs {
            let file = self.expand(file)?;
            if !file.starts_with("/dev/") {
                self.write_file(&file, "a redirection", StepKind::Output)?;
            }
        }
        if argv.is_empty() {
            return Some(());
        }
        self.run_argv(&argv, depth)
    }

    /// `word` with its variables replaced; `None` when one is not known.
    fn expand(&self, word: &str) -> Option<String> {
        let mut out = String::new();
        let mut rest = word;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
                let end = braced.find('}')?;
                (&braced[..end], &braced[end + 1..])
            } else {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            if !is_name(name) {
                return None;
            }
            out.push_str(self.vars.get(name)?);
            rest = tail;
        }
        out.push_str(rest);
        Some(out)
    }

    /// `word` expanded, or as written when a variable is not known (a tool then meets
    /// the `$` where it needs a path, and stops the reading).
    fn expand_or_keep(&self, word: &str) -> String {
        self.expand(word).unwrap_or_else(|| word.to_owned())
    }

    /// An absolute, normalised path for `word`; `None` when it is not known (a variable,
    /// `~`, a relative path with no known working directory).
    fn path(&self, word: &str) -> Option<String> {
        if word.contains('$') || word.starts_with('~') || word.is_empty() {
            return None;
        }
        if word.starts_with('/') {
            return Some(normalise(word));
        }
        let cwd = self.cwd.as_ref()?;
        Some(normalise(&format!("{cwd}/{word}")))
    }

    /// Records a write into directory `dir` (a word).
    fn write_dir(&mut self, dir: &str, tool: &str, kind: StepKind) -> Option<()> {
        let dir = self.path(dir)?;
        if dir.contains(['*', '?', '[']) {
            return None;
        }
        self.out.writes.push(Write {
            dir,
            tool: tool.to_owned(),
            kind,
        });
        Some(())
    }

    /// Records a write of file `file` (a word): its directory.
    fn write_file(&mut self, file: &str, tool: &str, kind: StepKind) -> Option<()> {
        let path = self.path(file)?;
        self.write_dir(&parent(&path), tool, kind)
    }

    /// Records a write into the working directory.
    fn write_cwd(&mut self, tool: &str, kind: StepKind) -> Option<()> {
        let cwd = self.cwd.clone()?;
        self.write_dir(&cwd, tool, kind)
    }

    /// Records a fetch from `source`.
    fn fetch(&mut self, source: &str) {
        self.out.fetches.push(artifact(source));
    }

    /// `curl`: `-o FILE`, `-O` (into the working directory or `--output-dir`), else the
    /// standard output.
    fn curl(&mut self, args: &[String]) -> Option<()> {
        let p = parse(args, &CURL)?;
        if p.has(&["K", "config"]) {
            return None;
        }
        let urls: Vec<String> = p
            .args
            .iter()
            .cloned()
            .chain(
                p.opts
                    .iter()
                    .filter(|(n, _)| n == "url")
                    .filter_map(|(_, v)| v.clone()),
            )
            .collect();
        for url in &urls {
            self.fetch(url);
        }
        let dir = p.value(&["output-dir"]).map(str::to_owned);
        for (name, value) in &p.opts {
            match (name.as_str(), value) {
                ("o" | "output", Some(file)) if file != "-" => {
                    let file = match &dir {
                        Some(d) if !file.starts_with('/') => format!("{d}/{file}"),
                        _ => file.clone(),
                    };
                    self.write_file(&file, "curl", StepKind::Fetch)?;
                }
                ("O" | "remote-name" | "remote-name-all", None) => match &dir {
                    Some(d) => self.write_dir(d, "curl", StepKind::Fetch)?,
                    None => self.write_cwd("curl", StepKind::Fetch)?,
                },
                _ => {}
            }
        }
        Some(())
    }

    /// `wget`: `-O FILE` (`-` the standard output), else into `-P DIR` or the working
    /// directory.
    fn wget(&mut self, args: &[String]) -> Option<()> {
        const SPEC: Spec = Spec {
            short: "OPTUeoaiBYtwlQDXU",
            long: &[
                "output-document",
                "directory-prefix",
                "header",
                "user-agent",
                "timeout",
                "tries",
                "user",
                "password",
                "http-user",
                "http-password",
                "output-file",
                "append-output",
                "input-file",
                "post-data",
                "post-file",
                "base",
                "wait",
                "level",
                "quota",
                "ca-certificate",
                "certificate",
                "private-key",
                "limit-rate",
                "proxy-user",
                "proxy-password",
                "referer",
                "method",
                "body-data",
                "bind-address",
                "ca-directory",
            ],
        };
        let p = parse(args, &SPEC)?;
        if p.has(&["i", "input-file"]) {
            return None;
        }
        for url in &p.args {
            self.fetch(url);
        }
        match p.value(&["O", "output-document"]) {
            Some("-") => Some(()),
            Some(file) => {
                let file = file.to_owned();
                self.write_file(&file, "wget", StepKind::Fetch)
            }
            None => match p.value(&["P", "directory-prefix"]) {
                Some(dir) => {
                    let dir = dir.to_owned();
                    self.write_dir(&dir, "wget", StepKind::Fetch)
                }
                None => self.write_cwd("wget", StepKind::Fetch),
            },
        }
    }

    /// `oras pull REF [-o DIR]` (into the working directory without `-o`), `oras blob
    /// fetch --output FILE`; the registry-only subcommands write nothing here.
    fn oras(&mut self, args: &[String]) -> Option<()> {
        const SPEC: Spec = Spec {
            short: "oupH",
            long: &[
                "output",
                "username",
                "password",
                "platform",
                "config",
                "registry-config",
                "ca-file",
                "cert-file",
                "key-file",
                "header",
                "resolve",
                "concurrency",
                "distribution-spec",
                "format",
                "template",
                "media-type",
                "descriptor",
            ],
        };
        let (sub, rest) = args.split_first()?;
        match sub.as_str() {
            "pull" => {
                let p = parse(rest, &SPEC)?;
                if p.has(&["allow-path-traversal"]) {
                    return None;
                }
                self.fetch(p.args.first()?);
                match p.value(&["o", "output"]) {
                    Some(dir) => {
                        let dir = dir.to_owned();
                        self.write_dir(&dir, "oras pull", StepKind::Fetch)
                    }
                    None => self.write_cwd("oras pull", StepKind::Fetch),
                }
            }
            "blob" | "manifest" => {
                let p = parse(rest.get(1..)?, &SPEC)?;
                if let Some(r) = p.args.first() {
                    self.fetch(r);
                }
                match p.value(&["o", "output"]) {
                    Some("-") | None => Some(()),
                    Some(file) => {
                        let file = file.to_owned();
                        self.write_file(&file, "oras", StepKind::Fetch)
                    }
                }
            }
            "login" | "logout" | "version" | "push" | "cp" | "copy" | "attach" | "tag" | "repo"
            | "discover" | "resolve" => Some(()),
            _ => None,
        }
    }

    /// `crane export REF [FILE]` (`-` or none: the standard output), `crane pull REF…
    /// PATH`; the registry-only subcommands write nothing here.
    fn crane(&mut self, args: &[String]) -> Option<()> {
        const SPEC: Spec = Spec {
            short: "",
            long: &["platform", "format", "cache_path", "annotate-ref"],
        };
        let (sub, rest) = args.split_first()?;
        let p = parse(rest, &SPEC)?;
        match sub.as_str() {
            "export" => {
                self.fetch(p.args.first()?);
                match p.args.get(1).map(String::as_str) {
                    Some("-") | None => Some(()),
                    Some(file) => {
                        let file = file.to_owned();
                        self.write_file(&file, "crane export", StepKind::Fetch)
                    }
                }
            }
            "pull" => {
                let (path, refs) = p.args.split_last()?;
                for r in refs {
                    self.fetch(r);
                }
                self.write_file(path, "crane pull", StepKind::Fetch)
            }
            "auth" | "digest" | "manifest" | "config" | "ls" | "catalog" | "version"
            | "validate" | "copy" | "cp" | "tag" | "blob" => Some(()),
            _ => None,
        }
    }

    /// `unzip ZIP [MEMBERS] [-x …] [-d DIR]`: into `-d DIR`, else the working directory;
    /// listing, testing and `-p` write nothing.
    fn unzip(&mut self, args: &[String]) -> Option<()> {
        let mut dir = None;
        let mut zip = None;
        let mut list_only = false;
        let mut excluding = false;
        let mut i = 0;
        while let Some(a) = args.get(i) {
            i += 1;
            if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) {
                excluding = false;
                for (j, l) in flags.char_indices() {
                    match l {
                        'd' => {
                            let rest = &flags[j + 1..];
                            dir = Some(if rest.is_empty() {
                                i += 1;
                                args.get(i - 1)?.clone()
                            } else {
                                rest.to_owned()
                            });
                            break;
                        }
                        'P' => {
                            i += usize::from(flags[j + 1..].is_empty());
                            break;
                        }
                        'x' => excluding = true,
                        'l' | 't' | 'p' | 'c' | 'v' | 'Z' | 'z' => list_only = true,
                        _ => {}
                    }
                }
            } else if zip.is_none() && !excluding {
                zip = Some(a.clone());
            }
        }
        zip?;
        if list_only {
            return Some(());
        }
        match dir {
            Some(d) => self.write_dir(&d, "unzip", StepKind::Unpack),
            None => self.write_cwd("unzip", StepKind::Unpack),
        }
    }

    /// `tar x… [-C DIR]`: into `-C DIR`, else the working directory; `tar c -f FILE`
    /// writes the archive; listing writes nothing.
    fn tar(&mut self, args: &[String]) -> Option<()> {
        const SPEC: Spec = Spec {
            short: "fCTXbKNVgH",
            long: &[
                "file",
                "directory",
                "files-from",
                "exclude-from",
                "blocking-factor",
                "format",
                "owner",
                "group",
                "mode",
                "mtime",
                "newer",
                "label",
                "use-compress-program",
            ],
        };
        let mut args = args.to_vec();
        // the old form: `tar xzf FILE`
        if let Some(first) = args.first_mut()
            && !first.starts_with('-')
            && first.chars().all(|c| c.is_ascii_alphabetic())
        {
            first.insert(0, '-');
        }
        let p = parse(&args, &SPEC)?;
        if p.has(&["to-command", "I"]) {
            return None;
        }
        let extract = p.has(&["x", "extract", "get"]);
        let create = p.has(&["c", "create", "r", "append", "u", "update"]);
        if p.has(&["O", "to-stdout"]) || (p.has(&["t", "list"]) && !extract && !create) {
            return Some(());
        }
        if extract {
            return match p.value(&["C", "directory"]) {
                Some(dir) => {
                    let dir = dir.to_owned();
                    self.write_dir(&dir, "tar", StepKind::Unpack)
                }
                None => self.write_cwd("tar", StepKind::Unpack),
            };
        }
        if create {
            return match p.value(&["f", "file"]) {
                Some("-") => Some(()),
                Some(file) => {
                    let file = file.to_owned();
                    self.write_file(&file, "tar", StepKind::Output)
                }
                None => None,
            };
        }
        None
    }

    /// `gunzip FILE` (`gzip -d`): beside the file; to the standard output with `-c`.
    fn gunzip(&mut self, tool: &str, args: &[String]) -> Option<()> {
        let p = parse(
            args,
            &Spec {
                short: "S",
                long: &["suffix"],
            },
        )?;
        if p.has(&["c", "stdout", "t", "test", "l", "list"]) {
            return Some(());
        }
        let kind = if tool == "gunzip" || p.has(&["d", "decompress"]) {
            StepKind::Unpack
        } else {
            StepKind::Output
        };
        for file in &p.args {
            self.write_file(file, tool, kind)?;
        }
        Some(())
    }

    /// `cp`, `mv`, `rsync`, `ln`: into the destination (`-t DIR`, else the last operand).
    fn copy(&mut self, tool: &str, args: &[String]) -> Option<()> {
        const SPEC: Spec = Spec {
            short: "tSefBT",
            long: &[
                "target-directory",
                "suffix",
                "exclude",
                "include",
                "exclude-from",
                "include-from",
                "chown",
                "chmod",
                "rsh",
                "filter",
                "files-from",
                "temp-dir",
                "partial-dir",
                "log-file",
                "password-file",
                "port",
                "timeout",
                "compare-dest",
                "copy-dest",
                "link-dest",
                "backup-dir",
            ],
        };
        let p = parse(args, &SPEC)?;
        let dest = match p.value(&["t", "target-directory"]) {
            Some(d) => d.to_owned(),
            None => {
                if p.args.len() < 2 {
                    return None;
                }
                p.args.last()?.clone()
            }
        };
        // an rsync destination on another host writes nothing here
        if tool == "rsync" && dest.split('/').next().is_some_and(|h| h.contains(':')) {
            return Some(());
        }
        self.write_dir(&dest, tool, StepKind::Copy)
    }

    /// `grafana cli [--pluginsDir DIR] [--pluginUrl URL] plugins install ID [VERSION]`:
    /// into `--pluginsDir` or `GF_PLUGIN_DIR`. Without either the directory depends on the
    /// Grafana version and image (its `GetGrafanaPluginDir`, a config file), so the command
    /// is not followed.
    fn grafana_cli(&mut self, args: &[String]) -> Option<()> {
        let mut plugins_dir = self.vars.get("GF_PLUGIN_DIR").cloned();
        let mut url = self.vars.get("GF_PLUGIN_URL").cloned();
        let mut repo = self
            .vars
            .get("GF_PLUGIN_REPO")
            .cloned()
            .unwrap_or_else(|| "https://grafana.com/api/plugins".to_owned());
        let mut rest = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            i += 1;
            let Some(flag) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) else {
                rest.push(a.clone());
                continue;
            };
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (flag, None),
            };
            let takes = [
                "pluginsDir",
                "pluginUrl",
                "repo",
                "homepath",
                "config",
                "configOverrides",
            ];
            if !takes.contains(&name) {
                continue;
            }
            let value = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i - 1)?.clone()
                }
            };
            match name {
                "pluginsDir" => plugins_dir = Some(value),
                "pluginUrl" => url = Some(value),
                "repo" => repo = value,
                _ => {}
            }
        }
        let (group, rest) = rest.split_first()?;
        if group != "plugins" {
            return Some(());
        }
        let (action, rest) = rest.split_first()?;
        match action.as_str() {
            "install" | "update" => {
                let id = rest.first()?;
                let source = url.unwrap_or_else(|| match rest.get(1) {
                    Some(v) => format!("{repo}/{id}/versions/{v}/download"),
                    None => format!("{repo}/{id}"),
                });
                let mut found = artifact(&source);
                found.plugin = Some(id.clone());
                if let Some(v) = rest.get(1) {
                    found.version = Some(v.clone());
                }
                self.out.fetches.push(found);
                self.write_dir(&plugins_dir?, "grafana cli", StepKind::Install)
            }
            "update-all" | "remove" | "uninstall" => {
                self.write_dir(&plugins_dir?, "grafana cli", StepKind::Install)
            }
            _ => Some(()),
        }
    }
}

/// Whether `name` is a shell variable name.
fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(argv: &[&str]) -> Option<InitScript> {
        let mut shell = Shell::default();
        let argv: Vec<String> = argv.iter().map(|s| (*s).to_owned()).collect();
        shell.run_argv(&argv, 0)?;
        Some(shell.out)
    }

    fn dirs(script: &InitScript) -> Vec<(&str, &str)> {
        script
            .writes
            .iter()
            .map(|w| (w.dir.as_str(), w.tool.as_str()))
            .collect()
    }

    #[test]
    fn the_2610_script_writes_to_tmp() {
        let script = "rm -rf /tmp/plugin.zip\ncurl -L \\\n  -H \"Accept: application/octet-stream\" \\\n  -H \"Authorization: Bearer xxx\" \\\n  -o /tmp/plugin.zip \\\n  https://api.github.com/repos/owner/repo/releases/assets/122449336\nunzip /tmp/plugin.zip -d /tmp/plugin\n";
        let read = read(&["sh", "-c", script]).unwrap();
        assert_eq!(
            dirs(&read),
            vec![("/tmp", "curl"), ("/tmp/plugin", "unzip")]
        );
        assert_eq!(
            read.fetches[0].source,
            "https://api.github.com/repos/owner/repo/releases/assets/122449336"
        );
        assert_eq!(read.fetches[0].plugin, None);
    }

    #[test]
    fn cd_makes_relative_paths_known() {
        let read = read(&[
            "/bin/sh",
            "-ec",
            "cd /var/lib/grafana/plugins && wget -q https://grafana.com/api/plugins/grafana-oncall-app/versions/1.16.9/download -O oncall.zip; unzip -o oncall.zip && rm oncall.zip",
        ])
        .unwrap();
        assert_eq!(
            dirs(&read),
            vec![
                ("/var/lib/grafana/plugins", "wget"),
                ("/var/lib/grafana/plugins", "unzip")
            ]
        );
        assert_eq!(
            read.fetches[0].plugin.as_deref(),
            Some("grafana-oncall-app")
        );
        assert_eq!(read.fetches[0].version.as_deref(), Some("1.16.9"));
    }

    #[test]
    fn what_is_not_followed_is_not_read() {
        for script in [
            "if [ ! -d /p ]; then curl -o /tmp/x.zip https://e/x.zip; fi",
            "unzip /tmp/x.zip -d $(mktemp -d)",
            "unzip /tmp/x.zip -d $TARGET",
            "unzip /tmp/x.zip",
            "python3 /scripts/install.py",
            "sh /scripts/install.sh",
            "cat <<EOF > /tmp/x\nhi\nEOF",
        ] {
            assert_eq!(read(&["sh", "-c", script]), None, "{script}");
        }
        assert_eq!(
            read(&["grafana", "cli", "plugins", "install", "x-y-app"]),
            None
        );
    }

    #[test]
    fn tools_and_their_targets() {
        let read = read(&[
            "sh",
            "-c",
            "D=/work; oras pull reg.example/plugins/grafana-oncall-app:v1.16.9 -o $D && tar -xzf ${D}/p.tar.gz -C /data/plugins 2>&1 && crane export reg.example/p:1 - | tar x -C /x; cp -r /data/plugins/* /var/lib/grafana/plugins/ > /dev/null",
        ])
        .unwrap();
        assert_eq!(
            dirs(&read),
            vec![
                ("/work", "oras pull"),
                ("/data/plugins", "tar"),
                ("/x", "tar"),
                ("/var/lib/grafana/plugins", "cp"),
            ]
        );
        assert_eq!(
            read.fetches[0].plugin.as_deref(),
            Some("grafana-oncall-app")
        );
        assert_eq!(read.fetches[0].version.as_deref(), Some("v1.16.9"));
    }

    #[test]
    fn grafana_cli_with_its_plugins_dir() {
        let read = read(&[
            "grafana",
            "cli",
            "--pluginsDir",
            "/data/plugins",
            "plugins",
            "install",
            "grafana-oncall-app",
            "1.16.9",
        ])
        .unwrap();
        assert_eq!(dirs(&read), vec![("/data/plugins", "grafana cli")]);
        assert_eq!(
            read.fetches[0].source,
            "https://grafana.com/api/plugins/grafana-oncall-app/versions/1.16.9/download"
        );
    }
}
