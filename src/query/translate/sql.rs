//! Spark SQL and DuckDB SQL over the Parquet tables. One generator, two
//! dialects: they differ in quoting, in arrays, and in recursion — DuckDB's
//! `UNION` recursion stops when no new row comes (an exact fixpoint);
//! Spark's allows `UNION ALL` only, so its repeats go at most
//! `--max-depth` steps, each level kept distinct.

use super::{Engine, Moves, Question, Refusal, Translation, Via};
use crate::graph::Sym;
use crate::query::ast::Direction;
use crate::query::plan::{SOURCES_KEY, Slot, Step};
use crate::value::Value;
use std::fmt::Write;

type Out = Result<String, Refusal>;

/// What a variable holds: Dossier joins only like with like.
#[derive(Clone, Copy, PartialEq)]
enum Holds {
    Entity,
    Relation,
    Value,
}

/// Each variable's expression, the conditions so far, and whether a
/// variable was bound to two kinds of thing.
struct Binder {
    bound: Vec<Option<(String, Holds)>>,
    wheres: Vec<String>,
    conflict: Option<usize>,
}

impl Binder {
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
}

struct Sql<'t, 'a, 'g> {
    t: &'t Translation<'a, 'g>,
    spark: bool,
    /// Named subqueries, in order.
    ctes: Vec<(String, String)>,
    recursive: bool,
}

pub(super) fn sql(t: &Translation, q: &Question) -> Out {
    let mut s = Sql {
        t,
        spark: t.options.engine == Engine::Spark,
        ctes: Vec::new(),
        recursive: false,
    };
    let body = match q {
        Question::Pattern { plan, count, .. } => s.pattern(plan, *count)?,
        Question::Neighbours {
            entity,
            direction,
            via,
            depth,
        } => s.neighbours(entity, *direction, via, *depth)?,
        Question::Path {
            from,
            to,
            forward,
            via,
        } => s.path(from, to, *forward, via)?,
        Question::Paths {
            from,
            to,
            forward,
            via,
            max,
            limit,
        } => s.paths(from, to, *forward, via, *max, *limit)?,
    };
    Ok(s.finish(body))
}

