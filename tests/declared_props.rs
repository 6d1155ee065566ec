//! `path`, `paths` and `neighbours ... depth N` with relation declarations
//! (symmetric, inverse, transitive) and `via` lists over them agree with a
//! brute-force reference: the steps a declaration adds, searched by hand.

use dossier::build::{Input, Options};
use dossier::graph::Graph;
use dossier::output::json_of;
use dossier::query::{eval::evaluate, parse_query};
use proptest::prelude::*;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

#[derive(Debug, Clone)]
struct Random {
    nodes: usize,
    edges: BTreeSet<(usize, usize, usize)>,
    /// r0 symmetric.
    symmetric: bool,
    /// r1 transitive.
    transitive: bool,
    /// r3 declared the inverse of r2 (r3 has no statements of its own).
    inverse: bool,
}

fn random_graph() -> impl Strategy<Value = Random> {
    (2usize..8, any::<bool>(), any::<bool>(), any::<bool>()).prop_flat_map(
        |(nodes, symmetric, transitive, inverse)| {
            prop::collection::btree_set((0..nodes, 0..nodes, 0usize..3), 0..16).prop_map(
                move |edges| Random {
                    nodes,
                    edges,
                    symmetric,
                    transitive,
                    inverse,
                },
            )
        },
    )
}

fn load(r: &Random) -> Graph {
    let mut text = String::new();
    if r.symmetric {
        text.push_str("relation r0: state <-> state\n");
    }
    if r.transitive {
        text.push_str("relation r1: state -> state transitive\n");
    }
    if r.inverse {
        text.push_str("relation r3 inverse r2\n");
    }
    for i in 0..r.nodes {
        text.push_str(&format!("N{i}: state\n"));
    }
    for (a, b, rel) in &r.edges {
        text.push_str(&format!("N{a} r{rel} N{b}\n"));
    }
    let input = Input::Text {
        name: "r.kg".into(),
        text,
    };
    Graph::from_inputs(&[input], Options::default()).unwrap()
}

fn ask(graph: &Graph, query: &str) -> Json {
    let q = parse_query(0, 0, query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    json_of(
        graph,
        &evaluate(graph, 0, &q).unwrap_or_else(|e| panic!("{query}: {e:?}")),
    )
}

/// The steps a search may take, as (from, to): stored edges of the `via`
/// relations forwards (and backwards unless `forward`), a symmetric
/// relation's edges backwards, an inverse relation's partner's edges
/// backwards (read as the inverse).
fn steps(r: &Random, via: &[usize], forward: bool) -> BTreeSet<(usize, usize)> {
    let mut out = BTreeSet::new();
    for &(x, y, rel) in &r.edges {
        let mut reads = vec![(rel, x, y)];
        if r.symmetric && rel == 0 {
            reads.push((0, y, x));
        }
        if r.inverse && rel == 2 {
            reads.push((3, y, x));
        }
        for (read, a, b) in reads {
            if via.contains(&read) {
                out.insert((a, b));
                if !forward {
                    out.insert((b, a));
                }
            }
        }
    }
    out
}

fn distances(steps: &BTreeSet<(usize, usize)>, a: usize) -> BTreeMap<usize, usize> {
    let mut dist = BTreeMap::from([(a, 0)]);
    let mut queue = VecDeque::from([a]);
    while let Some(u) = queue.pop_front() {
        for &(x, y) in steps {
            if x == u && !dist.contains_key(&y) {
                dist.insert(y, dist[&u] + 1);
                queue.push_back(y);
            }
        }
    }
    dist
}

/// Every simple path of at most `max` hops from `a` to `b`, as node lists.
fn simple_paths(
    steps: &BTreeSet<(usize, usize)>,
    a: usize,
    b: usize,
    max: usize,
) -> BTreeSet<Vec<usize>> {
    fn go(
        steps: &BTreeSet<(usize, usize)>,
        b: usize,
        max: usize,
        path: &mut Vec<usize>,
        out: &mut BTreeSet<Vec<usize>>,
    ) {
        let u = *path.last().unwrap();
        if u == b && path.len() > 1 {
            out.insert(path.clone());
            return;
        }
        if path.len() > max {
            return;
        }
        for &(x, y) in steps {
            if x == u && !path.contains(&y) || (x == u && y == b && b == path[0]) {
                path.push(y);
                go(steps, b, max, path, out);
                path.pop();
            }
        }
    }
    let mut out = BTreeSet::new();
    go(steps, b, max, &mut vec![a], &mut out);
    out
}

fn index(name: &Json) -> usize {
    name.as_str().unwrap()[1..].parse().unwrap()
}

/// The node list of a JSON path (its hops' ends), checking each hop is a step.
fn nodes_of(hops: &[Json], a: usize, steps: &BTreeSet<(usize, usize)>) -> Vec<usize> {
    let mut nodes = vec![a];
    for hop in hops {
        let (from, to) = (index(&hop["from"]), index(&hop["to"]));
        assert_eq!(from, *nodes.last().unwrap(), "{hops:?}");
        assert!(steps.contains(&(from, to)), "{from} -> {to} is no step");
        nodes.push(to);
    }
    nodes
}

fn via_list() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::btree_set(0usize..4, 1..4).prop_map(|s| s.into_iter().collect())
}

