//! Exports and imports that need nothing outside Rust: JSON round trips,
//! TSV imports, query subgraphs, atomic writes and their failures. The
//! checks with Graphviz, networkx, rdflib, pyoxigraph and Kuzu are in
//! tests/tools/, run by tests/run.sh.

mod common;
use common::*;
use dossier::build::{Input, Options};
use dossier::export::json::json;
use dossier::graph::Graph;
use proptest::prelude::*;

fn text(name: &str, text: &str) -> Input {
    Input::Text {
        name: name.into(),
        text: text.into(),
    }
}

/// Exports `graph` to JSON, loads that, and exports again.
fn round_trip(graph: &Graph) -> (String, String) {
    let first = json(graph);
    let back = Graph::from_inputs(&[text("graph.json", &first)], Options::default())
        .unwrap_or_else(|e| panic!("{}\n{first}", e.render(false)));
    (first, json(&back))
}

#[test]
fn json_round_trips_the_bundled_graph() {
    let graph = Graph::from_inputs(&dossier::cli::inputs(&[]), Options::default()).unwrap();
    let (first, second) = round_trip(&graph);
    assert_eq!(first, second);
    assert!(first.contains("\"date\": \"2014-11-18\""));
}

/// Relation files with every kind of value, facts, quoted and undeclared
/// names, and repeated subjects.
fn relation_file() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("A"),
        Just("B"),
        Just("\"C d\""),
        Just("\"e\\\"f\""),
        Just("G")
    ];
    let value = prop_oneof![
        Just("1"),
        Just("-2"),
        Just("2.5"),
        Just("7.0"),
        Just("\"s\""),
        Just("\"x\\ny\""),
        Just("2014-11-18"),
        Just("true"),
        Just("Pyongyang"),
    ];
    let attrs = prop::collection::vec(
        (prop_oneof![Just("k"), Just("m"), Just("quote")], value),
        0..3,
    )
    .prop_map(|kv| {
        let mut seen = std::collections::BTreeMap::new();
        for (k, v) in kv {
            seen.insert(k, v);
        }
        if seen.is_empty() {
            String::new()
        } else {
            format!(
                " {{{}}}",
                seen.iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    });
    let line = prop_oneof![
        (
            name.clone(),
            prop_oneof![Just("state"), Just("body"), Just("document")]
        )
            .prop_map(|(n, k)| format!("{n}: {k}")),
        (
            name.clone(),
            prop_oneof![Just("r"), Just("s")],
            name.clone(),
            attrs.clone()
        )
            .prop_map(|(a, r, b, at)| format!("{a} {r} {b}{at}")),
        (name, prop_oneof![Just("f"), Just("g")], attrs)
            .prop_map(|(a, f, at)| format!("{a} {f}{at}")),
    ];
    prop::collection::vec(line, 0..15).prop_map(|l| l.join("\n"))
}

/// Hostile relation files: names with every character class the exports
/// must carry, labels, declarations (symmetric, transitive, inverse, with
/// kinds), relations that need backticks, and every value type.
fn hostile_file() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("A"),
        Just("\"tab\\there\""),
        Just("\"cr\\u{d}x\""),
        Just("\"nl\\nx\""),
        Just("\"<&>'\\\"\\\\\""),
        Just("한국"),
        Just("\"e\u{301}\""),
        Just("\"relation\""),
        Just("\"include\""),
        Just("\"true\""),
        Just("\"legend: state\""),
        Just("\"=1+1\""),
        Just("\"😀 \\u{7}\""),
    ];
    let relation = prop_oneof![
        Just("r"),
        Just("`has part`"),
        Just("`a``b`"),
        Just("borders"),
        Just("part_of"),
        Just("member_of"),
        Just("has_member"),
    ];
    let value = prop_oneof![
        Just("9223372036854775807"),
        Just("-0.5"),
        Just("0.0000001"),
        Just("1000000000000000000000.0"),
        Just("\"\\u{7}\\t\\\\\""),
        Just("2014-11-18"),
        Just("false"),
        Just("Pyongyang"),
    ];
    let attrs = prop::collection::btree_map(
        prop_oneof![
            Just("name"),
            Just("label"),
            Just("facts"),
            Just("id"),
            Just("quote")
        ],
        value,
        0..3,
    )
    .prop_map(|kv| {
        if kv.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = kv.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!(" {{{}}}", list.join(", "))
        }
    });
    let declaration = prop_oneof![
        Just("relation borders: state <-> state"),
        Just("relation part_of: any -> any transitive"),
        Just("relation has_member inverse member_of"),
        Just("relation `has part`: state | body -> any"),
    ];
    let label = prop_oneof![Just(""), Just(" \"a \\\"label\\\"\""), Just(" \"\\n\"")];
    let line = prop_oneof![
        declaration.prop_map(str::to_string),
        (
            name.clone(),
            prop_oneof![Just("state"), Just("body")],
            label,
            attrs.clone()
        )
            .prop_map(|(n, k, l, a)| format!("{n}: {k}{l}{a}")),
        (name.clone(), relation.clone(), name.clone(), attrs.clone())
            .prop_map(|(a, r, b, at)| format!("{a} {r} {b}{at}")),
        (name, relation, attrs).prop_map(|(a, f, at)| format!("{a} {f}{at}")),
    ];
    prop::collection::vec(line, 0..15).prop_map(|l| l.join("\n"))
}

