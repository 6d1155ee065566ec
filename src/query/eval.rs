//! Query evaluation over a read-only graph.
//!
//! The evaluator never changes the graph. Answers hold node and edge
//! indices; `output` turns them into tables, JSON or CSV. Every answer is
//! sorted, so the same query on the same files gives the same bytes.

pub(super) use super::ast::{
    AttrTerm, Clause, Condition, Direction, Name, Op, Operand, PathExpr, Pattern, Predicate, Query,
    QueryLine, Term,
};
use super::pattern::{Cell, Ordered, Run};
use super::plan::{Plan, Slot, Step};
pub(super) use crate::ast::Span;
pub(super) use crate::diagnostic::{Diagnostic, FileId};
pub(super) use crate::graph::{Graph, Sym};
pub(super) use crate::parse::PResult;
pub(super) use crate::suggest::did_you_mean;
pub(super) use crate::value::Value;
pub(super) use petgraph::Direction::{Incoming, Outgoing};
pub(super) use petgraph::graph::{EdgeIndex, NodeIndex};
pub(super) use std::cmp::Ordering;
pub(super) use std::collections::BTreeSet;

// Fixed-seed fast hashing: the searches below iterate some of these maps,
// and answers must be the same bytes on every run.
pub(super) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
pub(super) type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// Up to this many records, one level of neighbours both ways is sorted in
/// place (an insertion sort, no allocation) rather than merged from its two
/// runs into a new list.
pub(super) const SMALL_SORT: usize = 20;

/// By default, at most this many search states (paths extended, clause
/// matches tried) before a `paths` search or a pattern stops with a
/// partial answer.
pub const DEFAULT_MAX_STATES: u64 = 20_000_000;
/// The most states a path expression's automaton may have.
pub const MAX_AUTOMATON: u64 = 1_000_000;

/// The limits of one evaluation: passed in with the query (two queries may
/// run at once with different limits), never read from process state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most search steps of a `paths` search, a path expression or a
    /// pattern (`--max-states`).
    pub max_states: u64,
    /// The most distinct rows of a pattern (`--max-rows`).
    pub max_rows: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_states: DEFAULT_MAX_STATES,
            max_rows: DEFAULT_MAX_ROWS,
        }
    }
}

/// The limits [`evaluate`] uses when none are given (for the benchmarks
/// and fuzz targets that set them once).
static DEFAULT_STATES: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(DEFAULT_MAX_STATES);
static DEFAULT_ROWS: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(DEFAULT_MAX_ROWS);

