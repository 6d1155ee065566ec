//! The statements an answer rests on (`why`): each with its file, line,
//! text and quote, and the table that shows them under each row or hop.

use super::*;

/// Where a statement was written, what it says, its `quote`, and the
/// source it cites with where the quote is in that source's document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: u32,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// The source a statement cites, and where its quote is in the source's
/// document when it was verified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub source: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<AnchorJson>,
}

/// An anchor as JSON: `file`, `start`, `end` (code points), `line`,
/// `column`, `prefix`, `suffix`, and `match` (the rung).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnchorJson {
    pub file: String,
    pub start: u64,
    pub end: u64,
    pub line: u32,
    pub column: u32,
    pub prefix: String,
    pub suffix: String,
    #[serde(rename = "match")]
    pub rung: crate::graph::Match,
}

impl Evidence {
    /// What `attrs` cites, if anything.
    pub fn of(graph: &Graph, attrs: u32) -> Option<Evidence> {
        let source = graph.cited(attrs).source?.to_string();
        let anchor = graph.anchor(attrs).map(|a| AnchorJson {
            file: a.file.clone(),
            start: a.start,
            end: a.end,
            line: a.line,
            column: a.column,
            prefix: a.prefix.clone(),
            suffix: a.suffix.clone(),
            rung: a.rung,
        });
        Some(Evidence { source, anchor })
    }
}

impl Source {
    /// `file:line  text  “quote”  (Source, document:line:column)`.
    pub fn line_text(&self) -> String {
        let mut s = format!("{}:{}  {}", self.file, self.line, self.text);
        if let Some(q) = &self.quote {
            s.push_str(&format!("  \u{201c}{q}\u{201d}"));
        }
        if let Some(e) = &self.evidence {
            let mut name = String::new();
            crate::value::write_name(&mut name, &e.source).expect("writing to a String");
            match &e.anchor {
                Some(a) => s.push_str(&format!("  ({name}, {}:{}:{})", a.file, a.line, a.column)),
                None => s.push_str(&format!("  ({name})")),
            }
        }
        s
    }
}

/// A statement as relation-file text, its evidence (`quote`, `source`,
/// `occurrence`) apart.
pub(crate) fn statement_text(
    graph: &Graph,
    subject: NodeIndex,
    relation: Sym,
    object: Option<NodeIndex>,
    attrs: u32,
) -> (String, Option<String>) {
    let mut text = String::new();
    crate::value::write_name(&mut text, &graph.entity(subject).name).expect("writing to a String");
    text.push(' ');
    crate::value::write_relation(&mut text, graph.relations.name(relation))
        .expect("writing to a String");
    if let Some(o) = object {
        text.push(' ');
        crate::value::write_name(&mut text, &graph.entity(o).name).expect("writing to a String");
    }
    let mut quote = None;
    let rest: Vec<String> = graph
        .attrs(attrs)
        .iter()
        .filter_map(|(k, v)| match (graph.keys.name(*k), v) {
            ("quote", Value::Str(q)) => {
                quote = Some(q.to_string());
                None
            }
            ("source", Value::Name(_)) | ("occurrence", Value::Int(_)) => None,
            (key, v) => Some(format!("{key}: {v}")),
        })
        .collect();
    if !rest.is_empty() {
        text.push_str(&format!(" {{{}}}", rest.join(", ")));
    }
    (text, quote)
}

/// The source of a stored relation statement.
pub fn edge_source(graph: &Graph, edge: EdgeIndex) -> Source {
    let g = graph.petgraph();
    let (a, b) = g.edge_endpoints(edge).expect("edges have ends");
    let w = g[edge];
    let (text, quote) = statement_text(graph, a, w.relation, Some(b), w.attrs);
    Source {
        file: graph.files[w.origin.file as usize].clone(),
        line: w.origin.line,
        text,
        quote,
        evidence: Evidence::of(graph, w.attrs),
    }
}

/// The source of a fact.
pub fn fact_source(graph: &Graph, f: &Fact) -> Source {
    let (text, quote) = statement_text(graph, f.subject, f.predicate, None, f.attrs);
    Source {
        file: graph.files[f.origin.file as usize].clone(),
        line: f.origin.line,
        text,
        quote,
        evidence: Evidence::of(graph, f.attrs),
    }
}

