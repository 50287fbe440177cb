//! `oncall-lint server`: the Language Server Protocol over standard input and output, so an
//! editor shows the findings and fixes of a values file while it is typed, not only when
//! pre-commit or CI runs.
//!
//! Built on `lsp-server` and `lsp-types` (rust-analyzer's synchronous scaffold, which ruff's
//! server started from): a main loop owns the open documents and answers requests; one
//! worker thread lints, since a lint is a library session that already uses every core.
//! The main loop keeps the editor responsive and the findings fresh:
//!
//! - a change schedules a lint of that document's release only ([`Session::run_file`]),
//!   after a short quiet time (`debounceMs`, default [`DEBOUNCE`]) that coalesces a burst
//!   of changes into one lint;
//! - a lint's result for a version the editor has since changed is dropped (a newer one is
//!   already scheduled), so stale findings are never shown;
//! - a code action or hover asked while the document's lint is not current waits for it,
//!   and `$/cancelRequest` answers such a waiting request as cancelled.
//!
//! Every open document's text is read from memory by the lint, so the other files of a
//! release are taken as the editor holds them. Findings in another file of the release are
//! published for that file. What a run skipped or assumed (a chart version, a profile) is
//! logged (`window/logMessage`) whenever it changes; a lint that cannot run (a bad config)
//! is shown (`window/showMessage`).
//!
//! [`Session::run_file`]: oncall_lint_core::session::Session::run_file

// `lsp_types::Uri` hashes and compares by its text alone; the interior mutability clippy
// sees in it (a lazily parsed authority) never changes a key
#![allow(clippy::mutable_key_type)]

mod actions;
mod hover;
mod lint;
mod position;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, LogMessageParams, MessageType, PublishDiagnosticsParams, ServerCapabilities,
    ServerInfo, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};

use lint::{Done, Job, Run};
use position::Encoding;

/// The quiet time after a change before its lint starts, unless `initializationOptions`
/// say otherwise (`{"debounceMs": N}`): long enough to take in the changes an editor sends
/// at once, short enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(2);

/// Runs the server until the client says `exit` (or closes the connection).
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("the language client did not initialize: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| format!("the language client's initialize request: {e}"))?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let debounce = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("debounceMs"))
        .and_then(serde_json::Value::as_u64)
        .map_or(DEBOUNCE, Duration::from_millis);
    let root = workspace_root(&params);
    if let Some(root) = &root {
        // files are named, configs found and paths resolved from here, as the command
        // line does from where it runs
        std::env::set_current_dir(root)
            .map_err(|e| format!("cannot work in {}: {e}", root.display()))?;
    }
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "oncall-lint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("the language client did not initialize: {e}"))?;
    let (jobs, job_receiver) = crossbeam_channel::unbounded::<Job>();
    let (done_sender, done) = crossbeam_channel::unbounded::<Done>();
    let worker = std::thread::Builder::new()
        .name("oncall-lint-worker".to_owned())
        .spawn(move || work(&job_receiver, &done_sender))
        .map_err(|e| format!("cannot start the lint thread: {e}"))?;
    let mut server = Server {
        sender: connection.sender.clone(),
        receiver: connection.receiver.clone(),
        encoding,
        debounce,
        jobs,
        done,
        docs: HashMap::new(),
        runs: HashMap::new(),
        pending: HashMap::new(),
        busy: false,
        waiting: Vec::new(),
        notices: HashMap::new(),
        errors: HashMap::new(),
        shutdown: false,
    };
    server.main_loop();
    drop(server);
    drop(connection);
    let _ = worker.join();
    io_threads
        .join()
        .map_err(|e| format!("the connection to the language client: {e}"))
}

/// What the server offers.
fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// The workspace's directory: the first workspace folder, else the root URI.
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|f| f.uri.clone());
    #[allow(deprecated)] // older clients send only `rootUri`
    let uri = folder.or_else(|| params.root_uri.clone())?;
    path_of(&uri).filter(|p| p.is_dir())
}

/// The file a `file:` URI names.
fn path_of(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

/// The worker: lints each job it is given, until the main loop hangs up. A panic in a
/// lint is a bug; it is reported as the lint's failure, and the worker goes on.
fn work(jobs: &Receiver<Job>, done: &Sender<Done>) {
    for job in jobs {
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lint::run(&job)))
            .unwrap_or_else(|_| Err("the lint failed (a bug: please report it)".to_owned()));
        let sent = done.send(Done {
            uri: job.uri,
            version: job.version,
            run,
        });
        if sent.is_err() {
            return;
        }
    }
}

