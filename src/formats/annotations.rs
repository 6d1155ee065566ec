//! `--to annotations`: W3C Web Annotations (JSON-LD), one a line, one for
//! each quote: the body is the statement as text, with the statement's IRI
//! (the one N-Triples gives its node); the target is the source's `url`,
//! else its file (else the source's IRI), with a `TextQuoteSelector` and,
//! when the quote was found in the source's file, a
//! `TextPositionSelector` (code points, end exclusive).

use super::ntriples::StatementIris;
use crate::graph::{AttrsId, Graph, Origin};
use crate::value::Value;
use petgraph::graph::NodeIndex;
use serde_json::{Value as Json, json};

/// The annotation of the quote of `attrs`, if it has one and cites a
/// source.
fn annotation(
    graph: &Graph,
    base: &str,
    ids: (String, String),
    text: String,
    attrs: AttrsId,
) -> Option<Json> {
    let cited = graph.cited(attrs);
    let (source, quote) = (cited.source?, cited.quote?);
    let node = graph.find(source);
    let url = node.and_then(|n| {
        let key = graph.keys.get("url")?;
        graph
            .attrs(graph.entity(n).attrs)
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| match v {
                Value::Str(s) => Some(s.to_string()),
                _ => None,
            })
    });
    let file = node
        .and_then(|n| crate::load::quotes::document_path(graph, n))
        .map(|p| p.display().to_string());
    let target_source = url.or(file).unwrap_or_else(|| {
        let iri = super::ntriples::entity_iri(base, source);
        iri[1..iri.len() - 1].to_string()
    });
    let anchor = graph.anchor(attrs);
    let mut quote_selector =
        json!({"type": "TextQuoteSelector", "exact": anchor.map_or(quote, |a| &a.exact)});
    let mut selectors = Vec::new();
    if let Some(a) = anchor {
        quote_selector["prefix"] = json!(a.prefix);
        quote_selector["suffix"] = json!(a.suffix);
        selectors.push(quote_selector);
        selectors.push(json!({"type": "TextPositionSelector", "start": a.start, "end": a.end}));
    } else {
        selectors.push(quote_selector);
    }
    Some(json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": ids.1,
        "type": "Annotation",
        "motivation": "describing",
        "body": {"id": ids.0, "type": "TextualBody", "value": text, "format": "text/plain"},
        "target": {"source": target_source, "selector": selectors},
    }))
}

/// The annotations, one JSON document a line.
pub fn annotations(graph: &Graph, base: &str) -> String {
    let mut out = String::new();
    let mut ids = StatementIris::new(base);
    let mut push = |a: Option<Json>| {
        if let Some(a) = a {
            out.push_str(&a.to_string());
            out.push('\n');
        }
    };
    // Declarations, by name; their IRIs are their entities'.
    let mut nodes: Vec<(NodeIndex, &str)> = graph
        .entities()
        .filter(|(_, e)| e.declared)
        .map(|(n, e)| (n, &*e.name))
        .collect();
    nodes.sort_by(|a, b| a.1.cmp(b.1));
    for (n, name) in nodes {
        let e = graph.entity(n);
        let iri = super::ntriples::entity_iri(base, name);
        let iri = iri[1..iri.len() - 1].to_string();
        let mut text = String::new();
        crate::value::write_name(&mut text, name).expect("writing to a String");
        text.push_str(": ");
        text.push_str(graph.kind_name(n));
        if let Some(l) = graph.label_of(e) {
            text.push(' ');
            crate::value::write_quoted(&mut text, l).expect("writing to a String");
        }
        let origin: Origin = e.origin;
        let annotation_id = format!("{iri}#annotation-{}", origin.line);
        push(annotation(graph, base, (iri, annotation_id), text, e.attrs));
    }
    let g = graph.petgraph();
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let w = g[e];
        let ids = ids.next(graph, w.origin);
        let (text, _) = crate::output::statement_text(graph, a, w.relation, Some(b), w.attrs);
        push(annotation(graph, base, ids, text, w.attrs));
    }
    for f in graph.facts() {
        let ids = ids.next(graph, f.origin);
        let (text, _) = crate::output::statement_text(graph, f.subject, f.predicate, None, f.attrs);
        push(annotation(graph, base, ids, text, f.attrs));
    }
    out
}
