//! Message templates: handlebars (HTML escaping off) over the arguments a check passes.
//! A template is compiled the first time a finding uses it, so a run pays only for the
//! messages it prints (compiling every template up front cost more than a small lint).

use std::sync::Mutex;

use handlebars::Handlebars;

use super::registry::Rule;

/// An empty registry for one rule's templates.
pub(crate) fn registry() -> Mutex<Handlebars<'static>> {
    let mut hb = Handlebars::new();
    hb.register_escape_fn(handlebars::no_escape);
    hb.set_strict_mode(true);
    Mutex::new(hb)
}

/// The name a template is registered under in its rule's registry.
pub fn template_name(key: &str, part: &str) -> String {
    format!("{key}/{part}")
}

/// Renders one part (`message`, `label`, `help`) of one of `rule`'s messages; `None` if the
/// rule has no such template.
pub fn render(
    rule: &Rule,
    key: &str,
    part: &str,
    args: &serde_json::Value,
) -> Option<Result<String, String>> {
    let template = rule.meta().messages.get(key)?;
    let text = match part {
        "message" => Some(&template.message),
        "label" => template.label.as_ref(),
        "help" => template.help.as_ref(),
        _ => None,
    }?;
    let name = template_name(key, part);
    // a panic while holding the lock leaves the registry usable: it only ever grows
    let mut hb = rule
        .templates()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !hb.has_template(&name)
        && let Err(e) = hb.register_template_string(&name, text)
    {
        return Some(Err(e.to_string()));
    }
    Some(hb.render(&name, args).map_err(|e| e.to_string()))
}
