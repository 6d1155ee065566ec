//! Loading: files to AST to graph, with validation. All or nothing.

use crate::ast::{Attr, Declaration, Item, Span, Statement, Text};
use crate::diagnostic::{Diagnostic, FileId, SourceText, Sources};
use crate::graph::{AttrsId, Edge, Fact, Graph, KIND_ENTITY, NO_ATTRS, Origin, RelationInfo, Sym};
use crate::parse::{Batch, batches, parse_line, parse_lines};
use crate::suggest::did_you_mean;
use crate::value::{self, Value};
use petgraph::graph::NodeIndex;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Something to load.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file on disk, shown in messages as given.
    Path(PathBuf),
    /// A text in memory under a name, such as the bundled graph.
    Text { name: String, text: String },
    /// Bytes in memory under a name, read as a file with that name would be
    /// (they need not be UTF-8).
    Bytes { name: String, bytes: Vec<u8> },
}

/// How to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Names used without a declaration are errors instead of `entity`s.
    pub strict: bool,
    /// Show a progress bar on stderr for a file that takes over a second
    /// (only when stderr is a terminal).
    pub progress: bool,
    /// An include may name only files inside the folder of the first file
    /// loaded (`--confine-includes`), for files from people you do not trust.
    pub confine_includes: bool,
}

/// A progress bar that appears once a file has taken a second to load.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    enabled: bool,
    start: std::time::Instant,
    name: String,
    total: usize,
}

impl Progress {
    fn new(enabled: bool, name: &str, total: usize) -> Progress {
        use std::io::IsTerminal;
        let enabled = enabled && std::io::stderr().is_terminal();
        Progress {
            bar: None,
            enabled,
            start: std::time::Instant::now(),
            name: name.to_string(),
            total,
        }
    }

    fn advance(&mut self, done: usize) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() >= std::time::Duration::from_secs(1) {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(self.total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "loading {msg} {wide_bar} {bytes}/{total_bytes} ({eta} left)",
                )
                .expect("the template is valid"),
            );
            bar.set_message(self.name.clone());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// What a successful load added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Added {
    pub entities: usize,
    pub relations: usize,
    pub facts: usize,
}

/// Why a load failed: every problem found, and the texts they point into.
pub struct LoadError {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// Errors found past the first [`MAX_KEPT`], counted but not kept.
    pub not_kept: usize,
}

/// At most this many diagnostics are shown; a binary file would otherwise
/// bury the terminal.
pub const MAX_SHOWN: usize = 100;
/// At most this many are kept while a load goes on (a file of four
/// million bad lines held 1.3 GB of diagnostics); the rest are counted.
pub const MAX_KEPT: usize = 1000;

impl LoadError {
    /// The diagnostics as text, ending with a count when some were left out.
    pub fn render(&self, color: bool) -> String {
        let shown = &self.diagnostics[..self.diagnostics.len().min(MAX_SHOWN)];
        let mut out = self.sources.render(shown, color);
        let more = self.diagnostics.len() - shown.len() + self.not_kept;
        if more > 0 {
            out.push_str(&format!("error: {more} more errors not shown\n"));
        }
        out
    }
}

impl std::fmt::Debug for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl Graph {
    /// Loads inputs into the graph. On any error the graph is left exactly
    /// as it was and every problem found is returned.
    pub fn load(&mut self, inputs: &[Input], options: Options) -> Result<Added, LoadError> {
        let before = (
            self.entity_count(),
            self.relation_count(),
            self.fact_count(),
        );
        let mut next = if self.entity_count() == 0 && self.files.is_empty() {
            Graph::new()
        } else {
            self.clone()
        };
        let mut loader = Loader {
            graph: &mut next,
            sources: Sources::new(),
            diagnostics: Vec::new(),
            options,
            first_use: BTreeMap::new(),
            source_of: HashMap::new(),
            stack: Vec::new(),
            on_stack: HashSet::new(),
            confined_to: None,
            not_kept: 0,
            seen: HashSet::new(),
            edges: Vec::new(),
            declaration_spans: HashMap::new(),
            whole_snapshot: false,
        };
        loader.confined_to = inputs.iter().find_map(|i| match i {
            Input::Path(p) => std::fs::canonicalize(p)
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf)),
            _ => None,
        });
        for input in inputs {
            loader.input(input, None);
        }
        loader.check_strict();
        loader.check_declarations();
        if !loader.diagnostics.is_empty() {
            return Err(LoadError {
                sources: loader.sources,
                diagnostics: loader.diagnostics,
                not_kept: loader.not_kept,
            });
        }
        let edges = std::mem::take(&mut loader.edges);
        let whole_snapshot = loader.whole_snapshot && edges.is_empty();
        drop(loader);
        if !whole_snapshot {
            next.add_edges(&edges);
            drop(edges);
            next.finish();
        }
        *self = next;
        release_free_memory();
        Ok(Added {
            entities: self.entity_count() - before.0,
            relations: self.relation_count() - before.1,
            facts: self.fact_count() - before.2,
        })
    }

    /// A new graph of `inputs`.
    pub fn from_inputs(inputs: &[Input], options: Options) -> Result<Graph, LoadError> {
        let mut graph = Graph::new();
        graph.load(inputs, options)?;
        Ok(graph)
    }
}

/// Room left on the stack below which an include's load goes on in a new
/// stack segment, and that segment's size.
const STACK_RED_ZONE: usize = 256 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

struct Loader<'g> {
    graph: &'g mut Graph,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    options: Options,
    /// Under `--strict`: where each entity created by use was first used.
    first_use: BTreeMap<NodeIndex, (FileId, Span)>,
    /// The text of each graph file loaded in this run.
    source_of: HashMap<u32, FileId>,
    /// The files being loaded, outermost first, to catch include cycles.
    stack: Vec<PathBuf>,
    /// The same, to look up.
    on_stack: HashSet<PathBuf>,
    /// The folder of the first file, for `--confine-includes`.
    confined_to: Option<PathBuf>,
    /// Diagnostics counted but not kept (past [`MAX_KEPT`]).
    not_kept: usize,
    /// Files loaded in this run, so that one included twice loads once.
    seen: HashSet<PathBuf>,
    /// The relation statements read, added to the graph when all is well.
    edges: Vec<(NodeIndex, NodeIndex, Edge)>,
    /// Where each relation declaration of this load is, for diagnostics.
    declaration_spans: HashMap<Sym, (FileId, Span)>,
    /// The graph is a snapshot's as read, indexes built: the last input was
    /// a snapshot loaded into an empty graph.
    whole_snapshot: bool,
}

/// The file, graph file number and line being loaded.
#[derive(Clone, Copy)]
struct At {
    file: FileId,
    origin: Origin,
}

