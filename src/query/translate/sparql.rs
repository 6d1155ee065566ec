//! SPARQL 1.1 over the N-Triples export (`dossier export --to ntriples`):
//! entities, relations, kinds and keys are its IRIs; a statement is its
//! asserted triple and its own `rdf:Statement` node, which carries its
//! attributes, so a clause with attributes or an `as of` date reads the
//! node. Path expressions and declarations become property paths: a
//! symmetric relation `(r|^r)`, an inverse one `(v|^p)`, a transitive one
//! `(...)+`, `{m,n}` spelled out with `?`.

use super::{Question, Refusal, Translation, Via};
use crate::graph::Sym;
use crate::query::ast::{Clause, Direction, Op, Operand, PathExpr, Predicate, Term};
use crate::value::Value;
use std::fmt::Write;

type Out = Result<String, Refusal>;

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// What a variable holds.
#[derive(Clone, Copy, PartialEq)]
enum Holds {
    Entity,
    Relation,
    Value,
}

struct Sparql<'t, 'a, 'g> {
    t: &'t Translation<'a, 'g>,
    base: &'t str,
    fresh: usize,
    holds: Vec<(String, Holds)>,
}

pub(super) fn sparql(t: &Translation, q: &Question) -> Out {
    let mut s = Sparql {
        t,
        base: &t.options.base,
        fresh: 0,
        holds: Vec::new(),
    };
    let body = match q {
        Question::Pattern { pattern, count, .. } => s.pattern(pattern, *count)?,
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
        } => {
            let steps = match via {
                Via::Relations(list) => s.step_path(list.as_deref(), *forward),
                Via::Expression(..) => "...".to_string(),
            };
            return Err((
                None,
                "a shortest path".into(),
                format!(
                    "SPARQL's property paths answer whether one entity reaches another, not by \
                     which hops: ask `ASK {{ {} {steps} {} }}` for reachability, or `paths ... max N` \
                     in SQL",
                    s.entity(from),
                    s.entity(to)
                ),
            ));
        }
        Question::Paths { .. } => {
            return Err((
                None,
                "`paths`".into(),
                "SPARQL's property paths neither return the hops they follow nor keep paths \
                 simple; translate `paths` for Spark or DuckDB"
                    .into(),
            ));
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# SPARQL 1.1, translated by dossier from `{}`",
        super::sql::one_line(t.text)
    );
    let _ = writeln!(
        out,
        "# over `dossier export FILE... --to ntriples{}`; entities and relations are its IRIs ({}entity/NAME, percent-encoded)",
        if t.options.base == crate::export::DEFAULT_BASE {
            String::new()
        } else {
            format!(" --base {}", t.options.base)
        },
        t.options.base
    );
    let _ = writeln!(out, "PREFIX rdf: <{RDF}>\nPREFIX xsd: <{XSD}>");
    out.push_str(&body);
    out.push('\n');
    Ok(out)
}

