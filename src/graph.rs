//! The knowledge graph: petgraph storage, a name index, interned relation
//! names, kinds and attribute sets, facts, and provenance.

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
pub const BUILTIN_KINDS: [&str; 4] = ["entity", "state", "body", "person"];

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
    pub origin: Origin,
}

/// Attribute sets by id, all in one array: a set is a run of it. (A box
/// a set cost 16 bytes in the list and the allocator's overhead on each,
/// for half a million sets in a graph of 5,000,000 statements.)
#[derive(Debug, Clone)]
struct AttrSets {
    values: Vec<(Sym, Value)>,
    /// Where each set starts in `values`, and where the last one ends.
    starts: Vec<u32>,
}

impl AttrSets {
    /// The empty set alone, as [`NO_ATTRS`].
    fn new() -> AttrSets {
        AttrSets {
            values: Vec::new(),
            starts: vec![0, 0],
        }
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn get(&self, id: AttrsId) -> &[(Sym, Value)] {
        let id = id as usize;
        &self.values[self.starts[id] as usize..self.starts[id + 1] as usize]
    }

    /// Adds a set; returns its id.
    fn push(&mut self, set: Vec<(Sym, Value)>) -> AttrsId {
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

/// Asks the kernel to back the whole 2 MiB pages within `len` bytes from
/// `ptr` (memory not yet written, ideally) with huge pages. The arrays that
/// searches read at random (petgraph's edges, the adjacency rows) are
/// hundreds of megabytes in a large graph: with 4 KiB pages every such read
/// also misses the address-translation cache, and a hub's neighbours took
/// a third longer. Advice only: contents and safety are unchanged, and
/// where huge pages are off it does nothing.
pub(crate) fn advise_huge_pages<T>(ptr: *const T, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = len.saturating_mul(size_of::<T>());
        let from = (ptr as usize).next_multiple_of(HUGE);
        let to = (ptr as usize).saturating_add(bytes) & !(HUGE - 1);
        if to > from {
            // SAFETY: the range is whole pages inside the caller's
            // allocation, and MADV_HUGEPAGE changes no contents.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, len);
}

/// A hint that `item` will be read soon: both its first and its last byte
/// are fetched into the cache, since it may straddle two cache lines.
fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        let p = (item as *const T).cast::<i8>();
        // SAFETY: a prefetch is a hint; it reads nothing, and both
        // addresses are inside `item`.
        unsafe {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            _mm_prefetch(p, _MM_HINT_T0);
            _mm_prefetch(
                p.wrapping_add(size_of::<T>().saturating_sub(1)),
                _MM_HINT_T0,
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// The hash of the name in `slot`: from the slot itself when the whole
/// name fits, else from its entity.
fn slot_hash(hasher: &FixedState, graph: &DiGraph<Entity, Edge, u32>, slot: &NameSlot) -> u64 {
    match slot.short() {
        Some(short) => hasher.hash_one(short),
        None => hasher.hash_one(&*graph[slot.node].name),
    }
}

/// A vector of `n` zeros in memory advised to use huge pages.
fn huge_zeroed(n: usize) -> Vec<u32> {
    let mut v: Vec<u32> = Vec::with_capacity(n);
    advise_huge_pages(v.as_ptr(), n);
    v.resize(n, 0);
    v
}

/// How many edges ahead [`Graph::prefetch_nodes`] is asked for.
const EDGES_AHEAD: usize = 16;

/// An entry of the name index. The first 16 bytes of the name are kept in
/// the entry itself, so a look-up of a short name never leaves the table
/// (a trip to the node and then to the name's heap string cost two cache
/// misses a look-up, a quarter of the load time).
#[derive(Debug, Clone, Copy)]
struct NameSlot {
    node: NodeIndex,
    len: u32,
    head: [u8; 16],
}

impl NameSlot {
    fn empty() -> NameSlot {
        NameSlot {
            node: NodeIndex::end(),
            len: 0,
            head: [0; 16],
        }
    }

    fn key(name: &str) -> (u32, [u8; 16]) {
        let mut head = [0; 16];
        let n = name.len().min(16);
        head[..n].copy_from_slice(&name.as_bytes()[..n]);
        (name.len() as u32, head)
    }

    fn matches(&self, len: u32, head: &[u8; 16]) -> bool {
        self.len == len && self.head == *head
    }

    fn is_empty(&self) -> bool {
        self.node == NodeIndex::end()
    }

    /// The name, when it fits in the slot.
    fn short(&self) -> Option<&str> {
        let head = self.head.get(..self.len as usize)?;
        std::str::from_utf8(head).ok()
    }
}

/// The name index: open addressing with linear probing over one array of
/// [`NameSlot`]s, so a look-up is one cache miss (a `hashbrown` table keeps
/// its control bytes apart from its entries: two), and the loader can
/// prefetch the slot of a name a few lines ahead ([`NameTable::prefetch`]),
/// overlapping the misses that were a fifth of a large load. At most four
/// fifths full; never shrinks (nothing is ever removed).
#[derive(Debug, Clone, Default)]
struct NameTable {
    slots: Vec<NameSlot>,
    len: usize,
}

impl NameTable {
    fn with_capacity(n: usize) -> NameTable {
        let mut table = NameTable::default();
        table.grow_to(n, |_| unreachable!("an empty table has nothing to rehash"));
        table
    }

    /// Where a name of this hash is first looked for: the hash scaled to
    /// the table's length (which is not a power of two, so that the table
    /// grows by half instead of doubling: about a seventh less memory on
    /// average, and the table is at least half full).
    fn home(&self, hash: u64) -> usize {
        ((hash as u128 * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot after `i`, round to the first.
    fn next(&self, i: usize) -> usize {
        if i + 1 == self.slots.len() { 0 } else { i + 1 }
    }

    /// The entity whose slot `same` accepts, probing from `hash`.
    fn find(&self, hash: u64, same: impl Fn(&NameSlot) -> bool) -> Option<NodeIndex> {
        if self.slots.is_empty() {
            return None;
        }
        let mut i = self.home(hash);
        loop {
            let slot = &self.slots[i];
            if slot.is_empty() {
                return None;
            }
            if same(slot) {
                return Some(slot.node);
            }
            i = self.next(i);
        }
    }

    /// Like [`find`](Self::find), or else `Err` with the free slot where
    /// the name belongs, to [`fill`](Self::fill) next. `rehash` gives a
    /// slot's hash when the table grows to make room.
    fn find_or_vacant(
        &mut self,
        hash: u64,
        same: impl Fn(&NameSlot) -> bool,
        rehash: impl Fn(&NameSlot) -> u64,
    ) -> Result<NodeIndex, usize> {
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.grow_to(self.len + 1, rehash);
        }
        let mut i = self.home(hash);
        loop {
            let slot = &self.slots[i];
            if slot.is_empty() {
                return Err(i);
            }
            if same(slot) {
                return Ok(slot.node);
            }
            i = self.next(i);
        }
    }

    /// Fills the free slot `i` that [`find_or_vacant`](Self::find_or_vacant) gave.
    fn fill(&mut self, i: usize, slot: NameSlot) {
        debug_assert!(self.slots[i].is_empty());
        self.slots[i] = slot;
        self.len += 1;
    }

    /// Room for `n` names in all, without growing again.
    fn grow_to(&mut self, n: usize, rehash: impl Fn(&NameSlot) -> u64) {
        let want = n.saturating_mul(5) / 4 + 1;
        if want <= self.slots.len() {
            return;
        }
        let want = want.max(self.slots.len() * 3 / 2).max(16);
        // A look-up is at random in the table: huge pages spare each one a
        // miss in the address-translation cache too.
        let mut slots = Vec::with_capacity(want);
        advise_huge_pages(slots.as_ptr(), want);
        slots.resize(want, NameSlot::empty());
        let old = std::mem::replace(&mut self.slots, slots);
        for slot in old.into_iter().filter(|s| !s.is_empty()) {
            let mut i = self.home(rehash(&slot));
            while !self.slots[i].is_empty() {
                i = self.next(i);
            }
            self.slots[i] = slot;
        }
    }

    /// A hint that `hash` will be looked up soon.
    fn prefetch(&self, hash: u64) {
        if let Some(slot) = self.slots.get(self.home(hash)) {
            prefetch(slot);
        }
    }
}

/// Counts and look-up tables that queries use to plan and to find facts,
/// built once a load is done.
#[derive(Debug, Clone, Default)]
struct Index {
    /// Edges of each relation, by relation symbol.
    relation_edges: Vec<usize>,
    /// Facts of each predicate, by relation symbol.
    predicate_facts: Vec<usize>,
    /// Entities of each kind, by kind symbol.
    kind_entities: Vec<usize>,
    /// Whether some entity, statement or fact has an attribute of each key.
    key_used: Vec<bool>,
    /// Positions in `facts`, ordered by subject.
    facts_by_subject: Vec<u32>,
    /// Each entity's place in the order of names (byte order).
    name_rank: Vec<u32>,
    /// Each relation's place in the order of relation names.
    relation_rank: Vec<u32>,
    /// Outgoing and incoming edges of each entity.
    out: Rows,
    incoming: Rows,
    /// The two rows of each entity with at least [`MERGED_AT_LEAST`]
    /// edges each way, merged in answer order (see [`Graph::adjacent_both`]),
    /// by entity.
    merged: Vec<(u32, Box<[u32]>)>,
}

/// Entities with at least this many edges each way have their two rows
/// kept merged too: for a hub, merging them in the order answers print (by
/// the other end's name) took a look-up at random in the name order an
/// edge and three quarters of a query's time. Costs 4 bytes for each of
/// those entities' edges (at 5,000,000 statements, 10 entities: 0.6 bytes
/// an edge).
const MERGED_AT_LEAST: usize = 1024;

/// In a merged row, the bit that marks an incoming edge.
const INCOMING: u32 = 1 << 31;

/// Compressed sparse rows: the edges of entity `n` are
/// `edges[start[n]..start[n + 1]]`, ordered by the other end's name, then
/// relation name, then edge index, so that a neighbourhood comes out in the
/// order answers print it and a search walks memory in order instead of
/// petgraph's per-entity linked lists (one dependent cache miss an edge).
/// Costs 4 bytes an edge and 4 an entity for each direction.
#[derive(Debug, Clone, Default)]
struct Rows {
    start: Vec<u32>,
    edges: Vec<u32>,
}

impl Rows {
    fn of(&self, node: NodeIndex) -> &[u32] {
        match self.start.get(node.index()..node.index() + 2) {
            Some(&[from, to]) => &self.edges[from as usize..to as usize],
            _ => &[],
        }
    }
}

/// One direction's adjacency rows: start offsets, and edges.
pub type RowsRef<'a> = (&'a [u32], &'a [u32]);

/// An edge as the adjacency index gives it.
#[derive(Debug, Clone, Copy)]
pub struct EdgeRef<'g> {
    pub id: EdgeIndex,
    pub source: NodeIndex,
    pub target: NodeIndex,
    pub weight: &'g Edge,
}

/// The first 8 bytes of a name as a number that orders like the name
/// (shorter names padded with zero bytes, which sort first).
fn name_prefix(name: &str) -> u64 {
    let mut head = [0u8; 8];
    let n = name.len().min(8);
    head[..n].copy_from_slice(&name.as_bytes()[..n]);
    u64::from_be_bytes(head)
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
    pub relations: Interner,
    pub kinds: Interner,
    pub keys: Interner,
    /// The files loaded, as given (paths relative to where dossier runs).
    pub files: Vec<String>,
    /// Relation declarations, by relation.
    pub declarations: std::collections::BTreeMap<Sym, RelationInfo>,
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
            relations: Interner::default(),
            kinds,
            keys: Interner::default(),
            files: Vec::new(),
            declarations: std::collections::BTreeMap::new(),
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

impl Graph {
    /// Builds the read-only indexes; the loader calls it after each load.
    pub fn finish(&mut self) {
        let mut index = self.base_index();
        index.name_rank = self.name_ranks();
        let big = self.graph.edge_count() > 100_000;
        let (out, incoming) = std::thread::scope(|scope| {
            let index = &index;
            let out = || self.rows(index, Outgoing);
            let incoming = || self.rows(index, Incoming);
            if big {
                let out = scope.spawn(out);
                let incoming = incoming();
                (out.join().expect("index thread"), incoming)
            } else {
                (out(), incoming())
            }
        });
        index.out = out;
        index.incoming = incoming;
        self.index = index;
        self.index.merged = self.merged_rows();
    }

    /// The name order and the adjacency rows (start offsets and edges,
    /// outgoing then incoming), for a snapshot to keep.
    pub fn ordering(&self) -> (&[u32], [RowsRef<'_>; 2]) {
        let i = &self.index;
        (
            &i.name_rank,
            [
                (&i.out.start, &i.out.edges),
                (&i.incoming.start, &i.incoming.edges),
            ],
        )
    }

    /// [`Graph::finish`] with the name order and the adjacency rows given
    /// (as [`Graph::ordering`] gave them), checked to fit the graph so that
    /// no look-up can leave them.
    pub fn finish_with(
        &mut self,
        name_rank: Vec<u32>,
        rows: [(Vec<u32>, Vec<u32>); 2],
    ) -> Result<(), String> {
        let (nodes, edges) = (self.graph.node_count(), self.graph.edge_count());
        if name_rank.len() != nodes {
            return Err("the name order does not fit the entities".into());
        }
        let [out, incoming] = rows.map(|(start, list)| Rows { start, edges: list });
        for r in [&out, &incoming] {
            let fits = r.start.len() == nodes + 1
                && r.start.first() == Some(&0)
                && r.start.last() == Some(&(edges as u32))
                && r.start.windows(2).all(|w| w[0] <= w[1])
                && r.edges.len() == edges
                && r.edges.iter().all(|&e| (e as usize) < edges);
            if !fits {
                return Err("the adjacency rows do not fit the edges".into());
            }
        }
        let mut index = self.base_index();
        self.check_order(&index, &name_rank, &out, &incoming)?;
        index.name_rank = name_rank;
        index.out = out;
        index.incoming = incoming;
        self.index = index;
        self.index.merged = self.merged_rows();
        Ok(())
    }

    /// Checks a snapshot's name order and rows against the graph, in one
    /// pass each instead of the sorts that would make them: the ranks are
    /// a permutation that puts the names in strictly increasing order; each
    /// edge is in exactly one row of each direction, its own end's, and a
    /// row is in the order [`Graph::rows`] gives (the other end's rank,
    /// the relation's rank, the edge). Two stored statements alike in ends,
    /// relation and attributes, which a load merges, are refused too.
    fn check_order(
        &self,
        index: &Index,
        name_rank: &[u32],
        out: &Rows,
        incoming: &Rows,
    ) -> Result<(), String> {
        // Three passes, each on a thread: the two directions' rows and the
        // name order (each reads the edges or names at random).
        std::thread::scope(|scope| {
            let names = scope.spawn(|| self.check_names(name_rank));
            let outgoing = scope.spawn(|| self.check_rows(index, name_rank, out, true));
            let incoming = self.check_rows(index, name_rank, incoming, false);
            names.join().expect("the name check")?;
            outgoing.join().expect("the row check")?;
            incoming
        })
    }

    /// The name order is a permutation that sorts the names.
    fn check_names(&self, name_rank: &[u32]) -> Result<(), String> {
        let nodes = self.graph.node_count();
        let mut by_rank = vec![u32::MAX; nodes];
        for (node, &rank) in name_rank.iter().enumerate() {
            match by_rank.get_mut(rank as usize) {
                Some(slot) if *slot == u32::MAX => *slot = node as u32,
                _ => return Err("the name order is not a permutation".into()),
            }
        }
        let name = |n: u32| &*self.graph[NodeIndex::new(n as usize)].name;
        if by_rank.windows(2).any(|w| name(w[0]) >= name(w[1])) {
            return Err("the name order does not sort the names".into());
        }
        Ok(())
    }

    /// Each edge in exactly one row, its own end's, rows in order, and no
    /// statement twice (equal ends, relation and attributes).
    fn check_rows(
        &self,
        index: &Index,
        name_rank: &[u32],
        rows: &Rows,
        own_is_source: bool,
    ) -> Result<(), String> {
        let edges = self.graph.raw_edges();
        let mut seen = vec![false; edges.len()];
        // The attribute sets of a run of edges to one entity by one
        // relation, when the run is longer than one: no set twice.
        let mut run: Vec<u32> = Vec::new();
        let check_run = |run: &mut Vec<u32>| {
            if run.len() > 1 {
                run.sort_unstable();
                if run.windows(2).any(|w| w[0] == w[1]) {
                    return Err("a statement is held twice".to_string());
                }
            }
            run.clear();
            Ok(())
        };
        for n in 0..self.graph.node_count() {
            let from = rows.start[n] as usize;
            let row = &rows.edges[from..rows.start[n + 1] as usize];
            let mut last: Option<(u64, u32)> = None;
            for (k, &i) in row.iter().enumerate() {
                // The edges are read at random: ask for later ones early.
                if let Some(&ahead) = rows.edges.get(from + k + EDGES_AHEAD)
                    && let Some(e) = edges.get(ahead as usize)
                {
                    prefetch(e);
                }
                let e = &edges[i as usize];
                let (own, other) = if own_is_source {
                    (e.source().index(), e.target().index())
                } else {
                    (e.target().index(), e.source().index())
                };
                if own != n || std::mem::replace(&mut seen[i as usize], true) {
                    return Err("an adjacency row holds an edge of another entity".into());
                }
                let key = (name_rank[other] as u64) << 32
                    | index.relation_rank[e.weight.relation as usize] as u64;
                if let Some((k, j)) = last {
                    if (k, j) >= (key, i) {
                        return Err("an adjacency row is out of order".into());
                    }
                    if k != key {
                        check_run(&mut run)?;
                    }
                }
                run.push(e.weight.attrs);
                last = Some((key, i));
            }
            check_run(&mut run)?;
        }
        Ok(())
    }

    /// The counts and small tables of the index.
    fn base_index(&self) -> Index {
        let mut index = Index {
            relation_edges: vec![0; self.relations.len()],
            predicate_facts: vec![0; self.relations.len()],
            kind_entities: vec![0; self.kinds.len()],
            facts_by_subject: (0..self.facts.len() as u32).collect(),
            ..Index::default()
        };
        let mut set_used = vec![false; self.attr_set_count()];
        for e in self.graph.edge_weights() {
            index.relation_edges[e.relation as usize] += 1;
            set_used[e.attrs as usize] = true;
        }
        for f in &self.facts {
            index.predicate_facts[f.predicate as usize] += 1;
            set_used[f.attrs as usize] = true;
        }
        for n in self.graph.node_weights() {
            index.kind_entities[n.kind as usize] += 1;
            set_used[n.attrs as usize] = true;
        }
        index.key_used = vec![false; self.keys.len()];
        for (id, used) in set_used.into_iter().enumerate() {
            if used {
                for (k, _) in self.attrs(id as u32) {
                    index.key_used[*k as usize] = true;
                }
            }
        }
        let facts = &self.facts;
        // In the order they were written, whichever order they were read in.
        index.facts_by_subject.sort_by_key(|&i| {
            let f = &facts[i as usize];
            (f.subject, f.origin, i)
        });
        let mut relations: Vec<Sym> = (0..self.relations.len() as Sym).collect();
        relations.sort_by_key(|&r| self.relations.name(r));
        index.relation_rank = vec![0; relations.len()];
        for (rank, r) in relations.into_iter().enumerate() {
            index.relation_rank[r as usize] = rank as u32;
        }
        index
    }

    /// Each entity's place among the names in byte order. Most comparisons
    /// are settled by the first 8 bytes as a number.
    fn name_ranks(&self) -> Vec<u32> {
        let nodes = self.graph.raw_nodes();
        let mut order: Vec<(u64, u32)> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (name_prefix(&n.weight.name), i as u32))
            .collect();
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                nodes[a.1 as usize]
                    .weight
                    .name
                    .cmp(&nodes[b.1 as usize].weight.name)
            })
        });
        let mut rank = vec![0; nodes.len()];
        for (r, (_, n)) in order.into_iter().enumerate() {
            rank[n as usize] = r as u32;
        }
        rank
    }

    /// The adjacency rows of one direction: a counting sort by entity (in
    /// edge order), then each entity's row sorted by the other end's name
    /// rank and relation rank.
    fn rows(&self, index: &Index, dir: petgraph::Direction) -> Rows {
        let edges = self.graph.raw_edges();
        let end = |e: &petgraph::graph::Edge<Edge, u32>, own: bool| {
            if (dir == Outgoing) == own {
                e.source().index()
            } else {
                e.target().index()
            }
        };
        let nodes = self.graph.node_count();
        let mut start = huge_zeroed(nodes + 1);
        for e in edges {
            start[end(e, true) + 1] += 1;
        }
        for i in 0..nodes {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut row = huge_zeroed(edges.len());
        for (i, e) in edges.iter().enumerate() {
            let n = end(e, true);
            row[next[n] as usize] = i as u32;
            next[n] += 1;
        }
        drop(next);
        let mut keys: Vec<(u64, u32)> = Vec::new();
        for n in 0..nodes {
            let part = &mut row[start[n] as usize..start[n + 1] as usize];
            if part.len() < 2 {
                continue;
            }
            keys.clear();
            keys.extend(part.iter().map(|&i| {
                let e = &edges[i as usize];
                let rank = index.name_rank[end(e, false)] as u64;
                let relation = index.relation_rank[e.weight.relation as usize] as u64;
                (rank << 32 | relation, i)
            }));
            keys.sort_unstable();
            for (slot, (_, i)) in part.iter_mut().zip(&keys) {
                *slot = *i;
            }
        }
        Rows { start, edges: row }
    }

    /// The merged rows of the entities with many edges each way: each
    /// entity's outgoing and incoming edges (a loop once, as outgoing) by
    /// the other end's name, relation name, direction (incoming first) and
    /// edge index.
    fn merged_rows(&self) -> Vec<(u32, Box<[u32]>)> {
        let edges = self.graph.raw_edges();
        if edges.len() > INCOMING as usize {
            return Vec::new();
        }
        let key = |i: u32, incoming: bool| {
            let e = &edges[i as usize];
            let other = if incoming { e.source() } else { e.target() };
            self.neighbour_key(other, e.weight.relation, !incoming)
        };
        let mut merged = Vec::new();
        for n in 0..self.graph.node_count() {
            let node = NodeIndex::new(n);
            let (outs, ins) = (self.index.out.of(node), self.index.incoming.of(node));
            if outs.len().min(ins.len()) < MERGED_AT_LEAST {
                continue;
            }
            let is_loop = |&i: &u32| edges[i as usize].source() == node;
            let ins: Vec<u32> = ins.iter().copied().filter(|i| !is_loop(i)).collect();
            let mut row = Vec::with_capacity(outs.len() + ins.len());
            let (mut i, mut j) = (0, 0);
            while i < outs.len() && j < ins.len() {
                if key(outs[i], false) < key(ins[j], true) {
                    row.push(outs[i]);
                    i += 1;
                } else {
                    row.push(ins[j] | INCOMING);
                    j += 1;
                }
            }
            row.extend_from_slice(&outs[i..]);
            row.extend(ins[j..].iter().map(|i| i | INCOMING));
            merged.push((n as u32, row.into_boxed_slice()));
        }
        merged
    }

    /// All the edges of `node` both ways (a loop once, as outgoing), in the
    /// order of the other end's name, relation name, direction (incoming
    /// first) and edge index; `None` unless `node` has at least
    /// [`MERGED_AT_LEAST`] edges each way (merge [`Graph::adjacent`]'s two
    /// rows for the others).
    pub fn adjacent_both(
        &self,
        node: NodeIndex,
    ) -> Option<impl ExactSizeIterator<Item = (EdgeRef<'_>, petgraph::Direction)> + '_> {
        let merged = &self.index.merged;
        let at = merged
            .binary_search_by_key(&node.index(), |(n, _)| *n as usize)
            .ok()?;
        let row = &merged[at].1;
        let edges = self.graph.raw_edges();
        Some(row.iter().enumerate().map(move |(k, &i)| {
            // As in `adjacent`: the edge a few steps ahead is asked for now.
            if let Some(edge) = row
                .get(k + 16)
                .and_then(|&i| edges.get((i & !INCOMING) as usize))
            {
                prefetch(edge);
            }
            let dir = if i & INCOMING == 0 {
                Outgoing
            } else {
                Incoming
            };
            (self.edge_ref(i & !INCOMING), dir)
        }))
    }

    /// The edges of `node` in `dir`, ordered by the other end's name, then
    /// relation name, then edge index (which is file order).
    pub fn adjacent(
        &self,
        node: NodeIndex,
        dir: petgraph::Direction,
    ) -> impl ExactSizeIterator<Item = EdgeRef<'_>> + '_ {
        let row = self.row_index(dir).of(node);
        let edges = self.graph.raw_edges();
        row.iter().enumerate().map(move |(k, &i)| {
            // A hub's edges lie all over the edge array: ask for the one a
            // few steps ahead now, so that the misses overlap.
            if let Some(edge) = row.get(k + 16).and_then(|&i| edges.get(i as usize)) {
                prefetch(edge);
            }
            self.edge_ref(i)
        })
    }

    fn row_index(&self, dir: petgraph::Direction) -> &Rows {
        if dir == Outgoing {
            &self.index.out
        } else {
            &self.index.incoming
        }
    }

    fn edge_ref(&self, i: u32) -> EdgeRef<'_> {
        let e = &self.graph.raw_edges()[i as usize];
        EdgeRef {
            id: EdgeIndex::new(i as usize),
            source: e.source(),
            target: e.target(),
            weight: &e.weight,
        }
    }

    /// The edges of `node` in `dir` whose other end has name rank `rank`,
    /// found by binary search.
    pub fn adjacent_to(
        &self,
        node: NodeIndex,
        dir: petgraph::Direction,
        rank: u32,
    ) -> impl Iterator<Item = EdgeRef<'_>> + '_ {
        let edges = self.graph.raw_edges();
        let other = move |i: u32| {
            let e = &edges[i as usize];
            if dir == Outgoing {
                e.target()
            } else {
                e.source()
            }
        };
        let row = self.row_index(dir).of(node);
        let from = row.partition_point(|&i| self.index.name_rank[other(i).index()] < rank);
        row[from..]
            .iter()
            .take_while(move |&&i| self.index.name_rank[other(i).index()] == rank)
            .map(|&i| self.edge_ref(i))
    }

    /// How many edges `node` has in `dir`.
    pub fn degree(&self, node: NodeIndex, dir: petgraph::Direction) -> usize {
        self.row_index(dir).of(node).len()
    }

    /// Whether relation `r` is in use: some statement or fact has it, or a
    /// declaration names it. (A query's subgraph, and a snapshot of one,
    /// keep every symbol of the graph they came from.)
    pub fn relation_in_use(&self, r: Sym) -> bool {
        let i = r as usize;
        self.index.relation_edges.get(i).is_some_and(|&n| n > 0)
            || self.index.predicate_facts.get(i).is_some_and(|&n| n > 0)
            || self.declarations.contains_key(&r)
            || self.declarations.values().any(|d| d.inverse_of == Some(r))
    }

    /// Whether kind `k` is in use: built in, some entity's, or declared.
    pub fn kind_in_use(&self, k: Sym) -> bool {
        (k as usize) < BUILTIN_KINDS.len()
            || self
                .index
                .kind_entities
                .get(k as usize)
                .is_some_and(|&n| n > 0)
            || self
                .declarations
                .values()
                .any(|d| d.subject.iter().chain(&d.object).flatten().any(|&x| x == k))
    }

    /// Whether some entity, statement or fact has an attribute of key `k`.
    pub fn key_in_use(&self, k: Sym) -> bool {
        self.index
            .key_used
            .get(k as usize)
            .copied()
            .unwrap_or(false)
    }

    /// `node`'s place among all names in byte order.
    pub fn name_rank(&self, node: NodeIndex) -> u32 {
        self.index.name_rank[node.index()]
    }

    /// Where a neighbour `other`, reached by an edge of `relation`, goes in
    /// an answer one level deep: by name, then relation name, then
    /// incoming before outgoing. Records of one direction with equal keys
    /// keep their rows' (edge) order; records of two directions never have
    /// equal keys.
    pub fn neighbour_key(&self, other: NodeIndex, relation: Sym, outgoing: bool) -> u64 {
        let rank = self.name_rank(other) as u64;
        (rank << 32) | (self.relation_rank(relation) as u64) << 1 | outgoing as u64
    }

    /// `r`'s place among the relation names in byte order.
    pub fn relation_rank(&self, r: Sym) -> u32 {
        self.index.relation_rank[r as usize]
    }

    /// Whether `r` is declared symmetric.
    pub fn symmetric(&self, r: Sym) -> bool {
        self.declarations.get(&r).is_some_and(|d| d.symmetric)
    }

    /// Whether `r` is declared transitive.
    pub fn transitive(&self, r: Sym) -> bool {
        self.declarations.get(&r).is_some_and(|d| d.transitive)
    }

    /// The relation whose statements, read backwards, are `r`'s: the one
    /// `r` is declared the inverse of, or the one declared the inverse of `r`.
    pub fn inverse(&self, r: Sym) -> Option<Sym> {
        if let Some(i) = self.declarations.get(&r).and_then(|d| d.inverse_of) {
            return Some(i);
        }
        self.declarations
            .iter()
            .find(|(_, d)| d.inverse_of == Some(r))
            .map(|(s, _)| *s)
    }

    /// Whether any relation has a declaration.
    pub fn has_declarations(&self) -> bool {
        !self.declarations.is_empty()
    }

    /// The declared relations by name, with their names.
    pub fn declared_relations(&self) -> Vec<(&str, Sym)> {
        let mut list: Vec<(&str, Sym)> = self
            .declarations
            .keys()
            .map(|&r| (self.relations.name(r), r))
            .collect();
        list.sort();
        list
    }

    /// A declaration written back as relation-file text.
    pub fn declaration_text(&self, r: Sym) -> Option<String> {
        let d = self.declarations.get(&r)?;
        let name = crate::value::relation_text(self.relations.name(r));
        if let Some(i) = d.inverse_of {
            return Some(format!(
                "relation {name} inverse {}",
                crate::value::relation_text(self.relations.name(i))
            ));
        }
        let kinds = |k: &Option<Vec<Sym>>| match k {
            None => "any".to_string(),
            Some(list) => list
                .iter()
                .map(|k| self.kinds.name(*k))
                .collect::<Vec<_>>()
                .join("|"),
        };
        let arrow = if d.symmetric { "<->" } else { "->" };
        let transitive = if d.transitive { " transitive" } else { "" };
        Some(format!(
            "relation {name}: {} {arrow} {}{transitive}",
            kinds(&d.subject),
            kinds(&d.object)
        ))
    }

    /// How many edges have relation `r`.
    pub fn relation_edge_count(&self, r: Sym) -> usize {
        self.index
            .relation_edges
            .get(r as usize)
            .copied()
            .unwrap_or(0)
    }

    /// How many facts have predicate `p`.
    pub fn predicate_fact_count(&self, p: Sym) -> usize {
        self.index
            .predicate_facts
            .get(p as usize)
            .copied()
            .unwrap_or(0)
    }

    /// How many entities are of kind `k`.
    pub fn kind_count(&self, k: Sym) -> usize {
        self.index
            .kind_entities
            .get(k as usize)
            .copied()
            .unwrap_or(0)
    }

    /// The facts about `node`, in the order they were written.
    pub fn facts_of(&self, node: NodeIndex) -> impl Iterator<Item = &Fact> {
        let by = &self.index.facts_by_subject;
        let start = by.partition_point(|&i| self.facts[i as usize].subject < node);
        by[start..]
            .iter()
            .map(|&i| &self.facts[i as usize])
            .take_while(move |f| f.subject == node)
    }
}

impl Graph {
    /// The graph of just `nodes` and `edges` (and the edges' ends), with
    /// their facts, attributes and provenance; symbols keep their ids.
    pub fn subgraph(
        &self,
        nodes: &std::collections::BTreeSet<NodeIndex>,
        edges: &std::collections::BTreeSet<petgraph::graph::EdgeIndex>,
    ) -> Graph {
        let mut keep: std::collections::BTreeSet<NodeIndex> = nodes.clone();
        for &e in edges {
            let (a, b) = self.graph.edge_endpoints(e).expect("edges have ends");
            keep.extend([a, b]);
        }
        let mut sub = Graph {
            graph: DiGraph::default(),
            by_name: NameTable::default(),
            facts: Vec::new(),
            fact_set: HashTable::new(),
            attr_sets: AttrSets::new(),
            attr_set_index: HashTable::new(),
            attr_sets_indexed: 1,
            labels: Vec::new(),
            index: Index::default(),
            relations: self.relations.clone(),
            kinds: self.kinds.clone(),
            keys: self.keys.clone(),
            files: self.files.clone(),
            declarations: self.declarations.clone(),
            hasher: self.hasher.clone(),
        };
        // The labels and attribute sets of what is kept, not all of them.
        let set = |sub: &mut Graph, id: AttrsId| sub.intern_attrs(self.attrs(id).to_vec());
        let mut map = std::collections::HashMap::new();
        for &n in &keep {
            let e = &self.graph[n];
            let (new, _) = sub.find_or_add(&e.name, e.origin);
            let label = self.label_of(e).map(|l| sub.add_label(l));
            let attrs = set(&mut sub, e.attrs);
            *sub.entity_mut(new) = Entity {
                label,
                attrs,
                ..e.clone()
            };
            map.insert(n, new);
        }
        let mut list: Vec<(NodeIndex, NodeIndex, Edge)> = Vec::with_capacity(edges.len());
        for &e in edges {
            let (a, b) = self.graph.edge_endpoints(e).expect("edges have ends");
            let edge = self.graph[e];
            let attrs = set(&mut sub, edge.attrs);
            list.push((map[&a], map[&b], Edge { attrs, ..edge }));
        }
        sub.add_edges(&list);
        for f in &self.facts {
            if let Some(&s) = map.get(&f.subject) {
                let attrs = set(&mut sub, f.attrs);
                sub.add_fact(Fact {
                    subject: s,
                    attrs,
                    ..*f
                });
            }
        }
        sub.finish();
        sub
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
