//! `dossier fmt`: the canonical layout, in place or as a diff.

mod common;
use common::*;
use std::fs;

const MESSY: &str = "# Koreas\n\n\nNorth_Korea:state   \"North Korea\"   # the DPRK\nNorth_Korea  member_of UN {since:1991}\n\n";
const TIDY: &str = "# Koreas\n\nNorth_Korea: state \"North Korea\" # the DPRK\nNorth_Korea member_of UN {since: 1991}\n";

#[test]
fn the_bundled_data_is_kept_formatted() {
    let out = dossier(&["fmt", "--check", "data/koreas.kg", "data/world.kg"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_file_is_formatted_in_place_and_loads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.kg"), MESSY).unwrap();
    let before = dossier_in(dir.path(), &["-c", "?x member_of ?y", "a.kg"], None);
    let out = dossier_in(dir.path(), &["fmt", "a.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(fs::read_to_string(dir.path().join("a.kg")).unwrap(), TIDY);
    let after = dossier_in(dir.path(), &["-c", "?x member_of ?y", "a.kg"], None);
    assert_eq!(stdout(&before), stdout(&after));
    // Formatted again: nothing to do.
    let out = dossier_in(dir.path(), &["fmt", "--check", "a.kg"], None);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_prints_a_diff_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.kg"), MESSY).unwrap();
    let out = dossier_in(dir.path(), &["fmt", "--check", "a.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    let diff = stdout(&out);
    assert!(diff.starts_with("--- a.kg\n+++ a.kg\n@@ "), "{diff}");
    assert!(
        diff.contains("\n-North_Korea:state   \"North Korea\"   # the DPRK\n"),
        "{diff}"
    );
    assert!(
        diff.contains("\n+North_Korea: state \"North Korea\" # the DPRK\n"),
        "{diff}"
    );
    // Nothing was written.
    assert_eq!(fs::read_to_string(dir.path().join("a.kg")).unwrap(), MESSY);
}

#[test]
fn standard_input_goes_to_standard_output() {
    let out = dossier_in(&root(), &["fmt"], Some(MESSY));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), TIDY);
    let out = dossier_in(&root(), &["fmt", "--check", "-"], Some(MESSY));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("--- <stdin>\n"));
}

#[test]
fn a_syntax_error_formats_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "A r B\nC:\n";
    fs::write(dir.path().join("bad.kg"), bad).unwrap();
    let out = dossier_in(dir.path(), &["fmt", "bad.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: expected a kind"), "{err}");
    assert!(err.contains("bad.kg:2:3"), "{err}");
    assert!(err.contains("`bad.kg` was not formatted"), "{err}");
    assert_eq!(fs::read_to_string(dir.path().join("bad.kg")).unwrap(), bad);
}

#[test]
fn a_symlink_is_followed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("real.kg"), MESSY).unwrap();
    std::os::unix::fs::symlink("real.kg", dir.path().join("link.kg")).unwrap();
    let out = dossier_in(dir.path(), &["fmt", "link.kg"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(dir.path().join("link.kg"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("real.kg")).unwrap(),
        TIDY
    );
}

#[test]
fn other_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.tsv"), "a\tr\tb\n").unwrap();
    let out = dossier_in(dir.path(), &["fmt", "a.tsv", "missing.kg"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("`a.tsv` is not a relation file"), "{err}");
    assert!(err.contains("cannot read `missing.kg`"), "{err}");
}
