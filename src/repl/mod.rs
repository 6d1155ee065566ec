//! The interactive shell: reads a line, runs it as a meta-command or a
//! query through the same runner as `-c`, and prints through the same
//! writers.

pub mod helper;
pub mod meta;

use crate::cli::color;
use crate::graph::Graph;
use crate::output::aligned;
use crate::session::{Control, Session};
use helper::{ShellHelper, Vocabulary, incomplete};
use meta::{COMMANDS, parse_meta};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};
use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, Hash};
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const PROMPT: &str = "dossier> ";
const CONTINUATION: &str = "     ..> ";

/// Runs the shell until `.quit` or Ctrl-D. `readline` false reads plain
/// lines (for terminals where line editing misbehaves).
pub fn run(mut session: Session, readline: bool) -> ExitCode {
    // Ctrl-C while a query runs cancels it; while a line is edited,
    // rustyline reads it as a key and clears the line.
    let _ = ctrlc::set_handler(crate::cancel::request);
    let files: Vec<String> = session.graph.files.clone();
    println!(
        "Dossier {}: {} ({} entities, {} relations, {} facts)",
        env!("CARGO_PKG_VERSION"),
        files.join(", "),
        session.graph.entity_count(),
        session.graph.relation_count(),
        session.graph.fact_count()
    );
    println!("Enter a query, or .help for help; .quit or Ctrl-D leaves.");
    let mut input = if readline {
        match LineInput::editor(&session.graph) {
            Ok(editor) => editor,
            Err(e) => {
                eprintln!("note: line editing is not available ({e}); reading plain lines");
                LineInput::Plain
            }
        }
    } else {
        LineInput::Plain
    };
    session.interactive = true;
    while let Some(text) = input.read_query() {
        // A Ctrl-C at the prompt (with plain lines, the terminal discards
        // the line and the signal sets the flag) is not meant for the query
        // typed after it.
        crate::cancel::reset();
        if text.trim().is_empty() {
            continue;
        }
        input.remember(&text);
        let meta = parse_meta(&text).is_some();
        if session.run("<query>", 0, &text) == Control::Quit {
            break;
        }
        if meta {
            input.refresh(&session.graph);
        }
    }
    session.finish_output();
    ExitCode::SUCCESS
}

thread_local! {
    /// Lines of a paste not yet run.
    static PASTED: std::cell::RefCell<std::collections::VecDeque<String>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// Where lines come from: rustyline, or plain reads of stdin.
enum LineInput {
    Editor(Box<Editor<ShellHelper, DefaultHistory>>, Option<History>),
    Plain,
}

impl LineInput {
    fn editor(graph: &Graph) -> rustyline::Result<LineInput> {
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .history_ignore_dups(true)?
            .max_history_size(10_000)?
            .build();
        let mut editor = Editor::with_config(config)?;
        editor.set_helper(Some(ShellHelper::new(Vocabulary::of(graph), color())));
        let history = history_path().map(History::new);
        if let Some(history) = &history {
            for entry in history.load() {
                let _ = editor.add_history_entry(entry);
            }
        }
        Ok(LineInput::Editor(Box::new(editor), history))
    }

    /// Reads one query: a line, and more lines while it is incomplete.
    /// `None` at the end of input (Ctrl-D on an empty line). Lines pasted
    /// at once (in one bracketed paste, which the editor gives as one line
    /// with line breaks) are run one by one, as if typed.
    fn read_query(&mut self) -> Option<String> {
        let mut text = String::new();
        loop {
            let prompt = if text.is_empty() {
                PROMPT
            } else {
                CONTINUATION
            };
            let next = PASTED.with(|p| p.borrow_mut().pop_front());
            let read = match next {
                Some(line) => Ok(Some(line)),
                None => self.read_line(prompt),
            };
            let read = read.map(|line| {
                line.map(|line| match line.split_once('\n') {
                    None => line,
                    Some((first, rest)) => {
                        PASTED.with(|p| {
                            let mut p = p.borrow_mut();
                            // Before what an earlier paste left.
                            for (i, l) in rest.split('\n').enumerate() {
                                p.insert(i, l.trim_end_matches('\r').to_string());
                            }
                        });
                        first.trim_end_matches('\r').to_string()
                    }
                })
            });
            match read {
                Ok(Some(line)) => {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&line);
                    if !incomplete(&text) {
                        return Some(text);
                    }
                }
                // End of input in the middle of a query: run what there is.
                Ok(None) if !text.is_empty() => return Some(text),
                Ok(None) => return None,
                // Ctrl-C: drop the line (and any lines before it, and what
                // is left of a paste) and start over.
                Err(()) => {
                    text.clear();
                    PASTED.with(|p| p.borrow_mut().clear());
                }
            }
        }
    }

    fn read_line(&mut self, prompt: &str) -> Result<Option<String>, ()> {
        match self {
            LineInput::Editor(editor, _) => match editor.readline(prompt) {
                Ok(line) => Ok(Some(line)),
                Err(ReadlineError::Interrupted) => Err(()),
                Err(ReadlineError::Eof) => Ok(None),
                Err(e) => {
                    eprintln!("error: cannot read a line: {e}");
                    Ok(None)
                }
            },
            LineInput::Plain => {
                print!("{prompt}");
                let _ = io::stdout().flush();
                let mut line = String::new();
                match io::stdin().lock().read_line(&mut line) {
                    Ok(0) => Ok(None),
                    Ok(_) => Ok(Some(line.trim_end_matches(['\n', '\r']).to_string())),
                    Err(_) => Ok(None),
                }
            }
        }
    }

    /// Adds a query to the history, on one line, and appends it to the
    /// history file.
    fn remember(&mut self, text: &str) {
        if let LineInput::Editor(editor, history) = self {
            let one_line = text
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            if let Ok(true) = editor.add_history_entry(one_line.as_str())
                && let Some(history) = history
            {
                history.append(&one_line);
            }
        }
    }

    /// The graph changed: complete its names.
    fn refresh(&mut self, graph: &Graph) {
        if let LineInput::Editor(editor, _) = self
            && let Some(helper) = editor.helper_mut()
        {
            helper.vocabulary = Vocabulary::of(graph);
        }
    }
}

