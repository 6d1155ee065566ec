//! The habits of sqlite3, duckdb and psql users on the command line:
//! meta-commands in -c, -f and pipes, queries over several lines, -c and
//! -f in order, -o, .read, .output, .once, parameters, output modes,
//! headers, widths, colour, help, completions and the manual page.
//! (The shell's own start-up, pager and --cmd are in tests/shell.rs.)

mod common;
use common::*;
use std::process::Command;

fn run(args: &[&str], stdin: Option<&str>) -> (String, String, i32) {
    let out = dossier_in(&root(), args, stdin);
    (stdout(&out), stderr(&out), out.status.code().unwrap_or(-1))
}

#[test]
fn meta_commands_run_in_c_f_and_pipes() {
    let (out, err, code) = run(&["-c", ".mode json", "-c", "path China ICC"], None);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(doc["path"].is_array(), "{out}");

    let (out, err, code) = run(&[], Some(".schema\n"));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("relation "), "{out}");

    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.dq");
    std::fs::write(&script, ".mode csv\ncount ?x: state\n").unwrap();
    let (out, err, code) = run(&["-f", script.to_str().unwrap()], None);
    assert_eq!((out.as_str(), code), ("count\n4\n", 0), "{err}");
}

#[test]
fn a_query_goes_on_over_lines_as_in_the_shell() {
    let one = run(&["-c", "?s ?r ?b, ?b: body"], None).0;
    assert!(one.contains(" rows)"), "{one}");
    // A trailing comma, an open brace and an open parenthesis each go on.
    for script in [
        "?s ?r ?b,\n  ?b: body\n",
        "?s ?r ?b, ?b: body\n",
        "?s ?r ?b {\n}, ?b: body\n",
    ] {
        let (out, err, code) = run(&[], Some(script));
        assert_eq!((out.as_str(), code), (one.as_str(), 0), "{script:?}\n{err}");
    }
    let (out, _, code) = run(
        &[],
        Some("neighbours China via (permanent_member_of\n|estranged_from)\n"),
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        run(
            &[
                "-c",
                "neighbours China via (permanent_member_of|estranged_from)"
            ],
            None
        )
        .0
    );
    // An unfinished query at the end is refused whole: no piece runs alone.
    let (out, err, code) = run(&[], Some("?s member_of ?b {since: ?d\n\n"));
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.contains("<stdin>:1:27"), "{err}");
}

#[test]
fn a_query_continued_in_a_quote_keeps_the_line_break() {
    let dir = tempfile::tempdir().unwrap();
    let kg = dir.path().join("g.kg");
    std::fs::write(&kg, "\"a\\nb\": state \"A B\"\n\"a\\nb\" r X\n").unwrap();
    let (out, err, code) = run(&[kg.to_str().unwrap()], Some("show \"a\nb\"\n"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("state \"A B\""), "{out}");
}

#[test]
fn c_and_f_run_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.dq");
    std::fs::write(&script, ".print from the script\n").unwrap();
    let s = script.to_str().unwrap();
    let (out, err, _) = run(&["-c", ".print one", "-f", s, "-c", ".print two"], None);
    assert_eq!(out, "one\nfrom the script\ntwo\n", "{err}");
    let (out, _, _) = run(&["-f", s, "-c", ".print one"], None);
    assert_eq!(out, "from the script\none\n");
}

#[test]
fn answers_go_to_o_output_and_once_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answers.txt");
    let f = file.to_str().unwrap();
    let (out, err, code) = run(
        &["-o", f, "-c", "count ?x: state", "-c", ".print done"],
        None,
    );
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "4\ndone\n");
    let (out, _, _) = run(&["-o", "-", "-c", "count ?x: state"], None);
    assert_eq!(out, "4\n");

    let once = dir.path().join("once.csv");
    let later = dir.path().join("later.txt");
    let script = format!(
        ".mode csv\n.once {}\ncount ?x: state\ncount ?x: person\n.output {}\ncount ?x: body\n.output\n.print back\n",
        once.display(),
        later.display()
    );
    let (out, err, code) = run(&[], Some(&script));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&once).unwrap(), "count\n4\n");
    assert_eq!(std::fs::read_to_string(&later).unwrap(), "count\n6\n");
    assert_eq!(out, "count\n4\nback\n");
}

#[test]
fn read_runs_a_script_and_a_script_that_reads_itself_stops() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner.dq");
    std::fs::write(&inner, "count ?x: state\n").unwrap();
    let (out, err, code) = run(&["-c", &format!(".read {}", inner.display())], None);
    assert_eq!((out.as_str(), code), ("4\n", 0), "{err}");

    let selfish = dir.path().join("self.dq");
    std::fs::write(&selfish, format!(".read {}\n", selfish.display())).unwrap();
    let (_, err, code) = run(&["-f", selfish.to_str().unwrap()], None);
    assert_eq!(code, 1);
    assert!(err.contains("nests more than 64 scripts deep"), "{err}");
}

