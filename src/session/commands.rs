//! A script's lines as commands, as `-f` and piped input run them: a
//! meta-command is its line, a query goes on while it is incomplete.

use super::{incomplete, parse_meta};

/// Splits lines into commands: a meta-command is its line; a query goes on
/// while [`incomplete`] says it does.
#[derive(Default)]
pub(super) struct Commands {
    text: String,
    first: usize,
}

impl Commands {
    /// Adds line `number`; a command it completes, with its first line.
    pub(super) fn push(&mut self, number: usize, line: &str) -> Option<(usize, String)> {
        if self.text.is_empty() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                return None;
            }
            if parse_meta(line).is_some() {
                return Some((number, line.to_string()));
            }
            self.first = number;
        } else {
            self.text.push('\n');
        }
        self.text.push_str(line);
        if incomplete(&self.text) {
            None
        } else {
            Some((self.first, std::mem::take(&mut self.text)))
        }
    }

    /// What is left at the end: an unfinished query, run as it is (and
    /// refused by the parser, never cut into pieces that run alone).
    pub(super) fn finish(self) -> Option<(usize, String)> {
        let text = self.text.trim_end();
        (!text.is_empty()).then(|| (self.first, text.to_string()))
    }
}

/// The commands of a script as `-f` runs them: each with the number of its
/// first line (from 0) and whether it is a meta-command.
pub fn script_commands(text: &str) -> Vec<(usize, String, bool)> {
    let mut commands = Commands::default();
    let mut out = Vec::new();
    for (number, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some((first, command)) = commands.push(number, line) {
            let meta = parse_meta(&command).is_some();
            out.push((first, command, meta));
        }
    }
    if let Some((first, command)) = commands.finish() {
        out.push((first, command, false));
    }
    out
}
