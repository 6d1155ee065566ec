#![no_main]
//! Forged snapshots: a valid snapshot of a graph with declarations,
//! attributes and facts, changed at places the input chooses, its checksum
//! computed again. The reader refuses it, or it answers exactly as the
//! same bytes do when loaded through the loader's own checks and index.

use dossier::build::{Input, Options};
use dossier::graph::Graph;
use std::sync::OnceLock;

const HEADER: usize = 44;

fn snapshot() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let text = "relation r0: state <-> state\nrelation r3 inverse r2\n\
                    A: state \"Alpha\" {pop: 1}\nB: state {pop: 2, ratio: 0.5}\nC: body\n\
                    A r0 B {w: 1}\nB r2 C\nC r1 A {d: 2014-11-18}\nA r2 A\nB fact0 {n: 3}\n";
        let input = Input::Text { name: "g.kg".into(), text: text.into() };
        dossier::snapshot::write(&Graph::from_inputs(&[input], Options::default()).unwrap())
    })
}

fn answers(graph: &Graph) -> Vec<serde_json::Value> {
    let mut queries = vec!["?x ?r ?y".to_string(), "?x ?p".to_string(), "?x: state".to_string()];
    for n in ["A", "B", "C"] {
        queries.push(format!("neighbours {n}"));
        queries.push(format!("neighbours {n} out depth 2"));
        queries.push(format!("paths {n} A max 3"));
        queries.push(format!("path {n} -> B"));
    }
    queries
        .iter()
        .map(|q| {
            let parsed = dossier::query::parse_query(0, 0, q).unwrap();
            match dossier::query::eval::evaluate(graph, 0, &parsed) {
                Ok(a) => dossier::output::json_of(graph, &a),
                Err(e) => serde_json::Value::String(e.message),
            }
        })
        .collect()
}

libfuzzer_sys::fuzz_target!(|edits: Vec<(u16, u8)>| {
    let mut bytes = snapshot().to_vec();
    let payload = bytes.len() - HEADER;
    for (at, value) in edits.iter().take(8) {
        bytes[HEADER + *at as usize % payload] = *value;
    }
    let sum = dossier::snapshot::checksum(&bytes[HEADER..]);
    bytes[28..44].copy_from_slice(&sum.to_le_bytes());
    let Ok(read) = dossier::snapshot::read(&bytes) else {
        return;
    };
    let inputs = [
        Input::Text { name: "extra.kg".into(), text: "Extra: extra\n".into() },
        Input::Bytes { name: "f.dsnap".into(), bytes },
    ];
    let rebuilt = Graph::from_inputs(&inputs, Options::default())
        .unwrap_or_else(|e| panic!("read, but the loader refuses it: {}", e.render(false)));
    assert_eq!(answers(&read), answers(&rebuilt));
});