/// A JSON export without the sources (files, lines), which a relation
/// file written by `--to kg` cannot keep.
fn without_sources(json: &str) -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc.as_object_mut().unwrap().remove("files");
    for list in ["entities", "relations", "facts", "declarations"] {
        for record in doc[list].as_array_mut().unwrap() {
            record.as_object_mut().unwrap().remove("source");
        }
    }
    // A source's `file` is written to name the same document from where
    // the new file is; the anchors (compared) say it is the same one.
    for e in doc["entities"].as_array_mut().unwrap() {
        if e["kind"] == "source" {
            e["attributes"].as_object_mut().unwrap().remove("file");
        }
    }
    doc
}

/// Writes `graph` with `--to kg`, loads that, and compares the two.
fn kg_round_trip(graph: &Graph) -> Result<(), TestCaseError> {
    let kg = dossier::export::kg::kg(graph);
    let back = Graph::from_inputs(&[text("graph.kg", &kg)], Options::default())
        .unwrap_or_else(|e| panic!("{}\n{kg}", e.render(false)));
    prop_assert_eq!(
        without_sources(&json(graph)),
        without_sources(&json(&back)),
        "{}",
        kg
    );
    // Written again, it is the same file: the form is canonical.
    prop_assert_eq!(&kg, &dossier::export::kg::kg(&back));
    Ok(())
}

#[test]
fn kg_round_trips_the_bundled_and_world_graphs() {
    for files in [vec![], vec![std::path::PathBuf::from("data/world.kg")]] {
        let graph = Graph::from_inputs(&dossier::cli::inputs(&files), Options::default()).unwrap();
        kg_round_trip(&graph).unwrap();
    }
}

#[test]
fn kg_writes_a_tsv_import_as_an_editable_relation_file() {
    let tsv = "A\thas part\tB\nB\t/film/x`y\tC\n\"q\"\tr\tA\n";
    let graph = Graph::from_inputs(&[text("t.tsv", tsv)], Options::default()).unwrap();
    let kg = dossier::export::kg::kg(&graph);
    assert!(kg.contains("\nA `has part` B\n"), "{kg}");
    assert!(kg.contains("\nB `/film/x``y` C\n"), "{kg}");
    assert!(kg.contains("\n\"\\\"q\\\"\" r A\n"), "{kg}");
    kg_round_trip(&graph).unwrap();
}

