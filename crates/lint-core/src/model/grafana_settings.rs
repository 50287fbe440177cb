//! What each Grafana version knows: its `grafana.ini` sections and keys, the `GF_*`
//! variables it (or its Docker image) reads, and its feature toggle names, from tables
//! derived from Grafana's own sources and embedded at build time
//! (`data/grafana/settings.tsv`, `data/grafana/toggles.tsv`; each file's header names its
//! source). Kept apart from `grafana.rs`, which reads one release's settings: this module
//! is the catalog the settings are judged against, so OC054, OC055, OC057 and OC010 agree
//! on what a version reads.
//!
//! A version between two toggle tables is judged against both: a name either table has is
//! known, so a toggle added in between is not reported (the tables are a sample of the
//! minor versions). A version newer than the newest table is judged against the newest,
//! and the findings say which table that was.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use crate::chart::Version;

use super::grafana::env_key;
use crate::schema::Letters;

/// A Grafana minor version (`(12, 0)`).
pub(crate) type Minor = (u64, u64);

/// The toggle tables, in order (the header of `toggles.tsv` lists the same).
pub(crate) const TOGGLE_TABLES: [Minor; 12] = [
    (9, 5),
    (10, 4),
    (11, 1),
    (11, 2),
    (11, 3),
    (11, 4),
    (11, 5),
    (11, 6),
    (12, 0),
    (12, 3),
    (13, 0),
    (13, 2),
];

/// The Grafana version of the settings table (`settings.tsv`: `conf/defaults.ini` of main
/// at 12.1.0-pre).
pub(crate) const SETTINGS_TABLE: Minor = (12, 1);

/// From this version on the key lists of the settings table are taken as complete: older
/// Grafanas had keys the table no longer lists, and no table of theirs is embedded.
pub(crate) const KEYS_FROM: Minor = (12, 0);

/// The toggle table text.
const TOGGLES_TSV: &str = include_str!("../../data/grafana/toggles.tsv");

/// The settings table text.
const SETTINGS_TSV: &str = include_str!("../../data/grafana/settings.tsv");

/// Variables Grafana or its Docker image reads that are not `GF_<SECTION>_<KEY>` settings:
/// `packaging/docker/run.sh` reads `GF_PATHS_CONFIG`, `GF_PATHS_DATA`, `GF_PATHS_HOME`,
/// `GF_PATHS_LOGS`, `GF_PATHS_PLUGINS`, `GF_PATHS_PROVISIONING`, `GF_INSTALL_PLUGINS` and
/// `GF_INSTALL_PLUGINS_FORCE` (Grafana 12 and later migrate `GF_INSTALL_PLUGINS` in
/// `pkg/setting/setting_plugins.go`, shared/upstream/FACTS.md G3), and
/// `GF_INSTALL_IMAGE_RENDERER_PLUGIN` was a build argument of the image's Dockerfile.
pub(crate) const IMAGE_VARIABLES: [&str; 9] = [
    "GF_INSTALL_PLUGINS",
    "GF_INSTALL_PLUGINS_FORCE",
    "GF_INSTALL_IMAGE_RENDERER_PLUGIN",
    "GF_PATHS_CONFIG",
    "GF_PATHS_DATA",
    "GF_PATHS_HOME",
    "GF_PATHS_LOGS",
    "GF_PATHS_PLUGINS",
    "GF_PATHS_PROVISIONING",
];

/// The toggle Grafana 11.6 removed (grafana/grafana PR #101222; absent from the 11.6.0
/// table): OC057 reports it, OC055 leaves it.
pub(crate) const OBSOLETE_TOGGLE: &str = "accessControlOnCall";

/// The first Grafana without [`OBSOLETE_TOGGLE`].
pub(crate) const OBSOLETE_TOGGLE_FROM: Version = (11, 6, 0);

/// The first Grafana that treats `GF_INSTALL_PLUGINS` as deprecated: 12.0 migrates it into
/// `[plugins] preinstall_sync` (`pkg/setting/setting_plugins.go`,
/// `migrateInstallPluginsToPreinstallPluginsSync`; shared/upstream/FACTS.md G3).
pub(crate) const INSTALL_PLUGINS_DEPRECATED_FROM: Version = (12, 0, 0);

/// The first Grafana that reads per-toggle variables `GF_FEATURE_TOGGLES_<NAME>` and
/// deprecates `GF_FEATURE_TOGGLES_ENABLE`: grafana/grafana PR #121271, merged 2026-03-27,
/// before 13.0.0 (released April 2026); not checked against the v13.0.0 tag.
pub(crate) const PER_TOGGLE_ENV_FROM: Version = (13, 0, 0);

