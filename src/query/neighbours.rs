//! `neighbours NAME [out|in|both] [via ...] [depth N]`: the steps from an
//! entity, stored and derived from relation declarations, level by level.

use super::eval::*;

impl<'g> Eval<'g> {
    pub(super) fn name(&self, node: NodeIndex) -> &'g str {
        &self.graph.entity(node).name
    }

    /// The edges of `node` that a search may follow, as (edge, other end,
    /// direction), in the graph's order.
    /// The steps a search may take from `node`: stored edges in
    /// `direction` (of the `via` relations, valid `as of` the query's
    /// date), and the steps relation declarations add, marked derived: a
    /// symmetric relation's edges against their direction, and an inverse
    /// relation's partner's edges against theirs. Each step says the
    /// relation it reads as.
    pub(super) fn steps(
        &self,
        node: NodeIndex,
        direction: Direction,
        via: Option<&Via>,
    ) -> Vec<StepTo> {
        let mut out = Vec::new();
        self.each_step(node, direction, via, |t| out.push(t));
        out
    }

    /// [`Eval::steps`], each given to `each` as it is found (no list).
    pub(super) fn each_step(
        &self,
        node: NodeIndex,
        direction: Direction,
        via: Option<&Via>,
        mut each: impl FnMut(StepTo),
    ) {
        let g = self.graph.petgraph();
        let valid = |e: EdgeIndex| {
            self.as_of
                .is_none_or(|d| valid_on(self.graph, g[e].attrs, d))
        };
        let wanted = |r: Sym| via.is_none_or(|v| v.contains(&r));
        let both = direction == Direction::Both;
        for (dir, d) in [(Outgoing, Direction::Out), (Incoming, Direction::In)] {
            let forward = matches!(direction, Direction::Both) || direction == d;
            for e in self.graph.adjacent(node, dir) {
                if !valid(e.id) {
                    continue;
                }
                let other = if d == Direction::Out {
                    e.target
                } else {
                    e.source
                };
                // With both directions, a loop is one step, not two.
                if both && d == Direction::In && e.source == e.target {
                    continue;
                }
                let r = e.weight.relation;
                if forward && wanted(r) {
                    each(StepTo {
                        edge: e.id,
                        to: other,
                        direction: d,
                        relation: r,
                        derived: false,
                    });
                }
                if !self.graph.has_declarations() {
                    continue;
                }
                // A symmetric relation's edge read against its direction.
                if !forward && self.graph.symmetric(r) && wanted(r) {
                    each(StepTo {
                        edge: e.id,
                        to: other,
                        direction,
                        relation: r,
                        derived: true,
                    });
                }
                // `a r b` is `b v a` when v is declared r's inverse: from
                // here, a step of v in the other direction. With no `via`
                // and both directions it is the same step as the stored
                // one, so it is left out.
                if let Some(v) = self.graph.inverse(r) {
                    let implied = flip(d);
                    let includes = direction == Direction::Both || direction == implied;
                    if includes && wanted(v) && !(via.is_none() && both) {
                        each(StepTo {
                            edge: e.id,
                            to: other,
                            direction: implied,
                            relation: v,
                            derived: true,
                        });
                    }
                }
            }
        }
    }

    pub(super) fn neighbours(
        &self,
        start: NodeIndex,
        direction: Direction,
        via: Option<&Via>,
        depth: u32,
    ) -> (Vec<Neighbour>, bool) {
        let stored_only = via.is_none() && self.as_of.is_none() && !self.graph.has_declarations();
        if stored_only && depth == 1 {
            return (self.stored_neighbours(start, direction), false);
        }
        let mut out: Vec<Neighbour> = Vec::new();
        if depth == 1 {
            self.each_step(start, direction, via, |t| {
                out.push(Neighbour {
                    entity: t.to,
                    edge: t.edge,
                    direction: t.direction,
                    depth: 1,
                    relation: t.relation,
                    derived: t.derived,
                    contested: false,
                })
            });
        }
        let mut truncated = false;
        if depth > 1 {
            // Each entity once, at its smallest depth, with the smallest
            // (relation, direction, previous entity) of the hops that reach
            // it from the level before.
            let mut seen: HashSet<NodeIndex> = HashSet::default();
            seen.insert(start);
            let mut frontier = vec![start];
            let mut states = 0u64;
            for level in 1..=depth {
                if crate::cancel::requested() || truncated {
                    break;
                }
                let mut best: HashMap<NodeIndex, (StepTo, NodeIndex)> = HashMap::default();
                for &u in &frontier {
                    states += self.weight(&[u], direction) as u64 + 1;
                    if states > self.limits.max_states {
                        truncated = true;
                        break;
                    }
                    for t in self.steps(u, direction, via) {
                        if seen.contains(&t.to) {
                            continue;
                        }
                        let key = |(t, p): (StepTo, NodeIndex)| {
                            (
                                t.derived,
                                self.graph.relations.name(t.relation),
                                dir_name(t.direction),
                                self.name(p),
                            )
                        };
                        match best.get(&t.to) {
                            Some(&old) if key(old) <= key((t, u)) => {}
                            _ => {
                                best.insert(t.to, (t, u));
                            }
                        }
                    }
                }
                if best.is_empty() {
                    break;
                }
                frontier = best.keys().copied().collect();
                seen.extend(frontier.iter().copied());
                out.extend(best.into_iter().map(|(v, (t, _))| Neighbour {
                    entity: v,
                    edge: t.edge,
                    direction: t.direction,
                    depth: level,
                    relation: t.relation,
                    derived: t.derived,
                    contested: false,
                }));
            }
        }
        // By depth, name, relation name, direction as written and edge.
        let dir_order = |d: Direction| match d {
            Direction::Both => 0u8,
            Direction::In => 1,
            Direction::Out => 2,
        };
        let key = |n: &Neighbour| {
            (
                n.depth,
                self.graph.name_rank(n.entity),
                self.graph.relation_rank(n.relation),
                dir_order(n.direction),
                n.edge,
            )
        };
        out.sort_by_cached_key(key);
        (out, truncated)
    }

    /// One level of stored edges in `direction`, in answer order (by name,
    /// relation name, direction as written, edge). The adjacency index
    /// keeps each direction's edges in that order, so one direction is its
    /// row as it is, and both are the two rows merged. The rows are copied
    /// in loops tight enough that many edges' reads are in flight at once
    /// (through `each_step` a hub took twice as long).
    pub(super) fn stored_neighbours(
        &self,
        start: NodeIndex,
        direction: Direction,
    ) -> Vec<Neighbour> {
        let record = |(e, dir): (crate::graph::EdgeRef<'g>, _)| {
            let (entity, direction) = if dir == Outgoing {
                (e.target, Direction::Out)
            } else {
                (e.source, Direction::In)
            };
            Neighbour {
                entity,
                edge: e.id,
                direction,
                depth: 1,
                relation: e.weight.relation,
                derived: false,
                contested: false,
            }
        };
        match direction {
            Direction::Out | Direction::In => {
                let dir = if direction == Direction::Out {
                    Outgoing
                } else {
                    Incoming
                };
                let row = self.graph.adjacent(start, dir);
                return row.map(|e| record((e, dir))).collect();
            }
            Direction::Both => {}
        }
        if let Some(both) = self.graph.adjacent_both(start) {
            return both.map(record).collect();
        }
        // Both rows in one list, outgoing first.
        let outs = self.graph.adjacent(start, Outgoing);
        let ins = self.graph.adjacent(start, Incoming);
        let mut all: Vec<Neighbour> = Vec::with_capacity(outs.len() + ins.len());
        all.extend(outs.map(|e| record((e, Outgoing))));
        let split = all.len();
        // A loop is in both rows, and one step, not two.
        let ins = ins.filter(|e| e.source != e.target);
        all.extend(ins.map(|e| record((e, Incoming))));
        if split == 0 || split == all.len() {
            return all;
        }
        let key = |n: &Neighbour| {
            self.graph
                .neighbour_key(n.entity, n.relation, n.direction == Direction::Out)
        };
        if all.len() <= SMALL_SORT {
            // Sorted in place: stable, so each direction keeps its order.
            all.sort_by_key(key);
            return all;
        }
        let (outs, ins) = all.split_at(split);
        let mut merged = Vec::with_capacity(all.len());
        let (short, long) = if outs.len() <= ins.len() {
            (outs, ins)
        } else {
            (ins, outs)
        };
        if short.len() * 32 < long.len() {
            // Each record of the much shorter run finds its place in the
            // longer by binary search, and the longer run is copied a block
            // at a time: a hub's thousands of edges one way need no key
            // each (a key is a look-up at random in the name order).
            let mut j = 0;
            for n in short {
                let k = key(n);
                let at = j + long[j..].partition_point(|m| key(m) < k);
                merged.extend_from_slice(&long[j..at]);
                merged.push(*n);
                j = at;
            }
            merged.extend_from_slice(&long[j..]);
            return merged;
        }
        // Every key first, in one pass whose look-ups in the name order
        // do not wait on each other (the merge's comparisons would wait on
        // each).
        let ko: Vec<u64> = outs.iter().map(key).collect();
        let ki: Vec<u64> = ins.iter().map(key).collect();
        // Without a branch on the comparison: a hub's two directions
        // interleave at random, and a mispredicted branch a record cost
        // more than the rest of the merge.
        let (mut i, mut j) = (0, 0);
        while i < outs.len() && j < ins.len() {
            let take_out = ko[i] < ki[j];
            let next = if take_out { &outs[i] } else { &ins[j] };
            merged.push(*next);
            i += take_out as usize;
            j += !take_out as usize;
        }
        merged.extend_from_slice(&outs[i..]);
        merged.extend_from_slice(&ins[j..]);
        merged
    }
}
