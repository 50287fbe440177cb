//! Helm's `--set` / `--set-string` syntax (its `strvals` parser): dotted keys, `a[0].b`
//! list indexes, `\.` escaped dots (`grafana\.ini`), `\,` escaped commas, `{a,b}` lists,
//! several assignments separated by commas, and Helm's typing of `--set` values (`true`,
//! `false`, `null`, and integers that do not start with `0`; everything else, floats
//! included, is a string). `--set-string` keeps every value a string.
//!
//! Every value remembers the byte range of its text inside the argument, so a finding about
//! a `--set` value can point at it.

use std::ops::Range;

use super::value::{Kind, Origin, Site, Value};

/// Helm refuses list indexes above this.
pub const MAX_INDEX: usize = 65_536;

/// A `--set` argument that Helm would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError {
    /// Byte offset in the argument.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String, Range<usize>),
    Index(usize, Range<usize>),
}

/// One parsed assignment: the path, the value and where its text is.
#[derive(Debug, Clone)]
struct Assignment {
    path: Vec<Segment>,
    kind: Kind,
    span: Range<usize>,
}

/// Parses one `--set` (or, with `strings`, `--set-string`) argument and applies it to
/// `into` (a map). `offset` is where the argument's text starts in the layer's file, and
/// `layer` the layer index, for provenance.
pub fn apply(
    into: &mut Value,
    arg: &str,
    strings: bool,
    layer: usize,
    offset: usize,
) -> Result<(), SetError> {
    for assignment in parse(arg, strings)? {
        insert(into, &assignment, layer, offset)?;
    }
    Ok(())
}

/// Checks an argument's syntax without applying it (for refusing bad flags up front).
pub fn validate(arg: &str, strings: bool) -> Result<(), SetError> {
    parse(arg, strings).map(|_| ())
}

fn parse(arg: &str, strings: bool) -> Result<Vec<Assignment>, SetError> {
    let mut parser = Parser {
        text: arg,
        pos: 0,
        strings,
    };
    let mut out = Vec::new();
    while parser.pos < arg.len() {
        out.push(parser.assignment()?);
        if parser.peek() == Some(',') {
            parser.pos += 1;
        }
    }
    Ok(out)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    strings: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn error(&self, message: impl Into<String>) -> SetError {
        SetError {
            offset: self.pos,
            message: message.into(),
        }
    }

    fn assignment(&mut self) -> Result<Assignment, SetError> {
        let mut path = Vec::new();
        loop {
            let start = self.pos;
            let key = self.read_until(&['=', '[', '.', ','])?;
            let key_span = start..self.pos;
            match self.peek() {
                Some('[') => {
                    if !key.is_empty() {
                        path.push(Segment::Key(key, key_span));
                    } else if path.is_empty() {
                        return Err(self.error("key is empty before `[`"));
                    }
                    self.index(&mut path)?;
                    match self.peek() {
                        Some('=') => break,
                        Some('.') => self.pos += 1,
                        _ => return Err(self.error("expected `=` or `.` after a list index")),
                    }
                }
                Some('=') => {
                    if key.is_empty() {
                        return Err(self.error("key is empty before `=`"));
                    }
                    path.push(Segment::Key(key, key_span));
                    break;
                }
                Some('.') => {
                    if key.is_empty() {
                        return Err(self.error("key is empty before `.`"));
                    }
                    path.push(Segment::Key(key, key_span));
                    self.pos += 1;
                }
                _ => {
                    return Err(SetError {
                        offset: start,
                        message: format!("key `{key}` has no value (expected `{key}=VALUE`)"),
                    });
                }
            }
        }
        self.pos += 1; // '='
        let start = self.pos;
        let kind = if self.peek() == Some('{') {
            self.pos += 1;
            let mut items = Vec::new();
            loop {
                let item = self.read_until(&[',', '}'])?;
                match self.peek() {
                    Some(',') => {
                        self.pos += 1;
                        items.push(item);
                    }
                    Some('}') => {
                        self.pos += 1;
                        if !item.is_empty() || !items.is_empty() {
                            items.push(item);
                        }
                        break;
                    }
                    _ => return Err(self.error("list is missing its closing `}`")),
                }
            }
            Kind::Seq(
                items
                    .into_iter()
                    .map(|s| Value::new(self.typed(&s), placeholder()))
                    .collect(),
            )
        } else {
            let text = self.read_until(&[','])?;
            self.typed(&text)
        };
        Ok(Assignment {
            path,
            kind,
            span: start..self.pos,
        })
    }

    fn index(&mut self, path: &mut Vec<Segment>) -> Result<(), SetError> {
        while self.peek() == Some('[') {
            let start = self.pos;
            self.pos += 1;
            let digits = self.read_until(&[']'])?;
            if self.peek() != Some(']') {
                return Err(self.error("list index is missing its closing `]`"));
            }
            self.pos += 1;
            let index: usize = digits.parse().map_err(|_| SetError {
                offset: start,
                message: format!("`{digits}` is not a list index"),
            })?;
            if index > MAX_INDEX {
                return Err(SetError {
                    offset: start,
                    message: format!(
                        "index of {index} is greater than maximum supported index value {MAX_INDEX}"
                    ),
                });
            }
            path.push(Segment::Index(index, start..self.pos));
        }
        Ok(())
    }

    /// Reads up to an unescaped stop character; `\x` yields `x`.
    fn read_until(&mut self, stops: &[char]) -> Result<String, SetError> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.pos += 1;
                match self.peek() {
                    Some(next) => {
                        out.push(next);
                        self.pos += next.len_utf8();
                    }
                    None => return Err(self.error("a trailing `\\` escapes nothing")),
                }
                continue;
            }
            if stops.contains(&c) {
                break;
            }
            out.push(c);
            self.pos += c.len_utf8();
        }
        Ok(out)
    }

    /// Helm's `typedVal`.
    fn typed(&self, text: &str) -> Kind {
        if self.strings {
            return Kind::Str(text.to_owned());
        }
        if text.eq_ignore_ascii_case("true") {
            return Kind::Bool(true);
        }
        if text.eq_ignore_ascii_case("false") {
            return Kind::Bool(false);
        }
        if text.eq_ignore_ascii_case("null") {
            return Kind::Null;
        }
        if text == "0" {
            return Kind::Int(0);
        }
        if !text.is_empty()
            && !text.starts_with('0')
            && let Ok(i) = text.parse::<i64>()
        {
            return Kind::Int(i);
        }
        Kind::Str(text.to_owned())
    }
}

