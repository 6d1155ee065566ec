//! Quote checking: 100,000 statements, each quoting a passage of one 1 MB
//! document (exactly, or across a line break, or with straight quotes
//! where the document has curly ones), loaded and verified; beside it the
//! same statements citing no source, so the difference is the checking.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dossier::build::{Input, Options};
use dossier::graph::Graph;
use std::fmt::Write;
use std::path::Path;
use std::time::Duration;

/// A document of about `bytes` bytes of sentences of made-up words, some
/// with curly quotes, lines of about 70 characters.
pub fn document(bytes: usize) -> String {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let syllables = [
        "ka", "lo", "mi", "ne", "su", "ra", "to", "vi", "de", "po", "an", "el",
    ];
    let mut out = String::with_capacity(bytes + 100);
    let mut line = 0;
    while out.len() < bytes {
        let words = 6 + next() % 14;
        for w in 0..words {
            let mut word = String::new();
            for _ in 0..1 + next() % 3 {
                word.push_str(syllables[(next() % syllables.len() as u64) as usize]);
            }
            if w == 0 {
                word[..1].make_ascii_uppercase();
            }
            if next() % 40 == 0 {
                word = format!("\u{201c}{word}\u{201d}");
            }
            out.push_str(&word);
            line += word.len() + 1;
            if w + 1 == words {
                out.push('.');
            }
            if line > 70 {
                out.push('\n');
                line = 0;
            } else {
                out.push(' ');
            }
        }
    }
    out
}

/// `n` statements quoting passages of `doc`: each starts at a word and runs
/// for some words, written as a relation file would quote them.
pub fn statements(doc: &str, n: usize, cite: bool) -> String {
    let starts: Vec<usize> = doc
        .char_indices()
        .filter(|&(i, c)| c.is_alphabetic() && (i == 0 || doc[..i].ends_with(' ')))
        .map(|(i, _)| i)
        .collect();
    let mut out = String::new();
    if cite {
        out.push_str("Doc: source \"A document\" {file: \"doc.txt\"}\nwith {source: Doc}\n");
    }
    let mut state: u64 = 42;
    for i in 0..n {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let start = starts[(state >> 33) as usize % (starts.len() - 20)];
        let mut end = start;
        for _ in 0..5 + (state >> 20) % 6 {
            end += doc[end..].find([' ', '\n']).unwrap_or(doc.len() - end) + 1;
        }
        let quote = doc[start..end - 1]
            .replace('\n', " ")
            .replace(['\u{201c}', '\u{201d}'], "\"")
            .replace('\\', "\\\\")
            .replace('"', "\\\"");
        let _ = writeln!(
            out,
            "E{} r{} E{} {{quote: \"{quote}\"}}",
            i % 20_000,
            i % 50,
            (i * 7) % 20_000
        );
    }
    out
}

fn load(path: &Path) -> Graph {
    Graph::from_inputs(&[Input::Path(path.to_path_buf())], Options::default()).unwrap()
}

fn quotes(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(1 << 20);
    std::fs::write(dir.path().join("doc.txt"), &doc).unwrap();
    let cited = dir.path().join("cited.kg");
    let plain = dir.path().join("plain.kg");
    std::fs::write(&cited, statements(&doc, 100_000, true)).unwrap();
    std::fs::write(&plain, statements(&doc, 100_000, false)).unwrap();
    assert_eq!(load(&cited).quote_counts().verified, 100_000);
    let mut group = c.benchmark_group("quotes");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("load_100k_quotes_citing_a_1mb_document", |b| {
        b.iter_with_large_drop(|| load(&cited))
    });
    group.bench_function("load_100k_quotes_citing_nothing", |b| {
        b.iter_with_large_drop(|| load(&plain))
    });
    group.finish();
}

criterion_group!(benches, quotes);
criterion_main!(benches);
