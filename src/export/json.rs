//! Dossier's JSON: the whole graph with kinds, labels, typed attributes,
//! facts, relation declarations and provenance, which `dossier` loads back
//! (a `.json` file). One record a line:
//!
//! ```json
//! {
//!   "format": "dossier",
//!   "version": 1,
//!   "files": ["data/koreas.kg"],
//!   "entities": [
//!     {"name": "China", "kind": "state", "label": "China", "declared": true, "attributes": {}, "source": {"file": "data/koreas.kg", "line": 12}}
//!   ],
//!   "relations": [
//!     {"subject": "China", "relation": "permanent_member_of", "object": "Security_Council", "attributes": {"veto": true}, "source": {"file": "data/koreas.kg", "line": 70}}
//!   ],
//!   "facts": [
//!     {"subject": "China", "predicate": "abstains_on_referral", "attributes": {}, "source": {...}}
//!   ],
//!   "declarations": [
//!     {"relation": "borders", "subject": ["state"], "object": ["state"], "symmetric": true, "transitive": false, "inverse_of": null, "source": {...}}
//!   ]
//! }
//! ```
//!
//! Attribute values: integers, decimals, strings and booleans as JSON's
//! own; dates as `{"date": "2014-11-18"}`; names as `{"name": "Pyongyang"}`.
//!
//! The document is written as it goes, not built as a tree of values
//! first (which took 3.7 GB and 18 s for a million statements), and its
//! records are ordered by integer keys the graph's index already holds:
//! entities by name, statements by subject, relation, object (by name),
//! source, then attributes.

use crate::graph::{Graph, Origin, Sym};
use crate::value::Value;
use petgraph::graph::NodeIndex;
use std::fmt::Write as _;

/// A JSON string, escaped.
fn string(out: &mut String, s: &str) {
    // serde_json's escaping, into our buffer.
    let quoted = serde_json::to_string(s).expect("strings serialise");
    out.push_str(&quoted);
}

fn value(out: &mut String, v: &Value) {
    match v {
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        // Decimals are finite (the loaders refuse others): serde_json
        // writes the shortest text that reads back as the same number.
        Value::Dec(d) => out.push_str(&serde_json::to_string(d).expect("finite decimals")),
        Value::Str(s) => string(out, s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Date(d) => {
            let _ = write!(out, "{{\"date\": \"{d}\"}}");
        }
        Value::Name(n) => {
            out.push_str("{\"name\": ");
            string(out, n);
            out.push('}');
        }
    }
}

/// Each attribute set as a JSON object, keys by name, so the same
/// statement gives the same text whatever order its keys were first seen in.
fn attribute_sets(graph: &Graph) -> Vec<String> {
    (0..graph.attr_set_count() as u32)
        .map(|id| {
            let mut list: Vec<(&str, &Value)> = graph
                .attrs(id)
                .iter()
                .map(|(k, v)| (graph.keys.name(*k), v))
                .collect();
            list.sort_by(|a, b| a.0.cmp(b.0));
            let mut out = String::from("{");
            for (i, (k, v)) in list.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string(&mut out, k);
                out.push_str(": ");
                value(&mut out, v);
            }
            out.push('}');
            out
        })
        .collect()
}

/// What the records are written with: the escaped file names and
/// attribute sets, and the files' order by name.
pub(crate) struct Parts {
    files: Vec<String>,
    file_rank: Vec<u32>,
    pub(crate) sets: Vec<String>,
}

impl Parts {
    fn source(&self, out: &mut String, o: Origin) {
        let _ = write!(
            out,
            "\"source\": {{\"file\": {}, \"line\": {}}}",
            self.files[o.file as usize], o.line
        );
    }
}

impl Parts {
    pub(crate) fn new(graph: &Graph) -> Parts {
        let mut files = Vec::with_capacity(graph.files.len());
        for f in &graph.files {
            let mut s = String::new();
            string(&mut s, f);
            files.push(s);
        }
        let mut by_name: Vec<u32> = (0..graph.files.len() as u32).collect();
        by_name.sort_by(|&a, &b| graph.files[a as usize].cmp(&graph.files[b as usize]));
        let mut file_rank = vec![0u32; graph.files.len()];
        let mut rank = 0;
        for (i, &f) in by_name.iter().enumerate() {
            if i > 0 && graph.files[f as usize] != graph.files[by_name[i - 1] as usize] {
                rank += 1;
            }
            file_rank[f as usize] = rank;
        }
        Parts {
            files,
            file_rank,
            sets: attribute_sets(graph),
        }
    }
}

/// The order records are written in, the same for every export that
/// lists them (JSON, kg): entities by name; statements by subject,
/// relation, object (by name), source, then attributes; facts likewise.
pub(crate) struct Order {
    pub entities: Vec<NodeIndex>,
    /// Edge indices.
    pub edges: Vec<u32>,
    /// Places in [`Graph::facts`].
    pub facts: Vec<u32>,
}

