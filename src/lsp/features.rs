//! The requests: completion, hover, definition, references, rename,
//! symbols, code actions and formatting.

// `lsp_types::Uri` caches its parse inside, which clippy takes for a
// mutable key; the protocol's edits are maps by URI all the same.
#![allow(clippy::mutable_key_type)]

use super::analysis::{Index, Ref, What};
use super::complete::MOST_COMPLETIONS;
use super::text::{Lines, path_of, uri_of};
use super::{Failure, Server};
use crate::graph::Graph;
use lsp_server::ErrorCode;
use lsp_types as lsp;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A hover card shows at most this many lines.
const MOST_CARD_LINES: usize = 40;

pub(super) fn written(name: &str) -> String {
    let mut s = String::new();
    crate::value::write_name(&mut s, name).expect("writing to a String");
    s
}

pub(super) fn relation_written(name: &str) -> String {
    let mut s = String::new();
    crate::value::write_relation(&mut s, name).expect("writing to a String");
    s
}

impl Server {
    /// The file, its text, its index and the byte at a position.
    pub(super) fn at(
        &self,
        doc: &lsp::TextDocumentPositionParams,
    ) -> Option<(PathBuf, Arc<String>, Arc<Index>, usize)> {
        let path = super::canonical(&path_of(&doc.text_document.uri)?);
        let (text, index) = self.index(&path)?;
        let offset = Lines::new(&text).offset(&text, doc.position);
        Some((path, text, index, offset))
    }

    pub(super) fn graph_of(&self, path: &Path) -> Option<&Graph> {
        self.load_of(path).and_then(|l| l.graph())
    }

    /// The files read with `path`: its root's load, or itself.
    fn files_with(&self, path: &Path) -> Vec<PathBuf> {
        match self.load_of(path) {
            Some(load) => load.files.iter().map(|(p, _)| p.clone()).collect(),
            None => vec![path.to_path_buf()],
        }
    }

