//! The corpus of bad input: every file in `tests/bad/` is run and its
//! standard error must equal `NAME.stderr` byte for byte (`BLESS=1`
//! rewrites them), with nothing on standard output.
//!
//! - `NAME.kg`, `NAME.tsv`, `NAME.json`, `NAME.dsnap`: `dossier check FILE`,
//!   exit status 1. A relation file's first line `# args: ...` adds
//!   arguments before the file.
//! - `NAME.q`: a query script, `dossier [ARGS] -f FILE` on the bundled graph
//!   (or on the files its first line `# args: ...` names), exit status 1.
//! - `NAME.args`: a command line (split like a shell's words), exit status 2.

mod common;
use common::*;

/// Splits a line into words as the shell's meta-commands do.
fn words(line: &str) -> Vec<String> {
    dossier::repl::meta::split_words(line).expect("a corpus line splits into words")
}

fn first_line_args(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# args:"))
        .map(words)
        .unwrap_or_default()
}

#[test]
fn every_bad_input_gets_its_exact_diagnostic() {
    let dir = root().join("tests/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|e| {
                    ["kg", "tsv", "json", "dsnap", "q", "args"].contains(&e.to_str().unwrap())
                })
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 60, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let rel = case
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let text = String::from_utf8_lossy(&std::fs::read(case).unwrap()).into_owned();
        let ext = case.extension().unwrap().to_str().unwrap();
        let (args, code): (Vec<String>, i32) = match ext {
            "q" => {
                let mut args = first_line_args(&text);
                args.extend(["-f".to_string(), rel.clone()]);
                (args, 1)
            }
            "args" => (words(text.trim_end_matches('\n')), 2),
            _ => {
                let mut args = vec!["check".to_string()];
                if ext == "kg" {
                    args.extend(first_line_args(&text));
                }
                args.push(rel.clone());
                (args, 1)
            }
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = dossier(&args);
        if out.status.code() != Some(code) {
            failures.push(format!(
                "{rel}: exit status {:?}, expected {code}\n{}",
                out.status.code(),
                stderr(&out)
            ));
        }
        if !out.stdout.is_empty() {
            failures.push(format!("{rel}: printed on stdout: {}", stdout(&out)));
        }
        if stderr(&out).contains("panicked") || out.status.code() == Some(101) {
            failures.push(format!("{rel}: panicked"));
        }
        if let Err(e) = golden(&case.with_extension("stderr"), &stderr(&out)) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
