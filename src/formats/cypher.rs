//! Cypher scripts for Neo4j and Kuzu, in the shape of [`super::columns`]:
//! `Entity` nodes (labelled with their kind too in Neo4j), `Relation`
//! edges (in Neo4j, relationships of the relation's own type), and `Fact`
//! nodes joined to their entity by `HAS_FACT`, each with Dossier's
//! properties, its source file and line, and its attributes typed.
//!
//! Kuzu's tables need a schema, written first, then the rows in batches
//! of [`BATCH`], a column of literals at a time (see [`Table::copy`]): a
//! statement a row took 53 s for 20,000 statements.

use super::columns::{self, Cell, Columns, Ty};
use super::json::{Order, Parts};
use crate::graph::{AttrsId, Graph, Origin};
use crate::value::Value;
use std::fmt::Write;

/// Rows a Kuzu `UNWIND` carries.
pub const BATCH: usize = 5000;

/// A Cypher string literal (single quotes, backslash escapes), which
/// Neo4j and Kuzu both read: a control character as `\uXXXX` in Neo4j; in
/// Kuzu, which reads `\n` as `n`, as itself.
fn string(s: &str, kuzu: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if !kuzu && c == '\n' => out.push_str("\\n"),
            c if !kuzu && c == '\r' => out.push_str("\\r"),
            c if !kuzu && c == '\t' => out.push_str("\\t"),
            c if !kuzu && c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A Cypher name in backticks.
fn name(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// A decimal as Cypher reads it (always with a point or an exponent).
fn decimal(d: f64) -> String {
    // Not `inf` or `NaN`: the loaders refuse decimals out of range.
    debug_assert!(d.is_finite(), "a decimal out of range was held: {d}");
    format!("{d:?}")
}

/// A value as Neo4j holds it: integers, floats, booleans, dates, and
/// strings (names too).
fn neo4j_value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Dec(d) => decimal(*d),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => format!("date('{d}')"),
        Value::Str(s) | Value::Name(s) => string(s, false),
    }
}

/// An attribute set as Neo4j properties, keys that are Dossier's own
/// properties as `attribute.KEY`.
fn neo4j_properties(graph: &Graph, id: AttrsId, reserved: &[&str], out: &mut Vec<String>) {
    let mut list: Vec<_> = graph
        .attrs(id)
        .iter()
        .map(|(k, v)| (graph.keys.name(*k), v))
        .collect();
    list.sort_by(|a, b| a.0.cmp(b.0));
    for (key, v) in list {
        let key = if reserved.contains(&key) {
            format!("attribute.{key}")
        } else {
            key.to_string()
        };
        out.push(format!("{}: {}", name(&key), neo4j_value(v)));
    }
}

fn source(graph: &Graph, origin: Origin, kuzu: bool) -> [String; 2] {
    let (file, line) = columns::source(graph, origin);
    [
        format!("file: {}", string(file, kuzu)),
        format!("line: {line}"),
    ]
}

/// A Neo4j Cypher script: an index, the entities, the relationships,
/// then the facts.
pub fn neo4j(graph: &Graph) -> String {
    let g = graph.petgraph();
    let parts = Parts::new(graph);
    let order = Order::new(graph, &parts);
    let mut out =
        String::from("CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);\n");
    for &n in &order.entities {
        let e = graph.entity(n);
        let mut props = vec![
            format!("name: {}", string(&e.name, false)),
            format!("kind: {}", string(graph.kind_name(n), false)),
        ];
        if let Some(label) = graph.label_of(e) {
            props.push(format!("label: {}", string(label, false)));
        }
        props.push(format!("declared: {}", e.declared));
        props.extend(source(graph, e.origin, false));
        neo4j_properties(graph, e.attrs, columns::ENTITY, &mut props);
        let _ = writeln!(
            out,
            "CREATE (:Entity:{} {{{}}});",
            name(graph.kind_name(n)),
            props.join(", ")
        );
    }
    let raw = g.raw_edges();
    for &i in &order.edges {
        let e = &raw[i as usize];
        let mut props = Vec::from(source(graph, e.weight.origin, false));
        neo4j_properties(graph, e.weight.attrs, columns::RELATION, &mut props);
        let _ = writeln!(
            out,
            "MATCH (a:Entity {{name: {}}}), (b:Entity {{name: {}}}) CREATE (a)-[:{} {{{}}}]->(b);",
            string(&graph.entity(e.source()).name, false),
            string(&graph.entity(e.target()).name, false),
            name(graph.relations.name(e.weight.relation)),
            props.join(", ")
        );
    }
    let facts = graph.facts();
    for (id, &i) in order.facts.iter().enumerate() {
        let f = &facts[i as usize];
        let mut props = vec![
            format!("id: {id}"),
            format!(
                "predicate: {}",
                string(graph.relations.name(f.predicate), false)
            ),
        ];
        props.extend(source(graph, f.origin, false));
        neo4j_properties(graph, f.attrs, columns::FACT, &mut props);
        let _ = writeln!(
            out,
            "MATCH (a:Entity {{name: {}}}) CREATE (a)-[:HAS_FACT]->(:Fact {{{}}});",
            string(&graph.entity(f.subject).name, false),
            props.join(", ")
        );
    }
    out
}

