//! What the server knows of the files: each root file loaded as `dossier
//! check` loads it (its includes with it, open buffers in place of their
//! files), its diagnostics by file, and an index of every name written in
//! each file, by place, for the requests.

use super::text::{Lines, uri_of};
use crate::ast::{Item, Span, Value};
use crate::diagnostic::Diagnostic;
use crate::graph::Graph;
use crate::load::{Input, LoadError, Options, Overlay};
use lsp_types as lsp;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A root file's load: the files it read and what they said.
pub struct Load {
    /// Every file the load read, the root first, with the text read.
    pub files: Vec<(PathBuf, crate::diagnostic::SourceText)>,
    /// The graph, when the load went through.
    pub graph: Option<Graph>,
    /// When it did not: what to load again without the lines of its errors,
    /// and that graph once asked for ([`Load::graph`]): diagnostics are
    /// published first.
    failed: Option<(Input, Overlay, LoadError)>,
    fallback: std::cell::OnceCell<Option<Graph>>,
    /// The diagnostics, by file.
    pub diagnostics: BTreeMap<PathBuf, Vec<lsp::Diagnostic>>,
    /// The load's own diagnostics, for the code actions (did you mean,
    /// declare it, the closest passage).
    pub raw: Vec<(PathBuf, Diagnostic)>,
}

/// Loads `root` as `dossier check` does (`--strict` when `strict`; else
/// each undeclared name is a hint), reading `overlay`'s texts in place of
/// their files.
pub fn load(root: &Path, strict: bool, overlay: &Overlay) -> Load {
    let options = Options {
        strict,
        undeclared_hints: !strict,
        keep_sources: true,
        ..Options::default()
    };
    let mut graph = Graph::new();
    // Named from the working folder when under it, as `dossier check`
    // run there names files in its messages.
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| root.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| root.to_path_buf());
    let inputs = [Input::Path(shown)];
    let (graph, error, failed) = match graph.load_overlaid(&inputs, options, overlay) {
        Ok((_, warnings)) => (Some(graph), warnings, false),
        Err(error) => (None, error, true),
    };
    let diagnostics = error.diagnostics.clone();
    let sources = &error.sources;
    let mut files = Vec::new();
    for id in 0..sources.len() {
        let (name, _) = sources.get(id);
        let path = PathBuf::from(name);
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        files.push((path, sources.shared(id)));
    }
    if files.is_empty() {
        // A load that read nothing (a missing root): its text, if open.
        let text = overlay.get(root).cloned().unwrap_or_default();
        files.push((root.to_path_buf(), text));
    }
    let lines: Vec<Lines> = files.iter().map(|(_, t)| Lines::new(t)).collect();
    let [input] = inputs;
    let mut out = Load {
        files,
        graph,
        failed: failed.then(|| (input, overlay.clone(), error)),
        fallback: std::cell::OnceCell::new(),
        diagnostics: BTreeMap::new(),
        raw: Vec::new(),
    };
    for d in diagnostics {
        let (file, range) = match d.place {
            Some(p) => {
                let text = &out.files[p.file].1;
                (p.file, lines[p.file].range(text, p.span.start, p.span.end))
            }
            None => (0, lsp::Range::default()),
        };
        let path = out.files[file].0.clone();
        let mut related = Vec::new();
        for (place, note) in &d.others {
            let (other, text) = &out.files[place.file];
            related.push(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(
                    uri_of(other),
                    lines[place.file].range(text, place.span.start, place.span.end),
                ),
                message: note.clone(),
            });
        }
        if let Some(help) = &d.help {
            related.push(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri_of(&path), range),
                message: format!("help: {help}"),
            });
        }
        let severity = if d.hint {
            lsp::DiagnosticSeverity::HINT
        } else if d.warning {
            lsp::DiagnosticSeverity::WARNING
        } else {
            lsp::DiagnosticSeverity::ERROR
        };
        out.diagnostics
            .entry(path.clone())
            .or_default()
            .push(lsp::Diagnostic {
                range,
                severity: Some(severity),
                source: Some("dossier".into()),
                message: d.message.clone(),
                related_information: (!related.is_empty()).then_some(related),
                ..lsp::Diagnostic::default()
            });
        out.raw.push((path, d));
    }
    if let Some(graph) = out.graph.take() {
        contradictions(&mut out, &graph, &lines);
        out.graph = Some(graph);
    }
    out
}

/// At most this many contradictions are shown as warnings.
const MOST_CONTRADICTIONS: usize = 1000;

