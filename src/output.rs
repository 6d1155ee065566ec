//! Answers as text: aligned tables, boxes, Markdown, a line a value, tabs,
//! CSV, JSON (one document an answer) or JSON Lines (one object a row).

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
}

impl Default for View {
    fn default() -> View {
        View {
            headers: true,
            max_width: None,
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
            let (header, rows) = grid(graph, answer);
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
                partial(out, is_partial(answer), "answer")
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
            csv(out, graph, answer, view.headers)?;
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
        _ if is_partial(answer) => {
            eprintln!("note: the search stopped at its limit; the answer is partial")
        }
        _ => {}
    }
}

/// One JSON object a row, keyed by column, values typed: a neighbour, a
/// hop (with its `path` number for `paths`), a pattern's row, `{"count": N}`,
/// or the entity `show` shows.
fn jsonl(out: &mut dyn Write, graph: &Graph, answer: &Answer) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut line = |value: serde_json::Value| -> io::Result<()> {
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")
    };
    let hop = |path: Option<usize>, step: usize, h: &Hop| {
        let mut m = serde_json::Map::new();
        if let Some(p) = path {
            m.insert("path".into(), json!(p));
        }
        m.insert("step".into(), json!(step));
        m.insert("from".into(), json!(&*graph.entity(h.from).name));
        m.insert("relation".into(), json!(graph.relations.name(h.relation)));
        m.insert("to".into(), json!(&*graph.entity(h.to).name));
        m.insert("direction".into(), json!(dir_name(h.direction)));
        if h.derived {
            m.insert("derived".into(), json!(true));
        }
        serde_json::Value::Object(m)
    };
    match answer {
        Answer::Neighbours(list, _) => {
            for n in list {
                let mut value = json!({
                    "entity": &*graph.entity(n.entity).name,
                    "relation": graph.relations.name(n.relation),
                    "direction": dir_name(n.direction),
                    "depth": n.depth,
                });
                if n.derived {
                    value["derived"] = json!(true);
                }
                line(value)?;
            }
        }
        Answer::Path(path, _) => {
            for (i, h) in path.iter().flatten().enumerate() {
                line(hop(None, i + 1, h))?;
            }
        }
        Answer::Paths { paths, .. } => {
            for (p, path) in paths.iter().enumerate() {
                for (i, h) in path.iter().enumerate() {
                    line(hop(Some(p + 1), i + 1, h))?;
                }
            }
        }
        Answer::Rows(rows) => {
            for (r, row) in rows.rows.iter().enumerate() {
                let mut m = serde_json::Map::new();
                for (column, value) in rows.columns.iter().zip(row) {
                    m.insert(column.clone(), json_value(value));
                }
                if rows.derived.get(r).copied().unwrap_or(false) {
                    m.insert("derived".into(), json!(true));
                }
                line(serde_json::Value::Object(m))?;
            }
        }
        Answer::Count(n, _) => line(json!({ "count": n }))?,
        Answer::Show(_) => line(json_of(graph, answer))?,
    }
    out.flush()
}

/// A pattern's answer as JSON, the same document [`json_with`] makes,
/// written a row at a time; each statement's source is serialised once.
fn rows_json(out: &mut dyn Write, graph: &Graph, rows: &Rows, why: bool) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(b"{\"columns\":")?;
    serde_json::to_writer(&mut out, &rows.columns)?;
    out.write_all(b",\"rows\":[")?;
    for (i, row) in rows.rows.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"[")?;
        for (j, cell) in row.iter().enumerate() {
            if j > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut out, &json_value(cell))?;
        }
        out.write_all(b"]")?;
    }
    out.write_all(b"]")?;
    if rows.truncated {
        out.write_all(b",\"truncated\":true")?;
    }
    if rows.derived.iter().any(|d| *d) {
        out.write_all(b",\"derived\":")?;
        serde_json::to_writer(&mut out, &rows.derived)?;
    }
    if why {
        let mut seen: std::collections::HashMap<EdgeIndex, String> = Default::default();
        out.write_all(b",\"sources\":[")?;
        for i in 0..rows.rows.len() {
            if i > 0 {
                out.write_all(b",")?;
            }
            let derived = rows.derived.get(i).copied().unwrap_or(false);
            match rows.sources.get(i) {
                // A derived row also cites declarations: its list whole.
                Some((_, facts)) if derived || !facts.is_empty() => {
                    serde_json::to_writer(&mut out, &row_sources(graph, rows, i))?;
                }
                Some((edges, _)) => {
                    out.write_all(b"[")?;
                    for (j, e) in edges.iter().enumerate() {
                        if j > 0 {
                            out.write_all(b",")?;
                        }
                        let text = seen.entry(*e).or_insert_with(|| {
                            serde_json::to_string(&edge_source(graph, *e))
                                .expect("sources serialise")
                        });
                        out.write_all(text.as_bytes())?;
                    }
                    out.write_all(b"]")?;
                }
                None => out.write_all(b"[]")?,
            }
        }
        out.write_all(b"]")?;
    }
    out.write_all(b"}\n")?;
    out.flush()
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

