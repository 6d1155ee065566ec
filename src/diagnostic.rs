//! Diagnostics that point at the text: one error type, one renderer.

use crate::ast::Span;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// A place in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub file: FileId,
    pub span: Span,
}

/// One problem found in the input: a message, the place it points at,
/// further places with their own notes, and an optional help line.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    /// `None` for problems with no text to show, such as a missing file.
    pub place: Option<Place>,
    /// The caret's own note, under the culprit.
    pub label: String,
    pub others: Vec<(Place, String)>,
    pub help: Option<String>,
    /// A warning: shown as `warning:`, never blocking a load (unless
    /// `--deny-warnings` makes it an error).
    pub warning: bool,
    /// A hint (a warning of the least severity): a name used without a
    /// declaration, which only the language server asks for.
    pub hint: bool,
}

impl Diagnostic {
    pub fn at(file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            place: Some(Place { file, span }),
            label: String::new(),
            others: Vec::new(),
            help: None,
            warning: false,
            hint: false,
        }
    }

    /// A problem with no place in a text (a file that cannot be read).
    pub fn bare(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            place: None,
            label: String::new(),
            others: Vec::new(),
            help: None,
            warning: false,
            hint: false,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    pub fn also(mut self, file: FileId, span: Span, note: impl Into<String>) -> Diagnostic {
        self.others.push((Place { file, span }, note.into()));
        self
    }

    /// `error` or `warning`.
    pub fn severity(&self) -> &'static str {
        if self.warning { "warning" } else { "error" }
    }

    /// The same problem as a hint.
    pub fn hint(mut self) -> Diagnostic {
        self.warning = true;
        self.hint = true;
        self
    }

    /// The same problem as a warning.
    pub fn warning(mut self) -> Diagnostic {
        self.warning = true;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// A source's text, shared with the threads that parse it. A `String`
/// behind the `Arc` rather than an `Arc<str>`, so that a file read into
/// memory is shared as it is, not copied (copying 100 MB of triples was
/// about a tenth of their load, most of it the kernel clearing new pages).
pub type SourceText = std::sync::Arc<String>;

/// The texts that diagnostics point into, by [`FileId`].
#[derive(Default, Debug, Clone)]
pub struct Sources {
    files: Vec<(String, SourceText)>,
    /// How many lines come before each text in the file it was cut from
    /// (a script's query line is its own text), for line numbers.
    lines_before: Vec<usize>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a text under the name to show for it (a path, or `<query>`).
    /// The text is shared, so a loader can parse it while adding more.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.add_shared(name, SourceText::new(text.into()))
    }

    /// [`Sources::add`] for a text shared with others.
    pub fn add_shared(&mut self, name: impl Into<String>, text: SourceText) -> FileId {
        self.files.push((name.into(), text));
        self.lines_before.push(0);
        self.files.len() - 1
    }

    /// [`Sources::add`] for one line of a longer file, which stands after
    /// `lines_before` others: diagnostics give the line's number in the
    /// file, and rendering one costs the line, not the file.
    pub fn add_line(
        &mut self,
        name: impl Into<String>,
        text: impl Into<String>,
        lines_before: usize,
    ) -> FileId {
        let id = self.add(name, text);
        self.lines_before[id] = lines_before;
        id
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The name and text of a file.
    pub fn get(&self, id: FileId) -> (&str, &str) {
        let (name, text) = &self.files[id];
        (name, text)
    }

    /// A text, shared.
    pub fn shared(&self, id: FileId) -> SourceText {
        self.files[id].1.clone()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let (_, text) = self.get(id);
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1 + self.lines_before[id];
        (line, before[line_start..].chars().count() + 1)
    }

    /// Renders diagnostics as text: `error: ...`, then `┌─ path:line:col`,
    /// the source line and a caret under the culprit, then the help line.
    pub fn render(&self, diagnostics: &[Diagnostic], color: bool) -> String {
        let config = term::Config::default();
        let mut simple = SimpleFiles::new();
        let safe: Vec<std::borrow::Cow<'_, str>> =
            self.files.iter().map(|(_, text)| printable(text)).collect();
        for ((name, _), text) in self.files.iter().zip(&safe) {
            simple.add(name.as_str(), &**text);
        }
        let files = Offset {
            files: simple,
            lines_before: &self.lines_before,
        };
        let mut out = String::new();
        for d in diagnostics {
            let cs = self.to_codespan(d);
            if let Some(windows) = Windows::of(self, &cs) {
                // A line too long to print whole: shown cut around the labels.
                let cs = windows.relabel(cs);
                match term::emit_into_string(&config, &windows, &cs) {
                    Ok(text) => out.push_str(&text),
                    Err(_) => out.push_str(&format!("{}: {}\n", d.severity(), d.message)),
                }
                continue;
            }
            if color {
                let mut buffer = termcolor::Buffer::ansi();
                if term::emit_to_write_style(&mut buffer, &config, &files, &cs).is_ok() {
                    out.push_str(&String::from_utf8_lossy(buffer.as_slice()));
                    continue;
                }
            }
            match term::emit_into_string(&config, &files, &cs) {
                Ok(text) => out.push_str(&text),
                Err(_) => out.push_str(&format!("{}: {}\n", d.severity(), d.message)),
            }
        }
        out
    }

    fn to_codespan(&self, d: &Diagnostic) -> cs::Diagnostic<FileId> {
        let mut labels = Vec::new();
        if let Some(p) = d.place {
            labels.push(cs::Label::primary(p.file, self.clamp(p)).with_message(shorten(&d.label)));
        }
        for (p, note) in &d.others {
            labels.push(cs::Label::secondary(p.file, self.clamp(*p)).with_message(shorten(note)));
        }
        let mut diag = if d.warning {
            cs::Diagnostic::warning()
        } else {
            cs::Diagnostic::error()
        }
        .with_message(shorten(&d.message))
        .with_labels(labels);
        if let Some(help) = &d.help {
            diag = diag.with_notes(vec![format!("help: {}", shorten(help))]);
        }
        diag
    }

    /// Keeps a span inside its text and on character boundaries, so that
    /// rendering can never fail or panic on a span at a line's end.
    fn clamp(&self, p: Place) -> std::ops::Range<usize> {
        let (_, text) = self.get(p.file);
        let start = floor_char_boundary(text, p.span.start.min(text.len()));
        let end = floor_char_boundary(text, p.span.end.min(text.len())).max(start);
        start..end
    }
}

/// The most of a message, label or help shown (one that quotes a
/// 60,000-byte name shows its start).
const LONG_MESSAGE: usize = 400;

/// A message cut to [`LONG_MESSAGE`] bytes, with `…` where it was cut,
/// its control characters escaped.
fn shorten(text: &str) -> String {
    let text = crate::output::escape_controls(text);
    if text.len() <= LONG_MESSAGE {
        return text.into_owned();
    }
    let end = floor_char_boundary(&text, LONG_MESSAGE);
    format!("{}…", &text[..end])
}

/// A source text safe to print on a terminal, of the same length byte for
/// byte (so spans still point at the same places): a control character
/// other than a tab or a line end is shown as `?` (C1 controls, two bytes,
/// as `¿`).
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char, next: Option<char>| {
        c.is_control() && c != '\t' && c != '\n' && !(c == '\r' && next == Some('\n'))
    };
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if bad(c, chars.peek().copied()) {
            any = true;
            break;
        }
    }
    if !any {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if bad(c, chars.peek().copied()) {
            out.push(if c.len_utf8() == 1 { '?' } else { '¿' });
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Lines longer than this many bytes are shown cut, around what a
/// diagnostic points at, with about `CONTEXT` bytes each side.
const LONG_LINE: usize = 1000;
const CONTEXT: usize = 60;
/// The most of a marked span shown in a long line (a 60,000-byte name is
/// shown by its first bytes).
const MARKED: usize = 400;

/// The lines a diagnostic points into, for one that points into a long
/// line: each long line cut to a window with `…` at the cut ends. Line and
/// column numbers are those of the whole text.
struct Windows<'s> {
    files: Vec<Window<'s>>,
}

#[derive(Default)]
struct Window<'s> {
    name: &'s str,
    text: String,
    /// Per shown line: its start in `text`, its number in the file, how
    /// many characters of it were cut before the window (less the `…`),
    /// and the original byte range it shows.
    lines: Vec<(usize, usize, usize, std::ops::Range<usize>)>,
}

