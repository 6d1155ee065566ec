//! One self-contained HTML page to explore a graph offline: the page's
//! HTML, CSS and JavaScript (`src/formats/html/`, embedded in the binary)
//! with the graph inlined as JSON. Opening it requests nothing from any
//! network.
//!
//! The JSON: `kinds` (shape and fill as the DOT export draws them),
//! `relations` (with `symmetric`), `entities` (name, kind, label,
//! attributes, facts, degree), `edges` (ends by entity number, relation,
//! the statement with its quote, evidence and dates, `contested`), and
//! `documents` (each cited document's text, which evidence anchors point
//! into, by code point).

use crate::graph::Graph;
use crate::output::{Source, edge_source, fact_source};
use crate::value::Value;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

const PAGE: &str = include_str!("html/page.html");
const STYLE: &str = include_str!("html/page.css");
const SCRIPT: &str = include_str!("html/page.js");

/// The dates of a statement: `date`, `from`, `until`.
fn dates(graph: &Graph, attrs: crate::graph::AttrsId) -> Json {
    let mut out = serde_json::Map::new();
    for (k, v) in graph.attrs(attrs) {
        let key = graph.keys.name(*k);
        if let ("date" | "from" | "until", Value::Date(d)) = (key, v) {
            out.insert(key.to_string(), json!(d.to_string()));
        }
    }
    Json::Object(out)
}

/// A value as the page shows it: as a relation file writes it.
fn shown(v: &Value) -> String {
    match v {
        Value::Str(s) | Value::Name(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn statement(source: Source, contested: bool, dates: Json) -> Json {
    let mut s = serde_json::to_value(source).expect("sources serialise");
    s["contested"] = json!(contested);
    s["dates"] = dates;
    s
}

/// The graph's data, as the page reads it.
pub fn data(graph: &Graph, title: &str) -> Json {
    let g = graph.petgraph();
    let mut contested = crate::conflicts::Contested::new(graph);
    let kinds: std::collections::BTreeSet<&str> =
        graph.entities().map(|(n, _)| graph.kind_name(n)).collect();
    let user = super::dot::user_kinds(kinds.iter().copied());
    let kinds: Vec<Json> = kinds
        .iter()
        .map(|k| {
            let (shape, _, fill) = super::dot::style(k, &user);
            json!({"kind": k, "shape": shape, "fill": fill})
        })
        .collect();
    let mut relations: BTreeMap<&str, bool> = BTreeMap::new();
    for e in g.edge_indices() {
        let r = g[e].relation;
        relations.insert(graph.relations.name(r), graph.symmetric(r));
    }
    let entities: Vec<Json> = graph
        .entities()
        .map(|(n, e)| {
            let attrs: serde_json::Map<String, Json> = graph
                .attrs(e.attrs)
                .iter()
                .map(|(k, v)| (graph.keys.name(*k).to_string(), json!(shown(v))))
                .collect();
            let facts: Vec<Json> = graph
                .facts_of(n)
                .map(|f| {
                    let c = contested.fact(f);
                    let mut s = statement(fact_source(graph, f), c, dates(graph, f.attrs));
                    s["predicate"] = json!(graph.relations.name(f.predicate));
                    s
                })
                .collect();
            json!({
                "name": &*e.name,
                "kind": graph.kind_name(n),
                "label": graph.label_of(e),
                "attrs": attrs,
                "facts": facts,
                "degree": graph.degree(n, petgraph::Direction::Outgoing)
                    + graph.degree(n, petgraph::Direction::Incoming),
            })
        })
        .collect();
    let edges: Vec<Json> = g
        .edge_indices()
        .map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            let r = g[e].relation;
            let c = contested.edge(e);
            json!({
                "from": a.index(),
                "to": b.index(),
                "relation": graph.relations.name(r),
                "symmetric": graph.symmetric(r),
                "statement": statement(edge_source(graph, e), c, dates(graph, g[e].attrs)),
            })
        })
        .collect();
    // The documents that evidence points into, read as they are now.
    let mut files: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for id in 0..graph.attr_set_count() as u32 {
        if let Some(a) = graph.anchor(id) {
            files.insert(a.file.clone());
        }
    }
    let documents: Vec<Json> = files
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(&file).ok()?;
            Some(json!({"file": file, "text": text}))
        })
        .collect();
    json!({
        "title": title,
        "kinds": kinds,
        "relations": relations.iter().map(|(r, s)| json!({"name": r, "symmetric": s})).collect::<Vec<_>>(),
        "entities": entities,
        "edges": edges,
        "documents": documents,
    })
}

/// JSON that can sit inside `<script>`: every `<` (only ever inside a
/// string) written `\u003c`, so no `</script>` or `<!--` can end it.
fn in_script(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The page for `graph`, titled `title`.
pub fn html(graph: &Graph, title: &str) -> String {
    page(graph, title, false)
}

/// The page; `live` when `dossier serve` serves it (a query box, and the
/// page follows the files).
pub fn page(graph: &Graph, title: &str, live: bool) -> String {
    let data = serde_json::to_string(&data(graph, title)).expect("the data serialises");
    fill(
        PAGE,
        &[
            ("live", if live { "true" } else { "false" }),
            // The served page asks its own server; the file asks no one.
            ("connect", if live { "connect-src 'self'; " } else { "" }),
            ("title", &super::graphml::xml(title)),
            ("style", STYLE),
            ("script", SCRIPT),
            ("data", &in_script(&data)),
        ],
    )
}

/// `template` with each `{{key}}` replaced by its value, in one pass (so
/// that no value's text is read as a key).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match values
            .iter()
            .find(|(k, _)| after.starts_with(k) && after[k.len()..].starts_with("}}"))
        {
            Some((k, v)) => {
                out.push_str(v);
                rest = &after[k.len() + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_end_its_script() {
        let text = in_script(r#"{"q":"</script><!-- x"}"#);
        assert!(!text.contains('<'));
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back["q"], "</script><!-- x");
    }
}