/// Where a statement was written, what it says, and its `quote`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: u32,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

impl Source {
    fn line_text(&self) -> String {
        let mut s = format!("{}:{}  {}", self.file, self.line, self.text);
        if let Some(q) = &self.quote {
            s.push_str(&format!("  \u{201c}{q}\u{201d}"));
        }
        s
    }
}

/// A statement as relation-file text, its `quote` apart.
fn statement_text(
    graph: &Graph,
    subject: NodeIndex,
    relation: Sym,
    object: Option<NodeIndex>,
    attrs: u32,
) -> (String, Option<String>) {
    let mut text = String::new();
    crate::value::write_name(&mut text, &graph.entity(subject).name).expect("writing to a String");
    text.push(' ');
    crate::value::write_relation(&mut text, graph.relations.name(relation))
        .expect("writing to a String");
    if let Some(o) = object {
        text.push(' ');
        crate::value::write_name(&mut text, &graph.entity(o).name).expect("writing to a String");
    }
    let mut quote = None;
    let rest: Vec<String> = graph
        .attrs(attrs)
        .iter()
        .filter_map(|(k, v)| match (graph.keys.name(*k), v) {
            ("quote", Value::Str(q)) => {
                quote = Some(q.to_string());
                None
            }
            (key, v) => Some(format!("{key}: {v}")),
        })
        .collect();
    if !rest.is_empty() {
        text.push_str(&format!(" {{{}}}", rest.join(", ")));
    }
    (text, quote)
}

/// The source of a stored relation statement.
pub fn edge_source(graph: &Graph, edge: EdgeIndex) -> Source {
    let g = graph.petgraph();
    let (a, b) = g.edge_endpoints(edge).expect("edges have ends");
    let w = g[edge];
    let (text, quote) = statement_text(graph, a, w.relation, Some(b), w.attrs);
    Source {
        file: graph.files[w.origin.file as usize].clone(),
        line: w.origin.line,
        text,
        quote,
    }
}

/// The source of a fact.
pub fn fact_source(graph: &Graph, f: &Fact) -> Source {
    let (text, quote) = statement_text(graph, f.subject, f.predicate, None, f.attrs);
    Source {
        file: graph.files[f.origin.file as usize].clone(),
        line: f.origin.line,
        text,
        quote,
    }
}

/// The declarations that let relation `r` be derived: its own, and one
/// that declares it the inverse of another or another the inverse of it.
pub fn declaration_sources(graph: &Graph, r: Sym) -> Vec<Source> {
    let mut out = Vec::new();
    let mut add = |s: Sym| {
        if let (Some(d), Some(text)) = (graph.declarations.get(&s), graph.declaration_text(s)) {
            let source = Source {
                file: graph.files[d.origin.file as usize].clone(),
                line: d.origin.line,
                text,
                quote: None,
            };
            if !out.contains(&source) {
                out.push(source);
            }
        }
    };
    add(r);
    for (s, d) in &graph.declarations {
        if d.inverse_of == Some(r) {
            add(*s);
        }
    }
    out
}

/// What a hop rests on: its stored statement, and for a derived hop the
/// declarations that derive it.
pub fn hop_sources(graph: &Graph, edge: EdgeIndex, relation: Sym, derived: bool) -> Vec<Source> {
    let mut out = vec![edge_source(graph, edge)];
    if derived {
        out.extend(declaration_sources(graph, relation));
        out.extend(
            declaration_sources(graph, graph.petgraph()[edge].relation)
                .into_iter()
                .filter(|s| !out.contains(s))
                .collect::<Vec<_>>(),
        );
    }
    out
}

