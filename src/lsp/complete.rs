//! Completion: what the cursor is in, from the line before it, and the
//! names that fit there.

use super::Server;
use super::analysis::What;
use super::features::{relation_written, written};
use super::text::Lines;
use lsp_types as lsp;
use std::path::Path;

/// At most this many completions are offered at once; the list says it is
/// incomplete when there were more, so the editor asks again as one types.
pub(super) const MOST_COMPLETIONS: usize = 500;

/// Where a completion is asked for, from the line before the cursor.
#[derive(Debug, PartialEq)]
enum Place {
    /// An entity's name (a subject, an object, a name value); `typed` is the
    /// part of it before the cursor.
    Entity,
    Relation,
    Kind,
    Key,
    Source,
    /// A path inside `include "..."` (relation files) or `file: "..."`.
    Path {
        relation_files: bool,
    },
    Nothing,
}

/// What the cursor is in: the place and the byte where the word typed so
/// far starts.
fn place(before: &str) -> (Place, usize) {
    let bytes = before.as_bytes();
    let (mut string, mut ticks, mut depth) = (None, false, 0usize);
    let mut part_start = 0; // the start of the current `{...}` part
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if string.is_some() => i += 1,
            b'"' if !ticks => string = if string.is_some() { None } else { Some(i) },
            b'`' if string.is_none() => ticks = !ticks,
            b'#' if string.is_none() && !ticks => return (Place::Nothing, before.len()),
            b'{' if string.is_none() && !ticks => {
                depth += 1;
                part_start = i + 1;
            }
            b'}' if string.is_none() && !ticks => depth = depth.saturating_sub(1),
            b',' if string.is_none() && !ticks && depth > 0 => part_start = i + 1,
            _ => {}
        }
        i += 1;
    }
    if let Some(open) = string {
        let lead = before[..open].trim_end();
        let start =
            (open + 1 + before[open + 1..].rfind('/').map_or(0, |i| i + 1)).min(before.len());
        if depth == 0 && lead.trim_start() == "include" {
            return (
                Place::Path {
                    relation_files: true,
                },
                start,
            );
        }
        if depth > 0 && lead.ends_with(':') && lead[..lead.len() - 1].trim_end().ends_with("file") {
            return (
                Place::Path {
                    relation_files: false,
                },
                start,
            );
        }
        return (Place::Nothing, before.len());
    }
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || "{},:".contains(c))
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    if depth > 0 {
        let part = &before[part_start..];
        return match part.split_once(':') {
            None => (Place::Key, word_start),
            Some((key, _)) if key.trim() == "source" => (Place::Source, word_start),
            Some(_) => (Place::Entity, word_start),
        };
    }
    let line = before.trim_start();
    if line.starts_with("relation ") && line.contains(':') {
        return (Place::Kind, word_start);
    }
    if line.starts_with("relation ") {
        return (Place::Relation, word_start);
    }
    if line.contains(':') {
        // `NAME: KIND "Label"`: the kind right after the colon.
        let after = line.split_once(':').map_or("", |(_, a)| a).trim_start();
        return if after.contains(char::is_whitespace) {
            (Place::Nothing, word_start)
        } else {
            (Place::Kind, word_start)
        };
    }
    // The words before the cursor's: none is a subject, one a relation.
    let words = before[..word_start].split_whitespace().count();
    match words {
        0 | 2 => (Place::Entity, word_start),
        1 => (Place::Relation, word_start),
        _ => (Place::Nothing, word_start),
    }
}

