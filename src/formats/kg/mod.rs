//! `--to kg`: the graph written back as a canonical relation file, which
//! loads back to the same graph (sqlite3's `.dump`). Relation declarations
//! first, then declared entities by name, then statements and facts in the
//! order of the JSON export. Names are bare when they can be and quoted
//! otherwise, relations in backticks when they are not identifiers (a TSV
//! import's `has part`), values as relation files write them.
//!
//! What it cannot carry: where each statement came from. The file is a
//! new source: loaded back, every statement's source is its line in it.
//! A source's `file` is rewritten to name the same document from where the
//! new file is written (from the working folder when it goes to stdout),
//! so that its quotes check and anchor again.

pub mod ast;
pub mod parse;
mod read;

use super::json::{Order, Parts};
use crate::graph::{AttrsId, Graph};
use crate::value::Value;
use crate::value::{write_name, write_quoted, write_relation};
use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

fn attrs(out: &mut String, graph: &Graph, id: AttrsId) {
    attrs_with(out, graph, id, None);
}

/// The attributes, with `file` given as `file` when it is `Some`.
fn attrs_with(out: &mut String, graph: &Graph, id: AttrsId, file: Option<&str>) {
    let set = graph.attrs(id);
    if set.is_empty() {
        return;
    }
    let file = file.map(|f| Value::Str(f.into()));
    let mut list: Vec<_> = set
        .iter()
        .map(|(k, v)| match (graph.keys.name(*k), &file) {
            ("file", Some(f)) => ("file", f),
            (k, _) => (k, v),
        })
        .collect();
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

/// `path` as seen from the folder `from` (both from the working folder
/// when relative).
pub fn relative(path: &Path, from: &Path) -> PathBuf {
    let (Ok(path), Ok(from)) = (std::path::absolute(path), std::path::absolute(from)) else {
        return path.to_path_buf();
    };
    fn clean(p: &Path) -> Vec<Component<'_>> {
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    }
    let (p, f) = (clean(&path), clean(&from));
    let common = p.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// The graph as a relation file to be read from the working folder.
pub fn kg(graph: &Graph) -> String {
    kg_at(graph, None)
}

/// The graph as a relation file to be written in folder `at` (the working
/// folder when `None`).
pub fn kg_at(graph: &Graph, at: Option<&Path>) -> String {
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
        let file = crate::load::quotes::document_path(graph, n).map(|p| match at {
            Some(dir) => relative(&p, dir),
            None if p.is_absolute() => p,
            None => relative(&p, Path::new(".")),
        });
        let file = file.as_ref().and_then(|f| f.to_str());
        attrs_with(&mut out, graph, e.attrs, file);
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
