//! Sources and their quotes: warnings that never block, anchors in every
//! answer and export that carries them, `show SOURCE`, `dossier sources`
//! and its coverage, and the exports of evidence (annotations, N-Triples).

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// A folder with a document and a relation file citing it.
fn dossier_folder(kg: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("sources/a.txt"),
        "The vote was 111 to 19.\nThe council met. The vote was 111 to 19.\nHe said \u{201c}no\u{201d}  twice.\n\nNobody quotes this sentence.\n",
    )
    .unwrap();
    let head = "Art: source \"An article\" {file: \"sources/a.txt\", url: \"https://example.org/a\"}\nwith {source: Art}\n";
    std::fs::write(dir.path().join("a.kg"), format!("{head}{kg}")).unwrap();
    dir
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// The code points `start..end` of the document.
fn at(dir: &Path, start: u64, end: u64) -> String {
    let text = std::fs::read_to_string(dir.join("sources/a.txt")).unwrap();
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn a_warning_never_blocks_and_deny_warnings_makes_it_an_error() {
    let dir = dossier_folder("A counted B {quote: \"The vote was 111 to 19.\"}\n");
    let out = dossier_in(dir.path(), &["check", "a.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ok: 3 entities, 1 relations, 0 facts; 1 quote verified, 1 warning\n"
    );
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "warning: this quote is in `sources/a.txt` twice: anchored at the first (1:1)"
        ),
        "{err}"
    );
    assert!(err.contains("the others are 2 at 2:18"), "{err}");
    let out = dossier_in(dir.path(), &["check", "--deny-warnings", "a.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: this quote is in"),
        "{}",
        stderr(&out)
    );
    // The shell loads it, says the warning, and answers.
    let out = dossier_in(dir.path(), &["a.kg", "-c", "count ?a counted ?b"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "1\n");
    assert!(stderr(&out).contains("warning:"));
}

#[test]
fn lenient_quotes_load_what_is_not_found_unanchored() {
    let dir = dossier_folder("A said B {quote: \"The vote was 112 to 19.\"}\n");
    let out = dossier_in(dir.path(), &["check", "a.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "the source says \u{201c}The vote was 111 to 19\u{201d} at sources/a.txt:1:1"
        ),
        "{}",
        stderr(&out)
    );
    let out = dossier_in(dir.path(), &["check", "--lenient-quotes", "a.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ok: 3 entities, 1 relations, 0 facts; 0 quotes verified, 1 not checked, 1 warning\n"
    );
    assert!(stderr(&out).starts_with("warning: this quote is not in"));
    // Unanchored, it is still cited: the evidence names the source alone.
    let out = dossier_in(
        dir.path(),
        &["--lenient-quotes", "a.kg", "--json", "-c", "why ?a said ?b"],
        None,
    );
    let evidence = &json(&out)["sources"][0][0]["evidence"];
    assert_eq!(evidence, &serde_json::json!({"source": "Art"}));
}

#[test]
fn evidence_in_json_is_the_anchor_in_code_points() {
    let dir = dossier_folder(
        "A said B {quote: \"said \\\"no\\\" twice\"}\nA recounted B {quote: \"The vote was 111 to 19.\", occurrence: 2}\n",
    );
    let out = dossier_in(
        dir.path(),
        &["a.kg", "--json", "-c", "why ?a said ?b"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let source = &json(&out)["sources"][0][0];
    assert_eq!(source["text"], "A said B");
    let e = &source["evidence"];
    let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "source", "file", "start", "end", "line", "column", "prefix", "suffix", "match"
        ]
    );
    assert_eq!(e["match"], "typography");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(3), Some(4))
    );
    let (start, end) = (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
    assert_eq!(at(dir.path(), start, end), "said \u{201c}no\u{201d}  twice");
    assert_eq!(
        at(dir.path(), start - 32, start),
        e["prefix"].as_str().unwrap()
    );
    // The second occurrence, as asked.
    let out = dossier_in(
        dir.path(),
        &["a.kg", "--json", "-c", "why ?a recounted ?b"],
        None,
    );
    let e = &json(&out)["sources"][0][0]["evidence"];
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(2), Some(18))
    );
    assert_eq!(e["match"], "exact");
}

