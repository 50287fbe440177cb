//! Helm's view of each values file, as oncall-lint's reader makes it: the counterpart of
//! `scripts/helm-yaml/main.go` (Helm's own `chartutil.ReadValues`) in the differential test
//! `scripts/helm-yaml/diff.sh`.
//!
//! Each file goes through `build_release`, the read path of `oncall-lint -f FILE` (decode,
//! parse, the first document, the root a map, every scalar resolved and every alias and
//! merge key expanded), with the values root forced to the top level so that nothing is
//! moved. One line per file, in the Go loader's format:
//!
//! ```text
//! NAME<TAB>ok<TAB>CANONICAL-JSON
//! NAME<TAB>refused<TAB>REASON
//! ```
//!
//! The canonical JSON is written here by hand (not with serde_json) because it must match
//! the Go loader's bytes: sorted keys, every number as the float64 Helm holds, printed as
//! Go's encoding/json prints it, and strings escaped only where JSON requires it.
//!
//! usage: cargo run --example helm_values -- FILE...

use std::fmt::Write as _;
use std::io::Write as _;

use oncall_lint_core::values::{Kind, Value};
use oncall_lint_core::{InputFile, LintOptions, build_release};

fn main() -> std::process::ExitCode {
    let mut options = LintOptions::default();
    options.release.values_root = Some(String::new());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("{path}: {err}");
                return std::process::ExitCode::from(2);
            }
        };
        let file = InputFile {
            path: path.clone(),
            bytes,
        };
        let line = match build_release(vec![file], &options) {
            Ok((release, _)) => {
                let mut json = String::new();
                // an empty file or a null root is an empty map to Helm, and to the linter
                match release.layers.first().and_then(|l| l.values.as_ref()) {
                    Some(value) if !matches!(value.kind, Kind::Null) => {
                        write_value(&mut json, value);
                    }
                    _ => json.push_str("{}"),
                }
                format!("{path}\tok\t{json}")
            }
            Err(findings) => {
                let reasons: Vec<String> = findings
                    .iter()
                    .map(|f| f.message.replace('\n', " "))
                    .collect();
                format!("{path}\trefused\t{}", reasons.join("; "))
            }
        };
        if writeln!(out, "{line}").is_err() {
            return std::process::ExitCode::from(2);
        }
    }
    if out.flush().is_err() {
        return std::process::ExitCode::from(2);
    }
    std::process::ExitCode::SUCCESS
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A float64 as Go's encoding/json prints it: the shortest digits that read back, in
/// exponent form below 1e-6 and from 1e21 (`1e+21`, `1e-7`).
fn write_float(out: &mut String, f: f64) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let e = format!("{f:e}");
        match e.split_once('e') {
            Some((mantissa, exp)) if exp.starts_with('-') => {
                let _ = write!(out, "{mantissa}e{exp}");
            }
            Some((mantissa, exp)) => {
                let _ = write!(out, "{mantissa}e+{exp}");
            }
            None => out.push_str(&e),
        }
    } else if f == 0.0 {
        // Go prints -0 as "-0"
        out.push_str(if f.is_sign_negative() { "-0" } else { "0" });
    } else {
        let _ = write!(out, "{f}");
    }
}

fn write_value(out: &mut String, value: &Value) {
    match &value.kind {
        Kind::Null => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Helm's values hold every number as a float64 (they pass through JSON)
        Kind::Int(i) => write_float(out, *i as f64),
        Kind::Float(f) => write_float(out, *f),
        Kind::Str(s) => write_string(out, s),
        Kind::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Kind::Map(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}
