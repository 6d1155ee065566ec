//! Cypher for LadybugDB (and Kuzu) over the Parquet tables loaded by
//! `--schema`: entities are `Entity` nodes, statements `Statement`
//! relationships carrying their relation as a property, facts and
//! attributes nodes joined by id. A path expression becomes a chain of
//! variable-length relationship patterns, each over a set of relations in
//! one direction; what such a chain cannot say is refused.

use super::{Moves, Question, Refusal, Translation, Via};
use crate::graph::Sym;
use crate::query::ast::{Direction, PathExpr};
use crate::query::plan::{SOURCES_KEY, Slot, Step};
use crate::value::Value;
use std::fmt::Write;

type Out = Result<String, Refusal>;

/// The longest variable-length pattern LadybugDB (and Kuzu) allow.
const MOST_HOPS: u32 = 30;

/// The statements that load the export into LadybugDB; `DIR` the export's folder.
pub(super) fn schema() -> String {
    "// Load `dossier export FILE... --to parquet -o DIR` into LadybugDB (or Kuzu):
CREATE NODE TABLE Entity(name STRING PRIMARY KEY, kind STRING, label STRING, declared BOOLEAN, file STRING, line INT64);
CREATE REL TABLE Statement(FROM Entity TO Entity, id INT64, subject STRING, relation STRING, file STRING, line INT64, valid_from DATE, valid_until DATE);
CREATE NODE TABLE Fact(id INT64 PRIMARY KEY, subject STRING, predicate STRING, file STRING, line INT64, valid_from DATE, valid_until DATE);
CREATE NODE TABLE Attribute(row SERIAL PRIMARY KEY, owner INT64, entity STRING, key STRING, type STRING, integer_value INT64, decimal_value DOUBLE, string_value STRING, date_value DATE, boolean_value BOOLEAN, name_value STRING);
COPY Entity FROM 'DIR/entities.parquet';
COPY Statement FROM (LOAD FROM 'DIR/statements.parquet' RETURN subject, object, id, subject AS subject_name, relation, file, line, valid_from, valid_until);
COPY Fact FROM 'DIR/facts.parquet';
COPY Attribute FROM (LOAD FROM 'DIR/attributes.parquet' RETURN owner, entity, key, type, integer_value, decimal_value, string_value, date_value, boolean_value, name_value);
"
    .to_string()
}

/// One link of a chain: relations in one direction, repeated `min..=max` times.
#[derive(Clone, Debug)]
struct Segment {
    relations: Vec<Sym>,
    /// `None`: either direction.
    forward: Option<bool>,
    min: u32,
    max: u32,
}

#[derive(Clone, Copy, PartialEq)]
enum Holds {
    Entity,
    Relation,
    Value,
}

struct Cypher<'t, 'a, 'g> {
    t: &'t Translation<'a, 'g>,
    matches: Vec<String>,
    wheres: Vec<String>,
    /// Each variable: its expression (a node variable for entities) and what it holds.
    bound: Vec<Option<(String, Holds)>>,
    conflict: Option<usize>,
    fresh: usize,
}

pub(super) fn cypher(t: &Translation, q: &Question) -> Out {
    let mut c = Cypher {
        t,
        matches: Vec::new(),
        wheres: Vec::new(),
        bound: Vec::new(),
        conflict: None,
        fresh: 0,
    };
    let body = match q {
        Question::Pattern { plan, count, .. } => c.pattern(plan, *count)?,
        Question::Neighbours {
            entity,
            direction,
            via,
            depth,
        } => c.neighbours(entity, *direction, via, *depth)?,
        Question::Path {
            from,
            to,
            forward,
            via,
        } => c.path(from, to, *forward, via)?,
        Question::Paths {
            from,
            to,
            forward,
            via,
            max,
            limit,
        } => c.paths(from, to, *forward, via, *max, *limit)?,
    };
    Ok(format!(
        "// Cypher for LadybugDB, translated by dossier from `{}`\n// over the Parquet tables loaded by `dossier translate --to cypher --schema`;\n// repeats go at most {} steps (--max-depth, at most 30).\n{body};\n",
        super::sql::one_line(t.text),
        t.options.max_depth.min(MOST_HOPS)
    ))
}

fn string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