/// Where the history lives: `$DOSSIER_HISTORY`, else
/// `$XDG_STATE_HOME/dossier/history`, else `~/.local/state/dossier/history`.
/// A relative `XDG_STATE_HOME` is ignored, as the XDG specification says.
pub fn history_path() -> Option<PathBuf> {
    history_path_from(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
}

fn history_path_from(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    if let Some(path) = var("DOSSIER_HISTORY") {
        return Some(PathBuf::from(path));
    }
    if let Some(state) = var("XDG_STATE_HOME").map(PathBuf::from)
        && state.is_absolute()
    {
        return Some(state.join("dossier/history"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".local/state/dossier/history"))
}

/// How many entries the shell keeps.
const HISTORY_SIZE: usize = 10_000;

/// The history file, in rustyline's format (`#V2`, then an entry a line
/// with `\n` and `\\` escaped). Each query is appended as it is run, in one
/// write, so two shells open at once both keep theirs; a file grown past
/// twice the size kept is rewritten with its last entries when a shell
/// opens. Written by the rules of [`crate::files`]: a device such as
/// `/dev/null` is written through, never replaced.
struct History {
    path: PathBuf,
    /// The first failure was reported: say it once, not every query.
    warned: bool,
}

impl History {
    fn new(path: PathBuf) -> History {
        History {
            path,
            warned: false,
        }
    }

    /// The entries of a regular history file, oldest first; a device, FIFO
    /// or missing file has none.
    fn load(&self) -> Vec<String> {
        let Ok(target) = crate::files::follow_links(&self.path) else {
            return Vec::new();
        };
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_file() => {}
            _ => return Vec::new(),
        }
        let Ok(bytes) = std::fs::read(&target) else {
            return Vec::new();
        };
        let text = String::from_utf8_lossy(&bytes);
        let mut lines = text.lines().peekable();
        let v2 = lines.peek() == Some(&"#V2");
        if v2 {
            lines.next();
        }
        let entries: Vec<String> = lines
            .filter(|l| !l.is_empty())
            .map(|l| if v2 { unescape(l) } else { l.to_string() })
            .collect();
        if entries.len() > 2 * HISTORY_SIZE {
            let kept = &entries[entries.len() - HISTORY_SIZE..];
            let mut file = String::from("#V2\n");
            for entry in kept {
                file.push_str(&escape(entry));
                file.push('\n');
            }
            let _ = crate::files::write_file(&self.path, file.as_bytes());
            return kept.to_vec();
        }
        entries
    }

    fn append(&mut self, entry: &str) {
        let fresh = crate::files::follow_links(&self.path)
            .map(|t| std::fs::symlink_metadata(t).is_err())
            .unwrap_or(false);
        let mut line = if fresh {
            String::from("#V2\n")
        } else {
            String::new()
        };
        line.push_str(&escape(entry));
        line.push('\n');
        if let Err(e) = crate::files::append(&self.path, line.as_bytes())
            && !self.warned
        {
            self.warned = true;
            eprintln!(
                "warning: cannot write the history file `{}`: {e}; this session's queries will not be kept",
                self.path.display()
            );
        }
    }
}

fn escape(entry: &str) -> String {
    entry.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a reload changed, from the graph before to the graph after.
pub fn reload_changes(old: &Graph, new: &Graph) -> String {
    let (old, new) = (fingerprint(old), fingerprint(new));
    let diff = |i: usize| {
        let added = new[i].difference(&old[i]).count() as i64;
        let removed = old[i].difference(&new[i]).count() as i64;
        (added, removed)
    };
    let (ea, er) = diff(0);
    let (ra, rr) = diff(1);
    let (fa, fr) = diff(2);
    changes(&[("entity", ea, er), ("relation", ra, rr), ("fact", fa, fr)])
}

/// `+3 relations, -1 fact`, or `no changes`.
pub fn changes(counts: &[(&str, i64, i64)]) -> String {
    let mut parts = Vec::new();
    for (what, added, removed) in counts {
        for (sign, n) in [('+', added), ('-', removed)] {
            if *n > 0 {
                parts.push(format!("{sign}{n} {}", noun(what, *n)));
            }
        }
    }
    if parts.is_empty() {
        "no changes".into()
    } else {
        parts.join(", ")
    }
}

fn noun(what: &str, n: i64) -> String {
    match (what, n) {
        (_, 1) => what.to_string(),
        ("entity", _) => "entities".to_string(),
        _ => format!("{what}s"),
    }
}

/// Hashes of every entity, relation statement and fact, by what they say
/// (names, not indices), to tell what a reload changed.
fn fingerprint(graph: &Graph) -> [HashSet<u64>; 3] {
    let hasher = foldhash::fast::FixedState::with_seed(7);
    let attrs = |id: u32| -> Vec<String> {
        graph
            .attrs(id)
            .iter()
            .map(|(k, v)| format!("{}={v}", graph.keys.name(*k)))
            .collect()
    };
    let h = |x: &dyn Fn(&mut foldhash::fast::FoldHasher)| {
        let mut state = hasher.build_hasher();
        x(&mut state);
        std::hash::Hasher::finish(&state)
    };
    let entities = graph
        .entities()
        .map(|(n, e)| {
            h(&|s| {
                (
                    &*e.name,
                    graph.kind_name(n),
                    graph.label_of(e),
                    attrs(e.attrs),
                )
                    .hash(s)
            })
        })
        .collect();
    let g = graph.petgraph();
    let edges = g
        .edge_indices()
        .map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            h(&|s| {
                (
                    &*graph.entity(a).name,
                    graph.relations.name(g[e].relation),
                    &*graph.entity(b).name,
                    attrs(g[e].attrs),
                )
                    .hash(s)
            })
        })
        .collect();
    let facts = graph
        .facts()
        .iter()
        .map(|f| {
            h(&|s| {
                (
                    &*graph.entity(f.subject).name,
                    graph.relations.name(f.predicate),
                    attrs(f.attrs),
                )
                    .hash(s)
            })
        })
        .collect();
    [entities, edges, facts]
}