/// What a pattern's row rests on.
pub fn row_sources(graph: &Graph, rows: &Rows, i: usize) -> Vec<Source> {
    let Some((edges, facts)) = rows.sources.get(i) else {
        return Vec::new();
    };
    let mut out: Vec<Source> = edges.iter().map(|e| edge_source(graph, *e)).collect();
    out.extend(facts.iter().map(|f| fact_source(graph, f)));
    if rows.derived.get(i).copied().unwrap_or(false) {
        for e in edges {
            for d in declaration_sources(graph, graph.petgraph()[*e].relation) {
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// Every statement that mentions `node`, in file order.
pub fn statements_about(graph: &Graph, node: NodeIndex) -> Vec<Source> {
    let mut keyed: Vec<(crate::graph::Origin, Source)> = Vec::new();
    for dir in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming] {
        for e in graph.adjacent(node, dir) {
            if dir == petgraph::Direction::Incoming && e.source == e.target {
                continue;
            }
            keyed.push((e.weight.origin, edge_source(graph, e.id)));
        }
    }
    for f in graph.facts_of(node) {
        keyed.push((f.origin, fact_source(graph, f)));
    }
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|(_, s)| s).collect()
}

/// The table of an answer with, under each row or hop, its sources.
fn why_table(out: &mut dyn Write, graph: &Graph, answer: &Answer) -> io::Result<()> {
    let under = |out: &mut dyn Write, sources: Vec<Source>| -> io::Result<()> {
        for s in sources {
            writeln!(out, "    <- {}", s.line_text())?;
        }
        Ok(())
    };
    match answer {
        Answer::Path(Some(path), _) if !path.is_empty() => {
            writeln!(out, "{}", draw_path(graph, path))?;
            for h in path {
                writeln!(
                    out,
                    "  {} -[{}]-> {}",
                    graph.entity(h.from).name,
                    graph.relations.name(h.relation),
                    graph.entity(h.to).name
                )?;
                under(out, hop_sources(graph, h.edge, h.relation, h.derived))?;
            }
            Ok(())
        }
        Answer::Paths { paths, .. } => {
            for p in paths {
                writeln!(out, "{}", draw_path(graph, p))?;
                for h in p {
                    under(out, hop_sources(graph, h.edge, h.relation, h.derived))?;
                }
            }
            writeln!(
                out,
                "({} path{})",
                paths.len(),
                if paths.len() == 1 { "" } else { "s" }
            )
        }
        Answer::Neighbours(list, _) => {
            for n in list {
                let d = if n.derived { " (derived)" } else { "" };
                writeln!(
                    out,
                    "{} {} {} {}{d}",
                    graph.entity(n.entity).name,
                    graph.relations.name(n.relation),
                    dir_name(n.direction),
                    n.depth
                )?;
                under(out, hop_sources(graph, n.edge, n.relation, n.derived))?;
            }
            footer(out, list.len(), "row")
        }
        Answer::Rows(rows) => {
            writeln!(out, "{}", rows.columns.join("  "))?;
            for (i, row) in rows.rows.iter().enumerate() {
                let d = if rows.derived.get(i).copied().unwrap_or(false) {
                    "  (derived)"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{}{d}",
                    row.iter().map(cell).collect::<Vec<_>>().join("  ")
                )?;
                under(out, row_sources(graph, rows, i))?;
            }
            footer(out, rows.rows.len(), "row")
        }
        other => table(out, graph, other, &View::default()),
    }
}

/// The JSON document of an answer.
pub fn json_of(graph: &Graph, answer: &Answer) -> serde_json::Value {
    json_with(graph, answer, false)
}

/// The JSON document of an answer, with `"sources"` when `why`.
pub fn json_with(graph: &Graph, answer: &Answer, why: bool) -> serde_json::Value {
    let mut doc = json_plain(graph, answer);
    if why {
        match answer {
            Answer::Neighbours(list, _) => {
                for (n, entry) in list
                    .iter()
                    .zip(doc["neighbours"].as_array_mut().expect("a list").iter_mut())
                {
                    entry["sources"] = json!(hop_sources(graph, n.edge, n.relation, n.derived));
                }
            }
            Answer::Path(Some(path), _) => {
                for (h, hop) in path
                    .iter()
                    .zip(doc["path"].as_array_mut().expect("a list").iter_mut())
                {
                    hop["sources"] = json!(hop_sources(graph, h.edge, h.relation, h.derived));
                }
            }
            Answer::Paths { paths, .. } => {
                for (p, list) in paths
                    .iter()
                    .zip(doc["paths"].as_array_mut().expect("a list").iter_mut())
                {
                    for (h, hop) in p
                        .iter()
                        .zip(list.as_array_mut().expect("a list").iter_mut())
                    {
                        hop["sources"] = json!(hop_sources(graph, h.edge, h.relation, h.derived));
                    }
                }
            }
            Answer::Rows(rows) => {
                doc["sources"] = json!(
                    (0..rows.rows.len())
                        .map(|i| row_sources(graph, rows, i))
                        .collect::<Vec<_>>()
                );
            }
            _ => {}
        }
    }
    doc
}

fn json_plain(graph: &Graph, answer: &Answer) -> serde_json::Value {
    match answer {
        Answer::Neighbours(list, truncated) => {
            let mut doc = json!({ "neighbours": list.iter().map(|n| neighbour(graph, n)).collect::<Vec<_>>() });
            if *truncated {
                doc["truncated"] = json!(true);
            }
            doc
        }
        Answer::Path(path, truncated) => {
            let mut doc = json!({ "path": path.as_ref().map(|p| hops(graph, p)) });
            if *truncated {
                doc["truncated"] = json!(true);
            }
            doc
        }
        Answer::Paths {
            paths,
            truncated,
            by_states,
        } => {
            let mut doc = json!({
                "paths": paths.iter().map(|p| hops(graph, p)).collect::<Vec<_>>(),
                "truncated": truncated,
            });
            if *truncated {
                doc["truncated_by"] = json!(if *by_states { "max_states" } else { "limit" });
            }
            doc
        }
        Answer::Rows(rows) => {
            let mut doc = json!({
                "columns": rows.columns,
                "rows": rows.rows.iter().map(|r| r.iter().map(json_value).collect::<Vec<_>>()).collect::<Vec<_>>(),
            });
            if rows.truncated {
                doc["truncated"] = json!(true);
            }
            // Rows that only relation declarations derive, marked row by
            // row; absent when no row is.
            if rows.derived.iter().any(|d| *d) {
                doc["derived"] = json!(rows.derived);
            }
            doc
        }
        Answer::Count(n, truncated) => {
            let mut doc = json!({ "count": n });
            if *truncated {
                doc["truncated"] = json!(true);
            }
            doc
        }
        Answer::Show(node) => {
            let e = graph.entity(*node);
            json!({
                "name": &*e.name,
                "kind": graph.kind_name(*node),
                "label": graph.label_of(e),
                "attributes": attributes(graph, e.attrs),
                "facts": graph.facts_of(*node).map(|f| json!({
                    "predicate": graph.relations.name(f.predicate),
                    "attributes": attributes(graph, f.attrs),
                })).collect::<Vec<_>>(),
                "declared": e.declared,
                "statements": statements_about(graph, *node),
                "source": { "file": &graph.files[e.origin.file as usize], "line": e.origin.line },
            })
        }
    }
}

#[derive(Serialize)]
struct NeighbourJson<'a> {
    entity: &'a str,
    relation: &'a str,
    direction: &'static str,
    depth: u32,
    /// Only present, and true, for an entry a relation declaration derives.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    derived: bool,
}

fn neighbour(graph: &Graph, n: &Neighbour) -> serde_json::Value {
    serde_json::to_value(NeighbourJson {
        entity: &graph.entity(n.entity).name,
        relation: graph.relations.name(n.relation),
        direction: dir_name(n.direction),
        depth: n.depth,
        derived: n.derived,
    })
    .expect("plain data serialises")
}

#[derive(Serialize)]
struct HopJson<'a> {
    from: &'a str,
    relation: &'a str,
    to: &'a str,
    direction: &'static str,
    /// Only present, and true, for a hop a relation declaration derives.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    derived: bool,
}