fn via_text(via: &[usize]) -> String {
    via.iter()
        .map(|r| format!("r{r}"))
        .collect::<Vec<_>>()
        .join(", ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn path_with_declarations_is_a_shortest_route(
        r in random_graph(), a in 0usize..8, b in 0usize..8,
        forward in any::<bool>(), via in via_list(),
    ) {
        let (a, b) = (a % r.nodes, b % r.nodes);
        let graph = load(&r);
        let known: Vec<usize> = via.iter().copied().filter(|&v| graph.relations.get(&format!("r{v}")).is_some()).collect();
        prop_assume!(!known.is_empty() && known.len() == via.len());
        let arrow = if forward { "->" } else { "" };
        let answer = ask(&graph, &format!("path N{a} {arrow} N{b} via {}", via_text(&via)));
        let steps = steps(&r, &via, forward);
        let dist = distances(&steps, a);
        match dist.get(&b) {
            None => prop_assert!(answer["path"].is_null(), "{answer}"),
            Some(&d) => {
                let hops = answer["path"].as_array().unwrap_or_else(|| panic!("{answer}"));
                prop_assert_eq!(hops.len(), d, "{}", answer);
                let nodes = nodes_of(hops, a, &steps);
                prop_assert_eq!(*nodes.last().unwrap(), b);
            }
        }
    }

    #[test]
    fn paths_with_declarations_are_every_simple_route(
        r in random_graph(), a in 0usize..8, b in 0usize..8,
        forward in any::<bool>(), via in via_list(), max in 1usize..4,
    ) {
        let (a, b) = (a % r.nodes, b % r.nodes);
        prop_assume!(a != b);
        let graph = load(&r);
        let known = via.iter().all(|&v| graph.relations.get(&format!("r{v}")).is_some());
        prop_assume!(known);
        let arrow = if forward { "->" } else { "" };
        let answer = ask(&graph, &format!("paths N{a} {arrow} N{b} via {} max {max} limit 10000", via_text(&via)));
        let steps = steps(&r, &via, forward);
        let found: BTreeSet<Vec<usize>> = answer["paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| nodes_of(p.as_array().unwrap(), a, &steps))
            .collect();
        prop_assert_eq!(found, simple_paths(&steps, a, b, max), "{}", answer);
    }

    #[test]
    fn deep_neighbours_with_declarations_match_breadth_first_search(
        r in random_graph(), a in 0usize..8, depth in 1u32..4,
        direction in 0usize..3, via in via_list(),
    ) {
        let a = a % r.nodes;
        let graph = load(&r);
        let known = via.iter().all(|&v| graph.relations.get(&format!("r{v}")).is_some());
        prop_assume!(known);
        let word = ["out", "in", "both"][direction];
        let answer = ask(&graph, &format!("neighbours N{a} {word} via {} depth {depth}", via_text(&via)));
        // `in` is the steps read backwards; `both` either way.
        let forward_steps = steps(&r, &via, true);
        let steps: BTreeSet<(usize, usize)> = match word {
            "out" => forward_steps,
            "in" => forward_steps.iter().map(|&(x, y)| (y, x)).collect(),
            _ => steps(&r, &via, false),
        };
        let expected: BTreeMap<usize, usize> = distances(&steps, a)
            .into_iter()
            .filter(|&(n, d)| n != a && d <= depth as usize)
            .collect();
        let list = answer["neighbours"].as_array().unwrap();
        if depth == 1 {
            let ends: BTreeSet<usize> = list.iter().map(|n| index(&n["entity"])).collect();
            prop_assert_eq!(ends, expected.keys().copied().chain(
                // At depth 1 every statement is a row, a loop included.
                steps.contains(&(a, a)).then_some(a)).collect::<BTreeSet<_>>(), "{}", answer);
        } else {
            let got: BTreeMap<usize, usize> = list
                .iter()
                .map(|n| (index(&n["entity"]), n["depth"].as_u64().unwrap() as usize))
                .collect();
            prop_assert_eq!(got.len(), list.len(), "each entity once: {}", answer);
            prop_assert_eq!(got, expected, "{}", answer);
        }
    }
}

type Pairs = BTreeSet<(usize, usize)>;

/// Path expressions over declared relations, and their meaning.
#[derive(Debug, Clone)]
enum Expr {
    Rel(usize),
    Inv(Box<Expr>),
    Seq(Box<Expr>, Box<Expr>),
    Alt(Box<Expr>, Box<Expr>),
    Plus(Box<Expr>),
    Opt(Box<Expr>),
}

fn compose(a: &Pairs, b: &Pairs) -> Pairs {
    a.iter()
        .flat_map(|&(x, y)| {
            b.iter()
                .filter(move |&&(y2, _)| y2 == y)
                .map(move |&(_, z)| (x, z))
        })
        .collect()
}

fn closure(a: &Pairs) -> Pairs {
    let mut all = a.clone();
    loop {
        let more: Pairs = all.union(&compose(&all, a)).copied().collect();
        if more.len() == all.len() {
            return all;
        }
        all = more;
    }
}

impl Expr {
    fn text(&self) -> String {
        match self {
            Expr::Rel(r) => format!("r{r}"),
            Expr::Inv(e) => format!("^({})", e.text()),
            Expr::Seq(a, b) => format!("({})/({})", a.text(), b.text()),
            Expr::Alt(a, b) => format!("({})|({})", a.text(), b.text()),
            Expr::Plus(e) => format!("({})+", e.text()),
            Expr::Opt(e) => format!("({})?", e.text()),
        }
    }

    fn relations(&self, out: &mut BTreeSet<usize>) {
        match self {
            Expr::Rel(r) => {
                out.insert(*r);
            }
            Expr::Inv(e) | Expr::Plus(e) | Expr::Opt(e) => e.relations(out),
            Expr::Seq(a, b) | Expr::Alt(a, b) => {
                a.relations(out);
                b.relations(out);
            }
        }
    }

    /// What the expression relates: a relation's statements with what its
    /// declaration adds (both ways when symmetric, the partner's read
    /// backwards for an inverse, the closure when transitive).
    fn pairs(&self, r: &Random) -> Pairs {
        let identity: Pairs = (0..r.nodes).map(|n| (n, n)).collect();
        match self {
            Expr::Rel(rel) => {
                let stored = |x: usize| -> Pairs {
                    r.edges
                        .iter()
                        .filter(|e| e.2 == x)
                        .map(|e| (e.0, e.1))
                        .collect()
                };
                let mut p = stored(*rel);
                if r.symmetric && *rel == 0 {
                    p.extend(stored(0).into_iter().map(|(a, b)| (b, a)));
                }
                if r.inverse && *rel == 3 {
                    p.extend(stored(2).into_iter().map(|(a, b)| (b, a)));
                }
                if r.transitive && *rel == 1 {
                    p = closure(&p);
                }
                p
            }
            Expr::Inv(e) => e.pairs(r).into_iter().map(|(a, b)| (b, a)).collect(),
            Expr::Seq(a, b) => compose(&a.pairs(r), &b.pairs(r)),
            Expr::Alt(a, b) => a.pairs(r).union(&b.pairs(r)).copied().collect(),
            Expr::Plus(e) => closure(&e.pairs(r)),
            Expr::Opt(e) => e.pairs(r).union(&identity).copied().collect(),
        }
    }
}

fn expr() -> impl Strategy<Value = Expr> {
    (0usize..4)
        .prop_map(Expr::Rel)
        .prop_recursive(3, 10, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Inv(Box::new(e))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Expr::Seq(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Expr::Alt(Box::new(a), Box::new(b))),
                inner.clone().prop_map(|e| Expr::Plus(Box::new(e))),
                inner.prop_map(|e| Expr::Opt(Box::new(e))),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn path_expressions_over_declared_relations_match_relation_algebra(r in random_graph(), e in expr()) {
        let graph = load(&r);
        let mut used = BTreeSet::new();
        e.relations(&mut used);
        // A relation no statement or declaration names is unknown to queries.
        let known = used.iter().all(|&v| {
            graph.relations.get(&format!("r{v}")).is_some_and(|s| graph.relation_in_use(s))
        });
        prop_assume!(known);
        let answer = ask(&graph, &format!("?x {} ?y", e.text()));
        let got: Pairs = answer["rows"].as_array().unwrap().iter().map(|row| {
            (index(&row[0]), index(&row[1]))
        }).collect();
        prop_assert_eq!(got, e.pairs(&r), "{}", e.text());
    }
}
