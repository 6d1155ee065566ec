//! Answers as text: aligned tables, boxes, Markdown, a line a value, tabs,
//! CSV, JSON (one document an answer) or JSON Lines (one object a row).
//! This file holds the modes and the dispatch; `table.rs` the layouts for
//! people, `csv.rs` the grid every row-wise mode shares, `json.rs` JSON and
//! JSON Lines, `sources.rs` the statements behind an answer (`why`).

mod csv;
mod json;
mod report;
mod sources;
mod table;

pub use csv::*;
pub use json::*;
pub use report::*;
pub use sources::*;
pub use table::*;

use crate::graph::Graph;
use crate::graph::{Fact, Sym};
use crate::query::ast::Direction;
use crate::query::eval::{Answer, Hop, Neighbour, Rows, dir_name};
use crate::value::Value;
use petgraph::graph::{EdgeIndex, NodeIndex};
use serde::Serialize;
use serde_json::json;
use std::io::{self, Write};

/// How answers are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people
    #[default]
    Table,
    /// Columns in a Unicode box, as duckdb draws them
    Box,
    /// A GitHub Markdown table
    Markdown,
    /// One `column = value` a line, a blank line between rows (sqlite3's
    /// `.mode line`, psql's `\x`)
    Line,
    /// Tab-separated values with a header row
    Tabs,
    /// Comma-separated values with a header row
    Csv,
    /// One JSON document an answer, on one line
    Json,
    /// One JSON object a row, keyed by column (JSON Lines)
    Jsonl,
}

/// How an answer is laid out, beyond its format.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Header rows in tables, boxes, CSV and tabs.
    pub headers: bool,
    /// The widest a table or box may be: wider cells are cut with `…`.
    pub max_width: Option<usize>,
    /// A label column beside each column of entities (`.labels on`).
    pub labels: bool,
}

impl Default for View {
    fn default() -> View {
        View {
            headers: true,
            max_width: None,
            labels: false,
        }
    }
}

/// The columns of entities in an answer's grid or table.
fn entity_columns(answer: &Answer) -> Vec<usize> {
    match answer {
        Answer::Neighbours(..) => vec![0],
        Answer::Path(..) => vec![1, 3],
        Answer::Paths { .. } => vec![2, 4],
        Answer::Rows(r) => (0..r.columns.len())
            .filter(|&i| r.entity_columns.get(i).copied().unwrap_or(false))
            .collect(),
        Answer::Count(..) | Answer::Show(_) => Vec::new(),
    }
}

/// With `.labels on`: after each column of entities, their labels (`label`
/// beside `entity`, `s_label` beside `s`).
pub(crate) fn add_labels(
    graph: &Graph,
    answer: &Answer,
    header: &mut Vec<String>,
    rows: &mut [Vec<String>],
) {
    for &i in entity_columns(answer).iter().rev() {
        let name = match header[i].as_str() {
            "entity" => "label".to_string(),
            h => format!("{h}_label"),
        };
        header.insert(i + 1, name);
        for row in rows.iter_mut() {
            let label = graph
                .find(&row[i])
                .and_then(|n| graph.label(n))
                .unwrap_or("")
                .to_string();
            row.insert(i + 1, label);
        }
    }
}

/// Writes `answer` in `format`; with `why`, with the statements each row
/// or hop rests on (in tables and JSON; CSV stays one table).
pub fn write(
    out: &mut dyn Write,
    graph: &Graph,
    answer: &Answer,
    format: Format,
    why: bool,
) -> io::Result<()> {
    write_view(out, graph, answer, format, why, &View::default())
}

