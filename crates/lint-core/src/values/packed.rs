//! Reading the chart defaults from the packed form `build.rs` writes
//! (`build/chart_defaults.rs` describes it).
//!
//! The defaults are read on every run; from JSON text, most of their cost was growing maps
//! whose size a parser cannot know in advance. The packed form states every length first,
//! so each map and list is built once at its final size, and nothing is parsed.

use super::value::{Kind, Origin, Value};

/// How deep the packed data may nest (the chart defaults nest less than 20 levels).
const MAX_DEPTH: usize = 128;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// One hasher, randomly keyed, for every map read (keying each map anew cost as much as
    /// hashing its keys).
    hasher: ahash::RandomState,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn eight(&mut self) -> Option<[u8; 8]> {
        self.take(8)?.try_into().ok()
    }

    fn length(&mut self) -> Option<usize> {
        let four: [u8; 4] = self.take(4)?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(four)).ok()
    }

    fn text(&mut self) -> Option<String> {
        let n = self.length()?;
        std::str::from_utf8(self.take(n)?).ok().map(str::to_owned)
    }

    fn value(&mut self, origin: &Origin, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let kind = match self.byte()? {
            0 => Kind::Null,
            1 => Kind::Bool(false),
            2 => Kind::Bool(true),
            3 => Kind::Int(i64::from_le_bytes(self.eight()?)),
            4 => Kind::Float(f64::from_le_bytes(self.eight()?)),
            5 => Kind::Str(self.text()?),
            6 => {
                let n = self.length()?;
                // a length is never trusted past what the bytes could hold
                let mut items = Vec::with_capacity(n.min(self.bytes.len() - self.at));
                for _ in 0..n {
                    items.push(self.value(origin, depth + 1)?);
                }
                Kind::Seq(items)
            }
            7 => {
                let n = self.length()?;
                let mut map = crate::values::Map::with_capacity_and_hasher(
                    n.min(self.bytes.len() - self.at),
                    self.hasher.clone(),
                );
                for _ in 0..n {
                    let key = self.text()?;
                    let value = self.value(origin, depth + 1)?;
                    map.insert(key, value);
                }
                Kind::map(map)
            }
            _ => return None,
        };
        Some(Value::new(kind, origin.clone()))
    }
}

impl Value {
    /// Builds a value from the packed form, every node with the same origin: the value
    /// [`Value::from_json`] gives for the JSON it was packed from, or `null` if the bytes
    /// are not one packed value.
    pub fn from_packed(bytes: &[u8], origin: &Origin) -> Value {
        let mut reader = Reader {
            bytes,
            at: 0,
            hasher: ahash::RandomState::new(),
        };
        reader
            .value(origin, 0)
            .filter(|_| reader.at == bytes.len())
            .unwrap_or_else(|| Value::new(Kind::Null, origin.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin::Default {
            chart: "oncall",
            version: "1",
        }
    }

    /// The packed defaults read as their JSON does, for every chart file.
    #[test]
    fn packed_defaults_read_as_their_json() {
        let files = [
            (
                include_str!("../../data/charts/oncall-1.9.22.json"),
                &include_bytes!(concat!(env!("OUT_DIR"), "/charts/oncall-1.9.22.bin"))[..],
            ),
            (
                include_str!("../../data/charts/oncall-1.12.1.json"),
                &include_bytes!(concat!(env!("OUT_DIR"), "/charts/oncall-1.12.1.bin"))[..],
            ),
            (
                include_str!("../../data/charts/oncall-1.16.9.json"),
                &include_bytes!(concat!(env!("OUT_DIR"), "/charts/oncall-1.16.9.bin"))[..],
            ),
            (
                include_str!("../../data/charts/grafana-6.57.1.json"),
                &include_bytes!(concat!(env!("OUT_DIR"), "/charts/grafana-6.57.1.bin"))[..],
            ),
            (
                include_str!("../../data/charts/grafana-8.4.6.json"),
                &include_bytes!(concat!(env!("OUT_DIR"), "/charts/grafana-8.4.6.bin"))[..],
            ),
        ];
        for (json, packed) in files {
            let json: serde_json::Value = serde_json::from_str(json).expect("chart data is JSON");
            let from_json = Value::from_json(&json, &origin());
            assert!(from_json.as_map().is_some_and(|m| !m.is_empty()));
            assert_eq!(Value::from_packed(packed, &origin()), from_json);
        }
    }

    /// Bytes that are not one packed value read as `null`, whatever they hold.
    #[test]
    fn broken_packed_bytes_read_as_null() {
        let cases: [&[u8]; 7] = [
            b"",
            b"\x09",
            b"\x05\xff\xff\xff\xff",
            b"\x07\xff\xff\xff\x7f",
            b"\x06\x01\x00\x00\x00",
            b"\x05\x02\x00\x00\x00\xff\xfe",
            b"\x00\x00",
        ];
        for bytes in cases {
            assert!(Value::from_packed(bytes, &origin()).is_null(), "{bytes:?}");
        }
        // one packed value: a map `{"a": [1, 1.5, "s", null, true]}`
        let mut ok = vec![7, 1, 0, 0, 0, 1, 0, 0, 0, b'a', 6, 5, 0, 0, 0, 3];
        ok.extend_from_slice(&1i64.to_le_bytes());
        ok.push(4);
        ok.extend_from_slice(&1.5f64.to_le_bytes());
        ok.extend_from_slice(&[5, 1, 0, 0, 0, b's', 0, 2]);
        let json = serde_json::json!({"a": [1, 1.5, "s", null, true]});
        assert_eq!(
            Value::from_packed(&ok, &origin()),
            Value::from_json(&json, &origin())
        );
    }
}