#[test]
fn bail_echo_print_shell_and_cd() {
    let (out, _, code) = run(&[], Some(".bail on\ncount ?x: stat\n.print never\n"));
    assert_eq!((out.as_str(), code), ("", 1));
    let (out, _, code) = run(&[], Some("count ?x: stat\n.print still\n"));
    assert_eq!((out.as_str(), code), ("still\n", 1));

    let (out, _, _) = run(&["--echo", "-c", "count ?x: state"], None);
    assert_eq!(out, "count ?x: state\n4\n");
    let (out, _, _) = run(&[], Some(".echo on\ncount ?x: state\n"));
    assert_eq!(out, "count ?x: state\n4\n");
    let (out, _, _) = run(&["-c", ".print \"two  spaces\""], None);
    assert_eq!(out, "two  spaces\n");

    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("marker");
    let (_, err, code) = run(&["-c", &format!(".shell touch {}", marker.display())], None);
    assert_eq!(code, 0, "{err}");
    assert!(marker.exists());
    std::fs::write(dir.path().join("more.kg"), "Zed: state\n").unwrap();
    let script = format!(
        ".cd {}\n.load more.kg\ncount ?x: state\n",
        dir.path().display()
    );
    let (out, err, code) = run(&[], Some(&script));
    assert_eq!((out.as_str(), code), ("5\n", 0), "{err}");
}

#[test]
fn parameters_bind_names_and_typed_values() {
    let plain = run(&["-c", "neighbours Russia"], None).0;
    let (out, err, code) = run(&["--param", "who=Russia", "-c", "neighbours $who"], None);
    assert_eq!((out.as_str(), code), (plain.as_str(), 0), "{err}");
    let script = ".param set who \"Security_Council\"\n.param set n 100\n.param list\n?r adopted ?x {in_favour: ?v} where ?v > $n\nneighbours $who\n.param clear\nneighbours $who\n";
    let (out, err, code) = run(&[], Some(script));
    assert_eq!(code, 1);
    assert!(
        out.contains("$n         100                 integer"),
        "{out}"
    );
    assert!(
        out.contains("$who       \"Security_Council\"  string"),
        "{out}"
    );
    assert!(out.contains("Human_Rights_Committee"), "{out}");
    assert!(err.contains("the parameter `$who` is not set"), "{err}");
    assert!(err.contains("<stdin>:7:12"), "{err}");
    let (_, err, code) = run(&["--param", "n=1 2", "-c", "count ?x: state"], None);
    assert_eq!(code, 2);
    assert!(err.contains("is not a value"), "{err}");
    let (_, err, code) = run(&["--param", "n=3", "-c", "show $n"], None);
    assert_eq!(code, 1);
    assert!(
        err.contains("the parameter `$n` is an integer, not a name"),
        "{err}"
    );
}

#[test]
fn output_modes() {
    let q = "?s permanent_member_of Security_Council {veto: ?v}";
    let jsonl = run(&["--format", "jsonl", "-c", q], None).0;
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first, serde_json::json!({"s": "China", "v": true}));
    let csv = run(&["--csv", "-c", q], None).0;
    assert_eq!(jsonl.lines().count(), csv.lines().count() - 1);
    let all = run(&["--format", "jsonl", "-c", "?x: state"], None).0;
    assert_eq!(all.lines().count(), 4);
    let count = run(&["--format", "jsonl", "-c", "count ?x: state"], None).0;
    assert_eq!(count, "{\"count\":4}\n");
    let paths = run(
        &["--format", "jsonl", "-c", "paths North_Korea -> ICC max 3"],
        None,
    )
    .0;
    let hop: serde_json::Value = serde_json::from_str(paths.lines().next().unwrap()).unwrap();
    assert_eq!(hop["path"], 1);
    assert_eq!(hop["step"], 1);
    let neighbour = run(&["--format", "jsonl", "-c", "neighbours ICC"], None).0;
    let n: serde_json::Value = serde_json::from_str(neighbour.lines().next().unwrap()).unwrap();
    assert_eq!(n["depth"], 1);

    let md = run(&["-c", ".mode markdown", "-c", "count ?x: state"], None).0;
    assert_eq!(md, "| count |\n| --- |\n| 4 |\n");
    let boxed = run(
        &["--format", "box", "-c", "?x: state where ?x = China"],
        None,
    )
    .0;
    assert_eq!(
        boxed,
        "┌───────┐\n│ x     │\n├───────┤\n│ China │\n└───────┘\n(1 row)\n"
    );
    let line = run(&["--format", "line", "-c", "?s ?r ICC"], None).0;
    assert!(line.starts_with("s = "), "{line}");
    assert!(
        line.contains("\nr = ") && line.contains("\n\ns = "),
        "{line}"
    );
    let tabs = run(&["--format", "tabs", "-c", q], None).0;
    assert_eq!(tabs, "s\tv\nChina\ttrue\n");
    // `.mode json` keeps its one document an answer.
    let json = run(&["--json", "-c", q], None).0;
    assert_eq!(json.lines().count(), 1);
}

