//! Loading: files to AST to graph, all or nothing. This file holds the
//! loader and what it does with each item; `read.rs` reads files (halves,
//! pipes, limits), `validate.rs` checks declarations and `--strict`,
//! `progress.rs` draws the progress bar. The readers of TSV, JSON and
//! snapshots are in `src/formats/`.

pub mod document;
mod items;
pub(crate) mod progress;
pub mod quotes;
mod read;
mod validate;

pub(crate) use progress::Progress;
pub(crate) use read::*;

pub(crate) use crate::ast::{Attr, Declaration, Item, Span, Statement, Text};
pub(crate) use crate::diagnostic::{Diagnostic, FileId, SourceText, Sources};
pub(crate) use crate::graph::{
    AttrsId, Edge, Fact, Graph, KIND_ENTITY, NO_ATTRS, Origin, RelationInfo, Sym,
};
pub(crate) use crate::parse::{Batch, batches, parse_line, parse_lines};
pub(crate) use crate::suggest::did_you_mean;
pub(crate) use crate::value::{self, Value};
pub(crate) use petgraph::graph::NodeIndex;
pub(crate) use std::borrow::Cow;
pub(crate) use std::collections::{BTreeMap, HashMap, HashSet};
pub(crate) use std::path::{Path, PathBuf};

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
    /// A quote not found in its source is a warning, not an error
    /// (`--lenient-quotes`, for work in progress).
    pub lenient_quotes: bool,
    /// Warnings are errors (`--deny-warnings`).
    pub deny_warnings: bool,
    /// Quotes are not looked for in their documents (`dossier diff`
    /// compares what files say, not whether their quotes are found).
    pub unchecked_quotes: bool,
    /// Without `strict`, each name used without a declaration still gets
    /// `--strict`'s diagnostic, as a hint among the warnings (the language
    /// server's, where "declare it" is offered).
    pub undeclared_hints: bool,
    /// The texts read are given back with the warnings even when there
    /// are none (the language server's, to know which files a load read).
    pub keep_sources: bool,
}

/// Texts that stand for files on disk, by canonical path (an editor's
/// unsaved buffers): a load reads them instead of the files.
pub type Overlay = HashMap<PathBuf, SourceText>;

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

