//! Golden error messages: each `tests/errors/NAME.kg` is checked with
//! `dossier check` and its stderr must equal `NAME.stderr` byte for byte.
//! A first line `# args: ...` adds arguments. `BLESS=1` rewrites the files.

mod common;
use common::*;

#[test]
fn error_messages_match_their_golden_files() {
    let dir = root().join("tests/errors");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kg"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "the error corpus has {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let rel = case
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let text = String::from_utf8_lossy(&std::fs::read(case).unwrap()).into_owned();
        let mut args = vec!["check"];
        if let Some(extra) = text.lines().next().and_then(|l| l.strip_prefix("# args:")) {
            args.extend(extra.split_whitespace());
        }
        args.push(&rel);
        let out = dossier(&args);
        if out.status.code() != Some(1) {
            failures.push(format!(
                "{rel}: exit status {:?}, expected 1",
                out.status.code()
            ));
        }
        if !out.stdout.is_empty() {
            failures.push(format!("{rel}: printed on stdout: {}", stdout(&out)));
        }
        if let Err(e) = golden(&case.with_extension("stderr"), &stderr(&out)) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
