//! Quotes checked against the documents they cite: a statement with a
//! `quote` and a `source` whose entity has a `file` must find its quote in
//! that file (`document.rs` says how), and each quote found is anchored
//! where it is. A quote found nowhere is an error at the quote (a warning
//! under `--lenient-quotes`), with the document's closest passage; one
//! found more than once is anchored at the one its `occurrence` names, or
//! at the first with a warning. A source whose file cannot be read is an
//! error at its declaration.

use super::document::{Document, normalise};
use super::*;
use crate::graph::Match as Rung;
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

/// The closest passage is shown for at most this many quotes not found in
/// one load.
pub const CLOSEST_FOR: usize = 20;

/// A source file is read whole; past this size it is refused.
pub const MAX_DOCUMENT: u64 = 256 << 20;

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

/// A map with a fast hash, for the per-quote look-ups.
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// The documents of a load: each read once, by index.
struct Documents {
    index: FastMap<PathBuf, usize>,
    /// The path, the file that declared the source, the path as shown,
    /// and the text or why it cannot be read.
    list: Vec<(PathBuf, String, String, Result<Document, String>)>,
}

impl Loader<'_> {
    /// The index of the document of `path`, read the first time.
    fn document(&self, documents: &mut Documents, path: &Path, declared_in: &str) -> usize {
        if let Some(&i) = documents.index.get(path) {
            return i;
        }
        let read = if self.options.confine_includes
            && let Some(root) = &self.confined_to
            && !std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(root))
        {
            Err(format!(
                "`{}` is outside the folder of the first file, and --confine-includes reads nothing outside it",
                path.display()
            ))
        } else {
            read_document(path, declared_in)
        };
        let i = documents.list.len();
        documents.list.push((
            path.to_path_buf(),
            declared_in.to_string(),
            path.display().to_string(),
            read,
        ));
        documents.index.insert(path.to_path_buf(), i);
        i
    }

    /// Every source declared with a `file` can be read, and every quote
    /// that cites one is in it.
    pub(crate) fn check_quotes(&mut self) {
        let mut documents = Documents {
            index: FastMap::default(),
            list: Vec::new(),
        };
        // A document that cannot be read is said at its declaration, or
        // once at the first quote when it was declared by an earlier load.
        let mut said: HashSet<usize> = HashSet::new();
        for s in std::mem::take(&mut self.source_files) {
            let Some(node) = self.graph.find(&s.source) else {
                continue;
            };
            let Some(path) = document_path(self.graph, node) else {
                continue;
            };
            let declared_in =
                self.graph.files[self.graph.entity(node).origin.file as usize].clone();
            let i = self.document(&mut documents, &path, &declared_in);
            if let Err(message) = &documents.list[i].3
                && said.insert(i)
            {
                let d = Diagnostic::at(s.file, s.span, message.clone())
                    .label("the source's file")
                    .help(format!("a source's `file` is read relative to the file that declares it ({declared_in})"));
                self.diagnostics.push(d);
            }
        }
        let quotes = std::mem::take(&mut self.quotes);
        // The document of each cited source, looked up once a source.
        let mut located: FastMap<&str, Option<usize>> = FastMap::default();
        for q in &quotes {
            if located.contains_key(q.source.as_str()) {
                continue;
            }
            let doc = self.graph.find(&q.source).and_then(|node| {
                let path = document_path(self.graph, node)?;
                let declared_in =
                    self.graph.files[self.graph.entity(node).origin.file as usize].clone();
                Some(self.document(&mut documents, &path, &declared_in))
            });
            located.insert(&q.source, doc);
        }
        // Every distinct quote of a document found once.
        let mut finds: FastMap<(usize, &str), Option<super::document::Found>> = FastMap::default();
        for q in &quotes {
            let Some(i) = located[q.source.as_str()] else {
                continue;
            };
            if let (Ok(document), std::collections::hash_map::Entry::Vacant(slot)) =
                (&documents.list[i].3, finds.entry((i, q.quote.as_str())))
            {
                slot.insert(document.find(&q.quote));
            }
        }
        let mut anchors = Vec::with_capacity(quotes.len());
        // The closest passage is looked for at the first few quotes not
        // found: each look reads the whole document.
        let mut misses = 0;
        for q in &quotes {
            let Some(i) = located[q.source.as_str()] else {
                continue; // not a source, or one without a file: cited, not checked
            };
            let (_, declared_in, shown, document) = &documents.list[i];
            let document = match document {
                Ok(d) => d,
                Err(message) => {
                    if said.insert(i) {
                        let d = Diagnostic::at(q.file, q.span, format!("the source `{}` cannot be checked: {message}", q.source))
                            .label("this quote cites it")
                            .help(format!("a source's `file` is read relative to the file that declares it ({declared_in})"));
                        self.diagnostics.push(d);
                    }
                    continue;
                }
            };
            let Some(Some(found)) = finds.get(&(i, q.quote.as_str())) else {
                let mut d = Diagnostic::at(
                    q.file,
                    q.span,
                    format!("this quote is not in `{shown}`, the file of `{}`", q.source),
                )
                .label("not found in the source");
                misses += 1;
                let near = if misses <= CLOSEST_FOR {
                    closest(document.text(), &q.quote)
                } else {
                    None
                };
                d = match near {
                    Some((passage, line, column)) => d.help(format!(
                        "the source says \u{201c}{}\u{201d} at {shown}:{line}:{column}",
                        cut(&passage, 200)
                    )),
                    None if misses > CLOSEST_FOR => d.help(format!(
                        "quote the source's own words (the closest passage is shown for the first {CLOSEST_FOR} quotes not found)"
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
                    let times = times(found.at.len(), found.more);
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
                                times(found.at.len(), found.more)
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
            let anchor = document.anchor(shown, at, found.rung);
            anchors.push((q, anchor));
        }
        drop(finds);
        drop(located);
        self.graph.anchors.reserve(anchors.len());
        for (q, anchor) in anchors {
            let key = AnchorKey {
                source: q.source.clone(),
                quote: q.quote.clone(),
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

/// `once`, `twice`, `N times`, or, past the occurrences kept, `more than
/// N times`.
fn times(n: usize, more: bool) -> String {
    match (n, more) {
        (n, true) => format!("more than {n} times (an occurrence past them cannot be named)"),
        (1, _) => "once".into(),
        (2, _) => "twice".into(),
        (n, _) => format!("{n} times"),
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
        self.item_attrs().for_each(&mut count);
        counts
    }
}

/// The passage of `document` most like `quote` (the window of as many
/// words that shares the most of them), and its 1-based line and column.
pub fn closest(document: &str, quote: &str) -> Option<(String, usize, usize)> {
    let words: Vec<(usize, &str)> = words(document)
        .into_iter()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .collect();
    let wanted: Vec<String> = normalise(quote, Rung::Typography)
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || wanted.is_empty() {
        return None;
    }
    let n = wanted.len().min(words.len());
    // Each document word lower-cased once, and whether the quote has it;
    // the window's shared words are then counted as it slides.
    let wanted_set: std::collections::HashSet<&str> = wanted.iter().map(String::as_str).collect();
    let lower: Vec<String> = words.iter().map(|(_, w)| w.to_lowercase()).collect();
    let shared: Vec<usize> = lower
        .iter()
        .map(|w| usize::from(wanted_set.contains(w.as_str())))
        .collect();
    // Shared words first; then a window that starts and ends where the
    // quote does.
    let mut count: usize = shared[..n].iter().sum();
    let mut best = (0, 0);
    for i in 0..=words.len() - n {
        if i > 0 {
            count = count + shared[i + n - 1] - shared[i - 1];
        }
        let first = lower[i] == wanted[0];
        let last = Some(&lower[i + n - 1]) == wanted.last();
        let score = count * 4 + usize::from(first) * 2 + usize::from(last);
        if score > best.1 {
            best = (i, score);
        }
    }
    let best = best.0;
    let start = words[best].0;
    let (last_at, last) = words[best + n - 1];
    let passage = normalise(&document[start..last_at + last.len()], Rung::Whitespace);
    let line = document[..start].matches('\n').count() + 1;
    let column = document[..start]
        .rsplit('\n')
        .next()
        .map_or(0, |l| l.chars().count())
        + 1;
    Some((passage, line, column))
}

/// Splits text into words (letters, digits, apostrophes and hyphens), with
/// byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (
            start,
            c.is_alphanumeric() || matches!(c, '\'' | '\u{2019}' | '-'),
        ) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_passage_and_where_it_is() {
        let doc = "First line.\nThe vote was 111 to 19, with 55 abstentions.\n";
        let (passage, line, column) = closest(doc, "the vote was 111 to 18").unwrap();
        assert_eq!(
            (passage.as_str(), line, column),
            ("The vote was 111 to 19", 2, 1)
        );
        let (_, line, column) = closest(doc, "55 abstentions").unwrap();
        assert_eq!((line, column), (2, 30));
    }
}
