//! Known breakage of particular OnCall releases under particular values: a small table,
//! each row sourced (the issue that reported it, the pull request that fixed it) and
//! bounded by the first release that has it and the first that does not.
//!
//! The table judges the engine's version (`image.tag`, else the chart's app version),
//! because the engine image carries the migrations and code that break; the chart's own
//! templates did not change between 1.9.23 and 1.16.9 in ways a row needs. A row is kept
//! here, once, so a rule (OC027) and anything else that wants to warn about a release
//! read the same facts.

use crate::chart::Version;
use crate::release::Release;
use crate::values::Value;

/// How bad a row's breakage is; each impact is one message of OC027, with its severity
/// (a row that only breaks a feature of a running release would add one, a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Impact {
    /// The install or upgrade fails (a migration that does not run, a pod that cannot start).
    InstallFails,
}

/// Which values a row applies to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Predicate {
    /// `database.type` is one of these (the chart's templates compare it case-sensitively).
    DatabaseType(&'static [&'static str]),
}

/// One known breakage.
#[derive(Debug)]
pub(crate) struct Advisory {
    /// The first engine release that has it.
    pub from: Version,
    /// The first engine release that does not.
    pub fixed_in: Version,
    /// The values it needs.
    pub predicate: Predicate,
    /// What breaks, for a message (lowercase, no trailing period).
    pub breakage: &'static str,
    /// Where it is reported and fixed.
    pub source: &'static str,
    /// How bad it is.
    pub impact: Impact,
}

/// The known breakage, oldest first.
pub(crate) static ADVISORIES: [Advisory; 2] = [
    // 1.12.1 rewrote four data migrations (alerts 0063 and 0064, schedules 0019,
    // user_management 0026) as raw `UPDATE … JOIN … SET`, which only MySQL accepts; they run
    // on every new install and on upgrades from before 1.12.0. #5297 (in 1.13.4) runs the
    // raw SQL on MySQL only and the ORM elsewhere.
    Advisory {
        from: (1, 12, 1),
        fixed_in: (1, 13, 4),
        predicate: Predicate::DatabaseType(&["postgresql", "sqlite"]),
        breakage: "its data migrations (alerts 0063 and 0064, schedules 0019, user_management 0026) run MySQL-only `UPDATE … JOIN` SQL, so the migration fails with a syntax error and the engine never starts",
        source: "https://github.com/grafana-cold-storage/oncall/issues/5244 (fixed by pull request #5297)",
        impact: Impact::InstallFails,
    },
    // #5280 (in 1.13.2) dropped columns with a migration SQLite cannot run; #5308 (in
    // 1.13.5) fixed it.
    Advisory {
        from: (1, 13, 2),
        fixed_in: (1, 13, 5),
        predicate: Predicate::DatabaseType(&["sqlite"]),
        breakage: "the migrations that drop the old Slack channel columns fail on SQLite, so a new install never gets past its migrations",
        source: "https://github.com/grafana-cold-storage/oncall/issues/5306 (fixed by pull request #5308)",
        impact: Impact::InstallFails,
    },
];

/// A row that applies to a release, with the value that makes its predicate true.
#[derive(Debug)]
pub(crate) struct Hit<'r> {
    /// The row.
    pub advisory: &'static Advisory,
    /// The value the predicate reads (a chart default when no file sets it).
    pub value: &'r Value,
    /// Its path.
    pub path: &'static [&'static str],
    /// The predicate as a message names it: `` `database.type: postgresql` ``.
    pub described: String,
}

impl Predicate {
    /// The value that makes the predicate true in `release`, with its path.
    fn holds(self, release: &Release) -> Option<(&Value, &'static [&'static str])> {
        match self {
            Predicate::DatabaseType(types) => {
                const PATH: &[&str] = &["database", "type"];
                let value = release.get(PATH)?;
                let text = value.as_str()?;
                types.contains(&text).then_some((value, PATH))
            }
        }
    }
}

/// The rows that apply to a release whose engine is `engine`.
pub(crate) fn matching(release: &Release, engine: Version) -> Vec<Hit<'_>> {
    ADVISORIES
        .iter()
        .filter(|a| a.from <= engine && engine < a.fixed_in)
        .filter_map(|advisory| {
            let (value, path) = advisory.predicate.holds(release)?;
            let described = format!(
                "`{}: {}`",
                path.join("."),
                value.scalar_string().unwrap_or_default()
            );
            Some(Hit {
                advisory,
                value,
                path,
                described,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_ranges_that_end_after_they_start() {
        for advisory in &ADVISORIES {
            assert!(advisory.from < advisory.fixed_in, "{advisory:?}");
            assert!(!advisory.breakage.ends_with('.'), "{advisory:?}");
            assert!(advisory.source.starts_with("https://"), "{advisory:?}");
        }
    }
}
