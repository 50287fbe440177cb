//! `oncall-lint server` driven as an editor drives it: the built binary spawned, JSON-RPC
//! over its standard input and output (initialize, didOpen, didChange, codeAction, hover,
//! shutdown, exit). Its diagnostics must be the command line's findings (`--format json`
//! on the same files: code, range and severity), each code action's edit must remove its
//! finding when applied, and hover must show a key's effective value and its origin.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_oncall-lint");
/// How long a reply may take before the test calls the server hung (a debug build lints a
/// file in well under a second; this only keeps a broken server from hanging the suite).
const HANG: Duration = Duration::from_secs(120);

/// A language client over the server's stdio.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: mpsc::Receiver<Value>,
    /// Notifications read while waiting for something else.
    seen: Vec<Value>,
    next_id: i64,
    utf8: bool,
}

impl Client {
    /// Starts the server in `root`, offering UTF-8 positions when `utf8`.
    fn start(root: &Path, utf8: bool) -> Client {
        let mut child = Command::new(BIN)
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).expect("a whole message");
                let value: Value = serde_json::from_slice(&body).expect("JSON");
                if sender.send(value).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            seen: Vec::new(),
            next_id: 0,
            utf8,
        };
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let root_uri = uri(root);
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "root"}],
                "capabilities": {"general": {"positionEncodings": encodings}},
                "initializationOptions": {"debounceMs": 1},
            }),
        );
        let agreed = if utf8 { "utf-8" } else { "utf-16" };
        assert_eq!(result["capabilities"]["positionEncoding"], agreed);
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(HANG)
            .expect("the server answers")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == id && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
            self.seen.push(message);
        }
    }

    /// The diagnostics published for `uri` (at `version`, when given), waiting for them.
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        };
        if let Some(index) = self.seen.iter().rposition(matches) {
            let found = self.seen.remove(index);
            self.seen.retain(|m| !matches(m));
            return found["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let message = self.next();
            if matches(&message) {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.seen.push(message);
        }
    }

    fn open(&mut self, path: &Path, text: &str) -> Vec<Value> {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 0, "text": text}}),
        );
        self.diagnostics(&uri, Some(0))
    }

    fn change(&mut self, path: &Path, version: i64, text: &str) -> Vec<Value> {
        let uri = uri(path);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(&uri, Some(version))
    }

    fn stop(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "{status}");
    }

    /// The LSP range of a 1-based line and character column in `text`.
    fn range(&self, text: &str, start: &Value, end: &Value) -> Value {
        let at = |p: &Value| {
            let line = p["line"].as_u64().expect("line") as usize - 1;
            let column = p["column"].as_u64().expect("column") as usize - 1;
            let content = text.split('\n').nth(line).unwrap_or("");
            let units: usize = content
                .chars()
                .take(column)
                .map(|c| {
                    if self.utf8 {
                        c.len_utf8()
                    } else {
                        c.len_utf16()
                    }
                })
                .sum();
            json!({"line": line, "character": units})
        };
        json!({"start": at(start), "end": at(end)})
    }
}

fn uri(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", path.display())
}

/// The command line's findings, as `(file, code, range, severity)` per file in `root`.
fn cli_findings(client: &Client, root: &Path, args: &[&str]) -> Vec<(PathBuf, String, Value, i64)> {
    let out = Command::new(BIN)
        .args(["--format", "json"])
        .args(args)
        .current_dir(root)
        .output()
        .expect("run the command line");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let mut found = Vec::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        let file = root.join(d["file"].as_str().expect("file"));
        let text = std::fs::read_to_string(&file).expect("the file");
        let severity = match d["severity"].as_str() {
            Some("error") => 1,
            Some("warning") => 2,
            _ => 3,
        };
        found.push((
            file.canonicalize().expect("the file"),
            d["code"].as_str().expect("code").to_owned(),
            client.range(&text, &d["start"], &d["end"]),
            severity,
        ));
    }
    found
}

/// `(code, range, severity)` of each diagnostic, sorted.
fn summary(diagnostics: &[Value]) -> Vec<(String, Value, i64)> {
    let mut out: Vec<(String, Value, i64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().expect("a code").to_owned(),
                d["range"].clone(),
                d["severity"].as_i64().expect("a severity"),
            )
        })
        .collect();
    out.sort_by_key(|(code, range, _)| (range.to_string(), code.clone()));
    out
}

