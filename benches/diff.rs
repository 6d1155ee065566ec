//! `dossier diff` of two versions of the generated 1,000,000-statement
//! graph that differ in 1% of their statements (a relation renamed in
//! half of those, an attribute added in the other half) and in the order
//! of a tenth of their lines (moves, which are no change): both files
//! loaded and compared, as the command does. The target is under 3 s.

use criterion::{Criterion, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::graph::Graph;
use std::time::Duration;

/// The second version: every hundredth statement changed, and a block of
/// a tenth of the statements moved to the end.
fn changed(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| l.contains(" rel")).unwrap();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if i >= first && (i - first) % 100 == 0 {
            if (i - first) % 200 == 0 {
                out.push(l.replacen(" rel", " changed_rel", 1));
            } else if let Some(open) = l.strip_suffix('}') {
                out.push(format!("{open}, checked: true}}"));
            } else {
                out.push(format!("{l} {{checked: true}}"));
            }
        } else {
            out.push(l.to_string());
        }
    }
    let n = out.len() - first;
    let moved: Vec<String> = out.drain(first..first + n / 10).collect();
    out.extend(moved);
    out.join("\n") + "\n"
}

fn load(path: &std::path::Path) -> Graph {
    let options = Options {
        unchecked_quotes: true,
        ..Options::default()
    };
    Graph::from_inputs(&[Input::Path(path.to_path_buf())], options).unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let text = dossier::generate::generate(1_000_000, 7);
    let (old, new) = (dir.path().join("old.kg"), dir.path().join("new.kg"));
    std::fs::write(&old, &text).unwrap();
    std::fs::write(&new, changed(&text)).unwrap();
    let d = dossier::diff::diff(&load(&old), &load(&new));
    // Half the changed statements renamed a relation (a claim removed and
    // one added), half gained an attribute (a claim changed); no move.
    assert_eq!(
        (d.added.len(), d.removed.len(), d.changed.len()),
        (5_000, 5_000, 5_000)
    );
    let mut group = c.benchmark_group("diff");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    group.bench_function("1M statements, 1% changed: load both and compare", |b| {
        b.iter(|| {
            let (a, b) = (load(&old), load(&new));
            dossier::diff::diff(&a, &b).changed.len()
        })
    });
    let (a, b) = (load(&old), load(&new));
    group.bench_function("1M statements, 1% changed: compare only", |bench| {
        bench.iter(|| dossier::diff::diff(&a, &b).changed.len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
