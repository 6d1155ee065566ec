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
    shell_with(dir, args, history, &[])
}

/// [`shell`] with more environment, its home (for the start-up file) the
/// history's folder.
fn shell_with(dir: &Path, args: &[&str], history: &Path, env: &[(&str, &str)]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(args)
        .current_dir(dir)
        .env("DOSSIER_HISTORY", history)
        .env(
            "HOME",
            history.parent().expect("the history is in a folder"),
        )
        .env_remove("XDG_CONFIG_HOME")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    for (k, v) in env {
        cmd.env(k, v);
    }
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
    prompt(p).unwrap_or_else(|e| panic!("{line}: {e}"))
}

/// Waits for a fresh prompt, on a line of its own (while a line is typed,
/// rustyline redraws it, prompt and all, after a carriage return), and
/// returns what came before it.
fn prompt(p: &mut PtySession) -> Result<String, rexpect::error::Error> {
    p.exp_regex("\n\r*dossier> ").map(|(before, _)| before)
}

/// Whether one of the lines of `out` is `line`.
fn has_line(out: &str, line: &str) -> bool {
    out.replace('\r', "").lines().any(|l| l.trim_end() == line)
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
fn labels_complete_after_at_and_the_hint_names_the_entity() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    // One label starts `Choe`: the hint shows the rest and the name.
    p.send("show @\"Choe").unwrap();
    p.flush().unwrap();
    // (rexpect reads bytes as Latin-1: the arrow is matched by its bytes.)
    p.exp_string("show @\"Choe Myong-nam\"  \u{e2}\u{86}\u{92} Choe_Myong-nam")
        .unwrap();
    // Tab completes it; the query names the entity by its label.
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.exp_string("@\"Choe Myong-nam\"").unwrap();
    let out = ask(&mut p, "");
    assert!(
        has_line(&out, "Choe_Myong-nam: person \"Choe Myong-nam\""),
        "{out}"
    );
    let out = ask(&mut p, ".labels on");
    assert!(!out.contains("error"), "{out}");
    let out = ask(&mut p, "neighbours China out");
    let row = out
        .replace('\r', "")
        .lines()
        .find(|l| l.contains("permanent_member_of"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
    assert_eq!(
        row.as_deref(),
        Some("Security_Council United Nations Security Council permanent_member_of out 1"),
        "{out}"
    );
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
    assert!(has_line(&ask(&mut p, "count ?x: state"), "1"));
    let out = ask(&mut p, ".load more.kg");
    assert!(out.contains("loaded more.kg: +1 entity"), "{out}");
    assert!(has_line(&ask(&mut p, "count ?x: state"), "3"));
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
    assert!(has_line(&ask(&mut p, "count ?x: person"), "4"));
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
    assert!(has_line(&ask(&mut p, ""), "4"));
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
    assert!(out.contains("24 entities, 42 relations, 6 facts"), "{out}");
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

#[test]
fn a_slow_load_shows_a_progress_bar_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    // About three seconds to load in a debug build: the bar shows after one.
    std::fs::write(
        dir.path().join("big.kg"),
        dossier::generate::generate(300_000, 5),
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("big.kg")
        .current_dir(dir.path())
        .env("DOSSIER_HISTORY", dir.path().join("h"))
        .env("TERM", "xterm");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(60_000))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::spawn_with_options(cmd, options).unwrap();
    let before = p.exp_string("Enter a query").unwrap();
    assert!(before.contains("loading big.kg"), "{before}");
    p.exp_string("dossier> ").unwrap();
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("big.kg"),
        dossier::generate::generate(300_000, 5),
    )
    .unwrap();
    let out = common::dossier_in(dir.path(), &["check", "big.kg"], None);
    assert_eq!(common::stderr(&out), "");
    assert!(common::stdout(&out).starts_with("ok: 60000 entities"));
}

/// The README's example session, replayed: each line after a prompt is
/// typed, and what follows it up to the next prompt must be printed.
#[test]
fn the_readme_session() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```session\n")
        .expect("the README has a session")
        + "```session\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.current_dir(dir.path())
        .env("DOSSIER_HISTORY", dir.path().join("h"))
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(TIMEOUT_MS))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::spawn_with_options(cmd, options).unwrap();
    let mut lines = block.lines().peekable();
    let mut welcome = String::new();
    while let Some(line) = lines.next_if(|l| !l.starts_with("dossier> ")) {
        welcome.push_str(line);
        welcome.push_str("\r\n");
    }
    let got = p.exp_string("dossier> ").unwrap();
    assert!(got.contains(&welcome), "welcome:\n{got}");
    while let Some(line) = lines.next() {
        let input = line.strip_prefix("dossier> ").expect("a prompt");
        p.send_line(input).unwrap();
        if input == ".quit" {
            break;
        }
        let mut expected = String::new();
        while let Some(l) = lines.next_if(|l| !l.starts_with("dossier> ")) {
            match l.strip_prefix("     ..> ") {
                Some(more) => {
                    p.exp_string("..> ").unwrap();
                    p.send_line(more).unwrap();
                }
                None => {
                    expected.push_str(l);
                    expected.push_str("\r\n");
                }
            }
        }
        let got = prompt(&mut p).unwrap().replace('\r', "");
        let expected = expected.replace('\r', "");
        assert!(
            got.trim_end().ends_with(expected.trim_end()),
            "after `{input}` expected\n{expected}\ngot\n{got}"
        );
    }
    exits_with(&mut p, 0);
}

