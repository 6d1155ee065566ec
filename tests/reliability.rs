//! What must hold whatever the input: a panic is reported as an internal
//! error (exit 101), searches stop at their limits with partial answers,
//! deep or long input cannot overflow the stack, and odd files are told
//! apart clearly.

mod common;
use common::*;
use std::process::Command;

fn chain(dir: &std::path::Path, n: usize) -> String {
    let text: String = (0..n).map(|i| format!("N{i} next N{}\n", i + 1)).collect();
    std::fs::write(dir.join("chain.kg"), text).unwrap();
    "chain.kg".into()
}

#[test]
fn a_panic_is_an_internal_error_with_status_101_and_no_backtrace() {
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["-c", "count ?x: state"])
        .env("DOSSIER_TEST_PANIC", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(101));
    let err = stderr(&out);
    assert!(
        err.starts_with("dossier: internal error: DOSSIER_TEST_PANIC is set"),
        "{err}"
    );
    assert!(err.contains("This is a bug in Dossier"), "{err}");
    assert!(
        !err.contains("panicked at") && !err.contains("stack backtrace"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_long_chain_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let file = chain(dir.path(), 950);
    // `paths` recurses a level a hop: 949 hops is within its 1000.
    let out = dossier_in(
        dir.path(),
        &[&file, "-c", "paths N0 N949 max 1000", "--json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(doc["paths"].as_array().unwrap().len(), 1);
    assert_eq!(doc["paths"][0].as_array().unwrap().len(), 949);
    // More than 1000 hops is refused before any search.
    let out = dossier_in(dir.path(), &[&file, "-c", "paths N0 N949 max 1001"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("must be from 1 to 1000"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_transitive_closure_stops_at_the_state_limit_with_a_partial_answer() {
    let dir = tempfile::tempdir().unwrap();
    let file = chain(dir.path(), 3000);
    // 4.5 million rows, each a path of up to 3000 edges: far beyond the limit.
    let out = dossier_in(
        dir.path(),
        &[
            &file,
            "--max-states",
            "100000",
            "-c",
            "count N5 next+ ?y",
            "--json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(doc["truncated"], true);
    let n = doc["count"].as_u64().unwrap();
    assert!(n > 0 && n < 2995, "{n}");
    // Within the limit, the whole answer.
    let out = dossier_in(
        dir.path(),
        &[&file, "-c", "count N2000 next+ ?y", "--json"],
        None,
    );
    assert_eq!(stdout(&out).trim(), r#"{"count":1000}"#);
}

#[test]
fn a_pattern_stops_at_the_row_limit() {
    let out = dossier(&["--max-rows", "3", "-c", "?a ?r ?b"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("(3 rows)"), "{text}");
    assert!(text.contains("the answer is partial"), "{text}");
    let out = dossier(&["--max-rows", "3", "--json", "-c", "count ?a ?r ?b"]);
    assert_eq!(stdout(&out).trim(), r#"{"count":3,"truncated":true}"#);
    let out = dossier(&["--json", "-c", "count ?a ?r ?b"]);
    assert_eq!(stdout(&out).trim(), r#"{"count":40}"#);
}

#[test]
fn deep_and_long_queries_get_errors_or_answers_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "path China ICC via {}part_of{}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let long = format!("path China ICC via {}part_of\n", "part_of/".repeat(20_000));
    let flat: Vec<String> = (0..5_000)
        .map(|i| format!("?v{i} part_of ?v{}", i + 1))
        .collect();
    std::fs::write(dir.path().join("deep.q"), deep).unwrap();
    std::fs::write(dir.path().join("long.q"), long).unwrap();
    std::fs::write(dir.path().join("flat.q"), flat.join(", ") + "\n").unwrap();
    let out = dossier_in(dir.path(), &["-f", "deep.q"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("parentheses nest more than 100 deep"),
        "{}",
        stderr(&out)
    );
    for script in ["long.q", "flat.q"] {
        let out = dossier_in(dir.path(), &["-f", script], None);
        assert_eq!(out.status.code(), Some(0), "{script}: {}", stderr(&out));
    }
}

#[test]
fn odd_files_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("comments.kg"),
        "# only a comment\n\n   # and another\n",
    )
    .unwrap();
    let out = dossier_in(d, &["check", "comments.kg"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "ok: 0 entities, 0 relations, 0 facts\n");
    let out = dossier_in(d, &["check", "missing.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read `missing.kg`"),
        "{}",
        stderr(&out)
    );
    std::fs::write(d.join("latin1.kg"), b"Caf\xe9 likes Tea\n").unwrap();
    let out = dossier_in(d, &["check", "latin1.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("latin1.kg:1:4"), "{}", stderr(&out));
}

#[test]
fn a_long_line_is_shown_cut_around_the_error_with_true_columns() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!("B r C {{k: \"{}\", q: 19x1}}", "x".repeat(200_000));
    std::fs::write(dir.path().join("long.kg"), format!("A: state\n{line}\n")).unwrap();
    let out = dossier_in(dir.path(), &["check", "long.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.len() < 1000, "{} bytes of diagnostics", err.len());
    let column = line.find("x1").unwrap() + 1;
    assert!(err.contains(&format!("long.kg:2:{column}")), "{err}");
    assert!(err.contains("…"), "{err}");
    // The caret stands under the culprit in the cut line.
    let shown = err.lines().find(|l| l.starts_with("2 │")).unwrap();
    let caret = err.lines().find(|l| l.contains("^^")).unwrap();
    let at = |l: &str, pat: &str| l.find(pat).map(|b| l[..b].chars().count());
    assert_eq!(at(shown, "x1"), at(caret, "^^"), "{err}");
}

#[test]
fn a_deep_neighbourhood_stops_at_the_state_limit() {
    let dir = tempfile::tempdir().unwrap();
    let file = chain(dir.path(), 3000);
    for query in [
        "neighbours N0 depth 100000",
        "neighbours N0 via next+ depth 5",
    ] {
        let out = dossier_in(
            dir.path(),
            &[&file, "--max-states", "1000", "--json", "-c", query],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(doc["truncated"], true, "{query}");
        let found = doc["neighbours"].as_array().unwrap().len();
        assert!(found > 0 && found < 3000, "{query}: {found}");
    }
    // Within the limit: the whole chain, and no `truncated`.
    let out = dossier_in(
        dir.path(),
        &[&file, "--json", "-c", "neighbours N0 depth 100000"],
        None,
    );
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(doc["neighbours"].as_array().unwrap().len(), 3000);
    assert!(doc.get("truncated").is_none());
}

/// A load of over 100,000 relation statements looks for repeated ones on
/// two threads, each taking the subjects of half the edges: the same file
/// loaded twice under two names holds each statement once.
#[test]
fn a_large_load_holds_each_statement_once() {
    use dossier::build::{Input, Options};
    use dossier::graph::Graph;
    let text = dossier::generate::generate(60_000, 3);
    let input = |name: &str| Input::Text {
        name: name.into(),
        text: text.clone(),
    };
    let once = Graph::from_inputs(&[input("a.kg")], Options::default()).unwrap();
    let twice = Graph::from_inputs(&[input("a.kg"), input("b.kg")], Options::default()).unwrap();
    assert!(once.relation_count() > 50_000);
    assert_eq!(twice.relation_count(), once.relation_count());
    assert_eq!(twice.fact_count(), once.fact_count());
    // The generator repeats some statements within the file as well, word
    // for word: each distinct line but declarations and comments is one.
    let said = |l: &&str| !l.starts_with('#') && !l.split('{').next().unwrap().contains(':');
    let lines: Vec<&str> = text.lines().filter(said).collect();
    let distinct: std::collections::HashSet<&str> = lines.iter().copied().collect();
    assert!(lines.len() > distinct.len());
    assert_eq!(distinct.len(), once.relation_count() + once.fact_count());
}

#[test]
fn a_quote_in_a_comment_does_not_hide_parentheses_from_the_nesting_check() {
    let deep = format!(
        "path China ICC via # \"\n{}part_of{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let out = dossier(&["-c", &deep]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("parentheses nest more than 100 deep"),
        "{}",
        stderr(&out)
    );
    // 101 levels are refused as well, 100 are not.
    let at = |n: usize| {
        format!(
            "path China ICC via # \"\n{}part_of{}",
            "(".repeat(n),
            ")".repeat(n)
        )
    };
    let out = dossier(&["-c", &at(101)]);
    assert!(
        stderr(&out).contains("nest more than 100"),
        "{}",
        stderr(&out)
    );
    let out = dossier(&["-c", &at(100)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_chain_of_two_thousand_includes_loads() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    for i in 0..n {
        let mut text = format!("A{i} next A{}\n", i + 1);
        if i + 1 < n {
            text = format!("include \"f{}.kg\"\n{text}", i + 1);
        }
        std::fs::write(dir.path().join(format!("f{i}.kg")), text).unwrap();
    }
    let out = dossier_in(dir.path(), &["check", "f0.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok: 2001 entities, 2000 relations, 0 facts\n");
}

#[test]
fn nested_repeats_are_refused_before_their_automaton_is_built() {
    let out = dossier(&[
        "-c",
        "path China ICC via ((((part_of{100}){100}){100}){100})",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("compiles to up to"), "{err}");
    assert!(err.contains("a query may build at most 1000000"), "{err}");
    // Under a lower --max-states, the automaton counts against it.
    let out = dossier(&["--max-states", "1000", "-c", "?x (part_of{100}){3} ?y"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`--max-states` allows 1000"),
        "{}",
        stderr(&out)
    );
}

fn cycle(dir: &std::path::Path, n: usize) -> String {
    let text: String = (0..n)
        .map(|i| format!("C{i} r C{}\n", (i + 1) % n))
        .collect();
    std::fs::write(dir.join("cycle.kg"), text).unwrap();
    "cycle.kg".into()
}

#[test]
fn a_path_search_cut_by_the_limit_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = cycle(dir.path(), 5000);
    let args = |fmt: &'static str| {
        vec![
            file.clone(),
            "--max-states".into(),
            "1000".into(),
            fmt.into(),
            "-c".into(),
            "path C0 C4000 via r+".into(),
        ]
    };
    let run = |fmt| {
        let a = args(fmt);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        dossier_in(dir.path(), &a, None)
    };
    let out = run("--json");
    assert_eq!(stdout(&out), "{\"path\":null,\"truncated\":true}\n");
    let out = run("--format=table");
    assert!(
        stdout(&out).contains("the answer is partial"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).starts_with("no path\n"), "{}", stdout(&out));
    let out = run("--csv");
    assert!(
        stderr(&out).contains("the answer is partial"),
        "{}",
        stderr(&out)
    );
    // With room, the path is found and nothing is said.
    let out = dossier_in(
        dir.path(),
        &[&file, "--json", "-c", "path C0 C40 via r+"],
        None,
    );
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(doc["path"].as_array().unwrap().len(), 40);
    assert!(doc.get("truncated").is_none());
}

#[test]
fn the_state_limit_is_one_for_the_whole_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let file = cycle(dir.path(), 5000);
    // Each start's own search is small; all of them together pass 2,000.
    let out = dossier_in(
        dir.path(),
        &[
            &file,
            "--max-states",
            "2000",
            "--json",
            "-c",
            "count ?x r{1,3} ?y",
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(doc["truncated"], true, "{doc}");
    assert!(doc["count"].as_u64().unwrap() < 2000, "{doc}");
}

#[test]
fn paths_cut_by_the_state_limit_name_that_option() {
    let dir = tempfile::tempdir().unwrap();
    let file = chain(dir.path(), 3000);
    let out = dossier_in(
        dir.path(),
        &[&file, "--max-states", "100", "-c", "paths N0 N900 max 1000"],
        None,
    );
    let text = stdout(&out);
    assert!(text.contains("raise `--max-states`"), "{text}");
    assert!(!text.contains("raise `limit`"), "{text}");
    let out = dossier_in(
        dir.path(),
        &[
            &file,
            "--max-states",
            "100",
            "--json",
            "-c",
            "paths N0 N900 max 1000",
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(doc["truncated_by"], "max_states", "{doc}");
}

#[test]
fn declared_relations_route_paths_through_any_number_of_hops() {
    let out = dossier(&[
        "data/world.kg",
        "--json",
        "-c",
        "path North_Korea Germany via borders",
    ]);
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let hops = doc["path"].as_array().unwrap_or_else(|| panic!("{doc}"));
    assert!(hops.len() >= 3, "{doc}");
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("relation borders: state <-> state\n");
    for i in 0..60 {
        text.push_str(&format!("S{i}: state\n"));
    }
    for i in 0..59 {
        text.push_str(&format!("S{i} borders S{}\n", i + 1));
    }
    text.push_str(
        "relation part_of: body -> body transitive\nDesk: body\nOffice: body\nUnion: body\n\
         Desk part_of Office\nOffice part_of Union\n",
    );
    std::fs::write(dir.path().join("s.kg"), text).unwrap();
    let out = dossier_in(
        dir.path(),
        &[
            "s.kg",
            "-c",
            "path S0 S5 via borders",
            "-c",
            "path S5 -> S0 via borders",
            "-c",
            "path Desk -> Union via part_of",
        ],
        None,
    );
    assert_eq!(
        stdout(&out),
        "S0 -[borders]-> S1 -[borders]-> S2 -[borders]-> S3 -[borders]-> S4 -[borders]-> S5\n\n\
         S5 =[borders]=> S4 =[borders]=> S3 =[borders]=> S2 =[borders]=> S1 =[borders]=> S0\n\n\
         Desk -[part_of]-> Office -[part_of]-> Union\n"
    );
}

/// A "full" device (1, 7) of the test's own, which refuses every write.
fn full_device(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("full");
    device(&path, 1, 7);
    path
}

#[test]
fn a_failed_write_to_stdout_is_an_error_and_a_closed_pipe_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let full = full_device(dir.path());
    for args in [
        &["-c", "count ?x: person"][..],
        &["check"][..],
        &["export", "--to", "dot"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(args)
            .current_dir(root())
            .stdout(std::fs::File::create(&full).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
    }
    // A closed pipe stops quietly.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["data/world.kg", "-c", "?x member_of ?y"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn a_huge_name_gets_a_short_diagnostic_quickly() {
    let name = "x".repeat(60_000);
    let out = dossier(&["data/world.kg", "-c", &format!("neighbours \"{name}\"")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no entity is named"), "{}", &err[..200]);
    assert!(err.len() < 4000, "{} bytes of diagnostic", err.len());
    // And a 200 KB line of a relation file.
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "A r B {{{}}}\n",
        "k: 1, ".repeat(40_000).replacen("k: 1", "k: ", 1)
    );
    std::fs::write(dir.path().join("wide.kg"), &text).unwrap();
    let out = dossier_in(dir.path(), &["check", "wide.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).len() < 4000, "{}", stderr(&out).len());
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("esc.kg"),
        "A: state\n\"B\u{1b}]0;pwned\u{7}\" r A\nA r \"C\u{1b}[31m\" {x: }\n",
    )
    .unwrap();
    let out = dossier_in(dir.path(), &["check", "esc.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains('\u{1b}'), "{:?}", stderr(&out));
    assert!(
        stderr(&out).contains("A r \"C?[31m\" {x: }"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        dir.path().join("esc.kg"),
        "A: state\n\"B\u{1b}]0;pwned\u{7}\" r A\n",
    )
    .unwrap();
    let out = dossier_in(
        dir.path(),
        &[
            "esc.kg",
            "-c",
            "?x r A",
            "-c",
            "show A",
            "-c",
            "path A B\u{1b}",
        ],
        None,
    );
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("B\\u{1b}]0;pwned\\u{7}"), "{text}");
    assert!(!stderr(&out).contains('\u{1b}'), "{:?}", stderr(&out));
}

#[test]
fn devices_and_fifos_are_refused_as_includes_and_pipes_read_as_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    device(&d.join("zero"), 1, 5);
    let status = Command::new("mkfifo").arg(d.join("fifo")).status().unwrap();
    assert!(status.success());
    std::fs::write(d.join("dev.kg"), "include \"zero\"\n").unwrap();
    std::fs::write(d.join("fifo.kg"), "include \"fifo\"\n").unwrap();
    let out = dossier_in(d, &["check", "dev.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("it is a device, not a file"),
        "{}",
        stderr(&out)
    );
    let out = dossier_in(d, &["check", "fifo.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("an include names regular files"),
        "{}",
        stderr(&out)
    );
    let out = dossier_in(d, &["check", "zero"], None);
    assert!(stderr(&out).contains("it is a device"), "{}", stderr(&out));
    // A pipe named on the command line is read: `<(...)` and /dev/stdin.
    let out = Command::new("bash")
        .arg("-c")
        .arg("\"$0\" check <(printf 'A r B\\n') && printf 'C r D\\n' | \"$0\" check /dev/stdin")
        .arg(env!("CARGO_BIN_EXE_dossier"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ok: 2 entities, 1 relations, 0 facts\n".repeat(2)
    );
    // A TSV import drops a byte-order mark.
    std::fs::write(d.join("bom.tsv"), "\u{feff}A\tr\tB\n").unwrap();
    let out = dossier_in(d, &["bom.tsv", "--json", "-c", "neighbours A"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"entity\":\"B\""),
        "{}",
        stdout(&out)
    );
}

#[test]
fn confined_includes_stay_inside_the_first_files_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::write(d.join("secret.kg"), "Secret r X\n").unwrap();
    std::fs::write(d.join("in/ok.kg"), "A r B\n").unwrap();
    std::fs::write(
        d.join("in/main.kg"),
        "include \"ok.kg\"\ninclude \"../secret.kg\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../secret.kg", d.join("in/link.kg")).unwrap();
    std::fs::write(d.join("in/via_link.kg"), "include \"link.kg\"\n").unwrap();
    let out = dossier_in(d, &["check", "in/main.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = dossier_in(d, &["check", "--confine-includes", "in/main.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("`../secret.kg` is outside the folder"),
        "{err}"
    );
    assert!(!err.contains("ok.kg` is outside"), "{err}");
    let out = dossier_in(
        d,
        &[
            "--confine-includes",
            "in/via_link.kg",
            "-c",
            "count ?x r ?y",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is outside the folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn names_compare_in_unicode_normal_form_c() {
    let dir = tempfile::tempdir().unwrap();
    // Declared precomposed, used decomposed (e + combining acute), in a
    // file and in queries, bare and quoted.
    std::fs::write(
        dir.path().join("c.kg"),
        "Caf\u{e9}: state\nCafe\u{301} r \"Cafe\u{301}s\"\n",
    )
    .unwrap();
    let out = dossier_in(
        dir.path(),
        &[
            "c.kg",
            "--json",
            "-c",
            "count ?x: state",
            "-c",
            "neighbours Cafe\u{301} out",
            "-c",
            "show \"Caf\u{e9}s\"",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "{\"count\":1}");
    assert!(
        lines[1].contains("\"entity\":\"Caf\u{e9}s\""),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("\"name\":\"Caf\u{e9}s\""), "{}", lines[2]);
    let out = dossier_in(dir.path(), &["check", "c.kg"], None);
    assert_eq!(stdout(&out), "ok: 2 entities, 1 relations, 0 facts\n");
    // And in a TSV import.
    std::fs::write(
        dir.path().join("c.tsv"),
        "Caf\u{e9}\tr\tB\nCafe\u{301}\tr\tC\n",
    )
    .unwrap();
    let out = dossier_in(dir.path(), &["check", "c.tsv"], None);
    assert_eq!(stdout(&out), "ok: 3 entities, 2 relations, 0 facts\n");
}

#[test]
fn a_file_that_is_not_relation_text_is_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let passwd: String = (0..24)
        .map(|i| format!("user{i}:x:{i}:{i}:secret{i}:/home/u{i}:/bin/sh\n"))
        .collect();
    std::fs::write(dir.path().join("passwd"), passwd).unwrap();
    std::fs::write(dir.path().join("main.kg"), "include \"passwd\"\n").unwrap();
    let out = dossier_in(dir.path(), &["check", "main.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("24 of its 24 lines are errors"), "{err}");
    assert!(err.contains("secret0") && !err.contains("secret1"), "{err}");
    // Binary: the first bad line, and nothing after it.
    let mut bytes = b"A r B\n".to_vec();
    for i in 0..50 {
        bytes.extend_from_slice(format!("line{i} ").as_bytes());
        bytes.extend_from_slice(b"\xff\xfe x\n");
    }
    std::fs::write(dir.path().join("bin.kg"), bytes).unwrap();
    let out = dossier_in(dir.path(), &["check", "bin.kg"], None);
    let err = stderr(&out);
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.contains("line0") && !err.contains("line1"), "{err}");
}
