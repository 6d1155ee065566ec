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
}

impl Diagnostic {
    pub fn at(file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            place: Some(Place { file, span }),
            label: String::new(),
            others: Vec::new(),
            help: None,
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

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// The texts that diagnostics point into, by [`FileId`].
#[derive(Default, Debug, Clone)]
pub struct Sources {
    files: Vec<(String, std::sync::Arc<str>)>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a text under the name to show for it (a path, or `<query>`).
    /// The text is shared, so a loader can parse it while adding more.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<std::sync::Arc<str>>) -> FileId {
        self.files.push((name.into(), text.into()));
        self.files.len() - 1
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

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let (_, text) = self.get(id);
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        (line, before[line_start..].chars().count() + 1)
    }

    /// Renders diagnostics as text: `error: ...`, then `┌─ path:line:col`,
    /// the source line and a caret under the culprit, then the help line.
    pub fn render(&self, diagnostics: &[Diagnostic], color: bool) -> String {
        let config = term::Config::default();
        let mut files = SimpleFiles::new();
        for (name, text) in &self.files {
            files.add(name.as_str(), &**text);
        }
        let mut out = String::new();
        for d in diagnostics {
            let cs = self.to_codespan(d);
            if color {
                let mut buffer = termcolor::Buffer::ansi();
                if term::emit_to_write_style(&mut buffer, &config, &files, &cs).is_ok() {
                    out.push_str(&String::from_utf8_lossy(buffer.as_slice()));
                    continue;
                }
            }
            match term::emit_into_string(&config, &files, &cs) {
                Ok(text) => out.push_str(&text),
                Err(_) => out.push_str(&format!("error: {}\n", d.message)),
            }
        }
        out
    }

    fn to_codespan(&self, d: &Diagnostic) -> cs::Diagnostic<FileId> {
        let mut labels = Vec::new();
        if let Some(p) = d.place {
            labels.push(cs::Label::primary(p.file, self.clamp(p)).with_message(&d.label));
        }
        for (p, note) in &d.others {
            labels.push(cs::Label::secondary(p.file, self.clamp(*p)).with_message(note));
        }
        let mut diag = cs::Diagnostic::error()
            .with_message(&d.message)
            .with_labels(labels);
        if let Some(help) = &d.help {
            diag = diag.with_notes(vec![format!("help: {help}")]);
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

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
