//! Query answers agree with simple brute-force references on random graphs.

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
    edges: Vec<(usize, usize, usize)>,
}

fn random_graph() -> impl Strategy<Value = Random> {
    (2usize..8).prop_flat_map(|nodes| {
        prop::collection::vec((0..nodes, 0..nodes, 0usize..3), 0..18)
            .prop_map(move |edges| Random { nodes, edges })
    })
}

fn name(i: usize) -> String {
    format!("N{i}")
}

fn load(r: &Random) -> Graph {
    let mut text = String::new();
    for i in 0..r.nodes {
        text.push_str(&format!("{}: state\n", name(i)));
    }
    for (a, b, rel) in &r.edges {
        text.push_str(&format!("{} r{rel} {}\n", name(*a), name(*b)));
    }
    Graph::from_inputs(
        &[Input::Text {
            name: "r.kg".into(),
            text,
        }],
        Options::default(),
    )
    .unwrap()
}

fn ask(graph: &Graph, query: &str) -> Json {
    let q = parse_query(0, 0, query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    json_of(
        graph,
        &evaluate(graph, 0, &q).unwrap_or_else(|e| panic!("{query}: {e:?}")),
    )
}

/// The distinct statements (duplicates load once).
fn statements(r: &Random) -> BTreeSet<(usize, usize, usize)> {
    r.edges.iter().copied().collect()
}

/// Breadth-first distances from `a`, following edges forward only or both ways.
fn distances(r: &Random, a: usize, forward: bool) -> BTreeMap<usize, usize> {
    let mut dist = BTreeMap::from([(a, 0)]);
    let mut queue = VecDeque::from([a]);
    while let Some(u) = queue.pop_front() {
        for (x, y, _) in statements(r) {
            let next = if x == u {
                Some(y)
            } else if !forward && y == u {
                Some(x)
            } else {
                None
            };
            if let Some(v) = next
                && !dist.contains_key(&v)
            {
                dist.insert(v, dist[&u] + 1);
                queue.push_back(v);
            }
        }
    }
    dist
}

/// Checks that `hops` is a walk from `a` to `b` over real statements.
fn check_walk(r: &Random, hops: &[Json], a: usize, b: usize, forward: bool) {
    let mut at = name(a);
    let edges = statements(r);
    for hop in hops {
        assert_eq!(hop["from"], at.as_str());
        let (from, to) = (hop["from"].as_str().unwrap(), hop["to"].as_str().unwrap());
        let rel: usize = hop["relation"].as_str().unwrap()[1..].parse().unwrap();
        let idx = |s: &str| s[1..].parse::<usize>().unwrap();
        let stated = match hop["direction"].as_str().unwrap() {
            "out" => (idx(from), idx(to), rel),
            _ => {
                assert!(!forward, "a forward path steps against an edge");
                (idx(to), idx(from), rel)
            }
        };
        assert!(edges.contains(&stated), "{stated:?} is not a statement");
        at = to.to_string();
    }
    assert_eq!(at, name(b));
}

/// Every simple path of at most `max` hops, as sequences of (relation, to, direction).
fn all_paths(
    r: &Random,
    a: usize,
    b: usize,
    forward: bool,
    max: usize,
) -> BTreeSet<Vec<(usize, usize, bool)>> {
    #[allow(clippy::too_many_arguments)]
    fn go(
        r: &BTreeSet<(usize, usize, usize)>,
        u: usize,
        b: usize,
        forward: bool,
        max: usize,
        path: &mut Vec<(usize, usize, bool)>,
        seen: &mut Vec<usize>,
        out: &mut BTreeSet<Vec<(usize, usize, bool)>>,
    ) {
        if u == b && !path.is_empty() {
            out.insert(path.clone());
            return;
        }
        if path.len() == max {
            return;
        }
        for &(x, y, rel) in r {
            let mut steps = Vec::new();
            if x == u {
                steps.push((y, true));
            }
            if !forward && y == u && x != y {
                steps.push((x, false));
            }
            for (v, out_dir) in steps {
                if seen.contains(&v) {
                    continue;
                }
                path.push((rel, v, out_dir));
                seen.push(v);
                go(r, v, b, forward, max, path, seen, out);
                seen.pop();
                path.pop();
            }
        }
    }
    let mut out = BTreeSet::new();
    go(
        &statements(r),
        a,
        b,
        forward,
        max,
        &mut Vec::new(),
        &mut vec![a],
        &mut out,
    );
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn path_is_a_shortest_walk(r in random_graph(), a in 0usize..8, b in 0usize..8, forward in any::<bool>()) {
        let (a, b) = (a % r.nodes, b % r.nodes);
        let graph = load(&r);
        let arrow = if forward { "->" } else { "" };
        let answer = ask(&graph, &format!("path {} {arrow} {}", name(a), name(b)));
        let dist = distances(&r, a, forward);
        match dist.get(&b) {
            None => prop_assert_eq!(&answer["path"], &Json::Null),
            Some(d) => {
                let hops = answer["path"].as_array().expect("a path");
                prop_assert_eq!(hops.len(), *d);
                check_walk(&r, hops, a, b, forward);
            }
        }
    }

    #[test]
    fn neighbourhoods_match_breadth_first_search(r in random_graph(), a in 0usize..8, depth in 1u32..4) {
        let a = a % r.nodes;
        let graph = load(&r);
        let answer = ask(&graph, &format!("neighbours {} depth {depth}", name(a)));
        let list = answer["neighbours"].as_array().unwrap();
        if depth == 1 {
            // One entry per statement touching the entity (a loop once).
            let touching = statements(&r).iter().filter(|(x, y, _)| *x == a || *y == a).count();
            prop_assert_eq!(list.len(), touching);
        } else {
            let got: BTreeMap<String, u64> = list.iter().map(|n| (n["entity"].as_str().unwrap().to_string(), n["depth"].as_u64().unwrap())).collect();
            prop_assert_eq!(got.len(), list.len(), "each entity once");
            let want: BTreeMap<String, u64> = distances(&r, a, false)
                .into_iter()
                .filter(|(v, d)| *v != a && *d as u32 <= depth)
                .map(|(v, d)| (name(v), d as u64))
                .collect();
            prop_assert_eq!(got, want);
        }
    }

    /// One level of neighbours in answer order: by name, then relation,
    /// then direction (`in` before `out`), for an entity with many edges
    /// one way and few the other (the two directions are merged from the
    /// adjacency rows, a much shorter run by binary search).
    #[test]
    fn neighbours_come_in_answer_order(
        ins in prop::collection::vec((0usize..60, 0usize..3), 0..90),
        outs in prop::collection::vec((0usize..60, 0usize..3), 0..6),
    ) {
        check_answer_order(&ins, &outs)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// The same for an entity with over a thousand edges each way, whose
    /// two rows the graph keeps merged.
    #[test]
    fn a_hubs_neighbours_come_in_answer_order(
        ins in prop::collection::btree_set((0usize..4000, 0usize..3), 1030..1100),
        outs in prop::collection::btree_set((0usize..4000, 0usize..3), 1030..1100),
    ) {
        let ins: Vec<_> = ins.into_iter().collect();
        let outs: Vec<_> = outs.into_iter().collect();
        check_answer_order(&ins, &outs)?;
    }
}

/// A neighbours answer's (entity, relation, direction) records, in order.
fn records(answer: &serde_json::Value) -> Vec<(String, String, String)> {
    let field = |n: &serde_json::Value, k: &str| n[k].as_str().unwrap().to_string();
    answer["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                field(n, "entity"),
                field(n, "relation"),
                field(n, "direction"),
            )
        })
        .collect()
}

