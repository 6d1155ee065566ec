//! `dossier check`: the summary line, exit statuses and file handling.

mod common;
use common::*;

#[test]
fn bundled_graph_checks_from_anywhere() {
    let out = dossier_in(&std::env::temp_dir(), &["check"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ok: 24 entities, 42 relations, 6 facts; 45 quotes verified (3 after normalising), 3 not checked, 0 warnings\n"
    );
    assert_eq!(stderr(&out), "");
}

#[test]
fn counts_are_after_merging() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.kg");
    std::fs::write(
        &file,
        "A: state \"A\"\nA: state {iso: \"AA\"}\nA r B\nA r B\nA r B {x: 1}\nA f\nA f\nA f {x: 1}\n",
    )
    .unwrap();
    let out = dossier(&["check", file.to_str().unwrap()]);
    assert_eq!(stdout(&out), "ok: 2 entities, 2 relations, 2 facts\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn several_files_make_one_graph() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.kg"), "A: state\nA r B\n").unwrap();
    std::fs::write(dir.path().join("b.kg"), "B: body\nB r C\nA r B\n").unwrap();
    let out = dossier_in(dir.path(), &["check", "a.kg", "b.kg"], None);
    assert_eq!(stdout(&out), "ok: 3 entities, 2 relations, 0 facts\n");
}

#[test]
fn include_loads_relative_to_the_including_file_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("main.kg"),
        "include \"sub/part.kg\"\ninclude \"sub/part.kg\"\nA r B\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sub/part.kg"),
        "include \"leaf.kg\"\nB r C\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("sub/leaf.kg"), "C r D\n").unwrap();
    let out = dossier_in(dir.path(), &["check", "main.kg"], None);
    assert_eq!(
        stdout(&out),
        "ok: 4 entities, 3 relations, 0 facts\n",
        "{}",
        stderr(&out)
    );
}

#[test]
fn errors_exit_1_and_print_nothing_on_stdout() {
    let out = dossier(&["check", "tests/bad/kind_conflict.kg"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("tests/bad/kind_conflict.kg:3:14"));
}

#[test]
fn every_bad_file_is_reported_in_one_run() {
    let out = dossier(&[
        "check",
        "tests/bad/bad_date.kg",
        "tests/bad/bad_escape.kg",
        "no/such/file.kg",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for needle in [
        "bad_date.kg:1:18",
        "bad_escape.kg:1:21",
        "cannot read `no/such/file.kg`: no such file",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in\n{err}");
    }
}

#[test]
fn a_directory_and_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dossier(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("it is a directory"),
        "{}",
        stderr(&out)
    );

    let empty = dir.path().join("empty.kg");
    std::fs::write(&empty, "").unwrap();
    let comments = dir.path().join("comments.kg");
    std::fs::write(&comments, "# only\n\n   # comments\n").unwrap();
    let out = dossier(&["check", empty.to_str().unwrap(), comments.to_str().unwrap()]);
    assert_eq!(stdout(&out), "ok: 0 entities, 0 relations, 0 facts\n");
}

#[test]
fn usage_errors_exit_2() {
    let out = dossier(&["check", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--no-such-flag"));
}

#[test]
fn strict_accepts_the_bundled_graph() {
    let out = dossier(&["check", "--strict", "data/koreas.kg"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn garbage_gets_diagnostics_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("garbage.kg");
    let bytes: Vec<u8> = (0..400_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&file, bytes).unwrap();
    let out = dossier(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    // Not text: its first bad line only, never the rest echoed.
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.contains("the rest of the file is not shown"), "{err}");
}

#[test]
fn a_ten_megabyte_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.kg");
    let mut text = String::from("A r B {quote: \"");
    text.push_str(&"x".repeat(10 << 20));
    text.push_str("\"}\nC r \"");
    text.push_str(&"y".repeat(10 << 20));
    text.push('\n');
    std::fs::write(&file, text).unwrap();
    let out = dossier(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("this string has no closing quote"));
    assert!(stderr(&out).contains(":2:5"));
}
