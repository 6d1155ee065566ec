//! Path expressions (`via r1|r2`, `^r`, `r+`, ...) evaluated over the
//! graph: the neighbours, paths and shortest path that match one.

use super::eval::*;

impl<'g> Eval<'g> {
    /// Neighbours through a path expression: each step is one match of
    /// the expression (read backwards for `in`, both ways for `both`), and
    /// an entry names the last hop of one shortest match.
    pub(super) fn expression_neighbours(
        &self,
        start: NodeIndex,
        direction: Direction,
        expr: &PathExpr,
        depth: u32,
    ) -> PResult<(Vec<Neighbour>, bool)> {
        let forward = self.automaton(expr)?;
        let automata: Vec<super::rpq::Nfa> = match direction {
            Direction::Out => vec![forward],
            Direction::In => vec![forward.reversed()],
            Direction::Both => vec![forward.reversed(), forward],
        };
        let mut seen: HashSet<NodeIndex> = HashSet::default();
        seen.insert(start);
        let mut frontier = vec![start];
        let mut out: Vec<Neighbour> = Vec::new();
        // Every search's states count against one limit for the query.
        let mut left = self.limits.max_states;
        let mut truncated = false;
        'levels: for level in 1..=depth {
            let mut next: HashMap<NodeIndex, Neighbour> = HashMap::default();
            for &u in &frontier {
                for nfa in &automata {
                    let reached =
                        super::rpq::search(self.graph, nfa, u, &|e| self.valid(e), None, left);
                    left = left.saturating_sub(reached.states.max(1));
                    if reached.cut || left == 0 {
                        truncated = true;
                    }
                    for (v, steps, derived) in reached.ends {
                        let Some(last) = steps.last() else { continue };
                        if seen.contains(&v) {
                            continue;
                        }
                        let n = Neighbour {
                            entity: v,
                            edge: last.edge,
                            direction: if last.label.forward {
                                Direction::Out
                            } else {
                                Direction::In
                            },
                            depth: level,
                            relation: last.label.reported,
                            derived,
                            contested: false,
                        };
                        next.entry(v).or_insert(n);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next.keys().copied().collect();
            seen.extend(frontier.iter().copied());
            out.extend(next.into_values());
            if truncated {
                break 'levels;
            }
        }
        let mut keyed: Vec<_> = out
            .into_iter()
            .map(|n| {
                (
                    (
                        n.depth,
                        self.name(n.entity),
                        self.graph.relations.name(n.relation),
                        dir_name(n.direction),
                        n.edge,
                    ),
                    n,
                )
            })
            .collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok((keyed.into_iter().map(|(_, n)| n).collect(), truncated))
    }

    /// Every simple path of at most `max` hops that matches a path
    /// expression, shortest first, at most `limit` of them: a depth-first
    /// search of the graph and the expression's automaton together.
    pub(super) fn expression_paths(
        &self,
        a: NodeIndex,
        b: NodeIndex,
        expr: &PathExpr,
        max: u32,
        limit: usize,
    ) -> PResult<(Vec<Vec<Hop>>, bool, bool)> {
        let nfa = self.automaton(expr)?;
        let mut found: Vec<Vec<Hop>> = Vec::new();
        let mut states = 0u64;
        let mut cut = false;
        let mut path: Vec<Hop> = Vec::new();
        let mut on_path: Vec<NodeIndex> = vec![a];
        #[allow(clippy::too_many_arguments)]
        fn walk(
            eval: &Eval<'_>,
            nfa: &super::rpq::Nfa,
            node: NodeIndex,
            state: usize,
            b: NodeIndex,
            max: u32,
            path: &mut Vec<Hop>,
            on_path: &mut Vec<NodeIndex>,
            found: &mut Vec<Vec<Hop>>,
            states: &mut u64,
            cut: &mut bool,
            visiting: &mut HashSet<usize>,
        ) {
            *states += 1;
            if *states > eval.limits.max_states || crate::cancel::requested() {
                *cut = true;
                return;
            }
            // The states reached by empty moves at this entity after these
            // hops: a state reached again, by whichever empty moves, goes on
            // exactly as it did the first time.
            if !visiting.insert(state) {
                return;
            }
            if state == nfa.accept && node == b && !path.is_empty() {
                found.push(path.clone());
            }
            for (label, next) in &nfa.moves[state] {
                match label {
                    // Empty moves chain as long as the automaton is: past
                    // the red zone, on a new stack segment.
                    None => stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                        walk(
                            eval, nfa, node, *next, b, max, path, on_path, found, states, cut,
                            visiting,
                        )
                    }),
                    Some(l) if (path.len() as u32) < max => {
                        let dir = if l.forward { Outgoing } else { Incoming };
                        for e in eval.graph.adjacent(node, dir) {
                            if e.weight.relation != l.relation || !eval.valid(e.id) {
                                continue;
                            }
                            let to = if l.forward { e.target } else { e.source };
                            if on_path.contains(&to) {
                                continue;
                            }
                            let direction = if l.derived || l.forward {
                                Direction::Out
                            } else {
                                Direction::In
                            };
                            path.push(Hop {
                                from: node,
                                edge: e.id,
                                to,
                                direction,
                                relation: l.reported,
                                derived: l.derived,
                                contested: false,
                            });
                            on_path.push(to);
                            let mut inner = HashSet::default();
                            stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                                walk(
                                    eval, nfa, to, *next, b, max, path, on_path, found, states,
                                    cut, &mut inner,
                                )
                            });
                            on_path.pop();
                            path.pop();
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        let mut visiting = HashSet::default();
        walk(
            self,
            &nfa,
            a,
            nfa.start,
            b,
            max,
            &mut path,
            &mut on_path,
            &mut found,
            &mut states,
            &mut cut,
            &mut visiting,
        );
        // The same hops found twice (a transitive relation's own repeat
        // and the expression's): keep the reading with fewest derived hops.
        let derived = |p: &[Hop]| p.iter().filter(|h| h.derived).count();
        found.sort_by(|x, y| {
            (x.len(), self.hop_keys(x), derived(x)).cmp(&(y.len(), self.hop_keys(y), derived(y)))
        });
        let mut seen = HashSet::default();
        found.retain(|p| seen.insert(self.hop_keys(p)));
        let truncated = cut || found.len() > limit;
        found.truncate(limit);
        Ok((found, truncated, cut))
    }

    /// A shortest path that matches a path expression, step by step.
    pub(super) fn expression_path(
        &self,
        a: NodeIndex,
        b: NodeIndex,
        expr: &PathExpr,
    ) -> PResult<(Option<Vec<Hop>>, bool)> {
        let nfa = self.automaton(expr)?;
        let reached = super::rpq::search(
            self.graph,
            &nfa,
            a,
            &|e| self.valid(e),
            Some(b),
            self.limits.max_states,
        );
        let truncated = reached.cut;
        let path = reached
            .ends
            .into_iter()
            .find(|(n, _, _)| *n == b)
            .map(|(_, steps, _)| {
                steps
                    .into_iter()
                    .map(|t| Hop {
                        from: t.from,
                        edge: t.edge,
                        to: t.to,
                        direction: if t.label.forward {
                            Direction::Out
                        } else {
                            Direction::In
                        },
                        relation: t.label.reported,
                        derived: t.label.derived,
                        contested: false,
                    })
                    .map(|mut h| {
                        // A derived step reads as its own statement, forwards.
                        if h.derived {
                            h.direction = Direction::Out;
                        }
                        h
                    })
                    .collect()
            });
        // Found: the shortest, whatever the limit cut later.
        let truncated = truncated && path.is_none();
        Ok((path, truncated))
    }
}