#[test]
fn show_source_lists_what_cites_it_in_the_documents_order() {
    let dir = dossier_folder(
        "A second B {quote: \"He said\"}\nA first B {quote: \"The vote was 111\", occurrence: 1}\nA none B\nC: person \"C\" {quote: \"The council met.\"}\n",
    );
    let out = dossier_in(dir.path(), &["a.kg", "-c", "show Art"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let cited: Vec<&str> = text
        .split("cited by, in the document's order:\n")
        .nth(1)
        .unwrap()
        .lines()
        .collect();
    assert_eq!(
        cited,
        [
            "    a.kg:4  A first B  \u{201c}The vote was 111\u{201d}  (Art, sources/a.txt:1:1)",
            "    a.kg:6  C: person \"C\"  \u{201c}The council met.\u{201d}  (Art, sources/a.txt:2:1)",
            "    a.kg:3  A second B  \u{201c}He said\u{201d}  (Art, sources/a.txt:3:1)",
            "    a.kg:5  A none B  (Art)",
        ]
    );
    let out = dossier_in(dir.path(), &["a.kg", "--json", "-c", "show Art"], None);
    assert_eq!(json(&out)["cited_by"].as_array().unwrap().len(), 4);
    let out = dossier_in(dir.path(), &["a.kg", "--json", "-c", "show A"], None);
    assert!(json(&out).get("cited_by").is_none());
}

#[test]
fn sources_reports_coverage_and_the_uncited_sentences() {
    let dir = dossier_folder(
        "A counted B {quote: \"The vote was 111\", occurrence: 1}\nA said B {quote: \"said \\\"no\\\"\"}\nA none B\n",
    );
    let out = dossier_in(dir.path(), &["sources", "a.kg", "--json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let row = &json(&out)["sources"][0];
    assert_eq!(row["source"], "Art");
    assert_eq!(row["statements"], 3);
    assert_eq!(row["quotes"], 2);
    assert_eq!(row["verified"], 2);
    assert_eq!(
        (row["exact"].as_u64(), row["typography"].as_u64()),
        (Some(1), Some(1))
    );
    // Sentences: the vote, the council, the vote again, he said, nobody.
    assert_eq!(
        (row["sentences"].as_u64(), row["covered"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(row["coverage"], 0.4);
    let out = dossier_in(dir.path(), &["sources", "a.kg"], None);
    let table = stdout(&out);
    assert!(table.lines().nth(2).unwrap().contains("  40%  "), "{table}");
    assert!(table.ends_with("(1 source)\n"), "{table}");
    let out = dossier_in(dir.path(), &["sources", "a.kg", "--uncited", "--csv"], None);
    assert_eq!(
        stdout(&out),
        "source,line,sentence\nArt,2,The council met.\nArt,2,The vote was 111 to 19.\nArt,5,Nobody quotes this sentence.\n"
    );
    // The shell's .sources is the same report.
    let out = dossier_in(
        dir.path(),
        &["a.kg", "--csv", "-c", ".sources --uncited"],
        None,
    );
    assert!(stdout(&out).ends_with("Art,5,Nobody quotes this sentence.\n"));
}

#[test]
fn anchors_survive_json_snapshots_and_a_relation_file_written_elsewhere() {
    let dir = dossier_folder("A said B {quote: \"said \\\"no\\\" twice\"}\n");
    let p = dir.path();
    let why = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--json", "-c", "why ?a said ?b"]);
        let out = dossier_in(p, &all, None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        json(&out)["sources"][0][0]["evidence"].clone()
    };
    let original = why(&["a.kg"]);
    assert_eq!(original["match"], "typography");
    std::fs::create_dir(p.join("out")).unwrap();
    for (format, file) in [
        ("json", "out/g.json"),
        ("snapshot", "out/g.dsnap"),
        ("kg", "out/g.kg"),
    ] {
        let out = dossier_in(p, &["export", "a.kg", "--to", format, "-o", file], None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(why(&[file]), original, "{format}");
    }
    // The relation file names the document from where it was written.
    let kg = std::fs::read_to_string(p.join("out/g.kg")).unwrap();
    assert!(kg.contains("file: \"../sources/a.txt\""), "{kg}");
    // A snapshot loaded beside another file keeps its anchors too.
    std::fs::write(p.join("more.kg"), "X r Y\n").unwrap();
    assert_eq!(why(&["out/g.dsnap", "more.kg"]), original);
}

#[test]
fn annotations_are_web_annotations_with_both_selectors() {
    let dir = dossier_folder(
        "A said B {quote: \"said \\\"no\\\" twice\"}\nA cited B {source: Elsewhere, quote: \"not checked\"}\nElsewhere: source \"No file\"\n",
    );
    let out = dossier_in(dir.path(), &["export", "a.kg", "--to", "annotations"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let a = &lines[0];
    assert_eq!(a["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(a["type"], "Annotation");
    assert_eq!(a["body"]["value"], "A said B");
    assert_eq!(a["body"]["id"], "urn:dossier:statement/a.kg%3A3");
    assert_eq!(a["target"]["source"], "https://example.org/a");
    let selectors = a["target"]["selector"].as_array().unwrap();
    assert_eq!(selectors[0]["type"], "TextQuoteSelector");
    assert_eq!(selectors[0]["exact"], "said \u{201c}no\u{201d}  twice");
    assert_eq!(selectors[1]["type"], "TextPositionSelector");
    let (s, e) = (
        selectors[1]["start"].as_u64().unwrap(),
        selectors[1]["end"].as_u64().unwrap(),
    );
    assert_eq!(
        at(dir.path(), s, e),
        selectors[0]["exact"].as_str().unwrap()
    );
    // A source with no file: the quote selector alone.
    let b = &lines[1];
    assert_eq!(b["target"]["source"], "urn:dossier:entity/Elsewhere");
    assert_eq!(
        b["target"]["selector"],
        serde_json::json!([{"type": "TextQuoteSelector", "exact": "not checked"}])
    );
}

#[test]
fn hostile_quotes_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // A quote with 20,000 places: the first 10,000 are kept.
    std::fs::write(dir.path().join("doc.txt"), "ab ".repeat(20_000)).unwrap();
    let mut kg = String::from(
        "D: source \"D\" {file: \"doc.txt\"}\nwith {source: D}\nA r B {quote: \"ab\"}\nA s B {quote: \"ab ab\", occurrence: 15000}\n",
    );
    // Quotes not found: the closest passage for the first 20 only.
    for i in 0..25 {
        kg.push_str(&format!("A m{i} B {{quote: \"cd {i}\"}}\n"));
    }
    std::fs::write(dir.path().join("a.kg"), kg).unwrap();
    let out = dossier_in(dir.path(), &["check", "a.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("warning: this quote is in `doc.txt` more than 10000 times"),
        "{err}"
    );
    assert!(err.contains("error: there is no occurrence 15000"), "{err}");
    assert_eq!(err.matches("help: the source says").count(), 20, "{err}");
    assert_eq!(
        err.matches("shown for the first 20 quotes not found")
            .count(),
        5
    );
}
