//! `dossier lsp`: a language server for relation files (Language Server
//! Protocol 3.17 over stdio), on `lsp-server` and `lsp-types`, the crates
//! rust-analyzer is built on: a synchronous loop over a channel, no async
//! runtime to build or to reason about, and types that follow the
//! specification's names.
//!
//! The server loads each root file as `dossier check` does, with the
//! editor's unsaved buffers in place of their files: a root is an open file
//! that no other file includes, or the file that includes it (found among
//! the workspace's `.kg` files at start and in the open buffers). After an
//! edit it reloads the roots that read the edited file, once the messages
//! waiting have been read, and publishes each file's diagnostics.

mod actions;
mod analysis;
mod complete;
mod features;
mod script;
mod text;

use analysis::{Index, Load};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// `dossier lsp`
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Speaks the Language Server Protocol on stdin and stdout, for editors: diagnostics as `dossier check` gives them, completion, hover, go to definition, references, rename, symbols, code actions and formatting (as `dossier fmt`). Initialization option `{\"strict\": true}` checks as `check --strict` does. See docs/editors.md."
)]
pub struct Args {
    /// Talk over stdin and stdout (the default, and the only transport;
    /// accepted because editor clients pass it)
    #[arg(long)]
    pub stdio: bool,
}

/// Runs the server until the client says `exit`.
pub fn run(_args: &Args) -> ExitCode {
    let (connection, threads) = Connection::stdio();
    let code = match serve(&connection) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: dossier lsp: {e}");
            ExitCode::FAILURE
        }
    };
    drop(connection);
    let _ = threads.join();
    code
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::INCREMENTAL,
        )),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![
                ":".into(),
                " ".into(),
                "{".into(),
                "\"".into(),
                "/".into(),
            ]),
            ..lsp::CompletionOptions::default()
        }),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        ..lsp::ServerCapabilities::default()
    }
}

fn serve(connection: &Connection) -> Result<(), Box<dyn std::error::Error + Sync + Send>> {
    let caps = serde_json::to_value(capabilities())?;
    let (id, params) = connection.initialize_start()?;
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": caps,
            "serverInfo": {"name": "dossier", "version": env!("CARGO_PKG_VERSION")},
        }),
    )?;
    let params: lsp::InitializeParams = serde_json::from_value(params)?;
    let mut server = Server::new(&params);
    let mut dirty: BTreeSet<PathBuf> = BTreeSet::new();
    loop {
        // Edits are analysed once the messages waiting have been read, so
        // that a burst of keystrokes costs one load.
        let message = if dirty.is_empty() {
            match connection.receiver.recv() {
                Ok(m) => m,
                Err(_) => return Ok(()),
            }
        } else {
            match connection.receiver.try_recv() {
                Ok(m) => m,
                Err(crossbeam_channel::TryRecvError::Empty) => {
                    let changed = std::mem::take(&mut dirty);
                    server.analyse(&changed);
                    server.publish(connection)?;
                    continue;
                }
                Err(crossbeam_channel::TryRecvError::Disconnected) => return Ok(()),
            }
        };
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                if !dirty.is_empty() {
                    // A request sees the edits before it.
                    let changed = std::mem::take(&mut dirty);
                    server.analyse(&changed);
                    server.publish(connection)?;
                }
                let response = server.request(request);
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(n) if n.method == "exit" => {
                // `exit` before `shutdown`: the protocol's exit status 1.
                return Err("`exit` came before `shutdown`".into());
            }
            Message::Notification(n) => {
                if let Some(path) = server.notification(n) {
                    dirty.insert(path);
                }
            }
            Message::Response(_) => {}
        }
    }
}

/// A file's index and the text it was made of.
type Indexed = (Arc<String>, Arc<Index>);

