//! Quotes checked against the documents they cite: a statement with a
//! `quote` and a `source` whose entity has a `file` must find its quote in
//! that file (`document.rs` says how), and each quote found is anchored
//! where it is. A quote found nowhere is an error at the quote (a warning
//! under `--lenient-quotes`), with the document's closest passage; one
//! found more than once is anchored at the one its `occurrence` names, or
//! at the first with a warning. A source whose file cannot be read is an
//! error at its declaration.

use super::document::{Document, closest};
use super::*;
use crate::graph::{AnchorKey, Match};

/// A quote to check, where it was written.
pub(crate) struct QuoteRef {
    pub(crate) quote: String,
    pub(crate) source: String,
    pub(crate) occurrence: Option<(u32, Span)>,
    pub(crate) file: FileId,
    pub(crate) span: Span,
}

/// A source's `file` as declared in this load, where it was written.
pub(crate) struct SourceFile {
    pub(crate) source: String,
    pub(crate) file: FileId,
    pub(crate) span: Span,
}

/// The documents of the bundled graph, for a binary run away from its
/// source tree: the path as the bundled graph names it, and the text.
pub const BUNDLED_DOCUMENTS: [(&str, &str); 1] = [(
    "data/sources/articles/un-calls-for-prosecution-of-north-korean-leadership.txt",
    include_str!(
        "../../data/sources/articles/un-calls-for-prosecution-of-north-korean-leadership.txt"
    ),
)];

/// A source file is read whole; past this size it is refused.
pub const MAX_DOCUMENT: u64 = 1 << 30;

/// The path of the document of source `node` (its `file`, relative to the
/// file that declared it, with `.` and `folder/..` taken out), if it has
/// one.
pub fn document_path(graph: &Graph, node: NodeIndex) -> Option<PathBuf> {
    let entity = graph.entity(node);
    if graph.kinds.get("source") != Some(entity.kind) {
        return None;
    }
    let key = graph.keys.get("file")?;
    let Some(Value::Str(path)) = graph
        .attrs(entity.attrs)
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
    else {
        return None;
    };
    let declared_in = graph.files.get(entity.origin.file as usize)?;
    let joined = Path::new(declared_in)
        .parent()
        .unwrap_or(Path::new(""))
        .join(&**path);
    // `out/../sources/a.txt` is shown, and read, as `sources/a.txt`.
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(
                    clean.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                clean.pop();
            }
            c => clean.push(c),
        }
    }
    Some(clean)
}