impl Server {
    pub(crate) fn completion(&self, p: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
        let doc = &p.text_document_position;
        let (path, text, index, offset) = self.at(doc)?;
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..offset];
        let (place, start) = place(before);
        let typed = &before[start..];
        let lines = Lines::new(&text);
        let range = lines.range(&text, line_start + start, offset);
        let graph = self.graph_of(&path);
        let mut items: Vec<lsp::CompletionItem> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut add = |label: String,
                       kind: lsp::CompletionItemKind,
                       detail: Option<String>,
                       insert: String| {
            if seen.len() <= MOST_COMPLETIONS && seen.insert(label.clone()) {
                items.push(lsp::CompletionItem {
                    label,
                    kind: Some(kind),
                    detail,
                    text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                        range, insert,
                    ))),
                    ..lsp::CompletionItem::default()
                });
            }
        };
        let wanted = |name: &str| {
            let typed = typed.trim_start_matches(['"', '`']).to_lowercase();
            typed.is_empty() || name.to_lowercase().starts_with(&typed)
        };
        match place {
            Place::Entity | Place::Source => {
                let source_kind = graph.and_then(|g| g.kinds.get("source"));
                if let Some(g) = graph {
                    for (node, e) in g.entities() {
                        if place == Place::Source && Some(e.kind) != source_kind {
                            continue;
                        }
                        if !wanted(&e.name) {
                            continue;
                        }
                        let detail = match g.label_of(e) {
                            Some(l) => format!("{} \u{2014} {l}", g.kind_name(node)),
                            None => g.kind_name(node).to_string(),
                        };
                        add(
                            e.name.to_string(),
                            lsp::CompletionItemKind::VALUE,
                            Some(detail),
                            written(&e.name),
                        );
                    }
                }
                // Names this buffer declares that the last load did not have.
                for r in &index.refs {
                    if let What::Entity {
                        name,
                        kind: Some(kind),
                        label,
                    } = &r.what
                        && (place == Place::Entity || kind == "source")
                        && wanted(name)
                    {
                        let detail = match label {
                            Some(l) => format!("{kind} \u{2014} {l}"),
                            None => kind.clone(),
                        };
                        add(
                            name.clone(),
                            lsp::CompletionItemKind::VALUE,
                            Some(detail),
                            written(name),
                        );
                    }
                }
            }
            Place::Relation => {
                if let Some(g) = graph {
                    for (r, name) in g.relations.iter() {
                        if wanted(name) {
                            let detail = g.declaration_text(r);
                            add(
                                name.to_string(),
                                lsp::CompletionItemKind::FUNCTION,
                                detail,
                                relation_written(name),
                            );
                        }
                    }
                }
                for r in &index.refs {
                    if let What::Relation { name, .. } = &r.what
                        && wanted(name)
                    {
                        add(
                            name.clone(),
                            lsp::CompletionItemKind::FUNCTION,
                            None,
                            relation_written(name),
                        );
                    }
                }
            }
            Place::Kind => {
                let mut kinds: Vec<String> = crate::graph::BUILTIN_KINDS
                    .iter()
                    .map(|k| k.to_string())
                    .collect();
                if let Some(g) = graph {
                    kinds.extend(g.kinds.iter().map(|(_, k)| k.to_string()));
                }
                kinds.extend(index.refs.iter().filter_map(|r| match &r.what {
                    What::Kind(k) => Some(k.clone()),
                    _ => None,
                }));
                for k in kinds {
                    if wanted(&k) {
                        add(k.clone(), lsp::CompletionItemKind::CLASS, None, k);
                    }
                }
            }
            Place::Key => {
                let mut keys: Vec<String> = graph
                    .map(|g| g.keys.iter().map(|(_, k)| k.to_string()).collect())
                    .unwrap_or_default();
                keys.extend(["source", "quote", "date", "from", "until", "file"].map(String::from));
                keys.extend(index.refs.iter().filter_map(|r| match &r.what {
                    What::Key(k) => Some(k.clone()),
                    _ => None,
                }));
                for k in keys {
                    if wanted(&k) {
                        add(k.clone(), lsp::CompletionItemKind::FIELD, None, k);
                    }
                }
            }
            Place::Path { relation_files } => {
                let typed_dir = {
                    let open = before[..start].rfind('"').map_or(start, |i| i + 1);
                    &before[open..start]
                };
                let dir = path.parent().unwrap_or(Path::new("")).join(typed_dir);
                let mut entries: Vec<_> = std::fs::read_dir(&dir)
                    .map(|d| d.flatten().map(|e| e.path()).collect())
                    .unwrap_or_default();
                entries.sort();
                for entry in entries {
                    let Some(name) = entry.file_name().and_then(|n| n.to_str()) else {
                        continue;
                    };
                    if name.starts_with('.') || !wanted(name) {
                        continue;
                    }
                    if entry.is_dir() {
                        add(
                            format!("{name}/"),
                            lsp::CompletionItemKind::FOLDER,
                            None,
                            format!("{name}/"),
                        );
                    } else if !relation_files || name.ends_with(".kg") {
                        add(
                            name.to_string(),
                            lsp::CompletionItemKind::FILE,
                            None,
                            name.to_string(),
                        );
                    }
                }
            }
            Place::Nothing => {}
        }
        let incomplete = items.len() > MOST_COMPLETIONS;
        items.truncate(MOST_COMPLETIONS);
        Some(lsp::CompletionResponse::List(lsp::CompletionList {
            is_incomplete: incomplete,
            items,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_of_a_completion() {
        assert_eq!(place("Chi").0, Place::Entity);
        assert_eq!(place("China ").0, Place::Relation);
        assert_eq!(place("China member_of U"), (Place::Entity, 16));
        assert_eq!(place("UN: ").0, Place::Kind);
        assert_eq!(place("UN: body \"Unit").0, Place::Nothing);
        assert_eq!(place("China r UN {ve").0, Place::Key);
        assert_eq!(place("China r UN {a: 1, source: Ar"), (Place::Source, 26));
        assert_eq!(
            place("include \"data/ko"),
            (
                Place::Path {
                    relation_files: true
                },
                14
            )
        );
        assert_eq!(
            place("A: source {file: \"sources/").0,
            Place::Path {
                relation_files: false
            }
        );
        assert_eq!(place("relation r: st").0, Place::Kind);
        assert_eq!(place("China r UN # a comm").0, Place::Nothing);
    }
}
