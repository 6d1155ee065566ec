//! The edges of each relation, and of each entity by relation: what a
//! pattern's clause with a fixed relation walks instead of a whole
//! adjacency row. Built the first time a pattern needs it, not at load (it
//! costs 36 bytes an edge, and a graph that is only searched never pays).

use super::index::Rows;
use super::*;

/// Edge indices grouped three ways, each as compressed sparse rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelationRows {
    /// Each entity's outgoing and incoming edges, by relation symbol, then
    /// the other end's index, then edge index.
    out: Rows,
    incoming: Rows,
    /// Beside each of those rows' edges, its relation and other end as one
    /// number (relation << 32 | index), so that a search reads one array.
    out_keys: Vec<u64>,
    incoming_keys: Vec<u64>,
    /// Each relation's edges, by subject, object and edge index.
    by_relation: Rows,
    /// Beside each of those, its subject and object.
    by_relation_ends: Vec<(u32, u32)>,
}

/// Edge indices, and where the relation rows gave them, each edge's ends
/// and relation without reading the edge.
pub struct EdgeSlice<'g> {
    pub edges: &'g [u32],
    ends: Ends<'g>,
}

enum Ends<'g> {
    /// A plain adjacency row: read each edge.
    Unknown,
    /// One entity's row by relation: `node`, and each key's other end.
    Row {
        node: u32,
        out: bool,
        keys: &'g [u64],
    },
    /// One relation's edges.
    Relation {
        relation: Sym,
        ends: &'g [(u32, u32)],
    },
}

impl Default for EdgeSlice<'_> {
    fn default() -> Self {
        EdgeSlice {
            edges: &[],
            ends: Ends::Unknown,
        }
    }
}

impl EdgeSlice<'_> {
    /// The `k`th edge's subject, relation and object, when known.
    pub fn triple(&self, k: usize) -> Option<(NodeIndex, Sym, NodeIndex)> {
        let n = |i: u32| NodeIndex::new(i as usize);
        match &self.ends {
            Ends::Unknown => None,
            Ends::Row { node, out, keys } => {
                let key = keys[k];
                let (r, other) = ((key >> 32) as Sym, key as u32);
                Some(if *out {
                    (n(*node), r, n(other))
                } else {
                    (n(other), r, n(*node))
                })
            }
            Ends::Relation { relation, ends } => {
                let (a, b) = ends[k];
                Some((n(a), *relation, n(b)))
            }
        }
    }
}

fn key(relation: Sym, other: u32) -> u64 {
    (u64::from(relation) << 32) | u64::from(other)
}

/// A row shorter than this is filtered as it is rather than first
/// building the rows by relation.
const SHORT_ROW: usize = 64;

impl Graph {
    /// Builds the rows by relation now, so that `edges_of` always
    /// returns a slice with parallel edges side by side.
    pub fn prepare_relation_rows(&self) {
        self.relation_rows();
    }

    fn relation_rows(&self) -> &RelationRows {
        self.index.relation_rows.get_or_init(|| {
            let big = self.graph.edge_count() > 100_000;
            std::thread::scope(|scope| {
                let out = || self.rows_by_relation(Outgoing);
                let incoming = || self.rows_by_relation(Incoming);
                let by_relation = || self.edges_by_relation();
                let ((out, out_keys), (incoming, incoming_keys), (by_relation, by_relation_ends)) =
                    if big {
                        let out = scope.spawn(out);
                        let by_relation = scope.spawn(by_relation);
                        let incoming = incoming();
                        (
                            out.join().expect("index thread"),
                            incoming,
                            by_relation.join().expect("index thread"),
                        )
                    } else {
                        (out(), incoming(), by_relation())
                    };
                RelationRows {
                    out,
                    incoming,
                    out_keys,
                    incoming_keys,
                    by_relation,
                    by_relation_ends,
                }
            })
        })
    }

