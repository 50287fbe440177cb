//! Driving the real `oncall-lint` binary for the CLI and hostile-input tests: a scrubbed
//! environment, a wall-clock deadline enforced here (the process is killed when it is
//! late), an optional address-space cap through `prlimit`, a strict reader for the concise
//! format, and temporary directories that clean up after themselves.

#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_oncall-lint");

/// How long a run may take before it counts as a hang (debug build, busy machine).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// One finished run.
#[derive(Debug)]
pub struct Run {
    /// The arguments, for messages.
    pub args: Vec<String>,
    /// How the process ended.
    pub status: ExitStatus,
    /// Standard output, as bytes.
    pub stdout_bytes: Vec<u8>,
    /// Standard error, decoded lossily.
    pub stderr: String,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Whether it ran under an address-space cap.
    pub memory_capped: bool,
}

impl Run {
    /// The exit code (`None` when a signal ended it).
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Standard output, decoded lossily.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout_bytes).into_owned()
    }

    /// The process ended by itself with 0, 1 or 2 and did not panic.
    pub fn assert_sane(&self) {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(signal) = self.status.signal() {
                panic!(
                    "`oncall-lint {}` was killed by signal {signal}{}\nstderr:\n{}",
                    self.args.join(" "),
                    if self.memory_capped && signal == 6 {
                        " (an abort: probably an allocation failed under the memory cap)"
                    } else {
                        ""
                    },
                    self.stderr
                );
            }
        }
        assert!(
            matches!(self.code(), Some(0..=2)),
            "`oncall-lint {}` exited with {:?} (101 is a panic)\nstderr:\n{}",
            self.args.join(" "),
            self.code(),
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "`oncall-lint {}` panicked:\n{}",
            self.args.join(" "),
            self.stderr
        );
    }

    /// Sane, and exited with `expected`.
    pub fn assert_code(&self, expected: i32) -> &Self {
        self.assert_sane();
        assert_eq!(
            self.code(),
            Some(expected),
            "`oncall-lint {}`: wrong exit code\nstdout:\n{}\nstderr:\n{}",
            self.args.join(" "),
            self.stdout(),
            self.stderr
        );
        self
    }
}

/// A run being set up.
pub struct Exe {
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
    cwd: Option<PathBuf>,
    timeout: Duration,
    memory_limit: Option<u64>,
}

/// `oncall-lint ARGS...`, to be configured and run.
pub fn oncall_lint<I, S>(args: I) -> Exe
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    Exe {
        args: args.into_iter().map(Into::into).collect(),
        stdin: None,
        cwd: None,
        timeout: DEFAULT_TIMEOUT,
        memory_limit: None,
    }
}

impl Exe {
    /// Feeds these bytes to standard input (otherwise it is empty).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs in this directory.
    pub fn cwd(mut self, dir: &Path) -> Self {
        self.cwd = Some(dir.to_path_buf());
        self
    }

    /// Kills the process and fails the test after this long.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Caps the address space at `bytes` when `prlimit` is available (skipped otherwise).
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Runs to completion or to the deadline; a late process is killed and the test fails.
    pub fn run(self) -> Run {
        let shown: Vec<String> = self
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let capped = self.memory_limit.filter(|_| prlimit_available());
        let mut command = match capped {
            Some(bytes) => {
                let mut c = Command::new("prlimit");
                c.arg(format!("--as={bytes}")).arg("--").arg(BIN);
                c
            }
            None => Command::new(BIN),
        };
        command
            .args(&self.args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        let start = Instant::now();
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
        let stdout = drain(child.stdout.take().expect("stdout is piped"));
        let stderr = drain(child.stderr.take().expect("stderr is piped"));
        let writer = self.stdin.map(|bytes| {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            // a process that exits without reading closes the pipe: not our failure
            thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            })
        });
        let deadline = start + self.timeout;
        let mut pause = Duration::from_millis(1);
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "`oncall-lint {}` still running after {:?}: killed (a hang?)",
                        shown.join(" "),
                        self.timeout
                    );
                }
                Ok(None) => {
                    thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(25));
                }
                Err(e) => panic!("cannot wait for oncall-lint: {e}"),
            }
        };
        let elapsed = start.elapsed();
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        let stdout_bytes = stdout.join().expect("stdout reader");
        let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr reader")).into_owned();
        Run {
            args: shown,
            status,
            stdout_bytes,
            stderr,
            elapsed,
            memory_capped: capped.is_some(),
        }
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Whether `prlimit --as` works here (util-linux is normally present, but not always).
pub fn prlimit_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new("prlimit")
            .arg(format!("--as={}", 1u64 << 30))
            .arg("--")
            .arg(BIN)
            .arg("--version")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// One line of `--format concise`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub code: String,
    pub severity: String,
    pub message: String,
}