impl Loader<'_> {
    /// Loads one input; `from` is the include line that asked for it.
    fn input(&mut self, input: &Input, from: Option<(FileId, Span)>) {
        self.whole_snapshot = false;
        let (name, bytes, canonical) = match input {
            Input::Text { name, text } => (name.clone(), Cow::Borrowed(text.as_bytes()), None),
            Input::Bytes { name, bytes } => (name.clone(), Cow::Borrowed(&bytes[..]), None),
            Input::Path(path) => {
                let name = path.display().to_string();
                let canonical = std::fs::canonicalize(path).ok();
                if let Some(c) = &canonical {
                    if let Some(i) = self
                        .on_stack
                        .contains(c)
                        .then(|| self.stack.iter().position(|p| p == c))
                        .flatten()
                    {
                        let chain: Vec<String> = self.stack[i..]
                            .iter()
                            .chain([c])
                            .map(|p| file_name(p))
                            .collect();
                        self.error_from(
                            from,
                            format!("`{name}` includes itself"),
                            format!("the chain is {}", chain.join(" -> ")),
                        );
                        return;
                    }
                    if !self.seen.insert(c.clone()) {
                        return;
                    }
                }
                match read(path, from.is_some()) {
                    Ok(bytes) => (name, Cow::Owned(bytes), canonical),
                    Err(why) => {
                        self.error_from(
                            from,
                            format!("cannot read `{name}`: {why}"),
                            String::new(),
                        );
                        return;
                    }
                }
            }
        };
        if let Some(c) = &canonical {
            self.stack.push(c.clone());
            self.on_stack.insert(c.clone());
        }
        let extension = match input {
            Input::Path(p) => p
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase(),
            Input::Text { name, .. } | Input::Bytes { name, .. } => name
                .rsplit_once('.')
                .map_or(String::new(), |(_, e)| e.to_ascii_lowercase()),
        };
        match extension.as_str() {
            "tsv" => self.tsv(name, bytes),
            "json" => self.json(name, &bytes),
            "dsnap" => self.snapshot(name, &bytes),
            _ => self.text(name, bytes, input),
        }
        if let Some(c) = &canonical {
            self.stack.pop();
            self.on_stack.remove(c);
        }
    }

    /// A file four fifths of whose lines (five or more) are errors, its
    /// first among them, is not
    /// relation text (`include "/etc/passwd"`): only its first error is
    /// kept, so that its lines are not echoed to the terminal.
    fn not_relation_text(&mut self, file: FileId, before: (usize, usize), text: &str) {
        let (before, dropped) = before;
        let errors = self.diagnostics.len() - before + (self.not_kept - dropped);
        // A few errors are a file with mistakes, not another kind of file.
        if errors < 5 || before >= self.diagnostics.len() {
            return;
        }
        let content = text
            .lines()
            .filter(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            })
            .count();
        let first_line = text
            .lines()
            .position(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            })
            .unwrap_or(0)
            + 1;
        let first = &self.diagnostics[before];
        let first_is_first_line = first.place.is_some_and(|p| {
            p.file == file && self.sources.line_col(file, p.span.start).0 == first_line
        });
        if !first_is_first_line || errors * 10 < content * 8 {
            return;
        }
        let mut kept = self.diagnostics[before].clone();
        kept.help = Some(format!(
            "{} of its {content} lines are errors: this does not look like a relation file, so its other lines are not shown",
            errors
        ));
        self.diagnostics.truncate(before);
        self.not_kept = dropped;
        self.diagnostics.push(kept);
    }

    /// Keeps at most [`MAX_KEPT`] diagnostics, counting the rest, so that
    /// a file of nothing but errors loads in bounded memory.
    fn keep_few_diagnostics(&mut self) {
        if self.diagnostics.len() > MAX_KEPT {
            self.not_kept += self.diagnostics.len() - MAX_KEPT;
            self.diagnostics.truncate(MAX_KEPT);
        }
    }

    fn error_from(&mut self, from: Option<(FileId, Span)>, message: String, help: String) {
        let mut d = match from {
            Some((file, span)) => Diagnostic::at(file, span, message).label("included here"),
            None => Diagnostic::bare(message),
        };
        if !help.is_empty() {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    fn text(&mut self, name: String, bytes: Cow<'_, [u8]>, input: &Input) {
        let display = name.clone();
        // A byte-order mark is not part of the text, nor of its first line.
        let mut bytes = bytes.into_owned();
        if bytes.starts_with("\u{feff}".as_bytes()) {
            bytes.drain(.."\u{feff}".len());
        }
        // The text goes into the `Sources` that diagnostics point into (a
        // file read is moved there, not copied); a file that is not UTF-8
        // is shown with its bad bytes replaced.
        let (text, raw) = shared_text(bytes);
        let bytes: &[u8] = raw.as_deref().unwrap_or(text.as_bytes());
        let valid = raw.is_none();
        let graph_file = self.graph.files.len() as u32;
        self.graph.files.push(name.clone());
        let file = self.sources.add_shared(name, text.clone());
        self.source_of.insert(graph_file, file);
        self.edges
            .reserve(bytes.iter().filter(|&&b| b == b'\n').count() + 1);
        let before = (self.diagnostics.len(), self.not_kept);
        if valid {
            let mut progress = Progress::new(self.options.progress, &display, text.len());
            let list: Vec<Batch<'_>> = batches(&text).collect();
            // Lines are independent: worker threads parse batches while
            // this thread builds them, in file order, as they come.
            let workers = std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(4);
            let cancelled = if list.len() < 4 || workers < 2 {
                let mut cancelled = false;
                for batch in &list {
                    if crate::cancel::requested() {
                        cancelled = true;
                        break;
                    }
                    parse_lines(file, batch.offset, batch.text, |number, item| {
                        self.built(batch, number, item, file, graph_file, input)
                    });
                    progress.advance(batch.offset + batch.text.len());
                    self.keep_few_diagnostics();
                }
                cancelled
            } else {
                let next = std::sync::atomic::AtomicUsize::new(0);
                std::thread::scope(|scope| {
                    type Parsed<'s> = Vec<(usize, crate::parse::PResult<Item<'s>>)>;
                    let (tx, rx) =
                        std::sync::mpsc::sync_channel::<(usize, Parsed<'_>)>(2 * workers);
                    for _ in 0..workers {
                        let tx = tx.clone();
                        let (list, next) = (&list, &next);
                        scope.spawn(move || {
                            loop {
                                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(batch) = list.get(i) else { break };
                                if crate::cancel::requested() {
                                    break;
                                }
                                let mut out = Vec::new();
                                parse_lines(file, batch.offset, batch.text, |number, item| {
                                    out.push((number, item))
                                });
                                if tx.send((i, out)).is_err() {
                                    break;
                                }
                            }
                        });
                    }
                    drop(tx);
                    let mut waiting: std::collections::BTreeMap<usize, Parsed<'_>> =
                        std::collections::BTreeMap::new();
                    let mut want = 0;
                    for (i, parsed) in rx {
                        if crate::cancel::requested() {
                            return true;
                        }
                        waiting.insert(i, parsed);
                        while let Some(parsed) = waiting.remove(&want) {
                            let batch = &list[want];
                            let mut parsed = std::collections::VecDeque::from(parsed);
                            while let Some((number, item)) = parsed.pop_front() {
                                if let Some((_, Ok(ahead))) = parsed.get(PREFETCH_AHEAD) {
                                    self.prefetch(ahead);
                                }
                                self.built(batch, number, item, file, graph_file, input);
                            }
                            progress.advance(batch.offset + batch.text.len());
                            self.keep_few_diagnostics();
                            want += 1;
                        }
                    }
                    want < list.len()
                })
            };
            if cancelled {
                self.diagnostics
                    .push(Diagnostic::bare("load cancelled; nothing was loaded"));
                return;
            }
            progress.finish();
            self.not_relation_text(file, before, &text);
            return;
        }
        // Not UTF-8: line by line, pointing at the first bad byte of each
        // bad line.
        let raw_lines = bytes.split(|&b| b == b'\n');
        let mut offset = 0;
        for ((number, line), raw) in text.split('\n').enumerate().zip(raw_lines) {
            if number % 1024 == 0 {
                self.keep_few_diagnostics();
            }
            let at = At {
                file,
                origin: Origin {
                    file: graph_file,
                    line: number as u32 + 1,
                },
            };
            let line_len = line.len();
            let line = line.strip_suffix('\r').unwrap_or(line);
            if let Err(e) = std::str::from_utf8(raw) {
                let col = String::from_utf8_lossy(&raw[..e.valid_up_to()]).len();
                let start = offset + col;
                self.diagnostics.push(
                    Diagnostic::at(file, Span::new(start, start + 3), "this line is not valid UTF-8")
                        .label("invalid byte here")
                        .help("relation files are UTF-8 text; convert the file, e.g. `iconv -f latin1 -t utf-8` (the rest of the file is not shown)"),
                );
                // The first bad line only: a file that is not text is not
                // echoed to the terminal line by line.
                return;
            } else {
                match parse_line(file, offset, line) {
                    Ok(Some(item)) => self.item(item, at, input),
                    Ok(None) => {}
                    Err(d) => self.diagnostics.push(*d),
                }
            }
            offset += line_len + 1;
        }
    }

    /// Tab-separated triples, `head<TAB>relation<TAB>tail` a line, the
    /// layout of common knowledge-graph benchmark sets. Names are taken as
    /// they are, with no quoting.
    fn tsv(&mut self, name: String, bytes: Cow<'_, [u8]>) {
        // A byte-order mark is not part of the first head.
        let mut bytes = bytes.into_owned();
        if bytes.starts_with("\u{feff}".as_bytes()) {
            bytes.drain(.."\u{feff}".len());
        }
        let (mut text, raw) = shared_text(bytes);
        let valid = raw.is_none();
        // Names compare in normal form C: a text that is not (few are, and
        // no ASCII one) is normalised whole; tabs and line ends stay.
        if valid && let Cow::Owned(normal) = crate::name::nfc(Cow::Borrowed(text.as_str())) {
            text = SourceText::new(normal);
        }
        let graph_file = self.graph.files.len() as u32;
        self.graph.files.push(name.clone());
        let file = self.sources.add_shared(name, text.clone());
        self.source_of.insert(graph_file, file);
        // Lines are split a chunk at a time, and the chunk's names are
        // prefetched in the name index before its statements are built
        // (see `Loader::prefetch`).
        let mut chunk: Vec<(usize, usize, [&str; 3])> = Vec::with_capacity(TSV_CHUNK);
        let mut offset = 0;
        let mut lines = text.split('\n').enumerate().peekable();
        while lines.peek().is_some() {
            chunk.clear();
            self.keep_few_diagnostics();
            for (number, raw) in lines.by_ref().take(TSV_CHUNK) {
                let start = offset;
                offset += raw.len() + 1;
                let line = raw.strip_suffix('\r').unwrap_or(raw);
                if line.trim().is_empty() {
                    continue;
                }
                if !valid && line.contains('\u{fffd}') {
                    let col = line.find('\u{fffd}').unwrap_or(0);
                    self.diagnostics.push(
                        Diagnostic::at(
                            file,
                            Span::new(start + col, start + col + 3),
                            "this line is not valid UTF-8",
                        )
                        .label("invalid byte here"),
                    );
                    continue;
                }
                let mut fields = line.splitn(4, '\t');
                let triple = [fields.next(), fields.next(), fields.next(), fields.next()];
                let [Some(head), Some(relation), Some(tail), None] = triple else {
                    let count = line.split('\t').count();
                    self.diagnostics.push(
                        Diagnostic::at(
                            file,
                            Span::new(start, start + line.len()),
                            format!(
                                "a TSV line has 3 fields (head, relation, tail); this one has {count}"
                            ),
                        )
                        .label("this line")
                        .help("write `head<TAB>relation<TAB>tail`, separated by tab characters"),
                    );
                    continue;
                };
                if [head, relation, tail].iter().any(|f| f.is_empty()) {
                    self.diagnostics.push(
                        Diagnostic::at(
                            file,
                            Span::new(start, start + line.len()),
                            "a TSV field is empty",
                        )
                        .label("this line")
                        .help("write `head<TAB>relation<TAB>tail`, separated by tab characters"),
                    );
                    continue;
                }
                if let Some(problem) = value::relation_name_problem(relation) {
                    let from = start + head.len() + 1;
                    self.diagnostics.push(
                        Diagnostic::at(file, Span::new(from, from + relation.len()), problem)
                            .label("this relation")
                            .help("a relation name may hold any character but tabs, line ends and other control characters"),
                    );
                    continue;
                }
                self.graph.prefetch_name(head);
                self.graph.prefetch_name(tail);
                chunk.push((number, start, [head, relation, tail]));
            }
            for &(number, start, [head, relation, tail]) in &chunk {
                let at = At {
                    file,
                    origin: Origin {
                        file: graph_file,
                        line: number as u32 + 1,
                    },
                };
                fn text(f: &str, from: usize) -> Text<'_> {
                    Text {
                        text: Cow::Borrowed(f),
                        span: Span::new(from, from + f.len()),
                    }
                }
                let statement = Statement {
                    subject: text(head, start),
                    predicate: text(relation, start + head.len() + 1),
                    object: Some(text(tail, start + head.len() + relation.len() + 2)),
                    attrs: Vec::new(),
                    span: Span::new(start, start + head.len() + relation.len() + tail.len() + 2),
                };
                self.statement(statement, at);
            }
        }
    }

    /// A binary snapshot (`--to snapshot`). Into an empty graph it is
    /// taken as it is, with no parsing; into a graph that holds something
    /// it goes through the same checks as the JSON it stands for.
    fn snapshot(&mut self, name: String, bytes: &[u8]) {
        let file = self.sources.add(name.clone(), "");
        let graph = match crate::snapshot::read(bytes) {
            Ok(graph) => graph,
            Err(why) => {
                self.diagnostics.push(
                    Diagnostic::bare(format!("cannot load `{name}`: {why}"))
                        .help("snapshots are made by `dossier export FILE... --to snapshot -o NAME.dsnap`"),
                );
                return;
            }
        };
        if self.graph.entity_count() == 0 && self.graph.files.is_empty() && self.edges.is_empty() {
            *self.graph = graph;
            self.whole_snapshot = true;
            return;
        }
        let json = crate::export::json::json(&graph);
        let doc: JsonDoc<'_> = serde_json::from_str(&json).expect("Dossier's own JSON parses");
        if let Err(message) = self.json_doc(file, doc) {
            self.diagnostics
                .push(Diagnostic::bare(format!("cannot load `{name}`: {message}")));
        }
    }

    /// A graph exported with `--to json` (its schema is in README.md).
    fn json(&mut self, name: String, bytes: &[u8]) {
        let text = SourceText::new(String::from_utf8_lossy(bytes).into_owned());
        let file = self.sources.add_shared(name.clone(), text.clone());
        let help = "a .json file is read as a graph exported with `dossier export --to json`";
        let doc: JsonDoc<'_> = match serde_json::from_slice(bytes) {
            Ok(doc) => doc,
            Err(e) => {
                // Not JSON at all, not a Dossier graph, or a record of the
                // wrong shape, said at its place.
                let head = serde_json::from_slice::<JsonHead>(bytes);
                let message = match (&head, e.classify()) {
                    (_, serde_json::error::Category::Syntax | serde_json::error::Category::Eof) => {
                        format!("this is not JSON: {e}")
                    }
                    (Ok(head), _)
                        if head.format.as_deref() != Some("dossier") || head.version != Some(1) =>
                    {
                        let message = match self.json_doc(file, JsonDoc::head(head)) {
                            Err(m) => m,
                            Ok(()) => e.to_string(),
                        };
                        format!("`{name}` is not a Dossier graph: {message}")
                    }
                    (Err(_), _) => format!(
                        "`{name}` is not a Dossier graph: it has no `\"format\": \"dossier\"`"
                    ),
                    _ => format!("`{name}` is not a Dossier graph: {e}"),
                };
                let offset =
                    if message.contains("has no `\"format\"") || message.contains("version") {
                        0
                    } else {
                        line_col_offset(&text, e.line(), e.column())
                    };
                self.diagnostics.push(
                    Diagnostic::at(file, Span::new(offset, offset + 1), message)
                        .label("here")
                        .help(help),
                );
                return;
            }
        };
        if let Err(message) = self.json_doc(file, doc) {
            self.diagnostics.push(
                Diagnostic::at(
                    file,
                    Span::new(0, 0),
                    format!("`{name}` is not a Dossier graph: {message}"),
                )
                .help("a .json file is read as a graph exported with `dossier export --to json`"),
            );
        }
    }

    /// A document of `--to json`, read into typed records that borrow
    /// its strings (a tree of `serde_json::Value`s took ten times the
    /// file's size).
    fn json_doc(&mut self, file: FileId, doc: JsonDoc<'_>) -> Result<(), String> {
        if doc.format.as_deref() != Some("dossier") {
            return Err("it has no `\"format\": \"dossier\"`".into());
        }
        match doc.version {
            Some(1) => {}
            Some(v) => return Err(format!("it is version {v}; this Dossier reads version 1")),
            None => return Err("it has no version".into()),
        }
        // The files the statements came from keep their names.
        let first = self.graph.files.len() as u32;
        self.graph
            .files
            .extend(doc.files.iter().map(|f| f.to_string()));
        let index: HashMap<&str, u32> = doc
            .files
            .iter()
            .enumerate()
            .rev()
            .map(|(i, f)| (&**f, i as u32))
            .collect();
        let at = |source: &JsonSource<'_>| -> Result<At, String> {
            let i = index
                .get(&*source.file)
                .ok_or_else(|| format!("the source file `{}` is not in `files`", source.file))?;
            Ok(At {
                file,
                origin: Origin {
                    file: first + i,
                    line: source.line,
                },
            })
        };
        fn text(s: &str) -> Text<'_> {
            Text {
                text: crate::name::nfc(Cow::Borrowed(s)),
                span: Span::new(0, 0),
            }
        }
        check_json_names(&doc)?;
        for d in &doc.declarations {
            fn kinds<'t>(list: &'t Option<Vec<Cow<'_, str>>>) -> Option<Vec<Text<'t>>> {
                list.as_ref().map(|l| l.iter().map(|k| text(k)).collect())
            }
            self.relation(
                crate::ast::RelationDeclaration {
                    name: text(&d.relation),
                    subject: kinds(&d.subject),
                    object: kinds(&d.object),
                    symmetric: d.symmetric,
                    transitive: d.transitive,
                    inverse_of: d.inverse_of.as_deref().map(text),
                    span: Span::new(0, 0),
                },
                at(&d.source)?,
            );
        }
        for e in doc.entities.iter().filter(|e| e.declared) {
            let kind = e.kind.as_ref().ok_or("an entity has no kind")?;
            self.declaration(
                Declaration {
                    name: text(&e.name),
                    kind: text(kind),
                    label: e.label.as_deref().map(text),
                    attrs: json_attrs(e.attributes.as_ref())?,
                },
                at(&e.source)?,
            );
        }
        for (list, object) in [(&doc.relations, true), (&doc.facts, false)] {
            for r in list {
                let predicate = if object { &r.relation } else { &r.predicate };
                let predicate = predicate.as_ref().ok_or("a statement has no relation")?;
                let object = if object {
                    Some(text(r.object.as_ref().ok_or("a relation has no object")?))
                } else {
                    None
                };
                let at = at(&r.source)?;
                self.statement(
                    Statement {
                        subject: text(&r.subject),
                        predicate: text(predicate),
                        object,
                        attrs: json_attrs(r.attributes.as_ref())?,
                        span: Span::new(0, 0),
                    },
                    at,
                );
            }
        }
        // Undeclared entities were made by the statements above, in the
        // file's order rather than the original one: their records say
        // where they were first used.
        for e in doc.entities.iter().filter(|e| !e.declared) {
            let origin = at(&e.source)?.origin;
            if let Some(node) = self.graph.find(&e.name)
                && !self.graph.entity(node).declared
            {
                self.graph.entity_mut(node).origin = origin;
            }
        }
        Ok(())
    }

    /// A hint that the names of `item` will be looked up soon: a large
    /// graph's name index is far bigger than the cache, so every look-up
    /// is a miss, and asking for the slot a few lines ahead overlaps them.
    fn prefetch(&self, item: &Item<'_>) {
        match item {
            Item::Statement(s) => {
                self.graph.prefetch_name(&s.subject.text);
                if let Some(o) = &s.object {
                    self.graph.prefetch_name(&o.text);
                }
            }
            Item::Declaration(d) => self.graph.prefetch_name(&d.name.text),
            Item::Include(_) | Item::Relation(_) => {}
        }
    }

    /// Builds what a line of a batch says, or keeps its error.
    fn built(
        &mut self,
        batch: &Batch<'_>,
        number: usize,
        item: crate::parse::PResult<Item<'_>>,
        file: FileId,
        graph_file: u32,
        input: &Input,
    ) {
        let line = (batch.first_line + number) as u32 + 1;
        let at = At {
            file,
            origin: Origin {
                file: graph_file,
                line,
            },
        };
        match item {
            Ok(item) => self.item(item, at, input),
            Err(d) => self.diagnostics.push(*d),
        }
    }

    fn item(&mut self, item: Item<'_>, at: At, input: &Input) {
        match item {
            Item::Include(path) => self.include(&path, at, input),
            Item::Declaration(d) => self.declaration(d, at),
            Item::Statement(s) => self.statement(s, at),
            Item::Relation(r) => self.relation(r, at),
        }
    }

    /// `relation ...`: records what the relation means. The same
    /// declaration twice is one; two different ones are an error.
    fn relation(&mut self, r: crate::ast::RelationDeclaration<'_>, at: At) {
        let name = self.graph.relations.intern(&r.name.text);
        let mut kinds = |list: &Option<Vec<Text<'_>>>| {
            list.as_ref().map(|l| {
                l.iter()
                    .map(|k| self.graph.kinds.intern(&k.text))
                    .collect::<Vec<Sym>>()
            })
        };
        let subject = kinds(&r.subject);
        let object = kinds(&r.object);
        let inverse_of = r
            .inverse_of
            .as_ref()
            .map(|i| self.graph.relations.intern(&i.text));
        if inverse_of == Some(name) {
            self.diagnostics.push(
                Diagnostic::at(at.file, r.span, format!("`{}` cannot be its own inverse", r.name.text))
                    .label("here")
                    .help("a relation that reads the same both ways is symmetric: `relation NAME: KIND <-> KIND`"),
            );
            return;
        }
        let info = crate::graph::RelationInfo {
            subject,
            object,
            symmetric: r.symmetric,
            transitive: r.transitive,
            inverse_of,
            origin: at.origin,
        };
        self.declaration_spans.insert(name, (at.file, r.span));
        match self.graph.declarations.get(&name) {
            Some(old)
                if RelationInfo {
                    origin: at.origin,
                    ..old.clone()
                } == info => {}
            Some(old) => {
                let earlier = old.origin;
                let was = self.graph.declaration_text(name).unwrap_or_default();
                let d = Diagnostic::at(
                    at.file,
                    r.span,
                    format!("`{}` is declared twice, differently", r.name.text),
                )
                .label("declared again here");
                let d = self.with_earlier(d, earlier, format!("first declared here as `{was}`"));
                self.diagnostics
                    .push(d.help("a relation has one declaration; keep one of them"));
            }
            None => {
                self.graph.declarations.insert(name, info);
            }
        }
    }

    /// Every statement must fit the declaration of its relation: the
    /// subject's and object's kinds, and an object where the relation joins
    /// two entities. Checked once the whole load is read, since a
    /// declaration may come after the statements it governs.
    fn check_declarations(&mut self) {
        if !self.graph.has_declarations() {
            return;
        }
        // Declarations themselves: inverses of inverses, and kinds that no
        // entity has but that are close to one that some entity has.
        let used_kinds: std::collections::BTreeSet<Sym> =
            self.graph.entities().map(|(_, e)| e.kind).collect();
        let declarations: Vec<(Sym, RelationInfo)> = self
            .graph
            .declarations
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        for (name, info) in &declarations {
            let here = |loader: &Self, message: String| {
                let (file, span) = loader
                    .declaration_spans
                    .get(name)
                    .copied()
                    .unwrap_or((0, Span::default()));
                Diagnostic::at(file, span, message).label("in this declaration")
            };
            if let Some(target) = info.inverse_of
                && let Some(t) = self
                    .graph
                    .declarations
                    .get(&target)
                    .and_then(|t| t.inverse_of)
            {
                let (n, tn, ttn) = (
                    self.graph.relations.name(*name).to_string(),
                    self.graph.relations.name(target).to_string(),
                    self.graph.relations.name(t).to_string(),
                );
                let d = here(
                    self,
                    format!(
                        "`{n}` is declared the inverse of `{tn}`, which is itself the inverse of `{ttn}`"
                    ),
                );
                self.diagnostics.push(d.help(format!(
                    "declare `relation {n} inverse {ttn}`, or give `{n}` its own kinds"
                )));
            }
            for kind in info.subject.iter().chain(info.object.iter()).flatten() {
                if used_kinds.contains(kind)
                    || crate::graph::BUILTIN_KINDS.contains(&self.graph.kinds.name(*kind))
                {
                    continue;
                }
                let k = self.graph.kinds.name(*kind).to_string();
                let near = did_you_mean(
                    &k,
                    used_kinds
                        .iter()
                        .map(|u| self.graph.kinds.name(*u))
                        .chain(crate::graph::BUILTIN_KINDS),
                );
                if let Some(near) = near {
                    let near = near.to_string();
                    let d = here(self, format!("no entity is of kind `{k}`"));
                    self.diagnostics
                        .push(d.help(format!("did you mean `{near}`?")));
                }
            }
        }
        let g = self.graph.petgraph();
        let mut problems: Vec<(Origin, String, Sym)> = Vec::new();
        // The graph's edges, and those this load read (added when all is well).
        let stored = g.edge_indices().map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            (a, b, g[e])
        });
        let all: Vec<(NodeIndex, NodeIndex, Edge)> =
            stored.chain(self.edges.iter().copied()).collect();
        for (a, b, w) in all {
            let Some((info, reversed)) = self.signature(w.relation) else {
                continue;
            };
            let (subject, object) = if reversed {
                (&info.object, &info.subject)
            } else {
                (&info.subject, &info.object)
            };
            let fits = |list: &Option<Vec<Sym>>, node: NodeIndex| {
                list.as_ref().is_none_or(|l| l.contains(&g[node].kind))
            };
            // A symmetric relation reads both ways, so either reading fits.
            if (fits(subject, a) && fits(object, b))
                || (info.symmetric && fits(subject, b) && fits(object, a))
            {
                continue;
            }
            let (node, allowed, side) = if fits(subject, a) {
                (b, object, "object")
            } else {
                (a, subject, "subject")
            };
            let wanted: Vec<&str> = allowed
                .iter()
                .flatten()
                .map(|k| self.graph.kinds.name(*k))
                .collect();
            problems.push((
                w.origin,
                format!(
                    "the {side} of `{}` must be {}, and `{}` is {}",
                    self.graph.relations.name(w.relation),
                    or_list(&wanted),
                    g[node].name,
                    a_kind(self.graph.kinds.name(g[node].kind))
                ),
                w.relation,
            ));
        }
        for f in self.graph.facts() {
            if let Some((info, _)) = self.signature(f.predicate)
                && (info.object.is_some()
                    || info.subject.is_some()
                    || info.symmetric
                    || info.transitive
                    || info.inverse_of.is_some())
            {
                problems.push((
                    f.origin,
                    format!("`{}` is declared as a relation between two entities, and this statement has no object", self.graph.relations.name(f.predicate)),
                    f.predicate,
                ));
            }
        }
        problems.sort_by_key(|(o, _, _)| *o);
        for (origin, message, relation) in problems {
            let d = match self.source_of.get(&origin.file) {
                Some(&file) => {
                    let (_, text) = self.sources.get(file);
                    Diagnostic::at(file, line_span(text, origin.line), message)
                        .label("this statement")
                }
                None => Diagnostic::bare(format!(
                    "{}:{}: {message}",
                    self.graph.files[origin.file as usize], origin.line
                )),
            };
            let declared = self
                .graph
                .declarations
                .get(&relation)
                .map(|d| d.origin)
                .or_else(|| {
                    self.graph
                        .declarations
                        .iter()
                        .find(|(_, d)| d.inverse_of == Some(relation))
                        .map(|(_, d)| d.origin)
                });
            let d = match declared {
                Some(o) => self.with_earlier(d, o, "declared here".into()),
                None => d,
            };
            self.diagnostics.push(d.help(
                "change the statement, or widen the declaration (`any`, or kinds joined by `|`)",
            ));
        }
    }

    /// The declaration that governs statements of `r`, and whether its
    /// kinds apply reversed (`r` is declared the inverse of it).
    fn signature(&self, r: Sym) -> Option<(RelationInfo, bool)> {
        let info = self.graph.declarations.get(&r)?;
        match info.inverse_of {
            Some(partner) => self
                .graph
                .declarations
                .get(&partner)
                .map(|p| (p.clone(), true))
                .or(Some((info.clone(), false))),
            None => Some((info.clone(), false)),
        }
    }

    fn include(&mut self, path: &Text<'_>, at: At, input: &Input) {
        let base = match input {
            Input::Path(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            Input::Text { .. } | Input::Bytes { .. } => PathBuf::new(),
        };
        let target = base.join(&*path.text);
        if self.options.confine_includes {
            let root = self.confined_to.clone();
            let inside = std::fs::canonicalize(&target)
                .ok()
                .zip(root.as_ref())
                .is_some_and(|(t, root)| t.starts_with(root));
            if !inside {
                let folder = root.map_or("(none)".to_string(), |r| r.display().to_string());
                self.diagnostics.push(
                    Diagnostic::at(
                        at.file,
                        path.span,
                        format!("`{}` is outside the folder `{folder}`", path.text),
                    )
                    .label("included here")
                    .help("--confine-includes lets an include name only files inside the folder of the first file"),
                );
                return;
            }
        }
        // An include is loaded at its line, so a chain of includes recurses
        // a level a file: past the red zone the recursion goes on in a new
        // stack segment on the heap, so no chain overflows the stack.
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.input(&Input::Path(target), Some((at.file, path.span)))
        });
    }

    fn entity(&mut self, name: &Text<'_>, at: At) -> Option<NodeIndex> {
        if name.text.is_empty() {
            self.diagnostics.push(
                Diagnostic::at(at.file, name.span, "a name cannot be empty")
                    .label("empty name")
                    .help("give the entity a name of at least one character"),
            );
            return None;
        }
        let (node, created) = self.graph.find_or_add(&name.text, at.origin);
        if created && self.options.strict {
            self.first_use.insert(node, (at.file, name.span));
        }
        Some(node)
    }

    fn declaration(&mut self, d: Declaration<'_>, at: At) {
        let Some(node) = self.entity(&d.name, at) else {
            return;
        };
        let kind = self.graph.kinds.intern(&d.kind.text);
        let attrs = self.attrs(&d.attrs);
        let entity = self.graph.entity(node);
        if !entity.declared {
            let label = d.label.map(|l| self.graph.add_label(&l.text));
            let entity = self.graph.entity_mut(node);
            entity.kind = kind;
            entity.label = label;
            entity.attrs = attrs;
            entity.origin = at.origin;
            entity.declared = true;
            return;
        }
        // A second declaration: same kind merges, anything else conflicts.
        let earlier = entity.origin;
        let name = &d.name.text;
        if entity.kind != kind {
            let old = self.graph.kinds.name(entity.kind).to_string();
            let mut diag = Diagnostic::at(
                at.file,
                d.kind.span,
                format!("`{name}` is declared as `{}` and as `{old}`", d.kind.text),
            )
            .label(format!("declared as `{}` here", d.kind.text));
            diag = self.with_earlier(diag, earlier, format!("first declared as `{old}` here"));
            let help = match did_you_mean(&d.kind.text, [old.as_str()]) {
                Some(near) => format!("did you mean `{near}`? An entity has one kind"),
                None => "an entity has one kind; rename one of them or use the same kind".into(),
            };
            self.diagnostics.push(diag.help(help));
            return;
        }
        if let (Some(old), Some(new)) = (self.graph.label_of(entity), &d.label)
            && *old != *new.text
        {
            let msg = format!(
                "`{name}` is labelled {} and {}",
                quoted(old),
                quoted(&new.text)
            );
            let diag = Diagnostic::at(at.file, new.span, msg).label("second label here");
            let diag = self.with_earlier(diag, earlier, "first label here".into());
            self.diagnostics
                .push(diag.help("an entity has one label; drop one of them"));
            return;
        }
        let old_attrs = self.graph.attrs(entity.attrs).to_vec();
        let mut merged = old_attrs.clone();
        for (key, value) in self.graph.attrs(attrs).to_vec() {
            match old_attrs.iter().find(|(k, _)| *k == key) {
                Some((_, old)) if *old != value => {
                    let key_name = self.graph.keys.name(key).to_string();
                    let span = d
                        .attrs
                        .iter()
                        .find(|a| *a.key.text == key_name)
                        .map_or(d.name.span, |a| a.value_span);
                    let msg =
                        format!("`{name}` has two values for `{key_name}`: {old} and {value}");
                    let diag = Diagnostic::at(at.file, span, msg).label("second value here");
                    let diag = self.with_earlier(diag, earlier, "first declared here".into());
                    self.diagnostics.push(
                        diag.help("an attribute of an entity has one value; drop one of them"),
                    );
                    return;
                }
                Some(_) => {}
                None => merged.push((key, value)),
            }
        }
        let merged = self.graph.intern_attrs(merged);
        if let Some(label) = d.label
            && self.graph.label(node).is_none()
        {
            self.graph.set_label(node, &label.text);
        }
        self.graph.entity_mut(node).attrs = merged;
    }

    /// Adds a note pointing at an earlier line: on its text when that file
    /// was read in this load, else by file and line in words.
    fn with_earlier(&self, diag: Diagnostic, earlier: Origin, note: String) -> Diagnostic {
        match self.source_of.get(&earlier.file) {
            Some(&file) => {
                let (_, text) = self.sources.get(file);
                diag.also(file, line_span(text, earlier.line), note)
            }
            None => {
                let file = &self.graph.files[earlier.file as usize];
                let label = diag.label.clone();
                diag.label(format!("{label} ({note} at {file}:{})", earlier.line))
            }
        }
    }

    fn statement(&mut self, s: Statement<'_>, at: At) {
        let Some(subject) = self.entity(&s.subject, at) else {
            return;
        };
        let object = match &s.object {
            Some(o) => match self.entity(o, at) {
                Some(node) => Some(node),
                None => return,
            },
            None => None,
        };
        let relation = self.graph.relations.intern(&s.predicate.text);
        let attrs = self.attrs(&s.attrs);
        match object {
            Some(object) => {
                let edge = Edge {
                    relation,
                    attrs,
                    origin: at.origin,
                };
                self.edges.push((subject, object, edge));
            }
            None => {
                self.graph.add_fact(Fact {
                    subject,
                    predicate: relation,
                    attrs,
                    origin: at.origin,
                });
            }
        }
    }

    fn attrs(&mut self, attrs: &[Attr<'_>]) -> AttrsId {
        if attrs.is_empty() {
            return NO_ATTRS;
        }
        let set: Vec<(Sym, Value)> = attrs
            .iter()
            .map(|a| {
                let value = match &a.value {
                    crate::ast::Value::Int(v) => Value::Int(*v),
                    crate::ast::Value::Dec(v) => Value::Dec(*v),
                    crate::ast::Value::Str(v) => Value::Str((**v).into()),
                    crate::ast::Value::Date(v) => Value::Date(*v),
                    crate::ast::Value::Bool(v) => Value::Bool(*v),
                    crate::ast::Value::Name(v) => Value::Name((**v).into()),
                };
                (self.graph.keys.intern(&a.key.text), value)
            })
            .collect();
        self.graph.intern_attrs(set)
    }

    /// Under `--strict`, every name must be declared somewhere in the load.
    fn check_strict(&mut self) {
        if self.first_use.is_empty() {
            return;
        }
        let declared: Vec<&str> = self
            .graph
            .entities()
            .filter(|(_, e)| e.declared)
            .map(|(_, e)| &*e.name)
            .collect();
        let mut errors: Vec<(FileId, Span, Diagnostic)> = Vec::new();
        for (&node, &(file, span)) in &self.first_use {
            let entity = self.graph.entity(node);
            if entity.declared || entity.kind != KIND_ENTITY {
                continue;
            }
            let name = &*entity.name;
            let mut d =
                Diagnostic::at(file, span, format!("`{name}` is not declared")).label("used here");
            d = match (errors.len() < crate::build::MAX_SHOWN)
                .then(|| did_you_mean(name, declared.iter().copied()))
                .flatten()
            {
                Some(near) => d.help(format!(
                    "did you mean `{near}`? Or declare it: `{}: KIND`",
                    written(name)
                )),
                None => d.help(format!(
                    "declare it with its kind, e.g. `{}: state`, or load without --strict",
                    written(name)
                )),
            };
            errors.push((file, span, d));
        }
        errors.sort_by_key(|(f, s, _)| (*f, s.start));
        self.diagnostics
            .extend(errors.into_iter().map(|(_, _, d)| d));
    }
}

