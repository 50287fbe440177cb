//! "Did you mean": for a key the schema does not know, the known key most likely meant,
//! at the same level (`pulPolicy` → `pullPolicy`, `hostname` → `host`) or at another one
//! (`grafana.imagePullSecrets` → `grafana.image.pullSecrets`, `smtp` → `oncall.smtp`).

use strsim::{damerau_levenshtein, jaro_winkler};

use super::walk::{Node, SchemaSet};
use crate::path::Seg;

/// A known key path to suggest instead of an unknown key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The full key path (from the schema's root).
    pub path: Vec<String>,
    /// Whether it is a sibling of the unknown key (a rename), rather than elsewhere (a move).
    pub same_level: bool,
    /// How close (100: the same letters; 70 and up: one or two typos; below: a guess).
    pub score: u32,
}

/// The known key most likely meant by `key` in the map at `parent`, if one is close enough.
/// `known` is every key path the schema declares ([`SchemaSet::known_paths`]); `children`
/// are the keys written under the unknown key (when it holds a map), which tell apart two
/// places with the same name (`smtp: {host: ...}` is `oncall.smtp`, not `grafana.smtp`).
pub fn suggest<'a>(
    set: &'a SchemaSet,
    root: Node<'a>,
    known: &[Vec<String>],
    parent: &[Seg],
    key: &str,
    children: &[String],
) -> Option<Suggestion> {
    let mut best: Option<(u32, Suggestion)> = None;
    let mut offer = |score: u32, path: Vec<String>, same_level: bool| {
        let better = match &best {
            None => true,
            Some((s, current)) => score > *s || (score == *s && path.len() < current.path.len()),
        };
        if better {
            best = Some((
                score,
                Suggestion {
                    path,
                    same_level,
                    score,
                },
            ));
        }
    };
    // a sibling that is spelled almost the same
    let keys_only: Option<Vec<String>> = parent
        .iter()
        .map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        })
        .collect();
    if let Some(node) = set.at(root, parent) {
        for sibling in set.keys(node) {
            if let Some(score) = similarity(key, &sibling) {
                let mut path = keys_only.clone().unwrap_or_default();
                path.push(sibling);
                offer(score, path, true);
            }
        }
    }
    // across levels: only for maps reached through keys (not list items)
    let Some(parent_keys) = keys_only else {
        return best.map(|(_, s)| s);
    };
    let wanted = normalize(key);
    let under_parent = |path: &Vec<String>| {
        path.len() > parent_keys.len() && path[..parent_keys.len()] == parent_keys[..]
    };
    // a setting of the oncall chart is not moved into the bundled grafana chart's values, nor
    // the other way (`service.nodePort` is not `grafana.service.nodePort`)
    let in_grafana = |path: &[String]| path.first().is_some_and(|k| k == "grafana");
    let mut typed = parent_keys.clone();
    typed.push(key.to_owned());
    let same_chart = |path: &Vec<String>| in_grafana(path) == in_grafana(&typed);
    // a deeper key whose path, run together, is this key (`imagePullSecrets` →
    // `image.pullSecrets`), or ends in it (`pullSecrets` → `image.pullSecrets`)
    let mut same_last = Vec::new();
    for path in known.iter().filter(|p| under_parent(p) && same_chart(p)) {
        let rel = &path[parent_keys.len()..];
        if rel.len() < 2 || rel.len() > 3 {
            continue;
        }
        if normalized_eq(rel.iter().map(String::as_str), &wanted) {
            offer(97, path.clone(), false);
        }
        if normalized_eq(std::iter::once(rel[rel.len() - 1].as_str()), &wanted) {
            same_last.push(path.clone());
        }
    }
    // (a guess: a near spelling at the same level wins over it)
    if let Some(only) = pick(known, &same_last.iter().collect::<Vec<_>>(), children) {
        offer(52, only.clone(), false);
    }
    // the same key elsewhere in the chart (`smtp` at the top → `oncall.smtp`), when only one
    // place has it (or the keys written under it pick one)
    let mut exact: Vec<&Vec<String>> = known
        .iter()
        .filter(|p| {
            same_chart(p)
                // deeper under the parent is the guess above (but under the top, all is)
                && (parent_keys.is_empty() || !under_parent(p))
                && p.last().is_some_and(|last| normalized_eq(std::iter::once(last.as_str()), &wanted))
                && !(p.len() == parent_keys.len() + 1 && p[..parent_keys.len()] == parent_keys[..])
        })
        .collect();
    exact.dedup();
    if let Some(only) = pick(known, &exact, children) {
        offer(60, only.clone(), false);
    }
    best.map(|(_, s)| s)
}

