//! Loading speed: parse + validate + build a generated graph of 100,000 and
//! of 1,000,000 relation statements (about N/5 declared entities, 50
//! relation names, 10% with attributes), parsing alone, and loading the
//! same graph from a binary snapshot.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::graph::Graph;
use std::hint::black_box;
use std::time::Duration;

fn load_text(text: &str) -> Graph {
    let input = Input::Text {
        name: "gen.kg".into(),
        text: text.into(),
    };
    Graph::from_inputs(&[input], Options::default()).unwrap()
}

fn load(c: &mut Criterion) {
    for (statements, label, seconds) in [(100_000, "100k", 10), (1_000_000, "1m", 40)] {
        let text = dossier::generate::generate(statements, 1);
        let mut group = c.benchmark_group("load");
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(seconds));
        group.throughput(Throughput::Elements(statements));
        group.bench_function(format!("parse_{label}_statements"), |b| {
            b.iter(|| {
                let mut items = 0;
                dossier::parse::parse_text(0, &text, |_, item| {
                    black_box(&item);
                    items += 1;
                });
                items
            })
        });
        // The graph is dropped outside the timing: freeing is not loading.
        group.bench_function(format!("load_{label}_statements"), |b| {
            b.iter_with_large_drop(|| {
                let graph = load_text(&text);
                assert!(graph.relation_count() as u64 > statements * 99 / 100);
                graph
            })
        });
        let dir = tempfile::tempdir().unwrap();
        let snapshot = dir.path().join("gen.dsnap");
        let graph = load_text(&text);
        std::fs::write(&snapshot, dossier::snapshot::write(&graph)).unwrap();
        drop(graph);
        group.bench_function(format!("snapshot_{label}_statements"), |b| {
            b.iter_with_large_drop(|| {
                let input = Input::Path(snapshot.clone());
                Graph::from_inputs(&[input], Options::default()).unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, load);
criterion_main!(benches);
