//! N-Triples. Entities are IRIs under a base (`urn:dossier:` unless
//! `--base`); kinds are `rdf:type`s, labels `rdfs:label`s, relations
//! predicates, facts `dossier:fact` triples. Attributes of a relation or
//! fact hang off an RDF reification of its triple (an `rdf:Statement` with
//! `rdf:subject`, `rdf:predicate`, `rdf:object`), so no RDF-star is needed;
//! an entity's attributes are plain triples on it. Literals are typed.
//!
//! | thing | IRI |
//! | --- | --- |
//! | entity `North_Korea` | `<BASE North_Korea>` (percent-encoded) |
//! | kind `state` | `<BASE kind/state>` |
//! | relation `member_of` | `<BASE relation/member_of>` |
//! | attribute key `veto` | `<BASE attribute/veto>` |
//! | a fact | `<entity> <BASE fact> <BASE relation/PREDICATE>` |

use crate::graph::{AttrsId, Graph};
use crate::value::Value;
use std::fmt::Write;

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// `base` + `path`, with every character but unreserved ASCII
/// percent-encoded, so any name makes a valid IRI.
fn iri(base: &str, path: &str) -> String {
    let mut out = String::from("<");
    out.push_str(base);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out.push('>');
    out
}

fn literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn typed(v: &Value, base: &str) -> String {
    match v {
        Value::Int(i) => format!("\"{i}\"^^<{XSD}integer>"),
        Value::Dec(d) => {
            let s = format!("{d:?}");
            if s.contains(['e', 'E', 'N', 'i']) {
                format!("\"{s}\"^^<{XSD}double>")
            } else {
                format!("\"{s}\"^^<{XSD}decimal>")
            }
        }
        Value::Bool(b) => format!("\"{b}\"^^<{XSD}boolean>"),
        Value::Date(d) => format!("\"{d}\"^^<{XSD}date>"),
        Value::Str(s) => literal(s),
        Value::Name(n) => iri(base, n),
    }
}

/// The graph in N-Triples, one triple a line.
pub fn ntriples(graph: &Graph, base: &str) -> String {
    let g = graph.petgraph();
    let mut out = String::new();
    let mut blank = 0usize;
    let attrs = |out: &mut String, subject: &str, id: AttrsId| {
        for (k, v) in graph.attrs(id) {
            let _ = writeln!(
                out,
                "{subject} {} {} .",
                iri(base, &format!("attribute/{}", graph.keys.name(*k))),
                typed(v, base)
            );
        }
    };
    let mut nodes: Vec<_> = graph.entities().collect();
    nodes.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (n, e) in &nodes {
        let s = iri(base, &e.name);
        let _ = writeln!(
            out,
            "{s} <{RDF}type> {} .",
            iri(base, &format!("kind/{}", graph.kind_name(*n)))
        );
        if let Some(label) = graph.label_of(e) {
            let _ = writeln!(out, "{s} <{RDFS}label> {} .", literal(label));
        }
        attrs(&mut out, &s, e.attrs);
    }
    let mut reify = |out: &mut String, s: &str, p: &str, o: &str, id: AttrsId| {
        let _ = writeln!(out, "{s} {p} {o} .");
        if graph.attrs(id).is_empty() {
            return;
        }
        blank += 1;
        let b = format!("_:s{blank}");
        let _ = writeln!(out, "{b} <{RDF}type> <{RDF}Statement> .");
        let _ = writeln!(out, "{b} <{RDF}subject> {s} .");
        let _ = writeln!(out, "{b} <{RDF}predicate> {p} .");
        let _ = writeln!(out, "{b} <{RDF}object> {o} .");
        attrs(out, &b, id);
    };
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let w = g[e];
        let p = iri(
            base,
            &format!("relation/{}", graph.relations.name(w.relation)),
        );
        reify(
            &mut out,
            &iri(base, &graph.entity(a).name),
            &p,
            &iri(base, &graph.entity(b).name),
            w.attrs,
        );
    }
    for f in graph.facts() {
        let o = iri(
            base,
            &format!("relation/{}", graph.relations.name(f.predicate)),
        );
        reify(
            &mut out,
            &iri(base, &graph.entity(f.subject).name),
            &iri(base, "fact"),
            &o,
            f.attrs,
        );
    }
    out
}