/// The warnings of a load that went through: shown like errors, with
/// `warning:`.
pub type Warnings = LoadError;

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
        self.load_with_warnings(inputs, options)
            .map(|(added, _)| added)
    }

    /// [`Graph::load`], with the load's warnings (an ambiguous quote, say).
    pub fn load_with_warnings(
        &mut self,
        inputs: &[Input],
        options: Options,
    ) -> Result<(Added, Warnings), LoadError> {
        self.load_overlaid(inputs, options, &Overlay::new())
    }

    /// [`Graph::load_with_warnings`], reading the texts of `overlay` in
    /// place of the files they stand for.
    pub fn load_overlaid(
        &mut self,
        inputs: &[Input],
        options: Options,
        overlay: &Overlay,
    ) -> Result<(Added, Warnings), LoadError> {
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
            with: Vec::new(),
            citations: Vec::new(),
            quotes: Vec::new(),
            source_files: Vec::new(),
            unsourced: Vec::new(),
            warnings: Vec::new(),
            from_export: false,
            overlay: overlay.clone(),
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
        loader.check_citations();
        if !options.unchecked_quotes {
            loader.check_quotes();
        }
        let mut warnings = std::mem::take(&mut loader.warnings);
        if options.deny_warnings {
            for w in &mut warnings {
                w.warning = false;
                w.help = Some(match w.help.take() {
                    Some(h) => format!("{h} (a warning made an error by --deny-warnings)"),
                    None => "a warning made an error by --deny-warnings".into(),
                });
            }
            loader.diagnostics.append(&mut warnings);
        }
        if !loader.diagnostics.is_empty() {
            loader.diagnostics.append(&mut warnings);
            return Err(LoadError {
                sources: loader.sources,
                diagnostics: loader.diagnostics,
                not_kept: loader.not_kept,
            });
        }
        let warnings = LoadError {
            sources: if warnings.is_empty() && !options.keep_sources {
                Sources::new()
            } else {
                std::mem::take(&mut loader.sources)
            },
            diagnostics: warnings,
            not_kept: 0,
        };
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
        let added = Added {
            entities: self.entity_count() - before.0,
            relations: self.relation_count() - before.1,
            facts: self.fact_count() - before.2,
        };
        Ok((added, warnings))
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
pub(crate) const STACK_RED_ZONE: usize = 256 * 1024;
pub(crate) const STACK_SEGMENT: usize = 4 * 1024 * 1024;

pub(crate) struct Loader<'g> {
    pub(crate) graph: &'g mut Graph,
    pub(crate) sources: Sources,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) options: Options,
    /// Under `--strict`: where each entity created by use was first used.
    pub(crate) first_use: BTreeMap<NodeIndex, (FileId, Span)>,
    /// The text of each graph file loaded in this run.
    pub(crate) source_of: HashMap<u32, FileId>,
    /// The files being loaded, outermost first, to catch include cycles.
    pub(crate) stack: Vec<PathBuf>,
    /// The same, to look up.
    pub(crate) on_stack: HashSet<PathBuf>,
    /// The folder of the first file, for `--confine-includes`.
    pub(crate) confined_to: Option<PathBuf>,
    /// Diagnostics counted but not kept (past [`MAX_KEPT`]).
    pub(crate) not_kept: usize,
    /// Files loaded in this run, so that one included twice loads once.
    pub(crate) seen: HashSet<PathBuf>,
    /// The relation statements read, added to the graph when all is well.
    pub(crate) edges: Vec<(NodeIndex, NodeIndex, Edge)>,
    /// Where each relation declaration of this load is, for diagnostics.
    pub(crate) declaration_spans: HashMap<Sym, (FileId, Span)>,
    /// The graph is a snapshot's as read, indexes built: the last input was
    /// a snapshot loaded into an empty graph.
    pub(crate) whole_snapshot: bool,
    /// The attributes of the file's last `with` line, for the items after it.
    pub(crate) with: Vec<Attr<'static>>,
    /// Each `source: NAME` of this load, where it was written: checked to
    /// name a `source` once every file is read.
    pub(crate) citations: Vec<(String, FileId, Span)>,
    /// Each quote that cites a source, to check against its document.
    pub(crate) quotes: Vec<quotes::QuoteRef>,
    /// Each source declared with a `file`, to check that it can be read.
    pub(crate) source_files: Vec<quotes::SourceFile>,
    /// Each quote that cites no source (a warning under `--strict`).
    pub(crate) unsourced: Vec<(FileId, Span)>,
    /// Warnings: they never stop a load.
    pub(crate) warnings: Vec<Diagnostic>,
    /// Reading an export (JSON) whose anchors come with it: its quotes are
    /// not checked again.
    pub(crate) from_export: bool,
    /// Texts read in place of files ([`Graph::load_overlaid`]).
    pub(crate) overlay: Overlay,
}

/// The file, graph file number and line being loaded.
#[derive(Clone, Copy)]
pub(crate) struct At {
    pub(crate) file: FileId,
    pub(crate) origin: Origin,
}

