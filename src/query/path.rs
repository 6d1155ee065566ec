//! `path A B` (a shortest path, by bidirectional breadth-first search) and
//! `paths A B max N limit K` (every simple path, shortest first, bounded).

use super::eval::*;

impl<'g> Eval<'g> {
    /// A shortest path by bidirectional breadth-first search: the side with
    /// the smaller frontier grows by a whole level at a time, and the search
    /// ends at the first level where the two sides meet.
    pub(super) fn path(
        &self,
        a: NodeIndex,
        b: NodeIndex,
        forward: bool,
        via: Option<&Via>,
    ) -> Option<Vec<Hop>> {
        if a == b {
            return Some(Vec::new());
        }
        let (fwd_dir, back_dir) = if forward {
            (Direction::Out, Direction::In)
        } else {
            (Direction::Both, Direction::Both)
        };
        // node -> (previous node, edge, direction of the step taken), and depth
        let mut from_a: HashMap<NodeIndex, (NodeIndex, EdgeIndex, Direction, u32, Sym, bool)> =
            HashMap::default();
        let mut from_b: HashMap<NodeIndex, (NodeIndex, EdgeIndex, Direction, u32, Sym, bool)> =
            HashMap::default();
        from_a.insert(a, (a, EdgeIndex::end(), Direction::Out, 0, 0, false));
        from_b.insert(b, (b, EdgeIndex::end(), Direction::Out, 0, 0, false));
        let (mut front_a, mut front_b) = (vec![a], vec![b]);
        while !front_a.is_empty() && !front_b.is_empty() {
            // Grow the side whose frontier has fewer edges to walk.
            let (weight_a, weight_b) = (
                self.weight(&front_a, fwd_dir),
                self.weight(&front_b, back_dir),
            );
            let (front, seen, other, dir, weight) = if weight_a <= weight_b {
                (&mut front_a, &mut from_a, &from_b, fwd_dir, weight_a)
            } else {
                (&mut front_b, &mut from_b, &from_a, back_dir, weight_b)
            };
            // Room for every entity the level can reach, at once: growing
            // the table step by step was a sixth of a search.
            seen.reserve(weight);
            let mut next = Vec::with_capacity(weight);
            let mut meet: Option<(u32, &str, NodeIndex)> = None;
            for &u in front.iter() {
                if crate::cancel::requested() {
                    return None;
                }
                let depth = seen[&u].3 + 1;
                self.each_step(u, dir, via, |t| {
                    let (edge, v, d) = (t.edge, t.to, t.direction);
                    let std::collections::hash_map::Entry::Vacant(e) = seen.entry(v) else {
                        return;
                    };
                    e.insert((u, edge, d, depth, t.relation, t.derived));
                    next.push(v);
                    if let Some(o) = other.get(&v) {
                        let candidate = (depth + o.3, self.name(v), v);
                        if meet.is_none_or(|m| candidate < m) {
                            meet = Some(candidate);
                        }
                    }
                });
            }
            *front = next;
            if let Some((_, _, m)) = meet {
                return Some(self.join(m, &from_a, &from_b));
            }
        }
        None
    }

    /// The hops from `a` to the meeting node and on to `b`.
    pub(super) fn join(
        &self,
        meet: NodeIndex,
        from_a: &HashMap<NodeIndex, (NodeIndex, EdgeIndex, Direction, u32, Sym, bool)>,
        from_b: &HashMap<NodeIndex, (NodeIndex, EdgeIndex, Direction, u32, Sym, bool)>,
    ) -> Vec<Hop> {
        let mut hops = Vec::new();
        let mut node = meet;
        while from_a[&node].3 > 0 {
            let (prev, edge, direction, _, relation, derived) = from_a[&node];
            hops.push(Hop {
                from: prev,
                edge,
                to: node,
                direction,
                relation,
                derived,
                contested: false,
            });
            node = prev;
        }
        hops.reverse();
        let mut node = meet;
        while from_b[&node].3 > 0 {
            // The b side walked from `prev` to `node`; the path goes back.
            let (prev, edge, direction, _, relation, derived) = from_b[&node];
            hops.push(Hop {
                from: node,
                edge,
                to: prev,
                direction: flip(direction),
                relation,
                derived,
                contested: false,
            });
            node = prev;
        }
        hops
    }

