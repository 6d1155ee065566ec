//! `dossier translate`'s contracts on the command line: what each engine
//! refuses and how, errors in the query, the schema, determinism. (That the
//! translations answer as Dossier does is `tests/tools/test_translate.py`,
//! which runs them in the engines.)

mod common;
use common::*;

fn translate(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["translate"];
    all.extend_from_slice(args);
    let out = dossier(&all);
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

#[test]
fn every_engine_translates_a_pattern_with_its_columns() {
    for (engine, column) in [
        ("duckdb", "AS \"s\""),
        ("spark", "AS `s`"),
        ("cypher", "AS `s`"),
        ("sparql", "SELECT DISTINCT ?s ?v"),
    ] {
        let (code, out, err) = translate(&[
            "--to",
            engine,
            "?s permanent_member_of Security_Council {veto: ?v}",
        ]);
        assert_eq!(code, 0, "{engine}: {err}");
        assert!(out.contains(column), "{engine}: {out}");
        assert!(out.contains("permanent_member_of"), "{engine}: {out}");
        // The same query, the same bytes.
        let (_, again, _) = translate(&[
            "--to",
            engine,
            "?s permanent_member_of Security_Council {veto: ?v}",
        ]);
        assert_eq!(out, again);
    }
}

#[test]
fn what_sparql_cannot_express_is_an_error_naming_it() {
    let (code, out, err) = translate(&["--to", "sparql", "path China -> ICC"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("SPARQL cannot express a shortest path"),
        "{err}"
    );
    assert!(err.contains("ASK {"), "{err}");
    for query in [
        "paths China ICC max 2",
        "neighbours China depth 2",
        "?x part_of+ ?y as of 2014-11-18",
    ] {
        let (code, _, err) = translate(&["--to", "sparql", query]);
        assert_eq!(code, 1, "{query}");
        assert!(err.contains("SPARQL cannot express"), "{query}: {err}");
        assert!(err.contains("help:"), "{query}: {err}");
    }
}

#[test]
fn what_no_engine_translates_is_an_error_at_its_place() {
    for engine in ["duckdb", "spark", "cypher", "sparql"] {
        let (code, _, err) = translate(&["--to", engine, "show China"]);
        assert_eq!(code, 1);
        assert!(err.contains("`show` is not translated"), "{err}");
        assert!(err.contains("<query>:1:6"), "{err}");
        let (code, _, err) = translate(&["--to", engine, "why path China ICC"]);
        assert_eq!(code, 1);
        assert!(err.contains("cannot express `why`"), "{err}");
    }
    let (code, _, err) = translate(&["--to", "cypher", "?x (part_of/asks)+ ?y"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Cypher cannot express this path expression"),
        "{err}"
    );
    assert!(err.contains("<query>:1:5"), "{err}");
    assert!(err.contains("^^^^^^^^^^^^ this path expression"), "{err}");
    assert!(
        err.contains("Cypher repeats one relationship pattern"),
        "{err}"
    );
}

#[test]
fn an_unknown_name_is_the_queries_own_error() {
    let (code, _, err) = translate(&["--to", "duckdb", "neighbours Kim_Jong-Un"]);
    assert_eq!(code, 1);
    assert!(err.contains("no entity is named `Kim_Jong-Un`"), "{err}");
    assert!(err.contains("<query>:1:12"), "{err}");
    assert!(err.contains("did you mean `Kim_Jong-un`?"), "{err}");
    let (code, _, err) = translate(&["--to", "spark"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn declarations_are_compiled_into_the_query() {
    let file = "tests/cases/semantics/graph.kg";
    let (code, out, err) = translate(&[file, "--to", "duckdb", "?x borders China"]);
    assert_eq!(code, 0, "{err}");
    // The symmetric relation steps backwards too, in the automaton.
    assert!(out.contains("'borders', FALSE"), "{out}");
    let (_, out, _) = translate(&[file, "--to", "sparql", "?b part_of UN"]);
    assert!(out.contains("part_of>+"), "{out}");
    let (_, out, _) = translate(&[file, "--to", "spark", "neighbours UN out"]);
    assert!(out.contains("WHEN 'member_of' THEN 'has_member'"), "{out}");
}

#[test]
fn the_schema_loads_the_parquet_tables() {
    let (code, out, _) = translate(&["--to", "cypher", "--schema"]);
    assert_eq!(code, 0);
    for table in ["entities", "statements", "facts", "attributes"] {
        assert!(out.contains(&format!("'DIR/{table}.parquet'")), "{out}");
    }
    assert!(out.contains("CREATE REL TABLE Statement(FROM Entity TO Entity"));
    let (_, out, _) = translate(&["--to", "duckdb", "--schema"]);
    assert!(out.contains("CREATE VIEW statements AS FROM 'DIR/statements.parquet';"));
}

#[test]
fn the_parquet_export_writes_its_tables_and_needs_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("tables");
    let out = dossier(&["export", "--to", "parquet", "-o", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "attributes.parquet",
            "declarations.parquet",
            "entities.parquet",
            "evidence.parquet",
            "facts.parquet",
            "statements.parquet"
        ]
    );
    for name in &names {
        let bytes = std::fs::read(folder.join(name)).unwrap();
        assert!(
            bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
            "{name}"
        );
    }
    let out = dossier(&["export", "--to", "parquet"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("give a folder with -o DIR"));
}