fn of_file(findings: &[(PathBuf, String, Value, i64)], file: &Path) -> Vec<(String, Value, i64)> {
    let file = file.canonicalize().expect("the file");
    let mut out: Vec<(String, Value, i64)> = findings
        .iter()
        .filter(|(f, ..)| *f == file)
        .map(|(_, code, range, severity)| (code.clone(), range.clone(), *severity))
        .collect();
    out.sort_by_key(|(code, range, _)| (range.to_string(), code.clone()));
    out
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fixtures linted with no options: several rule folders and realistic files.
fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["OC001", "OC030", "OC092", "OC093", "OC048"] {
        let dir = repository().join("testdata/rules").join(dir);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("the rule folder")
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let text = std::fs::read_to_string(p).unwrap_or_default();
                name.starts_with("fail-") && !text.starts_with("# oncall-lint-test:")
            })
            .collect();
        entries.sort();
        files.extend(entries.into_iter().take(3));
    }
    for realistic in [
        "testdata/realistic/blog-copy/values.yaml",
        "testdata/realistic/umbrella/values.yaml",
        "testdata/realistic/airgapped/values.yaml",
    ] {
        files.push(repository().join(realistic));
    }
    files
}

#[test]
fn diagnostics_are_the_command_lines_findings() {
    let root = repository();
    let mut client = Client::start(&root, false);
    let mut compared = 0;
    for fixture in fixtures() {
        let text = std::fs::read_to_string(&fixture).expect("the fixture");
        let published = client.open(&fixture, &text);
        let got = summary(&published);
        let relative = fixture.strip_prefix(&root).expect("in the repository");
        let want = of_file(
            &cli_findings(&client, &root, &[&relative.display().to_string()]),
            &fixture,
        );
        assert_eq!(got, want, "{}", relative.display());
        compared += want.len();
        for d in &published {
            if d["code"].as_str().is_some_and(|c| c.starts_with("OC")) {
                let href = d["codeDescription"]["href"].as_str().expect("a rule link");
                assert!(href.contains(d["code"].as_str().expect("code")), "{href}");
            }
        }
    }
    assert!(compared >= 15, "only {compared} findings compared");
    client.stop();
}

/// Applies a code action's edits to `text` (the edits of one file, from the end so the
/// earlier ranges stay put).
fn apply(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut edits: Vec<&Value> = edits.iter().collect();
    let key = |e: &&Value| {
        let s = &e["range"]["start"];
        (
            s["line"].as_u64().unwrap_or(0),
            s["character"].as_u64().unwrap_or(0),
        )
    };
    edits.sort_by_key(key);
    let mut out = text.to_owned();
    for edit in edits.into_iter().rev() {
        let start = offset(&out, &edit["range"]["start"], utf8);
        let end = offset(&out, &edit["range"]["end"], utf8);
        out.replace_range(start..end, edit["newText"].as_str().expect("newText"));
    }
    out
}

/// The byte offset of an LSP position in `text` (lines end at `\n`).
fn offset(text: &str, position: &Value, utf8: bool) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    text.len()
}

fn count(diagnostics: &[Value], code: &str) -> usize {
    diagnostics.iter().filter(|d| d["code"] == code).count()
}