/// The statements that contradict each other (what `dossier conflicts`
/// lists, and `check --conflicts` fails on), a warning on each of the two,
/// pointing at the other.
fn contradictions(out: &mut Load, graph: &Graph, lines: &[Lines]) {
    let (list, _) = crate::conflicts::conflicts(graph);
    let place = |file: &str, line: u32| -> Option<(usize, lsp::Range)> {
        let path = PathBuf::from(file);
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        let i = out.files.iter().position(|(p, _)| *p == path)?;
        let text = &out.files[i].1;
        let span = crate::load::line_span(text, line);
        Some((i, lines[i].range(text, span.start, span.end)))
    };
    let mut found = Vec::new();
    for c in list.iter().take(MOST_CONTRADICTIONS) {
        let (a, b) = &c.statements;
        let (Some(pa), Some(pb)) = (place(&a.file, a.line), place(&b.file, b.line)) else {
            continue;
        };
        let said = |here: &str, there: &str| match c.kind {
            "attribute" => format!("`{}` is {here} here and {there} there", c.key),
            kind => format!("{kind} `{}`: {here} here and {there} there", c.key),
        };
        let (first, second) = &c.values;
        found.push((
            pa,
            pb,
            said(first, second),
            format!("{}:{}", b.file, b.line),
        ));
        let back = said(second, first);
        found.push((pb, pa, back, format!("{}:{}", a.file, a.line)));
    }
    for ((file, range), (other, other_range), what, there) in found {
        let path = out.files[file].0.clone();
        out.diagnostics
            .entry(path)
            .or_default()
            .push(lsp::Diagnostic {
                range,
                severity: Some(lsp::DiagnosticSeverity::WARNING),
                source: Some("dossier".into()),
                message: format!("this statement contradicts {there}: {what}"),
                related_information: Some(vec![lsp::DiagnosticRelatedInformation {
                    location: lsp::Location::new(uri_of(&out.files[other].0), other_range),
                    message: "the statement it contradicts".into(),
                }]),
                ..lsp::Diagnostic::default()
            });
    }
}

impl Load {
    /// The graph: the load's, or when it failed, the one loaded without the
    /// lines of its errors (made the first time it is asked for).
    pub fn graph(&self) -> Option<&Graph> {
        if let Some(g) = &self.graph {
            return Some(g);
        }
        let (input, overlay, error) = self.failed.as_ref()?;
        self.fallback
            .get_or_init(|| without_errors(std::slice::from_ref(input), overlay, error))
            .as_ref()
    }
}

/// The graph of a load that failed, for completion and hover: loaded again
/// with the lines of its errors left out (twice at most, as leaving some
/// out can bring others).
fn without_errors(inputs: &[Input], overlay: &Overlay, error: &LoadError) -> Option<Graph> {
    let options = Options {
        lenient_quotes: true,
        ..Options::default()
    };
    let mut overlay = overlay.clone();
    let mut error = error;
    let mut next;
    for _ in 0..3 {
        let mut cut: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
        for d in &error.diagnostics {
            if let Some(p) = d.place {
                cut.entry(p.file).or_default().push(p.span);
            }
        }
        if cut.is_empty() {
            return None;
        }
        for (file, spans) in cut {
            let (name, text) = error.sources.get(file);
            let path = PathBuf::from(name);
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let mut out = text.to_string();
            for span in spans {
                let start = text[..span.start.min(text.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let end = text[span.start.min(text.len())..]
                    .find('\n')
                    .map_or(text.len(), |i| span.start + i);
                // The same bytes, blank: the other lines keep their places.
                out.replace_range(start..end, &" ".repeat(end - start));
            }
            overlay.insert(path, std::sync::Arc::new(out));
        }
        let mut graph = Graph::new();
        match graph.load_overlaid(inputs, options, &overlay) {
            Ok(_) => return Some(graph),
            Err(e) => next = e,
        }
        error = &next;
    }
    None
}

/// A name written in a file, and what it names.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub span: Span,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// An entity's name; `kind` (and its label) when this is its
    /// declaration.
    Entity {
        name: String,
        kind: Option<String>,
        label: Option<String>,
    },
    /// A relation's name; `declared` in its `relation` line.
    Relation {
        name: String,
        declared: bool,
    },
    Kind(String),
    Key(String),
    /// `include "PATH"`, as written.
    Include(String),
    /// `file: "PATH"`, as written.
    File(String),
    /// A quote, decoded, and the source it cites (its own `source:` or its
    /// `with` line's).
    Quote {
        text: String,
        source: Option<String>,
    },
}

/// The names of one file, in the order written.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub refs: Vec<Ref>,
    /// Where the last entity declaration's line ends: "declare it" puts a
    /// new declaration there.
    pub last_declaration_end: Option<usize>,
}

