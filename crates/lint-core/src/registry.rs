//! The registry: every built-in rule paired with the check that runs it, generated from the
//! catalog in `rules/list.rs`. It sits above both `rules/` (the text) and `checks/` (the
//! logic), which know nothing of each other.

use crate::checks::{self, CheckContext, Emitter};
use crate::diagnostic::Diagnostic;
use crate::rules::RuleCode;

/// A check, run over a release: appends the rule's findings, whose messages name the
/// grafana chart's keys after the given prefix (`grafana.`, or nothing in the grafana
/// chart's own values).
pub(crate) type CheckFn = fn(&CheckContext<'_>, &mut Vec<Diagnostic>, &str);

/// A built-in rule and its check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    /// Its code.
    pub code: RuleCode,
    /// Its check.
    pub check: CheckFn,
}

macro_rules! define_rules {
    ($($code:ident $module:ident,)*) => {
        /// Every built-in rule with its check, in code order.
        static RULES: &[Rule] = &[$(
            Rule {
                code: RuleCode::$code,
                check: |ctx, out, grafana_prefix| {
                    let mut emitter = Emitter::new(RuleCode::$code, out, grafana_prefix);
                    checks::$module::check(ctx, &mut emitter);
                },
            },
        )*];
    };
}

crate::rules::list::for_each_rule!(define_rules);

