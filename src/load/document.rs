//! A source's text, searched for quotes: exactly, or after white space is
//! normalised (any run is one space), or after typography is too (curly
//! quotes, dashes, ellipses, non-breaking spaces) and Unicode NFC. Each
//! normalised form is made once, when a quote first needs it, and keeps
//! where each of its bytes came from, so that a match found only after
//! normalising is anchored in the document's own text. A form searched
//! often is indexed once (where each 8-byte window of it starts, bucketed
//! by the window) instead of scanned per quote: a quote is then looked up
//! by its first 8 bytes and checked at each place they are.

use crate::graph::{Anchor, Match};
use std::cell::{Cell, OnceCell};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// A form searched this many times gets an index of its windows.
const INDEX_AFTER: u32 = 24;
/// The bytes of a window of the index; a shorter quote is scanned for.
const WINDOW: usize = 8;

/// Where each window of `WINDOW` bytes of a text starts, bucketed by the
/// window: the places of bucket `b` are `places[starts[b]..starts[b + 1]]`,
/// in increasing order.
struct Windows {
    starts: Vec<u32>,
    places: Vec<u32>,
    shift: u32,
}

impl Windows {
    fn key(bytes: &[u8]) -> u64 {
        u64::from_le_bytes(bytes[..WINDOW].try_into().expect("a window"))
    }

    fn bucket(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    fn of(text: &str) -> Windows {
        let bytes = text.as_bytes();
        let n = (bytes.len() + 1).saturating_sub(WINDOW);
        let buckets = n.next_power_of_two().max(2);
        let mut w = Windows {
            starts: vec![0; buckets + 1],
            places: vec![0; n],
            shift: 64 - buckets.trailing_zeros(),
        };
        let keys: Vec<u32> = (0..n)
            .map(|p| w.bucket(Self::key(&bytes[p..])) as u32)
            .collect();
        for &b in &keys {
            w.starts[b as usize + 1] += 1;
        }
        for b in 0..buckets {
            w.starts[b + 1] += w.starts[b];
        }
        let mut next = w.starts.clone();
        for (p, &b) in keys.iter().enumerate() {
            w.places[next[b as usize] as usize] = p as u32;
            next[b as usize] += 1;
        }
        w
    }

    /// Every place `needle` (at least `WINDOW` bytes) starts in `text`.
    fn positions(&self, text: &[u8], needle: &[u8]) -> Vec<usize> {
        let b = self.bucket(Self::key(needle));
        self.places[self.starts[b] as usize..self.starts[b + 1] as usize]
            .iter()
            .map(|&p| p as usize)
            .filter(|&p| text[p..].starts_with(needle))
            .take(MAX_OCCURRENCES + 1)
            .collect()
    }
}
/// Code points of context kept on each side of an anchor.
const CONTEXT: usize = 32;
/// The most occurrences of one quote that are kept (a one-letter quote in
/// a large document would otherwise list millions).
pub const MAX_OCCURRENCES: usize = 10_000;

/// Typography made plain: what the typography rung maps each character to.
fn plain(c: char, out: &mut Vec<char>) {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{2bc}' => out.push('\''),
        '\u{201c}' | '\u{201d}' => out.push('"'),
        '\u{2013}' | '\u{2014}' => out.push('-'),
        '\u{2026}' => out.extend(['.', '.', '.']),
        '\u{a0}' | '\u{202f}' => out.push(' '),
        c => out.push(c),
    }
}