impl Cypher<'_, '_, '_> {
    fn var(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// `--max-depth`, within LadybugDB's limit.
    fn depth(&self) -> u32 {
        self.t.options.max_depth.min(MOST_HOPS)
    }

    fn literal(&self, v: &Value) -> String {
        match v {
            Value::Int(i) => i.to_string(),
            Value::Dec(d) => format!("{d:?}"),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => format!("date('{d}')"),
            Value::Str(s) | Value::Name(s) => string(s),
        }
    }

    fn valid(&self, e: &str) -> Option<String> {
        let d = self.t.as_of?;
        Some(format!(
            "({e}.valid_from IS NULL OR {e}.valid_from <= date('{d}')) AND ({e}.valid_until IS NULL OR {e}.valid_until >= date('{d}'))"
        ))
    }

    fn relations(&self, list: &[Sym]) -> String {
        let mut names: Vec<&str> = list.iter().map(|r| self.t.relation(*r)).collect();
        names.sort_unstable();
        names.dedup();
        format!(
            "[{}]",
            names
                .iter()
                .map(|n| string(n))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn bind(&mut self, var: usize, expr: String, holds: Holds) {
        match &self.bound[var] {
            None => self.bound[var] = Some((expr, holds)),
            Some((first, h)) => {
                if *h != holds {
                    self.conflict = Some(var);
                }
                self.wheres.push(format!("{expr} = {first}"));
            }
        }
    }

    /// The node variable of an entity slot (a new one for a name or an unbound variable).
    fn node(&mut self, slot: &Slot<petgraph::graph::NodeIndex>) -> String {
        match slot {
            Slot::Fixed(_) => {
                let n = self.var("e");
                let name = self.t.entity_name(slot).expect("a fixed entity");
                self.wheres.push(format!("{n}.name = {}", string(name)));
                format!("({n}:Entity)")
            }
            Slot::Var(v) => match &self.bound[*v] {
                Some((expr, Holds::Entity)) if !expr.contains('.') => format!("({expr})"),
                Some(_) => {
                    self.conflict = Some(*v);
                    "(:Entity)".into()
                }
                None => {
                    let n = format!("v{v}");
                    self.bound[*v] = Some((n.clone(), Holds::Entity));
                    format!("({n}:Entity)")
                }
            },
        }
    }

    /// An entity slot as a name expression, joined to `expr` (a fact's subject).
    fn name_of(&mut self, slot: &Slot<petgraph::graph::NodeIndex>, expr: &str) {
        match slot {
            Slot::Fixed(_) => {
                let name = self.t.entity_name(slot).expect("a fixed entity");
                self.wheres.push(format!("{expr} = {}", string(name)));
            }
            Slot::Var(v) => match &self.bound[*v] {
                Some((n, Holds::Entity)) => {
                    let n = n.clone();
                    self.wheres.push(format!("{expr} = {n}.name"));
                }
                Some(_) => self.conflict = Some(*v),
                None => {
                    let n = format!("v{v}");
                    self.bound[*v] = Some((n.clone(), Holds::Entity));
                    self.matches.push(format!("({n}:Entity)"));
                    self.wheres.push(format!("{n}.name = {expr}"));
                }
            },
        }
    }

    fn attrs(&mut self, owner: &str, attrs: &[(Sym, Slot<Value>)]) -> Result<(), Refusal> {
        for (key, slot) in attrs {
            if *key == SOURCES_KEY {
                return Err((
                    None,
                    "`@sources`".into(),
                    "counting a claim's sources needs a count over its other statements inside the match, which this translation does not write for Cypher yet; translate for Spark, DuckDB or SPARQL".into(),
                ));
            }
            let a = self.var("a");
            let name = self.t.graph.keys.name(*key);
            self.matches.push(format!("({a}:Attribute)"));
            self.wheres.push(format!(
                "{a}.owner = {owner}.id AND {a}.key = {}",
                string(name)
            ));
            match slot {
                Slot::Fixed(v) => {
                    let ty = crate::formats::parquet::type_name(v);
                    self.wheres
                        .push(format!("{a}.{ty}_value = {}", self.literal(v)));
                }
                Slot::Var(v) => {
                    let types = self.t.key_types(*key);
                    let expr = match types.as_slice() {
                        [one] => format!("{a}.{one}_value"),
                        ["decimal", "integer"] => format!(
                            "coalesce(CAST({a}.integer_value AS DOUBLE), {a}.decimal_value)"
                        ),
                        _ => {
                            return Err((
                                None,
                                format!("the attribute `{name}` of several types"),
                                format!(
                                    "its values are {}, and a column holds one type",
                                    types.join(", ")
                                ),
                            ));
                        }
                    };
                    self.bind(*v, expr, Holds::Value);
                }
            }
        }
        Ok(())
    }

    /// A path expression as a chain of segments, or a refusal.
    fn segments(&self, e: &PathExpr) -> Result<Vec<Segment>, Refusal> {
        let g = self.t.graph;
        let refuse = |why: &str| -> Result<Vec<Segment>, Refusal> {
            Err((
                Some(e.span()),
                "this path expression".into(),
                why.to_string(),
            ))
        };
        Ok(match e {
            PathExpr::Relation(n) => {
                let r = g.relations.get(&n.text).expect("a checked relation");
                if g.inverse(r).is_some() {
                    return refuse(
                        "an inverse relation steps along its partner backwards, and a Cypher relationship pattern has one direction for all its relations",
                    );
                }
                let max = if g.transitive(r) { self.depth() } else { 1 };
                vec![Segment {
                    relations: vec![r],
                    forward: if g.symmetric(r) { None } else { Some(true) },
                    min: 1,
                    max,
                }]
            }
            PathExpr::Inverse(inner) => {
                let mut list = self.segments(inner)?;
                list.reverse();
                for s in &mut list {
                    s.forward = s.forward.map(|f| !f);
                }
                list
            }
            PathExpr::Sequence(list) => {
                let mut out = Vec::new();
                for e in list {
                    out.extend(self.segments(e)?);
                }
                out
            }
            PathExpr::Alternative(list) => {
                let mut one: Option<Segment> = None;
                for e in list {
                    let parts = self.segments(e)?;
                    let [s] = parts.as_slice() else {
                        return refuse(
                            "an alternative of sequences: a Cypher relationship pattern is one step or one repeat",
                        );
                    };
                    match &mut one {
                        None => one = Some(s.clone()),
                        Some(o) if o.forward == s.forward && (o.min, o.max) == (s.min, s.max) => {
                            o.relations.extend(s.relations.iter().copied())
                        }
                        Some(_) => {
                            return refuse(
                                "an alternative of steps in different directions or repeats: one Cypher relationship pattern has one of each",
                            );
                        }
                    }
                }
                vec![one.expect("an alternative has parts")]
            }
            PathExpr::Repeat(inner, min, max) => {
                let parts = self.segments(inner)?;
                let [s] = parts.as_slice() else {
                    return refuse(
                        "a repeat of a sequence: Cypher repeats one relationship pattern",
                    );
                };
                if (s.min, s.max) != (1, 1) {
                    return refuse(
                        "a repeat of a repeat (or of a transitive relation): Cypher's variable length is one range",
                    );
                }
                if max.is_some_and(|n| n > MOST_HOPS) {
                    return refuse(
                        "a repeat of more than 30 steps: LadybugDB's variable-length patterns go at most 30",
                    );
                }
                vec![Segment {
                    max: max.unwrap_or(self.depth()),
                    min: *min,
                    ..s.clone()
                }]
            }
        })
    }

    fn chain(&mut self, from: &str, segments: &[Segment], to: &str) -> String {
        let mut out = from.to_string();
        for (i, s) in segments.iter().enumerate() {
            let r = self.var("r");
            let mut cond = format!("{r}.relation IN {}", self.relations(&s.relations));
            let (len, filter) = if (s.min, s.max) == (1, 1) {
                self.wheres.push(cond);
                self.wheres.extend(self.valid(&r));
                (String::new(), String::new())
            } else {
                if let Some(v) = self.valid("x") {
                    cond = format!("{cond} AND {v}");
                }
                let cond = cond.replace(&format!("{r}."), "x.");
                (
                    format!("* {}..{}", s.min, s.max),
                    format!(" (x, y | WHERE {cond})"),
                )
            };
            let edge = format!("[{r}:Statement{len}{filter}]");
            let next = if i + 1 == segments.len() {
                to.to_string()
            } else {
                "(:Entity)".to_string()
            };
            let _ = match s.forward {
                Some(true) => write!(out, "-{edge}->{next}"),
                Some(false) => write!(out, "<-{edge}-{next}"),
                None => write!(out, "-{edge}-{next}"),
            };
        }
        out
    }

    fn pattern(&mut self, plan: &crate::query::plan::Plan, count: bool) -> Out {
        self.bound = vec![None; plan.vars.len()];
        for step in &plan.steps {
            match step {
                Step::Kind { entity, kind } => {
                    let n = self.node(entity);
                    let var = n
                        .trim_start_matches('(')
                        .split([':', ')'])
                        .next()
                        .unwrap_or("")
                        .to_string();
                    self.matches.push(n);
                    self.wheres.push(format!(
                        "{var}.kind = {}",
                        string(self.t.graph.kinds.name(*kind))
                    ));
                }
                Step::Edge {
                    subject,
                    relation,
                    object,
                    attrs,
                } => {
                    let (s, o) = (self.node(subject), self.node(object));
                    let e = self.var("s");
                    self.matches.push(format!("{s}-[{e}:Statement]->{o}"));
                    self.wheres.extend(self.valid(&e));
                    match relation {
                        Slot::Fixed(r) => self
                            .wheres
                            .push(format!("{e}.relation = {}", string(self.t.relation(*r)))),
                        Slot::Var(v) => self.bind(*v, format!("{e}.relation"), Holds::Relation),
                    }
                    self.attrs(&e, attrs)?;
                }
                Step::Fact {
                    subject,
                    predicate,
                    attrs,
                } => {
                    let f = self.var("f");
                    self.matches.push(format!("({f}:Fact)"));
                    self.wheres.extend(self.valid(&f));
                    self.name_of(subject, &format!("{f}.subject"));
                    match predicate {
                        Slot::Fixed(r) => self
                            .wheres
                            .push(format!("{f}.predicate = {}", string(self.t.relation(*r)))),
                        Slot::Var(v) => self.bind(*v, format!("{f}.predicate"), Holds::Relation),
                    }
                    self.attrs(&f, attrs)?;
                }
                Step::Path {
                    subject,
                    object,
                    expr,
                    ..
                } => {
                    let segments = self.segments(expr)?;
                    let (s, o) = (self.node(subject), self.node(object));
                    let chain = self.chain(&s, &segments, &o);
                    self.matches.push(chain);
                }
            }
        }
        if let Some(v) = self.conflict {
            return Err((
                None,
                format!("`?{}` as two kinds of thing", plan.vars[v]),
                "Dossier never matches such a pattern".into(),
            ));
        }
        for checks in &plan.checks {
            for c in checks {
                let side = |s: &Slot<Value>| match s {
                    Slot::Fixed(v) => self.literal(v),
                    Slot::Var(i) => match self.bound[*i].as_ref().expect("bound") {
                        (n, Holds::Entity) => format!("{n}.name"),
                        (e, _) => e.clone(),
                    },
                };
                let op = super::operator(c.op, "<>");
                let w = format!("{} {op} {}", side(&c.left), side(&c.right));
                self.wheres.push(w);
            }
        }
        let columns: Vec<String> = plan
            .columns
            .iter()
            .map(|c| {
                let i = plan
                    .vars
                    .iter()
                    .position(|v| v == c)
                    .expect("a column is a variable");
                let expr = match self.bound[i].as_ref().expect("every variable is bound") {
                    (n, Holds::Entity) => format!("{n}.name"),
                    (e, _) => e.clone(),
                };
                format!("{expr} AS {}", ident(c))
            })
            .collect();
        let mut out = format!("MATCH {}", self.matches.join(",\n      "));
        if !self.wheres.is_empty() {
            let _ = write!(out, "\nWHERE {}", self.wheres.join("\n  AND "));
        }
        let projection = if columns.is_empty() {
            "true AS matched".to_string()
        } else {
            columns.join(", ")
        };
        if count {
            let _ = write!(
                out,
                "\nWITH DISTINCT {projection}\nRETURN count(*) AS count"
            );
            return Ok(out);
        }
        let _ = write!(out, "\nRETURN DISTINCT {projection}");
        if !columns.is_empty() {
            let order: Vec<String> = plan.columns.iter().map(|c| ident(c)).collect();
            let _ = write!(out, "\nORDER BY {}", order.join(", "));
        }
        Ok(out)
    }

    fn neighbours(&mut self, entity: &str, direction: Direction, via: &Via, depth: u32) -> Out {
        let Via::Relations(list) = via else {
            return Err((None, "`neighbours` through a path expression".into(), "Dossier names the last hop of one shortest match, chosen as its search meets it; ask the pattern `?x EXPR ?y` instead".into()));
        };
        let list = list.as_deref();
        if depth > 1 {
            return Ok(self.neighbours_deep(entity, direction, list, depth));
        }
        let a = string(entity);
        let both = direction == Direction::Both;
        let mut branches = Vec::new();
        let mut branch = |pattern: &str,
                          relation: &str,
                          dir: &str,
                          extra: Vec<String>,
                          this: &Self| {
            let mut w = extra;
            w.extend(this.valid("s"));
            let w = if w.is_empty() {
                String::new()
            } else {
                format!(" WHERE {}", w.join(" AND "))
            };
            branches.push(format!("MATCH {pattern}{w}\nRETURN b.name AS entity, {relation} AS relation, '{dir}' AS direction, 1 AS depth"));
        };
        let via_filter = |this: &Self| {
            list.map(|l| format!("s.relation IN {}", this.relations(l)))
                .into_iter()
                .collect::<Vec<_>>()
        };
        let out_pattern = format!("(a:Entity {{name: {a}}})-[s:Statement]->(b:Entity)");
        let in_pattern = format!("(a:Entity {{name: {a}}})<-[s:Statement]-(b:Entity)");
        if matches!(direction, Direction::Out | Direction::Both) {
            branch(&out_pattern, "s.relation", "out", via_filter(self), self);
        }
        if matches!(direction, Direction::In | Direction::Both) {
            let mut w = via_filter(self);
            if both {
                w.push(format!("b.name <> {a}"));
            }
            branch(&in_pattern, "s.relation", "in", w, self);
        }
        let (symmetric, inverses) = self.t.declared(list);
        if !both && !symmetric.is_empty() {
            let w = vec![format!("s.relation IN {}", self.relations(&symmetric))];
            match direction {
                Direction::Out => branch(&in_pattern, "s.relation", "out", w, self),
                _ => branch(&out_pattern, "s.relation", "in", w, self),
            }
        }
        if !(inverses.is_empty() || list.is_none() && both) {
            let case = format!(
                "CASE s.relation {} END",
                inverses
                    .iter()
                    .map(|(r, v)| format!(
                        "WHEN {} THEN {}",
                        string(self.t.relation(*r)),
                        string(self.t.relation(*v))
                    ))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let rs: Vec<Sym> = inverses.iter().map(|(r, _)| *r).collect();
            if matches!(direction, Direction::In | Direction::Both) {
                branch(
                    &out_pattern,
                    &case,
                    "in",
                    vec![format!("s.relation IN {}", self.relations(&rs))],
                    self,
                );
            }
            if matches!(direction, Direction::Out | Direction::Both) {
                let mut w = vec![format!("s.relation IN {}", self.relations(&rs))];
                if both {
                    w.push(format!("b.name <> {a}"));
                }
                branch(&in_pattern, &case, "out", w, self);
            }
        }
        Ok(branches.join("\nUNION ALL\n"))
    }

    /// The hops Dossier takes from a frontier entity `p` along a statement
    /// `s` matched in either direction (`p` is never the other end: that
    /// is already seen): each a condition, its ordering key (derived
    /// steps after stored ones, then the relation) and its direction.
    fn hop_rules(
        &self,
        direction: Direction,
        list: Option<&[Sym]>,
    ) -> Vec<(String, String, &'static str)> {
        let both = direction == Direction::Both;
        let (out, inn) = (
            matches!(direction, Direction::Out | Direction::Both),
            matches!(direction, Direction::In | Direction::Both),
        );
        let forward = "s.subject = p.name";
        let backward = "s.subject <> p.name";
        let among = |l: &[Sym]| format!("s.relation IN {}", self.relations(l));
        let via = |f: &str| match list {
            Some(l) => format!("{f} AND {}", among(l)),
            None => f.to_string(),
        };
        let stored = "'0' + s.relation".to_string();
        let mut rules = Vec::new();
        if out {
            rules.push((via(forward), stored.clone(), "out"));
        }
        if inn {
            rules.push((via(backward), stored.clone(), "in"));
        }
        let (symmetric, inverses) = self.t.declared(list);
        if !both && !symmetric.is_empty() {
            let derived = "'1' + s.relation".to_string();
            match direction {
                Direction::Out => rules.push((
                    format!("{backward} AND {}", among(&symmetric)),
                    derived,
                    "out",
                )),
                _ => rules.push((
                    format!("{forward} AND {}", among(&symmetric)),
                    derived,
                    "in",
                )),
            }
        }
        if !(inverses.is_empty() || list.is_none() && both) {
            let case = format!(
                "'1' + CASE s.relation {} END",
                inverses
                    .iter()
                    .map(|(r, v)| format!(
                        "WHEN {} THEN {}",
                        string(self.t.relation(*r)),
                        string(self.t.relation(*v))
                    ))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let rs: Vec<Sym> = inverses.iter().map(|(r, _)| *r).collect();
            if inn {
                rules.push((format!("{forward} AND {}", among(&rs)), case.clone(), "in"));
            }
            if out {
                rules.push((format!("{backward} AND {}", among(&rs)), case, "out"));
            }
        }
        for rule in &mut rules {
            if let Some(v) = self.valid("s") {
                rule.0 = format!("{} AND {v}", rule.0);
            }
        }
        rules
    }

    /// `neighbours ... depth N` breadth first, as a union of one query a
    /// depth: each walks the levels before it (the entities first reached
    /// there, kept in the list `seen`), then names, for each entity first
    /// reached at its depth, the smallest of the hops that reach it.
    fn neighbours_deep(
        &self,
        entity: &str,
        direction: Direction,
        list: Option<&[Sym]>,
        depth: u32,
    ) -> String {
        let rules = self.hop_rules(direction, list);
        let any = rules
            .iter()
            .map(|(c, _, _)| format!("({c})"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let hops = rules
            .iter()
            .map(|(c, key, dir)| {
                format!("CASE WHEN {c} THEN [[{key}, '{dir}']] ELSE CAST([] AS STRING[][]) END")
            })
            .reduce(|a, b| format!("list_concat({a},\n       {b})"))
            .unwrap_or_else(|| "CAST([] AS STRING[][])".into());
        let step = "UNWIND frontier AS f\nMATCH (p:Entity {name: f})-[s:Statement]-(b:Entity)\nWHERE NOT list_contains(seen, b.name)";
        let queries: Vec<String> = (1..=depth)
            .map(|level| {
                let mut q = format!(
                    "// depth {level}\nMATCH (a:Entity {{name: {}}})\nWITH [a.name] AS seen, [a.name] AS frontier",
                    string(entity)
                );
                for _ in 1..level {
                    let _ = write!(
                        q,
                        "\n{step} AND ({any})\nWITH seen, collect(DISTINCT b.name) AS frontier\nWITH list_concat(seen, frontier) AS seen, frontier"
                    );
                }
                let _ = write!(
                    q,
                    "\n{step}\nUNWIND {hops} AS h\nWITH b.name AS entity, h[1] AS key, h[2] AS direction\nWITH entity, min(key) AS best, collect([key, direction]) AS found\nUNWIND found AS h\nWITH entity, best, h WHERE h[1] = best\nRETURN entity, substring(best, 2, size(best)) AS relation, min(h[2]) AS direction, {level} AS depth"
                );
                q
            })
            .collect();
        queries.join("\nUNION ALL\n")
    }

    /// What a shortest path or a list of paths follows, as the filter of
    /// one variable-length pattern and its arrow; `what` names the question.
    fn walk(
        &self,
        forward: bool,
        via: &Via,
        what: &str,
    ) -> Result<(String, &'static str), Refusal> {
        let (relations, forward) = match via {
            Via::Relations(list) => {
                let (symmetric, inverses) = self.t.declared(list.as_deref());
                // A symmetric relation followed forward, or an inverse one
                // through its partner, adds steps against its statements.
                let adds = (forward && !symmetric.is_empty())
                    || !(inverses.is_empty() || list.is_none() && !forward);
                if adds {
                    return Err((None, format!("{what} through declared relations"), "the steps a symmetric relation (followed forward) or an inverse one adds run against their statements, and a LadybugDB variable-length pattern follows one direction or both for all; translate for Spark or DuckDB".into()));
                }
                (list.clone(), forward)
            }
            Via::Expression(nfa) => {
                // An expression of one relation set in one direction, repeated, is a filter.
                let m = Moves::new(nfa);
                let one_state =
                    m.moves.iter().all(|mv| mv.0 == mv.3) && m.accepting == vec![m.start];
                let directions: Vec<bool> = m.moves.iter().map(|mv| mv.2).collect();
                if !one_state
                    || m.moves.iter().any(|mv| mv.5)
                    || directions.iter().any(|d| *d != directions[0])
                {
                    return Err((None, format!("{what} through this path expression"), "a LadybugDB variable-length pattern repeats one set of relations in one direction; translate for Spark or DuckDB".into()));
                }
                (
                    Some(m.moves.iter().map(|mv| mv.1).collect()),
                    directions.first().copied().unwrap_or(true),
                )
            }
        };
        let mut w: Vec<String> = relations
            .iter()
            .map(|l| format!("x.relation IN {}", self.relations(l)))
            .collect();
        w.extend(self.valid("x"));
        let filter = if w.is_empty() {
            String::new()
        } else {
            format!(" (x, y | WHERE {})", w.join(" AND "))
        };
        Ok((filter, if forward { "->" } else { "-" }))
    }

    /// Every simple path of at most `max` hops, numbered as Dossier
    /// orders them: by length, then hop by hop (relation, entity reached,
    /// direction, entity left). LadybugDB cannot order by a list, so a
    /// path's number counts the paths before it.
    fn paths(&self, from: &str, to: &str, forward: bool, via: &Via, max: u32, limit: u32) -> Out {
        if max > MOST_HOPS {
            return Err((
                None,
                format!("`paths ... max {max}`"),
                "LadybugDB's variable-length patterns go at most 30 steps".into(),
            ));
        }
        let (filter, arrow) = self.walk(forward, via, "paths")?;
        let (f, t) = (ident("from"), ident("to"));
        Ok(format!(
            "// Every simple path of at most {max} hops, shortest first, at most {limit}.\nMATCH p = (a:Entity {{name: {}}})-[:Statement*1..{max}{filter}]{arrow}(b:Entity {{name: {}}})\nWITH properties(rels(p), 'relation') AS rs, properties(rels(p), 'subject') AS ss, properties(nodes(p), 'name') AS ns\nWHERE size(list_distinct(ns)) = size(ns)\nWITH DISTINCT size(rs) AS depth, list_transform(range(1, size(rs)), i -> [rs[i], ns[i + 1], CASE WHEN ss[i] = ns[i] THEN 'out' ELSE 'in' END, ns[i]]) AS route\nWITH collect({{depth: depth, route: route}}) AS found\nUNWIND found AS one\nWITH 1 + size(list_filter(found, o -> struct_extract(o, 'depth') < struct_extract(one, 'depth') OR struct_extract(o, 'depth') = struct_extract(one, 'depth') AND struct_extract(o, 'route') < struct_extract(one, 'route'))) AS path, struct_extract(one, 'route') AS route\nWHERE path <= {limit}\nUNWIND range(1, size(route)) AS step\nRETURN path, step, route[step][4] AS {f}, route[step][1] AS relation, route[step][2] AS {t}, route[step][3] AS direction\nORDER BY path, step",
            string(from),
            string(to)
        ))
    }

    fn path(&mut self, from: &str, to: &str, forward: bool, via: &Via) -> Out {
        let (filter, arrow) = self.walk(forward, via, "a path")?;
        let bound = self.depth();
        let (f, t) = (ident("from"), ident("to"));
        Ok(format!(
            "// A shortest path of at most {bound} hops (dossier translate --max-depth).\nMATCH p = (a:Entity {{name: {}}})-[:Statement* SHORTEST 1..{bound}{filter}]{arrow}(b:Entity {{name: {}}})\nUNWIND range(1, length(p)) AS i\nWITH i, rels(p)[i] AS r, nodes(p)[i] AS x, nodes(p)[i + 1] AS y\nRETURN i AS step, x.name AS {f}, r.relation AS relation, y.name AS {t}, CASE WHEN r.subject = x.name THEN 'out' ELSE 'in' END AS direction\nORDER BY step",
            string(from),
            string(to)
        ))
    }
}