/// The image's run.sh reads `<NAME>__FILE` as the file holding `<NAME>`'s value.
pub(crate) const FILE_SUFFIX: &str = "__FILE";

/// Section name prefixes whose sections are all open: plugin settings (`plugin.<id>`) and
/// auth providers (`auth.<provider>`: generic OAuth, SAML, JWT, LDAP and the rest, whose
/// keys differ by version and edition).
const OPEN_PREFIXES: [&str; 2] = ["plugin.", "auth."];

/// One section of the settings table.
#[derive(Debug, Default)]
pub(crate) struct Section {
    /// Its keys.
    pub keys: BTreeSet<&'static str>,
    /// Whether any key is read (free-form or not listed whole).
    pub open: bool,
}

/// The settings table: section name → section.
fn settings() -> &'static BTreeMap<&'static str, Section> {
    static TABLE: OnceLock<BTreeMap<&'static str, Section>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: BTreeMap<&'static str, Section> = BTreeMap::new();
        for line in SETTINGS_TSV.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split('\t');
            let Some(name) = fields.next().filter(|n| !n.is_empty()) else {
                continue;
            };
            let section = table.entry(name).or_default();
            if let Some(keys) = fields.next() {
                section.keys.extend(keys.split_whitespace());
            }
            section.open |= fields.next() == Some("open");
        }
        table
    })
}

/// The tables (their indexes in [`TOGGLE_TABLES`]) that have a toggle, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Present(u32);

impl Present {
    /// The indexes, in order.
    fn iter(self) -> impl Iterator<Item = usize> {
        (0..TOGGLE_TABLES.len()).filter(move |i| self.0 & (1 << i) != 0)
    }

    /// Whether table `index` has the toggle.
    #[cfg(test)]
    fn contains(self, index: usize) -> bool {
        index < 32 && self.0 & (1 << index) != 0
    }
}

/// The toggle table: name → the tables that have it. Read on the first toggle judged:
/// one bit set per table, the map built at once from the file's lines (a map grown line
/// by line, with a list per toggle, was most of a small file's lint).
fn toggles() -> &'static BTreeMap<&'static str, Present> {
    static TABLE: OnceLock<BTreeMap<&'static str, Present>> = OnceLock::new();
    TABLE.get_or_init(|| {
        const { assert!(TOGGLE_TABLES.len() <= 32) };
        let index = |text: &str| {
            let minor = parse_minor(text)?;
            TOGGLE_TABLES.iter().position(|t| *t == minor)
        };
        let mut rows: Vec<(&'static str, Present)> = Vec::with_capacity(1024);
        for line in TOGGLES_TSV.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, ranges)) = line.split_once('\t') else {
                continue;
            };
            let mut present = Present::default();
            for range in ranges.split(',') {
                let (from, to) = range.split_once('-').unwrap_or((range, range));
                if let (Some(from), Some(to)) = (index(from), index(to)) {
                    for i in from..=to {
                        present.0 |= 1 << i;
                    }
                }
            }
            rows.push((name, present));
        }
        rows.into_iter().collect()
    })
}

/// `12.0` as a [`Minor`].
fn parse_minor(text: &str) -> Option<Minor> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// A minor version as text (`12.0`).
pub(crate) fn show_minor((major, minor): Minor) -> String {
    format!("{major}.{minor}")
}

/// The sections and keys of a `grafana.ini`, as Grafana `version` reads them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// The Grafana version.
    version: Version,
}

/// What the settings table says of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionKind {
    /// Known, with a complete key list.
    Complete,
    /// Known, any key is read.
    Open,
    /// Not known.
    Unknown,
}

impl Settings {
    /// The settings of Grafana `version`.
    pub(crate) fn of(version: Version) -> Self {
        Settings { version }
    }

    /// The table these settings are judged against, and whether the version is newer
    /// than it (the findings then say the table's version).
    pub(crate) fn table(&self) -> (Minor, bool) {
        let minor = (self.version.0, self.version.1);
        (SETTINGS_TABLE, minor > SETTINGS_TABLE)
    }

    /// What the table says of `section`.
    pub(crate) fn section(&self, section: &str) -> SectionKind {
        if OPEN_PREFIXES.iter().any(|p| section.starts_with(p)) {
            return SectionKind::Open;
        }
        match settings().get(section) {
            None => SectionKind::Unknown,
            Some(s) if s.open => SectionKind::Open,
            // before the table's versions, keys are not judged (see KEYS_FROM)
            Some(_) if (self.version.0, self.version.1) < KEYS_FROM => SectionKind::Open,
            Some(_) => SectionKind::Complete,
        }
    }

