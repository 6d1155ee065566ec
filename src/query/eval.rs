//! Query evaluation over a read-only graph.
//!
//! The evaluator never changes the graph. Answers hold node and edge
//! indices; `output` turns them into tables, JSON or CSV. Every answer is
//! sorted, so the same query on the same files gives the same bytes.

use super::ast::{
    AttrTerm, Clause, Condition, Direction, Name, Op, Operand, PathExpr, Pattern, Predicate, Query,
    QueryLine, Term,
};
use crate::ast::Span;
use crate::diagnostic::{Diagnostic, FileId};
use crate::graph::{Graph, Sym};
use crate::parse::PResult;
use crate::suggest::did_you_mean;
use crate::value::Value;
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::{EdgeIndex, NodeIndex};
use std::cmp::Ordering;
use std::collections::BTreeSet;

// Fixed-seed fast hashing: the searches below iterate some of these maps,
// and answers must be the same bytes on every run.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// Up to this many records, one level of neighbours both ways is sorted in
/// place (an insertion sort, no allocation) rather than merged from its two
/// runs into a new list.
const SMALL_SORT: usize = 20;

/// By default, at most this many search states (paths extended, clause
/// matches tried) before a `paths` search or a pattern stops with a
/// partial answer.
pub const DEFAULT_MAX_STATES: u64 = 20_000_000;
/// The most states a path expression's automaton may have.
pub const MAX_AUTOMATON: u64 = 1_000_000;

static MAX_STATES: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(DEFAULT_MAX_STATES);

/// Sets the search limit (`--max-states`).
pub fn set_max_states(n: u64) {
    MAX_STATES.store(n, std::sync::atomic::Ordering::Relaxed);
}

fn max_states() -> u64 {
    MAX_STATES.load(std::sync::atomic::Ordering::Relaxed)
}

/// The most distinct rows a pattern gathers before it stops with a partial
/// answer: each row is held until the answer is printed in order.
pub const DEFAULT_MAX_ROWS: u64 = 1_000_000;

static MAX_ROWS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(DEFAULT_MAX_ROWS);

/// Sets the row limit (`--max-rows`).
pub fn set_max_rows(n: u64) {
    MAX_ROWS.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// What a query answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The neighbours, and whether a limit stopped the search.
    Neighbours(Vec<Neighbour>, bool),
    /// `None` when there is no path; `true` when a limit stopped the
    /// search first (so "no path" is not an answer but a partial one).
    Path(Option<Vec<Hop>>, bool),
    Paths {
        paths: Vec<Vec<Hop>>,
        truncated: bool,
        /// The search stopped at `--max-states` (or was cancelled) rather
        /// than at the query's `limit`.
        by_states: bool,
    },
    Rows(Rows),
    /// The number of rows, and whether a limit stopped the search.
    Count(usize, bool),
    Show(NodeIndex),
}

/// One entry of a neighbourhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Neighbour {
    pub entity: NodeIndex,
    /// The edge of the last hop to the entity.
    pub edge: EdgeIndex,
    /// `Out` when the statement reads `previous relation entity`.
    pub direction: Direction,
    pub depth: u32,
    /// The relation the last hop reads as.
    pub relation: Sym,
    /// Only a relation declaration makes the last hop a statement.
    pub derived: bool,
}

/// One step of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hop {
    pub from: NodeIndex,
    pub edge: EdgeIndex,
    pub to: NodeIndex,
    /// `Out` when the statement reads `from relation to`, `In` when it
    /// reads `to relation from`.
    pub direction: Direction,
    /// The relation the hop reads as (another than the edge's when a
    /// declaration derives it).
    pub relation: Sym,
    /// Only a relation declaration makes this hop a statement.
    pub derived: bool,
}

/// The answer to a pattern: distinct rows, sorted, and what they touch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// Every entity and edge that some match bound.
    pub nodes: BTreeSet<NodeIndex>,
    pub edges: BTreeSet<EdgeIndex>,
    /// The search stopped at its limit of states.
    pub truncated: bool,
    /// For each row, whether only relation declarations derive it.
    pub derived: Vec<bool>,
    /// For each row, the statements its matches rest on.
    pub sources: Vec<(Vec<EdgeIndex>, Vec<crate::graph::Fact>)>,
}

/// What the matches of one row rest on.
#[derive(Debug, Default)]
struct RowInfo {
    derived: bool,
    edges: BTreeSet<EdgeIndex>,
    facts: Vec<crate::graph::Fact>,
}

/// Evaluates `query` over `graph`. Errors point into file `file`, where
/// the query was written.
pub fn evaluate(graph: &Graph, file: FileId, line: &QueryLine) -> PResult<Answer> {
    let answer = answer(graph, file, line)?;
    // A search that saw Ctrl-C stopped early: its answer is not the answer.
    if crate::cancel::requested() {
        return Err(Box::new(Diagnostic::bare("query cancelled")));
    }
    Ok(answer)
}

