//! Words: the normalisation that `find` and `@"label"` compare by
//! (accents, case and punctuation dropped), and the index of the words of
//! every entity's name and label.
//!
//! The index keeps no words of its own. An entry is an entity and the
//! place of a word among its name's and label's words (5 bytes); entries
//! are sorted by the word they point at, so a word or a prefix is found by
//! binary search, normalising the words it passes on the way.

use super::*;

/// The most words of an entity (its name's, then its label's) the index
/// holds; later ones are found only when an earlier word finds the entity.
pub const MAX_INDEXED: usize = u8::MAX as usize + 1;

/// Calls `f` with each word of `text`, normalised: compatibility
/// decomposition (NFKD) with the combining marks dropped, lower case;
/// anything that is not a letter or a digit separates words. So `Türkiye`
/// is `turkiye`, `Choe_Myong-nam` is `choe`, `myong`, `nam`, and
/// `Côte d'Ivoire` is `cote`, `divoire` (an apostrophe joins). The
/// second argument is where the word is in `text` (bytes).
pub fn each_word(text: &str, mut f: impl FnMut(&str, std::ops::Range<usize>)) {
    let mut word = String::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        let before = word.len();
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            }
        } else {
            unicode_normalization::char::decompose_compatible(c, |d| {
                if unicode_normalization::char::is_combining_mark(d) {
                    return;
                }
                if d.is_alphanumeric() {
                    word.extend(d.to_lowercase());
                }
            });
        }
        // An apostrophe inside a word joins its two sides: `d'Ivoire` is
        // `divoire`, as people type it.
        if matches!(c, '\'' | '\u{2019}' | '\u{2bc}') && !word.is_empty() {
            continue;
        }
        let kept = word.len() > before;
        // A combining mark alone continues the word it follows.
        let mark = !c.is_ascii() && !kept && is_mark_only(c);
        if kept {
            if before == 0 {
                start = i;
            }
            end = i + c.len_utf8();
        } else if mark && !word.is_empty() {
            end = i + c.len_utf8();
        } else if !word.is_empty() {
            f(&word, start..end);
            word.clear();
        }
    }
    if !word.is_empty() {
        f(&word, start..end);
    }
}

/// Whether `c` decomposes to combining marks only (an accent written on
/// its own after its letter).
fn is_mark_only(c: char) -> bool {
    let mut only = true;
    unicode_normalization::char::decompose_compatible(c, |d| {
        only &= unicode_normalization::char::is_combining_mark(d)
    });
    only
}

/// The normalised words of `text`.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_word(text, |w, _| out.push(w.to_string()));
    out
}

/// The index of the words of names and labels: entries sorted by word,
/// then entity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordIndex {
    /// The entity of each entry.
    pub(crate) entities: Vec<u32>,
    /// The place of each entry's word among its entity's words.
    pub(crate) places: Vec<u8>,
    /// The first 8 bytes of every [`SAMPLE`]th entry's word, so that a
    /// search narrows to a few entries before it reads any word (built
    /// with the index, or when a snapshot's is checked; not stored).
    pub(crate) heads: Vec<u64>,
}

/// One entry in this many has its word's head in [`WordIndex::heads`].
const SAMPLE: usize = 32;

impl WordIndex {
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The bytes it holds.
    pub fn bytes(&self) -> usize {
        self.entities.len() * 5 + self.heads.len() * 8
    }

    /// The entries that may hold words whose heads are from `lo` to `hi`.
    fn block(&self, lo: u64, hi: u64) -> std::ops::Range<usize> {
        let n = self.entities.len();
        // Samples before the first with a head of `lo` or more hold
        // smaller words, and so does every entry before them.
        let first = self.heads.partition_point(|&h| h < lo);
        let last = self.heads.partition_point(|&h| h <= hi);
        let start = first.saturating_sub(1) * SAMPLE;
        let end = (last * SAMPLE).min(n);
        start.min(end)..end
    }
}

/// An entry while the index is built: its word's first 8 bytes (zeros
/// after a shorter word: no word holds a zero byte), whether the word is
/// longer, the entity and the place.
#[derive(Clone, Copy)]
struct Entry {
    head: u64,
    long: bool,
    entity: u32,
    place: u8,
}

fn head(word: &str) -> (u64, bool) {
    let mut bytes = [0u8; 8];
    let n = word.len().min(8);
    bytes[..n].copy_from_slice(&word.as_bytes()[..n]);
    (u64::from_be_bytes(bytes), word.len() > 8)
}