fn hops(graph: &Graph, path: &[Hop]) -> serde_json::Value {
    serde_json::to_value(
        path.iter()
            .map(|h| HopJson {
                from: &graph.entity(h.from).name,
                relation: graph.relations.name(h.relation),
                to: &graph.entity(h.to).name,
                direction: dir_name(h.direction),
                derived: h.derived,
            })
            .collect::<Vec<_>>(),
    )
    .expect("plain data serialises")
}

/// A typed value in JSON: numbers and booleans as themselves, dates,
/// strings and names as strings.
pub fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Int(i) => json!(i),
        Value::Dec(d) => json!(d),
        Value::Bool(b) => json!(b),
        Value::Date(d) => json!(d.to_string()),
        Value::Str(s) | Value::Name(s) => json!(&**s),
    }
}

fn attributes(graph: &Graph, attrs: u32) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (k, v) in graph.attrs(attrs) {
        map.insert(graph.keys.name(*k).to_string(), json_value(v));
    }
    serde_json::Value::Object(map)
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
        let rel = graph.relations.name(h.relation);
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

fn table(out: &mut dyn Write, graph: &Graph, answer: &Answer, view: &View) -> io::Result<()> {
    match answer {
        Answer::Neighbours(list, truncated) => {
            let any_derived = list.iter().any(|n| n.derived);
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|n| {
                    let mut row = vec![
                        graph.entity(n.entity).name.to_string(),
                        graph.relations.name(n.relation).to_string(),
                        dir_name(n.direction).to_string(),
                        n.depth.to_string(),
                    ];
                    if any_derived {
                        row.push(if n.derived {
                            "yes".into()
                        } else {
                            String::new()
                        });
                    }
                    row
                })
                .collect();
            let header: &[&str] = if any_derived {
                &["entity", "relation", "direction", "depth", "derived"]
            } else {
                &["entity", "relation", "direction", "depth"]
            };
            aligned_view(out, header, &rows, view)?;
            footer(out, rows.len(), "row")?;
            partial(out, *truncated, "answer")
        }
        Answer::Path(None, false) => writeln!(out, "no path"),
        Answer::Path(None, true) => writeln!(
            out,
            "no path found before the search stopped at its limit (--max-states); the answer is partial"
        ),
        Answer::Path(Some(path), _) if path.is_empty() => {
            writeln!(out, "(the same entity: a path of no hops)")
        }
        Answer::Path(Some(path), _) => writeln!(out, "{}", draw_path(graph, path)),
        Answer::Paths {
            paths,
            truncated,
            by_states,
        } => {
            for p in paths {
                writeln!(out, "{}", draw_path(graph, p))?;
            }
            let s = if paths.len() == 1 { "" } else { "s" };
            if *by_states {
                writeln!(
                    out,
                    "({} path{s}; the search stopped at its limit: raise `--max-states`; the answer is partial)",
                    paths.len()
                )
            } else if *truncated {
                writeln!(
                    out,
                    "({} path{s}; more were left out: raise `limit` or lower `max`)",
                    paths.len()
                )
            } else {
                writeln!(out, "({} path{s})", paths.len())
            }
        }
        Answer::Rows(Rows {
            columns,
            rows,
            truncated,
            derived,
            ..
        }) => {
            let mut header: Vec<&str> = columns.iter().map(String::as_str).collect();
            let mut rows: Vec<Vec<String>> =
                rows.iter().map(|r| r.iter().map(cell).collect()).collect();
            // A last column marks the rows that only declarations derive.
            if derived.iter().any(|d| *d) {
                header.push("derived");
                for (row, d) in rows.iter_mut().zip(derived) {
                    row.push(if *d { "yes".into() } else { String::new() });
                }
            }
            aligned_view(out, &header, &rows, view)?;
            footer(out, rows.len(), "row")?;
            partial(out, *truncated, "answer")
        }
        Answer::Count(n, truncated) => {
            writeln!(out, "{n}")?;
            partial(out, *truncated, "count")
        }
        Answer::Show(node) => {
            let e = graph.entity(*node);
            let mut name = String::new();
            crate::value::write_name(&mut name, &e.name).expect("writing to a String");
            write!(out, "{name}: {}", graph.kind_name(*node))?;
            if let Some(label) = graph.label_of(e) {
                let mut l = String::new();
                crate::value::write_quoted(&mut l, label).expect("writing to a String");
                write!(out, " {l}")?;
            }
            writeln!(out)?;
            let place = format!("{}:{}", graph.files[e.origin.file as usize], e.origin.line);
            if e.declared {
                writeln!(out, "  declared at {place}")?;
            } else {
                writeln!(out, "  not declared; first used at {place}")?;
            }
            for (k, v) in graph.attrs(e.attrs) {
                writeln!(out, "  {}: {v}", graph.keys.name(*k))?;
            }
            for f in graph.facts_of(*node) {
                write!(out, "  fact: {}", graph.relations.name(f.predicate))?;
                write_attrs(out, graph, f.attrs)?;
                writeln!(out)?;
            }
            let statements = statements_about(graph, *node);
            if !statements.is_empty() {
                writeln!(out, "  statements:")?;
                for st in statements {
                    writeln!(out, "    {}:{}  {}", st.file, st.line, st.text)?;
                }
            }
            Ok(())
        }
    }
}

