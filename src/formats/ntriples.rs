//! N-Triples. Every name is percent-encoded into its own namespace under
//! the base (`urn:dossier:` unless `--base`), so no entity can take the
//! IRI of a relation, a kind or Dossier's vocabulary:
//!
//! | thing | IRI |
//! | --- | --- |
//! | entity `North_Korea` | `<BASE entity/North_Korea>` |
//! | relation `member_of` | `<BASE relation/member_of>` |
//! | kind `state` | `<BASE kind/state>` |
//! | attribute key `veto` | `<BASE attribute/veto>` |
//! | Dossier's vocabulary | `<urn:dossier:vocabulary:fact>`, `...:file`, `...:line`, `...:declared` |
//!
//! Entities have their kind as `rdf:type`, their label as `rdfs:label`,
//! their attributes as plain triples, and where they were declared
//! (`vocabulary:file`, `vocabulary:line`). Every statement is its triple
//! (`<s> <relation/r> <o>`; a fact is `<s> vocabulary:fact <relation/p>`)
//! and also its own `rdf:Statement` node with `rdf:subject`,
//! `rdf:predicate`, `rdf:object`, its attributes and its source, so two
//! statements of the same triple stay two; with `--rdf12`, the node
//! `rdf:reifies` the statement's RDF 1.2 triple term `<<( s p o )>>`
//! instead. Relation declarations are OWL:
//! `owl:SymmetricProperty`, `owl:TransitiveProperty`, `owl:inverseOf`,
//! `owl:FunctionalProperty`, `owl:propertyDisjointWith` (`excludes`), and
//! `rdfs:domain`/`rdfs:range` (an `owl:unionOf` for several kinds).
//! Literals are typed (`xsd:integer`, `xsd:decimal`, `xsd:double` for
//! decimals beyond `xsd:decimal`'s plain form, `xsd:boolean`, `xsd:date`);
//! a name value is the entity IRI of that name.
//!
//! A statement's node is `<BASE statement/FILE:LINE>` (`-2`, `-3` after
//! it for a second statement of one line), the IRI `--to annotations`
//! gives it too. Provenance is PROV-O and the Web Annotation vocabulary:
//! a source is a `prov:Entity`; a statement or declaration that cites one
//! `prov:wasDerivedFrom` it, and its quote is `prov:wasQuotedFrom` an
//! `oa:SpecificResource` of the source with an `oa:TextQuoteSelector`
//! (`oa:exact`, `oa:prefix`, `oa:suffix`) and, when the quote was found in
//! the source's file, an `oa:TextPositionSelector` (`oa:start`, `oa:end`,
//! code points) and the document's `vocabulary:line` and `vocabulary:column`.

use crate::graph::{AttrsId, Graph, Origin, Sym};
use crate::value::Value;
use std::fmt::Write;

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const PROV: &str = "http://www.w3.org/ns/prov#";
const OA: &str = "http://www.w3.org/ns/oa#";
/// Dossier's own terms, the same whatever the base.
pub const VOCABULARY: &str = "urn:dossier:vocabulary:";

/// Checks that `base` is an absolute IRI, which every IRI of the export
/// starts with. Errors are messages for the user.
pub fn check_base(base: &str) -> Result<(), String> {
    match oxiri::Iri::parse(base) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "`{base}` is not an absolute IRI ({e}); give one such as `http://example.org/kg/` or `urn:example:`"
        )),
    }
}

/// `text` with every byte but unreserved ASCII (letters, digits, `-._~`)
/// percent-encoded, a `/` too, onto `out`.
pub(crate) fn percent_encode(out: &mut String, text: &str) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// `base` + `space` + `path`, with every character of `path` but
/// unreserved ASCII percent-encoded (a `/` too), so any name makes a valid
/// IRI and stays in its namespace.
pub(crate) fn iri(base: &str, space: &str, path: &str) -> String {
    let mut out = String::with_capacity(base.len() + space.len() + path.len() + 2);
    out.push('<');
    out.push_str(base);
    out.push_str(space);
    percent_encode(&mut out, path);
    out.push('>');
    out
}

/// The IRI of entity `name`, with its `<>`.
pub(crate) fn entity_iri(base: &str, name: &str) -> String {
    iri(base, "entity/", name)
}

/// The IRIs of statements: `BASE statement/FILE:LINE`, with `-N` for the
/// Nth statement of one line, asked for in the graph's order (edges, then
/// facts).
pub(crate) struct StatementIris<'b> {
    base: &'b str,
    seen: std::collections::HashMap<Origin, u32>,
}

