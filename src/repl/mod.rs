//! The interactive shell: reads a line, runs it as a meta-command or a
//! query through the same runner as `-c`, and prints through the same
//! writers.

pub mod helper;
mod history;

pub use crate::session::meta;
use history::{History, history_path};

use crate::diagnostic::color;
use crate::graph::Graph;
use crate::session::incomplete;
use crate::session::{Control, Session};
use helper::{ShellHelper, Vocabulary};
use meta::parse_meta;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};
use std::io::{self, BufRead, Write};
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