impl<'s> Windows<'s> {
    fn of(sources: &'s Sources, d: &cs::Diagnostic<FileId>) -> Option<Windows<'s>> {
        let line_of = |text: &str, at: usize| {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            start..end
        };
        let long = d.labels.iter().any(|l| {
            let (_, text) = sources.get(l.file_id);
            line_of(text, l.range.start).len() > LONG_LINE
        });
        if !long {
            return None;
        }
        let mut files: Vec<Window<'s>> = (0..sources.len())
            .map(|id| Window {
                name: sources.get(id).0,
                ..Window::default()
            })
            .collect();
        for (id, window) in files.iter_mut().enumerate() {
            let (_, text) = sources.get(id);
            // Each line the labels touch, with the span of what they mark.
            let mut touched: std::collections::BTreeMap<
                usize,
                (std::ops::Range<usize>, usize, usize),
            > = Default::default();
            for l in d.labels.iter().filter(|l| l.file_id == id) {
                let line = line_of(text, l.range.start);
                let end = l.range.end.min(line.end);
                let entry = touched
                    .entry(line.start)
                    .or_insert((line.clone(), l.range.start, end));
                entry.1 = entry.1.min(l.range.start);
                entry.2 = entry.2.max(end);
            }
            for (_, (line, from, to)) in touched {
                let number =
                    text[..line.start].matches('\n').count() + 1 + sources.lines_before[id];
                let (mut start, mut end) = (line.start, line.end);
                if line.len() > LONG_LINE {
                    // What is marked is shown up to a few hundred bytes too.
                    let to = to.min(from + MARKED);
                    start = floor_char_boundary(text, from.saturating_sub(CONTEXT).max(line.start));
                    end = floor_char_boundary(text, (to + CONTEXT).min(line.end));
                }
                let at = window.text.len();
                let mut cut = text[line.start..start].chars().count();
                if start > line.start {
                    window.text.push('…');
                    cut -= 1;
                }
                window.text.push_str(&printable(&text[start..end]));
                if end < line.end {
                    window.text.push('…');
                }
                window.text.push('\n');
                window.lines.push((at, number, cut, start..end));
            }
        }
        Some(Windows { files })
    }

    /// The diagnostic with its labels moved into the windows.
    fn relabel(&self, mut d: cs::Diagnostic<FileId>) -> cs::Diagnostic<FileId> {
        for l in &mut d.labels {
            let window = &self.files[l.file_id];
            if let Some((at, _, _, shown)) = window
                .lines
                .iter()
                .find(|(_, _, _, shown)| shown.start <= l.range.start && l.range.start <= shown.end)
            {
                let prefix = window.text[*at..].starts_with('…') as usize * '…'.len_utf8();
                let start = at + prefix + (l.range.start - shown.start);
                let end = at + prefix + (l.range.end.min(shown.end) - shown.start);
                l.range = start..end.max(start);
            }
        }
        d
    }
}

/// Files whose line numbers start after the lines before them.
struct Offset<'s> {
    files: SimpleFiles<&'s str, &'s str>,
    lines_before: &'s [usize],
}

