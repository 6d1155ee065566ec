//! `--to kg`: the graph written back as a canonical relation file, which
//! loads back to the same graph (sqlite3's `.dump`). Relation declarations
//! first, then declared entities by name, then statements and facts in the
//! order of the JSON export. Names are bare when they can be and quoted
//! otherwise, relations in backticks when they are not identifiers (a TSV
//! import's `has part`), values as relation files write them.
//!
//! What it cannot carry: where each statement came from. The file is a
//! new source: loaded back, every statement's source is its line in it.

pub mod ast;
pub mod parse;
mod read;

use super::json::{Order, Parts};
use crate::graph::{AttrsId, Graph};
use crate::value::{write_name, write_quoted, write_relation};
use std::fmt::Write;

fn attrs(out: &mut String, graph: &Graph, id: AttrsId) {
    let set = graph.attrs(id);
    if set.is_empty() {
        return;
    }
    let mut list: Vec<_> = set.iter().map(|(k, v)| (graph.keys.name(*k), v)).collect();
    list.sort_by(|a, b| a.0.cmp(b.0));
    out.push_str(" {");
    for (i, (k, v)) in list.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{k}: {v}");
    }
    out.push('}');
}

/// A statement's subject: quoted when it is `relation`, so that no
/// statement can read as a relation declaration.
fn subject(out: &mut String, name: &str) {
    if name == "relation" {
        let _ = write_quoted(out, name);
    } else {
        let _ = write_name(out, name);
    }
}

/// The graph as a relation file.
pub fn kg(graph: &Graph) -> String {
    let g = graph.petgraph();
    let parts = Parts::new(graph);
    let order = Order::new(graph, &parts);
    let mut out = String::with_capacity(64 + g.edge_count() * 60 + g.node_count() * 40);
    let _ = writeln!(
        out,
        "# Written by `dossier export --to kg`: {} entities, {} relations, {} facts.",
        graph.entity_count(),
        graph.relation_count(),
        graph.fact_count()
    );

    let declarations = graph.declared_relations();
    if !declarations.is_empty() {
        out.push('\n');
    }
    for (_, r) in declarations {
        out.push_str(&graph.declaration_text(r).expect("a declared relation"));
        out.push('\n');
    }

    let mut first = true;
    for &n in &order.entities {
        let e = graph.entity(n);
        if !e.declared {
            continue;
        }
        if std::mem::take(&mut first) {
            out.push('\n');
        }
        let _ = write_name(&mut out, &e.name);
        out.push_str(": ");
        out.push_str(graph.kind_name(n));
        if let Some(label) = graph.label_of(e) {
            out.push(' ');
            let _ = write_quoted(&mut out, label);
        }
        attrs(&mut out, graph, e.attrs);
        out.push('\n');
    }

    if !order.edges.is_empty() {
        out.push('\n');
    }
    let raw = g.raw_edges();
    for &e in &order.edges {
        let e = &raw[e as usize];
        subject(&mut out, &graph.entity(e.source()).name);
        out.push(' ');
        let _ = write_relation(&mut out, graph.relations.name(e.weight.relation));
        out.push(' ');
        let _ = write_name(&mut out, &graph.entity(e.target()).name);
        attrs(&mut out, graph, e.weight.attrs);
        out.push('\n');
    }

    if !order.facts.is_empty() {
        out.push('\n');
    }
    let facts = graph.facts();
    for &f in &order.facts {
        let f = &facts[f as usize];
        subject(&mut out, &graph.entity(f.subject).name);
        out.push(' ');
        let _ = write_relation(&mut out, graph.relations.name(f.predicate));
        attrs(&mut out, graph, f.attrs);
        out.push('\n');
    }
    out
}