/// `neighbours Hub` for a hub with edges from `ins` and to `outs` (and a
/// loop), against the same records sorted.
fn check_answer_order(
    ins: &[(usize, usize)],
    outs: &[(usize, usize)],
) -> Result<(), TestCaseError> {
    // Names whose byte order is not their number's: N10 < N2.
    let mut text = String::new();
    for (x, rel) in ins {
        text.push_str(&format!("{} r{rel} Hub\n", name(*x)));
    }
    for (y, rel) in outs {
        text.push_str(&format!("Hub r{rel} {}\n", name(*y)));
    }
    text.push_str("Hub r0 Hub\n");
    let graph = Graph::from_inputs(
        &[Input::Text {
            name: "h.kg".into(),
            text,
        }],
        Options::default(),
    )
    .unwrap();
    let got = records(&ask(&graph, "neighbours Hub"));
    let mut want: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (x, rel) in ins {
        want.insert((name(*x), format!("r{rel}"), "in".into()));
    }
    for (y, rel) in outs {
        want.insert((name(*y), format!("r{rel}"), "out".into()));
    }
    // A loop is one step.
    want.insert(("Hub".into(), "r0".into(), "out".into()));
    prop_assert_eq!(got, want.iter().cloned().collect::<Vec<_>>());
    // One direction: its records in the same order, a loop among them.
    want.insert(("Hub".into(), "r0".into(), "in".into()));
    for dir in ["in", "out"] {
        let got = records(&ask(&graph, &format!("neighbours Hub {dir}")));
        let one_way: Vec<_> = want.iter().filter(|w| w.2 == dir).cloned().collect();
        prop_assert_eq!(got, one_way);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn paths_are_every_simple_path(r in random_graph(), a in 0usize..8, b in 0usize..8, forward in any::<bool>(), max in 1u32..4) {
        let (a, b) = (a % r.nodes, b % r.nodes);
        prop_assume!(a != b);
        let graph = load(&r);
        let arrow = if forward { "->" } else { "" };
        let answer = ask(&graph, &format!("paths {} {arrow} {} max {max} limit 100000", name(a), name(b)));
        let paths = answer["paths"].as_array().unwrap();
        let got: BTreeSet<Vec<(usize, usize, bool)>> = paths
            .iter()
            .map(|p| p.as_array().unwrap().iter().map(|h| (
                h["relation"].as_str().unwrap()[1..].parse().unwrap(),
                h["to"].as_str().unwrap()[1..].parse().unwrap(),
                h["direction"] == "out",
            )).collect())
            .collect();
        prop_assert_eq!(got.len(), paths.len(), "no path twice");
        prop_assert_eq!(got, all_paths(&r, a, b, forward, max as usize));
        let lengths: Vec<usize> = paths.iter().map(|p| p.as_array().unwrap().len()).collect();
        prop_assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "shortest first");
    }

    #[test]
    fn two_clause_joins_match_nested_loops(mut r in random_graph()) {
        // Both relations are stated somewhere (an unknown relation is an
        // error, not an empty answer), on entities that join nothing.
        let n = r.nodes;
        r.edges.extend([(n, n + 1, 0), (n + 2, n + 3, 1)]);
        r.nodes += 4;
        let graph = load(&r);
        let answer = ask(&graph, "?x r0 ?y, ?y r1 ?z");
        let edges = statements(&r);
        let mut want = BTreeSet::new();
        for &(x, y, r0) in &edges {
            for &(y2, z, r1) in &edges {
                if r0 == 0 && r1 == 1 && y == y2 {
                    want.insert(vec![name(x), name(y), name(z)]);
                }
            }
        }
        let got: BTreeSet<Vec<String>> = answer["rows"].as_array().unwrap().iter()
            .map(|row| row.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect())
            .collect();
        prop_assert_eq!(got, want);
    }
}

