//! Quotes checked against the documents they cite: a statement with a
//! `quote` and a `source` whose entity has a `file` must find its quote in
//! that file, exactly, or after white space is normalised (any run is one
//! space), or after typography is too (curly quotes, dashes, ellipses,
//! non-breaking spaces) and Unicode NFC. Case and words never are. A quote
//! found nowhere is an error at the quote, with the document's closest
//! passage and where it is.

use super::*;
use unicode_normalization::UnicodeNormalization;

/// A quote to check, where it was written.
pub(crate) struct QuoteRef {
    pub(crate) quote: String,
    pub(crate) source: String,
    pub(crate) file: FileId,
    pub(crate) span: Span,
}

/// How a quote was found: the rung of normalisation it needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Exact,
    Whitespace,
    Typography,
}

fn whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn typography(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{2bc}' => out.push('\''),
            '\u{201c}' | '\u{201d}' => out.push('"'),
            '\u{2013}' | '\u{2014}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{a0}' | '\u{202f}' => out.push(' '),
            c => out.push(c),
        }
    }
    whitespace(&out.nfc().collect::<String>())
}

/// A source's text, with its normalised forms made once, when a quote
/// first needs them.
pub struct Document {
    pub text: String,
    whitespace: std::cell::OnceCell<String>,
    typography: std::cell::OnceCell<String>,
}

impl Document {
    pub fn new(text: String) -> Document {
        Document {
            text,
            whitespace: std::cell::OnceCell::new(),
            typography: std::cell::OnceCell::new(),
        }
    }

    /// Where `quote` is, if anywhere, and by which rung.
    pub fn find(&self, quote: &str) -> Option<Match> {
        if self.text.contains(quote) {
            return Some(Match::Exact);
        }
        let spaced = self.whitespace.get_or_init(|| whitespace(&self.text));
        if spaced.contains(&whitespace(quote)) {
            return Some(Match::Whitespace);
        }
        let typed = self.typography.get_or_init(|| typography(&self.text));
        typed
            .contains(&typography(quote))
            .then_some(Match::Typography)
    }
}

/// Where `quote` is in `document`, if anywhere, and by which rung.
pub fn find(document: &str, quote: &str) -> Option<Match> {
    Document::new(document.to_string()).find(quote)
}

/// The passage of `document` most like `quote` (the window of as many
/// words that shares the most of them), and its 1-based line and column.
pub fn closest(document: &str, quote: &str) -> Option<(String, usize, usize)> {
    let words: Vec<(usize, &str)> = document
        .split_word_bound_indices_simple()
        .into_iter()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .collect();
    let wanted: Vec<String> = typography(quote)
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
    let passage = whitespace(&document[start..last_at + last.len()]);
    let line = document[..start].matches('\n').count() + 1;
    let column = document[..start]
        .rsplit('\n')
        .next()
        .map_or(0, |l| l.chars().count())
        + 1;
    Some((passage, line, column))
}

/// `text` cut to `max` characters, with `…` where it was cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Splits text into words (letters and digits) and the rest, with byte
/// offsets.
trait Words {
    fn split_word_bound_indices_simple(&self) -> Vec<(usize, &str)>;
}

impl Words for str {
    fn split_word_bound_indices_simple(&self) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in self.char_indices() {
            match (
                start,
                c.is_alphanumeric() || matches!(c, '\'' | '\u{2019}' | '-'),
            ) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    out.push((s, &self[s..i]));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, &self[s..]));
        }
        out
    }
}

impl Loader<'_> {
    /// Every quote that cites a source with a `file` is in that file.
    pub(crate) fn check_quotes(&mut self) {
        if self.quotes.is_empty() {
            return;
        }
        let source_kind = self.graph.kinds.get("source");
        let file_key = self.graph.keys.get("file");
        let mut documents: HashMap<PathBuf, Result<Document, String>> = HashMap::new();
        let mut errors = Vec::new();
        // A document that cannot be read is said once, not at every quote.
        let mut unreadable: HashSet<PathBuf> = HashSet::new();
        for q in std::mem::take(&mut self.quotes) {
            let Some(node) = self.graph.find(&q.source) else {
                continue; // said by check_citations
            };
            let entity = self.graph.entity(node);
            if Some(entity.kind) != source_kind {
                continue;
            }
            let Some(Value::Str(path)) = file_key.and_then(|k| {
                self.graph
                    .attrs(entity.attrs)
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| v)
            }) else {
                continue; // a source without a file is cited, not checked
            };
            // Relative to the file that declared the source.
            let declared_in = &self.graph.files[entity.origin.file as usize];
            let full = Path::new(declared_in)
                .parent()
                .unwrap_or(Path::new(""))
                .join(&**path);
            let document =
                documents
                    .entry(full.clone())
                    .or_insert_with(|| match std::fs::read(&full) {
                        Ok(bytes) => String::from_utf8(bytes).map(Document::new).map_err(|e| {
                            format!(
                                "`{}` is not UTF-8 text (a bad byte at offset {})",
                                full.display(),
                                e.utf8_error().valid_up_to()
                            )
                        }),
                        Err(e) => Err(format!(
                            "cannot read `{}`: {}",
                            full.display(),
                            io_message(&e)
                        )),
                    });
            let shown = full.display().to_string();
            match document {
                Err(_) if !unreadable.insert(full.clone()) => {}
                Err(message) => {
                    let d = Diagnostic::at(q.file, q.span, format!("the source `{}` cannot be checked: {message}", q.source))
                        .label("this quote cites it")
                        .help(format!("the source's `file` is read relative to the file that declares it ({declared_in})"));
                    errors.push(d);
                }
                Ok(text) => {
                    if text.find(&q.quote).is_some() {
                        continue;
                    }
                    let mut d = Diagnostic::at(
                        q.file,
                        q.span,
                        format!("this quote is not in `{shown}`, the file of `{}`", q.source),
                    )
                    .label("not found in the source");
                    d = match closest(&text.text, &q.quote) {
                        Some((passage, line, column)) => d.help(format!(
                            "the source says \u{201c}{}\u{201d} at {shown}:{line}:{column}",
                            cut(&passage, 200)
                        )),
                        None => d.help("quote the source's own words".to_string()),
                    };
                    errors.push(d);
                }
            }
        }
        self.diagnostics.extend(errors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rung_and_no_other() {
        let doc = "It said:\n  a \u{201c}veto\u{2011}free\u{201d}  council \u{2013} at\u{a0}last\u{2026} Caf\u{e9}";
        assert_eq!(find(doc, "It said:"), Some(Match::Exact));
        assert_eq!(find(doc, "said: a"), Some(Match::Whitespace));
        assert_eq!(find(doc, "council - at last..."), Some(Match::Typography));
        // NFC: a decomposed é matches the composed one.
        assert_eq!(find(doc, "last... Cafe\u{301}"), Some(Match::Typography));
        // Case and words are never normalised.
        assert_eq!(find(doc, "it said:"), None);
        assert_eq!(find(doc, "It says:"), None);
    }

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