impl<'b> StatementIris<'b> {
    pub(crate) fn new(base: &'b str) -> StatementIris<'b> {
        StatementIris {
            base,
            seen: std::collections::HashMap::new(),
        }
    }

    /// The next statement's IRI, and its annotation's, without `<>`.
    pub(crate) fn next(&mut self, graph: &Graph, origin: Origin) -> (String, String) {
        let n = self.seen.entry(origin).or_insert(0);
        *n += 1;
        let mut path = format!("{}:{}", graph.files[origin.file as usize], origin.line);
        if *n > 1 {
            let _ = write!(path, "-{n}");
        }
        let strip = |s: String| s[1..s.len() - 1].to_string();
        (
            strip(iri(self.base, "statement/", &path)),
            strip(iri(self.base, "annotation/", &path)),
        )
    }
}

pub(crate) fn literal(s: &str) -> String {
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

struct Writer<'g> {
    graph: &'g Graph,
    base: &'g str,
    rdf12: bool,
    out: String,
    blank: usize,
    statements: StatementIris<'g>,
}

impl Writer<'_> {
    fn entity(&self, name: &str) -> String {
        iri(self.base, "entity/", name)
    }
    fn relation(&self, r: Sym) -> String {
        iri(self.base, "relation/", self.graph.relations.name(r))
    }
    fn kind(&self, k: Sym) -> String {
        iri(self.base, "kind/", self.graph.kinds.name(k))
    }
    fn term(term: &str) -> String {
        format!("<{VOCABULARY}{term}>")
    }
    fn blank(&mut self, prefix: &str) -> String {
        self.blank += 1;
        format!("_:{prefix}{}", self.blank)
    }
    fn triple(&mut self, s: &str, p: &str, o: &str) {
        let _ = writeln!(self.out, "{s} {p} {o} .");
    }

    fn typed(&self, v: &Value) -> String {
        match v {
            Value::Int(i) => format!("\"{i}\"^^<{XSD}integer>"),
            Value::Dec(d) => {
                debug_assert!(d.is_finite(), "the loaders refuse decimals out of range");
                let s = format!("{d:?}");
                if s.contains(['e', 'E']) {
                    format!("\"{s}\"^^<{XSD}double>")
                } else {
                    format!("\"{s}\"^^<{XSD}decimal>")
                }
            }
            Value::Bool(b) => format!("\"{b}\"^^<{XSD}boolean>"),
            Value::Date(d) => format!("\"{d}\"^^<{XSD}date>"),
            Value::Str(s) => literal(s),
            Value::Name(n) => self.entity(n),
        }
    }

    fn attrs(&mut self, subject: &str, id: AttrsId) {
        for (k, v) in self.graph.attrs(id) {
            let p = iri(self.base, "attribute/", self.graph.keys.name(*k));
            let o = self.typed(v);
            self.triple(subject, &p, &o);
        }
    }

    fn source(&mut self, subject: &str, origin: Origin) {
        let file = literal(&self.graph.files[origin.file as usize]);
        self.triple(subject, &Self::term("file"), &file);
        let line = format!("\"{}\"^^<{XSD}integer>", origin.line);
        self.triple(subject, &Self::term("line"), &line);
    }

    /// A statement: its triple, then its own node: an `rdf:Statement`
    /// (RDF 1.1), or what `rdf:reifies` its triple term (RDF 1.2).
    fn statement(&mut self, s: &str, p: &str, o: &str, attrs: AttrsId, origin: Origin) {
        self.triple(s, p, o);
        let b = format!("<{}>", self.statements.next(self.graph, origin).0);
        if self.rdf12 {
            self.triple(
                &b,
                &format!("<{RDF}reifies>"),
                &format!("<<( {s} {p} {o} )>>"),
            );
        } else {
            self.triple(&b, &format!("<{RDF}type>"), &format!("<{RDF}Statement>"));
            self.triple(&b, &format!("<{RDF}subject>"), s);
            self.triple(&b, &format!("<{RDF}predicate>"), p);
            self.triple(&b, &format!("<{RDF}object>"), o);
        }
        self.source(&b, origin);
        self.attrs(&b, attrs);
        self.evidence(&b, attrs);
    }

    /// What `node` rests on: the source it cites, and where its quote is.
    fn evidence(&mut self, node: &str, attrs: AttrsId) {
        let cited = self.graph.cited(attrs);
        let Some(source) = cited.source else {
            return;
        };
        let source = self.entity(source);
        self.triple(node, &format!("<{PROV}wasDerivedFrom>"), &source);
        let Some(quote) = cited.quote else {
            return;
        };
        let anchor = self.graph.anchor(attrs);
        let part = self.blank("e");
        let rdf_type = format!("<{RDF}type>");
        self.triple(node, &format!("<{PROV}wasQuotedFrom>"), &part);
        self.triple(&part, &rdf_type, &format!("<{OA}SpecificResource>"));
        self.triple(&part, &format!("<{OA}hasSource>"), &source);
        let q = self.blank("q");
        self.triple(&part, &format!("<{OA}hasSelector>"), &q);
        self.triple(&q, &rdf_type, &format!("<{OA}TextQuoteSelector>"));
        let exact = anchor.map_or(quote, |a| &a.exact);
        self.triple(&q, &format!("<{OA}exact>"), &literal(exact));
        let Some(a) = anchor else {
            return;
        };
        self.triple(&q, &format!("<{OA}prefix>"), &literal(&a.prefix));
        self.triple(&q, &format!("<{OA}suffix>"), &literal(&a.suffix));
        let p = self.blank("p");
        self.triple(&part, &format!("<{OA}hasSelector>"), &p);
        self.triple(&p, &rdf_type, &format!("<{OA}TextPositionSelector>"));
        let count = |n: u64| format!("\"{n}\"^^<{XSD}nonNegativeInteger>");
        self.triple(&p, &format!("<{OA}start>"), &count(a.start));
        self.triple(&p, &format!("<{OA}end>"), &count(a.end));
        let integer = |n: u32| format!("\"{n}\"^^<{XSD}integer>");
        self.triple(&part, &Self::term("line"), &integer(a.line));
        self.triple(&part, &Self::term("column"), &integer(a.column));
    }

