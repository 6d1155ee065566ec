//! Cypher for LadybugDB (and Kuzu) over the Parquet tables loaded by
//! `--schema`: entities are `Entity` nodes, statements `Statement`
//! relationships carrying their relation as a property, facts and
//! attributes nodes joined by id. A path expression becomes a chain of
//! variable-length relationship patterns, each over a set of relations in
//! one direction; what such a chain cannot say is refused.

use super::{Question, Refusal, Translation};
use crate::graph::Sym;
use crate::query::ast::PathExpr;
use crate::query::plan::{SOURCES_KEY, Slot, Step};
use crate::value::Value;
use std::fmt::Write;

mod search;

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
    /// Every variable the match binds, carried past a count of sources.
    carried: Vec<String>,
    /// Each `@sources`: its optional match and the name of its count.
    sources: Vec<(String, String)>,
}

pub(super) fn cypher(t: &Translation, q: &Question) -> Out {
    let mut c = Cypher {
        t,
        matches: Vec::new(),
        wheres: Vec::new(),
        bound: Vec::new(),
        conflict: None,
        fresh: 0,
        carried: Vec::new(),
        sources: Vec::new(),
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

/// The variable of a node pattern: `v0` of `(v0:Entity)` or `(v0)`.
fn node_var(pattern: &str) -> String {
    pattern
        .trim_start_matches('(')
        .split([':', ')'])
        .next()
        .unwrap_or("")
        .to_string()
}

fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

impl Cypher<'_, '_, '_> {
    fn var(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        let name = format!("{prefix}{}", self.fresh);
        self.carried.push(name.clone());
        name
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
                    self.carried.push(n.clone());
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
                    self.carried.push(n.clone());
                    self.bound[*v] = Some((n.clone(), Holds::Entity));
                    self.matches.push(format!("({n}:Entity)"));
                    self.wheres.push(format!("{n}.name = {expr}"));
                }
            },
        }
    }

    /// The attributes of a statement or fact `owner`; `claim`, for a
    /// statement, its subject's and object's node variables.
    fn attrs(
        &mut self,
        owner: &str,
        attrs: &[(Sym, Slot<Value>)],
        claim: Option<(&str, &str)>,
    ) -> Result<(), Refusal> {
        for (key, slot) in attrs {
            if *key == SOURCES_KEY {
                // The distinct sources of every statement of the claim,
                // counted after the match.
                self.fresh += 1;
                let (count, t, a) = (
                    format!("sources{}", self.fresh),
                    format!("t{}", self.fresh),
                    format!("c{}", self.fresh),
                );
                let matched = match claim {
                    Some((s, o)) => format!(
                        "OPTIONAL MATCH ({s})-[{t}:Statement]->({o}), ({a}:Attribute)\nWHERE {t}.relation = {owner}.relation AND {a}.owner = {t}.id AND {a}.key = 'source'"
                    ),
                    None => format!(
                        "OPTIONAL MATCH ({t}:Fact), ({a}:Attribute)\nWHERE {t}.subject = {owner}.subject AND {t}.predicate = {owner}.predicate AND {a}.owner = {t}.id AND {a}.key = 'source'"
                    ),
                };
                self.sources.push((
                    format!("{matched}\nWITH {{carried}}count(DISTINCT {a}.name_value) AS {count}"),
                    count.clone(),
                ));
                match slot {
                    Slot::Fixed(v) => self.wheres.push(format!("{count} = {}", self.literal(v))),
                    Slot::Var(v) => self.bind(*v, count, Holds::Value),
                }
                continue;
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
            let r = if (s.min, s.max) == (1, 1) {
                self.var("r")
            } else {
                String::new()
            };
            let mut cond = format!("{r}.relation IN {}", self.relations(&s.relations));
            let (len, filter) = if (s.min, s.max) == (1, 1) {
                self.wheres.push(cond);
                self.wheres.extend(self.valid(&r));
                (String::new(), String::new())
            } else {
                if let Some(v) = self.valid("x") {
                    cond = format!("{cond} AND {v}");
                }
                let cond = cond.replacen(".relation", "x.relation", 1);
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
                    let var = node_var(&n);
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
                    let (sv, ov) = (node_var(&s), node_var(&o));
                    self.attrs(&e, attrs, Some((&sv, &ov)))?;
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
                    self.attrs(&f, attrs, None)?;
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
        // What tests a count of sources waits for it.
        let (late, early): (Vec<&String>, Vec<&String>) = self.wheres.iter().partition(|w| {
            self.sources.iter().any(|(_, count)| {
                w.split(|c: char| !c.is_alphanumeric())
                    .any(|word| word == count)
            })
        });
        if !early.is_empty() {
            let _ = write!(
                out,
                "\nWHERE {}",
                early
                    .iter()
                    .map(|w| w.as_str())
                    .collect::<Vec<_>>()
                    .join("\n  AND ")
            );
        }
        let mut carried: String = self.carried.iter().map(|v| format!("{v}, ")).collect();
        for (matched, count) in &self.sources {
            let _ = write!(out, "\n{}", matched.replace("{carried}", &carried));
            let _ = write!(carried, "{count}, ");
        }
        if !late.is_empty() {
            let _ = write!(
                out,
                "\nWHERE {}",
                late.iter()
                    .map(|w| w.as_str())
                    .collect::<Vec<_>>()
                    .join("\n  AND ")
            );
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
}