    /// Every simple path of at most `max` hops, shortest first, at most
    /// `limit` of them, met in the middle: a ball of known distances grows
    /// around `b` and a ball around `a`, a level at a time, the side whose
    /// frontier has fewer edges first, until their depths add up to `max`.
    /// The depth-first search from `a` then enters only entities that can
    /// still reach `b` in the hops left (outside `b`'s ball an entity is
    /// further than its depth), and its last hops, which must land in
    /// `b`'s ball, look the ball's few entities up in the adjacency index
    /// rather than walk a hub's edges.
    pub(super) fn paths(
        &self,
        a: NodeIndex,
        b: NodeIndex,
        forward: bool,
        via: Option<&Via>,
        max: u32,
        limit: usize,
    ) -> (Vec<Vec<Hop>>, bool, bool) {
        let (fwd_dir, back_dir) = if forward {
            (Direction::Out, Direction::In)
        } else {
            (Direction::Both, Direction::Both)
        };
        let mut states = 0u64;
        let mut to_b: HashMap<NodeIndex, u32> = HashMap::default();
        to_b.insert(b, 0);
        let mut levels_b = vec![vec![b]];
        let mut seen_a: HashSet<NodeIndex> = HashSet::default();
        seen_a.insert(a);
        let mut front_a = vec![a];
        let (mut depth_a, mut depth_b) = (0, 0);
        while depth_a + depth_b < max && !levels_b[depth_b as usize].is_empty() {
            let front_b = &levels_b[depth_b as usize];
            let grow_a = !front_a.is_empty()
                && self.weight(&front_a, fwd_dir) < self.weight(front_b, back_dir);
            let mut next = Vec::new();
            if grow_a {
                // a's ball only weighs the next level; its last level would
                // weigh nothing, and the search from a walks it anyway.
                if depth_a + depth_b + 1 == max {
                    break;
                }
                for &u in &front_a {
                    self.each_step(u, fwd_dir, via, |t| {
                        states += 1;
                        if seen_a.insert(t.to) {
                            next.push(t.to);
                        }
                    });
                }
                front_a = next;
                depth_a += 1;
            } else {
                for &u in front_b {
                    self.each_step(u, back_dir, via, |t| {
                        states += 1;
                        if let std::collections::hash_map::Entry::Vacant(e) = to_b.entry(t.to) {
                            e.insert(depth_b + 1);
                            next.push(t.to);
                        }
                    });
                }
                levels_b.push(next);
                depth_b += 1;
            }
            if states > self.limits.max_states || crate::cancel::requested() {
                return (Vec::new(), true, true);
            }
        }
        drop(seen_a);
        // Entities outside the ball are further from b than its depth, or
        // cannot reach b at all when the ball stopped growing.
        let far = if levels_b[depth_b as usize].is_empty() {
            u32::MAX
        } else {
            depth_b + 1
        };
        let mut found: Vec<Vec<Hop>> = Vec::new();
        let (mut truncated, mut by_states) = (false, false);
        for length in 1..=max {
            if to_b.get(&a).copied().unwrap_or(far) > length {
                continue;
            }
            let mut level: Vec<Vec<Hop>> = Vec::new();
            let mut path = Vec::new();
            let mut on_path = HashSet::default();
            on_path.insert(a);
            let done = self.extend(
                &mut Search {
                    max_states: self.limits.max_states,
                    b,
                    length,
                    dir: fwd_dir,
                    via,
                    to_b: &to_b,
                    levels_b: &levels_b,
                    far,
                    limit: limit + 1 - found.len().min(limit),
                    states: &mut states,
                },
                a,
                &mut path,
                &mut on_path,
                &mut level,
            );
            let mut seen = HashSet::default();
            level.retain(|p| seen.insert(self.hop_keys(p)));
            level.sort_by(|x, y| self.hop_keys(x).cmp(&self.hop_keys(y)));
            found.extend(level);
            if found.len() > limit || !done {
                truncated = true;
                by_states =
                    !done && (states > self.limits.max_states || crate::cancel::requested());
                break;
            }
        }
        found.truncate(limit);
        (found, truncated, by_states)
    }