impl Order {
    pub(crate) fn new(graph: &Graph, parts: &Parts) -> Order {
        let g = graph.petgraph();
        // Entities by name: the name order inverted.
        let mut entities = vec![NodeIndex::new(0); g.node_count()];
        for n in g.node_indices() {
            entities[graph.name_rank(n) as usize] = n;
        }
        let name = |n: NodeIndex| graph.name_rank(n);
        let rel = |r: Sym| graph.relation_rank(r);
        let mut edges: Vec<([u32; 5], u32)> = g
            .edge_indices()
            .map(|e| {
                let (a, b) = g.edge_endpoints(e).expect("edges have ends");
                let w = &g[e];
                let key = [
                    name(a),
                    rel(w.relation),
                    name(b),
                    parts.file_rank[w.origin.file as usize],
                    w.origin.line,
                ];
                (key, e.index() as u32)
            })
            .collect();
        let attrs_of_edge = |e: u32| &parts.sets[g.raw_edges()[e as usize].weight.attrs as usize];
        edges.sort_unstable_by(|x, y| {
            x.0.cmp(&y.0)
                .then_with(|| attrs_of_edge(x.1).cmp(attrs_of_edge(y.1)))
        });
        let facts = graph.facts();
        let mut order: Vec<([u32; 4], u32)> = facts
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let key = [
                    name(f.subject),
                    rel(f.predicate),
                    parts.file_rank[f.origin.file as usize],
                    f.origin.line,
                ];
                (key, i as u32)
            })
            .collect();
        order.sort_unstable_by(|x, y| {
            x.0.cmp(&y.0).then_with(|| {
                parts.sets[facts[x.1 as usize].attrs as usize]
                    .cmp(&parts.sets[facts[y.1 as usize].attrs as usize])
            })
        });
        Order {
            entities,
            edges: edges.into_iter().map(|(_, e)| e).collect(),
            facts: order.into_iter().map(|(_, f)| f).collect(),
        }
    }
}

/// The graph as one JSON document, entities sorted by name and statements
/// by what they say, so that the same graph gives the same bytes.
pub fn json(graph: &Graph) -> String {
    let g = graph.petgraph();
    let parts = Parts::new(graph);
    let mut out = String::with_capacity(64 + g.edge_count() * 160 + g.node_count() * 140);
    out.push_str("{\n  \"format\": \"dossier\",\n  \"version\": 1,\n  \"files\": [");
    for (i, f) in parts.files.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(f);
    }
    out.push_str("],\n");

    let order = Order::new(graph, &parts);
    list(&mut out, "entities", order.entities.len(), |out, i| {
        let n = order.entities[i];
        let e = graph.entity(n);
        out.push_str("{\"name\": ");
        string(out, &e.name);
        out.push_str(", \"kind\": ");
        string(out, graph.kind_name(n));
        out.push_str(", \"label\": ");
        match graph.label_of(e) {
            Some(l) => string(out, l),
            None => out.push_str("null"),
        }
        out.push_str(if e.declared {
            ", \"declared\": true"
        } else {
            ", \"declared\": false"
        });
        out.push_str(", \"attributes\": ");
        out.push_str(&parts.sets[e.attrs as usize]);
        out.push_str(", ");
        parts.source(out, e.origin);
        out.push('}');
    });
    let raw = g.raw_edges();
    list(&mut out, "relations", order.edges.len(), |out, i| {
        let e = &raw[order.edges[i] as usize];
        out.push_str("{\"subject\": ");
        string(out, &graph.entity(e.source()).name);
        out.push_str(", \"relation\": ");
        string(out, graph.relations.name(e.weight.relation));
        out.push_str(", \"object\": ");
        string(out, &graph.entity(e.target()).name);
        out.push_str(", \"attributes\": ");
        out.push_str(&parts.sets[e.weight.attrs as usize]);
        out.push_str(", ");
        parts.source(out, e.weight.origin);
        out.push('}');
    });
    let facts = graph.facts();
    list(&mut out, "facts", order.facts.len(), |out, i| {
        let f = &facts[order.facts[i] as usize];
        out.push_str("{\"subject\": ");
        string(out, &graph.entity(f.subject).name);
        out.push_str(", \"predicate\": ");
        string(out, graph.relations.name(f.predicate));
        out.push_str(", \"attributes\": ");
        out.push_str(&parts.sets[f.attrs as usize]);
        out.push_str(", ");
        parts.source(out, f.origin);
        out.push('}');
    });
    drop(order);

    let declarations = graph.declared_relations();
    let kinds = |out: &mut String, list: &Option<Vec<Sym>>| match list {
        None => out.push_str("null"),
        Some(list) => {
            out.push('[');
            for (i, k) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string(out, graph.kinds.name(*k));
            }
            out.push(']');
        }
    };
    list(&mut out, "declarations", declarations.len(), |out, i| {
        let (name, r) = declarations[i];
        let d = &graph.declarations[&r];
        out.push_str("{\"relation\": ");
        string(out, name);
        out.push_str(", \"subject\": ");
        kinds(out, &d.subject);
        out.push_str(", \"object\": ");
        kinds(out, &d.object);
        let _ = write!(
            out,
            ", \"symmetric\": {}, \"transitive\": {}, \"inverse_of\": ",
            d.symmetric, d.transitive
        );
        match d.inverse_of {
            Some(v) => string(out, graph.relations.name(v)),
            None => out.push_str("null"),
        }
        out.push_str(", ");
        parts.source(out, d.origin);
        out.push('}');
    });
    // The last list ends the document.
    out.truncate(out.len() - 2);
    out.push_str("\n}\n");
    out
}

/// `"key": [` then `count` records, one a line, then `],` and a newline.
fn list(out: &mut String, key: &str, count: usize, mut record: impl FnMut(&mut String, usize)) {
    let _ = write!(out, "  \"{key}\": [");
    for i in 0..count {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        record(out, i);
    }
    out.push_str(if count == 0 { "],\n" } else { "\n  ],\n" });
}