impl Sparql<'_, '_, '_> {
    fn entity(&self, name: &str) -> String {
        crate::formats::ntriples::entity_iri(self.base, name)
    }

    fn relation(&self, r: &str) -> String {
        crate::formats::ntriples::iri(self.base, "relation/", r)
    }

    fn vocabulary(&self, term: &str) -> String {
        format!("<{}vocabulary:{term}>", self.base)
    }

    fn var(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("?_{prefix}{}", self.fresh)
    }

    fn literal(&self, v: &Value) -> String {
        match v {
            Value::Int(i) => i.to_string(),
            Value::Dec(d) => format!("\"{d:?}\"^^xsd:double"),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => format!("\"{d}\"^^xsd:date"),
            Value::Str(s) => string(s),
            Value::Name(n) => self.entity(n),
        }
    }

    /// A relation with what its declaration adds, as a property path.
    fn atom(&self, r: Sym) -> String {
        let g = self.t.graph;
        let mut parts = vec![self.relation(self.t.relation(r))];
        if g.symmetric(r) {
            parts.push(format!("^{}", self.relation(self.t.relation(r))));
        }
        if let Some(p) = g.inverse(r) {
            parts.push(format!("^{}", self.relation(self.t.relation(p))));
            if g.symmetric(p) {
                parts.push(self.relation(self.t.relation(p)));
            }
        }
        let one = if parts.len() == 1 {
            parts.remove(0)
        } else {
            format!("({})", parts.join("|"))
        };
        if g.transitive(r) {
            format!("{one}+")
        } else {
            one
        }
    }

    fn path(&self, e: &PathExpr) -> Result<String, Refusal> {
        Ok(match e {
            PathExpr::Relation(n) => {
                let r = self
                    .t
                    .eval
                    .relation(n)
                    .map_err(|d| (Some(n.span), "a relation".into(), d.message.clone()))?;
                self.atom(r)
            }
            PathExpr::Inverse(e) => format!("^({})", self.path(e)?),
            PathExpr::Sequence(list) => list
                .iter()
                .map(|e| Ok(format!("({})", self.path(e)?)))
                .collect::<Result<Vec<_>, Refusal>>()?
                .join("/"),
            PathExpr::Alternative(list) => list
                .iter()
                .map(|e| Ok(format!("({})", self.path(e)?)))
                .collect::<Result<Vec<_>, Refusal>>()?
                .join("|"),
            PathExpr::Repeat(inner, min, max) => {
                let one = format!("({})", self.path(inner)?);
                match (min, max) {
                    (0, None) => format!("{one}*"),
                    (1, None) => format!("{one}+"),
                    (0, Some(1)) => format!("{one}?"),
                    (_, Some(0)) => {
                        return Err((
                            Some(e.span()),
                            "a repeat of at most zero".into(),
                            "`{0}` matches no step at all; write the pattern without it".into(),
                        ));
                    }
                    (m, max) => {
                        // SPARQL 1.1 has no counts: m copies, then the rest
                        // optional (or `*`).
                        let mut parts: Vec<String> = vec![one.clone(); *m as usize];
                        match max {
                            None => parts.push(format!("{one}*")),
                            Some(n) => parts
                                .extend(std::iter::repeat_n(format!("{one}?"), (n - m) as usize)),
                        }
                        parts.join("/")
                    }
                }
            }
        })
    }

    fn note(&mut self, name: &str, holds: Holds) -> Result<(), Refusal> {
        match self.holds.iter().find(|(n, _)| n == name) {
            Some((_, h)) if *h != holds => Err((
                None,
                format!("`?{name}` as two kinds of thing"),
                "the variable names an entity, a relation or a value in one clause and another \
                 kind in the next; Dossier never matches such a pattern"
                    .into(),
            )),
            Some(_) => Ok(()),
            None => {
                self.holds.push((name.to_string(), holds));
                Ok(())
            }
        }
    }

    fn node(&mut self, term: &Term) -> Result<String, Refusal> {
        Ok(match term {
            Term::Var(v) => {
                self.note(&v.text, Holds::Entity)?;
                format!("?{}", v.text)
            }
            Term::Name(n) => {
                let node = self
                    .t
                    .eval
                    .entity(n)
                    .map_err(|d| (Some(n.span), "a name".into(), d.message.clone()))?;
                self.entity(&self.t.graph.entity(node).name)
            }
        })
    }

    /// The conditions that the statement node `st` holds `as of` the query's date.
    fn valid(&self, st: &str) -> Option<String> {
        let d = self.t.as_of?;
        let key = |k: &str| crate::formats::ntriples::iri(self.base, "attribute/", k);
        Some(format!(
            "FILTER NOT EXISTS {{ {st} {}|{} ?_start FILTER(?_start > \"{d}\"^^xsd:date) }}\n  FILTER NOT EXISTS {{ {st} {} ?_end FILTER(?_end < \"{d}\"^^xsd:date) }}",
            key("date"),
            key("from"),
            key("until")
        ))
    }

    fn attrs(
        &mut self,
        st: &str,
        attrs: &[crate::query::ast::AttrTerm],
        claim: (&str, &str, Option<&str>),
        lines: &mut Vec<String>,
    ) -> Result<(), Refusal> {
        for a in attrs {
            if a.key.text == "@sources" {
                let (s, p, o) = claim;
                let n = self.var("n");
                let (gs, gp, go, gst, src) = (
                    self.var("s"),
                    self.var("p"),
                    self.var("o"),
                    self.var("st"),
                    self.var("src"),
                );
                let source = crate::formats::ntriples::iri(self.base, "attribute/", "source");
                let object = match o {
                    Some(o) => {
                        lines.push(format!("FILTER({go} = {o})"));
                        format!("; rdf:object {go} ")
                    }
                    None => format!("; rdf:object {go} "),
                };
                let group = format!("{gs} {gp} {go}");
                lines.push(format!(
                    "{{ SELECT {group} (COUNT(DISTINCT {src}) AS {n}) WHERE {{ {gst} rdf:subject {gs} ; rdf:predicate {gp} {object}. OPTIONAL {{ {gst} {source} {src} }} }} GROUP BY {group} }}"
                ));
                lines.push(format!("FILTER({gs} = {s} && {gp} = {p})"));
                self.bind_value(&a.value, &n, lines)?;
                continue;
            }
            let key = crate::formats::ntriples::iri(self.base, "attribute/", &a.key.text);
            let v = self.var("v");
            lines.push(format!("{st} {key} {v} ."));
            self.bind_value(&a.value, &v, lines)?;
        }
        Ok(())
    }

    fn bind_value(
        &mut self,
        value: &Operand,
        v: &str,
        lines: &mut Vec<String>,
    ) -> Result<(), Refusal> {
        match value {
            Operand::Var(n) => {
                self.note(&n.text, Holds::Value)?;
                lines.push(format!("BIND({v} AS ?{})", n.text));
            }
            Operand::Value(x, _) => {
                let ty = match x {
                    Value::Int(_) => "integer",
                    Value::Dec(_) => "",
                    Value::Bool(_) => "boolean",
                    Value::Date(_) => "date",
                    Value::Str(_) => "string",
                    Value::Name(_) => "",
                };
                if ty.is_empty() {
                    lines.push(format!("FILTER({v} = {})", self.literal(x)));
                } else {
                    lines.push(format!(
                        "FILTER({v} = {} && datatype({v}) = xsd:{ty})",
                        self.literal(x)
                    ));
                }
            }
        }
        Ok(())
    }

    fn pattern(&mut self, p: &crate::query::ast::Pattern, count: bool) -> Out {
        let mut lines: Vec<String> = Vec::new();
        let mut vars: Vec<String> = Vec::new();
        let see = |name: &str, vars: &mut Vec<String>| {
            if !vars.iter().any(|v| v == name) {
                vars.push(name.to_string());
            }
        };
        let relation_prefix = format!("{}relation/", self.base);
        for clause in &p.clauses {
            match clause {
                Clause::Kind { entity, kind } => {
                    if let Term::Var(v) = entity {
                        see(&v.text, &mut vars);
                    }
                    let e = self.node(entity)?;
                    self.t
                        .eval
                        .kind(kind)
                        .map_err(|d| (Some(kind.span), "a kind".into(), d.message.clone()))?;
                    let k = crate::formats::ntriples::iri(self.base, "kind/", &kind.text);
                    lines.push(format!("{e} rdf:type {k} ."));
                }
                Clause::Edge {
                    subject,
                    predicate,
                    object,
                    attrs,
                } => {
                    if let Term::Var(v) = subject {
                        see(&v.text, &mut vars);
                    }
                    if let Predicate::Var(v) = predicate {
                        see(&v.text, &mut vars);
                    }
                    if let Term::Var(v) = object {
                        see(&v.text, &mut vars);
                    }
                    for a in attrs {
                        if let Operand::Var(v) = &a.value {
                            see(&v.text, &mut vars);
                        }
                    }
                    let (s, o) = (self.node(subject)?, self.node(object)?);
                    let stored = match predicate {
                        Predicate::Var(v) => {
                            self.note(&v.text, Holds::Relation)?;
                            Some(format!("?{}", v.text))
                        }
                        Predicate::Path(e) => match e.relation() {
                            Some(n) if !self.t.eval.has_semantics(n) => {
                                let r = self.t.eval.relation(n).map_err(|d| {
                                    (Some(n.span), "a relation".into(), d.message.clone())
                                })?;
                                Some(self.relation(self.t.relation(r)))
                            }
                            _ => None,
                        },
                    };
                    match stored {
                        Some(r) => {
                            if attrs.is_empty() && self.t.as_of.is_none() {
                                lines.push(format!("{s} {r} {o} ."));
                            } else {
                                let st = self.var("st");
                                lines.push(format!(
                                    "{st} rdf:subject {s} ; rdf:predicate {r} ; rdf:object {o} ."
                                ));
                                lines.extend(self.valid(&st));
                                self.attrs(&st, attrs, (&s, &r, Some(&o)), &mut lines)?;
                            }
                            if r.starts_with('?') {
                                lines.push(format!(
                                    "FILTER(STRSTARTS(STR({r}), {}))",
                                    &string(&relation_prefix)
                                ));
                            }
                        }
                        None => {
                            let Predicate::Path(e) = predicate else {
                                unreachable!()
                            };
                            if self.t.as_of.is_some() {
                                return Err((
                                    Some(e.span()),
                                    "a path expression `as of` a date".into(),
                                    "property paths follow the asserted triples, which hold whatever a statement's dates say; ask without `as of`, or translate for Spark or DuckDB".into(),
                                ));
                            }
                            let path = self.path(e)?;
                            lines.push(format!("{s} {path} {o} ."));
                            // A zero-length path matches any term; Dossier's, entities only.
                            for end in [&s, &o] {
                                if end.starts_with('?') {
                                    lines.push(format!(
                                        "{end} {} [] .",
                                        self.vocabulary("declared")
                                    ));
                                }
                            }
                        }
                    }
                }
                Clause::Fact {
                    subject,
                    predicate,
                    attrs,
                } => {
                    if let Term::Var(v) = subject {
                        see(&v.text, &mut vars);
                    }
                    if let Term::Var(v) = predicate {
                        see(&v.text, &mut vars);
                    }
                    for a in attrs {
                        if let Operand::Var(v) = &a.value {
                            see(&v.text, &mut vars);
                        }
                    }
                    let s = self.node(subject)?;
                    let p = match predicate {
                        Term::Var(v) => {
                            self.note(&v.text, Holds::Relation)?;
                            format!("?{}", v.text)
                        }
                        Term::Name(n) => {
                            let r =
                                self.t.eval.relation(n).map_err(|d| {
                                    (Some(n.span), "a fact".into(), d.message.clone())
                                })?;
                            self.relation(self.t.relation(r))
                        }
                    };
                    let fact = self.vocabulary("fact");
                    if attrs.is_empty() && self.t.as_of.is_none() {
                        lines.push(format!("{s} {fact} {p} ."));
                    } else {
                        let st = self.var("st");
                        lines.push(format!(
                            "{st} rdf:subject {s} ; rdf:predicate {fact} ; rdf:object {p} ."
                        ));
                        lines.extend(self.valid(&st));
                        self.attrs(&st, attrs, (&s, &fact, Some(&p)), &mut lines)?;
                    }
                }
            }
        }
        for c in &p.conditions {
            let side = |o: &Operand| -> Result<(String, Option<Holds>), Refusal> {
                Ok(match o {
                    Operand::Var(n) => (
                        format!("?{}", n.text),
                        self.holds
                            .iter()
                            .find(|(v, _)| *v == n.text)
                            .map(|(_, h)| *h),
                    ),
                    Operand::Value(v, _) => (self.literal(v), None),
                })
            };
            let (l, lh) = side(&c.left)?;
            let (r, rh) = side(&c.right)?;
            let names = |h: Option<Holds>| matches!(h, Some(Holds::Entity | Holds::Relation));
            let op = super::operator(c.op, "!=");
            if names(lh) || names(rh) {
                let iri_of = |side: &Operand, h: Option<Holds>, text: String| match (side, h) {
                    (Operand::Value(Value::Str(s) | Value::Name(s), _), _) => {
                        if names(lh).then_some(lh).flatten().or(rh) == Some(Holds::Relation) {
                            self.relation(s)
                        } else {
                            self.entity(s)
                        }
                    }
                    _ => text,
                };
                if !matches!(c.op, Op::Eq | Op::Ne)
                    || !(names(lh)
                        || matches!(c.left, Operand::Value(Value::Str(_) | Value::Name(_), _)))
                    || !(names(rh)
                        || matches!(c.right, Operand::Value(Value::Str(_) | Value::Name(_), _)))
                {
                    return Err((
                        Some(c.span),
                        "an order of names".into(),
                        "entities and relations are IRIs here, percent-encoded, whose order is not their names' order; compare them with `=` or `!=`".into(),
                    ));
                }
                let (l, r) = (iri_of(&c.left, lh, l), iri_of(&c.right, rh, r));
                lines.push(format!("FILTER({l} {op} {r})"));
            } else {
                lines.push(format!("FILTER({l} {op} {r})"));
            }
        }
        let body = lines
            .iter()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n");
        let projection = if vars.is_empty() {
            "(true AS ?matched)".to_string()
        } else {
            vars.iter()
                .map(|v| format!("?{v}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        if count {
            return Ok(format!(
                "SELECT (COUNT(*) AS ?count) WHERE {{\n  SELECT DISTINCT {projection} WHERE {{\n{body}\n  }}\n}}"
            ));
        }
        let order = if vars.is_empty() {
            String::new()
        } else {
            format!(
                "\nORDER BY {}",
                vars.iter()
                    .map(|v| format!("?{v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        Ok(format!(
            "SELECT DISTINCT {projection} WHERE {{\n{body}\n}}{order}"
        ))
    }

    /// Dossier's steps as one property path (for the reachability help).
    fn step_path(&self, via: Option<&[Sym]>, forward: bool) -> String {
        let list: Vec<String> = match via {
            Some(l) => l
                .iter()
                .map(|r| self.relation(self.t.relation(*r)))
                .collect(),
            None => vec![format!("<{}any-relation>", self.base)],
        };
        let one = list.join("|");
        if forward {
            format!("({one})+")
        } else {
            format!("({one}|^({one}))+")
        }
    }

    fn neighbours(&mut self, entity: &str, direction: Direction, via: &Via, depth: u32) -> Out {
        let list = match via {
            Via::Relations(list) => list.as_deref(),
            Via::Expression(..) => {
                return Err((
                    None,
                    "`neighbours` through a path expression".into(),
                    "a property path gives the entities it reaches, not the last hop Dossier names; ask the pattern `?x EXPR ?y` from the entity instead".into(),
                ));
            }
        };
        if depth > 1 {
            return Err((
                None,
                format!("`neighbours ... depth {depth}`"),
                "each entity at its smallest depth needs a search level by level, which SPARQL 1.1 has no way to write; translate for Spark or DuckDB, or ask depth 1".into(),
            ));
        }
        let a = self.entity(entity);
        let values = |rs: &[Sym]| {
            rs.iter()
                .map(|r| self.relation(self.t.relation(*r)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let both = direction == Direction::Both;
        let prefix = format!("{}relation/", self.base);
        let stored = match list {
            Some(l) => format!("VALUES ?relation {{ {} }}", values(l)),
            None => format!("FILTER(STRSTARTS(STR(?relation), {}))", &string(&prefix)),
        };
        let valid = self.valid("?st").unwrap_or_default();
        let mut branches: Vec<String> = Vec::new();
        let mut branch = |pattern: String, direction: &str, extra: &str| {
            branches.push(format!(
                "{{\n    {pattern}\n    {extra}\n    {valid}\n    BIND(\"{direction}\" AS ?direction)\n  }}"
            ));
        };
        if matches!(direction, Direction::Out | Direction::Both) {
            branch(
                format!("?st rdf:subject {a} ; rdf:predicate ?relation ; rdf:object ?entity ."),
                "out",
                &stored,
            );
        }
        if matches!(direction, Direction::In | Direction::Both) {
            let extra = if both {
                format!("{stored}\n    FILTER(?entity != {a})")
            } else {
                stored.clone()
            };
            branch(
                format!("?st rdf:subject ?entity ; rdf:predicate ?relation ; rdf:object {a} ."),
                "in",
                &extra,
            );
        }
        let (symmetric, inverses) = self.t.declared(list);
        if !both && !symmetric.is_empty() {
            let extra = format!("VALUES ?relation {{ {} }}", values(&symmetric));
            match direction {
                Direction::Out => branch(
                    format!("?st rdf:subject ?entity ; rdf:predicate ?relation ; rdf:object {a} ."),
                    "out",
                    &extra,
                ),
                _ => branch(
                    format!("?st rdf:subject {a} ; rdf:predicate ?relation ; rdf:object ?entity ."),
                    "in",
                    &extra,
                ),
            }
        }
        if !(inverses.is_empty() || list.is_none() && both) {
            let pairs = inverses
                .iter()
                .map(|(r, v)| {
                    format!(
                        "({} {})",
                        self.relation(self.t.relation(*r)),
                        self.relation(self.t.relation(*v))
                    )
                })
                .collect::<Vec<_>>()
                .join(" ");
            let extra = format!("VALUES (?_stored ?relation) {{ {pairs} }}");
            if matches!(direction, Direction::In | Direction::Both) {
                branch(
                    format!("?st rdf:subject {a} ; rdf:predicate ?_stored ; rdf:object ?entity ."),
                    "in",
                    &extra,
                );
            }
            if matches!(direction, Direction::Out | Direction::Both) {
                let extra = if both {
                    format!("{extra}\n    FILTER(?entity != {a})")
                } else {
                    extra
                };
                branch(
                    format!("?st rdf:subject ?entity ; rdf:predicate ?_stored ; rdf:object {a} ."),
                    "out",
                    &extra,
                );
            }
        }
        Ok(format!(
            "# One row a statement; entity and relation as IRIs.\nSELECT ?entity ?relation ?direction (1 AS ?depth) WHERE {{\n  {}\n}}\nORDER BY ?entity ?relation ?direction",
            branches.join("\n  UNION\n  ")
        ))
    }
}

/// A string as a SPARQL literal (N-Triples' escapes are SPARQL's).
fn string(s: &str) -> String {
    crate::formats::ntriples::literal(s)
}