impl Sql<'_, '_, '_> {
    fn str(&self, s: &str) -> String {
        if self.spark {
            format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
        } else {
            format!("'{}'", s.replace('\'', "''"))
        }
    }

    fn ident(&self, s: &str) -> String {
        if self.spark {
            format!("`{}`", s.replace('`', "``"))
        } else {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
    }

    fn literal(&self, v: &Value) -> String {
        match v {
            Value::Int(i) => i.to_string(),
            Value::Dec(d) => format!("CAST({d:?} AS DOUBLE)"),
            Value::Bool(b) => b.to_string().to_uppercase(),
            Value::Date(d) => format!("DATE '{d}'"),
            Value::Str(s) | Value::Name(s) => self.str(s),
        }
    }

    fn list(&self, names: &[&str]) -> String {
        names
            .iter()
            .map(|n| self.str(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The condition that a row of `alias` (statements or facts) holds `as of` the query's date.
    fn valid(&self, alias: &str) -> Option<String> {
        let d = self.t.as_of?;
        Some(format!(
            "({alias}.valid_from IS NULL OR {alias}.valid_from <= DATE '{d}') AND ({alias}.valid_until IS NULL OR {alias}.valid_until >= DATE '{d}')"
        ))
    }

    fn cte(&mut self, name: &str, body: String) {
        if !self.ctes.iter().any(|(n, _)| n == name) {
            self.ctes.push((name.to_string(), body));
        }
    }

    fn finish(&self, body: String) -> String {
        let mut out = String::new();
        let t = self.t;
        let engine = if self.spark { "Spark SQL" } else { "DuckDB" };
        let _ = writeln!(
            out,
            "-- {engine}, translated by dossier from `{}`",
            one_line(t.text)
        );
        let _ = writeln!(
            out,
            "-- over the tables of `dossier export FILE... --to parquet -o DIR`, read as views:"
        );
        for table in ["entities", "statements", "facts", "attributes"] {
            if self.spark {
                let _ = writeln!(
                    out,
                    "--   CREATE TEMPORARY VIEW {table} USING parquet OPTIONS (path 'DIR/{table}.parquet');"
                );
            } else {
                let _ = writeln!(
                    out,
                    "--   CREATE VIEW {table} AS FROM 'DIR/{table}.parquet';"
                );
            }
        }
        if self.recursive && self.spark {
            let _ = writeln!(
                out,
                "-- Repeats follow at most {} steps (dossier translate --max-depth); a longer chain is not found.",
                t.options.max_depth
            );
        }
        if !self.ctes.is_empty() {
            out.push_str(if self.recursive {
                "WITH RECURSIVE\n"
            } else {
                "WITH\n"
            });
            for (i, (name, body)) in self.ctes.iter().enumerate() {
                let _ = write!(out, "{name} AS (\n{}\n)", indent(body));
                out.push_str(if i + 1 < self.ctes.len() { ",\n" } else { "\n" });
            }
        }
        out.push_str(&body);
        out.push_str(";\n");
        out
    }

    /// `statements` read both ways, for the automata: `forward` says
    /// whether `src` is the subject.
    fn oriented(&mut self, relations: &[&str]) -> String {
        let name = "oriented";
        let filter = |alias: &str| {
            let mut w = vec![format!("{alias}.relation IN ({})", self.list(relations))];
            w.extend(self.valid(alias));
            w.join(" AND ")
        };
        let body = format!(
            "SELECT s.subject AS src, s.object AS dst, s.relation, TRUE AS forward FROM statements s WHERE {}\nUNION ALL\nSELECT s.object AS src, s.subject AS dst, s.relation, FALSE AS forward FROM statements s WHERE {}",
            filter("s"),
            filter("s")
        );
        // Several automata in one query share one list of their relations.
        if let Some(i) = self.ctes.iter().position(|(n, _)| n == name) {
            let old = std::mem::take(&mut self.ctes[i].1);
            let mut all: Vec<String> = relations.iter().map(|r| self.str(r)).collect();
            let start = old.find("IN (").map(|p| p + 4).unwrap_or(0);
            let end = old[start..].find(')').map(|p| p + start).unwrap_or(start);
            for r in old[start..end].split(", ") {
                if !all.iter().any(|a| a == r) && !r.is_empty() {
                    all.push(r.to_string());
                }
            }
            all.sort();
            let list = all.join(", ");
            let filter = |alias: &str| {
                let mut w = vec![format!("{alias}.relation IN ({list})")];
                w.extend(self.valid(alias));
                w.join(" AND ")
            };
            self.ctes[i].1 = format!(
                "SELECT s.subject AS src, s.object AS dst, s.relation, TRUE AS forward FROM statements s WHERE {}\nUNION ALL\nSELECT s.object AS src, s.subject AS dst, s.relation, FALSE AS forward FROM statements s WHERE {}",
                filter("s"),
                filter("s")
            );
        } else {
            self.cte(name, body);
        }
        name.to_string()
    }

    /// The moves of an automaton as an inline table.
    fn moves_table(&mut self, name: &str, m: &Moves) {
        let rows: Vec<String> = m
            .moves
            .iter()
            .map(|(from, r, forward, to, reported, derived)| {
                format!(
                    "({from}, {}, {}, {to}, {}, {})",
                    self.str(self.t.relation(*r)),
                    forward.to_string().to_uppercase(),
                    self.str(self.t.relation(*reported)),
                    derived.to_string().to_uppercase()
                )
            })
            .collect();
        let body = if rows.is_empty() {
            // An automaton with no moves: an empty table of the same columns.
            "SELECT CAST(0 AS INT) AS from_state, CAST('' AS STRING) AS relation, TRUE AS forward, CAST(0 AS INT) AS to_state, CAST('' AS STRING) AS reported, FALSE AS derived WHERE FALSE".replace(
                "STRING",
                if self.spark { "STRING" } else { "VARCHAR" },
            )
        } else {
            format!(
                "SELECT * FROM (VALUES\n  {}\n) AS m(from_state, relation, forward, to_state, reported, derived)",
                rows.join(",\n  ")
            )
        };
        self.cte(name, body);
    }

    /// The pairs (src, dst) an automaton joins, from `seed` (an entity's
    /// name) or from every entity; the name of the subquery.
    fn closure(&mut self, m: &Moves, seed: Option<&str>) -> String {
        let k = self.ctes.len();
        let moves = format!("automaton{k}");
        self.moves_table(&moves, m);
        let mut relations: Vec<&str> = m.moves.iter().map(|mv| self.t.relation(mv.1)).collect();
        relations.sort_unstable();
        relations.dedup();
        let oriented = self.oriented(&relations);
        let walk = format!("walk{k}");
        let start = m.start;
        let depth = if self.spark { ", 0 AS depth" } else { "" };
        let seed = match seed {
            Some(name) => format!(
                "SELECT {n} AS src, {n} AS node, {start} AS state{depth}",
                n = self.str(name)
            ),
            None => {
                format!("SELECT name AS src, name AS node, {start} AS state{depth} FROM entities")
            }
        };
        self.recursive = true;
        let body = if self.spark {
            format!(
                "{seed}\nUNION ALL\nSELECT DISTINCT w.src, o.dst AS node, m.to_state AS state, w.depth + 1 AS depth\nFROM {walk} w\nJOIN {moves} m ON m.from_state = w.state\nJOIN {oriented} o ON o.src = w.node AND o.relation = m.relation AND o.forward = m.forward\nWHERE w.depth < {}",
                self.t.options.max_depth
            )
        } else {
            format!(
                "{seed}\nUNION\nSELECT w.src, o.dst AS node, m.to_state AS state\nFROM {walk} w\nJOIN {moves} m ON m.from_state = w.state\nJOIN {oriented} o ON o.src = w.node AND o.relation = m.relation AND o.forward = m.forward"
            )
        };
        let cols = if self.spark {
            "(src, node, state, depth)"
        } else {
            "(src, node, state)"
        };
        self.cte(&format!("{walk}{cols}"), body);
        let pairs = format!("pairs{k}");
        let accepting = states(&m.accepting);
        self.cte(
            &pairs,
            format!("SELECT DISTINCT src, node AS dst FROM {walk} WHERE state IN ({accepting})"),
        );
        pairs
    }

    fn pattern(&mut self, plan: &crate::query::plan::Plan, count: bool) -> Out {
        let t = self.t;
        let mut b = Binder {
            bound: vec![None; plan.vars.len()],
            wheres: Vec::new(),
            conflict: None,
        };
        let mut from: Vec<String> = Vec::new();
        for (i, step) in plan.steps.iter().enumerate() {
            let a = format!("t{i}");
            match step {
                Step::Kind { entity, kind } => {
                    from.push(format!("entities {a}"));
                    b.wheres.push(format!(
                        "{a}.kind = {}",
                        self.str(t.graph.kinds.name(*kind))
                    ));
                    self.node(&mut b, entity, format!("{a}.name"));
                }
                Step::Edge {
                    subject,
                    relation,
                    object,
                    attrs,
                } => {
                    from.push(format!("statements {a}"));
                    b.wheres.extend(self.valid(&a));
                    self.node(&mut b, subject, format!("{a}.subject"));
                    self.node(&mut b, object, format!("{a}.object"));
                    self.symbol(&mut b, relation, format!("{a}.relation"));
                    self.attrs(&mut b, &a, attrs, true, &mut from)?;
                }
                Step::Fact {
                    subject,
                    predicate,
                    attrs,
                } => {
                    from.push(format!("facts {a}"));
                    b.wheres.extend(self.valid(&a));
                    self.node(&mut b, subject, format!("{a}.subject"));
                    self.symbol(&mut b, predicate, format!("{a}.predicate"));
                    self.attrs(&mut b, &a, attrs, false, &mut from)?;
                }
                Step::Path {
                    subject,
                    nfa,
                    reversed,
                    object,
                    ..
                } => {
                    let (pairs, swap) = match (t.entity_name(subject), t.entity_name(object)) {
                        (Some(s), _) => (self.closure(&Moves::new(nfa), Some(s)), false),
                        (None, Some(o)) => (self.closure(&Moves::new(reversed), Some(o)), true),
                        (None, None) => (self.closure(&Moves::new(nfa), None), false),
                    };
                    from.push(format!("{pairs} {a}"));
                    let (s, o) = if swap { ("dst", "src") } else { ("src", "dst") };
                    self.node(&mut b, subject, format!("{a}.{s}"));
                    self.node(&mut b, object, format!("{a}.{o}"));
                }
            }
        }
        if let Some(v) = b.conflict {
            return Err((
                None,
                format!("`?{}` as two kinds of thing", plan.vars[v]),
                "the variable names an entity, a relation or a value in one clause and another \
                 kind in the next; Dossier never matches such a pattern, so there is nothing to translate"
                    .into(),
            ));
        }
        for steps in &plan.checks {
            for c in steps {
                let side = |s: &Slot<Value>| match s {
                    Slot::Fixed(v) => self.literal(v),
                    Slot::Var(i) => b.bound[*i].as_ref().expect("bound").0.clone(),
                };
                let op = super::operator(c.op, "<>");
                let w = format!("{} {op} {}", side(&c.left), side(&c.right));
                b.wheres.push(w);
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
                format!(
                    "{} AS {}",
                    b.bound[i].as_ref().expect("every variable is bound").0,
                    self.ident(c)
                )
            })
            .collect();
        let mut select = String::from("SELECT DISTINCT ");
        if columns.is_empty() {
            select.push_str("TRUE AS matched");
        } else {
            select.push_str(&columns.join(", "));
        }
        if from.is_empty() {
            from.push("entities".into());
        }
        let _ = write!(select, "\nFROM {}", from.join(",\n     "));
        if !b.wheres.is_empty() {
            let _ = write!(select, "\nWHERE {}", b.wheres.join("\n  AND "));
        }
        if count {
            return Ok(format!(
                "SELECT count(*) AS count FROM (\n{}\n) AS answer",
                indent(&select)
            ));
        }
        if !columns.is_empty() {
            let order: Vec<String> = (1..=columns.len()).map(|i| i.to_string()).collect();
            let _ = write!(select, "\nORDER BY {}", order.join(", "));
        }
        Ok(select)
    }

    /// An entity's place in a clause: a name to match, or a variable.
    fn node(&self, b: &mut Binder, slot: &Slot<petgraph::graph::NodeIndex>, expr: String) {
        match slot {
            Slot::Fixed(_) => {
                let name = self.t.entity_name(slot).expect("a fixed entity");
                b.wheres.push(format!("{expr} = {}", self.str(name)));
            }
            Slot::Var(v) => b.bind(*v, expr, Holds::Entity),
        }
    }

    /// A relation's or predicate's place: a name to match, or a variable.
    fn symbol(&self, b: &mut Binder, slot: &Slot<Sym>, expr: String) {
        match slot {
            Slot::Fixed(r) => b
                .wheres
                .push(format!("{expr} = {}", self.str(self.t.relation(*r)))),
            Slot::Var(v) => b.bind(*v, expr, Holds::Relation),
        }
    }

    fn attrs(
        &mut self,
        b: &mut Binder,
        a: &str,
        attrs: &[(Sym, Slot<Value>)],
        statement: bool,
        from: &mut Vec<String>,
    ) -> Result<(), Refusal> {
        for (j, (key, slot)) in attrs.iter().enumerate() {
            let (expr, on) = self.attribute(a, j, *key, statement, from)?;
            b.wheres.extend(on);
            match slot {
                Slot::Fixed(v) => {
                    let w = self.equals(a, j, *key, &expr, v);
                    b.wheres.push(w);
                }
                Slot::Var(v) => b.bind(*v, expr, Holds::Value),
            }
        }
        Ok(())
    }

    /// The expression of attribute `key` of the statement or fact `a`
    /// (its `j`th in the clause), joining its table; with any conditions.
    fn attribute(
        &mut self,
        a: &str,
        j: usize,
        key: Sym,
        statement: bool,
        from: &mut Vec<String>,
    ) -> Result<(String, Vec<String>), Refusal> {
        let alias = format!("{a}_{j}");
        if key == SOURCES_KEY {
            let (name, body) = if statement {
                (
                    "claim_sources",
                    "SELECT s.subject, s.relation, s.object, count(DISTINCT a.name_value) AS sources\nFROM statements s LEFT JOIN attributes a ON a.owner = s.id AND a.key = 'source'\nGROUP BY s.subject, s.relation, s.object",
                )
            } else {
                (
                    "fact_sources",
                    "SELECT f.subject, f.predicate, count(DISTINCT a.name_value) AS sources\nFROM facts f LEFT JOIN attributes a ON a.owner = f.id AND a.key = 'source'\nGROUP BY f.subject, f.predicate",
                )
            };
            self.cte(name, body.to_string());
            from.push(format!("{name} {alias}"));
            let mut on = vec![format!("{alias}.subject = {a}.subject")];
            if statement {
                on.push(format!("{alias}.relation = {a}.relation"));
                on.push(format!("{alias}.object = {a}.object"));
            } else {
                on.push(format!("{alias}.predicate = {a}.predicate"));
            }
            return Ok((format!("{alias}.sources"), on));
        }
        let name = self.t.graph.keys.name(key);
        from.push(format!("attributes {alias}"));
        let on = vec![
            format!("{alias}.owner = {a}.id"),
            format!("{alias}.key = {}", self.str(name)),
        ];
        let types = self.t.key_types(key);
        let expr = match types.as_slice() {
            [one] => format!("{alias}.{one}_value"),
            ["decimal", "integer"] => {
                format!("coalesce(CAST({alias}.integer_value AS DOUBLE), {alias}.decimal_value)")
            }
            _ => {
                return Err((
                    None,
                    format!("the attribute `{name}` of several types"),
                    format!(
                        "its values are {}, and an SQL column holds one type; bind it with a \
                         value (`{{{name}: ...}}`) instead of a variable",
                        types.join(", ")
                    ),
                ));
            }
        };
        Ok((expr, on))
    }

    fn equals(&self, a: &str, j: usize, key: Sym, expr: &str, v: &Value) -> String {
        if key == SOURCES_KEY {
            return format!("{expr} = {}", self.literal(v));
        }
        let alias = format!("{a}_{j}");
        let ty = crate::formats::parquet::type_name(v);
        format!("{alias}.{ty}_value = {}", self.literal(v))
    }

    /// The steps a neighbourhood or path search takes from an entity, as
    /// Dossier takes them: stored statements in the direction asked, and
    /// the steps declarations add (a symmetric relation against its
    /// direction, an inverse relation through its partner), derived.
    fn steps(&mut self, direction: Direction, via: Option<&[Sym]>) -> String {
        let t = self.t;
        let names = |list: &[Sym]| {
            let mut n: Vec<&str> = list.iter().map(|r| t.relation(*r)).collect();
            n.sort_unstable();
            self.list(&n)
        };
        let both = direction == Direction::Both;
        let mut parts = Vec::new();
        let filter = |extra: Vec<String>| {
            let mut w = extra;
            w.extend(self.valid("s"));
            if w.is_empty() {
                String::new()
            } else {
                format!(" WHERE {}", w.join(" AND "))
            }
        };
        let via_filter = |list: Option<&[Sym]>| -> Vec<String> {
            match list {
                Some(l) => vec![format!("s.relation IN ({})", names(l))],
                None => vec![],
            }
        };
        if matches!(direction, Direction::Out | Direction::Both) {
            parts.push(format!(
                "SELECT s.subject AS src, s.object AS dst, s.relation, 'out' AS direction, FALSE AS derived FROM statements s{}",
                filter(via_filter(via))
            ));
        }
        if matches!(direction, Direction::In | Direction::Both) {
            let mut w = via_filter(via);
            if both {
                w.push("s.subject <> s.object".into());
            }
            parts.push(format!(
                "SELECT s.object AS src, s.subject AS dst, s.relation, 'in' AS direction, FALSE AS derived FROM statements s{}",
                filter(w)
            ));
        }
        let (symmetric, inverses) = self.t.declared(via);
        if !both && !symmetric.is_empty() {
            let w = vec![format!("s.relation IN ({})", names(&symmetric))];
            parts.push(match direction {
                Direction::Out => format!(
                    "SELECT s.object AS src, s.subject AS dst, s.relation, 'out' AS direction, TRUE AS derived FROM statements s{}",
                    filter(w)
                ),
                _ => format!(
                    "SELECT s.subject AS src, s.object AS dst, s.relation, 'in' AS direction, TRUE AS derived FROM statements s{}",
                    filter(w)
                ),
            });
        }
        // `a r b` is `b v a` when v is r's inverse; with no `via` and both
        // directions that is the stored step again, left out.
        if !(inverses.is_empty() || via.is_none() && both) {
            let case = format!(
                "CASE s.relation {} END",
                inverses
                    .iter()
                    .map(|(r, v)| format!(
                        "WHEN {} THEN {}",
                        self.str(t.relation(*r)),
                        self.str(t.relation(*v))
                    ))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let rs: Vec<Sym> = inverses.iter().map(|(r, _)| *r).collect();
            if matches!(direction, Direction::In | Direction::Both) {
                // From the subject: a step to the object, read backwards.
                parts.push(format!(
                    "SELECT s.subject AS src, s.object AS dst, {case} AS relation, 'in' AS direction, TRUE AS derived FROM statements s{}",
                    filter(vec![format!("s.relation IN ({})", names(&rs))])
                ));
            }
            if matches!(direction, Direction::Out | Direction::Both) {
                let mut w = vec![format!("s.relation IN ({})", names(&rs))];
                if both {
                    w.push("s.subject <> s.object".into());
                }
                parts.push(format!(
                    "SELECT s.object AS src, s.subject AS dst, {case} AS relation, 'out' AS direction, TRUE AS derived FROM statements s{}",
                    filter(w)
                ));
            }
        }
        let name = "steps";
        self.cte(name, parts.join("\nUNION ALL\n"));
        name.to_string()
    }

    /// The moves of a search as (src, dst, from_state, to_state, relation,
    /// direction, derived): Dossier's steps in one state, or an automaton's.
    fn search_moves(&mut self, direction: Direction, via: &Via) -> (String, usize, Vec<usize>) {
        match via {
            Via::Relations(list) => {
                let steps = self.steps(direction, list.as_deref());
                self.cte(
                    "moves",
                    format!("SELECT src, dst, 0 AS from_state, 0 AS to_state, relation, direction, derived FROM {steps}"),
                );
                ("moves".into(), 0, vec![0])
            }
            Via::Expression(nfa) => {
                let m = Moves::new(nfa);
                self.moves_table("automaton", &m);
                let mut relations: Vec<&str> =
                    m.moves.iter().map(|mv| self.t.relation(mv.1)).collect();
                relations.sort_unstable();
                relations.dedup();
                let oriented = self.oriented(&relations);
                // A derived step reads as its own statement, forwards.
                self.cte(
                    "moves",
                    format!(
                        "SELECT o.src, o.dst, m.from_state, m.to_state, m.reported AS relation,\n       CASE WHEN o.forward OR m.derived THEN 'out' ELSE 'in' END AS direction, m.derived\nFROM {oriented} o JOIN automaton m ON o.relation = m.relation AND o.forward = m.forward"
                    ),
                );
                ("moves".into(), m.start, m.accepting)
            }
        }
    }

    fn neighbours(&mut self, entity: &str, direction: Direction, via: &Via, depth: u32) -> Out {
        let start = self.str(entity);
        if let Via::Expression(..) = via {
            return Err((
                None,
                "`neighbours` through a path expression".into(),
                "Dossier names the last hop of one shortest match of the expression, chosen as its \
                 search meets it; a query cannot pick the same one. Ask the pattern \
                 `?x EXPR ?y` from the entity instead"
                    .into(),
            ));
        }
        let Via::Relations(list) = via else {
            unreachable!()
        };
        let steps = self.steps(direction, list.as_deref());
        if depth == 1 {
            return Ok(format!(
                "SELECT dst AS entity, relation, direction, 1 AS depth\nFROM {steps}\nWHERE src = {start}\nORDER BY entity, relation, direction"
            ));
        }
        // Breadth first, a level a subquery: each entity once, at its
        // smallest depth, with the smallest (derived, relation, direction,
        // previous entity) of the hops that reach it.
        for level in 1..=depth {
            let from = if level == 1 {
                format!("(SELECT {start} AS entity) p")
            } else {
                format!("level{} p", level - 1)
            };
            let seen = if level == 1 {
                format!("s.dst <> {start}")
            } else {
                format!(
                    "NOT EXISTS (SELECT 1 FROM seen{} v WHERE v.entity = s.dst)",
                    level - 1
                )
            };
            self.cte(
                &format!("level{level}"),
                format!(
                    "SELECT entity, relation, direction, {level} AS depth FROM (\n  SELECT s.dst AS entity, s.relation, s.direction,\n         row_number() OVER (PARTITION BY s.dst ORDER BY s.derived, s.relation, s.direction, s.src) AS k\n  FROM {steps} s JOIN {from} ON s.src = p.entity\n  WHERE {seen}\n) AS hops WHERE k = 1"
                ),
            );
            if level < depth {
                let before = if level == 1 {
                    format!("SELECT {start} AS entity")
                } else {
                    format!("SELECT entity FROM seen{}", level - 1)
                };
                self.cte(
                    &format!("seen{level}"),
                    format!("{before}\nUNION ALL\nSELECT entity FROM level{level}"),
                );
            }
        }
        let all: Vec<String> = (1..=depth)
            .map(|l| format!("SELECT * FROM level{l}"))
            .collect();
        Ok(format!(
            "SELECT entity, relation, direction, depth FROM (\n{}\n) AS found\nORDER BY depth, entity, relation, direction",
            indent(&all.join("\nUNION ALL\n"))
        ))
    }

    fn path(&mut self, from: &str, to: &str, forward: bool, via: &Via) -> Out {
        let direction = if forward || matches!(via, Via::Expression(..)) {
            Direction::Out
        } else {
            Direction::Both
        };
        if from == to {
            return Ok(format!(
                "-- From an entity to itself: the empty path, no hops.\nSELECT 0 AS step, {a} AS {}, '' AS relation, {a} AS {}, '' AS direction WHERE FALSE",
                self.ident("from"),
                self.ident("to"),
                a = self.str(from)
            ));
        }
        let (moves, start, accepting) = self.search_moves(direction, via);
        let (a, b) = (self.str(from), self.str(to));
        let bound = self.t.options.max_depth;
        self.recursive = true;
        // Breadth first: the (entity, state) pairs each number of moves reaches.
        self.cte(
            "reach(node, state, depth)",
            format!(
                "SELECT {a} AS node, {start} AS state, 0 AS depth\nUNION ALL\nSELECT DISTINCT m.dst, m.to_state, r.depth + 1\nFROM reach r JOIN {moves} m ON m.src = r.node AND m.from_state = r.state\nWHERE r.depth < {bound}"
            ),
        );
        self.cte(
            "distance",
            "SELECT node, state, min(depth) AS depth FROM reach GROUP BY node, state".into(),
        );
        self.cte(
            "goal",
            format!(
                "SELECT node, state, depth FROM distance WHERE node = {b} AND state IN ({})\nORDER BY depth, state LIMIT 1",
                states(&accepting)
            ),
        );
        if !self.spark {
            // The walk back from the target: into each pair, the smallest
            // move from a pair a level nearer (DuckDB allows a window in a
            // recursion).
            self.cte(
                "back(step, node, state, hop, src, relation, dst, direction)",
                format!(
                    "SELECT depth, node, state, CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR) FROM goal\nUNION ALL\nSELECT b.step - 1, m.src, m.from_state, b.step, m.src, m.relation, m.dst, m.direction\nFROM back b\nJOIN {moves} m ON m.dst = b.node AND m.to_state = b.state\nJOIN distance p ON p.node = m.src AND p.state = m.from_state AND p.depth = b.step - 1\nWHERE b.step > 0\nQUALIFY row_number() OVER (ORDER BY m.derived, m.relation, m.direction, m.src, m.from_state) = 1"
                ),
            );
            return Ok(format!(
                "-- A shortest path of at most {bound} hops (dossier translate --max-depth).\nSELECT hop AS step, src AS {}, relation, dst AS {}, direction\nFROM back WHERE hop IS NOT NULL\nORDER BY step",
                self.ident("from"),
                self.ident("to")
            ));
        }
        // One move into each pair from a pair a level nearer, the smallest.
        self.cte(
            "parent",
            format!(
                "SELECT * FROM (\n  SELECT m.*, d.depth,\n         row_number() OVER (PARTITION BY m.dst, m.to_state ORDER BY m.derived, m.relation, m.direction, m.src, m.from_state) AS k\n  FROM {moves} m\n  JOIN distance p ON p.node = m.src AND p.state = m.from_state\n  JOIN distance d ON d.node = m.dst AND d.state = m.to_state AND d.depth = p.depth + 1\n) AS ranked WHERE k = 1"
            ),
        );
        // Spark lets no recursion build on another: the walk back from
        // the target is written out, a subquery a hop.
        for k in 1..=bound {
            let into = if k == 1 {
                "goal g ON p.dst = g.node AND p.to_state = g.state".to_string()
            } else {
                format!(
                    "hop{} g ON p.dst = g.src AND p.to_state = g.from_state",
                    k - 1
                )
            };
            self.cte(
                &format!("hop{k}"),
                format!("SELECT p.* FROM parent p JOIN {into}"),
            );
        }
        let all: Vec<String> = (1..=bound)
            .map(|k| format!("SELECT depth AS step, src, relation, dst, direction FROM hop{k}"))
            .collect();
        Ok(format!(
            "-- A shortest path of at most {bound} hops (dossier translate --max-depth).\nSELECT step, src AS {}, relation, dst AS {}, direction FROM (\n{}\n) AS hops\nORDER BY step",
            self.ident("from"),
            self.ident("to"),
            indent(&all.join("\nUNION ALL\n"))
        ))
    }

    /// Every walk from `a` of at most `bound` moves that visits no entity
    /// twice (`by_state`: in one state of the automaton) and stops at `b`, with its hops
    /// as structs ordered as Dossier orders hops: relation, entity reached,
    /// direction.
    fn route_walk(
        &mut self,
        moves: &str,
        start: usize,
        a: &str,
        b: &str,
        bound: u32,
        by_state: bool,
    ) {
        let (empty, hop, visited0, at, append, contains) = if self.spark {
            (
                "CAST(array() AS ARRAY<STRUCT<relation: STRING, `to`: STRING, direction: STRING, `from`: STRING>>)".to_string(),
                "named_struct('relation', m.relation, 'to', m.dst, 'direction', m.direction, 'from', m.src)".to_string(),
                format!("array(named_struct('node', {a}, 'state', {start}))"),
                "named_struct('node', m.dst, 'state', m.to_state)",
                "array_append",
                "array_contains",
            )
        } else {
            (
                "CAST([] AS STRUCT(relation VARCHAR, \"to\" VARCHAR, direction VARCHAR, \"from\" VARCHAR)[])".to_string(),
                "struct_pack(relation := m.relation, \"to\" := m.dst, direction := m.direction, \"from\" := m.src)".to_string(),
                format!("[struct_pack(node := {a}, state := {start})]"),
                "struct_pack(node := m.dst, state := m.to_state)",
                "list_append",
                "list_contains",
            )
        };
        let (visited0, at) = if by_state {
            (visited0, at.to_string())
        } else if self.spark {
            (format!("array({a})"), "m.dst".to_string())
        } else {
            (format!("[{a}]"), "m.dst".to_string())
        };
        self.cte(
            "walk(node, state, depth, visited, route)",
            format!(
                "SELECT {a} AS node, {start} AS state, 0 AS depth, {visited0} AS visited, {empty} AS route\nUNION ALL\nSELECT m.dst, m.to_state, w.depth + 1, {append}(w.visited, {at}), {append}(w.route, {hop})\nFROM walk w JOIN {moves} m ON m.src = w.node AND m.from_state = w.state\nWHERE w.depth < {bound} AND w.node <> {b} AND NOT {contains}(w.visited, {at})"
            ),
        );
    }

    fn paths(
        &mut self,
        from: &str,
        to: &str,
        forward: bool,
        via: &Via,
        max: u32,
        limit: u32,
    ) -> Out {
        let direction = if forward || matches!(via, Via::Expression(..)) {
            Direction::Out
        } else {
            Direction::Both
        };
        let (moves, start, accepting) = self.search_moves(direction, via);
        let (a, b) = (self.str(from), self.str(to));
        self.recursive = true;
        self.route_walk(&moves, start, &a, &b, max, false);
        self.cte(
            "found",
            format!(
                "SELECT DISTINCT depth, route FROM walk WHERE node = {b} AND state IN ({}) AND depth > 0",
                states(&accepting)
            ),
        );
        self.cte(
            "numbered",
            format!("SELECT row_number() OVER (ORDER BY depth, route) AS path, route FROM found ORDER BY path LIMIT {limit}"),
        );
        let (f, t) = (self.ident("from"), self.ident("to"));
        let explode = if self.spark {
            format!(
                "SELECT n.path, h.pos + 1 AS step, h.hop.`from` AS {f}, h.hop.relation, h.hop.`to` AS {t}, h.hop.direction\nFROM numbered n LATERAL VIEW posexplode(n.route) h AS pos, hop"
            )
        } else {
            format!(
                "SELECT path, step, hop.\"from\" AS {f}, hop.relation, hop.\"to\" AS {t}, hop.direction\nFROM (SELECT path, unnest(route) AS hop, generate_subscripts(route, 1) AS step FROM numbered) AS hops"
            )
        };
        Ok(format!(
            "-- Every simple path of at most {max} hops, shortest first, at most {limit}.\n{explode}\nORDER BY path, step"
        ))
    }
}

fn states(list: &[usize]) -> String {
    list.iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A query on one line, for a comment.
pub(super) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