/// A Kuzu literal of a cell (its list is cast to the column's type).
fn kuzu_cell(cell: Option<Cell<'_>>, _t: Ty) -> String {
    match cell {
        None => "NULL".into(),
        Some(Cell::Int(i)) => i.to_string(),
        Some(Cell::Dec(d)) => decimal(d),
        Some(Cell::Bool(b)) => b.to_string(),
        Some(Cell::Date(d)) => format!("date('{d}')"),
        Some(Cell::Text(s)) => string(&s, true),
    }
}

/// The Kuzu schema of `graph`: the three tables, their attribute columns
/// typed, and `HAS_FACT`. `labels` (the CSV's `:LABEL` for neo4j-admin)
/// is in the entity table when `csv` is set, so `COPY` finds every column.
pub fn kuzu_schema(graph: &Graph, csv: bool) -> (String, [Columns; 3]) {
    let g = graph.petgraph();
    let entity = Columns::new(graph, g.node_weights().map(|e| e.attrs), columns::ENTITY);
    let relation = Columns::new(graph, g.edge_weights().map(|e| e.attrs), columns::RELATION);
    let fact = Columns::new(graph, graph.facts().iter().map(|f| f.attrs), columns::FACT);
    let typed = |c: &Columns| -> String {
        c.list
            .iter()
            .map(|(_, n, t)| format!(", {} {}", name(n), t.kuzu()))
            .collect()
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "CREATE NODE TABLE Entity(name STRING, kind STRING, label STRING, declared BOOLEAN, file STRING, line INT64, attributes STRING{}{}, PRIMARY KEY(name));",
        typed(&entity),
        if csv { ", labels STRING" } else { "" }
    );
    let _ = writeln!(
        out,
        "CREATE NODE TABLE Fact(id INT64, predicate STRING, file STRING, line INT64, attributes STRING{}, PRIMARY KEY(id));",
        typed(&fact)
    );
    let _ = writeln!(
        out,
        "CREATE REL TABLE Relation(FROM Entity TO Entity, relation STRING, file STRING, line INT64, attributes STRING{});",
        typed(&relation)
    );
    out.push_str("CREATE REL TABLE HAS_FACT(FROM Entity TO Fact);\n");
    (out, [entity, relation, fact])
}

/// A table's rows for Kuzu, a column at a time: each column's type and
/// its literals, a row each.
struct Table {
    columns: Vec<(Ty, Vec<String>)>,
}

impl Table {
    fn new(types: &[Ty]) -> Table {
        Table {
            columns: types.iter().map(|&t| (t, Vec::new())).collect(),
        }
    }

    fn push(&mut self, row: Vec<String>) {
        for (column, cell) in self.columns.iter_mut().zip(row) {
            column.1.push(cell);
        }
    }

