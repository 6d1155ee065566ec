//! The six pattern workloads of issue 26 on the generated 1,000,000-statement
//! graph, each parsed and evaluated as `-c` does: a two-clause join from a
//! named entity, a two-hop pattern over two relations counted, a triangle
//! over one relation counted, an attribute filter, a path expression from a
//! named entity, and the same `as of` a date. The answers' sizes are printed
//! once, so that a run shows what each pattern found.

use criterion::{Criterion, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::generate::generate;
use dossier::graph::Graph;
use dossier::query::eval::{Answer, evaluate};
use dossier::query::parse_query;
use std::hint::black_box;
use std::time::Duration;

fn size(graph: &Graph, query: &str) -> usize {
    let q = parse_query(0, 0, query).unwrap();
    match evaluate(graph, 0, &q).unwrap() {
        Answer::Rows(r) => r.rows.len(),
        Answer::Count(n, _) => n,
        _ => 0,
    }
}

fn patterns(c: &mut Criterion) {
    let text = generate(1_000_000, 1);
    // A named entity with statements of `rel7` and `rel8`: the subject of
    // the first `rel7` statement.
    let named = text
        .lines()
        .find_map(|l| {
            let mut words = l.split(' ');
            let subject = words.next()?;
            (words.next()? == "rel7" && !subject.starts_with('"')).then(|| subject.to_string())
        })
        .expect("a rel7 statement");
    let graph = Graph::from_inputs(
        &[Input::Text {
            name: "gen.kg".into(),
            text,
        }],
        Options::default(),
    )
    .unwrap();
    let workloads = [
        ("join_from_a_name", format!("{named} ?r ?x, ?x rel8 ?y")),
        (
            "two_hops_counted",
            "count ?x rel7 ?y, ?y rel8 ?z".to_string(),
        ),
        (
            "triangle_counted",
            "count ?a rel7 ?b, ?b rel7 ?c, ?c rel7 ?a".to_string(),
        ),
        (
            "attribute_filter",
            "?x rel7 ?y {weight: ?w} where ?w > 90".to_string(),
        ),
        (
            "path_expression_from_a_name",
            format!("{named} (rel7|rel8)+ ?y"),
        ),
        (
            "path_expression_as_of",
            format!("{named} (rel7|rel8)+ ?y as of 2010-01-01"),
        ),
    ];
    let mut group = c.benchmark_group("patterns");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for (name, query) in &workloads {
        eprintln!("{name}: `{query}` answers {}", size(&graph, query));
        group.bench_function(*name, |b| b.iter(|| size(&graph, black_box(query))));
    }
    group.finish();
}

criterion_group!(benches, patterns);
criterion_main!(benches);