/// [`write`], laid out as `view` says.
pub fn write_view(
    out: &mut dyn Write,
    graph: &Graph,
    answer: &Answer,
    format: Format,
    why: bool,
    view: &View,
) -> io::Result<()> {
    match format {
        Format::Table => {
            let mut buffer = Vec::new();
            if why {
                why_table(&mut buffer, graph, answer)?;
            } else {
                table(&mut buffer, graph, answer, view)?;
            }
            out.write_all(escape_controls(&String::from_utf8_lossy(&buffer)).as_bytes())
        }
        Format::Box | Format::Markdown | Format::Line | Format::Tabs => {
            let (mut header, mut rows) = grid(graph, answer);
            if view.labels {
                add_labels(graph, answer, &mut header, &mut rows);
            }
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let mut buffer = Vec::new();
            match format {
                Format::Box => boxed(&mut buffer, &header, &rows, view)?,
                Format::Markdown => markdown(&mut buffer, &header, &rows)?,
                Format::Line => line_mode(&mut buffer, &header, &rows)?,
                _ => tabs(&mut buffer, &header, &rows, view.headers)?,
            }
            out.write_all(escape_controls(&String::from_utf8_lossy(&buffer)).as_bytes())?;
            if format == Format::Tabs {
                partial_note(answer);
                Ok(())
            } else {
                partial_answer(out, answer)
            }
        }
        Format::Jsonl => {
            jsonl(out, graph, answer)?;
            partial_note(answer);
            Ok(())
        }
        // A pattern's rows are written as they go: as a tree of values, a
        // million rows with their sources took gigabytes.
        Format::Json if matches!(answer, Answer::Rows(_)) => {
            let Answer::Rows(rows) = answer else {
                unreachable!("matched above")
            };
            rows_json(out, graph, rows, why)
        }
        Format::Json => {
            serde_json::to_writer(&mut *out, &json_with(graph, answer, why))?;
            writeln!(out)
        }
        Format::Csv => {
            csv(out, graph, answer, view)?;
            partial_note(answer);
            Ok(())
        }
    }
}

/// CSV, tabs and JSON Lines have no place for a note: a partial answer is
/// said on stderr, as the table's last line says it.
fn partial_note(answer: &Answer) {
    match answer {
        Answer::Paths {
            truncated: true,
            by_states: false,
            ..
        } => eprintln!("note: more paths were left out: raise `limit` or lower `max`"),
        Answer::Rows(r) if r.left_out > 0 => eprintln!("note: {}", left_out_text(r.left_out)),
        _ if is_partial(answer) => {
            eprintln!("note: the search stopped at its limit; the answer is partial")
        }
        _ => {}
    }
}

/// What a `limit` left out of rows: `3 more were left out: raise `limit``.
fn left_out_text(n: usize) -> String {
    let was = if n == 1 { "was" } else { "were" };
    format!("{n} more {was} left out: raise `limit`")
}

/// The last line of a table or box whose answer a limit cut.
fn partial_answer(out: &mut dyn Write, answer: &Answer) -> io::Result<()> {
    match answer {
        Answer::Rows(r) if r.left_out > 0 => writeln!(out, "({})", left_out_text(r.left_out)),
        _ => partial(out, is_partial(answer), "answer"),
    }
}

/// Whether a limit cut the answer.
pub fn is_partial(answer: &Answer) -> bool {
    match answer {
        Answer::Neighbours(_, t) | Answer::Path(_, t) | Answer::Count(_, t) => *t,
        Answer::Paths { truncated, .. } => *truncated,
        Answer::Rows(rows) => rows.truncated,
        Answer::Show(_) => false,
    }
}

/// A value as a table or CSV cell: text without quotes.
fn cell(v: &Value) -> String {
    match v {
        Value::Str(s) | Value::Name(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// A path drawn on one line: `China -[member_of]-> UN <-[asks]- Resolution`.
pub fn draw_path(graph: &Graph, path: &[Hop]) -> String {
    let mut line = String::new();
    if let Some(first) = path.first() {
        line.push_str(&graph.entity(first.from).name);
    }
    for h in path {
        let name = graph.relations.name(h.relation);
        // A contested hop's relation ends in `?`: `-[r?]->` (no relation
        // name can end so).
        let rel = if h.contested {
            format!("{name}?")
        } else {
            name.to_string()
        };
        // A derived hop is drawn with double lines: `=[r]=>`.
        match (h.direction, h.derived) {
            (Direction::In, false) => line.push_str(&format!(" <-[{rel}]- ")),
            (Direction::In, true) => line.push_str(&format!(" <=[{rel}]= ")),
            (_, false) => line.push_str(&format!(" -[{rel}]-> ")),
            (_, true) => line.push_str(&format!(" =[{rel}]=> ")),
        }
        line.push_str(&graph.entity(h.to).name);
    }
    line
}

/// A cell on one line: line breaks and tabs shown as escapes, and every
/// other control character too (an ESC in a name must not reach the
/// terminal as a command).
fn one_line(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Text for a person's terminal: control characters other than line
/// ends and tabs shown as `\u{..}` escapes, so that no name or value can
/// send the terminal a command (ESC and OSC sequences, a bell, a carriage
/// return that hides what came before).
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
