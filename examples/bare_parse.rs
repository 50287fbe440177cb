//! The floor for benchmarks: read each file and run granit-parser's event parser over it,
//! building nothing. `oncall-lint` cannot be faster than this on the same files.
//!
//! usage: cargo run --release --example bare_parse -- FILE...

fn main() -> std::process::ExitCode {
    let mut events = 0usize;
    let mut errors = 0usize;
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("{path}: cannot read");
            return std::process::ExitCode::from(2);
        };
        for event in granit_parser::Parser::new_from_str(&text) {
            match event {
                Ok(_) => events += 1,
                Err(_) => {
                    errors += 1;
                    break;
                }
            }
        }
    }
    println!("{events} events, {errors} files with errors");
    std::process::ExitCode::SUCCESS
}