    /// Whether `key` is a key of the complete section `section`.
    pub(crate) fn has_key(&self, section: &str, key: &str) -> bool {
        settings()
            .get(section)
            .is_some_and(|s| s.open || s.keys.contains(key))
    }

    /// The keys of `section`, for suggestions.
    pub(crate) fn keys(&self, section: &str) -> Vec<&'static str> {
        settings()
            .get(section)
            .map(|s| s.keys.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Every known section name, for suggestions (the top-level `_` left out).
    pub(crate) fn sections(&self) -> Vec<&'static str> {
        settings().keys().copied().filter(|s| *s != "_").collect()
    }

    /// Whether Grafana or its image reads the variable `name` (a `GF_*` name): a setting's
    /// `GF_<SECTION>_<KEY>` (`GF_DEFAULT_<KEY>` for the top-level keys), any variable of an
    /// open section, one of [`IMAGE_VARIABLES`], or such a name with `__FILE`.
    pub(crate) fn reads_env(&self, name: &str) -> bool {
        let name = name.strip_suffix(FILE_SUFFIX).unwrap_or(name);
        if IMAGE_VARIABLES.contains(&name) {
            return true;
        }
        open_env_prefixes()
            .iter()
            .any(|p| name.starts_with(p.as_str()))
            || env_names().contains(name)
    }

    /// Every `GF_*` name of a listed setting, for suggestions.
    pub(crate) fn env_names(&self) -> Vec<&'static str> {
        env_names().iter().map(String::as_str).collect()
    }

    /// The toggle table `name` is judged against: the table at or below the version (the
    /// first one for an older version) and whether the version is newer than the newest.
    pub(crate) fn toggle_table(&self) -> (Minor, bool) {
        let minor = (self.version.0, self.version.1);
        let at = TOGGLE_TABLES
            .iter()
            .rev()
            .find(|t| **t <= minor)
            .copied()
            .unwrap_or(TOGGLE_TABLES[0]);
        (at, minor > TOGGLE_TABLES[TOGGLE_TABLES.len() - 1])
    }

    /// What this version knows of the toggle `name` (case-sensitive, as Grafana matches).
    pub(crate) fn toggle(&self, name: &str) -> Toggle {
        let (lower, upper) = self.bracket();
        let Some(present) = toggles().get(name) else {
            return Toggle::Unknown;
        };
        if present.iter().any(|i| (lower..=upper).contains(&i)) {
            return Toggle::Known;
        }
        match present.iter().filter(|i| *i < lower).max() {
            Some(last) => Toggle::Removed {
                last: TOGGLE_TABLES[last],
            },
            None => Toggle::NotYet {
                first: present
                    .iter()
                    .min()
                    .map_or(TOGGLE_TABLES[0], |i| TOGGLE_TABLES[i]),
            },
        }
    }

    /// The toggle names this version knows, for suggestions.
    pub(crate) fn toggle_names(&self) -> Vec<&'static str> {
        let (lower, upper) = self.bracket();
        toggles()
            .iter()
            .filter(|(_, present)| present.iter().any(|i| (lower..=upper).contains(&i)))
            .map(|(name, _)| *name)
            .collect()
    }

    /// The indexes of the tables at or below and at or above the version.
    fn bracket(&self) -> (usize, usize) {
        let minor = (self.version.0, self.version.1);
        let last = TOGGLE_TABLES.len() - 1;
        let lower = TOGGLE_TABLES.iter().rposition(|t| *t <= minor).unwrap_or(0);
        let upper = TOGGLE_TABLES
            .iter()
            .position(|t| *t >= minor)
            .unwrap_or(last);
        (lower, upper)
    }
}

/// What a version knows of a toggle name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Toggle {
    /// Known.
    Known,
    /// Known to older versions, removed by this one; `last` is the last table with it.
    Removed {
        /// The last table that has it.
        last: Minor,
    },
    /// Known only to newer versions; `first` is the first table with it.
    NotYet {
        /// The first table that has it.
        first: Minor,
    },
    /// In no table.
    Unknown,
}