/// Gives the memory a load used and freed back to the system. Parsing on
/// several threads leaves freed blocks in each thread's malloc arena,
/// which glibc keeps resident until asked: about 10 bytes an edge on a
/// million statements.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it takes
    // no pointers and is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A file's bytes as text to share: moved, not copied, when they are
/// UTF-8; else with bad bytes replaced, and the bytes as they were given
/// back to point at the bad ones.
fn shared_text(bytes: Vec<u8>) -> (SourceText, Option<Vec<u8>>) {
    match String::from_utf8(bytes) {
        Ok(text) => (SourceText::new(text), None),
        Err(e) => {
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (SourceText::new(text), Some(bytes))
        }
    }
}

/// How many lines of a TSV file are split before their statements are built.
const TSV_CHUNK: usize = 16;

/// How many lines ahead the builder prefetches names ([`Loader::prefetch`]).
const PREFETCH_AHEAD: usize = 8;

/// The most a pipe given as an input may hold, and the most a regular
/// file may grow by while it is read.
const MAX_STREAM: u64 = 4 << 30;
const MAX_GROWTH: u64 = 64 << 20;

/// Reads an input or an included file. A device is refused (`/dev/zero`
/// never ends, `/dev/urandom` is not text); a pipe or FIFO is read when
/// named on the command line (`<(...)`, `/dev/stdin`), with Ctrl-C checked
/// every tenth of a second and a bound on its size, but never through an
/// include.
fn read(path: &Path, included: bool) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::FileTypeExt;
    let kind = match std::fs::metadata(path) {
        Ok(meta) => meta.file_type(),
        Err(e) => return Err(io_message(&e)),
    };
    if kind.is_dir() {
        return Err("it is a directory".into());
    }
    if kind.is_char_device() || kind.is_block_device() {
        return Err("it is a device, not a file".into());
    }
    if kind.is_fifo() || kind.is_socket() {
        if included {
            return Err(
                "it is a FIFO or socket, not a file: an include names regular files".into(),
            );
        }
        return read_stream(path).map_err(|e| io_message(&e));
    }
    read_bytes(path, READ_IN_HALVES).map_err(|e| io_message(&e))
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Reads a pipe to its end, waiting at most a tenth of a second at a time
/// so that Ctrl-C stops it, and at most [`MAX_STREAM`] bytes.
fn read_stream(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    // Opened without blocking: a FIFO with no writer yet would block the
    // open itself, where Ctrl-C cannot reach.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let mut bytes = Vec::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut seen_writer = false;
    loop {
        if crate::cancel::requested() {
            return Err(std::io::Error::other("reading was cancelled"));
        }
        let mut poll = libc::pollfd {
            fd: file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, for the length given.
        let ready = unsafe { libc::poll(&mut poll, 1, 100) };
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if ready == 0 {
            continue;
        }
        match file.read(&mut buffer) {
            Ok(0) if seen_writer || poll.revents & libc::POLLHUP != 0 => return Ok(bytes),
            Ok(0) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Ok(n) => {
                seen_writer = true;
                bytes.extend_from_slice(&buffer[..n]);
                if bytes.len() as u64 > MAX_STREAM {
                    return Err(std::io::Error::other(format!(
                        "it holds more than {} GiB",
                        MAX_STREAM >> 30
                    )));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// A file's bytes, read in two halves at once (one on another thread) when
/// it has at least `halves_from` bytes. Reading a large file is mostly the
/// copy from the page cache and the kernel's clearing of the new pages it
/// lands in, work for a core a half: the 5,000,000-statement file (167 MB)
/// reads in 53-76 ms instead of 103-141 ms, its snapshot (245 MB) in
/// 95-108 ms instead of 141-196 ms. The buffer is not advised as huge
/// pages: that read in 25-35 ms, but two reads in five stalled for 260 ms
/// while the kernel compacted memory to find them.
fn read_bytes(path: &Path, halves_from: usize) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::io::{Read, Seek};
        use std::os::unix::fs::FileExt;
        let mut file = std::fs::File::open(path)?;
        let len = file.metadata()?.len() as usize;
        let mut bytes = if len < halves_from {
            Vec::with_capacity(len)
        } else {
            let mut bytes = vec![0u8; len];
            let (first, second) = bytes.split_at_mut(len / 2);
            let fill = |buf: &mut [u8], mut at: u64| -> std::io::Result<usize> {
                let mut done = 0;
                while done < buf.len() {
                    match file.read_at(&mut buf[done..], at) {
                        Ok(0) => break,
                        Ok(n) => (done, at) = (done + n, at + n as u64),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(done)
            };
            let half = first.len();
            let (a, b) = std::thread::scope(|scope| {
                let b = scope.spawn(|| fill(second, half as u64));
                (fill(first, 0), b.join().expect("the reading thread"))
            });
            // A file that shrank while it was read is read again whole.
            if a? < half || b? < len - half {
                bytes.clear();
            }
            bytes
        };
        // The rest: all of a small file, what a large one grew by (a file
        // that keeps growing is refused, not read for ever).
        file.seek(std::io::SeekFrom::Start(bytes.len() as u64))?;
        let limit = (len as u64).max(1 << 20) + MAX_GROWTH;
        (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(std::io::Error::other(
                "it grew by more than 64 MiB while it was read; read it again once it is complete",
            ));
        }
        Ok(bytes)
    }
    #[cfg(not(unix))]
    {
        let _ = halves_from;
        std::fs::read(path)
    }
}

/// Files of at least this many bytes are read in two halves at once.
const READ_IN_HALVES: usize = 8 << 20;

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The span of 1-based line `line` of `text`, without its line ending.
fn line_span(text: &str, line: u32) -> Span {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = if text[start..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    Span::new(start, end)
}

/// Attributes as `--to json` writes them: numbers, strings and booleans
/// as themselves, dates as `{"date": "YYYY-MM-DD"}`, names as
/// `{"name": "..."}`.
/// Relation names, kinds and attribute keys of a JSON document must be
/// ones a relation file can write, so that `--to kg` writes any graph:
/// kinds and keys are identifiers (a kind `state;Admin` would also split
/// into two labels in neo4j-admin's CSV), relations any text but control
/// characters.
fn check_json_names(doc: &JsonDoc<'_>) -> Result<(), String> {
    let kind = |k: &str| -> Result<(), String> {
        if value::has_identifier_shape(k) {
            Ok(())
        } else {
            Err(format!(
                "the kind `{}` is not an identifier (a letter or `_`, then letters, digits, `_` or `-`)",
                k.escape_debug()
            ))
        }
    };
    let relation = |r: &str| -> Result<(), String> {
        match value::relation_name_problem(r) {
            Some(problem) => Err(format!("{problem}: `{}`", r.escape_debug())),
            None => Ok(()),
        }
    };
    let keys = |attrs: Option<&serde_json::Map<String, serde_json::Value>>| -> Result<(), String> {
        for key in attrs.into_iter().flat_map(|m| m.keys()) {
            if !value::has_identifier_shape(key) {
                return Err(format!(
                    "the attribute key `{}` is not an identifier (a letter or `_`, then letters, digits, `_` or `-`)",
                    key.escape_debug()
                ));
            }
        }
        Ok(())
    };
    for d in &doc.declarations {
        relation(&d.relation)?;
        if let Some(i) = &d.inverse_of {
            relation(i)?;
        }
        for k in d.subject.iter().chain(d.object.iter()).flatten() {
            if k != "any" {
                kind(k)?;
            }
        }
    }
    for e in &doc.entities {
        if let Some(k) = &e.kind {
            kind(k)?;
        }
        keys(e.attributes.as_ref())?;
    }
    for r in doc.relations.iter().chain(doc.facts.iter()) {
        for p in [&r.relation, &r.predicate].into_iter().flatten() {
            relation(p)?;
        }
        keys(r.attributes.as_ref())?;
    }
    Ok(())
}

fn json_attrs(
    attrs: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Result<Vec<Attr<'static>>, String> {
    use crate::ast::Value as V;
    use serde_json::Value as J;
    let Some(map) = attrs else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (key, value) in map {
        let value = match value {
            J::Bool(b) => V::Bool(*b),
            J::Number(n) if n.is_i64() => V::Int(n.as_i64().expect("checked")),
            J::Number(n) => V::Dec(
                n.as_f64()
                    .filter(|d| d.is_finite())
                    .ok_or("a number is out of range")?,
            ),
            J::String(s) => V::Str(Cow::Owned(s.clone())),
            J::Object(o) if o.len() == 1 && o.get("date").is_some_and(J::is_string) => {
                let d = o["date"].as_str().expect("checked");
                V::Date(crate::value::Date::parse(d).ok_or_else(|| format!("`{d}` is not a date"))?)
            }
            J::Object(o) if o.len() == 1 && o.get("name").is_some_and(J::is_string) => {
                let name = o["name"].as_str().expect("checked");
                // A name value is what a relation file writes bare.
                if !value::has_identifier_shape(name) || matches!(name, "true" | "false") {
                    return Err(format!(
                        "the name value `{}` of `{key}` is not an identifier; a string is written as JSON's own",
                        name.escape_debug()
                    ));
                }
                V::Name(Cow::Owned(name.to_string()))
            }
            other => {
                return Err(format!(
                    "the value of `{key}` is not a Dossier value: {other}"
                ));
            }
        };
        out.push(Attr {
            key: Text {
                text: Cow::Owned(key.clone()),
                span: Span::new(0, 0),
            },
            value,
            value_span: Span::new(0, 0),
        });
    }
    Ok(out)
}

/// The head of a `--to json` document, read when the whole did not fit.
#[derive(serde::Deserialize)]
struct JsonHead {
    format: Option<String>,
    version: Option<u64>,
}

/// A `--to json` document (its schema is in README.md).
#[derive(serde::Deserialize)]
struct JsonDoc<'a> {
    #[serde(borrow)]
    format: Option<Cow<'a, str>>,
    version: Option<u64>,
    #[serde(default, borrow)]
    files: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    entities: Vec<JsonEntity<'a>>,
    #[serde(default, borrow)]
    relations: Vec<JsonStatement<'a>>,
    #[serde(default, borrow)]
    facts: Vec<JsonStatement<'a>>,
    #[serde(default, borrow)]
    declarations: Vec<JsonDeclaration<'a>>,
}

impl JsonDoc<'_> {
    fn head(head: &JsonHead) -> JsonDoc<'_> {
        JsonDoc {
            format: head.format.as_deref().map(Cow::Borrowed),
            version: head.version,
            files: Vec::new(),
            entities: Vec::new(),
            relations: Vec::new(),
            facts: Vec::new(),
            declarations: Vec::new(),
        }
    }
}

#[derive(serde::Deserialize)]
struct JsonSource<'a> {
    #[serde(borrow)]
    file: Cow<'a, str>,
    line: u32,
}

#[derive(serde::Deserialize)]
struct JsonEntity<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    label: Option<Cow<'a, str>>,
    #[serde(default)]
    declared: bool,
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(borrow)]
    source: JsonSource<'a>,
}

#[derive(serde::Deserialize)]
struct JsonStatement<'a> {
    #[serde(borrow)]
    subject: Cow<'a, str>,
    #[serde(borrow)]
    relation: Option<Cow<'a, str>>,
    #[serde(borrow)]
    predicate: Option<Cow<'a, str>>,
    #[serde(borrow)]
    object: Option<Cow<'a, str>>,
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(borrow)]
    source: JsonSource<'a>,
}