fn answer(graph: &Graph, file: FileId, line: &QueryLine) -> PResult<Answer> {
    let query = &line.query;
    let eval = Eval {
        graph,
        file,
        start: query_start(query),
        as_of: line.as_of,
    };
    match query {
        Query::Neighbours {
            entity,
            direction,
            via,
            depth,
        } => {
            let node = eval.entity(entity)?;
            if via.iter().any(|v| v.relation().is_none()) {
                let expr = if via.len() == 1 {
                    via[0].clone()
                } else {
                    PathExpr::Alternative(via.clone())
                };
                let (list, truncated) =
                    eval.expression_neighbours(node, *direction, &expr, *depth)?;
                return Ok(Answer::Neighbours(list, truncated));
            }
            let via = eval.relations(via)?;
            let (list, truncated) = eval.neighbours(node, *direction, via.as_ref(), *depth);
            Ok(Answer::Neighbours(list, truncated))
        }
        Query::Path {
            from,
            to,
            forward,
            via,
        } => {
            let (a, b) = (eval.entity(from)?, eval.entity(to)?);
            // A list of relations is a search over their edges, any number
            // of hops, with the steps their declarations add (as for
            // `paths` and `neighbours`); a path expression is matched as it
            // is written.
            if via.iter().any(|v| v.relation().is_none()) {
                let expr = if via.len() == 1 {
                    via[0].clone()
                } else {
                    PathExpr::Alternative(via.clone())
                };
                let (path, truncated) = eval.expression_path(a, b, &expr)?;
                return Ok(Answer::Path(path, truncated));
            }
            let via = eval.relations(via)?;
            Ok(Answer::Path(eval.path(a, b, *forward, via.as_ref()), false))
        }
        Query::Paths {
            from,
            to,
            forward,
            via,
            max,
            limit,
        } => {
            let (a, b) = (eval.entity(from)?, eval.entity(to)?);
            if via.iter().any(|v| v.relation().is_none()) {
                let expr = if via.len() == 1 {
                    via[0].clone()
                } else {
                    PathExpr::Alternative(via.clone())
                };
                let (paths, truncated, by_states) =
                    eval.expression_paths(a, b, &expr, *max, *limit as usize)?;
                return Ok(Answer::Paths {
                    paths,
                    truncated,
                    by_states,
                });
            }
            let via = eval.relations(via)?;
            let (paths, truncated, by_states) =
                eval.paths(a, b, *forward, via.as_ref(), *max, *limit as usize);
            Ok(Answer::Paths {
                paths,
                truncated,
                by_states,
            })
        }
        Query::Pattern(p) => Ok(Answer::Rows(eval.pattern(p)?)),
        Query::Count(p) => {
            let rows = eval.pattern(p)?;
            Ok(Answer::Count(rows.rows.len(), rows.truncated))
        }
        Query::Show(name) => Ok(Answer::Show(eval.entity(name)?)),
    }
}

struct Eval<'g> {
    graph: &'g Graph,
    file: FileId,
    /// Where the query starts in its file.
    start: usize,
    /// `as of DATE`: only statements valid on that date count.
    as_of: Option<crate::value::Date>,
}

/// Whether a statement with these attributes holds on `date`: one with a
/// `date` holds from that date on; one with `from` and/or `until` holds
/// between them (both days included); one with none always holds.
pub fn valid_on(graph: &Graph, attrs: crate::graph::AttrsId, date: crate::value::Date) -> bool {
    for (k, v) in graph.attrs(attrs) {
        let Value::Date(d) = v else { continue };
        match graph.keys.name(*k) {
            "date" | "from" if *d > date => return false,
            "until" if *d < date => return false,
            _ => {}
        }
    }
    true
}

/// The words that start the query forms other than patterns.
const KEYWORDS: [&str; 6] = ["neighbours", "neighbors", "path", "paths", "count", "show"];

/// Relations to follow; `None` follows all.
type Via = HashSet<Sym>;

impl<'g> Eval<'g> {
    fn error(&self, span: Span, message: String) -> Box<Diagnostic> {
        Box::new(Diagnostic::at(self.file, span, message))
    }

    /// Compiles a path expression, after checking that its automaton is
    /// not too big to build: at most [`MAX_AUTOMATON`] states, and at most
    /// the search limit (each state is at least one step of the search).
    fn automaton(&self, expr: &PathExpr) -> PResult<super::rpq::Nfa> {
        let size = super::rpq::Nfa::size_bound(expr);
        let limit = MAX_AUTOMATON.min(max_states());
        if size > limit {
            let shown = if size == u64::MAX {
                "more than 18 quintillion".to_string()
            } else {
                format!("up to {size}")
            };
            let which = if limit == MAX_AUTOMATON {
                format!("a query may build at most {MAX_AUTOMATON}")
            } else {
                format!("`--max-states` allows {limit}")
            };
            return Err(Box::new(
                Diagnostic::at(
                    self.file,
                    expr.span(),
                    format!("this path expression compiles to {shown} states; {which}"),
                )
                .label("in this path expression")
                .help("use fewer or smaller repeat counts: nested repeats multiply"),
            ));
        }
        super::rpq::Nfa::compile(self.graph, expr, &|n| self.relation(n))
    }

    /// The entity a name names, or an error with a suggestion.
    fn entity(&self, name: &Name) -> PResult<NodeIndex> {
        if let Some(node) = self.graph.find(&name.text) {
            return Ok(node);
        }
        let mut d = *self.error(name.span, format!("no entity is named `{}`", name.text));
        d = d.label("unknown name");
        let near = did_you_mean(&name.text, self.graph.entities().map(|(_, e)| &*e.name));
        // A slip in a query form's keyword reads as a pattern's first name.
        let keyword = did_you_mean(&name.text, KEYWORDS);
        Err(Box::new(match (near, keyword) {
            (_, Some(k)) if name.span.start == self.start => {
                d.help(format!("did you mean the query `{k}`?"))
            }
            (Some(near), _) => d.help(format!("did you mean `{}`?", written(near))),
            _ => d.help("`show NAME` shows an entity; names are case-sensitive"),
        }))
    }