/// A text as a rung compares it, with the document's bytes each of its
/// bytes came from: for the typography rung, typography made plain, then
/// NFC (one starter and the marks after it at a time, so that each composed
/// character still knows where it came from); then, for both, any run of
/// white space as one space, none at either end. One pass, no copy of the
/// text as characters.
fn normalised(text: &str, typography: bool, trace: bool) -> (String, Vec<(u32, u32)>) {
    struct Out {
        text: String,
        from: Vec<(u32, u32)>,
        trace: bool,
        in_space: bool,
    }
    impl Out {
        fn push(&mut self, c: char, s: u32, e: u32) {
            if c.is_whitespace() {
                if !self.in_space && !self.text.is_empty() {
                    self.text.push(' ');
                    if self.trace {
                        self.from.push((s, e));
                    }
                } else if self.in_space
                    && self.trace
                    && let Some(last) = self.from.last_mut()
                {
                    last.1 = e;
                }
                self.in_space = true;
                return;
            }
            self.in_space = false;
            self.text.push(c);
            if self.trace {
                self.from.extend(std::iter::repeat_n((s, e), c.len_utf8()));
            }
        }
    }
    let mut out = Out {
        text: String::with_capacity(text.len()),
        from: Vec::with_capacity(if trace { text.len() } else { 0 }),
        trace,
        in_space: false,
    };
    // The segment being gathered for NFC: a starter and its marks.
    let mut segment: Vec<char> = Vec::new();
    let mut at = (0u32, 0u32);
    let flush = |segment: &mut Vec<char>, at: (u32, u32), out: &mut Out| {
        match segment.as_slice() {
            [] => {}
            [c] if c.is_ascii() => out.push(*c, at.0, at.1),
            _ => {
                let composed: String = segment.iter().copied().nfc().collect();
                for c in composed.chars() {
                    out.push(c, at.0, at.1);
                }
            }
        }
        segment.clear();
    };
    let mut mapped = Vec::new();
    for (i, c) in text.char_indices() {
        let (s, e) = (i as u32, (i + c.len_utf8()) as u32);
        if !typography {
            out.push(c, s, e);
            continue;
        }
        if c.is_ascii() {
            flush(&mut segment, at, &mut out);
            at = (s, e);
            segment.push(c);
            continue;
        }
        mapped.clear();
        plain(c, &mut mapped);
        for &m in &mapped {
            if canonical_combining_class(m) == 0 {
                flush(&mut segment, at, &mut out);
                at = (s, e);
            } else {
                at.1 = e;
            }
            segment.push(m);
        }
    }
    flush(&mut segment, at, &mut out);
    if out.text.ends_with(' ') {
        out.text.pop();
        if trace {
            out.from.pop();
        }
    }
    (out.text, out.from)
}

/// `text` as the rung compares it.
pub fn normalise(text: &str, rung: Match) -> String {
    match rung {
        Match::Exact => text.to_string(),
        Match::Whitespace => normalised(text, false, false).0,
        Match::Typography => normalised(text, true, false).0,
    }
}

/// One form of the document, searchable.
struct Form {
    text: String,
    /// For each byte of `text`, the document's bytes it came from (empty
    /// for the document itself).
    from: Vec<(u32, u32)>,
    windows: OnceCell<Windows>,
    searches: Cell<u32>,
}

impl Form {
    fn new(text: String, from: Vec<(u32, u32)>) -> Form {
        Form {
            text,
            from,
            windows: OnceCell::new(),
            searches: Cell::new(0),
        }
    }

    fn of(text: &str, typography: bool) -> Form {
        let (text, from) = normalised(text, typography, true);
        Form::new(text, from)
    }

    /// Every place `needle` starts, in order; overlapping ones too.
    fn positions(&self, needle: &str) -> Vec<usize> {
        let n = self.searches.get();
        self.searches.set(n.saturating_add(1));
        if needle.len() >= WINDOW && (n >= INDEX_AFTER || self.windows.get().is_some()) {
            let windows = self.windows.get_or_init(|| Windows::of(&self.text));
            return windows.positions(self.text.as_bytes(), needle.as_bytes());
        }
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let bytes = self.text.as_bytes();
        let mut at = Vec::new();
        let mut from = 0;
        while at.len() <= MAX_OCCURRENCES
            && let Some(i) = finder.find(&bytes[from..])
        {
            at.push(from + i);
            from += i + 1;
        }
        at
    }