/// Reads a line of the shape `^[^:]+:\d+:\d+: OC\d{3} (error|warning|info): .+`.
pub fn parse_concise_line(line: &str) -> Option<Finding> {
    fn number(text: &str) -> Option<usize> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok()
    }
    let mut parts = line.splitn(4, ':');
    let path = parts.next().filter(|p| !p.is_empty())?;
    let line_no = number(parts.next()?)?;
    let column = number(parts.next()?)?;
    let rest = parts.next()?.strip_prefix(' ')?;
    let (code, rest) = rest.split_once(' ')?;
    let digits = code.strip_prefix("OC")?;
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (severity, message) = rest.split_once(": ")?;
    if !matches!(severity, "error" | "warning" | "info") || message.trim().is_empty() {
        return None;
    }
    Some(Finding {
        path: path.to_owned(),
        line: line_no,
        column,
        code: code.to_owned(),
        severity: severity.to_owned(),
        message: message.to_owned(),
    })
}

/// Every line of the run's stdout as a concise finding; fails on anything else.
pub fn concise_findings(run: &Run) -> Vec<Finding> {
    let stdout = run.stdout();
    assert!(
        stdout.is_empty() || stdout.ends_with('\n'),
        "`oncall-lint {}`: concise output does not end with a newline:\n{stdout}",
        run.args.join(" ")
    );
    stdout
        .lines()
        .map(|line| {
            parse_concise_line(line).unwrap_or_else(|| {
                panic!(
                    "`oncall-lint {}`: not a concise finding: {line:?}\nwhole stdout:\n{stdout}",
                    run.args.join(" ")
                )
            })
        })
        .collect()
}

/// Whether the 1-based `line`:`column` (columns in characters, lines broken at `\n`,
/// `\r\n` or a lone `\r` as YAML breaks them) names a position inside `text`; the end of a
/// line, and of the file, count as inside.
pub fn position_inside(text: &str, line: usize, column: usize) -> bool {
    if line == 0 || column == 0 {
        return false;
    }
    let mut lines = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => lines.push(String::new()),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(String::new());
            }
            c => lines.last_mut().expect("one line at least").push(c),
        }
    }
    lines
        .get(line - 1)
        .is_some_and(|l| column <= l.chars().count() + 1)
}

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `<tmp>/lint-test-<tag>-<pid>-<n>` (a name that does not say "oncall": a
    /// folder named for oncall makes the files in it oncall values).
    pub fn new(tag: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "lint-test-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    /// A new directory holding `files` (name, text).
    pub fn with_files(tag: &str, files: &[(&str, &str)]) -> Self {
        let dir = TempDir::new(tag);
        for (name, text) in files {
            dir.write(name, text);
        }
        dir
    }

    /// Runs `oncall-lint ARGS` inside this directory.
    pub fn run(&self, args: &[&str]) -> Run {
        oncall_lint(args).cwd(self.path()).run()
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `name` (with parent directories) and returns its full path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dirs");
        }
        std::fs::write(&path, bytes).expect("write a temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
