//! GraphML with a typed `<key>` for every attribute, for networkx, Gephi
//! and yEd. Nodes carry `label`, `kind`, `source` (`FILE:LINE`) and
//! `facts` (their facts as JSON text: predicate, attributes with their
//! types, source); edges `relation` and `source`. An attribute named like
//! one of these is `attribute.KEY`.

use crate::graph::{AttrsId, Graph, Sym};
use crate::value::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// XML text, with the characters XML 1.0 cannot hold written as `\u{..}`.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // As character references: an XML parser turns raw tabs, line
            // ends and CRs in attribute values into spaces.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            // XML 1.0 cannot hold other control characters at all, not
            // even as references: they are written as `\u{..}` text.
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The GraphML type that holds every value a key takes.
fn key_type(values: &[&Value]) -> &'static str {
    if values.iter().all(|v| matches!(v, Value::Int(_))) {
        "long"
    } else if values
        .iter()
        .all(|v| matches!(v, Value::Int(_) | Value::Dec(_)))
    {
        "double"
    } else if values.iter().all(|v| matches!(v, Value::Bool(_))) {
        "boolean"
    } else {
        "string"
    }
}

fn data(v: &Value, ty: &str) -> String {
    match (v, ty) {
        (Value::Int(i), "double") => format!("{}", *i as f64),
        (Value::Str(s) | Value::Name(s), _) => xml(s),
        (other, _) => xml(&other.to_string()),
    }
}

struct Keys {
    /// attribute key -> (id, GraphML type)
    ids: BTreeMap<Sym, (String, &'static str)>,
}

impl Keys {
    fn new(
        graph: &Graph,
        sets: impl Iterator<Item = AttrsId>,
        prefix: &str,
        reserved: &[&str],
        out: &mut String,
        target: &str,
    ) -> Keys {
        let mut values: BTreeMap<Sym, Vec<&Value>> = BTreeMap::new();
        for set in sets {
            for (k, v) in graph.attrs(set) {
                values.entry(*k).or_default().push(v);
            }
        }
        let mut ids = BTreeMap::new();
        let mut names: Vec<(String, Sym)> = values
            .keys()
            .map(|k| (graph.keys.name(*k).to_string(), *k))
            .collect();
        names.sort();
        for (i, (name, k)) in names.into_iter().enumerate() {
            let ty = key_type(&values[&k]);
            let id = format!("{prefix}{i}");
            // An attribute named like a built-in column keeps its data
            // apart, as `attribute.KEY`, which no key can be (no `.`).
            let attr_name = if reserved.contains(&name.as_str()) {
                format!("attribute.{name}")
            } else {
                name
            };
            let _ = writeln!(
                out,
                "  <key id=\"{id}\" for=\"{target}\" attr.name=\"{}\" attr.type=\"{ty}\"/>",
                xml(&attr_name)
            );
            ids.insert(k, (id, ty));
        }
        Keys { ids }
    }

    fn write(&self, graph: &Graph, set: AttrsId, out: &mut String) {
        for (k, v) in graph.attrs(set) {
            let (id, ty) = &self.ids[k];
            let _ = write!(out, "<data key=\"{id}\">{}</data>", data(v, ty));
        }
    }
}

/// The graph in GraphML, nodes by name and edges in the graph's order.
pub fn graphml(graph: &Graph) -> String {
    let g = graph.petgraph();
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    out.push_str("  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n");
    out.push_str("  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n");
    out.push_str("  <key id=\"facts\" for=\"node\" attr.name=\"facts\" attr.type=\"string\"/>\n");
    out.push_str("  <key id=\"source\" for=\"all\" attr.name=\"source\" attr.type=\"string\"/>\n");
    out.push_str(
        "  <key id=\"relation\" for=\"edge\" attr.name=\"relation\" attr.type=\"string\"/>\n",
    );
    let node_keys = Keys::new(
        graph,
        graph.entities().map(|(_, e)| e.attrs),
        "n",
        &["label", "kind", "facts", "source"],
        &mut out,
        "node",
    );
    let edge_keys = Keys::new(
        graph,
        g.edge_weights().map(|e| e.attrs),
        "e",
        &["relation", "source"],
        &mut out,
        "edge",
    );
    let sets = super::json::Parts::new(graph).sets;
    out.push_str("  <graph id=\"dossier\" edgedefault=\"directed\">\n");
    let mut nodes: Vec<_> = graph.entities().collect();
    nodes.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (n, e) in nodes {
        let _ = write!(out, "    <node id=\"{}\">", xml(&e.name));
        if let Some(label) = graph.label_of(e) {
            let _ = write!(out, "<data key=\"label\">{}</data>", xml(label));
        }
        let _ = write!(out, "<data key=\"kind\">{}</data>", xml(graph.kind_name(n)));
        let facts: Vec<serde_json::Value> = graph
            .facts_of(n)
            .map(|f| {
                let (file, line) = super::columns::source(graph, f.origin);
                serde_json::json!({
                    "predicate": graph.relations.name(f.predicate),
                    "attributes": serde_json::from_str::<serde_json::Value>(&sets[f.attrs as usize])
                        .expect("attribute sets are JSON"),
                    "source": {"file": file, "line": line},
                })
            })
            .collect();
        if !facts.is_empty() {
            let text = serde_json::Value::Array(facts).to_string();
            let _ = write!(out, "<data key=\"facts\">{}</data>", xml(&text));
        }
        let _ = write!(
            out,
            "<data key=\"source\">{}:{}</data>",
            xml(&graph.files[e.origin.file as usize]),
            e.origin.line
        );
        node_keys.write(graph, e.attrs, &mut out);
        out.push_str("</node>\n");
    }
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let w = g[e];
        let _ = write!(
            out,
            "    <edge id=\"e{}\" source=\"{}\" target=\"{}\"><data key=\"relation\">{}</data><data key=\"source\">{}:{}</data>",
            e.index(),
            xml(&graph.entity(a).name),
            xml(&graph.entity(b).name),
            xml(graph.relations.name(w.relation)),
            xml(&graph.files[w.origin.file as usize]),
            w.origin.line
        );
        edge_keys.write(graph, w.attrs, &mut out);
        out.push_str("</edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
