//! Cypher scripts for Neo4j and Kuzu, and CSV in neo4j-admin import style.
//!
//! Neo4j: every entity is a node labelled `Entity` and its kind, with its
//! name, label, attributes and facts as properties; every relation is a
//! relationship of its own type with its attributes.
//!
//! Kuzu (whose tables need a schema): one node table and one relationship
//! table, the schema statements first:
//!
//! ```text
//! CREATE NODE TABLE Entity(name STRING, kind STRING, label STRING, attributes STRING, facts STRING, PRIMARY KEY(name));
//! CREATE REL TABLE Relation(FROM Entity TO Entity, relation STRING, attributes STRING, source STRING);
//! ```
//!
//! where `attributes` and `facts` hold JSON text. The CSV files have the
//! same columns (plus `:LABEL` for neo4j-admin), so Kuzu's `COPY` loads
//! them into those tables too.

use crate::graph::{AttrsId, Graph};
use crate::value::Value;
use std::fmt::Write;

/// A Kuzu string literal: Kuzu reads a backslash as "the next character
/// as it is" (`\n` is `n`), so only quotes and backslashes are escaped and
/// line breaks stay as they are; a statement then may span lines, and the
/// script is run as a whole.
fn kuzu_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A Cypher string literal for Neo4j (single quotes, backslash escapes).
fn string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
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

fn value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Dec(d) => format!("{d:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => format!("date('{d}')"),
        Value::Str(s) | Value::Name(s) => string(s),
    }
}

fn properties(graph: &Graph, id: AttrsId) -> Vec<String> {
    graph
        .attrs(id)
        .iter()
        .map(|(k, v)| format!("{}: {}", name(graph.keys.name(*k)), value(v)))
        .collect()
}

fn facts(graph: &Graph, node: petgraph::graph::NodeIndex) -> Vec<String> {
    graph
        .facts_of(node)
        .map(|f| graph.relations.name(f.predicate).to_string())
        .collect()
}

/// A Neo4j Cypher script: an index, the nodes, then the relationships.
pub fn neo4j(graph: &Graph) -> String {
    let g = graph.petgraph();
    let mut out =
        String::from("CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);\n");
    let mut nodes: Vec<_> = graph.entities().collect();
    nodes.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (n, e) in &nodes {
        let mut props = vec![format!("name: {}", string(&e.name))];
        if let Some(label) = graph.label_of(e) {
            props.push(format!("label: {}", string(label)));
        }
        props.extend(
            properties(graph, e.attrs)
                .into_iter()
                .filter(|p| !p.starts_with("`name`:") && !p.starts_with("`label`:")),
        );
        let f = facts(graph, *n);
        if !f.is_empty() {
            props.push(format!(
                "facts: [{}]",
                f.iter().map(|x| string(x)).collect::<Vec<_>>().join(", ")
            ));
        }
        let _ = writeln!(
            out,
            "CREATE (:Entity:{} {{{}}});",
            name(graph.kind_name(*n)),
            props.join(", ")
        );
    }
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let w = g[e];
        let props = properties(graph, w.attrs);
        let props = if props.is_empty() {
            String::new()
        } else {
            format!(" {{{}}}", props.join(", "))
        };
        let _ = writeln!(
            out,
            "MATCH (a:Entity {{name: {}}}), (b:Entity {{name: {}}}) CREATE (a)-[:{}{props}]->(b);",
            string(&graph.entity(a).name),
            string(&graph.entity(b).name),
            name(graph.relations.name(w.relation))
        );
    }
    out
}

/// Attributes as one JSON text, for Kuzu's and the CSV's `attributes`.
fn attributes_json(graph: &Graph, id: AttrsId) -> String {
    let mut map = serde_json::Map::new();
    for (k, v) in graph.attrs(id) {
        map.insert(
            graph.keys.name(*k).to_string(),
            crate::output::json_value(v),
        );
    }
    serde_json::Value::Object(map).to_string()
}

/// A Kuzu Cypher script: the schema, then a statement a line (more when
/// a name holds a line break).
pub fn kuzu(graph: &Graph) -> String {
    let g = graph.petgraph();
    let mut out = String::new();
    out.push_str("CREATE NODE TABLE Entity(name STRING, kind STRING, label STRING, attributes STRING, facts STRING, PRIMARY KEY(name));\n");
    out.push_str("CREATE REL TABLE Relation(FROM Entity TO Entity, relation STRING, attributes STRING, source STRING);\n");
    let mut nodes: Vec<_> = graph.entities().collect();
    nodes.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (n, e) in &nodes {
        let _ = writeln!(
            out,
            "CREATE (:Entity {{name: {}, kind: {}, label: {}, attributes: {}, facts: {}}});",
            kuzu_string(&e.name),
            kuzu_string(graph.kind_name(*n)),
            kuzu_string(graph.label_of(e).unwrap_or("")),
            kuzu_string(&attributes_json(graph, e.attrs)),
            kuzu_string(&serde_json::to_string(&facts(graph, *n)).expect("strings serialise"))
        );
    }
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let w = g[e];
        let _ = writeln!(
            out,
            "MATCH (a:Entity), (b:Entity) WHERE a.name = {} AND b.name = {} CREATE (a)-[:Relation {{relation: {}, attributes: {}, source: {}}}]->(b);",
            kuzu_string(&graph.entity(a).name),
            kuzu_string(&graph.entity(b).name),
            kuzu_string(graph.relations.name(w.relation)),
            kuzu_string(&attributes_json(graph, w.attrs)),
            kuzu_string(&format!(
                "{}:{}",
                graph.files[w.origin.file as usize], w.origin.line
            ))
        );
    }
    out
}

fn csv_line(cells: &[String]) -> String {
    let mut v = Vec::new();
    crate::output::csv_row(&mut v, cells).expect("writing to memory");
    String::from_utf8(v).expect("CSV of text is text")
}

/// `nodes.csv` and `edges.csv`, with neo4j-admin import headers.
pub fn csv(graph: &Graph) -> (String, String) {
    let g = graph.petgraph();
    let mut nodes = csv_line(&[
        "name:ID".into(),
        "kind".into(),
        "label".into(),
        "attributes".into(),
        "facts".into(),
        ":LABEL".into(),
    ]);
    let mut list: Vec<_> = graph.entities().collect();
    list.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (n, e) in list {
        nodes.push_str(&csv_line(&[
            e.name.to_string(),
            graph.kind_name(n).to_string(),
            graph.label_of(e).unwrap_or("").to_string(),
            attributes_json(graph, e.attrs),
            serde_json::to_string(&facts(graph, n)).expect("strings serialise"),
            format!("Entity;{}", graph.kind_name(n)),
        ]));
    }
    let mut edges = csv_line(&[
        ":START_ID".into(),
        ":END_ID".into(),
        ":TYPE".into(),
        "attributes".into(),
        "source".into(),
    ]);
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let w = g[e];
        edges.push_str(&csv_line(&[
            graph.entity(a).name.to_string(),
            graph.entity(b).name.to_string(),
            graph.relations.name(w.relation).to_string(),
            attributes_json(graph, w.attrs),
            format!("{}:{}", graph.files[w.origin.file as usize], w.origin.line),
        ]));
    }
    (nodes, edges)
}