    fn rows_by_relation(&self, dir: petgraph::Direction) -> (Rows, Vec<u64>) {
        let edges = self.graph.raw_edges();
        let mut rows = self.row_index(dir).clone();
        let other = |i: u32| {
            let e = &edges[i as usize];
            let n = if dir == Outgoing {
                e.target()
            } else {
                e.source()
            };
            (e.weight.relation, n.index() as u32, i)
        };
        for w in rows.start.windows(2) {
            let part = &mut rows.edges[w[0] as usize..w[1] as usize];
            if part.len() > 1 {
                part.sort_unstable_by_key(|&i| other(i));
            }
        }
        let keys = rows
            .edges
            .iter()
            .map(|&i| {
                let (r, n, _) = other(i);
                key(r, n)
            })
            .collect();
        (rows, keys)
    }

    /// Each relation's edges, and beside each its subject and object.
    fn edges_by_relation(&self) -> (Rows, Vec<(u32, u32)>) {
        let edges = self.graph.raw_edges();
        let mut start = vec![0u32; self.relations.len() + 1];
        for e in edges {
            start[e.weight.relation as usize + 1] += 1;
        }
        for i in 0..self.relations.len() {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut list = vec![0u32; edges.len()];
        for (i, e) in edges.iter().enumerate() {
            let r = e.weight.relation as usize;
            list[next[r] as usize] = i as u32;
            next[r] += 1;
        }
        let ends = |i: u32| {
            let e = &edges[i as usize];
            (e.source().index() as u32, e.target().index() as u32)
        };
        // Each relation's edges by their ends, parallel edges side by side.
        for w in start.windows(2) {
            list[w[0] as usize..w[1] as usize].sort_unstable_by_key(|&i| (ends(i), i));
        }
        let by_ends = list.iter().map(|&i| ends(i)).collect();
        (Rows { start, edges: list }, by_ends)
    }

    /// The edges of relation `r` (with `node` given, those of `node` in
    /// `dir`; with `other` given too, those whose other end is `other`), as
    /// edge indices: a superset when the row is short enough to filter as
    /// it is, so the caller checks each edge's relation and ends.
    pub fn edges_of(
        &self,
        r: Sym,
        node: Option<(NodeIndex, petgraph::Direction)>,
        other: Option<NodeIndex>,
    ) -> &[u32] {
        self.edge_slice(r, node, other).edges
    }

    /// The same, with each edge's ends where the rows by relation hold them.
    pub fn edge_slice(
        &self,
        r: Sym,
        node: Option<(NodeIndex, petgraph::Direction)>,
        other: Option<NodeIndex>,
    ) -> EdgeSlice<'_> {
        let Some((node, dir)) = node else {
            let rows = self.relation_rows();
            let r = r as usize;
            let at = match rows.by_relation.start.get(r..r + 2) {
                Some(&[a, b]) => a as usize..b as usize,
                _ => 0..0,
            };
            return EdgeSlice {
                edges: &rows.by_relation.edges[at.clone()],
                ends: Ends::Relation {
                    relation: r as Sym,
                    ends: &rows.by_relation_ends[at],
                },
            };
        };
        let row = self.row_index(dir).of(node);
        // A short row is filtered as it is, unless the rows by relation
        // are built already: a search of them reads no edge but those it
        // returns.
        let built = self.index.relation_rows.get().is_some();
        if row.len() < SHORT_ROW && !built {
            return EdgeSlice {
                edges: row,
                ends: Ends::Unknown,
            };
        }
        let rows = self.relation_rows();
        let (row, keys) = if dir == Outgoing {
            (&rows.out, &rows.out_keys)
        } else {
            (&rows.incoming, &rows.incoming_keys)
        };
        let at = row.start[node.index()] as usize..row.start[node.index() + 1] as usize;
        let keys = &keys[at.clone()];
        let (from, to) = match other {
            Some(o) => (key(r, o.index() as u32), key(r, o.index() as u32 + 1)),
            None => (key(r, 0), key(r + 1, 0)),
        };
        let a = keys.partition_point(|&k| k < from);
        let b = a + keys[a..].partition_point(|&k| k < to);
        EdgeSlice {
            edges: &row.edges[at][a..b],
            ends: Ends::Row {
                node: node.index() as u32,
                out: dir == Outgoing,
                keys: &keys[a..b],
            },
        }
    }
}
