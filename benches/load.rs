//! Loading speed: parse + validate + build a generated graph of 1,000,000
//! relation statements (about 200,000 declared entities, 50 relation names,
//! 10% with attributes), and parsing alone, on one core.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::graph::Graph;
use std::hint::black_box;
use std::time::Duration;

const STATEMENTS: u64 = 1_000_000;

fn load(c: &mut Criterion) {
    let text = dossier::generate::generate(STATEMENTS, 1);
    let mut group = c.benchmark_group("load");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    group.throughput(Throughput::Elements(STATEMENTS));
    group.bench_function("parse_1m_statements", |b| {
        b.iter(|| {
            let mut items = 0;
            dossier::parse::parse_text(0, &text, |_, item| {
                black_box(&item);
                items += 1;
            });
            items
        })
    });
    group.bench_function("load_1m_statements", |b| {
        // The graph is dropped outside the timing: freeing is not loading.
        b.iter_with_large_drop(|| {
            let input = Input::Text {
                name: "gen.kg".into(),
                text: text.clone(),
            };
            let graph = Graph::from_inputs(&[input], Options::default()).unwrap();
            assert!(graph.relation_count() > 990_000);
            graph
        })
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