    /// A declaration's kinds as a class: the kind, or the union of kinds.
    fn class(&mut self, kinds: &[Sym]) -> String {
        if let [one] = kinds {
            return self.kind(*one);
        }
        let union = self.blank("u");
        self.triple(&union, &format!("<{RDF}type>"), &format!("<{OWL}Class>"));
        let mut cells: Vec<String> = kinds.iter().map(|_| self.blank("l")).collect();
        cells.push(format!("<{RDF}nil>"));
        self.triple(&union, &format!("<{OWL}unionOf>"), &cells[0].clone());
        for (i, k) in kinds.iter().enumerate() {
            let kind = self.kind(*k);
            self.triple(&cells[i], &format!("<{RDF}first>"), &kind);
            self.triple(&cells[i], &format!("<{RDF}rest>"), &cells[i + 1].clone());
        }
        union
    }
}

/// The graph in N-Triples, one triple a line.
pub fn ntriples(graph: &Graph, base: &str, rdf12: bool) -> String {
    let g = graph.petgraph();
    let mut w = Writer {
        graph,
        base,
        rdf12,
        out: String::new(),
        blank: 0,
        statements: StatementIris::new(base),
    };
    let source_kind = graph.kinds.get("source");
    let rdf_type = format!("<{RDF}type>");
    let declarations = graph.declared_relations();
    for (_, r) in declarations {
        let d = &graph.declarations[&r];
        let p = w.relation(r);
        w.triple(&p, &rdf_type, &format!("<{OWL}ObjectProperty>"));
        if d.symmetric {
            w.triple(&p, &rdf_type, &format!("<{OWL}SymmetricProperty>"));
        }
        if d.transitive {
            w.triple(&p, &rdf_type, &format!("<{OWL}TransitiveProperty>"));
        }
        if let Some(i) = d.inverse_of {
            let i = w.relation(i);
            w.triple(&p, &format!("<{OWL}inverseOf>"), &i);
        }
        if d.functional {
            w.triple(&p, &rdf_type, &format!("<{OWL}FunctionalProperty>"));
        }
        if let Some(x) = d.excludes {
            let x = w.relation(x);
            w.triple(&p, &format!("<{OWL}propertyDisjointWith>"), &x);
        }
        for (list, term) in [(&d.subject, "domain"), (&d.object, "range")] {
            if let Some(kinds) = list {
                let class = w.class(kinds);
                w.triple(&p, &format!("<{RDFS}{term}>"), &class);
            }
        }
        w.source(&p, d.origin);
    }

    let mut nodes: Vec<_> = graph.entities().collect();
    nodes.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (n, e) in &nodes {
        let s = w.entity(&e.name);
        let kind = w.kind(graph.petgraph()[*n].kind);
        w.triple(&s, &rdf_type, &kind);
        if let Some(label) = graph.label_of(e) {
            w.triple(&s, &format!("<{RDFS}label>"), &literal(label));
        }
        if Some(e.kind) == source_kind {
            w.triple(&s, &rdf_type, &format!("<{PROV}Entity>"));
        }
        w.attrs(&s, e.attrs);
        w.evidence(&s, e.attrs);
        w.triple(
            &s,
            &Writer::term("declared"),
            &format!("\"{}\"^^<{XSD}boolean>", e.declared),
        );
        w.source(&s, e.origin);
    }
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let edge = g[e];
        let (s, p, o) = (
            w.entity(&graph.entity(a).name),
            w.relation(edge.relation),
            w.entity(&graph.entity(b).name),
        );
        w.statement(&s, &p, &o, edge.attrs, edge.origin);
    }
    for f in graph.facts() {
        let (s, o) = (
            w.entity(&graph.entity(f.subject).name),
            w.relation(f.predicate),
        );
        w.statement(&s, &Writer::term("fact"), &o, f.attrs, f.origin);
    }
    w.out
}