/// An open document.
struct Doc {
    /// Its file.
    path: PathBuf,
    /// Its name in runs.
    name: String,
    /// Its text as the editor holds it.
    text: String,
    /// The editor's version.
    version: i32,
    /// Whether it is linted (not a chart's template, `Chart.yaml` or the config).
    linted: bool,
}

/// The last lint of a document.
struct Linted {
    version: i32,
    run: Run,
}

/// The main loop's state.
struct Server {
    sender: Sender<Message>,
    receiver: Receiver<Message>,
    encoding: Encoding,
    debounce: Duration,
    jobs: Sender<Job>,
    done: Receiver<Done>,
    docs: HashMap<Uri, Doc>,
    runs: HashMap<Uri, Linted>,
    /// Documents to lint, and when.
    pending: HashMap<Uri, Instant>,
    /// Whether the worker is linting.
    busy: bool,
    /// Requests waiting for their document's lint to be current.
    waiting: Vec<Request>,
    /// The notices last logged per document.
    notices: HashMap<Uri, Vec<String>>,
    /// The error last shown per document.
    errors: HashMap<Uri, String>,
    shutdown: bool,
}

impl Server {
    fn main_loop(&mut self) {
        loop {
            self.dispatch();
            let wait = self
                .next_deadline()
                .map_or(Duration::from_secs(3600), |at| {
                    at.saturating_duration_since(Instant::now())
                });
            let message = crossbeam_channel::select! {
                recv(self.receiver) -> message => match message {
                    Ok(message) => Some(message),
                    // the client is gone
                    Err(_) => return,
                },
                recv(self.done) -> done => {
                    if let Ok(done) = done {
                        self.finish(done);
                    }
                    None
                },
                default(wait) => None,
            };
            let Some(message) = message else {
                continue;
            };
            match message {
                Message::Request(request) => self.request(request),
                Message::Notification(notification) => {
                    if notification.method == lsp_types::notification::Exit::METHOD {
                        return;
                    }
                    self.notification(notification);
                }
                Message::Response(_) => {}
            }
        }
    }

    /// When the next scheduled lint is due, when the worker is free to take it.
    fn next_deadline(&self) -> Option<Instant> {
        if self.busy {
            return None;
        }
        self.pending.values().min().copied()
    }

    /// Hands the worker the lint that is due first, if it is free.
    fn dispatch(&mut self) {
        if self.busy {
            return;
        }
        let now = Instant::now();
        let due = self
            .pending
            .iter()
            .filter(|(_, at)| **at <= now)
            .min_by_key(|(_, at)| **at)
            .map(|(uri, _)| uri.clone());
        let Some(uri) = due else {
            return;
        };
        self.pending.remove(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return;
        };
        let texts = self
            .docs
            .values()
            .map(|d| (d.path.clone(), d.text.clone()))
            .collect();
        let job = Job {
            uri: uri.clone(),
            path: doc.path.clone(),
            version: doc.version,
            texts,
            encoding: self.encoding,
        };
        if self.jobs.send(job).is_ok() {
            self.busy = true;
        }
    }

    /// Takes in a finished lint: dropped when the document changed since (its newer
    /// version is scheduled), else published, and the requests waiting for it answered.
    fn finish(&mut self, done: Done) {
        self.busy = false;
        let current = self.docs.get(&done.uri).map(|d| d.version);
        if current != Some(done.version) {
            return;
        }
        let run = match done.run {
            Ok(run) => {
                self.errors.remove(&done.uri);
                run
            }
            Err(message) => {
                if self.errors.get(&done.uri) != Some(&message) {
                    self.notify::<ShowMessage>(ShowMessageParams {
                        typ: MessageType::ERROR,
                        message: format!("oncall-lint: {message}"),
                    });
                    self.errors.insert(done.uri.clone(), message);
                }
                Run::default()
            }
        };
        if self.notices.get(&done.uri) != Some(&run.notices) {
            for notice in &run.notices {
                self.notify::<LogMessage>(LogMessageParams {
                    typ: MessageType::INFO,
                    message: format!("oncall-lint: {notice}"),
                });
            }
            self.notices.insert(done.uri.clone(), run.notices.clone());
        }
        let mut touched: HashSet<Uri> = run.files.keys().cloned().collect();
        touched.insert(done.uri.clone());
        let linted = Linted {
            version: done.version,
            run,
        };
        if let Some(old) = self.runs.insert(done.uri.clone(), linted) {
            touched.extend(old.run.files.into_keys());
        }
        for uri in touched {
            self.publish(&uri);
        }
        let waiting = std::mem::take(&mut self.waiting);
        for request in waiting {
            self.request(request);
        }
    }

