//! The knowledge graph: petgraph storage, a name index, interned relation
//! names, kinds and attribute sets, facts, and provenance. This file holds
//! the graph's types and its API; `attrs.rs` the attribute sets and
//! interners, `names.rs` the name table, `index.rs` the adjacency rows and
//! ranks built after a load, `subgraph.rs` the part of a graph an answer
//! touches.

mod anchors;
mod attrs;
mod checks;
mod index;
mod names;
mod relation_rows;
mod subgraph;
mod words;

pub use words::{WordIndex, each_word, words};

pub use anchors::{Anchor, AnchorKey, Anchors, Cited, Match, PROVENANCE_KEYS};
pub(crate) use attrs::AttrSets;
pub use attrs::Interner;
pub(crate) use index::Index;
pub use index::{EdgeRef, RowsRef};
pub(crate) use names::*;
pub use relation_rows::EdgeSlice;

pub use crate::name::Name;
use crate::value::Value;
use foldhash::fast::FixedState;
use hashbrown::HashTable;
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef as _;
use std::hash::{BuildHasher, Hash};

/// Where something was written: a file of [`Graph::files`] and a 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
}

/// An interned symbol: a relation name, a kind or an attribute key.
pub type Sym = u32;
/// An interned attribute set; [`NO_ATTRS`] is the empty one.
pub type AttrsId = u32;
pub const NO_ATTRS: AttrsId = 0;

/// The built-in kinds, interned first so their ids are fixed.
pub const KIND_ENTITY: Sym = 0;
pub const BUILTIN_KINDS: [&str; 5] = ["entity", "state", "body", "person", "source"];

/// A node: a named entity. 48 bytes, 56 as a petgraph node: the name is
/// inline when short ([`Name`]), and the label, which few entities have,
/// is kept apart ([`Graph::label`]).
#[derive(Debug, Clone)]
pub struct Entity {
    pub name: Name,
    pub kind: Sym,
    /// Its label's place in the graph's labels; see [`Graph::label`].
    pub label: Option<LabelId>,
    pub attrs: AttrsId,
    /// Where it was declared; for an undeclared entity, where it was first used.
    pub origin: Origin,
    pub declared: bool,
}

const _: () = assert!(std::mem::size_of::<Entity>() == 48);

/// An entity's label, by its place in [`Graph`]'s labels.
pub type LabelId = std::num::NonZeroU32;

/// A directed edge: `subject relation object {attrs}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Edge {
    pub relation: Sym,
    pub attrs: AttrsId,
    pub origin: Origin,
}

/// A unary fact: `subject predicate {attrs}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    pub subject: NodeIndex,
    pub predicate: Sym,
    pub attrs: AttrsId,
    pub origin: Origin,
}

/// What a relation declaration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationInfo {
    /// The kinds a subject may have; `None` for any.
    pub subject: Option<Vec<Sym>>,
    pub object: Option<Vec<Sym>>,
    /// `<->`: `a r b` is also `b r a`.
    pub symmetric: bool,
    /// `a r b` and `b r c` give `a r c`.
    pub transitive: bool,
    /// `relation has_member inverse member_of`: `a has_member b` is `b member_of a`.
    pub inverse_of: Option<Sym>,
    /// `functional`: a subject has at most one object at any time.
    pub functional: bool,
    /// `relation voted_for excludes voted_against`: the same subject and
    /// object cannot have both at once.
    pub excludes: Option<Sym>,
    pub origin: Origin,
}