impl Graph {
    /// Calls `f` with each of `node`'s words (its name's, then its
    /// label's), in order, until it returns `false`.
    pub fn each_entity_word(&self, node: NodeIndex, mut f: impl FnMut(&str) -> bool) {
        let e = &self.graph[node];
        let mut go = true;
        for text in [Some(&*e.name), self.label_of(e)].into_iter().flatten() {
            if !go {
                return;
            }
            each_word(text, |w, _| {
                if go {
                    go = f(w);
                }
            });
        }
    }

    /// Word `place` of `node` (see [`Graph::each_entity_word`]), written
    /// into `out`; empty when it has fewer words.
    pub fn entity_word(&self, node: NodeIndex, place: u8, out: &mut String) {
        out.clear();
        let mut i = 0usize;
        self.each_entity_word(node, |w| {
            if i == place as usize {
                out.push_str(w);
                return false;
            }
            i += 1;
            true
        });
    }

    /// The entries for the entities `from..to`, sorted by head and
    /// entity: each distinct word of an entity once, at its first place.
    fn word_entries(&self, from: usize, to: usize) -> Vec<Entry> {
        let mut out = Vec::with_capacity((to - from) * 4);
        // The entity's words so far, one after another, and where each ends.
        let mut seen = String::new();
        let mut ends: Vec<usize> = Vec::new();
        for n in from..to {
            seen.clear();
            ends.clear();
            let mut place = 0usize;
            self.each_entity_word(NodeIndex::new(n), |w| {
                if place >= MAX_INDEXED {
                    return false;
                }
                let mut start = 0;
                let again = ends.iter().any(|&end| {
                    let same = &seen[start..end] == w;
                    start = end;
                    same
                });
                if !again {
                    seen.push_str(w);
                    ends.push(seen.len());
                    let (head, long) = head(w);
                    out.push(Entry {
                        head,
                        long,
                        entity: n as u32,
                        place: place as u8,
                    });
                }
                place += 1;
                true
            });
        }
        out.sort_unstable_by_key(|e| (e.head, e.entity));
        out
    }