#[test]
fn json_with_names_a_relation_file_cannot_write_is_refused() {
    let doc = |kind: &str, key: &str, relation: &str, value: &str| {
        format!(
            r#"{{"format": "dossier", "version": 1, "files": ["x"],
              "entities": [{{"name": "A", "kind": {kind}, "label": null, "declared": true, "attributes": {{{key}: {value}}}, "source": {{"file": "x", "line": 1}}}}],
              "relations": [{{"subject": "A", "relation": {relation}, "object": "A", "attributes": {{}}, "source": {{"file": "x", "line": 2}}}}],
              "facts": [], "declarations": []}}"#
        )
    };
    let load = |text_: String| {
        Graph::from_inputs(&[text("g.json", &text_)], Options::default())
            .err()
            .map(|e| e.render(false))
    };
    assert_eq!(load(doc("\"state\"", "\"k\"", "\"has part\"", "1")), None);
    let cases = [
        (
            doc("\"state;Admin\"", "\"k\"", "\"r\"", "1"),
            "the kind `state;Admin` is not an identifier",
        ),
        (
            doc("\"state\"", "\"a b\"", "\"r\"", "1"),
            "the attribute key `a b` is not an identifier",
        ),
        (
            doc("\"state\"", "\"k\"", "\"a\\tb\"", "1"),
            "a relation name holds a control character",
        ),
        (
            doc("\"state\"", "\"k\"", "\"\"", "1"),
            "a relation name is empty",
        ),
        (
            doc("\"state\"", "\"k\"", "\"r\"", "{\"name\": \"a b\"}"),
            "the name value `a b` of `k` is not an identifier",
        ),
    ];
    for (json, message) in cases {
        let error = load(json).expect("refused");
        assert!(error.contains(message), "{error}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn hostile_graphs_round_trip_through_json_and_kg(file in hostile_file()) {
        // Some random files conflict (a name declared with two kinds, a
        // statement its relation's declaration refuses): skip those.
        if let Ok(graph) = Graph::from_inputs(&[text("r.kg", &file)], Options::default()) {
            let (first, second) = round_trip(&graph);
            prop_assert_eq!(&first, &second);
            kg_round_trip(&graph)?;
            let snapshot = dossier::snapshot::read(&dossier::snapshot::write(&graph))
                .unwrap_or_else(|e| panic!("{e}\n{file}"));
            prop_assert_eq!(first, json(&snapshot));
        }
    }

    #[test]
    fn json_export_then_load_gives_the_same_graph(file in relation_file()) {
        // Some random files conflict (a name declared with two kinds): skip those.
        if let Ok(graph) = Graph::from_inputs(&[text("r.kg", &file)], Options::default()) {
            let (first, second) = round_trip(&graph);
            prop_assert_eq!(first, second);
        }
    }
}

#[test]
fn tsv_triples_load_and_bad_lines_are_pointed_at() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kg.tsv"), "/m/01\t/people/person/nationality\t/m/02\nAlice Smith\tknows\tBob\n\nBob\tknows\tAlice Smith\r\n").unwrap();
    let out = dossier_in(dir.path(), &["check", "kg.tsv"], None);
    assert_eq!(
        stdout(&out),
        "ok: 4 entities, 3 relations, 0 facts\n",
        "{}",
        stderr(&out)
    );
    let out = dossier_in(
        dir.path(),
        &["kg.tsv", "--json", "-c", "path \"Alice Smith\" -> Bob"],
        None,
    );
    assert!(stdout(&out).contains("\"relation\":\"knows\""));

    std::fs::write(dir.path().join("bad.tsv"), "a\tr\tb\na\tr\nc\t\td\n").unwrap();
    let out = dossier_in(dir.path(), &["check", "bad.tsv"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("bad.tsv:2:1") && err.contains("this one has 2"),
        "{err}"
    );
    assert!(
        err.contains("bad.tsv:3:1") && err.contains("a TSV field is empty"),
        "{err}"
    );
}

