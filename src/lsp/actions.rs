//! Code actions: declare an undeclared name, take a did-you-mean, quote
//! what the source says, cite a source for the lines below.

// `lsp_types::Uri` caches its parse inside, which clippy takes for a
// mutable key; the protocol's edits are maps by URI all the same.
#![allow(clippy::mutable_key_type)]

use super::Server;
use super::analysis::What;
use super::features::{relation_written, written};
use super::text::{Lines, path_of};
use lsp_types as lsp;
use std::collections::HashMap;

impl Server {
    pub(crate) fn code_actions(&self, p: lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
        let path = super::canonical(&path_of(&p.text_document.uri)?);
        let uri = p.text_document.uri.clone();
        let (text, index) = self.index(&path)?;
        let lines = Lines::new(&text);
        let (from, to) = (
            lines.offset(&text, p.range.start),
            lines.offset(&text, p.range.end),
        );
        let graph = self.graph_of(&path);
        let mut actions = Vec::new();
        let mut action =
            |title: String, edits: Vec<lsp::TextEdit>, diagnostic: Option<lsp::Diagnostic>| {
                let mut changes = HashMap::new();
                changes.insert(uri.clone(), edits);
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title,
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: diagnostic.map(|d| vec![d]),
                    edit: Some(lsp::WorkspaceEdit {
                        changes: Some(changes),
                        ..lsp::WorkspaceEdit::default()
                    }),
                    ..lsp::CodeAction::default()
                }));
            };
        let load = self.load_of(&path);
        let raw = load.map(|l| l.raw.as_slice()).unwrap_or_default();
        let published: Vec<&lsp::Diagnostic> = load
            .and_then(|l| l.diagnostics.get(&path))
            .map(|l| l.iter().collect())
            .unwrap_or_default();
        for (file, d) in raw {
            let Some(place) = d.place else { continue };
            if *file != path || place.span.end < from || place.span.start > to {
                continue;
            }
            let range = lines.range(&text, place.span.start, place.span.end);
            let shown = published
                .iter()
                .find(|x| x.range == range && x.message == d.message)
                .map(|x| (*x).clone());
            let help = d.help.as_deref().unwrap_or("");
            if let Some(name) = d
                .message
                .strip_prefix('`')
                .and_then(|m| m.strip_suffix("` is not declared"))
            {
                let mut kinds: Vec<String> = graph
                    .map(|g| {
                        g.kinds
                            .iter()
                            .filter(|(k, _)| g.kind_count(*k) > 0)
                            .map(|(_, k)| k.to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                kinds.retain(|k| k != "entity");
                if kinds.is_empty() {
                    kinds.push("state".into());
                }
                let at = index
                    .last_declaration_end
                    .unwrap_or_else(|| text[..place.span.start].rfind('\n').map_or(0, |i| i + 1));
                let at = lines.position(&text, at);
                let newline = if at.character > 0 { "\n" } else { "" };
                for kind in kinds {
                    action(
                        format!("Declare `{name}` as a {kind}"),
                        vec![lsp::TextEdit::new(
                            lsp::Range::new(at, at),
                            format!("{newline}{}: {kind}\n", written(name)),
                        )],
                        shown.clone(),
                    );
                }
            }
            if let Some(near) = help
                .strip_prefix("did you mean `")
                .and_then(|h| h.split_once('`'))
                .map(|(n, _)| n)
            {
                let is_relation = matches!(
                    index.at(place.span.start).map(|r| &r.what),
                    Some(What::Relation { .. })
                );
                let new = if is_relation {
                    relation_written(near)
                } else {
                    written(near)
                };
                action(
                    format!("Change to `{near}`"),
                    vec![lsp::TextEdit::new(range, new)],
                    shown.clone(),
                );
            }
            if d.message.starts_with("this quote is not in ")
                && let Some(What::Quote {
                    text: quote,
                    source: Some(source),
                }) = index.at(place.span.start).map(|r| &r.what)
                && let Some((_, document)) = self.document(&path, source)
                && let Some((passage, _, _)) = crate::load::quotes::closest(document.text(), quote)
            {
                let mut new = String::new();
                crate::value::write_quoted(&mut new, &passage).expect("writing to a String");
                action(
                    "Quote what the source says".into(),
                    vec![lsp::TextEdit::new(range, new)],
                    shown.clone(),
                );
            }
        }
        // Cite a source for the lines below the cursor.
        if let Some(g) = graph {
            let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[to..].find('\n').map_or(text.len(), |i| to + i);
            let on_statement = index.refs.iter().any(|r| {
                r.span.start >= line_start
                    && r.span.start <= line_end
                    && matches!(
                        r.what,
                        What::Relation {
                            declared: false,
                            ..
                        }
                    )
            });
            if on_statement && let Some(source) = g.kinds.get("source") {
                let at = lines.position(&text, line_start);
                for (_, e) in g.entities().filter(|(_, e)| e.kind == source).take(5) {
                    action(
                        format!(
                            "Cite `{}` for the lines below: `with {{source: {}}}`",
                            e.name,
                            written(&e.name)
                        ),
                        vec![lsp::TextEdit::new(
                            lsp::Range::new(at, at),
                            format!("with {{source: {}}}\n", written(&e.name)),
                        )],
                        None,
                    );
                }
            }
        }
        Some(actions)
    }
}
