//! Where a finding about a release path is reported: the value a user wrote, else the
//! deepest key on the way to it, else the top of the file.

use super::Release;
use crate::diagnostic::Location;
use crate::path::KeyPath;
use crate::values::{Site, Value};
use crate::yaml::NodeId;

impl Release {
    /// The location of a site in one of the layers.
    pub fn site_location(&self, site: &Site, key_path: KeyPath, prefer_key: bool) -> Location {
        let span = match (&site.key_span, prefer_key) {
            (Some(key), true) => key.clone(),
            _ => site.span.clone(),
        };
        Location {
            file: self.layers[site.layer.min(self.layers.len() - 1)]
                .source
                .clone(),
            span,
            key_path: key_path.clone(),
        }
    }

    /// Where to report a finding about `path`: the value if a user wrote it, else the
    /// deepest key on the way to it that a user wrote (later files first), else the top
    /// of the first file.
    pub fn blame(&self, path: &[&str]) -> Location {
        let key_path = self.key_path(path);
        let path = self.in_file(path);
        let mut best: Option<(usize, usize, NodeId)> = None;
        for (index, layer) in self.layers.iter().enumerate().rev() {
            let Some(mut current) = layer.root else {
                continue;
            };
            let mut depth = 0;
            let mut found = None;
            for key in path {
                match layer.doc.get(current, key) {
                    Some(entry) => {
                        depth += 1;
                        found = Some(entry.key);
                        current = entry.value;
                    }
                    None => break,
                }
            }
            if let Some(key) = found
                && best.is_none_or(|(d, _, _)| depth > d)
            {
                best = Some((depth, index, key));
            }
        }
        if let Some((_, index, key)) = best {
            let layer = &self.layers[index];
            return Location {
                file: layer.source.clone(),
                span: layer.doc.node(key).span.clone(),
                key_path: key_path.clone(),
            };
        }
        self.top_location(key_path)
    }

    /// The values root key of the last layer that has one, else the start of the first file.
    pub fn top_location(&self, key_path: KeyPath) -> Location {
        if !self.values_root.is_empty() {
            let keys: Vec<&str> = self.values_root.iter().map(String::as_str).collect();
            for layer in self.layers.iter().rev() {
                if let Some(entry) = layer.doc.root.and_then(|r| layer.doc.lookup(r, &keys)) {
                    return Location {
                        file: layer.source.clone(),
                        span: layer.doc.node(entry.key).span.clone(),
                        key_path: key_path.clone(),
                    };
                }
            }
        }
        let layer = self.layers.iter().find(|l| l.doc.root.is_some());
        if let (None, Some(anchor), Some(first)) = (layer, &self.anchor, self.layers.first()) {
            return Location {
                file: first.source.clone(),
                span: anchor.clone(),
                key_path: key_path.clone(),
            };
        }
        let layer = layer.unwrap_or(&self.layers[0]);
        let file = layer.source.clone();
        // the document's first key (a later document of a stream starts further down)
        let first = layer
            .doc
            .root
            .map(|root| match layer.doc.entries(root).first() {
                Some(entry) => layer.doc.node(entry.key).span.start,
                None => layer.doc.node(root).span.start,
            })
            .unwrap_or_else(|| first_content_line(file.text()));
        Location {
            file,
            span: first..first,
            key_path: key_path.clone(),
        }
    }

    /// Where a value is reported: its user site (the value, or its key when `prefer_key`),
    /// or [`Release::blame`] for a chart default.
    pub fn locate(&self, value: &Value, path: &[&str], prefer_key: bool) -> Location {
        match value.site() {
            Some(site) => self.site_location(site, self.key_path(path), prefer_key),
            None => self.blame(path),
        }
    }
}

fn first_content_line(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && !trimmed.starts_with("---") {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    0
}