/// Reads a document: a regular file of UTF-8 text. The bundled graph's
/// documents are in the binary too, for when the file is not beside it.
pub fn read_document(path: &Path, declared_in: &str) -> Result<Document, String> {
    let shown = path.display();
    let from_disk = (|| {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{shown}`: {}", io_message(&e)))?;
        if meta.is_dir() {
            return Err(format!("`{shown}` is a folder, not a text"));
        }
        if !meta.is_file() {
            return Err(format!("`{shown}` is not a regular file"));
        }
        if meta.len() > MAX_DOCUMENT {
            return Err(format!(
                "`{shown}` is {} bytes; a source's file is read whole, and at most {MAX_DOCUMENT} bytes",
                meta.len()
            ));
        }
        std::fs::read(path).map_err(|e| format!("cannot read `{shown}`: {}", io_message(&e)))
    })();
    let bytes = match from_disk {
        Ok(bytes) => bytes,
        Err(e) => match BUNDLED_DOCUMENTS
            .iter()
            .find(|(p, _)| declared_in == BUNDLED_NAME && Path::new(p) == path)
        {
            Some((_, text)) => text.as_bytes().to_vec(),
            None => return Err(e),
        },
    };
    String::from_utf8(bytes).map(Document::new).map_err(|e| {
        format!(
            "`{shown}` is not UTF-8 text: the byte at offset {} is not",
            e.utf8_error().valid_up_to()
        )
    })
}

impl Loader<'_> {
    /// The document of `path`, read once per load.
    fn document<'d>(
        &self,
        documents: &'d mut HashMap<PathBuf, Result<Document, String>>,
        path: &Path,
        declared_in: &str,
    ) -> &'d Result<Document, String> {
        documents.entry(path.to_path_buf()).or_insert_with(|| {
            if self.options.confine_includes
                && let Some(root) = &self.confined_to
                && !std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(root))
            {
                return Err(format!(
                    "`{}` is outside the folder of the first file, and --confine-includes reads nothing outside it",
                    path.display()
                ));
            }
            read_document(path, declared_in)
        })
    }

    /// Every source declared with a `file` can be read, and every quote
    /// that cites one is in it.
    pub(crate) fn check_quotes(&mut self) {
        let mut documents: HashMap<PathBuf, Result<Document, String>> = HashMap::new();
        // A document that cannot be read is said at its declaration, or
        // once at the first quote when it was declared by an earlier load.
        let mut said: HashSet<PathBuf> = HashSet::new();
        for s in std::mem::take(&mut self.source_files) {
            let Some(node) = self.graph.find(&s.source) else {
                continue;
            };
            let Some(path) = document_path(self.graph, node) else {
                continue;
            };
            let declared_in =
                self.graph.files[self.graph.entity(node).origin.file as usize].clone();
            if let Err(message) = self.document(&mut documents, &path, &declared_in)
                && said.insert(path.clone())
            {
                let d = Diagnostic::at(s.file, s.span, message.clone())
                    .label("the source's file")
                    .help(format!("a source's `file` is read relative to the file that declares it ({declared_in})"));
                self.diagnostics.push(d);
            }
        }
        for q in std::mem::take(&mut self.quotes) {
            let Some(node) = self.graph.find(&q.source) else {
                continue; // said by check_citations
            };
            let Some(path) = document_path(self.graph, node) else {
                continue; // not a source, or one without a file: cited, not checked
            };
            let declared_in =
                self.graph.files[self.graph.entity(node).origin.file as usize].clone();
            let shown = path.display().to_string();
            let document = match self.document(&mut documents, &path, &declared_in) {
                Ok(d) => d,
                Err(message) => {
                    if said.insert(path.clone()) {
                        let d = Diagnostic::at(q.file, q.span, format!("the source `{}` cannot be checked: {message}", q.source))
                            .label("this quote cites it")
                            .help(format!("a source's `file` is read relative to the file that declares it ({declared_in})"));
                        self.diagnostics.push(d);
                    }
                    continue;
                }
            };
            let Some(found) = document.find(&q.quote) else {
                let mut d = Diagnostic::at(
                    q.file,
                    q.span,
                    format!("this quote is not in `{shown}`, the file of `{}`", q.source),
                )
                .label("not found in the source");
                d = match closest(document.text(), &q.quote) {
                    Some((passage, line, column)) => d.help(format!(
                        "the source says \u{201c}{}\u{201d} at {shown}:{line}:{column}",
                        cut(&passage, 200)
                    )),
                    None => d.help("quote the source's own words".to_string()),
                };
                if self.options.lenient_quotes {
                    self.warnings.push(d.warning());
                } else {
                    self.diagnostics.push(d);
                }
                continue;
            };
            let places = |skip: usize| -> String {
                let mut list: Vec<String> = found
                    .at
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .take(5)
                    .map(|(i, at)| {
                        let (_, line, column) = document.position(at.0);
                        format!("{} at {line}:{column}", i + 1)
                    })
                    .collect();
                if found.at.len() > 6 {
                    list.push(format!("and {} more", found.at.len() - 6));
                }
                list.join(", ")
            };
            let at = match q.occurrence {
                Some((n, span)) if n as usize > found.at.len() => {
                    let times = times(found.at.len());
                    let d = Diagnostic::at(
                        q.file,
                        span,
                        format!("there is no occurrence {n}: the quote is in `{shown}` {times}"),
                    )
                    .label("no such occurrence")
                    .help(format!("its occurrences are {}", places(usize::MAX)));
                    self.diagnostics.push(d);
                    continue;
                }
                Some((n, _)) => found.at[n as usize - 1],
                None => {
                    if found.at.len() > 1 {
                        let (_, line, column) = document.position(found.at[0].0);
                        let d = Diagnostic::at(
                            q.file,
                            q.span,
                            format!(
                                "this quote is in `{shown}` {}: anchored at the first ({line}:{column})",
                                times(found.at.len())
                            ),
                        )
                        .label("more than one place in the source")
                        .help(format!(
                            "say which with `occurrence: N`; the others are {}",
                            places(0)
                        ));
                        self.warnings.push(d.warning());
                    }
                    found.at[0]
                }
            };
            let anchor = document.anchor(&shown, at, found.rung);
            let key = AnchorKey {
                source: q.source,
                quote: q.quote,
                occurrence: q.occurrence.map_or(0, |o| o.0),
            };
            self.graph.anchors.insert(key, anchor);
        }
        for (file, span) in std::mem::take(&mut self.unsourced) {
            if self.options.strict {
                let d = Diagnostic::at(file, span, "this quote cites no source")
                    .label("no `source`")
                    .help("give the statement `source: NAME`, or a `with {source: NAME}` line before it")
                    .warning();
                self.warnings.push(d);
            }
        }
    }
}

fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// `text` cut to `max` characters, with `…` where it was cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// What a graph's quotes are: verified (and how many after normalising),
/// citing a source that has no file or whose check was waived, and citing
/// no source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuoteCounts {
    pub verified: usize,
    pub normalised: usize,
    pub unchecked: usize,
    pub unsourced: usize,
}

impl QuoteCounts {
    pub fn total(&self) -> usize {
        self.verified + self.unchecked + self.unsourced
    }
}

impl Graph {
    /// Counts the quotes of every declaration, statement and fact.
    pub fn quote_counts(&self) -> QuoteCounts {
        let mut counts = QuoteCounts::default();
        let Some(quote) = self.keys.get("quote") else {
            return counts;
        };
        let mut count = |attrs: AttrsId| {
            if attrs == NO_ATTRS || !self.attrs(attrs).iter().any(|(k, _)| *k == quote) {
                return;
            }
            match (self.cited(attrs).source, self.anchor(attrs)) {
                (None, _) => counts.unsourced += 1,
                (Some(_), Some(a)) => {
                    counts.verified += 1;
                    if a.rung != Match::Exact {
                        counts.normalised += 1;
                    }
                }
                (Some(_), None) => counts.unchecked += 1,
            }
        };
        for (_, e) in self.entities() {
            count(e.attrs);
        }
        for e in self.petgraph().edge_weights() {
            count(e.attrs);
        }
        for f in self.facts() {
            count(f.attrs);
        }
        counts
    }
}
