//! Query speed on the generated 1,000,000-statement graph: neighbours of a
//! hub and of an ordinary entity, shortest paths between random pairs, and
//! a two-clause join from a named entity. Each benchmark parses and
//! evaluates the query, as `-c` does; `eval_only` variants leave parsing out.

use criterion::{Criterion, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::generate::{Rng, entity_name, generate};
use dossier::graph::Graph;
use dossier::query::{eval::evaluate, parse_query};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn run(graph: &Graph, query: &str) -> usize {
    let q = parse_query(0, 0, query).unwrap();
    match evaluate(graph, 0, &q).unwrap() {
        dossier::query::eval::Answer::Neighbours(n, _) => n.len(),
        dossier::query::eval::Answer::Path(p, _) => p.map_or(0, |p| p.len()),
        dossier::query::eval::Answer::Rows(r) => r.rows.len(),
        _ => 0,
    }
}

/// The generated graph of `statements` statements (seed 1).
fn generated(statements: u64) -> Graph {
    let text = generate(statements, 1);
    Graph::from_inputs(
        &[Input::Text {
            name: "gen.kg".into(),
            text,
        }],
        Options::default(),
    )
    .unwrap()
}

fn queries(c: &mut Criterion) {
    let graph = generated(1_000_000);
    let g = graph.petgraph();
    // An ordinary entity: the median degree among a sample.
    let mut rng = Rng::new(42);
    let mut sample: Vec<(usize, String)> = (0..1000)
        .map(|_| {
            let name = entity_name(10 + rng.below(190_000))
                .trim_matches('"')
                .to_string();
            let n = graph.find(&name).unwrap();
            (g.neighbors_undirected(n).count(), name)
        })
        .collect();
    sample.sort();
    let (degree, ordinary) = sample[sample.len() / 2].clone();
    let hub = "E0";
    let hub_degree = g.neighbors_undirected(graph.find(hub).unwrap()).count();
    eprintln!("ordinary entity {ordinary}: {degree} edges; hub {hub}: {hub_degree} edges");

    let mut group = c.benchmark_group("query");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(5));
    let q = format!("neighbours {ordinary}");
    group.bench_function("neighbours_ordinary", |b| {
        b.iter(|| run(&graph, black_box(&q)))
    });
    let parsed = parse_query(0, 0, &q).unwrap();
    group.bench_function("neighbours_ordinary_eval_only", |b| {
        b.iter(|| evaluate(&graph, 0, black_box(&parsed)).unwrap())
    });
    let q = format!("neighbours {hub}");
    group.bench_function("neighbours_hub", |b| b.iter(|| run(&graph, black_box(&q))));
    let q = format!("{ordinary} ?r ?x, ?x ?s ?y");
    group.bench_function("join_two_clauses_from_a_name", |b| {
        b.iter(|| run(&graph, black_box(&q)))
    });

    // 100 random pairs: the median of each pair's own time, printed, and
    // one benchmark over all 100.
    let pairs: Vec<String> = (0..100)
        .map(|_| {
            let a = entity_name(rng.below(200_000));
            let b = entity_name(rng.below(200_000));
            format!("path {a} {b}")
        })
        .collect();
    let mut times: Vec<Duration> = pairs
        .iter()
        .map(|q| {
            let mut best = Duration::MAX;
            for _ in 0..5 {
                let t = Instant::now();
                black_box(run(&graph, q));
                best = best.min(t.elapsed());
            }
            best
        })
        .collect();
    times.sort();
    eprintln!(
        "path over 100 random pairs: median {:?}, 90th percentile {:?}, slowest {:?}",
        times[50], times[90], times[99]
    );
    group.sample_size(10);
    group.bench_function("path_100_random_pairs", |b| {
        b.iter(|| pairs.iter().map(|q| run(&graph, q)).sum::<usize>())
    });
    // `paths ... max 3` between the same pairs: the median pair, printed.
    let all: Vec<String> = pairs
        .iter()
        .map(|q| format!("paths{} max 3", &q[4..]))
        .collect();
    let mut times: Vec<Duration> = all
        .iter()
        .map(|q| {
            let t = Instant::now();
            black_box(run(&graph, q));
            t.elapsed()
        })
        .collect();
    times.sort();
    eprintln!(
        "paths max 3 over 100 random pairs: median {:?}, 90th percentile {:?}",
        times[50], times[90]
    );
    group.finish();
}

/// The same queries on a graph of 100,000 statements.
fn small(c: &mut Criterion) {
    let graph = generated(100_000);
    let mut group = c.benchmark_group("query_100k");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(3));
    group.bench_function("neighbours_ordinary", |b| {
        b.iter(|| run(&graph, black_box("neighbours E4751")))
    });
    group.bench_function("neighbours_hub", |b| {
        b.iter(|| run(&graph, black_box("neighbours E0")))
    });
    group.bench_function("path_E4751_E9999", |b| {
        b.iter(|| run(&graph, black_box("path E4751 E9999")))
    });
    group.bench_function("join_two_clauses_from_a_name", |b| {
        b.iter(|| run(&graph, black_box("E4751 ?r ?x, ?x ?s ?y")))
    });
    group.finish();
}

criterion_group!(benches, small, queries);
criterion_main!(benches);
