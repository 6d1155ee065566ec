//! Dossier's side of `benches/compare/compare.py`: loads FILE, then times
//! the operations named in the JSON on standard input and prints one JSON
//! object of figures. `cargo run --release --example compare -- FILE < ops.json`
//!
//! Neighbours are timed as API calls, like the peers' (`Graph::adjacent`
//! both ways: each edge's other end and relation, in name order within a
//! direction), and as queries: evaluated (parsed once) and parsed each time,
//! with records sorted by name, relation and direction.
//!
//! With a second file, `compare FILE TRIPLES.tsv`, the graph of just the
//! triples the peers are given (names and relations, no kinds, labels or
//! attributes) is loaded too, in a fresh process (this program runs itself
//! with `--load-only`), and its load time and memory reported as
//! `load_triples_s` and `bytes_per_edge_triples`.
//!
//! ops.json: `{"ordinary": NAME, "hub": NAME, "pairs": [[A, B], ...],
//! "patterns": [[KEY, QUERY], ...]}`; each pattern is parsed and evaluated
//! as `-c` does, and reported as `{"s": SECONDS, "answer": ROWS}` (a
//! `count` query's answer is its count).

use dossier::query::eval::{Answer, evaluate};
use dossier::query::parse_query;
use serde_json::{Value, json};
use std::io::Read;
use std::time::{Duration, Instant};

