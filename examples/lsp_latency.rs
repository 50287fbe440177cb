//! The language server's latency as an editor feels it: from a `didChange` sent to the
//! `publishDiagnostics` of that version, over many edits of a ~20 KB values file (the
//! README's example with a long `env` map, a typical large production file). Prints the
//! median, p95 and worst, and whether the median is under the 10 ms target.
//!
//! usage: cargo run --release --example lsp_latency -- path/to/oncall-lint [EDITS]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(bin) = args.next() else {
        eprintln!("usage: lsp_latency path/to/oncall-lint [EDITS]");
        return std::process::ExitCode::from(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(300);
    match measure(&bin, edits) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lsp_latency: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The values file: the README's example, then an `env` map until it is 20 KB.
fn values() -> String {
    let mut text = include_str!("values.yaml").to_owned();
    text.push_str("replicaCount: 1\nenv:\n");
    let mut i = 0;
    while text.len() < 20 * 1024 {
        text.push_str(&format!(
            "  FEATURE_FLAG_{i:04}: \"enabled\"   # rollout step {i}\n"
        ));
        i += 1;
    }
    text
}

fn measure(bin: &str, edits: usize) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("oncall-lint-lsp-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("values.yaml");
    let text = values();
    std::fs::write(&file, &text).map_err(|e| e.to_string())?;
    let uri = format!("file://{}", file.display());
    let mut child = Command::new(bin)
        .arg("server")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{bin}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut send = |message: Value| -> Result<(), String> {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).map_err(|e| e.to_string())?;
        stdin.flush().map_err(|e| e.to_string())
    };
    let dir_uri = format!("file://{}", dir.display());
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": dir_uri, "capabilities": {}}}),
    )?;
    wait(&mut stdout, |m| m["id"] == 1)?;
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))?;
    send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 0, "text": text}}}),
    )?;
    let published = |version: i64| {
        move |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        }
    };
    let first = wait(&mut stdout, published(0))?;
    let findings = first["params"]["diagnostics"]
        .as_array()
        .map_or(0, Vec::len);
    // the line of `replicaCount: 1`: each edit types another digit count there
    let line = text
        .lines()
        .position(|l| l.starts_with("replicaCount: "))
        .ok_or("no replicaCount line")?;
    let mut times = Vec::with_capacity(edits);
    for version in 1..=edits as i64 {
        let value = (version % 9 + 1).to_string();
        let started = Instant::now();
        send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {
                "start": {"line": line, "character": 14},
                "end": {"line": line, "character": 15}}, "text": value}]}}),
        )?;
        wait(&mut stdout, published(version))?;
        times.push(started.elapsed());
    }
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}))?;
    wait(&mut stdout, |m| m["id"] == 2)?;
    send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}))?;
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(at(0.5));
    println!(
        "file: {} bytes, {} findings; {} edits (didChange -> publishDiagnostics)",
        text.len(),
        findings,
        times.len()
    );
    println!(
        "median {median:.2} ms, p95 {:.2} ms, worst {:.2} ms",
        ms(at(0.95)),
        ms(at(1.0))
    );
    println!(
        "target: median < 10 ms: {}",
        if median < 10.0 { "met" } else { "NOT MET" }
    );
    Ok(())
}

/// Reads messages until one matches.
fn wait(stdout: &mut impl BufRead, matches: impl Fn(&Value) -> bool) -> Result<Value, String> {
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if stdout.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Err("the server closed its output".into());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.ok_or("a message without Content-Length")?];
        stdout.read_exact(&mut body).map_err(|e| e.to_string())?;
        let message: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        if matches(&message) {
            return Ok(message);
        }
    }
}