/// Sets the search limit that [`evaluate`] uses.
pub fn set_max_states(n: u64) {
    DEFAULT_STATES.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// The limits that [`evaluate`] uses.
pub fn default_limits() -> Limits {
    Limits {
        max_states: DEFAULT_STATES.load(std::sync::atomic::Ordering::Relaxed),
        max_rows: DEFAULT_ROWS.load(std::sync::atomic::Ordering::Relaxed),
    }
}

/// The most distinct rows a pattern gathers before it stops with a partial
/// answer: each row is held until the answer is printed in order.
pub const DEFAULT_MAX_ROWS: u64 = 1_000_000;

/// Sets the row limit that [`evaluate`] uses.
pub fn set_max_rows(n: u64) {
    DEFAULT_ROWS.store(n, std::sync::atomic::Ordering::Relaxed);
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
    /// Another statement contradicts the last hop's (see [`crate::conflicts`]).
    pub contested: bool,
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
    /// Another statement contradicts the hop's (see [`crate::conflicts`]).
    pub contested: bool,
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
    /// For each row, whether another statement contradicts one it rests on.
    pub contested: Vec<bool>,
    /// For each row, the statements its matches rest on.
    pub sources: Vec<(Vec<EdgeIndex>, Vec<crate::graph::Fact>)>,
    /// For each column, whether it holds entities (for `.labels on`).
    pub entity_columns: Vec<bool>,
    /// The rows past a `limit` (of `find`) left out; `truncated` too when
    /// some are.
    pub left_out: usize,
}

/// What the matches of one row rest on.
#[derive(Debug, Default)]
pub(super) struct RowInfo {
    pub(super) derived: bool,
    pub(super) edges: BTreeSet<EdgeIndex>,
    pub(super) facts: Vec<crate::graph::Fact>,
}

/// Evaluates `query` over `graph`. Errors point into file `file`, where
/// the query was written.
pub fn evaluate(graph: &Graph, file: FileId, line: &QueryLine) -> PResult<Answer> {
    evaluate_with(graph, file, line, default_limits())
}

/// [`evaluate`] within `limits`.
pub fn evaluate_with(
    graph: &Graph,
    file: FileId,
    line: &QueryLine,
    limits: Limits,
) -> PResult<Answer> {
    let mut answer = answer(graph, file, line, limits)?;
    // A search that saw Ctrl-C stopped early: its answer is not the answer.
    if crate::cancel::requested() {
        return Err(Box::new(Diagnostic::bare("query cancelled")));
    }
    mark_contested(graph, &mut answer);
    Ok(answer)
}

/// [`evaluate_with`] that stops at `deadline` and answers what it found
/// by then, marked partial (`dossier serve`'s time limit).
pub fn evaluate_until(
    graph: &Graph,
    file: FileId,
    line: &QueryLine,
    limits: Limits,
    deadline: std::time::Instant,
) -> PResult<Answer> {
    let (answer, late) = crate::cancel::within(deadline, || answer(graph, file, line, limits));
    let mut answer = answer?;
    if late {
        match &mut answer {
            Answer::Neighbours(_, t) | Answer::Path(_, t) | Answer::Count(_, t) => *t = true,
            Answer::Paths {
                truncated,
                by_states,
                ..
            } => {
                *truncated = true;
                *by_states = true;
            }
            Answer::Rows(rows) => rows.truncated = true,
            Answer::Show(_) => {}
        }
    }
    mark_contested(graph, &mut answer);
    Ok(answer)
}

/// Marks the hops, neighbours and rows that rest on a statement another
/// contradicts: answers keep every statement and say which are disputed.
fn mark_contested(graph: &Graph, answer: &mut Answer) {
    let mut contested = crate::conflicts::Contested::new(graph);
    match answer {
        Answer::Neighbours(list, _) => {
            for n in list {
                n.contested = contested.edge(n.edge);
            }
        }
        Answer::Path(path, _) => {
            for h in path.iter_mut().flatten() {
                h.contested = contested.edge(h.edge);
            }
        }
        Answer::Paths { paths, .. } => {
            for h in paths.iter_mut().flatten() {
                h.contested = contested.edge(h.edge);
            }
        }
        Answer::Rows(rows) => {
            rows.contested = rows
                .sources
                .iter()
                .map(|(edges, facts)| {
                    edges.iter().any(|e| contested.edge(*e))
                        || facts.iter().any(|f| contested.fact(f))
                })
                .collect();
        }
        Answer::Count(..) | Answer::Show(_) => {}
    }
}

pub(super) fn answer(
    graph: &Graph,
    file: FileId,
    line: &QueryLine,
    limits: Limits,
) -> PResult<Answer> {
    let query = &line.query;
    let eval = Eval {
        graph,
        file,
        start: query_start(query),
        as_of: line.as_of,
        limits,
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
        Query::Pattern(p) => Ok(Answer::Rows(eval.pattern(p, false)?.0)),
        Query::Count(p) => {
            let (rows, count) = eval.pattern(p, true)?;
            Ok(Answer::Count(count, rows.truncated))
        }
        Query::Show(name) => Ok(Answer::Show(eval.entity(name)?)),
        Query::Find { text, place, limit } => Ok(Answer::Rows(eval.find(text, *place, *limit)?)),
    }
}

pub(super) struct Eval<'g> {
    pub(super) graph: &'g Graph,
    pub(super) file: FileId,
    /// Where the query starts in its file.
    pub(super) start: usize,
    /// `as of DATE`: only statements valid on that date count.
    pub(super) as_of: Option<crate::value::Date>,
    pub(super) limits: Limits,
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
pub const KEYWORDS: [&str; 7] = [
    "neighbours",
    "neighbors",
    "path",
    "paths",
    "count",
    "show",
    "find",
];

/// Relations to follow; `None` follows all.
pub(super) type Via = HashSet<Sym>;

impl<'g> Eval<'g> {
    pub(super) fn error(&self, span: Span, message: String) -> Box<Diagnostic> {
        Box::new(Diagnostic::at(self.file, span, message))
    }

    /// Compiles a path expression, after checking that its automaton is
    /// not too big to build: at most [`MAX_AUTOMATON`] states, and at most
    /// the search limit (each state is at least one step of the search).
    pub(super) fn automaton(&self, expr: &PathExpr) -> PResult<super::rpq::Nfa> {
        let size = super::rpq::Nfa::size_bound(expr);
        let limit = MAX_AUTOMATON.min(self.limits.max_states);
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
    pub(super) fn entity(&self, name: &Name) -> PResult<NodeIndex> {
        if name.by_label {
            return self.labelled(name);
        }
        if let Some(node) = self.graph.find(&name.text) {
            return Ok(node);
        }
        let mut d = *self.error(name.span, format!("no entity is named `{}`", name.text));
        d = d.label("unknown name");
        // A slip in a query form's keyword reads as a pattern's first name.
        let keyword = did_you_mean(&name.text, KEYWORDS);
        if let (Some(k), true) = (keyword, name.span.start == self.start) {
            return Err(Box::new(d.help(format!("did you mean the query `{k}`?"))));
        }
        // Labels and names with the same words, then a slip of the pen.
        if let Some(help) = self.by_words(&name.text) {
            return Err(Box::new(d.help(help)));
        }
        let near = did_you_mean(&name.text, self.graph.entities().map(|(_, e)| &*e.name));
        Err(Box::new(match near {
            Some(near) => d.help(format!("did you mean `{}`?", written(near))),
            None => d.help("`show NAME` shows an entity; names are case-sensitive; `find TEXT` finds one by the words of its name or label"),
        }))
    }

    pub(super) fn relation(&self, name: &Name) -> PResult<Sym> {
        self.symbol(
            name,
            &self.graph.relations,
            &|r| self.graph.relation_in_use(r),
            "relation",
            "`.schema` in the shell lists the relations in use",
        )
    }

    pub(super) fn kind(&self, name: &Name) -> PResult<Sym> {
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
    pub(super) fn symbol(
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

    pub(super) fn relations(&self, via: &[PathExpr]) -> PResult<Option<Via>> {
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
    pub(super) fn has_semantics(&self, name: &Name) -> bool {
        self.graph.relations.get(&name.text).is_some_and(|r| {
            self.graph.symmetric(r) || self.graph.transitive(r) || self.graph.inverse(r).is_some()
        })
    }

    /// Whether an edge holds under `as of`.
    pub(super) fn valid(&self, edge: EdgeIndex) -> bool {
        self.as_of
            .is_none_or(|d| valid_on(self.graph, self.graph.petgraph()[edge].attrs, d))
    }

    /// The pattern's rows, and how many there are; with `count_only`,
    /// only how many (the rows are left empty).
    pub(super) fn pattern(&self, pattern: &Pattern, count_only: bool) -> PResult<(Rows, usize)> {
        let plan = Plan::new(self, pattern)?;
        let mut rows = Rows {
            columns: plan.columns.clone(),
            entity_columns: vec![false; plan.columns.len()],
            ..Rows::default()
        };
        let mut found: std::collections::BTreeMap<Vec<Ordered>, RowInfo> =
            std::collections::BTreeMap::new();
        let mut binding: Vec<Option<Cell>> = vec![None; plan.vars.len()];
        let distinct_edges = count_only
            && plan.steps.iter().all(|s| {
                matches!(s, Step::Edge { relation: Slot::Fixed(_), attrs, .. } if attrs.is_empty())
            });
        if distinct_edges {
            // Every step then walks the rows by relation, parallel edges
            // side by side.
            self.graph.prepare_relation_rows();
        }
        let mut run = Run {
            plan: &plan,
            eval: self,
            found: &mut found,
            rows: &mut rows,
            states: 0,
            max_states: self.limits.max_states,
            matched: Vec::new(),
            derived: Vec::new(),
            matched_facts: Vec::new(),
            error: None,
            claim_sources: std::cell::OnceCell::new(),
            count_only,
            ids: Default::default(),
            distinct_edges,
            counted: 0,
        };
        run.solve(0, &mut binding);
        if let Some(e) = run.error {
            return Err(e);
        }
        let ids = std::mem::take(&mut run.ids).len() + run.counted;
        if count_only {
            return Ok((rows, ids + found.len()));
        }
        for (row, info) in found {
            rows.rows.push(row.into_iter().map(|o| o.0).collect());
            rows.derived.push(info.derived);
            rows.sources
                .push((info.edges.into_iter().collect(), info.facts));
        }
        let count = rows.rows.len();
        Ok((rows, count))
    }
}

/// Where a query's first word is: the start of its pattern's first name.
pub(crate) fn query_start(query: &Query) -> usize {
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
pub(super) struct StepTo {
    pub(super) edge: EdgeIndex,
    pub(super) to: NodeIndex,
    pub(super) direction: Direction,
    pub(super) relation: Sym,
    pub(super) derived: bool,
}

pub(super) fn flip(d: Direction) -> Direction {
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

pub(super) fn written(name: &str) -> String {
    let mut s = String::new();
    crate::value::write_name(&mut s, name).expect("writing to a String");
    s
}
