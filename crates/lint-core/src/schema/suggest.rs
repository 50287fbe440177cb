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

/// How many times each ASCII letter, each digit, `_` and any other character occur in a
/// name, ASCII letters lowercased. An edit changes these counts by at most two in all (a
/// substitution takes one character and adds another; an insertion or deletion changes one
/// count; a transposition none) and the length by at most one, so half the difference of
/// the counts, and the difference of the lengths, are lower bounds of the
/// Damerau-Levenshtein distance: far cheaper to compute than the distance, which a
/// suggestion would otherwise measure against every known name.
pub(crate) struct Letters {
    counts: [u16; 38],
    chars: usize,
}

impl Letters {
    /// The counts of `name`.
    pub(crate) fn of(name: &str) -> Letters {
        let mut counts = [0u16; 38];
        let mut chars = 0;
        for c in name.chars() {
            let class = Self::class(c);
            counts[class] = counts[class].saturating_add(1);
            chars += 1;
        }
        Letters { counts, chars }
    }

    /// `c`'s class: an ASCII letter (either case), a digit, `_`, or anything else.
    fn class(c: char) -> usize {
        match c.to_ascii_lowercase() {
            l @ 'a'..='z' => l as usize - 'a' as usize,
            d @ '0'..='9' => 26 + d as usize - '0' as usize,
            '_' => 36,
            _ => 37,
        }
    }

    /// Whether the Damerau-Levenshtein distance from the name counted here to `other` may
    /// be `allowed` or less, ASCII case aside (false means it is surely more).
    pub(crate) fn within(&self, other: &str, allowed: usize) -> bool {
        if self.chars.abs_diff(other.chars().count()) > allowed {
            return false;
        }
        let other = Letters::of(other);
        let differ: usize = self
            .counts
            .iter()
            .zip(other.counts)
            .map(|(a, b)| usize::from(a.abs_diff(b)))
            .sum();
        differ.div_ceil(2) <= allowed
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
    let allowed = match longest {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    // the distance is measured only where a cheap lower bound leaves it within reach
    if shortest >= 2 && Letters::of(&a).within(&b, allowed) {
        let distance = damerau_levenshtein(&a, &b);
        if distance <= allowed {
            return Some(90 - 10 * distance as u32);
        }
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

    /// The lower bound leaves every score as measuring the distance always gives: for
    /// misspellings of every kind of the chart's keys, against every key.
    #[test]
    fn the_lower_bound_keeps_every_score() {
        fn measured(typed: &str, known: &str) -> Option<u32> {
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
                return Some(50);
            }
            None
        }
        let schema: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../schemas/oncall-1.16.9.values.schema.json"
        ))
        .unwrap();
        let mut keys = std::collections::BTreeSet::new();
        let mut stack = vec![&schema];
        while let Some(v) = stack.pop() {
            if let Some(map) = v.as_object() {
                if let Some(props) = map.get("properties").and_then(|p| p.as_object()) {
                    keys.extend(props.keys().cloned());
                }
                stack.extend(map.values());
            } else if let Some(items) = v.as_array() {
                stack.extend(items);
            }
        }
        let keys: Vec<String> = keys.into_iter().collect();
        assert!(keys.len() > 100, "{}", keys.len());
        let mut compared = 0;
        for key in keys.iter().step_by(9) {
            let chars: Vec<char> = key.chars().collect();
            let n = chars.len();
            let mut typos = vec![format!("{key}s"), key.to_uppercase(), format!("É{key}")];
            if n > 3 {
                typos.push(chars[1..].iter().collect());
                let mut swapped = chars.clone();
                swapped.swap(1, 2);
                typos.push(swapped.into_iter().collect());
                let mut changed = chars.clone();
                changed[n / 2] = 'q';
                typos.push(changed.into_iter().collect());
            }
            for typo in &typos {
                for known in &keys {
                    assert_eq!(
                        similarity(typo, known),
                        measured(typo, known),
                        "{typo} {known}"
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

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
