//! What a snapshot's stored index is checked against before it is used:
//! the name order, the adjacency rows (each in one pass rather than the
//! sorts that would make them) and the word index, on threads of their own.

use super::index::{Index, Rows};
use super::*;

impl Graph {
    /// Checks a snapshot's name order and rows against the graph, in one
    /// pass each instead of the sorts that would make them: the ranks are
    /// a permutation that puts the names in strictly increasing order; each
    /// edge is in exactly one row of each direction, its own end's, and a
    /// row is in the order [`Graph::rows`] gives (the other end's rank,
    /// the relation's rank, the edge). Two stored statements alike in ends,
    /// relation and attributes, which a load merges, are refused too.
    pub(crate) fn check_order(
        &self,
        index: &Index,
        name_rank: &[u32],
        out: &Rows,
        incoming: &Rows,
        words: &WordIndex,
    ) -> Result<Vec<u64>, String> {
        // Four passes, each on a thread: the two directions' rows, the
        // name order (each reads the edges or names at random), and the
        // word index.
        std::thread::scope(|scope| {
            let names = scope.spawn(|| self.check_names(name_rank));
            let outgoing = scope.spawn(|| self.check_rows(index, name_rank, out, true));
            let words = scope.spawn(|| self.check_words(words));
            let incoming = self.check_rows(index, name_rank, incoming, false);
            names.join().expect("the name check")?;
            outgoing.join().expect("the row check")?;
            incoming?;
            words.join().expect("the word check")
        })
    }

    /// The name order is a permutation that sorts the names.
    pub(crate) fn check_names(&self, name_rank: &[u32]) -> Result<(), String> {
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
    pub(crate) fn check_rows(
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
}
