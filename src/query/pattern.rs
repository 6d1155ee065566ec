//! Patterns: the plan run as a backtracking join, its rows distinct and
//! sorted, within the row and state budgets.

use super::eval::*;
use super::plan::*;
use super::values::{article, compare, number};

/// A variable's value during a search.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Entity(NodeIndex),
    Relation(Sym),
    Value(Value),
}

/// A value with a total order, for sorting and de-duplicating rows:
/// booleans, then numbers (integers and decimals together), dates, and
/// text (strings and names).
#[derive(Debug, Clone)]
pub(super) struct Ordered(pub(super) Value);

impl Ordered {
    pub(super) fn rank(&self) -> u8 {
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

pub(super) struct Run<'p, 'g> {
    pub(super) plan: &'p Plan,
    pub(super) eval: &'p Eval<'g>,
    /// Each distinct row, and whether every match that gave it is derived.
    pub(super) found: &'p mut std::collections::BTreeMap<Vec<Ordered>, RowInfo>,
    pub(super) rows: &'p mut Rows,
    pub(super) states: u64,
    pub(super) max_states: u64,
    /// The edges of the current partial match.
    pub(super) matched: Vec<EdgeIndex>,
    /// Whether each path step of the current match is derived.
    pub(super) derived: Vec<bool>,
    /// The facts of the current partial match.
    pub(super) matched_facts: Vec<crate::graph::Fact>,
    pub(super) error: Option<Box<Diagnostic>>,
    /// The number of distinct sources of each claim, made when `@sources`
    /// first asks.
    pub(super) claim_sources: std::cell::OnceCell<crate::claims::SourceCounts>,
    /// `count`: rows are only told apart, not kept with their evidence.
    pub(super) count_only: bool,
    /// Under `count_only`, the rows of entities and relations, by index.
    pub(super) ids: super::counting::IdRows,
    /// `count` of a pattern of edges of named relations, no attributes:
    /// each step walks rows sorted by ends and relation and takes one of
    /// parallel edges, so no row comes twice and rows need no set.
    pub(super) distinct_edges: bool,
    /// Under `distinct_edges`, the rows so far.
    pub(super) counted: usize,
}

impl Run<'_, '_> {
    pub(super) fn solve(&mut self, step: usize, binding: &mut Vec<Option<Cell>>) {
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
                ..
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
                // With the relation known, only its edges are walked (a
                // hub's other relations are not); with both ends known too,
                // only those between them.
                let mut slice = match (s, o, r) {
                    (Some(Some(s)), o, Some(r)) => {
                        graph.edge_slice(r, Some((s, Outgoing)), o.flatten())
                    }
                    (_, Some(Some(o)), Some(r)) => graph.edge_slice(r, Some((o, Incoming)), None),
                    (_, _, Some(r)) => graph.edge_slice(r, None, None),
                    _ => crate::graph::EdgeSlice::default(),
                };
                let narrowed = self.narrowed(
                    step,
                    (subject, s),
                    (object, o),
                    r,
                    slice.edges.len(),
                    binding,
                );
                if narrowed.is_some() {
                    // Edges gathered from several searches: read each one.
                    slice = crate::graph::EdgeSlice::default();
                }
                let row: &[u32] = match (s, o, r) {
                    _ if narrowed.is_some() => narrowed.as_deref().unwrap_or_default(),
                    (Some(Some(s)), _, None) => graph.row_index(Outgoing).of(s),
                    (_, Some(Some(o)), None) => graph.row_index(Incoming).of(o),
                    _ => slice.edges,
                };
                let every = (row.is_empty() && s.is_none() && o.is_none() && r.is_none())
                    .then(|| 0..g.edge_count() as u32);
                // Under `distinct_edges`, the edges come with parallel ones
                // side by side: after one is taken, the next of the same
                // ends and relation would give the same rows.
                let mut last = None;
                for (k, i) in row
                    .iter()
                    .copied()
                    .chain(every.into_iter().flatten())
                    .enumerate()
                {
                    let e = EdgeIndex::new(i as usize);
                    // The rows by relation hold each edge's ends: the edge
                    // itself is read only when they do not, or for its
                    // attributes.
                    let (from, relation_of, to) = match slice.triple(k) {
                        Some(t) => t,
                        None => {
                            let (from, to) = g.edge_endpoints(e).expect("edges have ends");
                            (from, g[e].relation, to)
                        }
                    };
                    if !self.eval.valid(e) {
                        continue;
                    }
                    if s.is_some_and(|s| s != Some(from))
                        || o.is_some_and(|o| o != Some(to))
                        || r.is_some_and(|r| r != relation_of)
                    {
                        continue;
                    }
                    let ends = [
                        (slot_var(subject), Cell::Entity(from)),
                        (slot_var(relation), Cell::Relation(relation_of)),
                        (slot_var(object), Cell::Entity(to)),
                    ];
                    if attrs.is_empty() {
                        // No attributes to match: bind in place, with no
                        // list of new bindings made for each edge.
                        let mut set = [usize::MAX; 3];
                        let mut n = 0;
                        let mut agree = true;
                        for (var, cell) in ends {
                            let Some(v) = var else { continue };
                            match &binding[v] {
                                Some(bound) => {
                                    if *bound != cell {
                                        agree = false;
                                        break;
                                    }
                                }
                                None => {
                                    binding[v] = Some(cell);
                                    set[n] = v;
                                    n += 1;
                                }
                            }
                        }
                        let triple = (from, relation_of, to);
                        if agree && !(self.distinct_edges && last == Some(triple)) {
                            last = Some(triple);
                            self.matched.push(e);
                            self.solve(step + 1, binding);
                            self.matched.pop();
                        }
                        for &v in &set[..n] {
                            binding[v] = None;
                        }
                        continue;
                    }
                    let mut new: Vec<(Option<usize>, Cell)> = ends.to_vec();
                    let weight = g[e];
                    let claim = (weight.relation, from, Some(to));
                    if !self.attrs_match(attrs, weight.attrs, claim, binding, &mut new) {
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
                    let claim = (f.predicate, f.subject, None);
                    if !self.attrs_match(attrs, f.attrs, claim, binding, &mut new) {
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

    /// A clause that binds one end from the other, followed by a clause
    /// from that new end to an entity already bound (the edge that closes
    /// a triangle): when the second clause's row at its bound entity is
    /// much shorter, only the edges of this clause to the entities in that
    /// row can go on, and they are found by binary search, in the order of
    /// their other end (parallel edges side by side). `walked`: how many
    /// edges this clause would walk otherwise. None: walk as usual.
    fn narrowed(
        &self,
        step: usize,
        (subject, s): (&Slot<NodeIndex>, Option<Option<NodeIndex>>),
        (object, o): (&Slot<NodeIndex>, Option<Option<NodeIndex>>),
        r: Option<Sym>,
        walked: usize,
        binding: &[Option<Cell>],
    ) -> Option<Vec<u32>> {
        let graph = self.eval.graph;
        let r = r?;
        // This clause's bound end, its direction, and the variable it binds.
        let (from, dir, v) = match (s, o) {
            (Some(Some(s)), None) => (s, Outgoing, slot_var(object)?),
            (None, Some(Some(o))) => (o, Incoming, slot_var(subject)?),
            _ => return None,
        };
        let Some(Step::Edge {
            subject: next_s,
            relation: Slot::Fixed(r2),
            object: next_o,
            attrs,
        }) = self.plan.steps.get(step + 1)
        else {
            return None;
        };
        if !attrs.is_empty() {
            return None;
        }
        // The next clause's other end, bound already, and which way its
        // row is read to list the entities `v` may be.
        let (x, next_dir) = match (slot_var(next_s), slot_var(next_o)) {
            (Some(a), _) if a == v && slot_var(next_o) != Some(v) => {
                (resolve_node(next_o, binding)??, Incoming)
            }
            (_, Some(b)) if b == v && slot_var(next_s) != Some(v) => {
                (resolve_node(next_s, binding)??, Outgoing)
            }
            _ => return None,
        };
        let theirs = graph.edge_slice(*r2, Some((x, next_dir)), None);
        if theirs.edges.len() * 4 >= walked {
            return None;
        }
        let mut edges = Vec::new();
        let mut last = None;
        for k in 0..theirs.edges.len() {
            let (a, _, b) = theirs.triple(k)?;
            let candidate = if next_dir == Incoming { a } else { b };
            if last == Some(candidate) {
                continue;
            }
            last = Some(candidate);
            edges.extend_from_slice(
                graph
                    .edge_slice(r, Some((from, dir)), Some(candidate))
                    .edges,
            );
        }
        Some(edges)
    }

    /// Runs `f` with `new` bound, then unbinds them.
    pub(super) fn with(
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

    pub(super) fn attrs_match(
        &self,
        wanted: &[(Sym, Slot<Value>)],
        attrs: u32,
        claim: crate::claims::ClaimKey,
        binding: &[Option<Cell>],
        new: &mut Vec<(Option<usize>, Cell)>,
    ) -> bool {
        let have = self.eval.graph.attrs(attrs);
        let mut sources = None;
        for (key, slot) in wanted {
            let value = if *key == super::plan::SOURCES_KEY {
                let counts = self
                    .claim_sources
                    .get_or_init(|| crate::claims::source_counts(self.eval.graph));
                sources.insert(Value::Int(counts.get(&claim).copied().unwrap_or(0) as i64))
            } else {
                let Some((_, value)) = have.iter().find(|(k, _)| k == key) else {
                    return false;
                };
                value
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

    pub(super) fn check(&self, check: &Check, binding: &[Option<Cell>]) -> PResult<bool> {
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

    pub(super) fn cell_value(&self, cell: &Cell) -> Value {
        match cell {
            Cell::Entity(n) => Value::Name(self.eval.graph.entity(*n).name.as_str().into()),
            Cell::Relation(r) => Value::Name(self.eval.graph.relations.name(*r).into()),
            Cell::Value(v) => v.clone(),
        }
    }

    pub(super) fn emit(&mut self, binding: &[Option<Cell>]) {
        if self.distinct_edges {
            // Every row comes once: counted, not kept.
            if self.counted >= self.eval.limits.max_rows as usize {
                self.rows.truncated = true;
            } else {
                self.counted += 1;
            }
            return;
        }
        let full = self.found.len() + self.ids.len() >= self.eval.limits.max_rows as usize;
        if self.count_only {
            // A row of entities and relations is told apart by their
            // indices (a variable holds one or the other, whichever match
            // binds it): no names, no evidence.
            let id = |c: &Option<Cell>| match c {
                Some(Cell::Entity(n)) => Some(2 * n.index() as u64),
                Some(Cell::Relation(r)) => Some(2 * *r as u64 + 1),
                _ => None,
            };
            if binding.iter().all(|c| id(c).is_some()) {
                let ids = binding.iter().map(|c| id(c).expect("checked"));
                if !self.ids.add(ids, full) {
                    self.rows.truncated = true;
                }
                return;
            }
        }
        let row: Vec<Ordered> = binding
            .iter()
            .map(|c| Ordered(self.cell_value(c.as_ref().expect("all variables are bound"))))
            .collect();
        if full && !self.found.contains_key(&row) {
            self.rows.truncated = true;
            return;
        }
        if self.count_only {
            self.found.entry(row).or_default();
            return;
        }
        for (i, cell) in binding.iter().enumerate() {
            if let Some(Cell::Entity(n)) = cell {
                self.rows.nodes.insert(*n);
                if let Some(e) = self.rows.entity_columns.get_mut(i) {
                    *e = true;
                }
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
pub(super) fn resolve_node(
    slot: &Slot<NodeIndex>,
    binding: &[Option<Cell>],
) -> Option<Option<NodeIndex>> {
    match slot {
        Slot::Fixed(n) => Some(Some(*n)),
        Slot::Var(v) => match &binding[*v] {
            Some(Cell::Entity(n)) => Some(Some(*n)),
            Some(_) => Some(None),
            None => None,
        },
    }
}

pub(super) fn slot_var<T>(slot: &Slot<T>) -> Option<usize> {
    match slot {
        Slot::Var(v) => Some(*v),
        Slot::Fixed(_) => None,
    }
}

pub(super) fn entity_var(slot: &Slot<NodeIndex>) -> Option<usize> {
    slot_var(slot)
}

/// The new bindings, unless one variable would get two values in one
/// clause (`?x r ?x` on an edge from A to B).
pub(super) fn consistent(
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