/// The candidate `typed` most resembles (for "did you mean"): one equal but for case first,
/// else the nearest by Damerau-Levenshtein distance within a third of the name's length
/// (strsim, as `schema::suggest` measures keys).
///
/// The distance is measured only for candidates a cheap lower bound does not rule out
/// (see [`Letters`]): a Grafana version has thousands of settings and toggles, and a file
/// may get hundreds of these suggestions.
pub(crate) fn nearest<'a>(typed: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(typed)) {
        return Some(same);
    }
    let lower = typed.to_lowercase();
    let allowed = (typed.chars().count() / 3).clamp(1, 4);
    let letters = Letters::of(&lower);
    candidates
        .iter()
        .filter(|c| letters.within(c, allowed))
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, c)| (*distance, c.len()))
        .map(|(_, c)| c)
}

/// The `GF_<SECTION>_` prefixes of the open sections (the [`OPEN_PREFIXES`] and the listed
/// sections whose keys are not all known), made once: every `GF_*` variable is judged.
fn open_env_prefixes() -> &'static [String] {
    static PREFIXES: OnceLock<Vec<String>> = OnceLock::new();
    PREFIXES.get_or_init(|| {
        let prefix = |section: &str| format!("{}_", env_key(section, "").trim_end_matches('_'));
        OPEN_PREFIXES
            .iter()
            .map(|p| prefix(p.trim_end_matches('.')))
            .chain(
                settings()
                    .iter()
                    .filter(|(_, s)| s.open)
                    .map(|(section, _)| prefix(section)),
            )
            .collect()
    })
}

/// The `GF_*` names of every listed setting.
fn env_names() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = BTreeSet::new();
        for (section, s) in settings() {
            let section = if *section == "_" { "default" } else { section };
            for key in &s.keys {
                names.insert(env_key(section, key));
            }
        }
        names
    })
}