/// Every code action of every finding, applied to the text and sent as a change, removes
/// its finding (and the text is put back before the next).
#[test]
fn each_code_action_removes_its_finding() {
    let root = repository();
    let mut client = Client::start(&root, false);
    let mut version = 0;
    let (mut fixes, mut suppressions, mut unsafe_fixes) = (0, 0, 0);
    for fixture in fixtures() {
        let text = std::fs::read_to_string(&fixture).expect("the fixture");
        let file = uri(&fixture);
        let published = client.open(&fixture, &text);
        for diagnostic in &published {
            let code = diagnostic["code"].as_str().expect("code").to_owned();
            let actions = client.request(
                "textDocument/codeAction",
                json!({
                    "textDocument": {"uri": file},
                    "range": diagnostic["range"],
                    "context": {"diagnostics": [diagnostic]},
                }),
            );
            let actions = actions.as_array().cloned().unwrap_or_default();
            let mine: Vec<&Value> = actions
                .iter()
                .filter(|a| a["diagnostics"][0] == *diagnostic)
                .collect();
            assert!(
                mine.iter().any(|a| a["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Suppress"))),
                "{code} at {}: no suppression among {actions:?}",
                diagnostic["range"]
            );
            for action in mine {
                let title = action["title"].as_str().expect("title");
                let changes = action["edit"]["changes"].as_object().expect("changes");
                if changes.keys().any(|k| *k != file) {
                    // a fix in another file: checked by the release test
                    continue;
                }
                let edited = apply(&text, changes[&file].as_array().expect("edits"), false);
                version += 1;
                let after = client.change(&fixture, version, &edited);
                assert!(
                    count(&after, &code) < count(&published, &code),
                    "{}: `{title}` left {code}:\n{edited}",
                    fixture.display()
                );
                if title.starts_with("Suppress") {
                    suppressions += 1;
                } else if title.contains("unsafe fix") {
                    unsafe_fixes += 1;
                    assert_eq!(action["isPreferred"], false);
                } else {
                    fixes += 1;
                    assert_eq!(action["isPreferred"], true);
                }
                version += 1;
                client.change(&fixture, version, &text);
            }
        }
    }
    assert!(
        fixes >= 5 && suppressions >= 15,
        "{fixes} fixes, {suppressions} suppressions"
    );
    eprintln!(
        "applied {fixes} safe fixes, {unsafe_fixes} unsafe fixes, {suppressions} suppressions"
    );
    client.stop();
}

/// A workspace whose `.oncall-lint.yaml` makes two files one release.
fn release_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("write");
    };
    write(
        ".oncall-lint.yaml",
        "releases:\n  - name: prod\n    files: [base-values.yaml, prod-values.yaml]\n",
    );
    // the base turns Grafana off and points at an external one; prod turns it back on,
    // which makes the external URL ignored (OC014) in the base
    write(
        "base-values.yaml",
        "# base — shared by every environment (ünïcödé comment)\nbase_url: oncall.example.com\ngrafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana.monitoring:3000\n",
    );
    write(
        "prod-values.yaml",
        "# prod — 本番\ngrafana:\n  enabled: true\n  plugins:\n    - grafana-oncall-app\n",
    );
    dir
}

#[test]
fn a_release_is_linted_whole_and_its_other_files_get_their_findings() {
    let dir = release_workspace();
    let root = dir.path().canonicalize().expect("the directory");
    let base = root.join("base-values.yaml");
    let prod = root.join("prod-values.yaml");
    for utf8 in [false, true] {
        let mut client = Client::start(&root, utf8);
        let want = cli_findings(&client, &root, &[]);
        assert!(!want.is_empty(), "the release has findings");
        let text = std::fs::read_to_string(&base).expect("base");
        let before = client.open(&base, &text);
        assert_eq!(
            summary(&before),
            of_file(&want, &base),
            "base-values.yaml (utf8: {utf8})"
        );
        // prod is not open: its findings from base's release are published for it
        let prod_got = summary(&client.diagnostics(&uri(&prod), None));
        assert_eq!(
            prod_got,
            of_file(&want, &prod),
            "prod-values.yaml (utf8: {utf8})"
        );
        // hover on `enabled` in base: prod's `true` wins, and prod's line is the origin
        let line = text
            .lines()
            .position(|l| l.contains("enabled"))
            .expect("enabled");
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&base)}, "position": {"line": line, "character": 4}}),
        );
        let shown = hover["contents"]["value"].as_str().expect("markdown");
        assert!(
            shown.contains("`grafana.enabled`") && shown.contains("= `true`"),
            "{shown}"
        );
        assert!(shown.contains("prod-values.yaml` line 3"), "{shown}");
        // hover on a key the chart sets: the chart default and its version
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&base)}, "position": {"line": line - 1, "character": 2}}),
        );
        let shown = hover["contents"]["value"].as_str().expect("markdown");
        assert!(
            shown.contains("`grafana`") && shown.contains("from the default of the grafana chart"),
            "{shown}"
        );
        // an edit that removes the override removes its finding, in the unsaved text
        let edited = text.replace(
            "externalGrafana:\n  url: http://grafana.monitoring:3000\n",
            "",
        );
        let after = client.change(&base, 1, &edited);
        assert_eq!(count(&before, "OC014"), 1, "{before:?}");
        assert_eq!(count(&after, "OC014"), 0, "{after:?}");
        client.stop();
    }
}
