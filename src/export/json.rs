//! Dossier's JSON: the whole graph with kinds, labels, typed attributes,
//! facts and provenance, which `dossier` loads back (a `.json` file).
//!
//! ```json
//! {"format": "dossier", "version": 1, "files": ["data/koreas.kg"],
//!  "entities": [{"name": "China", "kind": "state", "label": "China", "declared": true,
//!                "attributes": {}, "source": {"file": "data/koreas.kg", "line": 12}}],
//!  "relations": [{"subject": "China", "relation": "permanent_member_of", "object": "Security_Council",
//!                 "attributes": {"veto": true}, "source": {"file": "data/koreas.kg", "line": 70}}],
//!  "facts": [{"subject": "China", "predicate": "abstains_on_referral", "attributes": {}, "source": {...}}]}
//! ```
//!
//! Attribute values: integers, decimals, strings and booleans as JSON's
//! own; dates as `{"date": "2014-11-18"}`; names as `{"name": "Pyongyang"}`.

use crate::graph::{Graph, Origin};
use crate::value::Value;
use serde_json::{Map, Value as J, json};

fn value(v: &Value) -> J {
    match v {
        Value::Int(i) => json!(i),
        Value::Dec(d) => json!(d),
        Value::Str(s) => json!(&**s),
        Value::Bool(b) => json!(b),
        Value::Date(d) => json!({ "date": d.to_string() }),
        Value::Name(n) => json!({ "name": &**n }),
    }
}

/// Attributes by key name, so the same statement gives the same text
/// whatever order its keys were first seen in.
fn attributes(graph: &Graph, id: u32) -> J {
    let mut list: Vec<(&str, J)> = graph
        .attrs(id)
        .iter()
        .map(|(k, v)| (graph.keys.name(*k), value(v)))
        .collect();
    list.sort_by(|a, b| a.0.cmp(b.0));
    J::Object(
        list.into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map<String, J>>(),
    )
}

fn source(graph: &Graph, o: Origin) -> J {
    json!({ "file": &graph.files[o.file as usize], "line": o.line })
}

/// The graph as one JSON document, entities sorted by name and statements
/// by what they say, so that the same graph gives the same bytes.
pub fn json(graph: &Graph) -> String {
    let g = graph.petgraph();
    let mut entities: Vec<_> = graph.entities().collect();
    entities.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let entities: Vec<J> = entities
        .into_iter()
        .map(|(n, e)| {
            let mut o = Map::new();
            o.insert("name".into(), json!(&*e.name));
            o.insert("kind".into(), json!(graph.kind_name(n)));
            o.insert("label".into(), json!(graph.label_of(e)));
            o.insert("declared".into(), json!(e.declared));
            o.insert("attributes".into(), attributes(graph, e.attrs));
            o.insert("source".into(), source(graph, e.origin));
            J::Object(o)
        })
        .collect();
    let mut relations: Vec<(String, J)> = g
        .edge_indices()
        .map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edges have ends");
            let w = g[e];
            let doc = json!({
                "subject": &*graph.entity(a).name,
                "relation": graph.relations.name(w.relation),
                "object": &*graph.entity(b).name,
                "attributes": attributes(graph, w.attrs),
                "source": source(graph, w.origin),
            });
            (doc.to_string(), doc)
        })
        .collect();
    relations.sort_by(|a, b| a.0.cmp(&b.0));
    let mut facts: Vec<(String, J)> = graph
        .facts()
        .iter()
        .map(|f| {
            let doc = json!({
                "subject": &*graph.entity(f.subject).name,
                "predicate": graph.relations.name(f.predicate),
                "attributes": attributes(graph, f.attrs),
                "source": source(graph, f.origin),
            });
            (doc.to_string(), doc)
        })
        .collect();
    facts.sort_by(|a, b| a.0.cmp(&b.0));
    let kinds = |list: &Option<Vec<crate::graph::Sym>>| match list {
        None => J::Null,
        Some(list) => json!(
            list.iter()
                .map(|k| graph.kinds.name(*k))
                .collect::<Vec<_>>()
        ),
    };
    let mut declarations: Vec<(&str, J)> = graph
        .declarations
        .iter()
        .map(|(r, d)| {
            let name = graph.relations.name(*r);
            let doc = json!({
                "relation": name,
                "subject": kinds(&d.subject),
                "object": kinds(&d.object),
                "symmetric": d.symmetric,
                "transitive": d.transitive,
                "inverse_of": d.inverse_of.map(|v| graph.relations.name(v)),
                "source": source(graph, d.origin),
            });
            (name, doc)
        })
        .collect();
    declarations.sort_by(|a, b| a.0.cmp(b.0));
    let doc = json!({
        "format": "dossier",
        "version": 1,
        "files": graph.files,
        "entities": entities,
        "relations": relations.into_iter().map(|(_, d)| d).collect::<Vec<_>>(),
        "facts": facts.into_iter().map(|(_, d)| d).collect::<Vec<_>>(),
        "declarations": declarations.into_iter().map(|(_, d)| d).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    out.push('\n');
    out
}