    /// Publishes what is known of `uri`: an open document's own lint; for another file,
    /// what the lints of open documents found in it.
    fn publish(&self, uri: &Uri) {
        let own = self
            .docs
            .get(uri)
            .and(self.runs.get(uri))
            .map(|linted| findings_in(&linted.run, uri));
        let diagnostics = own.unwrap_or_else(|| {
            let mut all: Vec<lsp_types::Diagnostic> = Vec::new();
            for linted in self.runs.values() {
                for diagnostic in findings_in(&linted.run, uri) {
                    if !all.contains(&diagnostic) {
                        all.push(diagnostic);
                    }
                }
            }
            all
        });
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: self.docs.get(uri).map(|d| d.version),
        });
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let _ = self
            .sender
            .send(Notification::new(N::METHOD.to_owned(), params).into());
    }

    fn respond(&self, response: Response) {
        let _ = self.sender.send(response.into());
    }

    fn notification(&mut self, notification: Notification) {
        use lsp_types::notification::Cancel;
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(params) = notification.extract(DidOpenTextDocument::METHOD) {
                    self.did_open(params);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) = notification.extract(DidChangeTextDocument::METHOD) {
                    self.did_change(params);
                }
            }
            DidSaveTextDocument::METHOD => {
                // a saved file (a config, a file another release reads) may change what
                // every open document's lint finds
                let at = Instant::now() + self.debounce;
                for (uri, doc) in &self.docs {
                    if doc.linted {
                        self.pending.insert(uri.clone(), at);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = notification.extract(DidCloseTextDocument::METHOD) {
                    self.did_close(params);
                }
            }
            Cancel::METHOD => {
                if let Ok(params) = notification.extract(Cancel::METHOD) {
                    self.cancel(params);
                }
            }
            _ => {}
        }
    }

    fn did_open(&mut self, params: lsp_types::DidOpenTextDocumentParams) {
        let item = params.text_document;
        let Some(path) = path_of(&item.uri) else {
            return;
        };
        let name = oncall_lint_core::session::display_name(&path);
        let linted = is_linted(&path);
        self.docs.insert(
            item.uri.clone(),
            Doc {
                path,
                name,
                text: item.text,
                version: item.version,
                linted,
            },
        );
        if linted {
            self.pending.insert(item.uri, Instant::now());
        }
    }

    fn did_change(&mut self, params: lsp_types::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(doc) = self.docs.get_mut(&uri) else {
            return;
        };
        for change in params.content_changes {
            position::apply_change(&mut doc.text, change.range, &change.text, self.encoding);
        }
        doc.version = params.text_document.version;
        if doc.linted {
            self.pending.insert(uri, Instant::now() + self.debounce);
        }
    }

    fn did_close(&mut self, params: lsp_types::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.docs.remove(&uri);
        self.pending.remove(&uri);
        self.notices.remove(&uri);
        self.errors.remove(&uri);
        let mut touched: HashSet<Uri> = HashSet::from([uri.clone()]);
        if let Some(old) = self.runs.remove(&uri) {
            touched.extend(old.run.files.into_keys());
        }
        for uri in touched {
            self.publish(&uri);
        }
    }

    /// `$/cancelRequest`: a request still waiting for its document's lint is answered as
    /// cancelled (one already answered has nothing left to cancel).
    fn cancel(&mut self, params: lsp_types::CancelParams) {
        let id: RequestId = match params.id {
            lsp_types::NumberOrString::Number(n) => n.into(),
            lsp_types::NumberOrString::String(s) => s.into(),
        };
        if let Some(index) = self.waiting.iter().position(|r| r.id == id) {
            self.waiting.remove(index);
            self.respond(Response::new_err(
                id,
                ErrorCode::RequestCanceled as i32,
                "cancelled".to_owned(),
            ));
        }
    }

    fn request(&mut self, request: Request) {
        if self.shutdown {
            self.respond(Response::new_err(
                request.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_owned(),
            ));
            return;
        }
        match request.method.as_str() {
            lsp_types::request::Shutdown::METHOD => {
                self.shutdown = true;
                self.respond(Response::new_ok(request.id, ()));
            }
            CodeActionRequest::METHOD | HoverRequest::METHOD => {
                let uri = document_of(&request);
                let current = uri.as_ref().is_some_and(|uri| self.is_current(uri));
                let linted = uri
                    .as_ref()
                    .and_then(|uri| self.docs.get(uri))
                    .is_some_and(|d| d.linted);
                if linted && !current {
                    // answered when its lint is current (or cancelled before)
                    self.waiting.push(request);
                    return;
                }
                let response = if request.method == HoverRequest::METHOD {
                    self.hover(request)
                } else {
                    self.code_actions(request)
                };
                self.respond(response);
            }
            _ => self.respond(Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("oncall-lint does not answer `{}`", request.method),
            )),
        }
    }

    /// Whether the last lint of `uri` is of its current text.
    fn is_current(&self, uri: &Uri) -> bool {
        let version = self.docs.get(uri).map(|d| d.version);
        let linted = self.runs.get(uri).map(|l| l.version);
        version.is_some() && version == linted && !self.pending.contains_key(uri)
    }

    fn code_actions(&self, request: Request) -> Response {
        let id = request.id.clone();
        let Ok((_, params)) = request.extract::<CodeActionParams>(CodeActionRequest::METHOD) else {
            return invalid_params(id);
        };
        let uri = params.text_document.uri;
        let wants_quickfix = params.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
        });
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        let findings = self
            .runs
            .get(&uri)
            .and_then(|linted| linted.run.files.get(&uri));
        for finding in findings.into_iter().flatten().filter(|_| wants_quickfix) {
            if overlaps(&finding.diagnostic.range, &params.range) {
                actions.extend(
                    finding
                        .actions
                        .iter()
                        .cloned()
                        .map(CodeActionOrCommand::CodeAction),
                );
            }
        }
        Response::new_ok(id, actions)
    }

    fn hover(&self, request: Request) -> Response {
        let id = request.id.clone();
        let Ok((_, params)) = request.extract::<HoverParams>(HoverRequest::METHOD) else {
            return invalid_params(id);
        };
        let at = params.text_document_position_params;
        let Some(doc) = self.docs.get(&at.text_document.uri) else {
            return Response::new_ok(id, ());
        };
        let run = self.runs.get(&at.text_document.uri).map(|l| &l.run);
        let findings = run
            .and_then(|run| run.files.get(&at.text_document.uri))
            .map_or(&[][..], Vec::as_slice);
        let text_of = |name: &str| -> Option<String> {
            if let Some(open) = self.docs.values().find(|d| d.name == name) {
                let text = &open.text;
                return Some(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned());
            }
            let limit = oncall_lint_core::yaml::Limits::default().max_file_size;
            let bytes = oncall_lint_core::session::read_bounded(Path::new(name), limit).ok()?;
            String::from_utf8(bytes).ok()
        };
        let hover_request = hover::Request {
            text: &doc.text,
            name: &doc.name,
            scope: run.and_then(|run| run.scope.as_ref()),
            findings,
            text_of: &text_of,
            encoding: self.encoding,
        };
        match hover::hover(&hover_request, at.position) {
            Some(hover) => Response::new_ok(id, hover),
            None => Response::new_ok(id, ()),
        }
    }
}

