//! The searches in Cypher: `neighbours` at depth 1 and N, and `path` and
//! `paths` as LadybugDB's variable-length patterns.

use super::super::{Moves, Refusal, Via};
use super::{Cypher, MOST_HOPS, Out, ident, string};
use crate::graph::Sym;
use crate::query::ast::Direction;
use std::fmt::Write;

impl Cypher<'_, '_, '_> {
    /// The partner of each inverse relation, by a statement's relation:
    /// `CASE s.relation WHEN 'has_member' THEN 'member_of' ... END`.
    fn partner(&self, inverses: &[(Sym, Sym)]) -> String {
        let whens: Vec<String> = inverses
            .iter()
            .map(|(r, v)| {
                format!(
                    "WHEN {} THEN {}",
                    string(self.t.relation(*r)),
                    string(self.t.relation(*v))
                )
            })
            .collect();
        format!("CASE s.relation {} END", whens.join(" "))
    }

    pub(super) fn neighbours(
        &mut self,
        entity: &str,
        direction: Direction,
        via: &Via,
        depth: u32,
    ) -> Out {
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
            let case = self.partner(&inverses);
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
            let case = format!("'1' + {}", self.partner(&inverses));
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
    pub(super) fn paths(
        &self,
        from: &str,
        to: &str,
        forward: bool,
        via: &Via,
        max: u32,
        limit: u32,
    ) -> Out {
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

    pub(super) fn path(&mut self, from: &str, to: &str, forward: bool, via: &Via) -> Out {
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