    pub(crate) fn hover(&self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let (path, text, index, offset) = self.at(&p.text_document_position_params)?;
        let r = index.at(offset)?;
        let graph = self.graph_of(&path);
        let value = match &r.what {
            What::Entity { name, .. } => {
                let g = graph?;
                let node = g.find(name)?;
                let mut out = Vec::new();
                let answer = crate::query::eval::Answer::Show(node);
                crate::output::write(&mut out, g, &answer, crate::output::Format::Table, false)
                    .ok()?;
                let card = String::from_utf8_lossy(&out);
                let lines: Vec<&str> = card.lines().collect();
                let statements = g.degree(node, petgraph::Direction::Outgoing)
                    + g.degree(node, petgraph::Direction::Incoming);
                let mut shown = lines[..lines.len().min(MOST_CARD_LINES)].join("\n");
                if lines.len() > MOST_CARD_LINES {
                    shown.push_str(&format!(
                        "\n\u{2026} {} more lines (`show {}` in the shell)",
                        lines.len() - MOST_CARD_LINES,
                        written(name)
                    ));
                }
                format!("```text\n{shown}\n```\n{statements} statements")
            }
            What::Relation { name, .. } => {
                let g = graph?;
                let rel = g.relations.get(name)?;
                let count = g.relation_edge_count(rel) + g.predicate_fact_count(rel);
                let declared = g
                    .declaration_text(rel)
                    .map_or("not declared".to_string(), |d| format!("`{d}`"));
                format!(
                    "relation `{}`: {declared}; {count} statements",
                    relation_written(name)
                )
            }
            What::Quote {
                text: quote,
                source,
            } => {
                let (doc_path, document) = self.document(&path, source.as_deref()?)?;
                let shown = doc_path.display();
                match document.find(quote) {
                    Some(found) => {
                        let (start, end) = found.at[0];
                        let (_, line, _) = document.position(start);
                        format!(
                            "{shown}:{line}\n\n> {}",
                            around(document.text(), start, end).replace('\n', " ")
                        )
                    }
                    None => match crate::load::quotes::closest(document.text(), quote) {
                        Some((passage, line, column)) => {
                            format!(
                                "not in {shown}; the closest passage, at {shown}:{line}:{column}:\n\n> {passage}"
                            )
                        }
                        None => format!("not in {shown}"),
                    },
                }
            }
            What::Kind(kind) => {
                let g = graph?;
                let k = g.kinds.get(kind)?;
                format!("kind `{kind}`: {} entities", g.kind_count(k))
            }
            What::Include(p) | What::File(p) => {
                let target = path.parent().unwrap_or(Path::new("")).join(p);
                format!("`{}`", target.display())
            }
            What::Key(_) => return None,
        };
        let lines = Lines::new(&text);
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value,
            }),
            range: Some(lines.range(&text, r.span.start, r.span.end)),
        })
    }

    /// The document a source of `path`'s load cites, read.
    pub(super) fn document(
        &self,
        path: &Path,
        source: &str,
    ) -> Option<(PathBuf, crate::load::document::Document)> {
        let (declared_in, written) = self.source_file(path, source)?;
        let doc_path = declared_in.parent().unwrap_or(Path::new("")).join(written);
        let document =
            crate::load::quotes::read_document(&doc_path, &declared_in.display().to_string())
                .ok()?;
        Some((doc_path, document))
    }

    /// Where source `name` is declared, and its `file` as written.
    fn source_file(&self, path: &Path, name: &str) -> Option<(PathBuf, String)> {
        for file in self.files_with(path) {
            let Some((text, index)) = self.index(&file) else {
                continue;
            };
            for (i, r) in index.refs.iter().enumerate() {
                let What::Entity {
                    name: n,
                    kind: Some(_),
                    ..
                } = &r.what
                else {
                    continue;
                };
                if n != name {
                    continue;
                }
                let line_end = text[r.span.end..]
                    .find('\n')
                    .map_or(text.len(), |e| r.span.end + e);
                let written_file = index.refs[i + 1..]
                    .iter()
                    .take_while(|x| x.span.start < line_end)
                    .find_map(|x| match &x.what {
                        What::File(f) => Some(f.clone()),
                        _ => None,
                    });
                if let Some(f) = written_file {
                    return Some((file.clone(), f));
                }
            }
        }
        None
    }

    /// Every place a name is written in the files read with `path`.
    fn places(&self, path: &Path, what: &What) -> Vec<(PathBuf, Arc<String>, Ref)> {
        let mut out = Vec::new();
        for file in self.files_with(path) {
            let Some((text, index)) = self.index(&file) else {
                continue;
            };
            for r in &index.refs {
                if same(&r.what, what) {
                    out.push((file.clone(), text.clone(), r.clone()));
                }
            }
        }
        out
    }

    fn location(path: &Path, text: &str, r: &Ref) -> lsp::Location {
        lsp::Location::new(
            uri_of(path),
            Lines::new(text).range(text, r.span.start, r.span.end),
        )
    }

    pub(crate) fn definition(
        &self,
        p: lsp::GotoDefinitionParams,
    ) -> Option<lsp::GotoDefinitionResponse> {
        let (path, _, index, offset) = self.at(&p.text_document_position_params)?;
        let r = index.at(offset)?.clone();
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let whole_file = |p: PathBuf| {
            lsp::GotoDefinitionResponse::Scalar(lsp::Location::new(
                uri_of(&super::canonical(&p)),
                lsp::Range::default(),
            ))
        };
        match &r.what {
            What::Include(p) | What::File(p) => Some(whole_file(dir.join(p))),
            What::Quote {
                text: quote,
                source,
            } => {
                let (doc_path, document) = self.document(&path, source.as_deref()?)?;
                let found = document.find(quote)?;
                let (start, end) = found.at[0];
                let lines = Lines::new(document.text());
                Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location::new(
                    uri_of(&super::canonical(&doc_path)),
                    lines.range(document.text(), start, end),
                )))
            }
            What::Entity { .. } | What::Relation { .. } => {
                let all = self.places(&path, &r.what);
                let declarations: Vec<lsp::Location> = all
                    .iter()
                    .filter(|(_, _, x)| declares(&x.what))
                    .map(|(p, t, x)| Self::location(p, t, x))
                    .collect();
                let list = if declarations.is_empty() {
                    all.first()
                        .map(|(p, t, x)| Self::location(p, t, x))
                        .into_iter()
                        .collect()
                } else {
                    declarations
                };
                Some(lsp::GotoDefinitionResponse::Array(list))
            }
            What::Kind(_) | What::Key(_) => None,
        }
    }

    pub(crate) fn references(&self, p: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
        let (path, _, index, offset) = self.at(&p.text_document_position)?;
        let r = index.at(offset)?.clone();
        let with_declaration = p.context.include_declaration;
        Some(
            self.places(&path, &r.what)
                .iter()
                .filter(|(_, _, x)| with_declaration || !declares(&x.what))
                .map(|(p, t, x)| Self::location(p, t, x))
                .collect(),
        )
    }

    pub(crate) fn prepare_rename(
        &self,
        p: lsp::TextDocumentPositionParams,
    ) -> Option<lsp::PrepareRenameResponse> {
        let (_, text, index, offset) = self.at(&p)?;
        let r = index.at(offset)?;
        let What::Entity { name, .. } = &r.what else {
            return None;
        };
        Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: Lines::new(&text).range(&text, r.span.start, r.span.end),
            placeholder: name.clone(),
        })
    }

    pub(crate) fn rename(
        &self,
        p: lsp::RenameParams,
    ) -> Result<Option<lsp::WorkspaceEdit>, Failure> {
        let failed = |m: String| (ErrorCode::RequestFailed, m);
        let Some((path, _, index, offset)) = self.at(&p.text_document_position) else {
            return Ok(None);
        };
        let Some(r) = index.at(offset).cloned() else {
            return Err(failed("there is no name here to rename".into()));
        };
        let What::Entity { name, .. } = &r.what else {
            return Err(failed("only an entity's name is renamed".into()));
        };
        let new = crate::name::nfc(std::borrow::Cow::Borrowed(p.new_name.as_str())).into_owned();
        if new.is_empty() {
            return Err(failed("a name cannot be empty".into()));
        }
        let exists = self.graph_of(&path).is_some_and(|g| g.find(&new).is_some())
            || !self
                .places(
                    &path,
                    &What::Entity {
                        name: new.clone(),
                        kind: None,
                        label: None,
                    },
                )
                .is_empty();
        if exists && new != *name {
            return Err(failed(format!(
                "`{new}` exists already: renaming `{name}` to it would merge them"
            )));
        }
        let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for (file, text, x) in self.places(&path, &r.what) {
            let range = Lines::new(&text).range(&text, x.span.start, x.span.end);
            changes
                .entry(uri_of(&file))
                .or_default()
                .push(lsp::TextEdit::new(range, written(&new)));
        }
        Ok(Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        }))
    }

    pub(crate) fn document_symbols(
        &self,
        p: lsp::DocumentSymbolParams,
    ) -> Option<lsp::DocumentSymbolResponse> {
        let path = super::canonical(&path_of(&p.text_document.uri)?);
        let (text, index) = self.index(&path)?;
        Some(lsp::DocumentSymbolResponse::Nested(outline(&text, &index)))
    }

    pub(crate) fn workspace_symbols(
        &self,
        p: lsp::WorkspaceSymbolParams,
    ) -> Option<lsp::WorkspaceSymbolResponse> {
        let query = p.query.to_lowercase();
        let mut files: Vec<PathBuf> = self.workspace.clone();
        files.extend(self.docs.keys().cloned());
        for load in self.loads.values() {
            files.extend(load.files.iter().map(|(p, _)| p.clone()));
        }
        files.sort();
        files.dedup();
        let mut out = Vec::new();
        for file in files {
            let Some((text, index)) = self.index(&file) else {
                continue;
            };
            let lines = Lines::new(&text);
            for r in &index.refs {
                let (name, kind, detail) = match &r.what {
                    What::Entity {
                        name,
                        kind: Some(k),
                        ..
                    } => (name, lsp::SymbolKind::OBJECT, k.clone()),
                    What::Relation {
                        name,
                        declared: true,
                    } => (name, lsp::SymbolKind::FUNCTION, "relation".into()),
                    _ => continue,
                };
                if !name.to_lowercase().contains(&query) {
                    continue;
                }
                #[allow(deprecated)]
                out.push(lsp::SymbolInformation {
                    name: name.clone(),
                    kind,
                    tags: None,
                    deprecated: None,
                    location: lsp::Location::new(
                        uri_of(&file),
                        lines.range(&text, r.span.start, r.span.end),
                    ),
                    container_name: Some(detail),
                });
                if out.len() >= MOST_COMPLETIONS {
                    return Some(lsp::WorkspaceSymbolResponse::Flat(out));
                }
            }
        }
        Some(lsp::WorkspaceSymbolResponse::Flat(out))
    }

    pub(crate) fn formatting(
        &self,
        p: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>, Failure> {
        let Some(path) = path_of(&p.text_document.uri).map(|p| super::canonical(&p)) else {
            return Ok(None);
        };
        let Some(text) = self.text(&path) else {
            return Ok(None);
        };
        match crate::fmt::format(&text) {
            Ok(new) if new == *text => Ok(Some(Vec::new())),
            Ok(new) => {
                let lines = Lines::new(&text);
                Ok(Some(vec![lsp::TextEdit::new(
                    lines.range(&text, 0, text.len()),
                    new,
                )]))
            }
            Err(errors) => Err((
                ErrorCode::RequestFailed,
                format!("not formatted: the file has {} syntax errors", errors.len()),
            )),
        }
    }
}

