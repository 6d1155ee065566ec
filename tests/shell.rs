//! The interactive shell, driven in a real pseudo-terminal.

mod common;
use common::root;
use rexpect::process::WaitStatus;
use rexpect::session::PtySession;
use std::path::Path;
use std::process::Command;

const TIMEOUT_MS: u64 = 20_000;

/// Starts the shell on `args` in `dir`, with its history in `history`.
fn shell(dir: &Path, args: &[&str], history: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(args)
        .current_dir(dir)
        .env("DOSSIER_HISTORY", history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(TIMEOUT_MS))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::spawn_with_options(cmd, options).expect("the shell starts in a pty");
    p.exp_string("Enter a query, or .help for help").unwrap();
    p.exp_string("dossier> ").unwrap();
    p
}

/// Sends a line and returns what the shell printed before its next
/// prompt. (rustyline asks the terminal where the cursor is before each
/// prompt and reads the answer for 100 ms, so a test types a line only
/// once the prompt is there, as a person does.)
fn ask(p: &mut PtySession, line: &str) -> String {
    p.send_line(line).unwrap();
    p.exp_string("dossier> ")
        .unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn exits_with(p: &mut PtySession, code: i32) {
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, c) => assert_eq!(c, code),
        other => panic!("the shell ended with {other:?}"),
    }
}

#[test]
fn a_query_and_its_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    let out = ask(&mut p, "neighbours North_Korea out");
    assert!(
        out.contains("China              estranged_from              out        1"),
        "{out}"
    );
    assert!(out.contains("(6 rows)"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn tab_completes_an_entity_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    // `North_Kor` names nothing: the query only works once Tab completes it.
    p.send("neighbours North_Kor").unwrap();
    p.flush().unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.exp_string("North_Korea").unwrap();
    let out = ask(&mut p, " out");
    assert!(out.contains("(6 rows)"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn a_query_over_several_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    p.send_line("?b part_of ?p,").unwrap();
    p.exp_string("..> ").unwrap();
    let out = ask(&mut p, "?p part_of United_Nations");
    assert!(
        out.contains("Human_Rights_Committee  General_Assembly") && out.contains("(2 rows)"),
        "{out}"
    );
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn ctrl_c_cancels_a_long_query_and_the_shell_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("big.kg");
    std::fs::write(&graph, dossier::generate::generate(20_000, 3)).unwrap();
    // No search limit: this search would run for hours.
    let mut p = shell(
        dir.path(),
        &["big.kg", "--max-states", "1000000000000000"],
        &dir.path().join("h"),
    );
    p.send_line("paths E0 E1 max 12 limit 4000000000").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1000));
    p.send_control('c').unwrap();
    p.exp_string("query cancelled").unwrap();
    p.exp_string("dossier> ").unwrap();
    let out = ask(&mut p, "count ?x: state");
    assert!(out.contains("800"), "{out}");
    // Ctrl-C at the prompt clears the line; the shell stays.
    p.send("neighbours E0").unwrap();
    p.flush().unwrap();
    p.send_control('c').unwrap();
    p.exp_string("dossier> ").unwrap();
    let out = ask(&mut p, "count ?x: body");
    assert!(out.contains("800"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn a_broken_load_leaves_the_graph_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.kg"), "A: state\nA r B\n").unwrap();
    std::fs::write(dir.path().join("bad.kg"), "C: state\nA: body\nD r\n\"E\n").unwrap();
    std::fs::write(dir.path().join("more.kg"), "B: state\nC: state\n").unwrap();
    let mut p = shell(dir.path(), &["good.kg"], &dir.path().join("h"));
    let out = ask(&mut p, ".load bad.kg");
    assert!(
        out.contains("bad.kg:2:4") && out.contains("this string has no closing quote"),
        "{out}"
    );
    assert!(
        out.contains("nothing was loaded; the graph is as it was"),
        "{out}"
    );
    assert!(ask(&mut p, "count ?x: state").contains("\r\n1\r\n"));
    let out = ask(&mut p, ".load more.kg");
    assert!(out.contains("loaded more.kg: +1 entity"), "{out}");
    assert!(ask(&mut p, "count ?x: state").contains("\r\n3\r\n"));
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn reload_says_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.kg");
    std::fs::write(&file, "A r B\nA r C\nA flagged\n").unwrap();
    let mut p = shell(dir.path(), &["g.kg"], &dir.path().join("h"));
    std::fs::write(&file, "A r B\nA r D\nA r E\n").unwrap();
    let out = ask(&mut p, ".reload");
    assert!(
        out.contains("reloaded: +2 entities, -1 entity, +2 relations, -1 relation, -1 fact"),
        "{out}"
    );
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn history_is_written_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("state/dossier/history");
    let mut p = shell(&root(), &[], &history);
    assert!(ask(&mut p, "count ?x: person").contains("\r\n4\r\n"));
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(saved.contains("count ?x: person"), "{saved}");

    let mut p = shell(&root(), &[], &history);
    // Up twice: past `.quit` to the query of the session before.
    p.send("\x1b[A").unwrap();
    p.flush().unwrap();
    p.exp_string(".quit").unwrap();
    p.send("\x1b[A").unwrap();
    p.flush().unwrap();
    p.exp_string("count ?x: person").unwrap();
    assert!(ask(&mut p, "").contains("\r\n4\r\n"));
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn ctrl_d_on_an_empty_line_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    p.send_control('d').unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn meta_commands_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    let out = ask(&mut p, ".help");
    assert!(
        out.contains("neighbours NAME [out|in|both]") && out.contains(".schema"),
        "{out}"
    );
    ask(&mut p, ".mode json");
    assert!(ask(&mut p, "count ?x: state").contains("{\"count\":4}"));
    ask(&mut p, ".mode csv");
    assert!(ask(&mut p, "count ?x: state").contains("count\r\n4"));
    ask(&mut p, ".mode table");
    ask(&mut p, ".timer on");
    let out = ask(&mut p, "count ?x: state");
    assert!(out.contains("time: ") && out.contains(" ms"), "{out}");
    let out = ask(&mut p, ".schema");
    assert!(
        out.contains("permanent_member_of") && out.contains("state -> body"),
        "{out}"
    );
    let out = ask(&mut p, ".stats");
    assert!(out.contains("22 entities, 39 relations, 5 facts"), "{out}");
    let out = ask(&mut p, ".mdoe table");
    assert!(
        out.contains("unknown command .mdoe; did you mean .mode?"),
        "{out}"
    );
    let out = ask(&mut p, "neighbours Nowhere");
    assert!(out.contains("no entity is named `Nowhere`"), "{out}");
    p.send_line("quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn no_readline_reads_plain_lines_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &["--no-readline"], &dir.path().join("h"));
    let out = ask(&mut p, "count ?x: state");
    assert!(out.trim_start().starts_with('4'), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
    assert!(
        !dir.path().join("h").exists(),
        "plain reading keeps no history"
    );
}
