//! The searches in SQL: the steps Dossier takes from an entity, and
//! `neighbours`, `path` and `paths` over them.

use super::super::{Moves, Via};
use super::{Out, Sql, indent, states};
use crate::graph::Sym;
use crate::query::ast::Direction;

impl Sql<'_, '_, '_> {
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

    pub(super) fn neighbours(
        &mut self,
        entity: &str,
        direction: Direction,
        via: &Via,
        depth: u32,
    ) -> Out {
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

    pub(super) fn path(&mut self, from: &str, to: &str, forward: bool, via: &Via) -> Out {
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

    pub(super) fn paths(
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