/// The outline of a file: its declared entities by kind, then its
/// relation declarations.
fn outline(text: &str, index: &Index) -> Vec<lsp::DocumentSymbol> {
    let lines = Lines::new(text);
    let mut by_kind: Vec<(String, Vec<lsp::DocumentSymbol>)> = Vec::new();
    let mut relations = Vec::new();
    #[allow(deprecated)]
    let symbol = |name: &str, detail: Option<String>, kind, r: &Ref, children| {
        let line_start = text[..r.span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[r.span.end..]
            .find('\n')
            .map_or(text.len(), |e| r.span.end + e);
        lsp::DocumentSymbol {
            name: name.to_string(),
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: lines.range(text, line_start, line_end),
            selection_range: lines.range(text, r.span.start, r.span.end),
            children,
        }
    };
    for r in &index.refs {
        match &r.what {
            What::Entity {
                name,
                kind: Some(kind),
                ..
            } => {
                let s = symbol(name, Some(kind.clone()), lsp::SymbolKind::OBJECT, r, None);
                match by_kind.iter_mut().find(|(k, _)| k == kind) {
                    Some((_, list)) => list.push(s),
                    None => by_kind.push((kind.clone(), vec![s])),
                }
            }
            What::Relation {
                name,
                declared: true,
            } => relations.push(symbol(
                name,
                Some("relation".into()),
                lsp::SymbolKind::FUNCTION,
                r,
                None,
            )),
            _ => {}
        }
    }
    let mut out = Vec::new();
    #[allow(deprecated)]
    for (kind, children) in by_kind {
        let range = lsp::Range::new(
            children[0].range.start,
            children[children.len() - 1].range.end,
        );
        out.push(lsp::DocumentSymbol {
            name: kind,
            detail: Some(format!("{} declared", children.len())),
            kind: lsp::SymbolKind::CLASS,
            tags: None,
            deprecated: None,
            range,
            selection_range: children[0].selection_range,
            children: Some(children),
        });
    }
    out.extend(relations);
    out
}

/// Whether two names name the same thing.
fn same(a: &What, b: &What) -> bool {
    match (a, b) {
        (What::Entity { name: x, .. }, What::Entity { name: y, .. }) => x == y,
        (What::Relation { name: x, .. }, What::Relation { name: y, .. }) => x == y,
        (What::Kind(x), What::Kind(y)) | (What::Key(x), What::Key(y)) => x == y,
        _ => false,
    }
}

fn declares(what: &What) -> bool {
    matches!(
        what,
        What::Entity { kind: Some(_), .. } | What::Relation { declared: true, .. }
    )
}

/// A passage with up to 200 bytes either side, cut at character boundaries.
fn around(text: &str, start: usize, end: usize) -> String {
    let mut a = start.saturating_sub(200);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 200).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    format!(
        "{}{}**{}**{}{}",
        if a > 0 { "\u{2026}" } else { "" },
        &text[a..start],
        &text[start..end],
        &text[end..b],
        if b < text.len() { "\u{2026}" } else { "" }
    )
}
