//! `find` and `@"label"`: on a generated graph of coded names with labels
//! (WordNet's shape), through the command line and a snapshot; and the
//! property that `find` of any entity's exact label ranks it first.

mod common;
use common::*;
use dossier::build::{Input, Options};
use dossier::graph::{Graph, words};
use dossier::query::{eval, parse_query};
use dossier::value::Value;
use proptest::prelude::*;
use std::collections::HashMap;

fn graph_of(text: &str) -> Graph {
    Graph::from_inputs(
        &[Input::Text {
            name: "p.kg".into(),
            text: text.to_string(),
        }],
        Options::default(),
    )
    .expect("the graph loads")
}

/// The entities `find` answers, in order.
fn found(graph: &Graph, query: &str) -> Vec<String> {
    let q = parse_query(0, 0, query).expect("the query parses");
    match eval::evaluate(graph, 0, &q).expect("find answers") {
        eval::Answer::Rows(rows) => rows
            .rows
            .iter()
            .map(|r| match &r[0] {
                Value::Name(n) | Value::Str(n) => n.to_string(),
                other => panic!("{other:?}"),
            })
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The entities of a coded graph whose label's words no other entity's
/// label or name has: (name, label).
fn unique_labels(text: &str) -> Vec<(String, String)> {
    let mut by_words: HashMap<Vec<String>, usize> = HashMap::new();
    let mut entities = Vec::new();
    for line in text.lines() {
        // Declarations only: `n01234567: kind "label"`.
        let Some((name, rest)) = line.split_once(": ").filter(|(n, _)| !n.contains(' ')) else {
            continue;
        };
        let label = rest.split_once(" \"").unwrap().1.trim_end_matches('"');
        *by_words.entry(words(label)).or_default() += 1;
        *by_words.entry(words(name)).or_default() += 1;
        entities.push((name.to_string(), label.to_string()));
    }
    entities
        .into_iter()
        .filter(|(_, l)| by_words[&words(l)] == 1)
        .collect()
}

#[test]
fn find_ranks_each_label_first_on_a_graph_of_codes() {
    let text = dossier::generate::generate_coded(5_000, 7);
    let graph = graph_of(&text);
    let unique = unique_labels(&text);
    assert!(unique.len() > 500, "{} unique labels", unique.len());
    // Every third: the debug build takes a millisecond a find.
    for (name, label) in unique.iter().step_by(3) {
        let first = found(&graph, &format!("find {} limit 1", quoted(label)));
        assert_eq!(first.first(), Some(name), "find {label}");
        assert_eq!(first.len(), 1, "find {label} limit 1");
        // The label names the entity wherever a name goes.
        let shown = found(
            &graph,
            &format!("find {} limit 3", quoted(&label.to_uppercase())),
        );
        assert_eq!(
            shown.first(),
            Some(name),
            "find {} (upper case)",
            label.to_uppercase()
        );
    }
}

#[test]
fn labels_name_entities_and_suggest_them_through_the_command_line_and_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let text = dossier::generate::generate_coded(2_000, 11);
    std::fs::write(dir.path().join("codes.kg"), &text).unwrap();
    let (name, label) = unique_labels(&text).into_iter().nth(5).unwrap();
    let out = dossier_in(
        dir.path(),
        &[
            "export",
            "codes.kg",
            "--to",
            "snapshot",
            "-o",
            "codes.dsnap",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for file in ["codes.kg", "codes.dsnap"] {
        // By label, the code's card.
        let show = format!("show @{}", quoted(&label));
        let out = dossier_in(dir.path(), &[file, "-c", &show], None);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        assert!(
            stdout(&out).starts_with(&format!("{name}: ")),
            "{}",
            stdout(&out)
        );
        // The label written as a name: the error says whose label it is.
        let out = dossier_in(
            dir.path(),
            &[file, "-c", &format!("show {}", quoted(&label))],
            None,
        );
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains(&format!("help: {name} (")), "{err}");
        assert!(err.contains("is labelled"), "{err}");
        // JSON of find, from either.
        let find = format!("find {}", quoted(&label.to_lowercase()));
        let out = dossier_in(dir.path(), &[file, "--json", "-c", &find], None);
        let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(doc["columns"][0], "entity");
        assert_eq!(doc["rows"][0][0], name.as_str(), "{doc}");
        assert_eq!(doc["rows"][0][4], 4.0, "{doc}");
    }
}

#[test]
fn a_snapshot_whose_word_index_is_out_of_order_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("g.kg"),
        "A: state \"Alpha\"\nB: state \"Beta\"\nA likes B\n",
    )
    .unwrap();
    let out = dossier_in(
        dir.path(),
        &["export", "g.kg", "--to", "snapshot", "-o", "g.dsnap"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mut bytes = std::fs::read(dir.path().join("g.dsnap")).unwrap();
    // The word index ends the payload: four entries (a, alpha, b, beta),
    // their entities (u32 each), then their places (a byte each). Point
    // the first entry at B and the third at A (b, alpha, a, beta), and make
    // the checksum right again.
    let n = bytes.len();
    let places = n - 4;
    assert_eq!(&bytes[places - 4..places], &4u32.to_le_bytes());
    let entities = places - 4 - 16;
    bytes.swap(entities, entities + 8);
    bytes.swap(entities + 1, entities + 9);
    let sum = xxhash_rust::xxh3::xxh3_128(&bytes[44..]);
    bytes[28..44].copy_from_slice(&sum.to_le_bytes());
    std::fs::write(dir.path().join("g.dsnap"), &bytes).unwrap();
    let out = dossier_in(dir.path(), &["g.dsnap", "-c", "find alpha"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("the word index is not in order"),
        "{}",
        stderr(&out)
    );
}

/// Labels of letters (some accented, some capitals), digits, spaces and
/// punctuation.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Zéüç0-9 _'.,-]{1,24}".prop_filter("has a word", |l| !words(l).is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn find_of_an_exact_label_ranks_its_entity_first(labels in prop::collection::vec(label(), 1..30)) {
        // Entities E0, E1, ... labelled so; a label whose words another
        // label or name shares has no single first entity, so is skipped.
        let mut text = String::new();
        for (i, l) in labels.iter().enumerate() {
            text.push_str(&format!("E{i}: state {}\n", quoted(l)));
        }
        for i in 1..labels.len() {
            text.push_str(&format!("E{} likes E{}\n", i - 1, i));
        }
        let graph = graph_of(&text);
        let mut count: HashMap<Vec<String>, usize> = HashMap::new();
        for (i, l) in labels.iter().enumerate() {
            *count.entry(words(l)).or_default() += 1;
            *count.entry(words(&format!("E{i}"))).or_default() += 1;
        }
        for (i, l) in labels.iter().enumerate() {
            if count[&words(l)] > 1 {
                continue;
            }
            let answer = found(&graph, &format!("find {}", quoted(l)));
            prop_assert_eq!(answer.first(), Some(&format!("E{i}")), "label {:?}", l);
            // And `@"label"` names it.
            let q = parse_query(0, 0, &format!("show @{}", quoted(l))).unwrap();
            let shown = eval::evaluate(&graph, 0, &q).unwrap();
            prop_assert_eq!(shown, eval::Answer::Show(graph.find(&format!("E{i}")).unwrap()));
        }
    }
}