    /// `COPY TABLE FROM (WITH [..] AS c0, ... UNWIND range(1, N) AS i
    /// RETURN c0[i], ...)`, [`BATCH`] rows a statement: columns of
    /// literals, because Kuzu binds a list of rows (`UNWIND [{...}, ...]`)
    /// three times slower, and a statement a row fifteen times.
    fn copy(&self, out: &mut String, table: &str) {
        let rows = self.columns.first().map_or(0, |c| c.1.len());
        let mut start = 0;
        while start < rows {
            let end = (start + BATCH).min(rows);
            let _ = write!(out, "COPY {table} FROM (WITH ");
            for (i, (t, cells)) in self.columns.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "CAST([{}] AS {}[]) AS c{i}",
                    cells[start..end].join(", "),
                    t.kuzu()
                );
            }
            let _ = write!(out, " UNWIND range(1, {}) AS i RETURN ", end - start);
            for i in 0..self.columns.len() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "c{i}[i]");
            }
            out.push_str(");\n");
            start = end;
        }
    }
}

fn attribute_cells(columns: &Columns, graph: &Graph, id: AttrsId) -> Vec<String> {
    columns
        .values(graph, id)
        .into_iter()
        .zip(&columns.list)
        .map(|(cell, (_, _, t))| kuzu_cell(cell, *t))
        .collect()
}

fn types(fixed: &[Ty], columns: &Columns) -> Vec<Ty> {
    fixed
        .iter()
        .copied()
        .chain(columns.list.iter().map(|c| c.2))
        .collect()
}

/// A Kuzu Cypher script: the schema, then the entities, facts, relations
/// and `HAS_FACT` edges, [`BATCH`] rows a statement. Run it whole
/// (`conn.execute(script)`): a string may hold a line break.
pub fn kuzu(graph: &Graph) -> String {
    let g = graph.petgraph();
    let parts = Parts::new(graph);
    let order = Order::new(graph, &parts);
    let (mut out, [entity, relation, fact]) = kuzu_schema(graph, false);
    let text = |s: &str| string(s, true);
    let null = "NULL".to_string();
    use Ty::{Bool, Int, Text};

    let mut table = Table::new(&types(&[Text, Text, Text, Bool, Text, Int, Text], &entity));
    for &n in &order.entities {
        let e = graph.entity(n);
        let (file, line) = columns::source(graph, e.origin);
        let mut row = vec![
            text(&e.name),
            text(graph.kind_name(n)),
            graph.label_of(e).map_or(null.clone(), text),
            e.declared.to_string(),
            text(file),
            line.to_string(),
            text(&parts.sets[e.attrs as usize]),
        ];
        row.extend(attribute_cells(&entity, graph, e.attrs));
        table.push(row);
    }
    table.copy(&mut out, "Entity");

    let facts = graph.facts();
    let mut table = Table::new(&types(&[Int, Text, Text, Int, Text], &fact));
    let mut has_fact = Table::new(&[Text, Int]);
    for (id, &i) in order.facts.iter().enumerate() {
        let f = &facts[i as usize];
        let (file, line) = columns::source(graph, f.origin);
        let mut row = vec![
            id.to_string(),
            text(graph.relations.name(f.predicate)),
            text(file),
            line.to_string(),
            text(&parts.sets[f.attrs as usize]),
        ];
        row.extend(attribute_cells(&fact, graph, f.attrs));
        table.push(row);
        has_fact.push(vec![text(&graph.entity(f.subject).name), id.to_string()]);
    }
    table.copy(&mut out, "Fact");

    let raw = g.raw_edges();
    let mut table = Table::new(&types(&[Text, Text, Text, Text, Int, Text], &relation));
    for &i in &order.edges {
        let e = &raw[i as usize];
        let (file, line) = columns::source(graph, e.weight.origin);
        let mut row = vec![
            text(&graph.entity(e.source()).name),
            text(&graph.entity(e.target()).name),
            text(graph.relations.name(e.weight.relation)),
            text(file),
            line.to_string(),
            text(&parts.sets[e.weight.attrs as usize]),
        ];
        row.extend(attribute_cells(&relation, graph, e.weight.attrs));
        table.push(row);
    }
    table.copy(&mut out, "Relation");
    has_fact.copy(&mut out, "HAS_FACT");
    out
}
