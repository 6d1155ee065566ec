//! The index built once a load is done: counts for planning, the name
//! order, and the adjacency rows of each entity (outgoing and incoming,
//! by relation and neighbour), and the bit an edge that marks repeated
//! claims. What a snapshot's copy is checked against is in `checks.rs`.

use super::*;

/// Counts and look-up tables that queries use to plan and to find facts,
/// built once a load is done.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
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
    pub(super) relation_rank: Vec<u32>,
    /// Outgoing and incoming edges of each entity.
    out: Rows,
    incoming: Rows,
    /// The two rows of each entity with at least [`MERGED_AT_LEAST`]
    /// edges each way, merged in answer order (see [`Graph::adjacent_both`]),
    /// by entity.
    merged: Vec<(u32, Box<[u32]>)>,
    /// A bit an edge: set when another edge has its subject, relation and
    /// object (the two may disagree on an attribute). From the outgoing
    /// rows, where such edges lie together; an eighth of a byte an edge.
    twins: Vec<u64>,
    /// The edges by relation, built when a pattern first asks.
    pub(super) relation_rows: std::sync::OnceLock<super::relation_rows::RelationRows>,
}

/// Entities with at least this many edges each way have their two rows
/// kept merged too: for a hub, merging them in the order answers print (by
/// the other end's name) took a look-up at random in the name order an
/// edge and three quarters of a query's time. Costs 4 bytes for each of
/// those entities' edges (at 5,000,000 statements, 10 entities: 0.6 bytes
/// an edge).
pub(crate) const MERGED_AT_LEAST: usize = 1024;

/// In a merged row, the bit that marks an incoming edge.
pub(crate) const INCOMING: u32 = 1 << 31;

/// Compressed sparse rows: the edges of entity `n` are
/// `edges[start[n]..start[n + 1]]`, ordered by the other end's name, then
/// relation name, then edge index, so that a neighbourhood comes out in the
/// order answers print it and a search walks memory in order instead of
/// petgraph's per-entity linked lists (one dependent cache miss an edge).
/// Costs 4 bytes an edge and 4 an entity for each direction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    pub(super) start: Vec<u32>,
    pub(super) edges: Vec<u32>,
}

impl Rows {
    pub(crate) fn of(&self, node: NodeIndex) -> &[u32] {
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
        self.index.twins = self.twin_bits();
        self.words = self.build_words();
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
    /// (as [`Graph::ordering`] gave them) and the word index's entities
    /// and places, checked to fit the graph so that no look-up can leave
    /// them.
    pub fn finish_with(
        &mut self,
        name_rank: Vec<u32>,
        rows: [(Vec<u32>, Vec<u32>); 2],
        (entities, places): (Vec<u32>, Vec<u8>),
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
        let mut words = WordIndex {
            entities,
            places,
            heads: Vec::new(),
        };
        // The check reads every word: it gives the sampled heads too.
        words.heads = self.check_order(&index, &name_rank, &out, &incoming, &words)?;
        index.name_rank = name_rank;
        index.out = out;
        index.incoming = incoming;
        self.index = index;
        self.index.merged = self.merged_rows();
        self.index.twins = self.twin_bits();
        self.words = words;
        Ok(())
    }

    /// The counts and small tables of the index.
    pub(crate) fn base_index(&self) -> Index {
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
    pub(crate) fn name_ranks(&self) -> Vec<u32> {
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
    pub(crate) fn rows(&self, index: &Index, dir: petgraph::Direction) -> Rows {
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
    pub(crate) fn merged_rows(&self) -> Vec<(u32, Box<[u32]>)> {
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

    pub(crate) fn row_index(&self, dir: petgraph::Direction) -> &Rows {
        if dir == Outgoing {
            &self.index.out
        } else {
            &self.index.incoming
        }
    }

    pub(crate) fn edge_ref(&self, i: u32) -> EdgeRef<'_> {
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

    /// The twin bits (see `Index::twins`), from the outgoing rows.
    fn twin_bits(&self) -> Vec<u64> {
        let edges = self.graph.raw_edges();
        let mut bits = vec![0u64; edges.len().div_ceil(64)];
        let key = |i: u32| {
            let e = &edges[i as usize];
            (e.target(), e.weight.relation)
        };
        let rows = &self.index.out;
        for n in 0..self.graph.node_count() {
            let row = rows.of(NodeIndex::new(n));
            for w in row.windows(2) {
                if key(w[0]) == key(w[1]) {
                    for i in [w[0], w[1]] {
                        bits[i as usize / 64] |= 1 << (i % 64);
                    }
                }
            }
        }
        bits
    }

    /// Whether another statement has `edge`'s subject, relation and object.
    pub fn has_twin(&self, edge: EdgeIndex) -> bool {
        let i = edge.index();
        self.index
            .twins
            .get(i / 64)
            .is_some_and(|b| b >> (i % 64) & 1 == 1)
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

    /// Whether `r` is in an exclusion (`r excludes x` or `x excludes r`).
    pub fn excluded(&self, r: Sym) -> bool {
        self.declarations
            .iter()
            .any(|(s, d)| d.excludes.is_some() && (*s == r || d.excludes == Some(r)))
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
        if let Some(x) = d.excludes {
            return Some(format!(
                "relation {name} excludes {}",
                crate::value::relation_text(self.relations.name(x))
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
        let functional = if d.functional { " functional" } else { "" };
        Some(format!(
            "relation {name}: {} {arrow} {}{transitive}{functional}",
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
