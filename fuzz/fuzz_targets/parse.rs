//! Parse any bytes: decoding, the YAML tree and Helm's conversion must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oncall_lint_core::source::SourceFile;
use oncall_lint_core::yaml::{Limits, parse};

fuzz_target!(|data: &[u8]| {
    let (source, _) = SourceFile::from_bytes("fuzz.yaml", data.to_vec());
    if let Ok(docs) = parse(source.text(), &Limits::default()) {
        for doc in &docs {
            if let Some(root) = doc.root {
                let _ = oncall_lint_core::values::to_value(doc, root, 0, &|r| r, 100_000);
            }
        }
    }
});