    /// The document's byte range of `len` bytes of this form at `start`,
    /// unless they begin or end inside what one piece of the document
    /// became (the second `.` of a `…`, a character of a composed pair):
    /// such a match is not one of the document's own text.
    fn original(&self, start: usize, len: usize) -> Option<(usize, usize)> {
        if self.from.is_empty() {
            return Some((start, start + len));
        }
        let end = start + len;
        let cut_before = start > 0 && self.from[start - 1] == self.from[start];
        let cut_after = end < self.from.len() && self.from[end - 1] == self.from[end];
        (!cut_before && !cut_after)
            .then(|| (self.from[start].0 as usize, self.from[end - 1].1 as usize))
    }
}

/// Where each line starts, and the code points before it, with a mark
/// every few kilobytes within long lines.
struct Marks(Vec<(usize, usize, u32, usize)>);

impl Marks {
    fn of(text: &str) -> Marks {
        const EVERY: usize = 256;
        let mut marks = vec![(0, 0, 1, 0)];
        let (mut chars, mut line, mut line_chars) = (0, 1u32, 0);
        let mut next = EVERY;
        for (i, c) in text.char_indices() {
            if i >= next {
                marks.push((i, chars, line, line_chars));
                next = i + EVERY;
            }
            chars += 1;
            if c == '\n' {
                line += 1;
                line_chars = chars;
                marks.push((i + 1, chars, line, line_chars));
                next = i + 1 + EVERY;
            }
        }
        Marks(marks)
    }

    /// Code points before `byte`, and its line and column (1-based, the
    /// column in code points).
    fn at(&self, text: &str, byte: usize) -> (usize, u32, usize) {
        let i = self.0.partition_point(|m| m.0 <= byte) - 1;
        let (from, mut chars, mut line, mut line_chars) = self.0[i];
        for c in text[from..byte].chars() {
            chars += 1;
            if c == '\n' {
                line += 1;
                line_chars = chars;
            }
        }
        (chars, line, chars - line_chars + 1)
    }
}

/// Where a quote is: the document's byte ranges of each occurrence, at the
/// first rung that finds it.
pub struct Found {
    pub rung: Match,
    /// At most [`MAX_OCCURRENCES`] of them, in order.
    pub at: Vec<(usize, usize)>,
    /// There are more than [`MAX_OCCURRENCES`].
    pub more: bool,
}

impl Found {
    fn new(rung: Match, mut at: Vec<(usize, usize)>) -> Found {
        let more = at.len() > MAX_OCCURRENCES;
        at.truncate(MAX_OCCURRENCES);
        Found { rung, at, more }
    }
}

/// A source's text, with its normalised forms and marks made when first
/// needed.
pub struct Document {
    exact: Form,
    whitespace: OnceCell<Form>,
    typography: OnceCell<Form>,
    marks: OnceCell<Marks>,
}

