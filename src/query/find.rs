//! `find TEXT [in labels|quotes|attributes] [limit N]`: entities by the
//! words of their names and labels, statements by the words of their
//! quotes, and attributes by the words of their values; and `@"label"`,
//! an entity by its label.
//!
//! Words compare normalised ([`crate::graph::each_word`]). A query word
//! matches a word that equals it or starts with it, or, among close
//! spellings, one an edit away. Matches rank by how they match (the
//! score's whole part), then by the share of the text's words the query
//! covers (its fraction).

use super::eval::*;
pub(super) use crate::graph::{each_word, words};

/// Where `find` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Entities' names and labels (the default).
    Labels,
    /// Statements' and facts' `quote`s.
    Quotes,
    /// The text of every other attribute, of entities, statements and facts.
    Attributes,
}

impl Place {
    pub const NAMES: [&'static str; 3] = ["labels", "quotes", "attributes"];

    pub fn parse(word: &str) -> Option<Place> {
        match word {
            "labels" | "names" => Some(Place::Labels),
            "quotes" => Some(Place::Quotes),
            "attributes" => Some(Place::Attributes),
            _ => None,
        }
    }

    /// The place `word` (written at `span` of `file`) names, or an error.
    pub fn parse_at(word: &str, file: FileId, span: Span) -> PResult<Place> {
        Place::parse(word).ok_or_else(|| {
            let d = Diagnostic::at(file, span, format!("`find` cannot look in `{word}`"))
                .label("not a place to look");
            Box::new(match crate::suggest::did_you_mean(word, Place::NAMES) {
                Some(near) => d.help(format!("did you mean `in {near}`?")),
                None => d.help("write `in labels`, `in quotes` or `in attributes`"),
            })
        })
    }
}

/// A query word whose entries are this few drives the search without
/// looking up the close spellings of the others.
const FEW: usize = 1000;

/// The default `limit` of `find`.
pub const DEFAULT_FIND_LIMIT: u32 = 20;

/// Query words this short are not matched by close spelling: one edit
/// away from a three-letter word is too many words.
const CLOSE_FROM: usize = 4;

/// Whether query word `t` may match by close spelling: four letters or
/// more, and no digit (`1950` is no slip of `1951`, nor `E4751` of `E4752`).
fn may_be_misspelt(t: &str) -> bool {
    t.chars().count() >= CLOSE_FROM && !t.chars().any(char::is_numeric)
}

/// How a text's words match the query's: 4 the same words, 3 the query
/// at the start (labels) or as a phrase (quotes, attributes), 2 every
/// query word somewhere, 1 the same with close spellings; with the share
/// of the text's words the query covers, a score from 0 to 4.
pub(super) fn score(q: &[String], ws: &[&str], phrase_anywhere: bool, close: bool) -> Option<f64> {
    if ws.is_empty() {
        return None;
    }
    let coverage = (q.len() as f64 / ws.len() as f64).min(1.0);
    let n = q.len();
    let starts = |at: usize| {
        at + n <= ws.len()
            && q[..n - 1].iter().zip(&ws[at..]).all(|(t, w)| t == w)
            && ws[at + n - 1].starts_with(q[n - 1].as_str())
    };
    let tier = if ws.len() == n && q.iter().zip(ws).all(|(t, w)| t == w) {
        4.0
    } else if starts(0) || (phrase_anywhere && (1..ws.len()).any(starts)) {
        3.0
    } else if q
        .iter()
        .all(|t| ws.iter().any(|w| w.starts_with(t.as_str())))
    {
        2.0
    } else if close && q.iter().all(|t| ws.iter().any(|w| near(t, w))) {
        1.0
    } else {
        return None;
    };
    Some(((tier - 1.0 + coverage) * 100.0).round() / 100.0)
}

/// Whether text word `w` matches query word `t` by prefix or by close
/// spelling.
pub(super) fn near(t: &str, w: &str) -> bool {
    w.starts_with(t) || (may_be_misspelt(t) && one_edit(t, w))
}

/// Whether `a` and `b` are one edit apart: a character deleted, added or
/// replaced, or two neighbours swapped (in one pass, without allocating).
fn one_edit(a: &str, b: &str) -> bool {
    if a == b || a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    // The first place they differ, as byte offsets into each.
    let (mut i, mut j) = (0, 0);
    let (mut ca, mut cb) = (a.chars(), b.chars());
    let (x, y) = loop {
        match (ca.next(), cb.next()) {
            (Some(x), Some(y)) if x == y => {
                i += x.len_utf8();
                j += y.len_utf8();
            }
            (x, y) => break (x, y),
        }
    };
    fn after(s: &str, at: usize, c: Option<char>) -> &str {
        &s[at + c.map_or(0, char::len_utf8)..]
    }
    let (ra, rb) = (after(a, i, x), after(b, j, y));
    // Replaced, deleted from `a`, added to `a`.
    if ra == rb || ra == &b[j..] || &a[i..] == rb {
        return true;
    }
    // Swapped: `a` is x y rest, `b` is y x rest.
    let (Some(x), Some(y)) = (x, y) else {
        return false;
    };
    ra.starts_with(y) && rb.starts_with(x) && ra[y.len_utf8()..] == rb[x.len_utf8()..]
}

/// The words one edit from `t` (a letter or digit deleted, swapped with
/// the next, replaced or added), over the ASCII letters and digits and
/// `t`'s own letters.
fn variants(t: &str) -> Vec<String> {
    let chars: Vec<char> = t.chars().collect();
    let mut alphabet: Vec<char> = ('a'..='z').chain('0'..='9').collect();
    for &c in &chars {
        if !alphabet.contains(&c) {
            alphabet.push(c);
        }
    }
    let mut out = Vec::new();
    let make = |v: Vec<char>| v.into_iter().collect::<String>();
    for i in 0..chars.len() {
        let mut v = chars.clone();
        v.remove(i);
        out.push(make(v));
        if i + 1 < chars.len() {
            let mut v = chars.clone();
            v.swap(i, i + 1);
            out.push(make(v));
        }
        for &c in &alphabet {
            if c != chars[i] {
                let mut v = chars.clone();
                v[i] = c;
                out.push(make(v));
            }
        }
    }
    for i in 0..=chars.len() {
        for &c in &alphabet {
            let mut v = chars.clone();
            v.insert(i, c);
            out.push(make(v));
        }
    }
    out.sort();
    out.dedup();
    out.retain(|v| !v.is_empty() && v != t);
    out
}

/// The query's words, or an error when it has none.
fn query_words(eval: &Eval<'_>, text: &Name) -> PResult<Vec<String>> {
    let q = words(&text.text);
    if q.is_empty() {
        return Err(Box::new(
            Diagnostic::at(eval.file, text.span, "there are no words to find here")
                .label("no letters or digits")
                .help(
                    "`find` looks for words: letters and digits; punctuation and case do not count",
                ),
        ));
    }
    Ok(q)
}

impl Eval<'_> {
    /// The entities that may match `q`: those with a word that starts with
    /// the query word that fewest words start with (or, with `close`, is
    /// an edit from it).
    fn candidates(&self, q: &[String], close: bool) -> Vec<NodeIndex> {
        let g = self.graph;
        type Ranges = Vec<std::ops::Range<usize>>;
        let size = |r: &Ranges| r.iter().map(|r| r.len()).sum::<usize>();
        // Each word's entries: those whose word starts with it, and with
        // `close` those of the words an edit from it.
        let mut sets: Vec<Ranges> = q.iter().map(|t| vec![g.word_prefix(t)]).collect();
        if close {
            // A word that cannot be misspelt and finds few entries drives
            // alone: the close spellings of the others need no look-up.
            let few = q
                .iter()
                .zip(&sets)
                .filter(|(t, r)| !may_be_misspelt(t) && size(r) <= FEW)
                .min_by_key(|(_, r)| size(r))
                .map(|(_, r)| r.clone());
            if let Some(r) = few {
                sets = vec![r];
            } else {
                for (t, r) in q.iter().zip(sets.iter_mut()) {
                    if may_be_misspelt(t) {
                        r.extend(
                            variants(t)
                                .iter()
                                .map(|v| g.word_exact(v))
                                .filter(|r| !r.is_empty()),
                        );
                    }
                }
            }
        }
        // The entities of the smallest set, kept where the next smallest
        // sets have them too (those not much larger: a word that every
        // entity has is checked on each entity instead).
        sets.sort_by_key(|r| size(r));
        let entities = |r: &Ranges| {
            let mut out: Vec<NodeIndex> = r
                .iter()
                .cloned()
                .flatten()
                .map(|i| g.word_entity(i))
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        let Some(first) = sets.first() else {
            return Vec::new();
        };
        let mut out = entities(first);
        for r in &sets[1..] {
            if out.is_empty() || size(r) > 16 * out.len().max(FEW) {
                break;
            }
            let other = entities(r);
            out.retain(|n| other.binary_search(n).is_ok());
        }
        out
    }

    /// The better score of an entity's name and label.
    fn entity_score(&self, node: NodeIndex, q: &[String], close: bool) -> Option<f64> {
        let e = self.graph.entity(node);
        // The words of a text one after another in one string, and where
        // each ends: no allocation a word.
        let mut joined = String::new();
        let mut ends: Vec<usize> = Vec::new();
        [Some(&*e.name), self.graph.label_of(e)]
            .into_iter()
            .flatten()
            .filter_map(|text| {
                joined.clear();
                ends.clear();
                each_word(text, |w, _| {
                    joined.push_str(w);
                    ends.push(joined.len());
                });
                let mut start = 0;
                let ws: Vec<&str> = ends
                    .iter()
                    .map(|&end| {
                        let w = &joined[start..end];
                        start = end;
                        w
                    })
                    .collect();
                score(q, &ws, false, close)
            })
            .reduce(f64::max)
    }

    /// The entities whose name or label matches `q`, best first, by
    /// score, then degree, then name; those of close spellings too when
    /// the others are at most `room`.
    pub(super) fn find_entities(&self, q: &[String], room: usize) -> Vec<(NodeIndex, f64)> {
        let mut hits: Vec<(NodeIndex, f64)> = Vec::new();
        for (i, n) in self.candidates(q, false).into_iter().enumerate() {
            // A million candidates take a second: Ctrl-C stops them.
            if i % 4096 == 4095 && crate::cancel::requested() {
                return hits;
            }
            if let Some(s) = self.entity_score(n, q, false) {
                hits.push((n, s));
            }
        }
        if hits.len() <= room {
            let found: HashSet<NodeIndex> = hits.iter().map(|h| h.0).collect();
            for (i, n) in self.candidates(q, true).into_iter().enumerate() {
                if i % 4096 == 4095 && crate::cancel::requested() {
                    return hits;
                }
                if !found.contains(&n)
                    && let Some(s) = self.entity_score(n, q, true)
                {
                    hits.push((n, s));
                }
            }
        }
        let degree = |n: NodeIndex| self.graph.degree(n, Outgoing) + self.graph.degree(n, Incoming);
        let mut keyed: Vec<(NodeIndex, f64, usize)> =
            hits.into_iter().map(|(n, s)| (n, s, degree(n))).collect();
        keyed.sort_unstable_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| b.2.cmp(&a.2))
                .then_with(|| {
                    self.graph
                        .entity(a.0)
                        .name
                        .cmp(&self.graph.entity(b.0).name)
                })
        });
        keyed.into_iter().map(|(n, s, _)| (n, s)).collect()
    }

    /// `find TEXT [in PLACE] [limit N]`.
    pub(super) fn find(&self, text: &Name, place: Place, limit: u32) -> PResult<Rows> {
        let q = query_words(self, text)?;
        let limit = limit as usize;
        let mut rows = match place {
            Place::Labels => {
                let hits = self.find_entities(&q, limit);
                let mut rows = Rows {
                    columns: ["entity", "kind", "label", "degree", "score"]
                        .map(String::from)
                        .to_vec(),
                    ..Rows::default()
                };
                rows.left_out = hits.len().saturating_sub(limit);
                for (n, s) in hits.into_iter().take(limit) {
                    let g = self.graph;
                    rows.rows.push(vec![
                        Value::Name(g.entity(n).name.as_str().into()),
                        Value::Name(g.kind_name(n).into()),
                        Value::Str(g.label(n).unwrap_or("").into()),
                        Value::Int((g.degree(n, Outgoing) + g.degree(n, Incoming)) as i64),
                        Value::Dec(s),
                    ]);
                    rows.nodes.insert(n);
                    rows.sources.push(Default::default());
                }
                rows
            }
            Place::Quotes | Place::Attributes => self.find_in_statements(&q, place, limit),
        };
        rows.truncated = rows.left_out > 0;
        rows.derived = vec![false; rows.rows.len()];
        Ok(rows)
    }

    /// The entity whose label is `name`'s text (normalised), or an error
    /// that lists the entities that share it, or says what is close.
    pub(super) fn labelled(&self, name: &Name) -> PResult<NodeIndex> {
        let q = query_words(self, name)?;
        let exact: Vec<NodeIndex> = self
            .candidates(&q, false)
            .into_iter()
            .filter(|&n| self.graph.label(n).is_some_and(|l| words(l) == q))
            .collect();
        let mut written = String::new();
        crate::value::write_quoted(&mut written, &name.text).expect("writing to a String");
        match exact[..] {
            [node] => Ok(node),
            [] => {
                let d = self
                    .error(name.span, format!("no entity is labelled {written}"))
                    .label("unknown label");
                let near = self.find_entities(&q, usize::MAX);
                Err(Box::new(match near.first() {
                    Some(&(n, _)) => d.help(format!("did you mean {}?", self.entity_with_label(n))),
                    None => d.help(
                        "`find TEXT` lists the entities whose names or labels have those words",
                    ),
                }))
            }
            _ => {
                let listed: Vec<String> = exact
                    .iter()
                    .take(10)
                    .map(|&n| self.name_and_kind(n))
                    .collect();
                let more = if exact.len() > 10 {
                    format!(" and {} more", exact.len() - 10)
                } else {
                    String::new()
                };
                Err(Box::new(
                    self.error(
                        name.span,
                        format!("{} entities are labelled {written}", exact.len()),
                    )
                    .label("more than one entity")
                    .help(format!(
                        "write the name of the one you mean: {}{more}",
                        listed.join(", ")
                    )),
                ))
            }
        }
    }

    /// `Name (kind)`, as suggestions name an entity.
    fn name_and_kind(&self, n: NodeIndex) -> String {
        let g = self.graph;
        format!(
            "{} ({})",
            super::eval::written(&g.entity(n).name),
            g.kind_name(n)
        )
    }

    /// `Name (kind) labelled "label"`, for suggestions.
    pub(super) fn entity_with_label(&self, n: NodeIndex) -> String {
        let g = self.graph;
        let mut s = self.name_and_kind(n);
        if let Some(l) = g.label(n) {
            s.push_str(" labelled ");
            crate::value::write_quoted(&mut s, l).expect("writing to a String");
        }
        s
    }

    /// What an unknown name may have meant, by the words of labels and
    /// names: the entities whose label has exactly its words (`help: X
    /// (kind) is labelled "..."`), or else the one whose name has them.
    pub(super) fn by_words(&self, text: &str) -> Option<String> {
        let q = words(text);
        if q.is_empty() {
            return None;
        }
        let hits: Vec<NodeIndex> = self
            .candidates(&q, false)
            .into_iter()
            .filter(|&n| self.entity_score(n, &q, false) == Some(4.0))
            .collect();
        let labelled: Vec<NodeIndex> = hits
            .iter()
            .copied()
            .filter(|&n| self.graph.label(n).is_some_and(|l| words(l) == q))
            .collect();
        let g = self.graph;
        let is_labelled = |n: NodeIndex| {
            let mut s = self.name_and_kind(n);
            s.push_str(" is labelled ");
            crate::value::write_quoted(&mut s, g.label(n).unwrap_or("")).expect("writing");
            s
        };
        // A name with the same words first: `South Korea` for `South_Korea`.
        let same_name = hits
            .iter()
            .find(|&&n| words(&g.entity(n).name) == q)
            .map(|&n| {
                format!(
                    "did you mean `{}`?",
                    super::eval::written(&g.entity(n).name)
                )
            });
        if same_name.is_some() {
            return same_name;
        }
        match labelled[..] {
            [] => None,
            [n] => Some(format!(
                "{}; write `@{}` to name it by its label",
                is_labelled(n),
                quoted(text)
            )),
            _ => Some(format!(
                "{}; write one of their names",
                labelled
                    .iter()
                    .take(5)
                    .map(|&n| is_labelled(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

fn quoted(text: &str) -> String {
    let mut s = String::new();
    crate::value::write_quoted(&mut s, text).expect("writing to a String");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn scores_rank_how_words_match() {
        let s = |query: &str, text: &str| {
            let w = words(text);
            let w: Vec<&str> = w.iter().map(String::as_str).collect();
            score(&q(query), &w, false, true)
        };
        assert_eq!(s("north korea", "North_Korea"), Some(4.0));
        assert_eq!(s("north kor", "North Korea"), Some(3.0));
        assert_eq!(s("north", "North Korea"), Some(2.5));
        assert_eq!(s("korea north", "North Korea"), Some(2.0));
        assert_eq!(s("nrth korea", "North Korea"), Some(1.0));
        assert_eq!(s("south", "North Korea"), None);
        assert_eq!(s("kor", "Korea"), Some(3.0));
    }

    #[test]
    fn one_edit_is_what_the_edit_distance_says() {
        for (a, b) in [
            ("korea", "kora"),
            ("kora", "korea"),
            ("korea", "koraa"),
            ("korea", "okrea"),
            ("korea", "koera"),
            ("türkiye", "turkiye"),
            ("türkiye", "trkiye"),
            ("korea", "korea"),
            ("korea", "kroae"),
            ("korea", "ko"),
            ("abcd", "badc"),
            ("abc", "abcde"),
        ] {
            let want = a != b && crate::suggest::distance(a, b) <= 1;
            assert_eq!(one_edit(a, b), want, "{a} {b}");
        }
        for v in variants("kora") {
            assert!(one_edit("kora", &v), "{v}");
        }
    }

    #[test]
    fn variants_are_one_edit_away() {
        let v = variants("kora");
        assert!(v.contains(&"korea".to_string()));
        assert!(v.contains(&"okra".to_string()));
        assert!(v.contains(&"kor".to_string()));
        assert!(!v.contains(&"kora".to_string()));
    }
}