/// `.stats`: totals, entities by kind, statements by relation.
pub fn stats(graph: &Graph) -> String {
    let mut out = Vec::new();
    let _ = writeln!(out, "files: {}", graph.files.join(", "));
    let _ = writeln!(
        out,
        "{} entities, {} relations, {} facts\n",
        graph.entity_count(),
        graph.relation_count(),
        graph.fact_count()
    );
    let mut kinds: Vec<Vec<String>> = graph
        .kinds
        .iter()
        .filter(|(k, _)| graph.kind_count(*k) > 0)
        .map(|(k, name)| vec![name.to_string(), graph.kind_count(k).to_string()])
        .collect();
    kinds.sort_by(|a, b| a[0].cmp(&b[0]));
    let _ = aligned(&mut out, &["kind", "entities"], &kinds);
    let _ = writeln!(out);
    let mut relations: Vec<Vec<String>> = graph
        .relations
        .iter()
        .filter(|(r, _)| graph.relation_edge_count(*r) + graph.predicate_fact_count(*r) > 0)
        .map(|(r, name)| {
            vec![
                name.to_string(),
                graph.relation_edge_count(r).to_string(),
                graph.predicate_fact_count(r).to_string(),
            ]
        })
        .collect();
    relations.sort_by(|a, b| a[0].cmp(&b[0]));
    let _ = aligned(&mut out, &["relation", "statements", "facts"], &relations);
    String::from_utf8(out).expect("tables are text")
}