impl Loader<'_> {
    /// Loads one input; `from` is the include line that asked for it.
    pub(crate) fn input(&mut self, input: &Input, from: Option<(FileId, Span)>) {
        // A file's `with` lines are its own: an included file starts with
        // none, and the including file's go on after it.
        let with = std::mem::take(&mut self.with);
        self.read_input(input, from);
        self.with = with;
    }

    fn read_input(&mut self, input: &Input, from: Option<(FileId, Span)>) {
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
                let overlaid = canonical.as_ref().and_then(|c| self.overlay.get(c));
                if let Some(text) = overlaid {
                    (name, Cow::Owned(text.as_bytes().to_vec()), canonical)
                } else {
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

    /// Keeps at most [`MAX_KEPT`] diagnostics, counting the rest, so that
    /// a file of nothing but errors loads in bounded memory.
    pub(crate) fn keep_few_diagnostics(&mut self) {
        if self.diagnostics.len() > MAX_KEPT {
            self.not_kept += self.diagnostics.len() - MAX_KEPT;
            self.diagnostics.truncate(MAX_KEPT);
        }
    }

    pub(crate) fn error_from(
        &mut self,
        from: Option<(FileId, Span)>,
        message: String,
        help: String,
    ) {
        let mut d = match from {
            Some((file, span)) => Diagnostic::at(file, span, message).label("included here"),
            None => Diagnostic::bare(message),
        };
        if !help.is_empty() {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    /// A hint that the names of `item` will be looked up soon: a large
    /// graph's name index is far bigger than the cache, so every look-up
    /// is a miss, and asking for the slot a few lines ahead overlaps them.
    pub(crate) fn prefetch(&self, item: &Item<'_>) {
        match item {
            Item::Statement(s) => {
                self.graph.prefetch_name(&s.subject.text);
                if let Some(o) = &s.object {
                    self.graph.prefetch_name(&o.text);
                }
            }
            Item::Declaration(d) => self.graph.prefetch_name(&d.name.text),
            Item::Include(_) | Item::Relation(_) | Item::With(_) => {}
        }
    }

    /// Builds what a line of a batch says, or keeps its error.
    pub(crate) fn built(
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

    pub(crate) fn item(&mut self, item: Item<'_>, at: At, input: &Input) {
        match item {
            Item::Include(path) => self.include(&path, at, input),
            Item::Declaration(d) => self.declaration(d, at),
            Item::Statement(s) => self.statement(s, at),
            Item::Relation(r) => self.relation(r, at),
            Item::With(attrs) => self.with = attrs.iter().map(Attr::to_owned_attr).collect(),
        }
    }

    pub(crate) fn include(&mut self, path: &Text<'_>, at: At, input: &Input) {
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
}

/// Gives the memory a load used and freed back to the system. Parsing on
/// several threads leaves freed blocks in each thread's malloc arena,
/// which glibc keeps resident until asked: about 10 bytes an edge on a
/// million statements.
pub(crate) fn release_free_memory() {
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
pub(crate) fn shared_text(bytes: Vec<u8>) -> (SourceText, Option<Vec<u8>>) {
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
pub(crate) const TSV_CHUNK: usize = 16;

/// How many lines ahead the builder prefetches names ([`Loader::prefetch`]).
pub(crate) const PREFETCH_AHEAD: usize = 8;

pub(crate) fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The span of 1-based line `line` of `text`, without its line ending.
pub(crate) fn line_span(text: &str, line: u32) -> Span {
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

/// The byte offset of a 1-based line and column.
pub(crate) fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

pub(crate) fn or_list(items: &[&str]) -> String {
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
pub(crate) fn a_kind(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an `{kind}`")
    } else {
        format!("a `{kind}`")
    }
}

pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::new();
    value::write_quoted(&mut out, s).expect("writing to a String");
    out
}

pub(crate) fn written(name: &str) -> String {
    let mut out = String::new();
    value::write_name(&mut out, name).expect("writing to a String");
    out
}

/// The bundled default graph, `data/koreas.kg`, used when no file is given.
pub const BUNDLED_NAME: &str = "data/koreas.kg";
pub const BUNDLED_TEXT: &str = include_str!("../../data/koreas.kg");

/// The inputs of `files`, or the bundled graph when there are none.
pub fn inputs(files: &[PathBuf]) -> Vec<Input> {
    if files.is_empty() {
        vec![Input::Text {
            name: BUNDLED_NAME.into(),
            text: BUNDLED_TEXT.into(),
        }]
    } else {
        files.iter().cloned().map(Input::Path).collect()
    }
}

/// Prints load errors on stderr.
pub fn report(error: &LoadError) {
    let _ = std::io::Write::write_all(
        &mut std::io::stderr().lock(),
        error.render(crate::diagnostic::color()).as_bytes(),
    );
}
