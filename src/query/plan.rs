//! A pattern's plan: its clauses resolved to steps over names and
//! variables, ordered by estimated cost (the join order).

use super::eval::*;

/// The key of `@sources` in a plan: no attribute key's symbol.
pub(super) const SOURCES_KEY: Sym = Sym::MAX;

/// A resolved place in a clause.
#[derive(Debug, Clone)]
pub(super) enum Slot<T> {
    Fixed(T),
    Var(usize),
}

#[derive(Debug)]
pub(super) enum Step {
    /// A path expression, or a relation with a declared meaning.
    Path {
        subject: Slot<NodeIndex>,
        nfa: super::rpq::Nfa,
        /// The same, read from the object.
        reversed: super::rpq::Nfa,
        object: Slot<NodeIndex>,
        /// The expression as written (for `dossier translate`).
        expr: PathExpr,
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

pub(super) struct Check {
    pub(super) left: Slot<Value>,
    pub(super) op: Op,
    pub(super) right: Slot<Value>,
    pub(super) span: Span,
}

/// A pattern resolved against the graph and put in the order to run it.
pub(super) struct Plan {
    pub(super) vars: Vec<String>,
    /// The variables shown, in order of first appearance.
    pub(super) columns: Vec<String>,
    pub(super) steps: Vec<Step>,
    /// The conditions to check once step `i` has run.
    pub(super) checks: Vec<Vec<Check>>,
}

impl Plan {
    pub(super) fn new(eval: &Eval<'_>, pattern: &Pattern) -> PResult<Plan> {
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
                        if let Some(reserved) = a.key.text.strip_prefix('@') {
                            if reserved != "sources" {
                                let d = Diagnostic::at(
                                    eval.file,
                                    a.key.span,
                                    format!("`{}` is not one of Dossier's keys", a.key.text),
                                )
                                .label("unknown reserved key")
                                .help("keys starting with `@` are Dossier's: `@sources` binds the number of distinct sources behind the claim");
                                return Err(Box::new(d));
                            }
                            let value = match &a.value {
                                Operand::Value(v, _) => Slot::Fixed(v.clone()),
                                Operand::Var(n) => Slot::Var(var(n)),
                            };
                            return Ok((SOURCES_KEY, value));
                        }
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
                    Step::Path { subject: entity(subject, &mut var)?, reversed: nfa.reversed(), nfa, object: entity(object, &mut var)?, expr: expr.clone() }
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

pub(super) fn step_vars(step: &Step) -> Vec<usize> {
    pub(super) fn v<T>(s: &Slot<T>) -> Option<usize> {
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
pub(super) fn cost(graph: &Graph, step: &Step, bound: &[bool]) -> f64 {
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