    fn relation(&self, name: &Name) -> PResult<Sym> {
        self.symbol(
            name,
            &self.graph.relations,
            &|r| self.graph.relation_in_use(r),
            "relation",
            "`.schema` in the shell lists the relations in use",
        )
    }

    fn kind(&self, name: &Name) -> PResult<Sym> {
        let help =
            "the built-in kinds are state, body and person; others are declared in relation files";
        self.symbol(
            name,
            &self.graph.kinds,
            &|k| self.graph.kind_in_use(k),
            "kind",
            help,
        )
    }

    /// The symbol `name` is in `interner`, or an error naming `what` it
    /// should have been, with a suggestion or else `help`.
    fn symbol(
        &self,
        name: &Name,
        interner: &crate::graph::Interner,
        in_use: &dyn Fn(Sym) -> bool,
        what: &str,
        help: &str,
    ) -> PResult<Sym> {
        if let Some(s) = interner.get(&name.text).filter(|&s| in_use(s)) {
            return Ok(s);
        }
        let d = Diagnostic::at(
            self.file,
            name.span,
            format!("no {what} is named `{}`", name.text),
        )
        .label(format!("unknown {what}"));
        Err(Box::new(
            match did_you_mean(
                &name.text,
                interner.iter().filter(|&(s, _)| in_use(s)).map(|(_, n)| n),
            ) {
                Some(near) => d.help(format!("did you mean `{near}`?")),
                None => d.help(help),
            },
        ))
    }

    fn relations(&self, via: &[PathExpr]) -> PResult<Option<Via>> {
        if via.is_empty() {
            return Ok(None);
        }
        let mut set = Via::default();
        for v in via {
            match v.relation() {
                Some(name) => {
                    set.insert(self.relation(name)?);
                }
                None => {
                    return Err(Box::new(
                        Diagnostic::at(self.file, v.span(), "path expressions go in `path` and in patterns")
                            .label("a path expression")
                            .help("`neighbours` and `paths` take relation names after `via`; for a path expression use `path A B via EXPR` or a pattern like `?x EXPR B`"),
                    ));
                }
            }
        }
        Ok(Some(set))
    }

    /// Whether relation `name` has a declaration that changes what it matches.
    fn has_semantics(&self, name: &Name) -> bool {
        self.graph.relations.get(&name.text).is_some_and(|r| {
            self.graph.symmetric(r) || self.graph.transitive(r) || self.graph.inverse(r).is_some()
        })
    }

    /// Whether an edge holds under `as of`.
    fn valid(&self, edge: EdgeIndex) -> bool {
        self.as_of
            .is_none_or(|d| valid_on(self.graph, self.graph.petgraph()[edge].attrs, d))
    }

