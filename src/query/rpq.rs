//! Path expressions as automata: `r1|r2`, `^r`, `r1/r2`, `r*`, `r+`, `r?`,
//! `r{m,n}` compile to an NFA whose transitions each follow one stored edge,
//! forwards or backwards. A relation's declared semantics are compiled in:
//! a symmetric relation also steps backwards, an inverse relation steps
//! backwards along its partner, a transitive one repeats. Steps that only a
//! declaration allows are marked derived.

use super::ast::{Name, PathExpr};
use crate::graph::{Graph, Sym};
use crate::parse::PResult;
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::{EdgeIndex, NodeIndex};
use std::collections::VecDeque;

type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// One transition: follow an edge of `relation`, forwards (subject to
/// object) or backwards; `reported` is the relation the step reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub relation: Sym,
    pub forward: bool,
    pub reported: Sym,
    pub derived: bool,
}

/// A nondeterministic automaton over edge steps.
#[derive(Debug, Clone, Default)]
pub struct Nfa {
    pub start: usize,
    pub accept: usize,
    /// Transitions from each state: `None` is an empty move.
    pub moves: Vec<Vec<(Option<Label>, usize)>>,
}

impl Nfa {
    fn state(&mut self) -> usize {
        self.moves.push(Vec::new());
        self.moves.len() - 1
    }

    /// Compiles `expr`; `resolve` turns a relation name into its symbol
    /// (or an error for an unknown one).
    pub fn compile(
        graph: &Graph,
        expr: &PathExpr,
        resolve: &dyn Fn(&Name) -> PResult<Sym>,
    ) -> PResult<Nfa> {
        let mut nfa = Nfa::default();
        let (start, accept) = nfa.fragment(graph, expr, false, resolve)?;
        nfa.start = start;
        nfa.accept = accept;
        Ok(nfa)
    }

    /// At most how many states `expr` compiles to, computed without
    /// building it (a relation is counted as if it were transitive), so
    /// that nested repeats are refused before they take the memory.
    pub fn size_bound(expr: &PathExpr) -> u64 {
        match expr {
            PathExpr::Relation(_) => 4,
            PathExpr::Inverse(e) => Nfa::size_bound(e),
            PathExpr::Sequence(list) => list
                .iter()
                .fold(0u64, |sum, e| sum.saturating_add(Nfa::size_bound(e))),
            PathExpr::Alternative(list) => list
                .iter()
                .fold(2u64, |sum, e| sum.saturating_add(Nfa::size_bound(e))),
            PathExpr::Repeat(e, min, max) => {
                let one = Nfa::size_bound(e);
                let copies = match max {
                    None => u64::from(*min) + 1,
                    Some(max) => u64::from(*max.max(min)) + 1,
                };
                one.saturating_mul(copies).saturating_add(2)
            }
        }
    }

    /// The same paths read from the other end.
    pub fn reversed(&self) -> Nfa {
        let mut moves = vec![Vec::new(); self.moves.len()];
        for (from, list) in self.moves.iter().enumerate() {
            for (label, to) in list {
                let label = label.map(|l| Label {
                    forward: !l.forward,
                    ..l
                });
                moves[*to].push((label, from));
            }
        }
        Nfa {
            start: self.accept,
            accept: self.start,
            moves,
        }
    }

    /// Adds the fragment of `expr` (read backwards when `flip`) and
    /// returns its entry and exit states.
    fn fragment(
        &mut self,
        graph: &Graph,
        expr: &PathExpr,
        flip: bool,
        resolve: &dyn Fn(&Name) -> PResult<Sym>,
    ) -> PResult<(usize, usize)> {
        Ok(match expr {
            PathExpr::Relation(name) => {
                let r = resolve(name)?;
                let (start, end) = self.atom(graph, r, flip, false);
                if graph.transitive(r) {
                    // r, then any number of further r steps, which only the
                    // declaration makes one statement.
                    let (more_start, more_end) = self.atom(graph, r, flip, true);
                    self.moves[end].push((None, more_start));
                    self.moves[more_end].push((None, end));
                }
                (start, end)
            }
            PathExpr::Inverse(e) => self.fragment(graph, e, !flip, resolve)?,
            PathExpr::Sequence(list) => {
                let mut parts = Vec::new();
                for e in list {
                    parts.push(self.fragment(graph, e, flip, resolve)?);
                }
                if flip {
                    parts.reverse();
                }
                for pair in parts.windows(2) {
                    self.moves[pair[0].1].push((None, pair[1].0));
                }
                (parts[0].0, parts[parts.len() - 1].1)
            }
            PathExpr::Alternative(list) => {
                let (start, end) = (self.state(), self.state());
                for e in list {
                    let (s, t) = self.fragment(graph, e, flip, resolve)?;
                    self.moves[start].push((None, s));
                    self.moves[t].push((None, end));
                }
                (start, end)
            }
            PathExpr::Repeat(e, min, max) => {
                let start = self.state();
                let mut end = start;
                for _ in 0..*min {
                    let (s, t) = self.fragment(graph, e, flip, resolve)?;
                    self.moves[end].push((None, s));
                    end = t;
                }
                match max {
                    None => {
                        let (s, t) = self.fragment(graph, e, flip, resolve)?;
                        self.moves[end].push((None, s));
                        self.moves[t].push((None, end));
                    }
                    Some(max) => {
                        let exit = self.state();
                        self.moves[end].push((None, exit));
                        for _ in *min..*max {
                            let (s, t) = self.fragment(graph, e, flip, resolve)?;
                            self.moves[end].push((None, s));
                            self.moves[t].push((None, exit));
                            end = t;
                        }
                        end = exit;
                    }
                }
                (start, end)
            }
        })
    }