fn placeholder() -> Origin {
    Origin::Default {
        chart: "",
        version: "",
    }
}

fn insert(
    into: &mut Value,
    assignment: &Assignment,
    layer: usize,
    offset: usize,
) -> Result<(), SetError> {
    let site = |span: &Range<usize>, key: Option<&Range<usize>>| {
        Origin::User(Site {
            layer,
            span: offset + span.start..offset + span.end,
            key_span: key.map(|k| offset + k.start..offset + k.end),
        })
    };
    let mut current = into;
    let last = assignment.path.len() - 1;
    for (i, segment) in assignment.path.iter().enumerate() {
        let is_last = i == last;
        let (seg_span, key_span) = match segment {
            Segment::Key(_, span) | Segment::Index(_, span) => (span, Some(span)),
        };
        let leaf = || {
            let mut value = Value::new(assignment.kind.clone(), site(&assignment.span, key_span));
            if let Kind::Seq(items) = &mut value.kind {
                for item in items {
                    item.origin = site(&assignment.span, None);
                }
            }
            value
        };
        let container = |next: Option<&Segment>| match next {
            Some(Segment::Index(..)) => Value::new(Kind::Seq(Vec::new()), site(seg_span, key_span)),
            _ => Value::new(
                Kind::map(crate::values::Map::default()),
                site(seg_span, key_span),
            ),
        };
        let next = assignment.path.get(i + 1);
        match segment {
            Segment::Key(key, _) => {
                if !matches!(current.kind, Kind::Map(_)) {
                    current.kind = Kind::map(crate::values::Map::default());
                }
                let Kind::Map(map) = &mut current.kind else {
                    unreachable_map()
                };
                let map = std::sync::Arc::make_mut(map);
                if is_last {
                    map.insert(key.clone(), leaf());
                    return Ok(());
                }
                let entry = map.entry(key.clone()).or_insert_with(|| container(next));
                let wants_seq = matches!(next, Some(Segment::Index(..)));
                if wants_seq != matches!(entry.kind, Kind::Seq(_)) {
                    *entry = container(next);
                }
                current = entry;
            }
            Segment::Index(index, _) => {
                if !matches!(current.kind, Kind::Seq(_)) {
                    current.kind = Kind::Seq(Vec::new());
                }
                let Kind::Seq(items) = &mut current.kind else {
                    unreachable_map()
                };
                while items.len() <= *index {
                    items.push(Value::new(Kind::Null, site(seg_span, None)));
                }
                if is_last {
                    items[*index] = leaf();
                    return Ok(());
                }
                let wants_seq = matches!(next, Some(Segment::Index(..)));
                let slot = &mut items[*index];
                let matches_kind = if wants_seq {
                    matches!(slot.kind, Kind::Seq(_))
                } else {
                    matches!(slot.kind, Kind::Map(_))
                };
                if !matches_kind {
                    *slot = container(next);
                }
                current = slot;
            }
        }
    }
    Ok(())
}