/// The knowledge graph.
///
/// petgraph's `DiGraph` with `u32` indices: an edge costs 32 bytes (its
/// weight, two next-edge links and two endpoints). Nothing is ever removed
/// from a graph (`.reload` builds a new one), so `StableGraph`'s tombstones,
/// 4 more bytes an edge, would buy nothing. `GraphMap` would forbid parallel
/// edges, which the language allows (the same statement with other
/// attributes is another edge).
///
/// The name and duplicate indexes are `HashTable`s of node or edge indices
/// whose keys live in the graph itself, so no name is stored twice.
#[derive(Clone)]
pub struct Graph {
    graph: DiGraph<Entity, Edge, u32>,
    by_name: NameTable,
    facts: Vec<Fact>,
    fact_set: HashTable<u32>,
    attr_sets: AttrSets,
    attr_set_index: HashTable<AttrsId>,
    /// How many of `attr_sets` are in `attr_set_index`: a snapshot's sets
    /// are added unindexed ([`Graph::push_attr_set`]) and indexed when a
    /// set is next interned, if ever (hashing half a million sets was a
    /// fifth of loading a large snapshot).
    attr_sets_indexed: usize,
    /// Entities' labels, by [`LabelId`] less one; a short one inline, as
    /// names are.
    labels: Vec<Name>,
    /// Read-only indexes for queries, rebuilt by `finish` after each load.
    index: Index,
    /// The words of names and labels, for `find`; rebuilt with `index`.
    words: WordIndex,
    pub relations: Interner,
    pub kinds: Interner,
    pub keys: Interner,
    /// The files loaded, as given (paths relative to where dossier runs).
    pub files: Vec<String>,
    /// Relation declarations, by relation.
    pub declarations: std::collections::BTreeMap<Sym, RelationInfo>,
    /// Where each verified quote is in its source's document.
    pub anchors: Anchors,
    hasher: FixedState,
}

impl Default for Graph {
    fn default() -> Graph {
        Graph::new()
    }
}

impl Graph {
    pub fn new() -> Graph {
        let mut kinds = Interner::default();
        for k in BUILTIN_KINDS {
            kinds.intern(k);
        }
        Graph {
            graph: DiGraph::default(),
            by_name: NameTable::default(),
            facts: Vec::new(),
            fact_set: HashTable::new(),
            attr_sets: AttrSets::new(),
            attr_set_index: HashTable::new(),
            attr_sets_indexed: 1,
            labels: Vec::new(),
            index: Index::default(),
            words: WordIndex::default(),
            relations: Interner::default(),
            kinds,
            keys: Interner::default(),
            files: Vec::new(),
            declarations: std::collections::BTreeMap::new(),
            anchors: Anchors::default(),
            hasher: FixedState::with_seed(0x05ee_dd05_51e2),
        }
    }

    pub fn entity_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn relation_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub fn fact_count(&self) -> usize {
        self.facts.len()
    }

    /// The underlying petgraph graph, read-only.
    pub fn petgraph(&self) -> &DiGraph<Entity, Edge, u32> {
        &self.graph
    }

    pub fn entity(&self, node: NodeIndex) -> &Entity {
        &self.graph[node]
    }

    pub fn entity_mut(&mut self, node: NodeIndex) -> &mut Entity {
        &mut self.graph[node]
    }

    pub fn entities(&self) -> impl Iterator<Item = (NodeIndex, &Entity)> {
        self.graph.node_indices().map(|n| (n, &self.graph[n]))
    }

    /// `node`'s label, if it has one.
    pub fn label(&self, node: NodeIndex) -> Option<&str> {
        self.label_of(&self.graph[node])
    }

    /// An entity's label, if it has one.
    pub fn label_of(&self, entity: &Entity) -> Option<&str> {
        let id = entity.label?;
        Some(self.labels[id.get() as usize - 1].as_str())
    }

    /// Gives `node` the label `text`, in place of any it had.
    pub fn set_label(&mut self, node: NodeIndex, text: &str) {
        let id = self.add_label(text);
        self.graph[node].label = Some(id);
    }

    /// Keeps `text` as a label, for an entity not yet added.
    pub fn add_label(&mut self, text: &str) -> LabelId {
        self.labels.push(text.into());
        LabelId::new(self.labels.len() as u32).expect("fewer than 2^32 labels")
    }

    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    /// How many attribute sets are interned (ids `0..count`).
    pub fn attr_set_count(&self) -> usize {
        self.attr_sets.len()
    }

    pub fn attrs(&self, id: AttrsId) -> &[(Sym, Value)] {
        self.attr_sets.get(id)
    }

    pub fn kind_name(&self, node: NodeIndex) -> &str {
        self.kinds.name(self.graph[node].kind)
    }

    /// The entity named `name`, if any.
    pub fn find(&self, name: &str) -> Option<NodeIndex> {
        let hash = self.hasher.hash_one(name);
        let (len, head) = NameSlot::key(name);
        self.by_name.find(hash, |slot| {
            slot.matches(len, &head) && (len <= 16 || &*self.graph[slot.node].name == name)
        })
    }