impl Document {
    pub fn new(text: String) -> Document {
        Document {
            exact: Form::new(text, Vec::new()),
            whitespace: OnceCell::new(),
            typography: OnceCell::new(),
            marks: OnceCell::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.exact.text
    }

    fn form(&self, rung: Match) -> &Form {
        match rung {
            Match::Exact => &self.exact,
            Match::Whitespace => self.whitespace.get_or_init(|| Form::of(self.text(), false)),
            Match::Typography => self.typography.get_or_init(|| Form::of(self.text(), true)),
        }
    }

    /// Every occurrence of `quote`, at the first rung where it has one.
    ///
    /// The typography form is searched before the white space one: each
    /// of its occurrences whose text differs from the quote only in white
    /// space is one of the white space rung's, so that form (and its
    /// index) is made only when NFC at a quote's end hides a match from
    /// the typography form.
    pub fn find(&self, quote: &str) -> Option<Found> {
        if quote.is_empty() {
            return None;
        }
        let at = self.exact.positions(quote);
        if !at.is_empty() {
            let at = at.into_iter().map(|s| (s, s + quote.len())).collect();
            return Some(Found::new(Match::Exact, at));
        }
        let spaced = normalise(quote, Match::Whitespace);
        let typed = normalise(quote, Match::Typography);
        if spaced.is_empty() || typed.is_empty() {
            return None;
        }
        let form = self.form(Match::Typography);
        let at: Vec<(usize, usize)> = form
            .positions(&typed)
            .into_iter()
            .filter_map(|s| form.original(s, typed.len()))
            .collect();
        if at.is_empty() {
            let form = self.form(Match::Whitespace);
            let at: Vec<(usize, usize)> = form
                .positions(&spaced)
                .into_iter()
                .filter_map(|s| form.original(s, spaced.len()))
                .collect();
            return (!at.is_empty()).then(|| Found::new(Match::Whitespace, at));
        }
        let text = self.text();
        let only_spaces: Vec<(usize, usize)> = at
            .iter()
            .copied()
            .filter(|&(s, e)| normalise(&text[s..e], Match::Whitespace) == spaced)
            .collect();
        Some(if only_spaces.is_empty() {
            Found::new(Match::Typography, at)
        } else {
            Found::new(Match::Whitespace, only_spaces)
        })
    }

    /// Code points before `byte`, and its 1-based line and column.
    pub fn position(&self, byte: usize) -> (usize, u32, usize) {
        let text = self.text();
        self.marks.get_or_init(|| Marks::of(text)).at(text, byte)
    }

    /// The anchor of the bytes `start..end`, found by `rung`, in the
    /// document shown as `file`.
    pub fn anchor(&self, file: &str, (start, end): (usize, usize), rung: Match) -> Anchor {
        let text = self.text();
        let (first, line, column) = self.position(start);
        let exact = &text[start..end];
        let mut prefix: Vec<char> = text[..start].chars().rev().take(CONTEXT).collect();
        prefix.reverse();
        Anchor {
            file: file.to_string(),
            start: first as u64,
            end: (first + exact.chars().count()) as u64,
            line,
            column: column as u32,
            exact: exact.to_string(),
            prefix: prefix.into_iter().collect(),
            suffix: text[end..].chars().take(CONTEXT).collect(),
            rung,
        }
    }

    /// The document's sentences (Unicode sentence boundaries), as code
    /// point ranges with their first line, white space at their ends left
    /// out; sentences of only white space are none. A single line break
    /// is read as a space (a hard-wrapped paragraph is one), a blank line
    /// ends a paragraph.
    pub fn sentences(&self) -> Vec<Sentence> {
        use unicode_segmentation::UnicodeSegmentation;
        let text = self.text();
        let bytes = text.as_bytes();
        let unwrapped: String = text
            .char_indices()
            .map(|(i, c)| {
                let lone = c == '\n'
                    && bytes.get(i + 1) != Some(&b'\n')
                    && (i == 0 || bytes[i - 1] != b'\n');
                if lone { ' ' } else { c }
            })
            .collect();
        let mut out = Vec::new();
        for (at, s) in unwrapped.split_sentence_bound_indices() {
            let s = &text[at..at + s.len()];
            let trimmed = s.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = s.len() - s.trim_start().len();
            let (start, line, _) = self.position(at + lead);
            out.push(Sentence {
                start: start as u64,
                end: (start + trimmed.chars().count()) as u64,
                line,
                text: trimmed.split_whitespace().collect::<Vec<_>>().join(" "),
            });
        }
        out
    }
}

/// A sentence of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub start: u64,
    pub end: u64,
    pub line: u32,
    pub text: String,
}