/// `.schema`: which kinds each relation joins, and which kinds have
/// which facts, with counts.
pub fn schema(graph: &Graph) -> String {
    let g = graph.petgraph();
    let mut edges: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        *edges
            .entry((
                graph.relations.name(g[e].relation),
                graph.kind_name(a),
                graph.kind_name(b),
            ))
            .or_default() += 1;
    }
    let mut facts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in graph.facts() {
        *facts
            .entry((
                graph.relations.name(f.predicate),
                graph.kind_name(f.subject),
            ))
            .or_default() += 1;
    }
    let mut out = Vec::new();
    let rows: Vec<Vec<String>> = edges
        .iter()
        .map(|((r, a, b), n)| vec![r.to_string(), format!("{a} -> {b}"), n.to_string()])
        .collect();
    let _ = aligned(
        &mut out,
        &["relation", "subject -> object", "statements"],
        &rows,
    );
    if !facts.is_empty() {
        let _ = writeln!(out);
        let rows: Vec<Vec<String>> = facts
            .iter()
            .map(|((p, k), n)| vec![p.to_string(), k.to_string(), n.to_string()])
            .collect();
        let _ = aligned(&mut out, &["fact", "subject", "statements"], &rows);
    }
    String::from_utf8(out).expect("tables are text")
}

/// The text of `.help` and `.help TOPIC`.
pub fn help(topic: Option<&str>) -> String {
    let forms = [
        (
            "neighbours",
            "neighbours NAME [out|in|both] [via REL,...] [depth N]",
            "neighbours North_Korea out",
        ),
        ("path", "path A [->] B [via REL,...]", "path China -> ICC"),
        (
            "paths",
            "paths A [->] B [via REL,...] [max N] [limit K]",
            "paths North_Korea -> ICC max 3",
        ),
        (
            "patterns",
            "CLAUSE, CLAUSE... [where CONDITION and ...]",
            "?s permanent_member_of Security_Council {veto: ?v}",
        ),
        ("count", "count PATTERN", "count ?x: person"),
        ("show", "show NAME", "show Choe_Myong-nam"),
    ];
    let mut out = String::new();
    match topic {
        None | Some("queries" | "commands") => {
            out.push_str("Queries (.help TOPIC for more):\n");
            for (_, syntax, example) in forms {
                out.push_str(&format!("  {syntax:<52} e.g. {example}\n"));
            }
            out.push_str("\nCommands:\n");
            for (command, args, what, _) in COMMANDS {
                out.push_str(&format!("  {:<24} {what}\n", format!("{command} {args}")));
            }
            out.push_str("\nKeys: Tab completes names, relations and commands; Ctrl-C cancels a line or a running query;\nCtrl-D on an empty line leaves. A line ending in `,` or with an open quote, brace or parenthesis goes on.\n.help COMMAND or .help FORM shows one with an example.\n");
        }
        Some("patterns") => out.push_str(
            "Patterns are statements with ?variables, clauses joined by `,`:\n\
             \x20 ?s member_of Security_Council         relations (the relation may be a variable: China ?rel ?x)\n\
             \x20 ?s abstains_on_referral               facts (?x ?flag lists them all)\n\
             \x20 ?s: state                             entities of a kind\n\
             \x20 ?x adopted ?r {date: ?d}              binds an attribute; {veto: true} requires one\n\
             \x20 ... where ?d >= 2014-01-01 and ?n > 3 compares values: = != < <= > >=\n\
             The answer has a column per variable and distinct, sorted rows.\n",
        ),
        Some("keys") => out.push_str(
            "Tab         complete a command, query word, entity, relation, kind or file\n\
             Ctrl-C      clear the line, or cancel a running query\n\
             Ctrl-D      leave (on an empty line)\n\
             Up, Down    walk the history (kept in $DOSSIER_HISTORY or ~/.local/state/dossier/history)\n\
             Ctrl-R      search the history\n",
        ),
        Some(t) => match forms.iter().find(|(name, _, _)| *name == t || (t == "neighbors" && *name == "neighbours")) {
            Some((_, syntax, example)) => {
                out.push_str(&format!("{syntax}\n  e.g. {example}\n{}", form_help(t)));
                out.push_str(&format!("\nOn the bundled graph, `{example}` gives:\n{}", real_answer(example)));
            }
            None => match COMMANDS
                .iter()
                .find(|c| c.0 == t || c.0.strip_prefix('.') == Some(t))
                .or_else(|| COMMANDS.iter().find(|c| c.0.trim_start_matches(['.', ':', '\\']) == t))
            {
                Some((command, args, what, example)) => {
                    out.push_str(&format!("{command} {args}\n  {what}\n  e.g. {example}\n"))
                }
                None => out.push_str(&format!("no help on `{t}`; topics: {}\n", helper::HELP_TOPICS.join(", "))),
            },
        },
    }
    out
}

