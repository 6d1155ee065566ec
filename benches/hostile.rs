//! Costs that must grow with the input, not faster (issue 16): each of
//! these took seconds to minutes before it was made linear or bounded.
//! Figures before and after are in docs/robustness.md.

use criterion::{Criterion, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::diagnostic::Sources;
use dossier::graph::Graph;
use std::hint::black_box;
use std::time::Duration;

fn load(name: &str, text: String) -> Result<Graph, dossier::build::LoadError> {
    Graph::from_inputs(
        &[Input::Text {
            name: name.into(),
            text,
        }],
        Options::default(),
    )
}

fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));

    // One statement with 100,000 attributes (23.9 s before: each key was
    // looked for in a list of those before it).
    let wide: String = format!(
        "A r B {{{}}}\n",
        (0..100_000)
            .map(|i| format!("k{i}: {i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    group.bench_function("statement_with_100k_attributes", |b| {
        b.iter(|| load("wide.kg", wide.clone()).unwrap())
    });

    // A million lines that are each an error: a bounded number of
    // diagnostics is kept and the rest counted (1.3 GB before).
    let bad = "\"\n".repeat(1_000_000);
    group.bench_function("1m_bad_lines", |b| {
        b.iter(|| {
            let error = load("bad.kg", bad.clone()).unwrap_err();
            black_box(error.render(false).len())
        })
    });

    // "Did you mean" for a 60,000-character name (28 s before).
    let graph = load("koreas.kg", dossier::cli::BUNDLED_TEXT.into()).unwrap();
    let names: Vec<&str> = graph.entities().map(|(_, e)| &*e.name).collect();
    let long = "x".repeat(60_000);
    group.bench_function("did_you_mean_60k_name", |b| {
        b.iter(|| dossier::suggest::did_you_mean(&long, names.iter().copied()))
    });

    // 40,000 failing script lines, each rendered (36 s before: each
    // rendered with the whole script as its source).
    let script: Vec<String> = (0..40_000).map(|i| format!("neighbours Nope{i}")).collect();
    group.bench_function("render_40k_failing_script_lines", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for (i, line) in script.iter().enumerate() {
                let mut sources = Sources::new();
                let file = sources.add_line("script.q", line.as_str(), i);
                let query = dossier::query::parse_query(file, 0, line).unwrap();
                let error = dossier::query::eval::evaluate(&graph, file, &query).unwrap_err();
                bytes += sources.render(std::slice::from_ref(&*error), false).len();
            }
            bytes
        })
    });

    // `--json why` over a cross product of the world graph, 100,000 rows
    // (the default limit, 1,000,000 rows, took 2.7 GB before its rows were
    // written as they go; 0.5 GB after).
    let world = load("world.kg", include_str!("../data/world.kg").into()).unwrap();
    dossier::query::eval::set_max_rows(100_000);
    let why = dossier::query::parse_query(0, 0, "why ?a member_of ?b, ?c member_of ?d").unwrap();
    group.bench_function("why_json_100k_row_cross_product", |b| {
        b.iter(|| {
            let answer = dossier::query::eval::evaluate(&world, 0, &why).unwrap();
            let mut out = std::io::sink();
            dossier::output::write(
                &mut out,
                &world,
                &answer,
                dossier::output::Format::Json,
                true,
            )
            .unwrap();
        })
    });
    dossier::query::eval::set_max_rows(dossier::query::eval::DEFAULT_MAX_ROWS);
    group.finish();

    // JSON export and import of the generated 1,000,000-statement graph
    // (17.9 s and 3.7 GB, 9.2 s and 2.4 GB before).
    let mut group = c.benchmark_group("hostile_json");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    let big = load("gen.kg", dossier::generate::generate(1_000_000, 1)).unwrap();
    group.bench_function("json_export_1m_statements", |b| {
        b.iter(|| dossier::export::json::json(&big).len())
    });
    let json = dossier::export::json::json(&big);
    drop(big);
    group.bench_function("json_import_1m_statements", |b| {
        b.iter_with_large_drop(|| load("gen.json", json.clone()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);