/// Where `quote` is in `document`, if anywhere, and by which rung.
pub fn find(document: &str, quote: &str) -> Option<Match> {
    Document::new(document.to_string())
        .find(quote)
        .map(|f| f.rung)
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
    fn anchors_are_in_the_documents_own_text() {
        let text = "Line one.\nHe said \u{201c}no\u{201d}\u{a0}\u{2014}  twice\u{2026} Then \u{e9}t\u{e9}.";
        let doc = Document::new(text.to_string());
        let found = doc.find("said \"no\" - twice...").unwrap();
        assert_eq!(found.rung, Match::Typography);
        let anchor = doc.anchor("d.txt", found.at[0], found.rung);
        assert_eq!(
            anchor.exact,
            "said \u{201c}no\u{201d}\u{a0}\u{2014}  twice\u{2026}"
        );
        assert_eq!((anchor.line, anchor.column), (2, 4));
        let chars: Vec<char> = text.chars().collect();
        let at: String = chars[anchor.start as usize..anchor.end as usize]
            .iter()
            .collect();
        assert_eq!(at, anchor.exact);
        assert_eq!(anchor.prefix, "Line one.\nHe ");
        assert_eq!(anchor.suffix, " Then \u{e9}t\u{e9}.");
        // A decomposed quote finds the composed text, and the anchor is
        // the composed text.
        let found = doc.find("Then e\u{301}te\u{301}").unwrap();
        assert_eq!(
            doc.anchor("d.txt", found.at[0], found.rung).exact,
            "Then \u{e9}t\u{e9}"
        );
    }

    #[test]
    fn every_occurrence_scanned_or_indexed() {
        let text = "aa b aa b aaa ".repeat(40);
        let doc = Document::new(text.clone());
        let scanned = doc.find("aa b").unwrap().at;
        for _ in 0..INDEX_AFTER {
            doc.find("b aa b aaa");
        }
        assert!(doc.exact.windows.get().is_some());
        assert_eq!(doc.find("aa b").unwrap().at, scanned);
        assert_eq!(scanned.len(), text.matches("aa b").count());
        // Overlapping occurrences count, indexed or scanned.
        assert_eq!(doc.find("aa").unwrap().at.len(), 40 * 4);
        assert_eq!(doc.find("aa b aa b aaa aa").unwrap().at.len(), 39);
        assert_eq!(doc.find("aaa aa b").unwrap().at.len(), 39);
    }

    #[test]
    fn positions_in_long_lines_and_many_lines() {
        let text = format!("{}\n{}é.", "x".repeat(10_000), "y".repeat(9_000));
        let doc = Document::new(text.clone());
        let byte = text.find('é').unwrap();
        assert_eq!(doc.position(byte), (10_001 + 9_000, 2, 9_001));
        assert_eq!(doc.position(5000), (5000, 1, 5001));
    }

    use proptest::prelude::*;

    /// Text of a few letters, spaces, line breaks, curly quotes, dashes,
    /// non-breaking spaces and a combining accent.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("a"),
                Just("b"),
                Just("e"),
                Just(" "),
                Just("\n"),
                Just("  "),
                Just("\u{201c}"),
                Just("\""),
                Just("\u{2014}"),
                Just("-"),
                Just("\u{a0}"),
                Just("\u{301}"),
                Just("\u{e9}"),
                Just("\u{2026}"),
                Just("..."),
            ],
            0..60,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Each occurrence found is the document's own text that the quote
        /// matches at the rung said; an exact quote is every place it is,
        /// and an index finds what a scan does.
        #[test]
        fn what_is_found_is_there(doc in text(), quote in text()) {
            let d = Document::new(doc.clone());
            let Some(found) = d.find(&quote) else {
                prop_assert!(!doc.contains(&quote) || quote.is_empty());
                return Ok(());
            };
            for &(s, e) in &found.at {
                let at = &doc[s..e];
                prop_assert_eq!(normalise(at, found.rung), normalise(&quote, found.rung), "{:?}", at);
            }
            if found.rung == Match::Exact {
                let every: Vec<usize> = (0..doc.len())
                    .filter(|&i| doc.is_char_boundary(i) && doc[i..].starts_with(&quote))
                    .collect();
                let starts: Vec<usize> = found.at.iter().map(|a| a.0).collect();
                prop_assert_eq!(starts, every);
            } else {
                prop_assert!(!doc.contains(&quote));
            }
            let indexed = Document::new(doc.clone());
            for _ in 0..=INDEX_AFTER {
                indexed.find("zzzzzzzzzz");
            }
            let again = indexed.find(&quote).unwrap();
            prop_assert_eq!(again.at, found.at);
            prop_assert_eq!(again.rung, found.rung);
        }
    }

    #[test]
    fn sentences_with_their_lines() {
        let doc = Document::new("One two.  Three\nfour? \n\nFive.".to_string());
        let s = doc.sentences();
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["One two.", "Three four?", "Five."]);
        assert_eq!(s[1].line, 1);
        assert_eq!(s[2].line, 4);
        assert_eq!((s[1].start, s[1].end), (10, 21));
    }
}