#[test]
fn headers_can_be_left_out() {
    let q = "?s permanent_member_of Security_Council";
    assert_eq!(
        run(&["-t", "--csv", "-c", q], None).0.lines().next(),
        Some("China")
    );
    assert_eq!(
        run(&["--no-header", "-c", q], None).0.lines().next(),
        Some("China")
    );
    let (out, _, _) = run(&[], Some(".headers off\n.mode tabs\ncount ?x: state\n"));
    assert_eq!(out, "4\n");
}

#[test]
fn maxwidth_cuts_wide_cells() {
    let q = "?s abstained_on ?r {quote: ?q}";
    let (out, _, _) = run(&["-c", ".maxwidth 40", "-c", q], None);
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 40, "{out}");
    assert!(out.contains('…'), "{out}");
    let (wide, _, _) = run(&["-c", q], None);
    assert!(!wide.contains('…') && wide.lines().any(|l| l.chars().count() > 40));
}

#[test]
fn quit_in_the_ways_of_psql_and_cypher_shell() {
    for quit in ["\\q", ":quit", ":exit", ".quit", "exit"] {
        let (out, _, code) = run(&[], Some(&format!(".print a\n{quit}\n.print b\n")));
        assert_eq!((out.as_str(), code), ("a\n", 0), "{quit}");
    }
    let (_, err, code) = run(&["-c", ".schem"], None);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown command .schem; did you mean .schema?"),
        "{err}"
    );
}

#[test]
fn colour_follows_color_clicolor_force_and_no_color() {
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.args(args).current_dir(root()).env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stderr).contains('\u{1b}')
    };
    let bad = ["-c", "neighbours Chna"];
    assert!(!coloured(&bad, &[]));
    assert!(coloured(&[&["--color", "always"][..], &bad].concat(), &[]));
    assert!(coloured(&bad, &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&bad, &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(
        &[&["--color", "never"][..], &bad].concat(),
        &[("CLICOLOR_FORCE", "1")]
    ));
    assert!(coloured(
        &[&["--color", "always"][..], &bad].concat(),
        &[("NO_COLOR", "1")]
    ));
}

#[test]
fn help_teaches() {
    let (out, _, code) = run(&["--help"], None);
    assert_eq!(code, 0);
    for part in ["opens the shell", "Examples:", "Exit status:", "docs/"] {
        assert!(out.contains(part), "{part}\n{out}");
    }
    for sub in ["export", "check", "completions", "man"] {
        let (out, _, _) = run(&[sub, "--help"], None);
        assert!(out.matches("\n  dossier ").count() >= 3, "{sub}\n{out}");
    }
    let (out, _, _) = run(&["-c", ".help paths"], None);
    assert!(
        out.contains("On the bundled graph, `paths North_Korea -> ICC max 3` gives:"),
        "{out}"
    );
    assert!(out.contains("North_Korea -["), "{out}");
    let (out, _, _) = run(&["-c", ".help param"], None);
    assert!(out.contains("e.g. .param set who China"), "{out}");
}

#[test]
fn completions_load_in_bash_and_the_man_page_renders() {
    let exe = env!("CARGO_BIN_EXE_dossier");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source <('{exe}' completions bash) && complete -p dossier && COMP_WORDS=(dossier --for) && COMP_CWORD=1 && _dossier dossier --for dossier && echo \"${{COMPREPLY[@]}}\""
        ))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("-F _dossier dossier"), "{text}");
    assert!(text.contains("--format"), "{text}");
    for shell in ["zsh", "fish"] {
        let (out, _, code) = run(&["completions", shell], None);
        assert_eq!(code, 0);
        assert!(out.contains("--format"), "{shell}");
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("dossier.1");
    std::fs::write(&page, run(&["man"], None).0).unwrap();
    let out = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("NAME") && text.contains("dossier"), "{text}");
    assert!(text.contains("--param"), "{text}");
}

#[test]
fn two_evaluations_run_with_their_own_limits() {
    use dossier::query::eval::{Answer, Limits, evaluate_with};
    let graph = dossier::graph::Graph::from_inputs(
        &dossier::cli::inputs(&[]),
        dossier::build::Options::default(),
    )
    .unwrap();
    let query = dossier::query::parse_query(0, 0, "?s ?r ?o").unwrap();
    let rows = |limits| match evaluate_with(&graph, 0, &query, limits).unwrap() {
        Answer::Rows(rows) => (rows.rows.len(), rows.truncated),
        other => panic!("{other:?}"),
    };
    let (few, all) = std::thread::scope(|s| {
        let few = s.spawn(|| {
            rows(Limits {
                max_rows: 3,
                ..Limits::default()
            })
        });
        let all = s.spawn(|| rows(Limits::default()));
        (few.join().unwrap(), all.join().unwrap())
    });
    assert_eq!(few, (3, true));
    assert_eq!(all, (40, false));
}
