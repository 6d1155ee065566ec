//! Running queries from the command line: -c, -f, stdin, formats, exit
//! statuses.

mod common;
use common::*;

#[test]
fn commands_run_in_order() {
    let out = dossier(&[
        "--json",
        "-c",
        "count ?x: state",
        "-c",
        "count ?x: person",
        "-c",
        "count ?x: body",
    ]);
    assert_eq!(
        stdout(&out),
        "{\"count\":4}\n{\"count\":4}\n{\"count\":6}\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn queries_from_standard_input() {
    let script = "# a comment\ncount ?x: state\n\n   \npath China -> ICC\r\n";
    let out = dossier_in(&root(), &["--json"], Some(script));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    assert_eq!(lines[0], "{\"count\":4}");
    assert!(lines[1].starts_with("{\"path\":[{\"from\":\"China\""));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_comment_ends_a_query_but_not_a_quoted_name() {
    let plain = dossier(&["--json", "-c", "neighbours China"]);
    let noted = dossier(&["--json", "-c", "neighbours China # who China touches"]);
    assert!(
        stdout(&plain).starts_with("{\"neighbours\":[{"),
        "{}",
        stdout(&plain)
    );
    assert_eq!(stdout(&noted), stdout(&plain));
    let quoted = dossier(&["--json", "-c", "neighbours \"China # x\""]);
    assert!(
        stderr(&quoted).contains("no entity is named `China # x`"),
        "{}",
        stderr(&quoted)
    );
}

#[test]
fn a_failed_query_keeps_answers_aligned_and_exits_1() {
    let out = dossier_in(
        &root(),
        &["--json"],
        Some("count ?x: state\nneighbours Nowhere\ncount ?x: person\n"),
    );
    assert_eq!(
        stdout(&out),
        "{\"count\":4}\n{\"error\":\"no entity is named `Nowhere`\"}\n{\"count\":4}\n"
    );
    assert!(stderr(&out).contains("<stdin>:2:12"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bail_stops_at_the_first_failure() {
    let out = dossier(&[
        "--bail",
        "-c",
        "count ?x: state",
        "-c",
        "neighbours Nowhere",
        "-c",
        "count ?x: person",
    ]);
    assert_eq!(stdout(&out), "4\n");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn scripts_point_at_their_own_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("q.dq"),
        "count ?x: state\n\n# next\nneighbours Chna\n",
    )
    .unwrap();
    let out = dossier_in(dir.path(), &["-f", "q.dq"], None);
    assert_eq!(stdout(&out), "4\n");
    assert!(stderr(&out).contains("q.dq:4:12"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn format_flags() {
    let csv = dossier(&["--format", "csv", "-c", "count ?x: state"]);
    assert_eq!(stdout(&csv), "count\n4\n");
    assert_eq!(
        stdout(&dossier(&["--csv", "-c", "count ?x: state"])),
        "count\n4\n"
    );
    let bad = dossier(&["--format", "xml", "-c", "count ?x: state"]);
    assert_eq!(bad.status.code(), Some(2));
    let both = dossier(&["--json", "--csv", "-c", "count ?x: state"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn files_load_into_one_graph_for_queries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.kg"), "A r B\n").unwrap();
    std::fs::write(dir.path().join("b.kg"), "B r C\n").unwrap();
    let out = dossier_in(dir.path(), &["a.kg", "b.kg", "-c", "path A -> C"], None);
    assert_eq!(stdout(&out), "A -[r]-> B -[r]-> C\n");
    let bad = dossier_in(
        dir.path(),
        &["a.kg", "missing.kg", "-c", "path A -> B"],
        None,
    );
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(stdout(&bad), "");
    assert!(stderr(&bad).contains("cannot read `missing.kg`"));
}

#[test]
fn answers_are_the_same_bytes_every_run() {
    let args = [
        "--json",
        "-c",
        "?x ?r ?y",
        "-c",
        "neighbours North_Korea depth 3",
        "-c",
        "paths China ICC max 3",
    ];
    let first = stdout(&dossier(&args));
    for _ in 0..3 {
        assert_eq!(stdout(&dossier(&args)), first);
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Many queries; read one line and hang up.
    let script = "?x ?r ?y\n".repeat(2000);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(script.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let _ = writer.join();
    let out = child.wait_with_output().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(out.status.code(), Some(101));
}

#[test]
fn table_columns_line_up_by_display_width() {
    // A CJK name and an emoji take two columns each, a combining mark none.
    let dir = tempfile::tempdir().unwrap();
    let kg = dir.path().join("w.kg");
    std::fs::write(
        &kg,
        "\"한국\" r Ash\n\"e\\u{301}tat\" r Ash\n\"😀 x\" r Ash\n\"q\\u{307}\" r Ash\nAbcdefgh r Ash\n",
    )
    .unwrap();
    let out = dossier(&[kg.to_str().unwrap(), "-c", "neighbours Ash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('(')).collect();
    assert_eq!(lines.len(), 2 + 5, "{text}");
    // Where the second column starts, in terminal columns, on every line.
    let starts: Vec<usize> = lines
        .iter()
        .map(|l| {
            let at = l
                .find(" r ")
                .or_else(|| l.find(" relation"))
                .or_else(|| l.find(" -"))
                .unwrap();
            unicode_width::UnicodeWidthStr::width(&l[..at])
        })
        .collect();
    assert!(starts.iter().all(|s| *s == starts[0]), "{text}\n{starts:?}");
}

#[test]
fn with_lines_give_their_attributes_to_the_items_after_them_in_their_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.kg"),
        "Article: source \"An article\"\nOther: source\nwith {source: Article, checked: true}\nA: state\nA r B {quote: \"x\"}\nC r D {source: Other}\nC flagged\ninclude \"inc.kg\"\nE r F\nwith {}\nG r H\nwith r I\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("inc.kg"),
        "X r Y\nwith {checked: false}\nZ r Y\n",
    )
    .unwrap();
    let out = dossier_in(
        dir.path(),
        &[
            "main.kg",
            "--format",
            "jsonl",
            "-c",
            "?s ?r ?o {checked: ?c}",
            "-c",
            "?s ?r ?o {source: ?src}",
            "-c",
            "show A",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let pick = |key: &str| -> Vec<(String, serde_json::Value)> {
        lines
            .iter()
            .filter(|l| l.get(key).is_some() && l.get("r").is_some())
            .map(|l| (l["s"].as_str().unwrap().to_string(), l[key].clone()))
            .collect()
    };
    // The include's own `with` reached its later line only; `with {}`
    // ended the main file's; `with r I` is a statement about `with`.
    assert_eq!(
        pick("c"),
        vec![
            ("A".into(), serde_json::json!(true)),
            ("C".into(), serde_json::json!(true)),
            ("E".into(), serde_json::json!(true)),
            ("Z".into(), serde_json::json!(false)),
        ]
    );
    assert_eq!(
        pick("src"),
        vec![
            ("A".into(), serde_json::json!("Article")),
            ("C".into(), serde_json::json!("Other")),
            ("E".into(), serde_json::json!("Article")),
        ]
    );
    // A declaration after a `with` line takes its attributes too.
    let show = lines.last().unwrap();
    assert_eq!(show["attributes"]["source"], "Article", "{show}");
}