/// The findings a run has for `uri`.
fn findings_in(run: &Run, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
    run.files
        .get(uri)
        .map(|findings| findings.iter().map(|f| f.diagnostic.clone()).collect())
        .unwrap_or_default()
}

/// The document a code action or hover request is about.
fn document_of(request: &Request) -> Option<Uri> {
    let uri = request
        .params
        .get("textDocument")
        .and_then(|d| d.get("uri"))
        .and_then(serde_json::Value::as_str)?;
    uri.parse().ok()
}

/// Whether two ranges share a position (touching counts: a cursor at a finding's end).
fn overlaps(a: &lsp_types::Range, b: &lsp_types::Range) -> bool {
    let key = |p: &lsp_types::Position| (p.line, p.character);
    key(&a.start) <= key(&b.end) && key(&b.start) <= key(&a.end)
}

/// Whether a file is linted when opened: not a chart's templates (Go templates, not YAML),
/// `Chart.yaml`/`Chart.lock`, or the config, which the lint reads but does not lint.
fn is_linted(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if matches!(name, "Chart.yaml" | "Chart.lock" | ".oncall-lint.yaml") {
        return false;
    }
    let in_templates = path.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file())
    });
    !in_templates
}

fn invalid_params(id: RequestId) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        "invalid parameters".to_owned(),
    )
}