/// `example`'s answer on the bundled graph, computed, as a table.
fn real_answer(example: &str) -> String {
    let graph = match Graph::from_inputs(&crate::cli::inputs(&[]), crate::build::Options::default())
    {
        Ok(graph) => graph,
        Err(_) => return String::new(),
    };
    let query = crate::query::parse_query(0, 0, example).expect("help's examples parse");
    let answer = crate::query::eval::evaluate(&graph, 0, &query).expect("help's examples run");
    let mut out = Vec::new();
    let _ = crate::output::write(
        &mut out,
        &graph,
        &answer,
        crate::output::Format::Table,
        query.why,
    );
    String::from_utf8_lossy(&out).into_owned()
}

fn form_help(topic: &str) -> &'static str {
    match topic {
        "neighbours" | "neighbors" => {
            "  out: NAME is the subject; in: NAME is the object; both (the default).\n  At depth 1, a row per statement; deeper, each entity once at its smallest depth.\n"
        }
        "path" => {
            "  A shortest path; `->` follows statements forward only. -[r]-> reads forward, <-[r]- backward.\n"
        }
        "paths" => {
            "  Every simple path of at most N hops (default 3), shortest first, at most K (default 100).\n"
        }
        "count" => "  The number of distinct rows of a pattern.\n",
        "show" => "  An entity's kind, label, attributes, facts and where it was declared.\n",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_path_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        let all = env(&[
            ("DOSSIER_HISTORY", "/tmp/h"),
            ("XDG_STATE_HOME", "/s"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(history_path_from(all), Some(PathBuf::from("/tmp/h")));
        let xdg = env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/home/u")]);
        assert_eq!(
            history_path_from(xdg),
            Some(PathBuf::from("/s/dossier/history"))
        );
        let home = env(&[("HOME", "/home/u")]);
        assert_eq!(
            history_path_from(home),
            Some(PathBuf::from("/home/u/.local/state/dossier/history"))
        );
        assert_eq!(history_path_from(env(&[])), None);
    }

    #[test]
    fn change_summaries() {
        assert_eq!(
            changes(&[("entity", 0, 0), ("relation", 3, 0), ("fact", 0, 1)]),
            "+3 relations, -1 fact"
        );
        assert_eq!(
            changes(&[("entity", 2, 1), ("relation", 0, 0), ("fact", 0, 0)]),
            "+2 entities, -1 entity"
        );
        assert_eq!(changes(&[("entity", 0, 0)]), "no changes");
    }

    #[test]
    fn help_covers_every_form_and_command() {
        let all = help(None);
        for word in [
            "neighbours",
            "path",
            "paths",
            "count",
            "show",
            ".load",
            ".reload",
            ".mode",
            ".timer",
            ".stats",
            ".schema",
            ".quit",
        ] {
            assert!(all.contains(word), "{word}");
        }
        assert!(help(Some("paths")).contains("e.g. paths"));
        assert!(help(Some("load")).starts_with(".load FILE..."));
        assert!(help(Some("paths")).contains("On the bundled graph"));
        for (command, _, _, example) in COMMANDS {
            let topic = command.trim_start_matches('.');
            assert!(
                help(Some(topic)).contains(&format!("e.g. {example}")),
                "{command}"
            );
        }
        assert!(help(Some("nonsense")).starts_with("no help on"));
    }
}
