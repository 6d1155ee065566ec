#![no_main]
//! Queries built from the language's own pieces, path expressions with
//! nested repeats, alternatives, inverses and comments among them, against
//! the bundled graph: each ends in an answer or a diagnostic, never a
//! panic or an abort, within the state limit.

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use std::sync::OnceLock;

fn graph() -> &'static dossier::graph::Graph {
    static GRAPH: OnceLock<dossier::graph::Graph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        dossier::query::eval::set_max_states(200_000);
        let text = include_str!("../../data/koreas.kg");
        let input = dossier::build::Input::Text {
            name: "koreas.kg".into(),
            text: text.into(),
        };
        dossier::graph::Graph::from_inputs(&[input], Default::default()).unwrap()
    })
}

const ENTITIES: [&str; 6] = ["China", "ICC", "North_Korea", "Security_Council", "Russia", "?x"];
const RELATIONS: [&str; 5] = ["part_of", "member_of", "may_refer_to", "estranged_from", "courts"];

#[derive(Arbitrary, Debug)]
enum Expr {
    Relation(u8),
    Inverse(Box<Expr>),
    Sequence(Box<Expr>, Box<Expr>),
    Alternative(Box<Expr>, Box<Expr>),
    Star(Box<Expr>),
    Plus(Box<Expr>),
    Optional(Box<Expr>),
    Repeat(Box<Expr>, u8, Option<u8>),
    Group(Box<Expr>),
    /// A comment, with a quote in it, then a line break.
    Commented(Box<Expr>, bool),
}

impl Expr {
    fn write(&self, out: &mut String, depth: usize) {
        if depth > 40 {
            out.push_str("part_of");
            return;
        }
        match self {
            Expr::Relation(r) => out.push_str(RELATIONS[*r as usize % RELATIONS.len()]),
            Expr::Inverse(e) => {
                out.push('^');
                e.write(out, depth + 1)
            }
            Expr::Sequence(a, b) | Expr::Alternative(a, b) => {
                out.push('(');
                a.write(out, depth + 1);
                out.push(if matches!(self, Expr::Sequence(..)) { '/' } else { '|' });
                b.write(out, depth + 1);
                out.push(')');
            }
            Expr::Star(e) | Expr::Plus(e) | Expr::Optional(e) => {
                out.push('(');
                e.write(out, depth + 1);
                out.push(')');
                out.push(match self {
                    Expr::Star(_) => '*',
                    Expr::Plus(_) => '+',
                    _ => '?',
                });
            }
            Expr::Repeat(e, min, max) => {
                out.push('(');
                e.write(out, depth + 1);
                out.push(')');
                match max {
                    Some(max) => out.push_str(&format!("{{{},{}}}", min % 120, max % 120)),
                    None => out.push_str(&format!("{{{}}}", min % 120)),
                }
            }
            Expr::Group(e) => {
                out.push('(');
                e.write(out, depth + 1);
                out.push(')');
            }
            Expr::Commented(e, quote) => {
                e.write(out, depth + 1);
                out.push_str(if *quote { " # a \" in a comment\n" } else { " # note\n" });
            }
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Query {
    Path(u8, u8, bool, Expr),
    Paths(u8, u8, Expr, u8),
    Neighbours(u8, Expr, u8),
    Pattern(u8, Expr, u8),
    Count(u8, Expr, u8),
}

libfuzzer_sys::fuzz_target!(|query: Query| {
    let e = |i: &u8| ENTITIES[*i as usize % ENTITIES.len()];
    let mut expr = String::new();
    let text = match &query {
        Query::Path(a, b, forward, x) => {
            x.write(&mut expr, 0);
            let arrow = if *forward { "->" } else { "" };
            format!("path {} {arrow} {} via {expr}", e(a), e(b))
        }
        Query::Paths(a, b, x, max) => {
            x.write(&mut expr, 0);
            format!("paths {} {} via {expr} max {}", e(a), e(b), 1 + max % 6)
        }
        Query::Neighbours(a, x, depth) => {
            x.write(&mut expr, 0);
            format!("neighbours {} via {expr} depth {}", e(a), 1 + depth % 4)
        }
        Query::Pattern(a, x, b) | Query::Count(a, x, b) => {
            x.write(&mut expr, 0);
            let count = if matches!(query, Query::Count(..)) { "count " } else { "" };
            format!("{count}{} {expr} {}", e(a), e(b))
        }
    };
    if let Ok(parsed) = dossier::query::parse_query(0, 0, &text) {
        let _ = dossier::query::eval::evaluate(graph(), 0, &parsed);
    }
});
