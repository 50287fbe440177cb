//! What a check needs to explain a violation: the schema it came from (to suggest keys and
//! find examples), the values it was checked against (to find who wrote them), and how to
//! name the schema in a message.

use super::place;
use super::user::UserSchema;
use super::walk::{Node, SchemaSet};
use crate::path::Seg;
use crate::release::Release;
use crate::values::Value;

/// The chart's schema and the user's, each with its violations in `run`: what the schema
/// rules (OC090, OC091) explain. A scope reads the schema's JSON, so it is built only when
/// there are violations to explain.
pub fn scopes<'a>(
    release: &'a Release,
    user: Option<&'a UserSchema>,
    run: &'a super::Run,
) -> Vec<(Scope<'a>, &'a [super::Violation])> {
    let mut out = Vec::new();
    if !run.chart.is_empty()
        && let Some(scope) = Scope::chart(release)
    {
        out.push((scope, run.chart.as_slice()));
    }
    if let (Some(user), Some(values)) = (user, &run.user_values)
        && !run.user.is_empty()
    {
        out.push((Scope::user(user, values), run.user.as_slice()));
    }
    out
}

/// One schema and the values it validated.
pub struct Scope<'a> {
    /// The schema documents.
    pub set: &'a SchemaSet,
    /// The schema's root.
    pub root: Option<Node<'a>>,
    /// The values validated (violation paths are paths in it).
    pub tree: &'a Value,
    /// Keys from the top of the files to `tree` (the values root, for the chart's schema).
    pub prefix: Vec<Seg>,
    /// Keys of `tree` that the files do not write (`grafana`, where a release holds the
    /// grafana chart's values): left out of a path from the top of the files.
    mount: Vec<Seg>,
    owner: Owner<'a>,
}

enum Owner<'a> {
    Chart {
        oncall: String,
        grafana: String,
        /// The schema's file name.
        file: String,
        /// The values are the grafana chart's (alone or under another chart's `grafana:`).
        grafana_values: bool,
    },
    User(&'a UserSchema),
}

impl<'a> Scope<'a> {
    /// The chart's schema over the release's effective values; `None` if the chart state
    /// has no schema.
    pub fn chart(release: &'a Release) -> Option<Scope<'a>> {
        let set = super::embedded_set();
        let file = release.schema_file();
        let id = format!("{}{file}", super::BASE_URL);
        let root = set.root(&id)?;
        Some(Scope {
            set,
            root: Some(root),
            tree: &release.values,
            prefix: place::doc_path(release, &[]),
            mount: release.mount.iter().map(|k| Seg::Key(k.clone())).collect(),
            owner: Owner::Chart {
                oncall: release.chart_version().to_owned(),
                grafana: release.grafana_chart().to_owned(),
                file,
                grafana_values: release.kind == crate::release::InputKind::GrafanaValues,
            },
        })
    }

    /// The user's schema over the values from the top of the files.
    pub fn user(schema: &'a UserSchema, values: &'a Value) -> Scope<'a> {
        Scope {
            set: schema.set(),
            root: schema.root(),
            tree: values,
            prefix: Vec::new(),
            mount: Vec::new(),
            owner: Owner::User(schema),
        }
    }

    /// Every key path the schema declares (for "did you mean"; the chart's are computed the
    /// first time a run needs them).
    pub fn known(&self) -> &'a [Vec<String>] {
        match &self.owner {
            Owner::Chart { file, .. } => super::known_paths(file),
            Owner::User(schema) => schema.known_paths(),
        }
    }

    /// Whether this is the chart's schema.
    pub fn is_chart(&self) -> bool {
        matches!(self.owner, Owner::Chart { .. })
    }

    /// How messages name the schema that `path` falls under: `the oncall chart 1.16.9`,
    /// `the grafana chart 8.4.6`, `your schema `umbrella.schema.json``.
    pub fn owner(&self, path: &[Seg]) -> String {
        match &self.owner {
            Owner::Chart {
                grafana,
                grafana_values: true,
                ..
            } => format!("the grafana chart {grafana}"),
            Owner::Chart {
                oncall, grafana, ..
            } => {
                let under_grafana = matches!(path.first(), Some(Seg::Key(k)) if k == "grafana");
                // `grafana.enabled` is the oncall chart's switch for the subchart
                let switch = matches!(path.get(1), Some(Seg::Key(k)) if k == "enabled");
                if under_grafana && path.len() > 1 && !(switch && path.len() == 2) {
                    format!("the grafana chart {grafana}")
                } else {
                    format!("the oncall chart {oncall}")
                }
            }
            Owner::User(schema) => format!("your schema `{}`", schema.name()),
        }
    }

    /// The path from the top of the files.
    pub fn doc_path(&self, path: &[Seg]) -> Vec<Seg> {
        let path = path.strip_prefix(self.mount.as_slice()).unwrap_or(path);
        self.prefix.iter().chain(path).cloned().collect()
    }

    /// The subschema at a path of the validated values.
    pub fn node(&self, path: &[Seg]) -> Option<Node<'a>> {
        self.set.at(self.root?, path)
    }
}
