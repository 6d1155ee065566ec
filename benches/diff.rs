//! `dossier diff` of two versions of the generated 1,000,000-statement
//! graph that differ in 1% of their statements (a relation renamed in
//! half of those, an attribute added in the other half) and in the order
//! of a tenth of their lines (moves, which are no change): both files
//! loaded and compared, as the command does. The target is under 3 s.

use criterion::{Criterion, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::graph::Graph;
use std::time::Duration;

/// The second version: every hundredth statement changed (but those the
/// file states twice, which a load keeps once), and a block of a tenth of
/// the statements moved to the end; and how many were renamed and how
/// many gained an attribute.
fn changed(text: &str) -> (String, usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let mut times: std::collections::HashMap<&str, u32> = Default::default();
    for l in &lines {
        *times.entry(l).or_default() += 1;
    }
    let first = lines.iter().position(|l| l.contains(" rel")).unwrap();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let (mut renamed, mut attributed) = (0, 0);
    for (i, l) in lines.iter().enumerate() {
        if i >= first && (i - first) % 100 == 0 && times[l] == 1 {
            if (i - first) % 200 == 0 {
                renamed += 1;
                out.push(l.replacen(" rel", " changed_rel", 1));
            } else if let Some(open) = l.strip_suffix('}') {
                attributed += 1;
                out.push(format!("{open}, checked: true}}"));
            } else {
                attributed += 1;
                out.push(format!("{l} {{checked: true}}"));
            }
        } else {
            out.push(l.to_string());
        }
    }
    let n = out.len() - first;
    let moved: Vec<String> = out.drain(first..first + n / 10).collect();
    out.extend(moved);
    (out.join("\n") + "\n", renamed, attributed)
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
    let (second, renamed, attributed) = changed(&text);
    std::fs::write(&new, second).unwrap();
    let d = dossier::diff::diff(&load(&old), &load(&new));
    // A renamed relation is a claim removed and one added, a statement
    // that gained an attribute a claim changed; no move is a change.
    assert!(renamed + attributed > 9_900, "{renamed} + {attributed}");
    assert_eq!(
        (d.added.len(), d.removed.len(), d.changed.len()),
        (renamed, renamed, attributed)
    );
    let mut group = c.benchmark_group("diff");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    // As `dossier diff` does it: both sides loaded at once, then compared.
    let options = Options {
        unchecked_quotes: true,
        ..Options::default()
    };
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    group.bench_function("1M statements, 1% changed: load both and compare", |b| {
        b.iter(|| {
            let (a, b) = dossier::diff::sides::load_both(o, n, options);
            let (Ok(a), Ok(b)) = (a, b) else {
                panic!("both load")
            };
            dossier::diff::diff(&a.graph, &b.graph).changed.len()
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
