//! `find TEXT in quotes` and `find TEXT in attributes`: statements and
//! entities by the words of their attributes' text, a scan of every one,
//! the words that matched marked.

use super::eval::*;
use super::find::{Place, each_word, near, score, words};

impl Eval<'_> {
    /// `find TEXT in quotes` and `in attributes`: a scan of every
    /// statement's (and entity's) attributes.
    pub(super) fn find_in_statements(&self, q: &[String], place: Place, limit: usize) -> Rows {
        let g = self.graph;
        let quote = g.keys.get("quote");
        // What holds the text: a statement (edge or fact) or an entity.
        #[derive(Clone, Copy)]
        enum Owner {
            Edge(EdgeIndex),
            Fact(usize),
            Entity(NodeIndex),
        }
        struct Hit {
            owner: Owner,
            key: crate::graph::Sym,
            text: String,
            marks: Vec<std::ops::Range<usize>>,
            score: f64,
        }
        let scan = |close: bool| {
            let mut hits: Vec<Hit> = Vec::new();
            let mut look = |owner: Owner, attrs: crate::graph::AttrsId| {
                // `as of DATE`: only the statements valid that day.
                let dated = !matches!(owner, Owner::Entity(_));
                if dated && self.as_of.is_some_and(|d| !valid_on(g, attrs, d)) {
                    return;
                }
                for (k, v) in g.attrs(attrs) {
                    let wanted = match place {
                        Place::Quotes => Some(*k) == quote,
                        _ => Some(*k) != quote,
                    };
                    let (Value::Str(text) | Value::Name(text)) = v else {
                        continue;
                    };
                    if !wanted {
                        continue;
                    }
                    if let Some((score, marks)) = text_match(q, text, close) {
                        hits.push(Hit {
                            owner,
                            key: *k,
                            text: text.to_string(),
                            marks,
                            score,
                        });
                    }
                }
            };
            for e in g.petgraph().edge_indices() {
                look(Owner::Edge(e), g.petgraph()[e].attrs);
            }
            for (i, f) in g.facts().iter().enumerate() {
                look(Owner::Fact(i), f.attrs);
            }
            if place == Place::Attributes {
                for (n, e) in g.entities() {
                    look(Owner::Entity(n), e.attrs);
                }
            }
            hits
        };
        // Close spellings only when the words themselves leave room.
        let mut hits = scan(false);
        if hits.len() <= limit {
            hits = scan(true);
        }
        let origin = |o: Owner| match o {
            Owner::Edge(e) => g.petgraph()[e].origin,
            Owner::Fact(i) => g.facts()[i].origin,
            Owner::Entity(n) => g.entity(n).origin,
        };
        hits.sort_by(|a, b| {
            let (oa, ob) = (origin(a.owner), origin(b.owner));
            b.score
                .total_cmp(&a.score)
                .then_with(|| g.files[oa.file as usize].cmp(&g.files[ob.file as usize]))
                .then_with(|| oa.line.cmp(&ob.line))
                .then_with(|| a.key.cmp(&b.key))
        });
        let columns: &[&str] = match place {
            Place::Quotes => &["statement", "file", "line", "source", "quote", "score"],
            _ => &["of", "key", "value", "file", "line", "score"],
        };
        let mut rows = Rows {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            left_out: hits.len().saturating_sub(limit),
            ..Rows::default()
        };
        for h in hits.into_iter().take(limit) {
            let o = origin(h.owner);
            let (text, source, sources) = match h.owner {
                Owner::Edge(e) => {
                    let s = crate::output::edge_source(g, e);
                    rows.edges.insert(e);
                    (s.text, s.evidence.map(|e| e.source), (vec![e], vec![]))
                }
                Owner::Fact(i) => {
                    let f = g.facts()[i];
                    let s = crate::output::fact_source(g, &f);
                    rows.nodes.insert(f.subject);
                    (s.text, s.evidence.map(|e| e.source), (vec![], vec![f]))
                }
                Owner::Entity(n) => {
                    rows.nodes.insert(n);
                    (g.entity(n).name.to_string(), None, Default::default())
                }
            };
            let marked = Value::Str(mark(&h.text, &h.marks).into());
            let file = Value::Str(g.files[o.file as usize].as_str().into());
            let line = Value::Int(o.line as i64);
            rows.rows.push(match place {
                Place::Quotes => vec![
                    Value::Str(text.into()),
                    file,
                    line,
                    Value::Name(source.unwrap_or_default().into()),
                    marked,
                    Value::Dec(h.score),
                ],
                _ => vec![
                    Value::Str(text.into()),
                    Value::Name(g.keys.name(h.key).into()),
                    marked,
                    file,
                    line,
                    Value::Dec(h.score),
                ],
            });
            rows.sources.push(sources);
        }
        rows
    }
}

/// Whether `text` has the query's words: its score, and where the words
/// that matched are (bytes).
pub(crate) fn text_match(
    q: &[String],
    text: &str,
    close: bool,
) -> Option<(f64, Vec<std::ops::Range<usize>>)> {
    let mut found: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    each_word(text, |w, r| found.push((w.to_string(), r)));
    let ws: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
    let s = score(q, &ws, true, close)?;
    let marks = found
        .iter()
        .filter(|(w, _)| {
            q.iter()
                .any(|t| w.starts_with(t.as_str()) || (close && near(t, w)))
        })
        .map(|(_, r)| r.clone())
        .collect();
    Some((s, marks))
}

/// `text` with the marked words in `[...]`, neighbouring marked words
/// (with only spaces and punctuation between) in one pair.
pub(crate) fn mark(text: &str, marks: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + 2 * marks.len());
    let mut at = 0;
    let mut i = 0;
    while i < marks.len() {
        let start = marks[i].start;
        let mut end = marks[i].end;
        // Joined when only non-word characters lie between.
        while i + 1 < marks.len() && words(&text[end..marks[i + 1].start]).is_empty() {
            i += 1;
            end = marks[i].end;
        }
        out.push_str(&text[at..start]);
        out.push('[');
        out.push_str(&text[start..end]);
        out.push(']');
        at = end;
        i += 1;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_join_neighbouring_words() {
        let (score, marks) = text_match(
            &words("nuclear tests"),
            "its nuclear tests, and more tests",
            false,
        )
        .unwrap();
        assert_eq!(score, 2.33);
        assert_eq!(
            mark("its nuclear tests, and more tests", &marks),
            "its [nuclear tests], and more [tests]"
        );
    }
}