impl<'a> codespan_reporting::files::Files<'a> for Offset<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files.name(id)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files.source(id)
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        self.files.line_index(id, byte)
    }

    fn line_number(
        &'a self,
        id: FileId,
        line: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(line + 1 + self.lines_before[id])
    }

    fn line_range(
        &'a self,
        id: FileId,
        line: usize,
    ) -> Result<std::ops::Range<usize>, codespan_reporting::files::Error> {
        self.files.line_range(id, line)
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Windows<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.files[id].name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.files[id].text)
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let lines = &self.files[id].lines;
        Ok(lines
            .partition_point(|(at, ..)| *at <= byte)
            .saturating_sub(1))
    }

    fn line_number(
        &'a self,
        id: FileId,
        line: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.files[id].lines.get(line).map_or(line + 1, |l| l.1))
    }

    fn column_number(
        &'a self,
        id: FileId,
        line: usize,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let range = self.line_range(id, line)?;
        let column = codespan_reporting::files::column_index(&self.files[id].text, range, byte);
        Ok(column + 1 + self.files[id].lines.get(line).map_or(0, |l| l.2))
    }

    fn line_range(
        &'a self,
        id: FileId,
        line: usize,
    ) -> Result<std::ops::Range<usize>, codespan_reporting::files::Error> {
        let window = &self.files[id];
        let start = window.lines.get(line).map_or(window.text.len(), |l| l.0);
        let end = window
            .lines
            .get(line + 1)
            .map_or(window.text.len(), |l| l.0);
        Ok(start..end)
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--color`, as `run` set it: 0 auto, 1 always, 2 never.
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

pub fn set_color(choice: ColorChoice) {
    let value = match choice {
        ColorChoice::Auto => 0,
        ColorChoice::Always => 1,
        ColorChoice::Never => 2,
    };
    COLOR.store(value, std::sync::atomic::Ordering::Relaxed);
}

/// Whether to colour, as ripgrep decides: `--color always` or `never`;
/// else `CLICOLOR_FORCE` (not `0`) forces it, `NO_COLOR` (not empty) turns
/// it off, and otherwise a terminal on stderr has it.
pub fn color() -> bool {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        _ if var("NO_COLOR").is_some() => false,
        _ => std::io::IsTerminal::is_terminal(&std::io::stderr()),
    }
}
