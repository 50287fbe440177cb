//! Converts the rule files (`rules/*.yaml`) to JSON at build time, compiles the chart
//! values schemas into static tables (`build/chart_schemas.rs`) and packs the chart defaults
//! (`build/chart_defaults.rs`).
//!
//! A lint reads the text of each rule that reports something. Reading YAML costs about
//! 20 µs per KiB (the scanner goes character by character, and rule files are mostly long
//! docs); the same data as JSON reads ten times faster, which is a tenth of a small file's
//! run. Every scalar becomes a JSON string (all a rule file holds), a plain `~`, `null` or
//! empty scalar becomes `null`. A file this cannot convert (anchors, a syntax error) is
//! written as `null`, and the library then reads the YAML itself, so a bad rule file fails
//! the same tests, with the same errors, as before. `rules_json_reads_as_the_yaml_does`
//! in `rules/registry.rs` checks the result for every rule.

use std::fmt::Write as _;
use std::path::Path;

use granit_parser::{Event, Parser, ScalarStyle};

#[path = "build/chart_defaults.rs"]
mod chart_defaults;
#[path = "build/chart_schemas.rs"]
mod chart_schemas;
#[path = "src/schema/keywords.rs"]
mod keywords;

fn main() {
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    if let Err(error) = chart_schemas::generate(&schemas, Path::new(&out_dir)) {
        // the schemas are ours: one the tables cannot hold is a build error
        eprintln!("error: compiling the chart schemas: {error}");
        std::process::exit(1);
    }
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/charts");
    if let Err(error) = chart_defaults::generate(&charts, Path::new(&out_dir)) {
        eprintln!("error: packing the chart defaults: {error}");
        std::process::exit(1);
    }
    rules_json(&out_dir);
}

/// Writes `OUT_DIR/rules/<file>.json` for every rule file.
fn rules_json(out_dir: &str) {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    println!("cargo:rerun-if-changed={}", rules.display());
    let out = Path::new(out_dir).join("rules");
    if std::fs::create_dir_all(&out).is_err() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(&rules) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let json = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| to_json(&text))
            .unwrap_or_else(|| "null".into());
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        // written only when changed, so a rebuild does not recompile the library
        let target = out.join(format!("{name}.json"));
        if std::fs::read_to_string(&target).ok().as_deref() != Some(json.as_str()) {
            let _ = std::fs::write(&target, json);
        }
    }
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