fn write_attrs(out: &mut dyn Write, graph: &Graph, attrs: u32) -> io::Result<()> {
    let list = graph.attrs(attrs);
    if list.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = list
        .iter()
        .map(|(k, v)| format!("{}: {v}", graph.keys.name(*k)))
        .collect();
    write!(out, " {{{}}}", parts.join(", "))
}

/// The line under an answer that a search limit cut short.
fn partial(out: &mut dyn Write, truncated: bool, what: &str) -> io::Result<()> {
    if truncated {
        writeln!(
            out,
            "(the search stopped at its limit; the {what} is partial)"
        )?;
    }
    Ok(())
}

fn footer(out: &mut dyn Write, n: usize, what: &str) -> io::Result<()> {
    writeln!(out, "({n} {what}{})", if n == 1 { "" } else { "s" })
}

/// Columns padded to their widest cell, a rule under the header. Widths
/// are what a terminal shows: a CJK character or an emoji takes two
/// columns, a combining mark none.
pub fn aligned(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    aligned_view(out, header, rows, &View::default())
}

fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The columns' widths: each its widest cell, then, while the whole is
/// wider than `max` (with `gap` between columns), the widest cut down, to
/// no less than 8 columns.
fn widths(header: &[&str], rows: &[Vec<String>], max: Option<usize>, gap: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(&one_line(c)));
        }
    }
    if let Some(max) = max {
        let total = |w: &[usize]| w.iter().sum::<usize>() + gap * w.len().saturating_sub(1);
        while total(&widths) > max {
            let (i, &w) = widths
                .iter()
                .enumerate()
                .max_by_key(|(_, w)| **w)
                .expect("a table has columns");
            if w <= 8 {
                break;
            }
            widths[i] = w - 1;
        }
    }
    widths
}

