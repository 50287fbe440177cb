//! Packs the chart defaults (`data/charts/*.json`) into a compact binary form at build time.
//!
//! Every run reads the defaults of one chart state (about 700 values). From JSON, most of
//! that went into growing maps whose size the parser cannot know in advance; the packed
//! form gives every map and list its length up front, so `values::packed` builds each one
//! at its final size, with no parse. The format is written here and read there only:
//!
//! - `0` null, `1` false, `2` true
//! - `3` an integer: 8 bytes, little-endian `i64`
//! - `4` a float: 8 bytes, little-endian `f64` (also integers beyond `i64`, as JSON reads)
//! - `5` a string: its length (4 bytes, little-endian), then its UTF-8
//! - `6` a list: its length (4 bytes), then each item
//! - `7` a map: its length (4 bytes), then each key (as a string, without the tag) and value

use std::path::Path;

use serde_json::Value;

fn length(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let n = u32::try_from(n).map_err(|_| "too long for the packed form")?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

fn text(out: &mut Vec<u8>, s: &str) -> Result<(), String> {
    length(out, s.len())?;
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Appends `value` in the packed form.
fn pack(out: &mut Vec<u8>, value: &Value) -> Result<(), String> {
    match value {
        Value::Null => out.push(0),
        Value::Bool(false) => out.push(1),
        Value::Bool(true) => out.push(2),
        Value::Number(n) => match n.as_i64() {
            Some(i) => {
                out.push(3);
                out.extend_from_slice(&i.to_le_bytes());
            }
            None => {
                out.push(4);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_le_bytes());
            }
        },
        Value::String(s) => {
            out.push(5);
            text(out, s)?;
        }
        Value::Array(items) => {
            out.push(6);
            length(out, items.len())?;
            for item in items {
                pack(out, item)?;
            }
        }
        Value::Object(map) => {
            out.push(7);
            length(out, map.len())?;
            for (key, item) in map {
                text(out, key)?;
                pack(out, item)?;
            }
        }
    }
    Ok(())
}

/// Writes `OUT_DIR/charts/<name>.bin` for every `<name>.json` in `dir`.
pub fn generate(dir: &Path, out: &Path) -> Result<(), String> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let out = out.join("charts");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_stem().and_then(|n| n.to_str()) else {
            continue;
        };
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let json: Value = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|t| {
                serde_json::from_str(&t).map_err(|e| format!("{}: {e}", path.display()))
            })?;
        let mut bytes = Vec::new();
        pack(&mut bytes, &json)?;
        let target = out.join(format!("{name}.bin"));
        if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}
