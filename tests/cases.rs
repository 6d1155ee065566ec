//! Golden query cases: each `tests/cases/NAME/` holds relation files
//! (`*.kg`), a script `queries` (one query a line), and the exact expected
//! output of running it in each format: `table.out`, `json.out`,
//! `csv.out`, and `stderr.out` where queries fail. A file `files` lists
//! more relation files to load, a path a line, from the case's folder (the
//! repository's datasets). `BLESS=1` rewrites them.

mod common;
use common::*;

#[test]
fn query_cases_match_their_golden_files() {
    let cases = case_dirs("cases");
    assert!(cases.len() >= 7, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let mut files: Vec<String> = std::fs::read_dir(case)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".kg"))
            .collect();
        files.sort();
        if let Ok(listed) = std::fs::read_to_string(case.join("files")) {
            files.extend(
                listed
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(String::from),
            );
        }
        let expect_errors = case.join("stderr.out").exists()
            || std::env::var_os("BLESS").is_some() && case.ends_with("errors");
        for (format, out_file) in [
            ("table", "table.out"),
            ("json", "json.out"),
            ("csv", "csv.out"),
        ] {
            let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
            args.extend(["-f", "queries", "--format", format]);
            let out = dossier_in(case, &args, None);
            if let Err(e) = golden(&case.join(out_file), &stdout(&out)) {
                failures.push(e);
            }
            let status = out.status.code();
            if expect_errors {
                if status != Some(1) {
                    failures.push(format!(
                        "{}: exit status {status:?}, expected 1",
                        case.display()
                    ));
                }
                if format == "table"
                    && let Err(e) = golden(&case.join("stderr.out"), &stderr(&out))
                {
                    failures.push(e);
                }
            } else if format == "csv" && case.join("csv.stderr").exists() {
                // CSV has no place for a partial answer's note: stderr has it.
                if let Err(e) = golden(&case.join("csv.stderr"), &stderr(&out)) {
                    failures.push(e);
                }
            } else if status != Some(0) || !out.stderr.is_empty() {
                failures.push(format!(
                    "{} ({format}): exit status {status:?}, stderr:\n{}",
                    case.display(),
                    stderr(&out)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn json_has_one_line_per_query_even_for_errors() {
    let case = root().join("tests/cases/errors");
    let queries = std::fs::read_to_string(case.join("queries")).unwrap();
    let expected = queries
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    let json = std::fs::read_to_string(case.join("json.out")).unwrap();
    assert_eq!(json.lines().count(), expected);
    for line in json.lines() {
        let doc: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(doc.get("error").is_some_and(|e| e.is_string()), "{line}");
    }
}