    /// Neighbours through a path expression: each step is one match of
    /// the expression (read backwards for `in`, both ways for `both`), and
    /// an entry names the last hop of one shortest match.
    fn expression_neighbours(
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
        let mut left = max_states();
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
    fn expression_paths(
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
            if *states > max_states() || crate::cancel::requested() {
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
    fn expression_path(
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
            max_states(),
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

    fn name(&self, node: NodeIndex) -> &'g str {
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
    fn steps(&self, node: NodeIndex, direction: Direction, via: Option<&Via>) -> Vec<StepTo> {
        let mut out = Vec::new();
        self.each_step(node, direction, via, |t| out.push(t));
        out
    }

    /// [`Eval::steps`], each given to `each` as it is found (no list).
    fn each_step(
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

    fn neighbours(
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
                    if states > max_states() {
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
    fn stored_neighbours(&self, start: NodeIndex, direction: Direction) -> Vec<Neighbour> {
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

    /// A shortest path by bidirectional breadth-first search: the side with
    /// the smaller frontier grows by a whole level at a time, and the search
    /// ends at the first level where the two sides meet.
    fn path(
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
    fn join(
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
    fn paths(
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
            if states > max_states() || crate::cancel::requested() {
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
                    max_states: max_states(),
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
                by_states = !done && (states > max_states() || crate::cancel::requested());
                break;
            }
        }
        found.truncate(limit);
        (found, truncated, by_states)
    }

    /// How many edges a search would walk from `front`.
    fn weight(&self, front: &[NodeIndex], direction: Direction) -> usize {
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
    fn steps_to(
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

    fn hop_keys(&self, path: &[Hop]) -> Vec<(&'g str, &'g str, &'static str)> {
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
    fn extend(
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

    fn pattern(&self, pattern: &Pattern) -> PResult<Rows> {
        let plan = Plan::new(self, pattern)?;
        let mut rows = Rows {
            columns: plan.columns.clone(),
            ..Rows::default()
        };
        let mut found: std::collections::BTreeMap<Vec<Ordered>, RowInfo> =
            std::collections::BTreeMap::new();
        let mut binding: Vec<Option<Cell>> = vec![None; plan.vars.len()];
        let mut run = Run {
            plan: &plan,
            eval: self,
            found: &mut found,
            rows: &mut rows,
            states: 0,
            max_states: max_states(),
            matched: Vec::new(),
            derived: Vec::new(),
            matched_facts: Vec::new(),
            error: None,
        };
        run.solve(0, &mut binding);
        if let Some(e) = run.error {
            return Err(e);
        }
        for (row, info) in found {
            rows.rows.push(row.into_iter().map(|o| o.0).collect());
            rows.derived.push(info.derived);
            rows.sources
                .push((info.edges.into_iter().collect(), info.facts));
        }
        Ok(rows)
    }
}

/// Where a query's first word is: the start of its pattern's first name.
fn query_start(query: &Query) -> usize {
    match query {
        Query::Pattern(p) => p.clauses.first().map_or(usize::MAX, |c| match c {
            Clause::Kind { entity, .. } => entity.span().start,
            Clause::Edge { subject, .. } | Clause::Fact { subject, .. } => subject.span().start,
        }),
        _ => usize::MAX,
    }
}

/// A step of a search: along `edge` to `to`, read as `relation`.
#[derive(Debug, Clone, Copy)]
struct StepTo {
    edge: EdgeIndex,
    to: NodeIndex,
    direction: Direction,
    relation: Sym,
    derived: bool,
}

struct Search<'a> {
    max_states: u64,
    b: NodeIndex,
    length: u32,
    dir: Direction,
    via: Option<&'a Via>,
    to_b: &'a HashMap<NodeIndex, u32>,
    /// The entities of b's ball by distance.
    levels_b: &'a [Vec<NodeIndex>],
    /// The least distance to b of an entity outside the ball.
    far: u32,
    limit: usize,
    states: &'a mut u64,
}

fn flip(d: Direction) -> Direction {
    match d {
        Direction::Out => Direction::In,
        Direction::In => Direction::Out,
        Direction::Both => Direction::Both,
    }
}

/// How a direction is written in answers.
pub fn dir_name(d: Direction) -> &'static str {
    match d {
        Direction::Out => "out",
        Direction::In => "in",
        Direction::Both => "both",
    }
}

fn written(name: &str) -> String {
    let mut s = String::new();
    crate::value::write_name(&mut s, name).expect("writing to a String");
    s
}

/// A variable's value during a search.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Entity(NodeIndex),
    Relation(Sym),
    Value(Value),
}

/// A resolved place in a clause.
#[derive(Debug, Clone)]
enum Slot<T> {
    Fixed(T),
    Var(usize),
}

#[derive(Debug)]
enum Step {
    /// A path expression, or a relation with a declared meaning.
    Path {
        subject: Slot<NodeIndex>,
        nfa: super::rpq::Nfa,
        /// The same, read from the object.
        reversed: super::rpq::Nfa,
        object: Slot<NodeIndex>,
    },
    Kind {
        entity: Slot<NodeIndex>,
        kind: Sym,
    },
    Edge {
        subject: Slot<NodeIndex>,
        relation: Slot<Sym>,
        object: Slot<NodeIndex>,
        attrs: Vec<(Sym, Slot<Value>)>,
    },
    Fact {
        subject: Slot<NodeIndex>,
        predicate: Slot<Sym>,
        attrs: Vec<(Sym, Slot<Value>)>,
    },
}

struct Check {
    left: Slot<Value>,
    op: Op,
    right: Slot<Value>,
    span: Span,
}

/// A pattern resolved against the graph and put in the order to run it.
struct Plan {
    vars: Vec<String>,
    /// The variables shown, in order of first appearance.
    columns: Vec<String>,
    steps: Vec<Step>,
    /// The conditions to check once step `i` has run.
    checks: Vec<Vec<Check>>,
}

impl Plan {
    fn new(eval: &Eval<'_>, pattern: &Pattern) -> PResult<Plan> {
        let mut vars: Vec<String> = Vec::new();
        let mut var = |n: &Name| match vars.iter().position(|v| *v == n.text) {
            Some(i) => i,
            None => {
                vars.push(n.text.clone());
                vars.len() - 1
            }
        };
        let mut steps = Vec::new();
        for clause in &pattern.clauses {
            let entity =
                |t: &Term, var: &mut dyn FnMut(&Name) -> usize| -> PResult<Slot<NodeIndex>> {
                    Ok(match t {
                        Term::Name(n) => Slot::Fixed(eval.entity(n)?),
                        Term::Var(v) => Slot::Var(var(v)),
                    })
                };
            let attrs = |a: &[AttrTerm],
                         var: &mut dyn FnMut(&Name) -> usize|
             -> PResult<Vec<(Sym, Slot<Value>)>> {
                a.iter()
                    .map(|a| {
                        let key = eval
                            .graph
                            .keys
                            .get(&a.key.text)
                            .filter(|&k| eval.graph.key_in_use(k))
                            .ok_or_else(|| {
                                let d = Diagnostic::at(
                                    eval.file,
                                    a.key.span,
                                    format!("no statement has an attribute `{}`", a.key.text),
                                )
                                .label("unknown attribute");
                                Box::new(
                                    match did_you_mean(
                                        &a.key.text,
                                        eval.graph.keys.iter().map(|(_, k)| k),
                                    ) {
                                        Some(near) => d.help(format!("did you mean `{near}`?")),
                                        None => d,
                                    },
                                )
                            })?;
                        Ok((
                            key,
                            match &a.value {
                                Operand::Value(v, _) => Slot::Fixed(v.clone()),
                                Operand::Var(n) => Slot::Var(var(n)),
                            },
                        ))
                    })
                    .collect()
            };
            steps.push(match clause {
                Clause::Kind { entity: e, kind } => Step::Kind {
                    entity: entity(e, &mut var)?,
                    kind: eval.kind(kind)?,
                },
                Clause::Edge {
                    subject,
                    predicate: Predicate::Path(expr),
                    object,
                    attrs: a,
                } if expr.relation().is_none_or(|r| eval.has_semantics(r)) => {
                    if let Some(first) = a.first() {
                        return Err(Box::new(
                            Diagnostic::at(eval.file, first.key.span, "attributes go with one stored relation, not a path expression")
                                .label("attributes here")
                                .help("match the attributes in a clause of their own, with a relation that has no declared meaning"),
                        ));
                    }
                    let nfa = eval.automaton(expr)?;
                    Step::Path { subject: entity(subject, &mut var)?, reversed: nfa.reversed(), nfa, object: entity(object, &mut var)? }
                }
                Clause::Edge {
                    subject,
                    predicate,
                    object,
                    attrs: a,
                } => Step::Edge {
                    subject: entity(subject, &mut var)?,
                    relation: match predicate {
                        Predicate::Path(expr) => Slot::Fixed(eval.relation(expr.relation().expect("a single relation"))?),
                        Predicate::Var(v) => Slot::Var(var(v)),
                    },
                    object: entity(object, &mut var)?,
                    attrs: attrs(a, &mut var)?,
                },
                Clause::Fact {
                    subject,
                    predicate,
                    attrs: a,
                } => Step::Fact {
                    subject: entity(subject, &mut var)?,
                    predicate: match predicate {
                        Term::Name(n) => Slot::Fixed(eval.relation(n)?),
                        Term::Var(v) => Slot::Var(var(v)),
                    },
                    attrs: attrs(a, &mut var)?,
                },
            });
        }
        let columns = vars.clone();
        let mut conditions = Vec::new();
        for c in &pattern.conditions {
            let side = |o: &Operand| -> PResult<Slot<Value>> {
                Ok(match o {
                    Operand::Value(v, _) => Slot::Fixed(v.clone()),
                    Operand::Var(n) => Slot::Var(vars.iter().position(|v| *v == n.text).ok_or_else(|| {
                        Box::new(
                            Diagnostic::at(eval.file, n.span, format!("`?{}` is not bound by any clause", n.text))
                                .label("unbound variable")
                                .help("a condition compares variables that the clauses before `where` bind"),
                        )
                    })?),
                })
            };
            let _: &Condition = c;
            conditions.push(Check {
                left: side(&c.left)?,
                op: c.op,
                right: side(&c.right)?,
                span: c.span,
            });
        }
        // Order: greedily, the clause that is cheapest given what the
        // clauses before it bind.
        let mut bound = vec![false; vars.len()];
        let mut order = Vec::new();
        let mut left: Vec<Step> = steps;
        while !left.is_empty() {
            let (best, _) = left
                .iter()
                .enumerate()
                .map(|(i, s)| (i, cost(eval.graph, s, &bound)))
                .min_by(|x, y| {
                    x.1.partial_cmp(&y.1)
                        .unwrap_or(Ordering::Equal)
                        .then(x.0.cmp(&y.0))
                })
                .expect("steps are left");
            let step = left.remove(best);
            for v in step_vars(&step) {
                bound[v] = true;
            }
            order.push(step);
        }
        // Each condition runs after the first step that binds all its variables.
        let mut checks: Vec<Vec<Check>> = (0..order.len()).map(|_| Vec::new()).collect();
        let mut bound = vec![false; vars.len()];
        let mut at = vec![usize::MAX; conditions.len()];
        for (i, step) in order.iter().enumerate() {
            for v in step_vars(step) {
                bound[v] = true;
            }
            for (c, check) in conditions.iter().enumerate() {
                let ready = [&check.left, &check.right].iter().all(|s| match s {
                    Slot::Var(v) => bound[*v],
                    Slot::Fixed(_) => true,
                });
                if at[c] == usize::MAX && ready {
                    at[c] = i;
                }
            }
        }
        for (c, check) in conditions.into_iter().enumerate() {
            let i = if at[c] == usize::MAX {
                order.len().saturating_sub(1)
            } else {
                at[c]
            };
            if let Some(list) = checks.get_mut(i) {
                list.push(check);
            }
        }
        Ok(Plan {
            vars,
            columns,
            steps: order,
            checks,
        })
    }
}

fn step_vars(step: &Step) -> Vec<usize> {
    fn v<T>(s: &Slot<T>) -> Option<usize> {
        match s {
            Slot::Var(i) => Some(*i),
            Slot::Fixed(_) => None,
        }
    }
    match step {
        Step::Kind { entity, .. } => v(entity).into_iter().collect(),
        Step::Path {
            subject, object, ..
        } => [v(subject), v(object)].into_iter().flatten().collect(),
        Step::Edge {
            subject,
            relation,
            object,
            attrs,
        } => [v(subject), v(relation), v(object)]
            .into_iter()
            .flatten()
            .chain(attrs.iter().filter_map(|(_, s)| v(s)))
            .collect(),
        Step::Fact {
            subject,
            predicate,
            attrs,
        } => [v(subject), v(predicate)]
            .into_iter()
            .flatten()
            .chain(attrs.iter().filter_map(|(_, s)| v(s)))
            .collect(),
    }
}

/// About how many matches a step tries, given the variables bound before it.
fn cost(graph: &Graph, step: &Step, bound: &[bool]) -> f64 {
    let g = graph.petgraph();
    let known = |s: &Slot<NodeIndex>| match s {
        Slot::Fixed(_) => true,
        Slot::Var(v) => bound[*v],
    };
    let average = g.edge_count() as f64 / g.node_count().max(1) as f64;
    match step {
        // A search from one end; from every entity when neither is known.
        Step::Path {
            subject, object, ..
        } => {
            if known(subject) || known(object) {
                average * 4.0
            } else {
                g.node_count() as f64 * average * 4.0
            }
        }
        Step::Kind { entity, kind } => {
            if known(entity) {
                1.0
            } else {
                graph.kind_count(*kind) as f64
            }
        }
        Step::Edge {
            subject,
            relation,
            object,
            ..
        } => match (subject, object) {
            (Slot::Fixed(s), _) => graph.degree(*s, Outgoing) as f64,
            (_, Slot::Fixed(o)) => graph.degree(*o, Incoming) as f64,
            _ if known(subject) || known(object) => average,
            _ => match relation {
                Slot::Fixed(r) => graph.relation_edge_count(*r) as f64,
                Slot::Var(v) if bound[*v] => average * 10.0,
                Slot::Var(_) => g.edge_count() as f64,
            },
        },
        Step::Fact {
            subject, predicate, ..
        } => {
            if known(subject) {
                1.0
            } else {
                match predicate {
                    Slot::Fixed(p) => graph.predicate_fact_count(*p) as f64,
                    Slot::Var(_) => graph.fact_count() as f64,
                }
            }
        }
    }
}

/// A value with a total order, for sorting and de-duplicating rows:
/// booleans, then numbers (integers and decimals together), dates, and
/// text (strings and names).
#[derive(Debug, Clone)]
struct Ordered(Value);

impl Ordered {
    fn rank(&self) -> u8 {
        match self.0 {
            Value::Bool(_) => 0,
            Value::Int(_) | Value::Dec(_) => 1,
            Value::Date(_) => 2,
            Value::Str(_) | Value::Name(_) => 3,
        }
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Ordered) -> Ordering {
        self.rank()
            .cmp(&other.rank())
            .then_with(|| match (&self.0, &other.0) {
                (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
                (Value::Int(a), Value::Int(b)) => a.cmp(b),
                (Value::Date(a), Value::Date(b)) => a.cmp(b),
                (Value::Str(a) | Value::Name(a), Value::Str(b) | Value::Name(b)) => {
                    a.cmp(b).then(self.0.type_name().cmp(other.0.type_name()))
                }
                (a, b) => number(a)
                    .total_cmp(&number(b))
                    .then(a.type_name().cmp(b.type_name())),
            })
    }
}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Ordered) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ordered {
    fn eq(&self, other: &Ordered) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ordered {}

fn number(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Dec(d) => *d,
        _ => f64::NAN,
    }
}

struct Run<'p, 'g> {
    plan: &'p Plan,
    eval: &'p Eval<'g>,
    /// Each distinct row, and whether every match that gave it is derived.
    found: &'p mut std::collections::BTreeMap<Vec<Ordered>, RowInfo>,
    rows: &'p mut Rows,
    states: u64,
    max_states: u64,
    /// The edges of the current partial match.
    matched: Vec<EdgeIndex>,
    /// Whether each path step of the current match is derived.
    derived: Vec<bool>,
    /// The facts of the current partial match.
    matched_facts: Vec<crate::graph::Fact>,
    error: Option<Box<Diagnostic>>,
}

impl Run<'_, '_> {
    fn solve(&mut self, step: usize, binding: &mut Vec<Option<Cell>>) {
        if self.error.is_some() || self.rows.truncated {
            return;
        }
        self.states += 1;
        if self.states > self.max_states || crate::cancel::requested() {
            self.rows.truncated = true;
            return;
        }
        if step > 0 {
            for check in &self.plan.checks[step - 1] {
                match self.check(check, binding) {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => {
                        self.error = Some(e);
                        return;
                    }
                }
            }
        }
        let Some(current) = self.plan.steps.get(step) else {
            self.emit(binding);
            return;
        };
        let graph = self.eval.graph;
        let g = graph.petgraph();
        match current {
            Step::Path {
                subject,
                nfa,
                reversed,
                object,
            } => {
                let s = resolve_node(subject, binding);
                let o = resolve_node(object, binding);
                if matches!(s, Some(None)) || matches!(o, Some(None)) {
                    return;
                }
                let forward = !(s.is_none() && o.is_some());
                let starts: Vec<NodeIndex> = match (s, o) {
                    (Some(Some(a)), _) => vec![a],
                    (_, Some(Some(b))) => vec![b],
                    _ => g.node_indices().collect(),
                };
                let eval = self.eval;
                for start in starts {
                    let (automaton, target) = if forward {
                        (nfa, o.flatten())
                    } else {
                        (reversed, None)
                    };
                    let reached = super::rpq::search(
                        graph,
                        automaton,
                        start,
                        &|e| eval.valid(e),
                        target,
                        // One limit for the whole query, not one a start.
                        self.max_states.saturating_sub(self.states),
                    );
                    self.states = self.states.saturating_add(reached.states);
                    // A cut search still gives the ends it reached; the
                    // answer is marked partial once they are in.
                    let cut = reached.cut;
                    for (end, steps, derived) in reached.ends {
                        let (from, to) = if forward { (start, end) } else { (end, start) };
                        if o.flatten().is_some_and(|x| x != to) {
                            continue;
                        }
                        let new = vec![
                            (slot_var(subject), Cell::Entity(from)),
                            (slot_var(object), Cell::Entity(to)),
                        ];
                        let Some(new) = consistent(&new, binding) else {
                            continue;
                        };
                        let before = self.matched.len();
                        self.matched.extend(steps.iter().map(|t| t.edge));
                        self.derived.push(derived);
                        self.with(binding, &new, |run, b| run.solve(step + 1, b));
                        self.derived.pop();
                        self.matched.truncate(before);
                    }
                    if cut {
                        self.rows.truncated = true;
                        return;
                    }
                }
            }
            Step::Kind { entity, kind } => {
                let candidates: Vec<NodeIndex> = match resolve_node(entity, binding) {
                    Some(Some(n)) => vec![n],
                    Some(None) => return,
                    None => graph
                        .entities()
                        .filter(|(_, e)| e.kind == *kind)
                        .map(|(n, _)| n)
                        .collect(),
                };
                for n in candidates {
                    if graph.entity(n).kind == *kind {
                        self.with(
                            binding,
                            &[(entity_var(entity), Cell::Entity(n))],
                            |run, b| run.solve(step + 1, b),
                        );
                    }
                }
            }
            Step::Edge {
                subject,
                relation,
                object,
                attrs,
            } => {
                let s = resolve_node(subject, binding);
                let o = resolve_node(object, binding);
                if matches!(s, Some(None)) || matches!(o, Some(None)) {
                    return;
                }
                let r = match relation {
                    Slot::Fixed(r) => Some(*r),
                    Slot::Var(v) => match &binding[*v] {
                        Some(Cell::Relation(r)) => Some(*r),
                        Some(_) => return,
                        None => None,
                    },
                };
                let edges: Vec<EdgeIndex> = match (s, o) {
                    (Some(Some(s)), _) => graph.adjacent(s, Outgoing).map(|e| e.id).collect(),
                    (_, Some(Some(o))) => graph.adjacent(o, Incoming).map(|e| e.id).collect(),
                    _ => g
                        .edge_indices()
                        .filter(|&e| r.is_none_or(|r| g[e].relation == r))
                        .collect(),
                };
                for e in edges {
                    let (from, to) = g.edge_endpoints(e).expect("edges have ends");
                    let weight = g[e];
                    if !self.eval.valid(e) {
                        continue;
                    }
                    if s.is_some_and(|s| s != Some(from))
                        || o.is_some_and(|o| o != Some(to))
                        || r.is_some_and(|r| r != weight.relation)
                    {
                        continue;
                    }
                    let mut new: Vec<(Option<usize>, Cell)> = vec![
                        (slot_var(subject), Cell::Entity(from)),
                        (slot_var(relation), Cell::Relation(weight.relation)),
                        (slot_var(object), Cell::Entity(to)),
                    ];
                    if !self.attrs_match(attrs, weight.attrs, binding, &mut new) {
                        continue;
                    }
                    let Some(new) = consistent(&new, binding) else {
                        continue;
                    };
                    self.matched.push(e);
                    self.with(binding, &new, |run, b| run.solve(step + 1, b));
                    self.matched.pop();
                }
            }
            Step::Fact {
                subject,
                predicate,
                attrs,
            } => {
                let s = resolve_node(subject, binding);
                if matches!(s, Some(None)) {
                    return;
                }
                let p = match predicate {
                    Slot::Fixed(p) => Some(*p),
                    Slot::Var(v) => match &binding[*v] {
                        Some(Cell::Relation(r)) => Some(*r),
                        Some(_) => return,
                        None => None,
                    },
                };
                let facts: Vec<crate::graph::Fact> = match s {
                    Some(Some(s)) => graph.facts_of(s).copied().collect(),
                    _ => graph
                        .facts()
                        .iter()
                        .filter(|f| p.is_none_or(|p| f.predicate == p))
                        .copied()
                        .collect(),
                };
                for f in facts {
                    if p.is_some_and(|p| p != f.predicate)
                        || self
                            .eval
                            .as_of
                            .is_some_and(|d| !valid_on(graph, f.attrs, d))
                    {
                        continue;
                    }
                    let mut new: Vec<(Option<usize>, Cell)> = vec![
                        (slot_var(subject), Cell::Entity(f.subject)),
                        (slot_var(predicate), Cell::Relation(f.predicate)),
                    ];
                    if !self.attrs_match(attrs, f.attrs, binding, &mut new) {
                        continue;
                    }
                    let Some(new) = consistent(&new, binding) else {
                        continue;
                    };
                    self.rows.nodes.insert(f.subject);
                    self.matched_facts.push(f);
                    self.with(binding, &new, |run, b| run.solve(step + 1, b));
                    self.matched_facts.pop();
                }
            }
        }
    }

    /// Runs `f` with `new` bound, then unbinds them.
    fn with(
        &mut self,
        binding: &mut Vec<Option<Cell>>,
        new: &[(Option<usize>, Cell)],
        f: impl FnOnce(&mut Self, &mut Vec<Option<Cell>>),
    ) {
        let mut set = Vec::new();
        for (var, cell) in new {
            if let Some(v) = var
                && binding[*v].is_none()
            {
                binding[*v] = Some(cell.clone());
                set.push(*v);
            }
        }
        f(self, binding);
        for v in set {
            binding[v] = None;
        }
    }

    fn attrs_match(
        &self,
        wanted: &[(Sym, Slot<Value>)],
        attrs: u32,
        binding: &[Option<Cell>],
        new: &mut Vec<(Option<usize>, Cell)>,
    ) -> bool {
        let have = self.eval.graph.attrs(attrs);
        for (key, slot) in wanted {
            let Some((_, value)) = have.iter().find(|(k, _)| k == key) else {
                return false;
            };
            match slot {
                Slot::Fixed(v) => {
                    if v != value {
                        return false;
                    }
                }
                Slot::Var(i) => match &binding[*i] {
                    Some(Cell::Value(b)) if b == value => {}
                    Some(_) => return false,
                    None => new.push((Some(*i), Cell::Value(value.clone()))),
                },
            }
        }
        true
    }

    fn check(&self, check: &Check, binding: &[Option<Cell>]) -> PResult<bool> {
        let value = |s: &Slot<Value>| -> Value {
            match s {
                Slot::Fixed(v) => v.clone(),
                Slot::Var(i) => self.cell_value(
                    binding[*i]
                        .as_ref()
                        .expect("checks run once their variables are bound"),
                ),
            }
        };
        let (a, b) = (value(&check.left), value(&check.right));
        let ordering = compare(&a, &b).ok_or_else(|| {
            Box::new(
                Diagnostic::at(self.eval.file, check.span, format!("cannot compare {} `{a}` with {} `{b}`", article(&a), article(&b)))
                    .label("different types")
                    .help("numbers compare with numbers, dates with dates, and strings and names with strings and names"),
            )
        })?;
        Ok(match check.op {
            Op::Eq => ordering == Ordering::Equal,
            Op::Ne => ordering != Ordering::Equal,
            Op::Lt => ordering == Ordering::Less,
            Op::Le => ordering != Ordering::Greater,
            Op::Gt => ordering == Ordering::Greater,
            Op::Ge => ordering != Ordering::Less,
        })
    }

    fn cell_value(&self, cell: &Cell) -> Value {
        match cell {
            Cell::Entity(n) => Value::Name(self.eval.graph.entity(*n).name.as_str().into()),
            Cell::Relation(r) => Value::Name(self.eval.graph.relations.name(*r).into()),
            Cell::Value(v) => v.clone(),
        }
    }

    fn emit(&mut self, binding: &[Option<Cell>]) {
        let row: Vec<Ordered> = binding
            .iter()
            .map(|c| Ordered(self.cell_value(c.as_ref().expect("all variables are bound"))))
            .collect();
        if self.found.len() as u64 >= MAX_ROWS.load(std::sync::atomic::Ordering::Relaxed)
            && !self.found.contains_key(&row)
        {
            self.rows.truncated = true;
            return;
        }
        for cell in binding.iter().flatten() {
            if let Cell::Entity(n) = cell {
                self.rows.nodes.insert(*n);
            }
        }
        let g = self.eval.graph.petgraph();
        for &e in &self.matched {
            self.rows.edges.insert(e);
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            self.rows.nodes.extend([a, b]);
        }
        let derived = self.derived.iter().any(|d| *d);
        let entry = self.found.entry(row).or_insert(RowInfo {
            derived,
            ..RowInfo::default()
        });
        entry.derived = entry.derived && derived;
        entry.edges.extend(self.matched.iter().copied());
        for f in &self.matched_facts {
            if !entry.facts.contains(f) {
                entry.facts.push(*f);
            }
        }
    }
}

/// `Some(Some(node))` for a known entity, `Some(None)` for a variable bound
/// to something that is not an entity, `None` for an unbound variable.
fn resolve_node(slot: &Slot<NodeIndex>, binding: &[Option<Cell>]) -> Option<Option<NodeIndex>> {
    match slot {
        Slot::Fixed(n) => Some(Some(*n)),
        Slot::Var(v) => match &binding[*v] {
            Some(Cell::Entity(n)) => Some(Some(*n)),
            Some(_) => Some(None),
            None => None,
        },
    }
}

fn slot_var<T>(slot: &Slot<T>) -> Option<usize> {
    match slot {
        Slot::Var(v) => Some(*v),
        Slot::Fixed(_) => None,
    }
}

fn entity_var(slot: &Slot<NodeIndex>) -> Option<usize> {
    slot_var(slot)
}

/// The new bindings, unless one variable would get two values in one
/// clause (`?x r ?x` on an edge from A to B).
fn consistent(
    new: &[(Option<usize>, Cell)],
    binding: &[Option<Cell>],
) -> Option<Vec<(Option<usize>, Cell)>> {
    let mut out: Vec<(Option<usize>, Cell)> = Vec::new();
    for (var, cell) in new {
        let Some(v) = var else { continue };
        if let Some(b) = &binding[*v] {
            if b != cell {
                return None;
            }
            continue;
        }
        if let Some((_, other)) = out.iter().find(|(o, _)| *o == Some(*v)) {
            if other != cell {
                return None;
            }
            continue;
        }
        out.push((Some(*v), cell.clone()));
    }
    Some(out)
}

/// Compares two values of comparable types.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Dec(_), Value::Int(_) | Value::Dec(_)) => {
            number(a).partial_cmp(&number(b))
        }
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Str(x) | Value::Name(x), Value::Str(y) | Value::Name(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn article(v: &Value) -> String {
    let t = v.type_name();
    if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {t}")
    } else {
        format!("a {t}")
    }
}
