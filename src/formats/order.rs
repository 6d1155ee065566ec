//! The order every listing export writes records in (JSON, kg, Cypher,
//! Kuzu, CSV), and the escaped texts they share: the same graph gives the
//! same bytes.

use super::json::{attribute_sets, string};
use crate::graph::{Graph, Origin, Sym};
use petgraph::graph::NodeIndex;
use std::fmt::Write as _;

/// What the records are written with: the escaped file names and
/// attribute sets, and the files' order by name.
pub(crate) struct Parts {
    pub(crate) files: Vec<String>,
    pub(crate) file_rank: Vec<u32>,
    pub(crate) sets: Vec<String>,
}

impl Parts {
    pub(crate) fn source(&self, out: &mut String, o: Origin) {
        let _ = write!(
            out,
            "\"source\": {{\"file\": {}, \"line\": {}}}",
            self.files[o.file as usize], o.line
        );
    }
}

impl Parts {
    pub(crate) fn new(graph: &Graph) -> Parts {
        let mut files = Vec::with_capacity(graph.files.len());
        for f in &graph.files {
            let mut s = String::new();
            string(&mut s, f);
            files.push(s);
        }
        let mut by_name: Vec<u32> = (0..graph.files.len() as u32).collect();
        by_name.sort_by(|&a, &b| graph.files[a as usize].cmp(&graph.files[b as usize]));
        let mut file_rank = vec![0u32; graph.files.len()];
        let mut rank = 0;
        for (i, &f) in by_name.iter().enumerate() {
            if i > 0 && graph.files[f as usize] != graph.files[by_name[i - 1] as usize] {
                rank += 1;
            }
            file_rank[f as usize] = rank;
        }
        Parts {
            files,
            file_rank,
            sets: attribute_sets(graph),
        }
    }
}

/// The order records are written in, the same for every export that
/// lists them (JSON, kg): entities by name; statements by subject,
/// relation, object (by name), source, then attributes; facts likewise.
pub(crate) struct Order {
    pub entities: Vec<NodeIndex>,
    /// Edge indices.
    pub edges: Vec<u32>,
    /// Places in [`Graph::facts`].
    pub facts: Vec<u32>,
}

impl Order {
    pub(crate) fn new(graph: &Graph, parts: &Parts) -> Order {
        let g = graph.petgraph();
        // Entities by name: the name order inverted.
        let mut entities = vec![NodeIndex::new(0); g.node_count()];
        for n in g.node_indices() {
            entities[graph.name_rank(n) as usize] = n;
        }
        let name = |n: NodeIndex| graph.name_rank(n);
        let rel = |r: Sym| graph.relation_rank(r);
        let mut edges: Vec<([u32; 5], u32)> = g
            .edge_indices()
            .map(|e| {
                let (a, b) = g.edge_endpoints(e).expect("edges have ends");
                let w = &g[e];
                let key = [
                    name(a),
                    rel(w.relation),
                    name(b),
                    parts.file_rank[w.origin.file as usize],
                    w.origin.line,
                ];
                (key, e.index() as u32)
            })
            .collect();
        let attrs_of_edge = |e: u32| &parts.sets[g.raw_edges()[e as usize].weight.attrs as usize];
        edges.sort_unstable_by(|x, y| {
            x.0.cmp(&y.0)
                .then_with(|| attrs_of_edge(x.1).cmp(attrs_of_edge(y.1)))
        });
        let facts = graph.facts();
        let mut order: Vec<([u32; 4], u32)> = facts
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let key = [
                    name(f.subject),
                    rel(f.predicate),
                    parts.file_rank[f.origin.file as usize],
                    f.origin.line,
                ];
                (key, i as u32)
            })
            .collect();
        order.sort_unstable_by(|x, y| {
            x.0.cmp(&y.0).then_with(|| {
                parts.sets[facts[x.1 as usize].attrs as usize]
                    .cmp(&parts.sets[facts[y.1 as usize].attrs as usize])
            })
        });
        Order {
            entities,
            edges: edges.into_iter().map(|(_, e)| e).collect(),
            facts: order.into_iter().map(|(_, f)| f).collect(),
        }
    }
}