#[derive(serde::Deserialize)]
struct JsonDeclaration<'a> {
    #[serde(borrow)]
    relation: Cow<'a, str>,
    #[serde(borrow)]
    subject: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow)]
    object: Option<Vec<Cow<'a, str>>>,
    #[serde(default)]
    symmetric: bool,
    #[serde(default)]
    transitive: bool,
    #[serde(borrow)]
    inverse_of: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source: JsonSource<'a>,
}

/// The byte offset of a 1-based line and column.
fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => a_kind(one),
        [init @ .., last] => format!(
            "{} or {}",
            init.iter()
                .map(|k| a_kind(k))
                .collect::<Vec<_>>()
                .join(", "),
            a_kind(last)
        ),
    }
}

/// `a state`, `an entity`.
fn a_kind(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an `{kind}`")
    } else {
        format!("a `{kind}`")
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::new();
    value::write_quoted(&mut out, s).expect("writing to a String");
    out
}

fn written(name: &str) -> String {
    let mut out = String::new();
    value::write_name(&mut out, name).expect("writing to a String");
    out
}

#[cfg(test)]
mod tests {
    use super::read_bytes;

    /// Read in halves, a file comes back whole: every length around the
    /// split, including none and one byte.
    #[test]
    fn a_file_read_in_halves_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.kg");
        for len in [0, 1, 2, 3, 4095, 4096, 4097, 100_001] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(
                read_bytes(&path, 0).unwrap(),
                bytes,
                "{len} bytes in halves"
            );
            assert_eq!(read_bytes(&path, usize::MAX).unwrap(), bytes, "{len} bytes");
        }
    }
}