#[test]
fn export_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(dir.path(), &[], &dir.path().join("h"));
    let out = ask(&mut p, ".export json near.json neighbours China out");
    assert!(out.contains("wrote near.json"), "{out}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("near.json")).unwrap())
            .unwrap();
    assert_eq!(doc["relations"].as_array().unwrap().len(), 3);
    let out = ask(&mut p, ".export bmp x.bmp");
    assert!(out.contains("unknown format `bmp`"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn a_file_deleted_before_reload_leaves_the_graph_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.kg");
    std::fs::write(&file, "A: state\nA r B\n").unwrap();
    let mut p = shell(dir.path(), &["g.kg"], &dir.path().join("h"));
    std::fs::remove_file(&file).unwrap();
    let out = ask(&mut p, ".reload");
    assert!(out.contains("cannot read `g.kg`"), "{out}");
    assert!(out.contains("the graph is as it was"), "{out}");
    assert!(has_line(&ask(&mut p, "count ?x: state"), "1"));
    // Once the file is back, .reload works again.
    std::fs::write(&file, "A: state\nB: state\n").unwrap();
    let out = ask(&mut p, ".reload");
    assert!(out.contains("reloaded"), "{out}");
    assert!(has_line(&ask(&mut p, "count ?x: state"), "2"));
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn ctrl_c_cancels_a_load_and_the_graph_is_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("small.kg"), "A: state\n").unwrap();
    std::fs::write(
        dir.path().join("big.kg"),
        dossier::generate::generate(1_000_000, 5),
    )
    .unwrap();
    let mut p = shell(dir.path(), &["small.kg"], &dir.path().join("h"));
    p.send_line(".load big.kg").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.exp_string("load cancelled; nothing was loaded").unwrap();
    p.exp_string("dossier> ").unwrap();
    assert!(has_line(&ask(&mut p, "count ?x: state"), "1"));
    assert!(has_line(&ask(&mut p, "count ?x: body"), "0"));
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

/// Makes a null device (1, 3) in a folder of the test's own, as root.
fn null_device(path: &Path) {
    common::device(path, 1, 3);
}

#[test]
fn a_device_as_the_history_is_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    null_device(&null);
    let mut p = shell(&root(), &[], &null);
    assert!(has_line(&ask(&mut p, "count ?x: person"), "4"));
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
    let meta = std::fs::metadata(&null).unwrap();
    assert!(meta.file_type().is_char_device(), "{meta:?}");
}

#[test]
fn two_shells_at_once_both_keep_their_history() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let mut first = shell(&root(), &[], &history);
    let mut second = shell(&root(), &[], &history);
    assert!(has_line(&ask(&mut first, "count ?x: person"), "4"));
    assert!(has_line(&ask(&mut second, "count ?x: state"), "4"));
    first.send_line(".quit").unwrap();
    exits_with(&mut first, 0);
    second.send_line(".quit").unwrap();
    exits_with(&mut second, 0);
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(saved.starts_with("#V2\n"), "{saved}");
    assert!(saved.contains("count ?x: person\n"), "{saved}");
    assert!(saved.contains("count ?x: state\n"), "{saved}");
}