/// Every built-in rule with its check, in code order.
pub(crate) fn all() -> &'static [Rule] {
    RULES
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::rules::RuleMeta;

    /// Every rule file at the repository root, as (file name, text).
    fn rule_files() -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("rules/ is readable")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn every_rule_file_is_listed_once_with_its_check() {
        let files = rule_files();
        assert_eq!(files.len(), RuleCode::ALL.len(), "one line per rule file");
        for (code, (file, _)) in RuleCode::ALL.iter().zip(&files) {
            assert_eq!(file, &format!("{code}-{}.yaml", code.name()));
            // the check module is named like the rule
            assert_eq!(code.module(), code.name().replace('-', "_"), "{code}");
        }
        let codes: Vec<RuleCode> = all().iter().map(|r| r.code).collect();
        assert_eq!(codes, RuleCode::ALL, "the registry follows the catalog");
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "in code order, each once");
    }

    #[test]
    fn every_rule_file_says_what_the_conventions_ask() {
        for code in RuleCode::ALL {
            let meta = code.meta();
            assert_eq!(meta.code, code.as_str());
            assert_eq!(meta.name, code.name());
            assert_eq!(meta.severity, code.severity(), "{code}");
            assert_eq!(meta.profile, code.info().profile, "{code}");
            assert!(code.as_str().starts_with("OC") && code.as_str().len() == 5);
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code}"
            );
            assert!(!meta.docs.references.is_empty(), "{code}: references");
            assert!(!meta.messages.is_empty(), "{code}: messages");
            for (key, template) in &meta.messages {
                let first = template.message.chars().next().unwrap_or('A');
                assert!(!first.is_ascii_uppercase(), "{code}/{key}: lowercase");
                assert!(
                    !template.message.trim_end().ends_with('.'),
                    "{code}/{key}: no trailing period"
                );
            }
        }
    }

    /// The JSON `build.rs` writes reads exactly as serde-saphyr reads the YAML.
    #[test]
    fn rules_json_reads_as_the_yaml_does() {
        for (code, (file, text)) in RuleCode::ALL.iter().zip(rule_files()) {
            let saphyr =
                serde_saphyr::from_str::<RuleMeta>(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(
                format!("{:?}", code.meta()),
                format!("{saphyr:?}"),
                "{file}"
            );
        }
    }

    /// Claims name values, so OC091 can leave them to their rule.
    #[test]
    fn claims_are_paths_of_keys_and_items() {
        let claimed: Vec<&str> = RuleCode::ALL
            .iter()
            .flat_map(|c| c.info().claims)
            .map(|c| c.path)
            .collect();
        assert!(claimed.contains(&"grafana.env"), "{claimed:?}");
        for path in claimed {
            assert!(
                path.split('.')
                    .all(|k| !k.is_empty() && k.trim_end_matches("[]") == k.replace("[]", "")),
                "{path}"
            );
        }
    }

    /// A rule's messages as its `Message` type declares them: key, then field names.
    type Declared = std::collections::BTreeMap<String, Vec<String>>;

    /// The messages `M` declares (serde's view: kebab-case keys, field names).
    fn declared<M: serde::de::DeserializeOwned>() -> Result<Declared, String> {
        use serde_reflection::{ContainerFormat, Tracer, TracerConfig, VariantFormat};
        let mut tracer = Tracer::new(TracerConfig::default());
        tracer.trace_simple_type::<M>().map_err(|e| e.to_string())?;
        let registry = tracer.registry().map_err(|e| e.to_string())?;
        let Some(ContainerFormat::Enum(variants)) = registry.get("Message") else {
            return Err("`Message` is not an enum".into());
        };
        Ok(variants
            .values()
            .map(|variant| {
                let fields = match &variant.value {
                    VariantFormat::Struct(fields) => {
                        fields.iter().map(|f| f.name.clone()).collect()
                    }
                    _ => Vec::new(),
                };
                (variant.name.clone(), fields)
            })
            .collect())
    }

    macro_rules! declared_messages {
        ($($code:ident $module:ident,)*) => {
            /// Every rule's declared messages.
            fn declared_messages() -> Vec<(RuleCode, Result<Declared, String>)> {
                vec![$(
                    (RuleCode::$code, declared::<crate::checks::$module::Message>()),
                )*]
            }
        };
    }

    crate::rules::list::for_each_rule!(declared_messages);

    /// The argument names a template reads (`{{name}}`, `{{#if name}}`, `{{#unless name}}`).
    fn placeholders(template: &str) -> Vec<String> {
        template
            .split("{{")
            .skip(1)
            .filter_map(|part| part.split("}}").next())
            .map(|tag| {
                let tag = tag.trim();
                let tag = tag
                    .strip_prefix("#if ")
                    .or_else(|| tag.strip_prefix("#unless "))
                    .unwrap_or(tag);
                tag.trim().split('.').next().unwrap_or_default().to_owned()
            })
            .filter(|name| !name.is_empty() && name != "else" && !name.starts_with('/'))
            .collect()
    }

    /// Each rule's `Message` type has one variant per message of its file, whose fields
    /// are exactly the arguments the message's templates read (`grafana_prefix` is the
    /// emitter's), and every template renders over them.
    #[test]
    fn every_message_is_typed_as_its_rule_file_says() {
        for (code, declared) in declared_messages() {
            let declared = declared.unwrap_or_else(|e| panic!("{code}: messages not traced: {e}"));
            let meta = code.meta();
            let keys: Vec<&String> = meta.messages.keys().collect();
            let variants: Vec<&String> = declared.keys().collect();
            assert_eq!(
                variants, keys,
                "{code}: one variant per message of the rule file"
            );
            for (key, template) in &meta.messages {
                let texts = [
                    Some(&template.message),
                    template.label.as_ref(),
                    template.help.as_ref(),
                ];
                let mut used: Vec<String> = texts
                    .into_iter()
                    .flatten()
                    .flat_map(|t| placeholders(t))
                    .filter(|name| name != "grafana_prefix")
                    .collect();
                used.sort();
                used.dedup();
                let mut fields = declared[key].clone();
                fields.sort();
                assert_eq!(
                    fields, used,
                    "{code}/{key}: fields and the templates' arguments"
                );
                let mut args = serde_json::Map::new();
                args.insert("grafana_prefix".into(), "grafana.".into());
                for field in &fields {
                    args.insert(field.clone(), "x".into());
                }
                let args = serde_json::Value::Object(args);
                for text in texts.into_iter().flatten() {
                    assert!(
                        crate::rules::template::render(text, &args).is_some(),
                        "{code}/{key}: `{text}` does not render"
                    );
                }
            }
        }
    }

    #[test]
    fn every_message_template_compiles() {
        for code in RuleCode::ALL {
            for (key, t) in &code.meta().messages {
                for text in [Some(&t.message), t.label.as_ref(), t.help.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    handlebars::Handlebars::new()
                        .register_template_string("t", text)
                        .unwrap_or_else(|e| panic!("{code}/{key}: {e}"));
                }
            }
        }
    }
}