/// `cell` cut to `max` display columns, its end shown as `…`.
fn cut(cell: &str, max: usize) -> String {
    if width(cell) <= max {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// [`aligned`], with or without its header, and no wider than `view` says.
fn aligned_view(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    view: &View,
) -> io::Result<()> {
    let widths = widths(header, rows, view.max_width, 2);
    let line = |cells: Vec<String>| {
        let last = cells.len().saturating_sub(1);
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            let c = cut(c, *w);
            s.push_str(&c);
            if i < last {
                s.push_str(&" ".repeat(w - width(&c) + 2));
            }
        }
        s
    };
    if view.headers {
        writeln!(
            out,
            "{}",
            line(header.iter().map(|h| h.to_string()).collect())
        )?;
        writeln!(
            out,
            "{}",
            line(widths.iter().map(|w| "-".repeat(*w)).collect())
        )?;
    }
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(|c| one_line(c)).collect()))?;
    }
    Ok(())
}

/// Columns in a Unicode box, as duckdb draws them.
fn boxed(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    view: &View,
) -> io::Result<()> {
    let widths = widths(header, rows, view.max_width.map(|m| m.saturating_sub(4)), 3);
    let rule = |left: &str, mid: &str, right: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{left}{}{right}", parts.join(mid))
    };
    let line = |cells: Vec<String>| {
        let mut s = String::from("│");
        for (c, w) in cells.iter().zip(&widths) {
            let c = cut(c, *w);
            s.push(' ');
            s.push_str(&c);
            s.push_str(&" ".repeat(w - width(&c) + 1));
            s.push('│');
        }
        s
    };
    writeln!(out, "{}", rule("┌", "┬", "┐"))?;
    if view.headers {
        writeln!(
            out,
            "{}",
            line(header.iter().map(|h| h.to_string()).collect())
        )?;
        writeln!(out, "{}", rule("├", "┼", "┤"))?;
    }
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(|c| one_line(c)).collect()))?;
    }
    writeln!(out, "{}", rule("└", "┴", "┘"))?;
    let s = if rows.len() == 1 { "" } else { "s" };
    writeln!(out, "({} row{s})", rows.len())
}

/// A GitHub Markdown table, `|` in cells escaped.
fn markdown(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let cell = |c: &str| one_line(c).replace('|', "\\|");
    let line = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    writeln!(out, "{}", line(header.iter().map(|h| cell(h)).collect()))?;
    writeln!(
        out,
        "{}",
        line(header.iter().map(|_| "---".to_string()).collect())
    )?;
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(|c| cell(c)).collect()))?;
    }
    Ok(())
}