/// The declarations that let relation `r` be derived: its own, and one
/// that declares it the inverse of another or another the inverse of it.
pub fn declaration_sources(graph: &Graph, r: Sym) -> Vec<Source> {
    let mut out = Vec::new();
    let mut add = |s: Sym| {
        if let (Some(d), Some(text)) = (graph.declarations.get(&s), graph.declaration_text(s)) {
            let source = Source {
                file: graph.files[d.origin.file as usize].clone(),
                line: d.origin.line,
                text,
                quote: None,
                evidence: None,
            };
            if !out.contains(&source) {
                out.push(source);
            }
        }
    };
    add(r);
    for (s, d) in &graph.declarations {
        if d.inverse_of == Some(r) {
            add(*s);
        }
    }
    out
}

/// The key that orders evidence by the source it cites, statements citing
/// none last.
fn cited(s: &Source) -> (bool, Option<&str>) {
    let name = s.evidence.as_ref().map(|e| e.source.as_str());
    (name.is_none(), name)
}

/// Evidence in the order `why` gives it: by the source cited (statements
/// citing none last), then file and line.
fn by_source(list: &mut [Source]) {
    list.sort_by(|a, b| {
        cited(a)
            .cmp(&cited(b))
            .then_with(|| a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
}

/// Every statement of the claim that `edge` makes (its subject, relation
/// and object), in the order of [`by_source`].
pub fn claim_sources(graph: &Graph, edge: EdgeIndex) -> Vec<Source> {
    let g = graph.petgraph();
    let (a, b) = g.edge_endpoints(edge).expect("edges have ends");
    let relation = g[edge].relation;
    let mut out: Vec<Source> = graph
        .adjacent(a, petgraph::Direction::Outgoing)
        .filter(|e| e.target == b && e.weight.relation == relation)
        .map(|e| edge_source(graph, e.id))
        .collect();
    by_source(&mut out);
    out
}

/// What a hop rests on: every statement of its claim, and for a derived
/// hop the declarations that derive it.
pub fn hop_sources(graph: &Graph, edge: EdgeIndex, relation: Sym, derived: bool) -> Vec<Source> {
    let mut out = claim_sources(graph, edge);
    if derived {
        out.extend(declaration_sources(graph, relation));
        out.extend(
            declaration_sources(graph, graph.petgraph()[edge].relation)
                .into_iter()
                .filter(|s| !out.contains(s))
                .collect::<Vec<_>>(),
        );
    }
    out
}

/// What a pattern's row rests on.
pub fn row_sources(graph: &Graph, rows: &Rows, i: usize) -> Vec<Source> {
    let Some((edges, facts)) = rows.sources.get(i) else {
        return Vec::new();
    };
    // The row's claims in the order its clauses matched them; the evidence
    // of each claim by source.
    let g = graph.petgraph();
    let mut claims: Vec<(NodeIndex, Sym, NodeIndex)> = Vec::new();
    let mut grouped: Vec<Vec<Source>> = Vec::new();
    for &e in edges {
        let (a, b) = g.edge_endpoints(e).expect("edges have ends");
        let claim = (a, g[e].relation, b);
        let at = claims.iter().position(|c| *c == claim).unwrap_or_else(|| {
            claims.push(claim);
            grouped.push(Vec::new());
            claims.len() - 1
        });
        grouped[at].push(edge_source(graph, e));
    }
    let mut out: Vec<Source> = Vec::new();
    for mut group in grouped {
        by_source(&mut group);
        out.extend(group);
    }
    out.extend(facts.iter().map(|f| fact_source(graph, f)));
    if rows.derived.get(i).copied().unwrap_or(false) {
        for e in edges {
            for d in declaration_sources(graph, graph.petgraph()[*e].relation) {
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// Every statement that mentions `node`, in file order.
pub fn statements_about(graph: &Graph, node: NodeIndex) -> Vec<Source> {
    type Claim = (NodeIndex, Sym, Option<NodeIndex>);
    let mut keyed: Vec<(Claim, crate::graph::Origin, Source)> = Vec::new();
    for dir in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming] {
        for e in graph.adjacent(node, dir) {
            if dir == petgraph::Direction::Incoming && e.source == e.target {
                continue;
            }
            let claim = (e.source, e.weight.relation, Some(e.target));
            keyed.push((claim, e.weight.origin, edge_source(graph, e.id)));
        }
    }
    for f in graph.facts_of(node) {
        keyed.push((
            (f.subject, f.predicate, None),
            f.origin,
            fact_source(graph, f),
        ));
    }
    // Claims in the order they were first stated; a claim's statements
    // together, by the source they cite, then file and line.
    let mut first: std::collections::HashMap<Claim, crate::graph::Origin> =
        std::collections::HashMap::new();
    for (claim, origin, _) in &keyed {
        let at = first.entry(*claim).or_insert(*origin);
        *at = (*at).min(*origin);
    }
    keyed.sort_by(|a, b| {
        (first[&a.0], a.0)
            .cmp(&(first[&b.0], b.0))
            .then_with(|| cited(&a.2).cmp(&cited(&b.2)))
            .then(a.1.cmp(&b.1))
    });
    keyed.into_iter().map(|(_, _, s)| s).collect()
}

/// The table of an answer with, under each row or hop, its sources.
pub(crate) fn why_table(out: &mut dyn Write, graph: &Graph, answer: &Answer) -> io::Result<()> {
    let under = |out: &mut dyn Write, sources: Vec<Source>| -> io::Result<()> {
        for s in sources {
            writeln!(out, "    <- {}", s.line_text())?;
        }
        Ok(())
    };
    match answer {
        Answer::Path(Some(path), _) if !path.is_empty() => {
            writeln!(out, "{}", draw_path(graph, path))?;
            for h in path {
                writeln!(
                    out,
                    "  {} -[{}]-> {}",
                    graph.entity(h.from).name,
                    graph.relations.name(h.relation),
                    graph.entity(h.to).name
                )?;
                under(out, hop_sources(graph, h.edge, h.relation, h.derived))?;
            }
            Ok(())
        }
        Answer::Paths { paths, .. } => {
            for p in paths {
                writeln!(out, "{}", draw_path(graph, p))?;
                for h in p {
                    under(out, hop_sources(graph, h.edge, h.relation, h.derived))?;
                }
            }
            writeln!(
                out,
                "({} path{})",
                paths.len(),
                if paths.len() == 1 { "" } else { "s" }
            )
        }
        Answer::Neighbours(list, _) => {
            for n in list {
                let d = if n.derived { " (derived)" } else { "" };
                writeln!(
                    out,
                    "{} {} {} {}{d}",
                    graph.entity(n.entity).name,
                    graph.relations.name(n.relation),
                    dir_name(n.direction),
                    n.depth
                )?;
                under(out, hop_sources(graph, n.edge, n.relation, n.derived))?;
            }
            footer(out, list.len(), "row")
        }
        Answer::Rows(rows) => {
            writeln!(out, "{}", rows.columns.join("  "))?;
            for (i, row) in rows.rows.iter().enumerate() {
                let d = if rows.derived.get(i).copied().unwrap_or(false) {
                    "  (derived)"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{}{d}",
                    row.iter().map(cell).collect::<Vec<_>>().join("  ")
                )?;
                under(out, row_sources(graph, rows, i))?;
            }
            footer(out, rows.rows.len(), "row")
        }
        other => table(out, graph, other, &View::default()),
    }
}

/// The statements, facts and declarations that cite source `node`: those
/// whose quote is anchored in the document's order, then the rest in file
/// order.
pub fn citing(graph: &Graph, node: NodeIndex) -> Vec<Source> {
    let name = &*graph.entity(node).name;
    let cites = |attrs: u32| attrs != 0 && graph.cited(attrs).source == Some(name);
    let mut keyed: Vec<((u64, crate::graph::Origin), Source)> = Vec::new();
    let key = |s: &Source, origin| {
        let at = s
            .evidence
            .as_ref()
            .and_then(|e| e.anchor.as_ref())
            .map_or(u64::MAX, |a| a.start);
        (at, origin)
    };
    use petgraph::visit::EdgeRef;
    for e in graph.petgraph().edge_references() {
        if cites(e.weight().attrs) {
            let s = edge_source(graph, e.id());
            keyed.push((key(&s, e.weight().origin), s));
        }
    }
    for f in graph.facts() {
        if cites(f.attrs) {
            let s = fact_source(graph, f);
            keyed.push((key(&s, f.origin), s));
        }
    }
    for (n, e) in graph.entities() {
        if cites(e.attrs) {
            let mut text = String::new();
            crate::value::write_name(&mut text, &e.name).expect("writing to a String");
            text.push_str(": ");
            text.push_str(graph.kind_name(n));
            if let Some(l) = graph.label_of(e) {
                text.push(' ');
                crate::value::write_quoted(&mut text, l).expect("writing to a String");
            }
            let quote = graph.cited(e.attrs).quote.map(str::to_string);
            let s = Source {
                file: graph.files[e.origin.file as usize].clone(),
                line: e.origin.line,
                text,
                quote,
                evidence: Evidence::of(graph, e.attrs),
            };
            keyed.push((key(&s, e.origin), s));
        }
    }
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|(_, s)| s).collect()
}