    /// A hint that `name` will be looked up soon: its slot of the name
    /// index is fetched into the cache meanwhile.
    pub fn prefetch_name(&self, name: &str) {
        self.by_name.prefetch(self.hasher.hash_one(name));
    }

    /// Fills an empty graph with entities whose names should all differ (a
    /// snapshot's), building their name index on another thread while
    /// `then` runs with the graph (adding edges, say). `names` are the
    /// entities' names, borrowed from where they were read, so that the
    /// thread needs no copy of them. Returns `then`'s result, or `Err`
    /// naming a name given twice.
    pub fn add_new_entities<T>(
        &mut self,
        entities: Vec<Entity>,
        names: &[&str],
        then: impl FnOnce(&mut Graph) -> T,
    ) -> Result<T, String> {
        assert_eq!(
            self.graph.node_count(),
            0,
            "add_new_entities fills an empty graph"
        );
        assert_eq!(names.len(), entities.len(), "a name for each entity");
        self.graph.reserve_exact_nodes(entities.len());
        for e in entities {
            self.graph.add_node(e);
        }
        let hasher = self.hasher.clone();
        let (result, index) = std::thread::scope(|scope| {
            let index = scope.spawn(|| {
                let hash_of = |slot: &NameSlot| hasher.hash_one(names[slot.node.index()]);
                let mut table = NameTable::with_capacity(names.len());
                for (i, name) in names.iter().enumerate() {
                    let hash = hasher.hash_one(*name);
                    let (len, head) = NameSlot::key(name);
                    let same = |slot: &NameSlot| {
                        slot.matches(len, &head) && (len <= 16 || names[slot.node.index()] == *name)
                    };
                    match table.find_or_vacant(hash, same, hash_of) {
                        Ok(_) => return Err(format!("the name `{name}` is given twice")),
                        Err(free) => {
                            let node = NodeIndex::new(i);
                            table.fill(free, NameSlot { node, len, head });
                        }
                    }
                }
                Ok(table)
            });
            let result = then(self);
            (result, index.join().expect("the name index thread"))
        });
        self.by_name = index?;
        Ok(result)
    }

    /// The entity named `name`, created as an undeclared `entity` when new.
    /// Returns whether it was created.
    pub fn find_or_add(&mut self, name: &str, origin: Origin) -> (NodeIndex, bool) {
        let hash = self.hasher.hash_one(name);
        let (len, head) = NameSlot::key(name);
        let graph = &self.graph;
        let hasher = &self.hasher;
        let found = self.by_name.find_or_vacant(
            hash,
            |slot| slot.matches(len, &head) && (len <= 16 || &*graph[slot.node].name == name),
            |slot| slot_hash(hasher, graph, slot),
        );
        match found {
            Ok(node) => (node, false),
            Err(free) => {
                self.room_for_a_node();
                let node = self.graph.add_node(Entity {
                    name: name.into(),
                    kind: KIND_ENTITY,
                    label: None,
                    attrs: NO_ATTRS,
                    origin,
                    declared: false,
                });
                self.by_name.fill(free, NameSlot { node, len, head });
                (node, true)
            }
        }
    }