/// What the server holds between messages.
pub(crate) struct Server {
    /// The open buffers, by canonical path.
    docs: HashMap<PathBuf, Arc<String>>,
    /// Checking as `check --strict` does (initialization option `strict`).
    strict: bool,
    /// Which file includes each file, from the workspace and the buffers.
    includers: HashMap<PathBuf, PathBuf>,
    /// Each root's last load.
    loads: BTreeMap<PathBuf, Load>,
    /// The files whose diagnostics were last published non-empty.
    published: BTreeSet<PathBuf>,
    /// The workspace's `.kg` files found at start, for workspace symbols.
    workspace: Vec<PathBuf>,
    /// The diagnostics of the open query scripts.
    scripts: BTreeMap<PathBuf, Vec<lsp::Diagnostic>>,
    /// The bundled graph, which scripts are asked of when no relation file
    /// is open.
    bundled: Option<crate::graph::Graph>,
    /// Each file's index, with the text it was made of.
    indexes: std::cell::RefCell<HashMap<PathBuf, Indexed>>,
}

/// A file's canonical path, or the path itself when it does not exist.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// At most this many `.kg` files of the workspace are read at start.
const MOST_WORKSPACE_FILES: usize = 5000;

impl Server {
    fn new(params: &lsp::InitializeParams) -> Server {
        let strict = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("strict"))
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| text::path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            folders.extend(params.root_uri.as_ref().and_then(text::path_of));
        }
        let mut workspace = Vec::new();
        for folder in &folders {
            walk(folder, 0, &mut workspace);
        }
        workspace.truncate(MOST_WORKSPACE_FILES);
        let mut includers = HashMap::new();
        for file in &workspace {
            if let Ok(text) = std::fs::read_to_string(file) {
                let dir = file.parent().unwrap_or(Path::new(""));
                for included in analysis::includes(dir, &text) {
                    includers.entry(included).or_insert_with(|| file.clone());
                }
            }
        }
        Server {
            docs: HashMap::new(),
            strict,
            includers,
            loads: BTreeMap::new(),
            published: BTreeSet::new(),
            workspace,
            scripts: BTreeMap::new(),
            bundled: None,
            indexes: Default::default(),
        }
    }

    /// A notification; the path of a buffer that changed.
    fn notification(&mut self, n: Notification) -> Option<PathBuf> {
        use lsp::notification::Notification as _;
        match n.method.as_str() {
            lsp::notification::DidOpenTextDocument::METHOD => {
                let p: lsp::DidOpenTextDocumentParams = serde_json::from_value(n.params).ok()?;
                let path = canonical(&text::path_of(&p.text_document.uri)?);
                self.set_text(&path, p.text_document.text);
                Some(path)
            }
            lsp::notification::DidChangeTextDocument::METHOD => {
                let p: lsp::DidChangeTextDocumentParams = serde_json::from_value(n.params).ok()?;
                let path = canonical(&text::path_of(&p.text_document.uri)?);
                // Incremental sync: each change replaces a range (or, with
                // none, the whole text), in order.
                let mut text = self
                    .docs
                    .get(&path)
                    .map_or(String::new(), |t| t.to_string());
                for change in p.content_changes {
                    match change.range {
                        None => text = change.text,
                        Some(range) => {
                            let lines = text::Lines::new(&text);
                            let start = lines.offset(&text, range.start);
                            let end = lines.offset(&text, range.end).max(start);
                            text.replace_range(start..end, &change.text);
                        }
                    }
                }
                self.set_text(&path, text);
                Some(path)
            }
            lsp::notification::DidCloseTextDocument::METHOD => {
                let p: lsp::DidCloseTextDocumentParams = serde_json::from_value(n.params).ok()?;
                let path = canonical(&text::path_of(&p.text_document.uri)?);
                self.docs.remove(&path);
                self.indexes.borrow_mut().remove(&path);
                Some(path)
            }
            lsp::notification::DidSaveTextDocument::METHOD => {
                let p: lsp::DidSaveTextDocumentParams = serde_json::from_value(n.params).ok()?;
                Some(canonical(&text::path_of(&p.text_document.uri)?))
            }
            _ => None,
        }
    }

    fn set_text(&mut self, path: &Path, mut text: String) {
        // A byte-order mark is not part of the text, as the loader reads it.
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        self.includers.retain(|_, by| by != path);
        for included in analysis::includes(dir, &text) {
            if included != path {
                self.includers
                    .entry(included)
                    .or_insert_with(|| path.to_path_buf());
            }
        }
        self.docs.insert(path.to_path_buf(), Arc::new(text));
    }

    /// The root whose load reads `path`.
    fn root_of(&self, path: &Path) -> PathBuf {
        let mut at = path.to_path_buf();
        let mut seen = BTreeSet::new();
        while let Some(by) = self.includers.get(&at) {
            if !seen.insert(at.clone()) {
                break;
            }
            at = by.clone();
        }
        at
    }

    /// Loads again the roots that read the files changed, and drops those
    /// no open buffer needs.
    fn analyse(&mut self, changed: &BTreeSet<PathBuf>) {
        let roots: BTreeSet<PathBuf> = self
            .docs
            .keys()
            .filter(|p| is_relation_file(p))
            .map(|p| self.root_of(p))
            .collect();
        self.loads.retain(|root, _| roots.contains(root));
        let overlay: crate::load::Overlay = self
            .docs
            .iter()
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        for root in roots {
            let stale = match self.loads.get(&root) {
                None => true,
                Some(load) => {
                    changed.contains(&root) || load.files.iter().any(|(p, _)| changed.contains(p))
                }
            };
            if stale {
                let load = analysis::load(&root, self.strict, &overlay);
                self.loads.insert(root, load);
            }
        }
        // Query scripts, asked of the first graph loaded (or the bundled).
        self.scripts.clear();
        let scripts: Vec<(PathBuf, Arc<String>)> = self
            .docs
            .iter()
            .filter(|(p, _)| is_script(p))
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        if scripts.is_empty() {
            return;
        }
        if self.loads.values().all(|l| l.graph().is_none()) && self.bundled.is_none() {
            let inputs = crate::load::inputs(&[]);
            self.bundled =
                crate::graph::Graph::from_inputs(&inputs, crate::load::Options::default()).ok();
        }
        let graph = self
            .loads
            .values()
            .find_map(|l| l.graph())
            .or(self.bundled.as_ref());
        if let Some(graph) = graph {
            for (path, text) in scripts {
                let list = script::diagnostics(&text::uri_of(&path), &text, graph);
                self.scripts.insert(path, list);
            }
        }
    }

    /// Publishes every file's diagnostics, and clears those of files that
    /// had some and have none now.
    fn publish(
        &mut self,
        connection: &Connection,
    ) -> Result<(), Box<dyn std::error::Error + Sync + Send>> {
        let mut all: BTreeMap<PathBuf, Vec<lsp::Diagnostic>> = BTreeMap::new();
        for load in self.loads.values() {
            for (path, list) in &load.diagnostics {
                let mine = all.entry(path.clone()).or_default();
                for d in list {
                    if !mine
                        .iter()
                        .any(|m| m.range == d.range && m.message == d.message)
                    {
                        mine.push(d.clone());
                    }
                }
            }
        }
        for (path, list) in &self.scripts {
            all.insert(path.clone(), list.clone());
        }
        let mut paths: BTreeSet<PathBuf> = all.keys().cloned().collect();
        paths.extend(self.published.iter().cloned());
        paths.extend(
            self.docs
                .keys()
                .filter(|p| is_relation_file(p) || is_script(p))
                .cloned(),
        );
        for path in paths {
            let diagnostics = all.remove(&path).unwrap_or_default();
            if diagnostics.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path.clone());
            }
            let params = lsp::PublishDiagnosticsParams {
                uri: text::uri_of(&path),
                diagnostics,
                version: None,
            };
            use lsp::notification::Notification as _;
            connection
                .sender
                .send(Message::Notification(Notification::new(
                    lsp::notification::PublishDiagnostics::METHOD.to_string(),
                    params,
                )))?;
        }
        Ok(())
    }

    /// The text of a file: its buffer, or what its root's load read, or
    /// the file on disk.
    pub(crate) fn text(&self, path: &Path) -> Option<Arc<String>> {
        if let Some(t) = self.docs.get(path) {
            return Some(t.clone());
        }
        for load in self.loads.values() {
            if let Some((_, t)) = load.files.iter().find(|(p, _)| p == path) {
                return Some(t.clone());
            }
        }
        std::fs::read_to_string(path).ok().map(Arc::new)
    }

    /// A file's index, made again only when its text changed.
    pub(crate) fn index(&self, path: &Path) -> Option<(Arc<String>, Arc<Index>)> {
        let text = self.text(path)?;
        let mut cache = self.indexes.borrow_mut();
        if let Some((t, i)) = cache.get(path)
            && (Arc::ptr_eq(t, &text) || **t == *text)
        {
            return Some((t.clone(), i.clone()));
        }
        let index = Arc::new(Index::new(&text));
        cache.insert(path.to_path_buf(), (text.clone(), index.clone()));
        Some((text, index))
    }

    /// The load that reads `path`, if any.
    pub(crate) fn load_of(&self, path: &Path) -> Option<&Load> {
        self.loads.get(&self.root_of(path)).or_else(|| {
            self.loads
                .values()
                .find(|l| l.files.iter().any(|(p, _)| p == path))
        })
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let method = request.method.clone();
        // A bug in one answer is that request's error, not the end of the
        // server and of every buffer's diagnostics.
        let answer =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(request)));
        match answer {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("dossier lsp failed to answer `{method}` (a bug: please report it)"),
            ),
        }
    }

    fn answer(&mut self, request: Request) -> Result<Json, (ErrorCode, String)> {
        use lsp::request::*;
        fn params<T: serde::de::DeserializeOwned>(p: Json) -> Result<T, (ErrorCode, String)> {
            serde_json::from_value(p).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
        }
        fn json<T: serde::Serialize>(v: T) -> Result<Json, (ErrorCode, String)> {
            Ok(serde_json::to_value(v).expect("a protocol type serializes"))
        }
        let p = request.params;
        match request.method.as_str() {
            Completion::METHOD => json(self.completion(params(p)?)),
            HoverRequest::METHOD => json(self.hover(params(p)?)),
            GotoDefinition::METHOD => json(self.definition(params(p)?)),
            References::METHOD => json(self.references(params(p)?)),
            PrepareRenameRequest::METHOD => json(self.prepare_rename(params(p)?)),
            Rename::METHOD => json(self.rename(params(p)?)?),
            DocumentSymbolRequest::METHOD => json(self.document_symbols(params(p)?)),
            WorkspaceSymbolRequest::METHOD => json(self.workspace_symbols(params(p)?)),
            CodeActionRequest::METHOD => json(self.code_actions(params(p)?)),
            Formatting::METHOD => json(self.formatting(params(p)?)?),
            method => Err((
                ErrorCode::MethodNotFound,
                format!("`{method}` is not served"),
            )),
        }
    }
}

/// A relation file, by its name (not a query script, TSV or JSON).
fn is_relation_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("kg"))
}

/// A query script, by its name.
fn is_script(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("kgq"))
}

/// The `.kg` files under a folder, skipping hidden folders, `target` and
/// `node_modules`.
fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > 8 || out.len() >= MOST_WORKSPACE_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, depth + 1, out),
            Ok(m) if m.is_file() && is_relation_file(&path) => out.push(canonical(&path)),
            _ => {}
        }
    }
}

pub(crate) type Failure = (ErrorCode, String);
