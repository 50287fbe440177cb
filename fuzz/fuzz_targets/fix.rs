//! Apply every fix (unsafe ones too) to any bytes, then re-parse: the fixer must never
//! panic, and whatever it keeps must parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oncall_lint_core::fix::apply::run;
use oncall_lint_core::yaml::{Limits, parse};
use oncall_lint_core::{Applicability, LintOptions, Profile, lint_bytes};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut options = LintOptions::default();
    options.selection.profiles.push(Profile::AirGapped);
    options.keep_values = true;
    let lint = |texts: &[(String, String)]| lint_bytes(&texts[0].0, texts[0].1.clone().into_bytes(), &options);
    let before_parses = parse(text, &Limits::default()).is_ok();
    let outcome = run(vec![("fuzz-values.yaml".into(), text.to_owned())], Applicability::Unsafe, &lint);
    if before_parses {
        let fixed = &outcome.texts[0].1;
        assert!(parse(fixed, &Limits::default()).is_ok(), "a kept fix broke the file:\n{text}\n---\n{fixed}");
    }
});