    /// Interns an attribute set (sorted by key), so that equal sets share an
    /// id and statements can be compared by id.
    pub fn intern_attrs(&mut self, mut set: Vec<(Sym, Value)>) -> AttrsId {
        if set.is_empty() {
            return NO_ATTRS;
        }
        set.sort_by_key(|(k, _)| *k);
        self.index_attr_sets();
        let hash = self.hasher.hash_one(&set);
        let sets = &mut self.attr_sets;
        let entry = self.attr_set_index.entry(
            hash,
            |&id| sets.get(id) == set,
            |&id| self.hasher.hash_one(sets.get(id)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => *e.get(),
            hashbrown::hash_table::Entry::Vacant(e) => {
                let id = sets.push(set);
                e.insert(id);
                self.attr_sets_indexed += 1;
                id
            }
        }
    }

    /// Adds an attribute set known to differ from all the others (a
    /// snapshot's, in order) without indexing it yet; returns its id.
    pub fn push_attr_set(&mut self, mut set: Vec<(Sym, Value)>) -> AttrsId {
        set.sort_by_key(|(k, _)| *k);
        self.attr_sets.push(set)
    }

    /// Indexes the sets [`push_attr_set`](Self::push_attr_set) added.
    fn index_attr_sets(&mut self) {
        let (sets, hasher) = (&self.attr_sets, &self.hasher);
        let Some(new) = sets.len().checked_sub(self.attr_sets_indexed) else {
            return;
        };
        let hash_of = |&id: &AttrsId| hasher.hash_one(sets.get(id));
        self.attr_set_index.reserve(new, hash_of);
        for id in self.attr_sets_indexed as AttrsId..sets.len() as AttrsId {
            let hash = hasher.hash_one(sets.get(id));
            let same = |&other: &AttrsId| sets.get(other) == sets.get(id);
            // Of equal sets (a forged snapshot's), the first keeps the id.
            if self.attr_set_index.find(hash, same).is_none() {
                self.attr_set_index.insert_unique(hash, id, hash_of);
            }
        }
        self.attr_sets_indexed = sets.len();
    }

    /// Adds edges in the order given, leaving out every one whose statement
    /// (subject, relation, object and attributes) is already in the graph or
    /// earlier in the list. Returns how many were added.
    ///
    /// Duplicates are found without a hash set kept beside the graph (every
    /// look-up in a set of a million edges is a cache miss, and the set
    /// would stay resident): a counting sort groups the edges by subject,
    /// walking memory in order, and each group, a handful of edges but for
    /// hubs, is sorted on its own.
    pub fn add_edges(&mut self, edges: &[(NodeIndex, NodeIndex, Edge)]) -> usize {
        // Room for the edges first, so that the scratch space below is
        // freed from the top of the heap rather than left as a hole under
        // the edges (the room a duplicate would take is never touched, so
        // never resident).
        self.reserve_edges(edges.len());
        let nodes = self.graph.node_count();
        let mut starts = vec![0u32; nodes + 1];
        for (from, _, _) in edges {
            starts[from.index() + 1] += 1;
        }
        for i in 0..nodes {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; edges.len()];
        for (i, (from, _, _)) in edges.iter().enumerate() {
            order[next[from.index()] as usize] = i as u32;
            next[from.index()] += 1;
        }
        drop(next);
        // The key of an edge within its subject's group, and its position
        // in the low bits so that the first of equal statements sorts first.
        let key = |to: NodeIndex, e: &Edge| {
            (e.relation as u128) << 96 | (to.index() as u128) << 64 | (e.attrs as u128) << 32
        };
        // The edges to leave out among the groups of subjects `from`.
        let graph = &self.graph;
        let duplicates = |from: std::ops::Range<usize>| {
            let mut out = Vec::new();
            let mut group: Vec<u128> = Vec::new();
            let mut existing: Vec<u128> = Vec::new();
            for from in from {
                let members = &order[starts[from] as usize..starts[from + 1] as usize];
                if members.is_empty() {
                    continue;
                }
                existing.clear();
                existing.extend(
                    graph
                        .edges(NodeIndex::new(from))
                        .map(|e| key(e.target(), e.weight())),
                );
                existing.sort_unstable();
                group.clear();
                group.extend(
                    members
                        .iter()
                        .map(|&i| key(edges[i as usize].1, &edges[i as usize].2) | i as u128),
                );
                group.sort_unstable();
                let mut previous = None;
                for &k in &group {
                    let statement = k >> 32;
                    let known = previous == Some(statement)
                        || existing.binary_search(&(statement << 32)).is_ok();
                    if known {
                        out.push((k & 0xffff_ffff) as u32);
                    }
                    previous = Some(statement);
                }
            }
            out
        };
        // Two threads for a large load, each taking the subjects of half
        // the edges.
        let found = if edges.len() > 100_000 {
            let half = starts.partition_point(|&s| (s as usize) < edges.len() / 2);
            let mid = half.min(nodes);
            std::thread::scope(|scope| {
                let first = scope.spawn(|| duplicates(0..mid));
                let mut found = duplicates(mid..nodes);
                found.extend(first.join().expect("the duplicate thread"));
                found
            })
        } else {
            duplicates(0..nodes)
        };
        let mut keep = vec![true; edges.len()];
        for i in found {
            keep[i as usize] = false;
        }
        drop(order);
        self.graph
            .reserve_exact_edges(keep.iter().filter(|k| **k).count());
        let mut added = 0;
        for (i, ((from, to, edge), keep)) in edges.iter().zip(keep).enumerate() {
            if let Some(&(a, b, _)) = edges.get(i + EDGES_AHEAD) {
                self.prefetch_nodes(a, b);
            }
            if keep {
                self.graph.add_edge(*from, *to, *edge);
                added += 1;
            }
        }
        added
    }

    /// Room for one more entity: when the node array is full it doubles
    /// here, in huge pages (see [`advise_huge_pages`]), rather than in
    /// petgraph's `add_node`: a large load's edges are linked into both
    /// ends' lists, at random places in the array.
    fn room_for_a_node(&mut self) {
        let (nodes, capacity) = (self.graph.node_count(), self.graph.capacity().0);
        if nodes < capacity {
            return;
        }
        self.graph.reserve_exact_nodes(nodes.max(1024));
        let all = self.graph.raw_nodes();
        advise_huge_pages(all.as_ptr(), self.graph.capacity().0);
    }

    /// Room for `count` more edges, in huge pages (see [`advise_huge_pages`]).
    fn reserve_edges(&mut self, count: usize) {
        self.graph.reserve_exact_edges(count);
        let edges = self.graph.raw_edges();
        advise_huge_pages(edges.as_ptr(), edges.len() + count);
    }

    /// A hint that edges will soon be added between `a` and `b`: adding an
    /// edge links it into both ends' edge lists, two cache misses in a
    /// large graph, which a prefetch some edges ahead overlaps.
    fn prefetch_nodes(&self, a: NodeIndex, b: NodeIndex) {
        for n in [a, b] {
            if let Some(node) = self.graph.raw_nodes().get(n.index()) {
                prefetch(node);
            }
        }
    }

    /// Adds edges known to hold no statement twice, and none the graph has
    /// (those of a snapshot), as the iterator gives them; `count` of them.
    pub fn add_unique_edges<E>(
        &mut self,
        count: usize,
        edges: impl Iterator<Item = Result<(NodeIndex, NodeIndex, Edge), E>>,
    ) -> Result<(), E> {
        self.reserve_edges(count);
        // Read a chunk ahead, so that the ends of later edges can be
        // prefetched (see `prefetch_nodes`).
        let mut edges = edges.peekable();
        let mut chunk = Vec::with_capacity(1024);
        while edges.peek().is_some() {
            chunk.clear();
            for edge in edges.by_ref().take(1024) {
                chunk.push(edge?);
            }
            for (i, &(a, b, e)) in chunk.iter().enumerate() {
                if let Some(&(c, d, _)) = chunk.get(i + EDGES_AHEAD) {
                    self.prefetch_nodes(c, d);
                }
                self.graph.add_edge(a, b, e);
            }
        }
        Ok(())
    }

    /// Room for `nodes` more entities, in the graph and the name index.
    pub fn reserve_entities(&mut self, nodes: usize) {
        self.graph.reserve_exact_nodes(nodes);
        let graph = &self.graph;
        let hasher = &self.hasher;
        self.by_name.grow_to(self.by_name.len + nodes, |slot| {
            slot_hash(hasher, graph, slot)
        });
    }

    /// Adds a fact unless the same one is there already.
    pub fn add_fact(&mut self, fact: Fact) -> bool {
        let key = (fact.subject, fact.predicate, fact.attrs);
        let hash = self.hasher.hash_one(key);
        let facts = &mut self.facts;
        let key_of = |f: &Fact| (f.subject, f.predicate, f.attrs);
        let entry = self.fact_set.entry(
            hash,
            |&i| key_of(&facts[i as usize]) == key,
            |&i| self.hasher.hash_one(key_of(&facts[i as usize])),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert(facts.len() as u32);
                facts.push(fact);
                true
            }
        }
    }
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Graph {{ {} entities, {} relations, {} facts }}",
            self.entity_count(),
            self.relation_count(),
            self.fact_count()
        )
    }
}