/// TSV lines are split a chunk at a time (their names prefetched before
/// the statements are built): every line, blank and bad ones among them,
/// keeps its own number, past the first chunk too.
#[test]
fn tsv_lines_keep_their_numbers_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!("N{i}\tnext\tN{}\n", i + 1));
        if i % 7 == 0 {
            text.push('\n');
        }
    }
    std::fs::write(dir.path().join("chain.tsv"), &text).unwrap();
    let line = |n: usize| {
        let out = dossier_in(
            dir.path(),
            &[
                "chain.tsv",
                "--json",
                "-c",
                &format!("why path N{n} -> N{}", n + 1),
            ],
            None,
        );
        let answer: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        answer["path"][0]["sources"][0]["line"].as_u64().unwrap()
    };
    // N{i} is on line i + 1 + the blank lines before it (after 0, 7, 14...).
    for n in [0, 6, 7, 15, 30, 39] {
        assert_eq!(line(n), (n + 1 + n.div_ceil(7)) as u64, "N{n}");
    }
    text.push_str("N40\tnext\n");
    std::fs::write(dir.path().join("chain.tsv"), &text).unwrap();
    let out = dossier_in(dir.path(), &["check", "chain.tsv"], None);
    assert!(stderr(&out).contains("chain.tsv:47:1"), "{}", stderr(&out));
}

