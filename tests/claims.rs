//! Claims (issue 21, first part): `dossier claims` and `.claims` list the
//! claims that fewer than two distinct sources support.

mod common;
use common::*;

const GRAPH: &str = "\
A: source \"First\"
B: source \"Second\"
X courts Y {source: A}
X courts Y {source: B, date: 2014-11-18}
X courts Z {source: A}
X courts Z {source: A, quote: \"said twice by one source\"}
Y insular
Z denies X {source: B}
";

#[test]
fn claims_with_fewer_than_two_sources_are_listed_by_relation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.kg"), GRAPH).unwrap();
    let out = dossier_in(dir.path(), &["claims", "g.kg", "--csv"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // X courts Y has two sources; X courts Z two statements but one source.
    assert_eq!(
        stdout(&out),
        "relation,subject,object,sources,cited,statements,first\n\
         courts,X,Z,1,A,2,g.kg:5\n\
         denies,Z,X,1,B,1,g.kg:8\n\
         insular,Y,,0,,1,g.kg:7\n"
    );
    let out = dossier_in(dir.path(), &["claims", "g.kg", "--json"], None);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc["claims"][2],
        serde_json::json!({"relation": "insular", "subject": "Y", "object": null, "sources": 0,
                           "cited": [], "statements": [{"file": "g.kg", "line": 7}]})
    );
    assert_eq!(doc["claims"][0]["statements"].as_array().unwrap().len(), 2);
    let out = dossier_in(dir.path(), &["g.kg", "-c", ".claims"], None);
    assert!(stdout(&out).ends_with("(3 claims)\n"), "{}", stdout(&out));
}

#[test]
fn at_sources_binds_the_number_of_distinct_sources_of_the_claim() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.kg"), GRAPH).unwrap();
    let ask = |q: &str| {
        let out = dossier_in(dir.path(), &["g.kg", "--csv", "-t", "-c", q], None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(ask("?a courts ?b {@sources: ?n}"), "X,Y,2\nX,Z,1\n");
    assert_eq!(ask("?a courts ?b {@sources: ?n} where ?n >= 2"), "X,Y,2\n");
    assert_eq!(ask("?a courts ?b {@sources: 1}"), "X,Z\n");
    assert_eq!(ask("?s insular {@sources: ?n}"), "Y,0\n");
    // With the claim's own attributes: the statement that has the date.
    assert_eq!(
        ask("X courts ?b {date: ?d, @sources: ?n}"),
        "Y,2014-11-18,2\n"
    );
    let out = dossier_in(
        dir.path(),
        &["g.kg", "-c", "?a courts ?b {@source: ?n}"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`@source` is not one of Dossier's keys"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn why_gives_every_piece_of_a_claims_evidence_by_source() {
    let dir = tempfile::tempdir().unwrap();
    // B's statement first in the file, A's second, one citing nothing.
    std::fs::write(
        dir.path().join("g.kg"),
        "A: source \"First\"\nB: source \"Second\"\nX courts Y {source: B}\nX courts Y\nX courts Y {source: A}\n",
    )
    .unwrap();
    let expected = "    <- g.kg:5  X courts Y  (A)\n    <- g.kg:3  X courts Y  (B)\n    <- g.kg:4  X courts Y\n";
    let out = dossier_in(dir.path(), &["g.kg", "-c", "why ?a courts ?b"], None);
    assert_eq!(stdout(&out), format!("a  b\nX  Y\n{expected}(1 row)\n"));
    // A hop of a path is its claim: all three statements, not the one
    // edge the search went along.
    let out = dossier_in(dir.path(), &["g.kg", "-c", "why path X Y"], None);
    assert_eq!(
        stdout(&out),
        format!("X -[courts]-> Y\n  X -[courts]-> Y\n{expected}")
    );
}

#[test]
fn show_keeps_a_claims_statements_together_by_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("g.kg"),
        "A: source \"First\"\nB: source \"Second\"\nX courts Y {source: B}\nX meets Z\nX courts Y {source: A}\nX courts Y\n",
    )
    .unwrap();
    let out = dossier_in(dir.path(), &["g.kg", "-c", "show X"], None);
    assert!(
        stdout(&out).ends_with(
            "  statements:\n    g.kg:5  X courts Y  (A)\n    g.kg:3  X courts Y  (B)\n    g.kg:6  X courts Y\n    g.kg:4  X meets Z\n"
        ),
        "{}",
        stdout(&out)
    );
}