impl Index {
    pub fn new(text: &str) -> Index {
        let mut index = Index::default();
        let mut with_source: Option<String> = None;
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let start = offset;
            offset += raw.len();
            let line = raw.strip_suffix('\n').unwrap_or(raw);
            let line = line.strip_suffix('\r').unwrap_or(line);
            let Ok(Some(item)) = crate::parse::parse_line(0, start, line) else {
                continue;
            };
            let refs = &mut index.refs;
            let entity = |refs: &mut Vec<Ref>,
                          t: &crate::ast::Text<'_>,
                          kind: Option<String>,
                          label: Option<String>| {
                refs.push(Ref {
                    span: t.span,
                    what: What::Entity {
                        name: crate::name::nfc(t.text.clone()).into_owned(),
                        kind,
                        label,
                    },
                })
            };
            let attrs =
                |refs: &mut Vec<Ref>, attrs: &[crate::ast::Attr<'_>], with: &Option<String>| {
                    let own = attrs.iter().find_map(|a| match (&*a.key.text, &a.value) {
                        ("source", Value::Name(n)) => Some(n.to_string()),
                        _ => None,
                    });
                    for a in attrs {
                        refs.push(Ref {
                            span: a.key.span,
                            what: What::Key(a.key.text.to_string()),
                        });
                        let what = match (&*a.key.text, &a.value) {
                            (_, Value::Name(n)) => What::Entity {
                                name: crate::name::nfc(n.clone()).into_owned(),
                                kind: None,
                                label: None,
                            },
                            ("file", Value::Str(s)) => What::File(s.to_string()),
                            ("quote", Value::Str(s)) => What::Quote {
                                text: s.to_string(),
                                source: own.clone().or_else(|| with.clone()),
                            },
                            _ => continue,
                        };
                        refs.push(Ref {
                            span: a.value_span,
                            what,
                        });
                    }
                };
            match &item {
                Item::Include(path) => refs.push(Ref {
                    span: path.span,
                    what: What::Include(path.text.to_string()),
                }),
                Item::Declaration(d) => {
                    entity(
                        refs,
                        &d.name,
                        Some(d.kind.text.to_string()),
                        d.label.as_ref().map(|l| l.text.to_string()),
                    );
                    refs.push(Ref {
                        span: d.kind.span,
                        what: What::Kind(d.kind.text.to_string()),
                    });
                    attrs(refs, &d.attrs, &with_source);
                    index.last_declaration_end = Some(offset);
                }
                Item::Statement(s) => {
                    entity(refs, &s.subject, None, None);
                    refs.push(Ref {
                        span: s.predicate.span,
                        what: What::Relation {
                            name: s.predicate.text.to_string(),
                            declared: false,
                        },
                    });
                    if let Some(o) = &s.object {
                        entity(refs, o, None, None);
                    }
                    attrs(refs, &s.attrs, &with_source);
                }
                Item::With(list) => {
                    with_source = list.iter().find_map(|a| match (&*a.key.text, &a.value) {
                        ("source", Value::Name(n)) => Some(n.to_string()),
                        _ => None,
                    });
                    attrs(refs, list, &None);
                }
                Item::Relation(r) => {
                    refs.push(Ref {
                        span: r.name.span,
                        what: What::Relation {
                            name: r.name.text.to_string(),
                            declared: true,
                        },
                    });
                    for k in [&r.subject, &r.object].into_iter().flatten().flatten() {
                        refs.push(Ref {
                            span: k.span,
                            what: What::Kind(k.text.to_string()),
                        });
                    }
                    for other in [&r.inverse_of, &r.excludes].into_iter().flatten() {
                        refs.push(Ref {
                            span: other.span,
                            what: What::Relation {
                                name: other.text.to_string(),
                                declared: false,
                            },
                        });
                    }
                }
            }
        }
        index
    }

    /// The name at a byte offset (its last character counts: a cursor just
    /// after a name is on it).
    pub fn at(&self, offset: usize) -> Option<&Ref> {
        let i = self.refs.partition_point(|r| r.span.end < offset);
        self.refs[i..]
            .iter()
            .take_while(|r| r.span.start <= offset)
            .find(|r| r.span.start <= offset && offset <= r.span.end)
    }
}

/// The files a relation file includes, from its text, without loading it:
/// for finding which file includes another.
pub fn includes(dir: &Path, text: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("include") {
            continue;
        }
        if let Ok(Some(Item::Include(path))) = crate::parse::parse_line(0, 0, line) {
            let target = dir.join(&*path.text);
            out.push(std::fs::canonicalize(&target).unwrap_or(target));
        }
    }
    out
}
