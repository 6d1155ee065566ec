//! Where each verified quote is in its source's document: the anchors
//! (W3C Web Annotation's text position and text quote selectors, and the
//! line and column), kept by source, quote and occurrence.

use super::*;
use serde::Serialize;

/// How a quote was found: the rung of normalisation it needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Match {
    Exact,
    Whitespace,
    Typography,
}

impl Match {
    pub fn name(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::Whitespace => "whitespace",
            Match::Typography => "typography",
        }
    }

    pub fn from_name(name: &str) -> Option<Match> {
        [Match::Exact, Match::Whitespace, Match::Typography]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

/// A quote's place in its document. `start` and `end` count code points
/// from the document's start (end exclusive); `line` and `column` are
/// 1-based, the column in code points; `exact` is the document's own text
/// there, `prefix` and `suffix` up to 32 code points around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Anchor {
    /// The document as shown: its path from where Dossier runs.
    pub file: String,
    pub start: u64,
    pub end: u64,
    pub line: u32,
    pub column: u32,
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub rung: Match,
}

/// What an anchor is kept by: the source's name, the quote, and the
/// `occurrence` asked for (0 when none was: the first).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnchorKey {
    pub source: String,
    pub quote: String,
    pub occurrence: u32,
}

/// The anchors of a graph, by what they are kept by; written out in the
/// keys' order ([`Graph::sorted_anchors`]).
pub type Anchors = std::collections::HashMap<AnchorKey, Anchor, foldhash::fast::FixedState>;

/// A statement's provenance read from its attributes: the source it cites,
/// its quote and the occurrence asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited<'a> {
    pub source: Option<&'a str>,
    pub quote: Option<&'a str>,
    pub occurrence: u32,
}

/// The attribute keys that are a statement's evidence, not its values.
pub const PROVENANCE_KEYS: [&str; 3] = ["quote", "source", "occurrence"];

impl Graph {
    /// What the attribute set `attrs` cites.
    pub fn cited(&self, attrs: AttrsId) -> Cited<'_> {
        let mut cited = Cited {
            source: None,
            quote: None,
            occurrence: 0,
        };
        for (k, v) in self.attrs(attrs) {
            match (self.keys.name(*k), v) {
                ("source", Value::Name(n)) => cited.source = Some(n),
                ("quote", Value::Str(q)) => cited.quote = Some(q),
                ("occurrence", Value::Int(n)) => {
                    cited.occurrence = u32::try_from(*n).unwrap_or(0);
                }
                _ => {}
            }
        }
        cited
    }

    /// The attribute sets of every declaration, statement and fact.
    pub fn item_attrs(&self) -> impl Iterator<Item = AttrsId> + '_ {
        self.entities()
            .map(|(_, e)| e.attrs)
            .chain(self.petgraph().edge_weights().map(|e| e.attrs))
            .chain(self.facts().iter().map(|f| f.attrs))
    }

    /// The anchors in their keys' order.
    pub fn sorted_anchors(&self) -> Vec<(&AnchorKey, &Anchor)> {
        let mut list: Vec<_> = self.anchors.iter().collect();
        list.sort_unstable_by(|a, b| a.0.cmp(b.0));
        list
    }

    /// The anchor of the quote of `attrs`, if it was verified.
    pub fn anchor(&self, attrs: AttrsId) -> Option<&Anchor> {
        if self.anchors.is_empty() {
            return None;
        }
        let cited = self.cited(attrs);
        self.anchors.get(&AnchorKey {
            source: crate::name::nfc(cited.source?.into()).into_owned(),
            quote: cited.quote?.to_string(),
            occurrence: cited.occurrence,
        })
    }
}