/// The `let ... else` arms above follow an assignment of that very variant.
#[cold]
fn unreachable_map() -> ! {
    unreachable!("the variant was assigned just before")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(args: &[(&str, bool)]) -> Result<serde_json::Value, SetError> {
        let mut value = Value::new(Kind::map(crate::values::Map::default()), placeholder());
        for (arg, strings) in args {
            apply(&mut value, arg, *strings, 0, 0)?;
        }
        Ok(value.to_json())
    }

    /// Each expectation is what `helm template --set ...` passes to the templates
    /// (helm's pkg/strvals tests: typedVal, list indexes, escapes).
    #[test]
    fn set_syntax_follows_helm_strvals() {
        let cases: &[(&[(&str, bool)], serde_json::Value)] = &[
            (
                &[("grafana.enabled=false", false)],
                json!({"grafana": {"enabled": false}}),
            ),
            (&[("a=1,b=two", false)], json!({"a": 1, "b": "two"})),
            // integers only when they do not start with 0; floats stay strings
            (
                &[("a=0755,b=0,c=1.5,d=-3", false)],
                json!({"a": "0755", "b": 0, "c": "1.5", "d": -3}),
            ),
            (
                &[("a=TRUE,b=Null,c=", false)],
                json!({"a": true, "b": null, "c": ""}),
            ),
            (&[("a=true,b=1", true)], json!({"a": "true", "b": "1"})),
            (
                &[("grafana.plugins={a,b}", false)],
                json!({"grafana": {"plugins": ["a", "b"]}}),
            ),
            (&[("l={}", false)], json!({"l": []})),
            (
                &[("grafana.grafana\\.ini.server.domain=x", false)],
                json!({"grafana": {"grafana.ini": {"server": {"domain": "x"}}}}),
            ),
            (&[("a=x\\,y", false)], json!({"a": "x,y"})),
            (
                &[("grafana.extraVolumes[0].name=provisioning", false)],
                json!({"grafana": {"extraVolumes": [{"name": "provisioning"}]}}),
            ),
            (&[("l[2]=c", false)], json!({"l": [null, null, "c"]})),
            (&[("m[0][1]=x", false)], json!({"m": [[null, "x"]]})),
            // later assignments win
            (&[("a=1", false), ("a=2", false)], json!({"a": 2})),
        ];
        for (args, expected) in cases {
            assert_eq!(&set(args).unwrap(), expected, "{args:?}");
        }
    }

    #[test]
    fn malformed_set_arguments_are_refused() {
        for bad in [
            "novalue",
            "a..b=1",
            "=1",
            "a[x]=1",
            "a[1=2",
            "l[70000]=1",
            "a={x",
            "a=b\\",
        ] {
            assert!(set(&[(bad, false)]).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn set_values_remember_their_span() {
        let mut value = Value::new(Kind::map(crate::values::Map::default()), placeholder());
        apply(&mut value, "a.b=xyz", false, 3, 100).unwrap();
        let b = value.get(&["a", "b"]).unwrap();
        assert_eq!(b.site().unwrap().layer, 3);
        assert_eq!(b.site().unwrap().span, 104..107);
    }
}