/// The median of `runs` timings of `f`, each the best of `repeat` calls.
fn time(mut f: impl FnMut() -> usize, repeat: usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut size = 0;
    for _ in 0..repeat {
        let t = Instant::now();
        size = std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    (best, size)
}

fn run(graph: &dossier::graph::Graph, query: &str) -> usize {
    let q = parse_query(0, 0, query).expect("query parses");
    match evaluate(graph, 0, &q).expect("query runs") {
        Answer::Neighbours(n, _) => n.len(),
        Answer::Path(p, _) => p.map_or(0, |p| p.len()),
        Answer::Paths { paths, .. } => paths.len(),
        Answer::Rows(r) => {
            assert!(!r.truncated, "{query}: the rows were cut");
            r.rows.len()
        }
        Answer::Count(n, truncated) => {
            assert!(!truncated, "{query}: the count was cut");
            n
        }
        _ => 0,
    }
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64()
}

fn quoted(name: &str) -> String {
    let mut s = String::new();
    dossier::value::write_name(&mut s, name).expect("writing to a String");
    s
}

/// Loads `path`: the seconds taken and the resident memory added per edge.
fn load(path: &str) -> (dossier::graph::Graph, f64, f64) {
    let before = dossier::generate::resident_kib();
    let start = Instant::now();
    let graph = dossier::graph::Graph::from_inputs(
        &[dossier::build::Input::Path(path.into())],
        Default::default(),
    )
    .unwrap_or_else(|e| {
        eprint!("{}", e.render(false));
        std::process::exit(1);
    });
    let seconds = start.elapsed().as_secs_f64();
    let bytes = (dossier::generate::resident_kib() - before) as f64 * 1024.0
        / graph.relation_count() as f64;
    (graph, seconds, bytes)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, path] = &args[..]
        && flag == "--load-only"
    {
        let (_, seconds, bytes) = load(path);
        println!("{}", json!({"load_s": seconds, "bytes_per_edge": bytes}));
        return;
    }
    let Some(path) = args.get(1) else {
        eprintln!("usage: compare FILE [TRIPLES.tsv] < ops.json");
        std::process::exit(2);
    };
    // The triples first, in a process of its own, so that neither load
    // reuses memory the other freed.
    let triples: Value = match args.get(2) {
        Some(tsv) => {
            let out = std::process::Command::new(&args[0])
                .args(["--load-only", tsv])
                .output()
                .expect("running itself");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).expect("its figures")
        }
        None => Value::Null,
    };
    let mut ops = String::new();
    std::io::stdin()
        .read_to_string(&mut ops)
        .expect("reading ops");
    let ops: Value = serde_json::from_str(&ops).expect("ops is JSON");
    let (graph, load_s, bytes) = load(path);
    // The patterns' answers whole, however many rows.
    dossier::query::eval::set_max_rows(u64::MAX);
    let name = |v: &Value| quoted(v.as_str().expect("a name"));
    let ordinary = format!("neighbours {}", name(&ops["ordinary"]));
    let hub = format!("neighbours {}", name(&ops["hub"]));
    // Neighbours as an API call, like the peers', as a query evaluated
    // (parsed once), and as `-c` runs it, parsed each time.
    let node = |v: &Value| {
        graph
            .find(v.as_str().expect("a name"))
            .expect("the entity is in the graph")
    };
    let api = |n| {
        use petgraph::Direction::{Incoming, Outgoing};
        let out = graph
            .adjacent(n, Outgoing)
            .map(|e| (e.target, e.weight.relation));
        let into = graph
            .adjacent(n, Incoming)
            .map(|e| (e.source, e.weight.relation));
        out.chain(into).collect::<Vec<_>>().len()
    };
    let (ordinary_node, hub_node) = (node(&ops["ordinary"]), node(&ops["hub"]));
    let (ordinary_time, ordinary_size) = time(|| api(ordinary_node), 200);
    let (hub_time, hub_size) = time(|| api(hub_node), 5);
    let parsed = |q: &str| parse_query(0, 0, q).expect("query parses");
    let call = |q: &dossier::query::ast::QueryLine| match evaluate(&graph, 0, q) {
        Ok(Answer::Neighbours(n, _)) => n.len(),
        _ => 0,
    };
    let (ordinary_q, hub_q) = (parsed(&ordinary), parsed(&hub));
    let (ordinary_query, _) = time(|| call(&ordinary_q), 200);
    let (hub_query, _) = time(|| call(&hub_q), 5);
    let (ordinary_parsed, _) = time(|| run(&graph, &ordinary), 200);
    let (hub_parsed, _) = time(|| run(&graph, &hub), 5);
    let pairs: Vec<(String, String)> = ops["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| (name(&p[0]), name(&p[1])))
        .collect();
    let path: Vec<Duration> = pairs
        .iter()
        .map(|(a, b)| time(|| run(&graph, &format!("path {a} {b}")), 3).0)
        .collect();
    let paths: Vec<Duration> = pairs
        .iter()
        .map(|(a, b)| {
            let q = format!("paths {a} {b} max 3 limit 1000000000");
            time(|| run(&graph, &q), 1).0
        })
        .collect();
    // The answers, which the peers' must equal before their times count:
    // hops of a shortest path (null: none), simple paths of at most 3 hops.
    let hops: Vec<Value> = pairs
        .iter()
        .map(|(a, b)| {
            let q = parse_query(0, 0, &format!("path {a} {b}")).expect("query parses");
            match evaluate(&graph, 0, &q).expect("query runs") {
                Answer::Path(Some(p), _) => json!(p.len()),
                _ => Value::Null,
            }
        })
        .collect();
    let found: Vec<usize> = pairs
        .iter()
        .map(|(a, b)| run(&graph, &format!("paths {a} {b} max 3 limit 1000000000")))
        .collect();
    // Each pattern the best of 3 runs, or the first when it takes over a
    // second, as the peers are timed.
    let mut patterns = serde_json::Map::new();
    for p in ops["patterns"].as_array().into_iter().flatten() {
        let query = p[1].as_str().expect("a query");
        let start = Instant::now();
        let answer = run(&graph, query);
        let mut seconds = start.elapsed();
        if seconds < Duration::from_secs(1) {
            seconds = seconds.min(time(|| run(&graph, query), 2).0);
        }
        patterns.insert(
            p[0].as_str().expect("a key").to_string(),
            json!({"s": seconds.as_secs_f64(), "answer": answer}),
        );
    }
    println!(
        "{}",
        json!({
            "tool": "dossier",
            "patterns": patterns,
            "load_s": load_s,
            "bytes_per_edge": bytes,
            "load_triples_s": triples["load_s"],
            "bytes_per_edge_triples": triples["bytes_per_edge"],
            "neighbours_ordinary_s": ordinary_time.as_secs_f64(),
            "neighbours_ordinary_count": ordinary_size,
            "neighbours_hub_s": hub_time.as_secs_f64(),
            "neighbours_ordinary_query_s": ordinary_query.as_secs_f64(),
            "neighbours_hub_query_s": hub_query.as_secs_f64(),
            "neighbours_ordinary_parsed_s": ordinary_parsed.as_secs_f64(),
            "neighbours_hub_parsed_s": hub_parsed.as_secs_f64(),
            "neighbours_hub_count": hub_size,
            "path_median_s": median(path),
            "paths3_median_s": median(paths),
            "paths3_counts": found,
            "path_hops": hops,
        })
    );
}