/// One `column = value` a line, names right-aligned, a blank line between
/// rows.
fn line_mode(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let w = header.iter().map(|h| width(h)).max().unwrap_or(0);
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        for (h, c) in header.iter().zip(row) {
            writeln!(out, "{}{h} = {}", " ".repeat(w - width(h)), one_line(c))?;
        }
    }
    Ok(())
}

/// Tab-separated values: tabs and line ends in cells as `\t` and `\n`.
fn tabs(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    headers: bool,
) -> io::Result<()> {
    if headers {
        writeln!(out, "{}", header.join("\t"))?;
    }
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| one_line(c)).collect();
        writeln!(out, "{}", cells.join("\t"))?;
    }
    Ok(())
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

fn csv(out: &mut dyn Write, graph: &Graph, answer: &Answer, headers: bool) -> io::Result<()> {
    let (header, rows) = grid(graph, answer);
    if headers {
        csv_row(out, &header)?;
    }
    for row in &rows {
        csv_row(out, row)?;
    }
    Ok(())
}

/// An answer as a header and rows of text: a neighbour, a hop, a
/// pattern's row, the count, or a field of `show` a row.
fn grid(graph: &Graph, answer: &Answer) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header: Vec<String> = match answer {
        Answer::Neighbours(list, _) => {
            for n in list {
                rows.push(vec![
                    graph.entity(n.entity).name.to_string(),
                    graph.relations.name(n.relation).to_string(),
                    dir_name(n.direction).to_string(),
                    n.depth.to_string(),
                ]);
            }
            strings(&["entity", "relation", "direction", "depth"])
        }
        Answer::Path(path, _) => {
            for (i, h) in path.iter().flatten().enumerate() {
                rows.push(hop_row(graph, i + 1, h));
            }
            strings(&["step", "from", "relation", "to", "direction"])
        }
        Answer::Paths { paths, .. } => {
            for (p, path) in paths.iter().enumerate() {
                for (i, h) in path.iter().enumerate() {
                    let mut row = vec![(p + 1).to_string()];
                    row.extend(hop_row(graph, i + 1, h));
                    rows.push(row);
                }
            }
            strings(&["path", "step", "from", "relation", "to", "direction"])
        }
        Answer::Rows(r) => {
            rows = r
                .rows
                .iter()
                .map(|row| row.iter().map(cell).collect())
                .collect();
            r.columns.clone()
        }
        Answer::Count(n, _) => {
            rows.push(vec![n.to_string()]);
            strings(&["count"])
        }
        Answer::Show(node) => {
            let e = graph.entity(*node);
            rows.push(strings(&["name", &e.name]));
            rows.push(strings(&["kind", graph.kind_name(*node)]));
            rows.push(strings(&["label", graph.label_of(e).unwrap_or("")]));
            rows.push(vec![
                "source".into(),
                format!("{}:{}", graph.files[e.origin.file as usize], e.origin.line),
            ]);
            for (k, v) in graph.attrs(e.attrs) {
                rows.push(vec![format!("attribute:{}", graph.keys.name(*k)), cell(v)]);
            }
            for f in graph.facts_of(*node) {
                rows.push(vec![
                    "fact".into(),
                    graph.relations.name(f.predicate).to_string(),
                ]);
            }
            strings(&["field", "value"])
        }
    };
    (header, rows)
}

fn hop_row(graph: &Graph, step: usize, h: &Hop) -> Vec<String> {
    vec![
        step.to_string(),
        graph.entity(h.from).name.to_string(),
        graph.relations.name(h.relation).to_string(),
        graph.entity(h.to).name.to_string(),
        dir_name(h.direction).to_string(),
    ]
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// One CSV record, quoted as RFC 4180 asks (lines end in `\n`, as
/// duckdb and most tools write them).
pub fn csv_row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        // A row of one empty cell is quoted, else it is a blank line,
        // which CSV readers skip (Python's reads `[]`, pandas drops it).
        let lone_empty = cells.len() == 1 && c.is_empty();
        if lone_empty
            || c.contains([',', '"', '\n', '\r'])
            || c.starts_with(' ')
            || c.ends_with(' ')
        {
            line.push('"');
            line.push_str(&c.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(c);
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}