/// The number of toggles of each table, and of sections and keys, for the tests that tie
/// the tables to their sources.
#[cfg(test)]
pub(crate) fn counts() -> (Vec<usize>, usize, usize) {
    let per_table = (0..TOGGLE_TABLES.len())
        .map(|i| toggles().values().filter(|p| p.contains(i)).count())
        .collect();
    let sections = settings().len();
    let keys = settings().values().map(|s| s.keys.len()).sum();
    (per_table, sections, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lower bound rules out only candidates the distance would: the suggestion is the
    /// one measuring every candidate gives, for misspellings of every kind.
    #[test]
    fn the_lower_bound_keeps_every_suggestion() {
        fn measured<'a>(typed: &str, candidates: &[&'a str]) -> Option<&'a str> {
            if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(typed)) {
                return Some(same);
            }
            let lower = typed.to_lowercase();
            let allowed = (typed.chars().count() / 3).clamp(1, 4);
            candidates
                .iter()
                .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), *c))
                .filter(|(distance, _)| *distance <= allowed)
                .min_by_key(|(distance, c)| (*distance, c.len()))
                .map(|(_, c)| c)
        }
        let toggles: Vec<&str> = toggles().keys().copied().collect();
        let envs: Vec<&str> = env_names().iter().map(String::as_str).collect();
        let mut tried = 0;
        for candidates in [&toggles, &envs] {
            for name in candidates.iter().step_by(7) {
                let chars: Vec<char> = name.chars().collect();
                let n = chars.len();
                let mut typos = vec![
                    chars[1..].iter().collect::<String>(),
                    format!("{name}x"),
                    format!("É{name}"),
                    name.to_uppercase(),
                ];
                if n > 3 {
                    let mut swapped = chars.clone();
                    swapped.swap(1, 2);
                    typos.push(swapped.into_iter().collect());
                    let mut changed = chars.clone();
                    changed[n / 2] = 'q';
                    changed[n - 1] = '_';
                    typos.push(changed.into_iter().collect());
                }
                for typo in typos {
                    assert_eq!(
                        nearest(&typo, candidates),
                        measured(&typo, candidates),
                        "{typo}"
                    );
                    tried += 1;
                }
            }
        }
        assert!(tried > 500, "{tried}");
    }

    /// The header of `toggles.tsv` states the count of each table, as read from
    /// @grafana/data; the parsed table must give the same.
    #[test]
    fn toggle_tables_match_their_source_counts() {
        let header = TOGGLES_TSV
            .lines()
            .find(|l| l.starts_with("# 9.5="))
            .unwrap_or_default();
        let stated: Vec<usize> = header
            .trim_start_matches("# ")
            .split_whitespace()
            .filter_map(|pair| pair.split_once('=')?.1.parse().ok())
            .collect();
        assert_eq!(stated, counts().0);
        let tables = TOGGLES_TSV
            .lines()
            .find(|l| l.starts_with("# tables: "))
            .unwrap_or_default();
        let listed: Vec<Minor> = tables
            .trim_start_matches("# tables: ")
            .split_whitespace()
            .filter_map(parse_minor)
            .collect();
        assert_eq!(listed, TOGGLE_TABLES);
    }

    #[test]
    fn toggles_are_known_per_version() {
        let at = |v: Version| Settings::of(v);
        // accessControlOnCall: in @grafana/data 9.5 to 11.5, gone from 11.6.0
        // (grafana/grafana PR #101222)
        assert_eq!(at((11, 5, 0)).toggle("accessControlOnCall"), Toggle::Known);
        assert_eq!(at((11, 1, 4)).toggle("accessControlOnCall"), Toggle::Known);
        assert_eq!(
            at((11, 6, 0)).toggle("accessControlOnCall"),
            Toggle::Removed { last: (11, 5) }
        );
        assert_eq!(
            at((12, 0, 0)).toggle("accessControlOnCall"),
            Toggle::Removed { last: (11, 5) }
        );
        for v in [
            (10, 4, 0),
            (11, 1, 4),
            (12, 0, 0),
            (13, 0, 0),
            (13, 2, 0),
            (14, 0, 0),
        ] {
            assert_eq!(at(v).toggle("externalServiceAccounts"), Toggle::Known);
        }
        assert_eq!(
            at((9, 5, 0)).toggle("externalServiceAccounts"),
            Toggle::NotYet { first: (10, 4) }
        );
        // case-sensitive
        assert_eq!(
            at((11, 1, 4)).toggle("accessControlOncall"),
            Toggle::Unknown
        );
        // between tables, a name either neighbour has is known
        assert_eq!(
            at((12, 1, 0)).toggle("externalServiceAccounts"),
            Toggle::Known
        );
        assert_eq!(at((14, 1, 0)).toggle_table(), ((13, 2), true));
        assert_eq!(at((12, 1, 0)).toggle_table(), ((12, 0), false));
    }

    #[test]
    fn settings_table_matches_its_source() {
        let (_, sections, keys) = counts();
        // conf/defaults.ini at 12.1.0-pre: 104 sections (the top level counted as `_`)
        // with 526 keys; the cited extras add 21 sections and 5 keys
        assert_eq!((sections, keys), (125, 531));
        let s = Settings::of((12, 1, 0));
        assert!(s.has_key("plugins", "preinstall_sync"));
        assert!(s.has_key("plugins", "preinstall_disabled"));
        assert!(!s.has_key("plugins", "preinstall_sync_enabled"));
        assert!(s.has_key("auth", "managed_service_accounts_enabled"));
        assert!(s.has_key("server", "root_url"));
        assert_eq!(s.section("oncall"), SectionKind::Unknown);
        assert_eq!(s.section("plugin.grafana-oncall-app"), SectionKind::Open);
        assert_eq!(s.section("auth.generic_oauth"), SectionKind::Open);
        assert_eq!(s.section("enterprise"), SectionKind::Open);
        assert_eq!(s.section("server"), SectionKind::Complete);
        // before 12.0 the key lists are not judged
        assert_eq!(
            Settings::of((11, 1, 4)).section("server"),
            SectionKind::Open
        );
    }

    #[test]
    fn env_variables_map_to_settings() {
        let s = Settings::of((12, 1, 0));
        for known in [
            "GF_SERVER_ROOT_URL",
            "GF_AUTH_GENERIC_OAUTH_CLIENT_ID",
            "GF_AUTH_MANAGED_SERVICE_ACCOUNTS_ENABLED",
            "GF_PLUGINS_PREINSTALL_SYNC",
            "GF_SECURITY_ADMIN_PASSWORD__FILE",
            "GF_INSTALL_PLUGINS",
            "GF_PATHS_CONFIG",
            "GF_FEATURE_TOGGLES_ENABLE",
            "GF_FEATURE_TOGGLES_EXTERNALSERVICEACCOUNTS",
            "GF_PLUGIN_GRAFANA_IMAGE_RENDERER_RENDERING_ARGS",
            "GF_DEFAULT_INSTANCE_NAME",
            "GF_LOG_LEVEL",
        ] {
            assert!(s.reads_env(known), "{known}");
        }
        for unknown in [
            "GF_PLUGINS_INSTALL",
            "GF_SERVER_ROOTURL",
            "GF_ONCALL_ENABLED",
        ] {
            assert!(!s.reads_env(unknown), "{unknown}");
        }
    }
}
