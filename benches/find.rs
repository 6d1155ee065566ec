//! `find` at 5,000,000 statements (set `DOSSIER_FIND_STATEMENTS` for
//! another size): on the generated graph with labels (`Entity number N`,
//! 1,000,000 entities) and on the coded one (WordNet's shape: names that
//! are codes, labels of made-up words). Each benchmark parses and
//! evaluates the query, as `-c` does. Printed: the word index's bytes an
//! entity and the time to build it beside the whole load.

use criterion::{Criterion, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::generate::{code_label, generate, generate_coded};
use dossier::graph::Graph;
use dossier::query::{eval::evaluate, parse_query};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn statements() -> u64 {
    std::env::var("DOSSIER_FIND_STATEMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000_000)
}

/// The rows (or entity) a query answers.
fn run(graph: &Graph, query: &str) -> usize {
    let q = parse_query(0, 0, query).unwrap();
    match evaluate(graph, 0, &q).unwrap() {
        dossier::query::eval::Answer::Rows(r) => r.rows.len(),
        dossier::query::eval::Answer::Show(n) => n.index(),
        _ => 0,
    }
}

fn load(text: String) -> Graph {
    let t = Instant::now();
    let graph = Graph::from_inputs(
        &[Input::Text {
            name: "gen.kg".into(),
            text,
        }],
        Options::default(),
    )
    .unwrap();
    let loaded = t.elapsed();
    let t = Instant::now();
    let words = black_box(graph.build_words());
    let built = t.elapsed();
    eprintln!(
        "{} entities: word index {} entries, {:.1} bytes an entity; built in {built:?} of a {loaded:?} load ({:.1}%)",
        graph.entity_count(),
        words.len(),
        words.bytes() as f64 / graph.entity_count() as f64,
        100.0 * built.as_secs_f64() / loaded.as_secs_f64()
    );
    graph
}

fn bench(c: &mut Criterion, group: &str, graph: &Graph, queries: &[(&str, String)]) {
    let mut g = c.benchmark_group(group);
    g.sample_size(30).measurement_time(Duration::from_secs(3));
    for (name, q) in queries {
        eprintln!("{name}: `{q}` answers {} rows", run(graph, q));
        g.bench_function(*name, |b| b.iter(|| run(graph, black_box(q))));
    }
    g.finish();
}

fn labelled(c: &mut Criterion) {
    let n = statements();
    let graph = load(generate(n, 1));
    let e = n / 5 / 2 + 3;
    bench(
        c,
        "find",
        &graph,
        &[
            ("exact_label", format!("find \"entity number {e}\"")),
            ("name", format!("find E{e}")),
            ("label_by_at", format!("show @\"Entity number {e}\"")),
            ("prefix", format!("find \"entity number {}\"", e / 10)),
            ("misspelt", format!("find \"entty numbr {e}\"")),
            (
                "quotes_none_match",
                "find \"nuclear tests\" in quotes".into(),
            ),
        ],
    );
}

fn coded(c: &mut Criterion) {
    let n = statements();
    let graph = load(generate_coded(n, 1));
    // The first entity from the middle whose label has three words.
    let e = (n / 5 / 2..)
        .find(|&e| code_label(e, 1).split([' ', '-']).count() == 3)
        .unwrap();
    let label = code_label(e, 1);
    let first = label.split([' ', '-']).next().unwrap().to_string();
    // The longest word with its second letter left out.
    let longest = label.split([' ', '-']).max_by_key(|w| w.len()).unwrap();
    let at = label.find(longest).unwrap() + longest.chars().next().unwrap().len_utf8();
    let mut misspelt = label.clone();
    misspelt.remove(at);
    bench(
        c,
        "find_coded",
        &graph,
        &[
            ("exact_label", format!("find \"{label}\"")),
            ("one_word", format!("find \"{first}\"")),
            ("misspelt", format!("find \"{misspelt}\"")),
        ],
    );
}

criterion_group!(benches, labelled, coded);
criterion_main!(benches);
