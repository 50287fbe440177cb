//! Message templates: the handlebars subset rule files use (`{{name}}`, `{{a.b}}`,
//! `{{#if name}}`/`{{#unless name}}`/`{{else}}` on one line), rendered with handlebars'
//! results (strict: a missing argument is an error; no HTML escaping).
//!
//! Written here rather than run through the handlebars crate: building a handlebars
//! registry and compiling a template with its grammar was a twentieth of a small file's
//! run, and the subset is small. A test renders every template of every rule with both and
//! compares (handlebars stays a dependency for `render`'s templates).

/// Renders a template that uses only `{{path}}` and `{{#if path}}`/`{{#unless path}}`/
/// `{{else}}` blocks, as handlebars renders it in strict mode without escaping; `None` for
/// anything else (other helpers, whitespace control, a block tag in a multi-line template,
/// where handlebars strips standalone lines, an argument that is missing or not a scalar).
pub fn render(template: &str, args: &serde_json::Value) -> Option<String> {
    // an escaped `\{{` is literal text to handlebars; `{{found}}}` is a tag and a `}`
    if template.contains("\\{{") {
        return None;
    }
    let multi_line = template.contains('\n');
    let mut out = String::with_capacity(template.len() + 32);
    // open blocks: (is `unless`, in the `else` part, whether the enclosing text is output)
    let mut blocks: Vec<(bool, bool, bool)> = Vec::new();
    let mut active = true;
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        if active {
            out.push_str(&rest[..open]);
        }
        let after = &rest[open + 2..];
        let close = after.find("}}")?;
        let tag = &after[..close];
        rest = &after[close + 2..];
        if tag.starts_with(['{', '!', '>', '~', '^', '&']) || tag.ends_with('~') {
            return None;
        }
        let tag = tag.trim();
        if let Some(block) = tag.strip_prefix('#') {
            let (helper, path) = block.split_once(' ')?;
            let unless = match helper {
                "if" => false,
                "unless" => true,
                _ => return None,
            };
            if multi_line || !is_path(path.trim()) {
                return None;
            }
            let outer = active;
            if active {
                let value = lookup(args, path.trim())?;
                active = truthy(value) != unless;
            }
            blocks.push((unless, false, outer));
        } else if let Some(end) = tag.strip_prefix('/') {
            let (unless, _, outer) = blocks.pop()?;
            if end.trim() != if unless { "unless" } else { "if" } {
                return None;
            }
            active = outer;
        } else if tag == "else" {
            let (unless, in_else, outer) = blocks.pop()?;
            if in_else {
                return None;
            }
            blocks.push((unless, true, outer));
            active = outer && !active;
        } else if active {
            match lookup(args, tag)? {
                serde_json::Value::String(s) => out.push_str(s),
                serde_json::Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                serde_json::Value::Number(n) => out.push_str(&n.to_string()),
                serde_json::Value::Null => {}
                _ => return None,
            }
        } else if !is_path(tag) {
            return None;
        }
    }
    if !blocks.is_empty() {
        return None;
    }
    out.push_str(rest);
    Some(out)
}

/// A dotted path of plain names (`name`, `chart.version`).
fn is_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('.').all(|segment| {
            segment
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// The argument at a dotted path, if the path is plain and the argument is there.
fn lookup<'a>(args: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    if !is_path(path) {
        return None;
    }
    path.split('.')
        .try_fold(args, |value, segment| value.get(segment))
}

/// Handlebars' `if`: false, null, 0, "" and empty lists and maps are false.
fn truthy(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(f64::is_normal),
        serde_json::Value::Null => false,
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handlebars(template: &str, args: &serde_json::Value) -> Result<String, String> {
        let mut hb = handlebars::Handlebars::new();
        hb.register_escape_fn(handlebars::no_escape);
        hb.set_strict_mode(true);
        hb.render_template(template, args)
            .map_err(|e| e.to_string())
    }

    /// The names a template refers to (a superset: any `{{...}}` content that is a path).
    fn names(template: &str) -> Vec<String> {
        let mut out = Vec::new();
        for part in template.split("{{").skip(1) {
            let tag = part.split("}}").next().unwrap_or("").trim();
            let tag = tag
                .strip_prefix("#if ")
                .or_else(|| tag.strip_prefix("#unless "))
                .unwrap_or(tag)
                .trim();
            if is_path(tag) && tag != "else" && !out.iter().any(|n| n == tag) {
                out.push(tag.to_owned());
            }
        }
        out
    }

    /// Nested arguments for a dotted name.
    fn set(args: &mut serde_json::Value, name: &str, value: serde_json::Value) {
        let mut at = args;
        let segments: Vec<&str> = name.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            if !at.is_object() {
                *at = serde_json::json!({});
            }
            let map = at.as_object_mut().unwrap();
            if i + 1 == segments.len() {
                map.insert((*segment).to_owned(), value.clone());
                return;
            }
            at = map
                .entry((*segment).to_owned())
                .or_insert_with(|| serde_json::json!({}));
        }
    }

    /// Every template of every rule renders as handlebars renders it, for arguments of
    /// every kind, whenever the simple renderer takes it.
    #[test]
    fn simple_templates_render_as_handlebars_does() {
        let kinds = [
            serde_json::json!("text"),
            serde_json::json!(""),
            serde_json::json!(true),
            serde_json::json!(false),
            serde_json::json!(0),
            serde_json::json!(3),
            serde_json::json!(1.5),
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!(["a"]),
        ];
        let mut taken = 0;
        for code in super::super::RuleCode::ALL {
            for template in code.meta().messages.values() {
                for text in [
                    Some(&template.message),
                    template.label.as_ref(),
                    template.help.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    let names = names(text);
                    for (round, _) in kinds.iter().enumerate() {
                        let mut args = serde_json::json!({});
                        for (i, name) in names.iter().enumerate() {
                            set(&mut args, name, kinds[(round + i) % kinds.len()].clone());
                        }
                        if let Some(fast) = render(text, &args) {
                            taken += 1;
                            assert_eq!(Ok(fast), handlebars(text, &args), "{code}: {text}");
                        }
                    }
                    // a missing argument is handlebars' error to report
                    if !names.is_empty() {
                        assert_eq!(render(text, &serde_json::json!({})), None, "{text}");
                    }
                }
            }
        }
        assert!(taken > 100, "the renderer takes the templates ({taken})");
    }

    #[test]
    fn blocks_nest_and_anything_else_goes_to_handlebars() {
        let args = serde_json::json!({"a": true, "b": "", "n": {"x": 1}});
        let t = "x{{#if a}}A{{#unless b}}-{{n.x}}{{else}}B{{/unless}}{{else}}C{{/if}}y";
        assert_eq!(render(t, &args).as_deref(), Some("xA-1y"));
        assert_eq!(render(t, &args), handlebars(t, &args).ok());
        for other in [
            "{{{a}}}",
            "{{~a}}",
            "{{#each a}}x{{/each}}",
            "{{#if a}}x",
            "{{> p}}",
            "{{n}}",
            "{{#if a}}{{else}}{{#if a b}}x{{/if}}{{/if}}",
            "a\n{{#if a}}\nx\n{{/if}}\n",
        ] {
            assert_eq!(render(other, &args), None, "{other}");
        }
    }
}
