//! docs/architecture.md matches the tree: every file of `src/` and
//! `grammar/` is in its table (and every file the table names exists), and
//! every `.rs` file opens with a `//!` line saying what it holds.

mod common;
use common::root;
use std::path::Path;

fn files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            let relative = path.strip_prefix(root()).unwrap();
            out.push(relative.to_string_lossy().into_owned());
        }
    }
}

#[test]
fn the_architecture_page_describes_every_file() {
    let page = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let named: Vec<String> = page
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(f, _)| f.to_string()))
        .collect();
    let mut tree = Vec::new();
    files(&root().join("src"), &mut tree);
    files(&root().join("grammar"), &mut tree);
    tree.sort();
    let missing: Vec<&String> = tree.iter().filter(|f| !named.contains(f)).collect();
    assert!(
        missing.is_empty(),
        "not in docs/architecture.md: {missing:?}"
    );
    let gone: Vec<&String> = named.iter().filter(|f| !tree.contains(f)).collect();
    assert!(
        gone.is_empty(),
        "docs/architecture.md names files that are gone: {gone:?}"
    );
    for f in tree.iter().filter(|f| f.ends_with(".rs")) {
        let text = std::fs::read_to_string(root().join(f)).unwrap();
        assert!(
            text.starts_with("//!"),
            "{f} does not open with a `//!` line"
        );
    }
}

#[test]
fn no_source_file_is_a_wall() {
    // At most two files over 700 lines (the relation-file parser, and one
    // more if it must).
    let mut tree = Vec::new();
    files(&root().join("src"), &mut tree);
    let long: Vec<(String, usize)> = tree
        .into_iter()
        .map(|f| {
            let n = std::fs::read_to_string(root().join(&f))
                .unwrap()
                .lines()
                .count();
            (f, n)
        })
        .filter(|(_, n)| *n > 700)
        .collect();
    assert!(long.len() <= 2, "{long:?}");
}