type Pairs = BTreeSet<(usize, usize)>;

/// Path expressions and their meaning as relations between entities.
#[derive(Debug, Clone)]
enum Expr {
    Rel(usize),
    Inv(Box<Expr>),
    Seq(Box<Expr>, Box<Expr>),
    Alt(Box<Expr>, Box<Expr>),
    Plus(Box<Expr>),
    Star(Box<Expr>),
    Opt(Box<Expr>),
    Range(Box<Expr>, u32, u32),
}

impl Expr {
    fn text(&self) -> String {
        match self {
            Expr::Rel(r) => format!("r{r}"),
            Expr::Inv(e) => format!("^({})", e.text()),
            Expr::Seq(a, b) => format!("({})/({})", a.text(), b.text()),
            Expr::Alt(a, b) => format!("({})|({})", a.text(), b.text()),
            Expr::Plus(e) => format!("({})+", e.text()),
            Expr::Star(e) => format!("({})*", e.text()),
            Expr::Opt(e) => format!("({})?", e.text()),
            Expr::Range(e, m, n) => format!("({}){{{m},{n}}}", e.text()),
        }
    }

    fn pairs(&self, r: &Random) -> Pairs {
        let compose = |a: &Pairs, b: &Pairs| -> Pairs {
            a.iter()
                .flat_map(|&(x, y)| {
                    b.iter()
                        .filter(move |&&(y2, _)| y2 == y)
                        .map(move |&(_, z)| (x, z))
                })
                .collect()
        };
        let identity: Pairs = (0..r.nodes).map(|n| (n, n)).collect();
        let closure = |a: &Pairs| -> Pairs {
            let mut all = a.clone();
            loop {
                let more: Pairs = all.union(&compose(&all, a)).copied().collect();
                if more.len() == all.len() {
                    return all;
                }
                all = more;
            }
        };
        match self {
            Expr::Rel(rel) => statements(r)
                .iter()
                .filter(|(_, _, x)| x == rel)
                .map(|(a, b, _)| (*a, *b))
                .collect(),
            Expr::Inv(e) => e.pairs(r).into_iter().map(|(a, b)| (b, a)).collect(),
            Expr::Seq(a, b) => compose(&a.pairs(r), &b.pairs(r)),
            Expr::Alt(a, b) => a.pairs(r).union(&b.pairs(r)).copied().collect(),
            Expr::Plus(e) => closure(&e.pairs(r)),
            Expr::Star(e) => closure(&e.pairs(r)).union(&identity).copied().collect(),
            Expr::Opt(e) => e.pairs(r).union(&identity).copied().collect(),
            Expr::Range(e, m, n) => {
                let base = e.pairs(r);
                let mut power = identity.clone();
                let mut out = Pairs::new();
                for i in 0..=*n {
                    if i >= *m {
                        out.extend(power.iter().copied());
                    }
                    power = compose(&power, &base);
                }
                out
            }
        }
    }
}