    /// How many edges a search would walk from `front`.
    pub(super) fn weight(&self, front: &[NodeIndex], direction: Direction) -> usize {
        let declared = self.graph.has_declarations();
        front
            .iter()
            .map(|&n| match direction {
                Direction::Out if !declared => self.graph.degree(n, Outgoing),
                Direction::In if !declared => self.graph.degree(n, Incoming),
                _ => self.graph.degree(n, Outgoing) + self.graph.degree(n, Incoming),
            })
            .sum()
    }

    /// The steps from `u` to any of `targets`, found by binary search in
    /// the adjacency index (stored edges only: with declarations, use
    /// `steps`). Same filters as `steps`.
    pub(super) fn steps_to(
        &self,
        u: NodeIndex,
        direction: Direction,
        via: Option<&Via>,
        targets: &[NodeIndex],
    ) -> Vec<StepTo> {
        let mut out = Vec::new();
        for (dir, d) in [(Outgoing, Direction::Out), (Incoming, Direction::In)] {
            if direction != Direction::Both && direction != d {
                continue;
            }
            for &t in targets {
                let rank = self.graph.name_rank(t);
                for e in self.graph.adjacent_to(u, dir, rank) {
                    if direction == Direction::Both && d == Direction::In && e.source == e.target {
                        continue;
                    }
                    let r = e.weight.relation;
                    if via.is_some_and(|v| !v.contains(&r)) || !self.valid(e.id) {
                        continue;
                    }
                    out.push(StepTo {
                        edge: e.id,
                        to: t,
                        direction: d,
                        relation: r,
                        derived: false,
                    });
                }
            }
        }
        out
    }

    pub(super) fn hop_keys(&self, path: &[Hop]) -> Vec<(&'g str, &'g str, &'static str)> {
        path.iter()
            .map(|h| {
                (
                    self.graph.relations.name(h.relation),
                    self.name(h.to),
                    dir_name(h.direction),
                )
            })
            .collect()
    }

    /// Extends `path` (ending at `u`) to paths of exactly `search.length`
    /// hops ending at `b`. Returns false when a limit stopped it.
    pub(super) fn extend(
        &self,
        search: &mut Search<'_>,
        u: NodeIndex,
        path: &mut Vec<Hop>,
        on_path: &mut HashSet<NodeIndex>,
        out: &mut Vec<Vec<Hop>>,
    ) -> bool {
        let left = search.length - path.len() as u32;
        // The next entity must be within left - 1 hops of b: when that is
        // inside b's ball and the ball's entities are fewer than u's edges,
        // look them up instead of walking the edges.
        let steps = if left - 1 < search.far && !self.graph.has_declarations() {
            let near: Vec<NodeIndex> = search.levels_b
                [..(left as usize).min(search.levels_b.len())]
                .iter()
                .flatten()
                .copied()
                .collect();
            if near.len() < self.weight(&[u], search.dir) {
                self.steps_to(u, search.dir, search.via, &near)
            } else {
                self.steps(u, search.dir, search.via)
            }
        } else {
            self.steps(u, search.dir, search.via)
        };
        for t in steps {
            let (edge, v, direction) = (t.edge, t.to, t.direction);
            *search.states += 1;
            if *search.states > search.max_states
                || out.len() >= search.limit
                || crate::cancel::requested()
            {
                return false;
            }
            let distance = search.to_b.get(&v).copied().unwrap_or(search.far);
            if on_path.contains(&v) || distance > left - 1 {
                continue;
            }
            path.push(Hop {
                from: u,
                edge,
                to: v,
                direction,
                relation: t.relation,
                derived: t.derived,
                contested: false,
            });
            if left == 1 {
                if v == search.b {
                    out.push(path.clone());
                }
            } else if v != search.b {
                on_path.insert(v);
                let go_on = self.extend(search, v, path, on_path, out);
                on_path.remove(&v);
                if !go_on {
                    path.pop();
                    return false;
                }
            }
            path.pop();
        }
        true
    }
}

pub(super) struct Search<'a> {
    pub(super) max_states: u64,
    pub(super) b: NodeIndex,
    pub(super) length: u32,
    pub(super) dir: Direction,
    pub(super) via: Option<&'a Via>,
    pub(super) to_b: &'a HashMap<NodeIndex, u32>,
    /// The entities of b's ball by distance.
    pub(super) levels_b: &'a [Vec<NodeIndex>],
    /// The least distance to b of an entity outside the ball.
    pub(super) far: u32,
    pub(super) limit: usize,
    pub(super) states: &'a mut u64,
}