    /// Builds the word index of names and labels.
    pub fn build_words(&self) -> WordIndex {
        let nodes = self.graph.node_count();
        let mut entries = if nodes > 100_000 {
            // Each half's entries made and sorted on a thread, then merged.
            let half = nodes / 2;
            let (a, b) = std::thread::scope(|scope| {
                let first = scope.spawn(|| self.word_entries(0, half));
                let second = self.word_entries(half, nodes);
                (first.join().expect("word thread"), second)
            });
            let mut merged = Vec::with_capacity(a.len() + b.len());
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                // The first half's entities come first on equal heads.
                if a[i].head <= b[j].head {
                    merged.push(a[i]);
                    i += 1;
                } else {
                    merged.push(b[j]);
                    j += 1;
                }
            }
            merged.extend_from_slice(&a[i..]);
            merged.extend_from_slice(&b[j..]);
            merged
        } else {
            self.word_entries(0, nodes)
        };
        // Words longer than their head sort by the whole word within a
        // run of one head.
        let mut i = 0;
        let mut a = String::new();
        while i < entries.len() {
            let mut j = i + 1;
            while j < entries.len() && entries[j].head == entries[i].head {
                j += 1;
            }
            if entries[i..j].iter().any(|e| e.long) {
                let run = &mut entries[i..j];
                let mut keyed: Vec<(String, Entry)> = run
                    .iter()
                    .map(|e| {
                        self.entity_word(NodeIndex::new(e.entity as usize), e.place, &mut a);
                        (a.clone(), *e)
                    })
                    .collect();
                keyed.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.entity.cmp(&y.1.entity)));
                for (slot, (_, e)) in run.iter_mut().zip(keyed) {
                    *slot = e;
                }
            }
            i = j;
        }
        WordIndex {
            entities: entries.iter().map(|e| e.entity).collect(),
            places: entries.iter().map(|e| e.place).collect(),
            heads: entries.iter().step_by(SAMPLE).map(|e| e.head).collect(),
        }
    }

    /// The word index of names and labels.
    pub fn word_index(&self) -> &WordIndex {
        &self.words
    }

    /// Word `i` of the index, into `out`.
    fn indexed_word(&self, i: usize, out: &mut String) {
        let w = &self.words;
        self.entity_word(NodeIndex::new(w.entities[i] as usize), w.places[i], out);
    }

    /// The entries whose word starts with `prefix` (all of them when it
    /// is empty).
    pub fn word_prefix(&self, prefix: &str) -> std::ops::Range<usize> {
        let (lo, long) = head(prefix);
        // Words that start with a prefix shorter than 8 bytes have heads
        // from its own to its own with the rest of the bytes all ones.
        let hi = if long || prefix.len() == 8 {
            lo
        } else {
            lo | (u64::MAX >> (8 * prefix.len()))
        };
        let block = self.words.block(lo, hi);
        let mut buf = String::new();
        let start = self.first_not_below(block.clone(), prefix, &mut buf);
        let end = start
            + partition(block.end - start, |i| {
                self.indexed_word(start + i, &mut buf);
                buf.starts_with(prefix)
            });
        start..end
    }

    /// The first entry of `block` whose word is not less than `word`.
    fn first_not_below(
        &self,
        block: std::ops::Range<usize>,
        word: &str,
        buf: &mut String,
    ) -> usize {
        block.start
            + partition(block.len(), |i| {
                self.indexed_word(block.start + i, buf);
                buf.as_str() < word
            })
    }

    /// The entries whose word is `word`.
    pub fn word_exact(&self, word: &str) -> std::ops::Range<usize> {
        let (h, _) = head(word);
        let block = self.words.block(h, h);
        let mut buf = String::new();
        let lo = self.first_not_below(block.clone(), word, &mut buf);
        // Most words looked up one edit from a word are no word at all.
        if lo == block.end || {
            self.indexed_word(lo, &mut buf);
            buf != word
        } {
            return lo..lo;
        }
        let hi = lo
            + partition(block.end - lo, |i| {
                self.indexed_word(lo + i, &mut buf);
                buf == word
            });
        lo..hi
    }

    /// The entity of entry `i`.
    pub fn word_entity(&self, i: usize) -> NodeIndex {
        NodeIndex::new(self.words.entities[i] as usize)
    }

    /// Checks a snapshot's word index: every entry in range, and the
    /// entries in order (so that no search can go wrong); gives the
    /// sampled heads its searches start from.
    pub(crate) fn check_words(&self, words: &WordIndex) -> Result<Vec<u64>, String> {
        let nodes = self.graph.node_count();
        if words.entities.len() != words.places.len()
            || words.entities.iter().any(|&e| e as usize >= nodes)
        {
            return Err("the word index does not fit the entities".into());
        }
        let (mut a, mut b) = (String::new(), String::new());
        let mut heads = Vec::with_capacity(words.len() / SAMPLE + 1);
        for i in 0..words.len() {
            let entity = words.entities[i];
            self.entity_word(NodeIndex::new(entity as usize), words.places[i], &mut b);
            let bad = b.is_empty()
                || (i > 0 && (a.as_str(), words.entities[i - 1]) >= (b.as_str(), entity));
            if bad {
                return Err("the word index is not in order".into());
            }
            if i % SAMPLE == 0 {
                heads.push(head(&b).0);
            }
            std::mem::swap(&mut a, &mut b);
        }
        Ok(heads)
    }
}

/// The first of `0..n` for which `pred` is false, `pred` being true on a
/// prefix of them (as `slice::partition_point`, over indices).
fn partition(n: usize, mut pred: impl FnMut(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_words() {
        assert_eq!(words("Türkiye"), ["turkiye"]);
        assert_eq!(words("Choe_Myong-nam"), ["choe", "myong", "nam"]);
        assert_eq!(words("  North  KOREA! "), ["north", "korea"]);
        assert_eq!(words("Côte d’Ivoire"), ["cote", "divoire"]);
        assert_eq!(words("Reuters' report"), ["reuters", "report"]);
        // A combining accent written apart stays in its word.
        assert_eq!(words("Cafe\u{301} noir"), ["cafe", "noir"]);
        assert_eq!(words("ﬁne Ⅻ"), ["fine", "xii"]);
        assert!(words("—, .").is_empty());
        let mut spans = Vec::new();
        each_word("a Türkiye-b", |w, r| spans.push((w.to_string(), r)));
        assert_eq!(spans[1], ("turkiye".to_string(), 2..10));
        assert_eq!(spans[2], ("b".to_string(), 11..12));
    }
}