fn expr() -> impl Strategy<Value = Expr> {
    (0usize..3)
        .prop_map(Expr::Rel)
        .prop_recursive(3, 12, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Inv(Box::new(e))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Expr::Seq(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Expr::Alt(Box::new(a), Box::new(b))),
                inner.clone().prop_map(|e| Expr::Plus(Box::new(e))),
                inner.clone().prop_map(|e| Expr::Star(Box::new(e))),
                inner.clone().prop_map(|e| Expr::Opt(Box::new(e))),
                (inner, 1u32..3, 0u32..2).prop_map(|(e, m, extra)| Expr::Range(
                    Box::new(e),
                    m,
                    m + extra
                )),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn path_expressions_match_relation_algebra(mut r in random_graph(), e in expr()) {
        // Every relation is stated somewhere, so none is unknown.
        let n = r.nodes;
        r.edges.extend([(n, n, 0), (n, n, 1), (n, n, 2)]);
        r.nodes += 1;
        let graph = load(&r);
        let answer = ask(&graph, &format!("?x {} ?y", e.text()));
        let got: Pairs = answer["rows"].as_array().unwrap().iter().map(|row| {
            let cell = |i: usize| row[i].as_str().unwrap()[1..].parse::<usize>().unwrap();
            (cell(0), cell(1))
        }).collect();
        prop_assert_eq!(got, e.pairs(&r), "{}", e.text());
    }
}

/// A graph whose entity N0 has more edges than a short row, so patterns
/// through it walk the rows by relation (and binary-search them when both
/// ends are bound).
fn hub_graph() -> impl Strategy<Value = Random> {
    (
        prop::collection::vec((1usize..100, 0usize..3, any::<bool>()), 200..300),
        prop::collection::vec((1usize..100, 1usize..100, 0usize..3), 0..200),
    )
        .prop_map(|(hub, rest)| {
            let mut edges: Vec<_> = hub
                .into_iter()
                .map(|(n, rel, out)| if out { (0, n, rel) } else { (n, 0, rel) })
                .collect();
            edges.extend(rest);
            // Every relation is stated somewhere.
            edges.extend([(100, 101, 0), (100, 101, 1), (100, 101, 2)]);
            Random { nodes: 102, edges }
        })
}

fn rows_of(answer: &Json) -> BTreeSet<Vec<String>> {
    answer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn patterns_through_a_hub_match_nested_loops(r in hub_graph(), other in 1usize..100) {
        // Statements told apart by an attribute, so that a statement made
        // twice is two parallel edges, each a row's only once.
        let mut text = String::new();
        for i in 0..r.nodes {
            text.push_str(&format!("{}: state\n", name(i)));
        }
        for (k, (a, b, rel)) in r.edges.iter().enumerate() {
            text.push_str(&format!("{} r{rel} {} {{n: {}}}\n", name(*a), name(*b), k % 2));
        }
        let graph = Graph::from_inputs(&[Input::Text { name: "r.kg".into(), text }], Options::default()).unwrap();
        let edges = statements(&r);
        let has = |a: usize, b: usize, rel: usize| edges.contains(&(a, b, rel));
        let names = |v: &[usize]| v.iter().map(|&i| name(i)).collect::<Vec<_>>();

        let want: BTreeSet<_> = (0..r.nodes).filter(|&y| has(0, y, 1)).map(|y| names(&[y])).collect();
        prop_assert_eq!(rows_of(&ask(&graph, "N0 r1 ?y")), want);
        let want: BTreeSet<_> = (0..r.nodes).filter(|&x| has(x, 0, 2)).map(|x| names(&[x])).collect();
        prop_assert_eq!(rows_of(&ask(&graph, "?x r2 N0")), want);

        // Both ends bound: the hub's row searched for one other end.
        let query = format!("N0 r0 ?y, ?y r1 {}", name(other));
        let want: BTreeSet<_> = (0..r.nodes)
            .filter(|&y| has(0, y, 0) && has(y, other, 1))
            .map(|y| names(&[y]))
            .collect();
        prop_assert_eq!(rows_of(&ask(&graph, &query)), want);

        // The hub's row searched for an entity the first clause bound.
        let want: BTreeSet<_> = (0..r.nodes)
            .filter(|&y| has(0, y, 0) && has(0, y, 1))
            .map(|y| names(&[y]))
            .collect();
        prop_assert_eq!(rows_of(&ask(&graph, "N0 r0 ?y, N0 r1 ?y")), want);

        // A triangle, closed by an edge between two bound entities.
        let mut want = BTreeSet::new();
        for &(x, y, r0) in &edges {
            for z in 0..r.nodes {
                if r0 == 0 && has(y, z, 1) && has(z, x, 2) {
                    want.insert(names(&[x, y, z]));
                }
            }
        }
        let triangle = "?x r0 ?y, ?y r1 ?z, ?z r2 ?x";
        prop_assert_eq!(rows_of(&ask(&graph, triangle)), want.clone());
        // Counted without building the rows, the same number.
        prop_assert_eq!(&ask(&graph, &format!("count {triangle}"))["count"], &Json::from(want.len()));

        // Rows of three columns, and of five (told apart another way).
        for pattern in ["?x r0 ?y, ?y r1 ?z", "N1 ?r ?b, ?b ?s ?c, ?c r2 ?d"] {
            let rows = rows_of(&ask(&graph, pattern)).len();
            prop_assert_eq!(&ask(&graph, &format!("count {pattern}"))["count"], &Json::from(rows));
        }
    }
}
