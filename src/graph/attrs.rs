//! Attribute sets, all in one array, and the interners of relation names,
//! kinds and keys.

use super::*;

/// Attribute sets by id, all in one array: a set is a run of it. (A box
/// a set cost 16 bytes in the list and the allocator's overhead on each,
/// for half a million sets in a graph of 5,000,000 statements.)
#[derive(Debug, Clone)]
pub(crate) struct AttrSets {
    values: Vec<(Sym, Value)>,
    /// Where each set starts in `values`, and where the last one ends.
    starts: Vec<u32>,
}

impl AttrSets {
    /// The empty set alone, as [`NO_ATTRS`].
    pub(crate) fn new() -> AttrSets {
        AttrSets {
            values: Vec::new(),
            starts: vec![0, 0],
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub(crate) fn get(&self, id: AttrsId) -> &[(Sym, Value)] {
        let id = id as usize;
        &self.values[self.starts[id] as usize..self.starts[id + 1] as usize]
    }

    /// Adds a set; returns its id.
    pub(crate) fn push(&mut self, set: Vec<(Sym, Value)>) -> AttrsId {
        self.values.extend(set);
        let end = u32::try_from(self.values.len()).expect("fewer than 2^32 attribute values");
        self.starts.push(end);
        (self.len() - 1) as AttrsId
    }
}

/// Strings interned to small ids, in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    names: Vec<Box<str>>,
    index: hashbrown::HashMap<Box<str>, Sym, FixedState>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = self.names.len() as Sym;
        self.names.push(s.into());
        self.index.insert(s.into(), id);
        id
    }

    pub fn get(&self, s: &str) -> Option<Sym> {
        self.index.get(s).copied()
    }

    pub fn name(&self, id: Sym) -> &str {
        &self.names[id as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Sym, &str)> {
        self.names.iter().enumerate().map(|(i, n)| (i as Sym, &**n))
    }
}