#[test]
fn a_broken_json_file_is_pointed_at() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("g.json"),
        "{\"format\": \"dossier\",\n  \"version\": 1,\n  \"entities\": [}\n",
    )
    .unwrap();
    let out = dossier_in(dir.path(), &["check", "g.json"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("g.json:3:16"), "{}", stderr(&out));
    std::fs::write(dir.path().join("other.json"), "{\"nodes\": []}").unwrap();
    let out = dossier_in(dir.path(), &["check", "other.json"], None);
    assert!(
        stderr(&out).contains("is not a Dossier graph"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_query_exports_only_what_it_touches() {
    let out = dossier(&["export", "--to", "json", "-q", "path China -> ICC"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let names: Vec<&str> = doc["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["China", "ICC", "Resolution"]);
    // Each keeps its own label, as in the whole graph's export.
    let whole = stdout(&dossier(&["export", "--to", "json"]));
    let whole: serde_json::Value = serde_json::from_str(&whole).unwrap();
    for e in doc["entities"].as_array().unwrap() {
        let same = whole["entities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == e["name"])
            .unwrap();
        assert!(e["label"].is_string(), "{e}");
        assert_eq!(e["label"], same["label"]);
    }
    assert_eq!(doc["relations"].as_array().unwrap().len(), 2);
    // The facts of China, the resolution and the court come along.
    assert_eq!(doc["facts"].as_array().unwrap().len(), 3);

    let out = dossier(&["export", "--to", "json", "-q", "?s permanent_member_of ?b"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["relations"].as_array().unwrap().len(), 1);
    assert_eq!(doc["entities"].as_array().unwrap().len(), 2);

    let bad = dossier(&["export", "--to", "json", "-q", "neighbours Nowhere"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("no entity is named `Nowhere`")
            && stderr(&bad).contains("nothing was exported")
    );
}

/// A query's subgraph keeps the attribute sets of what it holds, and only
/// those: a small answer from a graph of many sets stays small.
#[test]
fn a_subgraph_keeps_only_its_own_attribute_sets() {
    let mut kg = String::from("E0: state {capital: \"X\"}\nE1 abstains {votes: 7}\n");
    for i in 0..300 {
        kg += &format!("E{i} r E{} {{n: {i}}}\n", i + 1);
    }
    let graph = Graph::from_inputs(&[text("g.kg", &kg)], Options::default()).unwrap();
    // The empty set, the capital, the votes and one a statement.
    assert_eq!(graph.attr_set_count(), 303);
    let (e0, e1) = (graph.find("E0").unwrap(), graph.find("E1").unwrap());
    let edge = graph.petgraph().find_edge(e0, e1).unwrap();
    let sub = graph.subgraph(&[e0, e1].into(), &[edge].into());
    assert_eq!(sub.attr_set_count(), 4);
    let doc: serde_json::Value = serde_json::from_str(&json(&sub)).unwrap();
    assert_eq!(
        doc["entities"][0]["attributes"],
        serde_json::json!({"capital": "X"})
    );
    assert_eq!(doc["entities"][1]["attributes"], serde_json::json!({}));
    assert_eq!(
        doc["relations"][0]["attributes"],
        serde_json::json!({"n": 0})
    );
    assert_eq!(
        doc["facts"][0]["attributes"],
        serde_json::json!({"votes": 7})
    );
}

#[test]
fn exports_are_stable() {
    for format in ["dot", "json", "graphml", "ntriples", "cypher", "kuzu"] {
        let a = stdout(&dossier(&["export", "--to", format]));
        let b = stdout(&dossier(&["export", "--to", format]));
        assert!(!a.is_empty(), "{format}");
        assert_eq!(a, b, "{format}");
    }
}

#[test]
fn a_read_only_folder_gives_a_clear_error_and_keeps_the_old_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("g.dot");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = dossier(&["export", "--to", "dot", "-o", target.to_str().unwrap()]);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // As root a read-only folder is still writable: then the write works.
    if out.status.success() {
        assert!(
            std::fs::read_to_string(&target)
                .unwrap()
                .starts_with("digraph")
        );
    } else {
        assert!(
            stderr(&out).contains(&format!("cannot write `{}`", target.display())),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left behind"
    );
}

#[test]
fn a_missing_folder_or_a_folder_as_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dossier(&[
        "export",
        "--to",
        "dot",
        "-o",
        dir.path().join("no/such/g.dot").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    let out = dossier(&["export", "--to", "dot", "-o", dir.path().to_str().unwrap()]);
    assert!(stderr(&out).contains("it is a folder"), "{}", stderr(&out));
    let out = dossier(&["export", "--to", "csv"]);
    assert!(
        stderr(&out).contains("give a folder with -o DIR"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn csv_writes_its_files_and_a_kuzu_script_that_loads_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dossier(&[
        "export",
        "--to",
        "csv",
        "-o",
        dir.path().join("csv").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |f: &str| std::fs::read_to_string(dir.path().join("csv").join(f)).unwrap();
    let nodes = read("nodes.csv");
    assert!(
        nodes.starts_with(
            "name:ID(Entity),kind,label,declared:boolean,file,line:long,attributes,abbreviation:string,by:string,count:long,"
        ),
        "{nodes}"
    );
    assert!(nodes.lines().next().unwrap().ends_with(",:LABEL"));
    assert_eq!(nodes.lines().count(), 1 + 24);
    assert!(
        read("edges.csv")
            .starts_with(":START_ID(Entity),:END_ID(Entity),:TYPE,file,line:long,attributes,")
    );
    assert_eq!(read("facts.csv").lines().count(), 1 + 6);
    assert_eq!(read("has_fact.csv").lines().count(), 1 + 6);
    let kuzu = read("kuzu.cypher");
    assert!(kuzu.contains("COPY Relation FROM 'edges.csv' (HEADER=true, PARALLEL=false);"));
}

#[test]
fn drawing_without_graphviz_says_how_to_install_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["export", "--to", "svg", "-o", "g.svg"])
        .current_dir(dir.path())
        .env("PATH", dir.path());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Graphviz's `dot`, which is not installed")
            && err.contains("apt-get install graphviz"),
        "{err}"
    );
    assert!(!dir.path().join("g.svg").exists());
}

#[test]
fn a_snapshot_loads_back_the_same_graph() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("k.dsnap");
    let semantics = root().join("tests/cases/semantics/graph.kg");
    let semantics = semantics.to_str().unwrap();
    for files in [vec![], vec![semantics]] {
        let mut args = vec!["export"];
        args.extend(files.iter().copied());
        args.extend(["--to", "snapshot", "-o", snap.to_str().unwrap()]);
        assert!(dossier(&args).status.success());
        let mut json_args = vec!["export"];
        json_args.extend(files.iter().copied());
        json_args.extend(["--to", "json"]);
        let direct = stdout(&dossier(&json_args));
        let through = stdout(&dossier(&[
            "export",
            snap.to_str().unwrap(),
            "--to",
            "json",
        ]));
        assert_eq!(direct, through);
    }
    // Into a graph that holds something, it goes through the checks.
    let out = dossier(&[
        snap.to_str().unwrap(),
        "tests/cases/patterns/graph.kg",
        "-c",
        "count ?x: state",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A snapshot's attribute sets are indexed only when a later load needs
/// them: a statement it holds, stated again with the same attributes in a
/// file loaded after it, is still the same statement.
#[test]
fn a_statement_restated_after_a_snapshot_is_one_statement() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("k.dsnap");
    let again = dir.path().join("again.kg");
    std::fs::write(
        &again,
        "China permanent_member_of Security_Council {quote: \"a veto-wielding permanent member\", source: Article, veto: true}\n\
         China permanent_member_of Security_Council {veto: false}\n",
    )
    .unwrap();
    let out = dossier(&["export", "--to", "snapshot", "-o", snap.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let relations = |files: &[&std::path::Path]| {
        let mut args = vec!["check"];
        args.extend(files.iter().map(|f| f.to_str().unwrap()));
        let out = dossier(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        let n = text
            .split(" relations")
            .next()
            .unwrap()
            .rsplit(' ')
            .next()
            .unwrap();
        n.parse::<usize>().unwrap()
    };
    // The first line restates the bundled statement; the second is new.
    assert_eq!(relations(&[&snap, &again]), relations(&[&snap]) + 1);
}

#[test]
fn a_damaged_or_stale_snapshot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("k.dsnap");
    assert!(
        dossier(&["export", "--to", "snapshot", "-o", snap.to_str().unwrap()])
            .status
            .success()
    );
    let good = std::fs::read(&snap).unwrap();
    let check = |bytes: &[u8], message: &str| {
        std::fs::write(&snap, bytes).unwrap();
        let out = dossier(&["check", snap.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    };
    let mut flipped = good.clone();
    let last = flipped.len() - 10;
    flipped[last] ^= 0x55;
    check(&flipped, "its checksum does not match");
    let mut stale = good.clone();
    stale[16] = 9;
    check(&stale, "format version 9");
    check(&good[..good.len() / 2], "checksum does not match");
    check(b"not a snapshot at all", "not a Dossier snapshot");
    let mut forged = good.clone();
    // A wrong count with a checksum to match: the reader still refuses it.
    let payload_at = 44;
    forged[payload_at..payload_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let sum = dossier::snapshot::checksum(&forged[payload_at..]);
    forged[28..44].copy_from_slice(&sum.to_le_bytes());
    check(&forged, "the snapshot is damaged");
    let out = dossier(&["export", "--to", "snapshot"]);
    assert!(stderr(&out).contains("give it with -o FILE.dsnap"));
}

/// A disk that fills up mid-write, as a file-size limit makes it (root or
/// not): the export fails with a clear error, the old file is untouched
/// and no temporary file is left.
#[test]
fn a_write_that_fails_midway_keeps_the_old_file() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("g.json");
    std::fs::write(&target, "old").unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["export", "--to", "json", "-o", target.to_str().unwrap()]);
    // SAFETY: between fork and exec, only async-signal-safe calls: signal
    // and setrlimit.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 1000,
                rlim_max: 1000,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot write `{}`", target.display())) && err.contains("too large"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left behind"
    );
}
