//! Message templates: handlebars (HTML escaping off) over the arguments a check passes.
//! Templates are registered once, on first use.

use std::sync::OnceLock;

use handlebars::Handlebars;

use super::registry::all;

fn registry() -> &'static Handlebars<'static> {
    static HANDLEBARS: OnceLock<Handlebars<'static>> = OnceLock::new();
    HANDLEBARS.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.register_escape_fn(handlebars::no_escape);
        hb.set_strict_mode(true);
        for rule in all() {
            for (key, template) in &rule.meta.messages {
                let parts = [
                    ("message", Some(&template.message)),
                    ("label", template.label.as_ref()),
                    ("help", template.help.as_ref()),
                ];
                for (part, text) in parts {
                    if let Some(text) = text {
                        // a template that does not compile is caught by the registry test
                        let _ = hb.register_template_string(
                            &template_name(&rule.meta.code, key, part),
                            text,
                        );
                    }
                }
            }
        }
        hb
    })
}

/// The name a template is registered under.
pub fn template_name(code: &str, key: &str, part: &str) -> String {
    format!("{code}/{key}/{part}")
}

/// Renders one part of a message; `None` if the rule has no such template.
pub fn render(
    code: &str,
    key: &str,
    part: &str,
    args: &serde_json::Value,
) -> Option<Result<String, String>> {
    let hb = registry();
    let name = template_name(code, key, part);
    if !hb.has_template(&name) {
        return None;
    }
    Some(hb.render(&name, args).map_err(|e| e.to_string()))
}
