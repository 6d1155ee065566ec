//! Contradictions (issue 21, part): attribute conflicts between statements
//! of one claim whose times overlap, listed by `dossier conflicts` and
//! failing `dossier check --conflicts`; never a load error.

mod common;
use common::*;

const GRAPH: &str = "\
A: source \"First\"
B: source \"Second\"
HRC adopted Res {in_favour: 111, date: 2014-11-18, source: A}
HRC adopted Res {in_favour: 112, date: 2014-11-18, source: B, quote: \"112 in favour\"}
HRC adopted Res {in_favour: 111, source: B}
X heads Y {party: \"old\", from: 2000-01-01, until: 2004-12-31, source: A}
X heads Y {party: \"new\", from: 2005-01-01, source: B}
X heads Y {party: \"newer\", from: 2004-06-01, until: 2004-06-30}
Y insular {degree: 1}
Y insular {degree: 2}
Z r W {a: 1}
Z r W {b: 2}
";

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.kg"), GRAPH).unwrap();
    dir
}

#[test]
fn conflicts_are_pairs_of_overlapping_statements_with_two_values() {
    let dir = folder();
    let out = dossier_in(dir.path(), &["conflicts", "g.kg", "--json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let list = doc["conflicts"].as_array().unwrap();
    let pairs: Vec<(String, String, u64, u64)> = list
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                format!(
                    "{} {}",
                    c["values"][0].as_str().unwrap(),
                    c["values"][1].as_str().unwrap()
                ),
                c["statements"][0]["line"].as_u64().unwrap(),
                c["statements"][1]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // 111 against 112 twice (line 5 has no date: it holds always); the
    // party of 2000-2004 against the one of June 2004, not the one of 2005;
    // the fact's degree; not a: 1 beside b: 2.
    assert_eq!(
        pairs,
        [
            ("in_favour".to_string(), "111 112".to_string(), 3, 4),
            ("in_favour".to_string(), "112 111".to_string(), 4, 5),
            ("party".to_string(), "\"old\" \"newer\"".to_string(), 6, 8),
            ("degree".to_string(), "1 2".to_string(), 9, 10),
        ]
    );
    assert!(list.iter().all(|c| c["kind"] == "attribute"));
    let second = &list[0]["statements"][1];
    assert_eq!(second["quote"], "112 in favour");
    assert_eq!(second["evidence"]["source"], "B");
    // Both sides stay in every answer.
    let out = dossier_in(
        dir.path(),
        &["g.kg", "-c", "count HRC adopted Res {in_favour: ?n}"],
        None,
    );
    assert_eq!(stdout(&out), "2\n");
}

#[test]
fn check_with_conflicts_fails_only_when_there_is_one() {
    let dir = folder();
    let out = dossier_in(dir.path(), &["check", "g.kg"], None);
    assert_eq!(out.status.code(), Some(0));
    let out = dossier_in(dir.path(), &["check", "--conflicts", "g.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).ends_with("error: 4 contradictions; `dossier conflicts` lists them\n"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        dir.path().join("calm.kg"),
        "X r Y {a: 1}\nX r Y {a: 1, date: 2020-01-01}\n",
    )
    .unwrap();
    let out = dossier_in(dir.path(), &["check", "--conflicts", "calm.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = dossier_in(dir.path(), &["conflicts", "calm.kg", "--csv"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "kind,key,first,second,first statement,second statement\n"
    );
    let out = dossier_in(dir.path(), &["g.kg", "-c", ".conflicts"], None);
    assert!(
        stdout(&out).ends_with("(4 conflicts)\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn declarations_say_what_cannot_both_be_true() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.kg"),
        "relation head_of: person -> state functional
relation voted_for excludes voted_against
Kim: person
Lee: person
North_Korea: state
South_Korea: state
Kim head_of North_Korea {from: 2011-12-17}
Kim head_of South_Korea {from: 2011-12-17, until: 2011-12-17}
Lee head_of North_Korea {until: 2011-12-16}
Lee head_of South_Korea {from: 2011-12-17}
China voted_for Res
China voted_against Res {date: 2014-11-18}
Russia voted_for Res {until: 2014-01-01}
Russia voted_against Res {date: 2014-11-18}
",
    )
    .unwrap();
    let out = dossier_in(dir.path(), &["conflicts", "d.kg", "--csv", "-t"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Kim heads two states on one day; Lee's two terms do not meet; China
    // both voted for and against; Russia's votes are years apart.
    assert_eq!(
        stdout(&out),
        "functional,head_of,North_Korea,South_Korea,d.kg:7  Kim head_of North_Korea {from: 2011-12-17},\"d.kg:8  Kim head_of South_Korea {from: 2011-12-17, until: 2011-12-17}\"\n\
         excludes,voted_for excludes voted_against,voted_for,voted_against,d.kg:11  China voted_for Res,d.kg:12  China voted_against Res {date: 2014-11-18}\n"
    );
    // The declarations survive every format that carries them.
    for (to, file) in [("kg", "d2.kg"), ("json", "d.json"), ("snapshot", "d.dsnap")] {
        let out = dossier_in(
            dir.path(),
            &["export", "d.kg", "--to", to, "-o", file],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = dossier_in(dir.path(), &["conflicts", file, "--csv", "-t"], None);
        assert_eq!(stdout(&out).lines().count(), 2, "{to}: {}", stdout(&out));
    }
    let kg = std::fs::read_to_string(dir.path().join("d2.kg")).unwrap();
    assert!(kg.contains("relation head_of: person -> state functional\nrelation voted_for excludes voted_against\n"), "{kg}");
    let out = dossier_in(dir.path(), &["export", "d.kg", "--to", "ntriples"], None);
    let nt = stdout(&out);
    assert!(nt.contains("<urn:dossier:relation/head_of> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#FunctionalProperty> ."));
    assert!(nt.contains("<urn:dossier:relation/voted_for> <http://www.w3.org/2002/07/owl#propertyDisjointWith> <urn:dossier:relation/voted_against> ."));
}

/// The fixture of `tests/cases/contested`: a functional relation, an
/// exclusion and an attribute conflict over three sources and dates.
fn contested() -> std::path::PathBuf {
    root().join("tests/cases/contested")
}

#[test]
fn contested_answers_are_marked_in_every_mode_and_in_pictures() {
    let dir = contested();
    let run = |args: &[&str]| {
        let mut all = vec!["graph.kg"];
        all.extend(args);
        let out = dossier_in(&dir, &all, None);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    // JSON Lines: each contested hop or neighbour says so; others do not.
    let lines = run(&["--format", "jsonl", "-c", "neighbours North_Korea"]);
    let marks: Vec<(String, bool)> = lines
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["entity"].as_str().unwrap().to_string(),
                v.get("contested") == Some(&serde_json::json!(true)),
            )
        })
        .collect();
    // Article's Kim Jong-il ended the day before Kim Jong-un began; the
    // blog's runs past it and contradicts both of Kim Jong-un's.
    assert_eq!(
        marks,
        [
            ("Kim_Jong-il".to_string(), false),
            ("Kim_Jong-il".to_string(), true),
            ("Kim_Jong-un".to_string(), true),
            ("Kim_Jong-un".to_string(), true),
            ("Resolution".to_string(), false),
        ]
    );
    // An answer the contradictions do not touch has no mark at all.
    let plain = run(&["--format", "json", "-c", "neighbours Russia"]);
    assert!(!plain.contains("contested"), "{plain}");
    let boxed = run(&["--format", "box", "-c", "China ?r Resolution"]);
    assert!(boxed.contains("│ contested │"), "{boxed}");
    assert_eq!(boxed.matches("│ yes ").count(), 2, "{boxed}");
    // `as of` a day only one statement holds still marks it: it is
    // contested in the dossier, whatever the day asked about.
    let before = run(&[
        "--format",
        "json",
        "-c",
        "North_Korea led_by ?p as of 2000-01-01",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(doc["rows"], serde_json::json!([["Kim_Jong-il"]]));
    assert_eq!(doc["contested"], serde_json::json!([true]));
    // A drawn path marks the hop; the DOT picture draws the statements
    // red and dashed, and Graphviz lays it out.
    let path = run(&["-c", "path HRC North_Korea"]);
    assert_eq!(path, "HRC -[adopted?]-> Resolution -[asks]-> North_Korea\n");
    let out = dossier_in(&dir, &["export", "graph.kg", "--to", "dot"], None);
    let dot = stdout(&out);
    let red = dot
        .lines()
        .filter(|l| l.contains("style=\"dashed\", tooltip=\"contested\""))
        .count();
    // Three of leadership (not the article's Kim Jong-il), two votes,
    // three counts.
    assert_eq!(red, 8, "{dot}");
    assert!(dot.contains("[label=\"asks\"];"), "{dot}");
    let mut graphviz = std::process::Command::new("dot")
        .args(["-Tsvg"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("Graphviz's dot (tests/run.sh installs it)");
    use std::io::Write;
    graphviz
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let svg = graphviz.wait_with_output().unwrap();
    assert!(svg.status.success());
    let svg = String::from_utf8(svg.stdout).unwrap();
    assert!(
        svg.contains("stroke-dasharray") && svg.contains("#b03a2e"),
        "{svg}"
    );
}

mod marks_agree_with_the_list {
    use dossier::build::{Input, Options};
    use dossier::conflicts::{Contested, conflicts};
    use dossier::graph::Graph;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn line() -> impl Strategy<Value = String> {
        let end = prop_oneof![Just("A"), Just("B"), Just("C")];
        let relation = prop_oneof![Just("r"), Just("s"), Just("t")];
        let attrs = prop_oneof![
            Just(""),
            Just(" {k: 1}"),
            Just(" {k: 2}"),
            Just(" {k: 1, from: 2000-01-01, until: 2004-12-31}"),
            Just(" {k: 2, from: 2005-01-01}"),
            Just(" {from: 2003-01-01}"),
        ];
        (end.clone(), relation, end, attrs).prop_map(|(a, r, b, x)| format!("{a} {r} {b}{x}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// The statements answers mark contested are exactly those
        /// `dossier conflicts` lists, with and without declarations.
        #[test]
        fn contested_marks_are_the_listed_statements(
            lines in prop::collection::vec(line(), 1..14),
            declare in 0..4u8,
        ) {
            let mut text = String::new();
            if declare & 1 == 1 {
                text.push_str("relation r functional\n");
            }
            if declare & 2 == 2 {
                text.push_str("relation s excludes t\n");
            }
            let header = text.lines().count() as u32;
            text.push_str(&lines.join("\n"));
            let Ok(graph) = Graph::from_inputs(
                &[Input::Text { name: "p.kg".into(), text }],
                Options::default(),
            ) else {
                return Ok(());
            };
            let (list, cut) = conflicts(&graph);
            prop_assume!(!cut);
            let listed: BTreeSet<u32> = list
                .iter()
                .flat_map(|c| [c.statements.0.line, c.statements.1.line])
                .collect();
            let mut contested = Contested::new(&graph);
            let g = graph.petgraph();
            let marked: BTreeSet<u32> = g
                .edge_indices()
                .filter(|&e| contested.edge(e))
                .map(|e| g[e].origin.line)
                .collect();
            prop_assert_eq!(marked, listed, "{} declaration lines", header);
        }
    }
}
