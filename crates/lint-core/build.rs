//! Converts the rule files (`rules/*.yaml`) at build time, compiles the chart values
//! schemas into static tables (`build/chart_schemas.rs`) and packs the chart defaults
//! (`build/chart_defaults.rs`) and the grafana chart version table
//! (`build/grafana_versions.rs`).
//!
//! Each rule file `rules/<CODE>-<name>.yaml` becomes `OUT_DIR/rules/<CODE>.json` (its whole
//! text, read when the rule first reports something) and `OUT_DIR/rules/<CODE>.rs` (the few
//! facts every run needs: name, severity, profile, the paths it claims from OC091), so a run
//! parses no rule text it does not print. JSON reads ten times faster than YAML, whose
//! scanner goes character by character through what are mostly long docs. Every scalar
//! becomes a JSON string (all a rule file holds); a plain `~`, `null` or empty scalar
//! becomes `null`. A rule file this cannot read (anchors, a syntax error, a severity that
//! is not one) stops the build with the file's name. `rules_json_reads_as_the_yaml_does`
//! in `registry.rs` compares the result with serde-saphyr's reading of every file.

#![warn(clippy::too_many_lines)]

use std::fmt::Write as _;
use std::path::Path;

use granit_parser::{Event, Parser, ScalarStyle};

#[path = "build/chart_defaults.rs"]
mod chart_defaults;
#[path = "build/chart_schemas.rs"]
mod chart_schemas;
#[path = "build/grafana_versions.rs"]
mod grafana_versions;
#[path = "src/schema/keywords.rs"]
mod keywords;

/// The crate's folder, as cargo says it when the script runs: a build script compiled in
/// one checkout may be reused by another that shares the target folder (the pre-commit
/// hook builds in a copy of the repository), so the folder is never the one it was
/// compiled in.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf())
}

fn main() {
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let schemas = manifest_dir().join("../../schemas");
    if let Err(error) = chart_schemas::generate(&schemas, Path::new(&out_dir)) {
        // the schemas are ours: one the tables cannot hold is a build error
        eprintln!("error: compiling the chart schemas: {error}");
        std::process::exit(1);
    }
    let charts = manifest_dir().join("data/charts");
    if let Err(error) = chart_defaults::generate(&charts, Path::new(&out_dir)) {
        eprintln!("error: packing the chart defaults: {error}");
        std::process::exit(1);
    }
    let versions = manifest_dir().join("data/grafana-charts/versions.tsv");
    if let Err(error) = grafana_versions::generate(&versions, Path::new(&out_dir)) {
        eprintln!("error: compiling the grafana chart versions: {error}");
        std::process::exit(1);
    }
    rules_json(&out_dir);
}

/// Writes `OUT_DIR/rules/<CODE>.json` and `<CODE>.rs` for every rule file.
fn rules_json(out_dir: &str) {
    let rules = manifest_dir().join("../../rules");
    println!("cargo:rerun-if-changed={}", rules.display());
    let out = Path::new(out_dir).join("rules");
    if let Err(error) = std::fs::create_dir_all(&out) {
        fail(&format!("{}: {error}", out.display()));
    }
    let entries = match std::fs::read_dir(&rules) {
        Ok(entries) => entries,
        Err(error) => fail(&format!("{}: {error}", rules.display())),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let json = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| to_json(&text))
            .unwrap_or_else(|| fail(&format!("rules/{name}: not a plain YAML map")));
        let (code, info) = match rule_info(&name, &json) {
            Ok(found) => found,
            Err(error) => fail(&format!("rules/{name}: {error}")),
        };
        write_if_changed(&out.join(format!("{code}.json")), &json);
        write_if_changed(&out.join(format!("{code}.rs")), &info);
    }
}

/// Stops the build with a message naming what is wrong.
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}

/// Written only when changed, so a rebuild does not recompile the library.
fn write_if_changed(target: &Path, text: &str) {
    if std::fs::read_to_string(target).ok().as_deref() != Some(text)
        && let Err(error) = std::fs::write(target, text)
    {
        fail(&format!("{}: {error}", target.display()));
    }
}

/// The rule's code and its `RuleInfo` as a Rust expression, from its file name and JSON.
fn rule_info(file: &str, json: &str) -> Result<(String, String), String> {
    let rule: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let text = |key: &str| rule.get(key).and_then(serde_json::Value::as_str);
    let code = text("code").ok_or("no `code`")?;
    let name = text("name").ok_or("no `name`")?;
    if file != format!("{code}-{name}.yaml") {
        return Err(format!("the file is not named `{code}-{name}.yaml`"));
    }
    let severity = match text("severity") {
        Some("error") => "Severity::Error",
        Some("warning") => "Severity::Warning",
        Some("info") => "Severity::Info",
        other => return Err(format!("severity {other:?} is not error, warning or info")),
    };
    let profile = match text("profile") {
        None => "None",
        Some("air-gapped") => "Some(Profile::AirGapped)",
        Some(other) => return Err(format!("profile `{other}` is not air-gapped")),
    };
    let mut claims = String::new();
    for claim in rule
        .get("claims")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
    {
        let path = claim
            .get("path")
            .and_then(serde_json::Value::as_str)
            .ok_or("a claim has no `path`")?;
        let collections_only = match claim.get("only").and_then(serde_json::Value::as_str) {
            None => false,
            Some("collections") => true,
            Some(other) => return Err(format!("claim `only: {other}` is not `collections`")),
        };
        let _ = write!(
            claims,
            "Claim {{ path: {path:?}, collections_only: {collections_only} }}, "
        );
    }
    let info = format!(
        "RuleInfo {{ name: {name:?}, severity: {severity}, profile: {profile}, claims: &[{claims}] }}\n"
    );
    Ok((code.to_owned(), info))
}

/// The first document of `text` as JSON, or `None` if it holds anything but maps, lists
/// and scalars.
fn to_json(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // per open collection: (is a map, entries written, next scalar is a key)
    let mut stack: Vec<(bool, usize, bool)> = Vec::new();
    let mut done = false;
    for item in Parser::new_from_str(text) {
        let (event, _) = item.ok()?;
        if done {
            break;
        }
        let value_start = |out: &mut String, stack: &mut Vec<(bool, usize, bool)>| {
            if let Some((is_map, count, key_next)) = stack.last_mut() {
                if *is_map && !*key_next {
                    out.push(':');
                    *key_next = true;
                } else {
                    if *count > 0 {
                        out.push(',');
                    }
                    *count += 1;
                    if *is_map {
                        *key_next = false;
                    }
                }
            }
        };
        match event {
            Event::StreamStart | Event::DocumentStart(..) | Event::Comment(..) => {}
            Event::StreamEnd | Event::DocumentEnd => done = true,
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let is_key = matches!(stack.last(), Some((true, _, true)));
                value_start(&mut out, &mut stack);
                let null = style == ScalarStyle::Plain
                    && matches!(&*value, "" | "~" | "null" | "Null" | "NULL");
                if null && !is_key {
                    out.push_str("null");
                } else {
                    string(&mut out, &value);
                }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let is_map = matches!(event, Event::MappingStart(..));
                if matches!(stack.last(), Some((true, _, true))) {
                    return None; // a collection as a key
                }
                value_start(&mut out, &mut stack);
                out.push(if is_map { '{' } else { '[' });
                stack.push((is_map, 0, true));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (is_map, _, _) = stack.pop()?;
                out.push(if is_map { '}' } else { ']' });
            }
            _ => return None,
        }
    }
    (stack.is_empty() && !out.is_empty()).then_some(out)
}

/// Writes `s` as a JSON string.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
