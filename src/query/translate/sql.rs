//! Spark SQL and DuckDB SQL over the Parquet tables. One generator, two
//! dialects: they differ in quoting, in arrays, and in recursion — DuckDB's
//! `UNION` recursion stops when no new row comes (an exact fixpoint);
//! Spark's allows `UNION ALL` only, so its repeats go at most
//! `--max-depth` steps, each level kept distinct.

use super::{Engine, Moves, Question, Refusal, Translation};
use crate::graph::Sym;

use crate::query::plan::{SOURCES_KEY, Slot, Step};
use crate::value::Value;
use std::fmt::Write;

mod search;

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
    /// The relations the automata step along.
    oriented: Vec<String>,
}

/// The name of the subquery of statements read both ways.
const ORIENTED: &str = "oriented";

pub(super) fn sql(t: &Translation, q: &Question) -> Out {
    let mut s = Sql {
        t,
        spark: t.options.engine == Engine::Spark,
        ctes: Vec::new(),
        recursive: false,
        oriented: Vec::new(),
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
                let body = if name == ORIENTED {
                    self.oriented_body()
                } else {
                    body.clone()
                };
                let _ = write!(out, "{name} AS (\n{}\n)", indent(&body));
                out.push_str(if i + 1 < self.ctes.len() { ",\n" } else { "\n" });
            }
        }
        out.push_str(&body);
        out.push_str(";\n");
        out
    }

    /// `statements` read both ways, for the automata: `forward` says
    /// whether `src` is the subject. Every automaton of a query shares the
    /// one subquery, over all their relations (written by `finish`).
    fn oriented(&mut self, relations: &[&str]) -> String {
        for r in relations {
            if !self.oriented.iter().any(|o| o == r) {
                self.oriented.push(r.to_string());
            }
        }
        self.oriented.sort_unstable();
        self.cte(ORIENTED, String::new());
        ORIENTED.to_string()
    }

    fn oriented_body(&self) -> String {
        let names: Vec<&str> = self.oriented.iter().map(|r| r.as_str()).collect();
        let mut w = vec![format!("s.relation IN ({})", self.list(&names))];
        w.extend(self.valid("s"));
        let w = w.join(" AND ");
        format!(
            "SELECT s.subject AS src, s.object AS dst, s.relation, TRUE AS forward FROM statements s WHERE {w}\nUNION ALL\nSELECT s.object AS src, s.subject AS dst, s.relation, FALSE AS forward FROM statements s WHERE {w}"
        )
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
}

pub(super) fn states(list: &[usize]) -> String {
    list.iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A query on one line, for a comment.
pub(super) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