/// The one candidate, or among several the one whose declared keys hold the most of the
/// keys written under the unknown key (when that is a single one).
fn pick<'p>(
    known: &[Vec<String>],
    candidates: &[&'p Vec<String>],
    children: &[String],
) -> Option<&'p Vec<String>> {
    match candidates {
        [] => None,
        [only] => Some(only),
        _ => {
            let overlap = |candidate: &Vec<String>| {
                children
                    .iter()
                    .filter(|child| {
                        known.iter().any(|p| {
                            p.len() == candidate.len() + 1
                                && p[..candidate.len()] == candidate[..]
                                && p.last() == Some(*child)
                        })
                    })
                    .count()
            };
            let scored: Vec<(usize, &Vec<String>)> =
                candidates.iter().map(|c| (overlap(c), *c)).collect();
            let top = scored.iter().map(|(n, _)| *n).max()?;
            let mut winners = scored.iter().filter(|(n, _)| *n == top);
            match (top, winners.next(), winners.next()) {
                (1.., Some((_, winner)), None) => Some(winner),
                _ => None,
            }
        }
    }
}

/// How likely `typed` is a misspelling of `known` (higher is closer), or `None`.
pub fn similarity(typed: &str, known: &str) -> Option<u32> {
    if typed == known {
        return None;
    }
    if normalize(typed) == normalize(known) {
        return Some(100);
    }
    let a = typed.to_lowercase();
    let b = known.to_lowercase();
    let longest = a.chars().count().max(b.chars().count());
    let shortest = a.chars().count().min(b.chars().count());
    let distance = damerau_levenshtein(&a, &b);
    let allowed = match longest {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    if distance <= allowed && shortest >= 2 {
        return Some(90 - 10 * distance as u32);
    }
    if shortest >= 4 && jaro_winkler(&a, &b) >= 0.9 {
        return Some(55);
    }
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    if shortest >= 4 && (common == shortest || common >= 6) {
        // `hostname` for `host`, `replicas` for `replicaCount`
        return Some(50);
    }
    None
}

/// Whether `parts`, run together and normalized, equal `wanted` (already normalized),
/// without allocating: this runs for every known key path for every unknown key.
fn normalized_eq<'a>(parts: impl Iterator<Item = &'a str>, wanted: &str) -> bool {
    let mut expected = wanted.chars();
    for c in parts
        .flat_map(str::chars)
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
    {
        if expected.next() != Some(c) {
            return false;
        }
    }
    expected.next().is_none()
}

/// A key without case and separators: `image_pull-Secrets` → `imagepullsecrets`.
fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_comparison_runs_parts_together() {
        assert!(normalized_eq(
            ["image", "pullSecrets"].into_iter(),
            "imagepullsecrets"
        ));
        assert!(normalized_eq(
            ["image_pull-Secrets"].into_iter(),
            "imagepullsecrets"
        ));
        assert!(!normalized_eq(
            ["image", "pull"].into_iter(),
            "imagepullsecrets"
        ));
        assert!(!normalized_eq(
            ["imagepullsecretsx"].into_iter(),
            "imagepullsecrets"
        ));
    }

    #[test]
    fn close_spellings_score() {
        assert!(similarity("pulPolicy", "pullPolicy").is_some());
        assert!(similarity("resouces", "resources").is_some());
        assert!(similarity("ulr", "url").is_some());
        assert!(similarity("hostname", "host").is_some());
        assert!(similarity("replicas", "replicaCount").is_some());
        assert!(similarity("base-url", "base_url") == Some(100));
        assert!(similarity("tag", "foo").is_none());
        assert!(similarity("enabled", "labels").is_none());
    }
}