#[test]
fn a_history_that_cannot_be_written_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the history's folder should be.
    std::fs::write(dir.path().join("state"), "").unwrap();
    let history = dir.path().join("state/history");
    let mut p = shell(&root(), &[], &history);
    let out = ask(&mut p, "count ?x: person");
    assert!(
        out.contains("warning: cannot write the history file"),
        "{out}"
    );
    let out = ask(&mut p, "count ?x: state");
    assert!(!out.contains("warning"), "{out}");
    assert!(has_line(&out, "4"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn ctrl_c_at_a_plain_prompt_does_not_cancel_the_next_query() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &["--no-readline"], &dir.path().join("h"));
    p.send_control('c').unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let out = ask(&mut p, "count ?x: state");
    assert!(!out.contains("cancelled"), "{out}");
    assert!(has_line(&out, "4"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn a_comment_after_a_trailing_comma_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    p.send_line("?b part_of ?p, # which bodies").unwrap();
    p.exp_string("..> ").unwrap();
    let out = ask(&mut p, "?p part_of United_Nations");
    assert!(out.contains("(2 rows)"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn ctrl_c_stops_the_load_of_a_fifo_and_the_shell_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.kg");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    p.send_line(&format!(".load {}", fifo.display())).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let asked = std::time::Instant::now();
    p.send_control('c').unwrap();
    let out = prompt(&mut p).unwrap();
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert!(out.contains("cancelled"), "{out}");
    assert!(out.contains("the graph is as it was"), "{out}");
    assert!(has_line(&ask(&mut p, "count ?x: person"), "4"));
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

/// The answers of `count ?x r ?y` for many lines pasted at once, in order.
fn pasted_counts(bracketed: bool, lines: usize) {
    let dir = tempfile::tempdir().unwrap();
    // Entities E0..E9, each with i statements: `count E{i} r ?y` is i.
    let mut text = String::new();
    for i in 0..10 {
        for j in 0..i {
            text.push_str(&format!("E{i} r T{j}\n"));
        }
    }
    text.push_str("E0: state\n");
    std::fs::write(dir.path().join("g.kg"), text).unwrap();
    let mut p = shell(dir.path(), &["g.kg"], &dir.path().join("h"));
    let queries: Vec<String> = (0..lines)
        .map(|k| format!("count E{} r ?y", k % 10))
        .collect();
    let mut paste = String::new();
    if bracketed {
        paste.push_str("\x1b[200~");
        paste.push_str(&queries.join("\n"));
        paste.push_str("\x1b[201~\r");
    } else {
        paste.push_str(&queries.join("\r"));
        paste.push('\r');
    }
    p.send(&paste).unwrap();
    p.flush().unwrap();
    p.send_line(".mode json").unwrap();
    p.send_line("count ?x: state").unwrap();
    let before = p.exp_string("{\"count\":1}").unwrap();
    let answers: Vec<usize> = before
        .replace('\r', "")
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    let expected: Vec<usize> = (0..lines).map(|k| k % 10).collect();
    assert_eq!(answers, expected, "{before}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn pasted_lines_each_run_in_order() {
    pasted_counts(false, 5);
    pasted_counts(false, 20);
    pasted_counts(false, 500);
}

#[test]
fn a_bracketed_paste_runs_each_line_in_order() {
    pasted_counts(true, 5);
    pasted_counts(true, 500);
}

#[test]
fn the_start_up_file_runs_first_and_no_rc_or_init_replace_it() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h");
    std::fs::write(dir.path().join(".dossierrc"), ".mode csv\n").unwrap();
    let mut p = shell(&root(), &[], &history);
    let out = ask(&mut p, "count ?x: state");
    assert!(has_line(&out, "count") && has_line(&out, "4"), "{out}");
    p.send_line("\\q").unwrap();
    exits_with(&mut p, 0);

    // The XDG file comes first.
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("dossier")).unwrap();
    std::fs::write(config.join("dossier/dossierrc"), ".mode jsonl\n").unwrap();
    let xdg = config.to_str().unwrap();
    let mut p = shell_with(&root(), &[], &history, &[("XDG_CONFIG_HOME", xdg)]);
    let out = ask(&mut p, "count ?x: state");
    assert!(has_line(&out, "{\"count\":4}"), "{out}");
    p.send_line(":quit").unwrap();
    exits_with(&mut p, 0);

    let mut p = shell_with(&root(), &["--no-rc"], &history, &[("XDG_CONFIG_HOME", xdg)]);
    let out = ask(&mut p, "count ?x: state");
    assert!(has_line(&out, "4") && !has_line(&out, "count"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);

    let init = dir.path().join("init.dq");
    std::fs::write(&init, ".mode markdown\n").unwrap();
    let mut p = shell(&root(), &["--init", init.to_str().unwrap()], &history);
    let out = ask(&mut p, "count ?x: state");
    assert!(has_line(&out, "| 4 |"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

/// `cmd` in a pseudo-terminal, with its history and home in `dir` and no
/// colour.
fn spawn_in(dir: &Path, mut cmd: Command) -> PtySession {
    cmd.current_dir(root())
        .env("DOSSIER_HISTORY", dir.join("h"))
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(TIMEOUT_MS))
        .strip_ansi_escape_codes(true);
    rexpect::spawn_with_options(cmd, options).expect("the shell starts in a pty")
}

/// The shell in a terminal of `rows` by `cols`.
fn sized(rows: u32, cols: u32) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!(
        "stty rows {rows} cols {cols} && exec '{}'",
        env!("CARGO_BIN_EXE_dossier")
    ));
    cmd
}

#[test]
fn cmd_runs_and_the_shell_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["--cmd", ".mode csv", "--cmd", "count ?x: body"]);
    let mut p = spawn_in(dir.path(), cmd);
    let (before, _) = p.exp_regex("dossier> ").unwrap();
    assert!(has_line(&before, "6"), "{before}");
    let out = ask(&mut p, "count ?x: state");
    assert!(has_line(&out, "4") && has_line(&out, "count"), "{out}");
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn a_tall_answer_goes_through_the_pager_until_pager_off() {
    let dir = tempfile::tempdir().unwrap();
    // A terminal of 10 rows, and a pager that marks what it shows.
    let mut cmd = sized(10, 100);
    cmd.env("PAGER", "sed s/^/PAGED:/");
    let mut p = spawn_in(dir.path(), cmd);
    p.exp_string("dossier> ").unwrap();
    let out = ask(&mut p, "?s ?r ?o");
    assert!(out.contains("PAGED:(40 rows)"), "{out}");
    // A short answer is shown as it is.
    let out = ask(&mut p, "count ?x: state");
    assert!(has_line(&out, "4"), "{out}");
    ask(&mut p, ".pager off");
    let out = ask(&mut p, "?s ?r ?o");
    assert!(
        out.contains("(40 rows)") && !out.contains("PAGED:"),
        "{out}"
    );
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn a_wide_answer_is_cut_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_in(dir.path(), sized(200, 60));
    p.exp_string("dossier> ").unwrap();
    // rexpect reads the terminal's bytes as Latin-1: decode them as UTF-8.
    let utf8 = |s: String| {
        String::from_utf8_lossy(&s.chars().map(|c| c as u8).collect::<Vec<u8>>()).into_owned()
    };
    let out = utf8(ask(&mut p, "?s abstained_on ?r {quote: ?q}"));
    let rows: Vec<&str> = out.lines().filter(|l| l.contains('…')).collect();
    assert!(!rows.is_empty(), "{out}");
    assert!(
        rows.iter().all(|l| l.trim_end().chars().count() <= 60),
        "{out}"
    );
    ask(&mut p, ".maxwidth 0");
    let out = utf8(ask(&mut p, "?s abstained_on ?r {quote: ?q}"));
    assert!(
        !out.contains('…') && out.contains("came from African states"),
        "{out}"
    );
    p.send_line(".quit").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn parameters_modes_and_files_in_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    ask(&mut p, ".param set who Russia");
    let out = ask(&mut p, "neighbours $who");
    assert!(
        out.contains("North_Korea") && out.contains("(2 rows)"),
        "{out}"
    );
    ask(&mut p, ".mode markdown");
    let out = ask(&mut p, "count ?x: state");
    assert!(has_line(&out, "| 4 |"), "{out}");
    let once = dir.path().join("once.txt");
    ask(&mut p, &format!(".once {}", once.display()));
    let out = ask(&mut p, "count ?x: body");
    assert!(!out.contains("| 6 |"), "{out}");
    assert_eq!(
        std::fs::read_to_string(&once).unwrap(),
        "| count |\n| --- |\n| 6 |\n"
    );
    let out = ask(&mut p, ".pram list");
    assert!(out.contains("did you mean .param?"), "{out}");
    p.send_line("\\q").unwrap();
    exits_with(&mut p, 0);
}

#[test]
fn scripts_files_and_the_system_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.dq");
    std::fs::write(&script, ".print from the script\ncount ?x: state\n").unwrap();
    std::fs::write(dir.path().join("more.kg"), "Zed: state\n").unwrap();
    let mut p = shell(&root(), &[], &dir.path().join("h"));
    let out = ask(&mut p, &format!(".read {}", script.display()));
    assert!(
        has_line(&out, "from the script") && has_line(&out, "4"),
        "{out}"
    );
    ask(&mut p, ".echo on");
    let out = ask(&mut p, ".print hello");
    assert_eq!(
        out.replace('\r', "")
            .lines()
            .filter(|l| l.trim() == ".print hello")
            .count(),
        2,
        "{out}"
    );
    ask(&mut p, ".echo off");
    let answers = dir.path().join("answers.txt");
    ask(&mut p, &format!(".output {}", answers.display()));
    let out = ask(&mut p, "count ?x: person");
    assert!(!has_line(&out, "4"), "{out}");
    ask(&mut p, ".output");
    assert_eq!(std::fs::read_to_string(&answers).unwrap(), "4\n");
    let marker = dir.path().join("marker");
    ask(&mut p, &format!(".shell touch {}", marker.display()));
    assert!(marker.exists());
    ask(&mut p, &format!(".cd {}", dir.path().display()));
    ask(&mut p, ".load more.kg");
    let out = ask(&mut p, "count ?x: state");
    assert!(has_line(&out, "5"), "{out}");
    p.send_line(":exit").unwrap();
    exits_with(&mut p, 0);
}
