//! The edges of each relation, and of each entity by relation: what a
//! pattern's clause with a fixed relation walks instead of a whole
//! adjacency row. Built the first time a pattern needs it, not at load (it
//! costs 12 bytes an edge, and a graph that is only searched never pays).

use super::index::Rows;
use super::*;

/// Edge indices grouped three ways, each as compressed sparse rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelationRows {
    /// Each entity's outgoing and incoming edges, by relation symbol, then
    /// the other end's index, then edge index.
    out: Rows,
    incoming: Rows,
    /// Each relation's edges, in edge order.
    by_relation: Rows,
}

/// A row shorter than this is filtered as it is rather than first
/// building the rows by relation.
const SHORT_ROW: usize = 64;

impl Graph {
    fn relation_rows(&self) -> &RelationRows {
        self.index.relation_rows.get_or_init(|| {
            let big = self.graph.edge_count() > 100_000;
            std::thread::scope(|scope| {
                let out = || self.rows_by_relation(Outgoing);
                let incoming = || self.rows_by_relation(Incoming);
                let (out, incoming) = if big {
                    let out = scope.spawn(out);
                    let incoming = incoming();
                    (out.join().expect("index thread"), incoming)
                } else {
                    (out(), incoming())
                };
                RelationRows {
                    out,
                    incoming,
                    by_relation: self.edges_by_relation(),
                }
            })
        })
    }

    fn rows_by_relation(&self, dir: petgraph::Direction) -> Rows {
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
        rows
    }

    fn edges_by_relation(&self) -> Rows {
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
        Rows { start, edges: list }
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
        let Some((node, dir)) = node else {
            return self
                .relation_rows()
                .by_relation
                .of(NodeIndex::new(r as usize));
        };
        let row = self.row_index(dir).of(node);
        if row.len() < SHORT_ROW {
            return row;
        }
        let rows = self.relation_rows();
        let row = if dir == Outgoing {
            rows.out.of(node)
        } else {
            rows.incoming.of(node)
        };
        let edges = self.graph.raw_edges();
        let key = |i: u32| {
            let e = &edges[i as usize];
            let n = if dir == Outgoing {
                e.target()
            } else {
                e.source()
            };
            (e.weight.relation, n.index() as u32)
        };
        let (from, to) = match other {
            Some(o) => ((r, o.index() as u32), (r, o.index() as u32 + 1)),
            None => ((r, 0), (r + 1, 0)),
        };
        let a = row.partition_point(|&i| key(i) < from);
        let b = a + row[a..].partition_point(|&i| key(i) < to);
        &row[a..b]
    }
}