    /// One step of relation `r`, with what its declaration adds.
    fn atom(&mut self, graph: &Graph, r: Sym, flip: bool, derived: bool) -> (usize, usize) {
        let (start, end) = (self.state(), self.state());
        let mut add = |relation: Sym, forward: bool, by_declaration: bool| {
            let label = Label {
                relation,
                forward: forward != flip,
                reported: r,
                derived: derived || by_declaration,
            };
            self.moves[start].push((Some(label), end));
        };
        add(r, true, false);
        if graph.symmetric(r) {
            add(r, false, true);
        }
        if let Some(p) = graph.inverse(r) {
            add(p, false, true);
            if graph.symmetric(p) {
                add(p, true, true);
            }
        }
        (start, end)
    }
}

/// A step taken: the edge, where it leads, and how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub from: NodeIndex,
    pub edge: EdgeIndex,
    pub to: NodeIndex,
    pub label: Label,
}

/// What a search from one entity reached in an accepting state: for each
/// entity, the steps of one shortest way there (preferring a way with no
/// derived step), and whether every way there is derived.
pub struct Reached {
    pub ends: Vec<(NodeIndex, Vec<Taken>, bool)>,
    /// The search stopped at its limit or was cancelled.
    pub cut: bool,
    /// How many states the search visited, to count against a limit the
    /// whole query shares.
    pub states: u64,
}

/// Breadth-first search of the product of the graph and the automaton,
/// from `start`, keeping statements that `valid` accepts.
pub fn search(
    graph: &Graph,
    nfa: &Nfa,
    start: NodeIndex,
    valid: &dyn Fn(EdgeIndex) -> bool,
    target: Option<NodeIndex>,
    max_states: u64,
) -> Reached {
    // (node, state, derived) -> the step that reached it, from which key.
    type Key = (NodeIndex, usize, bool);
    let mut parent: HashMap<Key, Option<(Key, Taken)>> = HashMap::default();
    let mut queue: VecDeque<Key> = VecDeque::new();
    let first = (start, nfa.start, false);
    parent.insert(first, None);
    queue.push_back(first);
    let mut states = 0u64;
    let mut cut = false;
    let mut accepted: Vec<Key> = Vec::new();
    while let Some(key) = queue.pop_front() {
        states += 1;
        if states > max_states || crate::cancel::requested() {
            cut = true;
            break;
        }
        let (node, state, derived) = key;
        if state == nfa.accept {
            accepted.push(key);
            if target == Some(node) && !derived {
                break;
            }
        }
        for (label, next) in &nfa.moves[state] {
            match label {
                None => {
                    let k = (node, *next, derived);
                    let seen = parent.contains_key(&k)
                        || (derived && parent.contains_key(&(node, *next, false)));
                    if !seen {
                        parent.insert(k, parent[&key]);
                        queue.push_front(k);
                    }
                }
                Some(l) => {
                    let dir = if l.forward { Outgoing } else { Incoming };
                    // Only the edges of the label's relation (a hub's row
                    // by relation, not all its edges).
                    let row = graph.edges_of(l.relation, Some((node, dir)), None);
                    for e in row.iter().map(|&i| graph.edge_ref(i)) {
                        if e.weight.relation != l.relation || !valid(e.id) {
                            continue;
                        }
                        let to = if l.forward { e.target } else { e.source };
                        let d = derived || l.derived;
                        let k = (to, *next, d);
                        if parent.contains_key(&k)
                            || (d && parent.contains_key(&(to, *next, false)))
                        {
                            continue;
                        }
                        parent.insert(
                            k,
                            Some((
                                key,
                                Taken {
                                    from: node,
                                    edge: e.id,
                                    to,
                                    label: *l,
                                },
                            )),
                        );
                        queue.push_back(k);
                    }
                }
            }
        }
    }
    // One way to each entity reached: a non-derived one when there is one.
    let mut best: HashMap<NodeIndex, Key> = HashMap::default();
    // Entities in the order the breadth-first search first accepted them:
    // nearest first.
    let mut order: Vec<NodeIndex> = Vec::new();
    for key in accepted {
        if !best.contains_key(&key.0) {
            order.push(key.0);
        }
        match best.get(&key.0) {
            Some(old) if !old.2 || key.2 => {}
            _ => {
                best.insert(key.0, key);
            }
        }
    }
    // Each end's steps, nearest first, until they would hold more steps
    // than the search may visit states (a long chain has as many ends as
    // entities and as many steps to each: quadratic room otherwise).
    let mut held = 0u64;
    let mut ends = Vec::with_capacity(best.len());
    for node in order {
        let key = best[&node];
        let mut steps = Vec::new();
        let mut k = key;
        while let Some(Some((prev, taken))) = parent.get(&k) {
            steps.push(*taken);
            k = *prev;
        }
        held += steps.len() as u64;
        if held > max_states {
            cut = true;
            break;
        }
        steps.reverse();
        ends.push((node, steps, key.2));
    }
    ends.sort_by_key(|(n, _, _)| *n);
    Reached { ends, cut, states }
}
