//! Paths into values: the one typed vocabulary that locations, the schema walk, provisioning
//! and fixes share. A [`KeyPath`] is a list of [`Seg`]s; it prints the way every output
//! format names a key (`grafana."grafana.ini".server.root_url`, `grafana.extraVolumes[0]`).

use std::fmt;

/// One step of a path inside a YAML document or the values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

impl Seg {
    /// A path of keys.
    pub fn keys(keys: &[&str]) -> Vec<Seg> {
        keys.iter().map(|k| Seg::Key((*k).to_owned())).collect()
    }
}

/// A key path: where a value is, as a list of keys and indices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KeyPath(Vec<Seg>);

impl KeyPath {
    /// The empty path (a whole file).
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    /// A path of mapping keys.
    pub fn of(keys: &[&str]) -> Self {
        KeyPath(Seg::keys(keys))
    }

    /// A path of keys and indices.
    pub fn from_segs(segs: &[Seg]) -> Self {
        KeyPath(segs.to_vec())
    }

    /// This path with a mapping key appended.
    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        KeyPath(segs)
    }

    /// This path with several mapping keys appended.
    pub fn extend(&self, keys: &[&str]) -> Self {
        let mut segs = self.0.clone();
        segs.extend(keys.iter().map(|k| Seg::Key((*k).to_owned())));
        KeyPath(segs)
    }

    /// This path with a list index appended.
    pub fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        KeyPath(segs)
    }

    /// Its steps.
    pub fn segs(&self) -> &[Seg] {
        &self.0
    }

    /// Whether it is the empty path.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads a path as [`KeyPath`] prints it: keys separated by dots, a key in double
    /// quotes when it holds a dot (`"grafana.ini"`, with `\"` and `\\` escapes), indices
    /// in brackets (`extraVolumes[0]`).
    pub fn parse(text: &str) -> Result<KeyPath, PathError> {
        let error = |reason: &str| PathError {
            path: text.to_owned(),
            reason: reason.to_owned(),
        };
        let mut segs = Vec::new();
        let mut chars = text.chars().peekable();
        // whether a key may start here (the start, or after a dot)
        let mut expect_key = true;
        while let Some(&c) = chars.peek() {
            match c {
                '[' => {
                    chars.next();
                    let digits: String = chars.by_ref().take_while(|c| *c != ']').collect();
                    let index = digits
                        .parse()
                        .map_err(|_| error("an index is not a number"))?;
                    segs.push(Seg::Index(index));
                    expect_key = false;
                }
                '.' if !expect_key => {
                    chars.next();
                    expect_key = true;
                }
                '"' if expect_key => {
                    chars.next();
                    let mut key = String::new();
                    loop {
                        match chars.next() {
                            Some('\\') => key.extend(chars.next()),
                            Some('"') => break,
                            Some(c) => key.push(c),
                            None => return Err(error("a quote is not closed")),
                        }
                    }
                    segs.push(Seg::Key(key));
                    expect_key = false;
                }
                _ if expect_key => {
                    let mut key = String::new();
                    while let Some(&c) = chars.peek() {
                        if c == '.' || c == '[' {
                            break;
                        }
                        if c == '"' || c == ']' {
                            return Err(error("a key holding a quote or bracket must be quoted"));
                        }
                        key.push(c);
                        chars.next();
                    }
                    if key.is_empty() {
                        return Err(error("a key is empty"));
                    }
                    segs.push(Seg::Key(key));
                    expect_key = false;
                }
                _ => return Err(error("a key must follow a dot")),
            }
        }
        if expect_key && !segs.is_empty() {
            return Err(error("a key is empty"));
        }
        Ok(KeyPath(segs))
    }
}

/// A key path that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("key path `{path}`: {reason}")]
pub struct PathError {
    /// The text.
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

impl From<Vec<Seg>> for KeyPath {
    fn from(segs: Vec<Seg>) -> Self {
        KeyPath(segs)
    }
}

/// Keys holding a dot, a space, a bracket or a quote (or nothing) are printed quoted, so
/// the printed path reads back to the same keys.
impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(index) => write!(f, "[{index}]")?,
                Seg::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    let needs_quotes = key.is_empty() || key.contains(['.', ' ', '[', ']', '"']);
                    if needs_quotes {
                        write!(f, "{key:?}")?;
                    } else {
                        f.write_str(key)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// As its printed form: the key path every report shows.
impl serde::Serialize for KeyPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_quote_dotted_keys() {
        let p = KeyPath::of(&["grafana", "grafana.ini", "server"]).key("root_url");
        assert_eq!(p.to_string(), "grafana.\"grafana.ini\".server.root_url");
        assert_eq!(
            KeyPath::of(&["grafana", "extraVolumes"])
                .index(0)
                .key("name")
                .to_string(),
            "grafana.extraVolumes[0].name"
        );
        assert_eq!(KeyPath::root().index(2).key("a").to_string(), "[2].a");
        assert_eq!(KeyPath::of(&[""]).to_string(), "\"\"");
        assert_eq!(KeyPath::root().to_string(), "");
    }

    #[test]
    fn printed_paths_read_back() {
        for text in [
            "grafana.\"grafana.ini\".server.root_url",
            "grafana.extraVolumes[0].name",
            "[2].a",
            "a[0][1]",
            "\"\"",
            "\"a\\\"b\".c",
            "",
        ] {
            let path = KeyPath::parse(text).unwrap();
            assert_eq!(path.to_string(), text);
        }
        assert_eq!(
            KeyPath::parse("grafana.\"grafana.ini\"").unwrap().segs(),
            Seg::keys(&["grafana", "grafana.ini"])
        );
        for bad in ["a.", ".a", "a..b", "a[x]", "\"a", "a\"b\""] {
            assert!(KeyPath::parse(bad).is_err(), "{bad}");
        }
    }
}
